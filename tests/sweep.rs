//! `labsim sweep` through the binary: a sweep run all at once, in shards in any order, or killed
//! half-way and resumed merges to the same bytes; merge names missing runs; bad sweep files and
//! bad shards exit 2 naming the problem; and, where a Slurm cluster answers, the sbatch script
//! `labsim sweep slurm` writes runs as an array job and merges to the same bytes as a local run.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;

fn labsim() -> Command {
    Command::cargo_bin("labsim").unwrap()
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A sweep of 12 short runs of the baseline: 3 values of on-the-job search x 4 replications.
fn small_sweep(dir: &Path) -> PathBuf {
    let file = dir.join("sweep.toml");
    let text = format!(
        "name = \"ojs\"\n\
         scenarios = [\"{}\"]\n\
         replications = 4\n\
         seed = 11\n\
         [set]\n\"simulation.scale\" = 0.01\n\"simulation.steps\" = 18\n\
         [[parameter]]\nkey = \"mechanics.on_the_job_search\"\nvalues = [0.0, 0.05, 0.1]\n",
        repo("scenarios/baseline_published_rules.toml").display()
    );
    std::fs::write(&file, text).unwrap();
    file
}

fn run_ok(args: &[&str], extra: &[&Path]) -> String {
    let mut cmd = labsim();
    cmd.args(args);
    for p in extra {
        cmd.arg(p);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?} failed: {stderr}");
    stderr
}

fn sweep_run(sweep: &Path, out: &Path, more: &[&str]) -> String {
    let mut cmd = labsim();
    cmd.args(["sweep", "run"]).arg(sweep).arg("--out").arg(out);
    cmd.args(more);
    let o = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "sweep run {more:?}: {stderr}");
    stderr
}

fn merged(out: &Path) -> (Vec<u8>, Vec<u8>) {
    run_ok(&["sweep", "merge", "--no-plots"], &[out]);
    (
        std::fs::read(out.join("runs.csv")).unwrap(),
        std::fs::read(out.join("summary.csv")).unwrap(),
    )
}

/// Runs complete in `out`: renamed into place (`runs/NNNNNN/`) with their manifest. A run still
/// in its temporary directory (`runs/.NNNNNN.tmp-HOST-PID/`) is not complete even when its
/// manifest is written: a kill between the manifest and the rename leaves it to be run again.
fn completed(out: &Path) -> usize {
    std::fs::read_dir(out.join("runs"))
        .map(|d| {
            d.flatten()
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .filter(|e| e.path().join("manifest.json").is_file())
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn all_at_once_in_shards_and_resumed_after_a_kill_merge_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());

    // 1. All at once, on two threads.
    let whole = tmp.path().join("whole");
    let log = sweep_run(&sweep, &whole, &["--threads", "2"]);
    assert!(
        log.contains("run 000011 done in"),
        "a line per finished run when stderr is not a terminal: {log}"
    );
    let reference = merged(&whole);
    let runs_csv = String::from_utf8_lossy(&reference.0);
    let header = runs_csv.lines().next().unwrap();
    assert!(
        header.starts_with("run,scenario,replication,seed,mechanics.on_the_job_search,step,date,level,key,employed,"),
        "{header}"
    );
    // 12 runs x 19 steps (0 to 18) x (1 total + 3 countries + 8 regions + 10 sectors + 30
    // sectors within a country) rows.
    assert_eq!(runs_csv.lines().count(), 1 + 12 * 19 * 52);
    let summary = String::from_utf8_lossy(&reference.1);
    assert_eq!(summary.lines().count(), 13, "{summary}");

    // 2. Three shards, out of order, one thread each.
    let sharded = tmp.path().join("sharded");
    for shard in ["2/3", "0/3", "1/3"] {
        let log = sweep_run(&sweep, &sharded, &["--shard", shard, "--threads", "1"]);
        assert!(log.contains("4 runs, 4 ran now"), "{log}");
    }
    assert_eq!(
        merged(&sharded),
        reference,
        "sharded differs from all at once"
    );

    // 3. Killed half-way, then the same command again.
    let resumed = tmp.path().join("resumed");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("labsim"))
        .args(["sweep", "run"])
        .arg(&sweep)
        .arg("--out")
        .arg(&resumed)
        .args(["--threads", "1", "--quiet"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while completed(&resumed) < 3 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let done = completed(&resumed);
    assert!(
        (3..12).contains(&done),
        "the kill should land half-way, but {done} of 12 runs were complete"
    );
    // A crash while a run was being written leaves a temporary directory of a process that is
    // gone (no process has a pid above the kernel's pid_max, 4194304); it must not count, and
    // the next attempt on this host removes it. One of a live process is left alone.
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap_or_default()
        .trim()
        .replace(|c: char| !c.is_ascii_alphanumeric() && c != '.', "-");
    let stale = resumed
        .join("runs")
        .join(format!(".000011.tmp-{host}-4194999"));
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("series.csv"), "half a file").unwrap();
    let live = resumed
        .join("runs")
        .join(format!(".000010.tmp-{host}-{}", std::process::id()));
    std::fs::create_dir_all(&live).unwrap();
    let log = sweep_run(&sweep, &resumed, &["--threads", "1"]);
    assert!(
        log.contains(&format!(
            "{} ran now, {done} were already complete",
            12 - done
        )),
        "{log}"
    );
    if Path::new("/proc/self").exists() {
        assert!(!stale.exists(), "the stale temporary directory was removed");
    }
    assert!(
        live.exists(),
        "a live process's temporary directory was left alone"
    );
    std::fs::remove_dir_all(&live).unwrap();
    assert_eq!(
        merged(&resumed),
        reference,
        "resumed differs from all at once"
    );
}

#[test]
fn merge_names_the_missing_runs_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    let out = tmp.path().join("out");
    sweep_run(&sweep, &out, &["--shard", "0/3", "--quiet"]);
    let o = labsim()
        .args(["sweep", "merge", "--no-plots"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("8 of 12 planned runs are missing: 1-2, 4-5, 7-8, 10-11"),
        "{stderr}"
    );
    assert!(
        !out.join("runs.csv").exists(),
        "nothing merged from a partial sweep"
    );
}

#[test]
fn the_plan_lists_every_run_with_common_random_numbers_across_points() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    let o = labsim()
        .args(["sweep", "plan"])
        .arg(&sweep)
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("12 runs: 1 scenario(s) x 3 point(s) (grid) x 4 replication(s); seed 11"),
        "{text}"
    );
    let runs: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .take(12)
        .map(|l| l.split_whitespace().collect())
        .collect();
    // Columns: run, scenario, replication, seed, key=value.
    assert_eq!(runs[0][4], "mechanics.on_the_job_search=0");
    assert_eq!(runs[4][4], "mechanics.on_the_job_search=0.05");
    for k in 0..12 {
        assert_eq!(runs[k][0], format!("{k:06}"));
        assert_eq!(runs[k][2], (k % 4).to_string());
        // Replication r of every point shares its seed; replications differ.
        assert_eq!(runs[k][3], runs[k % 4][3]);
    }
    assert_ne!(runs[0][3], runs[1][3]);
}

#[test]
fn an_output_directory_of_another_sweep_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    let out = tmp.path().join("out");
    sweep_run(&sweep, &out, &["--shard", "0/6", "--quiet"]);
    let text = std::fs::read_to_string(&sweep)
        .unwrap()
        .replace("values = [0.0, 0.05, 0.1]", "values = [0.0, 0.2]");
    std::fs::write(&sweep, text).unwrap();
    let o = labsim()
        .args(["sweep", "run"])
        .arg(&sweep)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("holds the output of a different sweep"),
        "{stderr}"
    );
}

/// Write `body` as a sweep file next to a copy of the baseline and return its path.
fn sweep_file(dir: &Path, body: &str) -> PathBuf {
    for parent in ["baseline.toml", "baseline_published_rules.toml"] {
        std::fs::copy(repo(&format!("scenarios/{parent}")), dir.join(parent)).unwrap();
    }
    std::fs::copy(
        repo("scenarios/mobility_teams_2020.toml"),
        dir.join("teams.toml"),
    )
    .unwrap();
    std::fs::copy(
        repo("scenarios/shock_2020.toml"),
        dir.join("shock_2020.toml"),
    )
    .unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(&file, body).unwrap();
    file
}

#[test]
fn bad_sweep_files_and_shards_exit_2_naming_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let base = "scenarios = [\"baseline.toml\"]\n";
    let teams = "scenarios = [\"teams.toml\"]\n";
    let cases: Vec<(String, &str)> = vec![
        (
            format!("{base}[[parameter]]\nkey = \"mechanics.on_the_job_serch\"\nvalues = [0.1]\n"),
            "`mechanics.on_the_job_serch` = 0.1: not a key of the scenario format",
        ),
        (
            format!("{base}[[parameter]]\nkey = \"mechanics.applications.x\"\nvalues = [1]\n"),
            "is a value, not a table",
        ),
        (
            format!("{teams}[[parameter]]\nkey = \"policy.nobody.coverage\"\nvalues = [0.1]\n"),
            "no entry named \"nobody\" (it has: regional mobility teams, NOW, Kurzarbeit, tijdelijke werkloosheid)",
        ),
        (
            format!("{teams}[[parameter]]\nkey = 'policy.\"regional mobility teams\".coverage'\nvalues = [1.5]\n"),
            "coverage` = 1.5: must be a number from 0 to 1",
        ),
        (
            format!("{base}[[parameter]]\nkey = \"mechanics.on_the_job_search\"\nvalues = []\n"),
            "`parameter[0].values` = []: the list of values is empty",
        ),
        (
            format!("{base}[design]\nkind = \"latin_hypercube\"\npoints = 0\n[[parameter]]\nkey = \"mechanics.on_the_job_search\"\nrange = {{ from = 0.0, to = 0.1 }}\n"),
            "`design.points` = 0: must be a whole number from 1",
        ),
        (
            format!("{base}[[parameter]]\nkey = \"mechanics.applications\"\nvalues = [2.5]\n"),
            "`mechanics.applications` = 2.5: not a key of the scenario format, or not of its type",
        ),
        (
            "scenarios = [\"missing.toml\"]\n".to_string(),
            "no such scenario file",
        ),
        (
            format!("{base}[set]\n\"simulation.stepz\" = 12\n"),
            "`simulation.stepz` = 12",
        ),
    ];
    for (body, expected) in cases {
        let file = sweep_file(tmp.path(), &body);
        for sub in ["plan", "run"] {
            let mut cmd = labsim();
            cmd.args(["sweep", sub]).arg(&file);
            if sub == "run" {
                cmd.arg("--out").arg(tmp.path().join("never"));
            }
            let o = cmd.output().unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{body}\n{stderr}");
            assert!(
                stderr.contains(expected),
                "{body}\nexpected {expected:?} in {stderr}"
            );
            assert!(
                stderr.contains("bad.toml") || stderr.contains("missing.toml"),
                "{stderr}"
            );
        }
        assert!(
            !tmp.path().join("never").exists(),
            "nothing is written before the plan is checked"
        );
    }
    let good = sweep_file(tmp.path(), base);
    for (shard, expected) in [
        ("3/2", "--shard 3/2: I must be below N"),
        ("0/0", "N must be at least 1"),
        ("x", "write it as I/N"),
    ] {
        let o = labsim()
            .args(["sweep", "run"])
            .arg(&good)
            .args(["--shard", shard])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
    let o = labsim()
        .args(["sweep", "run"])
        .arg(&good)
        .env("SLURM_ARRAY_TASK_ID", "5")
        .env("SLURM_ARRAY_TASK_COUNT", "4")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("array task 5 of 4"));
}

#[test]
fn the_slurm_script_is_an_array_over_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    let out = tmp.path().join("out");
    let o = labsim()
        .args(["sweep", "slurm"])
        .arg(&sweep)
        .arg("--out")
        .arg(&out)
        .args([
            "--tasks",
            "3",
            "--time",
            "00:05:00",
            "--mem",
            "1G",
            "--partition",
            "debug",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("submit:  sbatch"), "{stdout}");
    assert!(stdout.contains("sweep merge"), "{stdout}");
    let script = std::fs::read_to_string(out.join("sweep.sbatch")).unwrap();
    for line in [
        "#SBATCH --array=0-2",
        "#SBATCH --time=00:05:00",
        "#SBATCH --mem=1G",
        "#SBATCH --partition=debug",
        "sweep run '",
    ] {
        assert!(script.contains(line), "{line} missing from\n{script}");
    }
    assert!(out.join("plan.csv").is_file() && out.join("slurm").is_dir());
    for (flag, value, expected) in [
        ("--time", "1h", "not a Slurm time limit"),
        ("--mem", "lots", "--mem lots"),
        ("--partition", "a;b", "--partition a;b"),
    ] {
        let o = labsim()
            .args(["sweep", "slurm"])
            .arg(&sweep)
            .arg("--out")
            .arg(&out)
            .args([flag, value])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains(expected));
    }
}

/// Is a Slurm cluster answering? `.ci/run` starts a one-node cluster and exports SLURM_CONF.
fn slurm_answers() -> bool {
    std::process::Command::new("sinfo")
        .args(["-h", "-o", "%T"])
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
}

#[test]
#[ignore = "needs a Slurm cluster; .ci/run starts one and runs this with --ignored"]
fn a_real_slurm_array_job_merges_to_the_same_bytes_as_a_local_run() {
    assert!(
        slurm_answers(),
        "no Slurm cluster answers `sinfo`. .ci/run starts a one-node cluster (.ci/slurm-up); \
         docs/SLURM.md shows how to start one on a workstation"
    );
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    let on_slurm = tmp.path().join("on_slurm");
    let o = labsim()
        .args(["sweep", "slurm"])
        .arg(&sweep)
        .arg("--out")
        .arg(&on_slurm)
        .args(["--tasks", "3", "--time", "00:10:00"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // `sbatch --wait` returns when every array task has ended, with the highest exit code.
    let mut job = std::process::Command::new("sbatch")
        .arg("--wait")
        .arg(on_slurm.join("sweep.sbatch"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = job.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(900) {
            let _ = job.kill();
            let _ = std::process::Command::new("scancel")
                .args(["--name", "labsim-ojs"])
                .status();
            panic!("the Slurm array job did not end within 15 minutes");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let output = job.wait_with_output().unwrap();
    let mut logs = String::new();
    if let Ok(dir) = std::fs::read_dir(on_slurm.join("slurm")) {
        for e in dir.flatten() {
            logs.push_str(&format!("--- {}\n", e.path().display()));
            logs.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    assert!(
        status.success(),
        "sbatch --wait: {status}\n{}{}\n{logs}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read_dir(on_slurm.join("slurm")).unwrap().count(),
        3,
        "one log per array task:\n{logs}"
    );
    assert!(
        logs.contains("shard 2/3 of sweep ojs: 4 runs, 4 ran now"),
        "{logs}"
    );

    let local = tmp.path().join("local");
    sweep_run(&sweep, &local, &["--quiet"]);
    assert_eq!(
        merged(&on_slurm),
        merged(&local),
        "the Slurm run differs from the local one"
    );
}

#[test]
fn the_shipped_sweep_plans() {
    let o = labsim()
        .args(["sweep", "plan"])
        .arg(repo("scenarios/sweeps/mobility_team_coverage.toml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("25 runs: 1 scenario(s) x 5 point(s) (grid) x 5 replication(s)"),
        "{stdout}"
    );
    assert!(stdout.contains("policy.\"regional mobility teams\".coverage=0.004"));
}

#[test]
fn a_latin_hypercube_with_a_whole_number_parameter_runs_and_merges() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("lhs.toml");
    std::fs::write(
        &file,
        format!(
            "scenarios = [\"{}\"]\nseed = 3\n\
             [set.simulation]\nscale = 0.005\nsteps = 6\n\
             [design]\nkind = \"latin_hypercube\"\npoints = 4\n\
             [[parameter]]\nkey = \"mechanics.applications\"\nrange = {{ from = 1, to = 4 }}\n\
             [[parameter]]\nkey = \"mechanics.on_the_job_search\"\nrange = {{ from = 0.0, to = 0.1 }}\n",
            repo("scenarios/baseline_published_rules.toml").display()
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    sweep_run(&file, &out, &["--quiet"]);
    let (_, summary) = merged(&out);
    let summary = String::from_utf8(summary).unwrap();
    let rows = labsim::output::Table::read(&out.join("summary.csv"))
        .unwrap()
        .rows;
    assert_eq!(rows.len(), 4);
    // One point in each quarter of both ranges: applications 1, 2, 3 and 4 once each.
    let mut apps: Vec<i64> = rows.iter().map(|r| r[4].parse().unwrap()).collect();
    apps.sort();
    assert_eq!(apps, [1, 2, 3, 4], "{summary}");
    let mut ojs: Vec<usize> = rows
        .iter()
        .map(|r| (r[5].parse::<f64>().unwrap() / 0.025) as usize)
        .collect();
    ojs.sort();
    assert_eq!(ojs, [0, 1, 2, 3], "{summary}");
}

#[test]
fn set_takes_nested_tables_with_quoted_names_and_refuses_one_value_set_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = |body: &str| {
        let file = sweep_file(tmp.path(), body);
        let o = labsim()
            .args(["sweep", "plan"])
            .arg(&file)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let body = "scenarios = [\"teams.toml\"]\n\
                [set.policy.\"regional mobility teams\"]\ncoverage = 0.01\n";
    let (code, stderr) = plan(body);
    assert_eq!(code, Some(0), "{stderr}");

    let (code, stderr) = plan(&format!(
        "{body}[[parameter]]\nkey = \"policy[0].coverage\"\nvalues = [0.02, 0.03]\n"
    ));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "`policy.\"regional mobility teams\".coverage` and `policy[0].coverage` name the same value"
        ),
        "{stderr}"
    );

    let (code, stderr) = plan(
        "scenarios = [\"baseline.toml\"]\n[set]\n\"simulation.steps\" = 6\n[outcomes]\nfrom_step = 7\n",
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("`outcomes.from_step` = 7: after the last step"),
        "{stderr}"
    );
}
