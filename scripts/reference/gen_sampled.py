"""Golden cases: sampled softmax (tf.nn.sampled_softmax_loss), the full softmax it approximates,
and the expected counts of tf.random.log_uniform_candidate_sampler.

The candidates of every loss case are drawn by TensorFlow's own sampler and recorded, then passed
back with `sampled_values=` (reweigh's draws are reproducible but not TensorFlow's Philox draws).
Gradients w.r.t. inputs, weights and biases come from tf.GradientTape: `expected.grad` holds the
one w.r.t. the inputs, `expected.grad_weights` / `expected.grad_biases` the others.

TensorFlow does not return `num_tries` (the number of draws a unique sample took), which the
expected counts depend on: it is recovered from the returned counts by inverting
Q = 1 - (1 - P)^num_tries and kept only if that single integer reproduces every returned count
(true and sampled) bit for bit with TF's float32 arithmetic (glibc log1pf / expm1f, as in
range_sampler.cc); a draw without repeats is recognised by Q = num_sampled * P exactly.
"""
import ctypes
import math

import numpy as np
import torch  # noqa: F401  (before tensorflow)
import tensorflow as tf

from common import CaseFile, arr, case

FAMILY = "sampled_softmax"
cf = CaseFile(FAMILY, "scripts/reference/gen_sampled.py")
rng = np.random.default_rng(20261124)

_libm = ctypes.CDLL("libm.so.6")
for _f in ("log1pf", "expm1f"):
    getattr(_libm, _f).restype = ctypes.c_float
    getattr(_libm, _f).argtypes = [ctypes.c_float]


def prob(k, range_max):
    """TF's LogUniformSampler::Probability: float64, returned as float32."""
    return np.float32(math.log((k + 2.0) / (k + 1.0)) / math.log1p(range_max))


def expected_count(k, range_max, num_sampled, num_tries):
    """TF's ExpectedCountHelper, in float32."""
    p = prob(k, range_max)
    if num_tries == num_sampled:
        return np.float32(p * np.float32(num_sampled))
    return np.float32(-_libm.expm1f(float(np.float32(num_tries) * np.float32(_libm.log1pf(float(-p))))))


def recover_num_tries(true_classes, sampled, tec, sec, range_max, unique):
    """The number of draws TF made, recovered from its expected counts (see module docstring)."""
    num_sampled = len(sampled)
    classes = list(np.asarray(true_classes).reshape(-1)) + list(sampled)
    counts = list(np.asarray(tec).reshape(-1)) + list(sec)

    def reproduces(t):
        return all(expected_count(int(k), range_max, num_sampled, t) == np.float32(q)
                   for k, q in zip(classes, counts))

    if not unique or reproduces(num_sampled):
        assert reproduces(num_sampled), "unique=False counts are not num_sampled * P"
        return num_sampled
    i = int(np.argmin(sec))
    guess = round(math.log1p(-float(sec[i])) / math.log1p(-float(prob(int(sampled[i]), range_max))))
    found = [t for t in range(max(num_sampled + 1, guess - 3), guess + 4) if reproduces(t)]
    assert len(found) == 1, f"num_tries not recoverable: guess {guess}, found {found}"
    return found[0]


def draw(labels, num_sampled, unique, range_max, seed):
    """TF's sampler, reproducibly (global seed reset before the call)."""
    tf.random.set_seed(seed)
    s, tec, sec = tf.random.log_uniform_candidate_sampler(
        true_classes=labels, num_true=labels.shape[1], num_sampled=num_sampled, unique=unique,
        range_max=range_max, seed=seed)
    return s.numpy(), tec.numpy(), sec.numpy()


def dyadic(shape, scale):
    """Normal values rounded to multiples of 1/16: exact in float32 and short in JSON (the
    10000-class tables are the bulk of the case file)."""
    return np.round(rng.normal(0, scale, shape) * 16) / 16


def hits_per_row(labels, sampled):
    return np.array([len(set(row.tolist()) & set(sampled.tolist())) for row in labels])


def sampled_loss_tf(dtype, x, w, b, labels, s, tec, sec, num_classes, remove_hits, reduce=None):
    """Value and gradients (inputs, weights, biases) of tf.nn.sampled_softmax_loss."""
    xv, wv, bv = (tf.Variable(a.astype(dtype)) for a in (x, w, b))
    with tf.GradientTape() as tape:
        v = tf.nn.sampled_softmax_loss(
            weights=wv, biases=bv, labels=labels, inputs=xv, num_sampled=len(s),
            num_classes=num_classes, num_true=labels.shape[1],
            sampled_values=(tf.constant(s), tf.constant(tec.astype(dtype)), tf.constant(sec.astype(dtype))),
            remove_accidental_hits=remove_hits)
        if reduce is not None:
            v = reduce(v)
        total = tf.reduce_sum(v)
    gx, gw, gb = tape.gradient(total, [xv, wv, bv])
    return v.numpy(), np.asarray(gx), np.asarray(tf.convert_to_tensor(gw)), np.asarray(tf.convert_to_tensor(gb))


def full_softmax_tf(dtype, x, w, b, labels, num_classes):
    xv, wv, bv = (tf.Variable(a.astype(dtype)) for a in (x, w, b))
    with tf.GradientTape() as tape:
        target = tf.reduce_sum(tf.one_hot(labels, num_classes, dtype=dtype), 1) / labels.shape[1]
        v = tf.nn.softmax_cross_entropy_with_logits(labels=target, logits=tf.matmul(xv, wv, transpose_b=True) + bv)
        total = tf.reduce_sum(v)
    gx, gw, gb = tape.gradient(total, [xv, wv, bv])
    return v.numpy(), np.asarray(gx), np.asarray(gw), np.asarray(gb)


def add_loss_case(id, dtype, inputs, params, value, gx, gw, gb, call, tolerance=None, note=None):
    c = case(id, "sampled_softmax", "tensorflow", call, dtype, inputs, params, value, gx,
             tolerance=tolerance, note=note)
    c["expected"]["grad_weights"] = arr(gw)
    c["expected"]["grad_biases"] = arr(gb)
    cf.add(c)


def layer(n, d, num_classes, scale):
    return rng.normal(0, scale, (n, d)), dyadic((num_classes, d), 0.5), dyadic((num_classes,), 0.5)


def labels_with_hits(n, num_true, num_classes, frequent):
    """Labels whose first `frequent` rows use the most likely classes (so they get sampled)."""
    lab = rng.integers(0, num_classes, (n, num_true))
    lab[:frequent] = rng.integers(0, min(3, num_classes), (frequent, num_true))
    return lab.astype(np.int64)


SAMPLED_CALL = ("tf.nn.sampled_softmax_loss(w, b, labels, x, num_sampled, num_classes, num_true, "
                "sampled_values=(sampled, true_expected_count, sampled_expected_count), "
                "remove_accidental_hits={rh})")


def sampled_case(tag, dtype, n, d, num_classes, num_sampled, num_true, remove_hits, unique=True,
                 scale=1.0, labels=None, want_hits=True, require=None, note=None):
    """Draws TF candidates (seeds tried in order until some rows have hits and some do not)."""
    x, w, b = layer(n, d, num_classes, scale)
    if labels is None:
        labels = labels_with_hits(n, num_true, num_classes, 2 if want_hits else 0)
    for seed in range(1, 200):
        s, tec, sec = draw(labels, num_sampled, unique, num_classes, seed)
        h = hits_per_row(labels, s)
        if not want_hits or (h.max() > 0 and (h.min() == 0 or num_sampled == num_classes)):
            if require is None or require(labels, s):
                break
    else:
        raise RuntimeError(f"{tag}: no seed gives the wanted accidental hits")
    num_tries = recover_num_tries(labels, s, tec, sec, num_classes, unique)
    v, gx, gw, gb = sampled_loss_tf(dtype, x, w, b, labels, s, tec, sec, num_classes, remove_hits)
    hn = "hits_removed" if remove_hits else "hits_kept"
    add_loss_case(
        f"tf/sampled_softmax_loss/{dtype}/C{num_classes}/S{num_sampled}/nt{num_true}/{hn}/{tag}", dtype,
        {"inputs": x.astype(dtype), "weights": w.astype(dtype), "biases": b.astype(dtype), "labels": labels,
         "sampled": s, "true_expected_count": tec, "sampled_expected_count": sec},
        {"num_sampled": num_sampled, "num_classes": num_classes, "remove_accidental_hits": remove_hits,
         "reduction": "none", "sampler": {"unique": unique, "seed": seed, "num_tries": num_tries,
                                          "rows_with_hits": int((h > 0).sum())}},
        v, gx, gw, gb, SAMPLED_CALL.format(rh=remove_hits), note=note)
    return x, w, b, labels, s, tec, sec


# --- sampled softmax, candidates from TF's log-uniform sampler -------------------------------------
GRID = [  # (num_classes, num_sampled, num_true, remove_accidental_hits, dim)
    (10, 3, 1, True, 4), (10, 3, 1, False, 4), (10, 5, 2, True, 4), (10, 5, 2, False, 4),
    (100, 10, 1, True, 4), (100, 20, 2, True, 4), (100, 20, 2, False, 4), (1000, 50, 1, True, 3),
    (10000, 64, 1, True, 2), (10000, 16, 2, False, 2), (10, 10, 1, True, 4),
]
for dtype in ("float32", "float64"):
    for C, S, nt, rh, d in GRID:
        if dtype == "float64" and (C, S) == (10000, 16):
            continue  # keeps the case file small: one float64 case with 10000 classes
        sampled_case("grid", dtype, 5, d, C, S, nt, rh)
    sampled_case("num_true3", dtype, 4, 4, 20, 6, 3, True)
    sampled_case("large_logits", dtype, 5, 4, 50, 8, 1, True, scale=40.0,
                 note="logits of several hundred: exercises the max-shifted log-softmax")
    # unique=False: repeated candidates; TF's compute_accidental_hits marks only the last
    # position of a repeated class as a hit.
    lab = np.array([[0], [1], [0], [7], [2]], dtype=np.int64)
    repeated_hit = lambda labels, s: any((s == k).sum() > 1 for k in labels.reshape(-1))
    sampled_case("not_unique_repeats", dtype, 5, 4, 10, 8, 1, True, unique=False, labels=lab, require=repeated_hit,
                 note="unique=False: classes repeat; only the last position of a repeated class is an accidental hit")
    # a row whose two true classes are the same class
    lab = np.array([[0, 0], [1, 4], [2, 2], [5, 1]], dtype=np.int64)
    sampled_case("repeated_label", dtype, 4, 4, 10, 4, 2, True, labels=lab,
                 note="rows with the same true class twice: one accidental hit, two true columns")

# --- reductions and sample weights: tf.compat.v1.losses.compute_weighted_loss ----------------------
TF1 = tf.compat.v1.losses.Reduction
REDS = {TF1.SUM: "sum", TF1.MEAN: "weighted_mean", TF1.SUM_OVER_BATCH_SIZE: "sum_over_batch_size",
        TF1.SUM_BY_NONZERO_WEIGHTS: "sum_by_nonzero_weights"}
for dtype in ("float32", "float64"):
    for red, name in REDS.items():
        if dtype == "float64" and red in (TF1.SUM, TF1.SUM_OVER_BATCH_SIZE):
            continue
        n, C, S = 6, 30, 6
        x, w, b = layer(n, 4, C, 1.0)
        labels = labels_with_hits(n, 1, C, 2)
        s, tec, sec = draw(labels, S, True, C, 11)
        sw = rng.uniform(0.5, 2.0, n) * (np.arange(n) % 3 != 1)
        reduce = lambda v: tf.compat.v1.losses.compute_weighted_loss(v, weights=sw.astype(dtype), reduction=red)
        v, gx, gw, gb = sampled_loss_tf(dtype, x, w, b, labels, s, tec, sec, C, True, reduce)
        add_loss_case(
            f"tf1/compute_weighted_loss/sampled_softmax_loss/{dtype}/{name}", dtype,
            {"inputs": x.astype(dtype), "weights": w.astype(dtype), "biases": b.astype(dtype), "labels": labels,
             "sampled": s, "true_expected_count": tec, "sampled_expected_count": sec,
             "sample_weight": sw.astype(dtype)},
            {"num_sampled": S, "num_classes": C, "remove_accidental_hits": True, "reduction": name, "on_zero": "zero"},
            v, gx, gw, gb,
            f"tf.compat.v1.losses.compute_weighted_loss({SAMPLED_CALL.format(rh=True)}, weights=sw, reduction={red!r})",
            tolerance={"rel": 2e-6, "why": "tf.compat.v1.losses.compute_weighted_loss reduces in float32 even for float64 input"}
            if dtype == "float64" else None)

# --- the full softmax the sampled loss approximates -------------------------------------------------
for dtype in ("float32", "float64"):
    for C, nt in ((10, 1), (10, 2), (1000, 1)):
        x, w, b = layer(5, 4, C, 1.0)
        labels = rng.integers(0, C, (5, nt)).astype(np.int64)
        v, gx, gw, gb = full_softmax_tf(dtype, x, w, b, labels, C)
        add_loss_case(
            f"tf/full_softmax/{dtype}/C{C}/nt{nt}", dtype,
            {"inputs": x.astype(dtype), "weights": w.astype(dtype), "biases": b.astype(dtype), "labels": labels},
            {"full_softmax": True, "num_sampled": 1, "num_classes": C, "reduction": "none"},
            v, gx, gw, gb,
            "tf.nn.softmax_cross_entropy_with_logits(labels=reduce_sum(one_hot(labels, C), 1)/num_true, "
            "logits=matmul(x, w, transpose_b=True) + b)")

# --- expected counts of tf.random.log_uniform_candidate_sampler ------------------------------------
SAMPLER_CALL = "tf.random.log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed)"
for C, S, unique, nt in ((10, 3, True, 1), (10, 5, True, 1), (10, 10, True, 1), (100, 20, False, 2),
                         (1000, 50, True, 2), (10000, 64, True, 1), (10000, 2, True, 1), (37, 8, False, 1),
                         (1, 1, True, 1), (50, 30, True, 3)):
    labels = rng.integers(0, C, (4, nt)).astype(np.int64)
    labels[0, 0] = 0
    seed = int(rng.integers(1, 1000))
    s, tec, sec = draw(labels, S, unique, C, seed)
    T = recover_num_tries(labels, s, tec, sec, C, unique)
    c = case(f"tf/log_uniform_candidate_sampler/C{C}/S{S}/unique_{unique}/nt{nt}", "log_uniform_candidate_sampler",
             "tensorflow", SAMPLER_CALL, "float32", {"true_classes": labels, "sampled": s},
             {"range_max": C, "num_sampled": S, "unique": unique, "seed": seed, "num_tries": T}, tec, None,
             note=f"num_tries = {T} recovered from TF's counts (TF does not return it)")
    c["expected"]["sampled_expected_count"] = arr(sec)
    cf.add(c)


# --- errors --------------------------------------------------------------------------------------
def tf_error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001  (the message is what the case records)
        return f"{type(e).__name__}: {str(e).strip().splitlines()[0]}"
    raise AssertionError("TensorFlow did not raise")


def error_case(tag, call, fn, inputs, params, loss="sampled_softmax"):
    cf.add(case(f"tf/{tag}", loss, "tensorflow", call, "float32", inputs, params, expect_error=tf_error(fn)))


x, w, b = layer(3, 4, 10, 1.0)
lab = np.array([[1], [2], [5]], dtype=np.int64)
f32 = lambda a: a.astype("float32")
LAYER = {"inputs": f32(x), "weights": f32(w), "biases": f32(b)}
P = {"num_sampled": 4, "num_classes": 10, "remove_accidental_hits": True, "reduction": "none", "sampler": {"seed": 3}}
DEFAULT_CALL = "tf.nn.sampled_softmax_loss(w, b, labels, x, num_sampled, num_classes, seed=3)"
for tag, labels, ns in (("label_out_of_range", np.array([[1], [10], [5]]), 4),
                        ("negative_label", np.array([[1], [-1], [5]]), 4),
                        ("num_sampled_zero", lab, 0),
                        ("num_sampled_above_num_classes", lab, 11)):
    labels = labels.astype(np.int64)
    error_case(f"sampled_softmax_loss/error/{tag}", DEFAULT_CALL,
               lambda: tf.nn.sampled_softmax_loss(f32(w), f32(b), labels, f32(x), ns, 10, seed=3),
               dict(LAYER, labels=labels), dict(P, num_sampled=ns))

s, tec, sec = draw(lab, 4, True, 10, 5)
EXPLICIT = dict(LAYER, labels=lab, sampled=s, true_expected_count=tec, sampled_expected_count=sec)
PX = {"num_sampled": 4, "num_classes": 10, "remove_accidental_hits": True, "reduction": "none"}


def explicit_error(tag, inputs):
    error_case(f"sampled_softmax_loss/error/{tag}", SAMPLED_CALL.format(rh=True),
               lambda: tf.nn.sampled_softmax_loss(
                   inputs["weights"], inputs["biases"], inputs["labels"], inputs["inputs"], 4, 10,
                   sampled_values=(tf.constant(inputs["sampled"]), tf.constant(inputs["true_expected_count"]),
                                   tf.constant(inputs["sampled_expected_count"]))),
               inputs, PX)


explicit_error("sampled_out_of_range", dict(EXPLICIT, sampled=np.array([0, 1, 2, 12], dtype=np.int64)))
explicit_error("inputs_dim_mismatch", dict(EXPLICIT, inputs=f32(rng.normal(size=(3, 5)))))
explicit_error("labels_rows_mismatch", dict(EXPLICIT, labels=np.array([[1], [2], [5], [0]], dtype=np.int64),
                                            true_expected_count=np.full((4, 1), 0.5, np.float32)))
explicit_error("true_expected_count_shape", dict(EXPLICIT, true_expected_count=np.full((4, 1), 0.5, np.float32)))
explicit_error("biases_too_short", dict(EXPLICIT, biases=f32(b[:5]), labels=np.array([[1], [7], [5]], dtype=np.int64)))

for tag, labels, ns, unique, C in (("num_sampled_zero", lab, 0, True, 10),
                                   ("range_too_small", lab, 11, True, 10),
                                   ("true_class_out_of_range", np.array([[1], [10], [5]]), 4, True, 10),
                                   ("range_max_zero", np.array([[0]]), 1, False, 0)):
    labels = labels.astype(np.int64)
    error_case(f"log_uniform_candidate_sampler/error/{tag}", SAMPLER_CALL,
               lambda: draw(labels, ns, unique, C, 1), {"true_classes": labels},
               {"range_max": C, "num_sampled": ns, "unique": unique, "seed": 1},
               loss="log_uniform_candidate_sampler")

cf.write()
