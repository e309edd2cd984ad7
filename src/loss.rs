//! The [`Loss`] trait every loss implements, and the input checks they share.

use crate::Real;
pub(crate) use crate::check::{
    broadcast_to, check_finite, check_nonempty, check_range, check_same_shape, check_weights,
};
use crate::error::Result;
use crate::output::{LossOutput, LossValue};
use crate::reduction::{Reducer, Unreduced};
use ndarray::{ArrayViewD, ArrayViewMut, ArrayViewMutD, AsArray, Dimension};

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

impl<'a, F> GradOut<'_, 'a, F> {
    /// The same destination, borrowed for a shorter time (a fast path that may decline, then
    /// the general one).
    pub(crate) fn reborrow(&mut self) -> GradOut<'_, 'a, F> {
        match self {
            GradOut::No => GradOut::No,
            GradOut::Alloc => GradOut::Alloc,
            GradOut::Into(g) => GradOut::Into(&mut **g),
        }
    }
}

/// A weighted classification loss.
///
/// A loss maps an input (logits, or probabilities for the probability-space losses) and a target
/// (an array of [`Loss::Label`]: float labels, or integer class indices for the `Sparse*` losses)
/// to per-element losses, which its [`Reducer`] combines. Optional sample weights multiply the
/// per-element losses and enter the denominators of the weighted reductions; they must broadcast
/// to the shape of the per-element losses.
///
/// # Inputs
/// The methods a user calls ([`Loss::forward`], [`Loss::forward_weighted`],
/// [`Loss::forward_backward`], [`Loss::forward_backward_weighted`], [`Loss::forward_backward_into`]
/// and [`Loss::forward_backward_weighted_into`]) take their arrays as ndarray's
/// [`AsArray`] does: `&Array2<f32>`, `ArrayView2`, `&ArrayD`, `ArrayViewD`, a slice `&[i64]` or
/// `&Vec<f32>` for one dimension; the gradient buffer as `&mut Array2<f32>` or an `ArrayViewMut`.
/// Each converts to a dynamic-dimensional view and calls the one dynamic core,
/// [`Loss::compute`] or [`Loss::compute_into`] (which take `ArrayViewD`s and an optional sample
/// weight):
///
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::SparseSoftmaxCrossEntropy};
/// let logits = array![[2.0_f32, -1.0, 0.5], [0.1, 0.3, -2.0]];
/// let labels = array![0_i64, 1];
/// let loss = SparseSoftmaxCrossEntropy::pytorch();
/// let v = loss.forward(&logits, &labels).unwrap();
/// assert_eq!(v, loss.forward(logits.view(), &[0, 1]).unwrap());
/// assert_eq!(v, loss.forward(&logits, &labels).unwrap());
/// ```
///
/// A loss implements [`Loss::reducer`] and [`Loss::unreduced`]; every other method is provided
/// and computes through [`Loss::compute`] (or [`Loss::compute_into`]), which first asks the
/// optional fast path [`Loss::fused`] and otherwise reduces [`Loss::unreduced`] with
/// [`Reducer::finish`].
pub trait Loss<F: Real> {
    /// The element type of the target: `F` for float labels (one-hot, soft or 0/1 targets),
    /// `i64` for class indices.
    type Label: Copy + 'static;

    /// The reduction this loss applies.
    fn reducer(&self) -> Reducer;

    /// Per-element weighted losses and, if `want_grad`, the gradient of their sum.
    fn unreduced(
        &self,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, Self::Label>,
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
        target: ArrayViewD<'_, Self::Label>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        grad: GradOut<'_, '_, F>,
    ) -> Result<Option<LossOutput<F>>> {
        let _ = (input, target, sample_weight, grad);
        Ok(None)
    }

    /// The reduced loss and, if `want_grad`, its gradient, with optional sample weights: the
    /// dynamic core the methods below are made of (the fast path [`Loss::fused`] if it applies,
    /// else [`Reducer::finish`] of [`Loss::unreduced`]). Takes dynamic-dimensional views
    /// (`x.view().into_dyn()`); code that has the sample weight as an `Option` calls it directly.
    fn compute(
        &self,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, Self::Label>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<LossOutput<F>> {
        let grad = if want_grad {
            GradOut::Alloc
        } else {
            GradOut::No
        };
        if let Some(out) = self.fused(input.view(), target.view(), sample_weight.clone(), grad)? {
            return Ok(out);
        }
        Ok(self
            .reducer()
            .finish(self.unreduced(input, target, sample_weight, want_grad)?))
    }

    /// The reduced loss (optionally sample-weighted), writing its gradient with respect to the
    /// input into `grad`, which has the input's shape: the dynamic core of
    /// [`Loss::forward_backward_into`] and [`Loss::forward_backward_weighted_into`]. Nothing of
    /// the input's size is allocated for the losses whose fast path [`Loss::fused`] applies
    /// ([`SigmoidCrossEntropy`](crate::losses::SigmoidCrossEntropy),
    /// [`SoftmaxCrossEntropy`](crate::losses::SoftmaxCrossEntropy),
    /// [`SparseSoftmaxCrossEntropy`](crate::losses::SparseSoftmaxCrossEntropy),
    /// [`LogitAdjustedCrossEntropy`](crate::losses::LogitAdjustedCrossEntropy) and
    /// [`AsymmetricLoss`](crate::losses::AsymmetricLoss)); any other loss
    /// computes the gradient and copies it. `grad` may be a non-contiguous view.
    fn compute_into(
        &self,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, Self::Label>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        mut grad: ArrayViewMutD<'_, F>,
    ) -> Result<LossValue<F>> {
        check_same_shape("grad", input.shape(), grad.shape())?;
        let into = GradOut::Into(&mut grad);
        if let Some(out) = self.fused(input.view(), target.view(), sample_weight.clone(), into)? {
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

    /// The reduced loss.
    fn forward<'i, 't, Di: Dimension, Dt: Dimension>(
        &self,
        input: impl AsArray<'i, F, Di>,
        target: impl AsArray<'t, Self::Label, Dt>,
    ) -> Result<LossValue<F>> {
        Ok(self
            .compute(dyn_view(input), dyn_view(target), None, false)?
            .value)
    }

    /// The reduced loss with per-sample weights.
    fn forward_weighted<'i, 't, 'w, Di: Dimension, Dt: Dimension, Dw: Dimension>(
        &self,
        input: impl AsArray<'i, F, Di>,
        target: impl AsArray<'t, Self::Label, Dt>,
        sample_weight: impl AsArray<'w, F, Dw>,
    ) -> Result<LossValue<F>> {
        let w = Some(dyn_view(sample_weight));
        Ok(self
            .compute(dyn_view(input), dyn_view(target), w, false)?
            .value)
    }

    /// The reduced loss and its gradient with respect to the input (in a new array: a training
    /// loop that calls it every step reuses one buffer with [`Loss::forward_backward_into`]).
    fn forward_backward<'i, 't, Di: Dimension, Dt: Dimension>(
        &self,
        input: impl AsArray<'i, F, Di>,
        target: impl AsArray<'t, Self::Label, Dt>,
    ) -> Result<LossOutput<F>> {
        self.compute(dyn_view(input), dyn_view(target), None, true)
    }

    /// The reduced loss with per-sample weights, and its gradient with respect to the input.
    fn forward_backward_weighted<'i, 't, 'w, Di: Dimension, Dt: Dimension, Dw: Dimension>(
        &self,
        input: impl AsArray<'i, F, Di>,
        target: impl AsArray<'t, Self::Label, Dt>,
        sample_weight: impl AsArray<'w, F, Dw>,
    ) -> Result<LossOutput<F>> {
        let w = Some(dyn_view(sample_weight));
        self.compute(dyn_view(input), dyn_view(target), w, true)
    }

    /// The reduced loss, writing its gradient with respect to the input into `grad` (the input's
    /// shape; `&mut Array2<f32>` or any `ArrayViewMut`, contiguous or not): a training loop
    /// reuses one buffer and, for the fused losses, nothing of the input's size is allocated
    /// (see [`Loss::compute_into`]).
    ///
    /// ```
    /// use ndarray::{Array2, array};
    /// use reweigh::{Loss, losses::SparseSoftmaxCrossEntropy};
    /// let x = array![[2.0_f32, -1.0, 0.5], [0.1, 0.3, -2.0]];
    /// let y = array![0_i64, 1];
    /// let loss = SparseSoftmaxCrossEntropy::pytorch();
    /// let mut grad = Array2::<f32>::zeros((2, 3));
    /// let v = loss.forward_backward_into(&x, &y, &mut grad).unwrap();
    /// let out = loss.forward_backward(&x, &y).unwrap();
    /// assert_eq!(v, out.value);
    /// assert_eq!(grad.into_dyn(), out.grad.unwrap());
    /// ```
    fn forward_backward_into<'i, 't, 'g, Di: Dimension, Dt: Dimension, Dg: Dimension>(
        &self,
        input: impl AsArray<'i, F, Di>,
        target: impl AsArray<'t, Self::Label, Dt>,
        grad: impl Into<ArrayViewMut<'g, F, Dg>>,
    ) -> Result<LossValue<F>> {
        let grad = grad.into().into_dyn();
        self.compute_into(dyn_view(input), dyn_view(target), None, grad)
    }

    /// [`Loss::forward_backward_into`] with per-sample weights.
    fn forward_backward_weighted_into<
        'i,
        't,
        'w,
        'g,
        Di: Dimension,
        Dt: Dimension,
        Dw: Dimension,
        Dg: Dimension,
    >(
        &self,
        input: impl AsArray<'i, F, Di>,
        target: impl AsArray<'t, Self::Label, Dt>,
        sample_weight: impl AsArray<'w, F, Dw>,
        grad: impl Into<ArrayViewMut<'g, F, Dg>>,
    ) -> Result<LossValue<F>> {
        let w = Some(dyn_view(sample_weight));
        let grad = grad.into().into_dyn();
        self.compute_into(dyn_view(input), dyn_view(target), w, grad)
    }
}

/// Any array ndarray's [`AsArray`] accepts, as the dynamic-dimensional view the losses' core
/// takes.
pub fn dyn_view<'a, A: 'a, D: Dimension>(a: impl AsArray<'a, A, D>) -> ArrayViewD<'a, A> {
    a.into().into_dyn()
}
