//! Criterion benchmarks of the performance workloads (README "Performance"): weighted sparse
//! softmax cross-entropy on 10,000 × 1,000, 1,000,000 × 10 and 4,096 × 32,000 f32 logits, BCE
//! with logits and `pos_weight` on 65,536 × 512, each as value and value + gradient (allocated,
//! and into a reused buffer), class-weight counting over 10^7 labels, the long-tail losses
//! (logit-adjusted CE and LDAM on 10,000 × 1,000, timm's ASL on 65,536 × 512), one training step
//! of the sampled softmax at 10^6 classes and the memory read bandwidth: every row of the
//! README's table.
//!
//! `cargo bench --bench losses` (not run by CI; `cargo clippy --all-targets` compiles it).
//! Threads: rayon's global pool, `RAYON_NUM_THREADS=1 cargo bench` for one.

mod workloads;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ndarray::ArrayD;
use reweigh::losses::{
    AsymmetricLoss, LdamLoss, LogitAdjustedCrossEntropy, LogitOffset, SampledSoftmaxLoss,
    SigmoidCrossEntropy, SparseSoftmaxCrossEntropy,
};
use reweigh::{Loss, Reduction};
use std::hint::black_box;
use std::time::Duration;
use workloads::Rng;

fn sparse_softmax(c: &mut Criterion) {
    let mut rng = Rng(0x5eed);
    let mut group = c.benchmark_group("sparse_softmax_ce_class_weights_mean");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (n, k, backward) in [
        (10_000, 1_000, true),
        (1_000_000, 10, true),
        (4_096, 32_000, false),
    ] {
        let (x, y, w) = workloads::sparse_ce(&mut rng, n, k);
        let loss = SparseSoftmaxCrossEntropy::pytorch().class_weights(w);
        let size = format!("{n}x{k}");
        group.throughput(Throughput::Elements((n * k) as u64));
        group.bench_function(BenchmarkId::new("value", &size), |b| {
            b.iter(|| loss.forward(black_box(x.view()), y.view()).unwrap())
        });
        if backward {
            group.bench_function(BenchmarkId::new("value_grad", &size), |b| {
                b.iter(|| {
                    loss.forward_backward(black_box(x.view()), y.view())
                        .unwrap()
                })
            });
            let mut grad = ArrayD::<f32>::zeros(x.shape());
            group.bench_function(BenchmarkId::new("value_grad_into", &size), |b| {
                b.iter(|| {
                    loss.compute_into(black_box(x.view()), y.view(), None, grad.view_mut())
                        .unwrap()
                })
            });
        }
    }
    group.finish();
}

fn sigmoid(c: &mut Criterion) {
    let mut rng = Rng(0xbce);
    let (n, k) = (65_536, 512);
    let (x, z, q) = workloads::bce(&mut rng, n, k);
    let loss = SigmoidCrossEntropy::pytorch().pos_weight(q);
    let mut group = c.benchmark_group("bce_with_logits_pos_weight_mean");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements((n * k) as u64));
    let size = format!("{n}x{k}");
    group.bench_function(BenchmarkId::new("value", &size), |b| {
        b.iter(|| loss.forward(black_box(x.view()), z.view()).unwrap())
    });
    group.bench_function(BenchmarkId::new("value_grad", &size), |b| {
        b.iter(|| {
            loss.forward_backward(black_box(x.view()), z.view())
                .unwrap()
        })
    });
    let mut grad = ArrayD::<f32>::zeros(x.shape());
    group.bench_function(BenchmarkId::new("value_grad_into", &size), |b| {
        b.iter(|| {
            loss.compute_into(black_box(x.view()), z.view(), None, grad.view_mut())
                .unwrap()
        })
    });
    group.finish();
}

fn class_weights(c: &mut Criterion) {
    let mut rng = Rng(0xc1a55);
    let (n, k) = (10_000_000, 1_000);
    let y = workloads::labels(&mut rng, n, k);
    let mut group = c.benchmark_group("class_weights");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(n as u64));
    group.bench_function("balanced_weights_1e7_labels", |b| {
        b.iter(|| workloads::balanced_weights(black_box(&y), k))
    });
    group.finish();
}

/// The sampled softmax at 10^6 classes (one training step) and the memory read bandwidth the
/// loss kernels are compared with (a parallel sum over 400 MB).
fn scale(c: &mut Criterion) {
    let (classes, sampled, rows, dim) = workloads::SAMPLED;
    let s = workloads::sampled(&mut Rng(0x5a3), classes, rows, dim);
    let loss =
        SampledSoftmaxLoss::<f32>::new(sampled, classes).reduction(Reduction::SumOverBatchSize);
    let mut group = c.benchmark_group("scale");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements((rows * (sampled + 1)) as u64));
    group.bench_function(format!("sampled_softmax_{classes}_classes"), |b| {
        b.iter(|| workloads::sampled_step(black_box(&loss), &s))
    });
    let v = vec![1.0_f32; 100_000_000];
    group.throughput(Throughput::Bytes((v.len() * 4) as u64));
    group.bench_function("read_bandwidth_400MB", |b| {
        b.iter(|| workloads::parallel_sum(black_box(&v)))
    });
    group.finish();
}

/// The long-tail losses of `examples/bench_workloads.rs` (`long_tail_workloads`): value, value +
/// gradient and value + gradient into a reused buffer.
fn long_tail(c: &mut Criterion) {
    let mut group = c.benchmark_group("long_tail");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let (n, k) = (10_000, 1_000);
    let counts = workloads::long_tail_counts(k);
    let (x, y, _) = workloads::sparse_ce(&mut Rng(0x1a), n, k);
    let o = LogitOffset::TauLogPrior { tau: 1.0 }
        .offsets(&counts)
        .unwrap();
    let la = LogitAdjustedCrossEntropy::new(o).base(SparseSoftmaxCrossEntropy::pytorch());
    bench_modes(
        &mut group,
        &format!("logit_adjusted_ce_{n}x{k}"),
        &la,
        &x,
        &y,
    );
    let (x, y, w) = workloads::sparse_ce(&mut Rng(0x1da), n, k);
    let ldam = LdamLoss::from_counts(&counts, 0.5, 30.0)
        .unwrap()
        .class_weights(w);
    bench_modes(&mut group, &format!("ldam_{n}x{k}"), &ldam, &x, &y);
    let (n, k) = (65_536, 512);
    let (x, z, _) = workloads::bce(&mut Rng(0xa51), n, k);
    bench_modes(
        &mut group,
        &format!("asl_{n}x{k}"),
        &AsymmetricLoss::timm(),
        &x,
        &z,
    );
    group.finish();
}

fn bench_modes<L: Loss<f32>>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    size: &str,
    loss: &L,
    x: &ArrayD<f32>,
    y: &ArrayD<L::Label>,
) {
    group.throughput(Throughput::Elements(x.len() as u64));
    group.bench_function(BenchmarkId::new("value", size), |b| {
        b.iter(|| loss.forward(black_box(x.view()), y.view()).unwrap())
    });
    group.bench_function(BenchmarkId::new("value_grad", size), |b| {
        b.iter(|| {
            loss.forward_backward(black_box(x.view()), y.view())
                .unwrap()
        })
    });
    let mut grad = ArrayD::<f32>::zeros(x.shape());
    group.bench_function(BenchmarkId::new("value_grad_into", size), |b| {
        b.iter(|| {
            loss.compute_into(black_box(x.view()), y.view(), None, grad.view_mut())
                .unwrap()
        })
    });
}

criterion_group!(
    benches,
    sparse_softmax,
    sigmoid,
    class_weights,
    long_tail,
    scale
);
criterion_main!(benches);
