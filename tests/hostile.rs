//! Hostile inputs, tested through the `labsim` binary: a FIFO, a device or an over-size file
//! given as an input, an `extends` chain longer than the limit, a scenario or sweep name that
//! would write outside `output/`, and targets whose values or tolerances make calibration fail
//! late. Each exits 2 at once with one `error:` line naming the file, key, value and rule. And
//! a reader that closes the pipe early (`labsim check ... | head`) ends it without a panic.

mod common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use tempfile::TempDir;

use common::TABLES;

/// A valid targets file needs at least one fitted target; `{T}` is replaced by the one tested.
const TARGET_OK: &str =
    "[[target]]\nmetric = \"unemployment_rate\"\nvalue = 0.05\ntolerance = 0.01\n";

fn tmp() -> TempDir {
    tempfile::tempdir().expect("create a temporary directory")
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), contents).expect("write an input file");
}

/// `labsim` run in `dir`, killed after 60 s so that a blocking read fails the test instead of
/// hanging it.
fn labsim(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("labsim").expect("the labsim binary is built");
    cmd.current_dir(dir)
        .env("RUST_BACKTRACE", "1")
        .timeout(Duration::from_secs(60));
    cmd
}

/// Assert exit 2, one `error:` line, no panic, and every needle in stderr. Returns stderr.
fn assert_exit_2(out: &Output, needles: &[&str]) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit 2\nstderr:\n{err}"
    );
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line:\n{err}");
    assert!(!err.to_lowercase().contains("panicked"), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
    }
    err
}

#[test]
fn a_fifo_as_the_scenario_is_refused_without_blocking() {
    let dir = tmp();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.toml"))
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    for args in [
        vec!["check", "pipe.toml"],
        vec!["run", "pipe.toml", "--quiet", "--out", "out"],
    ] {
        let started = std::time::Instant::now();
        let out = labsim(dir.path()).args(&args).output().unwrap();
        assert_exit_2(&out, &["pipe.toml", "not a regular file"]);
        assert!(started.elapsed() < Duration::from_secs(30), "{args:?}");
    }
    // The sweep and targets readers share the guard.
    write(dir.path(), "s.toml", format!("name = \"s\"\n{TABLES}"));
    let out = labsim(dir.path())
        .args(["sweep", "plan", "pipe.toml"])
        .output()
        .unwrap();
    assert_exit_2(&out, &["pipe.toml", "not a regular file"]);
    let out = labsim(dir.path())
        .args(["calibrate", "--check", "s.toml", "--targets", "pipe.toml"])
        .output()
        .unwrap();
    assert_exit_2(&out, &["pipe.toml", "not a regular file"]);
}

#[test]
fn dev_zero_is_refused() {
    let dir = tmp();
    let out = labsim(dir.path())
        .args(["check", "/dev/zero"])
        .output()
        .unwrap();
    assert_exit_2(&out, &["/dev/zero", "not a regular file"]);
    let out = labsim(dir.path())
        .args(["sweep", "plan", "/dev/zero"])
        .output()
        .unwrap();
    assert_exit_2(&out, &["/dev/zero", "not a regular file"]);
}

#[test]
fn an_over_size_file_is_refused_unread() {
    let dir = tmp();
    let file = std::fs::File::create(dir.path().join("big.toml")).unwrap();
    // Sparse: one byte over the limit without writing 16 MiB.
    file.set_len(labsim::input::MAX_INPUT_BYTES + 1).unwrap();
    let out = labsim(dir.path())
        .args(["check", "big.toml"])
        .output()
        .unwrap();
    assert_exit_2(
        &out,
        &["big.toml", "16777217 bytes", "at most 16777216 bytes"],
    );
    write(dir.path(), "s.toml", format!("name = \"s\"\n{TABLES}"));
    let out = labsim(dir.path())
        .args(["calibrate", "--check", "s.toml", "--targets", "big.toml"])
        .output()
        .unwrap();
    assert_exit_2(&out, &["big.toml", "at most 16777216 bytes"]);
}

/// `f0.toml` is a full scenario and `fI.toml` extends `f(I-1).toml`, up to `f(n-1).toml`: the
/// chain from `f(n-1).toml` holds `n` files.
fn chain(dir: &Path, n: usize) {
    write(dir, "f0.toml", TABLES);
    for i in 1..n {
        write(
            dir,
            &format!("f{i}.toml"),
            format!(
                "extends = \"f{}.toml\"\n[mechanics]\napplications = {}\n",
                i - 1,
                1 + i % 5
            ),
        );
    }
}

#[test]
fn an_extends_chain_longer_than_the_limit_is_refused() {
    let limit = 64;
    let dir = tmp();
    chain(dir.path(), limit + 1);
    let out = labsim(dir.path())
        .args(["check", &format!("f{limit}.toml")])
        .output()
        .unwrap();
    assert_exit_2(&out, &["`extends`", "at most 64 files"]);

    // The chain of the issue (3,000 files) crashed with a stack overflow.
    let dir = tmp();
    chain(dir.path(), 3000);
    let out = labsim(dir.path())
        .args(["check", "f2999.toml"])
        .output()
        .unwrap();
    assert_exit_2(&out, &["f2999.toml", "f2936.toml", "at most 64 files"]);
}

#[test]
fn an_extends_chain_at_the_limit_resolves() {
    let limit = 64;
    let dir = tmp();
    chain(dir.path(), limit);
    let last = format!("f{}.toml", limit - 1);
    let out = labsim(dir.path()).args(["check", &last]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // The value of the file that was run wins over its 63 ancestors.
    let out = labsim(dir.path())
        .args(["run", &last, "--quiet", "--no-plots", "--out", "out"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn scenario_names_that_leave_the_output_directory_are_refused() {
    for name in ["../x", "/abs", "", "a/b", "..", ".", "a\\\\b"] {
        let dir = tmp();
        write(
            dir.path(),
            "bad.toml",
            format!("name = \"{name}\"\n{TABLES}"),
        );
        for args in [
            vec!["check", "bad.toml"],
            vec!["run", "bad.toml", "--quiet"],
        ] {
            let out = labsim(dir.path()).args(&args).output().unwrap();
            assert_exit_2(&out, &["bad.toml", "key `name`", "letters, digits"]);
        }
        assert!(
            !dir.path().join("output").exists() && !dir.path().join("x").exists(),
            "{name:?}: output was written"
        );
    }
    // An override meets the same rule.
    let dir = tmp();
    write(dir.path(), "ok.toml", format!("name = \"ok\"\n{TABLES}"));
    let out = labsim(dir.path())
        .args(["run", "ok.toml", "--quiet", "--set", "name=\"../x\""])
        .output()
        .unwrap();
    assert_exit_2(&out, &["key `name` = \"../x\"", "letters, digits"]);
}

#[test]
fn sweep_names_meet_the_same_rule() {
    let dir = tmp();
    write(dir.path(), "s.toml", format!("name = \"s\"\n{TABLES}"));
    for name in ["..", "a b", "../x"] {
        write(
            dir.path(),
            "sweep.toml",
            format!(
                "name = \"{name}\"\nscenarios = [\"s.toml\"]\n[[parameter]]\nkey = \"mechanics.applications\"\nvalues = [1, 2]\n"
            ),
        );
        let out = labsim(dir.path())
            .args(["sweep", "plan", "sweep.toml"])
            .output()
            .unwrap();
        assert_exit_2(&out, &["sweep.toml", "key `name`", "letters, digits"]);
    }
}

#[test]
fn targets_that_would_fail_late_are_refused_before_any_run() {
    let dir = tmp();
    write(dir.path(), "s.toml", format!("name = \"s\"\n{TABLES}"));
    let cases = [
        (
            "value = 1e308\ntolerance = 0.01",
            "`target[1].value` = 1e308",
        ),
        (
            "value = 0.05\ntolerance = 5e-324",
            "`target[1].tolerance` = 5e-324",
        ),
        ("value = 0.05\ntolerance = 0", "`target[1].tolerance` = 0.0"),
        ("value = nan\ntolerance = 0.01", "`target[1].value` = NaN"),
        (
            "value = 0.05\ntolerance = inf",
            "`target[1].tolerance` = inf",
        ),
        ("value = -inf\ntolerance = 0.01", "`target[1].value` = -inf"),
    ];
    for (body, needle) in cases {
        write(
            dir.path(),
            "t.toml",
            format!("{TARGET_OK}[[target]]\nmetric = \"job_to_job\"\n{body}\n"),
        );
        for check in [true, false] {
            let mut cmd = labsim(dir.path());
            cmd.arg("calibrate");
            if check {
                cmd.arg("--check");
            }
            let out = cmd
                .args(["s.toml", "--targets", "t.toml", "--out", "never"])
                .output()
                .unwrap();
            assert_exit_2(&out, &["t.toml", needle, "must be a number from"]);
            assert!(!dir.path().join("never").exists(), "{body}");
        }
    }
}

/// The smaller items: `--set extends`, a line break in a `--set` value, a TOML syntax error, a
/// 100 kB value and a country named by its name instead of its code each give one short line.
#[test]
fn command_line_settings_and_syntax_errors_give_one_short_line() {
    let dir = tmp();
    write(dir.path(), "s.toml", format!("name = \"s\"\n{TABLES}"));
    let run = |set: &str| {
        labsim(dir.path())
            .args([
                "run",
                "s.toml",
                "--quiet",
                "--no-plots",
                "--out",
                "o",
                "--set",
                set,
            ])
            .output()
            .unwrap()
    };
    assert_exit_2(
        &run("extends=other.toml"),
        &["--set extends=other.toml", "cannot be set"],
    );
    let err = assert_exit_2(
        &run("mechanics.applications=2\nsimulation.steps=1"),
        &["line break", "mechanics.applications=2 simulation.steps=1"],
    );
    assert!(err.len() < 300, "{err}");
    let huge = format!("mechanics.applications=\"{}\"", "x".repeat(100_000));
    let err = assert_exit_2(&run(&huge), &["bytes in all"]);
    assert!(
        err.len() < 500,
        "a 100 kB value is not echoed whole: {} bytes",
        err.len()
    );
    let baseline =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline_published_rules.toml");
    let out = labsim(dir.path())
        .args(["run", "--quiet", "--out", "o", "--set"])
        .arg("country.Nowhere.separation_multiplier=1")
        .arg(&baseline)
        .output()
        .unwrap();
    let err = assert_exit_2(&out, &["NL"]);
    assert!(err.contains("it has: NL"), "codes, not names: {err}");

    write(
        dir.path(),
        "bad.toml",
        "name = \"x\"\n[simulation]\nsteps = = 3\n",
    );
    let out = labsim(dir.path())
        .args(["check", "bad.toml"])
        .output()
        .unwrap();
    assert_exit_2(&out, &["bad.toml", "line 3, column 9", "steps = = 3"]);

    let long = format!(
        "name = \"s\"\n{TABLES}\n[mechanics]\napplications = \"{}\"\n",
        "y".repeat(100_000)
    );
    write(dir.path(), "long.toml", long);
    let out = labsim(dir.path())
        .args(["check", "long.toml"])
        .output()
        .unwrap();
    let err = assert_exit_2(&out, &["long.toml", "applications"]);
    assert!(err.len() < 500, "{} bytes: {}", err.len(), &err[..200]);
    assert!(!dir.path().join("o").exists());
}

/// A sweep of many points says what it is doing before checking them.
#[test]
fn a_large_sweep_plan_says_it_is_checking() {
    let dir = tmp();
    write(dir.path(), "s.toml", format!("name = \"s\"\n{TABLES}"));
    write(
        dir.path(),
        "w.toml",
        "name = \"w\"\nscenarios = [\"s.toml\"]\n[[parameter]]\nkey = \"mechanics.on_the_job_search\"\n\
         range = { from = 0.0, to = 0.1, count = 10000 }\n",
    );
    let out = labsim(dir.path())
        .args(["sweep", "plan", "w.toml"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("checking 10000 points of sweep w"), "{err}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.lines().count() >= 10_000, "every run listed");
}

/// `labsim check scenarios/netherlands.toml | head -1`: the reader closes the pipe before the
/// description is written; the program ends without a panic message (it panicked in `println!`
/// before SIGPIPE's default action was restored).
#[test]
fn a_closed_output_pipe_ends_the_program_quietly() {
    use std::process::Stdio;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("labsim"))
        .args(["check", "scenarios/netherlands.toml"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end at once: loading the scenario takes longer than this.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
