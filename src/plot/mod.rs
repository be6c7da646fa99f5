//! Figures drawn from output files (never from the live world), as PNG and SVG in `plots/`:
//! of a run (unemployment and vacancy rates, the Beveridge curve, region and sector panels,
//! flows, training and policy spending) and of a comparison, here; of a sweep in `sweep.rs` and
//! of a calibration in `calibration.rs`. Runs, comparisons and sweeps also get `report.html`,
//! one self-contained page with the SVGs inlined. Text uses DejaVu Sans compiled into the
//! binary, so figures render the same on a machine without fonts.
//!
//! `labsim plot DIR` redraws whatever DIR holds from its files ([`plot_dir`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::output::split_csv;
use plotters::coord::Shift;
use plotters::prelude::*;

mod calibration;
mod sweep;
pub use calibration::plot_calibration;
pub use sweep::plot_sweep;

/// A plot input that is missing or malformed: exit 2.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },
    #[error("drawing {figure}: {message}")]
    Draw { figure: String, message: String },
    #[error(transparent)]
    Write(#[from] crate::error::RunError),
}

type R<T> = Result<T, PlotError>;

const SIZE: (u32, u32) = (1200, 720);
const FONT: &str = "sans-serif";

/// Colours for lines, in order; the same series always gets the same colour.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Register the embedded font once.
fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font(
            FONT,
            FontStyle::Normal,
            include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
        );
    });
}

/// A CSV file as a header and rows of fields.
pub struct Table {
    pub path: PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn read(path: &Path) -> R<Table> {
        let text = std::fs::read_to_string(path).map_err(|e| PlotError::Input {
            path: path.to_path_buf(),
            message: format!("cannot read it: {e}"),
        })?;
        let mut lines = text.lines();
        let header = split_csv(lines.next().ok_or_else(|| PlotError::Input {
            path: path.to_path_buf(),
            message: "the file is empty".into(),
        })?);
        let mut rows = Vec::new();
        for (n, line) in lines.enumerate() {
            let row = split_csv(line);
            if row.len() != header.len() {
                return Err(PlotError::Input {
                    path: path.to_path_buf(),
                    message: format!(
                        "line {} has {} fields, the header {}",
                        n + 2,
                        row.len(),
                        header.len()
                    ),
                });
            }
            rows.push(row);
        }
        Ok(Table {
            path: path.to_path_buf(),
            header,
            rows,
        })
    }

    /// Index of a column, or an error naming it.
    pub fn column(&self, name: &str) -> R<usize> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| PlotError::Input {
                path: self.path.clone(),
                message: format!("missing column `{name}`"),
            })
    }
}

/// One series of a figure: a name and (step, value) points, with an optional 5-95 % band.
#[derive(Clone, Debug, Default)]
pub struct Line {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub band: Vec<(f64, f64, f64)>,
}

/// (level, key, metric) of a series.
type SeriesId = (String, String, String);
/// Sum and count of a metric per step, over replications.
type Sums = BTreeMap<u32, (f64, u32)>;
/// The 5-95 % band per step: (step, p05, p95).
type Band = Vec<(f64, f64, f64)>;

/// The series of a run, read from `series.csv` (and `bands.csv` when present): for each
/// (level, key, metric) the mean over replications per step.
pub struct Run {
    pub dir: PathBuf,
    /// Year-month of each step, when the scenario has a start.
    pub dates: BTreeMap<u32, String>,
    values: BTreeMap<SeriesId, Sums>,
    bands: BTreeMap<SeriesId, Band>,
    pub keys: BTreeMap<String, Vec<String>>,
    pub policies: Option<Table>,
    pub commuters: Option<Table>,
    pub manifest: Option<serde_json::Value>,
}

/// Metrics drawn from `series.csv`; a file without one of them cannot be plotted.
pub const PLOTTED: [&str; 10] = [
    "unemployment_rate",
    "vacancy_rate",
    "job_to_job",
    "hires_from_unemployment",
    "cross_sector_moves",
    "cross_border_hires",
    "training_starts",
    "training_completions",
    "unemployed",
    "vacancies",
];

impl Run {
    pub fn read(dir: &Path) -> R<Run> {
        let series_path = dir.join("series.csv");
        if !series_path.exists() {
            return Err(PlotError::Input {
                path: dir.to_path_buf(),
                message: "no series.csv here: not the output directory of a run".into(),
            });
        }
        let t = Table::read(&series_path)?;
        let (c_step, c_date, c_level, c_key) = (
            t.column("step")?,
            t.column("date")?,
            t.column("level")?,
            t.column("key")?,
        );
        let metric_cols: Vec<(usize, &str)> = PLOTTED
            .iter()
            .map(|m| t.column(m).map(|c| (c, *m)))
            .collect::<R<_>>()?;
        let mut values: BTreeMap<SeriesId, Sums> = BTreeMap::new();
        let mut dates = BTreeMap::new();
        let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (n, row) in t.rows.iter().enumerate() {
            let step: u32 = row[c_step].parse().map_err(|_| PlotError::Input {
                path: series_path.clone(),
                message: format!("line {}: step `{}` is not a number", n + 2, row[c_step]),
            })?;
            if !row[c_date].is_empty() {
                dates.insert(step, row[c_date].clone());
            }
            let (level, key) = (row[c_level].clone(), row[c_key].clone());
            let known = keys.entry(level.clone()).or_default();
            if !known.contains(&key) {
                known.push(key.clone());
            }
            for &(c, metric) in &metric_cols {
                if let Ok(x) = row[c].parse::<f64>() {
                    let e = values
                        .entry((level.clone(), key.clone(), metric.to_string()))
                        .or_default()
                        .entry(step)
                        .or_insert((0.0, 0));
                    e.0 += x;
                    e.1 += 1;
                }
            }
        }
        let mut bands: BTreeMap<SeriesId, Band> = BTreeMap::new();
        let bands_path = dir.join("bands.csv");
        if bands_path.exists() {
            let b = Table::read(&bands_path)?;
            let cols = ["step", "level", "key", "metric", "p05", "p95"]
                .iter()
                .map(|c| b.column(c))
                .collect::<R<Vec<_>>>()?;
            for row in &b.rows {
                let (Ok(step), Ok(lo), Ok(hi)) = (
                    row[cols[0]].parse::<f64>(),
                    row[cols[4]].parse::<f64>(),
                    row[cols[5]].parse::<f64>(),
                ) else {
                    continue;
                };
                bands
                    .entry((
                        row[cols[1]].clone(),
                        row[cols[2]].clone(),
                        row[cols[3]].clone(),
                    ))
                    .or_default()
                    .push((step, lo, hi));
            }
        }
        let optional = |name: &str| -> R<Option<Table>> {
            let p = dir.join(name);
            if p.exists() {
                Table::read(&p).map(Some)
            } else {
                Ok(None)
            }
        };
        let manifest = std::fs::read(dir.join("manifest.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        Ok(Run {
            dir: dir.to_path_buf(),
            dates,
            values,
            bands,
            keys,
            policies: optional("policies.csv")?,
            commuters: optional("commuters.csv")?,
            manifest,
        })
    }

    /// The mean over replications of a metric at (level, key), with its band if any.
    pub fn line(&self, level: &str, key: &str, metric: &str, name: &str) -> Line {
        let id = (level.to_string(), key.to_string(), metric.to_string());
        let points = self
            .values
            .get(&id)
            .map(|m| {
                m.iter()
                    .map(|(s, (sum, n))| (f64::from(*s), sum / f64::from(*n)))
                    .collect()
            })
            .unwrap_or_default();
        Line {
            name: name.to_string(),
            points,
            band: self.bands.get(&id).cloned().unwrap_or_default(),
        }
    }

    fn title(&self) -> String {
        self.manifest
            .as_ref()
            .and_then(|m| m["scenario"].as_str().map(str::to_string))
            .unwrap_or_else(|| self.dir.display().to_string())
    }
}

/// Map a drawing error to ours.
fn draw_err<E: std::fmt::Debug>(figure: &str) -> impl Fn(E) -> PlotError + '_ {
    move |e| PlotError::Draw {
        figure: figure.to_string(),
        message: format!("{e:?}"),
    }
}

/// Draw a line chart of `lines` into `area`.
fn line_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    lines: &[Line],
    dates: &BTreeMap<u32, String>,
    font: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let xs = lines.iter().flat_map(|l| l.points.iter().map(|p| p.0));
    let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    let ys = lines.iter().flat_map(|l| {
        l.points
            .iter()
            .map(|p| p.1)
            .chain(l.band.iter().flat_map(|b| [b.1, b.2]))
    });
    let (y0, y1) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(y), b.max(y))
    });
    let (x0, x1) = if x0.is_finite() {
        (x0, x1.max(x0 + 1.0))
    } else {
        (0.0, 1.0)
    };
    let (y0, y1) = if y0.is_finite() {
        (y0.min(0.0), y1.max(y0 + 1e-9) * 1.05)
    } else {
        (0.0, 1.0)
    };
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, font + 4))
        .margin(12)
        .x_label_area_size(font * 2 + 10)
        .y_label_area_size(font * 4 + 10)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let x_desc = if dates.is_empty() {
        "step (month)"
    } else {
        "month"
    };
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style((FONT, font))
        .axis_desc_style((FONT, font))
        .x_labels(if font < 16 { 3 } else { 8 })
        .x_label_formatter(&|x| {
            dates
                .get(&(x.round() as u32))
                .cloned()
                .unwrap_or_else(|| format!("{x:.0}"))
        })
        .y_label_formatter(&|y| format_number(*y))
        .draw()?;
    for (i, line) in lines.iter().enumerate() {
        // An empty line keeps its colour slot, so colours stay fixed per series.
        if line.points.is_empty() {
            continue;
        }
        let color = PALETTE[i % PALETTE.len()];
        if !line.band.is_empty() {
            let upper: Vec<(f64, f64)> = line.band.iter().map(|b| (b.0, b.2)).collect();
            let lower: Vec<(f64, f64)> = line.band.iter().rev().map(|b| (b.0, b.1)).collect();
            let polygon: Vec<(f64, f64)> = upper.into_iter().chain(lower).collect();
            chart.draw_series(std::iter::once(Polygon::new(
                polygon,
                color.mix(0.2).filled(),
            )))?;
        }
        chart
            .draw_series(LineSeries::new(
                line.points.iter().copied(),
                color.stroke_width(2),
            ))?
            .label(line.name.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    if lines.len() > 1 || !lines.first().is_some_and(|l| l.name.is_empty()) {
        chart
            .configure_series_labels()
            .label_font((FONT, font))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
    }
    Ok(())
}

/// Rates as percentages, counts with thousands grouped.
fn format_number(y: f64) -> String {
    if y.abs() < 1.0 && y != 0.0 {
        format!("{:.1} %", y * 100.0)
    } else if y.abs() >= 1e6 {
        format!("{:.1} M", y / 1e6)
    } else if y.abs() >= 1e4 {
        format!("{:.0} k", y / 1e3)
    } else {
        format!("{y:.0}")
    }
}

/// The Beveridge curve: vacancy rate against unemployment rate, the path coloured from blue
/// (start) to red (end), start and end marked.
fn beveridge<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    u: &Line,
    v: &Line,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let points: Vec<(f64, f64)> = u
        .points
        .iter()
        .zip(&v.points)
        .filter(|(a, _)| a.0 > 0.0)
        .map(|(a, b)| (a.1 * 100.0, b.1 * 100.0))
        .collect();
    let (mut ux, mut vx) = (
        (f64::INFINITY, f64::NEG_INFINITY),
        (f64::INFINITY, f64::NEG_INFINITY),
    );
    for p in &points {
        ux = (ux.0.min(p.0), ux.1.max(p.0));
        vx = (vx.0.min(p.1), vx.1.max(p.1));
    }
    if !ux.0.is_finite() {
        ux = (0.0, 1.0);
        vx = (0.0, 1.0);
    }
    let pad = |r: (f64, f64)| {
        let d = (r.1 - r.0).max(0.05) * 0.1;
        (r.0 - d)..(r.1 + d)
    };
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, 24))
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(pad(ux), pad(vx))?;
    chart
        .configure_mesh()
        .x_desc("unemployment rate (% of labour force)")
        .y_desc("vacancy rate (% of jobs + vacancies)")
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 18))
        .draw()?;
    let n = points.len().max(2) as f64;
    for (i, w) in points.windows(2).enumerate() {
        let f = i as f64 / (n - 2.0).max(1.0);
        let color = RGBColor((40.0 + 200.0 * f) as u8, 60, (220.0 - 180.0 * f) as u8);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![w[0], w[1]],
            color.stroke_width(2),
        )))?;
    }
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let blue = RGBColor(40, 60, 220);
        let red = RGBColor(240, 60, 40);
        chart
            .draw_series(std::iter::once(Circle::new(*first, 7, blue.filled())))?
            .label("start")
            .legend(move |(x, y)| Circle::new((x + 10, y), 6, blue.filled()));
        chart
            .draw_series(std::iter::once(Circle::new(*last, 7, red.filled())))?
            .label("end")
            .legend(move |(x, y)| Circle::new((x + 10, y), 6, red.filled()));
        chart
            .configure_series_labels()
            .label_font((FONT, 18))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
    }
    Ok(())
}

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
                lines.extend(commuter_lines(c)?);
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
                lines.extend(policy_lines(p)?);
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
fn commuter_lines(t: &Table) -> R<Vec<Line>> {
    let (rep, step, home, work, n) = (
        t.column("replication")?,
        t.column("step")?,
        t.column("home_country")?,
        t.column("work_country")?,
        t.column("commuters")?,
    );
    let mut by_pair: BTreeMap<(String, String), Vec<(f64, f64)>> = BTreeMap::new();
    for row in t
        .rows
        .iter()
        .filter(|r| r[rep] == "0" && r[home] != r[work])
    {
        if let (Ok(s), Ok(x)) = (row[step].parse::<f64>(), row[n].parse::<f64>()) {
            by_pair
                .entry((row[home].clone(), row[work].clone()))
                .or_default()
                .push((s, x));
        }
    }
    Ok(by_pair
        .into_iter()
        .filter(|(_, pts)| pts.iter().any(|p| p.1 > 0.0))
        .map(|((a, b), points)| Line {
            name: format!("commuters {a} to {b}"),
            points,
            band: Vec::new(),
        })
        .collect())
}

/// Spending of every policy per step, replication 0.
fn policy_lines(t: &Table) -> R<Vec<Line>> {
    let (rep, step, name, spend) = (
        t.column("replication")?,
        t.column("step")?,
        t.column("policy")?,
        t.column("spending")?,
    );
    let mut by_policy: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for row in t.rows.iter().filter(|r| r[rep] == "0") {
        if let (Ok(s), Ok(x)) = (row[step].parse::<f64>(), row[spend].parse::<f64>()) {
            by_policy.entry(row[name].clone()).or_default().push((s, x));
        }
    }
    Ok(by_policy
        .into_iter()
        .map(|(n, points)| Line {
            name: format!("spending: {n}"),
            points,
            band: Vec::new(),
        })
        .collect())
}

/// Something whose figures can be drawn on any backend: a run or a comparison.
trait Figures {
    fn render<DB: DrawingBackend>(&self, stem: &str, area: &DrawingArea<DB, Shift>) -> R<()>;
}

impl Figures for Run {
    fn render<DB: DrawingBackend>(&self, stem: &str, area: &DrawingArea<DB, Shift>) -> R<()> {
        render(self, stem, area)
    }
}

/// Draw figures `stems` of `what` into `plots/` as PNG and SVG, through temporary names and
/// renames; returns the SVG texts (for the report) and the files written.
fn draw_figures<F: Figures>(
    what: &F,
    plots: &Path,
    stems: &[String],
) -> R<(Vec<String>, Vec<PathBuf>)> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PlotError::Write(crate::error::RunError::Write { path, source })
    };
    std::fs::create_dir_all(plots).map_err(write_err(plots))?;
    let mut svgs = Vec::new();
    let mut written = Vec::new();
    for stem in stems {
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            what.render(stem, &area)?;
            area.present().map_err(draw_err(stem))?;
        }
        let tmp = plots.join(format!(".{stem}.tmp-{}.png", std::process::id()));
        {
            let area = BitMapBackend::new(&tmp, SIZE).into_drawing_area();
            what.render(stem, &area)?;
            area.present().map_err(draw_err(stem))?;
        }
        let target = plots.join(format!("{stem}.png"));
        std::fs::rename(&tmp, &target).map_err(write_err(&target))?;
        written.push(target);
        svgs.push(svg);
    }
    let files: Vec<(String, String)> = stems
        .iter()
        .zip(&svgs)
        .map(|(stem, svg)| (format!("{stem}.svg"), svg.clone()))
        .collect();
    let refs: Vec<(&str, String)> = files.iter().map(|(n, c)| (n.as_str(), c.clone())).collect();
    written.extend(crate::output::write_all_atomic(plots, &refs)?);
    Ok((svgs, written))
}

/// The `<svg>` element of an SVG document, for inlining.
fn inline_svg(svg: &str) -> String {
    svg.split_once("<svg")
        .map(|(_, rest)| format!("<svg{rest}"))
        .unwrap_or_default()
}

/// Draw every figure of the run in `dir` into `dir/plots/` (PNG and SVG) and write
/// `dir/report.html`.
pub fn plot_run(dir: &Path) -> R<Vec<PathBuf>> {
    register_font();
    let run = Run::read(dir)?;
    let stems: Vec<String> = FIGURES.iter().map(|(s, _)| s.to_string()).collect();
    let (svgs, mut written) = draw_figures(&run, &dir.join("plots"), &stems)?;
    let html = report_html(&run, &svgs);
    written.extend(crate::output::write_all_atomic(
        dir,
        &[("report.html", html)],
    )?);
    Ok(written)
}

/// Escape text for HTML.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One self-contained page: the scenario, its key figures, every SVG inlined; no scripts.
fn report_html(run: &Run, svgs: &[String]) -> String {
    let m = run.manifest.clone().unwrap_or(serde_json::Value::Null);
    let title = escape(&run.title());
    let mut out = page_head(
        &format!("{title} - labsim report"),
        &title,
        "figcaption{font-weight:bold;margin-bottom:.5em}table{border-collapse:collapse}\
         td,th{border:1px solid #bbb;padding:.3em .7em;text-align:right}th{background:#eee}",
    );
    let _ = writeln!(out, "<table>");
    for (label, key) in [
        ("scenario file", "scenario_file"),
        ("scenario hash", "scenario_hash"),
        ("seed", "seed"),
        ("replications", "replications"),
        ("steps (months)", "steps"),
        ("start", "start"),
        ("persons", "persons"),
        ("agents", "workers"),
        ("labsim version", "labsim_version"),
    ] {
        let value = match &m[key] {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        let _ = writeln!(out, "<tr><th>{label}</th><td>{}</td></tr>", escape(&value));
    }
    let _ = writeln!(out, "</table>");
    for ((stem, caption), svg) in FIGURES.iter().zip(svgs) {
        let _ = writeln!(
            out,
            "<figure id=\"{stem}\">\n<figcaption>{}</figcaption>\n{}\n</figure>",
            escape(caption),
            inline_svg(svg)
        );
    }
    out.push_str("</body>\n</html>\n");
    out
}

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
type ByReplication = BTreeMap<String, BTreeMap<String, Vec<(f64, f64)>>>;

/// A comparison directory: the baseline's and each scenario's total-level series per
/// replication, `values[scenario][metric][replication]` = (step, value) points.
struct Comparison {
    names: Vec<String>,
    values: Vec<ByReplication>,
    dates: BTreeMap<u32, String>,
    summary_md: String,
}

impl Comparison {
    fn read(dir: &Path) -> R<Comparison> {
        let summary = Table::read(&dir.join("summary.csv"))?;
        let c_scenario = summary.column("scenario")?;
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
        for row in &summary.rows {
            if !names.contains(&row[c_scenario]) {
                names.push(row[c_scenario].clone());
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
            let t = Table::read(&path)?;
            let (c_rep, c_step, c_date, c_level) = (
                t.column("replication")?,
                t.column("step")?,
                t.column("date")?,
                t.column("level")?,
            );
            let cols: Vec<(usize, &str)> = COMPARED
                .iter()
                .map(|(m, _)| t.column(m).map(|c| (c, *m)))
                .collect::<R<_>>()?;
            let mut by_metric = ByReplication::new();
            for row in t
                .rows
                .iter()
                .filter(|r| r.get(c_level).is_some_and(|l| l == "total"))
            {
                let Ok(step) = row[c_step].parse::<u32>() else {
                    continue;
                };
                if !row[c_date].is_empty() {
                    dates.insert(step, row[c_date].clone());
                }
                for &(c, m) in &cols {
                    if let Ok(x) = row[c].parse::<f64>() {
                        by_metric
                            .entry(m.to_string())
                            .or_default()
                            .entry(row[c_rep].clone())
                            .or_default()
                            .push((f64::from(step), x));
                    }
                }
            }
            values.push(by_metric);
        }
        Ok(Comparison {
            names,
            values,
            dates,
            summary_md: std::fs::read_to_string(dir.join("summary.md")).unwrap_or_default(),
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
            if let Some((mean, lo, hi)) = crate::output::band(&diffs) {
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

/// [`line_chart`] with colours offset so that scenario k has colour k in every figure.
fn line_chart_colored<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    lines: &[Line],
    dates: &BTreeMap<u32, String>,
    font: u32,
    first_colour: usize,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    // Pad with empty lines so that colours line up with scenario indices.
    let mut padded = vec![Line::default(); first_colour];
    padded.extend_from_slice(lines);
    line_chart(area, title, y_desc, &padded, dates, font)
}

impl Figures for Comparison {
    fn render<DB: DrawingBackend>(&self, stem: &str, area: &DrawingArea<DB, Shift>) -> R<()> {
        render_comparison(self, stem, area)
    }
}

/// Draw the figures of a comparison directory and its report.html.
pub fn plot_comparison(dir: &Path) -> R<Vec<PathBuf>> {
    register_font();
    let cmp = Comparison::read(dir)?;
    let stems: Vec<String> = COMPARED
        .iter()
        .flat_map(|(m, _)| [m.to_string(), format!("{m}_difference")])
        .collect();
    let (svgs, mut written) = draw_figures(&cmp, &dir.join("plots"), &stems)?;
    let heading = format!("Scenarios against {}", escape(&cmp.names[0]));
    let mut html = page_head(
        &format!("{heading} - labsim"),
        &heading,
        "table{border-collapse:collapse;font-size:90%}\
         td,th{border:1px solid #bbb;padding:.3em .6em;text-align:right}th{background:#eee}",
    );
    html.push_str(&markdown_table_to_html(&cmp.summary_md));
    written.extend(write_report(dir, html, &stems, &svgs)?);
    Ok(written)
}

/// The start of a report page: `title` in the browser's tab, `heading` (both already escaped)
/// on the page, and `style` rules between the shared body and figure rules and the svg rule.
fn page_head(title: &str, heading: &str, style: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <style>body{{font-family:sans-serif;max-width:1250px;margin:2em auto;color:#222}}figure{{margin:2em 0}}\
         {style}svg{{max-width:100%;height:auto}}</style>\n</head>\n<body>\n<h1>{heading}</h1>\n"
    )
}

/// Append every figure (its SVG inlined) to `html`, close the page and write it as
/// `dir/report.html`.
fn write_report(
    dir: &Path,
    mut html: String,
    stems: &[String],
    svgs: &[String],
) -> R<Vec<PathBuf>> {
    for (stem, svg) in stems.iter().zip(svgs) {
        let _ = writeln!(
            html,
            "<figure id=\"{stem}\">\n{}\n</figure>",
            inline_svg(svg)
        );
    }
    html.push_str("</body>\n</html>\n");
    Ok(crate::output::write_all_atomic(
        dir,
        &[("report.html", html)],
    )?)
}

/// The paragraphs and the table of `summary.md` as HTML.
fn markdown_table_to_html(md: &str) -> String {
    let mut out = String::new();
    let mut in_table = false;
    for line in md.lines() {
        if let Some(row) = line.strip_prefix('|') {
            if line.starts_with("|---") {
                continue;
            }
            if !in_table {
                out.push_str("<table>\n");
                in_table = true;
            }
            let cells: Vec<&str> = row
                .trim_end_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            let tag = if out.ends_with("<table>\n") {
                "th"
            } else {
                "td"
            };
            out.push_str("<tr>");
            for c in cells {
                let _ = write!(out, "<{tag}>{}</{tag}>", escape(c));
            }
            out.push_str("</tr>\n");
        } else {
            if in_table {
                out.push_str("</table>\n");
                in_table = false;
            }
            let text = line.trim_start_matches('#').trim();
            if !text.is_empty() && !line.starts_with('#') {
                let _ = writeln!(out, "<p>{}</p>", escape(text));
            }
        }
    }
    if in_table {
        out.push_str("</table>\n");
    }
    out
}

/// Draw whatever `dir` holds: a merged sweep (it has `sweep.json`), a calibration (`fit.csv`),
/// a comparison (`summary.csv`) or a run.
pub fn plot_dir(dir: &Path) -> R<Vec<PathBuf>> {
    if dir.join("sweep.json").exists() {
        plot_sweep(dir)
    } else if dir.join("fit.csv").exists() {
        plot_calibration(dir)
    } else if dir.join("summary.csv").exists() {
        plot_comparison(dir)
    } else {
        plot_run(dir)
    }
}
