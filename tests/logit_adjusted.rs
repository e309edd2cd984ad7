//! The logit-adjusted loss, Balanced Softmax and post-hoc adjustment: the offsets' forms and
//! errors, gradients against central differences, and their relations to the plain
//! cross-entropy. Values against the papers' official code are in the golden cases
//! (data/reference/logit_adjusted.json).

use ndarray::{Array1, Array2, ArrayD, array};
use reweigh::losses::{
    LogitAdjustedCrossEntropy, LogitOffset, SparseSoftmaxCrossEntropy, posthoc_logit_adjustment,
};
use reweigh::{Loss, Reduction, ReweighError};
use rstest::rstest;

mod support;
use support::{assert_close_rel, check_gradient};

const COUNTS: [f64; 4] = [900.0, 300.0, 60.0, 7.0];

fn x() -> Array2<f64> {
    array![
        [1.5, -0.3, 0.2, 2.0],
        [-1.0, 0.4, 3.0, 0.0],
        [0.1, 0.1, -2.0, 1.0]
    ]
}

#[rstest]
#[case::menon(LogitOffset::Menon { tau: 1.0 })]
#[case::menon_tau2(LogitOffset::Menon { tau: 2.0 })]
#[case::tau_log_prior(LogitOffset::TauLogPrior { tau: 0.7 })]
#[case::balanced(LogitOffset::BalancedSoftmax)]
fn gradient_matches_central_differences(#[case] offset: LogitOffset) {
    let base = SparseSoftmaxCrossEntropy::pytorch()
        .class_weights(array![0.5, 1.0, 2.0, 4.0])
        .label_smoothing(0.1);
    let loss = LogitAdjustedCrossEntropy::new(offset.offsets::<f64>(&COUNTS).unwrap()).base(base);
    let y = array![3_i64, 2, 0];
    let x = x().into_dyn();
    let out = loss.forward_backward(x.view(), &y).unwrap();
    let f = |v: &ArrayD<f64>| loss.forward(v.view(), &y).unwrap().scalar().unwrap();
    check_gradient(f, out.grad.as_ref().unwrap(), &x, 1e-6, 1e-8);
    // compute_into gives the same numbers
    let mut g = ArrayD::zeros(x.raw_dim());
    let v = loss
        .compute_into(x.view(), y.view().into_dyn(), None, g.view_mut())
        .unwrap();
    assert_eq!(v, out.value);
    assert_eq!(&g, out.grad.as_ref().unwrap());
}

#[test]
fn it_is_the_cross_entropy_of_the_shifted_logits() {
    let o = LogitOffset::TauLogPrior { tau: 1.0 }
        .offsets::<f64>(&COUNTS)
        .unwrap();
    let y = array![0_i64, 1, 3];
    let shifted = &x() + &o;
    for r in [Reduction::None, Reduction::Sum, Reduction::WeightedMean] {
        let la = LogitAdjustedCrossEntropy::new(o.clone()).reduction(r);
        let ce = SparseSoftmaxCrossEntropy::new().reduction(r);
        let a = la.forward_backward(x().view().into_dyn(), &y).unwrap();
        let b = ce.forward_backward(&shifted, &y).unwrap();
        assert_close_rel(
            "value",
            &a.value.into_array(),
            &b.value.into_array(),
            1e-15,
            0.0,
        );
        assert_close_rel("grad", &a.grad.unwrap(), &b.grad.unwrap(), 1e-15, 1e-300);
    }
}

#[test]
fn balanced_softmax_equals_tau_one_up_to_rounding() {
    // ln n_c = ln π_c + ln Σn: a constant shift, which no softmax sees
    let y = array![3_i64, 0, 2];
    let bs = LogitAdjustedCrossEntropy::balanced_softmax(&COUNTS).unwrap();
    let la = LogitAdjustedCrossEntropy::new(
        LogitOffset::TauLogPrior { tau: 1.0 }
            .offsets::<f64>(&COUNTS)
            .unwrap(),
    )
    .base(SparseSoftmaxCrossEntropy::pytorch());
    let a = bs.forward_backward(x().view().into_dyn(), &y).unwrap();
    let b = la.forward_backward(x().view().into_dyn(), &y).unwrap();
    assert_close_rel(
        "value",
        &a.value.into_array(),
        &b.value.into_array(),
        1e-14,
        0.0,
    );
    assert_close_rel("grad", &a.grad.unwrap(), &b.grad.unwrap(), 1e-13, 1e-15);
    // and Menon's form differs from τ·ln π only where π^τ is near 1e-12
    let menon = LogitOffset::Menon { tau: 2.0 }
        .offsets::<f64>(&[1e7, 1.0])
        .unwrap();
    let plain = LogitOffset::TauLogPrior { tau: 2.0 }
        .offsets::<f64>(&[1e7, 1.0])
        .unwrap();
    assert!((menon[0] - plain[0]).abs() < 1e-12);
    assert!((menon[1] - (1e-14_f64 + 1e-12).ln()).abs() < 1e-6 && plain[1] < -32.0);
}

#[test]
fn posthoc_adjustment_undoes_the_prior() {
    let o = LogitOffset::Menon { tau: 1.0 }
        .offsets::<f64>(&COUNTS)
        .unwrap();
    let adjusted = posthoc_logit_adjustment(x().view().into_dyn(), &o).unwrap();
    let want = &x() - &o;
    assert_eq!(adjusted, want.into_dyn());
    // a head-class lead smaller than the prior ratio flips to the tail class
    let z = posthoc_logit_adjustment(&array![[2.0_f64, 0.0, 0.0, 0.0]], &o).unwrap();
    assert!(z[[0, 3]] > z[[0, 0]]);
}

#[test]
fn an_empty_class_is_never_predicted_and_infinite_as_a_label() {
    let bs = LogitAdjustedCrossEntropy::balanced_softmax(&[10.0, 0.0, 5.0])
        .unwrap()
        .reduction(Reduction::None);
    let x = array![[0.3_f64, 5.0, -0.2], [0.0, 1.0, 2.0]];
    let out = bs.forward_backward(&x, &array![0_i64, 1]).unwrap();
    let v = out.value.into_array();
    assert!(v[0].is_finite() && v[1] == f64::INFINITY, "{v}");
    let g = out.grad.unwrap();
    assert_eq!(g[[0, 1]], 0.0);
}

#[rstest]
#[case::empty("empty", vec![], LogitOffset::BalancedSoftmax)]
#[case::negative("negative", vec![3.0, -1.0], LogitOffset::BalancedSoftmax)]
#[case::nan("nan", vec![3.0, f64::NAN], LogitOffset::Menon { tau: 1.0 })]
#[case::all_zero("all zero", vec![0.0, 0.0], LogitOffset::Menon { tau: 1.0 })]
#[case::bad_tau("negative tau", vec![3.0, 1.0], LogitOffset::Menon { tau: -1.0 })]
#[case::inf_tau("inf tau", vec![3.0, 1.0], LogitOffset::TauLogPrior { tau: f64::INFINITY })]
fn bad_counts_and_options_are_errors(
    #[case] what: &str,
    #[case] counts: Vec<f64>,
    #[case] offset: LogitOffset,
) {
    assert!(offset.offsets::<f32>(&counts).is_err(), "{what}");
}

#[test]
fn bad_offsets_and_shapes_are_errors() {
    let x = x().into_dyn();
    let y = array![0_i64, 1, 2].into_dyn();
    let three = LogitAdjustedCrossEntropy::new(Array1::<f64>::zeros(3));
    assert!(matches!(
        three.forward(x.view(), y.view()),
        Err(ReweighError::ShapeMismatch { .. })
    ));
    for bad in [f64::NAN, f64::INFINITY] {
        let l = LogitAdjustedCrossEntropy::new(array![0.0, bad, 0.0, 0.0]);
        assert!(matches!(
            l.forward(x.view(), y.view()),
            Err(ReweighError::NonFinite { .. })
        ));
        assert!(posthoc_logit_adjustment(x.view(), l.offsets()).is_err());
    }
    let all_neg_inf = LogitAdjustedCrossEntropy::new(Array1::from_elem(4, f64::NEG_INFINITY));
    assert!(all_neg_inf.forward(x.view(), y.view()).is_err());
    let scalar = ndarray::arr0(1.0).into_dyn();
    assert!(posthoc_logit_adjustment(scalar.view(), &array![0.0]).is_err());
}
