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
/// `log_smoothed(mu=0.3, floor=0.5)`, `effective_number(beta=0.99)`, bound as Python binds a
/// call's arguments (positional first; a repeated or unknown name is an error). Any other name, such as the
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
    /// `LogSmoothed` with the seed-001 defaults μ = 0.15, floor = 1.
    pub const LOG_SMOOTHED: Scheme = Scheme::LogSmoothed {
        mu: 0.15,
        floor: 1.0,
    };

    /// `EffectiveNumber` with β = 0.9999 (the default of the paper's PyTorch port).
    pub const EFFECTIVE_NUMBER: Scheme = Scheme::EffectiveNumber { beta: 0.9999 };

    /// Every named scheme with its default parameters (no `Custom`), in documentation order:
    /// the one list that [`Self::names`], [`FromStr`] and the tables of every scheme are made of.
    pub fn all() -> Vec<Scheme> {
        vec![
            Scheme::Uniform,
            Scheme::Frequency,
            Scheme::InverseFrequency,
            Scheme::InverseFrequencySum1,
            Scheme::InverseFrequencySumC,
            Scheme::InverseFrequencyMean1,
            Scheme::Balanced,
            Scheme::MaxOverCount,
            Self::LOG_SMOOTHED,
            Self::EFFECTIVE_NUMBER,
            Scheme::InverseSqrt,
        ]
    }

    /// The names [`FromStr`] accepts (every scheme but [`Scheme::Custom`]), in [`Self::all`]
    /// order.
    pub fn names() -> Vec<&'static str> {
        Self::all().iter().map(Scheme::name).collect()
    }

    /// The scheme's name, without its parameters.
    pub fn name(&self) -> &'static str {
        match self {
            Scheme::Uniform => "uniform",
            Scheme::Frequency => "frequency",
            Scheme::InverseFrequency => "inverse_frequency",
            Scheme::InverseFrequencySum1 => "inverse_frequency_sum1",
            Scheme::InverseFrequencySumC => "inverse_frequency_sum_c",
            Scheme::InverseFrequencyMean1 => "inverse_frequency_mean1",
            Scheme::Balanced => "balanced",
            Scheme::MaxOverCount => "max_over_count",
            Scheme::LogSmoothed { .. } => "log_smoothed",
            Scheme::EffectiveNumber { .. } => "effective_number",
            Scheme::InverseSqrt => "inverse_sqrt",
            Scheme::Custom(_) => "custom",
        }
    }

    /// The scheme's numeric parameters by name, in positional order.
    pub fn params(&self) -> Vec<(&'static str, f64)> {
        match self {
            Scheme::LogSmoothed { mu, floor } => vec![("mu", *mu), ("floor", *floor)],
            Scheme::EffectiveNumber { beta } => vec![("beta", *beta)],
            _ => vec![],
        }
    }

    /// The same scheme with its parameters set to `values` (in [`Self::params`] order).
    fn with_params(&self, values: &[f64]) -> Scheme {
        match (self, values) {
            (Scheme::LogSmoothed { .. }, &[mu, floor]) => Scheme::LogSmoothed { mu, floor },
            (Scheme::EffectiveNumber { .. }, &[beta]) => Scheme::EffectiveNumber { beta },
            (other, _) => other.clone(),
        }
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
    /// The name, then the parameters in parentheses, positionally, leaving out trailing ones at
    /// their defaults (but always the first): `log_smoothed(0.15)`, `log_smoothed(0.15, 0.5)`,
    /// `effective_number(0.9999)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        let params = self.params();
        if params.is_empty() {
            return Ok(());
        }
        let defaults = Self::all()
            .into_iter()
            .find(|s| s.name() == self.name())
            .map(|s| s.params())
            .unwrap_or_default();
        let mut shown = params.len();
        while shown > 1 && params[shown - 1].1 == defaults[shown - 1].1 {
            shown -= 1;
        }
        let values: Vec<String> = params[..shown]
            .iter()
            .map(|(_, v)| format!("{v:?}"))
            .collect();
        write!(f, "({})", values.join(", "))
    }
}

impl FromStr for Scheme {
    type Err = ReweighError;

    /// Parses a scheme name with optional parameters (see [`Scheme`]), as Python binds a call's
    /// arguments: positional ones first, then keywords; a parameter given twice, an unknown
    /// keyword or too many arguments is an error. Surrounding whitespace and ASCII case are
    /// ignored.
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim().to_ascii_lowercase();
        let unknown = || ReweighError::UnknownName {
            kind: "class-weighting scheme",
            name: s.clone(),
            valid: Scheme::names().join(", "),
        };
        let (name, args) = match s.find('(') {
            Some(i) if s.ends_with(')') => (s[..i].trim(), Some(&s[i + 1..s.len() - 1])),
            Some(_) => return Err(unknown()),
            None => (s.as_str(), None),
        };
        let scheme = Self::all()
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(unknown)?;
        let defaults = scheme.params();
        let bad = |why: String| {
            let names: Vec<&str> = defaults.iter().map(|(n, _)| *n).collect();
            ReweighError::Incompatible(format!(
                "scheme {s:?} takes the parameters ({}): {why}",
                names.join(", ")
            ))
        };
        // Python's binding of f(*args, **kwargs) to def f(p1=d1, p2=d2): positional arguments
        // fill the parameters in order, then keywords by name; the errors are Python's
        let args = parse_params(args, &s)?;
        let positional = args.iter().take_while(|(k, _)| k.is_none()).count();
        if args[positional..].iter().any(|(k, _)| k.is_none()) {
            return Err(bad(
                "positional argument follows keyword argument (a SyntaxError in Python)".into(),
            ));
        }
        if positional > defaults.len() {
            return Err(bad(format!(
                "{name}() takes {} positional arguments but {positional} {} given",
                match defaults.len() {
                    0 => "0".to_string(),
                    n => format!("from 0 to {n}"),
                },
                if positional == 1 { "was" } else { "were" },
            )));
        }
        let mut values: Vec<Option<f64>> = vec![None; defaults.len()];
        for (position, (key, value)) in args.into_iter().enumerate() {
            let slot = match &key {
                None => position,
                Some(k) => defaults.iter().position(|(n, _)| n == k).ok_or_else(|| {
                    bad(format!("{name}() got an unexpected keyword argument '{k}'"))
                })?,
            };
            // a slot past the positional ones was filled by an earlier keyword
            if values[slot].is_some() && slot >= positional {
                return Err(bad(format!(
                    "keyword argument repeated: {} (a SyntaxError in Python)",
                    defaults[slot].0
                )));
            }
            if values[slot].replace(value).is_some() {
                return Err(bad(format!(
                    "{name}() got multiple values for argument '{}'",
                    defaults[slot].0
                )));
            }
        }
        let values: Vec<f64> = values
            .iter()
            .zip(&defaults)
            .map(|(v, (_, d))| v.unwrap_or(*d))
            .collect();
        Ok(scheme.with_params(&values))
    }
}

/// `"0.15, floor=1"` → `[(None, 0.15), (Some("floor"), 1.0)]`.
fn parse_params(args: Option<&str>, whole: &str) -> Result<Vec<(Option<String>, f64)>> {
    let Some(args) = args else { return Ok(vec![]) };
    if args.trim().is_empty() {
        return Ok(vec![]);
    }
    // one trailing comma is allowed, as in a Python call: `log_smoothed(0.2,)`
    let args = args.trim_end();
    let args = args.strip_suffix(',').unwrap_or(args);
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
