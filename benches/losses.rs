//! Criterion benchmarks of the performance workloads (README "Performance"): weighted sparse
//! softmax cross-entropy on 10,000 × 1,000, 1,000,000 × 10 and 4,096 × 32,000 f32 logits, BCE
//! with logits and `pos_weight` on 65,536 × 512, each as value and value + gradient (allocated,
//! and into a reused buffer), and class-weight counting over 10^7 labels.
//!
//! `cargo bench --bench losses` (not run by CI; `cargo clippy --all-targets` compiles it).
//! Threads: rayon's global pool, `RAYON_NUM_THREADS=1 cargo bench` for one.

mod workloads;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ndarray::ArrayD;
use reweigh::Loss;
use reweigh::losses::{SigmoidCrossEntropy, SparseSoftmaxCrossEntropy};
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

criterion_group!(benches, sparse_softmax, sigmoid, class_weights);
criterion_main!(benches);
