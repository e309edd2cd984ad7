//! The confusion matrix.

use super::Evaluation;
use crate::error::{Result, ReweighError};
use crate::schemes::counts_internal::class_index;
use ndarray::{Array2, ArrayView2};
use std::fmt;

/// Counts (or total sample weight) of samples with true label `labels[i]` predicted as
/// `labels[j]`, as `sklearn.metrics.confusion_matrix(y_true, y_pred, labels=labels,
/// sample_weight=sw)`: rows are true labels, columns predictions. Without `labels`, the sorted
/// labels present in either vector; with `labels`, samples whose true or predicted label is not
/// listed are left out, and at least one listed label must occur in `y_true`.
///
/// # Example
/// ```
/// use reweigh::metrics::confusion_matrix;
/// let cm = confusion_matrix(&[0, 0, 1, 2], &[0, 1, 1, 2]).unwrap();
/// assert_eq!(cm.matrix().row(0).to_vec(), vec![1.0, 1.0, 0.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ConfusionMatrix {
    labels: Vec<i64>,
    matrix: Array2<f64>,
}

impl ConfusionMatrix {
    pub(crate) fn from_evaluation(ev: &Evaluation, labels: Option<&[i64]>) -> Result<Self> {
        let labels = match labels {
            Some(l) => {
                if l.is_empty() {
                    return Err(ReweighError::EmptyBatch { what: "labels" });
                }
                if !ev.y_true.iter().any(|y| l.contains(y)) {
                    return Err(ReweighError::Incompatible(
                        "at least one of the given labels must occur in y_true".into(),
                    ));
                }
                l.to_vec()
            }
            None => ev.present_labels(),
        };
        let index = class_index(&labels)?;
        let mut matrix = Array2::zeros((labels.len(), labels.len()));
        for (i, (t, p)) in ev.y_true.iter().zip(&ev.y_pred).enumerate() {
            if let (Some(&r), Some(&c)) = (index.get(t), index.get(p)) {
                matrix[[r, c]] += ev.weight(i);
            }
        }
        Ok(ConfusionMatrix { labels, matrix })
    }

    /// The labels of the rows and columns.
    pub fn labels(&self) -> &[i64] {
        &self.labels
    }

    /// The matrix, rows true and columns predicted.
    pub fn matrix(&self) -> ArrayView2<'_, f64> {
        self.matrix.view()
    }

    /// The number (total weight) of samples counted.
    pub fn total(&self) -> f64 {
        self.matrix.sum()
    }
}

impl fmt::Display for ConfusionMatrix {
    /// A text table, true labels down, predictions across.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cells: Vec<String> = self.matrix.iter().map(|v| format!("{v}")).collect();
        let w = cells
            .iter()
            .map(String::len)
            .chain(self.labels.iter().map(|l| l.to_string().len()))
            .max()
            .unwrap_or(1);
        write!(f, "{:>w$}", "t\\p")?;
        for l in &self.labels {
            write!(f, "  {l:>w$}")?;
        }
        writeln!(f)?;
        for (i, l) in self.labels.iter().enumerate() {
            write!(f, "{l:>w$}")?;
            for j in 0..self.labels.len() {
                write!(f, "  {:>w$}", cells[i * self.labels.len() + j])?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
