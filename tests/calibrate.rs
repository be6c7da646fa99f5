//! `labsim calibrate` through the binary: the search recovers known parameters from their own
//! moments (identification), the calibrated scenario reproduces the fit it reports, `--check`
//! exits 1 exactly when a fitted moment is outside its tolerance, and bad targets files exit 2
//! naming the problem.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn labsim() -> Command {
    Command::cargo_bin("labsim").unwrap()
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The baseline at one agent per 100 persons, 36 months: about 37 000 agents.
fn small_scenario(dir: &Path, extra: &str) -> PathBuf {
    let file = dir.join("small.toml");
    std::fs::write(
        &file,
        format!(
            "extends = \"{}\"\nname = \"small\"\n[simulation]\nscale = 0.01\nsteps = 36\nseed = 5\n{extra}",
            repo("scenarios/baseline_published_rules.toml").display()
        ),
    )
    .unwrap();
    file
}

/// Read `fit.csv` into (target name, simulated mean).
fn simulated(dir: &Path) -> Vec<(String, f64)> {
    labsim::output::read::<labsim::calibrate::FitCsvRow>(&dir.join("fit.csv"))
        .unwrap()
        .into_iter()
        .map(|row| (row.target, row.simulated_mean))
        .collect()
}

const MOMENTS: &str = "[window]\nfrom_step = 7\n\
    [[target]]\nname = \"u_BE\"\nmetric = \"unemployment_rate\"\nlevel = \"country\"\nkey = \"BE\"\nvalue = {U}\ntolerance = {TU}\n\
    [[target]]\nname = \"j2j\"\nmetric = \"job_to_job\"\nvalue = {J}\ntolerance = {TJ}\n";

fn targets(u: f64, j: f64, rel_tol: f64) -> String {
    MOMENTS
        .replace("{U}", &u.to_string())
        .replace("{TU}", &(u * rel_tol).to_string())
        .replace("{J}", &j.to_string())
        .replace("{TJ}", &(j * rel_tol).to_string())
}

/// The moments of the small scenario with known values (on-the-job search 0.012, Belgium's
/// separation multiplier 1.2), one replication: (Belgian unemployment, job-to-job moves). The
/// baseline has 0.0322 and 0.525: a search starts there.
fn truth_moments(dir: &Path, small: &Path) -> (f64, f64) {
    let truth_file = dir.join("truth.toml");
    std::fs::write(
        &truth_file,
        format!(
            "extends = \"{}\"\nname = \"truth\"\n[mechanics]\non_the_job_search = 0.012\n{}",
            small.display(),
            countries_with_be_multiplier(1.2)
        ),
    )
    .unwrap();
    let probe = dir.join("probe.toml");
    std::fs::write(&probe, targets(0.03, 0.01, 0.1)).unwrap();
    let measured = dir.join("measured");
    let o = labsim()
        .args(["calibrate", "--check"])
        .arg(&truth_file)
        .arg("--targets")
        .arg(&probe)
        .args(["--replications", "1", "--out"])
        .arg(&measured)
        .output()
        .unwrap();
    // The probe's targets are placeholders: exit 0 or 1 by how close they are, never 2.
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let m = simulated(&measured);
    (m[0].1, m[1].1)
}

/// Calibrate `small` to the targets (u, j) with the two free parameters, each followed by
/// `pairing[k]` (extra keys of its `[[parameter]]`), within `budget` evaluations into `out`.
/// Returns (Belgian multiplier, on-the-job search, stderr).
fn fit(
    small: &Path,
    targets_file: &Path,
    u: f64,
    j: f64,
    pairing: [&str; 2],
    budget: u32,
    out: &Path,
) -> (f64, f64, String) {
    std::fs::write(
        targets_file,
        format!(
            "seed = 5\nreplications = 1\n{}\
             [[parameter]]\nkey = \"country.BE.separation_multiplier\"\nlower = 0.3\nupper = 1.5\n{}\
             [[parameter]]\nkey = \"mechanics.on_the_job_search\"\nlower = 0.005\nupper = 0.08\n{}",
            targets(u, j, 0.01),
            pairing[0],
            pairing[1]
        ),
    )
    .unwrap();
    let o = labsim()
        .arg("calibrate")
        .arg(small)
        .arg("--targets")
        .arg(targets_file)
        .args(["--budget", &budget.to_string(), "--no-plots", "--out"])
        .arg(out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{stderr}");
    let calibrated = std::fs::read_to_string(out.join("small_calibrated.toml")).unwrap();
    // A parameter inside `[[country]]` is set by its path, not by a copy of the whole array.
    let table: toml::Table = toml::from_str(&calibrated).unwrap();
    assert!(
        table["set"]
            .get("country.BE.separation_multiplier")
            .is_some()
            && !table.contains_key("country"),
        "{calibrated}"
    );
    let value = |key: &str| -> f64 {
        let line = calibrated
            .lines()
            .find(|l| l.starts_with(&format!("#   {key} = ")))
            .unwrap_or_else(|| panic!("{key} in\n{calibrated}"));
        line.split('=')
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    (
        value("country.BE.separation_multiplier"),
        value("mechanics.on_the_job_search"),
        stderr,
    )
}

#[test]
fn the_search_recovers_known_parameters_from_their_moments() {
    let tmp = tempfile::tempdir().unwrap();
    // 1. Simulate with known values and read off the moments.
    let small = small_scenario(tmp.path(), "");
    let (u, j) = truth_moments(tmp.path(), &small);

    // 2. Fit the small scenario to those moments.
    let fit_targets = tmp.path().join("targets.toml");
    let out = tmp.path().join("cal");
    let (be, ojs, stderr) = fit(&small, &fit_targets, u, j, ["", ""], 120, &out);
    // Stated tolerance: within 0.05 of the BE multiplier (range 1.2) and 0.004 of on-the-job
    // search (range 0.075), both about 5 % of their ranges.
    assert!(
        (be - 1.2).abs() <= 0.05,
        "BE multiplier {be}, truth 1.2\n{stderr}"
    );
    assert!(
        (ojs - 0.012).abs() <= 0.004,
        "on-the-job search {ojs}, truth 0.012\n{stderr}"
    );
    let history = std::fs::read_to_string(out.join("history.csv")).unwrap();
    assert!(
        history.lines().count() <= 121,
        "the budget caps evaluations"
    );

    // 3. The calibrated scenario, checked on its own, reproduces the reported fit byte for byte.
    let recheck = tmp.path().join("recheck");
    let o = labsim()
        .args(["calibrate", "--check"])
        .arg(out.join("small_calibrated.toml"))
        .arg("--targets")
        .arg(&fit_targets)
        .arg("--out")
        .arg(&recheck)
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        std::fs::read(recheck.join("fit.csv")).unwrap(),
        std::fs::read(out.join("fit.csv")).unwrap(),
        "the calibrated file does not reproduce the calibration's fit"
    );
}

/// Paired parameters (`moves`) are solved by the damped fixed point before the search: each
/// on its own target (Belgium's separation multiplier raises Belgian unemployment, on-the-job
/// search raises job-to-job moves), it recovers the known values to the same tolerance as the
/// full search within a sixth of its budget, in evaluations marked `pairs`; and the best of
/// them is what the calibrated scenario carries.
#[test]
fn paired_parameters_are_solved_by_the_fixed_point_in_a_few_evaluations() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small_scenario(tmp.path(), "");
    let (u, j) = truth_moments(tmp.path(), &small);
    let out = tmp.path().join("pairs");
    let (be, ojs, stderr) = fit(
        &small,
        &tmp.path().join("paired.toml"),
        u,
        j,
        ["moves = \"u_BE\"\n", "moves = \"j2j\"\nraises = true\n"],
        20,
        &out,
    );
    // At 36 000 workers and 36 steps, Belgian unemployment within its 1 % tolerance pins the
    // multiplier to about +-0.06 (with seed 5 the pairs stop at 1.149, inside the tolerance).
    assert!((be - 1.2).abs() <= 0.06, "BE multiplier {be}\n{stderr}");
    assert!(
        (ojs - 0.012).abs() <= 0.004,
        "on-the-job search {ojs}\n{stderr}"
    );
    let history = std::fs::read_to_string(out.join("history.csv")).unwrap();
    let rows: Vec<&str> = history.lines().skip(1).collect();
    assert!(rows.len() <= 20, "{history}");
    let pairs: Vec<&&str> = rows.iter().filter(|r| r.contains(",pairs,")).collect();
    assert!(!pairs.is_empty() && pairs.len() <= 10, "{history}");
    assert!(
        rows[0].contains(",pairs,"),
        "the pairs come first: {history}"
    );
}

/// The baseline's three countries with Belgium's separation multiplier set.
fn countries_with_be_multiplier(m: f64) -> String {
    let base: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo("scenarios/baseline_published_rules.toml")).unwrap(),
    )
    .unwrap();
    let mut countries = base["country"].as_array().unwrap().clone();
    for c in &mut countries {
        if c["code"].as_str() == Some("BE") {
            c.as_table_mut()
                .unwrap()
                .insert("separation_multiplier".into(), m.into());
        }
    }
    let mut t = toml::Table::new();
    t.insert("country".into(), toml::Value::Array(countries));
    toml::to_string(&t).unwrap()
}

#[test]
fn check_exits_1_exactly_when_a_fitted_moment_is_outside_its_tolerance() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small_scenario(tmp.path(), "");
    let good = tmp.path().join("good.toml");
    // Wide tolerances: inside. The out-of-sample target is far off but not guarded.
    std::fs::write(
        &good,
        format!(
            "{}[[target]]\nmetric = \"tightness\"\nvalue = 100\ntolerance = 1\nfit = false\n",
            targets(0.03, 0.014, 0.9)
        ),
    )
    .unwrap();
    let o = labsim()
        .args(["calibrate", "--check"])
        .arg(&small)
        .arg("--targets")
        .arg(&good)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("## Out-of-sample checks (not fitted)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| tightness | total all | 100.00 |"),
        "{stdout}"
    );

    let bad = tmp.path().join("bad.toml");
    // Unemployment far off; job-to-job with a tolerance wide enough for any plausible value.
    let text = targets(0.10, 0.014, 0.1).replace(
        &format!("tolerance = {}\n", 0.014 * 0.1),
        "tolerance = 0.0139\n",
    );
    assert!(text.contains("tolerance = 0.0139"), "{text}");
    std::fs::write(&bad, text).unwrap();
    let o = labsim()
        .args(["calibrate", "--check"])
        .arg(&small)
        .arg("--targets")
        .arg(&bad)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("outside tolerance: unemployment_rate country BE"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 of 2 fitted moments are outside"),
        "{stderr}"
    );
}

/// `--set KEY=VALUE` works as in `run`: a check with a key set on the command line gives the
/// moments of the scenario file that sets it; a free parameter set this way starts the search
/// there; the calibrated scenario carries every key set, so that it reproduces the fit; and a
/// bad `--set` exits 2.
#[test]
fn set_on_the_command_line_is_part_of_the_scenario_checked_and_calibrated() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small_scenario(tmp.path(), "");
    let sub = tmp.path().join("x");
    std::fs::create_dir(&sub).unwrap();
    let file_set = small_scenario(&sub, "[mechanics]\non_the_job_search = 0.012\n");
    let t = tmp.path().join("t.toml");
    std::fs::write(&t, targets(0.03, 0.014, 0.9)).unwrap();
    let check = |scenario: &Path, sets: &[&str], out: &str| {
        let mut cmd = labsim();
        cmd.args(["calibrate", "--check", "--quiet", "--no-plots"])
            .arg(scenario)
            .arg("--targets")
            .arg(&t)
            .arg("--out")
            .arg(tmp.path().join(out));
        for set in sets {
            cmd.args(["--set", set]);
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        simulated(&tmp.path().join(out))
    };
    let by_flag = check(&small, &["mechanics.on_the_job_search=0.012"], "flag");
    let by_file = check(&file_set, &[], "file");
    let as_is = check(&small, &[], "as_is");
    assert_eq!(by_flag, by_file);
    assert_ne!(by_flag, as_is);

    // A search of two evaluations: the start is the value set, and the calibrated scenario
    // carries the other key set (the scale) beside the fitted one.
    let fit = tmp.path().join("fit.toml");
    std::fs::write(
        &fit,
        format!(
            "{}[[parameter]]\nkey = \"mechanics.on_the_job_search\"\nlower = 0.005\nupper = 0.08\n",
            targets(0.03, 0.014, 0.9)
        ),
    )
    .unwrap();
    let out = tmp.path().join("calibrated");
    let o = labsim()
        .args(["calibrate", "--quiet", "--no-plots", "--budget", "2"])
        .arg(&small)
        .arg("--targets")
        .arg(&fit)
        .args(["--set", "mechanics.on_the_job_search=0.012"])
        .args(["--set", "simulation.scale=0.005"])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let history = std::fs::read_to_string(out.join("history.csv")).unwrap();
    let first = history.lines().nth(1).unwrap();
    assert!(
        first.contains("0.012"),
        "the search did not start at the value set: {first}"
    );
    let calibrated = std::fs::read_to_string(out.join("small_calibrated.toml")).unwrap();
    let table: toml::Table = toml::from_str(&calibrated).unwrap();
    assert_eq!(
        table["simulation"]["scale"].as_float(),
        Some(0.005),
        "{calibrated}"
    );

    let o = labsim()
        .args(["calibrate", "--check"])
        .arg(&small)
        .arg("--targets")
        .arg(&t)
        .args(["--set", "mechanics.on_the_job_search=2"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("mechanics.on_the_job_search"), "{stderr}");
}

#[test]
fn bad_targets_files_exit_2_naming_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small_scenario(tmp.path(), "");
    let one = "[[target]]\nmetric = \"unemployment_rate\"\nvalue = 0.03\ntolerance = 0.01\n";
    let cases = [
        (
            "[[target]]\nmetric = \"happiness\"\nvalue = 1\ntolerance = 1\n".to_string(),
            "`target[0].metric` = \"happiness\": unknown metric",
        ),
        (
            format!("{one}[[parameter]]\nkey = \"mechanics.on_the_job_serch\"\nlower = 0.0\nupper = 0.1\n"),
            "`mechanics.on_the_job_serch` = 0.0: not a key of the scenario format",
        ),
        (
            format!("{one}[[parameter]]\nkey = \"country.XX.separation_multiplier\"\nlower = 0.5\nupper = 1.5\n"),
            "no entry named \"XX\"",
        ),
        (
            format!("{one}[[parameter]]\nkey = \"mechanics.on_the_job_search\"\nlower = 0.2\nupper = 0.1\n"),
            "`parameter[0].lower` = 0.2: must be below `upper` (0.1)",
        ),
        (
            format!("{one}[[parameter]]\nkey = \"mechanics.on_the_job_search\"\nlower = 0.5\nupper = 2.0\n"),
            "`mechanics.on_the_job_search` = 2: must be a number from 0 to 1",
        ),
        (
            format!("{one}from_step = 30\nto_step = 20\n"),
            "the window is empty",
        ),
        (
            "[[target]]\nmetric = \"unemployment_rate\"\nlevel = \"region\"\nkey = \"Atlantis\"\nvalue = 0.03\ntolerance = 0.01\n".to_string(),
            "the scenario has no region \"Atlantis\"",
        ),
        (
            "[[target]]\nmetric = \"cross_border_commuters\"\nkey = \"NL-NL\"\nvalue = 1\ntolerance = 1\n".to_string(),
            "written HOME-WORK",
        ),
    ];
    for (text, expected) in cases {
        let file = tmp.path().join("t.toml");
        std::fs::write(&file, &text).unwrap();
        for check in [true, false] {
            let mut cmd = labsim();
            cmd.arg("calibrate");
            if check {
                cmd.arg("--check");
            }
            let o = cmd
                .arg(&small)
                .arg("--targets")
                .arg(&file)
                .arg("--out")
                .arg(tmp.path().join("never"))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{text}\n{stderr}");
            assert!(
                stderr.contains(expected),
                "{text}\nexpected {expected:?} in {stderr}"
            );
            assert!(stderr.contains("t.toml"), "{stderr}");
        }
        assert!(!tmp.path().join("never").exists());
    }
}
