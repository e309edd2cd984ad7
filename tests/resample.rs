//! Seeded random over- and under-sampling: index vectors, imbalanced-learn's strategy semantics,
//! errors.

use reweigh::ReweighError;
use reweigh::resample::*;
use reweigh::schemes::ClassCounts;
use rstest::rstest;
use std::collections::BTreeMap;

fn labels() -> Vec<i64> {
    // seed 000 counts, interleaved
    let mut y = vec![];
    for (c, n) in [(0, 198), (1, 436), (2, 710), (3, 272)] {
        y.extend(std::iter::repeat_n(c, n));
    }
    y.rotate_left(300);
    y
}

fn per_class(y: &[i64], idx: &[usize]) -> Vec<usize> {
    let mut out = vec![0; 4];
    for &i in idx {
        out[y[i] as usize] += 1;
    }
    out
}

#[rstest]
#[case::auto("auto", vec![710, 710, 710, 710])]
#[case::minority("minority", vec![710, 436, 710, 272])]
#[case::not_minority("not minority", vec![198, 710, 710, 710])]
#[case::not_majority("not_majority", vec![710, 710, 710, 710])]
#[case::all("all", vec![710, 710, 710, 710])]
fn over_sampling_counts(#[case] strategy: &str, #[case] expected: Vec<usize>) {
    let y = labels();
    let idx = RandomOverSampler::new(strategy.parse().unwrap())
        .seed(3)
        .fit_resample(&y)
        .unwrap();
    assert_eq!(per_class(&y, &idx), expected);
    // the originals first, in order; every index valid
    assert_eq!(&idx[..y.len()], (0..y.len()).collect::<Vec<_>>().as_slice());
    assert!(idx.iter().all(|&i| i < y.len()));
}

#[rstest]
#[case::auto("auto", vec![198, 198, 198, 198])]
#[case::majority("majority", vec![198, 436, 198, 272])]
#[case::not_minority("not minority", vec![198, 198, 198, 198])]
#[case::not_majority("not majority", vec![198, 198, 710, 198])]
#[case::all("all", vec![198, 198, 198, 198])]
fn under_sampling_counts(#[case] strategy: &str, #[case] expected: Vec<usize>) {
    let y = labels();
    let idx = RandomUnderSampler::new(strategy.parse().unwrap())
        .seed(3)
        .fit_resample(&y)
        .unwrap();
    assert_eq!(per_class(&y, &idx), expected);
    // without replacement: no index twice
    let mut s = idx.clone();
    s.sort_unstable();
    s.dedup();
    assert_eq!(s.len(), idx.len());
}

#[test]
fn seeds_reproduce_and_differ() {
    let y = labels();
    let s = || RandomUnderSampler::new(SamplingStrategy::Auto);
    assert_eq!(
        s().seed(1).fit_resample(&y).unwrap(),
        s().seed(1).fit_resample(&y).unwrap()
    );
    assert_ne!(
        s().seed(1).fit_resample(&y).unwrap(),
        s().seed(2).fit_resample(&y).unwrap()
    );
    let r = s().replacement(true).seed(1).fit_resample(&y).unwrap();
    assert_eq!(per_class(&y, &r), vec![198; 4]);
}

#[test]
fn targets_and_ratios() {
    let c = ClassCounts::from_counts(&[170, 100]).unwrap();
    let t = sampling_targets(&c, &SamplingStrategy::Ratio(0.8), SamplingKind::Over).unwrap();
    assert_eq!(t, BTreeMap::from([(1, 36)])); // int(170*0.8 - 100)
    let t = sampling_targets(&c, &SamplingStrategy::Ratio(0.8), SamplingKind::Under).unwrap();
    assert_eq!(t, BTreeMap::from([(0, 125)])); // int(100/0.8)
    // ties: the smallest label is the majority / minority
    let tie = ClassCounts::from_counts(&[5, 9, 9, 5]).unwrap();
    let t = sampling_targets(&tie, &SamplingStrategy::NotMajority, SamplingKind::Over).unwrap();
    assert_eq!(t, BTreeMap::from([(0, 4), (2, 0), (3, 4)]));
}

#[rstest]
#[case::majority_over(SamplingStrategy::Majority, SamplingKind::Over)]
#[case::minority_under(SamplingStrategy::Minority, SamplingKind::Under)]
#[case::ratio_multiclass(SamplingStrategy::Ratio(0.5), SamplingKind::Over)]
#[case::ratio_zero(SamplingStrategy::Ratio(0.0), SamplingKind::Under)]
#[case::ratio_above_one(SamplingStrategy::Ratio(1.5), SamplingKind::Over)]
#[case::shrink_when_over(SamplingStrategy::Counts(BTreeMap::from([(0, 1)])), SamplingKind::Over)]
#[case::grow_when_under(SamplingStrategy::Counts(BTreeMap::from([(0, 999)])), SamplingKind::Under)]
#[case::unknown_class(SamplingStrategy::Counts(BTreeMap::from([(9, 1)])), SamplingKind::Under)]
fn bad_strategies_are_errors(#[case] s: SamplingStrategy, #[case] kind: SamplingKind) {
    let c = ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap();
    assert!(sampling_targets(&c, &s, kind).is_err());
}

#[test]
fn unknown_names_and_empty_labels() {
    assert!(matches!(
        "balanced".parse::<SamplingStrategy>(),
        Err(ReweighError::UnknownName { .. })
    ));
    let empty: [i64; 0] = [];
    assert!(
        RandomOverSampler::new(SamplingStrategy::Auto)
            .fit_resample(&empty)
            .is_err()
    );
    let frac = ClassCounts::from_counts(&[1.5, 2.0]).unwrap();
    assert!(sampling_targets(&frac, &SamplingStrategy::Auto, SamplingKind::Over).is_err());
}
