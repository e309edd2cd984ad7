//! Class-balanced weights and losses: the weight formula, its errors, and the losses' relation to
//! the element-wise losses they weight. Values against the reference implementation are in the
//! golden cases (data/reference/class_balanced.json).

use ndarray::{ArrayD, array};
use reweigh::losses::{
    BinaryFocalLoss, ClassBalancedLoss, SigmoidCrossEntropy, class_balanced,
    class_balanced::weights_from_counts,
};
use reweigh::{Loss, Reduction, ReweighError};
use rstest::rstest;

mod support;
use support::check_gradient;

#[rstest]
fn weights_sum_to_the_number_of_classes(
    #[values(0.0, 0.5, 0.9, 0.99, 0.999, 0.9999, 0.999999)] beta: f64,
    #[values(vec![1], vec![10, 10], vec![500, 120, 40, 9, 2], vec![u32::MAX as u64 * 4, 1])] counts: Vec<u64>,
) {
    let w = weights_from_counts::<f64>(&counts, beta).unwrap();
    assert!((w.sum() - counts.len() as f64).abs() < 1e-12);
    // fewer samples, larger weight
    for i in 0..counts.len() {
        for j in 0..counts.len() {
            if counts[i] < counts[j] {
                assert!(w[i] >= w[j], "{w}");
            }
        }
    }
}

#[test]
fn beta_zero_gives_equal_weights_and_beta_near_one_inverse_frequency() {
    let w = weights_from_counts::<f64>(&[1000, 10, 1], 0.0).unwrap();
    assert_eq!(w.to_vec(), vec![1.0, 1.0, 1.0]);
    // β → 1: w ∝ 1/n, normalised to sum to C.
    let w = weights_from_counts::<f64>(&[1000, 10, 1], 1.0 - 1e-12).unwrap();
    let inv = [1e-3, 0.1, 1.0];
    let s: f64 = inv.iter().sum();
    for (a, b) in w.iter().zip(inv) {
        assert!((a - 3.0 * b / s).abs() < 1e-8, "{a} vs {}", 3.0 * b / s);
    }
}

#[test]
fn float32_weights_are_the_rounded_float64_weights() {
    // The reference computes its weights in float64 and casts them to float32.
    let beta = 0.999_f32;
    let w32 = weights_from_counts::<f32>(&[500, 40, 2], beta).unwrap();
    let w64 = weights_from_counts::<f64>(&[500, 40, 2], beta as f64).unwrap();
    for (a, b) in w32.iter().zip(w64.iter()) {
        assert_eq!(*a, *b as f32);
    }
}

#[test]
fn beta_close_to_one_keeps_full_accuracy() {
    // w_1/w_2 = (1 − β²)/(1 − β) = 1 + β exactly. For β = 1 − 2⁻⁴⁰ the plain formula
    // 1 − β·β rounds to 2⁻³⁹ and gives the ratio 2 (error 9e-13); −expm1(2 ln β) does not.
    let beta = 1.0 - 2f64.powi(-40);
    let w = weights_from_counts::<f64>(&[1, 2], beta).unwrap();
    let ratio = w[0] / w[1];
    assert!((ratio - (1.0 + beta)).abs() < 1e-15, "{ratio}");
}

#[rstest]
#[case::beta_one(vec![3, 2], 1.0)]
#[case::beta_negative(vec![3, 2], -0.1)]
#[case::beta_nan(vec![3, 2], f64::NAN)]
#[case::beta_above_one(vec![3, 2], 1.5)]
#[case::zero_count(vec![3, 0, 2], 0.9)]
#[case::empty(vec![], 0.9)]
fn weight_errors(#[case] counts: Vec<u64>, #[case] beta: f64) {
    let err = weights_from_counts::<f64>(&counts, beta).unwrap_err();
    match (counts.is_empty(), err) {
        (true, ReweighError::EmptyBatch { .. }) => {}
        (false, ReweighError::ZeroCount { .. }) => assert!(counts.contains(&0)),
        (false, ReweighError::InvalidParameter { name, .. }) => assert_eq!(name, "beta"),
        (_, e) => panic!("unexpected {e}"),
    }
}

fn batch() -> (ArrayD<f64>, ArrayD<f64>) {
    let x = array![
        [1.0, -0.5, 0.2],
        [-1.0, 2.0, 0.0],
        [0.3, 0.1, -2.5],
        [4.0, -3.0, 1.0]
    ]
    .into_dyn();
    let z = array![
        [1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0],
        [1.0, 0.0, 0.0]
    ]
    .into_dyn();
    (x, z)
}

#[test]
fn sigmoid_is_row_weighted_bce_over_the_number_of_positives() {
    let (x, z) = batch();
    let counts = [30, 10, 2];
    let w = weights_from_counts::<f64>(&counts, 0.9).unwrap();
    let loss = class_balanced::sigmoid(&counts, 0.9).unwrap();
    let got = loss.forward_backward(x.view(), z.view()).unwrap();
    // Σ_i w[y_i]·Σ_c bce_ic / N with the per-row weight as torch's weight=(N, 1)
    let rows = z.dot_rows(&w);
    let bce = SigmoidCrossEntropy::new()
        .element_weights(rows.into_shape_with_order((4, 1)).unwrap().into_dyn())
        .reduction(Reduction::Sum);
    let want = bce.forward_backward(x.view(), z.view()).unwrap();
    let n = 4.0;
    assert!((got.value.scalar().unwrap() - want.value.scalar().unwrap() / n).abs() < 1e-15);
    for (a, b) in got.grad.unwrap().iter().zip(want.grad.unwrap().iter()) {
        assert!((a - b / n).abs() < 1e-16);
    }
}

trait DotRows {
    fn dot_rows(&self, w: &ndarray::Array1<f64>) -> ndarray::Array1<f64>;
}

impl DotRows for ArrayD<f64> {
    fn dot_rows(&self, w: &ndarray::Array1<f64>) -> ndarray::Array1<f64> {
        self.rows().into_iter().map(|r| r.dot(w)).collect()
    }
}

#[test]
fn focal_with_gamma_zero_is_sigmoid() {
    let (x, z) = batch();
    let a = class_balanced::focal(&[30, 10, 2], 0.99, 0.0)
        .unwrap()
        .forward_backward(x.view(), z.view())
        .unwrap();
    let b = class_balanced::sigmoid(&[30, 10, 2], 0.99)
        .unwrap()
        .forward_backward(x.view(), z.view())
        .unwrap();
    assert!((a.value.scalar().unwrap() - b.value.scalar().unwrap()).abs() < 1e-15);
    for (p, q) in a.grad.unwrap().iter().zip(b.grad.unwrap().iter()) {
        assert!((p - q).abs() < 1e-16);
    }
}

#[test]
fn no_positive_label_gives_nan_and_vandit15_divides_by_n_times_c() {
    let (x, _) = batch();
    let zeros = ArrayD::<f64>::zeros(x.shape());
    let loss = class_balanced::focal(&[30, 10, 2], 0.9, 2.0).unwrap();
    assert!(
        loss.forward(x.view(), zeros.view())
            .unwrap()
            .scalar()
            .unwrap()
            .is_nan()
    );
    let (x, z) = batch();
    let official = class_balanced::sigmoid(&[30, 10, 2], 0.9).unwrap();
    let vandit15 = official.clone().reduction(Reduction::SumOverBatchSize);
    let a = official
        .forward(x.view(), z.view())
        .unwrap()
        .scalar()
        .unwrap();
    let b = vandit15
        .forward(x.view(), z.view())
        .unwrap()
        .scalar()
        .unwrap();
    assert!((a / 3.0 - b).abs() < 1e-15);
}

#[test]
fn sample_weights_scale_rows_and_the_denominator() {
    let (x, z) = batch();
    let loss = class_balanced::focal(&[30, 10, 2], 0.9, 2.0).unwrap();
    let sw = array![[2.0], [2.0], [2.0], [2.0]].into_dyn();
    let a = loss
        .forward_weighted(x.view(), z.view(), sw.view())
        .unwrap();
    let b = loss.forward(x.view(), z.view()).unwrap();
    assert!((a.scalar().unwrap() - b.scalar().unwrap()).abs() < 1e-15);
}

#[test]
fn gradient_matches_finite_differences() {
    let (x, z) = batch();
    let loss = class_balanced::focal(&[30, 10, 2], 0.999, 1.5).unwrap();
    let g = loss
        .forward_backward(x.view(), z.view())
        .unwrap()
        .grad
        .unwrap();
    let f = |x: &ArrayD<f64>| loss.forward(x.view(), z.view()).unwrap().scalar().unwrap();
    check_gradient(f, &g, &x, 1e-6, 1e-8);
}

#[test]
fn errors_from_constructors_and_shapes() {
    assert!(class_balanced::focal::<f64>(&[3, 2], 0.9, -1.0).is_err());
    assert!(class_balanced::sigmoid::<f64>(&[3, 0], 0.9).is_err());
    let (x, z) = batch();
    let loss = class_balanced::sigmoid(&[30, 10], 0.9).unwrap();
    assert!(matches!(
        loss.forward(x.view(), z.view()).unwrap_err(),
        ReweighError::ShapeMismatch {
            what: "class weights",
            ..
        }
    ));
    // a base loss that averages the class axis away cannot be class-balanced
    let w = weights_from_counts::<f64>(&[30, 10, 2], 0.9).unwrap();
    let keras_mean = ClassBalancedLoss::new(w, BinaryFocalLoss::keras());
    assert!(keras_mean.forward(x.view(), z.view()).is_err());
}

#[test]
fn softmax_helpers_are_the_effective_number_weights_over_the_batch_size() {
    let a = class_balanced::softmax_weights::<f64>(&[500, 50, 5], 0.99).unwrap();
    let b = weights_from_counts::<f64>(&[500, 50, 5], 0.99).unwrap();
    assert_eq!(a, b);
    assert_eq!(
        class_balanced::softmax_reducer().reduction,
        Reduction::SumOverBatchSize
    );
}
