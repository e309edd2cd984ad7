//! The configurations of [`AsymmetricLoss`] and [`SingleLabelAsymmetricLoss`].

use super::{LossConfig, array, reducer};
use crate::error::Result;
use crate::losses::{AsymmetricLoss, SingleLabelAsymmetricLoss};
use crate::{OnZeroWeights, Real, Reduction};
use ndarray::ArrayD;
use serde::{Deserialize, Serialize};

/// The options of [`AsymmetricLoss`] (multi-label), with timm's names where reweigh's
/// vocabulary has another one: `clip` is `margin`, `eps` is `epsilon`,
/// `disable_torch_grad_focal_loss` is `detach_focal_weight`, `weight` is `class_weights`,
/// `smoothing` is `label_smoothing`.
///
/// ```
/// use reweigh::config::{AsymmetricLossConfig, LossConfig};
/// // timm.loss.AsymmetricLossMultiLabel(gamma_neg=2, clip=0.0, reduction='sum')
/// let c = AsymmetricLossConfig::timm()
///     .with_params(&serde_json::json!({"gamma_neg": 2.0, "clip": 0.0, "sum_over_classes": false, "reduction": "sum"}))
///     .unwrap();
/// assert_eq!(c.margin, 0.0);
/// assert!(c.build::<f32>().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AsymmetricLossConfig {
    /// `γ₋ ≥ 0`.
    pub gamma_neg: f64,
    /// `γ₊ ≥ 0`.
    pub gamma_pos: f64,
    /// The negatives' probability margin `m ∈ [0, 1]` (timm's `clip`).
    #[serde(alias = "clip")]
    pub margin: f64,
    /// The clamp `ε` before the logarithm (timm's `eps`).
    #[serde(alias = "eps")]
    pub epsilon: f64,
    /// The focusing factor is a constant for the gradient (timm's `disable_torch_grad_focal_loss`).
    #[serde(alias = "disable_torch_grad_focal_loss")]
    pub detach_focal_weight: bool,
    /// Label smoothing towards 1/2 (timm's `smoothing`).
    #[serde(alias = "smoothing")]
    pub label_smoothing: f64,
    /// One weight per class (timm's `weight`).
    #[serde(with = "array::optional", alias = "weight")]
    pub class_weights: Option<ArrayD<f64>>,
    /// The positive term's weight, a scalar or one per class.
    #[serde(with = "array::optional")]
    pub pos_weight: Option<ArrayD<f64>>,
    /// Reduce the per-row sums over the class axis (timm's `'batchmean'` and `'sum'`).
    pub sum_over_classes: bool,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for AsymmetricLossConfig {
    /// [`AsymmetricLoss::new`].
    fn default() -> Self {
        AsymmetricLossConfig {
            gamma_neg: 4.0,
            gamma_pos: 1.0,
            margin: 0.05,
            epsilon: 1e-8,
            detach_focal_weight: false,
            label_smoothing: 0.0,
            class_weights: None,
            pos_weight: None,
            sum_over_classes: false,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl AsymmetricLossConfig {
    /// [`AsymmetricLoss::timm`]: `'batchmean'`.
    pub fn timm() -> Self {
        AsymmetricLossConfig {
            sum_over_classes: true,
            reduction: Reduction::SumOverBatchSize,
            ..Self::default()
        }
    }
}

impl LossConfig for AsymmetricLossConfig {
    type Loss<F: Real> = AsymmetricLoss<F>;
    const NAME: &'static str = "AsymmetricLossConfig";
    const ALIASES: &'static [(&'static str, &'static str)] = &[
        ("clip", "margin"),
        ("eps", "epsilon"),
        ("disable_torch_grad_focal_loss", "detach_focal_weight"),
        ("smoothing", "label_smoothing"),
        ("weight", "class_weights"),
    ];

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<AsymmetricLoss<F>> {
        let mut loss = AsymmetricLoss::new()
            .gamma_neg(F::of(self.gamma_neg))
            .gamma_pos(F::of(self.gamma_pos))
            .margin(F::of(self.margin))
            .epsilon(F::of(self.epsilon))
            .detach_focal_weight(self.detach_focal_weight)
            .label_smoothing(F::of(self.label_smoothing))
            .sum_over_classes(self.sum_over_classes)
            .reduction(reducer(self.reduction, self.on_zero));
        if let Some(w) = &self.class_weights {
            loss = loss.class_weights(array::per_class("class_weights", w)?);
        }
        if let Some(pw) = &self.pos_weight {
            loss = loss.pos_weight(pw.mapv(F::of));
        }
        loss.check_options()?;
        Ok(loss)
    }
}

/// The options of [`SingleLabelAsymmetricLoss`] (timm's `eps` is `label_smoothing`).
///
/// ```
/// use reweigh::config::{LossConfig, SingleLabelAsymmetricLossConfig};
/// let c = SingleLabelAsymmetricLossConfig::from_json(r#"{"gamma_pos": 0.0, "eps": 0.2}"#).unwrap();
/// assert_eq!(c.label_smoothing, 0.2);
/// assert!(c.build::<f64>().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SingleLabelAsymmetricLossConfig {
    /// `γ₊ ≥ 0`.
    pub gamma_pos: f64,
    /// `γ₋ ≥ 0`.
    pub gamma_neg: f64,
    /// Label smoothing (timm's `eps`).
    #[serde(alias = "eps")]
    pub label_smoothing: f64,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for SingleLabelAsymmetricLossConfig {
    /// [`SingleLabelAsymmetricLoss::new`].
    fn default() -> Self {
        SingleLabelAsymmetricLossConfig {
            gamma_pos: 1.0,
            gamma_neg: 4.0,
            label_smoothing: 0.1,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl LossConfig for SingleLabelAsymmetricLossConfig {
    type Loss<F: Real> = SingleLabelAsymmetricLoss<F>;
    const NAME: &'static str = "SingleLabelAsymmetricLossConfig";
    const ALIASES: &'static [(&'static str, &'static str)] = &[("eps", "label_smoothing")];

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<SingleLabelAsymmetricLoss<F>> {
        let loss = SingleLabelAsymmetricLoss::new()
            .gamma_pos(F::of(self.gamma_pos))
            .gamma_neg(F::of(self.gamma_neg))
            .label_smoothing(F::of(self.label_smoothing))
            .reduction(reducer(self.reduction, self.on_zero));
        loss.check_options()?;
        Ok(loss)
    }
}
