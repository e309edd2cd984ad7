//! The configuration of [`SigmoidCrossEntropy`].

use super::{LossConfig, array};
use crate::error::Result;
use crate::losses::SigmoidCrossEntropy;
use crate::{Framework, OnZeroWeights, Real, Reduction};
use ndarray::ArrayD;
use serde::{Deserialize, Serialize};

/// The options of [`SigmoidCrossEntropy`] (see its documentation for the formula).
///
/// ```
/// use reweigh::config::{LossConfig, SigmoidCrossEntropyConfig};
/// // torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([50.0])), as a user would write it
/// let c = SigmoidCrossEntropyConfig::pytorch()
///     .with_params(&serde_json::json!({"pos_weight": [50.0]}))
///     .unwrap();
/// assert_eq!(c.reduction, reweigh::Reduction::WeightedMean);
/// let loss = c.build::<f32>().unwrap();
/// # let _ = loss;
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SigmoidCrossEntropyConfig {
    /// Weight of the positive term, broadcast to the logits (torch `pos_weight`).
    #[serde(with = "array::optional")]
    pub pos_weight: Option<ArrayD<f64>>,
    /// Weight of both terms, broadcast to the logits (torch `weight=`, accepted as `weight`).
    #[serde(with = "array::optional", alias = "weight")]
    pub element_weights: Option<ArrayD<f64>>,
    /// Binary label smoothing `ε ∈ [0, 1]`.
    pub label_smoothing: f64,
    /// Average over the last axis before weighting (Keras).
    pub mean_last_axis: bool,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for SigmoidCrossEntropyConfig {
    /// [`SigmoidCrossEntropy::new`]: element-wise, no weights, reduction `none`.
    fn default() -> Self {
        SigmoidCrossEntropyConfig {
            pos_weight: None,
            element_weights: None,
            label_smoothing: 0.0,
            mean_last_axis: false,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl SigmoidCrossEntropyConfig {
    /// [`SigmoidCrossEntropy::pytorch`].
    pub fn pytorch() -> Self {
        Self::default().with_reducer(Framework::PyTorch.default_reducer())
    }

    /// [`SigmoidCrossEntropy::keras`].
    pub fn keras() -> Self {
        SigmoidCrossEntropyConfig {
            mean_last_axis: true,
            ..Self::default()
        }
        .with_reducer(Framework::Keras.default_reducer())
    }

    /// [`SigmoidCrossEntropy::tf1`].
    pub fn tf1() -> Self {
        Self::default().with_reducer(Framework::Tf1.default_reducer())
    }
}

impl LossConfig for SigmoidCrossEntropyConfig {
    type Loss<F: Real> = SigmoidCrossEntropy<F>;
    const NAME: &'static str = "SigmoidCrossEntropyConfig";
    const ALIASES: &'static [(&'static str, &'static str)] = &[("weight", "element_weights")];

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<SigmoidCrossEntropy<F>> {
        let mut loss = SigmoidCrossEntropy::new()
            .label_smoothing(F::of(self.label_smoothing))
            .mean_last_axis(self.mean_last_axis)
            .reduction(super::reducer(self.reduction, self.on_zero));
        if let Some(q) = &self.pos_weight {
            loss = loss.pos_weight(array::of(q));
        }
        if let Some(v) = &self.element_weights {
            loss = loss.element_weights(array::of(v));
        }
        loss.check_options()?;
        Ok(loss)
    }
}
