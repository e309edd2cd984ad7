"""Golden cases: the asymmetric loss (ASL, Ridnik et al., ICCV 2021) as timm 1.0.31 implements it.

- `timm.loss.AsymmetricLossMultiLabel(gamma_neg, gamma_pos, clip, eps,
  disable_torch_grad_focal_loss, smoothing, reduction, weight, pos_weight)(x, y)`: multi-hot and
  soft targets (thread 002's 512 labels with about 5 positives among them), every reduction
  ('batchmean', 'sum', 'mean', 'none'), both gradient modes, class weights and pos_weight,
  extreme logits (±30, ±88, ±1e4; with the default margin: without one, timm's float32
  1 − σ(x) is 0 from x = 16.6 on, see the docs of AsymmetricLoss). timm computes in float32 for
  float64 input: the float64 cases run timm's own code with its `x.float()` casts kept in float64
  (timm's formula in float64), except the extreme-logit ones, which keep timm's float32 output
  with a tolerance override. Its float32 cases form 1 − σ(x) by subtraction: a tolerance override
  says so.
- `timm.loss.AsymmetricLossSingleLabel(gamma_pos, gamma_neg, eps, reduction)(x, target)`:
  class-index targets; it keeps float64 in float64.

Losses: "asymmetric" (AsymmetricLossConfig) and "single_label_asymmetric"
(SingleLabelAsymmetricLossConfig).
"""
import numpy as np
import torch  # before tensorflow
import timm
from timm.loss import AsymmetricLossMultiLabel, AsymmetricLossSingleLabel

from common import CaseFile, case, t, torch_value_grad

FAMILY = "asymmetric"
cf = CaseFile(FAMILY, "scripts/reference/gen_asymmetric.py")
rng = np.random.default_rng(20261204)
DTYPES = ("float32", "float64")
MULTI, SINGLE = "asymmetric", "single_label_asymmetric"
F32_INSIDE = {"rel": 1e-5, "abs_value": 2e-6, "abs_grad": 3e-6,
              "why": "timm's AsymmetricLossMultiLabel computes in float32 (x.float()) for float64 input, "
                     "and forms 1 - sigmoid(x) and log(sigmoid(x)) by subtraction in float32"}
F32_FORMS = {"rel": 1e-5, "abs_value": 1e-9, "abs_grad": 1e-6,
             "why": "timm forms 1 - sigmoid(x), 1 - p_t and log(sigmoid(x)) in float32 by subtraction; "
                    "reweigh uses sigmoid(-x) and softplus: per-element differences of a few float32 "
                    "ulps where 1 - p_t is small"}


class Float64Inside:
    """Runs timm's own code with its `x.float()` / `y.float()` casts kept in float64, so that the
    float64 cases are timm's formula in float64 rather than in float32."""

    def __enter__(self):
        self.saved = torch.Tensor.float
        torch.Tensor.float = lambda self: self
        return self

    def __exit__(self, *exc):
        torch.Tensor.float = self.saved
RED = {"batchmean": (True, "sum_over_batch_size"), "sum": (False, "sum"),
       "mean": (False, "sum_over_batch_size"), "none": (False, "none")}


def multi_params(gn, gp, clip, eps, detach, smoothing, reduction, weight=None, pos_weight=None,
                 dtype="float32"):
    per_row, red = RED[reduction]
    enc = lambda a: None if a is None else np.asarray(a).astype(dtype).tolist()
    return {"gamma_neg": gn, "gamma_pos": gp, "margin": 0.0 if clip is None else clip,
            "epsilon": eps, "detach_focal_weight": detach, "label_smoothing": smoothing,
            "class_weights": enc(weight), "pos_weight": enc(pos_weight),
            "sum_over_classes": per_row, "reduction": red, "on_zero": "zero"}


def multi_hot(n, c, positives):
    y = np.zeros((n, c))
    for i in range(n):
        y[i, rng.choice(c, positives, replace=False)] = 1.0
    return y


def multi_case(name, dtype, x, y, gn=4, gp=1, clip=0.05, eps=1e-8, detach=False, smoothing=0.0,
               reduction="batchmean", weight=None, pos_weight=None, extreme=False):
    kw = dict(gamma_neg=gn, gamma_pos=gp, clip=clip, eps=eps,
              disable_torch_grad_focal_loss=detach, smoothing=smoothing, reduction=reduction)
    if weight is not None:
        kw["weight"] = t(weight, dtype)
    if pos_weight is not None:
        kw["pos_weight"] = t(pos_weight, dtype)
    loss = AsymmetricLossMultiLabel(**kw)
    if dtype == "float64" and not extreme:
        with Float64Inside():
            v, g = torch_value_grad(lambda v: loss(v, t(y, dtype)), x, dtype)
        tol, how = None, " (timm's code with its x.float() casts kept in float64)"
    else:
        v, g = torch_value_grad(lambda v: loss(v, t(y, dtype)), x, dtype)
        tol, how = (F32_INSIDE if dtype == "float64" else F32_FORMS), ""
    shown = ", ".join(f"{k}={'...' if k in ('weight', 'pos_weight') else repr(val)}" for k, val in kw.items())
    cf.add(case(f"timm/multi/{dtype}/{name}", MULTI, "timm",
                f"timm.loss.AsymmetricLossMultiLabel({shown})(x, y){how}", dtype,
                {"logits": x, "labels": y},
                multi_params(gn, gp, clip, eps, detach, smoothing, reduction, weight, pos_weight, dtype),
                v.astype(dtype), g.astype(dtype), tolerance=tol))


for dtype in DTYPES:
    N, C = 6, 8
    k = 0
    for gn, gp in ((4, 1), (2, 0), (0, 0), (1, 2)):
        for clip in (0.05, 0.0, None, 0.2):
            for detach in (False, True):
                x = rng.normal(0, 2.5, (N, C))
                y = multi_hot(N, C, 2)
                multi_case(f"g{gn}_{gp}/clip{clip}/detach{detach}", dtype, x, y, gn=gn, gp=gp,
                           clip=clip, detach=detach)
    for reduction in RED:
        for smoothing in (0.0, 0.1):
            x, y = rng.normal(0, 2.5, (N, C)), multi_hot(N, C, 3)
            multi_case(f"{reduction}/s{smoothing}", dtype, x, y, smoothing=smoothing, reduction=reduction)
    # soft targets, class weights, pos_weight (scalar and per class)
    x, y = rng.normal(0, 2.0, (N, C)), rng.uniform(0, 1, (N, C))
    multi_case("soft_targets", dtype, x, y)
    w = rng.uniform(0.2, 3.0, C)
    x, y = rng.normal(0, 2.0, (N, C)), multi_hot(N, C, 2)
    multi_case("weight", dtype, x, y, weight=w, reduction="sum")
    multi_case("pos_weight_scalar", dtype, x, y, pos_weight=np.array(50.0))
    multi_case("pos_weight_per_class", dtype, x, y, pos_weight=rng.uniform(1, 20, C), detach=True)
    # thread 002: 512 labels, ~5 positives, gamma_neg=4, gamma_pos=1, clip=0.05
    x, y = rng.normal(-3.0, 2.0, (4, 512)), multi_hot(4, 512, 5)
    multi_case("thread002_512_labels", dtype, x, y)
    multi_case("thread002_512_labels_sum", dtype, x, y, reduction="sum")
    # extreme logits (default margin)
    for j, big in enumerate((30.0, 88.0, 1e4)):
        x = rng.normal(0, 2.0, (N, C))
        x[0, :], x[1, :] = big, -big
        x[2, ::2] = big
        x[3, 1::2] = -big
        y = multi_hot(N, C, 3)
        multi_case(f"extreme/{j}", dtype, x, y, extreme=True)
        multi_case(f"extreme/{j}/detach", dtype, x, y, detach=True, gn=2, gp=0, extreme=True)
    # errors timm raises
    x, y = rng.normal(0, 2.0, (N, C)), multi_hot(N, C, 2)
    for bad, kw in (("reduction", {"reduction": "avg"}), ("smoothing", {"smoothing": 1.0})):
        try:
            AsymmetricLossMultiLabel(**kw)
            raise AssertionError(f"timm accepted {kw}")
        except (ValueError, AssertionError) as e:
            msg = f"{type(e).__name__}: {e}" if str(e) else f"{type(e).__name__} (assert 0. <= smoothing < 1.)"
        params = multi_params(4, 1, 0.05, 1e-8, False, 0.0, "batchmean", dtype=dtype)
        if bad == "reduction":
            params["reduction"] = "avg"
        else:
            params["label_smoothing"] = 1.0
        cf.add(case(f"timm/multi/{dtype}/error/{bad}", MULTI, "timm",
                    f"timm.loss.AsymmetricLossMultiLabel(**{kw})", dtype,
                    {"logits": x, "labels": y}, params, expect_error=msg))

SINGLE_RED = {"mean": "sum_over_batch_size", "none": "none"}
for dtype in DTYPES:
    N, C = 7, 6
    for gp, gn in ((1, 4), (0, 0), (2, 1), (0.5, 3), (0, 4)):
        for eps in (0.1, 0.0, 0.3):
            for r, red in SINGLE_RED.items():
                x, y = rng.normal(0, 2.0, (N, C)), rng.integers(0, C, N)
                loss = AsymmetricLossSingleLabel(gamma_pos=gp, gamma_neg=gn, eps=eps, reduction=r)
                v, g = torch_value_grad(lambda v: loss(v, torch.tensor(y)), x, dtype)
                cf.add(case(f"timm/single/{dtype}/g{gp}_{gn}/eps{eps}/{r}", SINGLE, "timm",
                            f"timm.loss.AsymmetricLossSingleLabel(gamma_pos={gp}, gamma_neg={gn}, eps={eps}, reduction={r!r})(x, target)",
                            dtype, {"logits": x, "labels": y},
                            {"gamma_pos": gp, "gamma_neg": gn, "label_smoothing": eps,
                             "reduction": red, "on_zero": "zero"}, v, g))
    for j, big in enumerate((30.0, 88.0)):
        x = rng.normal(0, 2.0, (N, C))
        x[0, :] = big
        x[1, 0], x[1, 1] = big, -big
        y = rng.integers(0, C, N)
        y[1] = 0
        loss = AsymmetricLossSingleLabel()
        v, g = torch_value_grad(lambda v: loss(v, torch.tensor(y)), x, dtype)
        cf.add(case(f"timm/single/{dtype}/extreme/{j}", SINGLE, "timm",
                    "timm.loss.AsymmetricLossSingleLabel()(x, target)", dtype,
                    {"logits": x, "labels": y},
                    {"gamma_pos": 1.0, "gamma_neg": 4.0, "label_smoothing": 0.1,
                     "reduction": "sum_over_batch_size", "on_zero": "zero"}, v, g))

cf.write()
