//! A command's output is one transaction, tested through the binary: a run that fails while
//! drawing (a file-size limit standing in for a full disk) leaves the previous output
//! byte-identical; `--no-plots` leaves no figures of an earlier run; a directory labsim did not
//! write is refused; and SIGKILL at many moments of `run`, `calibrate` and `sweep merge` never
//! leaves a directory that mixes two outputs, while the next command removes the temporaries.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;

use common::TABLES;

fn labsim(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("labsim").unwrap();
    cmd.current_dir(dir).timeout(Duration::from_secs(120));
    cmd
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{cmd:?} failed: {err}");
    err
}

/// Every file under `dir` by relative path, with its bytes; `report.html` and `manifest.json`
/// carry wall times, so only their presence and the manifest's seed are kept.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
                continue;
            }
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            let bytes = std::fs::read(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let kept = match name.as_str() {
                "manifest.json" => {
                    let m: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                    m["seed"].to_string().into_bytes()
                }
                "report.html" => Vec::new(),
                _ => bytes,
            };
            out.insert(rel, kept);
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Names in `parent` that are labsim temporaries.
fn temporaries(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".labsim-"))
        .collect()
}

fn scenario(dir: &Path) -> PathBuf {
    let path = dir.join("s.toml");
    std::fs::write(&path, format!("name = \"s\"\n{TABLES}")).unwrap();
    path
}

#[test]
fn a_run_that_fails_while_drawing_leaves_the_previous_output_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    scenario(dir.path());
    ok(labsim(dir.path()).args(["run", "s.toml", "--quiet", "--out", "out", "--seed", "1"]));
    let before = snapshot(&dir.path().join("out"));
    let raw_before = std::fs::read(dir.path().join("out/manifest.json")).unwrap();
    // The data files fit under 32 KiB, a figure does not: writing it fails with EFBIG, as it
    // would with a full disk. SIGXFSZ is ignored so that the write fails instead of killing.
    let exe = assert_cmd::cargo::cargo_bin("labsim");
    let out = std::process::Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 32; exec \"$0\" run s.toml --quiet --out out --seed 2")
        .arg(&exe)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(
        err.starts_with("error: ") && err.contains("cannot write "),
        "{err}"
    );
    assert!(
        err.contains(" out/plots/") && err.contains(".png: "),
        "{err}"
    );
    assert!(!err.contains(".labsim-tmp"), "names the final file: {err}");
    assert_eq!(
        err.matches("os error").count(),
        1,
        "the OS message once: {err}"
    );
    assert_eq!(snapshot(&dir.path().join("out")), before);
    assert_eq!(
        std::fs::read(dir.path().join("out/manifest.json")).unwrap(),
        raw_before
    );
    assert!(
        temporaries(dir.path()).is_empty(),
        "{:?}",
        temporaries(dir.path())
    );
}

#[test]
fn no_plots_leaves_no_figures_of_an_earlier_run() {
    let dir = tempfile::tempdir().unwrap();
    scenario(dir.path());
    ok(labsim(dir.path()).args(["run", "s.toml", "--quiet", "--out", "out"]));
    assert!(dir.path().join("out/plots").is_dir());
    ok(labsim(dir.path()).args(["run", "s.toml", "--quiet", "--out", "out", "--no-plots"]));
    assert!(!dir.path().join("out/plots").exists());
    assert!(!dir.path().join("out/report.html").exists());
    assert!(dir.path().join("out/series.csv").is_file());
}

#[test]
fn a_directory_labsim_did_not_write_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    scenario(dir.path());
    std::fs::create_dir(dir.path().join("mine")).unwrap();
    std::fs::write(dir.path().join("mine/notes.txt"), "keep").unwrap();
    let out = labsim(dir.path())
        .args(["run", "s.toml", "--quiet", "--out", "mine"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("mine") && err.contains("labsim did not write"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("mine")).unwrap().count(),
        1,
        "untouched"
    );
}

#[test]
fn plot_redraws_in_a_transaction_and_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    scenario(dir.path());
    ok(labsim(dir.path()).args(["run", "s.toml", "--quiet", "--out", "out"]));
    let before = snapshot(&dir.path().join("out"));
    std::fs::remove_dir_all(dir.path().join("out/plots")).unwrap();
    ok(labsim(dir.path()).args(["plot", "out"]));
    assert_eq!(snapshot(&dir.path().join("out")), before);
    assert!(temporaries(dir.path()).is_empty());
}

/// Run `args` and SIGKILL it after `after`; whether it finished first does not matter.
fn killed(dir: &Path, args: &[&str], after: Duration) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("labsim"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let _ = child.kill();
    let _ = child.wait();
}

/// How long `args` takes when left alone.
fn duration(dir: &Path, args: &[&str]) -> Duration {
    let start = Instant::now();
    ok(labsim(dir).args(args));
    start.elapsed()
}

/// Kill `args` at `n` moments spread over its duration; after each, the output directory
/// `out` must be one of `states` (or absent, if `absent_ok`), never a mixture. The last,
/// unkilled run must leave no temporaries.
fn kill_at_many_moments(
    dir: &Path,
    out: &str,
    runs: &[Vec<&str>],
    states: &[BTreeMap<String, Vec<u8>>],
    n: u32,
) {
    let full = duration(dir, &runs[0]);
    for k in 0..n {
        // Spread over the run, with the first kills early, where files are being created.
        let frac = f64::from(k * k) / f64::from(n * n);
        let args = &runs[k as usize % runs.len()];
        killed(
            dir,
            args,
            full.mul_f64(frac) + Duration::from_millis(u64::from(k) * 7),
        );
        let now = snapshot(&dir.join(out));
        assert!(
            states.contains(&now),
            "after a kill at {frac:.2} of {full:?}, {out} mixes outputs: {:?}",
            now.keys().collect::<Vec<_>>()
        );
    }
    ok(labsim(dir).args(&runs[0]));
    assert!(temporaries(dir).is_empty(), "{:?}", temporaries(dir));
}

#[test]
fn sigkill_during_run_never_mixes_two_runs() {
    let dir = tempfile::tempdir().unwrap();
    scenario(dir.path());
    let run = |seed: &'static str| vec!["run", "s.toml", "--quiet", "--out", "out", "--seed", seed];
    let (a, b) = (run("1"), run("2"));
    ok(labsim(dir.path()).args(&b));
    let state_b = snapshot(&dir.path().join("out"));
    ok(labsim(dir.path()).args(&a));
    let state_a = snapshot(&dir.path().join("out"));
    assert_ne!(state_a, state_b);
    kill_at_many_moments(dir.path(), "out", &[b, a], &[state_a, state_b], 12);
}

#[test]
fn sigkill_during_calibrate_never_mixes_two_fits() {
    let dir = tempfile::tempdir().unwrap();
    scenario(dir.path());
    std::fs::write(
        dir.path().join("t.toml"),
        "name = \"t\"\nreplications = 1\n\
         [[target]]\nmetric = \"unemployment_rate\"\nvalue = 0.05\ntolerance = 0.01\n\
         [[parameter]]\nkey = \"mechanics.on_the_job_search\"\nlower = 0.0\nupper = 0.1\n",
    )
    .unwrap();
    let fit = |budget: &'static str| {
        vec![
            "calibrate",
            "s.toml",
            "--targets",
            "t.toml",
            "--quiet",
            "--out",
            "fit",
            "--budget",
            budget,
        ]
    };
    let (a, b) = (fit("4"), fit("6"));
    ok(labsim(dir.path()).args(&b));
    let state_b = snapshot(&dir.path().join("fit"));
    ok(labsim(dir.path()).args(&a));
    let state_a = snapshot(&dir.path().join("fit"));
    assert_ne!(state_a, state_b);
    kill_at_many_moments(dir.path(), "fit", &[b, a], &[state_a, state_b], 8);
}

#[test]
fn sigkill_during_sweep_merge_never_mixes_a_merge_with_the_runs() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(dir.path());
    std::fs::write(
        dir.path().join("w.toml"),
        format!(
            "name = \"w\"\nscenarios = [{:?}]\nreplications = 2\nseed = 3\n\
             [[parameter]]\nkey = \"mechanics.on_the_job_search\"\nvalues = [0.0, 0.1]\n",
            s.display().to_string()
        ),
    )
    .unwrap();
    ok(labsim(dir.path()).args(["sweep", "run", "w.toml", "--quiet", "--out", "sw"]));
    ok(labsim(dir.path()).args(["sweep", "merge", "sw", "--no-plots"]));
    let unplotted = snapshot(&dir.path().join("sw"));
    ok(labsim(dir.path()).args(["sweep", "merge", "sw"]));
    let plotted = snapshot(&dir.path().join("sw"));
    assert_ne!(unplotted, plotted);
    let merge = |plots: bool| {
        let mut v = vec!["sweep", "merge", "sw"];
        if !plots {
            v.push("--no-plots");
        }
        v
    };
    kill_at_many_moments(
        dir.path(),
        "sw",
        &[merge(true), merge(false)],
        &[unplotted, plotted],
        8,
    );
}

/// `plot` on a `series.csv` with a non-finite number in a plotted column exits 2 at once,
/// naming file, row and column, and leaves the directory as it was.
#[test]
fn plot_refuses_a_non_finite_value_and_leaves_the_directory_alone() {
    let dir = tempfile::tempdir().unwrap();
    scenario(dir.path());
    ok(labsim(dir.path()).args(["run", "s.toml", "--quiet", "--out", "out"]));
    let series = dir.path().join("out/series.csv");
    let text = std::fs::read_to_string(&series).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|c| *c == "unemployment_rate")
        .unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<&str> = lines[2].split(',').collect();
    cells[col] = "inf";
    lines[2] = cells.join(",");
    std::fs::write(&series, lines.join("\n") + "\n").unwrap();
    let before = snapshot(&dir.path().join("out"));
    let out = labsim(dir.path()).args(["plot", "out"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("series.csv: line 3, column `unemployment_rate`") && err.contains("finite"),
        "{err}"
    );
    assert!(!err.contains(".labsim-tmp"), "{err}");
    assert_eq!(snapshot(&dir.path().join("out")), before);
    assert!(temporaries(dir.path()).is_empty());
}
