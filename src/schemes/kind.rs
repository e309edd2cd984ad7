//! [`SchemeKind`]: what the per-class vector of a [`Scheme`](super::Scheme) is.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a scheme's per-class vector means, and so where it goes.
///
/// | kind | used as | framework argument | schemes |
/// |---|---|---|---|
/// | [`ClassWeights`](Self::ClassWeights) | a factor on each class's loss terms | Keras `fit(class_weight=...)`, torch `CrossEntropyLoss(weight=...)`, `sample_weight` after [`gather_sample_weights`](super::gather_sample_weights) | every scheme but the two below, `drw` included |
/// | [`Margins`](Self::Margins) | subtracted from the label's logit (`x_{i,y_i} − m_{y_i}`) | `LDAMLoss`'s `m_list` ([`LdamLoss::new`](crate::losses::LdamLoss::new)) | `ldam_margins` |
/// | [`LogitOffsets`](Self::LogitOffsets) | added to every row of logits in training, subtracted post hoc | `logits + tf.math.log(base_probs**tau + 1e-12)` ([`LogitAdjustedCrossEntropy::new`](crate::losses::LogitAdjustedCrossEntropy::new), [`posthoc_logit_adjustment`](crate::losses::posthoc_logit_adjustment)) | `logit_adjustment` |
///
/// Only class weights are weights: [`gather_sample_weights`](super::gather_sample_weights) and
/// [`compute_sample_weight`](super::compute_sample_weight) refuse the other kinds, and a Keras
/// `class_weight` dict makes sense only for them (the exports write any kind's vector; the JSON
/// export records the kind).
///
/// ```
/// use reweigh::schemes::{Scheme, SchemeKind};
/// assert_eq!(Scheme::Balanced.kind(), SchemeKind::ClassWeights);
/// assert_eq!("ldam_margins".parse::<Scheme>().unwrap().kind(), SchemeKind::Margins);
/// assert_eq!(SchemeKind::LogitOffsets.to_string(), "logit offsets");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemeKind {
    /// Class weights: one factor per class on its loss terms.
    #[default]
    ClassWeights,
    /// Per-class margins subtracted from the label's logit (LDAM).
    Margins,
    /// Per-class offsets added to the logits (logit adjustment).
    LogitOffsets,
}

impl SchemeKind {
    /// What one entry of the vector is called: `"weight"`, `"margin"`, `"logit offset"` (the
    /// column header of a single scheme's table, the tag of a [`WeightsTable`](super::WeightsTable)
    /// column).
    pub fn entry(self) -> &'static str {
        match self {
            SchemeKind::ClassWeights => "weight",
            SchemeKind::Margins => "margin",
            SchemeKind::LogitOffsets => "logit offset",
        }
    }

    /// Whether this is [`SchemeKind::ClassWeights`].
    pub fn is_class_weights(&self) -> bool {
        *self == SchemeKind::ClassWeights
    }
}

impl fmt::Display for SchemeKind {
    /// `"class weights"`, `"margins"`, `"logit offsets"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SchemeKind::ClassWeights => "class weights",
            SchemeKind::Margins => "margins",
            SchemeKind::LogitOffsets => "logit offsets",
        })
    }
}
