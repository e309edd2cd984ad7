//! Losses on probabilities: properties and typed errors (the numbers are checked against the
//! frameworks by tests/golden.rs).

use ndarray::{Array1, ArrayD, IxDyn, array};
use reweigh::losses::{
    BinaryCrossEntropy, CategoricalCrossEntropyProbs, NllLoss, ProbClip, SigmoidCrossEntropy,
    SparseCategoricalCrossEntropyProbs,
};
use reweigh::{Loss, Reduction, ReweighError};
use rstest::rstest;

mod support;
use support::check_gradient;

fn p() -> ArrayD<f64> {
    array![[0.7, 0.2, 0.45], [0.1, 0.95, 0.6]].into_dyn()
}
fn z() -> ArrayD<f64> {
    array![[1.0, 0.0, 0.3], [0.0, 1.0, 1.0]].into_dyn()
}
fn rows() -> ArrayD<f64> {
    array![[0.5, 0.3, 0.4], [0.1, 0.6, 0.2]].into_dyn()
}

/// (2,) sample weights for the per-sample losses of Keras's mean over the last axis.
fn per_sample() -> ArrayD<f64> {
    array![1.5, 0.25].into_dyn()
}
/// (2, 3) weights for the element-wise losses.
fn per_element() -> ArrayD<f64> {
    array![[1.5, 0.0, 2.0], [0.25, 1.0, 3.0]].into_dyn()
}

#[rstest]
#[case::keras(BinaryCrossEntropy::keras().label_smoothing(0.1), per_sample())]
#[case::pytorch(BinaryCrossEntropy::pytorch().element_weights(array![0.5, 2.0, 1.0].into_dyn()), per_element())]
#[case::tf1(BinaryCrossEntropy::tf1(), per_element())]
#[case::keras_elementwise_sum(BinaryCrossEntropy::new().reduction(Reduction::Sum), per_element())]
fn binary_gradient_matches_central_differences(
    #[case] loss: BinaryCrossEntropy<f64>,
    #[case] sw: ArrayD<f64>,
) {
    let out = loss
        .forward_backward_weighted(p().view(), z().view(), sw.view())
        .unwrap();
    let f = |x: &ArrayD<f64>| {
        loss.compute(x.view(), z().view(), Some(sw.view()), false)
            .unwrap()
            .value
            .into_array()
            .sum()
    };
    check_gradient(f, &out.grad.unwrap(), &p(), 1e-6, 1e-7);
}

#[test]
fn keras_float32_saturated_values() {
    let p = array![[1.0_f32], [0.0]].into_dyn();
    let z = array![[0.0_f32], [1.0]].into_dyn();
    let out = BinaryCrossEntropy::keras()
        .reduction(Reduction::None)
        .forward_backward(p.view(), z.view())
        .unwrap();
    let v = out.value.into_array();
    assert_eq!(v.as_slice().unwrap(), &[15.942385_f32, 16.118095]);
    // clipped: no gradient
    assert!(out.grad.unwrap().iter().all(|&g| g == 0.0));
}

#[rstest]
#[case::zero(0.0)]
#[case::one(1.0)]
#[case::tiny(1e-30)]
#[case::nearly_one(1.0 - 1e-8)]
#[case::above(1.5)]
#[case::below(-0.5)]
fn keras_clip_gradient_vanishes_outside_the_bounds(#[case] prob: f64) {
    let p = array![prob].into_dyn();
    for label in [0.0, 0.3, 1.0] {
        let z = array![label].into_dyn();
        let out = BinaryCrossEntropy::keras()
            .forward_backward(p.view(), z.view())
            .unwrap();
        assert!(out.value.scalar().unwrap().is_finite());
        assert_eq!(out.grad.unwrap()[[0]], 0.0);
    }
}

#[test]
fn pytorch_clamps_logs_at_minus_100_and_keeps_its_gradient() {
    let p = array![0.0, 1.0].into_dyn();
    let z = array![1.0, 0.0].into_dyn();
    let out = BinaryCrossEntropy::pytorch()
        .reduction(Reduction::None)
        .forward_backward(p.view(), z.view())
        .unwrap();
    assert_eq!(out.value.into_array().as_slice().unwrap(), &[100.0, 100.0]);
    let g = out.grad.unwrap();
    // torch: (p - z) / max(p(1 - p), 1e-12f)
    let eps = 1e-12_f32 as f64;
    assert_eq!(g[[0]], -1.0 / eps);
    assert_eq!(g[[1]], 1.0 / eps);
}

#[test]
fn tf1_log_loss_adds_epsilon_inside_the_logs() {
    let p = array![0.0, 1.0, 0.5].into_dyn();
    let z = array![1.0, 0.0, 1.0].into_dyn();
    let v = BinaryCrossEntropy::tf1()
        .reduction(Reduction::None)
        .forward(p.view(), z.view())
        .unwrap()
        .into_array();
    assert!((v[[0]] + (1e-7_f64).ln()).abs() < 1e-12);
    assert!((v[[1]] + (1e-7_f64).ln()).abs() < 1e-12);
    assert!((v[[2]] + (0.5 + 1e-7_f64).ln()).abs() < 1e-15);
}

#[test]
fn keras_probabilities_agree_with_logits_away_from_the_clip() {
    let x = array![[2.0, -1.0, 0.3], [0.5, 3.0, -4.0]].into_dyn();
    let p = x.mapv(|v: f64| 1.0 / (1.0 + (-v).exp()));
    let a = BinaryCrossEntropy::keras()
        .forward(p.view(), z().view())
        .unwrap()
        .scalar()
        .unwrap();
    let b = SigmoidCrossEntropy::keras()
        .forward(x.view(), z().view())
        .unwrap()
        .scalar()
        .unwrap();
    assert!((a - b).abs() < 1e-12, "{a} vs {b}");
}

#[test]
fn non_contiguous_views_are_accepted() {
    let pt = p().reversed_axes();
    let zt = z().reversed_axes();
    let loss = BinaryCrossEntropy::keras();
    let a = loss.forward_backward(pt.view(), zt.view()).unwrap();
    let b = loss
        .forward_backward(pt.to_owned().view(), zt.to_owned().view())
        .unwrap();
    assert_eq!(a, b);
    let cce = CategoricalCrossEntropyProbs::keras();
    let a = cce.forward_backward(pt.view(), zt.view()).unwrap();
    let b = cce
        .forward_backward(
            pt.as_standard_layout().view(),
            zt.as_standard_layout().view(),
        )
        .unwrap();
    assert_eq!(a, b);
}

#[rstest]
#[case::plain(0.0, Reduction::SumOverBatchSize)]
#[case::smoothed(0.2, Reduction::Sum)]
fn categorical_gradient_matches_central_differences(#[case] ls: f64, #[case] r: Reduction) {
    let loss = CategoricalCrossEntropyProbs::keras()
        .label_smoothing(ls)
        .reduction(r);
    let y = array![[0.2, 0.5, 0.3], [0.0, 0.0, 1.0]].into_dyn();
    let out = loss.forward_backward(rows().view(), y.view()).unwrap();
    let f = |x: &ArrayD<f64>| loss.forward(x.view(), y.view()).unwrap().scalar().unwrap();
    check_gradient(f, &out.grad.unwrap(), &rows(), 1e-6, 1e-7);
}

#[test]
fn categorical_zero_row_is_nan_as_in_keras() {
    let p = array![[0.0_f64, 0.0, 0.0]].into_dyn();
    let y = array![[0.0, 1.0, 0.0]].into_dyn();
    let v = CategoricalCrossEntropyProbs::keras()
        .forward(p.view(), y.view())
        .unwrap();
    assert!(v.scalar().unwrap().is_nan());
}

#[test]
fn sparse_gradient_matches_central_differences() {
    let loss = SparseCategoricalCrossEntropyProbs::keras().reduction(Reduction::Sum);
    let y = array![2_i64, 1].into_dyn();
    let out = loss.forward_backward(rows().view(), y.view()).unwrap();
    let f = |x: &ArrayD<f64>| loss.forward(x.view(), y.view()).unwrap().scalar().unwrap();
    check_gradient(f, &out.grad.unwrap(), &rows(), 1e-6, 1e-7);
}

#[test]
fn sparse_renormalises_after_clipping() {
    // a zero row: every entry clipped to ε, so the loss is ln 3 and no gradient flows
    let p = array![[0.0, 0.0, 0.0]].into_dyn();
    let y = array![1_i64].into_dyn();
    let out = SparseCategoricalCrossEntropyProbs::keras()
        .forward_backward(p.view(), y.view())
        .unwrap();
    assert!((out.value.scalar().unwrap() - 3.0_f64.ln()).abs() < 1e-12);
    assert!(out.grad.unwrap().iter().all(|&g| g == 0.0));
}

#[test]
fn sparse_squeezes_a_trailing_unit_axis() {
    let loss = SparseCategoricalCrossEntropyProbs::keras();
    let a = loss
        .forward(rows().view(), array![[2_i64], [1]].into_dyn().view())
        .unwrap();
    let b = loss
        .forward(rows().view(), array![2_i64, 1].into_dyn().view())
        .unwrap();
    assert_eq!(a, b);
}

#[rstest]
#[case::sum_over_batch_size(Reduction::SumOverBatchSize)]
#[case::weighted_mean(Reduction::WeightedMean)]
fn ignore_class_drops_elements_from_both_denominators(#[case] r: Reduction) {
    let p = array![[0.5, 0.3, 0.2], [0.1, 0.6, 0.3], [0.3, 0.3, 0.4]].into_dyn();
    let sw = array![2.0, 5.0, 0.5].into_dyn();
    let with_ignored = SparseCategoricalCrossEntropyProbs::keras()
        .ignore_class(Some(-1))
        .reduction(r)
        .forward_weighted(p.view(), array![0_i64, -1, 2].into_dyn().view(), sw.view())
        .unwrap();
    let kept = array![[0.5, 0.3, 0.2], [0.3, 0.3, 0.4]].into_dyn();
    let subset = SparseCategoricalCrossEntropyProbs::keras()
        .reduction(r)
        .forward_weighted(
            kept.view(),
            array![0_i64, 2].into_dyn().view(),
            array![2.0, 0.5].into_dyn().view(),
        )
        .unwrap();
    let (a, b): (f64, f64) = (with_ignored.scalar().unwrap(), subset.scalar().unwrap());
    assert!((a - b).abs() < 1e-15, "{a} vs {b}");
}

#[test]
fn nll_on_log_probabilities_equals_sparse_cross_entropy_on_probabilities() {
    let p = array![[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]].into_dyn();
    let y = array![0_i64, 2].into_dyn();
    let nll = NllLoss::pytorch()
        .forward(p.mapv(f64::ln).view(), y.view())
        .unwrap()
        .scalar()
        .unwrap();
    let scce = SparseCategoricalCrossEntropyProbs::keras()
        .forward(p.view(), y.view())
        .unwrap()
        .scalar()
        .unwrap();
    assert!((nll - scce).abs() < 1e-15, "{nll} vs {scce}");
}

#[test]
fn nll_mean_divides_by_the_gathered_class_weights() {
    let logp = array![[-0.5_f64, -1.5], [-2.0, -0.25], [-1.0, -1.0]].into_dyn();
    let y = array![0_i64, 1, -100].into_dyn();
    let out = NllLoss::pytorch()
        .class_weights(array![2.0, 4.0])
        .forward_backward(logp.view(), y.view())
        .unwrap();
    assert!((out.value.scalar().unwrap() - (2.0 * 0.5 + 4.0 * 0.25) / 6.0).abs() < 1e-15);
    let g = out.grad.unwrap();
    assert_eq!(g[[0, 0]], -2.0 / 6.0);
    assert_eq!(g[[1, 1]], -4.0 / 6.0);
    assert_eq!(g[[2, 0]] + g[[2, 1]], 0.0);
}

fn bce_err(loss: BinaryCrossEntropy<f64>, p: ArrayD<f64>, z: ArrayD<f64>) -> ReweighError {
    loss.forward(p.view(), z.view()).unwrap_err()
}

#[rstest]
#[case::p_above_one(1.5, 1.0, "probs")]
#[case::p_below_zero(-0.1, 1.0, "probs")]
#[case::p_nan(f64::NAN, 1.0, "probs")]
#[case::z_above_one(0.5, 1.5, "labels")]
fn pytorch_rejects_values_outside_the_unit_interval(
    #[case] prob: f64,
    #[case] label: f64,
    #[case] which: &str,
) {
    let e = bce_err(
        BinaryCrossEntropy::pytorch(),
        array![0.5, prob].into_dyn(),
        array![0.0, label].into_dyn(),
    );
    match e {
        ReweighError::ValueOutOfRange { what, index, .. } => {
            assert_eq!(what, which);
            assert_eq!(index, 1);
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn keras_accepts_probabilities_outside_the_unit_interval() {
    let v = BinaryCrossEntropy::keras()
        .forward(
            array![1.5_f64, -0.5].into_dyn().view(),
            array![1.0, 0.0].into_dyn().view(),
        )
        .unwrap();
    assert!(v.scalar().unwrap().is_finite());
}

#[rstest]
#[case::shape(
    BinaryCrossEntropy::keras(), array![[0.5, 0.5]].into_dyn(), array![1.0, 0.0].into_dyn(), "ShapeMismatch"
)]
#[case::smoothing(
    BinaryCrossEntropy::keras().label_smoothing(1.5), p(), z(), "InvalidParameter"
)]
#[case::negative_smoothing(
    BinaryCrossEntropy::keras().label_smoothing(-0.1), p(), z(), "InvalidParameter"
)]
#[case::epsilon(
    BinaryCrossEntropy::new().clip(ProbClip::Keras { epsilon: 0.7 }), p(), z(), "InvalidParameter"
)]
#[case::tf1_epsilon(
    BinaryCrossEntropy::new().clip(ProbClip::Tf1LogLoss { epsilon: f64::NAN }), p(), z(), "InvalidParameter"
)]
#[case::empty(
    BinaryCrossEntropy::keras(), ArrayD::zeros(IxDyn(&[0, 3])), ArrayD::zeros(IxDyn(&[0, 3])), "EmptyBatch"
)]
#[case::scalar(
    BinaryCrossEntropy::keras(), ArrayD::zeros(IxDyn(&[])), ArrayD::zeros(IxDyn(&[])), "BadShape"
)]
#[case::weight_shape(
    BinaryCrossEntropy::pytorch().element_weights(array![1.0, 2.0].into_dyn()), p(), z(), "ShapeMismatch"
)]
#[case::weight_nan(
    BinaryCrossEntropy::pytorch().element_weights(array![1.0, f64::NAN, 1.0].into_dyn()), p(), z(), "NonFinite"
)]
fn binary_errors_are_typed(
    #[case] loss: BinaryCrossEntropy<f64>,
    #[case] p: ArrayD<f64>,
    #[case] z: ArrayD<f64>,
    #[case] kind: &str,
) {
    let e = bce_err(loss, p, z);
    assert!(format!("{e:?}").starts_with(kind), "{e:?}");
}

#[test]
fn non_finite_sample_weight_is_rejected() {
    let e = BinaryCrossEntropy::keras()
        .forward_weighted(
            p().view(),
            z().view(),
            array![1.0, f64::INFINITY].into_dyn().view(),
        )
        .unwrap_err();
    assert!(matches!(
        e,
        ReweighError::NonFinite {
            what: "sample_weight",
            index: 1,
            ..
        }
    ));
}

#[test]
fn categorical_errors_are_typed() {
    let cce = CategoricalCrossEntropyProbs::keras();
    let e = cce
        .forward(
            rows().view(),
            array![[1.0, 0.0], [0.0, 1.0]].into_dyn().view(),
        )
        .unwrap_err();
    assert!(matches!(
        e,
        ReweighError::ShapeMismatch { what: "labels", .. }
    ));
    let e = cce
        .clone()
        .label_smoothing(2.0)
        .forward(rows().view(), rows().view())
        .unwrap_err();
    assert!(matches!(
        e,
        ReweighError::InvalidParameter {
            name: "label_smoothing",
            ..
        }
    ));
    let e = cce
        .epsilon(-1e-7)
        .forward(rows().view(), rows().view())
        .unwrap_err();
    assert!(matches!(
        e,
        ReweighError::InvalidParameter {
            name: "epsilon",
            ..
        }
    ));
}

#[rstest]
#[case::too_large(array![3_i64, 0], 3, 0)]
#[case::negative(array![0_i64, -1], -1, 1)]
fn sparse_label_out_of_range(#[case] y: Array1<i64>, #[case] bad: i64, #[case] at: usize) {
    let e = SparseCategoricalCrossEntropyProbs::keras()
        .forward(rows().view(), y.into_dyn().view())
        .unwrap_err();
    assert_eq!(
        e,
        ReweighError::LabelOutOfRange {
            label: bad,
            index: at,
            num_classes: 3
        }
    );
}

#[test]
fn sparse_and_nll_errors_are_typed() {
    let e = SparseCategoricalCrossEntropyProbs::keras()
        .forward(rows().view(), array![0_i64, 1, 2].into_dyn().view())
        .unwrap_err();
    assert!(matches!(
        e,
        ReweighError::ShapeMismatch { what: "labels", .. }
    ));
    let logp = rows().mapv(f64::ln);
    let e = NllLoss::pytorch()
        .class_weights(array![1.0, 2.0])
        .forward(logp.view(), array![0_i64, 1].into_dyn().view())
        .unwrap_err();
    assert!(matches!(
        e,
        ReweighError::ShapeMismatch {
            what: "class_weights",
            ..
        }
    ));
    let e = NllLoss::<f64>::pytorch()
        .forward(logp.view(), array![0_i64, 3].into_dyn().view())
        .unwrap_err();
    assert!(matches!(e, ReweighError::LabelOutOfRange { label: 3, .. }));
}
