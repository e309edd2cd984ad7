//! [`WeightsTable`]: every scheme side by side for given counts (classes × schemes).

use super::{ClassCounts, Scheme, SchemeKind};
use crate::error::Result;
use std::fmt;

/// Class weights of several schemes for the same counts: one row per class, one column per
/// scheme. `Display` prints an aligned text table (precision from the formatter, 4 by default:
/// `format!("{table:.6}")`), [`Self::to_html`] an HTML table for notebooks, and, with the
/// `polars` feature, `to_dataframe` a polars `DataFrame`.
///
/// A scheme whose vector is no class weights ([`Scheme::kind`]: LDAM's margins, the logit
/// offsets) is a column like the others, and its header says what it holds: the scheme's name
/// followed by its kind in brackets, `ldam_margins(0.5) [margin]`,
/// `logit_adjustment(1.0) [logit offset]` ([`Self::headers`]); a class-weight column's header is
/// the scheme's name alone.
///
/// # Example
/// ```
/// use reweigh::schemes::{ClassCounts, Scheme, WeightsTable};
/// let counts = ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap();
/// let t = WeightsTable::new(&counts, &[Scheme::Frequency, Scheme::Balanced]).unwrap();
/// let text = format!("{t:.3}");
/// assert!(text.lines().next().unwrap().contains("balanced"));
/// assert!(text.contains("2.040"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct WeightsTable {
    classes: Vec<i64>,
    counts: Vec<f64>,
    columns: Vec<(String, Vec<f64>)>,
    kinds: Vec<SchemeKind>,
}

impl WeightsTable {
    /// Computes every scheme on `counts` (in float64); the first scheme that fails is the error.
    pub fn new(counts: &ClassCounts, schemes: &[Scheme]) -> Result<Self> {
        let columns = schemes
            .iter()
            .map(|s| Ok((s.to_string(), s.weights::<f64>(counts)?.weights().to_vec())))
            .collect::<Result<Vec<_>>>()?;
        Ok(WeightsTable {
            classes: counts.classes().to_vec(),
            counts: counts.counts().to_vec(),
            columns,
            kinds: schemes.iter().map(Scheme::kind).collect(),
        })
    }

    /// Every named scheme with its default parameters ([`Scheme::all`]): the class weights,
    /// then LDAM's margins and the logit-adjustment offsets (headers tagged with their kind).
    pub fn all_schemes(counts: &ClassCounts) -> Result<Self> {
        Self::new(counts, &Scheme::all())
    }

    /// The classes (rows).
    pub fn classes(&self) -> &[i64] {
        &self.classes
    }

    /// The counts, one per class.
    pub fn counts(&self) -> &[f64] {
        &self.counts
    }

    /// `(scheme name, weights per class)` columns.
    pub fn columns(&self) -> &[(String, Vec<f64>)] {
        &self.columns
    }

    /// What each column holds, in the order of [`Self::columns`].
    pub fn kinds(&self) -> &[SchemeKind] {
        &self.kinds
    }

    /// The column headers (after `class` and `count`): a scheme's name, followed by
    /// ` [margin]` or ` [logit offset]` for a column that is no class weights.
    pub fn headers(&self) -> Vec<String> {
        self.columns
            .iter()
            .zip(&self.kinds)
            .map(|((name, _), &kind)| Self::header(name, kind))
            .collect()
    }

    /// The header of the column of a scheme displayed as `name` whose values are `kind`.
    pub(crate) fn header(name: &str, kind: SchemeKind) -> String {
        match kind {
            SchemeKind::ClassWeights => name.to_string(),
            k => format!("{name} [{}]", k.entry()),
        }
    }

    /// A table of given values: `values[j][i]` is `schemes[j]`'s value for the class
    /// `classes[i]`, the rows in any order (they are put in `counts`' sorted order; every class
    /// of `classes` is one of `counts`').
    #[cfg(feature = "polars")]
    pub(crate) fn from_values(
        counts: &ClassCounts,
        classes: &[i64],
        schemes: &[Scheme],
        values: &[Vec<f64>],
    ) -> Self {
        let row_of: std::collections::HashMap<i64, usize> =
            classes.iter().enumerate().map(|(i, &c)| (c, i)).collect();
        let rows: Vec<usize> = counts.classes().iter().map(|c| row_of[c]).collect();
        WeightsTable {
            classes: counts.classes().to_vec(),
            counts: counts.counts().to_vec(),
            columns: schemes
                .iter()
                .zip(values)
                .map(|(s, v)| (s.to_string(), rows.iter().map(|&i| v[i]).collect()))
                .collect(),
            kinds: schemes.iter().map(Scheme::kind).collect(),
        }
    }

    /// The weights of the scheme named `name` (as `Scheme` displays it, without the kind tag of
    /// [`Self::headers`]).
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, w)| w.as_slice())
    }

    /// An HTML `<table>` (header: class, count, one column per scheme as [`Self::headers`];
    /// weights to 6 decimals), for rendering in a notebook.
    pub fn to_html(&self) -> String {
        self.to_html_with_precision(6)
    }

    /// [`Self::to_html`] with weights to `precision` decimals.
    pub fn to_html_with_precision(&self, precision: usize) -> String {
        let mut s = String::from(
            "<table class=\"reweigh-weights\">\n<thead><tr><th>class</th><th>count</th>",
        );
        for name in self.headers() {
            s.push_str(&format!("<th>{}</th>", html_escape(&name)));
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for (i, c) in self.classes.iter().enumerate() {
            s.push_str(&format!("<tr><td>{c}</td><td>{}</td>", self.counts[i]));
            for (_, w) in &self.columns {
                s.push_str(&format!("<td>{:.*}</td>", precision, w[i]));
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody>\n</table>");
        s
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl fmt::Display for WeightsTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(4);
        let headers = self.headers();
        let mut header = vec!["class", "count"];
        header.extend(headers.iter().map(String::as_str));
        let rows: Vec<Vec<String>> = (0..self.classes.len())
            .map(|i| {
                let mut r = vec![self.classes[i].to_string(), self.counts[i].to_string()];
                r.extend(self.columns.iter().map(|(_, w)| format!("{:.*}", p, w[i])));
                r
            })
            .collect();
        f.write_str(&crate::format::text_table(&header, &rows))
    }
}
