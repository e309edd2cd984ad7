//! The configurations of the class-balanced losses (Cui et al., CVPR 2019).

use super::{LossConfig, SparseSoftmaxCrossEntropyConfig, reducer};
use crate::error::Result;
use crate::losses::class_balanced::{self, ClassBalancedLoss, softmax_reducer};
use crate::{OnZeroWeights, Real, Reduction};
use serde::{Deserialize, Serialize};

/// The options of [`ClassBalancedLoss`]: the class counts and `β` that give the class weights
/// (effective number of samples), the element-wise `base` loss they weigh (its own reduction is
/// ignored), and the wrapper's reduction (the reference's `Σ ℓ / Σ z` by default).
///
/// ```
/// use reweigh::config::{BinaryFocalLossConfig, ClassBalancedConfig, LossConfig};
/// let c: ClassBalancedConfig<BinaryFocalLossConfig> = ClassBalancedConfig::from_json(
///     r#"{"counts": [500, 50, 5], "beta": 0.999, "base": {"gamma": 1.0}}"#,
/// ).unwrap();
/// let loss = c.build::<f32>().unwrap();
/// assert_eq!(loss.class_weights().len(), 3);
/// assert!(ClassBalancedConfig { beta: 1.0, ..c }.build::<f32>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, bound = "C: LossConfig")]
pub struct ClassBalancedConfig<C> {
    /// Samples per class.
    pub counts: Vec<u64>,
    /// `β ∈ [0, 1)`.
    pub beta: f64,
    /// The element-wise loss being weighted (a sigmoid cross-entropy or a binary focal loss).
    pub base: C,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl<C: LossConfig> Default for ClassBalancedConfig<C> {
    /// No counts (they must be given), `β = 0.999`, the base loss's defaults, the reference's
    /// reduction.
    fn default() -> Self {
        ClassBalancedConfig {
            counts: Vec::new(),
            beta: 0.999,
            base: C::default(),
            reduction: Reduction::WeightedMean,
            on_zero: OnZeroWeights::Nan,
        }
    }
}

impl<C> LossConfig for ClassBalancedConfig<C>
where
    C: LossConfig,
{
    type Loss<F: Real> = ClassBalancedLoss<F, C::Loss<F>>;
    const NAME: &'static str = "ClassBalancedConfig";

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<ClassBalancedLoss<F, C::Loss<F>>> {
        let weights = class_balanced::weights_from_counts(&self.counts, F::of(self.beta))?;
        let loss = ClassBalancedLoss::new(weights, self.base.build()?)
            .reduction(reducer(self.reduction, self.on_zero));
        loss.check_options()?;
        Ok(loss)
    }
}

impl SparseSoftmaxCrossEntropyConfig {
    /// The class-balanced softmax cross-entropy of the reference implementation
    /// ([`class_balanced::softmax`]): the class weights from `counts` and `β`, gathered by the
    /// true label, and `Σ_i w[y_i]·ce_i / N`. The weights are computed in precision `F` (with `β`
    /// rounded to `F`, as the reference's float32 graph does), then stored exactly.
    pub fn class_balanced<F: Real>(counts: &[u64], beta: F) -> Result<Self> {
        let w = class_balanced::softmax_weights::<F>(counts, beta)?.mapv(|w| w.f64());
        let r = softmax_reducer();
        Ok(SparseSoftmaxCrossEntropyConfig {
            class_weights: Some(w.into_dyn()),
            reduction: r.reduction,
            on_zero: r.on_zero,
            ..Self::default()
        })
    }
}
