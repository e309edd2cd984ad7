//! One-hot targets from integer labels, for the losses whose sparse form is their dense form on
//! one-hot labels.

use crate::Real;
use crate::error::Result;
use crate::loss::{check_nonempty, check_same_shape};
use ndarray::{ArrayD, ArrayViewD, Axis};

/// The one-hot targets of `labels` for `input` (class axis last, `labels` of the input's shape
/// without it): checks the input is non-empty, the shapes agree and every label is in
/// `[0, C)` before allocating.
pub(crate) fn one_hot<F: Real>(
    what: &'static str,
    input: &ArrayViewD<'_, F>,
    labels: &ArrayViewD<'_, i64>,
) -> Result<ArrayD<F>> {
    check_nonempty(what, input)?;
    let c = input.shape()[input.ndim() - 1];
    check_same_shape("labels", &input.shape()[..input.ndim() - 1], labels.shape())?;
    crate::check::check_labels(labels, c, |_| false)?;
    let mut dense = ArrayD::<F>::zeros(input.shape());
    for (mut row, &label) in dense
        .lanes_mut(Axis(input.ndim() - 1))
        .into_iter()
        .zip(labels.iter())
    {
        row[label as usize] = F::one();
    }
    Ok(dense)
}
