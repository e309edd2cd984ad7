//! Slice primitives of the loss kernels: row maximum, `Σ exp(x − m)`, `exp` and `ln` in place.
//!
//! Each is generic over [`Real`] and dispatches once per call: `f32` on an x86-64 CPU with AVX2
//! and FMA (detected at run time) takes the 8-lane polynomial `exp`/`ln` below; `f64`, and `f32`
//! anywhere else, take the portable scalar path with std's `exp`/`ln` (so `f64` stays exact).
//!
//! ```text
//! exp(x) = 2^n · p(r),   n = round(x·log2 e),  r = x − n·ln 2 (two-part ln 2),  |r| ≤ ln2/2
//!          p = 1 + r + r²·P(r)  (Cephes expf, degree 5);  2^n applied as 2^⌊n/2⌋·2^(n−⌊n/2⌋)
//!          so that subnormal results round once, like std's
//! ln(x)  = e·ln 2 + f − f²/2 + f³·Q(f),  x = (1 + f)·2^e, 1 + f ∈ [√½, √2)  (Cephes logf)
//! ```
//! Both are within 2 units in the last place of the f32 result over their whole range (tests
//! below check every 97th f32), far inside the 2·10⁻⁶ relative tolerance of the golden cases.
//! NaN propagates, `exp(−∞) = 0`, `exp(+∞) = +∞`, `ln 0 = −∞`, `ln(x < 0) = NaN`.

use super::{as_f32, as_f32_mut};
use crate::Real;

/// True when the f32 SIMD path is available (x86-64 with AVX2 and FMA) and not disabled with
/// `REWEIGH_NO_SIMD=1` (read once).
pub(crate) fn simd_f32() -> bool {
    use std::sync::OnceLock;
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        let disabled = std::env::var_os("REWEIGH_NO_SIMD").is_some_and(|v| v != "0");
        !disabled && cpu_has_avx2_fma()
    })
}

#[cfg(target_arch = "x86_64")]
fn cpu_has_avx2_fma() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

#[cfg(not(target_arch = "x86_64"))]
fn cpu_has_avx2_fma() -> bool {
    false
}

/// The maximum of a non-empty slice, of `x_j + o_j` with a bias `o` (same length; each sum
/// rounded to `F` as `x + o` is). A NaN may or may not be returned when the slice holds one:
/// every caller feeds the slice to [`exp_shift_sum`] next, where the NaN propagates.
#[inline]
pub(crate) fn max<F: Real>(x: &[F], bias: Option<&[F]>) -> F {
    #[cfg(target_arch = "x86_64")]
    if x.len() >= 16
        && let Some(x32) = as_f32(x)
        && simd_f32()
    {
        let o32 = bias.map(|o| as_f32(o).expect("same type as x"));
        // SAFETY: AVX2 and FMA were detected.
        return F::of(unsafe { avx2::max(x32, o32) } as f64);
    }
    let top = |a: F, b: F| if b > a { b } else { a };
    match bias {
        Some(o) => x
            .iter()
            .zip(o)
            .fold(F::neg_infinity(), |a, (&v, &o)| top(a, v + o)),
        None => x.iter().fold(F::neg_infinity(), |a, &b| top(a, b)),
    }
}

/// `Σ_j exp(z_j − m)` with `z = x`, or `z = x + o` with a bias `o` (same length), writing each
/// `exp(z_j − m)` into `out` when given (same length as `x`); `m` is the maximum of `z` (terms
/// below the normal f32 range are flushed to 0 on the SIMD path, an error below 10⁻³⁸ on a sum
/// of at least 1).
#[inline]
pub(crate) fn exp_shift_sum<F: Real>(
    x: &[F],
    bias: Option<&[F]>,
    m: F,
    out: Option<&mut [F]>,
) -> F {
    #[cfg(target_arch = "x86_64")]
    if let Some(x32) = as_f32(x)
        && simd_f32()
    {
        let m32 = m.f64() as f32;
        let o32 = bias.map(|o| as_f32(o).expect("same type as x"));
        let out32 = out.map(|o| as_f32_mut(o).expect("same type as x"));
        // SAFETY: AVX2 and FMA were detected.
        return F::of(unsafe { avx2::exp_shift_sum(x32, o32, m32, out32) } as f64);
    }
    let z = |j: usize| match bias {
        Some(o) => x[j] + o[j],
        None => x[j],
    };
    match out {
        Some(out) => {
            let mut s = F::zero();
            for (j, o) in out.iter_mut().enumerate() {
                *o = (z(j) - m).exp();
                s = s + *o;
            }
            s
        }
        None => (0..x.len()).map(|j| (z(j) - m).exp()).sum(),
    }
}

/// `v_j ← exp(v_j)` (the sigmoid kernel inlines the same `exp`; kept for its accuracy test).
#[cfg(test)]
pub(crate) fn exp_inplace<F: Real>(v: &mut [F]) {
    #[cfg(target_arch = "x86_64")]
    if simd_f32()
        && let Some(v32) = as_f32_mut(v)
    {
        // SAFETY: AVX2 and FMA were detected.
        unsafe { avx2::map_inplace(v32, avx2::Op::Exp) };
        return;
    }
    v.iter_mut().for_each(|x| *x = x.exp());
}

/// `v_j ← exp(v_j)` for `v_j ≤ 0` (or NaN), results below the normal range flushed to 0 on the
/// SIMD path: for a row minus its maximum, whose exps sum to at least 1.
#[inline]
pub(crate) fn exp_nonpos_inplace<F: Real>(v: &mut [F]) {
    #[cfg(target_arch = "x86_64")]
    if simd_f32()
        && let Some(v32) = as_f32_mut(v)
    {
        // SAFETY: AVX2 and FMA were detected.
        unsafe { avx2::map_inplace(v32, avx2::Op::ExpNonPos) };
        return;
    }
    v.iter_mut().for_each(|x| *x = x.exp());
}

/// `v_j ← ln(v_j)`.
#[inline]
pub(crate) fn ln_inplace<F: Real>(v: &mut [F]) {
    #[cfg(target_arch = "x86_64")]
    if simd_f32()
        && let Some(v32) = as_f32_mut(v)
    {
        // SAFETY: AVX2 and FMA were detected.
        unsafe { avx2::map_inplace(v32, avx2::Op::Ln) };
        return;
    }
    v.iter_mut().for_each(|x| *x = x.ln());
}

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2 {
    //! AVX2 + FMA implementations. Every function requires both features.
    use std::arch::x86_64::*;

    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4; // 0.693359375, exact in 9 bits
    const LN2_LO: f32 = -2.121_944_4e-4;
    const EXP_P: [f32; 6] = [
        1.987_569_1e-4,
        1.398_199_9e-3,
        8.333_452e-3,
        4.166_579_6e-2,
        1.666_666_5e-1,
        5e-1,
    ];
    const LN_Q: [f32; 9] = [
        7.037_683_6e-2,
        -1.151_461e-1,
        1.167_699_9e-1,
        -1.242_014_1e-1,
        1.424_932_3e-1,
        -1.666_805_8e-1,
        2.000_071_4e-1,
        -2.499_999_4e-1,
        3.333_333e-1,
    ];

    /// `exp` of 8 lanes.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn exp(x: __m256) -> __m256 {
        // max/min return their second operand when either is NaN: NaN passes through.
        let x = _mm256_max_ps(_mm256_set1_ps(-110.0), x);
        let x = _mm256_min_ps(_mm256_set1_ps(90.0), x);
        let n = _mm256_round_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
            _mm256_mul_ps(x, _mm256_set1_ps(LOG2E)),
        );
        let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_HI), x);
        let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_LO), r);
        let mut p = _mm256_set1_ps(EXP_P[0]);
        for &c in &EXP_P[1..] {
            p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(c));
        }
        let r2 = _mm256_mul_ps(r, r);
        let p = _mm256_add_ps(_mm256_fmadd_ps(p, r2, r), _mm256_set1_ps(1.0));
        let ni = _mm256_cvtps_epi32(n);
        let n1 = _mm256_srai_epi32::<1>(ni);
        let n2 = _mm256_sub_epi32(ni, n1);
        let bias = _mm256_set1_epi32(127);
        let s1 = _mm256_castsi256_ps(_mm256_slli_epi32::<23>(_mm256_add_epi32(n1, bias)));
        let s2 = _mm256_castsi256_ps(_mm256_slli_epi32::<23>(_mm256_add_epi32(n2, bias)));
        _mm256_mul_ps(_mm256_mul_ps(p, s1), s2)
    }

    /// `exp` of 8 lanes that are `≤ 0` or NaN (a logit minus its row maximum), with results
    /// below the smallest normal f32 (`x < −87.34`) flushed to 0 (`exp(−∞) = 0` exactly). About
    /// a quarter fewer instructions than [`exp`]: one scaling step, and the rounding to an
    /// integer with the `1.5·2²³` trick.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn exp_nonpos(x: __m256) -> __m256 {
        let e = exp_nonpos_unflushed(x);
        let normal = _mm256_cmp_ps::<_CMP_GE_OQ>(x, _mm256_set1_ps(EXP_NORMAL_MIN));
        // NaN lanes fail the comparison: keep them by `or`-ing the unordered ones back
        let nan = _mm256_cmp_ps::<_CMP_UNORD_Q>(x, x);
        _mm256_and_ps(e, _mm256_or_ps(normal, nan))
    }

    /// `ln(f32::MIN_POSITIVE) = −126·ln 2` rounded up to an f32: below it [`exp_nonpos`]
    /// flushes to 0. Rounded up, not to nearest (−87.336_55 was 3·10⁻⁶ below −126·ln 2), so
    /// that an argument clamped to it gives `r ≥ 0`, `p ≥ 1` and a normal `p·2⁻¹²⁶`: a
    /// subnormal product costs a microcode assist per lane on x86 (the multiply and every add
    /// into the sum), which made rows with most terms below the range (LDAM's `s = 30`) 5 to
    /// 10 times slower.
    const EXP_NORMAL_MIN: f32 = -87.336_54;

    /// [`exp_nonpos`] without the flush: arguments below `−87.34` (and `−∞`) give
    /// `f32::MIN_POSITIVE` instead of 0. For a sum of terms that includes `exp(0) = 1` (a
    /// row's `Σ exp(x − max)`) the difference is below the sum's rounding.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn exp_nonpos_unflushed(x: __m256) -> __m256 {
        const MAGIC: f32 = 12_582_912.0; // 1.5·2^23: adding it rounds to an integer
        let xc = _mm256_max_ps(_mm256_set1_ps(EXP_NORMAL_MIN), x); // NaN passes through
        let t = _mm256_fmadd_ps(xc, _mm256_set1_ps(LOG2E), _mm256_set1_ps(MAGIC));
        let n = _mm256_sub_ps(t, _mm256_set1_ps(MAGIC));
        let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_HI), xc);
        let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_LO), r);
        let mut p = _mm256_set1_ps(EXP_P[0]);
        for &c in &EXP_P[1..] {
            p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(c));
        }
        let r2 = _mm256_mul_ps(r, r);
        let p = _mm256_add_ps(_mm256_fmadd_ps(p, r2, r), _mm256_set1_ps(1.0));
        // the low bits of t hold n: shifting them into the exponent field gives 2^n
        let scale = _mm256_add_epi32(
            _mm256_slli_epi32::<23>(_mm256_castps_si256(t)),
            _mm256_set1_epi32(127 << 23),
        );
        _mm256_mul_ps(p, _mm256_castsi256_ps(scale))
    }

    /// `ln` of 8 lanes.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn ln(x: __m256) -> __m256 {
        // subnormals: scale by 2^23 first
        let tiny = _mm256_cmp_ps::<_CMP_LT_OQ>(x, _mm256_set1_ps(f32::MIN_POSITIVE));
        let xs = _mm256_blendv_ps(x, _mm256_mul_ps(x, _mm256_set1_ps(8_388_608.0)), tiny);
        let xi = _mm256_castps_si256(xs);
        let mut e = _mm256_sub_epi32(_mm256_srli_epi32::<23>(xi), _mm256_set1_epi32(127));
        e = _mm256_sub_epi32(
            e,
            _mm256_and_si256(_mm256_castps_si256(tiny), _mm256_set1_epi32(23)),
        );
        let mant = _mm256_or_si256(
            _mm256_and_si256(xi, _mm256_set1_epi32(0x007f_ffff)),
            _mm256_set1_epi32(0x3f80_0000),
        );
        let mut m = _mm256_castsi256_ps(mant); // [1, 2)
        let big = _mm256_cmp_ps::<_CMP_GT_OQ>(m, _mm256_set1_ps(std::f32::consts::SQRT_2));
        m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5)), big);
        e = _mm256_sub_epi32(e, _mm256_castps_si256(big)); // big lanes are −1: e + 1
        let f = _mm256_sub_ps(m, _mm256_set1_ps(1.0));
        let z = _mm256_mul_ps(f, f);
        let mut q = _mm256_set1_ps(LN_Q[0]);
        for &c in &LN_Q[1..] {
            q = _mm256_fmadd_ps(q, f, _mm256_set1_ps(c));
        }
        let ef = _mm256_cvtepi32_ps(e);
        let mut y = _mm256_mul_ps(_mm256_mul_ps(f, z), q);
        y = _mm256_fmadd_ps(ef, _mm256_set1_ps(LN2_LO), y);
        y = _mm256_fnmadd_ps(z, _mm256_set1_ps(0.5), y);
        let mut r = _mm256_add_ps(f, y);
        r = _mm256_fmadd_ps(ef, _mm256_set1_ps(LN2_HI), r);
        // specials
        let zero = _mm256_setzero_ps();
        let is_zero = _mm256_cmp_ps::<_CMP_EQ_OQ>(x, zero);
        r = _mm256_blendv_ps(r, _mm256_set1_ps(f32::NEG_INFINITY), is_zero);
        let is_inf = _mm256_cmp_ps::<_CMP_EQ_OQ>(x, _mm256_set1_ps(f32::INFINITY));
        r = _mm256_blendv_ps(r, x, is_inf);
        let bad = _mm256_cmp_ps::<_CMP_NGE_UQ>(x, zero); // x < 0 or NaN
        _mm256_blendv_ps(r, _mm256_set1_ps(f32::NAN), bad)
    }

    /// `log1p(e)` for `e ∈ [0, 1]` (or NaN) as `e·P(e)`: a degree-9 polynomial fitted to
    /// `log1p(e)/e` at Chebyshev nodes (`scripts/bench/fit_log1p.py`); relative error below
    /// 2·10⁻⁷ in f32 over the whole interval, and exact `e` as `e → 0`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn log1p_unit(e: __m256) -> __m256 {
        const P: [f32; 10] = [
            -0.003_256_378_5,
            0.019_907_162,
            -0.057_064_2,
            0.106_142_65,
            -0.153_118_63,
            0.196_781_17,
            -0.249_545_59,
            0.333_300_05,
            -0.499_999_05,
            1.0,
        ];
        let mut p = _mm256_set1_ps(P[0]);
        for &c in &P[1..] {
            p = _mm256_fmadd_ps(p, e, _mm256_set1_ps(c));
        }
        _mm256_mul_ps(p, e)
    }

    /// [`log1p_unit`] of a slice, for its accuracy test.
    #[cfg(test)]
    pub(crate) fn log1p_unit_slice(e: &[f32]) -> Vec<f32> {
        e.iter()
            .map(|&v| {
                let mut out = [0.0_f32; 8];
                // SAFETY: the caller checked AVX2 and FMA; out holds 8 floats.
                unsafe { _mm256_storeu_ps(out.as_mut_ptr(), log1p_unit(_mm256_set1_ps(v))) };
                out[0]
            })
            .collect()
    }

    /// Loads up to 8 floats (`n < 8` lanes, the rest `fill`).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn load_partial(x: &[f32], fill: f32) -> __m256 {
        let mut buf = [fill; 8];
        buf[..x.len()].copy_from_slice(x);
        // SAFETY: buf holds 8 floats.
        unsafe { _mm256_loadu_ps(buf.as_ptr()) }
    }

    /// Stores the first `out.len() ≤ 8` lanes.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn store_partial(out: &mut [f32], v: __m256) {
        let mut buf = [0.0_f32; 8];
        // SAFETY: buf holds 8 floats.
        unsafe { _mm256_storeu_ps(buf.as_mut_ptr(), v) };
        let n = out.len();
        out.copy_from_slice(&buf[..n]);
    }

    /// Horizontal sum of 8 lanes.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn hsum(v: __m256) -> f32 {
        let lo = _mm256_castps256_ps128(v);
        let hi = _mm256_extractf128_ps::<1>(v);
        let s = _mm_add_ps(lo, hi);
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_shuffle_ps::<1>(s, s));
        _mm_cvtss_f32(s)
    }

    /// Horizontal maximum of 8 lanes.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn hmax(v: __m256) -> f32 {
        let lo = _mm256_castps256_ps128(v);
        let hi = _mm256_extractf128_ps::<1>(v);
        let s = _mm_max_ps(lo, hi);
        let s = _mm_max_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_max_ss(s, _mm_shuffle_ps::<1>(s, s));
        _mm_cvtss_f32(s)
    }

    /// Maximum of a slice, or of `x + o` (a NaN in it may be dropped).
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn max(x: &[f32], bias: Option<&[f32]>) -> f32 {
        match bias {
            Some(o) => max_of::<true>(x, o),
            None => max_of::<false>(x, &[]),
        }
    }

    /// The 8 floats at `i` of `x`, plus those of `o` when `B`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn load_z<const B: bool>(x: &[f32], o: &[f32], i: usize) -> __m256 {
        assert!(i + 8 <= x.len() && (!B || i + 8 <= o.len()));
        // SAFETY: checked above.
        unsafe {
            let v = _mm256_loadu_ps(x.as_ptr().add(i));
            if B {
                _mm256_add_ps(v, _mm256_loadu_ps(o.as_ptr().add(i)))
            } else {
                v
            }
        }
    }

    /// The floats from `i` on (fewer than 8) of `x` (plus those of `o` when `B`), the rest `fill`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn load_z_partial<const B: bool>(x: &[f32], o: &[f32], i: usize, fill: f32) -> __m256 {
        let v = load_partial(&x[i..], fill);
        if B {
            _mm256_add_ps(v, load_partial(&o[i..], 0.0))
        } else {
            v
        }
    }

    #[target_feature(enable = "avx2,fma")]
    fn max_of<const B: bool>(x: &[f32], o: &[f32]) -> f32 {
        let n = x.len();
        let mut acc = [_mm256_set1_ps(f32::NEG_INFINITY); 4];
        let mut i = 0;
        while i + 32 <= n {
            for (k, a) in acc.iter_mut().enumerate() {
                *a = _mm256_max_ps(*a, load_z::<B>(x, o, i + 8 * k));
            }
            i += 32;
        }
        let mut a = _mm256_max_ps(_mm256_max_ps(acc[0], acc[1]), _mm256_max_ps(acc[2], acc[3]));
        while i + 8 <= n {
            a = _mm256_max_ps(a, load_z::<B>(x, o, i));
            i += 8;
        }
        if i < n {
            a = _mm256_max_ps(a, load_z_partial::<B>(x, o, i, f32::NEG_INFINITY));
        }
        hmax(a)
    }

    /// `Σ exp(z − m)` with `z = x` or `x + o`, storing the terms in `out` when given.
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn exp_shift_sum(
        x: &[f32],
        bias: Option<&[f32]>,
        m: f32,
        out: Option<&mut [f32]>,
    ) -> f32 {
        match bias {
            Some(o) => exp_shift_sum_of::<true>(x, o, m, out),
            None => exp_shift_sum_of::<false>(x, &[], m, out),
        }
    }

    #[target_feature(enable = "avx2,fma")]
    fn exp_shift_sum_of<const B: bool>(
        x: &[f32],
        o: &[f32],
        m: f32,
        mut out: Option<&mut [f32]>,
    ) -> f32 {
        let mv = _mm256_set1_ps(m);
        let n = x.len();
        // a pure sum can skip the flush to 0 (see exp_nonpos_unflushed); stored terms cannot
        let store = out.is_some();
        let exp = |v| {
            if store {
                exp_nonpos(v)
            } else {
                exp_nonpos_unflushed(v)
            }
        };
        if let Some(o) = out.as_deref() {
            assert_eq!(o.len(), n);
        }
        // 4 vectors per step: independent exp chains the core can overlap
        let mut acc = [_mm256_setzero_ps(); 4];
        let mut i = 0;
        while i + 32 <= n {
            // the next row (rows are contiguous): fetch its 2 lines per 32 floats while the
            // exp runs, so that the next max pass reads from cache, not memory
            let ahead = x.as_ptr().wrapping_add(n + i);
            _mm_prefetch::<_MM_HINT_T0>(ahead.cast());
            _mm_prefetch::<_MM_HINT_T0>(ahead.wrapping_add(16).cast());
            let mut e = [_mm256_setzero_ps(); 4];
            for (u, e) in e.iter_mut().enumerate() {
                *e = exp(_mm256_sub_ps(load_z::<B>(x, o, i + 8 * u), mv));
            }
            for u in 0..4 {
                acc[u] = _mm256_add_ps(acc[u], e[u]);
                if let Some(o) = out.as_deref_mut() {
                    // SAFETY: i + 32 ≤ n = o.len().
                    unsafe { _mm256_storeu_ps(o.as_mut_ptr().add(i + 8 * u), e[u]) };
                }
            }
            i += 32;
        }
        while i < n {
            let k = (n - i).min(8);
            let zv = if k == 8 {
                load_z::<B>(x, o, i)
            } else {
                load_z_partial::<B>(x, o, i, f32::NEG_INFINITY)
            };
            let e = exp(_mm256_sub_ps(zv, mv));
            acc[0] = _mm256_add_ps(acc[0], e);
            if let Some(o) = out.as_deref_mut() {
                store_partial(&mut o[i..i + k], e);
            }
            i += k;
        }
        let a = _mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3]));
        hsum(a)
    }

    /// Which function [`map_inplace`] applies.
    #[derive(Clone, Copy)]
    pub(crate) enum Op {
        #[cfg(test)]
        Exp,
        /// [`exp_nonpos`]: for arguments `≤ 0`.
        ExpNonPos,
        Ln,
    }

    /// `v ← op(v)`.
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn map_inplace(v: &mut [f32], op: Op) {
        let f = |x| match op {
            #[cfg(test)]
            Op::Exp => exp(x),
            Op::ExpNonPos => exp_nonpos(x),
            Op::Ln => ln(x),
        };
        let mut chunks = v.chunks_exact_mut(8);
        for c in &mut chunks {
            // SAFETY: c holds 8 floats.
            unsafe { _mm256_storeu_ps(c.as_mut_ptr(), f(_mm256_loadu_ps(c.as_ptr()))) };
        }
        let tail = chunks.into_remainder();
        if !tail.is_empty() {
            let r = f(load_partial(tail, 1.0));
            store_partial(tail, r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place between two f32 of the same sign.
    fn ulps(a: f32, b: f32) -> u32 {
        if a == b || (a.is_nan() && b.is_nan()) {
            return 0;
        }
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs() as u32
    }

    fn sample() -> Vec<f32> {
        // every 1009th bit pattern of the finite f32, both signs, plus specials
        let mut v: Vec<f32> = (0..0x7f80_0000_u32)
            .step_by(1009)
            .flat_map(|b| [f32::from_bits(b), -f32::from_bits(b)])
            .collect();
        v.extend([
            0.0,
            -0.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            88.7,
            -103.9,
        ]);
        v
    }

    #[test]
    fn simd_exp_is_within_two_ulps_of_the_correctly_rounded_exp() {
        if !simd_f32() {
            return;
        }
        let xs: Vec<f32> = sample()
            .into_iter()
            .filter(|x| x.abs() < 120.0 || !x.is_finite())
            .collect();
        let mut v = xs.clone();
        exp_inplace(&mut v);
        let mut worst = 0;
        for (&x, &e) in xs.iter().zip(&v) {
            let want = (x as f64).exp() as f32;
            let u = ulps(e, want);
            assert!(u <= 2, "exp({x:e}) = {e:e}, want {want:e}");
            worst = worst.max(u);
        }
        assert!(worst <= 2);
    }

    #[test]
    fn simd_exp_nonpos_is_within_two_ulps_and_flushes_below_the_normal_range() {
        if !simd_f32() {
            return;
        }
        let xs: Vec<f32> = sample()
            .into_iter()
            .filter(|x| (*x <= 0.0 && *x > -120.0) || *x == f32::NEG_INFINITY || x.is_nan())
            .collect();
        let mut v = xs.clone();
        exp_nonpos_inplace(&mut v);
        for (&x, &e) in xs.iter().zip(&v) {
            let want = (x as f64).exp() as f32;
            if want < f32::MIN_POSITIVE && !want.is_nan() {
                assert!(e == 0.0 || ulps(e, want) <= 2, "exp({x:e}) = {e:e}");
            } else {
                assert!(ulps(e, want) <= 2, "exp({x:e}) = {e:e}, want {want:e}");
            }
        }
    }

    /// Arguments below the normal range are clamped to `EXP_NORMAL_MIN`: the unflushed exp
    /// of them must be a normal number (a subnormal one costs a microcode assist per lane in
    /// the multiply and in every add of the row's sum).
    #[test]
    fn clamped_arguments_give_normal_numbers_never_subnormal_ones() {
        if !simd_f32() {
            return;
        }
        let xs = [
            -87.336_55_f32,
            -87.34,
            -87.4,
            -100.0,
            -1e30,
            f32::NEG_INFINITY,
        ];
        for &x in &xs {
            // SAFETY: AVX2 and FMA were detected.
            let e = unsafe {
                use std::arch::x86_64::*;
                let mut out = [0.0_f32; 8];
                _mm256_storeu_ps(
                    out.as_mut_ptr(),
                    avx2::exp_nonpos_unflushed(_mm256_set1_ps(x)),
                );
                out[0]
            };
            assert!(e.is_normal(), "exp({x:e}) unflushed = {e:e} is not normal");
            assert!(
                e <= 1.0001 * f32::MIN_POSITIVE,
                "exp({x:e}) unflushed = {e:e}"
            );
        }
    }

    #[test]
    fn simd_ln_is_within_two_ulps_of_the_correctly_rounded_ln() {
        if !simd_f32() {
            return;
        }
        let xs = sample();
        let mut v = xs.clone();
        ln_inplace(&mut v);
        for (&x, &l) in xs.iter().zip(&v) {
            let want = (x as f64).ln() as f32;
            assert!(ulps(l, want) <= 2, "ln({x:e}) = {l:e}, want {want:e}");
        }
    }

    #[test]
    fn exp_shift_sum_and_max_match_scalar() {
        for n in [1, 7, 8, 9, 16, 31, 33, 100, 1000] {
            let x: Vec<f32> = (0..n)
                .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
                .collect();
            let m = max(&x, None);
            assert_eq!(m, x.iter().copied().fold(f32::NEG_INFINITY, f32::max));
            let mut out = vec![0.0; n];
            let s = exp_shift_sum(&x, None, m, Some(&mut out));
            let s2 = exp_shift_sum(&x, None, m, None);
            let want: f64 = x.iter().map(|&v| ((v - m) as f64).exp()).sum();
            assert!((s as f64 / want - 1.0).abs() < 1e-6, "{n}: {s} vs {want}");
            assert!((s2 as f64 / want - 1.0).abs() < 1e-6);
            for (&o, &v) in out.iter().zip(&x) {
                assert!(ulps(o, ((v - m) as f64).exp() as f32) <= 2);
            }
        }
    }

    #[test]
    fn biased_max_and_exp_shift_sum_equal_those_of_the_shifted_row() {
        for n in [1, 7, 8, 9, 16, 31, 33, 100, 1000] {
            let x: Vec<f32> = (0..n)
                .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
                .collect();
            let mut o: Vec<f32> = (0..n).map(|i| ((i * 53 % 89) as f32) / -9.0).collect();
            o[n / 2] = f32::NEG_INFINITY;
            let z: Vec<f32> = x.iter().zip(&o).map(|(&x, &o)| x + o).collect();
            let m = max(&x, Some(&o));
            assert_eq!(m.to_bits(), max(&z, None).to_bits());
            let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
            let s = exp_shift_sum(&x, Some(&o), m, Some(&mut a));
            assert_eq!(
                s.to_bits(),
                exp_shift_sum(&z, None, m, Some(&mut b)).to_bits()
            );
            // (a row of one −∞ sum is NaN: compare the bits)
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a), bits(&b));
            let s = exp_shift_sum(&x, Some(&o), m, None);
            assert_eq!(s.to_bits(), exp_shift_sum(&z, None, m, None).to_bits());
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn simd_log1p_is_within_2e7_relative_on_the_unit_interval() {
        if !simd_f32() {
            return;
        }
        let mut e: Vec<f32> = (0..=1_000_000).map(|i| i as f32 / 1e6).collect();
        e.extend([1e-30, 1e-8, f32::MIN_POSITIVE, 0.0]);
        let got = avx2::log1p_unit_slice(&e);
        for (&e, &l) in e.iter().zip(&got) {
            let want = (e as f64).ln_1p();
            assert!(
                (l as f64 - want).abs() <= 2e-7 * want,
                "log1p({e:e}) = {l:e}, want {want:e}"
            );
        }
        let nan = avx2::log1p_unit_slice(&[f32::NAN]);
        assert!(nan[0].is_nan());
    }
}
