//! `binary_focal_loss` (seed 002): the thread's focal loss.

use super::Raised;
use ndarray::{ArrayD, AsArray, Dimension, Zip};
use reweigh::Real;
use reweigh::loss::Loss;
use reweigh::loss::dyn_view;
use reweigh::losses::SigmoidCrossEntropy;
use reweigh::math::sigmoid;
use reweigh::output::LossValue;

/// The `reduction` callable the thread's function applies to the element-wise losses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FocalReduction {
    /// `torch.mean`.
    Mean,
    /// `torch.sum`.
    Sum,
    /// `lambda loss: loss` (element-wise losses).
    Identity,
}

/// The answer's function, ported:
///
/// ```text
/// def binary_focal_loss(outputs, targets, gamma, weight=None, pos_weight=None, reduction=None):
///     probabilities = (1 - torch.sigmoid(outputs)) ** gamma
///     loss = probabilities * torch.nn.functional.binary_cross_entropy_with_logits(
///         outputs, targets.float(), weight, reduction="none", pos_weight=pos_weight)
///     return reduction(loss)
/// ```
///
/// ```text
/// thread:   l = (1 − σ(x))^γ · bce(x, z)                 for every label
/// Lin et al. / torchvision (α = −1):  l = (1 − p_t)^γ · bce(x, z),  p_t = σ(x) if z = 1 else 1 − σ(x)
/// ```
///
/// For a positive label (`z = 1`) the two agree. For a negative label the focal factor should
/// be `σ(x)^γ` (small when the model already says "no"); the thread's `(1 − σ(x))^γ` is close
/// to 1 for easy negatives and small for hard ones, the opposite of focusing. Compare with
/// [`reweigh::losses::BinaryFocalLoss`]. `reduction` defaults to `None` in the original, which
/// Python then calls: `TypeError: 'NoneType' object is not callable` (here `reduction: None`).
///
/// ```
/// use ndarray::array;
/// use reweigh_ledger::repro::{FocalReduction, binary_focal_loss};
/// let x = array![2.0_f64, 2.0].into_dyn();
/// let z = array![1.0_f64, 0.0].into_dyn();
/// let l = binary_focal_loss(x.view(), z.view(), 2.0, None, None, Some(FocalReduction::Identity))
///     .unwrap().into_array();
/// // the same factor (1 − σ(2))² for the positive and the (hard) negative
/// let f = (1.0 - 1.0 / (1.0 + (-2.0_f64).exp())).powi(2);
/// assert!((l[[1]] / (2.0 + (-2.0_f64).exp().ln_1p()) - f).abs() < 1e-12);
/// assert!(binary_focal_loss(x.view(), z.view(), 2.0, None, None, None).is_err());
/// ```
pub fn binary_focal_loss<'a, F: Real, D1: Dimension, D2: Dimension>(
    outputs: impl AsArray<'a, F, D1>,
    targets: impl AsArray<'a, F, D2>,
    gamma: F,
    weight: Option<ArrayD<F>>,
    pos_weight: Option<ArrayD<F>>,
    reduction: Option<FocalReduction>,
) -> Result<LossValue<F>, Raised> {
    let outputs = dyn_view(outputs);
    let targets = dyn_view(targets);
    let mut bce = SigmoidCrossEntropy::<F>::new();
    if let Some(w) = weight {
        bce = bce.element_weights(w);
    }
    if let Some(q) = pos_weight {
        bce = bce.pos_weight(q);
    }
    let mut loss = bce
        .forward(outputs.view(), targets)
        .map_err(Raised::from_reweigh)?
        .into_array();
    Zip::from(&mut loss)
        .and(&outputs)
        .for_each(|l, &x| *l = (F::one() - sigmoid(x)).powf(gamma) * *l);
    match reduction {
        None => Err(Raised::new(
            "TypeError",
            "'NoneType' object is not callable",
        )),
        Some(FocalReduction::Identity) => Ok(LossValue::PerElement(loss)),
        Some(FocalReduction::Sum) => Ok(LossValue::Scalar(loss.iter().copied().sum())),
        Some(FocalReduction::Mean) => Ok(LossValue::Scalar(
            loss.iter().copied().sum::<F>() / F::of(loss.len() as f64),
        )),
    }
}
