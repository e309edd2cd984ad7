//! Numerically stable scalar primitives shared by the losses.
//!
//! Every loss works from logits with these forms, so that results stay finite wherever the
//! frameworks' do: `softplus(x) = max(x, 0) + ln(1 + e^-|x|)` never overflows, and
//! `log_softmax` subtracts the row maximum before exponentiating.

use crate::Real;
use ndarray::ArrayView1;

/// `ln(1 + e^x)`, computed as `max(x, 0) + ln_1p(e^-|x|)` (TensorFlow's form).
#[inline]
pub fn softplus<F: Real>(x: F) -> F {
    x.max(F::zero()) + (-x.abs()).exp().ln_1p()
}

/// The logistic function `1 / (1 + e^-x)`, evaluated without overflow for any sign of `x`.
#[inline]
pub fn sigmoid<F: Real>(x: F) -> F {
    if x >= F::zero() {
        F::one() / (F::one() + (-x).exp())
    } else {
        let e = x.exp();
        e / (F::one() + e)
    }
}

/// `ln σ(x) = -softplus(-x)`.
#[inline]
pub fn log_sigmoid<F: Real>(x: F) -> F {
    -softplus(-x)
}

/// The maximum of a row and `ln Σ exp(x - max)`; `logsumexp = max + lse_shifted`.
///
/// Returns `(max, ln Σ_j exp(x_j - max))`. A row containing `+inf` gives a NaN shift, as in the
/// frameworks.
#[inline]
pub fn max_and_shifted_lse<F: Real>(row: ArrayView1<'_, F>) -> (F, F) {
    let m = row.fold(
        F::neg_infinity(),
        |a, &b| if b > a || b.is_nan() { b } else { a },
    );
    let s: F = row.iter().map(|&x| (x - m).exp()).sum();
    (m, s.ln())
}

/// `ln Σ exp(x)` of a row, max-shifted.
#[inline]
pub fn logsumexp<F: Real>(row: ArrayView1<'_, F>) -> F {
    let (m, l) = max_and_shifted_lse(row);
    m + l
}
