//! The distribution-balanced loss: gradients against central differences, its relation to the
//! binary cross-entropy, saturated logits and errors. Values against timm are in the golden
//! cases (data/reference/distribution_balanced.json).

use ndarray::{Array2, ArrayD, array};
use reweigh::losses::{DistributionBalancedLoss, SigmoidCrossEntropy};
use reweigh::{Loss, Reduction};
use rstest::rstest;

mod support;
use support::{assert_close_rel, check_gradient};

const COUNTS: [f64; 4] = [600.0, 300.0, 90.0, 4.0];

fn x() -> Array2<f64> {
    array![
        [2.5, -0.3, 0.2, -4.0],
        [-1.0, 0.4, 3.0, 0.05],
        [0.1, 1.2, -2.0, 1.0]
    ]
}

fn y() -> Array2<f64> {
    array![
        [1.0, 0.0, 0.0, 1.0],
        [0.0, 0.0, 0.0, 0.0],
        [0.3, 1.0, 0.0, 0.6]
    ]
}

#[rstest]
#[case::timm(DistributionBalancedLoss::timm(&COUNTS, 1000).unwrap())]
#[case::gamma_half(DistributionBalancedLoss::new(&COUNTS, 1000).unwrap().focal(0.5, 1.5).label_smoothing(0.1).reduction(Reduction::Sum))]
#[case::no_focal(DistributionBalancedLoss::new(&COUNTS, 1000).unwrap().focal(0.0, 1.0).negative_tolerance(5.0, 0.3).sum_over_classes(true).reduction(Reduction::SumOverBatchSize))]
fn gradient_matches_central_differences(#[case] loss: DistributionBalancedLoss<f64>) {
    let (x, y) = (x().into_dyn(), y().into_dyn());
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

#[test]
fn without_its_additions_it_is_the_binary_cross_entropy_times_the_map() {
    // λ = 1, κ = 0, γ = 0 and a flat map (β = 0, α = 0.5: w = σ(0) + 0.5 = 1)
    let db = DistributionBalancedLoss::new(&COUNTS, 1000)
        .unwrap()
        .negative_tolerance(1.0, 0.0)
        .focal(0.0, 1.0)
        .map(0.5, 0.0, 0.2);
    let (x, y) = (x().into_dyn(), y().into_dyn());
    let a = db.forward_backward(x.view(), y.view()).unwrap();
    let b = SigmoidCrossEntropy::new()
        .forward_backward(x.view(), y.view())
        .unwrap();
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
fn saturated_logits_stay_finite_for_every_gamma() {
    let x = array![[1e4_f32, -1e4, 88.0, -88.0]].into_dyn();
    let y = array![[1.0_f32, 0.0, 0.0, 1.0]].into_dyn();
    for gamma in [0.0, 0.5, 2.0] {
        let loss = DistributionBalancedLoss::timm(&COUNTS, 1000)
            .unwrap()
            .focal(gamma, 2.0);
        let out = loss.forward_backward(x.view(), y.view()).unwrap();
        assert!(out.value.scalar().unwrap().is_finite());
        assert!(
            out.grad.unwrap().iter().all(|g| g.is_finite()),
            "gamma {gamma}"
        );
    }
}

#[test]
fn bad_counts_options_and_shapes_are_errors() {
    assert!(DistributionBalancedLoss::<f32>::new(&[], 10).is_err());
    assert!(DistributionBalancedLoss::<f32>::new(&[1.0], 1).is_err());
    assert!(DistributionBalancedLoss::<f32>::new(&[11.0], 10).is_err());
    assert!(DistributionBalancedLoss::<f32>::new(&[f64::NAN], 10).is_err());
    let (x, y) = (x().into_dyn(), y().into_dyn());
    let ok = DistributionBalancedLoss::new(&COUNTS, 1000).unwrap();
    assert!(
        ok.clone()
            .negative_tolerance(0.0, 0.05)
            .forward(x.view(), y.view())
            .is_err()
    );
    assert!(
        ok.clone()
            .focal(-1.0, 2.0)
            .forward(x.view(), y.view())
            .is_err()
    );
    assert!(
        ok.clone()
            .label_smoothing(1.0)
            .forward(x.view(), y.view())
            .is_err()
    );
    let three = DistributionBalancedLoss::new(&COUNTS[..3], 1000).unwrap();
    assert!(three.forward(x.view(), y.view()).is_err());
    let mut nan = y.clone();
    nan[[0, 0]] = f64::NAN;
    assert!(ok.forward(x.view(), nan.view()).is_err());
}
