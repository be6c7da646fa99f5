//! Figures drawn from output files (never from the live world), as PNG and SVG in `plots/`,
//! and a report page. Text uses DejaVu Sans compiled into the binary, so figures render the
//! same on a machine without fonts. By noun:
//!
//! - `input.rs`: what a run's figures are drawn from, read through the output readers;
//! - `chart.rs`: chart primitives (line chart with bands, Beveridge curve) and drawing a set of
//!   figures to files;
//! - `run.rs`, `comparison.rs`, `sweep.rs`, `calibration.rs`: the figures of each;
//! - `map.rs`: regions as markers at their centroids, for a run on a national map;
//! - `report.rs`: the self-contained `report.html` of a run, comparison or sweep;
//! - `brief.rs`: the brief at the top of a comparison's report, with its effect curves.
//!
//! `labsim plot DIR` redraws whatever DIR holds from its files ([`plot_dir`]).

use std::path::{Path, PathBuf};

mod brief;
mod calibration;
mod chart;
mod comparison;
mod input;
mod map;
mod report;
mod run;
mod sweep;

pub use calibration::plot_calibration;
pub use comparison::{plot_comparison, COMPARED};
pub use input::PLOTTED;
pub use run::{plot_run, FIGURES, MAP};
pub use sweep::plot_sweep;

/// What drawing makes in a directory: the figures and the report; all else is input.
pub const MADE: [&str; 2] = ["plots", "report.html"];

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

/// An output file that cannot be read as labsim writes it is a bad input (exit 2).
impl From<crate::output::ReadError> for PlotError {
    fn from(e: crate::output::ReadError) -> PlotError {
        PlotError::Input {
            path: e.path,
            message: e.problem.to_string(),
        }
    }
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
