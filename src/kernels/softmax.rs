//! The fused softmax cross-entropy kernel: one pass per row that yields the row's loss and
//! writes its gradient, already scaled, in place.
//!
//! ```text
//! m = max_c x_c,  e_c = exp(x_c − m),  s = Σ_c e_c,  log p_c = (x_c − m) − ln s
//! l = −Σ_c a_c·log p_c,   ∂l/∂x_j = (A/s)·e_j − a_j,   A = Σ_c a_c
//! ```
//! with the coefficients `a_c` of [`crate::losses::SmoothingForm`] (sparse labels) or of a
//! probability target (dense), evaluated on the fly. Rows of 16 or more classes run the SIMD
//! `max` and `Σ exp` along the row; narrower rows are processed 64 at a time, with `exp` and
//! `ln` vectorised across the block (the per-row overhead would dominate otherwise).

use super::vmath::{exp_inplace, exp_shift_sum, ln_inplace, max};
use super::{Scale, for_row_chunks};
use crate::Real;
use crate::losses::SmoothingForm;

/// Rows narrower than this are processed in blocks.
const NARROW: usize = 16;
/// Rows per block of the narrow-row path.
const BLOCK: usize = 64;

/// The targets of a batch of rows and how they form the coefficients `a_c`.
pub(crate) enum Targets<'a, F> {
    /// Integer labels: `a_c = α·[c = y] + β·u_c` (see [`SmoothingForm`]).
    Sparse {
        /// One label per row.
        labels: &'a [i64],
        /// Labels that mark a row as ignored (`ignore_index`, `ignore_class`).
        ignore: [Option<i64>; 2],
        /// Class weights `w` gathered by the label (`u = w` in the PyTorch smoothing form).
        class_weights: Option<&'a [F]>,
        /// Label smoothing ε.
        eps: F,
        /// How smoothing meets class weights.
        form: SmoothingForm,
    },
    /// Probability rows: `a_c = u_c·(y_c·(1 − ε) + ε/C)`, `u` the class weights or 1.
    Dense {
        /// The target rows, `rows·C` values.
        labels: &'a [F],
        /// Class weights `u`.
        class_weights: Option<&'a [F]>,
        /// Label smoothing ε.
        eps: F,
    },
}

impl<F: Real> Targets<'_, F> {
    /// Whether a sparse label is ignored.
    #[inline]
    pub(crate) fn ignored(ignore: &[Option<i64>; 2], y: i64) -> bool {
        Some(y) == ignore[0] || Some(y) == ignore[1]
    }
}

/// One batch: `rows × c` logits in row-major order, targets, optional per-row sample weights.
pub(crate) struct Batch<'a, F> {
    pub(crate) logits: &'a [F],
    pub(crate) classes: usize,
    pub(crate) targets: Targets<'a, F>,
    pub(crate) sample_weight: Option<&'a [F]>,
}

/// Per-row loss coefficients, fixed for the batch.
struct Consts<F> {
    spread: F,
    keep: F,
    /// `Σ_c u_c` for the sparse PyTorch form (else `C`).
    u_sum: F,
}

/// Runs the batch: returns `Σ_i ℓ_i` (with `ℓ_i` the sample-weighted row losses), writes `ℓ_i`
/// into `values` when given, and the gradient of `Σ ℓ` times the scale's factor into `grad`.
pub(crate) fn run<F: Real>(
    b: &Batch<'_, F>,
    scale: &Scale<F>,
    grad: Option<&mut [F]>,
    values: Option<&mut [F]>,
) -> f64 {
    let c = b.classes;
    let rows = b.logits.len() / c;
    let k = scale.grad_factor();
    let u_sum = match &b.targets {
        Targets::Sparse {
            class_weights: Some(w),
            form: SmoothingForm::PyTorch,
            ..
        } => w.iter().copied().sum(),
        _ => F::of(c as f64),
    };
    let eps = match &b.targets {
        Targets::Sparse { eps, .. } | Targets::Dense { eps, .. } => *eps,
    };
    let consts = Consts {
        spread: eps / F::of(c as f64),
        keep: F::one() - eps,
        u_sum,
    };
    let parts = for_row_chunks(rows, c, grad, values, 1, |range, g, v| {
        if c < NARROW {
            narrow_chunk(b, &consts, k, range, g, v)
        } else {
            wide_chunk(b, &consts, k, range, g, v)
        }
    });
    parts.into_iter().sum()
}

fn wide_chunk<F: Real>(
    b: &Batch<'_, F>,
    consts: &Consts<F>,
    k: F,
    range: std::ops::Range<usize>,
    mut grad: Option<&mut [F]>,
    mut values: Option<&mut [F]>,
) -> f64 {
    let c = b.classes;
    let mut total = 0.0;
    for (local, i) in range.enumerate() {
        let x = &b.logits[i * c..(i + 1) * c];
        let mut g = grad.as_deref_mut().map(|g| &mut g[local * c..(local + 1) * c]);
        if row_ignored(b, i) {
            if let Some(g) = g {
                g.fill(F::zero());
            }
            if let Some(v) = values.as_deref_mut() {
                v[local] = F::zero();
            }
            continue;
        }
        let m = max(x);
        let s = exp_shift_sum(x, m, g.as_deref_mut());
        let l = s.ln();
        let v = finish_row(b, consts, k, i, x, m, s, l, g);
        if let Some(vals) = values.as_deref_mut() {
            vals[local] = v;
        }
        total += v.f64();
    }
    total
}

fn narrow_chunk<F: Real>(
    b: &Batch<'_, F>,
    consts: &Consts<F>,
    k: F,
    range: std::ops::Range<usize>,
    mut grad: Option<&mut [F]>,
    mut values: Option<&mut [F]>,
) -> f64 {
    let c = b.classes;
    let mut total = 0.0;
    let mut scratch = if grad.is_none() {
        vec![F::zero(); BLOCK * c]
    } else {
        Vec::new()
    };
    let mut maxes = [F::zero(); BLOCK];
    let mut sums = [F::zero(); BLOCK];
    let mut logs = [F::zero(); BLOCK];
    let start = range.start;
    let has_grad = grad.is_some();
    let mut r0 = range.start;
    while r0 < range.end {
        let r1 = (r0 + BLOCK).min(range.end);
        let n = r1 - r0;
        let x = &b.logits[r0 * c..r1 * c];
        let e: &mut [F] = match grad.as_deref_mut() {
            Some(g) => &mut g[(r0 - start) * c..(r1 - start) * c],
            None => &mut scratch[..n * c],
        };
        for (r, (xr, er)) in x.chunks_exact(c).zip(e.chunks_exact_mut(c)).enumerate() {
            let m = xr
                .iter()
                .fold(F::neg_infinity(), |a, &v| if v > a { v } else { a });
            maxes[r] = m;
            for (o, &v) in er.iter_mut().zip(xr) {
                *o = v - m;
            }
        }
        exp_inplace(e);
        for (r, er) in e.chunks_exact(c).enumerate() {
            sums[r] = er.iter().fold(F::zero(), |a, &v| a + v);
        }
        logs[..n].copy_from_slice(&sums[..n]);
        ln_inplace(&mut logs[..n]);
        for r in 0..n {
            let i = r0 + r;
            let xr = &x[r * c..(r + 1) * c];
            let v = if row_ignored(b, i) {
                if has_grad {
                    e[r * c..(r + 1) * c].fill(F::zero());
                }
                F::zero()
            } else {
                let g = has_grad.then(|| &mut e[r * c..(r + 1) * c]);
                finish_row(b, consts, k, i, xr, maxes[r], sums[r], logs[r], g)
            };
            if let Some(vals) = values.as_deref_mut() {
                vals[i - start] = v;
            }
            total += v.f64();
        }
        r0 = r1;
    }
    total
}

#[inline]
fn row_ignored<F: Real>(b: &Batch<'_, F>, i: usize) -> bool {
    match &b.targets {
        Targets::Sparse { labels, ignore, .. } => Targets::<F>::ignored(ignore, labels[i]),
        Targets::Dense { .. } => false,
    }
}

/// The sample-weighted loss of row `i`, given `m`, `s = Σ e`, `l = ln s`; turns `e` (in `grad`)
/// into the row's gradient times `sample_weight·k`.
#[allow(clippy::too_many_arguments)]
#[inline]
fn finish_row<F: Real>(
    b: &Batch<'_, F>,
    consts: &Consts<F>,
    k: F,
    i: usize,
    x: &[F],
    m: F,
    s: F,
    l: F,
    grad: Option<&mut [F]>,
) -> F {
    let c = b.classes;
    let sw = b.sample_weight.map(|w| w[i]);
    let kr = match sw {
        Some(w) => w * k,
        None => k,
    };
    let lp = |j: usize| (x[j] - m) - l;
    let value = match &b.targets {
        Targets::Sparse {
            labels,
            class_weights,
            eps,
            form,
            ..
        } => {
            let y = labels[i] as usize;
            let g = class_weights.map_or(F::one(), |w| w[y]);
            let u = match form {
                SmoothingForm::PyTorch => *class_weights,
                SmoothingForm::KerasTf => None,
            };
            let (alpha, beta) = match u {
                Some(_) => (consts.keep * g, consts.spread),
                None => (consts.keep * g, g * consts.spread),
            };
            if *eps == F::zero() {
                // a = g·onehot(y): the single term keeps a −∞ logit elsewhere finite
                if let Some(gr) = grad {
                    let ca = g / s;
                    let gy = (ca * gr[y] - g) * kr;
                    let ck = ca * kr;
                    gr.iter_mut().for_each(|e| *e = *e * ck);
                    gr[y] = gy;
                }
                -(g * lp(y))
            } else {
                let su: F = match u {
                    Some(u) => (0..c).map(|j| u[j] * lp(j)).sum(),
                    None => (0..c).map(lp).sum(),
                };
                if let Some(gr) = grad {
                    let ca = (alpha + beta * consts.u_sum) / s;
                    let ey = gr[y];
                    match u {
                        Some(u) => gr
                            .iter_mut()
                            .zip(u.iter())
                            .for_each(|(e, &u)| *e = (ca * *e - beta * u) * kr),
                        None => gr.iter_mut().for_each(|e| *e = (ca * *e - beta) * kr),
                    }
                    let uy = u.map_or(F::one(), |u| u[y]);
                    gr[y] = (ca * ey - (alpha + beta * uy)) * kr;
                }
                -(alpha * lp(y) + beta * su)
            }
        }
        Targets::Dense {
            labels,
            class_weights,
            ..
        } => {
            let yr = &labels[i * c..(i + 1) * c];
            let coef = |j: usize| {
                let t = yr[j] * consts.keep + consts.spread;
                class_weights.map_or(t, |w| w[j] * t)
            };
            let mut dot = F::zero();
            let mut total_a = F::zero();
            for j in 0..c {
                let a = coef(j);
                dot = dot + a * lp(j);
                total_a = total_a + a;
            }
            if let Some(gr) = grad {
                let ca = total_a / s;
                gr.iter_mut()
                    .enumerate()
                    .for_each(|(j, e)| *e = (ca * *e - coef(j)) * kr);
            }
            -dot
        }
    };
    match sw {
        Some(w) => value * w,
        None => value,
    }
}
