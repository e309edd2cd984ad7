//! A fully connected layer, `keras.layers.Dense(units, activation)`.

use super::Initializer;
use ndarray::{Array1, Array2, ArrayView2, Axis, Ix1, Ix2};
use rand::Rng;
use reweigh::Real;
use reweigh::check::{check_finite, check_same_shape};
use reweigh::error::{Result, ReweighError};

/// A layer's activation.
///
/// ```text
/// Linear   a = z
/// Relu     a = max(z, 0)          ∂a/∂z = 1 if z > 0 else 0 (TensorFlow's ReluGrad: 0 at z = 0);
///          NaN stays NaN, as tf.nn.relu and torch.relu propagate it
/// Sigmoid  a = 1 / (1 + e^−z)     ∂a/∂z = a(1 − a)
/// Tanh     a = tanh z             ∂a/∂z = 1 − a²
/// Softmax  a = softmax(z) per row (output layer only: the loss is computed from z, as Keras does
///          for a softmax output on the TensorFlow backend)
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activation {
    /// Identity.
    Linear,
    /// Rectified linear unit.
    Relu,
    /// Logistic sigmoid.
    Sigmoid,
    /// Hyperbolic tangent.
    Tanh,
    /// Softmax over the units (the classifier output).
    Softmax,
}

impl Activation {
    /// The Keras name (`"linear"`, `"relu"`, `"sigmoid"`, `"tanh"`, `"softmax"`).
    pub fn name(self) -> &'static str {
        match self {
            Activation::Linear => "linear",
            Activation::Relu => "relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Softmax => "softmax",
        }
    }

    /// Applies the activation to pre-activations `z` (rows are samples).
    pub fn apply<F: Real>(self, z: &Array2<F>) -> Array2<F> {
        match self {
            Activation::Linear => z.clone(),
            Activation::Relu => z.mapv(|v| if v < F::zero() { F::zero() } else { v }),
            Activation::Sigmoid => z.mapv(reweigh::math::sigmoid),
            Activation::Tanh => z.mapv(|v| v.tanh()),
            Activation::Softmax => {
                let mut a = Array2::zeros(z.raw_dim());
                for (row, mut out) in z.lanes(Axis(1)).into_iter().zip(a.lanes_mut(Axis(1))) {
                    out.assign(&reweigh::math::softmax(row));
                }
                a
            }
        }
    }

    /// Multiplies the upstream gradient `da` (of the activations) by `∂a/∂z`, giving the gradient
    /// of the pre-activations. Not defined for `Softmax`, whose gradient the loss provides.
    pub(crate) fn backward<F: Real>(
        self,
        z: &Array2<F>,
        a: &Array2<F>,
        da: Array2<F>,
    ) -> Array2<F> {
        let mut dz = da;
        match self {
            Activation::Linear | Activation::Softmax => {}
            Activation::Relu => dz.zip_mut_with(z, |g, &z| {
                if z <= F::zero() {
                    *g = F::zero()
                }
            }),
            Activation::Sigmoid => dz.zip_mut_with(a, |g, &a| *g = *g * a * (F::one() - a)),
            Activation::Tanh => dz.zip_mut_with(a, |g, &a| *g = *g * (F::one() - a * a)),
        }
        dz
    }
}

impl std::str::FromStr for Activation {
    type Err = ReweighError;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "linear" | "None" => Activation::Linear,
            "relu" => Activation::Relu,
            "sigmoid" => Activation::Sigmoid,
            "tanh" => Activation::Tanh,
            "softmax" => Activation::Softmax,
            _ => {
                return Err(ReweighError::UnknownName {
                    kind: "activation",
                    name: s.to_string(),
                    valid: "linear, relu, sigmoid, tanh, softmax".to_string(),
                });
            }
        })
    }
}

/// A fully connected layer: `a = activation(x·W + b)`, kernel `W` of shape `(inputs, units)`,
/// bias `b` of shape `(units,)`, as `keras.layers.Dense(units, activation=...)`.
///
/// `trainable` is read at every training step: a frozen layer keeps its weights and gets no
/// optimizer update. (Keras 3 behaves the same when `trainable = False` is set after `compile`
/// and before the first `fit`; set after a `fit`, Keras ignores it until the model is recompiled,
/// because the compiled train function is cached.)
///
/// ```
/// use ndarray::array;
/// use reweigh_train::{Activation, Dense};
/// let layer = Dense::from_weights(array![[1.0_f32, 0.0], [0.0, 1.0]], array![0.5, -0.5], Activation::Relu).unwrap();
/// let a = layer.forward(array![[1.0_f32, 0.2]].view()).unwrap();
/// assert_eq!(a, array![[1.5_f32, 0.0]]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Dense<F> {
    kernel: Array2<F>,
    bias: Array1<F>,
    activation: Activation,
    /// Whether the optimizer updates this layer's kernel and bias.
    pub trainable: bool,
}

impl<F: Real> Dense<F> {
    /// A layer with Keras's default initialisers: kernel `GlorotUniform`, bias `Zeros`.
    pub fn keras<R: Rng + ?Sized>(
        inputs: usize,
        units: usize,
        activation: Activation,
        rng: &mut R,
    ) -> Result<Self> {
        Self::new(
            inputs,
            units,
            activation,
            Initializer::GlorotUniform,
            Initializer::Zeros,
            rng,
        )
    }

    /// A layer initialised by the given initialisers.
    pub fn new<R: Rng + ?Sized>(
        inputs: usize,
        units: usize,
        activation: Activation,
        kernel_init: Initializer,
        bias_init: Initializer,
        rng: &mut R,
    ) -> Result<Self> {
        if inputs == 0 || units == 0 {
            return Err(ReweighError::BadShape {
                what: "Dense",
                reason: "inputs and units must be positive",
                got: vec![inputs, units],
            });
        }
        let kernel = kernel_init.sample::<F, R>(&[inputs, units], rng)?;
        let bias = bias_init.sample::<F, R>(&[units], rng)?;
        Ok(Dense {
            kernel: kernel
                .into_dimensionality::<Ix2>()
                .expect("2-D by construction"),
            bias: bias
                .into_dimensionality::<Ix1>()
                .expect("1-D by construction"),
            activation,
            trainable: true,
        })
    }

    /// A layer with given weights (e.g. the initial weights of a Keras model,
    /// `layer.get_weights()`).
    pub fn from_weights(
        kernel: Array2<F>,
        bias: Array1<F>,
        activation: Activation,
    ) -> Result<Self> {
        if kernel.is_empty() {
            return Err(ReweighError::EmptyBatch { what: "kernel" });
        }
        check_same_shape("bias", &[kernel.ncols()], bias.shape())?;
        check_finite("kernel", kernel.iter())?;
        check_finite("bias", bias.iter())?;
        Ok(Dense {
            kernel,
            bias,
            activation,
            trainable: true,
        })
    }

    /// Sets `trainable` (builder form).
    pub fn with_trainable(mut self, trainable: bool) -> Self {
        self.trainable = trainable;
        self
    }

    /// The kernel `W`, shape `(inputs, units)`.
    pub fn kernel(&self) -> &Array2<F> {
        &self.kernel
    }

    /// The bias `b`, shape `(units,)`.
    pub fn bias(&self) -> &Array1<F> {
        &self.bias
    }

    /// The activation.
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// Number of inputs (rows of the kernel).
    pub fn inputs(&self) -> usize {
        self.kernel.nrows()
    }

    /// Number of units (outputs).
    pub fn units(&self) -> usize {
        self.kernel.ncols()
    }

    /// Pre-activations `z = x·W + b`; `x` must have `inputs()` columns.
    pub fn pre_activation(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        check_same_shape("Dense input features", &[self.inputs()], &x.shape()[1..])?;
        let mut z = matmul(x, self.kernel.view());
        for mut row in z.rows_mut() {
            row.zip_mut_with(&self.bias, |z, &b| *z = *z + b);
        }
        Ok(z)
    }

    /// Activations `activation(x·W + b)`.
    pub fn forward(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        Ok(self.activation.apply(&self.pre_activation(x)?))
    }

    /// Mutable kernel and bias, for the optimizer.
    pub(crate) fn params_mut(&mut self) -> (&mut Array2<F>, &mut Array1<F>) {
        (&mut self.kernel, &mut self.bias)
    }
}

/// `a·b` with each entry summed in index order, so that results do not depend on which SIMD
/// kernel a BLAS picks at run time (the float32 histories are snapshot-tested to 9 decimals).
///
/// Entry `(i, j)` is `((0 + a_i0·b_0j) + a_i1·b_1j) + …`, the same operations in the same order
/// as a dot product of row `i` and column `j`; the loops run `i, k, j` so that the innermost one
/// walks contiguous rows of `b` and of the result (and vectorises).
pub(crate) fn matmul<F: Real>(a: ArrayView2<'_, F>, b: ArrayView2<'_, F>) -> Array2<F> {
    debug_assert_eq!(a.ncols(), b.nrows());
    let b = b.as_standard_layout();
    let m = b.ncols();
    let bs = b.as_slice().expect("standard layout");
    let mut out = Array2::zeros((a.nrows(), m));
    for (a_row, mut out_row) in a.rows().into_iter().zip(out.rows_mut()) {
        let out_row = out_row.as_slice_mut().expect("a fresh array is contiguous");
        for (&aik, b_row) in a_row.iter().zip(bs.chunks_exact(m.max(1))) {
            for (o, &bkj) in out_row.iter_mut().zip(b_row) {
                *o = *o + aik * bkj;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::SeedableRng;
    use rstest::rstest;

    #[rstest]
    #[case::relu(Activation::Relu, [0.0, 0.0, 2.0], [0.0, 0.0, 1.0])]
    #[case::linear(Activation::Linear, [-1.0, 0.0, 2.0], [1.0, 1.0, 1.0])]
    #[case::tanh(Activation::Tanh, [-1.0_f64.tanh(), 0.0, 2.0_f64.tanh()],
        [1.0 - 1.0_f64.tanh().powi(2), 1.0, 1.0 - 2.0_f64.tanh().powi(2)])]
    fn activations_and_their_derivatives(
        #[case] act: Activation,
        #[case] value: [f64; 3],
        #[case] slope: [f64; 3],
    ) {
        let z = array![[-1.0_f64, 0.0, 2.0]];
        let a = act.apply(&z);
        let dz = act.backward(&z, &a, Array2::ones((1, 3)));
        for j in 0..3 {
            assert!((a[[0, j]] - value[j]).abs() < 1e-15);
            assert!((dz[[0, j]] - slope[j]).abs() < 1e-15);
        }
    }

    #[test]
    fn softmax_rows_sum_to_one_and_names_parse() {
        let a = Activation::Softmax.apply(&array![[1.0_f64, 2.0, 3.0], [0.0, 0.0, 0.0]]);
        assert!(a.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-15));
        assert_eq!("relu".parse::<Activation>().unwrap(), Activation::Relu);
        assert!("gelu".parse::<Activation>().is_err());
    }

    #[test]
    fn bad_weights_and_inputs_are_errors() {
        let k = array![[1.0_f32, 2.0], [3.0, 4.0]];
        assert!(Dense::from_weights(k.clone(), array![0.0_f32], Activation::Linear).is_err());
        assert!(
            Dense::from_weights(k.clone(), array![0.0_f32, f32::NAN], Activation::Linear).is_err()
        );
        let d = Dense::from_weights(k, array![0.0_f32, 0.0], Activation::Linear).unwrap();
        assert!(d.forward(array![[1.0_f32, 2.0, 3.0]].view()).is_err());
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
        assert!(Dense::<f32>::keras(0, 3, Activation::Softmax, &mut rng).is_err());
        let d = Dense::<f32>::keras(3, 2, Activation::Softmax, &mut rng).unwrap();
        assert_eq!((d.inputs(), d.units()), (3, 2));
        assert!(d.bias().iter().all(|&b| b == 0.0));
    }
}
