//! The candle op against candle-nn's own losses on the performance workloads (CPU): forward
//! (value only) and forward + backward (`backward()` of the loss, gradient for the logits),
//! median wall time of `ROUNDS` runs after a warm-up, in one run, side by side.
//!
//!     cargo run --release -p reweigh-candle --example overhead

use candle_core::{Device, Result, Tensor, Var};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reweigh::losses::{SigmoidCrossEntropy, SparseSoftmaxCrossEntropy};
use reweigh_candle::CandleLoss;
use std::time::Instant;

const ROUNDS: usize = 5;

fn median_ms(mut f: impl FnMut() -> Result<()>) -> Result<f64> {
    f()?;
    let mut t = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        f()?;
        t.push(start.elapsed().as_secs_f64() * 1e3);
    }
    t.sort_by(f64::total_cmp);
    Ok(t[ROUNDS / 2])
}

fn row(workload: &str, step: &str, theirs: f64, ours: f64) {
    println!(
        "| {workload} | {step} | {theirs:.1} | {ours:.1} | {:.2}x |",
        theirs / ours
    );
}

fn main() -> Result<()> {
    let cpu = &Device::Cpu;
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    println!(
        "threads: {} (candle's and reweigh's pools)",
        rayon_threads()
    );
    println!("| workload | step | candle-nn ms | reweigh op ms | speed-up |");
    println!("|---|---|---|---|---|");
    for (n, c) in [(10_000usize, 1_000usize), (1_000_000, 10)] {
        let x: Vec<f32> = (0..n * c)
            .map(|_| rng.random_range(-4.0_f32..4.0))
            .collect();
        let labels: Vec<u32> = (0..n).map(|_| rng.random_range(0..c as u32)).collect();
        let x = Var::from_vec(x, (n, c), cpu)?;
        let plain = x.as_tensor().detach();
        let y = Tensor::from_vec(labels, n, cpu)?;
        let op = CandleLoss::new(SparseSoftmaxCrossEntropy::<f32>::pytorch());
        let name = format!("sparse CE {n}×{c}");
        let t = median_ms(|| candle_nn::loss::cross_entropy(&plain, &y).map(drop))?;
        let o = median_ms(|| op.forward(&plain, &y).map(drop))?;
        row(&name, "forward", t, o);
        let t = median_ms(|| {
            candle_nn::loss::cross_entropy(x.as_tensor(), &y)?
                .backward()
                .map(drop)
        })?;
        let o = median_ms(|| op.forward(x.as_tensor(), &y)?.backward().map(drop))?;
        row(&name, "forward + backward", t, o);
    }
    let (n, c) = (65_536usize, 512usize);
    let x: Vec<f32> = (0..n * c)
        .map(|_| rng.random_range(-4.0_f32..4.0))
        .collect();
    let t01: Vec<f32> = (0..n * c)
        .map(|_| f32::from(u8::from(rng.random_bool(0.01))))
        .collect();
    let x = Var::from_vec(x, (n, c), cpu)?;
    let plain = x.as_tensor().detach();
    let y = Tensor::from_vec(t01, (n, c), cpu)?;
    let op = CandleLoss::new(SigmoidCrossEntropy::<f32>::pytorch());
    let name = format!("BCE {n}×{c}");
    let t = median_ms(|| candle_nn::loss::binary_cross_entropy_with_logit(&plain, &y).map(drop))?;
    let o = median_ms(|| op.forward(&plain, &y).map(drop))?;
    row(&name, "forward", t, o);
    let t = median_ms(|| {
        candle_nn::loss::binary_cross_entropy_with_logit(x.as_tensor(), &y)?
            .backward()
            .map(drop)
    })?;
    let o = median_ms(|| op.forward(x.as_tensor(), &y)?.backward().map(drop))?;
    row(&name, "forward + backward", t, o);
    Ok(())
}

fn rayon_threads() -> String {
    std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| {
        std::thread::available_parallelism().map_or("?".into(), |n| n.to_string())
    })
}
