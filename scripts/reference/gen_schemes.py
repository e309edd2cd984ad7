"""Golden cases: class-weighting schemes, sample weights, resampling and metrics.

Expected numbers come from scikit-learn (`compute_class_weight`, `compute_sample_weight`,
`confusion_matrix`, `precision_recall_fscore_support`, `balanced_accuracy_score`, `f1_score`),
imbalanced-learn (`RandomOverSampler` / `RandomUnderSampler`: the per-class counts after
resampling; the seeded draws themselves differ from reweigh's generator) and, for the schemes no
library ships, the reference code the practitioners copy (quoted in each case's `call`): the
seed-001 `create_class_weight` (log-smoothed), the seed-001 `maxCt/numImg` answer, and the
effective-number code of Cui et al. (2019) as published with the paper's PyTorch port.

The long-tail schemes (appended last, issue 12) come from their reference implementations:
LDAM's margins from pytorch-optimizer's `LDAMLoss(num_class_list, max_m).m_list` (Cao et al.'s
code, a float32 buffer), the DRW weights as Cao et al.'s `cifar_train.py` computes them in NumPy
(`betas = [0, beta]`, `idx = epoch // start_epoch`), and the logit-adjustment offsets as
google-research/logit_adjustment computes them in TensorFlow
(`tf.math.log(tf.cast(base_probs**tau + 1e-12, tf.float32))`).

All cases are float64 (scikit-learn computes in float64), but for the margins and the logit
offsets, which have float32 cases too (the reference code's dtype).
"""
import math
from collections import Counter

import numpy as np
import sklearn
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight
from sklearn.metrics import (balanced_accuracy_score, confusion_matrix, f1_score,
                             precision_recall_fscore_support)
import imblearn
from imblearn.over_sampling import RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler

from common import CaseFile, case

FAMILY = "schemes"
cf = CaseFile(FAMILY, "scripts/reference/gen_schemes.py")
rng = np.random.default_rng(20261124)
F64 = "float64"

SEED000 = {0: 198, 1: 436, 2: 710, 3: 272}  # Stack Overflow 44560549: A, B, C, D
SEED001 = {0: 2813, 1: 78, 2: 2814, 3: 78, 4: 7914, 5: 248, 6: 7914, 7: 248}  # mu=0.15 example


def pairs(d):
    """A {class: weight} dict as a JSON list of [class, weight] pairs (JSON keys are strings)."""
    return [[int(k), float(v)] for k, v in d.items()]


def labels_from_counts(d, shuffle=True):
    y = np.repeat(np.array(list(d.keys()), dtype=np.int64), list(d.values()))
    if shuffle:
        y = rng.permutation(y)
    return y


def err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is recorded
        return f"{type(e).__name__}: {e}"
    raise AssertionError("expected the framework to raise")


# --- compute_class_weight -------------------------------------------------------------------------
def add_ccw(id, y, class_weight, classes=None, sample_weight=None, note=None, mode=None,
            strict_error=None):
    """mode="sklearn": reweigh's scikit-learn-compatible function by name (balanced_weights_sklearn,
    custom_weights_sklearn); strict_error: the ReweighError variant reweigh's strict default
    returns instead (the runner checks both)."""
    y = np.asarray(y, dtype=np.int64)
    classes = np.unique(y) if classes is None else np.asarray(classes, dtype=np.int64)
    cw_param = class_weight if not isinstance(class_weight, dict) else {"pairs": pairs(class_weight)}
    extra_params = {k: v for k, v in (("mode", mode), ("strict_error", strict_error)) if v is not None}
    call = (f"sklearn.utils.class_weight.compute_class_weight({class_weight!r}, classes=classes, y=y"
            + (", sample_weight=sw" if sample_weight is not None else "") + ")")
    kw = dict(id=f"sklearn/compute_class_weight/{id}", loss="class_weight", framework="sklearn",
              call=call, dtype=F64,
              inputs={"y": y, "classes": classes,
                      "sample_weight": None if sample_weight is None else np.asarray(sample_weight, float)},
              params={"class_weight": cw_param, **extra_params}, note=note)
    try:
        w = compute_class_weight(class_weight, classes=classes, y=y, sample_weight=sample_weight)
    except Exception as e:  # noqa: BLE001
        cf.add(case(**kw, expect_error=f"{type(e).__name__}: {e}"))
        return
    cf.add(case(**kw, value=np.asarray(w, dtype=np.float64)))


add_ccw("balanced/seed000", labels_from_counts(SEED000), "balanced",
        note="seed 000: A 198, B 436, C 710, D 272")
add_ccw("balanced/seed001", labels_from_counts(SEED001), "balanced", note="seed 001 counts")
add_ccw("balanced/binary_1_7_to_1", labels_from_counts({0: 170, 1: 100}), "balanced",
        note="seed 003: ratio about 1.7 : 1")
add_ccw("balanced/negative_labels", labels_from_counts({-1: 30, 1: 5, 7: 2}), "balanced")
add_ccw("balanced/classes_reordered", labels_from_counts({0: 5, 1: 9, 2: 1}), "balanced",
        classes=[2, 0, 1])
add_ccw("balanced/single_class", np.zeros(4, dtype=np.int64), "balanced")
for i in range(3):
    y = rng.integers(0, 5, 40)
    add_ccw(f"balanced/random{i}", y, "balanced")
    add_ccw(f"balanced_sample_weight/random{i}", y, "balanced",
            sample_weight=rng.uniform(0.1, 3.0, 40))
# A class whose sample weights are all zero: scikit-learn returns inf for it; reweigh returns
# ReweighError::ZeroCount instead (documented in data/reference/README.md, unit-tested).
add_ccw("none/uniform", labels_from_counts({0: 3, 1: 2}), None)
add_ccw("dict/all_given", labels_from_counts({0: 3, 1: 2, 2: 2}), {0: 1.0, 1: 50.0, 2: 2.0},
        note="seed 001: class_weight = {0: 1., 1: 50., 2: 2.}")
add_ccw("dict/missing_class_gets_1", labels_from_counts({0: 3, 1: 2, 2: 2}), {1: 50.0})
add_ccw("dict/zero_weight", labels_from_counts({0: 3, 1: 2}), {0: 0.0, 1: 2.5})
# where scikit-learn raises
add_ccw("error/auto", labels_from_counts({0: 3, 1: 2}), "auto",
        note="seed 001: class_weight='auto' (old Keras ignored it silently)")
add_ccw("error/class_not_in_y", labels_from_counts({0: 3, 1: 2}), "balanced", classes=[0, 1, 2])
add_ccw("error/label_not_in_classes", labels_from_counts({0: 3, 1: 2, 2: 1}), "balanced", classes=[0, 1])
add_ccw("error/dict_extra_key_and_missing_class", labels_from_counts({0: 3, 1: 2, 2: 1}), {0: 1.0, 5: 2.0})

# --- count-based schemes on the seed counts -------------------------------------------------------
def add_scheme(id, counts, scheme, value, framework, call, note=None):
    classes = np.array(list(counts.keys()), dtype=np.int64)
    c = np.array(list(counts.values()), dtype=np.int64)
    cf.add(case(f"{framework}/scheme/{id}", "scheme", framework, call, F64,
                {"classes": classes, "counts": c}, {"scheme": scheme}, value=np.asarray(value, float),
                note=note))


def add_scheme_error(id, counts, scheme, message, framework, call):
    classes = np.array(list(counts.keys()), dtype=np.int64)
    c = np.array(list(counts.values()), dtype=np.int64)
    cf.add(case(f"{framework}/scheme/{id}", "scheme", framework, call, F64,
                {"classes": classes, "counts": c}, {"scheme": scheme}, expect_error=message))


# sklearn 'balanced' through the counts (y = np.repeat(classes, counts))
for name, counts in (("seed000", SEED000), ("seed001", SEED001)):
    y = labels_from_counts(counts, shuffle=False)
    w = compute_class_weight("balanced", classes=np.unique(y), y=y)
    add_scheme(f"balanced/{name}", counts, "balanced", w, "sklearn",
               "compute_class_weight('balanced', classes=np.unique(y), y=np.repeat(classes, counts))")


# seed 001, verbatim except list(...) around dict.values() (np.sum of a dict view fails in Python 3)
def create_class_weight(labels_dict, mu=0.15):
    total = np.sum(list(labels_dict.values()))
    keys = labels_dict.keys()
    class_weight = dict()
    for key in keys:
        score = math.log(mu * total / float(labels_dict[key]))
        class_weight[key] = score if score > 1.0 else 1.0
    return class_weight


LOG_CALL = ("create_class_weight(labels_dict, mu) from seed 001: "
            "score = math.log(mu*total/float(labels_dict[key])); score if score > 1.0 else 1.0")
for name, counts in (("seed000", SEED000), ("seed001", SEED001)):
    for mu in (0.15, 0.5, 1.0, 3.0):
        w = create_class_weight(counts, mu)
        add_scheme(f"log_smoothed/{name}/mu{mu}", counts, f"log_smoothed({mu})",
                   [w[k] for k in counts], "python", LOG_CALL)
cw = create_class_weight(SEED001, 0.15)
assert cw[1] == 3.749820767859636 and cw[5] == 2.5931008483842453, cw


# seed 001, the Counter answer: cw = {clsID: maxCt/numImg for clsID, numImg in itemCt.items()}
def max_over_count(counts):
    itemCt = Counter(counts)
    maxCt = float(max(itemCt.values()))
    return {clsID: maxCt / numImg for clsID, numImg in itemCt.items()}


for name, counts in (("seed000", SEED000), ("seed001", SEED001)):
    w = max_over_count(counts)
    add_scheme(f"max_over_count/{name}", counts, "max_over_count", [w[k] for k in counts], "python",
               "seed 001: maxCt = float(max(itemCt.values())); {c: maxCt/numImg ...}")


# Cui et al. (2019), "Class-Balanced Loss Based on Effective Number of Samples": the paper's
# reference code (as in class-balanced-loss-pytorch) for the weights
def cb_weights(samples_per_cls, no_of_classes, beta):
    effective_num = 1.0 - np.power(beta, samples_per_cls)
    weights = (1.0 - beta) / np.array(effective_num)
    weights = weights / np.sum(weights) * no_of_classes
    return weights


CB_CALL = ("Cui et al. 2019 reference: effective_num = 1.0 - np.power(beta, n); "
           "w = (1.0 - beta) / effective_num; w = w / np.sum(w) * C")
for name, counts in (("seed000", SEED000), ("seed001", SEED001)):
    for beta in (0.0, 0.9, 0.99, 0.999, 0.9999):
        n = np.array(list(counts.values()), dtype=np.float64)
        add_scheme(f"effective_number/{name}/beta{beta}", counts, f"effective_number({beta})",
                   cb_weights(n, len(n), beta), "numpy", CB_CALL)

# the seed-000 answer: inverse frequency, normalised to sum 1 or to the number of classes
for name, counts in (("seed000", SEED000), ("seed001", SEED001)):
    n = np.array(list(counts.values()), dtype=np.float64)
    add_scheme(f"frequency/{name}", counts, "frequency", n / n.sum(), "numpy",
               "n_c / n (the seed-000 question's 198/1616 = 0.12)")
    inv = n.sum() / n
    add_scheme(f"inverse_frequency/{name}", counts, "inverse_frequency", inv, "numpy", "n / n_c")
    add_scheme(f"inverse_frequency_sum1/{name}", counts, "inverse_frequency_sum1", inv / inv.sum(),
               "numpy", "w = n / n_c; w / w.sum()  (seed 000: 'sum up to one')")
    add_scheme(f"inverse_frequency_sum_c/{name}", counts, "inverse_frequency_sum_c",
               inv / inv.sum() * len(n), "numpy",
               "w = n / n_c; w / w.sum() * C  (seed 000: 'to the number of classes')")
    add_scheme(f"inverse_frequency_mean1/{name}", counts, "inverse_frequency_mean1",
               inv * n.sum() / (inv * n).sum(), "numpy",
               "w = n / n_c; w * n / (w * n_c).sum(): the mean weight per sample is 1")
    isq = np.sqrt(n.sum() / n)
    add_scheme(f"inverse_sqrt/{name}", counts, "inverse_sqrt", isq, "numpy", "np.sqrt(n / n_c)")

# scheme errors (reweigh's own checks; the reference code would divide by zero or take log(0))
# create_class_weight({0: 5, 1: 0}) returns inf for class 1 (numpy float64 / 0.0 is inf, log(inf)
# is inf): reweigh returns ReweighError::ZeroCount (documented in data/reference/README.md).
assert create_class_weight({0: 5, 1: 0}, 0.15)[1] == math.inf
add_scheme_error("error/max_over_count_zero_count", {0: 5, 1: 0}, "max_over_count",
                 err(lambda: max_over_count({0: 5, 1: 0})), "python",
                 "seed 001: {c: maxCt/numImg ...}")


# --- compute_sample_weight ------------------------------------------------------------------------
def cw_json(cw):
    if isinstance(cw, dict):
        return {"pairs": pairs(cw)}
    if isinstance(cw, list):
        return [cw_json(x) for x in cw]
    return cw


def add_csw(id, y, class_weight, indices=None, note=None):
    y = np.asarray(y, dtype=np.int64)
    call = (f"sklearn.utils.class_weight.compute_sample_weight({class_weight!r}, y"
            + (", indices=indices" if indices is not None else "") + ")")
    kw = dict(id=f"sklearn/compute_sample_weight/{id}", loss="sample_weight", framework="sklearn",
              call=call, dtype=F64,
              inputs={"y": y, "indices": None if indices is None else np.asarray(indices, np.int64)},
              params={"class_weight": cw_json(class_weight)}, note=note)
    try:
        w = compute_sample_weight(class_weight, y, indices=indices)
    except Exception as e:  # noqa: BLE001
        cf.add(case(**kw, expect_error=f"{type(e).__name__}: {e}"))
        return
    cf.add(case(**kw, value=np.asarray(w, dtype=np.float64)))


add_csw("balanced/docstring", [1, 1, 1, 1, 0, 0], "balanced")
add_csw("balanced/seed000", labels_from_counts(SEED000), "balanced")
add_csw("dict/seed001_answer", rng.integers(0, 3, 20), {0: 1.0, 1: 50.0, 2: 2.0})
add_csw("none", rng.integers(0, 3, 7), None)
y2 = np.stack([rng.integers(0, 3, 25), rng.integers(0, 2, 25)], axis=1)
add_csw("multi_output/balanced", y2, "balanced")
add_csw("multi_output/list_of_dicts", y2, [{0: 1.0, 1: 2.0, 2: 3.0}, {0: 0.5, 1: 4.0}])
add_csw("multi_output/dict_and_none", y2, [{1: 3.0}, None])
onehot = np.eye(4, dtype=np.int64)[labels_from_counts({0: 6, 1: 3, 2: 2, 3: 1})]
add_csw("multi_output/one_hot_counts_as_multi_output", onehot, "balanced",
        note="scikit-learn treats a one-hot y as 4 binary outputs and multiplies their weights")
y = rng.integers(0, 4, 30)
add_csw("indices/subsample", y, "balanced", indices=rng.integers(0, 30, 18))
y = np.array([0, 0, 0, 1, 1, 2, 2, 2, 3, 3])
add_csw("indices/missing_classes_get_zero", y, "balanced", indices=[0, 1, 3, 3, 4],
        note="classes 2 and 3 are absent from the subsample: weight 0")
add_csw("indices/bootstrap_multi_output", y2, "balanced", indices=rng.integers(0, 25, 25))
add_csw("error/indices_with_dict", y, {0: 2.0}, indices=[0, 1])
add_csw("error/multi_output_single_dict", y2, {0: 2.0})
add_csw("error/multi_output_list_length", y2, [{0: 2.0}])
add_csw("error/auto", y, "auto")

# --- imbalanced-learn: per-class counts after random over/under-sampling --------------------------
def add_resample(id, y, sampler, strategy, replacement=False, note=None):
    y = np.asarray(y, dtype=np.int64)
    X = np.arange(len(y)).reshape(-1, 1)
    strat_json = {"pairs": pairs(strategy)} if isinstance(strategy, dict) else strategy
    if sampler == "over":
        s = RandomOverSampler(sampling_strategy=strategy, random_state=0)
        call = f"imblearn.over_sampling.RandomOverSampler(sampling_strategy={strategy!r})"
    else:
        s = RandomUnderSampler(sampling_strategy=strategy, random_state=0, replacement=replacement)
        call = (f"imblearn.under_sampling.RandomUnderSampler(sampling_strategy={strategy!r}, "
                f"replacement={replacement})")
    call += ".fit_resample(X, y); counts of np.unique(y) in y_resampled"
    kw = dict(id=f"imblearn/random_{sampler}/{id}", loss="resample", framework="imblearn", call=call,
              dtype=F64, inputs={"y": y},
              params={"sampler": sampler, "sampling_strategy": strat_json, "replacement": replacement},
              note=note)
    try:
        Xr, yr = s.fit_resample(X, y)
    except Exception as e:  # noqa: BLE001
        cf.add(case(**kw, expect_error=f"{type(e).__name__}: {e}"))
        return
    assert (y[Xr[:, 0]] == yr).all()
    classes = np.unique(y)
    cf.add(case(**kw, value=np.array([(yr == c).sum() for c in classes], dtype=np.float64)))


y_seed = labels_from_counts(SEED000)
y_mc = labels_from_counts({0: 40, 1: 7, 2: 19, 3: 7, 4: 60})
y_tie = labels_from_counts({0: 5, 1: 9, 2: 9, 3: 5})
y_bin = labels_from_counts({0: 170, 1: 100})
for sampler in ("over", "under"):
    for strat in ("auto", "minority", "majority", "not minority", "not majority", "all"):
        for yn, yy in (("seed000", y_seed), ("multiclass", y_mc), ("ties", y_tie)):
            add_resample(f"{strat.replace(' ', '_')}/{yn}", yy, sampler, strat)
    for ratio in (0.5, 0.75, 1.0):
        add_resample(f"ratio{ratio}/binary", y_bin, sampler, ratio)
    add_resample("error/ratio_multiclass", y_mc, sampler, 0.5)
    add_resample("error/ratio_zero", y_bin, sampler, 0.0)
    add_resample("error/unknown_class_in_dict", y_mc, sampler, {9: 10})
    add_resample("error/unknown_name", y_mc, sampler, "balanced")
add_resample("dict/seed000", y_seed, "over", {0: 710, 1: 500, 3: 300})
add_resample("dict/seed000", y_seed, "under", {1: 198, 2: 300})
add_resample("dict_replacement/seed000", y_seed, "under", {1: 198, 2: 300}, replacement=True)
add_resample("error/dict_fewer_than_present", y_seed, "over", {0: 100})
add_resample("error/dict_more_than_present", y_seed, "under", {0: 300})
add_resample("error/ratio_would_remove", y_bin, "over", 0.5 * 100 / 170)

# --- metrics --------------------------------------------------------------------------------------
def add_metric(id, loss, call, y_true, y_pred, value=None, params=None, labels=None, sample_weight=None,
               extra=None, expect_error=None, note=None):
    inputs = {"y_true": np.asarray(y_true, np.int64), "y_pred": np.asarray(y_pred, np.int64),
              "labels": None if labels is None else np.asarray(labels, np.int64),
              "sample_weight": None if sample_weight is None else np.asarray(sample_weight, float)}
    inputs.update(extra or {})
    cf.add(case(f"sklearn/{loss}/{id}", loss, "sklearn", call, F64, inputs, params or {},
                value=None if value is None else np.asarray(value, np.float64),
                expect_error=expect_error, note=note))


def noisy_predictions(y, C, acc):
    p = y.copy()
    flip = rng.random(len(y)) > acc
    p[flip] = rng.integers(0, C, flip.sum())
    return p


metric_sets = []
y = labels_from_counts(SEED000)
metric_sets.append(("seed000", y, noisy_predictions(y, 4, 0.7), None, None))
y = rng.integers(0, 5, 60)
metric_sets.append(("random5", y, noisy_predictions(y, 5, 0.5), None, rng.uniform(0.1, 2.0, 60)))
y = rng.integers(0, 4, 30)
p = noisy_predictions(y, 4, 0.6); p[p == 3] = 0  # class 3 never predicted: precision 0/0
metric_sets.append(("never_predicted", y, p, None, None))
y = np.array([0, 0, 1, 1, 2, 2, 2]); p = np.array([0, 1, 1, 5, 2, 2, 0])  # 5 only predicted
metric_sets.append(("pred_only_label", y, p, None, None))
y = rng.integers(0, 3, 20)
metric_sets.append(("labels_subset", y, noisy_predictions(y, 3, 0.6), [2, 0], None))
metric_sets.append(("labels_superset", y, noisy_predictions(y, 3, 0.6), [0, 1, 2, 3], None))
y = labels_from_counts({0: 170, 1: 100})
metric_sets.append(("binary", y, noisy_predictions(y, 2, 0.8), None, rng.uniform(0.5, 1.5, 270)))

for name, yt, yp, labels, sw in metric_sets:
    for with_w in ((False, True) if sw is not None else (False,)):
        w = sw if with_w else None
        tag = name + ("/weighted" if with_w else "")
        cm = confusion_matrix(yt, yp, labels=labels, sample_weight=w)
        add_metric(tag, "confusion_matrix", "sklearn.metrics.confusion_matrix(y_true, y_pred, labels=labels, sample_weight=sw)",
                   yt, yp, cm, labels=labels, sample_weight=w)
        for zd in ("warn", 0.0, 1.0, np.nan):
            for beta in ((1.0, 0.5, 2.0) if zd == "warn" else (1.0,)):
                pr, rc, fs, sup = precision_recall_fscore_support(
                    yt, yp, labels=labels, sample_weight=w, beta=beta, average=None, zero_division=zd)
                zname = "warn" if zd == "warn" else ("nan" if np.isnan(zd) else str(zd))
                add_metric(f"{tag}/zd_{zname}/beta{beta}", "precision_recall_fscore_support",
                           f"sklearn.metrics.precision_recall_fscore_support(y_true, y_pred, labels=labels, sample_weight=sw, beta={beta}, average=None, zero_division={zname})",
                           yt, yp, np.stack([pr, rc, fs, np.asarray(sup, float)]),
                           params={"beta": beta, "zero_division": zname}, labels=labels, sample_weight=w,
                           note="value rows: precision, recall, f-score, support")
            f1m = f1_score(yt, yp, labels=labels, sample_weight=w, average="macro", zero_division=zd)
            zname = "warn" if zd == "warn" else ("nan" if np.isnan(zd) else str(zd))
            add_metric(f"{tag}/zd_{zname}", "f1_macro",
                       f"sklearn.metrics.f1_score(y_true, y_pred, labels=labels, sample_weight=sw, average='macro', zero_division={zname})",
                       yt, yp, f1m, params={"zero_division": zname}, labels=labels, sample_weight=w)
        if labels is None:
            for adjusted in (False, True):
                ba = balanced_accuracy_score(yt, yp, sample_weight=w, adjusted=adjusted)
                add_metric(f"{tag}/adjusted_{adjusted}", "balanced_accuracy",
                           f"sklearn.metrics.balanced_accuracy_score(y_true, y_pred, sample_weight=sw, adjusted={adjusted})",
                           yt, yp, ba, params={"adjusted": adjusted}, sample_weight=w)
        # expected cost per sample from a (true x predicted) cost matrix
        L = np.unique(np.concatenate([yt, yp])) if labels is None else np.asarray(labels)
        cost = rng.uniform(0.0, 5.0, (len(L), len(L))); np.fill_diagonal(cost, 0.0)
        cmf = confusion_matrix(yt, yp, labels=L, sample_weight=w)
        add_metric(tag, "expected_cost",
                   "cm = sklearn.metrics.confusion_matrix(y_true, y_pred, labels=labels, sample_weight=sw); (cm * cost).sum() / cm.sum()",
                   yt, yp, (cmf * cost).sum() / cmf.sum(), labels=L, sample_weight=w,
                   extra={"cost": cost})

# binary TP/FP/TN/FN costs (positive label 1): cost matrix [[tn, fp], [fn, tp]]
yt, yp = metric_sets[-1][1], metric_sets[-1][2]
costs = {"tp": 0.0, "fp": 1.0, "tn": 0.0, "fn": 5.0}
tn, fp, fn, tp = confusion_matrix(yt, yp).ravel()
add_metric("binary_costs/fraud", "expected_cost",
           "tn, fp, fn, tp = confusion_matrix(y_true, y_pred).ravel(); (tp*c_tp + fp*c_fp + tn*c_tn + fn*c_fn) / n",
           yt, yp, (tp * costs["tp"] + fp * costs["fp"] + tn * costs["tn"] + fn * costs["fn"]) / len(yt),
           params={"binary_costs": costs}, note="seed 003: weight TP, FP, TN, FN by their cost")

# metric errors
add_metric("error/length_mismatch", "confusion_matrix", "confusion_matrix([0, 1, 1], [0, 1])",
           [0, 1, 1], [0, 1], expect_error=err(lambda: confusion_matrix([0, 1, 1], [0, 1])))
add_metric("error/no_label_in_y_true", "confusion_matrix", "confusion_matrix(y, p, labels=[7, 8])",
           [0, 1, 1], [0, 1, 0], labels=[7, 8],
           expect_error=err(lambda: confusion_matrix([0, 1, 1], [0, 1, 0], labels=[7, 8])))
add_metric("error/empty", "balanced_accuracy", "balanced_accuracy_score([], [])",
           np.zeros(0), np.zeros(0), params={"adjusted": False},
           expect_error=err(lambda: balanced_accuracy_score(np.zeros(0, int), np.zeros(0, int))))

# --- deliberate differences from scikit-learn (data/reference/README.md, last section) -------------
# Each case holds scikit-learn 1.9.1's own answer, reproduced by reweigh's function for it by name
# (params.mode), and the ReweighError variant of reweigh's strict default (params.strict_error).
# No random numbers here: the cases above stay identical.
add_ccw("sklearn_mode/balanced_zero_total_weight", [0, 1, 1], "balanced", classes=[0, 1],
        sample_weight=[0.0, 0.0, 2.0], mode="sklearn", strict_error="ZeroCount",
        note="a class whose sample weights are all zero: scikit-learn gives inf (divide by zero); "
             "reweigh: ZeroCount, or balanced_weights_sklearn")
add_ccw("sklearn_mode/balanced_zero_weight_first", [0, 1, 2, 2], "balanced", classes=[0, 1, 2],
        sample_weight=[1.0, 0.0, 1.0, 3.0], mode="sklearn", strict_error="ZeroCount")
add_ccw("sklearn_mode/balanced_positive_weights", [0, 1, 1, 2], "balanced",
        sample_weight=[1.0, 0.5, 2.0, 4.0], mode="sklearn",
        note="with every total positive the two forms agree")
add_ccw("sklearn_mode/dict_extra_key_ignored", [0, 1, 1], {0: 1.0, 1: 2.0, 5: 3.0}, mode="sklearn",
        strict_error="UnknownClass",
        note="a key that is not a class is ignored when every class is in the dict; "
             "reweigh: UnknownClass, or custom_weights_sklearn")
add_ccw("sklearn_mode/dict_extra_keys_ignored", [0, 1, 2, 2], {-3: 9.0, 0: 0.5, 1: 2.0, 2: 4.0, 7: 3.0},
        mode="sklearn", strict_error="UnknownClass")
add_ccw("sklearn_mode/dict_missing_class_gets_1", [0, 1, 1, 2], {1: 50.0}, mode="sklearn")
add_ccw("sklearn_mode/dict_extra_key_and_missing_class", [0, 1, 2], {0: 1.0, 5: 2.0}, mode="sklearn",
        note="scikit-learn raises when a key is not a class and a class is missing")


# continuous (non-integral) labels: the metrics raise; reweigh rejects them everywhere
def add_continuous_metric(id, loss, fn, call, y_true, y_pred, params=None):
    cf.add(case(f"sklearn/{loss}/continuous/{id}", loss, "sklearn", call, F64,
                {"y_true": np.asarray(y_true, float), "y_pred": np.asarray(y_pred, float),
                 "labels": None, "sample_weight": None}, params or {},
                expect_error=err(lambda: fn(y_true, y_pred)),
                note="labels with a fractional part are continuous targets, not classes "
                     "(reweigh: ReweighError::NonIntegerLabel, never truncated)"))


add_continuous_metric("issue11", "balanced_accuracy", balanced_accuracy_score,
                      "balanced_accuracy_score([0.4, 0.6], [0.6, 0.4])", [0.4, 0.6], [0.6, 0.4],
                      params={"adjusted": False})
add_continuous_metric("y_pred", "confusion_matrix", confusion_matrix,
                      "confusion_matrix([0, 1, 1], [0, 0.5, 1])", [0.0, 1.0, 1.0], [0.0, 0.5, 1.0])
add_continuous_metric("y_true", "f1_macro", lambda t, p: f1_score(t, p, average="macro"),
                      "f1_score([0.25, 1, 1], [0, 1, 1], average='macro')", [0.25, 1.0, 1.0],
                      [0.0, 1.0, 1.0], params={"zero_division": "warn"})
# integral floats are labels: the same numbers as integers
add_metric("integral_floats", "balanced_accuracy", "balanced_accuracy_score([0., 1., 1., 2.], [0., 1., 2., 2.])",
           [0, 1, 1, 2], [0, 1, 2, 2],
           balanced_accuracy_score(np.array([0.0, 1.0, 1.0, 2.0]), np.array([0.0, 1.0, 2.0, 2.0])),
           params={"adjusted": False})

# --- the long-tail schemes (issue 12): LDAM margins, DRW weights, logit-adjustment offsets -------
# Appended after every case above and drawing no random number, so that those stay
# byte-identical. The frameworks are imported here, torch before tensorflow.
import torch  # noqa: E402
from pytorch_optimizer.loss import LDAMLoss  # noqa: E402
import tensorflow as tf  # noqa: E402

LONGTAIL = {
    "seed000": SEED000,
    "seed001": SEED001,
    # Cui et al.'s exponential profile n_i = n_max·ρ^(−i/(C−1)) (CIFAR-10-LT, ρ = 100)
    "cifar10lt_rho100": dict(enumerate(np.floor(5000 * 100.0 ** (-np.arange(10) / 9)).astype(int).tolist())),
    "binary_1_7_to_1": {0: 170, 1: 100},
    # the rarest prior 1e-7·(1/1.2) (π^τ below the official code's 1e-12 for τ = 2)
    "tiny_prior": dict(enumerate([10**7, 2 * 10**6, 5 * 10**5, 10**5, 3 * 10**4, 10**4, 1000, 100, 10, 1])),
    "negative_labels": {-1: 30, 1: 5, 7: 2},
    "single_class": {0: 7},
}


def add_longtail(id, counts, scheme, value, framework, call, dtype=F64, epoch=None, tolerance=None,
                 note=None):
    classes = np.array(list(counts.keys()), dtype=np.int64)
    c = np.array(list(counts.values()), dtype=np.int64)
    params = {"scheme": scheme}
    if epoch is not None:
        params["epoch"] = epoch
    cf.add(case(f"{framework}/scheme/{id}", "scheme", framework, call, dtype,
                {"classes": classes, "counts": c}, params, value=np.asarray(value, np.float64),
                tolerance=tolerance, note=note))


# LDAM's margins: pytorch-optimizer 4.1.0 (Cao et al.'s code) keeps them in a float32 buffer,
#   cls_num_list = torch.FloatTensor(num_class_list); m_list = 1.0 / cls_num_list.sqrt_().sqrt_()
#   m_list *= max_m / max(m_list)
# reweigh computes max_m·(n_min/n_c)^(1/4) in float64 (ldam_margins); float32 rounds that once.
LDAM_CALL = "pytorch_optimizer.loss.LDAMLoss(num_class_list=counts, max_m={m}).m_list"
ldam_err = []
for pname, counts in LONGTAIL.items():
    n = np.array(list(counts.values()), dtype=np.float64)
    for max_m in (0.5, 0.3, 1.0):
        m_list = LDAMLoss(list(counts.values()), max_m=max_m).m_list.reshape(-1).numpy()
        exact = max_m * (n.min() / n) ** 0.25
        rel = float(np.max(np.abs(m_list.astype(np.float64) - exact) / exact))
        ldam_err.append(rel)
        for dtype in ("float32", F64):
            add_longtail(f"ldam_margins/{dtype}/{pname}/max_m{max_m}", counts, f"ldam_margins({max_m})",
                         m_list, "pytorch_optimizer", LDAM_CALL.format(m=max_m), dtype=dtype,
                         tolerance={"rel": 3e-7, "why": (
                             "the reference's margins are a float32 buffer computed as 1/sqrt(sqrt(n)) and "
                             "rescaled to max_m in float32 (two sqrt, a reciprocal, a division and a "
                             "product, each rounded; torch's float32 sqrt is not always correctly "
                             "rounded): a few float32 ulps (2^-24 relative each) from the exact margins "
                             "that reweigh computes in float64 (and rounds once to float32)")},
                         note=f"largest |reference - exact| / exact: {rel:.3g}")
assert max(ldam_err) < 3e-7, max(ldam_err)
print(f"LDAM margins: the float32 buffer is at most {max(ldam_err):.3g} (relative) from the exact margins")


# DRW: Cao et al.'s cifar_train.py (train_rule == 'DRW'), with 160 and 0.9999 as parameters
def cao_drw(cls_num_list, epoch, start_epoch=160, beta=0.9999):
    idx = epoch // start_epoch
    betas = [0, beta]
    effective_num = 1.0 - np.power(betas[idx], cls_num_list)
    per_cls_weights = (1.0 - betas[idx]) / np.array(effective_num)
    per_cls_weights = per_cls_weights / np.sum(per_cls_weights) * len(cls_num_list)
    return per_cls_weights


DRW_CALL = ("Cao et al. cifar_train.py (DRW): idx = epoch // {start}; betas = [0, {beta}]; "
            "effective_num = 1.0 - np.power(betas[idx], cls_num_list); "
            "per_cls_weights = (1.0 - betas[idx]) / np.array(effective_num); "
            "per_cls_weights = per_cls_weights / np.sum(per_cls_weights) * len(cls_num_list)")
for pname, counts in LONGTAIL.items():
    n = list(counts.values())
    # Scheme::weights: the weights from start_epoch on (the epoch start_epoch itself)
    for start, beta in ((160, 0.9999), (160, 0.999), (100, 0.99), (30, 0.9)):
        scheme = f"drw({start}, {beta})" if beta != 0.9999 else f"drw({start})"
        add_longtail(f"drw/{pname}/start{start}/beta{beta}", counts, scheme,
                     cao_drw(n, start, start, beta), "numpy", DRW_CALL.format(start=start, beta=beta),
                     note="the weights from start_epoch on (Scheme::weights, cao_drw at epoch = start_epoch)")
    # Scheme::weights_at_epoch: the schedule (betas[0] = 0 gives ones before start_epoch)
    for start, epoch in ((160, 0), (160, 159), (160, 160), (160, 199), (5, 4), (5, 5), (5, 9)):
        add_longtail(f"drw/{pname}/start{start}/epoch{epoch}", counts, f"drw({start})",
                     cao_drw(n, epoch, start), "numpy", DRW_CALL.format(start=start, beta=0.9999),
                     epoch=epoch, note="Scheme::weights_at_epoch(epoch, counts)")
# Measured differences (data/reference/README.md): a zero count gives the weights [0, nan] in the
# official code at every epoch (its weight inf, then inf / inf), and its epochs from
# 2·start_epoch on raise (betas[2]); reweigh returns ZeroCount at every epoch and keeps the
# weights on. LDAMLoss gives the margins [0, nan] for the same counts.
with np.errstate(divide="ignore", invalid="ignore"):
    for e in (0, 160):
        d = cao_drw([5, 0], e)
        assert d[0] == 0.0 and np.isnan(d[1]), d
assert err(lambda: cao_drw([5, 3], 320)).startswith("IndexError")
m0 = LDAMLoss([5, 0]).m_list.reshape(-1).numpy()
assert np.isnan(m0[1]) and m0[0] == 0.0, m0


# Logit adjustment: google-research/logit_adjustment, utils.build_loss_fn and main.py's post-hoc
# step, with base_probs the class frequencies (float64 NumPy):
#   tf.math.log(tf.cast(base_probs**tau + 1e-12, dtype=tf.float32))
# float64 cases cast to tf.float64 instead.
LA_CALL = "tf.math.log(tf.cast(base_probs**tau + 1e-12, dtype={cast})) with base_probs = counts / counts.sum(), tau = {tau}"
for pname, counts in LONGTAIL.items():
    n = np.array(list(counts.values()), dtype=np.float64)
    base_probs = n / n.sum()
    for tau in (0.0, 0.5, 1.0, 1.5, 2.0):
        for dtype, tdt, cast in (("float32", tf.float32, "tf.float32"),
                                 (F64, tf.float64, "tf.float64 (official: tf.float32)")):
            offsets = tf.math.log(tf.cast(base_probs**tau + 1e-12, dtype=tdt)).numpy()
            add_longtail(f"logit_adjustment/{dtype}/{pname}/tau{tau}", counts, f"logit_adjustment({tau})",
                         offsets, "tensorflow", LA_CALL.format(cast=cast, tau=tau), dtype=dtype)
# a zero count: ln(0 + 1e-12), finite, in both
z = tf.math.log(tf.cast(np.array([1.0, 0.0])**1.0 + 1e-12, dtype=tf.float64)).numpy()
add_longtail("logit_adjustment/float64/zero_count/tau1.0", {0: 5, 1: 0}, "logit_adjustment(1.0)", z,
             "tensorflow", LA_CALL.format(cast="tf.float64 (official: tf.float32)", tau=1.0),
             note="a class with no sample gets ln(1e-12), as in the official code")

cf.write()
