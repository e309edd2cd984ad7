//! Thread 002, "Multi label classification with unbalanced labels": 512 labels with about 5
//! positives each, the all-zeros model, `BCEWithLogitsLossWeighted(50)` and the thread's binary
//! focal loss.

use super::claim::{Check, Claim, Number, Relation, Tolerance, Verdict};
use super::data::{self};
use super::threads::THREAD_002;
use super::util::{elements, fw_num, fw_raised, scalar};
use crate::repro::{BceWithLogitsLossWeighted, FocalReduction, binary_focal_loss};
use ndarray::{Array2, arr0};
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

/// The question: a network predicting all zeros still gets a low binary cross-entropy.
pub fn all_zeros_low_loss() -> Claim {
    let p = "t002.all_zeros";
    let (_, z) = data::seed002();
    let frac = z.mean().expect("labels");
    let keras = BinaryCrossEntropy::<f64>::keras();
    let at = |q: f64| {
        let probs = Array2::from_elem(z.dim(), q);
        scalar(&keras, probs.view().into_dyn(), z.view().into_dyn(), None)
    };
    let zeros = at(0.0);
    let best = at(frac);
    let half = at(0.5);
    let torch_zeros = scalar(
        &BinaryCrossEntropy::<f64>::pytorch(),
        Array2::<f64>::zeros(z.dim()).view().into_dyn(),
        z.view().into_dyn(),
        None,
    );
    let logit = (frac / (1.0 - frac)).ln();
    let weighted_best = scalar(
        &SigmoidCrossEntropy::<f64>::pytorch().pos_weight(arr0(50.0).into_dyn()),
        Array2::from_elem(z.dim(), logit).view().into_dyn(),
        z.view().into_dyn(),
        None,
    );
    let weighted_half = scalar(
        &SigmoidCrossEntropy::<f64>::pytorch().pos_weight(arr0(50.0).into_dyn()),
        Array2::<f64>::zeros(z.dim()).view().into_dyn(),
        z.view().into_dyn(),
        None,
    );
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

/// The answer: "You cannot easily upsample, since this is a multi-label case."
pub fn cannot_upsample() -> Claim {
    let (_, z) = data::seed002();
    let (n, l) = z.dim();
    let per_row: Vec<f64> = z.rows().into_iter().map(|r| r.sum()).collect();
    let per_label = z.sum_axis(ndarray::Axis(0));
    let empty = per_label.iter().filter(|&&c| c == 0.0).count();
    let mean_rate = z.mean().expect("labels");
    let bound = per_row.iter().copied().fold(0.0, f64::max) / l as f64;
    // Multi-label random over-sampling in the spirit of ML-ROS: duplicate, once, every row that
    // holds one of the rarest labels present (those with the fewest positives).
    let fewest = per_label
        .iter()
        .copied()
        .filter(|&c| c > 0.0)
        .fold(f64::INFINITY, f64::min);
    let rare: Vec<bool> = per_label.iter().map(|&c| c == fewest).collect();
    let mut rows: Vec<usize> = (0..n).collect();
    rows.extend((0..n).filter(|&i| (0..l).any(|j| rare[j] && z[[i, j]] == 1.0)));
    let resampled = z.select(ndarray::Axis(0), &rows);
    let after = resampled.mean().expect("labels");
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
    .number(Number::reweigh("rows", n as f64))
    .number(Number::reweigh("labels", l as f64))
    .number(Number::reweigh("rows after resampling", rows.len() as f64))
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
        rows.len(),
        n,
        empty,
        l,
    ))
    .build()
}

/// The answer's `BCEWithLogitsLossWeighted(50)`: "give the ones a higher weight".
pub fn bce_weighted_pos_weight() -> Claim {
    let p = "t002.bce_weighted";
    let (x, z) = data::seed002();
    let soft = z.mapv(|v| (v as f32 * 0.9 + 0.05) as f64); // as torch computes it, in float32
    let thread = BceWithLogitsLossWeighted::new(50.0);
    let (hard_t, grad_t) = thread
        .forward(x.view().into_dyn(), z.view().into_dyn())
        .expect("valid");
    let (soft_t, _) = thread
        .forward(x.view().into_dyn(), soft.view().into_dyn())
        .expect("valid");
    let pos = SigmoidCrossEntropy::<f64>::pytorch().pos_weight(arr0(50.0).into_dyn());
    let hard_out =
        reweigh::Loss::compute(&pos, x.view().into_dyn(), z.view().into_dyn(), None, true)
            .expect("valid");
    let hard_p = hard_out.value.scalar().expect("scalar");
    let grad_p = hard_out.grad.expect("requested");
    let grad_diff = (&grad_t - &grad_p)
        .mapv(f64::abs)
        .fold(0.0_f64, |a, &b| a.max(b));
    let soft_p = scalar(&pos, x.view().into_dyn(), soft.view().into_dyn(), None);
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

/// The answer's `binary_focal_loss`: `(1 − sigmoid(x))^gamma · BCE` for every label.
pub fn thread_focal_loss() -> Claim {
    let p = "t002.focal";
    let (x, z) = data::seed002();
    let xv = || x.view().into_dyn();
    let zv = || z.view().into_dyn();
    let thread_el = binary_focal_loss(xv(), zv(), 2.0, None, None, Some(FocalReduction::Identity))
        .expect("runs")
        .into_array();
    let lin = BinaryFocalLoss::<f64>::new().gamma(2.0);
    let lin_el = elements(&lin, xv(), zv());
    let mean_where = |a: &ndarray::ArrayD<f64>, positive: bool| {
        let (s, n) = a
            .iter()
            .zip(z.iter())
            .filter(|&(_, &l)| (l == 1.0) == positive)
            .fold((0.0, 0.0), |(s, n), (&v, _)| (s + v, n + 1.0));
        s / n
    };
    let thread_mean = thread_el.mean().expect("elements");
    let lin_mean = scalar(
        &lin.clone().reduction(Reduction::SumOverBatchSize),
        xv(),
        zv(),
        None,
    );
    let alpha = scalar(
        &BinaryFocalLoss::<f64>::torchvision().reduction(Reduction::SumOverBatchSize),
        xv(),
        zv(),
        None,
    );
    let thread_g0 = binary_focal_loss(xv(), zv(), 0.0, None, None, Some(FocalReduction::Mean))
        .expect("runs")
        .scalar()
        .expect("scalar");
    let bce = scalar(
        &SigmoidCrossEntropy::<f64>::new().reduction(Framework::Keras.default_reducer()),
        xv(),
        zv(),
        None,
    );
    let default_reduction = binary_focal_loss(xv(), zv(), 2.0, None, None, None);
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
        Number::repro("thread, positives", mean_where(&thread_el, true)),
        Number::reweigh("Lin et al., positives", mean_where(&lin_el, true)),
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
        Number::repro("raises", if default_reduction.is_err() { 1.0 } else { 0.0 }),
        Number::thread("raises (the default)", 0.0),
        Tolerance::EXACT,
        Verdict::ReproducedWithCaveat,
    )
    .equals_framework_within(
        "…the port raises where Python does",
        Number::repro("raises", if default_reduction.is_err() { 1.0 } else { 0.0 }),
        fw_raised("raises", &format!("{p}.thread_default_reduction"), "torch"),
        Tolerance::EXACT,
    )
    .number(Number::repro(
        "thread, negatives",
        mean_where(&thread_el, false),
    ))
    .number(Number::reweigh(
        "Lin et al., negatives",
        mean_where(&lin_el, false),
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
        fmt_num(mean_where(&lin_el, true)),
        fmt_num(mean_where(&thread_el, false)),
        fmt_num(mean_where(&lin_el, false)),
        fmt_num(thread_mean),
        fmt_num(lin_mean),
        data::raised_text(&format!("{p}.thread_default_reduction")),
    ))
    .figure("focal_loss.svg")
    .build()
}
