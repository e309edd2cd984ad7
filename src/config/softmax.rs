//! The configurations of [`SoftmaxCrossEntropy`] and [`SparseSoftmaxCrossEntropy`].

use super::{LossConfig, array, reducer};
use crate::error::Result;
use crate::losses::{
    SmoothingForm, SoftmaxCrossEntropy, SoftmaxGradient, SparseSoftmaxCrossEntropy,
};
use crate::{Framework, OnZeroWeights, Real, Reduction};
use ndarray::ArrayD;
use serde::{Deserialize, Serialize};

/// The options of [`SoftmaxCrossEntropy`] (probability targets).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SoftmaxCrossEntropyConfig {
    /// One weight per class (`(C,)`).
    #[serde(with = "array::optional")]
    pub class_weights: Option<Array>,
    /// Label smoothing `ε ∈ [0, 1]`.
    pub label_smoothing: f64,
    /// PyTorch's `ignore_index` (only a negative one is valid with probability targets).
    pub ignore_index: Option<i64>,
    /// The gradient rule for labels that do not sum to 1 (`"exact"`, `"tensorflow"`).
    pub gradient: SoftmaxGradient,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

type Array = ArrayD<f64>;

impl Default for SoftmaxCrossEntropyConfig {
    /// [`SoftmaxCrossEntropy::new`]: one loss per row, reduction `none`.
    fn default() -> Self {
        SoftmaxCrossEntropyConfig {
            class_weights: None,
            label_smoothing: 0.0,
            ignore_index: None,
            gradient: SoftmaxGradient::Exact,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl SoftmaxCrossEntropyConfig {
    /// [`SoftmaxCrossEntropy::pytorch`].
    pub fn pytorch() -> Self {
        Self::default().with_reducer(Framework::PyTorch.default_reducer())
    }

    /// [`SoftmaxCrossEntropy::keras`].
    pub fn keras() -> Self {
        Self::default().with_reducer(Framework::Keras.default_reducer())
    }
}

impl LossConfig for SoftmaxCrossEntropyConfig {
    type Loss<F: Real> = SoftmaxCrossEntropy<F>;
    const NAME: &'static str = "SoftmaxCrossEntropyConfig";

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<SoftmaxCrossEntropy<F>> {
        let mut loss = SoftmaxCrossEntropy::new()
            .label_smoothing(F::of(self.label_smoothing))
            .ignore_index(self.ignore_index)
            .gradient(self.gradient)
            .reduction(reducer(self.reduction, self.on_zero));
        if let Some(w) = &self.class_weights {
            loss = loss.class_weights(array::per_class("class_weights", w)?);
        }
        loss.check_options()?;
        Ok(loss)
    }
}

/// The options of [`SparseSoftmaxCrossEntropy`] (integer labels).
///
/// ```
/// use reweigh::config::{LossConfig, SparseSoftmaxCrossEntropyConfig};
/// // torch.nn.CrossEntropyLoss(weight=w, label_smoothing=0.1)
/// let c = SparseSoftmaxCrossEntropyConfig::from_json(
///     r#"{"class_weights": [2.04, 0.93, 0.57, 1.49], "label_smoothing": 0.1,
///         "smoothing_form": "pytorch", "ignore_index": -100,
///         "reduction": "weighted_mean", "on_zero": "nan"}"#,
/// ).unwrap();
/// assert_eq!(c, SparseSoftmaxCrossEntropyConfig {
///     class_weights: c.class_weights.clone(),
///     label_smoothing: 0.1,
///     ..SparseSoftmaxCrossEntropyConfig::pytorch()
/// });
/// assert!(c.build::<f32>().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SparseSoftmaxCrossEntropyConfig {
    /// One weight per class (`(C,)`), gathered by the true label (or the predicted one).
    #[serde(with = "array::optional")]
    pub class_weights: Option<Array>,
    /// Gather the class weights by the predicted label `argmax x` instead of the true one.
    pub weight_by_predicted: bool,
    /// PyTorch's `ignore_index`.
    pub ignore_index: Option<i64>,
    /// Keras's `ignore_class`.
    pub ignore_class: Option<i64>,
    /// Label smoothing `ε ∈ [0, 1]`.
    pub label_smoothing: f64,
    /// How smoothing combines with class weights.
    pub smoothing_form: SmoothingForm,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for SparseSoftmaxCrossEntropyConfig {
    /// [`SparseSoftmaxCrossEntropy::new`]: one loss per label, reduction `none`.
    fn default() -> Self {
        SparseSoftmaxCrossEntropyConfig {
            class_weights: None,
            weight_by_predicted: false,
            ignore_index: None,
            ignore_class: None,
            label_smoothing: 0.0,
            smoothing_form: SmoothingForm::KerasTf,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl SparseSoftmaxCrossEntropyConfig {
    /// [`SparseSoftmaxCrossEntropy::pytorch`]: weighted mean, NaN on zero weights,
    /// `ignore_index = −100`, PyTorch smoothing form.
    pub fn pytorch() -> Self {
        SparseSoftmaxCrossEntropyConfig {
            ignore_index: Some(-100),
            smoothing_form: SmoothingForm::PyTorch,
            ..Self::default()
        }
        .with_reducer(Framework::PyTorch.default_reducer())
    }

    /// [`SparseSoftmaxCrossEntropy::keras`].
    pub fn keras() -> Self {
        Self::default().with_reducer(Framework::Keras.default_reducer())
    }

    /// [`SparseSoftmaxCrossEntropy::tf1`].
    pub fn tf1() -> Self {
        Self::default().with_reducer(Framework::Tf1.default_reducer())
    }
}

impl LossConfig for SparseSoftmaxCrossEntropyConfig {
    type Loss<F: Real> = SparseSoftmaxCrossEntropy<F>;
    const NAME: &'static str = "SparseSoftmaxCrossEntropyConfig";

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<SparseSoftmaxCrossEntropy<F>> {
        let mut loss = SparseSoftmaxCrossEntropy::new()
            .weight_by_predicted(self.weight_by_predicted)
            .ignore_index(self.ignore_index)
            .ignore_class(self.ignore_class)
            .label_smoothing(F::of(self.label_smoothing))
            .smoothing_form(self.smoothing_form)
            .reduction(reducer(self.reduction, self.on_zero));
        if let Some(w) = &self.class_weights {
            loss = loss.class_weights(array::per_class("class_weights", w)?);
        }
        loss.check_options()?;
        Ok(loss)
    }
}
