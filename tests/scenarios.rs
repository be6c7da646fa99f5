//! The shipped scenarios: every file in `scenarios/` passes `labsim check` and runs, and the
//! baseline stays near the 2022 figures it was sized to (scaled down to keep the test fast).

use assert_cmd::Command;

fn shipped() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 2,
        "baseline.toml and published_model.toml at least"
    );
    files
}

#[test]
fn every_shipped_scenario_passes_check() {
    for file in shipped() {
        let out = Command::cargo_bin("labsim")
            .unwrap()
            .arg("check")
            .arg(&file)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        for word in ["countries", "regions", "sectors", "workers", "steps"] {
            assert!(
                stdout.contains(word),
                "{}: check output lacks {word}",
                file.display()
            );
        }
    }
}

#[test]
fn every_shipped_scenario_runs() {
    let tmp = tempfile::tempdir().unwrap();
    for file in shipped() {
        let dir = tmp.path().join(file.file_stem().unwrap());
        Command::cargo_bin("labsim")
            .unwrap()
            .arg("run")
            .arg(&file)
            .args(["--quiet", "--scale", "0.01", "--steps", "3", "--out"])
            .arg(&dir)
            .assert()
            .success();
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["steps"], 3);
        for key in [
            "labsim_version",
            "scenario_hash",
            "seed",
            "threads",
            "workers",
            "wall_seconds",
            "agent_steps_per_second",
        ] {
            assert!(!manifest[key].is_null(), "manifest lacks {key}");
        }
    }
}

/// The baseline at scale 0.05, averaged over its second to fifth year, stays in the range of the
/// 2022 statistics it was sized to: unemployment 2-5 %, vacancy rate 3-8 %, job finding 10-25 % a
/// month, and cross-border commuting in every direction the data has.
#[test]
fn baseline_stays_near_its_2022_figures() {
    use labsim::metrics::{flow, home};
    use labsim::scenario::Override;
    let s = labsim::scenario::load_with(
        std::path::Path::new("scenarios/baseline.toml"),
        &[
            Override::at("simulation.scale", 0.05, "test").unwrap(),
            Override::at("simulation.steps", 60, "test").unwrap(),
        ],
    )
    .unwrap();
    let model = labsim::model::Model::new(s);
    let records = labsim::run::run(&model, 2, &|| {})
        .unwrap()
        .records
        .remove(0);
    let window = &records[13..];
    let n = window.len() as f64;
    let sum =
        |f: &dyn Fn(&labsim::metrics::StepRecord) -> f64| window.iter().map(f).sum::<f64>() / n;
    let e = sum(&|r| {
        r.census
            .by_home
            .iter()
            .map(|h| h[home::EMPLOYED])
            .sum::<u64>() as f64
    });
    let u = sum(&|r| {
        r.census
            .by_home
            .iter()
            .map(|h| h[home::UNEMPLOYED])
            .sum::<u64>() as f64
    });
    let v = sum(&|r| r.vacancies.iter().sum::<u64>() as f64);
    let hires = sum(&|r| {
        r.flows
            .by_home
            .iter()
            .map(|f| f[flow::HIRES_FROM_UNEMPLOYMENT])
            .sum::<u64>() as f64
    });
    let rate = u / (u + e);
    assert!((0.02..0.05).contains(&rate), "unemployment rate {rate}");
    let vr = v / (v + e);
    assert!((0.03..0.08).contains(&vr), "vacancy rate {vr}");
    let finding = hires / u;
    assert!(
        (0.10..0.25).contains(&finding),
        "monthly job finding {finding}"
    );
    let last = records.last().unwrap();
    let nc = model.n_countries;
    for (a, b) in [("DE", "NL"), ("BE", "NL"), ("NL", "DE"), ("NL", "BE")] {
        let ia = model
            .scenario
            .countries
            .iter()
            .position(|c| c.code == a)
            .unwrap();
        let ib = model
            .scenario
            .countries
            .iter()
            .position(|c| c.code == b)
            .unwrap();
        assert!(
            last.census.commuters[ia * nc + ib] > 0,
            "no commuters {a} -> {b}"
        );
    }
}

/// Step 1 is the scenario's start month; step 0, the initial state, the month before.
#[test]
fn steps_are_dated_from_the_start_month() {
    let tmp = tempfile::tempdir().unwrap();
    Command::cargo_bin("labsim")
        .unwrap()
        .args([
            "run",
            "scenarios/baseline.toml",
            "--quiet",
            "--scale",
            "0.005",
            "--steps",
            "13",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    let series =
        labsim::output::read::<labsim::output::SeriesRow>(&tmp.path().join("series.csv")).unwrap();
    let date_of = |step: u32| {
        series
            .iter()
            .find(|r| r.id.replication == 0 && r.id.step == step)
            .unwrap()
            .id
            .date
            .clone()
    };
    assert_eq!(date_of(0), "2021-12");
    assert_eq!(date_of(1), "2022-01");
    assert_eq!(date_of(13), "2023-01");
}
