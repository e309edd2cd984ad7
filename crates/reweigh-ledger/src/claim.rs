//! A claim from a thread, the numbers that test it, and the verdict those numbers give.

use super::threads::Thread;
use reweigh::format::fmt_num;
use serde::Serialize;
use std::fmt;

/// The verdict on a claim, from least to most severe.
///
/// A claim's verdict is never written by hand: it is the most severe `on_fail` verdict among its
/// [`Check`]s that fail at their tolerance, [`Verdict::Reproduced`] when every check holds, and
/// [`Verdict::NotReproducible`] when nothing can be checked (the claim then says why).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The numbers agree with the claim.
    Reproduced,
    /// The claim's core holds, with a caveat a failing check names (e.g. the code needs a
    /// change to run today, or the statement holds only in a special case).
    ReproducedWithCaveat,
    /// What the thread reports was true of the framework then; the current framework behaves
    /// differently.
    Differs,
    /// The numbers contradict the claim.
    Refuted,
    /// The claim cannot be checked (no data, unseeded randomness), or reweigh could not
    /// reproduce the framework's numbers, so no verdict on the claim is possible.
    NotReproducible,
}

impl Verdict {
    /// Every verdict, least severe first.
    pub const ALL: [Verdict; 5] = [
        Verdict::Reproduced,
        Verdict::ReproducedWithCaveat,
        Verdict::Differs,
        Verdict::Refuted,
        Verdict::NotReproducible,
    ];

    /// The name used in REPRODUCTIONS.md (`"reproduced"`, `"reproduced-with-caveat"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Reproduced => "reproduced",
            Verdict::ReproducedWithCaveat => "reproduced-with-caveat",
            Verdict::Differs => "differs",
            Verdict::Refuted => "refuted",
            Verdict::NotReproducible => "not reproducible",
        }
    }

    /// What the verdict means, in a phrase.
    pub fn meaning(self) -> &'static str {
        match self {
            Verdict::Reproduced => "the numbers agree with the claim",
            Verdict::ReproducedWithCaveat => {
                "the claim holds, with a caveat named by a failing check"
            }
            Verdict::Differs => "true of the framework then; the framework has changed since",
            Verdict::Refuted => "the numbers contradict the claim",
            Verdict::NotReproducible => "cannot be checked (the claim says why)",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a number comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Computed by reweigh when the ledger runs.
    Reweigh,
    /// Computed by a faithful port of the thread's own code (`reweigh_ledger::repro`) when the ledger
    /// runs.
    Repro,
    /// Measured in a real framework by `scripts/ledger/gen_reference.py` (or the Keras
    /// experiment script), named with its version, e.g. `"tensorflow 2.21.0"`.
    Framework(String),
    /// Printed or stated in the thread itself.
    Thread,
    /// Quoted from a paper's table (`data/longtail/paper_tables.json`), named with the paper and
    /// table, e.g. `"Cui et al. 2019, Table 2"`.
    Paper(String),
    /// What the FAQ digest (`shared/faq-digest.md` of the project) states, e.g. that a call
    /// raises (1) or that a gradient is zero.
    Digest,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Reweigh => f.write_str("reweigh"),
            Source::Repro => f.write_str("reweigh_ledger::repro (the thread's code)"),
            Source::Framework(name) => f.write_str(name),
            Source::Thread => f.write_str("the thread"),
            Source::Paper(name) => f.write_str(name),
            Source::Digest => f.write_str("shared/faq-digest.md"),
        }
    }
}

/// A labelled number and where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Number {
    /// What it is.
    pub label: String,
    /// The value (0/1 for yes/no facts such as "raises an error").
    pub value: f64,
    /// Where it comes from.
    pub source: Source,
}

impl Number {
    /// A number from `source`.
    pub fn new(label: impl Into<String>, value: f64, source: Source) -> Self {
        Number {
            label: label.into(),
            value,
            source,
        }
    }

    /// A number computed by reweigh.
    pub fn reweigh(label: impl Into<String>, value: f64) -> Self {
        Self::new(label, value, Source::Reweigh)
    }

    /// A number computed by a port of the thread's code.
    pub fn repro(label: impl Into<String>, value: f64) -> Self {
        Self::new(label, value, Source::Repro)
    }

    /// A number stated in the thread.
    pub fn thread(label: impl Into<String>, value: f64) -> Self {
        Self::new(label, value, Source::Thread)
    }

    /// A number stated in the FAQ digest.
    pub fn digest(label: impl Into<String>, value: f64) -> Self {
        Self::new(label, value, Source::Digest)
    }

    /// A number quoted from a paper's table.
    pub fn paper(label: impl Into<String>, value: f64, table: impl Into<String>) -> Self {
        Self::new(label, value, Source::Paper(table.into()))
    }
}

/// An input of a claim's computation, described in words (values, seeds, files).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Input {
    /// The input's name.
    pub name: String,
    /// Its value or where it comes from.
    pub value: String,
}

/// How two numbers of a check should relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// `|left − right| ≤ tolerance`.
    Equal,
    /// `|left − right| > tolerance`.
    Differ,
    /// `left < right − tolerance`.
    Less,
    /// `left > right + tolerance`.
    Greater,
    /// `left ≤ right + tolerance`.
    AtMost,
    /// `left ≥ right − tolerance`.
    AtLeast,
}

impl Relation {
    /// The relation as a symbol (`=`, `≠`, `<`, `>`, `≤`, `≥`).
    pub fn symbol(self) -> &'static str {
        match self {
            Relation::Equal => "=",
            Relation::Differ => "≠",
            Relation::Less => "<",
            Relation::Greater => ">",
            Relation::AtMost => "≤",
            Relation::AtLeast => "≥",
        }
    }
}

/// A tolerance: two numbers are within it when `|a − b| ≤ abs + rel·max(|a|, |b|)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Tolerance {
    /// Absolute part.
    pub abs: f64,
    /// Relative part.
    pub rel: f64,
}

impl Tolerance {
    /// Exact comparison.
    pub const EXACT: Tolerance = Tolerance { abs: 0.0, rel: 0.0 };

    /// An absolute tolerance.
    pub fn abs(abs: f64) -> Self {
        Tolerance { abs, rel: 0.0 }
    }

    /// A relative tolerance.
    pub fn rel(rel: f64) -> Self {
        Tolerance { abs: 0.0, rel }
    }

    /// The allowed distance between `a` and `b`.
    pub fn allowed(self, a: f64, b: f64) -> f64 {
        self.abs + self.rel * a.abs().max(b.abs())
    }
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, r) = (self.abs, self.rel);
        if a == 0.0 && r == 0.0 {
            f.write_str("exact")
        } else if r == 0.0 {
            write!(f, "±{}", fmt_num(a))
        } else if a == 0.0 {
            write!(f, "±{} rel", fmt_num(r))
        } else {
            write!(f, "±{} + {} rel", fmt_num(a), fmt_num(r))
        }
    }
}

/// The tolerance of reweigh's numbers (or the ported code's) against a framework's float32
/// numbers: 1e-6 relative.
pub const FRAMEWORK_TOL: Tolerance = Tolerance {
    abs: 0.0,
    rel: 1e-6,
};

/// One comparison a claim implies, the verdict its failure would give, and whether it holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// What is compared, in words.
    pub what: String,
    /// The first number.
    pub left: Number,
    /// How `left` should relate to `right`.
    pub relation: Relation,
    /// The second number.
    pub right: Number,
    /// The tolerance of the comparison.
    pub tolerance: Tolerance,
    /// The verdict on the claim if this check fails.
    pub on_fail: Verdict,
    /// Whether the relation holds at the tolerance (computed).
    pub holds: bool,
}

impl Check {
    /// A check; `holds` is computed here.
    pub fn new(
        what: impl Into<String>,
        left: Number,
        relation: Relation,
        right: Number,
        tolerance: Tolerance,
        on_fail: Verdict,
    ) -> Self {
        let (a, b) = (left.value, right.value);
        let tol = tolerance.allowed(a, b);
        let d = (a - b).abs();
        let holds = match relation {
            Relation::Equal => d <= tol,
            Relation::Differ => d > tol,
            Relation::Less => a < b - tol,
            Relation::Greater => a > b + tol,
            Relation::AtMost => a <= b + tol,
            Relation::AtLeast => a >= b - tol,
        };
        Check {
            what: what.into(),
            left,
            relation,
            right,
            tolerance,
            on_fail,
            holds,
        }
    }
}

/// A claim from one of the seed threads, with what reweigh computed and the verdict.
///
/// Build one with [`Claim::builder`]; the verdict and its reason are derived from the checks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// Stable identifier, `"<thread>-<slug>"`, e.g. `"000-sparse-tf1"`.
    pub id: &'static str,
    /// The thread the claim comes from.
    pub thread: &'static Thread,
    /// Who made the claim in the thread (as the seed names them), if known.
    pub author: &'static str,
    /// The claim, quoted in English (translated from the seed's language where marked).
    pub quote: &'static str,
    /// The inputs of the computation.
    pub inputs: Vec<Input>,
    /// What was computed (by reweigh, by the port of the thread's code, by the frameworks).
    pub numbers: Vec<Number>,
    /// The comparisons the claim implies.
    pub checks: Vec<Check>,
    /// The verdict (derived from the checks).
    pub verdict: Verdict,
    /// Why, derived from the checks (or the stated reason a claim cannot be checked).
    pub reason: String,
    /// What the numbers show, in a few sentences.
    pub note: String,
    /// The notebook that shows the claim cell by cell.
    pub notebook: &'static str,
    /// SVG figures (file names in `reproductions/`) that illustrate the claim.
    pub figures: Vec<&'static str>,
}

impl Claim {
    /// Starts a claim of `thread` with a stable `id`, the author and the quoted claim.
    pub fn builder(
        id: &'static str,
        thread: &'static Thread,
        author: &'static str,
        quote: &'static str,
    ) -> ClaimBuilder {
        ClaimBuilder {
            id,
            thread,
            author,
            quote,
            inputs: Vec::new(),
            numbers: Vec::new(),
            checks: Vec::new(),
            note: String::new(),
            unverifiable: None,
            figures: Vec::new(),
        }
    }

    /// The number labelled `label`, if any.
    pub fn number(&self, label: &str) -> Option<f64> {
        self.numbers
            .iter()
            .find(|n| n.label == label)
            .map(|n| n.value)
    }

    /// A plain-text rendering with floats at fixed precision (what the insta snapshots lock).
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(s, "id: {}", self.id);
        let _ = writeln!(s, "thread: {} {}", self.thread.id, self.thread.title);
        let _ = writeln!(s, "verdict: {}", self.verdict);
        let _ = writeln!(s, "reason: {}", self.reason);
        let _ = writeln!(s, "inputs:");
        for i in &self.inputs {
            let _ = writeln!(s, "  {}: {}", i.name, i.value);
        }
        let _ = writeln!(s, "numbers:");
        for n in &self.numbers {
            let _ = writeln!(s, "  {} = {} [{}]", n.label, fmt_num(n.value), n.source);
        }
        let _ = writeln!(s, "checks:");
        for c in &self.checks {
            let _ = writeln!(
                s,
                "  [{}] {}: {} {} {} ({}; if it fails: {})",
                if c.holds { "holds" } else { "FAILS" },
                c.what,
                fmt_num(c.left.value),
                c.relation.symbol(),
                fmt_num(c.right.value),
                c.tolerance,
                c.on_fail
            );
        }
        s
    }
}

/// Builder of a [`Claim`].
#[derive(Clone, Debug)]
pub struct ClaimBuilder {
    id: &'static str,
    thread: &'static Thread,
    author: &'static str,
    quote: &'static str,
    inputs: Vec<Input>,
    numbers: Vec<Number>,
    checks: Vec<Check>,
    note: String,
    unverifiable: Option<String>,
    figures: Vec<&'static str>,
}

impl ClaimBuilder {
    /// Adds an input.
    pub fn input(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.inputs.push(Input {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Adds a number.
    pub fn number(mut self, n: Number) -> Self {
        self.numbers.push(n);
        self
    }

    /// Adds several numbers.
    pub fn numbers(mut self, ns: impl IntoIterator<Item = Number>) -> Self {
        self.numbers.extend(ns);
        self
    }

    /// Adds a check (its numbers are listed with the claim's numbers if not there yet).
    pub fn check(mut self, c: Check) -> Self {
        for n in [&c.left, &c.right] {
            if !self.numbers.iter().any(|m| m == n) {
                self.numbers.push(n.clone());
            }
        }
        self.checks.push(c);
        self
    }

    /// Adds a check that `left` and `right` are equal within `tolerance`.
    pub fn equal(
        self,
        what: impl Into<String>,
        left: Number,
        right: Number,
        tolerance: Tolerance,
        on_fail: Verdict,
    ) -> Self {
        self.check(Check::new(
            what,
            left,
            Relation::Equal,
            right,
            tolerance,
            on_fail,
        ))
    }

    /// Adds a check that reweigh's number (or the ported code's) `ours` equals the framework's
    /// `framework` within [`FRAMEWORK_TOL`]. If it fails, reweigh does not reproduce the
    /// framework and no verdict on the claim is possible ([`Verdict::NotReproducible`]).
    ///
    /// ```
    /// use reweigh_ledger::{Claim, Number, Source, THREAD_000, Verdict};
    /// let claim = Claim::builder("000-example", &THREAD_000, "someone", "a claim")
    ///     .equals_framework(
    ///         "reweigh = TensorFlow",
    ///         Number::reweigh("loss", 0.693147),
    ///         Number::new("loss (TF)", 0.6931471, Source::Framework("tensorflow 2.21.0".into())),
    ///     )
    ///     .build();
    /// assert_eq!(claim.verdict, Verdict::Reproduced);
    /// assert_eq!(claim.checks[0].on_fail, Verdict::NotReproducible);
    /// ```
    pub fn equals_framework(
        self,
        what: impl Into<String>,
        ours: Number,
        framework: Number,
    ) -> Self {
        self.equals_framework_within(what, ours, framework, FRAMEWORK_TOL)
    }

    /// [`equals_framework`](Self::equals_framework) at another tolerance: exact for counts,
    /// shapes and yes/no facts ("raises"), tighter for float64 frameworks (scikit-learn, Python).
    pub fn equals_framework_within(
        self,
        what: impl Into<String>,
        ours: Number,
        framework: Number,
        tolerance: Tolerance,
    ) -> Self {
        self.equal(what, ours, framework, tolerance, Verdict::NotReproducible)
    }

    /// Adds a check that `left` and `right` differ by more than `tolerance`.
    pub fn differ(
        self,
        what: impl Into<String>,
        left: Number,
        right: Number,
        tolerance: Tolerance,
        on_fail: Verdict,
    ) -> Self {
        self.check(Check::new(
            what,
            left,
            Relation::Differ,
            right,
            tolerance,
            on_fail,
        ))
    }

    /// What the numbers show (no verdict words: the verdict comes from the checks).
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    /// Marks the claim as impossible to check, and why. A claim with this and no checks gets
    /// [`Verdict::NotReproducible`].
    pub fn cannot_check(mut self, why: impl Into<String>) -> Self {
        self.unverifiable = Some(why.into());
        self
    }

    /// Adds a figure (a file name in `reproductions/`).
    pub fn figure(mut self, name: &'static str) -> Self {
        self.figures.push(name);
        self
    }

    /// Derives the verdict and its reason from the checks.
    pub fn build(self) -> Claim {
        let (verdict, reason) = if self.checks.is_empty() {
            let why = self
                .unverifiable
                .unwrap_or_else(|| "no check could be computed".to_string());
            (Verdict::NotReproducible, why)
        } else {
            let failing: Vec<&Check> = self.checks.iter().filter(|c| !c.holds).collect();
            let verdict = failing
                .iter()
                .map(|c| c.on_fail)
                .max()
                .unwrap_or(Verdict::Reproduced);
            let reason = if failing.is_empty() {
                format!("all {} checks hold at their tolerances", self.checks.len())
            } else {
                let parts: Vec<String> = failing
                    .iter()
                    .filter(|c| c.on_fail == verdict)
                    .map(|c| {
                        format!(
                            "{} ({} vs {})",
                            c.what,
                            fmt_num(c.left.value),
                            fmt_num(c.right.value)
                        )
                    })
                    .collect();
                let mut r = format!("fails: {}", parts.join("; "));
                if let Some(why) = self.unverifiable {
                    r.push_str(&format!("; {why}"));
                }
                r
            };
            (verdict, reason)
        };
        Claim {
            id: self.id,
            thread: self.thread,
            author: self.author,
            quote: self.quote,
            notebook: self.thread.notebook,
            inputs: self.inputs,
            numbers: self.numbers,
            checks: self.checks,
            verdict,
            reason,
            note: self.note,
            figures: self.figures,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threads::THREAD_000;

    fn claim(checks: Vec<Check>) -> Claim {
        let mut b = Claim::builder("000-x", &THREAD_000, "a", "q");
        for c in checks {
            b = b.check(c);
        }
        b.build()
    }

    fn eq(a: f64, b: f64, on_fail: Verdict) -> Check {
        Check::new(
            "x",
            Number::reweigh("a", a),
            Relation::Equal,
            Number::reweigh("b", b),
            Tolerance::abs(1e-6),
            on_fail,
        )
    }

    #[test]
    fn verdict_is_the_most_severe_failure() {
        assert_eq!(
            claim(vec![eq(1.0, 1.0, Verdict::Refuted)]).verdict,
            Verdict::Reproduced
        );
        let c = claim(vec![
            eq(1.0, 2.0, Verdict::ReproducedWithCaveat),
            eq(1.0, 1.0, Verdict::Refuted),
        ]);
        assert_eq!(c.verdict, Verdict::ReproducedWithCaveat);
        let c = claim(vec![
            eq(1.0, 2.0, Verdict::ReproducedWithCaveat),
            eq(1.0, 3.0, Verdict::Differs),
        ]);
        assert_eq!(c.verdict, Verdict::Differs);
        assert!(c.reason.contains("3"));
        let none = Claim::builder("000-y", &THREAD_000, "a", "q")
            .cannot_check("unseeded")
            .build();
        assert_eq!(none.verdict, Verdict::NotReproducible);
        assert_eq!(none.reason, "unseeded");
    }

    #[test]
    fn relations_and_tolerances() {
        let r = |a: f64, rel: Relation, b: f64, t: Tolerance| {
            Check::new(
                "x",
                Number::reweigh("a", a),
                rel,
                Number::reweigh("b", b),
                t,
                Verdict::Refuted,
            )
            .holds
        };
        assert!(r(1.0, Relation::Equal, 1.0 + 1e-7, Tolerance::rel(1e-6)));
        assert!(!r(1.0, Relation::Equal, 1.1, Tolerance::rel(1e-6)));
        assert!(r(1.0, Relation::Differ, 1.1, Tolerance::abs(0.05)));
        assert!(r(1.0, Relation::Less, 1.1, Tolerance::abs(0.05)));
        assert!(!r(1.0, Relation::Less, 1.1, Tolerance::abs(0.2)));
        assert!(r(1.2, Relation::Greater, 1.1, Tolerance::EXACT));
        assert!(r(1.15, Relation::AtMost, 1.1, Tolerance::abs(0.1)));
        assert!(r(1.0, Relation::AtLeast, 1.1, Tolerance::abs(0.1)));
        assert_eq!(Tolerance::rel(1e-6).to_string(), "±1e-6 rel");
    }
}
