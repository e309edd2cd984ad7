//! The inputs of `reweigh weights`: counts typed on the command line, or the labels of a CSV,
//! Parquet or Arrow IPC file counted through polars' streaming engine with a progress bar.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use polars::prelude::{LazyFrame, len};
use reweigh::ReweighError;
use reweigh::schemes::{ClassCounts, FileFormat, MultiLabelCounts, scan_file};
use std::path::Path;

type Result<T> = std::result::Result<T, ReweighError>;

/// Counts as typed after `--counts`: `198,436,710,272` (classes 0..C-1) or `class:count` pairs
/// `0:198,3:272` (a group-by's output); counts may be fractional (weighted counts).
pub fn parse_counts(text: &str) -> Result<ClassCounts> {
    let bad = |item: &str, why: &str| ReweighError::Input {
        what: "--counts".into(),
        message: format!("{item:?} is not {why}"),
    };
    let items: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        return Err(ReweighError::EmptyBatch {
            what: "class counts",
        });
    }
    let number = |s: &str, item: &str| {
        s.trim().parse::<f64>().map_err(|_| {
            bad(
                item,
                "a number (counts are written 198,436,… or class:count,…)",
            )
        })
    };
    let pairs = if items.iter().any(|s| s.contains(':')) {
        items
            .iter()
            .map(|item| {
                let (class, count) = item
                    .split_once(':')
                    .ok_or_else(|| bad(item, "a class:count pair (write every count so)"))?;
                let class = class
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| bad(item, "a class:count pair with an integer class"))?;
                Ok((class, number(count, item)?))
            })
            .collect::<Result<Vec<_>>>()?
    } else {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| Ok((i as i64, number(item, item)?)))
            .collect::<Result<Vec<_>>>()?
    };
    let counts = ClassCounts::from_pairs(pairs)?;
    check_classes(&counts)?;
    Ok(counts)
}

/// Class labels are indices `0..C-1` for every framework's loss: a negative one is an error.
fn check_classes(counts: &ClassCounts) -> Result<()> {
    match counts.iter().next() {
        Some((class, n)) if class < 0 => Err(ReweighError::Input {
            what: "labels".into(),
            message: format!(
                "label {class} (count {n}) is negative: class labels are indices 0..C-1"
            ),
        }),
        _ => Ok(()),
    }
}

/// The label column of a single-label file: `--column`, else the only column, else `label`.
fn label_column(lf: &mut LazyFrame, path: &Path, column: Option<&str>) -> Result<String> {
    if let Some(c) = column {
        return Ok(c.to_string());
    }
    let names = column_names(lf, path)?;
    match names.as_slice() {
        [only] => Ok(only.clone()),
        _ if names.iter().any(|n| n == "label") => Ok("label".into()),
        _ => Err(ReweighError::Input {
            what: path.display().to_string(),
            message: format!(
                "which column holds the labels? Pass --column NAME; the columns are {}",
                names
                    .iter()
                    .map(|n| format!("{n:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

fn column_names(lf: &mut LazyFrame, path: &Path) -> Result<Vec<String>> {
    let schema = lf.collect_schema().map_err(|e| ReweighError::Input {
        what: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(schema.iter_names().map(|n| n.to_string()).collect())
}

/// A progress bar over the rows of `lf` on standard error (hidden when it is no terminal or
/// with `--quiet`): with a total for Parquet and IPC, whose row count is in their metadata, a
/// running count for CSV (counting its lines would be a pass of its own).
fn progress_bar(lf: &LazyFrame, path: &Path, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let total = match FileFormat::of_path(path) {
        Ok(FileFormat::Parquet | FileFormat::Ipc) => lf
            .clone()
            .select([len()])
            .collect()
            .ok()
            .and_then(|df| df.column("len").ok()?.get(0).ok()?.extract::<u64>()),
        _ => None,
    };
    let bar = match total {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template(
                "{bar:40} {human_pos}/{human_len} rows, {per_sec}, {eta} left",
            )
            .expect("a valid template"),
        ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{spinner} {human_pos} rows, {per_sec}")
                .expect("a valid template"),
        ),
    };
    bar.set_message(path.display().to_string());
    bar
}

/// The class counts of `path`'s label column, counted in bounded memory by a lazy scan;
/// returns the counts and the column's name.
pub fn count_labels(
    path: &Path,
    column: Option<&str>,
    quiet: bool,
) -> Result<(ClassCounts, String)> {
    let mut lf = scan_file(path)?;
    let column = label_column(&mut lf, path, column)?;
    let bar = progress_bar(&lf, path, quiet);
    let tick = bar.clone();
    let counts = ClassCounts::scan_labels_with_progress(lf, &column, move |rows| {
        tick.set_position(rows as u64)
    });
    bar.finish_and_clear();
    let counts = counts?;
    check_classes(&counts)?;
    Ok((counts, column))
}

/// The positives and negatives of `path`'s 0/1 indicator columns (`columns`, or every column),
/// counted in bounded memory by a lazy scan; returns the counts and the columns' names.
pub fn count_indicators(
    path: &Path,
    columns: &[String],
    quiet: bool,
) -> Result<(MultiLabelCounts, Vec<String>)> {
    let mut lf = scan_file(path)?;
    let columns = if columns.is_empty() {
        column_names(&mut lf, path)?
    } else {
        columns.to_vec()
    };
    let names: Vec<&str> = columns.iter().map(String::as_str).collect();
    let bar = progress_bar(&lf, path, quiet);
    let tick = bar.clone();
    let counts = MultiLabelCounts::scan_indicators_with_progress(lf, &names, move |rows| {
        tick.set_position(rows as u64)
    });
    bar.finish_and_clear();
    Ok((counts?, columns))
}
