//! The loss a [`Trainer`](super::Trainer) minimises: any loss of a batch's logits against
//! integer labels.

use ndarray::ArrayViewD;
use reweigh::Loss;
use reweigh::Real;
use reweigh::error::Result;
use reweigh::output::LossOutput;
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
    L: for<'t> Loss<F, Target<'t> = ArrayViewD<'t, i64>> + Debug + Send + Sync,
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
