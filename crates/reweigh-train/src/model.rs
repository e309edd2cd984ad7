//! A stack of Dense layers ending in a softmax classifier.

use super::dense::matmul;
use super::{Activation, Dense};
use ndarray::{Array2, ArrayView2};
use reweigh::Real;
use reweigh::check::check_nonempty;
use reweigh::error::{Result, ReweighError};

/// `keras.Sequential([Dense(...), ..., Dense(C, activation="softmax")])`: hidden Dense layers of
/// any non-softmax activation, then a softmax output layer over `C` classes.
///
/// The forward pass keeps the output layer's pre-activations (the logits): the loss is computed
/// from them, which is what Keras does on the TensorFlow backend for a softmax output
/// (Keras 3: softmax/sigmoid outputs of a model skip clipping; reproduced against Keras on
/// `data/keras_experiment/` by `crates/reweigh-ledger/tests/keras_experiment.rs`).
///
/// ```
/// use rand::SeedableRng;
/// use reweigh_train::{Activation, Dense, Sequential};
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
/// let model = Sequential::new(vec![
///     Dense::<f32>::keras(3, 4, Activation::Relu, &mut rng).unwrap(),
///     Dense::keras(4, 3, Activation::Softmax, &mut rng).unwrap(),
/// ]).unwrap();
/// assert_eq!((model.inputs(), model.classes()), (3, 3));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Sequential<F> {
    layers: Vec<Dense<F>>,
}

/// Everything the forward pass computed, kept for the backward pass.
#[derive(Clone, Debug)]
pub(crate) struct Trace<F> {
    /// The input of each layer (`inputs[0]` is the batch).
    pub inputs: Vec<Array2<F>>,
    /// Pre-activations of each layer (the last are the logits).
    pub pre: Vec<Array2<F>>,
    /// Activations of each hidden layer (the output layer's are not needed).
    pub post: Vec<Array2<F>>,
}

impl<F: Real> Sequential<F> {
    /// Checks that the layers chain (each layer's inputs = the previous layer's units), that only
    /// the last layer is softmax and that it is.
    pub fn new(layers: Vec<Dense<F>>) -> Result<Self> {
        let Some(last) = layers.last() else {
            return Err(ReweighError::EmptyBatch { what: "layers" });
        };
        if last.activation() != Activation::Softmax {
            return Err(ReweighError::Incompatible(format!(
                "the output layer must have a softmax activation (got {}): the loss is the sparse \
                 softmax cross-entropy of its logits",
                last.activation().name()
            )));
        }
        for (i, pair) in layers.windows(2).enumerate() {
            if pair[0].activation() == Activation::Softmax {
                return Err(ReweighError::Incompatible(format!(
                    "layer {i} is softmax: only the output layer may be"
                )));
            }
            if pair[0].units() != pair[1].inputs() {
                return Err(ReweighError::ShapeMismatch {
                    what: "Dense layer inputs (previous layer's units)",
                    expected: vec![pair[0].units()],
                    got: vec![pair[1].inputs()],
                });
            }
        }
        Ok(Sequential { layers })
    }

    /// The layers, first to last.
    pub fn layers(&self) -> &[Dense<F>] {
        &self.layers
    }

    /// Mutable layers (e.g. to set `trainable`); their shapes and activations cannot change.
    pub fn layers_mut(&mut self) -> impl Iterator<Item = &mut Dense<F>> {
        self.layers.iter_mut()
    }

    /// Sets `trainable` on every layer (the thread's `for layer in model.layers: layer.trainable = False`).
    pub fn set_trainable(&mut self, trainable: bool) {
        self.layers.iter_mut().for_each(|l| l.trainable = trainable);
    }

    /// Number of input features.
    pub fn inputs(&self) -> usize {
        self.layers[0].inputs()
    }

    /// Number of classes (units of the output layer).
    pub fn classes(&self) -> usize {
        self.layers[self.layers.len() - 1].units()
    }

    /// Class probabilities, one row per sample (`model.predict`).
    pub fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        let logits = self.logits(x)?;
        Ok(Activation::Softmax.apply(&logits))
    }

    /// The output layer's pre-activations (logits).
    pub fn logits(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        Ok(self.trace(x)?.pre.pop().expect("at least one layer"))
    }

    /// Forward pass keeping what the backward pass needs.
    pub(crate) fn trace(&self, x: ArrayView2<'_, F>) -> Result<Trace<F>> {
        check_nonempty("x", &x.into_dyn())?;
        let n = self.layers.len();
        let mut t = Trace {
            inputs: Vec::with_capacity(n),
            pre: Vec::with_capacity(n),
            post: Vec::with_capacity(n - 1),
        };
        let mut h = x.to_owned();
        for (i, layer) in self.layers.iter().enumerate() {
            let z = layer.pre_activation(h.view())?;
            t.inputs.push(h);
            if i + 1 < n {
                h = layer.activation().apply(&z);
                t.post.push(h.clone());
            } else {
                h = Array2::zeros((0, 0));
            }
            t.pre.push(z);
        }
        Ok(t)
    }

    /// Gradients `(∂L/∂W, ∂L/∂b)` of every layer, given `∂L/∂logits`. Frozen layers get `None`;
    /// the backward pass stops below the lowest trainable layer.
    pub(crate) fn backward(
        &self,
        trace: &Trace<F>,
        dlogits: Array2<F>,
    ) -> Vec<Option<(Array2<F>, ndarray::Array1<F>)>> {
        let n = self.layers.len();
        let lowest = self.layers.iter().position(|l| l.trainable);
        let mut grads = vec![None; n];
        let Some(lowest) = lowest else {
            return grads;
        };
        let mut dz = dlogits;
        for i in (lowest..n).rev() {
            let layer = &self.layers[i];
            if layer.trainable {
                let dw = matmul(trace.inputs[i].t(), dz.view());
                let db = dz.sum_axis(ndarray::Axis(0));
                grads[i] = Some((dw, db));
            }
            if i > lowest {
                let da = matmul(dz.view(), layer.kernel().t());
                let prev = &self.layers[i - 1];
                dz = prev
                    .activation()
                    .backward(&trace.pre[i - 1], &trace.post[i - 1], da);
            }
        }
        grads
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn layer(rows: usize, cols: usize, act: Activation) -> Dense<f64> {
        let k = Array2::from_shape_fn((rows, cols), |(i, j)| {
            0.1 * (i as f64) - 0.2 * (j as f64) + 0.05
        });
        Dense::from_weights(k, ndarray::Array1::from_elem(cols, 0.01), act).unwrap()
    }

    #[test]
    fn structure_is_checked() {
        assert!(Sequential::<f64>::new(vec![]).is_err());
        assert!(Sequential::new(vec![layer(3, 3, Activation::Relu)]).is_err());
        assert!(
            Sequential::new(vec![
                layer(3, 3, Activation::Softmax),
                layer(3, 3, Activation::Softmax)
            ])
            .is_err()
        );
        assert!(
            Sequential::new(vec![
                layer(3, 4, Activation::Relu),
                layer(3, 3, Activation::Softmax)
            ])
            .is_err()
        );
        let m = Sequential::new(vec![
            layer(3, 4, Activation::Tanh),
            layer(4, 2, Activation::Softmax),
        ])
        .unwrap();
        assert!(m.predict(array![[1.0, 2.0]].view()).is_err());
        let p = m.predict(array![[1.0, 2.0, 3.0]].view()).unwrap();
        assert!((p.sum() - 1.0).abs() < 1e-15);
    }

    /// The backward pass against central finite differences of `Σ_ij c_ij·logits_ij`.
    #[test]
    fn backward_matches_finite_differences() {
        let mut m = Sequential::new(vec![
            layer(3, 4, Activation::Sigmoid),
            layer(4, 4, Activation::Tanh),
            layer(4, 2, Activation::Softmax),
        ])
        .unwrap();
        let x = array![[0.3, -0.7, 1.1], [0.9, 0.2, -0.4]];
        let c = array![[0.5, -1.0], [2.0, 0.25]];
        let f = |m: &Sequential<f64>| (m.logits(x.view()).unwrap() * &c).sum();
        let grads = m.backward(&m.trace(x.view()).unwrap(), c.clone());
        let h = 1e-6;
        for (li, g) in grads.iter().enumerate() {
            let (dw, db) = g.as_ref().unwrap();
            for idx in [(0, 0), (1, 1), (2, 0)] {
                let orig = m.layers[li].kernel()[idx];
                m.layers[li].params_mut().0[idx] = orig + h;
                let up = f(&m);
                m.layers[li].params_mut().0[idx] = orig - h;
                let down = f(&m);
                m.layers[li].params_mut().0[idx] = orig;
                assert!(
                    ((up - down) / (2.0 * h) - dw[idx]).abs() < 1e-8,
                    "layer {li} W{idx:?}"
                );
            }
            let orig = m.layers[li].bias()[1];
            m.layers[li].params_mut().1[1] = orig + h;
            let up = f(&m);
            m.layers[li].params_mut().1[1] = orig - h;
            let down = f(&m);
            m.layers[li].params_mut().1[1] = orig;
            assert!(
                ((up - down) / (2.0 * h) - db[1]).abs() < 1e-8,
                "layer {li} b"
            );
        }
        m.layers[1].trainable = false;
        m.layers[0].trainable = false;
        let grads = m.backward(&m.trace(x.view()).unwrap(), c);
        assert!(grads[0].is_none() && grads[1].is_none() && grads[2].is_some());
    }
}
