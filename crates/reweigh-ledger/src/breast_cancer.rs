//! The seed-003 question answered on real data: does weighting (or resampling, or focal loss)
//! help at a 1.7 : 1 imbalance?
//!
//! scikit-learn's copy of the UCI Wisconsin Diagnostic Breast Cancer data
//! (`data/breast_cancer/`, 212 malignant / 357 benign, 1 : 1.68) is split by seeded, stratified
//! k-fold cross-validation; on every fold the same model (logistic regression: one softmax
//! Dense layer, Keras initialisers, Adam) is trained from the same initial weights with each
//! [`Strategy`], on standardised features, and scored on the held-out fold.
//!
//! ```text
//! balanced accuracy  mean of the per-class recalls
//! macro-F1           mean of the per-class F1 scores
//! expected cost      Σ cost[true, predicted] / n,  cost = 5 for a missed malignant tumour,
//!                    1 for a false alarm, 0 when right
//! ```
//!
//! ```
//! use reweigh_ledger::breast_cancer::{Strategy, load, study};
//! let d = load();
//! assert_eq!((d.x.nrows(), d.x.ncols()), (569, 30));
//! let s = study();
//! let unweighted = s.summary(Strategy::Unweighted);
//! assert!(unweighted.balanced_accuracy.mean > 0.9);
//! ```

use super::data;
use super::util::{argmax_rows, mean, std};
use ndarray::{Array1, Array2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use reweigh::Framework;
use reweigh::losses::{CategoricalFocalLoss, SparseCategoricalFocalLoss};
use reweigh::metrics::{CostMatrix, Evaluation, ZeroDivision};
use reweigh::resample::{RandomOverSampler, RandomUnderSampler, SamplingStrategy};
use reweigh::schemes::{ClassCounts, balanced_weights};
use reweigh_train::{
    Activation, Adam, ClassWeight, Dense, FitOptions, Sequential, Shuffle, Trainer,
};
use std::fmt;
use std::sync::OnceLock;

/// The breast-cancer data: 569 rows, 30 features, labels 0 = malignant, 1 = benign.
pub type Dataset = data::LabelledCsv;

/// The label of the malignant class (the minority, and the costly one to miss).
pub const MALIGNANT: i64 = 0;
/// The label of the benign class.
pub const BENIGN: i64 = 1;

/// Parses `data/breast_cancer/breast_cancer.csv` (embedded). Cached.
pub fn load() -> &'static Dataset {
    static D: OnceLock<Dataset> = OnceLock::new();
    D.get_or_init(|| data::labelled_csv(data::BREAST_CANCER_CSV, "breast_cancer.csv"))
}

/// How the imbalance is handled during training.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strategy {
    /// Plain cross-entropy on the data as it is.
    Unweighted,
    /// `class_weight` = scikit-learn's balanced weights of the training fold.
    ClassWeighted,
    /// `class_weight` proportional to the cost of an error: malignant 5, benign 1.
    CostWeighted,
    /// Random over-sampling of the minority to the majority's count (imbalanced-learn `auto`).
    OverSampled,
    /// Random under-sampling of the majority to the minority's count.
    UnderSampled,
    /// Categorical focal loss, γ = 2, no α (Lin et al. 2017), on the data as it is.
    Focal,
}

impl Strategy {
    /// Every strategy, in table order.
    pub const ALL: [Strategy; 6] = [
        Strategy::Unweighted,
        Strategy::ClassWeighted,
        Strategy::CostWeighted,
        Strategy::OverSampled,
        Strategy::UnderSampled,
        Strategy::Focal,
    ];

    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Unweighted => "unweighted",
            Strategy::ClassWeighted => "class-weighted (balanced)",
            Strategy::CostWeighted => "cost-weighted (5 : 1)",
            Strategy::OverSampled => "over-sampled",
            Strategy::UnderSampled => "under-sampled",
            Strategy::Focal => "focal loss (γ = 2)",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The study's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct StudyConfig {
    /// Folds per repetition.
    pub folds: usize,
    /// Repetitions of the k-fold split (each with its own shuffle).
    pub repeats: usize,
    /// Seed of the splits, the initial weights and the shuffles.
    pub seed: u64,
    /// Training epochs.
    pub epochs: usize,
    /// Batch size.
    pub batch_size: usize,
    /// Adam's learning rate.
    pub learning_rate: f64,
    /// Cost of a missed malignant tumour (a false alarm costs 1).
    pub miss_cost: f64,
}

impl Default for StudyConfig {
    /// 5 folds × 3 repeats, seed 0, 20 epochs of batches of 32 at a learning rate of 0.01,
    /// a missed malignant tumour costing 5 false alarms.
    fn default() -> Self {
        StudyConfig {
            folds: 5,
            repeats: 3,
            seed: 0,
            epochs: 20,
            batch_size: 32,
            learning_rate: 0.01,
            miss_cost: 5.0,
        }
    }
}

/// The scores of one strategy on one held-out fold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FoldScore {
    /// The strategy.
    pub strategy: Strategy,
    /// Repetition index.
    pub repeat: usize,
    /// Fold index.
    pub fold: usize,
    /// Accuracy.
    pub accuracy: f64,
    /// Balanced accuracy.
    pub balanced_accuracy: f64,
    /// Macro-averaged F1.
    pub macro_f1: f64,
    /// Mean cost per sample.
    pub expected_cost: f64,
    /// Recall of the malignant class.
    pub malignant_recall: f64,
}

/// Mean and standard deviation (over folds) of a metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// Mean over the folds.
    pub mean: f64,
    /// Sample standard deviation over the folds.
    pub std: f64,
}

impl Spread {
    fn of(v: &[f64]) -> Self {
        Spread {
            mean: mean(v),
            std: std(v),
        }
    }
}

/// A strategy's scores over all folds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// The strategy.
    pub strategy: Strategy,
    /// Accuracy.
    pub accuracy: Spread,
    /// Balanced accuracy.
    pub balanced_accuracy: Spread,
    /// Macro-F1.
    pub macro_f1: Spread,
    /// Expected cost (lower is better).
    pub expected_cost: Spread,
    /// Malignant recall.
    pub malignant_recall: Spread,
}

/// A metric of [`FoldScore`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Accuracy.
    Accuracy,
    /// Balanced accuracy.
    BalancedAccuracy,
    /// Macro-F1.
    MacroF1,
    /// Expected cost.
    ExpectedCost,
    /// Malignant recall.
    MalignantRecall,
}

impl Metric {
    /// The metric's value in a fold score.
    pub fn of(self, s: &FoldScore) -> f64 {
        match self {
            Metric::Accuracy => s.accuracy,
            Metric::BalancedAccuracy => s.balanced_accuracy,
            Metric::MacroF1 => s.macro_f1,
            Metric::ExpectedCost => s.expected_cost,
            Metric::MalignantRecall => s.malignant_recall,
        }
    }

    /// The metric's name.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Accuracy => "accuracy",
            Metric::BalancedAccuracy => "balanced accuracy",
            Metric::MacroF1 => "macro-F1",
            Metric::ExpectedCost => "expected cost",
            Metric::MalignantRecall => "malignant recall",
        }
    }
}

/// The cross-validated scores of every strategy.
#[derive(Clone, Debug, PartialEq)]
pub struct StudyResults {
    /// The settings.
    pub config: StudyConfig,
    /// One score per strategy, repetition and fold.
    pub scores: Vec<FoldScore>,
}

impl StudyResults {
    fn column(&self, strategy: Strategy, metric: Metric) -> Vec<f64> {
        self.scores
            .iter()
            .filter(|s| s.strategy == strategy)
            .map(|s| metric.of(s))
            .collect()
    }

    /// Mean and spread of every metric of a strategy.
    pub fn summary(&self, strategy: Strategy) -> Summary {
        let c = |m| Spread::of(&self.column(strategy, m));
        Summary {
            strategy,
            accuracy: c(Metric::Accuracy),
            balanced_accuracy: c(Metric::BalancedAccuracy),
            macro_f1: c(Metric::MacroF1),
            expected_cost: c(Metric::ExpectedCost),
            malignant_recall: c(Metric::MalignantRecall),
        }
    }

    /// The mean of a metric for a strategy.
    pub fn mean(&self, strategy: Strategy, metric: Metric) -> f64 {
        mean(&self.column(strategy, metric))
    }

    /// The paired difference `a − b` of a metric over the folds: its mean and its standard
    /// error (standard deviation / √folds).
    pub fn paired(&self, a: Strategy, b: Strategy, metric: Metric) -> (f64, f64) {
        let (va, vb) = (self.column(a, metric), self.column(b, metric));
        let d: Vec<f64> = va.iter().zip(&vb).map(|(x, y)| x - y).collect();
        (mean(&d), std(&d) / (d.len() as f64).sqrt())
    }

    /// The strategy with the best mean of a metric (highest, or lowest for the cost).
    pub fn best(&self, metric: Metric) -> Strategy {
        let sign = if metric == Metric::ExpectedCost {
            -1.0
        } else {
            1.0
        };
        Strategy::ALL
            .into_iter()
            .fold((Strategy::Unweighted, f64::NEG_INFINITY), |acc, s| {
                let v = sign * self.mean(s, metric);
                if v > acc.1 { (s, v) } else { acc }
            })
            .0
    }
}

impl StudyResults {
    /// A Markdown table: one row per strategy, every metric as `mean ± std` over the folds.
    pub fn markdown_table(&self) -> String {
        use reweigh::format::fmt_num;
        let mut s = String::from(
            "| strategy | accuracy | balanced accuracy | macro-F1 | expected cost | malignant recall |\n\
             |---|---|---|---|---|---|\n",
        );
        let pm = |sp: Spread| format!("{} ± {}", fmt_num(round4(sp.mean)), fmt_num(round4(sp.std)));
        for st in Strategy::ALL {
            let m = self.summary(st);
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                st,
                pm(m.accuracy),
                pm(m.balanced_accuracy),
                pm(m.macro_f1),
                pm(m.expected_cost),
                pm(m.malignant_recall)
            ));
        }
        s
    }
}

/// Rounds to 4 decimals (for tables meant to be read).
fn round4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

/// Seeded stratified k-fold: for each class, its indices shuffled and dealt to the folds in
/// turn. Returns the held-out indices of each fold (sorted).
pub fn stratified_folds(y: &[i64], folds: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut classes: Vec<i64> = y.to_vec();
    classes.sort_unstable();
    classes.dedup();
    let mut out = vec![Vec::new(); folds];
    let mut next = 0;
    for c in classes {
        let mut idx: Vec<usize> = (0..y.len()).filter(|&i| y[i] == c).collect();
        idx.shuffle(&mut rng);
        for i in idx {
            out[next % folds].push(i);
            next += 1;
        }
    }
    for f in &mut out {
        f.sort_unstable();
    }
    out
}

/// Standardises `train` and `test` with the training rows' mean and (population) standard
/// deviation, as scikit-learn's `StandardScaler` fitted on `train` (a constant column is left
/// unscaled).
pub fn standardise(train: &Array2<f64>, test: &Array2<f64>) -> (Array2<f64>, Array2<f64>) {
    let mu = train.mean_axis(Axis(0)).expect("rows");
    let sd = train
        .std_axis(Axis(0), 0.0)
        .mapv(|s| if s > 0.0 { s } else { 1.0 });
    ((train - &mu) / &sd, (test - &mu) / &sd)
}

/// The study's model before training: logistic regression as a Keras `Dense(2, softmax)` on
/// `features` inputs, Keras's initialisers drawn from a generator seeded with `seed` (every
/// strategy of a fold starts from the same weights).
pub fn initial_model(features: usize, seed: u64) -> Sequential<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let layer =
        Dense::<f64>::keras(features, 2, Activation::Softmax, &mut rng).expect("positive sizes");
    Sequential::new(vec![layer]).expect("one softmax layer")
}

/// Trains one strategy on one fold and scores it on the held-out rows: the
/// [`initial_model`] of `seed`, Adam at the configured learning rate, the strategy's class
/// weights, resampling (seeded with `seed`) or focal loss, `config.epochs` epochs shuffled
/// with `seed`. The returned score has `repeat` and `fold` 0 ([`run`] sets them).
pub fn fit_and_score(
    config: &StudyConfig,
    strategy: Strategy,
    (x_train, y_train): (&Array2<f64>, &Array1<i64>),
    (x_test, y_test): (&Array2<f64>, &Array1<i64>),
    seed: u64,
) -> FoldScore {
    let model = initial_model(x_train.ncols(), seed);
    let adam = Adam::keras()
        .learning_rate(config.learning_rate)
        .expect("a positive learning rate");
    let mut trainer = Trainer::new(model).optimizer(adam);
    let labels = y_train.as_slice().expect("contiguous");
    let rows: Option<Vec<usize>> = match strategy {
        Strategy::OverSampled => Some(
            RandomOverSampler::new(SamplingStrategy::Auto)
                .seed(seed)
                .fit_resample(labels)
                .expect("labels"),
        ),
        Strategy::UnderSampled => Some(
            RandomUnderSampler::new(SamplingStrategy::Auto)
                .seed(seed)
                .fit_resample(labels)
                .expect("labels"),
        ),
        _ => None,
    };
    let (x_fit, y_fit) = match &rows {
        Some(r) => (x_train.select(Axis(0), r), y_train.select(Axis(0), r)),
        None => (x_train.clone(), y_train.clone()),
    };
    let mut opts = FitOptions::new()
        .epochs(config.epochs)
        .batch_size(config.batch_size)
        .shuffle(Shuffle::Seeded(seed));
    match strategy {
        Strategy::ClassWeighted => {
            let counts = ClassCounts::from_labels(labels).expect("labels");
            let w = balanced_weights(counts.to_array::<f64>().view()).expect("both classes");
            opts = opts.class_weight(ClassWeight::new(
                counts.classes().iter().copied().zip(w.iter().copied()),
            ));
        }
        Strategy::CostWeighted => {
            opts = opts.class_weight(ClassWeight::new([
                (MALIGNANT, config.miss_cost),
                (BENIGN, 1.0),
            ]));
        }
        Strategy::Focal => {
            trainer = trainer.loss(SparseCategoricalFocalLoss::new(
                CategoricalFocalLoss::<f64>::new()
                    .gamma(2.0)
                    .reduction(Framework::Keras.default_reducer()),
            ));
        }
        _ => {}
    }
    trainer
        .fit(x_fit.view(), y_fit.view(), &opts)
        .expect("valid training data");
    let pred = argmax_rows(&trainer.predict(x_test.view()).expect("valid test data"));
    let truth = y_test.as_slice().expect("contiguous");
    let ev = Evaluation::new(truth, &pred).expect("same length");
    let cost = CostMatrix::new(
        vec![MALIGNANT, BENIGN],
        ndarray::array![[0.0, config.miss_cost], [1.0, 0.0]],
    )
    .expect("a 2×2 cost matrix");
    let correct = truth.iter().zip(&pred).filter(|(a, b)| a == b).count();
    let malignant = truth.iter().filter(|&&t| t == MALIGNANT).count();
    let caught = truth
        .iter()
        .zip(&pred)
        .filter(|(t, p)| **t == MALIGNANT && **p == MALIGNANT)
        .count();
    FoldScore {
        strategy,
        repeat: 0,
        fold: 0,
        accuracy: correct as f64 / truth.len() as f64,
        balanced_accuracy: ev.balanced_accuracy(false).expect("both classes"),
        macro_f1: ev.f1_macro(None, ZeroDivision::Zero).expect("labels"),
        expected_cost: ev.expected_cost(&cost).expect("binary labels"),
        malignant_recall: caught as f64 / malignant as f64,
    }
}

/// Runs the cross-validation for every strategy.
pub fn run(config: &StudyConfig) -> StudyResults {
    run_with_progress(config, |_| {})
}

/// [`run`], calling `progress(done)` after each fit (for a progress bar; `folds × repeats ×
/// strategies` fits in all).
pub fn run_with_progress(config: &StudyConfig, mut progress: impl FnMut(usize)) -> StudyResults {
    let d = load();
    let y = d.y.as_slice().expect("contiguous");
    let mut scores = Vec::new();
    let mut done = 0;
    for repeat in 0..config.repeats {
        let split_seed = config.split_seed(repeat);
        let folds = stratified_folds(y, config.folds, split_seed);
        for (fold, test_idx) in folds.iter().enumerate() {
            let mut is_test = vec![false; y.len()];
            test_idx.iter().for_each(|&i| is_test[i] = true);
            let train_idx: Vec<usize> = (0..y.len()).filter(|&i| !is_test[i]).collect();
            let (x_tr, x_te) = standardise(
                &d.x.select(Axis(0), &train_idx),
                &d.x.select(Axis(0), test_idx),
            );
            let (y_tr, y_te) = (
                d.y.select(Axis(0), &train_idx),
                d.y.select(Axis(0), test_idx),
            );
            let fit_seed = config.fit_seed(repeat, fold);
            for strategy in Strategy::ALL {
                let mut s =
                    fit_and_score(config, strategy, (&x_tr, &y_tr), (&x_te, &y_te), fit_seed);
                s.repeat = repeat;
                s.fold = fold;
                scores.push(s);
                done += 1;
                progress(done);
            }
        }
    }
    StudyResults {
        config: config.clone(),
        scores,
    }
}

/// The study with the default settings, run once and cached.
pub fn study() -> &'static StudyResults {
    study_with_progress(|_| {})
}

/// [`study`], reporting each fit to `progress` if this call is the one that runs it.
pub fn study_with_progress(progress: impl FnMut(usize)) -> &'static StudyResults {
    static S: OnceLock<StudyResults> = OnceLock::new();
    S.get_or_init(|| run_with_progress(&StudyConfig::default(), progress))
}

impl StudyConfig {
    /// The seed of the stratified split of repetition `repeat` ([`stratified_folds`]).
    pub fn split_seed(&self, repeat: usize) -> u64 {
        self.seed.wrapping_mul(1000).wrapping_add(repeat as u64)
    }

    /// The seed of the fits on fold `fold` of repetition `repeat` (initial weights,
    /// resampling and shuffles: [`fit_and_score`]).
    pub fn fit_seed(&self, repeat: usize, fold: usize) -> u64 {
        self.split_seed(repeat)
            .wrapping_mul(100)
            .wrapping_add(fold as u64)
    }

    /// The settings in words (for the ledger's inputs).
    pub fn describe(&self) -> String {
        format!(
            "scikit-learn's breast-cancer data (data/breast_cancer/: 212 malignant, 357 benign); \
             stratified {}-fold cross-validation × {} repeats (seed {}); logistic regression \
             (Dense(2, softmax), Keras initialisers, Adam lr {}, {} epochs, batches of {}) on \
             features standardised with the training folds' statistics; cost {} for a missed \
             malignant tumour, 1 for a false alarm",
            self.folds,
            self.repeats,
            self.seed,
            self.learning_rate,
            self.epochs,
            self.batch_size,
            self.miss_cost
        )
    }
}

/// Total number of fits of a configuration.
pub fn fits(config: &StudyConfig) -> usize {
    config.folds * config.repeats * Strategy::ALL.len()
}
