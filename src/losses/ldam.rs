//! The label-distribution-aware margin loss (LDAM, Cao et al., NeurIPS 2019, arXiv 1906.07413)
//! and its deferred re-weighting schedule (DRW).

use crate::Real;
use crate::error::{Result, ReweighError};
use crate::kernels;
use crate::loss::{GradOut, Loss, check_same_shape};
use crate::losses::SparseSoftmaxCrossEntropy;
use crate::losses::of_transformed;
use crate::output::LossOutput;
use crate::reduction::{Reducer, Unreduced};
use ndarray::{Array1, ArrayD, ArrayViewD};

/// LDAM's class margins from the class counts: `m_j = max_m · (n_min / n_j)^(1/4)`, the largest
/// (the rarest class's) equal to `max_m`. Computed in f64.
///
/// The reference (`pytorch_optimizer.loss.LDAMLoss`, as Cao et al.'s code) computes
/// `m = 1 / sqrt(sqrt(n))`, `m *= max_m / max(m)` in a float32 buffer, also for float64 logits;
/// torch's float32 `sqrt` is not always correctly rounded, so its margins can be one float32 ulp
/// away from these. To reproduce a reference run bit for bit, pass its `m_list` to
/// [`LdamLoss::new`].
///
/// Errors: empty counts, a count that is zero, negative or not finite (the reference gives NaN
/// margins for a zero count), a `max_m` that is negative or not finite.
///
/// The scheme `"ldam_margins(max_m)"` ([`Scheme::LdamMargins`](crate::schemes::Scheme::LdamMargins))
/// gives the same margins labelled by class.
///
/// ```
/// use reweigh::losses::ldam_margins;
/// let m = ldam_margins(&[5000.0, 500.0, 50.0], 0.5).unwrap();
/// assert_eq!(m[2], 0.5);
/// assert!((m[0] - 0.5 * (50.0_f64 / 5000.0).powf(0.25)).abs() < 1e-15);
/// ```
pub fn ldam_margins(counts: &[f64], max_m: f64) -> Result<Array1<f64>> {
    if counts.is_empty() {
        return Err(ReweighError::EmptyBatch {
            what: "class counts",
        });
    }
    crate::check::check_weights("class counts", counts.iter())?;
    crate::check::check_range("max_m", max_m, 0.0, f64::MAX, "finite and >= 0")?;
    if let Some(j) = counts.iter().position(|&n| n == 0.0) {
        return Err(ReweighError::ZeroCount {
            what: "count",
            class: j as i64,
        });
    }
    let n_min = counts.iter().fold(f64::INFINITY, |m, &n| m.min(n));
    Ok(counts
        .iter()
        .map(|&n| max_m * (n_min / n).powf(0.25))
        .collect())
}

/// LDAM: the softmax cross-entropy of the scaled logits with the label's logit lowered by its
/// class margin, `z_ic = s·(x_ic − m_{y_i}·[c = y_i])`, with every option of
/// [`SparseSoftmaxCrossEntropy`] (class weights — DRW's —, ignored labels, label smoothing,
/// every reduction) applied to `z`.
///
/// ```text
/// z_ic = s·(x_ic − m_{y_i}·[c = y_i])        margins m (ldam_margins), scale s
/// l_i  = CE(z_i, y_i)                        = −log softmax(z_i)_{y_i} without weights or smoothing
/// ∂l_i/∂x_ij = s·∂CE/∂z_ij = s·(softmax(z_i)_j − [j = y_i])
/// ```
/// Reference call: `pytorch_optimizer.loss.LDAMLoss(num_class_list, max_m, weight, s)(x, y)`
/// (pytorch-optimizer 4.1.0, Cao et al.'s `LDAMLoss`): [`Self::from_counts`]`(counts, max_m, s)`
/// with [`Self::class_weights`]`(weight)`; it is `F.cross_entropy(s·output, y, weight=weight)`,
/// PyTorch's weighted mean ([`SparseSoftmaxCrossEntropy::pytorch`]). With DRW
/// ([`DeferredReweighting`]) the weights switch on at a given epoch.
///
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::LdamLoss};
/// let loss = LdamLoss::<f64>::from_counts(&[900.0, 90.0, 9.0], 0.5, 30.0).unwrap();
/// let x = array![[0.2, 0.1, 0.05]];
/// let out = loss.forward_backward(&x, &array![2_i64]).unwrap();
/// // the rare label's logit is lowered by the largest margin (0.5) before the scale of 30
/// let z = array![6.0, 3.0, 30.0 * (0.05 - 0.5)];
/// let lse = z.mapv(f64::exp).sum().ln();
/// assert!((out.value.scalar().unwrap() - (lse - z[2])).abs() < 1e-12);
/// ```
#[derive(Clone, Debug)]
pub struct LdamLoss<F> {
    margins: Array1<F>,
    scale: F,
    base: SparseSoftmaxCrossEntropy<F>,
}

impl<F: Real> LdamLoss<F> {
    /// The given margins (one per class, finite, ≥ 0) and scale `s`, on PyTorch's
    /// `F.cross_entropy` defaults ([`SparseSoftmaxCrossEntropy::pytorch`]).
    pub fn new(margins: Array1<F>, scale: F) -> Self {
        LdamLoss {
            margins: margins.as_standard_layout().into_owned(),
            scale,
            base: SparseSoftmaxCrossEntropy::pytorch(),
        }
    }

    /// `LDAMLoss(num_class_list=counts, max_m, s)`: margins from [`ldam_margins`].
    pub fn from_counts(counts: &[f64], max_m: f64, scale: f64) -> Result<Self> {
        let loss = Self::new(ldam_margins(counts, max_m)?.mapv(F::of), F::of(scale));
        loss.check_options()?;
        Ok(loss)
    }

    /// Per-class weights of the cross-entropy (the reference's `weight`; DRW's weights).
    pub fn class_weights(mut self, w: Array1<F>) -> Self {
        self.base = self.base.class_weights(w);
        self
    }

    /// The cross-entropy applied to `z`, with its options.
    pub fn base(mut self, base: SparseSoftmaxCrossEntropy<F>) -> Self {
        self.base = base;
        self
    }

    /// Sets the reduction of the base loss.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.base = self.base.reduction(r);
        self
    }

    /// The margins `m_j`.
    pub fn margins(&self) -> &Array1<F> {
        &self.margins
    }

    /// The scale `s`.
    pub fn scale(&self) -> F {
        self.scale
    }

    /// Validates the options: margins finite and ≥ 0, at least one; `s` finite and > 0; the
    /// base loss's options.
    pub(crate) fn check_options(&self) -> Result<()> {
        if self.margins.is_empty() {
            return Err(ReweighError::EmptyBatch {
                what: "LDAM margins",
            });
        }
        crate::check::check_weights("LDAM margins", self.margins.iter())?;
        let s = self.scale.f64();
        if !(s.is_finite() && s > 0.0) {
            return Err(ReweighError::InvalidParameter {
                name: "s",
                value: s,
                expected: "finite and > 0",
            });
        }
        self.base.check_options()
    }

    /// `z = s·(x − m_y·onehot(y))`; labels outside `[0, C)` other than an ignored one are left
    /// for the base loss to reject.
    fn margined(&self, x: &ArrayViewD<'_, F>, labels: &ArrayViewD<'_, i64>) -> Result<ArrayD<F>> {
        self.check_options()?;
        if x.ndim() == 0 {
            return Err(ReweighError::BadShape {
                what: "logits",
                reason: "need a class axis (the last one)",
                got: vec![],
            });
        }
        let c = x.shape()[x.ndim() - 1];
        check_same_shape("LDAM margins (one per class)", &[c], self.margins.shape())?;
        check_same_shape("labels", &x.shape()[..x.ndim() - 1], labels.shape())?;
        // one pass into a fresh buffer (huge pages, parallel rows): z_j = s·x_j, and
        // z_y = s·(x_y − m_y) at the label, rounded as the reference's `s * where(...)`
        let xs = kernels::contiguous(x);
        let ys = kernels::contiguous(labels);
        let mut z = kernels::fresh::<F>(x.shape());
        let (s, m) = (
            self.scale,
            self.margins.as_slice().expect("standard layout"),
        );
        kernels::map_rows(&xs, z.as_slice_mut().expect("fresh"), c, |i, xr, zr| {
            for (z, &v) in zr.iter_mut().zip(xr) {
                *z = s * v;
            }
            let y = ys[i];
            if (0..c as i64).contains(&y) {
                let j = y as usize;
                zr[j] = s * (xr[j] - m[j]);
            }
        });
        Ok(z)
    }

    /// `∂/∂x = s·∂/∂z`.
    fn scale_grad(&self, g: &mut ArrayD<F>) {
        let s = self.scale;
        g.mapv_inplace(|v| s * v);
    }
}

impl<F: Real> Loss<F> for LdamLoss<F> {
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
        let z = self.margined(&input, &target)?;
        let mut u = self
            .base
            .unreduced(z.view(), target, sample_weight, want_grad)?;
        if let Some(g) = u.grad.as_mut() {
            self.scale_grad(g);
        }
        Ok(u)
    }

    /// Margins and scale once (one pass into a fresh buffer), then the base loss's fused
    /// kernel on `z` with `∂z/∂x = s` folded into its gradient factor, or the base loss's
    /// general path (`of_transformed::compute`) where it has no fused path.
    fn fused(
        &self,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        mut grad: GradOut<'_, '_, F>,
    ) -> Result<Option<LossOutput<F>>> {
        let z = self.margined(&input, &target)?;
        let sw = sample_weight.clone();
        if let Some(out) = self.base.fused_biased(
            z.view(),
            target.view(),
            sw,
            grad.reborrow(),
            None,
            self.scale,
        )? {
            return Ok(Some(out));
        }
        of_transformed::compute(
            &self.base,
            z.view(),
            target,
            sample_weight,
            grad,
            self.scale,
        )
        .map(Some)
    }
}

/// Deferred re-weighting (DRW, Cao et al.): no class weights before `start_epoch`, then the
/// effective-number weights `(1 − β)/(1 − β^n_j)` normalised to sum to `C`
/// ([`effective_number_weights`](crate::schemes::effective_number_weights)), as
/// `per_cls_weights` in Cao et al.'s `cifar_train.py` (`idx = epoch // 160`,
/// `betas = [0, 0.9999]`: epochs are counted from 0 and the weights apply from epoch 160 on).
/// The scheme `"drw(start_epoch, beta)"` ([`Scheme::Drw`](crate::schemes::Scheme::Drw),
/// [`Scheme::weights_at_epoch`](crate::schemes::Scheme::weights_at_epoch)) is this schedule by
/// name, with uniform weights before `start_epoch` (Cao et al.'s `betas[0] = 0`).
///
/// ```
/// use reweigh::losses::DeferredReweighting;
/// let drw = DeferredReweighting::cao(160);
/// assert!(drw.class_weights(159, &[5000.0, 50.0]).unwrap().is_none());
/// let w = drw.class_weights(160, &[5000.0, 50.0]).unwrap().unwrap();
/// assert!((w.sum() - 2.0).abs() < 1e-12 && w[1] > w[0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeferredReweighting {
    /// The first epoch (counted from 0) with class weights.
    pub start_epoch: usize,
    /// `β ∈ [0, 1)` of the effective number.
    pub beta: f64,
}

impl DeferredReweighting {
    /// Cao et al.'s schedule: `β = 0.9999` from `start_epoch` on (160 of 200 epochs on CIFAR).
    pub fn cao(start_epoch: usize) -> Self {
        DeferredReweighting {
            start_epoch,
            beta: 0.9999,
        }
    }

    /// The class weights of `epoch` (counted from 0): `None` before `start_epoch`.
    pub fn class_weights(&self, epoch: usize, counts: &[f64]) -> Result<Option<Array1<f64>>> {
        crate::check::check_range("beta", self.beta, 0.0, 1.0 - f64::EPSILON, "in [0, 1)")?;
        if epoch < self.start_epoch {
            return Ok(None);
        }
        let counts = Array1::from(counts.to_vec());
        crate::schemes::effective_number_weights(counts.view(), self.beta).map(Some)
    }
}
