//! `series.csv`: one [`SeriesRow`] per (replication, step, level, key), the metrics of that
//! level row. [`rows`] aggregates a step's records into its level rows: the total, then each
//! country, region and sector.

use serde::Serialize;

use super::metrics::Metrics;
use super::row::{csv_row, CellError, Cells, CsvRow, CsvText};
use crate::metrics::{flow, home, money, node, StepRecord};
use crate::model::Model;

csv_row! {
    /// Which row of `series.csv` a line is.
    pub struct SeriesId {
        /// Replication, from 0.
        pub replication: u32,
        /// Step: 0 is the initial state, step 1 the scenario's first step.
        pub step: u32,
        /// The year-month (`YYYY-MM`) the step covers, when the scenario has a start; else
        /// empty. Step 0 is dated the month before step 1.
        pub date: String,
        /// Level: `total`, `country`, `region`, `sector` or, with more than one country,
        /// `country_sector`.
        pub level: String,
        /// `all` at the total level, else the country code, region name or sector name, or
        /// `CODE/sector` at the country-sector level (e.g. `NL/care`).
        pub key: String,
    }
}

/// One line of `series.csv`: which row, then its metrics.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesRow {
    pub id: SeriesId,
    pub metrics: Metrics,
}

impl CsvRow for SeriesRow {
    fn columns() -> Vec<&'static str> {
        let mut columns = SeriesId::columns();
        columns.extend(Metrics::NAMES);
        columns
    }

    fn added_later() -> &'static [&'static str] {
        &[
            "retrained_hires",
            "retrained_hires_in_course_sector",
            "unemployed_in_months_1_6",
            "unemployed_in_months_7_12",
            "attached_inactive_in_months_1_6",
            "attached_inactive_in_months_7_12",
            "hires_in_months_1_6",
            "hires_in_months_7_12",
        ]
    }

    fn from_cells(cells: &mut Cells<'_>) -> Result<SeriesRow, CellError> {
        Ok(SeriesRow {
            id: SeriesId::from_cells(cells)?,
            metrics: Metrics::from_cells(cells)?,
        })
    }
}

/// A level row of one step, before it is given its replication and step.
#[derive(Clone, Debug, PartialEq)]
pub struct LevelRow {
    pub level: &'static str,
    pub key: String,
    pub metrics: Metrics,
}

/// The level rows of one step: total, then each country, region and sector, then, with more
/// than one country, each sector within each country (a sector's rates across the border are
/// not the Dutch ones the statistics report).
pub fn rows(model: &Model, rec: &StepRecord) -> Vec<LevelRow> {
    let s = &model.scenario;
    let all_regions: Vec<usize> = (0..model.n_regions).collect();
    let all_nodes: Vec<usize> = (0..model.n_nodes).collect();
    let mut out = vec![row(
        model,
        rec,
        "total",
        "all".into(),
        Some(&all_regions),
        &all_nodes,
    )];
    for (c, country) in s.countries.iter().enumerate() {
        let regions: Vec<usize> = (0..model.n_regions)
            .filter(|&r| model.region_country[r] as usize == c)
            .collect();
        let nodes: Vec<usize> = (0..model.n_nodes)
            .filter(|&j| model.node_country[j] as usize == c)
            .collect();
        out.push(row(
            model,
            rec,
            "country",
            country.code.clone(),
            Some(&regions),
            &nodes,
        ));
    }
    for (r, region) in s.regions.iter().enumerate() {
        let nodes: Vec<usize> = (0..model.n_sectors)
            .map(|sec| model.node(r, sec) as usize)
            .collect();
        out.push(row(
            model,
            rec,
            "region",
            region.name.clone(),
            Some(&[r]),
            &nodes,
        ));
    }
    for (sec, sector) in s.sectors.iter().enumerate() {
        let nodes: Vec<usize> = (0..model.n_regions)
            .map(|r| model.node(r, sec) as usize)
            .collect();
        out.push(row(model, rec, "sector", sector.name.clone(), None, &nodes));
    }
    if model.n_countries > 1 {
        for (c, country) in s.countries.iter().enumerate() {
            for (sec, sector) in s.sectors.iter().enumerate() {
                let nodes: Vec<usize> = (0..model.n_regions)
                    .filter(|&r| model.region_country[r] as usize == c)
                    .map(|r| model.node(r, sec) as usize)
                    .collect();
                out.push(row(
                    model,
                    rec,
                    "country_sector",
                    country_sector_key(&country.code, &sector.name),
                    None,
                    &nodes,
                ));
            }
        }
    }
    out
}

/// The key of a sector within a country at level `country_sector`: `CODE/sector`.
pub fn country_sector_key(code: &str, sector: &str) -> String {
    format!("{code}/{sector}")
}

/// Aggregate one row. With `homes`, people (stocks and worker flows) are counted by where they
/// live; without, by node. Jobs and vacancies are always counted where the job is.
fn row(
    model: &Model,
    rec: &StepRecord,
    level: &'static str,
    key: String,
    homes: Option<&[usize]>,
    nodes: &[usize],
) -> LevelRow {
    let ppa = model.scenario.persons_per_agent();
    let c = &rec.census;
    let f = &rec.flows;
    let node_sum = |k: usize| nodes.iter().map(|&j| c.by_node[j][k]).sum::<u64>() as f64;
    let node_flow = |k: usize| nodes.iter().map(|&j| f.by_node[j][k]).sum::<u64>() as f64;
    let node_money = |k: usize| nodes.iter().map(|&j| f.money_by_node[j][k]).sum::<f64>();
    let people = |hk: usize, nk: usize| match homes {
        Some(hs) => hs.iter().map(|&h| c.by_home[h][hk]).sum::<u64>() as f64,
        None => node_sum(nk),
    };
    let flows_of = |k: usize| match homes {
        Some(hs) => hs.iter().map(|&h| f.by_home[h][k]).sum::<u64>() as f64,
        None => node_flow(k),
    };
    let money_of = |k: usize| match homes {
        Some(hs) => hs.iter().map(|&h| f.money_by_home[h][k]).sum::<f64>(),
        None => node_money(k),
    };
    let employed = people(home::EMPLOYED, node::EMPLOYED) * ppa;
    let jobs = node_sum(node::EMPLOYED) * ppa;
    let unemployed = people(home::UNEMPLOYED, node::UNEMPLOYED) * ppa;
    let vacancies = nodes.iter().map(|&j| rec.vacancies[j]).sum::<u64>() as f64 * ppa;
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let cb_in = node_sum(node::CROSS_BORDER_IN) * ppa;
    let cb_out = match homes {
        Some(_) => people(home::CROSS_BORDER_OUT, node::CROSS_BORDER_IN) * ppa,
        None => cb_in,
    };
    let metrics = Metrics {
        employed,
        jobs,
        unemployed,
        in_training: people(home::TRAINING, node::TRAINING) * ppa,
        vacancies,
        unemployment_rate: ratio(unemployed, employed + unemployed),
        vacancy_rate: ratio(vacancies, vacancies + jobs),
        tightness: if unemployed > 0.0 {
            vacancies / unemployed
        } else {
            f64::NAN
        },
        hires_from_unemployment: flows_of(flow::HIRES_FROM_UNEMPLOYMENT) * ppa,
        job_to_job: flows_of(flow::JOB_TO_JOB) * ppa,
        job_to_job_out: flows_of(flow::JOB_TO_JOB_OUT) * ppa,
        job_to_job_from_notice: flows_of(flow::JOB_TO_JOB_FROM_NOTICE) * ppa,
        separations: flows_of(flow::SEPARATIONS) * ppa,
        dismissals: flows_of(flow::DISMISSALS) * ppa,
        notices: flows_of(flow::NOTICES) * ppa,
        under_notice: people(home::UNDER_NOTICE, node::UNDER_NOTICE) * ppa,
        cross_sector_moves: flows_of(flow::CROSS_SECTOR) * ppa,
        cross_border_hires: flows_of(flow::CROSS_BORDER_HIRES) * ppa,
        unemployed_under_27: people(home::UNEMPLOYED_BY_AGE, node::UNEMPLOYED_BY_AGE) * ppa,
        unemployed_27_49: people(home::UNEMPLOYED_BY_AGE + 1, node::UNEMPLOYED_BY_AGE + 1) * ppa,
        unemployed_50_plus: people(home::UNEMPLOYED_BY_AGE + 2, node::UNEMPLOYED_BY_AGE + 2) * ppa,
        inactive: people(home::INACTIVE, node::INACTIVE) * ppa,
        unemployed_to_inactive: flows_of(flow::UNEMPLOYED_TO_INACTIVE) * ppa,
        inactive_to_unemployed: flows_of(flow::INACTIVE_TO_UNEMPLOYED) * ppa,
        retirements: flows_of(flow::RETIREMENTS) * ppa,
        entries: flows_of(flow::ENTRIES) * ppa,
        long_term_unemployed: people(home::LONG_TERM, node::LONG_TERM) * ppa,
        vacancies_opened: node_flow(flow::VACANCIES_OPENED) * ppa,
        vacancies_expired: node_flow(flow::VACANCIES_EXPIRED) * ppa,
        vacancies_filled: node_flow(flow::VACANCIES_FILLED) * ppa,
        job_creation: node_flow(flow::JOB_CREATION) * ppa,
        job_destruction: node_flow(flow::JOB_DESTRUCTION) * ppa,
        training_starts: flows_of(flow::TRAINING_STARTS) * ppa,
        training_starts_employed: flows_of(flow::TRAINING_STARTS_EMPLOYED) * ppa,
        training_completions: flows_of(flow::TRAINING_COMPLETIONS) * ppa,
        learning_starts: flows_of(flow::LEARNING_STARTS) * ppa,
        learning_completions: flows_of(flow::LEARNING_COMPLETIONS) * ppa,
        retrained_hires: flows_of(flow::RETRAINED_HIRES) * ppa,
        retrained_hires_in_course_sector: flows_of(flow::RETRAINED_HIRES_IN_COURSE_SECTOR) * ppa,
        unemployed_in_months_1_6: flows_of(flow::UNEMPLOYED_IN_MONTHS_1_6) * ppa,
        unemployed_in_months_7_12: flows_of(flow::UNEMPLOYED_IN_MONTHS_7_12) * ppa,
        attached_inactive_in_months_1_6: flows_of(flow::ATTACHED_INACTIVE_IN_MONTHS_1_6) * ppa,
        attached_inactive_in_months_7_12: flows_of(flow::ATTACHED_INACTIVE_IN_MONTHS_7_12) * ppa,
        hires_in_months_1_6: flows_of(flow::HIRES_IN_MONTHS_1_6) * ppa,
        hires_in_months_7_12: flows_of(flow::HIRES_IN_MONTHS_7_12) * ppa,
        recognition_starts: flows_of(flow::RECOGNITION_STARTS) * ppa,
        recognitions: flows_of(flow::RECOGNITIONS) * ppa,
        cross_border_commuters_out: cb_out,
        cross_border_commuters_in: cb_in,
        demand: nodes.iter().map(|&j| rec.demand[j]).sum::<f64>() * ppa,
        training_cost: money_of(money::TRAINING_COST) * ppa,
        training_cost_public: money_of(money::TRAINING_PUBLIC) * ppa,
        training_cost_funds: money_of(money::TRAINING_FUNDS) * ppa,
        training_cost_private: money_of(money::TRAINING_PRIVATE) * ppa,
        training_cost_policy: money_of(money::TRAINING_POLICY) * ppa,
        recognition_fees: money_of(money::RECOGNITION_FEES) * ppa,
        benefit_spending: match homes {
            Some(hs) => hs
                .iter()
                .map(|&h| model.benefit_of_home(h, &c.by_home[h]))
                .sum(),
            None => nodes
                .iter()
                .map(|&j| model.benefit_of_node(j, &c.by_node[j]))
                .sum::<f64>(),
        } * ppa
            * f64::from(model.scenario.simulation.step_months),
    };
    LevelRow {
        level,
        key,
        metrics,
    }
}

/// `series.csv` for all replications.
pub fn series_csv(model: &Model, records: &[Vec<StepRecord>]) -> String {
    let mut out = CsvText::<SeriesRow>::new();
    for (rep, series) in records.iter().enumerate() {
        for rec in series {
            let date = super::date(model, rec.step);
            for row in rows(model, rec) {
                out.push(&SeriesRow {
                    id: SeriesId {
                        replication: rep as u32,
                        step: rec.step,
                        date: date.clone(),
                        level: row.level.to_string(),
                        key: row.key,
                    },
                    metrics: row.metrics,
                });
            }
        }
    }
    out.finish()
}
