//! Softmax cross-entropy of logits shifted by a per-class offset from the class prior: the
//! logit-adjusted loss (Menon et al., ICLR 2021) and Balanced Softmax (Ren et al., NeurIPS 2020),
//! and post-hoc logit adjustment of a trained model's logits.

use crate::Real;
use crate::error::{Result, ReweighError};
use crate::loss::{GradOut, Loss, check_same_shape};
use crate::losses::SparseSoftmaxCrossEntropy;
use crate::losses::of_transformed;
use crate::output::LossOutput;
use crate::reduction::{Reducer, Unreduced};
use ndarray::{Array, Array1, ArrayD, ArrayView, ArrayViewD, AsArray, Axis, Dimension};
use serde::{Deserialize, Serialize};

/// How the per-class offsets `o_c` come from the class counts `n_c` (the prior
/// `π_c = n_c / Σ_k n_k`). The counts may be any non-negative weights, priors included.
///
/// ```text
/// Menon { tau }         o_c = ln F(π_c^τ + 1e-12)    π_c^τ + 1e-12 in f64, rounded to the logits' dtype F,
///                                                   ln in F: the official code (google-research/
///                                                   logit_adjustment, utils.build_loss_fn and main.py's
///                                                   post-hoc step: tf.math.log(tf.cast(base_probs**tau + 1e-12)))
/// TauLogPrior { tau }   o_c = τ·ln π_c               (π_c, ln and the product in f64, rounded to F); −∞ for n_c = 0
/// BalancedSoftmax       o_c = ln F(n_c)              the official code (BalancedMetaSoftmax, balanced_softmax_loss:
///                                                   logits + sample_per_class.type_as(logits).log()); −∞ for n_c = 0
/// ```
/// `Menon` and `TauLogPrior` differ only for tiny priors (`π_c^τ` near 1e-12 or below: the official
/// form is bounded below by ln 1e-12 ≈ −27.6). Balanced Softmax is `TauLogPrior { tau: 1 }` plus
/// the constant `ln Σ n`, which no softmax sees: the same loss up to rounding. The scheme
/// `"logit_adjustment(tau)"` ([`Scheme::LogitAdjustment`](crate::schemes::Scheme::LogitAdjustment))
/// gives the `Menon` offsets labelled by class.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LogitOffset {
    /// Menon et al.'s official form, `ln(π^τ + 1e-12)`.
    Menon {
        /// The temperature `τ` (finite, ≥ 0; the paper's default is 1).
        tau: f64,
    },
    /// The textbook form `τ·ln π`.
    TauLogPrior {
        /// The temperature `τ` (finite, ≥ 0).
        tau: f64,
    },
    /// Ren et al.'s Balanced Softmax, `ln n`.
    BalancedSoftmax,
}

impl LogitOffset {
    /// The offsets `o_c` of `counts` in the logits' dtype `F`.
    ///
    /// Errors: an empty, negative, non-finite or all-zero count, a non-finite or negative `τ`.
    ///
    /// ```
    /// use reweigh::losses::LogitOffset;
    /// let o = LogitOffset::Menon { tau: 1.0 }.offsets::<f64>(&[75.0, 25.0]).unwrap();
    /// assert!((o[0] - (0.75_f64 + 1e-12).ln()).abs() < 1e-15);
    /// let b = LogitOffset::BalancedSoftmax.offsets::<f32>(&[75.0, 0.0]).unwrap();
    /// assert_eq!((b[0], b[1]), (75.0_f32.ln(), f32::NEG_INFINITY));
    /// ```
    pub fn offsets<F: Real>(&self, counts: &[f64]) -> Result<Array1<F>> {
        if counts.is_empty() {
            return Err(ReweighError::EmptyBatch {
                what: "class counts",
            });
        }
        crate::check::check_weights("class counts", counts.iter())?;
        if let LogitOffset::Menon { tau } | LogitOffset::TauLogPrior { tau } = *self {
            crate::check::check_range("tau", tau, 0.0, f64::MAX, "finite and >= 0")?;
        }
        // The total, scaled so that it cannot overflow (counts up to f64::MAX).
        let max = counts.iter().fold(0.0_f64, |m, &n| m.max(n));
        if max == 0.0 {
            return Err(ReweighError::AllZeroWeights {
                what: "class counts",
            });
        }
        let total: f64 = counts.iter().map(|&n| n / max).sum();
        let prior = |n: f64| (n / max) / total;
        Ok(counts
            .iter()
            .map(|&n| match *self {
                LogitOffset::Menon { tau } => F::of(prior(n).powf(tau) + 1e-12).ln(),
                LogitOffset::TauLogPrior { tau } => {
                    // 0·ln 0 is taken as 0 (τ = 0 means no adjustment), as π^0 = 1 is
                    if tau == 0.0 {
                        F::zero()
                    } else {
                        F::of(tau * prior(n).ln())
                    }
                }
                LogitOffset::BalancedSoftmax => F::of(n).ln(),
            })
            .collect())
    }
}

/// Softmax cross-entropy of the logits shifted by per-class offsets, `x_ic + o_c`, against
/// integer labels, with every option of [`SparseSoftmaxCrossEntropy`] (class weights, ignored
/// labels, label smoothing, every reduction) applied to the shifted logits.
///
/// ```text
/// z_ic = x_ic + o_c                          o from the class counts: LogitOffset
/// l_i  = CE(z_i, y_i)                        = −log softmax(z_i)_{y_i} without weights or smoothing
/// ∂l_i/∂x_ij = ∂CE/∂z_ij = softmax(z_i)_j − [j = y_i]    (the offsets are constants)
/// ```
/// With class weights, smoothing or ignored labels the value and gradient are those of the base
/// loss at `z` (see [`SparseSoftmaxCrossEntropy`] for its formulas).
///
/// Reference calls it equals (no framework ships these losses; the papers' official code):
/// - [`Self::menon`]`(counts, τ)`: Menon et al.'s `utils.build_loss_fn(True, base_probs, tau)`,
///   `tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits +
///   tf.math.log(tf.cast(base_probs**tau + 1e-12, tf.float32))))` with `base_probs = counts / Σ counts`
///   (Keras's `sum_over_batch_size`);
/// - [`Self::balanced_softmax`]`(counts)`: Ren et al.'s `balanced_softmax_loss(labels, logits,
///   sample_per_class, 'mean')`, `F.cross_entropy(logits + sample_per_class.log(), labels)`
///   (PyTorch's defaults, [`SparseSoftmaxCrossEntropy::pytorch`]);
/// - any other offset or base loss with [`Self::new`] and [`Self::base`].
///
/// A class with zero count gets a `−∞` offset with [`LogitOffset::BalancedSoftmax`] and
/// [`LogitOffset::TauLogPrior`]: its softmax probability is 0, and a label of that class has an
/// infinite loss, as in the reference code.
///
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::LogitAdjustedCrossEntropy};
/// let counts = [900.0, 90.0, 10.0];
/// let loss = LogitAdjustedCrossEntropy::<f64>::menon(&counts, 1.0).unwrap();
/// let x = array![[2.0, 0.5, -1.0]];
/// let y = array![2_i64];
/// let v = loss.forward(&x, &y).unwrap().scalar().unwrap();
/// // the rare class is pushed down before the softmax, so its loss grows
/// let z = array![2.0 + 0.9_f64.ln(), 0.5 + 0.09_f64.ln(), -1.0 + 0.01_f64.ln()];
/// let lse = z.mapv(f64::exp).sum().ln();
/// assert!((v - (lse - z[2])).abs() < 1e-9);
/// ```
#[derive(Clone, Debug)]
pub struct LogitAdjustedCrossEntropy<F> {
    offsets: Array1<F>,
    base: SparseSoftmaxCrossEntropy<F>,
}

impl<F: Real> LogitAdjustedCrossEntropy<F> {
    /// The offsets `o` (one per class; `−∞` allowed: a class that can never be predicted), on
    /// the plain cross-entropy [`SparseSoftmaxCrossEntropy::new`] (reduction `none`).
    pub fn new(offsets: Array1<F>) -> Self {
        LogitAdjustedCrossEntropy {
            offsets: offsets.as_standard_layout().into_owned(),
            base: SparseSoftmaxCrossEntropy::new(),
        }
    }

    /// Menon et al.'s logit-adjusted loss as their official code computes it:
    /// [`LogitOffset::Menon`] offsets and `sum_over_batch_size` (`tf.reduce_mean`).
    pub fn menon(counts: &[f64], tau: f64) -> Result<Self> {
        let offsets = LogitOffset::Menon { tau }.offsets(counts)?;
        Ok(Self::new(offsets).base(SparseSoftmaxCrossEntropy::keras()))
    }

    /// Ren et al.'s Balanced Softmax as their official code computes it:
    /// [`LogitOffset::BalancedSoftmax`] offsets and PyTorch's `F.cross_entropy` defaults.
    pub fn balanced_softmax(counts: &[f64]) -> Result<Self> {
        let offsets = LogitOffset::BalancedSoftmax.offsets(counts)?;
        Ok(Self::new(offsets).base(SparseSoftmaxCrossEntropy::pytorch()))
    }

    /// The cross-entropy applied to the shifted logits, with its options (class weights,
    /// `ignore_index`, label smoothing, reduction); e.g. `SparseSoftmaxCrossEntropy::pytorch()`
    /// for `F.cross_entropy(logits + o, labels, weight=w)`.
    pub fn base(mut self, base: SparseSoftmaxCrossEntropy<F>) -> Self {
        self.base = base;
        self
    }

    /// Sets the reduction of the base loss.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.base = self.base.reduction(r);
        self
    }

    /// The offsets `o_c`.
    pub fn offsets(&self) -> &Array1<F> {
        &self.offsets
    }

    /// The base cross-entropy.
    pub fn base_loss(&self) -> &SparseSoftmaxCrossEntropy<F> {
        &self.base
    }

    /// Validates the options: offsets not NaN or `+∞` (a `−∞` offset is a class never
    /// predicted), at least one offset finite, and the base loss's options.
    pub(crate) fn check_options(&self) -> Result<()> {
        if self.offsets.is_empty() {
            return Err(ReweighError::EmptyBatch {
                what: "logit offsets",
            });
        }
        for (i, &o) in self.offsets.iter().enumerate() {
            if o.is_nan() || o == F::infinity() {
                return Err(ReweighError::NonFinite {
                    what: "logit offsets",
                    index: i,
                    value: o.f64(),
                });
            }
        }
        if self.offsets.iter().all(|o| !o.is_finite()) {
            return Err(ReweighError::NonFinite {
                what: "logit offsets (every one is −∞)",
                index: 0,
                value: f64::NEG_INFINITY,
            });
        }
        self.base.check_options()
    }

    /// Checks the options and that the logits have a class axis of one logit per offset.
    fn check_input(&self, logits: &ArrayViewD<'_, F>) -> Result<()> {
        self.check_options()?;
        if logits.ndim() == 0 {
            return Err(ReweighError::BadShape {
                what: "logits",
                reason: "need a class axis (the last one)",
                got: vec![],
            });
        }
        check_same_shape(
            "logit offsets (one per class, the logits' last axis)",
            &[logits.shape()[logits.ndim() - 1]],
            self.offsets.shape(),
        )
    }

    /// `x + o` broadcast over the last (class) axis.
    fn shifted(&self, logits: &ArrayViewD<'_, F>) -> Result<ArrayD<F>> {
        self.check_input(logits)?;
        Ok(shift(logits, &self.offsets, F::one()))
    }
}

/// `x + sign·o` over the last axis, in a new standard-layout array.
fn shift<F: Real>(x: &ArrayViewD<'_, F>, o: &Array1<F>, sign: F) -> ArrayD<F> {
    let mut z = x.as_standard_layout().into_owned();
    let last = Axis(z.ndim() - 1);
    for mut lane in z.lanes_mut(last) {
        lane.zip_mut_with(o, |v, &o| *v = *v + sign * o);
    }
    z
}

/// Post-hoc logit adjustment (Menon et al.): a trained model's logits minus the offsets,
/// `x_ic − o_c`, for prediction (`argmax` of the result is the balanced-error-optimal class
/// when `o` comes from the training prior). The official code's step is
/// `logits − tf.math.log(tf.cast(base_probs**tau + 1e-12, tf.float32))`: offsets
/// [`LogitOffset::Menon`].
///
/// ```
/// use ndarray::array;
/// use reweigh::losses::{LogitOffset, posthoc_logit_adjustment};
/// let o = LogitOffset::Menon { tau: 1.0 }.offsets::<f64>(&[90.0, 10.0]).unwrap();
/// let adjusted = posthoc_logit_adjustment(&array![[1.0, 0.0]], &o).unwrap();
/// // the head class's lead of 1 is smaller than ln(0.9 / 0.1) ≈ 2.2: the tail class wins
/// assert!(adjusted[[0, 1]] > adjusted[[0, 0]]);
/// ```
pub fn posthoc_logit_adjustment<'a, F: Real, D: Dimension>(
    logits: impl AsArray<'a, F, D>,
    offsets: &Array1<F>,
) -> Result<Array<F, D>> {
    let logits: ArrayView<'_, F, D> = logits.into();
    let logits = logits.into_dyn();
    LogitAdjustedCrossEntropy::new(offsets.clone()).check_options()?;
    if logits.ndim() == 0 {
        return Err(ReweighError::BadShape {
            what: "logits",
            reason: "need a class axis (the last one)",
            got: vec![],
        });
    }
    check_same_shape(
        "logit offsets (one per class, the logits' last axis)",
        &[logits.shape()[logits.ndim() - 1]],
        offsets.shape(),
    )?;
    Ok(shift(&logits, offsets, -F::one())
        .into_dimensionality()
        .expect("the logits' own number of axes"))
}

impl<F: Real> Loss<F> for LogitAdjustedCrossEntropy<F> {
    type Label = i64;

    fn reducer(&self) -> Reducer {
        self.base.reducer()
    }

    fn unreduced(
        &self,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        let z = self.shifted(&input)?;
        self.base
            .unreduced(z.view(), target, sample_weight, want_grad)
    }

    /// The base loss's fused kernel with the offsets as a per-class bias read on the fly
    /// (`∂z/∂x = 1`): nothing of the input's size is made for a scalar reduction, the gradient
    /// is written in one pass. Where that kernel does not apply (weights gathered by the
    /// predicted label, a zero denominator with a NaN rule), the shifted logits and the base
    /// loss's general path (`of_transformed::compute`).
    fn fused(
        &self,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        mut grad: GradOut<'_, '_, F>,
    ) -> Result<Option<LossOutput<F>>> {
        self.check_input(&input)?;
        let o = self.offsets.as_slice().expect("standard layout");
        let sw = sample_weight.clone();
        if let Some(out) = self.base.fused_biased(
            input.view(),
            target.view(),
            sw,
            grad.reborrow(),
            Some(o),
            F::one(),
        )? {
            return Ok(Some(out));
        }
        let z = shift(&input, &self.offsets, F::one());
        of_transformed::compute(&self.base, z.view(), target, sample_weight, grad, F::one())
            .map(Some)
    }
}
