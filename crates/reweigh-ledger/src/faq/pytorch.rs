//! Questions 1–4 of the FAQ, on PyTorch's losses: the weighted `mean`, label smoothing with class
//! weights, every target ignored, and `pos_weight` broadcasting.

use super::{CHANGED, claim, entry, flag, fw, fw_raised, shown};
use crate::claim::{Check, Claim, FRAMEWORK_TOL, Number, Relation, Tolerance, Verdict};
use crate::data::FAQ_FILE;
use crate::util::{elements, scalar};
use ndarray::{Array1, Array2, ArrayD, IxDyn, s};
use reweigh::Reduction;
use reweigh::losses::{SigmoidCrossEntropy, SmoothingForm, SparseSoftmaxCrossEntropy};
use reweigh::{Loss, ReweighError};

/// A tolerance for numbers that must agree to float32 rounding and no more.
const DISTINCT: Tolerance = Tolerance {
    abs: 1e-6,
    rel: 1e-6,
};

fn logits(path: &str) -> Array2<f64> {
    FAQ_FILE.mat(path)
}

fn labels(path: &str) -> Array1<i64> {
    Array1::from(FAQ_FILE.ints(path))
}

// ------------------------------------------------------------------------------ question 1

/// Question 1's numbers, computed by reweigh: `torch.nn.CrossEntropyLoss(weight=w)` on a batch
/// of 4, its `reduction='none'` values, a batch of one, and two micro-batches of 2.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightedMean {
    /// `SparseSoftmaxCrossEntropy::pytorch().class_weights(w)`: `Σ w[y]·ℓ / Σ w[y]`.
    pub mean: f64,
    /// The mean of the `reduction='none'` values, `Σ w[y]·ℓ / N`.
    pub mean_of_none: f64,
    /// The same loss with Keras's reduction by name, `sum_over_batch_size`.
    pub sum_over_batch_size: f64,
    /// `Σ none / Σ w[y_i]`, the weighted mean written out.
    pub sum_over_weights: f64,
    /// The weighted loss of the last sample alone (a batch of one).
    pub batch1_weighted: f64,
    /// The same sample without weights.
    pub batch1_unweighted: f64,
    /// Gradient accumulation: the two micro-batch means of 2 samples, each halved, summed.
    pub accumulated: f64,
}

impl WeightedMean {
    /// Computes the numbers on the inputs of `faq.json` (`q01`).
    pub fn compute() -> Self {
        let x = logits("q01.logits");
        let y = labels("q01.labels");
        let w = Array1::from(FAQ_FILE.fs("q01.weight"));
        let torch = SparseSoftmaxCrossEntropy::<f64>::pytorch().class_weights(w.clone());
        let mean_of = |x: &Array2<f64>, y: &Array1<i64>, loss: &SparseSoftmaxCrossEntropy<f64>| {
            scalar(loss, x.view().into_dyn(), y.view().into_dyn(), None)
        };
        let none = elements(
            &torch.clone().reduction(Reduction::None),
            x.view().into_dyn(),
            y.view().into_dyn(),
        );
        let mass: f64 = y.iter().map(|&c| w[c as usize]).sum();
        let last = (
            x.slice(s![3..4, ..]).to_owned(),
            y.slice(s![3..4]).to_owned(),
        );
        let accumulated = [0, 2]
            .iter()
            .map(|&i| {
                let xb = x.slice(s![i..i + 2, ..]).to_owned();
                let yb = y.slice(s![i..i + 2]).to_owned();
                mean_of(&xb, &yb, &torch) / 2.0
            })
            .sum();
        WeightedMean {
            mean: mean_of(&x, &y, &torch),
            mean_of_none: none.mean().expect("4 values"),
            sum_over_batch_size: mean_of(
                &x,
                &y,
                &torch.clone().reduction(Reduction::SumOverBatchSize),
            ),
            sum_over_weights: none.sum() / mass,
            batch1_weighted: mean_of(&last.0, &last.1, &torch),
            batch1_unweighted: mean_of(&last.0, &last.1, &SparseSoftmaxCrossEntropy::pytorch()),
            accumulated,
        }
    }
}

/// Judges question 1 on `n`.
pub fn weighted_mean(n: &WeightedMean) -> Claim {
    let p = |k: &str| format!("q01.{k}");
    let t = |label: &str, k: &str| fw(label, &p(k), "torch");
    claim(
        entry::weighted_mean,
        "faq digest: pytorch #25571, #40560, #65329, #8062 (docs #40991); #50528; #72047",
        "PyTorch weighted `mean` is not the mean of `reduction='none'`. With `weight=`, \
         `CrossEntropyLoss` and `NLLLoss` divide Σ w_{y_i}·ℓ_i by Σ w_{y_i}, not by N. \
         Consequences users hit: with batch size 1 the class weight has no effect at all; \
         gradient accumulation over micro-batches no longer equals the big-batch gradient.",
    )
    .input("logits (4 × 3)", shown("q01.logits"))
    .input("labels", shown("q01.labels"))
    .input("weight", shown("q01.weight"))
    .input("call", FAQ_FILE.at("q01.call").as_str().unwrap_or(""))
    .equals_framework(
        "weighted mean: reweigh = PyTorch",
        Number::reweigh(
            "SparseSoftmaxCrossEntropy::pytorch().class_weights(w)",
            n.mean,
        ),
        t("CrossEntropyLoss(weight=w)(x, y)", "mean"),
    )
    .equals_framework(
        "mean of the reduction='none' values: reweigh = PyTorch",
        Number::reweigh("mean of reduction none", n.mean_of_none),
        t(
            "CrossEntropyLoss(weight=w, reduction='none')(x, y).mean()",
            "mean_of_none",
        ),
    )
    .equals_framework(
        "a batch of one, weighted: reweigh = PyTorch",
        Number::reweigh("batch of 1, weighted", n.batch1_weighted),
        t(
            "CrossEntropyLoss(weight=w)(x[3:4], y[3:4])",
            "batch1_weighted",
        ),
    )
    .equals_framework(
        "two micro-batches of 2, each loss / 2, summed: reweigh = PyTorch",
        Number::reweigh("accumulated over 2 micro-batches", n.accumulated),
        t(
            "Σ CrossEntropyLoss(weight=w)(micro-batch) / 2",
            "accumulated_2x2",
        ),
    )
    .check(Check::new(
        "the weighted mean is Σ w[y]·ℓ / Σ w[y]",
        t("CrossEntropyLoss(weight=w)(x, y)", "mean"),
        Relation::Equal,
        Number::reweigh("Σ none / Σ w[y]", n.sum_over_weights),
        FRAMEWORK_TOL,
        Verdict::Refuted,
    ))
    .check(Check::new(
        "…and not the mean of the reduction='none' values (Σ w[y]·ℓ / N, Keras's \
         sum_over_batch_size by name)",
        t("CrossEntropyLoss(weight=w)(x, y)", "mean"),
        Relation::Differ,
        Number::reweigh("reduction sum_over_batch_size", n.sum_over_batch_size),
        DISTINCT,
        Verdict::Refuted,
    ))
    .check(Check::new(
        "with a batch of one the class weight has no effect",
        t(
            "CrossEntropyLoss(weight=w)(x[3:4], y[3:4])",
            "batch1_weighted",
        ),
        Relation::Equal,
        t("CrossEntropyLoss()(x[3:4], y[3:4])", "batch1_unweighted"),
        FRAMEWORK_TOL,
        Verdict::Refuted,
    ))
    .check(Check::new(
        "accumulating micro-batch means does not give the big-batch loss",
        t(
            "Σ CrossEntropyLoss(weight=w)(micro-batch) / 2",
            "accumulated_2x2",
        ),
        Relation::Differ,
        t("CrossEntropyLoss(weight=w)(x, y)", "mean"),
        DISTINCT,
        Verdict::Refuted,
    ))
    .number(Number::reweigh(
        "batch of 1, unweighted",
        n.batch1_unweighted,
    ))
    .note(
        "PyTorch's `mean` is reweigh's `weighted_mean` (Framework::PyTorch.reducer(\"mean\")); \
         Keras's and the mean of `reduction='none'` is `sum_over_batch_size`. To accumulate \
         gradients exactly, sum the micro-batch losses (`reduction='sum'`) and divide by the \
         big batch's Σ w[y].",
    )
    .build()
}

// ------------------------------------------------------------------------------ question 2

/// Question 2's numbers, computed by reweigh: class weights with label smoothing ε = 0.2 in
/// both conventions, and with an ignored target.
#[derive(Clone, Debug, PartialEq)]
pub struct SmoothingWithWeights {
    /// PyTorch's form (`SmoothingForm::PyTorch`): each smoothing term carries its own class's
    /// weight; weighted mean.
    pub pytorch_form: f64,
    /// Keras's form (`SmoothingForm::KerasTf` through `sample_weight = w[y]`): the true class's
    /// weight scales the whole smoothed row; `mean_with_sample_weight`.
    pub keras_form: f64,
    /// PyTorch's form with the second target ignored (`ignore_index = -100`).
    pub pytorch_form_ignored: f64,
}

impl SmoothingWithWeights {
    /// Computes the numbers on the inputs of `faq.json` (`q02`).
    pub fn compute() -> Self {
        let x = logits("q02.logits");
        let y = labels("q02.labels");
        let y_ign = labels("q02.labels_ignored");
        let w = Array1::from(FAQ_FILE.fs("q02.weight"));
        let eps = FAQ_FILE.f("q02.label_smoothing");
        let torch = SparseSoftmaxCrossEntropy::<f64>::pytorch()
            .class_weights(w.clone())
            .label_smoothing(eps)
            .smoothing_form(SmoothingForm::PyTorch);
        let sw: ArrayD<f64> = y.mapv(|c| w[c as usize]).into_dyn();
        let keras = SparseSoftmaxCrossEntropy::<f64>::keras()
            .label_smoothing(eps)
            .smoothing_form(SmoothingForm::KerasTf)
            .reduction(Reduction::MeanWithSampleWeight);
        SmoothingWithWeights {
            pytorch_form: scalar(&torch, x.view().into_dyn(), y.view().into_dyn(), None),
            keras_form: scalar(
                &keras,
                x.view().into_dyn(),
                y.view().into_dyn(),
                Some(sw.view()),
            ),
            pytorch_form_ignored: scalar(
                &torch.ignore_index(FAQ_FILE.f("q02.ignore_index") as i64),
                x.view().into_dyn(),
                y_ign.view().into_dyn(),
                None,
            ),
        }
    }
}

/// Judges question 2 on `n`.
pub fn smoothing_with_weights(n: &SmoothingWithWeights) -> Claim {
    let p = |k: &str| format!("q02.{k}");
    claim(
        entry::smoothing_with_weights,
        "faq digest: pytorch #104776 (open), #69339, #91383; #72056 fixed by #69511",
        "Class weights together with label smoothing in PyTorch. Whether the weights should also \
         scale the smoothing term is still debated; a crash with weight + smoothing + ignored \
         targets was fixed.",
    )
    .input("logits (4 × 3)", shown("q02.logits"))
    .input("labels", shown("q02.labels"))
    .input("labels with one ignored", shown("q02.labels_ignored"))
    .input("weight", shown("q02.weight"))
    .input("label_smoothing", "0.2")
    .equals_framework(
        "PyTorch's convention: reweigh (SmoothingForm::PyTorch) = PyTorch",
        Number::reweigh("SmoothingForm::PyTorch, weighted mean", n.pytorch_form),
        fw(
            "CrossEntropyLoss(weight=w, label_smoothing=0.2)",
            &p("torch_mean"),
            "torch",
        ),
    )
    .equals_framework(
        "Keras's convention: reweigh (SmoothingForm::KerasTf, sample weight w[y]) = Keras",
        Number::reweigh(
            "SmoothingForm::KerasTf, mean_with_sample_weight",
            n.keras_form,
        ),
        fw(
            "CategoricalCrossentropy(label_smoothing=0.2, mean_with_sample_weight), sw = w[y]",
            &p("keras_mean"),
            "keras",
        ),
    )
    .check(Check::new(
        "the two conventions give different losses, so the choice matters",
        fw(
            "CrossEntropyLoss(weight=w, label_smoothing=0.2)",
            &p("torch_mean"),
            "torch",
        ),
        Relation::Differ,
        fw(
            "CategoricalCrossentropy(label_smoothing=0.2, mean_with_sample_weight), sw = w[y]",
            &p("keras_mean"),
            "keras",
        ),
        DISTINCT,
        Verdict::Refuted,
    ))
    .check(Check::new(
        "weight + smoothing + an ignored target runs (the crash is fixed)",
        fw_raised(
            "CrossEntropyLoss(weight=w, label_smoothing=0.2) with y = -100 raises",
            &p("torch_ignore_raises"),
            "torch",
        ),
        Relation::Equal,
        Number::digest("raises (fixed)", 0.0),
        Tolerance::EXACT,
        CHANGED,
    ))
    .equals_framework(
        "…and reweigh gives PyTorch's number there",
        Number::reweigh(
            "SmoothingForm::PyTorch, one target ignored",
            n.pytorch_form_ignored,
        ),
        fw(
            "CrossEntropyLoss(weight=w, label_smoothing=0.2)(x, y_ignored)",
            &p("torch_ignore_mean"),
            "torch",
        ),
    )
    .note(
        "reweigh names both conventions: `SmoothingForm::PyTorch` is `CrossEntropyLoss(weight=w, \
         label_smoothing=ε)` (each smoothing term weighted by its own class), \
         `SmoothingForm::KerasTf` is Keras's `class_weight=` with `label_smoothing` (the true \
         class's weight scales the whole smoothed row). Without class weights they coincide.",
    )
    .build()
}

// ------------------------------------------------------------------------------ question 3

/// Question 3's numbers, computed by reweigh: a batch whose every target is ignored.
#[derive(Clone, Debug, PartialEq)]
pub struct AllIgnored {
    /// 1 if the PyTorch preset's `mean` is NaN.
    pub mean_is_nan: f64,
    /// The `sum` reduction.
    pub sum: f64,
    /// The largest |gradient| of the `mean` with respect to the logits.
    pub grad_max_abs: f64,
    /// Keras's preset with `ignore_class`: `divide_no_nan`.
    pub keras_value: f64,
}

impl AllIgnored {
    /// Computes the numbers on the inputs of `faq.json` (`q03`).
    pub fn compute() -> Self {
        let x = logits("q03.logits");
        let y = labels("q03.labels");
        let torch = SparseSoftmaxCrossEntropy::<f64>::pytorch().ignore_index(-100);
        let out = torch.forward_backward(&x, &y).expect("valid inputs");
        let mean = out.value.scalar().expect("reduced");
        let grad = out.grad.expect("a gradient");
        AllIgnored {
            mean_is_nan: flag(mean.is_nan()),
            sum: scalar(
                &torch.clone().reduction(Reduction::Sum),
                x.view().into_dyn(),
                y.view().into_dyn(),
                None,
            ),
            grad_max_abs: grad.iter().fold(0.0, |m, g| m.max(g.abs())),
            keras_value: scalar(
                &SparseSoftmaxCrossEntropy::<f64>::keras().ignore_class(-100),
                x.view().into_dyn(),
                y.view().into_dyn(),
                None,
            ),
        }
    }
}

/// Judges question 3 on `n`.
pub fn all_ignored(n: &AllIgnored) -> Claim {
    let p = |k: &str| format!("q03.{k}");
    claim(
        entry::all_ignored,
        "faq digest: pytorch #70348, #75181, #116349; behaviour since #64572",
        "Every target ignored gives NaN in PyTorch's mean (0/0), deliberately, \"mean of an \
         empty set\", while the gradient is zero.",
    )
    .input("logits (3 × 3)", shown("q03.logits"))
    .input("labels", shown("q03.labels"))
    .input("call", FAQ_FILE.at("q03.call").as_str().unwrap_or(""))
    .equals_framework_within(
        "the mean is NaN: reweigh = PyTorch",
        Number::reweigh(
            "SparseSoftmaxCrossEntropy::pytorch() mean is NaN",
            n.mean_is_nan,
        ),
        fw(
            "CrossEntropyLoss()(x, y) is NaN",
            &p("mean_is_nan"),
            "torch",
        ),
        Tolerance::EXACT,
    )
    .check(Check::new(
        "PyTorch's mean of an all-ignored batch is NaN",
        fw(
            "CrossEntropyLoss()(x, y) is NaN",
            &p("mean_is_nan"),
            "torch",
        ),
        Relation::Equal,
        Number::digest("is NaN", 1.0),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .equals_framework_within(
        "the sum is 0: reweigh = PyTorch",
        Number::reweigh("reduction sum", n.sum),
        fw(
            "CrossEntropyLoss(reduction='sum')(x, y)",
            &p("sum"),
            "torch",
        ),
        Tolerance::EXACT,
    )
    .equals_framework_within(
        "the gradient of the mean: reweigh = PyTorch",
        Number::reweigh("max |∂mean/∂x|", n.grad_max_abs),
        fw("max |x.grad|", &p("grad_max_abs"), "torch"),
        Tolerance::EXACT,
    )
    .check(Check::new(
        "the gradient is zero (not NaN)",
        fw("max |x.grad|", &p("grad_max_abs"), "torch"),
        Relation::Equal,
        Number::digest("gradient", 0.0),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .equals_framework_within(
        "Keras returns 0 instead (divide_no_nan): reweigh = Keras",
        Number::reweigh(
            "SparseSoftmaxCrossEntropy::keras().ignore_class(-100)",
            n.keras_value,
        ),
        fw(
            "SparseCategoricalCrossentropy(from_logits=True, ignore_class=-100)",
            &p("keras_value"),
            "keras",
        ),
        Tolerance::EXACT,
    )
    .number(Number::new(
        "the gradient is NaN",
        FAQ_FILE.f(&p("grad_is_nan")),
        FAQ_FILE.fw("torch"),
    ))
    .note(
        "reweigh's presets carry each framework's rule (`OnZeroWeights::Nan` for PyTorch, \
         `OnZeroWeights::Zero` for Keras and TF1); in a training loop, skip a batch whose \
         targets are all ignored, or use `reduction='sum'` divided by max(1, #valid).",
    )
    .build()
}

// ------------------------------------------------------------------------------ question 4

/// Question 4's numbers, computed by reweigh: `BCEWithLogitsLoss(pos_weight=...)` on logits of
/// shape (2, 3, 4), classes on dimension 1.
#[derive(Clone, Debug, PartialEq)]
pub struct PosWeightAxis {
    /// 1 if a per-class `pos_weight` of shape (3,) is refused (it does not broadcast against
    /// the last dimension, 4).
    pub per_class_refused: f64,
    /// The mean with a `pos_weight` of shape (4,): one weight per position of the last
    /// dimension.
    pub last_dim: f64,
    /// The mean with the per-class `pos_weight` reshaped to (3, 1).
    pub per_class_reshaped: f64,
    /// 1 if an element weight (`weight=`) of shape (3,) is refused.
    pub weight_per_class_refused: f64,
}

impl PosWeightAxis {
    /// Computes the numbers on the inputs of `faq.json` (`q04`).
    pub fn compute() -> Self {
        let (xv, shape) = FAQ_FILE.tensor("q04.logits");
        let x = ArrayD::from_shape_vec(IxDyn(&shape), xv).expect("(2, 3, 4)");
        let (zv, _) = FAQ_FILE.tensor("q04.targets");
        let z = ArrayD::from_shape_vec(IxDyn(&shape), zv).expect("(2, 3, 4)");
        let pw_c = Array1::from(FAQ_FILE.fs("q04.pos_weight_classes")).into_dyn();
        let pw_l = Array1::from(FAQ_FILE.fs("q04.pos_weight_last")).into_dyn();
        let mean = |loss: SigmoidCrossEntropy<f64>| -> Result<f64, ReweighError> {
            Ok(loss.forward(x.view(), z.view())?.scalar().expect("reduced"))
        };
        let torch = SigmoidCrossEntropy::<f64>::pytorch;
        let reshaped = pw_c
            .clone()
            .into_shape_with_order(IxDyn(&[3, 1]))
            .expect("(3, 1)");
        PosWeightAxis {
            per_class_refused: flag(mean(torch().pos_weight(pw_c.clone())).is_err()),
            last_dim: mean(torch().pos_weight(pw_l)).expect("(4,) broadcasts"),
            per_class_reshaped: mean(torch().pos_weight(reshaped)).expect("(3, 1) broadcasts"),
            weight_per_class_refused: flag(mean(torch().element_weights(pw_c)).is_err()),
        }
    }
}

/// Judges question 4 on `n`.
pub fn pos_weight_axis(n: &PosWeightAxis) -> Claim {
    let p = |k: &str| format!("q04.{k}");
    claim(
        entry::pos_weight_axis,
        "faq digest: pytorch #27936 (open), #82496, #65702, #5157, #25174; docs #101567, #164767",
        "`pos_weight` broadcasts along the last dimension, not the class dimension 1, in \
         `BCEWithLogitsLoss`; the broadcasting of `weight` was documented only recently.",
    )
    .input(
        "logits (2 × 3 × 4, classes on dimension 1)",
        shown("q04.logits"),
    )
    .input("targets", shown("q04.targets"))
    .input("pos_weight per class (3,)", shown("q04.pos_weight_classes"))
    .input(
        "pos_weight per last position (4,)",
        shown("q04.pos_weight_last"),
    )
    .input(
        "exception of the per-class pos_weight",
        FAQ_FILE.raised_text(&p("per_class_raises")),
    )
    .equals_framework_within(
        "a per-class pos_weight of shape (3,) on (2, 3, 4) logits is refused: reweigh = PyTorch",
        Number::reweigh(
            "SigmoidCrossEntropy::pytorch().pos_weight((3,)) errs",
            n.per_class_refused,
        ),
        fw_raised(
            "BCEWithLogitsLoss(pos_weight=(3,)) raises",
            &p("per_class_raises"),
            "torch",
        ),
        Tolerance::EXACT,
    )
    .check(Check::new(
        "pos_weight does not broadcast along dimension 1",
        fw_raised(
            "BCEWithLogitsLoss(pos_weight=(3,)) raises",
            &p("per_class_raises"),
            "torch",
        ),
        Relation::Equal,
        Number::digest("raises", 1.0),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .equals_framework(
        "a pos_weight of shape (4,) weighs the last dimension: reweigh = PyTorch",
        Number::reweigh("pos_weight (4,), last axis", n.last_dim),
        fw(
            "BCEWithLogitsLoss(pos_weight=(4,))",
            &p("last_dim"),
            "torch",
        ),
    )
    .equals_framework(
        "the per-class weights reshaped to (3, 1) reach dimension 1: reweigh = PyTorch",
        Number::reweigh("pos_weight (3, 1)", n.per_class_reshaped),
        fw(
            "BCEWithLogitsLoss(pos_weight=pw.reshape(3, 1))",
            &p("per_class_reshaped"),
            "torch",
        ),
    )
    .equals_framework_within(
        "weight= broadcasts the same way (a (3,) weight is refused): reweigh = PyTorch",
        Number::reweigh(
            "SigmoidCrossEntropy::pytorch().element_weights((3,)) errs",
            n.weight_per_class_refused,
        ),
        fw_raised(
            "BCEWithLogitsLoss(weight=(3,)) raises",
            &p("weight_per_class_raises"),
            "torch",
        ),
        Tolerance::EXACT,
    )
    .note(
        "For classes on dimension 1 (segmentation maps, sequences) reshape the per-class \
         pos_weight to (C, 1, …) so that it broadcasts; reweigh's `pos_weight` and \
         `element_weights` follow the same NumPy broadcasting and name the shapes when they \
         do not broadcast.",
    )
    .build()
}
