//! The long-tailed study's claims: each paper's headline ordering on CIFAR-10-LT, its table rows
//! quoted, set against the study's measurements on long-tailed digits.
//!
//! Two kinds of check:
//!
//! ```text
//! in the paper     the quoted rows show the ordering the claim states      (else: not reproducible, a misquote)
//! a beats b        mean(a) > mean(b) + t₀.₉₅,ₙ₋₁·SE(a − b)           (else: reproduced with a caveat)
//! a not below b    mean(a) ≥ mean(b) − t₀.₉₅,ₙ₋₁·SE(a − b)           (else: refuted on this data)
//!                  balanced accuracy over the n seeds, paired (same draws and initial weights):
//!                  one-sided paired t-tests at the 5 % level, so that a significant gain
//!                  reproduces the claim, no significant difference leaves it with a caveat, and a
//!                  significant loss refutes it
//! a matches b      |mean(a) − mean(b)| ≤ 0.01 (one point of balanced accuracy)  (else: refuted)
//! ```

use super::papers::{quoted, source_name};
use super::{Method, Metric, Model, StudyResults, study};
use crate::claim::{Check, ClaimBuilder, Number, Relation, Tolerance, Verdict};
use crate::{Claim, STUDY_LONGTAIL};
use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use reweigh::Loss;
use reweigh::format::fmt_num;
use reweigh::losses::LogitAdjustedCrossEntropy;
use reweigh::reduction::Reduction;
use statrs::distribution::{ContinuousCDF, StudentsT};

claims! { STUDY_LONGTAIL;
    "lt-cui-cb-vs-ce" => cui_class_balanced_beats_ce,
    "lt-cui-cb-vs-inverse-frequency" => cui_class_balanced_beats_inverse_frequency,
    "lt-cao-ldam-drw-best" => cao_ldam_drw_beats_the_baselines,
    "lt-cao-each-helps" => cao_ldam_and_drw_each_help,
    "lt-menon-la-beats-weighting" => menon_logit_adjustment_beats_weighting,
    "lt-menon-post-hoc-matches-loss" => menon_post_hoc_matches_the_loss,
    "lt-ren-balanced-softmax-is-la" => ren_balanced_softmax_is_logit_adjustment,
}

/// The margin of "a matches b": one point of balanced accuracy.
pub const MATCH_MARGIN: f64 = 0.01;
/// The level of the one-sided paired t-test of "a beats b".
pub const TEST_LEVEL: f64 = 0.05;
/// The ratios where the papers' "high imbalance" claims are checked.
const HIGH: [f64; 2] = [50.0, 100.0];
/// The ratio of the papers' headline tables.
const HEADLINE: f64 = 100.0;

/// The study's mean balanced accuracy of a method, as a number.
fn ours(s: &StudyResults, m: Method, model: Model, ratio: f64) -> Number {
    Number::reweigh(
        format!(
            "{m}, {}, ρ = {}: balanced accuracy (mean of {} seeds)",
            model.name(),
            fmt_num(ratio),
            s.config.seeds.len()
        ),
        s.spread(m, model, ratio, Metric::BalancedAccuracy).mean,
    )
}

/// `t₀.₉₅,ₙ₋₁ · SE` of the paired difference `a − b` over the seeds.
fn test_margin(s: &StudyResults, a: Method, b: Method, model: Model, ratio: f64) -> f64 {
    let (_, se) = s.paired(a, b, model, ratio, Metric::BalancedAccuracy);
    let df = s.config.seeds.len().saturating_sub(1).max(1) as f64;
    let t = StudentsT::new(0.0, 1.0, df)
        .expect("a positive number of degrees of freedom")
        .inverse_cdf(1.0 - TEST_LEVEL);
    t * se
}

/// Adds "a beats b" and "a is not below b" at `ratio` for every model.
fn beats(mut c: ClaimBuilder, s: &StudyResults, a: Method, b: Method, ratio: f64) -> ClaimBuilder {
    for &model in &s.config.models {
        c = beats_at(c, s, a, b, model, ratio);
    }
    c
}

/// [`beats`] for one model.
fn beats_at(
    c: ClaimBuilder,
    s: &StudyResults,
    a: Method,
    b: Method,
    model: Model,
    ratio: f64,
) -> ClaimBuilder {
    let where_ = format!("{}, ρ = {}", model.name(), fmt_num(ratio));
    let margin = Tolerance::abs(test_margin(s, a, b, model, ratio));
    c.check(Check::new(
        format!("{a} beats {b} ({where_})"),
        ours(s, a, model, ratio),
        Relation::Greater,
        ours(s, b, model, ratio),
        margin,
        Verdict::ReproducedWithCaveat,
    ))
    .check(Check::new(
        format!("{a} not below {b} ({where_})"),
        ours(s, a, model, ratio),
        Relation::AtLeast,
        ours(s, b, model, ratio),
        margin,
        Verdict::Refuted,
    ))
}

/// Adds "a matches b" at `ratio` for every model.
fn matches(
    mut c: ClaimBuilder,
    s: &StudyResults,
    a: Method,
    b: Method,
    ratio: f64,
) -> ClaimBuilder {
    for &model in &s.config.models {
        c = c.check(Check::new(
            format!("{a} matches {b} ({}, ρ = {})", model.name(), fmt_num(ratio)),
            ours(s, a, model, ratio),
            Relation::Equal,
            ours(s, b, model, ratio),
            Tolerance::abs(MATCH_MARGIN),
            Verdict::Refuted,
        ));
    }
    c
}

/// Adds the check that the quoted rows show `better` ahead of `worse` (lower error, or higher
/// accuracy); a failure would be a misquote.
fn in_paper(c: ClaimBuilder, better: Number, worse: Number) -> ClaimBuilder {
    let accuracy = better.label.ends_with("(accuracy %)");
    let what = format!(
        "in {}: {} ahead of {}",
        better.source,
        better.label.split(" @ ").next().unwrap_or_default(),
        worse.label.split(" @ ").next().unwrap_or_default()
    );
    let relation = if accuracy {
        Relation::Greater
    } else {
        Relation::Less
    };
    c.check(Check::new(
        what,
        better,
        relation,
        worse,
        Tolerance::EXACT,
        Verdict::NotReproducible,
    ))
}

/// The inputs every claim of the study shares.
fn with_inputs(c: ClaimBuilder, s: &StudyResults) -> ClaimBuilder {
    c.input("data and training", s.config.describe())
        .input(
            "tests",
            format!(
                "a beats b / a not below b: one-sided paired t-tests at {} % over the seeds \
                 (tolerance t·SE of the paired difference of balanced accuracy); a matches b: \
                 within {} of balanced accuracy",
                fmt_num(TEST_LEVEL * 100.0),
                fmt_num(MATCH_MARGIN)
            ),
        )
        .figure("longtail.svg")
}

fn start(entry: crate::Entry, author: &'static str, quote: &'static str) -> ClaimBuilder {
    with_inputs(Claim::for_entry(entry, author, quote), study())
}

/// Cui et al.: class-balanced loss beats plain cross-entropy at high imbalance.
pub fn cui_class_balanced_beats_ce() -> Claim {
    let s = study();
    let mut c = start(
        entry::cui_class_balanced_beats_ce,
        "Cui et al., CVPR 2019 (arXiv 1901.05555)",
        "With properly selected hyperparameters, class-balanced loss is able to significantly \
         improve the performance of commonly used loss functions on long-tailed datasets.",
    );
    for col in ["100", "50"] {
        c = in_paper(
            c,
            quoted("cui2019", "Class-Balanced", col, false),
            quoted("cui2019", "Softmax", col, false),
        );
    }
    for ratio in HIGH {
        c = beats(
            c,
            s,
            Method::ClassBalancedFocal,
            Method::CrossEntropy,
            ratio,
        );
    }
    c.note(format!(
        "The class-balanced loss here is Cui et al.'s best setting on CIFAR-10-LT at ρ = 100 \
         ({}: sigmoid focal loss, β = 0.9999, γ = 1), trained on one-hot targets.",
        source_name("cui2019")
    ))
    .build()
}

/// Cui et al.: re-weighting by the effective number beats re-weighting by inverse frequency.
pub fn cui_class_balanced_beats_inverse_frequency() -> Claim {
    let s = study();
    let mut c = start(
        entry::cui_class_balanced_beats_inverse_frequency,
        "Cui et al., CVPR 2019 (arXiv 1901.05555), Figure 1 caption",
        "Re-weighing the loss by inverse class frequency usually yields poor performance (red \
         dashed line) on real-world data with high class imbalance.",
    );
    c = in_paper(
        c,
        quoted("cui2019", "Focal_1.0_0.9999", "100", true),
        quoted("cui2019", "SM_0.9999", "100", true),
    );
    c = beats(
        c,
        s,
        Method::ClassBalancedFocal,
        Method::InverseFrequency,
        HEADLINE,
    );
    for &model in &s.config.models {
        let best = [0.99, 0.999, 0.9999]
            .map(|beta| Method::EffectiveNumber { beta })
            .into_iter()
            .max_by(|a, b| {
                let m = |x| s.spread(x, model, HEADLINE, Metric::BalancedAccuracy).mean;
                m(*a).total_cmp(&m(*b))
            })
            .expect("three β");
        c = beats_at(c, s, best, Method::Balanced, model, HEADLINE);
    }
    // how far the effective-number weights are from inverse frequency on these counts
    let counts: Vec<f64> = s.counts_of(HEADLINE).iter().map(|&n| n as f64).collect();
    let n = ndarray::Array1::from(counts);
    let inv = reweigh::schemes::balanced_weights(n.view()).expect("positive counts");
    for beta in [0.99, 0.9999] {
        let en =
            reweigh::schemes::effective_number_weights(n.view(), beta).expect("positive counts");
        let (a, b) = (&en / en.sum(), &inv / inv.sum());
        let worst = a
            .iter()
            .zip(&b)
            .map(|(x, y)| (x - y).abs() / y)
            .fold(0.0, f64::max);
        c = c.number(Number::reweigh(
            format!(
                "largest relative difference between effective-number (β = {beta}) and \
                 inverse-frequency weights, both normalised to sum 1, at ρ = 100"
            ),
            worst,
        ));
    }
    c.note(
        "Cui et al. compare effective-number weights with inverse frequency through β: β → 1 is \
         inverse frequency, and on CIFAR-10 the best β (0.9999) 'is similar with re-weighting by \
         inverse class frequency' (Figure 8 quotes their nearest row). With at most 140 images \
         per class, βⁿ ≈ 1 − n(1 − β) for β = 0.9999, so those weights are inverse frequency to \
         within the difference shown; 'inverse frequency (Σw mean)' is Cao et al.'s RW (weights \
         1/n re-normalised in each mini-batch), 'sklearn balanced' the same weights through \
         Keras's class_weight (Σw·l / batch size).",
    )
    .build()
}

/// Cao et al.: LDAM-DRW beats cross-entropy, focal and class-balanced focal.
pub fn cao_ldam_drw_beats_the_baselines() -> Claim {
    let s = study();
    let mut c = start(
        entry::cao_ldam_drw_beats_the_baselines,
        "Cao et al., NeurIPS 2019 (arXiv 1906.07413), Table 2 caption",
        "The combination of our two techniques, LDAM-DRW, achieves the best performance",
    );
    let drw = quoted("cao2019", "LDAM-DRW", "long-tailed 100", false);
    for row in [
        "ERM",
        "Focal [Lin et al., 2017]",
        "CB Focal [Cui et al., 2019]",
    ] {
        c = in_paper(
            c,
            drw.clone(),
            quoted("cao2019", row, "long-tailed 100", false),
        );
    }
    for other in [
        Method::CrossEntropy,
        Method::Focal { gamma: 1.0 },
        Method::ClassBalancedFocal,
    ] {
        c = beats(c, s, Method::LdamDrw, other, HEADLINE);
    }
    c.note(
        "LDAM: margins 0.5·(n_min/n_j)^¼ subtracted from the true-class logit, scale s = 30; DRW: \
         from 80 % of the epochs (Cao et al.: epoch 160 of 200) effective-number weights with \
         β = 0.9999 in PyTorch's weighted mean, as the official LDAM-DRW code rebuilds its \
         criterion each epoch. Cao et al.'s focal baseline is γ = 1 (its 29.62 is Cui et al.'s \
         'Focal (γ = 1.0)').",
    )
    .build()
}

/// Cao et al.: LDAM and DRW each help.
pub fn cao_ldam_and_drw_each_help() -> Claim {
    let s = study();
    let mut c = start(
        entry::cao_ldam_and_drw_each_help,
        "Cao et al., NeurIPS 2019 (arXiv 1906.07413), Table 2 caption",
        "... and each of them individually are beneficial when combined with other losses or \
         schedules.",
    );
    let col = "long-tailed 100";
    c = in_paper(
        c,
        quoted("cao2019", "LDAM", col, false),
        quoted("cao2019", "ERM", col, false),
    );
    c = in_paper(
        c,
        quoted("cao2019", "LDAM-DRW", col, false),
        quoted("cao2019", "LDAM", col, false),
    );
    c = beats(c, s, Method::Ldam, Method::CrossEntropy, HEADLINE);
    c = beats(c, s, Method::LdamDrw, Method::Ldam, HEADLINE);
    c.build()
}

/// Menon et al.: logit adjustment beats re-weighting on balanced error.
pub fn menon_logit_adjustment_beats_weighting() -> Claim {
    let s = study();
    let mut c = start(
        entry::menon_logit_adjustment_beats_weighting,
        "Menon et al., ICLR 2021 (arXiv 2007.07314)",
        "our proposed logit adjustment techniques consistently outperform existing methods",
    );
    let col = "CIFAR-10-LT (ρ = 100)";
    let la = quoted("menon2021", "Logit adjustment loss (τ = 1)", col, false);
    for row in [
        "ERM",
        "Weight normalisation (τ = 1) [Kang et al., 2020]",
        "Adaptive [Cao et al., 2019]",
        "Equalised [Tan et al., 2020]",
    ] {
        c = in_paper(c, la.clone(), quoted("menon2021", row, col, false));
    }
    for other in [Method::Balanced, Method::InverseFrequency, Method::LdamDrw] {
        c = beats(c, s, Method::LogitAdjusted, other, HEADLINE);
    }
    c.note(
        "Menon et al.'s loss as their official code computes it: sparse softmax cross-entropy of \
         logits + log(π^τ + 1e-12), τ = 1, π the training prior. The paper's text also sets it \
         against LDAM-DRW (22.97 % on CIFAR-10-LT, Cao et al.'s number, beaten by its 22.33 %); \
         the re-weighting baselines here are the class-weighted cross-entropies of the study.",
    )
    .build()
}

/// Menon et al.: post-hoc adjustment of a plain model nearly matches the logit-adjusted loss.
pub fn menon_post_hoc_matches_the_loss() -> Claim {
    let s = study();
    let mut c = start(
        entry::menon_post_hoc_matches_the_loss,
        "Menon et al., ICLR 2021 (arXiv 2007.07314), Table 3 (the rows, as the claim)",
        "Logit adjustment post-hoc (τ = 1): 22.60; Logit adjustment loss (τ = 1): 22.33 \
         (CIFAR-10-LT balanced error): adjusting a plain ERM model's logits after training \
         nearly matches training with the logit-adjusted loss.",
    );
    let col = "CIFAR-10-LT (ρ = 100)";
    let post = quoted("menon2021", "Logit adjustment post-hoc (τ = 1)", col, false);
    let loss = quoted("menon2021", "Logit adjustment loss (τ = 1)", col, false);
    c = c.check(Check::new(
        format!("in {}: post-hoc within one point of the loss", post.source),
        post.clone(),
        Relation::Equal,
        loss,
        Tolerance::abs(MATCH_MARGIN * 100.0),
        Verdict::NotReproducible,
    ));
    c = in_paper(c, post, quoted("menon2021", "ERM", col, false));
    for ratio in HIGH {
        c = matches(
            c,
            s,
            Method::PostHocAdjustment,
            Method::LogitAdjusted,
            ratio,
        );
    }
    c = beats(
        c,
        s,
        Method::PostHocAdjustment,
        Method::CrossEntropy,
        HEADLINE,
    );
    c.note(
        "Post-hoc: the cross-entropy model of each seed, its test logits minus \
         log(π^τ + 1e-12) (the official code's post-hoc step), τ = 1: no training of its own.",
    )
    .build()
}

/// Ren et al.'s Balanced Softmax and Menon et al.'s logit-adjusted loss with τ = 1 are one loss.
pub fn ren_balanced_softmax_is_logit_adjustment() -> Claim {
    let s = study();
    let mut c = start(
        entry::ren_balanced_softmax_is_logit_adjustment,
        "Ren et al., NeurIPS 2020 (arXiv 2007.10740), Table 5; Menon et al., ICLR 2021",
        "Balanced Softmax (the cross-entropy of logits + log n_j) beats the plain softmax on \
         long-tailed data (Table 5: 83.1 % against 77.4 % accuracy at imbalance 100), and it is \
         the logit-adjusted loss with τ = 1.",
    );
    c = in_paper(
        c,
        quoted("ren2020", "(3) Balanced Softmax", "100", false),
        quoted("ren2020", "(1) Softmax", "100", false),
    );
    // the two losses on the same logits: any logits, labels and counts of the study
    let counts: Vec<f64> = s.counts_of(HEADLINE).iter().map(|&n| n as f64).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let normal = rand::distr::Uniform::new(-8.0, 8.0).expect("a valid range");
    use rand::RngExt;
    let rows = 256;
    let logits = Array2::from_shape_fn((rows, counts.len()), |_| rng.sample(normal));
    let labels = ndarray::Array1::from_shape_fn(rows, |i| (i % counts.len()) as i64);
    let per = |l: LogitAdjustedCrossEntropy<f64>| {
        l.reduction(Reduction::None)
            .forward_backward(&logits, &labels)
            .expect("valid inputs")
    };
    let bs = per(LogitAdjustedCrossEntropy::balanced_softmax(&counts).expect("counts"));
    let la = per(LogitAdjustedCrossEntropy::menon(&counts, 1.0).expect("counts"));
    let value_gap = (bs.value.into_array() - la.value.into_array())
        .iter()
        .fold(0.0_f64, |m, d| m.max(d.abs()));
    let grad_gap = (bs.grad.expect("asked") - la.grad.expect("asked"))
        .iter()
        .fold(0.0_f64, |m, d| m.max(d.abs()));
    for (what, gap) in [("loss", value_gap), ("gradient", grad_gap)] {
        c = c.check(Check::new(
            format!("Balanced Softmax's per-sample {what} = the logit-adjusted loss's (τ = 1)"),
            Number::reweigh(
                format!("largest |difference| of the per-sample {what} over {rows} rows of uniform logits in [−8, 8], ρ = 100 counts"),
                gap,
            ),
            Relation::Equal,
            Number::reweigh("zero", 0.0),
            Tolerance::abs(1e-9),
            Verdict::Refuted,
        ));
    }
    for ratio in HIGH {
        c = matches(c, s, Method::BalancedSoftmax, Method::LogitAdjusted, ratio);
    }
    c = beats(
        c,
        s,
        Method::BalancedSoftmax,
        Method::CrossEntropy,
        HEADLINE,
    );
    c.note(
        "log n_j = log π_j + log N: the offsets differ by a constant per row, which the softmax \
         does not see; what is left is the official code's 1e-12 inside log(π + 1e-12), below \
         1e-9 here. The two trainings then differ only by rounding.",
    )
    .build()
}
