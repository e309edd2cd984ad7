//! imbalanced-learn's `sampling_strategy`: which classes to resample, to how many samples.

use crate::error::{Result, ReweighError};
use crate::schemes::ClassCounts;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Over-sampling adds samples; under-sampling keeps a subset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SamplingKind {
    /// Draw extra samples with replacement (`RandomOverSampler`).
    Over,
    /// Keep a subset of samples (`RandomUnderSampler`).
    Under,
}

/// Which classes to resample and to what size (imbalanced-learn's `sampling_strategy`).
///
/// | strategy | over-sampling | under-sampling |
/// |---|---|---|
/// | `Auto` | = `NotMajority` | = `NotMinority` |
/// | `Minority` | the minority class up to the majority count | error |
/// | `Majority` | error | the majority class down to the minority count |
/// | `NotMinority` | every class but the minority up to the majority count | every class but the minority down to the minority count |
/// | `NotMajority` | every class but the majority up to the majority count | every class but the majority down to the minority count |
/// | `All` | every class up to the majority count | every class down to the minority count |
/// | `Ratio(α)`, α ∈ (0, 1], binary only | minority to `⌊α·n_maj⌋` (error if that removes samples) | majority to `⌊n_min/α⌋` (error if that adds samples) |
/// | `Counts({c: n})` | class c up to n (n ≥ n_c) | class c down to n (n ≤ n_c) |
///
/// Ties for minority/majority go to the smallest label (imbalanced-learn takes the first of the
/// sorted classes). `FromStr` takes imbalanced-learn's names (`"not minority"`, also with an
/// underscore); an unknown name is [`ReweighError::UnknownName`].
#[derive(Clone, Debug, PartialEq)]
pub enum SamplingStrategy {
    /// imbalanced-learn's default.
    Auto,
    /// Only the minority class.
    Minority,
    /// Only the majority class.
    Majority,
    /// All classes but the minority.
    NotMinority,
    /// All classes but the majority.
    NotMajority,
    /// All classes.
    All,
    /// Desired minority/majority ratio after resampling (binary problems).
    Ratio(f64),
    /// Desired number of samples per listed class.
    Counts(BTreeMap<i64, usize>),
}

impl SamplingStrategy {
    /// The names `FromStr` accepts.
    pub const NAMES: [&'static str; 6] = [
        "auto",
        "minority",
        "majority",
        "not minority",
        "not majority",
        "all",
    ];
}

impl FromStr for SamplingStrategy {
    type Err = ReweighError;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim().replace('_', " ").as_str() {
            "auto" => SamplingStrategy::Auto,
            "minority" => SamplingStrategy::Minority,
            "majority" => SamplingStrategy::Majority,
            "not minority" => SamplingStrategy::NotMinority,
            "not majority" => SamplingStrategy::NotMajority,
            "all" => SamplingStrategy::All,
            _ => {
                return Err(ReweighError::UnknownName {
                    kind: "sampling strategy",
                    name: s.to_string(),
                    valid: Self::NAMES.join(", "),
                });
            }
        })
    }
}

impl fmt::Display for SamplingStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SamplingStrategy::Auto => f.write_str("auto"),
            SamplingStrategy::Minority => f.write_str("minority"),
            SamplingStrategy::Majority => f.write_str("majority"),
            SamplingStrategy::NotMinority => f.write_str("not minority"),
            SamplingStrategy::NotMajority => f.write_str("not majority"),
            SamplingStrategy::All => f.write_str("all"),
            SamplingStrategy::Ratio(r) => write!(f, "{r:?}"),
            SamplingStrategy::Counts(m) => write!(f, "{m:?}"),
        }
    }
}

/// imbalanced-learn's `sampling_strategy_`: for over-sampling, how many samples to **add** to
/// each listed class; for under-sampling, how many to **keep** (unlisted classes keep all).
///
/// A count that is not a whole number is [`ReweighError::InvalidParameter`]; one that does not
/// fit in `usize` (a weighted count of 1e30) is [`ReweighError::TooLarge`], never saturated.
///
/// # Example
/// ```
/// use reweigh::resample::{SamplingKind, SamplingStrategy, sampling_targets};
/// use reweigh::schemes::ClassCounts;
/// let c = ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap();
/// let add = sampling_targets(&c, &SamplingStrategy::Auto, SamplingKind::Over).unwrap();
/// assert_eq!(add.into_iter().collect::<Vec<_>>(), vec![(0, 512), (1, 274), (3, 438)]);
/// ```
pub fn sampling_targets(
    counts: &ClassCounts,
    strategy: &SamplingStrategy,
    kind: SamplingKind,
) -> Result<BTreeMap<i64, usize>> {
    let stats: Vec<(i64, usize)> = counts
        .iter()
        .map(|(c, n)| {
            if n.fract() != 0.0 {
                return Err(ReweighError::InvalidParameter {
                    name: "class count",
                    value: n,
                    expected: "a whole number of samples",
                });
            }
            // 2^64 = usize::MAX as f64 + 1 on 64-bit: `as usize` would saturate silently
            if n >= usize::MAX as f64 {
                return Err(ReweighError::TooLarge {
                    what: "class count",
                    reason: format!("{n} samples do not fit in usize"),
                });
            }
            Ok((c, n as usize))
        })
        .collect::<Result<_>>()?;
    // first class with the largest / smallest count (imbalanced-learn: max(d, key=d.get))
    let (mut maj, mut min) = (stats[0], stats[0]);
    for &s in &stats {
        if s.1 > maj.1 {
            maj = s;
        }
        if s.1 < min.1 {
            min = s;
        }
    }
    let over = |keep: &dyn Fn(i64) -> bool| -> BTreeMap<i64, usize> {
        stats
            .iter()
            .filter(|(c, _)| keep(*c))
            .map(|&(c, n)| (c, maj.1 - n))
            .collect()
    };
    let under = |keep: &dyn Fn(i64) -> bool| -> BTreeMap<i64, usize> {
        stats
            .iter()
            .filter(|(c, _)| keep(*c))
            .map(|&(c, _)| (c, min.1))
            .collect()
    };
    let pick = |keep: &dyn Fn(i64) -> bool| match kind {
        SamplingKind::Over => over(keep),
        SamplingKind::Under => under(keep),
    };
    use SamplingStrategy as S;
    Ok(match (strategy, kind) {
        (S::Minority, SamplingKind::Under) | (S::Majority, SamplingKind::Over) => {
            return Err(ReweighError::Incompatible(format!(
                "sampling strategy '{strategy}' cannot be used for {}-sampling",
                if kind == SamplingKind::Over {
                    "over"
                } else {
                    "under"
                }
            )));
        }
        (S::Minority, _) => pick(&|c| c == min.0),
        (S::Majority, _) => pick(&|c| c == maj.0),
        (S::NotMinority, _) | (S::Auto, SamplingKind::Under) => pick(&|c| c != min.0),
        (S::NotMajority, _) | (S::Auto, SamplingKind::Over) => pick(&|c| c != maj.0),
        (S::All, _) => pick(&|_| true),
        (S::Ratio(r), _) => ratio_targets(&stats, *r, kind, maj, min)?,
        (S::Counts(m), _) => {
            let mut out = BTreeMap::new();
            for (&c, &target) in m {
                let &(_, n) =
                    stats
                        .iter()
                        .find(|s| s.0 == c)
                        .ok_or(ReweighError::UnknownClass {
                            what: "sampling strategy",
                            class: c,
                        })?;
                let v = match kind {
                    SamplingKind::Over if target < n => {
                        return Err(ReweighError::Incompatible(format!(
                            "over-sampling cannot shrink class {c} from {n} to {target} samples"
                        )));
                    }
                    SamplingKind::Under if target > n => {
                        return Err(ReweighError::Incompatible(format!(
                            "under-sampling cannot grow class {c} from {n} to {target} samples"
                        )));
                    }
                    SamplingKind::Over => target - n,
                    SamplingKind::Under => target,
                };
                out.insert(c, v);
            }
            out
        }
    })
}

fn ratio_targets(
    stats: &[(i64, usize)],
    r: f64,
    kind: SamplingKind,
    maj: (i64, usize),
    min: (i64, usize),
) -> Result<BTreeMap<i64, usize>> {
    if !(r > 0.0 && r <= 1.0) {
        return Err(ReweighError::InvalidParameter {
            name: "sampling ratio",
            value: r,
            expected: "in (0, 1]",
        });
    }
    if stats.len() > 2 {
        return Err(ReweighError::Incompatible(format!(
            "a sampling ratio needs a binary target, got {} classes (use per-class counts)",
            stats.len()
        )));
    }
    let mut out = BTreeMap::new();
    match kind {
        SamplingKind::Over => {
            for &(c, n) in stats.iter().filter(|s| s.0 != maj.0) {
                // imbalanced-learn: int(n_majority * ratio - n)
                let add = (maj.1 as f64 * r - n as f64).trunc();
                if add <= 0.0 {
                    return Err(ReweighError::Incompatible(format!(
                        "ratio {r} would remove samples from class {c} while over-sampling"
                    )));
                }
                out.insert(c, add as usize);
            }
        }
        SamplingKind::Under => {
            for &(c, n) in stats.iter().filter(|s| s.0 != min.0) {
                // imbalanced-learn: int(n_minority / ratio)
                let keep = (min.1 as f64 / r).trunc() as usize;
                if keep > n {
                    return Err(ReweighError::Incompatible(format!(
                        "ratio {r} would add samples to class {c} while under-sampling"
                    )));
                }
                out.insert(c, keep);
            }
        }
    }
    Ok(out)
}
