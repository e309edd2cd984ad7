//! Multi-label `pos_weight`: negatives over positives per label.

use crate::Real;
use crate::error::{Result, ReweighError};
use crate::schemes::MultiLabelCounts;
use ndarray::Array1;

/// `pos_weight` for `BCEWithLogitsLoss` / `tf.nn.weighted_cross_entropy_with_logits`: one per
/// label, so that each label's positives weigh as much in total as its negatives.
///
/// ```text
/// q_l = min(neg_l / pos_l, cap)          (cap optional)
/// ```
///
/// The PyTorch documentation's recipe (`pos_weight = negatives / positives`, e.g. 100 positives
/// and 300 negatives give 3). With ~5 positives among thousands of samples (seed 002) the ratio
/// is huge; `cap` bounds it. A label with no positive is [`ReweighError::ZeroCount`] without a
/// cap and gets `cap` with one. `cap` must be finite and > 0.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::schemes::{MultiLabelCounts, pos_weight};
/// let c = MultiLabelCounts::from_pos_neg(&[100.0, 5.0], &[300.0, 995.0]).unwrap();
/// let q = pos_weight::<f64>(&c, Some(50.0)).unwrap();
/// assert_eq!(q.to_vec(), vec![3.0, 50.0]);
/// ```
pub fn pos_weight<F: Real>(counts: &MultiLabelCounts, cap: Option<f64>) -> Result<Array1<F>> {
    if let Some(cap) = cap
        && !(cap > 0.0 && cap.is_finite())
    {
        return Err(ReweighError::InvalidParameter {
            name: "cap",
            value: cap,
            expected: "finite and > 0",
        });
    }
    counts
        .positives()
        .iter()
        .zip(counts.negatives())
        .enumerate()
        .map(|(l, (&p, &n))| {
            if p == 0.0 {
                return cap.map(F::of).ok_or(ReweighError::ZeroCount {
                    what: "positive count",
                    class: l as i64,
                });
            }
            let q = F::of(n) / F::of(p);
            Ok(match cap {
                Some(cap) if q > F::of(cap) => F::of(cap),
                _ => q,
            })
        })
        .collect()
}
