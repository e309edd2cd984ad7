//! The FAQ chapter: the ten class-weighting confusions that recur in the frameworks' issue
//! trackers (`shared/faq-digest.md` of the project, with its issue numbers), each a claim whose
//! framework numbers come from today's frameworks (`data/ledger/faq.json`, written by
//! `scripts/ledger/gen_faq.py`) and whose reweigh numbers are computed from the same inputs.
//!
//! Each claim is split in two so that a notebook can compute and the ledger judge:
//!
//! - a plain-data struct of reweigh's numbers ([`WeightedMean`], ...), whose `compute()` runs
//!   reweigh on the inputs of `faq.json` (what the main job does), and which a notebook fills from
//!   its own cells;
//! - a judge, [`judge::weighted_mean`], ..., that takes those numbers, reads the framework's from
//!   `faq.json`, and returns the [`Claim`] with its checks and derived verdict.
//!
//! The registry's claim function is `judge(&compute())`:
//!
//! ```
//! use reweigh_ledger::faq::{self, WeightedMean};
//! let n = WeightedMean::compute();
//! let claim = faq::judge::weighted_mean(&n);
//! assert_eq!(claim, faq::weighted_mean());
//! assert_eq!(claim.id, "faq-01-weighted-mean");
//! ```
//!
//! The groups: [`pytorch`] (questions 1–4: the weighted mean, label smoothing with weights,
//! ignored targets, `pos_weight` broadcasting), [`keras`] (5–9: multi-output models, dense
//! targets, validation, reductions, temporal weights) and [`sklearn`] (10: `'balanced'`).

use super::claim::{ClaimBuilder, Number, Tolerance, Verdict};
use super::data::FAQ_FILE;
use super::threads::FAQ;
use crate::Claim;
use reweigh::format::{fmt_list, fmt_num};

pub mod keras;
pub mod pytorch;
pub mod sklearn;

pub use keras::{DefaultReduction, DenseTargetWeights, MultiOutput, Temporal, ValidationLoss};
pub use pytorch::{AllIgnored, PosWeightAxis, SmoothingWithWeights, WeightedMean};
pub use sklearn::Balanced;

claims! {
    FAQ;
    "faq-01-weighted-mean" => weighted_mean,
    "faq-02-smoothing-with-weights" => smoothing_with_weights,
    "faq-03-all-ignored-nan" => all_ignored,
    "faq-04-pos-weight-last-dim" => pos_weight_axis,
    "faq-05-multi-output-class-weight" => multi_output,
    "faq-06-dense-targets-argmax" => dense_targets,
    "faq-07-validation-unweighted" => validation,
    "faq-08-default-reduction" => default_reduction,
    "faq-09-temporal-mode-gone" => temporal,
    "faq-10-sklearn-balanced" => balanced,
}

/// The judges: each takes reweigh's numbers of one question and returns its claim.
pub mod judge {
    pub use super::keras::{default_reduction, dense_targets, multi_output, temporal, validation};
    pub use super::pytorch::{all_ignored, pos_weight_axis, smoothing_with_weights, weighted_mean};
    pub use super::sklearn::balanced;
}

/// Question 1, on [`WeightedMean::compute`].
pub fn weighted_mean() -> Claim {
    judge::weighted_mean(&WeightedMean::compute())
}

/// Question 2, on [`SmoothingWithWeights::compute`].
pub fn smoothing_with_weights() -> Claim {
    judge::smoothing_with_weights(&SmoothingWithWeights::compute())
}

/// Question 3, on [`AllIgnored::compute`].
pub fn all_ignored() -> Claim {
    judge::all_ignored(&AllIgnored::compute())
}

/// Question 4, on [`PosWeightAxis::compute`].
pub fn pos_weight_axis() -> Claim {
    judge::pos_weight_axis(&PosWeightAxis::compute())
}

/// Question 5, on [`MultiOutput::compute`].
pub fn multi_output() -> Claim {
    judge::multi_output(&MultiOutput::compute())
}

/// Question 6, on [`DenseTargetWeights::compute`].
pub fn dense_targets() -> Claim {
    judge::dense_targets(&DenseTargetWeights::compute())
}

/// Question 7, on [`ValidationLoss::compute`].
pub fn validation() -> Claim {
    judge::validation(&ValidationLoss::compute())
}

/// Question 8, on [`DefaultReduction::compute`].
pub fn default_reduction() -> Claim {
    judge::default_reduction(&DefaultReduction::compute())
}

/// Question 9, on [`Temporal::compute`].
pub fn temporal() -> Claim {
    judge::temporal(&Temporal::compute())
}

/// Question 10, on [`Balanced::compute`].
pub fn balanced() -> Claim {
    judge::balanced(&Balanced::compute())
}

/// A framework number of `faq.json`: `label`, the value at `path`, measured with `framework`.
fn fw(label: impl Into<String>, path: &str, framework: &str) -> Number {
    Number::new(label, FAQ_FILE.f(path), FAQ_FILE.fw(framework))
}

/// 1 if the call recorded at `path` raised, as a framework number.
fn fw_raised(label: impl Into<String>, path: &str, framework: &str) -> Number {
    Number::new(label, FAQ_FILE.raised(path), FAQ_FILE.fw(framework))
}

/// A yes/no fact as a number (1 = yes).
fn flag(yes: bool) -> f64 {
    if yes { 1.0 } else { 0.0 }
}

/// The (nested) list at `path` of `faq.json`, for an input line: `[[1, 2], [3, 4]]`.
fn shown(path: &str) -> String {
    fn nested(v: &serde_json::Value) -> String {
        match v.as_array() {
            Some(items) if items.iter().any(|x| x.is_array()) => {
                let parts: Vec<String> = items.iter().map(nested).collect();
                format!("[{}]", parts.join(", "))
            }
            Some(items) => fmt_list(items.iter().filter_map(|x| x.as_f64())),
            None => v.as_f64().map_or_else(|| v.to_string(), fmt_num),
        }
    }
    nested(FAQ_FILE.at(path))
}

/// One check per element: `ours[i]` (reweigh's) equals the framework's list at `path`, within
/// `tolerance`; `on_fail` is [`Verdict::NotReproducible`] when `ours` reproduces the framework,
/// the claim's verdict when `ours` is the claim's formula.
#[allow(clippy::too_many_arguments)]
fn equal_lists(
    mut b: ClaimBuilder,
    what: &str,
    label: &str,
    ours: &[f64],
    path: &str,
    framework: &str,
    tolerance: Tolerance,
    on_fail: Verdict,
) -> ClaimBuilder {
    let (theirs, _) = FAQ_FILE.tensor(path);
    assert_eq!(ours.len(), theirs.len(), "{path}: lengths differ");
    for (i, (&o, &t)) in ours.iter().zip(theirs.iter()).enumerate() {
        b = b.equal(
            format!("{what} [{i}]"),
            Number::reweigh(format!("{label}[{i}]"), o),
            Number::new(format!("{label}[{i}]"), t, FAQ_FILE.fw(framework)),
            tolerance,
            on_fail,
        );
    }
    b
}

/// The claim of a registry entry, quoting the digest's statement; `issues` cites the issue and
/// pull-request numbers the digest gives.
fn claim(entry: crate::Entry, issues: &'static str, quote: &'static str) -> ClaimBuilder {
    Claim::for_entry(entry, issues, quote)
}

/// The verdict when today's framework no longer behaves as the claim's older versions did.
const CHANGED: Verdict = Verdict::Differs;
