//! LDAM and DRW: gradients against central differences, the margins' properties, the relation
//! to the cross-entropy, the schedule and errors. Values against pytorch-optimizer and Cao et
//! al.'s code are in the golden cases (data/reference/ldam.json).

use ndarray::{Array1, ArrayD, array};
use reweigh::losses::{DeferredReweighting, LdamLoss, SparseSoftmaxCrossEntropy, ldam_margins};
use reweigh::{Loss, ReweighError};
use rstest::rstest;

mod support;
use support::{assert_close_rel, check_gradient};

const COUNTS: [f64; 4] = [4000.0, 800.0, 90.0, 12.0];

#[rstest]
#[case::plain(SparseSoftmaxCrossEntropy::pytorch())]
#[case::weighted_smoothed(SparseSoftmaxCrossEntropy::pytorch().class_weights(array![0.2, 0.5, 1.3, 2.0]).label_smoothing(0.1))]
fn gradient_matches_central_differences(#[case] base: SparseSoftmaxCrossEntropy<f64>) {
    let loss = LdamLoss::<f64>::from_counts(&COUNTS, 0.5, 30.0)
        .unwrap()
        .base(base);
    let x = array![
        [0.1, -0.2, 0.05, 0.3],
        [0.4, 0.1, -0.3, 0.0],
        [-0.1, 0.2, 0.25, -0.05]
    ]
    .into_dyn();
    let y = array![3_i64, 0, 2].into_dyn();
    let out = loss.forward_backward(x.view(), y.view()).unwrap();
    let f = |v: &ArrayD<f64>| loss.forward(v.view(), y.view()).unwrap().scalar().unwrap();
    check_gradient(f, out.grad.as_ref().unwrap(), &x, 1e-7, 1e-6);
    let mut g = ArrayD::zeros(x.raw_dim());
    assert_eq!(
        loss.compute_into(x.view(), y.view(), None, g.view_mut())
            .unwrap(),
        out.value
    );
    assert_close_rel("into", &g, out.grad.as_ref().unwrap(), 0.0, 0.0);
}

#[test]
fn margins_grow_as_counts_shrink_and_the_largest_is_max_m() {
    let m = ldam_margins(&COUNTS, 0.7).unwrap();
    assert_eq!(m[3], 0.7);
    assert!(m.windows(2).into_iter().all(|w| w[0] < w[1]));
    for (j, &n) in COUNTS.iter().enumerate() {
        assert!((m[j] * n.powf(0.25) - 0.7 * 12.0_f64.powf(0.25)).abs() < 1e-14);
    }
}

#[test]
fn zero_margins_and_unit_scale_are_the_cross_entropy() {
    let x = array![[1.0, -0.5, 0.2], [0.0, 2.0, -1.0]].into_dyn();
    let y = array![2_i64, 1].into_dyn();
    let ldam = LdamLoss::new(Array1::zeros(3), 1.0);
    let ce = SparseSoftmaxCrossEntropy::pytorch();
    assert_eq!(
        ldam.forward_backward(x.view(), y.view()).unwrap(),
        ce.forward_backward(x.view(), y.view()).unwrap()
    );
}

#[test]
fn an_ignored_row_gets_no_margin_and_no_loss() {
    let loss = LdamLoss::<f64>::from_counts(&[100.0, 10.0], 0.5, 30.0).unwrap();
    let x = array![[0.1, 0.2], [0.3, -0.1]].into_dyn();
    let both = loss
        .forward_backward(x.view(), &array![1_i64, -100])
        .unwrap();
    let one = loss
        .forward_backward(x.slice(ndarray::s![..1, ..]).into_dyn(), &array![1_i64])
        .unwrap();
    assert_eq!(both.value, one.value);
    let g = both.grad.unwrap();
    assert!(g.slice(ndarray::s![1, ..]).iter().all(|&v| v == 0.0));
}

#[test]
fn drw_switches_the_weights_on_at_its_epoch() {
    let drw = DeferredReweighting::cao(3);
    for epoch in 0..3 {
        assert!(drw.class_weights(epoch, &COUNTS).unwrap().is_none());
    }
    let w = drw.class_weights(3, &COUNTS).unwrap().unwrap();
    assert!((w.sum() - 4.0).abs() < 1e-12);
    assert_eq!(drw.class_weights(50, &COUNTS).unwrap().unwrap(), w);
    assert!(
        DeferredReweighting {
            start_epoch: 0,
            beta: 1.0
        }
        .class_weights(0, &COUNTS)
        .is_err()
    );
}

#[test]
fn bad_counts_options_and_shapes_are_errors() {
    assert!(matches!(
        ldam_margins(&[10.0, 0.0], 0.5),
        Err(ReweighError::ZeroCount { class: 1, .. })
    ));
    assert!(ldam_margins(&[], 0.5).is_err());
    assert!(ldam_margins(&[10.0, -1.0], 0.5).is_err());
    assert!(ldam_margins(&[10.0], f64::NAN).is_err());
    assert!(LdamLoss::<f32>::from_counts(&[10.0, 5.0], 0.5, 0.0).is_err());
    let x = array![[0.1_f64, 0.2, 0.3]].into_dyn();
    let y = array![0_i64].into_dyn();
    assert!(
        LdamLoss::new(array![0.1, 0.2], 30.0)
            .forward(x.view(), y.view())
            .is_err()
    );
    assert!(
        LdamLoss::new(array![0.1, -0.2, 0.0], 30.0)
            .forward(x.view(), y.view())
            .is_err()
    );
    assert!(
        LdamLoss::new(array![0.1, 0.2, 0.0], 30.0)
            .forward(x.view(), &array![3_i64])
            .is_err()
    );
}
