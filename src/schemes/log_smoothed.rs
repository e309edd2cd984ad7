//! Log-smoothed inverse frequency with a floor (the seed-001 `create_class_weight`).

use super::check::{check_counts, check_result, scaled_sum};
use crate::Real;
use crate::error::{Result, ReweighError};
use ndarray::{Array1, ArrayView1, AsArray};

/// Log-smoothed inverse frequency: the logarithm tames the weights of very rare classes, the
/// floor keeps frequent classes at (at least) `floor`.
///
/// ```text
/// w_c = max( ln(μ · n / n_c), floor )        μ > 0, usually floor = 1
/// ```
///
/// Equal to the seed-001 answer's `create_class_weight(labels_dict, mu)` (`score =
/// math.log(mu*total/float(labels_dict[key])); score if score > 1.0 else 1.0`), which with
/// μ = 0.15 on `{0: 2813, 1: 78, 2: 2814, 3: 78, 4: 7914, 5: 248, 6: 7914, 7: 248}` gives
/// 3.749820767859636 for classes 1 and 3, 2.5931008483842453 for 5 and 7, and 1.0 elsewhere.
/// That code returns inf for a zero count; this is [`ReweighError::ZeroCount`]. `μ ≤ 0`, a
/// negative floor (it would let a negative weight through) or a non-finite `μ`/`floor` is
/// [`ReweighError::InvalidParameter`].
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::schemes::log_smoothed_weights;
/// let n = array![2813.0_f64, 78.0, 2814.0, 78.0, 7914.0, 248.0, 7914.0, 248.0];
/// let w = log_smoothed_weights(&n, 0.15, 1.0).unwrap();
/// assert_eq!(w[1], 3.749820767859636);
/// assert_eq!(w[5], 2.5931008483842453);
/// assert_eq!(w[0], 1.0);
/// ```
pub fn log_smoothed_weights<'a, F: Real>(
    counts: impl AsArray<'a, F>,
    mu: f64,
    floor: f64,
) -> Result<Array1<F>> {
    let counts: ArrayView1<'_, F> = counts.into();
    if !(mu > 0.0 && mu.is_finite()) {
        return Err(ReweighError::InvalidParameter {
            name: "mu",
            value: mu,
            expected: "finite and > 0",
        });
    }
    if !(floor >= 0.0 && floor.is_finite()) {
        // a negative floor lets ln(μ·n/n_c) < 0 through: a negative class weight
        return Err(ReweighError::InvalidParameter {
            name: "floor",
            value: floor,
            expected: "finite and >= 0 (a class weight is never negative)",
        });
    }
    check_counts(counts, true)?;
    // n / n_c as (n / m) / (n_c / m), m = max_c n_c: finite where n overflows
    let (m, s) = scaled_sum(counts.iter());
    let (mu, floor) = (F::of(mu), F::of(floor));
    let w = counts.mapv(|nc| {
        let score = (mu * s / (nc / m)).ln();
        // μ·n/n_c overflows (or underflows) where its logarithm does not: sum the logarithms
        let score = if score.is_finite() {
            score
        } else {
            mu.ln() + s.ln() - (nc.ln() - m.ln())
        };
        if score > floor { score } else { floor }
    });
    check_result(w.as_slice().unwrap_or(&[]))?;
    Ok(w)
}
