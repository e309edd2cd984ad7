//! Softmax cross-entropies (probability and integer targets): properties, closed-form gradients
//! against central differences, and typed errors (the numbers are checked by tests/golden.rs).

use ndarray::{Array1, ArrayD, Axis, IxDyn, array};
use reweigh::losses::{SmoothingForm, SoftmaxCrossEntropy, SparseSoftmaxCrossEntropy};
use reweigh::{Framework, Loss, Reduction, ReweighError};
use rstest::rstest;

mod support;
use support::check_gradient;

fn x() -> ArrayD<f64> {
    array![
        [2.0, -1.0, 0.3, 1.1],
        [0.5, 3.0, -4.0, 0.0],
        [-0.2, 0.1, 0.7, -1.5]
    ]
    .into_dyn()
}
fn y() -> ArrayD<i64> {
    array![0_i64, 2, 3].into_dyn()
}
fn p() -> ArrayD<f64> {
    array![
        [0.7, 0.1, 0.1, 0.1],
        [0.0, 0.0, 1.0, 0.0],
        [0.25, 0.25, 0.0, 0.5]
    ]
    .into_dyn()
}
fn w() -> Array1<f64> {
    array![0.5, 2.0, 1.5, 3.0]
}

#[rstest]
fn sparse_gradient_matches_central_differences(
    #[values(SmoothingForm::KerasTf, SmoothingForm::PyTorch)] form: SmoothingForm,
    #[values(0.0, 0.2)] eps: f64,
    #[values(false, true)] ignore: bool,
    #[values(Reduction::SumOverBatchSize, Reduction::WeightedMean, Reduction::Sum)]
    reduction: Reduction,
) {
    let mut labels = y();
    let mut loss = SparseSoftmaxCrossEntropy::new()
        .class_weights(w())
        .label_smoothing(eps)
        .smoothing_form(form)
        .reduction(reduction);
    if ignore {
        labels[1] = -1;
        loss = loss.ignore_class(-1);
    }
    let sw = array![1.5, 0.25, 2.0].into_dyn();
    let out = loss
        .forward_backward_weighted(x().view(), labels.view(), sw.view())
        .unwrap();
    let f = |a: &ArrayD<f64>| {
        let v = loss.forward_weighted(a.view(), labels.view(), sw.view());
        v.unwrap().scalar().unwrap()
    };
    check_gradient(f, &out.grad.unwrap(), &x(), 1e-6, 1e-7);
}

#[rstest]
fn weight_by_predicted_gradient_treats_argmax_as_constant(#[values(0.0, 0.3)] eps: f64) {
    let loss = SparseSoftmaxCrossEntropy::keras()
        .class_weights(w())
        .weight_by_predicted(true)
        .label_smoothing(eps)
        .smoothing_form(SmoothingForm::KerasTf);
    let out = loss.forward_backward(x().view(), y().view()).unwrap();
    let f = |a: &ArrayD<f64>| {
        let v = loss.forward(a.view(), y().view());
        v.unwrap().scalar().unwrap()
    };
    check_gradient(f, &out.grad.unwrap(), &x(), 1e-6, 1e-7);
    // argmax of the rows: 0, 1, 2 -> weights 0.5, 2.0, 1.5
    let plain = SparseSoftmaxCrossEntropy::new()
        .label_smoothing(eps)
        .smoothing_form(SmoothingForm::KerasTf)
        .forward(x().view(), y().view())
        .unwrap()
        .into_array();
    let expected = (plain[0] * 0.5 + plain[1] * 2.0 + plain[2] * 1.5) / 3.0;
    let got = out.value.scalar().unwrap();
    assert!((got - expected).abs() < 1e-14, "{got} vs {expected}");
}

#[rstest]
fn dense_gradient_matches_central_differences_on_temporal_input(
    #[values(0.0, 0.1)] eps: f64,
    #[values(Reduction::SumOverBatchSize, Reduction::WeightedMean)] reduction: Reduction,
) {
    // (N, T, C) = (3, 2, 4) built from two copies of x, with unnormalised soft labels
    let x3 = ndarray::stack(Axis(1), &[x().view(), (x() * 0.5).view()]).unwrap();
    let p3 = ndarray::stack(Axis(1), &[p().view(), (p() * 1.3).view()]).unwrap();
    let sw = array![[1.0, 0.0], [2.0, 0.5], [0.25, 1.0]].into_dyn();
    let loss = SoftmaxCrossEntropy::new()
        .class_weights(w())
        .label_smoothing(eps)
        .reduction(reduction);
    let out = loss
        .forward_backward_weighted(x3.view(), p3.view(), sw.view())
        .unwrap();
    let f = |a: &ArrayD<f64>| {
        let v = loss.forward_weighted(a.view(), p3.view(), sw.view());
        v.unwrap().scalar().unwrap()
    };
    check_gradient(f, &out.grad.unwrap(), &x3, 1e-6, 1e-7);
}

#[test]
fn dense_one_hot_equals_sparse_without_class_weights() {
    let onehot = array![
        [1.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0]
    ]
    .into_dyn();
    for eps in [0.0, 0.15] {
        let d = SoftmaxCrossEntropy::keras()
            .label_smoothing(eps)
            .forward_backward(x().view(), onehot.view())
            .unwrap();
        let s = SparseSoftmaxCrossEntropy::keras()
            .label_smoothing(eps)
            .smoothing_form(SmoothingForm::KerasTf)
            .forward_backward(x().view(), y().view())
            .unwrap();
        let (dv, sv) = (d.value.scalar().unwrap(), s.value.scalar().unwrap());
        assert!((dv - sv).abs() < 1e-14);
        let diff = (d.grad.unwrap() - s.grad.unwrap()).mapv(f64::abs);
        assert!(diff.iter().all(|&e| e < 1e-15));
    }
}

#[test]
fn smoothing_forms_agree_without_class_weights_and_differ_with_them() {
    let value = |form, weighted: bool| {
        let mut l = SparseSoftmaxCrossEntropy::pytorch()
            .label_smoothing(0.2)
            .smoothing_form(form);
        if weighted {
            l = l.class_weights(w());
        }
        l.forward(x().view(), y().view()).unwrap().scalar().unwrap()
    };
    let (k, p) = (SmoothingForm::KerasTf, SmoothingForm::PyTorch);
    assert_eq!(value(k, false), value(p, false));
    assert!((value(k, true) - value(p, true)).abs() > 1e-3);
}

#[test]
fn class_weights_equal_gathered_sample_weights() {
    let by_class = SparseSoftmaxCrossEntropy::tf1().class_weights(w());
    let gathered = y().mapv(|c| w()[c as usize]);
    let a = by_class.forward_backward(x().view(), y().view()).unwrap();
    let b = SparseSoftmaxCrossEntropy::tf1()
        .forward_backward_weighted(x().view(), y().view(), gathered.view())
        .unwrap();
    assert_eq!(a, b);
}

#[test]
fn ignore_index_and_ignore_class_exclude_alike() {
    let labels = array![0_i64, 7, 3].into_dyn();
    for reduction in Reduction::ALL {
        let a = SparseSoftmaxCrossEntropy::new()
            .reduction(reduction)
            .ignore_index(7)
            .forward_backward(x().view(), labels.view())
            .unwrap();
        let b = SparseSoftmaxCrossEntropy::new()
            .reduction(reduction)
            .ignore_class(7)
            .forward_backward(x().view(), labels.view())
            .unwrap();
        assert_eq!(a, b);
        let g = a.grad.unwrap();
        assert!(g.index_axis(Axis(0), 1).iter().all(|&v| v == 0.0));
    }
}

#[test]
fn pytorch_all_ignored_mean_is_nan_with_zero_gradient() {
    let labels = array![-100_i64, -100, -100].into_dyn();
    let loss = SparseSoftmaxCrossEntropy::pytorch().class_weights(w());
    let out = loss.forward_backward(x().view(), labels.view()).unwrap();
    assert!(out.value.scalar().unwrap().is_nan());
    assert!(out.grad.unwrap().iter().all(|&g| g == 0.0));
    let keras = SparseSoftmaxCrossEntropy::keras().ignore_class(-100);
    let out = keras.forward_backward(x().view(), labels.view()).unwrap();
    assert_eq!(out.value.scalar(), Some(0.0));
}

#[test]
fn non_contiguous_logits_give_the_same_result() {
    // (C, N) stored contiguously, so that its transpose is a non-contiguous (N, C) view
    let xt = x().t().as_standard_layout().into_owned();
    let xv = xt.t();
    assert!(!xv.is_standard_layout());
    let loss = SparseSoftmaxCrossEntropy::pytorch().class_weights(w());
    let a = loss.forward_backward(xv.view(), y().view()).unwrap();
    let b = loss.forward_backward(x().view(), y().view()).unwrap();
    assert_eq!(a, b);
    let pt = p().t().as_standard_layout().into_owned();
    let dense = SoftmaxCrossEntropy::pytorch();
    let a = dense.forward_backward(xv.view(), pt.t()).unwrap();
    let b = dense.forward_backward(x().view(), p().view()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn extreme_logits_stay_finite_in_f32() {
    let x = array![
        [1e30_f32, -1e30, 0.0],
        [3e38, 3e38, 0.0],
        [1e4, -1e4, 88.0],
        [f32::NEG_INFINITY, 1.0, 2.0]
    ]
    .into_dyn();
    let labels = array![1_i64, 2, 1, 2].into_dyn();
    let out = SparseSoftmaxCrossEntropy::new()
        .forward_backward(x.view(), labels.view())
        .unwrap();
    assert!(out.value.into_array().iter().all(|v| v.is_finite()));
    assert!(out.grad.unwrap().iter().all(|v| v.is_finite()));
}

#[test]
fn a_single_row_of_logits_takes_a_scalar_label() {
    let row = array![2.0, -1.0, 0.3, 1.1].into_dyn();
    let label = ndarray::arr0(3_i64).into_dyn();
    let one = SparseSoftmaxCrossEntropy::new()
        .forward_backward(row.view(), label.view())
        .unwrap();
    let batch = SparseSoftmaxCrossEntropy::new()
        .forward_backward(x().view(), array![3_i64, 0, 0].into_dyn().view())
        .unwrap();
    assert_eq!(one.value.into_array()[[]], batch.value.into_array()[0]);
    assert_eq!(
        one.grad.unwrap(),
        batch.grad.unwrap().index_axis(Axis(0), 0)
    );
}

#[test]
fn presets_use_their_framework_reducers() {
    let torch = SparseSoftmaxCrossEntropy::<f64>::pytorch();
    assert_eq!(torch.reducer(), Framework::PyTorch.default_reducer());
    assert_eq!(
        SoftmaxCrossEntropy::<f64>::tf1().reducer(),
        Framework::Tf1.default_reducer()
    );
    assert_eq!(
        SparseSoftmaxCrossEntropy::<f64>::keras().reducer(),
        Framework::Keras.default_reducer()
    );
}

enum Bad {
    LabelTooBig,
    NegativeLabel,
    LabelShape,
    ClassWeightLength,
    ClassWeightNan,
    Smoothing(f64),
    SampleWeightShape,
    SampleWeightInf,
    PredictedWithTorchSmoothing,
}

#[rstest]
#[case::label_too_big(Bad::LabelTooBig)]
#[case::negative_label(Bad::NegativeLabel)]
#[case::label_shape(Bad::LabelShape)]
#[case::class_weight_length(Bad::ClassWeightLength)]
#[case::class_weight_nan(Bad::ClassWeightNan)]
#[case::smoothing_above_one(Bad::Smoothing(1.5))]
#[case::smoothing_negative(Bad::Smoothing(-0.1))]
#[case::sample_weight_shape(Bad::SampleWeightShape)]
#[case::sample_weight_inf(Bad::SampleWeightInf)]
#[case::predicted_with_torch_smoothing(Bad::PredictedWithTorchSmoothing)]
fn sparse_bad_input_is_a_typed_error(#[case] bad: Bad) {
    let mut loss = SparseSoftmaxCrossEntropy::pytorch();
    let mut labels = y();
    let mut sw = None;
    match bad {
        Bad::LabelTooBig => labels[2] = 4,
        Bad::NegativeLabel => labels[1] = -1,
        Bad::LabelShape => labels = array![0_i64, 1].into_dyn(),
        Bad::ClassWeightLength => loss = loss.class_weights(array![1.0, 2.0, 3.0]),
        Bad::ClassWeightNan => loss = loss.class_weights(array![1.0, f64::NAN, 3.0, 1.0]),
        Bad::Smoothing(eps) => {
            loss = loss
                .label_smoothing(eps)
                .smoothing_form(SmoothingForm::PyTorch)
        }
        Bad::SampleWeightShape => sw = Some(array![1.0, 2.0].into_dyn()),
        Bad::SampleWeightInf => sw = Some(array![1.0, f64::INFINITY, 1.0].into_dyn()),
        Bad::PredictedWithTorchSmoothing => {
            loss = loss
                .class_weights(w())
                .weight_by_predicted(true)
                .label_smoothing(0.1)
                .smoothing_form(SmoothingForm::PyTorch)
        }
    }
    let err = loss
        .compute(
            x().view(),
            labels.view(),
            sw.as_ref().map(|s| s.view()),
            true,
        )
        .unwrap_err();
    let ok = match bad {
        Bad::LabelTooBig => matches!(
            err,
            ReweighError::LabelOutOfRange {
                label: 4,
                index: 2,
                num_classes: 4
            }
        ),
        Bad::NegativeLabel => matches!(err, ReweighError::LabelOutOfRange { label: -1, .. }),
        Bad::LabelShape => matches!(err, ReweighError::ShapeMismatch { what: "labels", .. }),
        Bad::ClassWeightLength => {
            matches!(
                err,
                ReweighError::ShapeMismatch {
                    what: "class_weights",
                    ..
                }
            )
        }
        Bad::ClassWeightNan => matches!(
            err,
            ReweighError::NonFinite {
                what: "class_weights",
                index: 1,
                ..
            }
        ),
        Bad::Smoothing(_) => {
            matches!(
                err,
                ReweighError::InvalidParameter {
                    name: "label_smoothing",
                    ..
                }
            )
        }
        Bad::SampleWeightShape => {
            matches!(
                err,
                ReweighError::ShapeMismatch {
                    what: "sample_weight",
                    ..
                }
            )
        }
        Bad::SampleWeightInf => matches!(
            err,
            ReweighError::NonFinite {
                what: "sample_weight",
                ..
            }
        ),
        Bad::PredictedWithTorchSmoothing => matches!(err, ReweighError::Incompatible(_)),
    };
    assert!(ok, "unexpected error {err:?}");
    assert!(!err.to_string().is_empty());
}

#[rstest]
#[case::scalar_logits(ArrayD::zeros(IxDyn(&[])), ArrayD::zeros(IxDyn(&[])))]
#[case::empty_batch(ArrayD::zeros(IxDyn(&[0, 4])), ArrayD::zeros(IxDyn(&[0, 4])))]
#[case::no_classes(ArrayD::zeros(IxDyn(&[3, 0])), ArrayD::zeros(IxDyn(&[3, 0])))]
#[case::label_shape(x(), ArrayD::zeros(IxDyn(&[3, 3])))]
fn dense_bad_shapes_are_typed_errors(#[case] x: ArrayD<f64>, #[case] p: ArrayD<f64>) {
    let err = SoftmaxCrossEntropy::keras()
        .forward(x.view(), p.view())
        .unwrap_err();
    assert!(matches!(
        err,
        ReweighError::BadShape { .. }
            | ReweighError::EmptyBatch { .. }
            | ReweighError::ShapeMismatch { .. }
    ));
}

#[rstest]
#[case::non_negative_ignore_index(SoftmaxCrossEntropy::pytorch().ignore_index(1), "Incompatible")]
#[case::class_weight_length(SoftmaxCrossEntropy::pytorch().class_weights(array![1.0, 1.0]), "ShapeMismatch")]
#[case::smoothing(SoftmaxCrossEntropy::keras().label_smoothing(1.5), "InvalidParameter")]
fn dense_bad_options_are_typed_errors(#[case] loss: SoftmaxCrossEntropy<f64>, #[case] kind: &str) {
    let err = loss.forward(x().view(), p().view()).unwrap_err();
    assert!(format!("{err:?}").starts_with(kind), "{err:?}");
}

#[test]
fn dense_accepts_torch_default_negative_ignore_index() {
    let a = SoftmaxCrossEntropy::pytorch().ignore_index(-100);
    let b = SoftmaxCrossEntropy::pytorch();
    assert_eq!(
        a.forward(x().view(), p().view()).unwrap(),
        b.forward(x().view(), p().view()).unwrap()
    );
}
