//! The asymmetric losses: gradients against central differences (both gradient modes), their
//! relations to the binary and softmax cross-entropies, extremes and errors. Values against timm
//! are in the golden cases (data/reference/asymmetric.json).

use ndarray::{Array2, ArrayD, array};
use reweigh::losses::{
    AsymmetricLoss, SigmoidCrossEntropy, SingleLabelAsymmetricLoss, SparseSoftmaxCrossEntropy,
};
use reweigh::{Loss, Reduction, ReweighError};
use rstest::rstest;

mod support;
use support::{assert_close_rel, check_gradient};

fn x() -> Array2<f64> {
    array![
        [2.5, -0.3, 0.2, -4.0],
        [-1.0, 0.4, 3.0, 0.05],
        [0.1, 1.2, -2.0, 1.0]
    ]
}

fn y_hard() -> Array2<f64> {
    array![
        [1.0, 0.0, 0.0, 1.0],
        [0.0, 0.0, 1.0, 0.0],
        [1.0, 1.0, 0.0, 0.0]
    ]
}

#[rstest]
#[case::timm_defaults(AsymmetricLoss::timm())]
#[case::no_margin(AsymmetricLoss::new().margin(0.0).reduction(Reduction::Sum))]
#[case::big_margin_soft(AsymmetricLoss::new().margin(0.3).gamma_neg(2.0).gamma_pos(0.5).label_smoothing(0.2).reduction(Reduction::Sum))]
#[case::weights(AsymmetricLoss::new().class_weights(array![0.5, 2.0, 1.0, 3.0]).pos_weight(array![4.0].into_dyn()).reduction(Reduction::Sum))]
fn gradient_matches_central_differences(#[case] loss: AsymmetricLoss<f64>) {
    for y in [
        y_hard(),
        array![
            [0.3, 0.9, 0.0, 0.5],
            [1.0, 0.2, 0.7, 0.1],
            [0.0, 0.5, 0.5, 1.0]
        ],
    ] {
        let (x, y) = (x().into_dyn(), y.into_dyn());
        let out = loss.forward_backward(x.view(), y.view()).unwrap();
        let f = |v: &ArrayD<f64>| loss.forward(v.view(), y.view()).unwrap().into_array().sum();
        check_gradient(f, out.grad.as_ref().unwrap(), &x, 1e-6, 1e-7);
        let mut g = ArrayD::zeros(x.raw_dim());
        assert_eq!(
            loss.compute_into(x.view(), y.view(), None, g.view_mut())
                .unwrap(),
            out.value
        );
        assert_eq!(&g, out.grad.as_ref().unwrap());
    }
}

#[test]
fn detached_focal_weight_keeps_the_value_and_drops_its_gradient() {
    let (x, y) = (x().into_dyn(), y_hard().into_dyn());
    let attached = AsymmetricLoss::new().margin(0.1);
    let detached = attached.clone().detach_focal_weight(true);
    let plain = AsymmetricLoss::new()
        .margin(0.1)
        .gamma_neg(0.0)
        .gamma_pos(0.0);
    let a = attached.forward_backward(x.view(), y.view()).unwrap();
    let d = detached.forward_backward(x.view(), y.view()).unwrap();
    let p = plain.forward_backward(x.view(), y.view()).unwrap();
    assert_eq!(a.value, d.value);
    // with the focusing factor constant: ∂l = b^γ·∂l₀, b^γ = l / l₀ element by element
    let (va, vp) = (a.value.into_array(), p.value.into_array());
    let want = &p.grad.unwrap() * &(&va / &vp);
    assert_close_rel("detached grad", &d.grad.unwrap(), &want, 1e-12, 1e-15);
    assert!(a.grad.unwrap() != want);
}

#[test]
fn no_focusing_no_margin_no_clamp_is_the_binary_cross_entropy() {
    let (x, y) = (x().into_dyn(), y_hard().into_dyn());
    let asl = AsymmetricLoss::new()
        .gamma_neg(0.0)
        .gamma_pos(0.0)
        .margin(0.0)
        .epsilon(0.0)
        .reduction(Reduction::Sum);
    let bce = SigmoidCrossEntropy::new().reduction(Reduction::Sum);
    let a = asl.forward_backward(x.view(), y.view()).unwrap();
    let b = bce.forward_backward(x.view(), y.view()).unwrap();
    assert_close_rel(
        "value",
        &a.value.into_array(),
        &b.value.into_array(),
        1e-14,
        0.0,
    );
    assert_close_rel("grad", &a.grad.unwrap(), &b.grad.unwrap(), 1e-14, 1e-16);
}

#[test]
fn reductions_follow_timm() {
    let (x, y) = (x().into_dyn(), y_hard().into_dyn());
    let none = AsymmetricLoss::new()
        .forward(x.view(), y.view())
        .unwrap()
        .into_array();
    let total = none.sum();
    let batchmean = AsymmetricLoss::timm()
        .forward(x.view(), y.view())
        .unwrap()
        .scalar()
        .unwrap();
    let sum = AsymmetricLoss::original()
        .forward(x.view(), y.view())
        .unwrap()
        .scalar()
        .unwrap();
    let mean = AsymmetricLoss::new()
        .reduction(Reduction::SumOverBatchSize)
        .forward(x.view(), y.view())
        .unwrap()
        .scalar()
        .unwrap();
    assert!((batchmean - total / 3.0).abs() < 1e-14);
    assert!((sum - total).abs() < 1e-14);
    assert!((mean - total / 12.0).abs() < 1e-14);
}

#[test]
fn extreme_logits_stay_finite() {
    let x = array![[1e4_f32, -1e4, 88.0, -88.0], [30.0, -30.0, 0.0, 1e30]].into_dyn();
    let y = array![[1.0_f32, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0]].into_dyn();
    for loss in [
        AsymmetricLoss::timm(),
        AsymmetricLoss::timm().margin(0.0),
        AsymmetricLoss::timm().gamma_pos(0.5),
    ] {
        let out = loss.forward_backward(x.view(), y.view()).unwrap();
        assert!(out.value.scalar().unwrap().is_finite());
        let g = out.grad.unwrap();
        assert!(g.iter().all(|g| g.is_finite()), "{loss:?}: {g}");
    }
}

#[rstest]
#[case::timm(SingleLabelAsymmetricLoss::timm())]
#[case::gamma_half(SingleLabelAsymmetricLoss::new().gamma_pos(0.5).gamma_neg(2.5).label_smoothing(0.3))]
#[case::gamma_zero_pos(SingleLabelAsymmetricLoss::new().gamma_pos(0.0).reduction(Reduction::Sum))]
fn single_label_gradient_matches_central_differences(#[case] loss: SingleLabelAsymmetricLoss<f64>) {
    let x = x().into_dyn();
    let y = array![0_i64, 2, 1].into_dyn();
    let out = loss.forward_backward(x.view(), y.view()).unwrap();
    let f = |v: &ArrayD<f64>| loss.forward(v.view(), y.view()).unwrap().into_array().sum();
    check_gradient(f, out.grad.as_ref().unwrap(), &x, 1e-6, 1e-7);
}

#[test]
fn single_label_without_focusing_is_the_smoothed_cross_entropy() {
    let x = x().into_dyn();
    let y = array![0_i64, 2, 1].into_dyn();
    let asl = SingleLabelAsymmetricLoss::new()
        .gamma_pos(0.0)
        .gamma_neg(0.0)
        .label_smoothing(0.2);
    let ce = SparseSoftmaxCrossEntropy::new().label_smoothing(0.2);
    let a = asl.forward_backward(x.view(), y.view()).unwrap();
    let b = ce.forward_backward(x.view(), y.view()).unwrap();
    assert_close_rel(
        "value",
        &a.value.into_array(),
        &b.value.into_array(),
        1e-14,
        0.0,
    );
    assert_close_rel("grad", &a.grad.unwrap(), &b.grad.unwrap(), 1e-13, 1e-16);
}

#[test]
fn single_label_is_finite_where_autograd_is_not() {
    // p_y = 1 in f64 and γ₊ = 0.5: autograd's 0^(−0.5)·0 is NaN; the limit is 0
    let x = array![[800.0_f64, 0.0, -3.0]].into_dyn();
    let loss = SingleLabelAsymmetricLoss::new()
        .gamma_pos(0.5)
        .label_smoothing(0.0);
    let out = loss.forward_backward(x.view(), &array![0_i64]).unwrap();
    assert!(out.value.into_array()[0].abs() < 1e-300);
    assert!(out.grad.unwrap().iter().all(|g| g.is_finite()));
}

#[test]
fn bad_options_and_inputs_are_errors() {
    let (x, y) = (x().into_dyn(), y_hard().into_dyn());
    let bad = [
        AsymmetricLoss::new().gamma_neg(-1.0),
        AsymmetricLoss::new().margin(1.5),
        AsymmetricLoss::new().epsilon(1.0),
        AsymmetricLoss::new().label_smoothing(1.0),
        AsymmetricLoss::new().class_weights(array![1.0, 2.0]),
        AsymmetricLoss::new().pos_weight(array![1.0, 2.0].into_dyn()),
        AsymmetricLoss::new().pos_weight(array![f64::NAN].into_dyn()),
    ];
    for loss in bad {
        assert!(loss.forward(x.view(), y.view()).is_err(), "{loss:?}");
    }
    let mut nan = y.clone();
    nan[[0, 0]] = f64::NAN;
    assert!(matches!(
        AsymmetricLoss::new().forward(x.view(), nan.view()),
        Err(ReweighError::NonFinite { .. })
    ));
    assert!(
        AsymmetricLoss::new()
            .forward(x.view(), y.slice(ndarray::s![.., ..2]).into_dyn())
            .is_err()
    );
    let single = SingleLabelAsymmetricLoss::<f64>::new();
    assert!(single.forward(x.view(), &array![0_i64, 9, 1]).is_err());
    assert!(
        single
            .clone()
            .gamma_pos(f64::NAN)
            .forward(x.view(), &array![0_i64, 1, 1])
            .is_err()
    );
    let flat = array![1.0, 2.0].into_dyn();
    assert!(
        single
            .forward(flat.view(), ndarray::arr0(0_i64).view().into_dyn())
            .is_err()
    );
}
