//! The shipped programmes' effects on their participants against the evaluation literature
//! (issue 13; docs/MODEL.md 7.7 and 7.16): each search-assistance instrument raises its
//! comparable participants' employment 12 months after entry by 0 to 10 percentage points
//! (Card, Kluve and Weber 2018 find about +1.6 points within a year across programmes), in the
//! shipped scenario against its shipped baseline, over three replications at scale 0.1 and
//! three years (entries in the first two observed a year later); and training locks its
//! trainees in during the course (whether it pays back two to three years after entry is a
//! test of scale 1 with forty replications, ignored as a known gap).

use std::path::Path;
use std::sync::OnceLock;

use labsim::compare::confidence_interval_90;
use labsim::evaluate::evaluate;
use labsim::model::Model;
use labsim::run::{run_from, run_traced, BurntIn, RunResult};
use labsim::scenario::{load_with, Override};

/// Replications: enough that the band over them shows the noise of one run.
const REPLICATIONS: i64 = 3;

/// A shipped scenario, shortened to three years at scale 0.1.
fn model(name: &str) -> Model {
    shipped(name, REPLICATIONS, 0.1, 36, None)
}

/// A shipped scenario with `replications`, `scale` and `steps` (and `seed`, else its own).
fn shipped(name: &str, replications: i64, scale: f64, steps: i64, seed: Option<i64>) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    let mut overrides = vec![
        Override::at("simulation.replications", replications, "test").unwrap(),
        Override::at("simulation.scale", scale, "test").unwrap(),
        Override::at("simulation.steps", steps, "test").unwrap(),
    ];
    overrides.extend(seed.map(|s| Override::at("simulation.seed", s, "test").unwrap()));
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
/// two to three years needs scale 1 and many replications (the next test, a known gap): at
/// this scale its hundred-odd trainees make a band of several points.
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

/// Training pays back (Card, Kluve and Weber 2018: returns after two to three years; Lammers and
/// Kok 2021 for Dutch programmes), the check: Perspectief op Werk's practice-based
/// learning, against the shipped baseline at scale 1 (about 1 100 trainees a replication) over
/// five years, so that every entry of its two-year window is observed 36 months on; at 24 and
/// at 36 months after entry the 90 % confidence interval of the mean effect over forty
/// replications (four seeds of ten, so that at most ten burnt-in worlds are kept) lies above
/// zero, and six months on, in the course, below it. Not met: the return is a few tenths of a
/// point (docs/MODEL.md 7.3), and a replication's own effect spreads by about a point, so forty
/// replications do not tell it from zero (-0.1 to +0.4 points at 24 months, -0.0 to +0.5 at
/// 36, when written). Run it by hand (15-20 minutes); it
/// prints every interval before it checks them.
#[test]
#[ignore = "known gap: the return at 24 and 36 months is not told from zero (docs/MODEL.md 7.3); scale 1, forty replications, 15-20 minutes"]
fn training_pays_back_two_to_three_years_after_entry() {
    let at_scale_1 = |name: &str, seed: i64| shipped(name, 10, 1.0, 60, Some(seed));
    let mut groups = Vec::new();
    for seed in 2022..2026 {
        let base_model = at_scale_1("baseline.toml", seed);
        let burnt = BurntIn::new(&base_model.scenario);
        let base = run_from(&base_model, 0, &|| {}, true, Some(&burnt)).unwrap();
        let model = at_scale_1("perspectief_op_werk.toml", seed);
        let p = model
            .scenario
            .policies
            .iter()
            .position(|q| q.name == "practice-based learning")
            .unwrap();
        let run = run_from(&model, 0, &|| {}, true, Some(&burnt)).unwrap();
        assert_eq!(
            run.shared_burn_ins, 10,
            "the scenario starts from the baseline's burn-ins"
        );
        for ((trace, records), b) in run.traces.iter().zip(&run.records).zip(&base.traces) {
            let g = evaluate(&model, trace, records, b)
                .unwrap()
                .policies
                .swap_remove(p);
            assert!(
                g.comparable > 500,
                "only {} comparable trainees",
                g.comparable
            );
            groups.push(g);
        }
    }
    let interval = |months: usize| {
        let effects: Vec<f64> = groups.iter().map(|g| g.at(months).unwrap()).collect();
        let (low, high) = confidence_interval_90(&effects).unwrap();
        (100.0 * low, 100.0 * high)
    };
    let [six, twelve, two_years, three_years] = [6, 12, 24, 36].map(interval);
    for (months, (low, high)) in [(6, six), (12, twelve), (24, two_years), (36, three_years)] {
        eprintln!("{months} months after entry: interval {low:.2} to {high:.2} points");
    }
    assert!(
        six.1 < 0.0,
        "six months after entry the interval reaches {:.2} points",
        six.1
    );
    for (months, (low, high)) in [(24, two_years), (36, three_years)] {
        assert!(
            low > 0.0,
            "{months} months after entry: interval {low:.2} to {high:.2} points"
        );
    }
}
