//! Everything a notebook or a training script needs, in one `use reweigh::prelude::*;`.

pub use crate::display::{Html, Svg};
pub use crate::losses::*;
pub use crate::{
    Framework, Loss, LossOutput, LossValue, OnZeroWeights, Real, Reducer, Reduction, ReweighError,
};
pub use ndarray::{Array1, Array2, ArrayD, ArrayViewD, Axis, IxDyn, arr0, array};
