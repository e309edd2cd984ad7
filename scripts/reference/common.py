"""Shared helpers for the golden-case generators (see data/reference/README.md for the schema).

Every generator imports this module, builds cases with `case(...)` and writes them with
`CaseFile(family).write()`. Import torch before tensorflow (the other order aborts with an
LLVM CommandLine error).
"""
import json
import math
import os
import platform
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "data", "reference")


def _enc(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x  # repr round-trips float64 exactly; float32 values are exact in float64


def arr(a, dtype=None):
    """Encodes an array (or scalar) as {"shape": [...], "data": [...]} in C order."""
    a = np.asarray(a)
    if dtype is not None:
        a = a.astype(dtype)
    if a.dtype.kind in "iub":
        data = [int(v) for v in a.reshape(-1)]
    else:
        data = [_enc(v) for v in a.reshape(-1)]
    return {"shape": list(a.shape), "data": data}


def versions():
    out = {"python": platform.python_version(), "numpy": np.__version__}
    for mod in ("torch", "torchvision", "tensorflow", "keras", "sklearn", "imblearn", "jax",
                "optax", "timm", "pytorch_optimizer", "segmentation_models_pytorch", "kornia"):
        m = sys.modules.get(mod)
        if m is not None:
            out[mod] = getattr(m, "__version__", "?")
    return out


def case(id, loss, framework, call, dtype, inputs, params, value=None, grad=None, tolerance=None,
         expect_error=None, note=None):
    """One golden case. `value`/`grad` are numpy arrays (value 0-d for a reduced loss)."""
    c = {
        "id": id,
        "loss": loss,
        "framework": framework,
        "framework_version": versions().get(framework.split(".")[0], "?") if framework else None,
        "call": call,
        "dtype": dtype,
        "inputs": {k: arr(v) for k, v in inputs.items() if v is not None},
        "params": params,
    }
    if expect_error is not None:
        c["expect_error"] = expect_error
    else:
        c["expected"] = {"value": arr(value), "grad": None if grad is None else arr(grad)}
    if tolerance is not None:
        c["tolerance"] = tolerance
    if note is not None:
        c["note"] = note
    return c


class CaseFile:
    def __init__(self, family, generator):
        self.family = family
        self.generator = generator
        self.cases = []
        self._ids = set()

    def add(self, c):
        if c["id"] in self._ids:
            raise ValueError(f"duplicate case id {c['id']}")
        self._ids.add(c["id"])
        self.cases.append(c)

    def write(self):
        os.makedirs(OUT, exist_ok=True)
        path = os.path.join(OUT, f"{self.family}.json")
        doc = {
            "schema": 1,
            "family": self.family,
            "generator": self.generator,
            "versions": versions(),
            "cases": self.cases,
        }
        with open(path, "w") as f:
            json.dump(doc, f, indent=None, separators=(",", ":"), allow_nan=False)
            f.write("\n")
        print(f"{path}: {len(self.cases)} cases")


def torch_value_grad(fn, x_np, dtype):
    """Runs a torch loss `fn(x)` and returns (value, grad of value.sum() w.r.t. x)."""
    import torch
    tdt = {"float32": torch.float32, "float64": torch.float64}[dtype]
    x = torch.tensor(np.asarray(x_np), dtype=tdt, requires_grad=True)
    v = fn(x)
    v.sum().backward()
    return v.detach().numpy(), x.grad.numpy()


def tf_value_grad(fn, x_np, dtype):
    """Runs a TensorFlow/Keras loss `fn(x)` and returns (value, grad of reduce_sum(value))."""
    import tensorflow as tf
    x = tf.Variable(np.asarray(x_np).astype(dtype))
    with tf.GradientTape() as tape:
        v = fn(x)
        s = tf.reduce_sum(v)
    g = tape.gradient(s, x)
    return v.numpy(), (None if g is None else np.asarray(g))


def t(a, dtype):
    """A torch tensor of the case dtype."""
    import torch
    tdt = {"float32": torch.float32, "float64": torch.float64}[dtype]
    return torch.tensor(np.asarray(a), dtype=tdt)


EXTREME = [1e4, -1e4, 88.0, -88.0, 1e30, -1e30, 30.0, -30.0, 0.0]
