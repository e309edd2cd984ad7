//! `model.fit` and `model.evaluate` with Keras 3's weighting rules.

use super::history::Trackers;
use super::{
    Adam, BatchLoss, Batches, ClassWeight, History, Logs, LossSchedule, Sequential, Shuffle,
};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, Ix2};
use reweigh::Real;
use reweigh::check::{check_finite, check_same_shape};
use reweigh::error::{Result, ReweighError};
use reweigh::losses::SparseSoftmaxCrossEntropy;

/// Validation data for [`FitOptions::validation`]: `validation_data=(x_val, y_val)` or
/// `(x_val, y_val, val_sample_weight)`.
///
/// Validation is evaluated after every epoch, unshuffled, in batches of
/// `validation_batch_size` (default: the training batch size). The sample weights given here
/// weight `val_loss` (Keras 3: zero weights make it 0) and `val_weighted_accuracy`; class
/// weights never reach validation.
#[derive(Clone, Debug)]
pub struct Validation<'a, F> {
    x: ArrayView2<'a, F>,
    y: ArrayView1<'a, i64>,
    sample_weight: Option<ArrayView1<'a, F>>,
}

impl<'a, F: Real> Validation<'a, F> {
    /// Unweighted validation data.
    pub fn new(x: ArrayView2<'a, F>, y: ArrayView1<'a, i64>) -> Self {
        Validation {
            x,
            y,
            sample_weight: None,
        }
    }

    /// Validation sample weights, one per sample.
    pub fn sample_weight(mut self, w: ArrayView1<'a, F>) -> Self {
        self.sample_weight = Some(w);
        self
    }
}

/// The arguments of `model.fit` besides `x` and `y`, with Keras's defaults.
#[derive(Clone, Debug)]
pub struct FitOptions<'a, F> {
    epochs: usize,
    batch_size: usize,
    shuffle: Shuffle,
    class_weight: Option<ClassWeight<F>>,
    sample_weight: Option<ArrayView1<'a, F>>,
    validation: Option<Validation<'a, F>>,
    validation_batch_size: Option<usize>,
}

impl<F: Real> Default for FitOptions<'_, F> {
    /// `epochs=1`, `batch_size=32`, shuffled (seeded, see [`Shuffle`]), no weights, no validation.
    fn default() -> Self {
        FitOptions {
            epochs: 1,
            batch_size: 32,
            shuffle: Shuffle::default(),
            class_weight: None,
            sample_weight: None,
            validation: None,
            validation_batch_size: None,
        }
    }
}

impl<'a, F: Real> FitOptions<'a, F> {
    /// Keras's defaults (see [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of epochs.
    pub fn epochs(mut self, epochs: usize) -> Self {
        self.epochs = epochs;
        self
    }

    /// Training batch size (≥ 1).
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size;
        self
    }

    /// Shuffling of the training samples.
    pub fn shuffle(mut self, shuffle: Shuffle) -> Self {
        self.shuffle = shuffle;
        self
    }

    /// `class_weight=`: weights the training loss and weighted metrics; an error together with
    /// [`Self::sample_weight`].
    pub fn class_weight(mut self, cw: ClassWeight<F>) -> Self {
        self.class_weight = Some(cw);
        self
    }

    /// `sample_weight=`: one weight per training sample; an error together with
    /// [`Self::class_weight`].
    pub fn sample_weight(mut self, w: ArrayView1<'a, F>) -> Self {
        self.sample_weight = Some(w);
        self
    }

    /// `validation_data=`.
    pub fn validation(mut self, v: Validation<'a, F>) -> Self {
        self.validation = Some(v);
        self
    }

    /// `validation_batch_size=` (default: the training batch size).
    pub fn validation_batch_size(mut self, batch_size: usize) -> Self {
        self.validation_batch_size = Some(batch_size);
        self
    }
}

/// A compiled model: `model.compile(loss="sparse_categorical_crossentropy", optimizer="adam",
/// metrics=[accuracy], weighted_metrics=[accuracy])`, then `fit` / `evaluate` / `predict`.
///
/// Each training step computes the loss of the batch from the output layer's logits with the
/// library's [`SparseSoftmaxCrossEntropy`] (Keras preset: `Σ_i w_i·l_i / n_b`), back-propagates
/// it through the trainable layers and applies one [`Adam`] step; the step's loss and accuracy
/// are those of the weights *before* the update, as in Keras. See [`Mean`](super::Mean) for how
/// batches aggregate into the epoch logs.
///
/// ```
/// use ndarray::array;
/// use reweigh_train::{Activation, ClassWeight, Dense, FitOptions, Sequential, Trainer};
/// let layer = Dense::from_weights(array![[0.5_f32, -0.5], [0.25, 0.0]], array![0.0, 0.0], Activation::Softmax).unwrap();
/// let mut trainer = Trainer::new(Sequential::new(vec![layer]).unwrap());
/// trainer.model_mut().set_trainable(false); // the seed-003 thread's frozen model
/// let x = array![[1.0_f32, 2.0], [0.0, 1.0], [3.0, -1.0]];
/// let y = array![0_i64, 1, 1];
/// let zeros = ClassWeight::keras([(0, 0.0), (1, 0.0)]);
/// let h = trainer.fit(x.view(), y.view(), &FitOptions::new().class_weight(zeros)).unwrap();
/// assert_eq!(h.train[0].loss, 0.0);                 // class weights 0: training loss 0 (Σw·l/n)
/// assert!(h.train[0].accuracy > 0.0);              // metrics= ignore weights
/// assert_eq!(h.train[0].weighted_accuracy, 0.0);   // weighted_metrics= do not
/// ```
#[derive(Clone, Debug)]
pub struct Trainer<F: Real> {
    model: Sequential<F>,
    optimizer: Adam<F>,
    loss: LossSchedule<F>,
    /// The epoch of the last `fit` step (index into the schedule for `evaluate`).
    epoch: usize,
}

impl<F: Real> Trainer<F> {
    /// Compiles `model` with Keras's defaults: [`Adam::keras`] and
    /// [`SparseSoftmaxCrossEntropy::keras`].
    pub fn new(model: Sequential<F>) -> Self {
        Trainer {
            model,
            optimizer: Adam::keras(),
            loss: LossSchedule::new(SparseSoftmaxCrossEntropy::keras()),
            epoch: 0,
        }
    }

    /// Replaces the optimizer (e.g. `Adam::keras().learning_rate(1e-2)?`).
    pub fn optimizer(mut self, optimizer: Adam<F>) -> Self {
        self.optimizer = optimizer;
        self
    }

    /// Replaces the loss (e.g. another reduction, or
    /// [`SparseCategoricalFocalLoss`](reweigh::losses::SparseCategoricalFocalLoss)); it must reduce each batch
    /// to a scalar.
    pub fn loss(mut self, loss: impl BatchLoss<F> + 'static) -> Self {
        self.loss = LossSchedule::new(loss);
        self
    }

    /// A loss that changes with the epoch (e.g. deferred re-weighting,
    /// [`LossSchedule::deferred_reweighting`]); each reduces a batch to a scalar.
    pub fn loss_schedule(mut self, schedule: LossSchedule<F>) -> Self {
        self.loss = schedule;
        self
    }

    /// The model.
    pub fn model(&self) -> &Sequential<F> {
        &self.model
    }

    /// The model, e.g. to freeze layers.
    pub fn model_mut(&mut self) -> &mut Sequential<F> {
        &mut self.model
    }

    /// The optimizer and its state.
    pub fn adam(&self) -> &Adam<F> {
        &self.optimizer
    }

    /// Class probabilities (`model.predict`).
    pub fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        self.model.predict(x)
    }

    /// `model.fit(x, y, ...)`: trains and returns the per-epoch history.
    pub fn fit(
        &mut self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, i64>,
        options: &FitOptions<'_, F>,
    ) -> Result<History<F>> {
        let classes = self.model.classes();
        self.check_data("x", "y", x, y)?;
        let weights: Option<Array1<F>> = match (&options.class_weight, options.sample_weight) {
            (Some(_), Some(_)) => {
                return Err(ReweighError::Incompatible(
                    "class_weight and sample_weight at the same time (Keras: \"You cannot \
                     `class_weight` and `sample_weight` at the same time.\"); fold the class \
                     weights into the sample weights instead"
                        .to_string(),
                ));
            }
            (Some(cw), None) => Some(cw.sample_weights(y, classes)?),
            (None, Some(w)) => {
                check_same_shape("sample_weight", &[y.len()], w.shape())?;
                check_finite("sample_weight", w.iter())?;
                Some(w.to_owned())
            }
            (None, None) => None,
        };
        let val_batch = options.validation_batch_size.unwrap_or(options.batch_size);
        if let Some(v) = &options.validation {
            self.check_data("x_val", "y_val", v.x, v.y)?;
            if let Some(w) = v.sample_weight {
                check_same_shape("val_sample_weight", &[v.y.len()], w.shape())?;
                check_finite("val_sample_weight", w.iter())?;
            }
            Batches::new(v.y.len(), val_batch, Shuffle::Off)?;
        }
        let mut batches = Batches::new(y.len(), options.batch_size, options.shuffle)?;
        let mut history = History::default();
        for epoch in 0..options.epochs {
            self.epoch = epoch;
            let mut trackers = Trackers::default();
            for idx in batches.next_epoch() {
                let xb = x.select(Axis(0), &idx);
                let yb = y.select(Axis(0), &idx);
                let wb = weights.as_ref().map(|w| w.select(Axis(0), &idx));
                let (loss, correct) = self.train_step(xb.view(), yb.view(), wb.as_ref())?;
                trackers.update(
                    loss,
                    &correct,
                    wb.as_ref().map(|w| w.as_slice().expect("owned")),
                );
            }
            history.train.push(trackers.result());
            if let Some(v) = &options.validation {
                history
                    .val
                    .push(self.evaluate_checked(v.x, v.y, v.sample_weight, val_batch)?);
            }
        }
        Ok(history)
    }

    /// `model.evaluate(x, y, sample_weight=..., batch_size=...)`: loss and metrics, unshuffled.
    pub fn evaluate(
        &self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, i64>,
        sample_weight: Option<ArrayView1<'_, F>>,
        batch_size: usize,
    ) -> Result<Logs<F>> {
        self.check_data("x", "y", x, y)?;
        if let Some(w) = sample_weight {
            check_same_shape("sample_weight", &[y.len()], w.shape())?;
            check_finite("sample_weight", w.iter())?;
        }
        self.evaluate_checked(x, y, sample_weight, batch_size)
    }

    fn evaluate_checked(
        &self,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, i64>,
        sample_weight: Option<ArrayView1<'_, F>>,
        batch_size: usize,
    ) -> Result<Logs<F>> {
        let mut trackers = Trackers::default();
        for idx in Batches::new(y.len(), batch_size, Shuffle::Off)?.next_epoch() {
            let xb = x.select(Axis(0), &idx);
            let yb = y.select(Axis(0), &idx);
            let wb = sample_weight.map(|w| w.select(Axis(0), &idx));
            let logits = self.model.logits(xb.view())?;
            let loss = self.batch_loss(&logits, yb.view(), wb.as_ref(), false)?.0;
            let correct = correctness(&logits, yb.view());
            trackers.update(
                loss,
                &correct,
                wb.as_ref().map(|w| w.as_slice().expect("owned")),
            );
        }
        Ok(trackers.result())
    }

    /// One `train_step`: forward, loss, backward, Adam. Returns the batch loss and per-sample
    /// correctness, both of the weights before the update.
    fn train_step(
        &mut self,
        xb: ArrayView2<'_, F>,
        yb: ArrayView1<'_, i64>,
        wb: Option<&Array1<F>>,
    ) -> Result<(F, Vec<F>)> {
        let trace = self.model.trace(xb)?;
        let logits = trace.pre.last().expect("at least one layer");
        let any_trainable = self.model.layers().iter().any(|l| l.trainable);
        let (loss, dlogits) = self.batch_loss(logits, yb, wb, any_trainable)?;
        let correct = correctness(logits, yb);
        if let Some(dlogits) = dlogits {
            let grads = self.model.backward(&trace, dlogits);
            // Keras's trainable_variables order: kernel then bias of each layer; ids 2i, 2i + 1.
            let mut updates = Vec::new();
            for ((i, layer), g) in self.model.layers_mut().enumerate().zip(&grads) {
                if let Some((dw, db)) = g {
                    let (kernel, bias) = layer.params_mut();
                    updates.push((2 * i, kernel.view_mut().into_dyn(), dw.view().into_dyn()));
                    updates.push((2 * i + 1, bias.view_mut().into_dyn(), db.view().into_dyn()));
                }
            }
            self.optimizer.apply(updates)?;
        }
        Ok((loss, correct))
    }

    /// The reduced loss of a batch and, if asked, its gradient with respect to the logits.
    fn batch_loss(
        &self,
        logits: &Array2<F>,
        yb: ArrayView1<'_, i64>,
        wb: Option<&Array1<F>>,
        want_grad: bool,
    ) -> Result<(F, Option<Array2<F>>)> {
        let out = self.loss.at(self.epoch).batch_loss(
            logits.view().into_dyn(),
            yb.into_dyn(),
            wb.map(|w| w.view().into_dyn()),
            want_grad,
        )?;
        let value = out.value.scalar().ok_or_else(|| {
            ReweighError::Incompatible(
                "the trainer's loss must reduce each batch to a scalar (reduction none)"
                    .to_string(),
            )
        })?;
        // A user's BatchLoss may return any array: its gradient must have the logits' shape
        // (a wrong one would broadcast, panic or train on a truncated product).
        let grad = match out.grad {
            Some(g) => {
                check_same_shape(
                    "loss gradient (the logits' shape)",
                    logits.shape(),
                    g.shape(),
                )?;
                Some(
                    g.into_dimensionality::<Ix2>()
                        .expect("the logits' shape is 2-D"),
                )
            }
            None => None,
        };
        Ok((value, grad))
    }

    fn check_data(
        &self,
        what_x: &'static str,
        what_y: &'static str,
        x: ArrayView2<'_, F>,
        y: ArrayView1<'_, i64>,
    ) -> Result<()> {
        if x.nrows() == 0 {
            return Err(ReweighError::EmptyBatch { what: what_x });
        }
        check_same_shape(what_x, &[x.nrows(), self.model.inputs()], x.shape())?;
        check_same_shape(what_y, &[x.nrows()], y.shape())?;
        check_finite(what_x, x.iter())?;
        let classes = self.model.classes();
        for (index, &label) in y.iter().enumerate() {
            if label < 0 || label as usize >= classes {
                return Err(ReweighError::LabelOutOfRange {
                    label,
                    index,
                    num_classes: classes,
                });
            }
        }
        Ok(())
    }
}

/// `sparse_categorical_accuracy` per sample: 1 where the argmax of the softmax probabilities
/// (the first maximum, as `tf.argmax`) is the label, else 0.
fn correctness<F: Real>(logits: &Array2<F>, y: ArrayView1<'_, i64>) -> Vec<F> {
    let probs = super::Activation::Softmax.apply(logits);
    probs
        .rows()
        .into_iter()
        .zip(y)
        .map(|(row, &label)| {
            let mut best = 0;
            for (j, &p) in row.iter().enumerate() {
                if p > row[best] {
                    best = j;
                }
            }
            if best as i64 == label {
                F::one()
            } else {
                F::zero()
            }
        })
        .collect()
}
