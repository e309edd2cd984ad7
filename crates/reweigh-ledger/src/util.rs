//! Small helpers the thread files share.

use super::claim::Number;
use super::data;
use ndarray::{Array1, Array2, ArrayD, ArrayViewD};
use reweigh::{Loss, Real};

/// A framework number of the reference file: `label`, the value at `path`, measured with
/// `framework`.
pub(crate) fn fw_num(label: impl Into<String>, path: &str, framework: &str) -> Number {
    Number::new(label, data::f(path), data::fw(framework))
}

/// 1 if the recorded call raised, as a framework number.
pub(crate) fn fw_raised(label: impl Into<String>, path: &str, framework: &str) -> Number {
    Number::new(label, data::raised(path), data::fw(framework))
}

/// One-hot rows of integer labels (the public port: [`crate::repro::one_hot`]).
pub(crate) use crate::repro::one_hot;

/// The scalar a reducing loss returns (panics only on a ledger bug: the ledger's inputs are
/// fixed and valid).
pub(crate) fn scalar<F: Real, L: Loss<F>>(
    loss: &L,
    input: ArrayViewD<'_, F>,
    target: ArrayViewD<'_, L::Label>,
    sample_weight: Option<ArrayViewD<'_, F>>,
) -> f64 {
    loss.compute(input, target, sample_weight, false)
        .expect("the ledger's inputs are valid")
        .value
        .scalar()
        .expect("a reducing loss")
        .f64()
}

/// Per-element values of a loss with reduction `none`.
pub(crate) fn elements<F: Real, L: Loss<F>>(
    loss: &L,
    input: ArrayViewD<'_, F>,
    target: ArrayViewD<'_, L::Label>,
) -> ArrayD<F> {
    loss.forward(input, target)
        .expect("the ledger's inputs are valid")
        .into_array()
}

/// Integer labels as an `Array1<i64>`.
pub(crate) fn labels(v: Vec<i64>) -> Array1<i64> {
    Array1::from(v)
}

/// Mean of a slice.
pub(crate) fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Sample standard deviation (ddof = 1) of a slice; 0 for fewer than two values.
pub(crate) fn std(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return 0.0;
    }
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// The predicted class of each row: the first arg-max (as `np.argmax`; probabilities and logits
/// give the same classes).
pub(crate) fn argmax_rows(p: &Array2<f64>) -> Vec<i64> {
    p.rows()
        .into_iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .fold(
                    (0, f64::NEG_INFINITY),
                    |a, (i, &v)| if v > a.1 { (i, v) } else { a },
                )
                .0 as i64
        })
        .collect()
}
