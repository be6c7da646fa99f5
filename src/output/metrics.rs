//! The metrics of a level row: the columns of `series.csv` after its (replication, step, date,
//! level, key), the metrics of `bands.csv`, the names plots, sweeps and calibration select.
//!
//! [`Metrics`] is declared from one list below: each entry is a field's doc line (meaning and
//! unit) and its name and unit. **Adding a column is one entry.** The list gives the struct,
//! its column names ([`Metrics::NAMES`], in file order), how each value is written (from its
//! [`Unit`]), how it reads back, and access by name ([`Metrics::get`]).
//!
//! At the total, country and region levels people (stocks and worker flows) are counted where
//! they live, jobs and vacancies where the job is; at the sector level everything is by sector
//! (docs/MODEL.md section 7.14). Stocks are at the end of the step, flows during it (per step of
//! `step_months` months); persons are agents x persons per agent.

use super::cell::Format;
use super::row::{CellError, Cells};

/// What a metric measures, which says how it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Persons, jobs or vacancies (agents x persons per agent): whole numbers as integers,
    /// others with 2 decimals.
    Persons,
    /// A rate or a ratio: 6 decimals.
    Ratio,
    /// Euros: 2 decimals.
    Eur,
}

impl Unit {
    pub fn format(self) -> Format {
        match self {
            Unit::Persons => Format::Count,
            Unit::Ratio => Format::Fixed6,
            Unit::Eur => Format::Fixed2,
        }
    }
}

macro_rules! metrics {
    ($( $(#[doc = $doc:literal])+ $name:ident : $unit:ident, )+) => {
        /// The metrics of one row of `series.csv` (see the module docs). An undefined value is
        /// `NaN`, written as an empty cell.
        #[derive(Clone, Copy, Debug, Default, PartialEq)]
        pub struct Metrics {
            $( $(#[doc = $doc])+ pub $name: f64, )+
        }

        impl Metrics {
            /// Column names, in file order.
            pub const NAMES: [&'static str; COUNT] = [$(stringify!($name)),+];
            /// Units, in the order of [`Metrics::NAMES`].
            pub const UNITS: [Unit; COUNT] = [$(Unit::$unit),+];

            /// The values, in the order of [`Metrics::NAMES`].
            pub fn values(&self) -> [f64; COUNT] {
                [$(self.$name),+]
            }

            /// The value of the metric named `name`, if there is one.
            pub fn get(&self, name: &str) -> Option<f64> {
                match name {
                    $(stringify!($name) => Some(self.$name),)+
                    _ => None,
                }
            }

            /// Read the metrics from the cells of a line, in the order of the names.
            pub fn from_cells(cells: &mut Cells<'_>) -> Result<Metrics, CellError> {
                Ok(Metrics { $( $name: cells.take()?, )+ })
            }
        }

        impl serde::Serialize for Metrics {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                let mut fields = s.serialize_struct("Metrics", COUNT)?;
                $(
                    fields.serialize_field(
                        stringify!($name),
                        &Unit::$unit.format().text(self.$name),
                    )?;
                )+
                fields.end()
            }
        }

        /// Number of metrics.
        pub const COUNT: usize = [$(stringify!($name)),+].len();
    };
}

metrics! {
    /// Employed persons: by home at the total, country and region levels, in the sector at the
    /// sector level (persons).
    employed: Persons,
    /// Filled jobs where the job is (persons); differs from `employed` by the net cross-border
    /// commuters.
    jobs: Persons,
    /// Unemployed persons (persons).
    unemployed: Persons,
    /// Persons in training (persons).
    in_training: Persons,
    /// Open vacancies where the job is, at the end of the step (vacancies).
    vacancies: Persons,
    /// `unemployed / (employed + unemployed)` (share of the labour force, 0 when both are 0).
    unemployment_rate: Ratio,
    /// `vacancies / (vacancies + jobs)` (share, 0 when both are 0).
    vacancy_rate: Ratio,
    /// `vacancies / unemployed` (vacancies per unemployed person; undefined with nobody
    /// unemployed).
    tightness: Ratio,
    /// Hires of unemployed persons during the step (persons per step).
    hires_from_unemployment: Persons,
    /// Employer changes, within a node too, counted where the new job is (persons per step).
    job_to_job: Persons,
    /// The same employer changes counted where the old job was (persons per step).
    job_to_job_out: Persons,
    /// Of `job_to_job`, moves of workers under notice: work to work out of a shrinking
    /// employer (persons per step; with `[employers]`).
    job_to_job_from_notice: Persons,
    /// Moves from a job into unemployment (persons per step).
    separations: Persons,
    /// Of `separations`, economic dismissals: the end of a notice, or a job without notice
    /// ended because its employer's demand fell (persons per step; with `[employers]`).
    dismissals: Persons,
    /// Notices of dismissal given during the step (persons per step; with `[employers]`).
    notices: Persons,
    /// Employed persons under notice of dismissal at the end of the step: the workers at risk
    /// (persons; with `[employers]`).
    under_notice: Persons,
    /// Hires into a sector other than the worker's last (persons per step).
    cross_sector_moves: Persons,
    /// Hires into a job in another country than the worker's home (persons per step).
    cross_border_hires: Persons,
    /// Unemployed persons under 27 (persons).
    unemployed_under_27: Persons,
    /// Unemployed persons aged 27-49 (persons).
    unemployed_27_49: Persons,
    /// Unemployed persons aged 50 and over (persons).
    unemployed_50_plus: Persons,
    /// Persons outside the labour force in the population (with `[population]`: the retired,
    /// the school leavers still to enter, and those who left unemployment without a job)
    /// (persons).
    inactive: Persons,
    /// Unemployed who stopped searching and left the labour force (persons per step; with
    /// `[population]`).
    unemployed_to_inactive: Persons,
    /// Persons who left unemployment without a job and come back to it (persons per step;
    /// with `[population]`).
    inactive_to_unemployed: Persons,
    /// Retirements out of the labour force (persons per step; with `[population]`).
    retirements: Persons,
    /// School leavers entering the labour force, unemployed (persons per step; with
    /// `[population]`).
    entries: Persons,
    /// Unemployed persons whose spell has reached `mechanics.long_term_months` (12 by default)
    /// (persons).
    long_term_unemployed: Persons,
    /// Vacancies opened during the step, where the job is (vacancies per step).
    vacancies_opened: Persons,
    /// Vacancies that expired unfilled during the step, or (with `[employers]`) were closed
    /// because demand fell (vacancies per step).
    vacancies_expired: Persons,
    /// Vacancies filled during the step (vacancies per step; hires from unemployment plus
    /// job-to-job moves).
    vacancies_filled: Persons,
    /// Gross job creation: the sum over employers of the rise in their demand during the step,
    /// where the job is (jobs per step; with `[employers]`).
    job_creation: Persons,
    /// Gross job destruction: the sum over employers of the fall in their demand (jobs per
    /// step; with `[employers]`).
    job_destruction: Persons,
    /// Training courses started (persons per step).
    training_starts: Persons,
    /// Of `training_starts`, those started by employed workers (persons per step).
    training_starts_employed: Persons,
    /// Training courses completed (persons per step).
    training_completions: Persons,
    /// Part-time courses started beside work by workers who keep their work (learning while
    /// working; persons per step).
    learning_starts: Persons,
    /// Part-time courses completed (persons per step).
    learning_completions: Persons,
    /// Of `hires_from_unemployment`, hires of workers who have completed a course, full- or
    /// part-time (persons per step).
    retrained_hires: Persons,
    /// Of `retrained_hires`, hires into the sector of the worker's last course: the retrained
    /// who find work in what they trained for (persons per step).
    retrained_hires_in_course_sector: Persons,
    /// Unemployed at the start of the step in months 1-6 of their time without work (since the
    /// last job or entry, to the end of the step; counted where they last worked; persons).
    unemployed_in_months_1_6: Persons,
    /// Unemployed at the start of the step in months 7-12 of their time without work (persons).
    unemployed_in_months_7_12: Persons,
    /// Attached inactive (out of the labour force, coming back to it) at the start of the step
    /// in months 1-6 of their time without work, which runs on while they are out (persons).
    attached_inactive_in_months_1_6: Persons,
    /// Attached inactive at the start of the step in months 7-12 of their time without work
    /// (persons).
    attached_inactive_in_months_7_12: Persons,
    /// Of `hires_from_unemployment`, hires of the unemployed in months 1-6 of their time without
    /// work, counted where they last worked: over `unemployed_in_months_1_6`, the job-finding
    /// rate of the searching early in a spell; over it plus `attached_inactive_in_months_1_6`,
    /// that of everyone without work since then (persons per step).
    hires_in_months_1_6: Persons,
    /// Hires of the unemployed in months 7-12 of their time without work (persons per step).
    hires_in_months_7_12: Persons,
    /// Diploma recognition procedures started (persons per step).
    recognition_starts: Persons,
    /// Diploma recognitions granted (persons per step).
    recognitions: Persons,
    /// Employed residents working in another country (persons; at the sector level the same
    /// as `cross_border_commuters_in`).
    cross_border_commuters_out: Persons,
    /// Jobs here held by residents of another country (persons).
    cross_border_commuters_in: Persons,
    /// Target labour demand during the step, where the job is (jobs).
    demand: Persons,
    /// Cost of the training courses started (EUR per step).
    training_cost: Eur,
    /// Of `training_cost`, paid by the public employment service (EUR per step).
    training_cost_public: Eur,
    /// Of `training_cost`, paid by sector training funds (EUR per step).
    training_cost_funds: Eur,
    /// Of `training_cost`, paid privately by the workers (EUR per step).
    training_cost_private: Eur,
    /// Of `training_cost`, paid by policies (EUR per step).
    training_cost_policy: Eur,
    /// Fees of the diploma recognitions started (EUR per step).
    recognition_fees: Eur,
    /// Unemployment benefits: unemployed x `benefits.cost_per_unemployed_month` x months per
    /// step (EUR per step).
    benefit_spending: Eur,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_values_and_get_agree() {
        let m = Metrics {
            tightness: 0.5,
            benefit_spending: 7.0,
            ..Metrics::default()
        };
        let values = m.values();
        for (k, name) in Metrics::NAMES.iter().enumerate() {
            assert_eq!(m.get(name), Some(values[k]), "{name}");
        }
        assert_eq!(Metrics::NAMES[7], "tightness");
        assert_eq!(values[7], 0.5);
        assert_eq!(m.get("no_such_metric"), None);
        assert_eq!(Metrics::UNITS[COUNT - 1], Unit::Eur);
    }
}
