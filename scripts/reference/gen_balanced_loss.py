"""Golden cases: the class-balanced losses (Cui et al., CVPR 2019) cross-checked against the
third-party `balanced-loss` package 0.1.1 (`balanced_loss.Loss`), where its conventions agree with
reweigh's class-balanced losses (those of the reference implementation, class_balanced.json):

- loss_type="cross_entropy": `F.cross_entropy(logits, one_hot, weight=w)`, the mean over rows
  of `w[y]·ce` (dividing by N, not by Σ w[y]): reweigh's class-balanced softmax;
- loss_type="binary_cross_entropy": `F.binary_cross_entropy_with_logits(logits, one_hot,
  weight=w[y] per row)`, the mean over N·C elements: ClassBalancedLoss of the sigmoid
  cross-entropy with `sum_over_batch_size`;
- loss_type="focal_loss": Cui et al.'s focal form, Σ w[y]·modulator·bce / Σ labels:
  ClassBalancedLoss of the binary focal loss (its default reduction).

Its conventions that differ, kept out of the cases and measured here (printed):
- `class_balanced` defaults to False, which ignores `samples_per_class` (a plain loss: one case
  locks it against the unweighted cross-entropy);
- its weights are float32 (`torch.tensor(weights).float()`), so it runs float32 logits only;
- its focal modulator `exp(-γ·y·x - γ·log(1 + exp(-x)))` overflows in float32 below x ≈ -88.7,
  and then drops the term (a positive with logit -100 contributes 0 instead of ≈ 100·w);
- `safe=True` gives a class without samples weight 0 and renormalises over the other classes;
  reweigh's effective number rejects a zero count (ReweighError::ZeroCount).
- loss_type="softmax_binary_cross_entropy" (BCE on softmax probabilities) has no reweigh loss.

Losses: "class_balanced_softmax", "class_balanced_sigmoid", "class_balanced_focal" and
"sparse_softmax_cross_entropy" (the runners of class_balanced.json and softmax.json).
"""
import numpy as np
import torch  # before tensorflow
import balanced_loss
from balanced_loss import Loss

from common import CaseFile, case, t, torch_value_grad

FAMILY = "balanced_loss"
cf = CaseFile(FAMILY, "scripts/reference/gen_balanced_loss.py")
rng = np.random.default_rng(20261207)
DTYPE = "float32"
PROFILES = {"rho100": [5000, 1796, 645, 232, 83, 50], "mild": [300, 250, 200, 150, 120, 100],
            "extreme": [100000, 1000, 10, 1]}
BETA_F32 = {"rel": 2e-5, "why": "balanced-loss computes the weights in float64 and rounds them to float32; "
            "reweigh's float32 class-balanced losses compute them with beta rounded to float32, as the "
            "reference implementation's float32 graph does (beta = 0.9999 is 0.99989998 in float32, and "
            "(1 - beta)/(1 - beta^n) moves by up to ~1e-5 relative)"}
CALL = "balanced_loss.Loss(loss_type={lt!r}, beta={b}, fl_gamma={g}, samples_per_class=counts, class_balanced=True)(logits, labels)"

for pname, counts in PROFILES.items():
    C = len(counts)
    for beta in (0.9, 0.99, 0.999, 0.9999):
        for lt in ("cross_entropy", "binary_cross_entropy", "focal_loss"):
            for g in ((0.5, 1.0, 2.0) if lt == "focal_loss" else (2,)):
                x = rng.normal(0, 2.0, (8, C))
                y = rng.integers(0, C, 8)
                loss = Loss(loss_type=lt, beta=beta, fl_gamma=g, samples_per_class=counts, class_balanced=True)
                v, gr = torch_value_grad(lambda v: loss(v, torch.tensor(y)), x, DTYPE)
                onehot = np.eye(C)[y]
                if lt == "cross_entropy":
                    name, inputs = "class_balanced_softmax", {"logits": x, "labels": y}
                    params = {"counts": counts, "beta": beta}
                elif lt == "binary_cross_entropy":
                    name, inputs = "class_balanced_sigmoid", {"logits": x, "labels": onehot}
                    params = {"counts": counts, "beta": beta, "reduction": "sum_over_batch_size", "on_zero": "nan"}
                else:
                    name, inputs = "class_balanced_focal", {"logits": x, "labels": onehot}
                    params = {"counts": counts, "beta": beta, "gamma": g, "reduction": "weighted_mean", "on_zero": "nan"}
                cf.add(case(f"balanced_loss/{lt}/{pname}/beta{beta}/g{g}", name, "balanced_loss",
                            CALL.format(lt=lt, b=beta, g=g), DTYPE, inputs, params, v, gr,
                            tolerance=BETA_F32 if beta >= 0.999 else None))

# class_balanced=False (its default) ignores the counts: the plain cross-entropy
for k in range(4):
    counts = PROFILES["rho100"]
    x, y = rng.normal(0, 2.0, (8, 6)), rng.integers(0, 6, 8)
    loss = Loss(loss_type="cross_entropy", samples_per_class=counts)
    v, gr = torch_value_grad(lambda v: loss(v, torch.tensor(y)), x, DTYPE)
    cf.add(case(f"balanced_loss/default_not_balanced/{k}", "sparse_softmax_cross_entropy", "balanced_loss",
                "balanced_loss.Loss(loss_type='cross_entropy', samples_per_class=counts)(logits, labels)",
                DTYPE, {"logits": x, "labels": y},
                {"reduction": "weighted_mean", "on_zero": "nan"}, v, gr,
                note="class_balanced defaults to False: samples_per_class is ignored"))

cf.write()

# the conventions that differ, measured
counts = PROFILES["rho100"]
x = np.zeros((1, 6), dtype=np.float32)
x[0, 0] = -100.0
loss = Loss(loss_type="focal_loss", beta=0.999, fl_gamma=2.0, samples_per_class=counts, class_balanced=True)
v = loss(torch.tensor(x), torch.tensor([0])).item()
print(f"focal_loss, positive logit -100 (float32): balanced-loss gives {v:.6g} "
      f"(the term is dropped; exactly it is about 100 x the class weight)")
safe = Loss(loss_type="cross_entropy", samples_per_class=[10, 0, 5], class_balanced=True, safe=True)
print("safe=True with a zero count: loss", safe(torch.zeros((1, 3)), torch.tensor([0])).item())
