//! The losses. One file per loss family; each documents its formula and framework equivalents.

pub mod class_balanced;
mod focal_binary;
mod focal_categorical;
mod sigmoid;
pub(crate) mod weighting;

pub use class_balanced::{ClassBalanced, effective_number_weights};
pub use focal_binary::{BinaryFocalLoss, focal_term};
pub use focal_categorical::{CategoricalFocalLoss, KERAS_EPSILON};
pub use sigmoid::SigmoidCrossEntropy;
