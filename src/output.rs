//! What a loss returns: a value (scalar or per element) and, on request, its gradient.

use crate::Real;
use ndarray::ArrayD;

/// A loss value: a scalar for reducing reductions, an array for `none`.
#[derive(Clone, Debug, PartialEq)]
pub enum LossValue<F> {
    /// The reduced loss.
    Scalar(F),
    /// One loss per element (reduction `none`).
    PerElement(ArrayD<F>),
}

impl<F: Real> LossValue<F> {
    /// The scalar, if the reduction produced one.
    pub fn scalar(&self) -> Option<F> {
        match self {
            LossValue::Scalar(v) => Some(*v),
            LossValue::PerElement(_) => None,
        }
    }

    /// The value as an array (0-dimensional for a scalar).
    pub fn into_array(self) -> ArrayD<F> {
        match self {
            LossValue::Scalar(v) => ArrayD::from_elem(vec![], v),
            LossValue::PerElement(a) => a,
        }
    }
}

/// A loss value with the gradient with respect to the loss input (logits, or probabilities for
/// the probability-space losses). `grad` is `Some` when it was requested.
#[derive(Clone, Debug, PartialEq)]
pub struct LossOutput<F> {
    /// The loss value.
    pub value: LossValue<F>,
    /// `∂ value / ∂ input` (for reduction `none`: `∂ Σ value / ∂ input`).
    pub grad: Option<ArrayD<F>>,
}
