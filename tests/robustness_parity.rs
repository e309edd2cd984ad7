//! Issue 11, reductions in f32 and framework parity: one row per item and sub-case, tagged
//! `(issue 11 #N)`. The framework numbers are measured (see each row's comment); the golden
//! cases in `data/reference/` check the same behaviours against the frameworks at scale.

use ndarray::{ArrayD, ArrayViewD, IxDyn, array};
use reweigh::config::{BinaryFocalLossProbsConfig, LossConfig, SoftmaxCrossEntropyConfig};
use reweigh::losses::{
    BinaryFocalLoss, BinaryFocalLossProbs, SigmoidCrossEntropy, SoftmaxCrossEntropy,
    SoftmaxGradient, SparseSoftmaxCrossEntropy,
};
use reweigh::{Framework, Loss, LossOutput, Real, Reducer, Reduction, ReweighError};
use rstest::rstest;

/// The general path (`Reducer::finish` of `Loss::unreduced`), bypassing the fused kernels.
fn general<F: Real, L: Loss<F>>(
    loss: &L,
    input: ArrayViewD<'_, F>,
    target: ArrayViewD<'_, L::Label>,
    sw: Option<ArrayViewD<'_, F>>,
) -> LossOutput<F> {
    loss.reducer()
        .finish(loss.unreduced(input, target, sw, true).unwrap())
}

/// The public path (fused where it applies).
fn public<F: Real, L: Loss<F>>(
    loss: &L,
    input: ArrayViewD<'_, F>,
    target: ArrayViewD<'_, L::Label>,
    sw: Option<ArrayViewD<'_, F>>,
) -> LossOutput<F> {
    loss.compute(input, target, sw, true).unwrap()
}

/// The fused path (`true`) or the general one.
fn run<F: Real, L: Loss<F>>(
    fused: bool,
    loss: &L,
    input: ArrayViewD<'_, F>,
    target: ArrayViewD<'_, L::Label>,
    sw: Option<ArrayViewD<'_, F>>,
) -> LossOutput<F> {
    if fused {
        public(loss, input, target, sw)
    } else {
        general(loss, input, target, sw)
    }
}

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

// --- #15: the total and the denominator are divided in f64, then rounded -------------------------

/// 2^20 rows of logit 1e33 (label 0): every loss is 1e33, the f32 total 1.05e39 overflows; the
/// mean is 1e33 (f64 gives 1e33).
#[rstest]
#[case::fused_keras_mean(
    "(issue 11 #15) fused sum_over_batch_size",
    true,
    Reduction::SumOverBatchSize
)]
#[case::general_keras_mean(
    "(issue 11 #15) general sum_over_batch_size",
    false,
    Reduction::SumOverBatchSize
)]
#[case::fused_weighted_mean("(issue 11 #15) fused weighted_mean", true, Reduction::WeightedMean)]
#[case::general_weighted_mean(
    "(issue 11 #15) general weighted_mean",
    false,
    Reduction::WeightedMean
)]
fn f32_mean_of_a_total_beyond_f32_is_finite(
    #[case] what: &str,
    #[case] fused: bool,
    #[case] reduction: Reduction,
) {
    let n = 1 << 20;
    let x = ArrayD::from_elem(IxDyn(&[n, 1]), 1e33_f32);
    let z = ArrayD::zeros(IxDyn(&[n, 1]));
    let loss = SigmoidCrossEntropy::<f32>::keras().reduction(reduction);
    let out = run(fused, &loss, x.view(), z.view(), None);
    let v = out.value.scalar().unwrap();
    assert!(rel(v as f64, 1e33) < 1e-6, "{what}: {v}");
    // d/dx = σ(x) − z = 1, divided by n
    let g = out.grad.unwrap()[[0, 0]];
    assert!(rel(g as f64, 1.0 / n as f64) < 1e-6, "{what}: grad {g}");
}

/// Sample weights of 1e33 on 2^20 rows: Σw = 1.05e39 overflows f32. The weighted mean of
/// `ln 2` is `ln 2` and the gradient `w·(σ(0) − 0)/Σw = 0.5/2^20` (old code: NaN and 0).
#[rstest]
#[case::fused("(issue 11 #15) fused gradient scale", true)]
#[case::general("(issue 11 #15) general gradient scale", false)]
fn f32_weighted_mean_with_a_mass_beyond_f32(#[case] what: &str, #[case] fused: bool) {
    let n = 1 << 20;
    let x = ArrayD::zeros(IxDyn(&[n, 1]));
    let z = ArrayD::zeros(IxDyn(&[n, 1]));
    let sw = ArrayD::from_elem(IxDyn(&[n]), 1e33_f32);
    let loss = SigmoidCrossEntropy::<f32>::keras().reduction(Reduction::WeightedMean);
    let out = run(fused, &loss, x.view(), z.view(), Some(sw.view()));
    let v = out.value.scalar().unwrap();
    assert!(rel(v as f64, std::f64::consts::LN_2) < 1e-6, "{what}: {v}");
    let g = out.grad.unwrap()[[7, 0]];
    assert!(rel(g as f64, 0.5 / n as f64) < 1e-5, "{what}: grad {g}");
}

// --- #21: Keras's mean_with_sample_weight divides by the weight as passed -------------------------

/// Zero logits, two classes: every element loss is `ln 2`. `(2, 1)` weights `[1, 3]` on `(2, 2)`
/// element losses: `Σ w·l = 8 ln 2`; Keras divides by `Σ sw = 4` (`2 ln 2`), PyTorch and TF1's
/// weighted means by the broadcast `Σ w = 8` (`ln 2`). Keras 3.15 measured the same rule on the
/// golden cases `keras/*/mean_with_sample_weight/broadcast_sw`.
#[rstest]
#[case::keras_sigmoid(
    "(issue 11 #21) Keras BCE",
    "sigmoid",
    Framework::Keras,
    "mean_with_sample_weight",
    2.0
)]
#[case::tf1_sigmoid(
    "(issue 11 #21) TF1 MEAN BCE",
    "sigmoid",
    Framework::Tf1,
    "weighted_mean",
    1.0
)]
#[case::keras_softmax(
    "(issue 11 #21) Keras CCE",
    "softmax",
    Framework::Keras,
    "mean_with_sample_weight",
    2.0
)]
#[case::torch_softmax(
    "(issue 11 #21) PyTorch-style weighted mean CCE",
    "softmax",
    Framework::PyTorch,
    "mean",
    1.0
)]
#[case::keras_sparse(
    "(issue 11 #21) Keras SCCE",
    "sparse",
    Framework::Keras,
    "mean_with_sample_weight",
    2.0
)]
#[case::tf1_sparse(
    "(issue 11 #21) TF1 MEAN sparse",
    "sparse",
    Framework::Tf1,
    "weighted_mean",
    1.0
)]
#[case::keras_focal(
    "(issue 11 #21) Keras binary focal, gamma 0",
    "focal",
    Framework::Keras,
    "mean_with_sample_weight",
    2.0
)]
#[case::keras_focal_probs(
    "(issue 11 #21) Keras binary focal probs, gamma 0",
    "focal_probs",
    Framework::Keras,
    "mean_with_sample_weight",
    2.0
)]
fn weighted_mean_of_broadcast_weights(
    #[case] what: &str,
    #[case] loss: &str,
    #[case] fw: Framework,
    #[case] name: &str,
    #[case] times_ln2: f64,
) {
    let r: Reducer = fw.reducer(name).unwrap();
    let sw = array![[1.0_f64], [3.0]].into_dyn();
    let sw = Some(sw.view());
    let outs: Vec<LossOutput<f64>> = match loss {
        // (2, 2, 1) logits: Keras's mean over the last axis leaves (2, 2) element losses
        "sigmoid" => {
            let x = ArrayD::zeros(IxDyn(&[2, 2, 1]));
            let l = SigmoidCrossEntropy::keras().reduction(r);
            vec![
                public(&l, x.view(), x.view(), sw.clone()),
                general(&l, x.view(), x.view(), sw),
            ]
        }
        "softmax" => {
            let x = ArrayD::zeros(IxDyn(&[2, 2, 2]));
            let y = array![[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]]].into_dyn();
            let l = SoftmaxCrossEntropy::new().reduction(r);
            vec![
                public(&l, x.view(), y.view(), sw.clone()),
                general(&l, x.view(), y.view(), sw),
            ]
        }
        "sparse" => {
            let x = ArrayD::zeros(IxDyn(&[2, 2, 2]));
            let y = array![[0_i64, 1], [1, 1]].into_dyn();
            let l = SparseSoftmaxCrossEntropy::new().reduction(r);
            vec![
                public(&l, x.view(), y.view(), sw.clone()),
                general(&l, x.view(), y.view(), sw),
            ]
        }
        "focal" => {
            let x = ArrayD::zeros(IxDyn(&[2, 2, 1]));
            let l = BinaryFocalLoss::keras().gamma(0.0).reduction(r);
            vec![public(&l, x.view(), x.view(), sw)]
        }
        "focal_probs" => {
            let p = ArrayD::from_elem(IxDyn(&[2, 2, 1]), 0.5);
            let z = ArrayD::zeros(IxDyn(&[2, 2, 1]));
            let l = BinaryFocalLossProbs::keras().gamma(0.0).reduction(r);
            vec![public(&l, p.view(), z.view(), sw)]
        }
        _ => unreachable!(),
    };
    for out in outs {
        let v = out.value.scalar().unwrap();
        assert!(
            rel(v, times_ln2 * std::f64::consts::LN_2) < 1e-12,
            "{what}: {v}"
        );
    }
}

#[rstest]
#[case::parse("(issue 11 #21) serde/FromStr name")]
fn mean_with_sample_weight_is_its_own_reduction(#[case] _what: &str) {
    assert_eq!(
        "mean_with_sample_weight".parse::<Reduction>().unwrap(),
        Reduction::MeanWithSampleWeight
    );
    assert_eq!(
        Reduction::MeanWithSampleWeight.name(),
        "mean_with_sample_weight"
    );
    let json = serde_json::to_string(&Reduction::MeanWithSampleWeight).unwrap();
    assert_eq!(json, "\"mean_with_sample_weight\"");
    assert_eq!(
        Framework::Keras
            .reducer("mean_with_sample_weight")
            .unwrap()
            .reduction,
        Reduction::MeanWithSampleWeight
    );
    assert_eq!(
        Framework::Tf1.reducer("weighted_mean").unwrap().reduction,
        Reduction::WeightedMean
    );
}

// --- #22: Keras's BinaryFocalCrossentropy(from_logits=False) --------------------------------------

#[rstest]
// keras.losses.binary_focal_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], gamma=2)
//   = [0.32986466, 0.20579838] (float64, Keras 3.15)
#[case::keras_docstring(
    "(issue 11 #22) Keras docstring example",
    array![[0.6, 0.4], [0.4, 0.6]],
    array![[0.0, 1.0], [0.0, 0.0]],
    vec![0.32986466, 0.20579838]
)]
fn binary_focal_probs_values(
    #[case] what: &str,
    #[case] p: ndarray::Array2<f64>,
    #[case] z: ndarray::Array2<f64>,
    #[case] expected: Vec<f64>,
) {
    let cfg: BinaryFocalLossProbsConfig = BinaryFocalLossProbsConfig::keras()
        .with_params(&serde_json::json!({"reduction": "none"}))
        .unwrap();
    let loss = cfg.build::<f64>().unwrap();
    let v = loss.forward(&p, &z).unwrap().into_array();
    for (got, want) in v.iter().zip(&expected) {
        assert!((got - want).abs() < 1e-8, "{what}: {got} vs {want}");
    }
}

#[rstest]
#[case::prob_above_one("(issue 11 #22) probability above 1", 1.5, 1.0)]
#[case::prob_nan("(issue 11 #22) NaN probability", f64::NAN, 1.0)]
#[case::label_above_one("(issue 11 #22) label above 1", 0.5, 2.0)]
fn binary_focal_probs_rejects_out_of_range(#[case] what: &str, #[case] p: f64, #[case] z: f64) {
    let loss = BinaryFocalLossProbs::<f64>::keras();
    let p = array![[0.5, p]].into_dyn();
    let z = array![[1.0, z]].into_dyn();
    let err = loss.forward(p.view(), z.view()).unwrap_err();
    assert!(
        matches!(
            err,
            ReweighError::ValueOutOfRange { .. } | ReweighError::InvalidParameter { .. }
        ),
        "{what}: {err:?}"
    );
}

/// Where the clip is active the cross-entropy's gradient is 0 and the focal factor's term stays
/// (Keras's autograd; golden cases `keras/binary_focal_probs/*/clipped`): p = 0, z = 1, γ = 2,
/// no α: l = q²·(−ln ε) with q = 1 − p, so ∂l/∂p = −2·(−ln ε) = 2 ln ε.
#[rstest]
#[case::clipped("(issue 11 #22) gradient through the clip")]
fn binary_focal_probs_gradient_through_the_clip(#[case] what: &str) {
    let loss = BinaryFocalLossProbs::<f64>::new();
    let out = loss
        .forward_backward(array![0.0].into_dyn().view(), array![1.0].into_dyn().view())
        .unwrap();
    let g = out.grad.unwrap()[[0]];
    assert!((g - 2.0 * (1e-7_f64).ln()).abs() < 1e-9, "{what}: {g}");
}

// --- #24: deliberate differences, offered by name --------------------------------------------------

/// `tf.nn.softmax_cross_entropy_with_logits(labels=[[0.6, 0.9, 0.0]], logits=[[2, -1, 0.5]])`:
/// TensorFlow's gradient `softmax − y` = [0.18559703, −0.86088743, 0.17529039]; the derivative of
/// its value (TF autograd of `−Σ y·log_softmax(x)`) = [0.57839555, −0.84133114, 0.26293559]
/// (TF 2.21, measured).
#[rstest]
#[case::exact("(issue 11 #24) exact rule (default)", None, [0.57839555, -0.84133114, 0.26293559])]
#[case::tensorflow("(issue 11 #24) tensorflow rule", Some("tensorflow"), [0.18559703, -0.86088743, 0.17529039])]
fn softmax_gradient_rule(
    #[case] what: &str,
    #[case] rule: Option<&str>,
    #[case] expected: [f64; 3],
) {
    let mut cfg = SoftmaxCrossEntropyConfig::default();
    if let Some(r) = rule {
        cfg = cfg
            .with_params(&serde_json::json!({ "gradient": r }))
            .unwrap();
        assert_eq!(r.parse::<SoftmaxGradient>().unwrap(), cfg.gradient);
    }
    let loss = cfg.build::<f64>().unwrap();
    let x = array![[2.0, -1.0, 0.5]].into_dyn();
    let y = array![[0.6, 0.9, 0.0]].into_dyn();
    let g = loss
        .forward_backward(x.view(), y.view())
        .unwrap()
        .grad
        .unwrap();
    for (got, want) in g.iter().zip(&expected) {
        assert!((got - want).abs() < 1e-7, "{what}: {got} vs {want}");
    }
}

/// torch's `cross_entropy(label_smoothing=-0.1)` silently computes the unsmoothed loss (measured:
/// −0.1, −1 and −5 all give the `label_smoothing=0` value); reweigh rejects a negative smoothing
/// for every loss, as torch rejects one above 1.
#[rstest]
#[case::dense("(issue 11 #24) softmax, negative smoothing", true)]
#[case::sparse("(issue 11 #24) sparse softmax, negative smoothing", false)]
fn negative_label_smoothing_is_an_error(#[case] what: &str, #[case] dense: bool) {
    let x = array![[2.0, -1.0, 0.5]].into_dyn();
    let err = if dense {
        SoftmaxCrossEntropy::<f64>::pytorch()
            .label_smoothing(-0.1)
            .forward(x.view(), array![[1.0, 0.0, 0.0]].into_dyn().view())
            .unwrap_err()
    } else {
        SparseSoftmaxCrossEntropy::<f64>::pytorch()
            .label_smoothing(-0.1)
            .forward(x.view(), array![0_i64].into_dyn().view())
            .unwrap_err()
    };
    assert!(
        matches!(err, ReweighError::InvalidParameter { .. }),
        "{what}: {err:?}"
    );
}

#[test]
fn unknown_gradient_rule_is_an_error() {
    // (issue 11 #24)
    assert!("tf".parse::<SoftmaxGradient>().is_err());
    assert!(
        SoftmaxCrossEntropyConfig::default()
            .with_params(&serde_json::json!({"gradient": "torch"}))
            .is_err()
    );
}
