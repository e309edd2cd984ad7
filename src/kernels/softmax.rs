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

use super::vmath::{exp_nonpos_inplace, exp_shift_sum, ln_inplace, max};
use super::{NARROW, Scale, for_row_chunks};
use crate::Real;
use crate::loss::GradOut;
use crate::losses::SmoothingForm;
use crate::output::LossOutput;
use crate::reduction::{Reducer, Totals};

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

/// Whether a sparse label is one of the ignored labels (`ignore_index`, `ignore_class`).
#[inline]
pub(crate) fn is_ignored(ignore: &[Option<i64>; 2], y: i64) -> bool {
    Some(y) == ignore[0] || Some(y) == ignore[1]
}

/// One batch: `rows × c` logits in row-major order, targets, optional per-row sample weights.
pub(crate) struct Batch<'a, F> {
    pub(crate) logits: &'a [F],
    pub(crate) classes: usize,
    pub(crate) targets: Targets<'a, F>,
    pub(crate) sample_weight: Option<&'a [F]>,
    /// A per-class bias `o` (`c` values): the kernel computes on `z_ic = x_ic + o_c`, each sum
    /// rounded to `F` as the shifted array `x + o` would hold it, read on the fly (the
    /// logit-adjusted loss and Balanced Softmax).
    pub(crate) bias: Option<&'a [F]>,
    /// A factor on the whole gradient, `∂z/∂x` of a loss that runs the kernel on `z = s·x`
    /// (LDAM's scale; 1 otherwise): folded into the reduction's factor, so the gradient is
    /// written once.
    pub(crate) grad_scale: F,
}

/// Per-row loss coefficients, fixed for the batch.
struct Consts<F> {
    spread: F,
    keep: F,
    /// `Σ_c u_c` for the sparse PyTorch form (else `C`).
    u_sum: F,
}

/// The loss output of a batch of logits of `shape` for `reducer`, the denominator from `totals`
/// and the gradient where `grad` says, or `None` for the general path ([`super::fused_output`]).
pub(crate) fn output<F: Real>(
    b: &Batch<'_, F>,
    reducer: Reducer,
    totals: &Totals,
    shape: &[usize],
    grad: GradOut<'_, '_, F>,
) -> Option<LossOutput<F>> {
    let row_shape = &shape[..shape.len() - 1];
    super::fused_output(reducer, totals, shape, row_shape, grad, |s, g, v| {
        run(b, s, g, v)
    })
}

/// Runs the batch: returns `Σ_i ℓ_i` (with `ℓ_i` the sample-weighted row losses), writes `ℓ_i`
/// into `values` when given, and the gradient of `Σ ℓ` times the scale's factor into `grad`.
pub(crate) fn run<F: Real>(
    b: &Batch<'_, F>,
    scale: &Scale,
    grad: Option<&mut [F]>,
    values: Option<&mut [F]>,
) -> f64 {
    let c = b.classes;
    let rows = b.logits.len() / c;
    let k: F = scale.grad_factor::<F>() * b.grad_scale;
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
    let parts = for_row_chunks(rows, c, grad, values, 1, |range, mut g, mut v| {
        if c < NARROW {
            #[cfg(target_arch = "x86_64")]
            if let Some(total) = avx2::try_sparse_narrow(
                b,
                &consts,
                k,
                range.clone(),
                g.as_deref_mut(),
                v.as_deref_mut(),
            ) {
                return total;
            }
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
        let mut g = grad
            .as_deref_mut()
            .map(|g| &mut g[local * c..(local + 1) * c]);
        if row_ignored(b, i) {
            if let Some(g) = g {
                g.fill(F::zero());
            }
            if let Some(v) = values.as_deref_mut() {
                v[local] = F::zero();
            }
            continue;
        }
        let m = max(x, b.bias);
        let s = exp_shift_sum(x, b.bias, m, g.as_deref_mut());
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
            // z = x + o (the bias's sums written first, then shifted by the row maximum)
            match b.bias {
                Some(o) => er
                    .iter_mut()
                    .zip(xr.iter().zip(o))
                    .for_each(|(e, (&v, &o))| *e = v + o),
                None => er.copy_from_slice(xr),
            }
            let m = er
                .iter()
                .fold(F::neg_infinity(), |a, &v| if v > a { v } else { a });
            maxes[r] = m;
            er.iter_mut().for_each(|e| *e = *e - m);
        }
        exp_nonpos_inplace(e);
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
        Targets::Sparse { labels, ignore, .. } => is_ignored(ignore, labels[i]),
        Targets::Dense { .. } => false,
    }
}

/// The sample-weighted loss of row `i`, given `m`, `s = Σ e`, `l = ln s`; turns `e` (in `grad`)
/// into the row's gradient times `sample_weight·k`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
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
    let lp = |j: usize| match b.bias {
        Some(o) => ((x[j] + o[j]) - m) - l,
        None => (x[j] - m) - l,
    };
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
                // a = g·onehot(y): the single term keeps a −∞ logit elsewhere finite. The
                // gradient (e/s − onehot)·f with f = g·sample_weight·k: class weights and the
                // same weights given as sample weights give identical numbers.
                if let Some(gr) = grad {
                    let f = match sw {
                        Some(w) => g * w * k,
                        None => g * k,
                    };
                    let gy = (gr[y] / s - F::one()) * f;
                    let c = f / s;
                    gr.iter_mut().for_each(|e| *e = *e * c);
                    gr[y] = gy;
                }
                -(g * lp(y))
            } else {
                // −Σ_c a_c·log p_c with the coefficients of the general path
                // (`sparse_coefficients`), each term scaled before the sum, in the same order:
                // a −∞ logit on the label with ε = 1 is +∞ (not 0·∞), and near-overflow logits
                // do not overflow the sum of the log-probabilities (issue 11 #19)
                let a_off = |j: usize| match u {
                    Some(u) => consts.spread * u[j],
                    None => g * consts.spread,
                };
                let a_y = match u {
                    Some(u) => consts.spread * u[y] + consts.keep * g,
                    None => g * (consts.keep + consts.spread),
                };
                let mut dot = F::zero();
                for j in 0..y {
                    dot = dot + a_off(j) * lp(j);
                }
                dot = dot + a_y * lp(y);
                for j in y + 1..c {
                    dot = dot + a_off(j) * lp(j);
                }
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
                -dot
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

#[cfg(target_arch = "x86_64")]
mod avx2 {
    //! Narrow rows with integer labels and no smoothing, 8 rows per step in f32: the row
    //! maximum, `Σ exp` and `ln` run across the 8 rows (one vector per class, assembled from
    //! scalar loads, which measured faster than AVX2 gathers here), the gradient along the
    //! block's memory with the per-row factors permuted into place.
    use super::{Batch, Consts, NARROW, Targets, is_ignored, narrow_chunk};
    use crate::Real;
    use crate::kernels::vmath::avx2::{exp_nonpos as exp, exp_nonpos_unflushed, ln};
    use crate::kernels::vmath::simd_f32;
    use crate::kernels::{as_f32, as_f32_mut};
    use std::arch::x86_64::*;
    use std::ops::Range;

    /// Runs the chunk when the fast narrow kernel applies (f32, AVX2, sparse labels, ε = 0),
    /// else returns `None` having touched nothing.
    pub(super) fn try_sparse_narrow<F: Real>(
        b: &Batch<'_, F>,
        consts: &Consts<F>,
        k: F,
        range: Range<usize>,
        mut grad: Option<&mut [F]>,
        mut values: Option<&mut [F]>,
    ) -> Option<f64> {
        let Targets::Sparse {
            labels,
            ignore,
            class_weights,
            eps,
            ..
        } = &b.targets
        else {
            return None;
        };
        if *eps != F::zero() || !simd_f32() {
            return None;
        }
        let x = as_f32(b.logits)?;
        let c = b.classes;
        let rows8 = (range.end - range.start) / 8 * 8;
        let mid = range.start + rows8;
        let total = {
            let job = Job {
                x,
                c,
                labels,
                ignore: *ignore,
                w: class_weights.map(|w| as_f32(w).expect("f32")),
                sw: b.sample_weight.map(|w| as_f32(w).expect("f32")),
                o: b.bias.map(|o| as_f32(o).expect("f32")),
                k: k.f64() as f32,
            };
            let g = grad
                .as_deref_mut()
                .map(|g| as_f32_mut(&mut g[..rows8 * c]).expect("f32"));
            let v = values
                .as_deref_mut()
                .map(|v| as_f32_mut(&mut v[..rows8]).expect("f32"));
            // SAFETY: AVX2 and FMA were detected.
            unsafe { job.run(range.start..mid, g, v) }
        };
        let tail = if mid < range.end {
            let g = grad.map(|g| &mut g[rows8 * c..]);
            let v = values.map(|v| &mut v[rows8..]);
            narrow_chunk(b, consts, k, mid..range.end, g, v)
        } else {
            0.0
        };
        Some(total + tail)
    }

    struct Job<'a> {
        x: &'a [f32],
        c: usize,
        labels: &'a [i64],
        ignore: [Option<i64>; 2],
        w: Option<&'a [f32]>,
        sw: Option<&'a [f32]>,
        /// The per-class bias: rows are `z = x + o`.
        o: Option<&'a [f32]>,
        k: f32,
    }

    impl Job<'_> {
        /// Rows `range` (a multiple of 8 of them); `grad` and `values` start at `range.start`.
        #[target_feature(enable = "avx2,fma")]
        fn run(
            &self,
            range: Range<usize>,
            mut grad: Option<&mut [f32]>,
            mut values: Option<&mut [f32]>,
        ) -> f64 {
            let c = self.c;
            debug_assert!(c < NARROW);
            let lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
            // which of the 8 rows each element of the q-th vector of a block belongs to
            let mut owner = [_mm256_setzero_si256(); NARROW];
            for (q, o) in owner.iter_mut().enumerate().take(c) {
                let pos = _mm256_add_epi32(lane, _mm256_set1_epi32(8 * q as i32));
                let mut rows = [0_i32; 8];
                // SAFETY: rows holds 8 i32.
                unsafe { _mm256_storeu_si256(rows.as_mut_ptr().cast(), pos) };
                rows.iter_mut().for_each(|r| *r /= c as i32);
                // SAFETY: as above.
                *o = unsafe { _mm256_loadu_si256(rows.as_ptr().cast()) };
            }
            // the bias of each element of the q-th vector of a block (its class is its
            // position mod c)
            let mut obias = [_mm256_setzero_ps(); NARROW];
            if let Some(o) = self.o {
                for (q, ob) in obias.iter_mut().enumerate().take(c) {
                    let at = |l: usize| o[(8 * q + l) % c];
                    *ob = _mm256_setr_ps(at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7));
                }
            }
            let mut total = _mm256_setzero_pd();
            let mut cols = [_mm256_setzero_ps(); NARROW];
            let zero = _mm256_setzero_ps();
            for r0 in range.clone().step_by(8) {
                let xb = &self.x[r0 * c..(r0 + 8) * c];
                // row maxima and Σ exp across the 8 rows
                let mut m = _mm256_set1_ps(f32::NEG_INFINITY);
                for (j, col) in cols.iter_mut().enumerate().take(c) {
                    let at = |r: usize| xb[r * c + j];
                    *col = _mm256_setr_ps(at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7));
                    if let Some(o) = self.o {
                        *col = _mm256_add_ps(*col, _mm256_set1_ps(o[j]));
                    }
                    m = _mm256_max_ps(m, *col);
                }
                let mut s = zero;
                for col in cols.iter().take(c) {
                    s = _mm256_add_ps(s, exp_nonpos_unflushed(_mm256_sub_ps(*col, m)));
                }
                let l = ln(s);
                // labels, gathered weights, liveness
                let mut y = [0_i32; 8];
                let mut live = [0_i32; 8];
                let mut g = [0.0_f32; 8];
                let mut xya = [0.0_f32; 8];
                for r in 0..8 {
                    let label = self.labels[r0 + r];
                    if !is_ignored(&self.ignore, label) {
                        y[r] = label as i32;
                        live[r] = -1;
                        g[r] = self.w.map_or(1.0, |w| w[label as usize]);
                        let j = label as usize;
                        xya[r] = match self.o {
                            Some(o) => xb[r * c + j] + o[j],
                            None => xb[r * c + j],
                        };
                    }
                }
                // SAFETY: the arrays hold 8 lanes.
                let (livem, gv, xy) = unsafe {
                    (
                        _mm256_castsi256_ps(_mm256_loadu_si256(live.as_ptr().cast())),
                        _mm256_loadu_ps(g.as_ptr()),
                        _mm256_loadu_ps(xya.as_ptr()),
                    )
                };
                let shifted = _mm256_sub_ps(xy, m);
                let lpy = _mm256_sub_ps(shifted, l);
                let mut val = _mm256_xor_ps(_mm256_mul_ps(gv, lpy), _mm256_set1_ps(-0.0));
                val = _mm256_blendv_ps(zero, val, livem);
                // SAFETY: r0 + 8 ≤ number of rows.
                let swv = self
                    .sw
                    .map(|w| unsafe { _mm256_loadu_ps(w.as_ptr().add(r0)) });
                if let Some(swv) = swv {
                    val = _mm256_mul_ps(val, swv);
                }
                let local = r0 - range.start;
                if let Some(v) = values.as_deref_mut() {
                    // SAFETY: local + 8 ≤ v.len().
                    unsafe { _mm256_storeu_ps(v.as_mut_ptr().add(local), val) };
                }
                total = _mm256_add_pd(total, _mm256_cvtps_pd(_mm256_castps256_ps128(val)));
                total = _mm256_add_pd(total, _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(val)));
                let Some(gr) = grad.as_deref_mut() else {
                    continue;
                };
                let gb = &mut gr[local * c..(local + 8) * c];
                // as the generic path: f = g·sample_weight·k, gradient (e/s − onehot)·f
                let gw = match swv {
                    Some(swv) => _mm256_mul_ps(gv, swv),
                    None => gv,
                };
                let f = _mm256_mul_ps(gw, _mm256_set1_ps(self.k));
                let ck = _mm256_div_ps(f, s);
                for (q, o) in owner.iter().enumerate().take(c) {
                    // SAFETY: 8q + 8 ≤ 8c = xb.len() = gb.len().
                    let mut xv = unsafe { _mm256_loadu_ps(xb.as_ptr().add(8 * q)) };
                    if self.o.is_some() {
                        xv = _mm256_add_ps(xv, obias[q]);
                    }
                    let me = _mm256_permutevar8x32_ps(m, *o);
                    let cke = _mm256_permutevar8x32_ps(ck, *o);
                    let livee = _mm256_permutevar8x32_ps(livem, *o);
                    let e = exp(_mm256_sub_ps(xv, me));
                    let out = _mm256_blendv_ps(zero, _mm256_mul_ps(e, cke), livee);
                    // SAFETY: as above.
                    unsafe { _mm256_storeu_ps(gb.as_mut_ptr().add(8 * q), out) };
                }
                // the label's element: (e_y/s − 1)·f
                let ey = _mm256_div_ps(exp(shifted), s);
                let gy = _mm256_mul_ps(_mm256_sub_ps(ey, _mm256_set1_ps(1.0)), f);
                let mut gya = [0.0_f32; 8];
                // SAFETY: gya holds 8 floats.
                unsafe { _mm256_storeu_ps(gya.as_mut_ptr(), gy) };
                for r in 0..8 {
                    if live[r] != 0 {
                        gb[r * c + y[r] as usize] = gya[r];
                    }
                }
            }
            let lo = _mm256_castpd256_pd128(total);
            let hi = _mm256_extractf128_pd::<1>(total);
            let s2 = _mm_add_pd(lo, hi);
            _mm_cvtsd_f64(_mm_add_sd(s2, _mm_unpackhi_pd(s2, s2)))
        }
    }
}
