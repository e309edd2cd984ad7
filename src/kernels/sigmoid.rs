//! The fused sigmoid cross-entropy kernel: loss and scaled gradient of every element in one pass.
//!
//! ```text
//! z' = z·(1 − ε) + ε/2,  e = exp(−|x|),  L = ln(1 + e) = log1p(e)
//! softplus(x) = max(x, 0) + L,   softplus(−x) = max(−x, 0) + L
//! l = v·[q·z'·softplus(−x) + (1 − z')·softplus(x)]
//! ∂l/∂x = v·[(1 − z')·σ(x) − q·z'·σ(−x)],  σ(x) = 1/(1 + e) if x ≥ 0 else e/(1 + e)
//! ```
//! the forms of [`crate::math::softplus`] and [`crate::math::sigmoid`], so infinities and NaN
//! behave as in the general path. The f32 SIMD path evaluates `log1p(e)`, `e ∈ [0, 1]`, as
//! `e·P(e)` with a degree-9 polynomial (relative error below 2·10⁻⁷, see `log1p_unit`).

use super::vmath::simd_f32;
use super::{RowValues, run_element_rows};
use super::{as_f32, as_f32_mut};
use crate::Real;
use crate::math::{sigmoid, softplus};

/// One batch of `rows × C` logits and labels (row-major) with per-class and per-row factors.
pub(crate) struct Batch<'a, F> {
    pub(crate) logits: &'a [F],
    pub(crate) labels: &'a [F],
    /// `pos_weight` per class (length C).
    pub(crate) pos_weight: &'a [F],
    /// Element weight per class (length C), sample weights that vary along the class axis
    /// already multiplied in.
    pub(crate) weight: &'a [F],
    /// Per-row sample weights.
    pub(crate) row_weight: Option<&'a [F]>,
    /// Label smoothing ε.
    pub(crate) eps: F,
    /// Keras: average over the class axis before the row weights.
    pub(crate) mean_last_axis: bool,
}

/// Runs the batch: returns `Σ ℓ` and writes `ℓ` into `values` (per element, or per row with
/// `mean_last_axis`) and `k·∂Σℓ/∂x` into `grad`, when given.
pub(crate) fn run<F: Real>(
    b: &Batch<'_, F>,
    k: F,
    grad: Option<&mut [F]>,
    values: Option<&mut [F]>,
) -> f64 {
    let c = b.pos_weight.len();
    let mode = if b.mean_last_axis {
        RowValues::PerRow {
            divisor: F::of(c as f64),
        }
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
        |i, r| row_weighted_sum(b, i, c, r),
    )
}

/// `Σ_j (l_ij·r)` of row `i`, summed in f64 as the general path sums the weighted losses.
#[cold]
fn row_weighted_sum<F: Real>(b: &Batch<'_, F>, i: usize, c: usize, r: F) -> f64 {
    let x = &b.logits[i * c..(i + 1) * c];
    let z = &b.labels[i * c..(i + 1) * c];
    let keep = F::one() - b.eps;
    let half_eps = F::of(0.5) * b.eps;
    (0..c)
        .map(|j| {
            let (xj, q, v) = (x[j], b.pos_weight[j], b.weight[j]);
            let zj = z[j] * keep + half_eps;
            let l = v * (q * zj * softplus(-xj) + (F::one() - zj) * softplus(xj));
            (l * r).f64()
        })
        .sum()
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
    let z = &b.labels[i * c..(i + 1) * c];
    let keep = F::one() - b.eps;
    let half_eps = F::of(0.5) * b.eps;
    #[cfg(target_arch = "x86_64")]
    if simd_f32()
        && let (Some(x), Some(z), Some(q), Some(v)) =
            (as_f32(x), as_f32(z), as_f32(b.pos_weight), as_f32(b.weight))
    {
        let g = grad.map(|g| as_f32_mut(g).expect("f32"));
        let vals = vals.map(|v| as_f32_mut(v).expect("f32"));
        let p = avx2::Params {
            keep: keep.f64() as f32,
            half_eps: half_eps.f64() as f32,
            kr: kr.f64() as f32,
        };
        // SAFETY: AVX2 and FMA were detected.
        return F::of(unsafe { avx2::row(x, z, q, v, &p, g, vals) } as f64);
    }
    let mut total = F::zero();
    let mut grad = grad;
    let mut vals = vals;
    for j in 0..c {
        let (xj, q, v) = (x[j], b.pos_weight[j], b.weight[j]);
        let zj = z[j] * keep + half_eps;
        let l = v * (q * zj * softplus(-xj) + (F::one() - zj) * softplus(xj));
        if let Some(g) = grad.as_deref_mut() {
            g[j] = v * ((F::one() - zj) * sigmoid(xj) - q * zj * sigmoid(-xj)) * kr;
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
    use crate::kernels::vmath::avx2::{exp, hsum, load_partial, log1p_unit, store_partial};
    use std::arch::x86_64::*;

    pub(super) struct Params {
        pub(super) keep: f32,
        pub(super) half_eps: f32,
        pub(super) kr: f32,
    }

    /// Loss (summed over lanes) and gradient of 8 elements.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn lanes(
        x: __m256,
        z: __m256,
        q: __m256,
        v: __m256,
        p: &Params,
        want_grad: bool,
    ) -> (__m256, __m256) {
        let one = _mm256_set1_ps(1.0);
        let zero = _mm256_setzero_ps();
        let sign = _mm256_set1_ps(-0.0);
        let zs = _mm256_fmadd_ps(z, _mm256_set1_ps(p.keep), _mm256_set1_ps(p.half_eps));
        let e = exp(_mm256_or_ps(x, sign)); // exp(−|x|)
        let lp = log1p_unit(e);
        let spx = _mm256_add_ps(_mm256_max_ps(zero, x), lp);
        let spnx = _mm256_add_ps(_mm256_max_ps(zero, _mm256_xor_ps(x, sign)), lp);
        let qz = _mm256_mul_ps(q, zs);
        let nz = _mm256_sub_ps(one, zs);
        let l = _mm256_mul_ps(v, _mm256_fmadd_ps(qz, spnx, _mm256_mul_ps(nz, spx)));
        if !want_grad {
            return (l, zero);
        }
        let rcp = _mm256_div_ps(one, _mm256_add_ps(one, e));
        let er = _mm256_mul_ps(e, rcp);
        let sig = _mm256_blendv_ps(er, rcp, _mm256_cmp_ps::<_CMP_GE_OQ>(x, zero));
        let signx = _mm256_blendv_ps(er, rcp, _mm256_cmp_ps::<_CMP_LE_OQ>(x, zero));
        let g = _mm256_mul_ps(v, _mm256_fmsub_ps(nz, sig, _mm256_mul_ps(qz, signx)));
        (l, _mm256_mul_ps(g, _mm256_set1_ps(p.kr)))
    }

    /// One row: `Σ l`, gradient (times `kr`) and per-element losses when asked for.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn row(
        x: &[f32],
        z: &[f32],
        q: &[f32],
        v: &[f32],
        p: &Params,
        mut grad: Option<&mut [f32]>,
        mut vals: Option<&mut [f32]>,
    ) -> f32 {
        let n = x.len();
        let n8 = n / 8 * 8;
        let want_grad = grad.is_some();
        let mut acc = _mm256_setzero_ps();
        let mut i = 0;
        // 4 vectors per step: independent dependency chains the core can overlap
        const U: usize = 4;
        while i + 8 * U <= n8 {
            // the next row's logits and labels (rows are contiguous): 2 lines each per 32
            // floats, fetched while this step computes
            for s in [x.as_ptr(), z.as_ptr()] {
                let ahead = s.wrapping_add(n + i);
                _mm_prefetch::<_MM_HINT_T0>(ahead.cast());
                _mm_prefetch::<_MM_HINT_T0>(ahead.wrapping_add(16).cast());
            }
            let mut l = [_mm256_setzero_ps(); U];
            let mut g = [_mm256_setzero_ps(); U];
            for u in 0..U {
                let o = i + 8 * u;
                // SAFETY: o + 8 ≤ n for every slice (all have the row's length).
                let (xv, zv, qv, vv) = unsafe {
                    (
                        _mm256_loadu_ps(x.as_ptr().add(o)),
                        _mm256_loadu_ps(z.as_ptr().add(o)),
                        _mm256_loadu_ps(q.as_ptr().add(o)),
                        _mm256_loadu_ps(v.as_ptr().add(o)),
                    )
                };
                (l[u], g[u]) = lanes(xv, zv, qv, vv, p, want_grad);
            }
            for u in 0..U {
                let o = i + 8 * u;
                acc = _mm256_add_ps(acc, l[u]);
                if let Some(gr) = grad.as_deref_mut() {
                    // SAFETY: as above.
                    unsafe { _mm256_storeu_ps(gr.as_mut_ptr().add(o), g[u]) };
                }
                if let Some(out) = vals.as_deref_mut() {
                    // SAFETY: as above.
                    unsafe { _mm256_storeu_ps(out.as_mut_ptr().add(o), l[u]) };
                }
            }
            i += 8 * U;
        }
        while i < n8 {
            // SAFETY: i + 8 ≤ n for every slice (all have the row's length).
            let (xv, zv, qv, vv) = unsafe {
                (
                    _mm256_loadu_ps(x.as_ptr().add(i)),
                    _mm256_loadu_ps(z.as_ptr().add(i)),
                    _mm256_loadu_ps(q.as_ptr().add(i)),
                    _mm256_loadu_ps(v.as_ptr().add(i)),
                )
            };
            let (l, g) = lanes(xv, zv, qv, vv, p, want_grad);
            acc = _mm256_add_ps(acc, l);
            if let Some(gr) = grad.as_deref_mut() {
                // SAFETY: as above.
                unsafe { _mm256_storeu_ps(gr.as_mut_ptr().add(i), g) };
            }
            if let Some(out) = vals.as_deref_mut() {
                // SAFETY: as above.
                unsafe { _mm256_storeu_ps(out.as_mut_ptr().add(i), l) };
            }
            i += 8;
        }
        if n8 < n {
            let (xv, zv, qv, vv) = (
                load_partial(&x[n8..], 0.0),
                load_partial(&z[n8..], 0.0),
                load_partial(&q[n8..], 0.0),
                load_partial(&v[n8..], 0.0),
            );
            let (l, g) = lanes(xv, zv, qv, vv, p, want_grad);
            acc = _mm256_add_ps(acc, l);
            if let Some(gr) = grad {
                store_partial(&mut gr[n8..], g);
            }
            if let Some(out) = vals {
                store_partial(&mut out[n8..], l);
            }
        }
        hsum(acc)
    }
}
