//! The scaffold of the element-wise losses (sigmoid cross-entropy, binary focal loss, binary
//! cross-entropy on probabilities): one loss per element, Keras's optional mean over the last
//! axis, then the sample weights.

use crate::Real;
use crate::error::Result;
use crate::losses::weighting::apply_sample_weight;
use crate::reduction::Unreduced;
use ndarray::{ArrayD, ArrayViewD, Axis};

/// Per-element losses of an element-wise loss of `input` against `target` (same shape, checked
/// by the caller): `elem(x, y, k)` is the loss and its derivative with respect to `x` at the
/// element of flat index `k` (row-major order of the logical shape, to look up weights
/// broadcast to that shape). With `mean_last_axis` (Keras's binary losses) the losses are
/// averaged over the last axis, so the gradient is divided by its length. The sample weights
/// then apply, broadcast to the losses' shape ([`apply_sample_weight`]).
pub(crate) fn elementwise<F: Real>(
    input: &ArrayViewD<'_, F>,
    target: &ArrayViewD<'_, F>,
    want_grad: bool,
    mean_last_axis: bool,
    sample_weight: Option<ArrayViewD<'_, F>>,
    elem: impl Fn(F, F, usize) -> (F, F),
) -> Result<Unreduced<F>> {
    let shape = input.shape();
    let mut values = ArrayD::<F>::zeros(shape);
    let mut grad = want_grad.then(|| ArrayD::<F>::zeros(shape));
    let pairs = input.iter().zip(target.iter()).enumerate();
    let vals = values.as_slice_mut().expect("standard layout");
    match grad.as_mut() {
        Some(g) => {
            let g = g.as_slice_mut().expect("standard layout");
            for (((k, (&x, &y)), l), d) in pairs.zip(vals.iter_mut()).zip(g.iter_mut()) {
                (*l, *d) = elem(x, y, k);
            }
        }
        None => {
            for ((k, (&x, &y)), l) in pairs.zip(vals.iter_mut()) {
                *l = elem(x, y, k).0;
            }
        }
    }
    if mean_last_axis {
        let last = Axis(shape.len() - 1);
        let c = F::of(shape[shape.len() - 1] as f64);
        values = values.sum_axis(last).mapv(|s| s / c);
        if let Some(g) = grad.as_mut() {
            g.mapv_inplace(|x| x / c);
        }
    }
    apply_sample_weight(values, grad, sample_weight)
}

/// A weight broadcast to `shape`, as a lookup by flat (row-major) index: `None` when absent
/// (the caller uses 1).
pub(crate) fn flat_weight<F: Real>(
    what: &'static str,
    w: Option<&ArrayD<F>>,
    shape: &[usize],
) -> Result<Option<Vec<F>>> {
    w.map(|w| {
        let v = w.view();
        Ok(crate::loss::broadcast_to(what, &v, shape)?
            .iter()
            .copied()
            .collect())
    })
    .transpose()
}
