//! Thread 004, a TensorFlow post on choosing among the cross-entropy losses: logits, sigmoid
//! against softmax, `tf.losses.sigmoid_cross_entropy` as a mean, scalar and vector weights,
//! `pos_weight`, sparse labels and sampled softmax.

use super::claim::{Check, Claim, FRAMEWORK_TOL, Number, Relation, Tolerance, Verdict};
use super::data::{self, fw};
use super::threads::THREAD_004;
use super::util::{fw_num, fw_raised, mean, one_hot, scalar, std};
use ndarray::{Array1, Array2, arr0, array};
use reweigh::format::fmt_num;
use reweigh::losses::{
    BinaryCrossEntropy, SampledSoftmaxLoss, SigmoidCrossEntropy, SoftmaxCrossEntropy,
    SparseSoftmaxCrossEntropy,
};
use reweigh::sampling::SampledCandidates;
use reweigh::{Framework, Reduction};
use std::sync::OnceLock;

claims! {
    THREAD_004;
    "004-losses-take-logits" => losses_take_logits,
    "004-sigmoid-or-softmax" => sigmoid_or_softmax,
    "004-sigmoid-is-reduce-mean" => sigmoid_is_reduce_mean,
    "004-scalar-weight" => scalar_weight,
    "004-vector-weight" => vector_weight,
    "004-pos-weight-class-weight" => pos_weight_class_weight,
    "004-sparse-is-one-hot" => sparse_is_one_hot,
    "004-sampled-softmax-approximates" => sampled_softmax_approximates,
    "004-sampled-softmax-training-only" => sampled_softmax_training_only,
}

const INPUTS: &str = "logits 8×3, 2·N(0, 1), numpy default_rng(47034888); multi-hot labels \
                      (P(1) = 0.4) and class labels from the same generator";

/// The post's inputs, as TensorFlow drew them (`data/ledger/reference.json`, `t004.inputs` and
/// `t004.weights`, `t004.pos_weight`): 8 × 3 logits, multi-hot and class labels, and the weights
/// of the weighting examples.
#[derive(Clone, Debug, PartialEq)]
pub struct Inputs {
    /// Logits, 8 × 3.
    pub x: Array2<f64>,
    /// Multi-hot labels, 8 × 3.
    pub z: Array2<f64>,
    /// Class labels, 8.
    pub y: Array1<i64>,
    /// `y` one-hot, 8 × 3.
    pub onehot: Array2<f64>,
    /// The scalar weight `w`.
    pub scalar_weight: f64,
    /// The weight tensor `W`, 8 × 3, no zeros.
    pub w_full: Array2<f64>,
    /// `W` with rows 0, 3, 5 and element (2, 1) set to 0.
    pub w_zero: Array2<f64>,
    /// `pos_weight`, one per label.
    pub pos_weight: Array1<f64>,
}

/// The post's inputs (read once per call from the embedded reference file).
pub fn inputs() -> Inputs {
    let yv = data::ints("t004.inputs.labels");
    let onehot = one_hot(&yv, 3);
    Inputs {
        x: data::mat("t004.inputs.logits"),
        z: data::mat("t004.inputs.multi_labels"),
        y: Array1::from(yv),
        onehot,
        scalar_weight: data::f("t004.weights.scalar"),
        w_full: data::mat("t004.weights.w_full"),
        w_zero: data::mat("t004.weights.w_zero"),
        pos_weight: data::arr1("t004.pos_weight.pos_weight"),
    }
}

fn mean_reducer() -> reweigh::Reducer {
    Framework::Keras.default_reducer()
}

/// The numbers of "all these losses take logits" (what notebook 05 computes in its cells).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogitLosses {
    /// `SigmoidCrossEntropy::tf1()` (= `tf.compat.v1.losses.sigmoid_cross_entropy`).
    pub sigmoid_tf1: f64,
    /// `SoftmaxCrossEntropy::tf1()` on the one-hot labels.
    pub softmax_tf1: f64,
    /// `SparseSoftmaxCrossEntropy::tf1()` on the class labels.
    pub sparse_softmax_tf1: f64,
    /// `BinaryCrossEntropy::keras()` fed the logits as probabilities, in float32 (the TF 2
    /// `tf.losses.BinaryCrossentropy()` mistake).
    pub keras_bce_on_logits: f64,
    /// `SigmoidCrossEntropy::keras()` (`from_logits=True`).
    pub keras_sigmoid_from_logits: f64,
}

impl LogitLosses {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let i = inputs();
        let x = || i.x.view().into_dyn();
        let z = || i.z.view().into_dyn();
        let x32 = i.x.mapv(|v| v as f32);
        let z32 = i.z.mapv(|v| v as f32);
        LogitLosses {
            sigmoid_tf1: scalar(&SigmoidCrossEntropy::<f64>::tf1(), x(), z(), None),
            softmax_tf1: scalar(
                &SoftmaxCrossEntropy::<f64>::tf1(),
                x(),
                i.onehot.view().into_dyn(),
                None,
            ),
            sparse_softmax_tf1: scalar(
                &SparseSoftmaxCrossEntropy::<f64>::tf1(),
                x(),
                i.y.view().into_dyn(),
                None,
            ),
            keras_bce_on_logits: scalar(
                &BinaryCrossEntropy::<f32>::keras(),
                x32.view().into_dyn(),
                z32.view().into_dyn(),
                None,
            ),
            keras_sigmoid_from_logits: scalar(&SigmoidCrossEntropy::<f64>::keras(), x(), z(), None),
        }
    }
}

/// The numbers of "sigmoid for two classes, softmax for more" (what notebook 05 computes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SigmoidOrSoftmax {
    /// Softmax cross-entropy over the first two logit columns (label 1 where the class is 1).
    pub softmax_two_classes: f64,
    /// Sigmoid cross-entropy of their difference `b − a`.
    pub sigmoid_of_difference: f64,
    /// Softmax cross-entropy of the multi-label row `[1, 0, 1]` at its optimum `[0, −40, 0]`.
    pub softmax_best_multilabel: f64,
    /// Sigmoid cross-entropy of `[1, 0, 1]` at logits `[40, −40, 40]`.
    pub sigmoid_multilabel: f64,
}

impl SigmoidOrSoftmax {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let i = inputs();
        let two = i.x.slice(ndarray::s![.., ..2]).to_owned();
        let y2: Array1<i64> = i.y.mapv(|l| i64::from(l == 1));
        let diff: Array2<f64> = (&two.column(1) - &two.column(0)).insert_axis(ndarray::Axis(1));
        let z2 = y2.mapv(|l| l as f64).insert_axis(ndarray::Axis(1));
        let target = array![[1.0, 0.0, 1.0]];
        SigmoidOrSoftmax {
            softmax_two_classes: scalar(
                &SparseSoftmaxCrossEntropy::<f64>::keras(),
                two.view().into_dyn(),
                y2.view().into_dyn(),
                None,
            ),
            sigmoid_of_difference: scalar(
                &SigmoidCrossEntropy::<f64>::new().reduction(mean_reducer()),
                diff.view().into_dyn(),
                z2.view().into_dyn(),
                None,
            ),
            softmax_best_multilabel: scalar(
                &SoftmaxCrossEntropy::<f64>::keras(),
                array![[0.0, -40.0, 0.0]].view().into_dyn(),
                target.view().into_dyn(),
                None,
            ),
            sigmoid_multilabel: scalar(
                &SigmoidCrossEntropy::<f64>::keras(),
                array![[40.0, -40.0, 40.0]].view().into_dyn(),
                target.view().into_dyn(),
                None,
            ),
        }
    }
}

/// The numbers of the scalar-weight example (what notebook 05 computes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScalarWeight {
    /// The scalar weight `w`.
    pub w: f64,
    /// `SigmoidCrossEntropy::tf1()`, weight 1.
    pub unweighted: f64,
    /// …with `weights = w`.
    pub weighted: f64,
    /// …with `weights = 0`.
    pub zero_weight: f64,
}

impl ScalarWeight {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let i = inputs();
        let w = i.scalar_weight;
        let loss = SigmoidCrossEntropy::<f64>::tf1();
        let x = || i.x.view().into_dyn();
        let z = || i.z.view().into_dyn();
        ScalarWeight {
            w,
            unweighted: scalar(&loss, x(), z(), None),
            weighted: scalar(&loss, x(), z(), Some(arr0(w).into_dyn().view())),
            zero_weight: scalar(&loss, x(), z(), Some(arr0(0.0).into_dyn().view())),
        }
    }
}

/// The numbers of the weight-tensor example (what notebook 05 computes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VectorWeight {
    /// `SigmoidCrossEntropy::tf1()` with `weights = W` (no zeros).
    pub weighted_full: f64,
    /// …with `weights = W0` (some zeros).
    pub weighted_zeros: f64,
    /// Non-zero entries of `W0`.
    pub nonzero_weights: usize,
}

impl VectorWeight {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let i = inputs();
        let x = || i.x.view().into_dyn();
        let z = || i.z.view().into_dyn();
        let loss = SigmoidCrossEntropy::<f64>::tf1();
        VectorWeight {
            weighted_full: scalar(&loss, x(), z(), Some(i.w_full.view().into_dyn())),
            weighted_zeros: scalar(&loss, x(), z(), Some(i.w_zero.view().into_dyn())),
            nonzero_weights: i.w_zero.iter().filter(|&&v| v != 0.0).count(),
        }
    }
}

/// The element weights `1 + (q − 1)·z` that equal `pos_weight = q` for hard labels `z`.
pub fn pos_weight_as_weights(z: &Array2<f64>, q: &Array1<f64>) -> Array2<f64> {
    z * &(q - 1.0) + 1.0
}

/// The post's labels smoothed to `0.8·z + 0.1` (float32, as TensorFlow computed them).
pub fn soft_labels(z: &Array2<f64>) -> Array2<f64> {
    z.mapv(|v| (0.8 * v as f32 + 0.1) as f64)
}

/// The numbers of the `pos_weight` example (what notebook 05 computes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PosWeight {
    /// `SigmoidCrossEntropy::new().pos_weight(q)`, mean, hard labels.
    pub pos_weight_hard: f64,
    /// Sigmoid cross-entropy with the weights [`pos_weight_as_weights`], mean, hard labels.
    pub class_weight_hard: f64,
    /// `pos_weight = q` on [`soft_labels`].
    pub pos_weight_soft: f64,
    /// The weights `1 + (q − 1)·z` on the soft labels.
    pub class_weight_soft: f64,
}

impl PosWeight {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let i = inputs();
        let q = &i.pos_weight;
        let soft = soft_labels(&i.z);
        let pos = SigmoidCrossEntropy::<f64>::new()
            .pos_weight(q.clone().into_dyn())
            .reduction(mean_reducer());
        let cw = SigmoidCrossEntropy::<f64>::new().reduction(Reduction::SumOverBatchSize);
        let x = || i.x.view().into_dyn();
        let z = || i.z.view().into_dyn();
        PosWeight {
            pos_weight_hard: scalar(&pos, x(), z(), None),
            class_weight_hard: scalar(
                &cw,
                x(),
                z(),
                Some(pos_weight_as_weights(&i.z, q).view().into_dyn()),
            ),
            pos_weight_soft: scalar(&pos, x(), soft.view().into_dyn(), None),
            class_weight_soft: scalar(
                &cw,
                x(),
                soft.view().into_dyn(),
                Some(pos_weight_as_weights(&soft, q).view().into_dyn()),
            ),
        }
    }
}

/// The numbers of "sparse = one-hot" (what notebook 05 computes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SparseOneHot {
    /// `SparseSoftmaxCrossEntropy::tf1()` on the class labels.
    pub sparse: f64,
    /// `SoftmaxCrossEntropy::tf1()` on the one-hot labels.
    pub one_hot: f64,
}

impl SparseOneHot {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let i = inputs();
        SparseOneHot {
            sparse: scalar(
                &SparseSoftmaxCrossEntropy::<f64>::tf1(),
                i.x.view().into_dyn(),
                i.y.view().into_dyn(),
                None,
            ),
            one_hot: scalar(
                &SoftmaxCrossEntropy::<f64>::tf1(),
                i.x.view().into_dyn(),
                i.onehot.view().into_dyn(),
                None,
            ),
        }
    }
}

/// The sampled-softmax measurements behind the last two claims (and the figure).
#[derive(Clone, Debug, PartialEq)]
pub struct SampledStudy {
    /// `num_sampled` values.
    pub sizes: Vec<usize>,
    /// The full softmax cross-entropy (batch mean).
    pub full: f64,
    /// Mean over the draws of `(sampled − full) / full`, reweigh's sampler.
    pub mean_rel_error: Vec<f64>,
    /// Root mean square of `(sampled − full) / full`, reweigh's sampler.
    pub rms_rel_error: Vec<f64>,
    /// Standard deviation of `(sampled − full) / full` over the draws, reweigh's sampler.
    pub std_rel_error: Vec<f64>,
    /// The same mean, measured in TensorFlow with its own sampler.
    pub tf_mean_rel_error: Vec<f64>,
    /// The same RMS, TensorFlow.
    pub tf_rms_rel_error: Vec<f64>,
    /// The same standard deviation, TensorFlow.
    pub tf_std_rel_error: Vec<f64>,
    /// Cosine between the sampled and the full gradient with respect to the inputs, mean over
    /// the draws.
    pub grad_cosine: Vec<f64>,
    /// Draws per size, reweigh's sampler.
    pub reps: usize,
    /// Draws per size, TensorFlow's sampler.
    pub tf_reps: usize,
    /// Largest relative difference between reweigh and TensorFlow on TensorFlow's candidates.
    pub one_call_max_rel_diff: f64,
}

/// The sampled-softmax example's output layer (`t004.sampled` of `data/ledger/reference.json`:
/// 1000 classes × 8 dimensions, 64 rows; biases = log of the log-uniform prior, labels drawn
/// from it).
#[derive(Clone, Debug, PartialEq)]
pub struct SampledLayer {
    /// Number of classes.
    pub num_classes: usize,
    /// Class embeddings, classes × dimensions.
    pub weights: Array2<f64>,
    /// Class biases.
    pub biases: Array1<f64>,
    /// The rows' inputs, rows × dimensions.
    pub inputs: Array2<f64>,
    /// The rows' labels, rows × 1.
    pub labels: Array2<i64>,
}

/// The layer of the sampled-softmax example.
pub fn sampled_layer() -> SampledLayer {
    let p = "t004.sampled";
    SampledLayer {
        num_classes: data::f(&format!("{p}.num_classes")) as usize,
        weights: data::mat(&format!("{p}.weights")),
        biases: data::arr1(&format!("{p}.biases")),
        inputs: data::mat(&format!("{p}.inputs")),
        labels: data::mat(&format!("{p}.labels")).mapv(|v| v as i64),
    }
}

/// The relative error of the sampled loss over draws of one `num_sampled`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SampledErrors {
    /// Mean of `(sampled − full) / full`.
    pub mean_rel_error: f64,
    /// Its root mean square.
    pub rms_rel_error: f64,
    /// Its standard deviation.
    pub std_rel_error: f64,
    /// Mean cosine between the sampled and the full gradient with respect to the inputs.
    pub grad_cosine: f64,
}

impl SampledLayer {
    /// The full softmax cross-entropy (batch mean) and its gradient with respect to the inputs
    /// (`SampledSoftmaxLoss::full_softmax`).
    pub fn full(&self) -> (f64, Array2<f64>) {
        let out = SampledSoftmaxLoss::<f64>::new(1, self.num_classes)
            .reduction(Reduction::SumOverBatchSize)
            .full_softmax(
                self.inputs.view(),
                self.weights.view(),
                self.biases.view(),
                self.labels.view(),
                None,
            )
            .expect("valid layer");
        (
            out.value.scalar().expect("scalar"),
            out.grads.expect("gradients").inputs,
        )
    }

    /// `tf.nn.sampled_softmax_loss` with `num_sampled` log-uniform candidates (batch mean) for
    /// `reps` draws of reweigh's sampler (seeds `0..reps`), against the full softmax.
    pub fn errors(&self, num_sampled: usize, reps: usize) -> SampledErrors {
        let (full, full_grad) = self.full();
        let loss = SampledSoftmaxLoss::<f64>::new(num_sampled, self.num_classes)
            .reduction(Reduction::SumOverBatchSize);
        let (x, w, b, lab) = (
            self.inputs.view(),
            self.weights.view(),
            self.biases.view(),
            self.labels.view(),
        );
        let mut rel = Vec::with_capacity(reps);
        let mut cosines = Vec::with_capacity(reps);
        for seed in 0..reps as u64 {
            let cand = loss.sample(lab, seed).expect("valid labels");
            let out = loss
                .forward_backward(x, w, b, lab, &cand)
                .expect("valid layer");
            rel.push((out.value.scalar().expect("scalar") - full) / full);
            let g = out.grads.expect("gradients").inputs;
            let dot = (&g * &full_grad).sum();
            cosines.push(
                dot / (g.mapv(|v| v * v).sum().sqrt() * full_grad.mapv(|v| v * v).sum().sqrt()),
            );
        }
        SampledErrors {
            mean_rel_error: mean(&rel),
            rms_rel_error: (rel.iter().map(|r| r * r).sum::<f64>() / rel.len() as f64).sqrt(),
            std_rel_error: std(&rel),
            grad_cosine: mean(&cosines),
        }
    }

    /// The largest relative difference, over the rows, between reweigh's sampled loss and
    /// TensorFlow's on the candidates TensorFlow drew in one call (`t004.sampled.one_call`).
    pub fn tf_one_call_max_rel_diff(&self) -> f64 {
        let oc = "t004.sampled.one_call";
        let cand = SampledCandidates {
            sampled: data::ints(&format!("{oc}.sampled")),
            true_expected_count: data::mat(&format!("{oc}.true_expected_count")),
            sampled_expected_count: data::fs(&format!("{oc}.sampled_expected_count")),
        };
        let k = data::f(&format!("{oc}.num_sampled")) as usize;
        let mine = SampledSoftmaxLoss::<f64>::new(k, self.num_classes)
            .forward(
                self.inputs.view(),
                self.weights.view(),
                self.biases.view(),
                self.labels.view(),
                &cand,
            )
            .expect("valid")
            .into_array();
        let theirs = data::fs(&format!("{oc}.loss"));
        mine.iter()
            .zip(&theirs)
            .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs() / b.abs()))
    }
}

/// TensorFlow's measurement of the same curve with its own sampler (`t004.sampled.curve`).
#[derive(Clone, Debug, PartialEq)]
pub struct TfSampledCurve {
    /// `num_sampled` values.
    pub sizes: Vec<usize>,
    /// Mean relative error per size.
    pub mean_rel_error: Vec<f64>,
    /// RMS relative error per size.
    pub rms_rel_error: Vec<f64>,
    /// Standard deviation of the relative error per size.
    pub std_rel_error: Vec<f64>,
    /// Draws per size.
    pub reps: usize,
}

/// TensorFlow's sampled-softmax curve.
pub fn tf_sampled_curve() -> TfSampledCurve {
    let p = "t004.sampled";
    let curve = data::at(&format!("{p}.curve"))
        .as_array()
        .expect("list")
        .clone();
    let get = |k: &str| -> Vec<f64> {
        curve
            .iter()
            .map(|e| e[k].as_f64().expect("number"))
            .collect()
    };
    TfSampledCurve {
        sizes: get("num_sampled").iter().map(|&s| s as usize).collect(),
        mean_rel_error: get("mean_relative_error"),
        rms_rel_error: get("rms_relative_error"),
        std_rel_error: get("std_relative_error"),
        reps: data::f(&format!("{p}.reps")) as usize,
    }
}

impl SampledStudy {
    /// Computes it with the public API (the main job's path): for each `num_sampled` of
    /// TensorFlow's curve, [`SAMPLED_REPS`] draws of reweigh's log-uniform sampler
    /// ([`SampledLayer::errors`]); TensorFlow made its own draws.
    pub fn compute() -> Self {
        let layer = sampled_layer();
        let tf = tf_sampled_curve();
        let errors: Vec<SampledErrors> = tf
            .sizes
            .iter()
            .map(|&k| layer.errors(k, SAMPLED_REPS))
            .collect();
        SampledStudy {
            sizes: tf.sizes.clone(),
            full: layer.full().0,
            mean_rel_error: errors.iter().map(|e| e.mean_rel_error).collect(),
            rms_rel_error: errors.iter().map(|e| e.rms_rel_error).collect(),
            std_rel_error: errors.iter().map(|e| e.std_rel_error).collect(),
            tf_mean_rel_error: tf.mean_rel_error,
            tf_rms_rel_error: tf.rms_rel_error,
            tf_std_rel_error: tf.std_rel_error,
            grad_cosine: errors.iter().map(|e| e.grad_cosine).collect(),
            reps: SAMPLED_REPS,
            tf_reps: tf.reps,
            one_call_max_rel_diff: layer.tf_one_call_max_rel_diff(),
        }
    }
}

/// Measures sampled softmax against the full softmax ([`SampledStudy::compute`]). Cached.
pub fn sampled_softmax_study() -> &'static SampledStudy {
    static S: OnceLock<SampledStudy> = OnceLock::new();
    S.get_or_init(SampledStudy::compute)
}

/// Draws of reweigh's sampler per `num_sampled` in [`sampled_softmax_study`].
pub const SAMPLED_REPS: usize = 50;

const SAMPLED_INPUTS: &str = "output layer of 1000 classes × 8 dims (N(0, 1/8) weights, biases \
                              = log of the log-uniform prior), 64 rows, labels drawn from the \
                              prior; numpy default_rng(4)";

/// The claims' checks as functions of the computed numbers (the notebook computes, the ledger
/// judges).
pub mod judge {
    use super::*;

    /// "All these loss functions take logits; there is no need to turn them into probabilities
    /// with sigmoid or softmax."
    pub fn losses_take_logits(n: &LogitLosses) -> Claim {
        let p = "t004.logits";
        let LogitLosses {
            sigmoid_tf1: sig,
            softmax_tf1: soft,
            sparse_softmax_tf1: sparse,
            keras_bce_on_logits: keras_probs,
            keras_sigmoid_from_logits: keras_logits,
        } = *n;
        Claim::for_entry(
        entry::losses_take_logits,
        "post (translated)",
        "Note that all of these loss functions (tf.losses.softmax_cross_entropy, \
         tf.losses.sparse_softmax_cross_entropy, tf.losses.sigmoid_cross_entropy, \
         tf.contrib.losses.*, tf.nn.softmax_cross_entropy_with_logits, \
         tf.nn.sigmoid_cross_entropy_with_logits, …) take logits; there is no need to turn them \
         into probabilities with sigmoid or softmax first.",
    )
    .input("inputs", INPUTS)
    .equal(
        "tf.compat.v1.losses.sigmoid_cross_entropy takes logits: reweigh (logits) = TensorFlow",
        Number::reweigh("SigmoidCrossEntropy::tf1", sig),
        fw_num(
            "tf.compat.v1.losses.sigmoid_cross_entropy",
            &format!("{p}.v1_sigmoid"),
            "tensorflow",
        ),
        FRAMEWORK_TOL,
        Verdict::Refuted,
    )
    .equal(
        "tf.compat.v1.losses.softmax_cross_entropy takes logits",
        Number::reweigh("SoftmaxCrossEntropy::tf1", soft),
        fw_num(
            "tf.compat.v1.losses.softmax_cross_entropy",
            &format!("{p}.v1_softmax"),
            "tensorflow",
        ),
        FRAMEWORK_TOL,
        Verdict::Refuted,
    )
    .equal(
        "tf.compat.v1.losses.sparse_softmax_cross_entropy takes logits",
        Number::reweigh("SparseSoftmaxCrossEntropy::tf1", sparse),
        fw_num(
            "tf.compat.v1.losses.sparse_softmax_cross_entropy",
            &format!("{p}.v1_sparse_softmax"),
            "tensorflow",
        ),
        FRAMEWORK_TOL,
        Verdict::Refuted,
    )
    .equal(
        "tf.nn.sigmoid_cross_entropy_with_logits takes logits (mean)",
        Number::reweigh("SigmoidCrossEntropy, mean", sig),
        fw_num(
            "reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits)",
            &format!("{p}.nn_sigmoid_mean"),
            "tensorflow",
        ),
        FRAMEWORK_TOL,
        Verdict::Refuted,
    )
    .equal(
        "in TensorFlow 2.21, tf.losses.BinaryCrossentropy() on logits = on the probabilities \
         (it is Keras's loss, from_logits=False by default)",
        fw_num(
            "tf.losses.BinaryCrossentropy()(z, logits)",
            &format!("{p}.tf2_losses_bce_default_on_logits"),
            "tensorflow",
        ),
        fw_num(
            "tf.losses.BinaryCrossentropy(from_logits=True)(z, logits)",
            &format!("{p}.tf2_losses_bce_from_logits"),
            "tensorflow",
        ),
        FRAMEWORK_TOL,
        Verdict::Differs,
    )
    .equals_framework(
        "reweigh reproduces that mistake: Keras's BCE with logits fed as probabilities (clipped)",
        Number::reweigh("BinaryCrossEntropy::keras on logits (float32)", keras_probs),
        fw_num(
            "tf.losses.BinaryCrossentropy()(z, logits)",
            &format!("{p}.tf2_losses_bce_default_on_logits"),
            "tensorflow",
        ),
    )
    .equals_framework(
        "…and the right call",
        Number::reweigh("SigmoidCrossEntropy::keras", keras_logits),
        fw_num(
            "tf.losses.BinaryCrossentropy(from_logits=True)(z, logits)",
            &format!("{p}.tf2_losses_bce_from_logits"),
            "tensorflow",
        ),
    )
    .number(fw_num(
        "tf.losses is keras.losses (TF 2.21)",
        &format!("{p}.tf2_losses_is_keras"),
        "tensorflow",
    ))
    .number(fw_num(
        "tf.contrib exists (TF 2.21)",
        &format!("{p}.tf2_has_tf_contrib"),
        "tensorflow",
    ))
    .note(format!(
        "Every function the post lists takes logits and still does in TensorFlow 2.21 (under \
         tf.compat.v1 for tf.losses; tf.contrib is gone). But in TensorFlow 2 the name tf.losses \
         now means Keras's losses, which take probabilities unless from_logits=True: \
         tf.losses.BinaryCrossentropy() on these logits clips them into [1e-7, 1 − 1e-7] and \
         returns {} instead of {}.",
        fmt_num(keras_probs),
        fmt_num(keras_logits),
    ))
    .build()
    }

    /// "Sigmoid supports only two classes; use softmax for more."
    pub fn sigmoid_or_softmax(n: &SigmoidOrSoftmax) -> Claim {
        let SigmoidOrSoftmax {
            softmax_two_classes: soft2,
            sigmoid_of_difference: sig2,
            softmax_best_multilabel: best_softmax,
            sigmoid_multilabel: best_sigmoid,
        } = *n;
        Claim::for_entry(
        entry::sigmoid_or_softmax,
        "post (translated)",
        "Sigmoid, like softmax, turns logit scores into probabilities, but sigmoid only supports \
         problems with two classes (binary classification), while softmax supports more. For a \
         binary problem you can choose a sigmoid loss; with more than two classes, softmax is \
         better.",
    )
    .input("inputs", INPUTS)
    .input(
        "two classes",
        "the first two logit columns; label 1 where the class label is 1",
    )
    .input(
        "multi-label row",
        "target [1, 0, 1]; logits [0, −40, 0] (softmax optimum) and [40, −40, 40]",
    )
    .equal(
        "with two classes sigmoid and softmax are the same loss: softmax([a, b]) = sigmoid(b − a)",
        Number::reweigh("softmax CE over 2 logits", soft2),
        Number::reweigh("sigmoid CE of the difference", sig2),
        Tolerance::rel(1e-12),
        Verdict::Refuted,
    )
    .equal(
        "more than two classes need softmax: even with several true classes per row (lowest \
         softmax loss of [1, 0, 1] = 0)",
        Number::reweigh("softmax CE at its optimum for [1, 0, 1]", best_softmax),
        Number::reweigh("zero", 0.0),
        Tolerance::abs(1e-6),
        Verdict::ReproducedWithCaveat,
    )
    .number(Number::reweigh(
        "sigmoid CE for [1, 0, 1] at logits [40, −40, 40]",
        best_sigmoid,
    ))
    .note(format!(
        "For two classes the choice does not matter: the softmax of two logits is the sigmoid of \
         their difference ({} both). For more than two classes softmax is right when exactly one \
         class is true; when several labels can be true at once (multi-label, thread 002) it is \
         the wrong model: its loss on [1, 0, 1] cannot go below 2·ln 2 = {}, while the sigmoid \
         loss, one binary decision per label, goes to {}.",
        fmt_num(soft2),
        fmt_num(best_softmax),
        fmt_num(best_sigmoid),
    ))
    .build()
    }

    /// "`tf.losses.sigmoid_cross_entropy` = `tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits)`."
    pub fn sigmoid_is_reduce_mean(n: &LogitLosses) -> Claim {
        let p = "t004.logits";
        let tf1 = n.sigmoid_tf1;
        Claim::for_entry(
        entry::sigmoid_is_reduce_mean,
        "post (translated)",
        "The difference between tf.nn.sigmoid_cross_entropy_with_logits and \
         tf.losses.sigmoid_cross_entropy is that the former returns a tensor of losses and the \
         latter a single number: tf.losses.sigmoid_cross_entropy = \
         tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits)",
    )
    .input("inputs", INPUTS)
    .equal(
        "tf.compat.v1.losses.sigmoid_cross_entropy = reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits)",
        fw_num("tf.compat.v1.losses.sigmoid_cross_entropy", &format!("{p}.v1_sigmoid"), "tensorflow"),
        fw_num("reduce_mean(sigmoid_cross_entropy_with_logits)", &format!("{p}.nn_sigmoid_mean"), "tensorflow"),
        FRAMEWORK_TOL,
        Verdict::Refuted,
    )
    .equals_framework(
        "reweigh's TF1 preset = TensorFlow",
        Number::reweigh("SigmoidCrossEntropy::tf1", tf1),
        fw_num("tf.compat.v1.losses.sigmoid_cross_entropy", &format!("{p}.v1_sigmoid"), "tensorflow"),
    )
    .equal(
        "tf.losses.sigmoid_cross_entropy exists in TensorFlow 2.21",
        fw_num(
            "hasattr(tf.losses, 'sigmoid_cross_entropy')",
            &format!("{p}.tf2_has_tf_losses_sigmoid_cross_entropy"),
            "tensorflow",
        ),
        Number::thread("the post uses it", 1.0),
        Tolerance::EXACT,
        Verdict::ReproducedWithCaveat,
    )
    .note(
        "Without weights the default reduction SUM_BY_NONZERO_WEIGHTS divides by the number of \
         elements, so the loss is the mean. In TensorFlow 2 the function lives in \
         tf.compat.v1.losses; with weights it is not a plain mean (004-vector-weight).",
    )
    .build()
    }

    /// "With a scalar weight w, `tf.losses.sigmoid_cross_entropy(weight=w) = w ·
    /// tf.losses.sigmoid_cross_entropy(weight=1)`."
    pub fn scalar_weight(n: &ScalarWeight) -> Claim {
        let p = "t004.weights";
        let ScalarWeight {
            w,
            unweighted: one,
            weighted,
            zero_weight: zero,
        } = *n;
        Claim::for_entry(
        entry::scalar_weight,
        "post (translated)",
        "tf.losses.sigmoid_cross_entropy and tf.losses.softmax_cross_entropy both take a weight, \
         1 by default. When w is a scalar, tf.losses.sigmoid_cross_entropy(weight = w) = w * \
         tf.losses.sigmoid_cross_entropy(weight = 1)",
    )
    .input("inputs", INPUTS)
    .input("w", fmt_num(w))
    .equal(
        "weight w = w × weight 1 (TensorFlow: ratio)",
        Number::new(
            "loss(weights=w) / loss(weights=1)",
            data::f(&format!("{p}.v1_scalar")) / data::f("t004.logits.v1_sigmoid"),
            fw("tensorflow"),
        ),
        Number::thread("w", w),
        Tolerance::rel(1e-6),
        Verdict::Refuted,
    )
    .equals_framework(
        "reweigh = TensorFlow with the scalar weight",
        Number::reweigh("SigmoidCrossEntropy::tf1, weights = w", weighted),
        fw_num(
            "tf.compat.v1.losses.sigmoid_cross_entropy(weights=w)",
            &format!("{p}.v1_scalar"),
            "tensorflow",
        ),
    )
    .equal(
        "w = 0 gives 0 = 0 × the loss",
        fw_num(
            "loss(weights=0)",
            &format!("{p}.v1_scalar_zero"),
            "tensorflow",
        ),
        Number::reweigh("0 × loss", 0.0 * one),
        Tolerance::EXACT,
        Verdict::Refuted,
    )
    .number(Number::reweigh(
        "SigmoidCrossEntropy::tf1, weights = 0",
        zero,
    ))
    .note(format!(
        "A scalar weight multiplies every element and the count of non-zero weights stays the \
         number of elements, so the loss scales by w: {} = {} × {}. A zero scalar makes every \
         weight zero and TF1 returns 0 (divide_no_nan), still w × the loss.",
        fmt_num(weighted),
        fmt_num(w),
        fmt_num(one),
    ))
    .build()
    }

    /// "When W is a vector, the weights apply to each logit, then the mean:
    /// `tf.losses.sigmoid_cross_entropy(weight=W) = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits * W)`."
    pub fn vector_weight(n: &VectorWeight) -> Claim {
        let p = "t004.weights";
        let VectorWeight {
            weighted_full: rw_full,
            weighted_zeros: rw_zero,
            nonzero_weights: nonzero,
        } = *n;
        Claim::for_entry(
            entry::vector_weight,
            "post (translated)",
            "When W is a vector, the weights apply to each logit and then the mean is taken: \
         tf.losses.sigmoid_cross_entropy(weight = W) = \
         tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits * W)",
        )
        .input("inputs", INPUTS)
        .input(
            "W",
            "8×3 uniform [0.5, 2); the same with rows 0, 3, 5 and element (2, 1) set to 0",
        )
        .equal(
            "no zero weights: the loss is reduce_mean(losses · W) (TensorFlow)",
            fw_num(
                "tf.compat.v1.losses.sigmoid_cross_entropy(weights=W)",
                &format!("{p}.v1_full"),
                "tensorflow",
            ),
            fw_num(
                "reduce_mean(losses · W)",
                &format!("{p}.mean_full"),
                "tensorflow",
            ),
            FRAMEWORK_TOL,
            Verdict::Refuted,
        )
        .equals_framework(
            "reweigh = TensorFlow, W without zeros",
            Number::reweigh("SigmoidCrossEntropy::tf1, weights W", rw_full),
            fw_num(
                "tf.compat.v1.losses.sigmoid_cross_entropy(weights=W)",
                &format!("{p}.v1_full"),
                "tensorflow",
            ),
        )
        .equal(
            "W with zeros: the loss is still reduce_mean(losses · W)",
            fw_num(
                "tf.compat.v1.losses.sigmoid_cross_entropy(weights=W0)",
                &format!("{p}.v1_zero"),
                "tensorflow",
            ),
            fw_num(
                "reduce_mean(losses · W0)",
                &format!("{p}.mean_zero"),
                "tensorflow",
            ),
            FRAMEWORK_TOL,
            Verdict::ReproducedWithCaveat,
        )
        .equals_framework(
            "reweigh = TensorFlow, W with zeros (Σ W·l / #{W ≠ 0})",
            Number::reweigh("SigmoidCrossEntropy::tf1, weights W0", rw_zero),
            fw_num(
                "tf.compat.v1.losses.sigmoid_cross_entropy(weights=W0)",
                &format!("{p}.v1_zero"),
                "tensorflow",
            ),
        )
        .equal(
            "a per-class vector W of shape (3,) is accepted",
            fw_raised(
                "weights (3,) raises",
                &format!("{p}.v1_class"),
                "tensorflow",
            ),
            Number::thread("raises (the post)", 0.0),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        )
        .equal(
            "a per-sample vector W of shape (8,) is accepted",
            fw_raised("weights (8,) raises", &format!("{p}.v1_rows"), "tensorflow"),
            Number::thread("raises (the post)", 0.0),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        )
        .number(fw_num(
            "weights (1, 3): loss",
            &format!("{p}.v1_class_row"),
            "tensorflow",
        ))
        .number(fw_num(
            "reduce_mean(losses · W), W (1, 3)",
            &format!("{p}.mean_class"),
            "tensorflow",
        ))
        .number(fw_num(
            "weights (8, 1): loss",
            &format!("{p}.v1_rows_column"),
            "tensorflow",
        ))
        .note(format!(
            "The default reduction SUM_BY_NONZERO_WEIGHTS divides Σ W·l by the number of non-zero \
         weights, not by the number of elements: with {} of 24 weights non-zero the loss is {} \
         where reduce_mean(l·W) gives {}. And TF1 wants W with the losses' rank: {} — use shape \
         (1, 3) for class weights or (8, 1) for sample weights.",
            nonzero,
            fmt_num(rw_zero),
            fmt_num(data::f(&format!("{p}.mean_zero"))),
            data::raised_text(&format!("{p}.v1_rows")),
        ))
        .build()
    }

    /// "`pos_weight` of `tf.nn.weighted_cross_entropy_with_logits` is a class weight, useful for
    /// unbalanced data."
    pub fn pos_weight_class_weight(n: &PosWeight) -> Claim {
        let p = "t004.pos_weight";
        let PosWeight {
            pos_weight_hard: pos_hard,
            class_weight_hard: cw_hard,
            pos_weight_soft: pos_soft,
            class_weight_soft: cw_soft,
        } = *n;
        Claim::for_entry(
        entry::pos_weight_class_weight,
        "post (translated)",
        "tf.nn.weighted_cross_entropy_with_logits has a pos_weight which, unlike the sample \
         weight above, is a class weight, used to weight the classes; very useful for unbalanced \
         data (one class much more frequent than another).",
    )
    .input("inputs", INPUTS)
    .input("pos_weight", "[1, 3, 5] per label")
    .input("soft labels", "0.8·labels + 0.1")
    .equal(
        "hard labels: pos_weight q = weight q on the positives, 1 on the negatives (TensorFlow)",
        fw_num(
            "mean(weighted_cross_entropy_with_logits)",
            &format!("{p}.weighted_hard"),
            "tensorflow",
        ),
        fw_num(
            "sigmoid CE with weights 1 + (q − 1)·z",
            &format!("{p}.class_weight_hard"),
            "tensorflow",
        ),
        FRAMEWORK_TOL,
        Verdict::Refuted,
    )
    .equals_framework(
        "reweigh = TensorFlow, pos_weight",
        Number::reweigh("SigmoidCrossEntropy.pos_weight, mean", pos_hard),
        fw_num(
            "mean(weighted_cross_entropy_with_logits)",
            &format!("{p}.weighted_hard"),
            "tensorflow",
        ),
    )
    .equal(
        "reweigh: the same as weights 1 + (q − 1)·z",
        Number::reweigh("sigmoid CE, weights 1 + (q − 1)·z", cw_hard),
        Number::reweigh("SigmoidCrossEntropy.pos_weight, mean", pos_hard),
        Tolerance::rel(1e-12),
        Verdict::Refuted,
    )
    .equal(
        "soft labels: pos_weight is still a class weight",
        fw_num(
            "mean(weighted_cross_entropy_with_logits), soft",
            &format!("{p}.weighted_soft"),
            "tensorflow",
        ),
        fw_num(
            "sigmoid CE with weights 1 + (q − 1)·z, soft",
            &format!("{p}.class_weight_soft"),
            "tensorflow",
        ),
        FRAMEWORK_TOL,
        Verdict::ReproducedWithCaveat,
    )
    .equals_framework(
        "reweigh = TensorFlow, soft labels",
        Number::reweigh("SigmoidCrossEntropy.pos_weight, soft", pos_soft),
        fw_num(
            "mean(weighted_cross_entropy_with_logits), soft",
            &format!("{p}.weighted_soft"),
            "tensorflow",
        ),
    )
    .number(Number::reweigh(
        "sigmoid CE, weights 1 + (q − 1)·z, soft",
        cw_soft,
    ))
    .note(format!(
        "pos_weight multiplies the positive term z·softplus(−x) of each label. With hard labels \
         that is exactly a weight q on the positive examples of that label and 1 on the negative \
         ones, a class weight per label ({} both); with soft labels the two terms of one example \
         get different weights, which no per-example weight reproduces ({} vs {}).",
        fmt_num(pos_hard),
        fmt_num(pos_soft),
        fmt_num(cw_soft),
    ))
    .build()
    }

    /// "Sparse softmax cross-entropy differs from softmax cross-entropy only in that its labels are
    /// not one-hot; with very many classes this saves memory."
    pub fn sparse_is_one_hot(n: &SparseOneHot) -> Claim {
        let p = "t004.sparse";
        let SparseOneHot {
            sparse,
            one_hot: dense,
        } = *n;
        let (n, c) = (
            data::f("t004.sampled.batch"),
            data::f("t004.sampled.num_classes"),
        );
        Claim::for_entry(
        entry::sparse_is_one_hot,
        "post (translated)",
        "The only difference between sparse softmax cross_entropy and ordinary softmax \
         cross_entropy is that its labels are not one-hot encoded. When the number of classes is \
         huge, this reduces memory use.",
    )
    .input("inputs", INPUTS)
    .equal(
        "sparse labels = one-hot labels (TensorFlow, TF1 losses)",
        fw_num(
            "sparse_softmax_cross_entropy",
            &format!("{p}.v1_sparse"),
            "tensorflow",
        ),
        fw_num(
            "softmax_cross_entropy(one_hot)",
            &format!("{p}.v1_dense"),
            "tensorflow",
        ),
        Tolerance::EXACT,
        Verdict::Refuted,
    )
    .equal(
        "…element by element (tf.nn, max |difference|)",
        fw_num(
            "max |sparse − dense|",
            &format!("{p}.nn_max_abs_diff"),
            "tensorflow",
        ),
        Number::reweigh("zero", 0.0),
        Tolerance::EXACT,
        Verdict::Refuted,
    )
    .equal(
        "reweigh: sparse = dense",
        Number::reweigh("SparseSoftmaxCrossEntropy::tf1", sparse),
        Number::reweigh("SoftmaxCrossEntropy::tf1 (one-hot)", dense),
        Tolerance::rel(1e-12),
        Verdict::Refuted,
    )
    .equals_framework(
        "reweigh = TensorFlow",
        Number::reweigh("SparseSoftmaxCrossEntropy::tf1", sparse),
        fw_num(
            "sparse_softmax_cross_entropy",
            &format!("{p}.v1_sparse"),
            "tensorflow",
        ),
    )
    .check(Check::new(
        "labels of a batch of 64 over 1000 classes take less memory sparse (int64) than one-hot \
         (float32), bytes",
        Number::reweigh("sparse labels, bytes", n * 8.0),
        Relation::Less,
        Number::reweigh("one-hot labels, bytes", n * c * 4.0),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .note(format!(
        "The two are the same loss ({}). The saving is the labels only: {} bytes instead of {} \
         for 64 rows of 1000 classes; the logits are (N, C) either way, which is what sampled \
         softmax avoids.",
        fmt_num(sparse),
        fmt_num(n * 8.0),
        fmt_num(n * c * 4.0),
    ))
    .build()
    }

    /// "Sampled softmax, another way to save memory: train on a sample of the classes."
    pub fn sampled_softmax_approximates(s: &SampledStudy) -> Claim {
        let i8 = s.sizes.iter().position(|&k| k == 8).expect("size 8");
        let last = s.sizes.len() - 1;
        let se = |a: f64, b: f64| 4.0 * (a * a / s.reps as f64 + b * b / s.tf_reps as f64).sqrt();
        let mut b = Claim::for_entry(
        entry::sampled_softmax_approximates,
        "post (translated)",
        "Sampled softmax is another way to reduce memory use: it samples the classes directly \
         and trains on the sample.",
    )
    .input("layer", SAMPLED_INPUTS)
    .input(
        "draws",
        format!(
            "{} per num_sampled with reweigh's log-uniform sampler (seeds 0..{}), {} with \
             TensorFlow's",
            s.reps, s.reps, s.tf_reps
        ),
    )
    .equal(
        "reweigh = tf.nn.sampled_softmax_loss on TensorFlow's candidates (16 sampled), worst relative difference",
        Number::reweigh("max relative difference per row", s.one_call_max_rel_diff),
        Number::reweigh("zero", 0.0),
        Tolerance::abs(1e-5),
        Verdict::NotReproducible,
    );
        for &k in &[i8, last] {
            b = b.equals_framework_within(
            format!(
                "mean relative error with {} sampled: reweigh's sampler = TensorFlow's (4 standard errors)",
                s.sizes[k]
            ),
            Number::reweigh(format!("mean (sampled − full)/full, {} sampled", s.sizes[k]), s.mean_rel_error[k]),
            Number::new(
                format!("mean (sampled − full)/full, {} sampled", s.sizes[k]),
                s.tf_mean_rel_error[k],
                fw("tensorflow"),
            ),
            Tolerance::abs(se(s.std_rel_error[k], s.tf_std_rel_error[k])),
    );
        }
        b.check(Check::new(
        "the approximation improves with more samples (RMS relative error, 512 vs 8 sampled)",
        Number::reweigh(
            format!("RMS relative error, {} sampled", s.sizes[last]),
            s.rms_rel_error[last],
        ),
        Relation::Less,
        Number::reweigh("RMS relative error, 8 sampled", s.rms_rel_error[i8]),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .check(Check::new(
        "the sampled gradient points the full gradient's way (mean cosine, 64 sampled)",
        Number::reweigh(
            "gradient cosine, 64 sampled",
            s.grad_cosine[s.sizes.iter().position(|&k| k == 64).expect("size 64")],
        ),
        Relation::Greater,
        Number::reweigh("0.5", 0.5),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .numbers(
        s.sizes.iter().enumerate().map(|(k, &n)| {
            Number::reweigh(format!("gradient cosine, {n} sampled"), s.grad_cosine[k])
        }),
    )
    .note(format!(
        "Scoring num_sampled + 1 classes per row instead of 1000 trains on a cheap estimate: the \
         gradient with respect to the inputs has a mean cosine of {} with the full gradient at 8 \
         sampled classes and {} at {}. The loss value itself is biased low: its mean relative \
         error is {} at 8 sampled and {} at {} (TensorFlow: {} and {}), see \
         004-sampled-softmax-training-only.",
        fmt_num(s.grad_cosine[i8]),
        fmt_num(s.grad_cosine[last]),
        s.sizes[last],
        fmt_num(s.mean_rel_error[i8]),
        fmt_num(s.mean_rel_error[last]),
        s.sizes[last],
        fmt_num(s.tf_mean_rel_error[i8]),
        fmt_num(s.tf_mean_rel_error[last]),
    ))
    .figure("sampled_softmax_error.svg")
    .build()
    }

    /// "These losses can only be used for training; do not use them for validation."
    pub fn sampled_softmax_training_only(s: &SampledStudy) -> Claim {
        let last = s.sizes.len() - 1;
        let i64_ = s.sizes.iter().position(|&k| k == 64).expect("size 64");
        let se = |k: usize| 3.0 * s.tf_std_rel_error[k] / (s.tf_reps as f64).sqrt();
        Claim::for_entry(
        entry::sampled_softmax_training_only,
        "post (translated)",
        "Note that these loss functions can only be used during training; do not use them for \
         validation.",
    )
    .input("layer", SAMPLED_INPUTS)
    .differ(
        "the sampled loss is a biased estimate of the full loss (TensorFlow, 64 sampled, mean \
         relative error vs 0, 3 standard errors)",
        Number::new("mean (sampled − full)/full, 64 sampled", s.tf_mean_rel_error[i64_], fw("tensorflow")),
        Number::reweigh("unbiased", 0.0),
        Tolerance::abs(se(i64_)),
        Verdict::Refuted,
    )
    .differ(
        "…even with half of the classes sampled (512 of 1000)",
        Number::new(
            format!("mean (sampled − full)/full, {} sampled", s.sizes[last]),
            s.tf_mean_rel_error[last],
            fw("tensorflow"),
        ),
        Number::reweigh("unbiased", 0.0),
        Tolerance::abs(se(last)),
        Verdict::Refuted,
    )
    .number(Number::reweigh("full softmax cross-entropy (batch mean)", s.full))
    .numbers(s.sizes.iter().enumerate().map(|(k, &n)| {
        Number::reweigh(format!("mean relative error, {n} sampled"), s.mean_rel_error[k])
    }))
    .note(format!(
        "The sampled loss leaves out most of the normaliser's classes, so it underestimates the \
         full cross-entropy ({}) by a fraction {} at 64 sampled classes and still {} at {}; its value \
         also depends on the draw. For validation and model selection compute the full softmax \
         (reweigh: SampledSoftmaxLoss::full_softmax), as the post says.",
        fmt_num(s.full),
        fmt_num(-s.tf_mean_rel_error[i64_]),
        fmt_num(-s.tf_mean_rel_error[last]),
        s.sizes[last],
    ))
    .figure("sampled_softmax_error.svg")
    .build()
    }
}

/// "All these loss functions take logits" (registry entry: [`judge::losses_take_logits`] of the computed numbers).
pub fn losses_take_logits() -> Claim {
    judge::losses_take_logits(&LogitLosses::compute())
}

/// "Sigmoid supports only two classes; use softmax for more" (registry entry: [`judge::sigmoid_or_softmax`] of the computed numbers).
pub fn sigmoid_or_softmax() -> Claim {
    judge::sigmoid_or_softmax(&SigmoidOrSoftmax::compute())
}

/// "`tf.losses.sigmoid_cross_entropy` = `tf.reduce_mean(...)`" (registry entry: [`judge::sigmoid_is_reduce_mean`] of the computed numbers).
pub fn sigmoid_is_reduce_mean() -> Claim {
    judge::sigmoid_is_reduce_mean(&LogitLosses::compute())
}

/// the scalar weight (registry entry: [`judge::scalar_weight`] of the computed numbers).
pub fn scalar_weight() -> Claim {
    judge::scalar_weight(&ScalarWeight::compute())
}

/// the weight tensor (registry entry: [`judge::vector_weight`] of the computed numbers).
pub fn vector_weight() -> Claim {
    judge::vector_weight(&VectorWeight::compute())
}

/// "`pos_weight` is a class weight" (registry entry: [`judge::pos_weight_class_weight`] of the computed numbers).
pub fn pos_weight_class_weight() -> Claim {
    judge::pos_weight_class_weight(&PosWeight::compute())
}

/// "sparse = one-hot" (registry entry: [`judge::sparse_is_one_hot`] of the computed numbers).
pub fn sparse_is_one_hot() -> Claim {
    judge::sparse_is_one_hot(&SparseOneHot::compute())
}

/// "Sampled softmax approximates the softmax" (registry entry: [`judge::sampled_softmax_approximates`] of the computed numbers).
pub fn sampled_softmax_approximates() -> Claim {
    judge::sampled_softmax_approximates(sampled_softmax_study())
}

/// "only for training" (registry entry: [`judge::sampled_softmax_training_only`] of the computed numbers).
pub fn sampled_softmax_training_only() -> Claim {
    judge::sampled_softmax_training_only(sampled_softmax_study())
}
