//! The README's library examples, as written there (keep the two in step).

#[test]
fn readme_library_example() {
    use ndarray::array;
    use reweigh::config::{LossConfig, SparseSoftmaxCrossEntropyConfig};
    use reweigh::{Loss, losses::SparseSoftmaxCrossEntropy};

    // torch.nn.CrossEntropyLoss(weight=torch.tensor([2.04, 0.93, 0.57, 1.49]))
    let w = array![2.04_f32, 0.93, 0.57, 1.49];
    let loss = SparseSoftmaxCrossEntropy::pytorch().class_weights(w);
    let logits = array![[2.0_f32, -1.0, 0.5, 0.0], [0.1, 0.3, -2.0, 1.0]];
    let labels = array![0_i64, 3];
    let out = loss.forward_backward(&logits, &labels).unwrap();

    // the same loss from a configuration (a file, a CLI flag, a notebook cell)
    let config = SparseSoftmaxCrossEntropyConfig::pytorch()
        .with_params(&serde_json::json!({"class_weights": [2.04, 0.93, 0.57, 1.49]}))
        .unwrap();
    let same = config.build::<f32>().unwrap();
    assert_eq!(same.forward_backward(&logits, &labels).unwrap(), out);
}

/// The README's training-loop example (its second rust block), as written there.
#[test]
fn readme_training_loop() {
    use ndarray::{Array2, array};
    use reweigh::{Loss, losses::SparseSoftmaxCrossEntropy};
    let loss = SparseSoftmaxCrossEntropy::pytorch();
    let logits = array![[2.0_f32, -1.0, 0.5], [0.1, 0.3, -2.0]];
    let labels = array![0_i64, 2];
    let mut grad = Array2::<f32>::zeros(logits.dim()); // once per shape
    for _step in 0..3 {
        let value = loss
            .forward_backward_into(&logits, &labels, &mut grad)
            .unwrap();
        assert!(value.scalar().unwrap() > 0.0);
    }
}

/// The README's examples and these tests stay the same code: every non-blank line of a test's
/// body appears in the README's rust block of the same rank.
#[rstest::rstest]
#[case(1, "fn readme_library_example() {")]
#[case(2, "fn readme_training_loop() {")]
fn readme_examples_are_these_tests(#[case] block: usize, #[case] test: &str) {
    let readme = include_str!("../README.md");
    let block = readme
        .split("```rust\n")
        .nth(block)
        .and_then(|b| b.split("```").next())
        .expect("a rust block in the README");
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let me = include_str!("readme.rs");
    let body = me
        .split(test)
        .nth(1)
        .and_then(|b| b.split("\n}\n").next())
        .unwrap();
    assert_eq!(
        squash(block),
        squash(body),
        "README example and tests/readme.rs differ"
    );
}

/// The README's table of schemes names every scheme `FromStr` knows, in the row of its kind.
#[test]
fn readme_schemes_table_names_every_scheme() {
    use reweigh::schemes::{Scheme, SchemeKind};
    let readme = include_str!("../README.md");
    let table = readme
        .split("### The schemes")
        .nth(1)
        .and_then(|t| t.split("\n\n### ").next())
        .expect("a schemes section in the README");
    for s in Scheme::all() {
        let row = match s.kind() {
            SchemeKind::ClassWeights => "| class weights |",
            SchemeKind::Margins => "| margins |",
            SchemeKind::LogitOffsets => "| logit offsets |",
        };
        let line = table
            .lines()
            .find(|l| l.starts_with(row))
            .unwrap_or_else(|| panic!("no row {row}"));
        let (bare, called) = (format!("`{}`", s.name()), format!("`{}(", s.name()));
        assert!(
            line.contains(&bare) || line.contains(&called),
            "{s} not in {row}"
        );
    }
}
