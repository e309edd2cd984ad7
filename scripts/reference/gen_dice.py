"""Golden cases: the Dice, Tversky and focal-Tversky losses.

- Keras 3.15.1 (TensorFlow 2.21 backend) `keras.losses.Dice(reduction, axis, dtype)` and
  `keras.losses.Tversky(alpha, beta, reduction, axis, dtype)` on probabilities; gradients by
  tf.GradientTape w.r.t. y_pred. `dtype="float64"` for the float64 cases (Keras casts to floatx
  = float32 otherwise). Loss "keras_tversky" (TverskyConfig): Keras's alpha multiplies
  Σ y(1−p), the false negatives, so a case's `alpha` (false positives) is Keras's `beta`.
- segmentation_models_pytorch 0.6.0 `smp.losses.DiceLoss` / `TverskyLoss` for mode binary,
  multilabel (dense float targets: loss "smp_tversky") and multiclass (integer class maps: loss
  "sparse_smp_tversky"), from logits and from probabilities, smooth, eps, log_loss, classes,
  class_weights, ignore_index, gamma (focal Tversky); torch autograd gradients. smp computes in
  the input's dtype (no `.float()`), so float64 cases are float64 numbers; its class weights are
  a float32 tensor (the cases use weights exact in float32).
"""
import numpy as np
import torch  # before tensorflow (and smp, which imports torch's extensions, too)
import segmentation_models_pytorch as smp
from segmentation_models_pytorch.losses import DiceLoss, TverskyLoss
import tensorflow as tf
import keras

from common import CaseFile, case, t, torch_value_grad, tf_value_grad

FAMILY = "dice"
cf = CaseFile(FAMILY, "scripts/reference/gen_dice.py")
rng = np.random.default_rng(20261204)
DTYPES = ("float32", "float64")
KERAS_RED = {"sum_over_batch_size": "sum_over_batch_size", "sum": "sum", None: "none",
             "mean_with_sample_weight": "weighted_mean"}


def keras_params(alpha, beta, eps, axis, red):
    return {"alpha": alpha, "beta": beta, "epsilon": eps, "axis": axis, "reduction": red,
            "on_zero": "zero"}


def keras_case(cid, kind, ka, kb, axis, red, p, y, dtype, sw=None, tol=None):
    ax = None if axis is None else tuple(axis)
    if kind == "dice":
        loss = keras.losses.Dice(reduction=red, axis=ax, dtype=dtype)
        call = f"keras.losses.Dice(reduction={red!r}, axis={ax}, dtype={dtype!r})(y_true, y_pred)"
        params = keras_params(0.5, 0.5, 0.5e-7, axis, KERAS_RED[red])
    else:
        loss = keras.losses.Tversky(alpha=ka, beta=kb, reduction=red, axis=ax, dtype=dtype)
        call = (f"keras.losses.Tversky(alpha={ka}, beta={kb}, reduction={red!r}, axis={ax}, "
                f"dtype={dtype!r})(y_true, y_pred)")
        params = keras_params(kb, ka, 1e-7, axis, KERAS_RED[red])
    yt = tf.constant(y.astype(dtype))
    swt = None if sw is None else tf.constant(sw.astype(dtype))
    v, g = tf_value_grad(lambda x: loss(yt, x, sample_weight=swt), p, dtype)
    cf.add(case(cid, "keras_tversky", "keras", call, dtype,
                {"probs": p, "labels": y, "sample_weight": sw}, params,
                np.asarray(v).astype(dtype), g.astype(dtype), tolerance=tol))


# ---------------------------------------------------------------- Keras
for dtype in DTYPES:
    for kind, ka, kb in (("dice", None, None), ("tversky", 0.5, 0.5), ("tversky", 0.7, 0.3),
                         ("tversky", 0.2, 0.9), ("tversky", 1.0, 0.0)):
        for axis in (None, [1], [1, 2], [-1], [0]):
            reds = (None, "sum_over_batch_size", "sum") if axis is not None else ("sum_over_batch_size",)
            for red in reds:
                p = rng.uniform(0, 1, (3, 4, 5))
                y = (rng.uniform(0, 1, (3, 4, 5)) < 0.4).astype(float)
                keras_case(f"keras/{dtype}/{kind}{ka},{kb}/axis{axis}/{red}", kind, ka, kb, axis,
                           red, p, y, dtype)
        # soft targets, sample weights with an axis
        p = rng.uniform(0, 1, (4, 6))
        y = rng.uniform(0, 1, (4, 6))
        keras_case(f"keras/{dtype}/{kind}{ka},{kb}/soft", kind, ka, kb, [1], None, p, y, dtype)
        sw = np.array([1.0, 0.0, 2.5, 0.5])
        for red in ("sum_over_batch_size", "mean_with_sample_weight", "sum"):
            keras_case(f"keras/{dtype}/{kind}{ka},{kb}/sw/{red}", kind, ka, kb, [1], red, p, y,
                       dtype, sw=sw)
        # all-zero targets, saturated probabilities
        y0 = np.zeros((3, 5))
        p0 = rng.uniform(0, 1, (3, 5))
        p0[0, :] = 0.0
        keras_case(f"keras/{dtype}/{kind}{ka},{kb}/zero_targets", kind, ka, kb, [1], None, p0, y0,
                   dtype)
        ps = np.array([[1.0, 0.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]])
        ys = np.array([[1.0, 0.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]])
        keras_case(f"keras/{dtype}/{kind}{ka},{kb}/saturated", kind, ka, kb, [-1], None, ps, ys,
                   dtype)
    # Keras's docstring example
    yd = np.array([[[[1.0], [1.0]], [[0.0], [0.0]]], [[[1.0], [1.0]], [[0.0], [0.0]]]])
    pd = np.array([[[[0.0], [1.0]], [[0.0], [1.0]]], [[[0.4], [0.0]], [[0.0], [0.9]]]])
    keras_case(f"keras/{dtype}/docstring/axis", "dice", None, None, [1, 2, 3], None, pd, yd, dtype)
    keras_case(f"keras/{dtype}/docstring/none", "dice", None, None, None, "sum_over_batch_size",
               pd, yd, dtype)
    # errors: shapes that do not broadcast, an axis out of range
    for cid, p, y, axis in (("shape", rng.uniform(0, 1, (3, 4)), np.ones((3, 5)), None),
                            ("axis", rng.uniform(0, 1, (3, 4)), np.ones((3, 4)), [2])):
        try:
            keras.losses.Dice(axis=None if axis is None else tuple(axis), dtype=dtype)(
                tf.constant(y.astype(dtype)), tf.constant(p.astype(dtype)))
            raise AssertionError(f"keras accepted {cid}")
        except (ValueError, tf.errors.InvalidArgumentError) as e:
            msg = str(e).strip().splitlines()[0]
        cf.add(case(f"keras/{dtype}/error/{cid}", "keras_tversky", "keras",
                    f"keras.losses.Dice(axis={axis})", dtype, {"probs": p, "labels": y},
                    keras_params(0.5, 0.5, 0.5e-7, axis, "sum_over_batch_size"), expect_error=msg))


# ---------------------------------------------------------------- smp
def smp_params(mode, from_logits, alpha, beta, gamma, smooth, eps, log_loss, classes, cw, ii):
    return {"mode": mode, "from_logits": from_logits, "alpha": alpha, "beta": beta,
            "gamma": gamma, "smooth": smooth, "eps": eps, "log_loss": log_loss,
            "classes": classes, "class_weights": cw, "ignore_index": ii, "reduction": "sum",
            "on_zero": "zero"}


def smp_case(cid, mode, x, y, dtype, from_logits=True, tversky=None, smooth=0.0, eps=1e-7,
             log_loss=False, classes=None, cw=None, ii=None, tol=None):
    kw = dict(mode=mode, classes=classes, log_loss=log_loss, from_logits=from_logits,
              smooth=smooth, ignore_index=ii, eps=eps, class_weights=cw)
    if tversky is None:
        loss = DiceLoss(**kw)
        alpha, beta, gamma, name = 0.5, 0.5, 1.0, "DiceLoss"
    else:
        alpha, beta, gamma = tversky
        loss = TverskyLoss(alpha=alpha, beta=beta, gamma=gamma, **kw)
        name = "TverskyLoss"
        kw.update(alpha=alpha, beta=beta, gamma=gamma)
    call = f"smp.losses.{name}(" + ", ".join(f"{k}={v!r}" for k, v in kw.items()) + ")(y_pred, y_true)"
    sparse = mode == "multiclass"
    yt = torch.tensor(y) if sparse else t(y, dtype)
    v, g = torch_value_grad(lambda v: loss(v, yt), x, dtype)
    inp = "logits" if from_logits else "probs"
    cf.add(case(cid, "sparse_smp_tversky" if sparse else "smp_tversky", "segmentation_models_pytorch",
                call, dtype, {inp: x, "labels": y},
                smp_params(mode, from_logits, alpha, beta, gamma, smooth, eps, log_loss, classes,
                           cw, ii), v, g, tolerance=tol))


def smp_inputs(mode, shape, from_logits, scale=2.0):
    n, c = shape[0], shape[1]
    if from_logits:
        x = rng.normal(0, scale, shape)
    elif mode == "multiclass":
        x = rng.dirichlet(np.ones(c), (n,) + shape[2:])
        x = np.moveaxis(x, -1, 1)
    else:
        x = rng.uniform(0, 1, shape)
    if mode == "multiclass":
        y = rng.integers(0, c, (n,) + shape[2:])
    else:
        y = (rng.uniform(0, 1, shape) < 0.4).astype(float)
    return x, y


TV = (None, (0.5, 0.5, 1.0), (0.3, 0.7, 1.0), (0.7, 0.3, 0.75), (0.3, 0.7, 2.0), (0.5, 0.5, 4.0 / 3))
for dtype in DTYPES:
    for mode, shape in (("binary", (2, 1, 3, 4)), ("multilabel", (2, 3, 4, 3)),
                        ("multiclass", (2, 4, 3, 3))):
        for tv in TV:
            for fl in (True, False):
                x, y = smp_inputs(mode, shape, fl)
                smp_case(f"smp/{dtype}/{mode}/{tv}/logits{fl}", mode, x, y, dtype, from_logits=fl,
                         tversky=tv)
        x, y = smp_inputs(mode, shape, True)
        smp_case(f"smp/{dtype}/{mode}/smooth_log", mode, x, y, dtype, smooth=1.0, log_loss=True,
                 tversky=(0.3, 0.7, 0.75))
        smp_case(f"smp/{dtype}/{mode}/log", mode, x, y, dtype, log_loss=True)
        smp_case(f"smp/{dtype}/{mode}/eps", mode, x, y, dtype, eps=1e-3, smooth=0.5)
        # all-zero targets (every class empty for binary/multilabel; one class for multiclass)
        if mode == "multiclass":
            y0 = np.where(y == 1, 0, y)
        else:
            y0 = np.zeros_like(y)
            if mode == "multilabel":
                y0[:, 0] = y[:, 0]
        smp_case(f"smp/{dtype}/{mode}/zero_targets", mode, x, y0, dtype)
        smp_case(f"smp/{dtype}/{mode}/zero_targets_focal", mode, x, y0, dtype,
                 tversky=(0.3, 0.7, 2.0))
        # gamma < 1 where every class is empty: the mean is 0 and torch's pow has an infinite
        # derivative there (NaN gradients)
        if mode != "multiclass":
            smp_case(f"smp/{dtype}/{mode}/zero_targets_focal_below_one", mode, x,
                     np.zeros_like(y), dtype, tversky=(0.3, 0.7, 0.75))
        # extreme logits
        for big in (30.0, 88.0, 1e4):
            xe = x.copy()
            flat = xe.reshape(-1)
            flat[::3] = big
            flat[1::3] = -big
            smp_case(f"smp/{dtype}/{mode}/extreme{big}", mode, xe, y, dtype)
            smp_case(f"smp/{dtype}/{mode}/extreme{big}/tversky", mode, xe, y, dtype,
                     tversky=(0.3, 0.7, 0.75))
        if mode != "binary":
            smp_case(f"smp/{dtype}/{mode}/classes", mode, x, y, dtype, classes=[0, 2])
            smp_case(f"smp/{dtype}/{mode}/class_weights", mode, x, y, dtype,
                     cw=[0.5, 2.0, 1.5] + [1.0] * (shape[1] - 3), tversky=(0.3, 0.7, 2.0))
        # ignore_index
        if mode == "multiclass":
            yi = y.copy()
            yi[0, 0, :] = 255
            smp_case(f"smp/{dtype}/{mode}/ignore", mode, x, yi, dtype, ii=255)
        else:
            yi = y.copy()
            yi.reshape(-1)[::5] = -1.0
            smp_case(f"smp/{dtype}/{mode}/ignore", mode, x, yi, dtype, ii=-1)
    # soft multilabel targets (true positives Σ min(p, t))
    x = rng.normal(0, 2.0, (2, 3, 5))
    y = rng.uniform(0, 1, (2, 3, 5))
    smp_case(f"smp/{dtype}/multilabel/soft", "multilabel", x, y, dtype)
    smp_case(f"smp/{dtype}/multilabel/soft/tversky", "multilabel", x, y, dtype,
             tversky=(0.3, 0.7, 0.75))
    # binary targets (N, H, W) for (N, 1, H, W)
    x = rng.normal(0, 2.0, (2, 1, 3, 3))
    y = (rng.uniform(0, 1, (2, 3, 3)) < 0.5).astype(float)
    smp_case(f"smp/{dtype}/binary/target_nhw", "binary", x, y, dtype)
    # errors with the reference's message
    x, y = smp_inputs("binary", (2, 1, 3), True)
    for cid, kw in (("classes_binary", dict(classes=[0])),
                    ("class_weights_binary", dict(class_weights=[1.0]))):
        try:
            DiceLoss("binary", **kw)
            raise AssertionError(cid)
        except (AssertionError, ValueError) as e:
            msg = str(e)
        p = smp_params("binary", True, 0.5, 0.5, 1.0, 0.0, 1e-7, False, kw.get("classes"),
                       kw.get("class_weights"), None)
        cf.add(case(f"smp/{dtype}/error/{cid}", "smp_tversky", "segmentation_models_pytorch",
                    f"smp.losses.DiceLoss('binary', {kw})", dtype, {"logits": x, "labels": y}, p,
                    expect_error=msg))
    x, y = smp_inputs("multiclass", (2, 3, 4), True)
    y[0, 1] = 3
    try:
        DiceLoss("multiclass")(t(x, dtype), torch.tensor(y))
        raise AssertionError("label out of range")
    except RuntimeError as e:
        msg = str(e).strip().splitlines()[0]
    cf.add(case(f"smp/{dtype}/error/label_out_of_range", "sparse_smp_tversky",
                "segmentation_models_pytorch", "smp.losses.DiceLoss('multiclass')(x, y)", dtype,
                {"logits": x, "labels": y},
                smp_params("multiclass", True, 0.5, 0.5, 1.0, 0.0, 1e-7, False, None, None, None),
                expect_error=msg))

cf.write()
