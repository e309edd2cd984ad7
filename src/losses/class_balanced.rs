//! Class-balanced losses (Cui et al., "Class-Balanced Loss Based on Effective Number of Samples",
//! CVPR 2019): class weights from the effective number of samples, and the sigmoid and focal
//! losses weighted by them as in the authors' reference implementation.
//!
//! The reference implementation is `richardaecn/class-balanced-loss`, `src/cifar_main.py`
//! (TensorFlow 1): its `main` computes the weights and `_tower_fn` / `focal_loss` the losses. Its
//! widely copied PyTorch port `vandit15/Class-balanced-loss-pytorch` (`class_balanced_loss.py`,
//! `CB_loss`) computes the same weights and focal loss, but its sigmoid variant divides by
//! `N·C` instead of `N` (see [`sigmoid`]).

use crate::Real;
use crate::error::Result;
use crate::loss::{Loss, check_same_shape};
use crate::losses::focal_binary::{BinaryFocalLoss, check_gamma};
use crate::losses::{SigmoidCrossEntropy, SparseSoftmaxCrossEntropy};
use crate::reduction::{OnZeroWeights, Reducer, Reduction, Unreduced};
use ndarray::{Array1, ArrayD, ArrayViewD, Axis, Zip};

/// Class weights from the effective number of samples: `E_c = (1 − β^{n_c}) / (1 − β)` is the
/// expected volume covered by `n_c` samples, and the weights `1/E_c` are normalised to sum to
/// the number of classes `C`:
///
/// ```text
/// w_c = (1 − β) / (1 − β^{n_c}),   then   w_c ← C · w_c / Σ_k w_k
/// ```
///
/// `β = 0` gives equal weights (1 each); `β → 1` approaches inverse class frequency. The same
/// as the reference implementation's
/// `effective_num = 1.0 - np.power(beta, n); weights = (1.0 - beta) / effective_num;
/// weights = weights / np.sum(weights) * C`, computed in float64 and then rounded to `F` (the
/// reference casts its float64 weights to float32), with `1 − β^n = −expm1(n·ln β)` so that
/// `β` close to 1 keeps full accuracy.
///
/// Errors: `β` outside `[0, 1)` or not finite, a class with zero samples (its weight would be
/// infinite: [`crate::ReweighError::ZeroCount`]), no class at all.
///
/// The formula lives in one place, [`crate::schemes::effective_number_weights`] (the weighting
/// scheme); this adapter takes integer counts, computes in float64 and rounds to `F`.
///
/// ```
/// use reweigh::losses::class_balanced::weights_from_counts;
/// let w = weights_from_counts::<f64>(&[500, 50, 5], 0.99).unwrap();
/// // numpy: e = 1 - np.power(0.99, [500, 50, 5]); w = (1 - 0.99) / e; w / w.sum() * 3
/// let expected = [0.1261298832804162, 0.31722297128247323, 2.5566471454371107];
/// for (a, b) in w.iter().zip(expected) {
///     assert!((a - b).abs() < 1e-14);
/// }
/// assert!((w.sum() - 3.0).abs() < 1e-14);
/// ```
pub fn weights_from_counts<F: Real>(counts: &[u64], beta: F) -> Result<Array1<F>> {
    let counts: Array1<f64> = counts.iter().map(|&n| n as f64).collect();
    let w = crate::schemes::effective_number_weights(counts.view(), beta.f64())?;
    Ok(w.mapv(F::of))
}

/// The class weights of the reference implementation's *softmax* variant: the same
/// [`weights_from_counts`], for a softmax cross-entropy whose per-sample weight is the weight
/// of the sample's class.
///
/// The reference computes `tf.losses.softmax_cross_entropy(one_hot, logits, weights=w[y])`, whose
/// default reduction (`SUM_BY_NONZERO_WEIGHTS`, every weight being positive) is
/// `Σ_i w[y_i]·ce_i / N`: divide by the batch size, not by `Σ_i w[y_i]` as PyTorch's
/// `CrossEntropyLoss(weight=w)` does. Use these weights as the class weights of a sparse softmax
/// cross-entropy with [`softmax_reducer`]. (vandit15's port computes something else for
/// `"softmax"`: a binary cross-entropy on the softmax probabilities.)
pub fn softmax_weights<F: Real>(counts: &[u64], beta: F) -> Result<Array1<F>> {
    weights_from_counts(counts, beta)
}

/// The reduction of the reference implementation's softmax variant: `Σ_i w[y_i]·ce_i / N`
/// ([`Reduction::SumOverBatchSize`]).
pub fn softmax_reducer() -> Reducer {
    Reduction::SumOverBatchSize.into()
}

/// The class-balanced softmax cross-entropy of the reference implementation
/// (`loss_type == 'softmax'` in `richardaecn/class-balanced-loss`, `src/cifar_main.py`): a sparse
/// softmax cross-entropy with the class weights [`softmax_weights`] gathered by the true label and
/// the reduction [`softmax_reducer`]:
///
/// ```text
/// value = Σ_i w[y_i] · (−ln softmax(x_i)[y_i]) / N
/// ```
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::class_balanced};
/// let loss = class_balanced::softmax::<f64>(&[500, 120, 40], 0.99).unwrap();
/// let x = array![[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]];
/// let y = array![0_i64, 2];
/// let v = loss.forward(&x, &y).unwrap().scalar().unwrap();
/// assert!(v > 0.0);
/// ```
pub fn softmax<F: Real>(counts: &[u64], beta: F) -> Result<SparseSoftmaxCrossEntropy<F>> {
    Ok(SparseSoftmaxCrossEntropy::new()
        .class_weights(softmax_weights(counts, beta)?)
        .reduction(softmax_reducer()))
}

/// A binary (sigmoid-type) loss whose rows are weighted by the class-balanced weight of their
/// labels, reduced as in the reference implementation.
///
/// ```text
/// r_i = Σ_c w_c · z_ic                 (= w[y_i] for one-hot labels)
/// ℓ_ic = r_i · base(x_ic, z_ic)
/// value = Σ_ic ℓ_ic / Σ_ic z_ic        (the number of positive labels; N for one-hot labels)
/// ```
/// The denominator is the reduction [`Reduction::WeightedMean`] with the labels as mass (times
/// the sample weights, if any); an all-zero label batch gives NaN, as `x / 0` in the reference.
/// Another reduction can be set with [`Self::reduction`]: `sum_over_batch_size` divides by
/// `N·C` (vandit15's sigmoid variant). The labels are dense, `(…, C)`: one-hot (or multi-hot)
/// rows for the reference's integer labels.
///
/// Built by [`sigmoid`] and [`focal`].
#[derive(Clone, Debug)]
pub struct ClassBalancedLoss<F, L> {
    class_weights: Array1<F>,
    base: L,
    reducer: Reducer,
}

impl<F: Real, L> ClassBalancedLoss<F, L> {
    /// Weights the element-wise loss `base` (whose own reduction is ignored) by `class_weights`
    /// (one per class, on the last axis), with the reference's reduction.
    pub fn new(class_weights: Array1<F>, base: L) -> Self {
        ClassBalancedLoss {
            class_weights,
            base,
            reducer: Reducer {
                reduction: Reduction::WeightedMean,
                on_zero: OnZeroWeights::Nan,
            },
        }
    }

    /// The class weights `w_c`.
    pub fn class_weights(&self) -> &Array1<F> {
        &self.class_weights
    }

    /// The element-wise loss being weighted.
    pub fn base(&self) -> &L {
        &self.base
    }

    /// The reduction (default: `Σ ℓ / Σ z`, NaN when there is no positive label).
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// The checks of the options alone (what [`LossConfig::build`](crate::config::LossConfig::build)
    /// runs once): finite class weights.
    pub(crate) fn check_options(&self) -> Result<()> {
        crate::check::check_finite("class_weights", self.class_weights.iter())
    }
}

/// The class-balanced sigmoid cross-entropy of the reference implementation
/// (`loss_type == 'sigmoid'` in `richardaecn/class-balanced-loss`, `src/cifar_main.py`):
///
/// ```text
/// value = Σ_ic w[y_i] · sigmoid_ce(x_ic, z_ic) / Σ_ic z_ic
/// ```
/// i.e. `tf.reduce_sum(weights * tf.nn.sigmoid_cross_entropy_with_logits(one_hot, logits)) /
/// tf.reduce_sum(one_hot)`. vandit15's PyTorch port calls
/// `F.binary_cross_entropy_with_logits(logits, one_hot, weight=weights)`, whose mean divides by
/// `N·C`: add `.reduction(Reduction::SumOverBatchSize)` for that.
///
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::class_balanced};
/// let loss = class_balanced::sigmoid::<f64>(&[30, 10, 2], 0.9).unwrap();
/// let x = array![[1.0, -0.5, 0.2], [-1.0, 2.0, 0.0]];
/// let z = array![[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]];
/// let v = loss.forward(&x, &z).unwrap();
/// // the reference formula in torch, float64:
/// // (w[y][:, None] * F.binary_cross_entropy_with_logits(x, z, reduction="none")).sum() / z.sum()
/// //   = 3.47076097848829
/// assert!((v.scalar().unwrap() - 3.47076097848829).abs() < 1e-14);
/// ```
pub fn sigmoid<F: Real>(
    counts: &[u64],
    beta: F,
) -> Result<ClassBalancedLoss<F, SigmoidCrossEntropy<F>>> {
    Ok(ClassBalancedLoss::new(
        weights_from_counts(counts, beta)?,
        SigmoidCrossEntropy::new(),
    ))
}

/// The class-balanced focal loss of the reference implementation (`loss_type == 'focal'` in
/// `richardaecn/class-balanced-loss`, `src/cifar_main.py`, and `CB_loss(..., "focal", ...)` in
/// vandit15's port):
///
/// ```text
/// value = Σ_ic w[y_i] · (1 − p_t)^γ · sigmoid_ce(x_ic, z_ic) / Σ_ic z_ic
/// ```
/// with the modulator of [`BinaryFocalLoss`] (no `α`). For hard labels it equals the
/// reference's "numerically stable" `exp(−γ·z·x − γ·log1p(exp(−x)))`, except where that
/// overflows: for `x < −88.7` (float32) or `x < −709.8` (float64) and `z = 1` the reference's
/// `exp(−x)` is infinite and its modulator 0 instead of ≈ 1. For soft labels the reference's
/// modulator is `σ(−x)^{γz}·σ(x)^{γ(1−z)}`, not `(1 − p_t)^γ`: give it one-hot labels.
pub fn focal<F: Real>(
    counts: &[u64],
    beta: F,
    gamma: F,
) -> Result<ClassBalancedLoss<F, BinaryFocalLoss<F>>> {
    check_gamma(gamma)?;
    Ok(ClassBalancedLoss::new(
        weights_from_counts(counts, beta)?,
        BinaryFocalLoss::new().gamma(gamma),
    ))
}

impl<F: Real, L> Loss<F> for ClassBalancedLoss<F, L>
where
    L: Loss<F, Label = F>,
{
    type Label = F;

    fn reducer(&self) -> Reducer {
        self.reducer
    }

    fn unreduced(
        &self,
        logits: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.check_options()?;
        let base = self
            .base
            .unreduced(logits.view(), labels.view(), None, want_grad)?;
        let Unreduced {
            mut values,
            mut grad,
            ..
        } = base;
        check_same_shape("element-wise base loss", labels.shape(), values.shape())?;
        let last = Axis(labels.ndim() - 1);
        check_same_shape(
            "class weights",
            &[labels.len_of(last)],
            self.class_weights.shape(),
        )?;
        let w = &self.class_weights;
        let row_weights: Vec<F> = labels
            .lanes(last)
            .into_iter()
            .map(|z| Zip::from(&z).and(w).fold(F::zero(), |a, &z, &w| a + z * w))
            .collect();
        for (mut row, &r) in values.lanes_mut(last).into_iter().zip(&row_weights) {
            row.mapv_inplace(|l| l * r);
        }
        if let Some(g) = grad.as_mut() {
            for (mut row, &r) in g.lanes_mut(last).into_iter().zip(&row_weights) {
                row.mapv_inplace(|d| d * r);
            }
        }
        let mass: ArrayD<F> = labels.to_owned();
        let count = values.len();
        crate::losses::weighting::with_mass(values, grad, sample_weight, mass, count, None)
    }
}
