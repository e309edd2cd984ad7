//! Per-epoch logs aggregated over batches exactly as Keras 3 aggregates them.

use reweigh::Real;
use serde::Serialize;

/// `keras.metrics.Mean`: a running `total / count`, accumulated in the metric's dtype and
/// divided with `divide_no_nan` (0 when `count` is 0).
///
/// Keras feeds it three ways during `fit` and `evaluate`
/// (`keras/src/backend/tensorflow/trainer.py`, `metrics/reduction_metrics.py`):
///
/// ```text
/// loss tracker             total += loss_b·n_b       count += n_b         (n_b = batch size)
/// metrics=[accuracy]       total += Σ_i acc_i        count += n_b         (weights ignored)
/// weighted_metrics=[...]   total += Σ_i w_i·acc_i    count += Σ_i w_i     (w = sample or class weights)
/// ```
///
/// so the epoch loss is the batch-size-weighted mean of the batch losses, each of which is
/// `Σ_i w_i·l_i / n_b` (Keras's `sum_over_batch_size`): a zero weight counts in the denominator.
///
/// ```
/// use reweigh_train::Mean;
/// let mut loss = Mean::<f32>::default();
/// loss.update(1.0 * 32.0, 32.0); // batch of 32 with mean loss 1.0
/// loss.update(4.0 * 4.0, 4.0);   // batch of 4 with mean loss 4.0
/// assert_eq!(loss.result(), (32.0 + 16.0) / 36.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Mean<F> {
    total: F,
    count: F,
}

impl<F: Real> Mean<F> {
    /// Adds `total` to the running total and `count` to the running count.
    pub fn update(&mut self, total: F, count: F) {
        self.total = self.total + total;
        self.count = self.count + count;
    }

    /// `total / count`, or 0 when `count` is 0.
    pub fn result(&self) -> F {
        if self.count == F::zero() {
            F::zero()
        } else {
            self.total / self.count
        }
    }
}

/// The logs of one pass over a data set (a training epoch or an `evaluate`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Logs<F> {
    /// Batch-size-weighted mean of the batch losses.
    pub loss: F,
    /// Unweighted accuracy (`metrics=["sparse_categorical_accuracy"]`).
    pub accuracy: F,
    /// Weighted accuracy (`weighted_metrics=["sparse_categorical_accuracy"]`).
    pub weighted_accuracy: F,
}

/// The three Keras accumulators behind [`Logs`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Trackers<F> {
    loss: Mean<F>,
    accuracy: Mean<F>,
    weighted_accuracy: Mean<F>,
}

impl<F: Real> Trackers<F> {
    /// Records one batch: its reduced loss, per-sample correctness (0 or 1), and its sample
    /// weights (`None` when `fit` has no weights: the weighted metric is then unweighted).
    pub fn update(&mut self, loss: F, correct: &[F], weights: Option<&[F]>) {
        let n = F::of(correct.len() as f64);
        self.loss.update(loss * n, n);
        self.accuracy.update(correct.iter().copied().sum(), n);
        match weights {
            None => self
                .weighted_accuracy
                .update(correct.iter().copied().sum(), n),
            Some(w) => self.weighted_accuracy.update(
                correct.iter().zip(w).map(|(&c, &w)| c * w).sum(),
                w.iter().copied().sum(),
            ),
        }
    }

    pub fn result(&self) -> Logs<F> {
        Logs {
            loss: self.loss.result(),
            accuracy: self.accuracy.result(),
            weighted_accuracy: self.weighted_accuracy.result(),
        }
    }
}

/// What `fit` returns: Keras's `History.history`, one entry per epoch.
///
/// Keys as Keras names them when compiled with
/// `metrics=[SparseCategoricalAccuracy(name="accuracy")]` and
/// `weighted_metrics=[SparseCategoricalAccuracy(name="weighted_accuracy")]`: `loss`, `accuracy`,
/// `weighted_accuracy` and, with validation data, the same with a `val_` prefix.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct History<F> {
    /// Training logs of each epoch.
    pub train: Vec<Logs<F>>,
    /// Validation logs of each epoch (empty without validation data).
    pub val: Vec<Logs<F>>,
}

impl<F: Real> History<F> {
    /// Number of epochs run.
    pub fn epochs(&self) -> usize {
        self.train.len()
    }

    /// The Keras keys present, sorted as Keras's `History.history` dict prints them sorted.
    pub fn keys(&self) -> Vec<&'static str> {
        let mut k = vec!["accuracy", "loss", "weighted_accuracy"];
        if !self.val.is_empty() {
            k.extend(["val_accuracy", "val_loss", "val_weighted_accuracy"]);
        }
        k
    }

    /// The per-epoch values of a Keras key (`"loss"`, `"val_accuracy"`...), or `None`.
    pub fn get(&self, key: &str) -> Option<Vec<F>> {
        let (logs, name) = match key.strip_prefix("val_") {
            Some(name) if !self.val.is_empty() => (&self.val, name),
            Some(_) => return None,
            None => (&self.train, key),
        };
        let pick: fn(&Logs<F>) -> F = match name {
            "loss" => |l| l.loss,
            "accuracy" => |l| l.accuracy,
            "weighted_accuracy" => |l| l.weighted_accuracy,
            _ => return None,
        };
        Some(logs.iter().map(pick).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trackers_follow_keras() {
        let mut t = Trackers::<f64>::default();
        t.update(2.0, &[1.0, 0.0], Some(&[0.0, 0.0]));
        t.update(1.0, &[1.0], Some(&[3.0]));
        let logs = t.result();
        assert_eq!(logs.loss, (2.0 * 2.0 + 1.0) / 3.0);
        assert_eq!(logs.accuracy, 2.0 / 3.0);
        assert_eq!(logs.weighted_accuracy, 1.0);
        let mut zero = Trackers::<f64>::default();
        zero.update(0.0, &[1.0], Some(&[0.0]));
        assert_eq!(zero.result().weighted_accuracy, 0.0); // divide_no_nan
    }

    #[test]
    fn history_keys() {
        let l = Logs {
            loss: 1.0_f32,
            accuracy: 0.5,
            weighted_accuracy: 0.25,
        };
        let h = History {
            train: vec![l, l],
            val: vec![],
        };
        assert_eq!(h.get("weighted_accuracy"), Some(vec![0.25, 0.25]));
        assert_eq!(h.get("val_loss"), None);
        assert_eq!(h.get("auc"), None);
        assert_eq!(h.keys().len(), 3);
    }
}
