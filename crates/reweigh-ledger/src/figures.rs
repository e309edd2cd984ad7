//! The ledger's figures, as SVG strings (plotters' SVG backend: deterministic, no fonts
//! needed). The main job writes them to `reproductions/`; notebooks display them.
//!
//! ```
//! let svg = reweigh_ledger::figures::focal_loss();
//! assert!(svg.starts_with("<svg"));
//! ```

use super::breast_cancer::{Metric, Strategy, StudyResults, study};
use super::keras_experiment as kx;
use super::thread_004::{SampledStudy, sampled_softmax_study};
use plotters::coord::Shift;
use plotters::prelude::*;
use reweigh::losses::focal_term;
use reweigh::schemes::{ClassCounts, Normalization, Scheme, normalize};

const W: u32 = 760;
const H: u32 = 460;
const FONT: &str = "sans-serif";
const COLORS: [RGBColor; 7] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(127, 127, 127),
];

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Draws into an SVG string of `w × h` pixels.
fn svg(w: u32, h: u32, draw: impl FnOnce(&Area<'_>) -> DrawResult) -> String {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE)
            .expect("an SVG string backend cannot fail");
        draw(&root).expect("an SVG string backend cannot fail");
        root.present().expect("an SVG string backend cannot fail");
    }
    buf
}

fn color(i: usize) -> RGBColor {
    COLORS[i % COLORS.len()]
}

/// A figure of the ledger: its file name and SVG text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// File name in `reproductions/`.
    pub name: &'static str,
    /// The SVG document.
    pub svg: String,
}

/// A figure's file name and the function that draws it.
type FigureFn = (&'static str, fn() -> String);

/// The figure functions, by file name, in a fixed order.
const FIGURES: [FigureFn; 7] = [
    ("weights_per_scheme.svg", weights_per_scheme),
    ("focal_loss.svg", focal_loss),
    ("effective_number.svg", effective_number),
    ("keras_experiment_history.svg", keras_experiment_history),
    ("sampled_softmax_error.svg", sampled_softmax_error),
    ("breast_cancer.svg", breast_cancer),
    ("longtail.svg", longtail),
];

/// What each figure shows, by file name, in order.
pub fn captions() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "weights_per_scheme.svg",
            "class weights of the seed-000 counts 198/436/710/272 under each scheme (rescaled to \
             sum to 4), the question's frequencies included",
        ),
        (
            "focal_loss.svg",
            "focal loss against the probability of the true class for γ = 0, 0.5, 1, 2, 5 \
             (Lin et al. 2017, figure 1)",
        ),
        (
            "effective_number.svg",
            "effective number of samples (1 − βⁿ)/(1 − β) against n for β = 0.9 … 0.9999 (Cui et \
             al. 2019), the basis of the effective-number weights",
        ),
        (
            "keras_experiment_history.svg",
            "the seed-003 experiment's training runs: loss and val_loss per epoch in Keras 3 and \
             in reweigh's trainer",
        ),
        (
            "sampled_softmax_error.svg",
            "sampled softmax against the full softmax (1000 classes): relative error of the loss \
             (reweigh's and TensorFlow's samplers) and gradient cosine, by num_sampled",
        ),
        (
            "breast_cancer.svg",
            "the breast-cancer study: balanced accuracy, macro-F1, malignant recall and expected \
             cost per strategy (mean ± std over folds)",
        ),
        (
            "longtail.svg",
            "the long-tailed digits study: balanced accuracy on the balanced test set against the \
             imbalance ratio ρ, per method and model (mean ± std over seeds)",
        ),
    ]
}

/// The file names of every figure, in order (without drawing them).
pub fn names() -> Vec<&'static str> {
    FIGURES.iter().map(|f| f.0).collect()
}

/// Every figure, in a fixed order.
pub fn all() -> Vec<Figure> {
    FIGURES
        .into_iter()
        .map(|(name, f)| Figure { name, svg: f() })
        .collect()
}

/// Class weights of the seed-000 counts (198/436/710/272) under each scheme, every scheme
/// rescaled to sum to the number of classes so that the shapes compare; the question's
/// frequencies included.
pub fn weights_per_scheme() -> String {
    let counts = ClassCounts::from_counts(&[198.0, 436.0, 710.0, 272.0]).expect("valid counts");
    let n = counts.to_array::<f64>();
    let schemes: Vec<(String, Scheme)> = vec![
        ("frequency (the question)".into(), Scheme::Frequency),
        ("inverse frequency / balanced".into(), Scheme::Balanced),
        ("inverse sqrt".into(), Scheme::InverseSqrt),
        ("max / count".into(), Scheme::MaxOverCount),
        ("log-smoothed (μ = 0.15)".into(), Scheme::LOG_SMOOTHED),
        (
            "effective number (β = 0.999)".into(),
            Scheme::EffectiveNumber { beta: 0.999 },
        ),
    ];
    let rows: Vec<(String, Vec<f64>)> = schemes
        .into_iter()
        .map(|(name, s)| {
            let w = s
                .weights::<f64>(&counts)
                .expect("positive counts")
                .into_array();
            let w = normalize(w.view(), n.view(), Normalization::SumC).expect("positive weights");
            (name, w.to_vec())
        })
        .collect();
    let ymax = rows
        .iter()
        .flat_map(|r| r.1.iter().copied())
        .fold(0.0, f64::max)
        * 1.6;
    svg(W, H, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Class weights for counts 198 / 436 / 710 / 272 (each scheme rescaled to sum to 4)",
                (FONT, 16),
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d(-0.5_f64..3.5_f64, 0.0_f64..ymax)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(4)
            .x_label_formatter(&|x| {
                let i = x.round() as i64;
                match i {
                    0 => "A (198)".to_string(),
                    1 => "B (436)".to_string(),
                    2 => "C (710)".to_string(),
                    3 => "D (272)".to_string(),
                    _ => String::new(),
                }
            })
            .y_desc("weight")
            .draw()?;
        let k = rows.len() as f64;
        let bw = 0.8 / k;
        for (j, (name, w)) in rows.iter().enumerate() {
            let c = color(j);
            chart
                .draw_series(w.iter().enumerate().map(|(i, &v)| {
                    let x0 = i as f64 - 0.4 + j as f64 * bw;
                    Rectangle::new([(x0, 0.0), (x0 + bw * 0.9, v)], c.filled())
                }))?
                .label(name.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font((FONT, 12))
            .draw()?;
        Ok(())
    })
}

/// Focal loss `−(1 − p)^γ·ln p` against the probability of the true class, for γ = 0, 0.5, 1,
/// 2, 5 (Lin et al. 2017, figure 1).
pub fn focal_loss() -> String {
    let gammas = [0.0, 0.5, 1.0, 2.0, 5.0];
    let ps: Vec<f64> = (1..=200).map(|i| i as f64 / 200.0).collect();
    svg(W, H, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Focal loss against the probability of the true class",
                (FONT, 16),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(48)
            .build_cartesian_2d(0.0_f64..1.0_f64, 0.0_f64..5.0_f64)?;
        chart
            .configure_mesh()
            .x_desc("probability of the true class p_t")
            .y_desc("loss")
            .draw()?;
        for (j, &g) in gammas.iter().enumerate() {
            let c = color(j);
            chart
                .draw_series(LineSeries::new(
                    ps.iter()
                        .map(|&p| (p, focal_term(p, g)))
                        .filter(|&(_, v)| v <= 5.0),
                    c.stroke_width(2),
                ))?
                .label(if g == 0.0 {
                    "γ = 0 (cross-entropy)".to_string()
                } else {
                    format!("γ = {g}")
                })
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font((FONT, 12))
            .draw()?;
        Ok(())
    })
}

/// The effective number of samples `E_n = (1 − βⁿ)/(1 − β)` against `n` for several `β` (Cui
/// et al. 2019): it grows like `n` for small `n` and saturates at `1/(1 − β)`.
pub fn effective_number() -> String {
    let betas = [0.9, 0.99, 0.999, 0.9999];
    let ns: Vec<f64> = (0..=80).map(|i| 10f64.powf(i as f64 / 20.0)).collect();
    svg(W, H, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Effective number of samples E_n = (1 − βⁿ) / (1 − β)",
                (FONT, 16),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(
                (1.0_f64..1e4_f64).log_scale(),
                (1.0_f64..1e4_f64).log_scale(),
            )?;
        chart
            .configure_mesh()
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_desc("number of samples n")
            .y_desc("effective number E_n")
            .draw()?;
        let c = color(6);
        chart
            .draw_series(LineSeries::new(
                ns.iter().map(|&n| (n, n)),
                c.stroke_width(1),
            ))?
            .label("E_n = n (β → 1)")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(1)));
        for (j, &b) in betas.iter().enumerate() {
            let c = color(j);
            chart
                .draw_series(LineSeries::new(
                    ns.iter()
                        .map(|&n| (n, -(n * f64::ln(b)).exp_m1() / (1.0 - b))),
                    c.stroke_width(2),
                ))?
                .label(format!("β = {b}"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font((FONT, 12))
            .draw()?;
        Ok(())
    })
}

/// The Keras experiment's training runs: `loss` and `val_loss` per epoch in Keras 3 (lines) and
/// in reweigh's trainer (markers).
pub fn keras_experiment_history() -> String {
    let scenarios = [
        "unfrozen_5_epochs",
        "unfrozen_sample_weights",
        "unfrozen_class_weight_batch16",
        "unfrozen_hidden_relu",
    ];
    svg(W, H + 40, |root| {
        let panels = root.split_evenly((1, 2));
        for (p, (panel, key)) in panels.iter().zip(["loss", "val_loss"]).enumerate() {
            let series: Vec<(Vec<f64>, Vec<f64>)> = scenarios
                .iter()
                .map(|s| {
                    let mine = kx::run_scenario(s).get(key).expect("a logged key");
                    (kx::keras_history(s, key), mine)
                })
                .collect();
            let all = series.iter().flat_map(|(a, b)| a.iter().chain(b)).copied();
            let (lo, hi) = all.fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(v), h.max(v)));
            let pad = (hi - lo) * 0.1;
            let mut chart = ChartBuilder::on(panel)
                .caption(
                    format!("{key}: Keras 3 (lines) and reweigh (dots)"),
                    (FONT, 14),
                )
                .margin(10)
                .x_label_area_size(36)
                .y_label_area_size(52)
                .build_cartesian_2d(0.5_f64..5.5_f64, (lo - pad)..(hi + pad))?;
            chart
                .configure_mesh()
                .x_labels(5)
                .x_label_formatter(&|x| format!("{}", x.round() as i64))
                .x_desc("epoch")
                .draw()?;
            for (j, ((keras, mine), name)) in series.iter().zip(scenarios).enumerate() {
                let c = color(j);
                chart
                    .draw_series(LineSeries::new(
                        keras.iter().enumerate().map(|(e, &v)| (e as f64 + 1.0, v)),
                        c.stroke_width(2),
                    ))?
                    .label(name)
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                    });
                chart.draw_series(
                    mine.iter()
                        .enumerate()
                        .map(|(e, &v)| Circle::new((e as f64 + 1.0, v), 4, c.filled())),
                )?;
            }
            if p == 0 {
                chart
                    .configure_series_labels()
                    .position(SeriesLabelPosition::MiddleMiddle)
                    .background_style(WHITE.mix(0.9))
                    .border_style(BLACK)
                    .label_font((FONT, 11))
                    .draw()?;
            }
        }
        Ok(())
    })
}

/// Sampled softmax against the full softmax: the relative error of the loss (reweigh's sampler
/// and TensorFlow's) and the cosine between the sampled and the full gradient, against
/// `num_sampled`.
pub fn sampled_softmax_error() -> String {
    sampled_softmax_error_of(sampled_softmax_study())
}

/// [`sampled_softmax_error`] of a study computed elsewhere (a notebook's cells).
pub fn sampled_softmax_error_of(s: &SampledStudy) -> String {
    svg(W, H, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Sampled softmax vs full softmax (1000 classes), by number of sampled classes",
                (FONT, 15),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(52)
            .build_cartesian_2d((1.5_f64..700.0_f64).log_scale(), -1.0_f64..1.0_f64)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|v| format!("{v:.0}"))
            .x_desc("num_sampled")
            .y_desc("relative error of the loss / gradient cosine")
            .draw()?;
        let x: Vec<f64> = s.sizes.iter().map(|&k| k as f64).collect();
        let lines: [(&str, &Vec<f64>, usize); 3] = [
            (
                "mean (sampled − full) / full, reweigh",
                &s.mean_rel_error,
                0,
            ),
            (
                "mean (sampled − full) / full, TensorFlow",
                &s.tf_mean_rel_error,
                1,
            ),
            (
                "cosine(sampled gradient, full gradient), reweigh",
                &s.grad_cosine,
                2,
            ),
        ];
        for (label, ys, j) in lines {
            let c = color(j);
            chart
                .draw_series(LineSeries::new(
                    x.iter().copied().zip(ys.iter().copied()),
                    c.stroke_width(2),
                ))?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                });
            chart.draw_series(
                x.iter()
                    .copied()
                    .zip(ys.iter().copied())
                    .map(|p| Circle::new(p, 3, c.filled())),
            )?;
        }
        chart.draw_series(LineSeries::new(
            [(1.5, 0.0), (700.0, 0.0)],
            BLACK.mix(0.4).stroke_width(1),
        ))?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font((FONT, 12))
            .draw()?;
        Ok(())
    })
}

/// The breast-cancer study: balanced accuracy, macro-F1 and malignant recall (mean ± std over
/// folds) and the expected cost, per strategy.
pub fn breast_cancer() -> String {
    breast_cancer_of(study())
}

/// [`breast_cancer`] of study results computed elsewhere (a notebook's cells).
pub fn breast_cancer_of(s: &StudyResults) -> String {
    let metrics = [
        Metric::BalancedAccuracy,
        Metric::MacroF1,
        Metric::MalignantRecall,
    ];
    svg(W, H + 60, |root| {
        let (top, bottom) = root.split_vertically((H + 60) * 3 / 5);
        let summaries: Vec<_> = Strategy::ALL.iter().map(|&st| s.summary(st)).collect();
        let spread = |sum: &super::breast_cancer::Summary, m: Metric| match m {
            Metric::Accuracy => sum.accuracy,
            Metric::BalancedAccuracy => sum.balanced_accuracy,
            Metric::MacroF1 => sum.macro_f1,
            Metric::ExpectedCost => sum.expected_cost,
            Metric::MalignantRecall => sum.malignant_recall,
        };
        let lo = summaries
            .iter()
            .flat_map(|sum| metrics.iter().map(move |&m| spread(sum, m)))
            .map(|sp| sp.mean - sp.std)
            .fold(1.0, f64::min);
        let lo = (lo * 20.0).floor() / 20.0;
        let mut chart = ChartBuilder::on(&top)
            .caption(
                format!(
                    "Breast cancer (212 malignant / 357 benign), {}-fold CV × {}: mean ± std",
                    s.config.folds, s.config.repeats
                ),
                (FONT, 15),
            )
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(48)
            .build_cartesian_2d(-0.5_f64..5.5_f64, lo..1.06_f64)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(6)
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-9 && (0.0..6.0).contains(&i) {
                    Strategy::ALL[i as usize].name().to_string()
                } else {
                    String::new()
                }
            })
            .x_label_style((FONT, 10))
            .draw()?;
        let bw = 0.8 / metrics.len() as f64;
        for (j, &m) in metrics.iter().enumerate() {
            let c = color(j);
            let bars: Vec<(f64, f64, f64)> = summaries
                .iter()
                .enumerate()
                .map(|(i, sum)| {
                    let sp = spread(sum, m);
                    (i as f64 - 0.4 + (j as f64 + 0.5) * bw, sp.mean, sp.std)
                })
                .collect();
            chart
                .draw_series(bars.iter().map(|&(x, v, _)| {
                    Rectangle::new([(x - bw * 0.45, lo), (x + bw * 0.45, v)], c.filled())
                }))?
                .label(m.name())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
            chart.draw_series(bars.iter().map(|&(x, v, sd)| {
                PathElement::new(
                    vec![(x, v - sd), (x, (v + sd).min(1.0))],
                    BLACK.stroke_width(1),
                )
            }))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperMiddle)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font((FONT, 11))
            .draw()?;
        let cost_hi = summaries
            .iter()
            .map(|sum| sum.expected_cost.mean + sum.expected_cost.std)
            .fold(0.0, f64::max)
            * 1.15;
        let mut chart = ChartBuilder::on(&bottom)
            .caption(
                format!(
                    "Expected cost per patient (missed malignant = {}, false alarm = 1): mean ± std",
                    s.config.miss_cost
                ),
                (FONT, 14),
            )
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(48)
            .build_cartesian_2d(-0.5_f64..5.5_f64, 0.0_f64..cost_hi)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(6)
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-9 && (0.0..6.0).contains(&i) {
                    Strategy::ALL[i as usize].name().to_string()
                } else {
                    String::new()
                }
            })
            .x_label_style((FONT, 10))
            .draw()?;
        let c = color(3);
        chart.draw_series(summaries.iter().enumerate().map(|(i, sum)| {
            let x = i as f64;
            Rectangle::new(
                [(x - 0.25, 0.0), (x + 0.25, sum.expected_cost.mean)],
                c.filled(),
            )
        }))?;
        chart.draw_series(summaries.iter().enumerate().map(|(i, sum)| {
            let (x, v, sd) = (i as f64, sum.expected_cost.mean, sum.expected_cost.std);
            PathElement::new(
                vec![(x, (v - sd).max(0.0)), (x, v + sd)],
                BLACK.stroke_width(1),
            )
        }))?;
        Ok(())
    })
}

/// The long-tailed digits study: balanced accuracy against the imbalance ratio, one line per
/// method (mean, with ± std error bars over the seeds), one panel per model.
pub fn longtail() -> String {
    use super::longtail::{Method, Metric as LtMetric, study};
    let s = study();
    let models = &s.config.models;
    let (w, h) = (1120_u32, 560_u32);
    let marks = ["circle", "triangle", "square"];
    svg(w, h, |root| {
        let (charts, legend) = root.split_horizontally(w - 250);
        let panels = charts.split_evenly((1, models.len().max(1)));
        let ratios = &s.config.ratios;
        // the ratios at evenly spaced positions 0, 1, 2, …
        let last = ratios.len().saturating_sub(1) as f64;
        let lo = Method::ALL
            .iter()
            .flat_map(|&m| {
                models
                    .iter()
                    .flat_map(move |&md| ratios.iter().map(move |&r| (m, md, r)))
            })
            .map(|(m, md, r)| {
                let sp = s.spread(m, md, r, LtMetric::BalancedAccuracy);
                sp.mean - sp.std
            })
            .fold(1.0, f64::min);
        let lo = (lo * 10.0).floor() / 10.0;
        for (panel, &model) in panels.iter().zip(models) {
            let mut chart = ChartBuilder::on(panel)
                .caption(model.name(), (FONT, 15))
                .margin(10)
                .x_label_area_size(36)
                .y_label_area_size(48)
                .build_cartesian_2d(-0.35..last + 0.35, lo..1.0_f64)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(WHITE)
                .x_labels(ratios.len())
                .x_label_formatter(&|x| {
                    let i = x.round();
                    match ratios.get(i as usize) {
                        Some(r) if (x - i).abs() < 1e-9 && i >= 0.0 => format!("ρ = {r}"),
                        _ => String::new(),
                    }
                })
                .x_desc("imbalance ratio ρ = n_max / n_min")
                .y_desc("balanced accuracy")
                .label_style((FONT, 11))
                .draw()?;
            for (j, &m) in Method::ALL.iter().enumerate() {
                let c = color(j);
                // spread the methods a little along x so that error bars do not overlap
                let shift = 0.025 * (j as f64 - (Method::ALL.len() as f64 - 1.0) / 2.0);
                let pts: Vec<(f64, f64, f64)> = ratios
                    .iter()
                    .enumerate()
                    .map(|(i, &r)| {
                        let sp = s.spread(m, model, r, LtMetric::BalancedAccuracy);
                        (i as f64 + shift, sp.mean, sp.std)
                    })
                    .collect();
                chart.draw_series(LineSeries::new(
                    pts.iter().map(|&(x, v, _)| (x, v)),
                    c.stroke_width(1),
                ))?;
                chart.draw_series(pts.iter().map(|&(x, v, sd)| {
                    PathElement::new(
                        vec![(x, (v - sd).max(lo)), (x, (v + sd).min(1.0))],
                        c.stroke_width(1),
                    )
                }))?;
                match marks[(j / COLORS.len()) % marks.len()] {
                    "circle" => {
                        chart.draw_series(
                            pts.iter()
                                .map(|&(x, v, _)| Circle::new((x, v), 3, c.filled())),
                        )?;
                    }
                    "triangle" => {
                        chart.draw_series(
                            pts.iter()
                                .map(|&(x, v, _)| TriangleMarker::new((x, v), 4, c.filled())),
                        )?;
                    }
                    _ => {
                        chart.draw_series(
                            pts.iter()
                                .map(|&(x, v, _)| Cross::new((x, v), 4, c.stroke_width(2))),
                        )?;
                    }
                }
            }
        }
        // the legend: one row per method, its colour and marker
        let row = 26;
        for (j, &m) in Method::ALL.iter().enumerate() {
            let c = color(j);
            let y = 40 + row * j as i32;
            legend.draw(&PathElement::new(vec![(8, y), (32, y)], c.stroke_width(2)))?;
            match marks[(j / COLORS.len()) % marks.len()] {
                "circle" => legend.draw(&Circle::new((20, y), 3, c.filled()))?,
                "triangle" => legend.draw(&TriangleMarker::new((20, y), 4, c.filled()))?,
                _ => legend.draw(&Cross::new((20, y), 4, c.stroke_width(2)))?,
            }
            legend.draw(&Text::new(m.name(), (40, y - 6), (FONT, 12)))?;
        }
        Ok(())
    })
}

/// A bar chart of class counts (for your own data: notebooks/07-your-data), one bar per class,
/// labelled with its count.
///
/// ```
/// use reweigh::schemes::ClassCounts;
/// let counts = ClassCounts::from_counts(&[198, 436, 710, 272]).unwrap();
/// let svg = reweigh_ledger::figures::class_counts(&counts, "seed 000");
/// assert!(svg.starts_with("<svg") && svg.contains("710"));
/// ```
pub fn class_counts(counts: &ClassCounts, title: &str) -> String {
    let n = counts.counts();
    let classes = counts.classes();
    let top = n.iter().copied().fold(0.0, f64::max).max(1.0) * 1.15;
    let k = n.len() as f64;
    svg(W, H, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 15))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(56)
            .build_cartesian_2d(-0.5_f64..k - 0.5, 0.0_f64..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n.len().min(40))
            .x_label_formatter(&|x| {
                let i = x.round();
                match classes.get(i as usize) {
                    Some(c) if (x - i).abs() < 1e-9 && i >= 0.0 => c.to_string(),
                    _ => String::new(),
                }
            })
            .x_desc("class")
            .y_desc("count")
            .label_style((FONT, 11))
            .draw()?;
        let c = color(0);
        chart.draw_series(n.iter().enumerate().map(|(i, &v)| {
            let x = i as f64;
            Rectangle::new([(x - 0.35, 0.0), (x + 0.35, v)], c.filled())
        }))?;
        chart.draw_series(n.iter().enumerate().map(|(i, &v)| {
            Text::new(
                reweigh::format::fmt_num(v),
                (i as f64 - 0.2, v + top * 0.06),
                (FONT, 11),
            )
        }))?;
        Ok(())
    })
}
