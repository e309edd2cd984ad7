//! Bad or extreme input to the schemes, sample weights, resamplers, candidate sampler and metrics
//! never panics, hangs, aborts or gives a quietly wrong number: one row per finding of issue 11
//! (its item numbers in the names), each failing on the code before the fix. The expected
//! framework numbers were measured with scikit-learn 1.9.1, TensorFlow 2.21 and CPython
//! (scripts/reference/gen_schemes.py for the golden cases, scripts/reference/measure_schemes_differences.py
//! for the messages quoted in the rows).

use ndarray::{Array1, array};
use rand::TryRng;
use reweigh::ReweighError;
use reweigh::error::Result;
use reweigh::losses::SampledSoftmaxLoss;
use reweigh::metrics::{
    Evaluation, balanced_accuracy_score, confusion_matrix, f1_macro,
    precision_recall_fscore_support,
};
use reweigh::resample::{
    RandomOverSampler, RandomUnderSampler, SamplingKind, SamplingStrategy, sampling_targets,
};
use reweigh::sampling::LogUniformSampler;
use reweigh::schemes::*;
use rstest::rstest;
use std::collections::BTreeMap;
use std::convert::Infallible;

/// Runs `f`, turning a panic into a test failure that names the row.
fn no_panic<T>(what: &str, f: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| panic!("{what}: panicked instead of returning"))
}

fn too_large<T: std::fmt::Debug>(r: Result<T>) -> bool {
    matches!(r, Err(ReweighError::TooLarge { .. }))
}

fn non_integer<T: std::fmt::Debug>(r: Result<T>) -> bool {
    matches!(r, Err(ReweighError::NonIntegerLabel { .. }))
}

fn out_of_range<T: std::fmt::Debug>(r: Result<T>) -> bool {
    matches!(r, Err(ReweighError::LabelOutOfRange { .. }))
}

/// The error message of `s.parse::<Scheme>()`, or "" when it parses.
fn parse_error(s: &str) -> String {
    s.parse::<Scheme>()
        .map_or_else(|e| e.to_string(), |_| String::new())
}

fn over(counts: &[(i64, usize)], y: &[i64]) -> Result<Vec<usize>> {
    RandomOverSampler::new(SamplingStrategy::Counts(counts.iter().copied().collect()))
        .fit_resample(y)
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-15 * y.abs())
}

/// A generator that always returns the same bits: every log-uniform draw is the same class, so
/// a unique draw of two classes can never finish.
struct Stuck;

impl TryRng for Stuck {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> std::result::Result<u32, Infallible> {
        Ok(0)
    }
    fn try_next_u64(&mut self) -> std::result::Result<u64, Infallible> {
        Ok(0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Infallible> {
        dst.fill(0);
        Ok(())
    }
}

fn cw(classes: Vec<i64>, w: Vec<f64>) -> ClassWeights<f64> {
    ClassWeights::new("test", classes, Array1::from(w)).unwrap()
}

#[rstest]
// #6: resampler target sizes are checked before allocating
#[case::over_usize_max("(issue 11 #6) RandomOverSampler Counts {1: usize::MAX}: TooLarge, not a capacity-overflow panic", ||
    too_large(over(&[(1, usize::MAX)], &[0, 1, 1])))]
#[case::over_1e12("(issue 11 #6) RandomOverSampler Counts {1: 10^12}: TooLarge (8 TB refused), not an abort", ||
    too_large(over(&[(1, 1_000_000_000_000)], &[0, 1, 1])))]
#[case::over_total_overflows("(issue 11 #6) two targets whose sum overflows usize", ||
    too_large(over(&[(0, usize::MAX / 2 + 2), (1, usize::MAX / 2 + 2)], &[0, 1])))]
#[case::over_small_still_works("(issue 11 #6) a valid Counts target still gives N + added indices", ||
    over(&[(1, 5)], &[0, 1, 1]).unwrap().len() == 6)]
#[case::under_huge_is_incompatible("(issue 11 #6) RandomUnderSampler Counts {1: usize::MAX} cannot grow a class", ||
    matches!(RandomUnderSampler::new(SamplingStrategy::Counts(BTreeMap::from([(1, usize::MAX)]))).fit_resample(&[0, 1]),
        Err(ReweighError::Incompatible(_))))]
// #7: num_sampled overflow; unique beyond the range is TensorFlow's "Sampler's range is too small."
#[case::unique_beyond_range("(issue 11 #7) unique num_sampled = 2^62 > range_max: InvalidParameter (TF: \"Sampler's range is too small.\")", || {
    let s = LogUniformSampler::new(1000).unwrap();
    matches!(s.sample(array![[0_i64]].view(), 1 << 62, true, 1),
        Err(ReweighError::InvalidParameter { name: "num_sampled", .. }))
})]
#[case::non_unique_2p62("(issue 11 #7) num_sampled = 2^62 with replacement: TooLarge (more than isize::MAX bytes)", ||
    too_large(LogUniformSampler::new(1000).unwrap().sample(array![[0_i64]].view(), 1 << 62, false, 1)))]
#[case::non_unique_2p40("(issue 11 #7) num_sampled = 2^40 with replacement: TooLarge (8 TiB refused), not an abort", ||
    too_large(LogUniformSampler::new(1000).unwrap().sample(array![[0_i64]].view(), 1 << 40, false, 1)))]
#[case::unique_whole_max_range("(issue 11 #7) unique num_sampled = range_max = 2^52: TooLarge before drawing", || {
    let s = LogUniformSampler::new(LogUniformSampler::MAX_RANGE).unwrap();
    too_large(s.sample(array![[0_i64]].view(), LogUniformSampler::MAX_RANGE, true, 1))
})]
#[case::sampled_softmax_2p62("(issue 11 #7) SampledSoftmaxLoss::new(2^62, 10).sample: InvalidParameter", ||
    matches!(SampledSoftmaxLoss::<f64>::new(1 << 62, 10).sample(array![[0_i64]].view(), 1),
        Err(ReweighError::InvalidParameter { name: "num_sampled", .. })))]
#[case::sampled_softmax_full_columns_too_large("(issue 11 #7) full softmax over 2^24 rows x 2^20 classes (128 TiB of columns) is TooLarge, not an abort", || {
    // broadcast views: the inputs take no memory, the weights (2^20 x 1) 4 MB
    let loss = SampledSoftmaxLoss::<f32>::new(1, 1 << 20);
    let one = ndarray::Array2::<f32>::zeros((1, 1));
    let x = one.broadcast((1 << 24, 1)).unwrap();
    let w = ndarray::Array2::<f32>::zeros((1 << 20, 1));
    let b = ndarray::Array1::<f32>::zeros(1 << 20);
    let label = ndarray::Array2::<i64>::zeros((1, 1));
    let labels = label.broadcast((1 << 24, 1)).unwrap();
    too_large(loss.full_softmax(x, w.view(), b.view(), labels, None))
})]
// #10: unrepresentable ranges are rejected; every rejection loop is bounded
#[case::range_usize_max("(issue 11 #10) LogUniformSampler::new(usize::MAX): InvalidParameter, not a hang later", ||
    matches!(LogUniformSampler::new(usize::MAX), Err(ReweighError::InvalidParameter { name: "range_max", .. })))]
#[case::range_above_i64("(issue 11 #10) LogUniformSampler::new(i64::MAX + 1): InvalidParameter", ||
    LogUniformSampler::new(i64::MAX as usize + 1).is_err())]
#[case::range_above_2p52("(issue 11 #10) LogUniformSampler::new(2^52 + 1): InvalidParameter (P(k) of the last classes not representable)", ||
    LogUniformSampler::new(LogUniformSampler::MAX_RANGE + 1).is_err()
        && LogUniformSampler::new(LogUniformSampler::MAX_RANGE).is_ok())]
#[case::largest_range_probability_positive("(issue 11 #10) at range_max = 2^52 the last class has P > 0 and unique draws finish", || {
    let s = LogUniformSampler::new(LogUniformSampler::MAX_RANGE).unwrap();
    let last = LogUniformSampler::MAX_RANGE as i64 - 1;
    s.probability(last).unwrap() > 0.0
        && s.sample(array![[last]].view(), 100, true, 3).unwrap().sampled.len() == 100
})]
#[case::bounded_unique_loop("(issue 11 #10) a unique draw that cannot finish (a stuck generator) stops with TooLarge", || {
    let s = LogUniformSampler::new(10).unwrap();
    too_large(s.draw(&mut Stuck, 2, true))
})]
// #11: float labels are rejected, never truncated (scikit-learn: "Unknown label type: continuous")
#[case::from_labels_float("(issue 11 #11) ClassCounts::from_labels(&[0.2, 0.7, 1.0]): NonIntegerLabel, not {0: 2, 1: 1}", ||
    non_integer(ClassCounts::from_labels(&[0.2_f64, 0.7, 1.0])))]
#[case::from_labels_integral_float("(issue 11 #11) integral floats stay labels: from_labels(&[0.0, 1.0, 1.0]) = {0: 1, 1: 2}", ||
    ClassCounts::from_labels(&[0.0_f64, 1.0, 1.0]).unwrap().counts() == [1.0, 2.0])]
#[case::from_labels_nan("(issue 11 #11) a NaN label: NonIntegerLabel", ||
    non_integer(ClassCounts::from_labels(&[0.0_f64, f64::NAN])))]
#[case::from_labels_inf("(issue 11 #11) an infinite label: NonIntegerLabel", ||
    non_integer(ClassCounts::from_labels(&[f32::INFINITY])))]
#[case::from_labels_u64_max("(issue 11 #11) u64::MAX does not fit in i64: NonIntegerLabel", ||
    non_integer(ClassCounts::from_labels(&[u64::MAX])))]
#[case::with_classes_float("(issue 11 #11) ClassCounts::with_classes with 0.5", ||
    non_integer(ClassCounts::with_classes(&[0.5_f64], &[0, 1])))]
#[case::weighted_float("(issue 11 #11) ClassCounts::weighted with 1.5", ||
    non_integer(ClassCounts::weighted(&[1.5_f64, 0.0], array![1.0_f64, 1.0].view())))]
#[case::gather_float("(issue 11 #11) gather_sample_weights with 0.9", ||
    non_integer(gather_sample_weights(&cw(vec![0, 1], vec![1.0, 2.0]), array![0.0_f64, 0.9].view())))]
#[case::per_timestep_float("(issue 11 #11) per_timestep_weights with 1.1", ||
    non_integer(per_timestep_weights(&cw(vec![0, 1], vec![1.0, 2.0]), array![[0.0_f64, 1.1]].view(), None)))]
#[case::over_sampler_float("(issue 11 #11) RandomOverSampler with 0.4", ||
    non_integer(RandomOverSampler::new(SamplingStrategy::Auto).fit_resample(&[0.0_f64, 0.4, 1.0])))]
#[case::under_sampler_float("(issue 11 #11) RandomUnderSampler with 0.4", ||
    non_integer(RandomUnderSampler::new(SamplingStrategy::Auto).fit_resample(&[0.0_f64, 0.4, 1.0])))]
#[case::balanced_accuracy_float("(issue 11 #11) balanced_accuracy_score(&[0.4, 0.6], &[0.6, 0.4]): NonIntegerLabel, not 1.0 (sklearn: \"continuous is not supported\")", ||
    non_integer(balanced_accuracy_score(&[0.4_f64, 0.6], &[0.6, 0.4])))]
#[case::evaluation_float_pred("(issue 11 #11) Evaluation::new with a fractional prediction", ||
    non_integer(Evaluation::new(&[0.0_f64, 1.0], &[0.0, 0.5])))]
#[case::shorthands_float("(issue 11 #11) confusion_matrix, f1_macro, precision_recall_fscore_support with 0.5", ||
    non_integer(confusion_matrix(&[0.5_f64], &[0.0]))
        && non_integer(f1_macro(&[0.5_f64], &[0.0]))
        && non_integer(precision_recall_fscore_support(&[0.5_f64], &[0.0])))]
#[case::metrics_integral_float("(issue 11 #11) integral float labels still score: balanced_accuracy_score([0., 1.], [1., 1.]) = 0.5 (sklearn 0.5)", ||
    balanced_accuracy_score(&[0.0_f64, 1.0], &[1.0, 1.0]).unwrap() == 0.5)]
// #14: overflowing sums are scaled first
#[case::frequency_1e308("(issue 11 #14) frequency_weights([1e308, 1e308]) = [0.5, 0.5], not [0, 0]", ||
    frequency_weights(array![1e308_f64, 1e308].view()).unwrap().to_vec() == [0.5, 0.5])]
#[case::sum1_1e308("(issue 11 #14) normalize Sum1 of [1e308, 1e308] = [0.5, 0.5]", ||
    normalize(array![1e308_f64, 1e308].view(), array![1.0, 1.0].view(), Normalization::Sum1).unwrap().to_vec() == [0.5, 0.5])]
#[case::sum_c_1e308("(issue 11 #14) normalize SumC of [1e308, 1e308] = [1, 1]", ||
    normalize(array![1e308_f64, 1e308].view(), array![1.0, 1.0].view(), Normalization::SumC).unwrap().to_vec() == [1.0, 1.0])]
#[case::mean1_weights_1e308("(issue 11 #14) normalize SampleMean1 of weights [1e308, 1e308], counts [1, 1] = [1, 1]", ||
    normalize(array![1e308_f64, 1e308].view(), array![1.0, 1.0].view(), Normalization::SampleMean1).unwrap().to_vec() == [1.0, 1.0])]
#[case::mean1_counts_1e308("(issue 11 #14) normalize SampleMean1 of weights [1, 1], counts [1e308, 1e308] = [1, 1]", ||
    normalize(array![1.0_f64, 1.0].view(), array![1e308, 1e308].view(), Normalization::SampleMean1).unwrap().to_vec() == [1.0, 1.0])]
#[case::mean1_products_overflow("(issue 11 #14) SampleMean1 whose products w·n overflow: weights [1e200, 1e200], counts [1e200, 3e200] = [1, 1]", ||
    close(&normalize(array![1e200_f64, 1e200].view(), array![1e200, 3e200].view(), Normalization::SampleMean1).unwrap().to_vec(), &[1.0, 1.0]))]
#[case::rescale_1e308("(issue 11 #14) rescale_to_mean_one([1e308, 1e308]) = [1, 1]", ||
    rescale_to_mean_one(array![1e308_f64, 1e308].view()).unwrap().to_vec() == [1.0, 1.0])]
#[case::balanced_1e308("(issue 11 #14) balanced_weights([1e308, 1e308]) = [1, 1], not an error", ||
    balanced_weights(array![1e308_f64, 1e308].view()).unwrap().to_vec() == [1.0, 1.0])]
#[case::balanced_product_overflows("(issue 11 #14, found by the property suite) balanced_weights([5e307, 1e308]) = [1.5, 0.75], not [1.5, 0] (C·n_c overflowed)", ||
    balanced_weights(array![5e307_f64, 1e308].view()).unwrap().to_vec() == [1.5, 0.75])]
#[case::inverse_frequency_1e308("(issue 11 #14) inverse_frequency_weights([1e308, 1e308]) = [2, 2]", ||
    inverse_frequency_weights(array![1e308_f64, 1e308].view()).unwrap().to_vec() == [2.0, 2.0])]
#[case::every_scheme_1e308("(issue 11 #14) every Scheme on counts [1e308, 1e308, 1e308] is finite and equal to its value on [1, 1, 1]", || {
    let big = ClassCounts::from_counts(&[1e308, 1e308, 1e308]).unwrap();
    let one = ClassCounts::from_counts(&[1.0, 1.0, 1.0]).unwrap();
    Scheme::all().iter().filter(|s| !matches!(s, Scheme::InverseFrequency | Scheme::InverseSqrt
            | Scheme::LogSmoothed { .. } | Scheme::EffectiveNumber { .. } | Scheme::Frequency))
        .all(|s| s.weights::<f64>(&big).unwrap().weights() == s.weights::<f64>(&one).unwrap().weights())
})]
#[case::log_smoothed_1e308("(issue 11 #14) log_smoothed on [1e308, 1e300] = [1, ln(0.15 (1e308 + 1e300) / 1e300)]", || {
    let w = log_smoothed_weights(array![1e308_f64, 1e300].view(), 0.15, 1.0).unwrap();
    w[0] == 1.0 && (w[1] - (0.15_f64 * (1e8 + 1.0)).ln()).abs() < 1e-12
})]
#[case::inverse_sqrt_1e308("(issue 11 #14) inverse_sqrt_weights([1e308, 1e308]) = [√2, √2]", ||
    inverse_sqrt_weights(array![1e308_f64, 1e308].view()).unwrap().to_vec() == [2.0_f64.sqrt(), 2.0_f64.sqrt()])]
#[case::log_smoothed_negative_floor("(issue 11 #14, found by the property suite) log_smoothed(0.001, floor=-1.8) on [1]: InvalidParameter, not the negative weight -1.8", ||
    matches!(log_smoothed_weights(array![1.0_f64].view(), 0.001, -1.8), Err(ReweighError::InvalidParameter { name: "floor", .. })))]
#[case::effective_number_f32_beta_near_one("(issue 11 #14, found by the property suite) effective_number(1 - 1e-12) in f32 on [1]: [1], not a NaN error (β rounded to 1 in f32)", ||
    effective_number_weights(array![1.0_f32].view(), 1.0 - 1e-12).unwrap().to_vec() == [1.0_f32])]
#[case::compute_sample_weight_product_overflows("(issue 11 #14) compute_sample_weight over two outputs whose weights multiply past f64::MAX: NonFinite, not inf", || {
    let y = ndarray::array![[0_i64, 0], [1, 1]];
    let dict = |w: f64| Scheme::Custom(BTreeMap::from([(0, w), (1, 1.0)]));
    matches!(compute_sample_weight::<f64, _>(&[dict(1e200), dict(1e200)], y.view().into_dyn(), None),
        Err(ReweighError::NonFinite { .. }))
})]
// #16: Scheme::from_str binds arguments as Python does (messages measured with CPython)
#[case::positional_then_same_keyword("(issue 11 #16) \"log_smoothed(2, mu=0.1)\": got multiple values for argument 'mu', not floor 1.0", ||
    parse_error("log_smoothed(2, mu=0.1)").contains("log_smoothed() got multiple values for argument 'mu'"))]
#[case::positional_after_keyword("(issue 11 #16) \"log_smoothed(floor=3, 0.2)\": positional argument follows keyword argument, not mu 0.15", ||
    parse_error("log_smoothed(floor=3, 0.2)").contains("positional argument follows keyword argument"))]
#[case::keyword_repeated("(issue 11 #16) \"log_smoothed(mu=1, mu=2)\": keyword argument repeated: mu", ||
    parse_error("log_smoothed(mu=1, mu=2)").contains("keyword argument repeated: mu"))]
#[case::unknown_keyword("(issue 11 #16) \"log_smoothed(x=1)\": unexpected keyword argument 'x', naming the valid ones", || {
    let e = parse_error("log_smoothed(x=1)");
    e.contains("log_smoothed() got an unexpected keyword argument 'x'") && e.contains("(mu, floor)")
})]
#[case::too_many("(issue 11 #16) \"log_smoothed(1, 2, 3)\": takes from 0 to 2 positional arguments but 3 were given", ||
    parse_error("log_smoothed(1, 2, 3)").contains("log_smoothed() takes from 0 to 2 positional arguments but 3 were given"))]
#[case::too_many_one_param("(issue 11 #16) \"effective_number(1, 2)\": takes from 0 to 1 positional arguments but 2 were given", ||
    parse_error("effective_number(0.9, 2)").contains("effective_number() takes from 0 to 1 positional arguments but 2 were given"))]
#[case::no_params("(issue 11 #16) \"balanced(1)\": takes 0 positional arguments but 1 was given", ||
    parse_error("balanced(1)").contains("balanced() takes 0 positional arguments but 1 was given"))]
#[case::valid_mixed("(issue 11 #16) \"log_smoothed(0.3, floor=2)\" binds mu 0.3, floor 2", ||
    "log_smoothed(0.3, floor=2)".parse::<Scheme>().unwrap() == Scheme::LogSmoothed { mu: 0.3, floor: 2.0 })]
#[case::valid_keywords_any_order("(issue 11 #16) \"log_smoothed(floor=2, mu=0.3)\" binds mu 0.3, floor 2", ||
    "log_smoothed(floor=2, mu=0.3)".parse::<Scheme>().unwrap() == Scheme::LogSmoothed { mu: 0.3, floor: 2.0 })]
#[case::trailing_comma("(issue 11 #16) \"log_smoothed(0.2,)\" is a valid Python call: mu 0.2", ||
    "log_smoothed(0.2,)".parse::<Scheme>().unwrap() == Scheme::LogSmoothed { mu: 0.2, floor: 1.0 })]
// #20: saturation, out-of-range probabilities, NaN weights through normalize(None)
#[case::targets_1e30("(issue 11 #20) sampling_targets with a count of 1e30: TooLarge, not usize::MAX", || {
    let c = ClassCounts::from_pairs([(0, 1e30), (1, 3.0)]).unwrap();
    too_large(sampling_targets(&c, &SamplingStrategy::Auto, SamplingKind::Over))
})]
#[case::probability_minus_one("(issue 11 #20) LogUniformSampler::probability(-1): LabelOutOfRange, not +inf", ||
    out_of_range(LogUniformSampler::new(10).unwrap().probability(-1)))]
#[case::probability_minus_two("(issue 11 #20) LogUniformSampler::probability(-2): LabelOutOfRange, not -inf", ||
    out_of_range(LogUniformSampler::new(10).unwrap().probability(-2)))]
#[case::probability_range_max("(issue 11 #20) probability(range_max) and expected_count of it: LabelOutOfRange", || {
    let s = LogUniformSampler::new(10).unwrap();
    out_of_range(s.probability(10)) && out_of_range(s.expected_count(10, 3, 3))
})]
#[case::normalize_none_nan("(issue 11 #20) normalize(None) with a NaN weight: NonFinite", ||
    matches!(normalize(array![1.0_f64, f64::NAN].view(), array![1.0, 1.0].view(), Normalization::None),
        Err(ReweighError::NonFinite { .. })))]
#[case::normalize_none_negative("(issue 11 #20) normalize(None) with a negative weight: NegativeWeight", ||
    matches!(normalize(array![1.0_f64, -1.0].view(), array![1.0, 1.0].view(), Normalization::None),
        Err(ReweighError::NegativeWeight { .. })))]
// #24: scikit-learn's lenient behaviours by name, strict defaults kept (values from sklearn 1.9.1)
#[case::sklearn_dict_extra_key("(issue 11 #24) compute_class_weight({0: 1, 1: 2, 5: 3}, classes=[0, 1]) = [1, 2]: custom_weights_sklearn; custom_weights rejects key 5", || {
    let counts = ClassCounts::from_labels(&[0, 1]).unwrap();
    let dict = BTreeMap::from([(0, 1.0), (1, 2.0), (5, 3.0)]);
    matches!(custom_weights::<f64>(&dict, &counts), Err(ReweighError::UnknownClass { class: 5, .. }))
        && custom_weights_sklearn::<f64>(&dict, &counts).unwrap().to_vec() == [1.0, 2.0]
})]
#[case::sklearn_dict_extra_key_and_missing("(issue 11 #24) {0: 1, 5: 3} with classes [0, 1]: an error in both (sklearn: \"The classes, [1], are not in class_weight\")", || {
    let counts = ClassCounts::from_labels(&[0, 1]).unwrap();
    let dict = BTreeMap::from([(0, 1.0), (5, 3.0)]);
    custom_weights::<f64>(&dict, &counts).is_err() && custom_weights_sklearn::<f64>(&dict, &counts).is_err()
})]
#[case::sklearn_balanced_zero_weight("(issue 11 #24) balanced with a class of zero total sample weight: sklearn [inf, 0.5] by balanced_weights_sklearn; balanced_weights is ZeroCount", ||
    matches!(balanced_weights(array![0.0_f64, 1.0].view()), Err(ReweighError::ZeroCount { .. }))
        && balanced_weights_sklearn(array![0.0_f64, 1.0].view()).unwrap().to_vec() == [f64::INFINITY, 0.5])]
// issue 12: the long-tail schemes at their edges (the references' numbers measured and asserted
// by scripts/reference/gen_schemes.py: Cao et al.'s DRW code, pytorch-optimizer 4.1.0, TF 2.21)
#[case::drw_zero_count("(issue 12) drw on counts [5, 0]: ZeroCount at epoch 0 and from start_epoch on (Cao et al.'s code: [0, nan] at every epoch)", || {
    let c = ClassCounts::from_counts(&[5, 0]).unwrap();
    [0, 159, 160].iter().all(|&e| matches!(Scheme::DRW.weights_at_epoch::<f64>(e, &c),
        Err(ReweighError::ZeroCount { class: 1, .. })))
})]
#[case::drw_past_twice_start("(issue 12) drw(160) at epoch 320: the weights stay on (Cao et al.'s betas[epoch // 160] raises IndexError)", || {
    let c = ClassCounts::from_counts(&[5000, 50]).unwrap();
    Scheme::DRW.weights_at_epoch::<f64>(320, &c).unwrap() == Scheme::DRW.weights::<f64>(&c).unwrap()
})]
#[case::drw_largest_epochs("(issue 12) drw(start_epoch=usize::MAX): uniform at epoch usize::MAX - 1, the weights at usize::MAX", || {
    let c = ClassCounts::from_counts(&[3, 1]).unwrap();
    let s = Scheme::Drw { start_epoch: usize::MAX, beta: 0.9999 };
    s.weights_at_epoch::<f64>(usize::MAX - 1, &c).unwrap().weights().to_vec() == [1.0, 1.0]
        && s.weights_at_epoch::<f64>(usize::MAX, &c).unwrap() == s.weights::<f64>(&c).unwrap()
})]
#[case::drw_negative_epoch("(issue 12) \"drw(-1)\" and \"drw(2.5)\": InvalidParameter start_epoch, not a wrapped or truncated epoch", ||
    ["drw(-1)", "drw(2.5)", "drw(start_epoch=1e300)"].iter().all(|t| matches!(t.parse::<Scheme>(),
        Err(ReweighError::InvalidParameter { name: "start_epoch", .. }))))]
#[case::ldam_zero_count("(issue 12) ldam_margins on counts [5, 0]: ZeroCount (LDAMLoss([5, 0]).m_list is [0, nan])", ||
    matches!(Scheme::LDAM_MARGINS.weights::<f32>(&ClassCounts::from_counts(&[5, 0]).unwrap()),
        Err(ReweighError::ZeroCount { class: 1, .. })))]
#[case::ldam_extreme_counts("(issue 12) ldam_margins on [1e-3, 1e300]: [0.5, 0.5·1e-75.75], finite; on [1e-300, 1e300] the ratio 1e-600 underflows and the margin is 0 for 0.5e-150 (an absolute error below 1e-150 on a margin subtracted from logits)", || {
    let m = Scheme::LDAM_MARGINS.weights::<f64>(&ClassCounts::from_counts(&[1e-3, 1e300]).unwrap()).unwrap();
    let tiny = Scheme::LDAM_MARGINS.weights::<f64>(&ClassCounts::from_counts(&[1e-300, 1e300]).unwrap()).unwrap();
    m.weights()[0] == 0.5 && (m.weights()[1] / (0.5 * 10f64.powf(-75.75)) - 1.0).abs() < 1e-13
        && tiny.weights()[0] == 0.5 && tiny.weights()[1] >= 0.0 && tiny.weights()[1] < 1e-150
})]
#[case::ldam_f32_overflow("(issue 12) ldam_margins(1e300) in f32: NonFinite, not an infinite margin", ||
    matches!(Scheme::LdamMargins { max_m: 1e300 }.weights::<f32>(&ClassCounts::from_counts(&[3, 1]).unwrap()),
        Err(ReweighError::NonFinite { .. })))]
#[case::logit_adjustment_huge_counts("(issue 12) logit_adjustment on [1e308, 1e308]: ln(0.5 + 1e-12) each (the total 2e308 overflows; the prior does not)", ||
    Scheme::LOGIT_ADJUSTMENT.weights::<f64>(&ClassCounts::from_counts(&[1e308, 1e308]).unwrap()).unwrap()
        .weights().iter().all(|&o| o == (0.5_f64 + 1e-12).ln()))]
#[case::logit_adjustment_tau_underflow("(issue 12) logit_adjustment(50) on [1e6, 1]: ln(1e-12) for the tail (π^50 underflows to 0), finite as in TF", || {
    let o = Scheme::LogitAdjustment { tau: 50.0 }.weights::<f64>(&ClassCounts::from_counts(&[1e6, 1.0]).unwrap()).unwrap();
    o.weights()[1] == 1e-12_f64.ln() && o.weights()[0].is_finite()
})]
#[case::logit_adjustment_f32_single_class("(issue 12) logit_adjustment in f32 on one class: 0 (1 + 1e-12 rounds to 1 in float32, as tf.cast(..., tf.float32))", ||
    Scheme::LOGIT_ADJUSTMENT.weights::<f32>(&ClassCounts::from_counts(&[7]).unwrap()).unwrap().weights().to_vec() == [0.0_f32])]
#[case::margins_are_not_sample_weights("(issue 12) compute_sample_weight with ldam_margins or logit_adjustment: Incompatible, not margins used as weights", || {
    let y = array![0_i64, 1, 1];
    [Scheme::LDAM_MARGINS, Scheme::LOGIT_ADJUSTMENT].iter().all(|s|
        matches!(compute_sample_weight::<f64, _>(std::slice::from_ref(s), y.view().into_dyn(), None),
            Err(ReweighError::Incompatible(_))))
})]
fn robustness(#[case] what: &str, #[case] check: fn() -> bool) {
    assert!(no_panic(what, check), "{what}");
}
