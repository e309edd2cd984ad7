//! The configuration of [`LdamLoss`].

use super::{LossConfig, SparseSoftmaxCrossEntropyConfig};
use crate::error::Result;
use crate::losses::{LdamLoss, ldam_margins};
use crate::{OnZeroWeights, Real, Reduction};
use ndarray::Array1;
use serde::{Deserialize, Serialize};

/// The options of [`LdamLoss`]: the class counts and `max_m` that give the margins (or the
/// margins themselves, e.g. a reference run's `m_list`), the scale `s`, and the cross-entropy
/// of the margined logits (PyTorch's defaults; its `class_weights` are the reference's `weight`).
///
/// ```
/// use reweigh::config::{LdamConfig, LossConfig};
/// let c = LdamConfig::from_json(r#"{"counts": [5000, 500, 50], "max_m": 0.5, "s": 30}"#).unwrap();
/// let loss = c.build::<f32>().unwrap();
/// assert_eq!(loss.margins()[2], 0.5);
/// assert!(LdamConfig { counts: vec![10.0, 0.0], ..c }.build::<f32>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LdamConfig {
    /// Samples per class (the reference's `num_class_list`).
    pub counts: Vec<f64>,
    /// The largest margin.
    pub max_m: f64,
    /// The scale `s`.
    #[serde(alias = "s")]
    pub scale: f64,
    /// Explicit margins, used instead of the ones from `counts` and `max_m`.
    pub margins: Option<Vec<f64>>,
    /// The cross-entropy of the margined, scaled logits.
    pub base: SparseSoftmaxCrossEntropyConfig,
}

impl Default for LdamConfig {
    /// No counts (they must be given), the reference's `max_m = 0.5`, `s = 30`, PyTorch's
    /// cross-entropy defaults.
    fn default() -> Self {
        LdamConfig {
            counts: Vec::new(),
            max_m: 0.5,
            scale: 30.0,
            margins: None,
            base: SparseSoftmaxCrossEntropyConfig::pytorch(),
        }
    }
}

impl LossConfig for LdamConfig {
    type Loss<F: Real> = LdamLoss<F>;
    const NAME: &'static str = "LdamConfig";
    const ALIASES: &'static [(&'static str, &'static str)] = &[("s", "scale")];

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        self.base.reducer_mut()
    }

    fn build<F: Real>(&self) -> Result<LdamLoss<F>> {
        let margins = match &self.margins {
            Some(m) => Array1::from(m.clone()),
            None => ldam_margins(&self.counts, self.max_m)?,
        };
        let loss = LdamLoss::new(margins.mapv(F::of), F::of(self.scale)).base(self.base.build()?);
        loss.check_options()?;
        Ok(loss)
    }
}
