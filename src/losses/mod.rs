//! The losses. One file per loss family; each documents its formula and framework equivalents.

mod sigmoid;
mod smoothing;
mod softmax;
mod sparse_softmax;
pub(crate) mod weighting;

pub use sigmoid::SigmoidCrossEntropy;
pub use smoothing::SmoothingForm;
pub use softmax::SoftmaxCrossEntropy;
pub use sparse_softmax::SparseSoftmaxCrossEntropy;
