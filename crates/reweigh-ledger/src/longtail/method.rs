//! The methods the long-tailed study compares, each as its paper's official code trains it, and
//! the two models.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use reweigh::error::Result;
use reweigh::losses::{
    CategoricalFocalLoss, DeferredReweighting, LdamLoss, LogitAdjustedCrossEntropy, LogitOffset,
    SingleLabelAsymmetricLoss, SparseCategoricalFocalLoss, SparseSoftmaxCrossEntropy,
    class_balanced, posthoc_logit_adjustment,
};
use reweigh::reduction::Reduction;
use reweigh::resample::{RandomOverSampler, RandomUnderSampler, SamplingStrategy};
use reweigh::schemes::{ClassCounts, Scheme};
use reweigh_train::{
    Activation, Adam, ClassWeight, Dense, FitOptions, LossSchedule, OneHot, Sequential, Shuffle,
    Trainer,
};
use std::fmt;

/// A way to train on long-tailed data (or, for [`Method::PostHocAdjustment`], to predict).
///
/// | method | what is trained | as in |
/// |---|---|---|
/// | `CrossEntropy` | softmax cross-entropy, batch mean | every paper's baseline (ERM) |
/// | `InverseFrequency` | cross-entropy, class weights 1/n_c, PyTorch's weighted mean Σw·l/Σw | Cao et al.'s "RW" (weights re-normalised in each mini-batch) |
/// | `Balanced` | Keras `class_weight` = scikit-learn `'balanced'` n/(C·n_c): Σw·l/n_b | scikit-learn, the seed threads |
/// | `EffectiveNumber{β}` | Keras `class_weight` = (1−β)/(1−β^{n_c}), to sum C | Cui et al.'s class-balanced softmax |
/// | `Focal{γ}` | softmax focal loss (1−p_t)^γ·CE, batch mean | Lin et al.; Cao et al.'s `FocalLoss` |
/// | `ClassBalancedFocal` | Cui et al.'s sigmoid focal loss on one-hot targets, class-balanced weights β = 0.9999, γ = 1 | Cui et al. Table 2's best at ρ = 100 |
/// | `Ldam` | LDAM, max_m = 0.5, s = 30, batch mean | Cao et al. |
/// | `LdamDrw` | LDAM, then from the DRW epoch effective-number weights β = 0.9999 (PyTorch weighted mean) | Cao et al.'s LDAM-DRW |
/// | `LogitAdjusted` | cross-entropy of logits + log(π^τ + 1e-12), τ = 1 | Menon et al.'s logit-adjusted loss |
/// | `PostHocAdjustment` | the `CrossEntropy` model; predictions from logits − log(π^τ + 1e-12), τ = 1 | Menon et al.'s post-hoc adjustment |
/// | `BalancedSoftmax` | cross-entropy of logits + log n_c | Ren et al. |
/// | `AsymmetricSingleLabel` | timm's `AsymmetricLossSingleLabel` defaults (γ+ = 1, γ− = 4, ε = 0.1) | Ridnik et al. |
/// | `OverSampling` | cross-entropy on a random over-sample to the largest class | imbalanced-learn `RandomOverSampler` |
/// | `UnderSampling` | cross-entropy on a random under-sample to the smallest class | imbalanced-learn `RandomUnderSampler` |
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    /// Plain cross-entropy.
    CrossEntropy,
    /// Class weights 1/n_c, PyTorch's weighted mean.
    InverseFrequency,
    /// scikit-learn's `'balanced'` class weights through Keras `class_weight`.
    Balanced,
    /// Effective-number class weights (Cui et al.).
    EffectiveNumber {
        /// β.
        beta: f64,
    },
    /// Softmax focal loss.
    Focal {
        /// γ.
        gamma: f64,
    },
    /// Cui et al.'s class-balanced sigmoid focal loss.
    ClassBalancedFocal,
    /// LDAM without re-weighting.
    Ldam,
    /// LDAM with deferred re-weighting.
    LdamDrw,
    /// Menon et al.'s logit-adjusted loss.
    LogitAdjusted,
    /// Post-hoc logit adjustment of the cross-entropy model.
    PostHocAdjustment,
    /// Ren et al.'s Balanced Softmax.
    BalancedSoftmax,
    /// timm's single-label asymmetric loss.
    AsymmetricSingleLabel,
    /// Random over-sampling.
    OverSampling,
    /// Random under-sampling.
    UnderSampling,
}

/// The β of Cui et al.'s class-balanced focal loss and of DRW (both papers' CIFAR setting).
pub const CB_BETA: f64 = 0.9999;
/// The γ of the class-balanced focal loss (Cui et al., Table 2, best at ρ = 100).
pub const CB_GAMMA: f64 = 1.0;
/// LDAM's largest margin and scale (Cao et al.'s defaults).
pub const LDAM_MAX_M: f64 = 0.5;
/// LDAM's scale `s`.
pub const LDAM_SCALE: f64 = 30.0;
/// τ of the logit adjustment (loss and post hoc).
pub const TAU: f64 = 1.0;

impl Method {
    /// Every method, in table order.
    pub const ALL: [Method; 17] = [
        Method::CrossEntropy,
        Method::InverseFrequency,
        Method::Balanced,
        Method::EffectiveNumber { beta: 0.99 },
        Method::EffectiveNumber { beta: 0.999 },
        Method::EffectiveNumber { beta: 0.9999 },
        Method::Focal { gamma: 1.0 },
        Method::Focal { gamma: 2.0 },
        Method::ClassBalancedFocal,
        Method::Ldam,
        Method::LdamDrw,
        Method::LogitAdjusted,
        Method::PostHocAdjustment,
        Method::BalancedSoftmax,
        Method::AsymmetricSingleLabel,
        Method::OverSampling,
        Method::UnderSampling,
    ];

    /// The method's name in tables and figures.
    pub fn name(self) -> String {
        match self {
            Method::CrossEntropy => "cross-entropy".into(),
            Method::InverseFrequency => "inverse frequency (Σw mean)".into(),
            Method::Balanced => "sklearn balanced".into(),
            Method::EffectiveNumber { beta } => format!("effective number β={beta}"),
            Method::Focal { gamma } => format!("focal γ={gamma}"),
            Method::ClassBalancedFocal => format!("CB focal β={CB_BETA} γ={CB_GAMMA}"),
            Method::Ldam => "LDAM".into(),
            Method::LdamDrw => "LDAM-DRW".into(),
            Method::LogitAdjusted => format!("logit-adjusted loss τ={TAU}"),
            Method::PostHocAdjustment => format!("post-hoc adjustment τ={TAU}"),
            Method::BalancedSoftmax => "Balanced Softmax".into(),
            Method::AsymmetricSingleLabel => "ASL single-label".into(),
            Method::OverSampling => "over-sampling".into(),
            Method::UnderSampling => "under-sampling".into(),
        }
    }

    /// Whether the method trains a model of its own (all but the post-hoc adjustment, which
    /// predicts with the cross-entropy model).
    pub fn trains(self) -> bool {
        self != Method::PostHocAdjustment
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// The model trained by every method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Model {
    /// Softmax regression: one `Dense(10, softmax)` layer.
    SoftmaxRegression,
    /// One hidden `Dense(hidden, relu)` layer, then `Dense(10, softmax)`.
    Mlp {
        /// Hidden units.
        hidden: usize,
    },
}

impl Model {
    /// The model's name in tables.
    pub fn name(self) -> String {
        match self {
            Model::SoftmaxRegression => "softmax regression".into(),
            Model::Mlp { hidden } => format!("MLP (one hidden layer of {hidden})"),
        }
    }

    /// The Keras-initialised layers for `inputs` features and `classes` classes.
    fn build(self, inputs: usize, classes: usize, rng: &mut ChaCha8Rng) -> Result<Sequential<f64>> {
        let layers = match self {
            Model::SoftmaxRegression => {
                vec![Dense::keras(inputs, classes, Activation::Softmax, rng)?]
            }
            Model::Mlp { hidden } => vec![
                Dense::keras(inputs, hidden, Activation::Relu, rng)?,
                Dense::keras(hidden, classes, Activation::Softmax, rng)?,
            ],
        };
        Sequential::new(layers)
    }
}

/// How one method is trained: epochs, batches, Adam.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Training {
    /// Epochs.
    pub epochs: usize,
    /// The first epoch (from 0) with DRW's class weights.
    pub drw_epoch: usize,
    /// Batch size.
    pub batch_size: usize,
    /// Adam's learning rate.
    pub learning_rate: f64,
}

/// Trains `method` on `(x, y)` from the model's seeded initial weights (the same for every
/// method at a seed) and returns the test logits (for `PostHocAdjustment`: none; adjust the
/// cross-entropy model's logits with [`adjust_post_hoc`]).
pub fn test_logits(
    method: Method,
    model: Model,
    training: &Training,
    (x, y): (&Array2<f64>, &[i64]),
    x_test: ArrayView2<'_, f64>,
    seed: u64,
) -> Result<Option<Array2<f64>>> {
    if !method.trains() {
        return Ok(None);
    }
    let classes = super::CLASSES;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let net = model.build(x.ncols(), classes, &mut rng)?;
    let adam = Adam::keras().learning_rate(training.learning_rate)?;
    let mut trainer = Trainer::new(net).optimizer(adam);
    let counts = ClassCounts::from_labels(y)?;
    let n: Vec<f64> = counts.counts().to_vec();
    let class_weight = |scheme: Scheme| -> Result<ClassWeight<f64>> {
        let w = scheme.weights::<f64>(&counts)?;
        Ok(ClassWeight::new(
            counts
                .classes()
                .iter()
                .copied()
                .zip(w.weights().iter().copied()),
        ))
    };
    let mut options = FitOptions::new()
        .epochs(training.epochs)
        .batch_size(training.batch_size)
        .shuffle(Shuffle::Seeded(seed));
    let resampled = match method {
        Method::OverSampling => Some(
            RandomOverSampler::new(SamplingStrategy::Auto)
                .seed(seed)
                .fit_resample(y)?,
        ),
        Method::UnderSampling => Some(
            RandomUnderSampler::new(SamplingStrategy::Auto)
                .seed(seed)
                .fit_resample(y)?,
        ),
        _ => None,
    };
    match method {
        Method::CrossEntropy | Method::OverSampling | Method::UnderSampling => {}
        Method::InverseFrequency => {
            let w = Scheme::InverseFrequency.weights::<f64>(&counts)?;
            trainer = trainer
                .loss(SparseSoftmaxCrossEntropy::pytorch().class_weights(w.weights().to_owned()));
        }
        Method::Balanced => options = options.class_weight(class_weight(Scheme::Balanced)?),
        Method::EffectiveNumber { beta } => {
            options = options.class_weight(class_weight(Scheme::EffectiveNumber { beta })?)
        }
        Method::Focal { gamma } => {
            trainer = trainer.loss(SparseCategoricalFocalLoss::new(
                CategoricalFocalLoss::new()
                    .gamma(gamma)
                    .reduction(Reduction::SumOverBatchSize),
            ))
        }
        Method::ClassBalancedFocal => {
            let whole: Vec<u64> = n.iter().map(|&c| c as u64).collect();
            trainer = trainer.loss(OneHot(class_balanced::focal(&whole, CB_BETA, CB_GAMMA)?))
        }
        Method::Ldam => trainer = trainer.loss(LdamLoss::from_counts(&n, LDAM_MAX_M, LDAM_SCALE)?),
        Method::LdamDrw => {
            let ldam = LdamLoss::from_counts(&n, LDAM_MAX_M, LDAM_SCALE)?;
            let drw = DeferredReweighting {
                start_epoch: training.drw_epoch,
                beta: CB_BETA,
            };
            trainer =
                trainer.loss_schedule(LossSchedule::deferred_reweighting(&drw, &n, |w| match w {
                    None => ldam.clone(),
                    Some(w) => ldam.clone().class_weights(w),
                })?)
        }
        Method::LogitAdjusted => trainer = trainer.loss(LogitAdjustedCrossEntropy::menon(&n, TAU)?),
        Method::BalancedSoftmax => {
            trainer = trainer.loss(LogitAdjustedCrossEntropy::balanced_softmax(&n)?)
        }
        Method::AsymmetricSingleLabel => trainer = trainer.loss(SingleLabelAsymmetricLoss::timm()),
        Method::PostHocAdjustment => unreachable!("does not train"),
    }
    let labels = Array1::from(y.to_vec());
    match &resampled {
        Some(rows) => {
            let (xr, yr) = (x.select(Axis(0), rows), labels.select(Axis(0), rows));
            trainer.fit(xr.view(), yr.view(), &options)?
        }
        None => trainer.fit(x.view(), labels.view(), &options)?,
    };
    Ok(Some(trainer.model().logits(x_test)?))
}

/// Menon et al.'s post-hoc adjustment of trained logits as their official code does it
/// (`main.py`: `logits - tf.math.log(base_probs**tau + 1e-12)`, [`LogitOffset::Menon`]) with π
/// the training prior.
pub fn adjust_post_hoc(logits: &Array2<f64>, train_counts: &[f64]) -> Result<Array2<f64>> {
    let offsets = LogitOffset::Menon { tau: TAU }.offsets::<f64>(train_counts)?;
    Ok(posthoc_logit_adjustment(logits, &offsets)?
        .into_dimensionality()
        .expect("2-D in, 2-D out"))
}
