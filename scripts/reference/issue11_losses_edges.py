"""Framework numbers for the loss edges of issue 11 (#19, #20), printed as JSON.

Run with the reference virtualenv: ~/.cache/reweigh/ref-venv/bin/python scripts/reference/issue11_losses_edges.py
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import torch  # noqa: E402  (torch before tensorflow)
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

out = {}


def keras_value_grad(loss, y, p, dtype):
    y = tf.constant(y, dtype=dtype)
    p = tf.Variable(np.array(p), dtype=dtype)
    with tf.GradientTape() as tape:
        v = loss(y, p)
    g = tape.gradient(v, p)
    return float(v.numpy()), [[float(a) for a in row] for row in g.numpy()]


# issue 11 #20: categorical focal loss from probabilities, +inf probability on a zero-label class
for dtype in ["float32", "float64"]:
    loss = keras.losses.CategoricalFocalCrossentropy(from_logits=False, dtype=dtype)
    for name, p in [
        ("inf_on_zero_label", [[0.3, np.inf, 0.2]]),
        ("inf_on_label", [[np.inf, 0.3, 0.2]]),
        ("nan_on_zero_label", [[0.3, np.nan, 0.2]]),
    ]:
        v, g = keras_value_grad(loss, [[1.0, 0.0, 0.0]], p, dtype)
        out[f"focal_probs_{name}_{dtype}"] = {"value": v, "grad": g}

# issue 11 #19: smoothing with a -inf logit on the label, eps = 1 (Keras/TF form)
for dtype in ["float32", "float64"]:
    loss = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=1.0, dtype=dtype)
    v, g = keras_value_grad(loss, [[1.0, 0.0, 0.0]], [[-np.inf, 0.5, 1.0]], dtype)
    out[f"cce_eps1_neginf_on_label_{dtype}"] = {"value": v, "grad": g}
# near-overflow logits with eps = 0.1
loss = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1, dtype="float64")
v, g = keras_value_grad(loss, [[1.0, 0.0, 0.0, 0.0]], [[1e308, -1.0, 0.0, 0.5]], "float64")
out["cce_eps01_1e308_float64"] = {"value": v, "grad": g}
t = torch.tensor([[1e308, -1.0, 0.0, 0.5]], dtype=torch.float64, requires_grad=True)
tv = torch.nn.functional.cross_entropy(t, torch.tensor([0]), label_smoothing=0.1)
tv.backward()
out["torch_ce_eps01_1e308_float64"] = {"value": float(tv), "grad": t.grad.tolist()}
t = torch.tensor([[-np.inf, 0.5, 1.0]], dtype=torch.float64, requires_grad=True)
tv = torch.nn.functional.cross_entropy(t, torch.tensor([0]), label_smoothing=1.0)
tv.backward()
out["torch_ce_eps1_neginf_on_label_float64"] = {"value": float(tv), "grad": t.grad.tolist()}

print(json.dumps(out, indent=1))
