//! Runners for every loss with a configuration type: the case's `params` deserialise into the
//! loss's configuration (`reweigh::config`; an unknown parameter name is an error), which builds
//! the loss, which computes the case's inputs.

use super::backend::Backend;
use super::case::{Case, Outcome};
use reweigh::config::{
    AsymmetricLossConfig, BinaryCrossEntropyConfig, BinaryFocalLossConfig,
    BinaryFocalLossProbsConfig, CategoricalCrossEntropyProbsConfig, CategoricalFocalLossConfig,
    ClassBalancedConfig, CostMatrixConfig, DistributionBalancedConfig, LdamConfig,
    LogitAdjustedConfig, LossConfig, NllLossConfig, PerSampleTverskyConfig, PolyCrossEntropyConfig,
    SegmentationTverskyConfig, SigmoidCrossEntropyConfig, SingleLabelAsymmetricLossConfig,
    SoftmaxCrossEntropyConfig, SparseCategoricalCrossEntropyProbsConfig,
    SparseSoftmaxCrossEntropyConfig, TverskyConfig,
};
use reweigh::losses::{DeferredReweighting, ldam_margins, posthoc_logit_adjustment};
use reweigh::{Loss, Real, ReweighError};
use serde_json::Value;

/// Case parameters that say how a case was generated, not how the loss is configured.
const INFORMATIONAL: &[&str] = &[
    // the framework preset the generator started from; every option it sets is in the case
    "preset",
];

/// The case's configuration: `base` with the case's parameters put over it.
fn config<C: LossConfig>(case: &Case, base: C, extra: &[(&str, Value)]) -> Result<C, ReweighError> {
    let mut params = case.params.clone();
    if let Value::Object(m) = &mut params {
        for k in INFORMATIONAL {
            m.remove(*k);
        }
        for (k, v) in extra {
            m.insert(k.to_string(), v.clone());
        }
    }
    base.with_params(&params)
}

/// Computes a loss whose targets are floats (labels or probabilities) on the case's inputs.
fn dense<F: Real, B: Backend<F>, L>(
    case: &Case,
    loss: L,
    input: &str,
) -> Result<Outcome<F>, ReweighError>
where
    L: Loss<F, Label = F> + Send + Sync + 'static,
{
    let x = case.input::<F>(input);
    let y = case.input::<F>("labels");
    let sw = case.opt_input::<F>("sample_weight");
    B::dense(loss, x.view(), y.view(), sw.as_ref().map(|w| w.view()))
}

/// Computes a loss whose targets are integer labels on the case's inputs.
fn sparse<F: Real, B: Backend<F>, L>(
    case: &Case,
    loss: L,
    input: &str,
) -> Result<Outcome<F>, ReweighError>
where
    L: Loss<F, Label = i64> + Send + Sync + 'static,
{
    let x = case.input::<F>(input);
    let y = case.input_i64("labels");
    let sw = case.opt_input::<F>("sample_weight");
    B::sparse(loss, x.view(), y.view(), sw.as_ref().map(|w| w.view()))
}

/// The runner of `case.loss`, or `None` when this module has none.
pub fn run<F: Real, B: Backend<F>>(case: &Case) -> Option<Result<Outcome<F>, ReweighError>> {
    let none = &[];
    Some(match case.loss.as_str() {
        "sigmoid_cross_entropy" => config(case, SigmoidCrossEntropyConfig::default(), none)
            .and_then(|c| dense::<F, B, _>(case, c.build()?, "logits")),
        // the dense loss has no smoothing form (both forms give the same loss): the generator's
        // `smoothing_form` is dropped here after checking it is one of the two names
        "softmax_cross_entropy" => {
            let mut case = case.clone();
            if let Value::Object(m) = &mut case.params
                && let Some(form) = m.remove("smoothing_form")
            {
                assert!(
                    matches!(form.as_str(), Some("keras_tf" | "pytorch")),
                    "case {}: smoothing_form {form}",
                    case.id
                );
            }
            config(&case, SoftmaxCrossEntropyConfig::default(), none)
                .and_then(|c| dense::<F, B, _>(&case, c.build()?, "logits"))
        }
        "sparse_softmax_cross_entropy" => {
            config(case, SparseSoftmaxCrossEntropyConfig::default(), none)
                .and_then(|c| sparse::<F, B, _>(case, c.build()?, "logits"))
        }
        "binary_cross_entropy_probs" => config(case, BinaryCrossEntropyConfig::default(), none)
            .and_then(|c| dense::<F, B, _>(case, c.build()?, "probs")),
        "categorical_cross_entropy_probs" => {
            config(case, CategoricalCrossEntropyProbsConfig::default(), none)
                .and_then(|c| dense::<F, B, _>(case, c.build()?, "probs"))
        }
        "sparse_categorical_cross_entropy_probs" => config(
            case,
            SparseCategoricalCrossEntropyProbsConfig::default(),
            none,
        )
        .and_then(|c| sparse::<F, B, _>(case, c.build::<F>()?, "probs")),
        "nll_loss" => config(case, NllLossConfig::pytorch(), none)
            .and_then(|c| sparse::<F, B, _>(case, c.build()?, "log_probs")),
        "binary_focal" => config(case, BinaryFocalLossConfig::default(), none)
            .and_then(|c| dense::<F, B, _>(case, c.build()?, "logits")),
        "binary_focal_probs" => config(case, BinaryFocalLossProbsConfig::default(), none)
            .and_then(|c| dense::<F, B, _>(case, c.build()?, "probs")),
        "categorical_focal" => {
            config(case, CategoricalFocalLossConfig::default(), none).and_then(|c| {
                let input = if c.from_logits { "logits" } else { "probs" };
                dense::<F, B, _>(case, c.build()?, input)
            })
        }
        "cost_matrix_cross_entropy" => {
            // the tensor form's weights are an input of the case
            let tensor = case.inputs.get("weight_tensor").map(|t| {
                let a = t.to::<f64>();
                serde_json::to_value(reweigh::config::CostMatrixConfig {
                    weight_tensor: Some(a),
                    ..Default::default()
                })
                .expect("a configuration serialises")["weight_tensor"]
                    .clone()
            });
            let extra: Vec<(&str, Value)> =
                tensor.into_iter().map(|t| ("weight_tensor", t)).collect();
            config(case, CostMatrixConfig::default(), &extra).and_then(|c| {
                let input = if c.from_logits { "logits" } else { "probs" };
                dense::<F, B, _>(case, c.build()?, input)
            })
        }
        // the class-balanced cases name the base loss's parameters at the top level
        "class_balanced_sigmoid" => class_balanced(case, SigmoidCrossEntropyConfig::default(), &[])
            .and_then(|c| dense::<F, B, _>(case, c.build()?, "logits")),
        "class_balanced_focal" => {
            class_balanced(case, BinaryFocalLossConfig::default(), &["gamma"])
                .and_then(|c| dense::<F, B, _>(case, c.build()?, "logits"))
        }
        "class_balanced_softmax" => {
            let counts: Vec<u64> = serde_json::from_value(case.params["counts"].clone())
                .expect("class_balanced_softmax cases give counts");
            let beta = F::of(case.f64_param("beta", 0.0));
            let mut params = case.params.clone();
            if let Value::Object(m) = &mut params {
                m.remove("counts");
                m.remove("beta");
            }
            SparseSoftmaxCrossEntropyConfig::class_balanced(&counts, beta)
                .and_then(|c| c.with_params(&params))
                .and_then(|c| sparse::<F, B, _>(case, c.build()?, "logits"))
        }
        "asymmetric" => config(case, AsymmetricLossConfig::default(), none)
            .and_then(|c| dense::<F, B, _>(case, c.build()?, "logits")),
        "single_label_asymmetric" => config(case, SingleLabelAsymmetricLossConfig::default(), none)
            .and_then(|c| sparse::<F, B, _>(case, c.build()?, "logits")),
        "distribution_balanced" => config(case, DistributionBalancedConfig::default(), none)
            .and_then(|c| dense::<F, B, _>(case, c.build()?, "logits")),
        "ldam" => config(case, LdamConfig::default(), none)
            .and_then(|c| sparse::<F, B, _>(case, c.build()?, "logits")),
        "ldam_margins" => {
            let counts: Vec<f64> = serde_json::from_value(case.params["counts"].clone())
                .expect("ldam_margins cases give counts");
            ldam_margins(&counts, case.f64_param("max_m", 0.5)).map(|m| Outcome {
                value: m.mapv(F::of).into_dyn(),
                grad: None,
            })
        }
        "drw_class_weights" => {
            let counts: Vec<f64> = serde_json::from_value(case.params["counts"].clone())
                .expect("drw_class_weights cases give counts");
            let drw = DeferredReweighting {
                start_epoch: case.f64_param("start_epoch", 0.0) as usize,
                beta: case.f64_param("beta", 0.9999),
            };
            drw.class_weights(case.f64_param("epoch", 0.0) as usize, &counts)
                .map(|w| Outcome {
                    value: w
                        .expect("the cases' epochs are past the start")
                        .mapv(F::of)
                        .into_dyn(),
                    grad: None,
                })
        }
        "poly_cross_entropy" => config(case, PolyCrossEntropyConfig::default(), none)
            .and_then(|c| dense::<F, B, _>(case, c.build()?, "logits")),
        "sparse_poly_cross_entropy" => config(case, PolyCrossEntropyConfig::default(), none)
            .and_then(|c| sparse::<F, B, _>(case, c.build_sparse()?, "logits")),
        // the offsets come from the counts; `base` is the cross-entropy of the shifted logits
        "logit_adjusted_cross_entropy" => config(case, LogitAdjustedConfig::default(), none)
            .and_then(|c| sparse::<F, B, _>(case, c.build()?, "logits")),
        "posthoc_logit_adjustment" => {
            config(case, LogitAdjustedConfig::default(), none).and_then(|c| {
                let offsets = c.offset.offsets::<F>(&c.counts)?;
                let x = case.input::<F>("logits");
                Ok(Outcome {
                    value: posthoc_logit_adjustment(x.view(), &offsets)?,
                    grad: None,
                })
            })
        }
        "keras_tversky" => config(case, TverskyConfig::default(), none)
            .and_then(|c| dense::<F, B, _>(case, c.build()?, "probs")),
        // "segmentation_tversky": the same configuration for the references other than smp
        // (pytorch_optimizer), counted on their own rows
        "smp_tversky" | "segmentation_tversky" => {
            config(case, SegmentationTverskyConfig::default(), none).and_then(|c| {
                let input = if c.from_logits { "logits" } else { "probs" };
                dense::<F, B, _>(case, c.build()?, input)
            })
        }
        "sparse_smp_tversky" | "sparse_segmentation_tversky" => {
            config(case, SegmentationTverskyConfig::default(), none).and_then(|c| {
                let input = if c.from_logits { "logits" } else { "probs" };
                sparse::<F, B, _>(case, c.build_sparse()?, input)
            })
        }
        "per_sample_tversky" => config(case, PerSampleTverskyConfig::default(), none)
            .and_then(|c| dense::<F, B, _>(case, c.build()?, "logits")),
        "sparse_per_sample_tversky" => config(case, PerSampleTverskyConfig::default(), none)
            .and_then(|c| sparse::<F, B, _>(case, c.build_sparse()?, "logits")),
        _ => return None,
    })
}

/// A class-balanced configuration: the case's `base_keys` go into the base loss's
/// configuration, the others (`counts`, `beta`, `reduction`, `on_zero`) into the wrapper's.
fn class_balanced<C: LossConfig>(
    case: &Case,
    base: C,
    base_keys: &[&str],
) -> Result<ClassBalancedConfig<C>, ReweighError> {
    let mut params = case.params.clone();
    let mut base_params = serde_json::Map::new();
    if let Value::Object(m) = &mut params {
        for k in base_keys {
            if let Some(v) = m.remove(*k) {
                base_params.insert(k.to_string(), v);
            }
        }
        // a sigmoid base has no gamma: the generator writes `gamma: null` for it
        m.retain(|k, v| k != "gamma" || !v.is_null());
    }
    let wrapper = ClassBalancedConfig {
        base: base.with_params(&Value::Object(base_params))?,
        ..ClassBalancedConfig::default()
    };
    wrapper.with_params(&params)
}
