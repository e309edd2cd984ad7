"""Golden cases: class-balanced losses (Cui et al., "Class-Balanced Loss Based on Effective Number
of Samples", CVPR 2019).

The paper's reference implementation is TensorFlow 1 code, `richardaecn/class-balanced-loss`,
`src/cifar_main.py` (weights in `main`, losses in `_tower_fn` and `focal_loss`). It is ported here
line by line and run
- in PyTorch with autograd (float32 and float64; the reference casts logits and weights to
  float32, here they are cast to the case's dtype), framework "torch";
- in TensorFlow 2 eager (float32, `tf.log1p` -> `tf.math.log1p`), framework "tensorflow";
and the widely copied PyTorch port `vandit15/Class-balanced-loss-pytorch` (`class_balanced_loss.py`,
`CB_loss`) is run verbatim (it is float32 by construction: `torch.tensor(weights).float()`).

Semantics reproduced by reweigh (`reweigh::losses::class_balanced`):
  w_c  = (1-beta)/(1-beta^n_c), normalised to sum to C
  sigmoid: sum_ic w[y_i] * sigmoid_ce(x_ic, onehot_ic) / sum(onehot)          -> "class_balanced_sigmoid"
  focal:   sum_ic w[y_i] * modulator_ic * sigmoid_ce(x_ic, onehot_ic) / sum(onehot) -> "class_balanced_focal"
vandit15's sigmoid variant divides by N*C (torch's mean): reduction "sum_over_batch_size".

Left out (see data/reference/README.md): a positive label with a logit below -88.7 (float32) or
-709.8 (float64), where the reference's "numerically stable" modulator
exp(-g*z*x - g*log1p(exp(-x))) overflows to exp(-inf) = 0 instead of ~1, and any logit below those
bounds, where its autograd gradient is NaN (0 * inf).
"""
import numpy as np
import torch  # before tensorflow
import torch.nn.functional as F
import tensorflow as tf

from common import CaseFile, case, t, torch_value_grad, tf_value_grad

FAMILY = "class_balanced"
cf = CaseFile(FAMILY, "scripts/reference/gen_class_balanced.py")
rng = np.random.default_rng(20261125)
DTYPES = ("float32", "float64")
GAMMAS = (0.0, 0.5, 1.0, 2.0, 5.0)
BETAS = (0.0, 0.9, 0.99, 0.999, 0.9999)
COUNTS = ([500, 120, 40, 9, 2], [5000, 2000, 100, 1], [10_000_000, 100_000, 10, 3, 1, 1])
TORCH_TDT = {"float32": torch.float32, "float64": torch.float64}
TF_TDT = {"float32": tf.float32, "float64": tf.float64}


def beta_for(beta, dtype):
    """The beta the case uses: exactly representable in the case's dtype (reweigh takes beta: F)."""
    return float(np.float32(beta)) if dtype == "float32" else float(beta)


# --- the reference implementation, ported -------------------------------------------------------
def reference_weights(samples_per_cls, beta):
    # richardaecn/class-balanced-loss, src/cifar_main.py, main()
    effective_num = 1.0 - np.power(beta, samples_per_cls)
    weights = (1.0 - beta) / np.array(effective_num)
    weights = weights / np.sum(weights) * len(samples_per_cls)
    return weights


def reference_torch(logits, labels, weights, loss_type, gamma, dtype):
    """_tower_fn / focal_loss of the reference, in torch (logits: a tensor with grad)."""
    num_classes = len(weights)
    one_hot_labels = F.one_hot(torch.as_tensor(labels), num_classes).to(TORCH_TDT[dtype])
    weights = torch.as_tensor(weights, dtype=TORCH_TDT[dtype])
    weights = weights.unsqueeze(0)
    weights = weights.repeat(one_hot_labels.shape[0], 1) * one_hot_labels
    weights = weights.sum(1)
    weights = weights.unsqueeze(1)
    weights = weights.repeat(1, num_classes)
    cross_entropy = F.binary_cross_entropy_with_logits(logits, one_hot_labels, reduction="none")
    if loss_type == "sigmoid":
        tower_loss = weights * cross_entropy
        return tower_loss.sum() / one_hot_labels.sum()
    # focal_loss(one_hot_labels, logits, weights, gamma)
    if gamma == 0.0:
        modulator = 1.0
    else:
        modulator = torch.exp(-gamma * one_hot_labels * logits - gamma * torch.log1p(torch.exp(-1.0 * logits)))
    loss = modulator * cross_entropy
    weighted_loss = weights * loss
    focal_loss = weighted_loss.sum()
    focal_loss = focal_loss / one_hot_labels.sum()
    return focal_loss


def reference_tf(logits, labels, weights, loss_type, gamma, dtype):
    """The same in TensorFlow 2 eager, as in the reference (tf.log1p -> tf.math.log1p)."""
    num_classes = len(weights)
    one_hot_labels = tf.one_hot(labels, num_classes, dtype=TF_TDT[dtype])
    weights = tf.cast(weights, dtype=TF_TDT[dtype])
    weights = tf.expand_dims(weights, 0)
    weights = tf.tile(weights, [tf.shape(one_hot_labels)[0], 1]) * one_hot_labels
    weights = tf.reduce_sum(weights, axis=1)
    weights = tf.expand_dims(weights, 1)
    weights = tf.tile(weights, [1, num_classes])
    if loss_type == "sigmoid":
        tower_loss = weights * tf.nn.sigmoid_cross_entropy_with_logits(labels=one_hot_labels, logits=logits)
        return tf.reduce_sum(tower_loss) / tf.reduce_sum(one_hot_labels)
    cross_entropy = tf.nn.sigmoid_cross_entropy_with_logits(labels=one_hot_labels, logits=logits)
    if gamma == 0.0:
        modulator = 1.0
    else:
        modulator = tf.exp(-gamma * one_hot_labels * logits - gamma * tf.math.log1p(tf.exp(-1.0 * logits)))
    loss = modulator * cross_entropy
    weighted_loss = weights * loss
    focal_loss = tf.reduce_sum(weighted_loss)
    focal_loss /= tf.reduce_sum(one_hot_labels)
    return focal_loss


# --- vandit15/Class-balanced-loss-pytorch, class_balanced_loss.py, verbatim ------------------------
def vandit15_focal_loss(labels, logits, alpha, gamma):
    BCLoss = F.binary_cross_entropy_with_logits(input=logits, target=labels, reduction="none")
    if gamma == 0.0:
        modulator = 1.0
    else:
        modulator = torch.exp(-gamma * labels * logits - gamma * torch.log(1 + torch.exp(-1.0 * logits)))
    loss = modulator * BCLoss
    weighted_loss = alpha * loss
    focal_loss = torch.sum(weighted_loss)
    focal_loss /= torch.sum(labels)
    return focal_loss


def vandit15_CB_loss(labels, logits, samples_per_cls, no_of_classes, loss_type, beta, gamma):
    effective_num = 1.0 - np.power(beta, samples_per_cls)
    weights = (1.0 - beta) / np.array(effective_num)
    weights = weights / np.sum(weights) * no_of_classes
    labels_one_hot = F.one_hot(labels, no_of_classes).float()
    weights = torch.tensor(weights).float()
    weights = weights.unsqueeze(0)
    weights = weights.repeat(labels_one_hot.shape[0], 1) * labels_one_hot
    weights = weights.sum(1)
    weights = weights.unsqueeze(1)
    weights = weights.repeat(1, no_of_classes)
    if loss_type == "focal":
        cb_loss = vandit15_focal_loss(labels_one_hot, logits, weights, gamma)
    elif loss_type == "sigmoid":
        cb_loss = F.binary_cross_entropy_with_logits(input=logits, target=labels_one_hot, weight=weights)
    elif loss_type == "softmax":
        pred = logits.softmax(dim=1)
        cb_loss = F.binary_cross_entropy(input=pred, target=labels_one_hot, weight=weights)
    return cb_loss


# --- cases ---------------------------------------------------------------------------------------
def add(id_, loss_type, framework, call, dtype, x, labels, counts, beta, gamma, v, g, reduction="weighted_mean",
        note=None):
    c = len(counts)
    cf.add(case(id_, f"class_balanced_{loss_type}", framework, call, dtype,
                {"logits": np.asarray(x).astype(dtype), "labels": np.eye(c)[labels].astype(dtype)},
                {"counts": [int(n) for n in counts], "beta": beta, "gamma": gamma if loss_type == "focal" else None,
                 "reduction": reduction, "on_zero": "nan"},
                np.asarray(v), g, note=note))


def labels_for(counts, n):
    """A batch that contains every class at least once when n allows, the rest drawn at random."""
    c = len(counts)
    lab = np.concatenate([np.arange(min(c, n)), rng.integers(0, c, max(0, n - c))])
    return rng.permutation(lab)


# official formula, in torch (float32, float64) and TensorFlow (float32)
for dtype in DTYPES:
    k = 0
    for loss_type in ("sigmoid", "focal"):
        for bi, beta0 in enumerate(BETAS):
            for gamma in ((None,) if loss_type == "sigmoid" else (GAMMAS[bi], GAMMAS[(bi + 2) % 5])):
                k += 1
                counts = COUNTS[k % len(COUNTS)]
                beta = beta_for(beta0, dtype)
                n = 7
                x = rng.normal(0, 3.0, (n, len(counts)))
                labels = labels_for(counts, n)
                w = reference_weights(counts, beta)
                v, g = torch_value_grad(lambda xx: reference_torch(xx, labels, w, loss_type, gamma or 0.0, dtype),
                                        x, dtype)
                call = (f"richardaecn/class-balanced-loss src/cifar_main.py loss_type={loss_type!r}, "
                        f"beta={beta}, gamma={gamma}, samples_per_cls={counts} (ported to torch)")
                add(f"reference_torch/{loss_type}/{dtype}/beta{beta0}/g{gamma}/c{len(counts)}", loss_type, "torch",
                    call, dtype, x, labels, counts, beta, gamma, v, g)
                if dtype == "float32":
                    v, g = tf_value_grad(lambda xx: reference_tf(xx, labels, w, loss_type, gamma or 0.0, dtype),
                                         x, dtype)
                    add(f"reference_tf/{loss_type}/{dtype}/beta{beta0}/g{gamma}/c{len(counts)}", loss_type,
                        "tensorflow", call.replace("ported to torch", "TensorFlow 2 eager"), dtype, x, labels,
                        counts, beta, gamma, v, g)

    # extreme logits: +-30, +-88, 1e4 (below -88.7 the reference overflows, see the module docstring)
    counts = [300, 20, 5]
    x = np.array([[30.0, -30.0, 88.0], [-88.0, 1e4, 30.0], [88.0, 1e4, -30.0], [1e4, -88.0, -30.0],
                  [30.0, 88.0, 1e4], [-30.0, -88.0, 88.0]])
    labels = np.array([0, 1, 2, 0, 1, 2])
    beta = beta_for(0.999, dtype)
    w = reference_weights(counts, beta)
    for gamma in GAMMAS:
        v, g = torch_value_grad(lambda xx: reference_torch(xx, labels, w, "focal", gamma, dtype), x, dtype)
        add(f"reference_torch/focal/{dtype}/beta0.999/g{gamma}/extreme", "focal", "torch",
            f"richardaecn/class-balanced-loss src/cifar_main.py loss_type='focal', beta=0.999, gamma={gamma} "
            "(ported to torch)", dtype, x, labels, counts, beta, gamma, v, g)
    v, g = torch_value_grad(lambda xx: reference_torch(xx, labels, w, "sigmoid", 0.0, dtype), x, dtype)
    add(f"reference_torch/sigmoid/{dtype}/beta0.999/extreme", "sigmoid", "torch",
        "richardaecn/class-balanced-loss src/cifar_main.py loss_type='sigmoid', beta=0.999 (ported to torch)",
        dtype, x, labels, counts, beta, None, v, g)

    # multi-dimensional batch (2, 3, C) and sample weights are reweigh extensions: not in the reference.

    # logits with more classes than counts: torch raises
    counts = [50, 10, 3, 1]
    x = rng.normal(0, 2, (4, 5))
    labels = np.array([0, 1, 2, 3])
    try:
        reference_torch(t(x, dtype), labels, reference_weights(counts, 0.9), "sigmoid", 0.0, dtype)
        raise SystemExit("torch accepted mismatched shapes")
    except (ValueError, RuntimeError) as e:
        msg = str(e).splitlines()[0]
    for loss_type in ("sigmoid", "focal"):
        cf.add(case(f"reference_torch/{loss_type}/{dtype}/error/counts_shorter_than_classes",
                    f"class_balanced_{loss_type}", "torch",
                    "reference formula with samples_per_cls of length 4 and logits of 5 classes", dtype,
                    {"logits": x.astype(dtype), "labels": np.eye(5)[labels].astype(dtype)},
                    {"counts": counts, "beta": beta_for(0.9, dtype), "gamma": 2.0, "reduction": "weighted_mean",
                     "on_zero": "nan"}, expect_error=msg))

# vandit15's port, float32 by construction
for k, (loss_type, beta0, gamma) in enumerate([("sigmoid", 0.9999, 2.0), ("sigmoid", 0.99, 2.0), ("sigmoid", 0.0, 2.0),
                                               ("focal", 0.9999, 2.0), ("focal", 0.999, 0.0), ("focal", 0.99, 0.5),
                                               ("focal", 0.9, 1.0), ("focal", 0.9999, 5.0)]):
    counts = COUNTS[k % len(COUNTS)]
    beta = beta_for(beta0, "float32")
    n = 10
    x = rng.normal(0, 3.0, (n, len(counts)))
    labels = labels_for(counts, n)
    v, g = torch_value_grad(lambda xx: vandit15_CB_loss(torch.as_tensor(labels), xx, counts, len(counts), loss_type,
                                                        beta, gamma), x, "float32")
    add(f"vandit15/{loss_type}/float32/beta{beta0}/g{gamma}/c{len(counts)}", loss_type, "torch",
        f"vandit15/Class-balanced-loss-pytorch CB_loss(labels, logits, samples_per_cls={counts}, "
        f"no_of_classes={len(counts)}, loss_type={loss_type!r}, beta={beta}, gamma={gamma})",
        "float32", x, labels, counts, beta, gamma if loss_type == "focal" else None, v, g,
        reduction="sum_over_batch_size" if loss_type == "sigmoid" else "weighted_mean",
        note="vandit15's sigmoid variant averages over N*C elements (torch's mean), the reference divides by N"
        if loss_type == "sigmoid" else None)

cf.write()

# --- softmax variant (loss "class_balanced_softmax": counts, beta, integer labels; reweigh:
# class_balanced::softmax(counts, beta), i.e. sum_i w[y_i]*ce_i / N).
pending = CaseFile("class_balanced_softmax", "scripts/reference/gen_class_balanced.py")


def reference_softmax_tf(logits, labels, weights, dtype):
    # _tower_fn, loss_type == 'softmax' (tf.losses -> tf.compat.v1.losses)
    num_classes = len(weights)
    one_hot_labels = tf.one_hot(labels, num_classes, dtype=TF_TDT[dtype])
    weights = tf.cast(weights, dtype=TF_TDT[dtype])
    weights = tf.expand_dims(weights, 0)
    weights = tf.tile(weights, [tf.shape(one_hot_labels)[0], 1]) * one_hot_labels
    weights = tf.reduce_sum(weights, axis=1)
    weights = tf.expand_dims(weights, 1)
    weights = tf.tile(weights, [1, num_classes])
    tower_loss = tf.compat.v1.losses.softmax_cross_entropy(one_hot_labels, logits,
                                                           weights=tf.reduce_mean(weights, axis=1))
    return tf.reduce_mean(tower_loss)


def reference_softmax_torch(logits, labels, weights, dtype):
    w = torch.as_tensor(weights, dtype=TORCH_TDT[dtype])[torch.as_tensor(labels)]
    ce = F.cross_entropy(logits, torch.as_tensor(labels), reduction="none")
    return (w * ce).sum() / (w != 0).sum()  # tf.compat.v1 SUM_BY_NONZERO_WEIGHTS


for dtype in DTYPES:
    for bi, beta0 in enumerate(BETAS):
        counts = COUNTS[bi % len(COUNTS)]
        beta = beta_for(beta0, dtype)
        x = rng.normal(0, 3.0, (8, len(counts)))
        labels = labels_for(counts, 8)
        w = reference_weights(counts, beta)
        for fw, fn in (("tensorflow", reference_softmax_tf), ("torch", reference_softmax_torch)):
            run = tf_value_grad if fw == "tensorflow" else torch_value_grad
            v, g = run(lambda xx: fn(xx, labels, w, dtype), x, dtype)
            pending.add(case(
                f"reference_{'tf' if fw == 'tensorflow' else 'torch'}/softmax/{dtype}/beta{beta0}/c{len(counts)}",
                "class_balanced_softmax", fw,
                f"richardaecn/class-balanced-loss src/cifar_main.py loss_type='softmax', beta={beta}, "
                f"samples_per_cls={counts}" + (" (TensorFlow 2, tf.compat.v1.losses)" if fw == "tensorflow"
                                               else " (ported to torch)"),
                dtype, {"logits": x.astype(dtype), "labels": labels.astype(np.int64)},
                {"counts": [int(n) for n in counts], "beta": beta, "reduction": "sum_over_batch_size",
                 "on_zero": "zero"}, np.asarray(v), g,
                tolerance={"rel": 2e-6, "why": "tf.compat.v1.losses reduces in float32 even for float64 input"}
                if fw == "tensorflow" and dtype == "float64" else None))

pending.write()
