//! The Dice and Tversky losses on probabilities as Keras 3 computes them: one soft overlap score
//! per group of elements (the axes `axis` summed over), one loss `1 − S` per group.

use crate::Real;
use crate::check::check_finite_array;
use crate::error::{Result, ReweighError};
use crate::loss::{Loss, check_finite, check_nonempty, check_same_shape};
use crate::losses::overlap::{Intersection, OverlapScore, Sums};
use crate::losses::weighting::apply_sample_weight;
use crate::reduction::{Reducer, Reduction, Unreduced};
use ndarray::{ArrayD, ArrayViewD, IxDyn};

/// Keras's `backend.epsilon()`, the constant Keras adds to the Dice and Tversky denominators.
const KERAS_EPSILON: f64 = 1e-7;

/// Tversky loss `1 − S` of probabilities `p` against targets `t` of the same shape, one loss per
/// group of elements summed over `axis` (all axes when `axis` is `None`: one loss per batch):
///
/// ```text
/// TP = Σ p·t,   FP = Σ p·(1 − t),   FN = Σ (1 − p)·t            (sums over the group)
/// S  = TP / (TP + α·FP + β·FN + ε),   l = 1 − S
/// ∂l/∂p_j = −[t_j·(1 − S·(1 − α − β)) − S·α] / D,   D = TP + α·FP + β·FN + ε
/// ```
/// α weighs the false positives and β the false negatives; `α = β = ½` with `ε/2` is the Dice
/// loss `1 − 2TP/(Σp + Σt + ε)`. The inputs are used as given (no range check: Keras has none);
/// they must be finite. Sample weights broadcast to the per-group losses.
///
/// Reference calls it equals (Keras 3.15, `keras.losses`):
/// - `Dice(reduction=r, axis=a)(y_true, y_pred)` = `1 − 2Σyp/(Σy + Σp + 1e-7)`:
///   [`Self::keras_dice`] with [`Self::axis`]`(a)` and the reduction `r`;
/// - `Tversky(alpha=a, beta=b, reduction=r, axis=ax)(y_true, y_pred)`:
///   [`Self::keras_tversky`]`(a, b)`. **Keras's `alpha` multiplies `Σ y·(1 − p)`, the false
///   negatives**, and its `beta` the false positives `Σ (1 − y)·p` (its code calls them `fp` and
///   `fn` the other way round, and its docstring says alpha controls the false positives):
///   this reproduces the code, so `keras_tversky(a, b)` is `alpha = b`, `beta = a` here.
///
/// With `axis = None` Keras returns one number whatever the reduction (a 0-d loss is not
/// reduced); with an axis, the losses of the remaining axes are reduced by `r`
/// (`sum_over_batch_size` by default).
///
/// ```
/// use ndarray::array;
/// use reweigh::{Loss, losses::TverskyLoss};
/// // keras.losses.Dice(axis=(1,), reduction=None)
/// let p = array![[0.0_f64, 1.0, 0.0, 1.0], [0.4, 0.0, 0.0, 0.9]];
/// let y = array![[1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0]];
/// let loss = TverskyLoss::keras_dice().axis(Some(vec![1])).reduction(reweigh::Reduction::None);
/// let v = loss.forward(&p, &y).unwrap().into_array();
/// assert!((v[0] - 0.5).abs() < 1e-6 && (v[1] - 0.757_575_75).abs() < 1e-6);
/// ```
#[derive(Clone, Debug)]
pub struct TverskyLoss<F> {
    alpha: F,
    beta: F,
    epsilon: F,
    axis: Option<Vec<i64>>,
    reducer: Reducer,
}

impl<F: Real> Default for TverskyLoss<F> {
    fn default() -> Self {
        Self::keras_dice()
    }
}

impl<F: Real> TverskyLoss<F> {
    /// `keras.losses.Dice()`: α = β = ½, ε = ½·1e-7, all axes, `sum_over_batch_size`.
    pub fn keras_dice() -> Self {
        TverskyLoss {
            alpha: F::of(0.5),
            beta: F::of(0.5),
            epsilon: F::of(0.5 * KERAS_EPSILON),
            axis: None,
            reducer: Reduction::SumOverBatchSize.into(),
        }
    }

    /// `keras.losses.Tversky(alpha=keras_alpha, beta=keras_beta)`: false-positive weight
    /// `keras_beta`, false-negative weight `keras_alpha` (as Keras's code computes), ε = 1e-7.
    pub fn keras_tversky(keras_alpha: F, keras_beta: F) -> Self {
        TverskyLoss {
            alpha: keras_beta,
            beta: keras_alpha,
            epsilon: F::of(KERAS_EPSILON),
            ..Self::keras_dice()
        }
    }

    /// The weight α of the false positives (finite, ≥ 0).
    pub fn alpha(mut self, alpha: F) -> Self {
        self.alpha = alpha;
        self
    }

    /// The weight β of the false negatives (finite, ≥ 0).
    pub fn beta(mut self, beta: F) -> Self {
        self.beta = beta;
        self
    }

    /// The constant ε added to the denominator (finite, ≥ 0).
    pub fn epsilon(mut self, epsilon: F) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// The axes summed over (negative counts from the end, as Keras's `axis`); `None`: all.
    pub fn axis(mut self, axis: Option<Vec<i64>>) -> Self {
        self.axis = axis;
        self
    }

    /// The reduction.
    pub fn reduction(mut self, r: impl Into<Reducer>) -> Self {
        self.reducer = r.into();
        self
    }

    fn score(&self) -> OverlapScore<F> {
        OverlapScore {
            alpha: self.alpha,
            beta: self.beta,
            smooth: F::zero(),
            epsilon: self.epsilon,
            clamp: F::zero(),
            intersection: Intersection::Product,
        }
    }

    /// The checks of the options alone.
    pub(crate) fn check_options(&self) -> Result<()> {
        self.score().check()
    }

    /// Which axes are summed over, for an input of `ndim` axes (duplicates and axes out of range
    /// are errors, as in Keras).
    fn summed_axes(&self, shape: &[usize]) -> Result<Vec<bool>> {
        let ndim = shape.len();
        let Some(axes) = &self.axis else {
            return Ok(vec![true; ndim]);
        };
        let bad = |reason| ReweighError::BadShape {
            what: "axis",
            reason,
            got: shape.to_vec(),
        };
        let mut summed = vec![false; ndim];
        for &a in axes {
            let k = if a < 0 { a + ndim as i64 } else { a };
            if !(0..ndim as i64).contains(&k) {
                return Err(bad("an axis is out of range for the input"));
            }
            if std::mem::replace(&mut summed[k as usize], true) {
                return Err(bad("an axis is repeated"));
            }
        }
        Ok(summed)
    }
}

impl<F: Real> Loss<F> for TverskyLoss<F> {
    type Label = F;

    fn reducer(&self) -> Reducer {
        self.reducer
    }

    fn unreduced(
        &self,
        probs: ArrayViewD<'_, F>,
        labels: ArrayViewD<'_, F>,
        sample_weight: Option<ArrayViewD<'_, F>>,
        want_grad: bool,
    ) -> Result<Unreduced<F>> {
        self.check_options()?;
        check_nonempty("probs", &probs)?;
        check_same_shape("labels", probs.shape(), labels.shape())?;
        check_finite("probs", probs.iter())?;
        check_finite_array("labels", &labels)?;
        let summed = self.summed_axes(probs.shape())?;
        // kept axes first, summed axes last: each group is a contiguous run
        let order: Vec<usize> = (0..summed.len())
            .filter(|&k| !summed[k])
            .chain((0..summed.len()).filter(|&k| summed[k]))
            .collect();
        let kept: Vec<usize> = order
            .iter()
            .filter(|&&k| !summed[k])
            .map(|&k| probs.shape()[k])
            .collect();
        let p = probs.view().permuted_axes(IxDyn(&order));
        let t = labels.view().permuted_axes(IxDyn(&order));
        let p = p.as_standard_layout();
        let t = t.as_standard_layout();
        let (p, t) = (
            p.as_slice().expect("standard"),
            t.as_slice().expect("standard"),
        );
        let groups: usize = kept.iter().product();
        let size = p.len() / groups;
        let score = self.score();
        let mut values = ArrayD::<F>::zeros(IxDyn(&kept));
        let mut grad = want_grad.then(|| vec![F::zero(); p.len()]);
        for (k, l) in values.iter_mut().enumerate() {
            let range = k * size..(k + 1) * size;
            let mut sums = Sums::default();
            for (&p, &t) in p[range.clone()].iter().zip(&t[range.clone()]) {
                score.add(&mut sums, p, t);
            }
            let s = score.score(&sums);
            *l = F::one() - s.score;
            if let Some(g) = grad.as_mut() {
                for ((g, &p), &t) in g[range.clone()]
                    .iter_mut()
                    .zip(&p[range.clone()])
                    .zip(&t[range])
                {
                    *g = -score.grad(&s, p, t);
                }
            }
        }
        // the sample weights multiply each group's loss, and so each group's gradient
        let mut u = apply_sample_weight(values, None, sample_weight)?;
        if let Some(mut g) = grad {
            if let Some(w) = &u.mass {
                for (k, &w) in w.iter().enumerate() {
                    g[k * size..(k + 1) * size]
                        .iter_mut()
                        .for_each(|g| *g = *g * w);
                }
            }
            let permuted = ArrayD::from_shape_vec(p_shape(&order, probs.shape()), g)
                .expect("the permuted shape");
            let mut inverse = vec![0; order.len()];
            for (i, &k) in order.iter().enumerate() {
                inverse[k] = i;
            }
            u.grad = Some(
                permuted
                    .permuted_axes(IxDyn(&inverse))
                    .as_standard_layout()
                    .into_owned(),
            );
        }
        Ok(u)
    }
}

/// The shape of an array of `shape` with its axes in `order`.
fn p_shape(order: &[usize], shape: &[usize]) -> IxDyn {
    IxDyn(&order.iter().map(|&k| shape[k]).collect::<Vec<_>>())
}
