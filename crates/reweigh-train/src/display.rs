//! Notebook display (evcxr) of the trainer's types: a [`History`] as a table of epochs, a
//! [`Finding`] with its checks and verdict. Built on [`reweigh::display::Html`].

use crate::{Check, Expect, Finding, History};
use reweigh::Real;
use reweigh::display::{Html, escape, fmt_num};

impl<F: Real> History<F> {
    /// The history as a table: one row per epoch, one column per Keras key.
    pub fn to_html(&self) -> Html {
        let keys = self.keys();
        let mut headers = vec!["epoch"];
        headers.extend(keys.iter().copied());
        let columns: Vec<Vec<F>> = keys.iter().map(|k| self.get(k).unwrap()).collect();
        let rows = (0..self.epochs())
            .map(|e| {
                let mut row = vec![(e + 1).to_string()];
                row.extend(columns.iter().map(|c| fmt_num(c[e].f64())));
                row
            })
            .collect();
        Html::table(&headers, rows)
    }

    /// Shows the history in the notebook (evcxr's display protocol).
    pub fn evcxr_display(&self) {
        self.to_html().evcxr_display();
    }
}

fn check_row(c: &Check) -> Vec<String> {
    vec![
        c.what.clone(),
        format!("{} = {}", c.left.label, fmt_num(c.left.value)),
        format!("{} = {}", c.right.label, fmt_num(c.right.value)),
        match c.expect {
            Expect::Equal => "equal",
            Expect::Differ => "differ",
        }
        .into(),
        fmt_num(c.abs_diff),
        if c.holds { "yes" } else { "no" }.into(),
    ]
}

impl Finding {
    /// The claim, its source, its checks and the verdict, as HTML.
    pub fn to_html(&self) -> Html {
        let checks = Html::table(
            &[
                "check",
                "left",
                "right",
                "claim says",
                "|left − right|",
                "holds",
            ],
            self.checks.iter().map(check_row).collect(),
        );
        Html(format!(
            "<p><b>Claim</b>: {} <i>({})</i><br><b>Verdict</b>: <b>{}</b> — {}<br>\
             <small>measured with {}; equal means within {}</small></p>\n{}",
            escape(&self.claim),
            escape(&self.source),
            self.verdict,
            escape(&self.explanation),
            escape(&self.measured_with),
            fmt_num(self.tolerance),
            checks.0
        ))
    }

    /// Shows the finding in the notebook (evcxr's display protocol).
    pub fn evcxr_display(&self) {
        self.to_html().evcxr_display();
    }
}
