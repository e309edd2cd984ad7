//! The shared test helpers (tests/support/mod.rs) fail when they should: every gradient check in
//! tests/ relies on them.

use ndarray::{ArrayD, array};

mod support;
use support::{assert_close_abs, assert_close_rel, check_gradient, rel_err};

fn square_sum(x: &ArrayD<f64>) -> f64 {
    x.mapv(|v| v * v).sum()
}

#[test]
fn a_correct_gradient_passes() {
    let x = array![[1.0, -2.0], [3.0, 0.5]].into_dyn();
    check_gradient(square_sum, &(&x * 2.0), &x, 1e-6, 1e-7);
}

#[test]
#[should_panic(expected = "1 of 4 elements off by 1e-7 or more; worst at [1, 0]")]
fn a_wrong_element_is_named() {
    let x = array![[1.0, -2.0], [3.0, 0.5]].into_dyn();
    let mut g = &x * 2.0;
    g[[1, 0]] += 1e-6;
    check_gradient(square_sum, &g, &x, 1e-6, 1e-7);
}

#[test]
#[should_panic(expected = "analytic NaN")]
fn a_nan_gradient_fails() {
    let x = array![1.0, 2.0];
    check_gradient(
        |x| x.mapv(|v| v * v).sum(),
        &array![2.0, f64::NAN],
        &x,
        1e-6,
        1e-7,
    );
}

#[test]
fn closeness_rules() {
    let nan_inf = array![1.0, f64::NAN, f64::INFINITY];
    assert_close_rel("same non-finite", &nan_inf, &nan_inf.clone(), 0.0, 0.0);
    assert_close_rel("floor", &array![1e-9], &array![0.0], 1e-3, 1e-5);
    assert_close_abs("abs", &array![1.0, 2.0], &array![1.0, 2.0 + 1e-9], 1e-8);
    assert_eq!(rel_err(1.5, 1.0), 0.5);
    assert_eq!(rel_err(-0.25, 0.0), 0.25);
}

#[test]
#[should_panic(expected = "worst at [1]: got NaN, want 2e0")]
fn rel_nan_against_a_number_fails() {
    assert_close_rel("w", &array![1.0, f64::NAN], &array![1.0, 2.0], 1e-3, 0.0);
}

#[test]
#[should_panic(expected = "2 of 3 elements not within abs 1e-3; worst at [2]")]
fn abs_names_the_worst_element() {
    assert_close_abs("b", &array![1.0, 2.01, 3.1], &array![1.0, 2.0, 3.0], 1e-3);
}
