//! Softmax cross-entropy from logits against probability (dense, one-hot or soft) targets, with
//! class weights and label smoothing; and the row kernel both softmax losses share.

use crate::Real;
use crate::error::{Result, ReweighError};
use crate::kernels;
use crate::kernels::softmax::Targets;
use crate::loss::{GradOut, Loss, check_finite, check_nonempty, check_same_shape};
use crate::losses::smoothing::{check_smoothing, dense_coefficients};
use crate::losses::softmax_gradient::SoftmaxGradient;
use crate::losses::weighting::apply_sample_weight;
use crate::math::log_softmax_fill;
use crate::output::LossOutput;
use crate::reduction::{Framework, MassTotals, Reducer, Reduction, Totals, Unreduced};
use ndarray::{Array1, ArrayD, ArrayView1, ArrayViewD, ArrayViewMut1, Axis, Zip};

/// Softmax cross-entropy computed from logits, with the class axis last, against a probability
/// target of the same shape (one-hot or soft labels).
///
/// ```text
/// t_ic = y_ic·(1 − ε) + ε/C                         (label smoothing ε, C classes)
/// l_i  = −Σ_c w_c·t_ic·log softmax(x_i)_c           (w = class weights, 1 without)
/// ∂l_i/∂x_ij = (Σ_c w_c·t_ic)·softmax(x_i)_j − w_j·t_ij
/// ```
/// Labels are not renormalised, as in every framework. One loss per row; sample weights
/// broadcast to the row shape (the logits' shape without its last axis) and enter the
/// denominators of the weighted reductions. Class weights do not: `sum_over_batch_size` and
/// `weighted_mean` divide by the number of rows (times the sample weights), which is PyTorch's
/// `mean` for probability targets.
///
/// Equivalent framework calls (PyTorch puts the class axis at dim 1; here it is last):
/// - `tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x)`: [`Self::new`] (reduction
///   `none`); TensorFlow's gradient is `softmax(x) − y` even when `Σ_c y_c ≠ 1`, reweigh's is the
///   true derivative above (they agree for normalised labels): a deliberate difference,
///   `.gradient(SoftmaxGradient::Tensorflow)` reproduces TensorFlow's ([`SoftmaxGradient`]);
/// - `torch.nn.CrossEntropyLoss(weight=w, label_smoothing=ε, reduction=...)(x, y)` with
///   probability targets: [`Self::pytorch`];
/// - `keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=ε)`: [`Self::keras`];
///   `(N, T, C)` logits with `(N, T)` sample weights are Keras's temporal sample weights;
/// - `tf.compat.v1.losses.softmax_cross_entropy(y, x, weights, label_smoothing=ε)`: [`Self::tf1`].
///
/// A `+∞` logit gives NaN; a `−∞` logit gives `+∞` if its target is positive and NaN if it is
/// zero (`0·∞`), as in TensorFlow and PyTorch.
///
/// Speed: the reduced loss and its gradient come from a fused kernel (SIMD `exp`/`ln` for f32,
/// rows split across rayon threads for large batches; README, "Performance"), which writes the
/// gradient into one buffer, the caller's with [`Loss::compute_into`]; [`Loss::unreduced`]
/// keeps the general element-wise path.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::SoftmaxCrossEntropy};
/// let x = array![[2.0_f64, -1.0, 0.5], [0.1, 0.3, -2.0]];
/// let y = array![[0.7, 0.2, 0.1], [0.0, 1.0, 0.0]];
/// let loss = SoftmaxCrossEntropy::pytorch().class_weights(array![1.0, 2.0, 0.5]);
/// let out = loss.forward_backward(&x, &y).unwrap();
/// // torch.nn.CrossEntropyLoss(weight=torch.tensor([1., 2., .5], dtype=torch.float64))(x, y)
/// // = 1.4280527914322905 (the mean divides by the 2 rows, not by the weights)
/// assert!((out.value.scalar().unwrap() - 1.4280527914322905).abs() < 1e-15);
/// assert_eq!(out.grad.unwrap().shape(), &[2, 3]);
/// ```
#[derive(Clone, Debug)]
pub struct SoftmaxCrossEntropy<F> {
    class_weights: Option<Array1<F>>,
    label_smoothing: F,
    ignore_index: Option<i64>,
    gradient: SoftmaxGradient,
    reducer: Reducer,
}

impl<F: Real> Default for SoftmaxCrossEntropy<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Real> SoftmaxCrossEntropy<F> {
    /// One loss per row, no weights, no smoothing, reduction `none`.
    pub fn new() -> Self {
        SoftmaxCrossEntropy {
            class_weights: None,
            label_smoothing: F::zero(),
            ignore_index: None,
            gradient: SoftmaxGradient::Exact,
            reducer: Reduction::None.into(),
        }
    }

    /// The gradient rule for labels that do not sum to 1 ([`SoftmaxGradient`]; default the
    /// exact derivative, `SoftmaxGradient::Tensorflow` reproduces TensorFlow's `softmax − y`).
    pub fn gradient(mut self, rule: SoftmaxGradient) -> Self {
        self.gradient = rule;
        self
    }

    /// `torch.nn.CrossEntropyLoss()` defaults with probability targets: `mean` over rows, NaN
    /// when the denominator is zero.
    pub fn pytorch() -> Self {
        Self::new().reduction(Framework::PyTorch.default_reducer())
    }

    /// `keras.losses.CategoricalCrossentropy(from_logits=True)` defaults: `sum_over_batch_size`.
    pub fn keras() -> Self {
        Self::new().reduction(Framework::Keras.default_reducer())
    }

    /// `tf.compat.v1.losses.softmax_cross_entropy` defaults: `sum_by_nonzero_weights`.
    pub fn tf1() -> Self {
        Self::new().reduction(Framework::Tf1.default_reducer())
    }

    /// Per-class weights `w` of length `C` inside the sum (PyTorch `weight=` with probability
    /// targets). Negative weights are accepted, as PyTorch does.
    pub fn class_weights(mut self, w: Array1<F>) -> Self {
        self.class_weights = Some(w);
        self
    }

    /// Label smoothing `ε ∈ [0, 1]`: `t = y(1 − ε) + ε/C`. For probability targets both
    /// [`SmoothingForm`](crate::losses::SmoothingForm)s give this same loss, so there is no form to choose (unlike
    /// [`SparseSoftmaxCrossEntropy::smoothing_form`](crate::losses::SparseSoftmaxCrossEntropy::smoothing_form)).
    pub fn label_smoothing(mut self, eps: F) -> Self {
        self.label_smoothing = eps;
        self
    }

    /// PyTorch's `ignore_index` with probability targets: a negative index (PyTorch's default
    /// −100) matches no probability and is accepted; a non-negative one is an error, as in
    /// PyTorch (`ignore_index is not supported for floating point target`).
    pub fn ignore_index(mut self, idx: impl Into<Option<i64>>) -> Self {
        self.ignore_index = idx.into();
        self
    }

    /// The reduction.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// The checks of the options alone (what [`LossConfig::build`](crate::config::LossConfig::build)
    /// runs once): smoothing in `[0, 1]`, no non-negative `ignore_index`, finite class weights.
    pub(crate) fn check_options(&self) -> Result<()> {
        check_smoothing(self.label_smoothing.f64())?;
        if let Some(idx) = self.ignore_index
            && idx >= 0
        {
            return Err(ReweighError::Incompatible(format!(
                "ignore_index = {idx} with probability targets (PyTorch: ignore_index is not \
                 supported for floating point target)"
            )));
        }
        if let Some(w) = &self.class_weights {
            check_finite("class_weights", w.iter())?;
        }
        Ok(())
    }

    /// The input checks shared by the general and the fused path.
    fn check(&self, logits: &ArrayViewD<'_, F>, labels: &ArrayViewD<'_, F>) -> Result<()> {
        self.check_options()?;
        check_nonempty("logits", logits)?;
        check_same_shape("labels", logits.shape(), labels.shape())?;
        let num_classes = logits.len_of(Axis(logits.ndim() - 1));
        check_class_weights(self.class_weights.as_ref(), num_classes)
    }
}

impl<F: Real> Loss<F> for SoftmaxCrossEntropy<F> {
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
        self.check(&logits, &labels)?;
        let last = Axis(logits.ndim() - 1);
        let num_classes = logits.len_of(last);
        let w = self.class_weights.as_ref().map(|w| w.view());

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
                *l = row_cross_entropy(
                    x,
                    a.view(),
                    None,
                    &mut log_p,
                    g.as_mut().map(|g| g.view_mut()),
                );
                if let Some(g) = g {
                    self.gradient.rewrite_row(g, &log_p, a.view());
                }
            }
        }
        apply_sample_weight(values, grad, sample_weight)
    }

    /// The fused kernel (one pass over the rows; README, "Performance"); it always applies
    /// (`Some`).
    fn fused(
        &self,
        logits: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        grad: GradOut<'_, '_, F>,
    ) -> Result<Option<LossOutput<F>>> {
        self.check(&logits, &labels)?;
        if self.gradient != SoftmaxGradient::Exact {
            return Ok(None); // the kernel computes the exact rule only
        }
        // a non-contiguous input is copied, so that every layout gives the same numbers
        let (x, y) = (kernels::contiguous(&logits), kernels::contiguous(&labels));
        let row_shape = &logits.shape()[..logits.ndim() - 1];
        let rows: usize = row_shape.iter().product();
        let sw = kernels::row_weights(sample_weight.as_ref(), row_shape)?;
        // denominators: the mass is the sample weight (1 without), the count the rows
        let totals = Totals {
            count: rows,
            mass: (sw.as_ref().zip(sample_weight.as_ref()))
                .map(|(sw, passed)| MassTotals::of(sw).passed_as(passed)),
        };
        // any layout of the weights (issue 11 #1): borrowed when contiguous, else copied
        let w_view = self.class_weights.as_ref().map(|w| w.view().into_dyn());
        let w_buf = w_view.as_ref().map(kernels::contiguous);
        let batch = kernels::softmax::Batch {
            logits: &x,
            classes: logits.len_of(Axis(logits.ndim() - 1)),
            targets: Targets::Dense {
                labels: &y,
                class_weights: w_buf.as_deref(),
                eps: self.label_smoothing,
            },
            sample_weight: sw.as_deref(),
            bias: None,
            grad_scale: F::one(),
        };
        Ok(kernels::softmax::output(
            &batch,
            self.reducer,
            &totals,
            logits.shape(),
            grad,
        ))
    }
}

/// `−Σ_c a_c·log softmax(x)_c` of one row of logits; writes its gradient
/// `(Σ_c a_c)·softmax(x) − a` into `grad` when given. `log_p` is scratch space of the row's length.
///
/// With `only = Some(y)` the coefficients must vanish off `y` and the value is the single term
/// `−a_y·log softmax(x)_y`, so that a `−∞` logit on another class stays finite (TensorFlow's and
/// PyTorch's integer-label kernels); otherwise every term is summed and `0·∞` is NaN, as in
/// their probability-target kernels.
pub(crate) fn row_cross_entropy<F: Real>(
    x: ArrayView1<'_, F>,
    a: ArrayView1<'_, F>,
    only: Option<usize>,
    log_p: &mut Array1<F>,
    grad: Option<ArrayViewMut1<'_, F>>,
) -> F {
    log_softmax_fill(x, log_p.view_mut());
    let value = match only {
        Some(y) => -(a[y] * log_p[y]),
        None => -a
            .iter()
            .zip(log_p.iter())
            .map(|(&a, &lp)| a * lp)
            .sum::<F>(),
    };
    if let Some(g) = grad {
        let total: F = a.sum();
        Zip::from(g)
            .and(&*log_p)
            .and(&a)
            .for_each(|g, &lp, &a| *g = total * lp.exp() - a);
    }
    value
}

/// Checks that class weights have one finite entry per class.
pub(crate) fn check_class_weights<F: Real>(
    w: Option<&Array1<F>>,
    num_classes: usize,
) -> Result<()> {
    if let Some(w) = w {
        check_same_shape("class_weights", &[num_classes], w.shape())?;
        check_finite("class_weights", w.iter())?;
    }
    Ok(())
}
