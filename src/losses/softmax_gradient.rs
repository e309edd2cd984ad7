//! Which gradient a dense softmax cross-entropy returns for labels that do not sum to 1.

use crate::Real;
use crate::error::{Result, ReweighError};
use ndarray::{Array1, ArrayView1, ArrayViewMut1, Zip};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The gradient rule of [`SoftmaxCrossEntropy`](super::SoftmaxCrossEntropy) for a target `t`
/// (after smoothing and class weights) whose row sum `Σ_c t_c` is not 1.
///
/// ```text
/// exact       ∂l/∂x_j = (Σ_c t_c)·softmax(x)_j − t_j     the derivative of the value (reweigh's default)
/// tensorflow  ∂l/∂x_j = softmax(x)_j − t_j                TensorFlow's kernel
/// ```
///
/// TensorFlow's `tf.nn.softmax_cross_entropy_with_logits` (and with it Keras's
/// `CategoricalCrossentropy(from_logits=True)` and `tf.compat.v1.losses.softmax_cross_entropy`)
/// returns `softmax − y` as its gradient whatever the labels sum to, which is not the derivative
/// of the value it returns: for `y = [[0.6, 0.9, 0.0]]`, `x = [[2, −1, 0.5]]` TensorFlow's
/// gradient is `[0.18560, −0.86089, 0.17529]`, the derivative of its value
/// `[0.57840, −0.84133, 0.26294]` (measured, TF 2.21; `scripts/reference/gen_softmax.py`).
/// Both rules agree when every row of `t` sums to 1. With class weights `w`, `t = w·y` in both
/// rules (TensorFlow has no class weights). In serde and [`FromStr`]: `"exact"`, `"tensorflow"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SoftmaxGradient {
    /// The derivative of the value: `(Σ_c t_c)·softmax − t`.
    #[default]
    Exact,
    /// TensorFlow's `softmax − t`.
    Tensorflow,
}

impl FromStr for SoftmaxGradient {
    type Err = ReweighError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "exact" => Ok(SoftmaxGradient::Exact),
            "tensorflow" => Ok(SoftmaxGradient::Tensorflow),
            _ => Err(ReweighError::UnknownName {
                kind: "softmax gradient rule",
                name: s.to_string(),
                valid: "exact, tensorflow".to_string(),
            }),
        }
    }
}

impl SoftmaxGradient {
    /// Rewrites a row's gradient for this rule, from the row's `log softmax` and coefficients
    /// `t` (the exact rule leaves it as computed).
    pub(crate) fn rewrite_row<F: Real>(
        self,
        grad: ArrayViewMut1<'_, F>,
        log_p: &Array1<F>,
        t: ArrayView1<'_, F>,
    ) {
        if self == SoftmaxGradient::Tensorflow {
            Zip::from(grad)
                .and(log_p)
                .and(t)
                .for_each(|g, &lp, &t| *g = lp.exp() - t);
        }
    }
}
