//! Properties of the core's schemes, sample weights, resamplers, candidate sampler and metrics
//! (see main.rs for the harness and strategies.rs for the inputs).
//!
//! Every call runs under `catch_unwind`: a panic is a property failure naming the call, never an
//! abort of the suite. Each property asserts no panic, finite results where the exact math is
//! finite, and errors of the expected `ReweighError` variant.

use crate::{Property, failure};
use ndarray::{Array1, Array2};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use reweigh::ReweighError;
use reweigh::metrics::{Evaluation, ZeroDivision};
use reweigh::resample::{RandomOverSampler, RandomUnderSampler, SamplingStrategy};
use reweigh::sampling::LogUniformSampler;
use reweigh::schemes::*;
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// `prop_assert!(matches!(value, pattern))` that prints the value when it does not match.
macro_rules! assert_matches {
    ($e:expr, $($p:tt)+) => {{
        let v = &$e;
        prop_assert!(matches!(v, $($p)+), "{:?} does not match {}", v, stringify!($($p)+));
    }};
}

/// Runs `f`; a panic becomes a failure naming `what` and the panic message.
fn guard<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        TestCaseError::fail(format!("{what} panicked: {msg}"))
    })
}

fn rel_close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs())
}

/// A class count: zero, one, small integers, fractional (weighted) totals, huge up to 1e30 and
/// u64::MAX. The exact weights of every scheme on such counts are finite (the largest ratio
/// n / n_c is about 8 · 1.8e19 / 1e-3).
fn count() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => Just(0.0),
        2 => Just(1.0),
        4 => (1u32..1000).prop_map(f64::from),
        2 => 1e-3..100.0f64,
        1 => proptest::sample::select(vec![1e15, 1e30, u64::MAX as f64, 2.0_f64.powi(53)]),
    ]
}

/// Schemes that divide by a count (a zero count is `ZeroCount`); the logit adjustment takes
/// ln(0 + 1e-12) for an empty class, as its official code.
fn divides(s: &Scheme) -> bool {
    !matches!(
        s,
        Scheme::Uniform | Scheme::Frequency | Scheme::LogitAdjustment { .. }
    )
}

/// Schemes whose vector does not change when every count is multiplied by the same factor (in
/// exact arithmetic: the logit offsets of the scaled counts are compared absolutely, as logits).
fn scale_free(s: &Scheme) -> bool {
    matches!(
        s,
        Scheme::Uniform
            | Scheme::Frequency
            | Scheme::InverseFrequencySum1
            | Scheme::InverseFrequencySumC
            | Scheme::InverseFrequencyMean1
            | Scheme::Balanced
            | Scheme::MaxOverCount
            | Scheme::LdamMargins { .. }
            | Scheme::LogitAdjustment { .. }
    )
}

/// Whether `a` and `b`, two vectors of `s` for the same counts, agree within `rel`: relative
/// for weights and margins, absolute (scaled by 1 + |b|) for logit offsets, which are logarithms
/// (ln π for π ≈ 1 is ≈ 0, where a relative comparison of rounded logs means nothing).
fn agree(s: &Scheme, a: f64, b: f64, rel: f64) -> bool {
    match s.kind() {
        SchemeKind::LogitOffsets => (a - b).abs() <= rel * (1.0 + b.abs()),
        _ => rel_close(a, b, rel),
    }
}

/// A random scheme: every named one with random valid parameters, or a user dict.
fn scheme() -> impl Strategy<Value = Scheme> {
    let beta = || proptest::sample::select(vec![0.0, 0.5, 0.9, 0.999, 0.9999, 1.0 - 1e-12]);
    prop_oneof![
        4 => proptest::sample::select(Scheme::all()),
        1 => (1e-3..10.0f64, 0.0..3.0f64).prop_map(|(mu, floor)| Scheme::LogSmoothed { mu, floor }),
        1 => beta().prop_map(|beta| Scheme::EffectiveNumber { beta }),
        1 => (prop_oneof![0usize..400, Just(usize::MAX)], beta())
            .prop_map(|(start_epoch, beta)| Scheme::Drw { start_epoch, beta }),
        1 => prop_oneof![0.0..2.0f64, Just(0.0), Just(1e-300), Just(1e300)]
            .prop_map(|max_m| Scheme::LdamMargins { max_m }),
        1 => prop_oneof![0.0..3.0f64, Just(0.0), Just(1.0), Just(50.0)]
            .prop_map(|tau| Scheme::LogitAdjustment { tau }),
    ]
}

fn check_scheme_on(
    s: &Scheme,
    counts: &[f64],
    c: &ClassCounts,
) -> Result<Option<Vec<f64>>, TestCaseError> {
    let r = guard(&format!("{s}.weights({counts:?})"), || s.weights::<f64>(c))?;
    let all_zero = counts.iter().all(|&n| n == 0.0);
    let some_zero = counts.contains(&0.0);
    match r {
        Err(ReweighError::AllZeroWeights { .. }) if all_zero => Ok(None),
        Err(ReweighError::ZeroCount { class, .. }) if some_zero && divides(s) => {
            prop_assert!(
                c.get(class) == Some(0.0),
                "{s}: ZeroCount names class {class}"
            );
            Ok(None)
        }
        Err(e) => Err(TestCaseError::fail(format!("{s} on {counts:?}: {e:?}"))),
        Ok(_) if all_zero || (some_zero && divides(s)) => Err(TestCaseError::fail(format!(
            "{s} on {counts:?}: a value where a zero count must be an error"
        ))),
        Ok(w) => {
            prop_assert_eq!(w.kind(), s.kind());
            let w: Vec<f64> = w.weights().to_vec();
            prop_assert_eq!(w.len(), counts.len());
            // weights and margins are ≥ 0; the offsets ln(π^τ + 1e-12) lie in
            // [ln 1e-12, ln(1 + 1e-12)]
            let in_range = |x: f64| match s.kind() {
                SchemeKind::LogitOffsets => {
                    (1e-12_f64.ln() - 1e-12..=(1.0_f64 + 1e-12).ln()).contains(&x)
                }
                _ => x >= 0.0,
            };
            prop_assert!(
                w.iter().all(|&x| x.is_finite() && in_range(x)),
                "{s} on {counts:?}: {w:?}"
            );
            Ok(Some(w))
        }
    }
}

fn every_scheme_on_counts(runner: &mut proptest::test_runner::TestRunner) -> Result<(), String> {
    let input = (
        proptest::collection::vec(count(), 1..8),
        scheme(),
        // 1: as drawn; 0: scaled so that the largest count is 1e308 (sums overflow); tiny
        proptest::sample::select(vec![1.0, 0.0, 1e-290]),
    );
    failure(runner.run(&input, |(counts, s, factor)| {
        let c = guard("ClassCounts::from_counts", || {
            ClassCounts::from_counts(&counts)
        })?
        .map_err(|e| TestCaseError::fail(format!("from_counts({counts:?}): {e:?}")))?;
        let Some(w) = check_scheme_on(&s, &counts, &c)? else {
            // what the vector rejects, the DRW schedule rejects at every epoch
            for epoch in [0, usize::MAX] {
                let at = guard("weights_at_epoch", || s.weights_at_epoch::<f64>(epoch, &c))?;
                prop_assert_eq!(at.err(), s.weights::<f64>(&c).err(), "{} at {}", s, epoch);
            }
            return Ok(());
        };
        let n: f64 = counts.iter().sum();
        let cn = counts.len() as f64;
        let sum: f64 = w.iter().sum();
        match s {
            Scheme::Frequency | Scheme::InverseFrequencySum1 => {
                prop_assert!(rel_close(sum, 1.0, 1e-12), "{s}: sum {sum}")
            }
            Scheme::InverseFrequencySumC | Scheme::EffectiveNumber { .. } | Scheme::Drw { .. } => {
                prop_assert!(rel_close(sum, cn, 1e-12), "{s}: sum {sum}")
            }
            // the rarest class gets max_m exactly, a larger class no larger a margin
            Scheme::LdamMargins { max_m } => {
                let rarest = counts.iter().fold(f64::INFINITY, |m, &c| m.min(c));
                for (i, (m, c)) in w.iter().zip(&counts).enumerate() {
                    prop_assert!(*m <= max_m, "{s}: {w:?}");
                    prop_assert!(*c != rarest || *m == max_m, "{s}: {w:?} on {counts:?}");
                    for (mj, cj) in w.iter().zip(&counts).skip(i + 1) {
                        let ordered = (c >= cj || m >= mj) && (cj >= c || mj >= m);
                        prop_assert!(ordered, "{s}: {w:?} on {counts:?}");
                    }
                }
            }
            // Σ_c exp(o_c) = Σ_c (π_c + 1e-12) = 1 + C·1e-12 for τ = 1; the offsets grow with
            // the count for τ > 0
            Scheme::LogitAdjustment { tau } => {
                if tau == 1.0 {
                    let z: f64 = w.iter().map(|o| o.exp()).sum();
                    prop_assert!(rel_close(z, 1.0 + cn * 1e-12, 1e-12), "{s}: Σ exp = {z}");
                }
                for (i, j) in (0..w.len()).flat_map(|i| (0..w.len()).map(move |j| (i, j))) {
                    if counts[i] < counts[j] {
                        prop_assert!(w[i] <= w[j], "{s}: {w:?} on {counts:?}");
                    }
                }
            }
            Scheme::Balanced | Scheme::InverseFrequencyMean1 => {
                let mean: f64 = w.iter().zip(&counts).map(|(w, c)| w * (c / n)).sum();
                prop_assert!(rel_close(mean, 1.0, 1e-9), "{s}: mean sample weight {mean}");
            }
            Scheme::LogSmoothed { floor, .. } => {
                prop_assert!(w.iter().all(|&x| x >= floor))
            }
            _ => {}
        }
        // scale invariance: counts scaled to a largest count of 1e308 (sums overflow) or by
        // 1e-290 give the same weights
        let largest = counts.iter().fold(0.0_f64, |m, &c| m.max(c));
        let factor = if factor == 0.0 {
            1e308 / largest
        } else {
            factor
        };
        if scale_free(&s) && factor != 1.0 && factor.is_finite() {
            let scaled: Vec<f64> = counts.iter().map(|&n| n * factor).collect();
            if scaled
                .iter()
                .zip(&counts)
                .all(|(a, b)| (*a == 0.0) == (*b == 0.0))
            {
                let cs = ClassCounts::from_counts(&scaled).unwrap();
                if let Some(ws) = check_scheme_on(&s, &scaled, &cs)? {
                    for (a, b) in w.iter().zip(&ws) {
                        prop_assert!(
                            agree(&s, *a, *b, 1e-12),
                            "{s}: {w:?} on {counts:?} but {ws:?} on ×{factor}"
                        );
                    }
                }
            }
        }
        // f32 agrees with f64 (counts up to 1.8e19 fit f32); a margin past f32::MAX
        // (max_m = 1e300) is NonFinite in f32, never inf
        let w32 = guard("weights::<f32>", || s.weights::<f32>(&c))?;
        let w32 = match (w32, &s) {
            (Err(ReweighError::NonFinite { .. }), Scheme::LdamMargins { max_m })
                if *max_m > f64::from(f32::MAX) =>
            {
                return Ok(());
            }
            (r, _) => {
                r.map_err(|e| TestCaseError::fail(format!("{s} f32 on {counts:?}: {e:?}")))?
            }
        };
        for (a, b) in w32.weights().iter().zip(&w) {
            prop_assert!(a.is_finite());
            // below f32's normal range (a margin of max_m = 1e-300) f32 holds 0 or a subnormal
            let tiny = b.abs() < f64::from(f32::MIN_POSITIVE)
                && (f64::from(*a) - b).abs() < f64::from(f32::MIN_POSITIVE);
            prop_assert!(
                tiny || agree(&s, f64::from(*a), *b, 1e-4),
                "{s}: f32 {a} vs f64 {b} on {counts:?}"
            );
        }
        // the DRW schedule: uniform weights before start_epoch, the weights from it on; every
        // other scheme the same at every epoch
        for epoch in [0, 1, 159, 160, 10_000, usize::MAX] {
            let at = guard(&format!("{s}.weights_at_epoch({epoch})"), || {
                s.weights_at_epoch::<f64>(epoch, &c)
            })?
            .map_err(|e| TestCaseError::fail(format!("{s} at epoch {epoch}: {e:?}")))?;
            let want = match s {
                Scheme::Drw { start_epoch, .. } if epoch < start_epoch => vec![1.0; w.len()],
                _ => w.clone(),
            };
            prop_assert_eq!(at.weights().to_vec(), want, "{} at epoch {}", s, epoch);
        }
        Ok(())
    }))
}

fn multi_label_pos_weight(runner: &mut proptest::test_runner::TestRunner) -> Result<(), String> {
    let input = (
        proptest::collection::vec((count(), count()), 1..6),
        proptest::option::of(prop_oneof![Just(1.0), Just(50.0), Just(1e30), Just(0.0)]),
    );
    failure(runner.run(&input, |(pn, cap)| {
        let (p, n): (Vec<f64>, Vec<f64>) = pn.into_iter().unzip();
        let c = MultiLabelCounts::from_pos_neg(&p, &n).unwrap();
        let r = guard("pos_weight", || pos_weight::<f64>(&c, cap))?;
        match (r, cap) {
            (Err(ReweighError::InvalidParameter { name: "cap", .. }), Some(0.0)) => {}
            (Err(ReweighError::ZeroCount { class, .. }), None) => {
                prop_assert!(p[class as usize] == 0.0)
            }
            (Err(e), _) => return Err(TestCaseError::fail(format!("{p:?} {n:?}: {e:?}"))),
            (Ok(q), cap) => {
                prop_assert!(cap != Some(0.0));
                for (l, &q) in q.iter().enumerate() {
                    let exact = if p[l] == 0.0 {
                        f64::INFINITY
                    } else {
                        n[l] / p[l]
                    };
                    let want = cap.map_or(exact, |cap| exact.min(cap));
                    prop_assert!(q.is_finite() && q == want, "label {l}: {q} vs {want}");
                }
            }
        }
        Ok(())
    }))
}

fn int_label() -> impl Strategy<Value = i64> {
    prop_oneof![
        8 => -3i64..6,
        1 => proptest::sample::select(vec![i64::MIN, i64::MAX, 1 << 40, -(1 << 40), 1 << 21]),
    ]
}

fn labels(max: usize) -> impl Strategy<Value = (Vec<i64>, Option<(usize, f64)>)> {
    (
        proptest::collection::vec(int_label(), 0..max),
        proptest::option::weighted(
            0.3,
            (
                any::<usize>(),
                prop_oneof![
                    4 => (-5.0..5.0f64).prop_filter("fractional", |v| v.fract() != 0.0),
                    1 => proptest::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.5, 1e-300, 9.3e18]),
                ],
            ),
        ),
    )
}

/// The labels as floats with one non-integral value inserted at a position, or as integers.
fn as_inputs(ints: &[i64], bad: Option<(usize, f64)>) -> (Vec<f64>, Option<usize>) {
    let mut f: Vec<f64> = ints.iter().map(|&l| l as f64).collect();
    match bad {
        Some((at, v)) => {
            let at = at % (f.len() + 1);
            f.insert(at, v);
            (f, Some(at))
        }
        None => (f, None),
    }
}

fn counts_from_labels(runner: &mut proptest::test_runner::TestRunner) -> Result<(), String> {
    failure(runner.run(&labels(40), |(ints, bad)| {
        let ints: Vec<i64> = ints
            .into_iter()
            .map(|l| l.clamp(-(1 << 53), 1 << 53))
            .collect();
        let (floats, bad_at) = as_inputs(&ints, bad);
        let r = guard("ClassCounts::from_labels(ints)", || {
            ClassCounts::from_labels(&ints)
        })?;
        let rf = guard("ClassCounts::from_labels(floats)", || {
            ClassCounts::from_labels(&floats)
        })?;
        if ints.is_empty() {
            assert_matches!(r, Err(ReweighError::EmptyBatch { .. }));
        } else {
            let c = r.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let mut want: BTreeMap<i64, f64> = BTreeMap::new();
            for &l in &ints {
                *want.entry(l).or_default() += 1.0;
            }
            prop_assert_eq!(
                c.classes().to_vec(),
                want.keys().copied().collect::<Vec<_>>()
            );
            prop_assert_eq!(
                c.counts().to_vec(),
                want.values().copied().collect::<Vec<_>>()
            );
            prop_assert_eq!(c.total(), ints.len() as f64);
        }
        match bad_at {
            Some(at) => match rf {
                Err(ReweighError::NonIntegerLabel { index, .. }) => prop_assert_eq!(index, at),
                other => {
                    return Err(TestCaseError::fail(format!(
                        "label {:?} at {at}: {other:?}",
                        floats[at]
                    )));
                }
            },
            // integral floats are the same labels as the integers
            None if !ints.is_empty() => {
                prop_assert_eq!(rf.unwrap(), ClassCounts::from_labels(&ints).unwrap())
            }
            None => prop_assert!(rf.is_err()),
        }
        Ok(())
    }))
}

fn sample_weight_functions(runner: &mut proptest::test_runner::TestRunner) -> Result<(), String> {
    let input = (
        proptest::collection::vec(0i64..4, 1..30),
        proptest::collection::vec(crate::strategies::weight(), 4),
        proptest::option::of(0i64..4),
        proptest::collection::vec(
            prop_oneof![4 => crate::strategies::weight(), 1 => Just(1e308), 1 => Just(f64::NAN)],
            1..12,
        ),
        proptest::option::weighted(0.3, (any::<usize>(), 0.1..0.9f64)),
    );
    failure(runner.run(&input, |(y, cw, padding, sw, bad)| {
        let weights =
            ClassWeights::new("test", vec![0, 1, 2, 3], Array1::from(cw.clone())).unwrap();
        let ya = Array1::from(y.clone());
        let g = guard("gather_sample_weights", || {
            gather_sample_weights(&weights, ya.view())
        })?
        .unwrap();
        for (i, &l) in y.iter().enumerate() {
            prop_assert_eq!(g[i], cw[l as usize]);
        }
        // per-timestep: (N/2, 2) when N is even; padding gets 0
        if y.len() % 2 == 0 {
            let y2 = Array2::from_shape_vec((y.len() / 2, 2), y.clone()).unwrap();
            let t = guard("per_timestep_weights", || {
                per_timestep_weights(&weights, y2.view(), padding)
            })?
            .unwrap();
            for (o, &l) in t.iter().zip(y2.iter()) {
                prop_assert_eq!(
                    *o,
                    if Some(l) == padding {
                        0.0
                    } else {
                        cw[l as usize]
                    }
                );
            }
        }
        // non-integral labels are errors in both
        let (yf, bad_at) = as_inputs(&y, bad);
        let yfa = Array1::from(yf.clone());
        let r = guard("gather_sample_weights(floats)", || {
            gather_sample_weights(&weights, yfa.view())
        })?;
        match bad_at {
            Some(at) => {
                assert_matches!(r, Err(ReweighError::NonIntegerLabel { index, .. }) if *index == at)
            }
            None => prop_assert_eq!(r.unwrap(), g.clone()),
        }
        // scikit-learn's compute_sample_weight("balanced", y): Σ sw = N
        let b = guard("compute_sample_weight", || {
            compute_sample_weight::<f64, _>(&[Scheme::Balanced], ya.view().into_dyn(), None)
        })?
        .unwrap();
        prop_assert!(
            rel_close(b.sum(), y.len() as f64, 1e-12),
            "Σ sw = {}",
            b.sum()
        );
        // rescale_to_mean_one: mean 1 when some weight is positive, typed errors otherwise
        let swa = Array1::from(sw.clone());
        let r = guard("rescale_to_mean_one", || rescale_to_mean_one(swa.view()))?;
        if sw.iter().any(|v| v.is_nan()) {
            assert_matches!(r, Err(ReweighError::NonFinite { .. }));
        } else if sw.iter().all(|&v| v == 0.0) {
            assert_matches!(r, Err(ReweighError::AllZeroWeights { .. }));
        } else {
            let w = r.map_err(|e| TestCaseError::fail(format!("rescale {sw:?}: {e:?}")))?;
            prop_assert!(w.iter().all(|x| x.is_finite()), "{w:?}");
            let mean = w.sum() / w.len() as f64;
            prop_assert!(
                rel_close(mean, 1.0, 1e-12),
                "mean {mean} of {w:?} from {sw:?}"
            );
        }
        // normalize in every mode: finite and the promised sum
        let counts = Array1::from(vec![1.0, 2.0, 3.0, 4.0]);
        let cwa = Array1::from(cw.clone());
        for how in [
            Normalization::None,
            Normalization::Sum1,
            Normalization::SumC,
            Normalization::SampleMean1,
        ] {
            let r = guard("normalize", || normalize(cwa.view(), counts.view(), how))?;
            match r {
                Err(ReweighError::AllZeroWeights { .. }) => {
                    prop_assert!(how != Normalization::None && cw.iter().all(|&v| v == 0.0))
                }
                Err(e) => return Err(TestCaseError::fail(format!("{how} {cw:?}: {e:?}"))),
                Ok(w) => {
                    prop_assert!(w.iter().all(|x| x.is_finite()));
                    let want = match how {
                        Normalization::None => cwa.sum(),
                        Normalization::Sum1 => 1.0,
                        Normalization::SumC => 4.0,
                        Normalization::SampleMean1 => {
                            let m: f64 = w.iter().zip(counts.iter()).map(|(w, n)| w * n).sum();
                            prop_assert!(rel_close(m, 10.0, 1e-12), "{how}: {m}");
                            continue;
                        }
                    };
                    prop_assert!(rel_close(w.sum(), want, 1e-12), "{how}: {w:?}");
                }
            }
        }
        Ok(())
    }))
}

/// A resampling target: 0, small, or huge (never something that a machine could allocate
/// slowly: the huge ones are refused at once).
fn target() -> impl Strategy<Value = usize> {
    prop_oneof![
        2 => Just(0usize),
        6 => 0usize..60,
        1 => proptest::sample::select(vec![usize::MAX, usize::MAX / 2 + 1, 1 << 40, 1_000_000_000_000]),
    ]
}

fn strategy() -> impl Strategy<Value = SamplingStrategy> {
    prop_oneof![
        3 => proptest::sample::select(SamplingStrategy::NAMES.to_vec())
            .prop_map(|s| s.parse().unwrap()),
        1 => proptest::sample::select(vec![0.0, 0.3, 0.5, 1.0, 1.5, f64::NAN])
            .prop_map(SamplingStrategy::Ratio),
        3 => proptest::collection::btree_map(-1i64..4, target(), 0..4)
            .prop_map(SamplingStrategy::Counts),
    ]
}

fn resamplers(runner: &mut proptest::test_runner::TestRunner) -> Result<(), String> {
    let input = (
        proptest::collection::vec(0i64..3, 0..40),
        strategy(),
        any::<u64>(),
        any::<bool>(),
    );
    failure(runner.run(&input, |(y, strategy, seed, replacement)| {
        let n = y.len();
        let mut per: BTreeMap<i64, usize> = BTreeMap::new();
        for &l in &y {
            *per.entry(l).or_default() += 1;
        }
        let count = |idx: &[usize]| {
            let mut m: BTreeMap<i64, usize> = BTreeMap::new();
            for &i in idx {
                *m.entry(y[i]).or_default() += 1;
            }
            m
        };
        let over = guard(&format!("over {strategy}"), || {
            RandomOverSampler::new(strategy.clone())
                .seed(seed)
                .fit_resample(&y)
        })?;
        let under = guard(&format!("under {strategy}"), || {
            RandomUnderSampler::new(strategy.clone())
                .seed(seed)
                .replacement(replacement)
                .fit_resample(&y)
        })?;
        let typed = |e: &ReweighError| {
            matches!(
                e,
                ReweighError::TooLarge { .. }
                    | ReweighError::Incompatible(_)
                    | ReweighError::UnknownClass { .. }
                    | ReweighError::InvalidParameter { .. }
                    | ReweighError::EmptyBatch { .. }
            )
        };
        match &over {
            Err(e) => prop_assert!(typed(e), "over: {e:?}"),
            Ok(idx) => {
                prop_assert!(n > 0);
                prop_assert_eq!(idx[..n].to_vec(), (0..n).collect::<Vec<_>>());
                prop_assert!(idx.iter().all(|&i| i < n));
                let got = count(idx);
                if let SamplingStrategy::Counts(m) = &strategy {
                    for (c, &k) in &got {
                        prop_assert_eq!(k, m.get(c).copied().unwrap_or(per[c]));
                    }
                }
                // the added indices come class by class, in sorted order
                let added: Vec<i64> = idx[n..].iter().map(|&i| y[i]).collect();
                prop_assert!(added.windows(2).all(|w| w[0] <= w[1]));
            }
        }
        match &under {
            Err(e) => prop_assert!(typed(e), "under: {e:?}"),
            Ok(idx) => {
                prop_assert!(idx.iter().all(|&i| i < n));
                let got = count(idx);
                for (c, &k) in &got {
                    prop_assert!(k <= per[c] || replacement);
                    if let SamplingStrategy::Counts(m) = &strategy {
                        prop_assert_eq!(k, m.get(c).copied().unwrap_or(per[c]));
                    }
                }
                if !replacement {
                    let distinct: BTreeSet<usize> = idx.iter().copied().collect();
                    prop_assert_eq!(distinct.len(), idx.len());
                }
            }
        }
        // huge targets are TooLarge (over) or Incompatible (under), never a panic or an abort
        if let SamplingStrategy::Counts(m) = &strategy
            && m.values().any(|&t| t >= 1 << 40)
            && m.keys().all(|k| per.contains_key(k))
        {
            // (the other targets valid: none shrinks a class)
            if m.iter().all(|(k, &t)| t >= per[k]) {
                prop_assert!(
                    matches!(over, Err(ReweighError::TooLarge { .. })),
                    "{over:?}"
                );
            }
            prop_assert!(
                matches!(under, Err(ReweighError::Incompatible(_))),
                "{under:?}"
            );
        }
        Ok(())
    }))
}

fn metrics(runner: &mut proptest::test_runner::TestRunner) -> Result<(), String> {
    let input = (
        proptest::collection::vec((-1i64..4, -1i64..5), 0..30),
        proptest::option::weighted(0.2, (any::<usize>(), 0.1..0.9f64)),
        any::<bool>(),
    );
    failure(runner.run(&input, |(pairs, bad, bad_in_pred)| {
        let (t, p): (Vec<i64>, Vec<i64>) = pairs.into_iter().unzip();
        let ev = guard("Evaluation::new", || Evaluation::new(&t, &p))?;
        if t.is_empty() {
            assert_matches!(ev, Err(ReweighError::EmptyBatch { .. }));
            return Ok(());
        }
        let ev = ev.unwrap();
        let cm = guard("confusion_matrix", || ev.confusion_matrix(None))?.unwrap();
        prop_assert_eq!(cm.total(), t.len() as f64);
        let ba = guard("balanced_accuracy", || ev.balanced_accuracy(false))?.unwrap();
        // the mean recall over the true classes, counted here independently
        let classes: BTreeSet<i64> = t.iter().copied().collect();
        let recall: f64 = classes
            .iter()
            .map(|c| {
                let n = t.iter().filter(|&&x| x == *c).count() as f64;
                let hit = t.iter().zip(&p).filter(|(x, y)| *x == c && *y == c).count() as f64;
                hit / n
            })
            .sum::<f64>()
            / classes.len() as f64;
        prop_assert!(rel_close(ba, recall, 1e-12), "{ba} vs {recall}");
        let f1 = guard("f1_macro", || ev.f1_macro(None, ZeroDivision::Warn))?.unwrap();
        prop_assert!((0.0..=1.0).contains(&f1) && (0.0..=1.0).contains(&ba));
        // a fractional label in either argument is NonIntegerLabel; integral floats agree
        let (tf, t_bad) = as_inputs(&t, bad.filter(|_| !bad_in_pred));
        let (pf, p_bad) = as_inputs(&p, bad.filter(|_| bad_in_pred));
        let r = guard("Evaluation::new(floats)", || Evaluation::new(&tf, &pf))?;
        match (t_bad, p_bad) {
            (None, None) => {
                let e = r.unwrap();
                prop_assert_eq!(e.balanced_accuracy(false).unwrap(), ba);
            }
            _ if tf.len() != pf.len() => {
                assert_matches!(r, Err(ReweighError::ShapeMismatch { .. }))
            }
            _ => prop_assert!(
                matches!(r, Err(ReweighError::NonIntegerLabel { .. })),
                "{r:?}"
            ),
        }
        Ok(())
    }))
}

/// One argument of a scheme call: positional or `name=value`.
#[derive(Clone, Debug)]
struct Arg {
    keyword: Option<&'static str>,
    value: f64,
}

fn scheme_args() -> impl Strategy<Value = (Scheme, Vec<Arg>)> {
    let arg = (
        proptest::option::weighted(
            0.5,
            proptest::sample::select(vec![
                "mu",
                "floor",
                "beta",
                "x",
                "gamma",
                "start_epoch",
                "max_m",
                "tau",
            ]),
        ),
        prop_oneof![
            0.01..5.0f64,
            Just(0.15),
            Just(1.0),
            Just(160.0),
            Just(0.0),
            Just(-3.0),
            Just(1e30),
        ],
    )
        .prop_map(|(keyword, value)| Arg { keyword, value });
    (
        proptest::sample::select(Scheme::all()),
        proptest::collection::vec(arg, 0..4),
    )
}

/// What Python binds `name(args)` to for `def name(p1=d1, ...)`, or `None` for an error.
fn python_binding(params: &[(&'static str, f64)], args: &[Arg]) -> Option<Vec<f64>> {
    let positional = args.iter().take_while(|a| a.keyword.is_none()).count();
    if args[positional..].iter().any(|a| a.keyword.is_none()) || positional > params.len() {
        return None;
    }
    let mut values: Vec<Option<f64>> = vec![None; params.len()];
    for (i, a) in args.iter().enumerate() {
        let slot = match a.keyword {
            None => i,
            Some(k) => params.iter().position(|(n, _)| *n == k)?,
        };
        if values[slot].replace(a.value).is_some() {
            return None;
        }
    }
    Some(
        values
            .iter()
            .zip(params)
            .map(|(v, (_, d))| v.unwrap_or(*d))
            .collect(),
    )
}

fn scheme_from_str(runner: &mut proptest::test_runner::TestRunner) -> Result<(), String> {
    failure(runner.run(&scheme_args(), |(s, args)| {
        let text = format!(
            "{}({})",
            s.name(),
            args.iter()
                .map(|a| match a.keyword {
                    Some(k) => format!("{k}={:?}", a.value),
                    None => format!("{:?}", a.value),
                })
                .collect::<Vec<_>>()
                .join(", ")
        );
        let parsed = guard(&format!("{text:?}.parse()"), || text.parse::<Scheme>())?;
        let defaults = s.params();
        // what Python binds, then reweigh's type check: drw's start_epoch is a whole number
        // >= 0 that fits usize
        let whole = |v: f64| v >= 0.0 && v.fract() == 0.0 && v < usize::MAX as f64;
        let binding = python_binding(&defaults, &args);
        let bad_epoch = binding.as_ref().is_some_and(|values| {
            defaults
                .iter()
                .zip(values)
                .any(|((name, _), v)| *name == "start_epoch" && !whole(*v))
        });
        match (binding, parsed) {
            (Some(_), Err(ReweighError::InvalidParameter { name, .. })) if bad_epoch => {
                prop_assert_eq!(name, "start_epoch")
            }
            (Some(values), Ok(p)) if !bad_epoch => {
                prop_assert_eq!(p.name(), s.name());
                let got: Vec<f64> = p.params().iter().map(|(_, v)| *v).collect();
                prop_assert_eq!(got, values, "{}", text);
                // Display writes it back in the same syntax
                prop_assert_eq!(p.to_string().parse::<Scheme>().unwrap(), p);
            }
            (None, Err(ReweighError::Incompatible(_))) => {}
            (want, got) => {
                return Err(TestCaseError::fail(format!(
                    "{text:?}: Python binds {want:?}, reweigh gives {got:?}"
                )));
            }
        }
        Ok(())
    }))
}

fn scheme_from_junk(runner: &mut proptest::test_runner::TestRunner) -> Result<(), String> {
    let junk = prop_oneof![
        any::<String>(),
        "[a-z_]{0,12}\\(([0-9.=a-z, ]{0,12})\\)?",
        "(log_smoothed|effective_number|balanced|drw|ldam_margins|logit_adjustment)\\([-0-9.e=a-z,() ]{0,16}\\)?",
    ];
    failure(runner.run(&junk, |s| {
        let r = guard(&format!("{s:?}.parse()"), || s.parse::<Scheme>())?;
        if let Err(e) = r {
            // an epoch that is no whole number is the one parameter checked when parsed
            prop_assert!(
                matches!(
                    e,
                    ReweighError::UnknownName { .. }
                        | ReweighError::Incompatible(_)
                        | ReweighError::InvalidParameter {
                            name: "start_epoch",
                            ..
                        }
                ),
                "{e:?}"
            );
        }
        Ok(())
    }))
}

fn range_max() -> impl Strategy<Value = usize> {
    prop_oneof![
        6 => 1usize..60,
        2 => 60usize..100_000,
        1 => proptest::sample::select(vec![
            0,
            LogUniformSampler::MAX_RANGE - 1,
            LogUniformSampler::MAX_RANGE,
            LogUniformSampler::MAX_RANGE + 1,
            i64::MAX as usize - 1,
            i64::MAX as usize,
            i64::MAX as usize + 1,
            usize::MAX,
        ]),
    ]
}

fn log_uniform_sampler(runner: &mut proptest::test_runner::TestRunner) -> Result<(), String> {
    let input = (
        range_max(),
        prop_oneof![
            6 => 0usize..80,
            1 => proptest::sample::select(vec![1 << 40, 1 << 62, usize::MAX]),
        ],
        any::<bool>(),
        any::<u64>(),
        any::<i64>(),
    );
    failure(runner.run(&input, |(range, num_sampled, unique, seed, k)| {
        let s = guard("LogUniformSampler::new", || LogUniformSampler::new(range))?;
        if range == 0 || range > LogUniformSampler::MAX_RANGE {
            assert_matches!(
                s,
                Err(ReweighError::InvalidParameter {
                    name: "range_max",
                    ..
                })
            );
            return Ok(());
        }
        let s = s.unwrap();
        let last = range as i64 - 1;
        for class in [k, k.rem_euclid(range as i64), 0, last, -1, range as i64] {
            let p = guard("probability", || s.probability(class))?;
            if (0..range as i64).contains(&class) {
                let p = p.unwrap();
                prop_assert!(p > 0.0 && p <= 1.0, "P({class}) = {p}");
            } else {
                assert_matches!(p, Err(ReweighError::LabelOutOfRange { .. }));
            }
        }
        let true_classes = Array2::from_elem((2, 1), k.rem_euclid(range as i64));
        let r = guard(
            &format!("sample(range {range}, num_sampled {num_sampled}, unique {unique})"),
            || s.sample(true_classes.view(), num_sampled, unique, seed),
        )?;
        match r {
            Err(ReweighError::InvalidParameter {
                name: "num_sampled",
                ..
            }) => prop_assert!(num_sampled == 0 || (unique && num_sampled > range)),
            Err(ReweighError::TooLarge { .. }) => prop_assert!(num_sampled >= 1 << 40),
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
            Ok(c) => {
                prop_assert!(num_sampled > 0 && num_sampled < 1 << 40);
                prop_assert_eq!(c.sampled.len(), num_sampled);
                prop_assert!(c.sampled.iter().all(|&x| (0..range as i64).contains(&x)));
                if unique {
                    let d: BTreeSet<i64> = c.sampled.iter().copied().collect();
                    prop_assert_eq!(d.len(), num_sampled);
                }
                let counts = c
                    .sampled_expected_count
                    .iter()
                    .chain(c.true_expected_count.iter());
                for &q in counts {
                    prop_assert!(q.is_finite() && q > 0.0, "expected count {q}");
                }
            }
        }
        Ok(())
    }))
}

pub fn properties() -> Vec<Property> {
    vec![
        Property {
            name: "schemes: every Scheme on random counts (zeros, huge, scaled, f32)",
            cases: 7000,
            run: every_scheme_on_counts,
        },
        Property {
            name: "schemes: pos_weight on random multi-label counts",
            cases: 1500,
            run: multi_label_pos_weight,
        },
        Property {
            name: "schemes: ClassCounts::from_labels (ints, integral and fractional floats)",
            cases: 5000,
            run: counts_from_labels,
        },
        Property {
            name: "schemes: sample-weight functions and normalize",
            cases: 5000,
            run: sample_weight_functions,
        },
        Property {
            name: "schemes: Scheme::from_str binds arguments like Python",
            cases: 6000,
            run: scheme_from_str,
        },
        Property {
            name: "schemes: Scheme::from_str on junk never panics",
            cases: 2500,
            run: scheme_from_junk,
        },
        Property {
            name: "resample: over/under samplers on random targets (0, huge)",
            cases: 5000,
            run: resamplers,
        },
        Property {
            name: "metrics: random label vectors (empty, unseen, fractional)",
            cases: 4000,
            run: metrics,
        },
        Property {
            name: "sampling: LogUniformSampler on random ranges and num_sampled",
            cases: 4000,
            run: log_uniform_sampler,
        },
    ]
}
