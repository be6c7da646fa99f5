//! `labsim sweep plan|run|slurm|merge`: the command-line side of [`labsim::sweep`].

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use labsim::sweep::{self, exec, slurm, Plan};

use super::{plot, progress, staged};
use crate::cli::{SweepCommand, SweepRunArgs, SweepSlurmArgs};
use crate::Failure;

pub fn sweep(command: SweepCommand) -> Result<(), Failure> {
    match command {
        SweepCommand::Plan { sweep } => {
            let plan = load_plan(&sweep)?;
            print!("{}", plan.describe());
            Ok(())
        }
        SweepCommand::Run(args) => run(args),
        SweepCommand::Slurm(args) => slurm_script(args),
        SweepCommand::Merge { dir, no_plots } => merge(&dir, no_plots),
    }
}

/// Load and check a sweep, with a progress bar over its points when there are many (a
/// million-run plan takes minutes to check).
fn load_plan(path: &Path) -> Result<Plan, Failure> {
    let s = sweep::load(path).map_err(Failure::Sweep)?;
    let points = s.design.points(&s).map_or(0, |p| p.len()) as u64 * s.scenarios.len() as u64;
    let many = points >= 10_000;
    if many {
        eprintln!(
            "checking {points} points of sweep {} against its scenarios",
            s.name
        );
    }
    let bar = progress::bar(
        !many,
        points,
        format!("checking sweep {}", s.name),
        "points",
    );
    let plan = Plan::checked(s, &|| bar.inc(1)).map_err(Failure::Sweep);
    bar.finish_and_clear();
    plan
}

fn out_dir(out: Option<PathBuf>, plan: &Plan) -> PathBuf {
    out.unwrap_or_else(|| PathBuf::from("output").join(format!("sweep-{}", plan.sweep.name)))
}

fn run(args: SweepRunArgs) -> Result<(), Failure> {
    let shard = match &args.shard {
        Some(text) => exec::Shard::parse(text).map_err(Failure::Usage)?,
        None => exec::Shard::from_env()
            .map_err(Failure::Usage)?
            .unwrap_or(exec::Shard::ALL),
    };
    let plan = load_plan(&args.sweep)?;
    let out = out_dir(args.out, &plan);
    let in_shard = plan.runs.iter().filter(|r| shard.contains(r.index)).count();
    let terminal = !args.quiet && std::io::stderr().is_terminal();
    let bar = progress::bar(
        !terminal,
        in_shard as u64,
        format!(
            "sweep {} shard {}/{}",
            plan.sweep.name, shard.index, shard.count
        ),
        "runs",
    );
    let done = AtomicUsize::new(0);
    let width = plan.width();
    let lines = !args.quiet && !terminal;
    let on_event = |e: exec::Event| {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        bar.inc(1);
        if let exec::Event::Finished { run, seconds } = e {
            if lines {
                eprintln!(
                    "run {run:0width$} done in {seconds:.2} s ({n}/{in_shard} of shard {}/{})",
                    shard.index, shard.count
                );
            }
        }
    };
    let threads = args.threads.unwrap_or(0) as usize;
    let report = exec::run_shard(&plan, &out, shard, threads, &on_event).map_err(Failure::Sweep)?;
    bar.finish_and_clear();
    if !args.quiet {
        eprintln!(
            "shard {}/{} of sweep {}: {} runs, {} ran now, {} were already complete; output in {}",
            shard.index,
            shard.count,
            plan.sweep.name,
            report.in_shard,
            report.ran,
            report.skipped,
            out.display()
        );
        if shard.count > 1 {
            eprintln!(
                "when every shard has run: labsim sweep merge {}",
                out.display()
            );
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> Result<PathBuf, Failure> {
    std::path::absolute(p).map_err(|e| {
        Failure::Usage(format!(
            "{}: cannot make the path absolute: {e}",
            p.display()
        ))
    })
}

fn slurm_script(args: SweepSlurmArgs) -> Result<(), Failure> {
    slurm::check_time(&args.time).map_err(Failure::Usage)?;
    if let Some(m) = &args.mem {
        slurm::check_mem(m).map_err(Failure::Usage)?;
    }
    if let Some(p) = &args.partition {
        slurm::check_partition(p).map_err(Failure::Usage)?;
    }
    let plan = load_plan(&args.sweep)?;
    let out = absolute(&out_dir(args.out, &plan))?;
    slurm::check_sbatch_path(&out).map_err(Failure::Usage)?;
    let runs = plan.runs.len();
    let tasks = args.tasks.map_or(runs.min(100), |t| t as usize);
    if tasks > runs {
        eprintln!("note: --tasks {tasks} is more than the {runs} runs; using {runs} tasks");
    }
    let exe = std::env::current_exe()
        .map_err(|e| Failure::Usage(format!("cannot find the labsim binary's path: {e}")))?;
    let options = slurm::Options {
        exe,
        sweep: absolute(&args.sweep)?,
        out: out.clone(),
        tasks: tasks.min(runs).max(1),
        time: args.time,
        mem: args.mem,
        partition: args.partition,
        cpus_per_task: args.cpus_per_task,
    };
    exec::prepare(&plan, &out).map_err(Failure::Sweep)?;
    let logs = out.join("slurm");
    std::fs::create_dir_all(&logs)
        .map_err(|e| Failure::Run(anyhow::anyhow!("{}: cannot create it: {e}", logs.display())))?;
    let text = slurm::script(&plan.sweep.name, runs, &options);
    let written = labsim::output::write_all_atomic(&out, &[("sweep.sbatch", text)])
        .map_err(|e| Failure::Run(e.into()))?;
    let script = &written[0];
    println!(
        "wrote {} ({runs} runs in {} array tasks)",
        script.display(),
        options.tasks
    );
    println!("submit:  sbatch {}", script.display());
    println!("watch:   squeue --me");
    println!(
        "merge:   {} sweep merge {}   (when every task has ended)",
        options.exe.display(),
        out.display()
    );
    Ok(())
}

/// Merge into a copy of the sweep directory that keeps the runs (hard links) and drops what
/// merge makes again, swapped in whole once the figures are drawn.
fn merge(dir: &Path, no_plots: bool) -> Result<(), Failure> {
    let tx = staged::begin_from(dir, &sweep::merge::MADE)?;
    let write = || -> Result<(usize, Vec<PathBuf>), Failure> {
        let merged = sweep::merge::merge(tx.dir()).map_err(Failure::Sweep)?;
        let mut files = merged.files;
        if !no_plots {
            files.extend(plot::draw(tx.dir())?);
        }
        Ok((merged.runs, files))
    };
    let (runs, files) = write().map_err(|f| staged::within(&tx, f))?;
    let files = staged::commit(tx, files)?;
    eprintln!("merged {runs} runs");
    for f in files {
        eprintln!("  wrote {}", f.display());
    }
    Ok(())
}
