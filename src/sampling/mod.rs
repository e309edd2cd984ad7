//! Candidate sampling for sampled losses: which classes a sampled softmax scores besides the true
//! ones, and how often each was expected to be drawn.
//!
//! A candidate sampler draws a set of classes `S` once per batch and reports, for every true and
//! every sampled class `c`, its *expected count* `Q(c)`: how many times `c` is expected among the
//! draws. [`crate::losses::SampledSoftmaxLoss`] subtracts `ln Q(c)` from each logit, which corrects
//! for the sampler's preference for frequent classes.

mod log_uniform;

pub use log_uniform::LogUniformSampler;

use ndarray::Array2;

/// The output of a candidate sampler, as TensorFlow's `*_candidate_sampler` functions return it:
/// `(sampled_candidates, true_expected_count, sampled_expected_count)`.
///
/// Pass it to [`crate::losses::SampledSoftmaxLoss`] to score exactly these candidates (TF:
/// `tf.nn.sampled_softmax_loss(..., sampled_values=...)`). TensorFlow's samplers compute the
/// expected counts in float32; [`LogUniformSampler`] does the same and stores those float32
/// values exactly in `f64`. Candidates built by hand may carry any positive finite counts.
#[derive(Clone, Debug, PartialEq)]
pub struct SampledCandidates {
    /// The sampled classes, `(num_sampled,)`. Repeated classes are allowed (`unique = false`).
    pub sampled: Vec<i64>,
    /// The expected count of each true class, `(batch_size, num_true)`.
    pub true_expected_count: Array2<f64>,
    /// The expected count of each sampled class, `(num_sampled,)`.
    pub sampled_expected_count: Vec<f64>,
}

/// Checks every class lies in `[0, num_classes)`, naming the first that does not.
pub(crate) fn check_class_range<'a>(
    classes: impl IntoIterator<Item = &'a i64>,
    num_classes: usize,
) -> crate::Result<()> {
    for (index, &label) in classes.into_iter().enumerate() {
        if label < 0 || label as u64 >= num_classes as u64 {
            return Err(crate::ReweighError::LabelOutOfRange {
                label,
                index,
                num_classes,
            });
        }
    }
    Ok(())
}
