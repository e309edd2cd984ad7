//! Counting integer class labels: the bincount behind [`ClassCounts::from_labels`] and its
//! parallel form [`ClassCounts::from_label_array`].

use super::ClassCounts;
use super::counts::label_at;
use crate::error::{Result, ReweighError};
use num_traits::ToPrimitive;
use rayon::prelude::*;
use std::any::TypeId;
use std::collections::BTreeMap;

/// Labels in `0..DENSE` are counted in a vector (a bincount), the others (negative, huge) in a
/// map.
const DENSE: i64 = 1 << 20;

/// Contiguous label arrays of at least this many labels are counted in parallel (the default
/// of [`parallel_min_labels`]). Measured with `examples/parallel_threshold.rs` (2 threads,
/// Intel Xeon, three runs, 1000 classes): equal at 2¹⁸ labels (about 200 µs either way), two
/// threads faster from 2¹⁹ on (383 → 277 µs).
pub(crate) const PARALLEL_MIN_LABELS: usize = 1 << 19;

/// [`PARALLEL_MIN_LABELS`], or `REWEIGH_PARALLEL_MIN_LABELS` from the environment (read once;
/// `examples/parallel_threshold.rs` measures the crossover with it).
fn parallel_min_labels() -> usize {
    static MIN: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *MIN.get_or_init(|| {
        crate::kernels::env_usize("REWEIGH_PARALLEL_MIN_LABELS").unwrap_or(PARALLEL_MIN_LABELS)
    })
}

/// Counts of one run of labels: a bincount of `0..DENSE` and a map of the others.
#[derive(Default)]
pub(crate) struct Tally {
    dense: Vec<u64>,
    sparse: BTreeMap<i64, u64>,
}

/// Whether `L` is a primitive integer type, whose `to_i64` is exact whenever it is `Some`.
fn is_integer<L: 'static>() -> bool {
    [
        TypeId::of::<i8>(),
        TypeId::of::<i16>(),
        TypeId::of::<i32>(),
        TypeId::of::<i64>(),
        TypeId::of::<isize>(),
        TypeId::of::<u8>(),
        TypeId::of::<u16>(),
        TypeId::of::<u32>(),
        TypeId::of::<u64>(),
        TypeId::of::<usize>(),
    ]
    .contains(&TypeId::of::<L>())
}

/// Labels per block of [`Striped::add_block`]: 16 KiB of `i64`, in L1 (48 KiB here) with the
/// stripes between its two passes. Measured over 10⁷ labels of 1000 classes (Intel Xeon):
/// 4096 labels 11.3 ms, 2048 9.5 ms, 1024 10.9 ms on one thread.
const BLOCK: usize = 2048;

/// The most labels the `u32` stripes count before they are folded into the `u64` totals (small
/// in the tests, so that they fold many times).
#[cfg(not(test))]
const FOLD_EVERY: usize = u32::MAX as usize;
#[cfg(test)]
const FOLD_EVERY: usize = 100_000;

/// A bincount of `0..DENSE` in four interleaved stripes (`counts[4·v + j]`, label `4i + j` of a
/// block in stripe `j`): the increments of consecutive labels never wait on each other, even
/// when they are the same class. The stripes are `u32` (1000 classes take 16 KiB), folded into
/// `u64` totals before any can overflow.
#[derive(Default)]
struct Striped {
    counts: Vec<u32>,
    totals: Vec<u64>,
    /// Labels counted into `counts` since the last fold.
    pending: usize,
}

impl Striped {
    /// Counts a block whose labels are all integers in `0..DENSE` (checked first, in a
    /// branch-free pass); `false`, counting nothing, when one is not.
    #[inline]
    fn add_block<L: ToPrimitive>(&mut self, block: &[L]) -> bool {
        let value = |l: &L| l.to_i64().unwrap_or(-1);
        // the OR of the labels as unsigned numbers: below DENSE exactly when every label is in
        // 0..DENSE (a negative one sets the top bit), and at least the largest label
        let any = block.iter().fold(0_u64, |a, l| a | value(l) as u64);
        if any >= DENSE as u64 {
            return false;
        }
        if self.pending + block.len() > FOLD_EVERY {
            self.fold();
        }
        self.pending += block.len();
        let need = 4 * (any as usize + 1);
        if self.counts.len() < need {
            self.counts.resize(need, 0);
        }
        let c = &mut self.counts[..need];
        let at = |l: &L, j: usize| 4 * value(l) as usize + j;
        let mut quads = block.chunks_exact(4);
        for q in &mut quads {
            // SAFETY: every label is at most `any`, so 4·label + 3 < need = c.len()
            unsafe {
                *c.get_unchecked_mut(at(&q[0], 0)) += 1;
                *c.get_unchecked_mut(at(&q[1], 1)) += 1;
                *c.get_unchecked_mut(at(&q[2], 2)) += 1;
                *c.get_unchecked_mut(at(&q[3], 3)) += 1;
            }
        }
        for l in quads.remainder() {
            c[at(l, 0)] += 1;
        }
        true
    }

    /// Moves the stripes' sums into the `u64` totals.
    fn fold(&mut self) {
        let classes = self.counts.len() / 4;
        if self.totals.len() < classes {
            self.totals.resize(classes, 0);
        }
        for (t, s) in self.totals.iter_mut().zip(self.counts.chunks_exact_mut(4)) {
            *t += s.iter().map(|&v| u64::from(v)).sum::<u64>();
            s.fill(0);
        }
        self.pending = 0;
    }

    /// Adds the counts into a plain bincount.
    fn fold_into(mut self, dense: &mut Vec<u64>) {
        self.fold();
        if dense.len() < self.totals.len() {
            dense.resize(self.totals.len(), 0);
        }
        for (d, t) in dense.iter_mut().zip(&self.totals) {
            *d += t;
        }
    }
}

impl Tally {
    /// Counts `labels`, the first of which is label number `offset` of the whole input (for the
    /// error's index).
    pub(crate) fn count<'a, L: ToPrimitive + 'a>(
        labels: impl IntoIterator<Item = &'a L>,
        offset: usize,
    ) -> Result<Self> {
        let mut t = Tally::default();
        for (i, l) in labels.into_iter().enumerate() {
            t.add(label_at("labels", offset + i, l)?);
        }
        Ok(t)
    }

    /// [`Tally::count`] of a slice, with the integer types' fast conversion (an integer label
    /// is a class unless it does not fit in `i64`).
    fn count_slice<L: ToPrimitive + 'static>(labels: &[L], offset: usize) -> Result<Self> {
        let mut t = Tally::default();
        t.add_slice(labels, offset)?;
        Ok(t)
    }

    /// Adds a slice of labels, the first of which is label number `offset` of the whole input
    /// (a batch of a scan; [`Tally::count_slice`]).
    pub(crate) fn add_slice<L: ToPrimitive + 'static>(
        &mut self,
        labels: &[L],
        offset: usize,
    ) -> Result<()> {
        if !is_integer::<L>() {
            for (i, l) in labels.iter().enumerate() {
                self.add(label_at("labels", offset + i, l)?);
            }
            return Ok(());
        }
        let mut striped = Striped::default();
        for (b, block) in labels.chunks(BLOCK).enumerate() {
            if !striped.add_block(block) {
                // a negative, huge or unrepresentable label: one at a time, in order
                for (i, l) in block.iter().enumerate() {
                    match l.to_i64() {
                        Some(v) => self.add(v),
                        None => {
                            return Err(label_at("labels", offset + b * BLOCK + i, l).unwrap_err());
                        }
                    }
                }
            }
        }
        striped.fold_into(&mut self.dense);
        Ok(())
    }

    #[inline]
    fn add(&mut self, v: i64) {
        if (0..DENSE).contains(&v) {
            let i = v as usize;
            if i >= self.dense.len() {
                self.dense.resize(i + 1, 0);
            }
            self.dense[i] += 1;
        } else {
            *self.sparse.entry(v).or_insert(0) += 1;
        }
    }

    fn merge(mut self, other: Tally) -> Tally {
        if other.dense.len() > self.dense.len() {
            self.dense.resize(other.dense.len(), 0);
        }
        for (a, b) in self.dense.iter_mut().zip(&other.dense) {
            *a += b;
        }
        for (k, v) in other.sparse {
            *self.sparse.entry(k).or_insert(0) += v;
        }
        self
    }

    /// The counts, classes sorted; no label at all is [`ReweighError::EmptyBatch`].
    pub(crate) fn into_counts(self) -> Result<ClassCounts> {
        let mut map = self.sparse;
        for (i, &c) in self.dense.iter().enumerate() {
            if c > 0 {
                map.insert(i as i64, c);
            }
        }
        if map.is_empty() {
            return Err(ReweighError::EmptyBatch { what: "labels" });
        }
        Ok(ClassCounts::from_sorted(
            map.keys().copied().collect(),
            map.values().map(|&c| c as f64).collect(),
        ))
    }
}

/// Counts a contiguous slice of labels, in parallel chunks (two per thread of the current rayon
/// pool) when it has at least [`parallel_min_labels`] labels. The first bad label in the
/// slice's order is the error, whatever the number of threads.
pub(crate) fn count_slice<L: ToPrimitive + Sync + 'static>(labels: &[L]) -> Result<ClassCounts> {
    let threads = rayon::current_num_threads();
    if labels.len() < parallel_min_labels() || threads == 1 {
        return Tally::count_slice(labels, 0)?.into_counts();
    }
    let chunk = labels.len().div_ceil(2 * threads);
    let tallies: Vec<Result<Tally>> = labels
        .par_chunks(chunk)
        .enumerate()
        .map(|(i, c)| Tally::count_slice(c, i * chunk))
        .collect();
    let mut total = Tally::default();
    for t in tallies {
        total = total.merge(t?);
    }
    total.into_counts()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// splitmix64.
    fn labels(n: usize, classes: u64, seed: u64) -> Vec<i64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = s;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                ((z ^ (z >> 31)) % classes) as i64
            })
            .collect()
    }

    /// The slice's counts (striped blocks, parallel chunks) equal those of one label at a time,
    /// and so does its first error, at 1 and 2 threads.
    fn same_as_one_at_a_time<L: ToPrimitive + Sync + Copy + 'static>(y: &[L]) {
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let fast = pool.install(|| count_slice(y));
            let slow = Tally::count(y, 0).and_then(Tally::into_counts);
            match (fast, slow) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                (a, b) => panic!("{a:?} vs {b:?}"),
            }
        }
    }

    #[test]
    fn striped_counts_equal_one_label_at_a_time() {
        let n = 3 * PARALLEL_MIN_LABELS + 12_345; // parallel chunks, blocks and a ragged tail
        for classes in [1, 2, 3, 1000, DENSE as u64] {
            let y = labels(n, classes, classes);
            same_as_one_at_a_time(&y);
            let y32: Vec<i32> = y.iter().map(|&v| v as i32).collect();
            same_as_one_at_a_time(&y32);
        }
        let small: Vec<u8> = labels(70_000, 7, 1).iter().map(|&v| v as u8).collect();
        same_as_one_at_a_time(&small);
        same_as_one_at_a_time(&[5_i64, 5, 5]);
    }

    #[test]
    fn labels_outside_the_bincount_are_counted_and_the_first_bad_one_is_named() {
        let mut y = labels(2 * PARALLEL_MIN_LABELS, 50, 9);
        y[BLOCK + 3] = DENSE; // a sparse class, in the second block
        let at = 777_777 % y.len();
        y[at] = 1 << 40;
        same_as_one_at_a_time(&y);
        let mut negative = y.clone();
        negative[PARALLEL_MIN_LABELS + 17] = -3; // a class of the map, as every negative label
        same_as_one_at_a_time(&negative);
        let mut huge: Vec<u64> = labels(10_000, 4, 2).iter().map(|&v| v as u64).collect();
        huge[9_000] = u64::MAX; // not an i64
        huge[9_500] = u64::MAX;
        same_as_one_at_a_time(&huge);
        let e = count_slice(&huge).unwrap_err().to_string();
        assert!(e.contains("9000"), "{e}");
    }
}
