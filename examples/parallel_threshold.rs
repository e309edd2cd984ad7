//! Measures where splitting rows (and labels) across two threads starts to pay: each workload
//! at sizes from 2¹² to 2²¹ elements, on a pool of two threads, once with the kernels always
//! sequential and once always parallel (`REWEIGH_PARALLEL_MIN_ELEMS` / `_LABELS` set to a huge
//! number and to 0 in two child processes of this program), and the crossover: the smallest size
//! from which the parallel run is at least 5 % faster at every larger size measured. (Below two
//! chunks of rows, 64 Ki elements, the kernels have nothing to split.)
//!
//! ```text
//! cargo run --release --example parallel_threshold [-- --markdown]
//! ```
//! The defaults in `src/kernels/mod.rs` (`PARALLEL_MIN_ELEMS`) and `src/schemes/tally.rs`
//! (`PARALLEL_MIN_LABELS`) are set from this measurement (README, "Performance").

#[path = "../benches/workloads/mod.rs"]
mod workloads;

use ndarray::{ArrayD, IxDyn};
use reweigh::Loss;
use reweigh::losses::{AsymmetricLoss, SigmoidCrossEntropy, SparseSoftmaxCrossEntropy};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::process::Command;
use std::time::Instant;
use workloads::Rng;

/// Sizes in elements (labels for the counting workload).
const SIZES: std::ops::RangeInclusive<u32> = 12..=21;

/// Median time of one call in µs: calls repeated for at least 40 ms and 21 calls.
fn time_us(mut f: impl FnMut()) -> f64 {
    f(); // warm-up
    let mut us = vec![];
    let start = Instant::now();
    while us.len() < 21 || start.elapsed().as_secs_f64() < 0.04 {
        let t = Instant::now();
        f();
        us.push(t.elapsed().as_secs_f64() * 1e6);
    }
    us.sort_by(f64::total_cmp);
    us[us.len() / 2]
}

/// The child: times every workload at every size on a 2-thread pool, one line per timing.
fn child() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let mut rng = Rng(0x7417);
    pool.install(|| {
        for p in SIZES {
            let n = 1_usize << p;
            let line = |workload: &str, us: f64| println!("{workload} {n} {us}");
            for c in [10, 1000] {
                let (x, y, w) = workloads::sparse_ce(&mut rng, n / c, c);
                let loss = SparseSoftmaxCrossEntropy::pytorch().class_weights(w);
                let mut g = ArrayD::<f32>::zeros(IxDyn(x.shape()));
                line(
                    &format!("sparse_ce_c{c}_forward"),
                    time_us(|| {
                        black_box(loss.forward(x.view(), y.view()).unwrap());
                    }),
                );
                line(
                    &format!("sparse_ce_c{c}_forward_backward_into"),
                    time_us(|| {
                        black_box(loss.compute_into(x.view(), y.view(), None, g.view_mut())).ok();
                    }),
                );
            }
            let (x, z, q) = workloads::bce(&mut rng, n / 512, 512);
            let bce = SigmoidCrossEntropy::pytorch().pos_weight(q);
            line(
                "bce_c512_forward",
                time_us(|| {
                    black_box(bce.forward(x.view(), z.view()).unwrap());
                }),
            );
            let asl = AsymmetricLoss::timm();
            line(
                "asl_c512_forward",
                time_us(|| {
                    black_box(asl.forward(x.view(), z.view()).unwrap());
                }),
            );
            let labels = workloads::labels(&mut rng, n, 1000);
            line(
                "class_counts_labels",
                time_us(|| {
                    black_box(workloads::balanced_weights(&labels, 1000));
                }),
            );
        }
    });
}

/// Runs this program as a child with both thresholds set to `threshold`.
fn run_child(threshold: usize) -> BTreeMap<(String, usize), f64> {
    let out = Command::new(std::env::current_exe().expect("this program"))
        .arg("--child")
        .env("REWEIGH_PARALLEL_MIN_ELEMS", threshold.to_string())
        .env("REWEIGH_PARALLEL_MIN_LABELS", threshold.to_string())
        .output()
        .expect("child runs");
    assert!(out.status.success(), "child failed");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            (
                (f[0].to_string(), f[1].parse().expect("size")),
                f[2].parse().expect("µs"),
            )
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--child") {
        return child();
    }
    let markdown = args.iter().any(|a| a == "--markdown");
    let seq = run_child(usize::MAX);
    let par = run_child(0);
    let mut workloads: Vec<String> = seq.keys().map(|(w, _)| w.clone()).collect();
    workloads.dedup();
    let sizes: Vec<usize> = SIZES.map(|p| 1 << p).collect();
    let head = sizes
        .iter()
        .map(|n| format!("2^{}", n.trailing_zeros()))
        .collect::<Vec<_>>();
    if markdown {
        println!(
            "| workload (2 threads: sequential µs / parallel µs) | {} | crossover |",
            head.join(" | ")
        );
        println!("|---|{}---:|", "---:|".repeat(sizes.len()));
    } else {
        println!("{:<40} {} crossover", "workload", head.join("  "));
    }
    for w in &workloads {
        let at = |n: usize| (seq[&(w.clone(), n)], par[&(w.clone(), n)]);
        // the smallest size from which the parallel run is faster (by 5 %, more than the
        // noise) at every larger size
        let crossover = sizes
            .iter()
            .rposition(|&n| {
                let (s, p) = at(n);
                p >= 0.95 * s
            })
            .map_or(Some(sizes[0]), |i| sizes.get(i + 1).copied());
        let cells: Vec<String> = sizes
            .iter()
            .map(|&n| {
                let (s, p) = at(n);
                format!("{s:.0} / {p:.0}")
            })
            .collect();
        let cross = crossover.map_or("none".to_string(), |n| {
            format!("2^{} = {n}", n.trailing_zeros())
        });
        if markdown {
            println!("| {w} | {} | {cross} |", cells.join(" | "));
        } else {
            println!("{w:<40} {} {cross}", cells.join("  "));
        }
    }
}
