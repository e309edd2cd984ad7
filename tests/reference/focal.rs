//! Runners for the focal family: `binary_focal`, `categorical_focal`, `class_balanced_sigmoid`,
//! `class_balanced_focal`.

use super::case::{Case, Outcome};
use reweigh::losses::{BinaryFocalLoss, CategoricalFocalLoss, class_balanced};
use reweigh::{Loss, LossOutput, Real, ReweighError};

fn outcome<F: Real>(out: LossOutput<F>) -> Outcome<F> {
    Outcome {
        value: out.value.into_array(),
        grad: out.grad,
    }
}

pub fn binary<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let mut loss = BinaryFocalLoss::<F>::new()
        .gamma(F::of(case.f64_param("gamma", 2.0)))
        .label_smoothing(F::of(case.f64_param("label_smoothing", 0.0)))
        .mean_last_axis(case.bool_param("mean_last_axis", false))
        .reduction(case.reducer());
    if let Some(a) = case
        .param("alpha")
        .map(|v| F::of(v.as_f64().expect("alpha")))
    {
        loss = match case.str_param("alpha_convention") {
            Some("torchvision") => loss.torchvision_alpha(a),
            _ => loss.alpha(a),
        };
    }
    let x = case.input::<F>("logits");
    let z = case.input::<F>("labels");
    let sw = case.opt_input::<F>("sample_weight");
    Ok(outcome(loss.compute(
        x.view(),
        z.view(),
        sw.as_ref().map(|w| w.view()),
        true,
    )?))
}

pub fn categorical<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let from_logits = case.bool_param("from_logits", true);
    let mut loss = CategoricalFocalLoss::<F>::new()
        .gamma(F::of(case.f64_param("gamma", 2.0)))
        .label_smoothing(F::of(case.f64_param("label_smoothing", 0.0)))
        .from_logits(from_logits)
        .epsilon(
            case.param("clip_epsilon")
                .map(|v| v.as_f64().expect("clip_epsilon")),
        )
        .reduction(case.reducer());
    if let Some(a) = case.param("alpha") {
        loss = match a {
            serde_json::Value::Array(items) if case.bool_param("keras_alpha_list", false) => {
                let list: Vec<f64> = items.iter().map(|v| v.as_f64().expect("alpha")).collect();
                loss.keras_alpha_list(&list)
            }
            serde_json::Value::Array(_) => loss.class_weights(
                case.array_param::<F>("alpha")
                    .unwrap()
                    .into_dimensionality()
                    .expect("1-d alpha"),
            ),
            v => loss.alpha(F::of(v.as_f64().expect("alpha"))),
        };
    }
    let x = case.input::<F>(if from_logits { "logits" } else { "probs" });
    let y = case.input::<F>("labels");
    let sw = case.opt_input::<F>("sample_weight");
    Ok(outcome(loss.compute(
        x.view(),
        y.view(),
        sw.as_ref().map(|w| w.view()),
        true,
    )?))
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
