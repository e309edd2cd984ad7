//! The `reweigh` binary run for real on counts and on label files the tests write (CSV, TSV,
//! Parquet, Arrow IPC): outputs in every format against the library and against scikit-learn's
//! weights, errors with their exit status, and the README's examples.
//!
//! The binary is cargo's own build of it (`CARGO_BIN_EXE_reweigh`), run with std's `Command`;
//! the dev-dependencies are kept to insta and tempfile, which change no feature of the crates
//! the binary shares with `cargo run --release`, so that these release tests and the main job
//! build polars once (assert_cmd and rstest would re-enable features of regex-automata and syn
//! and so rebuild most of polars a second time).

use polars::prelude::*;
use reweigh::schemes::{ClassCounts, MultiLabelCounts, Scheme};
use std::path::{Path, PathBuf};
use std::process::Command;

fn reweigh() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reweigh"))
}

/// Runs `reweigh` with `args`; returns (exit status, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = reweigh().args(args).output().expect("reweigh runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

/// stdout of a run that must succeed.
fn ok(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "reweigh {args:?} failed: {err}");
    out
}

/// stderr of a run that must fail with `code`.
fn fails(args: &[&str], code: i32) -> String {
    let (got, out, err) = run(args);
    assert_eq!(
        got, code,
        "reweigh {args:?}: stdout {out:?}, stderr {err:?}"
    );
    assert!(
        out.is_empty(),
        "reweigh {args:?} printed {out:?} before failing"
    );
    err
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

const SEED000: &str = "198,436,710,272";

/// The seed-000 labels (198/436/710/272 of classes 0..3, interleaved) as a DataFrame with a
/// label column of the given type and a second column, so that `--column` matters.
fn seed000_frame(dtype: &DataType) -> DataFrame {
    let counts = [198_usize, 436, 710, 272];
    let mut labels: Vec<i64> = Vec::new();
    for (c, &n) in counts.iter().enumerate() {
        labels.extend(std::iter::repeat_n(c as i64, n));
    }
    labels.reverse();
    let ids: Vec<i64> = (0..labels.len() as i64).collect();
    let label = Series::new("label".into(), labels).cast(dtype).unwrap();
    DataFrame::new_infer_height(vec![Column::new("id".into(), ids), label.into()]).unwrap()
}

fn write(dir: &Path, name: &str, df: &mut DataFrame) -> PathBuf {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).unwrap();
    match path.extension().and_then(|e| e.to_str()) {
        Some("csv") => CsvWriter::new(&mut file).finish(df).unwrap(),
        Some("tsv") => CsvWriter::new(&mut file)
            .with_separator(b'\t')
            .finish(df)
            .unwrap(),
        Some("parquet") => {
            ParquetWriter::new(&mut file).finish(df).unwrap();
        }
        Some("arrow") => IpcWriter::new(&mut file).finish(df).unwrap(),
        other => panic!("no writer for {other:?}"),
    }
    path
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn help_and_version_exit_zero() {
    let top = ok(&["--help"]);
    assert!(
        top.contains("weights") && top.contains("reproduce"),
        "{top}"
    );
    let weights = ok(&["weights", "--help"]);
    for flag in [
        "--counts",
        "--labels",
        "--column",
        "--multi-label",
        "--scheme",
        "--format",
    ] {
        assert!(weights.contains(flag), "weights --help lacks {flag}");
    }
    assert!(ok(&["reproduce", "--help"]).contains("--check"));
    assert!(ok(&["--version"]).starts_with("reweigh "));
}

/// The seed-000 counts in every format: scikit-learn's `compute_class_weight("balanced")`
/// (2.0404…, 0.9266…, 0.5690…, 1.4852…, data/reference/schemes.json) and the
/// log-smoothed weights of the seed-001 answer, locked by snapshots.
#[test]
fn seed000_counts_in_every_format() {
    for format in FORMATS {
        seed000_counts_in(format);
    }
}

const FORMATS: [&str; 5] = ["table", "keras", "torch", "json", "csv"];

fn seed000_counts_in(format: &str) {
    let out = ok(&[
        "weights",
        "--counts",
        SEED000,
        "--scheme",
        "balanced,log_smoothed(mu=0.15),ldam_margins",
        "--format",
        format,
    ]);
    snapshot(&format!("weights@seed000_{format}"), &out);
    let balanced = Scheme::Balanced
        .weights::<f64>(&ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap())
        .unwrap();
    assert_eq!(balanced.get(0), Some(2.04040404040404));
    match format {
        "keras" => assert!(out.contains(&format!("class_weight = {}", balanced.to_keras_dict()))),
        "json" => {
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["counts"], serde_json::json!([198, 436, 710, 272]));
            assert_eq!(v["schemes"][0]["weights"][0], 2.04040404040404);
            assert_eq!(v["schemes"][2]["kind"], "margins");
        }
        "torch" => assert!(out.contains("weight = torch.tensor([2.040404, 0.9266055, 0.5690141, 1.4852941], dtype=torch.float32)")),
        _ => {}
    }
}

/// The counts of a label file, in every format polars reads and with labels of every numeric
/// type, equal `--counts` of the same counts; class:count pairs (a group-by's output) too.
#[test]
fn label_files_count_like_the_counts() {
    for (name, dtype) in [
        ("labels.csv", DataType::Int64),
        ("labels.tsv", DataType::Int32),
        ("labels.parquet", DataType::UInt8),
        ("labels.parquet", DataType::Float64),
        ("labels.arrow", DataType::Int16),
        ("labels.arrow", DataType::UInt64),
    ] {
        label_file_counts_like_the_counts(name, dtype);
    }
}

fn label_file_counts_like_the_counts(name: &str, dtype: DataType) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), name, &mut seed000_frame(&dtype));
    let from_file = ok(&[
        "weights",
        "--labels",
        s(&path),
        "--column",
        "label",
        "--scheme",
        "all",
        "--format",
        "json",
    ]);
    let from_counts = ok(&[
        "weights", "--counts", SEED000, "--scheme", "all", "--format", "json",
    ]);
    assert_eq!(from_file, from_counts);
    let pairs = ok(&[
        "weights",
        "--counts",
        "3:272, 0:198, 1:436, 2:710",
        "--scheme",
        "all",
        "--format",
        "json",
    ]);
    assert_eq!(pairs, from_counts);
    // the table says where the counts came from
    let table = ok(&["weights", "--labels", s(&path), "--column", "label"]);
    assert!(table.starts_with(&format!(
        "4 classes, 1616 labels ({}, column \"label\")",
        path.display()
    )));
}

/// A file with one column needs no --column; a file with a `label` column neither.
#[test]
fn the_label_column_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let mut one = seed000_frame(&DataType::Int64).select(["label"]).unwrap();
    let only = write(dir.path(), "only.parquet", &mut one);
    let named = write(
        dir.path(),
        "named.csv",
        &mut seed000_frame(&DataType::Int64),
    );
    let want = ok(&["weights", "--counts", SEED000, "--format", "json"]);
    assert_eq!(
        ok(&["weights", "--labels", s(&only), "--format", "json"]),
        want
    );
    assert_eq!(
        ok(&["weights", "--labels", s(&named), "--format", "json"]),
        want
    );
    let mut two = df!("a" => [0, 1], "b" => [1, 0]).unwrap();
    let ambiguous = write(dir.path(), "two.csv", &mut two);
    let err = fails(&["weights", "--labels", s(&ambiguous)], 1);
    assert!(
        err.contains("--column") && err.contains("\"a\", \"b\""),
        "{err}"
    );
}

/// Multi-label indicator columns: positives, negatives and pos_weight = negatives / positives
/// against the library's MultiLabelCounts of the same matrix, in every format; the cap.
#[test]
fn multi_label_pos_weight() {
    for format in FORMATS {
        multi_label_pos_weight_in(format);
    }
}

fn multi_label_pos_weight_in(format: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut df = df!(
        "cat" => [1, 0, 1, 0, 0, 0, 0, 1],
        "dog" => [0, 0, 0, 0, 0, 0, 0, 1],
        "bird" => [1, 1, 1, 1, 0, 1, 1, 1],
    )
    .unwrap();
    let path = write(dir.path(), "tags.parquet", &mut df);
    let out = ok(&[
        "weights",
        "--labels",
        s(&path),
        "--multi-label",
        "--format",
        format,
    ]);
    snapshot(
        &format!("weights@multi_label_{format}"),
        &out.replace(s(&path), "tags.parquet"),
    );
    let m = MultiLabelCounts::read_indicators(&path, &["cat", "dog", "bird"]).unwrap();
    let pw = reweigh::schemes::pos_weight::<f64>(&m, None).unwrap();
    assert_eq!(pw.to_vec(), vec![5.0 / 3.0, 7.0, 1.0 / 7.0]);
    if format == "json" {
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["pos_weight"], serde_json::json!(pw.to_vec()));
        assert_eq!(v["positives"], serde_json::json!([3, 1, 7]));
    }
    // a subset of the columns, in the order given, and a cap
    let capped = ok(&[
        "weights",
        "--labels",
        s(&path),
        "--multi-label",
        "--column",
        "dog,cat",
        "--pos-weight-cap",
        "5",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&capped).unwrap();
    assert_eq!(v["labels"], serde_json::json!(["dog", "cat"]));
    assert_eq!(v["pos_weight"], serde_json::json!([5.0, 5.0 / 3.0]));
}

/// Every bad input is exit status 1 with a message that names the problem; a bad command line
/// is a usage error, status 2.
#[test]
fn errors_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.parquet");
    let err = fails(&["weights", "--labels", s(&missing)], 1);
    assert!(
        err.starts_with("error: cannot read") && err.contains("missing.parquet"),
        "{err}"
    );

    let labels = write(
        dir.path(),
        "labels.csv",
        &mut seed000_frame(&DataType::Int64),
    );
    let err = fails(&["weights", "--labels", s(&labels), "--column", "y"], 1);
    assert!(
        err.contains("no column \"y\"; the columns are \"id\", \"label\""),
        "{err}"
    );

    let mut fractional = df!("label" => [0.0, 1.0, 1.5, 2.0]).unwrap();
    let fractional = write(dir.path(), "fractional.parquet", &mut fractional);
    let err = fails(&["weights", "--labels", s(&fractional)], 1);
    assert!(
        err.contains("label 1.5 at position 2") && err.contains("not an integer"),
        "{err}"
    );

    let mut negative = df!("label" => [0, -1, 1, -1]).unwrap();
    let negative = write(dir.path(), "negative.arrow", &mut negative);
    let err = fails(&["weights", "--labels", s(&negative)], 1);
    assert!(err.contains("label -1 (count 2) is negative"), "{err}");

    let mut text = df!("label" => ["cat", "dog"]).unwrap();
    let text = write(dir.path(), "text.parquet", &mut text);
    let err = fails(&["weights", "--labels", s(&text)], 1);
    assert!(err.contains("has type str, not a number type"), "{err}");

    let mut nulls = df!("label" => [Some(0), None, Some(1)]).unwrap();
    let nulls = write(dir.path(), "nulls.parquet", &mut nulls);
    let err = fails(&["weights", "--labels", s(&nulls)], 1);
    assert!(err.contains("null in column \"label\" at row 1"), "{err}");

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "label\n").unwrap();
    let err = fails(&["weights", "--labels", s(&empty)], 1);
    assert!(err.contains("empty batch: labels has no element"), "{err}");

    let xlsx = dir.path().join("labels.xlsx");
    std::fs::write(&xlsx, "").unwrap();
    let err = fails(&["weights", "--labels", s(&xlsx)], 1);
    assert!(err.contains("the extension must be .csv"), "{err}");

    let err = fails(
        &["weights", "--counts", SEED000, "--scheme", "balanced,auto"],
        1,
    );
    assert!(
        err.contains("\"auto\"") && err.contains("valid names") && err.contains("effective_number"),
        "{err}"
    );
    let err = fails(
        &[
            "weights",
            "--counts",
            SEED000,
            "--scheme",
            "effective_number(gamma=2)",
        ],
        1,
    );
    assert!(err.contains("beta"), "{err}");

    for (counts, says) in [
        ("198,abc", "\"abc\" is not a number"),
        ("198,-3", "negative value -3"),
        ("0:198,0:5", "class 0 appears twice"),
        ("0:198,436", "\"436\" is not a class:count pair"),
        ("-1:5,0:4", "label -1 (count 5) is negative"),
        (",", "empty batch"),
    ] {
        let err = fails(&["weights", "--counts", counts], 1);
        assert!(err.contains(says), "--counts {counts:?}: {err}");
    }

    let mut bad = df!("a" => [0, 2, 1]).unwrap();
    let bad = write(dir.path(), "bad.csv", &mut bad);
    let err = fails(&["weights", "--labels", s(&bad), "--multi-label"], 1);
    assert!(
        err.contains("value 2 in column \"a\" at row 1 is not 0 or 1"),
        "{err}"
    );
    let mut none = df!("a" => [0, 0], "b" => [1, 0]).unwrap();
    let none = write(dir.path(), "none.csv", &mut none);
    let err = fails(&["weights", "--labels", s(&none), "--multi-label"], 1);
    assert!(
        err.contains("positive count") && err.contains("zero"),
        "{err}"
    );
    assert!(
        ok(&[
            "weights",
            "--labels",
            s(&none),
            "--multi-label",
            "--pos-weight-cap",
            "10"
        ])
        .contains("10.000000")
    );

    // usage errors (clap): exit 2
    fails(&["weights"], 2);
    fails(&["weights", "--counts", SEED000, "--labels", s(&labels)], 2);
    fails(&["weights", "--counts", SEED000, "--multi-label"], 2);
    fails(&["weights", "--counts", SEED000, "--format", "yaml"], 2);
    fails(
        &[
            "weights",
            "--labels",
            s(&none),
            "--multi-label",
            "--scheme",
            "balanced",
        ],
        2,
    );
    fails(&["frobnicate"], 2);
}

/// The README's `console` blocks under "The command line": each `$ reweigh …` line run for
/// real, its output compared with the lines under it (with `REWEIGH_UPDATE_README=1` the
/// README is rewritten with the real output instead). Paths are relative to the workspace root.
#[test]
fn readme_examples_print_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let mut out = String::new();
    let mut commands = 0;
    let mut lines = readme.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        if line != "```console" {
            continue;
        }
        while let Some(&next) = lines.peek() {
            if next == "```" {
                break;
            }
            lines.next();
            let cmd = next.strip_prefix("$ reweigh ").unwrap_or_else(|| {
                panic!("a console block line that is no `$ reweigh` command: {next}")
            });
            // drop the expected output up to the next command or the block's end
            while let Some(&l) = lines.peek() {
                if l == "```" || l.starts_with("$ ") {
                    break;
                }
                lines.next();
            }
            let args = shell_words(cmd);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let printed = reweigh().current_dir(&root).args(&args).output().unwrap();
            assert!(
                printed.status.success(),
                "README: reweigh {cmd}: {}",
                String::from_utf8_lossy(&printed.stderr)
            );
            out.push_str(next);
            out.push('\n');
            out.push_str(&String::from_utf8(printed.stdout).unwrap());
            commands += 1;
        }
    }
    assert!(
        commands >= 3,
        "the README shows {commands} reweigh commands"
    );
    if std::env::var_os("REWEIGH_UPDATE_README").is_some() {
        std::fs::write(&readme_path, out).unwrap();
    } else {
        assert!(
            readme == out,
            "README.md's command-line examples are stale: run REWEIGH_UPDATE_README=1 cargo test --release -p reweigh-cli"
        );
    }
}

/// Splits a command line at spaces outside single or double quotes (enough for the README).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    for ch in line.chars() {
        match (quote, ch) {
            (None, '\'' | '"') => quote = Some(ch),
            (Some(q), c) if c == q => quote = None,
            (None, ' ') => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            (_, c) => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The library's lazy scans over a file of many batches: the counts of the whole column (as
/// counting it in memory gives), and the row of a bad label counted across batches.
#[test]
fn scans_count_across_batches_and_name_the_row() {
    use reweigh::schemes::scan_file;
    let dir = tempfile::tempdir().unwrap();
    let n = 1_000_003_usize;
    let labels: Vec<f64> = (0..n).map(|i| ((i * 7919) % 13) as f64).collect();
    let mut df = df!("label" => labels.clone()).unwrap();
    let path = write(dir.path(), "many.parquet", &mut df);
    let rows = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = rows.clone();
    let counts =
        ClassCounts::scan_labels_with_progress(scan_file(&path).unwrap(), "label", move |r| {
            seen.store(r, std::sync::atomic::Ordering::Relaxed)
        })
        .unwrap();
    assert_eq!(counts, ClassCounts::from_labels(&labels).unwrap());
    assert_eq!(rows.load(std::sync::atomic::Ordering::Relaxed), n);
    let mut bad = labels;
    bad[987_654] = 2.5;
    let mut df = df!("label" => bad).unwrap();
    let path = write(dir.path(), "bad.parquet", &mut df);
    let err = ClassCounts::scan_labels(scan_file(&path).unwrap(), "label").unwrap_err();
    assert!(
        err.to_string().contains("label 2.5 at position 987654"),
        "{err}"
    );
}
