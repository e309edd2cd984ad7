//! scikit-learn's `"balanced"` weights and the "largest class gets 1" weights.

use super::check::{check_counts, check_result, scaled_sum};
use crate::Real;
use crate::error::Result;
use ndarray::{Array1, ArrayView1, AsArray};

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
/// let w = balanced_weights(&array![198.0_f64, 436.0, 710.0, 272.0]).unwrap();
/// // compute_class_weight("balanced", classes=[0, 1, 2, 3], y=np.repeat([0, 1, 2, 3], [198, 436, 710, 272]))
/// assert_eq!(w[0], 2.04040404040404);
/// ```
pub fn balanced_weights<'a, F: Real>(counts: impl AsArray<'a, F>) -> Result<Array1<F>> {
    let counts: ArrayView1<'_, F> = counts.into();
    check_counts(counts, true)?;
    let c = F::of(counts.len() as f64);
    // scikit-learn: np.sum(counts) / (n_classes * counts), with n and n_c divided by the largest
    // count m first so that an overflowing n still gives the exact (finite) ratio
    let w = balanced_ratio(counts, c);
    check_result(w.as_slice().unwrap_or(&[]))?;
    Ok(w)
}

/// The largest class gets weight 1, the others the factor by which they are smaller (the
/// seed-001 answer `cw = {c: maxCt / numImg}`).
///
/// ```text
/// w_c = max_k n_k / n_c
/// ```
pub fn max_over_count_weights<'a, F: Real>(counts: impl AsArray<'a, F>) -> Result<Array1<F>> {
    let counts: ArrayView1<'_, F> = counts.into();
    check_counts(counts, true)?;
    let m = counts.fold(F::zero(), |m, &c| m.max(c));
    let w = counts.mapv(|nc| m / nc);
    check_result(w.as_slice().unwrap_or(&[]))?;
    Ok(w)
}

/// scikit-learn's `"balanced"` exactly as scikit-learn 1.9.1 computes it, by name: a class with
/// zero count (possible with `classes=` or with `sample_weight`, where a class's total sample
/// weight can be 0) gets weight **+∞** (`np.sum(counts) / (n_classes * 0)`, with a
/// divide-by-zero warning), where the strict [`balanced_weights`] (reweigh's default) returns
/// [`crate::ReweighError::ZeroCount`].
///
/// An infinite class weight makes every loss of that class infinite (and NaN after a zero
/// sample weight), so no reweigh loss accepts it: use this only to compare with scikit-learn's
/// numbers. Counts must be finite and non-negative with at least one positive count.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::schemes::{balanced_weights, balanced_weights_sklearn};
/// // compute_class_weight("balanced", classes=[0, 1], y=[0, 1], sample_weight=[0., 1.]) = [inf, 0.5]
/// let counts = array![0.0_f64, 1.0];
/// assert!(balanced_weights(&counts).is_err());
/// assert_eq!(balanced_weights_sklearn(counts.view()).unwrap().to_vec(), vec![f64::INFINITY, 0.5]);
/// ```
pub fn balanced_weights_sklearn<'a, F: Real>(counts: impl AsArray<'a, F>) -> Result<Array1<F>> {
    let counts: ArrayView1<'_, F> = counts.into();
    check_counts(counts, false)?;
    let c = F::of(counts.len() as f64);
    Ok(balanced_ratio(counts, c))
}

/// `n / (C · n_c)` for every class: scikit-learn's plain formula when `n` and `C · max n_c` are
/// finite (bit for bit), else with `n` and `n_c` divided by the largest count first, so that an
/// overflowing sum or product still gives the exact finite ratio (`[5e307, 1e308]` gives
/// `[1.5, 0.75]`).
fn balanced_ratio<F: Real>(counts: ArrayView1<'_, F>, c: F) -> Array1<F> {
    let (m, s) = scaled_sum(counts.iter());
    let largest = counts.fold(F::zero(), |a, &x| a.max(x));
    if m == F::one() && (c * largest).is_finite() {
        return counts.mapv(|nc| s / (c * nc));
    }
    let s: F = counts.iter().map(|&x| x / largest).sum();
    counts.mapv(|nc| s / (c * (nc / largest)))
}
