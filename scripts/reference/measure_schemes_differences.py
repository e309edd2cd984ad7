"""Measures the framework behaviours quoted in tests/robustness_schemes.rs and in the table
"Deliberate differences from the frameworks" of data/reference/README.md (issue 11): not a
golden-case generator (generate.sh runs gen_*.py only); run it by hand with the reference
virtualenv's python and compare its output with the quotes.

    PYTHONHASHSEED=0 TF_CPP_MIN_LOG_LEVEL=3 ~/.cache/reweigh/ref-venv/bin/python \
        scripts/reference/measure_schemes_differences.py
"""
import warnings

import numpy as np
from sklearn.metrics import balanced_accuracy_score
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight


def show(what, fn):
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            print(f"{what}: {fn()!r}", [str(x.message) for x in w] or "")
    except Exception as e:  # noqa: BLE001 - the message is what is measured
        print(f"{what}: {type(e).__name__}: {e}")


# scikit-learn: continuous labels, zero total sample weight, dict keys that are not classes
show("balanced_accuracy_score([0.4, 0.6], [0.6, 0.4])",
     lambda: balanced_accuracy_score([0.4, 0.6], [0.6, 0.4]))
show("balanced_accuracy_score([0., 1.], [1., 1.])", lambda: balanced_accuracy_score([0.0, 1.0], [1.0, 1.0]))
show("compute_sample_weight('balanced', [0.5, 1.0])", lambda: compute_sample_weight("balanced", [0.5, 1.0]))
show("compute_class_weight('balanced', [0, 1], [0, 1], sample_weight=[0, 1])",
     lambda: compute_class_weight("balanced", classes=np.array([0, 1]), y=np.array([0, 1]),
                                  sample_weight=np.array([0.0, 1.0])))
show("compute_class_weight({0: 1, 1: 2, 5: 3}, [0, 1], [0, 1])",
     lambda: compute_class_weight({0: 1.0, 1: 2.0, 5: 3.0}, classes=np.array([0, 1]), y=np.array([0, 1])))
show("compute_class_weight({0: 1, 5: 3}, [0, 1], [0, 1])",
     lambda: compute_class_weight({0: 1.0, 5: 3.0}, classes=np.array([0, 1]), y=np.array([0, 1])))


# Python's binding of call arguments (Scheme::from_str mirrors it)
def log_smoothed(mu=0.15, floor=1.0):
    return mu, floor


def effective_number(beta=0.9999):
    return beta


def balanced():
    return None


for call in ["log_smoothed(2, mu=0.1)", "log_smoothed(1, 2, 3)", "log_smoothed(x=1)",
             "effective_number(1, 2)", "balanced(1)", "log_smoothed(mu=1, mu=2)",
             "log_smoothed(floor=3, 0.2)", "log_smoothed(0.2,)"]:
    try:
        print(call, "->", eval(call))  # noqa: S307 - fixed strings
    except (TypeError, SyntaxError) as e:
        print(call, "->", type(e).__name__, getattr(e, "msg", None) or e)

# TensorFlow: unique sampling beyond the range, and huge ranges
import tensorflow as tf  # noqa: E402

show("log_uniform_candidate_sampler([[0]], 1, 11, True, 10)",
     lambda: tf.random.log_uniform_candidate_sampler([[0]], 1, 11, True, 10))
for r in [2**53 + 10, 2**60]:
    s, t, q = tf.random.log_uniform_candidate_sampler(tf.constant([[r - 1]], tf.int64), 1, 3, True, r,
                                                      seed=1)
    print(f"range_max {r}: true_expected_count of class {r - 1} = {t.numpy()[0, 0]!r}")
