//! From class weights to per-sample and per-timestep weights (scikit-learn's
//! `compute_sample_weight` semantics, multi-output product and `indices=` included).

use super::counts::{class_index, labels_to_i64};
use super::{ClassCounts, ClassWeights, Scheme};
use crate::Real;
use crate::error::{Result, ReweighError};
use ndarray::{
    Array, Array1, Array2, ArrayView, ArrayView1, ArrayView2, ArrayViewD, AsArray, Axis, Dimension,
    Ix2,
};
use num_traits::ToPrimitive;

/// The class weight of every label, in the labels' shape: `(N,)` labels give per-sample weights,
/// `(N, T)` labels per-timestep weights (Keras `sample_weight` of shape `(samples, sequence
/// length)`, seed 001). A label that is not one of the weights' classes is
/// [`ReweighError::UnknownClass`]; margins or logit offsets ([`ClassWeights::kind`]) are
/// [`ReweighError::Incompatible`].
///
/// ```text
/// sw_i = w_{y_i}
/// ```
///
/// # Example
/// ```
/// use ndarray::array;
/// use reweigh::schemes::{ClassCounts, Scheme, gather_sample_weights};
/// let y = array![1_i64, 1, 1, 1, 0, 0];
/// let cw = Scheme::Balanced.weights::<f64>(&ClassCounts::from_labels(&y).unwrap()).unwrap();
/// let sw = gather_sample_weights(&cw, &y).unwrap();
/// // sklearn compute_sample_weight("balanced", [1, 1, 1, 1, 0, 0])
/// assert_eq!(sw.to_vec(), vec![0.75, 0.75, 0.75, 0.75, 1.5, 1.5]);
/// ```
pub fn gather_sample_weights<'a, F: Real, L: ToPrimitive + 'a, D: Dimension>(
    class_weights: &ClassWeights<F>,
    labels: impl AsArray<'a, L, D>,
) -> Result<Array<F, D>> {
    let labels: ArrayView<'_, L, D> = labels.into();
    class_weights.check_class_weights("gather_sample_weights")?;
    let index = class_index(class_weights.classes())?;
    let w = class_weights.weights();
    let vals = labels_to_i64(labels.iter())?
        .into_iter()
        .map(|l| {
            index
                .get(&l)
                .map(|&i| w[i])
                .ok_or(ReweighError::UnknownClass {
                    what: "labels",
                    class: l,
                })
        })
        .collect::<Result<Vec<F>>>()?;
    Ok(Array::from_shape_vec(labels.raw_dim(), vals).expect("same number of elements"))
}

/// Per-timestep weights for sequence labels `(N, T)`: the class weight of each step, and 0 for
/// steps whose label is `padding` (Keras `sample_weight_mode="temporal"`, where a zero weight
/// removes a padded step from the loss).
pub fn per_timestep_weights<'a, F: Real, L: ToPrimitive + 'a>(
    class_weights: &ClassWeights<F>,
    labels: impl AsArray<'a, L, Ix2>,
    padding: Option<i64>,
) -> Result<Array2<F>> {
    let labels: ArrayView2<'_, L> = labels.into();
    let shape = labels.raw_dim();
    let labels = labels_to_i64(labels.iter())?;
    let mut out = Array2::zeros(shape);
    let mut real = Vec::with_capacity(labels.len());
    for (o, &l) in out.iter_mut().zip(labels.iter()) {
        if Some(l) != padding {
            real.push(l);
            *o = F::one();
        }
    }
    let w = gather_sample_weights(class_weights, ArrayView1::from(&real))?;
    let mut k = 0;
    for o in out.iter_mut() {
        if *o == F::one() {
            *o = w[k];
            k += 1;
        }
    }
    Ok(out)
}

/// Per-sample weights from class weights computed per output, as
/// `sklearn.utils.class_weight.compute_sample_weight(class_weight, y, indices=indices)`.
///
/// ```text
/// sw_i = Π_k w^(k)_{y_ik}          w^(k) = schemes[k] applied to the counts of output k
/// ```
///
/// - `y` is `(N,)` or `(N, K)` (K outputs; a one-hot `y` is K binary outputs, as in
///   scikit-learn). `schemes` has one scheme for every output, or one shared by all outputs
///   (scikit-learn's `"balanced"` string).
/// - With `indices` (a subsample or bootstrap, repeats allowed) the counts come from
///   `y[indices]` and a class absent from the subsample weighs 0.
/// - scikit-learn accepts `"balanced"`, a dict (`Scheme::Custom`) or `None` (`Scheme::Uniform`);
///   every count-based class-weighting [`Scheme`] works here the same way. As in scikit-learn, a
///   shared dict or `None` with several outputs, a scheme count that matches neither, and
///   `indices` with a scheme that ignores counts are errors; so is a scheme whose vector is no
///   class weights (`ldam_margins`, `logit_adjustment`: [`Scheme::kind`]).
///
/// # Example
/// ```
/// use ndarray::{Array1, array};
/// use reweigh::schemes::{Scheme, compute_sample_weight};
/// let y = array![1_i64, 1, 1, 1, 0, 0];
/// let sw: Array1<f64> = compute_sample_weight(&[Scheme::Balanced], &y, None).unwrap();
/// assert_eq!(sw.to_vec(), vec![0.75, 0.75, 0.75, 0.75, 1.5, 1.5]);
/// ```
pub fn compute_sample_weight<'a, F: Real, D: Dimension>(
    schemes: &[Scheme],
    y: impl AsArray<'a, i64, D>,
    indices: Option<&[usize]>,
) -> Result<Array1<F>> {
    let y: ArrayViewD<'_, i64> = y.into().into_dyn();
    let y: ArrayView2<'_, i64> = match y.ndim() {
        1 => y.insert_axis(Axis(1)).into_dimensionality().expect("2-D"),
        2 => y.into_dimensionality().expect("2-D"),
        _ => {
            return Err(ReweighError::BadShape {
                what: "y",
                reason: "must be (n_samples,) or (n_samples, n_outputs)",
                got: y.shape().to_vec(),
            });
        }
    };
    let (n, k) = y.dim();
    if n == 0 || k == 0 {
        return Err(ReweighError::EmptyBatch { what: "y" });
    }
    if let Some(s) = schemes.iter().find(|s| !s.kind().is_class_weights()) {
        return Err(ReweighError::Incompatible(format!(
            "compute_sample_weight needs class-weighting schemes, and {s} gives {}",
            s.kind()
        )));
    }
    if schemes.len() != 1 && schemes.len() != k {
        return Err(ReweighError::Incompatible(format!(
            "{} class-weight schemes for {k} outputs: give one per output or one for all",
            schemes.len()
        )));
    }
    if k > 1 && schemes.len() == 1 && !schemes[0].uses_counts() {
        return Err(ReweighError::Incompatible(format!(
            "with {k} outputs, scheme {} cannot be shared (scikit-learn: \"For multi-output, \
             class_weight should be a list of dicts, or the string 'balanced'\")",
            schemes[0]
        )));
    }
    if let Some(idx) = indices {
        if let Some(s) = schemes.iter().find(|s| !s.uses_counts()) {
            return Err(ReweighError::Incompatible(format!(
                "indices (subsampling) need a count-based scheme, not {s} (scikit-learn: \"The \
                 only valid class_weight for subsampling is 'balanced'\")"
            )));
        }
        if let Some(&i) = idx.iter().find(|&&i| i >= n) {
            return Err(ReweighError::InvalidParameter {
                name: "indices",
                value: i as f64,
                expected: "smaller than the number of samples",
            });
        }
    }
    let mut out = Array1::from_elem(n, F::one());
    for (j, col) in y.axis_iter(Axis(1)).enumerate() {
        let scheme = &schemes[if schemes.len() == 1 { 0 } else { j }];
        let w = match indices {
            None => scheme.weights::<F>(&ClassCounts::from_labels(col.iter())?)?,
            Some(idx) => {
                let sub: Vec<i64> = idx.iter().map(|&i| col[i]).collect();
                scheme.weights::<F>(&ClassCounts::from_labels(&sub)?)?
            }
        };
        // classes of the full column that the subsample lacks weigh 0
        let index = class_index(w.classes())?;
        let wv = w.weights();
        for (o, l) in out.iter_mut().zip(col.iter()) {
            *o = *o * index.get(l).map_or(F::zero(), |&i| wv[i]);
        }
    }
    // the product over outputs of finite weights can overflow: an error, never a silent inf
    crate::loss::check_finite("sample weights (product over outputs)", out.iter())?;
    Ok(out)
}

/// Rescales sample weights to mean 1 (`sw · N / Σ sw`), keeping an unweighted loss's scale.
pub fn rescale_to_mean_one<'a, F: Real>(sample_weight: impl AsArray<'a, F>) -> Result<Array1<F>> {
    let sample_weight: ArrayView1<'_, F> = sample_weight.into();
    if sample_weight.is_empty() {
        return Err(ReweighError::EmptyBatch {
            what: "sample_weight",
        });
    }
    crate::loss::check_weights("sample_weight", sample_weight.iter())?;
    // sw · N / Σ sw, the sum scaled by its largest term where it overflows: [1e308, 1e308]
    // gives [1, 1]
    let (m, s) = super::check::scaled_sum(sample_weight.iter());
    if s == F::zero() {
        return Err(ReweighError::AllZeroWeights {
            what: "sample_weight",
        });
    }
    let n = F::of(sample_weight.len() as f64);
    let w = sample_weight.mapv(|w| w / m / s * n);
    crate::loss::check_finite("rescaled sample_weight", w.iter())?;
    Ok(w)
}
