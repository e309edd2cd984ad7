//! Applying per-sample weights to per-element losses (shared by every loss).

use crate::Real;
use crate::error::Result;
use crate::loss::{broadcast_to, check_finite};
use crate::reduction::Unreduced;
use ndarray::{ArrayD, ArrayViewD, Axis, Zip};

/// Multiplies per-element losses `values` (and the gradient rows that feed them) by sample
/// weights broadcast to `values`' shape; the broadcast weights become the reduction's mass.
///
/// `grad` has the input's shape, which is `values`' shape plus zero or more trailing axes (the
/// class axis of a softmax loss, or the label axis averaged away by Keras's binary losses).
pub(crate) fn apply_sample_weight<F: Real>(
    values: ArrayD<F>,
    grad: Option<ArrayD<F>>,
    sample_weight: Option<ArrayViewD<'_, F>>,
) -> Result<Unreduced<F>> {
    let count = values.len();
    let Some(sw) = sample_weight else {
        return Ok(Unreduced {
            values,
            mass: None,
            count,
            grad,
            passed_mass: None,
            ignored: None,
        });
    };
    apply_weight_and_mass(values, grad, sw, None, count)
}

/// Like [`apply_sample_weight`], with an existing mass (e.g. gathered class weights) that the
/// sample weights multiply, and an explicit count of valid elements.
pub(crate) fn apply_weight_and_mass<F: Real>(
    mut values: ArrayD<F>,
    mut grad: Option<ArrayD<F>>,
    sw: ArrayViewD<'_, F>,
    mass: Option<ArrayD<F>>,
    count: usize,
) -> Result<Unreduced<F>> {
    check_finite("sample_weight", sw.iter())?;
    let shape = values.shape().to_vec();
    let w = broadcast_to("sample_weight", &sw, &shape)?;
    Zip::from(&mut values).and(&w).for_each(|l, &w| *l = *l * w);
    if let Some(g) = grad.as_mut() {
        let mut wg = w.view();
        while wg.ndim() < g.ndim() {
            let n = wg.ndim();
            wg = wg.insert_axis(Axis(n));
        }
        let wg = broadcast_to("sample_weight", &wg, g.shape())?;
        Zip::from(g).and(&wg).for_each(|g, &w| *g = *g * w);
    }
    // the sum as passed is the denominator of Keras's mean_with_sample_weight, when the mass is
    // the sample weight alone
    let (mass, passed_mass) = match mass {
        Some(mut m) => {
            Zip::from(&mut m).and(&w).for_each(|m, &w| *m = *m * w);
            (m, None)
        }
        None => (w.to_owned(), Some(sw.iter().map(|v| v.f64()).sum())),
    };
    Ok(Unreduced {
        values,
        mass: Some(mass),
        count,
        grad,
        passed_mass,
        ignored: None,
    })
}

/// Per-element losses with a mass (gathered class weights, a validity mask...), `count` valid
/// elements and the mask of the ignored ones, times the sample weights when given (which then
/// multiply the mass too, as in [`apply_weight_and_mass`]).
pub(crate) fn with_mass<F: Real>(
    values: ArrayD<F>,
    grad: Option<ArrayD<F>>,
    sample_weight: Option<ArrayViewD<'_, F>>,
    mass: ArrayD<F>,
    count: usize,
    ignored: Option<ArrayD<bool>>,
) -> Result<Unreduced<F>> {
    let u = match sample_weight {
        Some(sw) => apply_weight_and_mass(values, grad, sw, Some(mass), count)?,
        None => Unreduced {
            values,
            mass: Some(mass),
            count,
            grad,
            passed_mass: None,
            ignored: None,
        },
    };
    Ok(Unreduced { ignored, ..u })
}
