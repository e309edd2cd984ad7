//! Runners for the class-balanced losses (Cui et al.): `class_balanced_sigmoid`,
//! `class_balanced_focal`, `class_balanced_softmax`.

use super::case::{Case, Outcome};
use reweigh::losses::class_balanced;
use reweigh::{Loss, LossOutput, Real, ReweighError};

fn outcome<F: Real>(out: LossOutput<F>) -> Outcome<F> {
    Outcome {
        value: out.value.into_array(),
        grad: out.grad,
    }
}

fn counts(case: &Case) -> Vec<u64> {
    case.param("counts")
        .and_then(|v| v.as_array())
        .expect("counts")
        .iter()
        .map(|n| n.as_u64().expect("count"))
        .collect()
}

pub fn class_balanced<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let beta = F::of(case.f64_param("beta", 0.0));
    let x = case.input::<F>("logits");
    let z = case.input::<F>("labels");
    let sw = case.opt_input::<F>("sample_weight");
    let sw = sw.as_ref().map(|w| w.view());
    let out = if case.loss == "class_balanced_focal" {
        let gamma = F::of(case.f64_param("gamma", 2.0));
        class_balanced::focal(&counts(case), beta, gamma)?
            .reduction(case.reducer())
            .compute(x.view(), z.view(), sw, true)?
    } else {
        class_balanced::sigmoid(&counts(case), beta)?
            .reduction(case.reducer())
            .compute(x.view(), z.view(), sw, true)?
    };
    Ok(outcome(out))
}

pub fn class_balanced_softmax<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let beta = F::of(case.f64_param("beta", 0.0));
    let x = case.input::<F>("logits");
    let y = case.input_i64("labels");
    let sw = case.opt_input::<F>("sample_weight");
    let out = class_balanced::softmax(&counts(case), beta)?
        .reduction(case.reducer())
        .compute(x.view(), y.view(), sw.as_ref().map(|w| w.view()), true)?;
    Ok(outcome(out))
}
