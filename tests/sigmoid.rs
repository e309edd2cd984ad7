//! Sigmoid cross-entropy: properties and typed errors (the numbers are checked by tests/golden.rs).

use ndarray::{Array1, ArrayD, IxDyn, arr0, array};
use reweigh::losses::SigmoidCrossEntropy;
use reweigh::{Loss, Reduction, ReweighError};
use rstest::rstest;

mod support;
use support::check_gradient;

fn x() -> ArrayD<f64> {
    array![[2.0, -1.0, 0.3], [0.5, 3.0, -4.0]].into_dyn()
}
fn z() -> ArrayD<f64> {
    array![[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]].into_dyn()
}

#[test]
fn pos_weight_one_equals_plain_loss() {
    let plain = SigmoidCrossEntropy::<f64>::pytorch();
    let q1 = SigmoidCrossEntropy::pytorch().pos_weight(arr0(1.0).into_dyn());
    let a = plain
        .forward(x().view(), z().view())
        .unwrap()
        .scalar()
        .unwrap();
    let b = q1
        .forward(x().view(), z().view())
        .unwrap()
        .scalar()
        .unwrap();
    assert_eq!(a, b);
}

#[test]
fn gradient_matches_central_differences() {
    let loss = SigmoidCrossEntropy::<f64>::keras()
        .pos_weight(array![0.5, 2.0, 4.0].into_dyn())
        .label_smoothing(0.1);
    let sw = array![1.5, 0.25].into_dyn();
    let out = loss
        .forward_backward_weighted(x().view(), z().view(), sw.view())
        .unwrap();
    let f = |a: &ArrayD<f64>| {
        loss.forward_weighted(a.view(), z().view(), sw.view())
            .unwrap()
            .scalar()
            .unwrap()
    };
    check_gradient(f, &out.grad.unwrap(), &x(), 1e-6, 1e-8);
}

#[test]
fn finite_at_extreme_logits() {
    let x = array![[1e30_f32, -1e30, 1e4, -1e4, 88.0, -88.0]].into_dyn();
    for label in [0.0_f32, 1.0] {
        let z = ArrayD::from_elem(IxDyn(&[1, 6]), label);
        let out = SigmoidCrossEntropy::new()
            .forward_backward(x.view(), z.view())
            .unwrap();
        assert!(out.value.into_array().iter().all(|v| v.is_finite()));
        assert!(out.grad.unwrap().iter().all(|v| v.is_finite()));
    }
}

#[test]
fn shape_mismatch_is_named() {
    let z = Array1::<f64>::zeros(3).into_dyn();
    match SigmoidCrossEntropy::new().forward(x().view(), z.view()) {
        Err(ReweighError::ShapeMismatch {
            what,
            expected,
            got,
        }) => {
            assert_eq!(what, "labels");
            assert_eq!(expected, vec![2, 3]);
            assert_eq!(got, vec![3]);
        }
        other => panic!("{other:?}"),
    }
}

#[rstest]
#[case::smoothing_high(SigmoidCrossEntropy::new().label_smoothing(1.5), "label_smoothing")]
#[case::smoothing_negative(SigmoidCrossEntropy::new().label_smoothing(-0.1), "label_smoothing")]
#[case::smoothing_nan(SigmoidCrossEntropy::new().label_smoothing(f64::NAN), "label_smoothing")]
fn invalid_parameters(#[case] loss: SigmoidCrossEntropy<f64>, #[case] name: &str) {
    match loss.forward(x().view(), z().view()) {
        Err(ReweighError::InvalidParameter { name: n, .. }) => assert_eq!(n, name),
        other => panic!("{other:?}"),
    }
}

#[rstest]
#[case::pos_weight_nan(SigmoidCrossEntropy::new().pos_weight(arr0(f64::NAN).into_dyn()))]
#[case::weight_inf(SigmoidCrossEntropy::new().element_weights(array![1.0, f64::INFINITY, 1.0].into_dyn()))]
fn non_finite_weights_are_rejected(#[case] loss: SigmoidCrossEntropy<f64>) {
    assert!(matches!(
        loss.forward(x().view(), z().view()),
        Err(ReweighError::NonFinite { .. })
    ));
}

#[test]
fn pos_weight_that_does_not_broadcast() {
    let loss = SigmoidCrossEntropy::new().pos_weight(array![1.0, 2.0].into_dyn());
    assert!(matches!(
        loss.forward(x().view(), z().view()),
        Err(ReweighError::ShapeMismatch {
            what: "pos_weight",
            ..
        })
    ));
}

#[test]
fn empty_batch_and_scalar_input() {
    let e = ArrayD::<f64>::zeros(IxDyn(&[0, 3]));
    assert!(matches!(
        SigmoidCrossEntropy::new().forward(e.view(), e.view()),
        Err(ReweighError::EmptyBatch { .. })
    ));
    let s = arr0(1.0).into_dyn();
    assert!(matches!(
        SigmoidCrossEntropy::new().forward(s.view(), s.view()),
        Err(ReweighError::BadShape { .. })
    ));
}

#[test]
fn sample_weight_that_does_not_broadcast() {
    let sw = array![1.0, 2.0, 3.0, 4.0].into_dyn();
    let loss = SigmoidCrossEntropy::new().reduction(Reduction::Sum);
    assert!(matches!(
        loss.forward_weighted(x().view(), z().view(), sw.view()),
        Err(ReweighError::ShapeMismatch {
            what: "sample_weight",
            ..
        })
    ));
}

#[test]
fn non_contiguous_views_are_accepted() {
    let big = array![[2.0, 9.0, -1.0, 9.0, 0.3], [0.5, 9.0, 3.0, 9.0, -4.0]].into_dyn();
    let strided = big.slice_each_axis(|ax| {
        if ax.axis.index() == 1 {
            ndarray::Slice::new(0, None, 2)
        } else {
            ndarray::Slice::from(..)
        }
    });
    let loss = SigmoidCrossEntropy::<f64>::pytorch();
    let a = loss.forward(strided.view(), z().view()).unwrap();
    let b = loss.forward(x().view(), z().view()).unwrap();
    assert_eq!(a, b);
}
