//! Running a shard of a plan: run `k` belongs to shard `k mod N`. Each run is written to
//! `runs/.NNNNNN.tmp-HOST-PID/` and renamed to `runs/NNNNNN/` once complete, so a directory
//! that exists is a finished run; a killed shard leaves at most temporary directories, which a
//! later attempt on the same host removes once their process is gone. Running the same command
//! again resumes.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::{Plan, PlannedRun, SweepError};
use crate::error::RunError;
use crate::model::Model;
use crate::output::transaction::{host, process_is_dead};

/// Shard `index` of `count`: the runs whose index is `index` modulo `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Every run.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parse `I/N` with `0 <= I < N`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = |why: &str| format!("--shard {text}: {why}");
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| bad("write it as I/N, e.g. 0/4 (shards are numbered 0 to N-1)"))?;
        let index: usize = i
            .trim()
            .parse()
            .map_err(|_| bad("I must be a whole number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| bad("N must be a whole number"))?;
        Shard::new(index, count).map_err(|e| bad(&e))
    }

    fn new(index: usize, count: usize) -> Result<Shard, String> {
        if count == 0 {
            return Err("N must be at least 1".into());
        }
        if index >= count {
            return Err(format!(
                "I must be below N (shards are numbered 0 to {})",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// The shard of a Slurm array task: `SLURM_ARRAY_TASK_ID` of `SLURM_ARRAY_TASK_COUNT`;
    /// `None` outside an array job. Only an array submitted as `--array=0-(N-1)` maps task ids
    /// to shards this way: a list or stepped array (`--array=3,7`, a resubmission of some
    /// tasks) has a smaller count, so it is refused and needs `--shard` (the script of
    /// `labsim sweep slurm` always passes it).
    pub fn from_env() -> Result<Option<Shard>, String> {
        Self::from_vars(|k| std::env::var(k).ok())
    }

    /// [`Shard::from_env`] reading variables through `var`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Option<Shard>, String> {
        let Some(id) = var("SLURM_ARRAY_TASK_ID") else {
            return Ok(None);
        };
        let num = |name: &str, text: &str| {
            text.trim()
                .parse::<usize>()
                .map_err(|_| format!("{name}={text}: not a whole number"))
        };
        let id = num("SLURM_ARRAY_TASK_ID", &id)?;
        let count = var("SLURM_ARRAY_TASK_COUNT").ok_or(
            "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; pass --shard I/N",
        )?;
        let count = num("SLURM_ARRAY_TASK_COUNT", &count)?;
        let bound = |name: &str| var(name).map(|v| num(name, &v)).transpose();
        let (min, max) = (
            bound("SLURM_ARRAY_TASK_MIN")?,
            bound("SLURM_ARRAY_TASK_MAX")?,
        );
        let contiguous = min.unwrap_or(0) == 0 && max.is_none_or(|m| m + 1 == count);
        if !contiguous {
            return Err(format!(
                "array task {id}: the array is not 0-{} (SLURM_ARRAY_TASK_MIN={}, MAX={}), so its \
                 task ids are not shards; pass --shard I/N",
                count.saturating_sub(1),
                min.unwrap_or(0),
                max.map_or("?".to_string(), |m| m.to_string())
            ));
        }
        Shard::new(id, count).map(Some).map_err(|e| {
            format!(
                "array task {id} of {count}: {e}; submit the array as --array=0-{}",
                count.saturating_sub(1)
            )
        })
    }

    pub fn contains(&self, run: usize) -> bool {
        run % self.count == self.index
    }
}

/// What a shard reports as it goes.
#[derive(Clone, Copy, Debug)]
pub enum Event {
    /// A run found complete from an earlier attempt.
    Skipped { run: usize },
    /// A run finished now.
    Finished { run: usize, seconds: f64 },
}

/// What a shard did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Report {
    pub in_shard: usize,
    pub skipped: usize,
    pub ran: usize,
}

/// Write `plan.csv` and `sweep.json` into `out`, or check that the ones there are this plan's
/// (a directory of another sweep, or of the same sweep edited since, is refused).
pub fn prepare(plan: &Plan, out: &Path) -> Result<(), SweepError> {
    let files = [
        ("plan.csv", plan.csv()),
        (
            "sweep.json",
            serde_json::to_string_pretty(&plan.meta()).unwrap_or_default() + "\n",
        ),
    ];
    for (name, contents) in &files {
        let path = out.join(name);
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == *contents => {}
            Ok(_) => {
                return Err(SweepError::Usage(format!(
                    "{}: {} holds the output of a different sweep (or of this sweep before it or \
                     its scenarios were edited, or of another labsim version); use another --out, \
                     or remove the directory to start again",
                    path.display(),
                    out.display()
                )))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                crate::output::write_all_atomic(out, &[(name, contents.clone())])?;
            }
            Err(e) => {
                return Err(RunError::Write { path, error: e }.into());
            }
        }
    }
    std::fs::create_dir_all(out.join("runs")).map_err(|source| RunError::Write {
        path: out.join("runs"),
        error: source,
    })?;
    Ok(())
}

/// Has run `index` completed in `out`?
pub fn is_complete(plan: &Plan, out: &Path, index: usize) -> bool {
    out.join(plan.run_dir(index))
        .join("manifest.json")
        .is_file()
}

/// Run the runs of `shard` that are not complete yet, on `threads` threads (0: all cores).
/// Runs go in parallel, one thread each, when there are enough of them; otherwise their
/// threads share the step. Output does not depend on either.
pub fn run_shard(
    plan: &Plan,
    out: &Path,
    shard: Shard,
    threads: usize,
    on_event: &(dyn Fn(Event) + Sync),
) -> Result<Report, SweepError> {
    prepare(plan, out)?;
    let mine: Vec<&PlannedRun> = plan
        .runs
        .iter()
        .filter(|r| shard.contains(r.index))
        .collect();
    remove_stale(plan, out, shard);
    let mut todo = Vec::new();
    for run in &mine {
        if is_complete(plan, out, run.index) {
            on_event(Event::Skipped { run: run.index });
        } else {
            todo.push(*run);
        }
    }
    let threads = crate::output::threads_or_all(threads);
    let concurrent = threads.min(todo.len()).max(1);
    let inner = (threads / concurrent).max(1);
    let pool = crate::run::thread_pool(concurrent)?;
    pool.install(|| {
        todo.par_iter().try_for_each(|run| {
            let started = Instant::now();
            run_one(plan, out, run, inner)?;
            on_event(Event::Finished {
                run: run.index,
                seconds: started.elapsed().as_secs_f64(),
            });
            Ok::<(), SweepError>(())
        })
    })?;
    Ok(Report {
        in_shard: mine.len(),
        skipped: mine.len() - todo.len(),
        ran: todo.len(),
    })
}

/// Simulate one run and move its directory into place.
fn run_one(plan: &Plan, out: &Path, run: &PlannedRun, threads: usize) -> Result<(), SweepError> {
    let target = out.join(plan.run_dir(run.index));
    let runs = target.parent().unwrap_or(out).to_path_buf();
    let stem = target
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let model = Model::new(plan.scenario(run)?);
    let result = crate::run::run(&model, threads, &|| {})?;
    let tmp: PathBuf = runs.join(format!(".{stem}.tmp-{}-{}", host(), std::process::id()));
    crate::output::write_run(&tmp, &model, &result)?;
    if let Err(source) = std::fs::rename(&tmp, &target) {
        let _ = std::fs::remove_dir_all(&tmp);
        // Another process finished the same run first: its output is the same.
        if !target.join("manifest.json").is_file() {
            return Err(RunError::Write {
                path: target,
                error: source,
            }
            .into());
        }
    }
    Ok(())
}

/// Remove the temporary directories (`runs/.NNNNNN.tmp-HOST-PID`) that interrupted attempts at
/// this shard's runs left on this host: those whose process is gone. A live process's (another
/// `sweep run` on the same runs, a Slurm task still running) and another host's are left alone;
/// `merge` ignores them. Without `/proc` nothing is removed.
fn remove_stale(plan: &Plan, out: &Path, shard: Shard) {
    let Ok(entries) = std::fs::read_dir(out.join("runs")) else {
        return;
    };
    let me = host();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((index, owner)) = name
            .strip_prefix('.')
            .and_then(|rest| rest.split_once(".tmp-"))
        else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        let Some((owner_host, pid)) = owner.rsplit_once('-') else {
            continue;
        };
        let dead = process_is_dead(pid);
        if index < plan.runs.len() && shard.contains(index) && owner_host == me && dead {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_refuse_what_cannot_be() {
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 2, count: 3 }));
        for (bad, why) in [
            ("3/2", "I must be below N"),
            ("2/2", "I must be below N"),
            ("0/0", "N must be at least 1"),
            ("1", "write it as I/N"),
            ("a/2", "I must be a whole number"),
            ("-1/2", "I must be a whole number"),
        ] {
            let e = Shard::parse(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn slurm_variables_give_the_shard() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Shard::from_vars(vars(&[])), Ok(None));
        assert_eq!(
            Shard::from_vars(vars(&[
                ("SLURM_ARRAY_TASK_ID", "3"),
                ("SLURM_ARRAY_TASK_COUNT", "4")
            ])),
            Ok(Some(Shard { index: 3, count: 4 }))
        );
        assert_eq!(
            Shard::from_vars(vars(&[
                ("SLURM_ARRAY_TASK_ID", "4"),
                ("SLURM_ARRAY_TASK_MIN", "0"),
                ("SLURM_ARRAY_TASK_MAX", "4"),
                ("SLURM_ARRAY_TASK_COUNT", "5")
            ])),
            Ok(Some(Shard { index: 4, count: 5 }))
        );
        // A resubmission of tasks 3 and 7 (`--array=3,7`): ids are not shards of 2.
        let e = Shard::from_vars(vars(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "3"),
            ("SLURM_ARRAY_TASK_MAX", "7"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ]))
        .unwrap_err();
        assert!(e.contains("pass --shard I/N"), "{e}");
        assert!(Shard::from_vars(vars(&[("SLURM_ARRAY_TASK_ID", "3")])).is_err());
        assert!(Shard::from_vars(vars(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "4")
        ]))
        .is_err());
    }
}
