//! Faithful ports of the seed threads' own code, quirks included.
//!
//! The recommended losses live in [`reweigh::losses`]; this module keeps, apart from them, what
//! the threads actually posted, so that "the thread's focal loss" and "the correct focal loss"
//! can be compared side by side (the claims ledger, [`crate`], does exactly that). Each
//! port reproduces the original's behaviour on today's framework versions, including where it
//! raises: those paths return [`Raised`] with the exception the original raises.
//!
//! | port | thread | quirk |
//! |---|---|---|
//! | [`broadcast_mul`], [`pgn_true_label_weights`], [`pgn_loss`] | 000, P-Gn | `weights = class_weights` multiplies `(N,)` losses by a `(1, C)` tensor: NumPy/TensorFlow broadcasting raises unless `N = C` or `N = 1` |
//! | [`create_class_weight`] | 001 | `np.sum(dict.values())` is not a number on Python 3: `TypeError` |
//! | [`w_categorical_crossentropy`], [`weighted_categorical_crossentropy_class`] | 001, keras#2115 | Keras 1 argument order; a boolean mask TensorFlow 2 refuses; positional arguments that land in `axis` |
//! | [`counter_class_weight`] | 001 | `max/count` from a `Counter` |
//! | [`BceWithLogitsLossWeighted`] | 002 | multiplies the whole loss of a non-zero label by `label·weight` |
//! | [`binary_focal_loss`] | 002 | `(1 − σ(x))^γ` for every label, negatives included; `reduction=None` is called |

mod bce_weighted;
mod binary_focal;
mod broadcast;
mod counter;
mod create_class_weight;
mod keras_2115;
mod pgn;

pub use bce_weighted::BceWithLogitsLossWeighted;
pub use binary_focal::{FocalReduction, binary_focal_loss};
pub use broadcast::{broadcast_mul, broadcast_shape};
pub use counter::counter_class_weight;
pub use create_class_weight::{Python, create_class_weight};
pub use keras_2115::{
    ArgOrder, InitArgs, final_mask, w_categorical_crossentropy, w_categorical_crossentropy_cast,
    weighted_categorical_crossentropy_class,
};
pub use pgn::{PgnLoss, pgn_loss, pgn_true_label_weights};

use ndarray::Array2;
use std::fmt;

/// `tf.one_hot(labels, depth)` / `keras.utils.to_categorical(labels, num_classes)`: one row per
/// label, 1 in the label's column, 0 elsewhere (the `onehot_labels` of the threads' code).
///
/// ```
/// use ndarray::array;
/// use reweigh_ledger::repro::one_hot;
/// assert_eq!(one_hot(&[2, 0], 3), array![[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]);
/// ```
///
/// # Panics
/// If a label is negative or not below `classes`.
pub fn one_hot(labels: &[i64], classes: usize) -> Array2<f64> {
    let mut y = Array2::zeros((labels.len(), classes));
    for (i, &l) in labels.iter().enumerate() {
        assert!(
            (0..classes as i64).contains(&l),
            "label {l} outside 0..{classes}"
        );
        y[[i, l as usize]] = 1.0;
    }
    y
}

/// An exception the original code raises, with the framework's type name and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raised {
    /// The exception type, e.g. `"TypeError"`, `"InvalidArgumentError"`.
    pub kind: &'static str,
    /// The message (first line).
    pub message: String,
}

impl Raised {
    pub(crate) fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Raised {
            kind,
            message: message.into(),
        }
    }

    /// A reweigh error met while running a port, reported as the framework would report a bad
    /// argument.
    pub(crate) fn from_reweigh(e: reweigh::ReweighError) -> Self {
        Raised::new("ValueError", e.to_string())
    }
}

impl fmt::Display for Raised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for Raised {}
