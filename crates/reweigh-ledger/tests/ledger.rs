//! The reproduction ledger: one insta snapshot per claim (numbers at fixed precision, checks,
//! verdict), and the invariants every claim must satisfy.
//!
//! Snapshots live in the top-level `snapshots/` (`ledger@<claim id>.snap`); review changes with
//! `cargo insta review`. Adding a claim to the ledger means adding its case here (the
//! `cases_cover_the_registry` test fails otherwise).

use reweigh_ledger as ledger;
use reweigh_ledger::{Claim, Source, TOUR_NOTEBOOK, Verdict};
use rstest::rstest;

/// Every claim id, in registry order (the rstest cases below list the same ids).
const IDS: &[&str] = &[
    "000-counts-guess",
    "000-inverse-frequency",
    "000-sigmoid-not-softmax",
    "000-class-weights-one-hot",
    "000-weights-by-estimated-label",
    "000-full-weight-tensor",
    "000-sparse-tf1",
    "000-tf2-port",
    "001-class-weight-50",
    "001-sklearn-balanced",
    "001-dict-conversion",
    "001-one-hot-argmax",
    "001-multilabel-sample-weight",
    "001-create-class-weight",
    "001-log-smoothed-floor",
    "001-class-weight-auto",
    "001-any-string-no-effect",
    "001-n-total-over-n-class",
    "001-cost-matrix",
    "001-max-over-count",
    "001-temporal-weights",
    "001-dict-has-no-shape",
    "002-all-zeros-low-loss",
    "002-cannot-upsample",
    "002-bce-weighted-pos-weight",
    "002-thread-focal-loss",
    "003-weights-training-loss-only",
    "003-zero-weights",
    "003-val-sample-weights-do-nothing",
    "003-deviations-with-weights-one",
    "003-printed-numbers",
    "003-slight-imbalance-left-as-is",
    "003-accuracy-without-reweighting",
    "003-weight-the-costly-class",
    "003-compare-on-a-cost-metric",
    "003-focal-reduces-resampling",
    "003-focal-not-in-keras",
    "003-focal-kaggle",
    "004-losses-take-logits",
    "004-sigmoid-or-softmax",
    "004-sigmoid-is-reduce-mean",
    "004-scalar-weight",
    "004-vector-weight",
    "004-pos-weight-class-weight",
    "004-sparse-is-one-hot",
    "004-sampled-softmax-approximates",
    "004-sampled-softmax-training-only",
];

#[test]
fn cases_cover_the_registry() {
    let ids: Vec<&str> = ledger::registry().iter().map(|e| e.id).collect();
    assert_eq!(
        ids, IDS,
        "update IDS and the rstest cases of crates/reweigh-ledger/tests/ledger.rs"
    );
}

fn evaluate(id: &str) -> Claim {
    ledger::claim(id).unwrap_or_else(|| panic!("no claim {id}"))
}

#[rstest]
#[case::c000_counts_guess("000-counts-guess")]
#[case::c000_inverse_frequency("000-inverse-frequency")]
#[case::c000_sigmoid_not_softmax("000-sigmoid-not-softmax")]
#[case::c000_class_weights_one_hot("000-class-weights-one-hot")]
#[case::c000_weights_by_estimated_label("000-weights-by-estimated-label")]
#[case::c000_full_weight_tensor("000-full-weight-tensor")]
#[case::c000_sparse_tf1("000-sparse-tf1")]
#[case::c000_tf2_port("000-tf2-port")]
#[case::c001_class_weight_50("001-class-weight-50")]
#[case::c001_sklearn_balanced("001-sklearn-balanced")]
#[case::c001_dict_conversion("001-dict-conversion")]
#[case::c001_one_hot_argmax("001-one-hot-argmax")]
#[case::c001_multilabel_sample_weight("001-multilabel-sample-weight")]
#[case::c001_create_class_weight("001-create-class-weight")]
#[case::c001_log_smoothed_floor("001-log-smoothed-floor")]
#[case::c001_class_weight_auto("001-class-weight-auto")]
#[case::c001_any_string_no_effect("001-any-string-no-effect")]
#[case::c001_n_total_over_n_class("001-n-total-over-n-class")]
#[case::c001_cost_matrix("001-cost-matrix")]
#[case::c001_max_over_count("001-max-over-count")]
#[case::c001_temporal_weights("001-temporal-weights")]
#[case::c001_dict_has_no_shape("001-dict-has-no-shape")]
#[case::c002_all_zeros_low_loss("002-all-zeros-low-loss")]
#[case::c002_cannot_upsample("002-cannot-upsample")]
#[case::c002_bce_weighted_pos_weight("002-bce-weighted-pos-weight")]
#[case::c002_thread_focal_loss("002-thread-focal-loss")]
#[case::c003_weights_training_loss_only("003-weights-training-loss-only")]
#[case::c003_zero_weights("003-zero-weights")]
#[case::c003_val_sample_weights_do_nothing("003-val-sample-weights-do-nothing")]
#[case::c003_deviations_with_weights_one("003-deviations-with-weights-one")]
#[case::c003_printed_numbers("003-printed-numbers")]
#[case::c003_slight_imbalance_left_as_is("003-slight-imbalance-left-as-is")]
#[case::c003_accuracy_without_reweighting("003-accuracy-without-reweighting")]
#[case::c003_weight_the_costly_class("003-weight-the-costly-class")]
#[case::c003_compare_on_a_cost_metric("003-compare-on-a-cost-metric")]
#[case::c003_focal_reduces_resampling("003-focal-reduces-resampling")]
#[case::c003_focal_not_in_keras("003-focal-not-in-keras")]
#[case::c003_focal_kaggle("003-focal-kaggle")]
#[case::c004_losses_take_logits("004-losses-take-logits")]
#[case::c004_sigmoid_or_softmax("004-sigmoid-or-softmax")]
#[case::c004_sigmoid_is_reduce_mean("004-sigmoid-is-reduce-mean")]
#[case::c004_scalar_weight("004-scalar-weight")]
#[case::c004_vector_weight("004-vector-weight")]
#[case::c004_pos_weight_class_weight("004-pos-weight-class-weight")]
#[case::c004_sparse_is_one_hot("004-sparse-is-one-hot")]
#[case::c004_sampled_softmax_approximates("004-sampled-softmax-approximates")]
#[case::c004_sampled_softmax_training_only("004-sampled-softmax-training-only")]
fn claim_snapshot(#[case] id: &str) {
    let c = evaluate(id);
    assert_eq!(c.id, id);
    insta::with_settings!({snapshot_path => "../../../snapshots", snapshot_suffix => id, prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("ledger", c.to_text());
    });
}

/// Invariants of every claim: a quote, an author, its thread's notebook, a verdict consistent
/// with its checks, and every reproduction of a framework number holding (a claim is "not
/// reproducible" only when it has nothing to check).
#[test]
fn every_claim_is_well_formed() {
    let notebooks = [
        "notebooks/01-thread-000-weighted-cross-entropy.ipynb",
        "notebooks/02-thread-001-keras-class-weights.ipynb",
        "notebooks/03-thread-002-multilabel-imbalance.ipynb",
        "notebooks/04-thread-003-sample-weights.ipynb",
        "notebooks/05-thread-004-choosing-cross-entropy.ipynb",
    ];
    assert_eq!(TOUR_NOTEBOOK, "notebooks/00-tour.ipynb");
    for c in ledger::all_claims() {
        assert!(c.id.starts_with(c.thread.id), "{}", c.id);
        assert!(!c.quote.is_empty() && !c.author.is_empty(), "{}", c.id);
        assert!(notebooks.contains(&c.notebook), "{}: {}", c.id, c.notebook);
        let worst = c
            .checks
            .iter()
            .filter(|k| !k.holds)
            .map(|k| k.on_fail)
            .max();
        match worst {
            Some(v) => assert_eq!(c.verdict, v, "{}", c.id),
            None if c.checks.is_empty() => assert_eq!(c.verdict, Verdict::NotReproducible),
            None => assert_eq!(c.verdict, Verdict::Reproduced, "{}", c.id),
        }
        for k in &c.checks {
            if k.on_fail == Verdict::NotReproducible {
                assert!(k.holds, "{}: reweigh does not reproduce: {}", c.id, k.what);
            }
        }
        // every framework number is read from a data file, named with its version
        for n in &c.numbers {
            if let Source::Framework(name) = &n.source {
                assert!(
                    name.chars().any(|ch| ch.is_ascii_digit()),
                    "{}: {name}",
                    c.id
                );
            }
        }
    }
}

#[test]
fn rendering_is_deterministic() {
    let a = ledger::render::markdown(&ledger::all_claims());
    let b = ledger::render::markdown(&ledger::all_claims());
    assert_eq!(a, b);
    for id in IDS {
        assert!(
            a.contains(&format!("### {id}\n")),
            "{id} missing from REPRODUCTIONS.md"
        );
    }
    let f1 = ledger::figures::all();
    let f2 = ledger::figures::all();
    assert_eq!(f1, f2);
    let captions: Vec<&str> = ledger::figures::captions().iter().map(|c| c.0).collect();
    assert_eq!(captions, ledger::figures::names());
    for name in ledger::figures::names() {
        assert!(
            a.contains(&format!("(reproductions/{name})")),
            "{name} not in REPRODUCTIONS.md"
        );
    }
    for f in &f1 {
        assert!(
            f.svg.starts_with("<svg") && f.svg.trim_end().ends_with("</svg>"),
            "{}",
            f.name
        );
    }
}

#[test]
fn summary_counts_every_claim() {
    let claims = ledger::all_claims();
    let total: usize = ledger::render::verdict_counts(&claims)
        .iter()
        .map(|p| p.1)
        .sum();
    assert_eq!(total, claims.len());
    assert!(ledger::render::summary_table(&claims).contains(&format!("{} claims", claims.len())));
}

#[rstest]
#[case(1616.0, "1616")]
#[case(0.0, "0")]
#[case(-0.0, "0")]
#[case(0.5, "0.5")]
#[case(0.7787589430809021, "0.77875894")]
#[case(-0.011395746, "-0.011395746")]
#[case(1.1641532182693481e-10, "1.1641532e-10")]
#[case(123456789.5, "123456790")]
#[case(2.5e12, "2500000000000")]
#[case(2.5e20, "2.5e20")]
#[case(f64::NAN, "NaN")]
#[case(f64::NEG_INFINITY, "-inf")]
fn numbers_have_a_fixed_format(#[case] v: f64, #[case] want: &str) {
    assert_eq!(ledger::fmt_num(v), want);
}

/// Stratified folds partition the data and keep each class's share within one sample.
#[rstest]
#[case(5, 0)]
#[case(5, 1)]
#[case(3, 7)]
fn stratified_folds_partition_and_stratify(#[case] k: usize, #[case] seed: u64) {
    use reweigh_ledger::breast_cancer::{MALIGNANT, load, stratified_folds};
    let y = load().y.as_slice().unwrap();
    let folds = stratified_folds(y, k, seed);
    let mut all: Vec<usize> = folds.concat();
    all.sort_unstable();
    assert_eq!(all, (0..y.len()).collect::<Vec<_>>());
    let malignant = y.iter().filter(|&&l| l == MALIGNANT).count() as f64;
    for f in &folds {
        let m = f.iter().filter(|&&i| y[i] == MALIGNANT).count() as f64;
        let want = malignant * f.len() as f64 / y.len() as f64;
        assert!((m - want).abs() <= 1.0, "{m} vs {want}");
    }
    assert_ne!(
        stratified_folds(y, k, seed),
        stratified_folds(y, k, seed + 1)
    );
}

#[test]
fn breast_cancer_data_is_the_uci_copy() {
    let d = reweigh_ledger::breast_cancer::load();
    assert_eq!(d.x.dim(), (569, 30));
    assert_eq!(d.y.iter().filter(|&&l| l == 0).count(), 212);
    assert_eq!(d.feature_names[0], "mean_radius");
    assert_eq!(d.x[[0, 0]], 17.99);
}
