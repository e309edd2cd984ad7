//! Configurations: every loss's options as plain data, validated once when the loss is built.
//!
//! Each loss has a configuration type (`SigmoidCrossEntropyConfig` for
//! [`SigmoidCrossEntropy`](crate::losses::SigmoidCrossEntropy), …) with public fields, the same
//! framework presets as the loss (`pytorch()`, `keras()`, `tf1()` where the framework has the
//! loss), serde `Serialize`/`Deserialize` (unknown option names are an error, missing ones take
//! the [`Default`], which is the loss's `new()`), and [`LossConfig::build`], which checks every
//! option and returns the loss or the typed error that names the bad option:
//!
//! ```
//! use reweigh::config::{LossConfig, SigmoidCrossEntropyConfig};
//! use reweigh::{Loss, ReweighError};
//! let config: SigmoidCrossEntropyConfig =
//!     serde_json::from_str(r#"{"pos_weight": [2.0, 0.5], "reduction": "weighted_mean"}"#).unwrap();
//! let loss = config.build::<f32>().unwrap();
//! let x = ndarray::array![[0.3_f32, -1.0]];
//! let z = ndarray::array![[1.0_f32, 0.0]];
//! assert!(loss.forward(&x, &z).is_ok());
//!
//! // a bad option fails when the loss is built, not at the first batch
//! let bad = SigmoidCrossEntropyConfig { label_smoothing: 1.5, ..SigmoidCrossEntropyConfig::keras() };
//! assert!(matches!(bad.build::<f32>(), Err(ReweighError::InvalidParameter { name: "label_smoothing", .. })));
//! // an unknown option name is an error that lists the valid ones
//! let err = SigmoidCrossEntropyConfig::keras().with_params(&serde_json::json!({"gama": 2.0})).unwrap_err();
//! assert!(err.to_string().contains("unknown field `gama`"), "{err}");
//! ```
//!
//! ## One vocabulary
//!
//! The same idea has the same name in every loss (and in its builder methods):
//!
//! | name | meaning | framework spellings |
//! |---|---|---|
//! | `class_weights` | one weight per class, gathered by the label (`(C,)`) | torch `weight=` of `CrossEntropyLoss`/`NLLLoss`, Keras `class_weight=`, focal `alpha` lists |
//! | `element_weights` | a weight that broadcasts to the element losses | torch `weight=` of `BCEWithLogitsLoss`/`BCELoss` |
//! | `pos_weight` | the weight of the positive term of a binary loss | torch `pos_weight=`, TF `pos_weight` |
//! | `ignore_index` / `ignore_class` | a label whose rows are left out (`Option<i64>`) | torch `ignore_index`, Keras `ignore_class` |
//! | `label_smoothing` | one value `ε ∈ [0, 1]`; `smoothing_form` where class weights make the form matter | torch/Keras `label_smoothing` |
//! | `epsilon` | the clipping constant of a probability-space loss (`[ε, 1 − ε]`) | `keras.config.epsilon()` |
//! | `clip` | the clipping *rule* of a binary probability loss ([`ProbClip`](crate::losses::ProbClip)) | Keras clip, torch `log` clamped at −100, TF1 `log_loss` |
//! | `reduction`, `on_zero` | the [`Reduction`] and what a zero denominator gives | torch/Keras `reduction=` |
//!
//! Arrays (`class_weights`, `pos_weight`, …) are a number or nested lists of numbers;
//! `"nan"`, `"inf"` and `"-inf"` are accepted as strings.

mod array;
mod asymmetric;
mod class_balanced;
mod cost_matrix;
mod distribution_balanced;
mod focal;
mod ldam;
mod logit_adjusted;
mod poly;
mod probs;
mod sigmoid;
mod softmax;
mod tversky;

pub use asymmetric::{AsymmetricLossConfig, SingleLabelAsymmetricLossConfig};
pub use class_balanced::ClassBalancedConfig;
pub use cost_matrix::{CostMatrixConfig, CostWeightsConfig};
pub use distribution_balanced::DistributionBalancedConfig;
pub use focal::{
    AlphaConfig, AlphaConvention, BinaryFocalLossConfig, BinaryFocalLossProbsConfig,
    CategoricalFocalLossConfig,
};
pub use ldam::LdamConfig;
pub use logit_adjusted::LogitAdjustedConfig;
pub use poly::PolyCrossEntropyConfig;
pub use probs::{
    BinaryCrossEntropyConfig, CategoricalCrossEntropyProbsConfig, ClipRule, NllLossConfig,
    SparseCategoricalCrossEntropyProbsConfig,
};
pub use sigmoid::SigmoidCrossEntropyConfig;
pub use softmax::{SoftmaxCrossEntropyConfig, SparseSoftmaxCrossEntropyConfig};
pub use tversky::{PerSampleTverskyConfig, SegmentationTverskyConfig, TverskyConfig};

use crate::error::{Result, ReweighError};
use crate::{OnZeroWeights, Real, Reducer, Reduction};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A loss's options as data: built into the loss once, with every option checked.
pub trait LossConfig: Clone + Default + Serialize + DeserializeOwned {
    /// The loss this configuration builds, in precision `F`.
    type Loss<F: Real>;

    /// The name of the configuration type, for error messages.
    const NAME: &'static str;

    /// Other names accepted for fields (framework spellings): `(alias, field)`. The fields also
    /// carry `#[serde(alias)]`; this list lets [`Self::with_params`] replace the field.
    const ALIASES: &'static [(&'static str, &'static str)] = &[];

    /// Checks every option and builds the loss; a bad option is an error here, not at the first
    /// call.
    fn build<F: Real>(&self) -> Result<Self::Loss<F>>;

    /// The configuration's `reduction` and `on_zero` fields.
    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights);

    /// This configuration with `reducer`'s reduction and zero-denominator rule (a framework
    /// preset is the loss's defaults with the framework's reducer).
    fn with_reducer(mut self, reducer: Reducer) -> Self {
        let (reduction, on_zero) = self.reducer_mut();
        *reduction = reducer.reduction;
        *on_zero = reducer.on_zero;
        self
    }

    /// This configuration with the entries of a JSON object put over it: each non-null entry
    /// replaces the field of that name (a `null` keeps the field as it is). An unknown name, a
    /// value of the wrong type or a malformed array is [`ReweighError::InvalidConfig`].
    fn with_params(&self, params: &Value) -> Result<Self> {
        let invalid = |message: String| ReweighError::InvalidConfig {
            what: Self::NAME,
            message,
        };
        let Value::Object(over) = params else {
            return Err(invalid(format!("expected an object, got {params}")));
        };
        let mut merged = serde_json::to_value(self).map_err(|e| invalid(e.to_string()))?;
        let Value::Object(fields) = &mut merged else {
            return Err(invalid("a configuration serialises to an object".into()));
        };
        for (name, value) in over {
            if value.is_null() {
                continue;
            }
            let field = Self::ALIASES
                .iter()
                .find(|(alias, _)| alias == name)
                .map_or(name.as_str(), |&(_, field)| field);
            if field != name && over.get(field).is_some_and(|v| !v.is_null()) {
                return Err(invalid(format!(
                    "duplicate field `{field}` (also given as `{name}`)"
                )));
            }
            fields.insert(field.to_string(), value.clone());
        }
        serde_json::from_value(merged).map_err(|e| invalid(e.to_string()))
    }

    /// Parses a configuration from JSON text (missing options take their defaults).
    fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| ReweighError::InvalidConfig {
            what: Self::NAME,
            message: e.to_string(),
        })
    }
}

/// The reducer of a configuration's `reduction` and `on_zero`.
fn reducer(reduction: Reduction, on_zero: OnZeroWeights) -> Reducer {
    Reducer { reduction, on_zero }
}
