//! Everything a notebook or a training script needs, in one `use reweigh::prelude::*;`.

pub use crate::display::{Html, Svg};
pub use crate::loss::dyn_view;
pub use crate::losses::*;
pub use crate::{
    Framework, Loss, LossOutput, LossValue, OnZeroWeights, Real, Reducer, Reduction, ReweighError,
};
// the array types and macros the examples use; a loss takes any of them (`&Array2<f32>`,
// `ArrayView2`, `&ArrayD`, `ArrayViewD`, `&[i64]`) through ndarray's `AsArray`
pub use ndarray::{
    Array, Array1, Array2, ArrayD, ArrayView1, ArrayView2, ArrayViewD, AsArray, Axis, IxDyn, arr0,
    array, s,
};
