//! Comparing scenarios against a baseline with common random numbers: every scenario runs with
//! the baseline's seed, scale, replications and length, and each replication of a scenario is
//! set against the same replication of the baseline, so that differences are policy, not noise.
//!
//! The summary reports, per scenario, the mean over replications and a 90 % interval (5th to
//! 95th percentile of the per-replication differences) of: the change in unemployment
//! person-months, in employment person-months, in work-to-work moves, in cross-sector moves,
//! and in cross-border jobs (mean over the run); policy spending; benefit spending saved; and
//! the net cost (policy spending minus benefits saved) per unemployment person-month avoided.

use std::fmt::Write as _;

use crate::metrics::{flow, home, StepRecord};
use crate::model::Model;
use crate::output::{band, cell, csv_row, CsvText};

/// The measures of one replication of one scenario, in persons, person-months and EUR.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Totals {
    pub unemployment_months: f64,
    pub employment_months: f64,
    pub job_to_job: f64,
    pub cross_sector: f64,
    pub cross_border_jobs: f64,
    pub policy_spending: f64,
    pub benefit_spending: f64,
}

impl Totals {
    /// Sum a replication's records (step 0, the initial state, is left out).
    pub fn of(model: &Model, series: &[StepRecord]) -> Totals {
        let s = &model.scenario;
        let ppa = s.persons_per_agent();
        let months = f64::from(s.simulation.step_months);
        let nc = model.n_countries;
        let mut t = Totals::default();
        let steps = series.len().saturating_sub(1).max(1) as f64;
        for rec in series.iter().skip(1) {
            let by = |k: usize| rec.census.by_home.iter().map(|h| h[k]).sum::<u64>() as f64 * ppa;
            let flows = |k: usize| rec.flows.by_home.iter().map(|h| h[k]).sum::<u64>() as f64 * ppa;
            let unemployed = by(home::UNEMPLOYED);
            t.unemployment_months += unemployed * months;
            t.employment_months += by(home::EMPLOYED) * months;
            t.job_to_job += flows(flow::JOB_TO_JOB);
            t.cross_sector += flows(flow::CROSS_SECTOR);
            let cross: u64 = (0..nc * nc)
                .filter(|i| i / nc != i % nc)
                .map(|i| rec.census.commuters[i])
                .sum();
            t.cross_border_jobs += cross as f64 * ppa / steps;
            t.policy_spending += rec.policy.total_spending();
            t.benefit_spending += unemployed * s.benefit_per_month * months;
        }
        t
    }
}

/// The measures reported, in order: name, unit, and how to compute it from (scenario,
/// baseline) totals of one replication (`None` where it is undefined).
type Measure = (
    &'static str,
    &'static str,
    fn(&Totals, &Totals) -> Option<f64>,
);

pub const MEASURES: [Measure; 9] = [
    (
        "unemployment_person_months",
        "change, person-months",
        |s, b| Some(s.unemployment_months - b.unemployment_months),
    ),
    (
        "employment_person_months",
        "change, person-months",
        |s, b| Some(s.employment_months - b.employment_months),
    ),
    ("work_to_work_moves", "change, moves", |s, b| {
        Some(s.job_to_job - b.job_to_job)
    }),
    ("cross_sector_moves", "change, moves", |s, b| {
        Some(s.cross_sector - b.cross_sector)
    }),
    (
        "cross_border_jobs",
        "change, jobs (mean over the run)",
        |s, b| Some(s.cross_border_jobs - b.cross_border_jobs),
    ),
    ("policy_spending", "EUR", |s, b| {
        Some(s.policy_spending - b.policy_spending)
    }),
    ("benefit_spending_saved", "EUR", |s, b| {
        Some(b.benefit_spending - s.benefit_spending)
    }),
    (
        "net_cost_per_unemployment_month_avoided",
        "EUR per person-month",
        |s, b| {
            let avoided = b.unemployment_months - s.unemployment_months;
            let net =
                (s.policy_spending - b.policy_spending) - (b.benefit_spending - s.benefit_spending);
            (avoided > 0.0).then(|| net / avoided)
        },
    ),
    (
        "policy_cost_per_extra_job_year",
        "EUR per job-year",
        |s, b| {
            let extra_years = (s.employment_months - b.employment_months) / 12.0;
            (extra_years > 0.0).then(|| (s.policy_spending - b.policy_spending) / extra_years)
        },
    ),
];

/// One line of the summary: a scenario's measure over replications.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    pub scenario: String,
    pub measure: &'static str,
    pub unit: &'static str,
    pub mean: Option<f64>,
    pub p05: Option<f64>,
    pub p95: Option<f64>,
    /// Replications in which the measure is defined.
    pub defined: usize,
}

/// Summarise every scenario (`totals[scenario][replication]`) against the baseline's.
pub fn summarise(names: &[String], baseline: &[Totals], totals: &[Vec<Totals>]) -> Vec<SummaryRow> {
    let mut rows = Vec::new();
    for (name, reps) in names.iter().zip(totals) {
        for (measure, unit, f) in MEASURES {
            let values: Vec<f64> = reps
                .iter()
                .zip(baseline)
                .filter_map(|(s, b)| f(s, b))
                .collect();
            let defined = values.len();
            let stats = band(&values);
            rows.push(SummaryRow {
                scenario: name.clone(),
                measure,
                unit,
                mean: stats.map(|x| x.0),
                p05: stats.map(|x| x.1),
                p95: stats.map(|x| x.2),
                defined,
            });
        }
    }
    rows
}

csv_row! {
    /// One line of a comparison's `summary.csv`: a scenario's measure against the baseline.
    pub struct SummaryCsvRow {
        /// The scenario's name.
        pub scenario: String,
        /// The measure: a name of [`MEASURES`].
        pub measure: String,
        /// The measure's unit, e.g. `change, person-months` or `EUR`.
        pub unit: String,
        /// Mean over the replications in which the measure is defined (its unit); empty when
        /// it is defined in none.
        #[serde(with = "cell::fixed2")]
        pub mean: f64,
        /// 5th percentile of the per-replication values (its unit).
        #[serde(with = "cell::fixed2")]
        pub p05: f64,
        /// 95th percentile of the per-replication values (its unit).
        #[serde(with = "cell::fixed2")]
        pub p95: f64,
        /// Replications in which the measure is defined.
        pub replications_defined: usize,
        /// Replications run.
        pub replications: usize,
    }
}

/// `summary.csv`: one row per (scenario, measure).
pub fn summary_csv(rows: &[SummaryRow], replications: usize) -> String {
    let mut out = CsvText::<SummaryCsvRow>::new();
    for r in rows {
        out.push(&SummaryCsvRow {
            scenario: r.scenario.clone(),
            measure: r.measure.to_string(),
            unit: r.unit.to_string(),
            mean: r.mean.unwrap_or(f64::NAN),
            p05: r.p05.unwrap_or(f64::NAN),
            p95: r.p95.unwrap_or(f64::NAN),
            replications_defined: r.defined,
            replications,
        });
    }
    out.finish()
}

/// `summary.md`: the same table for people, one row per scenario, a column per measure, each
/// cell the mean with its 90 % interval.
pub fn summary_markdown(
    baseline: &str,
    rows: &[SummaryRow],
    replications: usize,
    seed: u64,
) -> String {
    let group = |x: f64| {
        let s = format!("{:.0}", x.abs());
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        if x < 0.0 && out != "0" {
            format!("-{out}")
        } else {
            out
        }
    };
    let cell = |r: &SummaryRow| match (r.mean, r.p05, r.p95) {
        (Some(m), Some(lo), Some(hi)) if lo != hi => {
            format!("{} ({} to {})", group(m), group(lo), group(hi))
        }
        (Some(m), _, _) => group(m),
        _ => "n/a".to_string(),
    };
    let mut out = format!(
        "# Scenarios against `{baseline}`\n\nEvery scenario ran with the baseline's seed ({seed}), scale and length, {replications} \
         replication(s) each, with common random numbers; each cell is the mean over replications of the \
         difference from the baseline, with the 5th to 95th percentile of those differences in brackets. \
         Counts are persons, money EUR. n/a: undefined (e.g. no unemployment avoided).\n\n"
    );
    let names: Vec<&str> = {
        let mut v: Vec<&str> = Vec::new();
        for r in rows {
            if !v.contains(&r.scenario.as_str()) {
                v.push(&r.scenario);
            }
        }
        v
    };
    out.push_str("| scenario |");
    for (m, unit, _) in MEASURES {
        let _ = write!(out, " {} ({unit}) |", m.replace('_', " "));
    }
    out.push_str("\n|---|");
    for _ in MEASURES {
        out.push_str("---|");
    }
    out.push('\n');
    for name in names {
        let _ = write!(out, "| {name} |");
        for r in rows.iter().filter(|r| r.scenario == name) {
            let _ = write!(out, " {} |", cell(r));
        }
        out.push('\n');
    }
    out
}
