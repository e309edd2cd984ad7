//! User-given class weights (`{class: weight}`), with the frameworks' "missing class gets 1".

use crate::Real;
use crate::error::{Result, ReweighError};
use crate::schemes::ClassCounts;
use ndarray::Array1;
use std::collections::BTreeMap;

/// Class weights from a user dict, in the order of `counts.classes()`.
///
/// ```text
/// w_c = dict[c] if c in dict else 1
/// ```
///
/// Like Keras `fit(class_weight=...)` and scikit-learn `compute_class_weight(dict, ...)`, a class
/// missing from the dict weighs 1. Unlike them, reweigh rejects what they accept silently or
/// inconsistently (data/reference/README.md, "Schemes"): a key that is not a class
/// ([`ReweighError::UnknownClass`]; Keras ignores it, scikit-learn raises only if a class is also
/// missing), a negative weight and a NaN or infinite weight. A zero weight is allowed (it
/// removes the class from the loss).
pub fn custom_weights<F: Real>(
    dict: &BTreeMap<i64, f64>,
    counts: &ClassCounts,
) -> Result<Array1<F>> {
    for (&k, &v) in dict {
        let index = counts.position(k).ok_or(ReweighError::UnknownClass {
            what: "class weight dict",
            class: k,
        })?;
        if !v.is_finite() {
            return Err(ReweighError::NonFinite {
                what: "class weight dict",
                index,
                value: v,
            });
        }
        if v < 0.0 {
            return Err(ReweighError::NegativeWeight {
                what: "class weight dict",
                index,
                value: v,
            });
        }
    }
    Ok(counts
        .classes()
        .iter()
        .map(|c| F::of(dict.get(c).copied().unwrap_or(1.0)))
        .collect())
}
