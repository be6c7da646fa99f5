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
    #[error("{file}: key `{}` = {}: {rule}", abbreviate(key), abbreviate(value))]
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
    /// The OS error is part of the message and not a `source`, so that printing the chain of
    /// causes does not repeat it.
    #[error("cannot write {path}: {error}")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot build a thread pool with {threads} threads: {message}")]
    ThreadPool { threads: usize, message: String },
    /// A bug: something labsim itself wrote could not be read back.
    #[error("internal error, please report it: {0}")]
    Internal(String),
}

/// `text` as a message shows it: whole if short, else its first 80 characters and how long it
/// was, so that a 100 kB value does not flood the terminal.
pub fn abbreviate(text: &str) -> String {
    abbreviate_to(text, 80)
}

/// `text` cut after `shown` characters, saying how long it was.
pub fn abbreviate_to(text: &str, shown: usize) -> String {
    match text.char_indices().nth(shown) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}... ({} bytes in all)", &text[..cut], text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::abbreviate;

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        assert_eq!(abbreviate("0.5"), "0.5");
        let long = "é".repeat(100_000);
        let shown = abbreviate(&long);
        assert!(shown.starts_with(&"é".repeat(80)), "{shown}");
        assert!(shown.ends_with("... (200000 bytes in all)"), "{shown}");
    }
}
