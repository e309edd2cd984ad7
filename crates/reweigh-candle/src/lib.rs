//! reweigh's losses inside candle training graphs.
//!
//! [`CandleLoss`] wraps any reweigh loss (every preset and option of the core: `pytorch()`,
//! `keras()`, `tf1()`, class weights, `pos_weight`, `ignore_index`, label smoothing in both
//! forms, every reduction, focal, logit-adjusted / Balanced Softmax, ASL, LDAM, ...) as a candle
//! `CustomOp2`: the forward computes with reweigh on the tensors' CPU storage in place, and the
//! backward returns reweigh's closed-form gradient, so `loss.backward()` in a candle graph uses
//! reweigh's numbers. The core `reweigh` does not depend on candle; this crate does.
//!
//! ```
//! use candle_core::{Device, Tensor, Var};
//! use reweigh::losses::SigmoidCrossEntropy;
//! use reweigh_candle::CandleLoss;
//!
//! // torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([3.0, 1.0])): finite at ±100,
//! // where candle-nn's binary_cross_entropy_with_logit is not
//! let loss = CandleLoss::new(SigmoidCrossEntropy::<f32>::pytorch().pos_weight(ndarray::array![3.0, 1.0].into_dyn()));
//! let logits = Var::from_slice(&[100.0_f32, -100.0, 0.5, -0.5], (2, 2), &Device::Cpu)?;
//! let labels = Tensor::new(&[[0.0_f32, 1.0], [1.0, 0.0]], &Device::Cpu)?;
//! let value = loss.forward(logits.as_tensor(), &labels)?;
//! assert!(value.to_scalar::<f32>()?.is_finite());
//! let grad = value.backward()?.get(logits.as_tensor()).unwrap().flatten_all()?.to_vec1::<f32>()?;
//! assert!(grad.iter().all(|g| g.is_finite()));
//! # Ok::<(), candle_core::Error>(())
//! ```

#![warn(missing_docs)]

mod convert;
mod loss;
mod op;

pub use convert::TargetElement;
pub use loss::CandleLoss;
pub use op::{Float, TargetLoss};
pub use reweigh;
