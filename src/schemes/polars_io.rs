//! polars in and out (feature `polars`): class counts from a `Series`, a `DataFrame` or a CSV,
//! Parquet or Arrow IPC file, read whole; the counts and every scheme side by side as a
//! `DataFrame`, and a [`WeightsTable`] back from one. Files larger than memory are counted by the
//! lazy scans of the `polars-lazy` feature (`ClassCounts::scan_labels`).

use super::{ClassCounts, MultiLabelCounts, Scheme, SchemeKind, WeightsTable};
use crate::error::{Result, ReweighError};
use polars::prelude::*;
use std::fs::File;
use std::path::Path;

/// The file formats reweigh reads, told by the file's extension ([`FileFormat::of_path`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// `.csv` (or `.tsv`, tab-separated): a header line; lines starting with `#` are comments.
    Csv,
    /// `.parquet` or `.pq`.
    Parquet,
    /// Arrow IPC (Feather v2): `.arrow`, `.ipc` or `.feather`.
    Ipc,
}

impl FileFormat {
    /// The format of `path` from its extension (case-insensitive); any other extension is
    /// [`ReweighError::Input`] naming the ones reweigh reads.
    ///
    /// ```
    /// use reweigh::schemes::FileFormat;
    /// assert_eq!(FileFormat::of_path("labels.PARQUET").unwrap(), FileFormat::Parquet);
    /// assert!(FileFormat::of_path("labels.xlsx").unwrap_err().to_string().contains(".csv"));
    /// ```
    pub fn of_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv" | "tsv") => Ok(FileFormat::Csv),
            Some("parquet" | "pq") => Ok(FileFormat::Parquet),
            Some("arrow" | "ipc" | "feather") => Ok(FileFormat::Ipc),
            _ => Err(ReweighError::Input {
                what: path.display().to_string(),
                message: "unknown file type: the extension must be .csv, .tsv, .parquet, .pq, \
                          .arrow, .ipc or .feather"
                    .into(),
            }),
        }
    }

    /// The CSV separator of `path` (a tab for `.tsv`, else a comma).
    pub(crate) fn separator(path: &Path) -> u8 {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("tsv") => b'\t',
            _ => b',',
        }
    }
}

pub(crate) fn input_err(what: impl Into<String>) -> impl FnOnce(PolarsError) -> ReweighError {
    let what = what.into();
    move |e| ReweighError::Input {
        what,
        message: e.to_string(),
    }
}

/// The values of an integer column as `i64` (nulls are an error).
fn int_values(s: &Series, what: &str) -> Result<Vec<i64>> {
    if !s.dtype().is_integer() {
        return Err(ReweighError::Input {
            what: what.to_string(),
            message: format!(
                "column {:?} has type {}, not an integer type",
                s.name(),
                s.dtype()
            ),
        });
    }
    let c = s.cast(&DataType::Int64).map_err(input_err(what))?;
    let ca = c.i64().map_err(input_err(what))?;
    ca.iter()
        .enumerate()
        .map(|(i, v)| {
            v.ok_or_else(|| ReweighError::Input {
                what: what.to_string(),
                message: format!("null in column {:?} at row {i}", s.name()),
            })
        })
        .collect()
}

/// The values of a numeric column as `f64` (nulls are an error).
fn float_values(s: &Series, what: &str) -> Result<Vec<f64>> {
    if !s.dtype().is_primitive_numeric() {
        return Err(ReweighError::Input {
            what: what.to_string(),
            message: format!(
                "column {:?} has type {}, not a number type",
                s.name(),
                s.dtype()
            ),
        });
    }
    let c = s.cast(&DataType::Float64).map_err(input_err(what))?;
    let ca = c.f64().map_err(input_err(what))?;
    ca.iter()
        .enumerate()
        .map(|(i, v)| {
            v.ok_or_else(|| ReweighError::Input {
                what: what.to_string(),
                message: format!("null in column {:?} at row {i}", s.name()),
            })
        })
        .collect()
}

/// A missing column as an error that lists the columns there are.
pub(crate) fn no_column<'a>(
    name: &str,
    columns: impl IntoIterator<Item = &'a PlSmallStr>,
    what: &str,
) -> ReweighError {
    let names: Vec<String> = columns.into_iter().map(|c| format!("{c:?}")).collect();
    ReweighError::Input {
        what: what.to_string(),
        message: format!(
            "no column {name:?}; the columns are {}",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        ),
    }
}

fn column<'a>(df: &'a DataFrame, name: &str, what: &str) -> Result<&'a Series> {
    df.column(name)
        .map(|c| c.as_materialized_series())
        .map_err(|_| no_column(name, df.get_column_names(), what))
}

/// Reads a whole CSV (header; `#` comments), Parquet or Arrow IPC file into a `DataFrame`, the
/// format told by the extension ([`FileFormat::of_path`]).
///
/// ```
/// use reweigh::schemes::read_dataframe;
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/counts/seed000_counts.csv");
/// let df = read_dataframe(path).unwrap();
/// assert_eq!(df.shape(), (4, 3)); // class, name, count
/// ```
pub fn read_dataframe(path: impl AsRef<Path>) -> Result<DataFrame> {
    let path = path.as_ref();
    let what = path.display().to_string();
    let err = input_err(what.clone());
    match FileFormat::of_path(path)? {
        FileFormat::Csv => CsvReadOptions::default()
            .with_has_header(true)
            .with_parse_options(
                CsvParseOptions::default()
                    .with_comment_prefix(Some("#"))
                    .with_separator(FileFormat::separator(path)),
            )
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(|r| r.finish())
            .map_err(err),
        FileFormat::Parquet => File::open(path)
            .map_err(PolarsError::from)
            .and_then(|f| ParquetReader::new(f).finish())
            .map_err(err),
        FileFormat::Ipc => File::open(path)
            .map_err(PolarsError::from)
            .and_then(|f| IpcReader::new(f).finish())
            .map_err(err),
    }
}

impl ClassCounts {
    /// Counts an integer label column (`np.unique(y, return_counts=True)`).
    pub fn from_series(labels: &Series) -> Result<Self> {
        Self::from_labels(&int_values(labels, "label series")?)
    }

    /// Counts from a class column and a count column (a `{label: count}` table).
    pub fn from_count_series(classes: &Series, counts: &Series) -> Result<Self> {
        let k = int_values(classes, "class column")?;
        let n = float_values(counts, "count column")?;
        Self::from_pairs(k.into_iter().zip(n))
    }

    /// Counts the integer column `label_col` of a `DataFrame`.
    pub fn from_dataframe(df: &DataFrame, label_col: &str) -> Result<Self> {
        Self::from_series(column(df, label_col, "labels DataFrame")?)
    }

    /// Counts from a `{class: count}` table: the integer column `class_col` and the number
    /// column `count_col` of a `DataFrame` (what [`Self::to_dataframe`] writes, or the output
    /// of a group-by in any engine: `df.groupBy("label").count()` in Spark,
    /// `SELECT label, COUNT(*) ... GROUP BY label` in DataFusion).
    ///
    /// ```
    /// use reweigh::schemes::ClassCounts;
    /// let c = ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap();
    /// let df = c.to_dataframe().unwrap();
    /// assert_eq!(ClassCounts::from_counts_dataframe(&df, "class", "count").unwrap(), c);
    /// ```
    pub fn from_counts_dataframe(df: &DataFrame, class_col: &str, count_col: &str) -> Result<Self> {
        Self::from_count_series(
            column(df, class_col, "counts DataFrame")?,
            column(df, count_col, "counts DataFrame")?,
        )
    }

    /// Reads a `{class: count}` table from a CSV, Parquet or Arrow IPC file
    /// ([`read_dataframe`]): the integer column `class_col` and the number column `count_col`.
    pub fn read_counts(path: impl AsRef<Path>, class_col: &str, count_col: &str) -> Result<Self> {
        let df = read_dataframe(path.as_ref())?;
        let what = path.as_ref().display().to_string();
        Self::from_count_series(
            column(&df, class_col, &what)?,
            column(&df, count_col, &what)?,
        )
    }

    /// Reads a CSV, Parquet or Arrow IPC file whole ([`read_dataframe`]) and counts its integer
    /// column `label_col`.
    pub fn read_labels(path: impl AsRef<Path>, label_col: &str) -> Result<Self> {
        let df = read_dataframe(path.as_ref())?;
        Self::from_series(column(
            &df,
            label_col,
            &path.as_ref().display().to_string(),
        )?)
    }

    /// The counts as a two-column `DataFrame` (`class`, `count`).
    pub fn to_dataframe(&self) -> Result<DataFrame> {
        DataFrame::new_infer_height(vec![
            Column::new("class".into(), self.classes()),
            Column::new("count".into(), self.counts()),
        ])
        .map_err(input_err("counts as a DataFrame"))
    }
}

impl MultiLabelCounts {
    /// Counts the 0/1 indicator columns `label_cols` of a `DataFrame`, one column per label, in
    /// that order ([`MultiLabelCounts::from_indicator`] of the `(rows, labels)` matrix): any
    /// value other than 0 or 1, a null, or a column that is not numeric is an error.
    ///
    /// ```
    /// use polars::prelude::*;
    /// use reweigh::schemes::MultiLabelCounts;
    /// let df = df!("cat" => [1, 0, 1], "dog" => [0, 0, 1]).unwrap();
    /// let c = MultiLabelCounts::from_dataframe(&df, &["cat", "dog"]).unwrap();
    /// assert_eq!((c.positives(), c.negatives()), (&[2.0, 1.0][..], &[1.0, 2.0][..]));
    /// ```
    pub fn from_dataframe(df: &DataFrame, label_cols: &[&str]) -> Result<Self> {
        let columns = label_cols
            .iter()
            .map(|name| float_values(column(df, name, "indicator columns")?, "indicator columns"))
            .collect::<Result<Vec<_>>>()?;
        let rows = df.height();
        let y = ndarray::Array2::from_shape_fn((rows, columns.len()), |(i, j)| columns[j][i]);
        Self::from_indicator(y.view())
    }

    /// Reads a CSV, Parquet or Arrow IPC file whole ([`read_dataframe`]) and counts its 0/1
    /// indicator columns `label_cols` (see [`Self::from_dataframe`]).
    pub fn read_indicators(path: impl AsRef<Path>, label_cols: &[&str]) -> Result<Self> {
        Self::from_dataframe(&read_dataframe(path.as_ref())?, label_cols)
    }
}

impl WeightsTable {
    /// The table as a `DataFrame`: `class`, `count`, then one `f64` column per scheme, named by
    /// [`WeightsTable::headers`] (margins and logit offsets tagged with their kind).
    pub fn to_dataframe(&self) -> Result<DataFrame> {
        let mut cols = vec![
            Column::new("class".into(), self.classes()),
            Column::new("count".into(), self.counts()),
        ];
        for (name, (_, w)) in self.headers().iter().zip(self.columns()) {
            cols.push(Column::new(name.as_str().into(), w.as_slice()));
        }
        DataFrame::new_infer_height(cols).map_err(input_err("weights table as a DataFrame"))
    }

    /// A table back from its `DataFrame` ([`Self::to_dataframe`], or one a user wrote): the
    /// integer column `class`, the number column `count`, then one number column per scheme,
    /// named as [`Self::headers`] names them (a scheme in [`Scheme`]'s syntax, with its kind in
    /// brackets for margins and logit offsets). A header that is no scheme, or whose bracket
    /// does not match the scheme's kind, is [`ReweighError::Input`].
    ///
    /// ```
    /// use reweigh::schemes::{ClassCounts, Scheme, WeightsTable};
    /// let counts = ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap();
    /// let t = WeightsTable::all_schemes(&counts).unwrap();
    /// assert_eq!(WeightsTable::from_dataframe(&t.to_dataframe().unwrap()).unwrap(), t);
    /// ```
    pub fn from_dataframe(df: &DataFrame) -> Result<Self> {
        let what = "weights table DataFrame";
        let counts = ClassCounts::from_counts_dataframe(df, "class", "count")?;
        let classes = int_values(column(df, "class", what)?, what)?;
        let mut schemes = Vec::new();
        let mut columns = Vec::new();
        for name in df.get_column_names() {
            if name == "class" || name == "count" {
                continue;
            }
            let (scheme_text, tag) = match name.rsplit_once(" [") {
                Some((s, t)) => (s, t.strip_suffix(']')),
                None => (name.as_str(), None),
            };
            let bad = |message: String| ReweighError::Input {
                what: what.to_string(),
                message: format!("column {name:?}: {message}"),
            };
            let scheme: Scheme = scheme_text.parse().map_err(|e| bad(format!("{e}")))?;
            let kind = scheme.kind();
            let want = (kind != SchemeKind::ClassWeights).then(|| kind.entry());
            if tag != want {
                return Err(bad(format!(
                    "the scheme's values are {kind}, so the header must be {:?}",
                    WeightsTable::header(&scheme.to_string(), kind)
                )));
            }
            columns.push(float_values(column(df, name, what)?, what)?);
            schemes.push(scheme);
        }
        Ok(WeightsTable::from_values(
            &counts, &classes, &schemes, &columns,
        ))
    }
}

/// Every scheme in `schemes` side by side for `counts`: one row per class (`class`, `count`, one
/// column per scheme, named as [`WeightsTable::headers`]).
///
/// # Example
/// ```
/// use reweigh::schemes::{ClassCounts, Scheme, schemes_dataframe};
/// let counts = ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap();
/// let df = schemes_dataframe(&counts, &Scheme::all()).unwrap();
/// assert_eq!(df.shape(), (4, 2 + Scheme::names().len()));
/// ```
pub fn schemes_dataframe(counts: &ClassCounts, schemes: &[Scheme]) -> Result<DataFrame> {
    WeightsTable::new(counts, schemes)?.to_dataframe()
}
