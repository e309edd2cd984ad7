//! The losses. One file per loss family; each documents its formula and framework equivalents.

mod sigmoid;
pub(crate) mod weighting;

pub use sigmoid::SigmoidCrossEntropy;
