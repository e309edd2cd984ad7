//! Evaluation for imbalanced problems, with scikit-learn's semantics: confusion matrix,
//! per-class precision/recall/F, balanced accuracy, macro-F1, and an expected cost from a cost
//! matrix (seed 003: compare unweighted, weighted and resampled models "on a validation function
//! weighting true-positive, false-positive, true-negative and false-negative differently
//! dependent on cost").
//!
//! [`Evaluation`] validates `y_true`, `y_pred` and optional sample weights once; the free
//! functions are shorthands with scikit-learn's names and defaults.
//!
//! ```
//! use reweigh::metrics::{Evaluation, ZeroDivision};
//! let y_true = [0, 0, 0, 0, 1, 1];
//! let y_pred = [0, 0, 0, 1, 1, 0];
//! let ev = Evaluation::new(&y_true, &y_pred).unwrap();
//! // sklearn.metrics.balanced_accuracy_score(y_true, y_pred) = 0.625
//! assert_eq!(ev.balanced_accuracy(false).unwrap(), 0.625);
//! assert!((ev.f1_macro(None, ZeroDivision::Warn).unwrap() - 0.625).abs() < 1e-15);
//! ```

mod confusion;
mod cost;
mod evaluation;
mod scores;

pub use confusion::ConfusionMatrix;
pub use cost::{BinaryCosts, CostMatrix};
pub use evaluation::{
    Evaluation, balanced_accuracy_score, confusion_matrix, f1_macro,
    precision_recall_fscore_support,
};
pub use scores::{PerClassScores, ZeroDivision};
