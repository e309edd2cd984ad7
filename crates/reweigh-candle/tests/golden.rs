//! Every golden case of every loss built from a configuration (data/reference/), run through
//! the candle op: the value `CandleLoss::forward` returns and the gradient candle's `backward()`
//! gives for the logits `Var`, compared with the frameworks' at the golden tolerances, and with
//! reweigh's own ndarray result. Each case runs twice: on contiguous tensors, and on tensors
//! stored with their axes reversed and permuted back (strided views, and candle's backprop
//! through the permutation). Error cases must fail through candle with reweigh's message.

#[path = "../../../tests/reference/mod.rs"]
#[allow(dead_code)]
mod reference;

use candle_core::{Tensor, Var, WithDType};
use ndarray::{ArrayD, ArrayViewD};
use reference::backend::Backend;
use reference::case::{Extra, Outcome};
use reference::golden::{Runner, run_files};
use reweigh::{Loss, ReweighError};
use reweigh_candle::{CandleLoss, Float, TargetElement};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The largest |candle − reweigh on ndarray| over values and gradients, as f64 bits.
static WORST_VS_NDARRAY: AtomicU64 = AtomicU64::new(0);

fn note_diff(d: f64) {
    WORST_VS_NDARRAY.fetch_max(d.to_bits(), Ordering::Relaxed);
}

/// A tensor with the values of `a`: contiguous, or stored with its axes reversed and permuted back.
fn tensor<T: WithDType>(a: ArrayViewD<'_, T>, strided: bool) -> candle_core::Result<Tensor> {
    let cpu = &candle_core::Device::Cpu;
    let n = a.ndim();
    if strided && n >= 2 {
        let stored = a.reversed_axes();
        let data: Vec<T> = stored.iter().copied().collect();
        Tensor::from_vec(data, stored.shape().to_vec(), cpu)?.permute(reversed(n))
    } else {
        Tensor::from_vec(
            a.iter().copied().collect::<Vec<T>>(),
            a.shape().to_vec(),
            cpu,
        )
    }
}

fn reversed(n: usize) -> Vec<usize> {
    (0..n).rev().collect()
}

/// The input as a `Var` leaf and the tensor the op sees: the leaf itself, or the leaf stored with
/// reversed axes and permuted back.
fn leaf<F: Float>(x: ArrayViewD<'_, F>, strided: bool) -> candle_core::Result<(Var, Tensor)> {
    let n = x.ndim();
    let strided = strided && n >= 2;
    let stored = if strided { x.reversed_axes() } else { x };
    let data: Vec<F> = stored.iter().copied().collect();
    let var = Var::from_vec(data, stored.shape().to_vec(), &candle_core::Device::Cpu)?;
    let input = if strided {
        var.as_tensor().permute(reversed(n))?
    } else {
        var.as_tensor().clone()
    };
    Ok((var, input))
}

fn to_array<T: WithDType>(t: &Tensor) -> ArrayD<T> {
    let dims = t.dims().to_vec();
    ArrayD::from_shape_vec(dims, t.flatten_all().unwrap().to_vec1::<T>().unwrap()).unwrap()
}

/// The largest difference between two arrays of one shape (equal NaNs and infinities count 0).
fn max_diff<F: Float>(a: &ArrayD<F>, b: &ArrayD<F>) -> f64 {
    assert_eq!(a.shape(), b.shape());
    a.iter().zip(b).fold(0.0_f64, |m, (p, q)| {
        let (p, q) = (p.f64(), q.f64());
        if p == q || (p.is_nan() && q.is_nan()) {
            m
        } else {
            m.max((p - q).abs())
        }
    })
}

/// The case through candle, once per layout; each must agree with reweigh on ndarray: the same
/// values and gradients, or, for an error case, an error carrying reweigh's message.
fn through_candle<F: Float, T: TargetElement, L>(
    loss: L,
    x: ArrayViewD<'_, F>,
    y: ArrayViewD<'_, T>,
    sw: Option<ArrayViewD<'_, F>>,
) -> Result<Outcome<F>, ReweighError>
where
    L: Loss<F, Label = T> + Send + Sync + 'static,
{
    let loss = CandleLoss::new(loss);
    let direct = loss.loss().compute(x.view(), y.view(), sw.clone(), true);
    let mut result = None;
    for strided in [false, true] {
        let run = || -> candle_core::Result<(Tensor, Var)> {
            let (var, input) = leaf(x.view(), strided)?;
            let target = tensor(y.view(), strided)?;
            let value = match &sw {
                Some(w) => loss.forward_weighted(&input, &target, &tensor(w.view(), strided)?)?,
                None => loss.forward(&input, &target)?,
            };
            Ok((value, var))
        };
        match (run(), &direct) {
            (Err(e), Err(d)) => {
                let msg = e.to_string();
                assert!(
                    msg.contains(&d.to_string()),
                    "candle's error {msg:?} does not carry reweigh's {d}"
                );
            }
            (Err(e), Ok(_)) => panic!("candle failed where reweigh computes: {e}"),
            (Ok(_), Err(d)) => panic!("candle computed where reweigh fails: {d}"),
            (Ok((value, var)), Ok(d)) => {
                let total = if value.rank() == 0 {
                    value.clone()
                } else {
                    value.sum_all().expect("sum")
                };
                let grads = total.backward().expect("candle's backward");
                let g = to_array::<F>(
                    grads
                        .get(var.as_tensor())
                        .expect("a gradient for the input"),
                );
                let g = if strided && x.ndim() >= 2 {
                    g.reversed_axes().as_standard_layout().into_owned()
                } else {
                    g
                };
                let v = to_array::<F>(&value);
                let dv = d.value.clone().into_array();
                note_diff(max_diff(&v, &dv));
                note_diff(max_diff(&g, d.grad.as_ref().expect("reweigh's gradient")));
                result = Some(Outcome {
                    value: v,
                    grad: Some(g),
                });
            }
        }
    }
    match (result, direct) {
        (Some(out), _) => Ok(out),
        (None, Err(e)) => Err(e),
        (None, Ok(_)) => unreachable!("a computed case gives a result"),
    }
}

struct Candle;

impl<F: Float> Backend<F> for Candle {
    fn dense<L>(
        loss: L,
        x: ArrayViewD<'_, F>,
        y: ArrayViewD<'_, F>,
        sw: Option<ArrayViewD<'_, F>>,
    ) -> Result<Outcome<F>, ReweighError>
    where
        L: Loss<F, Label = F> + Send + Sync + 'static,
    {
        through_candle(loss, x, y, sw)
    }

    fn sparse<L>(
        loss: L,
        x: ArrayViewD<'_, F>,
        y: ArrayViewD<'_, i64>,
        sw: Option<ArrayViewD<'_, F>>,
    ) -> Result<Outcome<F>, ReweighError>
    where
        L: Loss<F, Label = i64> + Send + Sync + 'static,
    {
        through_candle(loss, x, y, sw)
    }
}

/// The families of `run_loss` that compute no loss on tensors (margins, class weights, post-hoc
/// offsets of logits): not run through candle.
const NOT_A_LOSS: &[&str] = &[
    "ldam_margins",
    "drw_class_weights",
    "posthoc_logit_adjustment",
];

fn runner<F: Float>(case: &reference::case::Case) -> Option<reference::case::OutcomeWithExtra<F>> {
    if NOT_A_LOSS.contains(&case.loss.as_str()) {
        return None;
    }
    reference::run_loss::<F, Candle>(case).map(|r| r.map(|o| (o, Extra::new())))
}

#[test]
fn golden_cases_through_candle() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/reference");
    let summary = run_files(
        &dir,
        &Runner {
            f32: runner::<f32>,
            f64: runner::<f64>,
        },
    );
    summary.print();
    let worst = f64::from_bits(WORST_VS_NDARRAY.load(Ordering::Relaxed));
    println!("worst |candle − reweigh on ndarray| over values and gradients: {worst:.3e}");
    summary.assert_passed();
    assert!(
        summary.total > 2000,
        "only {} cases ran through candle",
        summary.total
    );
}
