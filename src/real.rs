//! The floating-point element type: `f32` or `f64`.

use ndarray::{LinalgScalar, ScalarOperand};
use num_traits::{Float, FromPrimitive};
use std::fmt::{Debug, Display};
use std::iter::Sum;

/// A float type reweigh computes in (`f32` or `f64`).
pub trait Real:
    Float
    + FromPrimitive
    + ScalarOperand
    + LinalgScalar
    + Debug
    + Display
    + Default
    + Sum
    + Send
    + Sync
    + 'static
{
    /// The dtype name frameworks use (`"float32"`, `"float64"`).
    const DTYPE: &'static str;
    /// Converts from `f64`, rounding to nearest for `f32`.
    fn of(x: f64) -> Self;
    /// Converts to `f64` exactly.
    fn f64(self) -> f64;
}

impl Real for f32 {
    const DTYPE: &'static str = "float32";
    #[inline]
    fn of(x: f64) -> Self {
        x as f32
    }
    #[inline]
    fn f64(self) -> f64 {
        self as f64
    }
}

impl Real for f64 {
    const DTYPE: &'static str = "float64";
    #[inline]
    fn of(x: f64) -> Self {
        x
    }
    #[inline]
    fn f64(self) -> f64 {
        self
    }
}
