//! `labsim plot`: redraw the figures of an output directory; [`draw`] is also how `run`,
//! `compare` and `sweep merge` draw theirs.

use std::path::{Path, PathBuf};

use labsim::plot::PlotError;

use super::staged;
use crate::Failure;

/// Redraw into a copy of `dir` (hard links) without its figures and report, swapped in whole.
pub fn plot(dir: &Path) -> Result<(), Failure> {
    let tx = staged::begin_from(dir, &labsim::plot::MADE)?;
    let files = draw(tx.dir()).map_err(|f| staged::within(&tx, f))?;
    for f in staged::commit(tx, files)? {
        eprintln!("  wrote {}", f.display());
    }
    Ok(())
}

/// Draw the figures of a run directory; a missing or malformed input is bad usage (exit 2).
pub fn draw(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    labsim::plot::plot_dir(dir).map_err(|e| match e {
        PlotError::Input { .. } => Failure::Usage(e.to_string()),
        other => Failure::Run(anyhow::Error::new(other).context("drawing the figures")),
    })
}
