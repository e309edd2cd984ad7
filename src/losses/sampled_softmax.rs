//! Sampled softmax: the softmax cross-entropy over the true classes and a sample of the other
//! classes, with TensorFlow's `tf.nn.sampled_softmax_loss` semantics, and the full softmax it
//! approximates.

use crate::Real;
use crate::alloc;
use crate::error::{Result, ReweighError};
use crate::loss::{check_nonempty, check_same_shape};
use crate::losses::weighting::apply_sample_weight;
use crate::math::log_softmax_fill;
use crate::output::LossValue;
use crate::reduction::{Reducer, Reduction};
use crate::sampling::{LogUniformSampler, SampledCandidates, check_class_range};
use ndarray::linalg::general_mat_mul;
use ndarray::{
    Array1, Array2, ArrayView1, ArrayView2, ArrayViewD, ArrayViewMut2, AsArray, Axis, Dimension,
    Ix2, s,
};
use rayon::prelude::*;
use std::collections::HashMap;
use std::marker::PhantomData;

/// Sampled softmax loss of an output layer (class embeddings `w`, biases `b`) on inputs `x`:
/// each row is scored against its true classes and one shared sample of classes, with the
/// logits corrected by the sampler's expected counts `Q`. Training only: it estimates the
/// gradient of the full softmax cross-entropy at a cost of `num_true + num_sampled` classes per
/// row instead of `num_classes` (compare with [`Self::full_softmax`]).
///
/// ```text
/// row i, true classes y_i1..y_iT (T = num_true), sampled classes s_1..s_S (S = num_sampled):
/// z_it = x_i·w_{y_it} + b_{y_it} − ln Q(y_it)                              t = 1..T
/// z_ij = x_i·w_{s_j} + b_{s_j} + h_ij − ln Q(s_j)                          j = 1..S
/// h_ij = −FLT_MAX if remove_accidental_hits and s_j is one of y_i1..y_iT, else 0
/// l_i  = −(1/T) Σ_t log_softmax(z_i)_t
/// g_ik = ∂l_i/∂z_ik = softmax(z_i)_k − [k ≤ T]/T                          (Q is not differentiated)
/// ∂/∂x_i = Σ_k g_ik w_{c_ik}     ∂/∂w_c = Σ_{c_ik = c} g_ik x_i     ∂/∂b_c = Σ_{c_ik = c} g_ik
/// ```
/// where `c_ik` is the class of column `k` of row `i` (`y_ik` for `k ≤ T`, `s_{k−T}` after) and
/// FLT_MAX = 3.4028235e38 is the float32 maximum, in float64 too (TensorFlow's
/// `compute_accidental_hits` returns float32 weights that it casts). As in TensorFlow, a class
/// sampled several times (`unique = false`) is an accidental hit at one position only (its
/// last): the other copies stay in the softmax.
/// The per-row losses are then weighted and reduced like every loss of this crate; TensorFlow
/// returns them unreduced ([`Reduction::None`], the default here).
///
/// Equivalent framework call, for candidates `c` (`(c.sampled, c.true_expected_count,
/// c.sampled_expected_count)`, from [`Self::sample`], [`LogUniformSampler`] or TensorFlow):
/// `tf.nn.sampled_softmax_loss(w, b, labels, x, num_sampled, num_classes, num_true,
/// sampled_values=c, remove_accidental_hits)`. In float64, TensorFlow needs the expected counts
/// cast to float64 (its samplers return float32 and the subtraction does not promote).
/// Without `sampled_values` TensorFlow draws with
/// `log_uniform_candidate_sampler(labels, num_true, num_sampled, unique=True, range_max=num_classes)`,
/// which [`Self::sample`] reproduces in distribution (not draw for draw).
///
/// Gradients are with respect to the inputs, the weights and the biases (what a training step
/// needs), in [`SampledSoftmaxGrads`]; for reduction `none` they are those of `Σ_i l_i`.
///
/// Stricter than TensorFlow: `weights` must have exactly `num_classes` rows and `biases`
/// `num_classes` entries, the candidates exactly `num_sampled` classes, and expected counts
/// must be finite and positive (TensorFlow accepts longer tables and, without hit removal, other
/// candidate counts, and returns NaN losses for a zero or negative count).
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::losses::SampledSoftmaxLoss;
/// use reweigh::sampling::SampledCandidates;
/// let x = array![[0.5_f32, -1.0], [2.0, 0.25]];
/// let w = array![[1.0_f32, 0.0], [0.5, -0.5], [-1.0, 1.0], [0.25, 0.75], [2.0, -1.0]];
/// let b = array![0.1_f32, -0.2, 0.0, 0.3, -0.1];
/// let labels = array![[1_i64], [3]];
/// let c = SampledCandidates {
///     sampled: vec![0, 3],
///     true_expected_count: array![[0.6], [0.3]],
///     sampled_expected_count: vec![0.9, 0.3],
/// };
/// let loss = SampledSoftmaxLoss::<f32>::new(2, 5);
/// let out = loss.forward_backward(x.view(), w.view(), b.view(), labels.view(), &c).unwrap();
/// // tf.nn.sampled_softmax_loss(w, b, labels, x, 2, 5, sampled_values=(
/// //     [0, 3], [[0.6], [0.3]], [0.9, 0.3])) = [0.9300246, 0.7001151]
/// let v = out.value.into_array();
/// assert!((v[[0]] - 0.9300246).abs() < 1e-6 && (v[[1]] - 0.7001151).abs() < 1e-6);
/// // the second row's label 3 is also sampled: an accidental hit, removed
/// assert_eq!(out.grads.unwrap().weights.shape(), &[5, 2]);
/// ```
#[derive(Clone, Debug)]
pub struct SampledSoftmaxLoss<F> {
    num_sampled: usize,
    num_classes: usize,
    remove_accidental_hits: bool,
    reducer: Reducer,
    _float: PhantomData<F>,
}

/// Gradients of a (sampled or full) softmax loss with respect to the output layer's arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct SampledSoftmaxGrads<F> {
    /// `∂ loss / ∂ inputs`, `(batch_size, dim)`.
    pub inputs: Array2<F>,
    /// `∂ loss / ∂ weights`, `(num_classes, dim)`; zero in the rows of classes not scored.
    pub weights: Array2<F>,
    /// `∂ loss / ∂ biases`, `(num_classes,)`.
    pub biases: Array1<F>,
}

/// A (sampled or full) softmax loss value and, when requested, its gradients.
#[derive(Clone, Debug, PartialEq)]
pub struct SampledSoftmaxOutput<F> {
    /// The loss: per row for reduction `none`, else reduced.
    pub value: LossValue<F>,
    /// The gradients (of `Σ value` for reduction `none`).
    pub grads: Option<SampledSoftmaxGrads<F>>,
}

impl<F: Real> SampledSoftmaxLoss<F> {
    /// TensorFlow's defaults for `num_sampled` candidates among `num_classes` classes: accidental
    /// hits removed, reduction `none`.
    pub fn new(num_sampled: usize, num_classes: usize) -> Self {
        SampledSoftmaxLoss {
            num_sampled,
            num_classes,
            remove_accidental_hits: true,
            reducer: Reduction::None.into(),
            _float: PhantomData,
        }
    }

    /// Whether a sampled class equal to a true class of the row gets `−FLT_MAX` added to its
    /// logit (TF `remove_accidental_hits`, default true).
    pub fn remove_accidental_hits(mut self, yes: bool) -> Self {
        self.remove_accidental_hits = yes;
        self
    }

    /// The reduction of the per-row losses (default `none`, as TensorFlow returns them).
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// Draws candidates as `tf.nn.sampled_softmax_loss` does without `sampled_values`:
    /// `num_sampled` unique log-uniform classes from `[0, num_classes)`, with the expected counts
    /// of `labels` (`(batch_size, num_true)`) and of the draws. See [`LogUniformSampler`].
    ///
    /// Errors: `num_sampled = 0` or `> num_classes`, `num_classes = 0`, a label out of range.
    pub fn sample<'a>(
        &self,
        labels: impl AsArray<'a, i64, Ix2>,
        seed: u64,
    ) -> Result<SampledCandidates> {
        let labels: ArrayView2<'_, i64> = labels.into();
        LogUniformSampler::new(self.num_classes)?.sample(labels, self.num_sampled, true, seed)
    }

    /// The loss for the given candidates.
    pub fn forward<'a>(
        &self,
        inputs: impl AsArray<'a, F, Ix2>,
        weights: impl AsArray<'a, F, Ix2>,
        biases: impl AsArray<'a, F>,
        labels: impl AsArray<'a, i64, Ix2>,
        candidates: &SampledCandidates,
    ) -> Result<LossValue<F>> {
        let inputs: ArrayView2<'_, F> = inputs.into();
        let weights: ArrayView2<'_, F> = weights.into();
        let biases: ArrayView1<'_, F> = biases.into();
        let labels: ArrayView2<'_, i64> = labels.into();
        let (layer, cols) = self.sampled(inputs, weights, biases, labels, candidates)?;
        Ok(self.evaluate(&layer, &cols, None, false)?.value)
    }

    /// The loss for the given candidates and its gradients.
    pub fn forward_backward<'a>(
        &self,
        inputs: impl AsArray<'a, F, Ix2>,
        weights: impl AsArray<'a, F, Ix2>,
        biases: impl AsArray<'a, F>,
        labels: impl AsArray<'a, i64, Ix2>,
        candidates: &SampledCandidates,
    ) -> Result<SampledSoftmaxOutput<F>> {
        let inputs: ArrayView2<'_, F> = inputs.into();
        let weights: ArrayView2<'_, F> = weights.into();
        let biases: ArrayView1<'_, F> = biases.into();
        let labels: ArrayView2<'_, i64> = labels.into();
        let (layer, cols) = self.sampled(inputs, weights, biases, labels, candidates)?;
        self.evaluate(&layer, &cols, None, true)
    }

    /// The loss with per-row sample weights (broadcast to `(batch_size,)`; they multiply the
    /// per-row losses and enter the weighted reductions' denominators), and its gradients.
    pub fn forward_backward_weighted<'a, 'w, Dw: Dimension>(
        &self,
        inputs: impl AsArray<'a, F, Ix2>,
        weights: impl AsArray<'a, F, Ix2>,
        biases: impl AsArray<'a, F>,
        labels: impl AsArray<'a, i64, Ix2>,
        candidates: &SampledCandidates,
        sample_weight: impl AsArray<'w, F, Dw>,
    ) -> Result<SampledSoftmaxOutput<F>> {
        let sample_weight = sample_weight.into().into_dyn();
        let inputs: ArrayView2<'_, F> = inputs.into();
        let weights: ArrayView2<'_, F> = weights.into();
        let biases: ArrayView1<'_, F> = biases.into();
        let labels: ArrayView2<'_, i64> = labels.into();
        let (layer, cols) = self.sampled(inputs, weights, biases, labels, candidates)?;
        self.evaluate(&layer, &cols, Some(sample_weight), true)
    }

    /// The exact full softmax cross-entropy of the same layer and labels, with the same
    /// reduction and sample weights, and its gradients: what the sampled loss approximates.
    ///
    /// ```text
    /// z_ic = x_i·w_c + b_c  (c = 0..num_classes)     l_i = −(1/T) Σ_t log_softmax(z_i)_{y_it}
    /// ```
    /// TF: `tf.nn.softmax_cross_entropy_with_logits(labels=reduce_sum(one_hot(labels,
    /// num_classes), 1)/num_true, logits=matmul(x, w, transpose_b=True) + b)`.
    pub fn full_softmax<'a>(
        &self,
        inputs: impl AsArray<'a, F, Ix2>,
        weights: impl AsArray<'a, F, Ix2>,
        biases: impl AsArray<'a, F>,
        labels: impl AsArray<'a, i64, Ix2>,
        sample_weight: Option<ArrayViewD<'_, F>>,
    ) -> Result<SampledSoftmaxOutput<F>> {
        let inputs: ArrayView2<'_, F> = inputs.into();
        let weights: ArrayView2<'_, F> = weights.into();
        let biases: ArrayView1<'_, F> = biases.into();
        let labels: ArrayView2<'_, i64> = labels.into();
        let layer = Layer::new(self.num_classes, inputs, weights, biases)?;
        let cols = self.full_columns(labels, layer.x.nrows())?;
        self.evaluate(&layer, &cols, sample_weight, true)
    }

    fn check_labels(&self, labels: ArrayView2<'_, i64>, batch_size: usize) -> Result<()> {
        if labels.ncols() == 0 {
            return Err(ReweighError::BadShape {
                what: "labels",
                reason: "needs at least one true class per row (num_true >= 1)",
                got: labels.shape().to_vec(),
            });
        }
        check_same_shape("labels", &[batch_size, labels.ncols()], labels.shape())?;
        check_class_range(labels.iter(), self.num_classes)
    }

    /// The checked layer and the sampled columns of every row.
    fn sampled<'a>(
        &self,
        inputs: ArrayView2<'a, F>,
        weights: ArrayView2<'a, F>,
        biases: ArrayView1<'a, F>,
        labels: ArrayView2<'_, i64>,
        candidates: &SampledCandidates,
    ) -> Result<(Layer<'a, F>, Columns<F>)> {
        let layer = Layer::new(self.num_classes, inputs, weights, biases)?;
        let cols = self.sampled_columns(labels, candidates, layer.x.nrows())?;
        Ok((layer, cols))
    }

    /// Columns `[true classes, sampled classes]` with their `ln Q` and accidental hits.
    fn sampled_columns(
        &self,
        labels: ArrayView2<'_, i64>,
        c: &SampledCandidates,
        batch_size: usize,
    ) -> Result<Columns<F>> {
        if self.num_sampled == 0 {
            return Err(ReweighError::InvalidParameter {
                name: "num_sampled",
                value: 0.0,
                expected: "at least 1",
            });
        }
        self.check_labels(labels, batch_size)?;
        let (n, t) = labels.dim();
        let s = self.num_sampled;
        check_same_shape("sampled candidates", &[s], &[c.sampled.len()])?;
        check_class_range(c.sampled.iter(), self.num_classes)?;
        check_same_shape(
            "true_expected_count",
            labels.shape(),
            c.true_expected_count.shape(),
        )?;
        check_same_shape(
            "sampled_expected_count",
            &[s],
            &[c.sampled_expected_count.len()],
        )?;
        let log_q = |q: f64| -> Result<F> {
            if !(q.is_finite() && q > 0.0) {
                return Err(ReweighError::InvalidParameter {
                    name: "expected_count",
                    value: q,
                    expected: "finite and positive",
                });
            }
            Ok(F::of(q).ln())
        };
        let shared_log_q = c
            .sampled_expected_count
            .iter()
            .map(|&q| log_q(q))
            .collect::<Result<Vec<F>>>()?;
        t.checked_add(s).ok_or_else(|| ReweighError::TooLarge {
            what: "sampled softmax columns",
            reason: "num_true + num_sampled overflows usize".into(),
        })?;
        let own = labels.mapv(|l| l as usize);
        let mut own_log_q = alloc::filled("sampled softmax columns", &[n, t], F::zero())?
            .into_dimensionality()
            .expect("2-D");
        for (q, &e) in own_log_q.iter_mut().zip(c.true_expected_count.iter()) {
            *q = log_q(e)?;
        }
        // compute_accidental_hits maps each class to its last position among the candidates.
        let mut hits = Vec::new();
        if self.remove_accidental_hits {
            let last_position: HashMap<i64, usize> =
                c.sampled.iter().enumerate().map(|(j, &k)| (k, j)).collect();
            for (i, row) in labels.outer_iter().enumerate() {
                for l in row {
                    if let Some(&j) = last_position.get(l) {
                        hits.push((i, j));
                    }
                }
            }
        }
        Ok(Columns {
            own,
            own_log_q,
            shared: Shared::Classes(c.sampled.iter().map(|&k| k as usize).collect()),
            shared_log_q: Some(shared_log_q),
            hits,
            target: Array2::from_shape_fn((n, t), |(_, k)| k),
        })
    }

    /// Every class as a column, no correction: the full softmax.
    fn full_columns(&self, labels: ArrayView2<'_, i64>, batch_size: usize) -> Result<Columns<F>> {
        self.check_labels(labels, batch_size)?;
        let n = labels.nrows();
        Ok(Columns {
            own: Array2::zeros((n, 0)),
            own_log_q: Array2::zeros((n, 0)),
            shared: Shared::All,
            shared_log_q: None,
            hits: Vec::new(),
            target: labels.mapv(|l| l as usize),
        })
    }

    /// Per-row softmax cross-entropy over `cols`, weighted, reduced, back-propagated to the layer.
    ///
    /// The logits of the columns every row shares are one matrix product `x · W_sᵀ` of the
    /// inputs and the gathered class embeddings (rows split across the current rayon pool), the
    /// gradients `G_s · W_s` and `G_sᵀ · x` likewise; a row's own columns (its true classes) are
    /// dot products.
    fn evaluate(
        &self,
        layer: &Layer<'_, F>,
        cols: &Columns<F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<SampledSoftmaxOutput<F>> {
        let n = layer.x.nrows();
        let t0 = cols.own.ncols();
        let gathered;
        let ws = match &cols.shared {
            Shared::All => layer.w.view(),
            Shared::Classes(classes) => {
                gathered = layer.w.select(Axis(0), classes);
                gathered.view()
            }
        };
        let s = ws.nrows();
        let k = t0 + s;
        let class_of = |j: usize| match &cols.shared {
            Shared::All => j,
            Shared::Classes(c) => c[j],
        };
        // z = [own | shared] logits, TF's order: (x·w + b) + hit, then − ln Q
        let mut z: Array2<F> = alloc::filled("sampled softmax logits", &[n, k], F::zero())?
            .into_dimensionality()
            .expect("2-D");
        par_mat_mul(layer.x, ws.t(), z.slice_mut(s![.., t0..]));
        for (i, mut zi) in z.outer_iter_mut().enumerate() {
            let x = layer.x.row(i);
            for j in 0..t0 {
                let c = cols.own[[i, j]];
                zi[j] = x.dot(&layer.w.row(c)) + layer.b[c] - cols.own_log_q[[i, j]];
            }
            for j in 0..s {
                zi[t0 + j] = zi[t0 + j] + layer.b[class_of(j)];
            }
        }
        let hit = F::of(-f64::from(f32::MAX));
        for &(i, j) in &cols.hits {
            z[[i, t0 + j]] = z[[i, t0 + j]] + hit;
        }
        if let Some(log_q) = &cols.shared_log_q {
            for mut zi in z.outer_iter_mut() {
                for (zj, &lq) in zi.slice_mut(s![t0..]).iter_mut().zip(log_q) {
                    *zj = *zj - lq;
                }
            }
        }
        let y = F::one() / F::of(cols.target.ncols() as f64);
        let mut values = Array1::<F>::zeros(n);
        let mut ls = Array1::<F>::zeros(k);
        for (i, mut zi) in z.outer_iter_mut().enumerate() {
            log_softmax_fill(zi.view(), ls.view_mut());
            values[i] = cols
                .target
                .row(i)
                .iter()
                .fold(F::zero(), |acc, &j| acc + y * -ls[j]);
            if want_grad {
                // z becomes the gradient of the row's loss: softmax − target
                zi.zip_mut_with(&ls, |g, &l| *g = l.exp());
                for &j in cols.target.row(i) {
                    zi[j] = zi[j] - y;
                }
            }
        }
        // The reducer scales a per-row gradient of ones into each row's weight / denominator.
        let ones = want_grad.then(|| Array1::<F>::ones(n).into_dyn());
        let reduced =
            self.reducer
                .finish(apply_sample_weight(values.into_dyn(), ones, sample_weight)?);
        let grads = reduced.grad.map(|row_scale| {
            let mut g = z;
            for (mut gi, &scale) in g.outer_iter_mut().zip(row_scale.iter()) {
                gi.mapv_inplace(|v| v * scale);
            }
            let g_shared = g.slice(s![.., t0..]);
            let mut grads = SampledSoftmaxGrads {
                inputs: Array2::zeros(layer.x.raw_dim()),
                // untouched pages stay unallocated: only the scored classes' rows are written
                weights: Array2::zeros(layer.w.raw_dim()),
                biases: Array1::zeros(layer.b.raw_dim()),
            };
            par_mat_mul(g_shared, ws, grads.inputs.view_mut());
            let mut gw = Array2::<F>::zeros((s, layer.x.ncols()));
            par_mat_mul(g_shared.t(), layer.x, gw.view_mut());
            for (j, row) in gw.outer_iter().enumerate() {
                let c = class_of(j);
                grads
                    .weights
                    .row_mut(c)
                    .zip_mut_with(&row, |a, &b| *a = *a + b);
                grads.biases[c] = grads.biases[c] + g_shared.column(j).sum();
            }
            for i in 0..n {
                let x = layer.x.row(i);
                for j in 0..t0 {
                    let (c, gij) = (cols.own[[i, j]], g[[i, j]]);
                    grads.inputs.row_mut(i).scaled_add(gij, &layer.w.row(c));
                    grads.weights.row_mut(c).scaled_add(gij, &x);
                    grads.biases[c] = grads.biases[c] + gij;
                }
            }
            grads
        });
        Ok(SampledSoftmaxOutput {
            value: reduced.value,
            grads,
        })
    }
}

/// `out = a · b` with the rows of `a` and `out` split in blocks across the current rayon pool
/// (ndarray's matrix product in each block).
fn par_mat_mul<F: Real>(a: ArrayView2<'_, F>, b: ArrayView2<'_, F>, mut out: ArrayViewMut2<'_, F>) {
    const BLOCK: usize = 64;
    if a.nrows() <= BLOCK || rayon::current_num_threads() == 1 {
        general_mat_mul(F::one(), &a, &b, F::zero(), &mut out);
        return;
    }
    let blocks: Vec<_> = a
        .axis_chunks_iter(Axis(0), BLOCK)
        .zip(out.axis_chunks_iter_mut(Axis(0), BLOCK))
        .collect();
    blocks.into_par_iter().for_each(|(a, mut o)| {
        general_mat_mul(F::one(), &a, &b, F::zero(), &mut o);
    });
}

/// The output layer and its inputs, shape-checked.
struct Layer<'a, F> {
    x: ArrayView2<'a, F>,
    w: ArrayView2<'a, F>,
    b: ArrayView1<'a, F>,
}

impl<'a, F: Real> Layer<'a, F> {
    fn new(
        num_classes: usize,
        x: ArrayView2<'a, F>,
        w: ArrayView2<'a, F>,
        b: ArrayView1<'a, F>,
    ) -> Result<Self> {
        check_nonempty("inputs", &x.into_dyn())?;
        check_same_shape("weights", &[num_classes, x.ncols()], w.shape())?;
        check_same_shape("biases", &[num_classes], b.shape())?;
        Ok(Layer { x, w, b })
    }
}

/// The columns each row is scored on: its own (the true classes of the sampled loss, with
/// their `ln Q`), then the columns every row shares (the sampled classes with their `ln Q`, or
/// every class); the accidental hits `(row, shared column)`; and which columns hold the row's
/// true classes (each with target `1/num_true`).
struct Columns<F> {
    own: Array2<usize>,
    own_log_q: Array2<F>,
    shared: Shared,
    shared_log_q: Option<Vec<F>>,
    hits: Vec<(usize, usize)>,
    target: Array2<usize>,
}

/// The classes of the shared columns.
enum Shared {
    /// Every class, in order (the full softmax).
    All,
    /// These classes (the sampled candidates; repeats allowed).
    Classes(Vec<usize>),
}
