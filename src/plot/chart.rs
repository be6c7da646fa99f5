//! Chart primitives shared by every figure: the size, font and palette, a line chart with
//! 5-95 % bands, the Beveridge curve, and drawing a set of figures into `plots/` as PNG and
//! SVG. What a figure shows is the business of `run.rs`, `comparison.rs`, `sweep.rs` and
//! `calibration.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{PlotError, R};

pub(super) const SIZE: (u32, u32) = (1200, 720);
pub(super) const FONT: &str = "sans-serif";

/// Colours for lines, in order; the same series always gets the same colour.
pub(super) const PALETTE: [RGBColor; 10] = [
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
pub(super) fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font(
            FONT,
            FontStyle::Normal,
            include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
        );
    });
}

/// One series of a figure: a name and (step, value) points, with an optional 5-95 % band.
#[derive(Clone, Debug, Default)]
pub struct Line {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub band: Vec<(f64, f64, f64)>,
}

/// Map a drawing error to ours.
pub(super) fn draw_err<E: std::fmt::Display>(figure: &str) -> impl Fn(E) -> PlotError + '_ {
    move |e| PlotError::Draw {
        figure: figure.to_string(),
        message: e.to_string(),
    }
}

/// Draw a line chart of `lines` into `area`, over steps (labelled with `dates` where given).
pub(super) fn line_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    lines: &[Line],
    dates: &BTreeMap<u32, String>,
    font: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let x_desc = if dates.is_empty() {
        "step (month)"
    } else {
        "month"
    };
    line_chart_over(area, title, x_desc, y_desc, lines, dates, font)
}

/// Draw a line chart of `lines` into `area`, with `x_desc` under the x axis.
pub(super) fn line_chart_over<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    x_desc: &str,
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
pub(super) fn format_number(y: f64) -> String {
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
pub(super) fn beveridge<DB: DrawingBackend>(
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

/// [`line_chart`] with colours offset so that scenario k has colour k in every figure.
pub(super) fn line_chart_colored<DB: DrawingBackend>(
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

/// Something whose figures can be drawn on any backend: a run, a comparison, a sweep or a
/// calibration.
pub(super) trait Figures {
    fn render<DB: DrawingBackend>(&self, stem: &str, area: &DrawingArea<DB, Shift>) -> R<()>;
}

/// Draw figures `stems` of `what` into `plots/` as PNG and SVG, each rendered in memory and
/// then written whole; returns the SVG texts (for the report) and the files written.
pub(super) fn draw_figures<F: Figures>(
    what: &F,
    plots: &Path,
    stems: &[String],
) -> R<(Vec<String>, Vec<PathBuf>)> {
    let mut svgs = Vec::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for stem in stems {
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            what.render(stem, &area)?;
            area.present().map_err(draw_err(stem))?;
        }
        let mut pixels = vec![0u8; SIZE.0 as usize * SIZE.1 as usize * 3];
        {
            let area = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
            what.render(stem, &area)?;
            area.present().map_err(draw_err(stem))?;
        }
        files.push((
            format!("{stem}.png"),
            encode_png(&pixels, SIZE).map_err(draw_err(stem))?,
        ));
        files.push((format!("{stem}.svg"), svg.clone().into_bytes()));
        svgs.push(svg);
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    let written = crate::output::write_all_atomic(plots, &refs)?;
    Ok((svgs, written))
}

/// An RGB image as PNG bytes.
fn encode_png(pixels: &[u8], (width, height): (u32, u32)) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Charts are flat colour: the strongest deflate and a filter chosen per row make them a
    // third to a tenth of the default's size (the six figures of a run take 0.6 s in all).
    encoder.set_compression(png::Compression::Best);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(pixels)?;
    writer.finish()?;
    Ok(bytes)
}
