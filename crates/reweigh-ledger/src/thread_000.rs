//! Thread 000, "Unbalanced data and weighted cross entropy" (Stack Overflow 44560549): class
//! counts 198/436/710/272, `weighted_cross_entropy_with_logits` against softmax cross-entropy
//! with class weights, P-Gn's weighting code and its variants, DankMasterDan's sparse answer and
//! the TF2 port.

use super::claim::{Check, Claim, FRAMEWORK_TOL, Number, Relation, Tolerance, Verdict};
use super::data::{self, fw};
use super::threads::THREAD_000;
use super::util::{fw_num, fw_raised, labels, one_hot};
use crate::repro::{Raised, pgn_loss, pgn_true_label_weights};
use ndarray::{Array1, Array2, ArrayD, ArrayViewD, Axis, array, s};
use reweigh::format::{fmt_list, fmt_num};
use reweigh::losses::{
    CostMatrixCrossEntropy, SigmoidCrossEntropy, SoftmaxCrossEntropy, SparseSoftmaxCrossEntropy,
};
use reweigh::schemes::{ClassCounts, Normalization, Scheme, inverse_frequency_weights, normalize};
use reweigh::{Framework, Loss, Reduction};

claims! {
    THREAD_000;
    "000-counts-guess" => counts_guess,
    "000-inverse-frequency" => inverse_frequency,
    "000-sigmoid-not-softmax" => sigmoid_not_softmax,
    "000-class-weights-one-hot" => class_weights_one_hot,
    "000-weights-by-estimated-label" => weights_by_estimated_label,
    "000-full-weight-tensor" => full_weight_tensor,
    "000-sparse-tf1" => sparse_tf1,
    "000-tf2-port" => tf2_port,
}

const COUNTS: [f64; 4] = [198.0, 436.0, 710.0, 272.0];
const QUESTION_WEIGHTS: [f64; 4] = [0.12, 0.26, 0.43, 0.17];

/// A batch of one of the thread's worked examples: logits and integer labels, as the thread's
/// code (or the generator of `data/ledger/reference.json`, `scripts/ledger/gen_reference.py`)
/// drew them, so that reweigh's numbers and the frameworks' are of the same inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// Logits, one row per sample.
    pub logits: Array2<f64>,
    /// The true class of each row.
    pub labels: Array1<i64>,
}

impl Batch {
    pub(crate) fn recorded(prefix: &str) -> Batch {
        Batch {
            logits: data::mat(&format!("{prefix}.logits")),
            labels: labels(data::ints(&format!("{prefix}.labels"))),
        }
    }

    /// The labels one-hot encoded, one column per logit (`onehot_labels`).
    pub fn one_hot(&self) -> Array2<f64> {
        one_hot(
            self.labels.as_slice().expect("contiguous"),
            self.logits.ncols(),
        )
    }
}

/// The 8×4 batch of P-Gn's sigmoid-versus-softmax point: `2·N(0, 1)` logits and labels drawn
/// with numpy's `default_rng(44560549)`.
pub fn sigmoid_batch() -> Batch {
    Batch::recorded("t000.sigmoid_vs_softmax")
}

/// The question's `weights = tf.constant([0.12, 0.26, 0.43, 0.17])` as TensorFlow holds them
/// (float32, widened to f64), the `pos_weight` of [`sigmoid_batch`]'s loss.
pub fn question_pos_weight() -> Array1<f64> {
    data::arr1("t000.sigmoid_vs_softmax.pos_weight")
}

/// The 6×3 batch of P-Gn's code: `2·N(0, 1)` logits and labels drawn with numpy's
/// `default_rng(3)`.
pub fn pgn_batch() -> Batch {
    Batch::recorded("t000.pgn")
}

/// DankMasterDan's batch: `np.random.seed(123)`, logits
/// `np.random.randint(0, 10, 30).reshape(6, 5)` and labels `np.random.randint(0, 5, 6)`.
pub fn sparse_batch() -> Batch {
    Batch::recorded("t000.sparse")
}

/// DankMasterDan's `class_weights = tf.constant([0.3, 0.1, 0.2, 0.3, 0.1])` as TensorFlow
/// holds them (float32, widened to f64).
pub fn sparse_class_weights() -> Array1<f64> {
    data::arr1("t000.sparse.class_weights")
}

/// The scalar of a reducing loss, the way the notebook's cells call it.
fn value<L: Loss<f64>>(
    loss: &L,
    input: ArrayViewD<'_, f64>,
    target: ArrayViewD<'_, L::Label>,
    sample_weight: Option<ArrayViewD<'_, f64>>,
) -> f64 {
    match sample_weight {
        None => loss.forward(input, target),
        Some(w) => loss.forward_weighted(input, target, w),
    }
    .expect("valid inputs")
    .scalar()
    .expect("a reducing loss")
}

/// The numbers of the counts 198/436/710/272: the asker's frequencies and P-Gn's
/// inverse-frequency weights with both normalisations (what notebook 01 computes in its cells).
#[derive(Clone, Debug, PartialEq)]
pub struct CountsWeights {
    /// `198 + 436 + 710 + 272`.
    pub total: f64,
    /// `n_c / n`, the asker's weights.
    pub frequencies: Array1<f64>,
    /// `n / n_c` rescaled to sum to 1.
    pub sum1: Array1<f64>,
    /// `n / n_c` rescaled to sum to the number of classes.
    pub sum_c: Array1<f64>,
    /// scikit-learn's `'balanced'`, `n / (C·n_c)`.
    pub balanced: Array1<f64>,
    /// Cui et al.'s effective-number weights, `β = 0.999`.
    pub effective_number: Array1<f64>,
    /// The mean sample weight over the data set with the sum-1 weights.
    pub mean_sample_weight_sum1: f64,
    /// The mean sample weight over the data set with the sum-C weights.
    pub mean_sample_weight_sum_c: f64,
    /// Keras's default reduction on a fixed batch: loss with the sum-C weights / with the sum-1
    /// weights.
    pub loss_ratio_keras: f64,
    /// The same ratio under PyTorch's `CrossEntropyLoss(weight=)`.
    pub loss_ratio_torch: f64,
}

impl CountsWeights {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let counts = ClassCounts::from_counts(&COUNTS).expect("valid counts");
        let n = counts.to_array::<f64>();
        let total = n.sum();
        let frequencies = &n / total;
        let inv = inverse_frequency_weights(n.view()).expect("positive counts");
        let sum1 = normalize(inv.view(), n.view(), Normalization::Sum1).expect("positive weights");
        let sum_c = normalize(inv.view(), n.view(), Normalization::SumC).expect("positive weights");
        let balanced = Scheme::Balanced
            .weights::<f64>(&counts)
            .expect("positive counts")
            .into_array();
        let effective_number = Scheme::EffectiveNumber { beta: 0.999 }
            .weights::<f64>(&counts)
            .expect("positive counts")
            .into_array();
        // The loss scale each normalisation gives: the mean sample weight over the data set,
        // which Keras's sum_over_batch_size multiplies the loss (and the gradient) by; PyTorch's
        // weighted mean divides it out.
        let mean_sample_weight_sum1 = (&sum1 * &n).sum() / n.sum();
        let mean_sample_weight_sum_c = (&sum_c * &n).sum() / n.sum();
        // A fixed batch, one sample of each class with fixed logits, under both reductions.
        let (loss_ratio_keras, loss_ratio_torch) = normalisation_loss_ratios(&sum_c, &sum1);
        CountsWeights {
            total,
            frequencies,
            sum1,
            sum_c,
            balanced,
            effective_number,
            mean_sample_weight_sum1,
            mean_sample_weight_sum_c,
            loss_ratio_keras,
            loss_ratio_torch,
        }
    }
}

/// The loss with class weights `a` over the loss with class weights `b`, under Keras's default
/// reduction and under PyTorch's, on a fixed batch of one sample per class (4 classes): how much
/// a rescaling of the weights rescales each framework's loss.
pub fn normalisation_loss_ratios(a: &Array1<f64>, b: &Array1<f64>) -> (f64, f64) {
    let logits = array![
        [1.0, 0.5, -0.5, 0.0],
        [0.2, -0.3, 1.1, 0.4],
        [0.0, 0.0, 2.0, -1.0],
        [-0.5, 0.3, 0.1, 0.9]
    ];
    let y = array![0_i64, 1, 2, 3];
    let loss = |w: &Array1<f64>, fw: Framework| {
        let l = SparseSoftmaxCrossEntropy::<f64>::new()
            .class_weights(w.clone())
            .reduction(fw.default_reducer());
        value(&l, logits.view().into_dyn(), y.view().into_dyn(), None)
    };
    (
        loss(a, Framework::Keras) / loss(b, Framework::Keras),
        loss(a, Framework::PyTorch) / loss(b, Framework::PyTorch),
    )
}

/// The numbers of P-Gn's sigmoid-versus-softmax point on [`sigmoid_batch`] (notebook 01).
#[derive(Clone, Debug, PartialEq)]
pub struct SigmoidVsSoftmax {
    /// The constant added to every logit.
    pub shift: f64,
    /// `reduce_mean(weighted_cross_entropy_with_logits)` with the question's `pos_weight`.
    pub weighted: f64,
    /// The same on the shifted logits.
    pub weighted_shifted: f64,
    /// `reduce_mean(softmax_cross_entropy_with_logits)`.
    pub softmax: f64,
    /// The same on the shifted logits.
    pub softmax_shifted: f64,
    /// The mean over rows of `Σ_c σ(x_c)`.
    pub mean_row_sum: f64,
}

impl SigmoidVsSoftmax {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let b = sigmoid_batch();
        let (x, y) = (&b.logits, b.one_hot());
        let shift = data::f("t000.sigmoid_vs_softmax.shift");
        let mean = Framework::Keras.default_reducer(); // Σ l / n over all elements
        let weighted = SigmoidCrossEntropy::<f64>::new()
            .pos_weight(question_pos_weight().into_dyn())
            .reduction(mean);
        let softmax = SoftmaxCrossEntropy::<f64>::new().reduction(mean);
        let xs = x + shift;
        SigmoidVsSoftmax {
            shift,
            weighted: value(&weighted, x.view().into_dyn(), y.view().into_dyn(), None),
            weighted_shifted: value(&weighted, xs.view().into_dyn(), y.view().into_dyn(), None),
            softmax: value(&softmax, x.view().into_dyn(), y.view().into_dyn(), None),
            softmax_shifted: value(&softmax, xs.view().into_dyn(), y.view().into_dyn(), None),
            mean_row_sum: x
                .mapv(reweigh::math::sigmoid)
                .sum_axis(Axis(1))
                .mean()
                .expect("rows"),
        }
    }
}

/// The numbers of P-Gn's code on [`pgn_batch`] with `class_weights = [[1, 2, 3]]` (notebook 01).
#[derive(Clone, Debug, PartialEq)]
pub struct PgnOneHot {
    /// The batch's labels.
    pub labels: Array1<i64>,
    /// `weights = reduce_sum(class_weights * onehot_labels, axis=1)`.
    pub weights: ArrayD<f64>,
    /// P-Gn's loss, `reduce_mean(unweighted_losses * weights)` (the port).
    pub loss: f64,
    /// `SoftmaxCrossEntropy::keras()` with `weights` as sample weights.
    pub keras: f64,
    /// `SoftmaxCrossEntropy::tf1()` with `weights` (`tf.losses.softmax_cross_entropy`).
    pub tf1: f64,
    /// PyTorch's `CrossEntropyLoss(weight=[1, 2, 3])`.
    pub torch: f64,
}

impl PgnOneHot {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let b = pgn_batch();
        let (x, onehot) = (&b.logits, b.one_hot());
        let cw = array![[1.0, 2.0, 3.0]].into_dyn();
        let weights =
            pgn_true_label_weights(cw.view(), &onehot).expect("(1, 3) times (6, 3) broadcasts");
        let loss = pgn_loss(&onehot, x, weights.view())
            .expect("(6,) times (6,) broadcasts")
            .loss;
        let weighted = |l: &SoftmaxCrossEntropy<f64>| {
            value(
                l,
                x.view().into_dyn(),
                onehot.view().into_dyn(),
                Some(weights.view()),
            )
        };
        let keras = weighted(&SoftmaxCrossEntropy::keras());
        let tf1 = weighted(&SoftmaxCrossEntropy::tf1());
        let torch = value(
            &SparseSoftmaxCrossEntropy::<f64>::pytorch().class_weights(array![1.0, 2.0, 3.0]),
            x.view().into_dyn(),
            b.labels.view().into_dyn(),
            None,
        );
        PgnOneHot {
            labels: b.labels.clone(),
            weights,
            loss,
            keras,
            tf1,
            torch,
        }
    }
}

/// The numbers of P-Gn's "weights = class_weights" variant on [`pgn_batch`] (notebook 01).
#[derive(Clone, Debug, PartialEq)]
pub struct PgnEstimated {
    /// P-Gn's code on the batch of 6 with `weights = class_weights`: its loss, or what it raises.
    pub loss_6: Result<f64, Raised>,
    /// The columns of `unweighted_losses * class_weights` on the first 3 samples.
    pub columns_3: usize,
    /// P-Gn's loss on the first 3 samples.
    pub loss_3: f64,
    /// `Σ w[argmax x_i]·l_i / N` on the first 3 samples (`weight_by_predicted`).
    pub intended_3: f64,
    /// The same on the batch of 6.
    pub intended_6: f64,
}

impl PgnEstimated {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let b = pgn_batch();
        let (x, y, onehot) = (&b.logits, &b.labels, b.one_hot());
        let cw = array![[1.0, 2.0, 3.0]].into_dyn();
        let loss_6 = pgn_loss(&onehot, x, cw.view()).map(|l| l.loss);
        // A batch of N = C = 3: the product broadcasts to (1, 3).
        let (x3, y3, o3) = (
            x.slice(s![..3, ..]),
            y.slice(s![..3]),
            onehot.slice(s![..3, ..]),
        );
        let three = pgn_loss(o3.into_dyn(), x3.into_dyn(), cw.view()).expect("(3,) × (1, 3)");
        let by_predicted = SparseSoftmaxCrossEntropy::<f64>::keras()
            .class_weights(array![1.0, 2.0, 3.0])
            .weight_by_predicted(true);
        PgnEstimated {
            loss_6,
            columns_3: three.weighted_losses.shape()[1],
            loss_3: three.loss,
            intended_3: value(&by_predicted, x3.into_dyn(), y3.into_dyn(), None),
            intended_6: value(
                &by_predicted,
                x.view().into_dyn(),
                y.view().into_dyn(),
                None,
            ),
        }
    }
}

/// The numbers of P-Gn's full `(num_samples, num_classes)` weight tensor on [`pgn_batch`],
/// `weights[i] = M[y_i]` for the cost matrix `M[true, predicted]` (notebook 01).
#[derive(Clone, Debug, PartialEq)]
pub struct PgnFullTensor {
    /// P-Gn's code with the full tensor: its loss, or what it raises.
    pub loss_6: Result<f64, Raised>,
    /// `CostMatrixCrossEntropy` (logits), mean: `M[y_i, argmax x_i]·l_i / N`.
    pub intended: f64,
}

impl PgnFullTensor {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let b = pgn_batch();
        let (x, onehot) = (&b.logits, b.one_hot());
        let cost = data::mat("t000.pgn_full.cost_matrix");
        let rows: Vec<usize> = b.labels.iter().map(|&l| l as usize).collect();
        let full: Array2<f64> = cost.select(Axis(0), &rows);
        let loss_6 = pgn_loss(&onehot, x, &full).map(|l| l.loss);
        let matrix = CostMatrixCrossEntropy::matrix(cost).from_logits(true);
        PgnFullTensor {
            loss_6,
            intended: value(&matrix, x.view().into_dyn(), onehot.view().into_dyn(), None),
        }
    }
}

/// The numbers of DankMasterDan's sparse example on [`sparse_batch`] with
/// [`sparse_class_weights`] (notebook 01).
#[derive(Clone, Debug, PartialEq)]
pub struct SparseTf1 {
    /// The batch's labels.
    pub labels: Array1<i64>,
    /// `weights = tf.gather(class_weights, labels)`.
    pub weights: Array1<f64>,
    /// `tf.losses.sparse_softmax_cross_entropy(labels, logits, weights)`: TF1's default reduction.
    pub tf1: f64,
    /// The dense form: `SoftmaxCrossEntropy::tf1()` on one-hot labels with the same weights.
    pub dense_tf1: f64,
    /// `Σ w·l / Σ w` (TF1's `Reduction.MEAN`).
    pub weighted_mean: f64,
    /// PyTorch's `CrossEntropyLoss(weight=class_weights)`.
    pub torch: f64,
}

impl SparseTf1 {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let b = sparse_batch();
        let (x, y) = (&b.logits, &b.labels);
        let cw = sparse_class_weights();
        let weights: Array1<f64> = y.mapv(|l| cw[l as usize]);
        let tf1 = value(
            &SparseSoftmaxCrossEntropy::<f64>::tf1().class_weights(cw.clone()),
            x.view().into_dyn(),
            y.view().into_dyn(),
            None,
        );
        let dense_tf1 = value(
            &SoftmaxCrossEntropy::<f64>::tf1(),
            x.view().into_dyn(),
            b.one_hot().view().into_dyn(),
            Some(weights.view().into_dyn()),
        );
        let weighted_mean = value(
            &SparseSoftmaxCrossEntropy::<f64>::new().reduction(Reduction::WeightedMean),
            x.view().into_dyn(),
            y.view().into_dyn(),
            Some(weights.view().into_dyn()),
        );
        let torch = value(
            &SparseSoftmaxCrossEntropy::<f64>::pytorch().class_weights(cw),
            x.view().into_dyn(),
            y.view().into_dyn(),
            None,
        );
        SparseTf1 {
            labels: y.clone(),
            weights,
            tf1,
            dense_tf1,
            weighted_mean,
            torch,
        }
    }
}

/// The question's arithmetic (registry entry): [`judge::counts_guess`] of [`CountsWeights`].
pub fn counts_guess() -> Claim {
    judge::counts_guess(&CountsWeights::compute())
}

/// P-Gn's inverse-frequency weights (registry entry): [`judge::inverse_frequency`] of
/// [`CountsWeights`].
pub fn inverse_frequency() -> Claim {
    judge::inverse_frequency(&CountsWeights::compute())
}

/// P-Gn's sigmoid-versus-softmax point (registry entry): [`judge::sigmoid_not_softmax`] of
/// [`SigmoidVsSoftmax`].
pub fn sigmoid_not_softmax() -> Claim {
    judge::sigmoid_not_softmax(&SigmoidVsSoftmax::compute())
}

/// P-Gn's one-hot class weights (registry entry): [`judge::class_weights_one_hot`] of
/// [`PgnOneHot`].
pub fn class_weights_one_hot() -> Claim {
    judge::class_weights_one_hot(&PgnOneHot::compute())
}

/// P-Gn's weights by the estimated label (registry entry): [`judge::weights_by_estimated_label`]
/// of [`PgnEstimated`].
pub fn weights_by_estimated_label() -> Claim {
    judge::weights_by_estimated_label(&PgnEstimated::compute())
}

/// P-Gn's full weight tensor (registry entry): [`judge::full_weight_tensor`] of
/// [`PgnFullTensor`].
pub fn full_weight_tensor() -> Claim {
    judge::full_weight_tensor(&PgnFullTensor::compute())
}

/// DankMasterDan's sparse variant (registry entry): [`judge::sparse_tf1`] of [`SparseTf1`].
pub fn sparse_tf1() -> Claim {
    judge::sparse_tf1(&SparseTf1::compute())
}

/// The TF2 port of P-Gn's code (registry entry): [`judge::tf2_port`] of [`PgnOneHot`].
pub fn tf2_port() -> Claim {
    judge::tf2_port(&PgnOneHot::compute())
}

/// The claims' checks as functions of the computed numbers (the notebook computes, the
/// ledger judges).
pub mod judge {
    use super::*;

    /// The question's arithmetic: 1616 samples, `A_weight = 198/1616 = 0.12`, and the weights
    /// `[0.12, 0.26, 0.43, 0.17]` it passes as `pos_weight`.
    pub fn counts_guess(n: &super::CountsWeights) -> Claim {
        let (total, freq) = (n.total, &n.frequencies);
        let mut b = Claim::for_entry(
            super::entry::counts_guess,
            "Sergiodiaz53 (question)",
            "I have A (198 samples), B (436 samples), C (710 samples), D (272 samples) … Total \
             samples: 1616. A_weight: 198/1616 = 0.12? The idea behind, if I understood, is penalize \
             the errors of the majority class and value more positively the hits in the minority \
             one, right? weights = tf.constant([0.12, 0.26, 0.43, 0.17])",
        )
        .input("counts", "A 198, B 436, C 710, D 272 (the question's)")
        .input(
            "weights",
            "[0.12, 0.26, 0.43, 0.17] (the question's pos_weight)",
        )
        .equal(
            "total samples",
            Number::reweigh("198 + 436 + 710 + 272", total),
            Number::thread("total samples (question)", 1616.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .equal(
            "A_weight = 198/1616 to two decimals",
            Number::reweigh("198/1616", freq[0]),
            Number::thread("A_weight (question)", 0.12),
            Tolerance::abs(0.005),
            Verdict::Refuted,
        );
        for (i, name) in ["A", "B", "C", "D"].iter().enumerate() {
            b = b.equal(
                format!("the question's weight of {name} is its frequency n_c/n (to ±0.01)"),
                Number::reweigh(format!("n_{name}/n"), freq[i]),
                Number::thread(format!("weight of {name} (question)"), QUESTION_WEIGHTS[i]),
                Tolerance::abs(0.01),
                Verdict::ReproducedWithCaveat,
            );
        }
        b.check(Check::new(
            "weights meant to favour the minority: A (198 samples) should weigh more than C (710)",
            Number::thread("weight of A (question)", QUESTION_WEIGHTS[0]),
            Relation::Greater,
            Number::thread("weight of C (question)", QUESTION_WEIGHTS[2]),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        ))
        .note(format!(
            "The arithmetic holds: 198/1616 = {}. But the four weights are the class frequencies \
             n_c/n (they sum to {}), which grow with the class: C, the majority class, would weigh {} \
             times A. Weights that favour the minority are inversely proportional to the counts \
             (000-inverse-frequency). B and C are truncated rather than rounded ({} and {}).",
            fmt_num(freq[0]),
            fmt_num(QUESTION_WEIGHTS.iter().sum()),
            fmt_num(QUESTION_WEIGHTS[2] / QUESTION_WEIGHTS[0]),
            fmt_num(freq[1]),
            fmt_num(freq[2]),
        ))
        .figure("weights_per_scheme.svg")
        .build()
    }

    /// P-Gn: class weights inversely proportional to the class frequencies, normalised to sum to
    /// one or to the number of classes.
    pub fn inverse_frequency(n: &super::CountsWeights) -> Claim {
        let (sum1, sum_c, balanced, effective) =
            (&n.sum1, &n.sum_c, &n.balanced, &n.effective_number);
        let sk = data::arr1("t000.counts.sklearn_balanced");
        let (m1, m_c) = (n.mean_sample_weight_sum1, n.mean_sample_weight_sum_c);
        let (ratio_keras, ratio_torch) = (n.loss_ratio_keras, n.loss_ratio_torch);
        Claim::for_entry(
            super::entry::inverse_frequency,
            "P-Gn (answer)",
            "In your case, where you need to tackle data imbalance, the class weights could indeed be \
             inversely proportional to their frequency in your train data. Normalizing them so that \
             they sum up to one or to the number of classes also makes sense.",
        )
        .input("counts", "198, 436, 710, 272")
        .numbers(
            sum1.iter()
                .enumerate()
                .map(|(i, &w)| Number::reweigh(format!("n/n_c summing to 1, class {i}"), w)),
        )
        .numbers(
            sum_c
                .iter()
                .enumerate()
                .map(|(i, &w)| Number::reweigh(format!("n/n_c summing to C, class {i}"), w)),
        )
        .equal(
            "weights summing to 1",
            Number::reweigh("Σ w (sum-1)", sum1.sum()),
            Number::thread("one", 1.0),
            Tolerance::abs(1e-12),
            Verdict::Refuted,
        )
        .equal(
            "weights summing to C",
            Number::reweigh("Σ w (sum-C)", sum_c.sum()),
            Number::thread("number of classes", 4.0),
            Tolerance::abs(1e-12),
            Verdict::Refuted,
        )
        .equal(
            "largest weight on the smallest class (A): index of the maximum",
            Number::reweigh(
                "argmax of the weights",
                sum1.iter()
                    .enumerate()
                    .fold((0, f64::MIN), |a, (i, &w)| if w > a.1 { (i, w) } else { a })
                    .0 as f64,
            ),
            Number::reweigh("index of the smallest class", 0.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .equals_framework_within(
            "reweigh's balanced weights = scikit-learn's, class A",
            Number::reweigh("balanced, class A", balanced[0]),
            Number::new("compute_class_weight('balanced'), class A", sk[0], fw("sklearn")),
            Tolerance::rel(1e-12),
        )
        .equal(
            "sum-C weights are scikit-learn's balanced weights times a constant (class D / class A ratio)",
            Number::reweigh("w_D / w_A (sum-C)", sum_c[3] / sum_c[0]),
            Number::new("w_D / w_A (sklearn balanced)", sk[3] / sk[0], fw("sklearn")),
            Tolerance::rel(1e-12),
            Verdict::Refuted,
        )
        .equal(
            "PyTorch's weighted mean is unchanged by the normalisation (loss ratio sum-C / sum-1)",
            Number::reweigh("CrossEntropyLoss(weight) ratio", ratio_torch),
            Number::reweigh("one", 1.0),
            Tolerance::rel(1e-12),
            Verdict::Refuted,
        )
        .equal(
            "Keras's default reduction is unchanged by the normalisation (loss ratio sum-C / sum-1)",
            Number::reweigh("sum_over_batch_size ratio", ratio_keras),
            Number::reweigh("one", 1.0),
            Tolerance::rel(1e-12),
            Verdict::ReproducedWithCaveat,
        )
        .number(Number::reweigh("mean sample weight, sum-1 weights", m1))
        .number(Number::reweigh("mean sample weight, sum-C weights", m_c))
        .numbers(effective.iter().enumerate().map(|(i, &w)| {
            Number::reweigh(format!("effective number (β = 0.999), class {i}"), w)
        }))
        .note(format!(
            "Inverse frequencies n/n_c rescaled to sum 1 are {}; to sum C = 4 they are {}, \
             proportional to scikit-learn's 'balanced' weights n/(C·n_c) ({}). The choice of \
             normalisation is not neutral: Keras (and TF1 losses with sample weights) divide Σ w·l by \
             the batch size, so the sum-C weights give a loss, and a gradient, {} times larger than the \
             sum-1 weights, a change of learning rate. PyTorch's weighted mean Σ w·l / Σ w cancels \
             it. Over this data set the mean sample weight is {} with sum-1 weights and {} with \
             sum-C; 'balanced' keeps it at exactly 1. Cui et al.'s effective-number weights \
             (summing to C) soften inverse frequency for large classes: {} with β = 0.999.",
            fmt_list(sum1.iter().copied()),
            fmt_list(sum_c.iter().copied()),
            fmt_list(sk.iter().copied()),
            fmt_num(ratio_keras),
            fmt_num(m1),
            fmt_num(m_c),
            fmt_list(effective.iter().copied()),
        ))
        .figure("weights_per_scheme.svg")
        .figure("effective_number.svg")
        .build()
    }

    /// P-Gn: `weighted_cross_entropy_with_logits` is the weighted *sigmoid* cross-entropy, one
    /// binary decision per output, not a loss for mutually exclusive classes.
    pub fn sigmoid_not_softmax(n: &super::SigmoidVsSoftmax) -> Claim {
        let p = "t000.sigmoid_vs_softmax";
        let (shift, w0, w1) = (n.shift, n.weighted, n.weighted_shifted);
        let (s0, s1, mean_row_sum) = (n.softmax, n.softmax_shifted, n.mean_row_sum);
        Claim::for_entry(
            super::entry::sigmoid_not_softmax,
            "P-Gn (answer)",
            "Note that weighted_cross_entropy_with_logits is the weighted variant of \
             sigmoid_cross_entropy_with_logits. Sigmoid cross entropy is typically used for binary \
             classification. … In mutually exclusive multilabel classification, we use \
             softmax_cross_entropy_with_logits, which behaves differently: each output channel \
             corresponds to the score of a class candidate. The decision comes after, by comparing \
             the respective outputs of each channel.",
        )
        .input("logits", "8×4, 2·N(0, 1), numpy default_rng(44560549) (data/ledger/reference.json)")
        .input("labels", "one-hot, 4 classes, same generator")
        .input("pos_weight", "[0.12, 0.26, 0.43, 0.17] (the question's)")
        .input("shift", format!("{} added to every logit", fmt_num(shift)))
        .equals_framework(
            "reweigh's weighted sigmoid cross-entropy = tf.nn.weighted_cross_entropy_with_logits (mean)",
            Number::reweigh("SigmoidCrossEntropy.pos_weight, mean", w0),
            fw_num(
                "reduce_mean(weighted_cross_entropy_with_logits)",
                &format!("{p}.weighted_mean"),
                "tensorflow",
            ),
        )
        .equals_framework(
            "reweigh's softmax cross-entropy = tf.nn.softmax_cross_entropy_with_logits (mean)",
            Number::reweigh("SoftmaxCrossEntropy, mean", s0),
            fw_num(
                "reduce_mean(softmax_cross_entropy_with_logits)",
                &format!("{p}.softmax_mean"),
                "tensorflow",
            ),
        )
        .equal(
            "softmax: only the comparison of the channels matters (loss unchanged when every logit is shifted)",
            Number::reweigh("softmax CE, shifted logits", s1),
            Number::reweigh("softmax CE", s0),
            Tolerance::rel(1e-12),
            Verdict::Refuted,
        )
        .differ(
            "sigmoid: every channel is its own binary decision (loss changes under the same shift)",
            Number::reweigh("weighted sigmoid CE, shifted logits", w1),
            Number::reweigh("weighted sigmoid CE", w0),
            Tolerance::rel(1e-6),
            Verdict::Refuted,
        )
        .equals_framework(
            "TensorFlow agrees on the shifted sigmoid loss",
            Number::reweigh("weighted sigmoid CE, shifted logits", w1),
            fw_num(
                "weighted_cross_entropy_with_logits, shifted",
                &format!("{p}.weighted_mean_shifted"),
                "tensorflow",
            ),
        )
        .differ(
            "the sigmoids of a row are not class probabilities (mean row sum vs 1)",
            Number::reweigh("mean over rows of Σ_c σ(x_c)", mean_row_sum),
            Number::reweigh("one", 1.0),
            Tolerance::abs(0.05),
            Verdict::Refuted,
        )
        .number(fw_raised(
            "the question's call (targets=…) raises in TF 2.21",
            &format!("{p}.question_code_tf2"),
            "tensorflow",
        ))
        .note(format!(
            "Shifting every logit by {} leaves the softmax cross-entropy at {} but moves the \
             weighted sigmoid cross-entropy from {} to {}: each output is an independent yes/no \
             decision, and its sigmoids sum to {} per row on average, not 1. pos_weight multiplies \
             only the positive term of each output's binary loss. The question's own call no longer \
             runs: {} (TF 2 renamed `targets` to `labels`).",
            fmt_num(shift),
            fmt_num(s0),
            fmt_num(w0),
            fmt_num(w1),
            fmt_num(mean_row_sum),
            data::raised_text(&format!("{p}.question_code_tf2")),
        ))
        .build()
    }

    /// P-Gn: class weights `[1, 2, 3]` gathered through `reduce_sum(class_weights * onehot_labels,
    /// axis=1)`, applied to the unweighted softmax losses, reduced by `reduce_mean`; or
    /// `tf.losses.softmax_cross_entropy` for the last three steps.
    pub fn class_weights_one_hot(n: &super::PgnOneHot) -> Claim {
        let (y, weights) = (&n.labels, &n.weights);
        let (repro, keras, tf1, torch) = (n.loss, n.keras, n.tf1, n.torch);
        Claim::for_entry(
            super::entry::class_weights_one_hot,
            "P-Gn (answer)",
            "class_weights = tf.constant([[1.0, 2.0, 3.0]]); weights = tf.reduce_sum(class_weights * \
             onehot_labels, axis=1); unweighted_losses = \
             tf.nn.softmax_cross_entropy_with_logits(onehot_labels, logits); weighted_losses = \
             unweighted_losses * weights; loss = tf.reduce_mean(weighted_losses). You could also rely \
             on tf.losses.softmax_cross_entropy to handle the last three steps.",
        )
        .input("logits", "6×3, 2·N(0, 1), numpy default_rng(3)")
        .input("labels", fmt_list(y.iter().map(|&v| v as f64)))
        .input("class_weights", "[[1, 2, 3]]")
        .number(Number::repro(
            "weights = reduce_sum(class_weights * onehot, 1)",
            weights.sum(),
        ))
        .equals_framework_within(
            "the gathered weights are the class weights of the true labels (sum over the batch)",
            Number::repro("Σ weights", weights.sum()),
            Number::new(
                "Σ weights (TF)",
                data::fs("t000.pgn.weights").iter().sum(),
                fw("tensorflow"),
            ),
            Tolerance::EXACT,
        )
        .equals_framework(
            "the answer's code, ported, = the answer's code in TensorFlow",
            Number::repro("P-Gn's loss", repro),
            fw_num("P-Gn's loss", "t000.pgn.loss", "tensorflow"),
        )
        .equal(
            "= softmax cross-entropy with these sample weights, Keras's reduction (Σ w·l / N)",
            Number::reweigh("SoftmaxCrossEntropy::keras, sample weights", keras),
            Number::repro("P-Gn's loss", repro),
            Tolerance::rel(1e-12),
            Verdict::Refuted,
        )
        .equal(
            "tf.losses.softmax_cross_entropy(onehot, logits, weights) does the last three steps",
            Number::reweigh("SoftmaxCrossEntropy::tf1, sample weights", tf1),
            fw_num(
                "tf.compat.v1.losses.softmax_cross_entropy(onehot, logits, weights)",
                "t000.pgn.tf1_losses_softmax_cross_entropy",
                "tensorflow",
            ),
            FRAMEWORK_TOL,
            Verdict::Refuted,
        )
        .equal(
            "tf.losses.softmax_cross_entropy exists in TensorFlow 2.21",
            fw_num(
                "hasattr(tf.losses, 'softmax_cross_entropy')",
                "t000.pgn.tf2_has_tf_losses_softmax_cross_entropy",
                "tensorflow",
            ),
            Number::thread("the answer calls it", 1.0),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        )
        .equals_framework(
            "PyTorch's CrossEntropyLoss(weight=[1, 2, 3]) on the same batch (Σ w·l / Σ w)",
            Number::reweigh("SparseSoftmaxCrossEntropy::pytorch", torch),
            fw_num(
                "CrossEntropyLoss(weight)",
                "t000.pgn.torch_cross_entropy_weight",
                "torch",
            ),
        )
        .note(format!(
            "The loss is Σ w[y_i]·l_i / N = {}: the weights scale each sample but the mean still \
             divides by the batch size, so the loss grows with the weights' scale. \
             tf.losses.softmax_cross_entropy (now tf.compat.v1.losses) gives the same {} because \
             its default SUM_BY_NONZERO_WEIGHTS divides by the {} non-zero weights. PyTorch's \
             CrossEntropyLoss(weight=) divides by Σ w[y_i] instead: {} on the same batch.",
            fmt_num(repro),
            fmt_num(tf1),
            weights.iter().filter(|&&w| w != 0.0).count(),
            fmt_num(torch),
        ))
        .build()
    }

    /// P-Gn: "We could also have penalized the loss based on the estimated labels by simply
    /// defining `weights = class_weights`, and the rest of the code need not change thanks to
    /// broadcasting magic."
    pub fn weights_by_estimated_label(n: &super::PgnEstimated) -> Claim {
        let raised = n.loss_6.as_ref().map_or(1.0, |_| 0.0);
        let raised_msg = n
            .loss_6
            .as_ref()
            .err()
            .map_or_else(|| "no exception".to_string(), ToString::to_string);
        let (three_columns, three_loss) = (n.columns_3 as f64, n.loss_3);
        let (intended3, intended6) = (n.intended_3, n.intended_6);
        Claim::for_entry(
            super::entry::weights_by_estimated_label,
            "P-Gn (answer)",
            "We could also have penalized the loss based on the estimated labels by simply defining \
             weights = class_weights and the rest of the code need not change thanks to broadcasting \
             magic.",
        )
        .input(
            "logits, labels",
            "the batch of 000-class-weights-one-hot (6 samples, 3 classes)",
        )
        .input("weights", "class_weights = [[1, 2, 3]], shape (1, 3)")
        .equals_framework_within(
            "the port raises where TensorFlow raises: (6,) losses × (1, 3) weights",
            Number::repro("raises, batch of 6", raised),
            fw_raised(
                "raises, batch of 6",
                "t000.pgn_estimated.n6_literal",
                "tensorflow",
            ),
            Tolerance::EXACT,
        )
        .equal(
            "the rest of the code runs unchanged (batch of 6)",
            Number::repro("raises, batch of 6", raised),
            Number::thread("raises (the answer: need not change)", 0.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .equals_framework_within(
            "with a batch of N = C = 3 it runs, with the shape TensorFlow gives (columns)",
            Number::repro(
                "columns of the product, batch of 3",
                three_columns,
            ),
            Number::new(
                "columns of the product, batch of 3",
                data::fs("t000.pgn_estimated.n3_literal_shape")[1],
                fw("tensorflow"),
            ),
            Tolerance::EXACT,
        )
        .equals_framework(
            "…and the same loss as TensorFlow",
            Number::repro("loss, batch of 3", three_loss),
            fw_num(
                "loss, batch of 3",
                "t000.pgn_estimated.n3_literal_loss",
                "tensorflow",
            ),
        )
        .equal(
            "that loss weights each sample by its estimated label",
            Number::repro("P-Gn's loss, batch of 3", three_loss),
            Number::reweigh("Σ w[argmax x_i]·l_i / N, batch of 3", intended3),
            Tolerance::rel(1e-6),
            Verdict::Refuted,
        )
        .equals_framework(
            "reweigh's weight-by-predicted-label loss = its TensorFlow formulation (batch of 6)",
            Number::reweigh("SparseSoftmaxCrossEntropy.weight_by_predicted", intended6),
            fw_num(
                "reduce_mean(losses * gather(class_weights, argmax(logits)))",
                "t000.pgn_estimated.intended_loss",
                "tensorflow",
            ),
        )
        .note(format!(
            "unweighted_losses has shape (N,) and class_weights (1, C): NumPy and TensorFlow align \
             the last axes, N against C, so the product raises ({raised_msg}) unless N = C or N = 1. \
             With N = C = 3 it runs and multiplies sample i's loss by the weight of class i, whatever \
             its prediction: {} instead of {}. Weighting by the estimated label needs the weight of \
             argmax(logits) per sample (reweigh: SparseSoftmaxCrossEntropy::weight_by_predicted), and \
             the argmax has no gradient, so it rescales the loss without teaching the model which \
             errors cost more.",
            fmt_num(three_loss),
            fmt_num(intended3),
        ))
        .build()
    }

    /// P-Gn: a full `(num_samples, num_classes)` weight tensor, "only your definition of the weight
    /// tensor need to change in the code above".
    pub fn full_weight_tensor(n: &super::PgnFullTensor) -> Claim {
        let raised = n.loss_6.as_ref().map_or(1.0, |_| 0.0);
        let intended = n.intended;
        Claim::for_entry(
            super::entry::full_weight_tensor,
            "P-Gn (answer)",
            "In the general case, you would want weights that depend on the kind of error you make. \
             … You end up with a whole prior weight matrix, which results in weights above being a \
             full (num_samples, num_classes) tensor. … only your definition of the weight tensor need \
             to change in the code above.",
        )
        .input(
            "logits, labels",
            "the batch of 000-class-weights-one-hot (6 samples, 3 classes)",
        )
        .input(
            "cost matrix",
            "M[true, predicted] = [[0.5, 2, 4], [1, 0.5, 2], [3, 1, 0.5]]; weights[i] = M[y_i] (6×3)",
        )
        .equals_framework_within(
            "the port raises where TensorFlow raises: (6,) losses × (6, 3) weights",
            Number::repro("raises", raised),
            fw_raised("raises", "t000.pgn_full.n6_literal", "tensorflow"),
            Tolerance::EXACT,
        )
        .equal(
            "only the weight tensor needs to change (the code runs)",
            Number::repro("raises", raised),
            Number::thread("raises (the answer)", 0.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .equals_framework(
            "what works instead: the cost of (true, predicted) per sample, M[y_i, argmax x_i]·l_i, \
             reweigh = TensorFlow",
            Number::reweigh("CostMatrixCrossEntropy (logits), mean", intended),
            fw_num(
                "reduce_mean(losses * M[y, argmax(logits)])",
                "t000.pgn_full.intended_loss",
                "tensorflow",
            ),
        )
        .note(format!(
            "A (N, C) tensor times the (N,) per-sample losses raises ({}) unless N = C, and then \
             multiplies sample i by column i. A per-sample cross-entropy has one number per sample, so \
             a cost that depends on the (true, predicted) pair must be reduced to one weight per \
             sample first, e.g. M[y_i, argmax x_i] as keras-team/keras#2115 does (thread 001): {} on \
             this batch.",
            data::raised_text("t000.pgn_full.n6_literal"),
            fmt_num(intended),
        ))
        .build()
    }

    /// DankMasterDan: `tf.losses.sparse_softmax_cross_entropy(labels, logits, weights)` with
    /// `weights = tf.gather(class_weights, labels)`, `np.random.seed(123)`.
    pub fn sparse_tf1(n: &super::SparseTf1) -> Claim {
        let p = "t000.sparse";
        let (y, sw) = (&n.labels, &n.weights);
        let (tf1, dense_tf1) = (n.tf1, n.dense_tf1);
        let (weighted_mean, torch) = (n.weighted_mean, n.torch);
        Claim::for_entry(
            super::entry::sparse_tf1,
            "DankMasterDan (answer)",
            "See this answer for an alternate solution which works with sparse_softmax_cross_entropy: \
             np.random.seed(123) … class_weights = tf.constant([0.3, 0.1, 0.2, 0.3, 0.1]); weights = \
             tf.gather(class_weights, labels); tf.losses.sparse_softmax_cross_entropy(labels, logits, \
             weights).eval()",
        )
        .input(
            "logits",
            "np.random.seed(123); np.random.randint(0, 10, 30).reshape(6, 5)",
        )
        .input("labels", fmt_list(y.iter().map(|&v| v as f64)))
        .input("class_weights", "[0.3, 0.1, 0.2, 0.3, 0.1]")
        .number(Number::reweigh(
            "weights = gather(class_weights, labels), sum",
            sw.sum(),
        ))
        .equals_framework(
            "reweigh (TF1 preset, class weights gathered by the labels) = TF1's default reduction",
            Number::reweigh("SparseSoftmaxCrossEntropy::tf1().class_weights", tf1),
            fw_num(
                "tf.compat.v1.losses.sparse_softmax_cross_entropy(labels, logits, weights)",
                &format!("{p}.tf1_default"),
                "tensorflow",
            ),
        )
        .equal(
            "the sparse form equals the dense one-hot form with the same weights",
            Number::reweigh(
                "SoftmaxCrossEntropy::tf1, one-hot labels, weights",
                dense_tf1,
            ),
            Number::reweigh("SparseSoftmaxCrossEntropy::tf1, class weights", tf1),
            Tolerance::rel(1e-6),
            Verdict::Refuted,
        )
        .equal(
            "tf.InteractiveSession exists in TensorFlow 2.21",
            fw_num(
                "hasattr(tf, 'InteractiveSession')",
                &format!("{p}.tf2_has_interactive_session"),
                "tensorflow",
            ),
            Number::thread("the answer uses it", 1.0),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        )
        .equal(
            "tf.losses.sparse_softmax_cross_entropy exists in TensorFlow 2.21",
            fw_num(
                "hasattr(tf.losses, 'sparse_softmax_cross_entropy')",
                &format!("{p}.tf2_has_tf_losses_sparse_softmax_cross_entropy"),
                "tensorflow",
            ),
            Number::thread("the answer calls it", 1.0),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        )
        .equals_framework(
            "Σ w·l / Σ w (TF1 Reduction.MEAN) for comparison",
            Number::reweigh("weighted mean", weighted_mean),
            fw_num(
                "tf.compat.v1 … reduction=MEAN",
                &format!("{p}.tf1_mean"),
                "tensorflow",
            ),
        )
        .equals_framework(
            "PyTorch's CrossEntropyLoss(weight=class_weights) is that weighted mean",
            Number::reweigh("SparseSoftmaxCrossEntropy::pytorch", torch),
            fw_num(
                "CrossEntropyLoss(weight)",
                &format!("{p}.torch_weight"),
                "torch",
            ),
        )
        .note(format!(
            "TF1's default SUM_BY_NONZERO_WEIGHTS divides Σ w·l by the number of non-zero weights \
             (6), giving {}; the same weights as a weighted mean Σ w·l / Σ w give {} (TF1 MEAN, \
             PyTorch's CrossEntropyLoss(weight=)), {} times more. The snippet itself is TensorFlow 1: \
             on 2.21 it needs tf.compat.v1 for both InteractiveSession and the loss.",
            fmt_num(tf1),
            fmt_num(weighted_mean),
            fmt_num(weighted_mean / tf1),
        ))
        .build()
    }

    /// Tensorflow Support: the TF2 port of P-Gn's code.
    pub fn tf2_port(n: &super::PgnOneHot) -> Claim {
        let repro = n.loss;
        Claim::for_entry(
            super::entry::tf2_port,
            "Tensorflow Support (answer)",
            "Tensorflow 2.0 Compatible Answer: Migrating the Code specified in P-Gn's Answer to 2.0, \
             for the benefit of the community. (class_weights = tf.compat.v2.constant([[1.0, 2.0, \
             3.0]]) … unweighted_losses = tf.compat.v2.nn.softmax_cross_entropy_with_logits(\
             onehot_labels, logits) … loss = tf.reduce_mean(weighted_losses))",
        )
        .input(
            "logits, labels",
            "the batch of 000-class-weights-one-hot (6 samples, 3 classes)",
        )
        .equal(
            "the TF2 port gives P-Gn's loss (TensorFlow 2.21)",
            fw_num("TF2 port", "t000.pgn.tf2_port_loss", "tensorflow"),
            fw_num("P-Gn's code", "t000.pgn.loss", "tensorflow"),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .equals_framework(
            "…and reweigh's port of the code",
            Number::repro("P-Gn's loss", repro),
            fw_num("TF2 port", "t000.pgn.tf2_port_loss", "tensorflow"),
        )
        .note(
            "The port renames the calls (tf.compat.v2.*) and changes nothing else, so it inherits the \
             answer's semantics: Σ w[y_i]·l_i / N, and the broadcasting problems of the \
             estimated-label and full-tensor variants (000-weights-by-estimated-label, \
             000-full-weight-tensor). It runs on TensorFlow 2.21.",
        )
        .build()
    }
}
