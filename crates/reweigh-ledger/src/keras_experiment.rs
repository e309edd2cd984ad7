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
use ndarray::{Array1, Array2};
use reweigh_train::{
    Activation, ClassWeight, Dense, FitOptions, History, Sequential, Shuffle, Trainer, Validation,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Deserialize)]
struct Arr<T> {
    shape: Vec<usize>,
    data: Vec<T>,
}

impl Arr<f64> {
    fn f64_1(&self) -> Array1<f64> {
        Array1::from(self.data.clone())
    }
    fn f64_2(&self) -> Array2<f64> {
        Array2::from_shape_vec((self.shape[0], self.shape[1]), self.data.clone()).expect("a matrix")
    }
}

#[derive(Deserialize)]
struct LayerSpec {
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
    call: String,
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
}

#[derive(Deserialize)]
struct Histories {
    scenarios: Vec<Scenario>,
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

fn experiment() -> &'static Experiment {
    static E: OnceLock<Experiment> = OnceLock::new();
    E.get_or_init(|| Experiment {
        data: serde_json::from_str(data::KERAS_DATA).expect("data/keras_experiment/data.json"),
        histories: serde_json::from_str(data::KERAS_HISTORIES)
            .expect("data/keras_experiment/histories.json"),
        versions: serde_json::from_str(data::KERAS_VERSIONS)
            .expect("data/keras_experiment/versions.json"),
    })
}

fn scenario(name: &str) -> &'static Scenario {
    experiment()
        .histories
        .scenarios
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no Keras scenario {name}"))
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

/// The scenario's model with the saved initial weights.
fn model(arch: &str) -> Sequential<f64> {
    let a = &experiment().data.architectures[arch];
    let layers = a
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let act: Activation = l.activation.parse().expect("a Keras activation");
            Dense::from_weights(
                a.initial_weights[2 * i].f64_2(),
                a.initial_weights[2 * i + 1].f64_1(),
                act,
            )
            .expect("saved weights fit")
        })
        .collect();
    Sequential::new(layers).expect("saved architecture")
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
    let s = scenario(name);
    let d = &experiment().data;
    let mut trainer = Trainer::new(model(&s.arch));
    if s.frozen {
        trainer.model_mut().set_trainable(false);
    }
    let (x, y) = (d.x_train.f64_2(), Array1::from(d.y_train.data.clone()));
    let (xv, yv) = (d.x_val.f64_2(), Array1::from(d.y_val.data.clone()));
    let sw = s
        .sample_weight
        .as_ref()
        .map(|n| d.sample_weights[n].f64_1());
    let vsw = s
        .val_sample_weight
        .as_ref()
        .map(|n| d.sample_weights[n].f64_1());
    let mut val = Validation::new(xv.view(), yv.view());
    if let Some(w) = &vsw {
        val = val.sample_weight(w.view());
    }
    let mut opts = FitOptions::new()
        .epochs(s.epochs)
        .batch_size(s.batch_size)
        .validation_batch_size(s.validation_batch_size)
        .shuffle(if s.shuffle {
            Shuffle::Seeded(7)
        } else {
            Shuffle::Off
        })
        .validation(val);
    if let Some(cw) = &s.class_weight {
        opts = opts.class_weight(ClassWeight::keras(
            cw.iter()
                .map(|(k, &v)| (k.parse().expect("class keys are integers"), v)),
        ));
    }
    if let Some(w) = &sw {
        opts = opts.sample_weight(w.view());
    }
    let h = trainer
        .fit(x.view(), y.view(), &opts)
        .expect("the experiment's fit arguments are valid");
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
    let h = run_scenario(name);
    let mut worst = 0.0_f64;
    for (key, values) in &scenario(name).history {
        let mine = h.get(key).unwrap_or_else(|| panic!("no {key}"));
        for (a, b) in mine.iter().zip(values) {
            worst = worst.max((a - b).abs());
        }
    }
    worst
}
