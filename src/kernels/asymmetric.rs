//! The fused multi-label asymmetric-loss kernel (timm's `AsymmetricLossMultiLabel`): loss and
//! scaled gradient of every element in one pass; the formulas are those of
//! [`AsymmetricLoss`](crate::losses::AsymmetricLoss), whose general path calls
//! [`Focus::element`] too.
//!
//! The f32 SIMD path evaluates 8 elements at once with the kernels' `exp`, `ln` and `log1p`
//! polynomials (`σ(±x)` and both softplus terms from one `exp(−|x|)`, as the sigmoid kernel does)
//! and the focusing factor `b^γ` as a product of squarings when `γ₊` and `γ₋` are whole numbers
//! of at most [`MAX_POWER`] and the 8 targets are 0 or 1 (timm's defaults, 4 and 1, with hard
//! labels): within a few ulp of `powf`. Soft targets (label smoothing) with focusing, or
//! fractional `γ`, take the scalar [`Focus::element`] (std's `powf`): `exp(γ·ln b)` in f32 would
//! lose `γ·|ln b|` ulp, beyond the golden cases' 2·10⁻⁶.

use super::vmath::simd_f32;
use super::{RowValues, as_f32, as_f32_mut, run_element_rows};
use crate::Real;
use crate::math::{sigmoid, softplus};

/// The largest whole `γ` the SIMD path raises to by squaring.
pub(crate) const MAX_POWER: u32 = 16;

/// The element-wise options of the asymmetric loss.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Focus<F> {
    pub(crate) gamma_neg: F,
    pub(crate) gamma_pos: F,
    pub(crate) margin: F,
    pub(crate) epsilon: F,
    pub(crate) detach: bool,
    pub(crate) label_smoothing: F,
}

impl<F: Real> Focus<F> {
    /// The element loss and its derivative with respect to the logit (the formulas of
    /// [`AsymmetricLoss`](crate::losses::AsymmetricLoss)).
    pub(crate) fn element(&self, x: F, y: F, pw: F, w: F) -> (F, F) {
        let (one, zero) = (F::one(), F::zero());
        let y = y * (one - self.label_smoothing) + F::of(0.5) * self.label_smoothing;
        let (p, q) = (sigmoid(x), sigmoid(-x));
        let eps = self.epsilon;
        // positive term: ln max(p, ε)
        let (lp, dlp) = if p >= eps {
            (-softplus(-x), q)
        } else {
            (eps.ln(), zero)
        };
        // negative term: ln max(q_m, ε), with q_m = min(q + m, 1)
        let m = self.margin;
        let shifted = m > zero;
        let passes = !shifted || q + m <= one; // the margin's clamp at 1 passes the gradient
        let q_m = if !shifted {
            q
        } else if passes {
            q + m
        } else {
            one
        };
        let one_minus_qm = if !shifted {
            p
        } else if passes {
            (p - m).max(zero)
        } else {
            zero
        };
        let dq_m = if passes { -(p * q) } else { zero };
        let (ln_, dln) = if q_m >= eps {
            let value = if shifted { q_m.ln() } else { -softplus(x) };
            let d = if shifted { dq_m / q_m } else { -p };
            (value, d)
        } else {
            (eps.ln(), zero)
        };
        let l = pw * y * lp + (one - y) * ln_;
        let dl = pw * y * dlp + (one - y) * dln;
        if !self.focusing() {
            return (-(w * l), -(w * dl));
        }
        let b = y * q + (one - y) * one_minus_qm;
        let gamma = self.gamma_pos * y + self.gamma_neg * (one - y);
        let focal = b.powf(gamma);
        let dfocal = if self.detach || gamma == zero {
            zero
        } else {
            let dpt = y * p * q + (one - y) * dq_m;
            if b > zero {
                -(gamma * focal * dpt / b)
            } else if dpt == zero {
                // b and ∂p_t both underflowed (a saturated logit): the limit of the product
                // b^(γ−1)·∂p_t is 0 (for a positive, ∂p_t / b = p), not autograd's ∞·0
                zero
            } else {
                -(gamma * b.powf(gamma - one) * dpt)
            }
        };
        (-(w * l * focal), -(w * (dl * focal + l * dfocal)))
    }

    /// Whether the loss is focused at all (`b^γ = 1` when `γ₊ = γ₋ = 0`).
    pub(crate) fn focusing(&self) -> bool {
        self.gamma_neg != F::zero() || self.gamma_pos != F::zero()
    }

    /// `(γ₊, γ₋)` as whole numbers the SIMD path raises to, when they are.
    fn whole_powers(&self) -> Option<(u32, u32)> {
        let whole = |g: F| {
            let g = g.f64();
            (g.fract() == 0.0 && g <= MAX_POWER as f64).then_some(g as u32)
        };
        Some((whole(self.gamma_pos)?, whole(self.gamma_neg)?))
    }
}

/// One batch of `rows × C` logits and targets (row-major) with per-class factors.
pub(crate) struct Batch<'a, F> {
    pub(crate) logits: &'a [F],
    pub(crate) targets: &'a [F],
    /// `pos_weight` per class (length C).
    pub(crate) pos_weight: &'a [F],
    /// Class weights (length C).
    pub(crate) weight: &'a [F],
    /// Per-row sample weights.
    pub(crate) row_weight: Option<&'a [F]>,
    pub(crate) focus: Focus<F>,
    /// Values per row (the sums over the class axis) instead of per element.
    pub(crate) sum_classes: bool,
}

/// Runs the batch: returns `Σ ℓ` and writes `ℓ` into `values` (per element, or per row with
/// `sum_classes`) and `k·∂Σℓ/∂x` into `grad`, when given.
pub(crate) fn run<F: Real>(
    b: &Batch<'_, F>,
    k: F,
    grad: Option<&mut [F]>,
    values: Option<&mut [F]>,
) -> f64 {
    let c = b.weight.len();
    let mode = if b.sum_classes {
        RowValues::PerRow { divisor: F::one() }
    } else {
        RowValues::PerElement
    };
    run_element_rows(
        b.logits.len() / c,
        c,
        b.row_weight,
        k,
        mode,
        grad,
        values,
        |i, kr, g, v| row(b, i, c, kr, g, v),
        |i, r| {
            (i * c..(i + 1) * c)
                .map(|e| {
                    let (x, y) = (b.logits[e], b.targets[e]);
                    let j = e - i * c;
                    let (l, _) = b.focus.element(x, y, b.pos_weight[j], b.weight[j]);
                    (l * r).f64()
                })
                .sum()
        },
    )
}

/// `Σ_j l_ij` of row `i`; writes `kr·∂l_ij/∂x_ij` into `grad` and `l_ij` into `vals` when given.
#[inline]
fn row<F: Real>(
    b: &Batch<'_, F>,
    i: usize,
    c: usize,
    kr: F,
    grad: Option<&mut [F]>,
    vals: Option<&mut [F]>,
) -> F {
    let x = &b.logits[i * c..(i + 1) * c];
    let y = &b.targets[i * c..(i + 1) * c];
    let f = &b.focus;
    #[cfg(target_arch = "x86_64")]
    if simd_f32()
        && let Some(powers) = if f.focusing() {
            f.whole_powers()
        } else {
            Some((0, 0))
        }
        && let (Some(x), Some(y), Some(q), Some(v)) =
            (as_f32(x), as_f32(y), as_f32(b.pos_weight), as_f32(b.weight))
    {
        let g = grad.map(|g| as_f32_mut(g).expect("f32"));
        let vals = vals.map(|v| as_f32_mut(v).expect("f32"));
        let p = avx2::Params {
            focus: Focus {
                gamma_neg: f.gamma_neg.f64() as f32,
                gamma_pos: f.gamma_pos.f64() as f32,
                margin: f.margin.f64() as f32,
                epsilon: f.epsilon.f64() as f32,
                detach: f.detach,
                label_smoothing: f.label_smoothing.f64() as f32,
            },
            ln_eps: f.epsilon.ln().f64() as f32,
            powers,
            kr: kr.f64() as f32,
        };
        // SAFETY: AVX2 and FMA were detected.
        return F::of(unsafe { avx2::row(x, y, q, v, &p, g, vals) } as f64);
    }
    let mut total = F::zero();
    let (mut grad, mut vals) = (grad, vals);
    for j in 0..c {
        let (l, d) = f.element(x[j], y[j], b.pos_weight[j], b.weight[j]);
        if let Some(g) = grad.as_deref_mut() {
            g[j] = d * kr;
        }
        if let Some(out) = vals.as_deref_mut() {
            out[j] = l;
        }
        total = total + l;
    }
    total
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::Focus;
    use crate::kernels::vmath::avx2::{exp, hsum, ln, load_partial, log1p_unit, store_partial};
    use std::arch::x86_64::*;

    pub(super) struct Params {
        pub(super) focus: Focus<f32>,
        pub(super) ln_eps: f32,
        /// `(γ₊, γ₋)` as whole numbers (unused without focusing).
        pub(super) powers: (u32, u32),
        pub(super) kr: f32,
    }

    /// `b^n` by squaring (`b^0 = 1`, also for NaN, as `powf`).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn powi(b: __m256, n: u32) -> __m256 {
        let (mut r, mut base, mut n) = (_mm256_set1_ps(1.0), b, n);
        while n > 0 {
            if n & 1 == 1 {
                r = _mm256_mul_ps(r, base);
            }
            n >>= 1;
            if n > 0 {
                base = _mm256_mul_ps(base, base);
            }
        }
        r
    }

    /// `a` where `mask`, else `b`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn select(mask: __m256, a: __m256, b: __m256) -> __m256 {
        _mm256_blendv_ps(b, a, mask)
    }

    /// Loss and gradient (times `kr`) of 8 elements, `None` when the scalar element must take
    /// them (focusing with targets other than 0 and 1).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn lanes(
        x: __m256,
        y: __m256,
        pw: __m256,
        w: __m256,
        p: &Params,
        want_grad: bool,
    ) -> Option<(__m256, __m256)> {
        let f = &p.focus;
        let set = _mm256_set1_ps;
        let (one, zero, sign) = (set(1.0), _mm256_setzero_ps(), set(-0.0));
        let y = _mm256_fmadd_ps(
            y,
            set(1.0 - f.label_smoothing),
            set(0.5 * f.label_smoothing),
        );
        let focusing = f.gamma_neg != 0.0 || f.gamma_pos != 0.0;
        let is_pos = _mm256_cmp_ps::<_CMP_EQ_OQ>(y, one);
        if focusing {
            let hard = _mm256_or_ps(is_pos, _mm256_cmp_ps::<_CMP_EQ_OQ>(y, zero));
            if _mm256_movemask_ps(hard) != 0xff {
                return None;
            }
        }
        let e = exp(_mm256_or_ps(x, sign)); // exp(−|x|)
        let l1p = log1p_unit(e);
        let sp_x = _mm256_add_ps(_mm256_max_ps(zero, x), l1p); // softplus(x)
        let sp_nx = _mm256_add_ps(_mm256_max_ps(zero, _mm256_xor_ps(x, sign)), l1p); // softplus(−x)
        let rcp = _mm256_div_ps(one, _mm256_add_ps(one, e));
        let er = _mm256_mul_ps(e, rcp);
        let sig = select(_mm256_cmp_ps::<_CMP_GE_OQ>(x, zero), rcp, er); // σ(x)
        let sig_n = select(_mm256_cmp_ps::<_CMP_LE_OQ>(x, zero), rcp, er); // σ(−x)
        let (eps, ln_eps) = (set(f.epsilon), set(p.ln_eps));
        // positive term: ln max(p, ε)
        let pos_ok = _mm256_cmp_ps::<_CMP_GE_OQ>(sig, eps);
        let lp = select(pos_ok, _mm256_xor_ps(sp_nx, sign), ln_eps);
        let dlp = _mm256_and_ps(pos_ok, sig_n);
        // negative term: ln max(q_m, ε), q_m = min(q + m, 1)
        let pq = _mm256_mul_ps(sig, sig_n);
        let (omq, dq_m, ln_, dln) = if f.margin > 0.0 {
            let m = set(f.margin);
            let raw = _mm256_add_ps(sig_n, m);
            let passes = _mm256_cmp_ps::<_CMP_LE_OQ>(raw, one);
            let q_m = select(passes, raw, one);
            // max(p − m, 0) with NaN → 0, as f32::max
            let omq = _mm256_and_ps(passes, _mm256_max_ps(_mm256_sub_ps(sig, m), zero));
            let dq_m = _mm256_and_ps(passes, _mm256_xor_ps(pq, sign));
            let neg_ok = _mm256_cmp_ps::<_CMP_GE_OQ>(q_m, eps);
            let ln_ = select(neg_ok, ln(q_m), ln_eps);
            let dln = _mm256_and_ps(neg_ok, _mm256_div_ps(dq_m, q_m));
            (omq, dq_m, ln_, dln)
        } else {
            let neg_ok = _mm256_cmp_ps::<_CMP_GE_OQ>(sig_n, eps);
            let ln_ = select(neg_ok, _mm256_xor_ps(sp_x, sign), ln_eps);
            let dln = _mm256_and_ps(neg_ok, _mm256_xor_ps(sig, sign));
            (sig, _mm256_xor_ps(pq, sign), ln_, dln)
        };
        let ny = _mm256_sub_ps(one, y);
        let pwy = _mm256_mul_ps(pw, y);
        let l = _mm256_fmadd_ps(pwy, lp, _mm256_mul_ps(ny, ln_));
        let dl = _mm256_fmadd_ps(pwy, dlp, _mm256_mul_ps(ny, dln));
        let kr = set(p.kr);
        if !focusing {
            let loss = _mm256_xor_ps(_mm256_mul_ps(w, l), sign);
            let g = _mm256_xor_ps(_mm256_mul_ps(w, dl), sign);
            return Some((loss, _mm256_mul_ps(g, kr)));
        }
        // the targets are 0 or 1: b and γ are the positive's or the negative's
        // b = y·q + (1 − y)·(1 − q_m) as the scalar element forms it (a NaN logit stays NaN)
        let b = _mm256_fmadd_ps(y, sig_n, _mm256_mul_ps(ny, omq));
        let (gp, gn) = p.powers;
        let focal = select(is_pos, powi(b, gp), powi(b, gn));
        let wl = _mm256_mul_ps(w, l);
        let loss = _mm256_xor_ps(_mm256_mul_ps(wl, focal), sign);
        if !want_grad {
            return Some((loss, zero));
        }
        let dfocal = if f.detach {
            zero
        } else {
            let gamma = select(is_pos, set(f.gamma_pos), set(f.gamma_neg));
            let dpt = _mm256_fmadd_ps(y, pq, _mm256_mul_ps(ny, dq_m));
            // b > 0: −γ·b^γ·∂p_t / b
            let by_b = _mm256_div_ps(_mm256_mul_ps(_mm256_mul_ps(gamma, focal), dpt), b);
            // b = 0 (or NaN) with ∂p_t ≠ 0: −γ·b^(γ−1)·∂p_t; with ∂p_t = 0 the limit 0
            let below = select(
                is_pos,
                powi(b, gp.saturating_sub(1)),
                powi(b, gn.saturating_sub(1)),
            );
            let at_zero = _mm256_andnot_ps(
                _mm256_cmp_ps::<_CMP_EQ_OQ>(dpt, zero),
                _mm256_mul_ps(_mm256_mul_ps(gamma, below), dpt),
            );
            let d = select(_mm256_cmp_ps::<_CMP_GT_OQ>(b, zero), by_b, at_zero);
            // γ = 0: no focusing gradient
            _mm256_andnot_ps(
                _mm256_cmp_ps::<_CMP_EQ_OQ>(gamma, zero),
                _mm256_xor_ps(d, sign),
            )
        };
        let inner = _mm256_fmadd_ps(dl, focal, _mm256_mul_ps(l, dfocal));
        let g = _mm256_xor_ps(_mm256_mul_ps(w, inner), sign);
        Some((loss, _mm256_mul_ps(g, kr)))
    }

    /// Lanes that [`lanes`] leaves to the scalar element.
    fn scalar_lanes(
        x: &[f32],
        y: &[f32],
        pw: &[f32],
        w: &[f32],
        p: &Params,
    ) -> ([f32; 8], [f32; 8]) {
        let (mut l, mut g) = ([0.0_f32; 8], [0.0_f32; 8]);
        for j in 0..x.len() {
            let (lj, dj) = p.focus.element(x[j], y[j], pw[j], w[j]);
            (l[j], g[j]) = (lj, dj * p.kr);
        }
        (l, g)
    }

    /// One row: `Σ l`, gradient (times `kr`) and per-element losses when asked for.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn row(
        x: &[f32],
        y: &[f32],
        pw: &[f32],
        w: &[f32],
        p: &Params,
        mut grad: Option<&mut [f32]>,
        mut vals: Option<&mut [f32]>,
    ) -> f32 {
        let n = x.len();
        let want_grad = grad.is_some();
        let mut acc = _mm256_setzero_ps();
        let mut i = 0;
        while i < n {
            // the next row's logits and targets (rows are contiguous), fetched while these
            // lanes compute
            for s in [x.as_ptr(), y.as_ptr()] {
                _mm_prefetch::<_MM_HINT_T0>(s.wrapping_add(n + i).cast());
            }
            let len = (n - i).min(8);
            let r = i..i + len;
            let (xv, yv, pwv, wv) = if len == 8 {
                // SAFETY: i + 8 ≤ n for every slice (all have the row's length).
                unsafe {
                    (
                        _mm256_loadu_ps(x.as_ptr().add(i)),
                        _mm256_loadu_ps(y.as_ptr().add(i)),
                        _mm256_loadu_ps(pw.as_ptr().add(i)),
                        _mm256_loadu_ps(w.as_ptr().add(i)),
                    )
                }
            } else {
                (
                    load_partial(&x[r.clone()], 0.0),
                    load_partial(&y[r.clone()], 0.0),
                    load_partial(&pw[r.clone()], 0.0),
                    load_partial(&w[r.clone()], 0.0),
                )
            };
            let (l, g) = lanes(xv, yv, pwv, wv, p, want_grad).unwrap_or_else(|| {
                let (l, g) = scalar_lanes(
                    &x[r.clone()],
                    &y[r.clone()],
                    &pw[r.clone()],
                    &w[r.clone()],
                    p,
                );
                // SAFETY: l and g hold 8 floats.
                unsafe { (_mm256_loadu_ps(l.as_ptr()), _mm256_loadu_ps(g.as_ptr())) }
            });
            acc = _mm256_add_ps(acc, l);
            if len == 8 {
                // SAFETY: as above.
                unsafe {
                    if let Some(gr) = grad.as_deref_mut() {
                        _mm256_storeu_ps(gr.as_mut_ptr().add(i), g);
                    }
                    if let Some(out) = vals.as_deref_mut() {
                        _mm256_storeu_ps(out.as_mut_ptr().add(i), l);
                    }
                }
            } else {
                if let Some(gr) = grad.as_deref_mut() {
                    store_partial(&mut gr[r.clone()], g);
                }
                if let Some(out) = vals.as_deref_mut() {
                    store_partial(&mut out[r], l);
                }
            }
            i += len;
        }
        hsum(acc)
    }
}
