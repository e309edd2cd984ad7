//! Exporting class weights: a Keras `class_weight` dict literal, a PyTorch tensor literal, JSON.

use super::{ClassWeights, SchemeKind};
use crate::Real;
use crate::error::{Result, ReweighError};
use serde::{Deserialize, Serialize};

/// The serialised form of [`ClassWeights`] (weights as `f64`; the kind only when it is not class
/// weights, so that class weights' JSON has no `kind` field).
#[derive(Serialize, Deserialize)]
struct Repr {
    scheme: String,
    #[serde(default, skip_serializing_if = "SchemeKind::is_class_weights")]
    kind: SchemeKind,
    classes: Vec<i64>,
    weights: Vec<f64>,
}

/// A float as a Python literal: Rust's shortest round-trip form, which Python reads back to the
/// same value (`1.0`, `3.749820767859636`, `1e-7`).
fn py_float<F: Real>(x: F) -> String {
    format!("{x:?}")
}

impl<F: Real> ClassWeights<F> {
    /// A Python dict literal for Keras `model.fit(class_weight=...)`:
    /// `{0: 1.0, 1: 3.749820767859636}`. A `class_weight` only when [`Self::kind`] is
    /// [`SchemeKind::ClassWeights`]; for margins or logit offsets it is the same dict of the
    /// per-class numbers, for your own code (Keras has no argument that takes them).
    ///
    /// ```
    /// use reweigh::schemes::{ClassCounts, Scheme};
    /// let c = ClassCounts::from_counts(&[3, 1]).unwrap();
    /// let w = Scheme::Balanced.weights::<f64>(&c).unwrap();
    /// assert_eq!(w.to_keras_dict(), "{0: 0.6666666666666666, 1: 2.0}");
    /// ```
    pub fn to_keras_dict(&self) -> String {
        let items: Vec<String> = self
            .iter()
            .map(|(c, w)| format!("{c}: {}", py_float(w)))
            .collect();
        format!("{{{}}}", items.join(", "))
    }

    /// A PyTorch literal for `CrossEntropyLoss(weight=...)`:
    /// `torch.tensor([0.6666666666666666, 2.0], dtype=torch.float64)`. The tensor is indexed by
    /// class, so the classes must be `0..C` ([`ClassWeights::dense`]). For margins it is LDAM's
    /// `m_list`, for logit offsets the tensor added to the logits (`logits + offsets`).
    ///
    /// ```
    /// use reweigh::schemes::{ClassCounts, Scheme};
    /// let c = ClassCounts::from_counts(&[3, 1]).unwrap();
    /// let w = Scheme::Balanced.weights::<f32>(&c).unwrap();
    /// assert_eq!(w.to_torch_tensor().unwrap(), "torch.tensor([0.6666667, 2.0], dtype=torch.float32)");
    /// ```
    pub fn to_torch_tensor(&self) -> Result<String> {
        let items: Vec<String> = self.dense()?.iter().map(|&w| py_float(w)).collect();
        Ok(format!(
            "torch.tensor([{}], dtype=torch.{})",
            items.join(", "),
            F::DTYPE
        ))
    }

    /// JSON: `{"scheme": "...", "classes": [...], "weights": [...]}` (weights as float64), with
    /// `"kind": "margins"` or `"kind": "logit_offsets"` after the scheme for those kinds (read
    /// back by [`Self::from_json`]; no `kind` is class weights).
    ///
    /// ```
    /// use reweigh::schemes::{ClassCounts, ClassWeights, Scheme};
    /// let c = ClassCounts::from_counts(&[3, 1]).unwrap();
    /// let w = Scheme::Balanced.weights::<f64>(&c).unwrap();
    /// let json = w.to_json().unwrap();
    /// assert_eq!(json, r#"{"scheme":"balanced","classes":[0,1],"weights":[0.6666666666666666,2.0]}"#);
    /// assert_eq!(ClassWeights::<f64>::from_json(&json).unwrap(), w);
    /// ```
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(&self.repr()).map_err(|e| ReweighError::Input {
            what: "class weights as JSON".into(),
            message: e.to_string(),
        })
    }

    /// Reads weights written by [`Self::to_json`] (checked like [`ClassWeights::new`]).
    pub fn from_json(json: &str) -> Result<Self> {
        let r: Repr = serde_json::from_str(json).map_err(|e| ReweighError::Input {
            what: "class weights JSON".into(),
            message: e.to_string(),
        })?;
        Ok(Self::new(
            r.scheme,
            r.classes,
            r.weights.into_iter().map(F::of).collect(),
        )?
        .with_kind(r.kind))
    }

    fn repr(&self) -> Repr {
        Repr {
            scheme: self.scheme.clone(),
            kind: self.kind,
            classes: self.classes.clone(),
            weights: self.weights.iter().map(|w| w.f64()).collect(),
        }
    }
}

impl<F: Real> Serialize for ClassWeights<F> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.repr().serialize(s)
    }
}

impl<'de, F: Real> Deserialize<'de> for ClassWeights<F> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let r = Repr::deserialize(d)?;
        ClassWeights::new(
            r.scheme,
            r.classes,
            r.weights.into_iter().map(F::of).collect(),
        )
        .map(|w| w.with_kind(r.kind))
        .map_err(serde::de::Error::custom)
    }
}
