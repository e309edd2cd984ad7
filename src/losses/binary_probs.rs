//! Binary cross-entropy from probabilities, with each framework's way of keeping the logarithms
//! finite ([`ProbClip`]).

use crate::Real;
use crate::error::{Result, ReweighError};
use crate::loss::{Loss, check_finite, check_nonempty, check_same_shape};
use crate::losses::clip::{self, KerasClip};
use crate::losses::elementwise::{elementwise, flat_weight};
use crate::losses::smoothing::BinarySmoothing;
use crate::reduction::{Framework, Reducer, Unreduced};
use ndarray::{ArrayD, ArrayViewD};

/// How a probability-space loss keeps its logarithms finite near 0 and 1.
///
/// ```text
/// Keras { ε }       c = clip(p, ε, 1 − ε)        ln c, ln(1 − c)       ∂c/∂p = 1 on [ε, 1−ε], else 0
/// PyTorch           max(ln p, −100), max(ln(1 − p), −100)              p and z must lie in [0, 1]
/// Tf1LogLoss { ε }  ln(p + ε), ln(1 − p + ε)                           no clipping
/// ```
///
/// Keras clips in the loss's dtype: in float32 the upper bound `1 − 1e-7` rounds to
/// `1 − 1.19e-7`, so `BCE(z=0, p=1) = 15.942385` while `BCE(z=1, p=0) = 16.118095`. The clip's
/// gradient passes at both bounds inclusive (TensorFlow's `minimum`/`maximum` gradients) and is 0
/// outside them, and for NaN. Keras accepts any probability (values outside `[0, 1]` are clipped)
/// and propagates NaN.
///
/// PyTorch's `binary_cross_entropy` raises for `p` or `z` outside `[0, 1]` (and for NaN):
/// reweigh returns [`ReweighError::ValueOutOfRange`]. Its gradient is not the derivative of the
/// clamped loss but torch's own backward formula `w·(p − z) / max(p·(1 − p), 1e-12)` (with the
/// float32 constant `1e-12`), which reweigh reproduces: at `p = 0, z = 1` it is `−1e12`, not 0.
///
/// `tf.compat.v1.losses.log_loss` adds `ε` inside both logarithms instead of clipping; it
/// differs from Keras for every `p` (the gradient never vanishes) and gives NaN outside
/// `[−ε, 1 + ε]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ProbClip {
    /// Keras 3 (`from_logits=False`): clip to `[ε, 1 − ε]`; `ε` is `keras.config.epsilon()`.
    Keras {
        /// The clipping margin (Keras default `1e-7`).
        epsilon: f64,
    },
    /// PyTorch `binary_cross_entropy`: each log clamped at −100.
    PyTorch,
    /// `tf.compat.v1.losses.log_loss`: `ε` added inside the logarithms.
    Tf1LogLoss {
        /// The added constant (TF1 default `1e-7`).
        epsilon: f64,
    },
}

impl ProbClip {
    /// Keras's default `epsilon` (`keras.config.epsilon()`), also TF1 `log_loss`'s default.
    pub const DEFAULT_EPSILON: f64 = 1e-7;

    /// Keras clipping with the default `ε = 1e-7`.
    pub fn keras() -> Self {
        ProbClip::Keras {
            epsilon: Self::DEFAULT_EPSILON,
        }
    }

    /// TF1 `log_loss` with the default `ε = 1e-7`.
    pub fn tf1() -> Self {
        ProbClip::Tf1LogLoss {
            epsilon: Self::DEFAULT_EPSILON,
        }
    }
}

/// Binary cross-entropy computed from probabilities, element-wise.
///
/// ```text
/// z' = z·(1 − ls) + ls/2                                    (binary label smoothing ls)
/// l  = −v · [ z'·ln(p̂) + (1 − z')·ln(1 − p̂) ]               (v = element weight)
/// ```
/// where the logarithms are kept finite by the [`ProbClip`] mode:
///
/// ```text
/// Keras { ε }:      p̂ = clip(p, ε, 1 − ε)
///                   ∂l/∂p = v·[ (1 − z')/(1 − p̂) − z'/p̂ ]  on [ε, 1 − ε], 0 outside
/// PyTorch:          l = v·[ (z' − 1)·max(ln(1 − p), −100) − z'·max(ln p, −100) ]
///                   ∂l/∂p = v·(p − z') / max(p·(1 − p), 1e-12)       (torch's backward formula)
/// Tf1LogLoss { ε }: l = −v·[ z'·ln(p + ε) + (1 − z')·ln(1 − p + ε) ]
///                   ∂l/∂p = v·[ (1 − z')/(1 − p + ε) − z'/(p + ε) ]
/// ```
///
/// Equivalent framework calls:
/// - `keras.losses.BinaryCrossentropy(from_logits=False, label_smoothing=ls)`: [`Self::keras`],
///   which averages over the last axis before the sample weights and the reduction;
/// - `torch.nn.BCELoss(weight=v, reduction=...)` = `torch.nn.functional.binary_cross_entropy`:
///   [`Self::pytorch`] (`weight` scales the loss; `mean` divides by the number of elements);
/// - `tf.compat.v1.losses.log_loss(z, p, weights, epsilon=ε)`: [`Self::tf1`] (TF1 computes in
///   float32 even for float64 input).
///
/// Keras clips only raw probability tensors: when `y_pred` is the output of a `sigmoid` layer of
/// a Keras model (TensorFlow backend), Keras recovers the logits and computes from them, so a
/// saturated model is not capped at `−ln ε`; use [`SigmoidCrossEntropy`](super::SigmoidCrossEntropy)
/// on the logits to reproduce that.
///
/// The input must have the labels' shape. Inputs and labels of any shape are accepted; the
/// `mean_last_axis` option (Keras) averages the last axis away.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::BinaryCrossEntropy};
/// let p = array![[1.0_f32], [0.0]];
/// let z = array![[0.0_f32], [1.0]];
/// let loss = BinaryCrossEntropy::keras().reduction(reweigh::Reduction::None);
/// let v = loss.forward(&p, &z).unwrap().into_array();
/// // keras.losses.BinaryCrossentropy(reduction="none")([[0.], [1.]], [[1.], [0.]])
/// //   = [15.942385, 16.118095] (float32)
/// assert_eq!(v.as_slice().unwrap(), &[15.942385_f32, 16.118095]);
/// ```
#[derive(Clone, Debug)]
pub struct BinaryCrossEntropy<F> {
    clip: ProbClip,
    element_weights: Option<ArrayD<F>>,
    label_smoothing: F,
    mean_last_axis: bool,
    reducer: Reducer,
}

impl<F: Real> Default for BinaryCrossEntropy<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Real> BinaryCrossEntropy<F> {
    /// Element-wise loss with Keras clipping (`ε = 1e-7`), no weights, no smoothing, reduction
    /// `none`.
    pub fn new() -> Self {
        BinaryCrossEntropy {
            clip: ProbClip::keras(),
            element_weights: None,
            label_smoothing: F::zero(),
            mean_last_axis: false,
            reducer: crate::Reduction::None.into(),
        }
    }

    /// `keras.losses.BinaryCrossentropy(from_logits=False)` defaults: Keras clipping, mean over the
    /// last axis, then sample weights, then `sum_over_batch_size`.
    pub fn keras() -> Self {
        Self::new()
            .mean_last_axis(true)
            .reduction(Framework::Keras.default_reducer())
    }

    /// `torch.nn.BCELoss()` defaults: torch's clamping at −100, element-wise, mean.
    pub fn pytorch() -> Self {
        Self::new()
            .clip(ProbClip::PyTorch)
            .reduction(Framework::PyTorch.default_reducer())
    }

    /// `tf.compat.v1.losses.log_loss` defaults: `ε = 1e-7` inside the logarithms, element-wise,
    /// `sum_by_nonzero_weights`.
    pub fn tf1() -> Self {
        Self::new()
            .clip(ProbClip::tf1())
            .reduction(Framework::Tf1.default_reducer())
    }

    /// How the logarithms are kept finite.
    pub fn clip(mut self, clip: ProbClip) -> Self {
        self.clip = clip;
        self
    }

    /// Element weight `v` that scales the loss (torch `weight=`), broadcast to the input. It does
    /// not enter the denominators of the reductions (torch's `mean` divides by the element count).
    pub fn element_weights(mut self, v: ArrayD<F>) -> Self {
        self.element_weights = Some(v);
        self
    }

    /// Binary label smoothing `ls ∈ [0, 1]`: `z' = z(1 − ls) + ls/2` (Keras).
    pub fn label_smoothing(mut self, ls: F) -> Self {
        self.label_smoothing = ls;
        self
    }

    /// Average over the last axis before weighting (Keras `BinaryCrossentropy`).
    pub fn mean_last_axis(mut self, yes: bool) -> Self {
        self.mean_last_axis = yes;
        self
    }

    /// The reduction.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// The checks of the options alone (what [`LossConfig::build`](crate::config::LossConfig::build)
    /// runs once): smoothing in `[0, 1]`, the clipping `ε ∈ [0, 0.5]`, finite element weights.
    pub(crate) fn check_options(&self) -> Result<()> {
        crate::losses::smoothing::check_smoothing(self.label_smoothing.f64())?;
        match self.clip {
            ProbClip::Keras { epsilon } | ProbClip::Tf1LogLoss { epsilon } => {
                crate::check::check_epsilon(epsilon)?
            }
            ProbClip::PyTorch => {}
        }
        if let Some(v) = &self.element_weights {
            check_finite("element_weights", v.iter())?;
        }
        Ok(())
    }
}

/// Checks every value lies in `[0, 1]` (NaN does not), as torch's `binary_cross_entropy` does.
fn check_unit_interval<'a, F: Real>(
    what: &'static str,
    values: impl IntoIterator<Item = &'a F>,
) -> Result<()> {
    for (index, &v) in values.into_iter().enumerate() {
        if !(v >= F::zero() && v <= F::one()) {
            return Err(ReweighError::ValueOutOfRange {
                what,
                index,
                value: v.f64(),
                expected: "[0, 1]",
            });
        }
    }
    Ok(())
}

/// One element's loss and derivative with respect to `p` (unweighted, smoothed label `z`).
#[derive(Clone, Copy)]
enum Elem<F> {
    Keras(KerasClip<F>),
    PyTorch,
    Tf1(F),
}

impl<F: Real> Elem<F> {
    #[inline]
    fn eval(self, p: F, z: F) -> (F, F) {
        let one = F::one();
        match self {
            Elem::Keras(clip) => {
                let (c, pass) = clip.apply(p);
                let l = -(z * c.ln() + (one - z) * (one - c).ln());
                let g = if pass {
                    (one - z) / (one - c) - z / c
                } else {
                    F::zero()
                };
                (l, g)
            }
            Elem::PyTorch => {
                let l = (z - one) * clip::torch_ln_1m(p) - z * clip::torch_ln(p);
                (l, clip::torch_bce_grad(p, z))
            }
            Elem::Tf1(eps) => {
                let (a, b) = clip::tf1_shift(p, eps);
                let l = -(z * a.ln()) - (one - z) * b.ln();
                let g = (one - z) / b - z / a;
                (l, g)
            }
        }
    }
}

impl<F: Real> Loss<F> for BinaryCrossEntropy<F> {
    type Label = F;

    fn reducer(&self) -> Reducer {
        self.reducer
    }

    fn unreduced(
        &self,
        probs: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.check_options()?;
        check_nonempty("probs", &probs)?;
        check_same_shape("labels", probs.shape(), labels.shape())?;
        let ls = self.label_smoothing;
        let elem = match self.clip {
            ProbClip::Keras { epsilon } => Elem::Keras(KerasClip::new(epsilon)?),
            ProbClip::PyTorch => {
                check_unit_interval("probs", probs.iter())?;
                check_unit_interval("labels", labels.iter())?;
                Elem::PyTorch
            }
            ProbClip::Tf1LogLoss { epsilon } => Elem::Tf1(F::of(epsilon)),
        };
        let v = flat_weight(
            "element_weights",
            self.element_weights.as_ref(),
            probs.shape(),
        )?;
        let smoothing = BinarySmoothing::new(ls);
        let weighted = |p: F, z: F, k: usize| {
            let v = v.as_ref().map_or(F::one(), |v| v[k]);
            let (el, eg) = elem.eval(p, smoothing.apply(z));
            (el * v, eg * v)
        };
        let mean = self.mean_last_axis;
        elementwise(&probs, &labels, want_grad, mean, sample_weight, weighted)
    }
}
