"""Golden cases: the LDAM loss (Cao et al., NeurIPS 2019) and its DRW class weights.

- pytorch-optimizer 4.1.0 `pytorch_optimizer.loss.LDAMLoss(num_class_list, max_m, weight, s)(x, y)`
  (Cao et al.'s LDAMLoss: margins m = 1/n^(1/4) scaled to max_m in a float32 buffer, then
  `F.cross_entropy(s * where(onehot, x - m_y, x), y, weight=weight)`), float32 and float64
  logits, with and without DRW weights; each case gives the reference's own margins buffer
  (`m_list`, float32) as `margins`, so that a float32 ulp of torch's sqrt cannot decide a float64
  case; "ldam_margins" cases compare reweigh's margins from the counts with that buffer.
- DRW (deferred re-weighting) weights as Cao et al.'s cifar_train.py computes them with numpy:
  `effective_num = 1 - beta**n; w = (1 - beta) / effective_num; w = w / w.sum() * C` from the
  epoch `idx = epoch // 160` selects beta = 0.9999 on.

Losses: "ldam" (LdamConfig), "ldam_margins" (value = the margins) and "drw_class_weights"
(value = DeferredReweighting::class_weights at the case's epoch).
"""
import numpy as np
import torch  # before tensorflow
import pytorch_optimizer
from pytorch_optimizer.loss import LDAMLoss

from common import CaseFile, case, t, torch_value_grad

FAMILY = "ldam"
cf = CaseFile(FAMILY, "scripts/reference/gen_ldam.py")
rng = np.random.default_rng(20261205)
DTYPES = ("float32", "float64")
PROFILES = {
    "cifar10lt_rho100": np.floor(5000 * 100.0 ** (-np.arange(10) / 9)).astype(int),
    "cifar10lt_rho10": np.floor(5000 * 10.0 ** (-np.arange(10) / 9)).astype(int),
    "digits_rho50": np.floor(180 * 50.0 ** (-np.arange(10) / 9)).astype(int),
}
N = 12


def drw_weights(counts, beta=0.9999):
    effective_num = 1.0 - np.power(beta, counts)
    per_cls_weights = (1.0 - beta) / np.array(effective_num)
    return per_cls_weights / np.sum(per_cls_weights) * len(counts)


CALL = "pytorch_optimizer.loss.LDAMLoss(num_class_list=counts, max_m={m}, weight={w}, s={s})(x, y)"
for pname, counts in PROFILES.items():
    C = len(counts)
    for max_m in (0.5, 0.3, 1.0):
        ref = LDAMLoss(counts.tolist(), max_m=max_m)
        m_list = ref.m_list.reshape(-1).numpy()
        ours_exact = max_m * (counts.min() / counts) ** 0.25
        cf.add(case(f"pytorch_optimizer/margins/{pname}/max_m{max_m}", "ldam_margins",
                    "pytorch_optimizer", "LDAMLoss(num_class_list=counts, max_m=max_m).m_list",
                    "float32", {}, {"counts": counts.astype(float).tolist(), "max_m": max_m},
                    m_list, None,
                    tolerance={"rel": 3e-7, "why": "the reference computes 1/sqrt(sqrt(n)) and the rescaling to max_m in "
                               "float32 (two sqrt, a reciprocal, a division and a product, each rounded): "
                               "a few float32 ulps from the correctly rounded exact margins"},
                    note=f"largest |reference - exact| / exact: {np.max(np.abs(m_list - ours_exact) / ours_exact):.3g}"))
        for dtype in DTYPES:
            for s in (30.0, 1.0, 10.0):
                for drw in (False, True):
                    if s != 30.0 and drw:
                        continue
                    w = drw_weights(counts) if drw else None
                    loss = LDAMLoss(counts.tolist(), max_m=max_m, s=s,
                                    weight=None if w is None else t(w, dtype))
                    x = rng.normal(0, 1.0, (N, C)) * 0.3
                    y = rng.integers(0, C, N)
                    v, g = torch_value_grad(lambda v: loss(v, torch.tensor(y)), x, dtype)
                    base = {"class_weights": None if w is None else w.astype(dtype).tolist(),
                            "ignore_index": -100, "smoothing_form": "pytorch",
                            "reduction": "weighted_mean", "on_zero": "nan"}
                    cf.add(case(f"pytorch_optimizer/ldam/{dtype}/{pname}/max_m{max_m}/s{s}/drw{drw}", "ldam",
                                "pytorch_optimizer",
                                CALL.format(m=max_m, w="drw_weights" if drw else None, s=s), dtype,
                                {"logits": x, "labels": y},
                                {"counts": counts.astype(float).tolist(), "max_m": max_m, "scale": s,
                                 "margins": m_list.astype(np.float64).tolist(), "base": base}, v, g))
# extreme logits and the error the reference raises for a label out of range
counts = PROFILES["cifar10lt_rho100"]
ref_m = LDAMLoss(counts.tolist()).m_list.reshape(-1).numpy().astype(np.float64).tolist()
base = {"ignore_index": -100, "smoothing_form": "pytorch", "reduction": "weighted_mean", "on_zero": "nan"}
for dtype in DTYPES:
    for k, big in enumerate((30.0, 88.0, 1e4)):
        x = rng.normal(0, 1.0, (N, 10))
        x[0, :], x[1, 3], x[2, 0] = big, -big, big
        y = rng.integers(0, 10, N)
        loss = LDAMLoss(counts.tolist())
        v, g = torch_value_grad(lambda v: loss(v, torch.tensor(y)), x, dtype)
        cf.add(case(f"pytorch_optimizer/ldam/{dtype}/extreme/{k}", "ldam", "pytorch_optimizer",
                    CALL.format(m=0.5, w=None, s=30.0), dtype, {"logits": x, "labels": y},
                    {"counts": counts.astype(float).tolist(), "margins": ref_m, "base": base}, v, g))
    x, y = rng.normal(0, 1.0, (N, 10)), rng.integers(0, 10, N)
    y[3] = 10
    try:
        torch_value_grad(lambda v: LDAMLoss(counts.tolist())(v, torch.tensor(y)), x, dtype)
        raise AssertionError("the reference accepted label 10 of 10 classes")
    except (RuntimeError, IndexError) as e:
        msg = f"{type(e).__name__}: {str(e).splitlines()[0]}"
    cf.add(case(f"pytorch_optimizer/ldam/{dtype}/label_out_of_range", "ldam", "pytorch_optimizer",
                CALL.format(m=0.5, w=None, s=30.0), dtype, {"logits": x, "labels": y},
                {"counts": counts.astype(float).tolist(), "base": base}, expect_error=msg))

for pname, counts in PROFILES.items():
    for epoch, start in ((160, 160), (199, 160), (5, 5)):
        cf.add(case(f"cao/drw/{pname}/epoch{epoch}_start{start}", "drw_class_weights", "numpy",
                    "Cao et al. cifar_train.py: per_cls_weights with betas = [0, 0.9999], idx = epoch // start",
                    "float64", {}, {"counts": counts.astype(float).tolist(), "epoch": epoch,
                                    "start_epoch": start, "beta": 0.9999},
                    drw_weights(counts), None))

cf.write()
