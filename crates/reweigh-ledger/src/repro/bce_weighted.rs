//! `BCEWithLogitsLossWeighted` (seed 002): a PyTorch module that up-weights the ones.

use ndarray::{ArrayD, AsArray, Dimension, Zip};
use reweigh::Real;
use reweigh::error::Result;
use reweigh::loss::Loss;
use reweigh::loss::dyn_view;
use reweigh::losses::SigmoidCrossEntropy;

/// The answer's module, ported:
///
/// ```text
/// class BCEWithLogitsLossWeighted(torch.nn.Module):
///     def __init__(self, weight, *args, **kwargs):
///         super().__init__()
///         self.bce = torch.nn.BCEWithLogitsLoss(*args, **kwargs, reduction="none")
///         self.weight = weight
///     def forward(self, logits, labels):
///         loss = self.bce(logits, labels)
///         binary_labels = labels.bool()
///         loss[binary_labels] *= labels[binary_labels] * self.weight
///         return torch.mean(loss)
/// ```
///
/// ```text
/// l_ij = f_ij · bce(x_ij, z_ij),   f_ij = z_ij·weight if z_ij ≠ 0 else 1,   loss = mean_ij l_ij
/// ```
///
/// For hard labels it equals `BCEWithLogitsLoss(pos_weight=weight)`: a positive element's loss
/// is only the positive term, which `pos_weight` multiplies. For soft labels it does not: the
/// module scales *both* terms of every non-zero label, and by `z·weight` rather than `weight`
/// (`pos_weight` scales only `z·softplus(−x)`). The `*args, **kwargs` of the original (torch's
/// `weight=`, `pos_weight=`) are not ported.
///
/// ```
/// use ndarray::array;
/// use reweigh_ledger::repro::BceWithLogitsLossWeighted;
/// let x = array![[1.0_f64, -2.0], [0.5, 3.0]].into_dyn();
/// let z = array![[1.0_f64, 0.0], [0.0, 1.0]].into_dyn();
/// let (v, _grad) = BceWithLogitsLossWeighted::new(50.0).forward(x.view(), z.view()).unwrap();
/// assert!(v > 0.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BceWithLogitsLossWeighted<F> {
    weight: F,
}

impl<F: Real> BceWithLogitsLossWeighted<F> {
    /// `BCEWithLogitsLossWeighted(weight)`.
    pub fn new(weight: F) -> Self {
        BceWithLogitsLossWeighted { weight }
    }

    /// The mean loss and its gradient with respect to the logits.
    ///
    /// Errors: shape mismatch, empty input (as [`SigmoidCrossEntropy`]).
    pub fn forward<'a, D1: Dimension, D2: Dimension>(
        &self,
        logits: impl AsArray<'a, F, D1>,
        labels: impl AsArray<'a, F, D2>,
    ) -> Result<(F, ArrayD<F>)> {
        let logits = dyn_view(logits);
        let labels = dyn_view(labels);
        let out = SigmoidCrossEntropy::<F>::new().compute(logits, labels.view(), None, true)?;
        let mut loss = out.value.into_array();
        let mut grad = out.grad.expect("gradient requested");
        let n = F::of(loss.len() as f64);
        Zip::from(&mut loss)
            .and(&mut grad)
            .and(&labels)
            .for_each(|l, g, &z| {
                let f = if z != F::zero() {
                    z * self.weight
                } else {
                    F::one()
                };
                *l = *l * f;
                *g = *g * f / n;
            });
        Ok((loss.iter().copied().sum::<F>() / n, grad))
    }
}
