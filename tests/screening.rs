//! Employer screening of applications (docs/MODEL.md 7.7, 7.3): a completed course's human
//! capital raises the pass rate of applications to the sector it trained for, by
//! `training.screening_gain_per_year` to the power of the course's length in years, and leaves
//! every other application as it was.

use labsim::agent::{Status, NONE_U8};
use labsim::model::Model;
use labsim::step::Stepper;
use labsim::world::World;

mod common;

const HEAD: &str = r#"
name = "screening"

[simulation]
steps = 1
seed = 5
"#;

/// Passing applications of the unemployed searchers of one step, per searcher, to sector `s1`
/// and to the other sectors: `[untrained, trained into s1]`, where every other unemployed
/// worker (by index) is made to have completed a course into `s1` before the step.
fn applications_per_searcher(gain: f64) -> ([f64; 2], [f64; 2], f64) {
    let s = common::two_regions(
        HEAD,
        "",
        &[
            ("mechanics.applications", 40.into()),
            ("mechanics.search_probability", 1.0.into()),
            ("mechanics.screening_pass", 0.1.into()),
            ("training.screening_gain_per_year", gain.into()),
        ],
    );
    let model = Model::new(s);
    let s1 = model
        .scenario
        .sectors
        .iter()
        .position(|s| s.name == "s1")
        .unwrap() as u8;
    let mut world = World::new(&model, 0);
    for i in 0..world.workers.len() {
        if world.workers.status[i] == Status::Unemployed as u8 && i % 2 == 0 {
            world.workers.trained[i] = s1;
        }
    }
    let mut stepper = Stepper::new(&model);
    stepper.stage_policy(&model, &mut world);
    stepper.stage_demand(&model, &mut world);
    stepper.stage_scan(&model, &world);
    stepper.stage_openings(&model, &world);
    stepper.stage_search(&model, &world);

    let buf = &stepper.search;
    let node_of = |slot: u32| -> usize {
        buf.slot_start
            .partition_point(|&start| start <= u64::from(slot))
            - 1
    };
    let (mut to_s1, mut elsewhere, mut searchers) = ([0.0; 2], [0.0; 2], [0.0; 2]);
    let unemployed = |k: usize| buf.info[k].status == Status::Unemployed as u8;
    for (k, &id) in stepper.events.searchers.iter().enumerate() {
        if unemployed(k) {
            let trained = world.workers.trained[id as usize] != NONE_U8;
            searchers[usize::from(trained)] += 1.0;
        }
    }
    for a in buf.applications() {
        let k = a.searcher as usize;
        if !unemployed(k) {
            continue;
        }
        let id = stepper.events.searchers[k] as usize;
        let trained = usize::from(world.workers.trained[id] != NONE_U8);
        if model.node_sector[node_of(a.slot)] == s1 {
            to_s1[trained] += 1.0;
        } else {
            elsewhere[trained] += 1.0;
        }
    }
    let per = |x: [f64; 2]| [x[0] / searchers[0], x[1] / searchers[1]];
    (
        per(to_s1),
        per(elsewhere),
        model.trained_screen[s1 as usize],
    )
}

/// With a gain of 3 a year and the fixture's twelve-month courses, the trained pass three
/// times as many applications to `s1` as the untrained, and as many elsewhere. Without the
/// gain, the two groups pass alike.
#[test]
fn a_course_raises_the_pass_rate_of_applications_to_its_sector_only() {
    let (to_s1, elsewhere, factor) = applications_per_searcher(3.0);
    assert!((factor - 3.0).abs() < 1e-12, "factor {factor}");
    let ratio = to_s1[1] / to_s1[0];
    assert!(
        (2.7..3.3).contains(&ratio),
        "applications to s1 per searcher: trained {:.3}, untrained {:.3} (ratio {ratio:.2})",
        to_s1[1],
        to_s1[0]
    );
    let other = elsewhere[1] / elsewhere[0];
    assert!(
        (0.92..1.08).contains(&other),
        "applications elsewhere per searcher: trained {:.3}, untrained {:.3}",
        elsewhere[1],
        elsewhere[0]
    );

    let (to_s1, elsewhere, factor) = applications_per_searcher(1.0);
    assert_eq!(factor, 1.0);
    for (what, x) in [("to s1", to_s1), ("elsewhere", elsewhere)] {
        let r = x[1] / x[0];
        assert!(
            (0.92..1.08).contains(&r),
            "{what} without a gain: ratio {r:.3}"
        );
    }
}
