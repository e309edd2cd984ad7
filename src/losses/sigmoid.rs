//! Sigmoid cross-entropy from logits: binary and multi-label, with `pos_weight`, element weights
//! and binary label smoothing.

use crate::Real;
use crate::error::Result;
use crate::kernels;
use crate::loss::{GradOut, Loss, broadcast_to, check_finite, check_nonempty, check_same_shape};
use crate::losses::elementwise::{elementwise, flat_weight};
use crate::losses::smoothing::{BinarySmoothing, check_smoothing};
use crate::math::{sigmoid, softplus};
use crate::output::LossOutput;
use crate::reduction::{Framework, Reducer, Totals, Unreduced};
use ndarray::{ArrayD, ArrayViewD};

/// Sigmoid cross-entropy computed from logits, element-wise (every output is its own binary
/// decision: binary and multi-label classification).
///
/// ```text
/// z' = z·(1 − ε) + ε/2                                   (binary label smoothing ε)
/// l  = v · [ q·z'·softplus(−x) + (1 − z')·softplus(x) ]  (q = pos_weight, v = element weight)
/// ∂l/∂x = v · [ (1 − z')·σ(x) − q·z'·σ(−x) ]
/// ```
/// with `softplus(x) = max(x, 0) + ln(1 + e^−|x|)`, finite for every finite logit.
///
/// Equivalent framework calls:
/// - `tf.nn.sigmoid_cross_entropy_with_logits(z, x)` (q = 1, v = 1, reduction `none`);
/// - `tf.nn.weighted_cross_entropy_with_logits(z, x, pos_weight=q)` =
///   `torch.nn.BCEWithLogitsLoss(pos_weight=q, reduction="none")` (q scalar or per class, on the
///   last axis);
/// - `torch.nn.BCEWithLogitsLoss(weight=v, pos_weight=q, reduction=...)`: [`Self::pytorch`];
/// - `keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=ε)`: [`Self::keras`],
///   which averages over the last axis before the sample weights and the reduction;
/// - `tf.compat.v1.losses.sigmoid_cross_entropy(z, x, weights, label_smoothing=ε)`: [`Self::tf1`].
///
/// `pos_weight` and `weight` broadcast to the logits' shape (NumPy rules); a scalar `pos_weight`
/// is a 0-d array. Non-finite logits propagate: NaN gives NaN; ±∞ gives the IEEE result of the
/// formula above (which agrees with neither TF nor PyTorch at every infinite input; the golden
/// cases, data/reference/sigmoid.json, stop at the finite extremes ±1e30).
///
/// Speed: the reduced loss and its gradient come from a fused kernel (SIMD `exp`/`ln` for f32,
/// rows split across rayon threads for large batches; README, "Performance"), which writes the
/// gradient into one buffer, the caller's with [`Loss::compute_into`]; [`Loss::unreduced`]
/// keeps the general element-wise path.
///
/// # Example
/// ```
/// use ndarray::{array, arr0};
/// use reweigh::{Loss, losses::SigmoidCrossEntropy};
/// let x = array![[2.0_f64, -1.0], [0.5, 3.0]];
/// let z = array![[1.0, 0.0], [0.0, 1.0]];
/// let loss = SigmoidCrossEntropy::pytorch().pos_weight(arr0(3.0).into_dyn());
/// let out = loss.forward_backward(&x, &z).unwrap();
/// // torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))(x, z) = 0.4534711898871183
/// assert!((out.value.scalar().unwrap() - 0.4534711898871183).abs() < 1e-15);
/// assert_eq!(out.grad.unwrap().shape(), &[2, 2]);
/// ```
#[derive(Clone, Debug)]
pub struct SigmoidCrossEntropy<F> {
    pos_weight: Option<ArrayD<F>>,
    element_weights: Option<ArrayD<F>>,
    label_smoothing: F,
    mean_last_axis: bool,
    reducer: Reducer,
}

impl<F: Real> Default for SigmoidCrossEntropy<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Real> SigmoidCrossEntropy<F> {
    /// Element-wise loss, no weights, no smoothing, reduction `none`.
    pub fn new() -> Self {
        SigmoidCrossEntropy {
            pos_weight: None,
            element_weights: None,
            label_smoothing: F::zero(),
            mean_last_axis: false,
            reducer: crate::Reduction::None.into(),
        }
    }

    /// `torch.nn.BCEWithLogitsLoss()` defaults: element-wise, weighted mean, NaN on zero weights.
    pub fn pytorch() -> Self {
        Self::new().reduction(Framework::PyTorch.default_reducer())
    }

    /// `keras.losses.BinaryCrossentropy(from_logits=True)` defaults: mean over the last axis, then
    /// sample weights, then `sum_over_batch_size`.
    pub fn keras() -> Self {
        Self::new()
            .mean_last_axis(true)
            .reduction(Framework::Keras.default_reducer())
    }

    /// `tf.compat.v1.losses.sigmoid_cross_entropy` defaults: element-wise,
    /// `sum_by_nonzero_weights`.
    pub fn tf1() -> Self {
        Self::new().reduction(Framework::Tf1.default_reducer())
    }

    /// Weight `q` of the positive term, broadcast to the logits (0-d for a scalar, `(C,)` per class).
    pub fn pos_weight(mut self, q: ArrayD<F>) -> Self {
        self.pos_weight = Some(q);
        self
    }

    /// Element weight `v` that scales both terms (torch `weight=`), broadcast to the logits.
    pub fn element_weights(mut self, v: ArrayD<F>) -> Self {
        self.element_weights = Some(v);
        self
    }

    /// Binary label smoothing `ε ∈ [0, 1]`: `z' = z(1 − ε) + ε/2`.
    pub fn label_smoothing(mut self, eps: F) -> Self {
        self.label_smoothing = eps;
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
    /// runs once): smoothing in `[0, 1]`, finite weights.
    pub(crate) fn check_options(&self) -> Result<()> {
        check_smoothing(self.label_smoothing.f64())?;
        for (what, a) in [
            ("pos_weight", &self.pos_weight),
            ("element_weights", &self.element_weights),
        ] {
            if let Some(a) = a {
                check_finite(what, a.iter())?;
            }
        }
        Ok(())
    }

    /// The input checks shared by the general and the fused path.
    fn check(&self, logits: &ArrayViewD<'_, F>, labels: &ArrayViewD<'_, F>) -> Result<()> {
        self.check_options()?;
        check_nonempty("logits", logits)?;
        check_same_shape("labels", logits.shape(), labels.shape())?;
        let shape = logits.shape();
        for (what, a) in [
            ("pos_weight", &self.pos_weight),
            ("element_weights", &self.element_weights),
        ] {
            if let Some(a) = a {
                broadcast_to(what, &a.view(), shape)?;
            }
        }
        Ok(())
    }
}

impl<F: Real> Loss<F> for SigmoidCrossEntropy<F> {
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
        let shape = logits.shape();
        let q = flat_weight("pos_weight", self.pos_weight.as_ref(), shape)?;
        let v = flat_weight("element_weights", self.element_weights.as_ref(), shape)?;
        let at = |w: &Option<Vec<F>>, k: usize| w.as_ref().map_or(F::one(), |w| w[k]);
        let smoothing = BinarySmoothing::new(self.label_smoothing);
        let elem = |x: F, z: F, k: usize| {
            let (q, v) = (at(&q, k), at(&v, k));
            let z = smoothing.apply(z);
            let l = v * (q * z * softplus(-x) + (F::one() - z) * softplus(x));
            let g = v * ((F::one() - z) * sigmoid(x) - q * z * sigmoid(-x));
            (l, g)
        };
        let mean = self.mean_last_axis;
        elementwise(&logits, &labels, want_grad, mean, sample_weight, elem)
    }

    /// The fused kernel (one pass over the rows; README, "Performance"). `None` when it does not
    /// apply: a `pos_weight` or `weight` that varies along both the rows and the class axis, or
    /// a sample weight that varies along the class axis.
    fn fused(
        &self,
        logits: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        grad: GradOut<'_, '_, F>,
    ) -> Result<Option<LossOutput<F>>> {
        self.check(&logits, &labels)?;
        // a non-contiguous input is copied, so that every layout gives the same numbers
        let (x, z) = (kernels::contiguous(&logits), kernels::contiguous(&labels));
        let shape = logits.shape();
        let c = shape[shape.len() - 1];
        let row_shape = &shape[..shape.len() - 1];
        let rows: usize = row_shape.iter().product();
        let Some(q) = kernels::per_class(self.pos_weight.as_ref(), shape) else {
            return Ok(None);
        };
        let Some(v) = kernels::per_class(self.element_weights.as_ref(), shape) else {
            return Ok(None);
        };
        // sample weights: per row (folded into the row factor), else the general path
        let Some((row_weight, mass)) =
            kernels::per_row_sample_weights(sample_weight.as_ref(), shape, self.mean_last_axis)?
        else {
            return Ok(None);
        };
        let count = if self.mean_last_axis { rows } else { rows * c };
        let totals = Totals { count, mass };
        let batch = kernels::sigmoid::Batch {
            logits: &x,
            labels: &z,
            pos_weight: &q,
            weight: &v,
            row_weight: row_weight.as_deref(),
            eps: self.label_smoothing,
            mean_last_axis: self.mean_last_axis,
        };
        let value_shape = if self.mean_last_axis {
            row_shape
        } else {
            shape
        };
        Ok(kernels::fused_output(
            self.reducer,
            &totals,
            shape,
            value_shape,
            grad,
            |s, g, v| kernels::sigmoid::run(&batch, s.grad_factor::<F>(), g, v),
        ))
    }
}
