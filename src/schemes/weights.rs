//! [`ClassWeights`]: one weight per class, labelled, with the scheme that made it.

use super::SchemeKind;
use crate::Real;
use crate::error::{Result, ReweighError};
use crate::loss::check_same_shape;
use ndarray::{Array1, ArrayView1};

/// Class weights: the classes, one weight each, and the name of the scheme that produced them.
///
/// Built by [`crate::schemes::Scheme::weights`] (or [`ClassWeights::new`] from your own numbers);
/// turned into per-sample weights by [`crate::schemes::gather_sample_weights`], exported by
/// [`Self::to_keras_dict`], [`Self::to_torch_tensor`] and [`Self::to_json`], and usable directly
/// as a loss's per-class weight vector ([`Self::weights`]) when the classes are `0..C`.
///
/// The same labelled vector holds the schemes whose per-class numbers are no weights, LDAM's
/// margins and the logit-adjustment offsets: [`Self::kind`] says which (a
/// [`SchemeKind::Margins`] vector goes to `LdamLoss::new`, a [`SchemeKind::LogitOffsets`] one to
/// `LogitAdjustedCrossEntropy::new`); the sample-weight functions accept only class weights.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassWeights<F> {
    pub(crate) scheme: String,
    pub(crate) kind: SchemeKind,
    pub(crate) classes: Vec<i64>,
    pub(crate) weights: Array1<F>,
}

impl<F: Real> ClassWeights<F> {
    /// Labelled weights (kind [`SchemeKind::ClassWeights`]; [`Self::with_kind`] sets another);
    /// classes must be distinct, weights finite and as many as the classes.
    pub fn new(scheme: impl Into<String>, classes: Vec<i64>, weights: Array1<F>) -> Result<Self> {
        check_same_shape("class weights", &[classes.len()], weights.shape())?;
        super::counts::class_index(&classes)?;
        crate::loss::check_finite("class weights", weights.iter())?;
        Ok(ClassWeights {
            scheme: scheme.into(),
            kind: SchemeKind::ClassWeights,
            classes,
            weights,
        })
    }

    /// The same vector, recorded as being of `kind`.
    pub fn with_kind(mut self, kind: SchemeKind) -> Self {
        self.kind = kind;
        self
    }

    /// The scheme's name (`Scheme`'s `Display`), or what [`Self::new`] was given.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// What the vector is: class weights (from [`Self::new`] and every class-weighting scheme),
    /// margins or logit offsets ([`crate::schemes::Scheme::kind`]).
    pub fn kind(&self) -> SchemeKind {
        self.kind
    }

    /// [`ReweighError::Incompatible`] unless the vector is class weights: `what` (a sample-weight
    /// function) cannot use margins or logit offsets as weights.
    pub(crate) fn check_class_weights(&self, what: &str) -> Result<()> {
        if self.kind.is_class_weights() {
            return Ok(());
        }
        Err(ReweighError::Incompatible(format!(
            "{what} needs class weights, and {} gives {} (use them in their loss, or take the \
             vector with .weights())",
            self.scheme, self.kind
        )))
    }

    /// The classes, in the order of [`Self::weights`].
    pub fn classes(&self) -> &[i64] {
        &self.classes
    }

    /// The weights, one per class.
    pub fn weights(&self) -> ArrayView1<'_, F> {
        self.weights.view()
    }

    /// The weights, consumed.
    pub fn into_array(self) -> Array1<F> {
        self.weights
    }

    /// The weight of `class`, if it is one of the classes.
    pub fn get(&self, class: i64) -> Option<F> {
        self.classes
            .iter()
            .position(|&c| c == class)
            .map(|i| self.weights[i])
    }

    /// The number of classes.
    pub fn len(&self) -> usize {
        self.classes.len()
    }

    /// Whether there is no class (never true for weights built by reweigh).
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    /// `(class, weight)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (i64, F)> + '_ {
        self.classes
            .iter()
            .copied()
            .zip(self.weights.iter().copied())
    }

    /// The weights as a dense vector indexed by class `0..C` (what a loss's `weight=` takes);
    /// an error unless the classes are exactly `0, 1, …, C−1` in some order.
    pub fn dense(&self) -> Result<Array1<F>> {
        let c = self.classes.len();
        let mut out = Array1::from_elem(c, F::nan());
        for (k, w) in self.iter() {
            if k < 0 || k as usize >= c {
                return Err(ReweighError::Incompatible(format!(
                    "class {k} cannot index a dense weight vector of length {c}: the classes \
                     must be 0..{c}"
                )));
            }
            out[k as usize] = w;
        }
        Ok(out)
    }
}
