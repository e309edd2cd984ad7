//! Runner for the cost-matrix cross-entropy (data/reference/cost_matrix.json).

use super::case::{Case, Outcome};
use ndarray::Ix2;
use reweigh::losses::{CostMatrixCrossEntropy, CostWeights, ProbClip};
use reweigh::{Loss, Real, ReweighError};

pub fn run<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let weights = match case.str_param("form") {
        Some("matrix") => CostWeights::Matrix(
            case.array_param::<F>("cost_matrix")
                .expect("cost_matrix")
                .into_dimensionality::<Ix2>()
                .expect("cost_matrix must be 2-D"),
        ),
        Some("tensor") => CostWeights::Tensor(case.input::<F>("weight_tensor")),
        other => panic!("case {}: unknown form {other:?}", case.id),
    };
    let from_logits = case.bool_param("from_logits", false);
    let loss = CostMatrixCrossEntropy::new(weights)
        .from_logits(from_logits)
        .epsilon(case.f64_param("epsilon", ProbClip::DEFAULT_EPSILON))
        .label_smoothing(F::of(case.f64_param("label_smoothing", 0.0)))
        .reduction(case.reducer());
    let x = case.input::<F>(if from_logits { "logits" } else { "probs" });
    let y = case.input::<F>("labels");
    let sw = case.opt_input::<F>("sample_weight");
    let out = loss.compute(x.view(), y.view(), sw.as_ref().map(|w| w.view()), true)?;
    Ok(Outcome {
        value: out.value.into_array(),
        grad: out.grad,
    })
}
