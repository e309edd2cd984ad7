//! The inputs of the performance workloads, shared by `benches/losses.rs` and
//! `examples/bench_workloads.rs` (which includes this file by path).
#![allow(dead_code)] // each includer uses a part

use ndarray::{Array1, ArrayD, IxDyn};

/// splitmix64: fast, reproducible, good enough for benchmark inputs.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Uniform in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }
}

/// Uniform logits in [−3, 3].
pub fn logits(rng: &mut Rng, shape: &[usize]) -> ArrayD<f32> {
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n).map(|_| rng.unit() * 6.0 - 3.0).collect();
    ArrayD::from_shape_vec(IxDyn(shape), v).unwrap()
}

/// `(n, c)` logits, `n` integer labels and `c` class weights in [0.5, 1.5).
pub fn sparse_ce(rng: &mut Rng, n: usize, c: usize) -> (ArrayD<f32>, ArrayD<i64>, Array1<f32>) {
    let x = logits(rng, &[n, c]);
    let y = ArrayD::from_shape_fn(IxDyn(&[n]), |_| rng.below(c) as i64);
    let w = Array1::from_shape_fn(c, |_| 0.5 + rng.unit());
    (x, y, w)
}

/// `(n, c)` logits, 0/1 labels with about 5 positives per row, per-class `pos_weight` in [1, 10).
pub fn bce(rng: &mut Rng, n: usize, c: usize) -> (ArrayD<f32>, ArrayD<f32>, ArrayD<f32>) {
    let x = logits(rng, &[n, c]);
    let z = ArrayD::from_shape_fn(IxDyn(&[n, c]), |_| f32::from(u8::from(rng.below(c) < 5)));
    let q = Array1::from_shape_fn(c, |_| 1.0 + 9.0 * rng.unit()).into_dyn();
    (x, z, q)
}

/// `n` labels of `k` classes.
pub fn labels(rng: &mut Rng, n: usize, k: usize) -> Vec<i64> {
    (0..n).map(|_| rng.below(k) as i64).collect()
}

/// scikit-learn's "balanced" class weights `n / (k·count_c)` with the library:
/// `ClassCounts::from_label_array` (parallel on the current rayon pool) then
/// `schemes::balanced_weights`.
pub fn balanced_weights(y: &[i64], _k: usize) -> Vec<f64> {
    let counts = reweigh::schemes::ClassCounts::from_label_array(y).expect("labels");
    reweigh::schemes::balanced_weights(counts.counts())
        .expect("counts")
        .to_vec()
}

/// A sampled-softmax output layer: `rows × dim` inputs, `classes × dim` class embeddings and
/// biases (uniform in [−0.05, 0.05)), one label per row.
pub struct Sampled {
    pub x: ndarray::Array2<f32>,
    pub w: ndarray::Array2<f32>,
    pub b: Array1<f32>,
    pub labels: ndarray::Array2<i64>,
}

/// TensorFlow's use case of the sampled softmax: 10^6 classes, 8192 sampled, 1024 rows of 128
/// features.
pub const SAMPLED: (usize, usize, usize, usize) = (1_000_000, 8_192, 1_024, 128);

/// One training step of the sampled softmax: sampling, loss, gradients of the inputs, weights
/// and biases; returns the loss value.
pub fn sampled_step(
    loss: &reweigh::losses::SampledSoftmaxLoss<f32>,
    s: &Sampled,
) -> reweigh::LossValue<f32> {
    let c = loss.sample(&s.labels, 7).expect("labels in range");
    loss.forward_backward(&s.x, &s.w, &s.b, &s.labels, &c)
        .expect("shapes agree")
        .value
}

pub fn sampled(rng: &mut Rng, classes: usize, rows: usize, dim: usize) -> Sampled {
    let mut small = || (rng.unit() - 0.5) * 0.1;
    let x = ndarray::Array2::from_shape_fn((rows, dim), |_| small());
    let w = ndarray::Array2::from_shape_fn((classes, dim), |_| small());
    let b = Array1::from_shape_fn(classes, |_| small());
    let labels = ndarray::Array2::from_shape_fn((rows, 1), |_| rng.below(classes) as i64);
    Sampled { x, w, b, labels }
}

/// `Σ v` in parallel on the current rayon pool (one task per 1 Mi elements, partial sums in f64):
/// the memory read bandwidth the loss kernels are compared with.
pub fn parallel_sum(v: &[f32]) -> f64 {
    use rayon::prelude::*;
    v.par_chunks(1 << 20)
        .map(|c| {
            // eight independent accumulators: the sum is bound by the memory, not by the adds
            let mut acc = [0.0_f32; 8];
            let (body, tail) = c.split_at(c.len() / 8 * 8);
            for x in body.chunks_exact(8) {
                for (a, &v) in acc.iter_mut().zip(x) {
                    *a += v;
                }
            }
            acc.iter().map(|&a| f64::from(a)).sum::<f64>()
                + tail.iter().map(|&t| f64::from(t)).sum::<f64>()
        })
        .sum()
}

/// Long-tailed class counts over `c` classes, CIFAR-LT's exponential profile with imbalance
/// ratio 100: `n_j = ⌊5000 · 0.01^(j/(c−1))⌋` (the logit-adjusted and LDAM workloads).
pub fn long_tail_counts(c: usize) -> Vec<f64> {
    let last = (c.max(2) - 1) as f64;
    (0..c)
        .map(|j| (5000.0 * 0.01_f64.powf(j as f64 / last)).floor().max(1.0))
        .collect()
}
