//! The log-uniform (Zipfian) candidate sampler of TensorFlow.

use super::SampledCandidates;
use crate::alloc;
use crate::error::{Result, ReweighError};
use ndarray::ArrayView2;
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;
use std::collections::HashSet;

/// Draws classes from `[0, range_max)` with the log-uniform (Zipfian) distribution of
/// `tf.random.log_uniform_candidate_sampler`, which suits classes sorted by decreasing frequency:
///
/// ```text
/// P(k)   = ln((k + 2) / (k + 1)) / ln(range_max + 1)          k = 0, 1, …, range_max − 1
/// draw   = ⌊exp(u · ln(range_max + 1))⌋ − 1  (mod range_max)   u ~ Uniform[0, 1)   (inverse CDF)
///
/// expected count of class k after num_tries draws for num_sampled candidates:
/// Q(k)   = num_sampled · P(k)                  if num_tries = num_sampled (always when unique = false)
///        = 1 − (1 − P(k))^num_tries            otherwise, as −expm1(num_tries · log1p(−P(k)))
/// ```
///
/// With `unique = true` it draws until it holds `num_sampled` distinct classes and `num_tries`
/// counts every draw, repeats included; with `unique = false` it draws `num_sampled` times. The
/// arithmetic is TensorFlow's (`tensorflow/core/kernels/range_sampler.cc`): `P(k)` in float64
/// rounded to float32, the expected count in float32 (`log1pf`, `expm1f`), so for the same
/// draws and `num_tries` the counts equal TensorFlow's bit for bit. Note the first branch: a
/// unique draw without any repeat reports `num_sampled · P(k)`, not `1 − (1 − P(k))^num_sampled`.
///
/// The uniform numbers come from a seeded ChaCha20 generator, so the draws are reproducible on
/// every platform; they are not TensorFlow's (which uses Philox), only identically distributed.
///
/// Equivalent framework call:
/// `tf.random.log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed)`
/// (`num_true` is the number of columns of `true_classes`).
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::sampling::LogUniformSampler;
/// let sampler = LogUniformSampler::new(10).unwrap();
/// let c = sampler.sample(array![[0_i64], [7]].view(), 3, true, 42).unwrap();
/// assert_eq!(c.sampled.len(), 3);
/// assert_eq!(c.true_expected_count.shape(), &[2, 1]);
/// // tf.random.log_uniform_candidate_sampler([[0]], 1, 3, True, 10, seed=1) after
/// // tf.random.set_seed(s): true_expected_count 0.8671945 when it drew [1, 3, 5] (3 draws),
/// // 0.7445417 when it drew [0, 4, 3] (4 draws: 1 − (1 − P(0))⁴).
/// assert_eq!(sampler.expected_count(0, 3, 3).unwrap(), 0.8671945_f32);
/// assert_eq!(sampler.expected_count(0, 3, 4).unwrap(), 0.7445417_f32);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LogUniformSampler {
    range_max: usize,
    log_range: f64,
}

impl LogUniformSampler {
    /// The largest `range_max`, 2⁵²: up to it every class `k` and `k + 2` is exact in float64,
    /// so `P(k) = ln((k + 2)/(k + 1)) / ln(range_max + 1)` is positive for every class and the
    /// inverse CDF reaches every class. Beyond it TensorFlow's float64 formula breaks down for
    /// the last classes (measured with TensorFlow 2.21: `range_max = 2⁶⁰` gives class 2⁶⁰ − 1 the
    /// expected count 0, an infinite `−ln Q`; `2⁵³ + 10` twice the exact count) and classes
    /// beyond `i64::MAX` cannot be returned at all; reweigh rejects such ranges (TensorFlow
    /// accepts any int64).
    pub const MAX_RANGE: usize = 1 << 52;

    /// The bound on draws per requested candidate of a unique draw (with at least 2²⁰ draws in
    /// all): far above what the coupon collector needs under this distribution (about
    /// `ln²(range_max)` draws per candidate when every class is requested), so it only stops a
    /// draw that could not finish.
    pub const MAX_TRIES_PER_CANDIDATE: usize = 4096;

    /// A sampler over the classes `[0, range_max)`; `range_max` must be in
    /// `[1, MAX_RANGE]` ([`Self::MAX_RANGE`]), else [`ReweighError::InvalidParameter`].
    pub fn new(range_max: usize) -> Result<Self> {
        if range_max == 0 || range_max > Self::MAX_RANGE {
            return Err(ReweighError::InvalidParameter {
                name: "range_max",
                value: range_max as f64,
                expected: "in [1, 2^52] (beyond 2^52 the log-uniform probabilities of the last \
                           classes are not representable in float64)",
            });
        }
        Ok(LogUniformSampler {
            range_max,
            log_range: (range_max as f64).ln_1p(),
        })
    }

    /// The number of classes.
    pub fn range_max(&self) -> usize {
        self.range_max
    }

    /// `P(k) = ln((k + 2)/(k + 1)) / ln(range_max + 1)`, in float64 rounded to float32 (TF's
    /// `LogUniformSampler::Probability`). A class outside `[0, range_max)` is
    /// [`ReweighError::LabelOutOfRange`] (the formula would give ±∞ or a probability of a
    /// class the sampler never draws).
    pub fn probability(&self, class: i64) -> Result<f32> {
        super::check_class_range([class].iter(), self.range_max)?;
        let k = class as f64;
        Ok((((k + 2.0) / (k + 1.0)).ln() / self.log_range) as f32)
    }

    /// The class the inverse CDF assigns to `u ∈ [0, 1)`:
    /// `⌊exp(u · ln(range_max + 1))⌋ − 1`, wrapped into range as TensorFlow does for round-off.
    pub fn class_at(&self, u: f64) -> i64 {
        let value = (u * self.log_range).exp() as i64 - 1;
        value.rem_euclid(self.range_max as i64)
    }

    /// The expected count of `class` among `num_sampled` candidates that took `num_tries` draws
    /// (TF's `ExpectedCountHelper`, in float32; see the type documentation). A class outside
    /// `[0, range_max)` is [`ReweighError::LabelOutOfRange`].
    pub fn expected_count(&self, class: i64, num_sampled: usize, num_tries: usize) -> Result<f32> {
        let p = self.probability(class)?;
        Ok(if num_tries == num_sampled {
            p * num_sampled as f32
        } else {
            -((num_tries as f32) * (-p).ln_1p()).exp_m1()
        })
    }

    /// Draws `num_sampled` candidates with `rng` and returns them with the number of draws made
    /// (`num_tries`; equal to `num_sampled` unless `unique`).
    ///
    /// Errors: `num_sampled = 0`; `unique` with `num_sampled > range_max` (TF raises "Sampler's
    /// range is too small."); `num_sampled` candidates that cannot be allocated
    /// ([`ReweighError::TooLarge`], checked before allocating); a unique draw that has not
    /// found `num_sampled` distinct classes after `MAX_TRIES_PER_CANDIDATE · num_sampled` draws
    /// ([`ReweighError::TooLarge`]: the loop is bounded, it never spins forever).
    pub fn draw<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        num_sampled: usize,
        unique: bool,
    ) -> Result<(Vec<i64>, usize)> {
        self.check_num_sampled(num_sampled, unique)?;
        let mut sampled: Vec<i64> = alloc::with_capacity("sampled candidates", num_sampled)?;
        if !unique {
            sampled.extend((0..num_sampled).map(|_| self.class_at(rng.random::<f64>())));
            return Ok((sampled, num_sampled));
        }
        let mut seen = HashSet::new();
        seen.try_reserve(num_sampled)
            .map_err(|e| ReweighError::TooLarge {
                what: "sampled candidates",
                reason: format!("cannot allocate a set of {num_sampled} classes: {e}"),
            })?;
        let max_tries = num_sampled
            .saturating_mul(Self::MAX_TRIES_PER_CANDIDATE)
            .max(1 << 20);
        let mut num_tries = 0;
        while sampled.len() < num_sampled {
            if num_tries == max_tries {
                return Err(ReweighError::TooLarge {
                    what: "unique candidate draws",
                    reason: format!(
                        "{num_tries} draws found only {} of {num_sampled} distinct classes \
                         among {}; sample fewer candidates or with unique = false",
                        sampled.len(),
                        self.range_max
                    ),
                });
            }
            num_tries += 1;
            let class = self.class_at(rng.random::<f64>());
            if seen.insert(class) {
                sampled.push(class);
            }
        }
        Ok((sampled, num_tries))
    }

    /// The expected counts of `true_classes` (`(batch_size, num_true)`) and of `sampled` for
    /// candidates that took `num_tries` draws: the [`SampledCandidates`] TensorFlow would return
    /// for these draws.
    ///
    /// Errors: no true-class column; a true or sampled class outside `[0, range_max)`; no
    /// candidate; `num_tries < sampled.len()`.
    pub fn expected_counts(
        &self,
        true_classes: ArrayView2<'_, i64>,
        sampled: Vec<i64>,
        num_tries: usize,
    ) -> Result<SampledCandidates> {
        self.check_true_classes(true_classes)?;
        let num_sampled = sampled.len();
        self.check_num_sampled(num_sampled, false)?;
        self.check_classes(sampled.iter())?;
        if num_tries < num_sampled {
            return Err(ReweighError::InvalidParameter {
                name: "num_tries",
                value: num_tries as f64,
                expected: "at least the number of sampled candidates",
            });
        }
        // every class was range-checked above
        let count = |&c: &i64| {
            f64::from(
                self.expected_count(c, num_sampled, num_tries)
                    .expect("classes are in range"),
            )
        };
        Ok(SampledCandidates {
            true_expected_count: true_classes.map(count),
            sampled_expected_count: sampled.iter().map(count).collect(),
            sampled,
        })
    }

    /// Draws `num_sampled` candidates from a ChaCha20 generator seeded with `seed` and returns them
    /// with the expected counts of the true and sampled classes (TF's three outputs).
    ///
    /// Errors: those of [`Self::draw`] and [`Self::expected_counts`].
    pub fn sample(
        &self,
        true_classes: ArrayView2<'_, i64>,
        num_sampled: usize,
        unique: bool,
        seed: u64,
    ) -> Result<SampledCandidates> {
        self.sample_with_rng(
            true_classes,
            num_sampled,
            unique,
            &mut ChaCha20Rng::seed_from_u64(seed),
        )
    }

    /// [`Self::sample`] with a caller's random number generator.
    pub fn sample_with_rng<R: Rng + ?Sized>(
        &self,
        true_classes: ArrayView2<'_, i64>,
        num_sampled: usize,
        unique: bool,
        rng: &mut R,
    ) -> Result<SampledCandidates> {
        // Validate the true classes before drawing, as TF does.
        self.check_true_classes(true_classes)?;
        let (sampled, num_tries) = self.draw(rng, num_sampled, unique)?;
        self.expected_counts(true_classes, sampled, num_tries)
    }

    fn check_num_sampled(&self, num_sampled: usize, unique: bool) -> Result<()> {
        if num_sampled == 0 {
            return Err(ReweighError::InvalidParameter {
                name: "num_sampled",
                value: 0.0,
                expected: "at least 1",
            });
        }
        if unique && num_sampled > self.range_max {
            return Err(ReweighError::InvalidParameter {
                name: "num_sampled",
                value: num_sampled as f64,
                expected: "at most range_max (the number of classes) when sampling unique \
                           candidates (TensorFlow: \"Sampler's range is too small.\")",
            });
        }
        Ok(())
    }

    fn check_true_classes(&self, true_classes: ArrayView2<'_, i64>) -> Result<()> {
        if true_classes.ncols() == 0 {
            return Err(ReweighError::BadShape {
                what: "true_classes",
                reason: "needs at least one true class per row (num_true >= 1)",
                got: true_classes.shape().to_vec(),
            });
        }
        self.check_classes(true_classes.iter())
    }

    fn check_classes<'a>(&self, classes: impl IntoIterator<Item = &'a i64>) -> Result<()> {
        super::check_class_range(classes, self.range_max)
    }
}
