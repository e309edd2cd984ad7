//! What `reweigh weights` prints: a table, or the exact text to paste into Keras, PyTorch, a
//! JSON reader or a spreadsheet.

use clap::ValueEnum;
use reweigh::ReweighError;
use reweigh::format::text_table;
use reweigh::schemes::{
    ClassCounts, ClassWeights, MultiLabelCounts, Scheme, SchemeKind, WeightsTable,
};
use serde_json::{Value, json};
use std::fmt::Write;

/// The columns of the multi-label outputs.
const MULTI_HEADER: [&str; 4] = ["label", "positives", "negatives", "pos_weight"];

type Result<T> = std::result::Result<T, ReweighError>;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// An aligned table: the counts, then one column per scheme (6 decimals).
    Table,
    /// `class_weight = {0: …, 1: …}` for Keras `model.fit(class_weight=class_weight)`.
    Keras,
    /// `weight = torch.tensor([…])` for `nn.CrossEntropyLoss(weight=weight)` (float32; for
    /// --multi-label, `pos_weight` for `nn.BCEWithLogitsLoss(pos_weight=pos_weight)`).
    Torch,
    /// One JSON object: `classes`, `counts` and `schemes` (each scheme's `scheme`, `classes`,
    /// `weights`, and `kind` for margins and logit offsets).
    Json,
    /// CSV: `class,count`, then one column per scheme (full precision).
    Csv,
}

/// The variable a scheme's vector is pasted as, by its kind, and what takes it.
fn target(kind: SchemeKind, format: Format) -> (&'static str, &'static str) {
    match (kind, format) {
        (SchemeKind::ClassWeights, Format::Keras) => {
            ("class_weight", "model.fit(..., class_weight=class_weight)")
        }
        (SchemeKind::ClassWeights, _) => ("weight", "nn.CrossEntropyLoss(weight=weight)"),
        (SchemeKind::Margins, _) => ("m_list", "LDAM's per-class margins (no class_weight)"),
        (SchemeKind::LogitOffsets, _) => (
            "logit_offsets",
            "added to the logits in training (no class_weight)",
        ),
    }
}

/// A number as JSON: a whole count as an integer, anything else as a float.
fn json_number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

/// The single-label output: the counts (from `source`, a line saying where they came from) and
/// the vector of each scheme.
pub fn single(
    counts: &ClassCounts,
    schemes: &[Scheme],
    format: Format,
    source: &str,
) -> Result<String> {
    let mut out = String::new();
    match format {
        Format::Table => {
            let table = WeightsTable::new(counts, schemes)?;
            writeln!(
                out,
                "{} classes, {} labels ({source})\n",
                counts.num_classes(),
                counts.total()
            )
            .ok();
            write!(out, "{table:.6}").ok();
        }
        Format::Keras | Format::Torch => {
            for scheme in schemes {
                let (name, takes) = target(scheme.kind(), format);
                let text = if format == Format::Keras {
                    scheme.weights::<f64>(counts)?.to_keras_dict()
                } else {
                    scheme.weights::<f32>(counts)?.to_torch_tensor()?
                };
                writeln!(out, "# {scheme}: {takes}\n{name} = {text}").ok();
            }
        }
        Format::Json => {
            let weights = schemes
                .iter()
                .map(|s| s.weights::<f64>(counts))
                .collect::<Result<Vec<ClassWeights<f64>>>>()?;
            let value = json!({
                "classes": counts.classes(),
                "counts": counts.counts().iter().map(|&c| json_number(c)).collect::<Vec<_>>(),
                "schemes": weights,
            });
            writeln!(out, "{value}").ok();
        }
        Format::Csv => {
            let table = WeightsTable::new(counts, schemes)?;
            let mut header = vec!["class".to_string(), "count".to_string()];
            header.extend(table.headers());
            write_csv_row(&mut out, &header);
            for (i, (class, count)) in counts.iter().enumerate() {
                let mut row = vec![class.to_string(), format!("{count}")];
                row.extend(table.columns().iter().map(|(_, w)| format!("{:?}", w[i])));
                write_csv_row(&mut out, &row);
            }
        }
    }
    Ok(out)
}

/// A CSV row, quoting the fields that hold a comma or a quote (RFC 4180).
fn write_csv_row(out: &mut String, fields: &[String]) {
    let cells: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect();
    writeln!(out, "{}", cells.join(",")).ok();
}

/// The multi-label output: each label's positives, negatives and `pos_weight` (negatives over
/// positives, capped at `cap` when given).
pub fn multi(
    names: &[String],
    counts: &MultiLabelCounts,
    cap: Option<f64>,
    format: Format,
    source: &str,
) -> Result<String> {
    let pw = reweigh::schemes::pos_weight::<f64>(counts, cap)?;
    let rows = counts.positives()[0] + counts.negatives()[0];
    let mut out = String::new();
    match format {
        Format::Table => {
            writeln!(out, "{} labels, {rows} rows ({source})\n", names.len()).ok();
            let rows: Vec<Vec<String>> = names
                .iter()
                .enumerate()
                .map(|(j, n)| {
                    vec![
                        n.clone(),
                        counts.positives()[j].to_string(),
                        counts.negatives()[j].to_string(),
                        format!("{:.6}", pw[j]),
                    ]
                })
                .collect();
            out.push_str(&text_table(&MULTI_HEADER, &rows));
        }
        Format::Torch => {
            let pw32 = pw.mapv(|w| w as f32);
            let items: Vec<String> = pw32.iter().map(|w| format!("{w:?}")).collect();
            writeln!(
                out,
                "# labels {}: nn.BCEWithLogitsLoss(pos_weight=pos_weight)\n\
                 pos_weight = torch.tensor([{}], dtype=torch.float32)",
                names.join(", "),
                items.join(", ")
            )
            .ok();
        }
        Format::Keras => {
            let items: Vec<String> = pw.iter().map(|w| format!("{w:?}")).collect();
            writeln!(
                out,
                "# labels {}: Keras has no pos_weight argument; \
                 tf.nn.weighted_cross_entropy_with_logits(labels, logits, pos_weight=pos_weight)\n\
                 pos_weight = [{}]",
                names.join(", "),
                items.join(", ")
            )
            .ok();
        }
        Format::Json => {
            let value = json!({
                "labels": names,
                "positives": counts.positives().iter().map(|&c| json_number(c)).collect::<Vec<_>>(),
                "negatives": counts.negatives().iter().map(|&c| json_number(c)).collect::<Vec<_>>(),
                "pos_weight": pw.to_vec(),
            });
            writeln!(out, "{value}").ok();
        }
        Format::Csv => {
            write_csv_row(&mut out, &MULTI_HEADER.map(String::from));
            for (j, n) in names.iter().enumerate() {
                write_csv_row(
                    &mut out,
                    &[
                        n.clone(),
                        counts.positives()[j].to_string(),
                        counts.negatives()[j].to_string(),
                        format!("{:?}", pw[j]),
                    ],
                );
            }
        }
    }
    Ok(out)
}
