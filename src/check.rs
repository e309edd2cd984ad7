//! Input checks shared by the losses, the schemes and code built on reweigh: each returns the
//! typed [`ReweighError`] that names the problem instead of panicking.

use crate::Real;
use crate::error::{Result, ReweighError};
use ndarray::{ArrayViewD, IxDyn};

/// Checks that `got` has exactly the shape `expected`.
pub fn check_same_shape(what: &'static str, expected: &[usize], got: &[usize]) -> Result<()> {
    if expected != got {
        return Err(ReweighError::ShapeMismatch {
            what,
            expected: expected.to_vec(),
            got: got.to_vec(),
        });
    }
    Ok(())
}

/// Checks that an input has at least one element and a non-empty last (class) axis.
pub fn check_nonempty<F>(what: &'static str, a: &ArrayViewD<'_, F>) -> Result<()> {
    if a.ndim() == 0 {
        return Err(ReweighError::BadShape {
            what,
            reason: "needs at least one axis",
            got: a.shape().to_vec(),
        });
    }
    if a.is_empty() {
        return Err(ReweighError::EmptyBatch { what });
    }
    Ok(())
}

/// Checks that every value is finite.
pub fn check_finite<'a, F: Real>(
    what: &'static str,
    values: impl IntoIterator<Item = &'a F>,
) -> Result<()> {
    values
        .into_iter()
        .enumerate()
        .try_for_each(|(index, &v)| finite_at(what, index, v))
}

/// [`check_finite`] of an array: a branch-free scan of its memory when it is contiguous (the
/// element-wise loop over a dynamic-dimensional view costs more than a fused loss kernel), the
/// element-wise check in logical order to name the first bad element.
pub(crate) fn check_finite_array<F: Real>(what: &'static str, a: &ArrayViewD<'_, F>) -> Result<()> {
    if let Some(s) = a.as_slice()
        && s.chunks(1024)
            .all(|c| c.iter().fold(true, |ok, v| ok & v.is_finite()))
    {
        return Ok(());
    }
    check_finite(what, a.iter())
}

/// Checks that every value is finite and non-negative.
pub fn check_weights<'a, F: Real>(
    what: &'static str,
    values: impl IntoIterator<Item = &'a F>,
) -> Result<()> {
    values.into_iter().enumerate().try_for_each(|(index, &v)| {
        finite_at(what, index, v)?;
        if v < F::zero() {
            return Err(ReweighError::NegativeWeight {
                what,
                index,
                value: v.f64(),
            });
        }
        Ok(())
    })
}

/// [`ReweighError::NonFinite`] for a value that is not finite.
fn finite_at<F: Real>(what: &'static str, index: usize, v: F) -> Result<()> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(ReweighError::NonFinite {
            what,
            index,
            value: v.f64(),
        })
    }
}

/// Checks a scalar parameter lies in `[lo, hi]`.
pub fn check_range(
    name: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
    expected: &'static str,
) -> Result<()> {
    if !(value >= lo && value <= hi) {
        return Err(ReweighError::InvalidParameter {
            name,
            value,
            expected,
        });
    }
    Ok(())
}

/// Broadcasts a weight array to `shape` (NumPy rules), or names the mismatch.
pub fn broadcast_to<'a, F>(
    what: &'static str,
    w: &'a ArrayViewD<'a, F>,
    shape: &[usize],
) -> Result<ArrayViewD<'a, F>> {
    w.broadcast(IxDyn(shape))
        .ok_or_else(|| ReweighError::ShapeMismatch {
            what,
            expected: shape.to_vec(),
            got: w.shape().to_vec(),
        })
}

/// Checks integer class labels against `num_classes`: every label not `ignored` lies in
/// `[0, num_classes)`, else [`ReweighError::LabelOutOfRange`] names the first bad one (its flat
/// index in logical order). Every loss that takes integer labels checks them here.
pub fn check_labels(
    labels: &ArrayViewD<'_, i64>,
    num_classes: usize,
    ignored: impl Fn(i64) -> bool,
) -> Result<()> {
    let bad = |&label: &i64| !ignored(label) && !(0..num_classes as i64).contains(&label);
    let first_bad = match labels.as_slice() {
        Some(s) => s.iter().position(bad),
        None => labels.iter().position(bad),
    };
    if let Some(index) = first_bad {
        let label = *labels.iter().nth(index).expect("index < len");
        return Err(ReweighError::LabelOutOfRange {
            label,
            index,
            num_classes,
        });
    }
    Ok(())
}

/// Checks a clipping constant `ε ∈ [0, 0.5]` (probabilities are clipped to `[ε, 1 − ε]`; above
/// 0.5 the interval is empty). The one rule for every probability-space loss.
pub fn check_epsilon(epsilon: f64) -> Result<()> {
    check_range("epsilon", epsilon, 0.0, 0.5, "in [0, 0.5]")
}
