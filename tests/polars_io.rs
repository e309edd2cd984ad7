//! polars: counts and labels from the CSV files in data/counts, every scheme as a DataFrame.
#![cfg(feature = "polars")]

use polars::prelude::*;
use reweigh::ReweighError;
use reweigh::schemes::{ClassCounts, Scheme, WeightsTable, schemes_dataframe};

fn data(p: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/counts")
        .join(p)
}

#[test]
fn seed_counts_and_labels_from_csv() {
    let c = ClassCounts::read_counts_csv(data("seed000_counts.csv"), "class", "count").unwrap();
    assert_eq!(c, ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap());
    let l = ClassCounts::read_labels_csv(data("seed000_labels.csv"), "label").unwrap();
    assert_eq!(l, c);
    let s = ClassCounts::read_labels_csv(data("seed000_sparse_labels.csv"), "label").unwrap();
    assert_eq!(s.classes(), &[1, 3, 4]);
    assert_eq!(s.counts(), &[2.0, 1.0, 3.0]);
    let c1 = ClassCounts::read_counts_csv(data("seed001_counts.csv"), "class", "count").unwrap();
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
    assert!(ClassCounts::read_counts_csv(data("missing.csv"), "class", "count").is_err());
    assert!(ClassCounts::read_counts_csv(data("seed000_counts.csv"), "class", "n").is_err());
}
