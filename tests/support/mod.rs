//! Helpers shared by the root test files: a central-difference gradient checker and closeness
//! assertions that name the worst element when they fail.
//!
//! A test file includes it with `mod support;` (cargo does not build `tests/support/` as a test
//! of its own). A suite crate's test can include the same file with
//! `#[path = "../../../tests/support/mod.rs"] mod support;` (from `crates/<crate>/tests/*.rs`); it
//! needs only `ndarray`.
//!
//! Every file uses part of the module, hence `dead_code` is allowed here.
#![allow(dead_code)]

use ndarray::{Array, ArrayBase, Data, Dimension, IntoDimension};

/// Checks `grad`, the analytic gradient of `f` at `x`, against central differences
/// `(f(x + h·e_i) − f(x − h·e_i)) / 2h`, one element of `x` at a time: every element must satisfy
/// `|fd − grad| < tol` (a NaN on either side fails). On failure it panics with the number of bad
/// elements and the worst one (index, analytic value, finite difference), at the caller's line.
#[track_caller]
pub fn check_gradient<D, S, T>(
    f: impl Fn(&Array<f64, D>) -> f64,
    grad: &ArrayBase<S, D>,
    x: &ArrayBase<T, D>,
    h: f64,
    tol: f64,
) where
    D: Dimension,
    S: Data<Elem = f64>,
    T: Data<Elem = f64>,
{
    assert_eq!(
        grad.shape(),
        x.shape(),
        "gradient and point have different shapes"
    );
    let mut bad = 0;
    let mut worst: Option<(f64, usize, f64, f64)> = None;
    for (i, (idx, &g)) in grad.indexed_iter().enumerate() {
        let (mut xp, mut xm) = (x.to_owned(), x.to_owned());
        let at = idx.into_dimension();
        xp[at.clone()] += h;
        xm[at] -= h;
        let fd = (f(&xp) - f(&xm)) / (2.0 * h);
        let err = nan_is_infinite((fd - g).abs());
        if err >= tol {
            bad += 1;
            if worst.as_ref().is_none_or(|w| err > w.0) {
                worst = Some((err, i, g, fd));
            }
        }
    }
    if let Some((_, i, g, fd)) = worst {
        panic!(
            "gradient against central differences (h = {h:e}): {bad} of {} elements off by \
             {tol:e} or more; worst at {:?}: analytic {g:e}, finite difference {fd:e}, \
             |difference| {:e}",
            grad.len(),
            unravel(i, grad.shape()),
            (fd - g).abs()
        );
    }
}

/// `|a − b| / |b|`, or `|a|` when `b` is 0.
pub fn rel_err(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        a.abs()
    } else {
        ((a - b) / b).abs()
    }
}

/// Asserts `|got − want| ≤ rel·max(|want|, floor)` element by element (`floor` = 0: purely
/// relative); non-finite values must be equal (NaN meets NaN, ∞ the same ∞). Shapes must agree.
#[track_caller]
pub fn assert_close_rel<S, T, D>(
    what: &str,
    got: &ArrayBase<S, D>,
    want: &ArrayBase<T, D>,
    rel: f64,
    floor: f64,
) where
    S: Data<Elem = f64>,
    T: Data<Elem = f64>,
    D: Dimension,
{
    assert_close_by(
        what,
        got,
        want,
        &format!("rel {rel:e}, floor {floor:e}"),
        |g, w| {
            if !(g.is_finite() && w.is_finite()) {
                return if (g.is_nan() && w.is_nan()) || g == w {
                    None
                } else {
                    Some(f64::INFINITY)
                };
            }
            let (d, allowed) = ((g - w).abs(), rel * w.abs().max(floor));
            (d > allowed).then_some(d)
        },
    );
}

/// Asserts `|got − want| ≤ tol` element by element (a NaN or ∞ on either side fails). Shapes must
/// agree.
#[track_caller]
pub fn assert_close_abs<S, T, D>(
    what: &str,
    got: &ArrayBase<S, D>,
    want: &ArrayBase<T, D>,
    tol: f64,
) where
    S: Data<Elem = f64>,
    T: Data<Elem = f64>,
    D: Dimension,
{
    assert_close_by(what, got, want, &format!("abs {tol:e}"), |g, w| {
        let d = nan_is_infinite((g - w).abs());
        (d > tol).then_some(d)
    });
}

/// Runs `off(got, want)` (the error of a failing element, `None` for a passing one) over the
/// elements and panics naming the worst failure.
#[track_caller]
fn assert_close_by<S, T, D>(
    what: &str,
    got: &ArrayBase<S, D>,
    want: &ArrayBase<T, D>,
    tol: &str,
    off: impl Fn(f64, f64) -> Option<f64>,
) where
    S: Data<Elem = f64>,
    T: Data<Elem = f64>,
    D: Dimension,
{
    assert_eq!(got.shape(), want.shape(), "{what}: shapes");
    let mut bad = 0;
    let mut worst: Option<(f64, usize, f64, f64)> = None;
    for (i, (&g, &w)) in got.iter().zip(want.iter()).enumerate() {
        if let Some(err) = off(g, w) {
            bad += 1;
            if worst.as_ref().is_none_or(|x| err > x.0) {
                worst = Some((err, i, g, w));
            }
        }
    }
    if let Some((_, i, g, w)) = worst {
        let (idx, err) = (unravel(i, got.shape()), (g - w).abs());
        panic!(
            "{what}: {bad} of {} elements not within {tol}; worst at {idx:?}: got {g:e}, want \
             {w:e}, |difference| {err:e}",
            got.len()
        );
    }
}

/// A NaN error counts as the worst one.
fn nan_is_infinite(err: f64) -> f64 {
    if err.is_nan() { f64::INFINITY } else { err }
}

/// The index of the `i`-th element in logical (row-major) order of an array of `shape`.
fn unravel(mut i: usize, shape: &[usize]) -> Vec<usize> {
    let mut idx = vec![0; shape.len()];
    for (k, &n) in shape.iter().enumerate().rev() {
        idx[k] = i % n;
        i /= n;
    }
    idx
}
