"""Framework reference numbers for the claims ledger (crates/reweigh-ledger/src/), written to
data/ledger/reference.json.

Each section runs one seed thread's code (or the framework call a claim names) in the real
frameworks on seeded inputs, and records the inputs, the numbers and, where the code fails on
today's versions, the exception it raises. The ledger recomputes every number with reweigh from
the same inputs and compares; no framework number is typed by hand anywhere in the ledger.

Run (the venv is made by `bash scripts/reference/generate.sh --venv-only`):
    TF_CPP_MIN_LOG_LEVEL=3 ~/.cache/reweigh/ref-venv/bin/python scripts/ledger/gen_reference.py
"""
import json
import math
import os
import platform
import sys
import warnings
from collections import Counter
from itertools import product

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"  # plain Eigen kernels, ordinary float32 sums
os.environ.setdefault("PYTHONHASHSEED", "0")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import torch  # noqa: E402  (torch before tensorflow: the other order aborts)
import torchvision  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
import sklearn  # noqa: E402
from sklearn.utils import class_weight as sk_class_weight  # noqa: E402

tf.get_logger().setLevel("ERROR")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "data", "ledger")
SCRIPT = "scripts/ledger/gen_reference.py"
F32 = np.float32


# ----------------------------------------------------------------------------------- helpers


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


def one_hot(labels, c):
    return np.eye(c, dtype=F32)[labels]


def softmax_np(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


REF = {
    "generator": SCRIPT,
    "versions": {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "sklearn": sklearn.__version__,
    },
}

# ------------------------------------------------------------------------------ thread 000
# "Unbalanced data and weighted cross entropy" (Stack Overflow 44560549)
t000 = {}

counts = [198, 436, 710, 272]
y_counts = np.repeat(np.arange(4), counts)
t000["counts"] = {
    "counts": counts,
    "call": "sklearn.utils.class_weight.compute_class_weight('balanced', classes=[0, 1, 2, 3], y=y)",
    "sklearn_balanced": enc(sk_class_weight.compute_class_weight(
        "balanced", classes=np.arange(4), y=y_counts)),
}

# The question's code: a sigmoid loss with pos_weight on a 4-class one-hot problem.
rng = np.random.default_rng(44560549)
x = (2.0 * rng.standard_normal((8, 4))).astype(F32)
labels = rng.integers(0, 4, 8)
y = one_hot(labels, 4)
pw = np.array([0.12, 0.26, 0.43, 0.17], dtype=F32)
shift = F32(3.0)
t000["sigmoid_vs_softmax"] = {
    "logits": enc(x),
    "labels": enc(labels),
    "pos_weight": enc(pw),
    "shift": float(shift),
    "question_code_tf2": err(lambda: tf.nn.weighted_cross_entropy_with_logits(
        logits=x, targets=y, pos_weight=pw)),
    "weighted_mean": enc(tf.reduce_mean(tf.nn.weighted_cross_entropy_with_logits(
        labels=y, logits=x, pos_weight=pw))),
    "weighted_mean_shifted": enc(tf.reduce_mean(tf.nn.weighted_cross_entropy_with_logits(
        labels=y, logits=x + shift, pos_weight=pw))),
    "softmax_mean": enc(tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x))),
    "softmax_mean_shifted": enc(tf.reduce_mean(
        tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x + shift))),
    "sigmoid_row_sums": enc(tf.reduce_sum(tf.sigmoid(x), axis=1)),
}

# P-Gn: class weights [1, 2, 3] through the one-hot reduce_sum, a ternary problem.
rng = np.random.default_rng(3)
x = (2.0 * rng.standard_normal((6, 3))).astype(F32)
labels = rng.integers(0, 3, 6)
onehot = one_hot(labels, 3)
cw = np.array([[1.0, 2.0, 3.0]], dtype=F32)


def pgn(onehot_labels, logits, class_weights):
    # your class weights / deduce weights for batch samples based on their true label
    weights = tf.reduce_sum(class_weights * onehot_labels, axis=1)
    # compute your (unweighted) softmax cross entropy loss
    unweighted_losses = tf.nn.softmax_cross_entropy_with_logits(onehot_labels, logits)
    # apply the weights, relying on broadcasting of the multiplication
    weighted_losses = unweighted_losses * weights
    # reduce the result to get your final loss
    return tf.reduce_mean(weighted_losses), weights, unweighted_losses


def pgn_tf2(onehot_labels, logits):
    class_weights = tf.compat.v2.constant([[1.0, 2.0, 3.0]])
    weights = tf.compat.v2.reduce_sum(class_weights * onehot_labels, axis=1)
    unweighted_losses = tf.compat.v2.nn.softmax_cross_entropy_with_logits(onehot_labels, logits)
    weighted_losses = unweighted_losses * weights
    return tf.reduce_mean(weighted_losses)


loss, weights, unweighted = pgn(onehot, x, cw)
argmax = np.argmax(x, axis=1)
t000["pgn"] = {
    "logits": enc(x),
    "labels": enc(labels),
    "class_weights": enc(cw[0]),
    "weights": enc(weights),
    "unweighted_losses": enc(unweighted),
    "loss": enc(loss),
    "tf2_port_loss": enc(pgn_tf2(onehot, x)),
    "tf1_losses_softmax_cross_entropy": enc(
        tf.compat.v1.losses.softmax_cross_entropy(onehot, x, weights=weights)),
    "keras_categorical_crossentropy": enc(
        keras.losses.CategoricalCrossentropy(from_logits=True)(onehot, x, sample_weight=weights)),
    "torch_cross_entropy_weight": enc(torch.nn.CrossEntropyLoss(weight=torch.tensor(cw[0]))(
        torch.tensor(x), torch.tensor(labels))),
    "tf2_has_tf_losses_softmax_cross_entropy": int(hasattr(tf.losses, "softmax_cross_entropy")),
}

# "weights = class_weights ... thanks to broadcasting magic": the literal code, and what would
# weight by the estimated label.
t000["pgn_estimated"] = {
    "n6_literal": err(lambda: unweighted * cw),
    "n3_literal_shape": enc(tf.shape(unweighted[:3] * cw)),
    "n3_literal_loss": enc(tf.reduce_mean(unweighted[:3] * cw)),
    "n1_literal_shape": enc(tf.shape(unweighted[:1] * cw)),
    "column_shape": enc(tf.shape(unweighted[:, None] * cw)),
    "column_loss": enc(tf.reduce_mean(unweighted[:, None] * cw)),
    "intended_loss": enc(tf.reduce_mean(unweighted * tf.gather(cw[0], argmax))),
    "argmax": enc(argmax),
}

# "a full (num_samples, num_classes) tensor": weights[i, c] = cost of predicting c when the true
# label of sample i is y_i, i.e. row y_i of a cost matrix.
cost = np.array([[0.5, 2.0, 4.0], [1.0, 0.5, 2.0], [3.0, 1.0, 0.5]], dtype=F32)
full = cost[labels]
t000["pgn_full"] = {
    "cost_matrix": enc(cost),
    "weights_shape": list(full.shape),
    "n6_literal": err(lambda: unweighted * full),
    "n3_literal_shape": enc(tf.shape(unweighted[:3] * full[:3, :3])),
    "intended_loss": enc(tf.reduce_mean(unweighted * cost[labels, argmax])),
}

# DankMasterDan's sparse answer, np.random.seed(123).
np.random.seed(123)
logits = np.random.randint(0, 10, 30).reshape(6, 5).astype(F32)
labels = np.random.randint(0, 5, 6).astype(np.int32)
class_weights = np.array([0.3, 0.1, 0.2, 0.3, 0.1], dtype=F32)
weights = tf.gather(class_weights, labels)
ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
v1 = tf.compat.v1.losses
t000["sparse"] = {
    "logits": enc(logits),
    "labels": enc(labels),
    "class_weights": enc(class_weights),
    "weights": enc(weights),
    "tf1_default": enc(v1.sparse_softmax_cross_entropy(labels, logits, weights)),
    "tf1_mean": enc(v1.sparse_softmax_cross_entropy(
        labels, logits, weights, reduction=v1.Reduction.MEAN)),
    "tf1_sum_over_batch_size": enc(v1.sparse_softmax_cross_entropy(
        labels, logits, weights, reduction=v1.Reduction.SUM_OVER_BATCH_SIZE)),
    "unweighted_ce": enc(ce),
    "keras_sample_weight": enc(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(
        labels, logits, sample_weight=weights)),
    "torch_weight": enc(torch.nn.CrossEntropyLoss(weight=torch.tensor(class_weights))(
        torch.tensor(logits), torch.tensor(labels, dtype=torch.int64))),
    "tf2_has_interactive_session": int(hasattr(tf, "InteractiveSession")),
    "tf2_has_tf_losses_sparse_softmax_cross_entropy": int(
        hasattr(tf.losses, "sparse_softmax_cross_entropy")),
}
REF["t000"] = t000

# ------------------------------------------------------------------------------ thread 001
# "How to set class weights for imbalanced classes in Keras?"
t001 = {}

# class_weight = {0: 1, 1: 50, 2: 2}: weighting against duplicating.
rng = np.random.default_rng(1)
x = (1.5 * rng.standard_normal((12, 3))).astype(F32)
labels = np.array([0, 1, 0, 2, 0, 0, 1, 2, 0, 0, 2, 0])
cw = {0: 1.0, 1: 50.0, 2: 2.0}
sw = np.array([cw[int(v)] for v in labels], dtype=F32)
rep = np.repeat(np.arange(12), [int(cw[int(v)]) for v in labels])
scce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
scce_sum = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="sum")
tiny = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, activation="softmax")])
tiny.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
tiny_x = rng.random((12, 3)).astype(F32)
t001["class_weight_50"] = {
    "logits": enc(x),
    "labels": enc(labels),
    "class_weight": {str(k): v for k, v in cw.items()},
    "weighted_keras": enc(scce(labels, x, sample_weight=sw)),
    "weighted_keras_sum": enc(scce_sum(labels, x, sample_weight=sw)),
    "duplicated_keras": enc(scce(labels[rep], x[rep])),
    "duplicated_keras_sum": enc(scce_sum(labels[rep], x[rep])),
    "duplicated_rows": int(len(rep)),
    "fit_nb_epoch": err(lambda: tiny.fit(tiny_x, labels, nb_epoch=5, batch_size=32,
                                         class_weight=cw, verbose=0)),
}

# sklearn's balanced weights, the dict conversion, one-hot labels.
rng = np.random.default_rng(11)
y_train = rng.choice(3, 300, p=[0.6, 0.1, 0.3])
classes = np.unique(y_train)
balanced = sk_class_weight.compute_class_weight("balanced", classes=classes, y=y_train)
y_onehot = one_hot(y_train, 3)
x_train = rng.random((300, 3)).astype(F32)
t001["sklearn_balanced"] = {
    "y_train": enc(y_train),
    "balanced": enc(balanced),
    "answer_call": err(lambda: sk_class_weight.compute_class_weight(
        "balanced", np.unique(y_train), y_train)),
    "keras_fit_with_array": err(lambda: tiny.fit(x_train, y_train, class_weight=balanced,
                                                 epochs=1, verbose=0)),
    "keras_fit_with_dict": err(lambda: tiny.fit(x_train, y_train,
                                                class_weight=dict(enumerate(balanced)),
                                                epochs=1, verbose=0)),
    "one_hot_call": err(lambda: sk_class_weight.compute_class_weight(
        "balanced", classes=np.unique(y_onehot), y=y_onehot)),
    "argmax_balanced": enc(sk_class_weight.compute_class_weight(
        "balanced", classes=classes, y=np.array([v.argmax() for v in y_onehot]))),
}
t001["max_over_count"] = {
    "call": "itemCt = Counter(y_train); maxCt = float(max(itemCt.values())); "
            "cw = {clsID: maxCt / numImg for clsID, numImg in itemCt.items()}",
    "weights": {str(k): v for k, v in sorted(
        {c: float(max(Counter(y_train.tolist()).values())) / n
         for c, n in Counter(y_train.tolist()).items()}.items())},
}

# Multi-label targets with class_weight: which weight does Keras 3 give each row?
from keras.src.trainers.data_adapters import data_adapter_utils  # noqa: E402

y_multi = np.array([[1, 0, 0, 0, 1], [0, 0, 1, 1, 0], [0, 0, 0, 0, 0], [0, 1, 0, 0, 1]], dtype=F32)
cw_multi = {0: 1.0, 1: 2.0, 2: 3.0, 3: 4.0, 4: 5.0}
ml_model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5, activation="sigmoid")])
ml_model.compile(loss="binary_crossentropy", optimizer="adam")
t001["multilabel"] = {
    "y": enc(y_multi),
    "class_weight": {str(k): v for k, v in cw_multi.items()},
    "keras_sample_weights": enc(data_adapter_utils.class_weight_to_sample_weights(y_multi, cw_multi)),
    "keras_call": "keras.src.trainers.data_adapters.data_adapter_utils.class_weight_to_sample_weights(y, class_weight) (what fit applies)",
    "keras_fit": err(lambda: ml_model.fit(rng.random((4, 3)).astype(F32), y_multi,
                                          class_weight=cw_multi, epochs=1, verbose=0)),
}

# create_class_weight (mu = 0.15), verbatim, on Python 3; and with Python 2's dict.values().
def create_class_weight(labels_dict, mu=0.15):
    total = np.sum(labels_dict.values())
    keys = labels_dict.keys()
    class_weight = dict()

    for key in keys:
        score = math.log(mu * total / float(labels_dict[key]))
        class_weight[key] = score if score > 1.0 else 1.0

    return class_weight


def create_class_weight_py2(labels_dict, mu=0.15):
    total = np.sum(list(labels_dict.values()))  # Python 2: dict.values() is a list
    class_weight = dict()
    for key in labels_dict.keys():
        score = math.log(mu * total / float(labels_dict[key]))
        class_weight[key] = score if score > 1.0 else 1.0
    return class_weight


labels_dict = {0: 2813, 1: 78, 2: 2814, 3: 78, 4: 7914, 5: 248, 6: 7914, 7: 248}
t001["create_class_weight"] = {
    "labels_dict": {str(k): v for k, v in labels_dict.items()},
    "python3_verbatim": err(lambda: create_class_weight(labels_dict)),
    "np_sum_of_dict_values_type": type(np.sum(labels_dict.values())).__name__,
    "python2_semantics": {str(k): v for k, v in create_class_weight_py2(labels_dict).items()},
    "total": int(np.sum(list(labels_dict.values()))),
}
y_dict = np.repeat(np.array(list(labels_dict.keys())), list(labels_dict.values()))
t001["n_total_over_n_class"] = {
    "weights": {str(k): float(len(y_dict)) / v for k, v in labels_dict.items()},
    "sklearn_balanced": enc(sk_class_weight.compute_class_weight(
        "balanced", classes=np.arange(8), y=y_dict)),
}

# class_weight='auto'
t001["auto"] = {
    "keras_fit_auto": err(lambda: tiny.fit(tiny_x, labels, class_weight="auto", verbose=0)),
    "keras_fit_random_string": err(lambda: tiny.fit(tiny_x, labels, class_weight="xyzzy",
                                                    verbose=0)),
    "sklearn_auto": err(lambda: sk_class_weight.compute_class_weight(
        "auto", classes=np.unique(labels), y=labels)),
}

# The cost-matrix categorical cross-entropy of keras-team/keras#2115, both versions.
from tensorflow.python import keras as tf_legacy_keras  # noqa: E402
from tensorflow.python.keras import backend as K  # noqa: E402
from tensorflow.python.keras.utils import losses_utils  # noqa: E402


class WeightedCategoricalCrossentropy(tf_legacy_keras.losses.CategoricalCrossentropy):
    """Verbatim from the answer (legacy tf.keras, as its imports say)."""

    def __init__(self, weights, from_logits=False, label_smoothing=0,
                 reduction=losses_utils.ReductionV2.SUM_OVER_BATCH_SIZE,
                 name='categorical_crossentropy'):
        super().__init__(from_logits, label_smoothing, reduction, name=f"weighted_{name}")
        self.weights = weights

    def call(self, y_true, y_pred):
        weights = self.weights
        nb_cl = len(weights)
        final_mask = tf_legacy_keras.backend.zeros_like(y_pred[:, 0])
        y_pred_max = tf_legacy_keras.backend.max(y_pred, axis=1)
        y_pred_max = tf_legacy_keras.backend.reshape(
            y_pred_max, (tf_legacy_keras.backend.shape(y_pred)[0], 1))
        y_pred_max_mat = tf_legacy_keras.backend.cast(
            tf_legacy_keras.backend.equal(y_pred, y_pred_max), tf_legacy_keras.backend.floatx())
        for c_p, c_t in product(range(nb_cl), range(nb_cl)):
            final_mask += (weights[c_t, c_p] * y_pred_max_mat[:, c_p] * y_true[:, c_t])
        return super().call(y_true, y_pred) * final_mask


class WeightedCategoricalCrossentropyKw(WeightedCategoricalCrossentropy):
    """The same with keyword arguments to the base class (tf.keras inserted `axis` third)."""

    def __init__(self, weights):
        tf_legacy_keras.losses.CategoricalCrossentropy.__init__(
            self, from_logits=False, label_smoothing=0,
            reduction=losses_utils.ReductionV2.SUM_OVER_BATCH_SIZE,
            name="weighted_categorical_crossentropy")
        self.weights = weights


def w_categorical_crossentropy(y_true, y_pred, weights):
    """Verbatim from keras-team/keras#2115 (Keras 1 backend)."""
    nb_cl = len(weights)
    final_mask = K.zeros_like(y_pred[:, 0])
    y_pred_max = K.max(y_pred, axis=1)
    y_pred_max = K.reshape(y_pred_max, (K.shape(y_pred)[0], 1))
    y_pred_max_mat = K.equal(y_pred, y_pred_max)
    for c_p, c_t in product(range(nb_cl), range(nb_cl)):
        final_mask += (weights[c_t, c_p] * y_pred_max_mat[:, c_p] * y_true[:, c_t])
    return K.categorical_crossentropy(y_pred, y_true) * final_mask


def mask_2115(y_true, y_pred, weights):
    """final_mask with the boolean cast that TensorFlow 2 needs."""
    nb_cl = len(weights)
    final_mask = K.zeros_like(y_pred[:, 0])
    y_pred_max = K.reshape(K.max(y_pred, axis=1), (K.shape(y_pred)[0], 1))
    y_pred_max_mat = K.cast(K.equal(y_pred, y_pred_max), K.floatx())
    for c_p, c_t in product(range(nb_cl), range(nb_cl)):
        final_mask += (weights[c_t, c_p] * y_pred_max_mat[:, c_p] * y_true[:, c_t])
    return final_mask


rng = np.random.default_rng(2115)
probs = softmax_np(2.0 * rng.standard_normal((8, 3))).astype(F32)
labels = rng.integers(0, 3, 8)
y_true = one_hot(labels, 3)
w2115 = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.2], [1.0, 1.2, 1.0]], dtype=F32)
mask = mask_2115(tf.constant(y_true), tf.constant(probs), w2115)
t001["cost_matrix"] = {
    "probs": enc(probs),
    "labels": enc(labels),
    "weights": enc(w2115),
    "class_verbatim": err(lambda: WeightedCategoricalCrossentropy(w2115)(y_true, probs)),
    "function_verbatim": err(lambda: w_categorical_crossentropy(
        tf.constant(y_true), tf.constant(probs), w2115)),
    "class_keyword_args": enc(WeightedCategoricalCrossentropyKw(w2115)(y_true, probs)),
    "mask": enc(mask),
    # Keras 2+ reads categorical_crossentropy(a, b) as (target=a, output=b)
    "function_cast_target_first": enc(K.categorical_crossentropy(y_true, probs) * mask),
    "function_cast_argument_order_as_written": enc(K.categorical_crossentropy(probs, y_true) * mask),
}

# Temporal sample weights for 3-D targets.
rng = np.random.default_rng(3653)
x = rng.standard_normal((4, 5, 3)).astype(F32)
labels = rng.integers(0, 3, (4, 5))
sw = rng.random((4, 5)).astype(F32)
seq = keras.Sequential([keras.Input((5, 2)), keras.layers.Dense(3, activation="softmax")])
t001["temporal"] = {
    "logits": enc(x),
    "labels": enc(labels),
    "sample_weight": enc(sw),
    "keras_scce": enc(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(
        labels, x, sample_weight=sw)),
    "compile_sample_weight_mode": err(lambda: seq.compile(
        loss="sparse_categorical_crossentropy", optimizer="adam", sample_weight_mode="temporal")),
}
REF["t001"] = t001

# ------------------------------------------------------------------------------ thread 002
# "Multi label classification with unbalanced labels"
t002 = {}
with open(os.path.join(ROOT, "data", "worked_examples", "seed002_multilabel.json")) as f:
    ml = json.load(f)
x = torch.tensor(np.array(ml["logits"], dtype=F32))
z = torch.tensor(np.array(ml["labels"], dtype=F32))
zn = z.numpy()
p_const = float(zn.mean())
bce_keras = keras.losses.BinaryCrossentropy()
t002["input"] = "data/worked_examples/seed002_multilabel.json"
t002["all_zeros"] = {
    "positive_fraction": p_const,
    "keras_bce_zeros": enc(bce_keras(zn, np.zeros_like(zn))),
    "torch_bce_zeros": enc(torch.nn.functional.binary_cross_entropy(torch.zeros_like(z), z)),
    "keras_bce_constant_mean": enc(bce_keras(zn, np.full_like(zn, p_const))),
    "keras_bce_half": enc(bce_keras(zn, np.full_like(zn, 0.5))),
    "torch_pos_weight_50_constant_mean": enc(torch.nn.BCEWithLogitsLoss(
        pos_weight=torch.tensor(50.0))(torch.full_like(z, math.log(p_const / (1 - p_const))), z)),
}


class BCEWithLogitsLossWeighted(torch.nn.Module):
    """Verbatim from the answer."""

    def __init__(self, weight, *args, **kwargs):
        super().__init__()
        # Notice none reduction
        self.bce = torch.nn.BCEWithLogitsLoss(*args, **kwargs, reduction="none")
        self.weight = weight

    def forward(self, logits, labels):
        loss = self.bce(logits, labels)
        binary_labels = labels.bool()
        loss[binary_labels] *= labels[binary_labels] * self.weight
        # Or any other reduction
        return torch.mean(loss)


def value_grad(fn, x, z):
    xg = x.clone().requires_grad_(True)
    v = fn(xg, z)
    v.backward()
    return v.detach(), xg.grad


soft = z * 0.9 + 0.05  # label smoothing 0.1: soft labels, none exactly 0 or 1
thread = BCEWithLogitsLossWeighted(50)
pos50 = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(50.0))
v_thread, g_thread = value_grad(thread, x, z)
v_pos, g_pos = value_grad(pos50, x, z)
t002["bce_weighted"] = {
    "soft_labels": "labels * 0.9 + 0.05",
    "thread_hard": enc(v_thread),
    "pos_weight_hard": enc(v_pos),
    "grad_max_abs_diff_hard": enc((g_thread - g_pos).abs().max()),
    "thread_soft": enc(thread(x, soft)),
    "pos_weight_soft": enc(pos50(x, soft)),
}


def binary_focal_loss(outputs, targets, gamma, weight=None, pos_weight=None, reduction=None):
    """Verbatim from the answer."""
    probabilities = (1 - torch.sigmoid(outputs)) ** gamma
    loss = probabilities * torch.nn.functional.binary_cross_entropy_with_logits(
        outputs,
        targets.float(),
        weight,
        reduction="none",
        pos_weight=pos_weight,
    )
    return reduction(loss)


pos, neg = z.bool(), ~z.bool()
thread_el = binary_focal_loss(x, z, 2.0, reduction=lambda l: l)
tv_el = torchvision.ops.sigmoid_focal_loss(x, z, alpha=-1, gamma=2.0, reduction="none")
t002["focal"] = {
    "gamma": 2.0,
    "thread_mean": enc(binary_focal_loss(x, z, 2.0, reduction=torch.mean)),
    "thread_mean_positives": enc(thread_el[pos].mean()),
    "thread_mean_negatives": enc(thread_el[neg].mean()),
    "torchvision_mean": enc(torchvision.ops.sigmoid_focal_loss(x, z, alpha=-1, gamma=2.0,
                                                               reduction="mean")),
    "torchvision_mean_positives": enc(tv_el[pos].mean()),
    "torchvision_mean_negatives": enc(tv_el[neg].mean()),
    "torchvision_alpha_0_25_mean": enc(torchvision.ops.sigmoid_focal_loss(
        x, z, alpha=0.25, gamma=2.0, reduction="mean")),
    "thread_gamma0_mean": enc(binary_focal_loss(x, z, 0.0, reduction=torch.mean)),
    "torch_bce_mean": enc(torch.nn.functional.binary_cross_entropy_with_logits(x, z)),
    "thread_default_reduction": err(lambda: binary_focal_loss(x, z, 2.0)),
}
REF["t002"] = t002

# ------------------------------------------------------------------------------ thread 003
# "When is it appropriate to use sample_weights in keras?"
REF["t003"] = {
    "keras_has_binary_focal": int(hasattr(keras.losses, "BinaryFocalCrossentropy")),
    "keras_has_categorical_focal": int(hasattr(keras.losses, "CategoricalFocalCrossentropy")),
}

# ------------------------------------------------------------------------------ thread 004
# "Tensorflow入门——分类问题cross_entropy的选择" (choosing a cross-entropy in TensorFlow)
t004 = {}
rng = np.random.default_rng(47034888)
x = (2.0 * rng.standard_normal((8, 3))).astype(F32)
z = (rng.random((8, 3)) < 0.4).astype(F32)
labels = rng.integers(0, 3, 8)
y = one_hot(labels, 3)
t004["inputs"] = {"logits": enc(x), "multi_labels": enc(z), "labels": enc(labels)}
t004["logits"] = {
    "nn_sigmoid_mean": enc(tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x))),
    "v1_sigmoid": enc(v1.sigmoid_cross_entropy(z, x)),
    "nn_softmax_mean": enc(tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x))),
    "v1_softmax": enc(v1.softmax_cross_entropy(y, x)),
    "v1_sparse_softmax": enc(v1.sparse_softmax_cross_entropy(labels, x)),
    "tf2_losses_is_keras": int(tf.losses.BinaryCrossentropy is keras.losses.BinaryCrossentropy),
    "tf2_losses_bce_default_on_logits": enc(tf.losses.BinaryCrossentropy()(z, x)),
    "tf2_losses_bce_from_logits": enc(tf.losses.BinaryCrossentropy(from_logits=True)(z, x)),
    "tf2_has_tf_losses_sigmoid_cross_entropy": int(hasattr(tf.losses, "sigmoid_cross_entropy")),
    "tf2_has_tf_contrib": int(hasattr(tf, "contrib")),
}
w_full = rng.uniform(0.5, 2.0, (8, 3)).astype(F32)
w_zero = w_full.copy()
w_zero[[0, 3, 5], :] = 0.0
w_zero[2, 1] = 0.0
w_class = np.array([0.5, 1.0, 2.0], dtype=F32)
w_rows = rng.uniform(0.5, 2.0, 8).astype(F32)
sce = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x)
t004["weights"] = {
    "scalar": 2.5,
    "v1_scalar": enc(v1.sigmoid_cross_entropy(z, x, weights=2.5)),
    "v1_scalar_zero": enc(v1.sigmoid_cross_entropy(z, x, weights=0.0)),
    "w_full": enc(w_full),
    "w_zero": enc(w_zero),
    "w_class": enc(w_class),
    "w_rows": enc(w_rows),
    "v1_full": enc(v1.sigmoid_cross_entropy(z, x, weights=w_full)),
    "mean_full": enc(tf.reduce_mean(sce * w_full)),
    "v1_zero": enc(v1.sigmoid_cross_entropy(z, x, weights=w_zero)),
    "mean_zero": enc(tf.reduce_mean(sce * w_zero)),
    "v1_class": err(lambda: v1.sigmoid_cross_entropy(z, x, weights=w_class)),
    "v1_class_row": enc(v1.sigmoid_cross_entropy(z, x, weights=w_class[None, :])),
    "mean_class": enc(tf.reduce_mean(sce * w_class)),
    "v1_rows": err(lambda: v1.sigmoid_cross_entropy(z, x, weights=w_rows)),
    "v1_rows_column": enc(v1.sigmoid_cross_entropy(z, x, weights=w_rows[:, None])),
    "mean_rows_column": enc(tf.reduce_mean(sce * w_rows[:, None])),
}
q = np.array([1.0, 3.0, 5.0], dtype=F32)
z_soft = (0.8 * z + 0.1).astype(F32)
t004["pos_weight"] = {
    "pos_weight": enc(q),
    "weighted_hard": enc(tf.reduce_mean(tf.nn.weighted_cross_entropy_with_logits(
        labels=z, logits=x, pos_weight=q))),
    "class_weight_hard": enc(v1.sigmoid_cross_entropy(
        z, x, weights=1.0 + (q - 1.0) * z, reduction=v1.Reduction.SUM_OVER_BATCH_SIZE)),
    "soft_labels": "0.8 * labels + 0.1",
    "weighted_soft": enc(tf.reduce_mean(tf.nn.weighted_cross_entropy_with_logits(
        labels=z_soft, logits=x, pos_weight=q))),
    "class_weight_soft": enc(v1.sigmoid_cross_entropy(
        z_soft, x, weights=1.0 + (q - 1.0) * z_soft, reduction=v1.Reduction.SUM_OVER_BATCH_SIZE)),
}
t004["sparse"] = {
    "v1_sparse": enc(v1.sparse_softmax_cross_entropy(labels, x)),
    "v1_dense": enc(v1.softmax_cross_entropy(y, x)),
    "nn_max_abs_diff": enc(tf.reduce_max(tf.abs(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=x)
        - tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x)))),
}

# Sampled softmax against the full softmax: a 1000-class output layer whose biases are the log
# of the log-uniform prior, labels drawn from that prior.
C, D, B = 1000, 8, 64
rng = np.random.default_rng(4)
prior = np.log((np.arange(C) + 2.0) / (np.arange(C) + 1.0)) / np.log(C + 1.0)
W = (rng.standard_normal((C, D)) / math.sqrt(D)).astype(F32)
b = np.log(prior).astype(F32)
X = rng.standard_normal((B, D)).astype(F32)
lab = rng.choice(C, size=(B, 1), p=prior / prior.sum()).astype(np.int64)
full = tf.nn.softmax_cross_entropy_with_logits(
    labels=tf.one_hot(lab[:, 0], C), logits=tf.matmul(X, W, transpose_b=True) + b)
full_mean = float(tf.reduce_mean(full))
sizes = [2, 4, 8, 16, 32, 64, 128, 256, 512]
REPS = 200
curve = []
for s in sizes:
    rel = []
    for r in range(REPS):
        tf.random.set_seed(10_000 * s + r)
        cand = tf.random.log_uniform_candidate_sampler(
            true_classes=lab, num_true=1, num_sampled=s, unique=True, range_max=C, seed=r + 1)
        v = tf.nn.sampled_softmax_loss(W, b, lab, X, s, C, sampled_values=cand)
        rel.append((float(tf.reduce_mean(v)) - full_mean) / full_mean)
    rel = np.array(rel)
    curve.append({
        "num_sampled": s,
        "mean_relative_error": float(rel.mean()),
        "rms_relative_error": float(np.sqrt((rel ** 2).mean())),
        "std_relative_error": float(rel.std(ddof=1)),
    })
tf.random.set_seed(1)
cand = tf.random.log_uniform_candidate_sampler(
    true_classes=lab, num_true=1, num_sampled=16, unique=True, range_max=C, seed=2)
t004["sampled"] = {
    "num_classes": C,
    "dim": D,
    "batch": B,
    "weights": enc(W),
    "biases": enc(b),
    "inputs": enc(X),
    "labels": enc(lab),
    "full_mean": full_mean,
    "reps": REPS,
    "curve": curve,
    "one_call": {
        "num_sampled": 16,
        "sampled": enc(cand[0]),
        "true_expected_count": enc(cand[1]),
        "sampled_expected_count": enc(cand[2]),
        "loss": enc(tf.nn.sampled_softmax_loss(W, b, lab, X, 16, C, sampled_values=cand)),
    },
}
REF["t004"] = t004

os.makedirs(OUT, exist_ok=True)
path = os.path.join(OUT, "reference.json")
with open(path, "w") as f:
    json.dump(REF, f, indent=None, separators=(",", ":"), allow_nan=False, sort_keys=True)
    f.write("\n")
print(f"wrote {path} ({os.path.getsize(path)} bytes)", file=sys.stderr)
