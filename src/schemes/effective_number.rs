//! Class-balanced weights from the effective number of samples (Cui et al., CVPR 2019).

use super::check::{check_counts, check_result, scaled_sum};
use crate::Real;
use crate::error::{Result, ReweighError};
use ndarray::{Array1, ArrayView1, AsArray};

/// Inverse effective number of samples, normalised to sum C (Cui, Jia, Lin, Song, Belongie,
/// "Class-Balanced Loss Based on Effective Number of Samples", CVPR 2019).
///
/// ```text
/// E_c = (1 − βⁿᶜ) / (1 − β)                  effective number of class c, β ∈ [0, 1)
/// w_c = C · (1/E_c) / Σ_k (1/E_k)            Σ_c w_c = C
/// ```
///
/// β = 0 gives uniform weights, β → 1 inverse frequency. Equal to the paper's reference code
/// `effective_num = 1.0 - np.power(beta, n); w = (1.0 - beta) / effective_num;
/// w = w / np.sum(w) * C`; `1 − βⁿ` is computed as `−expm1(n·ln β)`, accurate for β near 1.
/// β outside `[0, 1)` is [`ReweighError::InvalidParameter`]; a zero count (E_c = 0) is
/// [`ReweighError::ZeroCount`].
///
/// This is the one implementation of the formula in reweigh (the class-balanced losses should
/// call it).
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::schemes::effective_number_weights;
/// let w = effective_number_weights(&array![198.0_f64, 436.0, 710.0, 272.0], 0.999).unwrap();
/// assert!((w.sum() - 4.0).abs() < 1e-14);
/// assert!(w[0] > w[3] && w[3] > w[1] && w[1] > w[2]);
/// ```
pub fn effective_number_weights<'a, F: Real>(
    counts: impl AsArray<'a, F>,
    beta: f64,
) -> Result<Array1<F>> {
    let counts: ArrayView1<'_, F> = counts.into();
    if !(0.0..1.0).contains(&beta) {
        return Err(ReweighError::InvalidParameter {
            name: "beta",
            value: beta,
            expected: "in [0, 1)",
        });
    }
    check_counts(counts, true)?;
    // in float64 whatever F is (β = 1 − 1e-12 rounds to 1 in f32, which would give 0/0), rounded
    // to F at the end
    let n: Vec<f64> = counts.iter().map(|c| c.f64()).collect();
    let ln_b = beta.ln(); // -inf for β = 0: expm1(-inf) = -1, E_c = 1
    let raw: Vec<f64> = n
        .iter()
        .map(|&nc| (1.0 - beta) / -(nc * ln_b).exp_m1())
        .collect();
    // w / Σw as (w / m) / Σ(w / m): finite where Σw overflows (tiny weighted counts)
    let (m, s) = scaled_sum(raw.iter());
    let c = n.len() as f64;
    let w: Array1<F> = raw.iter().map(|&w| F::of(w / m / s * c)).collect();
    check_result(w.as_slice().unwrap_or(&[]))?;
    Ok(w)
}
