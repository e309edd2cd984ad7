//! insta snapshots of the Q&A threads' worked examples, computed by the library from the inputs
//! in data/worked_examples/ (written by scripts/worked_examples/gen_inputs.py). The frameworks'
//! own numbers for the same calls are checked by the golden cases; these snapshots lock what
//! reweigh reports for every framework preset and reduction.

use ndarray::{Array1, ArrayD, IxDyn};
use reweigh::losses::{SigmoidCrossEntropy, SparseSoftmaxCrossEntropy};
use reweigh::{Framework, Loss, Reducer, Reduction};
use serde_json::Value;
use std::fmt::Write;

fn load(name: &str) -> Value {
    let path = format!("{}/data/worked_examples/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn matrix<T>(v: &Value, f: impl Fn(&Value) -> T) -> ArrayD<T> {
    let rows = v.as_array().unwrap();
    let cols = rows[0].as_array().unwrap().len();
    let data: Vec<T> = rows
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(&f))
        .collect();
    ArrayD::from_shape_vec(IxDyn(&[rows.len(), cols]), data).unwrap()
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn seed000_sparse_softmax_with_class_weights() {
    let doc = load("seed000_sparse.json");
    let logits = matrix(&doc["logits"], |x| x.as_f64().unwrap() as f32);
    let labels: ArrayD<i64> = doc["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect::<Array1<_>>()
        .into_dyn();
    let cw: Array1<f32> = doc["class_weights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect();
    // tf.gather(class_weights, labels) passed as TF1 `weights=`: sample weights
    let sw = labels.mapv(|y| cw[y as usize]);
    let mut out = String::new();
    writeln!(out, "weights = {}", fmt_vec(sw.iter())).unwrap();
    for (fw, names) in [
        (
            Framework::Tf1,
            &[
                "weighted_sum_by_nonzero_weights",
                "weighted_mean",
                "weighted_sum",
                "weighted_sum_over_batch_size",
            ][..],
        ),
        (
            Framework::Keras,
            &["sum_over_batch_size", "mean_with_sample_weight", "sum"][..],
        ),
    ] {
        for name in names {
            let loss = SparseSoftmaxCrossEntropy::<f32>::new().reduction(fw.reducer(name).unwrap());
            let v = loss
                .forward_weighted(logits.view(), labels.view(), sw.view())
                .unwrap()
                .scalar()
                .unwrap();
            writeln!(out, "{fw:?} {name:<32} {v:.7}").unwrap();
        }
    }
    // torch.nn.CrossEntropyLoss(weight=class_weights): the same weights as class weights
    let torch = SparseSoftmaxCrossEntropy::<f32>::pytorch().class_weights(cw.clone());
    let v = torch
        .forward(logits.view(), labels.view())
        .unwrap()
        .scalar()
        .unwrap();
    writeln!(out, "PyTorch CrossEntropyLoss(weight=cw) mean  {v:.7}").unwrap();
    let per = SparseSoftmaxCrossEntropy::<f32>::new()
        .forward(logits.view(), labels.view())
        .unwrap()
        .into_array();
    writeln!(out, "unweighted per-sample CE = {}", fmt_vec(per.iter())).unwrap();
    snapshot("seed000_sparse_softmax", &out);
}

#[test]
fn seed002_positive_weight_50_on_512_labels() {
    let doc = load("seed002_multilabel.json");
    let x = matrix(&doc["logits"], |v| v.as_f64().unwrap() as f32);
    let z = matrix(&doc["labels"], |v| v.as_f64().unwrap() as f32);
    let positives = z.iter().filter(|&&v| v == 1.0).count();
    let mut out = String::new();
    writeln!(out, "shape = {:?}, positives = {positives}", x.shape()).unwrap();
    let mean: Reducer = Framework::PyTorch.default_reducer();
    let plain = SigmoidCrossEntropy::new().reduction(mean);
    let pos50 = SigmoidCrossEntropy::new()
        .reduction(mean)
        .pos_weight(ndarray::arr0(50.0_f32).into_dyn());
    // the thread's BCEWithLogitsLossWeighted(50): loss[labels == 1] *= 50 for hard labels,
    // i.e. an element weight of 50 on positives
    let w = z.mapv(|v| if v == 1.0 { 50.0 } else { 1.0 });
    let elem50 = SigmoidCrossEntropy::new()
        .reduction(mean)
        .element_weights(w);
    for (name, loss) in [
        ("unweighted", &plain),
        ("pos_weight=50", &pos50),
        ("weight 50 on positives", &elem50),
    ] {
        let v = loss.forward(x.view(), z.view()).unwrap().scalar().unwrap();
        writeln!(out, "{name:<24} mean = {v:.6}").unwrap();
    }
    let sum = SigmoidCrossEntropy::new().reduction(Reduction::Sum);
    let v = sum.forward(x.view(), z.view()).unwrap().scalar().unwrap();
    writeln!(out, "{:<24} sum  = {v:.3}", "unweighted").unwrap();
    snapshot("seed002_pos_weight_50", &out);
}

fn fmt_vec<'a>(it: impl Iterator<Item = &'a f32>) -> String {
    let parts: Vec<String> = it.map(|v| format!("{v:.7}")).collect();
    format!("[{}]", parts.join(", "))
}
