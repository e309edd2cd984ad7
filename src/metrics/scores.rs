//! Per-class precision, recall, F-β and support.

use super::Evaluation;
use crate::error::{Result, ReweighError};
use crate::schemes::counts_internal::class_index;

/// What a score whose denominator is zero becomes (scikit-learn's `zero_division`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ZeroDivision {
    /// scikit-learn's default `"warn"`: 0 (reweigh does not print the warning).
    #[default]
    Warn,
    /// 0.
    Zero,
    /// 1.
    One,
    /// NaN (left out of macro averages).
    Nan,
}

impl ZeroDivision {
    fn value(self) -> f64 {
        match self {
            ZeroDivision::Warn | ZeroDivision::Zero => 0.0,
            ZeroDivision::One => 1.0,
            ZeroDivision::Nan => f64::NAN,
        }
    }
}

/// Precision, recall, F-β and support per label, as
/// `sklearn.metrics.precision_recall_fscore_support(y_true, y_pred, labels=labels,
/// sample_weight=sw, beta=β, average=None, zero_division=...)`.
///
/// ```text
/// precision_c = TP_c / (TP_c + FP_c)
/// recall_c    = TP_c / (TP_c + FN_c)
/// F_c         = (1 + β²)·TP_c / ((1 + β²)·TP_c + β²·FN_c + FP_c)
/// support_c   = TP_c + FN_c
/// ```
///
/// counted over all samples (a listed label's false positives include predictions whose true
/// label is not listed); a zero denominator gives the [`ZeroDivision`] value. β = ∞ gives the
/// recall, β = 0 the precision.
#[derive(Clone, Debug, PartialEq)]
pub struct PerClassScores {
    /// The labels, in the order of the scores.
    pub labels: Vec<i64>,
    /// Precision per label.
    pub precision: Vec<f64>,
    /// Recall per label.
    pub recall: Vec<f64>,
    /// F-β per label.
    pub f_score: Vec<f64>,
    /// Number (total weight) of true samples per label.
    pub support: Vec<f64>,
}

impl PerClassScores {
    pub(crate) fn compute(
        ev: &Evaluation,
        labels: Option<&[i64]>,
        beta: f64,
        zero_division: ZeroDivision,
    ) -> Result<Self> {
        if beta.is_nan() || beta < 0.0 {
            return Err(ReweighError::InvalidParameter {
                name: "beta",
                value: beta,
                expected: ">= 0",
            });
        }
        let labels = match labels {
            Some(l) => l.to_vec(),
            None => ev.present_labels(),
        };
        let index = class_index(&labels)?;
        let l = labels.len();
        let (mut tp, mut pred, mut truth) = (vec![0.0; l], vec![0.0; l], vec![0.0; l]);
        for (i, (t, p)) in ev.y_true.iter().zip(&ev.y_pred).enumerate() {
            let w = ev.weight(i);
            if let Some(&k) = index.get(t) {
                truth[k] += w;
                if t == p {
                    tp[k] += w;
                }
            }
            if let Some(&k) = index.get(p) {
                pred[k] += w;
            }
        }
        let zd = zero_division.value();
        let div = |a: f64, b: f64| if b == 0.0 { zd } else { a / b };
        let precision: Vec<f64> = (0..l).map(|k| div(tp[k], pred[k])).collect();
        let recall: Vec<f64> = (0..l).map(|k| div(tp[k], truth[k])).collect();
        let b2 = beta * beta;
        let f_score = (0..l)
            .map(|k| {
                if beta.is_infinite() {
                    recall[k]
                } else if beta == 0.0 {
                    precision[k]
                } else {
                    div((1.0 + b2) * tp[k], b2 * truth[k] + pred[k])
                }
            })
            .collect();
        Ok(PerClassScores {
            labels,
            precision,
            recall,
            f_score,
            support: truth,
        })
    }

    /// The unweighted mean of the F scores, NaN entries left out (NaN if all are).
    pub fn macro_f(&self) -> f64 {
        nanmean(&self.f_score)
    }

    /// The unweighted mean of the precisions, NaN entries left out.
    pub fn macro_precision(&self) -> f64 {
        nanmean(&self.precision)
    }

    /// The unweighted mean of the recalls, NaN entries left out.
    pub fn macro_recall(&self) -> f64 {
        nanmean(&self.recall)
    }
}

fn nanmean(v: &[f64]) -> f64 {
    let ok: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    if ok.is_empty() {
        return f64::NAN;
    }
    ok.iter().sum::<f64>() / ok.len() as f64
}
