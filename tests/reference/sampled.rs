use super::case::{Case, Extra, Outcome, OutcomeWithExtra};
use ndarray::{ArrayD, Ix1, Ix2};
use reweigh::Real;
use reweigh::losses::SampledSoftmaxLoss;
use reweigh::sampling::{LogUniformSampler, SampledCandidates};

fn usize_param(case: &Case, name: &str) -> usize {
    let v = case
        .i64_param(name)
        .unwrap_or_else(|| panic!("case {} lacks {name}", case.id));
    usize::try_from(v).expect(name)
}

fn sampler_param(case: &Case, name: &str) -> Option<u64> {
    case.param("sampler")?.get(name)?.as_u64()
}

fn ix2<A>(a: ArrayD<A>) -> ndarray::Array2<A> {
    a.into_dimensionality::<Ix2>().expect("2-d case array")
}

/// `tf.nn.sampled_softmax_loss` (candidates from the case, or drawn from `params.sampler.seed`
/// when the case has none) and, with `params.full_softmax`, the full softmax.
pub fn run_loss<F: Real>(case: &Case) -> OutcomeWithExtra<F> {
    let loss = SampledSoftmaxLoss::<F>::new(
        usize_param(case, "num_sampled"),
        usize_param(case, "num_classes"),
    )
    .remove_accidental_hits(case.bool_param("remove_accidental_hits", true))
    .reduction(case.reducer()?);
    let x = ix2(case.input::<F>("inputs"));
    let w = ix2(case.input::<F>("weights"));
    let b = case
        .input::<F>("biases")
        .into_dimensionality::<Ix1>()
        .expect("1-d biases");
    let labels = ix2(case.input_i64("labels"));
    let sw = case.opt_input::<F>("sample_weight");
    let sw = sw.as_ref().map(|s| s.view());
    let out = if case.bool_param("full_softmax", false) {
        loss.full_softmax(x.view(), w.view(), b.view(), labels.view(), sw)?
    } else {
        let candidates = if case.inputs.contains_key("sampled") {
            SampledCandidates {
                sampled: case.input_i64("sampled").iter().copied().collect(),
                true_expected_count: ix2(case.input::<f64>("true_expected_count")),
                sampled_expected_count: case
                    .input::<f64>("sampled_expected_count")
                    .iter()
                    .copied()
                    .collect(),
            }
        } else {
            loss.sample(labels.view(), sampler_param(case, "seed").expect("seed"))?
        };
        match sw {
            Some(sw) => loss.forward_backward_weighted(
                x.view(),
                w.view(),
                b.view(),
                labels.view(),
                &candidates,
                sw,
            )?,
            None => {
                loss.forward_backward(x.view(), w.view(), b.view(), labels.view(), &candidates)?
            }
        }
    };
    let grads = out.grads.expect("gradients were requested");
    let extra = Extra::from([
        ("grad_weights".to_string(), grads.weights.into_dyn()),
        ("grad_biases".to_string(), grads.biases.into_dyn()),
    ]);
    Ok((
        Outcome {
            value: out.value.into_array(),
            grad: Some(grads.inputs.into_dyn()),
        },
        extra,
    ))
}

/// `tf.random.log_uniform_candidate_sampler`: the expected counts of the recorded draws for the
/// recorded `num_tries` (value: true classes; extra: sampled classes), or, for error cases
/// without draws, a fresh sample.
pub fn run_sampler<F: Real>(case: &Case) -> OutcomeWithExtra<F> {
    let sampler = LogUniformSampler::new(usize_param(case, "range_max"))?;
    let true_classes = ix2(case.input_i64("true_classes"));
    let c = if case.inputs.contains_key("sampled") {
        let sampled = case.input_i64("sampled").iter().copied().collect();
        sampler.expected_counts(true_classes.view(), sampled, usize_param(case, "num_tries"))?
    } else {
        let seed = case.i64_param("seed").expect("seed") as u64;
        sampler.sample(
            true_classes.view(),
            usize_param(case, "num_sampled"),
            case.bool_param("unique", true),
            seed,
        )?
    };
    let sampled_counts = ndarray::Array1::from(c.sampled_expected_count).mapv(F::of);
    Ok((
        Outcome {
            value: c.true_expected_count.mapv(F::of).into_dyn(),
            grad: None,
        },
        Extra::from([(
            "sampled_expected_count".to_string(),
            sampled_counts.into_dyn(),
        )]),
    ))
}
