//! polars in and out: class counts from a `Series` or a CSV file, every scheme side by side as a
//! `DataFrame` (feature `polars`, on by default).

use super::{ClassCounts, MultiLabelCounts, Scheme, WeightsTable};
use crate::error::{Result, ReweighError};
use polars::prelude::*;
use std::path::Path;

fn input_err(what: impl Into<String>) -> impl FnOnce(PolarsError) -> ReweighError {
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

fn column<'a>(df: &'a DataFrame, name: &str, what: &str) -> Result<&'a Series> {
    df.column(name)
        .map(|c| c.as_materialized_series())
        .map_err(input_err(what))
}

fn read_csv(path: &Path) -> Result<DataFrame> {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_parse_options(CsvParseOptions::default().with_comment_prefix(Some("#")))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish())
        .map_err(input_err(path.display().to_string()))
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

    /// Reads a CSV with a header and columns `class_col` (integer) and `count_col` (number);
    /// lines starting with `#` are comments.
    pub fn read_counts_csv(
        path: impl AsRef<Path>,
        class_col: &str,
        count_col: &str,
    ) -> Result<Self> {
        let df = read_csv(path.as_ref())?;
        let what = path.as_ref().display().to_string();
        Self::from_count_series(
            column(&df, class_col, &what)?,
            column(&df, count_col, &what)?,
        )
    }

    /// Reads a CSV with a header and counts its integer column `label_col`.
    pub fn read_labels_csv(path: impl AsRef<Path>, label_col: &str) -> Result<Self> {
        let df = read_csv(path.as_ref())?;
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

    /// Reads a CSV with a header and counts its 0/1 indicator columns `label_cols` (see
    /// [`Self::from_dataframe`]).
    pub fn read_indicator_csv(path: impl AsRef<Path>, label_cols: &[&str]) -> Result<Self> {
        Self::from_dataframe(&read_csv(path.as_ref())?, label_cols)
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
