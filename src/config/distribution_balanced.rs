//! The configuration of [`DistributionBalancedLoss`].

use super::{LossConfig, reducer};
use crate::error::Result;
use crate::losses::DistributionBalancedLoss;
use crate::{OnZeroWeights, Real, Reduction};
use serde::{Deserialize, Serialize};

/// The options of [`DistributionBalancedLoss`], with timm's names (`smoothing` is accepted for
/// `label_smoothing`).
///
/// ```
/// use reweigh::config::{DistributionBalancedConfig, LossConfig};
/// let c = DistributionBalancedConfig::from_json(
///     r#"{"class_counts": [600, 300, 4], "num_samples": 1000, "focal_gamma": 0, "reduction": "sum"}"#,
/// ).unwrap();
/// assert!(c.build::<f32>().is_ok());
/// assert!(DistributionBalancedConfig { num_samples: 1, ..c }.build::<f32>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DistributionBalancedConfig {
    /// Positive samples per class over the training set.
    pub class_counts: Vec<f64>,
    /// The number of training samples the counts were taken over.
    pub num_samples: u64,
    /// Minimum weight of the re-balancing map.
    pub map_alpha: f64,
    /// Scale of the re-balancing map.
    pub map_beta: f64,
    /// Threshold of the re-balancing map.
    pub map_mu: f64,
    /// The negatives' logit scale `λ`.
    pub neg_scale: f64,
    /// The prior shift factor `κ`.
    pub init_bias: f64,
    /// The focusing parameter `γ` (0 disables the focal term).
    pub focal_gamma: f64,
    /// The focal term's constant scale.
    pub focal_balance: f64,
    /// Label smoothing towards 1/2 (timm's `smoothing`).
    #[serde(alias = "smoothing")]
    pub label_smoothing: f64,
    /// Reduce the per-row sums over the class axis (timm's `'batchmean'`).
    pub sum_over_classes: bool,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for DistributionBalancedConfig {
    /// timm's defaults without counts (they must be given), one loss per element.
    fn default() -> Self {
        DistributionBalancedConfig {
            class_counts: Vec::new(),
            num_samples: 0,
            map_alpha: 0.1,
            map_beta: 10.0,
            map_mu: 0.2,
            neg_scale: 2.0,
            init_bias: 0.05,
            focal_gamma: 2.0,
            focal_balance: 2.0,
            label_smoothing: 0.0,
            sum_over_classes: false,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl LossConfig for DistributionBalancedConfig {
    type Loss<F: Real> = DistributionBalancedLoss<F>;
    const NAME: &'static str = "DistributionBalancedConfig";
    const ALIASES: &'static [(&'static str, &'static str)] = &[("smoothing", "label_smoothing")];

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<DistributionBalancedLoss<F>> {
        let loss = DistributionBalancedLoss::new(&self.class_counts, self.num_samples)?
            .map(
                F::of(self.map_alpha),
                F::of(self.map_beta),
                F::of(self.map_mu),
            )
            .negative_tolerance(F::of(self.neg_scale), F::of(self.init_bias))
            .focal(F::of(self.focal_gamma), F::of(self.focal_balance))
            .label_smoothing(F::of(self.label_smoothing))
            .sum_over_classes(self.sum_over_classes)
            .reduction(reducer(self.reduction, self.on_zero));
        loss.check_options()?;
        Ok(loss)
    }
}
