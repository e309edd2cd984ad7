//! Class-weighting schemes: from labels to class counts, from counts to class weights (every
//! scheme the seed threads mention and the ones practitioners use since), from class weights to
//! per-sample weights, and out to Keras, PyTorch, JSON and polars.
//!
//! ```text
//! labels / counts map / one-hot / polars ──► ClassCounts ──Scheme──► ClassWeights ──► sample weights
//!                                                                       └──► Keras dict, torch tensor, JSON
//! ```
//!
//! Every scheme is a documented free function on a counts vector (`balanced_weights`,
//! `log_smoothed_weights`, ...) and a [`Scheme`] variant with a `FromStr` name; the ones
//! scikit-learn ships equal it exactly (golden cases in `data/reference/schemes.json`). The
//! long-tail losses' per-class vectors are schemes too, with their [`SchemeKind`]: the DRW
//! schedule's class weights (`drw`), LDAM's margins (`ldam_margins`) and the logit-adjustment
//! offsets (`logit_adjustment`).
//!
//! # Example: the seed-000 counts
//! ```
//! use reweigh::schemes::{ClassCounts, Scheme, WeightsTable};
//! let counts = ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap();
//! let w = Scheme::InverseFrequencySumC.weights::<f64>(&counts).unwrap();
//! assert!((w.weights().sum() - 4.0).abs() < 1e-12);
//! println!("{}", WeightsTable::all_schemes(&counts).unwrap());
//! ```

mod balanced;
mod check;
mod counts;
mod custom;
mod effective_number;
mod export;
mod frequency;
mod inverse_variance;
mod kind;
mod log_smoothed;
mod normalize;
#[cfg(feature = "polars")]
mod polars_io;
#[cfg(feature = "polars-lazy")]
mod polars_scan;
mod pos_weight;
mod recency;
mod sample_weight;
mod scheme;
mod table;
mod tally;
mod weights;

pub use balanced::{balanced_weights, balanced_weights_sklearn, max_over_count_weights};
pub use counts::{ClassCounts, MultiLabelCounts};
pub use custom::{custom_weights, custom_weights_sklearn};
pub use effective_number::effective_number_weights;
pub use frequency::{
    frequency_weights, inverse_frequency_weights, inverse_sqrt_weights, uniform_weights,
};
pub use inverse_variance::inverse_variance_weights;
pub use kind::SchemeKind;
pub use log_smoothed::log_smoothed_weights;
pub use normalize::{Normalization, normalize};
#[cfg(feature = "polars")]
pub use polars_io::{FileFormat, read_dataframe, schemes_dataframe};
#[cfg(feature = "polars-lazy")]
pub use polars_scan::scan_file;
pub use pos_weight::pos_weight;
pub use recency::recency_weights;
pub use sample_weight::{
    compute_sample_weight, gather_sample_weights, per_timestep_weights, rescale_to_mean_one,
};
pub use scheme::Scheme;
pub use table::WeightsTable;
pub use weights::ClassWeights;

/// Label conversion shared with `resample` and `metrics`.
pub(crate) mod counts_internal {
    pub(crate) use super::counts::{class_index, labels_to_i64};
}
