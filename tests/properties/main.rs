//! The property suite: random shapes (0 and 1 included), layouts (reversed, strided, transposed),
//! extreme values (±1e30, ±88, ±1e4, subnormals, NaN, ±∞), options and reductions, over every
//! public loss, scheme, sample-weight function, resampler and metric of the core.
//!
//! A test binary of its own (`harness = false`): it runs every property of the modules below
//! with proptest's [`TestRunner`], prints one line per property (cases run, time) and the total,
//! and exits non-zero when a property fails, printing the minimal (shrunk) input. A failure found
//! here becomes a regression test in the table-driven tests (`tests/robustness.rs`).
//!
//! Run it in release mode (CI does; about 100,000 cases in a few minutes on 2 cores):
//!
//! ```text
//! cargo test --release -p reweigh --no-default-features --test properties
//! ```
//!
//! Environment: `REWEIGH_PROPERTY_SCALE` multiplies every property's case count (default 1; use
//! 0.01 for a smoke run); `PROPTEST_RNG_SEED` picks the seed (default: a fixed seed, so a CI run
//! is repeatable; set it to explore other inputs); `REWEIGH_PROPERTY_FILTER` runs only the
//! properties whose name contains it.

use std::time::Instant;

use proptest::test_runner::{Config, RngSeed, TestError, TestRunner};

mod strategies;

mod losses;
mod schemes;

/// One property: a name, its case count at scale 1, and the function that runs it on a runner
/// (usually `runner.run(&strategy, |input| ..)`), returning proptest's error on failure.
pub struct Property {
    pub name: &'static str,
    pub cases: u32,
    pub run: fn(&mut TestRunner) -> Result<(), String>,
}

/// Turns a proptest failure (with its shrunk input) into the message the harness prints.
pub fn failure<T: std::fmt::Debug>(result: Result<(), TestError<T>>) -> Result<(), String> {
    result.map_err(|e| e.to_string())
}

fn main() {
    let scale: f64 = std::env::var("REWEIGH_PROPERTY_SCALE")
        .ok()
        .map(|s| s.parse().expect("REWEIGH_PROPERTY_SCALE is a number"))
        .unwrap_or(1.0);
    let filter = std::env::var("REWEIGH_PROPERTY_FILTER").unwrap_or_default();
    let seed = match std::env::var("PROPTEST_RNG_SEED") {
        Ok(s) => RngSeed::Fixed(s.parse().expect("PROPTEST_RNG_SEED is an integer")),
        Err(_) => RngSeed::Fixed(0x5EED_2026),
    };
    // `cargo test` passes harness flags (`--nocapture`, a filter, ...); they are ignored here.
    let mut properties: Vec<Property> = Vec::new();
    properties.extend(strategies::properties());
    properties.extend(losses::properties());
    properties.extend(schemes::properties());
    let (mut total, mut failed) = (0u64, Vec::new());
    let start = Instant::now();
    for p in properties.iter().filter(|p| p.name.contains(&filter)) {
        let cases = ((p.cases as f64 * scale).round() as u32).max(1);
        let config = Config {
            cases,
            rng_seed: seed,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let t = Instant::now();
        match (p.run)(&mut runner) {
            Ok(()) => {
                total += u64::from(cases);
                println!(
                    "property {:<60} {:>7} cases {:>8.2} s",
                    p.name,
                    cases,
                    t.elapsed().as_secs_f64()
                );
            }
            Err(e) => {
                println!("property {:<60} FAILED\n{e}", p.name);
                failed.push(p.name);
            }
        }
    }
    println!(
        "properties: {} cases passed in {:.1} s; {} failed",
        total,
        start.elapsed().as_secs_f64(),
        failed.len()
    );
    if !failed.is_empty() {
        eprintln!("failed properties: {}", failed.join(", "));
        std::process::exit(1);
    }
}
