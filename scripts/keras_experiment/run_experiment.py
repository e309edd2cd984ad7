"""Runs the seed-003 class_weight / sample_weight experiment in real Keras 3 and saves everything
the Rust trainer needs to reproduce it into data/keras_experiment/.

The thread (shared/seeds/003) trained a Dense(3, softmax) model on 100 random samples with 3
features and 3 classes, froze it (`layer.trainable = False` after `compile`) and called `fit`
with class weights all 1, class weights all 0, and sample weights all 0 with zero validation
sample weights. This script repeats those runs on seeded data with Keras 3 (TensorFlow backend,
float32), adds the controls the issue asks for (no weights, class weights {0: 10}, unfrozen
5-epoch runs with shuffle off) and writes:

  data.json       the seeded data (x/y train and validation, the sample-weight vectors) and the
                  initial weights of every architecture (Keras initialisers, seeded)
  histories.json  per scenario: the fit arguments, Keras's History (every epoch) and the weights
                  after every epoch
  versions.json   python / numpy / tensorflow / keras versions and the environment flags
  README.md       provenance and a table of the numbers

Run: ~/.cache/reweigh/ref-venv/bin/python scripts/keras_experiment/run_experiment.py
(the venv is made by `bash scripts/reference/generate.sh --venv-only`).
"""
import json
import os
import platform
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Plain Eigen kernels (no oneDNN graph rewrites), so the float32 sums are the ordinary ones.
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
os.environ.setdefault("PYTHONHASHSEED", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "data", "keras_experiment")
SCRIPT = "scripts/keras_experiment/run_experiment.py"

DATA_SEED = 3  # numpy data
INIT_SEED = 42  # keras.utils.set_random_seed before building each architecture
FIT_SEED = 7  # keras.utils.set_random_seed before every fit (shuffle order)
N, FEATURES, CLASSES = 100, 3, 3

# Architectures: a list of (units, activation) Dense layers; the last one is the softmax output.
ARCHS = {
    "dense3_softmax": [(3, "softmax")],
    "dense4_relu_dense3_softmax": [(4, "relu"), (3, "softmax")],
}


def f32list(a):
    a = np.asarray(a, dtype=np.float32)
    return {"shape": list(a.shape), "data": [float(v) for v in a.reshape(-1)]}


def intlist(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "data": [int(v) for v in a.reshape(-1)]}


def make_data():
    rng = np.random.default_rng(DATA_SEED)
    d = {
        "x_train": rng.random((N, FEATURES)).astype(np.float32),
        "y_train": rng.integers(0, CLASSES, N).astype(np.int64),
        "x_val": rng.random((N, FEATURES)).astype(np.float32),
        "y_val": rng.integers(0, CLASSES, N).astype(np.int64),
        "zeros": np.zeros(N, dtype=np.float32),
        "sw_train_random": (2.0 * rng.random(N)).astype(np.float32),
        "sw_val_random": (2.0 * rng.random(N)).astype(np.float32),
    }
    return d


def build(arch):
    inp = keras.Input(shape=(FEATURES,))
    h = inp
    for units, act in ARCHS[arch]:
        h = keras.layers.Dense(units, activation=act)(h)
    return keras.Model(inp, h)


def initial_weights():
    out = {}
    for arch in ARCHS:
        keras.utils.set_random_seed(INIT_SEED)
        m = build(arch)
        out[arch] = [np.array(w) for w in m.get_weights()]
    return out


# Each scenario: the fit call of the thread (or a control), on a fresh model with the saved
# initial weights. `frozen` sets every layer's trainable = False AFTER compile, as the thread did.
SCENARIOS = [
    dict(name="class_weight_ones", arch="dense3_softmax", frozen=True, epochs=2,
         class_weight={0: 1.0, 1: 1.0, 2: 1.0},
         claim="thread run 1: class weights all 1"),
    dict(name="class_weight_zeros", arch="dense3_softmax", frozen=True, epochs=2,
         class_weight={0: 0.0, 1: 0.0, 2: 0.0},
         claim="thread run 2: class weights all 0"),
    dict(name="sample_weight_zeros_val_zeros", arch="dense3_softmax", frozen=True, epochs=2,
         sample_weight="zeros", val_sample_weight="zeros",
         claim="thread run 3: sample weights 0 and validation sample weights 0"),
    dict(name="sample_weight_zeros", arch="dense3_softmax", frozen=True, epochs=2,
         sample_weight="zeros",
         claim="control: sample weights 0, validation unweighted"),
    dict(name="no_weights", arch="dense3_softmax", frozen=True, epochs=2,
         claim="control: the thread's commented-out base run"),
    dict(name="class_weight_0_is_10", arch="dense3_softmax", frozen=True, epochs=2,
         class_weight={0: 10.0},
         claim="control: class 0 weighted 10, classes 1 and 2 missing (weight 1)"),
    dict(name="unfrozen_5_epochs", arch="dense3_softmax", frozen=False, epochs=5, shuffle=False,
         claim="control: the same model trained (Adam defaults), shuffle off"),
    dict(name="unfrozen_sample_weights", arch="dense3_softmax", frozen=False, epochs=5,
         shuffle=False, sample_weight="sw_train_random", val_sample_weight="sw_val_random",
         claim="extra: random sample weights in [0, 2) for training and validation"),
    dict(name="unfrozen_class_weight_batch16", arch="dense3_softmax", frozen=False, epochs=5,
         shuffle=False, batch_size=16, validation_batch_size=40, class_weight={0: 2.0, 1: 0.5},
         claim="extra: class weights {0: 2, 1: 0.5} (2 missing), batch 16, validation batch 40"),
    dict(name="unfrozen_hidden_relu", arch="dense4_relu_dense3_softmax", frozen=False, epochs=5,
         shuffle=False,
         claim="extra: Dense(4, relu) -> Dense(3, softmax)"),
]


def run(sc, data, init):
    keras.utils.set_random_seed(INIT_SEED)
    model = build(sc["arch"])
    model.set_weights(init[sc["arch"]])
    model.compile(
        loss=keras.losses.sparse_categorical_crossentropy,
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
        weighted_metrics=[keras.metrics.SparseCategoricalAccuracy(name="weighted_accuracy")],
        optimizer="adam",
    )
    if sc["frozen"]:
        for layer in model.layers:
            layer.trainable = False
    per_epoch = []
    cb = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: per_epoch.append([np.array(w) for w in model.get_weights()])
    )
    sw = data[sc["sample_weight"]] if sc.get("sample_weight") else None
    val = (data["x_val"], data["y_val"])
    if sc.get("val_sample_weight"):
        val = val + (data[sc["val_sample_weight"]],)
    keras.utils.set_random_seed(FIT_SEED)
    hist = model.fit(
        x=data["x_train"], y=data["y_train"],
        batch_size=sc.get("batch_size"), epochs=sc["epochs"],
        shuffle=sc.get("shuffle", True),
        class_weight=sc.get("class_weight"), sample_weight=sw,
        validation_data=val, validation_batch_size=sc.get("validation_batch_size"),
        verbose=0, callbacks=[cb],
    )
    if sc["frozen"]:
        for w0, w1 in zip(init[sc["arch"]], per_epoch[-1]):
            assert np.array_equal(w0, w1), "frozen model changed"
    call = "model.fit(x_train, y_train"
    for k in ("batch_size", "validation_batch_size", "class_weight"):
        if sc.get(k) is not None:
            call += f", {k}={sc[k]!r}"
    if sw is not None:
        call += f", sample_weight={sc['sample_weight']}"
    call += ", validation_data=(x_val, y_val" + (f", {sc['val_sample_weight']})" if sc.get("val_sample_weight") else ")")
    call += f", epochs={sc['epochs']}, shuffle={sc.get('shuffle', True)})"
    return {
        "name": sc["name"],
        "claim": sc["claim"],
        "arch": sc["arch"],
        "frozen": sc["frozen"],
        "epochs": sc["epochs"],
        "batch_size": sc.get("batch_size") or 32,
        "validation_batch_size": sc.get("validation_batch_size") or sc.get("batch_size") or 32,
        "shuffle": sc.get("shuffle", True),
        "class_weight": None if sc.get("class_weight") is None
        else {str(k): float(v) for k, v in sc["class_weight"].items()},
        "sample_weight": sc.get("sample_weight"),
        "val_sample_weight": sc.get("val_sample_weight"),
        "call": call,
        "history": {k: [float(v) for v in vs] for k, vs in sorted(hist.history.items())},
        "weights_per_epoch": [[f32list(w) for w in ws] for ws in per_epoch],
    }


# The thread's exact sequence: ONE model, compiled once, frozen after compile, then the three
# fits one after the other (default epochs=1, shuffled), as in the answer's code.
SEQUENCE = [
    dict(class_weight={0: 1.0, 1: 1.0, 2: 1.0}),
    dict(class_weight={0: 0.0, 1: 0.0, 2: 0.0}),
    dict(sample_weight="zeros", val_sample_weight="zeros"),
]


def run_sequence(data, init):
    keras.utils.set_random_seed(INIT_SEED)
    model = build("dense3_softmax")
    model.set_weights(init["dense3_softmax"])
    model.compile(
        loss=keras.losses.sparse_categorical_crossentropy,
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
        weighted_metrics=[keras.metrics.SparseCategoricalAccuracy(name="weighted_accuracy")],
        optimizer="adam",
    )
    for layer in model.layers:
        layer.trainable = False
    fits = []
    for f in SEQUENCE:
        val = (data["x_val"], data["y_val"])
        if f.get("val_sample_weight"):
            val = val + (data[f["val_sample_weight"]],)
        keras.utils.set_random_seed(FIT_SEED)
        hist = model.fit(
            x=data["x_train"], y=data["y_train"], class_weight=f.get("class_weight"),
            sample_weight=data[f["sample_weight"]] if f.get("sample_weight") else None,
            validation_data=val, verbose=0,
        )
        fits.append({
            "class_weight": None if f.get("class_weight") is None
            else {str(k): float(v) for k, v in f["class_weight"].items()},
            "sample_weight": f.get("sample_weight"),
            "val_sample_weight": f.get("val_sample_weight"),
            "history": {k: [float(v) for v in vs] for k, vs in sorted(hist.history.items())},
            "weights_after": [f32list(w) for w in model.get_weights()],
        })
    return {
        "name": "thread_sequence",
        "arch": "dense3_softmax",
        "claim": "the answer's code: one model, compiled, frozen after compile, three fits in a row",
        "fits": fits,
    }


def versions():
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "floatx": keras.backend.floatx(),
        "env": {"TF_ENABLE_ONEDNN_OPTS": os.environ["TF_ENABLE_ONEDNN_OPTS"]},
    }


def readme(results, sequence, vers):
    lines = [
        "# Seed-003 experiment in real Keras 3",
        "",
        f"Written by `{SCRIPT}` (do not edit by hand; rerun the script). Versions:",
        f"python {vers['python']}, numpy {vers['numpy']}, tensorflow-cpu {vers['tensorflow']} "
        f"(PyPI), keras {vers['keras']} (backend {vers['backend']}, floatx {vers['floatx']}), "
        "`TF_ENABLE_ONEDNN_OPTS=0`.",
        "",
        f"Data: `numpy.random.default_rng({DATA_SEED})`: x_train = rng.random((100, 3)), y_train = "
        "rng.integers(0, 3, 100), x_val, y_val likewise, then two sample-weight vectors "
        "2·rng.random(100) (train, validation); all float32 / int64 (`data.json`).",
        f"Initial weights: `keras.utils.set_random_seed({INIT_SEED})` then the architecture is built "
        "(Dense kernels glorot_uniform, biases zeros); every scenario starts from these saved "
        "weights. `keras.utils.set_random_seed"
        f"({FIT_SEED})` before every `fit` (fixes the shuffle order).",
        "",
        "Every scenario compiles `loss=keras.losses.sparse_categorical_crossentropy`, "
        "`metrics=[SparseCategoricalAccuracy(name='accuracy')]`, "
        "`weighted_metrics=[SparseCategoricalAccuracy(name='weighted_accuracy')]`, "
        "`optimizer='adam'` (Keras defaults); frozen scenarios then set `layer.trainable = False` "
        "for every layer after `compile`, as the thread did. The weights after every epoch are "
        "saved; the script asserts that frozen weights are bit-identical to the initial ones.",
        "",
        "Final-epoch numbers (`histories.json` has every epoch):",
        "",
        "| scenario | fit call | loss | accuracy | weighted_accuracy | val_loss | val_accuracy | val_weighted_accuracy |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        h = r["history"]
        cells = [f"{h[k][-1]:.9g}" for k in ("loss", "accuracy", "weighted_accuracy", "val_loss",
                                             "val_accuracy", "val_weighted_accuracy")]
        lines.append(f"| {r['name']} | `{r['call']}` | " + " | ".join(cells) + " |")
    lines += [
        "",
        "The thread's own sequence (`sequence` in `histories.json`): one model, compiled, frozen "
        "after compile, then the three fits in a row (epochs=1, shuffled):",
        "",
        "| fit | loss | accuracy | weighted_accuracy | val_loss | val_accuracy | val_weighted_accuracy |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in sequence["fits"]:
        h = f["history"]
        what = (f"class_weight={f['class_weight']}" if f["class_weight"] is not None
                else f"sample_weight={f['sample_weight']}, val_sample_weight={f['val_sample_weight']}")
        cells = [f"{h[k][-1]:.9g}" for k in ("loss", "accuracy", "weighted_accuracy", "val_loss",
                                             "val_accuracy", "val_weighted_accuracy")]
        lines.append(f"| `{what}` | " + " | ".join(cells) + " |")
    lines += [
        "",
        "The Rust trainer (`reweigh_train`) reproduces every number in "
        "`crates/reweigh-ledger/tests/keras_experiment.rs` (frozen runs to 1e-6, trained runs to 1e-5, float32), and "
        "`snapshots/keras_experiment_history@*.snap` lock its histories. The verdicts on the "
        "thread's conclusions, computed from these Keras numbers at a tolerance of 1e-6 "
        "(the ledger's checks, `reweigh_ledger::Check`), are in `snapshots/keras_experiment_verdicts.snap`.",
        "",
    ]
    return "\n".join(lines)


def main():
    os.makedirs(OUT, exist_ok=True)
    data = make_data()
    init = initial_weights()
    results = [run(sc, data, init) for sc in SCENARIOS]
    sequence = run_sequence(data, init)
    vers = versions()
    with open(os.path.join(OUT, "data.json"), "w") as f:
        json.dump({
            "generator": SCRIPT,
            "seeds": {"data": DATA_SEED, "init": INIT_SEED, "fit": FIT_SEED},
            "x_train": f32list(data["x_train"]), "y_train": intlist(data["y_train"]),
            "x_val": f32list(data["x_val"]), "y_val": intlist(data["y_val"]),
            "sample_weights": {k: f32list(data[k]) for k in ("zeros", "sw_train_random", "sw_val_random")},
            "architectures": {
                arch: {
                    "layers": [{"units": u, "activation": a} for u, a in ARCHS[arch]],
                    "initial_weights": [f32list(w) for w in init[arch]],
                }
                for arch in ARCHS
            },
        }, f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "histories.json"), "w") as f:
        json.dump({"generator": SCRIPT, "scenarios": results, "sequence": sequence}, f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "versions.json"), "w") as f:
        json.dump(vers, f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(readme(results, sequence, vers))
    for r in results:
        print(r["name"], {k: v[-1] for k, v in r["history"].items()})


if __name__ == "__main__":
    sys.exit(main())
