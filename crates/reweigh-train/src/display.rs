//! Notebook display (evcxr) of the trainer's types: a [`History`] as a table of epochs. Built on
//! [`reweigh::display::Html`].

use crate::History;
use reweigh::Real;
use reweigh::display::{Html, fmt_num};

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
