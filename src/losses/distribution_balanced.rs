//! The distribution-balanced loss for long-tailed multi-label classification (DB, Wu et al.,
//! ECCV 2020, arXiv 2007.09654) as timm implements it.

use crate::Real;
use crate::check::check_finite_array;
use crate::error::{Result, ReweighError};
use crate::loss::{Loss, check_finite, check_nonempty, check_range, check_same_shape};
use crate::losses::weighting::apply_sample_weight;
use crate::math::{sigmoid, softplus};
use crate::reduction::{Reducer, Reduction, Unreduced};
use ndarray::{Array1, ArrayD, ArrayViewD, Axis};

/// Distribution-balanced loss from logits against dense (multi-hot or soft) targets of the same
/// shape, class axis last: a binary cross-entropy whose terms are re-balanced by the label
/// co-occurrence of each sample, with the logits shifted by a class prior and the negatives'
/// logits scaled (negative-tolerant regularisation), and an optional focal term.
///
/// ```text
/// n_c   = clamp(class count, 1, N − 1)          N = num_samples (the counts' training set size)
/// b_c   = −ln(N / n_c − 1)·κ / λ                prior shift (init_bias κ, neg_scale λ)
/// r_ic  = (1/n_c) / max(Σ_j y_ij/n_j, tiny)     tiny = float32's smallest normal (timm's clamp)
/// w_ic  = σ(β·(r_ic − μ)) + α                   re-balancing map (map_alpha α, map_beta β, map_mu μ),
///                                               from the targets as given (a constant for the gradient)
/// y'    = y·(1 − s) + s/2                       (label smoothing s)
/// z     = x + b
/// P     = softplus(−z)·[σ(−z)^γ·f],  Q = softplus(λz)/λ·[σ(λz)^γ·f]   (the brackets only with γ > 0; f = focal_balance)
/// l     = w·(y'·P + (1 − y')·Q)
/// ∂P/∂x = −σ(−z)·[…] − γ·softplus(−z)·σ(−z)^γ·σ(z)·f,  ∂Q/∂x = σ(λz)·[…] + γ·softplus(λz)·σ(λz)^γ·σ(−λz)·f
/// ```
/// The focal derivatives are written without `σ^(γ−1)`, and `softplus(−z)·σ(z)` is taken as its
/// limit 0 where `σ(z)` underflows, so they are finite at saturated (even infinite) logits for
/// every `γ ≥ 0`. Reductions as [`AsymmetricLoss`](crate::losses::AsymmetricLoss): timm's
/// `'mean'` (its default, [`Self::timm`]) is `sum_over_batch_size` over the elements,
/// `'batchmean'` the per-row sums ([`Self::sum_over_classes`]) with `sum_over_batch_size`.
///
/// Reference call: `timm.loss.DistributionBalancedLoss(class_counts, num_samples, map_alpha,
/// map_beta, map_mu, neg_scale, init_bias, focal_gamma, focal_balance, smoothing, reduction)(x, y)`
/// (timm 1.0.31, "numerically matching the DB configuration of the official reference for binary
/// targets"). timm computes in float32 (its buffers too); reweigh in the input's precision.
///
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::DistributionBalancedLoss};
/// // 4 labels over 1,000 training samples, the last one rare
/// let db = DistributionBalancedLoss::<f64>::timm(&[600.0, 300.0, 90.0, 4.0], 1000).unwrap();
/// let x = array![[2.0, -1.0, 0.5, -3.0]];
/// let y = array![[1.0, 0.0, 0.0, 1.0]];
/// let out = db.forward_backward(&x, &y).unwrap();
/// assert!(out.value.scalar().unwrap() > 0.0);
/// ```
#[derive(Clone, Debug)]
pub struct DistributionBalancedLoss<F> {
    /// The counts clamped to `[1, N − 1]`, and `N`.
    clamped: Vec<f64>,
    num_samples: f64,
    freq_inv: Array1<F>,
    logit_bias: Array1<F>,
    map_alpha: F,
    map_beta: F,
    map_mu: F,
    neg_scale: F,
    focal_gamma: F,
    focal_balance: F,
    label_smoothing: F,
    sum_classes: bool,
    reducer: Reducer,
}

/// timm's floor of the instance-level sampling probability (`torch.finfo(torch.float32).tiny`).
const TINY: f64 = f32::MIN_POSITIVE as f64;

impl<F: Real> DistributionBalancedLoss<F> {
    /// The loss of positive counts per class over `num_samples` training samples with timm's
    /// defaults (α = 0.1, β = 10, μ = 0.2, λ = 2, κ = 0.05, γ = 2, focal balance 2, no
    /// smoothing) and one loss per element (reduction `none`).
    ///
    /// Errors, as timm raises: empty counts, `num_samples < 2`, a count outside
    /// `[0, num_samples]` or not finite.
    pub fn new(class_counts: &[f64], num_samples: u64) -> Result<Self> {
        if class_counts.is_empty() {
            return Err(ReweighError::EmptyBatch {
                what: "class counts",
            });
        }
        if num_samples < 2 {
            return Err(ReweighError::InvalidParameter {
                name: "num_samples",
                value: num_samples as f64,
                expected: "> 1 (timm: class_counts must be in [0, num_samples] with num_samples > 1)",
            });
        }
        let n = num_samples as f64;
        for (i, &c) in class_counts.iter().enumerate() {
            if !(0.0..=n).contains(&c) {
                return Err(ReweighError::ValueOutOfRange {
                    what: "class counts",
                    index: i,
                    value: c,
                    expected: "[0, num_samples] (timm: class_counts must be in [0, num_samples])",
                });
            }
        }
        // classes never (or always) positive would give infinite frequency or prior terms
        let clamped: Vec<f64> = class_counts
            .iter()
            .map(|&c| c.clamp(1.0, n - 1.0))
            .collect();
        let mut loss = DistributionBalancedLoss {
            num_samples: n,
            freq_inv: clamped.iter().map(|&c| F::of(1.0 / c)).collect(),
            logit_bias: Array1::zeros(clamped.len()),
            map_alpha: F::of(0.1),
            map_beta: F::of(10.0),
            map_mu: F::of(0.2),
            neg_scale: F::of(2.0),
            focal_gamma: F::of(2.0),
            focal_balance: F::of(2.0),
            label_smoothing: F::zero(),
            sum_classes: false,
            reducer: Reduction::None.into(),
            clamped,
        };
        loss.set_prior(0.05);
        Ok(loss)
    }

    /// `timm.loss.DistributionBalancedLoss(class_counts, num_samples)` defaults: reduction
    /// `'mean'` over every element.
    pub fn timm(class_counts: &[f64], num_samples: u64) -> Result<Self> {
        Ok(Self::new(class_counts, num_samples)?.reduction(Reduction::SumOverBatchSize))
    }

    /// The prior shift `−ln(N/n_c − 1)·κ/λ` of the clamped counts (timm's `logit_bias`).
    fn set_prior(&mut self, init_bias: f64) {
        let (n, lambda) = (self.num_samples, self.neg_scale.f64());
        self.logit_bias = self
            .clamped
            .iter()
            .map(|&c| F::of(-(n / c - 1.0).ln() * init_bias / lambda))
            .collect();
    }

    /// The re-balancing map `σ(β·(r − μ)) + α` (timm's `map_alpha`, `map_beta`, `map_mu`).
    pub fn map(mut self, alpha: F, beta: F, mu: F) -> Self {
        (self.map_alpha, self.map_beta, self.map_mu) = (alpha, beta, mu);
        self
    }

    /// The negative-tolerant regularisation: the negatives' logit scale `λ > 0` and the prior
    /// shift factor `κ` (timm's `neg_scale` and `init_bias`; `λ = 1`, `κ = 0` disable them).
    pub fn negative_tolerance(mut self, neg_scale: F, init_bias: F) -> Self {
        self.neg_scale = neg_scale;
        self.set_prior(init_bias.f64());
        self
    }

    /// The focal term: `γ ≥ 0` (0 disables it and the balance) and its constant scale.
    pub fn focal(mut self, gamma: F, balance: F) -> Self {
        (self.focal_gamma, self.focal_balance) = (gamma, balance);
        self
    }

    /// Label smoothing `s ∈ [0, 1)` towards 1/2 (timm's `smoothing`).
    pub fn label_smoothing(mut self, s: F) -> Self {
        self.label_smoothing = s;
        self
    }

    /// Reduce the per-row sums over the class axis (timm's `'batchmean'`).
    pub fn sum_over_classes(mut self, yes: bool) -> Self {
        self.sum_classes = yes;
        self
    }

    /// The reduction.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    /// The prior shift `b_c`.
    pub fn logit_bias(&self) -> &Array1<F> {
        &self.logit_bias
    }

    /// The checks of the options alone.
    pub(crate) fn check_options(&self) -> Result<()> {
        for (name, v) in [
            ("map_alpha", self.map_alpha),
            ("map_beta", self.map_beta),
            ("map_mu", self.map_mu),
            ("focal_balance", self.focal_balance),
        ] {
            check_range(name, v.f64(), f64::MIN, f64::MAX, "finite")?;
        }
        let lambda = self.neg_scale.f64();
        if !(lambda.is_finite() && lambda > 0.0) {
            return Err(ReweighError::InvalidParameter {
                name: "neg_scale",
                value: lambda,
                expected: "finite and > 0 (timm asserts neg_scale > 0)",
            });
        }
        check_range(
            "focal_gamma",
            self.focal_gamma.f64(),
            0.0,
            f64::MAX,
            "finite and >= 0",
        )?;
        check_range(
            "label_smoothing",
            self.label_smoothing.f64(),
            0.0,
            1.0 - f64::EPSILON,
            "in [0, 1) (timm asserts 0 <= smoothing < 1)",
        )?;
        check_finite("logit_bias", self.logit_bias.iter())
    }
}

impl<F: Real> Loss<F> for DistributionBalancedLoss<F> {
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
        self.check_options()?;
        check_nonempty("logits", &logits)?;
        check_same_shape("targets", logits.shape(), targets.shape())?;
        check_finite_array("targets", &targets)?;
        let last = Axis(logits.ndim() - 1);
        check_same_shape(
            "class counts (one per class, the logits' last axis)",
            &[logits.len_of(last)],
            self.freq_inv.shape(),
        )?;
        let (one, zero) = (F::one(), F::zero());
        let (alpha, beta, mu) = (self.map_alpha, self.map_beta, self.map_mu);
        let (lambda, gamma, fb) = (self.neg_scale, self.focal_gamma, self.focal_balance);
        let s = self.label_smoothing;
        let tiny = F::of(TINY);
        let mut values = ArrayD::<F>::zeros(logits.raw_dim());
        let mut grad = want_grad.then(|| ArrayD::<F>::zeros(logits.raw_dim()));
        let mut grad_rows = grad.as_mut().map(|g| g.lanes_mut(last).into_iter());
        for ((x, y), mut v) in logits
            .lanes(last)
            .into_iter()
            .zip(targets.lanes(last))
            .zip(values.lanes_mut(last))
        {
            let repeat = y
                .iter()
                .zip(&self.freq_inv)
                .fold(zero, |acc, (&y, &f)| acc + y * f)
                .max(tiny);
            let mut g = grad_rows.as_mut().and_then(Iterator::next);
            for (c, (&x, &y)) in x.iter().zip(y.iter()).enumerate() {
                let w = sigmoid(beta * (self.freq_inv[c] / repeat - mu)) + alpha;
                let y = y * (one - s) + F::of(0.5) * s;
                let z = x + self.logit_bias[c];
                let (sp_neg, sp_pos) = (softplus(-z), softplus(lambda * z));
                let (s_nz, s_z) = (sigmoid(-z), sigmoid(z));
                let (s_lz, s_nlz) = (sigmoid(lambda * z), sigmoid(-(lambda * z)));
                let (p, q, dp, dq) = if gamma > zero {
                    let (fp, fq) = (s_nz.powf(gamma), s_lz.powf(gamma));
                    (
                        sp_neg * fp * fb,
                        sp_pos / lambda * fq * fb,
                        -(s_nz * fp + gamma * fp * vanishing(sp_neg, s_z)) * fb,
                        (s_lz * fq + gamma * fq * vanishing(sp_pos, s_nlz)) * fb,
                    )
                } else {
                    (sp_neg, sp_pos / lambda, -s_nz, s_lz)
                };
                v[c] = w * (y * p + (one - y) * q);
                if let Some(g) = g.as_mut() {
                    g[c] = w * (y * dp + (one - y) * dq);
                }
            }
        }
        drop(grad_rows);
        let values = if self.sum_classes {
            values.sum_axis(last)
        } else {
            values
        };
        apply_sample_weight(values, grad, sample_weight)
    }
}

/// `softplus(±z)·σ(∓z)`: 0 where the sigmoid underflows to 0 (its limit at a saturated logit,
/// where softplus grows linearly and the sigmoid decays exponentially), not IEEE's `∞·0`.
fn vanishing<F: Real>(softplus: F, sigmoid: F) -> F {
    if sigmoid == F::zero() {
        F::zero()
    } else {
        softplus * sigmoid
    }
}
