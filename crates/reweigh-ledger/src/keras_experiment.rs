//! The seed-003 experiment in real Keras 3 (`data/keras_experiment/`, written by
//! `scripts/keras_experiment/run_experiment.py`) and its reproduction with [`reweigh_train`].
//!
//! Every scenario trains the same model from the same initial weights on the same data; Keras's
//! `History` is in the data, reweigh's is computed by [`run_scenario`].
//!
//! ```
//! use reweigh_ledger::keras_experiment::{keras, run_scenario, scenario_names};
//! assert!(scenario_names().contains(&"class_weight_zeros"));
//! let h = run_scenario("class_weight_zeros");
//! assert_eq!(h.get("loss").unwrap()[1], 0.0);
//! assert_eq!(keras("class_weight_zeros", "loss"), 0.0);
//! ```

use super::data;
use ndarray::{Array1, Array2, ArrayD, IxDyn};
use reweigh::Real;
use reweigh_train::{
    Activation, ClassWeight, Dense, FitOptions, History, Sequential, Shuffle, Trainer, Validation,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// An array as the experiment saved it: its shape and its values in row-major order.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SavedArray<T> {
    /// The shape.
    pub shape: Vec<usize>,
    /// The values, row-major.
    pub data: Vec<T>,
}

impl SavedArray<f64> {
    /// The array in `F` (the saved values are float32, so exact in either type).
    pub fn array<F: Real>(&self) -> ArrayD<F> {
        ArrayD::from_shape_vec(
            IxDyn(&self.shape),
            self.data.iter().map(|&v| F::of(v)).collect(),
        )
        .expect("the data fill the shape")
    }

    /// The array as a vector (a bias, sample weights).
    pub fn vector<F: Real>(&self) -> Array1<F> {
        self.array().into_dimensionality().expect("a vector")
    }

    /// The array as a matrix (features, a kernel).
    pub fn matrix<F: Real>(&self) -> Array2<F> {
        self.array().into_dimensionality().expect("a matrix")
    }
}

impl SavedArray<i64> {
    /// The labels.
    pub fn labels(&self) -> Array1<i64> {
        Array1::from(self.data.clone())
    }
}

/// A Dense layer of an architecture.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct LayerSpec {
    /// Its output units.
    pub units: usize,
    /// Its Keras activation (`"softmax"`, `"relu"`).
    pub activation: String,
}

/// A Keras model: its Dense layers and their initial weights.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Architecture {
    /// The layers, input first.
    pub layers: Vec<LayerSpec>,
    /// `model.get_weights()` before training: kernel and bias of each layer.
    pub initial_weights: Vec<SavedArray<f64>>,
}

/// The experiment's data (`data.json`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Data {
    /// Training features.
    pub x_train: SavedArray<f64>,
    /// Training labels.
    pub y_train: SavedArray<i64>,
    /// Validation features.
    pub x_val: SavedArray<f64>,
    /// Validation labels.
    pub y_val: SavedArray<i64>,
    /// Named sample-weight vectors (`"zeros"`, ...).
    pub sample_weights: BTreeMap<String, SavedArray<f64>>,
    /// Named architectures (`"dense3_softmax"`, ...).
    pub architectures: BTreeMap<String, Architecture>,
}

/// One Keras `fit` scenario and what Keras logged (`histories.json`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Scenario {
    /// Its name, e.g. `"class_weight_zeros"`.
    pub name: String,
    /// The Keras call, as Python.
    pub call: String,
    /// The architecture's name.
    pub arch: String,
    /// Every layer frozen (`trainable = False` after compile).
    pub frozen: bool,
    /// `epochs=`.
    pub epochs: usize,
    /// `batch_size=`.
    pub batch_size: usize,
    /// `validation_batch_size=`.
    pub validation_batch_size: usize,
    /// `shuffle=`.
    pub shuffle: bool,
    /// `class_weight=` (class → weight), if passed.
    pub class_weight: Option<BTreeMap<String, f64>>,
    /// The name of the `sample_weight=` vector, if passed.
    pub sample_weight: Option<String>,
    /// The name of the validation sample-weight vector, if passed.
    pub val_sample_weight: Option<String>,
    /// Keras's `History.history`: every logged key, every epoch.
    pub history: BTreeMap<String, Vec<f64>>,
    /// `model.get_weights()` after each epoch.
    pub weights_per_epoch: Vec<Vec<SavedArray<f64>>>,
}

/// One fit of the thread's sequence.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SequenceFit {
    /// `class_weight=`, if passed.
    pub class_weight: Option<BTreeMap<String, f64>>,
    /// The name of the `sample_weight=` vector, if passed.
    pub sample_weight: Option<String>,
    /// The name of the validation sample-weight vector, if passed.
    pub val_sample_weight: Option<String>,
    /// Keras's `History.history`.
    pub history: BTreeMap<String, Vec<f64>>,
    /// `model.get_weights()` after the fit.
    pub weights_after: Vec<SavedArray<f64>>,
}

/// The answer's code as written: one model, frozen after compile, three fits in a row.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Sequence {
    /// The architecture's name.
    pub arch: String,
    /// The fits, in order.
    pub fits: Vec<SequenceFit>,
}

/// What Keras ran and logged (`histories.json`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Histories {
    /// Every scenario, in order.
    pub scenarios: Vec<Scenario>,
    /// The thread's sequence of fits.
    pub sequence: Sequence,
}

/// The framework versions of the run (`versions.json`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Versions {
    /// TensorFlow's version.
    pub tensorflow: String,
    /// Keras's version.
    pub keras: String,
}

/// The whole experiment, as saved in `data/keras_experiment/`.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    /// The data and architectures.
    pub data: Data,
    /// The scenarios and Keras's histories.
    pub histories: Histories,
    /// The framework versions.
    pub versions: Versions,
}

/// The experiment, read once.
pub fn experiment() -> &'static Experiment {
    static E: OnceLock<Experiment> = OnceLock::new();
    E.get_or_init(|| Experiment {
        data: serde_json::from_str(data::KERAS_DATA).expect("data/keras_experiment/data.json"),
        histories: serde_json::from_str(data::KERAS_HISTORIES)
            .expect("data/keras_experiment/histories.json"),
        versions: serde_json::from_str(data::KERAS_VERSIONS)
            .expect("data/keras_experiment/versions.json"),
    })
}

impl Experiment {
    /// The scenario called `name` (panics if there is none).
    pub fn scenario(&self, name: &str) -> &Scenario {
        self.histories
            .scenarios
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no Keras scenario {name}"))
    }

    /// The Keras model of `arch` with its saved initial weights, in `F`.
    pub fn model<F: Real>(&self, arch: &str) -> Sequential<F> {
        let a = &self.data.architectures[arch];
        let layers = a
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let kernel = a.initial_weights[2 * i].matrix();
                assert_eq!(kernel.ncols(), l.units, "the units of layer {i} of {arch}");
                let act: Activation = l.activation.parse().expect("a Keras activation");
                Dense::from_weights(kernel, a.initial_weights[2 * i + 1].vector(), act)
                    .expect("saved weights fit")
            })
            .collect();
        Sequential::new(layers).expect("saved architecture")
    }
}

fn scenario(name: &str) -> &'static Scenario {
    experiment().scenario(name)
}

/// The scenarios Keras ran, in order.
pub fn scenario_names() -> Vec<&'static str> {
    experiment()
        .histories
        .scenarios
        .iter()
        .map(|s| s.name.as_str())
        .collect()
}

/// The Keras call of a scenario, e.g. `model.fit(x_train, y_train, class_weight={0: 0.0, ...})`.
pub fn call(name: &str) -> &'static str {
    &scenario(name).call
}

/// `"keras 3.15.1, tensorflow 2.21.0"`.
pub fn versions() -> String {
    let v = &experiment().versions;
    format!("keras {}, tensorflow {}", v.keras, v.tensorflow)
}

/// Keras's `history[key]` of a scenario, every epoch.
pub fn keras_history(name: &str, key: &str) -> Vec<f64> {
    scenario(name)
        .history
        .get(key)
        .unwrap_or_else(|| panic!("no {key} in Keras's history of {name}"))
        .clone()
}

/// Keras's `history[key]` of a scenario, last epoch.
pub fn keras(name: &str, key: &str) -> f64 {
    *keras_history(name, key).last().expect("at least one epoch")
}

/// The arguments of one Keras `fit` call on the experiment's data.
#[derive(Clone, Copy, Debug)]
pub struct FitCall<'a> {
    /// `epochs=`.
    pub epochs: usize,
    /// `batch_size=`.
    pub batch_size: usize,
    /// `validation_batch_size=`.
    pub validation_batch_size: usize,
    /// `shuffle=` (reweigh shuffles in its own seeded order).
    pub shuffle: bool,
    /// `class_weight=`, if passed.
    pub class_weight: Option<&'a BTreeMap<String, f64>>,
    /// The name of the `sample_weight=` vector, if passed.
    pub sample_weight: Option<&'a str>,
    /// The name of the validation sample-weight vector, if passed.
    pub val_sample_weight: Option<&'a str>,
}

impl<'a> FitCall<'a> {
    /// The call of a scenario.
    pub fn of(s: &'a Scenario) -> Self {
        FitCall {
            epochs: s.epochs,
            batch_size: s.batch_size,
            validation_batch_size: s.validation_batch_size,
            shuffle: s.shuffle,
            class_weight: s.class_weight.as_ref(),
            sample_weight: s.sample_weight.as_deref(),
            val_sample_weight: s.val_sample_weight.as_deref(),
        }
    }

    /// A call of the thread's sequence: Keras's defaults (1 epoch, batch 32, shuffled).
    pub fn thread(f: &'a SequenceFit) -> Self {
        FitCall {
            epochs: 1,
            batch_size: 32,
            validation_batch_size: 32,
            shuffle: true,
            class_weight: f.class_weight.as_ref(),
            sample_weight: f.sample_weight.as_deref(),
            val_sample_weight: f.val_sample_weight.as_deref(),
        }
    }

    /// Runs the call with reweigh's trainer on the experiment's data (in `F`), with the
    /// validation data; class weights follow Keras's rules (classes without a key weigh 1).
    pub fn run<F: Real>(&self, trainer: &mut Trainer<F>) -> History<F> {
        let d = &experiment().data;
        let (x, y) = (d.x_train.matrix::<F>(), d.y_train.labels());
        let (xv, yv) = (d.x_val.matrix::<F>(), d.y_val.labels());
        let sw = self
            .sample_weight
            .map(|n| d.sample_weights[n].vector::<F>());
        let vsw = self
            .val_sample_weight
            .map(|n| d.sample_weights[n].vector::<F>());
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
            opts = opts
                .class_weight(ClassWeight::keras(cw.iter().map(|(k, &v)| {
                    (k.parse().expect("class keys are integers"), F::of(v))
                })));
        }
        if let Some(w) = &sw {
            opts = opts.sample_weight(w.view());
        }
        trainer
            .fit(x.view(), y.view(), &opts)
            .expect("the experiment's fit arguments are valid")
    }
}

/// Trains a scenario with reweigh (in `F`): the scenario's model from the saved initial weights,
/// every layer frozen if the scenario froze them (as the thread did, after compile), and its
/// `fit` call. Returns the history and the trainer (the model after training).
pub fn train<F: Real>(s: &Scenario) -> (History<F>, Trainer<F>) {
    let mut trainer = Trainer::new(experiment().model(&s.arch));
    if s.frozen {
        trainer.model_mut().set_trainable(false);
    }
    let history = FitCall::of(s).run(&mut trainer);
    (history, trainer)
}

/// Largest `|reweigh − Keras|` over every logged number of every epoch (panics if the keys or
/// the epochs differ).
pub fn max_diff<F: Real>(keras: &BTreeMap<String, Vec<f64>>, history: &History<F>) -> f64 {
    assert_eq!(history.keys().len(), keras.len(), "logged keys");
    let mut worst = 0.0_f64;
    for (key, values) in keras {
        let ours = history
            .get(key)
            .unwrap_or_else(|| panic!("no {key} in the history"));
        assert_eq!(ours.len(), values.len(), "epochs of {key}");
        for (o, k) in ours.iter().zip(values) {
            worst = worst.max((o.f64() - k).abs());
        }
    }
    worst
}

/// Runs a scenario with reweigh's trainer in float64 (Keras ran in float32; the float32 data and
/// initial weights are exact in float64, and float64 keeps the ledger's numbers independent of
/// the SIMD path reweigh picks for float32 on the machine): the same data, initial weights and
/// `fit` arguments as the Keras run; frozen scenarios freeze every layer, as the thread did.
/// Shuffled scenarios shuffle in reweigh's own seeded order (with a frozen model only float
/// rounding depends on the order). Cached per scenario.
pub fn run_scenario(name: &str) -> History<f64> {
    static CACHE: OnceLock<std::sync::Mutex<BTreeMap<String, History<f64>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(h) = cache.lock().expect("not poisoned").get(name) {
        return h.clone();
    }
    let (h, _) = train::<f64>(scenario(name));
    cache
        .lock()
        .expect("not poisoned")
        .insert(name.to_string(), h.clone());
    h
}

/// reweigh's `history[key]` of a scenario, last epoch.
pub fn reweigh(name: &str, key: &str) -> f64 {
    let values = run_scenario(name)
        .get(key)
        .unwrap_or_else(|| panic!("no {key} in the history"));
    *values.last().expect("at least one epoch")
}

/// Largest `|reweigh − Keras|` over every logged number of every epoch of a scenario.
pub fn max_history_diff(name: &str) -> f64 {
    max_diff(&scenario(name).history, &run_scenario(name))
}

/// A value as Keras's progress bar prints it: `{:.4f}` when `|v| > 1e-3`, else Python's
/// `{:.4e}` (`0.0000e+00`).
pub fn keras_value(v: f64) -> String {
    if v.abs() > 1e-3 {
        return format!("{v:.4}");
    }
    let s = format!("{v:.4e}");
    let (mantissa, exponent) = s.split_once('e').expect("an exponent");
    let e: i32 = exponent.parse().expect("an integer exponent");
    format!(
        "{mantissa}e{}{:02}",
        if e < 0 { '-' } else { '+' },
        e.unsigned_abs()
    )
}

/// One epoch (0-based) of a history as Keras 3 prints it at the end of the epoch:
/// `accuracy: 0.3300 - loss: 1.1882 - … - val_loss: 1.1965 - …`, every logged key in the order
/// of [`History::keys`].
pub fn keras_log_line<F: Real>(history: &History<F>, epoch: usize) -> String {
    history
        .keys()
        .into_iter()
        .map(|k| {
            let v = history.get(k).expect("a logged key")[epoch];
            format!("{k}: {}", keras_value(v.f64()))
        })
        .collect::<Vec<_>>()
        .join(" - ")
}

/// Every epoch of a history as Keras 3 prints it (`Epoch 1/2` then the epoch's line), one
/// string per line.
pub fn keras_log<F: Real>(history: &History<F>) -> String {
    (0..history.epochs())
        .map(|e| {
            format!(
                "Epoch {}/{}\n{}",
                e + 1,
                history.epochs(),
                keras_log_line(history, e)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
