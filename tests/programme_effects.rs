//! The shipped programmes' effects on their participants against the evaluation literature
//! (issue 13; docs/MODEL.md 7.7 and 7.16): each search-assistance instrument raises its
//! comparable participants' employment 12 months after entry by 0 to 10 percentage points
//! (Card, Kluve and Weber 2018 find about +1.6 points within a year across programmes), in the
//! shipped scenario against its shipped baseline, over three replications at scale 0.1 and
//! three years (entries in the first two observed a year later); and training locks its
//! trainees in during the course.

use std::path::Path;
use std::sync::OnceLock;

use labsim::evaluate::evaluate;
use labsim::model::Model;
use labsim::run::{run_traced, RunResult};
use labsim::scenario::{load_with, Override};

/// Replications: enough that the band over them shows the noise of one run.
const REPLICATIONS: i64 = 3;

/// A shipped scenario, shortened to three years at scale 0.1.
fn model(name: &str) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    let overrides = [
        Override::at("simulation.replications", REPLICATIONS, "test").unwrap(),
        Override::at("simulation.scale", 0.1, "test").unwrap(),
        Override::at("simulation.steps", 36i64, "test").unwrap(),
    ];
    Model::new(load_with(&path, &overrides).unwrap())
}

/// The traced run of a shipped baseline, run once for every test of this file that needs it.
fn baseline(name: &'static str) -> &'static RunResult {
    static BASELINE: OnceLock<RunResult> = OnceLock::new();
    static SHOCK: OnceLock<RunResult> = OnceLock::new();
    let cell = match name {
        "baseline.toml" => &BASELINE,
        "shock_2020.toml" => &SHOCK,
        _ => unreachable!("no cached baseline {name}"),
    };
    cell.get_or_init(|| run_traced(&model(name), 0, &|| {}).unwrap())
}

/// The effect of policy `policy` of `scenario` on its comparable participants' employment
/// 12 months after entry, per replication, against `base`.
fn effect_at_12_months(scenario: &str, base: &'static str, policy: &str) -> Vec<f64> {
    effect_at(scenario, base, policy, 12, 300)
}

/// The effect `months` after entry, per replication, with at least `least` comparable
/// participants in each.
fn effect_at(
    scenario: &str,
    base: &'static str,
    policy: &str,
    months: usize,
    least: u64,
) -> Vec<f64> {
    let model = model(scenario);
    let p = model
        .scenario
        .policies
        .iter()
        .position(|q| q.name == policy)
        .unwrap_or_else(|| panic!("{scenario} has no policy {policy}"));
    let run = run_traced(&model, 0, &|| {}).unwrap();
    let base = baseline(base);
    run.traces
        .iter()
        .zip(&run.records)
        .zip(&base.traces)
        .map(|((trace, records), b)| {
            let e = evaluate(&model, trace, records, b).unwrap();
            let g = &e.policies[p];
            assert!(
                g.comparable > least,
                "{policy}: only {} comparable participants",
                g.comparable
            );
            g.at(months)
                .expect("participants observed that long after entry")
        })
        .collect()
}

/// The mean over replications lies in [0, 10] points, and no replication strays more than two
/// points beyond.
fn assert_within_the_literature(policy: &str, effects: &[f64]) {
    let mean = effects.iter().sum::<f64>() / effects.len() as f64;
    let shown: Vec<String> = effects
        .iter()
        .map(|e| format!("{:.1}", 100.0 * e))
        .collect();
    assert!(
        (0.0..=0.10).contains(&mean),
        "{policy}: {:.1} points 12 months after entry (replications {})",
        100.0 * mean,
        shown.join(", ")
    );
    for e in effects {
        assert!(
            (-0.02..=0.12).contains(e),
            "{policy}: a replication at {:.1} points (replications {})",
            100.0 * e,
            shown.join(", ")
        );
    }
}

#[test]
fn matching_events_raise_employment_a_year_on_by_0_to_10_points() {
    let effects = effect_at_12_months(
        "perspectief_op_werk.toml",
        "baseline.toml",
        "matching events",
    );
    assert_within_the_literature("matching events", &effects);
}

#[test]
fn coaching_50plus_raises_employment_a_year_on_by_0_to_10_points() {
    let effects = effect_at_12_months("coaching_and_youth.toml", "baseline.toml", "coaching 50+");
    assert_within_the_literature("coaching 50+", &effects);
}

#[test]
fn the_youth_guarantee_raises_employment_a_year_on_by_0_to_10_points() {
    let effects = effect_at_12_months(
        "coaching_and_youth.toml",
        "baseline.toml",
        "youth guarantee",
    );
    assert_within_the_literature("youth guarantee", &effects);
}

#[test]
fn mobility_teams_raise_employment_a_year_on_by_0_to_10_points() {
    let effects = effect_at_12_months(
        "mobility_teams_2020.toml",
        "shock_2020.toml",
        "regional mobility teams",
    );
    assert_within_the_literature("regional mobility teams", &effects);
}

/// Training locks its trainees in (Card, Kluve and Weber 2018): six months after entry, while
/// most are still in their course, Perspectief op Werk's practice-based learning leaves its
/// comparable trainees less often employed than their counterfactual selves, in every
/// replication (about -11 points at this scale; -11.0 at scale 1). Whether it pays back after
/// two to three years is not tested: at scale 1 with five replications the effect is -0.7 and
/// +0.1 points at 24 and 36 months with bands that include zero (README), and at this test's
/// scale its hundred-odd trainees make a band of several points.
#[test]
fn training_locks_its_trainees_in_during_the_course() {
    let effects = effect_at(
        "perspectief_op_werk.toml",
        "baseline.toml",
        "practice-based learning",
        6,
        50,
    );
    let shown: Vec<String> = effects
        .iter()
        .map(|e| format!("{:.1}", 100.0 * e))
        .collect();
    assert!(
        effects.iter().all(|&e| e < -0.03),
        "practice-based learning six months after entry: {} points",
        shown.join(", ")
    );
}
