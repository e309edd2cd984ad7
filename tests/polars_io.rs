//! polars: counts and labels from the CSV files in data/counts, every scheme as a DataFrame.
#![cfg(feature = "polars")]

use polars::prelude::*;
use reweigh::ReweighError;
use reweigh::schemes::{ClassCounts, MultiLabelCounts, Scheme, WeightsTable, schemes_dataframe};

fn data(p: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/counts")
        .join(p)
}

#[test]
fn seed_counts_and_labels_from_csv() {
    let c = ClassCounts::read_counts(data("seed000_counts.csv"), "class", "count").unwrap();
    assert_eq!(c, ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap());
    let l = ClassCounts::read_labels(data("seed000_labels.csv"), "label").unwrap();
    assert_eq!(l, c);
    let s = ClassCounts::read_labels(data("seed000_sparse_labels.csv"), "label").unwrap();
    assert_eq!(s.classes(), &[1, 3, 4]);
    assert_eq!(s.counts(), &[2.0, 1.0, 3.0]);
    let c1 = ClassCounts::read_counts(data("seed001_counts.csv"), "class", "count").unwrap();
    let w = Scheme::LOG_SMOOTHED.weights::<f64>(&c1).unwrap();
    assert_eq!(w.get(1), Some(3.749820767859636));
    assert_eq!(w.get(5), Some(2.5931008483842453));
}

#[test]
fn dataframe_has_one_row_per_class_and_a_column_per_scheme() {
    let c = ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap();
    let df = schemes_dataframe(&c, &Scheme::all()).unwrap();
    assert_eq!(df.shape(), (4, 2 + Scheme::all().len()));
    // margins and logit offsets are columns named with their kind
    let m = df
        .column("ldam_margins(0.5) [margin]")
        .unwrap()
        .f64()
        .unwrap();
    assert_eq!(m.get(0), Some(0.5));
    assert!(df.column("logit_adjustment(1.0) [logit offset]").is_ok());
    let bal = df
        .column("balanced")
        .unwrap()
        .f64()
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(bal, 2.04040404040404);
    let t = WeightsTable::all_schemes(&c).unwrap();
    assert_eq!(t.to_dataframe().unwrap(), df);
    assert_eq!(c.to_dataframe().unwrap().shape(), (4, 2));
    println!("{df}");
}

#[test]
fn series_and_bad_input() {
    let s = Series::new("y".into(), &[2_i32, 0, 2, 1]);
    assert_eq!(
        ClassCounts::from_series(&s).unwrap().counts(),
        &[1.0, 1.0, 2.0]
    );
    let f = Series::new("y".into(), &[0.5_f64]);
    assert!(matches!(
        ClassCounts::from_series(&f),
        Err(ReweighError::Input { .. })
    ));
    let nulls = Series::new("y".into(), &[Some(1_i64), None]);
    assert!(matches!(
        ClassCounts::from_series(&nulls),
        Err(ReweighError::Input { .. })
    ));
    let k = Series::new("class".into(), &[0_i64, 1]);
    let n = Series::new("count".into(), &[5_i64, -2]);
    assert!(matches!(
        ClassCounts::from_count_series(&k, &n),
        Err(ReweighError::NegativeWeight { .. })
    ));
    assert!(ClassCounts::read_counts(data("missing.csv"), "class", "count").is_err());
    assert!(ClassCounts::read_counts(data("seed000_counts.csv"), "class", "n").is_err());
}

/// The example label file of notebook 07 (data/your_data/labels.csv): single-label counts of its
/// `digit` column and multi-label counts of its indicator columns, against counting the file by
/// hand; non-binary, null and missing columns are typed errors.
#[test]
fn indicator_columns_of_a_csv() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/your_data/labels.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let rows: Vec<Vec<i64>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|c| c.parse().unwrap()).collect())
        .collect();
    let digits = ClassCounts::read_labels(path, "digit").unwrap();
    assert_eq!(
        digits.counts(),
        &[140.0, 83.0, 50.0, 30.0, 18.0, 10.0, 6.0, 3.0, 2.0, 1.0]
    );
    let c = MultiLabelCounts::read_indicators(path, &["even", "prime", "at_least_5"]).unwrap();
    for (j, col) in [1, 2, 3].into_iter().enumerate() {
        let pos = rows.iter().filter(|r| r[col] == 1).count() as f64;
        assert_eq!(c.positives()[j], pos);
        assert_eq!(c.negatives()[j], rows.len() as f64 - pos);
    }
    let df = df!("a" => [0.0, 2.0]).unwrap();
    assert!(MultiLabelCounts::from_dataframe(&df, &["a"]).is_err());
    let df = df!("a" => [Some(1), None]).unwrap();
    assert!(matches!(
        MultiLabelCounts::from_dataframe(&df, &["a"]),
        Err(ReweighError::Input { .. })
    ));
    assert!(MultiLabelCounts::read_indicators(path, &["missing"]).is_err());
}

/// The same labels written as Parquet, Arrow IPC and TSV read back to the CSV's counts; the
/// format is told by the extension, and an unknown one is an error naming the ones read.
#[test]
fn parquet_ipc_and_tsv_files_read_like_the_csv() {
    let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/data/your_data/labels.csv");
    let mut df = reweigh::schemes::read_dataframe(csv).unwrap();
    let dir = std::env::temp_dir().join(format!("reweigh-polars-io-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let want = ClassCounts::read_labels(csv, "digit").unwrap();
    let cols = ["even", "prime", "at_least_5"];
    let want_multi = MultiLabelCounts::read_indicators(csv, &cols).unwrap();
    for name in ["labels.parquet", "labels.arrow", "labels.tsv"] {
        let path = dir.join(name);
        let mut file = std::fs::File::create(&path).unwrap();
        match name.rsplit('.').next() {
            Some("parquet") => {
                ParquetWriter::new(&mut file).finish(&mut df).unwrap();
            }
            Some("arrow") => IpcWriter::new(&mut file).finish(&mut df).unwrap(),
            _ => CsvWriter::new(&mut file)
                .with_separator(b'\t')
                .finish(&mut df)
                .unwrap(),
        }
        assert_eq!(
            ClassCounts::read_labels(&path, "digit").unwrap(),
            want,
            "{name}"
        );
        assert_eq!(
            MultiLabelCounts::read_indicators(&path, &cols).unwrap(),
            want_multi
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
    let err = ClassCounts::read_labels("labels.json", "digit")
        .unwrap_err()
        .to_string();
    assert!(err.contains(".parquet") && err.contains(".arrow"), "{err}");
    let err = ClassCounts::read_labels(csv, "label")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no column \"label\"; the columns are \"digit\", \"even\""),
        "{err}"
    );
}

/// Counts and weight tables as DataFrames in and out: a group-by's table in any row order, a
/// table of every scheme back from its DataFrame, and headers that are no scheme or carry the
/// wrong kind.
#[test]
fn counts_and_tables_round_trip_through_dataframes() {
    let df = df!("label" => [3_i64, 0, 2, 1], "n" => [272, 198, 710, 436]).unwrap();
    let c = ClassCounts::from_counts_dataframe(&df, "label", "n").unwrap();
    assert_eq!(c, ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap());
    let t = WeightsTable::all_schemes(&c).unwrap();
    let frame = t.to_dataframe().unwrap();
    assert_eq!(WeightsTable::from_dataframe(&frame).unwrap(), t);
    // rows in another order come back in class order
    let reversed = frame.reverse();
    assert_eq!(WeightsTable::from_dataframe(&reversed).unwrap(), t);
    let bad = df!("class" => [0, 1], "count" => [3, 1], "auto" => [1.0, 2.0]).unwrap();
    let err = WeightsTable::from_dataframe(&bad).unwrap_err().to_string();
    assert!(
        err.contains("column \"auto\"") && err.contains("valid names"),
        "{err}"
    );
    let untagged =
        df!("class" => [0, 1], "count" => [3, 1], "ldam_margins(0.5)" => [0.4, 0.5]).unwrap();
    let err = WeightsTable::from_dataframe(&untagged)
        .unwrap_err()
        .to_string();
    assert!(err.contains("\"ldam_margins(0.5) [margin]\""), "{err}");
    let labels = df!("y" => [1_i64, 1, 0]).unwrap();
    assert_eq!(
        ClassCounts::from_dataframe(&labels, "y").unwrap().counts(),
        &[1.0, 2.0]
    );
}
