//! The long-tailed study: do the long-tail papers' claims hold on data we can ship?
//!
//! scikit-learn's digits (`data/digits/`) give a balanced held-out test set and long-tailed
//! training sets with Cui et al.'s exponential profile n_i = ⌊n_max·ρ^(−i/(C−1))⌋ for
//! ρ = 10, 50, 100 ([`Split`], [`exponential_profile`]). Softmax regression and a one-hidden-layer MLP are trained with the
//! project's trainer (Keras initialisers, Adam) by every [`Method`] — plain cross-entropy,
//! inverse-frequency, scikit-learn `'balanced'` and effective-number weights, focal, class-balanced
//! focal, LDAM, LDAM-DRW, the logit-adjusted loss, post-hoc logit adjustment, Balanced Softmax,
//! single-label ASL, over- and under-sampling — over several seeds, and scored by balanced
//! accuracy, macro-F1 and per-class recall ([`study`]). The ledger's claims (`longtail::claims`)
//! set the papers' headline orderings on CIFAR-10-LT (their tables quoted in
//! `data/longtail/paper_tables.json`) against these numbers.
//!
//! ```no_run
//! use reweigh_ledger::longtail::{Method, Metric, Model, study};
//! let s = study();
//! let ce = s.spread(Method::CrossEntropy, Model::SoftmaxRegression, 100.0, Metric::BalancedAccuracy);
//! println!("cross-entropy at ρ = 100: {:.3} ± {:.3}", ce.mean, ce.std);
//! ```

pub mod claims;
mod data;
mod method;
pub mod papers;
mod study;

pub use data::{CLASSES, Split, digits, exponential_profile, features, labels};
pub use method::{
    CB_BETA, CB_GAMMA, LDAM_MAX_M, LDAM_SCALE, Method, Model, TAU, Training, adjust_post_hoc,
    test_logits,
};
pub use study::{
    Metric, RunScore, Spread, StudyConfig, StudyResults, run, run_with_progress, study,
    study_with_progress,
};
