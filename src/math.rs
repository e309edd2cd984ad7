//! Numerically stable scalar primitives shared by the losses.
//!
//! Every loss works from logits with these forms, so that results stay finite wherever the
//! frameworks' do: `softplus(x) = max(x, 0) + ln(1 + e^-|x|)` never overflows, and
//! `log_softmax` subtracts the row maximum before exponentiating.

use crate::Real;
use ndarray::{ArrayView1, ArrayViewMut1};

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

/// How [`argmax_by`] treats NaN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NanRule {
    /// A NaN counts as larger than every number, so the first NaN wins (`torch.argmax`,
    /// `np.argmax`).
    Largest,
    /// Plain `>` comparisons: an element replaces the maximum so far only if it compares
    /// greater, which a NaN never does; a NaN is chosen only as the first element, which then
    /// stays.
    NeverGreater,
}

/// The index of the first maximum of a row, with `torch.argmax`'s (and `np.argmax`'s) NaN rule,
/// [`NanRule::Largest`]: a NaN counts as larger than every number, so the first NaN wins;
/// otherwise the first of tied maxima wins. An empty row gives 0.
///
/// ```
/// use ndarray::array;
/// use reweigh::math::{NanRule, argmax, argmax_by};
/// assert_eq!(argmax(array![1.0_f64, 3.0, 3.0].view()), 1);
/// assert_eq!(argmax(array![1.0_f64, f64::NAN, 5.0, f64::NAN].view()), 1);
/// assert_eq!(argmax(array![f64::NEG_INFINITY, f64::NEG_INFINITY].view()), 0);
/// assert_eq!(argmax_by(array![1.0_f64, f64::NAN, 5.0].view(), NanRule::NeverGreater), 2);
/// assert_eq!(argmax_by(array![f64::NAN, 1.0, 5.0].view(), NanRule::NeverGreater), 0);
/// ```
#[inline]
pub fn argmax<F: Real>(row: ArrayView1<'_, F>) -> usize {
    argmax_by(row, NanRule::Largest)
}

/// The index of the first maximum of a row, NaN treated by `rule`. An empty row gives 0.
#[inline]
pub fn argmax_by<F: Real>(row: ArrayView1<'_, F>, rule: NanRule) -> usize {
    let mut best = 0;
    for (j, &v) in row.iter().enumerate() {
        let nan_wins = rule == NanRule::Largest && v.is_nan() && !row[best].is_nan();
        if v > row[best] || nan_wins {
            best = j;
        }
    }
    best
}

/// Writes `log_softmax(row)` into `out`: `x_j − max − ln Σ_k exp(x_k − max)`.
#[inline]
pub fn log_softmax_into<F: Real>(row: ArrayView1<'_, F>, mut out: ArrayViewMut1<'_, F>) {
    let (m, l) = max_and_shifted_lse(row);
    // (x − m) − l, not x − (m + l): keeps ln 2 in [3e38, 3e38, 0] (float32).
    out.zip_mut_with(&row, |o, &x| *o = (x - m) - l);
}

/// Writes `softmax(row)` into `out`, max-shifted.
#[inline]
pub fn softmax_into<F: Real>(row: ArrayView1<'_, F>, mut out: ArrayViewMut1<'_, F>) {
    let (m, l) = max_and_shifted_lse(row);
    out.zip_mut_with(&row, |o, &x| *o = ((x - m) - l).exp());
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, array};

    #[test]
    fn softplus_is_finite_and_accurate_at_extremes() {
        assert_eq!(softplus(1e30_f64), 1e30);
        assert_eq!(softplus(-1e30_f64), 0.0);
        // math.log1p(math.exp(-30)) in Python
        assert!((softplus(-30.0_f64) / 9.357622968839737e-14 - 1.0).abs() < 1e-15);
        assert_eq!(softplus(1e4_f32), 1e4);
    }

    #[test]
    fn log_softmax_handles_huge_logits() {
        let x = array![3e38_f32, 3e38, 0.0];
        let mut out = Array1::zeros(3);
        log_softmax_into(x.view(), out.view_mut());
        assert!((out[0] + std::f32::consts::LN_2).abs() < 1e-6);
        assert_eq!(out[2], -3e38);
        let mut p = Array1::zeros(3);
        softmax_into(array![1.0_f64, 2.0, 3.0].view(), p.view_mut());
        assert!((p.sum() - 1.0).abs() < 1e-15);
    }
}
