//! A command's output directory written as one transaction: everything goes into a staging
//! directory beside the target, which is swapped in whole only once complete.
//!
//! - [`Transaction::begin`] stages a new directory from nothing (`run`, `compare`,
//!   `calibrate`): figures a run does not draw cannot survive from an earlier one.
//!   [`Transaction::begin_from`] stages a copy of the target (hard links, not copies of the
//!   data) without the files the command makes again (`plot`, `sweep merge`).
//! - [`Transaction::commit`] swaps the staging directory and the target in one
//!   `renameat2(RENAME_EXCHANGE)` on Linux, then removes the old output. Where the exchange is
//!   not supported, it renames the target aside first and the new one in; a kill between the two
//!   leaves the old output under its `.old` name, which the next transaction puts back.
//! - Dropping a transaction that was not committed removes its staging directory; a killed
//!   process cannot, so each transaction first removes the temporaries that dead processes of
//!   this host left beside its target.
//!
//! Temporaries are named `.NAME.labsim-tmp-HOST-PID` and `.NAME.labsim-old-HOST-PID`, NAME
//! being the target's. A target that exists and holds files labsim did not write is refused,
//! so that `--out ~` cannot replace a home directory.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::RunError;

/// Files that mark a directory as labsim's output: a run, a sweep, a comparison, a calibration.
pub const MARKERS: [&str; 4] = ["manifest.json", "sweep.json", "summary.csv", "fit.csv"];

/// An output directory being written.
#[derive(Debug)]
pub struct Transaction {
    /// The output directory, resolved (absolute, links followed).
    target: PathBuf,
    /// The output directory as the caller named it, for messages.
    shown: PathBuf,
    staging: PathBuf,
    committed: bool,
}

/// Why a transaction could not begin or end.
#[derive(Debug, thiserror::Error)]
pub enum TransactionError {
    /// The target is not a directory labsim may replace (exit 2).
    #[error("{path}: {reason}")]
    Refused { path: PathBuf, reason: String },
    #[error(transparent)]
    Io(#[from] RunError),
}

type R<T> = Result<T, TransactionError>;

fn io(path: &Path) -> impl Fn(std::io::Error) -> TransactionError + '_ {
    move |error| {
        TransactionError::Io(RunError::Write {
            path: path.to_path_buf(),
            error,
        })
    }
}

impl Transaction {
    /// Stage a new, empty output for `target`.
    pub fn begin(target: &Path) -> R<Transaction> {
        let t = Transaction::prepare(target)?;
        std::fs::create_dir(&t.staging).map_err(io(&t.staging))?;
        Ok(t)
    }

    /// Stage a copy of `target` (which must exist) without the entries named in `remade`: the
    /// files the command writes again. Files are hard-linked where the file system allows it,
    /// copied where not; the command must replace, never write into, a file it keeps.
    pub fn begin_from(target: &Path, remade: &[&str]) -> R<Transaction> {
        if !target.is_dir() {
            return Err(TransactionError::Refused {
                path: target.to_path_buf(),
                reason: "not a directory".into(),
            });
        }
        let t = Transaction::prepare(target)?;
        std::fs::create_dir(&t.staging).map_err(io(&t.staging))?;
        let entries = std::fs::read_dir(&t.target).map_err(io(&t.target))?;
        for entry in entries {
            let entry = entry.map_err(io(&t.target))?;
            let name = entry.file_name();
            if remade.iter().any(|r| name == *r) || is_temporary(&name) {
                continue;
            }
            link_tree(&entry.path(), &t.staging.join(&name))?;
        }
        Ok(t)
    }

    /// Resolve `target`, check that it may be replaced, and clean up after dead processes.
    fn prepare(target: &Path) -> R<Transaction> {
        let shown = target.to_path_buf();
        let refuse = |reason: String| TransactionError::Refused {
            path: target.to_path_buf(),
            reason,
        };
        // Work where the files are: a symbolic link to a directory is followed, so that the
        // swap replaces the directory, not the link.
        let target = if target.exists() {
            std::fs::canonicalize(target).map_err(io(target))?
        } else {
            std::path::absolute(target).map_err(io(target))?
        };
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(refuse(
                "not a directory labsim can write its output in".into(),
            ));
        };
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        remove_stale(parent, name);
        if target.exists() {
            if !target.is_dir() {
                return Err(refuse("exists and is not a directory".into()));
            }
            let mut entries = std::fs::read_dir(&target).map_err(io(&target))?;
            let empty = entries.next().is_none();
            if !empty && !MARKERS.iter().any(|m| target.join(m).is_file()) {
                return Err(refuse(format!(
                    "exists and holds files labsim did not write (none of {}); \
                     choose another output directory or empty this one",
                    MARKERS.join(", ")
                )));
            }
        }
        let staging = parent.join(temporary(name, "tmp"));
        Ok(Transaction {
            target,
            shown,
            staging,
            committed: false,
        })
    }

    /// The directory to write into.
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// The output directory, once committed, as the caller named it.
    pub fn output_dir(&self) -> &Path {
        &self.shown
    }

    /// Where `path`, written under [`Transaction::dir`], is once committed, as the caller
    /// named the output directory.
    pub fn final_path(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.staging)
            .map_or_else(|_| path.to_path_buf(), |rest| self.shown.join(rest))
    }

    /// `message` with the staging directory's path replaced by the target's, for errors that
    /// name a file being written.
    pub fn final_message(&self, message: &str) -> String {
        message.replace(
            &self.staging.display().to_string(),
            &self.shown.display().to_string(),
        )
    }

    /// Swap the staged output in. On failure the previous output stays as it was.
    pub fn commit(mut self) -> R<PathBuf> {
        if self.target.exists() {
            if exchange(&self.staging, &self.target).is_ok() {
                // The staging path now holds the previous output.
                let _ = std::fs::remove_dir_all(&self.staging);
            } else {
                let old = self.target.with_file_name(temporary(
                    self.target.file_name().unwrap_or_default(),
                    "old",
                ));
                std::fs::rename(&self.target, &old).map_err(io(&self.target))?;
                if let Err(e) = std::fs::rename(&self.staging, &self.target) {
                    let _ = std::fs::rename(&old, &self.target);
                    return Err(io(&self.target)(e));
                }
                let _ = std::fs::remove_dir_all(&old);
            }
        } else {
            std::fs::rename(&self.staging, &self.target).map_err(io(&self.target))?;
        }
        self.committed = true;
        Ok(self.shown.clone())
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// `.NAME.labsim-KIND-HOST-PID`.
fn temporary(name: &std::ffi::OsStr, kind: &str) -> OsString {
    let mut s = OsString::from(".");
    s.push(name);
    s.push(format!(".labsim-{kind}-{}-{}", host(), std::process::id()));
    s
}

fn is_temporary(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') && (name.contains(".labsim-tmp-") || name.contains(".labsim-old-"))
}

/// This machine's name as temporary names carry it (letters, digits, `.`, `-`): temporaries
/// are owned per host, since an output directory may be on a file system that several hosts
/// share (a Slurm cluster's).
pub fn host() -> String {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let clean: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if clean.is_empty() {
        "host".into()
    } else {
        clean
    }
}

/// Whether process `pid` of this host is gone; `false` where that cannot be known (no `/proc`).
pub fn process_is_dead(pid: &str) -> bool {
    Path::new("/proc/self").exists()
        && pid
            .parse::<u32>()
            .is_ok_and(|pid| !Path::new(&format!("/proc/{pid}")).exists())
}

/// Remove the temporaries of `name` in `parent` that dead processes of this host left; an old
/// output whose replacement never arrived is put back first.
fn remove_stale(parent: &Path, name: &std::ffi::OsStr) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{}.labsim-", name.to_string_lossy());
    let me = host();
    let target = parent.join(name);
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        let Some((kind, owner)) = rest.split_once('-') else {
            continue;
        };
        let Some((owner_host, pid)) = owner.rsplit_once('-') else {
            continue;
        };
        if owner_host != me || !process_is_dead(pid) {
            continue;
        }
        match kind {
            "old" if !target.exists() => {
                let _ = std::fs::rename(entry.path(), &target);
            }
            "old" | "tmp" => {
                let _ = std::fs::remove_dir_all(entry.path());
            }
            _ => {}
        }
    }
}

/// Recreate `from` at `to`: directories made, files hard-linked (copied where links fail),
/// symbolic links copied as links.
fn link_tree(from: &Path, to: &Path) -> R<()> {
    let meta = std::fs::symlink_metadata(from).map_err(io(from))?;
    if meta.is_dir() {
        std::fs::create_dir(to).map_err(io(to))?;
        for entry in std::fs::read_dir(from).map_err(io(from))? {
            let entry = entry.map_err(io(from))?;
            link_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else if meta.file_type().is_symlink() {
        let link = std::fs::read_link(from).map_err(io(from))?;
        symlink(&link, to).map_err(io(to))?;
    } else if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).map_err(io(to))?;
    }
    Ok(())
}

#[cfg(unix)]
fn symlink(link: &Path, at: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(link, at)
}

#[cfg(not(unix))]
fn symlink(link: &Path, at: &Path) -> std::io::Result<()> {
    std::fs::copy(link, at).map(|_| ())
}

/// Exchange two paths atomically (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes()).map_err(|_| std::io::ErrorKind::InvalidInput)
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call; the syscall reads them
    // and touches no other memory.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn a_commit_replaces_the_whole_directory_and_a_drop_leaves_it() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out.join("manifest.json"), "old");
        write(&out.join("plots/old.png"), "old figure");

        let t = Transaction::begin(&out).unwrap();
        write(&t.dir().join("manifest.json"), "new");
        drop(t);
        assert_eq!(
            std::fs::read_to_string(out.join("manifest.json")).unwrap(),
            "old"
        );
        assert_eq!(
            std::fs::read_dir(root.path()).unwrap().count(),
            1,
            "staging removed"
        );

        let t = Transaction::begin(&out).unwrap();
        write(&t.dir().join("manifest.json"), "new");
        t.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("manifest.json")).unwrap(),
            "new"
        );
        assert!(
            !out.join("plots").exists(),
            "nothing of the old output survives"
        );
        assert_eq!(
            std::fs::read_dir(root.path()).unwrap().count(),
            1,
            "old output removed"
        );
    }

    #[test]
    fn begin_from_keeps_what_is_not_remade_without_touching_the_original() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write(&out.join("manifest.json"), "data");
        write(&out.join("runs/000/series.csv"), "series");
        write(&out.join("plots/a.png"), "old figure");
        let t = Transaction::begin_from(&out, &["plots"]).unwrap();
        assert!(!t.dir().join("plots").exists());
        assert_eq!(
            std::fs::read_to_string(t.dir().join("runs/000/series.csv")).unwrap(),
            "series"
        );
        write(&t.dir().join("plots/b.png"), "new figure");
        assert!(
            out.join("plots/a.png").exists(),
            "the target is untouched until commit"
        );
        t.commit().unwrap();
        assert!(!out.join("plots/a.png").exists());
        assert!(out.join("plots/b.png").exists());
        assert!(out.join("runs/000/series.csv").exists());
    }

    #[test]
    fn a_directory_labsim_did_not_write_is_refused() {
        let root = tempfile::tempdir().unwrap();
        write(&root.path().join("home/notes.txt"), "mine");
        let e = Transaction::begin(&root.path().join("home")).unwrap_err();
        assert!(e.to_string().contains("labsim did not write"), "{e}");
        write(&root.path().join("file"), "mine");
        assert!(Transaction::begin(&root.path().join("file")).is_err());
        assert!(Transaction::begin(Path::new("/")).is_err());
        // An empty directory is fine.
        std::fs::create_dir(root.path().join("empty")).unwrap();
        Transaction::begin(&root.path().join("empty"))
            .unwrap()
            .commit()
            .unwrap();
    }

    #[test]
    fn temporaries_of_dead_processes_are_removed_and_an_orphaned_old_output_restored() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        // PIDs above the kernel's maximum (2^22) belong to no process.
        let dead = format!("{}-{}", host(), 1u32 << 23);
        write(
            &root
                .path()
                .join(format!(".out.labsim-old-{dead}/manifest.json")),
            "old",
        );
        write(
            &root
                .path()
                .join(format!(".out.labsim-tmp-{dead}/series.csv")),
            "half",
        );
        let live = format!(".out.labsim-tmp-{}-{}", host(), std::process::id());
        let other_host = format!(".out.labsim-tmp-elsewhere-{}", 1u32 << 23);
        std::fs::create_dir(root.path().join(&other_host)).unwrap();
        let t = Transaction::begin(&out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("manifest.json")).unwrap(),
            "old"
        );
        let mut names: Vec<String> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut expected = [live, other_host, "out".to_string()];
        expected.sort();
        assert_eq!(names, expected);
        drop(t);
    }

    #[test]
    fn final_paths_and_messages_name_the_target() {
        let root = tempfile::tempdir().unwrap();
        let t = Transaction::begin(&root.path().join("out")).unwrap();
        let inside = t.dir().join("plots/a.png");
        let target = t.output_dir().to_path_buf();
        assert_eq!(t.final_path(&inside), target.join("plots/a.png"));
        let message = format!("cannot write {}: disk full", inside.display());
        assert_eq!(
            t.final_message(&message),
            format!(
                "cannot write {}: disk full",
                target.join("plots/a.png").display()
            )
        );
    }
}
