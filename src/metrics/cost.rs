//! Expected cost from a cost matrix: the cost-aware validation metric of seed 003.

use super::ConfusionMatrix;
use crate::error::{Result, ReweighError};
use crate::loss::{check_finite, check_same_shape};
use crate::schemes::counts_internal::class_index;
use ndarray::{Array2, ArrayView2, array};

/// The costs of the four outcomes of a binary decision (negative label 0, positive label 1).
///
/// In fraud detection (the seed-003 example) a missed fraud (`fn_`) costs far more than a false
/// alarm (`fp`); correct decisions usually cost 0 (or a negative number: a gain).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BinaryCosts {
    /// Cost of a true positive.
    pub tp: f64,
    /// Cost of a false positive.
    pub fp: f64,
    /// Cost of a true negative.
    pub tn: f64,
    /// Cost of a false negative.
    pub fn_: f64,
}

/// `cost[i, j]`: the cost of predicting `labels[j]` when the truth is `labels[i]`.
///
/// ```text
/// expected cost = Σ_ij CM[i, j] · cost[i, j] / Σ_ij CM[i, j]      (mean cost per sample)
/// ```
///
/// with `CM` the (sample-weighted) confusion matrix over the cost matrix's labels: samples with
/// a true or predicted label outside them are left out, as `confusion_matrix(labels=...)` does.
/// Lower is better.
///
/// # Example
/// ```
/// use reweigh::metrics::{BinaryCosts, CostMatrix, Evaluation};
/// let cost = CostMatrix::binary(BinaryCosts { tp: 0.0, fp: 1.0, tn: 0.0, fn_: 5.0 });
/// let ev = Evaluation::new(&[0, 0, 1, 1], &[0, 1, 1, 0]).unwrap();
/// assert_eq!(ev.expected_cost(&cost).unwrap(), (1.0 + 5.0) / 4.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CostMatrix {
    labels: Vec<i64>,
    cost: Array2<f64>,
}

impl CostMatrix {
    /// A square cost matrix over `labels` (finite costs, distinct labels).
    pub fn new(labels: Vec<i64>, cost: Array2<f64>) -> Result<Self> {
        class_index(&labels)?;
        check_same_shape("cost matrix", &[labels.len(), labels.len()], cost.shape())?;
        check_finite("cost matrix", cost.iter())?;
        Ok(CostMatrix { labels, cost })
    }

    /// The binary cost matrix `[[tn, fp], [fn, tp]]` over labels `[0, 1]`.
    pub fn binary(c: BinaryCosts) -> Self {
        CostMatrix {
            labels: vec![0, 1],
            cost: array![[c.tn, c.fp], [c.fn_, c.tp]],
        }
    }

    /// The labels of the rows (truth) and columns (prediction).
    pub fn labels(&self) -> &[i64] {
        &self.labels
    }

    /// The costs.
    pub fn cost(&self) -> ArrayView2<'_, f64> {
        self.cost.view()
    }

    /// The mean cost per counted sample of a confusion matrix over the same labels.
    pub fn expected_cost(&self, cm: &ConfusionMatrix) -> Result<f64> {
        if cm.labels() != self.labels.as_slice() {
            return Err(ReweighError::Incompatible(format!(
                "confusion matrix labels {:?} differ from the cost matrix labels {:?}",
                cm.labels(),
                self.labels
            )));
        }
        let total = cm.total();
        if total == 0.0 {
            return Err(ReweighError::AllZeroWeights {
                what: "confusion matrix (no sample to average the cost over)",
            });
        }
        Ok((&cm.matrix() * &self.cost).sum() / total)
    }
}
