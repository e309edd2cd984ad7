//! Bad or extreme input to the trainer never panics, aborts or gives a quietly wrong number: one
//! row per finding of issue 11 (its item numbers in the names), each failing on the code before
//! the fix.

use ndarray::{Array2, ArrayD, ArrayViewD, array};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use reweigh::ReweighError;
use reweigh::error::Result;
use reweigh::output::{LossOutput, LossValue};
use reweigh_train::{
    Activation, Adam, BatchLoss, Dense, FitOptions, Initializer, Sequential, Shuffle, Trainer,
};
use rstest::rstest;

fn rng() -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(7)
}

/// Runs `f`, turning a panic into a test failure that names the row.
fn no_panic<T>(what: &str, f: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| panic!("{what}: panicked instead of returning"))
}

fn too_large<T: std::fmt::Debug>(r: Result<T>) -> bool {
    matches!(r, Err(ReweighError::TooLarge { .. }))
}

#[rstest]
#[case::zeros_shape_overflows("(issue 11 #8) Zeros of [usize::MAX, 2]", || too_large(Initializer::Zeros.sample::<f32, _>(&[usize::MAX, 2], &mut rng())))]
#[case::keras_fans_overflow("(issue 11 #8) Dense::keras(usize::MAX, 2)", || too_large(Dense::<f32>::keras(usize::MAX, 2, Activation::Linear, &mut rng())))]
#[case::keras_2p31_squared("(issue 11 #8) Dense::keras(2^31, 2^31)", || too_large(Dense::<f32>::keras(1 << 31, 1 << 31, Activation::Linear, &mut rng())))]
#[case::new_2p20_squared("(issue 11 #8) Dense::new(2^20, 2^20): 4 TiB is refused, not an abort", || too_large(Dense::<f32>::new(1 << 20, 1 << 20, Activation::Linear, Initializer::Zeros, Initializer::Zeros, &mut rng())))]
#[case::uniform_width_overflows("(issue 11 #3) RandomUniform ±1e308 (f64)", || {
    let w = Initializer::RandomUniform { min: -1e308, max: 1e308 }.sample::<f64, _>(&[64], &mut rng()).unwrap();
    w.iter().all(|v| v.is_finite() && (-1e308..1e308).contains(v)) && w.iter().any(|v| v.abs() > 1e306)
})]
#[case::uniform_width_overflows_dense("(issue 11 #3) Dense::new with RandomUniform ±1e308 (f64)", || {
    Dense::<f64>::new(3, 2, Activation::Linear, Initializer::RandomUniform { min: -1e308, max: 1e308 }, Initializer::Zeros, &mut rng()).is_ok()
})]
#[case::constant_overflows_f32("(issue 11 #18) Constant(1e300) in f32", || matches!(
    Initializer::Constant(1e300).sample::<f32, _>(&[2], &mut rng()),
    Err(ReweighError::InvalidParameter { name: "constant", .. })))]
#[case::uniform_overflows_f32("(issue 11 #18) RandomUniform ±1e300 in f32", || matches!(
    Initializer::RandomUniform { min: -1e300, max: 1e300 }.sample::<f32, _>(&[2], &mut rng()),
    Err(ReweighError::InvalidParameter { name: "min", .. })))]
#[case::constant_fine_in_f64("(issue 11 #18) Constant(1e300) in f64 stays valid", ||
    Initializer::Constant(1e300).sample::<f64, _>(&[2], &mut rng()).unwrap().iter().all(|&v| v == 1e300))]
#[case::adam_duplicate_id("(issue 11 #2) Adam: one id twice in a step, two shapes", || {
    let (mut a, mut b) = (ArrayD::<f32>::zeros(vec![2]), ArrayD::<f32>::zeros(vec![3]));
    let (ga, gb) = (ArrayD::<f32>::ones(vec![2]), ArrayD::<f32>::ones(vec![3]));
    let mut adam = Adam::<f32>::keras();
    let r = adam.apply(vec![(0, a.view_mut(), ga.view()), (0, b.view_mut(), gb.view())]);
    matches!(r, Err(ReweighError::Incompatible(_))) && a.iter().all(|&v| v == 0.0) && adam.iterations() == 0
})]
#[case::adam_duplicate_id_same_shape("(issue 11 #2) Adam: one id twice in a step, same shape", || {
    let (mut a, mut b) = (ArrayD::<f32>::zeros(vec![2]), ArrayD::<f32>::zeros(vec![2]));
    let g = ArrayD::<f32>::ones(vec![2]);
    Adam::<f32>::keras().apply(vec![(5, a.view_mut(), g.view()), (5, b.view_mut(), g.view())]).is_err()
})]
#[case::adam_id_max("(issue 11 #2) Adam: id usize::MAX", || {
    let mut w = ArrayD::<f32>::zeros(vec![2]);
    let g = ArrayD::<f32>::ones(vec![2]);
    let mut adam = Adam::<f32>::keras();
    adam.apply(vec![(usize::MAX, w.view_mut(), g.view())]).is_ok()
        && adam.apply(vec![(usize::MAX, w.view_mut(), g.view())]).is_ok()
        && (w[0] - -0.002).abs() < 1e-6
})]
#[case::adam_id_2p40("(issue 11 #8) Adam: id 2^40 allocates nothing", || {
    let mut w = ArrayD::<f32>::zeros(vec![1]);
    let g = ArrayD::<f32>::ones(vec![1]);
    Adam::<f32>::keras().apply(vec![(1 << 40, w.view_mut(), g.view())]).is_ok()
})]
fn table(#[case] what: &str, #[case] row: fn() -> bool) {
    assert!(no_panic(what, row), "{what}: wrong result");
}

/// A user loss whose gradient has the wrong shape `(batch, classes + extra)` or `(batch - 1, classes)`.
#[derive(Debug)]
struct WrongGradient {
    extra_columns: usize,
    missing_rows: usize,
}

impl BatchLoss<f64> for WrongGradient {
    fn batch_loss(
        &self,
        logits: ArrayViewD<'_, f64>,
        _labels: ArrayViewD<'_, i64>,
        _sample_weight: Option<ArrayViewD<'_, f64>>,
        want_grad: bool,
    ) -> Result<LossOutput<f64>> {
        let (n, c) = (logits.shape()[0], logits.shape()[1]);
        Ok(LossOutput {
            value: LossValue::Scalar(0.5),
            grad: want_grad.then(|| {
                Array2::<f64>::ones((n - self.missing_rows, c + self.extra_columns)).into_dyn()
            }),
        })
    }
}

#[rstest]
#[case::two_layers_wider("(issue 11 #4) 2 layers, gradient one column too wide", 2, 1, 0)]
#[case::one_layer_wider("(issue 11 #4) 1 layer, gradient one column too wide", 1, 1, 0)]
#[case::one_layer_shorter(
    "(issue 11 #4) 1 layer, gradient one row short: no silent truncation",
    1,
    0,
    1
)]
#[case::two_layers_shorter("(issue 11 #4) 2 layers, gradient one row short", 2, 0, 1)]
fn fit_checks_the_gradient_shape(
    #[case] what: &str,
    #[case] layers: usize,
    #[case] extra_columns: usize,
    #[case] missing_rows: usize,
) {
    let mut dense = vec![
        Dense::from_weights(
            array![[0.1_f64, 0.2], [0.3, -0.1]],
            array![0.0, 0.0],
            Activation::Relu,
        )
        .unwrap(),
    ];
    if layers == 2 {
        dense.push(
            Dense::from_weights(
                array![[0.5_f64, -0.5], [0.2, 0.1]],
                array![0.0, 0.0],
                Activation::Softmax,
            )
            .unwrap(),
        );
    } else {
        dense[0] = Dense::from_weights(
            dense[0].kernel().clone(),
            dense[0].bias().clone(),
            Activation::Softmax,
        )
        .unwrap();
    }
    let mut trainer = Trainer::new(Sequential::new(dense).unwrap()).loss(WrongGradient {
        extra_columns,
        missing_rows,
    });
    let before = trainer.model().clone();
    let (x, y) = (
        array![[1.0_f64, 0.0], [0.0, 1.0], [0.5, 0.5]],
        array![0_i64, 1, 0],
    );
    let r = no_panic(what, || {
        trainer.fit(
            x.view(),
            y.view(),
            &FitOptions::new()
                .epochs(1)
                .batch_size(3)
                .shuffle(Shuffle::Off),
        )
    });
    assert!(
        matches!(r, Err(ReweighError::ShapeMismatch { .. })),
        "{what}: {r:?}"
    );
    assert_eq!(trainer.model(), &before, "{what}: the weights changed");
}

#[rstest]
#[case::nan_input("(issue 11 #13) NaN input", f64::NAN)]
#[case::inf_input("(issue 11 #13) +inf input", f64::INFINITY)]
fn predict_propagates_non_finite_input(#[case] what: &str, #[case] v: f64) {
    // Keras and PyTorch propagate NaN through relu and softmax: so does predict (fit rejects
    // non-finite x with a typed error, before training on it).
    let hidden =
        Dense::from_weights(array![[1.0_f64, 1.0]], array![0.0, 0.0], Activation::Relu).unwrap();
    let out = Dense::from_weights(
        array![[1.0_f64, 0.0], [0.0, 1.0]],
        array![0.0, 0.0],
        Activation::Softmax,
    )
    .unwrap();
    let model = Sequential::new(vec![hidden, out]).unwrap();
    let x = array![[v]];
    let p = model.predict(x.view()).unwrap();
    assert!(p.iter().all(|p| p.is_nan()), "{what}: {p}");
    let mut trainer = Trainer::new(model);
    let fit = trainer.fit(x.view(), array![0_i64].view(), &FitOptions::new().epochs(1));
    assert!(
        matches!(fit, Err(ReweighError::NonFinite { .. })),
        "{what}: fit gave {fit:?}"
    );
    // a finite input is unaffected
    let p = trainer.predict(array![[-2.0_f64]].view()).unwrap();
    assert!((p[[0, 0]] - 0.5).abs() < 1e-15);
}

/// A loss schedule switches at its start epoch inside one `fit`: zero class weights from epoch 2
/// on make the training loss exactly 0 from then, and validation after each epoch uses that
/// epoch's loss.
#[test]
fn loss_schedule_switches_at_its_start_epoch() {
    use reweigh::losses::SparseSoftmaxCrossEntropy;
    use reweigh_train::{LossSchedule, Validation};
    let layer = Dense::from_weights(
        array![[0.5_f64, -0.5], [0.25, 0.0]],
        array![0.0, 0.0],
        Activation::Softmax,
    )
    .unwrap();
    let schedule = LossSchedule::new(SparseSoftmaxCrossEntropy::pytorch())
        .then_from(
            2,
            SparseSoftmaxCrossEntropy::keras().class_weights(array![0.0, 0.0]),
        )
        .unwrap();
    let mut trainer = Trainer::new(Sequential::new(vec![layer]).unwrap()).loss_schedule(schedule);
    let x = array![[1.0, 2.0], [0.0, 1.0], [3.0, -1.0]];
    let y = array![0_i64, 1, 1];
    let opts = FitOptions::new()
        .epochs(4)
        .batch_size(3)
        .shuffle(Shuffle::Off)
        .validation(Validation::new(x.view(), y.view()));
    let h = trainer.fit(x.view(), y.view(), &opts).unwrap();
    let train: Vec<f64> = h.train.iter().map(|l| l.loss).collect();
    let val: Vec<f64> = h.val.iter().map(|l| l.loss).collect();
    assert!(train[0] > 0.1 && train[1] > 0.1, "{train:?}");
    assert_eq!(&train[2..], &[0.0, 0.0]);
    assert!(val[1] > 0.1, "{val:?}");
    assert_eq!(&val[2..], &[0.0, 0.0]);
    // evaluate uses the loss of the last epoch trained
    let e = trainer.evaluate(x.view(), y.view(), None, 3).unwrap();
    assert_eq!(e.loss, 0.0);
}
