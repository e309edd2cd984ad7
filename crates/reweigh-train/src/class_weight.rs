//! `fit(class_weight=...)`: per-class weights turned into per-sample weights, with Keras's
//! silent rules made explicit.

use ndarray::{Array1, ArrayView1, ArrayView2};
use reweigh::Real;
use reweigh::error::{Result, ReweighError};
use std::collections::BTreeMap;

/// What to do with a label that has no class weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum MissingClass {
    /// An error naming the label (reweigh's default).
    #[default]
    Error,
    /// Weight 1, silently (Keras: `class_weight.get(y, 1.0)`).
    WeightOne,
}

/// What to do with dense (one-hot / multi-label / soft) targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum DenseTargets {
    /// Rows must be exactly one-hot (one 1, the rest 0); anything else (multi-label, all-zero or
    /// soft rows) is an error (reweigh's default).
    #[default]
    OneHotOnly,
    /// The class of a row is its argmax (the first maximum), silently: a multi-label row counts
    /// as its first positive class and an all-zero row as class 0 (Keras 3).
    Argmax,
}

/// Class weights for `fit`: a weight per class index, and the rules for labels that need a
/// decision Keras takes silently.
///
/// ```text
/// sample_weight_i = class_weight[y_i]
/// ```
///
/// Keras 3 (`data_adapter_utils.class_weight_to_sample_weights`, measured by
/// `scripts/ledger/gen_reference.py` into `data/ledger/reference.json`) silently gives weight 1 to labels without a key, ignores keys that are
/// not classes (`{5: 2}`, string keys, `{}`), uses negative weights as given and takes the argmax
/// of one-hot *and multi-label* rows. [`ClassWeight::new`] turns each of these into an error;
/// [`ClassWeight::keras`] reproduces Keras. The rules that hold in both:
///
/// - class weights weight the *training* loss and the `weighted_metrics` only, never validation
///   ([`Validation`](super::Validation) has no class weights);
/// - class weights and sample weights together are an error (`You cannot class_weight and
///   sample_weight at the same time`);
/// - non-finite weights are an error.
///
/// ```
/// use ndarray::array;
/// use reweigh_train::ClassWeight;
/// let y = array![0_i64, 2, 1, 2];
/// let strict = ClassWeight::new([(0, 10.0_f32), (1, 1.0)]);
/// assert!(strict.sample_weights(y.view(), 3).is_err()); // class 2 has no weight
/// let keras = ClassWeight::keras([(0, 10.0_f32)]);
/// assert_eq!(keras.sample_weights(y.view(), 3).unwrap(), array![10.0, 1.0, 1.0, 1.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ClassWeight<F> {
    weights: BTreeMap<i64, F>,
    missing: MissingClass,
    dense: DenseTargets,
    strict_keys: bool,
}

impl<F: Real> ClassWeight<F> {
    /// Strict rules: every label needs a key, every key must be a class, weights must be finite
    /// and non-negative, dense rows must be one-hot.
    pub fn new(weights: impl IntoIterator<Item = (i64, F)>) -> Self {
        ClassWeight {
            weights: weights.into_iter().collect(),
            missing: MissingClass::Error,
            dense: DenseTargets::OneHotOnly,
            strict_keys: true,
        }
    }

    /// Keras 3's rules: missing labels weigh 1, keys that are not classes are ignored, negative
    /// weights are used as given, dense rows are argmaxed.
    pub fn keras(weights: impl IntoIterator<Item = (i64, F)>) -> Self {
        ClassWeight {
            weights: weights.into_iter().collect(),
            missing: MissingClass::WeightOne,
            dense: DenseTargets::Argmax,
            strict_keys: false,
        }
    }

    /// One weight per class `0..C`, strict rules.
    pub fn per_class(weights: &[F]) -> Self {
        Self::new(weights.iter().enumerate().map(|(c, &w)| (c as i64, w)))
    }

    /// Sets the rule for labels without a weight.
    pub fn missing(mut self, rule: MissingClass) -> Self {
        self.missing = rule;
        self
    }

    /// Sets the rule for dense targets.
    pub fn dense_targets(mut self, rule: DenseTargets) -> Self {
        self.dense = rule;
        self
    }

    /// The weight of each class that has one.
    pub fn weights(&self) -> &BTreeMap<i64, F> {
        &self.weights
    }

    fn check(&self, num_classes: usize) -> Result<()> {
        for (&k, &w) in &self.weights {
            if !w.is_finite() {
                return Err(ReweighError::NonFinite {
                    what: "class_weight",
                    index: k.max(0) as usize,
                    value: w.f64(),
                });
            }
            if !self.strict_keys {
                continue;
            }
            if k < 0 || k as usize >= num_classes {
                return Err(ReweighError::Incompatible(format!(
                    "class_weight has key {k}, which is not a class of the model (0..{num_classes}); \
                     Keras ignores such keys silently (ClassWeight::keras)"
                )));
            }
            if w < F::zero() {
                return Err(ReweighError::NegativeWeight {
                    what: "class_weight",
                    index: k as usize,
                    value: w.f64(),
                });
            }
        }
        Ok(())
    }

    fn weight_of(&self, label: i64, index: usize) -> Result<F> {
        match (self.weights.get(&label), self.missing) {
            (Some(&w), _) => Ok(w),
            (None, MissingClass::WeightOne) => Ok(F::one()),
            (None, MissingClass::Error) => Err(ReweighError::Incompatible(format!(
                "label {label} (sample {index}) has no class weight; Keras would silently use 1 \
                 (MissingClass::WeightOne)"
            ))),
        }
    }

    /// Per-sample weights for integer labels `y` of a model with `num_classes` classes.
    pub fn sample_weights(&self, y: ArrayView1<'_, i64>, num_classes: usize) -> Result<Array1<F>> {
        self.check(num_classes)?;
        let mut out = Array1::zeros(y.len());
        for (i, (&label, o)) in y.iter().zip(out.iter_mut()).enumerate() {
            *o = self.weight_of(label, i)?;
        }
        Ok(out)
    }

    /// Per-sample weights for dense targets `(N, C)`: one-hot rows, or under
    /// [`DenseTargets::Argmax`] any row (Keras). A single column `(N, 1)` holds class indices,
    /// as in Keras (which rounds them half to even; reweigh requires them to be integers unless
    /// the rule is `Argmax`).
    pub fn sample_weights_dense(
        &self,
        y: ArrayView2<'_, F>,
        num_classes: usize,
    ) -> Result<Array1<F>> {
        self.check(num_classes)?;
        let mut out = Array1::zeros(y.nrows());
        for (i, (row, o)) in y.rows().into_iter().zip(out.iter_mut()).enumerate() {
            let label = if row.len() == 1 {
                let v = row[0];
                if !v.is_finite() {
                    return Err(ReweighError::NonFinite {
                        what: "y",
                        index: i,
                        value: v.f64(),
                    });
                }
                let r = round_half_even(v.f64());
                if r != v.f64() && self.dense == DenseTargets::OneHotOnly {
                    return Err(ReweighError::Incompatible(format!(
                        "label {v} (sample {i}) is not an integer; Keras would round it to {r}"
                    )));
                }
                r as i64
            } else {
                self.dense_label(row, i)?
            };
            *o = self.weight_of(label, i)?;
        }
        Ok(out)
    }

    fn dense_label(&self, row: ArrayView1<'_, F>, i: usize) -> Result<i64> {
        if let Some((j, v)) = row.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(ReweighError::NonFinite {
                what: "y",
                index: i * row.len() + j,
                value: v.f64(),
            });
        }
        match self.dense {
            DenseTargets::Argmax => {
                let mut best = 0;
                for (j, &v) in row.iter().enumerate() {
                    if v > row[best] {
                        best = j;
                    }
                }
                Ok(best as i64)
            }
            DenseTargets::OneHotOnly => {
                let ones = row.iter().filter(|&&v| v == F::one()).count();
                let zeros = row.iter().filter(|&&v| v == F::zero()).count();
                if ones == 1 && ones + zeros == row.len() {
                    Ok(row.iter().position(|&v| v == F::one()).expect("one 1") as i64)
                } else {
                    Err(ReweighError::Incompatible(format!(
                        "target row {i} is not one-hot ({ones} ones, {} other non-zeros); Keras would \
                         silently weight it by the class of its argmax (DenseTargets::Argmax)",
                        row.len() - ones - zeros
                    )))
                }
            }
        }
    }
}

/// `numpy.round`: halves go to the even neighbour.
fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - x.signum()
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rstest::rstest;

    #[rstest]
    #[case::missing_key(ClassWeight::new([(0, 1.0)]), array![0_i64, 1])]
    #[case::key_not_a_class(ClassWeight::new([(0, 1.0), (1, 1.0), (5, 2.0)]), array![0_i64, 1])]
    #[case::negative_key(ClassWeight::new([(-1, 1.0), (0, 1.0), (1, 1.0)]), array![0_i64, 1])]
    #[case::negative_weight(ClassWeight::new([(0, -1.0), (1, 1.0)]), array![0_i64, 1])]
    #[case::nan_weight(ClassWeight::keras([(0, f64::NAN)]), array![0_i64, 1])]
    #[case::empty(ClassWeight::new([]), array![0_i64])]
    fn strict_rules_reject(#[case] cw: ClassWeight<f64>, #[case] y: Array1<i64>) {
        assert!(cw.sample_weights(y.view(), 2).is_err());
    }

    /// Keras 3 (data/ledger/reference.json): missing key → 1, `{5: 2}` and `{}` ignored, negative used.
    #[rstest]
    #[case::missing_key(vec![(0, 3.0)], array![3.0, 1.0])]
    #[case::key_not_a_class(vec![(5, 2.0)], array![1.0, 1.0])]
    #[case::empty(vec![], array![1.0, 1.0])]
    #[case::negative(vec![(0, -2.0), (1, 0.5)], array![-2.0, 0.5])]
    fn keras_rules(#[case] w: Vec<(i64, f64)>, #[case] want: Array1<f64>) {
        let cw = ClassWeight::keras(w);
        assert_eq!(cw.sample_weights(array![0_i64, 1].view(), 2).unwrap(), want);
    }

    #[test]
    fn dense_targets() {
        let one_hot = array![[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]];
        let multi = array![[0.0, 1.0, 1.0], [0.0, 0.0, 0.0]];
        let strict = ClassWeight::per_class(&[1.0, 2.0, 3.0]);
        assert_eq!(
            strict.sample_weights_dense(one_hot.view(), 3).unwrap(),
            array![2.0, 1.0]
        );
        assert!(strict.sample_weights_dense(multi.view(), 3).is_err());
        let argmax = strict.clone().dense_targets(DenseTargets::Argmax);
        // Keras: the first positive column, class 0 for an all-zero row
        assert_eq!(
            argmax.sample_weights_dense(multi.view(), 3).unwrap(),
            array![2.0, 1.0]
        );
        let column = array![[2.0], [0.0]];
        assert_eq!(
            strict.sample_weights_dense(column.view(), 3).unwrap(),
            array![3.0, 1.0]
        );
        assert!(
            strict
                .sample_weights_dense(array![[1.5]].view(), 3)
                .is_err()
        );
        assert_eq!(
            argmax
                .sample_weights_dense(array![[1.5], [2.5]].view(), 3)
                .unwrap(),
            array![3.0, 3.0]
        );
    }

    #[test]
    fn numpy_rounding() {
        for (x, r) in [
            (0.5, 0.0),
            (1.5, 2.0),
            (2.5, 2.0),
            (-0.5, -0.0),
            (-1.5, -2.0),
            (1.2, 1.0),
        ] {
            assert_eq!(round_half_even(x), r, "{x}");
        }
    }
}
