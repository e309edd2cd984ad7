use super::case::{Case, Outcome};
use reweigh::losses::SigmoidCrossEntropy;
use reweigh::{Loss, Real, ReweighError};

pub fn run<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let mut loss = SigmoidCrossEntropy::<F>::new()
        .label_smoothing(F::of(case.f64_param("label_smoothing", 0.0)))
        .mean_last_axis(case.bool_param("mean_last_axis", false))
        .reduction(case.reducer());
    if let Some(q) = case.array_param("pos_weight") {
        loss = loss.pos_weight(q);
    }
    if let Some(w) = case.array_param("weight") {
        loss = loss.element_weights(w);
    }
    let x = case.input::<F>("logits");
    let z = case.input::<F>("labels");
    let sw = case.opt_input::<F>("sample_weight");
    let out = loss.compute(x.view(), z.view(), sw.as_ref().map(|w| w.view()), true)?;
    Ok(Outcome {
        value: out.value.into_array(),
        grad: out.grad,
    })
}
