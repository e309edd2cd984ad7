//! The data the ledger reads, embedded at compile time so that the ledger runs anywhere (the
//! main job, the tests, the notebooks): framework reference numbers, the Keras experiment, the
//! worked examples and the breast-cancer data.

use super::claim::Source;
use ndarray::{Array1, Array2};
use serde_json::Value;
use std::sync::OnceLock;

const REFERENCE: &str = include_str!("../../../data/ledger/reference.json");
const FAQ: &str = include_str!("../../../data/ledger/faq.json");
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

/// An embedded file of framework numbers written by a generator of `scripts/ledger/`
/// (`{"versions": ..., section: {...}}`, floats as float64 reprs, `{"raises": 0 | 1, ...}` for
/// calls that may raise), read by dotted paths such as `"t000.sparse.tf1_default"`.
pub(crate) struct FrameworkFile {
    name: &'static str,
    text: &'static str,
    cell: OnceLock<Value>,
}

/// `data/ledger/reference.json` (written by `scripts/ledger/gen_reference.py`).
pub(crate) static REFERENCE_FILE: FrameworkFile =
    FrameworkFile::new("data/ledger/reference.json", REFERENCE);

/// `data/ledger/faq.json` (written by `scripts/ledger/gen_faq.py`).
pub(crate) static FAQ_FILE: FrameworkFile = FrameworkFile::new("data/ledger/faq.json", FAQ);

impl FrameworkFile {
    const fn new(name: &'static str, text: &'static str) -> Self {
        FrameworkFile {
            name,
            text,
            cell: OnceLock::new(),
        }
    }

    /// The parsed file.
    pub(crate) fn doc(&'static self) -> &'static Value {
        parse(&self.cell, self.text, self.name)
    }

    /// The value at a dotted path.
    pub(crate) fn at(&'static self, path: &str) -> &'static Value {
        let mut v = self.doc();
        for key in path.split('.') {
            v = v
                .get(key)
                .unwrap_or_else(|| panic!("{} has no {path} (at {key})", self.name));
        }
        v
    }

    /// A number.
    pub(crate) fn f(&'static self, path: &str) -> f64 {
        as_f64(self.at(path), path)
    }

    /// A list of numbers.
    pub(crate) fn fs(&'static self, path: &str) -> Vec<f64> {
        list(self.at(path), path)
    }

    /// A list of integers.
    pub(crate) fn ints(&'static self, path: &str) -> Vec<i64> {
        self.at(path)
            .as_array()
            .unwrap_or_else(|| panic!("{} {path} is not a list", self.name))
            .iter()
            .map(|x| {
                x.as_i64()
                    .unwrap_or_else(|| panic!("{} {path} holds a non-integer", self.name))
            })
            .collect()
    }

    /// A matrix (list of rows).
    pub(crate) fn mat(&'static self, path: &str) -> Array2<f64> {
        matrix(self.at(path), path)
    }

    /// Any nested list of numbers, flattened in row-major order, with its shape.
    pub(crate) fn tensor(&'static self, path: &str) -> (Vec<f64>, Vec<usize>) {
        fn walk(v: &Value, path: &str, depth: usize, out: &mut Vec<f64>, shape: &mut Vec<usize>) {
            match v.as_array() {
                Some(items) => {
                    if shape.len() == depth {
                        shape.push(items.len());
                    }
                    for x in items {
                        walk(x, path, depth + 1, out, shape);
                    }
                }
                None => out.push(as_f64(v, path)),
            }
        }
        let (mut out, mut shape) = (Vec::new(), Vec::new());
        walk(self.at(path), path, 0, &mut out, &mut shape);
        (out, shape)
    }

    /// A `{"0": w0, "1": w1, ...}` map as (class, value) pairs sorted by class.
    pub(crate) fn class_map(&'static self, path: &str) -> Vec<(i64, f64)> {
        let obj = self
            .at(path)
            .as_object()
            .unwrap_or_else(|| panic!("{} {path} is not a map", self.name));
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
    pub(crate) fn raised(&'static self, path: &str) -> f64 {
        self.f(&format!("{path}.raises"))
    }

    /// `"Type: message"` of the exception recorded at `path`, or `"no exception"`.
    pub(crate) fn raised_text(&'static self, path: &str) -> String {
        if self.raised(path) == 0.0 {
            return "no exception".to_string();
        }
        let s = |k: &str| {
            self.at(&format!("{path}.{k}"))
                .as_str()
                .unwrap_or("")
                .to_string()
        };
        format!("{}: {}", s("type"), s("message"))
    }

    /// The framework `name` ("tensorflow", "keras", "torch", "torchvision", "sklearn") with the
    /// version the file's numbers were measured with, as a [`Source`].
    pub(crate) fn fw(&'static self, name: &str) -> Source {
        let v = self.at(&format!("versions.{name}")).as_str().unwrap_or("?");
        let shown = match name {
            "sklearn" => "scikit-learn",
            other => other,
        };
        Source::Framework(format!("{shown} {v}"))
    }
}

/// The value at a dotted path of the reference file, e.g. `"t000.sparse.tf1_default"`.
pub(crate) fn at(path: &str) -> &'static Value {
    REFERENCE_FILE.at(path)
}

fn as_f64(v: &Value, path: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("reference {path} is not a number: {v}"))
}

/// A number of the reference file.
pub(crate) fn f(path: &str) -> f64 {
    REFERENCE_FILE.f(path)
}

/// A list of numbers.
pub(crate) fn fs(path: &str) -> Vec<f64> {
    REFERENCE_FILE.fs(path)
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
    REFERENCE_FILE.ints(path)
}

/// A matrix (list of rows).
pub(crate) fn mat(path: &str) -> Array2<f64> {
    REFERENCE_FILE.mat(path)
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
    REFERENCE_FILE.class_map(path)
}

/// 1 if the call recorded at `path` raised, else 0.
pub(crate) fn raised(path: &str) -> f64 {
    REFERENCE_FILE.raised(path)
}

/// `"Type: message"` of the exception recorded at `path`, or `"no exception"`.
pub(crate) fn raised_text(path: &str) -> String {
    REFERENCE_FILE.raised_text(path)
}

/// The framework `name` with the version the reference numbers were measured with.
pub(crate) fn fw(name: &str) -> Source {
    REFERENCE_FILE.fw(name)
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
