//! Claims about a framework, checked against measured numbers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A number measured in a named run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// Where it comes from, e.g. `"class_weight_zeros: loss"`.
    pub label: String,
    /// The value.
    pub value: f64,
}

impl Measured {
    /// A labelled number.
    pub fn new(label: impl Into<String>, value: f64) -> Self {
        Measured {
            label: label.into(),
            value,
        }
    }
}

/// What the claim predicts about two numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// The claim says they are equal (within the tolerance).
    Equal,
    /// The claim says they differ (by more than the tolerance).
    Differ,
}

/// One comparison a claim implies: `left` and `right` should be equal or should differ.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// What is compared, in words.
    pub what: String,
    /// The first number.
    pub left: Measured,
    /// The second number.
    pub right: Measured,
    /// What the claim predicts.
    pub expect: Expect,
    /// `|left − right|`.
    pub abs_diff: f64,
    /// Whether the prediction held at the finding's tolerance.
    pub holds: bool,
}

impl Check {
    /// A comparison; `abs_diff` and `holds` are filled in by [`Finding::new`].
    pub fn new(what: impl Into<String>, left: Measured, right: Measured, expect: Expect) -> Self {
        Check {
            what: what.into(),
            abs_diff: (left.value - right.value).abs(),
            left,
            right,
            expect,
            holds: false,
        }
    }
}

/// The verdict on a claim: every check holds, some do, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every check holds.
    Holds,
    /// Some checks hold and some do not.
    Partly,
    /// No check holds.
    Refuted,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Holds => "holds",
            Verdict::Partly => "partly holds",
            Verdict::Refuted => "refuted",
        })
    }
}

/// A claim (from a Q&A thread, a doc...) with the numbers that test it and the verdict those
/// numbers give at a stated tolerance.
///
/// ```
/// use reweigh_train::{Check, Expect, Finding, Measured, Verdict};
/// let f = Finding::new(
///     "validation sample weights do nothing",
///     "seed thread 003 (TensorFlow 2.x, 2019)",
///     "keras 3.15.1",
///     1e-6,
///     vec![Check::new(
///         "val_loss, validation weights 0 vs none",
///         Measured::new("with zero validation weights", 0.0),
///         Measured::new("without", 1.1959),
///         Expect::Equal,
///     )],
///     "val_loss = Σw·l/n is 0 when every validation weight is 0",
/// );
/// assert_eq!(f.verdict, Verdict::Refuted);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The claim, as stated by its source.
    pub claim: String,
    /// Who claimed it, on what.
    pub source: String,
    /// What the numbers were measured with (framework versions).
    pub measured_with: String,
    /// Two numbers within this absolute distance are equal.
    pub tolerance: f64,
    /// The comparisons the claim implies.
    pub checks: Vec<Check>,
    /// Computed from the checks.
    pub verdict: Verdict,
    /// Why, in a sentence.
    pub explanation: String,
}

impl Finding {
    /// Evaluates every check at `tolerance` and derives the verdict.
    pub fn new(
        claim: impl Into<String>,
        source: impl Into<String>,
        measured_with: impl Into<String>,
        tolerance: f64,
        mut checks: Vec<Check>,
        explanation: impl Into<String>,
    ) -> Self {
        for c in &mut checks {
            c.abs_diff = (c.left.value - c.right.value).abs();
            let equal = c.abs_diff <= tolerance;
            c.holds = match c.expect {
                Expect::Equal => equal,
                Expect::Differ => !equal,
            };
        }
        let held = checks.iter().filter(|c| c.holds).count();
        let verdict = if held == checks.len() {
            Verdict::Holds
        } else if held == 0 {
            Verdict::Refuted
        } else {
            Verdict::Partly
        };
        Finding {
            claim: claim.into(),
            source: source.into(),
            measured_with: measured_with.into(),
            tolerance,
            checks,
            verdict,
            explanation: explanation.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_from_checks() {
        let eq = |a, b| {
            Check::new(
                "x",
                Measured::new("a", a),
                Measured::new("b", b),
                Expect::Equal,
            )
        };
        let f = |checks| Finding::new("c", "s", "m", 1e-6, checks, "e").verdict;
        assert_eq!(f(vec![eq(1.0, 1.0 + 1e-7)]), Verdict::Holds);
        assert_eq!(f(vec![eq(1.0, 1.0), eq(0.0, 1.0)]), Verdict::Partly);
        let differ = Check::new(
            "x",
            Measured::new("a", 0.0),
            Measured::new("b", 0.0),
            Expect::Differ,
        );
        assert_eq!(f(vec![differ]), Verdict::Refuted);
    }
}
