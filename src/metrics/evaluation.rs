//! [`Evaluation`]: validated true and predicted labels (and sample weights) to score.

use super::{ConfusionMatrix, CostMatrix, PerClassScores, ZeroDivision};
use crate::error::{Result, ReweighError};
use crate::loss::{check_same_shape, check_weights};
use crate::schemes::counts_internal::labels_to_i64;
use num_traits::ToPrimitive;
use std::collections::BTreeSet;

/// True labels, predicted labels and optional sample weights, checked once: same length, at
/// least one sample, weights finite and non-negative.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub(crate) y_true: Vec<i64>,
    pub(crate) y_pred: Vec<i64>,
    pub(crate) sample_weight: Option<Vec<f64>>,
}

impl Evaluation {
    /// Labels of any integer type.
    pub fn new<L: ToPrimitive>(y_true: &[L], y_pred: &[L]) -> Result<Self> {
        check_same_shape("y_pred", &[y_true.len()], &[y_pred.len()])?;
        if y_true.is_empty() {
            return Err(ReweighError::EmptyBatch { what: "y_true" });
        }
        Ok(Evaluation {
            y_true: labels_to_i64(y_true.iter())?,
            y_pred: labels_to_i64(y_pred.iter())?,
            sample_weight: None,
        })
    }

    /// Weights every sample (scikit-learn's `sample_weight=`).
    pub fn with_sample_weight(mut self, sample_weight: &[f64]) -> Result<Self> {
        check_same_shape(
            "sample_weight",
            &[self.y_true.len()],
            &[sample_weight.len()],
        )?;
        check_weights("sample_weight", sample_weight.iter())?;
        self.sample_weight = Some(sample_weight.to_vec());
        Ok(self)
    }

    /// The weight of sample `i` (1 without sample weights).
    pub(crate) fn weight(&self, i: usize) -> f64 {
        self.sample_weight.as_ref().map_or(1.0, |w| w[i])
    }

    /// The sorted labels present in `y_true` or `y_pred` (scikit-learn's `unique_labels`).
    pub fn present_labels(&self) -> Vec<i64> {
        let s: BTreeSet<i64> = self.y_true.iter().chain(&self.y_pred).copied().collect();
        s.into_iter().collect()
    }

    /// The confusion matrix (rows true, columns predicted) over `labels` (default: the present
    /// labels); see [`ConfusionMatrix`].
    pub fn confusion_matrix(&self, labels: Option<&[i64]>) -> Result<ConfusionMatrix> {
        ConfusionMatrix::from_evaluation(self, labels)
    }

    /// Per-class precision, recall, F-β and support (see [`PerClassScores`]).
    pub fn precision_recall_fscore(
        &self,
        labels: Option<&[i64]>,
        beta: f64,
        zero_division: ZeroDivision,
    ) -> Result<PerClassScores> {
        PerClassScores::compute(self, labels, beta, zero_division)
    }

    /// Macro-averaged F1: the unweighted mean of the per-class F1 scores (NaN scores from
    /// `ZeroDivision::Nan` are left out), as `f1_score(average="macro")`.
    pub fn f1_macro(&self, labels: Option<&[i64]>, zero_division: ZeroDivision) -> Result<f64> {
        Ok(self
            .precision_recall_fscore(labels, 1.0, zero_division)?
            .macro_f())
    }

    /// Balanced accuracy: the mean recall over the classes present in `y_true` (a label only
    /// predicted is ignored), as `balanced_accuracy_score`. `adjusted` rescales so that chance
    /// is 0 and perfect is 1: `(score − 1/C)/(1 − 1/C)`, which needs C ≥ 2.
    ///
    /// ```text
    /// score = (1/C) Σ_c  CM[c, c] / Σ_k CM[c, k]        over classes c with Σ_k CM[c, k] > 0
    /// ```
    pub fn balanced_accuracy(&self, adjusted: bool) -> Result<f64> {
        let cm = self.confusion_matrix(None)?;
        let m = cm.matrix();
        let per_class: Vec<f64> = (0..m.nrows())
            .filter_map(|i| {
                let row: f64 = m.row(i).sum();
                (row > 0.0).then(|| m[[i, i]] / row)
            })
            .collect();
        if per_class.is_empty() {
            return Err(ReweighError::AllZeroWeights {
                what: "sample_weight (every class has zero weight)",
            });
        }
        let c = per_class.len() as f64;
        let mut score = per_class.iter().sum::<f64>() / c;
        if adjusted {
            if per_class.len() < 2 {
                return Err(ReweighError::Incompatible(
                    "adjusted balanced accuracy needs at least two true classes".into(),
                ));
            }
            let chance = 1.0 / c;
            score -= chance;
            score /= 1.0 - chance;
        }
        Ok(score)
    }

    /// The mean cost per sample under `cost` (see [`CostMatrix::expected_cost`]).
    pub fn expected_cost(&self, cost: &CostMatrix) -> Result<f64> {
        cost.expected_cost(&self.confusion_matrix(Some(cost.labels()))?)
    }
}

/// `sklearn.metrics.confusion_matrix(y_true, y_pred)`.
pub fn confusion_matrix<L: ToPrimitive>(y_true: &[L], y_pred: &[L]) -> Result<ConfusionMatrix> {
    Evaluation::new(y_true, y_pred)?.confusion_matrix(None)
}

/// `sklearn.metrics.precision_recall_fscore_support(y_true, y_pred, average=None)` (β = 1,
/// zero division gives 0).
pub fn precision_recall_fscore_support<L: ToPrimitive>(
    y_true: &[L],
    y_pred: &[L],
) -> Result<PerClassScores> {
    Evaluation::new(y_true, y_pred)?.precision_recall_fscore(None, 1.0, ZeroDivision::Warn)
}

/// `sklearn.metrics.balanced_accuracy_score(y_true, y_pred)`.
pub fn balanced_accuracy_score<L: ToPrimitive>(y_true: &[L], y_pred: &[L]) -> Result<f64> {
    Evaluation::new(y_true, y_pred)?.balanced_accuracy(false)
}

/// `sklearn.metrics.f1_score(y_true, y_pred, average="macro")`.
pub fn f1_macro<L: ToPrimitive>(y_true: &[L], y_pred: &[L]) -> Result<f64> {
    Evaluation::new(y_true, y_pred)?.f1_macro(None, ZeroDivision::Warn)
}
