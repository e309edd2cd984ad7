//! Label smoothing, with its one validation rule ([`check_smoothing`], `ε ∈ [0, 1]`): binary
//! (the element-wise losses, [`BinarySmoothing`]), categorical on probability targets
//! ([`CategoricalSmoothing`]), and in the softmax cross-entropies, where class weights enter it.
//!
//! Both softmax losses compute `l = −Σ_c a_c·log softmax(x)_c` for a row of logits `x`; this
//! module builds the coefficients `a_c` from the label, the smoothing `ε` and the class weights.

use crate::Real;
use crate::error::Result;
use crate::loss::check_range;
use ndarray::{ArrayView1, ArrayViewMut1, Zip};
use serde::{Deserialize, Serialize};

/// How label smoothing `ε` combines with class weights `w` in a softmax cross-entropy over `C`
/// classes, for an integer label `y`.
///
/// ```text
/// KerasTf:  l = w[y] · Σ_c t_c·(−log p_c),           t = (1 − ε)·onehot(y) + ε/C
/// PyTorch:  l = (1 − ε)·w[y]·(−log p_y) + (ε/C)·Σ_c w_c·(−log p_c)
/// ```
///
/// - `KerasTf` smooths the one-hot label and lets the class weight of the true label scale the
///   whole row, as a sample weight does: `keras.losses.CategoricalCrossentropy(label_smoothing=ε)`
///   or `tf.compat.v1.losses.softmax_cross_entropy(..., label_smoothing=ε)` with
///   `sample_weight = w[y]` (Keras `class_weight=` in `fit` does exactly this).
/// - `PyTorch` is `torch.nn.CrossEntropyLoss(weight=w, label_smoothing=ε)`: the smoothing term
///   weighs each class by its own weight.
///
/// In both forms the row's denominator mass is `w[y]` (PyTorch's `mean` is `Σ l_i / Σ w[y_i]`).
/// Without class weights the two forms are the same loss. For probability (dense) targets the
/// forms coincide too: PyTorch smooths a probability target as `y(1 − ε) + ε/C`, like Keras.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SmoothingForm {
    /// Smooth the one-hot label, then scale the row by the class weight of the true label.
    #[default]
    #[serde(rename = "keras_tf")]
    KerasTf,
    /// PyTorch's `CrossEntropyLoss(weight=w, label_smoothing=ε)`: each smoothing term carries
    /// its own class weight.
    #[serde(rename = "pytorch")]
    PyTorch,
}

/// Checks `ε ∈ [0, 1]` (PyTorch raises above 1; reweigh also rejects negative values, which
/// PyTorch silently treats as 0 and Keras accepts).
pub(crate) fn check_smoothing(eps: f64) -> Result<()> {
    check_range("label_smoothing", eps, 0.0, 1.0, "in [0, 1]")
}

/// Binary label smoothing `z' = z·(1 − ε) + ε/2` (Keras's and TF1's binary losses): the label
/// moves towards 1/2. `ε = 0` leaves the label as it is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BinarySmoothing<F> {
    eps: F,
    keep: F,
    half_eps: F,
}

impl<F: Real> BinarySmoothing<F> {
    /// Smoothing by `ε` (checked by the caller).
    pub(crate) fn new(eps: F) -> Self {
        BinarySmoothing {
            eps,
            keep: F::one() - eps,
            half_eps: F::of(0.5) * eps,
        }
    }

    /// The smoothed label `z·(1 − ε) + ε/2`.
    #[inline]
    pub(crate) fn apply(&self, z: F) -> F {
        if self.eps == F::zero() {
            z
        } else {
            z * self.keep + self.half_eps
        }
    }
}

/// Categorical label smoothing of a probability target `y' = y·(1 − ε) + ε/C` (Keras's
/// categorical losses on probabilities and the cost-matrix loss). `ε = 0` leaves the label as it
/// is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CategoricalSmoothing<F> {
    keep: F,
    add: F,
}

impl<F: Real> CategoricalSmoothing<F> {
    /// Smoothing by `ε` (checked by the caller's `check_options`) over `num_classes` classes.
    pub(crate) fn new(eps: F, num_classes: usize) -> Self {
        CategoricalSmoothing {
            keep: F::one() - eps,
            add: eps / F::of(num_classes as f64),
        }
    }

    /// The smoothed label `y·(1 − ε) + ε/C`.
    #[inline]
    pub(crate) fn apply(&self, y: F) -> F {
        if self.add == F::zero() {
            y
        } else {
            y * self.keep + self.add
        }
    }
}

/// Coefficients of a probability (dense) target row: `a_c = w_c·(y_c·(1 − ε) + ε/C)`.
pub(crate) fn dense_coefficients<F: Real>(
    labels: ArrayView1<'_, F>,
    eps: F,
    class_weights: Option<ArrayView1<'_, F>>,
    mut a: ArrayViewMut1<'_, F>,
) {
    let keep = F::one() - eps;
    let spread = eps / F::of(labels.len() as f64);
    let smooth = |y: F| y * keep + spread;
    match class_weights {
        Some(w) => Zip::from(&mut a)
            .and(&labels)
            .and(&w)
            .for_each(|a, &y, &w| *a = w * smooth(y)),
        None => Zip::from(&mut a)
            .and(&labels)
            .for_each(|a, &y| *a = smooth(y)),
    }
}

/// Coefficients of an integer label `y` whose row weight is `g` (the gathered class weight):
/// see [`SmoothingForm`] for the two forms. `class_weights` is needed by the PyTorch form only.
pub(crate) fn sparse_coefficients<F: Real>(
    y: usize,
    g: F,
    eps: F,
    form: SmoothingForm,
    class_weights: Option<ArrayView1<'_, F>>,
    mut a: ArrayViewMut1<'_, F>,
) {
    let spread = eps / F::of(a.len() as f64);
    match (form, class_weights) {
        (SmoothingForm::PyTorch, Some(w)) => {
            Zip::from(&mut a).and(&w).for_each(|a, &w| *a = spread * w);
            a[y] = a[y] + (F::one() - eps) * g;
        }
        _ => {
            a.fill(g * spread);
            a[y] = g * ((F::one() - eps) + spread);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, array};

    fn assert_close(got: Array1<f64>, expected: Array1<f64>) {
        for (g, e) in got.iter().zip(expected.iter()) {
            assert!((g - e).abs() < 1e-15, "{got} vs {expected}");
        }
    }

    #[test]
    fn forms_agree_without_class_weights() {
        let mut k = Array1::zeros(4);
        let mut p = Array1::zeros(4);
        sparse_coefficients(2, 1.0, 0.2, SmoothingForm::KerasTf, None, k.view_mut());
        sparse_coefficients(2, 1.0, 0.2, SmoothingForm::PyTorch, None, p.view_mut());
        assert_eq!(k, p);
        assert!((k.sum() - 1.0_f64).abs() < 1e-15);
        assert_close(k, array![0.05, 0.05, 0.85, 0.05]);
    }

    #[test]
    fn pytorch_form_weighs_each_smoothing_term() {
        let w = array![1.0_f64, 2.0, 3.0, 4.0];
        let mut a = Array1::zeros(4);
        sparse_coefficients(
            1,
            2.0,
            0.2,
            SmoothingForm::PyTorch,
            Some(w.view()),
            a.view_mut(),
        );
        assert_close(a, array![0.05, 0.1 + 1.6, 0.15, 0.2]);
    }

    #[test]
    fn dense_matches_sparse_pytorch_form_on_one_hot() {
        let w = array![1.0_f64, 2.0, 3.0, 4.0];
        let mut d = Array1::zeros(4);
        let mut s = Array1::zeros(4);
        dense_coefficients(
            array![0.0, 0.0, 1.0, 0.0].view(),
            0.3,
            Some(w.view()),
            d.view_mut(),
        );
        sparse_coefficients(
            2,
            3.0,
            0.3,
            SmoothingForm::PyTorch,
            Some(w.view()),
            s.view_mut(),
        );
        for (a, b) in d.iter().zip(s.iter()) {
            assert!((a - b).abs() < 1e-15);
        }
    }
}
