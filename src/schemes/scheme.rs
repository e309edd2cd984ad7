//! The [`Scheme`] enum: every class-weighting scheme by name.

use super::{
    ClassCounts, ClassWeights, Normalization, balanced_weights, custom_weights,
    effective_number_weights, frequency_weights, inverse_frequency_weights, inverse_sqrt_weights,
    log_smoothed_weights, max_over_count_weights, normalize, uniform_weights,
};
use crate::Real;
use crate::error::{Result, ReweighError};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A way to turn class counts into class weights.
///
/// | name (`FromStr`) | formula | function |
/// |---|---|---|
/// | `uniform` | 1 | [`uniform_weights`] |
/// | `frequency` | n_c / n | [`frequency_weights`] |
/// | `inverse_frequency` | n / n_c | [`inverse_frequency_weights`] |
/// | `inverse_frequency_sum1` | n / n_c, rescaled to Σ_c w_c = 1 | [`normalize`] |
/// | `inverse_frequency_sum_c` | n / n_c, rescaled to Σ_c w_c = C | [`normalize`] |
/// | `inverse_frequency_mean1` | n / n_c, rescaled to a mean sample weight of 1 (= `balanced`) | [`normalize`] |
/// | `balanced` | n / (C·n_c) (scikit-learn) | [`balanced_weights`] |
/// | `max_over_count` | max_k n_k / n_c | [`max_over_count_weights`] |
/// | `log_smoothed(mu[, floor])` | max(ln(μ·n/n_c), floor); μ = 0.15, floor = 1 by default | [`log_smoothed_weights`] |
/// | `effective_number(beta)` | (1−β)/(1−βⁿᶜ), to sum C; β = 0.9999 by default | [`effective_number_weights`] |
/// | `inverse_sqrt` | √(n / n_c) | [`inverse_sqrt_weights`] |
/// | — | a user dict, missing classes 1 | [`custom_weights`] |
///
/// Parameters are written in parentheses, optionally named: `log_smoothed(0.15)`,
/// `log_smoothed(mu=0.3, floor=0.5)`, `effective_number(beta=0.99)`. Any other name, such as the
/// `"auto"` that old Keras silently ignored (seed 001), is [`ReweighError::UnknownName`] listing
/// the valid names. `Display` writes the name back in the same syntax.
///
/// # Example
/// ```
/// use reweigh::schemes::{ClassCounts, Scheme};
/// let counts = ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap();
/// let scheme: Scheme = "balanced".parse().unwrap();
/// let w = scheme.weights::<f64>(&counts).unwrap();
/// // sklearn compute_class_weight("balanced", classes=[0, 1, 2, 3], y=np.repeat(...))
/// assert_eq!(w.get(0), Some(2.04040404040404));
/// let err = "auto".parse::<Scheme>().unwrap_err().to_string();
/// assert!(err.contains("valid names") && err.contains("balanced"));
/// ```
///
/// [`uniform_weights`]: super::uniform_weights
/// [`frequency_weights`]: super::frequency_weights
/// [`inverse_frequency_weights`]: super::inverse_frequency_weights
/// [`normalize`]: super::normalize
/// [`balanced_weights`]: super::balanced_weights
/// [`max_over_count_weights`]: super::max_over_count_weights
/// [`log_smoothed_weights`]: super::log_smoothed_weights
/// [`effective_number_weights`]: super::effective_number_weights
/// [`inverse_sqrt_weights`]: super::inverse_sqrt_weights
/// [`custom_weights`]: super::custom_weights
#[derive(Clone, Debug, PartialEq)]
pub enum Scheme {
    /// Every class weighs 1.
    Uniform,
    /// n_c / n: the frequency (points the wrong way for imbalance; the seed-000 question).
    Frequency,
    /// n / n_c.
    InverseFrequency,
    /// n / n_c rescaled to sum 1.
    InverseFrequencySum1,
    /// n / n_c rescaled to sum C.
    InverseFrequencySumC,
    /// n / n_c rescaled to a mean sample weight of 1 (equals [`Scheme::Balanced`]).
    InverseFrequencyMean1,
    /// scikit-learn's `"balanced"`: n / (C·n_c).
    Balanced,
    /// max_k n_k / n_c: the largest class gets 1.
    MaxOverCount,
    /// max(ln(μ·n / n_c), floor).
    LogSmoothed {
        /// μ > 0.
        mu: f64,
        /// The smallest weight (1 in the seed-001 code).
        floor: f64,
    },
    /// Inverse effective number of samples (Cui et al. 2019), normalised to sum C.
    EffectiveNumber {
        /// β ∈ [0, 1).
        beta: f64,
    },
    /// √(n / n_c).
    InverseSqrt,
    /// User weights per class; a class that is not a key weighs 1.
    Custom(BTreeMap<i64, f64>),
}

impl Scheme {
    /// The names [`FromStr`] accepts (every scheme but [`Scheme::Custom`]).
    pub const NAMES: [&'static str; 11] = [
        "uniform",
        "frequency",
        "inverse_frequency",
        "inverse_frequency_sum1",
        "inverse_frequency_sum_c",
        "inverse_frequency_mean1",
        "balanced",
        "max_over_count",
        "log_smoothed",
        "effective_number",
        "inverse_sqrt",
    ];

    /// `LogSmoothed` with the seed-001 defaults μ = 0.15, floor = 1.
    pub const LOG_SMOOTHED: Scheme = Scheme::LogSmoothed {
        mu: 0.15,
        floor: 1.0,
    };

    /// `EffectiveNumber` with β = 0.9999 (the default of the paper's PyTorch port).
    pub const EFFECTIVE_NUMBER: Scheme = Scheme::EffectiveNumber { beta: 0.9999 };

    /// One scheme of each kind with its default parameters (no `Custom`), in [`Self::NAMES`] order.
    pub fn all() -> Vec<Scheme> {
        Self::NAMES.iter().map(|n| n.parse().unwrap()).collect()
    }

    /// The weights of `counts`' classes, in their order.
    pub fn weights<F: Real>(&self, counts: &ClassCounts) -> Result<ClassWeights<F>> {
        let n = counts.to_array::<F>();
        let v = n.view();
        let w = match self {
            Scheme::Uniform => uniform_weights(v),
            Scheme::Frequency => frequency_weights(v),
            Scheme::InverseFrequency => inverse_frequency_weights(v),
            Scheme::InverseFrequencySum1 => inverse_frequency_weights(v)
                .and_then(|w| normalize(w.view(), v, Normalization::Sum1)),
            Scheme::InverseFrequencySumC => inverse_frequency_weights(v)
                .and_then(|w| normalize(w.view(), v, Normalization::SumC)),
            Scheme::InverseFrequencyMean1 => inverse_frequency_weights(v)
                .and_then(|w| normalize(w.view(), v, Normalization::SampleMean1)),
            Scheme::Balanced => balanced_weights(v),
            Scheme::MaxOverCount => max_over_count_weights(v),
            Scheme::LogSmoothed { mu, floor } => log_smoothed_weights(v, *mu, *floor),
            Scheme::EffectiveNumber { beta } => effective_number_weights(v, *beta),
            Scheme::InverseSqrt => inverse_sqrt_weights(v),
            Scheme::Custom(dict) => custom_weights(dict, counts),
        };
        let w = w.map_err(|e| match e {
            // the free functions report a class by position
            ReweighError::ZeroCount { what, class } => ReweighError::ZeroCount {
                what,
                class: counts.classes()[class as usize],
            },
            e => e,
        })?;
        ClassWeights::new(self.to_string(), counts.classes().to_vec(), w)
    }

    /// Whether the scheme's weights depend on the counts (all but `Uniform` and `Custom`).
    pub fn uses_counts(&self) -> bool {
        !matches!(self, Scheme::Uniform | Scheme::Custom(_))
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scheme::Uniform => f.write_str("uniform"),
            Scheme::Frequency => f.write_str("frequency"),
            Scheme::InverseFrequency => f.write_str("inverse_frequency"),
            Scheme::InverseFrequencySum1 => f.write_str("inverse_frequency_sum1"),
            Scheme::InverseFrequencySumC => f.write_str("inverse_frequency_sum_c"),
            Scheme::InverseFrequencyMean1 => f.write_str("inverse_frequency_mean1"),
            Scheme::Balanced => f.write_str("balanced"),
            Scheme::MaxOverCount => f.write_str("max_over_count"),
            Scheme::LogSmoothed { mu, floor } if *floor == 1.0 => {
                write!(f, "log_smoothed({mu:?})")
            }
            Scheme::LogSmoothed { mu, floor } => write!(f, "log_smoothed({mu:?}, {floor:?})"),
            Scheme::EffectiveNumber { beta } => write!(f, "effective_number({beta:?})"),
            Scheme::InverseSqrt => f.write_str("inverse_sqrt"),
            Scheme::Custom(_) => f.write_str("custom"),
        }
    }
}

impl FromStr for Scheme {
    type Err = ReweighError;

    /// Parses a scheme name with optional parameters (see [`Scheme`]); surrounding whitespace
    /// and ASCII case are ignored.
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim().to_ascii_lowercase();
        let unknown = || ReweighError::UnknownName {
            kind: "class-weighting scheme",
            name: s.clone(),
            valid: Scheme::NAMES.join(", "),
        };
        let (name, args) = match s.find('(') {
            Some(i) if s.ends_with(')') => (s[..i].trim(), Some(&s[i + 1..s.len() - 1])),
            Some(_) => return Err(unknown()),
            None => (s.as_str(), None),
        };
        let params = parse_params(args, &s)?;
        let get = |name: &str, pos: usize, default: f64| -> f64 {
            let by_name = params.iter().find(|(k, _)| k.as_deref() == Some(name));
            let by_pos = params.get(pos).filter(|(k, _)| k.is_none());
            by_name.or(by_pos).map_or(default, |p| p.1)
        };
        let allowed = |names: &[&str]| -> Result<()> {
            if params.len() > names.len()
                || params
                    .iter()
                    .any(|(k, _)| k.as_deref().is_some_and(|k| !names.contains(&k)))
            {
                return Err(ReweighError::Incompatible(format!(
                    "scheme {s:?} takes the parameters ({})",
                    names.join(", ")
                )));
            }
            Ok(())
        };
        let scheme = match name {
            "log_smoothed" => {
                allowed(&["mu", "floor"])?;
                Scheme::LogSmoothed {
                    mu: get("mu", 0, 0.15),
                    floor: get("floor", 1, 1.0),
                }
            }
            "effective_number" => {
                allowed(&["beta"])?;
                Scheme::EffectiveNumber {
                    beta: get("beta", 0, 0.9999),
                }
            }
            other => {
                allowed(&[])?;
                match other {
                    "uniform" => Scheme::Uniform,
                    "frequency" => Scheme::Frequency,
                    "inverse_frequency" => Scheme::InverseFrequency,
                    "inverse_frequency_sum1" => Scheme::InverseFrequencySum1,
                    "inverse_frequency_sum_c" => Scheme::InverseFrequencySumC,
                    "inverse_frequency_mean1" => Scheme::InverseFrequencyMean1,
                    "balanced" => Scheme::Balanced,
                    "max_over_count" => Scheme::MaxOverCount,
                    "inverse_sqrt" => Scheme::InverseSqrt,
                    _ => return Err(unknown()),
                }
            }
        };
        Ok(scheme)
    }
}

/// `"0.15, floor=1"` → `[(None, 0.15), (Some("floor"), 1.0)]`.
fn parse_params(args: Option<&str>, whole: &str) -> Result<Vec<(Option<String>, f64)>> {
    let Some(args) = args else { return Ok(vec![]) };
    if args.trim().is_empty() {
        return Ok(vec![]);
    }
    args.split(',')
        .map(|a| {
            let (k, v) = match a.split_once('=') {
                Some((k, v)) => (Some(k.trim().to_string()), v.trim()),
                None => (None, a.trim()),
            };
            let v: f64 = v.parse().map_err(|_| {
                ReweighError::Incompatible(format!("cannot read {v:?} as a number in {whole:?}"))
            })?;
            Ok((k, v))
        })
        .collect()
}
