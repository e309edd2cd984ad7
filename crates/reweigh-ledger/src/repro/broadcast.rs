//! NumPy / TensorFlow broadcasting of a product, raising where they raise.

use super::Raised;
use ndarray::{ArrayD, ArrayViewD, IxDyn, Zip};
use reweigh::Real;

/// The broadcast shape of two shapes under NumPy's rules (align trailing axes; each pair of
/// lengths must be equal or contain a 1), or `None` where NumPy and TensorFlow raise.
///
/// ```
/// use reweigh_ledger::repro::broadcast_shape;
/// assert_eq!(broadcast_shape(&[6, 1], &[1, 3]), Some(vec![6, 3]));
/// assert_eq!(broadcast_shape(&[3], &[1, 3]), Some(vec![1, 3]));
/// assert_eq!(broadcast_shape(&[6], &[1, 3]), None); // (N,) losses times (1, C) class weights
/// ```
pub fn broadcast_shape(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i < n - a.len() {
            1
        } else {
            a[i - (n - a.len())]
        };
        let db = if i < n - b.len() {
            1
        } else {
            b[i - (n - b.len())]
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        };
    }
    Some(out)
}

/// `a * b` with broadcasting, as `tf.multiply` computes it; where the shapes do not broadcast,
/// the `InvalidArgumentError` TensorFlow raises (`Incompatible shapes: [6] vs. [1,3]`).
///
/// ```
/// use ndarray::array;
/// use reweigh_ledger::repro::broadcast_mul;
/// let losses = array![1.0_f64, 2.0, 3.0].into_dyn();
/// let class_weights = array![[1.0_f64, 2.0, 3.0]].into_dyn();
/// // three samples, three classes: sample i's loss times the weight of class i
/// assert_eq!(broadcast_mul(losses.view(), class_weights.view()).unwrap(), array![[1.0, 4.0, 9.0]].into_dyn());
/// let six = ndarray::Array1::<f64>::ones(6).into_dyn();
/// let e = broadcast_mul(six.view(), class_weights.view()).unwrap_err();
/// assert_eq!(e.message, "Incompatible shapes: [6] vs. [1,3]");
/// ```
pub fn broadcast_mul<F: Real>(
    a: ArrayViewD<'_, F>,
    b: ArrayViewD<'_, F>,
) -> Result<ArrayD<F>, Raised> {
    let fmt = |s: &[usize]| {
        let parts: Vec<String> = s.iter().map(|d| d.to_string()).collect();
        format!("[{}]", parts.join(","))
    };
    let shape = broadcast_shape(a.shape(), b.shape()).ok_or_else(|| {
        Raised::new(
            "InvalidArgumentError",
            format!(
                "Incompatible shapes: {} vs. {}",
                fmt(a.shape()),
                fmt(b.shape())
            ),
        )
    })?;
    let a = a
        .broadcast(IxDyn(&shape))
        .expect("shape is the broadcast shape");
    let b = b
        .broadcast(IxDyn(&shape))
        .expect("shape is the broadcast shape");
    Ok(Zip::from(&a).and(&b).map_collect(|&x, &y| x * y))
}
