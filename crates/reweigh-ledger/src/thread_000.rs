//! Thread 000, "Unbalanced data and weighted cross entropy" (Stack Overflow 44560549): class
//! counts 198/436/710/272, `weighted_cross_entropy_with_logits` against softmax cross-entropy
//! with class weights, P-Gn's weighting code and its variants, DankMasterDan's sparse answer and
//! the TF2 port.

use super::claim::{Check, Claim, FRAMEWORK_TOL, Number, Relation, Tolerance, Verdict};
use super::data::{self, fw};
use super::threads::THREAD_000;
use super::util::{fw_num, fw_raised, labels, one_hot, scalar};
use crate::repro::{pgn_loss, pgn_true_label_weights};
use ndarray::{Array1, Array2, ArrayD, Axis, array, s};
use reweigh::format::{fmt_list, fmt_num};
use reweigh::losses::{
    CostMatrixCrossEntropy, SigmoidCrossEntropy, SoftmaxCrossEntropy, SparseSoftmaxCrossEntropy,
};
use reweigh::schemes::{ClassCounts, Normalization, Scheme, inverse_frequency_weights, normalize};
use reweigh::{Framework, Reduction};

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

/// The question's arithmetic: 1616 samples, `A_weight = 198/1616 = 0.12`, and the weights
/// `[0.12, 0.26, 0.43, 0.17]` it passes as `pos_weight`.
pub fn counts_guess() -> Claim {
    let total: f64 = COUNTS.iter().sum();
    let freq: Vec<f64> = COUNTS.iter().map(|c| c / total).collect();
    let mut b = Claim::for_entry(
        entry::counts_guess,
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
pub fn inverse_frequency() -> Claim {
    let counts = ClassCounts::from_counts(&COUNTS).expect("valid counts");
    let n = counts.to_array::<f64>();
    let inv = inverse_frequency_weights(n.view()).expect("positive counts");
    let sum1 = normalize(inv.view(), n.view(), Normalization::Sum1).expect("positive weights");
    let sum_c = normalize(inv.view(), n.view(), Normalization::SumC).expect("positive weights");
    let balanced = Scheme::Balanced
        .weights::<f64>(&counts)
        .expect("positive counts")
        .into_array();
    let sk = data::arr1("t000.counts.sklearn_balanced");
    let effective = Scheme::EffectiveNumber { beta: 0.999 }
        .weights::<f64>(&counts)
        .expect("positive counts")
        .into_array();
    // The loss scale each normalisation gives: the mean sample weight over the data set, which
    // Keras's sum_over_batch_size multiplies the loss (and the gradient) by; PyTorch's weighted
    // mean divides it out.
    let mean_sample_weight = |w: &Array1<f64>| (w * &n).sum() / n.sum();
    let (m1, m_c) = (mean_sample_weight(&sum1), mean_sample_weight(&sum_c));
    // A fixed batch, one sample of each class with fixed logits, under both reductions.
    let logits = array![
        [1.0, 0.5, -0.5, 0.0],
        [0.2, -0.3, 1.1, 0.4],
        [0.0, 0.0, 2.0, -1.0],
        [-0.5, 0.3, 0.1, 0.9]
    ]
    .into_dyn();
    let y = array![0_i64, 1, 2, 3].into_dyn();
    let loss = |w: &Array1<f64>, fw: Framework| {
        let l = SparseSoftmaxCrossEntropy::<f64>::new()
            .class_weights(w.clone())
            .reduction(fw.default_reducer());
        scalar(&l, logits.view(), y.view(), None)
    };
    let ratio_keras = loss(&sum_c, Framework::Keras) / loss(&sum1, Framework::Keras);
    let ratio_torch = loss(&sum_c, Framework::PyTorch) / loss(&sum1, Framework::PyTorch);
    Claim::for_entry(
        entry::inverse_frequency,
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
pub fn sigmoid_not_softmax() -> Claim {
    let p = "t000.sigmoid_vs_softmax";
    let x = data::mat(&format!("{p}.logits"));
    let y = one_hot(&data::ints(&format!("{p}.labels")), 4);
    let pw = data::arr1(&format!("{p}.pos_weight"));
    let shift = data::f(&format!("{p}.shift"));
    let mean = Framework::Keras.default_reducer(); // Σ l / n over all elements
    let weighted = SigmoidCrossEntropy::<f64>::new()
        .pos_weight(pw.clone().into_dyn())
        .reduction(mean);
    let softmax = SoftmaxCrossEntropy::<f64>::new().reduction(mean);
    let xs = &x + shift;
    let w0 = scalar(&weighted, x.view().into_dyn(), y.view().into_dyn(), None);
    let w1 = scalar(&weighted, xs.view().into_dyn(), y.view().into_dyn(), None);
    let s0 = scalar(&softmax, x.view().into_dyn(), y.view().into_dyn(), None);
    let s1 = scalar(&softmax, xs.view().into_dyn(), y.view().into_dyn(), None);
    let row_sums = x.mapv(reweigh::math::sigmoid).sum_axis(Axis(1));
    let mean_row_sum = row_sums.mean().expect("rows");
    Claim::for_entry(
        entry::sigmoid_not_softmax,
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

/// The P-Gn inputs: logits `(6, 3)`, labels and one-hot labels.
fn pgn_inputs() -> (Array2<f64>, Array1<i64>, Array2<f64>) {
    let x = data::mat("t000.pgn.logits");
    let y = labels(data::ints("t000.pgn.labels"));
    let onehot = one_hot(y.as_slice().expect("contiguous"), 3);
    (x, y, onehot)
}

/// P-Gn: class weights `[1, 2, 3]` gathered through `reduce_sum(class_weights * onehot_labels,
/// axis=1)`, applied to the unweighted softmax losses, reduced by `reduce_mean`; or
/// `tf.losses.softmax_cross_entropy` for the last three steps.
pub fn class_weights_one_hot() -> Claim {
    let (x, y, onehot) = pgn_inputs();
    let cw = array![[1.0, 2.0, 3.0]].into_dyn();
    let weights = pgn_true_label_weights(cw.view(), onehot.view().into_dyn())
        .expect("(1, 3) times (6, 3) broadcasts");
    let repro = pgn_loss(
        onehot.view().into_dyn(),
        x.view().into_dyn(),
        weights.view(),
    )
    .expect("(6,) times (6,) broadcasts")
    .loss;
    let keras = scalar(
        &SoftmaxCrossEntropy::<f64>::keras(),
        x.view().into_dyn(),
        onehot.view().into_dyn(),
        Some(weights.view()),
    );
    let tf1 = scalar(
        &SoftmaxCrossEntropy::<f64>::tf1(),
        x.view().into_dyn(),
        onehot.view().into_dyn(),
        Some(weights.view()),
    );
    let torch = scalar(
        &SparseSoftmaxCrossEntropy::<f64>::pytorch().class_weights(array![1.0, 2.0, 3.0]),
        x.view().into_dyn(),
        y.view().into_dyn(),
        None,
    );
    Claim::for_entry(
        entry::class_weights_one_hot,
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
pub fn weights_by_estimated_label() -> Claim {
    let (x, y, onehot) = pgn_inputs();
    let cw = array![[1.0, 2.0, 3.0]].into_dyn();
    let six = pgn_loss(onehot.view().into_dyn(), x.view().into_dyn(), cw.view());
    let raised = six.as_ref().map_or(1.0, |_| 0.0);
    let raised_msg = six
        .as_ref()
        .err()
        .map_or_else(|| "no exception".to_string(), ToString::to_string);
    // A batch of N = C = 3: the product broadcasts to (1, 3).
    let (x3, y3, o3) = (
        x.slice(s![..3, ..]),
        y.slice(s![..3]),
        onehot.slice(s![..3, ..]),
    );
    let three = pgn_loss(o3.into_dyn(), x3.into_dyn(), cw.view()).expect("(3,) × (1, 3)");
    let by_predicted = |xv: ndarray::ArrayView2<'_, f64>, yv: ndarray::ArrayView1<'_, i64>| {
        let l = SparseSoftmaxCrossEntropy::<f64>::keras()
            .class_weights(array![1.0, 2.0, 3.0])
            .weight_by_predicted(true);
        scalar(&l, xv.into_dyn(), yv.into_dyn(), None)
    };
    let intended3 = by_predicted(x3, y3);
    let intended6 = by_predicted(x.view(), y.view());
    Claim::for_entry(
        entry::weights_by_estimated_label,
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
            three.weighted_losses.shape()[1] as f64,
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
        Number::repro("loss, batch of 3", three.loss),
        fw_num(
            "loss, batch of 3",
            "t000.pgn_estimated.n3_literal_loss",
            "tensorflow",
        ),
    )
    .equal(
        "that loss weights each sample by its estimated label",
        Number::repro("P-Gn's loss, batch of 3", three.loss),
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
        fmt_num(three.loss),
        fmt_num(intended3),
    ))
    .build()
}

/// P-Gn: a full `(num_samples, num_classes)` weight tensor, "only your definition of the weight
/// tensor need to change in the code above".
pub fn full_weight_tensor() -> Claim {
    let (x, y, onehot) = pgn_inputs();
    let cost = data::mat("t000.pgn_full.cost_matrix");
    let rows: Vec<usize> = y.iter().map(|&l| l as usize).collect();
    let full: Array2<f64> = cost.select(Axis(0), &rows);
    let six = pgn_loss(
        onehot.view().into_dyn(),
        x.view().into_dyn(),
        full.view().into_dyn(),
    );
    let raised = six.as_ref().map_or(1.0, |_| 0.0);
    let matrix = CostMatrixCrossEntropy::matrix(cost.clone()).from_logits(true);
    let intended = scalar(&matrix, x.view().into_dyn(), onehot.view().into_dyn(), None);
    Claim::for_entry(
        entry::full_weight_tensor,
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
pub fn sparse_tf1() -> Claim {
    let p = "t000.sparse";
    let x = data::mat(&format!("{p}.logits"));
    let y = labels(data::ints(&format!("{p}.labels")));
    let cw: Array1<f64> = data::arr1(&format!("{p}.class_weights"));
    let sw: ArrayD<f64> = y.mapv(|l| cw[l as usize]).into_dyn();
    let tf1 = scalar(
        &SparseSoftmaxCrossEntropy::<f64>::tf1().class_weights(cw.clone()),
        x.view().into_dyn(),
        y.view().into_dyn(),
        None,
    );
    let dense_tf1 = scalar(
        &SoftmaxCrossEntropy::<f64>::tf1(),
        x.view().into_dyn(),
        one_hot(y.as_slice().expect("contiguous"), 5)
            .view()
            .into_dyn(),
        Some(sw.view()),
    );
    let weighted_mean = scalar(
        &SparseSoftmaxCrossEntropy::<f64>::new().reduction(Reduction::WeightedMean),
        x.view().into_dyn(),
        y.view().into_dyn(),
        Some(sw.view()),
    );
    let torch = scalar(
        &SparseSoftmaxCrossEntropy::<f64>::pytorch().class_weights(cw.clone()),
        x.view().into_dyn(),
        y.view().into_dyn(),
        None,
    );
    Claim::for_entry(
        entry::sparse_tf1,
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
pub fn tf2_port() -> Claim {
    let (x, _y, onehot) = pgn_inputs();
    let cw = array![[1.0, 2.0, 3.0]].into_dyn();
    let weights = pgn_true_label_weights(cw.view(), onehot.view().into_dyn()).expect("broadcasts");
    let repro = pgn_loss(
        onehot.view().into_dyn(),
        x.view().into_dyn(),
        weights.view(),
    )
    .expect("broadcasts")
    .loss;
    Claim::for_entry(
        entry::tf2_port,
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
