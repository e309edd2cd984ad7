//! Keeping the logarithms of the probability-space losses finite: Keras's clip ([`KerasClip`],
//! also the categorical focal loss's), PyTorch's clamp in `binary_cross_entropy` and TF1's
//! `log_loss` shift, as [`ProbClip`](super::ProbClip) selects them (see its documentation for
//! the formulas and the frameworks' quirks).

use crate::Real;
use crate::error::Result;

/// Keras's clipping epsilon, `keras.backend.epsilon()` (also
/// [`ProbClip::DEFAULT_EPSILON`](super::ProbClip::DEFAULT_EPSILON)).
pub const KERAS_EPSILON: f64 = 1e-7;

/// Keras's clip to `[ε, 1 − ε]`, with both bounds rounded to the dtype as Keras does (the bounds
/// are Python floats `ε` and `1.0 − ε`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct KerasClip<F> {
    lo: F,
    hi: F,
}

impl<F: Real> KerasClip<F> {
    /// Validates `ε ∈ [0, 0.5]` and rounds the bounds to `F`.
    pub(crate) fn new(epsilon: f64) -> Result<Self> {
        crate::check::check_epsilon(epsilon)?;
        Ok(KerasClip {
            lo: F::of(epsilon),
            hi: F::of(1.0 - epsilon),
        })
    }

    /// The clipped value and whether the gradient passes (`ε ≤ p ≤ 1 − ε`; NaN stays NaN and
    /// does not pass).
    #[inline]
    pub(crate) fn apply(&self, p: F) -> (F, bool) {
        match clip_outside(p, self.lo, self.hi) {
            Some(bound) => (bound, false),
            None => (p, !p.is_nan()),
        }
    }
}

/// torch's `EPSILON` in `binary_cross_entropy_backward` (a float32 `1e-12`).
const TORCH_BCE_GRAD_EPS: f32 = 1e-12;

/// The bound `p` is clipped to when it lies outside `[lo, hi]`; `None` inside, and for NaN
/// (which no comparison clips).
#[inline]
pub(crate) fn clip_outside<F: Real>(p: F, lo: F, hi: F) -> Option<F> {
    if p < lo {
        Some(lo)
    } else if p > hi {
        Some(hi)
    } else {
        None
    }
}

/// torch's floor of the logarithms in `binary_cross_entropy`.
const TORCH_LOG_FLOOR: f64 = -100.0;

/// torch's `max(ln p, −100)`.
#[inline]
pub(crate) fn torch_ln<F: Real>(p: F) -> F {
    p.ln().max(F::of(TORCH_LOG_FLOOR))
}

/// torch's `max(ln(1 − p), −100)`, with `ln(1 − p)` as `ln_1p(−p)`.
#[inline]
pub(crate) fn torch_ln_1m<F: Real>(p: F) -> F {
    (-p).ln_1p().max(F::of(TORCH_LOG_FLOOR))
}

/// torch's `binary_cross_entropy_backward` (unweighted): `(p − z) / max((1 − p)·p, 1e-12)`.
#[inline]
pub(crate) fn torch_bce_grad<F: Real>(p: F, z: F) -> F {
    (p - z) / ((F::one() - p) * p).max(F::of(TORCH_BCE_GRAD_EPS as f64))
}

/// TF1 `log_loss`'s shifted arguments of the logarithms: `(p + ε, (1 − p) + ε)`.
#[inline]
pub(crate) fn tf1_shift<F: Real>(p: F, eps: F) -> (F, F) {
    (p + eps, (F::one() - p) + eps)
}
