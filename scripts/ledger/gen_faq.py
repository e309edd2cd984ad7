"""Framework numbers for the FAQ chapter of the claims ledger (crates/reweigh-ledger/src/faq/),
written to data/ledger/faq.json.

One section per question of shared/faq-digest.md (`q01` ... `q10`): the frameworks' actual calls
on small seeded inputs (logits are multiples of 1/4, exact in float32, so that a notebook can
show them as short literals), with the inputs, the numbers and, where a call raises on today's
versions, the exception. Conventions as scripts/ledger/gen_reference.py: floats are float64
reprs (float32 results are exact in float64), `{"raises": 0}` or
`{"raises": 1, "type", "message"}`, `versions`. The ledger recomputes every number with reweigh
from the same inputs; no framework number is typed by hand anywhere in the ledger.

Run (the venv is made by `bash scripts/reference/generate.sh --venv-only`):
    TF_CPP_MIN_LOG_LEVEL=3 ~/.cache/reweigh/ref-venv/bin/python scripts/ledger/gen_faq.py
"""
import json
import os
import platform
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"  # plain Eigen kernels, ordinary float32 sums
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import torch  # noqa: E402  (torch before tensorflow: the other order aborts)
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
import scipy  # noqa: E402
import sklearn  # noqa: E402
from keras.src.trainers.data_adapters import data_adapter_utils  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.utils import class_weight as skcw  # noqa: E402

tf.get_logger().setLevel("ERROR")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "data", "ledger", "faq.json")
F32 = np.float32
nn = torch.nn


def enc(a):
    """Numbers and arrays as JSON: floats as float64 repr (float32 values are exact)."""
    if isinstance(a, (tf.Tensor, tf.Variable)):
        a = a.numpy()
    if isinstance(a, torch.Tensor):
        a = a.detach().numpy()
    a = np.asarray(a)
    if a.dtype.kind == "b":
        a = a.astype(np.int64)
    if a.ndim == 0:
        return int(a) if a.dtype.kind in "iu" else float(a)
    return [enc(v) for v in a]


def err(fn):
    """Runs fn; returns {"raises": 0} or {"raises": 1, "type", "message" (first line)}."""
    try:
        fn()
        return {"raises": 0}
    except Exception as e:  # noqa: BLE001 - recording whatever the framework raises
        msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
        return {"raises": 1, "type": type(e).__name__, "message": msg[:300]}


def quarters(rng, shape, lo=-12, hi=13):
    """Seeded logits, multiples of 1/4 in [-3, 3]."""
    return (rng.integers(lo, hi, shape) / 4.0).astype(F32)


def nan_to_flag(v):
    """NaN is not JSON: record whether a value is NaN."""
    return 1 if np.isnan(v) else 0


def t(a, dtype=torch.float32):
    return torch.tensor(np.asarray(a), dtype=dtype)


REF = {
    "generator": "scripts/ledger/gen_faq.py",
    "versions": {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "sklearn": sklearn.__version__,
        "scipy": scipy.__version__,
    },
}

# ---------------------------------------------------- 1. PyTorch's weighted mean divides by Σ w
rng = np.random.default_rng(1)
x = quarters(rng, (4, 3))
y = np.array([0, 1, 2, 2])
w = np.array([1.0, 2.0, 4.0], dtype=F32)
ce = nn.CrossEntropyLoss(weight=t(w))
none = nn.CrossEntropyLoss(weight=t(w), reduction="none")(t(x), t(y, torch.long))
# gradient accumulation: two micro-batches of 2, each loss / 2, summed (as a training loop does)
acc = sum(ce(t(x[i:i + 2]), t(y[i:i + 2], torch.long)).item() / 2 for i in (0, 2))
REF["q01"] = {
    "logits": enc(x), "labels": enc(y), "weight": enc(w),
    "call": "torch.nn.CrossEntropyLoss(weight=w)(x, y)",
    "mean": enc(ce(t(x), t(y, torch.long))),
    "none": enc(none),
    "mean_of_none": enc(none.mean()),
    "batch1_weighted": enc(ce(t(x[3:4]), t(y[3:4], torch.long))),
    "batch1_unweighted": enc(nn.CrossEntropyLoss()(t(x[3:4]), t(y[3:4], torch.long))),
    "accumulated_2x2": float(F32(acc)),
}

# ------------------------------------------- 2. class weights together with label smoothing
rng = np.random.default_rng(2)
x = quarters(rng, (4, 3))
y = np.array([0, 1, 2, 1])
w = np.array([1.0, 2.0, 4.0], dtype=F32)
eps = 0.2
y_ign = np.array([0, -100, 2, 1])
REF["q02"] = {
    "logits": enc(x), "labels": enc(y), "weight": enc(w), "label_smoothing": eps,
    "labels_ignored": enc(y_ign), "ignore_index": -100,
    "torch_call": "torch.nn.CrossEntropyLoss(weight=w, label_smoothing=0.2)(x, y)",
    "torch_mean": enc(nn.CrossEntropyLoss(weight=t(w), label_smoothing=eps)(
        t(x), t(y, torch.long))),
    "keras_call": "keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, "
                  "reduction='mean_with_sample_weight')(one_hot(y), x, sample_weight=w[y])",
    "keras_mean": enc(keras.losses.CategoricalCrossentropy(
        from_logits=True, label_smoothing=eps, reduction="mean_with_sample_weight")(
        np.eye(3, dtype=F32)[y], x, sample_weight=w[y])),
    "torch_ignore_call": "torch.nn.CrossEntropyLoss(weight=w, label_smoothing=0.2, "
                         "ignore_index=-100)(x, y_ignored)",
    "torch_ignore_raises": err(lambda: nn.CrossEntropyLoss(
        weight=t(w), label_smoothing=eps)(t(x), t(y_ign, torch.long))),
    "torch_ignore_mean": enc(nn.CrossEntropyLoss(weight=t(w), label_smoothing=eps)(
        t(x), t(y_ign, torch.long))),
}

# ----------------------------------------------------- 3. every target ignored gives NaN
rng = np.random.default_rng(3)
x = quarters(rng, (3, 3))
y = np.array([-100, -100, -100])
xt = t(x).requires_grad_(True)
mean = nn.CrossEntropyLoss()(xt, t(y, torch.long))
mean.backward()
keras_all_ignored = keras.losses.SparseCategoricalCrossentropy(
    from_logits=True, ignore_class=-100)(np.zeros(3, dtype=np.int64) - 100, x)
REF["q03"] = {
    "logits": enc(x), "labels": enc(y),
    "call": "torch.nn.CrossEntropyLoss()(x, y) with every y = -100 (ignore_index)",
    "mean_is_nan": nan_to_flag(mean.item()),
    "sum": enc(nn.CrossEntropyLoss(reduction="sum")(t(x), t(y, torch.long))),
    "grad_max_abs": enc(xt.grad.abs().max()),
    "grad_is_nan": nan_to_flag(xt.grad.sum().item()),
    "keras_call": "keras.losses.SparseCategoricalCrossentropy(from_logits=True, "
                  "ignore_class=-100)(y, x)",
    "keras_value": enc(keras_all_ignored),
}

# ----------------------------------- 4. pos_weight broadcasts along the last dimension
rng = np.random.default_rng(4)
x = quarters(rng, (2, 3, 4))            # (N, C, L): classes on dimension 1
z = rng.integers(0, 2, (2, 3, 4)).astype(F32)
pw_c = np.array([1.0, 2.0, 4.0], dtype=F32)       # one per class
pw_l = np.array([1.0, 2.0, 3.0, 4.0], dtype=F32)  # one per position of the last dimension
REF["q04"] = {
    "logits": enc(x), "targets": enc(z), "pos_weight_classes": enc(pw_c),
    "pos_weight_last": enc(pw_l),
    "call": "torch.nn.BCEWithLogitsLoss(pos_weight=pw)(x, z), x of shape (2, 3, 4)",
    "per_class_raises": err(lambda: nn.BCEWithLogitsLoss(pos_weight=t(pw_c))(t(x), t(z))),
    "last_dim": enc(nn.BCEWithLogitsLoss(pos_weight=t(pw_l))(t(x), t(z))),
    "per_class_reshaped": enc(nn.BCEWithLogitsLoss(pos_weight=t(pw_c).reshape(3, 1))(
        t(x), t(z))),
    "weight_per_class_raises": err(lambda: nn.BCEWithLogitsLoss(weight=t(pw_c))(t(x), t(z))),
}

# ------------------------------------ 5. class_weight with a multi-output Keras model
keras.utils.set_random_seed(5)
rng = np.random.default_rng(5)
xa = quarters(rng, (6, 2))
ya = np.array([0, 1, 0, 0, 1, 0])
yb = np.array([1, 1, 0, 1, 1, 1])
inp = keras.Input((2,))
out_a = keras.layers.Dense(2, activation="softmax", name="a")(inp)
out_b = keras.layers.Dense(2, activation="softmax", name="b")(inp)
two = keras.Model(inp, [out_a, out_b])
two.compile(optimizer="sgd", loss=["sparse_categorical_crossentropy"] * 2)
cw_a, cw_b = {0: 1.0, 1: 3.0}, {0: 5.0, 1: 1.0}
pa, pb = (np.asarray(p, dtype=F32) for p in two.predict(xa, verbose=0))
scce = keras.losses.SparseCategoricalCrossentropy()
sw_a = np.array([cw_a[v] for v in ya], dtype=F32)
sw_b = np.array([cw_b[v] for v in yb], dtype=F32)
REF["q05"] = {
    "x": enc(xa), "y_a": enc(ya), "y_b": enc(yb), "class_weight_a": enc(list(cw_a.values())),
    "class_weight_b": enc(list(cw_b.values())), "probs_a": enc(pa), "probs_b": enc(pb),
    "call_by_name": "model.fit(x, {'a': y_a, 'b': y_b}, class_weight={'a': cw_a, 'b': cw_b})",
    "by_name": err(lambda: two.fit(xa, {"a": ya, "b": yb}, class_weight={"a": cw_a, "b": cw_b},
                                   epochs=1, verbose=0)),
    "call_one_dict": "model.fit(x, [y_a, y_b], class_weight={0: 1.0, 1: 3.0})",
    "one_dict": err(lambda: two.fit(xa, [ya, yb], class_weight=cw_a, epochs=1, verbose=0)),
    "workaround_call": "SparseCategoricalCrossentropy()(y_a, p_a, sample_weight=cw_a[y_a]) + "
                       "(the same for b): the per-output class weights as sample weights",
    "workaround_a": enc(scce(ya, pa, sample_weight=sw_a)),
    "workaround_b": enc(scce(yb, pb, sample_weight=sw_b)),
}

# ----------------------------- 6. class_weight with one-hot, multi-hot or 3-D targets
y_hot = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 1], [1, 0, 1], [0, 0, 0]], dtype=F32)
cw = {0: 1.0, 1: 2.0, 2: 8.0}
y_seq = np.eye(3, dtype=F32)[np.array([[0, 2], [1, 1]])]  # (2, 2, 3): one-hot per time step
tiny = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
tiny.compile(optimizer="sgd", loss="categorical_crossentropy")
seq6 = keras.Sequential([keras.Input((2, 2)), keras.layers.Dense(3, activation="softmax")])
seq6.compile(optimizer="sgd", loss="categorical_crossentropy")
x6 = np.zeros((5, 2), dtype=F32)
REF["q06"] = {
    "y": enc(y_hot), "class_weight": enc(list(cw.values())),
    "call": "keras.src.trainers.data_adapters.data_adapter_utils.class_weight_to_sample_weights"
            "(y, class_weight) (what fit applies)",
    "sample_weights": enc(data_adapter_utils.class_weight_to_sample_weights(y_hot, cw)),
    "y_3d": enc(y_seq),
    "call_3d": "model.fit(x of shape (2, 2, 2), y_3d of shape (2, 2, 3), class_weight=cw) "
               "(a Dense(3, softmax) applied per time step)",
    "fit_3d": err(lambda: seq6.fit(np.zeros((2, 2, 2), F32), y_seq, class_weight=cw, epochs=1,
                                   verbose=0)),
    "both_call": "model.fit(x, y, class_weight=cw, sample_weight=ones)",
    "both": err(lambda: tiny.fit(x6, y_hot, class_weight=cw, sample_weight=np.ones(5, F32),
                                 epochs=1, verbose=0)),
}

# ------------------------------------------------- 7. validation loss ignores class_weight
rng = np.random.default_rng(7)
x = quarters(rng, (6, 2))
y = np.array([0, 1, 2, 0, 1, 2])
xv = quarters(rng, (3, 2))
yv = np.array([0, 1, 2])
swv = np.array([10.0, 1.0, 1.0], dtype=F32)
kernel = quarters(rng, (2, 3)) / 2
cw7 = {0: 10.0, 1: 1.0, 2: 1.0}


def frozen_fit(**kw):
    layer = keras.layers.Dense(3, activation="softmax")
    m = keras.Sequential([keras.Input((2,)), layer])
    layer.set_weights([kernel, np.zeros(3, F32)])
    layer.trainable = False  # before compile: nothing moves, the numbers are the model's
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    h = m.fit(x, y, batch_size=6, epochs=1, verbose=0, shuffle=False, **kw).history
    return {k: float(v[0]) for k, v in h.items()}


REF["q07"] = {
    "x": enc(x), "y": enc(y), "x_val": enc(xv), "y_val": enc(yv), "kernel": enc(kernel),
    "class_weight": enc(list(cw7.values())), "val_sample_weight": enc(swv),
    "call": "Dense(3, softmax) frozen (trainable=False before compile), fit(x, y, batch_size=6, "
            "epochs=1, class_weight=cw, validation_data=...)",
    "plain": frozen_fit(validation_data=(xv, yv)),
    "class_weight_run": frozen_fit(validation_data=(xv, yv), class_weight=cw7),
    "val_weighted": frozen_fit(validation_data=(xv, yv, swv), class_weight=cw7),
}

# ---------------------------------------- 8. Keras's default reduction divides by N
rng = np.random.default_rng(8)
x = quarters(rng, (5, 3))
y = np.array([0, 1, 2, 2, 0])
sw = np.array([1.0, 2.0, 4.0, 4.0, 1.0], dtype=F32)
k8 = lambda r: keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=r)  # noqa
REF["q08"] = {
    "logits": enc(x), "labels": enc(y), "sample_weight": enc(sw),
    "call": "keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=r)"
            "(y, x, sample_weight=sw)",
    "default": enc(k8("sum_over_batch_size")(y, x, sample_weight=sw)),
    "default_doubled": enc(k8("sum_over_batch_size")(y, x, sample_weight=2 * sw)),
    "mean_with_sample_weight": enc(k8("mean_with_sample_weight")(y, x, sample_weight=sw)),
    "mean_with_sample_weight_doubled": enc(
        k8("mean_with_sample_weight")(y, x, sample_weight=2 * sw)),
    "torch_call": "torch.nn.CrossEntropyLoss(weight=[1, 2, 4])(x, y) (sample weight = w[y])",
    "torch_mean": enc(nn.CrossEntropyLoss(weight=t([1.0, 2.0, 4.0]))(t(x), t(y, torch.long))),
}

# ------------------------------------------- 9. sample_weight_mode="temporal" is gone
rng = np.random.default_rng(9)
x = quarters(rng, (2, 3, 2))                  # (samples, timesteps, features)
y = np.array([[0, 1, 2], [2, 2, 0]])          # (samples, timesteps)
sw2 = np.array([[1.0, 1.0, 0.0], [2.0, 1.0, 1.0]], dtype=F32)  # (samples, timesteps)
kernel9 = quarters(rng, (2, 3)) / 2
seq = keras.Sequential([keras.Input((3, 2)), keras.layers.Dense(3, activation="softmax")])
seq.layers[-1].set_weights([kernel9, np.zeros(3, F32)])
REF["q09"] = {
    "x": enc(x), "y": enc(y), "sample_weight": enc(sw2), "kernel": enc(kernel9),
    "compile_call": "model.compile(loss='sparse_categorical_crossentropy', optimizer='adam', "
                    "sample_weight_mode='temporal')",
    "temporal": err(lambda: seq.compile(loss="sparse_categorical_crossentropy", optimizer="adam",
                                        sample_weight_mode="temporal")),
    "evaluate_call": "Dense(3, softmax) on (2, 3, 2) inputs; model.evaluate(x, y, "
                     "sample_weight=sw of shape (2, 3))",
}
seq.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
REF["q09"]["evaluate_2d"] = float(seq.evaluate(x, y, sample_weight=sw2, verbose=0, batch_size=2))

# ---------------------------------------------- 10. where scikit-learn's 'balanced' comes from
y = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 2])
sw10 = np.array([1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 1.0, 3.0, 1.0, 0.5])
y_multi = np.array([[0, 1], [0, 1], [1, 1], [1, 0], [0, 0], [0, 1]])
rng = np.random.default_rng(10)
xl = rng.standard_normal((10, 2))
cwb = skcw.compute_class_weight("balanced", classes=np.arange(3), y=y)
cwd = dict(enumerate(cwb))


def coef(c, scale):
    m = LogisticRegression(C=c, class_weight={k: scale * v for k, v in cwd.items()},
                           tol=1e-12, max_iter=10000).fit(xl, y)
    return np.concatenate([m.coef_.ravel(), m.intercept_])


c_base, c_scaled, c_moved = coef(1.0, 1.0), coef(1.0, 10.0), coef(10.0, 1.0)
REF["q10"] = {
    "y": enc(y), "sample_weight": enc(sw10), "y_multi": enc(y_multi), "x": enc(xl),
    "call": "sklearn.utils.class_weight.compute_class_weight('balanced', classes=[0, 1, 2], y=y)",
    "balanced": enc(cwb),
    "balanced_sample_weight": enc(skcw.compute_class_weight(
        "balanced", classes=np.arange(3), y=y, sample_weight=sw10)),
    "multi_call": "compute_sample_weight([{0: 1, 1: 2}, {0: 3, 1: 1}], y_multi)",
    "multi": enc(skcw.compute_sample_weight([{0: 1, 1: 2}, {0: 3, 1: 1}], y_multi)),
    "multi_balanced": enc(skcw.compute_sample_weight("balanced", y_multi)),
    "lr_call": "LogisticRegression(C, class_weight=scale * balanced).fit(x, y): coef_ and "
               "intercept_ for (C, scale) = (1, 1), (1, 10), (10, 1)",
    "lr_scaled_max_diff": float(np.abs(c_scaled - c_base).max()),
    "lr_scale_vs_c_max_diff": float(np.abs(c_scaled - c_moved).max()),
}

with open(OUT, "w") as f:
    json.dump(REF, f, indent=None, separators=(",", ":"), allow_nan=False, sort_keys=True)
    f.write("\n")
print("wrote", OUT)
