//! Reductions: how per-element losses become the number a framework returns.
//!
//! The frameworks disagree silently here, so every reduction is offered by name:
//!
//! ```text
//! none                    ℓ_i = w_i·l_i                        (per element)
//! sum                     Σ_i w_i·l_i
//! sum_over_batch_size     Σ_i w_i·l_i / n                      Keras default ("mean" in Keras 3), TF1 SUM_OVER_BATCH_SIZE
//! weighted_mean           Σ_i w_i·l_i / Σ_i w_i                PyTorch "mean", TF1 MEAN
//! mean_with_sample_weight Σ_i w_i·l_i / Σ_j v_j                Keras "mean_with_sample_weight"
//! sum_by_nonzero_weights  Σ_i w_i·l_i / #{i : w_i ≠ 0}         TF1 default SUM_BY_NONZERO_WEIGHTS
//! ```
//!
//! `n` counts the valid (not ignored) elements. `v_j` are the sample weights *as passed*, before
//! they are broadcast to the losses' shape: Keras 3 divides by `ops.sum(sample_weight)` of the
//! unbroadcast weight, so an `(N, 1)` weight on `(N, T)` element losses gives a denominator `Σ v`,
//! `T` times smaller than the weighted mean's `Σ w = T·Σ v` (PyTorch and TF1 divide by the
//! broadcast sum). Where the mass is not the sample weight alone (class weights, ignored
//! elements: Keras multiplies its mask into the weight, which broadcasts it),
//! `mean_with_sample_weight` divides by the broadcast mass as `weighted_mean` does. The weights `w_i` in the denominators are the
//! loss's *mass*: the sample weight times, for PyTorch's class-weighted cross-entropy, the class
//! weight of the true label. When the denominator is zero (all weights zero, or every element
//! ignored) Keras and TF1 return 0 (`divide_no_nan`) and PyTorch returns NaN (0/0): see
//! [`OnZeroWeights`].
//!
//! The total `Σ_i ℓ_i` and the denominator are accumulated in f64 and divided in f64; the quotient
//! is rounded to the loss's dtype once (an f32 total of 2^20 losses of 1e33 overflows f32, its
//! mean does not). The gradient of a reduced loss is the gradient of `Σ_i ℓ_i` divided by the same
//! denominator (in f64 on the general path; the fused kernels multiply by `1/d` rounded to the
//! dtype), which never depends on the logits. For `none` the gradient returned is that of `Σ_i ℓ_i`
//! (an upstream gradient of ones, as `loss.sum().backward()` in PyTorch).

use crate::Real;
use crate::error::{Result, ReweighError};
use crate::output::{LossOutput, LossValue};
use ndarray::{ArrayD, Axis, Zip};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How per-element losses are combined. See the [module documentation](self) for formulas.
///
/// In serde it is its name, parsed by [`FromStr`] (so the unambiguous framework spellings such
/// as `"mean_with_sample_weight"` are accepted, and `"mean"` is rejected with the reason).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Reduction {
    /// No reduction: one loss per element.
    None,
    /// `Σ w·l`.
    Sum,
    /// `Σ w·l / n` (n = number of valid elements).
    SumOverBatchSize,
    /// `Σ w·l / Σ w` (the broadcast weights: PyTorch `mean`, TF1 `MEAN`).
    WeightedMean,
    /// `Σ w·l / Σ v`, `v` the sample weights as passed, before broadcasting (Keras 3
    /// `"mean_with_sample_weight"`).
    MeanWithSampleWeight,
    /// `Σ w·l / #{w ≠ 0}`.
    SumByNonzeroWeights,
}

impl Reduction {
    /// All reductions, in documentation order.
    pub const ALL: [Reduction; 6] = [
        Reduction::None,
        Reduction::Sum,
        Reduction::SumOverBatchSize,
        Reduction::WeightedMean,
        Reduction::MeanWithSampleWeight,
        Reduction::SumByNonzeroWeights,
    ];

    /// The canonical name (`"sum_over_batch_size"`...).
    pub fn name(self) -> &'static str {
        match self {
            Reduction::None => "none",
            Reduction::Sum => "sum",
            Reduction::SumOverBatchSize => "sum_over_batch_size",
            Reduction::WeightedMean => "weighted_mean",
            Reduction::MeanWithSampleWeight => "mean_with_sample_weight",
            Reduction::SumByNonzeroWeights => "sum_by_nonzero_weights",
        }
    }
}

impl From<Reduction> for &'static str {
    fn from(r: Reduction) -> Self {
        r.name()
    }
}

impl TryFrom<String> for Reduction {
    type Error = ReweighError;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl fmt::Display for Reduction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

const REDUCTION_NAMES: &str = "none, sum, sum_over_batch_size, weighted_mean, mean_with_sample_weight, \
     sum_by_nonzero_weights (aliases sum_over_nonzero_weights, weighted_sum_by_nonzero_weights); \
     \"mean\" is ambiguous (Keras: sum_over_batch_size, PyTorch: weighted_mean): use Framework::reducer";

impl FromStr for Reduction {
    type Err = ReweighError;
    /// Parses a canonical name or an unambiguous framework spelling. `"mean"` is rejected
    /// because it means `sum_over_batch_size` in Keras and `weighted_mean` in PyTorch.
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "none" => Reduction::None,
            "sum" | "weighted_sum" => Reduction::Sum,
            "sum_over_batch_size" | "weighted_sum_over_batch_size" => Reduction::SumOverBatchSize,
            "weighted_mean" => Reduction::WeightedMean,
            "mean_with_sample_weight" => Reduction::MeanWithSampleWeight,
            "sum_by_nonzero_weights"
            | "sum_over_nonzero_weights"
            | "weighted_sum_by_nonzero_weights" => Reduction::SumByNonzeroWeights,
            _ => {
                return Err(ReweighError::UnknownName {
                    kind: "reduction",
                    name: s.to_string(),
                    valid: REDUCTION_NAMES.to_string(),
                });
            }
        })
    }
}

/// What a reduction returns when its denominator is zero (all weights zero, all elements ignored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OnZeroWeights {
    /// Return 0 and a zero gradient (Keras, TF1: `divide_no_nan`).
    #[default]
    Zero,
    /// Divide anyway: `0/0 = NaN` (PyTorch).
    Nan,
}

/// A reduction together with its zero-denominator behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reducer {
    /// The reduction.
    pub reduction: Reduction,
    /// The behaviour when the denominator is zero.
    pub on_zero: OnZeroWeights,
}

impl Default for Reducer {
    /// Keras's default: `sum_over_batch_size`, 0 for zero weights.
    fn default() -> Self {
        Framework::Keras.default_reducer()
    }
}

impl From<Reduction> for Reducer {
    /// The reduction with `divide_no_nan` behaviour ([`OnZeroWeights::Zero`]).
    fn from(reduction: Reduction) -> Self {
        Reducer {
            reduction,
            on_zero: OnZeroWeights::Zero,
        }
    }
}

impl FromStr for Reducer {
    type Err = ReweighError;
    fn from_str(s: &str) -> Result<Self> {
        Ok(Reduction::from_str(s)?.into())
    }
}

/// A framework whose conventions reweigh reproduces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Framework {
    /// Keras 3 (`keras.losses.*`, `model.fit`).
    Keras,
    /// PyTorch (`torch.nn.*Loss`, `torch.nn.functional.*`).
    PyTorch,
    /// TensorFlow 1 losses (`tf.compat.v1.losses.*`).
    Tf1,
}

impl Framework {
    /// The reduction the framework uses when none is given.
    pub fn default_reducer(self) -> Reducer {
        match self {
            Framework::Keras => Reducer {
                reduction: Reduction::SumOverBatchSize,
                on_zero: OnZeroWeights::Zero,
            },
            Framework::PyTorch => Reducer {
                reduction: Reduction::WeightedMean,
                on_zero: OnZeroWeights::Nan,
            },
            Framework::Tf1 => Reducer {
                reduction: Reduction::SumByNonzeroWeights,
                on_zero: OnZeroWeights::Zero,
            },
        }
    }

    /// The zero-denominator behaviour of the framework.
    pub fn on_zero(self) -> OnZeroWeights {
        self.default_reducer().on_zero
    }

    /// Resolves the framework's own spelling of a reduction.
    ///
    /// Keras: `none`, `sum`, `sum_over_batch_size`, `mean` (= sum over batch size),
    /// `mean_with_sample_weight`. PyTorch: `none`, `sum`, `mean` (= weighted mean).
    /// TF1 (`tf.compat.v1.losses.Reduction` values): `none`, `weighted_sum`, `weighted_mean`,
    /// `weighted_sum_over_batch_size`, `weighted_sum_by_nonzero_weights`.
    ///
    /// ```
    /// use reweigh::{Framework, Reduction, OnZeroWeights};
    /// let r = Framework::PyTorch.reducer("mean").unwrap();
    /// assert_eq!(r.reduction, Reduction::WeightedMean);
    /// assert_eq!(r.on_zero, OnZeroWeights::Nan);
    /// assert_eq!(Framework::Keras.reducer("mean").unwrap().reduction, Reduction::SumOverBatchSize);
    /// assert!(Framework::PyTorch.reducer("batchmean").is_err());
    /// ```
    pub fn reducer(self, name: &str) -> Result<Reducer> {
        use Reduction::*;
        let (reduction, valid) = match self {
            Framework::Keras => (
                match name {
                    "none" => Some(None),
                    "sum" => Some(Sum),
                    "sum_over_batch_size" | "mean" => Some(SumOverBatchSize),
                    "mean_with_sample_weight" => Some(MeanWithSampleWeight),
                    _ => Option::None,
                },
                "none, sum, sum_over_batch_size, mean, mean_with_sample_weight",
            ),
            Framework::PyTorch => (
                match name {
                    "none" => Some(None),
                    "sum" => Some(Sum),
                    "mean" => Some(WeightedMean),
                    _ => Option::None,
                },
                "none, sum, mean",
            ),
            Framework::Tf1 => (
                match name {
                    "none" => Some(None),
                    "weighted_sum" => Some(Sum),
                    "weighted_mean" => Some(WeightedMean),
                    "weighted_sum_over_batch_size" => Some(SumOverBatchSize),
                    "weighted_sum_by_nonzero_weights" => Some(SumByNonzeroWeights),
                    _ => Option::None,
                },
                "none, weighted_sum, weighted_mean, weighted_sum_over_batch_size, weighted_sum_by_nonzero_weights",
            ),
        };
        match reduction {
            Some(reduction) => Ok(Reducer {
                reduction,
                on_zero: self.on_zero(),
            }),
            Option::None => Err(ReweighError::UnknownName {
                kind: "reduction",
                name: name.to_string(),
                valid: valid.to_string(),
            }),
        }
    }
}

impl FromStr for Framework {
    type Err = ReweighError;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "keras" | "tf2" | "tensorflow" => Ok(Framework::Keras),
            "pytorch" | "torch" => Ok(Framework::PyTorch),
            "tf1" | "tf.compat.v1" => Ok(Framework::Tf1),
            _ => Err(ReweighError::UnknownName {
                kind: "framework",
                name: s.to_string(),
                valid: "keras, pytorch, tf1".to_string(),
            }),
        }
    }
}

/// Per-element losses before reduction, as every loss produces them.
#[derive(Clone, Debug)]
pub struct Unreduced<F> {
    /// Weighted per-element losses `ℓ_i = w_i·l_i` (0 for ignored elements).
    pub values: ArrayD<F>,
    /// Per-element denominator weights (`None` = 1 for every valid element).
    pub mass: Option<ArrayD<F>>,
    /// Number of valid (not ignored) elements.
    pub count: usize,
    /// Gradient of `Σ_i ℓ_i` with respect to the loss input, when requested.
    pub grad: Option<ArrayD<F>>,
    /// `Σ v` of the sample weights as passed, before broadcasting, when the mass is exactly those
    /// weights broadcast (`None`: the mass's own sum): the denominator of
    /// [`Reduction::MeanWithSampleWeight`].
    pub passed_mass: Option<f64>,
    /// Which elements are ignored (`ignore_index`, `ignore_class`), with the shape of `values`
    /// (`None`: none is). [`Reducer::finish`] gives their gradient (the gradient's entries whose
    /// leading index is an ignored element) the value 0 after the reduction, whatever the
    /// denominator: PyTorch's `mean` over a batch whose elements are all ignored is NaN (0/0)
    /// while its gradient is zero (its backward writes nothing for ignored elements), where the
    /// reduction's `0·(1/0)` would be NaN.
    pub ignored: Option<ArrayD<bool>>,
}

/// What a reduction's denominator is made of: the number of valid elements and, when the
/// elements carry a mass, the mass's totals. [`Reducer::denominator_of`] maps them to the
/// denominator, for the general path ([`Reducer::denominator`]) and the fused kernels alike.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Totals {
    /// Number of valid (not ignored) elements.
    pub(crate) count: usize,
    /// The mass's totals (`None`: every valid element weighs 1).
    pub(crate) mass: Option<MassTotals>,
}

/// `Σ mass` (accumulated in f64), `#{mass ≠ 0}` and the sum of the mass as passed.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct MassTotals {
    /// `Σ_i mass_i`, in f64 (f32 batches of millions of elements would lose digits in f32).
    pub(crate) sum: f64,
    /// `#{i : mass_i ≠ 0}`.
    pub(crate) nonzero: usize,
    /// `Σ_j v_j` of the weights as passed, before [broadcasting](Self::repeated) (Keras's
    /// `mean_with_sample_weight` denominator).
    pub(crate) passed: f64,
}

impl MassTotals {
    /// The totals of a mass.
    pub(crate) fn of<'a, F: Real>(mass: impl IntoIterator<Item = &'a F> + Clone) -> Self {
        let sum = mass.clone().into_iter().map(|w| w.f64()).sum();
        MassTotals {
            sum,
            nonzero: mass.into_iter().filter(|&&w| w != F::zero()).count(),
            passed: sum,
        }
    }

    /// The totals of this mass repeated `times` times (a weight broadcast along an axis; the
    /// sum as passed is unchanged).
    pub(crate) fn repeated(self, times: usize) -> Self {
        MassTotals {
            sum: self.sum * times as f64,
            nonzero: self.nonzero * times,
            passed: self.passed,
        }
    }
}

impl MassTotals {
    /// These totals with the sum as passed taken from the sample weights as passed, before any
    /// broadcasting (for a mass that is those weights broadcast).
    pub(crate) fn passed_as<'a, F: Real>(
        self,
        sample_weight: impl IntoIterator<Item = &'a F>,
    ) -> Self {
        MassTotals {
            passed: sample_weight.into_iter().map(|w| w.f64()).sum(),
            ..self
        }
    }
}

impl Totals {
    /// The totals of per-element losses.
    pub(crate) fn of<F: Real>(u: &Unreduced<F>) -> Self {
        Totals {
            count: u.count,
            mass: u.mass.as_ref().map(|m| {
                let t = MassTotals::of(m.iter());
                MassTotals {
                    passed: u.passed_mass.unwrap_or(t.sum),
                    ..t
                }
            }),
        }
    }
}

/// `Σ x` accumulated in f64 (f32 batches of millions of elements would lose digits in f32, and
/// their total can overflow f32 where the mean does not).
fn sum64<'a, F: Real>(x: impl Iterator<Item = &'a F>) -> f64 {
    x.map(|v| v.f64()).sum()
}

impl Reducer {
    /// The denominator this reducer divides by (in f64, as the reduction divides), or `None` for
    /// `none` and `sum`.
    pub fn denominator<F: Real>(&self, u: &Unreduced<F>) -> Option<f64> {
        if matches!(self.reduction, Reduction::None | Reduction::Sum) {
            return None;
        }
        self.denominator_of(&Totals::of(u))
    }

    /// The denominator of given totals, in f64, or `None` for `none` and `sum`: the one place
    /// the reductions' denominators are defined.
    pub(crate) fn denominator_of(&self, t: &Totals) -> Option<f64> {
        let count = t.count as f64;
        match self.reduction {
            Reduction::None | Reduction::Sum => None,
            Reduction::SumOverBatchSize => Some(count),
            Reduction::WeightedMean => Some(t.mass.map_or(count, |m| m.sum)),
            Reduction::MeanWithSampleWeight => Some(t.mass.map_or(count, |m| m.passed)),
            Reduction::SumByNonzeroWeights => Some(t.mass.map_or(count, |m| m.nonzero as f64)),
        }
    }

    /// Reduces per-element losses (and scales their gradient) by this reducer; the gradient of
    /// the [ignored](Unreduced::ignored) elements is 0.
    pub fn finish<F: Real>(&self, u: Unreduced<F>) -> LossOutput<F> {
        let denom = self.denominator(&u);
        let Unreduced {
            values,
            grad,
            ignored,
            ..
        } = u;
        let mut out = self.reduce(values, grad, denom);
        if let (Some(g), Some(ignored)) = (out.grad.as_mut(), ignored) {
            zero_ignored(g, &ignored);
        }
        out
    }

    /// Reduces `values` by a denominator, scaling the gradient of their sum.
    fn reduce<F: Real>(
        &self,
        values: ArrayD<F>,
        grad: Option<ArrayD<F>>,
        denom: Option<f64>,
    ) -> LossOutput<F> {
        let scale = Scale::new(*self, denom);
        let value = match self.reduction {
            Reduction::None => LossValue::PerElement(values),
            _ => LossValue::Scalar(scale.value(sum64(values.iter()))),
        };
        let grad = grad.map(|mut g| {
            match scale {
                Scale::One => {}
                // divide_no_nan: 0 even where the gradient of the sum is not finite
                Scale::Zero => g.fill(F::zero()),
                // in f64: the factor 1/d can be subnormal or 0 in f32 where x/d is not
                Scale::Divide(d) => g.mapv_inplace(|x| F::of(x.f64() / d)),
            }
            g
        });
        LossOutput { value, grad }
    }
}

/// The reduced value and the factor the gradient of `Σ ℓ` is multiplied by, for a total `Σ ℓ`
/// and a denominator as [`Reducer::denominator_of`] computes it: the arithmetic of
/// [`Reducer::finish`] and of the fused kernels.
pub(crate) enum Scale {
    /// `none` or `sum`: the gradient of the sum.
    One,
    /// Divide by a denominator (in f64): value `Σ ℓ / d` rounded once, gradient times `1/d`.
    Divide(f64),
    /// A zero denominator with `divide_no_nan`: value 0, gradient 0.
    Zero,
}

impl Scale {
    /// The factor applied to the gradient of `Σ ℓ`.
    pub(crate) fn grad_factor<F: Real>(&self) -> F {
        match self {
            Scale::One => F::one(),
            Scale::Divide(d) => F::of(1.0 / *d),
            Scale::Zero => F::zero(),
        }
    }

    /// The reduced value of a total accumulated in f64: divided in f64, rounded once.
    pub(crate) fn value<F: Real>(&self, total: f64) -> F {
        match self {
            Scale::One => F::of(total),
            Scale::Divide(d) => F::of(total / *d),
            Scale::Zero => F::zero(),
        }
    }
}

impl Scale {
    /// The scale of `reducer` for a denominator (`None` for `none` and `sum`).
    pub(crate) fn new(reducer: Reducer, denominator: Option<f64>) -> Self {
        match denominator {
            None => Scale::One,
            Some(d) if d == 0.0 && reducer.on_zero == OnZeroWeights::Zero => Scale::Zero,
            Some(d) => Scale::Divide(d),
        }
    }

    /// The loss value of a kernel's total `Σ ℓ` (or its per-element values for `none`).
    pub(crate) fn loss_value<F: Real>(
        &self,
        reducer: Reducer,
        total: f64,
        values: Option<ArrayD<F>>,
    ) -> LossValue<F> {
        match (reducer.reduction, values) {
            (Reduction::None, Some(v)) => LossValue::PerElement(v),
            _ => LossValue::Scalar(self.value(total)),
        }
    }
}

/// Sets to 0 the entries of a gradient whose leading index (the shape of `ignored`) is ignored.
///
/// # Panics
/// If `ignored`'s shape is not a leading part of the gradient's.
fn zero_ignored<F: Real>(grad: &mut ArrayD<F>, ignored: &ArrayD<bool>) {
    let mut mask = ignored.view();
    while mask.ndim() < grad.ndim() {
        let n = mask.ndim();
        mask = mask.insert_axis(Axis(n));
    }
    let mask = mask
        .broadcast(grad.shape())
        .expect("Unreduced::ignored has the leading shape of the gradient");
    Zip::from(grad).and(&mask).for_each(|g, &i| {
        if i {
            *g = F::zero();
        }
    });
}
