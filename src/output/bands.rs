//! `bands.csv` (written with more than one replication): per (step, level, key, metric) the
//! mean and the 5-95 % band over replications.

use super::cell;
use super::metrics::Metrics;
use super::row::{csv_row, CsvText};
use super::series::{rows, LevelRow};
use crate::metrics::StepRecord;
use crate::model::Model;

csv_row! {
    /// One line of `bands.csv`.
    pub struct BandsRow {
        /// Step: 0 is the initial state.
        pub step: u32,
        /// The year-month of the step, or empty (as in `series.csv`).
        pub date: String,
        /// Level, as in `series.csv`.
        pub level: String,
        /// Key, as in `series.csv`.
        pub key: String,
        /// A metric: one of the metric columns of `series.csv`.
        pub metric: String,
        /// Mean over the replications in which the metric is defined (the metric's unit);
        /// empty when it is defined in none.
        #[serde(with = "cell::fixed6")]
        pub mean: f64,
        /// 5th percentile over those replications (linear interpolation; the metric's unit).
        #[serde(with = "cell::fixed6")]
        pub p05: f64,
        /// 95th percentile over those replications (the metric's unit).
        #[serde(with = "cell::fixed6")]
        pub p95: f64,
    }
}

/// Mean and the 5th and 95th percentiles (linear interpolation between order statistics) of
/// the finite values; `None` if there is none.
pub fn band(values: &[f64]) -> Option<(f64, f64, f64)> {
    let mut finite: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    finite.sort_by(f64::total_cmp);
    let mean = finite.iter().sum::<f64>() / finite.len() as f64;
    let q = |p: f64| {
        let pos = p * (finite.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        finite[lo] + (finite[hi] - finite[lo]) * (pos - lo as f64)
    };
    Some((mean, q(0.05), q(0.95)))
}

/// `bands.csv` over the replications of `records`.
pub fn bands_csv(model: &Model, records: &[Vec<StepRecord>]) -> String {
    let mut out = CsvText::<BandsRow>::new();
    let steps = records[0].len();
    let mut scratch = Vec::with_capacity(records.len());
    for step in 0..steps {
        let per_rep: Vec<Vec<LevelRow>> = records.iter().map(|s| rows(model, &s[step])).collect();
        let values: Vec<Vec<_>> = per_rep
            .iter()
            .map(|rows| rows.iter().map(|r| r.metrics.values()).collect())
            .collect();
        let date = super::date(model, records[0][step].step);
        for (r, row) in per_rep[0].iter().enumerate() {
            for (k, name) in Metrics::NAMES.iter().enumerate() {
                scratch.clear();
                scratch.extend(values.iter().map(|rows| rows[r][k]));
                let (mean, p05, p95) = band(&scratch).unwrap_or((f64::NAN, f64::NAN, f64::NAN));
                out.push(&BandsRow {
                    step: records[0][step].step,
                    date: date.clone(),
                    level: row.level.to_string(),
                    key: row.key.clone(),
                    metric: name.to_string(),
                    mean,
                    p05,
                    p95,
                });
            }
        }
    }
    out.finish()
}
