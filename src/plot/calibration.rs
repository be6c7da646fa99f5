//! Figures of a calibration, drawn from `fit.csv` and `history.csv`: every target's simulated
//! moment against its target in units of its tolerance (`fit`), and the objective over the
//! search's evaluations with the best so far (`objective`).

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{draw_err, draw_figures, register_font, Figures, FONT, PALETTE};
use super::R;
use crate::calibrate::FitCsvRow;
use crate::output::{read, Table};

struct Calibration {
    /// (label, fitted, z of mean, z of p05, z of p95): z = (simulated - target) / tolerance.
    fit: Vec<(String, bool, f64, f64, f64)>,
    /// (evaluation, objective).
    history: Vec<(f64, f64)>,
}

impl Calibration {
    fn read(dir: &Path) -> R<Calibration> {
        let fit = read::<FitCsvRow>(&dir.join("fit.csv"))?
            .into_iter()
            .map(|row| {
                let z = |x: f64| (x - row.target_value) / row.tolerance;
                let label = if row.level == "total" {
                    row.metric.clone()
                } else {
                    format!("{} {}", row.metric, row.key)
                };
                (
                    label,
                    row.fitted,
                    z(row.simulated_mean),
                    z(row.p05),
                    z(row.p95),
                )
            })
            .collect();
        let mut history = Vec::new();
        let h = dir.join("history.csv");
        if h.exists() {
            let t = Table::read(&h)?;
            let (e, o) = (t.column("evaluation")?, t.column("objective")?);
            for i in 0..t.rows.len() {
                history.push((t.number(i, e)?, t.number(i, o)?));
            }
        }
        Ok(Calibration { fit, history })
    }

    fn draw_fit<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let n = self.fit.len();
        let reach = self
            .fit
            .iter()
            .flat_map(|f| [f.2, f.3, f.4])
            .filter(|z| z.is_finite())
            .fold(1.5f64, |m, z| m.max(z.abs() * 1.1));
        let labels: Vec<String> = self.fit.iter().map(|f| f.0.clone()).collect();
        let mut chart = ChartBuilder::on(area)
            .caption(
                "Simulated against target, in tolerances (mean and 5-95 % band; grey: out of sample)",
                (FONT, 20),
            )
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(300)
            .build_cartesian_2d(-reach..reach, -0.5..(n as f64 - 0.5))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("(simulated - target) / tolerance")
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 14))
            .y_labels(n.max(1))
            .y_label_formatter(&|y| {
                let i = y.round();
                if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
                    labels[labels.len() - 1 - i as usize].clone()
                } else {
                    String::new()
                }
            })
            .draw()?;
        let y0 = -0.5;
        let y1 = n as f64 - 0.5;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(-1.0, y0), (1.0, y1)],
            PALETTE[2].mix(0.12).filled(),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, y0), (0.0, y1)],
            BLACK.stroke_width(1),
        )))?;
        for (i, (_, fitted, z, lo, hi)) in self.fit.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let color = if *fitted {
                if z.abs() <= 1.0 {
                    PALETTE[0]
                } else {
                    PALETTE[1]
                }
            } else {
                PALETTE[7]
            };
            if lo.is_finite() && hi.is_finite() {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(lo.clamp(-reach, reach), y), (hi.clamp(-reach, reach), y)],
                    color.stroke_width(2),
                )))?;
            }
            if z.is_finite() {
                chart.draw_series(std::iter::once(Circle::new(
                    (z.clamp(-reach, reach), y),
                    5,
                    color.filled(),
                )))?;
            }
        }
        Ok(())
    }

    fn draw_objective<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let pts: Vec<(f64, f64)> = self
            .history
            .iter()
            .copied()
            .filter(|(_, o)| o.is_finite() && *o > 0.0)
            .collect();
        let mut best = f64::INFINITY;
        let best_line: Vec<(f64, f64)> = pts
            .iter()
            .map(|&(e, o)| {
                best = best.min(o);
                (e, best)
            })
            .collect();
        let (ymin, ymax) = pts.iter().fold((f64::INFINITY, 0.0f64), |(a, b), p| {
            (a.min(p.1), b.max(p.1))
        });
        let (ymin, ymax) = if ymin.is_finite() {
            (ymin * 0.8, ymax.max(ymin * 1.01) * 1.25)
        } else {
            (0.1, 10.0)
        };
        let xmax = pts.last().map_or(1.0, |p| p.0).max(1.0);
        let mut chart = ChartBuilder::on(area)
            .caption("Objective over the search's evaluations", (FONT, 22))
            .margin(14)
            .x_label_area_size(45)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..xmax + 1.0, (ymin..ymax).log_scale())?;
        chart
            .configure_mesh()
            .x_desc("evaluation")
            .y_desc("objective (weighted squared tolerances, log scale)")
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| {
                if *y >= 10.0 {
                    format!("{y:.0}")
                } else {
                    format!("{y:.2}")
                }
            })
            .draw()?;
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 3, PALETTE[0].filled())))?
            .label("evaluation")
            .legend(|(x, y)| Circle::new((x + 10, y), 3, PALETTE[0].filled()));
        chart
            .draw_series(LineSeries::new(best_line, PALETTE[1].stroke_width(2)))?
            .label("best so far")
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], PALETTE[1].stroke_width(2))
            });
        chart
            .configure_series_labels()
            .label_font((FONT, 14))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
        Ok(())
    }
}

impl Figures for Calibration {
    fn render<DB: DrawingBackend>(&self, stem: &str, area: &DrawingArea<DB, Shift>) -> R<()> {
        let err = draw_err(stem);
        area.fill(&WHITE).map_err(&err)?;
        match stem {
            "fit" => self.draw_fit(area).map_err(&err),
            _ => self.draw_objective(area).map_err(&err),
        }
    }
}

/// Draw `plots/fit` (and `plots/objective` when `history.csv` exists) of a calibration
/// directory.
pub fn plot_calibration(dir: &Path) -> R<Vec<PathBuf>> {
    register_font();
    let cal = Calibration::read(dir)?;
    let mut stems = vec!["fit".to_string()];
    if !cal.history.is_empty() {
        stems.push("objective".to_string());
    }
    let (_, written) = draw_figures(&cal, &dir.join("plots"), &stems)?;
    Ok(written)
}
