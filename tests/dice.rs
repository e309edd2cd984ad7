//! The Dice, Tversky and focal-Tversky losses: closed-form gradients against central
//! differences, the relations between the presets, the regressions the property suite found and
//! the errors. Values against Keras and segmentation_models_pytorch are in the golden cases
//! (data/reference/dice.json), against pytorch_optimizer in dice_pytorch_optimizer.json (kornia's
//! per-sample losses: tests/per_sample_tversky.rs).

use ndarray::{Array1, ArrayD, array};
use reweigh::losses::{
    Intersection, ScoreForm, SegmentationMode, SegmentationTverskyLoss,
    SparseSegmentationTverskyLoss, TverskyLoss,
};
use reweigh::{Loss, Reduction, ReweighError};
use rstest::rstest;

mod support;
use support::check_gradient;

fn probs() -> ArrayD<f64> {
    array![
        [[0.2, 0.9, 0.4], [0.7, 0.1, 0.5]],
        [[0.3, 0.3, 0.8], [0.6, 0.05, 0.95]]
    ]
    .into_dyn()
}

fn hard() -> ArrayD<f64> {
    array![
        [[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]],
        [[0.0, 0.0, 1.0], [1.0, 0.0, 1.0]]
    ]
    .into_dyn()
}

fn logits() -> ArrayD<f64> {
    array![
        [[1.5, -0.3, 0.2], [-1.0, 0.4, 3.0]],
        [[0.1, 0.7, -2.0], [2.0, -4.0, 0.5]]
    ]
    .into_dyn()
}

#[rstest]
#[case::dice_all_axes(TverskyLoss::keras_dice(), None)]
#[case::dice_axis_1_2(TverskyLoss::keras_dice(), Some(vec![1, 2]))]
#[case::tversky_last(TverskyLoss::keras_tversky(0.7, 0.3), Some(vec![-1]))]
#[case::tversky_leading(TverskyLoss::keras_tversky(0.2, 0.9), Some(vec![0]))]
fn keras_gradient_matches_central_differences(
    #[case] loss: TverskyLoss<f64>,
    #[case] axis: Option<Vec<i64>>,
) {
    let loss = loss.axis(axis).reduction(Reduction::Sum);
    let (x, y) = (probs(), hard());
    let sw = array![[0.5], [2.0]].into_dyn();
    let sw = sw.broadcast(vec![2, 1, 1]).map(|v| v.to_owned());
    for w in [None, sw] {
        let out = loss
            .compute(x.view(), y.view(), w.as_ref().map(|w| w.view()), true)
            .unwrap_or_else(|e| panic!("{e}"));
        let f = |v: &ArrayD<f64>| {
            loss.compute(v.view(), y.view(), w.as_ref().map(|w| w.view()), false)
                .ok()
                .and_then(|o| o.value.scalar())
                .unwrap_or(f64::NAN)
        };
        if out.value.scalar().is_some() {
            check_gradient(f, out.grad.as_ref().unwrap(), &x, 1e-6, 1e-8);
        }
    }
}

fn smp(mode: SegmentationMode, tversky: Option<(f64, f64, f64)>) -> SegmentationTverskyLoss<f64> {
    match tversky {
        None => SegmentationTverskyLoss::smp_dice(mode),
        Some((a, b, g)) => SegmentationTverskyLoss::smp_tversky(mode, a, b, g),
    }
}

#[rstest]
#[case::binary_dice(SegmentationMode::Binary, None, true, false, 0.0)]
#[case::multilabel_tversky(SegmentationMode::Multilabel, Some((0.3, 0.7, 1.0)), true, false, 0.0)]
#[case::multilabel_focal(SegmentationMode::Multilabel, Some((0.3, 0.7, 0.75)), true, false, 1.0)]
#[case::multiclass_focal(SegmentationMode::Multiclass, Some((0.7, 0.3, 2.0)), true, true, 0.5)]
#[case::multilabel_probs_log(SegmentationMode::Multilabel, None, false, true, 0.0)]
fn smp_gradient_matches_central_differences(
    #[case] mode: SegmentationMode,
    #[case] tversky: Option<(f64, f64, f64)>,
    #[case] from_logits: bool,
    #[case] log_loss: bool,
    #[case] smooth: f64,
) {
    let loss = smp(mode, tversky)
        .from_logits(from_logits)
        .log_loss(log_loss)
        .smooth(smooth);
    let x = if from_logits { logits() } else { probs() };
    // soft targets keep p ≠ t (the L1 intersection has a kink at p = t)
    let y = hard().mapv(|t| 0.1 + 0.8 * t);
    let out = loss.forward_backward(x.view(), y.view()).unwrap();
    let f = |v: &ArrayD<f64>| loss.forward(v.view(), y.view()).unwrap().scalar().unwrap();
    check_gradient(f, out.grad.as_ref().unwrap(), &x, 1e-6, 1e-7);
}

#[test]
fn sparse_multiclass_is_the_dense_loss_on_one_hot_channels_and_ignores_pixels() {
    let x = logits();
    let labels = array![[0_i64, 1, 1], [1, 0, 1]].into_dyn();
    let dense = smp(SegmentationMode::Multiclass, Some((0.3, 0.7, 1.5)));
    let sparse = SparseSegmentationTverskyLoss::new(dense.clone());
    let mut onehot = ArrayD::<f64>::zeros(x.shape());
    for ((n, s), &l) in labels
        .view()
        .into_dimensionality::<ndarray::Ix2>()
        .unwrap()
        .indexed_iter()
    {
        onehot[[n, l as usize, s]] = 1.0;
    }
    let a = sparse.forward_backward(x.view(), labels.view()).unwrap();
    let b = dense.forward_backward(x.view(), onehot.view()).unwrap();
    assert_eq!(a, b);
    // an ignored pixel gets no gradient and is left out of every class
    let ignoring = SparseSegmentationTverskyLoss::new(dense.ignore_index(Some(255)));
    let mut masked = labels.clone();
    masked[[0, 2]] = 255;
    let out = ignoring.forward_backward(x.view(), masked.view()).unwrap();
    assert!(out.grad.as_ref().unwrap()[[0, 0, 2]] == 0.0);
    assert!(out.grad.as_ref().unwrap()[[0, 1, 2]] == 0.0);
    assert_ne!(out.value, a.value);
}

#[test]
fn keras_dice_is_tversky_one_half_with_half_the_epsilon_and_keras_alpha_weighs_false_negatives() {
    let (x, y) = (probs(), hard());
    let dice = TverskyLoss::keras_dice().axis(Some(vec![1, 2]));
    let tv = TverskyLoss::keras_tversky(0.5, 0.5)
        .epsilon(0.5e-7)
        .axis(Some(vec![1, 2]));
    assert_eq!(
        dice.forward(x.view(), y.view()).unwrap(),
        tv.forward(x.view(), y.view()).unwrap()
    );
    // Keras's Tversky(alpha=1, beta=0): TP/(TP + FN + ε), the recall
    let recall = TverskyLoss::keras_tversky(1.0, 0.0)
        .reduction(Reduction::None)
        .epsilon(0.0)
        .axis(Some(vec![1, 2]));
    let v = recall.forward(x.view(), y.view()).unwrap().into_array();
    for n in 0..2 {
        let (p, t) = (
            x.index_axis(ndarray::Axis(0), n),
            y.index_axis(ndarray::Axis(0), n),
        );
        let tp: f64 = (&p * &t).sum();
        assert!((v[n] - (1.0 - tp / t.sum())).abs() < 1e-15);
    }
}

/// Regression rows found by the property suite (each failed on the code before its fix).
#[rstest]
// a summed leading axis and per-group sample weights: the weights were broadcast to the
// gradient from the left and the call failed (issue 12 #5)
#[case::keras_leading_axis_sample_weights(0)]
// ignore_index with a target in a non-standard layout panicked (issue 12 #5)
#[case::smp_ignore_index_reversed_target(1)]
// γ = 0 where every class is empty gave a NaN gradient; torch's pow has derivative 0 (issue 12 #5)
#[case::smp_gamma_zero_empty_classes(2)]
fn property_regressions(#[case] row: usize) {
    match row {
        0 => {
            let x = array![[0.2_f64, 0.5, 0.1, 0.9]].into_dyn();
            let y = array![[1.0, 0.0, 1.0, 0.0]].into_dyn();
            let sw = array![1.0_f64, 2.0, 0.5, 3.0].into_dyn();
            let x = x.t().to_owned(); // (4, 1): groups along the last axis
            let y = y.t().to_owned();
            let loss = TverskyLoss::keras_tversky(0.7, 0.3)
                .axis(Some(vec![-1]))
                .reduction(Reduction::Sum);
            let out = loss
                .compute(x.view(), y.view(), Some(sw.view()), true)
                .unwrap();
            let plain = loss.compute(x.view(), y.view(), None, true).unwrap();
            let g = out.grad.unwrap();
            let g0 = plain.grad.unwrap();
            for i in 0..4 {
                assert!((g[[i, 0]] - sw[[i]] * g0[[i, 0]]).abs() < 1e-15);
            }
            // and a leading summed axis with weights over the trailing one
            let leading = loss.clone().axis(Some(vec![0]));
            let x2 = array![[0.2, 0.5], [0.1, 0.9]].into_dyn();
            let y2 = array![[1.0, 0.0], [1.0, 1.0]].into_dyn();
            let w2 = array![2.0, 0.5].into_dyn();
            let o = leading
                .compute(x2.view(), y2.view(), Some(w2.view()), true)
                .unwrap();
            let f = |v: &ArrayD<f64>| {
                leading
                    .compute(v.view(), y2.view(), Some(w2.view()), false)
                    .unwrap()
                    .value
                    .scalar()
                    .unwrap()
            };
            check_gradient(f, o.grad.as_ref().unwrap(), &x2, 1e-6, 1e-8);
        }
        1 => {
            let x = array![[0.0, 0.0]].into_dyn();
            let y = array![[0.0, -100.0]].into_dyn();
            let reversed = y.slice(ndarray::s![.., ..;-1]).into_dyn();
            let loss = SegmentationTverskyLoss::<f64>::smp_dice(SegmentationMode::Binary)
                .ignore_index(Some(-100));
            let a = loss.forward_backward(x.view(), reversed.view()).unwrap();
            let b = loss
                .forward_backward(x.view(), reversed.to_owned().view())
                .unwrap();
            assert_eq!(a, b);
        }
        _ => {
            let x = array![[[0.3, -1.2]]].into_dyn();
            let y = ArrayD::<f64>::zeros(x.shape());
            let loss =
                SegmentationTverskyLoss::smp_tversky(SegmentationMode::Binary, 0.3, 0.7, 0.0);
            let out = loss.forward_backward(x.view(), y.view()).unwrap();
            assert_eq!(out.value.scalar().unwrap(), 1.0);
            assert!(out.grad.unwrap().iter().all(|&g| g == 0.0));
        }
    }
}

#[rstest]
#[case::negative_alpha("alpha")]
#[case::nan_beta("beta")]
#[case::negative_smooth("smooth")]
#[case::infinite_eps("eps")]
#[case::negative_gamma("gamma")]
fn bad_options_are_errors(#[case] name: &str) {
    let mut smp = SegmentationTverskyLoss::<f64>::smp_dice(SegmentationMode::Multilabel);
    let mut keras = TverskyLoss::<f64>::keras_dice();
    match name {
        "alpha" => {
            smp =
                SegmentationTverskyLoss::smp_tversky(SegmentationMode::Multilabel, -0.1, 0.5, 1.0);
            keras = keras.alpha(-0.1);
        }
        "beta" => {
            smp = SegmentationTverskyLoss::smp_tversky(
                SegmentationMode::Multilabel,
                0.5,
                f64::NAN,
                1.0,
            );
            keras = keras.beta(f64::NAN);
        }
        "smooth" => smp = smp.smooth(-1.0),
        "eps" => smp = smp.eps(f64::INFINITY),
        _ => {
            smp = SegmentationTverskyLoss::smp_tversky(SegmentationMode::Multilabel, 0.5, 0.5, -1.0)
        }
    }
    let (x, y) = (logits(), hard());
    let err = smp.forward(x.view(), y.view()).unwrap_err();
    assert!(
        matches!(err, ReweighError::InvalidParameter { name: n, .. } if n == name),
        "{err}"
    );
    if matches!(name, "alpha" | "beta") {
        assert!(matches!(
            keras.forward(probs().view(), y.view()),
            Err(ReweighError::InvalidParameter { .. })
        ));
    }
}

#[test]
fn bad_inputs_are_errors() {
    let (x, y) = (probs(), hard());
    let keras = TverskyLoss::<f64>::keras_dice();
    let y2 = array![[1.0, 0.0]].into_dyn();
    assert!(matches!(
        keras.forward(x.view(), y2.view()),
        Err(ReweighError::ShapeMismatch { .. })
    ));
    for axis in [vec![3], vec![1, 1], vec![-4]] {
        assert!(matches!(
            keras.clone().axis(Some(axis)).forward(x.view(), y.view()),
            Err(ReweighError::BadShape { what: "axis", .. })
        ));
    }
    let mut nan = x.clone();
    nan[[0, 0, 0]] = f64::NAN;
    assert!(matches!(
        keras.forward(nan.view(), y.view()),
        Err(ReweighError::NonFinite { .. })
    ));
    let binary = SegmentationTverskyLoss::<f64>::smp_dice(SegmentationMode::Binary);
    assert!(matches!(
        binary
            .clone()
            .classes(Some(vec![0]))
            .forward(x.view(), y.view()),
        Err(ReweighError::InvalidParameter {
            name: "classes",
            ..
        })
    ));
    assert!(matches!(
        binary
            .clone()
            .class_weights(Some(Array1::from(vec![1.0])))
            .forward(x.view(), y.view()),
        Err(ReweighError::InvalidParameter {
            name: "class_weights",
            ..
        })
    ));
    assert!(matches!(
        binary.forward(&array![0.5, 0.2], &array![1.0, 0.0]),
        Err(ReweighError::BadShape { .. })
    ));
    let multi = SegmentationTverskyLoss::<f64>::smp_dice(SegmentationMode::Multilabel);
    assert!(matches!(
        multi
            .clone()
            .classes(Some(vec![2]))
            .forward(x.view(), y.view()),
        Err(ReweighError::LabelOutOfRange { label: 2, .. })
    ));
    assert!(matches!(
        multi
            .class_weights(Some(Array1::from(vec![0.0, 0.0])))
            .forward(x.view(), y.view()),
        Err(ReweighError::AllZeroWeights { .. })
    ));
    let sparse = SparseSegmentationTverskyLoss::new(SegmentationTverskyLoss::<f64>::smp_dice(
        SegmentationMode::Multiclass,
    ));
    assert!(matches!(
        sparse.forward(logits().view(), &array![[0_i64, 1, 2], [0, 0, 1]]),
        Err(ReweighError::LabelOutOfRange { label: 2, .. })
    ));
    assert!(matches!(
        sparse.forward(logits().view(), &array![0_i64, 1]),
        Err(ReweighError::ShapeMismatch { .. })
    ));
}

#[test]
fn l1_and_product_intersections_agree_on_values_but_not_at_p_equal_t() {
    // smp counts TP as (Σp + Σt − Σ|p − t|)/2: at p = t its gradient takes ½ (torch's sgn 0 = 0)
    let x = array![[1.0, 0.0, 0.5]].into_dyn();
    let y = array![[1.0, 0.0, 1.0]].into_dyn();
    let smp = SegmentationTverskyLoss::<f64>::smp_dice(SegmentationMode::Binary)
        .from_logits(false)
        .eps(0.0);
    let keras = TverskyLoss::<f64>::keras_dice().epsilon(0.0);
    let a = smp.forward_backward(x.view(), y.view()).unwrap();
    let b = keras.forward_backward(x.view(), y.view()).unwrap();
    assert!((a.value.scalar().unwrap() - b.value.scalar().unwrap()).abs() < 1e-15);
    let (ga, gb) = (a.grad.unwrap(), b.grad.unwrap());
    assert!((ga[[0, 2]] - gb[[0, 2]]).abs() < 1e-15);
    assert!((ga[[0, 0]] - gb[[0, 0]]).abs() > 1e-3);
}

/// Regression rows (issue 12 #5): smp's FP = Σp − TP rounds to −ulp, S > 1 and a non-integer γ
/// gave a NaN loss from finite inputs (f32 probabilities, f64 softmax); FP and FN are clamped.
#[test]
fn rounding_never_makes_the_score_exceed_one() {
    let x = array![[0.305_917_2_f32]].into_dyn();
    let y = array![[1.0_f32]].into_dyn();
    let loss = SegmentationTverskyLoss::smp_tversky(SegmentationMode::Binary, 0.5, 0.0, 3.7)
        .from_logits(false);
    let v = loss.forward(x.view(), y.view()).unwrap().scalar().unwrap();
    assert!(v.is_finite() && v >= 0.0, "{v}");
    let x = array![[0.0_f64, 0.0, 4.835_627_925_296_183]].into_dyn();
    let sparse = SparseSegmentationTverskyLoss::new(SegmentationTverskyLoss::smp_tversky(
        SegmentationMode::Multiclass,
        0.5,
        0.0,
        3.7,
    ));
    let out = sparse.forward_backward(x.view(), &array![0_i64]).unwrap();
    assert!(out.value.scalar().unwrap().is_finite());
    assert!(out.grad.unwrap().iter().all(|g| g.is_finite()));
}

/// Regression row (issue 12 #5), found by the property suite: smp's `(Σp + Σt − ‖p − t‖₁)/2`
/// cancels, so a tiny `p` under its positive target lost every digit of TP in float32 (f32 gave
/// 2.957, f64 2.972 for this log-Dice); TP, FP and FN are now summed element by element.
#[test]
fn float32_true_positives_keep_their_digits() {
    let x = [0.0, 0.0, 0.0, 6.792_399_402_128_78, -9.592_246_342_729_585];
    let run = |dtype_f32: bool| -> f64 {
        let labels = array![4_i64].into_dyn();
        if dtype_f32 {
            let x = ndarray::Array::from_shape_vec((1, 5), x.map(|v| v as f32).to_vec())
                .unwrap()
                .into_dyn();
            let l = SparseSegmentationTverskyLoss::new(
                SegmentationTverskyLoss::<f32>::smp_dice(SegmentationMode::Multiclass)
                    .log_loss(true),
            );
            l.forward(x.view(), labels.view())
                .unwrap()
                .scalar()
                .unwrap() as f64
        } else {
            let x = ndarray::Array::from_shape_vec((1, 5), x.to_vec())
                .unwrap()
                .into_dyn();
            let l = SparseSegmentationTverskyLoss::new(
                SegmentationTverskyLoss::<f64>::smp_dice(SegmentationMode::Multiclass)
                    .log_loss(true),
            );
            l.forward(x.view(), labels.view())
                .unwrap()
                .scalar()
                .unwrap()
        }
    };
    let (a, b) = (run(true), run(false));
    assert!((a - b).abs() < 1e-5 * b, "{a} vs {b}");
}

/// pytorch_optimizer's Dice is smp's score with the product intersection and pytorch-toolbelt's
/// `(2TP + smooth)/max(Σp + Σt + smooth, eps)`: the Tversky form with smooth/2 and eps/2, except
/// under log_loss, whose clamp of the score stays eps.
#[test]
fn pytorch_optimizer_dice_is_the_doubled_score_form() {
    let (x, y) = (logits(), hard().mapv(|t| 0.1 + 0.8 * t));
    for mode in [SegmentationMode::Binary, SegmentationMode::Multilabel] {
        let po = SegmentationTverskyLoss::<f64>::pytorch_optimizer_dice(mode).smooth(1.0);
        let halved = SegmentationTverskyLoss::<f64>::smp_dice(mode)
            .intersection(Intersection::Product)
            .smooth(0.5)
            .eps(0.5e-6);
        assert_eq!(
            po.forward_backward(x.view(), y.view()).unwrap(),
            halved.forward_backward(x.view(), y.view()).unwrap()
        );
        // (2TP + 1)/(Σp + Σt + 1) by hand for binary
        if mode == SegmentationMode::Binary {
            let p = x.mapv(|v| 1.0 / (1.0 + (-v).exp()));
            let dice = (2.0 * (&p * &y).sum() + 1.0) / (p.sum() + y.sum() + 1.0);
            let v = po.forward(x.view(), y.view()).unwrap().scalar().unwrap();
            assert!((v - (1.0 - dice)).abs() < 1e-15);
        }
    }
}

/// pytorch_optimizer's Tversky scores targets without positives as they are:
/// `1 − smooth/(α·Σp + smooth)`, where smp gives 0.
#[test]
fn pytorch_optimizer_tversky_scores_all_negative_targets() {
    let x = logits();
    let y = ArrayD::<f64>::zeros(x.shape());
    let loss = SegmentationTverskyLoss::<f64>::pytorch_optimizer_tversky(0.3, 0.7, 1.0);
    let v = loss.forward(x.view(), y.view()).unwrap().scalar().unwrap();
    let sp: f64 = x.mapv(|v| 1.0 / (1.0 + (-v).exp())).sum();
    assert!((v - (1.0 - 1e-6 / (0.3 * sp + 1e-6))).abs() < 1e-15);
    let smp = SegmentationTverskyLoss::<f64>::smp_tversky(SegmentationMode::Binary, 0.3, 0.7, 1.0);
    assert_eq!(smp.forward(x.view(), y.view()).unwrap().scalar(), Some(0.0));
    let focal = SegmentationTverskyLoss::<f64>::pytorch_optimizer_tversky(0.3, 0.7, 2.0);
    let vf = focal.forward(x.view(), y.view()).unwrap().scalar().unwrap();
    assert!((vf - v * v).abs() < 1e-15);
}

#[rstest]
#[case::dice_binary(
    SegmentationTverskyLoss::pytorch_optimizer_dice(SegmentationMode::Binary),
    false
)]
#[case::dice_multiclass_log(
    SegmentationTverskyLoss::pytorch_optimizer_dice(SegmentationMode::Multiclass).smooth(0.5),
    true
)]
#[case::tversky(
    SegmentationTverskyLoss::pytorch_optimizer_tversky(0.3, 0.7, 1.0),
    false
)]
#[case::focal_tversky(
    SegmentationTverskyLoss::pytorch_optimizer_tversky(0.7, 0.3, 0.75),
    false
)]
fn pytorch_optimizer_gradient_matches_central_differences(
    #[case] loss: SegmentationTverskyLoss<f64>,
    #[case] log_loss: bool,
) {
    let loss = loss.log_loss(log_loss);
    let x = logits();
    for y in [hard(), hard().mapv(|t| 0.1 + 0.8 * t)] {
        let out = loss.forward_backward(x.view(), y.view()).unwrap();
        let f = |v: &ArrayD<f64>| loss.forward(v.view(), y.view()).unwrap().scalar().unwrap();
        check_gradient(f, out.grad.as_ref().unwrap(), &x, 1e-6, 1e-7);
    }
}

#[test]
fn score_form_and_intersection_names_parse() {
    assert_eq!("dice".parse::<ScoreForm>().unwrap(), ScoreForm::Dice);
    assert_eq!("tversky".parse::<ScoreForm>().unwrap(), ScoreForm::Tversky);
    assert!(matches!(
        "toolbelt".parse::<ScoreForm>(),
        Err(ReweighError::UnknownName {
            kind: "score_form",
            ..
        })
    ));
    assert_eq!(
        "product".parse::<Intersection>().unwrap(),
        Intersection::Product
    );
}

/// pytorch_optimizer's Tversky flattens any two arguments of the same size (`view(-1)`); here the
/// input has the axes `(N, C, ...)` and the targets its shape: reshaping both to `(N, 1, ...)`
/// gives the same one-group loss (data/reference/README.md, deliberate differences).
#[test]
fn pytorch_optimizer_tversky_needs_the_targets_shape() {
    let loss = SegmentationTverskyLoss::<f64>::pytorch_optimizer_tversky(0.3, 0.7, 1.0);
    let x = array![0.5, -1.0, 2.0].into_dyn();
    let y = array![1.0, 0.0, 1.0].into_dyn();
    assert!(matches!(
        loss.forward(x.view(), y.view()),
        Err(ReweighError::BadShape { .. })
    ));
    let x2 = logits()
        .into_shape_with_order(ndarray::IxDyn(&[2, 6]))
        .unwrap();
    let y2 = hard()
        .into_shape_with_order(ndarray::IxDyn(&[6, 2]))
        .unwrap();
    assert!(matches!(
        loss.forward(x2.view(), y2.view()),
        Err(ReweighError::ShapeMismatch { .. })
    ));
    let a = loss.forward(logits().view(), hard().view()).unwrap();
    let b = loss
        .forward(
            x2.view(),
            y2.into_shape_with_order(ndarray::IxDyn(&[2, 6]))
                .unwrap()
                .view(),
        )
        .unwrap();
    assert!((a.scalar().unwrap() - b.scalar().unwrap()).abs() < 1e-15);
}
