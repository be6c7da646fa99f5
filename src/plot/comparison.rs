//! The figures of a comparison: each compared metric of every scenario against the baseline
//! (means over replications), and each scenario minus the baseline replication by replication
//! (mean and 5-95 % band); on a national map, each scenario's change in every region's
//! unemployment rate; each programme's effect curve; and the comparison's report: the brief
//! (`brief.rs`), the summary table, the figures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::brief::Brief;
use super::chart::{draw_err, draw_figures, line_chart_colored, register_font, Figures, Line};
use super::input::Run;
use super::map::{diverging, markers, Spot};
use super::report::{escape, markdown_table_to_html, page_head, write_report};
use super::{PlotError, R};
use crate::compare::SummaryCsvRow;
use crate::output::{band, read, Reader, SeriesRow};

/// Metrics overlaid, and differenced against the baseline, in a comparison's figures.
pub const COMPARED: [(&str, &str); 6] = [
    ("unemployment_rate", "unemployment rate (% of labour force)"),
    ("vacancy_rate", "vacancy rate (% of jobs + vacancies)"),
    ("job_to_job", "work-to-work moves (persons per month)"),
    (
        "cross_sector_moves",
        "cross-sector moves (persons per month)",
    ),
    (
        "cross_border_hires",
        "cross-border hires (persons per month)",
    ),
    ("unemployed", "unemployed (persons)"),
];

/// Per metric, per replication: (step, value) points.
type ByReplication = BTreeMap<String, BTreeMap<u32, Vec<(f64, f64)>>>;

/// A comparison directory: the baseline's and each scenario's total-level series per
/// replication, `values[scenario][metric][replication]` = (step, value) points.
struct Comparison {
    names: Vec<String>,
    values: Vec<ByReplication>,
    /// On a national map (the baseline's run has `regions.csv`): every run's files, for the
    /// maps of each scenario's change.
    maps: Option<Vec<Run>>,
    dates: BTreeMap<u32, String>,
    summary_md: String,
    brief: Brief,
}

impl Comparison {
    fn read(dir: &Path) -> R<Comparison> {
        let summary = read::<SummaryCsvRow>(&dir.join("summary.csv"))?;
        let brief = Brief::read(dir, &summary)?;
        let mut names: Vec<String> = Vec::new();
        // The baseline is the directory that is no scenario of the summary.
        let mut dirs: Vec<String> = std::fs::read_dir(dir)
            .map_err(|e| PlotError::Input {
                path: dir.to_path_buf(),
                message: format!("cannot list it: {e}"),
            })?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join("series.csv").exists())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        dirs.sort();
        for row in summary {
            if !names.contains(&row.scenario) {
                names.push(row.scenario);
            }
        }
        let baseline = dirs
            .iter()
            .find(|d| !names.contains(d))
            .cloned()
            .ok_or_else(|| PlotError::Input {
                path: dir.to_path_buf(),
                message: "no baseline run directory (with series.csv) beside summary.csv".into(),
            })?;
        names.insert(0, baseline);
        let mut values = Vec::new();
        let mut dates = BTreeMap::new();
        for name in &names {
            let path = dir.join(name).join("series.csv");
            if !path.exists() {
                return Err(PlotError::Input {
                    path,
                    message: format!("missing: the run of scenario `{name}` named in summary.csv"),
                });
            }
            let mut by_metric = ByReplication::new();
            let mut series = Reader::<SeriesRow>::open(&path)?;
            while let Some(row) = series.next_row()? {
                let id = row.id;
                if id.level != "total" {
                    continue;
                }
                if !id.date.is_empty() {
                    dates.insert(id.step, id.date);
                }
                for (m, _) in COMPARED {
                    let x = row.metrics.get(m).unwrap_or(f64::NAN);
                    if !x.is_nan() {
                        by_metric
                            .entry(m.to_string())
                            .or_default()
                            .entry(id.replication)
                            .or_default()
                            .push((f64::from(id.step), x));
                    }
                }
            }
            values.push(by_metric);
        }
        let maps = if dir.join(&names[0]).join("regions.csv").exists() {
            Some(
                names
                    .iter()
                    .map(|n| Run::read(&dir.join(n)))
                    .collect::<R<Vec<Run>>>()?,
            )
        } else {
            None
        };
        Ok(Comparison {
            names,
            values,
            maps,
            dates,
            summary_md: std::fs::read_to_string(dir.join("summary.md")).unwrap_or_default(),
            brief,
        })
    }

    /// Mean over replications of scenario `s`'s metric.
    fn mean(&self, s: usize, metric: &str) -> Line {
        let reps = self.values[s].get(metric);
        let mut sums: BTreeMap<u64, (f64, f64)> = BTreeMap::new();
        for pts in reps.into_iter().flat_map(|r| r.values()) {
            for &(step, x) in pts {
                let e = sums.entry(step as u64).or_insert((0.0, 0.0));
                e.0 += x;
                e.1 += 1.0;
            }
        }
        Line {
            name: self.names[s].clone(),
            points: sums
                .into_iter()
                .map(|(k, (sum, n))| (k as f64, sum / n))
                .collect(),
            band: Vec::new(),
        }
    }

    /// Scenario `s` minus the baseline, replication by replication: mean and 5-95 % band.
    fn difference(&self, s: usize, metric: &str) -> Line {
        let (Some(mine), Some(base)) = (self.values[s].get(metric), self.values[0].get(metric))
        else {
            return Line::default();
        };
        let mut by_step: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
        for (rep, pts) in mine {
            let Some(b) = base.get(rep) else { continue };
            for (p, q) in pts.iter().zip(b) {
                by_step.entry(p.0 as u64).or_default().push(p.1 - q.1);
            }
        }
        let mut line = Line {
            name: self.names[s].clone(),
            ..Line::default()
        };
        for (step, diffs) in by_step {
            if let Some((mean, lo, hi)) = band(&diffs) {
                line.points.push((step as f64, mean));
                if diffs.len() > 1 {
                    line.band.push((step as f64, lo, hi));
                }
            }
        }
        line
    }
}

/// Draw figure `stem` of a comparison.
fn render_comparison<DB: DrawingBackend>(
    cmp: &Comparison,
    stem: &str,
    area: &DrawingArea<DB, Shift>,
) -> R<()> {
    let err = draw_err(stem);
    area.fill(&WHITE).map_err(&err)?;
    let (metric, what) = COMPARED
        .iter()
        .find(|(m, _)| stem.strip_suffix("_difference").unwrap_or(stem) == *m)
        .copied()
        .ok_or_else(|| PlotError::Draw {
            figure: stem.to_string(),
            message: "no such figure".into(),
        })?;
    let base = &cmp.names[0];
    if stem.ends_with("_difference") {
        let lines: Vec<Line> = (1..cmp.names.len())
            .map(|s| cmp.difference(s, metric))
            .collect();
        let title = format!("{what}: difference from {base} (mean, 5-95 % band)");
        line_chart_colored(area, &title, what, &lines, &cmp.dates, 18, 1).map_err(&err)
    } else {
        let lines: Vec<Line> = (0..cmp.names.len()).map(|s| cmp.mean(s, metric)).collect();
        let title = format!("{what}: every scenario against {base}");
        line_chart_colored(area, &title, what, &lines, &cmp.dates, 18, 0).map_err(&err)
    }
}

/// The map of scenario `s`'s change in each region's unemployment rate against the baseline
/// (means over the run and the replications, in percentage points).
fn change_map<DB: DrawingBackend>(
    cmp: &Comparison,
    runs: &[Run],
    s: usize,
    area: &DrawingArea<DB, Shift>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let Some(regions) = &runs[0].regions else {
        return Ok(());
    };
    let spots: Vec<Spot> = regions
        .iter()
        .map(|r| {
            let rate = |k: usize| runs[k].mean("region", &r.region, "unemployment_rate");
            let change = 100.0 * (rate(s) - rate(0));
            Spot {
                region: r,
                value: change,
                label: format!("{change:+.2} pt"),
            }
        })
        .collect();
    let widest = spots
        .iter()
        .map(|s| s.value.abs())
        .filter(|v| v.is_finite())
        .fold(1e-9, f64::max);
    markers(
        area,
        &format!(
            "{}: change in unemployment rate against {}, means over the run",
            cmp.names[s], cmp.names[0]
        ),
        &format!(
            "colour: from -{widest:.2} pt (blue, falls) to +{widest:.2} pt (red, rises); area: labour force"
        ),
        &spots,
        &|v| diverging(v / widest),
    )
}

impl Figures for Comparison {
    fn render<DB: DrawingBackend>(&self, stem: &str, area: &DrawingArea<DB, Shift>) -> R<()> {
        if stem.starts_with("effect_curve_") {
            return self.brief.render(stem, area);
        }
        if let (Some(name), Some(runs)) = (stem.strip_prefix("map_"), &self.maps) {
            let err = draw_err(stem);
            area.fill(&WHITE).map_err(&err)?;
            let s = self.names.iter().position(|n| n == name).unwrap_or(0);
            return change_map(self, runs, s, area).map_err(&err);
        }
        render_comparison(self, stem, area)
    }
}

/// Draw the figures of a comparison directory and its report.html.
pub fn plot_comparison(dir: &Path) -> R<Vec<PathBuf>> {
    register_font();
    let cmp = Comparison::read(dir)?;
    let curves = cmp.brief.stems();
    // On a map, each scenario's change per region (before the effect curves, which go last).
    let maps: Vec<String> = if cmp.maps.is_some() {
        cmp.names[1..].iter().map(|n| format!("map_{n}")).collect()
    } else {
        Vec::new()
    };
    let stems: Vec<String> = COMPARED
        .iter()
        .flat_map(|(m, _)| [m.to_string(), format!("{m}_difference")])
        .chain(maps)
        .chain(curves.iter().cloned())
        .collect();
    let (mut svgs, mut written) = draw_figures(&cmp, &dir.join("plots"), &stems)?;
    // The effect curves go in the brief, the rest after the summary table.
    let curve_svgs = svgs.split_off(stems.len() - curves.len());
    let heading = format!("Scenarios against {}", escape(&cmp.names[0]));
    let mut html = page_head(
        &format!("{heading} - labsim"),
        &heading,
        "table{border-collapse:collapse;font-size:90%}\
         td,th{border:1px solid #bbb;padding:.3em .6em;text-align:right}th{background:#eee}",
    );
    html.push_str(&cmp.brief.html(&cmp.names[0], &curve_svgs));
    html.push_str("<h2>Summary</h2>\n");
    html.push_str(&markdown_table_to_html(&cmp.summary_md));
    written.extend(write_report(
        dir,
        html,
        &stems[..stems.len() - curves.len()],
        &svgs,
    )?);
    Ok(written)
}
