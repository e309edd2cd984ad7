"""Golden cases: cross-entropy weighted by a cost matrix or a per-sample weight tensor.

Form "matrix": keras-team/keras#2115 `w_categorical_crossentropy` (cost M[true, argmax(pred)]),
ported from Keras 1 `K.*` to Keras 3 `keras.ops.*`, on probabilities; and the Stack Overflow
answer's Keras 2 subclass `WeightedCategoricalCrossentropy(keras.losses.CategoricalCrossentropy)`,
ported to Keras 3, on logits and probabilities.

Form "tensor": P-Gn's answer to Stack Overflow 44560549 (weights = reduce_sum(W * onehot, 1) times
softmax_cross_entropy_with_logits, reduce_mean), with W of shape (1, C) or a full (N, C) tensor;
and the same weights through tf.compat.v1.losses.softmax_cross_entropy and Keras
CategoricalCrossentropy(sample_weight=...).

All reweigh cases use the loss name "cost_matrix_cross_entropy".
"""
from itertools import product

import numpy as np
import torch  # noqa: F401  (imported before tensorflow, see common.py)
import tensorflow as tf
import keras
from keras import ops
from keras.src.losses.losses import LossFunctionWrapper  # what model.compile(loss=fn) wraps fn in

from common import CaseFile, case, tf_value_grad

FAMILY = "cost_matrix"
LOSS = "cost_matrix_cross_entropy"
cf = CaseFile(FAMILY, "scripts/reference/gen_cost_matrix.py")
rng = np.random.default_rng(20261125)
N, C = 6, 3
DTYPES = ("float32", "float64")
KERAS_RED = {"none": "none", "sum": "sum", "sum_over_batch_size": "sum_over_batch_size",
             "mean_with_sample_weight": "weighted_mean"}
TF1_RED = {
    tf.compat.v1.losses.Reduction.NONE: "none",
    tf.compat.v1.losses.Reduction.SUM: "sum",
    tf.compat.v1.losses.Reduction.MEAN: "weighted_mean",
    tf.compat.v1.losses.Reduction.SUM_OVER_BATCH_SIZE: "sum_over_batch_size",
    tf.compat.v1.losses.Reduction.SUM_BY_NONZERO_WEIGHTS: "sum_by_nonzero_weights",
}
TF1_F64_TOL = {"rel": 2e-6, "why": "tf.compat.v1.losses reduces in float32 even for float64 input"}

# The thread's cost matrix (ayalalazaro, keras#2115): confusing classes 1 and 2 costs 1.2.
W_2115 = np.ones((3, 3)); W_2115[2, 1] = 1.2; W_2115[1, 2] = 1.2
# Another one quoted from the thread's descendants: confusing 0 and 2 costs 1.25.
W_125 = np.array([[1.0, 1.0, 1.25], [1.0, 1.0, 1.0], [1.25, 1.0, 1.0]])


def random_cost(c):
    m = rng.uniform(0.5, 4.0, (c, c))
    np.fill_diagonal(m, 1.0)
    return m


# --- keras#2115, ported to Keras 3 ---------------------------------------------------------------
def w_categorical_crossentropy(y_true, y_pred, weights):
    """keras#2115 with K.* replaced by keras.ops.*; K.floatx() by the input dtype; and Keras 1's
    K.categorical_crossentropy(output, target) by keras.ops.categorical_crossentropy(target, output)."""
    nb_cl = len(weights)
    final_mask = ops.zeros_like(y_pred[:, 0])
    y_pred_max = ops.max(y_pred, axis=1)
    y_pred_max = ops.expand_dims(y_pred_max, 1)
    y_pred_max_mat = ops.equal(y_pred, y_pred_max)
    dt = y_pred.dtype
    for c_p, c_t in product(range(nb_cl), range(nb_cl)):
        final_mask += (ops.cast(weights[c_t, c_p], dt) * ops.cast(y_pred_max_mat[:, c_p], dt)
                       * ops.cast(y_true[:, c_t], dt))
    return ops.categorical_crossentropy(y_true, y_pred) * final_mask


class WeightedCategoricalCrossentropy(keras.losses.CategoricalCrossentropy):
    """The Stack Overflow answer's Keras 2 subclass, ported to Keras 3 (losses_utils.ReductionV2
    -> reduction strings; keras.backend -> keras.ops)."""

    def __init__(self, weights, from_logits=False, label_smoothing=0, reduction="sum_over_batch_size",
                 name="categorical_crossentropy", dtype=None):
        super().__init__(from_logits=from_logits, label_smoothing=label_smoothing, reduction=reduction,
                         name=f"weighted_{name}", dtype=dtype)
        self.weights = weights

    def call(self, y_true, y_pred):
        weights = self.weights
        nb_cl = len(weights)
        final_mask = ops.zeros_like(y_pred[:, 0])
        y_pred_max = ops.max(y_pred, axis=1)
        y_pred_max = ops.reshape(y_pred_max, (ops.shape(y_pred)[0], 1))
        y_pred_max_mat = ops.cast(ops.equal(y_pred, y_pred_max), y_pred.dtype)
        for c_p, c_t in product(range(nb_cl), range(nb_cl)):
            final_mask += (ops.cast(weights[c_t, c_p], y_pred.dtype) * y_pred_max_mat[:, c_p] * y_true[:, c_t])
        return super().call(y_true, y_pred) * final_mask


def simplex(shape):
    x = rng.normal(0, 2, shape)
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def onehot(labels, c):
    return np.eye(c)[labels]


def call_with(loss, y, sw, dtype):
    if sw is None:
        return lambda xx: loss(y.astype(dtype), xx)
    return lambda xx: loss(y.astype(dtype), xx, sample_weight=sw.astype(dtype))


def matrix_params(m, from_logits, red, ls=0.0):
    return {"form": "matrix", "cost_matrix": m.tolist(), "from_logits": from_logits, "epsilon": 1e-7,
            "label_smoothing": ls, "reduction": red, "on_zero": "zero"}


def tensor_params(from_logits, red, ls=0.0):
    return {"form": "tensor", "from_logits": from_logits, "epsilon": 1e-7, "label_smoothing": ls,
            "reduction": red, "on_zero": "zero"}


# ============================ form (a): cost matrix, probabilities ===============================
for dtype in DTYPES:
    for red in KERAS_RED:
        variants = [("none", "hard"), ("per_sample", "hard"), ("none", "soft")]
        if red in ("sum_over_batch_size", "mean_with_sample_weight"):
            variants.append(("zeros", "hard"))
        for swn, ln in variants:
            m = W_2115 if ln == "hard" else random_cost(C)
            p = simplex((N, C))
            y = onehot(rng.integers(0, C, N), C) if ln == "hard" else rng.uniform(0, 1, (N, C))
            sw = {"none": None, "per_sample": rng.uniform(0, 3, N), "zeros": np.zeros(N)}[swn]
            loss = LossFunctionWrapper(w_categorical_crossentropy, reduction=red, dtype=dtype, weights=m)
            v, g = tf_value_grad(call_with(loss, y, sw, dtype), p, dtype)
            cf.add(case(f"keras2115/w_categorical_crossentropy/{dtype}/{red}/sw_{swn}/{ln}", LOSS, "keras",
                        f"LossFunctionWrapper(w_categorical_crossentropy, weights=M, reduction={red!r})(y, p, sample_weight=sw)",
                        dtype, {"probs": p.astype(dtype), "labels": y.astype(dtype),
                                "sample_weight": None if sw is None else sw.astype(dtype)},
                        matrix_params(m, False, KERAS_RED[red]), v, g))

# ties, extremes, a larger class count, unnormalised rows
for dtype in DTYPES:
    p = np.array([
        [0.4, 0.4, 0.2],          # tie between classes 0 and 1: both costs count
        [0.3, 0.3, 0.3],          # three-way tie (unnormalised)
        [0.0, 0.5, 0.5],          # true class at p = 0 (clipped) and a tie
        [1.0, 0.0, 0.0],
        [1e-30, 1 - 1e-8, 1e-8],
        [2.0, 5.0, 3.0],          # unnormalised
        [0.0, 0.0, 0.0],          # zero row: nan
    ])
    y = np.array([[0, 1.0, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1], [1, 0, 0]])
    m = random_cost(3)
    loss = LossFunctionWrapper(w_categorical_crossentropy, reduction="none", dtype=dtype, weights=m)
    v, g = tf_value_grad(call_with(loss, y, None, dtype), p, dtype)
    cf.add(case(f"keras2115/w_categorical_crossentropy/{dtype}/ties_extreme", LOSS, "keras",
                "LossFunctionWrapper(w_categorical_crossentropy, weights=M, reduction='none')(y, p)", dtype,
                {"probs": p.astype(dtype), "labels": y.astype(dtype)}, matrix_params(m, False, "none"), v, g,
                note="ties at the maximum add the costs of every tied class"))
    c5 = 5
    m = random_cost(c5); p = simplex((8, c5)); y = onehot(rng.integers(0, c5, 8), c5)
    loss = LossFunctionWrapper(w_categorical_crossentropy, reduction="sum_over_batch_size", dtype=dtype, weights=m)
    v, g = tf_value_grad(call_with(loss, y, None, dtype), p, dtype)
    cf.add(case(f"keras2115/w_categorical_crossentropy/{dtype}/five_classes", LOSS, "keras",
                "LossFunctionWrapper(w_categorical_crossentropy, weights=M)(y, p)", dtype,
                {"probs": p.astype(dtype), "labels": y.astype(dtype)}, matrix_params(m, False, "sum_over_batch_size"),
                v, g))
    # the subclass on probabilities, with label smoothing (CE smoothed, mask from the raw labels)
    p = simplex((N, C)); y = onehot(rng.integers(0, C, N), C); sw = rng.uniform(0, 2, N)
    loss = WeightedCategoricalCrossentropy(W_125, from_logits=False, label_smoothing=0.1,
                                           reduction="mean_with_sample_weight", dtype=dtype)
    v, g = tf_value_grad(call_with(loss, y, sw, dtype), p, dtype)
    cf.add(case(f"so_subclass/probs/{dtype}/mean_with_sample_weight/ls0.1", LOSS, "keras",
                "WeightedCategoricalCrossentropy(W, label_smoothing=0.1, reduction='mean_with_sample_weight')(y, p, sample_weight=sw)",
                dtype, {"probs": p.astype(dtype), "labels": y.astype(dtype), "sample_weight": sw.astype(dtype)},
                matrix_params(W_125, False, "weighted_mean", 0.1), v, g))

# ============================ form (a): cost matrix, logits ======================================
for dtype in DTYPES:
    for red in KERAS_RED:
        for swn in ("none", "per_sample"):
            for ls in (0.0, 0.1):
                m = random_cost(C)
                x = rng.normal(0, 3, (N, C))
                # soft labels that sum to 1 (TF's softmax-CE gradient assumes it, see README)
                y = onehot(rng.integers(0, C, N), C) if ls == 0 else simplex((N, C))
                sw = rng.uniform(0, 3, N) if swn == "per_sample" else None
                loss = WeightedCategoricalCrossentropy(m, from_logits=True, label_smoothing=ls, reduction=red, dtype=dtype)
                v, g = tf_value_grad(call_with(loss, y, sw, dtype), x, dtype)
                cf.add(case(f"so_subclass/logits/{dtype}/{red}/sw_{swn}/ls{ls}", LOSS, "keras",
                            f"WeightedCategoricalCrossentropy(M, from_logits=True, label_smoothing={ls}, reduction={red!r})(y, x, sample_weight=sw)",
                            dtype, {"logits": x.astype(dtype), "labels": y.astype(dtype),
                                    "sample_weight": None if sw is None else sw.astype(dtype)},
                            matrix_params(m, True, KERAS_RED[red], ls), v, g))
    x = np.array([[1.0, 1.0, 0.0], [2.0, 2.0, 2.0], [1e4, -1e4, 0.0], [88.0, -88.0, 0.0],
                  [-1e30, 0.0, 1e30], [0.0, 30.0, -30.0]])
    y = np.array([[0, 0, 1.0], [0, 1, 0], [0, 1, 0], [1, 0, 0], [0.5, 0.5, 0], [0.2, 0.3, 0.5]])
    m = random_cost(3)
    loss = WeightedCategoricalCrossentropy(m, from_logits=True, reduction="none", dtype=dtype)
    v, g = tf_value_grad(call_with(loss, y, None, dtype), x, dtype)
    cf.add(case(f"so_subclass/logits/{dtype}/ties_extreme", LOSS, "keras",
                "WeightedCategoricalCrossentropy(M, from_logits=True, reduction='none')(y, x)", dtype,
                {"logits": x.astype(dtype), "labels": y.astype(dtype)}, matrix_params(m, True, "none"), v, g,
                note="ties are taken on the logits"))

# ============================ form (b): weight tensor (seed 000) =================================
W_PGN = np.array([[1.0, 2.0, 3.0]])  # P-Gn's class_weights, shape (1, C)


def tensor_w(kind):
    if kind == "class_weights":
        return W_PGN
    w = rng.uniform(0.0, 3.0, (N, C))
    w[rng.random((N, C)) < 0.25] = 0.0  # some samples end up with weight 0
    return w


for dtype in DTYPES:
    for kind in ("class_weights", "full"):
        for ln in ("hard", "soft"):
            w = tensor_w(kind)
            x = rng.normal(0, 3, (N, C))
            y = onehot(rng.integers(0, C, N), C) if ln == "hard" else simplex((N, C))
            wt = tf.constant(w.astype(dtype))

            def pgn(logits, onehot_labels=y.astype(dtype), class_weights=wt):
                # P-Gn's answer, TF2 version (Tensorflow Support's migration)
                weights = tf.reduce_sum(class_weights * onehot_labels, axis=1)
                unweighted_losses = tf.nn.softmax_cross_entropy_with_logits(onehot_labels, logits)
                weighted_losses = unweighted_losses * weights
                return tf.reduce_mean(weighted_losses)

            v, g = tf_value_grad(pgn, x, dtype)
            cf.add(case(f"so44560549/pgn/{dtype}/{kind}/{ln}", LOSS, "tensorflow",
                        "tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(onehot, logits) * tf.reduce_sum(W * onehot, axis=1))",
                        dtype, {"logits": x.astype(dtype), "labels": y.astype(dtype), "weight_tensor": w.astype(dtype)},
                        tensor_params(True, "sum_over_batch_size"), v, g))
            if kind == "full" and ln == "hard":
                def pgn_none(logits, onehot_labels=y.astype(dtype), class_weights=wt):
                    weights = tf.reduce_sum(class_weights * onehot_labels, axis=1)
                    return tf.nn.softmax_cross_entropy_with_logits(onehot_labels, logits) * weights
                v, g = tf_value_grad(pgn_none, x, dtype)
                cf.add(case(f"so44560549/pgn/{dtype}/{kind}/{ln}/weighted_losses", LOSS, "tensorflow",
                            "tf.nn.softmax_cross_entropy_with_logits(onehot, logits) * tf.reduce_sum(W * onehot, axis=1)",
                            dtype, {"logits": x.astype(dtype), "labels": y.astype(dtype), "weight_tensor": w.astype(dtype)},
                            tensor_params(True, "none"), v, g))

# the same weights through tf.compat.v1.losses.softmax_cross_entropy ("the last three steps")
for dtype in DTYPES:
    for red, name in TF1_RED.items():
        for ls in (0.0, 0.2):
            if ls > 0 and name not in ("sum_by_nonzero_weights", "weighted_mean"):
                continue
            w = tensor_w("full")
            x = rng.normal(0, 3, (N, C)); y = onehot(rng.integers(0, C, N), C)
            s = (w * y).sum(1)
            v, g = tf_value_grad(lambda xx: tf.compat.v1.losses.softmax_cross_entropy(
                y.astype(dtype), xx, weights=s.astype(dtype), label_smoothing=ls, reduction=red), x, dtype)
            cf.add(case(f"tf1/softmax_cross_entropy/{dtype}/{name}/ls{ls}", LOSS, "tensorflow",
                        f"tf.compat.v1.losses.softmax_cross_entropy(onehot, logits, weights=reduce_sum(W*onehot, 1), label_smoothing={ls}, reduction={red!r})",
                        dtype, {"logits": x.astype(dtype), "labels": y.astype(dtype), "weight_tensor": w.astype(dtype)},
                        tensor_params(True, name, ls), v, g,
                        tolerance=TF1_F64_TOL if dtype == "float64" else None))

# ... and through Keras CategoricalCrossentropy(sample_weight = s * sw), on logits and probabilities
for dtype in DTYPES:
    for from_logits in (True, False):
        for red in ("sum_over_batch_size", "mean_with_sample_weight"):
            w = tensor_w("full")
            x = rng.normal(0, 3, (N, C)) if from_logits else simplex((N, C))
            y = onehot(rng.integers(0, C, N), C); sw = rng.uniform(0, 2, N)
            s = (w * y).sum(1)
            loss = keras.losses.CategoricalCrossentropy(from_logits=from_logits, reduction=red, dtype=dtype)
            v, g = tf_value_grad(lambda xx: loss(y.astype(dtype), xx, sample_weight=(s * sw).astype(dtype)), x, dtype)
            cf.add(case(f"keras/categorical_crossentropy/{dtype}/{'logits' if from_logits else 'probs'}/{red}/sw_times_s", LOSS,
                        "keras", f"keras.losses.CategoricalCrossentropy(from_logits={from_logits}, reduction={red!r})(y, x, sample_weight=reduce_sum(W*y, 1) * sw)",
                        dtype, {"logits" if from_logits else "probs": x.astype(dtype), "labels": y.astype(dtype),
                                "weight_tensor": w.astype(dtype), "sample_weight": sw.astype(dtype)},
                        tensor_params(from_logits, KERAS_RED[red]), v, g))


# ================================== errors ======================================================
def error_of(fn):
    try:
        fn()
    except Exception as e:
        return f"{type(e).__name__}: {getattr(e, 'message', e)}"
    raise AssertionError("no raise")


for dtype in DTYPES:
    p = simplex((2, 3)); y = onehot([0, 2], 3)
    m4 = np.ones((4, 4))
    msg = error_of(lambda: LossFunctionWrapper(w_categorical_crossentropy, dtype=dtype, weights=m4)(y, p))
    cf.add(case(f"keras2115/w_categorical_crossentropy/{dtype}/error/cost_matrix_too_large", LOSS, "keras",
                "w_categorical_crossentropy(y(2,3), p(2,3), weights=ones((4,4)))", dtype,
                {"probs": p.astype(dtype), "labels": y.astype(dtype)},
                matrix_params(m4, False, "sum_over_batch_size"), expect_error=msg))
    msg = error_of(lambda: LossFunctionWrapper(w_categorical_crossentropy, dtype=dtype, weights=W_2115)(
        onehot([0, 1], 2), p))
    cf.add(case(f"keras2115/w_categorical_crossentropy/{dtype}/error/labels_shape", LOSS, "keras",
                "w_categorical_crossentropy(y(2,2), p(2,3), weights=W)", dtype,
                {"probs": p.astype(dtype), "labels": onehot([0, 1], 2).astype(dtype)},
                matrix_params(W_2115, False, "sum_over_batch_size"), expect_error=msg))
    x = rng.normal(0, 1, (N, C)); y = onehot(rng.integers(0, C, N), C); w = np.ones((N - 1, C))
    msg = error_of(lambda: tf.reduce_sum(tf.constant(w.astype(dtype)) * y.astype(dtype), axis=1))
    cf.add(case(f"so44560549/pgn/{dtype}/error/weight_tensor_shape", LOSS, "tensorflow",
                "tf.reduce_sum(W(5,3) * onehot(6,3), axis=1)", dtype,
                {"logits": x.astype(dtype), "labels": y.astype(dtype), "weight_tensor": w.astype(dtype)},
                tensor_params(True, "sum_over_batch_size"), expect_error=msg))

cf.write()
