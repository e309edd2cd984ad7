//! The golden-case driver: every case of every file in a folder of case files, computed by a
//! runner, compared with the frameworks' values and gradients at each case's tolerance, with the
//! worst relative error per loss family. The core's golden test runs it over every family; other
//! crates (reweigh-candle) run it through their own path.

use super::case::{Case, CaseFile, OutcomeWithExtra, Tol, compare};
use ndarray::ArrayD;
use reweigh::Real;
use std::collections::BTreeMap;
use std::path::Path;

/// Computes a case in each dtype; `None` when the runner has no runner for its family (the case
/// is then skipped and counted as such).
pub struct Runner {
    /// float32 cases.
    pub f32: fn(&Case) -> Option<OutcomeWithExtra<f32>>,
    /// float64 cases.
    pub f64: fn(&Case) -> Option<OutcomeWithExtra<f64>>,
}

/// Cases and worst relative errors of one loss family and dtype.
#[derive(Default)]
pub struct Stats {
    pub cases: usize,
    pub worst_value: f64,
    pub worst_grad: f64,
}

/// What a run over the case files found.
pub struct Summary {
    pub files: usize,
    pub total: usize,
    pub skipped: usize,
    pub by_loss: BTreeMap<String, Stats>,
    pub failures: Vec<String>,
}

fn to64<F: Real>(a: &ArrayD<F>) -> ArrayD<f64> {
    a.mapv(|x| x.f64())
}

fn check<F: Real>(
    outcome: OutcomeWithExtra<F>,
    case: &Case,
    stats: &mut Stats,
) -> Result<(), String> {
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

/// Computes one case with `run` and checks it, under the family row `key`; `None` when `run` has
/// no runner for the case's family.
fn one<F: Real>(
    run: fn(&Case) -> Option<OutcomeWithExtra<F>>,
    case: &Case,
    key: String,
    by_loss: &mut BTreeMap<String, Stats>,
) -> Option<Result<(), String>> {
    let outcome = run(case)?;
    let stats = by_loss.entry(key).or_default();
    stats.cases += 1;
    Some(check(outcome, case, stats))
}

/// Runs every case of every `*.json` case file in `dir` through `runner`.
pub fn run_files(dir: &Path, runner: &Runner) -> Summary {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut s = Summary {
        files: files.len(),
        total: 0,
        skipped: 0,
        by_loss: BTreeMap::new(),
        failures: vec![],
    };
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let file: CaseFile =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(file.schema, 1, "{}: unknown schema", path.display());
        for case in &file.cases {
            // float64 cases whose framework computes in float32 (TF1 reductions: rel 2e-6) get a
            // row of their own, so the f64 rows show the float64 agreement
            let dt = match (case.dtype.as_str(), Tol::for_case(case).rel) {
                ("float32", _) => "f32",
                (_, rel) if rel > 1e-9 => "f64 (fw in f32)",
                _ => "f64",
            };
            let key = format!("{} {dt}", case.loss);
            let res = match case.dtype.as_str() {
                "float32" => one(runner.f32, case, key, &mut s.by_loss),
                "float64" => one(runner.f64, case, key, &mut s.by_loss),
                d => Some(Err(format!("unknown dtype {d}"))),
            };
            match res {
                None => s.skipped += 1,
                Some(r) => {
                    s.total += 1;
                    if let Err(msg) = r {
                        s.failures.push(format!(
                            "{}::{} ({}): {msg}",
                            file.family,
                            case.id,
                            case.framework.as_deref().unwrap_or("no framework")
                        ));
                    }
                }
            }
        }
    }
    s
}

impl Summary {
    /// Prints the case count and the worst relative errors per family, then the first failures.
    pub fn print(&self) {
        println!(
            "golden cases: {} in {} files ({} skipped: no runner)",
            self.total, self.files, self.skipped
        );
        println!(
            "{:<44} {:>6} {:>14} {:>14}",
            "loss", "cases", "worst rel val", "worst rel grad"
        );
        for (loss, st) in &self.by_loss {
            println!(
                "{loss:<44} {:>6} {:>14.3e} {:>14.3e}",
                st.cases, st.worst_value, st.worst_grad
            );
        }
        for f in self.failures.iter().take(40) {
            println!("FAIL {f}");
        }
    }

    /// Fails unless every case ran and passed, and there was at least one.
    pub fn assert_passed(&self) {
        assert!(
            self.failures.is_empty(),
            "{} of {} golden cases failed",
            self.failures.len(),
            self.total
        );
        assert!(self.total > 0, "no golden case ran");
    }
}
