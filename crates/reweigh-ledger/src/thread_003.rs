//! Thread 003, "When is it appropriate to use sample_weights in keras?": the zero-weight
//! experiment (rerun in Keras 3 and reproduced by reweigh's trainer), and the advice on
//! weighting, resampling and focal loss at a 1.7 : 1 imbalance, answered on the breast-cancer
//! data.

use super::breast_cancer::{Metric, Strategy, StudyResults, study};
use super::claim::{Check, Claim, ClaimBuilder, Number, Relation, Source, Tolerance, Verdict};
use super::data;
use super::keras_experiment::{self as kx};
use super::threads::THREAD_003;
use reweigh::format::fmt_num;
use reweigh_train::History;

claims! {
    THREAD_003;
    "003-weights-training-loss-only" => weights_training_loss_only,
    "003-zero-weights" => zero_weights,
    "003-val-sample-weights-do-nothing" => val_sample_weights_do_nothing,
    "003-deviations-with-weights-one" => deviations_with_weights_one,
    "003-printed-numbers" => printed_numbers,
    "003-slight-imbalance-left-as-is" => slight_imbalance_left_as_is,
    "003-accuracy-without-reweighting" => accuracy_without_reweighting,
    "003-weight-the-costly-class" => weight_the_costly_class,
    "003-compare-on-a-cost-metric" => compare_on_a_cost_metric,
    "003-focal-reduces-resampling" => focal_reduces_resampling,
    "003-focal-not-in-keras" => focal_not_in_keras,
    "003-focal-kaggle" => focal_kaggle,
}

/// Keras's numbers are float32; reweigh's trainer reproduces them to 1e-6 (frozen runs).
const TOL: Tolerance = Tolerance {
    abs: 1e-6,
    rel: 0.0,
};
const AUTHOR: &str = "answer";
const EXPERIMENT: &str = "100 samples × 3 features, 3 classes, seeded (numpy default_rng(3)); \
                          Dense(3, softmax) frozen after compile, Adam, 2 epochs; \
                          data/keras_experiment/ (Keras 3 run by scripts/keras_experiment/run_experiment.py)";

fn keras_num(scenario: &str, key: &str) -> Number {
    Number::new(
        format!("{scenario}: {key}"),
        kx::keras(scenario, key),
        Source::Framework(kx::versions()),
    )
}

fn reweigh_num(n: &ZeroWeightExperiment, scenario: &str, key: &str) -> Number {
    let values = n
        .history(scenario)
        .get(key)
        .unwrap_or_else(|| panic!("no {key} in the history of {scenario}"));
    Number::reweigh(
        format!("{scenario}: {key}"),
        *values.last().expect("at least one epoch"),
    )
}

/// Checks that reweigh's trainer reproduces every logged number of the scenarios.
fn reproduces(mut b: ClaimBuilder, n: &ZeroWeightExperiment, scenarios: &[&str]) -> ClaimBuilder {
    for s in scenarios {
        b = b.equal(
            format!("reweigh's trainer reproduces Keras's history of {s} (max |difference|)"),
            Number::reweigh(
                format!("{s}: max |reweigh − Keras|"),
                kx::max_diff(&kx::experiment().scenario(s).history, n.history(s)),
            ),
            Number::reweigh("zero", 0.0),
            TOL,
            Verdict::NotReproducible,
        );
    }
    b
}

/// The numbers of the answer's experiment (what notebook 04 computes in its cells): reweigh's
/// `History` of each Keras scenario the claims judge, every one trained by `reweigh_train` from
/// the experiment's stored initial weights with the scenario's `fit` arguments
/// ([`kx::train`]); Keras's own histories stay in `data/keras_experiment/`, read by the judge.
#[derive(Clone, Debug, PartialEq)]
pub struct ZeroWeightExperiment {
    /// Frozen model, `class_weight={0: 1, 1: 1, 2: 1}`.
    pub class_weight_ones: History<f64>,
    /// Frozen model, `class_weight={0: 0, 1: 0, 2: 0}`.
    pub class_weight_zeros: History<f64>,
    /// Frozen model, zero training sample weights.
    pub sample_weight_zeros: History<f64>,
    /// Frozen model, zero training and validation sample weights.
    pub sample_weight_zeros_val_zeros: History<f64>,
    /// Frozen model, no weights.
    pub no_weights: History<f64>,
    /// The same model left trainable, 5 epochs, no weights.
    pub unfrozen_5_epochs: History<f64>,
}

impl ZeroWeightExperiment {
    /// The scenarios, by their names in `data/keras_experiment/histories.json`.
    pub const SCENARIOS: [&'static str; 6] = [
        "class_weight_ones",
        "class_weight_zeros",
        "sample_weight_zeros",
        "sample_weight_zeros_val_zeros",
        "no_weights",
        "unfrozen_5_epochs",
    ];

    /// Computes them with the public API (the main job's path): each scenario's model built
    /// from the stored initial weights, frozen as the thread froze it, and fitted
    /// ([`kx::run_scenario`], which is [`kx::train`] in float64, cached).
    pub fn compute() -> Self {
        let h = kx::run_scenario;
        ZeroWeightExperiment {
            class_weight_ones: h("class_weight_ones"),
            class_weight_zeros: h("class_weight_zeros"),
            sample_weight_zeros: h("sample_weight_zeros"),
            sample_weight_zeros_val_zeros: h("sample_weight_zeros_val_zeros"),
            no_weights: h("no_weights"),
            unfrozen_5_epochs: h("unfrozen_5_epochs"),
        }
    }

    /// The history of a scenario (one of [`Self::SCENARIOS`]; panics otherwise).
    pub fn history(&self, scenario: &str) -> &History<f64> {
        match scenario {
            "class_weight_ones" => &self.class_weight_ones,
            "class_weight_zeros" => &self.class_weight_zeros,
            "sample_weight_zeros" => &self.sample_weight_zeros,
            "sample_weight_zeros_val_zeros" => &self.sample_weight_zeros_val_zeros,
            "no_weights" => &self.no_weights,
            "unfrozen_5_epochs" => &self.unfrozen_5_epochs,
            other => panic!("the experiment's claims use no scenario {other}"),
        }
    }

    /// Largest `|reweigh − Keras|` over every logged number of every epoch of a scenario.
    pub fn max_diff(&self, scenario: &str) -> f64 {
        kx::max_diff(
            &kx::experiment().scenario(scenario).history,
            self.history(scenario),
        )
    }
}

/// The claims' checks as functions of the computed numbers (the notebook computes, the ledger
/// judges): the Keras experiment's from a [`ZeroWeightExperiment`], the breast-cancer study's
/// from its [`StudyResults`] ([`crate::breast_cancer::run`]).
pub mod judge {
    use super::*;

    /// The answer's conclusion: "both class_weight and sample_weight only affect training loss, no
    /// effect on any metrics or validation loss".
    pub fn weights_training_loss_only(n: &ZeroWeightExperiment) -> Claim {
        let (cw1, cw0, sw0, none) = (
            "class_weight_ones",
            "class_weight_zeros",
            "sample_weight_zeros",
            "no_weights",
        );
        let b = Claim::for_entry(
            entry::weights_training_loss_only,
            AUTHOR,
            "The conclusion is that both class_weight and sample_weight only affect training loss, \
             no effect on any metrics or validation loss.",
        )
        .input("experiment", EXPERIMENT)
        .input(
            "calls",
            format!("{}; {}; {}", kx::call(cw0), kx::call(sw0), kx::call(none)),
        )
        .differ(
            "class weights 1 → 0 change the training loss",
            keras_num(cw1, "loss"),
            keras_num(cw0, "loss"),
            TOL,
            Verdict::Refuted,
        )
        .equal(
            "…not the accuracy (metrics=)",
            keras_num(cw1, "accuracy"),
            keras_num(cw0, "accuracy"),
            TOL,
            Verdict::Refuted,
        )
        .equal(
            "…not the validation loss",
            keras_num(cw1, "val_loss"),
            keras_num(cw0, "val_loss"),
            TOL,
            Verdict::Refuted,
        )
        .differ(
            "sample weights 0 change the training loss",
            keras_num(sw0, "loss"),
            keras_num(none, "loss"),
            TOL,
            Verdict::Refuted,
        )
        .equal(
            "…not the validation loss",
            keras_num(sw0, "val_loss"),
            keras_num(none, "val_loss"),
            TOL,
            Verdict::Refuted,
        )
        .equal(
            "…nor any metric: weighted_metrics= accuracy, class weights 1 vs 0",
            keras_num(cw1, "weighted_accuracy"),
            keras_num(cw0, "weighted_accuracy"),
            TOL,
            Verdict::ReproducedWithCaveat,
        );
        reproduces(b, n, &[cw1, cw0, sw0, none])
            .note(format!(
                "In Keras 3 class and sample weights enter the training loss (Σ w·l / n: {} with all \
                 weights 0) and nothing computed with metrics=: accuracy stays {}, val_loss {}. \
                 Metrics compiled as weighted_metrics= do use them (weighted accuracy {} → {}), and \
                 validation sample weights weight val_loss (003-val-sample-weights-do-nothing).",
                fmt_num(kx::keras(cw0, "loss")),
                fmt_num(kx::keras(cw0, "accuracy")),
                fmt_num(kx::keras(cw0, "val_loss")),
                fmt_num(kx::keras(cw1, "weighted_accuracy")),
                fmt_num(kx::keras(cw0, "weighted_accuracy")),
            ))
            .figure("keras_experiment_history.svg")
            .build()
    }

    /// The thread's runs with zero weights: "loss: 0.0000e+00 - sparse_categorical_accuracy: 0.3300".
    pub fn zero_weights(n: &ZeroWeightExperiment) -> Claim {
        let (cw1, cw0, sw0) = (
            "class_weight_ones",
            "class_weight_zeros",
            "sample_weight_zeros",
        );
        let b = Claim::for_entry(
            entry::zero_weights,
            AUTHOR,
            "#changing the class weights to zero, to check which loss and metric that is affected … \
             > loss: 0.0000e+00 - sparse_categorical_accuracy: 0.3300 … #changing the sample_weights \
             to zero … > loss: 0.0000e+00 - sparse_categorical_accuracy: 0.3300",
        )
        .input("experiment", EXPERIMENT)
        .equal(
            "class weights 0: training loss exactly 0",
            keras_num(cw0, "loss"),
            Number::thread("loss (thread)", 0.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .equal(
            "sample weights 0: training loss exactly 0",
            keras_num(sw0, "loss"),
            Number::thread("loss (thread)", 0.0),
            Tolerance::EXACT,
            Verdict::Refuted,
        )
        .equal(
            "accuracy unchanged by zero class weights",
            keras_num(cw0, "accuracy"),
            keras_num(cw1, "accuracy"),
            TOL,
            Verdict::Refuted,
        )
        .equal(
            "reweigh: training loss exactly 0 with zero class weights",
            reweigh_num(n, cw0, "loss"),
            Number::reweigh("zero", 0.0),
            Tolerance::EXACT,
            Verdict::NotReproducible,
        );
        reproduces(b, n, &[cw0, sw0])
            .note(
                "Keras divides Σ w·l by the number of samples, so all-zero weights give a loss of \
                 exactly 0 (not 0/0), and a frozen model's predictions, hence its accuracy, do not \
                 depend on the weights.",
            )
            .build()
    }

    /// "val_sample_weights (which you can specify) seems to do nothing(??)".
    pub fn val_sample_weights_do_nothing(n: &ZeroWeightExperiment) -> Claim {
        let (sw0, both) = ("sample_weight_zeros", "sample_weight_zeros_val_zeros");
        let b = Claim::for_entry(
            entry::val_sample_weights_do_nothing,
            AUTHOR,
            "A little surprising as val_sample_weights (which you can specify) seems to do \
             nothing(??). … model.fit(x=x_train, y=y_train, sample_weight=sample_weight_train, \
             validation_data=(x_val, y_val, sample_weight_val)) > loss: 0.0000e+00 - \
             sparse_categorical_accuracy: 0.3300 - val_loss: 1.1931",
        )
        .input("experiment", EXPERIMENT)
        .input("call", kx::call(both))
        .equal(
            "zero validation sample weights leave val_loss unchanged",
            keras_num(both, "val_loss"),
            keras_num(sw0, "val_loss"),
            TOL,
            Verdict::Differs,
        )
        .check(Check::new(
            "the thread saw a non-zero val_loss with zero validation weights",
            Number::thread("val_loss with zero validation weights (thread)", 1.1931),
            Relation::Greater,
            Number::thread("zero", 0.0),
            Tolerance::EXACT,
            Verdict::NotReproducible,
        ))
        .equals_framework_within(
            "reweigh: val_loss 0 with zero validation weights, as Keras 3",
            reweigh_num(n, both, "val_loss"),
            keras_num(both, "val_loss"),
            TOL,
        );
        reproduces(b, n, &[both])
            .note(format!(
                "In Keras 3 validation sample weights weight val_loss like training weights weight \
                 loss: all zero gives val_loss = {} (and val_weighted_accuracy {}), against {} \
                 without them. The thread (TensorFlow 2.x, 2019) printed 1.1931 for the same call: \
                 its Keras ignored them; Keras 3 does not.",
                fmt_num(kx::keras(both, "val_loss")),
                fmt_num(kx::keras(both, "val_weighted_accuracy")),
                fmt_num(kx::keras(sw0, "val_loss")),
            ))
            .build()
    }

    /// "There are some small deviations between using weights and not (even when all weights are
    /// one), possibly due to fit using different backend functions for weighted and unweighted data
    /// or due to rounding error?"
    pub fn deviations_with_weights_one(n: &ZeroWeightExperiment) -> Claim {
        let (cw1, none, unfrozen) = ("class_weight_ones", "no_weights", "unfrozen_5_epochs");
        let drift = kx::keras_history(unfrozen, "val_loss");
        let steps: Vec<f64> = drift.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
        let mean_step = steps.iter().sum::<f64>() / steps.len() as f64;
        let b = Claim::for_entry(
            entry::deviations_with_weights_one,
            AUTHOR,
            "There are some small deviations between using weights and not (even when all weights \
             are one), possible due to fit using different backend functions for weighted and \
             unweighted data or due to rounding error? (val_loss: 1.1965, then 1.1945, then 1.1931 \
             in the three runs)",
        )
        .input("experiment", EXPERIMENT)
        .differ(
            "class weights all 1 vs no weights: training loss deviates",
            keras_num(cw1, "loss"),
            keras_num(none, "loss"),
            Tolerance::EXACT,
            Verdict::Differs,
        )
        .differ(
            "…val_loss deviates",
            keras_num(cw1, "val_loss"),
            keras_num(none, "val_loss"),
            Tolerance::EXACT,
            Verdict::Differs,
        )
        .differ(
            "the thread's val_loss moved between its runs (1.1965 → 1.1931)",
            Number::thread("val_loss, run 1 (thread)", 1.1965),
            Number::thread("val_loss, run 3 (thread)", 1.1931),
            Tolerance::abs(1e-4),
            Verdict::NotReproducible,
        );
        reproduces(b, n, &[cw1, none, unfrozen])
            .number(Number::new(
                "mean |Δ val_loss| per epoch, model that trains (Keras 3)",
                mean_step,
                Source::Framework(kx::versions()),
            ))
            .note(format!(
                "In Keras 3 the frozen model gives bit-identical numbers with weights of one and \
                 without ({} both). The thread's val_loss, which no weight touches, changed from run to \
                 run; it was computed on the same validation data, so the model itself must have \
                 changed between fits. The likeliest cause is that the thread's model kept training: \
                 Keras 2 collected the trainable weights at compile time, so `layer.trainable = False` \
                 set after compile took effect only at the next compile (it warned of a \
                 \"discrepancy between trainable weights and collected trainable weights\"). A model \
                 that trains moves val_loss by {} per epoch here, the order of the thread's \
                 deviations.",
                fmt_num(kx::keras(none, "loss")),
                fmt_num(mean_step),
            ))
            .figure("keras_experiment_history.svg")
            .build()
    }

    /// The numbers of every strategy for a metric, "mean ± std" style.
    fn table(b: ClaimBuilder, s: &StudyResults, metric: Metric) -> ClaimBuilder {
        let mut b = b;
        for strategy in Strategy::ALL {
            let col: Vec<f64> = s
                .scores
                .iter()
                .filter(|f| f.strategy == strategy)
                .map(|f| metric.of(f))
                .collect();
            b = b
                .number(Number::reweigh(
                    format!("{}: {} (mean)", strategy, metric.name()),
                    crate::util::mean(&col),
                ))
                .number(Number::reweigh(
                    format!("{}: {} (std over folds)", strategy, metric.name()),
                    crate::util::std(&col),
                ));
        }
        b
    }

    /// A check that `a` is not worse than `b` on `metric` beyond two standard errors of the paired
    /// difference (higher is better, except for the cost).
    fn not_worse(
        s: &StudyResults,
        a: Strategy,
        b: Strategy,
        metric: Metric,
        on_fail: Verdict,
    ) -> Check {
        let (_, se) = s.paired(a, b, metric);
        let relation = if metric == Metric::ExpectedCost {
            Relation::AtMost
        } else {
            Relation::AtLeast
        };
        Check::new(
            format!(
                "{} of {a} not worse than {b} (2 standard errors of the paired difference)",
                metric.name()
            ),
            Number::reweigh(format!("{a}: {}", metric.name()), s.mean(a, metric)),
            relation,
            Number::reweigh(format!("{b}: {}", metric.name()), s.mean(b, metric)),
            Tolerance::abs(2.0 * se),
            on_fail,
        )
    }

    /// The question: at about 1.7 : 1, is it OK to leave the slightly imbalanced data as it is?
    pub fn slight_imbalance_left_as_is(s: &StudyResults) -> Claim {
        let mut b = Claim::for_entry(
            entry::slight_imbalance_left_as_is,
            "question",
            "My dataset has 2 classes, and I don't actually have a seriously imbalanced class \
             distribution. The ratio is approx. 1.7 : 1. Is that necessary to use class_weight to \
             balance the loss or even use oversampling? Is that OK to leave the slightly imbalanced \
             data as the usual dataset treated?",
        )
        .input("study", s.config.describe());
        for other in [Strategy::ClassWeighted, Strategy::OverSampled] {
            let (d, se) = s.paired(other, Strategy::Unweighted, Metric::BalancedAccuracy);
            b = b.check(Check::new(
                format!(
                    "{other} vs unweighted: balanced accuracy differs by less than 2 standard errors"
                ),
                Number::reweigh(format!("mean paired difference {other} − unweighted"), d),
                Relation::Equal,
                Number::reweigh("zero", 0.0),
                Tolerance::abs(2.0 * se),
                Verdict::Refuted,
            ));
        }
        b = table(b, s, Metric::BalancedAccuracy);
        b.note(format!(
            "Balanced accuracy on held-out folds with the thread's ratio: unweighted {}, \
             class-weighted {}, over-sampled {} (means over {} folds); each check compares a paired \
             difference with twice its standard error. The weights change which errors the model \
             makes rather than how many (003-weight-the-costly-class).",
            fmt_num(s.mean(Strategy::Unweighted, Metric::BalancedAccuracy)),
            fmt_num(s.mean(Strategy::ClassWeighted, Metric::BalancedAccuracy)),
            fmt_num(s.mean(Strategy::OverSampled, Metric::BalancedAccuracy)),
            s.scores.len() / Strategy::ALL.len(),
        ))
        .figure("breast_cancer.svg")
        .build()
    }

    /// "Are you optimizing for accuracy, then as long as the training data is equally skewed as when
    /// the model is in production, the best result will be achieved just training without any
    /// over/under sampling and/or class weights."
    pub fn accuracy_without_reweighting(s: &StudyResults) -> Claim {
        let mut b = Claim::for_entry(
            entry::accuracy_without_reweighting,
            AUTHOR,
            "Are you optimizing for accuracy, then as long as the training data is equally skewed as \
             when the model is in production, the best result will be achieved just training without \
             any over/under sampling and/or class weights.",
        )
        .input("study", s.config.describe());
        for other in [
            Strategy::ClassWeighted,
            Strategy::OverSampled,
            Strategy::UnderSampled,
        ] {
            b = b.check(not_worse(
                s,
                Strategy::Unweighted,
                other,
                Metric::Accuracy,
                Verdict::Refuted,
            ));
        }
        b = table(b, s, Metric::Accuracy);
        b.number(Number::reweigh(
            "best strategy by accuracy (index in the table)",
            Strategy::ALL
                .iter()
                .position(|&x| x == s.best(Metric::Accuracy))
                .expect("a strategy") as f64,
        ))
        .note(format!(
            "Held-out accuracy: unweighted {}, class-weighted {}, over-sampled {}, under-sampled {}; \
             the folds keep the data's 1 : 1.68 ratio, as production would.",
            fmt_num(s.mean(Strategy::Unweighted, Metric::Accuracy)),
            fmt_num(s.mean(Strategy::ClassWeighted, Metric::Accuracy)),
            fmt_num(s.mean(Strategy::OverSampled, Metric::Accuracy)),
            fmt_num(s.mean(Strategy::UnderSampled, Metric::Accuracy)),
        ))
        .figure("breast_cancer.svg")
        .build()
    }

    /// "If you on the other hand have something where one class is more important (or expensive)
    /// than another then you should be weighting the data."
    pub fn weight_the_costly_class(s: &StudyResults) -> Claim {
        let (d, se) = s.paired(
            Strategy::CostWeighted,
            Strategy::Unweighted,
            Metric::ExpectedCost,
        );
        let (dr, ser) = s.paired(
            Strategy::CostWeighted,
            Strategy::Unweighted,
            Metric::MalignantRecall,
        );
        let y = crate::breast_cancer::load()
            .y
            .as_slice()
            .expect("contiguous");
        let counts = reweigh::schemes::ClassCounts::from_labels(y).expect("labels");
        let balanced = reweigh::schemes::balanced_weights(counts.to_array::<f64>().view())
            .expect("both classes");
        let b = Claim::for_entry(
            entry::weight_the_costly_class,
            AUTHOR,
            "If you on the other hand have something where one class is more important (or \
             expensive) than another then you should be weighting the data. For example in fraud \
             prevention, where fraud normally is much more expensive than the income of non-fraud.",
        )
        .input("study", s.config.describe())
        .check(Check::new(
            format!(
                "weighting the costly class ({} : 1) does not raise the expected cost (mean paired \
                 difference at most 0 + 2 standard errors)",
                fmt_num(s.config.miss_cost)
            ),
            Number::reweigh(
                "mean paired difference of expected cost, cost-weighted − unweighted",
                d,
            ),
            Relation::AtMost,
            Number::reweigh("zero", 0.0),
            Tolerance::abs(2.0 * se),
            Verdict::Refuted,
        ))
        .check(Check::new(
            "…it lowers it by more than 2 standard errors",
            Number::reweigh(
                "mean paired difference of expected cost, cost-weighted − unweighted",
                d,
            ),
            Relation::Less,
            Number::reweigh("zero", 0.0),
            Tolerance::abs(2.0 * se),
            Verdict::ReproducedWithCaveat,
        ))
        .check(Check::new(
            "…by catching more malignant tumours (recall, 2 standard errors)",
            Number::reweigh(
                "mean paired difference of malignant recall, cost-weighted − unweighted",
                dr,
            ),
            Relation::Greater,
            Number::reweigh("zero", 0.0),
            Tolerance::abs(2.0 * ser),
            Verdict::Refuted,
        ));
        table(table(b, s, Metric::ExpectedCost), s, Metric::MalignantRecall)
            .note(format!(
                "With a missed malignant tumour costing {} false alarms, class weights in the same \
                 ratio move the decision threshold towards 'malignant': recall {} → {}, expected \
                 cost per patient {} → {} (unweighted → cost-weighted), more false alarms paying for \
                 fewer misses. Balanced weights ({} : {} on the whole data) give an expected cost of {}.",
                fmt_num(s.config.miss_cost),
                fmt_num(s.mean(Strategy::Unweighted, Metric::MalignantRecall)),
                fmt_num(s.mean(Strategy::CostWeighted, Metric::MalignantRecall)),
                fmt_num(s.mean(Strategy::Unweighted, Metric::ExpectedCost)),
                fmt_num(s.mean(Strategy::CostWeighted, Metric::ExpectedCost)),
                fmt_num(balanced[0]),
                fmt_num(balanced[1]),
                fmt_num(s.mean(Strategy::ClassWeighted, Metric::ExpectedCost)),
            ))
            .figure("breast_cancer.svg")
            .build()
    }

    /// "I would suggest you try out unweighted classes, weighted classes and some under/over-
    /// sampling and check which gives the best validation results. Use a validation function (or
    /// write your own) that best will compare different models (for example weighting true
    /// positive, false positive, true negative and false negative differently dependent on cost)."
    pub fn compare_on_a_cost_metric(s: &StudyResults) -> Claim {
        let index = |m| {
            Strategy::ALL
                .iter()
                .position(|&x| x == s.best(m))
                .expect("a strategy") as f64
        };
        let (d, se) = s.paired(
            s.best(Metric::Accuracy),
            s.best(Metric::ExpectedCost),
            Metric::ExpectedCost,
        );
        let b = Claim::for_entry(
            entry::compare_on_a_cost_metric,
            AUTHOR,
            "I would suggest you try out unweighted classes, weighted classes and some \
             under/over-sampling and check which gives the best validation results. Use a validation \
             function (or write your own) that best will compare different models (for-example \
             weighting true-positive, false-positive, true-negative and false-negative differently \
             dependent on cost).",
        )
        .input("study", s.config.describe())
        .input(
            "strategy index",
            Strategy::ALL
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{i} = {s}"))
                .collect::<Vec<_>>()
                .join(", "),
        )
        .check(Check::new(
            "the validation function changes the choice: on expected cost, the best strategy by \
             expected cost beats the best by accuracy (mean paired difference, 2 standard errors)",
            Number::reweigh(
                "expected cost, best by accuracy − best by expected cost (mean paired difference)",
                d,
            ),
            Relation::Greater,
            Number::reweigh("zero", 0.0),
            Tolerance::abs(2.0 * se),
            Verdict::ReproducedWithCaveat,
        ))
        .number(Number::reweigh(
            "best by accuracy (index)",
            index(Metric::Accuracy),
        ))
        .number(Number::reweigh(
            "best by expected cost (index)",
            index(Metric::ExpectedCost),
        ))
        .number(Number::reweigh(
            "best by balanced accuracy (index)",
            index(Metric::BalancedAccuracy),
        ))
        .number(Number::reweigh(
            "best by macro-F1 (index)",
            index(Metric::MacroF1),
        ));
        table(
            table(table(b, s, Metric::BalancedAccuracy), s, Metric::MacroF1),
            s,
            Metric::ExpectedCost,
        )
        .note(format!(
            "Ranked by accuracy the best strategy is {}; by balanced accuracy {}; by macro-F1 {}; \
                 by expected cost {}. Whether the ranking by cost differs beyond noise is the check.",
            s.best(Metric::Accuracy),
            s.best(Metric::BalancedAccuracy),
            s.best(Metric::MacroF1),
            s.best(Metric::ExpectedCost),
        ))
        .figure("breast_cancer.svg")
        .build()
    }

    /// "Focal-loss reduce the need for over/under-sampling."
    pub fn focal_reduces_resampling(s: &StudyResults) -> Claim {
        let mut b = Claim::for_entry(
            entry::focal_reduces_resampling,
            AUTHOR,
            "A relatively new loss-function that has shown great result at kaggle competitions on \
             skewed data is Focal-loss. Focal-loss reduce the need for over/under-sampling.",
        )
        .input("study", s.config.describe())
        .input(
            "focal loss",
            "categorical focal loss, γ = 2, no α, on the data as it is",
        );
        for metric in [Metric::BalancedAccuracy, Metric::MacroF1] {
            for resampled in [Strategy::OverSampled, Strategy::UnderSampled] {
                b = b.check(not_worse(
                    s,
                    Strategy::Focal,
                    resampled,
                    metric,
                    Verdict::Refuted,
                ));
            }
        }
        let (d, se) = s.paired(
            Strategy::Focal,
            Strategy::Unweighted,
            Metric::BalancedAccuracy,
        );
        b = b
            .number(Number::reweigh(
                "mean paired difference of balanced accuracy, focal − unweighted",
                d,
            ))
            .number(Number::reweigh("its standard error", se));
        table(b, s, Metric::BalancedAccuracy)
            .note(format!(
                "Without resampling, focal loss reaches a balanced accuracy of {} against {} \
                 (over-sampled) and {} (under-sampled); plain cross-entropy gives {}. Its expected \
                 cost is {} (cost-weighted cross-entropy: {}).",
                fmt_num(s.mean(Strategy::Focal, Metric::BalancedAccuracy)),
                fmt_num(s.mean(Strategy::OverSampled, Metric::BalancedAccuracy)),
                fmt_num(s.mean(Strategy::UnderSampled, Metric::BalancedAccuracy)),
                fmt_num(s.mean(Strategy::Unweighted, Metric::BalancedAccuracy)),
                fmt_num(s.mean(Strategy::Focal, Metric::ExpectedCost)),
                fmt_num(s.mean(Strategy::CostWeighted, Metric::ExpectedCost)),
            ))
            .figure("breast_cancer.svg")
            .figure("focal_loss.svg")
            .build()
    }
}

/// The answer's conclusion (registry entry): [`judge::weights_training_loss_only`] of the
/// computed experiment.
pub fn weights_training_loss_only() -> Claim {
    judge::weights_training_loss_only(&ZeroWeightExperiment::compute())
}

/// The zero-weight runs (registry entry): [`judge::zero_weights`].
pub fn zero_weights() -> Claim {
    judge::zero_weights(&ZeroWeightExperiment::compute())
}

/// "val_sample_weights seems to do nothing" (registry entry): [`judge::val_sample_weights_do_nothing`].
pub fn val_sample_weights_do_nothing() -> Claim {
    judge::val_sample_weights_do_nothing(&ZeroWeightExperiment::compute())
}

/// "Small deviations" (registry entry): [`judge::deviations_with_weights_one`].
pub fn deviations_with_weights_one() -> Claim {
    judge::deviations_with_weights_one(&ZeroWeightExperiment::compute())
}

/// Leave a 1.7 : 1 imbalance as it is? (registry entry): [`judge::slight_imbalance_left_as_is`]
/// of the study.
pub fn slight_imbalance_left_as_is() -> Claim {
    judge::slight_imbalance_left_as_is(study())
}

/// Optimising accuracy (registry entry): [`judge::accuracy_without_reweighting`].
pub fn accuracy_without_reweighting() -> Claim {
    judge::accuracy_without_reweighting(study())
}

/// Weight the costly class (registry entry): [`judge::weight_the_costly_class`].
pub fn weight_the_costly_class() -> Claim {
    judge::weight_the_costly_class(study())
}

/// Compare on a cost metric (registry entry): [`judge::compare_on_a_cost_metric`].
pub fn compare_on_a_cost_metric() -> Claim {
    judge::compare_on_a_cost_metric(study())
}

/// Focal loss and resampling (registry entry): [`judge::focal_reduces_resampling`].
pub fn focal_reduces_resampling() -> Claim {
    judge::focal_reduces_resampling(study())
}

/// The thread's printed numbers themselves.
pub fn printed_numbers() -> Claim {
    Claim::for_entry(
        entry::printed_numbers,
        AUTHOR,
        "> loss: 1.1882 - sparse_categorical_accuracy: 0.3300 - val_loss: 1.1965 - \
         val_sparse_categorical_accuracy: 0.3100",
    )
    .cannot_check(
        "the data come from np.random.rand / np.random.randint without a seed and the model's \
         initial weights from an unseeded initialiser, so these exact values cannot be \
         regenerated; the same experiment on seeded data is data/keras_experiment/ (the other \
         003 claims)",
    )
    .build()
}

/// "Unfortunately Focal-loss is not a built inn function in keras (yet)."
pub fn focal_not_in_keras() -> Claim {
    Claim::for_entry(
        entry::focal_not_in_keras,
        AUTHOR,
        "Unfortunately Focal-loss is not a built inn function in keras (yet), but can be manually \
         programmed.",
    )
    .equal(
        "Keras has no built-in focal loss",
        Number::new(
            "hasattr(keras.losses, 'BinaryFocalCrossentropy')",
            data::f("t003.keras_has_binary_focal"),
            data::fw("keras"),
        ),
        Number::thread("built in (the answer)", 0.0),
        Tolerance::EXACT,
        Verdict::Differs,
    )
    .number(Number::new(
        "hasattr(keras.losses, 'CategoricalFocalCrossentropy')",
        data::f("t003.keras_has_categorical_focal"),
        data::fw("keras"),
    ))
    .note(
        "Keras now ships BinaryFocalCrossentropy and CategoricalFocalCrossentropy; reweigh's \
         BinaryFocalLoss::keras and CategoricalFocalLoss::keras reproduce them (golden cases in \
         data/reference/focal.json).",
    )
    .build()
}

/// "Focal-loss has shown great results at kaggle competitions on skewed data."
pub fn focal_kaggle() -> Claim {
    Claim::for_entry(
        entry::focal_kaggle,
        AUTHOR,
        "A relatively new loss-function that has shown great result at kaggle competitions on \
         skewed data is Focal-loss.",
    )
    .cannot_check(
        "the answer names no competition, data set or result; the breast-cancer study \
         (003-focal-reduces-resampling) measures focal loss on one skewed data set",
    )
    .build()
}
