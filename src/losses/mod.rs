//! The losses. One file per loss family; each documents its formula and framework equivalents.

mod sampled_softmax;
mod sigmoid;
pub(crate) mod weighting;

pub use sampled_softmax::{SampledSoftmaxGrads, SampledSoftmaxLoss, SampledSoftmaxOutput};
pub use sigmoid::SigmoidCrossEntropy;
