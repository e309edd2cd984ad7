//! [`LossSchedule`]: the loss a [`Trainer`](super::Trainer) minimises, epoch by epoch.

use super::BatchLoss;
use ndarray::Array1;
use reweigh::Real;
use reweigh::error::{Result, ReweighError};
use reweigh::losses::DeferredReweighting;
use std::sync::Arc;

/// A piecewise-constant schedule of losses: the first loss from epoch 0, each further one from
/// its start epoch on (epochs counted from 0 within one [`Trainer::fit`](super::Trainer::fit)).
/// The trainer looks the loss up at the start of every epoch; validation after an epoch uses
/// that epoch's loss, and [`Trainer::evaluate`](super::Trainer::evaluate) the loss of the last
/// epoch trained.
///
/// Deferred re-weighting (DRW, Cao et al. 2019) is the schedule of the official LDAM-DRW code
/// (`kaidic/LDAM-DRW`, `cifar_train.py`, `--train_rule DRW`): each epoch it sets
/// `per_cls_weights` from the effective number with `β = [0, 0.9999][epoch // 160]` (β = 0 gives
/// weights of 1) and rebuilds the criterion with `weight=per_cls_weights`; see
/// [`Self::deferred_reweighting`].
///
/// ```
/// use ndarray::array;
/// use reweigh::losses::{DeferredReweighting, LdamLoss};
/// use reweigh_train::LossSchedule;
/// let counts = [90.0, 9.0];
/// let ldam = LdamLoss::<f64>::from_counts(&counts, 0.5, 30.0).unwrap();
/// let drw = DeferredReweighting { start_epoch: 3, beta: 0.99 };
/// let schedule = LossSchedule::deferred_reweighting(&drw, &counts, |w| match w {
///     None => ldam.clone(),
///     Some(w) => ldam.clone().class_weights(w),
/// })
/// .unwrap();
/// assert_eq!(schedule.starts(), vec![0, 3]);
/// ```
#[derive(Clone, Debug)]
pub struct LossSchedule<F: Real> {
    stages: Vec<(usize, Arc<dyn BatchLoss<F>>)>,
}

impl<F: Real> LossSchedule<F> {
    /// One loss for every epoch.
    pub fn new(loss: impl BatchLoss<F> + 'static) -> Self {
        LossSchedule {
            stages: vec![(0, Arc::new(loss))],
        }
    }

    /// Switches to `loss` from `epoch` on. Start epochs must increase: a start at or before the
    /// previous one is [`ReweighError::Incompatible`].
    pub fn then_from(mut self, epoch: usize, loss: impl BatchLoss<F> + 'static) -> Result<Self> {
        let last = self.stages.last().map_or(0, |s| s.0);
        if epoch <= last {
            return Err(ReweighError::Incompatible(format!(
                "a loss schedule's start epochs must increase: {epoch} after {last}"
            )));
        }
        self.stages.push((epoch, Arc::new(loss)));
        Ok(self)
    }

    /// Deferred re-weighting: `make(None)` before `drw.start_epoch`, then `make(Some(w))` with
    /// the effective-number class weights `w_j = (1 − β)/(1 − β^{n_j})`, normalised to sum C
    /// ([`DeferredReweighting::class_weights`]), in the float type of the loss.
    pub fn deferred_reweighting<L>(
        drw: &DeferredReweighting,
        counts: &[f64],
        make: impl Fn(Option<Array1<F>>) -> L,
    ) -> Result<Self>
    where
        L: BatchLoss<F> + 'static,
    {
        let weights = drw
            .class_weights(drw.start_epoch, counts)?
            .expect("weights from the start epoch on");
        let weighted = make(Some(weights.mapv(F::of)));
        if drw.start_epoch == 0 {
            return Ok(Self::new(weighted));
        }
        Self::new(make(None)).then_from(drw.start_epoch, weighted)
    }

    /// The loss of `epoch`.
    pub fn at(&self, epoch: usize) -> &Arc<dyn BatchLoss<F>> {
        let i = self.stages.partition_point(|s| s.0 <= epoch);
        &self.stages[i.saturating_sub(1)].1
    }

    /// The start epoch of each stage (the first is 0).
    pub fn starts(&self) -> Vec<usize> {
        self.stages.iter().map(|s| s.0).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reweigh::losses::SparseSoftmaxCrossEntropy;

    #[test]
    fn stages_are_looked_up_by_epoch() {
        let s = LossSchedule::<f64>::new(SparseSoftmaxCrossEntropy::keras())
            .then_from(2, SparseSoftmaxCrossEntropy::pytorch())
            .unwrap()
            .then_from(5, SparseSoftmaxCrossEntropy::tf1())
            .unwrap();
        assert_eq!(s.starts(), vec![0, 2, 5]);
        let name = |e| format!("{:?}", s.at(e));
        assert_eq!(name(0), name(1));
        assert_ne!(name(1), name(2));
        assert_eq!(name(2), name(4));
        assert_ne!(name(4), name(5));
        assert_eq!(name(5), name(usize::MAX));
    }

    #[test]
    fn start_epochs_must_increase() {
        let s = LossSchedule::<f32>::new(SparseSoftmaxCrossEntropy::keras());
        let err = s
            .clone()
            .then_from(0, SparseSoftmaxCrossEntropy::keras())
            .unwrap_err();
        assert!(
            err.to_string().contains("must increase: 0 after 0"),
            "{err}"
        );
        let s = s.then_from(3, SparseSoftmaxCrossEntropy::keras()).unwrap();
        assert!(s.then_from(3, SparseSoftmaxCrossEntropy::keras()).is_err());
    }

    #[test]
    fn drw_weights_are_the_effective_number_from_the_start_epoch() {
        let counts = [100.0, 10.0, 1.0];
        let drw = DeferredReweighting {
            start_epoch: 4,
            beta: 0.999,
        };
        let seen = std::sync::Mutex::new(Vec::new());
        let s = LossSchedule::<f64>::deferred_reweighting(&drw, &counts, |w| {
            seen.lock().unwrap().push(w.clone());
            match w {
                None => SparseSoftmaxCrossEntropy::pytorch(),
                Some(w) => SparseSoftmaxCrossEntropy::pytorch().class_weights(w),
            }
        })
        .unwrap();
        assert_eq!(s.starts(), vec![0, 4]);
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen[1], None);
        // the official code's numpy: (1 - b) / (1 - b**n), normalised to sum C
        let raw: Vec<f64> = counts
            .iter()
            .map(|&n| (1.0 - 0.999) / (1.0 - 0.999f64.powf(n)))
            .collect();
        let total: f64 = raw.iter().sum();
        let w = seen[0].as_ref().unwrap();
        for (a, r) in w.iter().zip(&raw) {
            assert!(
                (a - r / total * 3.0).abs() < 1e-12,
                "{a} vs {}",
                r / total * 3.0
            );
        }
        let bad = DeferredReweighting {
            start_epoch: 1,
            beta: 1.0,
        };
        assert!(
            LossSchedule::<f64>::deferred_reweighting(&bad, &counts, |_| {
                SparseSoftmaxCrossEntropy::pytorch()
            })
            .is_err()
        );
        let at_once = DeferredReweighting {
            start_epoch: 0,
            beta: 0.999,
        };
        let s = LossSchedule::<f64>::deferred_reweighting(&at_once, &counts, |w| {
            assert!(w.is_some());
            SparseSoftmaxCrossEntropy::pytorch()
        })
        .unwrap();
        assert_eq!(s.starts(), vec![0]);
    }
}
