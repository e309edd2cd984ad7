//! The candle operations: the loss's forward as a `CustomOp2` on (input, target), whose backward
//! returns reweigh's closed-form gradient.

use crate::convert::{TargetElement, array, storage, tensor, view};
use candle_core::{CpuStorage, CustomOp2, Error, Layout, Result, Shape, Tensor, WithDType};
use ndarray::{ArrayD, ArrayViewD};
use reweigh::{Loss, Real};
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

/// The float types reweigh's losses and candle share: `f32` and `f64`.
pub trait Float: Real + WithDType + TargetElement {}
impl Float for f32 {}
impl Float for f64 {}

/// A reweigh loss on `F` inputs whose targets are arrays of `T` (`i64` labels, or `F`), shareable
/// across threads: every loss of the core is one (blanket implementation).
pub trait TargetLoss<F: Real, T>: Loss<F, Label = T> + Send + Sync + 'static {}
impl<F: Real, T, L> TargetLoss<F, T> for L where L: Loss<F, Label = T> + Send + Sync + 'static {}

/// The forward op. It computes the loss with reweigh (fast path and all) and, when the input is
/// tracked, the gradient in the same pass, kept for the backward of a scalar reduction.
pub(crate) struct ForwardOp<F, T, L> {
    pub(crate) loss: Arc<L>,
    pub(crate) sample_weight: Option<Arc<ArrayD<F>>>,
    pub(crate) want_grad: bool,
    pub(crate) grad: Mutex<Option<Tensor>>,
    pub(crate) target: PhantomData<fn() -> T>,
}

/// The gradient of the loss at (input, target): of the reduced value, or, for reduction `none`,
/// of Σ_e g_e·ℓ_e for the upstream gradient g, computed as the loss's gradient with sample
/// weights g·w (w the caller's sample weights, if any).
struct GradOp<F, T, L> {
    loss: Arc<L>,
    sample_weight: Option<Arc<ArrayD<F>>>,
    upstream: Option<ArrayD<F>>,
    target: PhantomData<fn() -> T>,
}

fn reweigh_err(e: reweigh::ReweighError) -> Error {
    Error::wrap(e)
}

impl<F: Float, T: TargetElement, L: TargetLoss<F, T>> CustomOp2 for ForwardOp<F, T, L> {
    fn name(&self) -> &'static str {
        "reweigh-loss"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let x = view::<F>(s1, l1)?;
        let t = T::target(s2, l2)?;
        let sw = self.sample_weight.as_deref().map(|w| w.view());
        let out = self
            .loss
            .compute(x, t.view(), sw, self.want_grad)
            .map_err(reweigh_err)?;
        if let (Some(g), LossValueKind::Scalar) = (out.grad, LossValueKind::of(&out.value)) {
            *self.grad.lock().map_err(Error::msg)? = Some(tensor(g)?);
        }
        Ok(storage(out.value.into_array()))
    }

    fn bwd(
        &self,
        input: &Tensor,
        target: &Tensor,
        res: &Tensor,
        grad_res: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>)> {
        let grad = if res.rank() == 0 {
            let cached = self.grad.lock().map_err(Error::msg)?.clone();
            let g = match cached {
                Some(g) => g,
                None => self.grad_op(None).apply(input, target)?,
            };
            // `loss.backward()` seeds a 1: the gradient is then reweigh's as it is, with no pass
            // over it (candle's broadcast multiply by a scalar is a strided loop)
            if grad_res.to_scalar::<F>()? == F::one() {
                g
            } else {
                g.broadcast_mul(grad_res)?
            }
        } else {
            self.grad_op(Some(array::<F>(grad_res)?))
                .apply(input, target)?
        };
        Ok((Some(grad), None))
    }
}

/// Whether a loss value is reduced.
enum LossValueKind {
    Scalar,
    PerElement,
}

impl LossValueKind {
    fn of<F>(v: &reweigh::LossValue<F>) -> Self {
        match v {
            reweigh::LossValue::Scalar(_) => Self::Scalar,
            reweigh::LossValue::PerElement(_) => Self::PerElement,
        }
    }
}

impl<F: Float, T: TargetElement, L: TargetLoss<F, T>> ForwardOp<F, T, L> {
    fn grad_op(&self, upstream: Option<ArrayD<F>>) -> GradOp<F, T, L> {
        GradOp {
            loss: self.loss.clone(),
            sample_weight: self.sample_weight.clone(),
            upstream,
            target: PhantomData,
        }
    }
}

impl<F: Float, T: TargetElement, L: TargetLoss<F, T>> GradOp<F, T, L> {
    fn apply(self, input: &Tensor, target: &Tensor) -> Result<Tensor> {
        input.apply_op2_no_bwd(target, &self)
    }

    fn gradient(&self, x: ArrayViewD<'_, F>, t: ArrayViewD<'_, T>) -> Result<ArrayD<F>> {
        let sw = self.sample_weight.as_deref();
        let grad_of = |w: Option<ArrayViewD<'_, F>>| -> Result<ArrayD<F>> {
            self.loss
                .compute(x.view(), t.view(), w, true)
                .map_err(reweigh_err)?
                .grad
                .ok_or_else(|| Error::msg("reweigh: the loss returned no gradient"))
        };
        let Some(g) = &self.upstream else {
            return grad_of(sw.map(|w| w.view()));
        };
        if let Some(bad) = g.iter().find(|v| !v.is_finite()) {
            return Err(Error::msg(format!(
                "reweigh: the upstream gradient of a reduction-none loss must be finite, got {bad}"
            )));
        }
        // the trait's contract: sample weights multiply the per-element losses (any sign)
        let w = match sw {
            Some(sw) => g * sw,
            None => g.clone(),
        };
        grad_of(Some(w.view()))
    }
}

impl<F: Float, T: TargetElement, L: TargetLoss<F, T>> CustomOp2 for GradOp<F, T, L> {
    fn name(&self) -> &'static str {
        "reweigh-loss-grad"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let x = view::<F>(s1, l1)?;
        let t = T::target(s2, l2)?;
        Ok(storage(self.gradient(x, t.view())?))
    }
}
