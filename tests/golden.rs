//! Data-driven golden test: every case file in data/reference/ is run against reweigh.
//!
//! Prints the number of cases and the worst relative error per loss family (run with
//! `cargo test -p reweigh --test golden -- --nocapture` to see the table).

mod reference;

use ndarray::ArrayD;
use reference::case::{Case, CaseFile, Tol, compare};
use reweigh::Real;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Default)]
struct Stats {
    cases: usize,
    worst_value: f64,
    worst_grad: f64,
}

fn to64<F: Real>(a: &ArrayD<F>) -> ArrayD<f64> {
    a.mapv(|x| x.f64())
}

fn check<F: Real>(case: &Case, stats: &mut Stats) -> Result<(), String> {
    let outcome = reference::run_with_extra::<F>(case)
        .ok_or_else(|| format!("no runner for loss {:?}", case.loss))?;
    if let Some(msg) = &case.expect_error {
        return match outcome {
            Err(_) => Ok(()),
            Ok(_) => Err(format!("expected an error (framework: {msg}), got a value")),
        };
    }
    let (out, extra) = outcome.map_err(|e| format!("reweigh error: {e}"))?;
    let exp = case
        .expected
        .as_ref()
        .ok_or("case has neither expected nor expect_error")?;
    let tol = Tol::for_case(case);
    let ev = exp.value.to::<f64>();
    let wv = compare("value", &to64(&out.value), &ev, tol.rel, tol.abs_value)?;
    stats.worst_value = stats.worst_value.max(wv);
    let grads = exp.grad.iter().map(|e| ("grad", e, out.grad.as_ref()));
    let extras = exp
        .extra
        .iter()
        .map(|(name, e)| (name.as_str(), e, extra.get(name)));
    for (name, eg, got) in grads.chain(extras) {
        let eg = eg.to::<f64>();
        let g = got.ok_or_else(|| format!("reweigh returned no {name}"))?;
        let scale = eg
            .iter()
            .filter(|x| x.is_finite())
            .fold(0.0_f64, |m, x| m.max(x.abs()));
        let abs = tol.abs_grad.unwrap_or(tol.rel * scale);
        let wg = compare(name, &to64(g), &eg, tol.rel, abs)?;
        stats.worst_grad = stats.worst_grad.max(wg);
    }
    Ok(())
}

#[test]
fn golden_cases_match_the_frameworks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reference");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("data/reference")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut by_loss: BTreeMap<String, Stats> = BTreeMap::new();
    let mut failures = vec![];
    let mut total = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let file: CaseFile =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(file.schema, 1, "{}: unknown schema", path.display());
        for case in &file.cases {
            total += 1;
            // float64 cases whose framework computes in float32 (TF1 reductions: rel 2e-6) get a row of
            // their own, so the f64 rows show the float64 agreement
            let dt = match (case.dtype.as_str(), Tol::for_case(case).rel) {
                ("float32", _) => "f32",
                (_, rel) if rel > 1e-9 => "f64 (fw in f32)",
                _ => "f64",
            };
            let stats = by_loss.entry(format!("{} {dt}", case.loss)).or_default();
            stats.cases += 1;
            let res = match case.dtype.as_str() {
                "float32" => check::<f32>(case, stats),
                "float64" => check::<f64>(case, stats),
                d => Err(format!("unknown dtype {d}")),
            };
            if let Err(msg) = res {
                failures.push(format!(
                    "{}::{} ({}): {msg}",
                    file.family,
                    case.id,
                    case.framework.as_deref().unwrap_or("no framework")
                ));
            }
        }
    }
    println!("golden cases: {total} in {} files", files.len());
    println!(
        "{:<34} {:>6} {:>14} {:>14}",
        "loss", "cases", "worst rel val", "worst rel grad"
    );
    for (loss, s) in &by_loss {
        println!(
            "{loss:<44} {:>6} {:>14.3e} {:>14.3e}",
            s.cases, s.worst_value, s.worst_grad
        );
    }
    for f in failures.iter().take(40) {
        println!("FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{} of {total} golden cases failed",
        failures.len()
    );
    assert!(total > 0, "no golden case found in data/reference");
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
