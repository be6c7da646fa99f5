//! Merging a sweep's runs: check that every planned run is there, then write `runs.csv` (one
//! row per run x step x level x key, the run's parameters as columns) and `summary.csv` (one
//! row per run, each chosen measure averaged over the outcome window at the total level).
//!
//! Both are built from the runs' CSV files alone, in run order, so the bytes do not depend on
//! how the runs were sharded, interrupted or resumed.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::file::POLICY_SPENDING;
use super::{read_meta, Meta, SweepError};
use crate::error::RunError;
use crate::output::{csv_field, round_sig, split_csv, COLUMNS};

/// The plan as `merge` reads it back from `plan.csv`.
pub struct PlanTable {
    /// Parameter keys, in column order.
    pub parameters: Vec<String>,
    /// Per run: run, scenario, replication, seed, then parameter values.
    pub rows: Vec<Vec<String>>,
}

/// Columns of `plan.csv` before the parameters.
const PLAN_FIXED: [&str; 5] = ["run", "scenario", "replication", "seed", "scenario_hash"];

/// Read `dir/plan.csv`.
pub fn read_plan(dir: &Path) -> Result<PlanTable, SweepError> {
    let (path, text) = super::read_output_file(dir, "plan.csv")?;
    let corrupt = |message: String| SweepError::Corrupt {
        path: path.clone(),
        message,
    };
    let mut lines = text.lines();
    let header = split_csv(lines.next().unwrap_or_default());
    if header.len() < PLAN_FIXED.len() || header[..PLAN_FIXED.len()] != PLAN_FIXED {
        return Err(corrupt(format!(
            "the header must start with {}",
            PLAN_FIXED.join(",")
        )));
    }
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let mut row = split_csv(line);
        if row.len() != header.len() || row[0] != i.to_string() {
            return Err(corrupt(format!(
                "line {} is not run {i} of the plan",
                i + 2
            )));
        }
        row.remove(4); // the scenario hash is for checking a resumed plan, not for analysis
        rows.push(row);
    }
    Ok(PlanTable {
        parameters: header[PLAN_FIXED.len()..].to_vec(),
        rows,
    })
}

/// What `merge` wrote.
pub struct Merged {
    pub runs: usize,
    pub files: Vec<PathBuf>,
}

/// Check that every planned run in `dir` is complete, then write `runs.csv` and `summary.csv`.
pub fn merge(dir: &Path) -> Result<Merged, SweepError> {
    let meta = read_meta(dir)?;
    let plan = read_plan(dir)?;
    if plan.rows.len() != meta.runs {
        return Err(SweepError::Corrupt {
            path: dir.join("plan.csv"),
            message: format!(
                "{} runs, but sweep.json says {}",
                plan.rows.len(),
                meta.runs
            ),
        });
    }
    let run_dir = |k: usize| dir.join(super::run_dir(k, plan.rows.len()));
    let missing: Vec<usize> = (0..plan.rows.len())
        .filter(|&k| !run_dir(k).join("manifest.json").is_file())
        .collect();
    if !missing.is_empty() {
        return Err(SweepError::Missing {
            dir: dir.to_path_buf(),
            planned: plan.rows.len(),
            missing,
        });
    }

    let runs_path = dir.join("runs.csv");
    let tmp_runs = dir.join(format!(".runs.csv.tmp-{}", std::process::id()));
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SweepError::Run(RunError::Write { path, source })
    };
    let result =
        (|| {
            let file = File::create(&tmp_runs).map_err(write_err(&tmp_runs))?;
            let mut w = BufWriter::new(file);
            let mut summary = String::new();
            let prefix_header = {
                let mut cols: Vec<String> = ["run", "scenario", "replication", "seed"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                cols.extend(plan.parameters.iter().map(|p| csv_field(p)));
                cols.join(",")
            };
            writeln!(
                w,
                "{prefix_header},step,date,level,key,{}",
                COLUMNS.join(",")
            )
            .map_err(write_err(&tmp_runs))?;
            summary.push_str(&prefix_header);
            for m in &meta.outcomes.measures {
                summary.push(',');
                summary.push_str(m);
            }
            summary.push('\n');
            for (k, row) in plan.rows.iter().enumerate() {
                let prefix: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
                let prefix = prefix.join(",");
                let series = run_dir(k).join("series.csv");
                let text = std::fs::read_to_string(&series).map_err(|e| SweepError::Corrupt {
                    path: series.clone(),
                    message: format!("cannot read it: {e}"),
                })?;
                let means = copy_series(&text, &series, &prefix, &mut w, &meta, &run_dir(k))
                    .map_err(|e| match e {
                        CopyError::Write(source) => write_err(&tmp_runs)(source),
                        CopyError::Sweep(e) => e,
                    })?;
                summary.push_str(&prefix);
                for x in means {
                    summary.push(',');
                    summary.push_str(&number(x));
                }
                summary.push('\n');
            }
            w.flush().map_err(write_err(&tmp_runs))?;
            w.into_inner()
                .map_err(|e| write_err(&tmp_runs)(e.into_error()))?
                .sync_all()
                .map_err(write_err(&tmp_runs))?;
            Ok(summary)
        })();
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp_runs);
            return Err(e);
        }
    };
    std::fs::rename(&tmp_runs, &runs_path).map_err(write_err(&runs_path))?;
    let mut files = vec![runs_path];
    files.extend(crate::output::write_all_atomic(
        dir,
        &[("summary.csv", summary)],
    )?);
    Ok(Merged {
        runs: plan.rows.len(),
        files,
    })
}

enum CopyError {
    Write(std::io::Error),
    Sweep(SweepError),
}

impl From<std::io::Error> for CopyError {
    fn from(e: std::io::Error) -> Self {
        CopyError::Write(e)
    }
}

/// Copy one run's `series.csv` into `runs.csv` with `prefix` in place of its replication, and
/// return the run's measures.
fn copy_series(
    text: &str,
    path: &Path,
    prefix: &str,
    w: &mut impl Write,
    meta: &Meta,
    run_dir: &Path,
) -> Result<Vec<f64>, CopyError> {
    let corrupt = |message: String| {
        CopyError::Sweep(SweepError::Corrupt {
            path: path.to_path_buf(),
            message,
        })
    };
    let mut lines = text.lines();
    let expected = format!("replication,step,date,level,key,{}", COLUMNS.join(","));
    if lines.next() != Some(expected.as_str()) {
        return Err(corrupt(
            "its header is not that of this labsim version's series.csv".into(),
        ));
    }
    let window = |step: u32| {
        step >= meta.outcomes.from_step && meta.outcomes.to_step.is_none_or(|t| step <= t)
    };
    let wanted: Vec<Option<usize>> = meta
        .outcomes
        .measures
        .iter()
        .map(|m| COLUMNS.iter().position(|c| c == m))
        .collect();
    let mut sums = vec![0.0; wanted.len()];
    let mut steps = 0u32;
    for line in lines {
        let rest = line
            .split_once(',')
            .map(|(_, rest)| rest)
            .ok_or_else(|| corrupt(format!("a line without fields: {line:?}")))?;
        writeln!(w, "{prefix},{rest}")?;
        let fields = split_csv(rest);
        if fields.len() != 4 + COLUMNS.len() {
            return Err(corrupt(format!("a line with {} fields", fields.len() + 1)));
        }
        let step: u32 = fields[0]
            .parse()
            .map_err(|_| corrupt(format!("step {:?} is not a number", fields[0])))?;
        if fields[2] != "total" || !window(step) {
            continue;
        }
        steps += 1;
        for (sum, col) in sums.iter_mut().zip(&wanted) {
            if let Some(c) = col {
                let text = &fields[4 + c];
                *sum += text.parse::<f64>().map_err(|_| {
                    corrupt(format!(
                        "step {step}: `{}` is not a number: {text:?}",
                        COLUMNS[*c]
                    ))
                })?;
            }
        }
    }
    if steps == 0 {
        return Err(CopyError::Sweep(SweepError::Usage(format!(
            "{}: no step of the run is in the outcome window (outcomes.from_step = {}); lower it",
            path.display(),
            meta.outcomes.from_step
        ))));
    }
    if meta.outcomes.measures.iter().any(|m| m == POLICY_SPENDING) {
        let spending =
            policy_spending(&run_dir.join("policies.csv"), &window).map_err(CopyError::Sweep)?;
        for (sum, m) in sums.iter_mut().zip(&meta.outcomes.measures) {
            if m == POLICY_SPENDING {
                *sum = spending;
            }
        }
    }
    Ok(sums.into_iter().map(|s| s / f64::from(steps)).collect())
}

/// Total policy spending over the window's steps (0 for a run without policies, which writes
/// no `policies.csv`; its `manifest.json` lists the files it wrote).
fn policy_spending(path: &Path, window: &dyn Fn(u32) -> bool) -> Result<f64, SweepError> {
    let corrupt = |message: String| SweepError::Corrupt {
        path: path.to_path_buf(),
        message,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            let manifest = path.with_file_name("manifest.json");
            let listed =
                std::fs::read_to_string(&manifest).is_ok_and(|m| m.contains("\"policies.csv\""));
            if listed {
                return Err(corrupt(format!(
                    "the run wrote it but it cannot be read: {e}"
                )));
            }
            return Ok(0.0);
        }
    };
    let mut lines = text.lines();
    let header = split_csv(lines.next().unwrap_or_default());
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| corrupt(format!("missing column `{name}`")))
    };
    let (step_col, spend_col) = (col("step")?, col("spending")?);
    let mut total = 0.0;
    for line in lines {
        let f = split_csv(line);
        let step: u32 = f
            .get(step_col)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| corrupt(format!("a line without a step: {line:?}")))?;
        if window(step) {
            total += f
                .get(spend_col)
                .and_then(|s| s.parse::<f64>().ok())
                .ok_or_else(|| corrupt(format!("step {step}: spending is not a number")))?;
        }
    }
    Ok(total)
}

/// A measure as written in `summary.csv`: ten significant digits, shortest form.
fn number(x: f64) -> String {
    format!("{}", round_sig(x, 10))
}
