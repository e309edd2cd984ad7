//! The [`Scheme`] enum: every class-weighting scheme by name.

use super::{
    ClassCounts, ClassWeights, Normalization, SchemeKind, balanced_weights, custom_weights,
    effective_number_weights, frequency_weights, inverse_frequency_weights, inverse_sqrt_weights,
    log_smoothed_weights, max_over_count_weights, normalize, uniform_weights,
};
use crate::Real;
use crate::error::{Result, ReweighError};
use crate::losses::{DeferredReweighting, LogitOffset, ldam_margins};
use ndarray::Array1;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A way to turn class counts into a per-class vector: class weights, or the margins and logit
/// offsets of the long-tail losses ([`Self::kind`] says which; see [`SchemeKind`]).
///
/// | name (`FromStr`) | formula | function | kind |
/// |---|---|---|---|
/// | `uniform` | 1 | [`uniform_weights`] | class weights |
/// | `frequency` | n_c / n | [`frequency_weights`] | class weights |
/// | `inverse_frequency` | n / n_c | [`inverse_frequency_weights`] | class weights |
/// | `inverse_frequency_sum1` | n / n_c, rescaled to Σ_c w_c = 1 | [`normalize`] | class weights |
/// | `inverse_frequency_sum_c` | n / n_c, rescaled to Σ_c w_c = C | [`normalize`] | class weights |
/// | `inverse_frequency_mean1` | n / n_c, rescaled to a mean sample weight of 1 (= `balanced`) | [`normalize`] | class weights |
/// | `balanced` | n / (C·n_c) (scikit-learn) | [`balanced_weights`] | class weights |
/// | `max_over_count` | max_k n_k / n_c | [`max_over_count_weights`] | class weights |
/// | `log_smoothed(mu[, floor])` | max(ln(μ·n/n_c), floor); μ = 0.15, floor = 1 by default | [`log_smoothed_weights`] | class weights |
/// | `effective_number(beta)` | (1−β)/(1−βⁿᶜ), to sum C; β = 0.9999 by default | [`effective_number_weights`] | class weights |
/// | `inverse_sqrt` | √(n / n_c) | [`inverse_sqrt_weights`] | class weights |
/// | `drw(start_epoch[, beta])` | deferred re-weighting (Cao et al. 2019): (1−β)/(1−βⁿᶜ), to sum C, from epoch `start_epoch` on, 1 before ([`Self::weights_at_epoch`]); `start_epoch` = 160, β = 0.9999 by default | [`DeferredReweighting::class_weights`] | class weights |
/// | `ldam_margins(max_m)` | LDAM's margins (Cao et al. 2019) m_c = max_m·(n_min/n_c)^(1/4); max_m = 0.5 by default | [`ldam_margins`] | margins |
/// | `logit_adjustment(tau)` | Menon et al.'s offsets (ICLR 2021) ln(π_c^τ + 1e-12), π_c = n_c / n; τ = 1 by default | [`LogitOffset::Menon`] | logit offsets |
/// | — | a user dict, missing classes 1 | [`custom_weights`] | class weights |
///
/// Parameters are written in parentheses, optionally named: `log_smoothed(0.15)`,
/// `log_smoothed(mu=0.3, floor=0.5)`, `effective_number(beta=0.99)`, `drw(start_epoch=100)`,
/// bound as Python binds a call's arguments (positional first; a repeated or unknown name is an
/// error). `drw`'s `start_epoch` is a whole number ≥ 0 (`160` or `160.0`; `-1` or `1.5` is
/// [`ReweighError::InvalidParameter`] when parsed); the other parameters are checked by the
/// scheme's function when [`Self::weights`] computes. Any other name, such as the `"auto"` that
/// old Keras silently ignored (seed 001), is [`ReweighError::UnknownName`] listing the valid
/// names. `Display` writes the name back in the same syntax.
///
/// The margins and the logit offsets come out as [`ClassWeights`] too (labelled, exported as a
/// dict, a tensor or JSON like the weights) with their [`ClassWeights::kind`]: they are no class
/// weights, and the sample-weight functions refuse them.
///
/// # Example
/// ```
/// use reweigh::schemes::{ClassCounts, Scheme, SchemeKind};
/// let counts = ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap();
/// let scheme: Scheme = "balanced".parse().unwrap();
/// let w = scheme.weights::<f64>(&counts).unwrap();
/// // sklearn compute_class_weight("balanced", classes=[0, 1, 2, 3], y=np.repeat(...))
/// assert_eq!(w.get(0), Some(2.04040404040404));
/// let err = "auto".parse::<Scheme>().unwrap_err().to_string();
/// assert!(err.contains("valid names") && err.contains("balanced"));
/// // LDAM's margins: the rarest class (198) gets max_m
/// let m = "ldam_margins(max_m=0.5)".parse::<Scheme>().unwrap().weights::<f64>(&counts).unwrap();
/// assert_eq!((m.kind(), m.get(0)), (SchemeKind::Margins, Some(0.5)));
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
/// [`DeferredReweighting::class_weights`]: crate::losses::DeferredReweighting::class_weights
/// [`ldam_margins`]: crate::losses::ldam_margins
/// [`LogitOffset::Menon`]: crate::losses::LogitOffset::Menon
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
    /// Deferred re-weighting (DRW, Cao et al. 2019): the effective-number weights, normalised to
    /// sum C, that switch on at `start_epoch` ([`Self::weights_at_epoch`]; [`Self::weights`] gives
    /// the weights from `start_epoch` on).
    Drw {
        /// The first epoch (counted from 0) with the weights (160 of 200 in the paper).
        start_epoch: usize,
        /// β ∈ [0, 1) of the effective number.
        beta: f64,
    },
    /// LDAM's per-class margins (Cao et al. 2019): max_m·(n_min / n_c)^(1/4) (kind
    /// [`SchemeKind::Margins`]).
    LdamMargins {
        /// The largest margin, the rarest class's (finite, ≥ 0).
        max_m: f64,
    },
    /// Menon et al.'s logit-adjustment offsets ln(π_c^τ + 1e-12) (kind
    /// [`SchemeKind::LogitOffsets`]).
    LogitAdjustment {
        /// The temperature τ (finite, ≥ 0).
        tau: f64,
    },
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

    /// `Drw` with Cao et al.'s CIFAR schedule: β = 0.9999 from epoch 160 on.
    pub const DRW: Scheme = Scheme::Drw {
        start_epoch: 160,
        beta: 0.9999,
    };

    /// `LdamMargins` with `max_m = 0.5` (the reference's default).
    pub const LDAM_MARGINS: Scheme = Scheme::LdamMargins { max_m: 0.5 };

    /// `LogitAdjustment` with τ = 1 (the paper's default).
    pub const LOGIT_ADJUSTMENT: Scheme = Scheme::LogitAdjustment { tau: 1.0 };

    /// Every named scheme with its default parameters (no `Custom`), in documentation order (the
    /// class weights first, then the margins and the logit offsets): the one list that
    /// [`Self::names`], [`FromStr`] and the tables of every scheme are made of.
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
            Self::DRW,
            Self::LDAM_MARGINS,
            Self::LOGIT_ADJUSTMENT,
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
            Scheme::Drw { .. } => "drw",
            Scheme::LdamMargins { .. } => "ldam_margins",
            Scheme::LogitAdjustment { .. } => "logit_adjustment",
            Scheme::Custom(_) => "custom",
        }
    }

    /// What the scheme's vector is: class weights, margins or logit offsets.
    pub fn kind(&self) -> SchemeKind {
        match self {
            Scheme::LdamMargins { .. } => SchemeKind::Margins,
            Scheme::LogitAdjustment { .. } => SchemeKind::LogitOffsets,
            _ => SchemeKind::ClassWeights,
        }
    }

    /// The scheme's numeric parameters by name, in positional order (`drw`'s `start_epoch` as a
    /// float, exact up to 2⁵³).
    pub fn params(&self) -> Vec<(&'static str, f64)> {
        self.values()
            .into_iter()
            .map(|(name, v)| (name, v.f64()))
            .collect()
    }

    /// The parameters with their types, in positional order.
    fn values(&self) -> Vec<(&'static str, Param)> {
        match self {
            Scheme::LogSmoothed { mu, floor } => {
                vec![("mu", Param::Real(*mu)), ("floor", Param::Real(*floor))]
            }
            Scheme::EffectiveNumber { beta } => vec![("beta", Param::Real(*beta))],
            Scheme::Drw { start_epoch, beta } => vec![
                ("start_epoch", Param::Count(*start_epoch)),
                ("beta", Param::Real(*beta)),
            ],
            Scheme::LdamMargins { max_m } => vec![("max_m", Param::Real(*max_m))],
            Scheme::LogitAdjustment { tau } => vec![("tau", Param::Real(*tau))],
            _ => vec![],
        }
    }

    /// The same scheme with its parameters set to `values` (in [`Self::values`] order and types).
    fn with_values(&self, values: &[Param]) -> Scheme {
        use Param::{Count, Real};
        match (self, values) {
            (Scheme::LogSmoothed { .. }, &[Real(mu), Real(floor)]) => {
                Scheme::LogSmoothed { mu, floor }
            }
            (Scheme::EffectiveNumber { .. }, &[Real(beta)]) => Scheme::EffectiveNumber { beta },
            (Scheme::Drw { .. }, &[Count(start_epoch), Real(beta)]) => {
                Scheme::Drw { start_epoch, beta }
            }
            (Scheme::LdamMargins { .. }, &[Real(max_m)]) => Scheme::LdamMargins { max_m },
            (Scheme::LogitAdjustment { .. }, &[Real(tau)]) => Scheme::LogitAdjustment { tau },
            (other, _) => other.clone(),
        }
    }

    /// The scheme's vector for `counts`' classes, in their order: the class weights, or the
    /// margins or logit offsets ([`Self::kind`], recorded in [`ClassWeights::kind`]). For `drw`,
    /// the weights from `start_epoch` on ([`Self::weights_at_epoch`] follows the schedule).
    ///
    /// `ldam_margins` and `drw` are computed in f64 and rounded to `F`; `logit_adjustment` rounds
    /// π^τ + 1e-12 to `F` and takes the logarithm in `F`, as the official code does in the
    /// logits' dtype.
    pub fn weights<F: Real>(&self, counts: &ClassCounts) -> Result<ClassWeights<F>> {
        let n = counts.to_array::<F>();
        let v = n.view();
        let f64s = |w: Result<Array1<f64>>| w.map(|w| w.mapv(F::of));
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
            Scheme::Drw { start_epoch, beta } => {
                let drw = DeferredReweighting {
                    start_epoch: *start_epoch,
                    beta: *beta,
                };
                // at start_epoch the schedule's weights are on
                let w = drw.class_weights(*start_epoch, counts.counts());
                f64s(w.map(|w| w.unwrap_or_else(|| Array1::ones(counts.num_classes()))))
            }
            Scheme::LdamMargins { max_m } => f64s(ldam_margins(counts.counts(), *max_m)),
            Scheme::LogitAdjustment { tau } => {
                LogitOffset::Menon { tau: *tau }.offsets::<F>(counts.counts())
            }
            Scheme::Custom(dict) => custom_weights(dict, counts),
        };
        self.labelled(counts, w)
    }

    /// The weights of epoch `epoch` (counted from 0) of a training run: for `drw`, the
    /// deferred re-weighting schedule ([`DeferredReweighting::class_weights`]): before
    /// `start_epoch` [`Scheme::Uniform`]'s weights (all 1, what Cao et al.'s `cifar_train.py`
    /// computes with `betas[0] = 0`), from it on [`Self::weights`]; for every other scheme
    /// [`Self::weights`] at every epoch.
    ///
    /// The counts and parameters are checked at every epoch: counts that the weights from
    /// `start_epoch` on reject (a zero count) are an error from epoch 0, not only once the
    /// weights switch on.
    ///
    /// ```
    /// use reweigh::schemes::{ClassCounts, Scheme};
    /// let counts = ClassCounts::from_counts(&[5000, 50]).unwrap();
    /// let drw: Scheme = "drw(start_epoch=160)".parse().unwrap();
    /// let before = drw.weights_at_epoch::<f64>(159, &counts).unwrap();
    /// assert_eq!(before.weights().to_vec(), vec![1.0, 1.0]);
    /// let after = drw.weights_at_epoch::<f64>(160, &counts).unwrap();
    /// assert_eq!(after, drw.weights::<f64>(&counts).unwrap());
    /// assert!((after.weights().sum() - 2.0).abs() < 1e-12 && after.weights()[1] > after.weights()[0]);
    /// ```
    ///
    /// [`DeferredReweighting::class_weights`]: crate::losses::DeferredReweighting::class_weights
    pub fn weights_at_epoch<F: Real>(
        &self,
        epoch: usize,
        counts: &ClassCounts,
    ) -> Result<ClassWeights<F>> {
        let Scheme::Drw { start_epoch, beta } = self else {
            return self.weights(counts);
        };
        let drw = DeferredReweighting {
            start_epoch: *start_epoch,
            beta: *beta,
        };
        match drw.class_weights(epoch, counts.counts()) {
            Ok(Some(w)) => self.labelled(counts, Ok(w.mapv(F::of))),
            Ok(None) => {
                // what start_epoch will reject is an error now
                self.weights::<F>(counts)?;
                Scheme::Uniform.weights(counts)
            }
            Err(e) => self.labelled(counts, Err(e)),
        }
    }

    /// The vector `w` labelled with `counts`' classes, this scheme's name and kind; an error of
    /// a free function that names a class by position names it by label.
    fn labelled<F: Real>(
        &self,
        counts: &ClassCounts,
        w: Result<Array1<F>>,
    ) -> Result<ClassWeights<F>> {
        let w = w.map_err(|e| match e {
            // the free functions report a class by position
            ReweighError::ZeroCount { what, class } => ReweighError::ZeroCount {
                what,
                class: counts.classes()[class as usize],
            },
            e => e,
        })?;
        Ok(
            ClassWeights::new(self.to_string(), counts.classes().to_vec(), w)?
                .with_kind(self.kind()),
        )
    }

    /// Whether the scheme's weights depend on the counts (all but `Uniform` and `Custom`).
    pub fn uses_counts(&self) -> bool {
        !matches!(self, Scheme::Uniform | Scheme::Custom(_))
    }
}

impl fmt::Display for Scheme {
    /// The name, then the parameters in parentheses, positionally, leaving out trailing ones at
    /// their defaults (but always the first): `log_smoothed(0.15)`, `log_smoothed(0.15, 0.5)`,
    /// `effective_number(0.9999)`, `drw(160)`, `drw(100, 0.999)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        let params = self.values();
        if params.is_empty() {
            return Ok(());
        }
        let defaults = Self::all()
            .into_iter()
            .find(|s| s.name() == self.name())
            .map(|s| s.values())
            .unwrap_or_default();
        let mut shown = params.len();
        while shown > 1 && params[shown - 1].1 == defaults[shown - 1].1 {
            shown -= 1;
        }
        let values: Vec<String> = params[..shown].iter().map(|(_, v)| v.to_string()).collect();
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
        let defaults = scheme.values();
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
        let mut values: Vec<Option<Arg>> = vec![None; defaults.len()];
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
        let values: Vec<Param> = values
            .into_iter()
            .zip(&defaults)
            .map(|(v, &(name, d))| match v {
                None => Ok(d),
                Some(arg) => d.read(name, &arg),
            })
            .collect::<Result<_>>()?;
        Ok(scheme.with_values(&values))
    }
}

/// A scheme parameter's value, of the parameter's type.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Param {
    /// A real number (checked by the scheme's function).
    Real(f64),
    /// A whole number ≥ 0, such as an epoch.
    Count(usize),
}

impl Param {
    fn f64(self) -> f64 {
        match self {
            Param::Real(v) => v,
            Param::Count(n) => n as f64,
        }
    }

    /// `arg` as a value of this parameter's type: a count must be a whole number ≥ 0 that fits
    /// `usize` (an integer literal is read exactly, a float such as `160.0` must be integral).
    fn read(self, name: &'static str, arg: &Arg) -> Result<Param> {
        match self {
            Param::Real(_) => Ok(Param::Real(arg.value)),
            Param::Count(_) => {
                if let Ok(n) = arg.text.parse::<usize>() {
                    return Ok(Param::Count(n));
                }
                let v = arg.value;
                // 2^64 (usize::MAX as f64 rounds up to it) and above do not fit
                if v >= 0.0 && v.fract() == 0.0 && v < usize::MAX as f64 {
                    Ok(Param::Count(v as usize))
                } else {
                    Err(ReweighError::InvalidParameter {
                        name,
                        value: v,
                        expected: "a whole number >= 0 (an epoch)",
                    })
                }
            }
        }
    }
}

impl fmt::Display for Param {
    /// A real as Rust's shortest round-trip form (`0.15`, `1.0`), a count as an integer (`160`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Param::Real(v) => write!(f, "{v:?}"),
            Param::Count(n) => write!(f, "{n}"),
        }
    }
}

/// One argument as written and as a number.
#[derive(Clone, Debug)]
struct Arg {
    text: String,
    value: f64,
}

/// `"0.15, floor=1"` → `[(None, 0.15), (Some("floor"), 1.0)]`.
fn parse_params(args: Option<&str>, whole: &str) -> Result<Vec<(Option<String>, Arg)>> {
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
            let value: f64 = v.parse().map_err(|_| {
                ReweighError::Incompatible(format!("cannot read {v:?} as a number in {whole:?}"))
            })?;
            Ok((
                k,
                Arg {
                    text: v.to_string(),
                    value,
                },
            ))
        })
        .collect()
}
