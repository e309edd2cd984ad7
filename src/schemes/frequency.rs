//! Frequency-based schemes: uniform, frequency, inverse frequency and inverse square root.

use super::check::{check_counts, check_result, scaled_sum};
use crate::Real;
use crate::error::Result;
use ndarray::{Array1, ArrayView1, AsArray};

/// Every class weighs 1 (the unweighted baseline).
///
/// ```text
/// w_c = 1
/// ```
pub fn uniform_weights<'a, F: Real>(counts: impl AsArray<'a, F>) -> Result<Array1<F>> {
    let counts: ArrayView1<'_, F> = counts.into();
    check_counts(counts, false)?;
    Ok(Array1::ones(counts.len()))
}

/// The class frequency, as in the seed-000 question (`A_weight: 198/1616 = 0.12?`).
///
/// ```text
/// w_c = n_c / n          n = Σ_c n_c
/// ```
///
/// This points the wrong way for imbalance: the largest class gets the largest weight, so the
/// loss pays *more* attention to the majority. With counts 198/436/710/272 it gives
/// 0.1225/0.2698/0.4394/0.1683 — the minority class A weighs 3.6 times less than C. It is here
/// to show that, and as the prior the other schemes invert.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::schemes::frequency_weights;
/// let w = frequency_weights(&array![198.0_f64, 436.0, 710.0, 272.0]).unwrap();
/// assert!((w[0] - 198.0 / 1616.0).abs() < 1e-15);
/// ```
pub fn frequency_weights<'a, F: Real>(counts: impl AsArray<'a, F>) -> Result<Array1<F>> {
    let counts: ArrayView1<'_, F> = counts.into();
    check_counts(counts, false)?;
    // n_c / n as (n_c / m) / (n / m), m = max_c n_c: finite even where n overflows
    let (m, s) = scaled_sum(counts.iter());
    let w = counts.mapv(|c| c / m / s);
    check_result(w.as_slice().unwrap_or(&[]))?;
    Ok(w)
}

/// Inverse frequency, unnormalised.
///
/// ```text
/// w_c = n / n_c
/// ```
///
/// Normalised variants ([`crate::schemes::Normalization`]): to sum 1 (`w / Σw`), to sum C
/// (`C·w / Σw`, the seed-000 answer's "to the number of classes"), and to a per-sample mean of 1
/// (`n·w / Σ_c n_c w_c`), which equals scikit-learn's `"balanced"` n / (C·n_c).
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::schemes::inverse_frequency_weights;
/// let w = inverse_frequency_weights(&array![198.0_f64, 436.0, 710.0, 272.0]).unwrap();
/// assert!((w[0] - 1616.0 / 198.0).abs() < 1e-14);
/// ```
pub fn inverse_frequency_weights<'a, F: Real>(counts: impl AsArray<'a, F>) -> Result<Array1<F>> {
    let counts: ArrayView1<'_, F> = counts.into();
    check_counts(counts, true)?;
    // n / n_c as (n / m) / (n_c / m): n may overflow where the ratio does not
    let (m, s) = scaled_sum(counts.iter());
    let w = counts.mapv(|c| s / (c / m));
    check_result(w.as_slice().unwrap_or(&[]))?;
    Ok(w)
}

/// Inverse square root of the frequency: a milder inverse frequency.
///
/// ```text
/// w_c = √(n / n_c)
/// ```
pub fn inverse_sqrt_weights<'a, F: Real>(counts: impl AsArray<'a, F>) -> Result<Array1<F>> {
    let counts: ArrayView1<'_, F> = counts.into();
    Ok(inverse_frequency_weights(counts)?.mapv(F::sqrt))
}
