"""Golden cases: the logit-adjusted loss (Menon et al., ICLR 2021), Balanced Softmax (Ren et al.,
NeurIPS 2020) and post-hoc logit adjustment, as the papers' official code computes them.

No library ships these losses. Each is computed here exactly as its official code does, in the
framework of that code, and once more in the other framework, and the generator checks that the
two agree before writing the cases:
- Menon et al. (google-research/logit_adjustment, TensorFlow), utils.build_loss_fn:
    logits = logits + tf.math.log(tf.cast(base_probs**tau + 1e-12, dtype=tf.float32))
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits), axis=0)
  with base_probs the class frequencies (a float64 numpy array); main.py's post-hoc step
    adjusted_logits = logits - tf.math.log(tf.cast(base_probs**tau + 1e-12, dtype=tf.float32)).
  The official code is float32; the float64 cases cast to float64 instead (said in their call).
  Its PyTorch translation: logits + torch.log(torch.tensor(base_probs**tau + 1e-12, dtype)),
  F.cross_entropy (mean).
- Ren et al. (jiawei-ren/BalancedMetaSoftmax, PyTorch), loss/BalancedSoftmaxLoss.py:
    spc = sample_per_class.type_as(logits); spc = spc.unsqueeze(0).expand(logits.shape[0], -1)
    logits = logits + spc.log()
    loss = F.cross_entropy(input=logits, target=labels, reduction=reduction)
  (further cases pass F.cross_entropy's weight, ignore_index and label_smoothing, which the
  official function forwards none of: they are the same call with those arguments). Its
  TensorFlow translation: logits + tf.math.log(tf.cast(counts, dtype)), sparse softmax CE, mean.

Losses: "logit_adjusted_cross_entropy" (reweigh LogitAdjustedCrossEntropy via
LogitAdjustedConfig: counts, offset, base) and "posthoc_logit_adjustment" (value = the adjusted
logits, no gradient).
"""
import numpy as np
import torch  # before tensorflow
import torch.nn.functional as F
import tensorflow as tf

from common import CaseFile, case, t, tf_value_grad, torch_value_grad, EXTREME

FAMILY = "logit_adjusted"
cf = CaseFile(FAMILY, "scripts/reference/gen_logit_adjusted.py")
rng = np.random.default_rng(20261202)
DTYPES = ("float32", "float64")
LOSS, POSTHOC = "logit_adjusted_cross_entropy", "posthoc_logit_adjustment"
# Cui et al.'s exponential profile n_i = n_max·ρ^(−i/(C−1)) (CIFAR-10-LT, ρ = 100), a milder one,
# and one whose rarest prior is 1e-7 (π^τ falls below the official code's 1e-12 for τ = 2).
PROFILES = {
    "cifar10lt_rho100": np.floor(5000 * 100.0 ** (-np.arange(10) / 9)),
    "rho10": np.floor(500 * 10.0 ** (-np.arange(10) / 9)),
    "tiny_prior": np.array([1e7, 2e6, 5e5, 1e5, 3e4, 1e4, 1e3, 100, 10, 1], dtype=np.float64),
}
TAUS = (0.0, 0.5, 1.0, 1.5, 2.0)
N, C = 8, 10
CROSS_TOL = {"float32": 2e-5, "float64": 1e-12}
cross_checks = []


def logits(n=N, scale=2.0):
    return rng.normal(0, scale, (n, C))


def labels(n=N):
    return rng.integers(0, C, n)


def base(reduction, on_zero, **kw):
    b = {"reduction": reduction, "on_zero": on_zero}
    b.update({k: v for k, v in kw.items() if v is not None})
    return b


def agree(what, a, b, dtype):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    fin = np.isfinite(a) & np.isfinite(b)
    assert np.array_equal(np.isfinite(a), np.isfinite(b)), what
    err = np.max(np.abs(a[fin] - b[fin]) / np.maximum(np.abs(b[fin]), 1e-30), initial=0.0)
    assert err <= CROSS_TOL[dtype], f"{what}: TF and torch disagree by {err}"
    cross_checks.append(err)


def menon_tf(x, y, base_probs, tau, dtype):
    def fn(v):
        adj = tf.math.log(tf.cast(base_probs**tau + 1e-12, dtype=dtype))
        ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=v + adj)
        return tf.reduce_mean(ce, axis=0)
    return tf_value_grad(fn, x, dtype)


def menon_torch(x, y, base_probs, tau, dtype):
    adj = torch.log(t(base_probs**tau + 1e-12, dtype))
    return torch_value_grad(lambda v: F.cross_entropy(v + adj, torch.tensor(y)), x, dtype)


def balanced_torch(x, y, counts, dtype, reduction="mean", **kw):
    def fn(v):
        spc = torch.tensor(counts).type_as(v)
        spc = spc.unsqueeze(0).expand(v.shape[0], -1)
        return F.cross_entropy(input=v + spc.log(), target=torch.tensor(y), reduction=reduction, **kw)
    return torch_value_grad(fn, x, dtype)


def balanced_tf(x, y, counts, dtype):
    def fn(v):
        ce = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=y, logits=v + tf.math.log(tf.cast(counts, dtype)))
        return tf.reduce_mean(ce)
    return tf_value_grad(fn, x, dtype)


MENON_CALL = ("tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits + "
              "tf.math.log(tf.cast(base_probs**tau + 1e-12, dtype={cast}))), axis=0)")

# 1. Menon et al.'s loss, official TensorFlow code, and its PyTorch translation
for dtype in DTYPES:
    cast = "tf.float32" if dtype == "float32" else "tf.float64 (official: tf.float32)"
    for pname, counts in PROFILES.items():
        base_probs = counts / counts.sum()
        for tau in TAUS:
            x, y = logits(), labels()
            v, g = menon_tf(x, y, base_probs, tau, dtype)
            params = {"counts": counts.tolist(), "offset": {"menon": {"tau": tau}},
                      "base": base("sum_over_batch_size", "zero")}
            cf.add(case(f"tf/menon/{dtype}/{pname}/tau{tau}", LOSS, "tensorflow",
                        MENON_CALL.format(cast=cast), dtype, {"logits": x, "labels": y}, params, v, g))
            tv, tg = menon_torch(x, y, base_probs, tau, dtype)
            agree(f"menon {dtype} {pname} {tau}", tv, v, dtype)
            agree(f"menon grad {dtype} {pname} {tau}", tg, g, dtype)
            if pname != "tiny_prior":
                cf.add(case(f"torch/menon/{dtype}/{pname}/tau{tau}", LOSS, "torch",
                            "F.cross_entropy(logits + torch.log(torch.tensor(base_probs**tau + 1e-12, dtype)), labels)",
                            dtype, {"logits": x, "labels": y},
                            {**params, "base": base("weighted_mean", "nan")}, tv, tg))
    # extreme logits: ±30, ±88, ±1e4, ±1e30 on the label and elsewhere
    counts = PROFILES["cifar10lt_rho100"]
    for k, scale in enumerate((30.0, 88.0, 1e4)):
        x = rng.choice(np.array(EXTREME), (N, C)) * (scale / 1e4 if scale < 1e4 else 1.0)
        x[0, :] = scale
        x[1, :] = -scale
        y = labels()
        v, g = menon_tf(x, y, counts / counts.sum(), 1.0, dtype)
        cf.add(case(f"tf/menon/{dtype}/extreme/{k}", LOSS, "tensorflow", MENON_CALL.format(cast=cast),
                    dtype, {"logits": x, "labels": y},
                    {"counts": counts.tolist(), "offset": {"menon": {"tau": 1.0}},
                     "base": base("sum_over_batch_size", "zero")}, v, g))

# 2. Balanced Softmax, official PyTorch code, with F.cross_entropy's options, and its TF translation
BS_CALL = "F.cross_entropy(logits + torch.tensor(counts).type_as(logits).log(), labels, reduction={r!r}{extra})"
TORCH_RED = {"none": "none", "mean": "weighted_mean", "sum": "sum"}
for dtype in DTYPES:
    for pname, counts in PROFILES.items():
        for r, red in TORCH_RED.items():
            x, y = logits(), labels()
            v, g = balanced_torch(x, y, counts, dtype, r)
            cf.add(case(f"torch/balanced_softmax/{dtype}/{pname}/{r}", LOSS, "torch",
                        BS_CALL.format(r=r, extra=""), dtype, {"logits": x, "labels": y},
                        {"counts": counts.tolist(), "offset": "balanced_softmax",
                         "base": base(red, "nan", ignore_index=-100, smoothing_form="pytorch")}, v, g))
            if r == "mean":
                tv, tg = balanced_tf(x, y, counts, dtype)
                agree(f"balanced {dtype} {pname}", tv, v, dtype)
                agree(f"balanced grad {dtype} {pname}", tg, g, dtype)
                cf.add(case(f"tf/balanced_softmax/{dtype}/{pname}", LOSS, "tensorflow",
                            "tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits + tf.math.log(tf.cast(counts, dtype))))",
                            dtype, {"logits": x, "labels": y},
                            {"counts": counts.tolist(), "offset": "balanced_softmax",
                             "base": base("sum_over_batch_size", "zero")}, tv, tg))
    counts = PROFILES["rho10"]
    w = rng.uniform(0.2, 3.0, C)
    for name, kw, extra in [
        ("weight", {"weight": t(w, dtype)}, {"class_weights": w.astype(dtype).tolist()}),
        ("ignore_index", {"ignore_index": 3}, {"ignore_index": 3}),
        ("label_smoothing", {"label_smoothing": 0.1}, {"label_smoothing": 0.1}),
        ("weight_smoothing", {"weight": t(w, dtype), "label_smoothing": 0.2},
         {"class_weights": w.astype(dtype).tolist(), "label_smoothing": 0.2}),
    ]:
        x, y = logits(), labels()
        y[:2] = 3
        v, g = balanced_torch(x, y, counts, dtype, "mean", **kw)
        b = base("weighted_mean", "nan", smoothing_form="pytorch", ignore_index=-100)
        b.update(extra)
        shown = ", " + ", ".join(f"{k}=..." if k == "weight" else f"{k}={vv!r}" for k, vv in kw.items())
        cf.add(case(f"torch/balanced_softmax/{dtype}/{name}", LOSS, "torch",
                    BS_CALL.format(r="mean", extra=shown), dtype, {"logits": x, "labels": y},
                    {"counts": counts.tolist(), "offset": "balanced_softmax", "base": b}, v, g))
    # an empty class: a −∞ offset; its label gives +∞, elsewhere the loss stays finite
    counts0 = PROFILES["rho10"].copy()
    counts0[7] = 0.0
    for k, lab in enumerate(([0, 1, 2, 3, 4, 5, 6, 8], [7, 0, 1, 2, 3, 4, 5, 6])):
        x, y = logits(), np.array(lab)
        v, g = balanced_torch(x, y, counts0, dtype, "none")
        cf.add(case(f"torch/balanced_softmax/{dtype}/empty_class/{k}", LOSS, "torch",
                    BS_CALL.format(r="none", extra=""), dtype, {"logits": x, "labels": y},
                    {"counts": counts0.tolist(), "offset": "balanced_softmax",
                     "base": base("none", "nan", ignore_index=-100, smoothing_form="pytorch")}, v, g,
                    note="counts[7] = 0: log 0 = -inf is added to class 7's logit"))
    # offsets of the wrong length: torch raises
    x, y = logits(), labels()
    try:
        balanced_torch(x, y, PROFILES["rho10"][:5], dtype)
        raise AssertionError("torch accepted 5 counts for 10 classes")
    except RuntimeError as e:
        msg = str(e).splitlines()[0]
    cf.add(case(f"torch/balanced_softmax/{dtype}/wrong_length", LOSS, "torch",
                BS_CALL.format(r="mean", extra=""), dtype, {"logits": x, "labels": y},
                {"counts": PROFILES["rho10"][:5].tolist(), "offset": "balanced_softmax",
                 "base": base("weighted_mean", "nan")}, expect_error=msg))

# 3. Post-hoc logit adjustment, official TensorFlow code (float32) and its float64 form
for dtype in DTYPES:
    for pname, counts in PROFILES.items():
        base_probs = counts / counts.sum()
        for tau in TAUS:
            x = logits()
            adj = (tf.constant(x.astype(dtype)) - tf.math.log(tf.cast(base_probs**tau + 1e-12, dtype=dtype))).numpy()
            cf.add(case(f"tf/posthoc/{dtype}/{pname}/tau{tau}", POSTHOC, "tensorflow",
                        "logits - tf.math.log(tf.cast(base_probs**tau + 1e-12, dtype=tf.float32))",
                        dtype, {"logits": x}, {"counts": counts.tolist(), "offset": {"menon": {"tau": tau}}},
                        adj, None))

cf.write()
print(f"TensorFlow vs PyTorch translations: {len(cross_checks)} checks, worst relative difference "
      f"{max(cross_checks):.3g}")
