//! The configurations of [`BinaryFocalLoss`], [`BinaryFocalLossProbs`] and [`CategoricalFocalLoss`].

use super::{LossConfig, reducer};
use crate::error::Result;
use crate::losses::{BinaryFocalLoss, BinaryFocalLossProbs, CategoricalFocalLoss, KERAS_EPSILON};
use crate::{Framework, OnZeroWeights, Real, Reduction};
use ndarray::Array1;
use serde::{Deserialize, Serialize};

/// How a binary focal loss's `alpha` is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlphaConvention {
    /// `α ∈ [0, 1]` (Keras `apply_class_balancing=True, alpha=α`).
    #[default]
    Plain,
    /// torchvision's: exactly `−1` means no `α` factor.
    Torchvision,
}

/// The options of [`BinaryFocalLoss`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BinaryFocalLossConfig {
    /// The focusing parameter `γ ≥ 0`.
    pub gamma: f64,
    /// The class-balancing factor `α` (none: no factor).
    pub alpha: Option<f64>,
    /// How `alpha` is read.
    pub alpha_convention: AlphaConvention,
    /// Binary label smoothing `ε ∈ [0, 1]`.
    pub label_smoothing: f64,
    /// Average over the last axis before weighting (Keras).
    pub mean_last_axis: bool,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for BinaryFocalLossConfig {
    /// [`BinaryFocalLoss::new`]: `γ = 2`, no `α`, reduction `none`.
    fn default() -> Self {
        BinaryFocalLossConfig {
            gamma: 2.0,
            alpha: None,
            alpha_convention: AlphaConvention::Plain,
            label_smoothing: 0.0,
            mean_last_axis: false,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl BinaryFocalLossConfig {
    /// [`BinaryFocalLoss::torchvision`].
    pub fn torchvision() -> Self {
        BinaryFocalLossConfig {
            alpha: Some(0.25),
            alpha_convention: AlphaConvention::Torchvision,
            on_zero: OnZeroWeights::Nan,
            ..Self::default()
        }
    }

    /// [`BinaryFocalLoss::keras`].
    pub fn keras() -> Self {
        BinaryFocalLossConfig {
            mean_last_axis: true,
            ..Self::default()
        }
        .with_reducer(Framework::Keras.default_reducer())
    }
}

impl LossConfig for BinaryFocalLossConfig {
    type Loss<F: Real> = BinaryFocalLoss<F>;
    const NAME: &'static str = "BinaryFocalLossConfig";

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<BinaryFocalLoss<F>> {
        let mut loss = BinaryFocalLoss::new()
            .gamma(F::of(self.gamma))
            .label_smoothing(F::of(self.label_smoothing))
            .mean_last_axis(self.mean_last_axis)
            .reduction(reducer(self.reduction, self.on_zero));
        if let Some(a) = self.alpha {
            loss = match self.alpha_convention {
                AlphaConvention::Plain => loss.alpha(F::of(a)),
                AlphaConvention::Torchvision => loss.torchvision_alpha(F::of(a)),
            };
        }
        loss.check_options()?;
        Ok(loss)
    }
}

/// The options of [`BinaryFocalLossProbs`] (Keras's `BinaryFocalCrossentropy(from_logits=False)`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BinaryFocalLossProbsConfig {
    /// The focusing parameter `γ ≥ 0`.
    pub gamma: f64,
    /// The class-balancing factor `α ∈ [0, 1]` (none: no factor; Keras's
    /// `apply_class_balancing=True, alpha=α`).
    pub alpha: Option<f64>,
    /// Binary label smoothing `ls ∈ [0, 1]`.
    pub label_smoothing: f64,
    /// The clipping constant `ε ∈ [0, 0.5]` (accepted as `clip_epsilon`).
    #[serde(alias = "clip_epsilon")]
    pub epsilon: f64,
    /// Average over the last axis before weighting (Keras).
    pub mean_last_axis: bool,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for BinaryFocalLossProbsConfig {
    /// [`BinaryFocalLossProbs::new`]: `γ = 2`, no `α`, `ε = 1e-7`, reduction `none`.
    fn default() -> Self {
        BinaryFocalLossProbsConfig {
            gamma: 2.0,
            alpha: None,
            label_smoothing: 0.0,
            epsilon: KERAS_EPSILON,
            mean_last_axis: false,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl BinaryFocalLossProbsConfig {
    /// [`BinaryFocalLossProbs::keras`].
    pub fn keras() -> Self {
        BinaryFocalLossProbsConfig {
            mean_last_axis: true,
            ..Self::default()
        }
        .with_reducer(Framework::Keras.default_reducer())
    }
}

impl LossConfig for BinaryFocalLossProbsConfig {
    type Loss<F: Real> = BinaryFocalLossProbs<F>;
    const NAME: &'static str = "BinaryFocalLossProbsConfig";
    const ALIASES: &'static [(&'static str, &'static str)] = &[("clip_epsilon", "epsilon")];

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<BinaryFocalLossProbs<F>> {
        let mut loss = BinaryFocalLossProbs::new()
            .gamma(F::of(self.gamma))
            .label_smoothing(F::of(self.label_smoothing))
            .epsilon(self.epsilon)
            .mean_last_axis(self.mean_last_axis)
            .reduction(reducer(self.reduction, self.on_zero));
        if let Some(a) = self.alpha {
            loss = loss.alpha(F::of(a));
        }
        loss.check_options()?;
        Ok(loss)
    }
}

/// A categorical focal loss's `alpha`: one value for every class, or one per class (the class
/// weights), as Keras's `alpha` takes either.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AlphaConfig {
    /// The same `α` for every class.
    Scalar(f64),
    /// One `α_c` per class.
    PerClass(Vec<f64>),
}

/// The options of [`CategoricalFocalLoss`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CategoricalFocalLossConfig {
    /// The focusing parameter `γ ≥ 0`.
    pub gamma: f64,
    /// `α` (none: no factor).
    pub alpha: Option<AlphaConfig>,
    /// Round a per-class `alpha` to float32 first, as Keras does with a Python list.
    pub keras_alpha_list: bool,
    /// Whether the input is logits (else probabilities).
    pub from_logits: bool,
    /// Label smoothing `ε ∈ [0, 1]`.
    pub label_smoothing: f64,
    /// The clipping constant `ε ∈ [0, 0.5]` (none: no clipping; accepted as `clip_epsilon`).
    #[serde(alias = "clip_epsilon")]
    pub epsilon: Option<f64>,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for CategoricalFocalLossConfig {
    /// [`CategoricalFocalLoss::new`]: from logits, `γ = 2`, no `α`, no clipping, reduction
    /// `none`.
    fn default() -> Self {
        CategoricalFocalLossConfig {
            gamma: 2.0,
            alpha: None,
            keras_alpha_list: false,
            from_logits: true,
            label_smoothing: 0.0,
            epsilon: None,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl CategoricalFocalLossConfig {
    /// [`CategoricalFocalLoss::keras`].
    pub fn keras() -> Self {
        CategoricalFocalLossConfig {
            alpha: Some(AlphaConfig::Scalar(0.25)),
            epsilon: Some(KERAS_EPSILON),
            ..Self::default()
        }
        .with_reducer(Framework::Keras.default_reducer())
    }
}

impl LossConfig for CategoricalFocalLossConfig {
    type Loss<F: Real> = CategoricalFocalLoss<F>;
    const NAME: &'static str = "CategoricalFocalLossConfig";
    const ALIASES: &'static [(&'static str, &'static str)] = &[("clip_epsilon", "epsilon")];

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<CategoricalFocalLoss<F>> {
        let mut loss = CategoricalFocalLoss::new()
            .gamma(F::of(self.gamma))
            .label_smoothing(F::of(self.label_smoothing))
            .from_logits(self.from_logits)
            .epsilon(self.epsilon)
            .reduction(reducer(self.reduction, self.on_zero));
        loss = match &self.alpha {
            None => loss.no_alpha(),
            Some(AlphaConfig::Scalar(a)) => loss.alpha(F::of(*a)),
            Some(AlphaConfig::PerClass(a)) if self.keras_alpha_list => loss.keras_alpha_list(a),
            Some(AlphaConfig::PerClass(a)) => {
                loss.class_weights(a.iter().map(|&a| F::of(a)).collect::<Array1<F>>())
            }
        };
        loss.check_options()?;
        Ok(loss)
    }
}
