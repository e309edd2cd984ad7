//! The soft overlap score shared by the Dice and Tversky losses: the sums of one group of
//! probabilities `p` and targets `t`, the score and its closed-form gradient.
//!
//! ```text
//! TP = Σ p·t                        (Intersection::Product: Keras)
//! TP = (Σp + Σt − Σ|p − t|)/2       (Intersection::L1: segmentation_models_pytorch; Σ min(p, t))
//! FP = Σp − TP,  FN = Σt − TP          (summed element by element: Σ p(1 − t), Σ max(p − t, 0)...)
//! S  = (TP + smooth) / max(TP + α·FP + β·FN + smooth + ε, clamp)
//! ∂S/∂p_j = ∂TP_j·(1 − S·(1 − α − β))/D − S·α/D     (D unclamped; ∂S/∂p_j = ∂TP_j/clamp when
//!                                                     the clamp holds)
//! ∂TP_j = t_j (Product),  (1 − sgn(p_j − t_j))/2 (L1, sgn 0 = 0 as torch's |·|')
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
    a: F,
    b: F,
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

    /// The group's score and gradient constants.
    pub(crate) fn score(&self, s: &Sums<F>) -> Scored<F> {
        let (tp, fp, fn_) = (s.tp, s.fp, s.fn_);
        let num = tp + self.smooth;
        let den = tp + self.alpha * fp + self.beta * fn_ + self.smooth + self.epsilon;
        if den < self.clamp {
            let score = num / self.clamp;
            return Scored {
                score,
                a: F::one() / self.clamp,
                b: F::zero(),
            };
        }
        let score = num / den;
        let c = F::one() - self.alpha - self.beta;
        Scored {
            score,
            a: (F::one() - score * c) / den,
            b: -(score * self.alpha) / den,
        }
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
