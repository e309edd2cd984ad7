//! Running the long-tailed study: every method × model × imbalance ratio × seed, scored on the
//! balanced test set.

use super::data::{CLASSES, Split, exponential_profile, features, labels};
use super::method::{Method, Model, Training, adjust_post_hoc, test_logits};
use crate::util::{argmax_rows, mean, std};
use ndarray::Array2;
use rayon::prelude::*;
use reweigh::display::Html;
use reweigh::format::fmt_num;
use reweigh::metrics::{Evaluation, ZeroDivision};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The study's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct StudyConfig {
    /// Imbalance ratios ρ = n_max / n_min.
    pub ratios: Vec<f64>,
    /// Training seeds (each: a training subset, initial weights and shuffles, shared by every
    /// method, so that methods are compared on the same draws).
    pub seeds: Vec<u64>,
    /// Samples of the largest class.
    pub n_max: usize,
    /// Test images per class (the balanced test set).
    pub test_per_class: usize,
    /// The seed of the test/pool split.
    pub split_seed: u64,
    /// The models.
    pub models: Vec<Model>,
    /// Epochs, DRW epoch, batches, learning rate.
    pub training: Training,
}

impl Default for StudyConfig {
    /// ρ ∈ {10, 50, 100}; seeds 1..=5; n_max = 140 and 34 test images per class (the smallest
    /// digit has 174 images); softmax regression and an MLP with 32 hidden units; 40 epochs
    /// of batches of 32 at Adam's learning rate 0.005, DRW from epoch 32 (Cao et al.: epoch 160
    /// of 200).
    fn default() -> Self {
        StudyConfig {
            ratios: vec![10.0, 50.0, 100.0],
            seeds: (1..=5).collect(),
            n_max: 140,
            test_per_class: 34,
            split_seed: 0,
            models: vec![Model::SoftmaxRegression, Model::Mlp { hidden: 32 }],
            training: Training {
                epochs: 40,
                drw_epoch: 32,
                batch_size: 32,
                learning_rate: 0.005,
            },
        }
    }
}

impl StudyConfig {
    /// The settings in words (for the ledger's inputs).
    pub fn describe(&self) -> String {
        let ratios: Vec<String> = self.ratios.iter().map(|&r| fmt_num(r)).collect();
        let models: Vec<String> = self.models.iter().map(|m| m.name()).collect();
        format!(
            "scikit-learn's digits (data/digits/, 1,797 8×8 images, 10 classes): a balanced test \
             set of {} images per class (split seed {}); training sets with Cui et al.'s \
             exponential profile n_i = ⌊{}·ρ^(−i/9)⌋ for ρ ∈ {{{}}}, {} seeds ({}); {}; Keras \
             initialisers, Adam (learning rate {}), {} epochs of batches of {}, DRW from epoch \
             {}; pixels / 16",
            self.test_per_class,
            self.split_seed,
            self.n_max,
            ratios.join(", "),
            self.seeds.len(),
            self.seeds
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            models.join(" and "),
            fmt_num(self.training.learning_rate),
            self.training.epochs,
            self.training.batch_size,
            self.training.drw_epoch
        )
    }

    /// The number of training runs (every method but the post-hoc adjustment, per model, ratio
    /// and seed).
    pub fn fits(&self) -> usize {
        let trained = Method::ALL.iter().filter(|m| m.trains()).count();
        trained * self.models.len() * self.ratios.len() * self.seeds.len()
    }
}

/// The test scores of one method, model, ratio and seed.
#[derive(Clone, Debug, PartialEq)]
pub struct RunScore {
    /// The method.
    pub method: Method,
    /// The model.
    pub model: Model,
    /// The imbalance ratio.
    pub ratio: f64,
    /// The seed.
    pub seed: u64,
    /// Balanced accuracy on the (balanced) test set: the mean per-class recall.
    pub balanced_accuracy: f64,
    /// Macro-F1 on the test set.
    pub macro_f1: f64,
    /// Recall of each class 0..9.
    pub recall: Vec<f64>,
}

/// A metric of [`RunScore`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Balanced accuracy.
    BalancedAccuracy,
    /// Macro-F1.
    MacroF1,
    /// The recall of one class.
    Recall(usize),
}

impl Metric {
    /// The metric of a score.
    pub fn of(self, s: &RunScore) -> f64 {
        match self {
            Metric::BalancedAccuracy => s.balanced_accuracy,
            Metric::MacroF1 => s.macro_f1,
            Metric::Recall(c) => s.recall[c],
        }
    }

    /// Its name.
    pub fn name(self) -> String {
        match self {
            Metric::BalancedAccuracy => "balanced accuracy".into(),
            Metric::MacroF1 => "macro-F1".into(),
            Metric::Recall(c) => format!("recall of class {c}"),
        }
    }
}

/// Mean and sample standard deviation over the seeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (ddof = 1).
    pub std: f64,
}

/// Every score of the study.
#[derive(Clone, Debug, PartialEq)]
pub struct StudyResults {
    /// The settings.
    pub config: StudyConfig,
    /// The training-set counts of each ratio (the same for every seed).
    pub counts: Vec<(f64, Vec<usize>)>,
    /// One score per method, model, ratio and seed.
    pub scores: Vec<RunScore>,
}

fn score(
    method: Method,
    model: Model,
    ratio: f64,
    seed: u64,
    truth: &[i64],
    logits: &Array2<f64>,
) -> RunScore {
    let pred = argmax_rows(logits);
    let ev = Evaluation::new(truth, &pred).expect("same length");
    let classes: Vec<i64> = (0..CLASSES as i64).collect();
    let per = ev
        .precision_recall_fscore(Some(&classes), 1.0, ZeroDivision::Zero)
        .expect("valid labels");
    RunScore {
        method,
        model,
        ratio,
        seed,
        balanced_accuracy: ev
            .balanced_accuracy(false)
            .expect("every class in the test set"),
        macro_f1: ev
            .f1_macro(Some(&classes), ZeroDivision::Zero)
            .expect("valid labels"),
        recall: per.recall,
    }
}

/// Runs every (model, ratio, seed) job on rayon's pool, each training every method in turn;
/// `progress(done)` is called after each fit. Deterministic: each job has its own seeds, and
/// the results are collected in job order whatever the thread count.
pub fn run_with_progress(config: &StudyConfig, progress: &(dyn Fn(usize) + Sync)) -> StudyResults {
    let split = Split::new(config.test_per_class, config.split_seed);
    assert!(
        config.n_max <= split.smallest_pool(),
        "n_max {} exceeds the smallest pool {}",
        config.n_max,
        split.smallest_pool()
    );
    let x_test = features(&split.test);
    let y_test = labels(&split.test);
    let mut jobs = Vec::new();
    for &model in &config.models {
        for &ratio in &config.ratios {
            for &seed in &config.seeds {
                jobs.push((model, ratio, seed));
            }
        }
    }
    let done = AtomicUsize::new(0);
    let per_job: Vec<Vec<RunScore>> = jobs
        .par_iter()
        .map(|&(model, ratio, seed)| {
            let counts = exponential_profile(config.n_max, ratio, CLASSES);
            let rows = split.training_rows(&counts, seed);
            let (x, y) = (features(&rows), labels(&rows));
            let n: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
            let mut scores = Vec::new();
            let mut ce_logits = None;
            for method in Method::ALL {
                let logits = match test_logits(
                    method,
                    model,
                    &config.training,
                    (&x, &y),
                    x_test.view(),
                    seed,
                )
                .expect("the study's inputs are valid")
                {
                    Some(l) => {
                        progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                        l
                    }
                    None => adjust_post_hoc(
                        ce_logits.as_ref().expect("cross-entropy is trained first"),
                        &n,
                    )
                    .expect("valid counts"),
                };
                scores.push(score(method, model, ratio, seed, &y_test, &logits));
                if method == Method::CrossEntropy {
                    ce_logits = Some(logits);
                }
            }
            scores
        })
        .collect();
    StudyResults {
        config: config.clone(),
        counts: config
            .ratios
            .iter()
            .map(|&r| (r, exponential_profile(config.n_max, r, CLASSES)))
            .collect(),
        scores: per_job.into_iter().flatten().collect(),
    }
}

/// [`run_with_progress`] without progress.
pub fn run(config: &StudyConfig) -> StudyResults {
    run_with_progress(config, &|_| {})
}

/// The study with the default settings, run once and cached.
pub fn study() -> &'static StudyResults {
    study_with_progress(&|_| {})
}

/// [`study`], reporting each fit to `progress` if this call is the one that runs it.
pub fn study_with_progress(progress: &(dyn Fn(usize) + Sync)) -> &'static StudyResults {
    static S: OnceLock<StudyResults> = OnceLock::new();
    S.get_or_init(|| run_with_progress(&StudyConfig::default(), progress))
}

impl StudyResults {
    /// The values of a metric over the seeds, in seed order.
    pub fn values(&self, method: Method, model: Model, ratio: f64, metric: Metric) -> Vec<f64> {
        self.scores
            .iter()
            .filter(|s| s.method == method && s.model == model && s.ratio == ratio)
            .map(|s| metric.of(s))
            .collect()
    }

    /// Mean ± std over the seeds.
    pub fn spread(&self, method: Method, model: Model, ratio: f64, metric: Metric) -> Spread {
        let v = self.values(method, model, ratio, metric);
        Spread {
            mean: mean(&v),
            std: std(&v),
        }
    }

    /// The paired difference `a − b` over the seeds (same training draws and initial weights):
    /// its mean and standard error (std / √seeds).
    pub fn paired(
        &self,
        a: Method,
        b: Method,
        model: Model,
        ratio: f64,
        metric: Metric,
    ) -> (f64, f64) {
        let (va, vb) = (
            self.values(a, model, ratio, metric),
            self.values(b, model, ratio, metric),
        );
        let d: Vec<f64> = va.iter().zip(&vb).map(|(x, y)| x - y).collect();
        (mean(&d), std(&d) / (d.len() as f64).sqrt())
    }

    /// The training-set counts of a ratio (the same for every seed).
    pub fn counts_of(&self, ratio: f64) -> &[usize] {
        self.counts
            .iter()
            .find(|(r, _)| *r == ratio)
            .map(|(_, c)| c.as_slice())
            .unwrap_or(&[])
    }

    /// The cells of a model's table: one row per method, one column per ratio, each cell the
    /// metric's `mean ± std` over the seeds (4 decimals).
    pub fn table(&self, model: Model, metric: Metric) -> (Vec<String>, Vec<Vec<String>>) {
        let mut header = vec!["method".to_string()];
        header.extend(
            self.config
                .ratios
                .iter()
                .map(|&r| format!("ρ = {}", fmt_num(r))),
        );
        let rows = Method::ALL
            .iter()
            .map(|&m| {
                let mut row = vec![m.name()];
                row.extend(self.config.ratios.iter().map(|&r| {
                    let sp = self.spread(m, model, r, metric);
                    format!("{} ± {}", fmt_num(round4(sp.mean)), fmt_num(round4(sp.std)))
                }));
                row
            })
            .collect();
        (header, rows)
    }

    /// The cells of the per-class recall of a model at one ratio: one row per method, one
    /// column per class (with its training count), the mean over the seeds (3 decimals).
    pub fn recall_table(&self, model: Model, ratio: f64) -> (Vec<String>, Vec<Vec<String>>) {
        let counts = self.counts_of(ratio);
        let mut header = vec!["method".to_string()];
        header.extend(
            counts
                .iter()
                .enumerate()
                .map(|(c, n)| format!("{c} (n={n})")),
        );
        let rows = Method::ALL
            .iter()
            .map(|&m| {
                let mut row = vec![m.name()];
                row.extend((0..counts.len()).map(|c| {
                    fmt_num(round3(self.spread(m, model, ratio, Metric::Recall(c)).mean))
                }));
                row
            })
            .collect();
        (header, rows)
    }

    /// [`Self::table`] as HTML, for notebooks.
    pub fn html_table(&self, model: Model, metric: Metric) -> Html {
        let (header, rows) = self.table(model, metric);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        Html::table(&header, rows)
    }

    /// [`Self::recall_table`] as HTML, for notebooks.
    pub fn html_recall_table(&self, model: Model, ratio: f64) -> Html {
        let (header, rows) = self.recall_table(model, ratio);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        Html::table(&header, rows)
    }
}

/// A Markdown table of header and rows.
fn markdown((header, rows): (Vec<String>, Vec<Vec<String>>)) -> String {
    let mut s = format!(
        "| {} |\n|{}\n",
        header.join(" | "),
        "---|".repeat(header.len())
    );
    for row in rows {
        s.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    s
}

impl StudyResults {
    /// The study's tables in Markdown, for REPRODUCTIONS.md and the notebook: the training
    /// counts, then per model balanced accuracy and macro-F1 (mean ± std over the seeds) by
    /// method and ratio, and the per-class recall at the largest ratio.
    pub fn markdown_report(&self) -> String {
        let mut s = String::from(
            "Training images per class (classes 0..9):\n\n| ρ | counts | total |\n|---|---|---|\n",
        );
        for (r, c) in &self.counts {
            let list: Vec<String> = c.iter().map(usize::to_string).collect();
            s.push_str(&format!(
                "| {} | {} | {} |\n",
                fmt_num(*r),
                list.join(", "),
                c.iter().sum::<usize>()
            ));
        }
        let worst = self.config.ratios.iter().copied().fold(f64::NAN, f64::max);
        for &model in &self.config.models {
            for metric in [Metric::BalancedAccuracy, Metric::MacroF1] {
                s.push_str(&format!(
                    "\n{}: {} on the balanced test set, mean ± std over {} seeds.\n\n",
                    model.name(),
                    metric.name(),
                    self.config.seeds.len()
                ));
                s.push_str(&markdown(self.table(model, metric)));
            }
            s.push_str(&format!(
                "\n{}: recall of each class at ρ = {} (mean over the seeds; n = training images).\n\n",
                model.name(),
                fmt_num(worst)
            ));
            s.push_str(&markdown(self.recall_table(model, worst)));
        }
        s
    }
}

fn round4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

fn round3(v: f64) -> f64 {
    (v * 1e3).round() / 1e3
}
