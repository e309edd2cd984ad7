//! Reductions by name, framework presets and zero-denominator behaviour.

use ndarray::{ArrayD, IxDyn, array};
use reweigh::{Framework, LossValue, OnZeroWeights, Reducer, Reduction, ReweighError, Unreduced};
use rstest::rstest;

fn unreduced(values: &[f64], mass: Option<&[f64]>) -> Unreduced<f64> {
    Unreduced {
        values: ArrayD::from_shape_vec(IxDyn(&[values.len()]), values.to_vec()).unwrap(),
        mass: mass.map(|m| ArrayD::from_shape_vec(IxDyn(&[m.len()]), m.to_vec()).unwrap()),
        count: values.len(),
        grad: Some(ArrayD::from_elem(IxDyn(&[values.len(), 2]), 1.0)),
        passed_mass: None,
        ignored: None,
    }
}

#[rstest]
#[case::none("none", Reduction::None)]
#[case::sum("sum", Reduction::Sum)]
#[case::tf1_sum("weighted_sum", Reduction::Sum)]
#[case::sobs("sum_over_batch_size", Reduction::SumOverBatchSize)]
#[case::keras_mwsw("mean_with_sample_weight", Reduction::MeanWithSampleWeight)]
#[case::wm("weighted_mean", Reduction::WeightedMean)]
#[case::sbnz("sum_by_nonzero_weights", Reduction::SumByNonzeroWeights)]
#[case::tf1_sbnz("weighted_sum_by_nonzero_weights", Reduction::SumByNonzeroWeights)]
fn reduction_names_parse(#[case] name: &str, #[case] expected: Reduction) {
    assert_eq!(name.parse::<Reduction>().unwrap(), expected);
}

#[rstest]
#[case::ambiguous_mean("mean")]
#[case::typo("sum_over_batchsize")]
#[case::auto("auto")]
fn unknown_or_ambiguous_reduction_is_a_typed_error(#[case] name: &str) {
    match name.parse::<Reduction>() {
        Err(ReweighError::UnknownName { kind, valid, .. }) => {
            assert_eq!(kind, "reduction");
            assert!(valid.contains("sum_over_batch_size"));
        }
        other => panic!("expected UnknownName, got {other:?}"),
    }
}

#[rstest]
#[case::keras_mean(
    Framework::Keras,
    "mean",
    Reduction::SumOverBatchSize,
    OnZeroWeights::Zero
)]
#[case::keras_default(
    Framework::Keras,
    "sum_over_batch_size",
    Reduction::SumOverBatchSize,
    OnZeroWeights::Zero
)]
#[case::keras_mwsw(
    Framework::Keras,
    "mean_with_sample_weight",
    Reduction::MeanWithSampleWeight,
    OnZeroWeights::Zero
)]
#[case::torch_mean(
    Framework::PyTorch,
    "mean",
    Reduction::WeightedMean,
    OnZeroWeights::Nan
)]
#[case::torch_sum(Framework::PyTorch, "sum", Reduction::Sum, OnZeroWeights::Nan)]
#[case::tf1_default(
    Framework::Tf1,
    "weighted_sum_by_nonzero_weights",
    Reduction::SumByNonzeroWeights,
    OnZeroWeights::Zero
)]
#[case::tf1_mean(
    Framework::Tf1,
    "weighted_mean",
    Reduction::WeightedMean,
    OnZeroWeights::Zero
)]
fn framework_spellings(
    #[case] fw: Framework,
    #[case] name: &str,
    #[case] reduction: Reduction,
    #[case] on_zero: OnZeroWeights,
) {
    assert_eq!(fw.reducer(name).unwrap(), Reducer { reduction, on_zero });
}

#[rstest]
#[case::keras(Framework::Keras, Reduction::SumOverBatchSize)]
#[case::torch(Framework::PyTorch, Reduction::WeightedMean)]
#[case::tf1(Framework::Tf1, Reduction::SumByNonzeroWeights)]
fn framework_defaults(#[case] fw: Framework, #[case] expected: Reduction) {
    assert_eq!(fw.default_reducer().reduction, expected);
}

#[test]
fn torch_rejects_keras_names() {
    assert!(Framework::PyTorch.reducer("sum_over_batch_size").is_err());
    assert!(Framework::Tf1.reducer("mean").is_err());
}

// values are already weighted: w = [2, 0, 1], l = [1, 5, 3] -> w·l = [2, 0, 3]
#[rstest]
#[case::sum(Reduction::Sum, 5.0, 1.0)]
#[case::sobs(Reduction::SumOverBatchSize, 5.0 / 3.0, 1.0 / 3.0)]
#[case::wm(Reduction::WeightedMean, 5.0 / 3.0, 1.0 / 3.0)]
#[case::sbnz(Reduction::SumByNonzeroWeights, 5.0 / 2.0, 1.0 / 2.0)]
fn reductions_divide_by_their_denominator(
    #[case] reduction: Reduction,
    #[case] value: f64,
    #[case] grad_scale: f64,
) {
    let u = unreduced(&[2.0, 0.0, 3.0], Some(&[2.0, 0.0, 1.0]));
    let out = Reducer::from(reduction).finish(u);
    assert!((out.value.scalar().unwrap() - value).abs() < 1e-15);
    assert!(
        out.grad
            .unwrap()
            .iter()
            .all(|&g| (g - grad_scale).abs() < 1e-15)
    );
}

#[test]
fn none_keeps_elements_and_gradient_of_sum() {
    let out = Reducer::from(Reduction::None).finish(unreduced(&[1.0, 2.0], None));
    assert_eq!(
        out.value,
        LossValue::PerElement(array![1.0, 2.0].into_dyn())
    );
    assert!(out.grad.unwrap().iter().all(|&g| g == 1.0));
}

#[rstest]
#[case::keras_zero(OnZeroWeights::Zero)]
#[case::torch_nan(OnZeroWeights::Nan)]
fn all_zero_weights(#[case] on_zero: OnZeroWeights) {
    for reduction in [Reduction::WeightedMean, Reduction::SumByNonzeroWeights] {
        let u = unreduced(&[0.0, 0.0], Some(&[0.0, 0.0]));
        let out = Reducer { reduction, on_zero }.finish(u);
        let v = out.value.scalar().unwrap();
        match on_zero {
            OnZeroWeights::Zero => {
                assert_eq!(v, 0.0);
                assert!(out.grad.unwrap().iter().all(|&g| g == 0.0));
            }
            OnZeroWeights::Nan => assert!(v.is_nan()),
        }
    }
}
