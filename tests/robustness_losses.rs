//! Issue 11, the losses' edges: one row per item and sub-case (tagged `(issue 11 #N)`), plus the
//! shrunk inputs the property suite (`tests/properties/losses.rs`) found. Framework numbers come
//! from `scripts/reference/issue11_losses_edges.py` (Keras 3.15.1 / TF 2.21 / PyTorch 2.15).

use ndarray::{Array1, ArrayD, ArrayViewD, Axis, IxDyn, array, s};
use reweigh::losses::{
    CategoricalFocalLoss, ClassBalancedLoss, SigmoidCrossEntropy, SmoothingForm,
    SoftmaxCrossEntropy, SparseSoftmaxCrossEntropy,
};
use reweigh::{Loss, LossOutput, Real, Reduction, ReweighError};
use rstest::rstest;

fn d<F: Real>(v: &[f64], shape: &[usize]) -> ArrayD<F> {
    ArrayD::from_shape_vec(IxDyn(shape), v.iter().map(|&x| F::of(x)).collect()).unwrap()
}

/// Class weights `[0.5, 2, 1, 3]` in a layout other than the standard one.
fn weights_in<F: Real>(layout: &str) -> Array1<F> {
    let w: Array1<F> = array![0.5, 2.0, 1.0, 3.0].mapv(F::of);
    match layout {
        "inverted" => {
            let mut r: Array1<F> = array![3.0, 1.0, 2.0, 0.5].mapv(F::of);
            r.invert_axis(Axis(0));
            r
        }
        "strided" => {
            let wide: Array1<F> = array![0.5, 9., 2.0, 9., 1.0, 9., 3.0, 9.].mapv(F::of);
            wide.slice_move(s![..;2])
        }
        "reversed_to_owned" => {
            let r: Array1<F> = array![3.0, 1.0, 2.0, 0.5].mapv(F::of);
            r.slice(s![..;-1]).to_owned()
        }
        _ => w,
    }
}

fn sparse_with_weights<F: Real>(layout: &str) -> (LossOutput<F>, LossOutput<F>) {
    let x = d::<F>(&[2., -1., 0.5, 0.1, 0.3, 0.2, -2., 1.], &[2, 4]);
    let y = array![3_i64, 1].into_dyn();
    let run = |w: Array1<F>| {
        SparseSoftmaxCrossEntropy::pytorch()
            .class_weights(w)
            .forward_backward(x.view(), y.view())
            .unwrap()
    };
    (run(weights_in(layout)), run(weights_in("standard")))
}

fn dense_with_weights<F: Real>(layout: &str) -> (LossOutput<F>, LossOutput<F>) {
    let x = d::<F>(&[2., -1., 0.5, 0.1, 0.3, 0.2, -2., 1.], &[2, 4]);
    let y = d::<F>(&[0., 0., 0., 1., 0.2, 0.8, 0., 0.], &[2, 4]);
    let run = |w: Array1<F>| {
        SoftmaxCrossEntropy::pytorch()
            .class_weights(w)
            .forward_backward(x.view(), y.view())
            .unwrap()
    };
    (run(weights_in(layout)), run(weights_in("standard")))
}

/// (issue 11 #1) class weights in any layout give the standard layout's results (no "1-D" panic).
#[rstest]
#[case::sparse_inverted_f32("sparse", "inverted", "f32")]
#[case::sparse_strided_f32("sparse", "strided", "f32")]
#[case::sparse_reversed_to_owned_f32("sparse", "reversed_to_owned", "f32")]
#[case::sparse_inverted_f64("sparse", "inverted", "f64")]
#[case::sparse_strided_f64("sparse", "strided", "f64")]
#[case::sparse_reversed_to_owned_f64("sparse", "reversed_to_owned", "f64")]
#[case::dense_inverted_f32("dense", "inverted", "f32")]
#[case::dense_strided_f32("dense", "strided", "f32")]
#[case::dense_inverted_f64("dense", "inverted", "f64")]
#[case::dense_strided_f64("dense", "strided", "f64")]
fn issue11_1_class_weights_in_any_layout(
    #[case] loss: &str,
    #[case] layout: &str,
    #[case] dtype: &str,
) {
    fn check<F: Real>(loss: &str, layout: &str) {
        let (got, want) = match loss {
            "sparse" => sparse_with_weights::<F>(layout),
            _ => dense_with_weights::<F>(layout),
        };
        assert_eq!(got.value, want.value, "{loss} {layout}");
        assert_eq!(got.grad, want.grad, "{loss} {layout}");
    }
    match dtype {
        "f32" => check::<f32>(loss, layout),
        _ => check::<f64>(loss, layout),
    }
}

/// (issue 11 #17) ClassBalancedLoss rejects NaN/∞ class weights as every other class-weighted
/// loss does (`NonFinite`), instead of `Ok(NaN)`.
#[rstest]
#[case::nan(f64::NAN)]
#[case::pos_inf(f64::INFINITY)]
#[case::neg_inf(f64::NEG_INFINITY)]
fn issue11_17_class_balanced_rejects_non_finite_weights(#[case] bad: f64) {
    let loss = ClassBalancedLoss::new(array![1.0, bad], SigmoidCrossEntropy::<f64>::new());
    let x = d::<f64>(&[0.5, -0.5], &[1, 2]);
    let z = d::<f64>(&[1., 0.], &[1, 2]);
    let r = loss.forward(x.view(), z.view());
    assert!(matches!(r, Err(ReweighError::NonFinite { .. })), "{r:?}");
    let sparse = SparseSoftmaxCrossEntropy::<f64>::new().class_weights(array![1.0, bad]);
    let y = array![0_i64].into_dyn();
    let r2 = sparse.forward(x.view(), y.view());
    assert!(matches!(r2, Err(ReweighError::NonFinite { .. })), "{r2:?}");
}

/// The fused result (`compute`) and the general one (`finish(unreduced)`).
fn both<F: Real, L: Loss<F>>(
    loss: &L,
    x: &ArrayD<F>,
    t: ArrayViewD<'_, L::Label>,
    sw: Option<&ArrayD<F>>,
) -> (LossOutput<F>, LossOutput<F>) {
    let fused = loss
        .compute(x.view(), t.clone(), sw.map(|w| w.view()), true)
        .unwrap();
    let general = loss.reducer().finish(
        loss.unreduced(x.view(), t, sw.map(|w| w.view()), true)
            .unwrap(),
    );
    (fused, general)
}

fn scalar<F: Real>(o: &LossOutput<F>) -> f64 {
    o.value.scalar().unwrap().f64()
}

/// (issue 11 #19) ε = 1, −∞ logit on the label, Keras/TF form: +∞ fused and general (Keras
/// `CategoricalCrossentropy(from_logits=True, label_smoothing=1)` gives inf, gradient
/// [−1/3, 0.0442, 0.2891]); PyTorch's own form gives NaN in torch, +∞ here (reweigh's rule: the
/// sum of the finite-coefficient terms).
#[rstest]
#[case::keras_f32("keras", "f32")]
#[case::keras_f64("keras", "f64")]
#[case::pytorch_form_f64("pytorch", "f64")]
fn issue11_19_eps_one_neg_inf_on_label(#[case] form: &str, #[case] dtype: &str) {
    fn check<F: Real>(form: &str) {
        let x = d::<F>(&[f64::NEG_INFINITY, 0.5, 1.0], &[1, 3]);
        let y = array![0_i64].into_dyn();
        let form = if form == "keras" {
            SmoothingForm::KerasTf
        } else {
            SmoothingForm::PyTorch
        };
        let loss = SparseSoftmaxCrossEntropy::<F>::keras()
            .label_smoothing(F::one())
            .smoothing_form(form);
        let (f, g) = both(&loss, &x, y.view(), None);
        assert_eq!(scalar(&f), f64::INFINITY);
        assert_eq!(scalar(&g), f64::INFINITY);
        let want = [-1.0 / 3.0, 0.04420733546481215, 0.2891259978685213];
        for (gr, w) in [f.grad.unwrap(), g.grad.unwrap()].iter().zip([want, want]) {
            for (a, b) in gr.iter().zip(w) {
                assert!((a.f64() - b).abs() < 1e-6, "{gr} vs {w:?}");
            }
        }
    }
    match dtype {
        "f32" => check::<f32>(form),
        _ => check::<f64>(form),
    }
}

/// (issue 11 #19) near-overflow logits with ε = 0.1: 7.5e306 (Keras gives 7.500000000000001e+306,
/// gradient [0.075, −0.025, −0.025, −0.025]), fused = general; and a zero-weight row next to
/// it leaves the batch finite instead of ∞·0 = NaN.
#[rstest]
#[case::alone(false)]
#[case::with_a_zero_weight_row(true)]
fn issue11_19_near_overflow_with_smoothing(#[case] zero_row: bool) {
    let x = d::<f64>(&[1e308, -1.0, 0.0, 0.5, 0.1, 0.2, 0.3, 0.4], &[2, 4]);
    let y = array![0_i64, 1].into_dyn();
    let loss = SparseSoftmaxCrossEntropy::<f64>::new()
        .label_smoothing(0.1)
        .reduction(Reduction::Sum);
    let sw = d::<f64>(&[1.0, 1.0], &[2]);
    let sw0 = d::<f64>(&[0.0, 1.0], &[2]);
    let (f, g) = both(&loss, &x, y.view(), Some(if zero_row { &sw0 } else { &sw }));
    let v = scalar(&f);
    assert!(v.is_finite(), "{v}");
    assert!(
        (v - scalar(&g)).abs() <= 1e-12 * v.abs(),
        "{v} vs {}",
        scalar(&g)
    );
    if !zero_row {
        assert!((v - 7.500000000000001e306).abs() < 1e-12 * v, "{v}");
        let gr = f.grad.unwrap();
        for (a, b) in gr
            .index_axis(Axis(0), 0)
            .iter()
            .zip([0.075, -0.025, -0.025, -0.025])
        {
            assert!((a - b).abs() < 1e-12, "{gr}");
        }
    }
}

/// (issue 11 #19) sigmoid: a row whose f32 losses overflow when summed, with a zero sample
/// weight: general Σ(l·0) = 0, fused was inf·0 = NaN; and sample weights that vary along the
/// class axis meeting an overflowing element weight (v·l = ∞ times 0 is NaN in the general path,
/// the fused path folded the weight into v first and gave 0).
#[rstest]
#[case::row_sum_overflow_zero_row_weight("row")]
#[case::class_axis_weight_overflow("column")]
fn issue11_19_sigmoid_inf_times_zero_order(#[case] which: &str) {
    let x = d::<f32>(&[3e38, 3e38, 1.0, 2.0], &[2, 2]);
    let z = d::<f32>(&[0., 0., 1., 0.], &[2, 2]);
    let (loss, sw) = match which {
        "row" => (
            SigmoidCrossEntropy::<f32>::new().reduction(Reduction::Sum),
            d::<f32>(&[0.0, 1.0], &[2, 1]),
        ),
        _ => (
            SigmoidCrossEntropy::<f32>::new()
                .element_weights(d::<f32>(&[1e30, 1.0], &[2]))
                .reduction(Reduction::Sum),
            d::<f32>(&[0.0, 1.0], &[2]),
        ),
    };
    let (f, g) = both(&loss, &x, z.view(), Some(&sw));
    let (fv, gv) = (scalar(&f), scalar(&g));
    assert_eq!(fv.is_nan(), gv.is_nan(), "fused {fv} general {gv}");
    assert!(
        fv.is_nan() || (fv - gv).abs() <= 1e-6 * gv.abs(),
        "fused {fv} general {gv}"
    );
}

/// (issue 11 #20) categorical focal loss from probabilities, +∞ probability on a zero-label class
/// (and NaN): value and gradient both NaN, as Keras
/// `CategoricalFocalCrossentropy(from_logits=False)` gives (it normalises ∞/∞ = NaN first).
#[rstest]
#[case::inf_on_zero_label_f64(&[0.3, f64::INFINITY, 0.2], "f64")]
#[case::inf_on_zero_label_f32(&[0.3, f64::INFINITY, 0.2], "f32")]
#[case::inf_on_label(&[f64::INFINITY, 0.3, 0.2], "f64")]
#[case::nan_on_zero_label(&[0.3, f64::NAN, 0.2], "f64")]
fn issue11_20_focal_probs_inf_probability(#[case] p: &[f64], #[case] dtype: &str) {
    fn check<F: Real>(p: &[f64]) {
        let x = d::<F>(p, &[1, 3]);
        let y = d::<F>(&[1., 0., 0.], &[1, 3]);
        let loss = CategoricalFocalLoss::<F>::keras().from_logits(false);
        let out = loss.forward_backward(x.view(), y.view()).unwrap();
        assert!(scalar(&out).is_nan(), "{:?}", out.value);
        assert!(out.grad.unwrap().iter().all(|g| g.is_nan()));
    }
    match dtype {
        "f32" => check::<f32>(p),
        _ => check::<f64>(p),
    }
}

/// Shrunk by the property suite: a weighted mean with `divide_no_nan` over a zero total weight
/// (all class weights 0, or a zero sample weight) and a non-finite logit: the general path
/// returns value 0 and a zero gradient, the fused kernels returned a NaN gradient (NaN·0).
#[rstest]
#[case::sparse_zero_class_weights("sparse")]
#[case::dense_zero_sample_weight("dense")]
fn property_zero_denominator_divide_no_nan_gradient_is_zero(#[case] which: &str) {
    let reducer = reweigh::Reducer {
        reduction: Reduction::WeightedMean,
        on_zero: reweigh::OnZeroWeights::Zero,
    };
    let (f, g) = if which == "sparse" {
        let x = d::<f64>(
            &[0.0, f64::NEG_INFINITY, -9.885449952692445, f64::INFINITY],
            &[1, 4],
        );
        let loss = SparseSoftmaxCrossEntropy::<f64>::new()
            .class_weights(array![0.0, 0.0, 0.0, 0.0])
            .reduction(reducer);
        both(&loss, &x, array![0_i64].into_dyn().view(), None)
    } else {
        let x = d::<f64>(&[0.0, 0.0, 0.0, f64::NAN], &[1, 4]);
        let y = d::<f64>(&[0.0, 0.0, 0.0, 0.0], &[1, 4]);
        let sw = d::<f64>(&[0.0], &[1]);
        let loss = SoftmaxCrossEntropy::<f64>::new().reduction(reducer);
        both(&loss, &x, y.view(), Some(&sw))
    };
    assert_eq!(scalar(&f), 0.0);
    assert_eq!(scalar(&g), 0.0);
    assert!(f.grad.unwrap().iter().all(|&v| v == 0.0));
    assert!(g.grad.unwrap().iter().all(|&v| v == 0.0));
}

/// (property suite, seed 0x5EED_2026 at scale 4) A zero weighted-mean denominator from masses
/// that underflow (class weight 1e-300 times sample weight 1e-300) under the NaN rule: the fused
/// kernel folded `1/0 = ∞` into the row factor first (gradient ±∞) where the general path
/// divides the underflowed product (NaN); the fused path now leaves such a batch to the general
/// path, so both give the same result.
#[test]
fn property_underflowed_zero_denominator_fused_equals_general() {
    let loss = SparseSoftmaxCrossEntropy::<f64>::new()
        .class_weights(array![1e-300, 0.0, 0.0])
        .label_smoothing(0.1)
        .reduction(reweigh::Reducer {
            reduction: Reduction::WeightedMean,
            on_zero: reweigh::OnZeroWeights::Nan,
        });
    let x = d::<f64>(&[0.0, 0.0, 0.0], &[1, 1, 3]);
    let y = array![[0_i64]].into_dyn();
    let sw = d::<f64>(&[1e-300], &[1, 1]);
    let fused = loss
        .compute(x.view(), y.view(), Some(sw.view()), true)
        .unwrap();
    let general = loss.reducer().finish(
        loss.unreduced(x.view(), y.view(), Some(sw.view()), true)
            .unwrap(),
    );
    let bits = |o: &LossOutput<f64>| {
        let mut v: Vec<u64> = o
            .value
            .clone()
            .into_array()
            .iter()
            .map(|v| v.to_bits())
            .collect();
        v.extend(o.grad.as_ref().unwrap().iter().map(|v| v.to_bits()));
        v
    };
    assert_eq!(bits(&fused), bits(&general));
}

/// (property suite, seed 6 at scale 4) The categorical focal loss from probabilities summed a
/// row in memory order, so a reversed class axis rounded the normalisation differently (1.6e-5
/// relative in an f32 gradient); it now sums in logical order: every layout gives the same bits.
#[test]
fn property_focal_probs_row_sum_is_layout_independent() {
    let loss = CategoricalFocalLoss::<f32>::new()
        .from_logits(false)
        .gamma(1.0)
        .label_smoothing(1.0)
        .class_weights(array![1.6766611, 0.83892846, 1.6432445]);
    let x = d::<f32>(&[0.8292535, 0.52848715, 0.7570487], &[1, 3]);
    let y = d::<f32>(&[0.0, 0.0, 0.0], &[1, 3]);
    let mut flipped = x.clone();
    flipped.invert_axis(Axis(1));
    let mut reversed = flipped.as_standard_layout().into_owned();
    reversed.invert_axis(Axis(1));
    assert_eq!(reversed, x);
    let a = loss.forward_backward(x.view(), y.view()).unwrap();
    let b = loss.forward_backward(reversed.view(), y.view()).unwrap();
    assert_eq!(a, b);
}
