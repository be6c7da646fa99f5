//! Reproducibility: output bytes are a pure function of (scenario, seed), identical for 1, 2 and
//! 4 threads; random numbers are common across scenarios where their states agree; and golden
//! hashes pin the output of fixed runs of the published model, the border baseline (with
//! employers, and under the published rules) and a policy scenario (re-mint them only with a
//! written reason in the commit).

use std::path::Path;

use assert_cmd::Command;
use labsim::metrics::flow;
use labsim::model::Model;
use labsim::scenario::{self, Override};

/// Scale of the runs of [`run_binary`] unless `extra` sets `--scale`.
const SCALE: &str = "0.02";

fn run_binary(dir: &Path, threads: u32, extra: &[&str]) {
    let mut cmd = Command::cargo_bin("labsim").unwrap();
    cmd.args([
        "run",
        "scenarios/baseline_published_rules.toml",
        "--quiet",
        "--steps",
        "18",
    ])
    .args(
        (!extra.contains(&"--scale"))
            .then_some(["--scale", SCALE])
            .iter()
            .flatten(),
    )
    .arg("--out")
    .arg(dir)
    .args(["--threads", &threads.to_string()])
    .args(extra);
    cmd.assert().success();
}

#[test]
fn output_is_identical_for_1_2_and_4_threads() {
    assert_identical_for_1_2_and_4_threads(&["--replications", "2"]);
}

/// The same with employers (notices, replacement vacancies, job flows), entries and exits and
/// a burn-in switched on: their per-employer and per-region work is sequential in a fixed
/// order, and their candidates are gathered per chunk in worker order.
#[test]
fn output_with_employers_population_and_burn_in_is_identical_for_1_2_and_4_threads() {
    assert_identical_for_1_2_and_4_threads(&[
        "--replications",
        "2",
        "--set",
        "employers.mean_size=8",
        "--set",
        "population.summer_share=0.6",
        "--set",
        "simulation.burn_in_months=6",
    ]);
}

/// Replications run at once where one cannot keep every thread busy (a world of one chunk of
/// workers here; in batches of as many as the threads, the last one short), and give the same
/// bytes as replications one after another on one thread.
#[test]
fn replications_run_at_once_give_the_same_output() {
    let overrides: Vec<Override> = [
        ("simulation.scale", toml::Value::from(0.005)),
        ("simulation.replications", toml::Value::from(3)),
    ]
    .iter()
    .map(|(k, v)| Override::at(k, v.clone(), "test").unwrap())
    .collect();
    let model = Model::new(
        scenario::load_with(
            Path::new("scenarios/baseline_published_rules.toml"),
            &overrides,
        )
        .unwrap(),
    );
    let at_once = |threads| labsim::run::concurrent_replications(&model, threads);
    assert_eq!([at_once(1), at_once(2), at_once(4)], [1, 2, 3]);
    // At the tests' usual scale a world fills three chunks: four threads run two at once.
    let overrides = [Override::at(
        "simulation.scale",
        toml::Value::from(SCALE.parse::<f64>().unwrap()),
        "test",
    )
    .unwrap()];
    let bigger = Model::new(
        scenario::load_with(
            Path::new("scenarios/baseline_published_rules.toml"),
            &overrides,
        )
        .unwrap(),
    );
    assert_eq!(labsim::run::concurrent_replications(&bigger, 2), 1);
    assert_identical_for_1_2_and_4_threads(&["--replications", "3", "--scale", "0.005"]);
}

fn assert_identical_for_1_2_and_4_threads(extra: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let dirs: Vec<_> = [1, 2, 4]
        .iter()
        .map(|t| tmp.path().join(format!("t{t}")))
        .collect();
    for (dir, threads) in dirs.iter().zip([1, 2, 4]) {
        run_binary(dir, threads, extra);
    }
    for file in ["series.csv", "commuters.csv", "bands.csv"] {
        let reference = std::fs::read(dirs[0].join(file)).unwrap();
        assert!(
            reference.len() > 1000,
            "{file} is too small to mean anything"
        );
        for dir in &dirs[1..] {
            let other = std::fs::read(dir.join(file)).unwrap();
            assert!(
                reference == other,
                "{file} differs between 1 thread and {}",
                dir.display()
            );
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    run_binary(&a, 2, &["--seed", "7"]);
    run_binary(&b, 2, &["--seed", "7"]);
    run_binary(&c, 2, &["--seed", "8"]);
    let read = |d: &Path| std::fs::read(d.join("series.csv")).unwrap();
    assert_eq!(read(&a), read(&b));
    assert_ne!(read(&a), read(&c));
}

/// FNV-1a of `series.csv` for the published model, 60 steps at scale 0.2, seed 11. A change
/// here means the simulated numbers changed: re-mint only for an intended model change, and
/// say why in the commit message. Pure refactors and optimisations must leave it alone.
const GOLDEN_PUBLISHED: &str = "27ffeb1e8b025a6d";

#[test]
fn golden_output_of_the_published_model() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("labsim").unwrap();
    cmd.args([
        "run",
        "scenarios/published_model.toml",
        "--quiet",
        "--scale",
        "0.2",
        "--steps",
        "60",
        "--seed",
        "11",
        "--out",
    ])
    .arg(tmp.path());
    cmd.assert().success();
    let bytes = std::fs::read(tmp.path().join("series.csv")).unwrap();
    assert_eq!(scenario::fnv1a_hex(&bytes), GOLDEN_PUBLISHED);
}

/// The scan finds the employed workers who separate, search on the job, age, retire, start a
/// recognition procedure, start a course beside work or (with demand) are enrolled by a policy
/// that takes in employees by ladder draws, and looks at the others only when one may start a
/// course or a policy no ladder draws, or is in a procedure, (with demand) under notice, at an
/// employer that gives notice, taking part in a policy or in a course beside work, or (without
/// employers, when workers at risk take up courses) at a node at risk (docs/MODEL.md 7.15);
/// either way the draws are the same. `--look-at-every-worker` makes the scan look at every
/// worker, and changes no byte of `series.csv` or `policies.csv`: under the published rules
/// (with on-the-job search; on the border map, with courses at risk and recognition
/// procedures), in the default, in programmes whose participants the scan marks, in programmes
/// that enrol employees or offer them courses beside work, and after a window of courses beside
/// work, whose learners it marks.
#[test]
fn the_ladder_draws_do_not_depend_on_which_workers_the_scan_looks_at() {
    let run = |scenario: &str, scale: &str, steps: &str, set: &[&str], every: bool| {
        let tmp = tempfile::tempdir().unwrap();
        Command::new(env!("CARGO_BIN_EXE_labsim"))
            .args(["run", scenario, "--quiet", "--no-plots", "--seed", "11"])
            .args(["--scale", scale, "--steps", steps])
            .args(set.iter().flat_map(|kv| ["--set", kv]))
            .args(every.then_some("--look-at-every-worker"))
            .arg("--out")
            .arg(tmp.path())
            .assert()
            .success();
        ["series.csv", "policies.csv"].map(|f| std::fs::read(tmp.path().join(f)).ok())
    };
    // (scenario, scale, steps, keys set)
    let none: &[&str] = &[];
    for (scenario, scale, steps, set) in [
        (
            "scenarios/published_model.toml",
            "0.2",
            "24",
            &["mechanics.on_the_job_search=0.05"][..],
        ),
        // The published rules on the border map: the employees at the nodes short of demand
        // (who may start a course at risk, here at a take-up raised to show it) and those in a
        // recognition procedure are marked, the others left to the ladders.
        (
            "scenarios/baseline_published_rules.toml",
            "0.02",
            "24",
            &["training.takeup_at_risk=0.05"][..],
        ),
        // Each reason alone: courses at risk without recognition, recognition without courses
        // at risk.
        (
            "scenarios/baseline_published_rules.toml",
            "0.02",
            "24",
            &["training.takeup_at_risk=0.05", "recognition=[]"][..],
        ),
        (
            "scenarios/baseline_published_rules.toml",
            "0.02",
            "24",
            &["training.takeup_at_risk=0"][..],
        ),
        // The same with an open population but no employers: the scan with demand marks them.
        (
            "scenarios/baseline_published_rules.toml",
            "0.02",
            "24",
            &["training.takeup_at_risk=0.05", "population={}"][..],
        ),
        ("scenarios/baseline.toml", "0.01", "12", none),
        // Programmes for the unemployed and those under notice: their participants are marked,
        // the other employees left to the ladders.
        ("scenarios/perspectief_op_werk.toml", "0.01", "12", none),
        ("scenarios/sector_plan_twente.toml", "0.02", "24", none),
        // Mobility teams from month 21 for the unemployed and those under notice, who search
        // more: a participant whose notice is withdrawn keeps the team's help in a job that is
        // no longer at risk, and only the mark brings it to the scan.
        ("scenarios/mobility_teams_2020.toml", "0.02", "30", none),
        // Language courses that enrol employees: their enrolment is a ladder draw per course.
        ("scenarios/cross_border_package.toml", "0.02", "12", none),
        // Sector funds that open courses beside work to employees without enrolling anyone:
        // the courses' starts are ladder draws.
        ("scenarios/open_training_funds.toml", "0.02", "12", none),
        // A mobility team beside a training menu for employees and opened funds.
        (
            "scenarios/zeeland_lifelong_learning.toml",
            "0.02",
            "12",
            none,
        ),
        // Courses beside work offered in months 1-6 only: from month 7 the learners are marked,
        // and their courses go on ending by a draw.
        (
            "scenarios/training_subsidy.toml",
            "0.02",
            "18",
            &["policy[0].end=6"][..],
        ),
    ] {
        let candidates_only = run(scenario, scale, steps, set, false);
        let every_worker = run(scenario, scale, steps, set, true);
        assert!(candidates_only[0].as_ref().is_some_and(|f| f.len() > 1000));
        assert!(
            candidates_only == every_worker,
            "{scenario} with {set:?}: the output changed"
        );
    }
}

/// FNV-1a (64-bit) of `bytes` as 16 hex digits, written out here rather than taken from the
/// library so that the golden hashes below depend on the output files alone.
fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Run `scenario` through the binary, small and fixed (scale 0.02, 24 steps, two replications,
/// seed 11, two threads), and compare the FNV-1a of each output file with `golden`.
fn assert_golden(scenario: &str, golden: &[(&str, &str)]) {
    let tmp = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_labsim"))
        .args(["run", scenario, "--quiet", "--no-plots"])
        .args(["--scale", "0.02", "--steps", "24", "--replications", "2"])
        .args(["--seed", "11", "--threads", "2", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let found: Vec<(&str, String)> = golden
        .iter()
        .map(|(file, _)| (*file, fnv1a(&std::fs::read(tmp.path().join(file)).unwrap())))
        .collect();
    let wrong: Vec<String> = golden
        .iter()
        .zip(&found)
        .filter(|((_, want), (_, got))| want != got)
        .map(|((file, want), (_, got))| format!("{file}: {got}, golden {want}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "{scenario}: the output changed ({}); all hashes now: {found:?}",
        wrong.join("; ")
    );
}

/// FNV-1a of the default baseline's output files (`assert_golden`'s small run: employers and
/// an open population after its ten-year burn-in). The same rule as for `GOLDEN_PUBLISHED`:
/// re-mint only for an intended model change, saying why in the commit message.
const GOLDEN_BASELINE: [(&str, &str); 2] = [
    ("series.csv", "8a444ea35c9e9bd5"),
    ("commuters.csv", "afdfc4dcee29d053"),
];

#[test]
fn golden_output_of_the_border_baseline() {
    assert_golden("scenarios/baseline.toml", &GOLDEN_BASELINE);
}

/// FNV-1a of the border baseline under the published rules (no employers, a closed
/// population), the default scenario until the employer baseline replaced it; its hashes are
/// those the default had then. Same rule.
const GOLDEN_PUBLISHED_RULES: [(&str, &str); 2] = [
    ("series.csv", "e90e159bae05fbe7"),
    ("commuters.csv", "21a294d45bef99d1"),
];

#[test]
fn golden_output_of_the_border_baseline_under_the_published_rules() {
    assert_golden(
        "scenarios/baseline_published_rules.toml",
        &GOLDEN_PUBLISHED_RULES,
    );
}

/// FNV-1a of the output files of the 2020 shock with mobility teams (active from step 21 of
/// the 24-step run), policies.csv included. Re-mint only for an intended model change, with the
/// reason in the commit message.
const GOLDEN_MOBILITY_TEAMS: [(&str, &str); 3] = [
    ("series.csv", "97c2b0b3a2d5ad02"),
    ("commuters.csv", "4e88b6755db9b814"),
    ("policies.csv", "17f162c976273b79"),
];

#[test]
fn golden_output_of_a_policy_scenario() {
    assert_golden("scenarios/mobility_teams_2020.toml", &GOLDEN_MOBILITY_TEAMS);
}

/// Two scenarios with the same seed share their random numbers where their states agree: a
/// change to training take-up cannot change who separates in the first step (the states are
/// equal until then), but does change the path afterwards.
#[test]
fn common_random_numbers_across_scenarios() {
    let load = |extra: &[(&str, toml::Value)]| {
        let overrides: Vec<Override> = [
            ("simulation.scale", toml::Value::from(0.02)),
            ("simulation.steps", toml::Value::from(12)),
        ]
        .iter()
        .chain(extra)
        .map(|(k, v)| Override::at(k, v.clone(), "test").unwrap())
        .collect();
        scenario::load_with(
            Path::new("scenarios/baseline_published_rules.toml"),
            &overrides,
        )
        .unwrap()
    };
    let a = load(&[]);
    let b = load(&[("training.takeup", 0.2.into())]);
    let run = |s| {
        labsim::run::run(&Model::new(s), 1, &|| {})
            .unwrap()
            .records
            .remove(0)
    };
    let (ra, rb) = (run(a), run(b));
    let separations = |r: &labsim::metrics::StepRecord| -> Vec<u64> {
        r.flows
            .by_node
            .iter()
            .map(|f| f[flow::SEPARATIONS])
            .collect()
    };
    assert_eq!(separations(&ra[1]), separations(&rb[1]));
    assert_eq!(
        ra[1]
            .flows
            .by_node
            .iter()
            .map(|f| f[flow::VACANCIES_OPENED])
            .collect::<Vec<_>>(),
        rb[1]
            .flows
            .by_node
            .iter()
            .map(|f| f[flow::VACANCIES_OPENED])
            .collect::<Vec<_>>()
    );
    let starts = |r: &labsim::metrics::StepRecord| {
        r.flows
            .by_home
            .iter()
            .map(|f| f[flow::TRAINING_STARTS])
            .sum::<u64>()
    };
    assert!(starts(&rb[1]) > starts(&ra[1]));
    assert_ne!(ra[12].census, rb[12].census);
}

/// The scenarios of a comparison that differ from its baseline only in their policies start
/// from the worlds of the baseline's burn-in (`run::BurntIn`, run once per replication) and
/// run exactly as they do alone: every record and every evaluation trace. A scenario that
/// differs in anything else runs its own burn-in.
#[test]
fn scenarios_that_share_a_burn_in_run_as_they_do_alone() {
    let load = |file: &str, extra: &[(&str, toml::Value)]| {
        let overrides: Vec<Override> = [
            ("simulation.scale", toml::Value::from(0.02)),
            ("simulation.steps", toml::Value::from(12)),
            ("simulation.replications", toml::Value::from(2)),
            ("simulation.burn_in_months", toml::Value::from(24)),
        ]
        .iter()
        .chain(extra)
        .map(|(k, v)| Override::at(k, v.clone(), "test").unwrap())
        .collect();
        scenario::load_with(Path::new(file), &overrides).unwrap()
    };
    let baseline = load("scenarios/baseline.toml", &[]);
    let programmes = [
        load("scenarios/perspectief_op_werk.toml", &[]),
        load("scenarios/sector_plan_twente.toml", &[]),
        load("scenarios/training_subsidy.toml", &[]),
    ];
    let other = load(
        "scenarios/baseline.toml",
        &[("mechanics.screening_pass", 0.08.into())],
    );
    let burnt = labsim::run::BurntIn::new(&baseline);
    assert!(programmes.iter().all(|s| burnt.serves(s)));
    assert!(!burnt.serves(&other));
    let alone = |model: &Model| labsim::run::run_traced(model, 1, &|| {}).unwrap();
    let shared =
        |model: &Model| labsim::run::run_from(model, 1, &|| {}, true, Some(&burnt)).unwrap();
    let base = Model::new(baseline);
    let first = shared(&base);
    assert_eq!(first.shared_burn_ins, 0, "the baseline runs the burn-ins");
    let own = alone(&base);
    assert_eq!(first.records, own.records);
    assert_eq!(first.traces, own.traces);
    for s in programmes.into_iter().chain([other]) {
        let name = s.name.clone();
        let served = burnt.serves(&s);
        let model = Model::new(s);
        let (from_kept, own) = (shared(&model), alone(&model));
        assert_eq!(
            from_kept.shared_burn_ins,
            if served { 2 } else { 0 },
            "{name}"
        );
        assert_eq!(own.shared_burn_ins, 0);
        assert!(from_kept.records == own.records, "{name}: records differ");
        assert!(from_kept.traces == own.traces, "{name}: traces differ");
    }
}

/// Courses beside work at the scenario's own take-up and the enrolment of employees are ladder
/// draws of their own (docs/MODEL.md 7.15): a policy that enrols employees but reaches nobody
/// changes no byte of `series.csv`, and neither does looking at every worker.
#[test]
fn courses_beside_work_are_drawn_whatever_else_enrols_employees() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = std::fs::canonicalize("scenarios/baseline.toml").unwrap();
    let write = |name: &str, policy: &str| {
        let path = dir.path().join(format!("{name}.toml"));
        let text = format!(
            "extends = {:?}\nname = \"{name}\"\n[training]\ntakeup_employed = 0.01\n{policy}",
            baseline.display().to_string()
        );
        std::fs::write(&path, text).unwrap();
        path
    };
    let alone = write("alone", "");
    let beside = write(
        "beside",
        "[[policy]]\nkind = \"matching_events\"\nname = \"nobody\"\ngroups = [\"employed\", \"self_employed\"]\ncoverage = 1e-300\n",
    );
    let run = |path: &Path, every: bool| -> Vec<u8> {
        let out = dir.path().join(format!(
            "{}{}",
            path.file_stem().unwrap().to_string_lossy(),
            if every { "_every" } else { "" }
        ));
        Command::new(env!("CARGO_BIN_EXE_labsim"))
            .args([
                "run",
                "--quiet",
                "--no-plots",
                "--scale",
                "0.01",
                "--steps",
                "12",
            ])
            .args(every.then_some("--look-at-every-worker"))
            .arg(path)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        std::fs::read(out.join("series.csv")).unwrap()
    };
    let a = run(&alone, false);
    assert!(a.len() > 1000);
    assert!(a == run(&beside, false), "the policy changed the output");
    assert!(
        a == run(&alone, true),
        "looking at every worker changed the output"
    );
}
