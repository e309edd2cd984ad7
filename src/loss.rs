//! The [`Loss`] trait every loss implements, and the input checks they share.

use crate::Real;
use crate::error::{Result, ReweighError};
use crate::output::{LossOutput, LossValue};
use crate::reduction::{Reducer, Unreduced};
use ndarray::{ArrayViewD, ArrayViewMutD, IxDyn};

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

/// Checks that `got` has exactly the shape `expected`.
pub(crate) fn check_same_shape(
    what: &'static str,
    expected: &[usize],
    got: &[usize],
) -> Result<()> {
    if expected != got {
        return Err(ReweighError::ShapeMismatch {
            what,
            expected: expected.to_vec(),
            got: got.to_vec(),
        });
    }
    Ok(())
}

/// Checks that an input has at least one element and a non-empty last (class) axis.
pub(crate) fn check_nonempty<F>(what: &'static str, a: &ArrayViewD<'_, F>) -> Result<()> {
    if a.ndim() == 0 {
        return Err(ReweighError::BadShape {
            what,
            reason: "needs at least one axis",
            got: a.shape().to_vec(),
        });
    }
    if a.is_empty() {
        return Err(ReweighError::EmptyBatch { what });
    }
    Ok(())
}

/// Checks that every value is finite.
pub(crate) fn check_finite<'a, F: Real>(
    what: &'static str,
    values: impl IntoIterator<Item = &'a F>,
) -> Result<()> {
    for (index, &v) in values.into_iter().enumerate() {
        if !v.is_finite() {
            return Err(ReweighError::NonFinite {
                what,
                index,
                value: v.f64(),
            });
        }
    }
    Ok(())
}

/// Checks that every value is finite and non-negative.
#[allow(dead_code)] // used by the losses and schemes that reject negative weights
pub(crate) fn check_weights<'a, F: Real>(
    what: &'static str,
    values: impl IntoIterator<Item = &'a F>,
) -> Result<()> {
    for (index, &v) in values.into_iter().enumerate() {
        if !v.is_finite() {
            return Err(ReweighError::NonFinite {
                what,
                index,
                value: v.f64(),
            });
        }
        if v < F::zero() {
            return Err(ReweighError::NegativeWeight {
                what,
                index,
                value: v.f64(),
            });
        }
    }
    Ok(())
}

/// Checks a scalar parameter lies in `[lo, hi]`.
pub(crate) fn check_range(
    name: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
    expected: &'static str,
) -> Result<()> {
    if !(value >= lo && value <= hi) {
        return Err(ReweighError::InvalidParameter {
            name,
            value,
            expected,
        });
    }
    Ok(())
}

/// Broadcasts a weight array to `shape` (NumPy rules), or names the mismatch.
pub(crate) fn broadcast_to<'a, F>(
    what: &'static str,
    w: &'a ArrayViewD<'a, F>,
    shape: &[usize],
) -> Result<ArrayViewD<'a, F>> {
    w.broadcast(IxDyn(shape))
        .ok_or_else(|| ReweighError::ShapeMismatch {
            what,
            expected: shape.to_vec(),
            got: w.shape().to_vec(),
        })
}
