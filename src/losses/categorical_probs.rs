//! Categorical cross-entropy from probabilities (Keras `from_logits=False`), with dense or
//! integer labels.

use crate::Real;
use crate::check::check_labels;
use crate::error::Result;
use crate::loss::{Loss, check_nonempty, check_same_shape};
use crate::losses::clip::KerasClip;
use crate::losses::smoothing::CategoricalSmoothing;
use crate::losses::weighting::{apply_sample_weight, with_mass};
use crate::math::log_softmax_fill;
use crate::reduction::{Framework, Reducer, Reduction, Unreduced};
use ndarray::{Array1, ArrayD, ArrayView1, ArrayViewD, ArrayViewMut1, Axis, Zip};

/// Keras's categorical cross-entropy of one row of probabilities, `−Σ_j y'_j ln clip(p_j/Σp)`,
/// writing `∂l/∂p` into `grad` when given. The derivative follows TensorFlow's chain through the
/// division: `∂l/∂p_k = g_k/s + Σ_j g_j·(−p_j/s/s)` with `g_j = −y'_j/c_j` where the clip passes.
pub(crate) fn cce_probs_row<F: Real>(
    p: ArrayView1<'_, F>,
    y: ArrayView1<'_, F>,
    smooth: CategoricalSmoothing<F>,
    clip: KerasClip<F>,
    grad: Option<ArrayViewMut1<'_, F>>,
) -> F {
    let s: F = p.iter().copied().sum();
    let dlogc = |pj: F, yj: F| {
        let (c, pass) = clip.apply(pj / s);
        let g = if pass {
            -smooth.apply(yj) / c
        } else {
            F::zero()
        };
        (c, g)
    };
    let mut loss = F::zero();
    let mut ds = F::zero();
    for (&pj, &yj) in p.iter().zip(y.iter()) {
        let (c, g) = dlogc(pj, yj);
        loss = loss + smooth.apply(yj) * c.ln();
        ds = ds + g * (-pj / s / s);
    }
    if let Some(mut grad) = grad {
        Zip::from(&mut grad)
            .and(&p)
            .and(&y)
            .for_each(|gk, &pk, &yk| *gk = dlogc(pk, yk).1 / s + ds);
    }
    -loss
}

/// Keras's categorical cross-entropy on probabilities, with dense (one-hot or soft) labels.
///
/// ```text
/// q  = p / Σ_c p_c                     (the row is renormalised first)
/// q̂  = clip(q, ε, 1 − ε)
/// y' = y·(1 − ls) + ls/C               (categorical label smoothing ls)
/// l  = −Σ_c y'_c · ln q̂_c
/// ∂l/∂p_k = (g_k − Σ_c g_c·q_c) / Σp,  g_c = −y'_c/q̂_c where ε ≤ q_c ≤ 1 − ε, else 0
/// ```
///
/// Equivalent framework call: `keras.losses.CategoricalCrossentropy(from_logits=False,
/// label_smoothing=ls, reduction=...)(y, p, sample_weight=...)` ([`Self::keras`]), i.e.
/// `keras.ops.categorical_crossentropy(y, p)` before the reduction. The class axis is the last
/// one; the per-sample losses have the leading shape, which sample weights broadcast to.
///
/// A row of zeros gives NaN (`0/0`), as in Keras; probabilities outside `[0, 1]` are accepted
/// and clipped after the renormalisation, as in Keras. Keras clips only raw probability tensors:
/// the output of a `softmax` layer of a Keras model is turned back into logits (TensorFlow
/// backend), which a softmax cross-entropy on logits reproduces.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::CategoricalCrossEntropyProbs};
/// let p = array![[0.05_f32, 0.95, 0.0], [0.1, 0.8, 0.1]];
/// let y = array![[0.0_f32, 1.0, 0.0], [0.0, 0.0, 1.0]];
/// let loss = CategoricalCrossEntropyProbs::keras();
/// let v = loss.forward(&p, &y).unwrap();
/// // keras.losses.CategoricalCrossentropy()(y, p) = 1.1769392 (float32)
/// assert!((v.scalar().unwrap() - 1.1769392).abs() < 1e-6);
/// ```
#[derive(Clone, Debug)]
pub struct CategoricalCrossEntropyProbs<F> {
    epsilon: f64,
    label_smoothing: F,
    reducer: Reducer,
}

impl<F: Real> Default for CategoricalCrossEntropyProbs<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Real> CategoricalCrossEntropyProbs<F> {
    /// One loss per row, Keras's clipping `ε = 1e-7`, no smoothing, reduction `none`.
    pub fn new() -> Self {
        Self::keras().reduction(Reduction::None)
    }

    /// `keras.losses.CategoricalCrossentropy(from_logits=False)` defaults: `ε = 1e-7`, no
    /// smoothing, `sum_over_batch_size`.
    pub fn keras() -> Self {
        CategoricalCrossEntropyProbs {
            epsilon: super::ProbClip::DEFAULT_EPSILON,
            label_smoothing: F::zero(),
            reducer: Framework::Keras.default_reducer(),
        }
    }

    /// The clipping margin `ε` (`keras.config.epsilon()`), in `[0, 0.5]`.
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Categorical label smoothing `ls ∈ [0, 1]`: `y' = y(1 − ls) + ls/C`.
    pub fn label_smoothing(mut self, ls: F) -> Self {
        self.label_smoothing = ls;
        self
    }

    /// The reduction.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// The checks of the options alone (what [`LossConfig::build`](crate::config::LossConfig::build)
    /// runs once): smoothing in `[0, 1]`, the clipping `ε ∈ [0, 0.5]`.
    pub(crate) fn check_options(&self) -> Result<()> {
        crate::losses::smoothing::check_smoothing(self.label_smoothing.f64())?;
        crate::check::check_epsilon(self.epsilon)
    }
}

impl<F: Real> Loss<F> for CategoricalCrossEntropyProbs<F> {
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
        let last = Axis(probs.ndim() - 1);
        let smooth = CategoricalSmoothing::new(self.label_smoothing, probs.len_of(last));
        let clip = KerasClip::new(self.epsilon)?;
        let lead = &probs.shape()[..probs.ndim() - 1];
        let mut values = ArrayD::<F>::zeros(lead);
        let mut grad = want_grad.then(|| ArrayD::<F>::zeros(probs.shape()));
        let rows = Zip::from(&mut values)
            .and(probs.lanes(last))
            .and(labels.lanes(last));
        match grad.as_mut() {
            Some(g) => rows
                .and(g.lanes_mut(last))
                .for_each(|l, p, y, g| *l = cce_probs_row(p, y, smooth, clip, Some(g))),
            None => rows.for_each(|l, p, y| *l = cce_probs_row(p, y, smooth, clip, None)),
        }
        apply_sample_weight(values, grad, sample_weight)
    }
}

/// Keras's sparse categorical cross-entropy on probabilities, with integer labels.
///
/// ```text
/// p̂ = clip(p, ε, 1 − ε)                     (no renormalisation before the clip)
/// l = −log_softmax(ln p̂)_y = −ln( p̂_y / Σ_c p̂_c )
/// ∂l/∂p_k = (p̂_k/Σp̂ − [k = y]) / p̂_k   where ε ≤ p_k ≤ 1 − ε, else 0
/// ```
/// This is Keras 3's order of operations (`keras/src/backend/tensorflow/nn.py`): clip, `log`,
/// then `tf.nn.sparse_softmax_cross_entropy_with_logits`, so the clipped row is renormalised
/// *after* clipping, unlike [`CategoricalCrossEntropyProbs`] (a row of zeros gives `ln C`, not
/// NaN).
///
/// Equivalent framework call: `keras.losses.SparseCategoricalCrossentropy(from_logits=False,
/// ignore_class=k, reduction=...)(y, p, sample_weight=...)` ([`Self::keras`]). Labels have the
/// leading shape of the probabilities (a trailing axis of length 1 is squeezed, as in Keras).
/// With `ignore_class`, elements whose label is `k` have loss 0 and gradient 0 and are left out
/// of both denominators: `sum_over_batch_size` divides by the number of other elements and
/// `mean_with_sample_weight` by their weight (Keras's loss mask).
///
/// A label outside `[0, C)` other than `ignore_class` is an error
/// ([`ReweighError::LabelOutOfRange`](crate::ReweighError::LabelOutOfRange)), as TensorFlow raises there.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::SparseCategoricalCrossEntropyProbs};
/// let p = array![[0.05_f64, 0.95, 0.0], [0.1, 0.8, 0.1]];
/// let y = array![1_i64, 2];
/// let loss = SparseCategoricalCrossEntropyProbs::keras();
/// let v = loss.forward(&p, &y).unwrap();
/// // keras.losses.SparseCategoricalCrossentropy(dtype="float64")(y, p) = 1.1769392436907955
/// assert!((v.scalar().unwrap() - 1.1769392436907955).abs() < 1e-12);
/// ```
#[derive(Clone, Debug)]
pub struct SparseCategoricalCrossEntropyProbs {
    epsilon: f64,
    ignore_class: Option<i64>,
    reducer: Reducer,
}

impl Default for SparseCategoricalCrossEntropyProbs {
    fn default() -> Self {
        Self::new()
    }
}

impl SparseCategoricalCrossEntropyProbs {
    /// One loss per label, Keras's clipping `ε = 1e-7`, nothing ignored, reduction `none`.
    pub fn new() -> Self {
        Self::keras().reduction(Reduction::None)
    }

    /// `keras.losses.SparseCategoricalCrossentropy(from_logits=False)` defaults: `ε = 1e-7`, no
    /// ignored class, `sum_over_batch_size`.
    pub fn keras() -> Self {
        SparseCategoricalCrossEntropyProbs {
            epsilon: super::ProbClip::DEFAULT_EPSILON,
            ignore_class: None,
            reducer: Framework::Keras.default_reducer(),
        }
    }

    /// The clipping margin `ε` (`keras.config.epsilon()`), in `[0, 0.5]`.
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// A label value whose elements are masked out (Keras `ignore_class`).
    pub fn ignore_class(mut self, class: impl Into<Option<i64>>) -> Self {
        self.ignore_class = class.into();
        self
    }

    /// The reduction.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// The checks of the options alone (what [`LossConfig::build`](crate::config::LossConfig::build)
    /// runs once): the clipping `ε ∈ [0, 0.5]`.
    pub(crate) fn check_options(&self) -> Result<()> {
        crate::check::check_epsilon(self.epsilon)
    }
}

/// Keras's sparse categorical cross-entropy of one row: clip, log, sparse softmax CE. `buf` holds
/// `C` scratch values.
fn scce_probs_row<F: Real>(
    p: ArrayView1<'_, F>,
    label: usize,
    clip: KerasClip<F>,
    buf: &mut Array1<F>,
    grad: Option<ArrayViewMut1<'_, F>>,
) -> F {
    let logc = p.mapv(|pj| clip.apply(pj).0.ln());
    log_softmax_fill(logc.view(), buf.view_mut());
    let loss = -buf[label];
    if let Some(mut grad) = grad {
        for (k, (gk, &pk)) in grad.iter_mut().zip(p.iter()).enumerate() {
            let (c, pass) = clip.apply(pk);
            let onehot = if k == label { F::one() } else { F::zero() };
            *gk = if pass {
                (buf[k].exp() - onehot) * c.recip()
            } else {
                F::zero()
            };
        }
    }
    loss
}

impl<F: Real> Loss<F> for SparseCategoricalCrossEntropyProbs {
    type Label = i64;

    fn reducer(&self) -> Reducer {
        self.reducer
    }

    fn unreduced(
        &self,
        probs: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.check_options()?;
        check_nonempty("probs", &probs)?;
        let nd = probs.ndim();
        let labels = if labels.ndim() == nd && labels.shape()[nd - 1] == 1 {
            labels.index_axis_move(Axis(nd - 1), 0)
        } else {
            labels
        };
        let lead = &probs.shape()[..nd - 1];
        check_same_shape("labels", lead, labels.shape())?;
        let clip = KerasClip::<F>::new(self.epsilon)?;
        let last = Axis(nd - 1);
        let num_classes = probs.len_of(last);
        check_labels(&labels, num_classes, |label| {
            Some(label) == self.ignore_class
        })?;
        let mut values = ArrayD::<F>::zeros(lead);
        let mut grad = want_grad.then(|| ArrayD::<F>::zeros(probs.shape()));
        let mut buf = Array1::<F>::zeros(num_classes);
        let ignored = |label: i64| Some(label) == self.ignore_class;
        let rows = Zip::from(&mut values).and(probs.lanes(last)).and(&labels);
        match grad.as_mut() {
            Some(g) => rows.and(g.lanes_mut(last)).for_each(|l, p, &y, g| {
                if !ignored(y) {
                    *l = scce_probs_row(p, y as usize, clip, &mut buf, Some(g));
                }
            }),
            None => rows.for_each(|l, p, &y| {
                if !ignored(y) {
                    *l = scce_probs_row(p, y as usize, clip, &mut buf, None);
                }
            }),
        }
        if self.ignore_class.is_none() {
            return apply_sample_weight(values, grad, sample_weight);
        }
        let valid = labels.mapv(|y| if ignored(y) { F::zero() } else { F::one() });
        let count = valid.iter().filter(|&&v| v != F::zero()).count();
        let mask = labels.mapv(ignored);
        with_mass(values, grad, sample_weight, valid, count, Some(mask))
    }
}

/// PyTorch's negative log-likelihood loss on log-probabilities, with class weights and an
/// ignored label.
///
/// ```text
/// l_i = −w[y_i] · logp[i, y_i]          (0 where y_i = ignore_index)
/// mass_i = w[y_i]                        (0 where y_i = ignore_index)
/// ∂l_i/∂logp[i, k] = −w[y_i]·[k = y_i]
/// ```
///
/// Equivalent framework call: `torch.nn.NLLLoss(weight=w, ignore_index=k, reduction=...)`
/// ([`Self::pytorch`]): `mean` divides by `Σ_i w[y_i]` over the elements not ignored, and is NaN
/// (with a zero gradient) when every element is ignored; ignored elements always have a zero
/// gradient. `torch.nn.CrossEntropyLoss` is this loss on `log_softmax`.
/// The class axis is the last one here (torch puts it at dimension 1 for inputs of rank > 2);
/// labels have the leading shape. The log-probabilities are not checked (torch accepts any
/// value); a label outside `[0, C)` other than `ignore_index` is an error, as torch raises.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::NllLoss};
/// let logp = array![[-0.5_f64, -1.5, -2.0], [-2.5, -0.25, -1.0]];
/// let y = array![0_i64, 2];
/// let loss = NllLoss::pytorch().class_weights(array![2.0, 1.0, 0.5]);
/// let v = loss.forward(&logp, &y).unwrap();
/// // torch.nn.NLLLoss(weight=torch.tensor([2., 1., .5]))(logp, y) = (2·0.5 + 0.5·1.0) / 2.5
/// assert!((v.scalar().unwrap() - 0.6).abs() < 1e-15);
/// ```
#[derive(Clone, Debug)]
pub struct NllLoss<F> {
    class_weights: Option<Array1<F>>,
    ignore_index: Option<i64>,
    reducer: Reducer,
}

impl<F: Real> Default for NllLoss<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Real> NllLoss<F> {
    /// torch's default `ignore_index`.
    pub const DEFAULT_IGNORE_INDEX: i64 = -100;

    /// One loss per label, no class weights, nothing ignored, reduction `none`.
    pub fn new() -> Self {
        Self::pytorch()
            .ignore_index(None)
            .reduction(Reduction::None)
    }

    /// `torch.nn.NLLLoss()` defaults: no class weights, `ignore_index = -100`, mean (weighted,
    /// NaN when every element is ignored).
    pub fn pytorch() -> Self {
        NllLoss {
            class_weights: None,
            ignore_index: Some(Self::DEFAULT_IGNORE_INDEX),
            reducer: Framework::PyTorch.default_reducer(),
        }
    }

    /// Class weights `w`, one per class (torch `weight=`); they enter the denominator of `mean`.
    pub fn class_weights(mut self, w: Array1<F>) -> Self {
        self.class_weights = Some(w);
        self
    }

    /// The label value whose elements are left out (torch `ignore_index`).
    pub fn ignore_index(mut self, k: impl Into<Option<i64>>) -> Self {
        self.ignore_index = k.into();
        self
    }

    /// The reduction.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// The checks of the options alone (what [`LossConfig::build`](crate::config::LossConfig::build)
    /// runs once): finite class weights.
    pub(crate) fn check_options(&self) -> Result<()> {
        if let Some(w) = &self.class_weights {
            crate::loss::check_finite("class_weights", w.iter())?;
        }
        Ok(())
    }
}

impl<F: Real> Loss<F> for NllLoss<F> {
    type Label = i64;

    fn reducer(&self) -> Reducer {
        self.reducer
    }

    fn unreduced(
        &self,
        logp: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.check_options()?;
        check_nonempty("log_probs", &logp)?;
        let nd = logp.ndim();
        let last = Axis(nd - 1);
        let num_classes = logp.len_of(last);
        let lead = &logp.shape()[..nd - 1];
        check_same_shape("labels", lead, labels.shape())?;
        if let Some(w) = &self.class_weights {
            check_same_shape("class_weights", &[num_classes], w.shape())?;
        }
        let ignored = |y: i64| Some(y) == self.ignore_index;
        check_labels(&labels, num_classes, ignored)?;
        let class_weight = |y: i64| match (&self.class_weights, ignored(y)) {
            (_, true) => F::zero(),
            (None, false) => F::one(),
            (Some(w), false) => w[y as usize],
        };
        let mass = labels.mapv(class_weight);
        let mut values = ArrayD::<F>::zeros(lead);
        Zip::from(&mut values)
            .and(logp.lanes(last))
            .and(&labels)
            .and(&mass)
            .for_each(|l, row, &y, &w| {
                if !ignored(y) {
                    *l = -(w * row[y as usize]);
                }
            });
        let grad = want_grad.then(|| {
            let mut g = ArrayD::<F>::zeros(logp.shape());
            Zip::from(g.lanes_mut(last))
                .and(&labels)
                .and(&mass)
                .for_each(|mut row, &y, &w| {
                    if !ignored(y) {
                        row[y as usize] = -w;
                    }
                });
            g
        });
        let count = labels.iter().filter(|&&y| !ignored(y)).count();
        let mask = labels.mapv(ignored);
        with_mass(values, grad, sample_weight, mass, count, Some(mask))
    }
}
