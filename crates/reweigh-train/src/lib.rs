//! A small trainer with Keras 3's semantics: Dense layers with a softmax output, Keras
//! initialisers, [`Adam`] with Keras's update, mini-batches, freezing, and `fit` with
//! `class_weight`, `sample_weight` and validation data, logging loss and accuracy (unweighted
//! and weighted) per epoch exactly as Keras aggregates them over batches.
//!
//! It exists to settle what class and sample weights do inside `model.fit`: with the same data
//! and initial weights it reproduces Keras 3's `History` (see
//! `crates/reweigh-ledger/tests/keras_experiment.rs` and `data/keras_experiment/`). The loss is the library's
//! [`SparseSoftmaxCrossEntropy`](reweigh::losses::SparseSoftmaxCrossEntropy) of the output
//! layer's logits, or any other [`BatchLoss`] (e.g. the categorical focal loss).
//!
//! Keras's rules, as reweigh applies them:
//!
//! ```text
//! training batch loss     Σ_i w_i·l_i / n_b          w = sample_weight, or class_weight[y_i], or 1
//! epoch loss              Σ_b n_b·loss_b / Σ_b n_b   (batch-size-weighted mean, not Σw-weighted)
//! accuracy (metrics=)     Σ_i acc_i / N              weights ignored
//! weighted_accuracy       Σ_i w_i·acc_i / Σ_i w_i    (0 when Σw = 0)
//! val_*                   the same with the validation sample weights; class_weight never applies
//! ```
//!
//! and its traps, made explicit: class and sample weights together are an error; labels without
//! a class weight, class-weight keys that are not classes, negative class weights and
//! non-one-hot dense targets are errors unless [`ClassWeight::keras`] asks for Keras's silent
//! behaviour.
//!
//! ```
//! use ndarray::array;
//! use rand::SeedableRng;
//! use reweigh_train::{Activation, Dense, FitOptions, Sequential, Shuffle, Trainer, Validation};
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
//! let model = Sequential::new(vec![Dense::<f32>::keras(2, 2, Activation::Softmax, &mut rng).unwrap()]).unwrap();
//! let mut trainer = Trainer::new(model);
//! let x = array![[0.0_f32, 1.0], [1.0, 0.0], [0.9, 0.1], [0.2, 0.8]];
//! let y = array![1_i64, 0, 0, 1];
//! let zero_weights = array![0.0_f32, 0.0, 0.0, 0.0];
//! let opts = FitOptions::new().epochs(3).batch_size(2).shuffle(Shuffle::Off)
//!     .validation(Validation::new(x.view(), y.view()).sample_weight(zero_weights.view()));
//! let h = trainer.fit(x.view(), y.view(), &opts).unwrap();
//! assert_eq!(h.epochs(), 3);
//! assert_eq!(h.get("val_loss").unwrap(), vec![0.0; 3]); // Keras 3: zero validation weights give val_loss 0
//! assert_eq!(trainer.adam().iterations(), 6);
//! ```

#![warn(missing_docs)]

mod adam;
mod batch_loss;
mod batching;
mod class_weight;
mod dense;
mod display;
mod fit;
mod history;
mod init;
mod model;
mod schedule;

pub use adam::Adam;
pub use batch_loss::{BatchLoss, OneHot};
pub use batching::{Batches, Shuffle};
pub use class_weight::{ClassWeight, DenseTargets, MissingClass};
pub use dense::{Activation, Dense};
pub use fit::{FitOptions, Trainer, Validation};
pub use history::{History, Logs, Mean};
pub use init::Initializer;
pub use model::Sequential;
pub use schedule::LossSchedule;
