//! Comparing scenarios against a baseline with common random numbers: every scenario runs with
//! the baseline's seed, scale, replications and length, and each replication of a scenario is
//! set against the same replication of the baseline, so that differences are policy, not noise.
//!
//! [`Comparison::load`] builds the baseline (with the command line's overrides) and every other
//! scenario with the baseline's settings as overrides, so each is validated as it will run;
//! [`Summary`] gathers the runs' totals and writes `summary.csv` and `summary.md`. Running the
//! scenarios and drawing figures is the caller's (the `compare` command's).
//!
//! The summary reports, per scenario, the mean over replications and a 90 % interval (5th to
//! 95th percentile of the per-replication differences) of: the change in unemployment
//! person-months, in employment person-months, in work-to-work moves, in cross-sector moves,
//! and in cross-border jobs (mean over the run); policy spending; benefit spending saved; and
//! the net cost (policy spending minus benefits saved) per unemployment person-month avoided.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{RunError, ScenarioError};
use crate::evaluate::{evaluate, Evaluation, GroupEffect, HORIZON_MONTHS};
use crate::metrics::{flow, home, StepRecord};
use crate::model::Model;
use crate::output::{band, cell, csv_row, write_all_atomic, CsvText};
use crate::run::Trace;
use crate::scenario::{self, Override, Scenario};

/// A comparison that cannot be set up (bad input, exit 2).
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("{file}: two scenarios are named \"{name}\"; give one a different `name`")]
    SameName { file: PathBuf, name: String },
    #[error("no scenario left to compare with the baseline")]
    NothingLeft,
}

/// The scenarios of a comparison, validated with the settings they will run with.
pub struct Comparison {
    /// The baseline first, then every scenario kept, in the order given.
    pub scenarios: Vec<Scenario>,
    /// Why scenarios were skipped, one sentence each (no full stop).
    pub notes: Vec<String>,
}

impl Comparison {
    /// Build the baseline with `overrides` (the command line's), then every other scenario with
    /// the baseline's seed, replications, steps and scale. The baseline itself and scenarios
    /// whose regions, sectors or countries differ from the baseline's are skipped with a note;
    /// two scenarios of one name, or none left to compare, are errors.
    pub fn load(
        baseline: &Path,
        others: &[PathBuf],
        overrides: &[Override],
    ) -> Result<Comparison, CompareError> {
        let base = scenario::load_with(baseline, overrides)?;
        let shared = shared_settings(&base, overrides);
        let mut scenarios = vec![base];
        let mut notes = Vec::new();
        for path in others {
            if same_file(path, baseline) {
                continue;
            }
            let s = scenario::load_with(path, &shared)?;
            if structure(&s) != structure(&scenarios[0]) {
                notes.push(format!(
                    "skipped {}: its regions, sectors or countries differ from the baseline's, so it cannot share its random numbers",
                    s.file.display()
                ));
                continue;
            }
            if scenarios.iter().any(|k| k.name == s.name) {
                return Err(CompareError::SameName {
                    file: s.file,
                    name: s.name,
                });
            }
            scenarios.push(s);
        }
        if scenarios.len() < 2 {
            return Err(CompareError::NothingLeft);
        }
        Ok(Comparison { scenarios, notes })
    }

    pub fn baseline(&self) -> &Scenario {
        &self.scenarios[0]
    }

    /// Steps of every replication of every scenario, for a progress bar.
    pub fn total_steps(&self) -> u64 {
        let sim = &self.baseline().simulation;
        u64::from(sim.steps) * u64::from(sim.replications) * self.scenarios.len() as u64
    }
}

/// The baseline's seed, replications, steps and scale as overrides for the other scenarios,
/// each with the origin of the command-line override that set it, else the baseline's file.
fn shared_settings(base: &Scenario, overrides: &[Override]) -> Vec<Override> {
    let sim = &base.simulation;
    let origin = &base.file;
    let mut shared = vec![
        Override::seed(sim.seed, origin),
        Override::simulation("replications", sim.replications.into(), origin),
        Override::simulation("steps", sim.steps.into(), origin),
        Override::simulation("scale", sim.scale.into(), origin),
    ];
    for o in &mut shared {
        if let Some(given) = overrides.iter().rev().find(|g| g.key == o.key) {
            o.origin = given.origin.clone();
        }
    }
    shared
}

fn same_file(a: &Path, b: &Path) -> bool {
    std::fs::canonicalize(a)
        .ok()
        .zip(std::fs::canonicalize(b).ok())
        .is_some_and(|(x, y)| x == y)
}

/// What two scenarios must share to draw the same random numbers: regions, sectors, countries.
fn structure(s: &Scenario) -> (Vec<&str>, Vec<&str>, Vec<&str>) {
    (
        s.regions.iter().map(|r| r.name.as_str()).collect(),
        s.sectors.iter().map(|x| x.name.as_str()).collect(),
        s.countries.iter().map(|c| c.code.as_str()).collect(),
    )
}

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
            t.benefit_spending += (0..model.n_regions)
                .map(|h| model.benefit_of_home(h, &rec.census.by_home[h]))
                .sum::<f64>()
                * ppa
                * months;
        }
        t
    }

    /// The mean of each total over `reps` (all zero when there are none).
    pub fn mean(reps: &[Totals]) -> Totals {
        let n = reps.len().max(1) as f64;
        let sum = |f: fn(&Totals) -> f64| reps.iter().map(f).sum::<f64>() / n;
        Totals {
            unemployment_months: sum(|t| t.unemployment_months),
            employment_months: sum(|t| t.employment_months),
            job_to_job: sum(|t| t.job_to_job),
            cross_sector: sum(|t| t.cross_sector),
            cross_border_jobs: sum(|t| t.cross_border_jobs),
            policy_spending: sum(|t| t.policy_spending),
            benefit_spending: sum(|t| t.benefit_spending),
        }
    }
}

/// The measures reported, in order: name, unit, how to compute it from (scenario, baseline)
/// totals of one replication (`None` where it is undefined), and whether it is a ratio. A
/// ratio's point estimate is the ratio of the means (the measure of the mean totals), so that a
/// replication with a small denominator does not dominate it; its band is still the
/// per-replication values'.
type Measure = (
    &'static str,
    &'static str,
    fn(&Totals, &Totals) -> Option<f64>,
    bool,
);

pub const MEASURES: [Measure; 9] = [
    (
        "unemployment_person_months",
        "change, person-months",
        |s, b| Some(s.unemployment_months - b.unemployment_months),
        false,
    ),
    (
        "employment_person_months",
        "change, person-months",
        |s, b| Some(s.employment_months - b.employment_months),
        false,
    ),
    (
        "work_to_work_moves",
        "change, moves",
        |s, b| Some(s.job_to_job - b.job_to_job),
        false,
    ),
    (
        "cross_sector_moves",
        "change, moves",
        |s, b| Some(s.cross_sector - b.cross_sector),
        false,
    ),
    (
        "cross_border_jobs",
        "change, jobs (mean over the run)",
        |s, b| Some(s.cross_border_jobs - b.cross_border_jobs),
        false,
    ),
    (
        "policy_spending",
        "EUR",
        |s, b| Some(s.policy_spending - b.policy_spending),
        false,
    ),
    (
        "benefit_spending_saved",
        "EUR",
        |s, b| Some(b.benefit_spending - s.benefit_spending),
        false,
    ),
    (
        "net_cost_per_unemployment_month_avoided",
        "EUR per person-month",
        |s, b| {
            let avoided = b.unemployment_months - s.unemployment_months;
            let net =
                (s.policy_spending - b.policy_spending) - (b.benefit_spending - s.benefit_spending);
            (avoided > 0.0).then(|| net / avoided)
        },
        true,
    ),
    (
        "policy_cost_per_extra_job_year",
        "EUR per job-year",
        |s, b| {
            let extra_years = (s.employment_months - b.employment_months) / 12.0;
            (extra_years > 0.0).then(|| (s.policy_spending - b.policy_spending) / extra_years)
        },
        true,
    ),
];

/// A measure over the replications in which it is defined: the mean and 5th to 95th
/// percentile of those values, the 90 % confidence interval of their mean, and how many there
/// were.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    pub mean: Option<f64>,
    pub p05: Option<f64>,
    pub p95: Option<f64>,
    /// The 90 % confidence interval of the mean (Student's t over the replications, which are
    /// independent draws of the same difference); `None` with fewer than two values, and for a
    /// ratio of means, which it would not be centred on.
    pub ci90: Option<(f64, f64)>,
    /// Replications in which the measure is defined.
    pub defined: usize,
}

impl Spread {
    pub fn of(values: &[f64]) -> Spread {
        let stats = band(values);
        Spread {
            mean: stats.map(|x| x.0),
            p05: stats.map(|x| x.1),
            p95: stats.map(|x| x.2),
            ci90: confidence_interval_90(values),
            defined: values.len(),
        }
    }

    /// The mean, band and confidence interval as a CSV row holds them: `[mean, p05, p95,
    /// ci90_low, ci90_high]`, NaN (an empty cell) where undefined.
    fn cells(&self) -> [f64; 5] {
        let (low, high) = self.ci90.unwrap_or((f64::NAN, f64::NAN));
        let nan = f64::NAN;
        [
            self.mean.unwrap_or(nan),
            self.p05.unwrap_or(nan),
            self.p95.unwrap_or(nan),
            low,
            high,
        ]
    }

    /// The mean with its interval in brackets, each written by `f` (`n/a` when undefined), and
    /// ` (k of n)` when defined in only k of the `replications`.
    fn cell(&self, replications: usize, f: impl Fn(f64) -> String) -> String {
        let mut out = match (self.mean, self.p05, self.p95) {
            (Some(m), Some(lo), Some(hi)) if lo != hi => {
                format!("{} ({} to {})", f(m), f(lo), f(hi))
            }
            (Some(m), _, _) => f(m),
            _ => "n/a".to_string(),
        };
        if self.defined < replications {
            let _ = write!(out, " ({} of {replications})", self.defined);
        }
        out
    }
}

/// The upper 5 % point of Student's t distribution with `df` degrees of freedom: the half-width
/// of a two-sided 90 % interval in standard errors. Up to 29 degrees of freedom from the
/// standard table (NIST/SEMATECH e-Handbook of Statistical Methods, 1.3.6.7.2, to four
/// decimals); from 30 on by the Cornish-Fisher expansion around the normal point 1.6448536
/// (Abramowitz and Stegun 1964, 26.7.5), within 0.0001 of the table at 30, 40, 60, 100 and 120.
pub fn t_upper_5_percent(df: usize) -> f64 {
    const TABLE: [f64; 29] = [
        6.3138, 2.9200, 2.3534, 2.1318, 2.0150, 1.9432, 1.8946, 1.8595, 1.8331, 1.8125, 1.7959,
        1.7823, 1.7709, 1.7613, 1.7531, 1.7459, 1.7396, 1.7341, 1.7291, 1.7247, 1.7207, 1.7171,
        1.7139, 1.7109, 1.7081, 1.7056, 1.7033, 1.7011, 1.6991,
    ];
    match df {
        0 => f64::NAN,
        1..=29 => TABLE[df - 1],
        _ => {
            let (z, n) = (1.644_853_6_f64, df as f64);
            z + (z.powi(3) + z) / (4.0 * n)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * n * n)
        }
    }
}

/// The 90 % confidence interval of the mean of the finite `values`: mean plus or minus
/// `t_upper_5_percent(n - 1)` standard errors (sample standard deviation over the root of n);
/// `None` with fewer than two.
pub fn confidence_interval_90(values: &[f64]) -> Option<(f64, f64)> {
    let finite: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let n = finite.len();
    if n < 2 {
        return None;
    }
    let mean = finite.iter().sum::<f64>() / n as f64;
    let variance = finite.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = t_upper_5_percent(n - 1) * (variance / n as f64).sqrt();
    Some((mean - half, mean + half))
}

/// One line of the summary: a scenario's measure over replications.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    pub scenario: String,
    pub measure: &'static str,
    pub unit: &'static str,
    pub spread: Spread,
}

/// Summarise every scenario (`totals[scenario][replication]`) against the baseline's.
pub fn summarise(names: &[String], baseline: &[Totals], totals: &[Vec<Totals>]) -> Vec<SummaryRow> {
    let mut rows = Vec::new();
    for (name, reps) in names.iter().zip(totals) {
        for (measure, unit, f, ratio) in MEASURES {
            let values: Vec<f64> = reps
                .iter()
                .zip(baseline)
                .filter_map(|(s, b)| f(s, b))
                .collect();
            let mut spread = Spread::of(&values);
            if ratio {
                let n = reps.len().min(baseline.len());
                spread.mean = f(&Totals::mean(&reps[..n]), &Totals::mean(&baseline[..n]));
                spread.ci90 = None;
            }
            rows.push(SummaryRow {
                scenario: name.clone(),
                measure,
                unit,
                spread,
            });
        }
    }
    rows
}

/// Two scenarios of a comparison set against each other on one measure: the second's
/// difference from the baseline minus the first's, replication by replication.
#[derive(Clone, Debug, PartialEq)]
pub struct PairRow {
    pub first: String,
    pub second: String,
    pub measure: &'static str,
    pub unit: &'static str,
    pub spread: Spread,
}

/// The measure `f` of `second` against `first`, replication by replication: with `f` a
/// difference from the baseline ([`MEASURES`] but the ratios), `f(second, first)` is the
/// second's difference minus the first's, in which the baseline run's own deviation from its
/// expected path, common to every scenario of the replication, cancels.
fn paired(first: &[Totals], second: &[Totals], f: fn(&Totals, &Totals) -> Option<f64>) -> Spread {
    let values: Vec<f64> = second
        .iter()
        .zip(first)
        .filter_map(|(s, b)| f(s, b))
        .collect();
    Spread::of(&values)
}

/// Every pair of the scenarios (`totals[scenario][replication]`, the baseline left out), each
/// later one against each earlier one, on every measure but the two ratios.
pub fn pairs(names: &[String], totals: &[Vec<Totals>]) -> Vec<PairRow> {
    let mut rows = Vec::new();
    for (i, (first, a)) in names.iter().zip(totals).enumerate() {
        for (second, b) in names.iter().zip(totals).skip(i + 1) {
            for (measure, unit, f, ratio) in MEASURES {
                if !ratio {
                    rows.push(PairRow {
                        first: first.clone(),
                        second: second.clone(),
                        measure,
                        unit,
                        spread: paired(a, b, f),
                    });
                }
            }
        }
    }
    rows
}

csv_row! {
    /// One line of a comparison's `pairs.csv`: two scenarios set against each other on a
    /// measure, replication by replication (common random numbers).
    pub struct PairCsvRow {
        /// The earlier scenario of the pair (in the order they were given).
        pub first: String,
        /// The later scenario of the pair.
        pub second: String,
        /// The measure: a name of [`MEASURES`] (not the two ratios).
        pub measure: String,
        /// The measure's unit, e.g. `change, person-months` or `EUR`.
        pub unit: String,
        /// Mean over the replications of the second scenario's difference from the baseline
        /// minus the first's (its unit): below zero, the second has less of the measure.
        #[serde(with = "cell::fixed2")]
        pub mean: f64,
        /// 5th percentile of the per-replication differences (its unit).
        #[serde(with = "cell::fixed2")]
        pub p05: f64,
        /// 95th percentile of the per-replication differences (its unit).
        #[serde(with = "cell::fixed2")]
        pub p95: f64,
        /// Lower end of the 90 % confidence interval of the mean difference (Student's t over
        /// the replications; its unit). The baseline run's own deviation, shared by the two
        /// scenarios' differences from it, cancels here, so it is narrower than their own
        /// intervals suggest. Empty with one replication.
        #[serde(with = "cell::fixed2")]
        pub ci90_low: f64,
        /// Upper end of the 90 % confidence interval of the mean difference (its unit).
        #[serde(with = "cell::fixed2")]
        pub ci90_high: f64,
        /// Replications set against each other (each scenario's run with the same replication
        /// number, the same random numbers).
        pub replications: usize,
    }
}

/// `pairs.csv`: one row per (pair of scenarios, measure).
pub fn pairs_csv(rows: &[PairRow]) -> String {
    let mut out = CsvText::<PairCsvRow>::new();
    for r in rows {
        let [mean, p05, p95, ci90_low, ci90_high] = r.spread.cells();
        out.push(&PairCsvRow {
            first: r.first.clone(),
            second: r.second.clone(),
            measure: r.measure.to_string(),
            unit: r.unit.to_string(),
            mean,
            p05,
            p95,
            ci90_low,
            ci90_high,
            replications: r.spread.defined,
        });
    }
    out.finish()
}

/// The most replications [`replications_to_tell_apart`] looks for.
pub const MOST_REPLICATIONS: usize = 10_000;

/// How many replications would tell a mean difference from zero at 90 % confidence if the
/// difference and the spread of its replications were as measured: the fewest `m >= 2` with
/// `t(m - 1) s / sqrt(m) < |mean|`, where `s` is the per-replication standard deviation the
/// interval `ci` over `n` replications implies (`s = h sqrt(n) / t(n - 1)`, `h` its
/// half-width). `None` with fewer than two replications, for a difference of zero, or beyond
/// [`MOST_REPLICATIONS`]. A guide to what more runs would buy, not a promise: the difference
/// measured is itself uncertain.
pub fn replications_to_tell_apart(mean: f64, ci: (f64, f64), n: usize) -> Option<usize> {
    if n < 2 || mean == 0.0 || !mean.is_finite() {
        return None;
    }
    let s = (ci.1 - ci.0) / 2.0 * (n as f64).sqrt() / t_upper_5_percent(n - 1);
    (2..=MOST_REPLICATIONS).find(|&m| t_upper_5_percent(m - 1) * s / (m as f64).sqrt() < mean.abs())
}

/// The scenarios ranked by their change in unemployment (person-months, the largest fall
/// first), each set against the one ranked above it replication by replication: for people,
/// in `summary.md`. Empty with fewer than two scenarios.
pub fn ranking_markdown(names: &[String], baseline: &[Totals], totals: &[Vec<Totals>]) -> String {
    if names.len() < 2 {
        return String::new();
    }
    let (_, _, unemployment, _) = MEASURES[0];
    let own: Vec<Spread> = totals
        .iter()
        .map(|t| paired(baseline, t, unemployment))
        .collect();
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| {
        let m = |k: usize| own[k].mean.unwrap_or(f64::INFINITY);
        m(a).total_cmp(&m(b)).then(a.cmp(&b))
    });
    let interval = |s: &Spread| {
        s.ci90.map_or("n/a".to_string(), |(lo, hi)| {
            format!("{} to {}", grouped(lo), grouped(hi))
        })
    };
    let mut md = String::from(
        "\n## Scenario against scenario\n\nThe scenarios ranked by their change in unemployment \
         (person-months; the largest fall first), each with the 90 % confidence interval of its \
         mean, and set against the one ranked above it replication by replication: this one's \
         change minus that one's, with its 90 % interval. Every scenario of a replication is \
         measured against the same baseline run, whose own deviation from its expected path \
         sits in every scenario's change and cancels in the difference: two scenarios can be \
         told apart more surely than their own intervals suggest, the more so the larger that \
         shared part. Told apart: the difference's interval leaves out zero; if not, about how \
         many replications would tell them apart were the difference and its spread as \
         measured (a guide: the difference is itself uncertain). Every pair on every measure \
         is in pairs.csv.\n\n\
         | rank | scenario | change in unemployment (person-months) | its 90 % interval \
         | minus the one above | its 90 % interval | told apart |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for (rank, &k) in order.iter().enumerate() {
        let mean = own[k].mean.map_or("n/a".to_string(), grouped);
        let _ = write!(
            md,
            "| {} | {} | {mean} | {} |",
            rank + 1,
            names[k],
            interval(&own[k])
        );
        if rank == 0 {
            md.push_str(" | | |\n");
            continue;
        }
        let above = order[rank - 1];
        let d = paired(&totals[above], &totals[k], unemployment);
        let apart = match (d.mean, d.ci90) {
            (_, Some((lo, hi))) if lo > 0.0 || hi < 0.0 => "yes".to_string(),
            (Some(mean), Some(ci)) => match replications_to_tell_apart(mean, ci, d.defined) {
                Some(n) => format!("no (about {n} replications would)"),
                None => format!("no (not within {MOST_REPLICATIONS} replications)"),
            },
            _ => "n/a".to_string(),
        };
        let _ = writeln!(
            md,
            " {} | {} | {apart} |",
            d.mean.map_or("n/a".to_string(), grouped),
            interval(&d)
        );
    }
    md
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
        /// it is defined in none. For the two ratios (EUR per person-month, EUR per job-year),
        /// the ratio of the means over all replications, empty when its denominator is not
        /// positive.
        #[serde(with = "cell::fixed2")]
        pub mean: f64,
        /// 5th percentile of the per-replication values (its unit).
        #[serde(with = "cell::fixed2")]
        pub p05: f64,
        /// 95th percentile of the per-replication values (its unit).
        #[serde(with = "cell::fixed2")]
        pub p95: f64,
        /// Lower end of the 90 % confidence interval of the mean (Student's t over the
        /// replications in which the measure is defined; its unit): how well the replications
        /// pin the mean down, where p05 to p95 is how far one replication can fall. Empty with
        /// fewer than two such replications and for the ratios.
        #[serde(with = "cell::fixed2")]
        pub ci90_low: f64,
        /// Upper end of the 90 % confidence interval of the mean (its unit).
        #[serde(with = "cell::fixed2")]
        pub ci90_high: f64,
        /// Replications in which the measure is defined.
        pub replications_defined: usize,
        /// Replications run.
        pub replications: usize,
    }
    added_later: ["ci90_low", "ci90_high"]
}

/// The totals of every run of a comparison, gathered as the runs finish, and the summary files
/// made of them.
pub struct Summary {
    baseline: String,
    replications: u32,
    seed: u64,
    notes: Vec<String>,
    /// The baseline's totals per replication, once it has run.
    baseline_totals: Option<Vec<Totals>>,
    names: Vec<String>,
    /// `totals[scenario][replication]` of the other scenarios.
    totals: Vec<Vec<Totals>>,
    /// The baseline's traces per replication, once it has run with them.
    baseline_traces: Option<Vec<Trace>>,
    /// Per scenario with policies, its evaluation against the baseline.
    evaluations: Vec<Evaluated>,
}

/// A scenario's participants against their counterfactual selves, per replication, with what
/// turns agents and steps into persons and months.
struct Evaluated {
    scenario: String,
    policies: Vec<String>,
    persons_per_agent: f64,
    step_months: u32,
    replications: Result<Vec<Evaluation>, String>,
}

impl Summary {
    pub fn new(comparison: &Comparison) -> Summary {
        let base = comparison.baseline();
        Summary {
            baseline: base.name.clone(),
            replications: base.simulation.replications,
            seed: base.simulation.seed,
            notes: comparison.notes.clone(),
            baseline_totals: None,
            names: Vec::new(),
            totals: Vec::new(),
            baseline_traces: None,
            evaluations: Vec::new(),
        }
    }

    /// Add the traces of the next scenario's run, after [`Summary::add`] of the same run (the
    /// baseline first, kept; every later scenario with policies is evaluated against it at
    /// once, its policy spending read from the totals `add` summed).
    pub fn add_traces(&mut self, model: &Model, records: &[Vec<StepRecord>], traces: Vec<Trace>) {
        let Some(baseline) = &self.baseline_traces else {
            self.baseline_traces = Some(traces);
            return;
        };
        let s = &model.scenario;
        if s.policies.is_empty() {
            return;
        }
        // `add` has just summed this scenario's runs.
        let (base_totals, totals) = (
            self.baseline_totals.as_deref().unwrap_or_default(),
            self.totals.last().map_or(&[][..], Vec::as_slice),
        );
        let replications = traces
            .iter()
            .zip(records)
            .zip(baseline)
            .enumerate()
            .map(|(k, ((t, r), b))| {
                let mut e = evaluate(model, t, r, b)?;
                let spending = |t: &[Totals]| t.get(k).map_or(0.0, |x| x.policy_spending);
                e.spending_change = spending(totals) - spending(base_totals);
                Ok(e)
            })
            .collect::<Result<Vec<_>, crate::evaluate::EvaluateError>>()
            .map_err(|e| e.to_string());
        self.evaluations.push(Evaluated {
            scenario: s.name.clone(),
            policies: s.policies.iter().map(|p| p.name.clone()).collect(),
            persons_per_agent: s.persons_per_agent(),
            step_months: s.simulation.step_months,
            replications,
        });
    }

    /// Add the run of the next scenario of the comparison (the baseline first).
    pub fn add(&mut self, model: &Model, records: &[Vec<StepRecord>]) {
        let totals: Vec<Totals> = records.iter().map(|r| Totals::of(model, r)).collect();
        if self.baseline_totals.is_none() {
            self.baseline_totals = Some(totals);
        } else {
            self.names.push(model.scenario.name.clone());
            self.totals.push(totals);
        }
    }

    pub fn rows(&self) -> Vec<SummaryRow> {
        let baseline = self.baseline_totals.as_deref().unwrap_or_default();
        summarise(&self.names, baseline, &self.totals)
    }

    /// `summary.md`: the table, the scenarios ranked against each other, and a note for every
    /// scenario skipped.
    pub fn markdown(&self, rows: &[SummaryRow]) -> String {
        let reps = self.replications as usize;
        let mut md = summary_markdown(&self.baseline, rows, reps, self.seed);
        let baseline = self.baseline_totals.as_deref().unwrap_or_default();
        md.push_str(&ranking_markdown(&self.names, baseline, &self.totals));
        for note in &self.notes {
            let _ = write!(md, "\nNote: {note}.\n");
        }
        md
    }

    /// The evaluation's rows: per scenario with policies, per group (each policy, then `all`),
    /// each measure over replications; and the effect curves.
    pub fn evaluation_rows(&self) -> (Vec<EvaluationRow>, Vec<CurveRow>) {
        let (mut rows, mut curves) = (Vec::new(), Vec::new());
        for e in &self.evaluations {
            let Ok(reps) = &e.replications else {
                continue;
            };
            let groups = e.policies.iter().map(String::as_str).chain(["all"]);
            for (g, name) in groups.enumerate() {
                let of = |r: &Evaluation| -> GroupEffect {
                    r.policies.get(g).cloned().unwrap_or_else(|| r.all.clone())
                };
                let effects: Vec<(GroupEffect, &Evaluation)> =
                    reps.iter().map(|r| (of(r), r)).collect();
                let units = Units {
                    persons: e.persons_per_agent,
                    months: f64::from(e.step_months),
                };
                for (measure, unit, f, all_only) in EVALUATION_MEASURES {
                    if all_only && name != "all" {
                        continue;
                    }
                    let values: Vec<f64> = effects
                        .iter()
                        .filter_map(|(g, r)| f(g, r, &units))
                        .collect();
                    let mut spread = Spread::of(&values);
                    if measure == COST_PER_NET_JOB_YEAR {
                        spread.mean = cost_per_net_job_year(reps, &units);
                        spread.ci90 = None;
                    }
                    rows.push(EvaluationRow {
                        scenario: e.scenario.clone(),
                        group: name.to_string(),
                        measure,
                        unit,
                        spread,
                        replications: reps.len(),
                    });
                }
                let horizon = (HORIZON_MONTHS / e.step_months.max(1)) as usize;
                for k in 0..=horizon {
                    let values: Vec<f64> = effects
                        .iter()
                        .filter_map(|(g, _)| g.at(k).map(|x| 100.0 * x))
                        .collect();
                    let spread = Spread::of(&values);
                    let levels: Vec<f64> = effects
                        .iter()
                        .filter_map(|(g, _)| g.counterfactual_at(k).map(|x| 100.0 * x))
                        .collect();
                    let anyway = Spread::of(&levels).mean.unwrap_or(f64::NAN);
                    let course: Vec<f64> = effects
                        .iter()
                        .filter_map(|(g, _)| g.course_at(k).map(|x| 100.0 * x))
                        .collect();
                    let course = Spread::of(&course);
                    curves.push(CurveRow {
                        scenario: e.scenario.clone(),
                        group: name.to_string(),
                        months_since_entry: k as u32 * e.step_months,
                        mean: spread.mean.unwrap_or(f64::NAN),
                        p05: spread.p05.unwrap_or(f64::NAN),
                        p95: spread.p95.unwrap_or(f64::NAN),
                        counterfactual: anyway,
                        replications_defined: spread.defined,
                        course_mean: course.mean.unwrap_or(f64::NAN),
                        course_p05: course.p05.unwrap_or(f64::NAN),
                        course_p95: course.p95.unwrap_or(f64::NAN),
                        course_replications_defined: Some(course.defined),
                        replications: reps.len(),
                    });
                }
            }
        }
        (rows, curves)
    }

    /// The evaluation for people: a table per scenario, a row per group; and a note for every
    /// scenario that could not be evaluated.
    pub fn evaluation_markdown(&self, rows: &[EvaluationRow]) -> String {
        if self.evaluations.is_empty() {
            return String::new();
        }
        let mut md = String::from(
            "\n## Participants against their counterfactual selves\n\nEach participant is set \
             against the same worker in the baseline run (common random numbers), if it was \
             comparable at entry (the same employment and notice as its counterfactual self \
             before). Effect: \
             their employment rate minus their counterfactual selves', in percentage points, \
             months after entry. Deadweight: the share of their placements whose counterfactual \
             self was in work that month. Course deadweight: of those whose first course after \
             entry started after the same history as their counterfactual self's, the share \
             whose counterfactual self started one in the same month; course effect: the \
             effect on the others, who trained only because of the policy, months after the \
             course's start. \
             Direct: their extra employment from entry on. \
             Displacement: everyone else's. Net: everyone's. Mean over replications, 5th to 95th \
             percentile in brackets; (k of n): defined in only k of the n replications. Cost \
             per net extra job-year: the mean change in spending over the mean net extra \
             job-years, with the band of the replications that added any. The 90 % confidence \
             interval of each mean is in evaluation.csv (ci90_low, ci90_high).\n",
        );
        for e in &self.evaluations {
            let _ = write!(md, "\n### {}\n\n", e.scenario);
            if let Err(why) = &e.replications {
                let _ = writeln!(md, "Not evaluated: {why}.");
                continue;
            }
            md.push_str("| group |");
            for (m, unit, _, _) in EVALUATION_MEASURES {
                let _ = write!(md, " {} ({unit}) |", m.replace('_', " "));
            }
            md.push_str("\n|---|");
            for _ in EVALUATION_MEASURES {
                md.push_str("---|");
            }
            md.push('\n');
            let groups = e.policies.iter().map(String::as_str).chain(["all"]);
            for name in groups {
                let _ = write!(md, "| {name} |");
                for (m, _, _, _) in EVALUATION_MEASURES {
                    let r = rows
                        .iter()
                        .find(|r| r.scenario == e.scenario && r.group == name && r.measure == m);
                    let _ = write!(md, " {} |", r.map_or(String::new(), EvaluationRow::cell));
                }
                md.push('\n');
            }
        }
        md
    }

    /// Write `summary.csv`, `summary.md`, with two scenarios or more `pairs.csv`, and, when a
    /// scenario has policies, `evaluation.csv` and `effect_curve.csv` into `dir`; returns the
    /// markdown.
    pub fn write(&self, dir: &Path) -> Result<String, RunError> {
        let rows = self.rows();
        let (evaluation, curves) = self.evaluation_rows();
        let mut md = self.markdown(&rows);
        md.push_str(&self.evaluation_markdown(&evaluation));
        let csv = summary_csv(&rows, self.replications as usize);
        let mut files = vec![("summary.csv", csv), ("summary.md", md.clone())];
        if self.names.len() > 1 {
            files.push(("pairs.csv", pairs_csv(&pairs(&self.names, &self.totals))));
        }
        if !self.evaluations.is_empty() {
            files.push(("evaluation.csv", evaluation_csv(&evaluation)));
            files.push(("effect_curve.csv", curve_csv(&curves)));
        }
        write_all_atomic(dir, &files)?;
        Ok(md)
    }
}

/// `summary.csv`: one row per (scenario, measure).
pub fn summary_csv(rows: &[SummaryRow], replications: usize) -> String {
    let mut out = CsvText::<SummaryCsvRow>::new();
    for r in rows {
        let [mean, p05, p95, ci90_low, ci90_high] = r.spread.cells();
        out.push(&SummaryCsvRow {
            scenario: r.scenario.clone(),
            measure: r.measure.to_string(),
            unit: r.unit.to_string(),
            mean,
            p05,
            p95,
            ci90_low,
            ci90_high,
            replications_defined: r.spread.defined,
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
    let cell = |r: &SummaryRow| r.spread.cell(replications, grouped);
    let mut out = format!(
        "# Scenarios against `{baseline}`\n\nEvery scenario ran with the baseline's seed ({seed}), scale and length, {replications} \
         replication(s) each, with common random numbers; each cell is the mean over replications of the \
         difference from the baseline, with the 5th to 95th percentile of those differences in brackets. \
         Counts are persons, money EUR. The two costs per unit are ratios of the means over all \
         replications (total spending over total effect), with the band of the per-replication \
         ratios. n/a: undefined (e.g. no unemployment avoided); (k of n): defined in only k of the n \
         replications, the band is theirs. The band says how far one replication's difference \
         can fall; how well the replications pin the mean down is its 90 % confidence interval, \
         in summary.csv (ci90_low, ci90_high).\n\n"
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
    for (m, unit, _, _) in MEASURES {
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

/// `x` rounded to a whole number, its thousands set apart by spaces (`-12 345`).
fn grouped(x: f64) -> String {
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
}

/// What turns agents and steps into persons and months.
pub struct Units {
    pub persons: f64,
    pub months: f64,
}

/// An evaluation measure: name, unit, how to compute it from one replication's group and
/// evaluation (`None` where undefined), and whether it is reported for all participants only.
type EvaluationMeasure = (
    &'static str,
    &'static str,
    fn(&GroupEffect, &Evaluation, &Units) -> Option<f64>,
    bool,
);

/// The evaluation's measures, in order.
pub const EVALUATION_MEASURES: [EvaluationMeasure; 18] = [
    (
        "participants",
        "persons",
        |g, _, u| Some(g.participants as f64 * u.persons),
        false,
    ),
    ("spending", "EUR", |g, _, _| Some(g.spending), false),
    (
        "comparable_share",
        "share of participants",
        |g, _, _| g.comparable_share(),
        false,
    ),
    (
        "effect_at_6_months",
        "pp",
        |g, _, u| curve_at(g, 6.0, u),
        false,
    ),
    (
        "effect_at_12_months",
        "pp",
        |g, _, u| curve_at(g, 12.0, u),
        false,
    ),
    (
        "effect_at_24_months",
        "pp",
        |g, _, u| curve_at(g, 24.0, u),
        false,
    ),
    (
        "effect_at_36_months",
        "pp",
        |g, _, u| curve_at(g, 36.0, u),
        false,
    ),
    (
        "deadweight_share",
        "share of placements",
        |g, _, _| g.deadweight_share(),
        false,
    ),
    (
        "course_deadweight_share",
        "share of trainees",
        |g, _, _| g.course_deadweight_share(),
        false,
    ),
    (
        "course_effect_at_6_months",
        "pp",
        |g, _, u| course_curve_at(g, 6.0, u),
        false,
    ),
    (
        "course_effect_at_12_months",
        "pp",
        |g, _, u| course_curve_at(g, 12.0, u),
        false,
    ),
    (
        "course_effect_at_24_months",
        "pp",
        |g, _, u| course_curve_at(g, 24.0, u),
        false,
    ),
    (
        "course_effect_at_36_months",
        "pp",
        |g, _, u| course_curve_at(g, 36.0, u),
        false,
    ),
    (
        "direct_effect",
        "person-months",
        |g, _, u| Some(g.direct as f64 * u.persons * u.months),
        false,
    ),
    (
        "displacement",
        "person-months",
        |_, e, u| Some(e.displacement() as f64 * u.persons * u.months),
        true,
    ),
    (
        "net_effect",
        "person-months",
        |_, e, u| Some(e.net as f64 * u.persons * u.months),
        true,
    ),
    (
        "net_extra_job_years",
        "job-years",
        |_, e, u| Some(e.net as f64 * u.persons * u.months / 12.0),
        true,
    ),
    (
        COST_PER_NET_JOB_YEAR,
        "EUR per job-year",
        |_, e, u| {
            let years = net_job_years(e, u);
            (years > 0.0).then(|| e.spending_change / years)
        },
        true,
    ),
];

/// The measure whose point estimate pools the replications (a ratio of means); its band is
/// still the per-replication ratios'.
const COST_PER_NET_JOB_YEAR: &str = "cost_per_net_extra_job_year";

fn net_job_years(e: &Evaluation, u: &Units) -> f64 {
    e.net as f64 * u.persons * u.months / 12.0
}

/// The cost per net extra job-year an evaluator reports: the mean change in spending over the
/// mean net extra job-years, over every replication (`None` when the mean is not positive).
/// The mean of the per-replication ratios would let a replication with few net job-years
/// dominate it.
fn cost_per_net_job_year(reps: &[Evaluation], u: &Units) -> Option<f64> {
    let n = reps.len() as f64;
    let years = reps.iter().map(|e| net_job_years(e, u)).sum::<f64>() / n;
    let spent = reps.iter().map(|e| e.spending_change).sum::<f64>() / n;
    (years > 0.0).then(|| spent / years)
}

/// The effect `months` after entry, in percentage points, if that is a whole number of steps
/// and anyone was observed then.
fn curve_at(g: &GroupEffect, months: f64, u: &Units) -> Option<f64> {
    points_at(months, u, |k| g.at(k))
}

/// The effect on the marginal trainees `months` after entry, as [`curve_at`].
fn course_curve_at(g: &GroupEffect, months: f64, u: &Units) -> Option<f64> {
    points_at(months, u, |k| g.course_at(k))
}

/// A curve's value `months` after entry in percentage points, if that is a whole number of
/// steps and the curve has a value there.
fn points_at(months: f64, u: &Units, at: impl Fn(usize) -> Option<f64>) -> Option<f64> {
    let k = months / u.months;
    (k.fract() == 0.0)
        .then(|| at(k as usize))
        .flatten()
        .map(|x| 100.0 * x)
}

/// One line of the evaluation: a scenario's group's measure over replications.
#[derive(Clone, Debug, PartialEq)]
pub struct EvaluationRow {
    pub scenario: String,
    /// A policy's name, or `all`.
    pub group: String,
    pub measure: &'static str,
    pub unit: &'static str,
    pub spread: Spread,
    pub replications: usize,
}

impl EvaluationRow {
    /// The mean with its interval and, when undefined in some replications, in how many it is.
    fn cell(&self) -> String {
        let f = |x: f64| {
            if x.abs() >= 100.0 {
                format!("{x:.0}")
            } else {
                format!("{x:.2}")
            }
        };
        self.spread.cell(self.replications, f)
    }
}

csv_row! {
    /// One line of a comparison's `evaluation.csv`: a scenario's participants (per policy, and
    /// all together) against their counterfactual selves in the baseline.
    pub struct EvaluationCsvRow {
        /// The scenario's name.
        pub scenario: String,
        /// A policy's name, or `all` (every participant of any policy, from the first entry).
        pub group: String,
        /// The measure: a name of [`EVALUATION_MEASURES`].
        pub measure: String,
        /// The measure's unit: persons, pp (percentage points), share of placements,
        /// person-months, job-years, EUR or EUR per job-year.
        pub unit: String,
        /// Mean over the replications in which the measure is defined (its unit); for
        /// `cost_per_net_extra_job_year`, the ratio of the mean change in spending to the mean
        /// net extra job-years over all replications (empty when that mean is not positive).
        #[serde(with = "cell::fixed2")]
        pub mean: f64,
        /// 5th percentile of the per-replication values (its unit).
        #[serde(with = "cell::fixed2")]
        pub p05: f64,
        /// 95th percentile of the per-replication values (its unit).
        #[serde(with = "cell::fixed2")]
        pub p95: f64,
        /// Lower end of the 90 % confidence interval of the mean (Student's t over the
        /// replications in which the measure is defined; its unit): how well the replications
        /// pin the mean down, where p05 to p95 is how far one replication can fall. Empty with
        /// fewer than two such replications and for the ratios.
        #[serde(with = "cell::fixed2")]
        pub ci90_low: f64,
        /// Upper end of the 90 % confidence interval of the mean (its unit).
        #[serde(with = "cell::fixed2")]
        pub ci90_high: f64,
        /// Replications in which the measure is defined.
        pub replications_defined: usize,
        /// Replications run.
        pub replications: usize,
    }
    added_later: ["ci90_low", "ci90_high"]
}

csv_row! {
    /// One line of a comparison's `effect_curve.csv`: the effect on participants' employment
    /// rate, months after their entry, against their counterfactual selves.
    pub struct CurveRow {
        /// The scenario's name.
        pub scenario: String,
        /// A policy's name, or `all`.
        pub group: String,
        /// Months since the participant's first enrolment (0: the month of entry).
        pub months_since_entry: u32,
        /// Mean over replications of the participants' employment rate minus their
        /// counterfactual selves', in percentage points.
        #[serde(with = "cell::fixed2")]
        pub mean: f64,
        /// 5th percentile over replications (percentage points).
        #[serde(with = "cell::fixed2")]
        pub p05: f64,
        /// 95th percentile over replications (percentage points).
        #[serde(with = "cell::fixed2")]
        pub p95: f64,
        /// Mean over replications of the counterfactual selves' employment rate, in per cent:
        /// the level the effect is measured against.
        #[serde(with = "cell::fixed2")]
        pub counterfactual: f64,
        /// Replications in which some participant was observed this long after entry.
        pub replications_defined: usize,
        /// The effect on the marginal trainees (who trained only because of the policy) this
        /// many months after their course's start: mean and 5th and 95th percentiles over the
        /// replications in which any was observed (percentage points; empty without).
        #[serde(with = "cell::fixed2")]
        pub course_mean: f64,
        #[serde(with = "cell::fixed2")]
        pub course_p05: f64,
        #[serde(with = "cell::fixed2")]
        pub course_p95: f64,
        /// Replications in which some marginal trainee was observed this long after its course
        /// started (empty in a file written before the course columns).
        pub course_replications_defined: Option<usize>,
        /// Replications run.
        pub replications: usize,
    }
    added_later: ["course_mean", "course_p05", "course_p95", "course_replications_defined"]
}

/// `evaluation.csv`: one row per (scenario, group, measure).
pub fn evaluation_csv(rows: &[EvaluationRow]) -> String {
    let mut out = CsvText::<EvaluationCsvRow>::new();
    for r in rows {
        let [mean, p05, p95, ci90_low, ci90_high] = r.spread.cells();
        out.push(&EvaluationCsvRow {
            scenario: r.scenario.clone(),
            group: r.group.clone(),
            measure: r.measure.to_string(),
            unit: r.unit.to_string(),
            mean,
            p05,
            p95,
            ci90_low,
            ci90_high,
            replications_defined: r.spread.defined,
            replications: r.replications,
        });
    }
    out.finish()
}

/// `effect_curve.csv`: one row per (scenario, group, months since entry).
pub fn curve_csv(rows: &[CurveRow]) -> String {
    let mut out = CsvText::<CurveRow>::new();
    for r in rows {
        out.push(r);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A difference of 100 whose replications spread with a standard deviation of 200 (the
    /// interval five of them give: 100 +- t(4) 200 / sqrt(5)) is told apart by 13: t(12) 200 /
    /// sqrt(13) = 98.9 < 100, where twelve give 103.7. None for no difference, one
    /// replication, or a need beyond the cap.
    #[test]
    fn the_replications_to_tell_a_difference_apart_follow_the_t_interval() {
        let half = t_upper_5_percent(4) * 200.0 / 5f64.sqrt();
        assert_eq!(
            replications_to_tell_apart(100.0, (100.0 - half, 100.0 + half), 5),
            Some(13)
        );
        assert_eq!(
            replications_to_tell_apart(-100.0, (-100.0 - half, -100.0 + half), 5),
            Some(13)
        );
        assert_eq!(replications_to_tell_apart(0.0, (-half, half), 5), None);
        assert_eq!(replications_to_tell_apart(100.0, (0.0, 200.0), 1), None);
        assert_eq!(replications_to_tell_apart(0.001, (-half, half), 5), None);
    }

    /// Totals of one replication with `u` person-months of unemployment and `e` of employment.
    fn run(u: f64, e: f64) -> Totals {
        Totals {
            unemployment_months: u,
            employment_months: e,
            ..Totals::default()
        }
    }

    /// Two programmes whose changes from the baseline carry the baseline run's own deviation
    /// (here +-1 000, replication by replication) and differ by 200 in every replication: each
    /// programme's own interval is wide and they overlap, but the pair, taken replication by
    /// replication, is 200 apart with no spread, and the ranking tells them apart.
    #[test]
    fn a_pair_is_measured_replication_by_replication() {
        let shared = [1000.0, -1000.0, 500.0, -500.0];
        let baseline: Vec<Totals> = shared.iter().map(|_| run(0.0, 0.0)).collect();
        let a: Vec<Totals> = shared.iter().map(|d| run(-3000.0 + d, 50.0)).collect();
        let b: Vec<Totals> = shared.iter().map(|d| run(-2800.0 + d, 70.0)).collect();
        let names = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let c: Vec<Totals> = shared.iter().map(|d| run(-2800.0 + 2.0 * d, 0.0)).collect();
        let totals = vec![a, b, c];
        let rows = pairs(&names, &totals);
        // Three pairs, each on every measure but the two ratios, later minus earlier.
        let differences = MEASURES.iter().filter(|m| !m.3).count();
        assert_eq!(rows.len(), 3 * differences);
        let find = |first: &str, second: &str, measure: &str| {
            rows.iter()
                .find(|r| r.first == first && r.second == second && r.measure == measure)
                .unwrap()
                .spread
        };
        let ab = find("a", "b", "unemployment_person_months");
        assert_eq!(ab.mean, Some(200.0));
        assert_eq!(ab.ci90, Some((200.0, 200.0)));
        assert_eq!(find("a", "b", "employment_person_months").mean, Some(20.0));
        assert!(rows.iter().all(|r| r.measure != MEASURES[7].0));
        // b against c: the same mean change, but c carries twice the shared deviation, so the
        // pair keeps one share of it and is not told apart.
        let bc = find("b", "c", "unemployment_person_months");
        assert_eq!(bc.mean, Some(0.0));
        let (lo, hi) = bc.ci90.unwrap();
        assert!(lo < 0.0 && hi > 0.0);
        // Unpaired, a's and b's own intervals overlap.
        let own = |t: &[Totals]| paired(&baseline, t, MEASURES[0].2).ci90.unwrap();
        assert!(own(&totals[0]).1 > own(&totals[1]).0);

        let md = ranking_markdown(&names, &baseline, &totals);
        let row = |name: &str| {
            md.lines()
                .find(|l| l.contains(&format!("| {name} |")))
                .unwrap()
                .to_string()
        };
        assert!(row("a").starts_with("| 1 | a | -3 000 |"), "{md}");
        assert!(row("a").ends_with("| | |"), "{md}");
        // b and c tie at -2 800: the earlier given ranks first.
        assert!(row("b").starts_with("| 2 | b | -2 800 |"), "{md}");
        assert!(row("b").ends_with("| 200 | 200 to 200 | yes |"), "{md}");
        assert!(row("c").starts_with("| 3 | c | -2 800 |"), "{md}");
        assert!(
            row("c").ends_with("| no (not within 10000 replications) |"),
            "{md}"
        );
        assert_eq!(ranking_markdown(&names[..1], &baseline, &totals[..1]), "");
    }

    /// EUR 100 for 1 net job-year, 300 for 3 and 200 for none: 600 / 4 = 150 per job-year
    /// pooled, where the mean of the defined ratios says 100. With 100 for 1 and 1 000 for 100,
    /// pooling gives 10.9, not the 55 that the replication with one job-year makes of a mean of
    /// ratios. Nothing when the replications added no net job-years on average.
    #[test]
    fn the_cost_per_net_job_year_is_a_ratio_of_means() {
        // One agent per person, steps of a year: an agent-step is a job-year.
        let units = Units {
            persons: 1.0,
            months: 12.0,
        };
        let rep = |net: i64, spent: f64| Evaluation {
            policies: Vec::new(),
            all: GroupEffect::default(),
            net,
            spending_change: spent,
        };
        let reps = [rep(1, 100.0), rep(3, 300.0), rep(0, 200.0)];
        assert_eq!(cost_per_net_job_year(&reps, &units), Some(150.0));
        let skewed = [rep(1, 100.0), rep(100, 1000.0)];
        let pooled = cost_per_net_job_year(&skewed, &units).unwrap();
        assert!((pooled - 1100.0 / 101.0).abs() < 1e-9, "{pooled}");
        assert_eq!(
            cost_per_net_job_year(&[rep(-2, 100.0), rep(1, 50.0)], &units),
            None
        );
        assert_eq!(cost_per_net_job_year(&[rep(0, 100.0)], &units), None);
        // Two persons per agent and monthly steps: 24 agent-steps are 4 job-years.
        let monthly = Units {
            persons: 2.0,
            months: 1.0,
        };
        assert_eq!(
            cost_per_net_job_year(&[rep(24, 400.0)], &monthly),
            Some(100.0)
        );
    }

    /// Student's t from the table and, from 30 degrees of freedom, from the expansion: each
    /// against the published four-decimal point (NIST/SEMATECH 1.3.6.7.2).
    #[test]
    fn the_t_points_are_the_published_ones() {
        for (df, t) in [
            (1, 6.314),
            (4, 2.132),
            (9, 1.833),
            (29, 1.699),
            (30, 1.697),
            (40, 1.684),
            (60, 1.671),
            (100, 1.660),
        ] {
            assert!(
                (t_upper_5_percent(df) - t).abs() < 6e-4,
                "df {df}: {}",
                t_upper_5_percent(df)
            );
        }
        assert!(t_upper_5_percent(0).is_nan());
        assert!((t_upper_5_percent(1_000_000) - 1.644_853_6).abs() < 1e-5);
    }

    /// 1 to 5: mean 3, sample standard deviation 1.5811, standard error 0.7071, so the 90 %
    /// interval is 3 -+ 2.1318 x 0.7071 = 1.4926 to 4.5074; non-finite values are left out, one
    /// value has no interval, and a ratio of means none (it would not be centred on it).
    #[test]
    fn the_confidence_interval_is_t_standard_errors_about_the_mean() {
        let (lo, hi) = confidence_interval_90(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert!(
            (lo - 1.4926).abs() < 1e-4 && (hi - 4.5074).abs() < 1e-4,
            "{lo} {hi}"
        );
        assert_eq!(
            confidence_interval_90(&[1.0, f64::NAN, 2.0, 3.0, 4.0, 5.0]),
            Some((lo, hi))
        );
        assert_eq!(confidence_interval_90(&[7.0]), None);
        assert_eq!(Spread::of(&[2.0, 2.0]).ci90, Some((2.0, 2.0)));
        let t = |employment_months: f64, policy_spending: f64| Totals {
            employment_months,
            policy_spending,
            ..Totals::default()
        };
        let rows = summarise(
            &["s".into()],
            &[t(1000.0, 0.0), t(1000.0, 0.0)],
            &[vec![t(1012.0, 120.0), t(1030.0, 150.0)]],
        );
        let get = |m: &str| rows.iter().find(|r| r.measure == m).unwrap().spread;
        let (lo, hi) = get("employment_person_months").ci90.unwrap();
        // 12 and 30: mean 21, standard error 9, t with one degree of freedom 6.3138.
        assert!(
            (lo - (21.0 - 6.3138 * 9.0)).abs() < 1e-9 && (hi - (21.0 + 6.3138 * 9.0)).abs() < 1e-9
        );
        assert_eq!(get("policy_cost_per_extra_job_year").ci90, None);
        let csv = summary_csv(&rows, 2);
        assert!(
            csv.lines()
                .next()
                .unwrap()
                .contains(",p95,ci90_low,ci90_high,"),
            "{csv}"
        );
    }

    /// A comparison's `summary.csv` written before the confidence interval was added still
    /// reads (the interval empty, `NaN`); one without a column it always had does not.
    #[test]
    fn a_column_added_later_may_be_absent_and_no_other() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.csv");
        let old = "scenario,measure,unit,mean,p05,p95,replications_defined,replications\n\
                   s,policy_spending,EUR,5.00,1.00,9.00,2,2\n";
        std::fs::write(&path, old).unwrap();
        let rows = crate::output::read::<SummaryCsvRow>(&path).unwrap();
        assert_eq!((rows[0].mean, rows[0].p95), (5.0, 9.0));
        assert!(rows[0].ci90_low.is_nan() && rows[0].ci90_high.is_nan());
        assert_eq!(rows[0].replications, 2);
        std::fs::write(&path, old.replacen("p95", "p96", 1)).unwrap();
        let err = crate::output::read::<SummaryCsvRow>(&path).unwrap_err();
        assert!(
            matches!(&err.problem, crate::output::Problem::MissingColumn(c) if c == "p95"),
            "{err}"
        );
    }

    /// The summary's two ratios pool the replications too: EUR 120 for one extra job-year and
    /// EUR 1 200 for a hundred give 1 320 / 101 per job-year, not the mean of 120 and 12; the
    /// differences are plain means.
    #[test]
    fn the_summary_pools_its_ratios_and_averages_its_differences() {
        let t = |employment_months: f64, policy_spending: f64| Totals {
            employment_months,
            policy_spending,
            ..Totals::default()
        };
        let baseline = [t(1000.0, 0.0), t(1000.0, 0.0)];
        let scenario = vec![t(1012.0, 120.0), t(2200.0, 1200.0)];
        let rows = summarise(&["s".into()], &baseline, &[scenario]);
        let get = |m: &str| rows.iter().find(|r| r.measure == m).unwrap().spread;
        let cost = get("policy_cost_per_extra_job_year");
        assert!(
            (cost.mean.unwrap() - 1320.0 / 101.0).abs() < 1e-9,
            "{cost:?}"
        );
        assert_eq!(cost.defined, 2);
        assert_eq!(get("policy_spending").mean, Some(660.0));
        assert_eq!(get("employment_person_months").mean, Some(606.0));
        assert_eq!(
            Totals::mean(&[t(1012.0, 120.0), t(2200.0, 1200.0)]),
            t(1606.0, 660.0)
        );
    }
}
