//! Categorical (softmax) focal loss with dense labels, from logits or from probabilities, with
//! Keras's probability clipping.

use crate::Real;
use crate::error::Result;
use crate::loss::{Loss, broadcast_to, check_nonempty, check_same_shape, check_weights};
use crate::losses::clip::{KERAS_EPSILON, clip_outside};
use crate::losses::focal_binary::check_gamma;
use crate::losses::smoothing::CategoricalSmoothing;
use crate::math::{NanRule, argmax, argmax_by};
use crate::reduction::{Framework, Reducer, Reduction, Unreduced};
use ndarray::{Array1, ArrayD, ArrayView1, ArrayViewD, ArrayViewMut1, Axis, IxDyn, Zip};

/// Categorical focal loss over the last (class) axis, with dense labels (one-hot or soft), a
/// scalar or per-class `α`, label smoothing and, optionally, Keras's clipping of probabilities.
///
/// ```text
/// y'_c = y_c·(1 − ε) + ε/C                                     (label smoothing ε, C classes)
/// p    = softmax(x)              (from logits)   or   p = P / Σ_c P_c   (from probabilities P)
/// p̂_c  = clip(p_c, e, 1 − e)                                   (Keras; e = 1e-7)
/// l    = Σ_c α_c · (1 − p̂_c)^γ · (−y'_c · ln p̂_c)
/// ∂l/∂x_j = g_j − p_j · Σ_c g_c,   g_c = −[p_c inside the clip] · α_c y'_c (1 − p̂_c)^γ (1 + γ·p̂_c·h_c)
/// ∂l/∂P_j = (G_j − Σ_c G_c p_c) / Σ_c P_c,   G_c = g_c / p̂_c
/// h_c  = −ln p̂_c / (1 − p̂_c)          (→ 1 as p̂_c → 1)
/// ```
/// From logits, `ln p` is a log-softmax and `1 − p_c = −expm1(ln p_c)`, both accurate for a
/// confident correct prediction (Keras computes `1 − p` and `ln p` from the rounded probability,
/// which cancels there). A class whose `y'_c = 0` contributes 0, even where `ln p̂_c = −∞`;
/// a NaN probability (from a NaN input, or a `+∞` probability, which normalises to `∞/∞`) makes
/// the row's value and gradient NaN whatever its label, as Keras gives
/// (`scripts/reference/issue11_losses_edges.py`).
///
/// Equivalent framework call:
/// `keras.losses.CategoricalFocalCrossentropy(from_logits, alpha, gamma, label_smoothing,
/// reduction)`: [`Self::keras`] (logits) or `keras().from_logits(false)` (probabilities), which
/// reproduce Keras's quirks:
/// - it clips the probabilities to `[e, 1 − e]` even when `from_logits=True`; the bounds are
///   `e` and `1 − e` computed in float64, then rounded to the dtype, so in float32 the upper bound
///   is `1 − 1.1920929e-7` (the float32 nearest to `1 − 1e-7`); a clipped class gets no gradient
///   (`tf.clip_by_value`);
/// - a per-class `alpha` list is converted to a float32 tensor, so it is rounded to float32 even
///   with `dtype="float64"` (a scalar `alpha` is not): use [`Self::keras_alpha_list`];
/// - Keras's `alpha` defaults to 0.25 and always applies (there is no `apply_class_balancing`).
///
/// Without clipping ([`Self::new`]) the loss is the exact focal loss. Errors: `γ < 0` or
/// non-finite, negative or non-finite `α`, `α` not broadcastable to `(C,)`, `ε` outside
/// `[0, 1]`, label/input shape mismatch, empty input.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::CategoricalFocalLoss};
/// let x = array![[2.0_f64, -1.0, 0.5], [0.1, 0.2, 3.0]];
/// let y = array![[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
/// let loss = CategoricalFocalLoss::keras();
/// let out = loss.forward_backward(&x, &y).unwrap();
/// // keras.losses.CategoricalFocalCrossentropy(from_logits=True, dtype="float64")(y, x)
/// //   = 0.3742373595099928
/// assert!((out.value.scalar().unwrap() - 0.3742373595099928).abs() < 1e-15);
/// ```
#[derive(Clone, Debug)]
pub struct CategoricalFocalLoss<F> {
    gamma: F,
    alpha: Option<ArrayD<F>>,
    label_smoothing: F,
    from_logits: bool,
    clip_epsilon: Option<f64>,
    reducer: Reducer,
}

impl<F: Real> Default for CategoricalFocalLoss<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Real> CategoricalFocalLoss<F> {
    /// The exact focal loss from logits: `γ = 2`, no `α`, no smoothing, no clipping, reduction
    /// `none` (one loss per row).
    pub fn new() -> Self {
        CategoricalFocalLoss {
            gamma: F::of(2.0),
            alpha: None,
            label_smoothing: F::zero(),
            from_logits: true,
            clip_epsilon: None,
            reducer: Reduction::None.into(),
        }
    }

    /// `keras.losses.CategoricalFocalCrossentropy(from_logits=True)` defaults: `α = 0.25`,
    /// `γ = 2`, probabilities clipped to `[1e-7, 1 − 1e-7]`, `sum_over_batch_size`.
    pub fn keras() -> Self {
        Self::new()
            .alpha(F::of(0.25))
            .epsilon(KERAS_EPSILON)
            .reduction(Framework::Keras.default_reducer())
    }

    /// The focusing parameter `γ ≥ 0` (`0` gives the cross-entropy).
    pub fn gamma(mut self, gamma: F) -> Self {
        self.gamma = gamma;
        self
    }

    /// A scalar `α` for every class.
    pub fn alpha(mut self, alpha: F) -> Self {
        self.alpha = Some(ArrayD::from_elem(IxDyn(&[]), alpha));
        self
    }

    /// Class weights: one `α_c` per class (length `C`), Keras's `alpha` given as a list.
    pub fn class_weights(mut self, alpha: Array1<F>) -> Self {
        self.alpha = Some(alpha.into_dyn());
        self
    }

    /// A per-class `α` list as Keras uses it: each value rounded to float32 first (Keras turns a
    /// Python list into a float32 tensor, whatever the loss's dtype).
    pub fn keras_alpha_list(self, alpha: &[f64]) -> Self {
        let a: Array1<F> = alpha.iter().map(|&a| F::of(a as f32 as f64)).collect();
        self.class_weights(a)
    }

    /// No `α` factor (`α_c = 1`).
    pub fn no_alpha(mut self) -> Self {
        self.alpha = None;
        self
    }

    /// Label smoothing `ε ∈ [0, 1]`: `y' = y(1 − ε) + ε/C`.
    pub fn label_smoothing(mut self, eps: F) -> Self {
        self.label_smoothing = eps;
        self
    }

    /// Whether the input is logits (`true`, the default) or probabilities, which are normalised
    /// to sum to 1 over the class axis (Keras `from_logits=False`).
    pub fn from_logits(mut self, yes: bool) -> Self {
        self.from_logits = yes;
        self
    }

    /// Clips the probabilities to `[e, 1 − e]` (Keras: `Some(1e-7)`, [`KERAS_EPSILON`]), with
    /// both bounds computed in float64 and then rounded to the dtype; `None` disables clipping.
    pub fn epsilon(mut self, e: impl Into<Option<f64>>) -> Self {
        self.clip_epsilon = e.into();
        self
    }

    /// The reduction.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// The checks of the options alone (what [`LossConfig::build`](crate::config::LossConfig::build)
    /// runs once): `γ`, the smoothing `ε`, the clipping `ε ∈ [0, 0.5]`, finite non-negative `α`.
    pub(crate) fn check_options(&self) -> Result<()> {
        check_gamma(self.gamma)?;
        crate::losses::smoothing::check_smoothing(self.label_smoothing.f64())?;
        if let Some(e) = self.clip_epsilon {
            crate::check::check_epsilon(e)?;
        }
        if let Some(a) = &self.alpha {
            check_weights("alpha", a.iter())?;
        }
        Ok(())
    }

    /// `α` broadcast to `(C,)` (its values are checked by [`Self::check_options`]).
    fn alpha_for(&self, c: usize) -> Result<Array1<F>> {
        match &self.alpha {
            None => Ok(Array1::from_elem(c, F::one())),
            Some(a) => {
                let v = a.view();
                let b = broadcast_to("alpha", &v, &[c])?;
                Ok(b.to_owned().into_dimensionality().expect("1-d"))
            }
        }
    }
}

/// `log_softmax(row)` with `ln Σ_j e^(x_j − max) = ln_1p(Σ_{j ≠ argmax} e^(x_j − max))`, so the
/// log-probability of a dominant class keeps full relative accuracy (a plain `ln` of the sum
/// rounds `1 + r` first).
fn log_softmax_1p<F: Real>(row: ArrayView1<'_, F>, mut out: ArrayViewMut1<'_, F>) -> usize {
    let imax = argmax(row);
    let m = row[imax];
    let r: F = row
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != imax)
        .map(|(_, &x)| (x - m).exp())
        .sum();
    let l = r.ln_1p();
    out.zip_mut_with(&row, |o, &x| *o = (x - m) - l);
    imax
}

impl<F: Real> Loss<F> for CategoricalFocalLoss<F> {
    type Label = F;

    fn reducer(&self) -> Reducer {
        self.reducer
    }

    fn unreduced(
        &self,
        input: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.check_options()?;
        check_nonempty(if self.from_logits { "logits" } else { "probs" }, &input)?;
        check_same_shape("labels", input.shape(), labels.shape())?;
        let eps = self.label_smoothing;
        let clip = self.clip_epsilon.map(|e| (F::of(e), F::of(1.0 - e)));
        let last = Axis(input.ndim() - 1);
        let c = input.len_of(last);
        let alpha = self.alpha_for(c)?;
        let smoothing = CategoricalSmoothing::new(eps, c);
        let gamma = self.gamma;
        let from_logits = self.from_logits;

        let row_shape: Vec<usize> = input.shape()[..input.ndim() - 1].to_vec();
        let mut values = ArrayD::<F>::zeros(row_shape);
        let mut grad = want_grad.then(|| ArrayD::<F>::zeros(input.shape()));
        // Per-row scratch: p, ln p, 1 − p, and the g_c of the doc comment.
        let mut p = Array1::<F>::zeros(c);
        let mut lp = Array1::<F>::zeros(c);
        let mut g = Array1::<F>::zeros(c);
        let mut t = Array1::<F>::zeros(c);
        let mut rows_out = grad.as_mut().map(|g| g.lanes_mut(last).into_iter());
        for ((xrow, yrow), v) in input
            .lanes(last)
            .into_iter()
            .zip(labels.lanes(last))
            .zip(values.iter_mut())
        {
            // p, ln p and 1 − p of every class, accurate for the dominant class `imax` (whose
            // 1 − p is the sum of the others: no cancellation).
            let (imax, scale) = if from_logits {
                let imax = log_softmax_1p(xrow, lp.view_mut());
                Zip::from(&mut p)
                    .and(&mut t)
                    .and(&lp)
                    .for_each(|p, t, &l| (*p, *t) = (l.exp(), -l.exp_m1()));
                (imax, F::one())
            } else {
                // summed in logical order (a view's `sum` follows memory order: layouts would round differently)
                let s: F = xrow.iter().fold(F::zero(), |a, &b| a + b);
                Zip::from(&mut p).and(&xrow).for_each(|p, &x| *p = x / s);
                // a NaN probability is never the dominant class, so that it propagates
                let imax = argmax_by(p.view(), NanRule::NeverGreater);
                for k in 0..c {
                    if k == imax {
                        let rest: F = (0..c).filter(|&j| j != k).map(|j| xrow[j]).sum();
                        t[k] = rest / s;
                        lp[k] = (-t[k]).ln_1p();
                    } else {
                        t[k] = F::one() - p[k];
                        lp[k] = p[k].ln();
                    }
                }
                (imax, s)
            };
            let mut total = F::zero();
            for k in 0..c {
                let y = smoothing.apply(yrow[k]);
                let (mut ph, mut lph, mut tk, mut inside) = (p[k], lp[k], t[k], true);
                if let Some((lo, hi)) = clip
                    && let Some(bound) = clip_outside(ph, lo, hi)
                {
                    ph = bound;
                    lph = ph.ln();
                    tk = F::one() - ph;
                    inside = false;
                }
                let m = tk.powf(gamma);
                let w = alpha[k] * y;
                g[k] = F::zero();
                if ph.is_nan() {
                    // a NaN probability (a NaN input, or +∞ normalised to ∞/∞) makes the row
                    // NaN, value and gradient, whatever its label, as in Keras (issue 11 #20)
                    total = ph;
                    g[k] = ph;
                    continue;
                }
                if w == F::zero() {
                    continue;
                }
                total = total + w * m * (F::zero() - lph);
                if inside {
                    let h = if tk == F::zero() { F::one() } else { -lph / tk };
                    // g_c = ∂l/∂p̂_c · p̂_c (logits) or ∂l/∂p̂_c (probabilities).
                    g[k] = if from_logits {
                        -w * m * (F::one() + gamma * ph * h)
                    } else {
                        -w * m * (gamma * h + F::one() / ph)
                    };
                }
            }
            *v = total;
            if let Some(rows) = rows_out.as_mut() {
                let mut out = rows.next().expect("one gradient row per input row");
                // The dominant class's own term uses g·(1 − p) with the accurate 1 − p:
                // g_j − p_j·Σ_c g_c = g_j·(1 − p_j) − p_j·Σ_{c≠j} g_c.
                if from_logits {
                    let sg: F = g.sum();
                    let rest: F = (0..c).filter(|&j| j != imax).map(|j| g[j]).sum();
                    for j in 0..c {
                        out[j] = if j == imax {
                            g[j] * t[j] - p[j] * rest
                        } else {
                            g[j] - p[j] * sg
                        };
                    }
                } else {
                    let sgp: F = (0..c).map(|j| g[j] * p[j]).sum();
                    let rest: F = (0..c).filter(|&j| j != imax).map(|j| g[j] * p[j]).sum();
                    for j in 0..c {
                        out[j] = if j == imax {
                            (g[j] * t[j] - rest) / scale
                        } else {
                            (g[j] - sgp) / scale
                        };
                    }
                }
            }
        }
        crate::losses::weighting::apply_sample_weight(values, grad, sample_weight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn loss_and_grad(
        l: &CategoricalFocalLoss<f64>,
        x: &ArrayD<f64>,
        y: &ArrayD<f64>,
    ) -> (f64, ArrayD<f64>) {
        let u = l.unreduced(x.view(), y.view(), None, true).unwrap();
        (u.values.sum(), u.grad.unwrap())
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let x = array![[0.3_f64, -1.2, 2.0, 0.1], [1.0, 1.5, -0.5, 0.0]].into_dyn();
        let y = array![[0.0_f64, 0.2, 0.8, 0.0], [1.0, 0.0, 0.0, 0.0]].into_dyn();
        let probs = array![[0.1_f64, 0.2, 0.6, 0.2], [0.5, 0.25, 0.15, 0.3]].into_dyn();
        for from_logits in [true, false] {
            for gamma in [0.0, 0.5, 2.0] {
                let l = CategoricalFocalLoss::new()
                    .gamma(gamma)
                    .class_weights(array![0.5, 1.0, 2.0, 0.25])
                    .label_smoothing(0.1)
                    .from_logits(from_logits);
                let x = if from_logits { &x } else { &probs };
                let (_, g) = loss_and_grad(&l, x, &y);
                for i in 0..x.len() {
                    let h = 1e-6;
                    let mut xp = x.clone();
                    let mut xm = x.clone();
                    xp.as_slice_mut().unwrap()[i] += h;
                    xm.as_slice_mut().unwrap()[i] -= h;
                    let fd =
                        (loss_and_grad(&l, &xp, &y).0 - loss_and_grad(&l, &xm, &y).0) / (2.0 * h);
                    let an = g.as_slice().unwrap()[i];
                    assert!(
                        (fd - an).abs() < 1e-7,
                        "logits={from_logits} γ={gamma} i={i}: {fd} vs {an}"
                    );
                }
            }
        }
    }

    #[test]
    fn log_softmax_1p_is_accurate_for_a_dominant_class() {
        let x = array![40.0_f64, 0.0, 1.0];
        let mut out = Array1::zeros(3);
        log_softmax_1p(x.view(), out.view_mut());
        // −ln(1 + e^−40 + e^−39) ≈ −(e^−40 + e^−39)
        let exact = -((-40.0_f64).exp() + (-39.0_f64).exp());
        assert!((out[0] / exact - 1.0).abs() < 1e-15);
    }
}

/// [`CategoricalFocalLoss`] against integer class labels (one per row: the input's shape without
/// the class axis), one-hot encoded and then computed as the dense loss (label smoothing applies
/// to the one-hot rows). Keras has no sparse focal loss; this is the dense loss of
/// `keras.ops.one_hot(labels, C)`, as [`SparseSoftmaxCrossEntropy`](crate::losses::SparseSoftmaxCrossEntropy)
/// is to [`SoftmaxCrossEntropy`](crate::losses::SoftmaxCrossEntropy).
///
/// Errors as the dense loss, and [`ReweighError::LabelOutOfRange`](crate::ReweighError::LabelOutOfRange) for a label outside `[0, C)`,
/// [`ReweighError::ShapeMismatch`](crate::ReweighError::ShapeMismatch) for labels of the wrong shape.
///
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::{CategoricalFocalLoss, SparseCategoricalFocalLoss}};
/// let x = array![[2.0_f64, -1.0, 0.5], [0.1, 0.2, 3.0]];
/// let sparse = SparseCategoricalFocalLoss::new(CategoricalFocalLoss::keras());
/// let s = sparse.forward_backward(&x, &array![1_i64, 2]).unwrap();
/// let y = array![[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
/// let dense = CategoricalFocalLoss::keras().forward_backward(&x, &y).unwrap();
/// assert_eq!(s, dense);
/// assert!(sparse.forward(&x, &array![1_i64, 3]).is_err());
/// ```
#[derive(Clone, Debug)]
pub struct SparseCategoricalFocalLoss<F> {
    dense: CategoricalFocalLoss<F>,
}

impl<F: Real> Default for SparseCategoricalFocalLoss<F> {
    fn default() -> Self {
        Self::new(CategoricalFocalLoss::new())
    }
}

impl<F: Real> SparseCategoricalFocalLoss<F> {
    /// The dense loss `dense`, taking integer labels.
    pub fn new(dense: CategoricalFocalLoss<F>) -> Self {
        SparseCategoricalFocalLoss { dense }
    }

    /// `keras.losses.CategoricalFocalCrossentropy()` defaults on one-hot labels.
    pub fn keras() -> Self {
        Self::new(CategoricalFocalLoss::keras())
    }

    /// The dense loss.
    pub fn dense(&self) -> &CategoricalFocalLoss<F> {
        &self.dense
    }

    /// The one-hot rows of `labels`, checked.
    fn one_hot(
        &self,
        input: &ArrayViewD<'_, F>,
        labels: &ArrayViewD<'_, i64>,
    ) -> Result<ArrayD<F>> {
        let what = if self.dense.from_logits {
            "logits"
        } else {
            "probs"
        };
        check_nonempty(what, input)?;
        let c = input.shape()[input.ndim() - 1];
        check_same_shape("labels", &input.shape()[..input.ndim() - 1], labels.shape())?;
        crate::check::check_labels(labels, c, |_| false)?;
        let mut dense = ArrayD::<F>::zeros(input.shape());
        for (mut row, &label) in dense
            .lanes_mut(Axis(input.ndim() - 1))
            .into_iter()
            .zip(labels.iter())
        {
            row[label as usize] = F::one();
        }
        Ok(dense)
    }
}

impl<F: Real> Loss<F> for SparseCategoricalFocalLoss<F> {
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
        let dense = self.one_hot(&input, &labels)?;
        self.dense
            .unreduced(input, dense.view(), sample_weight, want_grad)
    }
}
