//! The command line: `labsim run`, `compare`, `plot`, `check`, `calibrate` and `sweep`, parsed
//! with clap. Values that are scenario settings (`--seed`, `--steps`, ...) are only parsed as
//! numbers here; their rules are the scenario's, checked by validation (see `cmd/settings.rs`).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "labsim",
    version,
    about = "Agent-based simulator of labour-market mobility across the Dutch-German and Dutch-Belgian borders",
    long_about = "Agent-based simulator of labour-market mobility across the Dutch-German and \
Dutch-Belgian borders.\n\nExit status: 0 on success, 1 on a run-time failure, 2 on bad usage \
or a bad scenario file."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write series.csv, commuters.csv, bands.csv and manifest.json.
    Run(RunArgs),
    /// Run scenarios against a baseline with common random numbers and summarise the differences.
    Compare(CompareArgs),
    /// Redraw the figures (and report.html) of a run, comparison, merged sweep or calibration
    /// directory from its files.
    Plot {
        /// A directory written by `labsim run`, `compare`, `sweep merge` or `calibrate`.
        dir: PathBuf,
    },
    /// Validate a scenario and print what it describes.
    Check {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
    /// Fit a scenario's free parameters to the moments of a targets file, or (--check) report
    /// how well the scenario fits them as it is.
    Calibrate(CalibrateArgs),
    /// Plan, run (in shards, resumably), schedule on Slurm and merge sweeps of many runs.
    Sweep {
        #[command(subcommand)]
        command: SweepCommand,
    },
}

#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// The targets file: moments to match and free parameters with bounds.
    #[arg(long, value_name = "FILE")]
    pub targets: PathBuf,
    /// Only evaluate the scenario as it is; exit 1 when a fitted moment is outside its tolerance.
    #[arg(long)]
    pub check: bool,
    /// Set a scenario key before validation, as in `run` (repeatable). A free parameter set
    /// this way starts the search there; the calibrated scenario carries every key set.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Output directory [default: output/calibrate-<scenario name>/; with --check, none].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Most evaluations of the search.
    #[arg(long, value_name = "N", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub budget: u32,
    /// Replications per evaluation [default: the targets file's, else 2] (overrides
    /// simulation.replications).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub replications: Option<i64>,
    /// Seed shared by every evaluation [default: the targets file's, else the scenario's]
    /// (overrides simulation.seed).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub seed: Option<i64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Do not draw the figures.
    #[arg(long)]
    pub no_plots: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum SweepCommand {
    /// Check a sweep file and print its runs (index, scenario, replication, seed, overrides).
    Plan {
        /// The sweep file (TOML).
        sweep: PathBuf,
    },
    /// Run one shard of a sweep (all of it by default); completed runs are skipped.
    Run(SweepRunArgs),
    /// Write an sbatch script that runs the sweep as a Slurm job array.
    Slurm(SweepSlurmArgs),
    /// Check that every planned run is complete; write runs.csv, summary.csv and figures.
    Merge {
        /// The output directory of `labsim sweep run`.
        dir: PathBuf,
        /// Do not draw plots/ and report.html.
        #[arg(long)]
        no_plots: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct SweepRunArgs {
    /// The sweep file (TOML).
    pub sweep: PathBuf,
    /// Output directory [default: output/sweep-<sweep name>/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run shard I of N (runs k with k mod N = I). Inside a Slurm array job it defaults to
    /// SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Worker threads [default: all cores]. Output does not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// No progress bar or per-run lines.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct SweepSlurmArgs {
    /// The sweep file (TOML).
    pub sweep: PathBuf,
    /// Output directory, on a file system every node sees [default: output/sweep-<sweep name>/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Array tasks [default: one per run, at most 100].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub tasks: Option<u32>,
    /// Time limit per task (HH:MM:SS or D-HH:MM:SS).
    #[arg(long, value_name = "HH:MM:SS", default_value = "01:00:00")]
    pub time: String,
    /// Memory per task (e.g. 4G) [default: the partition's].
    #[arg(long, value_name = "SIZE")]
    pub mem: Option<String>,
    /// Partition [default: the cluster's].
    #[arg(long, value_name = "NAME")]
    pub partition: Option<String>,
    /// CPUs per task; each task runs its runs on this many threads.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub cpus_per_task: u32,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Output directory [default: output/<scenario name>/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Do not draw plots/ and report.html.
    #[arg(long)]
    pub no_plots: bool,
    /// Set a scenario key before validation, e.g. --set mechanics.on_the_job_search=0.05 or
    /// --set 'policy."regional mobility teams".coverage=0.002' (the value is TOML; repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// A check of the simulator, not of the scenario: the decision scan looks at every worker
    /// each step rather than only those its ladder draws and marks find. The output must be
    /// byte-identical, only slower (docs/MODEL.md 7.15).
    #[arg(long)]
    pub look_at_every_worker: bool,
    #[command(flatten)]
    pub options: Overrides,
}

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The baseline scenario.
    pub baseline: PathBuf,
    /// The scenarios to compare with it (a scenario with other regions or sectors than the
    /// baseline, or the baseline itself, is skipped with a note).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Output directory [default: output/compare-<baseline name>/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Do not draw plots/ and report.html (of the comparison and of every run).
    #[arg(long)]
    pub no_plots: bool,
    /// Overrides of the baseline's settings, which every scenario then shares.
    #[command(flatten)]
    pub options: Overrides,
}

/// Settings a command line can override, and how to run; `run` and `compare` share them.
#[derive(Debug, clap::Args)]
pub struct Overrides {
    /// Random seed (overrides simulation.seed).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub seed: Option<i64>,
    /// Number of replications (overrides simulation.replications).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub replications: Option<i64>,
    /// Worker threads [default: all cores]. Output does not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Number of steps (overrides simulation.steps).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub steps: Option<i64>,
    /// Agents per person (overrides simulation.scale); counts are still reported in persons.
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub scale: Option<f64>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Run even if the estimated peak memory (see `labsim check`) exceeds the memory available.
    #[arg(long)]
    pub force: bool,
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
