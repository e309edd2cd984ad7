//! The README's non-finite input policy table, computed: for each loss (rows) and each kind of
//! non-finite input (columns), what the loss returns, and which framework's behaviour that is.
//!
//! The table is rendered here and must appear verbatim in README.md between
//! `<!-- nonfinite-policy:start -->` and `<!-- nonfinite-policy:end -->`; on a mismatch the test
//! prints the rendered table. `REWEIGH_UPDATE_README=1 cargo test --test nonfinite_policy`
//! rewrites that section in place.
//!
//! Each cell runs the loss (f64, `forward_backward_weighted`) on a 2-row, 3-class batch whose
//! first row has its label on class 0; the non-finite value goes into that row: the logit (or
//! probability) of class 0, or its sample weight. A golden case named in the framework column
//! must exist in `data/reference/*.json`.

use ndarray::{ArrayD, ArrayViewD, IxDyn};
use reweigh::losses::{
    AsymmetricLoss, BinaryCrossEntropy, BinaryFocalLoss, CategoricalCrossEntropyProbs,
    CategoricalFocalLoss, ClassAverage, ClassBalancedLoss, CostMatrixCrossEntropy, CostWeights,
    DistributionBalancedLoss, LdamLoss, LogitAdjustedCrossEntropy, NllLoss, PerSampleTverskyLoss,
    PolyCrossEntropy, SegmentationMode, SegmentationTverskyLoss, SigmoidCrossEntropy,
    SingleLabelAsymmetricLoss, SoftmaxCrossEntropy, SparseCategoricalCrossEntropyProbs,
    SparseCategoricalFocalLoss, SparsePerSampleTverskyLoss, SparseSegmentationTverskyLoss,
    SparseSoftmaxCrossEntropy, TverskyLoss,
};
use reweigh::{Loss, LossOutput, Result};

const START: &str = "<!-- nonfinite-policy:start -->";
const END: &str = "<!-- nonfinite-policy:end -->";

fn d(v: &[f64], shape: &[usize]) -> ArrayD<f64> {
    ArrayD::from_shape_vec(IxDyn(shape), v.to_vec()).unwrap()
}

/// NaN, +∞, −∞ or finite: the worst class among the values.
fn class<'a>(v: impl Iterator<Item = &'a f64>) -> &'static str {
    let (mut nan, mut pos, mut neg) = (false, false, false);
    for &x in v {
        nan |= x.is_nan();
        pos |= x == f64::INFINITY;
        neg |= x == f64::NEG_INFINITY;
    }
    match (nan, pos, neg) {
        (true, _, _) => "NaN",
        (_, true, true) => "±∞",
        (_, true, _) => "+∞",
        (_, _, true) => "−∞",
        _ => "finite",
    }
}

fn cell(r: Result<LossOutput<f64>>) -> String {
    match r {
        Ok(o) => {
            let v = o.value.into_array();
            let g = o.grad.expect("a gradient");
            format!("{} / {}", class(v.iter()), class(g.iter()))
        }
        Err(e) => {
            let dbg = format!("{e:?}");
            let variant: String = dbg.chars().take_while(|c| c.is_alphanumeric()).collect();
            format!("`{variant}`")
        }
    }
}

/// One row: the loss's cells for NaN / +∞ / −∞ input, NaN / +∞ sample weight.
fn row<L>(loss: &L, probs: bool, target: ArrayViewD<'_, L::Label>) -> Vec<String>
where
    L: Loss<f64>,
{
    row_shaped(loss, probs, target, &[2, 3])
}

/// [`row`] with the batch's 6 values in an input of `shape` (kornia's `(2, 3, 1, 1)`).
fn row_shaped<L>(
    loss: &L,
    probs: bool,
    target: ArrayViewD<'_, L::Label>,
    shape: &[usize],
) -> Vec<String>
where
    L: Loss<f64>,
{
    let base = if probs {
        [0.5, 0.3, 0.2, 0.2, 0.5, 0.3]
    } else {
        [0.5, -0.3, 0.2, 0.1, 0.4, -0.6]
    };
    let x = |v: f64| {
        let mut b = base;
        b[0] = v;
        d(&b, shape)
    };
    // the sample weights' shape: one per row, or (2, 1) for the element-wise losses
    let x0 = d(&base, shape);
    let sw_shape: &[usize] = if loss
        .forward_backward_weighted(x0.view(), target.clone(), d(&[1., 1.], &[2]).view())
        .is_ok()
    {
        &[2]
    } else {
        &[2, 1]
    };
    let ones = d(&[1., 1.], sw_shape);
    let mut cells = vec![];
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let xv = x(v);
        cells.push(cell(loss.forward_backward_weighted(
            xv.view(),
            target.clone(),
            ones.view(),
        )));
    }
    for w in [f64::NAN, f64::INFINITY] {
        let sw = d(&[w, 1.0], sw_shape);
        cells.push(cell(loss.forward_backward_weighted(
            x0.view(),
            target.clone(),
            sw.view(),
        )));
    }
    cells
}

/// Every row of the table: the loss with its preset, the cells, the framework claim.
fn table() -> Vec<(String, Vec<String>, String)> {
    let dense = d(&[1., 0., 0., 0., 1., 0.], &[2, 3]);
    let sparse = ndarray::array![0_i64, 1].into_dyn();
    let (dv, sv) = (dense.view(), sparse.view());
    let rs = "reweigh's rule (documented)";
    let w = ndarray::array![1.0, 2.0, 0.5];
    let m = ndarray::Array2::from_shape_fn((3, 3), |(i, j)| if i == j { 1.0 } else { 2.0 });
    let mut t = vec![];
    let mut add = |name: &str, cells: Vec<String>, fw: &str| {
        t.push((name.to_string(), cells, fw.to_string()))
    };
    add(
        "`SparseSoftmaxCrossEntropy::pytorch()`",
        row(&SparseSoftmaxCrossEntropy::pytorch(), false, sv.clone()),
        "TF and PyTorch for the logits (golden `tf/sparse_softmax_ce_with_logits/float64/extreme`, \
         `torch/cross_entropy/float64/none/extreme`); weights: reweigh's rule (documented)",
    );
    add(
        "`SoftmaxCrossEntropy::pytorch()`",
        row(&SoftmaxCrossEntropy::pytorch(), false, dv.clone()),
        "TF for the logits (golden `tf/softmax_ce_with_logits/float64/non_finite`); weights: \
         reweigh's rule (documented)",
    );
    add(
        "`SigmoidCrossEntropy::pytorch()`",
        row(&SigmoidCrossEntropy::pytorch(), false, dv.clone()),
        "reweigh's rule (documented): the IEEE result of the softplus form; TF and PyTorch \
         disagree with each other at ±∞",
    );
    add(
        "`BinaryFocalLoss::keras()`",
        row(&BinaryFocalLoss::keras(), false, dv.clone()),
        rs,
    );
    add(
        "`CategoricalFocalLoss::keras()`",
        row(&CategoricalFocalLoss::keras(), false, dv.clone()),
        rs,
    );
    add(
        "`CategoricalFocalLoss::keras().from_logits(false)`",
        row(
            &CategoricalFocalLoss::keras().from_logits(false),
            true,
            dv.clone(),
        ),
        "Keras for NaN/+∞ probabilities (measured: `scripts/reference/issue11_losses_edges.py`); \
         weights: reweigh's rule (documented)",
    );
    add(
        "`SparseCategoricalFocalLoss::keras()`",
        row(&SparseCategoricalFocalLoss::keras(), false, sv.clone()),
        rs,
    );
    add(
        "`BinaryCrossEntropy::keras()`",
        row(&BinaryCrossEntropy::keras(), true, dv.clone()),
        "Keras for the probabilities (golden `keras/binary_crossentropy/float64/extreme`); \
         weights: reweigh's rule (documented)",
    );
    add(
        "`BinaryCrossEntropy::pytorch()`",
        row(&BinaryCrossEntropy::pytorch(), true, dv.clone()),
        "PyTorch rejects NaN/∞ probabilities (golden `torch/bce/float32/error/p_nan`, \
         `torch/bce/float32/error/p_inf`)",
    );
    add(
        "`CategoricalCrossEntropyProbs::keras()`",
        row(&CategoricalCrossEntropyProbs::keras(), true, dv.clone()),
        rs,
    );
    add(
        "`SparseCategoricalCrossEntropyProbs::keras()`",
        row(
            &SparseCategoricalCrossEntropyProbs::keras(),
            true,
            sv.clone(),
        ),
        rs,
    );
    add(
        "`NllLoss::pytorch()` (log-probabilities)",
        row(&NllLoss::pytorch(), false, sv.clone()),
        rs,
    );
    add(
        "`CostMatrixCrossEntropy::matrix(m)`",
        row(
            &CostMatrixCrossEntropy::new(CostWeights::Matrix(m)),
            true,
            dv.clone(),
        ),
        rs,
    );
    add(
        "`ClassBalancedLoss::new(w, SigmoidCrossEntropy::new())`",
        row(
            &ClassBalancedLoss::new(w, SigmoidCrossEntropy::new()),
            false,
            dv.clone(),
        ),
        rs,
    );
    let counts = [50.0, 10.0, 2.0];
    add(
        "`LogitAdjustedCrossEntropy::menon(counts, 1)`",
        row(
            &LogitAdjustedCrossEntropy::menon(&counts, 1.0).unwrap(),
            false,
            sv.clone(),
        ),
        "as `SparseSoftmaxCrossEntropy` of the shifted logits",
    );
    add(
        "`LdamLoss::from_counts(counts, 0.5, 30)`",
        row(
            &LdamLoss::from_counts(&counts, 0.5, 30.0).unwrap(),
            false,
            sv.clone(),
        ),
        "as `SparseSoftmaxCrossEntropy` of the margined logits",
    );
    add(
        "`PolyCrossEntropy::timm(2)`",
        row(&PolyCrossEntropy::timm(2.0), false, dv.clone()),
        rs,
    );
    add(
        "`AsymmetricLoss::timm()`",
        row(&AsymmetricLoss::timm(), false, dv.clone()),
        rs,
    );
    add(
        "`SingleLabelAsymmetricLoss::timm()`",
        row(&SingleLabelAsymmetricLoss::timm(), false, sv.clone()),
        rs,
    );
    add(
        "`DistributionBalancedLoss::timm(counts, 100)`",
        row(
            &DistributionBalancedLoss::timm(&counts, 100).unwrap(),
            false,
            dv.clone(),
        ),
        rs,
    );
    add(
        "`TverskyLoss::keras_tversky(0.7, 0.3).axis([1])`",
        row(
            &TverskyLoss::keras_tversky(0.7, 0.3).axis(Some(vec![1])),
            true,
            dv.clone(),
        ),
        rs,
    );
    // one loss per batch (a sample weight is a scalar): the non-finite weights are rejected
    // before their shape is checked
    add(
        "`SegmentationTverskyLoss::smp_tversky(multilabel, 0.3, 0.7, 0.75)`",
        row(
            &SegmentationTverskyLoss::smp_tversky(SegmentationMode::Multilabel, 0.3, 0.7, 0.75),
            false,
            dv.clone(),
        ),
        rs,
    );
    add(
        "`SparseSegmentationTverskyLoss::new(smp_dice(multiclass))`",
        row(
            &SparseSegmentationTverskyLoss::new(SegmentationTverskyLoss::smp_dice(
                SegmentationMode::Multiclass,
            )),
            false,
            sv.clone(),
        ),
        rs,
    );
    // kornia's 4-D input: the batch as (2, 3, 1, 1), labels (2, 1, 1); one loss per sample
    let dense4 = dense
        .clone()
        .into_shape_with_order(IxDyn(&[2, 3, 1, 1]))
        .unwrap();
    let sparse3 = sparse
        .clone()
        .into_shape_with_order(IxDyn(&[2, 1, 1]))
        .unwrap();
    add(
        "`PerSampleTverskyLoss::kornia_tversky(0.3, 0.7)`",
        row_shaped(
            &PerSampleTverskyLoss::kornia_tversky(0.3, 0.7),
            false,
            dense4.view(),
            &[2, 3, 1, 1],
        ),
        rs,
    );
    add(
        "`SparsePerSampleTverskyLoss::new(kornia_dice(micro))`",
        row_shaped(
            &SparsePerSampleTverskyLoss::new(PerSampleTverskyLoss::kornia_dice(
                ClassAverage::Micro,
            )),
            false,
            sparse3.view(),
            &[2, 3, 1, 1],
        ),
        rs,
    );
    t
}

fn render() -> String {
    let mut s = String::from(
        "| Loss | NaN input | +∞ input | −∞ input | NaN weight | +∞ weight | Framework |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for (name, cells, fw) in table() {
        s.push_str(&format!("| {name} | {} | {fw} |\n", cells.join(" | ")));
    }
    s
}

#[test]
fn golden_cases_named_in_the_table_exist() {
    let mut all = String::new();
    for f in std::fs::read_dir("data/reference").unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "json") {
            all.push_str(&std::fs::read_to_string(p).unwrap());
        }
    }
    for (_, _, fw) in table() {
        for (i, part) in fw.split("golden ").enumerate().skip(1) {
            for id in part.split('`').skip(1).step_by(2) {
                assert!(
                    all.contains(&format!("\"id\":\"{id}\"")),
                    "golden case {id} (claim {i} of {fw}) is not in data/reference"
                );
            }
        }
    }
}

#[test]
fn readme_has_the_nonfinite_policy_table() {
    let table = render();
    let readme = std::fs::read_to_string("README.md").unwrap();
    let (Some(a), Some(b)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md has no {START} … {END} section; the table is:\n{table}");
    };
    let inside = &readme[a + START.len()..b];
    let want = format!("\n{table}");
    if inside == want {
        return;
    }
    if std::env::var("REWEIGH_UPDATE_README").is_ok_and(|v| v == "1") {
        let updated = format!("{}{START}{want}{}", &readme[..a], &readme[b..]);
        std::fs::write("README.md", updated).unwrap();
        return;
    }
    panic!(
        "README.md's non-finite policy table is out of date (REWEIGH_UPDATE_README=1 rewrites it); \
         the computed table is:\n{table}"
    );
}
