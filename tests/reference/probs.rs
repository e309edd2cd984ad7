//! Runners for the probability-space losses (data/reference/probs.json).

use super::case::{Case, Outcome};
use reweigh::losses::{
    BinaryCrossEntropy, CategoricalCrossEntropyProbs, NllLoss, ProbClip,
    SparseCategoricalCrossEntropyProbs,
};
use reweigh::{Loss, LossOutput, Real, ReweighError};

fn outcome<F: Real>(out: LossOutput<F>) -> Outcome<F> {
    Outcome {
        value: out.value.into_array(),
        grad: out.grad,
    }
}

fn epsilon(case: &Case) -> f64 {
    case.f64_param("epsilon", ProbClip::DEFAULT_EPSILON)
}

pub fn run_binary<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let clip = match case.str_param("clip").unwrap_or("keras") {
        "keras" => ProbClip::Keras {
            epsilon: epsilon(case),
        },
        "pytorch" => ProbClip::PyTorch,
        "tf1" => ProbClip::Tf1LogLoss {
            epsilon: epsilon(case),
        },
        other => panic!("case {}: unknown clip {other}", case.id),
    };
    let mut loss = BinaryCrossEntropy::<F>::new()
        .clip(clip)
        .label_smoothing(F::of(case.f64_param("label_smoothing", 0.0)))
        .mean_last_axis(case.bool_param("mean_last_axis", false))
        .reduction(case.reducer());
    if let Some(w) = case.array_param("weight") {
        loss = loss.element_weights(w);
    }
    let p = case.input::<F>("probs");
    let z = case.input::<F>("labels");
    let sw = case.opt_input::<F>("sample_weight");
    let out = loss.compute(p.view(), z.view(), sw.as_ref().map(|w| w.view()), true)?;
    Ok(outcome(out))
}

pub fn run_categorical<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let loss = CategoricalCrossEntropyProbs::<F>::keras()
        .epsilon(epsilon(case))
        .label_smoothing(F::of(case.f64_param("label_smoothing", 0.0)))
        .reduction(case.reducer());
    let p = case.input::<F>("probs");
    let y = case.input::<F>("labels");
    let sw = case.opt_input::<F>("sample_weight");
    let out = loss.compute(p.view(), y.view(), sw.as_ref().map(|w| w.view()), true)?;
    Ok(outcome(out))
}

pub fn run_sparse<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let loss = SparseCategoricalCrossEntropyProbs::keras()
        .epsilon(epsilon(case))
        .ignore_class(case.i64_param("ignore_class"))
        .reduction(case.reducer());
    let p = case.input::<F>("probs");
    let y = case.input_i64("labels");
    let sw = case.opt_input::<F>("sample_weight");
    let out = loss.compute(p.view(), y.view(), sw.as_ref().map(|w| w.view()), true)?;
    Ok(outcome(out))
}

pub fn run_nll<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let mut loss = NllLoss::<F>::pytorch()
        .ignore_index(case.i64_param("ignore_index").unwrap_or(-100))
        .reduction(case.reducer());
    if let Some(w) = case.array_param::<F>("weight") {
        loss = loss.class_weights(w.into_dimensionality().expect("weight must be 1-D"));
    }
    let x = case.input::<F>("log_probs");
    let y = case.input_i64("labels");
    let sw = case.opt_input::<F>("sample_weight");
    let out = loss.compute(x.view(), y.view(), sw.as_ref().map(|w| w.view()), true)?;
    Ok(outcome(out))
}
