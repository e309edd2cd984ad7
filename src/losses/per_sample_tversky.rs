//! The Dice and Tversky losses of kornia: one overlap score per sample (micro) or per sample and
//! class (macro, averaged over the classes present in the sample), then the mean over the batch.

use crate::Real;
use crate::check::check_finite_array;
use crate::error::{Result, ReweighError};
use crate::loss::{Loss, check_finite, check_same_shape, check_weights};
use crate::losses::one_hot::one_hot_channels;
use crate::losses::overlap::{Intersection, OverlapScore, Sums};
use crate::losses::weighting::apply_sample_weight;
use crate::reduction::{Reducer, Reduction, Unreduced};
use ndarray::{Array1, Array3, ArrayD, ArrayView3, ArrayViewD, IxDyn};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// kornia's default `eps` of `dice_loss` and `tversky_loss`.
const KORNIA_EPS: f64 = 1e-8;

/// kornia's default `ignore_index`.
const KORNIA_IGNORE_INDEX: i64 = -100;

/// How the classes of one sample are combined (kornia's `average`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassAverage {
    /// `"micro"`: one score per sample over every class and pixel, the class weights inside the
    /// sums.
    Micro,
    /// `"macro"`: one score per sample and class, the weighted mean over the classes present in
    /// the sample.
    Macro,
}

impl FromStr for ClassAverage {
    type Err = ReweighError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "micro" => Ok(ClassAverage::Micro),
            "macro" => Ok(ClassAverage::Macro),
            _ => Err(ReweighError::UnknownName {
                kind: "average",
                name: s.to_string(),
                valid: "micro, macro".to_string(),
            }),
        }
    }
}

/// kornia's Dice and Tversky losses of logits `(B, C, H, W)` (softmax over axis 1) against
/// targets of the same shape, one loss per sample (for integer class maps `(B, H, W)`, kornia's
/// interface, use [`SparsePerSampleTverskyLoss`]):
///
/// ```text
/// p = softmax over axis 1 of x;  m = [t ≠ ignore_index]:  p ← p·m,  t ← t·m
/// TP = Σ w_c·p·t,  FP = Σ w_c·p(1 − t),  FN = Σ w_c·t(1 − p)
/// S  = TP / (TP + α·FP + β·FN + ε),   S = 0 where TP + α·FP + β·FN = 0 (an empty group)
/// micro: one group per sample b (every class and pixel):           l_b = 1 − S_b
/// macro: one group per sample b and class c (w_c = 1 in the sums):
///        v_bc = w_c·[Σ_hw t_bc > 0],  l_b = Σ_c v_bc·(1 − S_bc) / Σ_c v_bc   (1 where Σ_c v_bc = 0)
/// ∂S/∂p_j = w_j·(t_j·(1 − S·(1 − α − β)) − S·α)/D,   D = TP + α·FP + β·FN + ε
/// ∂l_b/∂p_j = −∂S_b/∂p_j (micro),  −(v_bc/Σ_c v_bc)·∂S_bc/∂p_j (macro), then the softmax
/// Jacobian ∂/∂x_k = p_k·(g_k − Σ_c p_c·g_c) of each pixel
/// ```
/// (`w = 1` without class weights). α weighs the false positives and β the false negatives; α =
/// β = ½ with ε/2 is the Dice loss `1 − 2TP/(Σ w·p + Σ w·t + ε)`. The per-element losses are the
/// `B` losses `l_b` (sample weights are one per sample); kornia's result is their mean,
/// `sum_over_batch_size`, the presets' reduction.
///
/// `1 − S` is computed as `(α·FP + β·FN + ε)/D`, with `1 − p` of a pixel's most probable class
/// summed from the other classes' probabilities (and the softmax Jacobian's `g_k − Σ_c p_c·g_c`
/// of that class as `(1 − p_k)·g_k − Σ_{c≠k} p_c·g_c`): a confident prediction's small loss
/// keeps its digits, where kornia's `1 − S` of a rounded `S ≈ 1` does not (float64: 6e-8
/// relative; float32: 0 for a loss of 9e-10). The logits and targets must be finite
/// ([`ReweighError::NonFinite`]; kornia propagates NaN).
///
/// Reference calls it equals (kornia 0.9.0, `kornia.losses`, with the labels as the sparse
/// form's targets):
/// - `dice_loss(pred, target, average, eps, weight, ignore_index)` and `DiceLoss(average, eps,
///   weight, ignore_index)`: [`Self::kornia_dice`]`(average)` with [`Self::epsilon`]`(eps / 2)`,
///   [`Self::class_weights`]`(weight)` and [`Self::ignore_index`]`(ignore_index)` (defaults:
///   `eps = 1e-8`, `ignore_index = -100`);
/// - `tversky_loss(pred, target, alpha, beta, eps, ignore_index)` and `TverskyLoss(alpha, beta,
///   eps, ignore_index)`: [`Self::kornia_tversky`]`(alpha, beta)` with [`Self::epsilon`]`(eps)`
///   (macro, no weights). kornia's α weighs the false positives, as here.
///
/// How kornia differs from the other Dice and Tversky losses: the scores are per sample, not over
/// the batch (smp's [`SegmentationTverskyLoss`](crate::losses::SegmentationTverskyLoss)) nor per
/// group of axes (Keras's [`TverskyLoss`](crate::losses::TverskyLoss)); a class absent from a
/// sample's target is left out of that sample's mean (smp keeps it in the mean with loss 0); a
/// sample with no present class (every pixel ignored, or zero weights) has loss 1 and a zero
/// gradient; ε is added to the denominator (smp clamps it; Keras adds it too); the micro Dice's
/// class weights multiply every term of both sums. kornia's `weight` may be negative; here class
/// weights are finite and ≥ 0. The input is exactly 4-D, as kornia requires (for a volume
/// `(B, C, D, H, W)` pass `(B, C, D·H, W)`: the sums run over every pixel).
///
/// kornia's `tversky_loss` divides `0/0` (NaN) where a present class has `TP + α·FP + β·FN + ε
/// = 0` (ε = 0 with β = 0 and a class whose probabilities underflow to 0); the empty-group rule
/// above gives `S = 0` there, as kornia's `dice_loss` does for an empty sample.
///
/// ```
/// use ndarray::{Array4, array};
/// use reweigh::{Loss, losses::{ClassAverage, PerSampleTverskyLoss, SparsePerSampleTverskyLoss}};
/// // kornia.losses.dice_loss(x, y): B = 1, C = 2, H = 1, W = 2
/// let x = Array4::from_shape_vec((1, 2, 1, 2), vec![2.0_f64, 0.0, 0.0, 1.0]).unwrap();
/// let y = array![[[0_i64, 1]]];
/// let loss = SparsePerSampleTverskyLoss::new(PerSampleTverskyLoss::kornia_dice(ClassAverage::Micro));
/// let v = loss.forward(&x, &y).unwrap().scalar().unwrap();
/// let p0 = 1.0 / (1.0 + (-2.0_f64).exp()); // softmax of pixel 0, class 0
/// let p1 = 1.0 / (1.0 + (-1.0_f64).exp()); // softmax of pixel 1, class 1
/// assert!((v - (1.0 - 2.0 * (p0 + p1) / (2.0 + 2.0 + 1e-8))).abs() < 1e-12);
/// ```
#[derive(Clone, Debug)]
pub struct PerSampleTverskyLoss<F> {
    average: ClassAverage,
    alpha: F,
    beta: F,
    epsilon: F,
    class_weights: Option<Array1<F>>,
    ignore_index: Option<i64>,
    reducer: Reducer,
}

impl<F: Real> PerSampleTverskyLoss<F> {
    /// `kornia.losses.DiceLoss(average)`: α = β = ½, ε = ½·1e-8 (kornia's `eps = 1e-8`), no
    /// class weights, `ignore_index = -100`, the mean over the batch.
    pub fn kornia_dice(average: ClassAverage) -> Self {
        PerSampleTverskyLoss {
            average,
            alpha: F::of(0.5),
            beta: F::of(0.5),
            epsilon: F::of(0.5 * KORNIA_EPS),
            class_weights: None,
            ignore_index: Some(KORNIA_IGNORE_INDEX),
            reducer: Reduction::SumOverBatchSize.into(),
        }
    }

    /// `kornia.losses.TverskyLoss(alpha, beta)`: macro, ε = 1e-8, `ignore_index = -100`.
    pub fn kornia_tversky(alpha: F, beta: F) -> Self {
        PerSampleTverskyLoss {
            alpha,
            beta,
            epsilon: F::of(KORNIA_EPS),
            ..Self::kornia_dice(ClassAverage::Macro)
        }
    }

    /// Micro or macro averaging over the classes.
    pub fn average(mut self, average: ClassAverage) -> Self {
        self.average = average;
        self
    }

    /// The weight α of the false positives (finite, ≥ 0).
    pub fn alpha(mut self, alpha: F) -> Self {
        self.alpha = alpha;
        self
    }

    /// The weight β of the false negatives (finite, ≥ 0).
    pub fn beta(mut self, beta: F) -> Self {
        self.beta = beta;
        self
    }

    /// The constant ε added to the denominator (finite, ≥ 0; kornia's Dice `eps` is 2ε).
    pub fn epsilon(mut self, epsilon: F) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// One weight per class (finite, ≥ 0): inside the sums (micro) or of the mean (macro).
    pub fn class_weights(mut self, w: Option<Array1<F>>) -> Self {
        self.class_weights = w;
        self
    }

    /// The label whose pixels are left out (kornia: -100); for dense targets, the target value
    /// whose elements are left out.
    pub fn ignore_index(mut self, ignore_index: Option<i64>) -> Self {
        self.ignore_index = ignore_index;
        self
    }

    /// The reduction of the per-sample losses (kornia: `sum_over_batch_size`, the mean).
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    fn score(&self) -> OverlapScore<F> {
        OverlapScore {
            alpha: self.alpha,
            beta: self.beta,
            smooth: F::zero(),
            epsilon: self.epsilon,
            clamp: F::zero(),
            intersection: Intersection::Product,
        }
    }

    /// The checks of the options alone.
    pub(crate) fn check_options(&self) -> Result<()> {
        self.score().check()?;
        if let Some(w) = &self.class_weights {
            check_weights("class_weights", w.iter())?;
        }
        Ok(())
    }

    /// The per-sample losses of logits `x` `(B, C, S)` against targets `t` of the same view with
    /// an optional keep-mask, and the gradient of their sum.
    fn compute3(
        &self,
        x: ArrayView3<'_, F>,
        t: ArrayView3<'_, F>,
        keep: Option<ArrayView3<'_, bool>>,
        want_grad: bool,
    ) -> Result<(Array1<F>, Option<Array3<F>>)> {
        let (n, c, s) = x.dim();
        if let Some(w) = &self.class_weights {
            check_same_shape("class_weights", &[c], w.shape())?;
        }
        let weight = |k: usize| self.class_weights.as_ref().map_or(F::one(), |w| w[k]);
        // the probabilities (unmasked: the softmax Jacobian needs them) and their complements
        let (p, q, top) = softmax_and_complement(x);
        let kept = |i, k, j| keep.as_ref().is_none_or(|m| m[[i, k, j]]);
        let masked = |i, k, j, v: F| if kept(i, k, j) { v } else { F::zero() };
        let score = self.score();
        let mut losses = Array1::<F>::zeros(n);
        // per sample and class: ∂l_b/∂S (0 for a left-out class) and the scored group
        let groups = match self.average {
            ClassAverage::Micro => 1,
            ClassAverage::Macro => c,
        };
        let mut grad = want_grad.then(|| Array3::<F>::zeros((n, c, s)));
        for i in 0..n {
            let mut sums = vec![Sums::<F>::default(); groups];
            let mut positives = vec![F::zero(); groups];
            for k in 0..c {
                let (g, w) = match self.average {
                    ClassAverage::Micro => (0, weight(k)),
                    ClassAverage::Macro => (k, F::one()),
                };
                for j in 0..s {
                    let (pm, tm) = (masked(i, k, j, p[[i, k, j]]), masked(i, k, j, t[[i, k, j]]));
                    score.add_weighted(&mut sums[g], pm, q[[i, k, j]], tm, w);
                    positives[g] = positives[g] + tm;
                }
            }
            let scored: Vec<_> = sums
                .iter()
                .map(|s| score.score_or_zero_if_empty(s))
                .collect();
            // l_b = Σ_g coef_g·(1 − S_g) + rest, ∂l_b/∂S_g = −coef_g
            let coef: Vec<F> = match self.average {
                ClassAverage::Micro => vec![F::one()],
                ClassAverage::Macro => {
                    let v: Vec<F> = (0..c)
                        .map(|k| {
                            if positives[k] > F::zero() {
                                weight(k)
                            } else {
                                F::zero()
                            }
                        })
                        .collect();
                    let total = v.iter().fold(F::zero(), |a, &b| a + b);
                    if total == F::zero() {
                        // no present class with a weight: loss 1, zero gradient
                        losses[i] = F::one();
                        continue;
                    }
                    v.into_iter().map(|v| v / total).collect()
                }
            };
            losses[i] = (0..groups).fold(F::zero(), |a, g| {
                if coef[g] == F::zero() {
                    a
                } else {
                    a + coef[g] * scored[g].complement
                }
            });
            let Some(grad) = grad.as_mut() else {
                continue;
            };
            // ∂l_b/∂p, then the softmax Jacobian of each pixel
            for k in 0..c {
                let (g, w) = match self.average {
                    ClassAverage::Micro => (0, weight(k)),
                    ClassAverage::Macro => (k, F::one()),
                };
                if coef[g] == F::zero() {
                    continue;
                }
                for j in 0..s {
                    if kept(i, k, j) {
                        let ds = score.grad_product(&scored[g], t[[i, k, j]], w);
                        grad[[i, k, j]] = -(coef[g] * ds);
                    }
                }
            }
            // g_k − Σ_c p_c·g_c, for the largest logit's class as (1 − p_k)·g_k − Σ_{c≠k} p_c·g_c
            for j in 0..s {
                let m = top[[i, j]];
                let others = (0..c).fold(F::zero(), |a, k| {
                    if k == m {
                        a
                    } else {
                        a + p[[i, k, j]] * grad[[i, k, j]]
                    }
                });
                let dot = others + p[[i, m, j]] * grad[[i, m, j]];
                for k in 0..c {
                    let d = if k == m {
                        q[[i, k, j]] * grad[[i, k, j]] - others
                    } else {
                        grad[[i, k, j]] - dot
                    };
                    grad[[i, k, j]] = p[[i, k, j]] * d;
                }
            }
        }
        Ok((losses, grad))
    }

    /// The losses of logits against dense targets and a keep-mask (both of the input's shape).
    fn compute_dense(
        &self,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, F>,
        keep: Option<ArrayD<bool>>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        let shape = input.shape().to_vec();
        let (n, c) = (shape[0], shape[1]);
        let s = shape[2] * shape[3];
        let view3 = |a: ArrayViewD<'_, F>| {
            a.as_standard_layout()
                .into_owned()
                .into_shape_with_order((n, c, s))
                .expect("standard layout")
        };
        let (x3, t3) = (view3(input), view3(target));
        let k3 = keep.map(|m| {
            m.as_standard_layout()
                .into_owned()
                .into_shape_with_order((n, c, s))
                .expect("standard layout")
        });
        let (losses, grad) = self.compute3(
            x3.view(),
            t3.view(),
            k3.as_ref().map(|m| m.view()),
            want_grad,
        )?;
        let grad = grad.map(|g| {
            g.into_shape_with_order(IxDyn(&shape))
                .expect("the input's size")
        });
        apply_sample_weight(losses.into_dyn(), grad, sample_weight)
    }
}

/// The softmax over axis 1 of `x` `(B, C, S)`, its complement `1 − p` and each pixel's class of
/// the largest logit: for that class the complement is the sum of the other classes' terms over
/// the row's sum (`1 − p` rounds away the digits of a confident prediction), `1 − p` for the
/// others (each ≤ ½ then: no cancellation).
fn softmax_and_complement<F: Real>(
    x: ArrayView3<'_, F>,
) -> (Array3<F>, Array3<F>, ndarray::Array2<usize>) {
    let (n, c, s) = x.dim();
    let mut p = Array3::<F>::zeros((n, c, s));
    let mut q = Array3::<F>::zeros((n, c, s));
    let mut tops = ndarray::Array2::<usize>::zeros((n, s));
    let mut e = Array1::<F>::zeros(c);
    for i in 0..n {
        for j in 0..s {
            let row = x.slice(ndarray::s![i, .., j]);
            let (m, top) =
                row.iter()
                    .enumerate()
                    .fold((F::neg_infinity(), 0), |(m, a), (k, &v)| {
                        if v > m || v.is_nan() { (v, k) } else { (m, a) }
                    });
            tops[[i, j]] = top;
            e.zip_mut_with(&row, |e, &v| *e = (v - m).exp());
            let total = e.sum();
            let others = e
                .iter()
                .enumerate()
                .fold(F::zero(), |a, (k, &v)| if k == top { a } else { a + v });
            for k in 0..c {
                p[[i, k, j]] = e[k] / total;
                q[[i, k, j]] = if k == top {
                    others / total
                } else {
                    F::one() - p[[i, k, j]]
                };
            }
        }
    }
    (p, q, tops)
}

/// Checks the input is `(B, C, H, W)` with no empty axis and finite values (kornia's message:
/// "Invalid pred shape, we expect BxNxHxW").
fn check_input<F: Real>(input: &ArrayViewD<'_, F>) -> Result<()> {
    if input.ndim() != 4 {
        return Err(ReweighError::BadShape {
            what: "input",
            reason: "needs the axes (B, C, H, W), as kornia's BxNxHxW",
            got: input.shape().to_vec(),
        });
    }
    if input.is_empty() {
        return Err(ReweighError::EmptyBatch { what: "input" });
    }
    check_finite("input", input.iter())
}

impl<F: Real> Loss<F> for PerSampleTverskyLoss<F> {
    type Label = F;

    fn reducer(&self) -> Reducer {
        self.reducer
    }

    fn unreduced(
        &self,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.check_options()?;
        check_input(&input)?;
        check_same_shape("labels", input.shape(), target.shape())?;
        check_finite_array("labels", &target)?;
        let keep = self.ignore_index.map(|ii| {
            let ii = F::of(ii as f64);
            target.mapv(|t| t != ii)
        });
        self.compute_dense(input, target, keep, sample_weight, want_grad)
    }
}

/// [`PerSampleTverskyLoss`] against integer class maps `(B, H, W)`, kornia's targets: the labels
/// become one-hot targets along axis 1; pixels labelled `ignore_index` are left out of every
/// class.
///
/// Reference calls: `kornia.losses.dice_loss(pred, target, ...)` / `DiceLoss` and
/// `tversky_loss` / `TverskyLoss`: `SparsePerSampleTverskyLoss::new(loss)` with `loss` as in
/// [`PerSampleTverskyLoss`]. A label outside `[0, C)` that is not `ignore_index` is
/// [`ReweighError::LabelOutOfRange`] (kornia: "Class values must be smaller than num_classes.").
#[derive(Clone, Debug)]
pub struct SparsePerSampleTverskyLoss<F> {
    dense: PerSampleTverskyLoss<F>,
}

impl<F: Real> SparsePerSampleTverskyLoss<F> {
    /// The dense loss on the one-hot labels.
    pub fn new(dense: PerSampleTverskyLoss<F>) -> Self {
        SparsePerSampleTverskyLoss { dense }
    }

    /// The dense loss.
    pub fn dense(&self) -> &PerSampleTverskyLoss<F> {
        &self.dense
    }
}

impl<F: Real> Loss<F> for SparsePerSampleTverskyLoss<F> {
    type Label = i64;

    fn reducer(&self) -> Reducer {
        self.dense.reducer
    }

    fn unreduced(
        &self,
        input: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.dense.check_options()?;
        check_input(&input)?;
        let (dense, keep) = one_hot_channels(input.shape(), &labels, self.dense.ignore_index)?;
        self.dense
            .compute_dense(input, dense.view(), keep, sample_weight, want_grad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_names_parse() {
        assert_eq!(
            "micro".parse::<ClassAverage>().unwrap(),
            ClassAverage::Micro
        );
        assert_eq!(
            "macro".parse::<ClassAverage>().unwrap(),
            ClassAverage::Macro
        );
        assert!(matches!(
            "weighted".parse::<ClassAverage>(),
            Err(ReweighError::UnknownName { .. })
        ));
    }
}
