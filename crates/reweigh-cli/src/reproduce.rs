//! `reweigh reproduce`, the main job: evaluates every claim of the reproduction ledger, prints a
//! summary table and writes `REPRODUCTIONS.md` and the figures in `reproductions/`.
//!
//! ```text
//! cargo run --release                 # evaluate, print, write REPRODUCTIONS.md + reproductions/*.svg
//! cargo run --release -- --check      # evaluate and fail (exit 1) if the committed files are stale
//! cargo run --release -- --out DIR    # write (or check) under DIR instead of the workspace root
//! cargo run --release -- reproduce …  # the same, by name
//! cargo run --release -- --help
//! ```

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use reweigh_ledger as ledger;
use reweigh_ledger::{breast_cancer, figures, longtail, render};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// `reweigh reproduce [--check] [--out DIR]` (also what `reweigh` with no subcommand runs).
#[derive(Args, Debug)]
pub struct ReproduceArgs {
    /// Evaluate and fail (exit 1) if the committed REPRODUCTIONS.md or figures are stale,
    /// writing nothing.
    #[arg(long)]
    check: bool,
    /// Write (or check) under DIR instead of the workspace root.
    #[arg(long, value_name = "DIR", default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))]
    out: PathBuf,
}

/// What the job writes: (path relative to the output directory, contents).
fn outputs(progress: &ProgressBar) -> (Vec<ledger::Claim>, Vec<(PathBuf, String)>) {
    progress.set_message("breast-cancer cross-validation");
    let before = progress.position();
    breast_cancer::study_with_progress(|done| progress.set_position(before + done as u64));
    progress.set_message("long-tailed digits study");
    let before = progress.position();
    longtail::study_with_progress(&|done| progress.set_position(before + done as u64));
    let entries = ledger::registry();
    let mut claims = Vec::with_capacity(entries.len());
    for e in &entries {
        progress.set_message(e.id);
        claims.push((e.evaluate)());
        progress.inc(1);
    }
    progress.set_message("figures");
    let mut files = vec![(PathBuf::from("REPRODUCTIONS.md"), render::markdown(&claims))];
    for f in figures::all() {
        files.push((Path::new(render::FIGURE_DIR).join(f.name), f.svg));
        progress.inc(1);
    }
    (claims, files)
}

/// Paths of committed outputs that differ from (or are missing against) the generated ones, and
/// stray figures that the job no longer generates.
fn stale(out: &Path, files: &[(PathBuf, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (rel, text) in files {
        match std::fs::read(out.join(rel)) {
            Ok(bytes) if bytes == text.as_bytes() => {}
            Ok(_) => problems.push(format!("{} differs", rel.display())),
            Err(_) => problems.push(format!("{} is missing", rel.display())),
        }
    }
    if let Ok(dir) = std::fs::read_dir(out.join(render::FIGURE_DIR)) {
        let mut names: Vec<String> = dir
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let rel = Path::new(render::FIGURE_DIR).join(&name);
            if !files.iter().any(|(p, _)| *p == rel) {
                problems.push(format!("{} is not generated any more", rel.display()));
            }
        }
    }
    problems
}

/// Runs the main job (exit status 1 when `--check` finds stale files or a file cannot be
/// written).
pub fn run(args: &ReproduceArgs) -> ExitCode {
    let start = Instant::now();
    let total = breast_cancer::fits(&breast_cancer::StudyConfig::default())
        + longtail::StudyConfig::default().fits()
        + ledger::registry().len()
        + figures::names().len();
    let progress = ProgressBar::new(total as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}").expect("a valid template"),
    );
    let (claims, files) = outputs(&progress);
    progress.finish_and_clear();
    print!("{}", render::summary_table(&claims));
    let study = breast_cancer::study();
    println!(
        "\nbreast-cancer study (seed 003), mean ± std over {} held-out folds:\n{}",
        study.config.folds * study.config.repeats,
        study.markdown_table()
    );
    let elapsed = start.elapsed().as_secs_f64();
    if args.check {
        let problems = stale(&args.out, &files);
        if problems.is_empty() {
            eprintln!(
                "REPRODUCTIONS.md and {} figures are up to date ({elapsed:.1} s)",
                files.len() - 1
            );
            return ExitCode::SUCCESS;
        }
        for p in &problems {
            eprintln!("stale: {p}");
        }
        eprintln!("run `cargo run --release` and commit REPRODUCTIONS.md and reproductions/");
        return ExitCode::FAILURE;
    }
    for (rel, text) in &files {
        let path = args.out.join(rel);
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            eprintln!("cannot create {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    eprintln!(
        "wrote REPRODUCTIONS.md and {} figures in reproductions/ ({elapsed:.1} s)",
        files.len() - 1
    );
    ExitCode::SUCCESS
}
