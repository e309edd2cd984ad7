//! The losses. One file per loss family; each documents its formula and framework equivalents.

mod binary_probs;
mod categorical_probs;
mod cost_matrix;
mod sigmoid;
pub(crate) mod weighting;

pub use binary_probs::{BinaryCrossEntropy, ProbClip};
pub use categorical_probs::{
    CategoricalCrossEntropyProbs, NllLoss, SparseCategoricalCrossEntropyProbs,
};
pub use cost_matrix::{CostMatrixCrossEntropy, CostWeights};
pub use sigmoid::SigmoidCrossEntropy;
