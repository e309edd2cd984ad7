//! Class counts, every weighting scheme, sample weights and exports (rstest cases per scheme;
//! insta snapshots of the seed numbers in snapshots/).

use ndarray::{Array1, ArrayView1, array, aview1};
use reweigh::ReweighError;
use reweigh::schemes::*;
use rstest::rstest;
use std::collections::BTreeMap;

mod support;
use support::assert_close_rel;

const SEED000: [u64; 4] = [198, 436, 710, 272];
const SEED001: [(i64, u64); 8] = [
    (0, 2813),
    (1, 78),
    (2, 2814),
    (3, 78),
    (4, 7914),
    (5, 248),
    (6, 7914),
    (7, 248),
];

fn seed000() -> ClassCounts {
    ClassCounts::from_counts(&SEED000).unwrap()
}

fn seed001() -> ClassCounts {
    ClassCounts::from_pairs(SEED001).unwrap()
}

// --- counts from every label form -----------------------------------------------------------------

#[test]
fn counts_from_every_label_form_agree() {
    let labels: Vec<u8> = [0u8, 2, 1, 2, 3, 2, 0].to_vec();
    let a = ClassCounts::from_labels(&labels).unwrap();
    let b = ClassCounts::from_labels(array![0_i64, 2, 1, 2, 3, 2, 0].iter()).unwrap();
    let c = ClassCounts::from_pairs(BTreeMap::from([(0, 2), (1, 1), (2, 3), (3, 1)])).unwrap();
    let d = ClassCounts::from_counts(&[2, 1, 3, 1]).unwrap();
    let onehot =
        ndarray::Array2::from_shape_fn((7, 4), |(i, j)| f64::from(labels[i] as usize == j));
    let e = ClassCounts::from_one_hot(onehot.view()).unwrap();
    for x in [&b, &c, &d, &e] {
        assert_eq!(&a, x);
    }
    assert_eq!(a.total(), 7.0);
    assert_eq!(a.get(2), Some(3.0));
}

#[test]
fn one_hot_uses_argmax_like_keras_and_keeps_empty_columns() {
    // soft rows count for their argmax; the first maximum wins (np.argmax); column 2 never wins
    let y = array![[0.2_f32, 0.7, 0.1], [0.5, 0.5, 0.0], [0.9, 0.05, 0.05]];
    let c = ClassCounts::from_one_hot(y.view()).unwrap();
    assert_eq!(c.counts(), &[2.0, 1.0, 0.0]);
    assert_eq!(c.classes(), &[0, 1, 2]);
}

#[test]
fn with_classes_and_weighted_counts() {
    let c = ClassCounts::with_classes(&[1_i64, 1, 0], &[2, 0, 1]).unwrap();
    assert_eq!(c.counts(), &[0.0, 1.0, 2.0]);
    let w = ClassCounts::weighted(&[0_i64, 1, 1], array![0.5_f64, 2.0, 1.0].view()).unwrap();
    assert_eq!(w.counts(), &[0.5, 3.0]);
}

#[test]
fn multi_label_counts_and_pos_weight() {
    let y = array![
        [1.0_f64, 0.0, 0.0],
        [0.0, 0.0, 0.0],
        [1.0, 1.0, 0.0],
        [0.0, 0.0, 0.0]
    ];
    let c = MultiLabelCounts::from_indicator(y.view()).unwrap();
    assert_eq!(c.positives(), &[2.0, 1.0, 0.0]);
    assert_eq!(c.negatives(), &[2.0, 3.0, 4.0]);
    assert_eq!(
        pos_weight::<f64>(&c, Some(2.5)).unwrap().to_vec(),
        vec![1.0, 2.5, 2.5]
    );
    assert_eq!(
        pos_weight::<f64>(&c, None).unwrap_err(),
        ReweighError::ZeroCount {
            what: "positive count",
            class: 2
        }
    );
    // seed 002: ~5 positives per label among 10000 samples, capped at 50
    let c = MultiLabelCounts::from_pos_neg(&[5.0], &[9995.0]).unwrap();
    assert_eq!(pos_weight::<f32>(&c, None).unwrap()[0], 1999.0);
    assert_eq!(pos_weight::<f32>(&c, Some(50.0)).unwrap()[0], 50.0);
}

#[rstest]
#[case::empty_labels(ClassCounts::from_labels(&Vec::<i64>::new()).unwrap_err(), "empty")]
#[case::empty_counts(ClassCounts::from_counts(&Vec::<i64>::new()).unwrap_err(), "empty")]
#[case::negative_count(ClassCounts::from_counts(&[3, -1]).unwrap_err(), "negative")]
#[case::nan_count(ClassCounts::from_counts(&[3.0, f64::NAN]).unwrap_err(), "non-finite")]
#[case::repeated_class(ClassCounts::from_pairs([(1, 2), (1, 3)]).unwrap_err(), "twice")]
#[case::label_not_in_classes(ClassCounts::with_classes(&[0_i64, 5], &[0, 1]).unwrap_err(), "not one of the classes")]
#[case::negative_sample_weight(ClassCounts::weighted(&[0_i64, 1], array![1.0_f64, -1.0].view()).unwrap_err(), "negative")]
#[case::sample_weight_length(ClassCounts::weighted(&[0_i64, 1], array![1.0_f64].view()).unwrap_err(), "shape mismatch")]
#[case::not_zero_one(MultiLabelCounts::from_indicator(array![[0.5_f64]].view()).unwrap_err(), "0 or 1")]
#[case::u64_too_big(ClassCounts::from_labels(&[u64::MAX]).unwrap_err(), "not an integer class label")]
#[case::one_hot_nan(ClassCounts::from_one_hot(array![[f64::NAN, 1.0]].view()).unwrap_err(), "non-finite")]
fn bad_counts_are_typed_errors(#[case] err: ReweighError, #[case] text: &str) {
    assert!(err.to_string().contains(text), "{err}");
}

// --- every scheme ---------------------------------------------------------------------------------

/// Formulas written out independently of the library, on the seed-000 counts.
#[rstest]
#[case::uniform("uniform", [1.0, 1.0, 1.0, 1.0])]
#[case::frequency("frequency", SEED000.map(|n| n as f64 / 1616.0))]
#[case::inverse_frequency("inverse_frequency", SEED000.map(|n| 1616.0 / n as f64))]
#[case::balanced("balanced", SEED000.map(|n| 1616.0 / (4.0 * n as f64)))]
#[case::inverse_frequency_mean1("inverse_frequency_mean1", SEED000.map(|n| 1616.0 / (4.0 * n as f64)))]
#[case::max_over_count("max_over_count", SEED000.map(|n| 710.0 / n as f64))]
#[case::inverse_sqrt("inverse_sqrt", SEED000.map(|n| (1616.0 / n as f64).sqrt()))]
#[case::log_smoothed_mu1("log_smoothed(1.0)", SEED000.map(|n| (1616.0 / n as f64).ln().max(1.0)))]
#[case::log_smoothed_floor0("log_smoothed(mu=0.15, floor=0)", SEED000.map(|n| (0.15 * 1616.0 / n as f64).ln().max(0.0)))]
#[case::effective_number_beta0("effective_number(0)", [1.0, 1.0, 1.0, 1.0])]
fn scheme_formulas_on_seed000(#[case] name: &str, #[case] expected: [f64; 4]) {
    let s: Scheme = name.parse().unwrap();
    let w = s.weights::<f64>(&seed000()).unwrap();
    assert_close_rel(name, &w.weights(), &aview1(&expected), 1e-14, 0.0);
    let w32 = s.weights::<f32>(&seed000()).unwrap();
    for (a, b) in w32.weights().iter().zip(&expected) {
        assert!((f64::from(*a) - b).abs() <= 2e-6 * b.abs());
    }
}

#[rstest]
#[case::sum1(Scheme::InverseFrequencySum1, 1.0)]
#[case::sum_c(Scheme::InverseFrequencySumC, 4.0)]
#[case::effective_number(Scheme::EffectiveNumber { beta: 0.999 }, 4.0)]
fn normalised_schemes_sum_as_documented(#[case] s: Scheme, #[case] sum: f64) {
    let w = s.weights::<f64>(&seed000()).unwrap();
    assert!((w.weights().sum() - sum).abs() < 1e-14);
}

#[test]
fn frequency_points_the_wrong_way() {
    // the seed-000 question: 198/1616 = 0.12 for the smallest class, the smallest weight
    let w = Scheme::Frequency.weights::<f64>(&seed000()).unwrap();
    assert_eq!(format!("{:.2}", w.get(0).unwrap()), "0.12");
    let inv = Scheme::InverseFrequency.weights::<f64>(&seed000()).unwrap();
    let order = |w: ArrayView1<f64>| {
        let mut i: Vec<usize> = (0..4).collect();
        i.sort_by(|&a, &b| w[a].total_cmp(&w[b]));
        i
    };
    // the orders are reversed: frequency favours C (710), inverse frequency favours A (198)
    let mut f = order(w.weights());
    f.reverse();
    assert_eq!(f, order(inv.weights()));
}

#[test]
fn inverse_frequency_mean1_equals_balanced() {
    for counts in [seed000(), seed001()] {
        let a = Scheme::InverseFrequencyMean1
            .weights::<f64>(&counts)
            .unwrap();
        let b = Scheme::Balanced.weights::<f64>(&counts).unwrap();
        assert_close_rel("weights", &a.weights(), &b.weights(), 1e-15, 0.0);
        // the mean weight per sample is 1
        let mean = b
            .iter()
            .map(|(c, w)| w * counts.get(c).unwrap())
            .sum::<f64>()
            / counts.total();
        assert!((mean - 1.0).abs() < 1e-15);
    }
}

#[test]
fn seed001_log_smoothed_values_are_exact() {
    let w = Scheme::LOG_SMOOTHED.weights::<f64>(&seed001()).unwrap();
    for (c, expected) in [
        (1, 3.749820767859636),
        (3, 3.749820767859636),
        (5, 2.5931008483842453),
        (7, 2.5931008483842453),
    ] {
        assert_eq!(w.get(c), Some(expected));
    }
    for c in [0, 2, 4, 6] {
        assert_eq!(w.get(c), Some(1.0));
    }
}

#[test]
fn effective_number_tends_to_inverse_frequency() {
    let en = effective_number_weights(array![198.0_f64, 436.0, 710.0, 272.0].view(), 1.0 - 1e-12)
        .unwrap();
    let inv = Scheme::InverseFrequencySumC
        .weights::<f64>(&seed000())
        .unwrap();
    assert_close_rel("weights", &en, &inv.weights(), 1e-6, 0.0);
}

#[test]
fn custom_dict_like_keras_and_sklearn() {
    // seed 001: {0: 1., 1: 50., 2: 2.}; a missing class weighs 1
    let counts = ClassCounts::from_counts(&[10, 1, 5, 3]).unwrap();
    let s = Scheme::Custom(BTreeMap::from([(0, 1.0), (1, 50.0), (2, 2.0)]));
    assert_eq!(
        s.weights::<f64>(&counts).unwrap().weights().to_vec(),
        vec![1.0, 50.0, 2.0, 1.0]
    );
    assert!(
        Scheme::Custom(BTreeMap::from([(1, 0.0)]))
            .weights::<f64>(&counts)
            .is_ok()
    );
}

#[rstest]
#[case::auto("auto")]
#[case::balanced_typo("balance")]
#[case::empty("")]
#[case::unclosed("log_smoothed(0.15")]
fn unknown_scheme_names_list_the_valid_ones(#[case] name: &str) {
    let err = name.parse::<Scheme>().unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ReweighError::UnknownName { .. }), "{err}");
    for valid in Scheme::names() {
        assert!(text.contains(valid), "{text}");
    }
}

#[rstest]
#[case::extra_param("balanced(2)")]
#[case::bad_number("log_smoothed(mu=abc)")]
#[case::unknown_param("effective_number(gamma=0.5)")]
fn malformed_parameters_are_errors(#[case] name: &str) {
    assert!(matches!(
        name.parse::<Scheme>(),
        Err(ReweighError::Incompatible(_))
    ));
}

#[test]
fn names_round_trip_through_display() {
    for s in Scheme::all().into_iter().chain([
        Scheme::LogSmoothed {
            mu: 0.3,
            floor: 0.5,
        },
        Scheme::EffectiveNumber { beta: 0.99 },
        Scheme::Drw {
            start_epoch: 0,
            beta: 0.9999,
        },
        Scheme::Drw {
            start_epoch: usize::MAX,
            beta: 0.5,
        },
        Scheme::LdamMargins { max_m: 1e-300 },
        Scheme::LogitAdjustment { tau: 0.0 },
    ]) {
        assert_eq!(s.to_string().parse::<Scheme>().unwrap(), s);
    }
    assert_eq!(
        " Log_Smoothed ".parse::<Scheme>().unwrap(),
        Scheme::LOG_SMOOTHED
    );
}

#[rstest]
#[case::inverse_frequency(Scheme::InverseFrequency)]
#[case::inverse_frequency_sum1(Scheme::InverseFrequencySum1)]
#[case::inverse_frequency_sum_c(Scheme::InverseFrequencySumC)]
#[case::inverse_frequency_mean1(Scheme::InverseFrequencyMean1)]
#[case::balanced(Scheme::Balanced)]
#[case::max_over_count(Scheme::MaxOverCount)]
#[case::log_smoothed(Scheme::LOG_SMOOTHED)]
#[case::effective_number(Scheme::EFFECTIVE_NUMBER)]
#[case::inverse_sqrt(Scheme::InverseSqrt)]
#[case::drw(Scheme::DRW)]
#[case::ldam_margins(Scheme::LDAM_MARGINS)]
fn a_zero_count_is_an_error_naming_the_class(#[case] s: Scheme) {
    let counts = ClassCounts::from_pairs([(-1, 5), (7, 0), (9, 2)]).unwrap();
    assert_eq!(
        s.weights::<f64>(&counts).unwrap_err(),
        ReweighError::ZeroCount {
            what: "count",
            class: 7
        }
    );
}

#[test]
fn schemes_that_do_not_divide_accept_a_zero_count() {
    let counts = ClassCounts::from_counts(&[5, 0]).unwrap();
    assert_eq!(
        Scheme::Frequency
            .weights::<f64>(&counts)
            .unwrap()
            .weights()
            .to_vec(),
        vec![1.0, 0.0]
    );
    assert!(Scheme::Uniform.weights::<f64>(&counts).is_ok());
    let all_zero = ClassCounts::from_counts(&[0, 0]).unwrap();
    assert!(matches!(
        Scheme::Frequency.weights::<f64>(&all_zero),
        Err(ReweighError::AllZeroWeights { .. })
    ));
}

#[test]
fn balanced_with_a_zero_weight_class_is_an_error_not_inf() {
    // sklearn compute_class_weight("balanced", ..., sample_weight=sw) returns inf here
    let counts = ClassCounts::weighted(&[0_i64, 0, 1], array![1.0_f64, 2.0, 0.0].view()).unwrap();
    assert_eq!(
        Scheme::Balanced.weights::<f64>(&counts).unwrap_err(),
        ReweighError::ZeroCount {
            what: "count",
            class: 1
        }
    );
}

#[rstest]
#[case::mu_zero(Scheme::LogSmoothed { mu: 0.0, floor: 1.0 }, "mu")]
#[case::mu_negative(Scheme::LogSmoothed { mu: -0.15, floor: 1.0 }, "mu")]
#[case::mu_nan(Scheme::LogSmoothed { mu: f64::NAN, floor: 1.0 }, "mu")]
#[case::floor_inf(Scheme::LogSmoothed { mu: 0.15, floor: f64::INFINITY }, "floor")]
#[case::beta_one(Scheme::EffectiveNumber { beta: 1.0 }, "beta")]
#[case::beta_negative(Scheme::EffectiveNumber { beta: -0.1 }, "beta")]
#[case::beta_nan(Scheme::EffectiveNumber { beta: f64::NAN }, "beta")]
#[case::drw_beta_one(Scheme::Drw { start_epoch: 0, beta: 1.0 }, "beta")]
#[case::drw_beta_negative(Scheme::Drw { start_epoch: 160, beta: -0.5 }, "beta")]
#[case::max_m_negative(Scheme::LdamMargins { max_m: -0.5 }, "max_m")]
#[case::max_m_nan(Scheme::LdamMargins { max_m: f64::NAN }, "max_m")]
#[case::max_m_inf(Scheme::LdamMargins { max_m: f64::INFINITY }, "max_m")]
#[case::tau_negative(Scheme::LogitAdjustment { tau: -1.0 }, "tau")]
#[case::tau_nan(Scheme::LogitAdjustment { tau: f64::NAN }, "tau")]
fn bad_parameters_are_typed_errors(#[case] s: Scheme, #[case] name: &str) {
    match s.weights::<f64>(&seed000()).unwrap_err() {
        ReweighError::InvalidParameter { name: n, .. } => assert_eq!(n, name),
        e => panic!("{e}"),
    }
}

#[rstest]
#[case::extra_key(BTreeMap::from([(0, 1.0), (5, 2.0)]), "not one of the classes")]
#[case::negative(BTreeMap::from([(0, -1.0)]), "negative")]
#[case::nan(BTreeMap::from([(1, f64::NAN)]), "non-finite")]
fn odd_dicts_are_errors(#[case] dict: BTreeMap<i64, f64>, #[case] text: &str) {
    let err = Scheme::Custom(dict).weights::<f64>(&seed000()).unwrap_err();
    assert!(err.to_string().contains(text), "{err}");
}

#[test]
fn overflowing_weights_are_errors_not_inf() {
    let counts = ClassCounts::from_counts(&[1e-300, 1e300]).unwrap();
    assert!(matches!(
        Scheme::InverseFrequency.weights::<f64>(&counts),
        Err(ReweighError::NonFinite { .. })
    ));
    let counts32 = ClassCounts::from_counts(&[1e-30, 1e30]).unwrap();
    assert!(Scheme::Balanced.weights::<f32>(&counts32).is_err());
}

#[test]
fn normalize_checks() {
    let w = normalize(
        array![1.0_f64, 3.0].view(),
        array![1.0, 1.0].view(),
        Normalization::Sum1,
    )
    .unwrap();
    assert_eq!(w.to_vec(), vec![0.25, 0.75]);
    assert!(
        normalize(
            array![0.0_f64, 0.0].view(),
            array![1.0, 1.0].view(),
            Normalization::SumC
        )
        .is_err()
    );
    assert!(
        normalize(
            array![1.0_f64].view(),
            array![1.0, 1.0].view(),
            Normalization::SumC
        )
        .is_err()
    );
}

// --- sample weights -------------------------------------------------------------------------------

#[test]
fn per_sample_and_per_timestep_weights() {
    let cw = ClassWeights::new("mine", vec![0, 1, 2], array![1.0_f64, 50.0, 2.0]).unwrap();
    let sw = gather_sample_weights(&cw, array![2_u8, 1, 0].view()).unwrap();
    assert_eq!(sw.to_vec(), vec![2.0, 50.0, 1.0]);
    let seq = array![[0_i64, 1, 2, -1], [1, 1, -1, -1]];
    let t = per_timestep_weights(&cw, seq.view(), Some(-1)).unwrap();
    assert_eq!(t, array![[1.0, 50.0, 2.0, 0.0], [50.0, 50.0, 0.0, 0.0]]);
    assert!(matches!(
        per_timestep_weights(&cw, seq.view(), None),
        Err(ReweighError::UnknownClass { class: -1, .. })
    ));
    // non-contiguous view
    let seq2 = array![[0_i64, 1, 2, 1], [1, 1, 0, 0]];
    let t2 = gather_sample_weights(&cw, seq2.slice(ndarray::s![.., ..;2])).unwrap();
    assert_eq!(t2, array![[1.0, 2.0], [50.0, 1.0]]);
}

#[test]
fn compute_sample_weight_multi_output_is_the_product() {
    let y = array![[0_i64, 1], [0, 0], [1, 0], [0, 0]];
    let w =
        compute_sample_weight::<f64, _>(&[Scheme::Balanced], y.view().into_dyn(), None).unwrap();
    let c0 = [4.0 / 6.0, 4.0 / 6.0, 2.0, 4.0 / 6.0];
    let c1 = [2.0, 4.0 / 6.0, 4.0 / 6.0, 4.0 / 6.0];
    let want = [c0[0] * c1[0], c0[1] * c1[1], c0[2] * c1[2], c0[3] * c1[3]];
    assert_close_rel("sample weights", &w, &aview1(&want), 1e-15, 0.0);
    // any count-based scheme works per output
    assert!(
        compute_sample_weight::<f32, _>(
            &[Scheme::LOG_SMOOTHED, Scheme::InverseSqrt],
            y.view().into_dyn(),
            None
        )
        .is_ok()
    );
}

#[rstest]
#[case::shared_dict(vec![Scheme::Custom(BTreeMap::new())], None)]
#[case::shared_uniform(vec![Scheme::Uniform], None)]
#[case::wrong_count(vec![Scheme::Balanced; 3], None)]
#[case::indices_with_dict(vec![Scheme::Custom(BTreeMap::new()), Scheme::Balanced], Some(vec![0]))]
#[case::index_out_of_range(vec![Scheme::Balanced], Some(vec![9]))]
#[case::empty_indices(vec![Scheme::Balanced], Some(vec![]))]
fn compute_sample_weight_errors(#[case] schemes: Vec<Scheme>, #[case] indices: Option<Vec<usize>>) {
    let y = array![[0_i64, 1], [0, 0], [1, 0], [0, 0]];
    assert!(
        compute_sample_weight::<f64, _>(&schemes, y.view().into_dyn(), indices.as_deref()).is_err()
    );
}

#[test]
fn recency_and_inverse_variance() {
    let w = recency_weights(array![10.0_f64, 0.0, 5.0].view(), 5.0).unwrap();
    assert_eq!(w.to_vec(), vec![1.0, 0.25, 0.5]);
    let m = rescale_to_mean_one(w.view()).unwrap();
    assert!((m.sum() - 3.0).abs() < 1e-15);
    assert!(recency_weights(array![0.0_f64].view(), 0.0).is_err());
    assert!(recency_weights(array![f64::NAN].view(), 1.0).is_err());
    assert!(recency_weights(Array1::<f64>::zeros(0).view(), 1.0).is_err());
    assert_eq!(
        inverse_variance_weights(array![0.25_f32, 4.0].view())
            .unwrap()
            .to_vec(),
        vec![4.0, 0.25]
    );
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(inverse_variance_weights(array![1.0, bad].view()).is_err());
    }
    assert!(inverse_variance_weights(array![1e-320_f64].view()).is_err()); // 1/denormal = inf
}

// --- exports --------------------------------------------------------------------------------------

#[test]
fn exports() {
    let w = Scheme::LOG_SMOOTHED.weights::<f64>(&seed001()).unwrap();
    assert_eq!(
        w.to_keras_dict(),
        "{0: 1.0, 1: 3.749820767859636, 2: 1.0, 3: 3.749820767859636, 4: 1.0, 5: 2.5931008483842453, 6: 1.0, 7: 2.5931008483842453}"
    );
    assert!(
        w.to_torch_tensor()
            .unwrap()
            .ends_with("], dtype=torch.float64)")
    );
    let back: ClassWeights<f64> =
        serde_json::from_str(&serde_json::to_string(&w).unwrap()).unwrap();
    assert_eq!(back, w);
    // classes that cannot index a tensor
    let odd = Scheme::Balanced
        .weights::<f32>(&ClassCounts::from_labels(&[-1_i64, 1, 1]).unwrap())
        .unwrap();
    assert_eq!(odd.to_keras_dict(), "{-1: 1.5, 1: 0.75}");
    assert!(odd.to_torch_tensor().is_err());
    assert!(
        ClassWeights::<f64>::from_json(r#"{"scheme":"x","classes":[0],"weights":[1.0, 2.0]}"#)
            .is_err()
    );
}

// --- snapshots of the seed numbers ----------------------------------------------------------------

fn fixed_table(t: &WeightsTable) -> String {
    let mut s = String::from("scheme");
    for c in t.classes() {
        s.push_str(&format!("\tclass {c}"));
    }
    s.push('\n');
    for (name, (_, w)) in t.headers().iter().zip(t.columns()) {
        s.push_str(name);
        for x in w {
            s.push_str(&format!("\t{x:.12}"));
        }
        s.push('\n');
    }
    s
}

#[rstest]
#[case::seed000(seed000())]
#[case::seed001(seed001())]
fn snapshot_every_scheme_on_the_seed_counts(#[case] counts: ClassCounts) {
    let mut schemes = Scheme::all();
    schemes.extend(
        [
            "log_smoothed(0.5)",
            "effective_number(0.99)",
            "effective_number(0.999)",
        ]
        .map(|s| s.parse().unwrap()),
    );
    let t = WeightsTable::new(&counts, &schemes).unwrap();
    let name = if counts.num_classes() == 4 {
        "seed000"
    } else {
        "seed001"
    };
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(format!("scheme_table_{name}"), fixed_table(&t));
    });
}

#[test]
fn table_display_and_html() {
    let t = WeightsTable::new(&seed000(), &[Scheme::Frequency, Scheme::Balanced]).unwrap();
    let text = format!("{t:.4}");
    assert_eq!(text.lines().count(), 5);
    assert!(text.contains("0.1225") && text.contains("2.0404"));
    let html = t.to_html_with_precision(3);
    assert!(t.to_html().contains("<td>2.040404</td>"));
    assert!(
        html.starts_with("<table")
            && html.contains("<th>balanced</th>")
            && html.contains("<td>2.040</td>")
    );
    assert_eq!(t.column("frequency").unwrap().len(), 4);
}

/// Scheme parameters bind as Python binds a call's arguments: nothing is dropped silently, and
/// the messages are CPython's (scripts/reference/measure_schemes_differences.py).
#[rstest]
#[case::twice_positional_then_keyword(
    "log_smoothed(2, mu=0.1)",
    "log_smoothed() got multiple values for argument 'mu'"
)]
#[case::positional_after_keyword("log_smoothed(floor=3, 0.2)", "positional argument follows")]
#[case::twice_by_keyword(
    "effective_number(beta=0.9, beta=0.99)",
    "keyword argument repeated: beta"
)]
#[case::unknown_keyword(
    "effective_number(gamma=0.9)",
    "effective_number() got an unexpected keyword argument 'gamma'"
)]
#[case::too_many(
    "effective_number(0.9, 0.99)",
    "takes from 0 to 1 positional arguments but 2 were given"
)]
#[case::none_taken(
    "balanced(1)",
    "balanced() takes 0 positional arguments but 1 was given"
)]
#[case::drw_twice(
    "drw(100, start_epoch=5)",
    "drw() got multiple values for argument 'start_epoch'"
)]
#[case::ldam_unknown_keyword(
    "ldam_margins(s=30)",
    "ldam_margins() got an unexpected keyword argument 's'"
)]
#[case::logit_adjustment_too_many(
    "logit_adjustment(1, 2)",
    "logit_adjustment() takes from 0 to 1 positional arguments but 2 were given"
)]
fn scheme_arguments_bind_as_in_python(#[case] text: &str, #[case] says: &str) {
    let e = text.parse::<Scheme>().unwrap_err();
    assert!(matches!(e, ReweighError::Incompatible(_)), "{e:?}");
    assert!(e.to_string().contains(says), "{text}: {e}");
}

#[test]
fn scheme_arguments_by_position_and_name_and_back() {
    let s: Scheme = "log_smoothed(0.3, floor=0.5)".parse().unwrap();
    assert_eq!(
        s,
        Scheme::LogSmoothed {
            mu: 0.3,
            floor: 0.5
        }
    );
    assert_eq!(s.to_string(), "log_smoothed(0.3, 0.5)");
    let s: Scheme = "log_smoothed(floor=2)".parse().unwrap();
    assert_eq!(
        s,
        Scheme::LogSmoothed {
            mu: 0.15,
            floor: 2.0
        }
    );
    assert_eq!(
        "log_smoothed".parse::<Scheme>().unwrap().to_string(),
        "log_smoothed(0.15)"
    );
    assert_eq!(
        Scheme::EFFECTIVE_NUMBER.to_string(),
        "effective_number(0.9999)"
    );
    for s in Scheme::all() {
        assert_eq!(s.to_string().parse::<Scheme>().unwrap(), s);
    }
}

// --- the long-tail schemes: DRW, LDAM margins, logit adjustment ------------------------------------

#[rstest]
#[case::drw_default("drw", Scheme::DRW, "drw(160)")]
#[case::drw_positional("drw(100)", Scheme::Drw { start_epoch: 100, beta: 0.9999 }, "drw(100)")]
#[case::drw_keywords("drw(beta=0.999, start_epoch=5)", Scheme::Drw { start_epoch: 5, beta: 0.999 }, "drw(5, 0.999)")]
#[case::drw_integral_float("drw(160.0)", Scheme::DRW, "drw(160)")]
#[case::drw_exponent("drw(1e2)", Scheme::Drw { start_epoch: 100, beta: 0.9999 }, "drw(100)")]
#[case::drw_zero("drw(start_epoch=0)", Scheme::Drw { start_epoch: 0, beta: 0.9999 }, "drw(0)")]
#[case::ldam_default("ldam_margins", Scheme::LDAM_MARGINS, "ldam_margins(0.5)")]
#[case::ldam_keyword("LDAM_Margins(max_m=1)", Scheme::LdamMargins { max_m: 1.0 }, "ldam_margins(1.0)")]
#[case::logit_default("logit_adjustment", Scheme::LOGIT_ADJUSTMENT, "logit_adjustment(1.0)")]
#[case::logit_tau("logit_adjustment(tau=0.5)", Scheme::LogitAdjustment { tau: 0.5 }, "logit_adjustment(0.5)")]
fn long_tail_schemes_parse_and_display(
    #[case] text: &str,
    #[case] want: Scheme,
    #[case] shown: &str,
) {
    let s: Scheme = text.parse().unwrap();
    assert_eq!(s, want);
    assert_eq!(s.to_string(), shown);
    assert_eq!(shown.parse::<Scheme>().unwrap(), s);
}

#[test]
fn long_tail_schemes_parameters_by_name() {
    assert_eq!(
        Scheme::DRW.params(),
        vec![("start_epoch", 160.0), ("beta", 0.9999)]
    );
    assert_eq!(Scheme::LDAM_MARGINS.params(), vec![("max_m", 0.5)]);
    assert_eq!(Scheme::LOGIT_ADJUSTMENT.params(), vec![("tau", 1.0)]);
    for name in ["drw", "ldam_margins", "logit_adjustment"] {
        assert!(Scheme::names().contains(&name), "{name}");
    }
    // the largest epoch usize holds is read exactly, not through a float
    let max = format!("drw({})", usize::MAX);
    assert_eq!(
        max.parse::<Scheme>().unwrap(),
        Scheme::Drw {
            start_epoch: usize::MAX,
            beta: 0.9999
        }
    );
}

#[rstest]
#[case::negative("drw(-1)")]
#[case::fraction("drw(1.5)")]
#[case::keyword_fraction("drw(start_epoch=159.9)")]
#[case::nan("drw(nan)")]
#[case::inf("drw(start_epoch=inf)")]
#[case::too_big("drw(1e30)")]
#[case::just_too_big("drw(18446744073709551616)")]
fn start_epoch_must_be_a_whole_number(#[case] text: &str) {
    match text.parse::<Scheme>() {
        Err(ReweighError::InvalidParameter { name, .. }) => assert_eq!(name, "start_epoch"),
        other => panic!("{text}: {other:?}"),
    }
}

#[test]
fn every_scheme_has_its_kind() {
    for s in Scheme::all() {
        let want = match s.name() {
            "ldam_margins" => SchemeKind::Margins,
            "logit_adjustment" => SchemeKind::LogitOffsets,
            _ => SchemeKind::ClassWeights,
        };
        assert_eq!(s.kind(), want, "{s}");
        assert_eq!(s.weights::<f64>(&seed000()).unwrap().kind(), want, "{s}");
    }
    assert_eq!(
        Scheme::Custom(BTreeMap::new()).kind(),
        SchemeKind::ClassWeights
    );
    assert_eq!(SchemeKind::Margins.to_string(), "margins");
    assert_eq!(SchemeKind::LogitOffsets.entry(), "logit offset");
}

/// The schemes call the long-tail losses' own functions: the same numbers, bit for bit.
#[test]
fn long_tail_schemes_are_the_losses_functions() {
    use reweigh::losses::{DeferredReweighting, LogitOffset, ldam_margins};
    for counts in [seed000(), seed001()] {
        let n = counts.counts();
        for max_m in [0.5, 0.3, 1.0] {
            let m = Scheme::LdamMargins { max_m }
                .weights::<f64>(&counts)
                .unwrap();
            assert_eq!(m.weights(), ldam_margins(n, max_m).unwrap());
            let m32 = Scheme::LdamMargins { max_m }
                .weights::<f32>(&counts)
                .unwrap();
            assert_eq!(
                m32.into_array(),
                ldam_margins(n, max_m).unwrap().mapv(|x| x as f32)
            );
        }
        for tau in [0.0, 0.5, 1.0, 2.0] {
            let o = Scheme::LogitAdjustment { tau };
            assert_eq!(
                o.weights::<f64>(&counts).unwrap().into_array(),
                LogitOffset::Menon { tau }.offsets::<f64>(n).unwrap()
            );
            assert_eq!(
                o.weights::<f32>(&counts).unwrap().into_array(),
                LogitOffset::Menon { tau }.offsets::<f32>(n).unwrap()
            );
        }
        for (start_epoch, beta) in [(160, 0.9999), (0, 0.99), (5, 0.0)] {
            let drw = DeferredReweighting { start_epoch, beta };
            let s = Scheme::Drw { start_epoch, beta };
            assert_eq!(
                s.weights::<f64>(&counts).unwrap().into_array(),
                drw.class_weights(start_epoch, n).unwrap().unwrap()
            );
            // and the effective-number scheme with the same β
            assert_eq!(
                s.weights::<f64>(&counts).unwrap().weights(),
                Scheme::EffectiveNumber { beta }
                    .weights::<f64>(&counts)
                    .unwrap()
                    .weights()
            );
        }
    }
}

#[test]
fn ldam_margins_and_logit_offsets_on_seed000() {
    // formulas written out: m_c = 0.5 (198 / n_c)^(1/4); o_c = ln(n_c / 1616 + 1e-12)
    let m = Scheme::LDAM_MARGINS.weights::<f64>(&seed000()).unwrap();
    let want = SEED000.map(|n| 0.5 * (198.0 / n as f64).powf(0.25));
    assert_close_rel("margins", &m.weights(), &aview1(&want), 1e-15, 0.0);
    assert_eq!(m.get(0), Some(0.5));
    let o = Scheme::LOGIT_ADJUSTMENT.weights::<f64>(&seed000()).unwrap();
    let want = SEED000.map(|n| (n as f64 / 1616.0 + 1e-12).ln());
    assert_close_rel("offsets", &o.weights(), &aview1(&want), 1e-15, 0.0);
    // τ = 0: π^0 = 1 for every class, the same offset ln(1 + 1e-12) everywhere (no adjustment)
    let flat = Scheme::LogitAdjustment { tau: 0.0 }
        .weights::<f64>(&seed000())
        .unwrap();
    assert!(flat.weights().iter().all(|&x| x == (1.0_f64 + 1e-12).ln()));
}

#[test]
fn logit_adjustment_accepts_a_zero_count() {
    // the official code: ln(0^τ + 1e-12) = ln 1e-12, finite
    let counts = ClassCounts::from_counts(&[5, 0]).unwrap();
    let o = Scheme::LOGIT_ADJUSTMENT.weights::<f64>(&counts).unwrap();
    assert_eq!(o.weights()[1], 1e-12_f64.ln());
    let all_zero = ClassCounts::from_counts(&[0, 0]).unwrap();
    assert!(matches!(
        Scheme::LOGIT_ADJUSTMENT.weights::<f64>(&all_zero),
        Err(ReweighError::AllZeroWeights { .. })
    ));
}

#[test]
fn drw_weights_follow_the_epoch() {
    let counts = seed000();
    let drw = Scheme::Drw {
        start_epoch: 3,
        beta: 0.999,
    };
    let on = drw.weights::<f64>(&counts).unwrap();
    for epoch in 0..6 {
        let w = drw.weights_at_epoch::<f64>(epoch, &counts).unwrap();
        if epoch < 3 {
            assert_eq!(w, Scheme::Uniform.weights::<f64>(&counts).unwrap());
        } else {
            assert_eq!(w, on);
        }
    }
    // every other scheme is the same at every epoch
    for s in [Scheme::Balanced, Scheme::LDAM_MARGINS] {
        assert_eq!(
            s.weights_at_epoch::<f32>(0, &counts).unwrap(),
            s.weights::<f32>(&counts).unwrap()
        );
    }
    // what the weights from start_epoch on reject is an error from epoch 0
    let zero = ClassCounts::from_pairs([(4, 10), (9, 0)]).unwrap();
    assert_eq!(
        Scheme::DRW.weights_at_epoch::<f64>(0, &zero).unwrap_err(),
        ReweighError::ZeroCount {
            what: "count",
            class: 9
        }
    );
    assert!(matches!(
        Scheme::Drw {
            start_epoch: 10,
            beta: 1.5
        }
        .weights_at_epoch::<f64>(0, &counts),
        Err(ReweighError::InvalidParameter { name: "beta", .. })
    ));
}

#[test]
fn margins_and_offsets_are_not_sample_weights() {
    let y = array![0_i64, 1, 1, 2, 3, 3];
    let counts = ClassCounts::from_labels(&y).unwrap();
    for s in [Scheme::LDAM_MARGINS, Scheme::LOGIT_ADJUSTMENT] {
        let v = s.weights::<f64>(&counts).unwrap();
        for e in [
            gather_sample_weights(&v, y.view()).unwrap_err(),
            per_timestep_weights(&v, y.view().insert_axis(ndarray::Axis(0)), None).unwrap_err(),
            compute_sample_weight::<f64, _>(std::slice::from_ref(&s), y.view().into_dyn(), None)
                .unwrap_err(),
        ] {
            assert!(matches!(e, ReweighError::Incompatible(_)), "{e:?}");
            assert!(e.to_string().contains(&s.kind().to_string()), "{e}");
        }
    }
    // DRW's are class weights
    let w = Scheme::DRW.weights::<f64>(&counts).unwrap();
    assert!(gather_sample_weights(&w, y.view()).is_ok());
    assert!(compute_sample_weight::<f64, _>(&[Scheme::DRW], y.view().into_dyn(), None).is_ok());
}

#[test]
fn long_tail_exports_keep_their_kind() {
    let c = ClassCounts::from_counts(&[3, 1]).unwrap();
    let m = Scheme::LDAM_MARGINS.weights::<f64>(&c).unwrap();
    let json = m.to_json().unwrap();
    assert_eq!(
        json,
        format!(
            r#"{{"scheme":"ldam_margins(0.5)","kind":"margins","classes":[0,1],"weights":[{:?},0.5]}}"#,
            0.5 * (1.0_f64 / 3.0).powf(0.25)
        )
    );
    // serde_json's default float parsing is not always correctly rounded (an ulp off here)
    let back = ClassWeights::<f64>::from_json(&json).unwrap();
    assert_eq!(
        (back.scheme(), back.kind(), back.classes()),
        (m.scheme(), m.kind(), m.classes())
    );
    assert_close_rel("margins", &back.weights(), &m.weights(), 1e-15, 0.0);
    let o = Scheme::LOGIT_ADJUSTMENT.weights::<f32>(&c).unwrap();
    let back: ClassWeights<f32> =
        serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
    assert_eq!(back.kind(), SchemeKind::LogitOffsets);
    assert_eq!(back, o);
    assert_eq!(
        o.to_torch_tensor().unwrap(),
        format!(
            "torch.tensor([{:?}, {:?}], dtype=torch.float32)",
            (0.75_f32 + 1e-12).ln(),
            (0.25_f32 + 1e-12).ln()
        )
    );
    assert!(m.to_keras_dict().starts_with("{0: 0.37"));
    // class weights' JSON has no kind field, and JSON without one is class weights
    let w = Scheme::DRW.weights::<f64>(&c).unwrap();
    assert!(!w.to_json().unwrap().contains("kind"));
    let plain =
        ClassWeights::<f64>::from_json(r#"{"scheme":"x","classes":[0],"weights":[1.0]}"#).unwrap();
    assert_eq!(plain.kind(), SchemeKind::ClassWeights);
    assert!(
        ClassWeights::<f64>::from_json(
            r#"{"scheme":"x","kind":"biases","classes":[0],"weights":[1.0]}"#
        )
        .is_err()
    );
}

#[test]
fn tables_tag_the_columns_that_are_not_weights() {
    let t = WeightsTable::all_schemes(&seed000()).unwrap();
    assert_eq!(t.columns().len(), Scheme::all().len());
    let headers = t.headers();
    assert_eq!(
        &headers[headers.len() - 3..],
        [
            "drw(160)",
            "ldam_margins(0.5) [margin]",
            "logit_adjustment(1.0) [logit offset]"
        ]
    );
    assert_eq!(
        t.kinds()[t.kinds().len() - 2..],
        [SchemeKind::Margins, SchemeKind::LogitOffsets]
    );
    assert_eq!(t.column("ldam_margins(0.5)").unwrap()[0], 0.5);
    let text = format!("{t}");
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with("logit_adjustment(1.0) [logit offset]")
    );
    assert!(t.to_html().contains("<th>ldam_margins(0.5) [margin]</th>"));
}
