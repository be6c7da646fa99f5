//! What a run's figures are drawn from, read from its files through the output readers
//! (`crate::output`): the mean over replications of each plotted series, its 5-95 % band when
//! `bands.csv` is there, the commuters and policies of replication 0, and the manifest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::chart::Line;
use super::{PlotError, R};
use crate::output::{read, BandsRow, CommutersRow, PoliciesRow, Reader, RegionsRow, SeriesRow};

/// (level, key, metric) of a series.
type SeriesKey = (String, String, String);
/// Sum and count of a metric per step, over replications.
type Sums = BTreeMap<u32, (f64, u32)>;
/// The 5-95 % band per step: (step, p05, p95).
type Band = Vec<(f64, f64, f64)>;

/// Metrics of `series.csv` that the run's figures draw.
pub const PLOTTED: [&str; 13] = [
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
    "jobs",
    "cross_border_commuters_in",
    "cross_border_commuters_out",
];

/// The series of a run, read from `series.csv` (and `bands.csv` when present): for each
/// (level, key, metric) the mean over replications per step.
pub struct Run {
    pub dir: PathBuf,
    /// Year-month of each step, when the scenario has a start.
    pub dates: BTreeMap<u32, String>,
    values: BTreeMap<SeriesKey, Sums>,
    bands: BTreeMap<SeriesKey, Band>,
    /// Keys of each level, in the order of the file.
    pub keys: BTreeMap<String, Vec<String>>,
    pub policies: Option<Vec<PoliciesRow>>,
    pub commuters: Option<Vec<CommutersRow>>,
    /// Where each region lies, on a national map (`regions.csv`).
    pub regions: Option<Vec<RegionsRow>>,
    pub manifest: Option<serde_json::Value>,
}

impl Run {
    pub fn read(dir: &Path) -> R<Run> {
        let series_path = dir.join("series.csv");
        if !series_path.exists() {
            return Err(PlotError::Input {
                path: dir.to_path_buf(),
                message: "no series.csv here: not the output directory of a run".into(),
            });
        }
        let mut values: BTreeMap<SeriesKey, Sums> = BTreeMap::new();
        let mut dates = BTreeMap::new();
        let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut series = Reader::<SeriesRow>::open(&series_path)?;
        while let Some(row) = series.next_row()? {
            let id = row.id;
            if !id.date.is_empty() {
                dates.insert(id.step, id.date);
            }
            let known = keys.entry(id.level.clone()).or_default();
            if !known.contains(&id.key) {
                known.push(id.key.clone());
            }
            for metric in PLOTTED {
                let x = row.metrics.get(metric).unwrap_or(f64::NAN);
                // An undefined value (an empty cell) is left out of the mean.
                if x.is_nan() {
                    continue;
                }
                let e = values
                    .entry((id.level.clone(), id.key.clone(), metric.to_string()))
                    .or_default()
                    .entry(id.step)
                    .or_insert((0.0, 0));
                e.0 += x;
                e.1 += 1;
            }
        }
        let mut bands: BTreeMap<SeriesKey, Band> = BTreeMap::new();
        let bands_path = dir.join("bands.csv");
        if bands_path.exists() {
            for row in read::<BandsRow>(&bands_path)? {
                if row.p05.is_nan() || row.p95.is_nan() {
                    continue;
                }
                bands
                    .entry((row.level, row.key, row.metric))
                    .or_default()
                    .push((f64::from(row.step), row.p05, row.p95));
            }
        }
        let policies = dir.join("policies.csv");
        let commuters = dir.join("commuters.csv");
        let regions = dir.join("regions.csv");
        let manifest = std::fs::read(dir.join("manifest.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        Ok(Run {
            dir: dir.to_path_buf(),
            dates,
            values,
            bands,
            keys,
            policies: policies.exists().then(|| read(&policies)).transpose()?,
            commuters: commuters.exists().then(|| read(&commuters)).transpose()?,
            regions: regions.exists().then(|| read(&regions)).transpose()?,
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

    /// The mean of a metric at (level, key) over the steps after the initial state.
    pub fn mean(&self, level: &str, key: &str, metric: &str) -> f64 {
        let line = self.line(level, key, metric, "");
        let after: Vec<f64> = line
            .points
            .iter()
            .filter(|p| p.0 >= 1.0)
            .map(|p| p.1)
            .collect();
        after.iter().sum::<f64>() / after.len() as f64
    }

    /// The scenario's name, or the directory's.
    pub fn title(&self) -> String {
        self.manifest
            .as_ref()
            .and_then(|m| m["scenario"].as_str().map(str::to_string))
            .unwrap_or_else(|| self.dir.display().to_string())
    }
}
