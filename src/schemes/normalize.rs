//! Rescaling a weight vector: to sum 1, to sum C, or to a per-sample mean of 1.

use super::check::{check_result, scaled_sum};
use crate::Real;
use crate::error::{Result, ReweighError};
use crate::loss::{check_same_shape, check_weights};
use ndarray::{Array1, ArrayView1, AsArray};
use std::fmt;

/// How to rescale class weights `w` (a positive factor; ratios between classes are unchanged).
///
/// ```text
/// None         w
/// Sum1         w / Σ_c w_c                       (Σ_c w_c = 1)
/// SumC         C · w / Σ_c w_c                   (Σ_c w_c = C: the class mean is 1)
/// SampleMean1  n · w / Σ_c n_c·w_c               (Σ_i w_{y_i} = n: the mean sample weight is 1)
/// ```
///
/// `SampleMean1` keeps the scale of an unweighted mean loss; applied to inverse frequency it is
/// exactly scikit-learn's `"balanced"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Normalization {
    /// Leave the weights as computed.
    #[default]
    None,
    /// Divide by the sum: the weights sum to 1.
    Sum1,
    /// The weights sum to the number of classes C (their mean over classes is 1).
    SumC,
    /// The weights' mean over samples is 1: `Σ_c n_c w_c = n`.
    SampleMean1,
}

impl fmt::Display for Normalization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Normalization::None => "none",
            Normalization::Sum1 => "sum1",
            Normalization::SumC => "sum_c",
            Normalization::SampleMean1 => "mean1",
        })
    }
}

/// Rescales `weights` (one per class, matching `counts`) as `how` says. Weights and counts must
/// be finite and non-negative (for every `how`, `None` included); a zero normaliser (all
/// weights zero, or all weight on empty classes) is [`ReweighError::AllZeroWeights`]. The sums
/// are scaled by their largest term when they overflow, so `[1e308, 1e308]` normalises to
/// `[0.5, 0.5]` (Sum1), not `[0, 0]`.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::schemes::{Normalization, normalize};
/// let counts = array![1.0_f64, 3.0];
/// let w = normalize(&array![4.0, 4.0 / 3.0], &counts, Normalization::SampleMean1).unwrap();
/// assert!((w[0] - 2.0).abs() < 1e-15 && (w[1] - 2.0 / 3.0).abs() < 1e-15); // = "balanced"
/// ```
pub fn normalize<'a, F: Real>(
    weights: impl AsArray<'a, F>,
    counts: impl AsArray<'a, F>,
    how: Normalization,
) -> Result<Array1<F>> {
    let weights: ArrayView1<'_, F> = weights.into();
    let counts: ArrayView1<'_, F> = counts.into();
    check_same_shape("class weights", counts.shape(), weights.shape())?;
    check_weights("class weights", weights.iter())?;
    check_weights("class counts", counts.iter())?;
    let c = F::of(weights.len() as f64);
    // w · num / den, every sum taken as m · s (scaled_sum) so that an overflowing sum still
    // gives the exact finite ratio; m = 1 (the plain sums) whenever they are finite
    let (w_scale, num, den) = match how {
        Normalization::None => return Ok(weights.to_owned()),
        Normalization::Sum1 | Normalization::SumC => {
            let (m, s) = scaled_sum(weights.iter());
            (
                m,
                if how == Normalization::Sum1 {
                    F::one()
                } else {
                    c
                },
                s,
            )
        }
        Normalization::SampleMean1 => {
            let num: F = counts.sum();
            let den: F = weights
                .iter()
                .zip(counts.iter())
                .map(|(&w, &n)| w * n)
                .sum();
            if num.is_finite() && den.is_finite() {
                (F::one(), num, den)
            } else {
                // n·w / Σ n_c w_c = (w / mw) · Σ(n_c/mn) / Σ (w_c/mw)(n_c/mn): every term ≤ C
                let max = |v: ArrayView1<'_, F>| v.fold(F::zero(), |m, &x| m.max(x));
                let (mw, mn) = (max(weights), max(counts));
                if mw == F::zero() {
                    return Err(ReweighError::AllZeroWeights {
                        what: "class weights (normaliser)",
                    });
                }
                let sn: F = counts.iter().map(|&n| n / mn).sum();
                let sp: F = weights
                    .iter()
                    .zip(counts.iter())
                    .map(|(&w, &n)| w / mw * (n / mn))
                    .sum();
                (mw, sn, sp)
            }
        }
    };
    if den == F::zero() {
        return Err(ReweighError::AllZeroWeights {
            what: "class weights (normaliser)",
        });
    }
    let w = weights.mapv(|w| w / w_scale / den * num);
    check_result(w.as_slice().unwrap_or(&[]))?;
    Ok(w)
}
