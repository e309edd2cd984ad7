//! Thread 001, "How to set class weights for imbalanced classes in Keras?": `class_weight`
//! dicts, scikit-learn's balanced weights, one-hot and multi-label targets, the log-smoothed
//! `create_class_weight`, `class_weight='auto'`, `n_total/n_class`, the cost-matrix cross-entropy
//! of keras-team/keras#2115, `max/count` weights and temporal sample weights.

use super::claim::{Check, Claim, Number, Relation, Tolerance, Verdict};
use super::data::{self, fw};
use super::thread_000::Batch;
use super::threads::THREAD_001;
use super::util::{fw_num, fw_raised, labels, one_hot};
use crate::repro::{
    ArgOrder, InitArgs, Python, Raised, counter_class_weight, create_class_weight, final_mask,
    w_categorical_crossentropy, w_categorical_crossentropy_cast,
    weighted_categorical_crossentropy_class,
};
use ndarray::{Array1, Array2, ArrayD, ArrayViewD, Axis, IxDyn};
use reweigh::format::{fmt_list, fmt_num};
use reweigh::losses::{CostMatrixCrossEntropy, SparseSoftmaxCrossEntropy};
use reweigh::schemes::{
    ClassCounts, Scheme, balanced_weights, inverse_frequency_weights, log_smoothed_weights,
    max_over_count_weights,
};
use reweigh::{Loss, Reduction};
use reweigh_train::ClassWeight;
use std::collections::BTreeMap;

claims! {
    THREAD_001;
    "001-class-weight-50" => class_weight_50,
    "001-sklearn-balanced" => sklearn_balanced,
    "001-dict-conversion" => dict_conversion,
    "001-one-hot-argmax" => one_hot_argmax,
    "001-multilabel-sample-weight" => multilabel_sample_weight,
    "001-create-class-weight" => create_class_weight_claim,
    "001-log-smoothed-floor" => log_smoothed_floor,
    "001-class-weight-auto" => class_weight_auto,
    "001-any-string-no-effect" => any_string_no_effect,
    "001-n-total-over-n-class" => n_total_over_n_class,
    "001-cost-matrix" => cost_matrix,
    "001-max-over-count" => max_over_count,
    "001-temporal-weights" => temporal_weights,
    "001-dict-has-no-shape" => dict_has_no_shape,
}

/// ncasas: "you can pass any random string as class_weight and it will have no effect".
pub fn any_string_no_effect() -> Claim {
    let p = "t001.auto";
    Claim::for_entry(
        entry::any_string_no_effect,
        "ncasas (comment, translated)",
        "As specified in the Keras issue above, you can pass any random string as class_weight \
         and it will have no effect. So this answer is not correct.",
    )
    .input("class_weight", "'xyzzy'")
    .equal(
        "fit(class_weight=<any string>) runs without effect (Keras 3)",
        fw_raised(
            "fit(class_weight='xyzzy') raises",
            &format!("{p}.keras_fit_random_string"),
            "keras",
        ),
        Number::thread("raises (the comment: no effect)", 0.0),
        Tolerance::EXACT,
        Verdict::Differs,
    )
    .note(format!(
        "The comment (and the Keras issue it cites) report that old Keras silently ignored a \
         string. Keras 3 calls class_weight.get(...) on it and fails: {}.",
        data::raised_text(&format!("{p}.keras_fit_random_string")),
    ))
    .build()
}

/// Flávio Filho's comment: "For me it gives an error: dict has no attribute shape".
pub fn dict_has_no_shape() -> Claim {
    Claim::for_entry(
        entry::dict_has_no_shape,
        "Flávio Filho (comment, translated)",
        "For me it gives an error: dict has no attribute shape.",
    )
    .cannot_check(
        "the comment gives no code, Keras version or traceback to run; Keras 3.15 accepts a dict \
         class_weight (001-dict-conversion), and a dict passed as sample_weight (which needs an \
         array's .shape) is one guess among several",
    )
    .build()
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

/// The 12×3 batch of the first answer's `class_weight = {0: 1., 1: 50., 2: 2.}`: `1.5·N(0, 1)`
/// logits and labels drawn with numpy's `default_rng(1)` (`data/ledger/reference.json`).
pub fn class_weight_50_batch() -> Batch {
    Batch::recorded("t001.class_weight_50")
}

/// The numbers of the first answer, `class_weight = {0: 1., 1: 50., 2: 2.}` on
/// [`class_weight_50_batch`]: weighted rows against rows repeated `class_weight[y]` times
/// (what notebook 02 computes in its cells).
#[derive(Clone, Debug, PartialEq)]
pub struct ClassWeight50 {
    /// The batch's labels.
    pub labels: Array1<i64>,
    /// `class_weight[y]`, one per sample.
    pub sample_weights: Array1<f64>,
    /// The number of rows once each is repeated `class_weight[y]` times.
    pub duplicated_rows: usize,
    /// Keras's loss with the sample weights, `Σ w·l / N`.
    pub weighted_mean: f64,
    /// `Σ w·l`.
    pub weighted_sum: f64,
    /// Keras's loss on the duplicated rows.
    pub duplicated_mean: f64,
    /// `Σ l` over the duplicated rows.
    pub duplicated_sum: f64,
    /// `max |∇ Σ w·l − ∇ Σ l (copies summed back to their row)|`.
    pub grad_max_diff: f64,
}

/// Each row's index repeated `weights[i]` times (the rows of a data set in which every sample
/// is copied as many times as its integer weight).
pub fn duplicate_rows(weights: &Array1<f64>) -> Vec<usize> {
    weights
        .iter()
        .enumerate()
        .flat_map(|(i, &w)| std::iter::repeat_n(i, w as usize))
        .collect()
}

impl ClassWeight50 {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let b = class_weight_50_batch();
        let (x, y) = (&b.logits, &b.labels);
        let class_weight = ClassWeight::new([(0, 1.0), (1, 50.0), (2, 2.0)]);
        let sw = class_weight
            .sample_weights(y.view(), 3)
            .expect("every class has a weight");
        let reps = duplicate_rows(&sw);
        let (xd, yd) = (x.select(Axis(0), &reps), y.select(Axis(0), &reps));
        let keras = SparseSoftmaxCrossEntropy::<f64>::keras();
        let sum = SparseSoftmaxCrossEntropy::<f64>::new().reduction(Reduction::Sum);
        let weighted_mean = value(
            &keras,
            x.view().into_dyn(),
            y.view().into_dyn(),
            Some(sw.view().into_dyn()),
        );
        let weighted_sum = value(
            &sum,
            x.view().into_dyn(),
            y.view().into_dyn(),
            Some(sw.view().into_dyn()),
        );
        let duplicated_mean = value(&keras, xd.view().into_dyn(), yd.view().into_dyn(), None);
        let duplicated_sum = value(&sum, xd.view().into_dyn(), yd.view().into_dyn(), None);
        // Gradients of the summed losses: the weighted rows against the copies summed back.
        let gw = sum
            .forward_backward_weighted(x, y, &sw)
            .expect("valid")
            .grad
            .expect("requested");
        let gd = sum
            .forward_backward(&xd, &yd)
            .expect("valid")
            .grad
            .expect("requested");
        let mut gd_back = ArrayD::<f64>::zeros(IxDyn(x.shape()));
        for (k, &i) in reps.iter().enumerate() {
            for c in 0..3 {
                gd_back[[i, c]] += gd[[k, c]];
            }
        }
        let grad_max_diff = (&gw - &gd_back)
            .mapv(f64::abs)
            .fold(0.0, |a: f64, &b| a.max(b));
        ClassWeight50 {
            labels: y.clone(),
            sample_weights: sw,
            duplicated_rows: reps.len(),
            weighted_mean,
            weighted_sum,
            duplicated_mean,
            duplicated_sum,
            grad_max_diff,
        }
    }
}

/// The `y_train` of the scikit-learn answers: 300 labels drawn with numpy's
/// `default_rng(11).choice(3, 300, p=[0.6, 0.1, 0.3])` (`data/ledger/reference.json`).
pub fn y_train() -> Vec<i64> {
    data::ints("t001.sklearn_balanced.y_train")
}

/// The numbers of scikit-learn's `'balanced'` weights on [`y_train`], the comments' dict
/// conversion and one-hot labels (notebook 02).
#[derive(Clone, Debug, PartialEq)]
pub struct SklearnBalanced {
    /// The class counts of `y_train`.
    pub counts: Vec<f64>,
    /// `balanced_weights`, `n / (C·n_c)`.
    pub weights: Array1<f64>,
    /// The mean over `y_train` of the weight of each label.
    pub mean_sample_weight: f64,
    /// The mean of `ClassWeight::sample_weights` with `dict(enumerate(weights))`.
    pub dict_mean_sample_weight: f64,
    /// `balanced_weights` of the counts of the one-hot encoded `y_train`.
    pub one_hot_weights: Array1<f64>,
}

impl SklearnBalanced {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let y = labels(y_train());
        let counts = ClassCounts::from_labels(&y).expect("labels");
        let weights = balanced_weights(counts.to_array::<f64>().view()).expect("positive counts");
        let mean_sample_weight =
            y.iter().map(|&l| weights[l as usize]).sum::<f64>() / y.len() as f64;
        let dict = ClassWeight::new(weights.iter().enumerate().map(|(c, &v)| (c as i64, v)));
        let dict_mean_sample_weight = dict
            .sample_weights(y.view(), 3)
            .expect("every class has a weight")
            .mean()
            .expect("samples");
        let onehot = one_hot(y.as_slice().expect("contiguous"), 3);
        let from_one_hot = ClassCounts::from_one_hot(onehot.view()).expect("one-hot rows");
        let one_hot_weights =
            balanced_weights(from_one_hot.to_array::<f64>().view()).expect("counts");
        SklearnBalanced {
            counts: counts.counts().to_vec(),
            weights,
            mean_sample_weight,
            dict_mean_sample_weight,
            one_hot_weights,
        }
    }
}

/// The 4 multi-label rows over 5 labels of Aalok's question (`data/ledger/reference.json`).
pub fn multilabel_y() -> Array2<f64> {
    data::mat("t001.multilabel.y")
}

/// The numbers of `class_weight` on multi-label rows ([`multilabel_y`]) with
/// `class_weight = {0: 1, 1: 2, 2: 3, 3: 4, 4: 5}` (notebook 02).
#[derive(Clone, Debug, PartialEq)]
pub struct MultilabelWeights {
    /// The class weights, `(class, weight)`.
    pub class_weight: Vec<(i64, f64)>,
    /// The weight of each row under Keras's rule (`ClassWeight::keras`: the argmax of the row).
    pub keras_weights: Array1<f64>,
    /// Whether reweigh's strict `ClassWeight::new` rejects the rows.
    pub strict_rejects: bool,
    /// The number of positive labels in row 0.
    pub positives_row0: usize,
}

impl MultilabelWeights {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let y = multilabel_y();
        let class_weight: Vec<(i64, f64)> = data::class_map("t001.multilabel.class_weight");
        let keras_weights = ClassWeight::keras(class_weight.iter().copied())
            .sample_weights_dense(y.view(), 5)
            .expect("Keras's argmax rule accepts any row");
        let strict_rejects = ClassWeight::new(class_weight.iter().copied())
            .sample_weights_dense(y.view(), 5)
            .is_err();
        let positives_row0 = y.row(0).iter().filter(|&&v| v != 0.0).count();
        MultilabelWeights {
            class_weight,
            keras_weights,
            strict_rejects,
            positives_row0,
        }
    }
}

/// The third answer's `labels_dict = {0: 2813, 1: 78, 2: 2814, 3: 78, 4: 7914, 5: 248, 6: 7914,
/// 7: 248}`.
pub fn labels_dict() -> BTreeMap<i64, u64> {
    data::class_map("t001.create_class_weight.labels_dict")
        .into_iter()
        .map(|(k, v)| (k, v as u64))
        .collect()
}

/// The numbers of `create_class_weight(labels_dict, mu=0.15)`, its floor and colllin's
/// `n_total / n_class`, on [`labels_dict`] (notebook 02).
#[derive(Clone, Debug, PartialEq)]
pub struct LogSmoothed {
    /// The counts, `{class: count}`.
    pub labels_dict: BTreeMap<i64, u64>,
    /// `Σ counts`.
    pub total: f64,
    /// The port of the snippet run with Python 2's `dict.values()`.
    pub python2: BTreeMap<i64, f64>,
    /// The port on Python 3: its weights, or what it raises.
    pub python3: Result<BTreeMap<i64, f64>, Raised>,
    /// reweigh's `log_smoothed_weights(counts, 0.15, 1.0)`.
    pub library: Array1<f64>,
    /// `ln(μ·total/n_c)` before the floor.
    pub scores: BTreeMap<i64, f64>,
    /// colllin's `n_total / n_class`: `inverse_frequency_weights(counts)`.
    pub n_total_over_n_class: Array1<f64>,
}

impl LogSmoothed {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let d = labels_dict();
        let mu = 0.15;
        let python2 = create_class_weight(&d, mu, Python::Two).expect("Python 2 runs it");
        let python3 = create_class_weight(&d, mu, Python::Three);
        let counts: Array1<f64> = d.values().map(|&n| n as f64).collect();
        let library = log_smoothed_weights(counts.view(), mu, 1.0).expect("valid counts");
        let total: f64 = d.values().map(|&n| n as f64).sum();
        let scores = d
            .iter()
            .map(|(&k, &n)| (k, (mu * total / n as f64).ln()))
            .collect();
        let n_total_over_n_class =
            inverse_frequency_weights(counts.view()).expect("positive counts");
        LogSmoothed {
            labels_dict: d,
            total,
            python2,
            python3,
            library,
            scores,
            n_total_over_n_class,
        }
    }
}

/// The numbers of `class_weight='auto'` (notebook 02): whether reweigh's [`Scheme`] parser
/// rejects the name.
#[derive(Clone, Debug, PartialEq)]
pub struct AutoScheme {
    /// `"auto".parse::<Scheme>().is_err()`.
    pub rejected: bool,
}

impl AutoScheme {
    /// Computes it with the public API (the main job's path).
    pub fn compute() -> Self {
        AutoScheme {
            rejected: "auto".parse::<Scheme>().is_err(),
        }
    }
}

/// The inputs of the keras#2115 cost-matrix example: 8×3 probabilities (softmax of
/// `2·N(0, 1)`, numpy `default_rng(2115)`), their labels, and the cost matrix
/// `[[1, 1, 1], [1, 1, 1.2], [1, 1.2, 1]]` as TensorFlow holds it (float32, widened).
pub fn cost_matrix_inputs() -> (Array2<f64>, Vec<i64>, Array2<f64>) {
    let p = "t001.cost_matrix";
    (
        data::mat(&format!("{p}.probs")),
        data::ints(&format!("{p}.labels")),
        data::mat(&format!("{p}.weights")),
    )
}

/// The numbers of the cost-matrix cross-entropy of keras-team/keras#2115 on
/// [`cost_matrix_inputs`] (notebook 02).
#[derive(Clone, Debug, PartialEq)]
pub struct CostMatrix {
    /// The labels.
    pub labels: Vec<i64>,
    /// The cost matrix, `cost[true, predicted]`.
    pub cost: Array2<f64>,
    /// The predicted class (first argmax) of each row.
    pub predicted: Vec<usize>,
    /// The class version as written: its loss, or what it raises.
    pub class_verbatim: Result<f64, Raised>,
    /// The class version with keyword arguments.
    pub class_keywords: f64,
    /// The function version as written: its losses, or what it raises.
    pub function_verbatim: Result<Array1<f64>, Raised>,
    /// The function with the mask cast, Keras 1 argument order (the intended loss).
    pub keras1: Array1<f64>,
    /// The function with the mask cast, Keras 2+ argument order (what it computes).
    pub keras2: Array1<f64>,
    /// reweigh's `CostMatrixCrossEntropy::matrix(cost)`, reduction `none`.
    pub library: Array1<f64>,
    /// `final_mask`, the cost of each sample.
    pub mask: Array1<f64>,
}

impl CostMatrix {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let (probs, y, w) = cost_matrix_inputs();
        let y_true = one_hot(&y, 3);
        let class_verbatim = weighted_categorical_crossentropy_class(
            y_true.view(),
            probs.view(),
            w.view(),
            InitArgs::AsWritten,
        );
        let class_keywords = weighted_categorical_crossentropy_class(
            y_true.view(),
            probs.view(),
            w.view(),
            InitArgs::Keywords,
        )
        .expect("keyword arguments run");
        let function_verbatim = w_categorical_crossentropy(y_true.view(), probs.view(), w.view());
        let keras1 = w_categorical_crossentropy_cast(
            y_true.view(),
            probs.view(),
            w.view(),
            ArgOrder::Keras1,
        )
        .expect("runs");
        let keras2 = w_categorical_crossentropy_cast(
            y_true.view(),
            probs.view(),
            w.view(),
            ArgOrder::Keras2,
        )
        .expect("runs");
        let library = CostMatrixCrossEntropy::matrix(w.clone())
            .reduction(Reduction::None)
            .forward(&probs, &y_true)
            .expect("valid")
            .into_array()
            .into_dimensionality()
            .expect("one loss per sample");
        let mask = final_mask(y_true.view(), probs.view(), w.view()).expect("the thread's shapes");
        let predicted = probs
            .rows()
            .into_iter()
            .map(reweigh::math::argmax)
            .collect();
        CostMatrix {
            labels: y,
            cost: w,
            predicted,
            class_verbatim,
            class_keywords,
            function_verbatim,
            keras1,
            keras2,
            library,
            mask,
        }
    }
}

/// The numbers of the last answer's `max / count` weights from a `Counter`, on [`y_train`]
/// (notebook 02).
#[derive(Clone, Debug, PartialEq)]
pub struct MaxOverCount {
    /// The class counts.
    pub counts: Vec<f64>,
    /// The port of the snippet, `{class: max / count}`.
    pub counter: BTreeMap<i64, f64>,
    /// reweigh's `max_over_count_weights`.
    pub library: Array1<f64>,
    /// The mean over `y_train` of the snippet's weight of each label.
    pub mean_sample_weight: f64,
}

impl MaxOverCount {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let y = y_train();
        let counter = counter_class_weight(&y);
        let counts = ClassCounts::from_labels(&y).expect("labels");
        let library = max_over_count_weights(counts.to_array::<f64>().view()).expect("counts");
        let mean_sample_weight = y.iter().map(|l| counter[l]).sum::<f64>() / y.len() as f64;
        MaxOverCount {
            counts: counts.counts().to_vec(),
            counter,
            library,
            mean_sample_weight,
        }
    }
}

/// The temporal example's inputs: logits `(4, 5, 3)` (samples, timesteps, classes; numpy
/// `default_rng(3653)`), labels `(4, 5)` and sample weights `(4, 5)`, uniform on `[0, 1)`.
pub fn temporal_inputs() -> (ArrayD<f64>, Array2<i64>, Array2<f64>) {
    let p = "t001.temporal";
    let rows: Vec<f64> = data::at(&format!("{p}.logits"))
        .as_array()
        .expect("list")
        .iter()
        .flat_map(|r| r.as_array().expect("list").iter())
        .flat_map(|c| {
            c.as_array()
                .expect("list")
                .iter()
                .map(|v| v.as_f64().expect("number"))
        })
        .collect();
    let logits = ArrayD::from_shape_vec(IxDyn(&[4, 5, 3]), rows).expect("4×5×3");
    let y = data::mat(&format!("{p}.labels")).mapv(|v| v as i64);
    (logits, y, data::mat(&format!("{p}.sample_weight")))
}

/// The numbers of the temporal sample weights on [`temporal_inputs`] (notebook 02).
#[derive(Clone, Debug, PartialEq)]
pub struct TemporalWeights {
    /// `SparseSoftmaxCrossEntropy::keras()` with the `(4, 5)` sample weights.
    pub loss: f64,
}

impl TemporalWeights {
    /// Computes it with the public API (the main job's path).
    pub fn compute() -> Self {
        let (logits, y, sw) = temporal_inputs();
        TemporalWeights {
            loss: value(
                &SparseSoftmaxCrossEntropy::<f64>::keras(),
                logits.view(),
                y.view().into_dyn(),
                Some(sw.view().into_dyn()),
            ),
        }
    }
}

/// The first answer (registry entry): [`judge::class_weight_50`] of [`ClassWeight50`].
pub fn class_weight_50() -> Claim {
    judge::class_weight_50(&ClassWeight50::compute())
}

/// scikit-learn's balanced weights (registry entry): [`judge::sklearn_balanced`] of
/// [`SklearnBalanced`].
pub fn sklearn_balanced() -> Claim {
    judge::sklearn_balanced(&SklearnBalanced::compute())
}

/// C.Lee's dict conversion (registry entry): [`judge::dict_conversion`] of [`SklearnBalanced`].
pub fn dict_conversion() -> Claim {
    judge::dict_conversion(&SklearnBalanced::compute())
}

/// One-hot labels and argmax (registry entry): [`judge::one_hot_argmax`] of [`SklearnBalanced`].
pub fn one_hot_argmax() -> Claim {
    judge::one_hot_argmax(&SklearnBalanced::compute())
}

/// Multi-label rows (registry entry): [`judge::multilabel_sample_weight`] of
/// [`MultilabelWeights`].
pub fn multilabel_sample_weight() -> Claim {
    judge::multilabel_sample_weight(&MultilabelWeights::compute())
}

/// `create_class_weight` (registry entry): [`judge::create_class_weight_claim`] of
/// [`LogSmoothed`].
pub fn create_class_weight_claim() -> Claim {
    judge::create_class_weight_claim(&LogSmoothed::compute())
}

/// The floor of the log-smoothed weights (registry entry): [`judge::log_smoothed_floor`] of
/// [`LogSmoothed`].
pub fn log_smoothed_floor() -> Claim {
    judge::log_smoothed_floor(&LogSmoothed::compute())
}

/// `class_weight='auto'` (registry entry): [`judge::class_weight_auto`] of [`AutoScheme`].
pub fn class_weight_auto() -> Claim {
    judge::class_weight_auto(&AutoScheme::compute())
}

/// `n_total / n_class` (registry entry): [`judge::n_total_over_n_class`] of [`LogSmoothed`].
pub fn n_total_over_n_class() -> Claim {
    judge::n_total_over_n_class(&LogSmoothed::compute())
}

/// The keras#2115 cost matrix (registry entry): [`judge::cost_matrix`] of [`CostMatrix`].
pub fn cost_matrix() -> Claim {
    judge::cost_matrix(&CostMatrix::compute())
}

/// `max / count` weights (registry entry): [`judge::max_over_count`] of [`MaxOverCount`].
pub fn max_over_count() -> Claim {
    judge::max_over_count(&MaxOverCount::compute())
}

/// Temporal sample weights (registry entry): [`judge::temporal_weights`] of
/// [`TemporalWeights`].
pub fn temporal_weights() -> Claim {
    judge::temporal_weights(&TemporalWeights::compute())
}

/// The claims' checks as functions of the computed numbers (the notebook computes, the
/// ledger judges).
pub mod judge {
    use super::*;

    /// The first answer: `class_weight = {0: 1., 1: 50., 2: 2.}` makes the model "treat every
    /// instance of class 1 as 50 instances of class 0"; the loss "becomes a weighted average".
    pub fn class_weight_50(n: &super::ClassWeight50) -> Claim {
        let p = "t001.class_weight_50";
        let (y, sw) = (&n.labels, &n.sample_weights);
        let (weighted_mean, weighted_sum) = (n.weighted_mean, n.weighted_sum);
        let (dup_mean, dup_sum, grad_diff) = (n.duplicated_mean, n.duplicated_sum, n.grad_max_diff);
        Claim::for_entry(
            super::entry::class_weight_50,
            "layser (answer, translated from the Spanish page)",
            "In order to force your algorithm to treat every instance of class 1 as 50 instances of \
             class 0 you have to: class_weight = {0: 1., 1: 50., 2: 2.}; model.fit(X_train, Y_train, \
             nb_epoch=5, batch_size=32, class_weight=class_weight). EDIT: … in your loss function you \
             assign a higher value to these instances. Hence, the loss becomes a weighted average, \
             where the weight of each sample is specified by class_weight and its corresponding class.",
        )
        .input("logits", "12×3, 1.5·N(0, 1), numpy default_rng(1)")
        .input("labels", fmt_list(y.iter().map(|&v| v as f64)))
        .input("duplicated data", format!("each row repeated class_weight[y] times: {} rows", n.duplicated_rows))
        .equals_framework(
            "reweigh = Keras 3, weighted (SparseCategoricalCrossentropy, sample_weight = class_weight[y])",
            Number::reweigh("Σ w·l / N", weighted_mean),
            fw_num("Keras, weighted", &format!("{p}.weighted_keras"), "keras"),
        )
        .equals_framework(
            "reweigh = Keras 3, duplicated rows",
            Number::reweigh("mean over the duplicated rows", dup_mean),
            fw_num("Keras, duplicated", &format!("{p}.duplicated_keras"), "keras"),
        )
        .equal(
            "summed loss: weight 50 = 50 copies",
            Number::reweigh("Σ w·l", weighted_sum),
            Number::reweigh("Σ l over the copies", dup_sum),
            Tolerance::rel(1e-12),
            Verdict::Refuted,
        )
        .equal(
            "gradient of the summed loss: weight 50 = 50 copies (max |difference|)",
            Number::reweigh("max |∇ weighted − ∇ copies|", grad_diff),
            Number::reweigh("zero", 0.0),
            Tolerance::abs(1e-12),
            Verdict::Refuted,
        )
        .equal(
            "Keras's loss is the weighted average Σ w·l / Σ w (= the mean over the copies)",
            Number::reweigh("Keras's Σ w·l / N", weighted_mean),
            Number::reweigh("Σ w·l / Σ w", dup_mean),
            Tolerance::rel(1e-6),
            Verdict::ReproducedWithCaveat,
        )
        .equal(
            "model.fit(…, nb_epoch=5) runs in Keras 3",
            fw_raised("fit(nb_epoch=5) raises", &format!("{p}.fit_nb_epoch"), "keras"),
            Number::thread("raises (the answer's call)", 0.0),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        )
        .note(format!(
            "Summed, a weight of 50 and 50 copies are the same loss and the same gradient. But Keras \
             divides Σ w·l by the number of samples N = 12, not by Σ w = {}: its loss is {}, not the \
             weighted average {} that 50 copies would give. With Adam the loss scale mostly cancels, \
             but the copies also spread over batches (and epochs get {} times longer), so training \
             differs. nb_epoch is Keras 1: {}.",
            fmt_num(sw.sum()),
            fmt_num(weighted_mean),
            fmt_num(dup_mean),
            fmt_num(n.duplicated_rows as f64 / y.len() as f64),
            data::raised_text(&format!("{p}.fit_nb_epoch")),
        ))
        .build()
    }

    /// The second answer: scikit-learn's `compute_class_weight('balanced', np.unique(y_train),
    /// y_train)` passed to `model.fit(class_weight=...)`.
    pub fn sklearn_balanced(n: &super::SklearnBalanced) -> Claim {
        let p = "t001.sklearn_balanced";
        let (w, mean_sw) = (&n.weights, n.mean_sample_weight);
        let sk = data::fs(&format!("{p}.balanced"));
        let mut b = Claim::for_entry(
            super::entry::sklearn_balanced,
            "answer (translated from the Spanish page)",
            "You could simply implement the class_weight from sklearn: from sklearn.utils import \
             class_weight; class_weights = class_weight.compute_class_weight('balanced', \
             np.unique(y_train), y_train); model.fit(X_train, y_train, class_weight=class_weights)",
        )
        .input(
            "y_train",
            "300 labels, numpy default_rng(11).choice(3, 300, p=[0.6, 0.1, 0.3])",
        )
        .input("counts", fmt_list(n.counts.iter().copied()));
        for c in 0..3 {
            b = b.equals_framework_within(
                format!("balanced weight of class {c}: n / (C·n_c)"),
                Number::reweigh(format!("balanced_weights, class {c}"), w[c]),
                Number::new(
                    format!("compute_class_weight('balanced'), class {c}"),
                    sk[c],
                    fw("sklearn"),
                ),
                Tolerance::rel(1e-12),
            );
        }
        b.equal(
            "compute_class_weight('balanced', np.unique(y_train), y_train) runs (scikit-learn 1.9)",
            fw_raised(
                "positional call raises",
                &format!("{p}.answer_call"),
                "sklearn",
            ),
            Number::thread("raises (the answer's call)", 0.0),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        )
        .equal(
            "model.fit(class_weight=<the array>) runs (Keras 3)",
            fw_raised(
                "fit(class_weight=ndarray) raises",
                &format!("{p}.keras_fit_with_array"),
                "keras",
            ),
            Number::thread("raises (the answer's call)", 0.0),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        )
        .number(Number::reweigh(
            "mean sample weight under balanced weights",
            mean_sw,
        ))
        .note(format!(
            "'balanced' is n/(C·n_c): {} for counts {}, and the mean sample weight over the data is \
             exactly {}, so the loss keeps its scale. As written the answer fails twice today: \
             {} (classes and y are keyword-only in scikit-learn 1.9), and Keras 3 wants a dict: \
             {}.",
            fmt_list(w.iter().copied()),
            fmt_list(n.counts.iter().copied()),
            fmt_num(mean_sw),
            data::raised_text(&format!("{p}.answer_call")),
            data::raised_text(&format!("{p}.keras_fit_with_array")),
        ))
        .build()
    }

    /// C.Lee's comment: `compute_class_weight` returns an array; Keras needs
    /// `dict(enumerate(class_weights))`.
    pub fn dict_conversion(n: &super::SklearnBalanced) -> Claim {
        let p = "t001.sklearn_balanced";
        let w = &n.weights;
        Claim::for_entry(
            super::entry::dict_conversion,
            "C.Lee (comment, translated)",
            "For me, class_weight.compute_class_weight produces an array, I need to change it to a \
             dict in order to work with Keras. More specifically, after step 2, use \
             class_weight_dict = dict(enumerate(class_weight))",
        )
        .input("y_train", "as in 001-sklearn-balanced")
        .equal(
            "Keras 3 rejects the array",
            fw_raised(
                "fit(class_weight=ndarray) raises",
                &format!("{p}.keras_fit_with_array"),
                "keras",
            ),
            Number::thread("raises (the comment)", 1.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .equal(
            "Keras 3 accepts dict(enumerate(weights))",
            fw_raised(
                "fit(class_weight=dict(enumerate(w))) raises",
                &format!("{p}.keras_fit_with_dict"),
                "keras",
            ),
            Number::thread("raises (the comment's fix)", 0.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .equal(
            "the dict gives every sample its class's balanced weight (mean sample weight)",
            Number::reweigh(
                "mean of ClassWeight::sample_weights",
                n.dict_mean_sample_weight,
            ),
            Number::reweigh("one", 1.0),
            Tolerance::abs(1e-12),
            Verdict::Refuted,
        )
        .note(format!(
            "Keras 3 looks each label up with class_weight.get(label), so an array fails with {} \
             while the dict {{0: {}, 1: {}, 2: {}}} works.",
            data::raised_text(&format!("{p}.keras_fit_with_array")),
            fmt_num(w[0]),
            fmt_num(w[1]),
            fmt_num(w[2]),
        ))
        .build()
    }

    /// Lembik and tkocmathla: with one-hot `y_train` `compute_class_weight` fails; convert with
    /// `y_ints = [y.argmax() for y in y_train]`.
    pub fn one_hot_argmax(n: &super::SklearnBalanced) -> Claim {
        let p = "t001.sklearn_balanced";
        let (w_onehot, w_ints) = (&n.one_hot_weights, &n.weights);
        let sk_argmax = data::fs(&format!("{p}.argmax_balanced"));
        Claim::for_entry(
            super::entry::one_hot_argmax,
            "Lembik, tkocmathla (comments, translated)",
            "This does not work for me. For a three-class problem in keras y_train is a (300096, 3) \
             numpy array, so the class_weight= line gives TypeError: unhashable type: \
             'numpy.ndarray'. — I had a similar problem, where each row of y is a one-hot vector of \
             the class index. I fixed it by converting the one-hot representation to an int like \
             this: y_ints = [y.argmax() for y in y_train].",
        )
        .input(
            "y_train",
            "the labels of 001-sklearn-balanced, one-hot encoded (300×3)",
        )
        .equal(
            "compute_class_weight on one-hot y raises (scikit-learn 1.9)",
            fw_raised(
                "raises on one-hot y",
                &format!("{p}.one_hot_call"),
                "sklearn",
            ),
            Number::thread("raises (Lembik)", 1.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .equal(
            "after argmax: the weights of the integer labels (class 1)",
            Number::reweigh("balanced weights from one-hot counts, class 1", w_onehot[1]),
            Number::reweigh("balanced weights from integer labels, class 1", w_ints[1]),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .equals_framework_within(
            "…which scikit-learn computes from the argmax labels",
            Number::reweigh("balanced weights from one-hot counts, class 1", w_onehot[1]),
            Number::new(
                "compute_class_weight('balanced', y=argmax), class 1",
                sk_argmax[1],
                fw("sklearn"),
            ),
            Tolerance::rel(1e-12),
        )
        .note(format!(
            "scikit-learn 1.9 raises a clearer error than in 2017 ({}), but the cure is the same: \
             class counts from the argmax of each one-hot row. reweigh's ClassCounts::from_one_hot \
             does it (and rejects rows that are not one-hot).",
            data::raised_text(&format!("{p}.one_hot_call")),
        ))
        .build()
    }

    /// Aalok's question and the answer: with multi-label one-hot targets `class_weight` does not
    /// work; use `sample_weight`.
    pub fn multilabel_sample_weight(n: &super::MultilabelWeights) -> Claim {
        let p = "t001.multilabel";
        let (cw, w) = (&n.class_weight, &n.keras_weights);
        let keras_w = data::fs(&format!("{p}.keras_sample_weights"));
        let (strict, labels_row0) = (n.strict_rejects, n.positives_row0);
        let mut b = Claim::for_entry(
            super::entry::multilabel_sample_weight,
            "Aalok (comment) and answer (translated)",
            "What if I'm doing multi-label classification so my y_true vectors have multiple 1s in \
             them: [1 0 0 0 1 0 0] … How would I use class weights with that? — class_weight is \
             fine but, as @Aalok said, this will not work if you are one-hot encoding multilabeled \
             classes. In this case, use sample_weight: … a 1D array with the same number of elements \
             as your training samples.",
        )
        .input(
            "y",
            "4 multi-label rows over 5 labels (data/ledger/reference.json)",
        )
        .input("class_weight", "{0: 1, 1: 2, 2: 3, 3: 4, 4: 5}");
        for (i, (&mine, &theirs)) in w.iter().zip(&keras_w).enumerate() {
            b = b.equals_framework_within(
                format!("row {i}: the weight Keras 3 gives (class of the first positive label)"),
                Number::reweigh(format!("ClassWeight::keras, row {i}"), mine),
                Number::new(format!("Keras, row {i}"), theirs, fw("keras")),
                Tolerance::EXACT,
            );
        }
        b.check(Check::new(
            "class_weight does not work on multi-label rows: row 0 = [1, 0, 0, 0, 1] gets the \
             weight of label 0 only",
            Number::reweigh("weight of row 0", w[0]),
            Relation::Equal,
            Number::reweigh("class_weight[0]", cw[0].1),
            Tolerance::EXACT,
            Verdict::Refuted,
        ))
        .equal(
            "Keras says so (raises on multi-label targets with class_weight)",
            fw_raised("fit raises", &format!("{p}.keras_fit"), "keras"),
            Number::thread("'will not work'", 1.0),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        )
        .equal(
            "a sample weight gives each label of a row its own weight",
            Number::reweigh("weights per row with sample_weight", 1.0),
            Number::reweigh("positive labels in row 0", labels_row0 as f64),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        )
        .number(Number::reweigh(
            "reweigh's strict ClassWeight rejects multi-label rows",
            if strict { 1.0 } else { 0.0 },
        ))
        .note(format!(
            "Keras 3 does not raise: it takes the argmax of each row, i.e. its first positive label \
             (class 0 for an all-zero row), and silently weighs the rows {}. sample_weight works but \
             is still one number per sample: to weight labels inside a row, weight the per-label \
             losses instead (pos_weight or per-element weights of a sigmoid loss, thread 002).",
            fmt_list(keras_w.iter().copied()),
        ))
        .build()
    }

    /// The third answer's `create_class_weight(labels_dict, mu=0.15)`: log-smoothed weights.
    pub fn create_class_weight_claim(n: &super::LogSmoothed) -> Claim {
        let p = "t001.create_class_weight";
        let (py2, py3, lib) = (&n.python2, &n.python3, &n.library);
        let printed = [(1, 3.749820767859636), (5, 2.5931008483842453), (0, 1.0)];
        let py_ref = data::class_map(&format!("{p}.python2_semantics"));
        let mut b = Claim::for_entry(
            super::entry::create_class_weight_claim,
            "answer (translated)",
            "I use this kind of rule for class_weight: def create_class_weight(labels_dict, mu=0.15): \
             total = np.sum(labels_dict.values()) … score = math.log(mu*total/float(labels_dict[key])); \
             class_weight[key] = score if score > 1.0 else 1.0 … math.log smooths the weights for \
             very imbalanced classes! This returns: {0: 1.0, 1: 3.749820767859636, 2: 1.0, 3: \
             3.749820767859636, 4: 1.0, 5: 2.5931008483842453, 6: 1.0, 7: 2.5931008483842453}",
        )
        .input("labels_dict", "{0: 2813, 1: 78, 2: 2814, 3: 78, 4: 7914, 5: 248, 6: 7914, 7: 248}")
        .input("mu", "0.15");
        for (k, v) in printed {
            b = b.equal(
                format!("class {k}: the printed weight"),
                Number::repro(
                    format!("create_class_weight (Python 2), class {k}"),
                    py2[&k],
                ),
                Number::thread(format!("printed, class {k}"), v),
                Tolerance::rel(1e-15),
                Verdict::Refuted,
            );
        }
        b.equals_framework_within(
            "the port = the snippet run in Python with a list of values (class 1)",
            Number::repro("create_class_weight (Python 2), class 1", py2[&1]),
            Number::new(
                "Python, sum(list(values)), class 1",
                py_ref.iter().find(|p| p.0 == 1).expect("class 1").1,
                fw("python"),
            ),
            Tolerance::rel(1e-15),
        )
        .equal(
            "reweigh's log_smoothed_weights(μ = 0.15, floor 1) = the snippet (class 5)",
            Number::reweigh("log_smoothed_weights, class 5", lib[5]),
            Number::repro("create_class_weight (Python 2), class 5", py2[&5]),
            Tolerance::rel(1e-15),
            Verdict::Refuted,
        )
        .equals_framework_within(
            "the port raises on Python 3 as Python does",
            Number::repro("raises on Python 3", if py3.is_err() { 1.0 } else { 0.0 }),
            fw_raised(
                "raises on Python 3",
                &format!("{p}.python3_verbatim"),
                "python",
            ),
            Tolerance::EXACT,
        )
        .equal(
            "the snippet runs on Python 3",
            fw_raised(
                "raises on Python 3",
                &format!("{p}.python3_verbatim"),
                "python",
            ),
            Number::thread("raises (the answer)", 0.0),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        )
        .note(format!(
            "w_c = max(ln(μ·n/n_c), 1) with n = {}. The printed numbers reproduce exactly, but only \
             with Python 2's dict.values(): on Python 3 np.sum returns the dict_values view itself \
             and the first multiplication fails ({}). Use sum(labels_dict.values()), or reweigh's \
             Scheme::LOG_SMOOTHED.",
            data::f(&format!("{p}.total")),
            data::raised_text(&format!("{p}.python3_verbatim")),
        ))
        .figure("weights_per_scheme.svg")
        .build()
    }

    /// Vladislavs Dovgalecs: in the example class 0 (2813 samples) and class 6 (7914) both get
    /// exactly 1.0.
    pub fn log_smoothed_floor(n: &super::LogSmoothed) -> Claim {
        let (d, w, total) = (&n.labels_dict, &n.python2, n.total);
        let raw = |k: i64| n.scores[&k];
        Claim::for_entry(
            super::entry::log_smoothed_floor,
            "Vladislavs Dovgalecs (comment, translated)",
            "In your example, class 0 (has 2813 examples) and class 6 (has 7914 examples) have a \
             weight of exactly 1.0. Why is that? Class 6 is several times bigger! You'd want class 0 \
             to be increased and class 6 reduced to bring them to the same level.",
        )
        .input("labels_dict", "as in 001-create-class-weight")
        .equal(
            "class 0 and class 6 get the same weight",
            Number::repro("weight of class 0", w[&0]),
            Number::repro("weight of class 6", w[&6]),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .equal(
            "…exactly 1.0",
            Number::repro("weight of class 6", w[&6]),
            Number::thread("1.0 (the comment)", 1.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .check(Check::new(
            "though class 6 is several times bigger",
            Number::reweigh("n_6 / n_0", d[&6] as f64 / d[&0] as f64),
            Relation::Greater,
            Number::reweigh("two", 2.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        ))
        .number(Number::repro("ln(μ·n/n_0) before the floor", raw(0)))
        .number(Number::repro("ln(μ·n/n_6) before the floor", raw(6)))
        .note(format!(
            "Both scores fall below the floor of 1 (ln(μ·n/n_0) = {}, ln(μ·n/n_6) = {}), so both \
             become 1.0: the floor erases the difference between every class with more than μ·n/e = {} \
             samples. A floor of 0, or no floor, keeps the order (reweigh: log_smoothed_weights with \
             another floor).",
            fmt_num(raw(0)),
            fmt_num(raw(6)),
            fmt_num(0.15 * total / std::f64::consts::E),
        ))
        .build()
    }

    /// David Groppe's answer: `class_weight='auto'` weights all classes equally.
    pub fn class_weight_auto(n: &super::AutoScheme) -> Claim {
        let p = "t001.auto";
        let parsed = n.rejected;
        Claim::for_entry(
            super::entry::class_weight_auto,
            "David Groppe (answer, translated; marked outdated on the page)",
            "To weight all classes equally, you can now simply set class_weight to 'auto' like this: \
             model.fit(X_train, Y_train, nb_epoch=5, batch_size=32, class_weight = 'auto')",
        )
        .input("model", "Dense(3, softmax) on 12 samples, Keras 3")
        .equal(
            "model.fit(class_weight='auto') runs and balances the classes",
            fw_raised(
                "fit(class_weight='auto') raises",
                &format!("{p}.keras_fit_auto"),
                "keras",
            ),
            Number::thread("raises (the answer)", 0.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .number(fw_raised(
            "compute_class_weight('auto') raises",
            &format!("{p}.sklearn_auto"),
            "sklearn",
        ))
        .number(Number::reweigh(
            "reweigh's Scheme rejects \"auto\"",
            if parsed { 1.0 } else { 0.0 },
        ))
        .note(format!(
            "Keras 3 raises ({}), and so does scikit-learn ({}). The thread's comments found no \
             'auto' in Keras's source and report that old Keras ignored any string \
             (001-any-string-no-effect), so 'auto' never balanced anything. The scheme that does is \
             scikit-learn's 'balanced' (001-sklearn-balanced).",
            data::raised_text(&format!("{p}.keras_fit_auto")),
            data::raised_text(&format!("{p}.sklearn_auto")),
        ))
        .build()
    }

    /// colllin: "I used `n_total_samples / n_class_samples` for each class."
    pub fn n_total_over_n_class(n: &super::LogSmoothed) -> Claim {
        let p = "t001.n_total_over_n_class";
        let w = &n.n_total_over_n_class;
        let py = data::class_map(&format!("{p}.weights"));
        let sk = data::fs(&format!("{p}.sklearn_balanced"));
        let ratios: Vec<f64> = w.iter().zip(&sk).map(|(a, b)| a / b).collect();
        let spread = ratios.iter().fold(0.0_f64, |a, &r| a.max((r - 8.0).abs()));
        Claim::for_entry(
            super::entry::n_total_over_n_class,
            "colllin (comment, translated)",
            "@startoftext That's how I did it, but I think you have it inverted. I used \
             n_total_samples / n_class_samples for each class.",
        )
        .input("labels_dict", "as in 001-create-class-weight")
        .equals_framework_within(
            "reweigh's inverse_frequency_weights = n_total / n_class in Python (class 1)",
            Number::reweigh("inverse_frequency_weights, class 1", w[1]),
            Number::new("n_total / n_class (Python), class 1", py[1].1, fw("python")),
            Tolerance::rel(1e-15),
        )
        .equal(
            "n_total/n_class is C times scikit-learn's balanced weights (largest |ratio − 8|)",
            Number::reweigh("max_c |w_c / balanced_c − 8|", spread),
            Number::reweigh("zero", 0.0),
            Tolerance::abs(1e-12),
            Verdict::Refuted,
        )
        .note(format!(
            "n/n_c ranges from {} to {} here; it is scikit-learn's 'balanced' n/(C·n_c) times C = 8, \
             so its mean sample weight is 8 instead of 1 and, under Keras's default reduction, the \
             loss is 8 times larger (see 000-inverse-frequency).",
            fmt_num(w.iter().copied().fold(f64::INFINITY, f64::min)),
            fmt_num(w.iter().copied().fold(0.0, f64::max)),
        ))
        .build()
    }

    /// The keras-team/keras#2115 answers: a square cost matrix in the loss, for different costs of
    /// false positives and false negatives.
    pub fn cost_matrix(n: &super::CostMatrix) -> Claim {
        let p = "t001.cost_matrix";
        let (y, w, mask) = (&n.labels, &n.cost, &n.mask);
        let (class_verbatim, class_kw) = (&n.class_verbatim, n.class_keywords);
        let function_verbatim = &n.function_verbatim;
        let (keras1, keras2) = (&n.keras1, &n.keras2);
        let tf_target_first = data::fs(&format!("{p}.function_cast_target_first"));
        let tf_as_written = data::fs(&format!("{p}.function_cast_argument_order_as_written"));
        let max_diff = |a: &[f64], b: &[f64]| {
            a.iter().zip(b).fold(0.0_f64, |m, (x, y)| {
                m.max((x - y).abs() / y.abs().max(1e-12))
            })
        };
        let keras1_v: Vec<f64> = keras1.to_vec();
        let keras2_v: Vec<f64> = keras2.to_vec();
        let lib_v: Vec<f64> = n.library.to_vec();
        // A misclassified sample whose (true, predicted) pair has a cost other than 1.
        let costly = (0..y.len()).find(|&i| mask[i] != 1.0);
        let pred = |i: usize| n.predicted[i];
        let mut b = Claim::for_entry(
            super::entry::cost_matrix,
            "answers quoting keras-team/keras#2115 (translated)",
            "If you need more than a class weighting where you want different costs for false \
             positives and false negatives … you can now override the respective loss function as \
             below. Note that weights is a square matrix. (class WeightedCategoricalCrossentropy \
             (keras.losses.CategoricalCrossentropy) … return super().call(y_true, y_pred) * \
             final_mask) — and the function w_categorical_crossentropy(y_true, y_pred, weights) … \
             return K.categorical_crossentropy(y_pred, y_true) * final_mask",
        )
        .input("probs", "8×3 softmax of 2·N(0, 1), numpy default_rng(2115)")
        .input("labels", fmt_list(y.iter().map(|&v| v as f64)))
        .input("weights", "[[1, 1, 1], [1, 1, 1.2], [1, 1.2, 1]] (cost[true, predicted])")
        .equals_framework(
            "the class version, fixed to pass keyword arguments: port = TensorFlow 2.21 (legacy tf.keras)",
            Number::repro("WeightedCategoricalCrossentropy (keywords)", class_kw),
            fw_num("WeightedCategoricalCrossentropy (keywords)", &format!("{p}.class_keyword_args"), "tensorflow"),
        )
        .equal(
            "reweigh's CostMatrixCrossEntropy = the function as meant (Keras 1 argument order), worst relative difference",
            Number::reweigh("max relative difference", max_diff(&lib_v, &keras1_v)),
            Number::reweigh("zero", 0.0),
            Tolerance::abs(1e-12),
            Verdict::Refuted,
        )
        .equal(
            "the port of the function (target first) = TensorFlow, worst relative difference",
            Number::repro("max relative difference", max_diff(&keras1_v, &tf_target_first)),
            Number::reweigh("zero", 0.0),
            Tolerance::abs(1e-6),
            Verdict::NotReproducible,
        );
        if let Some(i) = costly {
            b = b.equal(
                format!(
                    "sample {i} (true {}, predicted {}) is weighted by cost[true, predicted]",
                    y[i],
                    pred(i)
                ),
                Number::repro(format!("final_mask[{i}]"), mask[i]),
                Number::reweigh(
                    format!("cost[{}, {}]", y[i], pred(i)),
                    w[[y[i] as usize, pred(i)]],
                ),
                Tolerance::EXACT,
                Verdict::Refuted,
            );
        }
        b.equal(
            "the class version runs as written (TensorFlow 2.21)",
            Number::repro("raises", if class_verbatim.is_err() { 1.0 } else { 0.0 }),
            Number::thread("raises (the answer)", 0.0),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        )
        .equals_framework_within(
            "…the port raises where TensorFlow does",
            Number::repro("raises", if class_verbatim.is_err() { 1.0 } else { 0.0 }),
            fw_raised("raises", &format!("{p}.class_verbatim"), "tensorflow"),
            Tolerance::EXACT,
        )
        .equal(
            "the function version runs as written (TensorFlow 2 backend)",
            Number::repro("raises", if function_verbatim.is_err() { 1.0 } else { 0.0 }),
            Number::thread("raises (the answer)", 0.0),
            Tolerance::EXACT,
            Verdict::ReproducedWithCaveat,
        )
        .equals_framework_within(
            "…the port raises where TensorFlow does",
            Number::repro("raises", if function_verbatim.is_err() { 1.0 } else { 0.0 }),
            fw_raised("raises", &format!("{p}.function_verbatim"), "tensorflow"),
            Tolerance::EXACT,
        )
        .equal(
            "with the mask cast, K.categorical_crossentropy(y_pred, y_true) means the intended loss in Keras 2+ (sum over the batch)",
            Number::repro("Σ CE(target=y_pred, output=y_true)·mask", keras2.sum()),
            Number::repro("Σ CE(target=y_true, output=y_pred)·mask", keras1.sum()),
            Tolerance::rel(1e-6),
            Verdict::ReproducedWithCaveat,
        )
        .equal(
            "…the port of that swapped call = TensorFlow, worst relative difference",
            Number::repro("max relative difference", max_diff(&keras2_v, &tf_as_written)),
            Number::reweigh("zero", 0.0),
            Tolerance::abs(1e-6),
            Verdict::NotReproducible,
        )
        .note(format!(
            "Each sample's cross-entropy is multiplied by cost[true, argmax(prediction)], so a sample \
             misclassified into a costly class weighs more (every tied maximum adds its cost). The \
             mask is piecewise constant (no gradient), so the costs rescale the cross-entropy of the \
             true class rather than pushing away from the costly class. Neither snippet runs on \
             TensorFlow 2.21 as written: the class passes its reduction into CategoricalCrossentropy's \
             `axis` parameter ({}); the function multiplies a boolean mask ({}) and, once cast, its \
             Keras 1 argument order computes the cross-entropy of the labels under the prediction \
             ({} instead of {} summed over the batch).",
            data::raised_text(&format!("{p}.class_verbatim")),
            data::raised_text(&format!("{p}.function_verbatim")),
            fmt_num(keras2.sum()),
            fmt_num(keras1.sum()),
        ))
        .build()
    }

    /// The last answer: `cw = {clsID: maxCt/numImg}` from a `Counter`.
    pub fn max_over_count(n: &super::MaxOverCount) -> Claim {
        let p = "t001.max_over_count";
        let (cw, lib) = (&n.counter, &n.library);
        let py = data::class_map(&format!("{p}.weights"));
        let largest = n
            .counts
            .iter()
            .enumerate()
            .fold((0, f64::MIN), |a, (i, &n)| if n > a.1 { (i, n) } else { a })
            .0 as i64;
        Claim::for_entry(
            super::entry::max_over_count,
            "answer (translated)",
            "itemCt = Counter(trainGen.classes); maxCt = float(max(itemCt.values())); cw = {clsID : \
             maxCt/numImg for clsID, numImg in itemCt.items()}. This works with a generator or \
             standard. Your largest class will have a weight of 1 while the others will have values \
             greater than 1 relative to the largest class.",
        )
        .input("labels", "y_train of 001-sklearn-balanced")
        .equals_framework_within(
            "the port = the snippet in Python (class 1)",
            Number::repro("counter_class_weight, class 1", cw[&1]),
            Number::new("Counter snippet, class 1", py[1].1, fw("python")),
            Tolerance::rel(1e-15),
        )
        .equal(
            "the largest class weighs 1",
            Number::repro(
                format!("weight of the largest class ({largest})"),
                cw[&largest],
            ),
            Number::thread("one", 1.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .check(Check::new(
            "the others weigh more than 1 (smallest of them)",
            Number::repro(
                "smallest weight of the other classes",
                cw.iter()
                    .filter(|(k, _)| **k != largest)
                    .map(|(_, &v)| v)
                    .fold(f64::INFINITY, f64::min),
            ),
            Relation::Greater,
            Number::thread("one", 1.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        ))
        .equal(
            "reweigh's max_over_count_weights = the snippet (class 2)",
            Number::reweigh("max_over_count_weights, class 2", lib[2]),
            Number::repro("counter_class_weight, class 2", cw[&2]),
            Tolerance::rel(1e-15),
            Verdict::Refuted,
        )
        .note(format!(
            "max/count gives {} for counts {}: the majority class keeps a weight of 1, so the loss \
             scale grows with the imbalance (mean sample weight {}).",
            fmt_list(cw.values().copied()),
            fmt_list(n.counts.iter().copied()),
            fmt_num(n.mean_sample_weight),
        ))
        .build()
    }

    /// The sample_weight documentation quoted in the answers: temporal data takes a 2-D weight of
    /// shape `(samples, sequence_length)` with `sample_weight_mode="temporal"` in `compile()`.
    pub fn temporal_weights(n: &super::TemporalWeights) -> Claim {
        let p = "t001.temporal";
        let v = n.loss;
        Claim::for_entry(
            super::entry::temporal_weights,
            "answer quoting the Keras documentation (translated)",
            "sample_weight: optional array of the same length as x, containing weights to apply to \
             the model's loss for each sample. In the case of temporal data, you can pass a 2D array \
             with shape (samples, sequence_length), to apply a different weight to every timestep of \
             every sample. In this case you should make sure to specify sample_weight_mode=\"temporal\" \
             in compile().",
        )
        .input("logits", "4×5×3 (samples, timesteps, classes), numpy default_rng(3653)")
        .input("sample_weight", "4×5 uniform [0, 1)")
        .equals_framework(
            "a (samples, sequence_length) weight weights every timestep: reweigh = Keras 3",
            Number::reweigh("SparseSoftmaxCrossEntropy::keras, (4, 5) weights", v),
            fw_num("SparseCategoricalCrossentropy, (4, 5) weights", &format!("{p}.keras_scce"), "keras"),
        )
        .equal(
            "compile(sample_weight_mode=\"temporal\") is needed (and accepted) in Keras 3",
            fw_raised(
                "compile(sample_weight_mode=…) raises",
                &format!("{p}.compile_sample_weight_mode"),
                "keras",
            ),
            Number::thread("raises (the documentation quoted)", 0.0),
            Tolerance::EXACT,
            Verdict::Differs,
        )
        .note(format!(
            "Per-timestep weights work as described: Keras 3 weights each (sample, timestep) loss and \
             divides by their number ({}). The compile argument is gone: {}; Keras 3 infers the \
             weighting from the weights' shape.",
            fmt_num(v),
            data::raised_text(&format!("{p}.compile_sample_weight_mode")),
        ))
        .build()
    }
}
