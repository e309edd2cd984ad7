//! Asymmetric loss (ASL, Ridnik et al., ICCV 2021, arXiv 2009.14119) as timm implements it:
//! multi-label (sigmoid, [`AsymmetricLoss`]) and single-label (softmax,
//! [`SingleLabelAsymmetricLoss`]).

use crate::Real;
use crate::check::check_finite_array;
use crate::error::{Result, ReweighError};
use crate::kernels::{self, asymmetric::Focus};
use crate::loss::{
    GradOut, Loss, broadcast_to, check_finite, check_nonempty, check_range, check_same_shape,
};
use crate::losses::one_hot::one_hot;
use crate::losses::weighting::apply_sample_weight;
use crate::math::log_softmax_fill;
use crate::output::LossOutput;
use crate::reduction::{Reducer, Reduction, Totals, Unreduced};
use ndarray::{Array1, ArrayD, ArrayViewD, Axis, IxDyn, Zip};

/// Multi-label asymmetric loss from logits against dense (multi-hot or soft) targets of the
/// same shape, class axis last: each output is its own binary decision, positives and negatives
/// focused with their own `γ`, negatives' probability shifted by a margin.
///
/// ```text
/// y' = y·(1 − s) + s/2                                   (label smoothing s)
/// p  = σ(x),  q = σ(−x) = 1 − p
/// q_m = min(q + m, 1)                                    (margin m > 0; q_m = q without)
/// L  = pw·y'·ln max(p, ε) + (1 − y')·ln max(q_m, ε)      (pos_weight pw, clamp ε)
/// b  = 1 − p_t = y'·q + (1 − y')·(1 − q_m),  γ = γ₊·y' + γ₋·(1 − y')
/// l  = −w_c · L · b^γ                                    (class weights w; b^γ = 1 when γ₊ = γ₋ = 0)
/// ∂l/∂x = −w_c·(∂L·b^γ + L·∂(b^γ)),  ∂(b^γ) = −γ·b^(γ−1)·∂p_t   (0 with detach_focal_weight)
/// ∂L = pw·y'·q·[p ≥ ε] − (1 − y')·(p·q / q_m)·[q_m ≥ ε]·[q + m ≤ 1]
/// ∂p_t = y'·p·q − (1 − y')·p·q·[q + m ≤ 1]
/// ```
/// `∂(b^γ)` is computed as `−γ·b^γ·∂p_t / b` (for a positive, `∂p_t / b = p`), so a saturated
/// logit gives a finite gradient for every `γ ≥ 0`, where autograd's `0^(γ−1)·0` is NaN for
/// `γ < 1`; the one infinite derivative left is the true one, `b = 0` at `p = m` with `γ < 1`.
/// Reductions act on the element losses `(…, C)`, or on their per-row sums `(…)` with
/// [`Self::sum_over_classes`]: timm's `'batchmean'` (its default) is the per-row sums with
/// `sum_over_batch_size` ([`Self::timm`]), `'sum'` is `sum`, `'mean'` is `sum_over_batch_size`
/// over the elements and `'none'` is `none` over the elements. The original ASL code returns the
/// sum (`-loss.sum()`).
///
/// Reference call: `timm.loss.AsymmetricLossMultiLabel(gamma_neg, gamma_pos, clip, eps,
/// disable_torch_grad_focal_loss, smoothing, reduction, weight, pos_weight)(x, y)`:
/// `AsymmetricLoss::timm().gamma_neg(..).gamma_pos(..).margin(clip).epsilon(eps)
/// .detach_focal_weight(..).label_smoothing(..).class_weights(weight).pos_weight(..)`. With
/// `disable_torch_grad_focal_loss=True` the focusing factor is a constant for the gradient
/// ([`Self::detach_focal_weight`]): the same value, another gradient.
///
/// Where timm and exact arithmetic part: timm computes in float32 (`x.float()`), also for
/// float64 input, and forms `1 − σ(x)` by subtraction, which is 0 in float32 for `x > 16.6`;
/// reweigh computes in the input's precision with `q = σ(−x)`, so without a margin its clamp at
/// `ε` engages where `σ(−x) < ε` (`x > ln(1/ε − 1)`, 18.4 for ε = 1e-8), not from 16.6 on.
///
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::AsymmetricLoss};
/// // thread 002: 512 labels, a handful positive
/// let x = array![[3.0_f32, -2.0, -4.0, 0.5]];
/// let y = array![[1.0_f32, 0.0, 0.0, 0.0]];
/// let asl = AsymmetricLoss::timm(); // γ₋ = 4, γ₊ = 1, margin 0.05, ε = 1e-8, batchmean
/// let out = asl.forward_backward(&x, &y).unwrap();
/// assert!(out.value.scalar().unwrap() > 0.0);
/// ```
#[derive(Clone, Debug)]
pub struct AsymmetricLoss<F> {
    gamma_neg: F,
    gamma_pos: F,
    margin: F,
    epsilon: F,
    detach: bool,
    label_smoothing: F,
    class_weights: Option<Array1<F>>,
    pos_weight: Option<ArrayD<F>>,
    sum_classes: bool,
    reducer: Reducer,
}

impl<F: Real> Default for AsymmetricLoss<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Real> AsymmetricLoss<F> {
    /// timm's defaults (γ₋ = 4, γ₊ = 1, margin 0.05, ε = 1e-8, no smoothing or weights) with
    /// one loss per element (reduction `none`).
    pub fn new() -> Self {
        AsymmetricLoss {
            gamma_neg: F::of(4.0),
            gamma_pos: F::one(),
            margin: F::of(0.05),
            epsilon: F::of(1e-8),
            detach: false,
            label_smoothing: F::zero(),
            class_weights: None,
            pos_weight: None,
            sum_classes: false,
            reducer: Reduction::None.into(),
        }
    }

    /// `timm.loss.AsymmetricLossMultiLabel()` defaults: reduction `'batchmean'` (the per-row
    /// sums over classes, averaged over the rows).
    pub fn timm() -> Self {
        Self::new()
            .sum_over_classes(true)
            .reduction(Reduction::SumOverBatchSize)
    }

    /// The original ASL code's reduction: the sum of every element (timm's `reduction='sum'`).
    pub fn original() -> Self {
        Self::new().reduction(Reduction::Sum)
    }

    /// `γ₋ ≥ 0`, the focusing parameter of the negatives.
    pub fn gamma_neg(mut self, gamma: F) -> Self {
        self.gamma_neg = gamma;
        self
    }

    /// `γ₊ ≥ 0`, the focusing parameter of the positives.
    pub fn gamma_pos(mut self, gamma: F) -> Self {
        self.gamma_pos = gamma;
        self
    }

    /// The probability margin `m ∈ [0, 1]` added to the negatives' probability (timm's `clip`;
    /// 0 disables it, as timm's `None` or 0).
    pub fn margin(mut self, m: F) -> Self {
        self.margin = m;
        self
    }

    /// The clamp `ε ∈ [0, 1)` of the probabilities before the logarithm (timm's `eps`).
    pub fn epsilon(mut self, eps: F) -> Self {
        self.epsilon = eps;
        self
    }

    /// Treat the focusing factor `b^γ` as a constant for the gradient (timm's
    /// `disable_torch_grad_focal_loss=True`).
    pub fn detach_focal_weight(mut self, yes: bool) -> Self {
        self.detach = yes;
        self
    }

    /// Label smoothing `s ∈ [0, 1)` towards 1/2 (timm's `smoothing`).
    pub fn label_smoothing(mut self, s: F) -> Self {
        self.label_smoothing = s;
        self
    }

    /// One weight per class multiplying the element losses (timm's `weight`).
    pub fn class_weights(mut self, w: Array1<F>) -> Self {
        self.class_weights = Some(w.as_standard_layout().into_owned());
        self
    }

    /// The weight of the positive term: a scalar or one per class, broadcast to the element
    /// losses (timm's `pos_weight`).
    pub fn pos_weight(mut self, pw: ArrayD<F>) -> Self {
        self.pos_weight = Some(pw);
        self
    }

    /// Reduce the per-row sums over the class axis instead of the element losses.
    pub fn sum_over_classes(mut self, yes: bool) -> Self {
        self.sum_classes = yes;
        self
    }

    /// The reduction.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// The checks of the options alone.
    pub(crate) fn check_options(&self) -> Result<()> {
        check_range(
            "gamma_neg",
            self.gamma_neg.f64(),
            0.0,
            f64::MAX,
            "finite and >= 0",
        )?;
        check_range(
            "gamma_pos",
            self.gamma_pos.f64(),
            0.0,
            f64::MAX,
            "finite and >= 0",
        )?;
        check_range("margin", self.margin.f64(), 0.0, 1.0, "in [0, 1]")?;
        check_range(
            "epsilon",
            self.epsilon.f64(),
            0.0,
            1.0 - f64::EPSILON,
            "in [0, 1)",
        )?;
        check_range(
            "label_smoothing",
            self.label_smoothing.f64(),
            0.0,
            1.0 - f64::EPSILON,
            "in [0, 1) (timm asserts 0 <= smoothing < 1)",
        )?;
        if let Some(w) = &self.class_weights {
            check_finite("class_weights", w.iter())?;
        }
        if let Some(pw) = &self.pos_weight {
            check_finite("pos_weight", pw.iter())?;
        }
        Ok(())
    }

    /// The element-wise options, for the kernel and the general path.
    fn focus(&self) -> Focus<F> {
        Focus {
            gamma_neg: self.gamma_neg,
            gamma_pos: self.gamma_pos,
            margin: self.margin,
            epsilon: self.epsilon,
            detach: self.detach,
            label_smoothing: self.label_smoothing,
        }
    }

    /// The checks of the options and of the inputs, shared by both paths (the weights' shapes
    /// are checked where they are broadcast).
    fn check(&self, logits: &ArrayViewD<'_, F>, targets: &ArrayViewD<'_, F>) -> Result<()> {
        self.check_options()?;
        check_nonempty("logits", logits)?;
        check_same_shape("targets", logits.shape(), targets.shape())?;
        check_finite_array("targets", targets)?;
        if let Some(w) = &self.class_weights {
            let classes = logits.shape()[logits.ndim() - 1];
            check_same_shape("class_weights", &[classes], w.shape())?;
        }
        Ok(())
    }
}

impl<F: Real> Loss<F> for AsymmetricLoss<F> {
    type Label = F;

    fn reducer(&self) -> Reducer {
        self.reducer
    }

    fn unreduced(
        &self,
        logits: ArrayViewD<'_, F>,
        targets: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.check(&logits, &targets)?;
        let ones = ArrayD::<F>::ones(IxDyn(&[1]));
        let pw_view = self.pos_weight.as_ref().unwrap_or(&ones).view();
        let pw = broadcast_to("pos_weight", &pw_view, logits.shape())?;
        let cw_view = match &self.class_weights {
            Some(w) => w.view().into_dyn(),
            None => ones.view(),
        };
        let cw = broadcast_to("class_weights", &cw_view, logits.shape())?;
        let focus = self.focus();
        let mut values = ArrayD::<F>::zeros(logits.raw_dim());
        let mut grad = want_grad.then(|| ArrayD::<F>::zeros(logits.raw_dim()));
        match grad.as_mut() {
            Some(g) => Zip::from(&mut values)
                .and(g)
                .and(&logits)
                .and(&targets)
                .and(&pw)
                .and(&cw)
                .for_each(|v, g, &x, &y, &pw, &w| (*v, *g) = focus.element(x, y, pw, w)),
            None => Zip::from(&mut values)
                .and(&logits)
                .and(&targets)
                .and(&pw)
                .and(&cw)
                .for_each(|v, &x, &y, &pw, &w| *v = focus.element(x, y, pw, w).0),
        }
        let values = if self.sum_classes {
            values.sum_axis(Axis(values.ndim() - 1))
        } else {
            values
        };
        apply_sample_weight(values, grad, sample_weight)
    }

    /// The fused kernel (one pass over the elements; README, "Performance"). `None` when it does
    /// not apply: a `pos_weight` that varies along the rows, or a sample weight that varies
    /// along the class axis.
    fn fused(
        &self,
        logits: ArrayViewD<'_, F>,
        targets: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        grad: GradOut<'_, '_, F>,
    ) -> Result<Option<LossOutput<F>>> {
        self.check(&logits, &targets)?;
        // a non-contiguous input is copied, so that every layout gives the same numbers
        let (x, y) = (kernels::contiguous(&logits), kernels::contiguous(&targets));
        let shape = logits.shape();
        let c = shape[shape.len() - 1];
        let row_shape = &shape[..shape.len() - 1];
        let rows: usize = row_shape.iter().product();
        let Some(pw) = kernels::per_class(self.pos_weight.as_ref(), shape) else {
            return Ok(None);
        };
        let w = match &self.class_weights {
            Some(w) => w.to_vec(),
            None => vec![F::one(); c],
        };
        let Some((row_weight, mass)) =
            kernels::per_row_sample_weights(sample_weight.as_ref(), shape, self.sum_classes)?
        else {
            return Ok(None);
        };
        let count = if self.sum_classes { rows } else { rows * c };
        let batch = kernels::asymmetric::Batch {
            logits: &x,
            targets: &y,
            pos_weight: &pw,
            weight: &w,
            row_weight: row_weight.as_deref(),
            focus: self.focus(),
            sum_classes: self.sum_classes,
        };
        let value_shape = if self.sum_classes { row_shape } else { shape };
        Ok(kernels::fused_output(
            self.reducer,
            &Totals { count, mass },
            shape,
            value_shape,
            grad,
            |s, g, v| kernels::asymmetric::run(&batch, s.grad_factor::<F>(), g, v),
        ))
    }
}

/// Single-label asymmetric loss from logits against integer labels (the logits' shape without
/// the class axis), as timm's `AsymmetricLossSingleLabel`: softmax probabilities, the label's
/// log-probability focused by `(1 − p_y)^γ₊`, the others' by `p_c^γ₋`, then label smoothing.
///
/// ```text
/// p = softmax(x),  t' = onehot(y)·(1 − s) + s/C                 (label smoothing s: timm's eps)
/// w_y = (1 − p_y)^γ₊,  w_c = p_c^γ₋ (c ≠ y)
/// l = −Σ_c t'_c · w_c · ln p_c
/// ∂l/∂x_j = p_j·M − m_j,  m_c = t'_c·(w_c + k_c·ln p_c),  M = Σ_c m_c
/// k_y = −γ₊·p_y·(1 − p_y)^(γ₊−1),  k_c = γ₋·p_c^γ₋ (c ≠ y)
/// ```
/// `k_y·ln p_y` is computed as `−γ₊·p_y·(ln p_y / (1 − p_y))·(1 − p_y)^γ₊`, finite as `p_y → 1`
/// for every `γ₊ ≥ 0` (its limit is `γ₊·(1 − p_y)^γ₊ → 0`; autograd's `0^(γ₊−1)·0` is NaN there
/// for `γ₊ < 1`). The focusing weights are not detached, as in timm.
///
/// Reference call: `timm.loss.AsymmetricLossSingleLabel(gamma_pos, gamma_neg, eps,
/// reduction)(x, target)`: [`Self::timm`] with [`Self::gamma_pos`], [`Self::gamma_neg`] and
/// [`Self::label_smoothing`]`(eps)`; its `'mean'` averages the rows
/// (`sum_over_batch_size`), any other reduction string returns the per-row losses (`none`).
/// timm keeps float64 input in float64.
///
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::SingleLabelAsymmetricLoss};
/// let x = array![[2.0_f64, 0.0, -1.0]];
/// let plain = SingleLabelAsymmetricLoss::new().gamma_pos(0.0).gamma_neg(0.0).label_smoothing(0.0);
/// let v = plain.forward(&x, &array![1_i64]).unwrap();
/// // with γ₊ = γ₋ = 0 and no smoothing it is the cross-entropy
/// let lse = x.mapv(f64::exp).sum().ln();
/// assert!((v.into_array()[0] - (lse - 0.0)).abs() < 1e-12);
/// ```
#[derive(Clone, Debug)]
pub struct SingleLabelAsymmetricLoss<F> {
    gamma_pos: F,
    gamma_neg: F,
    label_smoothing: F,
    reducer: Reducer,
}

impl<F: Real> Default for SingleLabelAsymmetricLoss<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Real> SingleLabelAsymmetricLoss<F> {
    /// timm's defaults (γ₊ = 1, γ₋ = 4, smoothing 0.1) with one loss per row (reduction `none`).
    pub fn new() -> Self {
        SingleLabelAsymmetricLoss {
            gamma_pos: F::one(),
            gamma_neg: F::of(4.0),
            label_smoothing: F::of(0.1),
            reducer: Reduction::None.into(),
        }
    }

    /// `timm.loss.AsymmetricLossSingleLabel()` defaults: `reduction='mean'` over the rows.
    pub fn timm() -> Self {
        Self::new().reduction(Reduction::SumOverBatchSize)
    }

    /// `γ₊ ≥ 0`.
    pub fn gamma_pos(mut self, gamma: F) -> Self {
        self.gamma_pos = gamma;
        self
    }

    /// `γ₋ ≥ 0`.
    pub fn gamma_neg(mut self, gamma: F) -> Self {
        self.gamma_neg = gamma;
        self
    }

    /// Label smoothing `s ∈ [0, 1]` (timm's `eps`).
    pub fn label_smoothing(mut self, s: F) -> Self {
        self.label_smoothing = s;
        self
    }

    /// The reduction.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// The checks of the options alone.
    pub(crate) fn check_options(&self) -> Result<()> {
        check_range(
            "gamma_pos",
            self.gamma_pos.f64(),
            0.0,
            f64::MAX,
            "finite and >= 0",
        )?;
        check_range(
            "gamma_neg",
            self.gamma_neg.f64(),
            0.0,
            f64::MAX,
            "finite and >= 0",
        )?;
        crate::losses::smoothing::check_smoothing(self.label_smoothing.f64())
    }
}

impl<F: Real> Loss<F> for SingleLabelAsymmetricLoss<F> {
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
        self.check_options()?;
        if logits.ndim() < 2 {
            return Err(ReweighError::BadShape {
                what: "logits",
                reason: "need a batch axis and a class axis (the last one)",
                got: logits.shape().to_vec(),
            });
        }
        let targets = one_hot("logits", &logits, &labels)?;
        let last = Axis(logits.ndim() - 1);
        let c = logits.len_of(last);
        let (one, zero) = (F::one(), F::zero());
        let (gp, gn, s) = (self.gamma_pos, self.gamma_neg, self.label_smoothing);
        let spread = s / F::of(c as f64);
        let mut values = ArrayD::<F>::zeros(&logits.shape()[..logits.ndim() - 1]);
        let mut grad = want_grad.then(|| ArrayD::<F>::zeros(logits.raw_dim()));
        let mut lp = Array1::<F>::zeros(c);
        let mut m = Array1::<F>::zeros(c);
        let mut grad_rows = grad.as_mut().map(|g| g.lanes_mut(last).into_iter());
        for ((x, t), v) in logits
            .lanes(last)
            .into_iter()
            .zip(targets.lanes(last))
            .zip(values.iter_mut())
        {
            log_softmax_fill(x, lp.view_mut());
            let mut value = zero;
            for ((&lp, &t), m) in lp.iter().zip(t.iter()).zip(m.iter_mut()) {
                let p = lp.exp();
                let t_s = t * (one - s) + spread;
                let (w, k_lp) = if t == one {
                    // 1 − p_y from the log-probability, accurate as p_y → 1
                    let q = -lp.exp_m1();
                    let w = q.powf(gp);
                    let ratio = if q > zero { lp / q } else { -one };
                    // p·ln p → 0 as p → 0 (a −∞ logit on the label): the limit, not 0·∞
                    let k_lp = if gp == zero || p == zero {
                        zero
                    } else {
                        -(gp * p * ratio * w)
                    };
                    (w, k_lp)
                } else {
                    let w = p.powf(gn);
                    (w, gn * w * lp)
                };
                value = value - t_s * w * lp;
                *m = t_s * (w + k_lp);
            }
            *v = value;
            if let Some(g) = grad_rows.as_mut().and_then(Iterator::next) {
                let total: F = m.sum();
                Zip::from(g)
                    .and(&lp)
                    .and(&m)
                    .for_each(|g, &lp, &m| *g = lp.exp() * total - m);
            }
        }
        drop(grad_rows);
        apply_sample_weight(values, grad, sample_weight)
    }
}
