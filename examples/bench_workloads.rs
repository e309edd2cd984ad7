//! The workloads of the performance table (README "Performance"), timed with 1 and 2 threads.
//!
//! ```text
//! cargo run --release --example bench_workloads              # a readable table
//! cargo run --release --example bench_workloads -- --json    # one JSON object per line
//!     [--threads 1,2] [--reps 5] [--only sparse_ce_10000x1000]
//! ```
//! `scripts/bench/compare_torch.py` runs this and the same workloads in PyTorch side by side.
//! Each timing is the median of `--reps` runs after one warm-up run. Inputs are uniform logits
//! in [−3, 3] from a fixed seed; the data do not affect the speed.

#[path = "../benches/workloads/mod.rs"]
mod workloads;

use ndarray::{ArrayD, IxDyn};
use reweigh::losses::{
    AsymmetricLoss, LdamLoss, LogitAdjustedCrossEntropy, LogitOffset, SampledSoftmaxLoss,
    SigmoidCrossEntropy, SparseSoftmaxCrossEntropy,
};
use reweigh::{Loss, LossValue, Reduction};
use std::hint::black_box;
use std::time::Instant;
use workloads::Rng;

struct Timing {
    workload: String,
    mode: &'static str,
    threads: usize,
    elements: usize,
    /// Bytes the step reads and writes at least once (inputs, targets, gradient): the traffic
    /// its share of the memory bandwidth is computed from.
    bytes: usize,
    median_ms: f64,
    min_ms: f64,
    value: f64,
}

/// Median and minimum wall time in ms over `reps` runs after a warm-up, and the last result.
/// With `REWEIGH_BENCH_CPU=1` the times are the process's CPU time instead (all threads; with
/// one thread, insensitive to other processes taking turns on the cores).
fn time<R>(reps: usize, mut f: impl FnMut() -> R) -> (f64, f64, R) {
    let cpu = std::env::var_os("REWEIGH_BENCH_CPU").is_some_and(|v| v != "0");
    let now = || if cpu { cpu_ms() } else { 0.0 };
    let mut last = f(); // warm-up
    let mut ms = Vec::with_capacity(reps);
    for _ in 0..reps {
        let (t, c) = (Instant::now(), now());
        last = black_box(f());
        ms.push(if cpu {
            now() - c
        } else {
            t.elapsed().as_secs_f64() * 1e3
        });
    }
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[0], last)
}

#[cfg(target_os = "linux")]
fn cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
}

#[cfg(not(target_os = "linux"))]
fn cpu_ms() -> f64 {
    f64::NAN
}

fn scalar(v: &LossValue<f32>) -> f64 {
    v.scalar().map_or(f64::NAN, f64::from)
}

#[derive(Clone)]
struct Opts {
    json: bool,
    threads: Vec<usize>,
    reps: usize,
    only: Option<String>,
}

fn parse_args() -> Opts {
    let mut o = Opts {
        json: false,
        threads: vec![1, 2],
        reps: 5,
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => o.json = true,
            "--threads" => {
                o.threads = args
                    .next()
                    .expect("--threads 1,2")
                    .split(',')
                    .map(|t| t.parse().expect("thread count"))
                    .collect()
            }
            "--reps" => o.reps = args.next().expect("--reps N").parse().expect("reps"),
            "--only" => o.only = Some(args.next().expect("--only NAME")),
            other => panic!("unknown argument {other}"),
        }
    }
    o
}

fn main() {
    let opts = parse_args();
    let mut out: Vec<Timing> = vec![];
    // one pool at a time, the others' threads gone: a sleeping worker of another pool measured
    // to make the 2-thread timings bimodal (the scheduler sometimes stacked two busy workers
    // on one core)
    for &threads in &opts.threads {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .start_handler(pin_to_cpu)
            .build()
            .unwrap();
        let pass = Opts {
            threads: vec![threads],
            only: opts.only.clone(),
            ..opts
        };
        run_pass(&pass, std::slice::from_ref(&pool), &mut out);
    }
    // the passes ran thread count by thread count: group by workload, in first-seen order (the
    // sort is stable, so each workload's timings stay in thread order)
    let mut order: Vec<String> = vec![];
    for t in &out {
        if !order.contains(&t.workload) {
            order.push(t.workload.clone());
        }
    }
    out.sort_by_key(|t| order.iter().position(|n| *n == t.workload));
    print_timings(&opts, &out);
}

/// Pins worker `i` to CPU `i` (as `OMP_PROC_BIND` would): unpinned, about one 2-thread run in
/// six had the scheduler keep both busy workers on one core for most of the run (sparse CE
/// 10000×1000 forward: median 3.5 ms, minimum 1.7 ms, against 1.8 ms in the other runs).
#[cfg(target_os = "linux")]
fn pin_to_cpu(i: usize) {
    // SAFETY: a zeroed cpu_set_t is valid; the calls only read and write it and the thread's
    // affinity.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(i % libc::CPU_SETSIZE as usize, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

#[cfg(not(target_os = "linux"))]
fn pin_to_cpu(_: usize) {}

/// Every wanted workload on `pools` (one per entry of `opts.threads`), inputs from fixed seeds.
fn run_pass(opts: &Opts, pools: &[rayon::ThreadPool], out: &mut Vec<Timing>) {
    let wanted = |name: &str| opts.only.as_deref().is_none_or(|o| o == name);
    let mut rng = Rng(0x5eed);

    // weighted softmax cross-entropy, sparse labels, class weights, mean (torch CrossEntropyLoss)
    for (n, c, backward) in [
        (10_000, 1_000, true),
        (1_000_000, 10, true),
        (4_096, 32_000, true),
    ] {
        let name = format!("sparse_ce_{n}x{c}");
        if !wanted(&name) {
            continue;
        }
        let (x, y, w) = workloads::sparse_ce(&mut rng, n, c);
        let loss = SparseSoftmaxCrossEntropy::pytorch().class_weights(w);
        let mut grad = ArrayD::<f32>::zeros(IxDyn(&[n, c]));
        for (&threads, pool) in opts.threads.iter().zip(pools) {
            let (median_ms, min_ms, v) =
                pool.install(|| time(opts.reps, || loss.forward(x.view(), y.view()).unwrap()));
            out.push(Timing {
                workload: name.clone(),
                mode: "forward",
                threads,
                elements: n * c,
                bytes: n * c * 4 + n * 8,
                median_ms,
                min_ms,
                value: scalar(&v),
            });
            if backward {
                let (median_ms, min_ms, v) = pool.install(|| {
                    time(opts.reps, || {
                        loss.forward_backward(x.view(), y.view()).unwrap().value
                    })
                });
                out.push(Timing {
                    workload: name.clone(),
                    mode: "forward_backward",
                    threads,
                    elements: n * c,
                    bytes: 2 * n * c * 4 + n * 8,
                    median_ms,
                    min_ms,
                    value: scalar(&v),
                });
                let (median_ms, min_ms, v) = pool.install(|| {
                    time(opts.reps, || {
                        loss.compute_into(x.view(), y.view(), None, grad.view_mut())
                            .unwrap()
                    })
                });
                out.push(Timing {
                    workload: name.clone(),
                    mode: "forward_backward_into",
                    threads,
                    elements: n * c,
                    bytes: 2 * n * c * 4 + n * 8,
                    median_ms,
                    min_ms,
                    value: scalar(&v),
                });
            }
        }
    }

    // BCE with logits and a per-class pos_weight, about 5 positives per row, mean
    let (n, c) = (65_536, 512);
    let name = format!("bce_pos_weight_{n}x{c}");
    if wanted(&name) {
        let (x, z, q) = workloads::bce(&mut rng, n, c);
        let loss = SigmoidCrossEntropy::pytorch().pos_weight(q);
        let mut grad = ArrayD::<f32>::zeros(IxDyn(&[n, c]));
        for (&threads, pool) in opts.threads.iter().zip(pools) {
            for mode in ["forward", "forward_backward", "forward_backward_into"] {
                let (median_ms, min_ms, v) = pool.install(|| {
                    time(opts.reps, || match mode {
                        "forward" => loss.forward(x.view(), z.view()).unwrap(),
                        "forward_backward" => {
                            loss.forward_backward(x.view(), z.view()).unwrap().value
                        }
                        _ => loss
                            .compute_into(x.view(), z.view(), None, grad.view_mut())
                            .unwrap(),
                    })
                });
                out.push(Timing {
                    workload: name.clone(),
                    mode,
                    threads,
                    elements: n * c,
                    // logits and 0/1 targets read, the gradient written
                    bytes: if mode == "forward" { 2 } else { 3 } * n * c * 4,
                    median_ms,
                    min_ms,
                    value: scalar(&v),
                });
            }
        }
    }

    // class weights over 10^7 labels: sklearn's "balanced" n / (k·count), with reweigh::schemes
    let (n, k) = (10_000_000, 1_000);
    let name = format!("balanced_weights_{n}_labels");
    if wanted(&name) {
        let y = workloads::labels(&mut rng, n, k);
        for (&threads, pool) in opts.threads.iter().zip(pools) {
            let (median_ms, min_ms, w) =
                pool.install(|| time(opts.reps, || workloads::balanced_weights(&y, k)));
            out.push(Timing {
                workload: name.clone(),
                mode: "weights",
                threads,
                elements: n,
                bytes: n * 8,
                median_ms,
                min_ms,
                value: w.iter().sum(),
            });
        }
    }

    // TensorFlow's use case of the sampled softmax, one training step
    let (classes, sampled, rows, dim) = workloads::SAMPLED;
    let name = format!("sampled_softmax_{classes}_classes");
    if wanted(&name) {
        let s = workloads::sampled(&mut rng, classes, rows, dim);
        let loss =
            SampledSoftmaxLoss::<f32>::new(sampled, classes).reduction(Reduction::SumOverBatchSize);
        for (&threads, pool) in opts.threads.iter().zip(pools) {
            let (median_ms, min_ms, v) =
                pool.install(|| time(opts.reps, || workloads::sampled_step(&loss, &s)));
            out.push(Timing {
                workload: name.clone(),
                mode: "sample_forward_backward",
                threads,
                elements: rows * (sampled + 1),
                // the sampled rows of the weights read, their gradient rows written
                bytes: 2 * (sampled + 1) * dim * 4 + rows * dim * 8,
                median_ms,
                min_ms,
                value: scalar(&v),
            });
        }
    }

    // the machine's memory read bandwidth: a plain sum over 400 MB of f32, one chunk per task
    let name = "read_bandwidth_400MB".to_string();
    if wanted(&name) {
        let n = 100_000_000;
        let v = vec![1.0_f32; n];
        for (&threads, pool) in opts.threads.iter().zip(pools) {
            let (median_ms, min_ms, total) =
                pool.install(|| time(opts.reps, || workloads::parallel_sum(&v)));
            out.push(Timing {
                workload: name.clone(),
                mode: "sum",
                threads,
                elements: n,
                bytes: n * 4,
                median_ms,
                min_ms,
                value: total,
            });
        }
    }

    long_tail_workloads(opts, pools, out);
}

fn print_timings(opts: &Opts, out: &[Timing]) {
    for t in out {
        if opts.json {
            println!(
                "{{\"workload\": \"{}\", \"mode\": \"{}\", \"threads\": {}, \"elements\": {}, \
                 \"bytes\": {}, \"median_ms\": {:.4}, \"min_ms\": {:.4}, \"value\": {}}}",
                t.workload, t.mode, t.threads, t.elements, t.bytes, t.median_ms, t.min_ms, t.value
            );
        } else {
            println!(
                "{:<34} {:<24} {} thr {:>10.2} ms (min {:>8.2})  {:>6.2} G el/s {:>6.1} GB/s  \
                 value {:.6}",
                t.workload,
                t.mode,
                t.threads,
                t.median_ms,
                t.min_ms,
                t.elements as f64 / t.median_ms / 1e6,
                t.bytes as f64 / t.median_ms / 1e6,
                t.value
            );
        }
    }
}

/// The long-tail losses that are hot in training (issue 14), each with its own seed: the
/// logit-adjusted loss (`x + τ·ln π`, τ = 1, PyTorch's mean) and LDAM (margins of max 0.5,
/// s = 30, class weights) on 10,000 × 1,000 with long-tailed counts, timm's ASL
/// (`AsymmetricLossMultiLabel()` defaults) on 65,536 × 512 with about 5 positives per row.
fn long_tail_workloads(opts: &Opts, pools: &[rayon::ThreadPool], out: &mut Vec<Timing>) {
    let wanted = |name: &str| opts.only.as_deref().is_none_or(|o| o == name);
    let (n, c) = (10_000, 1_000);
    let name = format!("logit_adjusted_ce_{n}x{c}");
    if wanted(&name) {
        let (x, y, _) = workloads::sparse_ce(&mut Rng(0x1a), n, c);
        let counts = workloads::long_tail_counts(c);
        let o = LogitOffset::TauLogPrior { tau: 1.0 }
            .offsets(&counts)
            .unwrap();
        let loss = LogitAdjustedCrossEntropy::new(o).base(SparseSoftmaxCrossEntropy::pytorch());
        time_modes(opts, pools, out, &name, &loss, &x, &y);
    }
    let name = format!("ldam_{n}x{c}");
    if wanted(&name) {
        let (x, y, w) = workloads::sparse_ce(&mut Rng(0x1da), n, c);
        let counts = workloads::long_tail_counts(c);
        let loss = LdamLoss::from_counts(&counts, 0.5, 30.0)
            .unwrap()
            .class_weights(w);
        time_modes(opts, pools, out, &name, &loss, &x, &y);
    }
    let (n, c) = (65_536, 512);
    let name = format!("asl_{n}x{c}");
    if wanted(&name) {
        let (x, z, _) = workloads::bce(&mut Rng(0xa51), n, c);
        let loss = AsymmetricLoss::timm();
        time_modes(opts, pools, out, &name, &loss, &x, &z);
    }
}

/// `forward`, `forward_backward` and `forward_backward_into` (into a reused buffer) of `loss`
/// at each thread count.
fn time_modes<L>(
    opts: &Opts,
    pools: &[rayon::ThreadPool],
    out: &mut Vec<Timing>,
    name: &str,
    loss: &L,
    x: &ArrayD<f32>,
    y: &ArrayD<L::Label>,
) where
    L: Loss<f32> + Sync,
    L::Label: Sync,
{
    let mut grad = ArrayD::<f32>::zeros(x.raw_dim());
    for (&threads, pool) in opts.threads.iter().zip(pools) {
        for mode in ["forward", "forward_backward", "forward_backward_into"] {
            let (median_ms, min_ms, v) = pool.install(|| {
                time(opts.reps, || match mode {
                    "forward" => loss.forward(x.view(), y.view()).unwrap(),
                    "forward_backward" => loss.forward_backward(x.view(), y.view()).unwrap().value,
                    _ => loss
                        .compute_into(x.view(), y.view(), None, grad.view_mut())
                        .unwrap(),
                })
            });
            out.push(Timing {
                workload: name.to_string(),
                mode,
                threads,
                elements: x.len(),
                // the logits and targets read, the gradient written
                bytes: x.len() * 4
                    + y.len() * std::mem::size_of::<L::Label>()
                    + if mode == "forward" { 0 } else { x.len() * 4 },
                median_ms,
                min_ms,
                value: scalar(&v),
            });
        }
    }
}
