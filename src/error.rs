//! The library's error types: what went wrong, said so that a user can act on it.
//!
//! A scenario error names the file, the key, the offending value and the rule it breaks; the
//! binary maps it to exit code 2. Everything else that fails at run time is an [`RunError`] and
//! exits 1.

use std::path::PathBuf;

/// A scenario file that cannot be read, parsed or validated.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{file}: cannot read the scenario file: {source}")]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Not read at all: not a regular file, or larger than the input limit.
    #[error("{file}: not read: the scenario file {reason}")]
    Refused { file: PathBuf, reason: String },
    #[error(
        "{file}: the file is empty; a scenario needs at least [[region]] and [[sector]] tables"
    )]
    Empty { file: PathBuf },
    #[error("{file}: not a valid scenario file: {message}")]
    Parse { file: PathBuf, message: String },
    #[error("{file}: `extends = \"{target}\"` forms a cycle: {chain}")]
    ExtendsCycle {
        file: PathBuf,
        target: String,
        chain: String,
    },
    #[error("{file}: key `{key}` = {value}: {rule}")]
    Invalid {
        file: PathBuf,
        key: String,
        value: String,
        rule: String,
    },
}

/// A failure while running a valid scenario or writing its output.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot build a thread pool with {threads} threads: {message}")]
    ThreadPool { threads: usize, message: String },
    /// A bug: something labsim itself wrote could not be read back.
    #[error("internal error, please report it: {0}")]
    Internal(String),
}
