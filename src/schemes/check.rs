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

/// `(m, s)` with `Σ_i v_i = m · s`: `(1, Σ_i v_i)` when the plain sum is finite (so the usual
/// results are bit for bit the frameworks' plain formulas), else `m = max_i v_i` and
/// `s = Σ_i v_i / m` (`[1e308, 1e308]` gives `(1e308, 2)`, where the plain sum is inf). Every
/// scheme that divides by a sum of non-negative finite values divides `v_i / m` by `s`: the
/// ratio is the same and stays finite whenever the exact ratio is.
pub(crate) fn scaled_sum<'a, F: Real>(values: impl IntoIterator<Item = &'a F> + Clone) -> (F, F) {
    let plain: F = values.clone().into_iter().copied().sum();
    if plain.is_finite() {
        return (F::one(), plain);
    }
    let m = values
        .clone()
        .into_iter()
        .fold(F::zero(), |m, &v| if v > m { v } else { m });
    (m, values.into_iter().map(|&v| v / m).sum())
}
