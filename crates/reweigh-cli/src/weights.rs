//! `reweigh weights`: class counts and the weights of the requested schemes.

use crate::format::{self, Format};
use crate::read;
use clap::{ArgGroup, Args};
use reweigh::ReweighError;
use reweigh::schemes::Scheme;
use std::path::PathBuf;

/// `reweigh weights (--counts COUNTS | --labels FILE [--column NAME] [--multi-label]) [--scheme
/// …] [--format …]`.
#[derive(Args, Debug)]
#[command(group(ArgGroup::new("input").required(true).args(["counts", "labels"])))]
pub struct WeightsArgs {
    /// Class counts: `198,436,710,272` (classes 0..C-1) or class:count pairs `0:198,3:272` (for
    /// counts from a group-by in any engine: Spark, DataFusion, SQL).
    #[arg(long, value_name = "COUNTS", allow_hyphen_values = true)]
    counts: Option<String>,
    /// A file of labels: CSV (.csv, .tsv; a header line), Parquet (.parquet, .pq) or Arrow IPC
    /// (.arrow, .ipc, .feather), read by polars' streaming engine in bounded memory.
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
    /// The label column (default: the only column, else `label`); with --multi-label, the 0/1
    /// indicator columns, comma-separated (default: every column).
    #[arg(
        long,
        value_name = "NAME[,NAME...]",
        value_delimiter = ',',
        requires = "labels"
    )]
    column: Vec<String>,
    /// Multi-label: the columns are 0/1 indicators, one per label; prints each label's
    /// positives, negatives and pos_weight = negatives / positives.
    #[arg(long, requires = "labels", conflicts_with_all = ["counts", "scheme"])]
    multi_label: bool,
    /// With --multi-label: the largest pos_weight (also the weight of a label with no positive).
    #[arg(long, value_name = "CAP", requires = "multi_label")]
    pos_weight_cap: Option<f64>,
    /// The schemes, comma-separated, with parameters by name or position:
    /// `balanced,log_smoothed(mu=0.15),effective_number(beta=0.999)`; `all` for every scheme.
    #[arg(long, value_name = "NAME[,NAME...]", default_value = "balanced")]
    scheme: String,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// No progress bar while reading a file.
    #[arg(long)]
    quiet: bool,
}

/// `--scheme`'s list: split at the commas outside parentheses (`log_smoothed(mu=0.3, floor=0.5)`
/// is one scheme), each parsed by [`Scheme`]'s `FromStr`; `all` is [`Scheme::all`].
pub fn parse_schemes(text: &str) -> Result<Vec<Scheme>, ReweighError> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0_i32, 0);
    for (i, ch) in text.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    let mut schemes = Vec::new();
    for item in items.into_iter().map(str::trim).filter(|s| !s.is_empty()) {
        if item.eq_ignore_ascii_case("all") {
            schemes.extend(Scheme::all());
        } else {
            schemes.push(item.parse()?);
        }
    }
    if schemes.is_empty() {
        return Err(ReweighError::EmptyBatch { what: "--scheme" });
    }
    Ok(schemes)
}

/// Runs the command: the text to print, or the error that names the problem.
pub fn run(args: &WeightsArgs) -> Result<String, ReweighError> {
    if args.multi_label {
        let Some(path) = args.labels.as_deref() else {
            return Err(ReweighError::Incompatible(
                "--multi-label reads the indicator columns of a --labels file".into(),
            ));
        };
        let (counts, names) = read::count_indicators(path, &args.column, args.quiet)?;
        let source = path.display().to_string();
        return format::multi(&names, &counts, args.pos_weight_cap, args.format, &source);
    }
    // the schemes first: a typo fails before a long read
    let schemes = parse_schemes(&args.scheme)?;
    if args.column.len() > 1 {
        return Err(ReweighError::Incompatible(
            "several --column names need --multi-label (single-label counts read one column)"
                .into(),
        ));
    }
    let (counts, source) = match (&args.counts, &args.labels) {
        (Some(text), _) => (read::parse_counts(text)?, "--counts".to_string()),
        (None, Some(path)) => {
            let column = args.column.first().map(String::as_str);
            let (counts, column) = read::count_labels(path, column, args.quiet)?;
            (counts, format!("{}, column {column:?}", path.display()))
        }
        (None, None) => {
            return Err(ReweighError::Incompatible(
                "give the counts (--counts) or a label file (--labels)".into(),
            ));
        }
    };
    format::single(&counts, &schemes, args.format, &source)
}
