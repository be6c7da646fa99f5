//! The run's files: `series.csv`, `commuters.csv`, `bands.csv` (with replications) and
//! `manifest.json`, written through temporary files and renamed into place only once all of
//! them are complete, so a failed run never leaves earlier output half-overwritten.
//!
//! One list, [`COLUMNS`], defines the metric columns of `series.csv` and the metrics of
//! `bands.csv`. Counts are in persons (agents x persons per agent), money in EUR.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::RunError;
use crate::metrics::{flow, home, money, node, StepRecord};
use crate::model::Model;
use crate::run::RunResult;
use crate::step::STAGES;

/// Metric columns of `series.csv`, in order.
pub const COLUMNS: [&str; 33] = [
    "employed",
    "jobs",
    "unemployed",
    "in_training",
    "vacancies",
    "unemployment_rate",
    "vacancy_rate",
    "tightness",
    "hires_from_unemployment",
    "job_to_job",
    "job_to_job_out",
    "separations",
    "cross_sector_moves",
    "cross_border_hires",
    "long_term_unemployed",
    "vacancies_opened",
    "vacancies_expired",
    "vacancies_filled",
    "training_starts",
    "training_starts_employed",
    "training_completions",
    "recognition_starts",
    "recognitions",
    "cross_border_commuters_out",
    "cross_border_commuters_in",
    "demand",
    "training_cost",
    "training_cost_public",
    "training_cost_funds",
    "training_cost_private",
    "training_cost_policy",
    "recognition_fees",
    "benefit_spending",
];

/// Index of a column in [`COLUMNS`].
pub fn column(name: &str) -> Option<usize> {
    COLUMNS.iter().position(|c| *c == name)
}

const RATES: [&str; 3] = ["unemployment_rate", "vacancy_rate", "tightness"];
const MONEY: [&str; 7] = [
    "training_cost",
    "training_cost_public",
    "training_cost_funds",
    "training_cost_private",
    "training_cost_policy",
    "recognition_fees",
    "benefit_spending",
];

/// One row of `series.csv` without its replication and step.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub level: &'static str,
    pub key: String,
    pub values: [f64; COLUMNS.len()],
}

/// The level rows of one step: total, then each country, region and sector.
pub fn rows(model: &Model, rec: &StepRecord) -> Vec<Row> {
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
    out
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
) -> Row {
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
    let values = [
        employed,
        jobs,
        unemployed,
        people(home::TRAINING, node::TRAINING) * ppa,
        vacancies,
        ratio(unemployed, employed + unemployed),
        ratio(vacancies, vacancies + jobs),
        if unemployed > 0.0 {
            vacancies / unemployed
        } else {
            f64::NAN
        },
        flows_of(flow::HIRES_FROM_UNEMPLOYMENT) * ppa,
        flows_of(flow::JOB_TO_JOB) * ppa,
        flows_of(flow::JOB_TO_JOB_OUT) * ppa,
        flows_of(flow::SEPARATIONS) * ppa,
        flows_of(flow::CROSS_SECTOR) * ppa,
        flows_of(flow::CROSS_BORDER_HIRES) * ppa,
        people(home::LONG_TERM, node::LONG_TERM) * ppa,
        node_flow(flow::VACANCIES_OPENED) * ppa,
        node_flow(flow::VACANCIES_EXPIRED) * ppa,
        node_flow(flow::VACANCIES_FILLED) * ppa,
        flows_of(flow::TRAINING_STARTS) * ppa,
        flows_of(flow::TRAINING_STARTS_EMPLOYED) * ppa,
        flows_of(flow::TRAINING_COMPLETIONS) * ppa,
        flows_of(flow::RECOGNITION_STARTS) * ppa,
        flows_of(flow::RECOGNITIONS) * ppa,
        cb_out,
        cb_in,
        nodes.iter().map(|&j| rec.demand[j]).sum::<f64>() * ppa,
        money_of(money::TRAINING_COST) * ppa,
        money_of(money::TRAINING_PUBLIC) * ppa,
        money_of(money::TRAINING_FUNDS) * ppa,
        money_of(money::TRAINING_PRIVATE) * ppa,
        money_of(money::TRAINING_POLICY) * ppa,
        money_of(money::RECOGNITION_FEES) * ppa,
        unemployed
            * model.scenario.benefit_per_month
            * f64::from(model.scenario.simulation.step_months),
    ];
    Row { level, key, values }
}

/// Format a value of column `col` for CSV: rates with 6 decimals, counts as integers when whole
/// (else 2 decimals), money with 2 decimals, undefined values (tightness with no unemployed) empty.
pub fn format_value(col: usize, x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let name = COLUMNS[col];
    if RATES.contains(&name) {
        format!("{x:.6}")
    } else if MONEY.contains(&name) || x.fract() != 0.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.0}")
    }
}

/// Quote a CSV field if it needs it.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

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

/// `series.csv` for all replications.
pub fn series_csv(model: &Model, records: &[Vec<StepRecord>]) -> String {
    let mut out = String::from("replication,step,date,level,key");
    for c in COLUMNS {
        out.push(',');
        out.push_str(c);
    }
    out.push('\n');
    for (rep, series) in records.iter().enumerate() {
        for rec in series {
            let d = date(model, rec.step);
            for row in rows(model, rec) {
                let _ = write!(
                    out,
                    "{rep},{},{d},{},{}",
                    rec.step,
                    row.level,
                    csv_field(&row.key)
                );
                for (col, x) in row.values.iter().enumerate() {
                    out.push(',');
                    out.push_str(&format_value(col, *x));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// `commuters.csv`: employed persons and hires by (home country, work country), every pair.
pub fn commuters_csv(model: &Model, records: &[Vec<StepRecord>]) -> String {
    let s = &model.scenario;
    let nc = model.n_countries;
    let ppa = s.persons_per_agent();
    let mut out = String::from("replication,step,date,home_country,work_country,commuters,hires\n");
    for (rep, series) in records.iter().enumerate() {
        for rec in series {
            let d = date(model, rec.step);
            for a in 0..nc {
                for b in 0..nc {
                    let commuters = rec.census.commuters[a * nc + b] as f64 * ppa;
                    let hires = rec.flows.pair_hires[a * nc + b] as f64 * ppa;
                    let _ = writeln!(
                        out,
                        "{rep},{},{d},{},{},{},{}",
                        rec.step,
                        csv_field(&s.countries[a].code),
                        csv_field(&s.countries[b].code),
                        format_value(0, commuters),
                        format_value(0, hires),
                    );
                }
            }
        }
    }
    out
}

/// `policies.csv`: per (replication, step, policy) its new participants, participants,
/// placements (persons), spending (EUR) and refusals (spends refused by its budget caps).
pub fn policies_csv(model: &Model, records: &[Vec<StepRecord>]) -> String {
    use crate::policy::book::col;
    let s = &model.scenario;
    let ppa = s.persons_per_agent();
    let mut out = String::from("replication,step,date,policy,kind");
    for name in col::NAMES {
        out.push(',');
        out.push_str(name);
    }
    out.push('\n');
    for (rep, series) in records.iter().enumerate() {
        for rec in series {
            let d = date(model, rec.step);
            for (p, policy) in s.policies.iter().enumerate() {
                let f = &rec.policy.by_policy[p];
                let _ = write!(
                    out,
                    "{rep},{},{d},{},{}",
                    rec.step,
                    csv_field(&policy.name),
                    policy.kind.name()
                );
                for (c, x) in f.iter().enumerate() {
                    let x = if c == col::SPENDING { *x } else { x * ppa };
                    let _ = write!(
                        out,
                        ",{}",
                        if c == col::SPENDING {
                            format!("{x:.2}")
                        } else {
                            format_value(0, x)
                        }
                    );
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Split one CSV line, honouring double quotes.
pub fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out
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

/// Mean and the 5th and 95th percentiles (linear interpolation between order statistics).
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

/// `bands.csv`: per (step, level, key, metric) the mean and 5-95 % band over replications.
pub fn bands_csv(model: &Model, records: &[Vec<StepRecord>]) -> String {
    let mut out = String::from("step,date,level,key,metric,mean,p05,p95\n");
    let steps = records[0].len();
    let mut scratch = Vec::with_capacity(records.len());
    for step in 0..steps {
        let per_rep: Vec<Vec<Row>> = records.iter().map(|s| rows(model, &s[step])).collect();
        let d = date(model, records[0][step].step);
        for (r, row) in per_rep[0].iter().enumerate() {
            for (col, name) in COLUMNS.iter().enumerate() {
                scratch.clear();
                scratch.extend(per_rep.iter().map(|rows| rows[r].values[col]));
                let (mean, lo, hi) = band(&scratch).unwrap_or((f64::NAN, f64::NAN, f64::NAN));
                let _ = writeln!(
                    out,
                    "{},{d},{},{},{name},{},{},{}",
                    records[0][step].step,
                    row.level,
                    csv_field(&row.key),
                    fmt_band(mean),
                    fmt_band(lo),
                    fmt_band(hi)
                );
            }
        }
    }
    out
}

fn fmt_band(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.6}")
    } else {
        String::new()
    }
}

/// What `manifest.json` records about a run.
#[derive(Serialize)]
pub struct Manifest {
    pub labsim_version: &'static str,
    pub scenario: String,
    pub scenario_file: String,
    pub scenario_hash: String,
    pub seed: u64,
    pub replications: u32,
    pub threads: usize,
    pub workers: u64,
    pub persons: f64,
    pub scale: f64,
    pub steps: u32,
    pub start: Option<String>,
    pub wall_seconds: f64,
    pub agent_steps_per_second: f64,
    pub state_bytes: usize,
    pub state_bytes_per_worker: f64,
    pub peak_rss_bytes: Option<u64>,
    pub stage_seconds: std::collections::BTreeMap<&'static str, f64>,
    pub files: Vec<&'static str>,
}

impl Manifest {
    pub fn new(model: &Model, result: &RunResult, files: Vec<&'static str>) -> Manifest {
        let s = &model.scenario;
        let sim = &s.simulation;
        Manifest {
            labsim_version: env!("CARGO_PKG_VERSION"),
            scenario: s.name.clone(),
            scenario_file: s.file.display().to_string(),
            scenario_hash: s.hash.clone(),
            seed: sim.seed,
            replications: sim.replications,
            threads: result.threads,
            workers: result.agents,
            persons: (result.agents as f64 * s.persons_per_agent() * 100.0).round() / 100.0,
            scale: sim.scale,
            steps: sim.steps,
            start: sim.start.map(|d| d.to_string()),
            wall_seconds: result.wall_seconds,
            agent_steps_per_second: result.agent_steps_per_second(sim.steps),
            state_bytes: result.state_bytes,
            state_bytes_per_worker: result.state_bytes as f64 / result.agents.max(1) as f64,
            peak_rss_bytes: peak_rss_bytes(),
            stage_seconds: STAGES.iter().copied().zip(result.stage_seconds).collect(),
            files,
        }
    }
}

/// Peak resident memory of this process (Linux `VmHWM`), if the platform tells.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Write every file of a run into `dir`: first all to temporary names, then renamed into place.
/// On failure nothing in `dir` is replaced. A stale `bands.csv` or `policies.csv` of an
/// earlier run is removed once the new files are in place.
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
    let mut names: Vec<&'static str> = files.iter().map(|f| f.0).collect();
    names.push("manifest.json");
    let manifest = Manifest::new(model, result, names);
    let json = serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n";
    files.push(("manifest.json", json));
    let written = write_all_atomic(dir, &files)?;
    // Optional files an earlier run left that this run did not write would be read as its own.
    for optional in ["bands.csv", "policies.csv"] {
        let stale = dir.join(optional);
        if !files.iter().any(|f| f.0 == optional) && stale.exists() {
            let _ = std::fs::remove_file(stale);
        }
    }
    Ok(written)
}

/// Write `files` (name, contents) into `dir` via temporary files and renames.
pub fn write_all_atomic(dir: &Path, files: &[(&str, String)]) -> Result<Vec<PathBuf>, RunError> {
    let fail = |path: &Path, source| RunError::Write {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    let pid = std::process::id();
    let mut temps = Vec::new();
    for (name, contents) in files {
        let tmp = dir.join(format!(".{name}.tmp-{pid}"));
        if let Err(e) = std::fs::write(&tmp, contents) {
            for t in &temps {
                let _ = std::fs::remove_file(t);
            }
            let _ = std::fs::remove_file(&tmp);
            return Err(fail(&tmp, e));
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
