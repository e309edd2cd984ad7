//! The claims ledger: every claim of the five seed threads, what reweigh computes for it, and a
//! verdict derived from those numbers.
//!
//! Each claim ([`Claim`]) has a stable id (`"000-sparse-tf1"`), the thread it comes from
//! ([`Thread`]: title and address as the seed gives them), the claim quoted in English, the
//! inputs, the numbers (computed by reweigh, by a faithful port of the thread's own code in
//! [`crate::repro`], or measured in the real frameworks by `scripts/ledger/gen_reference.py`),
//! the checks those numbers must pass at a stated tolerance, and the [`Verdict`] the checks give:
//! reproduced, reproduced-with-caveat, differs (the framework changed since), refuted, or not
//! reproducible (and why). Nothing in a verdict is typed by hand.
//!
//! Every thread's claims are public functions returning data (`thread_000::sparse_tf1()`,
//! `thread_003::claims()`, ...), so that notebooks can show them cell by cell; [`registry`]
//! lists them all, [`render`] writes `REPRODUCTIONS.md` and [`figures`] the SVG figures.
//!
//! ```
//! let claim = reweigh_ledger::thread_000::sparse_tf1();
//! assert_eq!(claim.id, "000-sparse-tf1");
//! assert!(claim.checks.iter().any(|c| c.holds));
//! println!("{}", claim.to_text());
//! ```

#![warn(missing_docs)]

mod claim;
mod data;
mod threads;
mod util;

pub mod breast_cancer;
pub mod display;
pub mod figures;
pub mod keras_experiment;
pub mod render;
pub mod repro;
pub mod thread_000;
pub mod thread_001;
pub mod thread_002;
pub mod thread_003;
pub mod thread_004;

pub use claim::{Check, Claim, ClaimBuilder, Input, Number, Relation, Source, Tolerance, Verdict};
pub use reweigh::format::{fmt_list, fmt_num};
pub use threads::{
    THREAD_000, THREAD_001, THREAD_002, THREAD_003, THREAD_004, TOUR_NOTEBOOK, Thread, threads,
};

/// A claim of the ledger: its id, its thread, and the function that evaluates it.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// The claim's id.
    pub id: &'static str,
    /// The thread it comes from.
    pub thread: &'static Thread,
    /// Computes the claim (numbers, checks, verdict).
    pub evaluate: fn() -> Claim,
}

/// Every claim of every thread, in order, without evaluating them.
pub fn registry() -> Vec<Entry> {
    [
        thread_000::entries(),
        thread_001::entries(),
        thread_002::entries(),
        thread_003::entries(),
        thread_004::entries(),
    ]
    .concat()
}

/// Evaluates the claim with this id, if there is one.
pub fn claim(id: &str) -> Option<Claim> {
    registry()
        .into_iter()
        .find(|e| e.id == id)
        .map(|e| (e.evaluate)())
}

/// Evaluates every claim.
pub fn all_claims() -> Vec<Claim> {
    registry().into_iter().map(|e| (e.evaluate)()).collect()
}

/// A claim's id and the function that evaluates it.
type ClaimFn = (&'static str, fn() -> Claim);

/// Builds an [`Entry`] list from `(id, fn)` pairs of one thread.
fn entries_of(thread: &'static Thread, list: &[ClaimFn]) -> Vec<Entry> {
    list.iter()
        .map(|&(id, evaluate)| Entry {
            id,
            thread,
            evaluate,
        })
        .collect()
}
