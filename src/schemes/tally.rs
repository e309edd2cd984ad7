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

/// Contiguous label arrays of at least this many labels are counted in parallel. Chosen, not
/// tuned: 2¹⁸ labels take about 0.25 ms on one thread (1 G labels/s, README "Performance"),
/// well above the few microseconds of handing work to rayon's pool; the 10⁷-label row of the
/// table is the only size measured at 1 and 2 threads.
pub(crate) const PARALLEL_MIN_LABELS: usize = 1 << 18;

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
        for (i, l) in labels.iter().enumerate() {
            match l.to_i64() {
                Some(v) => self.add(v),
                None => return Err(label_at("labels", offset + i, l).unwrap_err()),
            }
        }
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
/// pool) when it has at least [`PARALLEL_MIN_LABELS`] labels. The first bad label in the
/// slice's order is the error, whatever the number of threads.
pub(crate) fn count_slice<L: ToPrimitive + Sync + 'static>(labels: &[L]) -> Result<ClassCounts> {
    let threads = rayon::current_num_threads();
    if labels.len() < PARALLEL_MIN_LABELS || threads == 1 {
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
