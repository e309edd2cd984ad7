//! The fused fast paths (`compute`, `forward*`, `compute_into`) against the general path
//! (`Reducer::finish(unreduced(..))`) on random batches: every reduction, weights of every
//! shape, ignored rows, smoothing, extreme logits, narrow and wide rows, batches large enough to
//! be split across threads, and non-contiguous inputs and gradient buffers.

use ndarray::{Array1, ArrayD, ArrayViewD, Axis, IxDyn};
use reweigh::losses::{
    AsymmetricLoss, LogitAdjustedCrossEntropy, SigmoidCrossEntropy, SmoothingForm,
    SoftmaxCrossEntropy, SparseSoftmaxCrossEntropy,
};
use reweigh::{Framework, Loss, LossOutput, LossValue, OnZeroWeights, Real, Reducer, Reduction};
use rstest::rstest;

mod support;
use support::assert_close_rel;

/// A small reproducible generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn array<F: Real>(&mut self, shape: &[usize], lo: f64, hi: f64) -> ArrayD<F> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || F::of(lo + (hi - lo) * self.unit()))
    }
    /// Logits in [−6, 6] with, when `extreme`, some ±∞, NaN and ±100 sprinkled in.
    fn logits<F: Real>(&mut self, shape: &[usize], extreme: bool) -> ArrayD<F> {
        let mut x = self.array::<F>(shape, -6.0, 6.0);
        if extreme {
            let n = x.len();
            let flat = x.as_slice_mut().unwrap();
            for v in [
                -100.0,
                100.0,
                f64::NEG_INFINITY,
                f64::INFINITY,
                f64::NAN,
                -1e30,
            ] {
                flat[self.below(n)] = F::of(v);
            }
        }
        x
    }
}

/// Every reduction with both zero-denominator behaviours; three for large batches (the debug
/// build of the general path is slow).
fn reducers_for(shape: &[usize]) -> Vec<Reducer> {
    if shape.iter().product::<usize>() > 50_000 {
        return vec![
            Framework::PyTorch.default_reducer(),
            Reduction::Sum.into(),
            Reduction::None.into(),
        ];
    }
    let mut r = vec![];
    for reduction in Reduction::ALL {
        for on_zero in [OnZeroWeights::Zero, OnZeroWeights::Nan] {
            r.push(Reducer { reduction, on_zero });
        }
    }
    r
}

fn max_abs<F: Real>(a: &ArrayD<F>) -> f64 {
    a.iter()
        .map(|x| x.f64().abs())
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max)
}

/// f32 kernels use a polynomial exp/ln (≤ 2 ulp) and f32 arithmetic per row.
fn rel<F: Real>() -> f64 {
    if F::DTYPE == "float32" { 2e-5 } else { 1e-11 }
}

/// The floor of the values' relative comparison: below the smallest normal number of `F` an
/// f32 result keeps no relative precision (the asymmetric loss's focused terms of saturated
/// logits fall there: 10⁻⁸⁷ in f64 is 0 in f32).
fn value_floor<F: Real>() -> f64 {
    let min_normal = if F::DTYPE == "float32" {
        f32::MIN_POSITIVE as f64
    } else {
        f64::MIN_POSITIVE
    };
    min_normal / rel::<F>()
}

/// The floor of a softmax loss's values: `ln Σ exp` rounds the sum to `F` first, an absolute
/// error of a few ulp of 1 on every row's loss, so a confident row's small loss (10⁻³) has a
/// relative error of 10⁻⁵ in f32 whatever the kernel.
fn lse_floor<F: Real>() -> f64 {
    let eps = if F::DTYPE == "float32" {
        f32::EPSILON as f64
    } else {
        f64::EPSILON
    };
    value_floor::<F>().max(4.0 * eps / rel::<F>())
}

fn to64<F: Real>(a: &ArrayD<F>) -> ArrayD<f64> {
    a.mapv(|v| v.f64())
}

fn of<F: Real>(a: &ArrayD<f64>) -> ArrayD<F> {
    a.mapv(F::of)
}

fn assert_outputs_match<F: Real>(
    what: &str,
    fused: &LossOutput<F>,
    general: &LossOutput<f64>,
    value_floor: f64,
) {
    let (fv, gv) = (
        to64(&fused.value.clone().into_array()),
        general.value.clone().into_array(),
    );
    assert_close_rel(&format!("{what} value"), &fv, &gv, rel::<F>(), value_floor);
    match (&fused.grad, &general.grad) {
        (Some(f), Some(g)) => {
            let floor = max_abs(g);
            assert_close_rel(&format!("{what} grad"), &to64(f), g, rel::<F>(), floor);
        }
        (None, None) => {}
        _ => panic!("{what}: gradient presence differs"),
    }
}

/// Checks compute (with and without gradient), forward, compute_into (into a contiguous and a
/// transposed buffer) against the general path in f64 on the same inputs (for f32 the general
/// path's own f32 sums over large batches are less accurate than the fused path's).
fn check_loss<F: Real, L>(
    what: &str,
    loss: &L,
    x: &ArrayD<F>,
    target: ArrayViewD<'_, L::Label>,
    sw: Option<&ArrayD<F>>,
    general: impl Fn(bool) -> LossOutput<f64>,
) where
    L: Loss<F>,
{
    check_loss_to(what, loss, x, target, sw, general, value_floor::<F>());
}

/// [`check_loss`] with the values compared relative to at least `value_floor`.
fn check_loss_to<F: Real, L>(
    what: &str,
    loss: &L,
    x: &ArrayD<F>,
    target: ArrayViewD<'_, L::Label>,
    sw: Option<&ArrayD<F>>,
    general: impl Fn(bool) -> LossOutput<f64>,
    value_floor: f64,
) where
    L: Loss<F>,
{
    let sw = sw.map(|w| w.view());
    let g = general(true);
    let f = loss
        .compute(x.view(), target.clone(), sw.clone(), true)
        .unwrap();
    assert_outputs_match(what, &f, &g, value_floor);
    let fwd = loss
        .compute(x.view(), target.clone(), sw.clone(), false)
        .unwrap();
    assert!(fwd.grad.is_none());
    assert_close_rel(
        &format!("{what} forward"),
        &to64(&fwd.value.into_array()),
        &general(false).value.into_array(),
        rel::<F>(),
        value_floor,
    );
    // into a contiguous buffer, and into a transposed (non-contiguous) one
    let mut buf = ArrayD::<F>::from_elem(x.shape(), F::of(7.0));
    let v = loss
        .compute_into(x.view(), target.clone(), sw.clone(), buf.view_mut())
        .unwrap();
    assert_eq!(
        v.clone().into_array().mapv(|a| a.f64().to_bits()),
        f.value.clone().into_array().mapv(|a| a.f64().to_bits())
    );
    let same = |a: &ArrayD<F>, b: &ArrayD<F>| {
        a.iter()
            .zip(b.iter())
            .all(|(a, b)| a == b || (a.is_nan() && b.is_nan()))
    };
    assert!(same(&buf, f.grad.as_ref().unwrap()), "{what}: compute_into");
    let mut t = ArrayD::<F>::from_elem(x.t().shape(), F::of(7.0));
    let v2 = loss
        .compute_into(x.view(), target, sw, t.view_mut().reversed_axes())
        .unwrap();
    assert_eq!(
        v2.into_array().mapv(|a| a.f64().to_bits()),
        v.into_array().mapv(|a| a.f64().to_bits())
    );
    assert!(
        same(&t.reversed_axes(), f.grad.as_ref().unwrap()),
        "{what}: compute_into a transposed buffer"
    );
}

fn sparse_case<F: Real>(
    rng: &mut Rng,
    shape: &[usize],
    extreme: bool,
    class_weights: bool,
    ignore: bool,
    smoothing: Option<SmoothingForm>,
    sample_weight: bool,
) {
    let c = shape[shape.len() - 1];
    let rows_shape = &shape[..shape.len() - 1];
    let x = rng.logits::<F>(shape, extreme);
    let mut y = ArrayD::from_shape_simple_fn(IxDyn(rows_shape), || rng.below(c) as i64);
    if ignore {
        y.iter_mut()
            .filter(|_| rng.below(4) == 0)
            .for_each(|v| *v = -100);
    }
    let w: Array1<F> = Array1::from_shape_simple_fn(c, || F::of(0.25 + 2.0 * rng.unit()));
    let sw = sample_weight.then(|| {
        let mut s = rng.array::<F>(rows_shape, 0.0, 2.0);
        s.iter_mut()
            .filter(|_| rng.below(5) == 0)
            .for_each(|v| *v = F::zero());
        s
    });
    fn build<G: Real>(
        reducer: Reducer,
        w: Option<Array1<G>>,
        ignore: bool,
        smoothing: Option<SmoothingForm>,
    ) -> SparseSoftmaxCrossEntropy<G> {
        let mut loss = SparseSoftmaxCrossEntropy::<G>::new().reduction(reducer);
        if let Some(w) = w {
            loss = loss.class_weights(w);
        }
        if ignore {
            loss = loss.ignore_index(-100);
        }
        if let Some(form) = smoothing {
            loss = loss.label_smoothing(G::of(0.15)).smoothing_form(form);
        }
        loss
    }
    let (x64, sw64) = (to64(&x), sw.as_ref().map(to64));
    let w64 = w.mapv(|v| v.f64());
    for reducer in reducers_for(shape) {
        let loss = build::<F>(reducer, class_weights.then(|| w.clone()), ignore, smoothing);
        let loss64 = build::<f64>(
            reducer,
            class_weights.then(|| w64.clone()),
            ignore,
            smoothing,
        );
        let general = |want_grad: bool| {
            let sw = sw64.as_ref().map(|w| w.view());
            let u = loss64
                .unreduced(x64.view(), y.view(), sw, want_grad)
                .unwrap();
            let mut out = reducer.finish(u);
            if let Some(g) = out.grad.as_mut() {
                let last = Axis(g.ndim() - 1);
                for (mut row, &label) in g.lanes_mut(last).into_iter().zip(y.iter()) {
                    if label == -100 && ignore {
                        row.fill(0.0);
                    }
                }
            }
            out
        };
        let what = format!(
            "sparse {shape:?} extreme={extreme} w={class_weights} ignore={ignore} \
             smoothing={smoothing:?} sw={sample_weight} {reducer:?} {}",
            F::DTYPE
        );
        check_loss_to(
            &what,
            &loss,
            &x,
            y.view(),
            sw.as_ref(),
            general,
            lse_floor::<F>(),
        );
    }
}

#[rstest]
fn sparse_fused_matches_general(
    #[values(vec![5, 1], vec![9, 3], vec![37, 10], vec![3, 4, 15], vec![19, 16], vec![7, 100], vec![3, 1000])]
    shape: Vec<usize>,
    #[values(false, true)] extreme: bool,
    #[values(false, true)] class_weights: bool,
    #[values(false, true)] ignore: bool,
    #[values(None, Some(SmoothingForm::KerasTf), Some(SmoothingForm::PyTorch))] smoothing: Option<
        SmoothingForm,
    >,
    #[values(false, true)] sample_weight: bool,
) {
    let mut rng = Rng(shape.iter().product::<usize>() as u64);
    sparse_case::<f32>(
        &mut rng,
        &shape,
        extreme,
        class_weights,
        ignore,
        smoothing,
        sample_weight,
    );
    sparse_case::<f64>(
        &mut rng,
        &shape,
        extreme,
        class_weights,
        ignore,
        smoothing,
        sample_weight,
    );
}

#[rstest]
fn sparse_fused_matches_general_on_batches_split_across_threads(
    #[values(vec![30_003, 10], vec![150, 1000], vec![5, 40_000])] shape: Vec<usize>,
    #[values(false, true)] ignore: bool,
) {
    let mut rng = Rng(7);
    sparse_case::<f32>(&mut rng, &shape, true, true, ignore, None, true);
    sparse_case::<f64>(&mut rng, &shape, false, true, ignore, None, false);
}

#[test]
fn sparse_all_ignored_is_nan_with_a_zero_gradient_in_pytorch() {
    let x = ArrayD::<f32>::from_elem(IxDyn(&[20, 3]), 0.5);
    let y = ArrayD::<i64>::from_elem(IxDyn(&[20]), -100);
    let out = SparseSoftmaxCrossEntropy::<f32>::pytorch()
        .forward_backward(x.view(), y.view())
        .unwrap();
    assert!(out.value.scalar().unwrap().is_nan());
    assert!(out.grad.unwrap().iter().all(|&g| g == 0.0));
}

fn dense_case<F: Real>(
    rng: &mut Rng,
    shape: &[usize],
    extreme: bool,
    class_weights: bool,
    eps: f64,
    sample_weight: bool,
) {
    let c = shape[shape.len() - 1];
    let x = rng.logits::<F>(shape, extreme);
    let mut y = rng.array::<F>(shape, 0.0, 1.0);
    for mut row in y.lanes_mut(Axis(shape.len() - 1)) {
        let s: F = row.sum();
        row.mapv_inplace(|v| v / s);
    }
    let w: Array1<f64> = Array1::from_shape_simple_fn(c, || F::of(0.25 + 2.0 * rng.unit()).f64());
    let sw = sample_weight.then(|| rng.array::<F>(&shape[..shape.len() - 1], 0.0, 2.0));
    fn build<G: Real>(
        reducer: Reducer,
        eps: f64,
        w: Option<&Array1<f64>>,
    ) -> SoftmaxCrossEntropy<G> {
        let mut loss = SoftmaxCrossEntropy::<G>::new()
            .reduction(reducer)
            .label_smoothing(G::of(eps));
        if let Some(w) = w {
            loss = loss.class_weights(w.mapv(G::of));
        }
        loss
    }
    let (x64, y64, sw64) = (to64(&x), to64(&y), sw.as_ref().map(to64));
    for reducer in reducers_for(shape) {
        let w = class_weights.then_some(&w);
        let loss = build::<F>(reducer, F::of(eps).f64(), w);
        let loss64 = build::<f64>(reducer, F::of(eps).f64(), w);
        let general = |want_grad: bool| {
            let sw = sw64.as_ref().map(|w| w.view());
            reducer.finish(
                loss64
                    .unreduced(x64.view(), y64.view(), sw, want_grad)
                    .unwrap(),
            )
        };
        let what = format!(
            "dense {shape:?} extreme={extreme} w={class_weights} eps={eps} sw={sample_weight} \
             {reducer:?} {}",
            F::DTYPE
        );
        check_loss_to(
            &what,
            &loss,
            &x,
            y.view(),
            sw.as_ref(),
            general,
            lse_floor::<F>(),
        );
    }
}

#[rstest]
fn dense_fused_matches_general(
    #[values(vec![6, 1], vec![37, 10], vec![2, 3, 17], vec![4, 300], vec![2, 1000])] shape: Vec<
        usize,
    >,
    #[values(false, true)] extreme: bool,
    #[values(false, true)] class_weights: bool,
    #[values(0.0, 0.1)] eps: f64,
    #[values(false, true)] sample_weight: bool,
) {
    let mut rng = Rng(11);
    dense_case::<f32>(&mut rng, &shape, extreme, class_weights, eps, sample_weight);
    dense_case::<f64>(&mut rng, &shape, extreme, class_weights, eps, sample_weight);
}

/// Sample-weight shapes for `(rows, C)` logits: none, scalar, per row `(rows, 1)`, per class
/// `(C,)`, per element (the general path).
#[derive(Clone, Copy, Debug)]
enum Sw {
    None,
    Scalar,
    PerRow,
    PerClass,
    PerElement,
}

/// The sample weights (of `sw`'s kind) and `pos_weight` (per class, scalar or none) of an
/// element-wise case whose values are per row (`per_row_values`) or per element; `None` for a
/// kind that does not apply (class-varying weights on per-row values).
#[allow(clippy::type_complexity)]
fn element_weights<F: Real>(
    rng: &mut Rng,
    shape: &[usize],
    per_row_values: bool,
    sw: Sw,
    pos_weight: Option<bool>,
) -> Option<(Option<ArrayD<F>>, Option<ArrayD<f64>>)> {
    let nd = shape.len();
    let c = shape[nd - 1];
    let value_shape = if per_row_values {
        &shape[..nd - 1]
    } else {
        shape
    };
    let sw: Option<ArrayD<F>> = match sw {
        Sw::None => None,
        Sw::Scalar => Some(rng.array(&[], 0.5, 2.0)),
        Sw::PerRow if per_row_values => Some(rng.array(value_shape, 0.0, 2.0)),
        Sw::PerRow => {
            let mut s = shape.to_vec();
            s[nd - 1] = 1;
            Some(rng.array(&s, 0.0, 2.0))
        }
        Sw::PerClass if per_row_values => return None,
        Sw::PerClass => Some(rng.array(&[c], 0.0, 2.0)),
        Sw::PerElement => Some(rng.array(value_shape, 0.0, 2.0)),
    };
    let q = match pos_weight {
        Some(true) => Some(to64(&rng.array::<F>(&[c], 0.5, 5.0))),
        Some(false) => Some(to64(&rng.array::<F>(&[], 0.5, 5.0))),
        None => None,
    };
    Some((sw, q))
}

fn sigmoid_case<F: Real>(
    rng: &mut Rng,
    shape: &[usize],
    extreme: bool,
    pos_weight: Option<bool>, // Some(true): per class, Some(false): scalar
    weight: bool,
    mean_last_axis: bool,
    sw: Sw,
) {
    let nd = shape.len();
    let c = shape[nd - 1];
    let x = rng.logits::<F>(shape, extreme);
    let z = ArrayD::from_shape_simple_fn(IxDyn(shape), || F::of((rng.below(4) == 0) as u8 as f64));
    let Some((sw, q)) = element_weights::<F>(rng, shape, mean_last_axis, sw, pos_weight) else {
        return;
    };
    let v = weight.then(|| to64(&rng.array::<F>(&[1, c], 0.0, 2.0)));
    let build = |reducer: Reducer| {
        let mut loss = SigmoidCrossEntropy::new()
            .reduction(reducer)
            .mean_last_axis(mean_last_axis)
            .label_smoothing(0.1);
        if let Some(q) = &q {
            loss = loss.pos_weight(q.clone());
        }
        if let Some(v) = &v {
            loss = loss.element_weights(v.clone());
        }
        loss
    };
    let (x64, z64, sw64) = (to64(&x), to64(&z), sw.as_ref().map(to64));
    for reducer in reducers_for(shape) {
        let loss64 = build(reducer);
        let mut loss = SigmoidCrossEntropy::<F>::new()
            .reduction(reducer)
            .mean_last_axis(mean_last_axis)
            .label_smoothing(F::of(0.1));
        if let Some(q) = &q {
            loss = loss.pos_weight(of(q));
        }
        if let Some(v) = &v {
            loss = loss.element_weights(of(v));
        }
        let general = |want_grad: bool| {
            let sw = sw64.as_ref().map(|w| w.view());
            reducer.finish(
                loss64
                    .unreduced(x64.view(), z64.view(), sw, want_grad)
                    .unwrap(),
            )
        };
        let what = format!(
            "sigmoid {shape:?} extreme={extreme} q={pos_weight:?} v={weight} \
             mean={mean_last_axis} {reducer:?} {}",
            F::DTYPE
        );
        check_loss(&what, &loss, &x, z.view(), sw.as_ref(), general);
    }
}

#[rstest]
fn sigmoid_fused_matches_general(
    #[values(vec![5, 1], vec![9, 7], vec![3, 2, 33], vec![2, 512])] shape: Vec<usize>,
    #[values(false, true)] extreme: bool,
    #[values(None, Some(false), Some(true))] pos_weight: Option<bool>,
    #[values(false, true)] weight: bool,
    #[values(false, true)] mean_last_axis: bool,
    #[values(Sw::None, Sw::Scalar, Sw::PerRow, Sw::PerClass, Sw::PerElement)] sw: Sw,
) {
    let mut rng = Rng(3);
    sigmoid_case::<f32>(
        &mut rng,
        &shape,
        extreme,
        pos_weight,
        weight,
        mean_last_axis,
        sw,
    );
    sigmoid_case::<f64>(
        &mut rng,
        &shape,
        extreme,
        pos_weight,
        weight,
        mean_last_axis,
        sw,
    );
}

#[rstest]
fn dense_and_sigmoid_fused_match_general_on_batches_split_across_threads(
    #[values(vec![300, 512], vec![40_003, 7])] shape: Vec<usize>,
) {
    let mut rng = Rng(13);
    dense_case::<f32>(&mut rng, &shape, true, true, 0.1, true);
    sigmoid_case::<f32>(&mut rng, &shape, true, Some(true), true, false, Sw::PerRow);
    sigmoid_case::<f32>(&mut rng, &shape, false, Some(false), false, true, Sw::None);
    sigmoid_case::<f64>(
        &mut rng,
        &shape,
        false,
        Some(true),
        false,
        false,
        Sw::PerClass,
    );
}

#[test]
fn non_contiguous_logits_take_the_general_path_with_the_same_result() {
    let mut rng = Rng(5);
    let x = rng.logits::<f32>(&[12, 30], false);
    let xt = x.t().to_owned(); // (30, 12); its transpose is a non-contiguous (12, 30) view
    let y = ArrayD::from_shape_simple_fn(IxDyn(&[12]), || rng.below(30) as i64);
    let loss = SparseSoftmaxCrossEntropy::<f32>::pytorch();
    let a = loss.forward_backward(x.view(), y.view()).unwrap();
    let b = loss.forward_backward(xt.t(), y.view()).unwrap();
    let a = LossOutput {
        value: LossValue::Scalar(f64::from(a.value.scalar().unwrap())),
        grad: a.grad.map(|g| to64(&g)),
    };
    assert_outputs_match("transposed logits", &b, &a, value_floor::<f32>());
}

#[test]
fn scalar_reductions_allocate_no_per_element_values() {
    // reduction `none` returns one value per row (sparse) or per element (sigmoid); a scalar
    // reduction returns a scalar, computed without materialising them (checked by the fused
    // path producing the same scalar).
    let mut rng = Rng(9);
    let x = rng.logits::<f32>(&[64, 8], false);
    let z = ArrayD::from_shape_simple_fn(IxDyn(&[64, 8]), || (rng.below(2)) as f32);
    let v = SigmoidCrossEntropy::<f32>::pytorch()
        .forward(x.view(), z.view())
        .unwrap();
    assert!(matches!(v, LossValue::Scalar(_)));
}

/// The logit-adjusted loss, whose fused path reads `x + o` on the fly in the sparse kernel: the
/// same bits as the base loss's fused path on the shifted array `x + o` (what it computed
/// before), and close to the general path in f64; wide and narrow rows (SIMD along the row, 8
/// rows at a time), batches split across threads, strided logits, a `−∞` offset.
fn logit_adjusted_case<F: Real>(
    rng: &mut Rng,
    shape: &[usize],
    extreme: bool,
    base: SparseSoftmaxCrossEntropy<F>,
    base64: SparseSoftmaxCrossEntropy<f64>,
    strided: bool,
) {
    let c = shape[shape.len() - 1];
    let rows_shape = &shape[..shape.len() - 1];
    // strided: the logits are every other column of a wider array
    let mut wide_shape = shape.to_vec();
    wide_shape[shape.len() - 1] = 2 * c;
    let wide = rng.logits::<F>(&wide_shape, extreme);
    let x = if strided {
        wide.slice_axis(Axis(shape.len() - 1), ndarray::Slice::new(0, None, 2))
            .to_owned()
    } else {
        rng.logits::<F>(shape, extreme)
    };
    let xv = if strided {
        wide.slice_axis(Axis(shape.len() - 1), ndarray::Slice::new(0, None, 2))
    } else {
        x.view()
    };
    let mut offsets: Array1<F> = Array1::from_shape_simple_fn(c, || F::of(-8.0 * rng.unit()));
    if c > 2 {
        offsets[c - 1] = F::neg_infinity();
    }
    let labels = c.saturating_sub(1).max(1);
    let mut y = ArrayD::from_shape_simple_fn(IxDyn(rows_shape), || rng.below(labels) as i64);
    if let Some(v) = y.iter_mut().next() {
        *v = -100;
    }
    let sw = rng.array::<F>(rows_shape, 0.0, 2.0);
    let reducer = base.reducer();
    let loss = LogitAdjustedCrossEntropy::new(offsets.clone()).base(base.clone());
    let loss64 = LogitAdjustedCrossEntropy::new(offsets.mapv(|v| v.f64())).base(base64);
    let z = &x + &offsets;
    for sw in [None, Some(sw.view())] {
        let what = format!(
            "logit-adjusted {shape:?} extreme={extreme} strided={strided} sw={} {reducer:?} {}",
            sw.is_some(),
            F::DTYPE
        );
        for want_grad in [false, true] {
            let got = loss
                .compute(xv.clone(), y.view(), sw.clone(), want_grad)
                .unwrap();
            let old = base
                .compute(z.view(), y.view(), sw.clone(), want_grad)
                .unwrap();
            let bits = |o: &LossOutput<F>| {
                (
                    o.value.clone().into_array().mapv(|v| v.f64().to_bits()),
                    o.grad.as_ref().map(|g| g.mapv(|v| v.f64().to_bits())),
                )
            };
            assert_eq!(
                bits(&got),
                bits(&old),
                "{what}: not the shifted array's bits"
            );
        }
        let (x64, sw64) = (to64(&x), sw.as_ref().map(|w| to64(&w.to_owned())));
        let general = |want_grad: bool| {
            let u = loss64
                .unreduced(
                    x64.view(),
                    y.view(),
                    sw64.as_ref().map(|w| w.view()),
                    want_grad,
                )
                .unwrap();
            let mut out = reducer.finish(u);
            if let Some(g) = out.grad.as_mut() {
                let last = Axis(g.ndim() - 1);
                for (mut row, &label) in g.lanes_mut(last).into_iter().zip(y.iter()) {
                    if label == -100 {
                        row.fill(0.0);
                    }
                }
            }
            out
        };
        let sw_owned = sw.map(|w| w.to_owned());
        check_loss_to(
            &what,
            &loss,
            &x,
            y.view(),
            sw_owned.as_ref(),
            general,
            lse_floor::<F>(),
        );
    }
}

#[rstest]
fn logit_adjusted_fused_matches_the_shifted_array_and_the_general_path(
    #[values(vec![5, 1], vec![37, 3], vec![3, 4, 15], vec![19, 16], vec![7, 100], vec![30_003, 10], vec![150, 1000])]
    shape: Vec<usize>,
    #[values(false, true)] extreme: bool,
    #[values(false, true)] strided: bool,
    #[values(0, 1, 2)] base: usize,
) {
    fn make<G: Real>(base: usize, w: &Array1<f64>) -> SparseSoftmaxCrossEntropy<G> {
        match base {
            0 => SparseSoftmaxCrossEntropy::pytorch().ignore_index(-100),
            1 => SparseSoftmaxCrossEntropy::pytorch()
                .ignore_index(-100)
                .class_weights(w.mapv(G::of))
                .label_smoothing(G::of(0.1)),
            _ => SparseSoftmaxCrossEntropy::keras()
                .ignore_index(-100)
                .reduction(Reduction::Sum),
        }
    }
    let c = shape[shape.len() - 1];
    let mut rng = Rng(c as u64 * 31 + shape[0] as u64);
    let w = Array1::from_shape_simple_fn(c, || 0.25 + 2.0 * rng.unit());
    logit_adjusted_case::<f32>(
        &mut rng,
        &shape,
        extreme,
        make(base, &w),
        make(base, &w),
        strided,
    );
    logit_adjusted_case::<f64>(
        &mut rng,
        &shape,
        extreme,
        make(base, &w),
        make(base, &w),
        strided,
    );
}

/// The asymmetric loss's focusing options: timm's defaults, no focusing, no margin, label
/// smoothing (the scalar element on the SIMD path), a fractional γ (scalar rows), the detached
/// focusing factor.
#[derive(Clone, Copy, Debug)]
enum Focusing {
    Timm,
    Unfocused,
    NoMargin,
    Smoothed,
    Fractional,
    Detached,
}

fn asymmetric_loss<G: Real>(focusing: Focusing) -> AsymmetricLoss<G> {
    let asl = AsymmetricLoss::<G>::new();
    match focusing {
        Focusing::Timm => asl,
        Focusing::Unfocused => asl.gamma_neg(G::zero()).gamma_pos(G::zero()),
        Focusing::NoMargin => asl.margin(G::zero()).gamma_neg(G::of(2.0)),
        Focusing::Smoothed => asl.label_smoothing(G::of(0.1)),
        Focusing::Fractional => asl.gamma_neg(G::of(2.5)).gamma_pos(G::of(0.5)),
        Focusing::Detached => asl.detach_focal_weight(true).margin(G::of(0.2)),
    }
}

#[allow(clippy::too_many_arguments)]
fn asymmetric_case<F: Real>(
    rng: &mut Rng,
    shape: &[usize],
    extreme: bool,
    soft: bool,
    focusing: Focusing,
    pos_weight: Option<bool>, // Some(true): per class, Some(false): scalar
    weight: bool,
    sum_classes: bool,
    sw: Sw,
) {
    let nd = shape.len();
    let c = shape[nd - 1];
    let x = rng.logits::<F>(shape, extreme);
    let y = ArrayD::from_shape_simple_fn(IxDyn(shape), || {
        let hard = (rng.below(4) == 0) as u8 as f64;
        // soft targets in some elements: the SIMD lanes that hold one take the scalar element
        F::of(if soft && rng.below(9) == 0 {
            rng.unit()
        } else {
            hard
        })
    });
    let Some((sw, q)) = element_weights::<F>(rng, shape, sum_classes, sw, pos_weight) else {
        return;
    };
    let v = weight.then(|| to64(&rng.array::<F>(&[c], 0.0, 2.0)));
    fn build<G: Real>(
        focusing: Focusing,
        reducer: Reducer,
        sum_classes: bool,
        q: &Option<ArrayD<f64>>,
        v: &Option<ArrayD<f64>>,
    ) -> AsymmetricLoss<G> {
        let mut loss = asymmetric_loss::<G>(focusing)
            .reduction(reducer)
            .sum_over_classes(sum_classes);
        if let Some(q) = q {
            loss = loss.pos_weight(of(q));
        }
        if let Some(v) = v {
            loss = loss.class_weights(of::<G>(v).into_dimensionality().unwrap());
        }
        loss
    }
    for reducer in reducers_for(shape) {
        let loss = build::<F>(focusing, reducer, sum_classes, &q, &v);
        // the general path in the same precision: in f32 `ln(q + m)` and `1 − y'` cancel as
        // they do in timm, and the f64 path would not
        let general = |want_grad: bool| {
            let sw = sw.as_ref().map(|w| w.view());
            let out = reducer.finish(loss.unreduced(x.view(), y.view(), sw, want_grad).unwrap());
            LossOutput {
                value: match out.value {
                    LossValue::Scalar(v) => LossValue::Scalar(v.f64()),
                    LossValue::PerElement(a) => LossValue::PerElement(to64(&a)),
                },
                grad: out.grad.as_ref().map(to64),
            }
        };
        let what = format!(
            "asymmetric {shape:?} extreme={extreme} soft={soft} {focusing:?} q={pos_weight:?} \
             v={weight} sum_classes={sum_classes} {reducer:?} {}",
            F::DTYPE
        );
        // b = p − m cancels where p is near the margin: an ulp of p there is many ulp of b^γ,
        // on element losses 10⁻⁹ of the largest and below
        let largest = max_abs(&general(false).value.into_array());
        let floor = value_floor::<F>().max(1e-9 * largest);
        check_loss_to(&what, &loss, &x, y.view(), sw.as_ref(), general, floor);
    }
}

#[rstest]
fn asymmetric_fused_matches_general(
    #[values(vec![5, 1], vec![9, 7], vec![3, 2, 33], vec![2, 512])] shape: Vec<usize>,
    #[values(false, true)] extreme: bool,
    #[values(
        Focusing::Timm,
        Focusing::Unfocused,
        Focusing::NoMargin,
        Focusing::Smoothed,
        Focusing::Fractional,
        Focusing::Detached
    )]
    focusing: Focusing,
    #[values(None, Some(true))] pos_weight: Option<bool>,
    #[values(false, true)] sum_classes: bool,
    #[values(Sw::None, Sw::PerRow, Sw::PerElement)] sw: Sw,
) {
    let mut rng = Rng(17);
    for soft in [false, true] {
        let weight = soft; // class weights with the soft targets
        asymmetric_case::<f32>(
            &mut rng,
            &shape,
            extreme,
            soft,
            focusing,
            pos_weight,
            weight,
            sum_classes,
            sw,
        );
        asymmetric_case::<f64>(
            &mut rng,
            &shape,
            extreme,
            soft,
            focusing,
            pos_weight,
            weight,
            sum_classes,
            sw,
        );
    }
}

#[rstest]
fn asymmetric_fused_matches_general_on_batches_split_across_threads(
    #[values(vec![300, 512], vec![40_003, 7])] shape: Vec<usize>,
) {
    let mut rng = Rng(19);
    asymmetric_case::<f32>(
        &mut rng,
        &shape,
        true,
        false,
        Focusing::Timm,
        Some(false),
        true,
        true,
        Sw::PerRow,
    );
    asymmetric_case::<f32>(
        &mut rng,
        &shape,
        false,
        true,
        Focusing::Detached,
        Some(true),
        false,
        false,
        Sw::None,
    );
}

/// The same batch on a 1-thread and a 2-thread pool gives bit-identical values and gradients
/// (chunk partial sums in f64, added in chunk order), for batches above the parallel
/// thresholds: wide and narrow softmax rows, sigmoid and asymmetric elements.
#[test]
fn results_do_not_depend_on_the_thread_count() {
    fn same<L>(what: &str, loss: &L, x: &ArrayD<f32>, t: ArrayViewD<'_, L::Label>)
    where
        L: Loss<f32> + Sync,
        L::Label: Sync,
    {
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| loss.forward_backward(x.view(), t.clone()).unwrap())
        };
        let (a, b) = (run(1), run(2));
        let bits = |o: &LossOutput<f32>| {
            let mut v: Vec<u32> = o
                .value
                .clone()
                .into_array()
                .iter()
                .map(|x| x.to_bits())
                .collect();
            v.extend(o.grad.as_ref().unwrap().iter().map(|x| x.to_bits()));
            v
        };
        assert_eq!(bits(&a), bits(&b), "{what}");
    }
    let mut rng = Rng(23);
    for shape in [[300, 1000], [40_000, 10]] {
        let x = rng.logits::<f32>(&shape, false);
        let y = ArrayD::from_shape_simple_fn(IxDyn(&shape[..1]), || rng.below(shape[1]) as i64);
        let loss = SparseSoftmaxCrossEntropy::<f32>::pytorch();
        same(&format!("sparse {shape:?}"), &loss, &x, y.view());
    }
    let x = rng.logits::<f32>(&[300, 512], false);
    let z = ArrayD::from_shape_simple_fn(IxDyn(&[300, 512]), || (rng.below(9) == 0) as u8 as f32);
    same(
        "sigmoid",
        &SigmoidCrossEntropy::<f32>::pytorch(),
        &x,
        z.view(),
    );
    same("asymmetric", &AsymmetricLoss::<f32>::timm(), &x, z.view());
}
