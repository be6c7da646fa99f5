//! `policies.csv` (written when the scenario has policies): per (replication, step, policy)
//! what the policy did in the step.

use super::cell;
use super::row::{csv_row, CsvText};
use crate::metrics::policy_flow as col;
use crate::metrics::StepRecord;
use crate::model::Model;

csv_row! {
    /// One line of `policies.csv`.
    pub struct PoliciesRow {
        /// Replication, from 0.
        pub replication: u32,
        /// Step: 0 is the initial state.
        pub step: u32,
        /// The year-month of the step, or empty (as in `series.csv`).
        pub date: String,
        /// The policy's `name`.
        pub policy: String,
        /// The policy's `kind`, e.g. `training_subsidy`.
        pub kind: String,
        /// Persons who started taking part during the step (persons per step).
        #[serde(with = "cell::count")]
        pub participants_new: f64,
        /// Persons taking part at the end of the step (persons).
        #[serde(with = "cell::count")]
        pub participants: f64,
        /// Participants placed in a job during the step (persons per step).
        #[serde(with = "cell::count")]
        pub placements: f64,
        /// What the policy spent during the step (EUR per step).
        #[serde(with = "cell::fixed2")]
        pub spending: f64,
        /// Enrolments refused during the step because the budget caps had no room for the
        /// participant's cost, placement fee and course reserve (persons per step; a worker
        /// held back by pacing or a full caseload is not refused).
        #[serde(with = "cell::count")]
        pub refused_enrolments: f64,
        /// Placements of participants who were unemployed (persons per step).
        #[serde(with = "cell::count")]
        pub placements_from_unemployment: f64,
        /// Placements of participants whose job was at risk: under notice with `[employers]`,
        /// else at a node whose demand is below its employment (persons per step).
        #[serde(with = "cell::count")]
        pub placements_from_notice: f64,
        /// Placements of employed participants whose job was not at risk (persons per step).
        #[serde(with = "cell::count")]
        pub placements_from_job: f64,
        /// Placements in a job in another country than the participant's home (persons per
        /// step; part of the three above).
        #[serde(with = "cell::count")]
        pub placements_across_border: f64,
        /// Participations ended unplaced at the policy's `max_months` (persons per step).
        #[serde(with = "cell::count")]
        pub ended_at_maximum: f64,
        /// Other spends the budget caps refused during the step: courses, recognition fees and
        /// the per-person costs of workers reached without enrolment (persons per step), and a
        /// running cost (one agent).
        #[serde(with = "cell::count")]
        pub refused_spends: f64,
    }
}

/// `policies.csv` for all replications.
pub fn policies_csv(model: &Model, records: &[Vec<StepRecord>]) -> String {
    let s = &model.scenario;
    let ppa = s.persons_per_agent();
    let mut out = CsvText::<PoliciesRow>::new();
    for (rep, series) in records.iter().enumerate() {
        for rec in series {
            let date = super::date(model, rec.step);
            for (p, policy) in s.policies.iter().enumerate() {
                // Counts are in agents, spending in EUR.
                let f = &rec.policy.by_policy[p];
                out.push(&PoliciesRow {
                    replication: rep as u32,
                    step: rec.step,
                    date: date.clone(),
                    policy: policy.name.clone(),
                    kind: policy.kind.name().to_string(),
                    participants_new: f[col::NEW_PARTICIPANTS] * ppa,
                    participants: f[col::PARTICIPANTS] * ppa,
                    placements: f[col::PLACEMENTS] * ppa,
                    spending: f[col::SPENDING],
                    refused_enrolments: f[col::REFUSED_ENROLMENTS] * ppa,
                    placements_from_unemployment: f[col::PLACED_FROM_UNEMPLOYMENT] * ppa,
                    placements_from_notice: f[col::PLACED_FROM_NOTICE] * ppa,
                    placements_from_job: f[col::PLACED_FROM_JOB] * ppa,
                    placements_across_border: f[col::PLACED_ACROSS_BORDER] * ppa,
                    ended_at_maximum: f[col::ENDED_AT_MAXIMUM] * ppa,
                    refused_spends: f[col::REFUSED_SPENDS] * ppa,
                });
            }
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::CsvRow;

    #[test]
    fn the_flow_columns_are_those_the_policy_book_keeps() {
        let columns = PoliciesRow::columns();
        assert_eq!(columns[columns.len() - col::N..], col::NAMES);
    }
}
