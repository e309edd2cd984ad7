//! Thread 002, "Multi label classification with unbalanced labels": 512 labels with about 5
//! positives each, the all-zeros model, `BCEWithLogitsLossWeighted(50)` and the thread's binary
//! focal loss.

use super::claim::{Check, Claim, Number, Relation, Tolerance, Verdict};
use super::data::{self};
use super::threads::THREAD_002;
use super::util::{elements, fw_num, fw_raised, scalar};
use crate::repro::{BceWithLogitsLossWeighted, FocalReduction, binary_focal_loss};
use ndarray::{Array2, ArrayD, Axis, arr0};
use reweigh::format::fmt_num;
use reweigh::losses::{BinaryCrossEntropy, BinaryFocalLoss, SigmoidCrossEntropy};
use reweigh::{Framework, Reduction};

claims! {
    THREAD_002;
    "002-all-zeros-low-loss" => all_zeros_low_loss,
    "002-cannot-upsample" => cannot_upsample,
    "002-bce-weighted-pos-weight" => bce_weighted_pos_weight,
    "002-thread-focal-loss" => thread_focal_loss,
}

const INPUT: &str = "data/worked_examples/seed002_multilabel.json: 64×512 logits N(0, 1) \
                     (numpy default_rng(2)), labels with 5 positives per row";

/// The thread's inputs: 64 × 512 logits drawn N(0, 1) and hard labels with 5 positives per row
/// (`data/worked_examples/seed002_multilabel.json`, numpy `default_rng(2)`).
pub fn inputs() -> &'static (Array2<f64>, Array2<f64>) {
    data::seed002()
}

/// The numbers of the question's "always predict zeros" model (what notebook 03 computes in
/// its cells): binary cross-entropies of constant predictions on the thread's labels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AllZeros {
    /// Fraction of the labels that are positive.
    pub positive_fraction: f64,
    /// `BinaryCrossEntropy::keras()` of `p = 0` everywhere (clipped to 1e-7).
    pub keras_bce_zeros: f64,
    /// `BinaryCrossEntropy::pytorch()` of `p = 0` everywhere (log clamped at −100).
    pub torch_bce_zeros: f64,
    /// `BinaryCrossEntropy::keras()` of the best constant, `p = positive_fraction`.
    pub keras_bce_best_constant: f64,
    /// `BinaryCrossEntropy::keras()` of `p = 0.5`.
    pub keras_bce_half: f64,
    /// `SigmoidCrossEntropy::pytorch().pos_weight(50)` of the logit of the best constant.
    pub pos_weight_best_constant: f64,
    /// `SigmoidCrossEntropy::pytorch().pos_weight(50)` of logit 0 (`p = 0.5`).
    pub pos_weight_half: f64,
}

impl AllZeros {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let (_, z) = inputs();
        let frac = z.mean().expect("labels");
        let keras = BinaryCrossEntropy::<f64>::keras();
        let at = |q: f64| {
            let probs = Array2::from_elem(z.dim(), q);
            scalar(&keras, probs.view().into_dyn(), z.view().into_dyn(), None)
        };
        let pos_weight = SigmoidCrossEntropy::<f64>::pytorch().pos_weight(arr0(50.0).into_dyn());
        let logit = (frac / (1.0 - frac)).ln();
        AllZeros {
            positive_fraction: frac,
            keras_bce_zeros: at(0.0),
            torch_bce_zeros: scalar(
                &BinaryCrossEntropy::<f64>::pytorch(),
                Array2::<f64>::zeros(z.dim()).view().into_dyn(),
                z.view().into_dyn(),
                None,
            ),
            keras_bce_best_constant: at(frac),
            keras_bce_half: at(0.5),
            pos_weight_best_constant: scalar(
                &pos_weight,
                Array2::from_elem(z.dim(), logit).view().into_dyn(),
                z.view().into_dyn(),
                None,
            ),
            pos_weight_half: scalar(
                &pos_weight,
                Array2::<f64>::zeros(z.dim()).view().into_dyn(),
                z.view().into_dyn(),
                None,
            ),
        }
    }
}

/// Multi-label random over-sampling in the spirit of ML-ROS: every row holding one of the
/// rarest labels present (those with the fewest positives) is duplicated once. Returns the
/// row indices of the resampled data (every row once, then the duplicates).
pub fn duplicate_rarest_rows(z: &Array2<f64>) -> Vec<usize> {
    let (n, l) = z.dim();
    let per_label = z.sum_axis(Axis(0));
    let fewest = per_label
        .iter()
        .copied()
        .filter(|&c| c > 0.0)
        .fold(f64::INFINITY, f64::min);
    let rare: Vec<bool> = per_label.iter().map(|&c| c == fewest).collect();
    let mut rows: Vec<usize> = (0..n).collect();
    rows.extend((0..n).filter(|&i| (0..l).any(|j| rare[j] && z[[i, j]] == 1.0)));
    rows
}

/// The numbers of "you cannot easily upsample" (what notebook 03 computes in its cells).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Upsampling {
    /// Rows of the batch.
    pub rows: usize,
    /// Labels per row.
    pub labels: usize,
    /// Labels with no positive in the batch.
    pub labels_without_positive: usize,
    /// Mean positive rate over the labels, before resampling.
    pub mean_rate_before: f64,
    /// Largest positive rate of a row (positives / labels): no resampling of rows exceeds it.
    pub max_row_rate: f64,
    /// Rows after [`duplicate_rarest_rows`].
    pub rows_after: usize,
    /// Mean positive rate over the labels after it.
    pub mean_rate_after: f64,
}

impl Upsampling {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let (_, z) = inputs();
        let (n, l) = z.dim();
        let per_label = z.sum_axis(Axis(0));
        let rows = duplicate_rarest_rows(z);
        Upsampling {
            rows: n,
            labels: l,
            labels_without_positive: per_label.iter().filter(|&&c| c == 0.0).count(),
            mean_rate_before: z.mean().expect("labels"),
            max_row_rate: z.rows().into_iter().map(|r| r.sum()).fold(0.0, f64::max) / l as f64,
            rows_after: rows.len(),
            mean_rate_after: z.select(Axis(0), &rows).mean().expect("labels"),
        }
    }
}

/// The numbers of `BCEWithLogitsLossWeighted(50)` against `pos_weight = 50` (what notebook 03
/// computes in its cells).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BceWeighted {
    /// The answer's module ([`BceWithLogitsLossWeighted`]), hard labels.
    pub thread_hard: f64,
    /// The module on soft labels (`z·0.9 + 0.05`, in float32 as torch computes them).
    pub thread_soft: f64,
    /// `SigmoidCrossEntropy::pytorch().pos_weight(50)`, hard labels.
    pub pos_weight_hard: f64,
    /// The same on soft labels.
    pub pos_weight_soft: f64,
    /// Largest `|∇ module − ∇ pos_weight|` over the logits (hard labels).
    pub grad_max_diff: f64,
}

/// The thread's labels smoothed by 0.1 (`z·0.9 + 0.05`), rounded to float32 as torch computes
/// them.
pub fn soft_labels(z: &Array2<f64>) -> Array2<f64> {
    z.mapv(|v| (v as f32 * 0.9 + 0.05) as f64)
}

impl BceWeighted {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let (x, z) = inputs();
        let soft = soft_labels(z);
        let thread = BceWithLogitsLossWeighted::new(50.0);
        let (thread_hard, grad_t) = thread.forward(x, z).expect("valid");
        let (thread_soft, _) = thread.forward(x, &soft).expect("valid");
        let pos = SigmoidCrossEntropy::<f64>::pytorch().pos_weight(arr0(50.0).into_dyn());
        let hard_out =
            reweigh::Loss::compute(&pos, x.view().into_dyn(), z.view().into_dyn(), None, true)
                .expect("valid");
        let grad_p = hard_out.grad.expect("requested");
        BceWeighted {
            thread_hard,
            thread_soft,
            pos_weight_hard: hard_out.value.scalar().expect("scalar"),
            pos_weight_soft: scalar(&pos, x.view().into_dyn(), soft.view().into_dyn(), None),
            grad_max_diff: (&grad_t - &grad_p)
                .mapv(f64::abs)
                .fold(0.0_f64, |a, &b| a.max(b)),
        }
    }
}

/// The mean of element-wise losses over the positive (or the negative) labels of `z`.
pub fn mean_over_labels(losses: &ArrayD<f64>, z: &Array2<f64>, positive: bool) -> f64 {
    let (s, n) = losses
        .iter()
        .zip(z.iter())
        .filter(|&(_, &l)| (l == 1.0) == positive)
        .fold((0.0, 0.0), |(s, n), (&v, _)| (s + v, n + 1.0));
    s / n
}

/// The numbers of the thread's `binary_focal_loss` against Lin et al.'s focal loss (what
/// notebook 03 computes in its cells), γ = 2.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThreadFocal {
    /// The thread's function ([`binary_focal_loss`]), `reduction=torch.mean`.
    pub thread_mean: f64,
    /// `BinaryFocalLoss::new().gamma(2)` (Lin et al., no α), mean.
    pub focal_mean: f64,
    /// The thread's, mean over the positive labels.
    pub thread_positives: f64,
    /// Lin et al.'s, mean over the positive labels.
    pub focal_positives: f64,
    /// The thread's, mean over the negative labels.
    pub thread_negatives: f64,
    /// Lin et al.'s, mean over the negative labels.
    pub focal_negatives: f64,
    /// `BinaryFocalLoss::torchvision()` (α = 0.25), mean.
    pub torchvision_defaults_mean: f64,
    /// The thread's function with γ = 0, mean.
    pub thread_gamma_0: f64,
    /// The binary cross-entropy, mean.
    pub bce_mean: f64,
    /// Whether the thread's function raises with its default `reduction=None`.
    pub default_reduction_raises: bool,
}

impl ThreadFocal {
    /// Computes them with the public API (the main job's path).
    pub fn compute() -> Self {
        let (x, z) = inputs();
        let xv = || x.view().into_dyn();
        let zv = || z.view().into_dyn();
        let thread_el =
            binary_focal_loss(xv(), zv(), 2.0, None, None, Some(FocalReduction::Identity))
                .expect("runs")
                .into_array();
        let lin = BinaryFocalLoss::<f64>::new().gamma(2.0);
        let lin_el = elements(&lin, xv(), zv());
        ThreadFocal {
            thread_mean: thread_el.mean().expect("elements"),
            focal_mean: scalar(
                &lin.clone().reduction(Reduction::SumOverBatchSize),
                xv(),
                zv(),
                None,
            ),
            thread_positives: mean_over_labels(&thread_el, z, true),
            focal_positives: mean_over_labels(&lin_el, z, true),
            thread_negatives: mean_over_labels(&thread_el, z, false),
            focal_negatives: mean_over_labels(&lin_el, z, false),
            torchvision_defaults_mean: scalar(
                &BinaryFocalLoss::<f64>::torchvision().reduction(Reduction::SumOverBatchSize),
                xv(),
                zv(),
                None,
            ),
            thread_gamma_0: binary_focal_loss(
                xv(),
                zv(),
                0.0,
                None,
                None,
                Some(FocalReduction::Mean),
            )
            .expect("runs")
            .scalar()
            .expect("scalar"),
            bce_mean: scalar(
                &SigmoidCrossEntropy::<f64>::new().reduction(Framework::Keras.default_reducer()),
                xv(),
                zv(),
                None,
            ),
            default_reduction_raises: binary_focal_loss(xv(), zv(), 2.0, None, None, None).is_err(),
        }
    }
}

/// The claims' checks as functions of the computed numbers (the notebook computes, the ledger
/// judges).
pub mod judge {
    use super::*;

    /// The question's all-zeros model, judged.
    pub fn all_zeros_low_loss(n: &AllZeros) -> Claim {
        let p = "t002.all_zeros";
        let AllZeros {
            positive_fraction: frac,
            keras_bce_zeros: zeros,
            torch_bce_zeros: torch_zeros,
            keras_bce_best_constant: best,
            keras_bce_half: half,
            pos_weight_best_constant: weighted_best,
            pos_weight_half: weighted_half,
        } = *n;
        Claim::for_entry(
        entry::all_zeros_low_loss,
        "question (translated)",
        "My GT is a vector of length 512 [0,0,0,1,0,1,0,...,0,0,0,1]. Most of the time they are \
         zeros, each vector has about 5 ones, and the rest are zeros. I want to use a sigmoid \
         output layer and binary_crossentropy as the loss. But how do I handle the imbalance? \
         The network can learn to always predict zeros and its loss score will still be low.",
    )
    .input("labels", INPUT)
    .number(Number::reweigh("fraction of positive labels", frac))
    .equals_framework(
        "BCE of the all-zeros prediction: reweigh = Keras (probabilities clipped to 1e-7)",
        Number::reweigh("BinaryCrossEntropy::keras, p = 0", zeros),
        fw_num(
            "BinaryCrossentropy()(z, 0)",
            &format!("{p}.keras_bce_zeros"),
            "keras",
        ),
    )
    .equals_framework(
        "…and PyTorch (log clamped at −100)",
        Number::reweigh("BinaryCrossEntropy::pytorch, p = 0", torch_zeros),
        fw_num(
            "F.binary_cross_entropy(0, z)",
            &format!("{p}.torch_bce_zeros"),
            "torch",
        ),
    )
    .equals_framework(
        "BCE of the best constant prediction p = fraction of positives: reweigh = Keras",
        Number::reweigh("BinaryCrossEntropy::keras, p = 5/512", best),
        fw_num(
            "BinaryCrossentropy()(z, mean(z))",
            &format!("{p}.keras_bce_constant_mean"),
            "keras",
        ),
    )
    .check(Check::new(
        "a prediction that finds no positive has a low loss: below a tenth of the uninformed \
         p = 0.5 prediction's",
        Number::reweigh("BCE, best constant prediction", best),
        Relation::Less,
        Number::reweigh("0.1 × BCE at p = 0.5", 0.1 * half),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .equals_framework(
        "the uninformed prediction: reweigh = Keras (ln 2)",
        Number::reweigh("BCE, p = 0.5", half),
        fw_num(
            "BinaryCrossentropy()(z, 0.5)",
            &format!("{p}.keras_bce_half"),
            "keras",
        ),
    )
    .equals_framework(
        "with pos_weight = 50 the best constant prediction costs (reweigh = PyTorch)",
        Number::reweigh("BCEWithLogits(pos_weight=50), p = 5/512", weighted_best),
        fw_num(
            "BCEWithLogitsLoss(pos_weight=50), p = mean(z)",
            &format!("{p}.torch_pos_weight_50_constant_mean"),
            "torch",
        ),
    )
    .number(Number::reweigh(
        "BCEWithLogits(pos_weight=50), p = 0.5",
        weighted_half,
    ))
    .note(format!(
        "With {} of the labels positive, predicting the positive fraction everywhere (a model \
         that finds nothing) costs {} nats per label, {} of the coin flip's ln 2; the all-zeros \
         prediction costs {} in Keras (clipped at 1e-7) and {} in PyTorch (log clamped at −100). \
         Up-weighting the positives by 50 turns the same constant prediction into {}, {} times \
         the coin flip's {}: the trivial solution is no longer cheap.",
        fmt_num(frac),
        fmt_num(best),
        fmt_num(best / half),
        fmt_num(zeros),
        fmt_num(torch_zeros),
        fmt_num(weighted_best),
        fmt_num(weighted_best / weighted_half),
        fmt_num(weighted_half),
    ))
    .build()
    }

    /// "You cannot easily upsample", judged.
    pub fn cannot_upsample(n: &Upsampling) -> Claim {
        let Upsampling {
            rows: n_rows,
            labels: l,
            labels_without_positive: empty,
            mean_rate_before: mean_rate,
            max_row_rate: bound,
            rows_after,
            mean_rate_after: after,
        } = *n;
        Claim::for_entry(
        entry::cannot_upsample,
        "answer (translated)",
        "You cannot easily upsample, since this is a multi-label case (which I originally left \
         out of the post).",
    )
    .input("labels", INPUT)
    .input(
        "resampling",
        "every row holding one of the rarest labels present (fewest positives), duplicated once \
         (multi-label random over-sampling)",
    )
    .number(Number::reweigh("rows", n_rows as f64))
    .number(Number::reweigh("labels", l as f64))
    .number(Number::reweigh("rows after resampling", rows_after as f64))
    .check(Check::new(
        "duplicating rows cannot lift the mean positive rate of the labels above the largest \
         positive rate of a row (after resampling vs that bound)",
        Number::reweigh("mean positive rate per label after resampling", after),
        Relation::AtMost,
        Number::reweigh("max over rows of positives / labels", bound),
        Tolerance::abs(1e-15),
        Verdict::Refuted,
    ))
    .check(Check::new(
        "…so balanced labels (a positive rate of 0.5) are out of reach",
        Number::reweigh("max over rows of positives / labels", bound),
        Relation::Less,
        Number::reweigh("balanced positive rate", 0.5),
        Tolerance::EXACT,
        Verdict::Refuted,
    ))
    .check(Check::new(
        "labels without a single positive in the batch cannot be up-sampled at all",
        Number::reweigh("labels with no positive", empty as f64),
        Relation::Greater,
        Number::reweigh("zero", 0.0),
        Tolerance::EXACT,
        Verdict::ReproducedWithCaveat,
    ))
    .number(Number::reweigh(
        "mean positive rate per label before",
        mean_rate,
    ))
    .note(format!(
        "Every row carries about 5 positives and 507 negatives, and copying a row copies all of \
         them: the mean positive rate over the labels is a weighted mean of the rows' rates, so \
         no resampling of rows lifts it above {} (it goes from {} to {} here, with {} rows \
         instead of {}). {} of the {} labels have no positive in this batch at all. Weighting \
         the positives inside the loss (pos_weight, next claim) is what works per label.",
        fmt_num(bound),
        fmt_num(mean_rate),
        fmt_num(after),
        rows_after,
        n_rows,
        empty,
        l,
    ))
    .build()
    }

    /// `BCEWithLogitsLossWeighted(50)` against `pos_weight = 50`, judged.
    pub fn bce_weighted_pos_weight(n: &BceWeighted) -> Claim {
        let p = "t002.bce_weighted";
        let BceWeighted {
            thread_hard: hard_t,
            thread_soft: soft_t,
            pos_weight_hard: hard_p,
            pos_weight_soft: soft_p,
            grad_max_diff: grad_diff,
        } = *n;
        Claim::for_entry(
        entry::bce_weighted_pos_weight,
        "answer (translated)",
        "You cannot easily upsample, since this is a multi-label case. What you can do is give \
         the 1s a higher weight, like this: class BCEWithLogitsLossWeighted(torch.nn.Module) … \
         loss[binary_labels] *= labels[binary_labels] * self.weight … return torch.mean(loss); \
         loss = BCEWithLogitsLossWeighted(50)",
    )
    .input("logits, labels", INPUT)
    .input("soft labels", "labels·0.9 + 0.05 (label smoothing 0.1)")
    .equals_framework(
        "the port = the answer's module in PyTorch (hard labels)",
        Number::repro("BCEWithLogitsLossWeighted(50)", hard_t),
        fw_num(
            "BCEWithLogitsLossWeighted(50)",
            &format!("{p}.thread_hard"),
            "torch",
        ),
    )
    .equals_framework(
        "reweigh's pos_weight = PyTorch's (hard labels)",
        Number::reweigh("SigmoidCrossEntropy::pytorch().pos_weight(50)", hard_p),
        fw_num(
            "BCEWithLogitsLoss(pos_weight=50)",
            &format!("{p}.pos_weight_hard"),
            "torch",
        ),
    )
    .equal(
        "hard labels: the module is BCEWithLogitsLoss(pos_weight=50)",
        Number::repro("BCEWithLogitsLossWeighted(50)", hard_t),
        Number::reweigh("pos_weight = 50", hard_p),
        Tolerance::rel(1e-12),
        Verdict::Refuted,
    )
    .equal(
        "…with the same gradient (max |difference|)",
        Number::repro("max |∇ module − ∇ pos_weight|", grad_diff),
        Number::reweigh("zero", 0.0),
        Tolerance::abs(1e-15),
        Verdict::Refuted,
    )
    .equal(
        "soft labels: the module is still pos_weight = 50",
        Number::repro("BCEWithLogitsLossWeighted(50), soft labels", soft_t),
        Number::reweigh("pos_weight = 50, soft labels", soft_p),
        Tolerance::rel(1e-6),
        Verdict::ReproducedWithCaveat,
    )
    .equals_framework(
        "the port = PyTorch on soft labels",
        Number::repro("BCEWithLogitsLossWeighted(50), soft labels", soft_t),
        fw_num(
            "BCEWithLogitsLossWeighted(50), soft",
            &format!("{p}.thread_soft"),
            "torch",
        ),
    )
    .equals_framework(
        "reweigh = PyTorch, pos_weight on soft labels",
        Number::reweigh("pos_weight = 50, soft labels", soft_p),
        fw_num(
            "BCEWithLogitsLoss(pos_weight=50), soft",
            &format!("{p}.pos_weight_soft"),
            "torch",
        ),
    )
    .number(fw_num(
        "max |∇ module − ∇ pos_weight| in PyTorch (float32)",
        &format!("{p}.grad_max_abs_diff_hard"),
        "torch",
    ))
    .note(format!(
        "For a hard positive label the binary loss is only its positive term, so multiplying it \
         by 50 is what pos_weight=50 does: {} both, same gradient. For soft labels the module \
         multiplies both terms of every non-zero label by label·50, while pos_weight multiplies \
         only the positive term by 50: {} against {}. Use BCEWithLogitsLoss(pos_weight=…) \
         (reweigh: SigmoidCrossEntropy::pos_weight), which is also per label.",
        fmt_num(hard_t),
        fmt_num(soft_t),
        fmt_num(soft_p),
    ))
    .build()
    }

    /// The thread's focal loss against Lin et al.'s, judged.
    pub fn thread_focal_loss(n: &ThreadFocal) -> Claim {
        let p = "t002.focal";
        let ThreadFocal {
            thread_mean,
            focal_mean: lin_mean,
            thread_positives,
            focal_positives,
            thread_negatives,
            focal_negatives,
            torchvision_defaults_mean: alpha,
            thread_gamma_0: thread_g0,
            bce_mean: bce,
            default_reduction_raises,
        } = *n;
        let raised = if default_reduction_raises { 1.0 } else { 0.0 };
        Claim::for_entry(
        entry::thread_focal_loss,
        "answer (translated)",
        "You can also use FocalLoss to focus on the positive examples (there should be some \
         implementations in libraries). EDIT: Focal Loss can also be coded along these lines: def \
         binary_focal_loss(outputs, targets, gamma, weight=None, pos_weight=None, reduction=None): \
         probabilities = (1 - torch.sigmoid(outputs)) ** gamma; loss = probabilities * \
         torch.nn.functional.binary_cross_entropy_with_logits(outputs, targets.float(), weight, \
         reduction=\"none\", pos_weight=pos_weight); return reduction(loss)",
    )
    .input("logits, labels", INPUT)
    .input("gamma", "2; reduction = torch.mean")
    .equals_framework(
        "the port = the answer's function in PyTorch",
        Number::repro("binary_focal_loss(γ = 2), mean", thread_mean),
        fw_num(
            "binary_focal_loss(γ = 2, reduction=torch.mean)",
            &format!("{p}.thread_mean"),
            "torch",
        ),
    )
    .equals_framework(
        "reweigh's focal loss (Lin et al., no α) = torchvision.ops.sigmoid_focal_loss(alpha=-1)",
        Number::reweigh("BinaryFocalLoss γ = 2, mean", lin_mean),
        fw_num(
            "sigmoid_focal_loss(alpha=-1, gamma=2), mean",
            &format!("{p}.torchvision_mean"),
            "torchvision",
        ),
    )
    .equal(
        "positive labels: the thread's factor is Lin et al.'s (mean over positives)",
        Number::repro("thread, positives", thread_positives),
        Number::reweigh("Lin et al., positives", focal_positives),
        Tolerance::rel(1e-12),
        Verdict::Refuted,
    )
    .equal(
        "the thread's loss is the focal loss (mean over all labels)",
        Number::repro("thread, mean", thread_mean),
        Number::reweigh("Lin et al., mean", lin_mean),
        Tolerance::rel(1e-6),
        Verdict::Refuted,
    )
    .equal(
        "γ = 0 gives the binary cross-entropy in both",
        Number::repro("thread, γ = 0", thread_g0),
        Number::reweigh("BCE, mean", bce),
        Tolerance::rel(1e-12),
        Verdict::Refuted,
    )
    .equal(
        "the function runs with its default reduction=None",
        Number::repro("raises", raised),
        Number::thread("raises (the default)", 0.0),
        Tolerance::EXACT,
        Verdict::ReproducedWithCaveat,
    )
    .equals_framework_within(
        "…the port raises where Python does",
        Number::repro("raises", raised),
        fw_raised("raises", &format!("{p}.thread_default_reduction"), "torch"),
        Tolerance::EXACT,
    )
    .number(Number::repro(
        "thread, negatives",
        thread_negatives,
    ))
    .number(Number::reweigh(
        "Lin et al., negatives",
        focal_negatives,
    ))
    .number(fw_num(
        "torchvision, negatives",
        &format!("{p}.torchvision_mean_negatives"),
        "torchvision",
    ))
    .number(Number::reweigh(
        "torchvision defaults (α = 0.25), mean",
        alpha,
    ))
    .note(format!(
        "Focal loss scales each label's cross-entropy by (1 − p_t)^γ, p_t being the probability \
         of the *true* label: σ(x) for a positive, 1 − σ(x) for a negative. The thread uses \
         (1 − σ(x))^γ for both, which is right for positives (same mean, {}) but for negatives \
         down-weights the hard ones (large σ(x)) and keeps the easy ones: its mean over negatives \
         is {} against {} for the focal loss. With 507 negatives per 5 positives that is most of \
         the loss: {} against {} overall. Its default reduction=None fails: {}.",
        fmt_num(focal_positives),
        fmt_num(thread_negatives),
        fmt_num(focal_negatives),
        fmt_num(thread_mean),
        fmt_num(lin_mean),
        data::raised_text(&format!("{p}.thread_default_reduction")),
    ))
    .figure("focal_loss.svg")
    .build()
    }
}

/// The question: a network predicting all zeros still gets a low binary cross-entropy
/// (registry entry: [`judge::all_zeros_low_loss`] of [`AllZeros::compute`]).
pub fn all_zeros_low_loss() -> Claim {
    judge::all_zeros_low_loss(&AllZeros::compute())
}

/// The answer: "You cannot easily upsample, since this is a multi-label case" (registry entry).
pub fn cannot_upsample() -> Claim {
    judge::cannot_upsample(&Upsampling::compute())
}

/// The answer's `BCEWithLogitsLossWeighted(50)`: "give the ones a higher weight" (registry
/// entry).
pub fn bce_weighted_pos_weight() -> Claim {
    judge::bce_weighted_pos_weight(&BceWeighted::compute())
}

/// The answer's `binary_focal_loss`: `(1 − sigmoid(x))^gamma · BCE` for every label (registry
/// entry).
pub fn thread_focal_loss() -> Claim {
    judge::thread_focal_loss(&ThreadFocal::compute())
}
