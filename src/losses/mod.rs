//! The losses. One file per loss family; each documents its formula and framework equivalents.

mod asymmetric;
mod binary_probs;
mod categorical_probs;
pub mod class_balanced;
mod clip;
mod cost_matrix;
mod distribution_balanced;
mod elementwise;
mod focal_binary;
mod focal_binary_probs;
mod focal_categorical;
mod ldam;
mod logit_adjusted;
mod of_transformed;
mod one_hot;
mod overlap;
mod per_sample_tversky;
mod poly;
mod sampled_softmax;
mod segmentation_tversky;
mod sigmoid;
mod smoothing;
mod softmax;
mod softmax_gradient;
mod sparse_softmax;
mod tversky;
pub(crate) mod weighting;

pub use asymmetric::{AsymmetricLoss, SingleLabelAsymmetricLoss};
pub use binary_probs::{BinaryCrossEntropy, ProbClip};
pub use categorical_probs::{
    CategoricalCrossEntropyProbs, NllLoss, SparseCategoricalCrossEntropyProbs,
};
pub use class_balanced::ClassBalancedLoss;
pub use clip::KERAS_EPSILON;
pub use cost_matrix::{CostMatrixCrossEntropy, CostWeights};
pub use distribution_balanced::DistributionBalancedLoss;
pub use focal_binary::{BinaryFocalLoss, focal_term};
pub use focal_binary_probs::BinaryFocalLossProbs;
pub use focal_categorical::{CategoricalFocalLoss, SparseCategoricalFocalLoss};
pub use ldam::{DeferredReweighting, LdamLoss, ldam_margins};
pub use logit_adjusted::{LogitAdjustedCrossEntropy, LogitOffset, posthoc_logit_adjustment};
pub use overlap::{Intersection, ScoreForm};
pub use per_sample_tversky::{ClassAverage, PerSampleTverskyLoss, SparsePerSampleTverskyLoss};
pub use poly::{PolyCrossEntropy, SparsePolyCrossEntropy};
pub use sampled_softmax::{SampledSoftmaxGrads, SampledSoftmaxLoss, SampledSoftmaxOutput};
pub use segmentation_tversky::{
    SegmentationMode, SegmentationTverskyLoss, SparseSegmentationTverskyLoss,
};
pub use sigmoid::SigmoidCrossEntropy;
pub use smoothing::SmoothingForm;
pub use softmax::SoftmaxCrossEntropy;
pub use softmax_gradient::SoftmaxGradient;
pub use sparse_softmax::SparseSoftmaxCrossEntropy;
pub use tversky::TverskyLoss;
