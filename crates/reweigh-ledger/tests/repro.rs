//! The ports of the threads' own code (`reweigh_ledger::repro`): they compute what the originals
//! compute, raise where the originals raise, and agree with the recommended losses exactly where
//! the originals are right.

#[path = "../../../tests/support/mod.rs"]
mod support;

use ndarray::{Array1, Array2, ArrayD, IxDyn, arr0, array};
use reweigh::losses::{BinaryFocalLoss, CostMatrixCrossEntropy, SigmoidCrossEntropy};
use reweigh::schemes::{log_smoothed_weights, max_over_count_weights};
use reweigh::{Loss, Reduction};
use reweigh_ledger::repro::{
    ArgOrder, BceWithLogitsLossWeighted, FocalReduction, InitArgs, Python, binary_focal_loss,
    broadcast_mul, broadcast_shape, counter_class_weight, create_class_weight, final_mask,
    pgn_loss, pgn_true_label_weights, w_categorical_crossentropy, w_categorical_crossentropy_cast,
    weighted_categorical_crossentropy_class,
};
use rstest::rstest;
use std::collections::BTreeMap;

#[rstest]
#[case::losses_times_class_weights(&[6], &[1, 3], None)]
#[case::batch_equals_classes(&[3], &[1, 3], Some(vec![1, 3]))]
#[case::single_sample(&[1], &[1, 3], Some(vec![1, 3]))]
#[case::column_times_row(&[6, 1], &[1, 3], Some(vec![6, 3]))]
#[case::full_tensor(&[6], &[6, 3], None)]
#[case::scalar(&[], &[2, 2], Some(vec![2, 2]))]
#[case::trailing_match(&[2, 3], &[3], Some(vec![2, 3]))]
#[case::leading_mismatch(&[2, 3], &[2], None)]
fn numpy_broadcasting(#[case] a: &[usize], #[case] b: &[usize], #[case] want: Option<Vec<usize>>) {
    assert_eq!(broadcast_shape(a, b), want);
    assert_eq!(broadcast_shape(b, a), want);
    let x = ArrayD::<f64>::ones(IxDyn(a));
    let y = ArrayD::<f64>::ones(IxDyn(b));
    match (broadcast_mul(x.view(), y.view()), want) {
        (Ok(p), Some(shape)) => assert_eq!(p.shape(), shape.as_slice()),
        (Err(e), None) => {
            assert_eq!(e.kind, "InvalidArgumentError");
            assert!(e.message.starts_with("Incompatible shapes: ["), "{e}");
        }
        (r, w) => panic!("{a:?} × {b:?}: {r:?} vs {w:?}"),
    }
}

fn pgn_batch(n: usize) -> (Array2<f64>, Array2<f64>) {
    let logits = Array2::from_shape_fn((n, 3), |(i, j)| ((i * 3 + j) as f64 * 0.7).sin());
    let onehot = Array2::from_shape_fn((n, 3), |(i, j)| f64::from(i % 3 == j));
    (logits, onehot)
}

/// With true-label weights, P-Gn's loss is the Keras-style weighted mean Σ w·l / N.
#[rstest]
#[case(1)]
#[case(3)]
#[case(7)]
fn pgn_true_label_loss_is_a_weighted_mean(#[case] n: usize) {
    let (x, y) = pgn_batch(n);
    let cw = array![[1.0, 2.0, 3.0]].into_dyn();
    let w = pgn_true_label_weights(cw.view(), &y).unwrap();
    let out = pgn_loss(&y, &x, w.view()).unwrap();
    let keras = reweigh::losses::SoftmaxCrossEntropy::<f64>::keras()
        .forward_weighted(&x, &y, w.view())
        .unwrap()
        .scalar()
        .unwrap();
    assert!((out.loss - keras).abs() < 1e-12);
    assert_eq!(out.weighted_losses.shape(), &[n]);
}

/// `weights = class_weights` raises unless the batch has C or 1 samples.
#[rstest]
#[case(1, Some(vec![1, 3]))]
#[case(2, None)]
#[case(3, Some(vec![1, 3]))]
#[case(4, None)]
fn pgn_estimated_label_broadcasting(#[case] n: usize, #[case] shape: Option<Vec<usize>>) {
    let (x, y) = pgn_batch(n);
    let cw = array![[1.0, 2.0, 3.0]].into_dyn();
    let r = pgn_loss(&y, &x, cw.view());
    assert_eq!(r.map(|o| o.weighted_losses.shape().to_vec()).ok(), shape);
}

#[test]
fn pgn_weights_need_two_axes() {
    let e = pgn_true_label_weights(
        array![1.0, 2.0].into_dyn().view(),
        array![0.0, 1.0].into_dyn().view(),
    )
    .unwrap_err();
    assert_eq!(e.kind, "InvalidArgumentError");
}

fn dict(pairs: &[(i64, u64)]) -> BTreeMap<i64, u64> {
    pairs.iter().copied().collect()
}

#[rstest]
#[case::python3(dict(&[(0, 10), (1, 2)]), 0.15, Python::Three, Some("TypeError"))]
#[case::python3_empty_runs(dict(&[]), 0.15, Python::Three, None)]
#[case::zero_count(dict(&[(0, 10), (1, 0)]), 0.15, Python::Two, Some("ZeroDivisionError"))]
#[case::negative_mu(dict(&[(0, 10)]), -0.15, Python::Two, Some("ValueError"))]
#[case::python2(dict(&[(0, 10), (1, 2)]), 0.15, Python::Two, None)]
fn create_class_weight_raises_like_python(
    #[case] d: BTreeMap<i64, u64>,
    #[case] mu: f64,
    #[case] python: Python,
    #[case] kind: Option<&str>,
) {
    let r = create_class_weight(&d, mu, python);
    assert_eq!(r.as_ref().err().map(|e| e.kind), kind, "{r:?}");
}

/// On Python 2 the snippet is reweigh's log-smoothed scheme with floor 1.
#[rstest]
#[case(&[2813, 78, 2814, 78, 7914, 248, 7914, 248], 0.15)]
#[case(&[5, 500, 50], 0.5)]
#[case(&[1, 1, 1000], 2.0)]
fn create_class_weight_is_log_smoothed(#[case] counts: &[u64], #[case] mu: f64) {
    let d: BTreeMap<i64, u64> = counts
        .iter()
        .enumerate()
        .map(|(i, &n)| (i as i64, n))
        .collect();
    let port = create_class_weight(&d, mu, Python::Two).unwrap();
    let n: Array1<f64> = counts.iter().map(|&c| c as f64).collect();
    let lib = log_smoothed_weights(n.view(), mu, 1.0).unwrap();
    for (i, w) in lib.iter().enumerate() {
        assert_eq!(port[&(i as i64)], *w, "class {i}");
    }
}

#[test]
fn counter_weights_are_max_over_count() {
    let y = [2_i64, 0, 0, 1, 0, 2, 0, 0, 2];
    let port = counter_class_weight(&y);
    let lib = max_over_count_weights(array![5.0_f64, 1.0, 3.0].view()).unwrap();
    for (k, v) in port {
        assert_eq!(v, lib[k as usize]);
    }
}

fn ml_batch() -> (ArrayD<f64>, ArrayD<f64>) {
    let x = Array2::from_shape_fn((4, 5), |(i, j)| ((i * 5 + j) as f64 * 1.3).cos() * 3.0);
    let z = Array2::from_shape_fn((4, 5), |(i, j)| f64::from((i + 2 * j) % 4 == 0));
    (x.into_dyn(), z.into_dyn())
}

#[test]
fn bce_weighted_is_pos_weight_for_hard_labels_only() {
    let (x, z) = ml_batch();
    let pos = SigmoidCrossEntropy::<f64>::pytorch().pos_weight(arr0(50.0).into_dyn());
    let (v, g) = BceWithLogitsLossWeighted::new(50.0)
        .forward(x.view(), z.view())
        .unwrap();
    let out = pos.forward_backward(x.view(), z.view()).unwrap();
    assert!((v - out.value.scalar().unwrap()).abs() < 1e-12);
    assert!(
        (&g - out.grad.as_ref().unwrap())
            .iter()
            .all(|d| d.abs() < 1e-15)
    );
    let soft = z.mapv(|v| 0.8 * v + 0.1);
    let (vs, _) = BceWithLogitsLossWeighted::new(50.0)
        .forward(x.view(), soft.view())
        .unwrap();
    let ps = pos
        .forward(x.view(), soft.view())
        .unwrap()
        .scalar()
        .unwrap();
    assert!((vs - ps).abs() > 0.1, "{vs} vs {ps}");
}

/// The gradient of the port against central finite differences, at every element.
#[test]
fn bce_weighted_gradient() {
    let (x, z) = ml_batch();
    let soft = z.mapv(|v| 0.7 * v + 0.2);
    let loss = BceWithLogitsLossWeighted::new(3.0);
    let (_, g) = loss.forward(x.view(), soft.view()).unwrap();
    let f = |x: &ArrayD<f64>| loss.forward(x.view(), soft.view()).unwrap().0;
    support::check_gradient(f, &g, &x, 1e-6, 1e-8);
}

#[test]
fn thread_focal_matches_lin_on_positives_only() {
    let (x, z) = ml_batch();
    let thread = binary_focal_loss(
        x.view(),
        z.view(),
        2.0,
        None,
        None,
        Some(FocalReduction::Identity),
    )
    .unwrap()
    .into_array();
    let lin = BinaryFocalLoss::<f64>::new()
        .gamma(2.0)
        .forward(x.view(), z.view())
        .unwrap()
        .into_array();
    for ((t, l), &label) in thread.iter().zip(&lin).zip(&z) {
        if label == 1.0 {
            assert!((t - l).abs() <= 1e-12 * l.abs().max(1e-300), "{t} vs {l}");
        }
    }
    assert!(
        thread
            .iter()
            .zip(&lin)
            .zip(&z)
            .any(|((t, l), &label)| label == 0.0 && (t - l).abs() > 1e-3)
    );
    let sum = binary_focal_loss(
        x.view(),
        z.view(),
        2.0,
        None,
        None,
        Some(FocalReduction::Sum),
    )
    .unwrap()
    .scalar()
    .unwrap();
    let mean = binary_focal_loss(
        x.view(),
        z.view(),
        2.0,
        None,
        None,
        Some(FocalReduction::Mean),
    )
    .unwrap()
    .scalar()
    .unwrap();
    assert!((sum / 20.0 - mean).abs() < 1e-12);
    let e = binary_focal_loss(x.view(), z.view(), 2.0, None, None, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "TypeError: 'NoneType' object is not callable"
    );
}

#[test]
fn thread_focal_passes_weight_and_pos_weight_to_bce() {
    let (x, z) = ml_batch();
    let w = ArrayD::from_elem(IxDyn(&[5]), 2.0);
    let weighted = binary_focal_loss(
        x.view(),
        z.view(),
        1.0,
        Some(w),
        Some(arr0(3.0).into_dyn()),
        Some(FocalReduction::Sum),
    )
    .unwrap()
    .scalar()
    .unwrap();
    let bce = SigmoidCrossEntropy::<f64>::new()
        .element_weights(ArrayD::from_elem(IxDyn(&[5]), 2.0))
        .pos_weight(arr0(3.0).into_dyn())
        .forward(x.view(), z.view())
        .unwrap()
        .into_array();
    let want: f64 = bce
        .iter()
        .zip(&x)
        .map(|(l, &xi)| (1.0 - 1.0 / (1.0 + (-xi).exp())) * l)
        .sum();
    assert!((weighted - want).abs() < 1e-12);
}

#[test]
fn keras_2115_mask_counts_ties_and_versions_differ() {
    let w = array![[1.0_f64, 1.0, 1.0], [1.0, 1.0, 1.2], [1.0, 1.2, 1.0]];
    let y = array![[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]];
    let p = array![[0.2, 0.3, 0.5], [0.1, 0.45, 0.45], [0.6, 0.3, 0.1]];
    // sample 1: true 2, predictions 1 and 2 tie: 1.2 + 1.0
    assert_eq!(
        final_mask(y.view(), p.view(), w.view()).unwrap(),
        array![1.2, 2.2, 1.0]
    );
    assert_eq!(
        w_categorical_crossentropy(y.view(), p.view(), w.view())
            .unwrap_err()
            .kind,
        "InvalidArgumentError"
    );
    let intended =
        w_categorical_crossentropy_cast(y.view(), p.view(), w.view(), ArgOrder::Keras1).unwrap();
    let lib = CostMatrixCrossEntropy::matrix(w.clone())
        .reduction(Reduction::None)
        .forward(&p, &y)
        .unwrap()
        .into_array();
    for (a, b) in intended.iter().zip(&lib) {
        assert!((a - b).abs() < 1e-12);
    }
    let swapped =
        w_categorical_crossentropy_cast(y.view(), p.view(), w.view(), ArgOrder::Keras2).unwrap();
    assert!(swapped.iter().zip(&intended).all(|(s, i)| s > i));
    let class =
        weighted_categorical_crossentropy_class(y.view(), p.view(), w.view(), InitArgs::Keywords)
            .unwrap();
    assert!((class - intended.mean().unwrap()).abs() < 1e-12);
    assert!(
        weighted_categorical_crossentropy_class(y.view(), p.view(), w.view(), InitArgs::AsWritten)
            .is_err()
    );
}

/// (issue 11 #5) Shapes the keras#2115 snippet cannot run raise what TensorFlow 2.21 raises
/// (measured with `tensorflow.python.keras.backend`), never an index panic; one row broadcasts.
#[rstest]
#[case::weights_larger_than_classes(
    4,
    3,
    3,
    2,
    2,
    "InvalidArgumentError",
    "slice index 3 of dimension 1 out of bounds."
)]
#[case::pred_narrower_than_true(
    3,
    3,
    3,
    2,
    2,
    "InvalidArgumentError",
    "slice index 2 of dimension 1 out of bounds."
)]
#[case::true_narrower(
    3,
    3,
    2,
    3,
    2,
    "InvalidArgumentError",
    "slice index 2 of dimension 1 out of bounds."
)]
#[case::weights_not_square(
    3,
    2,
    3,
    3,
    2,
    "IndexError",
    "index 2 is out of bounds for axis 1 with size 2"
)]
#[case::rows_differ(
    3,
    3,
    3,
    3,
    3,
    "InvalidArgumentError",
    "Incompatible shapes: [3] vs. [2]"
)]
fn keras_2115_bad_shapes_raise_what_tensorflow_raises(
    #[case] w_rows: usize,
    #[case] w_cols: usize,
    #[case] true_cols: usize,
    #[case] pred_cols: usize,
    #[case] pred_rows: usize,
    #[case] kind: &str,
    #[case] message: &str,
) {
    let w = Array2::<f64>::ones((w_rows, w_cols));
    let y_true = Array2::from_shape_fn((2, true_cols), |(i, j)| {
        f64::from(u8::from(i % true_cols == j))
    });
    let y_pred = Array2::from_shape_fn((pred_rows, pred_cols), |(i, j)| {
        0.1 + 0.1 * ((i + j) % 3) as f64
    });
    for r in [
        final_mask(y_true.view(), y_pred.view(), w.view()).map(|_| ()),
        w_categorical_crossentropy_cast(y_true.view(), y_pred.view(), w.view(), ArgOrder::Keras1)
            .map(|_| ()),
    ] {
        let e = r.unwrap_err();
        assert_eq!(e.kind, kind);
        assert!(e.message.starts_with(message), "{}", e.message);
    }
}

#[test]
fn keras_2115_one_row_broadcasts_as_in_tensorflow() {
    // measured: the 2-row y_true against a 1-row y_pred gives final_mask [1, 1] (TF broadcasts)
    let w = Array2::<f64>::ones((3, 3));
    let y_true = array![[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]];
    let y_pred = array![[0.2, 0.5, 0.3]];
    assert_eq!(
        final_mask(y_true.view(), y_pred.view(), w.view()).unwrap(),
        array![1.0, 1.0]
    );
}
