//! The Dice, Tversky and focal-Tversky losses of segmentation_models_pytorch (and of
//! pytorch_optimizer): one overlap score per class over the batch and the spatial axes, averaged
//! over the classes.

use crate::Real;
use crate::check::check_finite_array;
use crate::error::{Result, ReweighError};
use crate::loss::{Loss, check_finite, check_same_shape, check_weights};
use crate::losses::one_hot::one_hot_channels;
use crate::losses::overlap::{Intersection, OverlapScore, ScoreForm, Sums};
use crate::losses::weighting::apply_sample_weight;
use crate::math::{log_softmax_fill, sigmoid};
use crate::reduction::{Reducer, Reduction, Unreduced};
use ndarray::{Array1, ArrayD, ArrayViewD, Axis};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// segmentation_models_pytorch's `mode`: how channels become classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentationMode {
    /// `"binary"`: every element of the input is one class (sigmoid from logits).
    Binary,
    /// `"multilabel"`: each channel (axis 1) is a class (sigmoid from logits).
    Multilabel,
    /// `"multiclass"`: each channel is a class, softmax over the channels from logits.
    Multiclass,
}

impl FromStr for SegmentationMode {
    type Err = ReweighError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "binary" => Ok(SegmentationMode::Binary),
            "multilabel" => Ok(SegmentationMode::Multilabel),
            "multiclass" => Ok(SegmentationMode::Multiclass),
            _ => Err(ReweighError::UnknownName {
                kind: "mode",
                name: s.to_string(),
                valid: "binary, multilabel, multiclass".to_string(),
            }),
        }
    }
}

/// segmentation_models_pytorch's Tversky loss (and its Dice loss, α = β = ½, γ = 1) of an input
/// `(N, C, *spatial)` (logits or probabilities) against targets of the same shape (for integer
/// class maps use [`SparseSegmentationTverskyLoss`]), and pytorch_optimizer's Dice, Tversky and
/// focal-Tversky losses:
///
/// ```text
/// p = σ(x) (binary, multilabel) or softmax over axis 1 (multiclass); p = x if not from_logits
/// m = [t ≠ ignore_index]:  p ← p·m,  t ← t·m
/// per class c (all elements for binary; channel c over the batch and spatial axes otherwise):
///   TP_c = (Σp + Σt − Σ|p − t|)/2,  FP_c = Σp − TP_c,  FN_c = Σt − TP_c      (Intersection::L1)
///        (summed as Σ min(p, t), Σ max(p − t, 0), Σ max(t − p, 0): no cancellation)
///   TP_c = Σ p·t,  FP_c = Σ p(1 − t),  FN_c = Σ t(1 − p)                  (Intersection::Product)
///   S_c  = (TP_c + smooth) / max(TP_c + α·FP_c + β·FN_c + smooth, eps)          (ScoreForm::Tversky)
///   S_c  = (2TP_c + smooth) / max(2(TP_c + α·FP_c + β·FN_c) + smooth, eps)      (ScoreForm::Dice)
///   l_c  = z_c·(1 − S_c)      or  z_c·(−ln max(S_c, eps))   (log_loss)
///   z_c  = [Σt > 0] (zero_empty_classes, smp's and pytorch_optimizer's Dice), 1 otherwise
/// L = (Σ_{c ∈ classes} w_c·l_c / Σ_{c ∈ classes} w_c)^γ      (w = 1 without class weights)
/// ∂L/∂l_c = γ·A^(γ−1)·w_c/Σw,  ∂S_c/∂p_j = ∂TP_j·(1 − S_c(1 − α − β))/D_c − S_c·α/D_c,
/// ∂TP_j = (1 − sgn(p_j − t_j))/2 (L1) or t_j (Product), then σ' = σ(x)·σ(−x) or the softmax
/// Jacobian (D_c the denominator over 2 for ScoreForm::Dice)
/// ```
/// With `zero_empty_classes` (the default), classes without positive targets contribute 0 but
/// stay in the mean; γ (focal Tversky) is applied after the mean over classes. The loss is one
/// number per batch (a 0-d per-element loss that every reduction leaves as it is); a sample
/// weight is a scalar factor.
///
/// Reference calls it equals (segmentation_models_pytorch 0.6.0, `smp.losses`):
/// - `DiceLoss(mode, classes, log_loss, from_logits, smooth, ignore_index, eps, class_weights)`:
///   [`Self::smp_dice`]`(mode)` with the same options;
/// - `TverskyLoss(mode, classes, log_loss, from_logits, smooth, ignore_index, eps, alpha, beta,
///   gamma, class_weights)`: [`Self::smp_tversky`]`(mode, alpha, beta, gamma)` (smp's α is the
///   false-positive weight, as here).
///
/// smp's `ignore_index` for binary and multilabel targets compares the float targets with it.
///
/// pytorch_optimizer 4.1.0 (`pytorch_optimizer.loss`):
/// - `DiceLoss(mode, classes, log_loss, from_logits, label_smooth, ignore_index, eps)`:
///   [`Self::pytorch_optimizer_dice`]`(mode)` with [`Self::smooth`]`(label_smooth)` and the
///   same other options: smp's modes and masks with the product intersection and the
///   `(2TP + smooth)/max(Σp + Σt + smooth, eps)` form of pytorch-toolbelt;
/// - `TverskyLoss(alpha, beta, smooth)` and `FocalTverskyLoss(alpha, beta, gamma, smooth)`:
///   [`Self::pytorch_optimizer_tversky`]`(alpha, beta, gamma)` (γ = 1 for `TverskyLoss`) with
///   [`Self::smooth`]`(smooth)`: one score over every element (`view(-1)`, binary mode), the
///   product intersection, no clamp, and all-negative targets scored as they are (`1 − S`, not
///   0). pytorch_optimizer flattens any shapes of the same size; here the input has at least the
///   axes `(N, C)` and the targets its shape (or `(N, *spatial)` for `(N, 1, *spatial)`).
///
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::{SegmentationMode, SegmentationTverskyLoss}};
/// let x = array![[[0.5_f64, -1.0, 2.0]]]; // (N=1, C=1, 3)
/// let y = array![[[1.0, 0.0, 1.0]]];
/// let v = SegmentationTverskyLoss::smp_dice(SegmentationMode::Binary)
///     .forward(&x, &y).unwrap().scalar().unwrap();
/// let p = x.mapv(|v| 1.0 / (1.0 + (-v).exp()));
/// let dice = 2.0 * (p[[0, 0, 0]] + p[[0, 0, 2]]) / (p.sum() + 2.0);
/// assert!((v - (1.0 - dice)).abs() < 1e-12);
/// ```
#[derive(Clone, Debug)]
pub struct SegmentationTverskyLoss<F> {
    mode: SegmentationMode,
    from_logits: bool,
    alpha: F,
    beta: F,
    gamma: F,
    smooth: F,
    eps: F,
    log_loss: bool,
    intersection: Intersection,
    score_form: ScoreForm,
    zero_empty_classes: bool,
    classes: Option<Vec<usize>>,
    class_weights: Option<Array1<F>>,
    ignore_index: Option<i64>,
    reducer: Reducer,
}

impl<F: Real> SegmentationTverskyLoss<F> {
    /// `smp.losses.DiceLoss(mode)`: from logits, smooth 0, eps 1e-7, all classes.
    pub fn smp_dice(mode: SegmentationMode) -> Self {
        SegmentationTverskyLoss {
            mode,
            from_logits: true,
            alpha: F::of(0.5),
            beta: F::of(0.5),
            gamma: F::one(),
            smooth: F::zero(),
            eps: F::of(1e-7),
            log_loss: false,
            intersection: Intersection::L1,
            score_form: ScoreForm::Tversky,
            zero_empty_classes: true,
            classes: None,
            class_weights: None,
            ignore_index: None,
            reducer: Reduction::Sum.into(),
        }
    }

    /// `smp.losses.TverskyLoss(mode, alpha=α, beta=β, gamma=γ)`: α weighs the false positives, β
    /// the false negatives, γ the focal exponent of the mean over classes.
    pub fn smp_tversky(mode: SegmentationMode, alpha: F, beta: F, gamma: F) -> Self {
        SegmentationTverskyLoss {
            alpha,
            beta,
            gamma,
            ..Self::smp_dice(mode)
        }
    }

    /// `pytorch_optimizer.loss.DiceLoss(mode)`: from logits, smooth (`label_smooth`) 0, eps
    /// 1e-6, the product intersection, [`ScoreForm::Dice`], all classes.
    pub fn pytorch_optimizer_dice(mode: SegmentationMode) -> Self {
        SegmentationTverskyLoss {
            eps: F::of(1e-6),
            intersection: Intersection::Product,
            score_form: ScoreForm::Dice,
            ..Self::smp_dice(mode)
        }
    }

    /// `pytorch_optimizer.loss.FocalTverskyLoss(alpha=α, beta=β, gamma=γ)` (and `TverskyLoss(α,
    /// β)` at γ = 1): binary mode from logits, smooth 1e-6, no clamp (eps 0), the product
    /// intersection, targets without positives scored as they are. α weighs the false
    /// positives (as in its code; `FocalTverskyLoss`'s docstring in 3.x said otherwise).
    pub fn pytorch_optimizer_tversky(alpha: F, beta: F, gamma: F) -> Self {
        SegmentationTverskyLoss {
            smooth: F::of(1e-6),
            eps: F::zero(),
            intersection: Intersection::Product,
            zero_empty_classes: false,
            ..Self::smp_tversky(SegmentationMode::Binary, alpha, beta, gamma)
        }
    }

    /// How the true positives are counted ([`Intersection::L1`] for smp).
    pub fn intersection(mut self, intersection: Intersection) -> Self {
        self.intersection = intersection;
        self
    }

    /// How smooth and eps enter the score ([`ScoreForm::Tversky`] for smp).
    pub fn score_form(mut self, score_form: ScoreForm) -> Self {
        self.score_form = score_form;
        self
    }

    /// Whether a class without positive targets has loss 0 (smp, pytorch_optimizer's Dice:
    /// true) or its score's loss (pytorch_optimizer's Tversky: false).
    pub fn zero_empty_classes(mut self, zero: bool) -> Self {
        self.zero_empty_classes = zero;
        self
    }

    /// Whether the input is logits (smp's `from_logits`, default true) or probabilities.
    pub fn from_logits(mut self, from_logits: bool) -> Self {
        self.from_logits = from_logits;
        self
    }

    /// The smoothing constant added to the numerator and the denominator (finite, ≥ 0).
    pub fn smooth(mut self, smooth: F) -> Self {
        self.smooth = smooth;
        self
    }

    /// The lower bound of the denominator and of the score under `log_loss` (finite, ≥ 0).
    pub fn eps(mut self, eps: F) -> Self {
        self.eps = eps;
        self
    }

    /// `−ln max(S, eps)` instead of `1 − S`.
    pub fn log_loss(mut self, log_loss: bool) -> Self {
        self.log_loss = log_loss;
        self
    }

    /// The classes that enter the mean (indices into the channels; repeats count twice).
    pub fn classes(mut self, classes: Option<Vec<usize>>) -> Self {
        self.classes = classes;
        self
    }

    /// One weight per channel (finite, ≥ 0, positive sum over the selected classes).
    pub fn class_weights(mut self, w: Option<Array1<F>>) -> Self {
        self.class_weights = w;
        self
    }

    /// Target value whose elements are left out (`p` and `t` set to 0 there).
    pub fn ignore_index(mut self, ignore_index: Option<i64>) -> Self {
        self.ignore_index = ignore_index;
        self
    }

    /// The reduction (the loss is one number: every reduction gives it).
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// The score with smooth and eps divided by the form's scale (the same `S`).
    fn score(&self) -> OverlapScore<F> {
        let k = F::of(self.score_form.scale());
        OverlapScore {
            alpha: self.alpha,
            beta: self.beta,
            smooth: self.smooth / k,
            epsilon: F::zero(),
            clamp: self.eps / k,
            intersection: self.intersection,
        }
    }

    /// The checks of the options alone (smp rejects classes and class weights in binary mode).
    pub(crate) fn check_options(&self) -> Result<()> {
        // the options as given (the score divides smooth and eps by the form's scale)
        OverlapScore {
            smooth: self.smooth,
            clamp: self.eps,
            ..self.score()
        }
        .check()?;
        crate::check::check_range("gamma", self.gamma.f64(), 0.0, f64::MAX, "finite and >= 0")?;
        let binary = self.mode == SegmentationMode::Binary;
        if binary && self.classes.is_some() {
            return Err(ReweighError::InvalidParameter {
                name: "classes",
                value: f64::NAN,
                expected: "absent in binary mode (smp: masking classes is not supported)",
            });
        }
        if let Some(w) = &self.class_weights {
            if binary {
                return Err(ReweighError::InvalidParameter {
                    name: "class_weights",
                    value: f64::NAN,
                    expected: "absent in binary mode (smp: not supported with mode=binary)",
                });
            }
            check_weights("class_weights", w.iter())?;
        }
        Ok(())
    }

    /// The loss of probabilities or logits `x` viewed as `(N, C, S)` against dense targets `t`
    /// of the same view, with an optional keep-mask of the same view.
    fn compute3(
        &self,
        x: ndarray::ArrayView3<'_, F>,
        t: ndarray::ArrayView3<'_, F>,
        keep: Option<ndarray::ArrayView3<'_, bool>>,
        want_grad: bool,
    ) -> Result<(F, Option<ndarray::Array3<F>>)> {
        let (n, c, s) = x.dim();
        let mode = self.mode;
        // probabilities; for softmax also the unmasked ones (the Jacobian needs them)
        let mut p = x.to_owned();
        if self.from_logits {
            match mode {
                SegmentationMode::Multiclass => {
                    let mut row = Array1::<F>::zeros(c);
                    for i in 0..n {
                        for j in 0..s {
                            log_softmax_fill(x.slice(ndarray::s![i, .., j]), row.view_mut());
                            for k in 0..c {
                                p[[i, k, j]] = row[k].exp();
                            }
                        }
                    }
                }
                _ => p.mapv_inplace(sigmoid),
            }
        }
        let groups = if mode == SegmentationMode::Binary {
            1
        } else {
            c
        };
        let group = |k: usize| if groups == 1 { 0 } else { k };
        let kept = |i, k, j| keep.as_ref().is_none_or(|m| m[[i, k, j]]);
        let masked = |i, k, j, v: F| if kept(i, k, j) { v } else { F::zero() };
        let score = self.score();
        let mut sums = vec![Sums::<F>::default(); groups];
        let mut positives = vec![F::zero(); groups];
        for ((i, k, j), &pv) in p.indexed_iter() {
            let (pm, tm) = (masked(i, k, j, pv), masked(i, k, j, t[[i, k, j]]));
            score.add(&mut sums[group(k)], pm, tm);
            positives[group(k)] = positives[group(k)] + tm;
        }
        let scored: Vec<_> = sums.iter().map(|s| score.score(s)).collect();
        // per-class losses l_c and dl_c/dS_c
        let mut losses = vec![F::zero(); groups];
        let mut dl_ds = vec![F::zero(); groups];
        for g in 0..groups {
            let sc = scored[g].score;
            let present = if positives[g] > F::zero() || !self.zero_empty_classes {
                F::one()
            } else {
                F::zero()
            };
            let (l, d) = if self.log_loss {
                let clamped = sc.max(self.eps);
                let d = if sc >= self.eps {
                    -F::one() / clamped
                } else {
                    F::zero()
                };
                (-clamped.ln(), d)
            } else {
                (F::one() - sc, -F::one())
            };
            losses[g] = l * present;
            dl_ds[g] = d * present;
        }
        // the weighted mean over the selected classes
        let selected: Vec<usize> = match &self.classes {
            Some(cl) => cl.clone(),
            None => (0..groups).collect(),
        };
        if let Some(&bad) = selected.iter().find(|&&k| k >= groups) {
            return Err(ReweighError::LabelOutOfRange {
                label: bad as i64,
                index: selected.iter().position(|&k| k == bad).unwrap_or(0),
                num_classes: groups,
            });
        }
        if let Some(w) = &self.class_weights {
            check_same_shape("class_weights", &[c], w.shape())?;
        }
        let weight = |k: usize| self.class_weights.as_ref().map_or(F::one(), |w| w[k]);
        let total_w = selected.iter().fold(F::zero(), |a, &k| a + weight(k));
        if total_w == F::zero() && self.class_weights.is_some() {
            return Err(ReweighError::AllZeroWeights {
                what: "class_weights",
            });
        }
        let mut coef = vec![F::zero(); groups];
        for &k in &selected {
            coef[k] = coef[k] + weight(k);
        }
        let mean = selected
            .iter()
            .fold(F::zero(), |a, &k| a + losses[k] * weight(k))
            / total_w;
        let value = if self.gamma == F::one() {
            mean
        } else {
            mean.powf(self.gamma)
        };
        if !want_grad {
            return Ok((value, None));
        }
        // torch's pow: the derivative of A^0 is 0, also at A = 0
        let dmean = if self.gamma == F::one() {
            F::one()
        } else if self.gamma == F::zero() {
            F::zero()
        } else {
            self.gamma * mean.powf(self.gamma - F::one())
        };
        let ds: Vec<F> = (0..groups)
            .map(|g| dmean * (coef[g] / total_w) * dl_ds[g])
            .collect();
        let mut grad = ndarray::Array3::<F>::zeros((n, c, s));
        for ((i, k, j), gv) in grad.indexed_iter_mut() {
            if kept(i, k, j) {
                let g = group(k);
                *gv = ds[g] * score.grad(&scored[g], p[[i, k, j]], t[[i, k, j]]);
            }
        }
        if self.from_logits {
            match mode {
                SegmentationMode::Multiclass => {
                    for i in 0..n {
                        for j in 0..s {
                            let dot =
                                (0..c).fold(F::zero(), |a, k| a + p[[i, k, j]] * grad[[i, k, j]]);
                            for k in 0..c {
                                grad[[i, k, j]] = p[[i, k, j]] * (grad[[i, k, j]] - dot);
                            }
                        }
                    }
                }
                _ => {
                    ndarray::Zip::from(&mut grad)
                        .and(&x)
                        .and(&p)
                        .for_each(|g, &x, &p| {
                            *g = *g * (p * sigmoid(-x));
                        });
                }
            }
        }
        Ok((value, Some(grad)))
    }

    /// The loss of the input against dense targets and a keep-mask (both of the input's shape).
    fn compute_dense(
        &self,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, F>,
        keep: Option<ArrayD<bool>>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        let shape = input.shape().to_vec();
        let (n, c) = (shape[0], shape[1]);
        let s = input.len() / (n * c);
        let x = input.as_standard_layout();
        let t = target.as_standard_layout();
        let x3 = x
            .view()
            .into_shape_with_order((n, c, s))
            .expect("standard layout");
        let t3 = t
            .view()
            .into_shape_with_order((n, c, s))
            .expect("standard layout");
        let keep = keep.map(|m| m.as_standard_layout().into_owned());
        let k3 = keep.as_ref().map(|m| {
            m.view()
                .into_shape_with_order((n, c, s))
                .expect("standard layout")
        });
        let (value, grad) = self.compute3(x3, t3, k3, want_grad)?;
        let values = ArrayD::from_elem(ndarray::IxDyn(&[]), value);
        let grad = grad.map(|g| {
            g.into_shape_with_order(shape.as_slice())
                .expect("the input's size")
        });
        apply_sample_weight(values, grad, sample_weight)
    }
}

/// Checks the input is `(N, C, ...)` with no empty axis and finite values.
fn check_input<F: Real>(input: &ArrayViewD<'_, F>) -> Result<()> {
    if input.ndim() < 2 {
        return Err(ReweighError::BadShape {
            what: "input",
            reason: "needs the axes (N, C, ...)",
            got: input.shape().to_vec(),
        });
    }
    if input.is_empty() {
        return Err(ReweighError::EmptyBatch { what: "input" });
    }
    check_finite("input", input.iter())
}

impl<F: Real> Loss<F> for SegmentationTverskyLoss<F> {
    type Label = F;

    fn reducer(&self) -> Reducer {
        self.reducer
    }

    fn unreduced(
        &self,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.check_options()?;
        check_input(&input)?;
        // binary mode takes (N, H, W) targets for (N, 1, H, W) inputs
        let target = if target.shape() != input.shape()
            && self.mode == SegmentationMode::Binary
            && input.shape()[1] == 1
            && target.ndim() + 1 == input.ndim()
        {
            target.insert_axis(Axis(1))
        } else {
            target
        };
        check_same_shape("labels", input.shape(), target.shape())?;
        check_finite_array("labels", &target)?;
        let keep = self.ignore_index.map(|ii| {
            let ii = F::of(ii as f64);
            target.mapv(|t| t != ii)
        });
        self.compute_dense(input, target, keep, sample_weight, want_grad)
    }
}

/// [`SegmentationTverskyLoss`] in multiclass mode against integer class maps `(N, *spatial)`
/// (smp's multiclass targets): the labels become one-hot targets along axis 1; pixels labelled
/// `ignore_index` are left out of every class.
///
/// Reference call: `smp.losses.DiceLoss("multiclass", ...)(logits, labels)` and
/// `TverskyLoss("multiclass", ...)`: `SparseSegmentationTverskyLoss::new(loss)` with `loss` in
/// multiclass mode.
#[derive(Clone, Debug)]
pub struct SparseSegmentationTverskyLoss<F> {
    dense: SegmentationTverskyLoss<F>,
}

impl<F: Real> SparseSegmentationTverskyLoss<F> {
    /// The dense loss on the one-hot labels.
    pub fn new(dense: SegmentationTverskyLoss<F>) -> Self {
        SparseSegmentationTverskyLoss { dense }
    }

    /// The dense loss.
    pub fn dense(&self) -> &SegmentationTverskyLoss<F> {
        &self.dense
    }
}

impl<F: Real> Loss<F> for SparseSegmentationTverskyLoss<F> {
    type Label = i64;

    fn reducer(&self) -> Reducer {
        self.dense.reducer
    }

    fn unreduced(
        &self,
        input: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.dense.check_options()?;
        check_input(&input)?;
        let (dense, keep) = one_hot_channels(input.shape(), &labels, self.dense.ignore_index)?;
        self.dense
            .compute_dense(input, dense.view(), keep, sample_weight, want_grad)
    }
}
