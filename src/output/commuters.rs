//! `commuters.csv`: employed persons and hires by (home country, work country), every pair of
//! countries, every step.

use super::cell;
use super::row::{csv_row, CsvText};
use crate::metrics::StepRecord;
use crate::model::Model;

csv_row! {
    /// One line of `commuters.csv`.
    pub struct CommutersRow {
        /// Replication, from 0.
        pub replication: u32,
        /// Step: 0 is the initial state.
        pub step: u32,
        /// The year-month of the step, or empty (as in `series.csv`).
        pub date: String,
        /// Country code of where the workers live.
        pub home_country: String,
        /// Country code of where they work (the same as `home_country` for those who do not
        /// commute across a border).
        pub work_country: String,
        /// Employed persons living in `home_country` and working in `work_country` (persons).
        #[serde(with = "cell::count")]
        pub commuters: f64,
        /// Hires during the step of persons living in `home_country` into jobs in
        /// `work_country` (persons per step).
        #[serde(with = "cell::count")]
        pub hires: f64,
    }
}

/// `commuters.csv` for all replications.
pub fn commuters_csv(model: &Model, records: &[Vec<StepRecord>]) -> String {
    let s = &model.scenario;
    let nc = model.n_countries;
    let ppa = s.persons_per_agent();
    let mut out = CsvText::<CommutersRow>::new();
    for (rep, series) in records.iter().enumerate() {
        for rec in series {
            let date = super::date(model, rec.step);
            for a in 0..nc {
                for b in 0..nc {
                    out.push(&CommutersRow {
                        replication: rep as u32,
                        step: rec.step,
                        date: date.clone(),
                        home_country: s.countries[a].code.clone(),
                        work_country: s.countries[b].code.clone(),
                        commuters: rec.census.commuters[a * nc + b] as f64 * ppa,
                        hires: rec.flows.pair_hires[a * nc + b] as f64 * ppa,
                    });
                }
            }
        }
    }
    out.finish()
}
