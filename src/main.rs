//! The `labsim` binary: parse the command line, run the command, map failures to exit codes
//! (0 ok, 1 run-time failure, 2 bad usage or bad scenario). Each command is a module of `cmd/`;
//! what they compute is the library's.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

use labsim::calibrate::CalibrateError;
use labsim::compare::CompareError;
use labsim::error::ScenarioError;
use labsim::sweep::SweepError;

/// Why a command failed, and so its exit code.
enum Failure {
    /// Bad usage (exit 2).
    Usage(String),
    Scenario(ScenarioError),
    Compare(CompareError),
    /// A run-time failure (exit 1).
    Run(anyhow::Error),
    Sweep(SweepError),
    Calibrate(CalibrateError),
    /// A failure already put in words, with its exit code.
    Said {
        message: String,
        code: u8,
    },
    /// A check that ran and failed (exit 1), already explained on stderr.
    CheckFailed,
}

/// A reader that stops early (`labsim check ... | head`) closes the pipe: end quietly, as Unix
/// tools do, instead of `println!` panicking on the write error. Rust starts programs with
/// SIGPIPE ignored; this restores the default action.
#[cfg(unix)]
fn quiet_on_closed_pipe() {
    // SAFETY: called first in `main`, before any other thread exists; it only restores the
    // signal's default disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    #[cfg(unix)]
    quiet_on_closed_pipe();
    use cli::Command;
    let outcome = match cli::Cli::parse().command {
        Command::Run(args) => cmd::run::run(args),
        Command::Compare(args) => cmd::compare::compare(args),
        Command::Plot { dir } => cmd::plot::plot(&dir),
        Command::Check { scenario } => cmd::check::check(&scenario),
        Command::Sweep { command } => cmd::sweep::sweep(command),
        Command::Calibrate(args) => cmd::calibrate::calibrate(args),
    };
    let (message, code) = match outcome {
        Ok(()) => return ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => (Some(msg), 2),
        Err(Failure::Scenario(e)) => (Some(e.to_string()), 2),
        Err(Failure::Compare(e)) => (Some(e.to_string()), 2),
        Err(Failure::Run(e)) => (Some(format!("{e:#}")), 1),
        Err(Failure::Sweep(e)) => (Some(e.to_string()), e.exit_code()),
        Err(Failure::Calibrate(e)) => (Some(e.to_string()), e.exit_code()),
        Err(Failure::Said { message, code }) => (Some(message), code),
        Err(Failure::CheckFailed) => (None, 1),
    };
    if let Some(message) = message {
        eprintln!("error: {message}");
    }
    ExitCode::from(code)
}
