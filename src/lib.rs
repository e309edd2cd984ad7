//! # reweigh
//!
//! Class-weighting schemes and weighted classification losses with the exact semantics of
//! TensorFlow/Keras, PyTorch and scikit-learn, on `ndarray`: values and closed-form gradients,
//! every framework's reduction by name, typed errors for bad input.
//!
//! ```
//! use ndarray::array;
//! use reweigh::{Loss, Framework, losses::SigmoidCrossEntropy};
//! let logits = array![[1.0_f32, -2.0, 0.5]];
//! let labels = array![[1.0_f32, 0.0, 1.0]];
//! let keras = SigmoidCrossEntropy::keras();
//! let v = keras.forward(&logits, &labels).unwrap();
//! assert!(v.scalar().unwrap() > 0.0);
//! ```
#![warn(missing_docs)]

pub mod alloc;
pub mod check;
pub mod config;
pub mod display;
pub mod error;
pub mod format;
mod kernels;
pub mod loss;
pub mod losses;
pub mod math;
pub mod metrics;
pub mod output;
pub mod prelude;
pub mod real;
pub mod reduction;
pub mod resample;
pub mod sampling;
pub mod schemes;

pub use error::{Result, ReweighError};
pub use loss::Loss;
/// The `ndarray` version reweigh is built on, re-exported for notebooks and downstream code.
pub use ndarray;
pub use output::{LossOutput, LossValue};
pub use real::Real;
pub use reduction::{Framework, OnZeroWeights, Reducer, Reduction, Unreduced};
