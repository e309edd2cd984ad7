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
//! `thread_003::claims()`, ...), so that notebooks can show them cell by cell. Each thread file
//! names its claims once, id and function, and [`registry`] lists them all: the snapshot tests,
//! [`claim`] (a claim by its id) and [`render`] (which writes `REPRODUCTIONS.md`) all take the
//! claims from it; [`figures`] writes the SVG figures.
//!
//! ```
//! let claim = reweigh_ledger::thread_000::sparse_tf1();
//! assert_eq!(claim.id, "000-sparse-tf1");
//! assert!(claim.checks.iter().any(|c| c.holds));
//! println!("{}", claim.to_text());
//! ```

#![warn(missing_docs)]

/// Declares a thread's claims, each written once: `"id" => function` makes the claim's [`Entry`]
/// (id, thread, function), lists it in the thread's `entries()` (its part of [`registry`], from
/// which the snapshot tests, [`claim`] and REPRODUCTIONS.md take every claim), and names it
/// `entry::function`, from which the claim function starts its claim
/// (`Claim::for_entry(entry::counts_guess, author, quote)`): the id is typed nowhere else.
macro_rules! claims {
    ($thread:ident; $($id:literal => $function:ident),+ $(,)?) => {
        #[doc = concat!("The claims of [`", stringify!($thread), "`](crate::", stringify!($thread), "), in order, not evaluated.")]
        pub fn entries() -> Vec<$crate::Entry> {
            vec![$(entry::$function),+]
        }

        #[doc = concat!("Every claim of [`", stringify!($thread), "`](crate::", stringify!($thread), "), evaluated.")]
        pub fn claims() -> Vec<$crate::Claim> {
            entries().iter().map(|e| (e.evaluate)()).collect()
        }

        /// Each claim's registry entry, named after its claim function.
        #[allow(non_upper_case_globals)]
        mod entry {
            $(
                pub(super) const $function: $crate::Entry = $crate::Entry {
                    id: $id,
                    thread: &super::$thread,
                    evaluate: super::$function,
                };
            )+
        }
    };
}

mod claim;
mod data;
mod threads;
mod util;

pub mod breast_cancer;
pub mod display;
pub mod faq;
pub mod figures;
pub mod keras_experiment;
pub mod longtail;
pub mod render;
pub mod repro;
pub mod thread_000;
pub mod thread_001;
pub mod thread_002;
pub mod thread_003;
pub mod thread_004;

pub use claim::{
    Check, Claim, ClaimBuilder, FRAMEWORK_TOL, Input, Number, Relation, Source, Tolerance, Verdict,
};
pub use data::LabelledCsv;
pub use reweigh::format::{fmt_list, fmt_num};
pub use threads::{
    FAQ, STUDY_LONGTAIL, SectionKind, THREAD_000, THREAD_001, THREAD_002, THREAD_003, THREAD_004,
    TOUR_NOTEBOOK, Thread, sections, threads,
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

impl Claim {
    /// Starts the claim of a registry entry (its id and thread), by `author`, quoted as `quote`.
    pub fn for_entry(entry: Entry, author: &'static str, quote: &'static str) -> ClaimBuilder {
        Claim::builder(entry.id, entry.thread, author, quote)
    }
}

/// Every claim of every thread, in order, without evaluating them.
pub fn registry() -> Vec<Entry> {
    [
        thread_000::entries(),
        thread_001::entries(),
        thread_002::entries(),
        thread_003::entries(),
        thread_004::entries(),
        longtail::claims::entries(),
        faq::entries(),
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
