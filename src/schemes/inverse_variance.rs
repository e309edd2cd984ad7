//! Inverse-variance sample weights: trust precise measurements more (seed 003).

use crate::Real;
use crate::error::{Result, ReweighError};
use ndarray::{Array1, ArrayView1, AsArray};

/// The inverse of each sample's measurement variance.
///
/// ```text
/// sw_i = 1 / σ_i²
/// ```
///
/// The seed-003 answer's first use of `sample_weight`: "the training data have some kind of
/// measuring uncertainty, which if known can be used to weight accurate data more than
/// inaccurate measurements". Pass variances (square standard deviations first). A variance that
/// is zero (an infinite weight), negative or not finite is [`ReweighError::InvalidParameter`].
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::schemes::inverse_variance_weights;
/// let sigma = array![0.5_f64, 1.0, 2.0];
/// let w = inverse_variance_weights(&sigma.mapv(|s| s * s)).unwrap();
/// assert_eq!(w.to_vec(), vec![4.0, 1.0, 0.25]);
/// ```
pub fn inverse_variance_weights<'a, F: Real>(variance: impl AsArray<'a, F>) -> Result<Array1<F>> {
    let variance: ArrayView1<'_, F> = variance.into();
    if variance.is_empty() {
        return Err(ReweighError::EmptyBatch { what: "variance" });
    }
    if let Some(&v) = variance
        .iter()
        .find(|&&v| !(v > F::zero() && v.is_finite()))
    {
        return Err(ReweighError::InvalidParameter {
            name: "variance",
            value: v.f64(),
            expected: "finite and > 0",
        });
    }
    let w = variance.mapv(|v| F::one() / v);
    crate::loss::check_finite("inverse-variance weights", w.iter())?;
    Ok(w)
}
