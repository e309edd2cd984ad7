//! Confusion matrix, per-class scores, balanced accuracy, macro-F1 and expected cost.

use ndarray::array;
use reweigh::metrics::*;
use rstest::rstest;

#[test]
fn small_worked_example() {
    // y_true 0 0 0 0 1 1, y_pred 0 0 0 1 1 0
    let ev = Evaluation::new(&[0, 0, 0, 0, 1, 1], &[0, 0, 0, 1, 1, 0]).unwrap();
    let cm = ev.confusion_matrix(None).unwrap();
    assert_eq!(cm.matrix(), array![[3.0, 1.0], [1.0, 1.0]]);
    let s = ev
        .precision_recall_fscore(None, 1.0, ZeroDivision::Warn)
        .unwrap();
    assert_eq!(s.precision, vec![0.75, 0.5]);
    assert_eq!(s.recall, vec![0.75, 0.5]);
    assert_eq!(s.support, vec![4.0, 2.0]);
    assert_eq!(ev.balanced_accuracy(false).unwrap(), 0.625);
    assert_eq!(ev.balanced_accuracy(true).unwrap(), 0.25);
    assert_eq!(
        f1_macro(&[0, 0, 0, 0, 1, 1], &[0, 0, 0, 1, 1, 0]).unwrap(),
        0.625
    );
    // cost: a missed positive costs 5, a false alarm 1
    let cost = CostMatrix::binary(BinaryCosts {
        tp: 0.0,
        fp: 1.0,
        tn: 0.0,
        fn_: 5.0,
    });
    assert_eq!(ev.expected_cost(&cost).unwrap(), 1.0);
    assert!(format!("{cm}").contains("t\\p"));
}

#[rstest]
#[case::warn(ZeroDivision::Warn, 0.0)]
#[case::zero(ZeroDivision::Zero, 0.0)]
#[case::one(ZeroDivision::One, 1.0)]
fn never_predicted_class(#[case] zd: ZeroDivision, #[case] p: f64) {
    let ev = Evaluation::new(&[0, 1, 2], &[0, 1, 1]).unwrap();
    let s = ev.precision_recall_fscore(None, 1.0, zd).unwrap();
    assert_eq!(s.precision[2], p);
    assert_eq!(s.f_score[2], 0.0); // denominator β²·1 + 0 > 0
}

#[test]
fn nan_zero_division_is_left_out_of_the_macro_mean() {
    let ev = Evaluation::new(&[0, 0], &[0, 0]).unwrap();
    let s = ev
        .precision_recall_fscore(Some(&[0, 1]), 1.0, ZeroDivision::Nan)
        .unwrap();
    assert!(s.f_score[1].is_nan());
    assert_eq!(s.macro_f(), 1.0);
}

#[test]
fn errors() {
    assert!(Evaluation::new(&[0, 1], &[0]).is_err());
    assert!(Evaluation::new::<i64>(&[], &[]).is_err());
    let ev = Evaluation::new(&[0, 1], &[0, 1]).unwrap();
    assert!(ev.clone().with_sample_weight(&[1.0]).is_err());
    assert!(ev.clone().with_sample_weight(&[1.0, f64::NAN]).is_err());
    assert!(ev.clone().with_sample_weight(&[1.0, -1.0]).is_err());
    assert!(ev.confusion_matrix(Some(&[])).is_err());
    assert!(ev.confusion_matrix(Some(&[7])).is_err());
    assert!(
        ev.precision_recall_fscore(None, -1.0, ZeroDivision::Warn)
            .is_err()
    );
    assert!(CostMatrix::new(vec![0, 1], array![[0.0, 1.0]]).is_err());
    assert!(CostMatrix::new(vec![0, 0], array![[0.0, 1.0], [1.0, 0.0]]).is_err());
    assert!(CostMatrix::new(vec![0, 1], array![[0.0, f64::NAN], [1.0, 0.0]]).is_err());
    let one = Evaluation::new(&[0, 0], &[0, 1]).unwrap();
    assert!(one.balanced_accuracy(true).is_err());
    let zero = one.with_sample_weight(&[0.0, 0.0]).unwrap();
    assert!(zero.balanced_accuracy(false).is_err());
}
