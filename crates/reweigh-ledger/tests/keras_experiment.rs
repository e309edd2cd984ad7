//! The seed-003 experiment (class_weight / sample_weight / validation weights in `model.fit`)
//! reproduced with `reweigh_train` against real Keras 3.
//!
//! `scripts/keras_experiment/run_experiment.py` ran every scenario in Keras 3 (TensorFlow
//! backend, float32) and saved the data, the initial weights, Keras's `History` and the weights
//! after every epoch in `data/keras_experiment/`. Each rstest case trains the same model from
//! the same weights in float32 and compares every logged number: frozen scenarios to 1e-6
//! absolute, trained (unfrozen) ones to 1e-5. Frozen scenarios ran shuffled in Keras (the
//! thread's default); they are shuffled here too, in reweigh's own order: with a frozen model
//! the order only moves float rounding. Trained scenarios ran with `shuffle=False`.
//!
//! The histories are locked by insta snapshots in `snapshots/`, and the verdicts on the thread's
//! conclusions are computed from Keras's numbers (and re-derived from reweigh's) with the
//! ledger's checks. The data, the models and the `fit` calls come from the ledger's loader,
//! [`reweigh_ledger::keras_experiment`], which the ledger's thread-003 claims use too.

use ndarray::{Array1, Array2};
use reweigh_ledger::keras_experiment::{
    FitCall, SavedArray, experiment, max_diff as max_history_diff, train,
};
use reweigh_ledger::{Check, Claim, Number, Relation, Source, THREAD_003, Tolerance, Verdict};
use reweigh_train::{ClassWeight, FitOptions, History, Sequential, Trainer, Validation};
use rstest::rstest;
use serde::Serialize;
use std::collections::BTreeMap;

/// The Keras model of `arch` with its saved initial weights, in float32.
fn model(arch: &str) -> Sequential<f32> {
    experiment().model(arch)
}

/// Runs a scenario with reweigh in float32: the same data, weights and fit arguments as the Keras
/// run.
fn run(name: &str) -> (History<f32>, Trainer<f32>) {
    train(experiment().scenario(name))
}

/// Largest |weights − Keras's weights|.
fn max_weight_diff(model: &Sequential<f32>, keras: &[SavedArray<f64>]) -> f64 {
    let mut worst = 0.0_f64;
    for (i, layer) in model.layers().iter().enumerate() {
        let k = keras[2 * i].array::<f32>();
        let b = keras[2 * i + 1].array::<f32>();
        for (o, k) in layer
            .kernel()
            .iter()
            .chain(layer.bias())
            .zip(k.iter().chain(&b))
        {
            worst = worst.max((o - k).abs() as f64);
        }
    }
    worst
}

fn history_snapshot(h: &History<f32>) -> String {
    let mut out = String::new();
    for key in h.keys() {
        let values: Vec<String> = h
            .get(key)
            .unwrap()
            .iter()
            .map(|v| format!("{v:.9}"))
            .collect();
        out += &format!("{key:<22} {}\n", values.join(" "));
    }
    out
}

#[rstest]
#[case::class_weight_ones("class_weight_ones", 1e-6)]
#[case::class_weight_zeros("class_weight_zeros", 1e-6)]
#[case::sample_weight_zeros_val_zeros("sample_weight_zeros_val_zeros", 1e-6)]
#[case::sample_weight_zeros("sample_weight_zeros", 1e-6)]
#[case::no_weights("no_weights", 1e-6)]
#[case::class_weight_0_is_10("class_weight_0_is_10", 1e-6)]
#[case::unfrozen_5_epochs("unfrozen_5_epochs", 1e-5)]
#[case::unfrozen_sample_weights("unfrozen_sample_weights", 1e-5)]
#[case::unfrozen_class_weight_batch16("unfrozen_class_weight_batch16", 1e-5)]
#[case::unfrozen_hidden_relu("unfrozen_hidden_relu", 1e-5)]
fn reproduces_keras_history(#[case] name: &str, #[case] tolerance: f64) {
    let s = experiment().scenario(name);
    let (history, trainer) = run(name);
    let worst = max_history_diff(&s.history, &history);
    // the weights after the last epoch (Keras: a callback's model.get_weights())
    let worst_w = max_weight_diff(trainer.model(), s.weights_per_epoch.last().unwrap());
    println!("{name}: max |history − Keras| = {worst:.3e}, max |weights − Keras| = {worst_w:.3e}");
    assert!(
        worst <= tolerance,
        "{name}: history differs from Keras by {worst:e}"
    );
    assert!(
        worst_w <= tolerance,
        "{name}: weights differ from Keras by {worst_w:e}"
    );
    if s.frozen {
        let mut initial = model(&s.arch);
        initial.set_trainable(false);
        assert_eq!(trainer.model(), &initial, "{name}: a frozen model changed");
        assert_eq!(trainer.adam().iterations(), 0);
    }
    insta::with_settings!({snapshot_path => "../../../snapshots", snapshot_suffix => name, prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("keras_experiment_history", history_snapshot(&history));
    });
}

/// The answer's code as written: one model, compiled, frozen after compile, then three fits in a
/// row (class weights 1, class weights 0, sample weights 0 with zero validation weights).
#[test]
fn reproduces_the_thread_sequence() {
    let seq = &experiment().histories.sequence;
    let mut trainer = Trainer::new(model(&seq.arch));
    trainer.model_mut().set_trainable(false);
    let mut snapshot = String::new();
    for (i, f) in seq.fits.iter().enumerate() {
        let history = FitCall::thread(f).run(&mut trainer);
        let worst = max_history_diff(&f.history, &history);
        let worst_w = max_weight_diff(trainer.model(), &f.weights_after);
        println!(
            "thread fit {i}: max |history − Keras| = {worst:.3e}, max |weights − Keras| = {worst_w:.3e}"
        );
        assert!(
            worst <= 1e-6 && worst_w == 0.0,
            "fit {i}: {worst:e}, {worst_w:e}"
        );
        snapshot += &format!("fit {}\n{}", i + 1, history_snapshot(&history));
    }
    insta::with_settings!({snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("keras_experiment_thread_sequence", snapshot);
    });
}

/// A Keras number: `(scenario, key)`, final epoch.
/// `thread_sequence/<i>` is the i-th fit (from 1) of the thread's sequence.
fn keras(name: &str, key: &str) -> Number {
    let e = experiment();
    let history = match name.strip_prefix("thread_sequence/") {
        Some(i) => &e.histories.sequence.fits[i.parse::<usize>().unwrap() - 1].history,
        None => &e.scenario(name).history,
    };
    Number::new(
        format!("{name}: {key}"),
        *history[key].last().unwrap(),
        Source::Framework(keras_versions()),
    )
}

/// What the Keras numbers were measured with.
fn keras_versions() -> String {
    let v = &experiment().versions;
    format!(
        "keras {}, tensorflow-cpu {} (float32)",
        v.keras, v.tensorflow
    )
}

/// A conclusion of the thread as a ledger claim (outside the registry: the registry's
/// `003-*` claims state the same conclusions with their own checks): the checks that test it,
/// each refuting it if it fails, and what the numbers show.
fn finding(
    quote: &'static str,
    source: &'static str,
    checks: Vec<Check>,
    explanation: &'static str,
) -> Claim {
    let mut b = Claim::builder("003-keras-experiment", &THREAD_003, source, quote)
        .input("measured with", keras_versions())
        .note(explanation);
    for c in checks {
        b = b.check(c);
    }
    b.build()
}

/// Keras's numbers against each other: equal within 1e-6 (the reproduction tolerance of the
/// frozen runs).
const TOLERANCE: Tolerance = Tolerance {
    abs: 1e-6,
    rel: 0.0,
};

/// How many of a finding's checks hold: `"holds"` (all), `"partly"` (some) or `"refuted"`
/// (none).
fn outcome(c: &Claim) -> &'static str {
    let held = c.checks.iter().filter(|k| k.holds).count();
    if held == c.checks.len() {
        "holds"
    } else if held == 0 {
        "refuted"
    } else {
        "partly"
    }
}

/// A finding in the layout `snapshots/keras_experiment_verdicts.snap` locks.
#[derive(Serialize)]
struct FindingJson<'a> {
    claim: &'a str,
    source: &'a str,
    measured_with: &'a str,
    tolerance: f64,
    checks: Vec<CheckJson<'a>>,
    verdict: &'static str,
    explanation: &'a str,
}

/// A check in that layout.
#[derive(Serialize)]
struct CheckJson<'a> {
    what: &'a str,
    left: NumberJson<'a>,
    right: NumberJson<'a>,
    expect: &'static str,
    abs_diff: f64,
    holds: bool,
}

/// A number in that layout.
#[derive(Serialize)]
struct NumberJson<'a> {
    label: &'a str,
    value: f64,
}

impl<'a> NumberJson<'a> {
    fn of(n: &'a Number) -> Self {
        NumberJson {
            label: &n.label,
            value: n.value,
        }
    }
}

impl<'a> FindingJson<'a> {
    fn of(c: &'a Claim) -> Self {
        let checks = c
            .checks
            .iter()
            .map(|k| CheckJson {
                what: &k.what,
                left: NumberJson::of(&k.left),
                right: NumberJson::of(&k.right),
                expect: match k.relation {
                    Relation::Equal => "equal",
                    Relation::Differ => "differ",
                    other => panic!("a finding compares with = or ≠, not {}", other.symbol()),
                },
                abs_diff: (k.left.value - k.right.value).abs(),
                holds: k.holds,
            })
            .collect();
        FindingJson {
            claim: c.quote,
            source: c.author,
            measured_with: &c.inputs[0].value,
            tolerance: TOLERANCE.abs,
            checks,
            verdict: outcome(c),
            explanation: &c.note,
        }
    }
}

/// The thread's three conclusions (and the freezing it relied on), checked on Keras 3's numbers
/// at 1e-6 (the reproduction tolerance of the frozen runs).
fn findings(get: &dyn Fn(&str, &str) -> Number, frozen_weight_change: Number) -> Vec<Claim> {
    let source = "seed thread 003 (answer, TensorFlow 2.x / tf.keras, 2019)";
    let check = |what: &str, left: Number, relation: Relation, right: Number| {
        Check::new(what, left, relation, right, TOLERANCE, Verdict::Refuted)
    };
    let same = |what: &str, a: (&str, &str), b: (&str, &str)| {
        check(what, get(a.0, a.1), Relation::Equal, get(b.0, b.1))
    };
    let differ = |what: &str, a: (&str, &str), b: (&str, &str)| {
        check(what, get(a.0, a.1), Relation::Differ, get(b.0, b.1))
    };
    let (cw1, cw0, none) = ("class_weight_ones", "class_weight_zeros", "no_weights");
    let (sw0, sw0_val0) = ("sample_weight_zeros", "sample_weight_zeros_val_zeros");
    vec![
        finding(
            "both class_weight and sample_weight only affect the training loss, no effect on any \
             metric or the validation loss",
            source,
            vec![
                differ(
                    "training loss, class weights 1 vs 0",
                    (cw1, "loss"),
                    (cw0, "loss"),
                ),
                same(
                    "accuracy (metrics=), class weights 1 vs 0",
                    (cw1, "accuracy"),
                    (cw0, "accuracy"),
                ),
                same(
                    "val_loss, class weights 1 vs 0",
                    (cw1, "val_loss"),
                    (cw0, "val_loss"),
                ),
                same(
                    "val_accuracy, class weights 1 vs 0",
                    (cw1, "val_accuracy"),
                    (cw0, "val_accuracy"),
                ),
                differ(
                    "training loss, sample weights 0 vs none",
                    (sw0, "loss"),
                    (none, "loss"),
                ),
                same(
                    "accuracy (metrics=), sample weights 0 vs none",
                    (sw0, "accuracy"),
                    (none, "accuracy"),
                ),
                same(
                    "val_loss, sample weights 0 vs none",
                    (sw0, "val_loss"),
                    (none, "val_loss"),
                ),
                same(
                    "weighted_accuracy (weighted_metrics=), class weights 1 vs 0",
                    (cw1, "weighted_accuracy"),
                    (cw0, "weighted_accuracy"),
                ),
                same(
                    "weighted_accuracy (weighted_metrics=), class weights 1 vs {0: 10}",
                    (cw1, "weighted_accuracy"),
                    ("class_weight_0_is_10", "weighted_accuracy"),
                ),
                same(
                    "weighted_accuracy (weighted_metrics=), sample weights 0 vs none",
                    (sw0, "weighted_accuracy"),
                    (none, "weighted_accuracy"),
                ),
            ],
            "Keras 3: true for the training loss (Σ w·l / n per batch, so zero weights give 0), for \
             metrics= (weights ignored) and for validation (class_weight never reaches it, training \
             sample weights neither). False for weighted_metrics=, which the thread did not use: \
             they compute Σ w·acc / Σ w with the training weights (0 for all-zero weights).",
        ),
        finding(
            "val_sample_weights seems to do nothing",
            source,
            vec![
                same(
                    "val_loss, validation weights 0 vs none",
                    (sw0_val0, "val_loss"),
                    (sw0, "val_loss"),
                ),
                same(
                    "val_weighted_accuracy, validation weights 0 vs none",
                    (sw0_val0, "val_weighted_accuracy"),
                    (sw0, "val_weighted_accuracy"),
                ),
            ],
            "Keras 3: zero validation sample weights make val_loss exactly 0 (Σ w·l / n) and the \
             weighted validation accuracy 0 (divide_no_nan). The thread logged val_loss 1.1931 with \
             zero validation weights, so its TensorFlow did not apply them to the logged loss.",
        ),
        finding(
            "there are small deviations between class weights of 1 and no weights (rounding or \
             different backend functions)",
            source,
            vec![
                differ(
                    "training loss, class weights 1 vs none",
                    (cw1, "loss"),
                    (none, "loss"),
                ),
                differ(
                    "val_loss, class weights 1 vs none",
                    (cw1, "val_loss"),
                    (none, "val_loss"),
                ),
            ],
            "Keras 3 gives bit-identical numbers for class weights 1 and no weights. The thread's \
             drifting val_loss (1.1965, 1.1945, 1.1931 over three fits of one model) is the size of \
             change one unfrozen epoch makes here (val_loss 1.19592 -> 1.19171), which suggests its \
             model kept training: trainable = False set after compile did not freeze on that \
             TensorFlow.",
        ),
        finding(
            "setting layer.trainable = False after compile makes the model static between fits",
            "seed thread 003 (assumed by the experiment's design)",
            vec![
                check(
                    "largest weight change over every frozen fit",
                    frozen_weight_change,
                    Relation::Equal,
                    Number::thread("no change", 0.0),
                ),
                same(
                    "val_loss, the thread's fit 1 (class weights 1) vs fit 2 (class weights 0) on one model",
                    ("thread_sequence/1", "val_loss"),
                    ("thread_sequence/2", "val_loss"),
                ),
                same(
                    "val_accuracy, the thread's fit 1 vs fit 3 on one model",
                    ("thread_sequence/1", "val_accuracy"),
                    ("thread_sequence/3", "val_accuracy"),
                ),
            ],
            "Keras 3: trainable set after compile and before the first fit freezes the layers \
             (0 trainable weights, bit-identical kernel); set after a fit it does not until \
             recompile (data/keras_experiment/README.md).",
        ),
    ]
}

fn frozen_weight_change_keras() -> Number {
    let e = experiment();
    let frozen = e.histories.scenarios.iter().filter(|s| s.frozen);
    let mut runs: Vec<(&str, &Vec<SavedArray<f64>>)> = frozen
        .flat_map(|s| {
            s.weights_per_epoch
                .iter()
                .map(move |w| (s.arch.as_str(), w))
        })
        .collect();
    let seq = &e.histories.sequence;
    runs.extend(
        seq.fits
            .iter()
            .map(|f| (seq.arch.as_str(), &f.weights_after)),
    );
    let mut worst = 0.0_f64;
    for (arch, weights) in runs {
        let init = &e.data.architectures[arch].initial_weights;
        for (w, w0) in weights.iter().zip(init) {
            for (a, b) in w.data.iter().zip(&w0.data) {
                worst = worst.max((a - b).abs());
            }
        }
    }
    Number::new(
        "frozen scenarios: max |w_after − w_before|",
        worst,
        Source::Framework(keras_versions()),
    )
}

#[test]
fn verdicts_on_the_thread_claims() {
    let keras_claims = findings(&keras, frozen_weight_change_keras());
    let outcomes: Vec<&str> = keras_claims.iter().map(outcome).collect();
    assert_eq!(outcomes, ["partly", "refuted", "refuted", "holds"]);
    let verdicts: Vec<Verdict> = keras_claims.iter().map(|c| c.verdict).collect();
    assert_eq!(
        verdicts,
        [
            Verdict::Refuted,
            Verdict::Refuted,
            Verdict::Refuted,
            Verdict::Reproduced
        ]
    );
    // reweigh's own runs give the same verdicts
    let mut ours: BTreeMap<String, History<f32>> = BTreeMap::new();
    let mut frozen_change = 0.0_f64;
    for s in &experiment().histories.scenarios {
        let (h, t) = run(&s.name);
        if s.frozen {
            let m0 = model(&s.arch);
            for (l, l0) in t.model().layers().iter().zip(m0.layers()) {
                let d = (l.kernel() - l0.kernel())
                    .mapv(f32::abs)
                    .fold(0.0_f32, |a, &b| a.max(b));
                frozen_change = frozen_change.max(d as f64);
            }
        }
        ours.insert(s.name.clone(), h);
    }
    let seq = &experiment().histories.sequence;
    let mut trainer = Trainer::new(model(&seq.arch));
    trainer.model_mut().set_trainable(false);
    for (i, f) in seq.fits.iter().enumerate() {
        ours.insert(
            format!("thread_sequence/{}", i + 1),
            FitCall::thread(f).run(&mut trainer),
        );
    }
    let mut initial = model(&seq.arch);
    initial.set_trainable(false);
    assert_eq!(trainer.model(), &initial);
    let get = |name: &str, key: &str| {
        Number::reweigh(
            format!("{name}: {key}"),
            *ours[name].get(key).unwrap().last().unwrap() as f64,
        )
    };
    let frozen_change =
        Number::reweigh("frozen scenarios: max |w_after − w_before|", frozen_change);
    let reweigh_claims = findings(&get, frozen_change);
    for (k, r) in keras_claims.iter().zip(&reweigh_claims) {
        let holds = |c: &Claim| c.checks.iter().map(|k| k.holds).collect::<Vec<_>>();
        assert_eq!(holds(k), holds(r), "{}", k.quote);
        assert_eq!(k.verdict, r.verdict, "{}", k.quote);
    }
    let keras_findings: Vec<FindingJson> = keras_claims.iter().map(FindingJson::of).collect();
    insta::with_settings!({snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!("keras_experiment_verdicts", keras_findings);
    });
}

/// Keras's rules that `fit` enforces (data/keras_experiment/README.md; `keras_sample_weights` in data/ledger/reference.json).
#[rstest]
#[case::class_and_sample_weight("both")]
#[case::missing_class_strict("missing")]
#[case::key_not_a_class_strict("key")]
#[case::label_out_of_range("label")]
#[case::sample_weight_length("sw_len")]
#[case::val_sample_weight_nan("val_nan")]
#[case::batch_size_zero("batch0")]
#[case::wrong_features("features")]
fn fit_rejects(#[case] what: &str) {
    let d = &experiment().data;
    let (x, mut y) = (d.x_train.matrix::<f32>(), d.y_train.labels());
    let ones = Array1::<f32>::ones(y.len());
    let short = Array1::<f32>::ones(3);
    let mut nan = ones.clone();
    nan[4] = f32::NAN;
    let mut trainer = Trainer::new(model("dense3_softmax"));
    let base = FitOptions::new();
    let mut xx = x.clone();
    let opts = match what {
        "both" => base
            .class_weight(ClassWeight::per_class(&[1.0, 1.0, 1.0]))
            .sample_weight(ones.view()),
        "missing" => base.class_weight(ClassWeight::new([(0, 10.0)])),
        "key" => base.class_weight(ClassWeight::new([(0, 1.0), (1, 1.0), (2, 1.0), (5, 2.0)])),
        "label" => {
            y[7] = 3;
            base
        }
        "sw_len" => base.sample_weight(short.view()),
        "val_nan" => base.validation(Validation::new(x.view(), y.view()).sample_weight(nan.view())),
        "batch0" => base.batch_size(0),
        "features" => {
            xx = Array2::zeros((y.len(), 4));
            base
        }
        _ => unreachable!(),
    };
    let err = trainer.fit(xx.view(), y.view(), &opts).unwrap_err();
    println!("{what}: {err}");
    assert_eq!(
        trainer.model(),
        &model("dense3_softmax"),
        "an error must not train"
    );
}

/// The trainer is generic: the same trained run in float64 stays within float32 rounding of
/// Keras's float32 history.
#[test]
fn float64_run_agrees_with_keras() {
    let (h, _) = train::<f64>(experiment().scenario("unfrozen_5_epochs"));
    let worst = max_history_diff(&experiment().scenario("unfrozen_5_epochs").history, &h);
    println!("unfrozen_5_epochs in float64: max |history − Keras float32| = {worst:.3e}");
    assert!(worst < 1e-6, "{worst:e}");
}
