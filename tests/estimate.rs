//! The memory estimate against what a run holds: each term is an upper bound on the structure
//! it sizes, close enough to be useful (within a factor of two), and `run` refuses a scenario
//! whose estimate exceeds the available memory before allocating it.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

use labsim::estimate::{estimate, refusal, trace_bytes};
use labsim::metrics::StepRecord;
use labsim::model::Model;
use labsim::output::{bands_csv, series_csv};
use labsim::scenario::{self, Override};
use labsim::world::{Workers, World};

fn baseline(scale: f64, steps: i64, replications: i64) -> scenario::Scenario {
    let set = |k: &str, v: toml::Value| Override::at(k, v, "test").unwrap();
    scenario::load_with(
        Path::new("scenarios/baseline_published_rules.toml"),
        &[
            set("simulation.scale", scale.into()),
            set("simulation.steps", steps.into()),
            set("simulation.replications", replications.into()),
        ],
    )
    .unwrap()
}

#[test]
fn each_term_bounds_what_the_run_holds_within_a_factor_of_two() {
    let s = baseline(0.02, 6, 2);
    let e = estimate(&s);
    let model = Model::new(s);
    let world = World::new(&model, 0);
    assert_eq!(
        world.workers.bytes(),
        e.workers as usize * Workers::BYTES_PER_WORKER,
        "BYTES_PER_WORKER is what a world holds per worker"
    );

    let result = labsim::run::run(&model, 1, &|| {}).unwrap();
    let state = result.state_bytes as u64;
    assert!(
        state <= e.world && e.world <= 2 * state,
        "world: estimate {} against {state} held",
        e.world
    );

    let records: u64 = result.records.iter().flatten().map(StepRecord::bytes).sum();
    let (nr, ns) = (model.n_regions, model.n_sectors);
    let one = &result.records[0][0];
    assert_eq!(
        one.bytes(),
        StepRecord::bytes_for(
            nr * ns,
            nr,
            model.n_countries,
            model.scenario.policies.len()
        ),
        "bytes_for sizes a record as the step builds it"
    );
    assert_eq!(e.records, records, "records");

    let text = series_csv(&model, &result.records).len() + bands_csv(&model, &result.records).len();
    let text = text as u64;
    assert!(
        text <= e.output && e.output <= 4 * text,
        "output: estimate {} against {text} bytes of text",
        e.output
    );
}

#[test]
fn a_run_that_does_not_fit_is_refused_naming_the_keys_to_lower() {
    let s = baseline(0.02, 6, 2);
    let peak = estimate(&s).peak;
    assert_eq!(refusal(&s, Some(peak), 0), None, "a run that fits exactly");
    assert_eq!(refusal(&s, None, 0), None, "unknown memory refuses nothing");
    let why = refusal(&s, Some(peak - 1), 0).expect("one byte short");
    assert!(
        why.contains("baseline_published_rules.toml") && why.contains("--force"),
        "{why}"
    );

    let long = baseline(0.001, 600, 200);
    let e = estimate(&long);
    assert!(e.records > e.world, "{e:?}");
    let why = refusal(&long, Some(e.peak / 2), 0).unwrap();
    assert!(why.contains("simulation.steps"), "{why}");

    let wide = baseline(50.0, 1, 1);
    let why = refusal(&wide, Some(estimate(&wide).peak / 2), 0).unwrap();
    assert!(why.contains("simulation.scale"), "{why}");
}

/// `compare`'s traces: the estimate is exactly the bit arrays a traced run keeps, and a run
/// that fits alone is refused when the evaluation's traces must be held beside it.
#[test]
fn the_traces_of_an_evaluation_are_counted() {
    let s = baseline(0.02, 6, 2);
    let bytes = trace_bytes(&s);
    let model = Model::new(s.clone());
    let result = labsim::run::run_traced(&model, 1, &|| {}).unwrap();
    let held: usize = result
        .traces
        .iter()
        .map(|t| {
            t.employed
                .iter()
                .chain(&t.notice)
                .map(|step| step.len() * 8)
                .sum::<usize>()
        })
        .sum();
    assert_eq!(bytes, held as u64, "trace_bytes is what run_traced keeps");
    let peak = estimate(&s).peak;
    assert_eq!(refusal(&s, Some(peak + bytes), bytes), None);
    let why = refusal(&s, Some(peak + bytes - 1), bytes).expect("the traces do not fit");
    assert!(why.contains("evaluation traces"), "{why}");
}

/// Through the binary: `--scale 1000` on the baseline (some 3.7 billion agents, within the
/// agent limit, about 140 GiB) is refused at once with exit 2, and nothing is written.
#[test]
fn the_binary_refuses_an_oversize_run_and_check_prints_the_estimate() {
    let huge = baseline(1000.0, 120, 1);
    let available = labsim::estimate::available_bytes();
    if available.is_none_or(|a| a >= estimate(&huge).peak) {
        eprintln!("skipped: this machine has the memory, or does not say how much it has");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = std::env::current_dir().unwrap();
    let out = Command::cargo_bin("labsim")
        .unwrap()
        .current_dir(dir.path())
        .timeout(Duration::from_secs(60))
        .args(["run", "--quiet", "--out", "o", "--scale", "1000"])
        .arg(root.join("scenarios/baseline_published_rules.toml"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("simulation.scale"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert!(!dir.path().join("o").exists());

    let check = Command::cargo_bin("labsim")
        .unwrap()
        .args(["check", "scenarios/baseline_published_rules.toml"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(text.contains("memory     about "), "{text}");
}
