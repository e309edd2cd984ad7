//! Poly-1 cross-entropy: gradients against central differences, its relations to the plain
//! cross-entropy and to the one-hot form, class weights (an extension no reference has) and
//! errors. Values against optax and timm are in the golden cases (data/reference/poly.json).

use ndarray::{Array2, ArrayD, array};
use reweigh::losses::{PolyCrossEntropy, SoftmaxCrossEntropy, SparsePolyCrossEntropy};
use reweigh::{Loss, Reduction, ReweighError};
use rstest::rstest;

mod support;
use support::{assert_close_rel, check_gradient};

fn x() -> Array2<f64> {
    array![
        [1.5, -0.3, 0.2],
        [-1.0, 0.4, 3.0],
        [0.1, 0.1, -2.0],
        [4.0, -4.0, 0.0]
    ]
}

fn soft() -> Array2<f64> {
    array![
        [0.2, 0.5, 0.3],
        [0.0, 1.0, 0.0],
        [0.6, 0.1, 0.3],
        [0.1, 0.1, 0.8]
    ]
}

#[rstest]
#[case::plain(2.0, None, 0.0)]
#[case::negative_eps(-1.0, None, 0.0)]
#[case::weights_smoothing(3.0, Some(array![0.5, 2.0, 1.5]), 0.2)]
fn gradient_matches_central_differences(
    #[case] eps: f64,
    #[case] w: Option<ndarray::Array1<f64>>,
    #[case] ls: f64,
) {
    let mut loss = PolyCrossEntropy::new()
        .epsilon(eps)
        .label_smoothing(ls)
        .reduction(Reduction::Sum);
    if let Some(w) = w {
        loss = loss.class_weights(w);
    }
    let (x, y) = (x().into_dyn(), soft().into_dyn());
    let out = loss.forward_backward(x.view(), y.view()).unwrap();
    let f = |v: &ArrayD<f64>| loss.forward(v.view(), y.view()).unwrap().scalar().unwrap();
    check_gradient(f, out.grad.as_ref().unwrap(), &x, 1e-6, 1e-8);
    let mut g = ArrayD::zeros(x.raw_dim());
    assert_eq!(
        loss.compute_into(x.view(), y.view(), None, g.view_mut())
            .unwrap(),
        out.value
    );
    assert_eq!(&g, out.grad.as_ref().unwrap());
}

#[test]
fn epsilon_zero_is_the_cross_entropy() {
    let (x, y) = (x().into_dyn(), soft().into_dyn());
    let w = array![0.5, 2.0, 1.5];
    let poly = PolyCrossEntropy::new()
        .epsilon(0.0)
        .class_weights(w.clone())
        .label_smoothing(0.1);
    let ce = SoftmaxCrossEntropy::new()
        .class_weights(w)
        .label_smoothing(0.1);
    let a = poly.forward_backward(x.view(), y.view()).unwrap();
    let b = ce.forward_backward(x.view(), y.view()).unwrap();
    assert_close_rel(
        "value",
        &a.value.into_array(),
        &b.value.into_array(),
        1e-15,
        0.0,
    );
    assert_close_rel("grad", &a.grad.unwrap(), &b.grad.unwrap(), 1e-14, 1e-16);
}

#[test]
fn one_hot_targets_give_ce_plus_eps_times_one_minus_pt_and_class_weights_scale_rows() {
    let labels = array![1_i64, 2, 0, 0];
    let w = array![0.5, 2.0, 1.5];
    let sparse = SparsePolyCrossEntropy::new(PolyCrossEntropy::new().epsilon(2.0));
    let weighted = SparsePolyCrossEntropy::new(
        PolyCrossEntropy::new()
            .epsilon(2.0)
            .class_weights(w.clone()),
    );
    let x = x().into_dyn();
    let v = sparse.forward(x.view(), &labels).unwrap().into_array();
    let vw = weighted.forward(x.view(), &labels).unwrap().into_array();
    for (i, &y) in labels.iter().enumerate() {
        let row = x.slice(ndarray::s![i, ..]);
        let lse = row.mapv(f64::exp).sum().ln();
        let p = (row[y as usize] - lse).exp();
        let want = -(row[y as usize] - lse) + 2.0 * (1.0 - p);
        assert!((v[i] - want).abs() < 1e-14, "row {i}: {} vs {want}", v[i]);
        assert!((vw[i] - w[y as usize] * want).abs() < 1e-13);
    }
}

#[test]
fn stays_finite_at_extreme_logits() {
    let x = array![[1e4_f32, -1e4, 0.0], [88.0, -88.0, 30.0]].into_dyn();
    let y = array![[0.0_f32, 1.0, 0.0], [1.0, 0.0, 0.0]].into_dyn();
    let out = PolyCrossEntropy::timm(2.0)
        .forward_backward(x.view(), y.view())
        .unwrap();
    assert!(out.value.scalar().unwrap().is_finite());
    assert!(out.grad.unwrap().iter().all(|g| g.is_finite()));
}

#[test]
fn bad_options_and_inputs_are_errors() {
    let (x, y) = (x().into_dyn(), soft().into_dyn());
    for eps in [f64::NAN, f64::INFINITY] {
        assert!(matches!(
            PolyCrossEntropy::new()
                .epsilon(eps)
                .forward(x.view(), y.view()),
            Err(ReweighError::InvalidParameter {
                name: "epsilon",
                ..
            })
        ));
    }
    assert!(
        PolyCrossEntropy::new()
            .label_smoothing(1.5)
            .forward(x.view(), y.view())
            .is_err()
    );
    assert!(matches!(
        PolyCrossEntropy::new()
            .class_weights(array![1.0, 2.0])
            .forward(x.view(), y.view()),
        Err(ReweighError::ShapeMismatch { .. })
    ));
    let sparse = SparsePolyCrossEntropy::<f64>::default();
    assert!(matches!(
        sparse.forward(x.view(), &array![0_i64, 1, 3, 0]),
        Err(ReweighError::LabelOutOfRange { label: 3, .. })
    ));
    assert!(sparse.forward(x.view(), &array![0_i64, 1]).is_err());
}
