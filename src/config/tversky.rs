//! The configurations of the overlap losses: [`TverskyLoss`] (Keras's Dice and Tversky),
//! [`SegmentationTverskyLoss`] (segmentation_models_pytorch's and pytorch_optimizer's Dice,
//! Tversky and focal Tversky, and [`SparseSegmentationTverskyLoss`], its form for integer class
//! maps) and [`PerSampleTverskyLoss`] (kornia's Dice and Tversky, and
//! [`SparsePerSampleTverskyLoss`] for kornia's integer class maps).

use super::{LossConfig, array, reducer};
use crate::error::Result;
use crate::losses::{
    ClassAverage, Intersection, PerSampleTverskyLoss, ScoreForm, SegmentationMode,
    SegmentationTverskyLoss, SparsePerSampleTverskyLoss, SparseSegmentationTverskyLoss,
    TverskyLoss,
};
use crate::{OnZeroWeights, Real, Reduction};
use ndarray::ArrayD;
use serde::{Deserialize, Serialize};

/// The options of [`TverskyLoss`]. `alpha` weighs the false positives and `beta` the false
/// negatives (so Keras's `Tversky(alpha=a, beta=b)` is `alpha: b, beta: a`: see
/// [`Self::keras_tversky`]).
///
/// ```
/// use reweigh::config::{LossConfig, TverskyConfig};
/// // keras.losses.Tversky(alpha=0.7, beta=0.3, axis=(1,))
/// let c = TverskyConfig { axis: Some(vec![1]), ..TverskyConfig::keras_tversky(0.7, 0.3) };
/// assert_eq!((c.alpha, c.beta), (0.3, 0.7));
/// assert!(c.build::<f32>().is_ok());
/// assert!(TverskyConfig { alpha: -1.0, ..c }.build::<f64>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TverskyConfig {
    /// The weight of the false positives (finite, ≥ 0).
    pub alpha: f64,
    /// The weight of the false negatives (finite, ≥ 0).
    pub beta: f64,
    /// The constant added to the denominator (finite, ≥ 0).
    pub epsilon: f64,
    /// The axes summed over (`None`: all, one loss per batch).
    pub axis: Option<Vec<i64>>,
    /// The reduction.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for TverskyConfig {
    /// [`TverskyLoss::keras_dice`].
    fn default() -> Self {
        Self::keras_dice()
    }
}

impl TverskyConfig {
    /// `keras.losses.Dice()`: α = β = ½, ε = ½·1e-7, all axes, `sum_over_batch_size`.
    pub fn keras_dice() -> Self {
        TverskyConfig {
            alpha: 0.5,
            beta: 0.5,
            epsilon: 0.5e-7,
            axis: None,
            reduction: Reduction::SumOverBatchSize,
            on_zero: OnZeroWeights::Zero,
        }
    }

    /// `keras.losses.Tversky(alpha=keras_alpha, beta=keras_beta)` (Keras's alpha multiplies the
    /// false negatives in its code).
    pub fn keras_tversky(keras_alpha: f64, keras_beta: f64) -> Self {
        TverskyConfig {
            alpha: keras_beta,
            beta: keras_alpha,
            epsilon: 1e-7,
            ..Self::keras_dice()
        }
    }
}

impl LossConfig for TverskyConfig {
    type Loss<F: Real> = TverskyLoss<F>;
    const NAME: &'static str = "TverskyConfig";

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<TverskyLoss<F>> {
        let loss = TverskyLoss::keras_dice()
            .alpha(F::of(self.alpha))
            .beta(F::of(self.beta))
            .epsilon(F::of(self.epsilon))
            .axis(self.axis.clone())
            .reduction(reducer(self.reduction, self.on_zero));
        loss.check_options()?;
        Ok(loss)
    }
}

/// The options of [`SegmentationTverskyLoss`] (smp's `DiceLoss` / `TverskyLoss` arguments).
///
/// ```
/// use reweigh::config::{LossConfig, SegmentationTverskyConfig};
/// use reweigh::losses::SegmentationMode;
/// // smp.losses.TverskyLoss("multiclass", alpha=0.3, beta=0.7, gamma=0.75)
/// let c = SegmentationTverskyConfig::from_json(
///     r#"{"mode": "multiclass", "alpha": 0.3, "beta": 0.7, "gamma": 0.75}"#,
/// ).unwrap();
/// assert_eq!(c.mode, SegmentationMode::Multiclass);
/// assert!(c.build_sparse::<f32>().is_ok());
/// let binary = SegmentationTverskyConfig { mode: SegmentationMode::Binary, classes: Some(vec![0]), ..c };
/// assert!(binary.build::<f64>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SegmentationTverskyConfig {
    /// `binary`, `multilabel` or `multiclass`.
    pub mode: SegmentationMode,
    /// Whether the input is logits.
    pub from_logits: bool,
    /// The weight of the false positives.
    pub alpha: f64,
    /// The weight of the false negatives.
    pub beta: f64,
    /// The focal exponent of the mean over classes.
    pub gamma: f64,
    /// Added to the numerator and the denominator.
    pub smooth: f64,
    /// Lower bound of the denominator and of the score under `log_loss`.
    pub eps: f64,
    /// `−ln S` instead of `1 − S`.
    pub log_loss: bool,
    /// How the true positives are counted (`l1`: smp; `product`: pytorch_optimizer).
    pub intersection: Intersection,
    /// How smooth and eps enter the score (`tversky`: smp; `dice`: pytorch_optimizer's Dice).
    pub score_form: ScoreForm,
    /// Whether a class without positive targets has loss 0 (smp, pytorch_optimizer's Dice) or
    /// its score's loss (pytorch_optimizer's Tversky).
    pub zero_empty_classes: bool,
    /// The classes that enter the mean.
    pub classes: Option<Vec<usize>>,
    /// One weight per channel.
    #[serde(with = "array::optional")]
    pub class_weights: Option<ArrayD<f64>>,
    /// The target value that is left out.
    pub ignore_index: Option<i64>,
    /// The reduction (the loss is one number per batch).
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for SegmentationTverskyConfig {
    /// [`SegmentationTverskyLoss::smp_dice`] in binary mode.
    fn default() -> Self {
        Self::smp_dice(SegmentationMode::Binary)
    }
}

impl SegmentationTverskyConfig {
    /// `smp.losses.DiceLoss(mode)`.
    pub fn smp_dice(mode: SegmentationMode) -> Self {
        SegmentationTverskyConfig {
            mode,
            from_logits: true,
            alpha: 0.5,
            beta: 0.5,
            gamma: 1.0,
            smooth: 0.0,
            eps: 1e-7,
            log_loss: false,
            intersection: Intersection::L1,
            score_form: ScoreForm::Tversky,
            zero_empty_classes: true,
            classes: None,
            class_weights: None,
            ignore_index: None,
            reduction: Reduction::Sum,
            on_zero: OnZeroWeights::Zero,
        }
    }

    /// `smp.losses.TverskyLoss(mode, alpha=α, beta=β, gamma=γ)`.
    pub fn smp_tversky(mode: SegmentationMode, alpha: f64, beta: f64, gamma: f64) -> Self {
        SegmentationTverskyConfig {
            alpha,
            beta,
            gamma,
            ..Self::smp_dice(mode)
        }
    }

    /// `pytorch_optimizer.loss.DiceLoss(mode)` ([`SegmentationTverskyLoss::pytorch_optimizer_dice`]).
    pub fn pytorch_optimizer_dice(mode: SegmentationMode) -> Self {
        SegmentationTverskyConfig {
            eps: 1e-6,
            intersection: Intersection::Product,
            score_form: ScoreForm::Dice,
            ..Self::smp_dice(mode)
        }
    }

    /// `pytorch_optimizer.loss.FocalTverskyLoss(alpha, beta, gamma)` (`TverskyLoss(alpha, beta)`
    /// at γ = 1; [`SegmentationTverskyLoss::pytorch_optimizer_tversky`]).
    pub fn pytorch_optimizer_tversky(alpha: f64, beta: f64, gamma: f64) -> Self {
        SegmentationTverskyConfig {
            smooth: 1e-6,
            eps: 0.0,
            intersection: Intersection::Product,
            zero_empty_classes: false,
            ..Self::smp_tversky(SegmentationMode::Binary, alpha, beta, gamma)
        }
    }

    /// The loss for integer class maps, [`SparseSegmentationTverskyLoss`].
    pub fn build_sparse<F: Real>(&self) -> Result<SparseSegmentationTverskyLoss<F>> {
        Ok(SparseSegmentationTverskyLoss::new(self.build()?))
    }
}

impl LossConfig for SegmentationTverskyConfig {
    type Loss<F: Real> = SegmentationTverskyLoss<F>;
    const NAME: &'static str = "SegmentationTverskyConfig";

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<SegmentationTverskyLoss<F>> {
        let w = match &self.class_weights {
            Some(w) => Some(array::per_class("class_weights", w)?),
            None => None,
        };
        let loss = SegmentationTverskyLoss::smp_tversky(
            self.mode,
            F::of(self.alpha),
            F::of(self.beta),
            F::of(self.gamma),
        )
        .from_logits(self.from_logits)
        .smooth(F::of(self.smooth))
        .eps(F::of(self.eps))
        .log_loss(self.log_loss)
        .intersection(self.intersection)
        .score_form(self.score_form)
        .zero_empty_classes(self.zero_empty_classes)
        .classes(self.classes.clone())
        .class_weights(w)
        .ignore_index(self.ignore_index)
        .reduction(reducer(self.reduction, self.on_zero));
        loss.check_options()?;
        Ok(loss)
    }
}

/// The options of [`PerSampleTverskyLoss`] (kornia's `dice_loss` / `tversky_loss` arguments;
/// `epsilon` is kornia's Dice `eps` over 2, its Tversky `eps` as it is).
///
/// ```
/// use reweigh::config::{LossConfig, PerSampleTverskyConfig};
/// use reweigh::losses::ClassAverage;
/// // kornia.losses.DiceLoss(average="macro", weight=torch.tensor([0.5, 2.0, 1.0]))
/// let c = PerSampleTverskyConfig::from_json(
///     r#"{"average": "macro", "class_weights": [0.5, 2.0, 1.0]}"#,
/// ).unwrap();
/// assert_eq!((c.average, c.epsilon, c.ignore_index), (ClassAverage::Macro, 0.5e-8, Some(-100)));
/// assert!(c.build_sparse::<f32>().is_ok());
/// assert!(PerSampleTverskyConfig { alpha: -0.5, ..c }.build::<f64>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PerSampleTverskyConfig {
    /// `micro` or `macro`.
    pub average: ClassAverage,
    /// The weight of the false positives.
    pub alpha: f64,
    /// The weight of the false negatives.
    pub beta: f64,
    /// Added to the denominator.
    pub epsilon: f64,
    /// One weight per class.
    #[serde(with = "array::optional")]
    pub class_weights: Option<ArrayD<f64>>,
    /// The label whose pixels are left out.
    pub ignore_index: Option<i64>,
    /// The reduction of the per-sample losses.
    pub reduction: Reduction,
    /// What a zero denominator gives.
    pub on_zero: OnZeroWeights,
}

impl Default for PerSampleTverskyConfig {
    /// [`PerSampleTverskyLoss::kornia_dice`] with micro averaging (kornia's default).
    fn default() -> Self {
        Self::kornia_dice(ClassAverage::Micro)
    }
}

impl PerSampleTverskyConfig {
    /// `kornia.losses.DiceLoss(average)`.
    pub fn kornia_dice(average: ClassAverage) -> Self {
        PerSampleTverskyConfig {
            average,
            alpha: 0.5,
            beta: 0.5,
            epsilon: 0.5e-8,
            class_weights: None,
            ignore_index: Some(-100),
            reduction: Reduction::SumOverBatchSize,
            on_zero: OnZeroWeights::Zero,
        }
    }

    /// `kornia.losses.TverskyLoss(alpha, beta)`.
    pub fn kornia_tversky(alpha: f64, beta: f64) -> Self {
        PerSampleTverskyConfig {
            alpha,
            beta,
            epsilon: 1e-8,
            ..Self::kornia_dice(ClassAverage::Macro)
        }
    }

    /// The loss for integer class maps, [`SparsePerSampleTverskyLoss`].
    pub fn build_sparse<F: Real>(&self) -> Result<SparsePerSampleTverskyLoss<F>> {
        Ok(SparsePerSampleTverskyLoss::new(self.build()?))
    }
}

impl LossConfig for PerSampleTverskyConfig {
    type Loss<F: Real> = PerSampleTverskyLoss<F>;
    const NAME: &'static str = "PerSampleTverskyConfig";

    fn reducer_mut(&mut self) -> (&mut Reduction, &mut OnZeroWeights) {
        (&mut self.reduction, &mut self.on_zero)
    }

    fn build<F: Real>(&self) -> Result<PerSampleTverskyLoss<F>> {
        let w = match &self.class_weights {
            Some(w) => Some(array::per_class("class_weights", w)?),
            None => None,
        };
        let loss = PerSampleTverskyLoss::kornia_dice(self.average)
            .alpha(F::of(self.alpha))
            .beta(F::of(self.beta))
            .epsilon(F::of(self.epsilon))
            .class_weights(w)
            .ignore_index(self.ignore_index)
            .reduction(reducer(self.reduction, self.on_zero));
        loss.check_options()?;
        Ok(loss)
    }
}
