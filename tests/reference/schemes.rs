//! Runners for the scheme, sample-weight, resampling and metric cases (data/reference/schemes.json).
//! The computed weights, counts or scores go in `value`; `grad` is `None`.

use super::case::{Case, Outcome};
use ndarray::{ArrayD, IxDyn};
use reweigh::metrics::{BinaryCosts, CostMatrix, Evaluation, ZeroDivision};
use reweigh::resample::{RandomOverSampler, RandomUnderSampler, SamplingStrategy};
use reweigh::schemes::{
    ClassCounts, Scheme, balanced_weights_sklearn, compute_sample_weight, custom_weights_sklearn,
};
use reweigh::{Real, ReweighError};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

fn value<F: Real>(v: Vec<f64>, shape: &[usize]) -> Outcome<F> {
    Outcome {
        value: ArrayD::from_shape_vec(IxDyn(shape), v.into_iter().map(F::of).collect()).unwrap(),
        grad: None,
    }
}

fn ints(case: &Case, name: &str) -> Vec<i64> {
    case.input_i64(name).iter().copied().collect()
}

fn opt_ints(case: &Case, name: &str) -> Option<Vec<i64>> {
    case.inputs.contains_key(name).then(|| ints(case, name))
}

fn opt_floats(case: &Case, name: &str) -> Option<Vec<f64>> {
    case.opt_input::<f64>(name)
        .map(|a| a.iter().copied().collect())
}

/// `{"pairs": [[class, value], ...]}`.
fn pairs(v: &Value) -> Vec<(i64, f64)> {
    v["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| (p[0].as_i64().unwrap(), p[1].as_f64().unwrap()))
        .collect()
}

/// scikit-learn's `class_weight`: `"balanced"` (or any name), `null`, or a dict.
fn scheme_of(v: Option<&Value>) -> Result<Scheme, ReweighError> {
    match v {
        None | Some(Value::Null) => Ok(Scheme::Uniform),
        Some(Value::String(s)) => s.parse(),
        Some(d @ Value::Object(_)) => Ok(Scheme::Custom(pairs(d).into_iter().collect())),
        Some(other) => panic!("bad class_weight {other}"),
    }
}

/// The class weights of `compute_class_weight(class_weight, classes=classes, y=y, sample_weight=sw)`.
///
/// `params.mode = "sklearn"` computes them with reweigh's scikit-learn-compatible functions by
/// name (`balanced_weights_sklearn`, `custom_weights_sklearn`); `params.strict_error` names the
/// `ReweighError` variant that reweigh's strict default must return for the same input (a
/// deliberate difference, data/reference/README.md): the case fails unless it does.
fn class_weight<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let strict = class_weight_with::<F>(case, false);
    if let Some(variant) = case.str_param("strict_error") {
        match &strict {
            Err(e) if format!("{e:?}").starts_with(variant) => {}
            other => {
                return Err(ReweighError::Incompatible(format!(
                    "the strict default should return ReweighError::{variant}, returned {:?}",
                    other.as_ref().map(|o| o.value.mapv(|x| x.f64()))
                )));
            }
        }
    }
    match case.str_param("mode") {
        None => strict,
        Some("sklearn") => class_weight_with::<F>(case, true),
        Some(other) => Err(ReweighError::UnknownName {
            kind: "case mode",
            name: other.to_string(),
            valid: "sklearn".into(),
        }),
    }
}

/// The weights of `scheme` on `counts`: the strict default, or with `sklearn` the
/// scikit-learn-compatible function of the scheme where reweigh has one.
fn weights_of<F: Real>(
    scheme: &Scheme,
    counts: &ClassCounts,
    sklearn: bool,
) -> Result<Vec<f64>, ReweighError> {
    let w: Vec<F> = match (sklearn, scheme) {
        (true, Scheme::Balanced) => {
            balanced_weights_sklearn(counts.to_array::<F>().view())?.to_vec()
        }
        (true, Scheme::Custom(dict)) => custom_weights_sklearn::<F>(dict, counts)?.to_vec(),
        _ => scheme.weights::<F>(counts)?.weights().to_vec(),
    };
    Ok(w.iter().map(|x| x.f64()).collect())
}

fn class_weight_with<F: Real>(case: &Case, sklearn: bool) -> Result<Outcome<F>, ReweighError> {
    let scheme = scheme_of(case.param("class_weight"))?;
    let y = ints(case, "y");
    let classes = ints(case, "classes");
    let counts = match opt_floats(case, "sample_weight") {
        Some(sw) => {
            // weighted totals over the labels present, reordered as `classes`
            let c = ClassCounts::weighted(&y, ndarray::ArrayView1::from(&sw))?;
            let pairs: Vec<(i64, f64)> = classes
                .iter()
                .map(|k| {
                    c.get(*k)
                        .map(|n| (*k, n))
                        .ok_or(ReweighError::UnknownClass {
                            what: "classes",
                            class: *k,
                        })
                })
                .collect::<Result<_, _>>()?;
            let _ = ClassCounts::with_classes(&y, &classes)?;
            let counts = ClassCounts::from_pairs(pairs)?;
            let w = weights_of::<F>(&scheme, &counts, sklearn)?;
            return Ok(value(
                classes
                    .iter()
                    .map(|k| w[counts.position(*k).unwrap()])
                    .collect(),
                &[classes.len()],
            ));
        }
        None => ClassCounts::with_classes(&y, &classes)?,
    };
    Ok(value(
        weights_of::<F>(&scheme, &counts, sklearn)?,
        &[classes.len()],
    ))
}

/// A named scheme on counts (`Scheme::from_str(params.scheme).weights(counts)`), or with
/// `params.epoch` the weights of that epoch (`weights_at_epoch`: the DRW schedule). The value is
/// the scheme's vector whatever its kind (weights, LDAM margins, logit offsets).
fn scheme<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let scheme: Scheme = case.str_param("scheme").expect("scheme").parse()?;
    let counts =
        ClassCounts::from_pairs(ints(case, "classes").into_iter().zip(ints(case, "counts")))?;
    let w = match case.i64_param("epoch") {
        Some(epoch) => scheme.weights_at_epoch::<F>(epoch as usize, &counts)?,
        None => scheme.weights::<F>(&counts)?,
    };
    Ok(value(
        w.weights().iter().map(|x| x.f64()).collect(),
        &[w.len()],
    ))
}

/// `compute_sample_weight(class_weight, y, indices=indices)`.
fn sample_weight<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let schemes = match case.param("class_weight") {
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| scheme_of(Some(v)))
            .collect::<Result<Vec<_>, _>>()?,
        v => vec![scheme_of(v)?],
    };
    let y = case.input_i64("y");
    let indices: Option<Vec<usize>> =
        opt_ints(case, "indices").map(|v| v.into_iter().map(|i| i as usize).collect());
    let w = compute_sample_weight::<F, _>(&schemes, y.view(), indices.as_deref())?;
    Ok(value(w.iter().map(|x| x.f64()).collect(), &[w.len()]))
}

/// Per-class counts after imbalanced-learn's random over/under-sampling.
fn resample<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let y = ints(case, "y");
    let strategy = match case.param("sampling_strategy").expect("sampling_strategy") {
        Value::String(s) => s.parse()?,
        Value::Number(r) => SamplingStrategy::Ratio(r.as_f64().unwrap()),
        d @ Value::Object(_) => SamplingStrategy::Counts(
            pairs(d)
                .into_iter()
                .map(|(k, n)| (k, n as usize))
                .collect::<BTreeMap<_, _>>(),
        ),
        other => panic!("bad sampling_strategy {other}"),
    };
    let idx = match case.str_param("sampler") {
        Some("over") => RandomOverSampler::new(strategy).seed(0).fit_resample(&y)?,
        Some("under") => RandomUnderSampler::new(strategy)
            .seed(0)
            .replacement(case.bool_param("replacement", false))
            .fit_resample(&y)?,
        other => panic!("bad sampler {other:?}"),
    };
    let classes = ClassCounts::from_labels(&y)?;
    let mut per: HashMap<i64, f64> = HashMap::new();
    for i in idx {
        *per.entry(y[i]).or_default() += 1.0;
    }
    let v: Vec<f64> = classes
        .classes()
        .iter()
        .map(|c| per.get(c).copied().unwrap_or(0.0))
        .collect();
    Ok(value(v.clone(), &[v.len()]))
}

/// The labels as the case holds them (floats: a continuous label must be rejected by reweigh,
/// not truncated by the runner).
fn labels(case: &Case, name: &str) -> Vec<f64> {
    case.input::<f64>(name).iter().copied().collect()
}

fn evaluation(case: &Case) -> Result<Evaluation, ReweighError> {
    let ev = Evaluation::new(&labels(case, "y_true"), &labels(case, "y_pred"))?;
    match opt_floats(case, "sample_weight") {
        Some(sw) => ev.with_sample_weight(&sw),
        None => Ok(ev),
    }
}

fn zero_division(case: &Case) -> ZeroDivision {
    match case.str_param("zero_division") {
        None | Some("warn") => ZeroDivision::Warn,
        Some("0.0") => ZeroDivision::Zero,
        Some("1.0") => ZeroDivision::One,
        Some("nan") => ZeroDivision::Nan,
        Some(o) => panic!("bad zero_division {o}"),
    }
}

fn metric<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    let ev = evaluation(case)?;
    let labels = opt_ints(case, "labels");
    let labels = labels.as_deref();
    Ok(match case.loss.as_str() {
        "confusion_matrix" => {
            let cm = ev.confusion_matrix(labels)?;
            let m = cm.matrix();
            value(m.iter().copied().collect(), m.shape())
        }
        "precision_recall_fscore_support" => {
            let s = ev.precision_recall_fscore(
                labels,
                case.f64_param("beta", 1.0),
                zero_division(case),
            )?;
            let n = s.labels.len();
            let v = [s.precision, s.recall, s.f_score, s.support].concat();
            value(v, &[4, n])
        }
        "f1_macro" => value(vec![ev.f1_macro(labels, zero_division(case))?], &[]),
        "balanced_accuracy" => value(
            vec![ev.balanced_accuracy(case.bool_param("adjusted", false))?],
            &[],
        ),
        "expected_cost" => {
            let cost = match case.param("binary_costs") {
                Some(c) => CostMatrix::binary(BinaryCosts {
                    tp: c["tp"].as_f64().unwrap(),
                    fp: c["fp"].as_f64().unwrap(),
                    tn: c["tn"].as_f64().unwrap(),
                    fn_: c["fn"].as_f64().unwrap(),
                }),
                None => CostMatrix::new(
                    labels.expect("labels").to_vec(),
                    case.input::<f64>("cost").into_dimensionality().unwrap(),
                )?,
            };
            value(vec![ev.expected_cost(&cost)?], &[])
        }
        other => panic!("no metric {other}"),
    })
}

pub fn run<F: Real>(case: &Case) -> Result<Outcome<F>, ReweighError> {
    match case.loss.as_str() {
        "class_weight" => class_weight(case),
        "scheme" => scheme(case),
        "sample_weight" => sample_weight(case),
        "resample" => resample(case),
        _ => metric(case),
    }
}
