//! Figures of a merged sweep, drawn from `summary.csv` and `sweep.json`: for every swept
//! parameter with numeric values, its first four measures against the parameter's value, one
//! colour per scenario, the mean over the runs at each value with their 5-95 % band (over
//! replications, and over the other parameters' values on a grid). A Latin hypercube, with one
//! run per value, is drawn as points.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{draw_err, draw_figures, format_number, register_font, Figures, FONT, PALETTE};
use super::report::{escape, page_head, write_report};
use super::{PlotError, R};
use crate::output::{band, round_sig, Table};
use crate::sweep::{read_meta, Meta};

/// Measures per figure (a 2 x 2 grid of panels).
const PANELS: usize = 4;

/// One point of a panel: x, mean, band, and how many runs it averages.
struct Point {
    x: f64,
    mean: f64,
    lo: f64,
    hi: f64,
    runs: usize,
}

struct SweepFigures {
    meta: Meta,
    /// Scenario names in order of first appearance.
    scenarios: Vec<String>,
    /// `points[(parameter, measure)][scenario]`.
    points: BTreeMap<(usize, usize), Vec<Vec<Point>>>,
    /// Parameters with numeric values, by index into `meta.parameters`.
    numeric: Vec<usize>,
}

/// A file-name-safe version of a key path.
pub fn slug(key: &str) -> String {
    let s: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    s.split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

impl SweepFigures {
    fn read(dir: &Path) -> R<SweepFigures> {
        let meta = read_meta(dir).map_err(|e| PlotError::Input {
            path: dir.join("sweep.json"),
            message: e.to_string(),
        })?;
        let t = Table::read(&dir.join("summary.csv"))?;
        let scen_col = t.column("scenario")?;
        let param_cols: Vec<usize> = meta
            .parameters
            .iter()
            .map(|p| t.column(p))
            .collect::<Result<_, crate::output::ReadError>>()?;
        let measure_cols: Vec<usize> = meta
            .outcomes
            .measures
            .iter()
            .take(PANELS)
            .map(|m| t.column(m))
            .collect::<Result<_, crate::output::ReadError>>()?;
        let mut scenarios: Vec<String> = Vec::new();
        for row in &t.rows {
            if !scenarios.contains(&row[scen_col]) {
                scenarios.push(row[scen_col].clone());
            }
        }
        let numeric: Vec<usize> = (0..param_cols.len())
            .filter(|&k| {
                t.rows
                    .iter()
                    .all(|row| row[param_cols[k]].parse::<f64>().is_ok_and(f64::is_finite))
            })
            .collect();
        let mut points = BTreeMap::new();
        for &k in &numeric {
            for (m, &mc) in measure_cols.iter().enumerate() {
                let mut per_scenario = Vec::new();
                for name in &scenarios {
                    // x (as bits, to group exactly) -> values over runs
                    let mut groups: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
                    for (i, row) in t.rows.iter().enumerate() {
                        if &row[scen_col] != name {
                            continue;
                        }
                        let x: f64 = row[param_cols[k]].parse().unwrap_or(f64::NAN);
                        let y = t.number(i, mc)?;
                        groups.entry(order_key(x)).or_default().push(y);
                    }
                    let pts = groups
                        .into_iter()
                        .filter_map(|(xk, ys)| {
                            band(&ys).map(|(mean, lo, hi)| Point {
                                x: from_order_key(xk),
                                mean,
                                lo,
                                hi,
                                runs: ys.len(),
                            })
                        })
                        .collect();
                    per_scenario.push(pts);
                }
                points.insert((k, m), per_scenario);
            }
        }
        Ok(SweepFigures {
            meta,
            scenarios,
            points,
            numeric,
        })
    }

    fn stems(&self) -> Vec<String> {
        self.numeric
            .iter()
            .map(|&k| format!("by_{}", slug(&self.meta.parameters[k])))
            .collect()
    }

    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        k: usize,
        m: usize,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let per_scenario = &self.points[&(k, m)];
        let all = per_scenario.iter().flatten();
        let (mut x0, mut x1, mut y0, mut y1) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for p in all {
            x0 = x0.min(p.x);
            x1 = x1.max(p.x);
            y0 = y0.min(p.lo);
            y1 = y1.max(p.hi);
        }
        if !x0.is_finite() {
            (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
        }
        let pad_x = if x1 > x0 { (x1 - x0) * 0.04 } else { 0.5 };
        let pad_y = if y1 > y0 {
            (y1 - y0) * 0.08
        } else {
            y0.abs().max(1e-9) * 0.1
        };
        let measure = &self.meta.outcomes.measures[m];
        let key = &self.meta.parameters[k];
        let mut chart = ChartBuilder::on(area)
            .caption(measure, (FONT, 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d((x0 - pad_x)..(x1 + pad_x), (y0 - pad_y)..(y1 + pad_y))?;
        chart
            .configure_mesh()
            .x_desc(key.as_str())
            .y_desc(unit(measure))
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 13))
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&|x| format!("{}", round_sig(*x, 5)))
            .y_label_formatter(&|y| tick(*y, y1 - y0))
            .draw()?;
        for (s, pts) in per_scenario.iter().enumerate() {
            let color = PALETTE[s % PALETTE.len()];
            let replicated = pts.iter().any(|p| p.runs > 1);
            if replicated {
                let upper = pts.iter().map(|p| (p.x, p.hi));
                let lower = pts.iter().rev().map(|p| (p.x, p.lo));
                chart.draw_series(std::iter::once(Polygon::new(
                    upper.chain(lower).collect::<Vec<_>>(),
                    color.mix(0.2).filled(),
                )))?;
                chart.draw_series(LineSeries::new(
                    pts.iter().map(|p| (p.x, p.mean)),
                    color.stroke_width(2),
                ))?;
            }
            let series = chart.draw_series(
                pts.iter()
                    .map(|p| Circle::new((p.x, p.mean), 3, color.filled())),
            )?;
            if m == 0 && self.scenarios.len() > 1 {
                series
                    .label(self.scenarios[s].clone())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                    });
            }
        }
        if m == 0 && self.scenarios.len() > 1 {
            chart
                .configure_series_labels()
                .label_font((FONT, 13))
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .position(SeriesLabelPosition::UpperRight)
                .draw()?;
        }
        Ok(())
    }
}

/// Order-preserving integer key of a finite float, for grouping equal values.
fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

fn from_order_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// A tick label with enough digits to tell ticks `span` apart: rates below 1 in percent,
/// large numbers in k or M as [`format_number`] writes them when that is precise enough.
fn tick(y: f64, span: f64) -> String {
    let coarse = format_number(y);
    let step = (span / 5.0).abs().max(f64::MIN_POSITIVE);
    let (scaled, unit_scale, suffix) = if y.abs() < 1.0 && y != 0.0 && span < 1.0 {
        (y * 100.0, 100.0, " %")
    } else if y.abs() >= 1e6 {
        (y / 1e6, 1e-6, " M")
    } else if y.abs() >= 1e4 {
        (y / 1e3, 1e-3, " k")
    } else {
        return if step >= 1.0 {
            coarse
        } else {
            let digits = (-(step.log10()).floor()) as usize;
            format!("{y:.digits$}")
        };
    };
    let scaled_step = step * unit_scale;
    let digits = if scaled_step >= 1.0 {
        0
    } else {
        (-(scaled_step.log10()).floor()) as usize
    };
    format!("{scaled:.digits$}{suffix}")
}

/// What a measure's axis says.
fn unit(measure: &str) -> &'static str {
    match measure {
        "unemployment_rate" | "vacancy_rate" => "rate (mean over the window)",
        "tightness" => "vacancies per unemployed",
        m if m.contains("spending") || m.contains("cost") || m.contains("fees") => {
            "EUR per step (mean)"
        }
        _ => "persons (mean per step)",
    }
}

impl Figures for SweepFigures {
    fn render<DB: DrawingBackend>(&self, stem: &str, area: &DrawingArea<DB, Shift>) -> R<()> {
        let err = draw_err(stem);
        area.fill(&WHITE).map_err(&err)?;
        let k = self
            .numeric
            .iter()
            .copied()
            .find(|&k| format!("by_{}", slug(&self.meta.parameters[k])) == stem)
            .ok_or_else(|| PlotError::Draw {
                figure: stem.to_string(),
                message: "no such figure".into(),
            })?;
        let title = format!(
            "{}: outcomes against {} (mean, 5-95 % band over runs)",
            self.meta.name, self.meta.parameters[k]
        );
        let area = area.titled(&title, (FONT, 22)).map_err(&err)?;
        let n = self.meta.outcomes.measures.len().min(PANELS);
        let panels = area.split_evenly((2, 2));
        for (m, panel) in panels.iter().enumerate().take(n) {
            self.panel(panel, k, m).map_err(&err)?;
        }
        Ok(())
    }
}

/// Draw the figures of a merged sweep into `dir/plots/` and write `dir/report.html`.
pub fn plot_sweep(dir: &Path) -> R<Vec<PathBuf>> {
    register_font();
    let figs = SweepFigures::read(dir)?;
    let stems = figs.stems();
    let (svgs, mut written) = draw_figures(&figs, &dir.join("plots"), &stems)?;
    let m = &figs.meta;
    let heading = format!("Sweep {}", escape(&m.name));
    let mut html = page_head(&format!("{heading} - labsim"), &heading, "");
    if !m.description.is_empty() {
        let _ = writeln!(html, "<p>{}</p>", escape(&m.description));
    }
    let _ = writeln!(
        html,
        "<p>{} runs: {} of {}, {} replication(s) per point, seed {}{}. Measures are means over steps {}{} \
         at the total level; every run is a row of summary.csv, every step of every run rows of runs.csv.</p>",
        m.runs,
        escape(&m.design),
        escape(&m.parameters.join(", ")),
        m.replications,
        m.seed,
        if m.common_random_numbers {
            ", common random numbers across points"
        } else {
            ""
        },
        m.outcomes.from_step,
        m.outcomes
            .to_step
            .map(|t| format!(" to {t}"))
            .unwrap_or_else(|| " to the end".into()),
    );
    if stems.is_empty() {
        html.push_str("<p>No parameter with numeric values to draw against.</p>\n");
    }
    written.extend(write_report(dir, html, &stems, &svgs)?);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_keys_sort_like_the_numbers_and_round_trip() {
        let xs = [-2.5, -0.0, 0.0, 1e-9, 0.3, 7.0];
        for w in xs.windows(2) {
            assert!(order_key(w[0]) <= order_key(w[1]), "{w:?}");
        }
        for x in xs {
            assert_eq!(from_order_key(order_key(x)).to_bits(), x.to_bits());
        }
        assert_eq!(
            slug("policy.\"Open funds\".coverage"),
            "policy_Open_funds_coverage"
        );
        assert_eq!(tick(0.0385, 0.002), "3.85 %");
        assert_eq!(tick(48_650.0, 600.0), "48.6 k");
        assert_eq!(tick(430_000.0, 450_000.0), "430 k");
        assert_eq!(tick(2.5, 0.5), "2.5");
    }
}
