"""Golden cases: cross-entropy losses on probabilities.

- keras.losses.BinaryCrossentropy(from_logits=False), torch.nn.BCELoss /
  F.binary_cross_entropy, tf.compat.v1.losses.log_loss          -> "binary_cross_entropy_probs"
- keras.losses.CategoricalCrossentropy(from_logits=False)        -> "categorical_cross_entropy_probs"
- keras.losses.SparseCategoricalCrossentropy(from_logits=False)  -> "sparse_categorical_cross_entropy_probs"
- torch.nn.NLLLoss on log-probabilities                          -> "nll_loss"
"""
import numpy as np
import torch  # before tensorflow
import tensorflow as tf
import keras

from common import CaseFile, case, t, torch_value_grad, tf_value_grad

FAMILY = "probs"
cf = CaseFile(FAMILY, "scripts/reference/gen_probs.py")
rng = np.random.default_rng(20261124)
N, C = 4, 5
DTYPES = ("float32", "float64")
TORCH_RED = {"none": "none", "sum": "sum", "mean": "weighted_mean"}
KERAS_RED = {"none": "none", "sum": "sum", "sum_over_batch_size": "sum_over_batch_size",
             "mean": "sum_over_batch_size", "mean_with_sample_weight": "weighted_mean"}
TF1_RED = {
    tf.compat.v1.losses.Reduction.NONE: "none",
    tf.compat.v1.losses.Reduction.SUM: "sum",
    tf.compat.v1.losses.Reduction.MEAN: "weighted_mean",
    tf.compat.v1.losses.Reduction.SUM_OVER_BATCH_SIZE: "sum_over_batch_size",
    tf.compat.v1.losses.Reduction.SUM_BY_NONZERO_WEIGHTS: "sum_by_nonzero_weights",
}
# log_loss casts predictions and labels to float32 and reduces in float32, whatever the input
# dtype: its float64 cases use float32-representable inputs and a float32 tolerance.
TF1_F64_TOL = {"rel": 2e-6, "why": "tf.compat.v1.losses.log_loss casts its inputs to float32 and computes in float32"}
# Probabilities that exercise every clipping branch: exact 0 and 1, a tiny and a nearly-1 value
# (1 - 1e-8 rounds to 1 in float32), the Keras bounds themselves, and an interior value.
EXTREME_P = [0.0, 1.0, 1e-30, 1 - 1e-8, 1e-7, 1 - 1e-7, 1e-3, 0.5]


def probs(shape, lo=0.0, hi=1.0):
    return rng.uniform(lo, hi, shape)


def simplex(shape):
    """Rows that sum to 1 (a softmax output)."""
    x = rng.normal(0, 2, shape)
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def hard(shape):
    return (rng.random(shape) < 0.4).astype(float)


def onehot(labels, c):
    return np.eye(c)[labels]


def f32_exact(a):
    """Rounds to float32 and back (inputs for float64 cases of float32-only frameworks)."""
    return None if a is None else np.asarray(a).astype(np.float32).astype(np.float64)


def error_of(fn):
    """The exception `fn` raises, as "Type: message" (the framework's message, verbatim)."""
    try:
        fn()
    except Exception as e:
        return f"{type(e).__name__}: {getattr(e, 'message', e)}"
    raise AssertionError("the framework did not raise")


def keras_call(loss, y, sw, dtype):
    if sw is None:
        return lambda xx: loss(y, xx)
    return lambda xx: loss(y, xx, sample_weight=sw.astype(dtype))


# ================================ binary cross-entropy ==========================================
BCE = "binary_cross_entropy_probs"

# --- Keras BinaryCrossentropy(from_logits=False) ------------------------------------------------
for dtype in DTYPES:
    for red in ("none", "sum", "sum_over_batch_size", "mean", "mean_with_sample_weight"):
        for swn, sw in {"none": None, "per_sample": rng.uniform(0, 3, N), "zeros": np.zeros(N)}.items():
            for ls in (0.0, 0.1):
                if (swn == "zeros" or red == "mean") and ls > 0:
                    continue
                p = probs((N, C)); z = hard((N, C)) if ls == 0 else probs((N, C))
                loss = keras.losses.BinaryCrossentropy(label_smoothing=ls, reduction=red, dtype=dtype)
                v, g = tf_value_grad(keras_call(loss, z.astype(dtype), sw, dtype), p, dtype)
                cf.add(case(f"keras/binary_crossentropy/{dtype}/{red}/sw_{swn}/ls{ls}", BCE, "keras",
                            f"keras.losses.BinaryCrossentropy(label_smoothing={ls}, reduction={red!r})(z, p, sample_weight=sw)",
                            dtype, {"probs": p.astype(dtype), "labels": z.astype(dtype),
                                    "sample_weight": None if sw is None else sw.astype(dtype)},
                            {"clip": "keras", "epsilon": 1e-7, "label_smoothing": ls, "mean_last_axis": True,
                             "reduction": KERAS_RED[red], "on_zero": "zero"}, v, g))

# extremes, per element: shape (3, K, 1) so the Keras mean over the last axis keeps every element
for dtype in DTYPES:
    ex = np.array(EXTREME_P + [1.5, -0.5, np.inf, -np.inf])
    p = np.stack([ex, ex, ex])[..., None]
    z = np.stack([np.zeros_like(ex), np.ones_like(ex), np.full_like(ex, 0.3)])[..., None]
    loss = keras.losses.BinaryCrossentropy(reduction="none", dtype=dtype)
    v, g = tf_value_grad(lambda xx: loss(z.astype(dtype), xx), p, dtype)
    cf.add(case(f"keras/binary_crossentropy/{dtype}/extreme", BCE, "keras",
                "keras.losses.BinaryCrossentropy(reduction='none')(z, p)", dtype,
                {"probs": p.astype(dtype), "labels": z.astype(dtype)},
                {"clip": "keras", "epsilon": 1e-7, "mean_last_axis": True, "reduction": "none"}, v, g,
                note="p outside [0, 1] (and +-inf) is clipped by Keras; the clip's gradient is 0 there"))
    # the two float32 numbers everyone quotes: BCE(y=0, p=1) and BCE(y=1, p=0)
    p = np.array([[1.0], [0.0]]); z = np.array([[0.0], [1.0]])
    v, g = tf_value_grad(lambda xx: loss(z.astype(dtype), xx), p, dtype)
    cf.add(case(f"keras/binary_crossentropy/{dtype}/saturated_pair", BCE, "keras",
                "keras.losses.BinaryCrossentropy(reduction='none')([[0.], [1.]], [[1.], [0.]])", dtype,
                {"probs": p.astype(dtype), "labels": z.astype(dtype)},
                {"clip": "keras", "epsilon": 1e-7, "mean_last_axis": True, "reduction": "none"}, v, g,
                note="float32: 15.942385 (upper bound 1-1e-7 rounds to 1-1.19e-7) and 16.118095"))
    # a non-default epsilon and a NaN probability (propagates; its clip gradient is 0)
    p = np.array([[0.0, 1.0, 0.3, 0.999], [np.nan, 0.2, 0.01, 0.5]]); z = np.array([[1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 1.0, 1.0]])
    keras.config.set_epsilon(1e-3)
    loss3 = keras.losses.BinaryCrossentropy(reduction="none", dtype=dtype)
    v, g = tf_value_grad(lambda xx: loss3(z.astype(dtype), xx), p, dtype)
    keras.config.set_epsilon(1e-7)
    cf.add(case(f"keras/binary_crossentropy/{dtype}/epsilon1e-3/nan", BCE, "keras",
                "keras.config.set_epsilon(1e-3); keras.losses.BinaryCrossentropy(reduction='none')(z, p)", dtype,
                {"probs": p.astype(dtype), "labels": z.astype(dtype)},
                {"clip": "keras", "epsilon": 1e-3, "mean_last_axis": True, "reduction": "none"}, v, g))

# a rank-3 input with (N, T) sample weights
for dtype in DTYPES:
    p = probs((2, 3, 4)); z = hard((2, 3, 4)); sw = rng.uniform(0, 2, (2, 3))
    loss = keras.losses.BinaryCrossentropy(reduction="mean_with_sample_weight", dtype=dtype)
    v, g = tf_value_grad(keras_call(loss, z.astype(dtype), sw, dtype), p, dtype)
    cf.add(case(f"keras/binary_crossentropy/{dtype}/rank3", BCE, "keras",
                "keras.losses.BinaryCrossentropy(reduction='mean_with_sample_weight')(z, p, sample_weight=sw)", dtype,
                {"probs": p.astype(dtype), "labels": z.astype(dtype), "sample_weight": sw.astype(dtype)},
                {"clip": "keras", "epsilon": 1e-7, "mean_last_axis": True, "reduction": "weighted_mean", "on_zero": "zero"},
                v, g))

# --- torch BCELoss ------------------------------------------------------------------------------
for dtype in DTYPES:
    for red in ("none", "sum", "mean"):
        for wn, w in {"none": None, "per_class": rng.uniform(0.0, 2.0, C),
                      "per_element": rng.uniform(0.0, 2.0, (N, C))}.items():
            for ln in ("hard", "soft"):
                if wn == "per_element" and ln == "soft" and red != "mean":
                    continue
                p = probs((N, C)); z = hard((N, C)) if ln == "hard" else probs((N, C))
                kw = {"reduction": red}
                if w is not None:
                    kw["weight"] = t(w, dtype)
                fn = lambda xx: torch.nn.BCELoss(**kw)(xx, t(z, dtype))
                v, g = torch_value_grad(fn, p, dtype)
                cf.add(case(f"torch/bce/{dtype}/{red}/w_{wn}/{ln}", BCE, "torch",
                            f"torch.nn.BCELoss(weight=w, reduction={red!r})(p, z)", dtype,
                            {"probs": p.astype(dtype), "labels": z.astype(dtype)},
                            {"clip": "pytorch", "weight": None if w is None else w.astype(dtype).tolist(),
                             "reduction": TORCH_RED[red], "on_zero": "nan"}, v, g))

for dtype in DTYPES:
    ex = np.array(EXTREME_P + [1e-44 if dtype == "float32" else 1e-300])
    p = np.stack([ex, ex, ex])
    z = np.stack([np.zeros_like(ex), np.ones_like(ex), np.full_like(ex, 0.3)])
    v, g = torch_value_grad(lambda xx: torch.nn.functional.binary_cross_entropy(xx, t(z, dtype), reduction="none"), p, dtype)
    cf.add(case(f"torch/bce/{dtype}/extreme", BCE, "torch",
                "torch.nn.functional.binary_cross_entropy(p, z, reduction='none')", dtype,
                {"probs": p.astype(dtype), "labels": z.astype(dtype)},
                {"clip": "pytorch", "reduction": "none"}, v, g,
                note="logs clamped at -100; torch's gradient is w(p-z)/max(p(1-p), 1e-12), not the derivative of the clamped loss"))
    # zero weights with mean: torch divides by numel, so the result is 0, not nan
    p = probs((N, C)); z = hard((N, C)); w = np.zeros(C)
    v, g = torch_value_grad(lambda xx: torch.nn.BCELoss(weight=t(w, dtype))(xx, t(z, dtype)), p, dtype)
    cf.add(case(f"torch/bce/{dtype}/mean/zero_weights", BCE, "torch", "torch.nn.BCELoss(weight=zeros(C))(p, z)",
                dtype, {"probs": p.astype(dtype), "labels": z.astype(dtype)},
                {"clip": "pytorch", "weight": w.tolist(), "reduction": "weighted_mean", "on_zero": "nan"}, v, g))


for dtype in DTYPES:
    for name, p, z in (("p_above_1", [[0.5, 1.5]], [[1.0, 0.0]]), ("p_below_0", [[-0.1, 0.5]], [[1.0, 0.0]]),
                       ("p_nan", [[np.nan, 0.5]], [[1.0, 0.0]]), ("p_inf", [[np.inf, 0.5]], [[1.0, 0.0]]),
                       ("z_above_1", [[0.5, 0.5]], [[1.5, 0.0]]), ("shape", [[0.5], [0.5]], [1.0, 0.0])):
        msg = error_of(lambda: torch.nn.functional.binary_cross_entropy(t(p, dtype), t(z, dtype)))
        cf.add(case(f"torch/bce/{dtype}/error/{name}", BCE, "torch",
                    "torch.nn.functional.binary_cross_entropy(p, z)", dtype,
                    {"probs": np.array(p, dtype=dtype), "labels": np.array(z, dtype=dtype)},
                    {"clip": "pytorch", "reduction": "weighted_mean", "on_zero": "nan"}, expect_error=msg))

# --- tf.compat.v1.losses.log_loss ---------------------------------------------------------------
for dtype in DTYPES:
    for red, name in TF1_RED.items():
        for wn in ("none", "with_zeros", "all_zero", "scalar"):
            if wn in ("all_zero", "scalar") and name not in ("weighted_mean", "sum_by_nonzero_weights"):
                continue
            p = f32_exact(probs((N, C), 0.05, 0.95)); z = f32_exact(hard((N, C)))
            w = {"none": None, "scalar": np.array(2.5), "all_zero": np.zeros((N, C)),
                 "with_zeros": rng.uniform(0.5, 2, (N, 1)) * (rng.random((N, 1)) < 0.6)}[wn]
            w = f32_exact(w)
            kw = {"reduction": red}
            if w is not None:
                kw["weights"] = w.astype(dtype)
            v, g = tf_value_grad(lambda xx: tf.compat.v1.losses.log_loss(z.astype(dtype), xx, **kw), p, dtype)
            cf.add(case(f"tf1/log_loss/{dtype}/{name}/w_{wn}", BCE, "tensorflow",
                        f"tf.compat.v1.losses.log_loss(z, p, weights=w, reduction={red!r})", dtype,
                        {"probs": p.astype(dtype), "labels": z.astype(dtype),
                         "sample_weight": None if w is None else w.astype(dtype)},
                        {"clip": "tf1", "epsilon": 1e-7, "reduction": name, "on_zero": "zero"}, v, g,
                        tolerance=TF1_F64_TOL if dtype == "float64" else None))
dtype = "float32"
ex = np.array(EXTREME_P)
p = np.stack([ex, ex, ex]); z = np.stack([np.zeros_like(ex), np.ones_like(ex), np.full_like(ex, 0.3)])
v, g = tf_value_grad(lambda xx: tf.compat.v1.losses.log_loss(z.astype(dtype), xx, epsilon=1e-7, reduction="none"), p, dtype)
cf.add(case("tf1/log_loss/float32/extreme", BCE, "tensorflow",
            "tf.compat.v1.losses.log_loss(z, p, epsilon=1e-7, reduction='none')", dtype,
            {"probs": p.astype(dtype), "labels": z.astype(dtype)},
            {"clip": "tf1", "epsilon": 1e-7, "reduction": "none"}, v, g,
            note="eps inside the logs: the gradient never vanishes, unlike Keras's clip"))
for dtype in DTYPES:
    msg = error_of(lambda: tf.compat.v1.losses.log_loss(np.zeros((2, 2), dtype), np.full((2, 3), 0.5, dtype)))
    cf.add(case(f"tf1/log_loss/{dtype}/error/shape", BCE, "tensorflow",
                "tf.compat.v1.losses.log_loss(z(2,2), p(2,3))", dtype,
                {"probs": np.full((2, 3), 0.5, dtype), "labels": np.zeros((2, 2), dtype)},
                {"clip": "tf1", "reduction": "sum_by_nonzero_weights", "on_zero": "zero"}, expect_error=msg))

# ============================ categorical cross-entropy =========================================
CCE = "categorical_cross_entropy_probs"
for dtype in DTYPES:
    for red in ("none", "sum", "sum_over_batch_size", "mean_with_sample_weight"):
        for swn, sw in {"none": None, "per_sample": rng.uniform(0, 3, N), "zeros": np.zeros(N)}.items():
            for ls in (0.0, 0.2):
                for ln in ("hard", "soft"):
                    if swn == "zeros" and (ls > 0 or ln == "soft"):
                        continue
                    if ln == "soft" and red in ("none", "sum") and swn != "none":
                        continue
                    p = simplex((N, C))
                    if swn == "none" and ln == "hard":
                        p = p * rng.uniform(0.5, 2.0, (N, 1))  # unnormalised rows: Keras divides by the sum
                    y = onehot(rng.integers(0, C, N), C) if ln == "hard" else simplex((N, C))
                    loss = keras.losses.CategoricalCrossentropy(label_smoothing=ls, reduction=red, dtype=dtype)
                    v, g = tf_value_grad(keras_call(loss, y.astype(dtype), sw, dtype), p, dtype)
                    cf.add(case(f"keras/categorical_crossentropy/{dtype}/{red}/sw_{swn}/ls{ls}/{ln}", CCE, "keras",
                                f"keras.losses.CategoricalCrossentropy(label_smoothing={ls}, reduction={red!r})(y, p, sample_weight=sw)",
                                dtype, {"probs": p.astype(dtype), "labels": y.astype(dtype),
                                        "sample_weight": None if sw is None else sw.astype(dtype)},
                                {"epsilon": 1e-7, "label_smoothing": ls, "reduction": KERAS_RED[red], "on_zero": "zero"},
                                v, g))

for dtype in DTYPES:
    p = np.array([
        [0.0, 0.5, 0.5],            # true class has p = 0: clipped, -ln(1e-7)
        [1.0, 0.0, 0.0],            # p = 1 on the true class
        [1e-30, 1 - 1e-8, 1e-8],    # tiny and nearly-1 values
        [0.5, -0.2, 0.7],           # negative entry: renormalised, then clipped
        [2.0, 3.0, 5.0],            # unnormalised
        [0.0, 0.0, 0.0],            # zero row: 0/0 = nan
        [1e-7, 0.5, 0.5 - 1e-7],    # exactly the lower bound
    ])
    y = np.array([[1.0, 0, 0], [1, 0, 0], [1, 0, 0], [0, 1, 0], [0.2, 0.3, 0.5], [0, 1, 0], [1, 0, 0]])
    loss = keras.losses.CategoricalCrossentropy(reduction="none", dtype=dtype)
    v, g = tf_value_grad(lambda xx: loss(y.astype(dtype), xx), p, dtype)
    cf.add(case(f"keras/categorical_crossentropy/{dtype}/extreme", CCE, "keras",
                "keras.losses.CategoricalCrossentropy(reduction='none')(y, p)", dtype,
                {"probs": p.astype(dtype), "labels": y.astype(dtype)},
                {"epsilon": 1e-7, "reduction": "none"}, v, g,
                note="a zero row gives nan (p/sum(p) = 0/0), as in Keras"))
    # rank 3, (N, T) sample weights
    p = simplex((2, 3, 4)); y = onehot(rng.integers(0, 4, (2, 3)), 4); sw = rng.uniform(0, 2, (2, 3))
    loss = keras.losses.CategoricalCrossentropy(label_smoothing=0.1, reduction="sum_over_batch_size", dtype=dtype)
    v, g = tf_value_grad(keras_call(loss, y.astype(dtype), sw, dtype), p, dtype)
    cf.add(case(f"keras/categorical_crossentropy/{dtype}/rank3", CCE, "keras",
                "keras.losses.CategoricalCrossentropy(label_smoothing=0.1)(y, p, sample_weight=sw)", dtype,
                {"probs": p.astype(dtype), "labels": y.astype(dtype), "sample_weight": sw.astype(dtype)},
                {"epsilon": 1e-7, "label_smoothing": 0.1, "reduction": "sum_over_batch_size", "on_zero": "zero"}, v, g))
    msg = error_of(lambda: keras.losses.CategoricalCrossentropy(dtype=dtype)(np.zeros((2, 2)), np.full((2, 3), 0.5)))
    cf.add(case(f"keras/categorical_crossentropy/{dtype}/error/shape", CCE, "keras",
                "keras.losses.CategoricalCrossentropy()(y(2,2), p(2,3))", dtype,
                {"probs": np.full((2, 3), 0.5, dtype), "labels": np.zeros((2, 2), dtype)},
                {"reduction": "sum_over_batch_size", "on_zero": "zero"}, expect_error=msg))

# ========================= sparse categorical cross-entropy =====================================
SCCE = "sparse_categorical_cross_entropy_probs"
for dtype in DTYPES:
    for red in ("none", "sum", "sum_over_batch_size", "mean_with_sample_weight"):
        for swn, sw in {"none": None, "per_sample": rng.uniform(0, 3, N), "zeros": np.zeros(N)}.items():
            for ign in (None, 2):
                if swn == "zeros" and ign is not None:
                    continue
                p = simplex((N, C)) * rng.uniform(0.5, 1.5, (N, 1))
                y = rng.integers(0, C, N)
                if ign is not None:
                    y[1] = ign; y[3] = ign
                loss = keras.losses.SparseCategoricalCrossentropy(ignore_class=ign, reduction=red, dtype=dtype)
                v, g = tf_value_grad(keras_call(loss, y, sw, dtype), p, dtype)
                cf.add(case(f"keras/sparse_categorical_crossentropy/{dtype}/{red}/sw_{swn}/ignore_{ign}", SCCE, "keras",
                            f"keras.losses.SparseCategoricalCrossentropy(ignore_class={ign}, reduction={red!r})(y, p, sample_weight=sw)",
                            dtype, {"probs": p.astype(dtype), "labels": y,
                                    "sample_weight": None if sw is None else sw.astype(dtype)},
                            {"epsilon": 1e-7, "ignore_class": ign, "reduction": KERAS_RED[red], "on_zero": "zero"},
                            v, g))

for dtype in DTYPES:
    p = np.array([
        [0.0, 0.5, 0.5],
        [1.0, 0.0, 0.0],
        [1e-30, 1 - 1e-8, 1e-8],
        [0.5, -0.2, 0.7],
        [2.0, 3.0, 5.0],
        [0.0, 0.0, 0.0],            # zero row: every entry clipped to eps, loss ln 3, gradient 0
        [1e-7, 0.5, 1 - 1e-7],
        [0.3, 1.5, 0.2],            # above 1: clipped
    ])
    y = np.array([0, 0, 0, 1, 2, 1, 0, 1])
    loss = keras.losses.SparseCategoricalCrossentropy(reduction="none", dtype=dtype)
    v, g = tf_value_grad(lambda xx: loss(y, xx), p, dtype)
    cf.add(case(f"keras/sparse_categorical_crossentropy/{dtype}/extreme", SCCE, "keras",
                "keras.losses.SparseCategoricalCrossentropy(reduction='none')(y, p)", dtype,
                {"probs": p.astype(dtype), "labels": y}, {"epsilon": 1e-7, "reduction": "none"}, v, g,
                note="-log(clip(p_y) / sum(clip(p))): clipped first, renormalised after"))
    # (N, 1) labels are squeezed; every label ignored gives 0
    p = simplex((3, 4)); y = np.array([[3], [0], [1]])
    loss = keras.losses.SparseCategoricalCrossentropy(dtype=dtype)
    v, g = tf_value_grad(lambda xx: loss(y, xx), p, dtype)
    cf.add(case(f"keras/sparse_categorical_crossentropy/{dtype}/labels_n1", SCCE, "keras",
                "keras.losses.SparseCategoricalCrossentropy()(y[:, None], p)", dtype,
                {"probs": p.astype(dtype), "labels": y}, {"reduction": "sum_over_batch_size", "on_zero": "zero"}, v, g))
    y = np.array([-1, -1, -1])
    loss = keras.losses.SparseCategoricalCrossentropy(ignore_class=-1, dtype=dtype)
    v, g = tf_value_grad(lambda xx: loss(y, xx), p, dtype)
    cf.add(case(f"keras/sparse_categorical_crossentropy/{dtype}/all_ignored", SCCE, "keras",
                "keras.losses.SparseCategoricalCrossentropy(ignore_class=-1)([-1, -1, -1], p)", dtype,
                {"probs": p.astype(dtype), "labels": y},
                {"ignore_class": -1, "reduction": "sum_over_batch_size", "on_zero": "zero"}, v, g))
    # rank 3 with (N, T) labels and sample weights
    p = simplex((2, 3, 4)); y = rng.integers(0, 4, (2, 3)); sw = rng.uniform(0, 2, (2, 3))
    loss = keras.losses.SparseCategoricalCrossentropy(reduction="mean_with_sample_weight", dtype=dtype)
    v, g = tf_value_grad(keras_call(loss, y, sw, dtype), p, dtype)
    cf.add(case(f"keras/sparse_categorical_crossentropy/{dtype}/rank3", SCCE, "keras",
                "keras.losses.SparseCategoricalCrossentropy(reduction='mean_with_sample_weight')(y, p, sample_weight=sw)",
                dtype, {"probs": p.astype(dtype), "labels": y, "sample_weight": sw.astype(dtype)},
                {"reduction": "weighted_mean", "on_zero": "zero"}, v, g))
    for name, y in (("label_3", [3, 0]), ("label_neg", [-1, 0])):
        msg = error_of(lambda: keras.losses.SparseCategoricalCrossentropy(dtype=dtype)(np.array(y), np.full((2, 3), 1 / 3)))
        cf.add(case(f"keras/sparse_categorical_crossentropy/{dtype}/error/{name}", SCCE, "keras",
                    f"keras.losses.SparseCategoricalCrossentropy()({y}, p(2,3))", dtype,
                    {"probs": np.full((2, 3), 1 / 3, dtype), "labels": np.array(y)},
                    {"reduction": "sum_over_batch_size", "on_zero": "zero"}, expect_error=msg))
    msg = error_of(lambda: keras.losses.SparseCategoricalCrossentropy(dtype=dtype)(np.array([0, 1, 2]), np.full((2, 3), 1 / 3)))
    cf.add(case(f"keras/sparse_categorical_crossentropy/{dtype}/error/shape", SCCE, "keras",
                "keras.losses.SparseCategoricalCrossentropy()(y(3,), p(2,3))", dtype,
                {"probs": np.full((2, 3), 1 / 3, dtype), "labels": np.array([0, 1, 2])},
                {"reduction": "sum_over_batch_size", "on_zero": "zero"}, expect_error=msg))

# ================================ torch NLLLoss =================================================
NLL = "nll_loss"


def log_probs(shape):
    return np.log(simplex(shape))


for dtype in DTYPES:
    for red in ("none", "sum", "mean"):
        for wn, w in {"none": None, "per_class": rng.uniform(0.1, 3.0, C)}.items():
            for ign in (None, 1):
                x = log_probs((N, C)); y = rng.integers(0, C, N)
                kw = {"reduction": red}
                if w is not None:
                    kw["weight"] = t(w, dtype)
                if ign is not None:
                    kw["ignore_index"] = ign
                    y[0] = ign; y[2] = ign
                v, g = torch_value_grad(lambda xx: torch.nn.NLLLoss(**kw)(xx, torch.tensor(y)), x, dtype)
                cf.add(case(f"torch/nll_loss/{dtype}/{red}/w_{wn}/ignore_{ign}", NLL, "torch",
                            f"torch.nn.NLLLoss(weight=w, ignore_index={ign if ign is not None else -100}, reduction={red!r})(logp, y)",
                            dtype, {"log_probs": x.astype(dtype), "labels": y},
                            {"weight": None if w is None else w.astype(dtype).tolist(),
                             "ignore_index": ign, "reduction": TORCH_RED[red], "on_zero": "nan"}, v, g))
    # every element ignored: mean is nan, sum is 0
    x = log_probs((3, C)); y = np.array([-100, -100, -100])
    for red in ("mean", "sum"):
        v, g = torch_value_grad(lambda xx: torch.nn.NLLLoss(reduction=red)(xx, torch.tensor(y)), x, dtype)
        # mean: 0/0. torch's kernel writes no gradient for ignored elements, so its gradient is 0
        # there; reweigh's is NaN (0 * 1/0). The gradient of a NaN loss is left out.
        cf.add(case(f"torch/nll_loss/{dtype}/{red}/all_ignored", NLL, "torch",
                    f"torch.nn.NLLLoss(reduction={red!r})(logp, [-100, -100, -100])", dtype,
                    {"log_probs": x.astype(dtype), "labels": y},
                    {"reduction": TORCH_RED[red], "on_zero": "nan"}, v, None if red == "mean" else g,
                    note=None if red == "sum" else "gradient left out: torch returns 0 for the gradient of its 0/0 = nan loss"))
    # -inf log-probabilities: on the target the loss is inf, elsewhere it does not matter
    x = np.array([[0.0, -np.inf, -np.inf], [-np.inf, 0.0, -1e30], [-0.5, -1.0, -2.0]]); y = np.array([0, 0, 2])
    v, g = torch_value_grad(lambda xx: torch.nn.NLLLoss(weight=t([1.0, 2.0, 0.5], dtype), reduction="none")(xx, torch.tensor(y)), x, dtype)
    cf.add(case(f"torch/nll_loss/{dtype}/none/extreme", NLL, "torch",
                "torch.nn.NLLLoss(weight=[1, 2, .5], reduction='none')(logp, y)", dtype,
                {"log_probs": x.astype(dtype), "labels": y},
                {"weight": [1.0, 2.0, 0.5], "reduction": "none", "on_zero": "nan"}, v, g))
    # rank 3: torch wants (N, C, d); reweigh takes the class axis last, (N, d, C)
    x = log_probs((2, 3, C)); y = rng.integers(0, C, (2, 3)); w = rng.uniform(0.1, 3.0, C)
    v, g = torch_value_grad(lambda xx: torch.nn.NLLLoss(weight=t(w, dtype))(xx.permute(0, 2, 1), torch.tensor(y)), x, dtype)
    cf.add(case(f"torch/nll_loss/{dtype}/mean/rank3", NLL, "torch",
                "torch.nn.NLLLoss(weight=w)(logp.permute(0, 2, 1), y)", dtype,
                {"log_probs": x.astype(dtype), "labels": y},
                {"weight": w.astype(dtype).tolist(), "reduction": "weighted_mean", "on_zero": "nan"}, v, g))
    for name, y, w in (("target_3", [3, 0], None), ("target_neg", [-1, 0], None), ("weight_len", [0, 1], [1.0, 2.0])):
        kw = {} if w is None else {"weight": t(w, dtype)}
        msg = error_of(lambda: torch.nn.NLLLoss(**kw)(t(np.full((2, 3), -1.0), dtype), torch.tensor(y)))
        cf.add(case(f"torch/nll_loss/{dtype}/error/{name}", NLL, "torch",
                    f"torch.nn.NLLLoss(weight={w})(logp(2,3), {y})", dtype,
                    {"log_probs": np.full((2, 3), -1.0, dtype), "labels": np.array(y)},
                    {"weight": w, "reduction": "weighted_mean", "on_zero": "nan"}, expect_error=msg))

cf.write()
