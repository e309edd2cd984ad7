//! The soft overlap score shared by the Dice and Tversky losses: the sums of one group of
//! probabilities `p` and targets `t`, the score and its closed-form gradient.
//!
//! ```text
//! TP = Σ p·t                        (Intersection::Product: Keras, kornia, pytorch_optimizer)
//! TP = (Σp + Σt − Σ|p − t|)/2       (Intersection::L1: segmentation_models_pytorch; Σ min(p, t))
//! FP = Σp − TP,  FN = Σt − TP          (summed element by element: Σ p(1 − t), Σ max(p − t, 0)...)
//! S  = (TP + smooth) / max(TP + α·FP + β·FN + smooth + ε, clamp)
//! ∂S/∂p_j = ∂TP_j·(1 − S·(1 − α − β))/D − S·α/D     (D unclamped; ∂S/∂p_j = ∂TP_j/clamp when
//!                                                     the clamp holds)
//! ∂TP_j = t_j (Product),  (1 − sgn(p_j − t_j))/2 (L1, sgn 0 = 0 as torch's |·|')
//! with element weights w_j (Product only): TP = Σ w·p·t, FP = Σ w·p(1 − t), FN = Σ w·t(1 − p),
//!   ∂S/∂p_j = w_j·(t_j·(1 − S·(1 − α − β)) − S·α)/D
//! ```
//! α weighs the false positives and β the false negatives (Tversky et al.'s and Salehi et al.'s
//! convention); α = β = ½ is the Dice score `2TP/(2TP + FP + FN)`.

use crate::Real;
use crate::error::{Result, ReweighError};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// How the true positives of soft predictions are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intersection {
    /// `TP = Σ p·t` (Keras `dice`, `tversky`; kornia).
    Product,
    /// `TP = (Σp + Σt − ‖p − t‖₁)/2 = Σ min(p, t)` (segmentation_models_pytorch's
    /// `soft_tversky_score`). Equal to `Product` for 0/1 targets except in the gradient where
    /// `p = t` exactly (½ instead of `t`).
    L1,
}

impl FromStr for Intersection {
    type Err = ReweighError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "product" => Ok(Intersection::Product),
            "l1" => Ok(Intersection::L1),
            _ => Err(ReweighError::UnknownName {
                kind: "intersection",
                name: s.to_string(),
                valid: "product, l1".to_string(),
            }),
        }
    }
}

/// How the smoothing constant and the clamp enter the score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreForm {
    /// `S = (TP + smooth) / max(TP + α·FP + β·FN + smooth, eps)` (segmentation_models_pytorch's
    /// `soft_tversky_score`, also for its Dice).
    Tversky,
    /// `S = (2TP + smooth) / max(2·(TP + α·FP + β·FN) + smooth, eps)`, at α = β = ½
    /// `(2TP + smooth) / max(Σp + Σt + smooth, eps)` (pytorch-toolbelt's `soft_dice_score`:
    /// `pytorch_optimizer.loss.DiceLoss`). The same score as [`ScoreForm::Tversky`] with
    /// `smooth/2` and `eps/2`.
    Dice,
}

impl FromStr for ScoreForm {
    type Err = ReweighError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "tversky" => Ok(ScoreForm::Tversky),
            "dice" => Ok(ScoreForm::Dice),
            _ => Err(ReweighError::UnknownName {
                kind: "score_form",
                name: s.to_string(),
                valid: "tversky, dice".to_string(),
            }),
        }
    }
}

impl ScoreForm {
    /// The factor the counts are multiplied by (1 or 2): `smooth` and `eps` enter the
    /// [`OverlapScore`] divided by it.
    pub(crate) fn scale(self) -> f64 {
        match self {
            ScoreForm::Tversky => 1.0,
            ScoreForm::Dice => 2.0,
        }
    }
}

/// The parameters of the score `S` (see the [module documentation](self)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct OverlapScore<F> {
    /// Weight of the false positives.
    pub(crate) alpha: F,
    /// Weight of the false negatives.
    pub(crate) beta: F,
    /// Added to the numerator and the denominator.
    pub(crate) smooth: F,
    /// Added to the denominator only.
    pub(crate) epsilon: F,
    /// Lower bound of the denominator (0: none).
    pub(crate) clamp: F,
    /// How the true positives are counted.
    pub(crate) intersection: Intersection,
}

/// The sums of one group, accumulated element by element.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Sums<F> {
    tp: F,
    fp: F,
    fn_: F,
}

/// The score of one group and the two constants of its gradient `∂S/∂p_j = a·∂TP_j + b`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scored<F> {
    pub(crate) score: F,
    /// `1 − S`, as `(α·FP + β·FN + ε)/D` where the clamp does not hold (no cancellation when
    /// `S ≈ 1`, given accurate `FP` and `FN`).
    pub(crate) complement: F,
    a: F,
    b: F,
    /// `D` (the clamp where it holds, +∞ for an empty group: a zero gradient).
    den: F,
    /// Whether the clamp holds.
    clamped: bool,
}

impl<F: Real> OverlapScore<F> {
    /// Checks α, β ≥ 0, smooth ≥ 0, ε ≥ 0 and clamp ≥ 0, all finite.
    pub(crate) fn check(&self) -> Result<()> {
        let nonneg =
            |name, v: F| crate::check::check_range(name, v.f64(), 0.0, f64::MAX, "finite and >= 0");
        nonneg("alpha", self.alpha)?;
        nonneg("beta", self.beta)?;
        nonneg("smooth", self.smooth)?;
        nonneg("epsilon", self.epsilon)?;
        nonneg("eps", self.clamp)
    }

    /// Adds one element with weight `w` to a group's sums: `w·p·t`, `w·p·(1 − t)`, `w·t·q`
    /// (the product intersection; kornia's class weights in its micro Dice), with `q = 1 − p`
    /// given by the caller (a softmax's complement, accurate where `p ≈ 1`).
    #[inline]
    pub(crate) fn add_weighted(&self, s: &mut Sums<F>, p: F, q: F, t: F, w: F) {
        let wp = w * p;
        s.tp = s.tp + wp * t;
        s.fp = s.fp + wp * (F::one() - t);
        s.fn_ = s.fn_ + w * t * q;
    }

    /// Adds one element to a group's sums. The L1 form adds `min(p, t)`, `max(p − t, 0)` and
    /// `max(t − p, 0)` element by element: smp's `(Σp + Σt − ‖p − t‖₁)/2` is the same number in
    /// exact arithmetic but cancels (an absolute error of about ε·Σt, all of a small TP's
    /// digits in float32), and its `Σp − TP` can round below 0, making `S > 1`.
    #[inline]
    pub(crate) fn add(&self, s: &mut Sums<F>, p: F, t: F) {
        let (tp, fp, fn_) = match self.intersection {
            Intersection::Product => (p * t, p * (F::one() - t), t * (F::one() - p)),
            Intersection::L1 => (p.min(t), (p - t).max(F::zero()), (t - p).max(F::zero())),
        };
        s.tp = s.tp + tp;
        s.fp = s.fp + fp;
        s.fn_ = s.fn_ + fn_;
    }

    /// The group's score and gradient constants, or a score of 0 with a zero gradient when the
    /// group is empty: `TP + α·FP + β·FN = 0` (kornia's `cardinality == 0`: every element
    /// ignored or weighted 0), whatever ε.
    pub(crate) fn score_or_zero_if_empty(&self, s: &Sums<F>) -> Scored<F> {
        if s.tp + self.alpha * s.fp + self.beta * s.fn_ == F::zero() {
            return Scored {
                score: F::zero(),
                complement: F::one(),
                a: F::zero(),
                b: F::zero(),
                den: F::infinity(),
                clamped: false,
            };
        }
        self.score(s)
    }

    /// The group's score and gradient constants.
    pub(crate) fn score(&self, s: &Sums<F>) -> Scored<F> {
        let (tp, fp, fn_) = (s.tp, s.fp, s.fn_);
        let num = tp + self.smooth;
        let den = tp + self.alpha * fp + self.beta * fn_ + self.smooth + self.epsilon;
        if den < self.clamp {
            let score = num / self.clamp;
            return Scored {
                score,
                complement: F::one() - score,
                a: F::one() / self.clamp,
                b: F::zero(),
                den: self.clamp,
                clamped: true,
            };
        }
        let score = num / den;
        let c = F::one() - self.alpha - self.beta;
        Scored {
            score,
            complement: (self.alpha * fp + self.beta * fn_ + self.epsilon) / den,
            a: (F::one() - score * c) / den,
            b: -(score * self.alpha) / den,
            den,
            clamped: false,
        }
    }

    /// `∂S/∂p` of one element of weight `w` of a scored group for the product intersection,
    /// from `1 − S`: `w·(t·(1 − S) + S·(β·t − α·(1 − t)))/D`, the same number as `w·(a·t + b)`
    /// without its cancellation where `S ≈ 1` and α + β ≠ 1.
    #[inline]
    pub(crate) fn grad_product(&self, g: &Scored<F>, t: F, w: F) -> F {
        if g.clamped {
            return w * t / g.den;
        }
        // the weight times the numerator, divided by D: 1/D overflows for a subnormal D, and a
        // zero weight must give 0, not 0·∞
        let fp_part = self.beta * t - self.alpha * (F::one() - t);
        w * (t * g.complement + g.score * fp_part) / g.den
    }

    /// `∂S/∂p` of one element of a scored group.
    #[inline]
    pub(crate) fn grad(&self, g: &Scored<F>, p: F, t: F) -> F {
        let dtp = match self.intersection {
            Intersection::Product => t,
            Intersection::L1 => {
                let d = p - t;
                if d > F::zero() {
                    F::zero()
                } else if d < F::zero() {
                    F::one()
                } else {
                    F::of(0.5)
                }
            }
        };
        g.a * dtp + g.b
    }
}
