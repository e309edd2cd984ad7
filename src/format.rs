//! Fixed-precision number formatting: what makes printed numbers (notebook tables, the suite's
//! REPRODUCTIONS.md and snapshots) byte-stable.

/// Formats a number for the ledger: integers exactly; other numbers in `[1e-4, 1e9)` with 8
/// significant digits; the rest in scientific notation with 8 significant digits; trailing zeros
/// trimmed. NaN and infinities are spelled out.
///
/// ```
/// use reweigh::format::fmt_num;
/// assert_eq!(fmt_num(1616.0), "1616");
/// assert_eq!(fmt_num(0.7787589430809021), "0.77875894");
/// assert_eq!(fmt_num(198.0 / 1616.0), "0.12252475");
/// assert_eq!(fmt_num(1.1641532182693481e-10), "1.1641532e-10");
/// assert_eq!(fmt_num(0.5), "0.5");
/// assert_eq!(fmt_num(-0.0), "0");
/// ```
pub fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let a = v.abs();
    if v.fract() == 0.0 && a < 1e15 {
        return format!("{v:.0}");
    }
    if (1e-4..1e9).contains(&a) {
        let exponent = a.log10().floor() as i32;
        let decimals = (7 - exponent).max(0) as usize;
        trim_zeros(&format!("{v:.decimals$}"))
    } else {
        let s = format!("{v:.7e}");
        let (mantissa, exp) = s.split_once('e').expect("scientific notation has an e");
        format!("{}e{exp}", trim_zeros(mantissa))
    }
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// Formats a list of numbers as `[a, b, c]` with [`fmt_num`].
pub fn fmt_list(values: impl IntoIterator<Item = f64>) -> String {
    let parts: Vec<String> = values.into_iter().map(fmt_num).collect();
    format!("[{}]", parts.join(", "))
}

/// An aligned plain-text table: each column right-aligned to its widest cell, columns two
/// spaces apart, one line per row after the header (what `WeightsTable` prints and the command
/// line's tables).
///
/// ```
/// use reweigh::format::text_table;
/// let t = text_table(&["class", "count"], &[vec!["0".into(), "198".into()]]);
/// assert_eq!(t, "class  count\n    0    198\n");
/// ```
pub fn text_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|j| {
            rows.iter()
                .filter_map(|r| r.get(j).map(|c| c.chars().count()))
                .chain([header[j].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let cells: Vec<String> = cells
            .zip(&widths)
            .map(|(c, &w)| format!("{c:>w$}"))
            .collect();
        cells.join("  ") + "\n"
    };
    let mut out = line(&mut header.iter().copied());
    for r in rows {
        out.push_str(&line(&mut r.iter().map(String::as_str)));
    }
    out
}
