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
/// missing: [`custom_weights_sklearn`] gives scikit-learn's behaviour by name), a negative
/// weight and a NaN or infinite weight. A zero weight is allowed (it removes the class from the
/// loss).
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

/// scikit-learn's lenient reading of a class-weight dict, by name: exactly
/// `sklearn.utils.class_weight.compute_class_weight(dict, classes=counts.classes(), y=y)`
/// (scikit-learn 1.9.1), for code that must accept the dicts scikit-learn accepts.
///
/// ```text
/// w_c = dict[c] if c in dict else 1
/// ```
///
/// Unlike the strict [`custom_weights`] (reweigh's default, which rejects every key that is
/// not a class), a key that is not one of the classes is **ignored** when every class is in the
/// dict; it is an error only when some class is also missing from the dict (scikit-learn:
/// "The classes, \[1\], are not in class_weight"), here [`ReweighError::UnknownClass`] for the
/// first such key. The weights used must be finite and non-negative, as in the strict form
/// (scikit-learn does not check them). data/reference/README.md, "Deliberate differences from
/// the frameworks", lists the difference; golden cases lock both forms.
///
/// # Example
/// ```
/// use std::collections::BTreeMap;
/// use reweigh::schemes::{ClassCounts, custom_weights, custom_weights_sklearn};
/// let counts = ClassCounts::from_labels(&[0, 1, 1]).unwrap();
/// let dict = BTreeMap::from([(0, 1.0), (1, 2.0), (5, 3.0)]); // 5 is not a class
/// assert!(custom_weights::<f64>(&dict, &counts).is_err());
/// // compute_class_weight({0: 1.0, 1: 2.0, 5: 3.0}, classes=[0, 1], y=[0, 1, 1]) = [1., 2.]
/// assert_eq!(custom_weights_sklearn::<f64>(&dict, &counts).unwrap().to_vec(), vec![1.0, 2.0]);
/// ```
pub fn custom_weights_sklearn<F: Real>(
    dict: &BTreeMap<i64, f64>,
    counts: &ClassCounts,
) -> Result<Array1<F>> {
    let all_classes_given = counts.classes().iter().all(|c| dict.contains_key(c));
    let used: BTreeMap<i64, f64> = dict
        .iter()
        .filter(|(k, _)| !all_classes_given || counts.position(**k).is_some())
        .map(|(&k, &v)| (k, v))
        .collect();
    custom_weights(&used, counts)
}
