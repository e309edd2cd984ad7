//! The loss a [`Trainer`](super::Trainer) minimises: any loss of a batch's logits against
//! integer labels.

use crate::Real;
use crate::error::Result;
use crate::loss::Loss;
use crate::losses::{CategoricalFocalLoss, SparseSoftmaxCrossEntropy};
use crate::output::LossOutput;
use ndarray::ArrayViewD;
use std::fmt::Debug;

/// A loss of the output layer's logits `(batch, classes)` against integer labels `(batch,)`,
/// with optional per-sample weights, reduced to a scalar, with its gradient with respect to the
/// logits on request. The trainer calls it once per batch.
///
/// Implemented for [`SparseSoftmaxCrossEntropy`] (Keras's `sparse_categorical_crossentropy`,
/// the default) and [`CategoricalFocalLoss`] (on one-hot labels, as Keras's
/// `CategoricalFocalCrossentropy` after `keras.ops.one_hot`).
pub trait BatchLoss<F: Real>: Debug + Send + Sync {
    /// The reduced loss of a batch and, if `want_grad`, `∂loss/∂logits`.
    fn batch_loss(
        &self,
        logits: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<LossOutput<F>>;
}

impl<F: Real> BatchLoss<F> for SparseSoftmaxCrossEntropy<F> {
    fn batch_loss(
        &self,
        logits: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<LossOutput<F>> {
        self.compute(logits, labels, sample_weight, want_grad)
    }
}

impl<F: Real> BatchLoss<F> for CategoricalFocalLoss<F> {
    fn batch_loss(
        &self,
        logits: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<LossOutput<F>> {
        self.compute_sparse(logits, labels, sample_weight, want_grad)
    }
}
