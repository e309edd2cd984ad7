//! Focal losses: errors, limits, accuracy where the frameworks lose it, and consistency with the
//! cross-entropies they generalise. Values against the frameworks are in the golden cases
//! (data/reference/focal.json); the exact values here come from mpmath at 60 digits.
#![allow(clippy::excessive_precision)] // mpmath values printed to 17 significant digits

use ndarray::{Array1, ArrayD, Axis, array};
use reweigh::losses::{
    BinaryFocalLoss, CategoricalFocalLoss, SigmoidCrossEntropy, SparseCategoricalFocalLoss,
    focal_term,
};
use reweigh::math::log_softmax;
use reweigh::{Framework, Loss, Reduction, ReweighError};
use rstest::rstest;

mod support;
use support::{check_gradient, rel_err};

fn binary_value_grad(loss: &BinaryFocalLoss<f64>, x: f64, z: f64) -> (f64, f64) {
    let out = loss
        .forward_backward(array![x].into_dyn().view(), array![z].into_dyn().view())
        .unwrap();
    (out.value.into_array()[[0]], out.grad.unwrap()[[0]])
}

// mpmath (dps=60): at·ce·q^γ with ce = z·log(1+e^−x) + (1−z)·log(1+e^x), q = z/(1+e^x) + (1−z)/(1+e^−x),
// and its derivative by mp.diff.
#[rstest]
#[case::torchvision_loses_1_percent(-30.0, 0.0, 0.5, Some(0.25), 2.1468889354118443e-20, 3.2203334031175656e-20)]
#[case::keras_loses_8e_5(30.0, 1.0, 0.5, Some(0.25), 7.1562964513728145e-21, -1.0734444677058552e-20)]
#[case::deep_negative(-88.0, 0.0, 2.0, None, 2.2195083209728138e-115, 6.6585249629184415e-115)]
#[case::wrong_side(-30.0, 1.0, 0.25, None, 29.999999999999392, -1.0000000000005849)]
#[case::nan_gradient_in_frameworks(60.0, 1.0, 0.25, Some(0.25), 6.6965924045201949e-34, -8.3707405056502436e-34)]
fn binary_focal_is_exact_at_large_logits(
    #[case] x: f64,
    #[case] z: f64,
    #[case] gamma: f64,
    #[case] alpha: Option<f64>,
    #[case] value: f64,
    #[case] grad: f64,
) {
    let mut loss = BinaryFocalLoss::new().gamma(gamma);
    if let Some(a) = alpha {
        loss = loss.alpha(a);
    }
    let (v, g) = binary_value_grad(&loss, x, z);
    assert!(rel_err(v, value) < 1e-13, "value {v:e} vs {value:e}");
    assert!(rel_err(g, grad) < 1e-13, "grad {g:e} vs {grad:e}");
}

#[rstest]
fn binary_focal_gradients_are_finite_where_autograd_is_nan(
    #[values(0.0, 0.25, 0.5, 0.99)] gamma: f64,
    #[values(1e4, -1e4, 88.0, -88.0, 800.0, -800.0, 1e30, -1e30)] x: f64,
    #[values(0.0, 1.0)] z: f64,
) {
    let (v, g) = binary_value_grad(&BinaryFocalLoss::torchvision().gamma(gamma), x, z);
    assert!(
        v.is_finite() && g.is_finite(),
        "x={x} z={z} γ={gamma}: {v} {g}"
    );
    let a_t = if z == 1.0 { 0.25 } else { 0.75 };
    let wrong = (x > 0.0) != (z == 1.0);
    if wrong {
        // ce ≈ |x|, q ≈ 1: the gradient tends to ±α_t.
        assert!((g.abs() - a_t).abs() < 1e-12, "{g}");
    } else {
        assert!((0.0..1e-30).contains(&v) && g.abs() < 1e-30, "{v} {g}");
    }
    let (v32, g32) = {
        let out = BinaryFocalLoss::<f32>::torchvision()
            .gamma(gamma as f32)
            .forward_backward(
                array![x as f32].into_dyn().view(),
                array![z as f32].into_dyn().view(),
            )
            .unwrap();
        (out.value.into_array()[[0]], out.grad.unwrap()[[0]])
    };
    assert!(v32.is_finite() && g32.is_finite());
}

#[rstest]
fn gamma_zero_is_binary_cross_entropy(
    #[values(0.0, 0.1)] eps: f64,
    #[values(Framework::PyTorch, Framework::Keras)] fw: Framework,
) {
    let x = array![[2.0_f64, -1.0, 0.3], [0.5, 3.0, -7.0]].into_dyn();
    let z = array![[1.0_f64, 0.0, 0.4], [0.0, 1.0, 1.0]].into_dyn();
    let sw = array![0.5_f64, 2.0].into_dyn();
    let (focal, bce) = match fw {
        Framework::Keras => (BinaryFocalLoss::keras(), SigmoidCrossEntropy::keras()),
        _ => (
            BinaryFocalLoss::new()
                .no_alpha()
                .reduction(Framework::PyTorch.default_reducer()),
            SigmoidCrossEntropy::pytorch(),
        ),
    };
    let focal = focal.gamma(0.0).label_smoothing(eps);
    let bce = bce.label_smoothing(eps);
    let sw = if fw == Framework::Keras {
        sw
    } else {
        sw.insert_axis(Axis(1))
    };
    let a = focal
        .compute(x.view(), z.view(), Some(sw.view()), true)
        .unwrap();
    let b = bce
        .compute(x.view(), z.view(), Some(sw.view()), true)
        .unwrap();
    let (va, vb) = (a.value.scalar().unwrap(), b.value.scalar().unwrap());
    assert!(rel_err(va, vb) < 1e-14, "{va} vs {vb}");
    for (ga, gb) in a.grad.unwrap().iter().zip(b.grad.unwrap().iter()) {
        assert!((ga - gb).abs() < 1e-15, "{ga} vs {gb}");
    }
}

#[test]
fn torchvision_alpha_minus_one_means_no_alpha() {
    let x = array![[0.3_f64, -2.0]].into_dyn();
    let z = array![[1.0_f64, 0.0]].into_dyn();
    let a = BinaryFocalLoss::torchvision().torchvision_alpha(-1.0);
    let b = BinaryFocalLoss::torchvision().no_alpha();
    assert_eq!(
        a.forward_backward(x.view(), z.view()).unwrap(),
        b.forward_backward(x.view(), z.view()).unwrap()
    );
}

#[test]
fn binary_focal_gradient_matches_finite_differences_through_reductions() {
    let x = array![[0.7_f64, -1.3, 2.2], [0.1, -0.4, 1.9]].into_dyn();
    let z = array![[1.0_f64, 0.0, 0.3], [0.0, 1.0, 1.0]].into_dyn();
    let sw = array![0.3_f64, 1.7].into_dyn();
    for loss in [
        BinaryFocalLoss::keras()
            .alpha(0.3)
            .gamma(1.5)
            .label_smoothing(0.2),
        BinaryFocalLoss::torchvision()
            .gamma(0.5)
            .reduction(Reduction::SumOverBatchSize)
            .mean_last_axis(true),
    ] {
        let f = |x: &ArrayD<f64>| {
            loss.compute(x.view(), z.view(), Some(sw.view()), false)
                .unwrap()
                .value
                .scalar()
                .unwrap()
        };
        let g = loss
            .compute(x.view(), z.view(), Some(sw.view()), true)
            .unwrap()
            .grad
            .unwrap();
        check_gradient(f, &g, &x, 1e-6, 1e-8);
    }
}

#[test]
fn non_contiguous_views_give_the_same_result() {
    let x = array![[0.7_f64, -1.3], [2.2, 0.1], [-0.4, 1.9]];
    let z = array![[1.0_f64, 0.0], [0.0, 1.0], [1.0, 1.0]];
    let xt = x.t().to_owned();
    let zt = z.t().to_owned();
    let bin = BinaryFocalLoss::keras().alpha(0.4);
    let a = bin
        .forward_backward(x.t().into_dyn(), z.t().into_dyn())
        .unwrap();
    let b = bin.forward_backward(&xt, &zt).unwrap();
    assert_eq!(a, b);
    let cat = CategoricalFocalLoss::keras().gamma(1.5);
    let a = cat
        .forward_backward(x.t().into_dyn(), z.t().into_dyn())
        .unwrap();
    let b = cat.forward_backward(&xt, &zt).unwrap();
    assert_eq!(a, b);
    let stepped = x.slice(ndarray::s![..;2, ..]);
    let zs = z.slice(ndarray::s![..;2, ..]);
    let a = cat
        .forward_backward(stepped.into_dyn(), zs.into_dyn())
        .unwrap();
    let b = cat
        .forward_backward(
            stepped.to_owned().view().into_dyn(),
            zs.to_owned().view().into_dyn(),
        )
        .unwrap();
    assert_eq!(a, b);
}

// mpmath (dps=60): α·(1 − p_k)^γ·(−ln p_k), p = softmax(x), gradient by mp.diff.
#[rstest]
#[case::keras_loses_6_percent_in_f32(
    [16.0, 0.0, 0.0], 0, 0.0, 0.25, 5.6267581027547733e-8,
    [-5.6267574695466858e-8, 2.8133787347733429e-8, 2.8133787347733429e-8]
)]
#[case::gamma_2(
    [16.0, 0.0, 0.0], 0, 2.0, 0.25, 2.8503265616716053e-21,
    [-8.5509780812051769e-21, 4.2754890406025884e-21, 4.2754890406025884e-21]
)]
#[case::very_confident(
    [40.0, 0.0, 1.0], 0, 0.5, 1.0, 6.2783358236135691e-26,
    [-9.4175037354203535e-26, 2.5327568403611883e-26, 6.8847468950591652e-26]
)]
#[case::very_wrong([40.0, 0.0, 1.0], 1, 0.5, 1.0, 40.0, [1.0000000000000001, -1.0000000000000001, 1.1548224173015787e-17])]
fn categorical_focal_is_exact_for_confident_predictions(
    #[case] x: [f64; 3],
    #[case] label: i64,
    #[case] gamma: f64,
    #[case] alpha: f64,
    #[case] value: f64,
    #[case] grad: [f64; 3],
) {
    let loss = CategoricalFocalLoss::new().gamma(gamma).alpha(alpha);
    let x = Array1::from(x.to_vec()).insert_axis(Axis(0)).into_dyn();
    let out = SparseCategoricalFocalLoss::new(loss)
        .compute(x.view(), array![label].into_dyn().view(), None, true)
        .unwrap();
    let v = out.value.into_array()[[0]];
    assert!(rel_err(v, value) < 1e-13, "value {v:e} vs {value:e}");
    let g = out.grad.unwrap();
    for (j, &e) in grad.iter().enumerate() {
        assert!(
            rel_err(g[[0, j]], e) < 1e-12,
            "grad[{j}] {:e} vs {e:e}",
            g[[0, j]]
        );
    }
}

#[test]
fn categorical_gamma_zero_without_clip_is_softmax_cross_entropy() {
    let x = array![[0.3_f64, -1.2, 2.0, 0.1], [1.0, 1.5, -0.5, 0.0]];
    let y = array![[0.0_f64, 0.2, 0.8, 0.0], [1.0, 0.0, 0.0, 0.0]];
    let loss = CategoricalFocalLoss::new().gamma(0.0);
    let out = loss.forward(&x, &y).unwrap();
    let v = out.into_array();
    for i in 0..2 {
        let lp = log_softmax(x.row(i));
        let ce = -(&y.row(i) * &lp).sum();
        assert!(rel_err(v[[i]], ce) < 1e-15, "{} vs {ce}", v[[i]]);
    }
}

#[test]
fn keras_clip_bounds_are_rounded_to_the_dtype() {
    // keras.losses.CategoricalFocalCrossentropy(alpha=1.0, gamma=0.0, from_logits=True,
    //   reduction=None)([[0., 1.]], [[0., 30.]]) = 1.1920929e-07 (float32): −ln(f32(1 − 1e-7))
    let loss = CategoricalFocalLoss::<f32>::keras()
        .alpha(1.0)
        .gamma(0.0)
        .reduction(Reduction::None);
    let v = loss
        .forward(
            array![[0.0_f32, 30.0]].into_dyn().view(),
            array![[0.0_f32, 1.0]].into_dyn().view(),
        )
        .unwrap()
        .into_array();
    assert_eq!(v[[0]], 1.192_092_9e-7_f32);
    // float64: −ln(1 − 1e-7)
    let v = CategoricalFocalLoss::<f64>::keras()
        .alpha(1.0)
        .gamma(0.0)
        .reduction(Reduction::None)
        .forward(
            array![[0.0_f64, 30.0]].into_dyn().view(),
            array![[0.0_f64, 1.0]].into_dyn().view(),
        )
        .unwrap()
        .into_array();
    assert!(rel_err(v[[0]], -(1.0_f64 - 1e-7).ln()) < 1e-15);
}

#[test]
fn keras_alpha_list_is_rounded_to_float32() {
    let x = array![[0.0_f64, 0.0]].into_dyn();
    let y = array![[1.0_f64, 0.0]].into_dyn();
    let loss = CategoricalFocalLoss::new()
        .gamma(0.0)
        .keras_alpha_list(&[0.1, 0.7])
        .reduction(Reduction::Sum);
    let v = loss.forward(x.view(), y.view()).unwrap().scalar().unwrap();
    assert_eq!(v, 0.1_f32 as f64 * std::f64::consts::LN_2);
}

#[test]
fn sparse_labels_equal_one_hot_labels_with_smoothing_and_weights() {
    let x = array![
        [[0.3_f64, -1.2, 2.0], [1.0, 1.5, -0.5]],
        [[0.0, 0.1, 0.2], [5.0, -5.0, 0.0]]
    ]
    .into_dyn();
    let labels = array![[2_i64, 0], [1, 1]].into_dyn();
    let mut y = ArrayD::<f64>::zeros(x.shape());
    for (idx, &l) in labels.indexed_iter() {
        y[[idx[0], idx[1], l as usize]] = 1.0;
    }
    let sw = array![[1.0_f64, 0.5], [2.0, 0.0]].into_dyn();
    let loss = CategoricalFocalLoss::keras()
        .label_smoothing(0.1)
        .class_weights(array![0.2, 0.5, 1.0]);
    let a = SparseCategoricalFocalLoss::new(loss.clone())
        .compute(x.view(), labels.view(), Some(sw.view()), true)
        .unwrap();
    let b = loss
        .compute(x.view(), y.view(), Some(sw.view()), true)
        .unwrap();
    assert_eq!(a, b);
}

#[rstest]
#[case::negative(-1)]
#[case::too_large(3)]
fn sparse_label_out_of_range_is_an_error(#[case] label: i64) {
    let x = array![[0.3_f64, -1.2, 2.0]].into_dyn();
    let err = SparseCategoricalFocalLoss::<f64>::keras()
        .compute(x.view(), array![label].into_dyn().view(), None, false)
        .unwrap_err();
    assert_eq!(
        err,
        ReweighError::LabelOutOfRange {
            label,
            index: 0,
            num_classes: 3
        }
    );
}

fn binary_err(loss: BinaryFocalLoss<f64>, x: ArrayD<f64>, z: ArrayD<f64>) -> ReweighError {
    loss.forward(x.view(), z.view()).unwrap_err()
}

#[rstest]
#[case::negative_gamma(BinaryFocalLoss::new().gamma(-0.5), "gamma")]
#[case::nan_gamma(BinaryFocalLoss::new().gamma(f64::NAN), "gamma")]
#[case::infinite_gamma(BinaryFocalLoss::new().gamma(f64::INFINITY), "gamma")]
#[case::alpha_above_one(BinaryFocalLoss::new().alpha(1.5), "alpha")]
#[case::torchvision_alpha_negative(BinaryFocalLoss::torchvision().torchvision_alpha(-0.5), "alpha")]
#[case::smoothing_above_one(BinaryFocalLoss::keras().label_smoothing(1.5), "label_smoothing")]
#[case::smoothing_negative(BinaryFocalLoss::keras().label_smoothing(-0.1), "label_smoothing")]
fn binary_focal_parameter_errors(#[case] loss: BinaryFocalLoss<f64>, #[case] name: &str) {
    let err = binary_err(loss, array![[0.5]].into_dyn(), array![[1.0]].into_dyn());
    assert!(
        matches!(err, ReweighError::InvalidParameter { name: n, .. } if n == name),
        "{err}"
    );
}

#[rstest]
#[case::label_above_one(array![[0.5, 0.1]].into_dyn(), array![[1.5, 0.0]].into_dyn())]
#[case::label_negative(array![[0.5, 0.1]].into_dyn(), array![[-0.5, 0.0]].into_dyn())]
#[case::shape_mismatch(array![[0.5, 0.1]].into_dyn(), array![[1.0]].into_dyn())]
#[case::empty(ArrayD::zeros(vec![0, 3]), ArrayD::zeros(vec![0, 3]))]
#[case::scalar(ArrayD::zeros(vec![]), ArrayD::zeros(vec![]))]
fn binary_focal_input_errors(#[case] x: ArrayD<f64>, #[case] z: ArrayD<f64>) {
    assert!(
        BinaryFocalLoss::torchvision()
            .forward(x.view(), z.view())
            .is_err()
    );
}

#[test]
fn binary_focal_label_nan_is_an_error() {
    let err = binary_err(
        BinaryFocalLoss::new(),
        array![[0.5]].into_dyn(),
        array![[f64::NAN]].into_dyn(),
    );
    assert!(
        matches!(err, ReweighError::NonFinite { what: "labels", .. }),
        "{err}"
    );
}

#[test]
fn binary_focal_bad_sample_weight_shape_is_an_error() {
    let x = array![[0.5, 0.1], [0.2, 0.3]].into_dyn();
    let sw = array![1.0, 2.0, 3.0].into_dyn();
    let err = BinaryFocalLoss::keras()
        .forward_weighted(x.view(), x.view(), sw.view())
        .unwrap_err();
    assert!(matches!(err, ReweighError::ShapeMismatch { .. }), "{err}");
}

#[rstest]
#[case::negative_gamma(CategoricalFocalLoss::keras().gamma(-1.0))]
#[case::negative_alpha(CategoricalFocalLoss::keras().alpha(-2.0))]
#[case::nan_alpha(CategoricalFocalLoss::keras().class_weights(array![0.1, f64::NAN, 0.3]))]
#[case::short_alpha_list(CategoricalFocalLoss::keras().keras_alpha_list(&[0.1, 0.2]))]
#[case::smoothing(CategoricalFocalLoss::keras().label_smoothing(1.5))]
#[case::clip_epsilon(CategoricalFocalLoss::keras().epsilon(0.7))]
fn categorical_focal_parameter_errors(#[case] loss: CategoricalFocalLoss<f64>) {
    let x = array![[0.3, -1.2, 2.0]].into_dyn();
    let y = array![[0.0, 1.0, 0.0]].into_dyn();
    assert!(loss.forward(x.view(), y.view()).is_err());
}

#[test]
fn categorical_focal_input_errors() {
    let loss = CategoricalFocalLoss::<f64>::keras();
    let x = array![[0.3, -1.2, 2.0]].into_dyn();
    assert!(
        loss.forward(x.view(), array![[0.0, 1.0]].into_dyn().view())
            .is_err()
    );
    let e = ArrayD::<f64>::zeros(vec![2, 0]);
    assert!(loss.forward(e.view(), e.view()).is_err());
    assert!(
        SparseCategoricalFocalLoss::new(loss.clone())
            .compute(x.view(), array![[1_i64]].into_dyn().view(), None, false)
            .is_err()
    );
}

#[rstest]
fn focal_term_curve(#[values(0.01, 0.3, 0.5, 0.9, 0.999)] p: f64) {
    assert_eq!(focal_term(p, 0.0), -p.ln());
    let mut last = f64::INFINITY;
    for gamma in [0.0, 0.5, 1.0, 2.0, 5.0] {
        let v = focal_term(p, gamma);
        assert!(v > 0.0 && v < last, "p={p} γ={gamma}");
        assert!(rel_err(v, (1.0 - p).powf(gamma) * -p.ln()) < 1e-15);
        last = v;
    }
}
