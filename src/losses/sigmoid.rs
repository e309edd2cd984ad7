//! Sigmoid cross-entropy from logits: binary and multi-label, with `pos_weight`, element weights
//! and binary label smoothing.

use crate::Real;
use crate::error::Result;
use crate::loss::{
    Loss, broadcast_to, check_finite, check_nonempty, check_range, check_same_shape,
};
use crate::math::{sigmoid, softplus};
use crate::reduction::{Framework, Reducer, Unreduced};
use ndarray::{ArrayD, ArrayViewD, Axis, Zip};

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
/// formula above (which agrees with neither TF nor PyTorch at every infinite input, see
/// `framework-semantics` section b).
///
/// # Example
/// ```
/// use ndarray::{array, arr0};
/// use reweigh::{Loss, losses::SigmoidCrossEntropy};
/// let x = array![[2.0_f64, -1.0], [0.5, 3.0]];
/// let z = array![[1.0, 0.0], [0.0, 1.0]];
/// let loss = SigmoidCrossEntropy::pytorch().pos_weight(arr0(3.0).into_dyn());
/// let out = loss.forward_backward(x.view().into_dyn(), z.view().into_dyn()).unwrap();
/// // torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))(x, z) = 0.4534711898871183
/// assert!((out.value.scalar().unwrap() - 0.4534711898871183).abs() < 1e-15);
/// assert_eq!(out.grad.unwrap().shape(), &[2, 2]);
/// ```
#[derive(Clone, Debug)]
pub struct SigmoidCrossEntropy<F> {
    pos_weight: Option<ArrayD<F>>,
    weight: Option<ArrayD<F>>,
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
            weight: None,
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
    pub fn weight(mut self, v: ArrayD<F>) -> Self {
        self.weight = Some(v);
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
}

impl<F: Real> Loss<F> for SigmoidCrossEntropy<F> {
    type Target<'t> = ArrayViewD<'t, F>;

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
        check_nonempty("logits", &logits)?;
        check_same_shape("labels", logits.shape(), labels.shape())?;
        let eps = self.label_smoothing;
        check_range("label_smoothing", eps.f64(), 0.0, 1.0, "in [0, 1]")?;
        let shape = logits.shape().to_vec();
        let one = ArrayD::from_elem(vec![], F::one());
        let q_owned = self.pos_weight.as_ref().unwrap_or(&one).view();
        check_finite("pos_weight", q_owned.iter())?;
        let q = broadcast_to("pos_weight", &q_owned, &shape)?;
        let v_owned = self.weight.as_ref().unwrap_or(&one).view();
        check_finite("weight", v_owned.iter())?;
        let v = broadcast_to("weight", &v_owned, &shape)?;

        let half = F::of(0.5);
        let keep = F::one() - eps;
        let mut values = ArrayD::<F>::zeros(shape.clone());
        let mut grad = if want_grad {
            Some(ArrayD::<F>::zeros(shape.clone()))
        } else {
            None
        };
        let elem = |x: F, z: F, q: F, v: F| {
            let z = z * keep + half * eps;
            let l = v * (q * z * softplus(-x) + (F::one() - z) * softplus(x));
            let g = v * ((F::one() - z) * sigmoid(x) - q * z * sigmoid(-x));
            (l, g)
        };
        match grad.as_mut() {
            Some(g) => Zip::from(&mut values)
                .and(g)
                .and(&logits)
                .and(&labels)
                .and(&q)
                .and(&v)
                .for_each(|l, g, &x, &z, &q, &v| (*l, *g) = elem(x, z, q, v)),
            None => Zip::from(&mut values)
                .and(&logits)
                .and(&labels)
                .and(&q)
                .and(&v)
                .for_each(|l, &x, &z, &q, &v| *l = elem(x, z, q, v).0),
        }
        if self.mean_last_axis {
            let last = Axis(shape.len() - 1);
            let c = F::of(shape[shape.len() - 1] as f64);
            values = values.sum_axis(last).mapv(|s| s / c);
            if let Some(g) = grad.as_mut() {
                g.mapv_inplace(|x| x / c);
            }
        }
        crate::losses::weighting::apply_sample_weight(values, grad, sample_weight)
    }
}
