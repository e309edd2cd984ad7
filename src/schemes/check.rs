//! Input checks shared by the schemes.

use crate::Real;
use crate::error::{Result, ReweighError};
use crate::loss::check_weights;
use ndarray::ArrayView1;

/// Counts must be non-empty, finite and non-negative; with `divides`, also non-zero (the class
/// is reported by its position; [`crate::schemes::Scheme`] maps it to the label).
pub(crate) fn check_counts<F: Real>(counts: ArrayView1<'_, F>, divides: bool) -> Result<()> {
    if counts.is_empty() {
        return Err(ReweighError::EmptyBatch {
            what: "class counts",
        });
    }
    check_weights("class counts", counts.iter())?;
    if divides && let Some(i) = counts.iter().position(|&c| c == F::zero()) {
        return Err(ReweighError::ZeroCount {
            what: "count",
            class: i as i64,
        });
    }
    if counts.iter().all(|&c| c == F::zero()) {
        return Err(ReweighError::AllZeroWeights {
            what: "class counts",
        });
    }
    Ok(())
}

/// Every computed weight must be finite (an overflow such as `n / 1e-300` is an error, never a
/// silent inf).
pub(crate) fn check_result<F: Real>(w: &[F]) -> Result<()> {
    crate::loss::check_finite("computed class weights", w.iter())
}
