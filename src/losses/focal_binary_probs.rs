//! Binary focal loss from probabilities (Keras's `from_logits=False`, its default).

use crate::Real;
use crate::error::{Result, ReweighError};
use crate::loss::{Loss, check_nonempty, check_same_shape};
use crate::losses::clip::{KERAS_EPSILON, KerasClip};
use crate::losses::elementwise::elementwise;
use crate::losses::focal_binary::{alpha_t, check_binary_focal_options, check_focal_labels};
use crate::losses::smoothing::BinarySmoothing;
use crate::reduction::{Framework, Reducer, Reduction, Unreduced};
use ndarray::ArrayViewD;

/// Binary focal loss computed from probabilities `p`, element-wise, with Keras's clipping of the
/// cross-entropy's logarithms: `keras.losses.BinaryFocalCrossentropy(from_logits=False)`, Keras's
/// default. For logits use [`BinaryFocalLoss`](super::BinaryFocalLoss).
///
/// ```text
/// z' = z·(1 − ls) + ls/2                                (binary label smoothing ls)
/// c  = clip(p, ε, 1 − ε)                                (ε = keras.config.epsilon() = 1e-7)
/// ce = −[ z'·ln c + (1 − z')·ln(1 − c) ]                (Keras's ops.binary_crossentropy)
/// q  = 1 − p_t = z'·(1 − p) + (1 − z')·p                (p_t = z'·p + (1 − z')·(1 − p), unclipped p)
/// α_t = α·z' + (1 − α)·(1 − z')                         (1 without α)
/// l  = α_t · q^γ · ce
/// ∂l/∂p = α_t · [ γ·q^(γ−1)·(1 − 2z')·ce + q^γ · ∂ce/∂p ]
/// ∂ce/∂p = (1 − z')/(1 − c) − z'/c  for ε ≤ p ≤ 1 − ε, 0 where the clip is active
/// ```
///
/// As in Keras, only the cross-entropy is clipped: the focal factor uses the probability as
/// given, so where the clip is active the gradient is the focal factor's term alone (Keras's
/// autograd through `clip_by_value` passes nothing there). The clip's bounds are rounded to the
/// dtype as Keras does (in float32 `1 − 1e-7` becomes `1 − 1.19e-7`). `γ = 0` gives Keras's
/// `BinaryCrossentropy(from_logits=False)`, with the derivative of `q^0` taken as 0 (Keras's
/// autograd gives `0·q^(−1)`, NaN at `q = 0`). For `0 < γ < 1` at `q = 0` (a probability of
/// exactly 0 or 1 on the right side) the exact derivative is infinite, as Keras's. `q` is
/// computed as a sum of non-negative terms rather than Keras's cancelling `1 − p_t`, so where it
/// is tiny reweigh is more accurate than Keras (the golden cases' tolerances bound Keras's
/// roundoff).
///
/// Equivalent framework call: `keras.losses.BinaryFocalCrossentropy(apply_class_balancing,
/// alpha, gamma, from_logits=False, label_smoothing, reduction)(z, p, sample_weight)`:
/// [`Self::keras`] (mean over the last axis, then the sample weights and the reduction), with
/// [`Self::alpha`] when `apply_class_balancing=True`.
///
/// Errors: `γ < 0` or non-finite, `α` or `ls` outside `[0, 1]`, `ε` outside `[0, 0.5]`, labels or
/// probabilities outside `[0, 1]` or NaN ([`ReweighError::ValueOutOfRange`] for probabilities;
/// Keras accepts them and computes `q < 0`, a deliberate difference), shape mismatches, empty input.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::BinaryFocalLossProbs};
/// let p = array![[0.6_f64, 0.4], [0.4, 0.6]];
/// let z = array![[0.0, 1.0], [0.0, 0.0]];
/// let loss = BinaryFocalLossProbs::keras().reduction(reweigh::Reduction::None);
/// let v = loss.forward(&p, &z).unwrap().into_array();
/// // keras.losses.binary_focal_crossentropy(z, p, gamma=2) = [0.32986466, 0.20579838] (float64)
/// assert!((v[0] - 0.32986466).abs() < 1e-8 && (v[1] - 0.20579838).abs() < 1e-8);
/// ```
#[derive(Clone, Debug)]
pub struct BinaryFocalLossProbs<F> {
    gamma: F,
    alpha: Option<F>,
    label_smoothing: F,
    epsilon: f64,
    mean_last_axis: bool,
    reducer: Reducer,
}

impl<F: Real> Default for BinaryFocalLossProbs<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Real> BinaryFocalLossProbs<F> {
    /// Element-wise loss with `γ = 2`, no `α`, no smoothing, Keras's `ε = 1e-7`, reduction
    /// `none`.
    pub fn new() -> Self {
        BinaryFocalLossProbs {
            gamma: F::of(2.0),
            alpha: None,
            label_smoothing: F::zero(),
            epsilon: KERAS_EPSILON,
            mean_last_axis: false,
            reducer: Reduction::None.into(),
        }
    }

    /// `keras.losses.BinaryFocalCrossentropy()` defaults (`from_logits=False`): `γ = 2`, no
    /// class balancing, `ε = 1e-7`, mean over the last axis, then sample weights, then
    /// `sum_over_batch_size`.
    pub fn keras() -> Self {
        Self::new()
            .mean_last_axis(true)
            .reduction(Framework::Keras.default_reducer())
    }

    /// The focusing parameter `γ ≥ 0` (`0` gives Keras's binary cross-entropy).
    pub fn gamma(mut self, gamma: F) -> Self {
        self.gamma = gamma;
        self
    }

    /// The class-balancing factor `α ∈ [0, 1]` (Keras's `apply_class_balancing=True, alpha=α`).
    pub fn alpha(mut self, alpha: F) -> Self {
        self.alpha = Some(alpha);
        self
    }

    /// No `α` factor (`α_t = 1`, Keras's `apply_class_balancing=False`).
    pub fn no_alpha(mut self) -> Self {
        self.alpha = None;
        self
    }

    /// Binary label smoothing `ls ∈ [0, 1]`: `z' = z(1 − ls) + ls/2`.
    pub fn label_smoothing(mut self, ls: F) -> Self {
        self.label_smoothing = ls;
        self
    }

    /// The clipping margin `ε ∈ [0, 0.5]` (`keras.config.epsilon()`, default `1e-7`).
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Average over the last axis before weighting (Keras `BinaryFocalCrossentropy`).
    pub fn mean_last_axis(mut self, yes: bool) -> Self {
        self.mean_last_axis = yes;
        self
    }

    /// The reduction.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// The checks of the options alone (what [`LossConfig::build`](crate::config::LossConfig::build)
    /// runs once): `γ`, `α`, the smoothing and the clipping `ε`.
    pub(crate) fn check_options(&self) -> Result<()> {
        check_binary_focal_options(self.gamma, self.alpha, self.label_smoothing)?;
        crate::check::check_epsilon(self.epsilon)
    }
}

/// Loss and derivative with respect to `p` of one element: smoothed label `z`, focusing `γ`,
/// balancing `a = α_t`.
#[inline]
fn focal_prob_elem<F: Real>(p: F, z: F, gamma: F, a: F, clip: &KerasClip<F>) -> (F, F) {
    let one = F::one();
    let (c, pass) = clip.apply(p);
    let ce = -(z * c.ln() + (one - z) * (one - c).ln());
    let dce = if pass {
        (one - z) / (one - c) - z / c
    } else {
        F::zero()
    };
    let q = z * (one - p) + (one - z) * p;
    let m = q.powf(gamma);
    let dm = if gamma == F::zero() {
        F::zero()
    } else {
        gamma * q.powf(gamma - one) * (one - z - z)
    };
    (a * m * ce, a * (dm * ce + m * dce))
}

impl<F: Real> Loss<F> for BinaryFocalLossProbs<F> {
    type Label = F;

    fn reducer(&self) -> Reducer {
        self.reducer
    }

    fn unreduced(
        &self,
        probs: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.check_options()?;
        check_nonempty("probs", &probs)?;
        check_same_shape("labels", probs.shape(), labels.shape())?;
        check_focal_labels(&labels)?;
        for (index, &p) in probs.iter().enumerate() {
            if !(p >= F::zero() && p <= F::one()) {
                return Err(ReweighError::ValueOutOfRange {
                    what: "probs",
                    index,
                    value: p.f64(),
                    expected: "[0, 1]",
                });
            }
        }
        let clip = KerasClip::new(self.epsilon)?;
        let smoothing = BinarySmoothing::new(self.label_smoothing);
        let (gamma, alpha) = (self.gamma, self.alpha);
        let elem = |p: F, z: F, _: usize| {
            let z = smoothing.apply(z);
            focal_prob_elem(p, z, gamma, alpha_t(alpha, z), &clip)
        };
        let mean = self.mean_last_axis;
        elementwise(&probs, &labels, want_grad, mean, sample_weight, elem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elem_matches_finite_differences_inside_the_clip() {
        let clip = KerasClip::<f64>::new(KERAS_EPSILON).unwrap();
        for &(p, z, g) in &[
            (0.7_f64, 1.0, 2.0),
            (0.3, 0.0, 0.5),
            (0.6, 0.3, 1.5),
            (0.2, 0.95, 0.0),
            (0.9, 0.05, 5.0),
        ] {
            let h = 1e-7;
            let f = |p| focal_prob_elem(p, z, g, 0.7, &clip).0;
            let fd = (f(p + h) - f(p - h)) / (2.0 * h);
            let an = focal_prob_elem(p, z, g, 0.7, &clip).1;
            assert!((fd - an).abs() < 1e-6, "p={p} z={z} g={g}: {fd} vs {an}");
        }
    }

    #[test]
    fn clipped_gradient_is_the_focal_term_alone() {
        let clip = KerasClip::<f64>::new(KERAS_EPSILON).unwrap();
        // p = 0, z = 1: ce = -ln ε is constant, q = 1, dq/dp = -1
        let (l, d) = focal_prob_elem(0.0, 1.0, 2.0, 1.0, &clip);
        assert!((l + (1e-7_f64).ln()).abs() < 1e-12);
        assert!((d - 2.0 * (1e-7_f64).ln()).abs() < 1e-9);
        // γ = 0: the clipped cross-entropy's gradient is 0
        assert_eq!(focal_prob_elem(0.0, 1.0, 0.0, 1.0, &clip).1, 0.0);
    }
}
