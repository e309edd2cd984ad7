//! The long-tailed digits study: its numbers are locked by a snapshot, and they do not depend on
//! the number of threads.

use reweigh_ledger::longtail::{
    self, Method, Metric, Model, StudyConfig, Training, exponential_profile,
};

/// Every table of the study (balanced accuracy, macro-F1, per-class recall), at 4 decimals.
#[test]
fn study_tables_snapshot() {
    let report = longtail::study().markdown_report();
    insta::with_settings!({snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("longtail_study_tables", report);
    });
}

/// A small study run on one thread and on the default pool gives bit-identical scores.
#[test]
fn results_do_not_depend_on_the_thread_count() {
    let config = StudyConfig {
        ratios: vec![100.0],
        seeds: vec![1, 2, 3],
        models: vec![Model::SoftmaxRegression],
        training: Training {
            epochs: 4,
            drw_epoch: 2,
            batch_size: 32,
            learning_rate: 0.005,
        },
        ..StudyConfig::default()
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| longtail::run(&config));
    let many = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap()
        .install(|| longtail::run(&config));
    assert_eq!(one.scores.len(), Method::ALL.len() * 3);
    for (a, b) in one.scores.iter().zip(&many.scores) {
        assert_eq!(a, b);
    }
}

/// The study's shape: every method, model, ratio and seed has a score in [0, 1], the training
/// sets follow the profile, and the balanced test set has every class.
#[test]
fn every_score_is_there() {
    let s = longtail::study();
    let c = &s.config;
    assert_eq!(
        s.scores.len(),
        Method::ALL.len() * c.models.len() * c.ratios.len() * c.seeds.len()
    );
    for &r in &c.ratios {
        assert_eq!(
            s.counts_of(r),
            exponential_profile(c.n_max, r, 10).as_slice()
        );
        for &m in &c.models {
            for method in Method::ALL {
                let v = s.values(method, m, r, Metric::BalancedAccuracy);
                assert_eq!(v.len(), c.seeds.len());
                assert!(
                    v.iter().all(|x| (0.0..=1.0).contains(x)),
                    "{method} {r}: {v:?}"
                );
            }
        }
    }
    // the profile's smallest class at ρ = 100 has one image
    assert_eq!(s.counts_of(100.0).last(), Some(&1));
}
