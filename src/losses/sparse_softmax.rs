//! Softmax cross-entropy from logits against integer class labels, with class weights (gathered
//! by the true or the predicted label), ignored labels and label smoothing.

use crate::Real;
use crate::check::check_labels;
use crate::error::{Result, ReweighError};
use crate::kernels;
use crate::kernels::softmax::{Targets, is_ignored};
use crate::loss::{GradOut, Loss, check_finite, check_nonempty, check_same_shape};
use crate::losses::smoothing::{SmoothingForm, check_smoothing, sparse_coefficients};
use crate::losses::softmax::{check_class_weights, row_cross_entropy};
use crate::losses::weighting::{apply_sample_weight, with_mass};
use crate::math::argmax;
use crate::output::LossOutput;
use crate::reduction::{Framework, MassTotals, Reducer, Reduction, Totals, Unreduced};
use ndarray::{Array1, ArrayD, ArrayViewD, Axis};

/// Softmax cross-entropy computed from logits, with the class axis last, against integer labels
/// of the logits' shape without that axis.
///
/// ```text
/// g_i  = w[y_i]        (w[argmax_c x_ic] with weight_by_predicted; 1 without class weights)
/// KerasTf form:  a_ic = g_i·((1 − ε)·[c = y_i] + ε/C)
/// PyTorch form:  a_ic = (1 − ε)·g_i·[c = y_i] + (ε/C)·w_c
/// l_i  = −Σ_c a_ic·log softmax(x_i)_c              (= −g_i·log softmax(x_i)_{y_i} when ε = 0)
/// ∂l_i/∂x_ij = (Σ_c a_ic)·softmax(x_i)_j − a_ij
/// mass_i = g_i (times the sample weight); an ignored row has l_i = 0, mass 0, gradient 0 and
/// leaves the count that sum_over_batch_size divides by.
/// ```
/// See [`SmoothingForm`] for the two ways smoothing meets class weights. Sample weights broadcast
/// to the label shape: `(N, T, C)` logits, `(N, T)` labels and `(N, T)` sample weights are
/// Keras's temporal sample weights.
///
/// Equivalent framework calls (PyTorch puts the class axis at dim 1; here it is last):
/// - `tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x)`: [`Self::new`];
/// - `torch.nn.CrossEntropyLoss(weight=w, ignore_index=k, label_smoothing=ε, reduction=...)(x, y)`:
///   [`Self::pytorch`] (its `mean` is `Σ l_i / Σ w[y_i]` over the rows not ignored; NaN, with a
///   zero gradient, when every row is ignored);
/// - `keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=k)`:
///   [`Self::keras`] with [`Self::ignore_class`];
/// - `tf.compat.v1.losses.sparse_softmax_cross_entropy(y, x, weights=tf.gather(w, y))`:
///   [`Self::tf1`] with [`Self::class_weights`] (the example below);
/// - `w[argmax(x)]·ce` (weights by the predicted label, Stack Overflow 44560549) has no framework
///   op: [`Self::weight_by_predicted`], whose gradient treats the argmax as a constant.
///
/// A `−∞` logit on a class other than the label leaves the loss finite (unless smoothing
/// spreads mass on it); on the label it gives `+∞`; a `+∞` logit gives NaN.
///
/// Speed: the reduced loss and its gradient come from a fused kernel (SIMD `exp`/`ln` for f32,
/// rows split across rayon threads for large batches; README, "Performance"), which writes the
/// gradient into one buffer, the caller's with [`Loss::compute_into`]; [`Loss::unreduced`]
/// keeps the general element-wise path.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::SparseSoftmaxCrossEntropy};
/// // Stack Overflow 44560549: np.random.seed(123); logits = randint(0, 10, 30).reshape(6, 5),
/// // labels = randint(0, 5, 6), class weights [0.3, 0.1, 0.2, 0.3, 0.1].
/// let x = array![[2.0_f32, 2., 6., 1., 3.], [9., 6., 1., 0., 1.], [9., 0., 0., 9., 3.],
///                [4., 0., 0., 4., 1.], [7., 3., 2., 4., 7.], [2., 4., 8., 0., 7.]];
/// let y = array![1_i64, 3, 4, 4, 4, 1];
/// let loss = SparseSoftmaxCrossEntropy::tf1().class_weights(array![0.3, 0.1, 0.2, 0.3, 0.1]);
/// let v = loss.forward(&x, &y).unwrap();
/// // tf.compat.v1.losses.sparse_softmax_cross_entropy(labels, logits, tf.gather(cw, labels))
/// // = 0.7787589430809021 (Σ w·ce over the 6 non-zero weights)
/// assert!((v.scalar().unwrap() - 0.778_758_94).abs() < 1e-6);
/// ```
#[derive(Clone, Debug)]
pub struct SparseSoftmaxCrossEntropy<F> {
    class_weights: Option<Array1<F>>,
    by_predicted: bool,
    ignore_index: Option<i64>,
    ignore_class: Option<i64>,
    label_smoothing: F,
    form: SmoothingForm,
    reducer: Reducer,
}

impl<F: Real> Default for SparseSoftmaxCrossEntropy<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Real> SparseSoftmaxCrossEntropy<F> {
    /// One loss per label, no weights, no smoothing, nothing ignored, reduction `none`.
    pub fn new() -> Self {
        SparseSoftmaxCrossEntropy {
            class_weights: None,
            by_predicted: false,
            ignore_index: None,
            ignore_class: None,
            label_smoothing: F::zero(),
            form: SmoothingForm::KerasTf,
            reducer: Reduction::None.into(),
        }
    }

    /// `torch.nn.CrossEntropyLoss()` defaults: weighted `mean`, NaN when the denominator is
    /// zero, `ignore_index = −100`, PyTorch smoothing form.
    pub fn pytorch() -> Self {
        Self::new()
            .reduction(Framework::PyTorch.default_reducer())
            .ignore_index(-100)
            .smoothing_form(SmoothingForm::PyTorch)
    }

    /// `keras.losses.SparseCategoricalCrossentropy(from_logits=True)` defaults:
    /// `sum_over_batch_size`.
    pub fn keras() -> Self {
        Self::new().reduction(Framework::Keras.default_reducer())
    }

    /// `tf.compat.v1.losses.sparse_softmax_cross_entropy` defaults: `sum_by_nonzero_weights`.
    pub fn tf1() -> Self {
        Self::new().reduction(Framework::Tf1.default_reducer())
    }

    /// Per-class weights of length `C`, gathered by the true label (PyTorch `weight=`, or
    /// `weights=tf.gather(w, labels)` in TF1, or Keras `class_weight=` in `fit`). They scale the
    /// row and are its denominator mass. Negative weights are accepted, as PyTorch does.
    pub fn class_weights(mut self, w: Array1<F>) -> Self {
        self.class_weights = Some(w);
        self
    }

    /// Gathers the class weights by the predicted label `argmax_c x_ic` (the first maximum)
    /// instead of the true one. The gradient treats the argmax as a constant. Cannot be combined
    /// with label smoothing in the [`SmoothingForm::PyTorch`] form.
    pub fn weight_by_predicted(mut self, yes: bool) -> Self {
        self.by_predicted = yes;
        self
    }

    /// PyTorch's `ignore_index`: rows with this label are left out of the numerator and of the
    /// denominator (and their gradient is zero).
    pub fn ignore_index(mut self, idx: impl Into<Option<i64>>) -> Self {
        self.ignore_index = idx.into();
        self
    }

    /// Keras's `ignore_class`: rows with this label are left out; `sum_over_batch_size` divides
    /// by the number of the other rows and `weighted_mean` by their sample weights. It excludes a
    /// row exactly as [`Self::ignore_index`] does; both may be set.
    pub fn ignore_class(mut self, idx: impl Into<Option<i64>>) -> Self {
        self.ignore_class = idx.into();
        self
    }

    /// Label smoothing `ε ∈ [0, 1]`; [`Self::smoothing_form`] says how it combines with class
    /// weights.
    pub fn label_smoothing(mut self, eps: F) -> Self {
        self.label_smoothing = eps;
        self
    }

    /// How label smoothing combines with class weights (Keras/TF or PyTorch).
    pub fn smoothing_form(mut self, form: SmoothingForm) -> Self {
        self.form = form;
        self
    }

    /// The reduction.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    fn is_ignored(&self, label: i64) -> bool {
        is_ignored(&[self.ignore_index, self.ignore_class], label)
    }

    /// The checks of the options alone (what [`LossConfig::build`](crate::config::LossConfig::build)
    /// runs once): smoothing in `[0, 1]`, finite class weights, and no weights by the predicted
    /// label with the PyTorch smoothing form.
    pub(crate) fn check_options(&self) -> Result<()> {
        let eps = self.label_smoothing;
        check_smoothing(eps.f64())?;
        if let Some(w) = &self.class_weights {
            check_finite("class_weights", w.iter())?;
        }
        if self.by_predicted
            && self.class_weights.is_some()
            && eps != F::zero()
            && self.form == SmoothingForm::PyTorch
        {
            return Err(ReweighError::Incompatible(
                "weight_by_predicted with label smoothing in the PyTorch form (which weighs \
                 the smoothing terms by class, not by the row's gathered weight)"
                    .to_string(),
            ));
        }
        Ok(())
    }

    /// The input checks shared by the general and the fused path.
    fn check(&self, logits: &ArrayViewD<'_, F>, labels: &ArrayViewD<'_, i64>) -> Result<()> {
        self.check_options()?;
        check_nonempty("logits", logits)?;
        let row_shape = &logits.shape()[..logits.ndim() - 1];
        check_same_shape("labels", row_shape, labels.shape())?;
        let num_classes = logits.len_of(Axis(logits.ndim() - 1));
        check_class_weights(self.class_weights.as_ref(), num_classes)?;
        check_labels(labels, num_classes, |label| self.is_ignored(label))
    }
}

impl<F: Real> Loss<F> for SparseSoftmaxCrossEntropy<F> {
    type Label = i64;

    fn reducer(&self) -> Reducer {
        self.reducer
    }

    fn unreduced(
        &self,
        logits: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.check(&logits, &labels)?;
        let row_shape = &logits.shape()[..logits.ndim() - 1];
        let last = Axis(logits.ndim() - 1);
        let num_classes = logits.len_of(last);
        let eps = self.label_smoothing;
        let w = self.class_weights.as_ref().map(|w| w.view());
        let mut values = ArrayD::<F>::zeros(row_shape);
        let mut mass = ArrayD::<F>::zeros(row_shape);
        let mut count = 0;
        let mut grad = want_grad.then(|| ArrayD::<F>::zeros(logits.shape()));
        let mut a = Array1::<F>::zeros(num_classes);
        let mut log_p = Array1::<F>::zeros(num_classes);
        {
            let mut grad_rows = grad.as_mut().map(|g| g.lanes_mut(last).into_iter());
            let rows = logits.lanes(last).into_iter().zip(labels.iter());
            for ((x, &label), (l, m)) in rows.zip(values.iter_mut().zip(mass.iter_mut())) {
                let g = grad_rows.as_mut().and_then(Iterator::next);
                if self.is_ignored(label) {
                    continue;
                }
                count += 1;
                let y = label as usize;
                let weight = match w {
                    Some(w) if self.by_predicted => w[argmax(x)],
                    Some(w) => w[y],
                    None => F::one(),
                };
                sparse_coefficients(y, weight, eps, self.form, w, a.view_mut());
                let only = (eps == F::zero()).then_some(y);
                *l = row_cross_entropy(x, a.view(), only, &mut log_p, g);
                *m = weight;
            }
        }
        let ignored = (self.ignore_index.is_some() || self.ignore_class.is_some())
            .then(|| labels.mapv(|y| self.is_ignored(y)));
        if w.is_none() && ignored.is_none() {
            // the mass is the sample weight alone (its sum as passed is Keras's denominator)
            return apply_sample_weight(values, grad, sample_weight);
        }
        with_mass(values, grad, sample_weight, mass, count, ignored)
    }

    /// The fused kernel (README, "Performance"): denominators from the labels and weights, then
    /// one pass over the rows. `None` when it does not apply (weights gathered by the predicted
    /// label).
    fn fused(
        &self,
        logits: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        grad: GradOut<'_, '_, F>,
    ) -> Result<Option<LossOutput<F>>> {
        self.fused_biased(logits, labels, sample_weight, grad, None, F::one())
    }
}

impl<F: Real> SparseSoftmaxCrossEntropy<F> {
    /// [`Loss::fused`] on the logits `x + o` for a per-class bias `o` (one value per class,
    /// checked by the caller), read on the fly by the kernel: the same numbers as the fused
    /// path on the shifted array, without making it. `grad` is untouched when the result is
    /// `None`. The gradient is multiplied by `grad_scale` in the same pass (`∂z/∂x` of a loss
    /// that runs this one on `z = s·x`, LDAM; 1 otherwise).
    pub(crate) fn fused_biased(
        &self,
        logits: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        grad: GradOut<'_, '_, F>,
        bias: Option<&[F]>,
        grad_scale: F,
    ) -> Result<Option<LossOutput<F>>> {
        self.check(&logits, &labels)?;
        if self.by_predicted {
            return Ok(None);
        }
        // a non-contiguous input is copied, so that every layout gives the same numbers
        let x = kernels::contiguous(&logits);
        let labels = kernels::contiguous(&labels);
        let row_shape = &logits.shape()[..logits.ndim() - 1];
        let sw = kernels::row_weights(sample_weight.as_ref(), row_shape)?;
        // any layout of the weights (issue 11 #1): borrowed when contiguous, else copied
        let w_view = self.class_weights.as_ref().map(|w| w.view().into_dyn());
        let w_buf = w_view.as_ref().map(kernels::contiguous);
        let w = w_buf.as_deref();
        let ignore = [self.ignore_index, self.ignore_class];
        // denominators: the row mass is w[y]·sample_weight (0 for an ignored row)
        let mut count = 0;
        let mut mass_sum = 0.0_f64;
        let mut nonzero = 0;
        for (i, &y) in labels.iter().enumerate() {
            if is_ignored(&ignore, y) {
                continue;
            }
            count += 1;
            let g = w.map_or(F::one(), |w| w[y as usize]);
            let m = sw.as_ref().map_or(g, |sw| g * sw[i]);
            mass_sum += m.f64();
            nonzero += usize::from(m != F::zero());
        }
        let totals = Totals {
            count,
            mass: Some(MassTotals {
                sum: mass_sum,
                nonzero,
                passed: mass_sum,
            })
            .map(|m| match &sample_weight {
                // the mass is the sample weight alone: its sum as passed (Keras)
                Some(sw) if w.is_none() && ignore == [None, None] => m.passed_as(sw),
                _ => m,
            }),
        };
        let batch = kernels::softmax::Batch {
            logits: &x,
            classes: logits.len_of(Axis(logits.ndim() - 1)),
            targets: Targets::Sparse {
                labels: &labels,
                ignore,
                class_weights: w,
                eps: self.label_smoothing,
                form: self.form,
            },
            sample_weight: sw.as_deref(),
            bias,
            grad_scale,
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
