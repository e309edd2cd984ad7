//! Where a golden case's loss is computed: [`Direct`] calls the loss itself (the core's golden
//! test); another crate's golden test (reweigh-candle's) implements [`Backend`] to run the same
//! losses, built from the same configurations, through its own path.

use super::case::Outcome;
use ndarray::ArrayViewD;
use reweigh::{Loss, Real, ReweighError};

/// Computes a built loss on a case's inputs: the value (reduced, or per element) and the gradient
/// with respect to `input` of the value (of its sum for reduction `none`).
pub trait Backend<F: Real> {
    /// A loss whose targets are floats (labels or probabilities).
    fn dense<L>(
        loss: L,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
    ) -> Result<Outcome<F>, ReweighError>
    where
        L: Loss<F, Label = F> + Send + Sync + 'static;

    /// A loss whose targets are integer labels.
    fn sparse<L>(
        loss: L,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
    ) -> Result<Outcome<F>, ReweighError>
    where
        L: Loss<F, Label = i64> + Send + Sync + 'static;
}

/// The loss's own [`Loss::compute`].
pub struct Direct;

impl<F: Real> Backend<F> for Direct {
    fn dense<L>(
        loss: L,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
    ) -> Result<Outcome<F>, ReweighError>
    where
        L: Loss<F, Label = F> + Send + Sync + 'static,
    {
        direct(loss, input, target, sample_weight)
    }

    fn sparse<L>(
        loss: L,
        input: ArrayViewD<'_, F>,
        target: ArrayViewD<'_, i64>,
        sample_weight: Option<ArrayViewD<'_, F>>,
    ) -> Result<Outcome<F>, ReweighError>
    where
        L: Loss<F, Label = i64> + Send + Sync + 'static,
    {
        direct(loss, input, target, sample_weight)
    }
}

/// [`Loss::compute`] with the gradient, as an [`Outcome`].
fn direct<F: Real, T, L>(
    loss: L,
    input: ArrayViewD<'_, F>,
    target: ArrayViewD<'_, T>,
    sample_weight: Option<ArrayViewD<'_, F>>,
) -> Result<Outcome<F>, ReweighError>
where
    L: Loss<F, Label = T>,
{
    let out = loss.compute(input, target, sample_weight, true)?;
    Ok(Outcome {
        value: out.value.into_array(),
        grad: out.grad,
    })
}
