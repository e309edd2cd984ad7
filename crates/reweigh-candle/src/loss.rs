//! [`CandleLoss`]: a reweigh loss applied to candle tensors, differentiable in candle's graph.

use crate::convert::{TargetElement, array, check_dtype};
use crate::op::{Float, ForwardOp, TargetLoss};
use candle_core::{Error, Result, Tensor, WithDType};
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

/// A reweigh loss as a candle operation.
///
/// [`CandleLoss::forward`] computes the loss of `input` (logits, or probabilities for the
/// probability-space losses) against `target` with reweigh, exactly as the wrapped loss computes
/// it on ndarray (its framework preset, class weights, `ignore_index`, label smoothing,
/// reduction, fast paths), and returns a tensor: a scalar for a reducing loss, the per-element
/// losses for reduction `none`. Its backward, run by candle's `backward()`, returns reweigh's
/// closed-form gradient `∂ value / ∂ input` times the upstream gradient; for reduction `none`
/// the gradient of `Σ_e g_e·ℓ_e` for the upstream gradient `g`. The target gets no gradient.
///
/// Inputs may be any CPU tensor layout (contiguous, transposed, narrowed, broadcast): the loss
/// reads them in place. `input` must have the loss's float type (`f32` or `f64`); integer class
/// labels may be `u8`, `u32`, `i16`, `i32` or `i64`. Bad input is a candle error carrying
/// reweigh's typed error (`Error::Wrapped` of a [`reweigh::ReweighError`]), never a panic.
///
/// When `input` is tracked (a `Var`, or computed from one), the forward computes the gradient in
/// the same pass and keeps it for the backward; an untracked forward computes the value only.
///
/// ```
/// use candle_core::{Device, Tensor, Var};
/// use reweigh::losses::SparseSoftmaxCrossEntropy;
/// use reweigh_candle::CandleLoss;
///
/// // torch.nn.CrossEntropyLoss(weight=torch.tensor([2.0, 1.0, 0.5]), label_smoothing=0.1)
/// let loss = CandleLoss::new(
///     SparseSoftmaxCrossEntropy::<f32>::pytorch()
///         .class_weights(ndarray::array![2.0, 1.0, 0.5])
///         .label_smoothing(0.1),
/// );
/// let logits = Var::from_slice(&[2.0_f32, -1.0, 0.5, 0.1, 0.3, -2.0], (2, 3), &Device::Cpu)?;
/// let labels = Tensor::new(&[0_i64, 2], &Device::Cpu)?;
/// let value = loss.forward(logits.as_tensor(), &labels)?;
/// let grads = value.backward()?;
/// let grad = grads.get(logits.as_tensor()).expect("a gradient for the logits");
/// assert_eq!(grad.dims(), &[2, 3]);
/// # Ok::<(), candle_core::Error>(())
/// ```
pub struct CandleLoss<L> {
    loss: Arc<L>,
}

impl<L> CandleLoss<L> {
    /// Wraps a built loss (a preset with builder options, or `config.build()`).
    pub fn new(loss: L) -> Self {
        CandleLoss {
            loss: Arc::new(loss),
        }
    }

    /// The wrapped loss.
    pub fn loss(&self) -> &L {
        &self.loss
    }

    /// The loss of `input` against `target`.
    pub fn forward<F, T>(&self, input: &Tensor, target: &Tensor) -> Result<Tensor>
    where
        F: Float,
        T: TargetElement,
        L: TargetLoss<F, T>,
    {
        self.apply::<F, T>(input, target, None)
    }

    /// The loss with per-sample weights (broadcasting to the per-element losses, as the wrapped
    /// loss's `forward_weighted`); the weights are constants of the graph (no gradient).
    pub fn forward_weighted<F, T>(
        &self,
        input: &Tensor,
        target: &Tensor,
        sample_weight: &Tensor,
    ) -> Result<Tensor>
    where
        F: Float,
        T: TargetElement,
        L: TargetLoss<F, T>,
    {
        check_dtype(
            "sample weight",
            sample_weight.dtype(),
            <F as WithDType>::DTYPE,
        )?;
        let w = array::<F>(sample_weight)?;
        self.apply::<F, T>(input, target, Some(Arc::new(w)))
    }

    fn apply<F, T>(
        &self,
        input: &Tensor,
        target: &Tensor,
        sample_weight: Option<Arc<ndarray::ArrayD<F>>>,
    ) -> Result<Tensor>
    where
        F: Float,
        T: TargetElement,
        L: TargetLoss<F, T>,
    {
        for (what, t) in [("input", input), ("target", target)] {
            if !t.device().is_cpu() {
                return Err(Error::msg(format!(
                    "reweigh: the {what} is on {:?}; reweigh's candle ops run on the CPU",
                    t.device().location()
                )));
            }
        }
        check_dtype("input", input.dtype(), <F as WithDType>::DTYPE)?;
        let op = ForwardOp::<F, T, L> {
            loss: self.loss.clone(),
            sample_weight,
            want_grad: input.track_op(),
            grad: Mutex::new(None),
            target: PhantomData,
        };
        input.apply_op2(target, op)
    }
}

impl<L> Clone for CandleLoss<L> {
    fn clone(&self) -> Self {
        CandleLoss {
            loss: self.loss.clone(),
        }
    }
}
