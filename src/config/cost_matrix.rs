//! The configuration of [`CostMatrixCrossEntropy`].

use super::{LossConfig, array, reducer};
use crate::error::{Result, ReweighError};
use crate::losses::{CostMatrixCrossEntropy, CostWeights, ProbClip};
use crate::{Framework, OnZeroWeights, Real, Reduction};
use ndarray::{ArrayD, Ix2};
use serde::{Deserialize, Serialize};

/// Which of the two cost forms of [`CostWeights`] a configuration gives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostWeightsConfig {
    /// [`CostWeights::Matrix`]: `cost_matrix[true, predicted]` (keras#2115), `(C, C)`.
    #[default]
    Matrix,
    /// [`CostWeights::Tensor`]: `weight_tensor`, one weight per (row, class) (Stack Overflow
    /// 44560549), broadcast to the labels.
    Tensor,
}

/// The options of [`CostMatrixCrossEntropy`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CostMatrixConfig {
    /// Which cost form the loss uses.
    pub form: CostWeightsConfig,
    /// The `(C, C)` cost matrix of the `matrix` form.
    #[serde(with = "array::optional")]
    pub cost_matrix: Option<ArrayD<f64>>,
    /// The weight tensor of the `tensor` form.
    #[serde(with = "array::optional")]
    pub weight_tensor: Option<ArrayD<f64>>,
    /// Whether the input holds logits (else probabilities, clipped as Keras does).
    pub from_logits: bool,
    /// The clipping constant `ε ∈ [0, 0.5]` for probabilities.
    pub epsilon: f64,
    /// Label smoothing `ε ∈ [0, 1]`.
    pub label_smoothing: f64,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for CostMatrixConfig {
    /// [`CostMatrixCrossEntropy::new`]'s options: probabilities, Keras clipping, Keras's
    /// `sum_over_batch_size` (the costs themselves must be given).
    fn default() -> Self {
        let r = Framework::Keras.default_reducer();
        CostMatrixConfig {
            form: CostWeightsConfig::Matrix,
            cost_matrix: None,
            weight_tensor: None,
            from_logits: false,
            epsilon: ProbClip::DEFAULT_EPSILON,
            label_smoothing: 0.0,
            reduction: r.reduction,
            on_zero: r.on_zero,
        }
    }
}

impl LossConfig for CostMatrixConfig {
    type Loss<F: Real> = CostMatrixCrossEntropy<F>;
    const NAME: &'static str = "CostMatrixConfig";

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<CostMatrixCrossEntropy<F>> {
        let missing = |name: &str| ReweighError::InvalidConfig {
            what: Self::NAME,
            message: format!("the {:?} form needs `{name}`", self.form),
        };
        let weights = match self.form {
            CostWeightsConfig::Matrix => {
                let m = self
                    .cost_matrix
                    .as_ref()
                    .ok_or_else(|| missing("cost_matrix"))?;
                let m =
                    m.view()
                        .into_dimensionality::<Ix2>()
                        .map_err(|_| ReweighError::BadShape {
                            what: "cost_matrix",
                            reason: "a (C, C) matrix",
                            got: m.shape().to_vec(),
                        })?;
                CostWeights::Matrix(m.mapv(F::of))
            }
            CostWeightsConfig::Tensor => {
                let t = self
                    .weight_tensor
                    .as_ref()
                    .ok_or_else(|| missing("weight_tensor"))?;
                CostWeights::Tensor(array::of(t))
            }
        };
        let loss = CostMatrixCrossEntropy::new(weights)
            .from_logits(self.from_logits)
            .epsilon(self.epsilon)
            .label_smoothing(F::of(self.label_smoothing))
            .reduction(reducer(self.reduction, self.on_zero));
        loss.check_options()?;
        Ok(loss)
    }
}
