//! One-hot targets from integer labels, for the losses whose sparse form is their dense form on
//! one-hot labels.

use crate::Real;
use crate::error::Result;
use crate::loss::{check_nonempty, check_same_shape};
use ndarray::Dimension as _;
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

/// The one-hot targets `(N, C, *spatial)` of integer class maps `labels` `(N, *spatial)` for an
/// input of `shape` `(N, C, *spatial)` (the class axis is axis 1, as in the segmentation losses),
/// and, when `ignore` is given, the keep-mask of the same shape: `false` at every channel of a
/// pixel labelled `ignore` (whose one-hot channels stay 0). Checks the labels' shape and that
/// every label not ignored is in `[0, C)` before allocating.
pub(crate) fn one_hot_channels<F: Real>(
    shape: &[usize],
    labels: &ArrayViewD<'_, i64>,
    ignore: Option<i64>,
) -> Result<(ArrayD<F>, Option<ArrayD<bool>>)> {
    let mut expected = shape.to_vec();
    let c = expected.remove(1);
    check_same_shape("labels", &expected, labels.shape())?;
    crate::check::check_labels(labels, c, |l| Some(l) == ignore)?;
    let mut dense = crate::alloc::filled("one-hot targets", shape, F::zero())?;
    let mut keep = match ignore {
        Some(_) => Some(crate::alloc::filled("keep-mask", shape, true)?),
        None => None,
    };
    for (idx, &l) in labels.indexed_iter() {
        let mut at: Vec<usize> = idx.as_array_view().to_vec();
        at.insert(1, 0);
        if Some(l) == ignore {
            if let Some(k) = keep.as_mut() {
                for ch in 0..c {
                    at[1] = ch;
                    k[at.as_slice()] = false;
                }
            }
            continue;
        }
        at[1] = l as usize;
        dense[at.as_slice()] = F::one();
    }
    Ok((dense, keep))
}
