//! The computation shared by the losses that are a base cross-entropy of transformed logits
//! (`z = x + o` for the logit-adjusted loss, `z = s·(x − m_y)` for LDAM): the transform is
//! made once by the caller, then the base loss's own [`Loss::compute`] (its fused kernel where
//! that applies) or [`Loss::compute_into`] runs on `z`, and the gradient is scaled by `∂z/∂x`.

use crate::Real;
use crate::error::Result;
use crate::loss::{GradOut, Loss};
use crate::losses::SparseSoftmaxCrossEntropy;
use crate::output::LossOutput;
use ndarray::{ArrayBase, ArrayViewD, DataMut, Dimension};

/// `base` on the transformed logits `z`, with the gradient (with respect to the input `x`)
/// written where `grad` says: `dz_dx` times the base's (`∂z/∂x` is a constant: 1 for a shift,
/// `s` for LDAM's scale).
pub(crate) fn compute<F: Real>(
    base: &SparseSoftmaxCrossEntropy<F>,
    z: ArrayViewD<'_, F>,
    target: ArrayViewD<'_, i64>,
    sample_weight: Option<ArrayViewD<'_, F>>,
    grad: GradOut<'_, '_, F>,
    dz_dx: F,
) -> Result<LossOutput<F>> {
    Ok(match grad {
        GradOut::No => base.compute(z, target, sample_weight, false)?,
        GradOut::Alloc => {
            let mut out = base.compute(z, target, sample_weight, true)?;
            if let Some(g) = out.grad.as_mut() {
                rescale(g, dz_dx);
            }
            out
        }
        GradOut::Into(g) => {
            let value = base.compute_into(z, target, sample_weight, g.view_mut())?;
            rescale(g, dz_dx);
            LossOutput { value, grad: None }
        }
    })
}

/// `g ← k·g` (nothing for `k = 1`).
fn rescale<F: Real, S: DataMut<Elem = F>, D: Dimension>(g: &mut ArrayBase<S, D>, k: F) {
    if k != F::one() {
        g.mapv_inplace(|v| k * v);
    }
}
