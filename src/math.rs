//! Numerically stable scalar primitives shared by the losses.
//!
//! Every loss works from logits with these forms, so that results stay finite wherever the
//! frameworks' do: `softplus(x) = max(x, 0) + ln(1 + e^-|x|)` never overflows, and
//! `log_softmax` subtracts the row maximum before exponentiating.

use crate::Real;
use crate::check::check_same_shape;
use crate::error::Result;
use ndarray::{Array1, ArrayView1, ArrayViewMut1};

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

/// `log_softmax(row)`: `x_j − max − ln Σ_k exp(x_k − max)`.
///
/// ```
/// use ndarray::array;
/// let lp = reweigh::math::log_softmax(array![0.0_f64, 0.0].view());
/// assert!((lp[0] + std::f64::consts::LN_2).abs() < 1e-15);
/// ```
pub fn log_softmax<F: Real>(row: ArrayView1<'_, F>) -> Array1<F> {
    let mut out = Array1::zeros(row.len());
    log_softmax_fill(row, out.view_mut());
    out
}

/// Writes `log_softmax(row)` into `out`, which has the row's length (else
/// [`ReweighError::ShapeMismatch`](crate::ReweighError::ShapeMismatch)).
pub fn log_softmax_into<F: Real>(row: ArrayView1<'_, F>, out: ArrayViewMut1<'_, F>) -> Result<()> {
    check_same_shape("out", row.shape(), out.shape())?;
    log_softmax_fill(row, out);
    Ok(())
}

/// [`log_softmax_into`] for callers that hold `out.len() == row.len()`.
#[inline]
pub(crate) fn log_softmax_fill<F: Real>(row: ArrayView1<'_, F>, mut out: ArrayViewMut1<'_, F>) {
    let (m, l) = max_and_shifted_lse(row);
    // (x − m) − l, not x − (m + l): keeps ln 2 in [3e38, 3e38, 0] (float32).
    out.zip_mut_with(&row, |o, &x| *o = (x - m) - l);
}

/// `softmax(row)`, max-shifted.
pub fn softmax<F: Real>(row: ArrayView1<'_, F>) -> Array1<F> {
    let mut out = Array1::zeros(row.len());
    softmax_fill(row, out.view_mut());
    out
}

/// Writes `softmax(row)` into `out`, which has the row's length (else
/// [`ReweighError::ShapeMismatch`](crate::ReweighError::ShapeMismatch)).
pub fn softmax_into<F: Real>(row: ArrayView1<'_, F>, out: ArrayViewMut1<'_, F>) -> Result<()> {
    check_same_shape("out", row.shape(), out.shape())?;
    softmax_fill(row, out);
    Ok(())
}

/// [`softmax_into`] for callers that hold `out.len() == row.len()`.
#[inline]
pub(crate) fn softmax_fill<F: Real>(row: ArrayView1<'_, F>, mut out: ArrayViewMut1<'_, F>) {
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
        log_softmax_into(x.view(), out.view_mut()).unwrap();
        assert!((out[0] + std::f32::consts::LN_2).abs() < 1e-6);
        assert_eq!(out[2], -3e38);
        assert_eq!(log_softmax(x.view()), out);
        let mut p = Array1::zeros(3);
        softmax_into(array![1.0_f64, 2.0, 3.0].view(), p.view_mut()).unwrap();
        assert!((p.sum() - 1.0).abs() < 1e-15);
        assert_eq!(softmax(array![1.0_f64, 2.0, 3.0].view()), p);
    }

    #[test]
    fn rows_and_outputs_of_different_lengths_are_errors() {
        let x = array![1.0_f64, 2.0, 3.0];
        let mut short = Array1::zeros(2);
        assert!(matches!(
            log_softmax_into(x.view(), short.view_mut()),
            Err(crate::ReweighError::ShapeMismatch { what: "out", .. })
        ));
        // a length-1 output would broadcast in ndarray: it is a mismatch too
        let mut one = Array1::zeros(1);
        assert!(softmax_into(x.view(), one.view_mut()).is_err());
    }
}
