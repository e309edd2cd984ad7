//! Question 10 of the FAQ: where scikit-learn's `'balanced'` comes from, with sample weights,
//! with several outputs, and its scale against the regularisation strength C.

use super::{claim, entry, equal_lists, fw, shown};
use crate::claim::{Check, Claim, Number, Relation, Tolerance, Verdict};
use crate::data::FAQ_FILE;
use ndarray::Array1;
use reweigh::schemes::{ClassCounts, Scheme, compute_sample_weight};
use std::collections::BTreeMap;

/// scikit-learn computes in float64: reweigh's numbers agree to rounding.
const F64_TOL: Tolerance = Tolerance {
    abs: 0.0,
    rel: 1e-12,
};

/// Question 10's numbers, computed by reweigh.
#[derive(Clone, Debug, PartialEq)]
pub struct Balanced {
    /// `Scheme::Balanced` on the counts of `y`.
    pub balanced: Vec<f64>,
    /// King & Zeng's formula written out, `n / (k · bincount(y))`.
    pub n_over_k_counts: Vec<f64>,
    /// `Scheme::Balanced` on the sample-weighted counts (`ClassCounts::weighted`).
    pub balanced_sample_weight: Vec<f64>,
    /// `compute_sample_weight` with one dict per output column.
    pub multi: Vec<f64>,
    /// `compute_sample_weight` with `'balanced'` shared by the output columns.
    pub multi_balanced: Vec<f64>,
}

impl Balanced {
    /// Computes the numbers on the inputs of `faq.json` (`q10`).
    pub fn compute() -> Self {
        let y = FAQ_FILE.ints("q10.y");
        let sw = Array1::from(FAQ_FILE.fs("q10.sample_weight"));
        let counts = ClassCounts::from_labels(&y).expect("labels");
        let balanced = Scheme::Balanced
            .weights::<f64>(&counts)
            .expect("balanced weights")
            .weights()
            .to_vec();
        let (n, k) = (y.len() as f64, counts.num_classes() as f64);
        let n_over_k_counts = counts.counts().iter().map(|c| n / (k * c)).collect();
        let weighted = ClassCounts::weighted(&y, sw.view()).expect("weighted counts");
        let balanced_sample_weight = Scheme::Balanced
            .weights::<f64>(&weighted)
            .expect("balanced weights")
            .weights()
            .to_vec();
        let ym = FAQ_FILE.mat("q10.y_multi").mapv(|v| v as i64);
        let dict = |pairs: [(i64, f64); 2]| Scheme::Custom(BTreeMap::from(pairs));
        let per_output = [dict([(0, 1.0), (1, 2.0)]), dict([(0, 3.0), (1, 1.0)])];
        let multi = compute_sample_weight::<f64, _>(&per_output, ym.view().into_dyn(), None)
            .expect("one dict per output")
            .to_vec();
        let multi_balanced =
            compute_sample_weight::<f64, _>(&[Scheme::Balanced], ym.view().into_dyn(), None)
                .expect("balanced per output")
                .to_vec();
        Balanced {
            balanced,
            n_over_k_counts,
            balanced_sample_weight,
            multi,
            multi_balanced,
        }
    }
}

/// Judges question 10 on `n`.
pub fn balanced(n: &Balanced) -> Claim {
    let p = |k: &str| format!("q10.{k}");
    let mut b = claim(
        entry::balanced,
        "faq digest: scikit-learn #4324, PR #4347; PR #30057; #27505",
        "Where scikit-learn's 'balanced' comes from. n / (k · bincount(y)), after King & Zeng; \
         `compute_class_weight` gained a `sample_weight=` argument; the scale of class weights \
         interacts with the regularisation strength C; `compute_sample_weight` with several \
         outputs takes one dict per output column.",
    )
    .input("y", shown("q10.y"))
    .input("sample_weight", shown("q10.sample_weight"))
    .input("y with two outputs", shown("q10.y_multi"))
    .input("class_weight per output", "[{0: 1, 1: 2}, {0: 3, 1: 1}]")
    .input(
        "logistic regression",
        FAQ_FILE.at(&p("lr_call")).as_str().unwrap_or(""),
    );
    for (what, label, ours, key, on_fail) in [
        (
            "'balanced' is n / (k · bincount(y))",
            "n / (k · bincount)",
            &n.n_over_k_counts,
            "balanced",
            Verdict::Refuted,
        ),
        (
            "Scheme::Balanced: reweigh = scikit-learn",
            "balanced",
            &n.balanced,
            "balanced",
            Verdict::NotReproducible,
        ),
        (
            "'balanced' with sample_weight (Σ sw / (k · Σ_{y=c} sw)): reweigh = scikit-learn",
            "balanced, sample_weight",
            &n.balanced_sample_weight,
            "balanced_sample_weight",
            Verdict::NotReproducible,
        ),
        (
            "compute_sample_weight, one dict per output (the product): reweigh = scikit-learn",
            "sample weight",
            &n.multi,
            "multi",
            Verdict::NotReproducible,
        ),
        (
            "compute_sample_weight('balanced') of two outputs: reweigh = scikit-learn",
            "balanced sample weight",
            &n.multi_balanced,
            "multi_balanced",
            Verdict::NotReproducible,
        ),
    ] {
        b = equal_lists(b, what, label, ours, &p(key), "sklearn", F64_TOL, on_fail);
    }
    b.check(Check::new(
        "scaling every class weight by 10 at fixed C changes the fitted model",
        fw(
            "max |coef(C=1, 10·cw) − coef(C=1, cw)|",
            &p("lr_scaled_max_diff"),
            "sklearn",
        ),
        Relation::Greater,
        Number::reweigh("1e-3", 1e-3),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .check(Check::new(
        "…exactly as multiplying C by 10 does (the weights scale the data term against the \
         penalty)",
        fw(
            "max |coef(C=1, 10·cw) − coef(C=10, cw)|",
            &p("lr_scale_vs_c_max_diff"),
            "sklearn",
        ),
        Relation::Equal,
        Number::reweigh("zero", 0.0),
        Tolerance::abs(1e-6),
        Verdict::Refuted,
    ))
    .note(
        "reweigh's `Scheme::Balanced` is scikit-learn's 'balanced' (`ClassCounts::weighted` for \
         its sample_weight form), and `compute_sample_weight` takes one scheme per output. \
         'balanced' weights average 1 over the samples; any other normalisation \
         (`inverse_frequency_sum1`, …) changes the effective C of a regularised model.",
    )
    .build()
}
