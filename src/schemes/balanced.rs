//! scikit-learn's `"balanced"` weights and the "largest class gets 1" weights.

use super::check::{check_counts, check_result};
use crate::Real;
use crate::error::Result;
use ndarray::{Array1, ArrayView1};

/// scikit-learn's `class_weight="balanced"`.
///
/// ```text
/// w_c = n / (C · n_c)        n = Σ_c n_c, C = number of classes
/// ```
///
/// Equal to `sklearn.utils.class_weight.compute_class_weight("balanced", classes=np.unique(y),
/// y=y)` with `n_c = np.bincount(y)`, and with `sample_weight=sw` when `n_c` is the total sample
/// weight of class c ([`crate::schemes::ClassCounts::weighted`]). The mean weight per sample is
/// one. A class with zero count (or zero total weight, where scikit-learn returns inf) is
/// [`crate::ReweighError::ZeroCount`].
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::schemes::balanced_weights;
/// let w = balanced_weights(array![198.0_f64, 436.0, 710.0, 272.0].view()).unwrap();
/// // compute_class_weight("balanced", classes=[0, 1, 2, 3], y=np.repeat([0, 1, 2, 3], [198, 436, 710, 272]))
/// assert_eq!(w[0], 2.04040404040404);
/// ```
pub fn balanced_weights<F: Real>(counts: ArrayView1<'_, F>) -> Result<Array1<F>> {
    check_counts(counts, true)?;
    let n: F = counts.sum();
    let c = F::of(counts.len() as f64);
    // scikit-learn: np.sum(counts) / (n_classes * counts)
    let w = counts.mapv(|nc| n / (c * nc));
    check_result(w.as_slice().unwrap_or(&[]))?;
    Ok(w)
}

/// The largest class gets weight 1, the others the factor by which they are smaller (the
/// seed-001 answer `cw = {c: maxCt / numImg}`).
///
/// ```text
/// w_c = max_k n_k / n_c
/// ```
pub fn max_over_count_weights<F: Real>(counts: ArrayView1<'_, F>) -> Result<Array1<F>> {
    check_counts(counts, true)?;
    let m = counts.fold(F::zero(), |m, &c| m.max(c));
    let w = counts.mapv(|nc| m / nc);
    check_result(w.as_slice().unwrap_or(&[]))?;
    Ok(w)
}
