//! Seeded random over- and under-samplers returning index vectors.

use super::{SamplingKind, SamplingStrategy, sampling_targets};
use crate::alloc;
use crate::error::{Result, ReweighError};
use crate::schemes::ClassCounts;
use crate::schemes::counts_internal::labels_to_i64;
use num_traits::ToPrimitive;
use rand::RngExt;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Indices of each class's samples, in order, for `counts`' classes.
fn class_members(labels: &[i64], counts: &ClassCounts) -> Vec<Vec<usize>> {
    let mut members = vec![Vec::new(); counts.num_classes()];
    for (i, l) in labels.iter().enumerate() {
        if let Some(k) = counts.position(*l) {
            members[k].push(i);
        }
    }
    members
}

/// Random over-sampling with replacement, as imbalanced-learn's `RandomOverSampler`: the result
/// is every original index `0..N` followed, class by class (sorted), by the indices drawn with
/// replacement from that class.
///
/// # Example
/// ```
/// use reweigh::resample::RandomOverSampler;
/// let y = [0, 0, 0, 0, 1];
/// let idx = RandomOverSampler::new("auto".parse().unwrap()).seed(7).fit_resample(&y).unwrap();
/// assert_eq!(idx.len(), 8); // class 1 drawn 3 more times
/// assert!(idx[5..].iter().all(|&i| y[i] == 1));
/// ```
#[derive(Clone, Debug)]
pub struct RandomOverSampler {
    strategy: SamplingStrategy,
    seed: u64,
}

impl RandomOverSampler {
    /// A sampler with `strategy` and seed 0.
    pub fn new(strategy: SamplingStrategy) -> Self {
        RandomOverSampler { strategy, seed: 0 }
    }

    /// The seed of the ChaCha8 generator.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The resampled index vector (index into your `X` and `y`).
    ///
    /// Errors: a label that is not an integer ([`ReweighError::NonIntegerLabel`]), the
    /// strategy's errors ([`sampling_targets`]), and a result too large to allocate
    /// ([`ReweighError::TooLarge`], checked before allocating).
    pub fn fit_resample<L: ToPrimitive>(&self, labels: &[L]) -> Result<Vec<usize>> {
        let labels = labels_to_i64(labels.iter())?;
        let counts = ClassCounts::from_labels(&labels)?;
        let targets = sampling_targets(&counts, &self.strategy, SamplingKind::Over)?;
        let members = class_members(&labels, &counts);
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        // the result's length N + Σ added, checked before anything is allocated: a target of
        // usize::MAX or 10^12 samples is ReweighError::TooLarge, not an overflow or an abort
        let total = targets
            .values()
            .try_fold(labels.len(), |t, &add| t.checked_add(add))
            .ok_or_else(|| ReweighError::TooLarge {
                what: "over-sampled indices",
                reason: "the total number of samples overflows usize".into(),
            })?;
        let mut out: Vec<usize> = alloc::with_capacity("over-sampled indices", total)?;
        out.extend(0..labels.len());
        for (&class, &add) in &targets {
            let m = &members[counts.position(class).expect("target classes are classes")];
            out.extend((0..add).map(|_| m[rng.random_range(0..m.len())]));
        }
        Ok(out)
    }
}

/// Random under-sampling, as imbalanced-learn's `RandomUnderSampler`: class by class (sorted),
/// the kept indices of a targeted class (drawn without replacement unless
/// [`Self::replacement`]), or all indices of an untargeted class.
///
/// # Example
/// ```
/// use reweigh::resample::RandomUnderSampler;
/// let y = [0, 0, 0, 0, 1];
/// let idx = RandomUnderSampler::new("auto".parse().unwrap()).seed(7).fit_resample(&y).unwrap();
/// assert_eq!(idx.len(), 2);
/// assert_eq!(y[idx[1]], 1);
/// ```
#[derive(Clone, Debug)]
pub struct RandomUnderSampler {
    strategy: SamplingStrategy,
    seed: u64,
    replacement: bool,
}

impl RandomUnderSampler {
    /// A sampler with `strategy`, seed 0, without replacement.
    pub fn new(strategy: SamplingStrategy) -> Self {
        RandomUnderSampler {
            strategy,
            seed: 0,
            replacement: false,
        }
    }

    /// The seed of the ChaCha8 generator.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Draw the kept samples with replacement (imbalanced-learn's `replacement=True`).
    pub fn replacement(mut self, yes: bool) -> Self {
        self.replacement = yes;
        self
    }

    /// The resampled index vector (index into your `X` and `y`).
    pub fn fit_resample<L: ToPrimitive>(&self, labels: &[L]) -> Result<Vec<usize>> {
        let labels = labels_to_i64(labels.iter())?;
        let counts = ClassCounts::from_labels(&labels)?;
        let targets = sampling_targets(&counts, &self.strategy, SamplingKind::Under)?;
        let members = class_members(&labels, &counts);
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let mut out = Vec::new();
        for (k, &class) in counts.classes().iter().enumerate() {
            let m = &members[k];
            match targets.get(&class) {
                None => out.extend_from_slice(m),
                Some(&keep) if self.replacement => {
                    out.extend((0..keep).map(|_| m[rng.random_range(0..m.len())]));
                }
                Some(&keep) => {
                    out.extend(
                        rand::seq::index::sample(&mut rng, m.len(), keep)
                            .into_iter()
                            .map(|j| m[j]),
                    );
                }
            }
        }
        Ok(out)
    }
}
