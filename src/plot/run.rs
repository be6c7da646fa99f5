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
use super::map::{heat, markers, Spot};
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

/// The figure of a run on a national map (with `regions.csv`).
pub const MAP: (&str, &str) = (
    "map",
    "Map: unemployment rate and cross-border commuters per region, means over the run",
);

/// The figures of `run`: [`FIGURES`], and [`MAP`] when it has a map.
pub fn figures_of(run: &Run) -> Vec<(&'static str, &'static str)> {
    let mut figures = FIGURES.to_vec();
    if run.regions.is_some() {
        figures.push(MAP);
    }
    figures
}

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
        "map" => map(run, &title, area).map_err(&err),
        other => Err(PlotError::Draw {
            figure: other.to_string(),
            message: "no such figure".into(),
        }),
    }
}

/// The map: unemployment rate per region (left) and cross-border commuters (right).
fn map<DB: DrawingBackend>(
    run: &Run,
    title: &str,
    area: &DrawingArea<DB, Shift>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let Some(regions) = &run.regions else {
        return Ok(());
    };
    let (top, body) = area.split_vertically(40);
    top.titled(&format!("{title}: the map, means over the run"), (FONT, 24))?;
    let (left, right) = body.split_horizontally(body.dim_in_pixel().0 / 2);
    let rates: Vec<Spot> = regions
        .iter()
        .map(|r| {
            let value = run.mean("region", &r.region, "unemployment_rate");
            Spot {
                region: r,
                value,
                label: format!("{:.1} %", 100.0 * value),
            }
        })
        .collect();
    let (lo, hi) = rates
        .iter()
        .map(|s| s.value)
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    let span = (hi - lo).max(1e-9);
    markers(
        &left,
        "unemployment rate",
        &format!(
            "colour: {:.1} % (light) to {:.1} % (dark); area: labour force",
            100.0 * lo,
            100.0 * hi
        ),
        &rates,
        &|v| heat((v - lo) / span),
    )?;
    // Residents of another country working in each region, as a share of its jobs, with the
    // counts in and out as labels.
    let commuters: Vec<Spot> = regions
        .iter()
        .map(|r| {
            let jobs = run.mean("region", &r.region, "jobs");
            let into = run.mean("region", &r.region, "cross_border_commuters_in");
            let out = run.mean("region", &r.region, "cross_border_commuters_out");
            Spot {
                region: r,
                value: into / jobs.max(1.0),
                label: format!("in {} / out {}", thousands(into), thousands(out)),
            }
        })
        .collect();
    let top_share = commuters.iter().map(|s| s.value).fold(1e-9, f64::max);
    markers(
        &right,
        "cross-border commuters (working in / living in the region)",
        &format!(
            "colour: share of the region's jobs held by residents of another country, 0 to {:.1} %",
            100.0 * top_share
        ),
        &commuters,
        &|v| heat(v / top_share),
    )
}

/// A count in persons, rounded: "18 k" from 10 000, "4.5 k" from 1 000, else to the hundred.
fn thousands(x: f64) -> String {
    if !x.is_finite() {
        String::new()
    } else if x >= 10_000.0 {
        format!("{:.0} k", x / 1000.0)
    } else if x >= 1000.0 {
        format!("{:.1} k", x / 1000.0)
    } else {
        format!("{:.0}", (x / 100.0).round() * 100.0)
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
    let figures = figures_of(&run);
    let stems: Vec<String> = figures.iter().map(|(s, _)| s.to_string()).collect();
    let (svgs, mut written) = draw_figures(&run, &dir.join("plots"), &stems)?;
    let html = run_report(&run, &figures, &svgs);
    written.extend(crate::output::write_all_atomic(
        dir,
        &[("report.html", html)],
    )?);
    Ok(written)
}
