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
use crate::output::{round_sig, CsvRow, CsvText, Metrics, PoliciesRow, Problem, ReadError};
use crate::output::{Reader, SeriesRow, Table};

/// A run's output file that is there but cannot be read as labsim wrote it.
impl From<ReadError> for SweepError {
    fn from(e: ReadError) -> SweepError {
        SweepError::Corrupt {
            path: e.path,
            message: e.problem.to_string(),
        }
    }
}

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
    let path = dir.join("plan.csv");
    let table = Table::read(&path).map_err(|e| match e.problem {
        Problem::Io(err) => SweepError::Usage(format!(
            "{}: cannot read it ({err}); is {} the output directory of `labsim sweep run`?",
            path.display(),
            dir.display()
        )),
        _ => e.into(),
    })?;
    let corrupt = |message: String| SweepError::Corrupt {
        path: path.clone(),
        message,
    };
    let header = table.header;
    if header.len() < PLAN_FIXED.len() || header[..PLAN_FIXED.len()] != PLAN_FIXED {
        return Err(corrupt(format!(
            "the header must start with {}",
            PLAN_FIXED.join(",")
        )));
    }
    let mut rows = Vec::new();
    for (i, mut row) in table.rows.into_iter().enumerate() {
        if row[0] != i.to_string() {
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
/// What `merge` and the figures drawn after it make in a sweep directory: all else is the
/// plan's and the runs'.
pub const MADE: [&str; 4] = ["runs.csv", "summary.csv", "plots", "report.html"];

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
        move |source| {
            SweepError::Run(RunError::Write {
                path,
                error: source,
            })
        }
    };
    let result = (|| {
        let file = File::create(&tmp_runs).map_err(write_err(&tmp_runs))?;
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(BufWriter::new(file));
        let mut prefix_header: Vec<&str> = vec!["run", "scenario", "replication", "seed"];
        prefix_header.extend(plan.parameters.iter().map(String::as_str));
        // The series' columns after its replication, which the run's prefix replaces.
        let series_columns = SeriesRow::columns();
        let header = prefix_header.iter().chain(&series_columns[1..]);
        w.write_record(header)
            .map_err(|e| write_err(&tmp_runs)(io_error(e)))?;
        let mut summary: CsvText = CsvText::with_header(
            prefix_header
                .iter()
                .copied()
                .chain(meta.outcomes.measures.iter().map(String::as_str)),
        );
        for (k, prefix) in plan.rows.iter().enumerate() {
            let series = run_dir(k).join("series.csv");
            let means =
                copy_series(&series, prefix, &mut w, &meta, &run_dir(k)).map_err(|e| match e {
                    CopyError::Write(source) => write_err(&tmp_runs)(source),
                    CopyError::Sweep(e) => e,
                })?;
            summary.push_fields(prefix.iter().cloned().chain(means.into_iter().map(number)));
        }
        w.flush().map_err(write_err(&tmp_runs))?;
        w.into_inner()
            .map_err(|e| write_err(&tmp_runs)(e.into_error()))?
            .into_inner()
            .map_err(|e| write_err(&tmp_runs)(e.into_error()))?
            .sync_all()
            .map_err(write_err(&tmp_runs))?;
        Ok(summary.finish())
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

/// The I/O error under a `csv` error writing a file (the only kind writing strings can give).
fn io_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

enum CopyError {
    Write(std::io::Error),
    Sweep(SweepError),
}

impl From<ReadError> for CopyError {
    fn from(e: ReadError) -> Self {
        CopyError::Sweep(e.into())
    }
}

/// Copy one run's `series.csv` into `runs.csv`, each line with `prefix` (the run's plan row) in
/// place of its replication and its other fields as they are, and return the run's measures.
fn copy_series<W: Write>(
    path: &Path,
    prefix: &[String],
    w: &mut csv::Writer<W>,
    meta: &Meta,
    run_dir: &Path,
) -> Result<Vec<f64>, CopyError> {
    let corrupt = |message: String| {
        CopyError::Sweep(SweepError::Corrupt {
            path: path.to_path_buf(),
            message,
        })
    };
    let mut series = Reader::<SeriesRow>::open(path)?;
    if !series.headers().iter().eq(SeriesRow::columns()) {
        return Err(corrupt(
            "its columns are not those of this labsim version's series.csv".into(),
        ));
    }
    let window = |step: u32| {
        step >= meta.outcomes.from_step && meta.outcomes.to_step.is_none_or(|t| step <= t)
    };
    let wanted: Vec<Option<usize>> = meta
        .outcomes
        .measures
        .iter()
        .map(|m| Metrics::NAMES.iter().position(|c| c == m))
        .collect();
    let mut sums = vec![0.0; wanted.len()];
    let mut steps = 0u32;
    while let Some(row) = series.next_row()? {
        let fields = prefix
            .iter()
            .map(String::as_str)
            .chain(series.record().iter().skip(1));
        w.write_record(fields)
            .map_err(|e| CopyError::Write(io_error(e)))?;
        let step = row.id.step;
        if row.id.level != "total" || !window(step) {
            continue;
        }
        steps += 1;
        let values = row.metrics.values();
        for (sum, col) in sums.iter_mut().zip(&wanted) {
            if let Some(c) = *col {
                if values[c].is_nan() {
                    return Err(corrupt(format!(
                        "step {step}: `{}` is empty (undefined), so it has no mean over the outcome window",
                        Metrics::NAMES[c]
                    )));
                }
                *sum += values[c];
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
    let rows = match crate::output::read::<PoliciesRow>(path) {
        Ok(rows) => rows,
        Err(ReadError {
            problem: Problem::Io(e),
            ..
        }) => {
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
        Err(e) => return Err(e.into()),
    };
    let mut total = 0.0;
    for row in rows.iter().filter(|r| window(r.step)) {
        if row.spending.is_nan() {
            return Err(corrupt(format!(
                "step {}, policy `{}`: spending is empty",
                row.step, row.policy
            )));
        }
        total += row.spending;
    }
    Ok(total)
}

/// A measure as written in `summary.csv`: ten significant digits, shortest form.
fn number(x: f64) -> String {
    format!("{}", round_sig(x, 10))
}
