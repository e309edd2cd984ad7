//! P-Gn's answer to "Unbalanced data and weighted cross entropy" (Stack Overflow 44560549).

use super::{Raised, broadcast_mul};
use ndarray::{ArrayD, AsArray, Axis, Dimension};
use reweigh::loss::dyn_view;
use reweigh::losses::SoftmaxCrossEntropy;
use reweigh::{Loss, Real};

/// `weights = tf.reduce_sum(class_weights * onehot_labels, axis=1)`: the class weight of each
/// sample's true label, for `class_weights` of shape `(1, C)` (the answer's
/// `tf.constant([[1.0, 2.0, 3.0]])`) or a full `(N, C)` tensor.
///
/// ```
/// use ndarray::array;
/// use reweigh_ledger::repro::pgn_true_label_weights;
/// let cw = array![[1.0_f32, 2.0, 3.0]].into_dyn();
/// let onehot = array![[0.0_f32, 1.0, 0.0], [0.0, 0.0, 1.0]].into_dyn();
/// assert_eq!(pgn_true_label_weights(cw.view(), onehot.view()).unwrap(), array![2.0, 3.0].into_dyn());
/// ```
pub fn pgn_true_label_weights<'a, F: Real, D1: Dimension, D2: Dimension>(
    class_weights: impl AsArray<'a, F, D1>,
    onehot_labels: impl AsArray<'a, F, D2>,
) -> Result<ArrayD<F>, Raised> {
    let class_weights = dyn_view(class_weights);
    let onehot_labels = dyn_view(onehot_labels);
    let product = broadcast_mul(class_weights, onehot_labels)?;
    if product.ndim() < 2 {
        return Err(Raised::new(
            "InvalidArgumentError",
            format!(
                "Invalid reduction dimension (1 for input with {} dimension(s))",
                product.ndim()
            ),
        ));
    }
    Ok(product.sum_axis(Axis(1)))
}

/// The result of P-Gn's code: the weighted losses (whatever shape broadcasting gave them) and
/// their `reduce_mean`.
#[derive(Clone, Debug, PartialEq)]
pub struct PgnLoss<F> {
    /// `unweighted_losses * weights`.
    pub weighted_losses: ArrayD<F>,
    /// `tf.reduce_mean(weighted_losses)`: the mean over every element of the product.
    pub loss: F,
}

/// The rest of P-Gn's code, for any `weights` tensor:
///
/// ```text
/// unweighted_losses = tf.nn.softmax_cross_entropy_with_logits(onehot_labels, logits)   # (N,)
/// weighted_losses = unweighted_losses * weights        # "relying on broadcasting"
/// loss = tf.reduce_mean(weighted_losses)
/// ```
///
/// With the `(N,)` weights of [`pgn_true_label_weights`] this is `Σ_i w_i·l_i / N`. The answer
/// then proposes `weights = class_weights` (to weight by the estimated label) and a full
/// `(num_samples, num_classes)` weight tensor, saying nothing else needs to change: a `(1, C)`
/// or `(N, C)` tensor times `(N,)` losses raises `Incompatible shapes` unless `N = C` (or
/// `N = 1`), and when `N = C` it multiplies sample `i`'s loss by column `i`, not by anything of
/// sample `i`'s prediction.
///
/// ```
/// use ndarray::array;
/// use reweigh_ledger::repro::pgn_loss;
/// let logits = array![[2.0_f32, 0.0, -1.0], [0.5, 0.5, 3.0]].into_dyn();
/// let onehot = array![[1.0_f32, 0.0, 0.0], [0.0, 1.0, 0.0]].into_dyn();
/// let class_weights = array![[1.0_f32, 2.0, 3.0]].into_dyn();
/// // weights = class_weights: a (2,) loss vector times a (1, 3) tensor
/// let e = pgn_loss(onehot.view(), logits.view(), class_weights.view()).unwrap_err();
/// assert_eq!(e.kind, "InvalidArgumentError");
/// ```
pub fn pgn_loss<'a, F: Real, D1: Dimension, D2: Dimension, D3: Dimension>(
    onehot_labels: impl AsArray<'a, F, D1>,
    logits: impl AsArray<'a, F, D2>,
    weights: impl AsArray<'a, F, D3>,
) -> Result<PgnLoss<F>, Raised> {
    let onehot_labels = dyn_view(onehot_labels);
    let logits = dyn_view(logits);
    let weights = dyn_view(weights);
    let unweighted = SoftmaxCrossEntropy::<F>::new()
        .forward(logits, onehot_labels)
        .map_err(Raised::from_reweigh)?
        .into_array();
    let weighted_losses = broadcast_mul(unweighted.view(), weights)?;
    let n = F::of(weighted_losses.len() as f64);
    let loss = weighted_losses.iter().copied().sum::<F>() / n;
    Ok(PgnLoss {
        weighted_losses,
        loss,
    })
}
