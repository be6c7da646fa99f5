//! The figures of a run, drawn from its files: unemployment and vacancy rates (total and per
//! country), the Beveridge curve, region and sector panels, flows with cross-border commuters,
//! and training with policy spending; with replications, the 5-95 % bands of `bands.csv`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{
    beveridge, draw_err, draw_figures, line_chart, register_font, Figures, Line, FONT,
};
use super::input::Run;
use super::report::run_report;
use super::{PlotError, R};
use crate::output::{CommutersRow, PoliciesRow};

/// The figures of a run: file stem and what it shows.
pub const FIGURES: [(&str, &str); 6] = [
    (
        "rates",
        "Unemployment and vacancy rates, total and per country",
    ),
    (
        "beveridge",
        "Beveridge curve: vacancy rate against unemployment rate",
    ),
    ("regions", "Unemployment rate per region"),
    ("sectors", "Vacancy rate per sector"),
    (
        "flows",
        "Flows: work-to-work, unemployment-to-work, cross-sector and cross-border",
    ),
    (
        "training",
        "Training starts and completions, and policy spending",
    ),
];

/// Draw figure `stem` of `run` on any backend.
fn render<DB: DrawingBackend>(run: &Run, stem: &str, area: &DrawingArea<DB, Shift>) -> R<()> {
    let err = draw_err(stem);
    area.fill(&WHITE).map_err(&err)?;
    let title = run.title();
    let dates = &run.dates;
    let keys = |level: &str| run.keys.get(level).cloned().unwrap_or_default();
    match stem {
        "rates" => {
            let mut lines = vec![
                run.line("total", "all", "unemployment_rate", "unemployment, total"),
                run.line("total", "all", "vacancy_rate", "vacancies, total"),
            ];
            for c in keys("country") {
                lines.push(run.line(
                    "country",
                    &c,
                    "unemployment_rate",
                    &format!("unemployment, {c}"),
                ));
                lines.push(run.line("country", &c, "vacancy_rate", &format!("vacancies, {c}")));
            }
            let t = format!("{title}: unemployment and vacancy rates");
            line_chart(
                area,
                &t,
                "rate (% of labour force / of jobs)",
                &lines,
                dates,
                18,
            )
            .map_err(&err)
        }
        "beveridge" => {
            let u = run.line("total", "all", "unemployment_rate", "u");
            let v = run.line("total", "all", "vacancy_rate", "v");
            beveridge(area, &format!("{title}: Beveridge curve"), &u, &v).map_err(&err)
        }
        "regions" | "sectors" => {
            let (level, metric, what) = if stem == "regions" {
                ("region", "unemployment_rate", "unemployment rate")
            } else {
                ("sector", "vacancy_rate", "vacancy rate")
            };
            let names = keys(level);
            let cols = 4usize.min(names.len().max(1));
            let rows = names.len().div_ceil(cols).max(1);
            let (top, body) = area.split_vertically(40);
            top.titled(&format!("{title}: {what} per {level}"), (FONT, 24))
                .map_err(&err)?;
            for (panel, name) in body.split_evenly((rows, cols)).iter().zip(&names) {
                let line = run.line(level, name, metric, "");
                line_chart(panel, name, what, &[line], dates, 12).map_err(&err)?;
            }
            Ok(())
        }
        "flows" => {
            let mut lines = vec![
                run.line("total", "all", "job_to_job", "work-to-work"),
                run.line(
                    "total",
                    "all",
                    "hires_from_unemployment",
                    "unemployment-to-work",
                ),
                run.line("total", "all", "cross_sector_moves", "cross-sector moves"),
                run.line("total", "all", "cross_border_hires", "cross-border hires"),
            ];
            if let Some(c) = &run.commuters {
                lines.extend(commuter_lines(c));
            }
            let t = format!("{title}: flows per month and cross-border commuters");
            line_chart(area, &t, "persons", &lines, dates, 18).map_err(&err)
        }
        "training" => {
            let mut lines = vec![
                run.line("total", "all", "training_starts", "training starts"),
                run.line(
                    "total",
                    "all",
                    "training_completions",
                    "training completions",
                ),
            ];
            if let Some(p) = &run.policies {
                lines.extend(policy_lines(p));
            }
            let t = format!("{title}: training per month and policy spending (EUR per month)");
            line_chart(area, &t, "persons / EUR", &lines, dates, 18).map_err(&err)
        }
        other => Err(PlotError::Draw {
            figure: other.to_string(),
            message: "no such figure".into(),
        }),
    }
}

/// Cross-border commuters by (home, work) country, replication 0.
fn commuter_lines(rows: &[CommutersRow]) -> Vec<Line> {
    let mut by_pair: BTreeMap<(String, String), Vec<(f64, f64)>> = BTreeMap::new();
    for row in rows
        .iter()
        .filter(|r| r.replication == 0 && r.home_country != r.work_country)
    {
        if !row.commuters.is_nan() {
            by_pair
                .entry((row.home_country.clone(), row.work_country.clone()))
                .or_default()
                .push((f64::from(row.step), row.commuters));
        }
    }
    by_pair
        .into_iter()
        .filter(|(_, pts)| pts.iter().any(|p| p.1 > 0.0))
        .map(|((a, b), points)| Line {
            name: format!("commuters {a} to {b}"),
            points,
            band: Vec::new(),
        })
        .collect()
}

/// Spending of every policy per step, replication 0.
fn policy_lines(rows: &[PoliciesRow]) -> Vec<Line> {
    let mut by_policy: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.replication == 0) {
        if !row.spending.is_nan() {
            by_policy
                .entry(row.policy.clone())
                .or_default()
                .push((f64::from(row.step), row.spending));
        }
    }
    by_policy
        .into_iter()
        .map(|(n, points)| Line {
            name: format!("spending: {n}"),
            points,
            band: Vec::new(),
        })
        .collect()
}

impl Figures for Run {
    fn render<DB: DrawingBackend>(&self, stem: &str, area: &DrawingArea<DB, Shift>) -> R<()> {
        render(self, stem, area)
    }
}

/// Draw every figure of the run in `dir` into `dir/plots/` (PNG and SVG) and write
/// `dir/report.html`.
pub fn plot_run(dir: &Path) -> R<Vec<PathBuf>> {
    register_font();
    let run = Run::read(dir)?;
    let stems: Vec<String> = FIGURES.iter().map(|(s, _)| s.to_string()).collect();
    let (svgs, mut written) = draw_figures(&run, &dir.join("plots"), &stems)?;
    let html = run_report(&run, &svgs);
    written.extend(crate::output::write_all_atomic(
        dir,
        &[("report.html", html)],
    )?);
    Ok(written)
}
