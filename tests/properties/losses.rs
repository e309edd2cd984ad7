//! Properties of the core's losses (see main.rs for the harness and strategies.rs for the inputs).
//!
//! Every public loss of `reweigh::losses` that implements [`Loss`], with random options (class
//! weights, element weights, `pos_weight`, ignored labels, label smoothing in both forms, `γ`,
//! `α`, clipping, every reduction with both zero-denominator rules, each framework preset),
//! random shapes (0 rows, 1 class, a second leading axis), random layouts of every array input,
//! and values from [`finite`] or [`any_value`]. For each case:
//!
//! - nothing panics (a panic is a failure that names the input);
//! - the fused path (`compute`) equals the general path (`reducer().finish(unreduced(..))`,
//!   the comparison of `tests/fused.rs`): the same error, or values and gradients of the same
//!   class (NaN, ±∞, finite) and within a tolerance;
//! - `compute_into` (into a contiguous or a transposed buffer) = `forward_backward`, and
//!   `forward` = the value of `forward_backward`, exactly;
//! - every layout of logits, targets and sample weights gives the standard layout's result
//!   (within 1e-12 relative in f64);
//! - where the exact math is finite (finite inputs and weights, a reduction whose denominator
//!   cannot be zero, the probability losses only with clipping and positive row sums), the value
//!   and the gradient are finite (f64);
//! - on well-conditioned inputs (every value 0 or of magnitude in [1e-3, 1e4], probabilities in
//!   [1e-3, 1 − 1e-3]) f32 agrees with f64 within 1e-3 relative.
//!
//! `SampledSoftmaxLoss` has its own API (no [`Loss`] impl) and its own tests
//! (`tests/sampled_softmax.rs`).

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::Property;
use crate::strategies::{Layout, any_value, arrange, finite, layout, probability, weight};
use ndarray::{Array1, ArrayD, IxDyn};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use reweigh::losses::{
    AsymmetricLoss, BinaryCrossEntropy, BinaryFocalLoss, CategoricalCrossEntropyProbs,
    CategoricalFocalLoss, ClassAverage, ClassBalancedLoss, CostMatrixCrossEntropy, CostWeights,
    DistributionBalancedLoss, LdamLoss, LogitAdjustedCrossEntropy, LogitOffset, NllLoss,
    PerSampleTverskyLoss, PolyCrossEntropy, ProbClip, SegmentationMode, SegmentationTverskyLoss,
    SigmoidCrossEntropy, SingleLabelAsymmetricLoss, SmoothingForm, SoftmaxCrossEntropy,
    SparseCategoricalCrossEntropyProbs, SparseCategoricalFocalLoss, SparsePerSampleTverskyLoss,
    SparsePolyCrossEntropy, SparseSegmentationTverskyLoss, SparseSoftmaxCrossEntropy, TverskyLoss,
};
use reweigh::{Loss, OnZeroWeights, Real, Reducer, Reduction};

/// Which values the input draws from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Values {
    /// [`finite`] logits (or [`probability`] values).
    Finite,
    /// [`any_value`]: NaN and ±∞ now and then.
    Any,
}

/// The options of one case; each loss reads the ones it has.
#[derive(Clone, Debug)]
struct Opts {
    /// 0: `new()`, 1: `pytorch()`, 2: `keras()`, 3: `tf1()` (where the preset exists).
    preset: u8,
    /// `None`: the preset's reducer.
    reducer: Option<Reducer>,
    class_weights: Option<Vec<f64>>,
    /// Per-class element weights / `pos_weight` / cost-matrix rows (sigmoid, BCE, cost matrix).
    per_class: Option<Vec<f64>>,
    per_class_2: Option<Vec<f64>>,
    smoothing: f64,
    pytorch_form: bool,
    /// 0: none, 1: ignore_index, 2: ignore_class (the label `ignored`).
    ignore: u8,
    ignored: i64,
    gamma: f64,
    alpha: Option<f64>,
    /// Clipping epsilon (0 = none).
    clip: f64,
    /// 0, 1, 2: the loss's variant (clip kind, `from_logits`, `mean_last_axis`...).
    variant: u8,
    flag: bool,
}

/// One case: the options, the logits (or probabilities), both kinds of targets (each loss uses
/// one), sample weights, and the layouts of the inputs.
#[derive(Clone, Debug)]
struct Case {
    opts: Opts,
    x: ArrayD<f64>,
    dense: ArrayD<f64>,
    sparse: ArrayD<i64>,
    sw: Option<ArrayD<f64>>,
    layouts: [Layout; 4],
}

fn reducer() -> impl Strategy<Value = Option<Reducer>> {
    let reductions = proptest::sample::select(Reduction::ALL.to_vec());
    let on_zero = prop_oneof![Just(OnZeroWeights::Zero), Just(OnZeroWeights::Nan)];
    prop_oneof![
        1 => Just(None),
        3 => (reductions, on_zero).prop_map(|(reduction, on_zero)| Some(Reducer { reduction, on_zero })),
    ]
}

fn opts(c: usize) -> impl Strategy<Value = Opts> {
    let cw = proptest::option::weighted(0.5, proptest::collection::vec(weight(), c));
    let pc = proptest::option::weighted(0.4, proptest::collection::vec(weight(), c));
    let pc2 = proptest::option::weighted(0.4, proptest::collection::vec(weight(), c));
    let smoothing = proptest::sample::select(vec![0.0, 0.0, 0.1, 0.5, 1.0]);
    let gamma = proptest::sample::select(vec![0.0, 0.5, 1.0, 2.0, 3.7]);
    let alpha = proptest::option::of(proptest::sample::select(vec![0.0, 0.25, 0.5, 1.0]));
    let clip = proptest::sample::select(vec![1e-7, 1e-7, 0.1, 0.0]);
    (
        (0u8..4, reducer(), cw, pc, pc2, smoothing, any::<bool>()),
        (
            0u8..3,
            prop_oneof![Just(-100i64), 0..c as i64],
            gamma,
            alpha,
            clip,
            0u8..3,
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (preset, reducer, class_weights, per_class, per_class_2, smoothing, pytorch_form),
                (ignore, ignored, gamma, alpha, clip, variant, flag),
            )| Opts {
                preset,
                reducer,
                class_weights,
                per_class,
                per_class_2,
                smoothing,
                pytorch_form,
                ignore,
                ignored,
                gamma,
                alpha,
                clip,
                variant,
                flag,
            },
        )
}

/// A shape `[rows, C]` or `[rows, T, C]` (rows may be 0, C may be 1).
fn shape() -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        3 => (0usize..=5, 1usize..=5).prop_map(|(n, c)| vec![n, c]),
        1 => (0usize..=3, 1usize..=3, 1usize..=4).prop_map(|(n, t, c)| vec![n, t, c]),
    ]
}

fn case(values: Values, probs: bool) -> impl Strategy<Value = Case> {
    shape().prop_flat_map(move |shape| {
        let nd = shape.len();
        let c = shape[nd - 1];
        let rows: Vec<usize> = shape[..nd - 1].to_vec();
        let x_values = match (probs, values) {
            (true, Values::Finite) => probability().boxed(),
            (true, Values::Any) => prop_oneof![
                12 => probability(),
                1 => Just(f64::NAN),
                1 => Just(f64::INFINITY),
                1 => proptest::sample::select(vec![-0.5, 1.5, 1e30]),
            ]
            .boxed(),
            (false, Values::Finite) => finite().boxed(),
            (false, Values::Any) => any_value().boxed(),
        };
        let x = crate::strategies::array(shape.clone(), x_values);
        let dense = prop_oneof![
            crate::strategies::array(shape.clone(), probability()),
            crate::strategies::array(shape.clone(), proptest::sample::select(vec![0.0, 1.0])),
        ];
        let label = prop_oneof![
            12 => 0..c as i64,
            1 => Just(-100i64),
        ];
        let sparse = crate::strategies::array(rows.clone(), Just(0.0)).prop_flat_map(move |z| {
            let shape = z.shape().to_vec();
            proptest::collection::vec(label.clone(), z.len())
                .prop_map(move |v| ArrayD::from_shape_vec(IxDyn(&shape), v).expect("n"))
        });
        let w_values = match values {
            Values::Finite => weight().boxed(),
            Values::Any => prop_oneof![
                12 => weight(),
                1 => Just(f64::NAN),
                1 => Just(f64::INFINITY),
            ]
            .boxed(),
        };
        let sw_shape = prop_oneof![
            Just(None),
            Just(Some(rows.clone())),
            Just(Some(vec![])),
            Just(Some(shape.clone())),
            Just(Some({
                let mut s = rows.clone();
                s.push(1);
                s
            })),
        ];
        let sw = sw_shape.prop_flat_map(move |s| match s {
            None => Just(None).boxed(),
            Some(s) => crate::strategies::array(s, w_values.clone())
                .prop_map(Some)
                .boxed(),
        });
        let layouts = (layout(nd), layout(nd), layout(nd - 1), layout(nd));
        (opts(c), x, dense, sparse, sw, layouts).prop_map(
            |(opts, x, dense, sparse, sw, (lx, ld, ls, lw))| Case {
                opts,
                x,
                dense,
                sparse,
                sw,
                layouts: [lx, ld, ls, lw],
            },
        )
    })
}

// ---------------------------------------------------------------------------------------------
// the checks

fn cast<F: Real>(a: &ArrayD<f64>) -> ArrayD<F> {
    a.mapv(F::of)
}

/// A result as f64 arrays: the value (0-d for a scalar) and the gradient, or the error's text.
type Out = Result<(ArrayD<f64>, Option<ArrayD<f64>>), String>;

fn out<F: Real>(r: reweigh::Result<reweigh::LossOutput<F>>) -> Out {
    r.map(|o| {
        (
            o.value.into_array().mapv(|v| v.f64()),
            o.grad.map(|g| g.mapv(|v| v.f64())),
        )
    })
    .map_err(|e| e.to_string())
}

/// Same class (NaN, +∞, −∞, finite) and, when finite, within `rel`·max(|a|, |b|) + `floor`.
fn close(a: f64, b: f64, rel: f64, floor: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    (a - b).abs() <= rel * a.abs().max(b.abs()) + floor
}

fn max_abs(a: &ArrayD<f64>) -> f64 {
    a.iter()
        .map(|v| v.abs())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

fn arrays_close(
    what: &str,
    a: &ArrayD<f64>,
    b: &ArrayD<f64>,
    rel: f64,
    floor_rel: f64,
    floor_abs: f64,
) -> Result<(), TestCaseError> {
    if a.shape() != b.shape() {
        return Err(TestCaseError::fail(format!(
            "{what}: shapes {:?} vs {:?}",
            a.shape(),
            b.shape()
        )));
    }
    let floor = floor_rel * max_abs(a).max(max_abs(b)) + floor_abs;
    for (i, (&x, &y)) in a.iter().zip(b.iter()).enumerate() {
        if !close(x, y, rel, floor) {
            return Err(TestCaseError::fail(format!(
                "{what}: element {i}: {x:e} vs {y:e}\n{a}\nvs\n{b}"
            )));
        }
    }
    Ok(())
}

fn outs_close(what: &str, a: &Out, b: &Out, rel: f64, floor_rel: f64) -> Result<(), TestCaseError> {
    outs_close_floor(what, a, b, rel, floor_rel, 1e-300)
}

/// [`outs_close`] with an absolute floor for the values too.
fn outs_close_floor(
    what: &str,
    a: &Out,
    b: &Out,
    rel: f64,
    floor_rel: f64,
    value_floor: f64,
) -> Result<(), TestCaseError> {
    match (a, b) {
        (Err(x), Err(y)) if x == y => Ok(()),
        (Ok((va, ga)), Ok((vb, gb))) => {
            let floor = value_floor * max_abs(va).max(max_abs(vb)).max(1.0);
            if va.shape() != vb.shape()
                || va
                    .iter()
                    .zip(vb.iter())
                    .any(|(&x, &y)| !close(x, y, rel, floor))
            {
                return Err(TestCaseError::fail(format!("{what} value: {va}\nvs\n{vb}")));
            }
            match (ga, gb) {
                (Some(ga), Some(gb)) => {
                    arrays_close(&format!("{what} grad"), ga, gb, rel, floor_rel, value_floor)
                }
                (None, None) => Ok(()),
                _ => Err(TestCaseError::fail(format!(
                    "{what}: gradient presence differs"
                ))),
            }
        }
        _ => Err(TestCaseError::fail(format!("{what}: {a:?}\nvs\n{b:?}"))),
    }
}

/// Whether a reduction's denominator can be zero with a non-zero numerator (0/0 = NaN is the
/// exact answer then, not a non-finite result on finite math).
fn may_divide_by_zero(r: Reducer) -> bool {
    r.on_zero == OnZeroWeights::Nan && !matches!(r.reduction, Reduction::None | Reduction::Sum)
}

/// Runs every check of one loss on one case. `finite_math`: the exact result is finite (the
/// case's inputs permitting; checked here too: finite values, weights and reduction).
#[allow(clippy::too_many_arguments)]
fn check<F: Real, T: Clone + Default + std::fmt::Debug, L>(
    loss: &L,
    x: &ArrayD<F>,
    t: &ArrayD<T>,
    sw: Option<&ArrayD<F>>,
    layouts: [Layout; 3],
    finite_math: bool,
) -> Result<Out, TestCaseError>
where
    L: Loss<F, Label = T>,
{
    let f64_dtype = F::DTYPE == "float64";
    // the gradient's absolute floor: a softmax gradient (A/s)·e − a cancels to the dtype's
    // epsilon times the row's factor
    let (rel, floor, floor_abs) = if f64_dtype {
        (1e-9, 1e-12, 1e-14)
    } else {
        (2e-5, 1e-6, 1e-6)
    };
    let swv = || sw.map(|w| w.view());
    let fused = out(loss.compute(x.view(), t.view(), swv(), true));
    let general = out(loss
        .unreduced(x.view(), t.view(), swv(), true)
        .map(|u| loss.reducer().finish(u)));
    // the gradient of a row cancels (p − 1 where p ≈ 1) to the dtype's epsilon times the row's
    // factor, which the weights scale: the absolute floor of the gradients grows with them
    let grad_floor = floor_abs * WEIGHT_SCALE.with(|s| s.get());
    let values_only = |o: &Out| o.clone().map(|(v, _)| (v, None));
    outs_close_floor(
        "fused vs general",
        &values_only(&fused),
        &values_only(&general),
        rel,
        floor,
        floor_abs,
    )?;
    if let (Ok((_, Some(ga))), Ok((_, Some(gb)))) = (&fused, &general) {
        arrays_close("fused vs general grad", ga, gb, rel, floor, grad_floor)?;
    } else if let (Ok((_, ga)), Ok((_, gb))) = (&fused, &general) {
        prop_assert_eq!(
            ga.is_some(),
            gb.is_some(),
            "fused vs general: gradient presence differs"
        );
    }
    // forward = value of forward_backward, exactly
    let fwd = loss
        .compute(x.view(), t.view(), swv(), false)
        .map(|o| o.value.into_array().mapv(|v| v.f64()))
        .map_err(|e| e.to_string());
    let exact = |what: &str, a: &Out, b: &Out| outs_close(what, a, b, 0.0, 0.0);
    exact(
        "forward vs forward_backward",
        &fwd.map(|v| (v, None)),
        &fused.clone().map(|(v, _)| (v, None)),
    )?;
    // compute_into (contiguous and transposed buffers) = forward_backward
    for transposed in [false, true] {
        let mut g = if transposed {
            arrange(&ArrayD::<F>::zeros(x.shape()), Layout::Transposed)
        } else {
            ArrayD::<F>::zeros(x.shape())
        };
        let v = loss.compute_into(x.view(), t.view(), swv(), g.view_mut());
        let into: Out = v
            .map(|v| (v.into_array().mapv(|v| v.f64()), Some(g.mapv(|v| v.f64()))))
            .map_err(|e| e.to_string());
        exact("compute_into vs forward_backward", &into, &fused)?;
    }
    // layout invariance
    let (xa, ta) = (
        arrange(x, fit(layouts[0], x.ndim())),
        arrange(t, fit(layouts[1], t.ndim())),
    );
    let swa = sw.map(|w| arrange(w, fit(layouts[2], w.ndim())));
    let arranged = out(loss.compute(xa.view(), ta.view(), swa.as_ref().map(|w| w.view()), true));
    let lrel = if f64_dtype { 1e-12 } else { 1e-6 };
    outs_close("layout", &arranged, &fused, lrel, lrel)?;
    // finite where the math is
    let finite_inputs = x.iter().all(|v| v.is_finite())
        && sw.is_none_or(|w| w.iter().all(|v| v.is_finite()))
        && !may_divide_by_zero(loss.reducer())
        && !WEIGHTS_MAY_OVERFLOW.with(|s| s.get());
    if f64_dtype
        && finite_math
        && finite_inputs
        && let Ok((v, g)) = &fused
    {
        prop_assert!(
            v.iter().all(|v| v.is_finite()),
            "non-finite value on finite math: {v}"
        );
        if let Some(g) = g {
            prop_assert!(
                g.iter().all(|v| v.is_finite()),
                "non-finite gradient on finite math: {g}"
            );
        }
    }
    Ok(fused)
}

/// `l` for an array of `ndim` dimensions (the sample weights' rank varies).
fn fit(l: Layout, ndim: usize) -> Layout {
    match l {
        _ if ndim == 0 => Layout::Standard,
        Layout::Reversed(a) => Layout::Reversed(a % ndim),
        Layout::Strided(a) => Layout::Strided(a % ndim),
        l => l,
    }
}

fn well_conditioned(a: &ArrayD<f64>, probs: bool) -> bool {
    a.iter().all(|&v| {
        if probs {
            v == 0.0 || (1e-3..=1.0 - 1e-3).contains(&v)
        } else {
            v == 0.0 || (1e-3..=1e4).contains(&v.abs())
        }
    })
}

/// f32 within 1e-3 relative of f64 (gradients: of the largest gradient element).
fn f32_vs_f64(a: &Out, b: &Out) -> Result<(), TestCaseError> {
    match (a, b) {
        // f32 rounds the clipping bounds and logarithms of tiny losses: an absolute floor
        // on well-conditioned inputs a non-finite f64 value is a zero denominator (x / 0): the
        // value and the gradient elements are ±∞ or NaN by whether their numerators round to 0,
        // which the two dtypes decide differently (the fused-vs-general and layout checks still
        // hold within each dtype)
        (Ok((_, _)), Ok((vb, _))) if vb.iter().any(|v| !v.is_finite()) => Ok(()),
        (Ok(_), Ok(_)) => outs_close_floor("f32 vs f64", a, b, 1e-3, 1e-3, 1e-5),
        (Err(_), Err(_)) => Ok(()),
        _ => Err(TestCaseError::fail(format!("f32 vs f64: {a:?}\nvs\n{b:?}"))),
    }
}

thread_local! {
    /// The case's weight scale (largest sample weight times largest per-class weight, at least
    /// 1), set by [`both_dtypes`] for [`check`]'s gradient floor.
    static WEIGHT_SCALE: std::cell::Cell<f64> = const { std::cell::Cell::new(1.0) };
    /// Whether the case's weights span so many orders (largest over smallest positive above
    /// 1e250) that a weighted mean, `Σ w·l / Σ w`, can exceed the largest float although every
    /// input is finite: the exact result is then not representable, and [`check`] does not
    /// require a finite one.
    static WEIGHTS_MAY_OVERFLOW: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Multiplies [`WEIGHT_SCALE`] by a loss's own factor while it lives (LDAM's `s`).
struct ScaleFloor(f64);

impl ScaleFloor {
    fn by(k: f64) -> Self {
        let old = WEIGHT_SCALE.with(|s| s.replace(s.get() * k));
        ScaleFloor(old)
    }
}

impl Drop for ScaleFloor {
    fn drop(&mut self) {
        WEIGHT_SCALE.with(|s| s.set(self.0));
    }
}

fn weights_may_overflow(c: &Case) -> bool {
    let mut all: Vec<f64> = c.sw.iter().flat_map(|w| w.iter().copied()).collect();
    for w in [
        &c.opts.class_weights,
        &c.opts.per_class,
        &c.opts.per_class_2,
    ]
    .into_iter()
    .flatten()
    {
        all.extend(w.iter().copied());
    }
    let positive = all.iter().filter(|w| w.is_finite() && **w > 0.0);
    let (lo, hi) = positive.fold((f64::INFINITY, 0.0_f64), |(lo, hi), &w| {
        (lo.min(w), hi.max(w))
    });
    hi / lo > 1e250
}

fn weight_scale(c: &Case) -> f64 {
    let finite_max = |v: &mut dyn Iterator<Item = f64>| {
        v.filter(|x| x.is_finite())
            .fold(1.0_f64, |m, x| m.max(x.abs()))
    };
    let sw =
        c.sw.as_ref()
            .map_or(1.0, |w| finite_max(&mut w.iter().copied()));
    let per_class = [
        &c.opts.class_weights,
        &c.opts.per_class,
        &c.opts.per_class_2,
    ]
    .iter()
    .filter_map(|w| w.as_ref())
    .map(|w| finite_max(&mut w.iter().copied()))
    .fold(1.0_f64, f64::max);
    sw * per_class
}

/// Runs `run::<f64>` and, on well-conditioned inputs, `run::<f32>` against it, catching panics.
fn both_dtypes(
    c: &Case,
    probs: bool,
    run64: impl Fn(&Case) -> Result<Out, TestCaseError>,
    run32: impl Fn(&Case) -> Result<Out, TestCaseError>,
) -> Result<(), TestCaseError> {
    // the panic's message goes into the failure (with the input), not to stderr
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    WEIGHT_SCALE.with(|s| s.set(weight_scale(c)));
    WEIGHTS_MAY_OVERFLOW.with(|s| s.set(weights_may_overflow(c)));
    let caught = catch_unwind(AssertUnwindSafe(|| -> Result<(), TestCaseError> {
        let o64 = run64(c)?;
        let weights_ok = c.sw.as_ref().is_none_or(|w| well_conditioned(w, false))
            && [
                &c.opts.class_weights,
                &c.opts.per_class,
                &c.opts.per_class_2,
            ]
            .iter()
            .all(|w| {
                w.as_ref()
                    .is_none_or(|w| w.iter().all(|&v| v == 0.0 || (1e-3..=1e4).contains(&v)))
            });
        let labels_ok = c
            .dense
            .iter()
            .all(|&z| z == 0.0 || z == 1.0 || (1e-3..=1.0 - 1e-3).contains(&z));
        if well_conditioned(&c.x, probs) && weights_ok && labels_ok {
            let o32 = run32(c)?;
            f32_vs_f64(&o32, &o64)?;
        }
        Ok(())
    }));
    std::panic::set_hook(hook);
    match caught {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(TestCaseError::fail(format!("panic: {msg}")))
        }
    }
}

use ndarray::ArrayViewD;

fn layouts3(c: &Case, sparse: bool) -> [Layout; 3] {
    [
        c.layouts[0],
        if sparse { c.layouts[2] } else { c.layouts[1] },
        c.layouts[3],
    ]
}

/// [`check`] on the case's input, its dense targets and its sample weights, in the case's
/// layouts.
fn check_dense<F: Real, L>(loss: &L, c: &Case, finite_math: bool) -> Result<Out, TestCaseError>
where
    L: Loss<F, Label = F>,
{
    let sw = c.sw.as_ref().map(cast);
    check(
        loss,
        &cast(&c.x),
        &cast::<F>(&c.dense),
        sw.as_ref(),
        layouts3(c, false),
        finite_math,
    )
}

/// [`check`] on the case's input, its integer labels and its sample weights, in the case's
/// layouts.
fn check_sparse<F: Real, L>(loss: &L, c: &Case, finite_math: bool) -> Result<Out, TestCaseError>
where
    L: Loss<F, Label = i64>,
{
    let sw = c.sw.as_ref().map(cast);
    check(
        loss,
        &cast(&c.x),
        &c.sparse,
        sw.as_ref(),
        layouts3(c, true),
        finite_math,
    )
}

fn with_reducer<L>(l: L, o: &Opts, set: impl Fn(L, Reducer) -> L) -> L {
    match o.reducer {
        Some(r) => set(l, r),
        None => l,
    }
}

fn arr1<F: Real>(v: &[f64]) -> Array1<F> {
    v.iter().map(|&x| F::of(x)).collect()
}

fn finite_opts(o: &Opts) -> bool {
    [&o.class_weights, &o.per_class, &o.per_class_2]
        .iter()
        .all(|w| w.as_ref().is_none_or(|w| w.iter().all(|v| v.is_finite())))
}

// ---------------------------------------------------------------------------------------------
// the losses

/// The sparse softmax cross-entropy of the case's options (also the base of the losses that
/// shift or margin the logits before it).
fn sparse_softmax_loss<F: Real>(o: &Opts) -> SparseSoftmaxCrossEntropy<F> {
    let mut l = match o.preset {
        1 => SparseSoftmaxCrossEntropy::<F>::pytorch(),
        2 => SparseSoftmaxCrossEntropy::keras(),
        3 => SparseSoftmaxCrossEntropy::tf1(),
        _ => SparseSoftmaxCrossEntropy::new(),
    };
    if let Some(w) = &o.class_weights {
        l = l.class_weights(arr1(w));
    }
    l = l
        .label_smoothing(F::of(o.smoothing))
        .smoothing_form(if o.pytorch_form {
            SmoothingForm::PyTorch
        } else {
            SmoothingForm::KerasTf
        });
    l = match o.ignore {
        1 => l.ignore_index(o.ignored),
        2 => l.ignore_class(o.ignored),
        _ => l,
    };
    if o.flag && o.variant == 0 {
        l = l.weight_by_predicted(true);
    }
    with_reducer(l, o, |l, r| l.reduction(r))
}

fn sparse_softmax<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let l = sparse_softmax_loss::<F>(&c.opts);
    check_sparse(&l, c, finite_opts(&c.opts))
}

/// The case's per-class values as class counts (ones without).
fn counts(o: &Opts, c: usize) -> Vec<f64> {
    o.per_class.clone().unwrap_or_else(|| vec![1.0; c])
}

fn logit_adjusted<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let k = c.x.shape()[c.x.ndim() - 1];
    let offset = match o.variant {
        0 => LogitOffset::Menon { tau: o.gamma },
        1 => LogitOffset::TauLogPrior { tau: o.gamma },
        _ => LogitOffset::BalancedSoftmax,
    };
    let offsets = match offset.offsets::<F>(&counts(o, k)) {
        Ok(v) => v,
        Err(_) => return Ok(Err("counts".into())),
    };
    // an empty class's −∞ offset is exact math with an infinite loss where it is the label
    let finite = finite_opts(o) && offsets.iter().all(|v| v.is_finite());
    let l = LogitAdjustedCrossEntropy::new(offsets).base(sparse_softmax_loss::<F>(o));
    check_sparse(&l, c, finite)
}

fn ldam<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let k = c.x.shape()[c.x.ndim() - 1];
    let margins = arr1::<F>(&o.per_class_2.clone().unwrap_or_else(|| vec![0.5; k]));
    let s = [1.0, 5.0, 30.0][o.variant as usize];
    let l = LdamLoss::new(margins, F::of(s)).base(sparse_softmax_loss::<F>(o));
    // the gradient is s times the cross-entropy's: its cancellation floor too
    let _scaled = ScaleFloor::by(s);
    check_sparse(&l, c, finite_opts(o))
}

fn poly_loss<F: Real>(o: &Opts) -> PolyCrossEntropy<F> {
    let eps = if o.flag { -o.gamma } else { o.gamma };
    let mut l = PolyCrossEntropy::new()
        .epsilon(F::of(eps))
        .label_smoothing(F::of(o.smoothing));
    if let Some(w) = &o.class_weights {
        l = l.class_weights(arr1(w));
    }
    with_reducer(l, o, |l, r| l.reduction(r))
}

fn poly<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let l = poly_loss::<F>(&c.opts);
    check_dense(&l, c, finite_opts(&c.opts))
}

fn sparse_poly<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let l = SparsePolyCrossEntropy::new(poly_loss::<F>(&c.opts));
    check_sparse(&l, c, finite_opts(&c.opts))
}

/// Smoothing below 1 (the losses that take `[0, 1)`).
fn below_one(s: f64) -> f64 {
    if s >= 1.0 { 0.5 } else { s }
}

fn asymmetric<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let mut l = AsymmetricLoss::<F>::new()
        .gamma_neg(F::of(o.gamma))
        .gamma_pos(F::of(o.alpha.unwrap_or(0.5) * 2.0))
        .margin(F::of(o.clip))
        .detach_focal_weight(o.flag)
        .label_smoothing(F::of(below_one(o.smoothing)))
        .sum_over_classes(o.variant == 1);
    if let Some(w) = &o.class_weights {
        l = l.class_weights(arr1(w));
    }
    if let Some(q) = &o.per_class {
        l = l.pos_weight(arr1::<F>(q).into_dyn());
    }
    let l = with_reducer(l, o, |l, r| l.reduction(r));
    check_dense(&l, c, finite_opts(o))
}

fn single_label_asymmetric<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let l = SingleLabelAsymmetricLoss::<F>::new()
        .gamma_pos(F::of(o.gamma))
        .gamma_neg(F::of(o.alpha.unwrap_or(1.0) * 4.0))
        .label_smoothing(F::of(o.smoothing));
    let l = with_reducer(l, o, |l, r| l.reduction(r));
    check_sparse(&l, c, true)
}

fn distribution_balanced<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let k = c.x.shape()[c.x.ndim() - 1];
    let counts: Vec<f64> = counts(o, k)
        .iter()
        .map(|&w| (w * 100.0).min(1000.0))
        .collect();
    let l = DistributionBalancedLoss::<F>::new(&counts, 1000)
        .expect("counts in [0, 1000]")
        .negative_tolerance(F::of([1.0, 2.0, 5.0][o.variant as usize]), F::of(0.05))
        .focal(F::of(o.gamma), F::of(2.0))
        .label_smoothing(F::of(below_one(o.smoothing)))
        .sum_over_classes(o.flag);
    let l = with_reducer(l, o, |l, r| l.reduction(r));
    check_dense(&l, c, true)
}

fn softmax<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let mut l = match o.preset {
        1 => SoftmaxCrossEntropy::<F>::pytorch(),
        2 => SoftmaxCrossEntropy::keras(),
        3 => SoftmaxCrossEntropy::tf1(),
        _ => SoftmaxCrossEntropy::new(),
    };
    if let Some(w) = &o.class_weights {
        l = l.class_weights(arr1(w));
    }
    let l = with_reducer(l.label_smoothing(F::of(o.smoothing)), o, |l, r| {
        l.reduction(r)
    });
    check_dense(&l, c, finite_opts(o))
}

fn sigmoid<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let mut l = match o.preset {
        1 => SigmoidCrossEntropy::<F>::pytorch(),
        2 => SigmoidCrossEntropy::keras(),
        3 => SigmoidCrossEntropy::tf1(),
        _ => SigmoidCrossEntropy::new(),
    };
    if let Some(q) = &o.per_class {
        l = l.pos_weight(arr1::<F>(q).into_dyn());
    }
    if let Some(v) = &o.per_class_2 {
        l = l.element_weights(arr1::<F>(v).into_dyn());
    }
    if o.variant == 1 {
        l = l.mean_last_axis(o.flag);
    }
    let l = with_reducer(l.label_smoothing(F::of(o.smoothing)), o, |l, r| {
        l.reduction(r)
    });
    check_dense(&l, c, finite_opts(o))
}

fn binary_focal_loss<F: Real>(o: &Opts) -> BinaryFocalLoss<F> {
    let mut l = match o.preset {
        1 => BinaryFocalLoss::<F>::torchvision(),
        2 => BinaryFocalLoss::keras(),
        _ => BinaryFocalLoss::new(),
    };
    l = l.gamma(F::of(o.gamma));
    l = match (o.variant, o.alpha) {
        (0, Some(a)) => l.alpha(F::of(a)),
        (1, Some(a)) => l.torchvision_alpha(F::of(a)),
        (2, _) => l.no_alpha(),
        _ => l,
    };
    if o.flag {
        l = l.mean_last_axis(true);
    }
    with_reducer(l.label_smoothing(F::of(o.smoothing)), o, |l, r| {
        l.reduction(r)
    })
}

fn binary_focal<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let l = binary_focal_loss::<F>(&c.opts);
    check_dense(&l, c, true)
}

fn categorical_focal_loss<F: Real>(o: &Opts, from_logits: bool) -> CategoricalFocalLoss<F> {
    let mut l = match o.preset {
        2 => CategoricalFocalLoss::<F>::keras(),
        _ => CategoricalFocalLoss::new(),
    };
    l = l.gamma(F::of(o.gamma)).from_logits(from_logits);
    l = match (&o.class_weights, o.alpha, o.variant) {
        (Some(w), _, 0) => l.class_weights(arr1(w)),
        (Some(w), _, 1) => l.keras_alpha_list(w),
        (_, Some(a), _) => l.alpha(F::of(a)),
        _ => l,
    };
    l = l.epsilon(if o.clip == 0.0 { None } else { Some(o.clip) });
    with_reducer(l.label_smoothing(F::of(o.smoothing)), o, |l, r| {
        l.reduction(r)
    })
}

fn categorical_focal_logits<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let l = categorical_focal_loss::<F>(&c.opts, true);
    check_dense(&l, c, finite_opts(&c.opts))
}

/// Every row of probabilities sums to a positive finite number (p/Σp is defined).
fn rows_positive(x: &ArrayD<f64>) -> bool {
    let last = ndarray::Axis(x.ndim() - 1);
    x.lanes(last).into_iter().all(|r| {
        let s: f64 = r.sum();
        s > 0.0 && s.is_finite() && r.iter().all(|&p| p >= 0.0)
    })
}

fn categorical_focal_probs<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let l = categorical_focal_loss::<F>(&c.opts, false);
    let finite = finite_opts(&c.opts) && c.opts.clip > 0.0 && rows_positive(&c.x);
    check_dense(&l, c, finite)
}

fn sparse_focal<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let l = if o.preset == 2 && o.variant == 2 {
        SparseCategoricalFocalLoss::<F>::keras()
    } else {
        SparseCategoricalFocalLoss::new(categorical_focal_loss::<F>(o, true))
    };
    // −100 is not a class of this loss: an error, on both paths
    check_sparse(&l, c, finite_opts(o))
}

fn bce<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let mut l = match o.preset {
        1 => BinaryCrossEntropy::<F>::pytorch(),
        2 => BinaryCrossEntropy::keras(),
        3 => BinaryCrossEntropy::tf1(),
        _ => BinaryCrossEntropy::new(),
    };
    let clip = match o.variant {
        0 => ProbClip::Keras { epsilon: o.clip },
        1 => ProbClip::PyTorch,
        _ => ProbClip::Tf1LogLoss { epsilon: o.clip },
    };
    l = l.clip(clip);
    if let Some(v) = &o.per_class {
        l = l.element_weights(arr1::<F>(v).into_dyn());
    }
    if o.flag {
        l = l.mean_last_axis(true);
    }
    let l = with_reducer(l.label_smoothing(F::of(o.smoothing)), o, |l, r| {
        l.reduction(r)
    });
    // p in [0, 1]; with ε = 0 a 0 or 1 probability against the other label is +∞
    let finite = finite_opts(o)
        && (o.clip > 0.0 || o.variant == 1)
        && c.x.iter().all(|p| (0.0..=1.0).contains(p));
    check_dense(&l, c, finite)
}

fn cce_probs<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let l = match o.preset {
        2 => CategoricalCrossEntropyProbs::<F>::keras(),
        _ => CategoricalCrossEntropyProbs::new(),
    };
    let l = with_reducer(
        l.epsilon(o.clip).label_smoothing(F::of(o.smoothing)),
        o,
        |l, r| l.reduction(r),
    );
    let finite = o.clip > 0.0 && rows_positive(&c.x);
    check_dense(&l, c, finite)
}

fn scce_probs<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let mut l = match o.preset {
        2 => SparseCategoricalCrossEntropyProbs::keras(),
        _ => SparseCategoricalCrossEntropyProbs::new(),
    };
    l = l.epsilon(o.clip);
    if o.ignore != 0 {
        l = l.ignore_class(o.ignored);
    }
    let l = with_reducer(l, o, |l, r| l.reduction(r));
    let finite = o.clip > 0.0 && rows_positive(&c.x);
    check::<F, i64, _>(
        &l,
        &cast(&c.x),
        &c.sparse,
        c.sw.as_ref().map(cast).as_ref(),
        layouts3(c, true),
        finite,
    )
}

fn nll<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let mut l = match o.preset {
        1 => NllLoss::<F>::pytorch(),
        _ => NllLoss::new(),
    };
    if let Some(w) = &o.class_weights {
        l = l.class_weights(arr1(w));
    }
    if o.ignore != 0 {
        l = l.ignore_index(o.ignored);
    }
    let l = with_reducer(l, o, |l, r| l.reduction(r));
    check_sparse(&l, c, finite_opts(o))
}

fn cost_matrix<F: Real>(c: &Case, from_logits: bool) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let k = c.x.shape()[c.x.ndim() - 1];
    let row: Vec<f64> = o.per_class.clone().unwrap_or_else(|| vec![1.0; k]);
    let weights = if o.variant == 0 {
        let m = ndarray::Array2::from_shape_fn((k, k), |(i, j)| {
            F::of(if i == j { 1.0 } else { row[j] })
        });
        CostWeights::Matrix(m)
    } else {
        CostWeights::Tensor(
            arr1::<F>(&row)
                .into_shape_with_order(IxDyn(&[1, k]))
                .expect("1×C"),
        )
    };
    let mut l = CostMatrixCrossEntropy::new(weights).from_logits(from_logits);
    if o.clip > 0.0 {
        l = l.epsilon(o.clip);
    }
    let l = with_reducer(l.label_smoothing(F::of(o.smoothing)), o, |l, r| {
        l.reduction(r)
    });
    let finite = finite_opts(o) && (from_logits || (o.clip > 0.0 && rows_positive(&c.x)));
    check_dense(&l, c, finite)
}

fn class_balanced<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let k = c.x.shape()[c.x.ndim() - 1];
    let w = arr1::<F>(&o.class_weights.clone().unwrap_or_else(|| vec![1.0; k]));
    let finite = finite_opts(o);
    if o.flag {
        let l = with_reducer(
            ClassBalancedLoss::new(w, binary_focal_loss::<F>(o)),
            o,
            |l, r| l.reduction(r),
        );
        check_dense(&l, c, finite)
    } else {
        let l = with_reducer(
            ClassBalancedLoss::new(w, SigmoidCrossEntropy::<F>::new()),
            o,
            |l, r| l.reduction(r),
        );
        check_dense(&l, c, finite)
    }
}

// ---------------------------------------------------------------------------------------------

macro_rules! loss_properties {
    ($($name:literal, $probs:expr, $cases:expr, $f:ident;)*) => {
        vec![$(
            Property {
                name: concat!("losses: ", $name, " (finite inputs)"),
                cases: $cases,
                run: |runner| {
                    crate::failure(runner.run(&case(Values::Finite, $probs), |c| {
                        both_dtypes(&c, $probs, |c| $f::<f64>(c), |c| $f::<f32>(c))
                    }))
                },
            },
            Property {
                name: concat!("losses: ", $name, " (NaN and ±∞ too)"),
                cases: $cases,
                run: |runner| {
                    crate::failure(runner.run(&case(Values::Any, $probs), |c| {
                        both_dtypes(&c, $probs, |c| $f::<f64>(c), |c| $f::<f32>(c))
                    }))
                },
            },
        )*]
    };
}

fn cost_logits<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    cost_matrix::<F>(c, true)
}

fn cost_probs<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    cost_matrix::<F>(c, false)
}

fn keras_tversky<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let l = match o.preset {
        0 => TverskyLoss::<F>::keras_dice(),
        _ => TverskyLoss::keras_tversky(F::of(o.alpha.unwrap_or(0.5)), F::of(o.gamma / 2.0)),
    };
    let axis = match o.variant {
        0 => None,
        1 => Some(vec![-1]),
        _ => Some(vec![0]),
    };
    let l = with_reducer(l.axis(axis), o, |l, r| l.reduction(r));
    check_dense(&l, c, in_unit_interval(&c.x))
}

/// Probabilities in [0, 1]: outside, the overlap denominators can be 0 or negative (Keras and smp
/// take such inputs as they are and return ±∞ or NaN; so does reweigh).
fn in_unit_interval(x: &ArrayD<f64>) -> bool {
    x.iter().all(|v| (0.0..=1.0).contains(v))
}

/// The segmentation Tversky loss of the case's options: mode from `variant`, Dice or Tversky
/// from `preset`, γ, smooth and log_loss from the others, and whether its exact math is
/// finite. γ in (0, 1) is drawn as 1 + γ: `A^γ` has an infinite derivative where the mean over
/// classes `A` is 0 (NaN gradients, as torch's pow: golden cases `zero_targets_focal_below_one`),
/// and f32 and f64 then disagree on whether `A` rounds to 0.
fn smp_loss<F: Real>(
    o: &Opts,
    mode: SegmentationMode,
    from_logits: bool,
) -> (SegmentationTverskyLoss<F>, bool) {
    let binary = mode == SegmentationMode::Binary;
    let mut l = match o.preset {
        0 => SegmentationTverskyLoss::<F>::smp_dice(mode),
        _ => SegmentationTverskyLoss::smp_tversky(
            mode,
            F::of(o.alpha.unwrap_or(0.5)),
            F::of(o.smoothing),
            F::of(if o.gamma > 0.0 && o.gamma < 1.0 {
                1.0 + o.gamma
            } else {
                o.gamma
            }),
        ),
    }
    .from_logits(from_logits)
    .smooth(F::of(o.clip))
    .log_loss(o.flag && o.pytorch_form);
    if !binary && let Some(w) = &o.class_weights {
        l = l.class_weights(Some(arr1(w)));
    }
    if o.ignore == 1 {
        l = l.ignore_index(Some(o.ignored));
    }
    let l = with_reducer(l, o, |l, r| l.reduction(r));
    (l, finite_opts(o))
}

fn smp_mode(o: &Opts) -> SegmentationMode {
    [
        SegmentationMode::Binary,
        SegmentationMode::Multilabel,
        SegmentationMode::Multiclass,
    ][o.variant as usize]
}

fn smp_logits<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let (l, finite) = smp_loss::<F>(&c.opts, smp_mode(&c.opts), true);
    check_dense(&l, c, finite)
}

fn smp_probs<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let (l, finite) = smp_loss::<F>(&c.opts, smp_mode(&c.opts), false);
    check_dense(&l, c, finite && in_unit_interval(&c.x))
}

fn sparse_smp<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let (l, finite) = smp_loss::<F>(&c.opts, SegmentationMode::Multiclass, true);
    check(
        &SparseSegmentationTverskyLoss::new(l),
        &cast(&c.x),
        &c.sparse,
        c.sw.as_ref().map(cast).as_ref(),
        layouts3(c, true),
        finite,
    )
}

/// pytorch_optimizer's presets of the segmentation Tversky loss: `DiceLoss(mode)` (even
/// `preset`) or `FocalTverskyLoss(α, β, γ)` (odd), with the case's smooth, log_loss, classes and
/// ignore_index. The Tversky preset has no clamp: its exact value is finite only with smooth > 0
/// (all-zero probabilities and targets are 0/0); γ in (0, 1) is drawn as 1 + γ (see [`smp_loss`]).
fn pytorch_optimizer_loss<F: Real>(
    o: &Opts,
    mode: SegmentationMode,
    from_logits: bool,
) -> (SegmentationTverskyLoss<F>, bool) {
    let dice = o.preset.is_multiple_of(2);
    let gamma = if o.gamma > 0.0 && o.gamma < 1.0 {
        1.0 + o.gamma
    } else {
        o.gamma
    };
    let mut l = if dice {
        SegmentationTverskyLoss::<F>::pytorch_optimizer_dice(mode)
            .from_logits(from_logits)
            .log_loss(o.flag)
    } else {
        SegmentationTverskyLoss::pytorch_optimizer_tversky(
            F::of(o.alpha.unwrap_or(0.5)),
            F::of(o.smoothing),
            F::of(gamma),
        )
        .from_logits(from_logits)
    }
    .smooth(F::of(o.clip));
    if o.ignore == 1 {
        l = l.ignore_index(Some(o.ignored));
    }
    let l = with_reducer(l, o, |l, r| l.reduction(r));
    (l, finite_opts(o) && (dice || o.clip > 0.0))
}

fn pytorch_optimizer_logits<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let o = &c.opts;
    let mode = if o.preset.is_multiple_of(2) {
        smp_mode(o)
    } else {
        SegmentationMode::Binary
    };
    if mode == SegmentationMode::Multiclass {
        let (l, finite) = pytorch_optimizer_loss::<F>(o, mode, true);
        return check_sparse(&SparseSegmentationTverskyLoss::new(l), c, finite);
    }
    let (l, finite) = pytorch_optimizer_loss::<F>(o, mode, true);
    check_dense(&l, c, finite)
}

/// kornia's per-sample loss of the case's options: Dice micro / macro or Tversky from `preset`,
/// class weights, ignore_index from `ignore` (0: kornia's -100, 1: the case's label, 2: none),
/// ε from `clip` (0 included, except for the macro Tversky with β = 0: a present class whose
/// probabilities underflow to 0 has `TP + α·FP = 0`, scored 0 by the empty-group rule, while
/// its scores just above the underflow are `TP/(TP + α·FP)`, so f32 and f64 differ there).
fn per_sample_loss<F: Real>(o: &Opts) -> PerSampleTverskyLoss<F> {
    let beta = o.smoothing;
    let mut l = match o.preset {
        0 => PerSampleTverskyLoss::<F>::kornia_dice(ClassAverage::Micro),
        1 => PerSampleTverskyLoss::kornia_dice(ClassAverage::Macro),
        2 => PerSampleTverskyLoss::kornia_tversky(F::of(o.alpha.unwrap_or(0.5)), F::of(beta)),
        _ => PerSampleTverskyLoss::kornia_tversky(F::of(o.smoothing), F::of(0.5))
            .average(ClassAverage::Micro),
    };
    let epsilon = if o.preset == 2 && beta == 0.0 && o.clip == 0.0 {
        1e-7
    } else {
        o.clip
    };
    l = l.epsilon(F::of(epsilon));
    if let Some(w) = &o.class_weights {
        l = l.class_weights(Some(arr1(w)));
    }
    l = match o.ignore {
        0 => l,
        1 => l.ignore_index(Some(o.ignored)),
        _ => l.ignore_index(None),
    };
    with_reducer(l, o, |l, r| l.reduction(r))
}

/// The case's `[N, C]` or `[N, T, C]` array as kornia's `(B, C, H, W)`: `[N, C, 1, 1]` or
/// `[N, C, T, 1]` (the class axis last in the case, second here).
fn nchw<T: Clone>(a: &ArrayD<T>) -> ArrayD<T> {
    let a = if a.ndim() == 3 {
        a.view().permuted_axes(IxDyn(&[0, 2, 1]))
    } else {
        a.view()
    };
    let n = a.ndim();
    let mut a = a.insert_axis(ndarray::Axis(n));
    if a.ndim() == 3 {
        a = a.insert_axis(ndarray::Axis(3));
    }
    a.to_owned()
}

/// The case's labels `[N]` or `[N, T]` as kornia's `(B, H, W)`.
fn nhw(a: &ArrayD<i64>) -> ArrayD<i64> {
    let n = a.ndim();
    let mut a = a.view().insert_axis(ndarray::Axis(n));
    if a.ndim() == 2 {
        a = a.insert_axis(ndarray::Axis(2));
    }
    a.to_owned()
}

fn per_sample<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let l = per_sample_loss::<F>(&c.opts);
    let sw = c.sw.as_ref().map(cast);
    check(
        &l,
        &cast(&nchw(&c.x)),
        &cast::<F>(&nchw(&c.dense)),
        sw.as_ref(),
        layouts3(c, false),
        finite_opts(&c.opts),
    )
}

fn sparse_per_sample<F: Real>(c: &Case) -> Result<Out, TestCaseError> {
    let l = SparsePerSampleTverskyLoss::new(per_sample_loss::<F>(&c.opts));
    let sw = c.sw.as_ref().map(cast);
    check(
        &l,
        &cast(&nchw(&c.x)),
        &nhw(&c.sparse),
        sw.as_ref(),
        layouts3(c, true),
        finite_opts(&c.opts),
    )
}

pub fn properties() -> Vec<Property> {
    loss_properties![
        "SparseSoftmaxCrossEntropy", false, 4000, sparse_softmax;
        "SoftmaxCrossEntropy", false, 3000, softmax;
        "SigmoidCrossEntropy", false, 3000, sigmoid;
        "BinaryFocalLoss", false, 2000, binary_focal;
        "CategoricalFocalLoss from logits", false, 2000, categorical_focal_logits;
        "CategoricalFocalLoss from probabilities", true, 2000, categorical_focal_probs;
        "SparseCategoricalFocalLoss", false, 1500, sparse_focal;
        "BinaryCrossEntropy", true, 2000, bce;
        "CategoricalCrossEntropyProbs", true, 1500, cce_probs;
        "SparseCategoricalCrossEntropyProbs", true, 1500, scce_probs;
        "NllLoss", false, 1500, nll;
        "CostMatrixCrossEntropy from logits", false, 1000, cost_logits;
        "CostMatrixCrossEntropy from probabilities", true, 1000, cost_probs;
        "ClassBalancedLoss", false, 1500, class_balanced;
        "LogitAdjustedCrossEntropy", false, 1500, logit_adjusted;
        "LdamLoss", false, 1500, ldam;
        "PolyCrossEntropy", false, 1000, poly;
        "SparsePolyCrossEntropy", false, 1000, sparse_poly;
        "AsymmetricLoss", false, 1500, asymmetric;
        "SingleLabelAsymmetricLoss", false, 1000, single_label_asymmetric;
        "DistributionBalancedLoss", false, 1000, distribution_balanced;
        "TverskyLoss", true, 1000, keras_tversky;
        "SegmentationTverskyLoss from logits", false, 1000, smp_logits;
        "SegmentationTverskyLoss from probabilities", true, 500, smp_probs;
        "SparseSegmentationTverskyLoss", false, 1000, sparse_smp;
        "SegmentationTverskyLoss (pytorch_optimizer presets)", false, 500, pytorch_optimizer_logits;
        "PerSampleTverskyLoss", false, 1000, per_sample;
        "SparsePerSampleTverskyLoss", false, 1000, sparse_per_sample;
    ]
}
