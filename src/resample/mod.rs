//! Seeded random over- and under-sampling (index vectors), with imbalanced-learn's
//! `sampling_strategy` semantics: the seed-003 advice "try unweighted, weighted and
//! over/under-sampling, and compare on a cost-aware validation metric" needs all three.
//!
//! The per-class counts after resampling equal imbalanced-learn's `RandomOverSampler` /
//! `RandomUnderSampler` for every strategy (golden cases); the random draws themselves come from
//! a seeded ChaCha8 generator, so the chosen indices differ from NumPy's.

mod sampler;
mod strategy;

pub use sampler::{RandomOverSampler, RandomUnderSampler};
pub use strategy::{SamplingKind, SamplingStrategy, sampling_targets};
