//! Splitting an epoch into mini-batches, with or without shuffling.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use reweigh::error::{Result, ReweighError};

/// Whether each training epoch visits the samples in a new random order (`fit(shuffle=...)`).
///
/// Keras's default is `shuffle=True` with TensorFlow's random generator; reweigh shuffles with
/// its own seeded generator, so the *order* differs from Keras's. Only float rounding depends on
/// the order when the model is frozen (the epoch loss is `Σ_b n_b·loss_b / Σ_b n_b`, the same sum
/// in another order); a model that trains depends on it, so a run reproducing Keras trains with
/// `shuffle=False` ([`Shuffle::Off`]). Validation never shuffles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shuffle {
    /// Samples in their given order (`shuffle=False`).
    Off,
    /// A new permutation every epoch, from a generator seeded once per `fit`.
    Seeded(u64),
}

impl Default for Shuffle {
    /// `Seeded(0)`: shuffled like Keras's default, but reproducibly.
    fn default() -> Self {
        Shuffle::Seeded(0)
    }
}

/// The mini-batches of every epoch of one `fit`: consecutive chunks of `batch_size` sample
/// indices (the last one smaller when `batch_size` does not divide `n`), in order or shuffled.
///
/// ```
/// use reweigh_train::{Batches, Shuffle};
/// let mut b = Batches::new(10, 4, Shuffle::Off).unwrap();
/// let sizes: Vec<usize> = b.next_epoch().iter().map(|b| b.len()).collect();
/// assert_eq!(sizes, [4, 4, 2]); // Keras: batch_size=4 on 10 samples gives 3 steps
/// ```
#[derive(Clone, Debug)]
pub struct Batches {
    n: usize,
    batch_size: usize,
    rng: Option<ChaCha8Rng>,
}

impl Batches {
    /// `n` samples (≥ 1) in batches of `batch_size` (≥ 1).
    pub fn new(n: usize, batch_size: usize, shuffle: Shuffle) -> Result<Self> {
        if n == 0 {
            return Err(ReweighError::EmptyBatch { what: "x" });
        }
        if batch_size == 0 {
            return Err(ReweighError::InvalidParameter {
                name: "batch_size",
                value: 0.0,
                expected: ">= 1",
            });
        }
        let rng = match shuffle {
            Shuffle::Off => None,
            Shuffle::Seeded(seed) => Some(ChaCha8Rng::seed_from_u64(seed)),
        };
        Ok(Batches { n, batch_size, rng })
    }

    /// Number of batches per epoch, `⌈n / batch_size⌉`.
    pub fn num_batches(&self) -> usize {
        self.n.div_ceil(self.batch_size)
    }

    /// The batches of the next epoch, as sample indices.
    pub fn next_epoch(&mut self) -> Vec<Vec<usize>> {
        let mut order: Vec<usize> = (0..self.n).collect();
        if let Some(rng) = self.rng.as_mut() {
            order.shuffle(rng);
        }
        order
            .chunks(self.batch_size)
            .map(<[usize]>::to_vec)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(100, 32, vec![32, 32, 32, 4])]
    #[case(100, 100, vec![100])]
    #[case(3, 5, vec![3])]
    fn batch_sizes(#[case] n: usize, #[case] bs: usize, #[case] want: Vec<usize>) {
        let mut b = Batches::new(n, bs, Shuffle::Seeded(1)).unwrap();
        assert_eq!(b.num_batches(), want.len());
        let epoch = b.next_epoch();
        assert_eq!(epoch.iter().map(Vec::len).collect::<Vec<_>>(), want);
        let mut all: Vec<usize> = epoch.concat();
        all.sort_unstable();
        assert_eq!(all, (0..n).collect::<Vec<_>>());
    }

    #[test]
    fn shuffling_changes_per_epoch_and_off_keeps_order() {
        let mut b = Batches::new(20, 20, Shuffle::Seeded(5)).unwrap();
        assert_ne!(b.next_epoch(), b.next_epoch());
        let mut b = Batches::new(5, 2, Shuffle::Off).unwrap();
        assert_eq!(b.next_epoch(), vec![vec![0, 1], vec![2, 3], vec![4]]);
        assert!(Batches::new(0, 2, Shuffle::Off).is_err());
        assert!(Batches::new(2, 0, Shuffle::Off).is_err());
    }
}
