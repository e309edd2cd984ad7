//! The configuration of [`LogitAdjustedCrossEntropy`] (logit-adjusted loss, Balanced Softmax).

use super::{LossConfig, SparseSoftmaxCrossEntropyConfig};
use crate::error::Result;
use crate::losses::{LogitAdjustedCrossEntropy, LogitOffset};
use crate::{OnZeroWeights, Real, Reduction};
use serde::{Deserialize, Serialize};

/// The options of [`LogitAdjustedCrossEntropy`]: the class counts (or priors), how the offsets
/// come from them, and the cross-entropy applied to the shifted logits (class weights,
/// `ignore_index`, label smoothing, reduction).
///
/// ```
/// use reweigh::config::{LogitAdjustedConfig, LossConfig};
/// // Ren et al.'s balanced_softmax_loss(labels, logits, sample_per_class, 'mean')
/// let c = LogitAdjustedConfig::from_json(
///     r#"{"counts": [500, 50, 5], "offset": "balanced_softmax",
///         "base": {"ignore_index": -100, "smoothing_form": "pytorch", "reduction": "weighted_mean", "on_zero": "nan"}}"#,
/// ).unwrap();
/// assert_eq!(c, LogitAdjustedConfig::balanced_softmax(vec![500.0, 50.0, 5.0]));
/// assert!(c.build::<f32>().is_ok());
/// assert!(LogitAdjustedConfig { counts: vec![], ..c }.build::<f32>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogitAdjustedConfig {
    /// Samples per class (any non-negative weights: priors work too).
    pub counts: Vec<f64>,
    /// How the offsets come from the counts.
    pub offset: LogitOffset,
    /// The cross-entropy of the shifted logits.
    pub base: SparseSoftmaxCrossEntropyConfig,
}

impl Default for LogitAdjustedConfig {
    /// No counts (they must be given), Menon et al.'s offsets with τ = 1, the plain
    /// cross-entropy (reduction `none`).
    fn default() -> Self {
        LogitAdjustedConfig {
            counts: Vec::new(),
            offset: LogitOffset::Menon { tau: 1.0 },
            base: SparseSoftmaxCrossEntropyConfig::default(),
        }
    }
}

impl LogitAdjustedConfig {
    /// [`LogitAdjustedCrossEntropy::menon`].
    pub fn menon(counts: Vec<f64>, tau: f64) -> Self {
        LogitAdjustedConfig {
            counts,
            offset: LogitOffset::Menon { tau },
            base: SparseSoftmaxCrossEntropyConfig::keras(),
        }
    }

    /// [`LogitAdjustedCrossEntropy::balanced_softmax`].
    pub fn balanced_softmax(counts: Vec<f64>) -> Self {
        LogitAdjustedConfig {
            counts,
            offset: LogitOffset::BalancedSoftmax,
            base: SparseSoftmaxCrossEntropyConfig::pytorch(),
        }
    }
}

impl LossConfig for LogitAdjustedConfig {
    type Loss<F: Real> = LogitAdjustedCrossEntropy<F>;
    const NAME: &'static str = "LogitAdjustedConfig";

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        self.base.reducer_mut()
    }

    fn build<F: Real>(&self) -> Result<LogitAdjustedCrossEntropy<F>> {
        let offsets = self.offset.offsets::<F>(&self.counts)?;
        let loss = LogitAdjustedCrossEntropy::new(offsets).base(self.base.build()?);
        loss.check_options()?;
        Ok(loss)
    }
}
