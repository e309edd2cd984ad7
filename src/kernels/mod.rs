//! Fast paths of the losses: fused row kernels, SIMD `exp`/`ln`, and rows split across threads.
//!
//! A reduced loss is computed in two steps that keep the semantics of [`Reducer::finish`]
//! (crate::reduction::Reducer::finish):
//!
//! 1. the denominator, from the labels and weights alone (it never depends on the logits);
//! 2. one fused pass over the rows that accumulates `Σ ℓ` and writes the gradient already
//!    multiplied by `1/denominator` into a single buffer (the caller's, with
//!    [`Loss::compute_into`](crate::Loss::compute_into)).
//!
//! Nothing of the input's size is allocated for a scalar reduction without gradient. Rows are
//! processed in chunks of about [`CHUNK_ELEMS`] elements; each chunk's partial sum is kept in
//! `f64` and the partial sums are added in chunk order, so the result does not depend on the
//! number of threads. Inputs of fewer than [`parallel_min_elems`] elements stay on the calling
//! thread; larger ones use rayon's current pool (`RAYON_NUM_THREADS`, or
//! `ThreadPool::install`).

pub(crate) mod asymmetric;
pub(crate) mod sigmoid;
pub(crate) mod softmax;
pub(crate) mod vmath;

use crate::Real;
use crate::error::Result;
use crate::loss::{GradOut, broadcast_to, check_finite};
use crate::output::LossOutput;
pub(crate) use crate::reduction::Scale;
use crate::reduction::{MassTotals, Reducer, Reduction, Totals};
use ndarray::{ArrayD, ArrayViewD, Axis};
use rayon::prelude::*;
use std::any::TypeId;
use std::borrow::Cow;
use std::ops::Range;

/// Elements per chunk of rows (about 128 KiB of f32: a chunk's rows stay in L2 between passes).
pub(crate) const CHUNK_ELEMS: usize = 32 * 1024;

/// Rows narrower than this are processed in blocks of 8 rows (the softmax kernel's narrow path),
/// and split across threads from [`PARALLEL_MIN_ELEMS_NARROW`] elements.
pub(crate) const NARROW: usize = 16;

/// Inputs with fewer elements are processed on the calling thread, for rows of at least
/// [`NARROW`] elements (the default of [`parallel_min_elems`]). Measured with
/// `examples/parallel_threshold.rs` (2 threads, Intel Xeon, three runs): from 2¹⁶ elements, the
/// first size with two chunks of rows, splitting was faster at every size for softmax CE with
/// 1000 classes (forward 24 → 15 µs), sigmoid CE and ASL with 512.
pub(crate) const PARALLEL_MIN_ELEMS: usize = 64 * 1024;

/// [`PARALLEL_MIN_ELEMS`] for rows of fewer than [`NARROW`] elements, whose kernel takes 8 rows at a
/// time: with 10 classes the split forward was up to 10 % slower than one thread at 2¹⁵ to 2¹⁷
/// elements and faster from 2¹⁸ (331 → 283 µs) on.
pub(crate) const PARALLEL_MIN_ELEMS_NARROW: usize = 256 * 1024;

/// The size from which the kernels split rows of `width` elements across the rayon pool:
/// [`PARALLEL_MIN_ELEMS`] or [`PARALLEL_MIN_ELEMS_NARROW`], or `REWEIGH_PARALLEL_MIN_ELEMS`
/// from the environment for both (read once; `examples/parallel_threshold.rs` measures the
/// crossover with it).
pub(crate) fn parallel_min_elems(width: usize) -> usize {
    static MIN: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();
    let set = *MIN.get_or_init(|| env_usize("REWEIGH_PARALLEL_MIN_ELEMS"));
    set.unwrap_or(if width < NARROW {
        PARALLEL_MIN_ELEMS_NARROW
    } else {
        PARALLEL_MIN_ELEMS
    })
}

/// A size from the environment, `None` when unset or not a number.
pub(crate) fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok()?.trim().parse().ok()
}

/// `s` as `&[f32]` when `F` is `f32`.
#[inline]
pub(crate) fn as_f32<F: Real>(s: &[F]) -> Option<&[f32]> {
    (TypeId::of::<F>() == TypeId::of::<f32>())
        // SAFETY: F is f32.
        .then(|| unsafe { &*(s as *const [F] as *const [f32]) })
}

/// `s` as `&mut [f32]` when `F` is `f32`.
#[inline]
pub(crate) fn as_f32_mut<F: Real>(s: &mut [F]) -> Option<&mut [f32]> {
    if TypeId::of::<F>() == TypeId::of::<f32>() {
        // SAFETY: F is f32.
        Some(unsafe { &mut *(s as *mut [F] as *mut [f32]) })
    } else {
        None
    }
}

/// Runs `f` on consecutive chunks of `rows` rows of `width` elements, handing each chunk its
/// part of `grad` (`rows·width` elements) and of `vals` (`rows·vals_width` elements), in
/// parallel for large inputs. Returns the chunks' results in row order.
pub(crate) fn for_row_chunks<A, B, T>(
    rows: usize,
    width: usize,
    grad: Option<&mut [A]>,
    vals: Option<&mut [B]>,
    vals_width: usize,
    f: impl Fn(Range<usize>, Option<&mut [A]>, Option<&mut [B]>) -> T + Sync,
) -> Vec<T>
where
    A: Send,
    B: Send,
    T: Send,
{
    // a multiple of 8 rows when possible (the narrow-row kernels take rows 8 at a time)
    let chunk_rows = match CHUNK_ELEMS / width.max(1) {
        0 => 1,
        r if r < 8 => r,
        r => r / 8 * 8,
    };
    let n_chunks = rows.div_ceil(chunk_rows);
    let mut grads = grad.map(|g| g.chunks_mut(chunk_rows * width));
    let mut valss = vals.map(|v| v.chunks_mut(chunk_rows * vals_width));
    let tasks: Vec<_> = (0..n_chunks)
        .map(|c| {
            let r = c * chunk_rows..((c + 1) * chunk_rows).min(rows);
            let g = grads.as_mut().and_then(Iterator::next);
            let v = valss.as_mut().and_then(Iterator::next);
            (r, g, v)
        })
        .collect();
    if rows * width < parallel_min_elems(width) || n_chunks == 1 {
        tasks.into_iter().map(|(r, g, v)| f(r, g, v)).collect()
    } else {
        tasks.into_par_iter().map(|(r, g, v)| f(r, g, v)).collect()
    }
}

/// How an element-wise kernel keeps its values: one per element, or one per row (the row's sum
/// divided by a divisor: Keras's mean over the class axis, or 1 for a plain sum).
#[derive(Clone, Copy)]
pub(crate) enum RowValues<F> {
    PerElement,
    PerRow { divisor: F },
}

/// The driver of the element-wise kernels (sigmoid cross-entropy, asymmetric loss) over `rows`
/// rows of `c` elements: returns `Σ ℓ` in f64 and writes the values (per element or per row) and
/// `k·∂Σℓ/∂x` when asked for. `row(i, kr, grad, vals)` computes row `i`: it returns `Σ_j l_ij`,
/// writes `kr·∂l_ij/∂x_ij` and the unweighted `l_ij`; the row weight `r_i` is applied here (to
/// `kr`, the values and the sum). A row whose weighted sum is not finite is summed again by
/// `cold(i, r_i)` as the general path sums it, `Σ_j (l_ij·r_i)` in f64, so that an overflow (or
/// `∞·0` with a zero row weight) behaves as there (issue 11 #19).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_element_rows<F: Real>(
    rows: usize,
    c: usize,
    row_weight: Option<&[F]>,
    k: F,
    mode: RowValues<F>,
    grad: Option<&mut [F]>,
    values: Option<&mut [F]>,
    row: impl Fn(usize, F, Option<&mut [F]>, Option<&mut [F]>) -> F + Sync,
    cold: impl Fn(usize, F) -> f64 + Sync,
) -> f64 {
    let value_width = match mode {
        RowValues::PerElement => c,
        RowValues::PerRow { .. } => 1,
    };
    let parts = for_row_chunks(
        rows,
        c,
        grad,
        values,
        value_width,
        |range, mut g, mut vals| {
            let mut total = 0.0;
            for (local, i) in range.enumerate() {
                let r = row_weight.map_or(F::one(), |w| w[i]);
                let gi = g.as_deref_mut().map(|g| &mut g[local * c..(local + 1) * c]);
                match mode {
                    RowValues::PerRow { divisor } => {
                        let v = row(i, r * k / divisor, gi, None) / divisor * r;
                        if let Some(vals) = vals.as_deref_mut() {
                            vals[local] = v;
                        }
                        total += v.f64();
                    }
                    RowValues::PerElement => {
                        let vi = vals
                            .as_deref_mut()
                            .map(|v| &mut v[local * c..(local + 1) * c]);
                        let has_vals = vi.is_some();
                        let s = row(i, r * k, gi, vi);
                        if has_vals && r != F::one() {
                            let v = &mut vals.as_deref_mut().expect("values")
                                [local * c..(local + 1) * c];
                            v.iter_mut().for_each(|l| *l = *l * r);
                        }
                        let sr = s * r;
                        total += if sr.is_finite() { sr.f64() } else { cold(i, r) };
                    }
                }
            }
            total
        },
    );
    parts.into_iter().sum()
}

/// Sample weights of an element-wise kernel as one factor per row, with the totals of the mass
/// they make: broadcast to `row_shape` when the values are per row, else to `shape` and constant
/// along the class axis. `Ok(None)` when they vary along the class axis: the general path then
/// multiplies `v·l` by them after the loss, and folding them into `v` first would turn an
/// overflowing `v·l` times a zero weight (NaN there) into 0 (issue 11 #19).
#[allow(clippy::type_complexity)]
pub(crate) fn per_row_sample_weights<F: Real>(
    sample_weight: Option<&ArrayViewD<'_, F>>,
    shape: &[usize],
    per_row_values: bool,
) -> Result<Option<(Option<Vec<F>>, Option<MassTotals>)>> {
    let Some(sw) = sample_weight else {
        return Ok(Some((None, None)));
    };
    check_finite("sample_weight", sw.iter())?;
    let last = Axis(shape.len() - 1);
    let (r, mass) = if per_row_values {
        let b = broadcast_to("sample_weight", sw, &shape[..last.index()])?;
        let r = contiguous(&b).into_owned();
        let mass = MassTotals::of(&r);
        (r, mass)
    } else {
        let b = broadcast_to("sample_weight", sw, shape)?;
        if b.strides()[last.index()] != 0 {
            return Ok(None);
        }
        let r = contiguous(&b.index_axis(last, 0)).into_owned();
        let mass = MassTotals::of(&r).repeated(shape[last.index()]);
        (r, mass)
    };
    Ok(Some((Some(r), Some(mass.passed_as(sw.iter())))))
}

/// A weight that broadcasts to `shape` without varying along the rows, as one value per class
/// (ones when absent); `None` when it varies along the rows or does not broadcast.
pub(crate) fn per_class<F: Real>(w: Option<&ArrayD<F>>, shape: &[usize]) -> Option<Vec<F>> {
    let Some(w) = w else {
        return Some(vec![F::one(); shape[shape.len() - 1]]);
    };
    let view = w.view();
    let b = view.broadcast(shape)?;
    let last = b.ndim() - 1;
    b.strides()[..last]
        .iter()
        .all(|&s| s == 0)
        .then(|| b.lanes(Axis(last)).into_iter().next())
        .flatten()
        .map(|lane| lane.to_vec())
}

/// Runs `kernel` with a contiguous gradient slice of `shape` when one is asked for: the caller's
/// buffer if it is in standard layout, else a new array (copied into the caller's buffer after).
/// Returns the kernel's result and the gradient when it was allocated.
pub(crate) fn with_grad<F: Real, R>(
    shape: &[usize],
    out: GradOut<'_, '_, F>,
    kernel: impl FnOnce(Option<&mut [F]>) -> R,
) -> (R, Option<ArrayD<F>>) {
    match out {
        GradOut::No => (kernel(None), None),
        GradOut::Alloc => {
            let mut g = fresh::<F>(shape);
            let r = kernel(g.as_slice_mut());
            (r, Some(g))
        }
        GradOut::Into(view) => {
            if let Some(s) = view.as_slice_mut() {
                (kernel(Some(s)), None)
            } else {
                let mut g = ArrayD::<F>::zeros(shape);
                let r = kernel(g.as_slice_mut());
                view.assign(&g);
                (r, None)
            }
        }
    }
}

/// A new array of `shape` that a kernel is about to write in full: zeros, backed by transparent
/// huge pages on Linux (the gradient of `forward_backward`, a transformed copy of the logits),
/// its pages faulted in by [`prefault`].
pub(crate) fn fresh<F: Real>(shape: &[usize]) -> ArrayD<F> {
    let mut a = ArrayD::<F>::zeros(shape);
    if let Some(s) = a.as_slice_mut() {
        advise_huge_pages(s);
        prefault(s);
    }
    a
}

/// Touches every 4 KiB page of a fresh buffer of at least [`PARALLEL_MIN_ELEMS`] elements on
/// the calling thread, before the kernel writes it. Measured on a 40 MB gradient
/// (sparse CE 10000×1000, huge pages, Intel Xeon VM, medians of 25): the kernel's own faults
/// cost it 9.2–9.8 ms on one thread, and 8.8–10.4 ms (32 ms at worst) on two, whose threads
/// took chunks of 128 KiB in turn and faulted the same huge page at once; faulted first, it
/// took 2.5 ms and the kernel 5.4 ms on one thread, 2.7 ms and 3.0 ms on two. Faulting in
/// parallel (2 MiB blocks per thread) was slower, 2.7–7.1 ms with outliers of 29 ms.
fn prefault<F: Real>(s: &mut [F]) {
    if s.len() < PARALLEL_MIN_ELEMS {
        return;
    }
    let page = (4096 / std::mem::size_of::<F>()).max(1);
    for v in s.iter_mut().step_by(page) {
        // SAFETY: v is a valid, aligned element; volatile, so that the store of the zero it
        // already holds is not removed
        unsafe { std::ptr::write_volatile(v, F::zero()) };
    }
}

/// `f(i, x_i, out_i)` for every row `i` of `width` elements of `x` and `out` (same length), in
/// parallel chunks of rows on the current rayon pool for inputs of at least
/// [`parallel_min_elems`] elements, sequentially below.
pub(crate) fn map_rows<F: Real>(
    x: &[F],
    out: &mut [F],
    width: usize,
    f: impl Fn(usize, &[F], &mut [F]) + Sync,
) {
    if width == 0 {
        return;
    }
    let rows_per_chunk = (CHUNK_ELEMS / width).max(1);
    let chunk = rows_per_chunk * width;
    let run = |(k, (xc, oc)): (usize, (&[F], &mut [F]))| {
        for (r, (xr, or)) in xc
            .chunks_exact(width)
            .zip(oc.chunks_exact_mut(width))
            .enumerate()
        {
            f(k * rows_per_chunk + r, xr, or);
        }
    };
    if x.len() < parallel_min_elems(width) {
        x.chunks(chunk)
            .zip(out.chunks_mut(chunk))
            .enumerate()
            .for_each(run);
    } else {
        x.par_chunks(chunk)
            .zip(out.par_chunks_mut(chunk))
            .enumerate()
            .for_each(run);
    }
}

/// The output of a fused kernel run for `reducer`: the scale of the denominator of `totals`,
/// the per-element values (of `value_shape`) for `none`, the gradient (of `shape`) where `out`
/// says, and the reduced value of the total `Σ ℓ` that `kernel(scale, grad, values)` returns.
///
/// `None` (the caller's [`Loss::fused`](crate::Loss::fused) then leaves the batch to the general
/// path) when the denominator is zero and the reducer's rule is NaN: the gradient is then `x / 0`
/// element by element, whose sign and NaN-ness depend on the order of the products that
/// underflowed (the kernel folds `1/0 = ∞` into each row's factor first), so one path decides.
pub(crate) fn fused_output<F: Real>(
    reducer: Reducer,
    totals: &Totals,
    shape: &[usize],
    value_shape: &[usize],
    out: GradOut<'_, '_, F>,
    kernel: impl FnOnce(&Scale, Option<&mut [F]>, Option<&mut [F]>) -> f64,
) -> Option<LossOutput<F>> {
    let scale = Scale::new(reducer, reducer.denominator_of(totals));
    if matches!(scale, Scale::Divide(d) if d == 0.0) {
        return None;
    }
    let mut values =
        (reducer.reduction == Reduction::None).then(|| ArrayD::<F>::zeros(value_shape));
    let (total, grad) = with_grad(shape, out, |g| {
        let v = values
            .as_mut()
            .map(|v| v.as_slice_mut().expect("standard layout"));
        match g {
            // divide_no_nan, as Reducer::finish: a zero gradient even where the gradient of
            // the sum is not finite (the kernel's NaN·0)
            Some(g) if matches!(scale, Scale::Zero) => {
                let total = kernel(&scale, Some(&mut *g), v);
                g.fill(F::zero());
                total
            }
            g => kernel(&scale, g, v),
        }
    });
    Some(LossOutput {
        value: scale.loss_value(reducer, total, values),
        grad,
    })
}

/// Sample weights (checked finite) broadcast to `row_shape`, as a contiguous copy.
pub(crate) fn row_weights<F: Real>(
    sample_weight: Option<&ArrayViewD<'_, F>>,
    row_shape: &[usize],
) -> Result<Option<Vec<F>>> {
    sample_weight
        .map(|sw| {
            check_finite("sample_weight", sw.iter())?;
            let b = broadcast_to("sample_weight", sw, row_shape)?;
            Ok(contiguous(&b).into_owned())
        })
        .transpose()
}

/// `a` as a standard-layout slice, borrowed when it is one, else copied in logical order.
pub(crate) fn contiguous<'a, T: Clone>(a: &'a ArrayViewD<'_, T>) -> Cow<'a, [T]> {
    match a.as_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(a.iter().cloned().collect()),
    }
}

/// Asks Linux to back a large, freshly allocated (untouched) buffer with transparent huge pages:
/// the kernel then writes it with one page fault per 2 MiB instead of one per 4 KiB, which is
/// most of the cost of a new gradient buffer (and what PyTorch's `backward` pays too).
#[cfg(target_os = "linux")]
fn advise_huge_pages<F>(s: &mut [F]) {
    const HUGE: usize = 2 << 20;
    let start = s.as_mut_ptr() as usize;
    let end = start + std::mem::size_of_val(s);
    let (lo, hi) = (start.next_multiple_of(HUGE), end / HUGE * HUGE);
    if hi > lo {
        // SAFETY: [lo, hi) lies inside the allocation; MADV_HUGEPAGE changes no contents.
        unsafe { libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_HUGEPAGE) };
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages<F>(_: &mut [F]) {}
