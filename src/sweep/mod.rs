//! Sweeps: many runs of one or more scenarios with parameters varied by key path, planned up
//! front, run in any slice on any machine (a Slurm array task is one slice), resumed after an
//! interruption, and merged into one tidy table.
//!
//! `file.rs` reads a sweep file, `design.rs` turns its parameters into points (a full grid or a
//! Latin hypercube), this module turns points into a [`Plan`] of numbered runs, `exec.rs` runs a
//! shard of a plan into `DIR/runs/`, `merge.rs` gathers them into `runs.csv` and `summary.csv`,
//! and `slurm.rs` writes the sbatch script of an array job.
//!
//! A run's output depends only on the plan: its scenario, its parameter values and its seed,
//! which comes from the sweep seed and the run's replication number (with common random
//! numbers, the default) or its index. Never on the shard, the machine or the thread count.

mod design;
pub mod exec;
mod file;
pub mod merge;
pub mod slurm;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{RunError, ScenarioError};
use crate::output::CsvText;
use crate::scenario::{keypath::KeyPath, Override, Scenario, Source};

pub use design::{latin_hypercube, Design};
pub use file::load;

/// What can go wrong with a sweep.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A sweep file that cannot be read or breaks a rule (exit 2).
    #[error("{file}: {message}")]
    File { file: PathBuf, message: String },
    /// A scenario of the sweep, or a parameter value it cannot take (exit 2).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Bad usage: a shard out of range, an output directory of another sweep (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Planned runs that `merge` did not find (exit 1).
    #[error("{dir}: {} of {planned} planned runs are missing: {}; run `labsim sweep run` again for them (completed runs are skipped)", .missing.len(), ranges(.missing))]
    Missing {
        dir: PathBuf,
        planned: usize,
        missing: Vec<usize>,
    },
    /// A run's output that is there but cannot be used (exit 1).
    #[error("{path}: {message}")]
    Corrupt { path: PathBuf, message: String },
    #[error(transparent)]
    Run(#[from] RunError),
}

impl SweepError {
    /// The exit status the binary should use: 2 for bad input, 1 for failures at run time.
    pub fn exit_code(&self) -> u8 {
        match self {
            SweepError::File { .. } | SweepError::Scenario(_) | SweepError::Usage(_) => 2,
            SweepError::Missing { .. } | SweepError::Corrupt { .. } | SweepError::Run(_) => 1,
        }
    }
}

/// `0-3, 7, 9-10` for a sorted list of indices.
pub fn ranges(xs: &[usize]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < xs.len() {
        let mut j = i;
        while j + 1 < xs.len() && xs[j + 1] == xs[j] + 1 {
            j += 1;
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        if j == i {
            let _ = write!(out, "{}", xs[i]);
        } else {
            let _ = write!(out, "{}-{}", xs[i], xs[j]);
        }
        i = j + 1;
    }
    out
}

/// A parameter of the sweep: a key path and how its values are given.
#[derive(Clone, Debug)]
pub struct Parameter {
    pub key: KeyPath,
    pub values: design::Values,
}

/// The per-run measures of `summary.csv` and the steps they are averaged over.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Outcomes {
    pub measures: Vec<String>,
    pub from_step: u32,
    pub to_step: Option<u32>,
}

/// A sweep file, checked.
#[derive(Clone, Debug)]
pub struct Sweep {
    pub file: PathBuf,
    pub name: String,
    pub description: String,
    /// Scenario files, relative to the working directory.
    pub scenarios: Vec<PathBuf>,
    pub replications: u32,
    pub seed: u64,
    pub common_random_numbers: bool,
    /// Values set in every run (`[set]`).
    pub fixed: Vec<Override>,
    pub design: Design,
    pub parameters: Vec<Parameter>,
    pub outcomes: Outcomes,
}

/// One planned run.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRun {
    pub index: usize,
    pub scenario: usize,
    pub point: usize,
    pub replication: u32,
    pub seed: u64,
}

/// What `sweep.json` records of a sweep: enough for `merge` and `plot` to work from the output
/// directory alone.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    pub labsim_version: String,
    pub name: String,
    pub description: String,
    pub design: String,
    pub parameters: Vec<String>,
    pub replications: u32,
    pub runs: usize,
    pub seed: u64,
    pub common_random_numbers: bool,
    pub outcomes: Outcomes,
}

/// Every run of a sweep, in order, with the scenario it builds checked.
pub struct Plan {
    pub sweep: Sweep,
    sources: Vec<Source>,
    pub scenario_names: Vec<String>,
    /// `points[p][k]`: the value of parameter `k` at point `p`.
    pub points: Vec<Vec<toml::Value>>,
    /// `hashes[scenario][point]`: the resolved scenario's hash.
    pub hashes: Vec<Vec<String>>,
    pub runs: Vec<PlannedRun>,
}

/// Most runs one sweep may plan.
pub const MAX_RUNS: usize = 1_000_000;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The seed of a run: a mix of the sweep seed and `key` (the replication number with common
/// random numbers, the run index without).
pub fn run_seed(sweep_seed: u64, key: u64) -> u64 {
    use crate::rng::mix64;
    mix64(sweep_seed ^ mix64((key + 1).wrapping_mul(GOLDEN))) >> 1
}

impl Plan {
    /// Expand the design and check that every scenario accepts every point: a key path that
    /// does not exist, or a value its key cannot take, is reported here, before anything runs.
    pub fn new(sweep: Sweep) -> Result<Plan, SweepError> {
        Plan::checked(sweep, &|| {})
    }

    /// [`Plan::new`], calling `on_point` as each point of each scenario is checked (a plan of a
    /// million runs takes minutes to check); points are checked in parallel.
    pub fn checked(sweep: Sweep, on_point: &(dyn Fn() + Sync)) -> Result<Plan, SweepError> {
        use rayon::prelude::*;
        let points = sweep.design.points(&sweep)?;
        let n_runs = points.len() * sweep.scenarios.len() * sweep.replications as usize;
        if n_runs > MAX_RUNS {
            return Err(SweepError::File {
                file: sweep.file.clone(),
                message: format!(
                    "the plan has {n_runs} runs; at most {MAX_RUNS} are supported (split the sweep)"
                ),
            });
        }
        let mut sources = Vec::new();
        let mut scenario_names = Vec::new();
        let mut hashes = Vec::new();
        for path in &sweep.scenarios {
            let source = Source::read(path)?;
            let keys: Vec<&KeyPath> = sweep
                .fixed
                .iter()
                .map(|o| &o.key)
                .chain(sweep.parameters.iter().map(|p| &p.key))
                .collect();
            if let Some((a, b)) = crate::scenario::keypath::same_value(&keys, source.table()) {
                return Err(SweepError::File {
                    file: sweep.file.clone(),
                    message: format!(
                        "`{a}` and `{b}` name the same value of {}; set it once",
                        path.display()
                    ),
                });
            }
            let checked: Vec<(String, String)> = points
                .par_iter()
                .map(|point| {
                    let s = build(&sweep, &source, point, Vec::new())?;
                    on_point();
                    if sweep.outcomes.from_step > s.simulation.steps {
                        return Err(SweepError::File {
                            file: sweep.file.clone(),
                            message: format!(
                                "key `outcomes.from_step` = {}: after the last step of {} ({}); the outcome window is empty",
                                sweep.outcomes.from_step,
                                path.display(),
                                s.simulation.steps
                            ),
                        });
                    }
                    Ok((s.name, s.hash))
                })
                .collect::<Vec<_>>()
                // The first failing point in order, whichever thread found it.
                .into_iter()
                .collect::<Result<_, _>>()?;
            let name = checked.last().map(|c| c.0.clone()).unwrap_or_default();
            let per_point: Vec<String> = checked.into_iter().map(|c| c.1).collect();
            scenario_names.push(name);
            hashes.push(per_point);
            sources.push(source);
        }
        let r = sweep.replications as usize;
        let runs = (0..n_runs)
            .map(|index| {
                let replication = (index % r) as u32;
                let point = index / r % points.len();
                let scenario = index / r / points.len();
                let key = if sweep.common_random_numbers {
                    u64::from(replication)
                } else {
                    index as u64
                };
                PlannedRun {
                    index,
                    scenario,
                    point,
                    replication,
                    seed: run_seed(sweep.seed, key),
                }
            })
            .collect();
        Ok(Plan {
            sweep,
            sources,
            scenario_names,
            points,
            hashes,
            runs,
        })
    }

    /// The scenario of one run, ready to simulate: one replication with the run's seed.
    pub fn scenario(&self, run: &PlannedRun) -> Result<Scenario, SweepError> {
        let origin = &self.sweep.file;
        let run_settings = vec![
            Override::seed(run.seed, origin),
            Override::simulation("replications", 1u32.into(), origin),
        ];
        build(
            &self.sweep,
            &self.sources[run.scenario],
            &self.points[run.point],
            run_settings,
        )
    }

    /// The overrides of one run, as `key=value` pairs.
    pub fn overrides(&self, run: &PlannedRun) -> Vec<(String, String)> {
        self.sweep
            .parameters
            .iter()
            .zip(&self.points[run.point])
            .map(|(p, v)| (p.key.to_string(), value_text(v)))
            .collect()
    }

    /// Width of the zero-padded run numbers in directory names.
    pub fn width(&self) -> usize {
        width(self.runs.len())
    }

    /// `runs/000042`: the directory of run `index`, relative to the output directory.
    pub fn run_dir(&self, index: usize) -> PathBuf {
        run_dir(index, self.runs.len())
    }

    /// `plan.csv`: one row per run with its scenario, replication, seed, scenario hash and
    /// parameter values.
    pub fn csv(&self) -> String {
        let mut header: Vec<String> = ["run", "scenario", "replication", "seed", "scenario_hash"]
            .iter()
            .map(|c| c.to_string())
            .collect();
        header.extend(self.sweep.parameters.iter().map(|p| p.key.to_string()));
        let mut out: CsvText = CsvText::with_header(header);
        for run in &self.runs {
            let mut fields = vec![
                run.index.to_string(),
                self.scenario_names[run.scenario].clone(),
                run.replication.to_string(),
                run.seed.to_string(),
                self.hashes[run.scenario][run.point].clone(),
            ];
            fields.extend(self.points[run.point].iter().map(value_text));
            out.push_fields(fields);
        }
        out.finish()
    }

    pub fn meta(&self) -> Meta {
        let s = &self.sweep;
        Meta {
            labsim_version: env!("CARGO_PKG_VERSION").to_string(),
            name: s.name.clone(),
            description: s.description.clone(),
            design: s.design.describe(),
            parameters: s.parameters.iter().map(|p| p.key.to_string()).collect(),
            replications: s.replications,
            runs: self.runs.len(),
            seed: s.seed,
            common_random_numbers: s.common_random_numbers,
            outcomes: s.outcomes.clone(),
        }
    }

    /// What `labsim sweep plan` prints: one line per run, then the count.
    pub fn describe(&self) -> String {
        let s = &self.sweep;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:>w$}  {:<24} {:>4}  {:>20}  overrides",
            "run",
            "scenario",
            "rep",
            "seed",
            w = self.width()
        );
        for run in &self.runs {
            let overrides: Vec<String> = self
                .overrides(run)
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let _ = writeln!(
                out,
                "{:0w$}  {:<24} {:>4}  {:>20}  {}",
                run.index,
                self.scenario_names[run.scenario],
                run.replication,
                run.seed,
                overrides.join(" "),
                w = self.width()
            );
        }
        let _ = writeln!(
            out,
            "{} runs: {} scenario(s) x {} point(s) ({}) x {} replication(s); seed {}{}",
            self.runs.len(),
            s.scenarios.len(),
            self.points.len(),
            s.design.describe(),
            s.replications,
            s.seed,
            if s.common_random_numbers {
                ", common random numbers across points"
            } else {
                ""
            }
        );
        out
    }
}

/// Width of the zero-padded run numbers of a plan of `runs` runs: at least 6 digits.
pub fn width(runs: usize) -> usize {
    runs.saturating_sub(1).to_string().len().max(6)
}

/// `runs/000042`: the directory of run `index` of a plan of `runs` runs, relative to the
/// output directory.
pub fn run_dir(index: usize, runs: usize) -> PathBuf {
    PathBuf::from("runs").join(format!("{index:0w$}", w = width(runs)))
}

/// Build the scenario of one point of the sweep: `[set]`, then the point's parameter values,
/// then `then` (a run's seed and replications; none for the plan's hash of the point).
fn build(
    sweep: &Sweep,
    source: &Source,
    point: &[toml::Value],
    then: Vec<Override>,
) -> Result<Scenario, SweepError> {
    let mut overrides = sweep.fixed.clone();
    overrides.extend(sweep.parameters.iter().zip(point).map(|(p, v)| Override {
        key: p.key.clone(),
        value: v.clone(),
        origin: sweep.file.clone(),
    }));
    overrides.extend(then);
    Ok(source.build(&overrides)?)
}

/// A parameter value as CSV and plan text: numbers as Rust prints them (shortest round trip),
/// strings bare, anything else as TOML.
pub fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(x) => format!("{x}"),
        toml::Value::String(s) => s.clone(),
        toml::Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Read `dir/name`, a file `labsim sweep run` writes; a missing one means `dir` is not a
/// sweep's output directory (exit 2).
pub(crate) fn read_output_file(dir: &Path, name: &str) -> Result<(PathBuf, String), SweepError> {
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok((path, text)),
        Err(e) => Err(SweepError::Usage(format!(
            "{}: cannot read it ({e}); is {} the output directory of `labsim sweep run`?",
            path.display(),
            dir.display()
        ))),
    }
}

/// Read `dir/sweep.json`.
pub fn read_meta(dir: &Path) -> Result<Meta, SweepError> {
    let (path, text) = read_output_file(dir, "sweep.json")?;
    serde_json::from_str(&text).map_err(|e| SweepError::Corrupt {
        path,
        message: format!("not a sweep description: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_compress_runs_of_indices() {
        assert_eq!(ranges(&[0, 1, 2, 3, 7, 9, 10]), "0-3, 7, 9-10");
        assert_eq!(ranges(&[5]), "5");
        assert_eq!(ranges(&[]), "");
    }

    #[test]
    fn run_seeds_differ_and_fit_in_toml_integers() {
        let seeds: std::collections::BTreeSet<u64> = (0..1000).map(|k| run_seed(7, k)).collect();
        assert_eq!(seeds.len(), 1000);
        assert!(seeds.iter().all(|&s| s <= i64::MAX as u64));
        assert_ne!(run_seed(7, 0), run_seed(8, 0));
    }
}
