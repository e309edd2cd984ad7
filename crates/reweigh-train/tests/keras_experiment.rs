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
//! conclusions are computed from Keras's numbers (and re-derived from reweigh's).

use ndarray::{Array1, Array2, ArrayD, IxDyn};
use reweigh_train::{
    Activation, Check, ClassWeight, Dense, Expect, Finding, FitOptions, History, Measured,
    Sequential, Shuffle, Trainer, Validation, Verdict,
};
use rstest::rstest;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/keras_experiment");

#[derive(Deserialize)]
struct Arr<T> {
    shape: Vec<usize>,
    data: Vec<T>,
}

impl Arr<f64> {
    fn f32(&self) -> ArrayD<f32> {
        ArrayD::from_shape_vec(
            IxDyn(&self.shape),
            self.data.iter().map(|&v| v as f32).collect(),
        )
        .unwrap()
    }
    fn f32_1(&self) -> Array1<f32> {
        self.f32().into_dimensionality().unwrap()
    }
    fn f32_2(&self) -> Array2<f32> {
        self.f32().into_dimensionality().unwrap()
    }
}

#[derive(Deserialize)]
struct LayerSpec {
    units: usize,
    activation: String,
}

#[derive(Deserialize)]
struct Architecture {
    layers: Vec<LayerSpec>,
    initial_weights: Vec<Arr<f64>>,
}

#[derive(Deserialize)]
struct Data {
    x_train: Arr<f64>,
    y_train: Arr<i64>,
    x_val: Arr<f64>,
    y_val: Arr<i64>,
    sample_weights: BTreeMap<String, Arr<f64>>,
    architectures: BTreeMap<String, Architecture>,
}

#[derive(Deserialize)]
struct Scenario {
    name: String,
    arch: String,
    frozen: bool,
    epochs: usize,
    batch_size: usize,
    validation_batch_size: usize,
    shuffle: bool,
    class_weight: Option<BTreeMap<String, f64>>,
    sample_weight: Option<String>,
    val_sample_weight: Option<String>,
    history: BTreeMap<String, Vec<f64>>,
    weights_per_epoch: Vec<Vec<Arr<f64>>>,
}

/// One fit of the thread's sequence (one model, three fits in a row).
#[derive(Deserialize)]
struct SequenceFit {
    class_weight: Option<BTreeMap<String, f64>>,
    sample_weight: Option<String>,
    val_sample_weight: Option<String>,
    history: BTreeMap<String, Vec<f64>>,
    weights_after: Vec<Arr<f64>>,
}

#[derive(Deserialize)]
struct Sequence {
    arch: String,
    fits: Vec<SequenceFit>,
}

#[derive(Deserialize)]
struct Histories {
    scenarios: Vec<Scenario>,
    sequence: Sequence,
}

#[derive(Deserialize)]
struct Versions {
    tensorflow: String,
    keras: String,
}

struct Experiment {
    data: Data,
    histories: Histories,
    versions: Versions,
}

fn read<T: for<'de> Deserialize<'de>>(file: &str) -> T {
    let text = std::fs::read_to_string(format!("{DIR}/{file}")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn experiment() -> &'static Experiment {
    static E: OnceLock<Experiment> = OnceLock::new();
    E.get_or_init(|| Experiment {
        data: read("data.json"),
        histories: read("histories.json"),
        versions: read("versions.json"),
    })
}

fn scenario(name: &str) -> &'static Scenario {
    experiment()
        .histories
        .scenarios
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
}

/// The Keras model of `arch` with its saved initial weights.
fn model(arch: &str) -> Sequential<f32> {
    let a = &experiment().data.architectures[arch];
    let layers = a
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let kernel = a.initial_weights[2 * i].f32_2();
            assert_eq!(kernel.ncols(), l.units);
            let act: Activation = l.activation.parse().unwrap();
            Dense::from_weights(kernel, a.initial_weights[2 * i + 1].f32_1(), act).unwrap()
        })
        .collect();
    Sequential::new(layers).unwrap()
}

/// The arguments of one Keras `fit` call.
struct FitCall<'a> {
    epochs: usize,
    batch_size: usize,
    validation_batch_size: usize,
    shuffle: bool,
    class_weight: &'a Option<BTreeMap<String, f64>>,
    sample_weight: &'a Option<String>,
    val_sample_weight: &'a Option<String>,
}

impl<'a> FitCall<'a> {
    fn of(s: &'a Scenario) -> Self {
        FitCall {
            epochs: s.epochs,
            batch_size: s.batch_size,
            validation_batch_size: s.validation_batch_size,
            shuffle: s.shuffle,
            class_weight: &s.class_weight,
            sample_weight: &s.sample_weight,
            val_sample_weight: &s.val_sample_weight,
        }
    }

    /// The thread's calls: Keras defaults (1 epoch, batch 32, shuffled).
    fn thread(f: &'a SequenceFit) -> Self {
        FitCall {
            epochs: 1,
            batch_size: 32,
            validation_batch_size: 32,
            shuffle: true,
            class_weight: &f.class_weight,
            sample_weight: &f.sample_weight,
            val_sample_weight: &f.val_sample_weight,
        }
    }

    /// Runs the call with reweigh on the experiment's data.
    fn run(&self, trainer: &mut Trainer<f32>) -> History<f32> {
        let d = &experiment().data;
        let (x, y) = (d.x_train.f32_2(), Array1::from(d.y_train.data.clone()));
        let (xv, yv) = (d.x_val.f32_2(), Array1::from(d.y_val.data.clone()));
        let sw = self
            .sample_weight
            .as_ref()
            .map(|n| d.sample_weights[n].f32_1());
        let vsw = self
            .val_sample_weight
            .as_ref()
            .map(|n| d.sample_weights[n].f32_1());
        let mut val = Validation::new(xv.view(), yv.view());
        if let Some(w) = &vsw {
            val = val.sample_weight(w.view());
        }
        let mut opts = FitOptions::new()
            .epochs(self.epochs)
            .batch_size(self.batch_size)
            .validation_batch_size(self.validation_batch_size)
            .shuffle(if self.shuffle {
                Shuffle::Seeded(7)
            } else {
                Shuffle::Off
            })
            .validation(val);
        if let Some(cw) = self.class_weight {
            // Keras's rules: classes without a key weigh 1
            opts = opts.class_weight(ClassWeight::keras(
                cw.iter().map(|(k, &v)| (k.parse().unwrap(), v as f32)),
            ));
        }
        if let Some(w) = &sw {
            opts = opts.sample_weight(w.view());
        }
        trainer.fit(x.view(), y.view(), &opts).unwrap()
    }
}

/// Runs a scenario with reweigh: the same data, weights and fit arguments as the Keras run.
fn run(s: &Scenario) -> (History<f32>, Trainer<f32>) {
    let mut trainer = Trainer::new(model(&s.arch));
    if s.frozen {
        // the thread: `for layer in model.layers: layer.trainable = False` after compile
        trainer.model_mut().set_trainable(false);
    }
    let history = FitCall::of(s).run(&mut trainer);
    (history, trainer)
}

/// Largest |weights − Keras's weights|.
fn max_weight_diff(model: &Sequential<f32>, keras: &[Arr<f64>]) -> f64 {
    let mut worst = 0.0_f64;
    for (i, layer) in model.layers().iter().enumerate() {
        let k = keras[2 * i].f32();
        let b = keras[2 * i + 1].f32();
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

/// Largest |reweigh − Keras| over every logged number of every epoch.
fn max_history_diff(keras_history: &BTreeMap<String, Vec<f64>>, h: &History<f32>) -> f64 {
    assert_eq!(h.keys().len(), keras_history.len(), "keys");
    let mut worst = 0.0_f64;
    for (key, keras) in keras_history {
        let ours = h.get(key).unwrap_or_else(|| panic!("no {key}"));
        assert_eq!(ours.len(), keras.len(), "epochs of {key}");
        for (&o, &k) in ours.iter().zip(keras) {
            worst = worst.max((o as f64 - k).abs());
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
    let s = scenario(name);
    let (history, trainer) = run(s);
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
fn keras(name: &str, key: &str) -> Measured {
    let history = match name.strip_prefix("thread_sequence/") {
        Some(i) => &experiment().histories.sequence.fits[i.parse::<usize>().unwrap() - 1].history,
        None => &scenario(name).history,
    };
    Measured::new(format!("{name}: {key}"), *history[key].last().unwrap())
}

/// The thread's three conclusions (and the freezing it relied on), checked on Keras 3's numbers
/// at 1e-6 (the reproduction tolerance of the frozen runs).
fn findings(get: &dyn Fn(&str, &str) -> Measured, frozen_weight_change: f64) -> Vec<Finding> {
    let v = &experiment().versions;
    let with = format!(
        "keras {}, tensorflow-cpu {} (float32)",
        v.keras, v.tensorflow
    );
    let source = "seed thread 003 (answer, TensorFlow 2.x / tf.keras, 2019)";
    let tol = 1e-6;
    let same = |what: &str, a: (&str, &str), b: (&str, &str)| {
        Check::new(what, get(a.0, a.1), get(b.0, b.1), Expect::Equal)
    };
    let differ = |what: &str, a: (&str, &str), b: (&str, &str)| {
        Check::new(what, get(a.0, a.1), get(b.0, b.1), Expect::Differ)
    };
    let (cw1, cw0, none) = ("class_weight_ones", "class_weight_zeros", "no_weights");
    let (sw0, sw0_val0) = ("sample_weight_zeros", "sample_weight_zeros_val_zeros");
    vec![
        Finding::new(
            "both class_weight and sample_weight only affect the training loss, no effect on any \
             metric or the validation loss",
            source,
            &with,
            tol,
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
        Finding::new(
            "val_sample_weights seems to do nothing",
            source,
            &with,
            tol,
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
        Finding::new(
            "there are small deviations between class weights of 1 and no weights (rounding or \
             different backend functions)",
            source,
            &with,
            tol,
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
        Finding::new(
            "setting layer.trainable = False after compile makes the model static between fits",
            "seed thread 003 (assumed by the experiment's design)",
            &with,
            tol,
            vec![
                Check::new(
                    "largest weight change over every frozen fit",
                    Measured::new(
                        "frozen scenarios: max |w_after − w_before|",
                        frozen_weight_change,
                    ),
                    Measured::new("no change", 0.0),
                    Expect::Equal,
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
             recompile (framework-semantics h).",
        ),
    ]
}

fn frozen_weight_change_keras() -> f64 {
    let e = experiment();
    let frozen = e.histories.scenarios.iter().filter(|s| s.frozen);
    let mut runs: Vec<(&str, &Vec<Arr<f64>>)> = frozen
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
    worst
}

#[test]
fn verdicts_on_the_thread_claims() {
    let keras_findings = findings(&keras, frozen_weight_change_keras());
    let verdicts: Vec<Verdict> = keras_findings.iter().map(|f| f.verdict).collect();
    assert_eq!(
        verdicts,
        [
            Verdict::Partly,
            Verdict::Refuted,
            Verdict::Refuted,
            Verdict::Holds
        ]
    );
    // reweigh's own runs give the same verdicts
    let mut ours: BTreeMap<String, History<f32>> = BTreeMap::new();
    let mut frozen_change = 0.0_f64;
    for s in &experiment().histories.scenarios {
        let (h, t) = run(s);
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
        Measured::new(
            format!("{name}: {key}"),
            *ours[name].get(key).unwrap().last().unwrap() as f64,
        )
    };
    let reweigh_findings = findings(&get, frozen_change);
    for (k, r) in keras_findings.iter().zip(&reweigh_findings) {
        assert_eq!(k.verdict, r.verdict, "{}", k.claim);
    }
    insta::with_settings!({snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!("keras_experiment_verdicts", keras_findings);
    });
}

/// Keras's rules that `fit` enforces (framework-semantics h, i).
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
    let (x, mut y) = (d.x_train.f32_2(), Array1::from(d.y_train.data.clone()));
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
    let s = scenario("unfrozen_5_epochs");
    let d = &experiment().data;
    let a = &d.architectures[&s.arch];
    let f64_2 = |x: &Arr<f64>| -> Array2<f64> {
        ArrayD::from_shape_vec(IxDyn(&x.shape), x.data.clone())
            .unwrap()
            .into_dimensionality()
            .unwrap()
    };
    let layer = Dense::from_weights(
        f64_2(&a.initial_weights[0]),
        Array1::from(a.initial_weights[1].data.clone()),
        Activation::Softmax,
    )
    .unwrap();
    let mut trainer = Trainer::new(Sequential::new(vec![layer]).unwrap());
    let (x, y) = (f64_2(&d.x_train), Array1::from(d.y_train.data.clone()));
    let (xv, yv) = (f64_2(&d.x_val), Array1::from(d.y_val.data.clone()));
    let opts = FitOptions::new()
        .epochs(s.epochs)
        .shuffle(Shuffle::Off)
        .validation(Validation::new(xv.view(), yv.view()));
    let h = trainer.fit(x.view(), y.view(), &opts).unwrap();
    let mut worst = 0.0_f64;
    for (key, keras) in &s.history {
        for (o, k) in h.get(key).unwrap().iter().zip(keras) {
            worst = worst.max((o - k).abs());
        }
    }
    println!("unfrozen_5_epochs in float64: max |history − Keras float32| = {worst:.3e}");
    assert!(worst < 1e-6, "{worst:e}");
}
