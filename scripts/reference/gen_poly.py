"""Golden cases: Poly-1 cross-entropy (PolyLoss, Leng et al., ICLR 2022).

- optax 0.2.8 `optax.losses.poly_loss_cross_entropy(logits, labels, epsilon=eps)` (jax 0.10.2;
  float64 with jax_enable_x64), one loss per row, gradient by jax.grad of the sum; dense one-hot
  and soft labels, extreme logits (±30, ±88, ±1e4) and negative epsilon (the paper's −1 for
  detection).
- timm 1.0.31 `timm.loss.PolyCrossEntropy(epsilon, smoothing, reduction)` on class indices (with
  label smoothing) and on dense targets; torch autograd gradients. timm casts the logits to
  float32 (`x.float()`), so its float64 cases are float32 numbers (tolerance override).

Losses: "poly_cross_entropy" (dense targets) and "sparse_poly_cross_entropy" (integer labels),
both configured by PolyCrossEntropyConfig.
"""
import numpy as np
import torch  # before jax/tensorflow
import jax
import jax.numpy as jnp
import optax
import timm
from timm.loss import PolyCrossEntropy

from common import CaseFile, case, t, torch_value_grad

jax.config.update("jax_enable_x64", True)
FAMILY = "poly"
cf = CaseFile(FAMILY, "scripts/reference/gen_poly.py")
rng = np.random.default_rng(20261203)
DTYPES = ("float32", "float64")
DENSE, SPARSE = "poly_cross_entropy", "sparse_poly_cross_entropy"
N, C = 6, 5
TIMM_F64 = {"rel": 2e-6, "abs_value": 1e-6,
            "why": "timm's PolyCrossEntropy computes in float32 (x.float()) for float64 input; with "
                   "epsilon < 0 the two terms cancel where p_t is near 1, so the float32 rounding of "
                   "each term is an absolute error"}
EPSILONS = (2.0, 1.0, 0.0, -1.0, 5.0)


def optax_value_grad(x, y, eps, dtype):
    jd = {"float32": jnp.float32, "float64": jnp.float64}[dtype]
    xj, yj = jnp.asarray(x, dtype=jd), jnp.asarray(y, dtype=jd)
    f = lambda v: optax.losses.poly_loss_cross_entropy(v, yj, epsilon=eps)
    v = f(xj)
    g = jax.grad(lambda v: jnp.sum(f(v)))(xj)
    return np.asarray(v), np.asarray(g)


def params(eps, red, on_zero="zero", ls=0.0):
    return {"epsilon": eps, "label_smoothing": ls, "reduction": red, "on_zero": on_zero}


OPTAX_CALL = "optax.losses.poly_loss_cross_entropy(logits, labels, epsilon={eps})"
for dtype in DTYPES:
    for eps in EPSILONS:
        for kind in ("onehot", "soft"):
            x = rng.normal(0, 2.0, (N, C))
            y = np.eye(C)[rng.integers(0, C, N)] if kind == "onehot" else rng.dirichlet(np.ones(C), N)
            v, g = optax_value_grad(x, y, eps, dtype)
            cf.add(case(f"optax/{dtype}/eps{eps}/{kind}", DENSE, "optax", OPTAX_CALL.format(eps=eps),
                        dtype, {"logits": x, "labels": y}, params(eps, "none"), v, g))
    # extreme logits on and off the label
    for k, big in enumerate((30.0, 88.0, 1e4)):
        x = rng.normal(0, 2.0, (N, C))
        x[0, 0], x[1, 1], x[2, :] = big, -big, big
        x[3, 2] = -big
        y = np.eye(C)[np.array([0, 1, 3, 2, 4, 0])]
        v, g = optax_value_grad(x, y, 2.0, dtype)
        cf.add(case(f"optax/{dtype}/extreme/{k}", DENSE, "optax", OPTAX_CALL.format(eps=2.0), dtype,
                    {"logits": x, "labels": y}, params(2.0, "none"), v, g))
    # 3-D logits (N, T, C): one loss per (n, t)
    x = rng.normal(0, 2.0, (3, 4, C))
    y = rng.dirichlet(np.ones(C), (3, 4))
    v, g = optax_value_grad(x, y, 2.0, dtype)
    cf.add(case(f"optax/{dtype}/3d", DENSE, "optax", OPTAX_CALL.format(eps=2.0), dtype,
                {"logits": x, "labels": y}, params(2.0, "none"), v, g))

TIMM_RED = {"mean": "sum_over_batch_size", "sum": "sum", "none": "none"}
for dtype in DTYPES:
    tol = TIMM_F64 if dtype == "float64" else None
    for eps in (2.0, 1.0, -1.0):
        for ls in (0.0, 0.1, 0.3):
            for r, red in TIMM_RED.items():
                x = rng.normal(0, 2.0, (N, C))
                y = rng.integers(0, C, N)
                loss = PolyCrossEntropy(epsilon=eps, smoothing=ls, reduction=r)
                v, g = torch_value_grad(lambda v: loss(v, torch.tensor(y)), x, dtype)
                cf.add(case(f"timm/{dtype}/sparse/eps{eps}/ls{ls}/{r}", SPARSE, "timm",
                            f"timm.loss.PolyCrossEntropy(epsilon={eps}, smoothing={ls}, reduction={r!r})(x, target)",
                            dtype, {"logits": x, "labels": y}, params(eps, red, ls=ls),
                            v.astype(dtype), g.astype(dtype), tolerance=tol))
        x = rng.normal(0, 2.0, (N, C))
        y = rng.dirichlet(np.ones(C), N)
        loss = PolyCrossEntropy(epsilon=eps)
        v, g = torch_value_grad(lambda v: loss(v, t(y, dtype)), x, dtype)
        cf.add(case(f"timm/{dtype}/dense/eps{eps}", DENSE, "timm",
                    f"timm.loss.PolyCrossEntropy(epsilon={eps})(x, soft_target)", dtype,
                    {"logits": x, "labels": y}, params(eps, "sum_over_batch_size"),
                    v.astype(dtype), g.astype(dtype), tolerance=tol))
    # timm raises for a reduction it does not know
    try:
        PolyCrossEntropy(reduction="batchmean")
        raise AssertionError("timm accepted reduction='batchmean'")
    except ValueError as e:
        msg = str(e)
    x, y = rng.normal(0, 2.0, (N, C)), rng.integers(0, C, N)
    cf.add(case(f"timm/{dtype}/bad_reduction", SPARSE, "timm",
                "timm.loss.PolyCrossEntropy(reduction='batchmean')", dtype,
                {"logits": x, "labels": y}, params(2.0, "batchmean"), expect_error=msg))

cf.write()
