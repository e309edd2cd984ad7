//! Arrays in configurations: a number (0-d) or nested lists of numbers, `"nan"`/`"inf"`/`"-inf"`
//! spelt as strings (JSON has no such numbers). For `#[serde(with = "array::optional")]` on
//! `Option<ArrayD<f64>>` fields.

use crate::Real;
use ndarray::{Array1, ArrayD, IxDyn};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};
use serde_json::Value;

/// `Option<ArrayD<f64>>` as `null`, a number or nested lists.
pub(crate) mod optional {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        a: &Option<ArrayD<f64>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match a {
            None => s.serialize_none(),
            Some(a) => s.serialize_some(&to_value(a)),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<ArrayD<f64>>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(v) => from_value(&v).map(Some).map_err(D::Error::custom),
        }
    }
}

fn number(x: f64) -> Value {
    if x.is_nan() {
        Value::from("nan")
    } else if x.is_infinite() {
        Value::from(if x > 0.0 { "inf" } else { "-inf" })
    } else {
        Value::from(x)
    }
}

/// Nested lists (a number for a 0-d array).
pub(crate) fn to_value(a: &ArrayD<f64>) -> Value {
    fn nest(shape: &[usize], data: &mut impl Iterator<Item = f64>) -> Value {
        match shape.split_first() {
            None => number(data.next().expect("shape and data agree")),
            Some((&n, rest)) => Value::Array((0..n).map(|_| nest(rest, data)).collect()),
        }
    }
    nest(a.shape(), &mut a.iter().copied())
}

/// Parses a number or rectangular nested lists.
pub(crate) fn from_value(v: &Value) -> Result<ArrayD<f64>, String> {
    const RAGGED: &str = "an array's nested lists must be rectangular";
    fn walk(
        v: &Value,
        depth: usize,
        shape: &mut Vec<usize>,
        leaf_depths: &mut Vec<usize>,
        out: &mut Vec<f64>,
    ) -> Result<(), String> {
        let x = match v {
            Value::Array(items) => {
                if shape.len() == depth {
                    shape.push(items.len());
                } else if shape.len() < depth || shape[depth] != items.len() {
                    return Err(RAGGED.into());
                }
                return items
                    .iter()
                    .try_for_each(|it| walk(it, depth + 1, shape, leaf_depths, out));
            }
            Value::Number(n) => n.as_f64().ok_or("a number out of range")?,
            Value::String(s) => match s.as_str() {
                "nan" => f64::NAN,
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                other => return Err(format!("{other:?} is not a number")),
            },
            other => return Err(format!("{other} is not a number")),
        };
        leaf_depths.push(depth);
        out.push(x);
        Ok(())
    }
    let (mut shape, mut leaf_depths, mut out) = (vec![], vec![], vec![]);
    walk(v, 0, &mut shape, &mut leaf_depths, &mut out)?;
    if leaf_depths.iter().any(|&d| d != shape.len()) || out.len() != shape.iter().product::<usize>()
    {
        return Err(RAGGED.into());
    }
    ArrayD::from_shape_vec(IxDyn(&shape), out).map_err(|e| e.to_string())
}

/// The array in precision `F`.
pub(crate) fn of<F: Real>(a: &ArrayD<f64>) -> ArrayD<F> {
    a.mapv(F::of)
}

/// A per-class array in precision `F`: it must be 1-D.
pub(crate) fn per_class<F: Real>(what: &'static str, a: &ArrayD<f64>) -> crate::Result<Array1<F>> {
    match a.view().into_dimensionality::<ndarray::Ix1>() {
        Ok(v) => Ok(v.mapv(F::of)),
        Err(_) => Err(crate::ReweighError::BadShape {
            what,
            reason: "one weight per class (1-D)",
            got: a.shape().to_vec(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_lists_and_special_values() {
        let a = from_value(&json!([[1.0, "inf"], ["nan", -2]])).unwrap();
        assert_eq!(a.shape(), &[2, 2]);
        assert!(a[[1, 0]].is_nan() && a[[0, 1]] == f64::INFINITY);
        let back = from_value(&to_value(&a)).unwrap();
        assert!(back[[1, 0]].is_nan() && back[[1, 1]] == -2.0);
        assert_eq!(from_value(&json!(0.5)).unwrap().ndim(), 0);
        assert!(from_value(&json!([[1.0], [1.0, 2.0]])).is_err());
        assert!(from_value(&json!([1.0, [2.0]])).is_err());
        assert!(from_value(&json!([[1.0], 2.0])).is_err());
        assert!(from_value(&json!(["x"])).is_err());
        assert!(from_value(&json!([true])).is_err());
    }
}
