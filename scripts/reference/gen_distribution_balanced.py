"""Golden cases: the distribution-balanced loss (Wu et al., ECCV 2020) as timm 1.0.31 implements it.

`timm.loss.DistributionBalancedLoss(class_counts, num_samples, map_alpha, map_beta, map_mu,
neg_scale, init_bias, focal_gamma, focal_balance, smoothing, reduction)(x, y)`, torch autograd
gradients; multi-hot, soft and all-negative rows, counts of 0 and of num_samples (clamped), every
reduction. timm computes in float32, its buffers (1/n and the prior shift) too: the float32 cases
are timm's output; the float64 cases run timm's own forward with its `x.float()` casts kept in
float64 and its two buffers computed by its own __init__ formulas in float64.

Loss: "distribution_balanced" (DistributionBalancedConfig).
"""
import numpy as np
import torch  # before tensorflow
import timm
from timm.loss import DistributionBalancedLoss

from common import CaseFile, case, t, torch_value_grad

FAMILY = "distribution_balanced"
cf = CaseFile(FAMILY, "scripts/reference/gen_distribution_balanced.py")
rng = np.random.default_rng(20261206)
DTYPES = ("float32", "float64")
LOSS = "distribution_balanced"
RED = {"mean": (False, "sum_over_batch_size"), "batchmean": (True, "sum_over_batch_size"),
       "sum": (False, "sum"), "none": (False, "none")}
F32_FORMS = {"rel": 1e-5, "abs_value": 1e-9, "abs_grad": 1e-6,
             "why": "timm computes softplus, sigmoid powers and its buffers in float32; reweigh's "
                    "float32 path forms the same terms in another order"}


class Float64Inside:
    """timm's forward with its x.float() / target.float() casts kept in float64."""

    def __enter__(self):
        self.saved = torch.Tensor.float
        torch.Tensor.float = lambda self: self

    def __exit__(self, *exc):
        torch.Tensor.float = self.saved


def f64_buffers(loss, counts, n, init_bias, neg_scale):
    c = torch.as_tensor(counts, dtype=torch.float64).clamp(1., n - 1.)
    loss.freq_inv = 1. / c
    loss.logit_bias = -torch.log(n / c - 1.) * init_bias / neg_scale


def add(name, dtype, x, y, counts, n, reduction="mean", **kw):
    opts = dict(map_alpha=0.1, map_beta=10., map_mu=0.2, neg_scale=2., init_bias=0.05,
                focal_gamma=2., focal_balance=2., smoothing=0.)
    opts.update(kw)
    loss = DistributionBalancedLoss(list(map(float, counts)), n, reduction=reduction, **opts)
    if dtype == "float64":
        f64_buffers(loss, counts, n, opts["init_bias"], opts["neg_scale"])
        with Float64Inside():
            v, g = torch_value_grad(lambda v: loss(v, t(y, dtype)), x, dtype)
        tol, how = None, " (timm's forward in float64, its buffers by its formulas in float64)"
    else:
        v, g = torch_value_grad(lambda v: loss(v, t(y, dtype)), x, dtype)
        tol, how = F32_FORMS, ""
    per_row, red = RED[reduction]
    params = {"class_counts": list(map(float, counts)), "num_samples": n,
              "map_alpha": opts["map_alpha"], "map_beta": opts["map_beta"], "map_mu": opts["map_mu"],
              "neg_scale": opts["neg_scale"], "init_bias": opts["init_bias"],
              "focal_gamma": opts["focal_gamma"], "focal_balance": opts["focal_balance"],
              "label_smoothing": opts["smoothing"], "sum_over_classes": per_row, "reduction": red,
              "on_zero": "zero"}
    shown = ", ".join(f"{k}={val!r}" for k, val in kw.items())
    cf.add(case(f"timm/{dtype}/{name}", LOSS, "timm",
                f"timm.loss.DistributionBalancedLoss(counts, {n}, {shown + ', ' if shown else ''}reduction={reduction!r})(x, y){how}",
                dtype, {"logits": x, "labels": y}, params, v.astype(dtype), g.astype(dtype), tolerance=tol))


def multi_hot(n, c, k):
    y = np.zeros((n, c))
    for i in range(n):
        y[i, rng.choice(c, k, replace=False)] = 1.0
    return y


N, C, NS = 6, 8, 2000
for dtype in DTYPES:
    counts = np.floor(900 * 100.0 ** (-np.arange(C) / (C - 1)))
    for reduction in RED:
        for gamma in (2.0, 0.0, 0.5):
            x, y = rng.normal(0, 2.0, (N, C)), multi_hot(N, C, 2)
            y[5] = 0.0  # a row without positives: weight 1 + map_alpha
            add(f"{reduction}/gamma{gamma}", dtype, x, y, counts, NS, reduction, focal_gamma=gamma)
    for name, kw in [("no_negative_tolerance", dict(neg_scale=1.0, init_bias=0.0)),
                     ("strong_map", dict(map_alpha=0.0, map_beta=20.0, map_mu=0.5)),
                     ("neg_scale5", dict(neg_scale=5.0, init_bias=0.2)),
                     ("smoothing", dict(smoothing=0.1)),
                     ("focal_balance1", dict(focal_balance=1.0, focal_gamma=1.0))]:
        x, y = rng.normal(0, 2.0, (N, C)), multi_hot(N, C, 3)
        add(name, dtype, x, y, counts, NS, **kw)
    x, y = rng.normal(0, 2.0, (N, C)), rng.uniform(0, 1, (N, C))
    add("soft_targets", dtype, x, y, counts, NS)
    edge = counts.copy()
    edge[0], edge[-1] = NS, 0.0
    x, y = rng.normal(0, 2.0, (N, C)), multi_hot(N, C, 2)
    add("clamped_counts", dtype, x, y, edge, NS)
    for k, big in enumerate((30.0, 88.0, 1e4)):
        x = rng.normal(0, 2.0, (N, C))
        x[0, :], x[1, :], x[2, ::2] = big, -big, big
        y = multi_hot(N, C, 2)
        add(f"extreme/{k}", dtype, x, y, counts, NS, "sum")
    # errors timm raises
    x, y = rng.normal(0, 2.0, (N, C)), multi_hot(N, C, 2)
    for bad, args, override in [("num_samples", (counts, 1), {"num_samples": 1}),
                                ("count_above_n", (np.r_[counts[:-1], NS + 1.0], NS), {"class_counts": list(map(float, np.r_[counts[:-1], NS + 1.0]))}),
                                ("reduction", (counts, NS), {"reduction": "avg"})]:
        try:
            DistributionBalancedLoss(list(map(float, args[0])), args[1],
                                     reduction="avg" if bad == "reduction" else "mean")
            raise AssertionError(f"timm accepted {bad}")
        except ValueError as e:
            msg = f"ValueError: {e}"
        params = {"class_counts": list(map(float, counts)), "num_samples": NS,
                  "reduction": "sum_over_batch_size", "on_zero": "zero"}
        params.update(override)
        cf.add(case(f"timm/{dtype}/error/{bad}", LOSS, "timm", "timm.loss.DistributionBalancedLoss(...)",
                    dtype, {"logits": x, "labels": y}, params, expect_error=msg))

cf.write()
