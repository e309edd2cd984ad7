//! Fallible allocation: sizes are checked before any buffer is made, so that a shape or count
//! taken from user input gives [`ReweighError::TooLarge`] instead of an arithmetic overflow, a
//! "capacity overflow" panic or an abort of the process when the allocator refuses.
//!
//! Two checks, in order: the element count (the product of the shape, or a sum of counts) must
//! not overflow `usize`, and the buffer must fit in `isize::MAX` bytes (Rust's and ndarray's
//! limit); then the buffer is reserved with [`Vec::try_reserve_exact`], so a size that passes
//! both but that the allocator cannot provide is an error too.
//!
//! ```
//! use reweigh::{alloc, ReweighError};
//! let a = alloc::filled("kernel", &[2, 3], 0.0_f32).unwrap();
//! assert_eq!(a.shape(), &[2, 3]);
//! assert!(matches!(
//!     alloc::filled("kernel", &[usize::MAX, 2], 0.0_f32),
//!     Err(ReweighError::TooLarge { .. })
//! ));
//! ```

use ndarray::{ArrayD, IxDyn};

use crate::error::{Result, ReweighError};

/// The number of elements of `shape`, checked: the product must not overflow and the buffer of
/// `T`s must fit in `isize::MAX` bytes.
pub fn checked_len<T>(what: &'static str, shape: &[usize]) -> Result<usize> {
    let n = shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .ok_or_else(|| ReweighError::TooLarge {
            what,
            reason: format!("the element count of shape {shape:?} overflows usize"),
        })?;
    check_bytes::<T>(what, n)?;
    Ok(n)
}

/// Checks that `n` elements of `T` fit in `isize::MAX` bytes.
pub fn check_bytes<T>(what: &'static str, n: usize) -> Result<()> {
    let size = std::mem::size_of::<T>().max(1);
    match n.checked_mul(size) {
        Some(bytes) if bytes <= isize::MAX as usize => Ok(()),
        _ => Err(ReweighError::TooLarge {
            what,
            reason: format!("{n} elements of {size} bytes exceed isize::MAX bytes"),
        }),
    }
}

/// An empty vector with room for `n` elements, reserved fallibly.
pub fn with_capacity<T>(what: &'static str, n: usize) -> Result<Vec<T>> {
    check_bytes::<T>(what, n)?;
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|e| ReweighError::TooLarge {
        what,
        reason: format!("cannot allocate {n} elements: {e}"),
    })?;
    Ok(v)
}

/// An array of `shape` with every element `value`, allocated fallibly.
pub fn filled<A: Clone>(what: &'static str, shape: &[usize], value: A) -> Result<ArrayD<A>> {
    let n = checked_len::<A>(what, shape)?;
    let mut v = with_capacity(what, n)?;
    v.resize(n, value);
    Ok(ArrayD::from_shape_vec(IxDyn(shape), v).expect("n = product of the shape"))
}

/// An array of `shape` whose elements `f()` returns in C order, allocated fallibly.
pub fn from_fn<A>(
    what: &'static str,
    shape: &[usize],
    mut f: impl FnMut() -> A,
) -> Result<ArrayD<A>> {
    let n = checked_len::<A>(what, shape)?;
    let mut v = with_capacity(what, n)?;
    v.extend(std::iter::repeat_with(&mut f).take(n));
    Ok(ArrayD::from_shape_vec(IxDyn(shape), v).expect("n = product of the shape"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflowing_and_oversized_shapes_are_errors() {
        assert!(checked_len::<f32>("x", &[usize::MAX, 2]).is_err());
        assert!(checked_len::<f32>("x", &[1 << 62]).is_err());
        assert_eq!(checked_len::<f32>("x", &[0, usize::MAX]).unwrap(), 0);
        assert_eq!(checked_len::<f32>("x", &[]).unwrap(), 1);
        // 2^40 f32 (4 TiB): within isize::MAX bytes, refused by the allocator, never an abort
        assert!(matches!(
            filled("x", &[1 << 20, 1 << 20], 0.0_f32),
            Err(ReweighError::TooLarge { .. })
        ));
        let mut k = 0;
        let a = from_fn("x", &[2, 2], || {
            k += 1;
            k
        })
        .unwrap();
        assert_eq!(a.iter().copied().collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    }
}
