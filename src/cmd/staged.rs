//! Output written as one transaction ([`Transaction`]): how the commands begin and commit one,
//! with its failures as exit codes, and messages and file lists naming the final paths, not the
//! staging directory's.

use std::path::{Path, PathBuf};

use labsim::output::{Transaction, TransactionError};

use crate::Failure;

fn failure(e: TransactionError) -> Failure {
    match e {
        TransactionError::Refused { .. } => Failure::Usage(e.to_string()),
        TransactionError::Io(e) => Failure::Run(e.into()),
    }
}

/// Stage a new output for `target`; a target labsim may not replace is bad usage (exit 2).
pub fn begin(target: &Path) -> Result<Transaction, Failure> {
    Transaction::begin(target).map_err(failure)
}

/// Stage a copy of `target` without the entries in `remade`.
pub fn begin_from(target: &Path, remade: &[&str]) -> Result<Transaction, Failure> {
    Transaction::begin_from(target, remade).map_err(failure)
}

/// Swap the staged output in; `written` (paths under the staging directory) are returned as
/// they are afterwards.
pub fn commit(tx: Transaction, written: Vec<PathBuf>) -> Result<Vec<PathBuf>, Failure> {
    let written = written.iter().map(|p| tx.final_path(p)).collect();
    tx.commit().map_err(failure)?;
    Ok(written)
}

/// `f` with every mention of the staging directory replaced by the target, for a failure while
/// writing into it; the staging directory itself is removed when `tx` is dropped.
pub fn within(tx: &Transaction, f: Failure) -> Failure {
    match f {
        Failure::Usage(m) => Failure::Usage(tx.final_message(&m)),
        Failure::Run(e) => Failure::Run(anyhow::anyhow!(tx.final_message(&format!("{e:#}")))),
        Failure::Sweep(e) => Failure::Said {
            message: tx.final_message(&e.to_string()),
            code: e.exit_code(),
        },
        Failure::Calibrate(e) => Failure::Said {
            message: tx.final_message(&e.to_string()),
            code: e.exit_code(),
        },
        other => other,
    }
}
