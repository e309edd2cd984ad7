//! `create_class_weight` (seed 001): log-smoothed class weights with a floor of 1.

use super::Raised;
use std::collections::BTreeMap;

/// Which Python runs the snippet: its first line, `total = np.sum(labels_dict.values())`, sums
/// a list on Python 2 and returns the `dict_values` object itself on Python 3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Python {
    /// Python 2 (the answer's): `dict.values()` is a list.
    Two,
    /// Python 3: `dict.values()` is a view that `np.sum` returns unchanged.
    Three,
}

/// The answer's function, line by line:
///
/// ```text
/// def create_class_weight(labels_dict, mu=0.15):
///     total = np.sum(labels_dict.values())
///     keys = labels_dict.keys()
///     class_weight = dict()
///     for key in keys:
///         score = math.log(mu*total/float(labels_dict[key]))
///         class_weight[key] = score if score > 1.0 else 1.0
///     return class_weight
/// ```
///
/// that is `w_c = max(ln(μ·n/n_c), 1)`, the floor being 1 (not 0). It raises where Python
/// does: on Python 3 `TypeError: unsupported operand type(s) for *: 'float' and 'dict_values'`
/// at the first key (an empty dict returns `{}` without raising); `ZeroDivisionError` for a
/// zero count; `ValueError: math domain error` when `μ·n/n_c ≤ 0`. The weights equal
/// [`reweigh::schemes::log_smoothed_weights`] with floor 1.
///
/// ```
/// use std::collections::BTreeMap;
/// use reweigh_ledger::repro::{Python, create_class_weight};
/// let labels_dict = BTreeMap::from([(0, 2813), (1, 78), (2, 2814), (3, 78), (4, 7914), (5, 248), (6, 7914), (7, 248)]);
/// let w = create_class_weight(&labels_dict, 0.15, Python::Two).unwrap();
/// assert_eq!(w[&1], 3.749820767859636); // the answer prints 3.749820767859636
/// assert_eq!(w[&0], 1.0);
/// let e = create_class_weight(&labels_dict, 0.15, Python::Three).unwrap_err();
/// assert_eq!(e.kind, "TypeError");
/// ```
pub fn create_class_weight(
    labels_dict: &BTreeMap<i64, u64>,
    mu: f64,
    python: Python,
) -> Result<BTreeMap<i64, f64>, Raised> {
    let total: f64 = labels_dict.values().map(|&n| n as f64).sum();
    let mut class_weight = BTreeMap::new();
    for (&key, &count) in labels_dict {
        if python == Python::Three {
            return Err(Raised::new(
                "TypeError",
                "unsupported operand type(s) for *: 'float' and 'dict_values'",
            ));
        }
        if count == 0 {
            return Err(Raised::new("ZeroDivisionError", "float division by zero"));
        }
        let arg = mu * total / count as f64;
        if arg <= 0.0 {
            return Err(Raised::new("ValueError", "math domain error"));
        }
        let score = arg.ln();
        class_weight.insert(key, if score > 1.0 { score } else { 1.0 });
    }
    Ok(class_weight)
}
