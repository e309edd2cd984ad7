//! Lazy scans (feature `polars-lazy`): the labels of a CSV, Parquet or Arrow IPC file counted
//! batch by batch as polars' streaming engine reads them, in memory bounded by a batch and the
//! counts, not by the file. What `reweigh weights --labels FILE` runs.

use super::polars_io::{input_err, no_column};
use super::tally::Tally;
use super::{ClassCounts, FileFormat, MultiLabelCounts};
use crate::error::{Result, ReweighError};
use polars::prelude::*;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A lazy scan of a CSV (header; `#` comments; `.tsv` tab-separated), Parquet or Arrow IPC file,
/// the format told by the extension ([`FileFormat::of_path`]). Nothing is read but the schema
/// (and, for CSV, the lines that infer it) until the frame is collected: count its labels with
/// [`ClassCounts::scan_labels`] or [`MultiLabelCounts::scan_indicators`], or use it as any
/// polars `LazyFrame`. A file that does not exist is [`ReweighError::Input`].
///
/// ```
/// use reweigh::schemes::{ClassCounts, scan_file};
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/counts/seed000_labels.csv");
/// let counts = ClassCounts::scan_labels(scan_file(path).unwrap(), "label").unwrap();
/// assert_eq!(counts, ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap());
/// ```
pub fn scan_file(path: impl AsRef<Path>) -> Result<LazyFrame> {
    let path = path.as_ref();
    let what = path.display().to_string();
    let format = FileFormat::of_path(path)?;
    std::fs::metadata(path).map_err(|e| ReweighError::Input {
        what: what.clone(),
        message: e.to_string(),
    })?;
    let source = PlRefPath::try_from_path(path).map_err(input_err(what.clone()))?;
    match format {
        FileFormat::Csv => LazyCsvReader::new(source)
            .with_has_header(true)
            .with_comment_prefix(Some("#".into()))
            .with_separator(FileFormat::separator(path))
            .finish(),
        FileFormat::Parquet => LazyFrame::scan_parquet(source, ScanArgsParquet::default()),
        FileFormat::Ipc => LazyFrame::scan_ipc(
            source,
            IpcScanOptions::default(),
            UnifiedScanArgs::default(),
        ),
    }
    .map_err(input_err(what))
}

/// A column's type as labels or indicators take it: an integer, a float (each value checked to
/// be integral) or a boolean (0/1). Anything else is an error naming the type.
fn check_type(name: &str, dtype: &DataType, what: &str) -> Result<()> {
    if dtype.is_integer() || dtype.is_float() || dtype == &DataType::Boolean {
        return Ok(());
    }
    Err(ReweighError::Input {
        what: what.to_string(),
        message: format!(
            "column {name:?} has type {dtype}, not a number type (class labels are integers \
             0..C-1: encode other labels first)"
        ),
    })
}

/// The row of the first null of `s` (a batch starting at row `first`) as an error.
fn check_nulls(s: &Series, first: usize, what: &str) -> Result<()> {
    if s.null_count() == 0 {
        return Ok(());
    }
    let nulls = s.is_null();
    let row = nulls
        .downcast_iter()
        .flat_map(|a| a.values_iter())
        .position(|v| v);
    Err(ReweighError::Input {
        what: what.to_string(),
        message: format!(
            "null in column {:?} at row {}",
            s.name(),
            first + row.unwrap_or(0)
        ),
    })
}

/// Runs `lf`'s `columns` through the streaming engine, calling `each(batch, first_row)` for
/// every batch in row order and `progress(rows_done)` after it; the first error `each` returns
/// stops the scan and is the result. Returns the number of rows.
fn for_each_batch(
    mut lf: LazyFrame,
    columns: &[&str],
    what: &str,
    each: impl FnMut(&DataFrame, usize) -> Result<()> + Send + 'static,
    progress: impl FnMut(usize) + Send + 'static,
) -> Result<usize> {
    let schema = lf.collect_schema().map_err(input_err(what))?;
    for &name in columns {
        let dtype = schema
            .get(name)
            .ok_or_else(|| no_column(name, schema.iter_names(), what))?;
        if let Err(e) = check_type(name, dtype, what) {
            // a CSV of a header alone has string columns: say that it is empty
            let rows = lf.clone().select([len()]).collect().ok();
            let rows = rows.and_then(|df| df.column("len").ok()?.get(0).ok()?.extract::<u64>());
            return Err(match rows {
                Some(0) => ReweighError::EmptyBatch { what: "labels" },
                _ => e,
            });
        }
    }
    struct State<E, P> {
        each: E,
        progress: P,
        rows: usize,
        error: Option<ReweighError>,
    }
    let state = Arc::new(Mutex::new(State {
        each,
        progress,
        rows: 0,
        error: None,
    }));
    let shared = Arc::clone(&state);
    let callback = PlanCallback::new(move |df: DataFrame| {
        let mut s = shared.lock().unwrap_or_else(|p| p.into_inner());
        let first = s.rows;
        match (s.each)(&df, first) {
            Ok(()) => {
                s.rows += df.height();
                let rows = s.rows;
                (s.progress)(rows);
                Ok(false)
            }
            Err(e) => {
                s.error = Some(e);
                Ok(true) // stop the scan
            }
        }
    });
    lf.select(columns.iter().map(|&c| col(c)).collect::<Vec<_>>())
        .sink_batches(callback, true, None)
        .and_then(|lf| lf.collect_with_engine(Engine::Streaming))
        .map_err(input_err(what))?;
    let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
    match s.error.take() {
        Some(e) => Err(e),
        None => Ok(s.rows),
    }
}

/// Adds a batch of labels (any integer, float or boolean type; the batch starts at row `first`)
/// to `tally`.
fn tally_batch(tally: &mut Tally, s: &Series, first: usize, what: &str) -> Result<()> {
    check_nulls(s, first, what)?;
    let mut offset = first;
    if s.dtype().is_float() {
        let c = s.cast(&DataType::Float64).map_err(input_err(what))?;
        for arr in c.f64().map_err(input_err(what))?.downcast_iter() {
            tally.add_slice(arr.values().as_slice(), offset)?;
            offset += arr.len();
        }
    } else {
        let c = s.strict_cast(&DataType::Int64).map_err(input_err(what))?;
        for arr in c.i64().map_err(input_err(what))?.downcast_iter() {
            tally.add_slice(arr.values().as_slice(), offset)?;
            offset += arr.len();
        }
    }
    Ok(())
}

impl ClassCounts {
    /// Counts the labels of column `label_col` of a lazy frame ([`scan_file`], or any
    /// `LazyFrame`) through polars' streaming engine, batch by batch: the memory it takes is a
    /// batch and the counts, whatever the number of rows. The same counts as
    /// [`ClassCounts::from_labels`] of the column (polars' `value_counts`), and the same errors:
    /// a float label with a fractional part is [`ReweighError::NonIntegerLabel`] at its row; a
    /// missing column (the error lists the columns), a column that is not numeric, a null or a
    /// file polars cannot read is [`ReweighError::Input`]; no row is
    /// [`ReweighError::EmptyBatch`].
    pub fn scan_labels(lf: LazyFrame, label_col: &str) -> Result<Self> {
        Self::scan_labels_with_progress(lf, label_col, |_| {})
    }

    /// [`Self::scan_labels`], calling `progress(rows)` with the number of rows counted so far
    /// after every batch (for a progress bar).
    pub fn scan_labels_with_progress(
        lf: LazyFrame,
        label_col: &str,
        progress: impl FnMut(usize) + Send + 'static,
    ) -> Result<Self> {
        let tally = Arc::new(Mutex::new(Tally::default()));
        let shared = Arc::clone(&tally);
        let name = label_col.to_string();
        for_each_batch(
            lf,
            &[label_col],
            "labels",
            move |df, first| {
                let s = df
                    .column(&name)
                    .map_err(input_err("labels"))?
                    .as_materialized_series();
                let mut t = shared.lock().unwrap_or_else(|p| p.into_inner());
                tally_batch(&mut t, s, first, "labels")
            },
            progress,
        )?;
        let t = std::mem::take(&mut *tally.lock().unwrap_or_else(|p| p.into_inner()));
        t.into_counts()
    }
}

impl MultiLabelCounts {
    /// Counts the 0/1 indicator columns `label_cols` of a lazy frame (one column per label, in
    /// that order) through polars' streaming engine, batch by batch, in memory bounded by a
    /// batch: [`MultiLabelCounts::from_indicator`] of the `(rows, labels)` matrix. A value other
    /// than 0 or 1 (its column and row named), a null, a missing or non-numeric column is
    /// [`ReweighError::Input`]; no row is [`ReweighError::EmptyBatch`].
    ///
    /// ```
    /// use reweigh::schemes::{MultiLabelCounts, scan_file};
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/your_data/labels.csv");
    /// let cols = ["even", "prime", "at_least_5"];
    /// let c = MultiLabelCounts::scan_indicators(scan_file(path).unwrap(), &cols).unwrap();
    /// assert_eq!(c, MultiLabelCounts::read_indicators(path, &cols).unwrap());
    /// ```
    pub fn scan_indicators(lf: LazyFrame, label_cols: &[&str]) -> Result<Self> {
        Self::scan_indicators_with_progress(lf, label_cols, |_| {})
    }

    /// [`Self::scan_indicators`], calling `progress(rows)` after every batch.
    pub fn scan_indicators_with_progress(
        lf: LazyFrame,
        label_cols: &[&str],
        progress: impl FnMut(usize) + Send + 'static,
    ) -> Result<Self> {
        if label_cols.is_empty() {
            return Err(ReweighError::EmptyBatch {
                what: "indicator columns",
            });
        }
        let what = "indicator columns";
        let positives = Arc::new(Mutex::new(vec![0.0_f64; label_cols.len()]));
        let shared = Arc::clone(&positives);
        let names: Vec<String> = label_cols.iter().map(|c| c.to_string()).collect();
        let rows = for_each_batch(
            lf,
            label_cols,
            what,
            move |df, first| {
                let mut pos = shared.lock().unwrap_or_else(|p| p.into_inner());
                for (j, name) in names.iter().enumerate() {
                    let s = df
                        .column(name)
                        .map_err(input_err(what))?
                        .as_materialized_series();
                    check_nulls(s, first, what)?;
                    let c = s.cast(&DataType::Float64).map_err(input_err(what))?;
                    for (i, v) in c
                        .f64()
                        .map_err(input_err(what))?
                        .into_no_null_iter()
                        .enumerate()
                    {
                        if v == 1.0 {
                            pos[j] += 1.0;
                        } else if v != 0.0 {
                            return Err(ReweighError::Input {
                                what: what.to_string(),
                                message: format!(
                                    "value {v} in column {name:?} at row {} is not 0 or 1",
                                    first + i
                                ),
                            });
                        }
                    }
                }
                Ok(())
            },
            progress,
        )?;
        if rows == 0 {
            return Err(ReweighError::EmptyBatch { what });
        }
        let positives = positives.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let negatives: Vec<f64> = positives.iter().map(|p| rows as f64 - p).collect();
        Self::from_pos_neg(&positives, &negatives)
    }
}
