"""Golden cases: pytorch_optimizer's Dice, Tversky and focal-Tversky losses.

pytorch-optimizer 4.1.0 `pytorch_optimizer.loss.DiceLoss(mode, classes, log_loss, from_logits,
label_smooth, ignore_index, eps)` (pytorch-toolbelt's: smp's modes and masks, the product
intersection, `(2 TP + smooth) / max(sum p + sum t + smooth, eps)`), `TverskyLoss(alpha, beta,
smooth)` and `FocalTverskyLoss(alpha, beta, gamma, smooth)` (sigmoid of the logits, every element
one group, `1 - (TP + smooth) / (TP + alpha FP + beta FN + smooth)`, raised to gamma); values and
torch autograd gradients, float32 and float64 (the losses compute in the input's dtype).

reweigh has no loss of its own for them: they are configurations of SegmentationTverskyConfig
(presets `pytorch_optimizer_dice`, `pytorch_optimizer_tversky`), loss "segmentation_tversky"
(dense targets) and "sparse_segmentation_tversky" (multiclass integer maps), the runners of
"smp_tversky" under the name of the configuration so that these cases get rows of their own.
"""
import numpy as np
import torch  # before tensorflow (not imported here)
import pytorch_optimizer
from pytorch_optimizer.loss import DiceLoss, FocalTverskyLoss, TverskyLoss

from common import CaseFile, case, t, torch_value_grad

FAMILY = "dice_pytorch_optimizer"
cf = CaseFile(FAMILY, "scripts/reference/gen_dice_pytorch_optimizer.py")
rng = np.random.default_rng(20261206)
DTYPES = ("float32", "float64")
FW = "pytorch_optimizer"


def seg_params(preset, mode, from_logits, alpha, beta, gamma, smooth, eps, log_loss, classes, ii,
               dice):
    return {"preset": preset, "mode": mode, "from_logits": from_logits, "alpha": alpha,
            "beta": beta, "gamma": gamma, "smooth": smooth, "eps": eps, "log_loss": log_loss,
            "intersection": "product", "score_form": "dice" if dice else "tversky",
            "zero_empty_classes": dice, "classes": classes, "class_weights": None,
            "ignore_index": ii, "reduction": "sum", "on_zero": "zero"}


def dice_case(cid, mode, x, y, dtype, from_logits=True, smooth=0.0, eps=1e-6, log_loss=False,
              classes=None, ii=None, tol=None):
    kw = dict(mode=mode, classes=classes, log_loss=log_loss, from_logits=from_logits,
              label_smooth=smooth, ignore_index=ii, eps=eps)
    loss = DiceLoss(**kw)
    call = ("pytorch_optimizer.loss.DiceLoss(" + ", ".join(f"{k}={v!r}" for k, v in kw.items())
            + ")(y_pred, y_true)")
    sparse = mode == "multiclass"
    yt = torch.tensor(y) if sparse else t(y, dtype)
    v, g = torch_value_grad(lambda v: loss(v, yt), x, dtype)
    inp = "logits" if from_logits else "probs"
    cf.add(case(cid, "sparse_segmentation_tversky" if sparse else "segmentation_tversky", FW,
                call, dtype, {inp: x, "labels": y},
                seg_params("pytorch_optimizer_dice", mode, from_logits, 0.5, 0.5, 1.0, smooth, eps,
                           log_loss, classes, ii, True), v, g, tolerance=tol))


def tversky_case(cid, x, y, dtype, alpha=0.5, beta=0.5, gamma=None, smooth=1e-6, tol=None,
                 note=None):
    if gamma is None:
        loss = TverskyLoss(alpha=alpha, beta=beta, smooth=smooth)
        call = f"pytorch_optimizer.loss.TverskyLoss(alpha={alpha}, beta={beta}, smooth={smooth})"
    else:
        loss = FocalTverskyLoss(alpha=alpha, beta=beta, gamma=gamma, smooth=smooth)
        call = (f"pytorch_optimizer.loss.FocalTverskyLoss(alpha={alpha}, beta={beta}, "
                f"gamma={gamma}, smooth={smooth})")
    yt = t(y, dtype)
    v, g = torch_value_grad(lambda v: loss(v, yt), x, dtype)
    cf.add(case(cid, "segmentation_tversky", FW, call + "(y_pred, y_true)", dtype,
                {"logits": x, "labels": y},
                seg_params("pytorch_optimizer_tversky", "binary", True, alpha, beta,
                           1.0 if gamma is None else gamma, smooth, 0.0, False, None, None,
                           False), v, g, tolerance=tol, note=note))


def inputs(mode, shape, from_logits, scale=2.0):
    n, c = shape[0], shape[1]
    if from_logits:
        x = rng.normal(0, scale, shape)
    elif mode == "multiclass":
        x = np.moveaxis(rng.dirichlet(np.ones(c), (n,) + shape[2:]), -1, 1)
    else:
        x = rng.uniform(0, 1, shape)
    if mode == "multiclass":
        y = rng.integers(0, c, (n,) + shape[2:])
    else:
        y = (rng.uniform(0, 1, shape) < 0.4).astype(float)
    return x, y


def extreme(x, big):
    xe = x.copy()
    flat = xe.reshape(-1)
    flat[::3] = big
    flat[1::3] = -big
    return xe


for dtype in DTYPES:
    # ------------------------------------------------------------ DiceLoss
    for mode, shape in (("binary", (2, 1, 3, 4)), ("multilabel", (2, 3, 4, 3)),
                        ("multiclass", (2, 4, 3, 3))):
        for fl in (True, False):
            for smooth in (0.0, 1.0):
                x, y = inputs(mode, shape, fl)
                dice_case(f"po/{dtype}/dice/{mode}/logits{fl}/smooth{smooth}", mode, x, y, dtype,
                          from_logits=fl, smooth=smooth)
        x, y = inputs(mode, shape, True)
        dice_case(f"po/{dtype}/dice/{mode}/log", mode, x, y, dtype, log_loss=True)
        dice_case(f"po/{dtype}/dice/{mode}/log_smooth", mode, x, y, dtype, log_loss=True,
                  smooth=0.5)
        dice_case(f"po/{dtype}/dice/{mode}/eps", mode, x, y, dtype, eps=1e-3)
        # eps larger than the denominator: the clamp holds (and log_loss clamps the score)
        dice_case(f"po/{dtype}/dice/{mode}/eps_clamps", mode, x, y, dtype, eps=50.0)
        dice_case(f"po/{dtype}/dice/{mode}/eps_clamps_log", mode, x, y, dtype, eps=50.0,
                  log_loss=True)
        # classes without positive targets contribute 0
        if mode == "multiclass":
            y0 = np.where(y == 1, 0, y)
        else:
            y0 = np.zeros_like(y)
            if mode == "multilabel":
                y0[:, 0] = y[:, 0]
        dice_case(f"po/{dtype}/dice/{mode}/zero_targets", mode, x, y0, dtype)
        for big in (30.0, 88.0, 1e4):
            dice_case(f"po/{dtype}/dice/{mode}/extreme{big}", mode, extreme(x, big), y, dtype)
        if mode != "binary":
            dice_case(f"po/{dtype}/dice/{mode}/classes", mode, x, y, dtype, classes=[0, 2])
        if mode == "multiclass":
            yi = y.copy()
            yi[0, 0, :] = 255
            dice_case(f"po/{dtype}/dice/{mode}/ignore", mode, x, yi, dtype, ii=255)
        else:
            yi = y.copy()
            yi.reshape(-1)[::5] = -1.0
            dice_case(f"po/{dtype}/dice/{mode}/ignore", mode, x, yi, dtype, ii=-1)
    # soft multilabel targets: the product intersection (smp's L1 one differs here)
    x = rng.normal(0, 2.0, (2, 3, 5))
    y = rng.uniform(0, 1, (2, 3, 5))
    dice_case(f"po/{dtype}/dice/multilabel/soft", "multilabel", x, y, dtype)
    # binary targets (N, H, W) for (N, 1, H, W)
    x = rng.normal(0, 2.0, (2, 1, 3, 3))
    y = (rng.uniform(0, 1, (2, 3, 3)) < 0.5).astype(float)
    dice_case(f"po/{dtype}/dice/binary/target_nhw", "binary", x, y, dtype)

    # ------------------------------------------------------------ TverskyLoss, FocalTverskyLoss
    for shape in ((2, 1, 3, 4), (3, 5), (2, 3, 4)):
        tag = "x".join(map(str, shape))
        for ab in ((0.5, 0.5), (0.3, 0.7), (0.7, 0.3), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)):
            x, y = inputs("binary", shape, True)
            tversky_case(f"po/{dtype}/tversky/{ab}/{tag}", x, y, dtype, *ab)
    x, y = inputs("binary", (2, 1, 4, 4), True)
    for gamma in (0.5, 0.75, 1.0, 4.0 / 3, 2.0):
        tversky_case(f"po/{dtype}/focal_tversky/0.3,0.7/gamma{gamma}", x, y, dtype, 0.3, 0.7,
                     gamma)
    for smooth in (0.0, 1.0):
        tversky_case(f"po/{dtype}/tversky/0.3,0.7/smooth{smooth}", x, y, dtype, 0.3, 0.7,
                     smooth=smooth)
        tversky_case(f"po/{dtype}/focal_tversky/0.7,0.3,2/smooth{smooth}", x, y, dtype, 0.7, 0.3,
                     2.0, smooth=smooth)
    # soft targets
    ys = rng.uniform(0, 1, y.shape)
    tversky_case(f"po/{dtype}/tversky/0.3,0.7/soft", x, ys, dtype, 0.3, 0.7)
    tversky_case(f"po/{dtype}/focal_tversky/0.3,0.7,0.75/soft", x, ys, dtype, 0.3, 0.7, 0.75)
    # no positive target: scored as it is (1 - smooth/(alpha FP + smooth)), not 0
    y0 = np.zeros_like(y)
    tversky_case(f"po/{dtype}/tversky/0.3,0.7/zero_targets", x, y0, dtype, 0.3, 0.7)
    tversky_case(f"po/{dtype}/focal_tversky/0.3,0.7,0.75/zero_targets", x, y0, dtype, 0.3, 0.7,
                 0.75)
    tversky_case(f"po/{dtype}/tversky/0.3,0.7/zero_targets/smooth1", x, y0, dtype, 0.3, 0.7,
                 smooth=1.0)
    # extreme logits
    for big in (30.0, 88.0, 1e4):
        xe = extreme(x, big)
        tversky_case(f"po/{dtype}/tversky/0.3,0.7/extreme{big}", xe, y, dtype, 0.3, 0.7)
        tversky_case(f"po/{dtype}/focal_tversky/0.3,0.7,2/extreme{big}", xe, y, dtype, 0.3, 0.7,
                     2.0)

    # errors with the reference's message
    x, y = inputs("binary", (2, 1, 3), True)
    try:
        DiceLoss("binary", classes=[0])
        raise AssertionError("classes_binary")
    except ValueError as e:
        msg = str(e)
    cf.add(case(f"po/{dtype}/error/classes_binary", "segmentation_tversky", FW,
                "pytorch_optimizer.loss.DiceLoss('binary', classes=[0])", dtype,
                {"logits": x, "labels": y},
                seg_params("pytorch_optimizer_dice", "binary", True, 0.5, 0.5, 1.0, 0.0, 1e-6,
                           False, [0], None, True), expect_error=msg))
    x, y = inputs("multiclass", (2, 3, 4), True)
    y[0, 1] = 3
    try:
        DiceLoss("multiclass")(t(x, dtype), torch.tensor(y))
        raise AssertionError("label out of range")
    except RuntimeError as e:
        msg = str(e).strip().splitlines()[0]
    cf.add(case(f"po/{dtype}/error/label_out_of_range", "sparse_segmentation_tversky", FW,
                "pytorch_optimizer.loss.DiceLoss('multiclass')(x, y)", dtype,
                {"logits": x, "labels": y},
                seg_params("pytorch_optimizer_dice", "multiclass", True, 0.5, 0.5, 1.0, 0.0, 1e-6,
                           False, None, None, True), expect_error=msg))

cf.write()
