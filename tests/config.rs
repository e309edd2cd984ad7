//! Configurations (`reweigh::config`): presets equal the losses' presets, options are checked
//! once at build time, unknown names and malformed values are typed errors, and a configuration
//! survives a JSON round trip.

use reweigh::ReweighError;
use reweigh::config::*;
use reweigh::losses::*;
use rstest::rstest;
use serde_json::json;

/// The built loss and the loss's own preset have the same options (`Debug` shows every field).
fn same<A: std::fmt::Debug, B: std::fmt::Debug>(a: A, b: B) {
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
}

#[test]
fn presets_are_the_losses_presets() {
    same(
        SigmoidCrossEntropyConfig::default().build::<f32>().unwrap(),
        SigmoidCrossEntropy::<f32>::new(),
    );
    same(
        SigmoidCrossEntropyConfig::pytorch().build::<f32>().unwrap(),
        SigmoidCrossEntropy::<f32>::pytorch(),
    );
    same(
        SigmoidCrossEntropyConfig::keras().build::<f32>().unwrap(),
        SigmoidCrossEntropy::<f32>::keras(),
    );
    same(
        SigmoidCrossEntropyConfig::tf1().build::<f32>().unwrap(),
        SigmoidCrossEntropy::<f32>::tf1(),
    );
    same(
        SoftmaxCrossEntropyConfig::default().build::<f64>().unwrap(),
        SoftmaxCrossEntropy::<f64>::new(),
    );
    same(
        SoftmaxCrossEntropyConfig::pytorch().build::<f64>().unwrap(),
        SoftmaxCrossEntropy::<f64>::pytorch(),
    );
    same(
        SoftmaxCrossEntropyConfig::keras().build::<f64>().unwrap(),
        SoftmaxCrossEntropy::<f64>::keras(),
    );
    same(
        SparseSoftmaxCrossEntropyConfig::default()
            .build::<f32>()
            .unwrap(),
        SparseSoftmaxCrossEntropy::<f32>::new(),
    );
    same(
        SparseSoftmaxCrossEntropyConfig::pytorch()
            .build::<f32>()
            .unwrap(),
        SparseSoftmaxCrossEntropy::<f32>::pytorch(),
    );
    same(
        SparseSoftmaxCrossEntropyConfig::keras()
            .build::<f32>()
            .unwrap(),
        SparseSoftmaxCrossEntropy::<f32>::keras(),
    );
    same(
        SparseSoftmaxCrossEntropyConfig::tf1()
            .build::<f32>()
            .unwrap(),
        SparseSoftmaxCrossEntropy::<f32>::tf1(),
    );
    same(
        BinaryCrossEntropyConfig::default().build::<f64>().unwrap(),
        BinaryCrossEntropy::<f64>::new(),
    );
    same(
        BinaryCrossEntropyConfig::keras().build::<f64>().unwrap(),
        BinaryCrossEntropy::<f64>::keras(),
    );
    same(
        BinaryCrossEntropyConfig::pytorch().build::<f64>().unwrap(),
        BinaryCrossEntropy::<f64>::pytorch(),
    );
    same(
        BinaryCrossEntropyConfig::tf1().build::<f64>().unwrap(),
        BinaryCrossEntropy::<f64>::tf1(),
    );
    same(
        CategoricalCrossEntropyProbsConfig::default()
            .build::<f64>()
            .unwrap(),
        CategoricalCrossEntropyProbs::<f64>::new(),
    );
    same(
        CategoricalCrossEntropyProbsConfig::keras()
            .build::<f64>()
            .unwrap(),
        CategoricalCrossEntropyProbs::<f64>::keras(),
    );
    same(
        SparseCategoricalCrossEntropyProbsConfig::default()
            .build::<f64>()
            .unwrap(),
        SparseCategoricalCrossEntropyProbs::new(),
    );
    same(
        SparseCategoricalCrossEntropyProbsConfig::keras()
            .build::<f64>()
            .unwrap(),
        SparseCategoricalCrossEntropyProbs::keras(),
    );
    same(
        NllLossConfig::default().build::<f64>().unwrap(),
        NllLoss::<f64>::new(),
    );
    same(
        NllLossConfig::pytorch().build::<f64>().unwrap(),
        NllLoss::<f64>::pytorch(),
    );
    same(
        BinaryFocalLossConfig::default().build::<f32>().unwrap(),
        BinaryFocalLoss::<f32>::new(),
    );
    same(
        BinaryFocalLossConfig::keras().build::<f32>().unwrap(),
        BinaryFocalLoss::<f32>::keras(),
    );
    same(
        BinaryFocalLossConfig::torchvision().build::<f32>().unwrap(),
        BinaryFocalLoss::<f32>::torchvision(),
    );
    same(
        CategoricalFocalLossConfig::default()
            .build::<f32>()
            .unwrap(),
        CategoricalFocalLoss::<f32>::new(),
    );
    same(
        CategoricalFocalLossConfig::keras().build::<f32>().unwrap(),
        CategoricalFocalLoss::<f32>::keras(),
    );
}

/// Every default configuration is the loss's `Default` (which is its `new()`).
#[test]
fn defaults_are_new() {
    same(
        SigmoidCrossEntropy::<f64>::default(),
        SigmoidCrossEntropy::<f64>::new(),
    );
    same(NllLoss::<f64>::default(), NllLoss::<f64>::new());
    same(
        CategoricalCrossEntropyProbs::<f64>::default(),
        CategoricalCrossEntropyProbs::<f64>::new(),
    );
    same(
        SparseCategoricalCrossEntropyProbs::default(),
        SparseCategoricalCrossEntropyProbs::new(),
    );
    same(
        CategoricalFocalLoss::<f64>::default(),
        CategoricalFocalLoss::<f64>::new(),
    );
    same(
        SparseCategoricalFocalLoss::<f64>::default(),
        SparseCategoricalFocalLoss::new(CategoricalFocalLoss::<f64>::new()),
    );
}

fn invalid_parameter(e: ReweighError) -> &'static str {
    match e {
        ReweighError::InvalidParameter { name, .. } => name,
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[rstest]
#[case::sigmoid_smoothing(SigmoidCrossEntropyConfig { label_smoothing: -0.1, ..Default::default() }.build::<f32>().map(|_| ()), "label_smoothing")]
#[case::softmax_smoothing(SoftmaxCrossEntropyConfig { label_smoothing: 1.5, ..Default::default() }.build::<f32>().map(|_| ()), "label_smoothing")]
#[case::sparse_smoothing(SparseSoftmaxCrossEntropyConfig { label_smoothing: f64::NAN, ..Default::default() }.build::<f64>().map(|_| ()), "label_smoothing")]
#[case::bce_epsilon(BinaryCrossEntropyConfig { epsilon: 0.7, ..Default::default() }.build::<f64>().map(|_| ()), "epsilon")]
#[case::cce_epsilon(CategoricalCrossEntropyProbsConfig { epsilon: -1.0, ..Default::default() }.build::<f64>().map(|_| ()), "epsilon")]
#[case::scce_epsilon(SparseCategoricalCrossEntropyProbsConfig { epsilon: 0.51, ..Default::default() }.build::<f64>().map(|_| ()), "epsilon")]
#[case::focal_gamma(BinaryFocalLossConfig { gamma: -1.0, ..Default::default() }.build::<f64>().map(|_| ()), "gamma")]
#[case::focal_alpha(BinaryFocalLossConfig { alpha: Some(1.5), ..Default::default() }.build::<f64>().map(|_| ()), "alpha")]
#[case::cat_focal_gamma(CategoricalFocalLossConfig { gamma: f64::INFINITY, ..Default::default() }.build::<f64>().map(|_| ()), "gamma")]
#[case::cat_focal_epsilon(CategoricalFocalLossConfig { epsilon: Some(0.7), ..Default::default() }.build::<f64>().map(|_| ()), "epsilon")]
#[case::cost_smoothing(CostMatrixConfig { cost_matrix: Some(ndarray::arr2(&[[0.0, 1.0], [1.0, 0.0]]).into_dyn()), label_smoothing: 2.0, ..Default::default() }.build::<f64>().map(|_| ()), "label_smoothing")]
fn bad_options_fail_at_build_time(#[case] built: reweigh::Result<()>, #[case] name: &str) {
    assert_eq!(invalid_parameter(built.unwrap_err()), name);
}

#[test]
fn non_finite_weights_fail_at_build_time() {
    let c =
        SparseSoftmaxCrossEntropyConfig::from_json(r#"{"class_weights": [1.0, "nan"]}"#).unwrap();
    assert!(matches!(
        c.build::<f32>(),
        Err(ReweighError::NonFinite {
            what: "class_weights",
            index: 1,
            ..
        })
    ));
    let c = SigmoidCrossEntropyConfig::from_json(r#"{"weight": ["inf"]}"#).unwrap();
    assert!(matches!(
        c.build::<f32>(),
        Err(ReweighError::NonFinite {
            what: "element_weights",
            ..
        })
    ));
    let c = NllLossConfig::from_json(r#"{"class_weights": [[1.0], [2.0]]}"#).unwrap();
    assert!(matches!(
        c.build::<f64>(),
        Err(ReweighError::BadShape {
            what: "class_weights",
            ..
        })
    ));
    let c = CostMatrixConfig::default();
    assert!(matches!(
        c.build::<f64>(),
        Err(ReweighError::InvalidConfig { .. })
    ));
}

#[test]
fn incompatible_options_fail_at_build_time() {
    let c = SparseSoftmaxCrossEntropyConfig {
        class_weights: Some(ndarray::arr1(&[1.0, 2.0]).into_dyn()),
        weight_by_predicted: true,
        label_smoothing: 0.1,
        ..SparseSoftmaxCrossEntropyConfig::pytorch()
    };
    assert!(matches!(
        c.build::<f32>(),
        Err(ReweighError::Incompatible(_))
    ));
    let c = SoftmaxCrossEntropyConfig {
        ignore_index: Some(0),
        ..Default::default()
    };
    assert!(matches!(
        c.build::<f32>(),
        Err(ReweighError::Incompatible(_))
    ));
}

#[rstest]
#[case::unknown_name(json!({"gama": 2.0}), "unknown field `gama`")]
#[case::wrong_type(json!({"gamma": "two"}), "invalid type")]
#[case::bad_reduction(json!({"reduction": "batchmean"}), "unknown reduction \"batchmean\"")]
#[case::ambiguous_mean(json!({"reduction": "mean"}), "ambiguous")]
#[case::not_an_object(json!([1, 2]), "expected an object")]
fn bad_configurations_are_typed_errors(#[case] params: serde_json::Value, #[case] says: &str) {
    let e = BinaryFocalLossConfig::keras()
        .with_params(&params)
        .unwrap_err();
    assert!(
        matches!(
            e,
            ReweighError::InvalidConfig {
                what: "BinaryFocalLossConfig",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains(says), "{e}");
}

#[test]
fn ragged_arrays_and_duplicate_aliases_are_errors() {
    let e =
        SigmoidCrossEntropyConfig::from_json(r#"{"pos_weight": [[1.0], [1.0, 2.0]]}"#).unwrap_err();
    assert!(e.to_string().contains("rectangular"), "{e}");
    let e = SigmoidCrossEntropyConfig::default()
        .with_params(&json!({"weight": [1.0], "element_weights": [2.0]}))
        .unwrap_err();
    assert!(
        e.to_string().contains("duplicate field `element_weights`"),
        "{e}"
    );
}

#[test]
fn params_go_over_a_preset_and_nulls_keep_it() {
    let c = SparseSoftmaxCrossEntropyConfig::pytorch()
        .with_params(&json!({"label_smoothing": 0.1, "ignore_index": null, "reduction": "sum"}))
        .unwrap();
    assert_eq!(c.ignore_index, Some(-100));
    assert_eq!(c.label_smoothing, 0.1);
    assert_eq!(c.reduction, reweigh::Reduction::Sum);
    assert_eq!(c.on_zero, reweigh::OnZeroWeights::Nan);
    let c = CategoricalFocalLossConfig::default()
        .with_params(&json!({"clip_epsilon": 1e-7, "alpha": [0.25, 0.5]}))
        .unwrap();
    assert_eq!(c.epsilon, Some(1e-7));
    assert_eq!(c.alpha, Some(AlphaConfig::PerClass(vec![0.25, 0.5])));
}

#[test]
fn json_round_trip_keeps_every_option() {
    let c = SigmoidCrossEntropyConfig {
        pos_weight: Some(ndarray::arr1(&[50.0, f64::INFINITY]).into_dyn()),
        element_weights: Some(ndarray::arr2(&[[1.0, 0.5]]).into_dyn()),
        ..SigmoidCrossEntropyConfig::keras()
    };
    let text = serde_json::to_string(&c).unwrap();
    assert!(text.contains(r#""pos_weight":[50.0,"inf"]"#), "{text}");
    let back = SigmoidCrossEntropyConfig::from_json(&text).unwrap();
    assert_eq!(back, c);
    let f = CategoricalFocalLossConfig::keras();
    assert_eq!(
        CategoricalFocalLossConfig::from_json(&serde_json::to_string(&f).unwrap()).unwrap(),
        f
    );
}
