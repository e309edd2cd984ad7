//! kornia's Dice and Tversky losses (`PerSampleTverskyLoss`): closed-form gradients against
//! central differences, the sparse form against the dense one, kornia's rules for absent classes,
//! ignored samples and zero weights, the accuracy of near-zero losses against mpmath's exact
//! values, and the errors. Values against kornia are in the golden cases
//! (data/reference/dice_kornia.json).

use ndarray::{Array1, Array4, ArrayD, IxDyn, array};
use reweigh::config::{LossConfig, PerSampleTverskyConfig};
use reweigh::losses::{ClassAverage, PerSampleTverskyLoss, SparsePerSampleTverskyLoss};
use reweigh::{Loss, Reduction, ReweighError};
use rstest::rstest;

mod support;
use support::check_gradient;

/// Logits (B = 2, C = 3, H = 2, W = 2).
fn logits() -> ArrayD<f64> {
    Array4::from_shape_vec(
        (2, 3, 2, 2),
        vec![
            1.5, -0.3, 0.2, 2.0, -1.0, 0.4, 3.0, -2.0, 0.1, 0.7, -2.0, 0.5, //
            2.0, -4.0, 0.5, 1.0, -0.5, 0.3, 0.9, -1.5, 0.0, 1.2, -0.7, 2.5,
        ],
    )
    .unwrap()
    .into_dyn()
}

/// Labels (B = 2, H = 2, W = 2): sample 1 has no pixel of class 1, one pixel of sample 0 is
/// ignored (-100).
fn labels() -> ArrayD<i64> {
    array![[[0_i64, 1], [2, -100]], [[2, 0], [0, 2]]].into_dyn()
}

/// The one-hot targets of [`labels`] (ignored pixels all 0).
fn one_hot(labels: &ArrayD<i64>, c: usize) -> ArrayD<f64> {
    let s = labels.shape();
    let mut t = ArrayD::zeros(IxDyn(&[s[0], c, s[1], s[2]]));
    for ((b, h, w), &l) in labels
        .view()
        .into_dimensionality::<ndarray::Ix3>()
        .unwrap()
        .indexed_iter()
    {
        if l >= 0 {
            t[[b, l as usize, h, w]] = 1.0;
        }
    }
    t
}

fn weights() -> Array1<f64> {
    array![0.5, 2.0, 1.5]
}

#[rstest]
#[case::dice_micro(PerSampleTverskyLoss::kornia_dice(ClassAverage::Micro), false)]
#[case::dice_micro_weights(PerSampleTverskyLoss::kornia_dice(ClassAverage::Micro), true)]
#[case::dice_macro(PerSampleTverskyLoss::kornia_dice(ClassAverage::Macro), false)]
#[case::dice_macro_weights(PerSampleTverskyLoss::kornia_dice(ClassAverage::Macro), true)]
#[case::tversky(PerSampleTverskyLoss::kornia_tversky(0.3, 0.7), false)]
#[case::tversky_recall(PerSampleTverskyLoss::kornia_tversky(1.0, 0.0), false)]
#[case::tversky_micro_weights(
    PerSampleTverskyLoss::kornia_tversky(0.7, 0.3).average(ClassAverage::Micro),
    true
)]
fn gradient_matches_central_differences(
    #[case] loss: PerSampleTverskyLoss<f64>,
    #[case] weighted: bool,
) {
    let loss = if weighted {
        loss.class_weights(Some(weights()))
    } else {
        loss
    };
    let sparse = SparsePerSampleTverskyLoss::new(loss.clone());
    let (x, y) = (logits(), labels());
    let sw = array![0.5, 2.0].into_dyn();
    for w in [None, Some(sw)] {
        let out = sparse
            .compute(x.view(), y.view(), w.as_ref().map(|w| w.view()), true)
            .unwrap();
        let f = |v: &ArrayD<f64>| {
            sparse
                .compute(v.view(), y.view(), w.as_ref().map(|w| w.view()), false)
                .unwrap()
                .value
                .scalar()
                .unwrap()
        };
        check_gradient(f, out.grad.as_ref().unwrap(), &x, 1e-6, 1e-8);
    }
    // soft dense targets, no ignored element
    let soft = one_hot(&y, 3).mapv(|t| 0.1 + 0.8 * t);
    let dense = loss.ignore_index(None);
    let out = dense.forward_backward(x.view(), soft.view()).unwrap();
    let f = |v: &ArrayD<f64>| {
        dense
            .forward(v.view(), soft.view())
            .unwrap()
            .scalar()
            .unwrap()
    };
    check_gradient(f, out.grad.as_ref().unwrap(), &x, 1e-6, 1e-8);
}

#[test]
fn sparse_is_the_dense_loss_on_one_hot_channels_with_ignored_pixels_left_out() {
    let (x, y) = (logits(), labels());
    for loss in [
        PerSampleTverskyLoss::kornia_dice(ClassAverage::Micro).class_weights(Some(weights())),
        PerSampleTverskyLoss::kornia_dice(ClassAverage::Macro),
        PerSampleTverskyLoss::kornia_tversky(0.3, 0.7),
    ] {
        let a = SparsePerSampleTverskyLoss::new(loss.clone())
            .forward_backward(x.view(), y.view())
            .unwrap();
        // the dense targets mark the ignored pixel with -100 in every channel
        let mut t = one_hot(&y, 3);
        for k in 0..3 {
            t[[0, k, 1, 1]] = -100.0;
        }
        let b = loss.forward_backward(x.view(), t.view()).unwrap();
        assert_eq!(a, b);
        let g = a.grad.unwrap();
        assert!((0..3).all(|k| g[[0, k, 1, 1]] == 0.0));
    }
}

/// The per-sample losses are reduced by the reduction: `none` gives one per sample, kornia's mean
/// is `sum_over_batch_size`; the micro Dice is `1 − 2Σw·p·t/(Σw·p + Σw·t + eps)` per sample.
#[test]
fn per_sample_losses_and_the_micro_formula() {
    let (x, y) = (logits(), labels());
    let loss =
        PerSampleTverskyLoss::kornia_dice(ClassAverage::Micro).class_weights(Some(weights()));
    let none = SparsePerSampleTverskyLoss::new(loss.clone().reduction(Reduction::None));
    let v = none.forward(x.view(), y.view()).unwrap().into_array();
    assert_eq!(v.shape(), &[2]);
    let mean = SparsePerSampleTverskyLoss::new(loss)
        .forward(x.view(), y.view())
        .unwrap()
        .scalar()
        .unwrap();
    assert!((mean - (v[0] + v[1]) / 2.0).abs() < 1e-15);
    let t = one_hot(&y, 3);
    let w = weights();
    for b in 0..2 {
        let (mut inter, mut card) = (0.0, 0.0);
        for h in 0..2 {
            for j in 0..2 {
                if y[[b, h, j]] == -100 {
                    continue;
                }
                let row: Vec<f64> = (0..3).map(|k| x[[b, k, h, j]]).collect();
                let z: f64 = row.iter().map(|v| v.exp()).sum();
                for k in 0..3 {
                    let p = row[k].exp() / z;
                    inter += w[k] * p * t[[b, k, h, j]];
                    card += w[k] * (p + t[[b, k, h, j]]);
                }
            }
        }
        assert!((v[b] - (1.0 - 2.0 * inter / (card + 1e-8))).abs() < 1e-14);
    }
}

/// kornia's macro rule: a class absent from a sample's target is left out of that sample's mean
/// (smp would keep it with loss 0), a sample with no present class (every pixel ignored, or
/// weight 0 on its present classes) has loss 1 and a zero gradient, also at eps = 0.
#[test]
fn absent_classes_and_empty_samples() {
    let x = logits();
    let y = labels();
    let macro_ = PerSampleTverskyLoss::kornia_tversky(0.3, 0.7).reduction(Reduction::None);
    let none = SparsePerSampleTverskyLoss::new(macro_.clone());
    let v = none.forward(x.view(), y.view()).unwrap().into_array();
    // sample 1 has classes 0 and 2: its loss is the mean of their two losses; adding a huge
    // weight to the absent class 1 changes nothing
    let weighted =
        SparsePerSampleTverskyLoss::new(macro_.clone().class_weights(Some(array![1.0, 1e6, 1.0])));
    let vw = weighted.forward(x.view(), y.view()).unwrap().into_array();
    assert!((v[1] - vw[1]).abs() < 1e-15);
    assert!((v[0] - vw[0]).abs() > 1e-3);
    let mut ignored = y.clone();
    ignored.slice_mut(ndarray::s![1, .., ..]).fill(-100);
    for eps in [1e-8, 0.0] {
        for loss in [
            macro_.clone().epsilon(eps),
            PerSampleTverskyLoss::kornia_dice(ClassAverage::Micro)
                .epsilon(eps)
                .reduction(Reduction::None),
        ] {
            let l = SparsePerSampleTverskyLoss::new(loss);
            let out = l.forward_backward(x.view(), ignored.view()).unwrap();
            let v = out.value.into_array();
            assert_eq!(v[1], 1.0);
            assert!(v[0].is_finite() && v[0] < 1.0);
            let g = out.grad.unwrap();
            assert!(
                g.slice(ndarray::s![1, .., .., ..])
                    .iter()
                    .all(|&g| g == 0.0)
            );
        }
    }
    // zero weights on every class: loss 1 for each sample (kornia's documented convention)
    for average in [ClassAverage::Micro, ClassAverage::Macro] {
        let l = SparsePerSampleTverskyLoss::new(
            PerSampleTverskyLoss::kornia_dice(average).class_weights(Some(Array1::zeros(3))),
        );
        let out = l.forward_backward(x.view(), y.view()).unwrap();
        assert_eq!(out.value.scalar().unwrap(), 1.0);
        assert!(out.grad.unwrap().iter().all(|&g| g == 0.0));
    }
}

/// kornia forms `1 − S` from a rounded `S ≈ 1`; reweigh's `(α·FP + β·FN + ε)/D` with the
/// softmax's complement keeps the digits: on the golden cases whose note gives the exact loss
/// (mpmath, 50 digits, by scripts/reference/gen_dice_kornia.py), the float64 value is within a
/// few roundoffs of it (kornia: 4e-8 relative).
#[test]
fn near_zero_losses_keep_their_digits() {
    let text = std::fs::read_to_string("data/reference/dice_kornia.json").unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for case in file["cases"].as_array().unwrap() {
        let Some(note) = case["note"].as_str() else {
            continue;
        };
        if case["dtype"] != "float64" {
            continue;
        }
        let exact: f64 = note
            .strip_prefix("exact loss (mpmath, 50 digits): ")
            .and_then(|s| s.split(';').next())
            .unwrap()
            .parse()
            .unwrap();
        let arr = |name: &str| -> (Vec<usize>, Vec<f64>) {
            let a = &case["inputs"][name];
            (
                serde_json::from_value(a["shape"].clone()).unwrap(),
                a["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect(),
            )
        };
        let (xs, xd) = arr("logits");
        let (ys, yd) = arr("labels");
        let x = ArrayD::from_shape_vec(IxDyn(&xs), xd).unwrap();
        let y = ArrayD::from_shape_vec(IxDyn(&ys), yd.iter().map(|&v| v as i64).collect()).unwrap();
        let mut params = case["params"].clone();
        params.as_object_mut().unwrap().remove("preset");
        let loss = PerSampleTverskyConfig::default()
            .with_params(&params)
            .unwrap()
            .build_sparse::<f64>()
            .unwrap();
        let v = loss.forward(x.view(), y.view()).unwrap().scalar().unwrap();
        assert!(
            (v - exact).abs() <= 4.0 * f64::EPSILON * exact,
            "{}: {v:e} vs exact {exact:e}",
            case["id"]
        );
        checked += 1;
    }
    assert_eq!(checked, 6);
}

#[test]
fn bad_options_and_inputs_are_errors() {
    let (x, y) = (logits(), labels());
    let dice = PerSampleTverskyLoss::<f64>::kornia_dice(ClassAverage::Micro);
    let sparse = |l: PerSampleTverskyLoss<f64>| SparsePerSampleTverskyLoss::new(l);
    for (loss, name) in [
        (dice.clone().alpha(-0.1), "alpha"),
        (dice.clone().beta(f64::NAN), "beta"),
        (dice.clone().epsilon(f64::INFINITY), "epsilon"),
    ] {
        let err = sparse(loss).forward(x.view(), y.view()).unwrap_err();
        assert!(
            matches!(err, ReweighError::InvalidParameter { name: n, .. } if n == name),
            "{err}"
        );
    }
    assert!(matches!(
        sparse(dice.clone().class_weights(Some(array![1.0, -1.0, 1.0])))
            .forward(x.view(), y.view()),
        Err(ReweighError::NegativeWeight { .. })
    ));
    // kornia: "weight must hold one value per class of pred"
    assert!(matches!(
        sparse(dice.clone().class_weights(Some(array![1.0, 1.0]))).forward(x.view(), y.view()),
        Err(ReweighError::ShapeMismatch {
            what: "class_weights",
            ..
        })
    ));
    // kornia: "Invalid pred shape, we expect BxNxHxW"
    let x3 = x.clone().into_shape_with_order(IxDyn(&[2, 3, 4])).unwrap();
    let y2 = y.clone().into_shape_with_order(IxDyn(&[2, 4])).unwrap();
    assert!(matches!(
        sparse(dice.clone()).forward(x3.view(), y2.view()),
        Err(ReweighError::BadShape { what: "input", .. })
    ));
    // kornia: "Expected target size torch.Size([2, 2, 2]), got ..."
    let y_bad = array![[[0_i64, 1], [2, 0]]].into_dyn();
    assert!(matches!(
        sparse(dice.clone()).forward(x.view(), y_bad.view()),
        Err(ReweighError::ShapeMismatch { what: "labels", .. })
    ));
    // kornia: "Class values must be smaller than num_classes." / "... non-negative."
    for bad in [3_i64, -1] {
        let mut yb = y.clone();
        yb[[1, 0, 0]] = bad;
        assert!(matches!(
            sparse(dice.clone()).forward(x.view(), yb.view()),
            Err(ReweighError::LabelOutOfRange { label, .. }) if label == bad
        ));
    }
    // without ignore_index, -100 is a bad label too
    assert!(matches!(
        sparse(dice.clone().ignore_index(None)).forward(x.view(), y.view()),
        Err(ReweighError::LabelOutOfRange { label: -100, .. })
    ));
    let mut nan = x.clone();
    nan[[0, 0, 0, 0]] = f64::NAN;
    assert!(matches!(
        sparse(dice.clone()).forward(nan.view(), y.view()),
        Err(ReweighError::NonFinite { what: "input", .. })
    ));
    let empty = ArrayD::<f64>::zeros(IxDyn(&[0, 3, 2, 2]));
    let no_labels = ArrayD::<i64>::zeros(IxDyn(&[0, 2, 2]));
    assert!(matches!(
        sparse(dice.clone()).forward(empty.view(), no_labels.view()),
        Err(ReweighError::EmptyBatch { .. })
    ));
    // the dense form: targets of the input's shape
    assert!(matches!(
        dice.forward(
            x.view(),
            one_hot(&y, 3)
                .slice(ndarray::s![.., ..2, .., ..])
                .into_dyn()
        ),
        Err(ReweighError::ShapeMismatch { what: "labels", .. })
    ));
    // an unknown average name (kornia: "The `average` has to be one of {'macro', 'micro'}")
    assert!(PerSampleTverskyConfig::from_json(r#"{"average": "weighted"}"#).is_err());
}

/// Regression rows found by the property suite, and the one rule where reweigh is finite and
/// kornia is not (data/reference/README.md, deliberate differences).
#[test]
fn empty_groups_and_subnormal_denominators() {
    // kornia's tversky_loss(eps=0, beta=0) of a present class whose probabilities underflow to
    // 0 is 0/0 = NaN in float32 (scripts/reference/measure_dice_differences.py); the empty-group
    // rule scores it 0 (loss 1), the limit of eps → 0⁺; float64 still has p = e^-709 > 0 there
    let loss = |beta| PerSampleTverskyLoss::kornia_tversky(0.5, beta).epsilon(0.0);
    let y = array![[[0_i64]]].into_dyn();
    let x32 = Array4::from_shape_vec((1, 2, 1, 1), vec![0.0_f32, 709.0])
        .unwrap()
        .into_dyn();
    let l32 = SparsePerSampleTverskyLoss::new(
        PerSampleTverskyLoss::<f32>::kornia_tversky(0.5, 0.0).epsilon(0.0),
    );
    let out = l32.forward_backward(x32.view(), y.view()).unwrap();
    assert_eq!(out.value.scalar(), Some(1.0));
    assert!(out.grad.unwrap().iter().all(|&g| g == 0.0));
    let x64 = x32.mapv(f64::from);
    let v = SparsePerSampleTverskyLoss::new(loss(0.0))
        .forward(x64.view(), y.view())
        .unwrap()
        .scalar()
        .unwrap();
    assert_eq!(v, 0.0); // kornia float64: 0.0
    // a subnormal denominator (p = e^-709 weighted into FP) and a zero class weight on the
    // target: the gradient was NaN (1/D overflowed, then 0·∞); it is 0 where the weight is 0
    let micro = PerSampleTverskyLoss::kornia_tversky(0.1, 0.5)
        .average(ClassAverage::Micro)
        .epsilon(0.0)
        .class_weights(Some(array![0.476, 0.0]));
    let t = Array4::from_shape_vec((1, 2, 1, 1), vec![0.0, 1.0])
        .unwrap()
        .into_dyn();
    let out = micro.forward_backward(x64.view(), t.view()).unwrap();
    assert_eq!(out.value.scalar(), Some(1.0));
    assert!(out.grad.unwrap().iter().all(|g| g.is_finite()));
}
