use super::case::{Case, Outcome};
use ndarray::{Array1, ArrayD};
use reweigh::losses::{SmoothingForm, SoftmaxCrossEntropy, SparseSoftmaxCrossEntropy};
use reweigh::{Loss, LossOutput, Real, ReweighError};

fn form(case: &Case) -> SmoothingForm {
    match case.str_param("smoothing_form").unwrap_or("keras_tf") {
        "keras_tf" => SmoothingForm::KerasTf,
        "pytorch" => SmoothingForm::PyTorch,
        other => panic!("case {}: bad smoothing_form {other}", case.id),
    }
}

fn class_weights<F: Real>(case: &Case) -> Option<Array1<F>> {
    case.array_param::<F>("class_weights")
        .map(|w| w.into_dimensionality().expect("class_weights is 1-D"))
}

fn outcome<F: Real>(out: LossOutput<F>) -> Outcome<F> {
    Outcome {
        value: out.value.into_array(),
        grad: out.grad,
    }
}

/// `"softmax_cross_entropy"`: probability targets.
pub fn run_dense<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let mut loss = SoftmaxCrossEntropy::<F>::new()
        .label_smoothing(F::of(case.f64_param("label_smoothing", 0.0)))
        .reduction(case.reducer());
    if let Some(w) = class_weights(case) {
        loss = loss.class_weights(w);
    }
    if let Some(idx) = case.i64_param("ignore_index") {
        loss = loss.ignore_index(idx);
    }
    let x = case.input::<F>("logits");
    let y = case.input::<F>("labels");
    let sw: Option<ArrayD<F>> = case.opt_input("sample_weight");
    Ok(outcome(loss.compute(
        x.view(),
        y.view(),
        sw.as_ref().map(|w| w.view()),
        true,
    )?))
}

/// `"sparse_softmax_cross_entropy"`: integer targets.
pub fn run_sparse<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let mut loss = SparseSoftmaxCrossEntropy::<F>::new()
        .label_smoothing(F::of(case.f64_param("label_smoothing", 0.0)))
        .smoothing_form(form(case))
        .weight_by_predicted(case.bool_param("weight_by_predicted", false))
        .reduction(case.reducer());
    if let Some(w) = class_weights(case) {
        loss = loss.class_weights(w);
    }
    if let Some(idx) = case.i64_param("ignore_index") {
        loss = loss.ignore_index(idx);
    }
    if let Some(idx) = case.i64_param("ignore_class") {
        loss = loss.ignore_class(idx);
    }
    let x = case.input::<F>("logits");
    let y = case.input_i64("labels");
    let sw: Option<ArrayD<F>> = case.opt_input("sample_weight");
    Ok(outcome(loss.compute(
        x.view(),
        y.view(),
        sw.as_ref().map(|w| w.view()),
        true,
    )?))
}
