//! The configurations of the probability-space losses: [`BinaryCrossEntropy`],
//! [`CategoricalCrossEntropyProbs`], [`SparseCategoricalCrossEntropyProbs`] and [`NllLoss`].

use super::{LossConfig, array, reducer};
use crate::error::Result;
use crate::losses::{
    BinaryCrossEntropy, CategoricalCrossEntropyProbs, NllLoss, ProbClip,
    SparseCategoricalCrossEntropyProbs,
};
use crate::{Framework, OnZeroWeights, Real, Reduction};
use ndarray::ArrayD;
use serde::{Deserialize, Serialize};

/// The clipping rule of [`BinaryCrossEntropy`], by name (the [`ProbClip`] variants); its
/// constant is the configuration's `epsilon`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClipRule {
    /// [`ProbClip::Keras`]: clip to `[ε, 1 − ε]`.
    Keras,
    /// [`ProbClip::PyTorch`]: each log clamped at −100 (no `ε`).
    Pytorch,
    /// [`ProbClip::Tf1LogLoss`]: `ε` added inside the logarithms.
    Tf1,
}

/// The options of [`BinaryCrossEntropy`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BinaryCrossEntropyConfig {
    /// How the logarithms are kept finite.
    pub clip: ClipRule,
    /// The constant of the `keras` and `tf1` rules.
    pub epsilon: f64,
    /// Weight of the loss, broadcast to the input (torch `weight=`, accepted as `weight`).
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

impl Default for BinaryCrossEntropyConfig {
    /// [`BinaryCrossEntropy::new`]: Keras clipping with `ε = 1e-7`, reduction `none`.
    fn default() -> Self {
        BinaryCrossEntropyConfig {
            clip: ClipRule::Keras,
            epsilon: ProbClip::DEFAULT_EPSILON,
            element_weights: None,
            label_smoothing: 0.0,
            mean_last_axis: false,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl BinaryCrossEntropyConfig {
    /// [`BinaryCrossEntropy::keras`].
    pub fn keras() -> Self {
        BinaryCrossEntropyConfig {
            mean_last_axis: true,
            ..Self::default()
        }
        .with_reducer(Framework::Keras.default_reducer())
    }

    /// [`BinaryCrossEntropy::pytorch`].
    pub fn pytorch() -> Self {
        BinaryCrossEntropyConfig {
            clip: ClipRule::Pytorch,
            ..Self::default()
        }
        .with_reducer(Framework::PyTorch.default_reducer())
    }

    /// [`BinaryCrossEntropy::tf1`].
    pub fn tf1() -> Self {
        BinaryCrossEntropyConfig {
            clip: ClipRule::Tf1,
            ..Self::default()
        }
        .with_reducer(Framework::Tf1.default_reducer())
    }

    /// The clipping rule with its constant.
    pub fn prob_clip(&self) -> ProbClip {
        match self.clip {
            ClipRule::Keras => ProbClip::Keras {
                epsilon: self.epsilon,
            },
            ClipRule::Pytorch => ProbClip::PyTorch,
            ClipRule::Tf1 => ProbClip::Tf1LogLoss {
                epsilon: self.epsilon,
            },
        }
    }
}

impl LossConfig for BinaryCrossEntropyConfig {
    type Loss<F: Real> = BinaryCrossEntropy<F>;
    const NAME: &'static str = "BinaryCrossEntropyConfig";
    const ALIASES: &'static [(&'static str, &'static str)] = &[("weight", "element_weights")];

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<BinaryCrossEntropy<F>> {
        let mut loss = BinaryCrossEntropy::new()
            .clip(self.prob_clip())
            .label_smoothing(F::of(self.label_smoothing))
            .mean_last_axis(self.mean_last_axis)
            .reduction(reducer(self.reduction, self.on_zero));
        if let Some(v) = &self.element_weights {
            loss = loss.element_weights(array::of(v));
        }
        loss.check_options()?;
        Ok(loss)
    }
}

/// The options of [`CategoricalCrossEntropyProbs`] (Keras `from_logits=False`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CategoricalCrossEntropyProbsConfig {
    /// The clipping constant `ε ∈ [0, 0.5]`.
    pub epsilon: f64,
    /// Label smoothing `ε ∈ [0, 1]`.
    pub label_smoothing: f64,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for CategoricalCrossEntropyProbsConfig {
    /// [`CategoricalCrossEntropyProbs::new`].
    fn default() -> Self {
        CategoricalCrossEntropyProbsConfig {
            epsilon: ProbClip::DEFAULT_EPSILON,
            label_smoothing: 0.0,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl CategoricalCrossEntropyProbsConfig {
    /// [`CategoricalCrossEntropyProbs::keras`].
    pub fn keras() -> Self {
        Self::default().with_reducer(Framework::Keras.default_reducer())
    }
}

impl LossConfig for CategoricalCrossEntropyProbsConfig {
    type Loss<F: Real> = CategoricalCrossEntropyProbs<F>;
    const NAME: &'static str = "CategoricalCrossEntropyProbsConfig";

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<CategoricalCrossEntropyProbs<F>> {
        let loss = CategoricalCrossEntropyProbs::new()
            .epsilon(self.epsilon)
            .label_smoothing(F::of(self.label_smoothing))
            .reduction(reducer(self.reduction, self.on_zero));
        loss.check_options()?;
        Ok(loss)
    }
}

/// The options of [`SparseCategoricalCrossEntropyProbs`] (Keras `from_logits=False`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SparseCategoricalCrossEntropyProbsConfig {
    /// The clipping constant `ε ∈ [0, 0.5]`.
    pub epsilon: f64,
    /// Keras's `ignore_class`.
    pub ignore_class: Option<i64>,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for SparseCategoricalCrossEntropyProbsConfig {
    /// [`SparseCategoricalCrossEntropyProbs::new`].
    fn default() -> Self {
        SparseCategoricalCrossEntropyProbsConfig {
            epsilon: ProbClip::DEFAULT_EPSILON,
            ignore_class: None,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl SparseCategoricalCrossEntropyProbsConfig {
    /// [`SparseCategoricalCrossEntropyProbs::keras`].
    pub fn keras() -> Self {
        Self::default().with_reducer(Framework::Keras.default_reducer())
    }
}

impl LossConfig for SparseCategoricalCrossEntropyProbsConfig {
    type Loss<F: Real> = SparseCategoricalCrossEntropyProbs;
    const NAME: &'static str = "SparseCategoricalCrossEntropyProbsConfig";

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<SparseCategoricalCrossEntropyProbs> {
        let loss = SparseCategoricalCrossEntropyProbs::new()
            .epsilon(self.epsilon)
            .ignore_class(self.ignore_class)
            .reduction(reducer(self.reduction, self.on_zero));
        loss.check_options()?;
        Ok(loss)
    }
}

/// The options of [`NllLoss`] (`torch.nn.NLLLoss`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NllLossConfig {
    /// One weight per class (torch `weight=`, accepted as `weight`).
    #[serde(with = "array::optional", alias = "weight")]
    pub class_weights: Option<ArrayD<f64>>,
    /// torch's `ignore_index`.
    pub ignore_index: Option<i64>,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for NllLossConfig {
    /// [`NllLoss::new`]: nothing ignored, reduction `none`.
    fn default() -> Self {
        NllLossConfig {
            class_weights: None,
            ignore_index: None,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl NllLossConfig {
    /// [`NllLoss::pytorch`]: `ignore_index = −100`, weighted mean, NaN on zero weights.
    pub fn pytorch() -> Self {
        NllLossConfig {
            ignore_index: Some(NllLoss::<f64>::DEFAULT_IGNORE_INDEX),
            ..Self::default()
        }
        .with_reducer(Framework::PyTorch.default_reducer())
    }
}

impl LossConfig for NllLossConfig {
    type Loss<F: Real> = NllLoss<F>;
    const NAME: &'static str = "NllLossConfig";
    const ALIASES: &'static [(&'static str, &'static str)] = &[("weight", "class_weights")];

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<NllLoss<F>> {
        let mut loss = NllLoss::new()
            .ignore_index(self.ignore_index)
            .reduction(reducer(self.reduction, self.on_zero));
        if let Some(w) = &self.class_weights {
            loss = loss.class_weights(array::per_class("class_weights", w)?);
        }
        loss.check_options()?;
        Ok(loss)
    }
}
