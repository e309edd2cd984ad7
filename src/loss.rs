//! The [`Loss`] trait every loss implements, and the input checks they share.

use crate::Real;
pub(crate) use crate::check::{
    broadcast_to, check_finite, check_nonempty, check_range, check_same_shape, check_weights,
};
use crate::error::Result;
use crate::output::{LossOutput, LossValue};
use crate::reduction::{Reducer, Unreduced};
use ndarray::{ArrayViewD, ArrayViewMutD};

/// A weighted classification loss.
///
/// A loss maps an input (logits, or probabilities for the probability-space losses) and a target
/// (float labels or integer class indices) to per-element losses, which its [`Reducer`] combines.
/// Optional sample weights multiply the per-element losses and enter the denominators of the
/// weighted reductions; they must broadcast to the shape of the per-element losses.
pub trait Loss<F: Real> {
    /// What the loss compares its input with.
    type Target<'t>;

    /// The reduction this loss applies.
    fn reducer(&self) -> Reducer;

    /// Per-element weighted losses and, if `want_grad`, the gradient of their sum.
    fn unreduced(
        &self,
        input: ArrayViewD<'_, F>,
        target: Self::Target<'_>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>>;

    /// The reduced loss and, if `want_grad`, its gradient, with optional sample weights: the one
    /// call the convenience methods below are made of.
    fn compute(
        &self,
        input: ArrayViewD<'_, F>,
        target: Self::Target<'_>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<LossOutput<F>> {
        Ok(self
            .reducer()
            .finish(self.unreduced(input, target, sample_weight, want_grad)?))
    }

    /// The reduced loss.
    fn forward(&self, input: ArrayViewD<'_, F>, target: Self::Target<'_>) -> Result<LossValue<F>> {
        Ok(self
            .reducer()
            .finish(self.unreduced(input, target, None, false)?)
            .value)
    }

    /// The reduced loss with per-sample weights.
    fn forward_weighted(
        &self,
        input: ArrayViewD<'_, F>,
        target: Self::Target<'_>,
        sample_weight: ArrayViewD<'_, F>,
    ) -> Result<LossValue<F>> {
        Ok(self
            .reducer()
            .finish(self.unreduced(input, target, Some(sample_weight), false)?)
            .value)
    }

    /// The reduced loss and its gradient with respect to the input.
    fn forward_backward(
        &self,
        input: ArrayViewD<'_, F>,
        target: Self::Target<'_>,
    ) -> Result<LossOutput<F>> {
        Ok(self
            .reducer()
            .finish(self.unreduced(input, target, None, true)?))
    }

    /// The reduced loss (optionally sample-weighted), writing its gradient with respect to the
    /// input into `grad`, which has the input's shape: a training loop reuses one buffer and
    /// nothing of the input's size is allocated (for the losses with a fused kernel:
    /// [`SigmoidCrossEntropy`](crate::losses::SigmoidCrossEntropy),
    /// [`SoftmaxCrossEntropy`](crate::losses::SoftmaxCrossEntropy) and
    /// [`SparseSoftmaxCrossEntropy`](crate::losses::SparseSoftmaxCrossEntropy); any other loss
    /// computes the gradient and copies it). `grad` may be a non-contiguous view.
    ///
    /// ```
    /// use ndarray::{Array2, array};
    /// use reweigh::{Loss, losses::SparseSoftmaxCrossEntropy};
    /// let x = array![[2.0_f32, -1.0, 0.5], [0.1, 0.3, -2.0]];
    /// let y = array![0_i64, 1];
    /// let loss = SparseSoftmaxCrossEntropy::pytorch();
    /// let mut grad = Array2::<f32>::zeros((2, 3));
    /// let v = loss
    ///     .compute_into(x.view().into_dyn(), y.view().into_dyn(), None, grad.view_mut().into_dyn())
    ///     .unwrap();
    /// let out = loss.forward_backward(x.view().into_dyn(), y.view().into_dyn()).unwrap();
    /// assert_eq!(v, out.value);
    /// assert_eq!(grad.into_dyn(), out.grad.unwrap());
    /// ```
    fn compute_into(
        &self,
        input: ArrayViewD<'_, F>,
        target: Self::Target<'_>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        mut grad: ArrayViewMutD<'_, F>,
    ) -> Result<LossValue<F>> {
        check_same_shape("grad", input.shape(), grad.shape())?;
        let out = self.compute(input, target, sample_weight, true)?;
        if let Some(g) = out.grad {
            grad.assign(&g);
        }
        Ok(out.value)
    }

    /// The reduced loss with per-sample weights, and its gradient with respect to the input.
    fn forward_backward_weighted(
        &self,
        input: ArrayViewD<'_, F>,
        target: Self::Target<'_>,
        sample_weight: ArrayViewD<'_, F>,
    ) -> Result<LossOutput<F>> {
        Ok(self
            .reducer()
            .finish(self.unreduced(input, target, Some(sample_weight), true)?))
    }
}
