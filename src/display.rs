//! Rich display in Jupyter notebooks run by the Rust kernel evcxr.
//!
//! evcxr shows a value richly when its type has a method `evcxr_display(&self)` that prints
//!
//! ```text
//! EVCXR_BEGIN_CONTENT <mime type>
//! <content>
//! EVCXR_END_CONTENT
//! ```
//!
//! to stdout; any other type is shown with `Debug`. This module gives the core's types such
//! methods (HTML tables for loss values, gradients, class counts and weights) and two wrappers:
//! [`Html`] for any HTML fragment (e.g. `Html(table.to_html())`) and [`Svg`] for a chart rendered
//! as an SVG document, shown inline. Every number is printed by [`fmt_num`], so the rendered
//! output is the same on every run. It has no dependency: the suite's crates build their own
//! displays (claims, training histories, figures) on [`Html`] and [`Svg`].
//!
//! Outside a notebook the methods just print the markup.
//!
//! ```
//! use reweigh::display::{Html, fmt_num};
//! let t = Html::table(&["class", "weight"], vec![vec!["0".into(), fmt_num(0.5)]]);
//! assert!(t.0.starts_with("<table"));
//! assert_eq!(fmt_num(1.0 / 3.0), "0.33333333");
//! ```

use crate::schemes::{ClassCounts, ClassWeights, WeightsTable};
use crate::{LossOutput, LossValue, Real};
use ndarray::{ArrayD, Ix1, Ix2};
use std::fmt::Write;

/// Numbers print with 8 significant digits, trailing zeros trimmed.
pub use crate::format::{fmt_list, fmt_num};

/// An HTML fragment, shown rendered in a notebook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Html(pub String);

/// An SVG document (e.g. a chart drawn with plotters), shown inline in a notebook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Svg(pub String);

/// Prints `content` as one evcxr display block of type `mime`.
pub fn emit(mime: &str, content: &str) {
    println!("EVCXR_BEGIN_CONTENT {mime}\n{content}\nEVCXR_END_CONTENT");
}

impl Html {
    /// Shows the fragment in the notebook (evcxr's display protocol).
    pub fn evcxr_display(&self) {
        emit("text/html", &self.0);
    }

    /// A table with a header row; cells are escaped text.
    pub fn table(headers: &[&str], rows: Vec<Vec<String>>) -> Html {
        let mut s = String::from("<table>\n<thead><tr>");
        for h in headers {
            write!(s, "<th>{}</th>", escape(h)).unwrap();
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for row in rows {
            s.push_str("<tr>");
            for cell in row {
                write!(s, "<td>{}</td>", escape(&cell)).unwrap();
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody>\n</table>");
        Html(s)
    }
}

/// A polars `DataFrame` as an HTML table (feature `polars`): one column per DataFrame column,
/// floats through [`fmt_num`], nulls as `null`.
#[cfg(feature = "polars")]
impl Html {
    /// Renders `df`; show it with `Html::frame(&df)` as a cell's last expression.
    pub fn frame(df: &polars::prelude::DataFrame) -> Html {
        use polars::prelude::AnyValue;
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let rows = (0..df.height())
            .map(|i| {
                df.columns()
                    .iter()
                    .map(|c| match c.get(i).expect("row index below the height") {
                        AnyValue::Float64(x) => fmt_num(x),
                        AnyValue::Float32(x) => fmt_num(x as f64),
                        AnyValue::String(s) => s.to_string(),
                        AnyValue::StringOwned(s) => s.to_string(),
                        AnyValue::Null => "null".into(),
                        v => v.to_string(),
                    })
                    .collect()
            })
            .collect();
        let mut html = Html::table(&names, rows);
        html.0 = format!(
            "<small>shape: ({}, {})</small>\n{}",
            df.height(),
            df.width(),
            html.0
        );
        html
    }
}

impl Svg {
    /// Shows the chart in the notebook (evcxr's display protocol).
    pub fn evcxr_display(&self) {
        emit("image/svg+xml", &self.0);
    }
}

/// Escapes `&`, `<`, `>` and `"` for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            c => s.push(c),
        }
    }
    s
}

/// An array as HTML: a number, a one-row table (1-D), a matrix (2-D), or rows of the last axis
/// labelled by their index for more dimensions.
pub fn array_html<F: Real>(a: &ArrayD<F>) -> Html {
    match a.ndim() {
        0 => Html(format!(
            "<code>{}</code>",
            fmt_num(a.iter().next().unwrap().f64())
        )),
        1 => {
            let v = a.view().into_dimensionality::<Ix1>().unwrap();
            let headers: Vec<String> = (0..v.len()).map(|i| format!("[{i}]")).collect();
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            Html::table(&headers, vec![v.iter().map(|x| fmt_num(x.f64())).collect()])
        }
        2 => {
            let m = a.view().into_dimensionality::<Ix2>().unwrap();
            let mut headers = vec![String::new()];
            headers.extend((0..m.ncols()).map(|j| format!("[:, {j}]")));
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let rows = m
                .rows()
                .into_iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut row = vec![format!("[{i}]")];
                    row.extend(r.iter().map(|x| fmt_num(x.f64())));
                    row
                })
                .collect();
            Html::table(&headers, rows)
        }
        _ => {
            let last = a.shape()[a.ndim() - 1];
            let mut headers = vec!["index".to_string()];
            headers.extend((0..last).map(|j| format!("[.., {j}]")));
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let rows = a
                .lanes(ndarray::Axis(a.ndim() - 1))
                .into_iter()
                .enumerate()
                .map(|(k, lane)| {
                    let mut index = Vec::with_capacity(a.ndim() - 1);
                    let mut rest = k;
                    for &d in a.shape()[..a.ndim() - 1].iter().rev() {
                        index.push(rest % d);
                        rest /= d;
                    }
                    index.reverse();
                    let mut row = vec![format!("{index:?}")];
                    row.extend(lane.iter().map(|x| fmt_num(x.f64())));
                    row
                })
                .collect();
            Html::table(&headers, rows)
        }
    }
}

impl<F: Real> LossValue<F> {
    /// The HTML a notebook shows: the scalar, or the per-element losses as a table.
    pub fn to_html(&self) -> Html {
        match self {
            LossValue::Scalar(v) => {
                Html(format!("<b>loss</b> = <code>{}</code>", fmt_num(v.f64())))
            }
            LossValue::PerElement(a) => Html(format!(
                "<b>loss per element</b> {:?}\n{}",
                a.shape(),
                array_html(a).0
            )),
        }
    }

    /// Shows the value in the notebook (evcxr's display protocol).
    pub fn evcxr_display(&self) {
        self.to_html().evcxr_display();
    }
}

impl<F: Real> LossOutput<F> {
    /// The HTML a notebook shows: the value and, when computed, the gradient.
    pub fn to_html(&self) -> Html {
        let mut s = self.value.to_html().0;
        if let Some(g) = &self.grad {
            write!(
                s,
                "\n<br><b>gradient</b> {:?}\n{}",
                g.shape(),
                array_html(g).0
            )
            .unwrap();
        }
        Html(s)
    }

    /// Shows the value and gradient in the notebook (evcxr's display protocol).
    pub fn evcxr_display(&self) {
        self.to_html().evcxr_display();
    }
}

impl WeightsTable {
    /// Shows the table in the notebook (evcxr's display protocol), weights to 6 decimals.
    pub fn evcxr_display(&self) {
        emit("text/html", &self.to_html());
    }
}

impl<F: Real> ClassWeights<F> {
    /// The scheme's name and one row per class with its weight (or margin, or logit offset:
    /// the column is named by [`ClassWeights::kind`]).
    pub fn to_html(&self) -> Html {
        let rows = self
            .iter()
            .map(|(c, w)| vec![c.to_string(), fmt_num(w.f64())])
            .collect();
        let t = Html::table(&["class", self.kind().entry()], rows);
        Html(format!("<b>{}</b>\n{}", escape(self.scheme()), t.0))
    }

    /// Shows the weights in the notebook (evcxr's display protocol).
    pub fn evcxr_display(&self) {
        self.to_html().evcxr_display();
    }
}

impl ClassCounts {
    /// One row per class with its count.
    pub fn to_html(&self) -> Html {
        let rows = self
            .iter()
            .map(|(c, n)| vec![c.to_string(), fmt_num(n)])
            .collect();
        Html::table(&["class", "count"], rows)
    }

    /// Shows the counts in the notebook (evcxr's display protocol).
    pub fn evcxr_display(&self) {
        self.to_html().evcxr_display();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        let t = Html::table(&["a<b"], vec![vec!["x & \"y\"".into()]]);
        assert!(t.0.contains("<th>a&lt;b</th>"));
        assert!(t.0.contains("<td>x &amp; &quot;y&quot;</td>"));
    }

    #[cfg(feature = "polars")]
    #[test]
    fn data_frames() {
        use crate::schemes::{ClassCounts, Scheme, schemes_dataframe};
        let counts = ClassCounts::from_counts(&[3, 1]).unwrap();
        let df = schemes_dataframe(&counts, &[Scheme::Balanced]).unwrap();
        let h = Html::frame(&df).0;
        assert!(h.starts_with("<small>shape: (2, 3)</small>"), "{h}");
        assert!(h.contains("<th>balanced</th>"), "{h}");
        assert!(h.contains("<td>0.66666667</td>"), "{h}");
    }

    #[test]
    fn arrays_of_any_rank() {
        let a = ndarray::array![[1.0_f32, 2.0], [3.0, 4.0]].into_dyn();
        let h = array_html(&a).0;
        assert!(h.contains("<td>[1]</td><td>3</td><td>4</td>"), "{h}");
        let c = ArrayD::<f64>::from_shape_vec(vec![2, 1, 2], vec![1.0, 2.0, 3.0, 4.0]).unwrap();
        let h = array_html(&c).0;
        assert!(h.contains("<td>[1, 0]</td><td>3</td><td>4</td>"), "{h}");
        let s = ArrayD::from_elem(vec![], 0.25_f64);
        assert_eq!(array_html(&s).0, "<code>0.25</code>");
    }
}
