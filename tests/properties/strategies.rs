//! The strategies every property shares: values (ordinary, extreme, non-finite), shapes and
//! memory layouts. One vocabulary for the whole suite, so that each area's properties draw the
//! same kinds of inputs.
#![allow(dead_code)]

use ndarray::{ArrayD, Axis, IxDyn, Slice};
use proptest::prelude::*;

/// The extreme finite values the suite mixes in: near-overflow of `exp` in f32 (±88) and f64
/// (±709), large (±1e4, ±1e30), subnormal and signed zeros.
pub const EXTREMES: [f64; 14] = [
    88.0, -88.0, 1e4, -1e4, 1e30, -1e30, 709.0, -709.0, 1e-310, -1e-310, 0.0, -0.0, 1.0, -1.0,
];

/// A finite value: mostly ordinary (−10..10), sometimes one of [`EXTREMES`].
pub fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => -10.0..10.0f64,
        1 => proptest::sample::select(EXTREMES.to_vec()),
    ]
}

/// Any value: [`finite`], and now and then NaN or ±∞.
pub fn any_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        12 => finite(),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
    ]
}

/// A weight: mostly in [0, 3], with zeros, large and tiny ones.
pub fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => 0.0..3.0f64,
        1 => Just(0.0),
        1 => proptest::sample::select(vec![1e-300, 1e-30, 1e30, 1.0]),
    ]
}

/// A probability in [0, 1], with the ends and values next to them.
pub fn probability() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => 0.0..=1.0f64,
        1 => proptest::sample::select(vec![0.0, 1.0, 1e-12, 1.0 - 1e-12, 1e-300]),
    ]
}

/// A memory layout for the same logical array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// C order.
    Standard,
    /// Negative stride along the axis (`invert_axis`).
    Reversed(usize),
    /// Every other element of a twice-as-long buffer along the axis (`slice_move(s![..;2])`).
    Strided(usize),
    /// Fortran order (the transpose of a C-order array of the reversed shape).
    Transposed,
}

/// A layout for an array of `ndim` dimensions (`Standard` only for 0-D).
pub fn layout(ndim: usize) -> BoxedStrategy<Layout> {
    if ndim == 0 {
        return Just(Layout::Standard).boxed();
    }
    prop_oneof![
        2 => Just(Layout::Standard),
        1 => (0..ndim).prop_map(Layout::Reversed),
        1 => (0..ndim).prop_map(Layout::Strided),
        1 => Just(Layout::Transposed),
    ]
    .boxed()
}

/// The same logical array as `a`, owned, stored in `layout`. `arrange(a, l) == a` element for
/// element; only the strides differ.
pub fn arrange<A: Clone + Default>(a: &ArrayD<A>, layout: Layout) -> ArrayD<A> {
    match layout {
        Layout::Standard => a.as_standard_layout().into_owned(),
        Layout::Reversed(axis) => {
            let mut flipped = a.clone();
            flipped.invert_axis(Axis(axis));
            let mut out = flipped.as_standard_layout().into_owned();
            out.invert_axis(Axis(axis));
            out
        }
        Layout::Strided(axis) => {
            let mut shape = a.shape().to_vec();
            shape[axis] *= 2;
            let mut wide = ArrayD::<A>::default(IxDyn(&shape));
            wide.slice_axis_mut(Axis(axis), Slice::new(0, None, 2))
                .assign(a);
            wide.slice_axis_move(Axis(axis), Slice::new(0, None, 2))
        }
        Layout::Transposed => a
            .clone()
            .reversed_axes()
            .as_standard_layout()
            .into_owned()
            .reversed_axes(),
    }
}

/// An array of `shape` drawn from `values`.
pub fn array(
    shape: Vec<usize>,
    values: impl Strategy<Value = f64>,
) -> impl Strategy<Value = ArrayD<f64>> {
    let n = shape.iter().product::<usize>();
    proptest::collection::vec(values, n)
        .prop_map(move |v| ArrayD::from_shape_vec(IxDyn(&shape), v).expect("n elements"))
}

/// A (rows, classes) shape: rows in 0..=max_rows (0 and 1 included), classes in 1..=max_classes.
pub fn rows_classes(max_rows: usize, max_classes: usize) -> impl Strategy<Value = (usize, usize)> {
    (0..=max_rows, 1..=max_classes)
}

/// The suite's own check: [`arrange`] keeps every element and changes only the strides.
pub fn properties() -> Vec<crate::Property> {
    vec![crate::Property {
        name: "strategies: arrange keeps the logical array in every layout",
        cases: 500,
        run: |runner| {
            let input = (proptest::collection::vec(0usize..4, 1..4), 0usize..1000).prop_flat_map(
                |(shape, _)| {
                    let nd = shape.len();
                    (array(shape, any_value()), layout(nd))
                },
            );
            crate::failure(runner.run(&input, |(a, l)| {
                let b = arrange(&a, l);
                prop_assert_eq!(a.shape(), b.shape());
                for (x, y) in a.iter().zip(b.iter()) {
                    prop_assert!(x.to_bits() == y.to_bits());
                }
                let trivial = l == Layout::Standard || (l == Layout::Transposed && a.ndim() == 1);
                if !trivial && a.shape().iter().all(|&d| d > 1) {
                    prop_assert!(!b.is_standard_layout());
                }
                Ok(())
            }))
        },
    }]
}
