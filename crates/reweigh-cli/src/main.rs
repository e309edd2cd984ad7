//! `reweigh`, the command line (clap).
//!
//! ```text
//! reweigh                                  # the main job (= reweigh reproduce): REPRODUCTIONS.md
//! reweigh reproduce [--check] [--out DIR]
//! reweigh weights --counts 198,436,710,272 [--scheme balanced,log_smoothed(mu=0.15)] [--format keras]
//! reweigh weights --labels FILE [--column NAME] [--multi-label] [--format table|keras|torch|json|csv]
//! ```
//!
//! A bad argument is a usage error (exit status 2); an input reweigh cannot use (a missing file
//! or column, a non-integer or negative label, an unknown scheme, bad counts) prints `error: …`
//! naming it and exits with status 1; `--help` and `--version` exit 0.

mod format;
mod read;
mod reproduce;
mod weights;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// The command line: with no subcommand the binary reproduces, so `cargo run --release` is the
/// main job.
#[derive(Parser, Debug)]
#[command(
    name = "reweigh",
    version,
    about = "Class weights for imbalanced data, and reweigh's reproduction suite",
    long_about = "Class weights for imbalanced data (`reweigh weights`), and reweigh's \
                  reproduction suite (`reweigh reproduce`, the default: evaluates every claim \
                  of the ledger and writes REPRODUCTIONS.md).",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    reproduce: reproduce::ReproduceArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Evaluate every claim of the reproduction ledger and write REPRODUCTIONS.md and
    /// reproductions/*.svg (the default when no subcommand is given).
    Reproduce(reproduce::ReproduceArgs),
    /// Class counts and the weights of one or more schemes, from counts or from a label file
    /// (CSV, Parquet, Arrow IPC), as a table or as the text to paste into Keras or PyTorch.
    Weights(weights::WeightsArgs),
}

fn main() -> ExitCode {
    // clap reads arguments as OsStrings (a non-UTF-8 path is fine; a bad argument is a usage
    // error with exit status 2; --help and --version exit 0).
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Reproduce(args)) => reproduce::run(&args),
        None => reproduce::run(&cli.reproduce),
        Some(Command::Weights(args)) => match weights::run(&args) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
