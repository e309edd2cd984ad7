//! Questions 5–9 of the FAQ, on Keras: `class_weight` with several outputs and with dense
//! targets, the validation loss, the default reduction, and temporal sample weights.

use super::{CHANGED, claim, entry, equal_lists, flag, fw, fw_raised, shown};
use crate::claim::{Check, Claim, FRAMEWORK_TOL, Number, Relation, Tolerance, Verdict};
use crate::data::FAQ_FILE;
use crate::util::scalar;
use ndarray::{Array1, Array2, ArrayD, IxDyn};
use reweigh::losses::{SparseCategoricalCrossEntropyProbs, SparseSoftmaxCrossEntropy};
use reweigh::schemes::{ClassWeights, gather_sample_weights};
use reweigh::{Framework, Reduction};
use reweigh_train::{
    Activation, ClassWeight, Dense, FitOptions, Sequential, Shuffle, Trainer,
    Validation as ValidationData,
};

fn class_dict(path: &str) -> Vec<(i64, f64)> {
    FAQ_FILE
        .fs(path)
        .into_iter()
        .enumerate()
        .map(|(c, w)| (c as i64, w))
        .collect()
}

fn text(path: &str) -> String {
    FAQ_FILE.at(path).as_str().unwrap_or("").to_string()
}

// ------------------------------------------------------------------------------ question 5

/// Question 5's numbers, computed by reweigh: the workaround for a two-output model, each
/// output's class weights turned into that output's sample weights.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiOutput {
    /// Output `a`: `SparseCategoricalCrossEntropyProbs::keras()` with `sample_weight = cw_a[y_a]`.
    pub output_a: f64,
    /// Output `b`, the same with `cw_b`.
    pub output_b: f64,
}

impl MultiOutput {
    /// Computes the numbers on the inputs of `faq.json` (`q05`: the model's predicted
    /// probabilities of both outputs).
    pub fn compute() -> Self {
        let one = |probs: &str, labels: &str, cw: &str| {
            let p = FAQ_FILE.mat(probs);
            let y = Array1::from(FAQ_FILE.ints(labels));
            let w = Array1::from(FAQ_FILE.fs(cw));
            let cw = ClassWeights::new("class_weight", (0..w.len() as i64).collect(), w)
                .expect("one weight per class");
            let sw = gather_sample_weights(&cw, y.view()).expect("known labels");
            scalar(
                &SparseCategoricalCrossEntropyProbs::keras(),
                p.view().into_dyn(),
                y.view().into_dyn(),
                Some(sw.view().into_dyn()),
            )
        };
        MultiOutput {
            output_a: one("q05.probs_a", "q05.y_a", "q05.class_weight_a"),
            output_b: one("q05.probs_b", "q05.y_b", "q05.class_weight_b"),
        }
    }
}

/// Judges question 5 on `n`.
pub fn multi_output(n: &MultiOutput) -> Claim {
    let p = |k: &str| format!("q05.{k}");
    claim(
        entry::multi_output,
        "faq digest: keras #4735, #11735, #20701; tensorflow #40457",
        "`class_weight` with a multi-output Keras model. Keras 1/2 took a dict keyed by output \
         name; TF ≥ 2.2 and Keras 3 raise that class_weight is only supported for single-output \
         models.",
    )
    .input(
        "model",
        "Input(2) → Dense(2, softmax, name='a') and Dense(2, softmax, name='b')",
    )
    .input("x", shown("q05.x"))
    .input(
        "y_a, y_b",
        format!("{}, {}", shown("q05.y_a"), shown("q05.y_b")),
    )
    .input(
        "class_weight of a, b",
        format!(
            "{}, {}",
            shown("q05.class_weight_a"),
            shown("q05.class_weight_b")
        ),
    )
    .input(
        text(&p("call_by_name")),
        FAQ_FILE.raised_text(&p("by_name")),
    )
    .input(
        text(&p("call_one_dict")),
        FAQ_FILE.raised_text(&p("one_dict")),
    )
    .check(Check::new(
        "fit takes a class_weight dict keyed by output name, as Keras 1/2 did",
        fw_raised(
            "fit(class_weight={'a': …, 'b': …}) raises",
            &p("by_name"),
            "keras",
        ),
        Relation::Equal,
        Number::digest("raises (older versions)", 0.0),
        Tolerance::EXACT,
        CHANGED,
    ))
    .check(Check::new(
        "one dict for a two-output model raises too (TF ≥ 2.2, Keras 3)",
        fw_raised(
            "fit(class_weight={0: …, 1: …}) raises",
            &p("one_dict"),
            "keras",
        ),
        Relation::Equal,
        Number::digest("raises", 1.0),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .equals_framework(
        "the workaround, output a: each output's class weights as its sample weights: reweigh = \
         Keras",
        Number::reweigh("output a, sample_weight = cw_a[y_a]", n.output_a),
        fw(
            "SparseCategoricalCrossentropy()(y_a, p_a, cw_a[y_a])",
            &p("workaround_a"),
            "keras",
        ),
    )
    .equals_framework(
        "…output b: reweigh = Keras",
        Number::reweigh("output b, sample_weight = cw_b[y_b]", n.output_b),
        fw(
            "SparseCategoricalCrossentropy()(y_b, p_b, cw_b[y_b])",
            &p("workaround_b"),
            "keras",
        ),
    )
    .note(
        "Today's Keras refuses class_weight for any model with more than one output, whatever \
         its keys. Give each output its own sample weights instead \
         (`reweigh::schemes::gather_sample_weights` of that output's class weights): \
         `fit(x, {'a': y_a, 'b': y_b}, sample_weight={'a': sw_a, 'b': sw_b})`.",
    )
    .build()
}

// ------------------------------------------------------------------------------ question 6

/// Question 6's numbers, computed by reweigh: the sample weights Keras's `class_weight` gives to
/// one-hot, multi-hot and all-zero rows.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseTargetWeights {
    /// `ClassWeight::keras(cw).sample_weights_dense(y)`: Keras 3's argmax rule, per row.
    pub keras_rule: Vec<f64>,
    /// 1 if reweigh's strict `ClassWeight::new(cw)` refuses the rows that are not one-hot.
    pub strict_refused: f64,
    /// 1 if reweigh's trainer refuses class weights together with sample weights.
    pub both_refused: f64,
}

impl DenseTargetWeights {
    /// Computes the numbers on the inputs of `faq.json` (`q06`).
    pub fn compute() -> Self {
        let y = FAQ_FILE.mat("q06.y");
        let cw = class_dict("q06.class_weight");
        let keras_rule = ClassWeight::keras(cw.clone())
            .sample_weights_dense(y.view(), 3)
            .expect("Keras's rule takes any row")
            .to_vec();
        let strict_refused = flag(
            ClassWeight::new(cw.clone())
                .sample_weights_dense(y.view(), 3)
                .is_err(),
        );
        let layer =
            Dense::from_weights(Array2::zeros((2, 3)), Array1::zeros(3), Activation::Softmax)
                .expect("a layer");
        let mut trainer = Trainer::new(Sequential::new(vec![layer]).expect("a model"));
        let x = Array2::<f64>::zeros((5, 2));
        let labels = Array1::from(vec![0_i64, 1, 1, 0, 0]);
        let ones = Array1::<f64>::ones(5);
        let opts = FitOptions::new()
            .class_weight(ClassWeight::keras(cw))
            .sample_weight(ones.view());
        let both_refused = flag(trainer.fit(x.view(), labels.view(), &opts).is_err());
        DenseTargetWeights {
            keras_rule,
            strict_refused,
            both_refused,
        }
    }
}

/// Judges question 6 on `n`.
pub fn dense_targets(n: &DenseTargetWeights) -> Claim {
    let p = |k: &str| format!("q06.{k}");
    let cw = FAQ_FILE.fs(&p("class_weight"));
    let sw = FAQ_FILE.fs(&p("sample_weights"));
    let kw = |label: &str, i: usize| Number::new(label, sw[i], FAQ_FILE.fw("keras"));
    let b = claim(
        entry::dense_targets,
        "faq digest: keras #1573, #7112, #14085, #16674, #8011",
        "`class_weight` with one-hot, multi-label or 3-D targets. Old Keras raised for 3+ \
         dimensional targets; Keras 3 takes `argmax(y, axis=-1)`, so a multi-hot row gets the \
         weight of one class only, silently. Keras 3 also rejects `class_weight` together with \
         `sample_weight`.",
    )
    .input(
        "y (one-hot, one-hot, multi-hot, multi-hot, all-zero)",
        shown("q06.y"),
    )
    .input("class_weight", shown("q06.class_weight"))
    .input("call", text(&p("call")))
    .input(text(&p("call_3d")), FAQ_FILE.raised_text(&p("fit_3d")))
    .input(text(&p("both_call")), FAQ_FILE.raised_text(&p("both")));
    equal_lists(
        b,
        "sample weight of each row",
        "sample weight",
        &n.keras_rule,
        &p("sample_weights"),
        "keras",
        Tolerance::EXACT,
        Verdict::NotReproducible,
    )
    .check(Check::new(
        "the multi-hot row [0, 1, 1] gets the weight of its first positive class only",
        kw("weight of [0, 1, 1]", 2),
        Relation::Equal,
        Number::reweigh("class_weight[1]", cw[1]),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .check(Check::new(
        "…and the all-zero row the weight of class 0",
        kw("weight of [0, 0, 0]", 4),
        Relation::Equal,
        Number::reweigh("class_weight[0]", cw[0]),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .check(Check::new(
        "class_weight together with sample_weight raises",
        fw_raised(
            "fit(class_weight=…, sample_weight=…) raises",
            &p("both"),
            "keras",
        ),
        Relation::Equal,
        Number::digest("raises", 1.0),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .equals_framework_within(
        "…and reweigh's trainer refuses it as Keras does",
        Number::reweigh(
            "Trainer::fit(class_weight + sample_weight) errs",
            n.both_refused,
        ),
        fw_raised(
            "fit(class_weight=…, sample_weight=…) raises",
            &p("both"),
            "keras",
        ),
        Tolerance::EXACT,
    )
    .number(Number::reweigh(
        "ClassWeight::new (strict) refuses the rows that are not one-hot",
        n.strict_refused,
    ))
    .number(fw_raised(
        "fit(y of shape (2, 2, 3), class_weight=…) raises",
        &p("fit_3d"),
        "keras",
    ))
    .note(
        "reweigh names both rules: `ClassWeight::keras` (argmax, silently) reproduces Keras 3, \
         `ClassWeight::new` refuses multi-hot and all-zero rows. 3-D one-hot targets still fail \
         in Keras 3 with class_weight (a TypeError from the argmax of a sequence); weight \
         sequences with 2-D sample weights instead (question 9).",
    )
    .build()
}

// ------------------------------------------------------------------------------ question 7

/// Question 7's numbers, computed by reweigh's trainer (Keras's `fit` semantics): a frozen
/// `Dense(3, softmax)`, one epoch of one batch, with and without class weights, with and
/// without validation sample weights.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationLoss {
    /// Training loss without weights.
    pub loss_plain: f64,
    /// Validation loss without weights.
    pub val_plain: f64,
    /// Training loss with `class_weight`.
    pub loss_class_weight: f64,
    /// Validation loss of the same run.
    pub val_class_weight: f64,
    /// Validation loss with `validation_data = (x_val, y_val, sample_weight)`.
    pub val_weighted: f64,
}

impl ValidationLoss {
    /// Computes the numbers on the inputs of `faq.json` (`q07`).
    pub fn compute() -> Self {
        let x = FAQ_FILE.mat("q07.x");
        let y = Array1::from(FAQ_FILE.ints("q07.y"));
        let xv = FAQ_FILE.mat("q07.x_val");
        let yv = Array1::from(FAQ_FILE.ints("q07.y_val"));
        let swv = Array1::from(FAQ_FILE.fs("q07.val_sample_weight"));
        let kernel = FAQ_FILE.mat("q07.kernel");
        let cw = class_dict("q07.class_weight");
        let run = |class_weight: bool, val_weights: bool| {
            let layer = Dense::from_weights(kernel.clone(), Array1::zeros(3), Activation::Softmax)
                .expect("a layer")
                .with_trainable(false);
            let mut trainer = Trainer::new(Sequential::new(vec![layer]).expect("a model"));
            let mut val = ValidationData::new(xv.view(), yv.view());
            if val_weights {
                val = val.sample_weight(swv.view());
            }
            let mut opts = FitOptions::new()
                .epochs(1)
                .batch_size(6)
                .shuffle(Shuffle::Off)
                .validation(val);
            if class_weight {
                opts = opts.class_weight(ClassWeight::keras(cw.clone()));
            }
            let h = trainer.fit(x.view(), y.view(), &opts).expect("fit runs");
            (
                h.get("loss").expect("loss")[0],
                h.get("val_loss").expect("val_loss")[0],
            )
        };
        let (loss_plain, val_plain) = run(false, false);
        let (loss_class_weight, val_class_weight) = run(true, false);
        let (_, val_weighted) = run(true, true);
        ValidationLoss {
            loss_plain,
            val_plain,
            loss_class_weight,
            val_class_weight,
            val_weighted,
        }
    }
}

/// Judges question 7 on `n`.
pub fn validation(n: &ValidationLoss) -> Claim {
    let k = |label: &str, run: &str, key: &str| fw(label, &format!("q07.{run}.{key}"), "keras");
    claim(
        entry::validation,
        "faq digest: keras #5616, #3013, #7985; PR #8591 rejected",
        "Validation loss ignores `class_weight`. By design: class weighting is meant to shape \
         training, not evaluation; pass `(x, y, sample_weight)` as `validation_data` to weight \
         it.",
    )
    .input(
        "x (6 × 2), y",
        format!("{}, {}", shown("q07.x"), shown("q07.y")),
    )
    .input(
        "x_val, y_val",
        format!("{}, {}", shown("q07.x_val"), shown("q07.y_val")),
    )
    .input("kernel (bias 0)", shown("q07.kernel"))
    .input("class_weight", shown("q07.class_weight"))
    .input("validation sample_weight", shown("q07.val_sample_weight"))
    .input("call", text("q07.call"))
    .equals_framework(
        "training loss without weights: reweigh_train = Keras",
        Number::reweigh("loss, no weights", n.loss_plain),
        k("loss, no weights", "plain", "loss"),
    )
    .equals_framework(
        "validation loss without weights: reweigh_train = Keras",
        Number::reweigh("val_loss, no weights", n.val_plain),
        k("val_loss, no weights", "plain", "val_loss"),
    )
    .equals_framework(
        "training loss with class_weight: reweigh_train = Keras",
        Number::reweigh("loss, class_weight", n.loss_class_weight),
        k("loss, class_weight", "class_weight_run", "loss"),
    )
    .equals_framework(
        "validation loss of that run: reweigh_train = Keras",
        Number::reweigh("val_loss, class_weight", n.val_class_weight),
        k("val_loss, class_weight", "class_weight_run", "val_loss"),
    )
    .equals_framework(
        "validation loss with validation sample weights: reweigh_train = Keras",
        Number::reweigh("val_loss, validation sample_weight", n.val_weighted),
        k(
            "val_loss, validation sample_weight",
            "val_weighted",
            "val_loss",
        ),
    )
    .check(Check::new(
        "class_weight changes the training loss",
        k("loss, class_weight", "class_weight_run", "loss"),
        Relation::Differ,
        k("loss, no weights", "plain", "loss"),
        FRAMEWORK_TOL,
        Verdict::Refuted,
    ))
    .check(Check::new(
        "…but not the validation loss",
        k("val_loss, class_weight", "class_weight_run", "val_loss"),
        Relation::Equal,
        k("val_loss, no weights", "plain", "val_loss"),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .check(Check::new(
        "validation_data with sample weights weights the validation loss",
        k(
            "val_loss, validation sample_weight",
            "val_weighted",
            "val_loss",
        ),
        Relation::Differ,
        k("val_loss, no weights", "plain", "val_loss"),
        FRAMEWORK_TOL,
        Verdict::Refuted,
    ))
    .note(
        "The layer is frozen (trainable=False before compile), so every number is the loss of \
         the same model and only the weighting differs. reweigh_train's `Validation` has no class \
         weights, by the same design; `Validation::sample_weight` is the \
         `(x, y, sample_weight)` form.",
    )
    .build()
}

// ------------------------------------------------------------------------------ question 8

/// Question 8's numbers, computed by reweigh: Keras's sparse cross-entropy with sample weights
/// under its default reduction and under `mean_with_sample_weight`, and PyTorch's weighted mean.
#[derive(Clone, Debug, PartialEq)]
pub struct DefaultReduction {
    /// `SparseSoftmaxCrossEntropy::keras()` (`sum_over_batch_size`): `Σ w·ℓ / N`.
    pub default: f64,
    /// The same with the sample weights doubled.
    pub default_doubled: f64,
    /// `Framework::Keras.reducer("mean_with_sample_weight")`: `Σ w·ℓ / Σ w`.
    pub mean_with_sample_weight: f64,
    /// The same with the sample weights doubled.
    pub mean_with_sample_weight_doubled: f64,
    /// `SparseSoftmaxCrossEntropy::pytorch().class_weights([1, 2, 4])`.
    pub pytorch_mean: f64,
}

impl DefaultReduction {
    /// Computes the numbers on the inputs of `faq.json` (`q08`).
    pub fn compute() -> Self {
        let x = FAQ_FILE.mat("q08.logits");
        let y = Array1::from(FAQ_FILE.ints("q08.labels"));
        let sw = Array1::from(FAQ_FILE.fs("q08.sample_weight")).into_dyn();
        let sw2 = sw.mapv(|w| 2.0 * w);
        let keras = SparseSoftmaxCrossEntropy::<f64>::keras();
        let mwsw = keras.clone().reduction(
            Framework::Keras
                .reducer("mean_with_sample_weight")
                .expect("a Keras reduction"),
        );
        let at = |loss: &SparseSoftmaxCrossEntropy<f64>, w: &ArrayD<f64>| {
            scalar(
                loss,
                x.view().into_dyn(),
                y.view().into_dyn(),
                Some(w.view()),
            )
        };
        DefaultReduction {
            default: at(&keras, &sw),
            default_doubled: at(&keras, &sw2),
            mean_with_sample_weight: at(&mwsw, &sw),
            mean_with_sample_weight_doubled: at(&mwsw, &sw2),
            pytorch_mean: scalar(
                &SparseSoftmaxCrossEntropy::<f64>::pytorch()
                    .class_weights(ndarray::array![1.0, 2.0, 4.0]),
                x.view().into_dyn(),
                y.view().into_dyn(),
                None,
            ),
        }
    }
}

/// Judges question 8 on `n`.
pub fn default_reduction(n: &DefaultReduction) -> Claim {
    let p = |k: &str| format!("q08.{k}");
    let k = |label: &str, key: &str| fw(label, &p(key), "keras");
    let default = FAQ_FILE.f(&p("default"));
    claim(
        entry::default_reduction,
        "faq digest: keras PR #20410",
        "Keras's default reduction divides by the element count, so weights rescale the loss; \
         `reduction=\"mean_with_sample_weight\"` (Keras 3) divides by Σ w, PyTorch's weighted \
         mean.",
    )
    .input("logits (5 × 3)", shown("q08.logits"))
    .input("labels", shown("q08.labels"))
    .input("sample_weight (= [1, 2, 4][y])", shown("q08.sample_weight"))
    .input("call", text(&p("call")))
    .equals_framework(
        "default reduction: reweigh = Keras",
        Number::reweigh("SparseSoftmaxCrossEntropy::keras()", n.default),
        k("default (sum_over_batch_size)", "default"),
    )
    .equals_framework(
        "default reduction, weights doubled: reweigh = Keras",
        Number::reweigh(
            "SparseSoftmaxCrossEntropy::keras(), 2·sw",
            n.default_doubled,
        ),
        k("default, 2·sw", "default_doubled"),
    )
    .equals_framework(
        "mean_with_sample_weight: reweigh = Keras",
        Number::reweigh(
            "reduction Framework::Keras.reducer(\"mean_with_sample_weight\")",
            n.mean_with_sample_weight,
        ),
        k("mean_with_sample_weight", "mean_with_sample_weight"),
    )
    .equals_framework(
        "mean_with_sample_weight, weights doubled: reweigh = Keras",
        Number::reweigh(
            "mean_with_sample_weight, 2·sw",
            n.mean_with_sample_weight_doubled,
        ),
        k(
            "mean_with_sample_weight, 2·sw",
            "mean_with_sample_weight_doubled",
        ),
    )
    .equals_framework(
        "PyTorch's weighted mean: reweigh = PyTorch",
        Number::reweigh(
            "SparseSoftmaxCrossEntropy::pytorch().class_weights",
            n.pytorch_mean,
        ),
        fw(
            "CrossEntropyLoss(weight=[1, 2, 4])",
            &p("torch_mean"),
            "torch",
        ),
    )
    .check(Check::new(
        "doubling the weights doubles the default loss (Σ w·ℓ / N)",
        k("default, 2·sw", "default_doubled"),
        Relation::Equal,
        Number::new("2 × default", 2.0 * default, FAQ_FILE.fw("keras")),
        FRAMEWORK_TOL,
        Verdict::Refuted,
    ))
    .check(Check::new(
        "mean_with_sample_weight does not move when the weights are doubled",
        k(
            "mean_with_sample_weight, 2·sw",
            "mean_with_sample_weight_doubled",
        ),
        Relation::Equal,
        k("mean_with_sample_weight", "mean_with_sample_weight"),
        FRAMEWORK_TOL,
        Verdict::Refuted,
    ))
    .check(Check::new(
        "mean_with_sample_weight is PyTorch's weighted mean",
        k("mean_with_sample_weight", "mean_with_sample_weight"),
        Relation::Equal,
        fw(
            "CrossEntropyLoss(weight=[1, 2, 4])",
            &p("torch_mean"),
            "torch",
        ),
        FRAMEWORK_TOL,
        Verdict::Refuted,
    ))
    .note(
        "In reweigh the reductions have one name each: Keras's default and \"mean\" are \
         `sum_over_batch_size`, PyTorch's \"mean\" and Keras's `mean_with_sample_weight` (for \
         (N,) weights) are `weighted_mean`; `Framework::reducer` resolves each framework's \
         spelling.",
    )
    .build()
}

// ------------------------------------------------------------------------------ question 9

/// Question 9's numbers, computed by reweigh: a `Dense(3, softmax)` applied per time step, its
/// Keras loss with `(samples, timesteps)` sample weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Temporal {
    /// `SparseSoftmaxCrossEntropy::keras()` of the per-step logits with 2-D sample weights
    /// (what `model.evaluate(x, y, sample_weight=sw)` returns).
    pub evaluate_2d: f64,
}

impl Temporal {
    /// Computes the numbers on the inputs of `faq.json` (`q09`).
    pub fn compute() -> Self {
        let (xv, shape) = FAQ_FILE.tensor("q09.x");
        let (n, t, f) = (shape[0], shape[1], shape[2]);
        let x = Array2::from_shape_vec((n * t, f), xv).expect("(samples·timesteps, features)");
        let kernel = FAQ_FILE.mat("q09.kernel");
        let c = kernel.ncols();
        let layer =
            Dense::from_weights(kernel, Array1::zeros(c), Activation::Softmax).expect("a layer");
        let logits = layer
            .pre_activation(x.view())
            .expect("the logits")
            .into_shape_with_order(IxDyn(&[n, t, c]))
            .expect("(samples, timesteps, classes)");
        let (yv, yshape) = FAQ_FILE.tensor("q09.y");
        let y = ArrayD::from_shape_vec(IxDyn(&yshape), yv.iter().map(|&v| v as i64).collect())
            .expect("(samples, timesteps)");
        let (swv, swshape) = FAQ_FILE.tensor("q09.sample_weight");
        let sw = ArrayD::from_shape_vec(IxDyn(&swshape), swv).expect("(samples, timesteps)");
        Temporal {
            evaluate_2d: scalar(
                &SparseSoftmaxCrossEntropy::<f64>::keras().reduction(Reduction::SumOverBatchSize),
                logits.view(),
                y.view(),
                Some(sw.view()),
            ),
        }
    }
}

/// Judges question 9 on `n`.
pub fn temporal(n: &Temporal) -> Claim {
    let p = |k: &str| format!("q09.{k}");
    claim(
        entry::temporal,
        "faq digest: keras #1199, #1537, #2594, #7497; tensorflow PR #37125",
        "`sample_weight_mode=\"temporal\"` is gone. It stopped doing anything in TF 2.2 and was \
         removed from `compile()`; Keras 3 raises on it and takes 2-D `(samples, timesteps)` \
         sample weights in `fit` directly.",
    )
    .input("x (2 samples × 3 steps × 2 features)", shown("q09.x"))
    .input("y (samples × steps)", shown("q09.y"))
    .input(
        "sample_weight (samples × steps)",
        shown("q09.sample_weight"),
    )
    .input("kernel (bias 0)", shown("q09.kernel"))
    .input(
        text(&p("compile_call")),
        FAQ_FILE.raised_text(&p("temporal")),
    )
    .check(Check::new(
        "compile takes sample_weight_mode=\"temporal\" (Keras 1/2)",
        fw_raised(
            "compile(sample_weight_mode='temporal') raises",
            &p("temporal"),
            "keras",
        ),
        Relation::Equal,
        Number::digest("raises (older versions)", 0.0),
        Tolerance::EXACT,
        CHANGED,
    ))
    .check(Check::new(
        "Keras 3 raises on it",
        fw_raised(
            "compile(sample_weight_mode='temporal') raises",
            &p("temporal"),
            "keras",
        ),
        Relation::Equal,
        Number::digest("raises", 1.0),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .equals_framework(
        "2-D sample weights weight each time step: reweigh = Keras's evaluate",
        Number::reweigh(
            "SparseSoftmaxCrossEntropy::keras(), (2, 3) sample weights",
            n.evaluate_2d,
        ),
        fw(
            "model.evaluate(x, y, sample_weight=sw)",
            &p("evaluate_2d"),
            "keras",
        ),
    )
    .note(
        "Pass the (samples, timesteps) weights to fit or evaluate as they are; \
         `reweigh::schemes::per_timestep_weights` builds them from class weights and gives \
         padded steps weight 0.",
    )
    .build()
}
