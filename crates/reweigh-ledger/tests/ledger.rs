//! The reproduction ledger: one insta snapshot per claim (numbers at fixed precision, checks,
//! verdict), and the invariants every claim must satisfy.
//!
//! Snapshots live in the top-level `snapshots/` (`ledger@<claim id>.snap`); review changes with
//! `cargo insta review`. The snapshots follow the registry: a claim added to a thread's
//! `claims!` list gets its snapshot with no change here.

use reweigh_ledger as ledger;
use reweigh_ledger::{Source, TOUR_NOTEBOOK, Verdict};
use rstest::rstest;

/// One snapshot per claim of the registry, named `ledger@<claim id>.snap`: each entry's claim,
/// looked up by its id as notebooks do, carries that id and thread.
#[test]
fn claim_snapshots() {
    for e in ledger::registry() {
        let c = ledger::claim(e.id).unwrap_or_else(|| panic!("no claim {}", e.id));
        assert_eq!(c.id, e.id);
        assert!(std::ptr::eq(c.thread, e.thread), "{}", e.id);
        insta::with_settings!({snapshot_path => "../../../snapshots", snapshot_suffix => e.id, prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("ledger", c.to_text());
        });
    }
}

/// Claim ids are unique, and every `ledger@<id>.snap` belongs to a claim of the registry.
#[test]
fn ids_are_unique_and_every_snapshot_has_its_claim() {
    let ids: Vec<&str> = ledger::registry().iter().map(|e| e.id).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "duplicate claim ids");
    assert!(ledger::claim("no-such-claim").is_none());
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots");
    for f in std::fs::read_dir(dir).expect("snapshots/") {
        let name = f.expect("a directory entry").file_name();
        let name = name.to_string_lossy();
        if let Some(id) = name
            .strip_prefix("ledger@")
            .and_then(|n| n.strip_suffix(".snap"))
        {
            assert!(
                ids.contains(&id),
                "snapshots/{name} has no claim in the registry"
            );
        }
    }
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
        "notebooks/06-long-tailed-digits.ipynb",
        "notebooks/08-faq.ipynb",
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
    for id in ledger::registry().iter().map(|e| e.id) {
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
