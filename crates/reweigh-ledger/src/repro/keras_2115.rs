//! The cost-matrix categorical cross-entropy of keras-team/keras#2115 (seed 001), in both of
//! the thread's versions.

use super::Raised;
use ndarray::{Array1, ArrayView2};
use reweigh::loss::Loss;
use reweigh::losses::{CategoricalCrossEntropyProbs, CostMatrixCrossEntropy, CostWeights};
use reweigh::{Real, Reduction};

/// `final_mask` of both versions: for each sample, the sum over true classes `t` and predicted
/// classes `p` of `W[t, p]·[y_pred[p] = max y_pred]·y_true[t]`, every tied maximum counting.
///
/// Bad shapes raise what the snippet raises on TensorFlow 2.21 (measured with
/// `tensorflow.python.keras.backend`), at the first iteration of its loop over
/// `product(range(nb_cl), range(nb_cl))` (`nb_cl = len(weights)`) that fails:
/// - `weights[c_t, c_p]` past the weights' columns: numpy's `IndexError: index 2 is out of
///   bounds for axis 1 with size 2`;
/// - `y_pred_max_mat[:, c_p]` or `y_true[:, c_t]` past the arrays' columns (weights larger than
///   the classes, or `y_pred` narrower): `InvalidArgumentError: slice index 3 of dimension 1 out
///   of bounds.`;
/// - row counts that differ, neither being 1: `InvalidArgumentError: Incompatible shapes: [3] vs.
///   [2] [Op:Mul]` (a single row broadcasts, as in TensorFlow).
///
/// ```
/// use ndarray::array;
/// use reweigh_ledger::repro::final_mask;
/// let w = array![[1.0_f64, 2.0], [5.0, 1.0]];
/// let y_true = array![[0.0, 1.0], [1.0, 0.0]];
/// let y_pred = array![[0.9, 0.1], [0.5, 0.5]];
/// assert_eq!(final_mask(y_true.view(), y_pred.view(), w.view()).unwrap(), array![5.0, 3.0]); // the tie counts twice
/// let too_big = array![[1.0_f64, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]];
/// let err = final_mask(y_true.view(), y_pred.view(), too_big.view()).unwrap_err();
/// assert_eq!(err.kind, "InvalidArgumentError");
/// ```
pub fn final_mask<F: Real>(
    y_true: ArrayView2<'_, F>,
    y_pred: ArrayView2<'_, F>,
    weights: ArrayView2<'_, F>,
) -> Result<Array1<F>, Raised> {
    let nb_cl = weights.nrows();
    let (n_true, n_pred) = (y_true.nrows(), y_pred.nrows());
    let slice_error = |index: usize| {
        Raised::new(
            "InvalidArgumentError",
            format!("slice index {index} of dimension 1 out of bounds. [Op:StridedSlice]"),
        )
    };
    // `final_mask = K.zeros_like(y_pred[:, 0])` comes first.
    if y_pred.ncols() == 0 {
        return Err(slice_error(0));
    }
    // The loop's iterations in Python's order; each fails where the snippet would.
    for (i, (c_p, c_t)) in (0..nb_cl)
        .flat_map(|c_p| (0..nb_cl).map(move |c_t| (c_p, c_t)))
        .enumerate()
    {
        if c_p >= weights.ncols() {
            return Err(Raised::new(
                "IndexError",
                format!(
                    "index {c_p} is out of bounds for axis 1 with size {}",
                    weights.ncols()
                ),
            ));
        }
        if c_p >= y_pred.ncols() {
            return Err(slice_error(c_p));
        }
        if c_t >= y_true.ncols() {
            return Err(slice_error(c_t));
        }
        if i == 0 && n_true != n_pred && n_true != 1 && n_pred != 1 {
            return Err(Raised::new(
                "InvalidArgumentError",
                format!("Incompatible shapes: [{n_pred}] vs. [{n_true}] [Op:Mul]"),
            ));
        }
    }
    let rows = if nb_cl == 0 {
        n_pred
    } else {
        n_true.max(n_pred)
    };
    let row = |a: ArrayView2<'_, F>, i: usize| a.row(if a.nrows() == 1 { 0 } else { i }).to_owned();
    Ok(Array1::from_iter((0..rows).map(|i| {
        let (t, p) = (row(y_true, i), row(y_pred, i));
        let max = p.fold(F::neg_infinity(), |a, &b| a.max(b));
        let mut m = F::zero();
        for c_p in 0..nb_cl {
            for c_t in 0..nb_cl {
                if p[c_p] == max {
                    m = m + weights[[c_t, c_p]] * t[c_t];
                }
            }
        }
        m
    })))
}

/// Which argument order `K.categorical_crossentropy(y_pred, y_true)` is read with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgOrder {
    /// Keras 1's `(output, target)`: the call means `CE(target = y_true, output = y_pred)`, what
    /// the snippet intends.
    Keras1,
    /// Keras 2's and `tf.keras`'s `(target, output)`: the same call computes
    /// `CE(target = y_pred, output = y_true)`, with the one-hot labels clipped to `[ε, 1 − ε]`
    /// inside the logarithm.
    Keras2,
}

/// The function version, verbatim (`w_categorical_crossentropy(y_true, y_pred, weights)`):
///
/// ```text
/// y_pred_max_mat = K.equal(y_pred, y_pred_max)
/// for c_p, c_t in product(range(nb_cl), range(nb_cl)):
///     final_mask += (weights[c_t, c_p] * y_pred_max_mat[:, c_p] * y_true[:, c_t])
/// return K.categorical_crossentropy(y_pred, y_true) * final_mask
/// ```
///
/// On TensorFlow 2 (`tensorflow.python.keras.backend`, the only Keras backend with a `K.equal`
/// that still runs this) the boolean `y_pred_max_mat` meets a float: it raises
/// `InvalidArgumentError: cannot compute AddV2 as input #1(zero-based) was expected to be a float
/// tensor but is a bool tensor`. Keras 1 (Theano) multiplied booleans as numbers: use
/// [`w_categorical_crossentropy_cast`] with [`ArgOrder::Keras1`] for what it computed.
pub fn w_categorical_crossentropy<F: Real>(
    _y_true: ArrayView2<'_, F>,
    _y_pred: ArrayView2<'_, F>,
    _weights: ArrayView2<'_, F>,
) -> Result<Array1<F>, Raised> {
    Err(Raised::new(
        "InvalidArgumentError",
        "cannot compute AddV2 as input #1(zero-based) was expected to be a float tensor but is a \
         bool tensor [Op:AddV2] name:",
    ))
}

/// The function version with the boolean mask cast to float (the class version's fix), the
/// cross-entropy read in `order`: per-sample `CE·final_mask`, Keras clipping (`ε = 1e-7`).
///
/// With [`ArgOrder::Keras1`] it is [`CostMatrixCrossEntropy`] with [`CostWeights::Matrix`]
/// (reduction `none`).
///
/// ```
/// use ndarray::array;
/// use reweigh_ledger::repro::{ArgOrder, w_categorical_crossentropy_cast};
/// let w = array![[1.0_f64, 1.0], [1.0, 1.0]];
/// let y_true = array![[0.0, 1.0]];
/// let y_pred = array![[0.2, 0.8]];
/// let intended = w_categorical_crossentropy_cast(y_true.view(), y_pred.view(), w.view(), ArgOrder::Keras1).unwrap();
/// assert!((intended[0] + 0.8_f64.ln()).abs() < 1e-12);
/// let swapped = w_categorical_crossentropy_cast(y_true.view(), y_pred.view(), w.view(), ArgOrder::Keras2).unwrap();
/// assert!(swapped[0] > 3.0); // −0.2·ln(1e-7) − 0.8·ln(1 − 1e-7)
/// ```
pub fn w_categorical_crossentropy_cast<F: Real>(
    y_true: ArrayView2<'_, F>,
    y_pred: ArrayView2<'_, F>,
    weights: ArrayView2<'_, F>,
    order: ArgOrder,
) -> Result<Array1<F>, Raised> {
    let mask = final_mask(y_true, y_pred, weights)?;
    let (target, output) = match order {
        ArgOrder::Keras1 => (y_true, y_pred),
        ArgOrder::Keras2 => (y_pred, y_true),
    };
    let ce = CategoricalCrossEntropyProbs::<F>::keras()
        .reduction(Reduction::None)
        .forward(output.into_dyn(), target.into_dyn())
        .map_err(Raised::from_reweigh)?
        .into_array();
    Ok(Array1::from_iter(
        ce.iter().zip(&mask).map(|(&c, &m)| c * m),
    ))
}

/// How the class version's `__init__` passes its arguments to `CategoricalCrossentropy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InitArgs {
    /// As written: `super().__init__(from_logits, label_smoothing, reduction, name=...)`.
    /// `tf.keras` (2.6 and later, and TensorFlow 2.21's legacy `tensorflow.python.keras`) has
    /// `axis` as the third parameter, so the reduction name lands in `axis` and the loss raises
    /// `InvalidArgumentError: Value for attr 'Tidx' of string is not in the list of allowed
    /// values: int32, int64` when called.
    AsWritten,
    /// `from_logits=..., label_smoothing=..., reduction=...` by keyword.
    Keywords,
}

/// The class version `WeightedCategoricalCrossentropy(weights)(y_true, y_pred)` on
/// probabilities with its default `SUM_OVER_BATCH_SIZE` reduction: `mean_i CE_i·final_mask_i`
/// (it casts the mask, and its `super().call(y_true, y_pred)` has the right argument order).
///
/// ```
/// use ndarray::array;
/// use reweigh_ledger::repro::{InitArgs, weighted_categorical_crossentropy_class};
/// let w = array![[1.0_f64, 2.0], [1.0, 1.0]];
/// let (y, p) = (array![[1.0, 0.0]], array![[0.4, 0.6]]);
/// let v = weighted_categorical_crossentropy_class(y.view(), p.view(), w.view(), InitArgs::Keywords).unwrap();
/// assert!((v + 2.0 * 0.4_f64.ln()).abs() < 1e-12); // true 0, predicted 1: cost 2
/// assert!(weighted_categorical_crossentropy_class(y.view(), p.view(), w.view(), InitArgs::AsWritten).is_err());
/// ```
pub fn weighted_categorical_crossentropy_class<F: Real>(
    y_true: ArrayView2<'_, F>,
    y_pred: ArrayView2<'_, F>,
    weights: ArrayView2<'_, F>,
    args: InitArgs,
) -> Result<F, Raised> {
    if args == InitArgs::AsWritten {
        return Err(Raised::new(
            "InvalidArgumentError",
            "Value for attr 'Tidx' of string is not in the list of allowed values: int32, int64",
        ));
    }
    let loss = CostMatrixCrossEntropy::new(CostWeights::Matrix(weights.to_owned()));
    loss.forward(y_pred.into_dyn(), y_true.into_dyn())
        .map_err(Raised::from_reweigh)?
        .scalar()
        .ok_or_else(|| Raised::new("ValueError", "expected a scalar loss"))
}
