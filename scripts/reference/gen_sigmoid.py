"""Golden cases: sigmoid cross-entropy from logits (torch BCEWithLogitsLoss, tf.nn sigmoid /
weighted CE, Keras BinaryCrossentropy(from_logits=True), tf.compat.v1.losses.sigmoid_cross_entropy).
"""
import numpy as np
import torch  # before tensorflow
import tensorflow as tf
import keras

from common import CaseFile, case, t, torch_value_grad, tf_value_grad, EXTREME

FAMILY = "sigmoid"
cf = CaseFile(FAMILY, "scripts/reference/gen_sigmoid.py")
rng = np.random.default_rng(20261123)
N, C = 4, 5
TORCH_RED = {"none": "none", "sum": "sum", "mean": "weighted_mean"}
KERAS_RED = {"none": "none", "sum": "sum", "sum_over_batch_size": "sum_over_batch_size",
             "mean_with_sample_weight": "weighted_mean"}
TF1_RED = {
    tf.compat.v1.losses.Reduction.NONE: "none",
    tf.compat.v1.losses.Reduction.SUM: "sum",
    tf.compat.v1.losses.Reduction.MEAN: "weighted_mean",
    tf.compat.v1.losses.Reduction.SUM_OVER_BATCH_SIZE: "sum_over_batch_size",
    tf.compat.v1.losses.Reduction.SUM_BY_NONZERO_WEIGHTS: "sum_by_nonzero_weights",
}
# TF1 losses reduce in float32 even for float64 inputs (data/reference/README.md, overrides).
TF1_F64_TOL = {"rel": 2e-6, "why": "tf.compat.v1.losses reduces in float32 even for float64 input"}
# torch computes (1-z)x - log_sigmoid(x): it loses relative accuracy where the loss is tiny.
TORCH_TINY_TOL = {"rel": 1e-12, "abs_value": 1e-15, "abs_grad": 1e-15,
                  "why": "torch's (1-z)x - log_sigmoid(x) form loses relative accuracy for tiny losses"}
TORCH_F32_TOL = {"rel": 2e-6, "abs_value": 2e-6,
                 "why": "torch's (1-z)x - log_sigmoid(x) form cancels in float32: absolute error ~1e-7*|x|"}


def logits(shape, scale=3.0):
    return rng.normal(0, scale, shape)


def hard(shape):
    return (rng.random(shape) < 0.35).astype(float)


def soft(shape):
    return rng.random(shape)


def pos_weight_variants():
    return {"none": None, "scalar": np.array(3.0), "per_class": rng.uniform(0.5, 6.0, C)}


# --- torch BCEWithLogitsLoss --------------------------------------------------------------------
for dtype in ("float32", "float64"):
    for red in ("none", "sum", "mean"):
        for pwn, pw in pos_weight_variants().items():
            for wn, w in {"none": None, "per_class": rng.uniform(0.0, 2.0, C),
                          "per_element": rng.uniform(0.0, 2.0, (N, C))}.items():
                for ln, lab in {"hard": hard((N, C)), "soft": soft((N, C))}.items():
                    if wn == "per_element" and ln == "soft" and pwn != "per_class":
                        continue
                    x = logits((N, C))
                    kw = {"reduction": red}
                    if pw is not None:
                        kw["pos_weight"] = t(pw, dtype)
                    if w is not None:
                        kw["weight"] = t(w, dtype)
                    fn = lambda xx: torch.nn.BCEWithLogitsLoss(**kw)(xx, t(lab, dtype))
                    v, g = torch_value_grad(fn, x, dtype)
                    cf.add(case(
                        f"torch/bce_with_logits/{dtype}/{red}/pw_{pwn}/w_{wn}/{ln}", "sigmoid_cross_entropy",
                        "torch", f"torch.nn.BCEWithLogitsLoss(weight=w, pos_weight=pw, reduction={red!r})(x, z)",
                        dtype, {"logits": x.astype(dtype), "labels": lab.astype(dtype)},
                        {"pos_weight": None if pw is None else pw.astype(dtype).tolist(),
                         "weight": None if w is None else w.astype(dtype).tolist(),
                         "label_smoothing": 0.0, "mean_last_axis": False,
                         "reduction": TORCH_RED[red], "on_zero": "nan"},
                        v, g, tolerance=TORCH_TINY_TOL if dtype == "float64" else TORCH_F32_TOL))

# all-zero element weights with mean: torch gives nan
for dtype in ("float32", "float64"):
    x = logits((N, C)); lab = hard((N, C)); w = np.zeros(C)
    fn = lambda xx: torch.nn.BCEWithLogitsLoss(weight=t(w, dtype))(xx, t(lab, dtype))
    v, g = torch_value_grad(fn, x, dtype)
    cf.add(case(f"torch/bce_with_logits/{dtype}/mean/zero_weights", "sigmoid_cross_entropy", "torch",
                "torch.nn.BCEWithLogitsLoss(weight=zeros(C))(x, z)", dtype,
                {"logits": x.astype(dtype), "labels": lab.astype(dtype)},
                {"weight": w.tolist(), "reduction": "weighted_mean", "on_zero": "nan"}, v, g,
                note="torch's weight= scales the loss but its mean divides by numel, not by the sum of weights"))

# --- extreme logits: tf.nn.sigmoid_cross_entropy_with_logits and torch ----------------------------
for dtype in ("float32", "float64"):
    ex = np.array(EXTREME)
    x = np.stack([ex, ex])
    z = np.stack([np.zeros_like(ex), np.ones_like(ex)])
    v, g = tf_value_grad(lambda xx: tf.nn.sigmoid_cross_entropy_with_logits(labels=z.astype(dtype), logits=xx), x, dtype)
    cf.add(case(f"tf/sigmoid_ce_with_logits/{dtype}/extreme", "sigmoid_cross_entropy", "tensorflow",
                "tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x)", dtype,
                {"logits": x.astype(dtype), "labels": z.astype(dtype)},
                {"reduction": "none"}, v, g,
                tolerance={"rel": 2e-6 if dtype == "float32" else 1e-12, "abs_value": 1e-37,
                           "why": "TF flushes float32 denormals to zero (sigmoid_ce(-88, 0) = 0 in TF)"}))
    # TF's weighted form differentiates |x| and max(-x, 0) with sign(0) = 0, so its gradient at
    # exactly x = 0 is (1 - z) instead of the true derivative (1-z)/2 - q z/2: x = 0 is left out
    # of the weighted cases (documented in data/reference/README.md).
    xw = x[:, :-1]
    zw = z[:, :-1]
    for q in (3.0, 0.25):
        x, z = xw, zw
        v, g = tf_value_grad(lambda xx: tf.nn.weighted_cross_entropy_with_logits(
            labels=z.astype(dtype), logits=xx, pos_weight=q), x, dtype)
        cf.add(case(f"tf/weighted_ce_with_logits/{dtype}/extreme/q{q}", "sigmoid_cross_entropy", "tensorflow",
                    f"tf.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight={q})", dtype,
                    {"logits": x.astype(dtype), "labels": z.astype(dtype)},
                    {"pos_weight": q, "reduction": "none"}, v, g,
                    tolerance={"rel": 2e-6 if dtype == "float32" else 1e-12, "abs_value": 1e-12, "abs_grad": 1e-37,
                               "why": "TF computes (1-z)x + (1+(q-1)z)softplus(-x): at x=-30, z=0 it cancels to ~1e-13 absolute"}))
    v, g = torch_value_grad(lambda xx: torch.nn.BCEWithLogitsLoss(pos_weight=t(3.0, dtype), reduction="none")(xx, t(z, dtype)), x, dtype)
    cf.add(case(f"torch/bce_with_logits/{dtype}/extreme/q3", "sigmoid_cross_entropy", "torch",
                "torch.nn.BCEWithLogitsLoss(pos_weight=tensor(3.), reduction='none')(x, z)", dtype,
                {"logits": x.astype(dtype), "labels": z.astype(dtype)},
                {"pos_weight": 3.0, "reduction": "none"}, v, g,
                tolerance={"rel": 2e-6 if dtype == "float32" else 1e-12, "abs_value": 1e-12, "abs_grad": 1e-12,
                           "why": "torch's log_sigmoid form loses relative accuracy for tiny losses"}))
    # per-class pos_weight on soft labels, TF
    x = logits((N, C)); lab = soft((N, C)); q = rng.uniform(0.5, 6, C)
    v, g = tf_value_grad(lambda xx: tf.nn.weighted_cross_entropy_with_logits(labels=lab.astype(dtype), logits=xx, pos_weight=q.astype(dtype)), x, dtype)
    cf.add(case(f"tf/weighted_ce_with_logits/{dtype}/per_class_soft", "sigmoid_cross_entropy", "tensorflow",
                "tf.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=q)", dtype,
                {"logits": x.astype(dtype), "labels": lab.astype(dtype)},
                {"pos_weight": q.astype(dtype).tolist(), "reduction": "none"}, v, g,
                tolerance={"rel": 2e-6 if dtype == "float32" else 2e-11,
                           "why": "TF's weighted form (1-z)x + l*softplus(-x) differs by ~5e-12 relative in float64"}))

# --- Keras BinaryCrossentropy(from_logits=True) --------------------------------------------------
for dtype in ("float32", "float64"):
    for red in ("none", "sum", "sum_over_batch_size", "mean_with_sample_weight"):
        for swn, sw in {"none": None, "per_sample": rng.uniform(0, 3, N), "zeros": np.zeros(N)}.items():
            for ls in (0.0, 0.1):
                if swn == "zeros" and ls > 0:
                    continue
                x = logits((N, C)); lab = hard((N, C))
                loss = keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=ls, reduction=red, dtype=dtype)
                fn = (lambda xx: loss(lab.astype(dtype), xx)) if sw is None else \
                    (lambda xx: loss(lab.astype(dtype), xx, sample_weight=sw.astype(dtype)))
                v, g = tf_value_grad(fn, x, dtype)
                cf.add(case(f"keras/binary_crossentropy/{dtype}/{red}/sw_{swn}/ls{ls}", "sigmoid_cross_entropy",
                            "keras", f"keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing={ls}, reduction={red!r})(z, x, sample_weight=sw)",
                            dtype, {"logits": x.astype(dtype), "labels": lab.astype(dtype),
                                    "sample_weight": None if sw is None else sw.astype(dtype)},
                            {"label_smoothing": ls, "mean_last_axis": True, "reduction": KERAS_RED[red], "on_zero": "zero"},
                            v, g))

# --- tf.compat.v1.losses.sigmoid_cross_entropy -----------------------------------------------------
for dtype in ("float32", "float64"):
    for red, name in TF1_RED.items():
        for wn in ("none", "with_zeros", "all_zero", "scalar"):
            for ls in (0.0, 0.2):
                x = logits((N, C)); lab = hard((N, C))
                if wn == "none":
                    w = None
                elif wn == "scalar":
                    w = np.array(2.5)
                elif wn == "all_zero":
                    w = np.zeros((N, C))
                else:
                    w = rng.uniform(0.5, 2, (N, C)) * (rng.random((N, C)) < 0.6)
                kw = {"reduction": red, "label_smoothing": ls}
                if w is not None:
                    kw["weights"] = w.astype(dtype)
                v, g = tf_value_grad(lambda xx: tf.compat.v1.losses.sigmoid_cross_entropy(lab.astype(dtype), xx, **kw), x, dtype)
                cf.add(case(f"tf1/sigmoid_cross_entropy/{dtype}/{name}/w_{wn}/ls{ls}", "sigmoid_cross_entropy", "tensorflow",
                            f"tf.compat.v1.losses.sigmoid_cross_entropy(z, x, weights=w, label_smoothing={ls}, reduction={red!r})",
                            dtype, {"logits": x.astype(dtype), "labels": lab.astype(dtype),
                                    "sample_weight": None if w is None else w.astype(dtype)},
                            {"label_smoothing": ls, "reduction": name, "on_zero": "zero"}, v, g,
                            tolerance=TF1_F64_TOL if dtype == "float64" else None))

# --- issue 11 #21: sample weights that broadcast ---------------------------------------------------------
# Keras: (9, 4, 5) logits -> (9, 4) losses, (9, 1) sample weights; mean_with_sample_weight divides by sum(sw)
# as passed. TF1: (9, 5) logits, (9, 1) weights, broadcast. torch: BCEWithLogitsLoss(weight=(9, 1)) scales
# the loss, and mean divides by the element count.
for dtype in ("float32", "float64"):
    for red in ("mean_with_sample_weight", "sum_over_batch_size"):
        x = logits((9, 4, C)); lab = hard((9, 4, C)); sw = rng.uniform(0.2, 2, (9, 1))
        loss = keras.losses.BinaryCrossentropy(from_logits=True, reduction=red, dtype=dtype)
        v, g = tf_value_grad(lambda xx: loss(lab.astype(dtype), xx, sample_weight=sw.astype(dtype)), x, dtype)
        cf.add(case(f"keras/binary_crossentropy/{dtype}/{red}/broadcast_sw", "sigmoid_cross_entropy", "keras",
                    f"keras.losses.BinaryCrossentropy(from_logits=True, reduction={red!r})(z, x, sample_weight=sw)",
                    dtype, {"logits": x.astype(dtype), "labels": lab.astype(dtype), "sample_weight": sw.astype(dtype)},
                    {"label_smoothing": 0.0, "mean_last_axis": True, "reduction": red, "on_zero": "zero"}, v, g,
                    note="logits (9, 4, 5), sample_weight (9, 1) (issue 11 #21)"))
    for red in (tf.compat.v1.losses.Reduction.MEAN, tf.compat.v1.losses.Reduction.SUM_BY_NONZERO_WEIGHTS):
        x = logits((9, C)); lab = hard((9, C)); w = rng.uniform(0.2, 2, (9, 1)); w[4, 0] = 0.0
        v, g = tf_value_grad(lambda xx: tf.compat.v1.losses.sigmoid_cross_entropy(
            lab.astype(dtype), xx, weights=w.astype(dtype), reduction=red), x, dtype)
        cf.add(case(f"tf1/sigmoid_cross_entropy/{dtype}/{TF1_RED[red]}/broadcast_w", "sigmoid_cross_entropy",
                    "tensorflow", f"tf.compat.v1.losses.sigmoid_cross_entropy(z, x, weights=w, reduction={red!r})",
                    dtype, {"logits": x.astype(dtype), "labels": lab.astype(dtype), "sample_weight": w.astype(dtype)},
                    {"label_smoothing": 0.0, "reduction": TF1_RED[red], "on_zero": "zero"}, v, g,
                    tolerance=TF1_F64_TOL if dtype == "float64" else None,
                    note="logits (9, 5), weights (9, 1): TF1 broadcasts the weights (issue 11 #21)"))
    x = logits((9, C)); lab = hard((9, C)); w = rng.uniform(0.2, 2, (9, 1))
    fn = lambda xx: torch.nn.BCEWithLogitsLoss(weight=t(w, dtype), reduction="mean")(xx, t(lab, dtype))
    v, g = torch_value_grad(fn, x, dtype)
    cf.add(case(f"torch/bce_with_logits/{dtype}/mean/w_broadcast", "sigmoid_cross_entropy", "torch",
                "torch.nn.BCEWithLogitsLoss(weight=w, reduction='mean')(x, z)",
                dtype, {"logits": x.astype(dtype), "labels": lab.astype(dtype)},
                {"pos_weight": None, "weight": w.astype(dtype).tolist(), "label_smoothing": 0.0,
                 "mean_last_axis": False, "reduction": "weighted_mean", "on_zero": "nan"},
                v, g, tolerance=TORCH_TINY_TOL if dtype == "float64" else TORCH_F32_TOL,
                note="weight (9, 1) broadcast on (9, 5): scales the loss, mean divides by 45 (issue 11 #21)"))

cf.write()
