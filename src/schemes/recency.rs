//! Recency-decay sample weights: newer samples count more (seed 003).

use crate::Real;
use crate::error::{Result, ReweighError};
use ndarray::{Array1, ArrayView1, AsArray};

/// Exponential recency decay with a half-life: the newest sample weighs 1, one half-life older
/// weighs ½, two half-lives ¼.
///
/// ```text
/// sw_i = 2^(−(t_max − t_i) / h)          t_i = time stamp (larger = newer), h = half-life > 0
/// ```
///
/// The seed-003 answer's second use of `sample_weight`: "weight newer data more than old,
/// forcing the model to adapt to new behaviour more quickly, without ignoring valuable old
/// data". Times are in any unit (days, steps) and any order; `h` is in the same unit. Combine
/// with class weights by multiplying, and use
/// [`rescale_to_mean_one`](crate::schemes::rescale_to_mean_one) to keep the loss scale.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::schemes::recency_weights;
/// let w = recency_weights(&array![0.0_f64, 30.0, 60.0], 30.0).unwrap();
/// assert_eq!(w.to_vec(), vec![0.25, 0.5, 1.0]);
/// ```
pub fn recency_weights<'a, F: Real>(times: impl AsArray<'a, F>, half_life: F) -> Result<Array1<F>> {
    let times: ArrayView1<'_, F> = times.into();
    if !(half_life > F::zero() && half_life.is_finite()) {
        return Err(ReweighError::InvalidParameter {
            name: "half_life",
            value: half_life.f64(),
            expected: "finite and > 0",
        });
    }
    if times.is_empty() {
        return Err(ReweighError::EmptyBatch { what: "times" });
    }
    crate::loss::check_finite("times", times.iter())?;
    let newest = times.fold(F::neg_infinity(), |m, &t| m.max(t));
    let two = F::of(2.0);
    Ok(times.mapv(|t| two.powf(-(newest - t) / half_life)))
}
