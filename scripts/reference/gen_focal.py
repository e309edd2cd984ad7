"""Golden cases: focal losses.

- torchvision.ops.sigmoid_focal_loss(inputs, targets, alpha, gamma, reduction)  -> "binary_focal"
- keras.losses.BinaryFocalCrossentropy(from_logits=True, ...)                 -> "binary_focal"
- keras.losses.CategoricalFocalCrossentropy(from_logits=True/False, ...)        -> "categorical_focal"
- keras.losses.BinaryFocalCrossentropy(from_logits=False, ...)                -> "binary_focal_probs"

Tolerances. Both frameworks compute the modulating factor from the *rounded probability*:
`1 - p_t = 1 - (p*z + (1-p)*(1-z))` (torchvision, Keras binary) and `1 - p`, `log(p)` (Keras
categorical). For a confident correct prediction these cancel: the absolute error of the
framework's `1 - p_t` (and of Keras's `log p`) is a few units of roundoff `u` (2^-24 in float32,
2^-53 in float64), not a few `u` relative. torch's `binary_cross_entropy_with_logits` computes
`(1-z)*x - log_sigmoid(x)`, whose absolute error is about `u*|x|`. reweigh computes both
accurately (sigmoids of the logits, softplus, log-softmax, expm1), so where the loss is tiny the
frameworks and reweigh differ by far more than 2e-6 relative. `propagated_abs` bounds the
framework's absolute error by first-order propagation of these roundoffs through the formula
(x4), evaluated with float64 values of the exact formula, and reduced like the loss; it is the
case's `abs_value`. See data/reference/README.md ("focal losses").

Gradients: where the framework's autograd is NaN (`0^(gamma-1) * 0` for saturated logits with
gamma < 1 in torchvision and Keras, and gamma = 0 in Keras: d/dq q^0 = 0 * q^-1) the expected
gradient is left out of the case (`grad: null`) and the case says so in `note`; reweigh returns
the finite limit, checked by unit tests.
"""
import numpy as np
import torch  # before tensorflow
import torchvision  # before tensorflow
import tensorflow as tf
import keras
from scipy.special import expit

from common import CaseFile, case, t, torch_value_grad, tf_value_grad

FAMILY = "focal"
cf = CaseFile(FAMILY, "scripts/reference/gen_focal.py")
rng = np.random.default_rng(20261124)
N, C = 4, 5
DTYPES = ("float32", "float64")
GAMMAS = (0.0, 0.5, 1.0, 2.0, 5.0)
U = {"float32": 2.0 ** -24, "float64": 2.0 ** -53}
TV_RED = {"none": "none", "sum": "sum", "mean": "sum_over_batch_size"}
KERAS_RED = {"none": "none", "sum": "sum", "sum_over_batch_size": "sum_over_batch_size",
             "mean_with_sample_weight": "weighted_mean"}
KERAS_REDS = list(KERAS_RED)
WHY_BINARY = ("torchvision/Keras compute 1-p_t from the rounded sigmoid (and torch's bce as "
              "(1-z)x - log_sigmoid(x)): absolute error ~u, not relative, where the loss is tiny; "
              "abs_value = 4x the propagated roundoff bound")
WHY_CAT = ("Keras computes 1-p and log(p) from the rounded softmax probability: absolute error "
           "~u, not relative, for a confident class; abs_value = 4x the propagated roundoff bound")


def softplus(x):
    return np.logaddexp(0.0, x)


REL = {"float32": 2e-6, "float64": 1e-12}  # the default relative tolerances of the comparison


def reduce_outputs(a, red, sw=None):
    """Reduces per-output non-negative numbers the way the loss is reduced (max for none)."""
    a = np.asarray(a, dtype=float)
    if sw is not None:
        a = a * np.abs(np.broadcast_to(sw, a.shape))
    if red == "none":
        return float(a.max())
    if red == "sum":
        return float(a.sum())
    if red == "sum_over_batch_size":
        return float(a.sum() / a.size)
    if red == "weighted_mean":
        s = float(np.broadcast_to(sw, a.shape).sum()) if sw is not None else a.size
        return float(a.sum() / s) if s != 0 else 0.0
    if red == "mean_with_sample_weight":  # Keras: the weight's sum as passed
        s = float(np.sum(sw)) if sw is not None else a.size
        return float(a.sum() / s) if s != 0 else 0.0
    raise ValueError(red)


def keras_red(red, sw, value_shape):
    """reweigh's name of a Keras reduction: mean_with_sample_weight is weighted_mean unless the
    weight broadcasts (Keras divides by the weight's sum as passed; issue 11 #21)."""
    if red == "mean_with_sample_weight" and sw is not None and np.size(sw) != int(np.prod(value_shape)):
        return "mean_with_sample_weight"
    return KERAS_RED[red]


def excess(err, exact, dtype):
    """The part of an error bound that the default relative tolerance does not already cover."""
    return np.maximum(0.0, err - REL[dtype] * np.abs(exact))


def binary_bound(x, z, gamma, alpha, dtype, torch_bce):
    """Per element: (exact focal loss, bound on a framework's absolute error); z smoothed."""
    u = U[dtype]
    x = np.asarray(x, float)
    z = np.asarray(z, float)
    ce = z * softplus(-x) + (1 - z) * softplus(x)
    q = z * expit(-x) + (1 - z) * expit(x)
    m = q ** gamma
    at = 1.0 if alpha is None else alpha * z + (1 - alpha) * (1 - z)
    gm = 0.0 if gamma == 0 else max(gamma, 1.0)
    qq = np.maximum(q, u)
    dce = u * (np.abs(x) + 1) if torch_bce else u * ce
    err = 4 * at * (m * dce + ce * gm * qq ** (gamma - 1) * u)
    if dtype == "float32":
        err = err + 1e-37  # TF flushes float32 denormals to zero
    return at * ce * m, err


def categorical_bound(probs, y, gamma, alpha, dtype, eps=1e-7):
    """Per row: (exact loss, bound on Keras's absolute error of the value, of the gradient)."""
    u = U[dtype]
    o = probs / probs.sum(-1, keepdims=True)
    inside = (o >= eps) & (o <= 1 - eps)
    o = np.clip(o, eps, 1 - eps)
    tt = 1 - o
    m = tt ** gamma
    gm = 0.0 if gamma == 0 else max(gamma, 1.0)
    w = np.broadcast_to(np.asarray(alpha, float), o.shape) * y
    exact = (w * m * -np.log(o)).sum(-1)
    err = 4 * (w * (m * 2 * u + (-np.log(o)) * gm * np.maximum(tt, u) ** (gamma - 1) * 2 * u)).sum(-1)
    h = -np.log(o) / tt
    g = w * m * (1 + gamma * o * h) * inside
    gerr = 8 * (g * (gamma + 3) * u / np.maximum(tt, u)).sum(-1)
    if dtype == "float32":
        err, gerr = err + 1e-37, gerr + 1e-37  # TF flushes float32 denormals to zero
    return exact, err, gerr


def logits(shape, scale=2.5):
    return rng.normal(0, scale, shape)


def hard(shape):
    return (rng.random(shape) < 0.4).astype(float)


def soft(shape):
    return rng.random(shape)


def with_grad(v, g, note=None):
    """Drops a NaN autograd gradient (framework artefact), saying so."""
    if g is not None and np.isnan(g).any():
        msg = ("the framework's autograd gradient is NaN here (0^(gamma-1)*0 at saturated logits); "
               "reweigh returns the finite limit; gradient left out")
        return v, None, msg if note is None else note + "; " + msg
    return v, g, note


def tol(abs_value, why):
    return {"abs_value": abs_value, "why": why}


# --- torchvision.ops.sigmoid_focal_loss ----------------------------------------------------------
def tv_case(id_, x, z, alpha, gamma, red, dtype, note=None):
    fn = lambda xx: torchvision.ops.sigmoid_focal_loss(xx, t(z, dtype), alpha=alpha, gamma=gamma,
                                                       reduction=red)
    v, g = torch_value_grad(fn, x, dtype)
    v, g, note = with_grad(v, g, note)
    a = None if alpha == -1 else alpha
    exact, err = binary_bound(x, z, gamma, a, dtype, torch_bce=True)
    cf.add(case(id_, "binary_focal", "torchvision",
                f"torchvision.ops.sigmoid_focal_loss(x, z, alpha={alpha}, gamma={gamma}, reduction={red!r})",
                dtype, {"logits": np.asarray(x).astype(dtype), "labels": np.asarray(z).astype(dtype)},
                {"preset": "torchvision", "gamma": gamma, "alpha": alpha, "alpha_convention": "torchvision",
                 "label_smoothing": 0.0, "mean_last_axis": False, "reduction": TV_RED[red], "on_zero": "nan"},
                v, g, tolerance=tol(reduce_outputs(excess(err, exact, dtype), TV_RED[red]), WHY_BINARY), note=note))


for dtype in DTYPES:
    for gi, gamma in enumerate(GAMMAS):
        for ai, alpha in enumerate((0.25, -1.0, 0.8)):
            red = ("none", "sum", "mean")[(gi + ai) % 3]
            kind = ("hard", "soft")[(gi + ai) % 2]
            x = logits((N, C))
            z = hard((N, C)) if kind == "hard" else soft((N, C))
            tv_case(f"torchvision/sigmoid_focal_loss/{dtype}/g{gamma}/a{alpha}/{red}/{kind}", x, z, alpha,
                    gamma, red, dtype)
    for alpha in (0.0, 1.0):
        x = logits((N, C)); z = hard((N, C))
        tv_case(f"torchvision/sigmoid_focal_loss/{dtype}/g2.0/a{alpha}/mean/hard", x, z, alpha, 2.0, "mean", dtype)
    # any leading shape
    x = logits((2, 3, 4)); z = hard((2, 3, 4))
    tv_case(f"torchvision/sigmoid_focal_loss/{dtype}/g2.0/a0.25/sum/3d", x, z, 0.25, 2.0, "sum", dtype)
    # extreme logits, one magnitude per case: rows z = 0 and z = 1, columns -M and +M
    for gamma in GAMMAS:
        for M in (30.0, 88.0, 1e4):
            x = np.array([[-M, M], [-M, M]])
            z = np.array([[0.0, 0.0], [1.0, 1.0]])
            tv_case(f"torchvision/sigmoid_focal_loss/{dtype}/g{gamma}/a0.25/none/extreme{M:g}", x, z, 0.25,
                    gamma, "none", dtype)
    # torchvision raises for alpha outside [0, 1] other than -1
    for alpha in (-0.5, 1.5):
        x = logits((N, C)); z = hard((N, C))
        try:
            torchvision.ops.sigmoid_focal_loss(t(x, dtype), t(z, dtype), alpha=alpha)
            raise SystemExit(f"torchvision accepted alpha={alpha}")
        except ValueError as e:
            msg = str(e)
        cf.add(case(f"torchvision/sigmoid_focal_loss/{dtype}/error/alpha{alpha}", "binary_focal", "torchvision",
                    f"torchvision.ops.sigmoid_focal_loss(x, z, alpha={alpha})", dtype,
                    {"logits": x.astype(dtype), "labels": z.astype(dtype)},
                    {"preset": "torchvision", "gamma": 2.0, "alpha": alpha, "alpha_convention": "torchvision",
                     "reduction": "none", "on_zero": "nan"}, expect_error=msg))


# --- keras.losses.BinaryFocalCrossentropy(from_logits=True) ---------------------------------------
def keras_binary_case(id_, x, z, gamma, acb, alpha, ls, red, sw, dtype, note=None):
    loss = keras.losses.BinaryFocalCrossentropy(apply_class_balancing=acb, alpha=alpha, gamma=gamma,
                                                from_logits=True, label_smoothing=ls, reduction=red,
                                                dtype=dtype)
    zz = np.asarray(z).astype(dtype)
    fn = (lambda xx: loss(zz, xx)) if sw is None else (lambda xx: loss(zz, xx, sample_weight=sw.astype(dtype)))
    v, g = tf_value_grad(fn, x, dtype)
    v, g, note = with_grad(v, g, note)
    zs = z * (1 - ls) + 0.5 * ls
    exact, err = binary_bound(x, zs, gamma, alpha if acb else None, dtype, torch_bce=False)
    exact, err = exact.mean(-1), err.mean(-1)
    cf.add(case(id_, "binary_focal", "keras",
                f"keras.losses.BinaryFocalCrossentropy(apply_class_balancing={acb}, alpha={alpha}, gamma={gamma}, "
                f"from_logits=True, label_smoothing={ls}, reduction={red!r})(z, x, sample_weight=sw)",
                dtype, {"logits": np.asarray(x).astype(dtype), "labels": zz,
                        "sample_weight": None if sw is None else sw.astype(dtype)},
                {"preset": "keras", "gamma": gamma, "alpha": alpha if acb else None, "alpha_convention": "plain",
                 "label_smoothing": ls, "mean_last_axis": True, "reduction": keras_red(red, sw, exact.shape),
                 "on_zero": "zero"},
                v, g, tolerance=tol(reduce_outputs(excess(err, exact, dtype), keras_red(red, sw, exact.shape), sw),
                                    WHY_BINARY),
                note=note))


for dtype in DTYPES:
    k = 0
    for gamma in GAMMAS:
        for acb, alpha in ((False, 0.25), (True, 0.25), (True, 0.6)):
            k += 1
            red = KERAS_REDS[k % 4]
            ls = (0.0, 0.1)[k % 2]
            swn = ("none", "per_sample", "zeros", "per_sample")[(k // 2) % 4]
            sw = {"none": None, "per_sample": rng.uniform(0, 3, N), "zeros": np.zeros(N)}[swn]
            kind = ("hard", "soft")[(k // 3) % 2]
            x = logits((N, C))
            z = hard((N, C)) if kind == "hard" else soft((N, C))
            keras_binary_case(f"keras/binary_focal/{dtype}/g{gamma}/acb{acb}_a{alpha}/{red}/ls{ls}/sw_{swn}/{kind}",
                              x, z, gamma, acb, alpha, ls, red, sw, dtype)
    # rank 3, per-sample weights of shape (2, 3)
    x = logits((2, 3, 4)); z = hard((2, 3, 4)); sw = rng.uniform(0, 2, (2, 3))
    keras_binary_case(f"keras/binary_focal/{dtype}/g2.0/acbTrue_a0.25/sum_over_batch_size/3d", x, z, 2.0, True,
                      0.25, 0.0, "sum_over_batch_size", sw, dtype)
    # extreme logits: one column, so reduction none gives one value per element
    for gamma in GAMMAS:
        for M in (30.0, 88.0, 1e4):
            x = np.array([[-M], [M], [-M], [M]])
            z = np.array([[0.0], [0.0], [1.0], [1.0]])
            keras_binary_case(f"keras/binary_focal/{dtype}/g{gamma}/acbTrue_a0.25/none/extreme{M:g}", x, z, gamma,
                              True, 0.25, 0.0, "none", None, dtype)
    # labels of another shape: Keras raises
    x = logits((N, C)); z = hard((N, C - 1))
    try:
        keras.losses.BinaryFocalCrossentropy(from_logits=True, dtype=dtype)(z.astype(dtype), x.astype(dtype))
        raise SystemExit("keras accepted mismatched shapes")
    except (ValueError, tf.errors.InvalidArgumentError) as e:
        msg = str(e).splitlines()[0]
    cf.add(case(f"keras/binary_focal/{dtype}/error/shape_mismatch", "binary_focal", "keras",
                "keras.losses.BinaryFocalCrossentropy(from_logits=True)(z[:, :-1], x)", dtype,
                {"logits": x.astype(dtype), "labels": z.astype(dtype)},
                {"preset": "keras", "gamma": 2.0, "mean_last_axis": True, "reduction": "sum_over_batch_size",
                 "on_zero": "zero"}, expect_error=msg))


# --- keras.losses.CategoricalFocalCrossentropy ----------------------------------------------------
def keras_cat_case(id_, inp, y, from_logits, gamma, alpha, ls, red, sw, dtype, note=None):
    loss = keras.losses.CategoricalFocalCrossentropy(alpha=alpha, gamma=gamma, from_logits=from_logits,
                                                     label_smoothing=ls, reduction=red, dtype=dtype)
    yy = np.asarray(y).astype(dtype)
    fn = (lambda xx: loss(yy, xx)) if sw is None else (lambda xx: loss(yy, xx, sample_weight=sw.astype(dtype)))
    v, g = tf_value_grad(fn, inp, dtype)
    v, g, note = with_grad(v, g, note)
    if from_logits:
        e = np.exp(inp - inp.max(-1, keepdims=True))
        probs = e / e.sum(-1, keepdims=True)
    else:
        probs = np.asarray(inp, float)
    cc = y.shape[-1]
    ys = y * (1 - ls) + ls / cc
    a32 = np.float32(alpha).astype(float) if isinstance(alpha, list) else alpha
    exact, err, gerr = categorical_bound(probs, ys, gamma, a32, dtype)
    tolerance = tol(reduce_outputs(excess(err, exact, dtype), KERAS_RED[red], sw), WHY_CAT)
    if g is not None:
        # the gradient of a reduced loss is that of the sum divided by the denominator
        gscale = reduce_outputs(gerr, "none", sw)  # the largest row bound (times its sample weight)
        denom = {"none": 1.0, "sum": 1.0, "sum_over_batch_size": float(np.prod(y.shape[:-1])),
                 "weighted_mean": float(np.broadcast_to(sw, y.shape[:-1]).sum()) if sw is not None
                 else float(np.prod(y.shape[:-1]))}[KERAS_RED[red]]
        gbound = gscale / denom if denom != 0 else 0.0
        tolerance["abs_grad"] = max(REL[dtype] * float(np.abs(g[np.isfinite(g)]).max(initial=0.0)), gbound)
    cf.add(case(id_, "categorical_focal", "keras",
                f"keras.losses.CategoricalFocalCrossentropy(alpha={alpha}, gamma={gamma}, from_logits={from_logits}, "
                f"label_smoothing={ls}, reduction={red!r})(y, {'x' if from_logits else 'p'}, sample_weight=sw)",
                dtype, {("logits" if from_logits else "probs"): np.asarray(inp).astype(dtype), "labels": yy,
                        "sample_weight": None if sw is None else sw.astype(dtype)},
                {"preset": "keras", "gamma": gamma, "alpha": alpha, "keras_alpha_list": isinstance(alpha, list),
                 "from_logits": from_logits, "label_smoothing": ls, "clip_epsilon": 1e-7,
                 "reduction": KERAS_RED[red], "on_zero": "zero"},
                v, g, tolerance=tolerance, note=note))


def one_hot(n, c):
    return np.eye(c)[rng.integers(0, c, n)]


def rand_probs(n, c):
    p = np.exp(rng.normal(0, 1.5, (n, c)))
    p = p / p.sum(-1, keepdims=True)
    return p * rng.uniform(0.6, 1.5, (n, 1))  # not normalised: Keras divides by the sum


for dtype in DTYPES:
    k = 0
    for from_logits in (True, False):
        for gamma in GAMMAS:
            for alpha in (0.25, [0.1, 0.7, 0.3, 0.45, 0.9], 1.0):
                k += 1
                red = KERAS_REDS[k % 4]
                ls = (0.0, 0.1)[k % 2]
                swn = ("none", "per_sample", "zeros", "per_sample")[(k // 2) % 4]
                sw = {"none": None, "per_sample": rng.uniform(0, 3, N), "zeros": np.zeros(N)}[swn]
                kind = ("onehot", "soft")[(k // 3) % 2]
                y = one_hot(N, C) if kind == "onehot" else rng.dirichlet(np.ones(C), N)
                inp = logits((N, C)) if from_logits else rand_probs(N, C)
                an = "list" if isinstance(alpha, list) else alpha
                keras_cat_case(f"keras/categorical_focal/{dtype}/{'logits' if from_logits else 'probs'}/g{gamma}/"
                               f"a{an}/{red}/ls{ls}/sw_{swn}/{kind}", inp, y, from_logits, gamma, alpha, ls, red,
                               sw, dtype)
    # extreme logits: rows with +-1e4, +-88, +-30, labels on the largest and on the smallest logit
    xe = np.array([[1e4, 0.0, -1e4], [88.0, -88.0, 0.0], [30.0, 0.0, -30.0], [16.0, 0.0, 0.0],
                   [1e4, 0.0, -1e4], [88.0, -88.0, 0.0], [30.0, 0.0, -30.0], [-16.0, 0.0, 0.0]])
    ye = np.array([[1.0, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]])
    for gamma in GAMMAS:
        keras_cat_case(f"keras/categorical_focal/{dtype}/logits/g{gamma}/a0.25/none/extreme", xe, ye, True, gamma,
                       0.25, 0.0, "none", None, dtype)
    # probabilities with exact zeros and ones (clipped), rank 3
    pe = np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]]])
    ype = np.array([[[1.0, 0, 0], [1, 0, 0]], [[0, 0, 1], [0, 1, 0]]])
    for gamma in (0.0, 0.5, 2.0):
        keras_cat_case(f"keras/categorical_focal/{dtype}/probs/g{gamma}/a0.25/none/clipped_3d", pe, ype, False,
                       gamma, 0.25, 0.0, "none", None, dtype)
    # an alpha list of the wrong length: TensorFlow raises
    x = logits((N, C)); y = one_hot(N, C)
    try:
        keras.losses.CategoricalFocalCrossentropy(alpha=[0.1, 0.2, 0.3], from_logits=True, dtype=dtype)(
            y.astype(dtype), x.astype(dtype))
        raise SystemExit("keras accepted a short alpha list")
    except (ValueError, tf.errors.InvalidArgumentError) as e:
        msg = str(e).splitlines()[0]
    cf.add(case(f"keras/categorical_focal/{dtype}/error/alpha_length", "categorical_focal", "keras",
                "keras.losses.CategoricalFocalCrossentropy(alpha=[0.1, 0.2, 0.3], from_logits=True)(y, x)", dtype,
                {"logits": x.astype(dtype), "labels": y.astype(dtype)},
                {"preset": "keras", "gamma": 2.0, "alpha": [0.1, 0.2, 0.3], "keras_alpha_list": True,
                 "from_logits": True, "clip_epsilon": 1e-7, "reduction": "sum_over_batch_size", "on_zero": "zero"},
                expect_error=msg))


# --- keras.losses.BinaryFocalCrossentropy(from_logits=False): the probability form ---------------
WHY_PROBS = ("Keras computes 1-p_t by cancellation from the rounded probability: absolute error ~u, "
             "not relative, where 1-p_t is tiny; abs_value = 4x the propagated roundoff bound")


def probs_bound(p, z, gamma, alpha, dtype, eps=1e-7):
    """Per element: (exact loss, bound on Keras's absolute error of the value); z smoothed."""
    u = U[dtype]
    p = np.asarray(p, float)
    z = np.asarray(z, float)
    c = np.clip(p, eps, 1 - eps)
    ce = -(z * np.log(c) + (1 - z) * np.log(1 - c))
    q = z * (1 - p) + (1 - z) * p
    m = q ** gamma
    at = 1.0 if alpha is None else alpha * z + (1 - alpha) * (1 - z)
    gm = 0.0 if gamma == 0 else max(gamma, 1.0)
    qq = np.maximum(q, u)
    err = 4 * at * (m * u * (ce + 1) + ce * gm * qq ** (gamma - 1) * u)
    if dtype == "float32":
        err = err + 1e-37  # TF flushes float32 denormals to zero
    return at * ce * m, err


def keras_probs_case(id_, p, z, gamma, acb, alpha, ls, red, sw, dtype, note=None):
    loss = keras.losses.BinaryFocalCrossentropy(apply_class_balancing=acb, alpha=alpha, gamma=gamma,
                                                from_logits=False, label_smoothing=ls, reduction=red,
                                                dtype=dtype)
    zz = np.asarray(z).astype(dtype)
    fn = (lambda pp: loss(zz, pp)) if sw is None else (lambda pp: loss(zz, pp, sample_weight=sw.astype(dtype)))
    v, g = tf_value_grad(fn, p, dtype)
    if g is not None and np.isnan(g).any():
        msg = ("Keras's autograd gradient is NaN here (0 * inf at 1 - p_t = 0: gamma * q^(gamma - 1) is inf for "
               "gamma < 1 and meets a zero factor); reweigh returns the exact derivative (0 for gamma = 0, "
               "+-inf for 0 < gamma < 1); gradient left out")
        g, note = None, msg if note is None else note + "; " + msg
    zs = z * (1 - ls) + 0.5 * ls
    exact, err = probs_bound(np.asarray(p).astype(dtype).astype(float), zs, gamma, alpha if acb else None, dtype)
    exact, err = exact.mean(-1), err.mean(-1)
    cf.add(case(id_, "binary_focal_probs", "keras",
                f"keras.losses.BinaryFocalCrossentropy(apply_class_balancing={acb}, alpha={alpha}, gamma={gamma}, "
                f"from_logits=False, label_smoothing={ls}, reduction={red!r})(z, p, sample_weight=sw)",
                dtype, {"probs": np.asarray(p).astype(dtype), "labels": zz,
                        "sample_weight": None if sw is None else sw.astype(dtype)},
                {"gamma": gamma, "alpha": alpha if acb else None, "label_smoothing": ls, "clip_epsilon": 1e-7,
                 "mean_last_axis": True, "reduction": keras_red(red, sw, exact.shape), "on_zero": "zero"},
                v, g, tolerance=tol(reduce_outputs(excess(err, exact, dtype), keras_red(red, sw, exact.shape), sw),
                                    WHY_PROBS),
                note=note))


def probs(shape):
    return rng.uniform(0.02, 0.98, shape)


for dtype in DTYPES:
    k = 0
    for gamma in GAMMAS:
        for acb, alpha in ((False, 0.25), (True, 0.25), (True, 0.6)):
            k += 1
            red = KERAS_REDS[k % 4]
            ls = (0.0, 0.1)[k % 2]
            swn = ("none", "per_sample", "zeros", "per_sample")[(k // 2) % 4]
            sw = {"none": None, "per_sample": rng.uniform(0, 3, N), "zeros": np.zeros(N)}[swn]
            kind = ("hard", "soft")[(k // 3) % 2]
            p = probs((N, C))
            z = hard((N, C)) if kind == "hard" else soft((N, C))
            keras_probs_case(f"keras/binary_focal_probs/{dtype}/g{gamma}/acb{acb}_a{alpha}/{red}/ls{ls}/sw_{swn}/"
                             f"{kind}", p, z, gamma, acb, alpha, ls, red, sw, dtype)
    # clipped probabilities (exact 0 and 1, inside the margin): the gradient is the focal term alone
    pe = np.array([[0.0, 1.0, 1e-9, 1 - 1e-9], [0.0, 1.0, 0.5, 5e-8], [1.0, 0.0, 0.3, 0.999]])
    ze = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 1.0, 1.0]])
    for gamma in GAMMAS:
        keras_probs_case(f"keras/binary_focal_probs/{dtype}/g{gamma}/acbTrue_a0.25/none/clipped", pe, ze, gamma,
                         True, 0.25, 0.0, "none", None, dtype)
    # rank 3 with per-sample weights of shape (2, 3)
    p = probs((2, 3, 4)); z = hard((2, 3, 4)); sw = rng.uniform(0, 2, (2, 3))
    keras_probs_case(f"keras/binary_focal_probs/{dtype}/g2.0/acbTrue_a0.25/sum_over_batch_size/3d", p, z, 2.0,
                     True, 0.25, 0.0, "sum_over_batch_size", sw, dtype)
    # issue 11 #21: mean_with_sample_weight divides by the (9, 1) weight as passed, not broadcast
    p = probs((9, 4, 5)); z = hard((9, 4, 5)); sw = rng.uniform(0.2, 2, (9, 1))
    keras_probs_case(f"keras/binary_focal_probs/{dtype}/g2.0/acbFalse_a0.25/mean_with_sample_weight/broadcast_sw",
                     p, z, 2.0, False, 0.25, 0.0, "mean_with_sample_weight", sw, dtype)
    x = logits((9, 4, 5)); z = hard((9, 4, 5)); sw = rng.uniform(0.2, 2, (9, 1))
    keras_binary_case(f"keras/binary_focal/{dtype}/g2.0/acbTrue_a0.25/mean_with_sample_weight/broadcast_sw",
                      x, z, 2.0, True, 0.25, 0.0, "mean_with_sample_weight", sw, dtype)
    # probabilities outside [0, 1]: Keras computes 1 - p_t < 0; reweigh rejects them (a deliberate difference)
    p = probs((N, C)); p[1, 2] = 1.5; z = hard((N, C))
    cf.add(case(f"keras/binary_focal_probs/{dtype}/error/prob_above_one", "binary_focal_probs", "keras",
                "keras.losses.BinaryFocalCrossentropy()(z, p) with p[1, 2] = 1.5 (Keras returns a number)", dtype,
                {"probs": p.astype(dtype), "labels": z.astype(dtype)},
                {"mean_last_axis": True, "reduction": "sum_over_batch_size", "on_zero": "zero"},
                expect_error="none: Keras returns a number (1 - p_t < 0); reweigh rejects probabilities outside "
                             "[0, 1] (ValueOutOfRange), a deliberate difference"))

cf.write()
