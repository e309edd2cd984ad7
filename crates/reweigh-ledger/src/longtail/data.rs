//! The long-tailed digits data: scikit-learn's digits (`data/digits/`), a balanced held-out test
//! set, and long-tailed training sets drawn from the rest with Cui et al.'s exponential profile.

use crate::data::{self, LabelledCsv};
use ndarray::{Array2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use std::sync::OnceLock;

/// The digits 0..9.
pub const CLASSES: usize = 10;

/// scikit-learn's digits (1,797 images of 8×8 pixel counts 0..16, labels 0..9), embedded from
/// `data/digits/digits.csv`. Cached.
///
/// ```
/// let d = reweigh_ledger::longtail::digits();
/// assert_eq!((d.x.nrows(), d.x.ncols()), (1797, 64));
/// ```
pub fn digits() -> &'static LabelledCsv {
    static D: OnceLock<LabelledCsv> = OnceLock::new();
    D.get_or_init(|| data::labelled_csv(data::DIGITS_CSV, "digits.csv"))
}

/// Cui et al.'s (and Cao et al.'s) exponential profile: class `i` of `C` keeps
/// `⌊n_max·ρ^(−i/(C−1))⌋` samples, as `IMBALANCECIFAR10.get_img_num_per_cls` computes it
/// (`int(img_max * imb_factor**(cls_idx / (cls_num - 1.0)))`, `imb_factor = 1/ρ`), and at
/// least one.
///
/// ```
/// use reweigh_ledger::longtail::exponential_profile;
/// assert_eq!(exponential_profile(140, 100.0, 10), vec![140, 83, 50, 30, 18, 10, 6, 3, 2, 1]);
/// ```
pub fn exponential_profile(n_max: usize, rho: f64, classes: usize) -> Vec<usize> {
    let last = classes.saturating_sub(1).max(1) as f64;
    (0..classes)
        .map(|i| ((n_max as f64 * (1.0 / rho).powf(i as f64 / last)) as usize).max(1))
        .collect()
}

/// A fixed split of the digits: a balanced test set and, per class, the pool the training sets
/// are drawn from (both in a seeded shuffle of each class's rows).
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    /// Rows of the balanced test set (sorted).
    pub test: Vec<usize>,
    /// Per class, the remaining rows in shuffled order.
    pub pools: Vec<Vec<usize>>,
}

impl Split {
    /// `test_per_class` rows of every class go to the test set (a ChaCha8 shuffle of each
    /// class's rows seeded with `seed`), the rest to the class's pool.
    pub fn new(test_per_class: usize, seed: u64) -> Self {
        let y = &digits().y;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut test = Vec::new();
        let mut pools = Vec::new();
        for c in 0..CLASSES as i64 {
            let mut rows: Vec<usize> = (0..y.len()).filter(|&i| y[i] == c).collect();
            rows.shuffle(&mut rng);
            let k = test_per_class.min(rows.len());
            test.extend_from_slice(&rows[..k]);
            pools.push(rows[k..].to_vec());
        }
        test.sort_unstable();
        Split { test, pools }
    }

    /// The smallest pool: the largest `n_max` the split supports.
    pub fn smallest_pool(&self) -> usize {
        self.pools.iter().map(Vec::len).min().unwrap_or(0)
    }

    /// A training set with `counts[c]` rows of class `c`: the first `counts[c]` rows of a
    /// shuffle of the class's pool seeded with `seed` (Cao et al.'s `gen_imbalanced_data`:
    /// `np.random.shuffle(idx); idx[:the_img_num]`), then sorted.
    pub fn training_rows(&self, counts: &[usize], seed: u64) -> Vec<usize> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut rows = Vec::new();
        for (pool, &n) in self.pools.iter().zip(counts) {
            let mut p = pool.clone();
            p.shuffle(&mut rng);
            rows.extend_from_slice(&p[..n.min(p.len())]);
        }
        rows.sort_unstable();
        rows
    }
}

/// The features of `rows`, scaled to [0, 1] (pixel counts / 16).
pub fn features(rows: &[usize]) -> Array2<f64> {
    digits().x.select(Axis(0), rows) / 16.0
}

/// The labels of `rows`.
pub fn labels(rows: &[usize]) -> Vec<i64> {
    rows.iter().map(|&i| digits().y[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_is_balanced_and_disjoint() {
        let s = Split::new(34, 0);
        assert_eq!(s.test.len(), 340);
        let counts: Vec<usize> = (0..10)
            .map(|c| labels(&s.test).iter().filter(|&&l| l == c).count())
            .collect();
        assert_eq!(counts, vec![34; 10]);
        assert_eq!(s.smallest_pool(), 174 - 34);
        let rows = s.training_rows(&exponential_profile(140, 10.0, 10), 3);
        assert!(rows.iter().all(|r| s.test.binary_search(r).is_err()));
        assert_eq!(
            rows.len(),
            exponential_profile(140, 10.0, 10).iter().sum::<usize>()
        );
        assert_eq!(
            rows,
            s.training_rows(&exponential_profile(140, 10.0, 10), 3)
        );
        assert_ne!(
            rows,
            s.training_rows(&exponential_profile(140, 10.0, 10), 4)
        );
    }

    #[test]
    fn the_profile_matches_cao_et_al() {
        // int(140 * (1/rho) ** (i / 9)) in Python
        assert_eq!(
            exponential_profile(140, 10.0, 10),
            vec![140, 108, 83, 64, 50, 38, 30, 23, 18, 14]
        );
        assert_eq!(exponential_profile(140, 1.0, 10), vec![140; 10]);
    }
}
