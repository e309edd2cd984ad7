"""Golden cases: softmax cross-entropy from logits, integer and probability targets.

torch.nn.CrossEntropyLoss / F.cross_entropy (weight, ignore_index, label_smoothing, probability
targets), tf.nn.(sparse_)softmax_cross_entropy_with_logits (extreme logits),
keras.losses.(Sparse)CategoricalCrossentropy(from_logits=True) (label_smoothing, ignore_class,
sample weights, temporal 3-D), tf.compat.v1.losses.(sparse_)softmax_cross_entropy (weights, all
five reductions), and the worked examples of Stack Overflow 44560549 (shared/seeds/000).

Losses: "softmax_cross_entropy" (probability targets, reweigh SoftmaxCrossEntropy) and
"sparse_softmax_cross_entropy" (integer targets, reweigh SparseSoftmaxCrossEntropy).
"""
import numpy as np
import torch  # before tensorflow
import torch.nn.functional as F
import tensorflow as tf
import keras

from common import CaseFile, case, t, torch_value_grad, tf_value_grad

FAMILY = "softmax"
cf = CaseFile(FAMILY, "scripts/reference/gen_softmax.py")
rng = np.random.default_rng(20261124)
N, C = 6, 5
DTYPES = ("float32", "float64")
DENSE, SPARSE = "softmax_cross_entropy", "sparse_softmax_cross_entropy"
TORCH_RED = {"none": "none", "sum": "sum", "mean": "weighted_mean"}
KERAS_RED = {"none": "none", "sum": "sum", "sum_over_batch_size": "sum_over_batch_size",
             "mean_with_sample_weight": "weighted_mean"}
R1 = tf.compat.v1.losses.Reduction
TF1_RED = {R1.NONE: "none", R1.SUM: "sum", R1.MEAN: "weighted_mean",
           R1.SUM_OVER_BATCH_SIZE: "sum_over_batch_size",
           R1.SUM_BY_NONZERO_WEIGHTS: "sum_by_nonzero_weights"}
TF1_F64_TOL = {"rel": 2e-6, "why": "tf.compat.v1.losses reduces in float32 even for float64 input"}
POS_W = np.array([0.5, 2.0, 1.0, 3.0, 0.25])
NEG_W = np.array([1.5, -0.5, 2.0, 0.8, -0.25])


def logits(shape, scale=2.0):
    return rng.normal(0, scale, shape)


def int_labels(shape):
    return rng.integers(0, C, shape)


def soft_labels(shape):
    return rng.dirichlet(np.ones(shape[-1]), shape[:-1])


def onehot(y, c=C):
    return np.eye(c)[y]


def sparse_params(red, on_zero, cw=None, ignore_index=None, ignore_class=None, ls=0.0,
                  form="keras_tf", by_predicted=False, dtype=None):
    return {"class_weights": None if cw is None else np.asarray(cw).astype(dtype).tolist(),
            "weight_by_predicted": by_predicted, "ignore_index": ignore_index,
            "ignore_class": ignore_class, "label_smoothing": ls, "smoothing_form": form,
            "reduction": red, "on_zero": on_zero}


def dense_params(red, on_zero, cw=None, ls=0.0, form="keras_tf", ignore_index=None, dtype=None):
    return {"class_weights": None if cw is None else np.asarray(cw).astype(dtype).tolist(),
            "label_smoothing": ls, "smoothing_form": form, "ignore_index": ignore_index,
            "reduction": red, "on_zero": on_zero}


def error_of(fn):
    try:
        fn()
    except Exception as e:  # the framework's own message is the expectation
        return f"{type(e).__name__}: {str(e).strip().splitlines()[0][:300]}"
    raise AssertionError("the framework did not raise")


def torch_ce(y, dtype, **kw):
    """F.cross_entropy on class-last logits (torch wants the class axis at dim 1)."""
    def fn(xx):
        target = torch.tensor(y) if np.asarray(y).dtype.kind == "i" else t(y, dtype).movedim(-1, 1)
        if "weight" in kw and kw["weight"] is not None:
            kw2 = dict(kw, weight=t(kw["weight"], dtype))
        else:
            kw2 = {k: v for k, v in kw.items() if k != "weight"}
        return F.cross_entropy(xx.movedim(-1, 1), target, **kw2)
    return fn


# --- torch, integer targets ------------------------------------------------------------------------
for dtype in DTYPES:
    for red in ("none", "sum", "mean"):
        for wn, w in {"none": None, "pos": POS_W, "neg": NEG_W}.items():
            for ign in ("none", "default", "class2"):
                for ls in (0.0, 0.1):
                    while True:
                        x = logits((N, C)); y = int_labels(N)
                        if ign == "default":
                            y[[1, 4]] = -100
                        elif ign == "class2":
                            y[[0, 3]] = 2
                        valid = y != (2 if ign == "class2" else -100)
                        if w is None or abs(w[y[valid]].sum()) > 0.5:
                            break
                    ii = 2 if ign == "class2" else -100
                    kw = {"weight": w, "reduction": red, "ignore_index": ii, "label_smoothing": ls}
                    v, g = torch_value_grad(torch_ce(y, dtype, **kw), x, dtype)
                    cf.add(case(
                        f"torch/cross_entropy/{dtype}/{red}/w_{wn}/ignore_{ign}/ls{ls}", SPARSE, "torch",
                        f"torch.nn.CrossEntropyLoss(weight=w, ignore_index={ii}, label_smoothing={ls}, reduction={red!r})(x, y)",
                        dtype, {"logits": x.astype(dtype), "labels": y},
                        sparse_params(TORCH_RED[red], "nan", w, ignore_index=ii, ls=ls, form="pytorch", dtype=dtype),
                        v, g))

# temporal (N, T, C) logits with (N, T) targets: torch's K-dimensional case, class axis moved last
for dtype in DTYPES:
    for red in ("none", "sum", "mean"):
        for ls in (0.0, 0.2):
            x = logits((3, 4, C)); y = int_labels((3, 4)); y[0, 1] = y[2, 3] = -100
            kw = {"weight": POS_W, "reduction": red, "label_smoothing": ls}
            v, g = torch_value_grad(torch_ce(y, dtype, **kw), x, dtype)
            cf.add(case(
                f"torch/cross_entropy/{dtype}/{red}/temporal/ls{ls}", SPARSE, "torch",
                f"torch.nn.CrossEntropyLoss(weight=w, label_smoothing={ls}, reduction={red!r})(x.movedim(-1, 1), y)",
                dtype, {"logits": x.astype(dtype), "labels": y},
                sparse_params(TORCH_RED[red], "nan", POS_W, ignore_index=-100, ls=ls, form="pytorch", dtype=dtype),
                v, g, note="logits (N, T, C), targets (N, T); torch computed on x.movedim(-1, 1)"))

# every target ignored: mean is NaN (0/0) while torch's gradient is zero; sum is 0
for dtype in DTYPES:
    for red in ("none", "sum", "mean"):
        for wn, w in {"none": None, "pos": POS_W}.items():
            for ls in (0.0, 0.2):
                x = logits((4, C)); y = np.full(4, -100)
                kw = {"weight": w, "reduction": red, "label_smoothing": ls}
                v, g = torch_value_grad(torch_ce(y, dtype, **kw), x, dtype)
                cf.add(case(
                    f"torch/cross_entropy/{dtype}/{red}/all_ignored/w_{wn}/ls{ls}", SPARSE, "torch",
                    f"torch.nn.CrossEntropyLoss(weight=w, label_smoothing={ls}, reduction={red!r})(x, full(4, -100))",
                    dtype, {"logits": x.astype(dtype), "labels": y},
                    sparse_params(TORCH_RED[red], "nan", w, ignore_index=-100, ls=ls, form="pytorch", dtype=dtype),
                    v, g, note="all targets ignored: torch's mean is nan, its gradient zero"))

# all-zero class weights: mean is NaN with a NaN gradient on the rows that are not ignored
for dtype in DTYPES:
    for red in ("none", "sum", "mean"):
        for ls in (0.0, 0.1):
            x = logits((4, C)); y = int_labels(4); y[2] = -100
            w = np.zeros(C)
            kw = {"weight": w, "reduction": red, "label_smoothing": ls}
            v, g = torch_value_grad(torch_ce(y, dtype, **kw), x, dtype)
            cf.add(case(
                f"torch/cross_entropy/{dtype}/{red}/zero_class_weights/ls{ls}", SPARSE, "torch",
                f"torch.nn.CrossEntropyLoss(weight=zeros(C), label_smoothing={ls}, reduction={red!r})(x, y)",
                dtype, {"logits": x.astype(dtype), "labels": y},
                sparse_params(TORCH_RED[red], "nan", w, ignore_index=-100, ls=ls, form="pytorch", dtype=dtype),
                v, g, note="mean is 0/0 = nan; rows not ignored get a nan gradient, the ignored row zero"))

# --- torch, probability targets --------------------------------------------------------------------
for dtype in DTYPES:
    for red in ("none", "sum", "mean"):
        for wn, w in {"none": None, "pos": POS_W, "neg": NEG_W}.items():
            for ls in (0.0, 0.2):
                x = logits((N, C)); y = soft_labels((N, C))
                kw = {"weight": w, "reduction": red, "label_smoothing": ls}
                v, g = torch_value_grad(torch_ce(y, dtype, **kw), x, dtype)
                cf.add(case(
                    f"torch/cross_entropy_prob/{dtype}/{red}/w_{wn}/ls{ls}", DENSE, "torch",
                    f"torch.nn.CrossEntropyLoss(weight=w, label_smoothing={ls}, reduction={red!r})(x, p)",
                    dtype, {"logits": x.astype(dtype), "labels": y.astype(dtype)},
                    dense_params(TORCH_RED[red], "nan", w, ls=ls, form="pytorch", dtype=dtype),
                    v, g, note="probability targets: the weighted mean divides by N, not by the weights"))
    # one-hot float targets and a temporal (N, T, C) probability target
    x = logits((N, C)); yi = int_labels(N); y = onehot(yi)
    v, g = torch_value_grad(torch_ce(y, dtype, weight=POS_W, label_smoothing=0.1), x, dtype)
    cf.add(case(f"torch/cross_entropy_prob/{dtype}/mean/onehot/w_pos/ls0.1", DENSE, "torch",
                "torch.nn.CrossEntropyLoss(weight=w, label_smoothing=0.1)(x, one_hot(y).double())",
                dtype, {"logits": x.astype(dtype), "labels": y.astype(dtype)},
                dense_params("weighted_mean", "nan", POS_W, ls=0.1, form="pytorch", dtype=dtype), v, g))
    x = logits((3, 4, C)); y = soft_labels((3, 4, C))
    v, g = torch_value_grad(torch_ce(y, dtype, weight=POS_W), x, dtype)
    cf.add(case(f"torch/cross_entropy_prob/{dtype}/mean/temporal/w_pos", DENSE, "torch",
                "torch.nn.CrossEntropyLoss(weight=w)(x.movedim(-1, 1), p.movedim(-1, 1))",
                dtype, {"logits": x.astype(dtype), "labels": y.astype(dtype)},
                dense_params("weighted_mean", "nan", POS_W, form="pytorch", dtype=dtype), v, g))

# --- torch errors ------------------------------------------------------------------------------------
for dtype in DTYPES:
    x = logits((4, C))
    y = np.array([0, C, 1, 2])
    msg = error_of(lambda: F.cross_entropy(t(x, dtype), torch.tensor(y)))
    cf.add(case(f"torch/cross_entropy/{dtype}/error/target_out_of_range", SPARSE, "torch",
                "torch.nn.CrossEntropyLoss()(x, [0, 5, 1, 2]) with 5 classes", dtype,
                {"logits": x.astype(dtype), "labels": y},
                sparse_params("weighted_mean", "nan", ignore_index=-100, form="pytorch"), expect_error=msg))
    y = np.array([0, -1, 1, 2])
    msg = error_of(lambda: F.cross_entropy(t(x, dtype), torch.tensor(y)))
    cf.add(case(f"torch/cross_entropy/{dtype}/error/negative_target", SPARSE, "torch",
                "torch.nn.CrossEntropyLoss()(x, [0, -1, 1, 2])", dtype,
                {"logits": x.astype(dtype), "labels": y},
                sparse_params("weighted_mean", "nan", ignore_index=-100, form="pytorch"), expect_error=msg))
    y = np.array([0, 3, 1, 2]); w = np.ones(C - 1)
    msg = error_of(lambda: F.cross_entropy(t(x, dtype), torch.tensor(y), weight=t(w, dtype)))
    cf.add(case(f"torch/cross_entropy/{dtype}/error/weight_length", SPARSE, "torch",
                "torch.nn.CrossEntropyLoss(weight=ones(4))(x, y) with 5 classes", dtype,
                {"logits": x.astype(dtype), "labels": y},
                sparse_params("weighted_mean", "nan", w, ignore_index=-100, form="pytorch", dtype=dtype),
                expect_error=msg))
    msg = error_of(lambda: F.cross_entropy(t(x, dtype), torch.tensor(y), label_smoothing=1.5))
    cf.add(case(f"torch/cross_entropy/{dtype}/error/label_smoothing_1.5", SPARSE, "torch",
                "torch.nn.CrossEntropyLoss(label_smoothing=1.5)(x, y)", dtype,
                {"logits": x.astype(dtype), "labels": y},
                sparse_params("weighted_mean", "nan", ignore_index=-100, ls=1.5, form="pytorch"),
                expect_error=msg))
    p = soft_labels((4, C))
    msg = error_of(lambda: F.cross_entropy(t(x, dtype), t(p, dtype), ignore_index=1))
    cf.add(case(f"torch/cross_entropy_prob/{dtype}/error/ignore_index_float_target", DENSE, "torch",
                "torch.nn.CrossEntropyLoss(ignore_index=1)(x, p)", dtype,
                {"logits": x.astype(dtype), "labels": p.astype(dtype)},
                dense_params("weighted_mean", "nan", ignore_index=1, form="pytorch"), expect_error=msg))
    msg = error_of(lambda: F.cross_entropy(t(x, dtype), t(p, dtype), weight=t(w, dtype)))
    cf.add(case(f"torch/cross_entropy_prob/{dtype}/error/weight_length", DENSE, "torch",
                "torch.nn.CrossEntropyLoss(weight=ones(4))(x, p) with 5 classes", dtype,
                {"logits": x.astype(dtype), "labels": p.astype(dtype)},
                dense_params("weighted_mean", "nan", w, form="pytorch", dtype=dtype), expect_error=msg))

# --- tf.nn with extreme logits ---------------------------------------------------------------------
EXTREME_ROWS = [[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [88.0, -88.0, 0.0], [-88.0, 88.0, 0.0],
                [1e30, -1e30, 0.0], [-1e30, 1e30, 0.0], [3e38, 3e38, 0.0], [0.0, 0.0, 0.0]]
for dtype in DTYPES:
    x = np.array(EXTREME_ROWS)
    p = soft_labels(x.shape)
    p[0] = [0.0, 1.0, 0.0]  # loss 2e4
    p[4] = [0.0, 0.0, 1.0]  # loss 1e30
    fn = lambda xx: tf.nn.softmax_cross_entropy_with_logits(labels=p.astype(dtype), logits=xx)
    v, g = tf_value_grad(fn, x, dtype)
    cf.add(case(f"tf/softmax_ce_with_logits/{dtype}/extreme", DENSE, "tensorflow",
                "tf.nn.softmax_cross_entropy_with_logits(labels=p, logits=x)", dtype,
                {"logits": x.astype(dtype), "labels": p.astype(dtype)}, dense_params("none", "zero"), v, g))
    # non-finite logits: -inf gives inf where the label is positive and nan (0*inf) where it is 0
    x = np.array([[-np.inf, 1.0, 2.0], [-np.inf, 1.0, 2.0], [np.inf, 0.0, 1.0], [np.nan, 0.0, 1.0]])
    p = np.array([[0.2, 0.3, 0.5], [0.0, 0.4, 0.6], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]])
    fn = lambda xx: tf.nn.softmax_cross_entropy_with_logits(labels=p.astype(dtype), logits=xx)
    v, g = tf_value_grad(fn, x, dtype)
    cf.add(case(f"tf/softmax_ce_with_logits/{dtype}/non_finite", DENSE, "tensorflow",
                "tf.nn.softmax_cross_entropy_with_logits(labels=p, logits=x) with -inf, inf, nan logits", dtype,
                {"logits": x.astype(dtype), "labels": p.astype(dtype)}, dense_params("none", "zero"), v, g))
    # labels that do not sum to 1: the loss is -sum y log p; TF's gradient is p - y (not the
    # derivative (sum y) p - y), so only the value is compared (data/reference/README.md).
    x = logits((4, C)); p = rng.uniform(0, 1, (4, C))
    v, _ = tf_value_grad(lambda xx: tf.nn.softmax_cross_entropy_with_logits(labels=p.astype(dtype), logits=xx), x, dtype)
    cf.add(case(f"tf/softmax_ce_with_logits/{dtype}/unnormalised_labels", DENSE, "tensorflow",
                "tf.nn.softmax_cross_entropy_with_logits(labels=u, logits=x), u not summing to 1", dtype,
                {"logits": x.astype(dtype), "labels": p.astype(dtype)}, dense_params("none", "zero"), v, None,
                note="TF's gradient p - y is wrong when labels do not sum to 1; value only"))
    # torch agrees on the unnormalised value and differentiates it correctly
    v, g = torch_value_grad(torch_ce(p, dtype, reduction="none"), x, dtype)
    cf.add(case(f"torch/cross_entropy_prob/{dtype}/none/unnormalised_labels", DENSE, "torch",
                "torch.nn.CrossEntropyLoss(reduction='none')(x, u), u not summing to 1", dtype,
                {"logits": x.astype(dtype), "labels": p.astype(dtype)}, dense_params("none", "nan", form="pytorch"),
                v, g))

    # sparse: extreme rows, a -inf logit off and on the target, +inf
    x = np.array(EXTREME_ROWS + [[-np.inf, 1.0, 2.0], [-np.inf, 1.0, 2.0], [np.inf, 0.0, 1.0]])
    y = np.array([1, 1, 1, 0, 1, 2, 2, 0, 2, 0, 1])
    fn = lambda xx: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=xx)
    v, g = tf_value_grad(fn, x, dtype)
    cf.add(case(f"tf/sparse_softmax_ce_with_logits/{dtype}/extreme", SPARSE, "tensorflow",
                "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x)", dtype,
                {"logits": x.astype(dtype), "labels": y}, sparse_params("none", "zero"), v, g,
                note="-inf on a non-target class stays finite; on the target it is inf; +inf gives nan"))
    v, g = torch_value_grad(torch_ce(y, dtype, reduction="none"), x, dtype)
    cf.add(case(f"torch/cross_entropy/{dtype}/none/extreme", SPARSE, "torch",
                "torch.nn.CrossEntropyLoss(reduction='none')(x, y)", dtype,
                {"logits": x.astype(dtype), "labels": y},
                sparse_params("none", "nan", ignore_index=-100, form="pytorch"), v, g))
    msg = error_of(lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=np.array([0, 3]), logits=np.zeros((2, 3), dtype)))
    cf.add(case(f"tf/sparse_softmax_ce_with_logits/{dtype}/error/label_out_of_range", SPARSE, "tensorflow",
                "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 3], logits=zeros((2, 3)))", dtype,
                {"logits": np.zeros((2, 3), dtype), "labels": np.array([0, 3])}, sparse_params("none", "zero"),
                expect_error=msg))

# --- Keras 3 -------------------------------------------------------------------------------------------
def keras_call(loss, y_true, sw, dtype):
    if sw is None:
        return lambda xx: loss(y_true, xx)
    return lambda xx: loss(y_true, xx, sample_weight=sw.astype(dtype))


for dtype in DTYPES:
    for red in KERAS_RED:
        for swn in ("none", "per_sample", "zeros"):
            for ls in (0.0, 0.1):
                if swn == "zeros" and ls > 0:
                    continue
                sw = {"none": None, "per_sample": rng.uniform(0, 3, N), "zeros": np.zeros(N)}[swn]
                x = logits((N, C)); y = onehot(int_labels(N))
                loss = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=ls,
                                                            reduction=red, dtype=dtype)
                v, g = tf_value_grad(keras_call(loss, y.astype(dtype), sw, dtype), x, dtype)
                cf.add(case(f"keras/categorical_crossentropy/{dtype}/{red}/sw_{swn}/ls{ls}", DENSE, "keras",
                            f"keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing={ls}, reduction={red!r})(y, x, sample_weight=sw)",
                            dtype, {"logits": x.astype(dtype), "labels": y.astype(dtype), "sample_weight": sw},
                            dense_params(KERAS_RED[red], "zero", ls=ls), v, g))
        # soft labels
        x = logits((N, C)); y = soft_labels((N, C)); sw = rng.uniform(0, 2, N)
        loss = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, reduction=red, dtype=dtype)
        v, g = tf_value_grad(keras_call(loss, y.astype(dtype), sw, dtype), x, dtype)
        cf.add(case(f"keras/categorical_crossentropy/{dtype}/{red}/sw_per_sample/soft/ls0.2", DENSE, "keras",
                    f"keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, reduction={red!r})(p, x, sample_weight=sw)",
                    dtype, {"logits": x.astype(dtype), "labels": y.astype(dtype), "sample_weight": sw},
                    dense_params(KERAS_RED[red], "zero", ls=0.2), v, g))

        for swn in ("none", "per_sample", "zeros"):
            for ign in (None, -1, 2):
                sw = {"none": None, "per_sample": rng.uniform(0, 3, N), "zeros": np.zeros(N)}[swn]
                x = logits((N, C)); y = int_labels(N)
                if ign == -1:
                    y[[0, 3]] = -1
                elif ign == 2:
                    y[[1, 2]] = 2
                loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=ign,
                                                                  reduction=red, dtype=dtype)
                v, g = tf_value_grad(keras_call(loss, y, sw, dtype), x, dtype)
                cf.add(case(f"keras/sparse_categorical_crossentropy/{dtype}/{red}/sw_{swn}/ignore_{ign}", SPARSE, "keras",
                            f"keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class={ign}, reduction={red!r})(y, x, sample_weight=sw)",
                            dtype, {"logits": x.astype(dtype), "labels": y, "sample_weight": sw},
                            sparse_params(KERAS_RED[red], "zero", ignore_class=ign), v, g))
        # every label ignored: 0 for every reduction
        x = logits((4, C)); y = np.full(4, -1)
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1, reduction=red, dtype=dtype)
        v, g = tf_value_grad(keras_call(loss, y, None, dtype), x, dtype)
        cf.add(case(f"keras/sparse_categorical_crossentropy/{dtype}/{red}/all_ignored", SPARSE, "keras",
                    f"keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1, reduction={red!r})(full(4, -1), x)",
                    dtype, {"logits": x.astype(dtype), "labels": y}, sparse_params(KERAS_RED[red], "zero", ignore_class=-1),
                    v, g))

        # temporal: (N, T, C) logits, (N, T) labels and sample weights (sample_weight_mode="temporal")
        x = logits((3, 4, C)); yi = int_labels((3, 4)); sw = rng.uniform(0, 2, (3, 4)); sw[1, 2] = 0.0
        loss = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1, reduction=red, dtype=dtype)
        v, g = tf_value_grad(keras_call(loss, onehot(yi).astype(dtype), sw, dtype), x, dtype)
        cf.add(case(f"keras/categorical_crossentropy/{dtype}/{red}/temporal/ls0.1", DENSE, "keras",
                    f"keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1, reduction={red!r})(one_hot(y), x, sample_weight=sw)",
                    dtype, {"logits": x.astype(dtype), "labels": onehot(yi).astype(dtype), "sample_weight": sw},
                    dense_params(KERAS_RED[red], "zero", ls=0.1), v, g, note="logits (3, 4, 5), sample_weight (3, 4)"))
        for ign in (None, -1):
            y = yi.copy()
            if ign == -1:
                y[0, 0] = y[2, 1] = y[2, 3] = -1
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=ign, reduction=red, dtype=dtype)
            v, g = tf_value_grad(keras_call(loss, y, sw, dtype), x, dtype)
            cf.add(case(f"keras/sparse_categorical_crossentropy/{dtype}/{red}/temporal/ignore_{ign}", SPARSE, "keras",
                        f"keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class={ign}, reduction={red!r})(y, x, sample_weight=sw)",
                        dtype, {"logits": x.astype(dtype), "labels": y, "sample_weight": sw},
                        sparse_params(KERAS_RED[red], "zero", ignore_class=ign), v, g,
                        note="logits (3, 4, 5), labels and sample_weight (3, 4)"))

        # class weights with label smoothing, Keras/TF form: CategoricalCrossentropy on the one-hot
        # label with sample_weight = w[y] (what fit(class_weight=...) passes)
        for ls in (0.1, 0.3):
            x = logits((N, C)); y = int_labels(N)
            loss = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=ls, reduction=red, dtype=dtype)
            v, g = tf_value_grad(keras_call(loss, onehot(y).astype(dtype), POS_W[y], dtype), x, dtype)
            cf.add(case(f"keras/categorical_crossentropy/{dtype}/{red}/class_weights_as_sample_weight/ls{ls}", SPARSE, "keras",
                        f"keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing={ls}, reduction={red!r})(one_hot(y), x, sample_weight=w[y])",
                        dtype, {"logits": x.astype(dtype), "labels": y},
                        sparse_params(KERAS_RED[red], "zero", POS_W, ls=ls, form="keras_tf", dtype=dtype), v, g,
                        note="reweigh: SparseSoftmaxCrossEntropy with class_weights and SmoothingForm::KerasTf"))

    msg = error_of(lambda: keras.losses.SparseCategoricalCrossentropy(from_logits=True)(
        np.array([0, 3]), np.zeros((2, 3), dtype)))
    cf.add(case(f"keras/sparse_categorical_crossentropy/{dtype}/error/label_out_of_range", SPARSE, "keras",
                "keras.losses.SparseCategoricalCrossentropy(from_logits=True)([0, 3], zeros((2, 3)))", dtype,
                {"logits": np.zeros((2, 3), dtype), "labels": np.array([0, 3])},
                sparse_params("sum_over_batch_size", "zero"), expect_error=msg))

# --- tf.compat.v1.losses -------------------------------------------------------------------------------
for dtype in DTYPES:
    tol = TF1_F64_TOL if dtype == "float64" else None
    for red, name in TF1_RED.items():
        for wn in ("none", "with_zeros", "all_zero", "scalar"):
            for ls in (0.0, 0.2):
                x = logits((N, C)); y = onehot(int_labels(N))
                w = {"none": None, "scalar": np.array(2.5), "all_zero": np.zeros(N),
                     "with_zeros": rng.uniform(0.5, 2, N) * (rng.random(N) < 0.6)}[wn]
                kw = {"reduction": red, "label_smoothing": ls}
                if w is not None:
                    kw["weights"] = w.astype(dtype)
                v, g = tf_value_grad(lambda xx: tf.compat.v1.losses.softmax_cross_entropy(y.astype(dtype), xx, **kw), x, dtype)
                cf.add(case(f"tf1/softmax_cross_entropy/{dtype}/{name}/w_{wn}/ls{ls}", DENSE, "tensorflow",
                            f"tf.compat.v1.losses.softmax_cross_entropy(onehot, x, weights=w, label_smoothing={ls}, reduction={red!r})",
                            dtype, {"logits": x.astype(dtype), "labels": y.astype(dtype), "sample_weight": w},
                            dense_params(name, "zero", ls=ls), v, g, tolerance=tol))
        for wn in ("none", "with_zeros", "all_zero", "class_weights"):
            x = logits((N, C)); y = int_labels(N)
            w = {"none": None, "all_zero": np.zeros(N), "class_weights": None,
                 "with_zeros": rng.uniform(0.5, 2, N) * (rng.random(N) < 0.6)}[wn]
            kw = {"reduction": red}
            if w is not None:
                kw["weights"] = w.astype(dtype)
            if wn == "class_weights":
                kw["weights"] = tf.gather(POS_W.astype(dtype), y)
            v, g = tf_value_grad(lambda xx: tf.compat.v1.losses.sparse_softmax_cross_entropy(y, xx, **kw), x, dtype)
            cf.add(case(f"tf1/sparse_softmax_cross_entropy/{dtype}/{name}/w_{wn}", SPARSE, "tensorflow",
                        f"tf.compat.v1.losses.sparse_softmax_cross_entropy(y, x, weights={'tf.gather(cw, y)' if wn == 'class_weights' else 'w'}, reduction={red!r})",
                        dtype, {"logits": x.astype(dtype), "labels": y, "sample_weight": w},
                        sparse_params(name, "zero", POS_W if wn == "class_weights" else None, dtype=dtype),
                        v, g, tolerance=tol))

# --- Stack Overflow 44560549 (shared/seeds/000) --------------------------------------------------------
# DankMasterDan's answer, exactly: weights gathered by the true label, tf.losses default reduction.
np.random.seed(123)
seed_x = np.random.randint(0, 10, 30).reshape(6, 5).astype(np.float32)
seed_y = np.random.randint(0, 5, 6)
seed_cw = np.array([0.3, 0.1, 0.2, 0.3, 0.1], np.float32)
for red, name in TF1_RED.items():
    fn = lambda xx: tf.compat.v1.losses.sparse_softmax_cross_entropy(
        tf.constant(seed_y, tf.int32), xx, tf.gather(tf.constant(seed_cw), seed_y), reduction=red)
    v, g = tf_value_grad(fn, seed_x, "float32")
    cid = "seed000/tf1_sparse_default" if red == R1.SUM_BY_NONZERO_WEIGHTS else f"seed000/tf1_sparse/{name}"
    if red == R1.SUM_BY_NONZERO_WEIGHTS:
        assert abs(float(v) - 0.77875894) < 1e-7, v
    cf.add(case(cid, SPARSE, "tensorflow",
                "np.random.seed(123); logits = np.random.randint(0, 10, 30).reshape(6, 5) (float32); "
                "labels = np.random.randint(0, 5, 6); class_weights = [0.3, 0.1, 0.2, 0.3, 0.1]; "
                f"tf.compat.v1.losses.sparse_softmax_cross_entropy(labels, logits, tf.gather(class_weights, labels), reduction={red!r})",
                "float32", {"logits": seed_x, "labels": seed_y},
                sparse_params(name, "zero", seed_cw, dtype="float32"), v, g,
                note="Stack Overflow 44560549 (DankMasterDan); the default reduction gives 0.77875894"))

# P-Gn's answer: class weights [1, 2, 3] gathered by the true one-hot label, then reduce_mean (TF2)
for dtype in DTYPES:
    cw = np.array([1.0, 2.0, 3.0])
    x = logits((8, 3)); yi = rng.integers(0, 3, 8); oh = onehot(yi, 3)

    def pgn(xx):
        weights = tf.reduce_sum(tf.constant([cw.astype(dtype)]) * oh.astype(dtype), axis=1)
        unweighted = tf.nn.softmax_cross_entropy_with_logits(oh.astype(dtype), xx)
        return tf.reduce_mean(unweighted * weights)
    v, g = tf_value_grad(pgn, x, dtype)
    call = ("weights = tf.reduce_sum(tf.constant([[1., 2., 3.]]) * onehot, axis=1); "
            "tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(onehot, logits) * weights)")
    cf.add(case(f"seed000/pgn_true_label/dense/{dtype}", DENSE, "tensorflow", call, dtype,
                {"logits": x.astype(dtype), "labels": oh.astype(dtype)},
                dense_params("sum_over_batch_size", "zero", cw, dtype=dtype), v, g,
                note="Stack Overflow 44560549 (P-Gn, TF2 migration): = SoftmaxCrossEntropy::keras().class_weights([1, 2, 3])"))
    cf.add(case(f"seed000/pgn_true_label/sparse/{dtype}", SPARSE, "tensorflow", call, dtype,
                {"logits": x.astype(dtype), "labels": yi},
                sparse_params("sum_over_batch_size", "zero", cw, dtype=dtype), v, g,
                note="the same computation with integer labels: SparseSoftmaxCrossEntropy::keras().class_weights([1, 2, 3])"))

    # P-Gn's variant weighted by the predicted label: no framework op; built from TF ops, where
    # tf.argmax has no gradient, so the weight is a constant for autograd.
    def pgn_pred(xx):
        weights = tf.gather(tf.constant(cw.astype(dtype)), tf.argmax(xx, axis=1))
        return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(oh.astype(dtype), xx) * weights)
    x[0, :] = [1.0, 3.0, 3.0]  # a tie: argmax takes the first maximum
    v, g = tf_value_grad(pgn_pred, x, dtype)
    cf.add(case(f"seed000/pgn_predicted_label/{dtype}", SPARSE, "tensorflow",
                "no framework op: tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(onehot, logits) * "
                "tf.gather(class_weights, tf.argmax(logits, 1))); argmax is constant for autograd",
                dtype, {"logits": x.astype(dtype), "labels": yi},
                sparse_params("sum_over_batch_size", "zero", cw, by_predicted=True, dtype=dtype), v, g,
                note="weights by the estimated label (P-Gn); reweigh: weight_by_predicted(true)"))
    # the same variant in torch, weighted mean and sum, with ignore_index
    y = int_labels(N); y[2] = -100; x = logits((N, C))
    for red in ("sum", "mean"):
        def torch_pred(xx):
            ce = F.cross_entropy(xx, torch.tensor(y), reduction="none")
            wp = t(POS_W, dtype)[xx.detach().argmax(dim=1)] * (torch.tensor(y) != -100)
            return (wp * ce).sum() / (wp.sum() if red == "mean" else 1.0)
        v, g = torch_value_grad(torch_pred, x, dtype)
        cf.add(case(f"torch/cross_entropy/{dtype}/{red}/weight_by_predicted", SPARSE, "torch",
                    "no framework op: wp = w[x.detach().argmax(1)] * (y != -100); ce = F.cross_entropy(x, y, reduction='none'); "
                    + ("(wp * ce).sum() / wp.sum()" if red == "mean" else "(wp * ce).sum()"),
                    dtype, {"logits": x.astype(dtype), "labels": y},
                    sparse_params(TORCH_RED[red], "nan", POS_W, ignore_index=-100, by_predicted=True, dtype=dtype),
                    v, g, note="weights by the predicted label, built from torch ops; argmax detached"))
    # and the TF1 form of the seed's sparse example with weights by the predicted label
    if dtype == "float32":
        fn = lambda xx: tf.compat.v1.losses.sparse_softmax_cross_entropy(
            tf.constant(seed_y, tf.int32), xx, tf.gather(tf.constant(seed_cw), tf.argmax(xx, axis=1)))
        v, g = tf_value_grad(fn, seed_x, "float32")
        cf.add(case("seed000/tf1_sparse_default/weight_by_predicted", SPARSE, "tensorflow",
                    "no framework op: the seed's example with weights = tf.gather(class_weights, tf.argmax(logits, 1)); "
                    "tf.compat.v1.losses.sparse_softmax_cross_entropy(labels, logits, weights)",
                    "float32", {"logits": seed_x, "labels": seed_y},
                    sparse_params("sum_by_nonzero_weights", "zero", seed_cw, by_predicted=True, dtype="float32"),
                    v, g, note="seed 000 data; argmax of the logits (first maximum on ties) picks the weight"))

# --- issue 11 #21: sample weights that broadcast, (9, 1) weights on (9, 4) element losses ---------------
# Keras's mean_with_sample_weight divides by the weight's sum as passed (sum(sw), not 4 * sum(sw)); with
# ignore_class the mask broadcasts the weight first. TF1 MEAN and SUM_BY_NONZERO_WEIGHTS broadcast.
for dtype in DTYPES:
    for red, name in (("mean_with_sample_weight", "mean_with_sample_weight"),
                      ("sum_over_batch_size", "sum_over_batch_size")):
        x = logits((9, 4, C)); yi = int_labels((9, 4)); sw = rng.uniform(0.2, 2, (9, 1))
        loss = keras.losses.CategoricalCrossentropy(from_logits=True, reduction=red, dtype=dtype)
        v, g = tf_value_grad(keras_call(loss, onehot(yi).astype(dtype), sw, dtype), x, dtype)
        cf.add(case(f"keras/categorical_crossentropy/{dtype}/{red}/broadcast_sw", DENSE, "keras",
                    f"keras.losses.CategoricalCrossentropy(from_logits=True, reduction={red!r})(one_hot(y), x, sample_weight=sw)",
                    dtype, {"logits": x.astype(dtype), "labels": onehot(yi).astype(dtype), "sample_weight": sw},
                    dense_params(name, "zero"), v, g, note="logits (9, 4, 5), sample_weight (9, 1) (issue 11 #21)"))
        for ign in (None, -1):
            x = logits((9, 4, C)); yi = int_labels((9, 4)); sw = rng.uniform(0.2, 2, (9, 1))
            if ign == -1:
                yi[[0, 3, 5], [1, 2, 0]] = -1
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=ign, reduction=red,
                                                              dtype=dtype)
            v, g = tf_value_grad(keras_call(loss, yi, sw, dtype), x, dtype)
            cf.add(case(f"keras/sparse_categorical_crossentropy/{dtype}/{red}/broadcast_sw/ignore_{ign}", SPARSE,
                        "keras",
                        f"keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class={ign}, reduction={red!r})(y, x, sample_weight=sw)",
                        dtype, {"logits": x.astype(dtype), "labels": yi, "sample_weight": sw},
                        sparse_params(name, "zero", ignore_class=ign), v, g,
                        note="logits (9, 4, 5), sample_weight (9, 1) (issue 11 #21)"))
    tol = TF1_F64_TOL if dtype == "float64" else None
    for red in (R1.MEAN, R1.SUM_BY_NONZERO_WEIGHTS):
        x = logits((9, 4, C)); yi = int_labels((9, 4)); w = rng.uniform(0.2, 2, (9, 1)); w[2, 0] = 0.0
        v, g = tf_value_grad(lambda xx: tf.compat.v1.losses.sparse_softmax_cross_entropy(
            yi, xx, weights=w.astype(dtype), reduction=red), x, dtype)
        cf.add(case(f"tf1/sparse_softmax_cross_entropy/{dtype}/{TF1_RED[red]}/broadcast_w", SPARSE, "tensorflow",
                    f"tf.compat.v1.losses.sparse_softmax_cross_entropy(y, x, weights=w, reduction={red!r})",
                    dtype, {"logits": x.astype(dtype), "labels": yi, "sample_weight": w},
                    sparse_params(TF1_RED[red], "zero"), v, g, tolerance=tol,
                    note="logits (9, 4, 5), weights (9, 1): TF1 broadcasts the weights (issue 11 #21)"))

# --- issue 11 #24: labels that do not sum to 1 ------------------------------------------------------------
# TensorFlow's kernel returns softmax - y as the gradient whatever y sums to; the derivative of its value is
# sum(y) * softmax - y (TF's own autograd of -sum(y * log_softmax(x))). reweigh's default is the derivative;
# gradient="tensorflow" reproduces TensorFlow's.
for dtype in DTYPES:
    x = logits((N, C)); y = rng.uniform(0, 1, (N, C)); y[0] *= 0.2  # row sums from ~0.5 to ~3.5
    v, g = tf_value_grad(lambda xx: tf.nn.softmax_cross_entropy_with_logits(labels=y.astype(dtype), logits=xx), x,
                         dtype)
    cf.add(case(f"tf/softmax_cross_entropy_with_logits/{dtype}/unnormalised/gradient_tensorflow", DENSE, "tensorflow",
                "tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x) with rows of y not summing to 1",
                dtype, {"logits": x.astype(dtype), "labels": y.astype(dtype)},
                dict(dense_params("none", "zero"), gradient="tensorflow"), v, g,
                note="TensorFlow's gradient softmax - y (issue 11 #24)"))
    v, g = tf_value_grad(lambda xx: -tf.reduce_sum(y.astype(dtype) * tf.nn.log_softmax(xx), axis=-1), x, dtype)
    cf.add(case(f"tf/softmax_cross_entropy_with_logits/{dtype}/unnormalised/gradient_exact", DENSE, "tensorflow",
                "-tf.reduce_sum(y * tf.nn.log_softmax(x), -1): the value of softmax_cross_entropy_with_logits, "
                "differentiated by TensorFlow's autograd", dtype, {"logits": x.astype(dtype), "labels": y.astype(dtype)},
                dense_params("none", "zero"), v, g, note="the derivative of the value, reweigh's default (issue 11 #24)"))
    loss = keras.losses.CategoricalCrossentropy(from_logits=True, dtype=dtype)
    v, g = tf_value_grad(keras_call(loss, y.astype(dtype), None, dtype), x, dtype)
    cf.add(case(f"keras/categorical_crossentropy/{dtype}/sum_over_batch_size/unnormalised/gradient_tensorflow", DENSE,
                "keras", "keras.losses.CategoricalCrossentropy(from_logits=True)(y, x) with rows of y not summing to 1",
                dtype, {"logits": x.astype(dtype), "labels": y.astype(dtype)},
                dict(dense_params("sum_over_batch_size", "zero"), gradient="tensorflow"), v, g,
                note="Keras inherits TensorFlow's gradient softmax - y (issue 11 #24)"))
# torch silently treats a negative label_smoothing as 0 (measured: -0.1, -1 and -5 give the ls = 0 value);
# reweigh rejects it, as torch rejects ls > 1
for ls in (-0.1, 1.5):
    x = logits((N, C)); y = int_labels(N)
    v0 = float(F.cross_entropy(t(x, "float64"), torch.tensor(y), reduction="sum"))
    try:
        vl = float(F.cross_entropy(t(x, "float64"), torch.tensor(y), label_smoothing=ls, reduction="sum"))
        msg = f"none: torch returns {vl!r} (= the ls = 0 value {v0!r}); reweigh rejects ls < 0, a deliberate difference"
    except RuntimeError as e:
        msg = f"RuntimeError: {e}"
    cf.add(case(f"torch/cross_entropy/float64/error/label_smoothing{ls}", SPARSE, "torch",
                f"torch.nn.CrossEntropyLoss(label_smoothing={ls}, reduction='sum')(x, y)", "float64",
                {"logits": x, "labels": y}, sparse_params("sum", "nan", ls=ls, form="pytorch"), expect_error=msg))

cf.write()
