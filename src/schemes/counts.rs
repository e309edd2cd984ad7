//! Class counts from any label form: integer labels, a `{label: count}` map, dense counts,
//! one-hot matrices (argmax, as Keras does) and multi-label 0/1 matrices.

use super::tally::{self, Tally};
use crate::Real;
use crate::error::{Result, ReweighError};
use crate::loss::{check_same_shape, check_weights};
use crate::math::argmax;
use ndarray::{Array1, ArrayView, ArrayView1, ArrayView2, AsArray, Axis, Dimension, Ix2};
use num_traits::ToPrimitive;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Converts one label to `i64`: an integer of any type that fits in `i64`, or an integral
/// float (`1.0`); a fractional, NaN or infinite float, or an integer outside `i64`, is
/// [`ReweighError::NonIntegerLabel`] at `index` of `what` (never truncated: scikit-learn
/// rejects continuous targets).
pub(crate) fn label_at<L: ToPrimitive>(what: &'static str, index: usize, label: &L) -> Result<i64> {
    let bad = || ReweighError::NonIntegerLabel {
        what,
        index,
        value: label.to_f64().unwrap_or(f64::NAN),
    };
    let v = label.to_i64().ok_or_else(bad)?;
    // `to_i64` truncates floats: an integer type gives the same `f64` as its `i64`, a float
    // with a fractional part does not
    match label.to_f64() {
        Some(f) if f == v as f64 => Ok(v),
        _ => Err(bad()),
    }
}

/// Converts labels of any integer type (or integral floats) to `i64`, naming the first that is
/// not an integer class label.
pub(crate) fn labels_to_i64<'a, L: ToPrimitive + 'a>(
    labels: impl IntoIterator<Item = &'a L>,
) -> Result<Vec<i64>> {
    labels
        .into_iter()
        .enumerate()
        .map(|(i, l)| label_at("labels", i, l))
        .collect()
}

/// How many samples (or how much sample weight) each class has.
///
/// The classes are integer labels (any `i64`, e.g. `-1` and `1`); the counts are `f64` so that
/// weighted totals (scikit-learn's `compute_class_weight(..., sample_weight=sw)`) and integer
/// counts (exact up to 2⁵³) share one type. Every constructor checks its input: counts are finite
/// and non-negative, there is at least one class. Schemes that divide by a count reject a zero
/// count themselves ([`ReweighError::ZeroCount`]).
///
/// # Example
/// ```
/// use reweigh::schemes::ClassCounts;
/// // seed 000: A 198, B 436, C 710, D 272
/// let c = ClassCounts::from_labels(&[2_u8, 0, 2, 1, 3, 2]).unwrap();
/// assert_eq!(c.classes(), &[0, 1, 2, 3]);
/// assert_eq!(c.counts(), &[1.0, 1.0, 3.0, 1.0]);
/// let seed001 = ClassCounts::from_pairs([(0, 2813), (1, 78), (2, 2814)]).unwrap();
/// assert_eq!(seed001.total(), 5705.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ClassCounts {
    classes: Vec<i64>,
    counts: Vec<f64>,
}

impl ClassCounts {
    /// Counts integer labels (a slice, a `Vec`, an ndarray `.iter()`; integral floats such as
    /// `1.0` count as labels); the classes are the sorted distinct labels (`np.unique(y)`).
    /// Empty labels are an error, and so is a float label with a fractional part, NaN or ±∞
    /// ([`ReweighError::NonIntegerLabel`]; scikit-learn raises for continuous targets instead of
    /// truncating them).
    pub fn from_labels<'a, L: ToPrimitive + 'a>(
        labels: impl IntoIterator<Item = &'a L>,
    ) -> Result<Self> {
        Tally::count(labels, 0)?.into_counts()
    }

    /// [`Self::from_labels`] of an array of labels of any dimension (`&Array1<i64>`, `&[u8]`,
    /// `&Vec<i32>`, an `ArrayView`), counted in parallel on the current rayon pool when it is
    /// contiguous and has at least 2¹⁸ labels (`np.unique(y, return_counts=True)` /
    /// `torch.bincount(y)` over 10⁷ labels: README, "Performance"). Same counts and errors as
    /// [`Self::from_labels`] (the first bad label in the array's logical order), whatever the
    /// number of threads.
    ///
    /// ```
    /// use ndarray::Array1;
    /// use reweigh::schemes::ClassCounts;
    /// let y = Array1::from_shape_fn(1_000_000, |i| (i % 7) as i64);
    /// let c = ClassCounts::from_label_array(&y).unwrap();
    /// assert_eq!(c, ClassCounts::from_labels(&y).unwrap());
    /// assert_eq!(c.num_classes(), 7);
    /// ```
    pub fn from_label_array<'a, L, D>(labels: impl AsArray<'a, L, D>) -> Result<Self>
    where
        L: ToPrimitive + Sync + 'static,
        D: Dimension,
    {
        let labels: ArrayView<'a, L, D> = labels.into();
        match labels.as_slice() {
            Some(s) => tally::count_slice(s),
            None => Self::from_labels(labels.iter()),
        }
    }

    /// Counts already sorted by class, distinct classes (the tally's output).
    pub(crate) fn from_sorted(classes: Vec<i64>, counts: Vec<f64>) -> Self {
        ClassCounts { classes, counts }
    }

    /// Counts labels over given `classes` (scikit-learn's `classes=`), in that order; a class
    /// absent from the labels gets count 0, a label that is not in `classes` is
    /// [`ReweighError::UnknownClass`].
    pub fn with_classes<'a, L: ToPrimitive + 'a>(
        labels: impl IntoIterator<Item = &'a L>,
        classes: &[i64],
    ) -> Result<Self> {
        let index = class_index(classes)?;
        let mut counts = vec![0.0; classes.len()];
        let mut n = 0usize;
        for (position, l) in labels.into_iter().enumerate() {
            let l = label_at("labels", position, l)?;
            let &i = index.get(&l).ok_or(ReweighError::UnknownClass {
                what: "labels",
                class: l,
            })?;
            counts[i] += 1.0;
            n += 1;
        }
        if n == 0 {
            return Err(ReweighError::EmptyBatch { what: "labels" });
        }
        Ok(ClassCounts {
            classes: classes.to_vec(),
            counts,
        })
    }

    /// Total sample weight per class: `n_c = Σ_{i: y_i = c} sw_i`, the counts behind
    /// scikit-learn's `compute_class_weight("balanced", ..., sample_weight=sw)`. The classes are
    /// the distinct labels, even those whose weights are all zero. Sample weights must be finite
    /// and non-negative and as many as the labels.
    pub fn weighted<'a, 'w, L: ToPrimitive + 'a, F: Real>(
        labels: impl IntoIterator<Item = &'a L>,
        sample_weight: impl AsArray<'w, F>,
    ) -> Result<Self> {
        let sample_weight: ArrayView1<'_, F> = sample_weight.into();
        let labels = labels_to_i64(labels)?;
        check_same_shape("sample_weight", &[labels.len()], sample_weight.shape())?;
        check_weights("sample_weight", sample_weight.iter())?;
        let mut map: BTreeMap<i64, f64> = BTreeMap::new();
        for (l, &w) in labels.iter().zip(sample_weight.iter()) {
            *map.entry(*l).or_insert(0.0) += w.f64();
        }
        if map.is_empty() {
            return Err(ReweighError::EmptyBatch { what: "labels" });
        }
        Ok(ClassCounts {
            classes: map.keys().copied().collect(),
            counts: map.values().copied().collect(),
        })
    }

    /// Dense counts for classes `0, 1, …, C−1` (`np.bincount(y)`); signed or float counts are
    /// accepted so that a negative or NaN count is reported, not wrapped.
    pub fn from_counts<C: ToPrimitive>(counts: &[C]) -> Result<Self> {
        Self::from_pairs(
            counts
                .iter()
                .enumerate()
                .map(|(i, c)| (i as i64, c.to_f64().unwrap_or(f64::NAN))),
        )
    }

    /// Counts from `(class, count)` pairs: a `{label: count}` map as in the seed-001 answer
    /// (`BTreeMap`, `HashMap`, an array of pairs). Classes are sorted; a repeated class is an error.
    pub fn from_pairs<C: ToPrimitive>(pairs: impl IntoIterator<Item = (i64, C)>) -> Result<Self> {
        let mut v: Vec<(i64, f64)> = pairs
            .into_iter()
            .map(|(k, c)| (k, c.to_f64().unwrap_or(f64::NAN)))
            .collect();
        if v.is_empty() {
            return Err(ReweighError::EmptyBatch {
                what: "class counts",
            });
        }
        v.sort_by_key(|p| p.0);
        if let Some(w) = v.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(ReweighError::Incompatible(format!(
                "class {} appears twice in the counts",
                w[0].0
            )));
        }
        let counts: Vec<f64> = v.iter().map(|p| p.1).collect();
        check_weights("class counts", counts.iter())?;
        Ok(ClassCounts {
            classes: v.iter().map(|p| p.0).collect(),
            counts,
        })
    }

    /// Counts a one-hot (or probability) matrix `(N, C)` by its row argmax, as Keras does with a
    /// one-hot `y` and `class_weight` (the first maximum wins, like `np.argmax`). The classes are
    /// all `C` columns, so a column that is never the argmax has count 0.
    pub fn from_one_hot<'a, F: Real>(y: impl AsArray<'a, F, Ix2>) -> Result<Self> {
        let y: ArrayView2<'_, F> = y.into();
        check_matrix("one-hot labels", &y)?;
        let mut counts = vec![0.0; y.ncols()];
        for row in y.lanes(Axis(1)) {
            // NaN rows were rejected: the first maximum, as np.argmax
            counts[argmax(row)] += 1.0;
        }
        Ok(ClassCounts {
            classes: (0..y.ncols() as i64).collect(),
            counts,
        })
    }

    /// The class labels, in the order of [`Self::counts`].
    pub fn classes(&self) -> &[i64] {
        &self.classes
    }

    /// The count (or total sample weight) of each class.
    pub fn counts(&self) -> &[f64] {
        &self.counts
    }

    /// The counts as an array of `F`.
    pub fn to_array<F: Real>(&self) -> Array1<F> {
        self.counts.iter().map(|&c| F::of(c)).collect()
    }

    /// The number of classes `C`.
    pub fn num_classes(&self) -> usize {
        self.classes.len()
    }

    /// The number of samples (or total sample weight) `n = Σ_c n_c`.
    pub fn total(&self) -> f64 {
        self.counts.iter().sum()
    }

    /// The count of `class`, if it is one of the classes.
    pub fn get(&self, class: i64) -> Option<f64> {
        self.position(class).map(|i| self.counts[i])
    }

    /// The position of `class` in [`Self::classes`].
    pub fn position(&self, class: i64) -> Option<usize> {
        self.classes.iter().position(|&c| c == class)
    }

    /// The `(class, count)` pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (i64, f64)> + '_ {
        self.classes
            .iter()
            .copied()
            .zip(self.counts.iter().copied())
    }
}

impl fmt::Display for ClassCounts {
    /// One `class: count` per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (c, n) in self.iter() {
            writeln!(f, "{c}: {n}")?;
        }
        Ok(())
    }
}

/// Positives and negatives per label of a multi-label 0/1 matrix `(N, L)`.
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::schemes::MultiLabelCounts;
/// let y = array![[1.0_f64, 0.0], [0.0, 0.0], [1.0, 1.0]];
/// let c = MultiLabelCounts::from_indicator(&y).unwrap();
/// assert_eq!(c.positives(), &[2.0, 1.0]);
/// assert_eq!(c.negatives(), &[1.0, 2.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct MultiLabelCounts {
    positives: Vec<f64>,
    negatives: Vec<f64>,
}

impl MultiLabelCounts {
    /// Counts a 0/1 indicator matrix `(N, L)`; any other value is an error (a soft label has no
    /// count).
    pub fn from_indicator<'a, F: Real>(y: impl AsArray<'a, F, Ix2>) -> Result<Self> {
        let y: ArrayView2<'_, F> = y.into();
        check_matrix("multi-label indicator", &y)?;
        let mut positives = vec![0.0; y.ncols()];
        for row in y.lanes(Axis(1)) {
            for (j, &v) in row.iter().enumerate() {
                if v == F::one() {
                    positives[j] += 1.0;
                } else if v != F::zero() {
                    return Err(ReweighError::InvalidParameter {
                        name: "multi-label indicator",
                        value: v.f64(),
                        expected: "0 or 1",
                    });
                }
            }
        }
        let n = y.nrows() as f64;
        let negatives = positives.iter().map(|p| n - p).collect();
        Ok(MultiLabelCounts {
            positives,
            negatives,
        })
    }

    /// Counts from given positives and negatives per label (finite, non-negative, same length).
    pub fn from_pos_neg(positives: &[f64], negatives: &[f64]) -> Result<Self> {
        check_same_shape("negatives", &[positives.len()], &[negatives.len()])?;
        if positives.is_empty() {
            return Err(ReweighError::EmptyBatch { what: "positives" });
        }
        check_weights("positives", positives.iter())?;
        check_weights("negatives", negatives.iter())?;
        Ok(MultiLabelCounts {
            positives: positives.to_vec(),
            negatives: negatives.to_vec(),
        })
    }

    /// Positives per label.
    pub fn positives(&self) -> &[f64] {
        &self.positives
    }

    /// Negatives per label.
    pub fn negatives(&self) -> &[f64] {
        &self.negatives
    }

    /// The number of labels `L`.
    pub fn num_labels(&self) -> usize {
        self.positives.len()
    }
}

fn check_matrix<F: Real>(what: &'static str, y: &ArrayView2<'_, F>) -> Result<()> {
    if y.ncols() == 0 {
        return Err(ReweighError::BadShape {
            what,
            reason: "needs at least one column",
            got: y.shape().to_vec(),
        });
    }
    if y.nrows() == 0 {
        return Err(ReweighError::EmptyBatch { what });
    }
    crate::loss::check_finite(what, y.iter())
}

/// A map class → position, rejecting repeated classes and an empty list.
pub(crate) fn class_index(classes: &[i64]) -> Result<HashMap<i64, usize>> {
    if classes.is_empty() {
        return Err(ReweighError::EmptyBatch { what: "classes" });
    }
    let mut index = HashMap::with_capacity(classes.len());
    for (i, &c) in classes.iter().enumerate() {
        if index.insert(c, i).is_some() {
            return Err(ReweighError::Incompatible(format!(
                "class {c} appears twice in classes"
            )));
        }
    }
    Ok(index)
}
