//! Binary (sigmoid) focal loss from logits, and the focal modulating curve.

use crate::Real;
use crate::check::check_finite_array;
use crate::error::{Result, ReweighError};
use crate::loss::{Loss, check_nonempty, check_range, check_same_shape};
use crate::losses::elementwise::elementwise;
use crate::losses::smoothing::BinarySmoothing;
use crate::math::{sigmoid, softplus};
use crate::reduction::{Framework, OnZeroWeights, Reducer, Reduction, Unreduced};
use ndarray::ArrayViewD;

/// The focal term `−(1 − p)^γ · ln p` of a probability `p` given to the true class (Lin et al.,
/// "Focal Loss for Dense Object Detection", 2017): cross-entropy scaled by the modulating factor
/// `(1 − p)^γ`. `γ = 0` gives the cross-entropy `−ln p`.
///
/// A pure function for plotting the focal curve: `p ∈ [0, 1]` gives a value in `[0, ∞]`
/// (`+∞` at `p = 0`, `0` at `p = 1`); a `p` outside `[0, 1]` or a negative `γ` gives NaN or a
/// meaningless number, unchecked.
///
/// ```
/// use reweigh::losses::focal_term;
/// // keras.losses.categorical_focal_crossentropy([[0., 1.]], [[0.1, 0.9]], alpha=1.0, gamma=2.0)
/// //   = 0.0010536051565782623 (float64)
/// assert!((focal_term(0.9_f64, 2.0) - 0.0010536051565782623).abs() < 1e-18);
/// assert_eq!(focal_term(1.0_f64, 0.5), 0.0);
/// assert_eq!(focal_term(0.0_f64, 2.0), f64::INFINITY);
/// ```
pub fn focal_term<F: Real>(p_true: F, gamma: F) -> F {
    (F::zero() - p_true.ln()) * (F::one() - p_true).powf(gamma)
}

/// Binary focal loss from logits, element-wise (every output is its own binary decision), with
/// the class-balancing factor `α` and binary label smoothing of torchvision and Keras.
///
/// ```text
/// z' = z·(1 − ε) + ε/2                                  (binary label smoothing ε)
/// ce = z'·softplus(−x) + (1 − z')·softplus(x)           (binary cross-entropy)
/// q  = 1 − p_t = z'·σ(−x) + (1 − z')·σ(x)               (p_t = σ(x)·z' + (1 − σ(x))·(1 − z'))
/// α_t = α·z' + (1 − α)·(1 − z')                         (1 without α)
/// l  = α_t · ce · q^γ
/// ∂l/∂x = α_t · [ ((1 − z')·σ(x) − z'·σ(−x))·q^γ + ce · γ·(1 − 2z')·q^γ · σ(x)σ(−x)/q ]
/// ```
/// `σ(x)σ(−x)/q` is `σ(x)` for `z' = 1` and `σ(−x)` for `z' = 0`, so saturated logits give
/// finite values and gradients for every `γ ≥ 0`, including `γ < 1` where torchvision's and
/// Keras's autograd return NaN (`0^(γ−1) · 0`). `q` is a sum of positive sigmoids, never the
/// cancelling `1 − p_t` the frameworks compute in probability space; `γ = 0` is the binary
/// cross-entropy of [`SigmoidCrossEntropy`](crate::losses::SigmoidCrossEntropy).
///
/// Equivalent framework calls:
/// - `torchvision.ops.sigmoid_focal_loss(x, z, alpha, gamma, reduction)`: [`Self::torchvision`]
///   with [`Self::torchvision_alpha`]; `reduction="mean"` averages over every element
///   ([`Reduction::SumOverBatchSize`]; torchvision takes no sample weights);
/// - `keras.losses.BinaryFocalCrossentropy(from_logits=True, gamma, apply_class_balancing, alpha,
///   label_smoothing)`: [`Self::keras`] (mean over the last axis, then sample weights and the
///   reduction), with [`Self::alpha`] when `apply_class_balancing=True` (Keras's `α` defaults
///   to 0.25 but is only used then). Keras smooths the label before computing `p_t` and `α_t`,
///   as above.
///
/// Errors: `γ < 0` or non-finite, `α` outside `[0, 1]`, `ε` outside `[0, 1]`, labels outside
/// `[0, 1]` (they would make `q` negative), shape mismatches, empty input.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, Reduction, losses::BinaryFocalLoss};
/// let x = array![[2.0_f64, -1.0], [0.5, 3.0]];
/// let z = array![[1.0, 0.0], [0.0, 1.0]];
/// let loss = BinaryFocalLoss::torchvision().reduction(Reduction::SumOverBatchSize);
/// let out = loss.forward_backward(&x, &z).unwrap();
/// // torchvision.ops.sigmoid_focal_loss(x, z, alpha=0.25, gamma=2, reduction="mean")
/// //   = 0.07513261382896054 (float64)
/// assert!((out.value.scalar().unwrap() - 0.07513261382896054).abs() < 1e-15);
/// assert_eq!(out.grad.unwrap().shape(), &[2, 2]);
/// ```
#[derive(Clone, Debug)]
pub struct BinaryFocalLoss<F> {
    gamma: F,
    alpha: Option<F>,
    label_smoothing: F,
    mean_last_axis: bool,
    reducer: Reducer,
}

impl<F: Real> Default for BinaryFocalLoss<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Real> BinaryFocalLoss<F> {
    /// Element-wise loss with `γ = 2`, no `α`, no smoothing, reduction `none`.
    pub fn new() -> Self {
        BinaryFocalLoss {
            gamma: F::of(2.0),
            alpha: None,
            label_smoothing: F::zero(),
            mean_last_axis: false,
            reducer: Reduction::None.into(),
        }
    }

    /// `torchvision.ops.sigmoid_focal_loss` defaults: `α = 0.25`, `γ = 2`, reduction `none`
    /// (NaN on an empty denominator, as in PyTorch).
    pub fn torchvision() -> Self {
        Self::new().alpha(F::of(0.25)).reduction(Reducer {
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Nan,
        })
    }

    /// `keras.losses.BinaryFocalCrossentropy(from_logits=True)` defaults: `γ = 2`, no class
    /// balancing, mean over the last axis, then sample weights, then `sum_over_batch_size`.
    pub fn keras() -> Self {
        Self::new()
            .mean_last_axis(true)
            .reduction(Framework::Keras.default_reducer())
    }

    /// The focusing parameter `γ ≥ 0` (`0` gives the binary cross-entropy).
    pub fn gamma(mut self, gamma: F) -> Self {
        self.gamma = gamma;
        self
    }

    /// The class-balancing factor `α ∈ [0, 1]`: `α_t = α·z + (1 − α)·(1 − z)` (Keras's
    /// `apply_class_balancing=True, alpha=α`).
    pub fn alpha(mut self, alpha: F) -> Self {
        self.alpha = Some(alpha);
        self
    }

    /// No `α` factor (`α_t = 1`).
    pub fn no_alpha(mut self) -> Self {
        self.alpha = None;
        self
    }

    /// `α` in torchvision's convention: exactly `−1` means no `α` factor, `[0, 1]` is `α`, any
    /// other value is an error when the loss is computed (torchvision raises `ValueError`).
    pub fn torchvision_alpha(mut self, alpha: F) -> Self {
        self.alpha = if alpha == -F::one() {
            None
        } else {
            Some(alpha)
        };
        self
    }

    /// Binary label smoothing `ε ∈ [0, 1]`: `z' = z(1 − ε) + ε/2`.
    pub fn label_smoothing(mut self, eps: F) -> Self {
        self.label_smoothing = eps;
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
    /// runs once): `γ`, `α` and the smoothing `ε`.
    pub(crate) fn check_options(&self) -> Result<()> {
        check_binary_focal_options(self.gamma, self.alpha, self.label_smoothing)
    }
}

/// The checks of a binary focal loss's options (logits and probability forms): `γ`, `α` and
/// the smoothing `ε`.
pub(crate) fn check_binary_focal_options<F: Real>(
    gamma: F,
    alpha: Option<F>,
    eps: F,
) -> Result<()> {
    check_gamma(gamma)?;
    if let Some(a) = alpha {
        check_range(
            "alpha",
            a.f64(),
            0.0,
            1.0,
            "in [0, 1] (or -1 in torchvision's convention for no alpha factor)",
        )?;
    }
    crate::losses::smoothing::check_smoothing(eps.f64())
}

/// Checks binary focal labels: finite and in `[0, 1]` (else `1 − p_t` could be negative).
pub(crate) fn check_focal_labels<F: Real>(labels: &ArrayViewD<'_, F>) -> Result<()> {
    check_finite_array("labels", labels)?;
    if let Some(&z) = labels.iter().find(|&&z| z < F::zero() || z > F::one()) {
        return Err(ReweighError::InvalidParameter {
            name: "labels",
            value: z.f64(),
            expected: "in [0, 1] (the focal factor needs 1 - p_t >= 0)",
        });
    }
    Ok(())
}

/// The class-balancing factor `α_t = α·z + (1 − α)·(1 − z)` of a (smoothed) label, 1 without `α`.
#[inline]
pub(crate) fn alpha_t<F: Real>(alpha: Option<F>, z: F) -> F {
    match alpha {
        Some(a) => a * z + (F::one() - a) * (F::one() - z),
        None => F::one(),
    }
}

/// Checks a focusing parameter `γ`: finite and non-negative.
pub(crate) fn check_gamma<F: Real>(gamma: F) -> Result<()> {
    check_range("gamma", gamma.f64(), 0.0, f64::MAX, "finite and >= 0")
}

/// Loss and derivative of one element: smoothed label `z`, focusing `γ`, balancing `a = α_t`.
#[inline]
fn focal_elem<F: Real>(x: F, z: F, gamma: F, a: F) -> (F, F) {
    let one = F::one();
    let (sp, sn) = (sigmoid(x), sigmoid(-x));
    let ce = z * softplus(-x) + (one - z) * softplus(x);
    let q = z * sn + (one - z) * sp;
    let m = q.powf(gamma);
    // σ(x)σ(−x)/q without the 0/0 of saturated hard labels.
    let r = if z == one {
        sp
    } else if z == F::zero() {
        sn
    } else {
        sp * sn / q
    };
    let dce = (one - z) * sp - z * sn;
    let dm = gamma * (one - z - z) * m * r;
    (a * ce * m, a * (dce * m + ce * dm))
}

impl<F: Real> Loss<F> for BinaryFocalLoss<F> {
    type Label = F;

    fn reducer(&self) -> Reducer {
        self.reducer
    }

    fn unreduced(
        &self,
        logits: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        check_nonempty("logits", &logits)?;
        check_same_shape("labels", logits.shape(), labels.shape())?;
        self.check_options()?;
        check_focal_labels(&labels)?;
        let smoothing = BinarySmoothing::new(self.label_smoothing);
        let (gamma, alpha) = (self.gamma, self.alpha);
        let elem = |x: F, z: F, _: usize| {
            let z = smoothing.apply(z);
            focal_elem(x, z, gamma, alpha_t(alpha, z))
        };
        let mean = self.mean_last_axis;
        elementwise(&logits, &labels, want_grad, mean, sample_weight, elem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elem_matches_finite_differences() {
        for &(x, z, g) in &[
            (0.7_f64, 1.0, 2.0),
            (-1.3, 0.0, 0.5),
            (2.1, 0.3, 1.5),
            (-0.4, 0.95, 0.0),
            (3.0, 0.05, 5.0),
        ] {
            let h = 1e-6;
            let fd = (focal_elem(x + h, z, g, 0.7).0 - focal_elem(x - h, z, g, 0.7).0) / (2.0 * h);
            let an = focal_elem(x, z, g, 0.7).1;
            assert!((fd - an).abs() < 1e-8, "x={x} z={z} g={g}: {fd} vs {an}");
        }
    }

    #[test]
    fn saturated_logits_stay_finite() {
        for &x in &[1e4_f64, -1e4, 88.0, -88.0, 1e30, -1e30] {
            for &z in &[0.0, 1.0, 0.5] {
                for &g in &[0.0, 0.5, 2.0] {
                    let (l, d) = focal_elem(x, z, g, 1.0);
                    assert!(l.is_finite() && d.is_finite(), "x={x} z={z} g={g}");
                }
            }
        }
    }
}
