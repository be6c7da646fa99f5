//! The sbatch script of a sweep: one Slurm array job whose task `i` runs shard `i` of `N` with
//! `labsim sweep run`. Slurm does the scheduling; labsim only needs each task's array index.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What the script asks Slurm for, and what it runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// The labsim binary the tasks run (absolute).
    pub exe: PathBuf,
    /// The sweep file and the output directory (absolute).
    pub sweep: PathBuf,
    pub out: PathBuf,
    pub tasks: usize,
    pub time: String,
    pub mem: Option<String>,
    pub partition: Option<String>,
    pub cpus_per_task: u32,
}

/// Check a Slurm time limit: `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM` or `D-HH:MM:SS`.
pub fn check_time(t: &str) -> Result<(), String> {
    let bad = || {
        format!("--time {t}: not a Slurm time limit; write HH:MM:SS (e.g. 01:30:00) or D-HH:MM:SS")
    };
    let (days, clock) = match t.split_once('-') {
        Some((d, rest)) => (Some(d), rest),
        None => (None, t),
    };
    if let Some(d) = days {
        if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let ok_parts = !parts.is_empty()
        && parts.len() <= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()));
    if !ok_parts || parts.iter().all(|p| p.bytes().all(|b| b == b'0')) && days.is_none() {
        return Err(bad());
    }
    Ok(())
}

/// Check a memory request: a whole number with an optional unit K, M, G or T.
pub fn check_mem(m: &str) -> Result<(), String> {
    let digits = m.trim_end_matches(['K', 'M', 'G', 'T']);
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || m.len() - digits.len() > 1
    {
        return Err(format!(
            "--mem {m}: write a whole number with an optional unit K, M, G or T (e.g. 4G)"
        ));
    }
    Ok(())
}

/// Check a partition name (it goes into the script, so nothing a shell or Slurm would parse).
pub fn check_partition(p: &str) -> Result<(), String> {
    if p.is_empty()
        || !p
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.,".contains(&b))
    {
        return Err(format!(
            "--partition {p}: a partition name has letters, digits, `_`, `-`, `.` (and `,` between names)"
        ));
    }
    Ok(())
}

/// Check a path that goes on an `#SBATCH` line, where it cannot be quoted.
pub fn check_sbatch_path(p: &Path) -> Result<(), String> {
    let s = p.to_string_lossy();
    if s.chars()
        .any(|c| c.is_whitespace() || c == '%' || c.is_control())
    {
        return Err(format!(
            "{s}: Slurm's --output cannot take a path with spaces or `%`; choose another --out"
        ));
    }
    Ok(())
}

/// Quote for a POSIX shell.
fn quote(p: &Path) -> String {
    format!("'{}'", p.to_string_lossy().replace('\'', r"'\''"))
}

/// The script.
pub fn script(name: &str, runs: usize, o: &Options) -> String {
    let mut s = String::from("#!/bin/bash\n");
    let exe = quote(&o.exe);
    let out = quote(&o.out);
    let _ = writeln!(
        s,
        "# labsim sweep \"{name}\": {runs} runs in {} array tasks (task i runs every run k with k mod {} = i).",
        o.tasks, o.tasks
    );
    let _ = writeln!(s, "# Written by `labsim sweep slurm`.");
    let _ = writeln!(
        s,
        "#   submit:  sbatch {}",
        quote(&o.out.join("sweep.sbatch"))
    );
    let _ = writeln!(
        s,
        "#   merge:   {exe} sweep merge {out}   (once every task has ended)"
    );
    let _ = writeln!(
        s,
        "# A task that was killed or pre-empted resumes where it stopped when submitted again,"
    );
    let _ = writeln!(
        s,
        "# e.g. sbatch --array=3,7 <this script>; finished runs are skipped."
    );
    let _ = writeln!(s, "#SBATCH --job-name=labsim-{}", sanitize(name));
    let _ = writeln!(s, "#SBATCH --array=0-{}", o.tasks - 1);
    let _ = writeln!(s, "#SBATCH --ntasks=1");
    let _ = writeln!(s, "#SBATCH --cpus-per-task={}", o.cpus_per_task);
    let _ = writeln!(s, "#SBATCH --time={}", o.time);
    if let Some(m) = &o.mem {
        let _ = writeln!(s, "#SBATCH --mem={m}");
    }
    if let Some(p) = &o.partition {
        let _ = writeln!(s, "#SBATCH --partition={p}");
    }
    let _ = writeln!(
        s,
        "#SBATCH --output={}",
        o.out.join("slurm").join("%A_%a.out").display()
    );
    s.push_str("set -euo pipefail\n");
    // The shard is passed explicitly, with N written here, so that a resubmission of some
    // tasks (`--array=3,7`, whose SLURM_ARRAY_TASK_COUNT is 2) still runs shards 3 and 7 of N.
    let _ = writeln!(
        s,
        "exec {exe} sweep run {} --out {out} --shard \"${{SLURM_ARRAY_TASK_ID}}/{}\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\"",
        quote(&o.sweep),
        o.tasks
    );
    s
}

/// A job name Slurm shows as given: letters, digits, `_`, `-`, `.`.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_-.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked() {
        for ok in ["01:00:00", "2-00:00:00", "30", "10:00", "1-12"] {
            assert!(check_time(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1h",
            "00:00:00",
            "1:2:3:4",
            "a-01:00:00",
            "01:00:00\n#SBATCH",
        ] {
            assert!(check_time(bad).is_err(), "{bad:?}");
        }
        assert!(check_mem("4G").is_ok() && check_mem("4000").is_ok());
        for bad in ["", "G", "4GB", "4 G", "-4G"] {
            assert!(check_mem(bad).is_err(), "{bad:?}");
        }
        assert!(check_partition("short,long").is_ok());
        assert!(check_partition("a b").is_err() && check_partition("").is_err());
        assert!(check_sbatch_path(Path::new("/a b/out")).is_err());
    }

    #[test]
    fn the_script_runs_the_shard_of_its_array_task() {
        let o = Options {
            exe: "/opt/labsim".into(),
            sweep: "/home/r/it's.toml".into(),
            out: "/scratch/out".into(),
            tasks: 4,
            time: "00:10:00".into(),
            mem: Some("2G".into()),
            partition: None,
            cpus_per_task: 2,
        };
        let s = script("coverage sweep", 10, &o);
        assert!(s.starts_with("#!/bin/bash\n"));
        assert!(s.contains("#SBATCH --array=0-3\n"));
        assert!(s.contains("#SBATCH --mem=2G\n"));
        assert!(!s.contains("--partition"));
        assert!(s.contains("#SBATCH --job-name=labsim-coverage_sweep\n"));
        assert!(s.contains("#SBATCH --output=/scratch/out/slurm/%A_%a.out\n"));
        assert!(s.contains(
            "exec '/opt/labsim' sweep run '/home/r/it'\\''s.toml' --out '/scratch/out' --shard \"${SLURM_ARRAY_TASK_ID}/4\" --threads \"${SLURM_CPUS_PER_TASK:-1}\"\n"
        ));
    }
}
