//! The candle op against candle-nn, on chained graphs, with reduction `none` and upstream
//! gradients of either sign, and on bad input.

use candle_core::{D, DType, Device, Tensor, Var};
use ndarray::{Array1, Array2, Axis};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reweigh::losses::{SigmoidCrossEntropy, SparseSoftmaxCrossEntropy};
use reweigh::{Loss, Reduction};
use reweigh_candle::CandleLoss;

fn max_abs_diff(a: &Tensor, b: &Tensor) -> f32 {
    (a - b)
        .unwrap()
        .abs()
        .unwrap()
        .flatten_all()
        .unwrap()
        .max(D::Minus1)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap()
}

fn random(rows: usize, cols: usize, seed: u64) -> Vec<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..rows * cols)
        .map(|_| rng.random_range(-3.0_f32..3.0))
        .collect()
}

/// candle-nn's binary_cross_entropy_with_logit computes sigmoid, then log: at logits ±100 it is
/// not finite (candle issue #2561), where reweigh's op (softplus form) is, value and gradient,
/// and equal to reweigh on ndarray.
#[test]
fn candle_nn_bce_goes_non_finite_where_the_op_stays_finite() {
    let cpu = &Device::Cpu;
    let x = [100.0_f32, -100.0, 100.0, -100.0, 0.5, -0.5];
    let y = [0.0_f32, 1.0, 1.0, 0.0, 1.0, 0.0];
    let logits = Var::from_slice(&x, (3, 2), cpu).unwrap();
    let labels = Tensor::from_slice(&y, (3, 2), cpu).unwrap();
    let theirs = candle_nn::loss::binary_cross_entropy_with_logit(logits.as_tensor(), &labels)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!(!theirs.is_finite(), "candle-nn gave {theirs}");

    let loss = SigmoidCrossEntropy::<f32>::pytorch();
    let ours = CandleLoss::new(loss.clone())
        .forward(logits.as_tensor(), &labels)
        .unwrap();
    let grad = ours
        .backward()
        .unwrap()
        .get(logits.as_tensor())
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    let xa = Array2::from_shape_vec((3, 2), x.to_vec())
        .unwrap()
        .into_dyn();
    let ya = Array2::from_shape_vec((3, 2), y.to_vec())
        .unwrap()
        .into_dyn();
    let direct = loss.forward_backward(xa.view(), ya.view()).unwrap();
    assert!(ours.to_scalar::<f32>().unwrap().is_finite());
    assert_eq!(
        ours.to_scalar::<f32>().unwrap(),
        direct.value.scalar().unwrap()
    );
    assert!(grad.iter().all(|g| g.is_finite()));
    assert_eq!(
        grad,
        direct.grad.unwrap().iter().copied().collect::<Vec<_>>()
    );
}

/// A linear layer trained through the op gets candle-nn's cross_entropy gradients (the unweighted
/// mean, the one case candle-nn has): the op's backward composes with candle's matmul backward.
#[test]
fn the_op_in_a_graph_matches_candle_nn_cross_entropy() {
    let cpu = &Device::Cpu;
    let (n, d, c) = (64, 12, 10);
    let x = Tensor::from_vec(random(n, d, 1), (n, d), cpu).unwrap();
    let w = Var::from_vec(random(d, c, 2), (d, c), cpu).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let labels: Vec<u32> = (0..n).map(|_| rng.random_range(0..c as u32)).collect();
    let y = Tensor::from_vec(labels, n, cpu).unwrap();
    let logits = x.matmul(w.as_tensor()).unwrap();

    let theirs = candle_nn::loss::cross_entropy(&logits, &y).unwrap();
    let g_theirs = theirs
        .backward()
        .unwrap()
        .get(w.as_tensor())
        .unwrap()
        .clone();
    let ours = CandleLoss::new(SparseSoftmaxCrossEntropy::<f32>::pytorch())
        .forward(&logits, &y)
        .unwrap();
    let g_ours = ours.backward().unwrap().get(w.as_tensor()).unwrap().clone();
    assert!(max_abs_diff(&theirs, &ours) < 1e-6);
    assert!(
        max_abs_diff(&g_theirs, &g_ours) < 1e-6,
        "{}",
        max_abs_diff(&g_theirs, &g_ours)
    );
}

/// With reduction `none` the backward takes the upstream gradient element by element, of either
/// sign: d Σ_i c_i·ℓ_i / dx has row i equal to c_i times row i of d Σ ℓ / dx.
#[test]
fn reduction_none_takes_signed_upstream_gradients() {
    let cpu = &Device::Cpu;
    let (n, c) = (16, 5);
    let x = random(n, c, 4);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let labels: Vec<i64> = (0..n).map(|_| rng.random_range(0..c as i64)).collect();
    let coef: Vec<f32> = (0..n).map(|_| rng.random_range(-2.0_f32..2.0)).collect();
    let loss = SparseSoftmaxCrossEntropy::<f32>::pytorch()
        .class_weights(Array1::from(vec![1.0, 2.0, 0.5, 1.5, 3.0]))
        .label_smoothing(0.1)
        .reduction(Reduction::None);
    let logits = Var::from_vec(x.clone(), (n, c), cpu).unwrap();
    let y = Tensor::from_vec(labels.clone(), n, cpu).unwrap();
    let per_row = CandleLoss::new(loss.clone())
        .forward(logits.as_tensor(), &y)
        .unwrap();
    assert_eq!(per_row.dims(), &[n]);
    let total = (per_row * Tensor::from_vec(coef.clone(), n, cpu).unwrap())
        .unwrap()
        .sum_all()
        .unwrap();
    let g = total
        .backward()
        .unwrap()
        .get(logits.as_tensor())
        .unwrap()
        .to_vec2::<f32>()
        .unwrap();

    let xa = Array2::from_shape_vec((n, c), x).unwrap().into_dyn();
    let ya = Array1::from(labels).into_dyn();
    let direct = loss
        .forward_backward(xa.view(), ya.view())
        .unwrap()
        .grad
        .unwrap();
    for (i, row) in direct.axis_iter(Axis(0)).enumerate() {
        for (j, &gij) in row.iter().enumerate() {
            assert!(
                (g[i][j] - coef[i] * gij).abs() <= 1e-6,
                "({i}, {j}): {} vs {}",
                g[i][j],
                coef[i] * gij
            );
        }
    }
}

/// Bad input is a candle error that carries reweigh's message, never a panic.
#[test]
fn bad_input_is_a_candle_error_with_reweighs_message() {
    let cpu = &Device::Cpu;
    let loss = CandleLoss::new(SparseSoftmaxCrossEntropy::<f32>::pytorch());
    let logits = Var::from_vec(random(2, 3, 6), (2, 3), cpu).unwrap();

    let out_of_range = Tensor::new(&[0_i64, 3], cpu).unwrap();
    let e = loss
        .forward(logits.as_tensor(), &out_of_range)
        .unwrap_err()
        .to_string();
    let direct = SparseSoftmaxCrossEntropy::<f32>::pytorch()
        .forward(
            ndarray::ArrayD::zeros(vec![2, 3]).view(),
            ndarray::arr1(&[0_i64, 3]).into_dyn().view(),
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains(&direct), "{e} / {direct}");

    let wrong_dtype = logits.as_tensor().to_dtype(DType::F64).unwrap();
    let e = loss
        .forward(&wrong_dtype, &Tensor::new(&[0_i64, 1], cpu).unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("F64") && e.contains("F32"), "{e}");

    let float_labels = Tensor::new(&[0.0_f32, 1.0], cpu).unwrap();
    let e = loss
        .forward(logits.as_tensor(), &float_labels)
        .unwrap_err()
        .to_string();
    assert!(e.contains("integer class labels"), "{e}");

    let short = Tensor::new(&[0_i64], cpu).unwrap();
    assert!(loss.forward(logits.as_tensor(), &short).is_err());

    let weights = Tensor::new(&[1.0_f32, f32::NAN], cpu).unwrap();
    let e = loss
        .forward_weighted(
            logits.as_tensor(),
            &Tensor::new(&[0_i64, 1], cpu).unwrap(),
            &weights,
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("sample_weight") && e.contains("NaN"), "{e}");
}

/// An input that is not tracked computes the value only; its value is the tracked one's.
#[test]
fn untracked_input_gives_the_same_value() {
    let cpu = &Device::Cpu;
    let loss = CandleLoss::new(SparseSoftmaxCrossEntropy::<f64>::keras());
    let x: Vec<f64> = random(4, 3, 7).into_iter().map(f64::from).collect();
    let tracked = Var::from_vec(x.clone(), (4, 3), cpu).unwrap();
    let plain = Tensor::from_vec(x, (4, 3), cpu).unwrap();
    let y = Tensor::new(&[0_u8, 1, 2, 1], cpu).unwrap();
    let a = loss
        .forward(tracked.as_tensor(), &y)
        .unwrap()
        .to_scalar::<f64>()
        .unwrap();
    let b = loss
        .forward(&plain, &y)
        .unwrap()
        .to_scalar::<f64>()
        .unwrap();
    assert_eq!(a, b);
}
