//! Cost-matrix cross-entropy: properties and typed errors (the numbers are checked against the
//! frameworks by tests/golden.rs).

use ndarray::{Array2, ArrayD, Axis, array};
use reweigh::losses::{CategoricalCrossEntropyProbs, CostMatrixCrossEntropy, CostWeights};
use reweigh::{Framework, Loss, Reduction, ReweighError};
use rstest::rstest;

mod support;
use support::check_gradient;

fn probs() -> ArrayD<f64> {
    array![[0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.25, 0.45, 0.3]].into_dyn()
}
fn logits() -> ArrayD<f64> {
    array![[0.5, -1.0, 2.0], [1.5, 0.2, -0.3], [0.0, 0.7, 0.1]].into_dyn()
}
fn labels() -> ArrayD<f64> {
    array![[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.2, 0.5, 0.3]].into_dyn()
}
fn cost() -> Array2<f64> {
    array![[1.0, 2.0, 3.0], [1.5, 1.0, 4.0], [0.5, 2.5, 1.0]]
}

fn scalar(loss: &CostMatrixCrossEntropy<f64>, x: &ArrayD<f64>, y: &ArrayD<f64>) -> f64 {
    loss.forward(x.view(), y.view()).unwrap().scalar().unwrap()
}

/// Softmax cross-entropy of one row, `−Σ y·log_softmax(x)`, written out for the tests.
fn softmax_ce(x: &[f64], y: &[f64]) -> f64 {
    let m = x.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    let lse = m + x.iter().map(|v| (v - m).exp()).sum::<f64>().ln();
    -x.iter().zip(y).map(|(xv, yv)| yv * (xv - lse)).sum::<f64>()
}

fn row(a: &ArrayD<f64>, i: usize) -> Vec<f64> {
    a.index_axis(Axis(0), i).iter().copied().collect()
}

#[test]
fn a_matrix_of_ones_is_plain_categorical_cross_entropy() {
    let ones = Array2::ones((3, 3));
    let a = scalar(&CostMatrixCrossEntropy::matrix(ones), &probs(), &labels());
    let b = CategoricalCrossEntropyProbs::keras()
        .forward(probs().view(), labels().view())
        .unwrap()
        .scalar()
        .unwrap();
    assert_eq!(a, b);
}

#[test]
fn the_matrix_cost_is_looked_up_by_true_and_predicted_class() {
    let loss = CostMatrixCrossEntropy::matrix(cost()).reduction(Reduction::None);
    let v = loss
        .forward(probs().view(), labels().view())
        .unwrap()
        .into_array();
    let plain = CategoricalCrossEntropyProbs::keras()
        .reduction(Reduction::None)
        .forward(probs().view(), labels().view())
        .unwrap()
        .into_array();
    // row 0: true 1, predicted 2; row 1: true 0, predicted 0; row 2: soft labels, predicted 1
    let m = cost();
    let soft = 0.2 * m[[0, 1]] + 0.5 * m[[1, 1]] + 0.3 * m[[2, 1]];
    for (i, w) in [m[[1, 2]], m[[0, 0]], soft].into_iter().enumerate() {
        assert!((v[[i]] - w * plain[[i]]).abs() < 1e-15, "row {i}");
    }
}

#[test]
fn tied_maxima_add_their_costs() {
    let p = array![[0.4, 0.4, 0.2]].into_dyn();
    let y = array![[0.0, 0.0, 1.0]].into_dyn();
    let m = cost();
    let v = scalar(&CostMatrixCrossEntropy::matrix(m.clone()), &p, &y);
    let ce = -(0.2_f64.ln());
    assert!((v - (m[[2, 0]] + m[[2, 1]]) * ce).abs() < 1e-14);
}

#[test]
fn the_matrix_weight_stays_out_of_the_denominator() {
    // keras#2115 multiplies inside the loss function: mean_with_sample_weight divides by Σ sw
    let loss = CostMatrixCrossEntropy::matrix(cost());
    let sum = scalar(&loss.clone().reduction(Reduction::Sum), &probs(), &labels());
    let mean = scalar(
        &loss.reduction(Reduction::WeightedMean),
        &probs(),
        &labels(),
    );
    assert!((mean - sum / 3.0).abs() < 1e-15);
}

#[test]
fn the_tensor_weight_is_a_sample_weight() {
    // P-Gn's class weights [[1, 2, 3]]: s = Σ W·y enters the weighted mean's denominator
    let w = array![[1.0, 2.0, 3.0]].into_dyn();
    let y = array![[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]].into_dyn();
    let loss = CostMatrixCrossEntropy::tensor(w).reduction(Reduction::WeightedMean);
    let x = logits();
    let s = [2.0, 1.0, 3.0];
    let expected: f64 = (0..3)
        .map(|i| s[i] * softmax_ce(&row(&x, i), &row(&y, i)))
        .sum::<f64>()
        / 6.0;
    assert!((scalar(&loss, &x, &y) - expected).abs() < 1e-14);
}

#[test]
fn a_full_weight_tensor_with_zeros_counts_nonzero_weights_in_tf1() {
    let w = array![[1.0, 0.0, 2.0], [0.0, 3.0, 1.0], [1.0, 1.0, 1.0]].into_dyn();
    let y = array![[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]].into_dyn();
    let tf1 = CostMatrixCrossEntropy::tensor(w).reduction(Framework::Tf1.default_reducer());
    let sum = scalar(&tf1.clone().reduction(Reduction::Sum), &logits(), &y);
    // only the last sample has a nonzero weight
    assert!((scalar(&tf1, &logits(), &y) - sum).abs() < 1e-15);
}

#[rstest]
#[case::matrix_probs(CostMatrixCrossEntropy::matrix(cost()).label_smoothing(0.1), probs())]
#[case::matrix_logits(
    CostMatrixCrossEntropy::matrix(cost()).from_logits(true).label_smoothing(0.2),
    logits()
)]
#[case::tensor_logits(
    CostMatrixCrossEntropy::tensor(array![[1.0, 2.0, 3.0], [0.5, 0.5, 0.5], [2.0, 0.0, 1.0]].into_dyn()),
    logits()
)]
#[case::tensor_probs(
    CostMatrixCrossEntropy::new(CostWeights::Tensor(array![[1.0, 2.0, 3.0]].into_dyn()))
        .reduction(Reduction::WeightedMean),
    probs()
)]
fn gradient_matches_central_differences(
    #[case] loss: CostMatrixCrossEntropy<f64>,
    #[case] x: ArrayD<f64>,
) {
    let sw = array![1.5, 0.5, 2.0].into_dyn();
    let y = labels();
    let out = loss
        .forward_backward_weighted(x.view(), y.view(), sw.view())
        .unwrap();
    let g = out.grad.unwrap();
    let f = |x: &ArrayD<f64>| {
        loss.forward_weighted(x.view(), y.view(), sw.view())
            .unwrap()
            .scalar()
            .unwrap()
    };
    check_gradient(f, &g, &x, 1e-6, 1e-7);
}

#[test]
fn logits_of_unnormalised_soft_labels_get_the_true_derivative() {
    let y = array![[0.5, 0.8, 0.2]].into_dyn();
    let x = array![[1.0, 2.0, 0.5]].into_dyn();
    let loss = CostMatrixCrossEntropy::matrix(Array2::ones((3, 3)))
        .from_logits(true)
        .reduction(Reduction::Sum);
    let g = loss
        .forward_backward(x.view(), y.view())
        .unwrap()
        .grad
        .unwrap();
    let m = 2.0_f64.exp() + 1.0_f64.exp() + 0.5_f64.exp();
    let mask = 1.5; // Σ_t M[t, argmax]·y_t with M = 1
    let sm1 = 2.0_f64.exp() / m;
    assert!((g[[0, 1]] - mask * (1.5 * sm1 - 0.8)).abs() < 1e-15);
}

#[test]
fn non_contiguous_views_are_accepted() {
    let xt = logits().reversed_axes();
    let yt = labels().reversed_axes();
    let loss = CostMatrixCrossEntropy::matrix(cost()).from_logits(true);
    let a = loss.forward_backward(xt.view(), yt.view()).unwrap();
    let b = loss
        .forward_backward(
            xt.as_standard_layout().view(),
            yt.as_standard_layout().view(),
        )
        .unwrap();
    assert_eq!(a, b);
}

#[rstest]
#[case::too_small(array![[1.0, 2.0], [3.0, 4.0]], "cost_matrix")]
#[case::not_square(Array2::ones((3, 4)), "cost_matrix")]
fn a_cost_matrix_must_be_c_by_c(#[case] m: Array2<f64>, #[case] what: &str) {
    let e = CostMatrixCrossEntropy::matrix(m)
        .forward(probs().view(), labels().view())
        .unwrap_err();
    match e {
        ReweighError::ShapeMismatch {
            what: w, expected, ..
        } => {
            assert_eq!(w, what);
            assert_eq!(expected, vec![3, 3]);
        }
        other => panic!("unexpected {other}"),
    }
}

#[rstest]
#[case::nan_cost(
    CostMatrixCrossEntropy::matrix(array![[1.0, f64::NAN, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]),
    "NonFinite"
)]
#[case::tensor_shape(
    CostMatrixCrossEntropy::tensor(array![[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]].into_dyn()),
    "ShapeMismatch"
)]
#[case::tensor_inf(
    CostMatrixCrossEntropy::tensor(array![[1.0, f64::INFINITY, 3.0]].into_dyn()),
    "NonFinite"
)]
#[case::smoothing(CostMatrixCrossEntropy::matrix(cost()).label_smoothing(-0.5), "InvalidParameter")]
#[case::epsilon(CostMatrixCrossEntropy::matrix(cost()).epsilon(0.6), "InvalidParameter")]
fn errors_are_typed(#[case] loss: CostMatrixCrossEntropy<f64>, #[case] kind: &str) {
    let e = loss.forward(probs().view(), labels().view()).unwrap_err();
    assert!(format!("{e:?}").starts_with(kind), "{e:?}");
}

#[test]
fn labels_must_match_the_input() {
    let y = array![[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]].into_dyn();
    let e = CostMatrixCrossEntropy::matrix(cost())
        .forward(probs().view(), y.view())
        .unwrap_err();
    assert!(matches!(
        e,
        ReweighError::ShapeMismatch { what: "labels", .. }
    ));
}
