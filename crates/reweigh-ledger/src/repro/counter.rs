//! `max/count` class weights from a `Counter` (seed 001, last answer).

use std::collections::BTreeMap;

/// The answer's snippet, for integer labels (`trainGen.classes`):
///
/// ```text
/// itemCt = Counter(trainGen.classes)
/// maxCt = float(max(itemCt.values()))
/// cw = {clsID : maxCt/numImg for clsID, numImg in itemCt.items()}
/// ```
///
/// The largest class weighs 1, the others `max/count > 1`; a class absent from the labels gets
/// no key (Keras 3 then weighs it 1). It is [`reweigh::schemes::max_over_count_weights`] on the
/// classes present.
///
/// ```
/// use reweigh_ledger::repro::counter_class_weight;
/// let cw = counter_class_weight(&[0, 0, 0, 0, 1, 2, 2]);
/// assert_eq!(cw[&0], 1.0);
/// assert_eq!(cw[&1], 4.0);
/// assert_eq!(cw[&2], 2.0);
/// ```
pub fn counter_class_weight(labels: &[i64]) -> BTreeMap<i64, f64> {
    let mut counts = BTreeMap::<i64, u64>::new();
    for &l in labels {
        *counts.entry(l).or_default() += 1;
    }
    let max = counts.values().copied().max().unwrap_or(0) as f64;
    counts
        .into_iter()
        .map(|(k, n)| (k, max / n as f64))
        .collect()
}
