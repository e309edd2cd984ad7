//! Data-driven golden test: every case file in data/reference/ is run against reweigh.
//!
//! Prints the number of cases and the worst relative error per loss family (run with
//! `cargo test -p reweigh --test golden -- --nocapture` to see the table).

mod reference;

use reference::case::Case;
use reference::golden;
use std::path::Path;

#[test]
fn golden_cases_match_the_frameworks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reference");
    let summary = golden::run_files(
        &dir,
        &golden::Runner {
            f32: reference::run_with_extra::<f32>,
            f64: reference::run_with_extra::<f64>,
        },
    );
    summary.print();
    assert_eq!(summary.skipped, 0, "every case has a runner");
    summary.assert_passed();
}

/// A case whose parameters the loss does not know is an error of the runner (a misspelt
/// option in a generator would otherwise be silently ignored), and so is a bad reduction name.
#[test]
fn unknown_parameters_and_bad_reductions_are_errors() {
    let case = |params: &str| -> Case {
        serde_json::from_str(&format!(
            r#"{{"id": "t", "loss": "sigmoid_cross_entropy", "framework": "torch", "dtype": "float64",
                "inputs": {{"logits": {{"shape": [1, 2], "data": [0.5, -1.0]}},
                            "labels": {{"shape": [1, 2], "data": [1.0, 0.0]}}}},
                "params": {params}}}"#
        ))
        .unwrap()
    };
    let ok = reference::run::<f64>(&case(r#"{"pos_weight": [2.0, 1.0], "reduction": "sum"}"#));
    assert!(ok.unwrap().is_ok());
    let misspelt = reference::run::<f64>(&case(r#"{"pos_wieght": [2.0, 1.0]}"#)).unwrap();
    let e = misspelt.err().expect("an unknown parameter is an error");
    assert!(e.to_string().contains("unknown field `pos_wieght`"), "{e}");
    let bad = reference::run::<f64>(&case(r#"{"reduction": "batchmean"}"#)).unwrap();
    assert!(bad.is_err());
}
