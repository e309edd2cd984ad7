"""Golden cases: kornia's Dice and Tversky losses.

kornia 0.9.0 `kornia.losses.dice_loss(pred, target, average, eps, weight, ignore_index)` (micro and
macro, with and without class weights) and `kornia.losses.tversky_loss(pred, target, alpha, beta,
eps, ignore_index)` on logits (B, C, H, W) against int64 class maps (B, H, W); values and torch
autograd gradients w.r.t. the logits, float32 and float64 (kornia computes in the logits' dtype;
the class weights are a tensor of that dtype). Loss "sparse_per_sample_tversky"
(PerSampleTverskyConfig::build_sparse): a case's `epsilon` is kornia's Dice `eps / 2` and its
Tversky `eps`. Every input has fewer than 2**15 logits, so kornia takes its one-hot path (from
2**15 logits on, its CPU path gathers instead of forming one-hot products: the same sums in
another order).

Where the loss is near 0 (confident predictions, one class), kornia forms `1 - S` from a rounded
`S ~ 1` and keeps few of the loss's digits (float32: 0), and its softmax backward `p (g - <p, g>)`
cancels for the confident class; reweigh computes `(a FP + b FN + eps)/D` and the complement
`1 - p` from the other classes. Those cases carry `abs_value` = 2 x kornia's distance from the
exact loss and `abs_grad` = 2 x the largest distance of torch's gradient from the exact one (at
least the default floor), both evaluated with mpmath at 50 digits (`exact_loss`, `mp.diff`;
mpmath 1.3.0 comes with torch's sympy), and the exact value in the note.
"""
import mpmath as mp
import numpy as np
import torch  # before tensorflow (not imported here) and kornia
import kornia
from kornia.losses import dice_loss, tversky_loss

from common import CaseFile, case, t, torch_value_grad

FAMILY = "dice_kornia"
cf = CaseFile(FAMILY, "scripts/reference/gen_dice_kornia.py")
rng = np.random.default_rng(20261205)
DTYPES = ("float32", "float64")
LOSS = "sparse_per_sample_tversky"
mp.mp.dps = 50


def params(preset, average, alpha, beta, epsilon, weight, ignore_index):
    return {"preset": preset, "average": average, "alpha": alpha, "beta": beta,
            "epsilon": epsilon, "class_weights": weight, "ignore_index": ignore_index,
            "reduction": "sum_over_batch_size", "on_zero": "zero"}


def exact_loss(x, y, p):
    """kornia's loss of logits x (float64 or mpmath numbers) and labels y for the case
    parameters p, at the working precision (50 digits)."""
    B, C, H, W = x.shape
    a, b, e = mp.mpf(p["alpha"]), mp.mpf(p["beta"]), mp.mpf(p["epsilon"])
    w = p["class_weights"] or [1.0] * C
    micro = p["average"] == "micro"
    total = mp.mpf(0)
    for i in range(B):
        sums = {}
        for h in range(H):
            for j in range(W):
                label = int(y[i, h, j])
                if p["ignore_index"] is not None and label == p["ignore_index"]:
                    continue
                ex = [mp.e ** mp.mpf(v) for v in x[i, :, h, j]]
                z = mp.fsum(ex)
                for k in range(C):
                    q, tk = ex[k] / z, 1 if k == label else 0
                    wk = mp.mpf(w[k]) if micro else 1
                    s = sums.setdefault(0 if micro else k, [0, 0, 0, 0])
                    s[0] += wk * q * tk
                    s[1] += wk * q * (1 - tk)
                    s[2] += wk * tk * (1 - q)
                    s[3] += tk
        groups = [(1, sums.get(0, [0, 0, 0, 0]))] if micro else [
            (mp.mpf(w[k]), sums[k]) for k in sums if sums[k][3] > 0]
        num, den = mp.mpf(0), mp.mpf(0)
        for wk, (tp, fp, fn, _) in groups:
            d = tp + a * fp + b * fn
            num += wk * (1 if d == 0 else (a * fp + b * fn + e) / (d + e))
            den += wk
        total += 1 if den == 0 else num / den
    return total / B


def near_zero(x, y, dtype, p, v, g):
    """The tolerance and note of a case whose loss is near 0 (see the module docstring)."""
    x = x.astype(dtype).astype(np.float64)
    ex = exact_loss(x, y, p)
    err = abs(mp.mpf(float(v)) - ex)
    gerr = 0.0
    for idx in np.ndindex(x.shape):
        def f(u):
            xu = x.astype(object)
            xu[idx] = u
            return exact_loss(xu, y, p)
        gerr = max(gerr, float(abs(mp.diff(f, mp.mpf(x[idx])) - mp.mpf(float(g[idx])))))
    rel = 2e-6 if dtype == "float32" else 1e-12
    return ({"abs_value": float(2 * err),
             "abs_grad": max(2 * gerr, rel * float(np.abs(g).max())),
             "why": "kornia's 1 - S and softmax backward cancel where S ~ 1 and p ~ 1: 2 x "
                    "kornia's distance from the exact loss and gradient"},
            f"exact loss (mpmath, 50 digits): {mp.nstr(ex, 17)}; torch's gradient is within "
            f"{gerr:.3e} of the exact one")


def dice_case(cid, x, y, dtype, average="micro", eps=1e-8, weight=None, ignore_index=-100,
              tol=None, note=None, small=False):
    w = None if weight is None else t(weight, dtype)
    call = (f"kornia.losses.dice_loss(pred, target, average={average!r}, eps={eps!r}, "
            f"weight={'None' if weight is None else 'torch.tensor(' + repr(list(weight)) + ')'}, "
            f"ignore_index={ignore_index!r})")
    yt = torch.tensor(y, dtype=torch.int64)
    v, g = torch_value_grad(lambda p: dice_loss(p, yt, average, eps, w, ignore_index), x, dtype)
    ps = params("kornia_dice", average, 0.5, 0.5, eps / 2, weight, ignore_index)
    if small:
        tol, note = near_zero(x, y, dtype, ps, v, g)
    cf.add(case(cid, LOSS, "kornia", call, dtype, {"logits": x, "labels": y}, ps, v, g,
                tolerance=tol, note=note))


def tversky_case(cid, x, y, dtype, alpha, beta, eps=1e-8, ignore_index=-100, tol=None, note=None,
                 small=False):
    call = (f"kornia.losses.tversky_loss(pred, target, alpha={alpha!r}, beta={beta!r}, "
            f"eps={eps!r}, ignore_index={ignore_index!r})")
    yt = torch.tensor(y, dtype=torch.int64)
    v, g = torch_value_grad(lambda p: tversky_loss(p, yt, alpha, beta, eps, ignore_index), x,
                            dtype)
    ps = params("kornia_tversky", "macro", alpha, beta, eps, None, ignore_index)
    if small:
        tol, note = near_zero(x, y, dtype, ps, v, g)
    cf.add(case(cid, LOSS, "kornia", call, dtype, {"logits": x, "labels": y}, ps, v, g,
                tolerance=tol, note=note))


def inputs(shape, scale=2.0, ignored=0.1):
    b, c, h, w = shape
    x = rng.normal(0, scale, shape)
    y = rng.integers(0, c, (b, h, w))
    y[rng.uniform(0, 1, (b, h, w)) < ignored] = -100
    return x, y


def extreme(x, big):
    xe = x.copy()
    flat = xe.reshape(-1)
    flat[::3] = big
    flat[1::3] = -big
    return xe


TV = ((0.5, 0.5), (0.3, 0.7), (0.7, 0.3), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
for dtype in DTYPES:
    # shapes (B, C, H, W), ignored pixels (label -100) now and then
    for shape in ((2, 3, 4, 5), (3, 4, 3, 3), (1, 5, 2, 6)):
        tag = "x".join(map(str, shape))
        x, y = inputs(shape)
        c = shape[1]
        weight = [0.5, 2.0, 1.5, 0.25, 3.0][:c]
        for average in ("micro", "macro"):
            dice_case(f"kornia/{dtype}/dice/{average}/{tag}", x, y, dtype, average)
            dice_case(f"kornia/{dtype}/dice/{average}/{tag}/weight", x, y, dtype, average,
                      weight=weight)
        for a, b in TV:
            tversky_case(f"kornia/{dtype}/tversky/{a},{b}/{tag}", x, y, dtype, a, b)
    x, y = inputs((2, 4, 3, 4))
    # eps: 0 and large; no ignore_index; another ignore_index
    for average in ("micro", "macro"):
        for eps in (0.0, 1e-3, 0.5):
            dice_case(f"kornia/{dtype}/dice/{average}/eps{eps}", x, y, dtype, average, eps=eps,
                      weight=[1.0, 0.5, 2.0, 1.0])
        y_ok = np.where(y == -100, 0, y)
        dice_case(f"kornia/{dtype}/dice/{average}/ignore_none", x, y_ok, dtype, average,
                  ignore_index=None)
        y255 = np.where(y == -100, 255, y)
        dice_case(f"kornia/{dtype}/dice/{average}/ignore255", x, y255, dtype, average,
                  ignore_index=255)
    for eps in (0.0, 1e-3):
        tversky_case(f"kornia/{dtype}/tversky/0.3,0.7/eps{eps}", x, y, dtype, 0.3, 0.7, eps=eps)
    tversky_case(f"kornia/{dtype}/tversky/0.3,0.7/ignore_none", x, np.where(y == -100, 1, y),
                 dtype, 0.3, 0.7, ignore_index=None)
    # classes absent from a sample (sample 0 has only classes 0 and 1, sample 1 only class 3)
    ya = y.copy()
    ya[0] = np.where(ya[0] >= 2, 1, ya[0])
    ya[1] = np.where(ya[1] == -100, -100, 3)
    for average in ("micro", "macro"):
        dice_case(f"kornia/{dtype}/dice/{average}/absent_classes", x, ya, dtype, average)
        dice_case(f"kornia/{dtype}/dice/{average}/absent_classes/weight", x, ya, dtype, average,
                  weight=[2.0, 0.5, 1.0, 1.5])
    tversky_case(f"kornia/{dtype}/tversky/0.3,0.7/absent_classes", x, ya, dtype, 0.3, 0.7)
    # a sample whose pixels are all ignored: loss 1, zero gradient
    yi = y.copy()
    yi[1] = -100
    for average in ("micro", "macro"):
        dice_case(f"kornia/{dtype}/dice/{average}/sample_all_ignored", x, yi, dtype, average)
        dice_case(f"kornia/{dtype}/dice/{average}/sample_all_ignored/eps0", x, yi, dtype,
                  average, eps=0.0)
    tversky_case(f"kornia/{dtype}/tversky/0.3,0.7/sample_all_ignored", x, yi, dtype, 0.3, 0.7)
    # zero weights: all zero (loss 1 for every sample), zero on the classes present in sample 1
    ya1 = np.where(y == -100, -100, np.where(y >= 2, 2, 0))
    ya1[0] = y[0]
    for average in ("micro", "macro"):
        dice_case(f"kornia/{dtype}/dice/{average}/weight_all_zero", x, y, dtype, average,
                  weight=[0.0, 0.0, 0.0, 0.0])
        dice_case(f"kornia/{dtype}/dice/{average}/weight_zero_on_present", x, ya1, dtype,
                  average, weight=[0.0, 1.0, 0.0, 2.0])
        dice_case(f"kornia/{dtype}/dice/{average}/weight_all_zero/eps0", x, y, dtype, average,
                  eps=0.0, weight=[0.0, 0.0, 0.0, 0.0])
    # one class: the softmax is 1, the loss constant, the gradient 0
    x1, y1 = inputs((2, 1, 3, 3), ignored=0.2)
    dice_case(f"kornia/{dtype}/dice/micro/one_class", x1, y1, dtype, "micro", small=True)
    dice_case(f"kornia/{dtype}/dice/macro/one_class", x1, y1, dtype, "macro", small=True)
    tversky_case(f"kornia/{dtype}/tversky/0.3,0.7/one_class", x1, y1, dtype, 0.3, 0.7,
                 small=True)
    # two classes (kornia's binary task)
    x2, y2 = inputs((3, 2, 4, 4), scale=3.0)
    dice_case(f"kornia/{dtype}/dice/micro/two_classes", x2, y2, dtype, "micro")
    tversky_case(f"kornia/{dtype}/tversky/0.7,0.3/two_classes", x2, y2, dtype, 0.7, 0.3)
    # extreme logits: probabilities exactly 0 and 1
    for big in (30.0, 88.0, 1e4):
        xe = extreme(x, big)
        for average in ("micro", "macro"):
            dice_case(f"kornia/{dtype}/dice/{average}/extreme{big}", xe, y, dtype, average,
                      weight=[1.0, 0.5, 2.0, 1.0])
        tversky_case(f"kornia/{dtype}/tversky/0.3,0.7/extreme{big}", xe, y, dtype, 0.3, 0.7)
        tversky_case(f"kornia/{dtype}/tversky/1.0,0.0/extreme{big}", xe, y, dtype, 1.0, 0.0)
    # confident and correct: a loss near 0
    xc = np.full((2, 3, 2, 3), -12.0)
    yc = rng.integers(0, 3, (2, 2, 3))
    for b in range(2):
        for h in range(2):
            for w in range(3):
                xc[b, yc[b, h, w], h, w] = 12.0
    dice_case(f"kornia/{dtype}/dice/micro/confident", xc, yc, dtype, "micro", small=True)
    dice_case(f"kornia/{dtype}/dice/macro/confident", xc, yc, dtype, "macro", small=True)
    tversky_case(f"kornia/{dtype}/tversky/0.3,0.7/confident", xc, yc, dtype, 0.3, 0.7,
                 small=True)

    # errors with kornia's message
    def error_case(cid, fn, x, y, p):
        try:
            fn(t(x, dtype), torch.tensor(y, dtype=torch.int64))
            raise AssertionError(f"kornia accepted {cid}")
        except (ValueError, RuntimeError, TypeError, kornia.core.exceptions.BaseError) as e:
            msg = str(e).strip().splitlines()[0]
        cf.add(case(f"kornia/{dtype}/error/{cid}", LOSS, "kornia", f"kornia.losses ({cid})", dtype,
                    {"logits": x, "labels": y}, p, expect_error=msg))

    pd = params("kornia_dice", "micro", 0.5, 0.5, 0.5e-8, None, -100)
    pt = params("kornia_tversky", "macro", 0.3, 0.7, 1e-8, None, -100)
    x3 = rng.normal(0, 1, (2, 3, 4))
    error_case("dice/pred_3d", lambda p, y: dice_loss(p, y), x3, rng.integers(0, 3, (2, 4)), pd)
    error_case("tversky/pred_3d", lambda p, y: tversky_loss(p, y, 0.3, 0.7), x3,
               rng.integers(0, 3, (2, 4)), pt)
    x4 = rng.normal(0, 1, (2, 3, 4, 5))
    error_case("dice/target_hw", lambda p, y: dice_loss(p, y), x4, rng.integers(0, 3, (2, 4, 4)),
               pd)
    error_case("dice/target_batch", lambda p, y: dice_loss(p, y), x4,
               rng.integers(0, 3, (3, 4, 5)), pd)
    error_case("tversky/target_batch", lambda p, y: tversky_loss(p, y, 0.3, 0.7), x4,
               rng.integers(0, 3, (3, 4, 5)), pt)
    yb = rng.integers(0, 3, (2, 4, 5))
    yb[1, 2, 3] = 3
    error_case("dice/label_out_of_range", lambda p, y: dice_loss(p, y), x4, yb, pd)
    error_case("tversky/label_out_of_range", lambda p, y: tversky_loss(p, y, 0.3, 0.7), x4, yb, pt)
    yn = rng.integers(0, 3, (2, 4, 5))
    yn[0, 0, 0] = -1
    error_case("dice/label_negative", lambda p, y: dice_loss(p, y, "macro"), x4, yn,
               params("kornia_dice", "macro", 0.5, 0.5, 0.5e-8, None, -100))
    ww = [1.0, 2.0]
    error_case("dice/weight_shape", lambda p, y: dice_loss(p, y, weight=t(ww, dtype)), x4,
               rng.integers(0, 3, (2, 4, 5)),
               params("kornia_dice", "micro", 0.5, 0.5, 0.5e-8, ww, -100))
    error_case("dice/average", lambda p, y: dice_loss(p, y, average="weighted"), x4,
               rng.integers(0, 3, (2, 4, 5)),
               params("kornia_dice", "weighted", 0.5, 0.5, 0.5e-8, None, -100))

cf.write()
