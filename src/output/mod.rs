//! The run's files, written through typed rows and read back through the same types:
//!
//! - `series.csv` ([`SeriesRow`]: which row, then the [`Metrics`]), `commuters.csv`
//!   ([`CommutersRow`]), `policies.csv` ([`PoliciesRow`]), `bands.csv` ([`BandsRow`]),
//!   `regions.csv` ([`RegionsRow`], on a map) and `manifest.json` ([`Manifest`]), one file
//!   each here;
//! - `metrics.rs`: the one list of the metric columns; `cell.rs`: how a number is written and
//!   read; `row.rs`: the row trait, its declaring macro and the writer; `read.rs`: the readers.
//!
//! A run's files are written through temporary files and renamed into place only once all of
//! them are complete, so a failed run never leaves earlier output half-overwritten. Counts are
//! in persons (agents x persons per agent), money in EUR.
//!
//! **Adding a column** to `series.csv` (and a metric to `bands.csv`, plots and sweeps) is one
//! entry in the list of `metrics.rs`, its doc line saying meaning and unit; to another file,
//! one field with its doc line in that file's row type.

mod bands;
pub mod cell;
mod commuters;
mod manifest;
mod metrics;
mod policies;
mod read;
mod regions;
mod row;
mod series;
pub mod transaction;

use std::path::{Path, PathBuf};

use crate::error::RunError;
use crate::model::Model;
use crate::run::RunResult;

pub use bands::{band, bands_csv, BandsRow};
pub use commuters::{commuters_csv, CommutersRow};
pub use manifest::{peak_rss_bytes, Manifest};
pub use metrics::{Metrics, Unit};
pub use policies::{policies_csv, PoliciesRow};
pub use read::{read, Problem, ReadError, Reader, Table};
pub use regions::{regions_csv, RegionsRow};
pub(crate) use row::csv_row;
pub use row::{csv_text, CellError, Cells, CsvRow, CsvText, FromCell};
pub use series::{country_sector_key, rows, series_csv, LevelRow, SeriesId, SeriesRow};
pub use transaction::{Transaction, TransactionError};

/// The month a step covers: step 1 is the scenario's start month; step 0, the initial state,
/// is dated to the month before it.
pub fn date(model: &Model, step: u32) -> String {
    let sim = &model.scenario.simulation;
    sim.start
        .map(|d| {
            d.plus((i64::from(step) - 1) * i64::from(sim.step_months))
                .to_string()
        })
        .unwrap_or_default()
}

/// `x` rounded to `digits` significant digits, so that printed values are short and the same on
/// every machine (`0.1 + 2 * 0.1` becomes `0.3`).
pub fn round_sig(x: f64, digits: usize) -> f64 {
    if !x.is_finite() || digits == 0 {
        return x;
    }
    format!("{x:.*e}", digits - 1).parse().unwrap_or(x)
}

/// A thread count where 0 means every core.
pub fn threads_or_all(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
}

/// Write every file of a run into `dir`: first all to temporary names, then renamed into place.
/// On failure nothing in `dir` is replaced. A stale `bands.csv`, `policies.csv` or
/// `regions.csv` of an earlier run is removed once the new files are in place.
pub fn write_run(dir: &Path, model: &Model, result: &RunResult) -> Result<Vec<PathBuf>, RunError> {
    let mut files: Vec<(&'static str, String)> = vec![
        ("series.csv", series_csv(model, &result.records)),
        ("commuters.csv", commuters_csv(model, &result.records)),
    ];
    if result.records.len() > 1 {
        files.push(("bands.csv", bands_csv(model, &result.records)));
    }
    if !model.scenario.policies.is_empty() {
        files.push(("policies.csv", policies_csv(model, &result.records)));
    }
    if let Some(regions) = regions_csv(model) {
        files.push(("regions.csv", regions));
    }
    let mut names: Vec<&'static str> = files.iter().map(|f| f.0).collect();
    names.push("manifest.json");
    let manifest = Manifest::new(model, result, names);
    let json = serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n";
    files.push(("manifest.json", json));
    let written = write_all_atomic(dir, &files)?;
    // Optional files an earlier run left that this run did not write would be read as its own.
    for optional in ["bands.csv", "policies.csv", "regions.csv"] {
        let stale = dir.join(optional);
        if !files.iter().any(|f| f.0 == optional) && stale.exists() {
            let _ = std::fs::remove_file(stale);
        }
    }
    Ok(written)
}

/// Write `files` (name, contents) into `dir` via temporary files and renames.
pub fn write_all_atomic<C: AsRef<[u8]>>(
    dir: &Path,
    files: &[(&str, C)],
) -> Result<Vec<PathBuf>, RunError> {
    let fail = |path: &Path, error| RunError::Write {
        path: path.to_path_buf(),
        error,
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    let pid = std::process::id();
    let mut temps = Vec::new();
    for (name, contents) in files {
        let tmp = dir.join(format!(".{name}.tmp-{pid}"));
        if let Err(e) = std::fs::write(&tmp, contents.as_ref()) {
            for t in &temps {
                let _ = std::fs::remove_file(t);
            }
            let _ = std::fs::remove_file(&tmp);
            // Named as the file it was to become: the temporary name means nothing to a user.
            return Err(fail(&dir.join(name), e));
        }
        temps.push(tmp);
    }
    let mut out = Vec::new();
    for ((name, _), tmp) in files.iter().zip(&temps) {
        let target = dir.join(name);
        std::fs::rename(tmp, &target).map_err(|e| fail(&target, e))?;
        out.push(target);
    }
    Ok(out)
}
