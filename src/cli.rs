//! The command line: `labsim run` and `labsim check`, parsed with clap.

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
    /// Redraw the figures and report.html of a run directory from its CSV files.
    Plot {
        /// A directory written by `labsim run`.
        dir: PathBuf,
    },
    /// Validate a scenario and print what it describes.
    Check {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
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

/// Settings a command line can override; `run` and `compare` share them.
#[derive(Debug, clap::Args)]
pub struct Overrides {
    /// Random seed (overrides simulation.seed).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Number of replications (overrides simulation.replications).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub replications: Option<u32>,
    /// Worker threads [default: all cores]. Output does not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Number of steps (overrides simulation.steps).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64_335))]
    pub steps: Option<u32>,
    /// Agents per person (overrides simulation.scale); counts are still reported in persons.
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub scale: Option<f64>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
