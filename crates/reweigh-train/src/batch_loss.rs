//! The loss a [`Trainer`](super::Trainer) minimises: any loss of a batch's logits against
//! integer labels.

use ndarray::{ArrayD, ArrayViewD};
use reweigh::Loss;
use reweigh::Real;
use reweigh::check::check_same_shape;
use reweigh::error::{Result, ReweighError};
use reweigh::loss::GradOut;
use reweigh::output::LossOutput;
use reweigh::reduction::{Reducer, Unreduced};
use std::fmt::Debug;

/// A loss of the output layer's logits `(batch, classes)` against integer labels `(batch,)`,
/// with optional per-sample weights, reduced to a scalar, with its gradient with respect to the
/// logits on request. The trainer calls it once per batch.
///
/// Implemented for every [`Loss`] with integer targets: [`SparseSoftmaxCrossEntropy`]
/// (Keras's `sparse_categorical_crossentropy`, the default), [`SparseCategoricalFocalLoss`]
/// (the categorical focal loss on one-hot labels, as Keras's `CategoricalFocalCrossentropy`
/// after `keras.ops.one_hot`), [`NllLoss`](reweigh::losses::NllLoss), ….
///
/// [`SparseSoftmaxCrossEntropy`]: reweigh::losses::SparseSoftmaxCrossEntropy
/// [`SparseCategoricalFocalLoss`]: reweigh::losses::SparseCategoricalFocalLoss
///
/// ```
/// use ndarray::array;
/// use reweigh::Framework;
/// use reweigh::losses::{CategoricalFocalLoss, SparseCategoricalFocalLoss};
/// use reweigh_train::{Activation, Dense, FitOptions, Sequential, Shuffle, Trainer};
/// let layer = Dense::from_weights(array![[0.0_f64, 0.0], [0.0, 0.0]], array![0.0, 0.0], Activation::Softmax).unwrap();
/// let focal = SparseCategoricalFocalLoss::new(
///     CategoricalFocalLoss::new().gamma(2.0).reduction(Framework::Keras.default_reducer()),
/// );
/// let mut trainer = Trainer::new(Sequential::new(vec![layer]).unwrap()).loss(focal);
/// let x = array![[1.0, 0.0], [0.0, 1.0], [0.9, 0.2], [0.1, 0.8]];
/// let y = array![0_i64, 1, 0, 1];
/// let h = trainer.fit(x.view(), y.view(), &FitOptions::new().epochs(20).batch_size(4).shuffle(Shuffle::Off)).unwrap();
/// // focal loss at p_t = 1/2 with γ = 2: (1/2)²·ln 2, then it falls as the model learns
/// assert!((h.train[0].loss - 0.25 * 2f64.ln()).abs() < 1e-12);
/// assert!(h.train[19].loss < h.train[0].loss);
/// ```
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

/// Every loss of logits against integer labels is a batch loss: its [`Loss::compute`].
impl<F: Real, L> BatchLoss<F> for L
where
    L: Loss<F, Label = i64> + Debug + Send + Sync,
{
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

/// A loss of dense (one-hot) targets trained on integer labels: each batch's labels are one-hot
/// encoded (in the logits' float type, `classes` = the logits' width) and passed to the wrapped
/// loss. For losses that reduce over `(batch, classes)` targets such as the class-balanced
/// sigmoid focal loss of Cui et al. ([`reweigh::losses::class_balanced::focal`]), which the
/// reference code feeds `tf.one_hot(labels)`.
///
/// ```
/// use ndarray::array;
/// use reweigh::Loss;
/// use reweigh::losses::class_balanced;
/// use reweigh_train::{BatchLoss, OneHot};
/// let cb_focal = class_balanced::focal::<f64>(&[90, 10], 0.999, 1.0).unwrap();
/// let logits = array![[2.0, -1.0], [0.5, 0.5]];
/// let out = OneHot(cb_focal.clone())
///     .batch_loss(logits.view().into_dyn(), array![0_i64, 1].view().into_dyn(), None, true)
///     .unwrap();
/// let dense = cb_focal
///     .compute(logits.view().into_dyn(), array![[1.0, 0.0], [0.0, 1.0]].view().into_dyn(), None, true)
///     .unwrap();
/// assert_eq!(out.value.scalar(), dense.value.scalar());
/// ```
#[derive(Clone, Debug)]
pub struct OneHot<L>(pub L);

impl<L> OneHot<L> {
    /// The one-hot targets of `labels` for `logits` of shape `(batch, classes)`.
    fn targets<F: Real>(
        logits: &ArrayViewD<'_, F>,
        labels: &ArrayViewD<'_, i64>,
    ) -> Result<ArrayD<F>> {
        let classes = match logits.shape() {
            [_, c] => *c,
            shape => {
                return Err(ReweighError::ShapeMismatch {
                    what: "logits (batch, classes)",
                    expected: vec![labels.len(), 0],
                    got: shape.to_vec(),
                });
            }
        };
        check_same_shape("labels", &[logits.shape()[0]], labels.shape())?;
        let mut dense =
            reweigh::alloc::filled("one-hot targets", &[labels.len(), classes], F::zero())?;
        for (index, &label) in labels.iter().enumerate() {
            if label < 0 || label as usize >= classes {
                return Err(ReweighError::LabelOutOfRange {
                    label,
                    index,
                    num_classes: classes,
                });
            }
            dense[[index, label as usize]] = F::one();
        }
        Ok(dense)
    }
}

/// The wrapped loss on the one-hot targets (so every [`BatchLoss`] and [`Loss`] method works).
impl<F: Real, L> Loss<F> for OneHot<L>
where
    L: Loss<F, Label = F>,
{
    type Label = i64;

    fn reducer(&self) -> Reducer {
        self.0.reducer()
    }

    fn unreduced(
        &self,
        logits: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        let dense = Self::targets(&logits, &labels)?;
        self.0
            .unreduced(logits, dense.view(), sample_weight, want_grad)
    }

    fn fused(
        &self,
        logits: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        grad: GradOut<'_, '_, F>,
    ) -> Result<Option<LossOutput<F>>> {
        let dense = Self::targets(&logits, &labels)?;
        self.0.fused(logits, dense.view(), sample_weight, grad)
    }
}
