//! Rendering the ledger: `REPRODUCTIONS.md` and the summary table the main job prints.

use super::claim::{Claim, Verdict};
use super::threads::{SectionKind, TOUR_NOTEBOOK, Thread, sections};
use reweigh::format::fmt_num;
use std::fmt::Write;

/// The directory, relative to `REPRODUCTIONS.md`, that holds the figures.
pub const FIGURE_DIR: &str = "reproductions";

/// How many claims have each verdict, in [`Verdict::ALL`] order.
pub fn verdict_counts(claims: &[Claim]) -> Vec<(Verdict, usize)> {
    Verdict::ALL
        .iter()
        .map(|&v| (v, claims.iter().filter(|c| c.verdict == v).count()))
        .collect()
}

/// Escapes a table cell (pipes and line breaks).
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A plain-text table of every claim (id, verdict, checks held), for a terminal.
pub fn summary_table(claims: &[Claim]) -> String {
    let w_id = claims.iter().map(|c| c.id.len()).max().unwrap_or(2).max(5);
    let w_v = Verdict::ALL
        .iter()
        .map(|v| v.name().len())
        .max()
        .unwrap_or(7);
    let mut s = String::new();
    let _ = writeln!(s, "{:<w_id$}  {:<w_v$}  checks", "claim", "verdict");
    let _ = writeln!(s, "{}  {}  ------", "-".repeat(w_id), "-".repeat(w_v));
    for c in claims {
        let held = c.checks.iter().filter(|k| k.holds).count();
        let _ = writeln!(
            s,
            "{:<w_id$}  {:<w_v$}  {held}/{}",
            c.id,
            c.verdict.name(),
            c.checks.len()
        );
    }
    let _ = writeln!(s);
    let counts: Vec<String> = verdict_counts(claims)
        .into_iter()
        .map(|(v, n)| format!("{n} {v}"))
        .collect();
    let _ = writeln!(s, "{} claims: {}", claims.len(), counts.join(", "));
    s
}

fn thread_header(s: &mut String, t: &Thread) {
    match t.kind {
        SectionKind::Thread => {
            let _ = writeln!(s, "## Thread {}: {}\n", t.id, t.title);
        }
        SectionKind::Study => {
            let _ = writeln!(s, "## Study: {}\n", t.title);
            let _ = writeln!(s, "{}  ", t.provenance);
            let _ = writeln!(s, "Notebook: [`{0}`]({0})\n", t.notebook);
            return;
        }
        SectionKind::Faq => {
            let _ = writeln!(s, "## {}\n", t.title);
            let _ = writeln!(s, "Source: `shared/{}`. {}  ", t.seed, t.provenance);
            let _ = writeln!(s, "Notebook: [`{0}`]({0})\n", t.notebook);
            return;
        }
    }
    if !t.seed_title.is_empty() {
        let _ = writeln!(s, "Seed title: {}  ", t.seed_title);
    }
    if !t.link.is_empty() {
        let _ = writeln!(s, "Original: <{}>  ", t.link);
    }
    let _ = writeln!(s, "Seed: `shared/seeds/{}`. {}  ", t.seed, t.provenance);
    let _ = writeln!(s, "Notebook: [`{0}`]({0})\n", t.notebook);
}

/// One claim's section of `REPRODUCTIONS.md` (heading, verdict, quote, inputs, checks, other
/// numbers, note, figures, notebook), e.g. for a notebook cell.
///
/// ```
/// let c = reweigh_ledger::thread_000::tf2_port();
/// let md = reweigh_ledger::render::claim_markdown(&c);
/// assert!(md.starts_with("### 000-tf2-port"));
/// ```
pub fn claim_markdown(c: &Claim) -> String {
    let mut s = String::new();
    claim_section(&mut s, c);
    s
}

fn claim_section(s: &mut String, c: &Claim) {
    let _ = writeln!(s, "### {}\n", c.id);
    let _ = writeln!(s, "**Verdict: {}** ({})\n", c.verdict, c.reason);
    for line in c.quote.lines() {
        let _ = writeln!(s, "> {line}");
    }
    let _ = writeln!(s, ">\n> — {}\n", c.author);
    if !c.inputs.is_empty() {
        let _ = writeln!(s, "Inputs:\n");
        for i in &c.inputs {
            let _ = writeln!(s, "- {}: {}", i.name, i.value);
        }
        let _ = writeln!(s);
    }
    if !c.checks.is_empty() {
        let _ = writeln!(
            s,
            "| check | left | | right | tolerance | holds | if it fails |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|---|");
        for k in &c.checks {
            let _ = writeln!(
                s,
                "| {} | {} = {} ({}) | {} | {} = {} ({}) | {} | {} | {} |",
                cell(&k.what),
                cell(&k.left.label),
                fmt_num(k.left.value),
                cell(&k.left.source.to_string()),
                k.relation.symbol(),
                cell(&k.right.label),
                fmt_num(k.right.value),
                cell(&k.right.source.to_string()),
                k.tolerance,
                if k.holds { "yes" } else { "**no**" },
                k.on_fail,
            );
        }
        let _ = writeln!(s);
    }
    let in_checks = |label: &str, value: f64| {
        c.checks.iter().any(|k| {
            (k.left.label == label && k.left.value.to_bits() == value.to_bits())
                || (k.right.label == label && k.right.value.to_bits() == value.to_bits())
        })
    };
    let extra: Vec<_> = c
        .numbers
        .iter()
        .filter(|n| !in_checks(&n.label, n.value))
        .collect();
    if !extra.is_empty() {
        let _ = writeln!(s, "| other numbers | value | source |");
        let _ = writeln!(s, "|---|---|---|");
        for n in extra {
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                cell(&n.label),
                fmt_num(n.value),
                cell(&n.source.to_string())
            );
        }
        let _ = writeln!(s);
    }
    if !c.note.is_empty() {
        let _ = writeln!(s, "{}\n", c.note);
    }
    for f in &c.figures {
        let _ = writeln!(s, "![{f}]({FIGURE_DIR}/{f})\n");
    }
    let _ = writeln!(s, "Notebook: [`{0}`]({0})\n", c.notebook);
}

/// `REPRODUCTIONS.md`: a summary, then one section per thread with every claim, its numbers,
/// checks, verdict, figures and notebook.
pub fn markdown(claims: &[Claim]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Reproductions\n");
    let _ = writeln!(
        s,
        "<!-- Generated by `cargo run --release` (crates/reweigh-cli/src/reproduce.rs): do not edit. \
         `cargo run --release -- --check` fails when this file or a figure is stale. -->\n"
    );
    let _ = writeln!(
        s,
        "Every claim of the five seed threads (`shared/seeds/`), of the long-tailed study \
         (the long-tail papers' claims) and of the FAQ (`shared/faq-digest.md`), with what reweigh computed and a verdict. Numbers come from reweigh, from faithful ports of the threads' own code \
         (`reweigh_ledger::repro`), from the real frameworks (`data/ledger/reference.json`, written by \
         `scripts/ledger/gen_reference.py`; `data/ledger/faq.json`, written by \
         `scripts/ledger/gen_faq.py`; `data/keras_experiment/`), or are quoted from the \
         thread or from a paper's table (`data/longtail/paper_tables.json`). Each claim lists the checks its numbers must pass, each with a tolerance and the \
         verdict its failure gives; the verdict is the most severe failure, or *reproduced* when \
         every check holds. Nothing in a verdict is typed by hand. The tour notebook is \
         [`{TOUR_NOTEBOOK}`]({TOUR_NOTEBOOK}).\n"
    );
    let _ = writeln!(s, "| verdict | meaning | claims |");
    let _ = writeln!(s, "|---|---|---|");
    for (v, n) in verdict_counts(claims) {
        let _ = writeln!(s, "| {v} | {} | {n} |", v.meaning());
    }
    let _ = writeln!(s, "| all | | {} |\n", claims.len());
    let _ = writeln!(s, "| claim | verdict | checks held |");
    let _ = writeln!(s, "|---|---|---|");
    for c in claims {
        let held = c.checks.iter().filter(|k| k.holds).count();
        let _ = writeln!(
            s,
            "| [{0}](#{0}) | {1} | {held}/{2} |",
            c.id,
            c.verdict,
            c.checks.len()
        );
    }
    let _ = writeln!(s);
    for t in sections() {
        thread_header(&mut s, t);
        for c in claims.iter().filter(|c| c.thread.id == t.id) {
            claim_section(&mut s, c);
        }
        if t.id == "003" {
            let study = super::breast_cancer::study();
            let _ = writeln!(
                s,
                "### The breast-cancer study
"
            );
            let _ = writeln!(
                s,
                "What the 003 claims above are judged on ({}); `reweigh_ledger::breast_cancer`. \
                 Mean ± standard deviation over the {} held-out folds; expected cost is per \
                 patient, lower is better.\n",
                study.config.describe(),
                study.config.folds * study.config.repeats
            );
            let _ = writeln!(s, "{}", study.markdown_table());
            let _ = writeln!(s, "![breast_cancer.svg]({FIGURE_DIR}/breast_cancer.svg)\n");
        }
        if t.id == super::threads::STUDY_LONGTAIL.id {
            let study = super::longtail::study();
            let _ = writeln!(s, "### The long-tailed digits study\n");
            let _ = writeln!(
                s,
                "What the claims above are judged on ({}); `reweigh_ledger::longtail`.\n",
                study.config.describe()
            );
            let _ = writeln!(s, "{}", study.markdown_report());
            let _ = writeln!(s, "![longtail.svg]({FIGURE_DIR}/longtail.svg)\n");
        }
    }
    let _ = writeln!(s, "## Figures\n");
    let _ = writeln!(
        s,
        "Drawn by `reweigh_ledger::figures` (plotters, SVG); the notebooks show the same.\n"
    );
    for (name, caption) in super::figures::captions() {
        let _ = writeln!(s, "- [`{name}`]({FIGURE_DIR}/{name}): {caption}");
    }
    s
}
