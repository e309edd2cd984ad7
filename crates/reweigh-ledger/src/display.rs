//! Notebook display (evcxr) of the ledger's types: claims with their checks and verdict
//! badge, threads, figures, and summaries of claims. Built on the core's
//! [`Html`]; the core types display themselves (`reweigh_ledger::display`).
//!
//! ```
//! use reweigh_ledger::display::claims_table;
//! let claim = reweigh_ledger::thread_000::counts_guess();
//! assert!(claims_table(&[claim]).0.starts_with("<table"));
//! ```

use crate::figures::Figure;
use crate::{Claim, Number, SectionKind, Thread, Verdict};
pub use reweigh::display::{Html, Svg, array_html, escape, fmt_num};
use std::fmt::Write;

/// The colour of a verdict's badge.
fn verdict_colour(v: Verdict) -> &'static str {
    match v {
        Verdict::Reproduced => "#1a7f37",
        Verdict::ReproducedWithCaveat => "#9a6700",
        Verdict::Differs => "#0969da",
        Verdict::Refuted => "#cf222e",
        Verdict::NotReproducible => "#6e7781",
    }
}

fn verdict_badge(v: Verdict) -> String {
    format!(
        "<b style=\"color: {}\">{}</b>",
        verdict_colour(v),
        escape(v.name())
    )
}

fn number_cell(n: &Number) -> String {
    format!("{} = {} [{}]", n.label, fmt_num(n.value), n.source)
}

impl Claim {
    /// The claim as HTML: id and verdict, the quote and its author, the note (what the numbers
    /// show), every check (both numbers with their source, the relation, the tolerance, whether
    /// it holds and what its failure means), the inputs, and the numbers no check uses.
    pub fn to_html(&self) -> Html {
        let mut s = format!(
            "<div class=\"reweigh-claim\">\n<p><b>{}</b>: {} — {}<br>\n<small>{}</small></p>\n\
             <blockquote>{}<br>— {}</blockquote>\n",
            escape(self.id),
            verdict_badge(self.verdict),
            escape(self.verdict.meaning()),
            escape(&self.reason),
            escape(self.quote),
            escape(self.author),
        );
        if !self.note.is_empty() {
            writeln!(s, "<p>{}</p>", escape(&self.note)).unwrap();
        }
        if !self.checks.is_empty() {
            let rows = self
                .checks
                .iter()
                .map(|c| {
                    vec![
                        if c.holds { "✓" } else { "✗" }.to_string(),
                        c.what.clone(),
                        number_cell(&c.left),
                        c.relation.symbol().to_string(),
                        number_cell(&c.right),
                        c.tolerance.to_string(),
                        if c.holds {
                            String::new()
                        } else {
                            c.on_fail.name().to_string()
                        },
                    ]
                })
                .collect();
            let headers = [
                "holds",
                "check",
                "left",
                "",
                "right",
                "tolerance",
                "if it fails",
            ];
            writeln!(s, "{}", Html::table(&headers, rows).0).unwrap();
        }
        if !self.inputs.is_empty() {
            let rows = self
                .inputs
                .iter()
                .map(|i| vec![i.name.clone(), i.value.clone()])
                .collect();
            writeln!(s, "{}", Html::table(&["input", "value"], rows).0).unwrap();
        }
        let in_checks = |n: &Number| self.checks.iter().any(|c| c.left == *n || c.right == *n);
        let others: Vec<Vec<String>> = self
            .numbers
            .iter()
            .filter(|n| !in_checks(n))
            .map(|n| vec![n.label.clone(), fmt_num(n.value), n.source.to_string()])
            .collect();
        if !others.is_empty() {
            let t = Html::table(&["other numbers", "value", "source"], others);
            writeln!(s, "{}", t.0).unwrap();
        }
        s.push_str("</div>");
        Html(s)
    }

    /// Shows the claim in the notebook (evcxr's display protocol).
    pub fn evcxr_display(&self) {
        self.to_html().evcxr_display();
    }
}

impl Thread {
    /// The thread's title, original title, address and provenance, as HTML.
    pub fn to_html(&self) -> Html {
        match self.kind {
            SectionKind::Study => {
                return Html(format!(
                    "<p><b>Study</b>: <i>{}</i><br>{}</p>",
                    escape(self.title),
                    escape(self.provenance)
                ));
            }
            SectionKind::Faq => {
                return Html(format!(
                    "<p><b>{}</b><br>{}<br>source: <code>shared/{}</code></p>",
                    escape(self.title),
                    escape(self.provenance),
                    escape(self.seed)
                ));
            }
            SectionKind::Thread => {}
        }
        let mut s = format!(
            "<p><b>Thread {}</b>: <i>{}</i>",
            escape(self.id),
            escape(self.title)
        );
        if !self.seed_title.is_empty() {
            write!(s, " (seed title: {})", escape(self.seed_title)).unwrap();
        }
        if !self.link.is_empty() {
            write!(
                s,
                "<br>original: <a href=\"{0}\">{0}</a>",
                escape(self.link)
            )
            .unwrap();
        }
        write!(
            s,
            "<br>{}<br>seed file: <code>{}</code></p>",
            escape(self.provenance),
            escape(self.seed)
        )
        .unwrap();
        Html(s)
    }

    /// Shows the thread in the notebook (evcxr's display protocol).
    pub fn evcxr_display(&self) {
        self.to_html().evcxr_display();
    }
}

impl Figure {
    /// Shows the figure inline (evcxr's display protocol).
    pub fn evcxr_display(&self) {
        reweigh::display::emit("image/svg+xml", &self.svg);
    }
}

/// A summary of claims: one row per claim with its id, author, verdict and reason.
pub fn claims_table(claims: &[Claim]) -> Html {
    let rows = claims
        .iter()
        .map(|c| {
            vec![
                c.id.to_string(),
                c.author.to_string(),
                c.verdict.name().to_string(),
                c.reason.clone(),
            ]
        })
        .collect();
    Html::table(&["claim", "who", "verdict", "why"], rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_threads_and_summaries() {
        let claim = crate::thread_000::counts_guess();
        let h = claim.to_html().0;
        assert!(h.contains("<b>000-counts-guess</b>"), "{h}");
        assert!(h.contains(claim.verdict.name()), "{h}");
        assert!(h.contains("Sergiodiaz53"), "{h}");
        // one row per check, and no "other numbers" table when every number is in a check
        assert_eq!(
            h.matches("<td>✓</td>").count() + h.matches("<td>✗</td>").count(),
            claim.checks.len()
        );
        assert!(!h.contains("other numbers"), "{h}");
        let t = crate::THREAD_000.to_html().0;
        assert!(
            t.contains("http://stackoverflow.com/questions/44560549/"),
            "{t}"
        );
        let summary = claims_table(&[claim]).0;
        assert_eq!(summary.matches("<tr>").count(), 2, "{summary}");
    }
}
