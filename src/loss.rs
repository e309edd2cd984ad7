//! The [`Loss`] trait every loss implements, and the input checks they share.

use crate::Real;
pub(crate) use crate::check::{
    broadcast_to, check_finite, check_nonempty, check_range, check_same_shape, check_weights,
};
use crate::error::Result;
use crate::output::{LossOutput, LossValue};
use crate::reduction::{Reducer, Unreduced};
use ndarray::{ArrayViewD, ArrayViewMutD};

/// Where a loss's fast path writes the gradient with respect to the input: the argument of
/// [`Loss::fused`].
///
/// [`Loss::compute`] passes [`GradOut::No`] or [`GradOut::Alloc`], [`Loss::compute_into`] passes
/// the caller's buffer as [`GradOut::Into`] (its shape already checked against the input's).
#[derive(Debug)]
pub enum GradOut<'g, 'a, F> {
    /// No gradient is wanted.
    No,
    /// The gradient is wanted in a new array, returned in [`LossOutput::grad`].
    Alloc,
    /// The gradient is written into the caller's buffer, which has the input's shape (it may be
    /// a non-contiguous view); [`LossOutput::grad`] is then `None`.
    Into(&'g mut ArrayViewMutD<'a, F>),
}

/// A weighted classification loss.
///
/// A loss maps an input (logits, or probabilities for the probability-space losses) and a target
/// (float labels or integer class indices) to per-element losses, which its [`Reducer`] combines.
/// Optional sample weights multiply the per-element losses and enter the denominators of the
/// weighted reductions; they must broadcast to the shape of the per-element losses.
///
/// A loss implements [`Loss::reducer`] and [`Loss::unreduced`]; every other method is provided
/// and computes through [`Loss::compute`] (or [`Loss::compute_into`]), which first asks the
/// optional fast path [`Loss::fused`] and otherwise reduces [`Loss::unreduced`] with
/// [`Reducer::finish`].
pub trait Loss<F: Real> {
    /// What the loss compares its input with (a view: it is cloned to try the fast path first).
    type Target<'t>: Clone;

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

    /// An optional fast path: the reduced loss, with the gradient written where `grad` says, or
    /// `Ok(None)` when it does not apply, and [`Loss::compute`] then takes the general path
    /// `reducer().finish(unreduced(..))`. It must give the general path's results (and errors).
    /// The default has no fast path.
    fn fused(
        &self,
        input: ArrayViewD<'_, F>,
        target: Self::Target<'_>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        grad: GradOut<'_, '_, F>,
    ) -> Result<Option<LossOutput<F>>> {
        let _ = (input, target, sample_weight, grad);
        Ok(None)
    }

    /// The reduced loss and, if `want_grad`, its gradient, with optional sample weights: the one
    /// call the convenience methods below are made of (the fast path [`Loss::fused`] if it
    /// applies, else [`Reducer::finish`] of [`Loss::unreduced`]).
    fn compute(
        &self,
        input: ArrayViewD<'_, F>,
        target: Self::Target<'_>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<LossOutput<F>> {
        let grad = if want_grad {
            GradOut::Alloc
        } else {
            GradOut::No
        };
        if let Some(out) = self.fused(input.view(), target.clone(), sample_weight.clone(), grad)? {
            return Ok(out);
        }
        Ok(self
            .reducer()
            .finish(self.unreduced(input, target, sample_weight, want_grad)?))
    }

    /// The reduced loss.
    fn forward(&self, input: ArrayViewD<'_, F>, target: Self::Target<'_>) -> Result<LossValue<F>> {
        Ok(self.compute(input, target, None, false)?.value)
    }

    /// The reduced loss with per-sample weights.
    fn forward_weighted(
        &self,
        input: ArrayViewD<'_, F>,
        target: Self::Target<'_>,
        sample_weight: ArrayViewD<'_, F>,
    ) -> Result<LossValue<F>> {
        Ok(self
            .compute(input, target, Some(sample_weight), false)?
            .value)
    }

    /// The reduced loss and its gradient with respect to the input.
    fn forward_backward(
        &self,
        input: ArrayViewD<'_, F>,
        target: Self::Target<'_>,
    ) -> Result<LossOutput<F>> {
        self.compute(input, target, None, true)
    }

    /// The reduced loss (optionally sample-weighted), writing its gradient with respect to the
    /// input into `grad`, which has the input's shape: a training loop reuses one buffer and
    /// nothing of the input's size is allocated (for the losses whose fast path [`Loss::fused`]
    /// applies: [`SigmoidCrossEntropy`](crate::losses::SigmoidCrossEntropy),
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
        let into = GradOut::Into(&mut grad);
        if let Some(out) = self.fused(input.view(), target.clone(), sample_weight.clone(), into)? {
            return Ok(out.value);
        }
        let out = self
            .reducer()
            .finish(self.unreduced(input, target, sample_weight, true)?);
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
        self.compute(input, target, Some(sample_weight), true)
    }
}
