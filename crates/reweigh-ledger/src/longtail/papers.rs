//! The rows of the long-tail papers' tables that the study quotes
//! (`data/longtail/paper_tables.json`, embedded).

use crate::claim::Number;
use crate::data;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One quoted table.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct PaperTable {
    /// Authors, title, venue and arXiv version.
    pub citation: String,
    /// `"Table 2"`, ….
    pub table: String,
    /// The table's caption (verbatim, possibly shortened with "...").
    pub caption: String,
    /// `"error"`, `"balanced error"` or `"accuracy"` (percent).
    pub metric: String,
    /// Column headers (imbalance ratios).
    pub columns: Vec<String>,
    /// Row name → values, one per column.
    pub rows: BTreeMap<String, Vec<f64>>,
    /// Cui et al.'s appendix Figure 8 (only in `cui2019`).
    #[serde(default)]
    pub figure8: Option<Figure8>,
}

/// Cui et al.'s appendix heat-map, as rows.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Figure8 {
    /// What it shows.
    pub caption: String,
    /// Column headers.
    pub columns: Vec<String>,
    /// Row name → values.
    pub rows: BTreeMap<String, Vec<f64>>,
}

#[derive(Deserialize)]
struct File {
    papers: BTreeMap<String, PaperTable>,
}

/// Every quoted table by key (`cui2019`, `cao2019`, `menon2021`, `ren2020`).
pub fn tables() -> &'static BTreeMap<String, PaperTable> {
    static T: OnceLock<BTreeMap<String, PaperTable>> = OnceLock::new();
    T.get_or_init(|| {
        serde_json::from_str::<File>(data::PAPER_TABLES)
            .expect("data/longtail/paper_tables.json is well-formed")
            .papers
    })
}

/// The paper's short name, e.g. `"Cui et al. 2019"` (first author of the citation, the key's
/// year).
pub fn short_name(key: &str) -> String {
    let first = tables()[key].citation.split(',').next().unwrap_or_default();
    let year: String = key.chars().filter(char::is_ascii_digit).collect();
    format!("{first} et al. {year}")
}

/// The short name of a paper's table, e.g. `"Cui et al. 2019, Table 2"`.
pub fn source_name(key: &str) -> String {
    format!("{}, {}", short_name(key), tables()[key].table)
}

/// A quoted number: `row` at `column` of `key`'s table (or of Cui et al.'s Figure 8 when
/// `figure8`), labelled `"<row> @ <column> (<metric> %)"`.
pub fn quoted(key: &str, row: &str, column: &str, figure8: bool) -> Number {
    let t = &tables()[key];
    let (columns, rows, source) = match (&t.figure8, figure8) {
        (Some(f), true) => (
            &f.columns,
            &f.rows,
            format!("{}, appendix Figure 8", short_name(key)),
        ),
        _ => (&t.columns, &t.rows, source_name(key)),
    };
    let j = columns
        .iter()
        .position(|c| c == column)
        .unwrap_or_else(|| panic!("{key} has no column {column:?}"));
    let v = rows
        .get(row)
        .unwrap_or_else(|| panic!("{key} has no row {row:?}"))[j];
    Number::paper(format!("{row} @ {column} ({} %)", t.metric), v, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_rectangular() {
        for (key, t) in tables() {
            for (row, v) in &t.rows {
                assert_eq!(v.len(), t.columns.len(), "{key} {row}");
            }
            if let Some(f) = &t.figure8 {
                for (row, v) in &f.rows {
                    assert_eq!(v.len(), f.columns.len(), "{key} figure 8 {row}");
                }
            }
        }
        assert_eq!(source_name("cao2019"), "Cao et al. 2019, Table 2");
        let n = quoted("cui2019", "SM_0.9999", "100", true);
        assert_eq!(n.value, 27.63);
        assert_eq!(n.source.to_string(), "Cui et al. 2019, appendix Figure 8");
    }
}
