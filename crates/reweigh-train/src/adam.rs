//! The Adam optimizer exactly as `keras.optimizers.Adam` updates a variable.

use std::collections::BTreeMap;

use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Zip};
use reweigh::Real;
use reweigh::check::{check_range, check_same_shape};
use reweigh::error::{Result, ReweighError};

/// Adam with Keras 3's update (`keras/src/optimizers/adam.py`, `amsgrad=False`), computed in the
/// variable's dtype:
///
/// ```text
/// t      = iterations + 1                         (one iteration per apply, shared by every variable)
/// α      = lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)
/// m     ← m + (g − m)·(1 − β₁)
/// v     ← v + (g² − v)·(1 − β₂)
/// θ     ← θ − (m·α) / (√v + ε)
/// ```
///
/// Defaults are Keras's: `lr = 1e-3`, `β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e-7` (note: Keras's ε is
/// added to `√v` *without* bias correction of `v`, unlike PyTorch's `torch.optim.Adam`, whose
/// default ε is 1e-8).
///
/// ```
/// use ndarray::{arr1, ArrayD};
/// use reweigh_train::Adam;
/// let mut adam = Adam::<f32>::keras();
/// let mut w = arr1(&[1.0_f32, -1.0]).into_dyn();
/// let g = arr1(&[0.5_f32, -0.25]).into_dyn();
/// adam.apply(vec![(0, w.view_mut(), g.view())]).unwrap();
/// // keras.optimizers.Adam().apply([g], [w]) (float32) gives [0.9990000128746033, -0.9990000128746033]:
/// // the first step moves each weight by lr·sign(g)
/// assert_eq!((w[0], w[1]), (0.9990000128746033, -0.9990000128746033));
/// assert_eq!(adam.iterations(), 1);
/// ```
#[derive(Clone, Debug)]
pub struct Adam<F> {
    learning_rate: f64,
    beta_1: f64,
    beta_2: f64,
    epsilon: f64,
    iterations: u64,
    /// `(m, v)` per variable id, created at the variable's first update (a map: ids are names,
    /// any `usize` works and a large one allocates nothing).
    slots: BTreeMap<usize, (ArrayD<F>, ArrayD<F>)>,
}

impl<F: Real> Default for Adam<F> {
    fn default() -> Self {
        Self::keras()
    }
}

impl<F: Real> Adam<F> {
    /// `keras.optimizers.Adam()` (also `optimizer="adam"`): lr 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-7.
    pub fn keras() -> Self {
        Adam {
            learning_rate: 1e-3,
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon: 1e-7,
            iterations: 0,
            slots: BTreeMap::new(),
        }
    }

    /// Sets the learning rate (finite, > 0).
    pub fn learning_rate(mut self, lr: f64) -> Result<Self> {
        if !(lr.is_finite() && lr > 0.0) {
            return Err(ReweighError::InvalidParameter {
                name: "learning_rate",
                value: lr,
                expected: "finite and > 0",
            });
        }
        self.learning_rate = lr;
        Ok(self)
    }

    /// Sets β₁ and β₂ (each in `[0, 1)`).
    pub fn betas(mut self, beta_1: f64, beta_2: f64) -> Result<Self> {
        check_range("beta_1", beta_1, 0.0, 1.0 - f64::EPSILON, "in [0, 1)")?;
        check_range("beta_2", beta_2, 0.0, 1.0 - f64::EPSILON, "in [0, 1)")?;
        self.beta_1 = beta_1;
        self.beta_2 = beta_2;
        Ok(self)
    }

    /// Sets ε (finite, ≥ 0).
    pub fn epsilon(mut self, epsilon: f64) -> Result<Self> {
        check_range("epsilon", epsilon, 0.0, f64::MAX, "finite and >= 0")?;
        self.epsilon = epsilon;
        Ok(self)
    }

    /// Number of updates applied so far (`optimizer.iterations`).
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// One optimizer step (`optimizer.apply(grads, vars)`): updates every `(id, variable,
    /// gradient)` with the same `t`, then increments `iterations`. `id` names the variable's
    /// moment slots; use the same id for the same variable at every step.
    ///
    /// Errors (and then no variable is touched): a gradient whose shape differs from its
    /// variable's, a variable whose shape differs from the one its id had at an earlier step, or
    /// an id given twice in one step.
    pub fn apply<'a>(
        &mut self,
        updates: impl IntoIterator<Item = (usize, ArrayViewMutD<'a, F>, ArrayViewD<'a, F>)>,
    ) -> Result<()> {
        let t = F::of((self.iterations + 1) as f64);
        let lr = F::of(self.learning_rate);
        let beta_1_power = F::of(self.beta_1).powf(t);
        let beta_2_power = F::of(self.beta_2).powf(t);
        let alpha = lr * (F::one() - beta_2_power).sqrt() / (F::one() - beta_1_power);
        // Python evaluates 1 − β in float64; the product with a float32 tensor rounds it.
        let one_minus_b1 = F::of(1.0 - self.beta_1);
        let one_minus_b2 = F::of(1.0 - self.beta_2);
        let eps = F::of(self.epsilon);
        let updates: Vec<_> = updates.into_iter().collect();
        // Check everything first, so that an error leaves every variable untouched.
        let mut seen = std::collections::BTreeSet::new();
        for (id, var, grad) in &updates {
            check_same_shape("gradient", var.shape(), grad.shape())?;
            if !seen.insert(*id) {
                return Err(ReweighError::Incompatible(format!(
                    "variable id {id} is given twice in one Adam step"
                )));
            }
            if let Some((m, _)) = self.slots.get(id) {
                check_same_shape(
                    "variable (same id as an earlier step)",
                    m.shape(),
                    var.shape(),
                )?;
            }
        }
        for (id, mut var, grad) in updates {
            let (m, v) = self
                .slots
                .entry(id)
                .or_insert_with(|| (ArrayD::zeros(var.raw_dim()), ArrayD::zeros(var.raw_dim())));
            Zip::from(&mut var)
                .and(m)
                .and(v)
                .and(&grad)
                .for_each(|w, m, v, &g| {
                    *m = *m + (g - *m) * one_minus_b1;
                    *v = *v + (g * g - *v) * one_minus_b2;
                    *w = *w - (*m * alpha) / (v.sqrt() + eps);
                });
        }
        self.iterations += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::arr1;

    /// Two steps against the textbook bias-corrected form (equal in exact arithmetic when ε is
    /// rescaled: Keras's ε sits outside the correction of v).
    #[test]
    fn two_steps_match_the_bias_corrected_form() {
        let mut adam = Adam::<f64>::keras().epsilon(0.0).unwrap();
        let mut w = arr1(&[0.3, -0.2]).into_dyn();
        let gs = [arr1(&[0.1, -0.4]).into_dyn(), arr1(&[-0.3, 0.2]).into_dyn()];
        let (mut m, mut v, mut want) = ([0.0; 2], [0.0; 2], [0.3, -0.2]);
        for (t, g) in gs.iter().enumerate() {
            adam.apply(vec![(3, w.view_mut(), g.view())]).unwrap();
            let t = (t + 1) as i32;
            for i in 0..2 {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                let mh = m[i] / (1.0 - 0.9_f64.powi(t));
                let vh = v[i] / (1.0 - 0.999_f64.powi(t));
                want[i] -= 1e-3 * mh / vh.sqrt();
            }
        }
        for i in 0..2 {
            assert!((w[i] - want[i]).abs() < 1e-15, "{} vs {}", w[i], want[i]);
        }
        assert_eq!(adam.iterations(), 2);
    }

    #[test]
    fn bad_settings_and_shapes_are_errors() {
        assert!(Adam::<f32>::keras().learning_rate(0.0).is_err());
        assert!(Adam::<f32>::keras().betas(1.0, 0.5).is_err());
        assert!(Adam::<f32>::keras().epsilon(f64::NAN).is_err());
        let mut adam = Adam::<f32>::keras();
        let mut w = arr1(&[1.0_f32]).into_dyn();
        let g = arr1(&[1.0_f32, 2.0]).into_dyn();
        assert!(adam.apply(vec![(0, w.view_mut(), g.view())]).is_err());
    }
}
