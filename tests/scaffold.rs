//! The shared scaffold of the losses: ignored elements get a zero gradient from the reduction
//! (`Unreduced::ignored`, honoured by `Reducer::finish`), for every loss that ignores labels.

use ndarray::{ArrayD, IxDyn, array};
use reweigh::losses::{NllLoss, SparseCategoricalCrossEntropyProbs, SparseSoftmaxCrossEntropy};
use reweigh::{Framework, Loss, LossOutput, OnZeroWeights, Reducer, Reduction};

fn assert_nan_with_zero_grad(out: &LossOutput<f64>, shape: &[usize]) {
    assert!(out.value.scalar().unwrap().is_nan(), "{:?}", out.value);
    let g = out.grad.as_ref().expect("a gradient");
    assert_eq!(g, &ArrayD::<f64>::zeros(IxDyn(shape)));
}

/// `torch.nn.NLLLoss()(logp, torch.tensor([-100, -100]))` is NaN and its backward gives a zero
/// gradient (PyTorch writes nothing for ignored elements); reweigh used to return a NaN gradient.
#[test]
fn nll_loss_all_ignored_is_nan_with_zero_grad() {
    let logp = array![[-0.5_f64, -1.5, -2.0], [-2.5, -0.25, -1.0]].into_dyn();
    let y = array![-100_i64, -100].into_dyn();
    for loss in [
        NllLoss::pytorch(),
        NllLoss::pytorch().class_weights(array![2.0, 1.0, 0.5]),
    ] {
        let out = loss.forward_backward(logp.view(), y.view()).unwrap();
        assert_nan_with_zero_grad(&out, &[2, 3]);
        let sw = array![1.0, 3.0].into_dyn();
        let out = loss
            .forward_backward_weighted(logp.view(), y.view(), sw.view())
            .unwrap();
        assert_nan_with_zero_grad(&out, &[2, 3]);
    }
}

/// Some rows ignored: the others keep their gradient, the ignored ones have exactly +0.
#[test]
fn nll_loss_partly_ignored_keeps_the_other_rows() {
    let logp = array![[-0.5_f64, -1.5, -2.0], [-2.5, -0.25, -1.0]].into_dyn();
    let y = array![2_i64, -100].into_dyn();
    let loss = NllLoss::pytorch().class_weights(array![2.0, 1.0, -0.5]);
    let out = loss.forward_backward(logp.view(), y.view()).unwrap();
    // mean = −w[2]·logp[0, 2] / w[2] = 2.0; gradient −w[2]/w[2] = −1 at (0, 2)
    assert_eq!(out.value.scalar().unwrap(), 2.0);
    let g = out.grad.unwrap();
    assert_eq!(g, array![[0.0, 0.0, -1.0], [0.0, 0.0, 0.0]].into_dyn());
    assert!(g.iter().skip(3).all(|v| v.is_sign_positive()));
}

/// Keras's `ignore_class` with a PyTorch-style NaN on a zero denominator: zero gradient too.
#[test]
fn sparse_categorical_probs_all_ignored_has_zero_grad() {
    let p = array![[0.05_f64, 0.95, 0.0], [0.1, 0.8, 0.1]].into_dyn();
    let y = array![1_i64, 1].into_dyn();
    let loss = SparseCategoricalCrossEntropyProbs::keras()
        .ignore_class(Some(1))
        .reduction(Reducer {
            reduction: Reduction::WeightedMean,
            on_zero: OnZeroWeights::Nan,
        });
    let out = loss.forward_backward(p.view(), y.view()).unwrap();
    assert_nan_with_zero_grad(&out, &[2, 3]);
    // Keras's own reduction gives 0 and a zero gradient
    let keras = SparseCategoricalCrossEntropyProbs::keras().ignore_class(Some(1));
    let out = keras.forward_backward(p.view(), y.view()).unwrap();
    assert_eq!(out.value.scalar().unwrap(), 0.0);
    assert!(out.grad.unwrap().iter().all(|&v| v == 0.0));
}

/// `torch.nn.CrossEntropyLoss()` with every label ignored: NaN and a zero gradient, from the fast
/// path (`compute`) and from the general one (`finish(unreduced(..))`) alike.
#[test]
fn sparse_softmax_all_ignored_via_both_paths() {
    let x = array![[2.0_f64, -1.0, 0.5], [0.1, 0.3, -2.0]].into_dyn();
    let y = array![-100_i64, -100].into_dyn();
    let loss = SparseSoftmaxCrossEntropy::pytorch();
    let fast = loss.forward_backward(x.view(), y.view()).unwrap();
    assert_nan_with_zero_grad(&fast, &[2, 3]);
    let general = Framework::PyTorch
        .default_reducer()
        .finish(loss.unreduced(x.view(), y.view(), None, true).unwrap());
    assert_nan_with_zero_grad(&general, &[2, 3]);
    // weighted by the predicted label: no fast path
    let by_pred = loss
        .class_weights(array![1.0, 2.0, 3.0])
        .weight_by_predicted(true);
    let out = by_pred.forward_backward(x.view(), y.view()).unwrap();
    assert_nan_with_zero_grad(&out, &[2, 3]);
}

/// The categorical focal loss on probabilities takes `1 − p` of the dominant class from the
/// other classes: a NaN probability (`P = [0, ∞, 0]` normalised) is never that class
/// (`NanRule::NeverGreater`, its former argmax), so a true class whose probability is NaN gives
/// NaN, as in Keras; with `torch.argmax`'s rule its term would have been 0.
#[test]
fn focal_categorical_probs_nan_class_propagates() {
    use reweigh::losses::CategoricalFocalLoss;
    let p = array![[0.0_f64, f64::INFINITY, 0.0]].into_dyn();
    for loss in [
        CategoricalFocalLoss::keras().from_logits(false),
        CategoricalFocalLoss::new().from_logits(false),
    ] {
        let on_nan = array![[0.0_f64, 1.0, 0.0]].into_dyn();
        let v = loss.forward(p.view(), on_nan.view()).unwrap();
        assert!(v.into_array().iter().all(|v| v.is_nan()));
    }
    // a true class with probability 0 next to the NaN class: NaN too, value and gradient, as
    // Keras gives (its −y·log p of the NaN class is 0·NaN; issue 11 #20, measured by
    // scripts/reference/issue11_losses_edges.py; it was a finite value with a NaN gradient)
    let y = array![[1.0_f64, 0.0, 0.0]].into_dyn();
    let keras = CategoricalFocalLoss::keras().from_logits(false);
    let out = keras.forward_backward(p.view(), y.view()).unwrap();
    assert!(out.value.scalar().unwrap().is_nan());
    assert!(out.grad.unwrap().iter().all(|g| g.is_nan()));
}

/// A loss whose fast path (when `fast`) returns 42 with a gradient of 7s, and whose general path
/// is the sum of its input: every provided method goes through `Loss::fused` first.
struct Marker {
    fast: bool,
}

impl Loss<f64> for Marker {
    type Label = f64;

    fn reducer(&self) -> Reducer {
        Reduction::Sum.into()
    }

    fn unreduced(
        &self,
        input: ndarray::ArrayViewD<'_, f64>,
        _target: ndarray::ArrayViewD<'_, f64>,
        _sample_weight: Option<ndarray::ArrayViewD<'_, f64>>,
        want_grad: bool,
    ) -> reweigh::Result<reweigh::Unreduced<f64>> {
        Ok(reweigh::Unreduced {
            values: input.to_owned(),
            mass: None,
            count: input.len(),
            grad: want_grad.then(|| ArrayD::ones(input.shape())),
            passed_mass: None,
            ignored: None,
        })
    }

    fn fused(
        &self,
        input: ndarray::ArrayViewD<'_, f64>,
        _target: ndarray::ArrayViewD<'_, f64>,
        _sample_weight: Option<ndarray::ArrayViewD<'_, f64>>,
        grad: reweigh::loss::GradOut<'_, '_, f64>,
    ) -> reweigh::Result<Option<LossOutput<f64>>> {
        use reweigh::loss::GradOut;
        if !self.fast {
            return Ok(None);
        }
        let grad = match grad {
            GradOut::No => None,
            GradOut::Alloc => Some(ArrayD::from_elem(input.shape(), 7.0)),
            GradOut::Into(g) => {
                g.fill(7.0);
                None
            }
        };
        Ok(Some(LossOutput {
            value: reweigh::LossValue::Scalar(42.0),
            grad,
        }))
    }
}

#[test]
fn every_provided_method_tries_the_fast_path_first() {
    let x = array![[1.0_f64, 2.0], [3.0, 4.0]].into_dyn();
    let sw = array![1.0, 1.0].into_dyn();
    for (fast, value, g) in [(true, 42.0, 7.0), (false, 10.0, 1.0)] {
        let loss = Marker { fast };
        let scalar = |v: reweigh::LossValue<f64>| v.scalar().unwrap();
        assert_eq!(scalar(loss.forward(x.view(), x.view()).unwrap()), value);
        assert_eq!(
            scalar(
                loss.forward_weighted(x.view(), x.view(), sw.view())
                    .unwrap()
            ),
            value
        );
        for out in [
            loss.forward_backward(x.view(), x.view()).unwrap(),
            loss.forward_backward_weighted(x.view(), x.view(), sw.view())
                .unwrap(),
            loss.compute(x.view(), x.view(), None, true).unwrap(),
        ] {
            assert_eq!(scalar(out.value), value);
            assert!(out.grad.unwrap().iter().all(|&d| d == g));
        }
        let mut buf = ArrayD::<f64>::zeros(IxDyn(&[2, 2]));
        let v = loss
            .compute_into(x.view(), x.view(), None, buf.view_mut())
            .unwrap();
        assert_eq!(scalar(v), value);
        assert!(buf.iter().all(|&d| d == g));
    }
}
