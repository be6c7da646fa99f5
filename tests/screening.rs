//! Employer screening of applications (docs/MODEL.md 7.7, 7.3): a completed course's human
//! capital raises the pass rate of applications to the sector it trained for, by
//! `training.screening_gain_per_year` to the power of the course's length in years, and leaves
//! every other application as it was; the retrained weigh the jobs of that sector up by
//! `training.course_sector_weight` when they spread their applications; and job finding falls
//! with time without work as the pass rate does (`series.csv`'s job finding by months of a
//! spell, and the calibration moment `job_finding_decline`).

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
/// worker (by index) is made to have completed a course into `s1` before the step. With
/// `outside_s1`, only searchers whose own sector is not `s1` count. Employers pass an
/// application with probability `pass`.
fn applications_per_searcher(
    gain: f64,
    weight: f64,
    outside_s1: bool,
    pass: f64,
) -> ([f64; 2], [f64; 2], f64) {
    let s = common::two_regions(
        HEAD,
        "",
        &[
            ("mechanics.applications", 40.into()),
            ("mechanics.search_probability", 1.0.into()),
            ("mechanics.screening_pass", pass.into()),
            ("training.screening_gain_per_year", gain.into()),
            ("training.course_sector_weight", weight.into()),
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
    let unemployed = |k: usize| {
        buf.info[k].status == Status::Unemployed as u8
            && !(outside_s1 && model.node_sector[buf.info[k].node as usize] == s1)
    };
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
    let (to_s1, elsewhere, factor) = applications_per_searcher(3.0, 1.0, false, 0.1);
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

    let (to_s1, elsewhere, factor) = applications_per_searcher(1.0, 1.0, false, 0.1);
    assert_eq!(factor, 1.0);
    for (what, x) in [("to s1", to_s1), ("elsewhere", elsewhere)] {
        let r = x[1] / x[0];
        assert!(
            (0.92..1.08).contains(&r),
            "{what} without a gain: ratio {r:.3}"
        );
    }
}

/// With `training.course_sector_weight` 3 (and no screening gain), a worker from another
/// sector with a course into `s1` weighs each job there three times: the odds that one of its
/// applications goes to `s1` are three times those of an untrained searcher from the same
/// sectors, and it sends as many applications in all, since the weight moves applications
/// between sectors. Every application passes the screen here, so that the counts are large.
/// Searchers from `s1` are left out: their applications go there almost all the time either
/// way, and pooling them would hide the odds.
#[test]
fn the_retrained_weigh_the_jobs_of_their_course_sector_up() {
    let (to_s1, elsewhere, _) = applications_per_searcher(1.0, 3.0, true, 1.0);
    let odds = |k: usize| to_s1[k] / elsewhere[k];
    let ratio = odds(1) / odds(0);
    assert!(
        (2.6..3.4).contains(&ratio),
        "odds of an application to s1: trained {:.3}, untrained {:.3} (ratio {ratio:.2})",
        odds(1),
        odds(0)
    );
    let all = |k: usize| to_s1[k] + elsewhere[k];
    let sent = all(1) / all(0);
    assert!(
        (0.95..1.05).contains(&sent),
        "applications per searcher: trained {:.3}, untrained {:.3}",
        all(1),
        all(0)
    );

    let (to_s1, elsewhere, _) = applications_per_searcher(1.0, 1.0, true, 1.0);
    let ratio = (to_s1[1] / elsewhere[1]) / (to_s1[0] / elsewhere[0]);
    assert!(
        (0.85..1.15).contains(&ratio),
        "without the weight: {ratio:.2}"
    );
}

/// The share of the retrained's hires from unemployment that are into their course's sector,
/// over the steps of a run, and how many such hires there were, with
/// `training.course_sector_weight` at `weight`. Checks on every row that the retrained's
/// hires are among the hires from unemployment and those into the course's sector among them.
fn retrained_share(weight: f64) -> (f64, f64) {
    let s = common::two_regions(
        "name = \"retrained\"\n[simulation]\nsteps = 60\nseed = 3\n",
        "",
        &[
            ("training.takeup", 0.3.into()),
            ("training.public_share_unemployed", 1.0.into()),
            ("training.min_unemployment_months", 0.into()),
            ("training.course_sector_weight", weight.into()),
        ],
    );
    let model = Model::new(s);
    let result = labsim::run::run(&model, 0, &|| {}).unwrap();
    let moment = common::moment(&model, &result.records[0], "retrained_in_course_sector");
    let (mut hires, mut in_sector) = (0.0, 0.0);
    for rec in &result.records[0] {
        for row in labsim::output::rows(&model, rec) {
            let m = &row.metrics;
            assert!(
                m.retrained_hires <= m.hires_from_unemployment
                    && m.retrained_hires_in_course_sector <= m.retrained_hires,
                "step {} {} {}: {} retrained hires of {} from unemployment, {} into the course's sector",
                rec.step,
                row.level,
                row.key,
                m.retrained_hires,
                m.hires_from_unemployment,
                m.retrained_hires_in_course_sector
            );
            if row.level == "total" && rec.step >= 1 {
                hires += m.retrained_hires;
                in_sector += m.retrained_hires_in_course_sector;
            }
        }
    }
    let share = in_sector / hires;
    assert!(
        (moment - share).abs() < 1e-12,
        "the calibration moment {moment} is not the series' share {share}"
    );
    (share, hires)
}

/// `series.csv` counts the hires of the retrained and those into their course's sector, and
/// the weight raises the share: a weight of 6 multiplies the odds that a retrained worker's
/// hire is into the sector it trained for by more than 3 (by about 6 if it wins a job as
/// often wherever it applies; 0.85 of the hires without the weight in this fixture, where a
/// completed course also moves the worker's own sector there). The calibration target
/// `retrained_in_course_sector` reads the same two columns (checked on every run here).
#[test]
fn the_retrained_find_more_of_their_work_in_their_course_sector_with_the_weight() {
    let (plain, n) = retrained_share(1.0);
    let (weighted, m) = retrained_share(6.0);
    assert!(n > 200.0 && m > 200.0, "too few retrained hires: {n}, {m}");
    let odds = |p: f64| p / (1.0 - p);
    assert!(
        odds(weighted) > 3.0 * odds(plain),
        "share into the course's sector: {plain:.3} without the weight, {weighted:.3} with it"
    );
}

/// Job finding by time without work over a 120-step run, with employers' screening falling by
/// `fall` over six months without work: the calibration moment `job_finding_decline` (hires
/// over the unemployed at the start of the step, months 7-12 of a spell against months 1-6)
/// and the same ratio computed from the series' totals, with every row checked: the hires of
/// each band are among the hires from unemployment (in total, by country and by region), and the
/// unemployed counted at the start of a step are no more than were unemployed at the end of
/// the step before.
fn job_finding_decline(fall: f64) -> f64 {
    let s = common::two_regions(
        "name = \"decline\"\n[simulation]\nsteps = 120\nseed = 9\n",
        "",
        &[
            ("mechanics.applications", 4.into()),
            ("mechanics.search_probability", 1.0.into()),
            ("mechanics.screening_pass", 0.05.into()),
            ("mechanics.screening_duration_fall", fall.into()),
            ("mechanics.screening_duration_months", 6.into()),
        ],
    );
    let model = Model::new(s);
    let result = labsim::run::run(&model, 0, &|| {}).unwrap();
    let moment = common::moment(&model, &result.records[0], "job_finding_decline");
    let (mut early, mut late) = ([0.0; 2], [0.0; 2]);
    let mut unemployed_before = f64::NAN;
    for rec in &result.records[0] {
        for row in labsim::output::rows(&model, rec) {
            let m = &row.metrics;
            // Nodes and sectors count a hire from unemployment where the job is, and its band
            // where the worker last worked: compared where both count by home.
            if row.level == "node" || row.level == "sector" {
                continue;
            }
            assert!(
                m.hires_in_months_1_6 + m.hires_in_months_7_12 <= m.hires_from_unemployment,
                "step {} {} {}: {} + {} hires by months of the spell, {} from unemployment",
                rec.step,
                row.level,
                row.key,
                m.hires_in_months_1_6,
                m.hires_in_months_7_12,
                m.hires_from_unemployment
            );
            if row.level != "total" {
                continue;
            }
            if rec.step >= 1 {
                assert!(
                    m.unemployed_in_months_1_6 + m.unemployed_in_months_7_12 <= unemployed_before,
                    "step {}: {} + {} unemployed in months 1-12 of a spell at its start, {} before",
                    rec.step,
                    m.unemployed_in_months_1_6,
                    m.unemployed_in_months_7_12,
                    unemployed_before
                );
                // No one leaves the labour force in this fixture.
                assert_eq!(
                    m.attached_inactive_in_months_1_6 + m.attached_inactive_in_months_7_12,
                    0.0
                );
                early[0] += m.hires_in_months_1_6;
                early[1] += m.unemployed_in_months_1_6;
                late[0] += m.hires_in_months_7_12;
                late[1] += m.unemployed_in_months_7_12;
            }
            unemployed_before = m.unemployed;
        }
    }
    assert!(
        late[1] > 20_000.0,
        "too few unemployed in months 7-12: {}",
        late[1]
    );
    let ratio = (late[0] / late[1]) / (early[0] / early[1]);
    assert!(
        (moment - ratio).abs() < 1e-12,
        "the calibration moment {moment} is not the series' ratio {ratio}"
    );
    ratio
}

/// Job finding falls with time without work as employers screen by it (docs/MODEL.md 7.7,
/// "The declining hazard"): without a fall in the pass rate the job-finding rate of months
/// 7-12 of a spell is that of months 1-6 (the unemployed of this fixture differ only by age,
/// sector and region: 0.99-1.00 at seeds 1-4 and 9); with a fall of 80 % over six months it is
/// about a third of it (0.35-0.36): at this low pass job finding is nearly proportional to the
/// pass, which is a fifth of the full rate in months 7-12 and about three fifths on average over
/// the months 1-6 of the unemployed at the start of a step.
#[test]
fn job_finding_falls_with_time_without_work_when_employers_screen_by_it() {
    let flat = job_finding_decline(0.0);
    let falling = job_finding_decline(0.8);
    assert!((0.95..1.05).contains(&flat), "without the fall: {flat:.3}");
    assert!(
        (0.25..0.45).contains(&falling),
        "with a fall of 80 %: {falling:.3}"
    );
}
