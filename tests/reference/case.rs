//! The golden-case file format (documented in data/reference/README.md) and its comparison rules.

use ndarray::{ArrayD, IxDyn};
use reweigh::{OnZeroWeights, Real, Reducer, Reduction};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Deserialize)]
pub struct CaseFile {
    pub schema: u32,
    pub family: String,
    pub cases: Vec<Case>,
}

#[derive(Deserialize, Clone, Debug)]
#[serde(untagged)]
pub enum Num {
    F(f64),
    S(String),
}

impl Num {
    pub fn f64(&self) -> f64 {
        match self {
            Num::F(x) => *x,
            Num::S(s) => match s.as_str() {
                "nan" => f64::NAN,
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                other => panic!("bad number string {other:?} in case file"),
            },
        }
    }
}

#[derive(Deserialize, Clone, Debug)]
pub struct JArr {
    pub shape: Vec<usize>,
    pub data: Vec<Num>,
}

impl JArr {
    pub fn to<F: Real>(&self) -> ArrayD<F> {
        let data: Vec<F> = self.data.iter().map(|n| F::of(n.f64())).collect();
        ArrayD::from_shape_vec(IxDyn(&self.shape), data).expect("case array shape/data mismatch")
    }
    pub fn to_i64(&self) -> ArrayD<i64> {
        let data: Vec<i64> = self.data.iter().map(|n| n.f64() as i64).collect();
        ArrayD::from_shape_vec(IxDyn(&self.shape), data).expect("case array shape/data mismatch")
    }
}

#[derive(Deserialize, Clone, Debug)]
pub struct Expected {
    pub value: JArr,
    pub grad: Option<JArr>,
    /// Further named outputs (`grad_weights`, `grad_biases`, ...): every other key of
    /// `expected`, compared like `grad` with the runner's output of the same name.
    #[serde(flatten)]
    pub extra: BTreeMap<String, JArr>,
}

#[derive(Deserialize, Clone, Debug, Default)]
pub struct Tolerance {
    pub rel: Option<f64>,
    pub abs_value: Option<f64>,
    pub abs_grad: Option<f64>,
}

#[derive(Deserialize, Clone, Debug)]
pub struct Case {
    pub id: String,
    pub loss: String,
    pub framework: Option<String>,
    pub dtype: String,
    pub inputs: BTreeMap<String, JArr>,
    pub params: Value,
    pub expected: Option<Expected>,
    pub expect_error: Option<String>,
    pub tolerance: Option<Tolerance>,
}

/// What reweigh computed for a case: the value (0-d for a scalar) and the gradient, if any.
pub struct Outcome<F> {
    pub value: ArrayD<F>,
    pub grad: Option<ArrayD<F>>,
}

/// Named further outputs of a case (gradients w.r.t. further arguments...), matched with
/// `expected.<name>`; see `reference::run_with_extra`.
pub type Extra<F> = BTreeMap<String, ArrayD<F>>;

/// What a runner with extra outputs returns.
pub type OutcomeWithExtra<F> = Result<(Outcome<F>, Extra<F>), reweigh::ReweighError>;

impl Case {
    pub fn input<F: Real>(&self, name: &str) -> ArrayD<F> {
        self.inputs
            .get(name)
            .unwrap_or_else(|| panic!("case {} lacks input {name}", self.id))
            .to()
    }
    pub fn opt_input<F: Real>(&self, name: &str) -> Option<ArrayD<F>> {
        self.inputs.get(name).map(|a| a.to())
    }
    pub fn input_i64(&self, name: &str) -> ArrayD<i64> {
        self.inputs
            .get(name)
            .unwrap_or_else(|| panic!("case {} lacks input {name}", self.id))
            .to_i64()
    }
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.params.get(name).filter(|v| !v.is_null())
    }
    pub fn f64_param(&self, name: &str, default: f64) -> f64 {
        self.param(name)
            .map_or(default, |v| v.as_f64().expect(name))
    }
    pub fn bool_param(&self, name: &str, default: bool) -> bool {
        self.param(name)
            .map_or(default, |v| v.as_bool().expect(name))
    }
    pub fn i64_param(&self, name: &str) -> Option<i64> {
        self.param(name).map(|v| v.as_i64().expect(name))
    }
    pub fn str_param(&self, name: &str) -> Option<&str> {
        self.param(name).map(|v| v.as_str().expect(name))
    }
    /// The case's reduction and zero-denominator rule; a bad name is the loss's error (as a
    /// framework would raise it), not a panic of the runner.
    pub fn reducer(&self) -> Result<Reducer, reweigh::ReweighError> {
        let reduction: Reduction = self.str_param("reduction").unwrap_or("none").parse()?;
        let on_zero = match self.str_param("on_zero") {
            Some("nan") => OnZeroWeights::Nan,
            Some("zero") | None => OnZeroWeights::Zero,
            Some(other) => {
                return Err(reweigh::ReweighError::UnknownName {
                    kind: "on_zero",
                    name: other.to_string(),
                    valid: "zero, nan".to_string(),
                });
            }
        };
        Ok(Reducer { reduction, on_zero })
    }
}

/// The tolerances of a case: defaults by dtype, overridden by the case file.
pub struct Tol {
    pub rel: f64,
    pub abs_value: f64,
    pub abs_grad: Option<f64>,
}

impl Tol {
    pub fn for_case(case: &Case) -> Tol {
        let rel = if case.dtype == "float32" { 2e-6 } else { 1e-12 };
        let t = case.tolerance.clone().unwrap_or_default();
        Tol {
            rel: t.rel.unwrap_or(rel),
            abs_value: t.abs_value.unwrap_or(0.0),
            abs_grad: t.abs_grad,
        }
    }
}

/// Compares `got` with `expected` element-wise: `|g − e| ≤ rel·|e| + abs`; NaN must meet NaN,
/// ±∞ must meet the same ∞. Returns the worst relative error `|g − e| / max(|e|, abs/rel)` or a
/// message naming the first bad element.
pub fn compare(
    what: &str,
    got: &ArrayD<f64>,
    expected: &ArrayD<f64>,
    rel: f64,
    abs: f64,
) -> Result<f64, String> {
    if got.shape() != expected.shape() {
        return Err(format!(
            "{what}: shape {:?}, expected {:?}",
            got.shape(),
            expected.shape()
        ));
    }
    let mut worst = 0.0_f64;
    for (i, (&g, &e)) in got.iter().zip(expected.iter()).enumerate() {
        if e.is_nan() || g.is_nan() {
            if e.is_nan() && g.is_nan() {
                continue;
            }
            return Err(format!("{what}[{i}]: got {g:e}, expected {e:e}"));
        }
        if e.is_infinite() || g.is_infinite() {
            if e == g {
                continue;
            }
            return Err(format!("{what}[{i}]: got {g:e}, expected {e:e}"));
        }
        let err = (g - e).abs();
        if err > rel * e.abs() + abs {
            return Err(format!(
                "{what}[{i}]: got {g:.17e}, expected {e:.17e} (rel err {:.3e}, tol rel {rel:e} abs {abs:e})",
                err / e.abs()
            ));
        }
        // relative to |e|, or to the scale below which the absolute floor governs (abs/rel):
        // for gradients (abs = rel·max|e|) this is the error relative to the largest element
        let floor = if rel > 0.0 { abs / rel } else { 0.0 };
        let scale = e.abs().max(floor);
        worst = worst.max(if scale > 0.0 { err / scale } else { err });
    }
    Ok(worst)
}
