//! Poly-1 cross-entropy (PolyLoss, Leng et al., ICLR 2022): the softmax cross-entropy plus `ε`
//! times the first polynomial term `1 − p_t`.

use crate::Real;
use crate::error::Result;
use crate::loss::{Loss, check_finite, check_nonempty, check_same_shape};
use crate::losses::one_hot::one_hot;
use crate::losses::smoothing::{check_smoothing, dense_coefficients};
use crate::losses::softmax::{check_class_weights, row_cross_entropy};
use crate::losses::weighting::apply_sample_weight;
use crate::reduction::{Reducer, Reduction, Unreduced};
use ndarray::{Array1, ArrayD, ArrayViewD, Axis, Zip};

/// Poly-1 softmax cross-entropy from logits (class axis last) against probability targets of
/// the same shape (one-hot or soft), with class weights and label smoothing.
///
/// ```text
/// t_ic = y_ic·(1 − s) + s/C                     (label smoothing s)
/// a_ic = w_c·t_ic                               (class weights w, 1 without)
/// p_i  = softmax(x_i),  A_i = Σ_c a_ic,  P_i = Σ_c a_ic·p_ic   (P = p_t for a one-hot target)
/// l_i  = −Σ_c a_ic·log p_ic + ε·(A_i − P_i)     (= CE + ε·(1 − p_t) for one-hot targets, no weights)
/// ∂l_i/∂x_ij = A_i·p_ij − a_ij + ε·p_ij·(P_i − a_ij)
/// ```
/// `ε` is any finite number (the paper recommends 2 for ImageNet classification, −1 for
/// detection); `ε = 0` is the plain cross-entropy ([`SoftmaxCrossEntropy`]). Class weights are
/// an extension: both terms are weighted by `a`, as `torch.nn.CrossEntropyLoss(weight=w)` weighs
/// the cross-entropy of probability targets; like it, the weighted reductions divide by the rows
/// (times the sample weights), not by the class weights. One loss per row; sample weights
/// broadcast to the row shape.
///
/// Reference calls it equals:
/// - `optax.losses.poly_loss_cross_entropy(logits, labels, epsilon=ε)`: [`Self::optax`]`(ε)`
///   (one loss per row);
/// - `timm.loss.PolyCrossEntropy(epsilon=ε, smoothing=s)(x, target)` with dense targets:
///   [`Self::timm`]`(ε)` with [`Self::label_smoothing`] (its mean over rows; timm computes in
///   float32 even for float64 input). With class-index targets use [`SparsePolyCrossEntropy`].
///
/// [`SoftmaxCrossEntropy`]: crate::losses::SoftmaxCrossEntropy
///
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::PolyCrossEntropy};
/// let x = array![[2.0_f64, 0.0, -1.0]];
/// let y = array![[0.0, 1.0, 0.0]];
/// let v = PolyCrossEntropy::optax(2.0).forward(&x, &y).unwrap();
/// let p = x.mapv(f64::exp) / x.mapv(f64::exp).sum();
/// let want = -p[[0, 1]].ln() + 2.0 * (1.0 - p[[0, 1]]);
/// assert!((v.into_array()[0] - want).abs() < 1e-12);
/// ```
#[derive(Clone, Debug)]
pub struct PolyCrossEntropy<F> {
    epsilon: F,
    class_weights: Option<Array1<F>>,
    label_smoothing: F,
    reducer: Reducer,
}

impl<F: Real> Default for PolyCrossEntropy<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Real> PolyCrossEntropy<F> {
    /// `ε = 2` (the paper's and optax's default), no weights or smoothing, reduction `none`.
    pub fn new() -> Self {
        PolyCrossEntropy {
            epsilon: F::of(2.0),
            class_weights: None,
            label_smoothing: F::zero(),
            reducer: Reduction::None.into(),
        }
    }

    /// `optax.losses.poly_loss_cross_entropy(logits, labels, epsilon=ε)`: one loss per row.
    pub fn optax(epsilon: F) -> Self {
        Self::new().epsilon(epsilon)
    }

    /// `timm.loss.PolyCrossEntropy(epsilon=ε)` (`reduction='mean'`: `sum_over_batch_size`).
    pub fn timm(epsilon: F) -> Self {
        Self::new()
            .epsilon(epsilon)
            .reduction(Reduction::SumOverBatchSize)
    }

    /// The coefficient `ε` of the polynomial term (finite).
    pub fn epsilon(mut self, epsilon: F) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Per-class weights of length `C`, multiplying both terms.
    pub fn class_weights(mut self, w: Array1<F>) -> Self {
        self.class_weights = Some(w.as_standard_layout().into_owned());
        self
    }

    /// Label smoothing `s ∈ [0, 1]`: `t = y(1 − s) + s/C` (timm's `smoothing`).
    pub fn label_smoothing(mut self, s: F) -> Self {
        self.label_smoothing = s;
        self
    }

    /// The reduction.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// The checks of the options alone: `ε` finite, smoothing in `[0, 1]`, finite class weights.
    pub(crate) fn check_options(&self) -> Result<()> {
        crate::check::check_range("epsilon", self.epsilon.f64(), f64::MIN, f64::MAX, "finite")?;
        check_smoothing(self.label_smoothing.f64())?;
        if let Some(w) = &self.class_weights {
            check_finite("class_weights", w.iter())?;
        }
        Ok(())
    }
}

impl<F: Real> Loss<F> for PolyCrossEntropy<F> {
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
        check_nonempty("logits", &logits)?;
        check_same_shape("labels", logits.shape(), labels.shape())?;
        let last = Axis(logits.ndim() - 1);
        let num_classes = logits.len_of(last);
        check_class_weights(self.class_weights.as_ref(), num_classes)?;
        let w = self.class_weights.as_ref().map(|w| w.view());
        let eps = self.epsilon;

        let mut values = ArrayD::<F>::zeros(&logits.shape()[..logits.ndim() - 1]);
        let mut grad = want_grad.then(|| ArrayD::<F>::zeros(logits.shape()));
        let mut a = Array1::<F>::zeros(num_classes);
        let mut log_p = Array1::<F>::zeros(num_classes);
        {
            let mut grad_rows = grad.as_mut().map(|g| g.lanes_mut(last).into_iter());
            let rows = logits.lanes(last).into_iter().zip(labels.lanes(last));
            for ((x, y), l) in rows.zip(values.iter_mut()) {
                dense_coefficients(y, self.label_smoothing, w, a.view_mut());
                let mut g = grad_rows.as_mut().and_then(Iterator::next);
                let ce = row_cross_entropy(
                    x,
                    a.view(),
                    None,
                    &mut log_p,
                    g.as_mut().map(|g| g.view_mut()),
                );
                let total: F = a.sum();
                let pt = a
                    .iter()
                    .zip(log_p.iter())
                    .fold(F::zero(), |s, (&a, &lp)| s + a * lp.exp());
                *l = ce + eps * (total - pt);
                if let Some(g) = g {
                    Zip::from(g)
                        .and(&log_p)
                        .and(&a)
                        .for_each(|g, &lp, &a| *g = *g + eps * lp.exp() * (pt - a));
                }
            }
        }
        apply_sample_weight(values, grad, sample_weight)
    }
}

/// [`PolyCrossEntropy`] against integer class labels (the logits' shape without the class
/// axis): the labels become one-hot targets, then label smoothing and class weights apply as
/// in the dense loss.
///
/// Reference call: `timm.loss.PolyCrossEntropy(epsilon=ε, smoothing=s)(x, target)` with class
/// indices: `SparsePolyCrossEntropy::new(PolyCrossEntropy::timm(ε).label_smoothing(s))`.
///
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::{PolyCrossEntropy, SparsePolyCrossEntropy}};
/// let x = array![[2.0_f32, 0.0, -1.0], [0.5, 0.5, 3.0]];
/// let sparse = SparsePolyCrossEntropy::new(PolyCrossEntropy::timm(1.0));
/// let dense = PolyCrossEntropy::timm(1.0);
/// let a = sparse.forward(&x, &array![1_i64, 2]).unwrap();
/// let y = array![[0.0_f32, 1.0, 0.0], [0.0, 0.0, 1.0]];
/// let b = dense.forward(&x, &y).unwrap();
/// assert_eq!(a, b);
/// ```
#[derive(Clone, Debug)]
pub struct SparsePolyCrossEntropy<F> {
    dense: PolyCrossEntropy<F>,
}

impl<F: Real> Default for SparsePolyCrossEntropy<F> {
    fn default() -> Self {
        Self::new(PolyCrossEntropy::new())
    }
}

impl<F: Real> SparsePolyCrossEntropy<F> {
    /// The dense loss applied to the one-hot labels.
    pub fn new(dense: PolyCrossEntropy<F>) -> Self {
        SparsePolyCrossEntropy { dense }
    }

    /// The dense loss.
    pub fn dense(&self) -> &PolyCrossEntropy<F> {
        &self.dense
    }
}

impl<F: Real> Loss<F> for SparsePolyCrossEntropy<F> {
    type Label = i64;

    fn reducer(&self) -> Reducer {
        self.dense.reducer
    }

    fn unreduced(
        &self,
        logits: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.dense.check_options()?;
        let dense = one_hot("logits", &logits, &labels)?;
        self.dense
            .unreduced(logits, dense.view(), sample_weight, want_grad)
    }
}
