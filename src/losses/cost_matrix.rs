//! Cross-entropy weighted by a cost matrix (keras-team/keras#2115) or by a full per-sample,
//! per-class weight tensor (Stack Overflow 44560549).

use crate::Real;
use crate::error::Result;
use crate::loss::{Loss, broadcast_to, check_finite, check_nonempty, check_same_shape};
use crate::losses::categorical_probs::cce_probs_row;
use crate::losses::clip::KerasClip;
use crate::losses::smoothing::CategoricalSmoothing;
use crate::losses::weighting::{apply_sample_weight, with_mass};
use crate::math::log_softmax_fill;
use crate::reduction::{Framework, Reducer, Unreduced};
use ndarray::{Array1, Array2, ArrayD, ArrayView1, ArrayViewD, ArrayViewMut1, Axis, Zip};

/// The weights of a [`CostMatrixCrossEntropy`].
#[derive(Clone, Debug)]
pub enum CostWeights<F> {
    /// A square `C×C` cost matrix `M[true, predicted]` (keras#2115). The weight of a sample is
    /// `Σ_t Σ_{k ∈ argmax} M[t, k]·y_t`: the true class (or soft label) against the predicted
    /// class, every tied maximum counting. It multiplies the loss inside the loss function, so it
    /// does not enter the denominators of the weighted reductions.
    Matrix(Array2<F>),
    /// A weight tensor `W` broadcast to the labels' shape, `(N, C)` (one row per sample) or
    /// `(1, C)` (class weights). The weight of a sample is `s = Σ_c W[c]·y_c`, the entry of its
    /// true class. It acts as a sample weight: it enters the denominators (`Σ s` for
    /// `weighted_mean`, the count of `s ≠ 0` for `sum_by_nonzero_weights`).
    Tensor(ArrayD<F>),
}

/// Categorical cross-entropy times a per-sample weight drawn from a cost matrix or a weight
/// tensor, on probabilities (Keras clipping) or on logits (softmax).
///
/// ```text
/// CE (probabilities)  = −Σ_c y'_c · ln clip(p_c/Σp, ε, 1 − ε)      Keras CategoricalCrossentropy
/// CE (logits)         = −Σ_c y'_c · log_softmax(x)_c                 softmax_cross_entropy_with_logits
/// y'                  = y·(1 − ls) + ls/C                             (label smoothing, CE only)
///
/// Matrix(M):  l = m·CE,  m = Σ_{k : x_k = max x} Σ_t M[t, k]·y_t      (y unsmoothed; m constant)
/// Tensor(W):  l = s·CE,  s = Σ_c W_c·y_c                             (s enters the mass)
/// ∂l/∂x = m·∂CE/∂x  (resp. s·∂CE/∂x)
/// ∂CE/∂x (logits) = (Σ_c y'_c)·softmax(x) − y'
/// ```
/// The gradient treats `m` as a constant: `K.equal` has no gradient, so the frameworks do too.
///
/// # Which framework code each form reproduces
///
/// - [`CostWeights::Matrix`] on probabilities ([`Self::matrix`]): `w_categorical_crossentropy`
///   from keras-team/keras#2115 (quoted in the Stack Overflow answer on class weights in Keras),
///
///   ```text
///   final_mask = K.zeros_like(y_pred[:, 0])
///   y_pred_max = K.expand_dims(K.max(y_pred, axis=1), 1)
///   y_pred_max_mat = K.equal(y_pred, y_pred_max)
///   for c_p, c_t in product(range(nb_cl), range(nb_cl)):
///       final_mask += weights[c_t, c_p] * y_pred_max_mat[:, c_p] * y_true[:, c_t]
///   return K.categorical_crossentropy(y_pred, y_true) * final_mask
///   ```
///   ported to Keras 3 as `keras.ops.categorical_crossentropy(y_true, y_pred) * final_mask` and
///   wrapped in a Keras loss (what `model.compile(loss=fn)` does), so the reductions and sample
///   weights are Keras's. The thread's `K.categorical_crossentropy(y_pred, y_true)` is Keras 1's
///   `(output, target)` argument order; Keras 2 and 3 take `(target, output)`, and the verbatim
///   call there computes a different quantity. The mask sums the costs of every tied maximum.
/// - [`CostWeights::Matrix`] on logits (`.from_logits(true)`): the answer's Keras 2 subclass
///   `WeightedCategoricalCrossentropy(keras.losses.CategoricalCrossentropy)` with
///   `from_logits=True`, whose `call` returns `super().call(y_true, y_pred) * final_mask`; the
///   argmax (and ties) are taken on the logits and label smoothing applies to the
///   cross-entropy only.
/// - [`CostWeights::Tensor`] ([`Self::tensor`], on logits): P-Gn's answer to "Unbalanced data
///   and weighted cross entropy" (Stack Overflow 44560549),
///
///   ```text
///   weights = tf.reduce_sum(class_weights * onehot_labels, axis=1)
///   unweighted_losses = tf.nn.softmax_cross_entropy_with_logits(onehot_labels, logits)
///   loss = tf.reduce_mean(unweighted_losses * weights)
///   ```
///   with `class_weights` of shape `(1, C)` or, as its last paragraph proposes, a full
///   `(num_samples, num_classes)` tensor. `tf.compat.v1.losses.softmax_cross_entropy(onehot,
///   logits, weights=weights)` and Keras `CategoricalCrossentropy(from_logits=True)(y, x,
///   sample_weight=weights)` are the same loss with [`Framework::Tf1`] and Keras reductions.
///
/// Hard labels need not be one-hot for either form; soft labels weight the costs. On logits the
/// cross-entropy's derivative is the true one, `(Σy')·softmax − y'`; TensorFlow's kernel returns
/// `softmax − y'`, which differs when the labels do not sum to 1 (see `data/reference/README.md`).
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::CostMatrixCrossEntropy};
/// let m = array![[1.0_f64, 1.0, 1.0], [1.0, 1.0, 1.2], [1.0, 1.2, 1.0]];
/// let p = array![[0.2_f64, 0.3, 0.5], [0.6, 0.3, 0.1]];
/// let y = array![[0.0_f64, 1.0, 0.0], [1.0, 0.0, 0.0]];
/// let loss = CostMatrixCrossEntropy::matrix(m);
/// let v = loss.forward(&p, &y).unwrap();
/// // (1.2·(−ln 0.3) + 1.0·(−ln 0.6)) / 2 with w_categorical_crossentropy ported to Keras 3
/// // (float64): 0.9777964944785568
/// assert!((v.scalar().unwrap() - 0.9777964944785568).abs() < 1e-12);
/// ```
#[derive(Clone, Debug)]
pub struct CostMatrixCrossEntropy<F> {
    weights: CostWeights<F>,
    from_logits: bool,
    epsilon: f64,
    label_smoothing: F,
    reducer: Reducer,
}

impl<F: Real> CostMatrixCrossEntropy<F> {
    /// The loss with the given weights, on probabilities with Keras clipping (`ε = 1e-7`), no
    /// smoothing, Keras's `sum_over_batch_size`.
    pub fn new(weights: CostWeights<F>) -> Self {
        CostMatrixCrossEntropy {
            weights,
            from_logits: false,
            epsilon: super::ProbClip::DEFAULT_EPSILON,
            label_smoothing: F::zero(),
            reducer: Framework::Keras.default_reducer(),
        }
    }

    /// keras#2115 `w_categorical_crossentropy` with cost matrix `M[true, predicted]`: on
    /// probabilities, `sum_over_batch_size`.
    pub fn matrix(m: Array2<F>) -> Self {
        Self::new(CostWeights::Matrix(m))
    }

    /// Stack Overflow 44560549 with weight tensor `W` (`(N, C)` or `(1, C)`): on logits,
    /// `sum_over_batch_size` (`tf.reduce_mean`).
    pub fn tensor(w: ArrayD<F>) -> Self {
        Self::new(CostWeights::Tensor(w)).from_logits(true)
    }

    /// Whether the input holds logits (softmax cross-entropy) or probabilities (Keras clipping).
    pub fn from_logits(mut self, yes: bool) -> Self {
        self.from_logits = yes;
        self
    }

    /// The clipping margin `ε` for probabilities, in `[0, 0.5]` (unused on logits).
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Categorical label smoothing `ls ∈ [0, 1]` of the cross-entropy's labels (the weights use
    /// the labels as given).
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
    /// runs once): smoothing in `[0, 1]`, the clipping `ε ∈ [0, 0.5]`, finite costs.
    pub(crate) fn check_options(&self) -> Result<()> {
        crate::losses::smoothing::check_smoothing(self.label_smoothing.f64())?;
        crate::check::check_epsilon(self.epsilon)?;
        match &self.weights {
            CostWeights::Matrix(m) => check_finite("cost_matrix", m.iter()),
            CostWeights::Tensor(t) => check_finite("weight_tensor", t.iter()),
        }
    }
}

/// Softmax cross-entropy of one row of logits, `−Σ y'·log_softmax(x)`, writing its derivative
/// `(Σy')·softmax(x) − y'` into `grad` when given. `buf` holds `C` scratch values.
fn softmax_ce_row<F: Real>(
    x: ArrayView1<'_, F>,
    y: ArrayView1<'_, F>,
    smooth: CategoricalSmoothing<F>,
    buf: &mut Array1<F>,
    grad: Option<ArrayViewMut1<'_, F>>,
) -> F {
    log_softmax_fill(x, buf.view_mut());
    let mut loss = F::zero();
    let mut mass = F::zero();
    for (&yj, &lj) in y.iter().zip(buf.iter()) {
        let yj = smooth.apply(yj);
        loss = loss - yj * lj;
        mass = mass + yj;
    }
    if let Some(mut grad) = grad {
        Zip::from(&mut grad)
            .and(&y)
            .and(&*buf)
            .for_each(|g, &yj, &lj| *g = mass * lj.exp() - smooth.apply(yj));
    }
    loss
}

/// keras#2115's `final_mask` for one row: `Σ_{c_p tied at the max} Σ_{c_t} M[c_t, c_p]·y[c_t]`,
/// summed in the thread's `product(range(C), range(C))` order.
fn cost_of_prediction<F: Real>(x: ArrayView1<'_, F>, y: ArrayView1<'_, F>, m: &Array2<F>) -> F {
    let max = x.fold(F::neg_infinity(), |a, &b| a.max(b));
    let mut mask = F::zero();
    for (k, _) in x.iter().enumerate().filter(|&(_, &xk)| xk == max) {
        for (t, &yt) in y.iter().enumerate() {
            mask = mask + m[[t, k]] * yt;
        }
    }
    mask
}

impl<F: Real> Loss<F> for CostMatrixCrossEntropy<F> {
    type Label = F;

    fn reducer(&self) -> Reducer {
        self.reducer
    }

    fn unreduced(
        &self,
        input: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.check_options()?;
        let what = if self.from_logits { "logits" } else { "probs" };
        check_nonempty(what, &input)?;
        check_same_shape("labels", input.shape(), labels.shape())?;
        let last = Axis(input.ndim() - 1);
        let num_classes = input.len_of(last);
        let smooth = CategoricalSmoothing::new(self.label_smoothing, num_classes);
        let clip = KerasClip::<F>::new(self.epsilon)?;
        let lead = &input.shape()[..input.ndim() - 1];

        // The per-sample weight: a cost looked up by prediction, or a weight by true label.
        let mut weight = ArrayD::<F>::zeros(lead);
        match &self.weights {
            CostWeights::Matrix(m) => {
                check_same_shape("cost_matrix", &[num_classes, num_classes], m.shape())?;
                Zip::from(&mut weight)
                    .and(input.lanes(last))
                    .and(labels.lanes(last))
                    .for_each(|w, x, y| *w = cost_of_prediction(x, y, m));
            }
            CostWeights::Tensor(t) => {
                let tv = t.view();
                let t = broadcast_to("weight_tensor", &tv, labels.shape())?;
                Zip::from(&mut weight)
                    .and(t.lanes(last))
                    .and(labels.lanes(last))
                    .for_each(|w, t, y| *w = t.iter().zip(y).map(|(&t, &y)| t * y).sum());
            }
        }

        let mut values = ArrayD::<F>::zeros(lead);
        let mut grad = want_grad.then(|| ArrayD::<F>::zeros(input.shape()));
        let mut buf = Array1::<F>::zeros(num_classes);
        let from_logits = self.from_logits;
        let mut ce =
            |x: ArrayView1<'_, F>, y: ArrayView1<'_, F>, g: Option<ArrayViewMut1<'_, F>>| {
                if from_logits {
                    softmax_ce_row(x, y, smooth, &mut buf, g)
                } else {
                    cce_probs_row(x, y, smooth, clip, g)
                }
            };
        let rows = Zip::from(&mut values)
            .and(&weight)
            .and(input.lanes(last))
            .and(labels.lanes(last));
        match grad.as_mut() {
            Some(g) => rows.and(g.lanes_mut(last)).for_each(|l, &w, x, y, mut g| {
                *l = ce(x, y, Some(g.view_mut())) * w;
                g.mapv_inplace(|gk| gk * w);
            }),
            None => rows.for_each(|l, &w, x, y| *l = ce(x, y, None) * w),
        }

        match (&self.weights, sample_weight) {
            (CostWeights::Matrix(_), sw) => apply_sample_weight(values, grad, sw),
            (CostWeights::Tensor(_), sw) => {
                let count = values.len();
                with_mass(values, grad, sw, weight, count, None)
            }
        }
    }
}
