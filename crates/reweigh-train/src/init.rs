//! Weight initialisers with Keras's formulas (`keras.initializers.*`).
//!
//! The *distributions* are Keras's; the random numbers are reweigh's own (a seeded
//! `rand` generator), so a model initialised here is not bit-identical to a Keras model built
//! with the same seed. To reproduce a Keras run exactly, load its initial weights instead
//! ([`Dense::from_weights`](super::Dense::from_weights)).

use ndarray::ArrayD;
use rand::{Rng, RngExt};
use reweigh::check::check_range;
use reweigh::error::{Result, ReweighError};
use reweigh::{Real, alloc};

/// How a weight tensor starts.
///
/// ```text
/// fans (Keras compute_fans): shape (n,) → fan_in = fan_out = n;  (in, out) → fan_in = in, fan_out = out
/// GlorotUniform   U(−a, a),  a = √(6 / (fan_in + fan_out))   keras.initializers.GlorotUniform (Dense kernel default)
/// HeUniform       U(−a, a),  a = √(6 / fan_in)               keras.initializers.HeUniform
/// LecunUniform    U(−a, a),  a = √(3 / fan_in)               keras.initializers.LecunUniform
/// RandomUniform   U(min, max)                                keras.initializers.RandomUniform
/// Zeros, Ones, Constant(c)                                   (Dense bias default: Zeros)
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Initializer {
    /// All zeros (`keras.initializers.Zeros`, the Dense bias default).
    Zeros,
    /// All ones.
    Ones,
    /// Every entry `c`.
    Constant(f64),
    /// Uniform on `[min, max)`.
    RandomUniform {
        /// Lower bound.
        min: f64,
        /// Upper bound (exclusive), `> min`.
        max: f64,
    },
    /// Glorot (Xavier) uniform: the Dense kernel default.
    GlorotUniform,
    /// He uniform.
    HeUniform,
    /// LeCun uniform.
    LecunUniform,
}

impl Initializer {
    /// Draws a tensor of `shape` (1-D or 2-D, as Dense weights are).
    ///
    /// ```
    /// use rand::SeedableRng;
    /// use reweigh_train::Initializer;
    /// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    /// let w = Initializer::GlorotUniform.sample::<f32, _>(&[3, 3], &mut rng).unwrap();
    /// let limit = 1.0_f32; // √(6 / (3 + 3))
    /// assert!(w.iter().all(|v| v.abs() < limit));
    /// ```
    pub fn sample<F: Real, R: Rng + ?Sized>(
        &self,
        shape: &[usize],
        rng: &mut R,
    ) -> Result<ArrayD<F>> {
        let (fan_in, fan_out) = match *shape {
            [n] => (n, n),
            [i, o] => (i, o),
            _ => {
                return Err(ReweighError::BadShape {
                    what: "initializer shape",
                    reason: "must be 1-D (bias) or 2-D (kernel)",
                    got: shape.to_vec(),
                });
            }
        };
        let what = "initializer tensor";
        let uniform = |lo: f64, hi: f64, rng: &mut R| {
            let width = hi - lo;
            alloc::from_fn(what, shape, || {
                if width.is_finite() {
                    F::of(rng.random_range(lo..hi))
                } else {
                    // The width overflows f64 (e.g. ±1e308): the same U(lo, hi) as a convex mix.
                    let u: f64 = rng.random_range(0.0..1.0);
                    F::of(lo * (1.0 - u) + hi * u)
                }
            })
        };
        let scaled = |scale: f64, fan: Option<usize>, rng: &mut R| -> Result<ArrayD<F>> {
            let fan = fan.ok_or_else(|| ReweighError::TooLarge {
                what: "initializer fans",
                reason: format!("fan_in + fan_out of shape {shape:?} overflows usize"),
            })?;
            if fan == 0 {
                return alloc::filled(what, shape, F::zero());
            }
            let a = (scale / fan as f64).sqrt();
            uniform(-a, a, rng)
        };
        match *self {
            Initializer::Zeros => alloc::filled(what, shape, F::zero()),
            Initializer::Ones => alloc::filled(what, shape, F::one()),
            Initializer::Constant(c) => {
                check_representable::<F>("constant", c)?;
                alloc::filled(what, shape, F::of(c))
            }
            Initializer::RandomUniform { min, max } => {
                check_representable::<F>("min", min)?;
                check_representable::<F>("max", max)?;
                if max <= min {
                    return Err(ReweighError::InvalidParameter {
                        name: "max",
                        value: max,
                        expected: "greater than min",
                    });
                }
                uniform(min, max, rng)
            }
            Initializer::GlorotUniform => scaled(6.0, fan_in.checked_add(fan_out), rng),
            Initializer::HeUniform => scaled(6.0, Some(fan_in), rng),
            Initializer::LecunUniform => scaled(3.0, Some(fan_in), rng),
        }
    }
}

/// A parameter of the initializer must be finite in the tensor's dtype: `Constant(1e300)` is
/// finite in f64 but `inf` in f32 (Dense::from_weights rejects such a kernel, so the initializer
/// must not make one).
fn check_representable<F: Real>(name: &'static str, value: f64) -> Result<()> {
    check_range(name, value, f64::MIN, f64::MAX, "finite")?;
    if !F::of(value).is_finite() {
        return Err(ReweighError::InvalidParameter {
            name,
            value,
            expected: "finite in the tensor's dtype",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rstest::rstest;

    #[rstest]
    #[case::glorot(Initializer::GlorotUniform, (6.0_f64 / 7.0).sqrt())]
    #[case::he(Initializer::HeUniform, (6.0_f64 / 4.0).sqrt())]
    #[case::lecun(Initializer::LecunUniform, (3.0_f64 / 4.0).sqrt())]
    fn variance_scaling_stays_within_its_limit(#[case] init: Initializer, #[case] limit: f64) {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let w = init.sample::<f64, _>(&[4, 3], &mut rng).unwrap();
        assert_eq!(w.shape(), &[4, 3]);
        assert!(w.iter().all(|v| v.abs() < limit));
        assert!(w.iter().any(|v| v.abs() > limit / 4.0));
    }

    #[test]
    fn constants_and_errors() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let b = Initializer::Constant(0.5)
            .sample::<f32, _>(&[3], &mut rng)
            .unwrap();
        assert!(b.iter().all(|&v| v == 0.5));
        assert!(
            Initializer::Zeros
                .sample::<f32, _>(&[2, 2, 2], &mut rng)
                .is_err()
        );
        let bad = Initializer::RandomUniform { min: 1.0, max: 1.0 };
        assert!(bad.sample::<f32, _>(&[2], &mut rng).is_err());
        assert!(
            Initializer::Constant(f64::NAN)
                .sample::<f32, _>(&[2], &mut rng)
                .is_err()
        );
    }
}
