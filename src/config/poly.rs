//! The configuration of [`PolyCrossEntropy`] (and of [`SparsePolyCrossEntropy`], its form for
//! integer labels).

use super::{LossConfig, array, reducer};
use crate::error::Result;
use crate::losses::{PolyCrossEntropy, SparsePolyCrossEntropy};
use crate::{OnZeroWeights, Real, Reduction};
use ndarray::ArrayD;
use serde::{Deserialize, Serialize};

/// The options of [`PolyCrossEntropy`].
///
/// ```
/// use reweigh::config::{LossConfig, PolyCrossEntropyConfig};
/// // timm.loss.PolyCrossEntropy(epsilon=1.0, smoothing=0.1)
/// let c = PolyCrossEntropyConfig::from_json(
///     r#"{"epsilon": 1.0, "label_smoothing": 0.1, "reduction": "sum_over_batch_size"}"#,
/// ).unwrap();
/// assert!(c.build::<f32>().is_ok() && c.build_sparse::<f64>().is_ok());
/// assert!(PolyCrossEntropyConfig { epsilon: f64::NAN, ..c }.build::<f32>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolyCrossEntropyConfig {
    /// The coefficient `ε` of the polynomial term (finite).
    pub epsilon: f64,
    /// One weight per class (`(C,)`).
    #[serde(with = "array::optional")]
    pub class_weights: Option<ArrayD<f64>>,
    /// Label smoothing `s ∈ [0, 1]`.
    pub label_smoothing: f64,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for PolyCrossEntropyConfig {
    /// [`PolyCrossEntropy::new`]: `ε = 2`, one loss per row.
    fn default() -> Self {
        PolyCrossEntropyConfig {
            epsilon: 2.0,
            class_weights: None,
            label_smoothing: 0.0,
            reduction: Reduction::None,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl PolyCrossEntropyConfig {
    /// [`PolyCrossEntropy::timm`] with ε = 2: the mean over rows.
    pub fn timm() -> Self {
        PolyCrossEntropyConfig {
            reduction: Reduction::SumOverBatchSize,
            ..Self::default()
        }
    }

    /// The loss for integer labels, [`SparsePolyCrossEntropy`], with these options.
    pub fn build_sparse<F: Real>(&self) -> Result<SparsePolyCrossEntropy<F>> {
        Ok(SparsePolyCrossEntropy::new(self.build()?))
    }
}

impl LossConfig for PolyCrossEntropyConfig {
    type Loss<F: Real> = PolyCrossEntropy<F>;
    const NAME: &'static str = "PolyCrossEntropyConfig";

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<PolyCrossEntropy<F>> {
        let mut loss = PolyCrossEntropy::new()
            .epsilon(F::of(self.epsilon))
            .label_smoothing(F::of(self.label_smoothing))
            .reduction(reducer(self.reduction, self.on_zero));
        if let Some(w) = &self.class_weights {
            loss = loss.class_weights(array::per_class("class_weights", w)?);
        }
        loss.check_options()?;
        Ok(loss)
    }
}
