//! Every policy lever, end to end through the binary and its CSV files, so that a broken lever
//! fails a test: participants respond to `coverage` in proportion (halved and doubled, common
//! random numbers); no kind acts before `start` or after `end`, and each acts inside its
//! window; no kind spends past `budget` or `budget_per_year`, and the caps bind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// One seed for every run: variants of a scenario are compared with common random numbers.
const SEED: &str = "5";

/// A finished run: its temporary directory (the scenario file and `out/`).
struct Run {
    dir: tempfile::TempDir,
    scale: f64,
}

impl Run {
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
}

/// The 2020 shock under the published rules, as a parent relative to `scenarios/`: the open
/// training funds act on employees at risk, whom the published rules keep at risk through the
/// whole shock (the fixture says why the shipped shock, with employers, does not).
const SHOCK_PUBLISHED_RULES: &str = "../tests/fixtures/shock_2020_published_rules.toml";

/// Run the scenario `parent` (a file in `scenarios/`, or a path from there) extended by one
/// `[[policy]]` named `lever` with `policy` as its body (none if `None`), small: `scale`,
/// `steps`, `replications`, one thread, no plots, the fixed seed, and `sets` as
/// `--set KEY=VALUE`.
fn run(
    parent: &str,
    policy: Option<&str>,
    scale: f64,
    steps: u32,
    replications: u32,
    sets: &[String],
) -> Run {
    let policies = policy
        .map(|body| format!("\n[[policy]]\nname = \"lever\"\n{body}\n"))
        .unwrap_or_default();
    run_with(parent, &policies, scale, steps, replications, sets)
}

/// [`run`] with `policies` (whole `[[policy]]` blocks) appended to `parent`.
fn run_with(
    parent: &str,
    policies: &str,
    scale: f64,
    steps: u32,
    replications: u32,
    sets: &[String],
) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let parent = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(parent);
    let mut text = format!(
        "extends = {:?}\nname = \"levers\"\n",
        parent.display().to_string()
    );
    text.push_str(policies);
    let file = dir.path().join("levers.toml");
    std::fs::write(&file, text).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_labsim"));
    cmd.arg("run")
        .arg(&file)
        .args(["--quiet", "--no-plots", "--threads", "1", "--seed", SEED])
        .args(["--scale", &scale.to_string()])
        .args(["--steps", &steps.to_string()])
        .args(["--replications", &replications.to_string()])
        .arg("--out")
        .arg(dir.path().join("out"));
    for set in sets {
        cmd.args(["--set", set]);
    }
    cmd.assert().success();
    Run { dir, scale }
}

/// `--set` for a key of the lever.
fn set(key: &str, value: impl std::fmt::Display) -> String {
    format!("policy.\"lever\".{key}={value}")
}

/// The lever's row of `policies.csv` for one replication and step; counts in persons.
#[derive(Debug, Clone, Copy)]
struct Row {
    replication: u32,
    step: u32,
    participants_new: f64,
    participants: f64,
    placements: f64,
    spending: f64,
    refused: f64,
}

impl Row {
    fn is_idle(&self) -> bool {
        [
            self.participants_new,
            self.participants,
            self.placements,
            self.spending,
            self.refused,
        ]
        .iter()
        .all(|&x| x == 0.0)
    }
}

/// The lever's rows of `policies.csv`, read by column name.
fn lever_rows(r: &Run) -> Vec<Row> {
    policy_rows(r, "lever")
}

/// The rows of `policies.csv` of the policy named `name`.
fn policy_rows(r: &Run, name: &str) -> Vec<Row> {
    let text = std::fs::read_to_string(r.out().join("policies.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("policies.csv has no column {name}"))
    };
    let cols = [
        "replication",
        "step",
        "policy",
        "participants_new",
        "participants",
        "placements",
        "spending",
        "refused_enrolments",
        "refused_spends",
    ]
    .map(col);
    let rows: Vec<Row> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[cols[2]] == name)
        .map(|f| {
            let num = |c: usize| -> f64 { f[cols[c]].parse().unwrap() };
            Row {
                replication: f[cols[0]].parse().unwrap(),
                step: f[cols[1]].parse().unwrap(),
                participants_new: num(3),
                participants: num(4),
                placements: num(5),
                spending: num(6),
                // Any refusal: of an enrolment or of another spend.
                refused: num(7) + num(8),
            }
        })
        .collect();
    assert!(!rows.is_empty(), "policies.csv has no row for {name}");
    rows
}

/// The lines of the output file `file` (`series.csv`, `policies.csv`) by (replication, step).
fn lines_by_step(r: &Run, file: &str) -> BTreeMap<(u32, u32), Vec<String>> {
    let text = std::fs::read_to_string(r.out().join(file)).unwrap();
    let mut by_step: BTreeMap<(u32, u32), Vec<String>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let mut f = line.split(',');
        let rep = f.next().unwrap().parse().unwrap();
        let step = f.next().unwrap().parse().unwrap();
        by_step
            .entry((rep, step))
            .or_default()
            .push(line.to_string());
    }
    by_step
}

/// Steps (with their replication) at which two runs' files differ, among `steps`.
fn differing(
    a: &BTreeMap<(u32, u32), Vec<String>>,
    b: &BTreeMap<(u32, u32), Vec<String>>,
    steps: impl Fn(u32) -> bool,
) -> Vec<(u32, u32)> {
    a.keys()
        .chain(b.keys())
        .filter(|k| steps(k.1) && a.get(k) != b.get(k))
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

// The six kinds with participants, each with a pool large enough that small coverages give
// hundreds of enrolments at a small scale. Groups include the employed for that reason: the
// kinds' own default groups (the unemployed of an age, say) hold only a few hundred agents at
// these scales, too few for small coverages.
const SECTOR_PLAN: &str = "kind = \"sector_plan\"\nfrom = [\"hospitality\", \"trade\"]\nto = [\"care\", \"ict\"]\ngroups = [\"unemployed\", \"employed\"]";
const MOBILITY_TEAM: &str = "kind = \"mobility_team\"\ngroups = [\"unemployed\", \"employed\"]";
const LANGUAGE_COURSE: &str = "kind = \"language_course\"\nlanguage = \"de\"";
const MATCHING_EVENTS: &str = "kind = \"matching_events\"\ngroups = [\"unemployed\", \"employed\"]";
const COACHING_50PLUS: &str =
    "kind = \"coaching_50plus\"\ngroups = [\"unemployed\", \"employed\", \"age_50_plus\"]";
const YOUTH_GUARANTEE: &str =
    "kind = \"youth_guarantee\"\ngroups = [\"unemployed\", \"employed\", \"under_27\"]";

// The seven other kinds, each doing what it really does: paying courses, granting
// recognitions, or changing the geography everyone searches in.
const TRAINING_SUBSIDY: &str = "kind = \"training_subsidy\"\namount = 1000";
const OPEN_TRAINING_FUNDS: &str = "kind = \"open_training_funds\"";
const DUAL_QUALIFICATION: &str =
    "kind = \"dual_qualification\"\ncountries = [\"NL\", \"DE\"]\ncost_per_participant = 100";
const DIPLOMA_RECOGNITION: &str =
    "kind = \"diploma_recognition\"\ncountries = [\"NL\", \"DE\"]\nremove_barrier = true";
const CROSS_BORDER_INFO: &str =
    "kind = \"cross_border_info\"\ncountries = [\"NL\", \"DE\"]\nawareness = 1.0";
const CROSS_BORDER_TRANSPORT: &str = "kind = \"cross_border_transport\"\nbetween = [\"Groningen\", \"Emsland + Grafschaft Bentheim\"]\ncar = 30\npublic_transport = 35";
const BORDER_AGREEMENT: &str =
    "kind = \"border_agreement\"\ncountries = [\"NL\", \"BE\"]\nadmin_friction = 0.0";

/// Per-person costs for the kinds with participants, so that they spend.
const PARTICIPANT_COSTS: &str = "cost_per_participant = 100\ncost_per_placement = 100";
/// A running cost for the kinds that have no per-person spending (EUR 100 000 a step).
const RUNNING_COST: &str = "cost_per_year = 1200000";

// ---------------------------------------------------------------------------------------------
// Dose-response: coverage.

const DOSE_SCALE: f64 = 0.04;
/// The enrolment window: steps 3 to 5, three steps.
const DOSE_START: u32 = 3;
const DOSE_END: u32 = 5;
/// The middle coverage; the runs use half, this and double.
const DOSE_COVERAGE: f64 = 0.01;

/// New participants of the lever, in agents, over both replications, at coverage `c`.
fn enrolled(body: &str, c: f64) -> f64 {
    let body = format!("{body}\nstart = {DOSE_START}\nend = {DOSE_END}");
    let r = run(
        "baseline_published_rules.toml",
        Some(&body),
        DOSE_SCALE,
        DOSE_END,
        2,
        &[set("coverage", c)],
    );
    let persons: f64 = lever_rows(&r).iter().map(|row| row.participants_new).sum();
    (persons * r.scale).round()
}

/// Halving and doubling `coverage` (same seed, so the same uniform draw decides for each
/// worker and step in all three runs) must halve and double the new participants.
///
/// Expected ratio. A targeted worker is reached with probability c in each of the k = 3
/// steps of the window and leaves the pool once enrolled, so over the window a share
/// 1 − (1 − c)^k of the pool enrols; from coverage a to b the count should move by
/// r = (1 − (1 − b)^k) / (1 − (1 − a)^k): 1.99 from 0.005 to 0.01, 1.98 from 0.01 to 0.02
/// (the pool is depleted by at most 6 % in three steps, which this corrects for).
///
/// Tolerance. Each count N is a sum of many rare independent draws, so it is close to
/// Poisson: Var N ≈ N. For two runs taken as independent, Var(N_b − r·N_a) ≈ N_b + r²·N_a.
/// Common random numbers make the counts positively correlated (the workers reached at a are
/// reached at b in the same state), so the true variance is smaller and this is conservative.
/// We accept |N_b − r·N_a| ≤ 4.5 standard deviations: a false alarm has probability about
/// 7·10⁻⁶ per comparison. A coverage draw that ignores coverage gives N_b ≈ N_a, a gap of
/// (r − 1)·N_a ≈ N_a, which exceeds 4.5·√(N_a·(1 + r²)) ≈ 10·√N_a as soon as N_a > 100;
/// at least 250 agents must enrol at the lowest coverage (the smallest pool, the under-27s,
/// gives about 650).
fn dose_response(body: &str) {
    let doses = [DOSE_COVERAGE / 2.0, DOSE_COVERAGE, 2.0 * DOSE_COVERAGE];
    let n = doses.map(|c| enrolled(body, c));
    assert!(
        n[0] >= 250.0,
        "only {} agents enrolled at coverage {}: too few for the test to see a broken lever",
        n[0],
        doses[0]
    );
    let k = f64::from(DOSE_END - DOSE_START + 1);
    let reached = |c: f64| 1.0 - (1.0 - c).powf(k);
    for (i, j) in [(0, 1), (1, 2)] {
        let r = reached(doses[j]) / reached(doses[i]);
        let sd = (n[j] + r * r * n[i]).sqrt();
        assert!(
            (n[j] - r * n[i]).abs() <= 4.5 * sd,
            "coverage {} -> {}: {} -> {} new participants (agents), expected about {:.0} \
             (ratio {:.3}, tolerance ±{:.0}); all three: {n:?}",
            doses[i],
            doses[j],
            n[i],
            n[j],
            r * n[i],
            r,
            4.5 * sd
        );
    }
}

#[test]
fn sector_plan_participants_scale_with_coverage() {
    dose_response(SECTOR_PLAN);
}

#[test]
fn mobility_team_participants_scale_with_coverage() {
    dose_response(MOBILITY_TEAM);
}

#[test]
fn language_course_participants_scale_with_coverage() {
    dose_response(LANGUAGE_COURSE);
}

#[test]
fn matching_events_participants_scale_with_coverage() {
    dose_response(MATCHING_EVENTS);
}

#[test]
fn coaching_50plus_participants_scale_with_coverage() {
    dose_response(COACHING_50PLUS);
}

#[test]
fn youth_guarantee_participants_scale_with_coverage() {
    dose_response(YOUTH_GUARANTEE);
}

// ---------------------------------------------------------------------------------------------
/// A policy's place in the scenario does not decide whether it enrols: a second mobility team,
/// the same as the first, enrols about as many (its coverage draws are its own).
#[test]
fn a_second_enrolling_policy_enrols_like_the_first() {
    let body = format!(
        "{MOBILITY_TEAM}\ncoverage = {DOSE_COVERAGE}\nstart = {DOSE_START}\nend = {DOSE_END}\n\
         [[policy]]\nname = \"second\"\n{MOBILITY_TEAM}\ncoverage = {DOSE_COVERAGE}\n\
         start = {DOSE_START}\nend = {DOSE_END}"
    );
    let r = run(
        "baseline_published_rules.toml",
        Some(&body),
        DOSE_SCALE,
        DOSE_END + 1,
        2,
        &[],
    );
    let new = |rows: Vec<Row>| rows.iter().map(|r| r.participants_new).sum::<f64>();
    let (first, second) = (new(lever_rows(&r)), new(policy_rows(&r, "second")));
    assert!(first > 0.0, "the first enrols nobody");
    assert!(
        (second / first - 1.0).abs() < 0.35,
        "the second enrols {second} persons against the first's {first}"
    );
}

/// A policy that never acts in the run (its window opens after the last step), placed first
/// so that the lever is the second policy, its bit the second of every policy mask.
/// Geographic itself, so that a dormant policy's geography leaking into the lever's shows.
const DORMANT: &str = "\n[[policy]]\nname = \"dormant\"\nkind = \"border_agreement\"\ncountries = [\"NL\", \"BE\"]\nadmin_friction = 0.0\nstart = 100\nend = 110\n";

/// The levers of the second policy are its own: a geographic lever second, behind a policy that
/// never acts, gives byte-identical `series.csv` to the same lever first; an enrolling lever
/// second enrols and changes the outcomes, as first.
#[test]
fn the_second_policy_acts_as_the_first() {
    let (s, e, t) = (WINDOW_START, WINDOW_END, WINDOW_STEPS);
    let lever =
        |body: &str| format!("\n[[policy]]\nname = \"lever\"\n{body}\nstart = {s}\nend = {e}\n");
    let series = |r: &Run| std::fs::read(r.out().join("series.csv")).unwrap();

    let geographic = lever(&format!("{CROSS_BORDER_TRANSPORT}\n{RUNNING_COST}"));
    let first = run_with(
        "baseline_published_rules.toml",
        &geographic,
        WINDOW_SCALE,
        t,
        1,
        &[],
    );
    let second = run_with(
        "baseline_published_rules.toml",
        &format!("{DORMANT}{geographic}"),
        WINDOW_SCALE,
        t,
        1,
        &[],
    );
    let none = run_with("baseline_published_rules.toml", "", WINDOW_SCALE, t, 1, &[]);
    assert_ne!(series(&first), series(&none), "the transport lever acts");
    assert!(
        series(&second) == series(&first),
        "a geographic lever second acts otherwise than first"
    );

    let enrolling = lever(&format!(
        "{MOBILITY_TEAM}\n{PARTICIPANT_COSTS}\ncoverage = 0.05"
    ));
    let second = run_with(
        "baseline_published_rules.toml",
        &format!("{DORMANT}{enrolling}"),
        WINDOW_SCALE,
        t,
        1,
        &[],
    );
    let new: f64 = lever_rows(&second).iter().map(|r| r.participants_new).sum();
    assert!(new > 0.0, "an enrolling lever second enrols nobody");
    let (a, b) = (
        lines_by_step(&none, "series.csv"),
        lines_by_step(&second, "series.csv"),
    );
    assert!(
        !differing(&a, &b, |step| (s..=e).contains(&step)).is_empty(),
        "an enrolling lever second changes nothing"
    );
}

// Window: `start` and `end`.

const WINDOW_SCALE: f64 = 0.02;
const WINDOW_START: u32 = 6;
const WINDOW_END: u32 = 11;
const WINDOW_STEPS: u32 = 16;

/// How a kind shows that it acts inside its window, so that the window test is not vacuous.
#[derive(Clone, Copy, PartialEq)]
enum Acts {
    /// It enrols participants (and spends on them); their effects show in `series.csv`.
    Enrols,
    /// It spends (course money or its running cost) and changes `series.csv`.
    Spends,
    /// As `Spends`, and its effect on `series.csv` starts at the first step of the window and
    /// stops at the first step after it, not a step late: the geography (information,
    /// transport, agreements), whose levers are rebuilt when the set of active policies
    /// changes, and the course and recognition subsidies.
    Immediately,
    /// It pays per act (a recognition granted at a course completion): its spending is the
    /// record of its acts, which are too few to change `series.csv` in a short, small run.
    PaysPerAct,
}

/// The policy `body` with window [6, 11] in a 16-step run of `parent`, against the run without
/// it and the run whose window stays open to the end, all with the same seed:
/// - in `policies.csv` nothing (new participants, participants, placements, spending,
///   refusals) before step 6 or after step 11, and spending (and for `Acts::Enrols` new
///   participants) inside;
/// - `series.csv` byte-identical to the run without the policy before step 6, and different
///   from it inside the window (the lever acts on the simulation, not only on its books);
/// - both files identical to the open-ended run up to step 11, and different from it after
///   (the open-ended policy still acts there: the zeros after `end` are not vacuous), in
///   `series.csv` (the effects stop at `end`, not only the books) unless `Acts::PaysPerAct`.
fn window(parent: &str, body: &str, acts: Acts) {
    let (s, e, t) = (WINDOW_START, WINDOW_END, WINDOW_STEPS);
    let body = format!("{body}\nstart = {s}\nend = {e}");
    let none = run(parent, None, WINDOW_SCALE, t, 1, &[]);
    let short = run(parent, Some(&body), WINDOW_SCALE, t, 1, &[]);
    let open = run(parent, Some(&body), WINDOW_SCALE, t, 1, &[set("end", t)]);

    let rows = lever_rows(&short);
    assert_eq!(rows.len(), t as usize + 1, "one row per step");
    for row in rows.iter().filter(|r| !(s..=e).contains(&r.step)) {
        assert!(
            row.is_idle(),
            "the policy acts outside its window [{s}, {e}]: {row:?}"
        );
    }
    let inside = || rows.iter().filter(|r| (s..=e).contains(&r.step));
    let spending: f64 = inside().map(|r| r.spending).sum();
    assert!(spending > 0.0, "no spending in the window [{s}, {e}]");
    if acts == Acts::Enrols {
        let new: f64 = inside().map(|r| r.participants_new).sum();
        assert!(new > 0.0, "nobody enrolled in the window [{s}, {e}]");
    }

    let series = |r: &Run| lines_by_step(r, "series.csv");
    let (ser_none, ser_short, ser_open) = (series(&none), series(&short), series(&open));
    let (pol_short, pol_open) = (
        lines_by_step(&short, "policies.csv"),
        lines_by_step(&open, "policies.csv"),
    );
    let before = differing(&ser_none, &ser_short, |step| step < s);
    assert!(
        before.is_empty(),
        "series.csv differs from the run without the policy before its start, at \
         (replication, step) {before:?}"
    );
    let early = differing(&ser_short, &ser_open, |step| step <= e);
    let early_books = differing(&pol_short, &pol_open, |step| step <= e);
    assert!(
        early.is_empty() && early_books.is_empty(),
        "closing the window at {e} changed steps up to {e}: series {early:?}, policies \
         {early_books:?}"
    );
    assert!(
        !differing(&pol_short, &pol_open, |step| step > e).is_empty(),
        "policies.csv after step {e} is the same whether the window closes at {e} or stays open"
    );
    if acts != Acts::PaysPerAct {
        assert!(
            !differing(&ser_none, &ser_short, |step| (s..=e).contains(&step)).is_empty(),
            "series.csv is the same with and without the policy inside its window"
        );
        assert!(
            !differing(&ser_short, &ser_open, |step| step > e).is_empty(),
            "series.csv after step {e} is the same whether the window closes at {e} or stays \
             open"
        );
    }
    if acts == Acts::Immediately {
        // Not a step late at either end: the levers of step t are those of the policies
        // active at t.
        assert!(
            !differing(&ser_none, &ser_short, |step| step == s).is_empty(),
            "series.csv at the first step of the window, {s}, is the same as without the policy"
        );
        assert!(
            !differing(&ser_short, &ser_open, |step| step == e + 1).is_empty(),
            "series.csv at the first step after the window, {}, is the same as with it open",
            e + 1
        );
    }
}

#[test]
fn a_sector_plan_acts_only_inside_its_window() {
    let body = format!("{SECTOR_PLAN}\ncoverage = 0.05\n{PARTICIPANT_COSTS}");
    window("baseline_published_rules.toml", &body, Acts::Enrols);
}

#[test]
fn a_mobility_team_acts_only_inside_its_window() {
    let body = format!("{MOBILITY_TEAM}\ncoverage = 0.05\n{PARTICIPANT_COSTS}");
    window("baseline_published_rules.toml", &body, Acts::Enrols);
}

#[test]
fn a_language_course_acts_only_inside_its_window() {
    let body = format!("{LANGUAGE_COURSE}\ncoverage = 0.05\n{PARTICIPANT_COSTS}");
    window("baseline_published_rules.toml", &body, Acts::Enrols);
}

#[test]
fn matching_events_act_only_inside_their_window() {
    let body = format!("{MATCHING_EVENTS}\ncoverage = 0.05\n{PARTICIPANT_COSTS}");
    window("baseline_published_rules.toml", &body, Acts::Enrols);
}

#[test]
fn coaching_50plus_acts_only_inside_its_window() {
    let body = format!("{COACHING_50PLUS}\ncoverage = 0.05\n{PARTICIPANT_COSTS}");
    window("baseline_published_rules.toml", &body, Acts::Enrols);
}

#[test]
fn a_youth_guarantee_acts_only_inside_its_window() {
    let body = format!("{YOUTH_GUARANTEE}\ncoverage = 0.05\n{PARTICIPANT_COSTS}");
    window("baseline_published_rules.toml", &body, Acts::Enrols);
}

#[test]
fn a_training_subsidy_acts_only_inside_its_window() {
    window(
        "baseline_published_rules.toml",
        TRAINING_SUBSIDY,
        Acts::Immediately,
    );
}

/// Employees retrain out of their sector only where their jobs are at risk: the 2020 shock
/// (from step 3) puts them there.
#[test]
fn open_training_funds_act_only_inside_their_window() {
    window(SHOCK_PUBLISHED_RULES, OPEN_TRAINING_FUNDS, Acts::Spends);
}

#[test]
fn a_dual_qualification_acts_only_inside_its_window() {
    window(
        "baseline_published_rules.toml",
        DUAL_QUALIFICATION,
        Acts::PaysPerAct,
    );
}

#[test]
fn a_diploma_recognition_acts_only_inside_its_window() {
    let body = format!("{DIPLOMA_RECOGNITION}\n{RUNNING_COST}");
    window("baseline_published_rules.toml", &body, Acts::Immediately);
}

#[test]
fn cross_border_information_acts_only_inside_its_window() {
    let body = format!("{CROSS_BORDER_INFO}\n{RUNNING_COST}");
    window("baseline_published_rules.toml", &body, Acts::Immediately);
}

#[test]
fn cross_border_transport_acts_only_inside_its_window() {
    let body = format!("{CROSS_BORDER_TRANSPORT}\n{RUNNING_COST}");
    window("baseline_published_rules.toml", &body, Acts::Immediately);
}

#[test]
fn a_border_agreement_acts_only_inside_its_window() {
    let body = format!("{BORDER_AGREEMENT}\n{RUNNING_COST}");
    window("baseline_published_rules.toml", &body, Acts::Immediately);
}

// ---------------------------------------------------------------------------------------------
// Budgets: `budget` and `budget_per_year`.

const BUDGET_SCALE: f64 = 0.02;
/// Two and a half policy years (12 steps each, from step 1).
const BUDGET_STEPS: u32 = 30;
const STEPS_PER_YEAR: u32 = 12;
/// Each replication keeps its own books; one is enough.
const BUDGET_REPLICATIONS: u32 = 1;
/// The caps are tested as caps: enrolment as fast as they allow (`pacing = "none"`); pacing is
/// tested in `tests/policies.rs`.
const UNPACED: &str = "policy.\"lever\".pacing=\"none\"";

/// [`UNPACED`] for a body whose kind paces (those that enrol participants, and those that pay
/// courses from a budget), else nothing.
fn unpaced(body: &str) -> Vec<String> {
    const PACED: [&str; 8] = [
        "\"sector_plan\"",
        "\"mobility_team\"",
        "\"language_course\"",
        "\"matching_events\"",
        "\"coaching_50plus\"",
        "\"youth_guarantee\"",
        "\"training_subsidy\"",
        "\"open_training_funds\"",
    ];
    if PACED.iter().any(|k| body.contains(k)) {
        vec![UNPACED.to_string()]
    } else {
        Vec::new()
    }
}
/// Spending is written with two decimals: sums of rounded values may pass a cap by cents.
const ROUNDING_EUR: f64 = 1.0;

/// The policy `body` (which spends; window from step 1) in two 30-step runs of `parent`, one
/// with `budget`, one with `budget_per_year`, same seed:
/// - each replication's total spending stays within `budget`, and spending is refused;
/// - each policy year's spending stays within `budget_per_year`, spending is refused in each
///   of the two full years, and the second year spends again (the cap is per year).
fn budgets(parent: &str, body: &str, budget: f64, budget_per_year: f64) {
    // The placement fee per person the body promises at enrolment (reserved against the caps).
    let fee = if body.contains(PARTICIPANT_COSTS) {
        100.0
    } else {
        0.0
    };
    let total = run(
        parent,
        Some(body),
        BUDGET_SCALE,
        BUDGET_STEPS,
        BUDGET_REPLICATIONS,
        &[vec![set("budget", budget)], unpaced(body)].concat(),
    );
    let rows = lever_rows(&total);
    for rep in 0..BUDGET_REPLICATIONS {
        let mine = || rows.iter().filter(move |r| r.replication == rep);
        let spent: f64 = mine().map(|r| r.spending).sum();
        let refused: f64 = mine().map(|r| r.refused).sum();
        assert!(
            spent <= budget + ROUNDING_EUR,
            "replication {rep}: spent {spent} of a budget of {budget}"
        );
        assert!(
            refused > 0.0,
            "replication {rep}: the budget of {budget} never bound (spent {spent}), so the test proves nothing"
        );
        // The cap binds when the budget is spent or promised, not before: what is left is less
        // than the largest step's spending plus the placement fees promised to the participants
        // at the end.
        let biggest = mine().map(|r| r.spending).fold(0.0, f64::max);
        let promised = mine().next_back().map_or(0.0, |r| r.participants) * fee;
        assert!(
            spent + biggest + promised + ROUNDING_EUR >= budget,
            "replication {rep}: refused with {} of {budget} left",
            budget - spent
        );
    }

    let yearly = run(
        parent,
        Some(body),
        BUDGET_SCALE,
        BUDGET_STEPS,
        BUDGET_REPLICATIONS,
        &[vec![set("budget_per_year", budget_per_year)], unpaced(body)].concat(),
    );
    let rows = lever_rows(&yearly);
    for rep in 0..BUDGET_REPLICATIONS {
        let mut spent = BTreeMap::<u32, f64>::new();
        let mut refused = BTreeMap::<u32, f64>::new();
        for r in rows.iter().filter(|r| r.replication == rep && r.step >= 1) {
            let year = (r.step - 1) / STEPS_PER_YEAR;
            *spent.entry(year).or_default() += r.spending;
            *refused.entry(year).or_default() += r.refused;
        }
        for (year, eur) in &spent {
            assert!(
                *eur <= budget_per_year + ROUNDING_EUR,
                "replication {rep}: spent {eur} in policy year {year}, cap {budget_per_year}"
            );
        }
        let biggest = rows
            .iter()
            .filter(|r| r.replication == rep)
            .map(|r| r.spending)
            .fold(0.0, f64::max);
        for year in [0, 1] {
            let last = (year + 1) * STEPS_PER_YEAR;
            let promised = rows
                .iter()
                .find(|r| r.replication == rep && r.step == last)
                .map_or(0.0, |r| r.participants)
                * fee;
            assert!(
                spent[&year] + biggest + promised + ROUNDING_EUR >= budget_per_year,
                "replication {rep}: policy year {year} refused with {} of {budget_per_year} left",
                budget_per_year - spent[&year]
            );
            assert!(
                refused[&year] > 0.0,
                "replication {rep}: budget_per_year {budget_per_year} never bound in policy year {year} (spent {})",
                spent[&year]
            );
        }
        assert!(
            spent[&1] > 0.0,
            "replication {rep}: nothing spent in the second policy year"
        );
    }
}

#[test]
fn a_sector_plan_stays_within_its_budgets() {
    let body = format!("{SECTOR_PLAN}\ncoverage = 0.05\n{PARTICIPANT_COSTS}");
    budgets("baseline_published_rules.toml", &body, 2e6, 2e6);
}

#[test]
fn a_mobility_team_stays_within_its_budgets() {
    let body = format!("{MOBILITY_TEAM}\ncoverage = 0.05\n{PARTICIPANT_COSTS}");
    budgets("baseline_published_rules.toml", &body, 2e6, 2e6);
}

#[test]
fn a_language_course_stays_within_its_budgets() {
    let body = format!("{LANGUAGE_COURSE}\ncoverage = 0.05\n{PARTICIPANT_COSTS}");
    budgets("baseline_published_rules.toml", &body, 2e6, 2e6);
}

#[test]
fn matching_events_stay_within_their_budgets() {
    let body = format!("{MATCHING_EVENTS}\ncoverage = 0.05\n{PARTICIPANT_COSTS}");
    budgets("baseline_published_rules.toml", &body, 2e6, 2e6);
}

#[test]
fn coaching_50plus_stays_within_its_budgets() {
    let body = format!("{COACHING_50PLUS}\ncoverage = 0.05\n{PARTICIPANT_COSTS}");
    budgets("baseline_published_rules.toml", &body, 2e6, 2e6);
}

#[test]
fn a_youth_guarantee_stays_within_its_budgets() {
    let body = format!("{YOUTH_GUARANTEE}\ncoverage = 0.05\n{PARTICIPANT_COSTS}");
    budgets("baseline_published_rules.toml", &body, 2e6, 2e6);
}

/// Course money: about EUR 500 000 a step at this scale, uncapped.
#[test]
fn a_training_subsidy_stays_within_its_budgets() {
    budgets("baseline_published_rules.toml", TRAINING_SUBSIDY, 2e6, 2e6);
}

/// Opened fund money: about EUR 500 000 a step once the 2020 shock puts jobs at risk.
#[test]
fn open_training_funds_stay_within_their_budgets() {
    budgets(SHOCK_PUBLISHED_RULES, OPEN_TRAINING_FUNDS, 2e6, 2e6);
}

/// Recognitions at course completion: about EUR 30 000 a step at this scale, uncapped.
#[test]
fn a_dual_qualification_stays_within_its_budgets() {
    budgets(
        "baseline_published_rules.toml",
        DUAL_QUALIFICATION,
        150_000.0,
        150_000.0,
    );
}

/// The four kinds that act on everyone have no per-person spending: their running cost of
/// EUR 100 000 a step is what the caps must stop.
#[test]
fn a_diploma_recognition_stays_within_its_budgets() {
    let body = format!("{DIPLOMA_RECOGNITION}\n{RUNNING_COST}");
    budgets("baseline_published_rules.toml", &body, 550_000.0, 750_000.0);
}

#[test]
fn cross_border_information_stays_within_its_budgets() {
    let body = format!("{CROSS_BORDER_INFO}\n{RUNNING_COST}");
    budgets("baseline_published_rules.toml", &body, 550_000.0, 750_000.0);
}

#[test]
fn cross_border_transport_stays_within_its_budgets() {
    let body = format!("{CROSS_BORDER_TRANSPORT}\n{RUNNING_COST}");
    budgets("baseline_published_rules.toml", &body, 550_000.0, 750_000.0);
}

#[test]
fn a_border_agreement_stays_within_its_budgets() {
    let body = format!("{BORDER_AGREEMENT}\n{RUNNING_COST}");
    budgets("baseline_published_rules.toml", &body, 550_000.0, 750_000.0);
}

/// A policy that cannot pay its running cost stops until its next policy year: a mobility team
/// with EUR 100 000 a step of running cost, its participant and placement costs, and EUR 250 000
/// a year runs out within each year; from the step whose running cost it could not pay to the
/// end of that year it spends nothing and enrols nobody, and the next year it pays and enrols
/// again.
#[test]
fn a_policy_that_cannot_pay_its_running_cost_stops_until_the_next_year() {
    let body = format!("{MOBILITY_TEAM}\n{RUNNING_COST}\ncoverage = 0.05");
    let r = run(
        "baseline_published_rules.toml",
        Some(&body),
        BUDGET_SCALE,
        BUDGET_STEPS,
        1,
        // A total budget that never binds: the yearly cap alone stops the policy.
        &[
            set("budget_per_year", 250_000),
            set("budget", 10_000_000),
            UNPACED.to_string(),
        ],
    );
    let rows = lever_rows(&r);
    let mut stopped_years = Vec::new();
    for year in 0..2 {
        let in_year: Vec<&Row> = rows
            .iter()
            .filter(|r| r.step >= 1 && (r.step - 1) / STEPS_PER_YEAR == year)
            .collect();
        assert!(
            in_year[0].participants_new > 0.0 && in_year[0].spending > 0.0,
            "policy year {year} starts without paying or enrolling: {:?}",
            in_year[0]
        );
        let Some(stop) = in_year
            .iter()
            .position(|r| r.spending == 0.0 && r.refused > 0.0)
        else {
            continue;
        };
        stopped_years.push(year);
        // Stopped, it enrols no one and pays nothing (this body promises no fee), but its
        // participants' hires still count as its placements: its books stay settled.
        for row in &in_year[stop..] {
            assert!(
                row.spending == 0.0 && row.participants_new == 0.0,
                "acted after failing to pay its running cost in policy year {year}: {row:?}"
            );
        }
        let placed_while_stopped: f64 = in_year[stop..].iter().map(|r| r.placements).sum();
        assert!(
            placed_while_stopped > 0.0,
            "no participant of the stopped policy was placed in policy year {year}: {:?}",
            &in_year[stop..]
        );
        for row in &in_year[stop + 1..] {
            assert!(
                row.refused == 0.0,
                "a stopped policy tried to pay again in policy year {year}: {row:?}"
            );
        }
    }
    assert_eq!(
        stopped_years,
        [0, 1],
        "the yearly budget must run out in both years"
    );
}

/// With quarterly steps a policy year is four steps: a yearly budget that runs out within each
/// year is spent again in steps 5 and 9, the first of the second and third years.
#[test]
fn a_policy_year_is_twelve_months_whatever_the_step() {
    let body = format!("{MOBILITY_TEAM}\n{PARTICIPANT_COSTS}\ncoverage = 0.05");
    let r = run(
        "baseline_published_rules.toml",
        Some(&body),
        BUDGET_SCALE,
        12,
        1,
        &[
            set("budget_per_year", 150_000),
            UNPACED.to_string(),
            "simulation.step_months=3".to_string(),
        ],
    );
    let rows = lever_rows(&r);
    let spent = |step: u32| rows.iter().find(|r| r.step == step).unwrap().spending;
    let year = |y: u32| (1 + 4 * y..=4 + 4 * y).map(spent).sum::<f64>();
    for y in 0..3 {
        assert!(
            year(y) > 0.0 && year(y) <= 150_000.0 + ROUNDING_EUR,
            "policy year {y} spent {}",
            year(y)
        );
        let refused: f64 = rows
            .iter()
            .filter(|r| (1 + 4 * y..=4 + 4 * y).contains(&r.step))
            .map(|r| r.refused)
            .sum();
        assert!(
            refused > 0.0,
            "the yearly cap never bound in policy year {y}"
        );
    }
}

/// A running cost is per year: with quarterly steps each step pays a quarter of it.
#[test]
fn a_running_cost_is_charged_per_month_of_the_step() {
    let body = format!("{CROSS_BORDER_TRANSPORT}\n{RUNNING_COST}");
    let r = run(
        "baseline_published_rules.toml",
        Some(&body),
        BUDGET_SCALE,
        6,
        1,
        &["simulation.step_months=3".to_string()],
    );
    for row in lever_rows(&r).iter().filter(|r| r.step >= 1) {
        assert_eq!(row.spending, 300_000.0, "{row:?}");
    }
}

/// The participant stock follows its flows: each step's participants are the last step's plus
/// the new minus those placed, and nobody remains after the window closes.
#[test]
fn participants_are_the_last_steps_plus_the_new_minus_the_placed() {
    let body = format!("{MOBILITY_TEAM}\ncoverage = 0.05\nstart = 3\nend = 9");
    let r = run(
        "baseline_published_rules.toml",
        Some(&body),
        BUDGET_SCALE,
        12,
        1,
        &[],
    );
    let rows = lever_rows(&r);
    let mut stock = 0.0;
    for row in &rows {
        if row.step > 9 {
            assert_eq!(row.participants, 0.0, "{row:?}");
            continue;
        }
        stock += row.participants_new - row.placements;
        assert!(
            (row.participants - stock).abs() < 1e-6,
            "stock {stock}, {row:?}"
        );
    }
    assert!(rows.iter().any(|r| r.placements > 0.0) && stock > 0.0);
}
