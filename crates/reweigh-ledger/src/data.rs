//! The data the ledger reads, embedded at compile time so that the ledger runs anywhere (the
//! main job, the tests, the notebooks): framework reference numbers, the Keras experiment, the
//! worked examples and the breast-cancer data.

use super::claim::Source;
use ndarray::{Array1, Array2};
use serde_json::Value;
use std::sync::OnceLock;

const REFERENCE: &str = include_str!("../../../data/ledger/reference.json");
const SEED002: &str = include_str!("../../../data/worked_examples/seed002_multilabel.json");
pub(crate) const KERAS_DATA: &str = include_str!("../../../data/keras_experiment/data.json");
pub(crate) const KERAS_HISTORIES: &str =
    include_str!("../../../data/keras_experiment/histories.json");
pub(crate) const KERAS_VERSIONS: &str =
    include_str!("../../../data/keras_experiment/versions.json");
pub(crate) const BREAST_CANCER_CSV: &str =
    include_str!("../../../data/breast_cancer/breast_cancer.csv");
pub(crate) const DIGITS_CSV: &str = include_str!("../../../data/digits/digits.csv");
pub(crate) const PAPER_TABLES: &str = include_str!("../../../data/longtail/paper_tables.json");

/// A labelled data set of the ledger: numeric features and an integer label per row.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelledCsv {
    /// Features, one row per sample.
    pub x: Array2<f64>,
    /// The label of each row (the last column).
    pub y: Array1<i64>,
    /// The feature names (the header without the label's).
    pub feature_names: Vec<String>,
}

/// Parses an embedded CSV whose last column is an integer label and whose other columns are
/// numbers (panics only on a ledger bug: the files are exported by scripts/data/ and fixed).
pub(crate) fn labelled_csv(text: &str, what: &str) -> LabelledCsv {
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or_else(|| panic!("{what} has a header"))
        .split(',')
        .map(str::to_string)
        .collect();
    let nf = header.len() - 1;
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for line in lines.filter(|l| !l.is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        xs.extend(cells[..nf].iter().map(|c| {
            c.parse::<f64>()
                .unwrap_or_else(|e| panic!("{what}: {c:?} is not a number: {e}"))
        }));
        ys.push(
            cells[nf]
                .parse::<i64>()
                .unwrap_or_else(|e| panic!("{what}: {:?} is not a label: {e}", cells[nf])),
        );
    }
    LabelledCsv {
        x: Array2::from_shape_vec((ys.len(), nf), xs)
            .unwrap_or_else(|e| panic!("{what} is not rectangular: {e}")),
        y: Array1::from(ys),
        feature_names: header[..nf].to_vec(),
    }
}

fn parse(cell: &'static OnceLock<Value>, text: &str, what: &str) -> &'static Value {
    cell.get_or_init(|| {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("embedded {what} is not JSON: {e}"))
    })
}

/// `data/ledger/reference.json` (written by `scripts/ledger/gen_reference.py`).
pub(crate) fn reference() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    parse(&V, REFERENCE, "data/ledger/reference.json")
}

/// The value at a dotted path of the reference file, e.g. `"t000.sparse.tf1_default"`.
pub(crate) fn at(path: &str) -> &'static Value {
    let mut v = reference();
    for key in path.split('.') {
        v = v
            .get(key)
            .unwrap_or_else(|| panic!("data/ledger/reference.json has no {path} (at {key})"));
    }
    v
}

fn as_f64(v: &Value, path: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("reference {path} is not a number: {v}"))
}

/// A number of the reference file.
pub(crate) fn f(path: &str) -> f64 {
    as_f64(at(path), path)
}

/// A list of numbers.
pub(crate) fn fs(path: &str) -> Vec<f64> {
    list(at(path), path)
}

fn list(v: &Value, path: &str) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("reference {path} is not a list"))
        .iter()
        .map(|x| as_f64(x, path))
        .collect()
}

/// A list of integers.
pub(crate) fn ints(path: &str) -> Vec<i64> {
    at(path)
        .as_array()
        .unwrap_or_else(|| panic!("reference {path} is not a list"))
        .iter()
        .map(|x| {
            x.as_i64()
                .unwrap_or_else(|| panic!("reference {path} holds a non-integer"))
        })
        .collect()
}

/// A matrix (list of rows).
pub(crate) fn mat(path: &str) -> Array2<f64> {
    matrix(at(path), path)
}

fn matrix(v: &Value, path: &str) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .unwrap_or_else(|| panic!("{path} is not a list of rows"))
        .iter()
        .map(|r| list(r, path))
        .collect();
    let ncols = rows.first().map_or(0, Vec::len);
    Array2::from_shape_vec((rows.len(), ncols), rows.concat())
        .unwrap_or_else(|_| panic!("{path} has ragged rows"))
}

/// A `{"0": w0, "1": w1, ...}` map as (class, value) pairs sorted by class.
pub(crate) fn class_map(path: &str) -> Vec<(i64, f64)> {
    let obj = at(path)
        .as_object()
        .unwrap_or_else(|| panic!("reference {path} is not a map"));
    let mut out: Vec<(i64, f64)> = obj
        .iter()
        .map(|(k, v)| {
            (
                k.parse()
                    .unwrap_or_else(|_| panic!("{path}: key {k} is not a class")),
                as_f64(v, path),
            )
        })
        .collect();
    out.sort_by_key(|p| p.0);
    out
}

/// 1 if the call recorded at `path` raised, else 0.
pub(crate) fn raised(path: &str) -> f64 {
    f(&format!("{path}.raises"))
}

/// `"Type: message"` of the exception recorded at `path`, or `"no exception"`.
pub(crate) fn raised_text(path: &str) -> String {
    if raised(path) == 0.0 {
        return "no exception".to_string();
    }
    let s = |k: &str| {
        at(&format!("{path}.{k}"))
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    format!("{}: {}", s("type"), s("message"))
}

/// The framework `name` ("tensorflow", "keras", "torch", "torchvision", "sklearn") with the
/// version the reference numbers were measured with, as a [`Source`].
pub(crate) fn fw(name: &str) -> Source {
    let v = at(&format!("versions.{name}")).as_str().unwrap_or("?");
    let shown = match name {
        "sklearn" => "scikit-learn",
        other => other,
    };
    Source::Framework(format!("{shown} {v}"))
}

/// The seed-002 worked example: logits and labels `(64, 512)`, about 5 positives per row.
pub(crate) fn seed002() -> &'static (Array2<f64>, Array2<f64>) {
    static V: OnceLock<(Array2<f64>, Array2<f64>)> = OnceLock::new();
    V.get_or_init(|| {
        let doc: Value = serde_json::from_str(SEED002).expect("seed002_multilabel.json is JSON");
        (
            matrix(&doc["logits"], "seed002 logits"),
            matrix(&doc["labels"], "seed002 labels"),
        )
    })
}

/// A vector of the reference file as an `Array1`.
pub(crate) fn arr1(path: &str) -> Array1<f64> {
    Array1::from(fs(path))
}
