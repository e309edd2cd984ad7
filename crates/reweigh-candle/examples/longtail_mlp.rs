//! A small candle MLP trained on long-tailed digits with four of reweigh's losses, as candle ops:
//! plain cross-entropy, class-weighted ('balanced') cross-entropy, focal loss (γ = 2) and
//! Menon et al.'s logit-adjusted loss (τ = 1). Prints the balanced accuracy on a balanced test
//! set per method, over three seeds.
//!
//! The data are the long-tailed digits of reweigh's long-tailed study (scikit-learn's digits,
//! 34 test images per class, training classes following ⌊140·ρ^(−i/9)⌋ at ρ = 100).
//!
//!     cargo run --release -p reweigh-candle --example longtail_mlp

use candle_core::{DType, Device, Module, Result, Tensor, Var};
use candle_nn::{Linear, Optimizer};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reweigh::Reduction;
use reweigh::losses::{
    CategoricalFocalLoss, LogitAdjustedCrossEntropy, SparseCategoricalFocalLoss,
    SparseSoftmaxCrossEntropy,
};
use reweigh::metrics::balanced_accuracy_score;
use reweigh::schemes::balanced_weights;
use reweigh_candle::{CandleLoss, TargetLoss};
use reweigh_ledger::longtail::{CLASSES, Split, exponential_profile, features, labels};

const RHO: f64 = 100.0;
const HIDDEN: usize = 32;
const EPOCHS: usize = 300;
const SEEDS: [u64; 3] = [0, 1, 2];

/// A dense layer with Glorot-uniform weights and zero biases, drawn from a seeded generator.
fn dense(
    inputs: usize,
    outputs: usize,
    rng: &mut ChaCha8Rng,
    vars: &mut Vec<Var>,
) -> Result<Linear> {
    let limit = (6.0 / (inputs + outputs) as f32).sqrt();
    let w: Vec<f32> = (0..inputs * outputs)
        .map(|_| rng.random_range(-limit..limit))
        .collect();
    let w = Var::from_vec(w, (outputs, inputs), &Device::Cpu)?;
    let b = Var::zeros(outputs, DType::F32, &Device::Cpu)?;
    let layer = Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone()));
    vars.extend([w, b]);
    Ok(layer)
}

fn tensor2(a: &ndarray::Array2<f64>) -> Result<Tensor> {
    let data: Vec<f32> = a.iter().map(|&v| v as f32).collect();
    Tensor::from_vec(data, a.dim(), &Device::Cpu)
}

/// Trains the MLP with `loss` (full batch, AdamW without weight decay = Adam, lr 0.01) and returns
/// the balanced accuracy of its arg-max predictions on the test set.
fn run<L>(
    loss: CandleLoss<L>,
    seed: u64,
    train: (&Tensor, &Tensor),
    test: (&Tensor, &[i64]),
) -> Result<f64>
where
    L: TargetLoss<f32, i64>,
{
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut vars = Vec::new();
    let hidden = dense(64, HIDDEN, &mut rng, &mut vars)?;
    let out = dense(HIDDEN, CLASSES, &mut rng, &mut vars)?;
    let forward = |x: &Tensor| -> Result<Tensor> { out.forward(&hidden.forward(x)?.relu()?) };
    let params = candle_nn::ParamsAdamW {
        lr: 0.01,
        weight_decay: 0.0,
        ..Default::default()
    };
    let mut opt = candle_nn::AdamW::new(vars, params)?;
    for _ in 0..EPOCHS {
        let value = loss.forward(&forward(train.0)?, train.1)?;
        opt.backward_step(&value)?;
    }
    let predicted: Vec<i64> = forward(test.0)?
        .argmax(1)?
        .to_vec1::<u32>()?
        .into_iter()
        .map(i64::from)
        .collect();
    balanced_accuracy_score(test.1, &predicted).map_err(candle_core::Error::wrap)
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (m, var.sqrt())
}

fn main() -> Result<()> {
    let split = Split::new(34, 0);
    let counts = exponential_profile(140, RHO, CLASSES);
    let counts_f64: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
    let test_rows = &split.test;
    let test_x = tensor2(&features(test_rows))?;
    let test_y = labels(test_rows);
    println!(
        "long-tailed digits, ρ = {RHO}: training counts {counts:?}, {} test images",
        test_y.len()
    );
    println!(
        "MLP 64-{HIDDEN}-{CLASSES}, Adam lr 0.01, {EPOCHS} full-batch epochs, seeds {SEEDS:?}\n"
    );

    let weights = balanced_weights(ndarray::Array1::from(counts_f64.clone()).view())
        .map_err(candle_core::Error::wrap)?;
    let weights = weights.mapv(|w| w as f32);
    let mut results: Vec<(&str, Vec<f64>)> = Vec::new();
    for (name, scores) in [
        ("cross-entropy", Vec::new()),
        ("balanced class weights", Vec::new()),
        ("focal (γ = 2)", Vec::new()),
        ("logit-adjusted (τ = 1)", Vec::new()),
    ] {
        results.push((name, scores));
    }
    for &seed in &SEEDS {
        let rows = split.training_rows(&counts, seed);
        let x = tensor2(&features(&rows))?;
        let y = Tensor::from_vec(labels(&rows), rows.len(), &Device::Cpu)?;
        let (train, test) = ((&x, &y), (&test_x, test_y.as_slice()));
        let ce = SparseSoftmaxCrossEntropy::<f32>::pytorch();
        results[0]
            .1
            .push(run(CandleLoss::new(ce.clone()), seed, train, test)?);
        results[1].1.push(run(
            CandleLoss::new(ce.class_weights(weights.clone())),
            seed,
            train,
            test,
        )?);
        let focal = SparseCategoricalFocalLoss::new(
            CategoricalFocalLoss::<f32>::new()
                .gamma(2.0)
                .reduction(Reduction::SumOverBatchSize),
        );
        results[2]
            .1
            .push(run(CandleLoss::new(focal), seed, train, test)?);
        let la = LogitAdjustedCrossEntropy::<f32>::menon(&counts_f64, 1.0)
            .map_err(candle_core::Error::wrap)?;
        results[3]
            .1
            .push(run(CandleLoss::new(la), seed, train, test)?);
    }
    println!("{:<26} {:>22}", "loss", "balanced accuracy");
    for (name, scores) in &results {
        let (m, sd) = mean_sd(scores);
        println!("{name:<26} {m:>14.3} ± {sd:.3}");
    }
    Ok(())
}
