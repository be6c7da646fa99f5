//! The economics of labour demand at employers (`[employers]`, docs/MODEL.md 2a): with flat
//! demand and no job reallocation nobody gets notice and no job is destroyed; notices follow
//! only job destruction; and on-the-job search no longer takes jobs from the unemployed one for
//! one, because a job left is refilled (a vacancy chain), where under the published node-level
//! rules it does.

use labsim::metrics::{flow, StepRecord};
use labsim::model::Model;
use labsim::scenario::{self, Override, Scenario};

/// Two regions, three sectors, flat demand (`base = "jobs"`, no cycle, trend or shock), some
/// on-the-job search and flexible contracts.
const SCENARIO: &str = r#"
name = "flat"

[simulation]
steps = 48
seed = 3

[mechanics]
separation_rate = 0.004
applications = 2
on_the_job_search = 0.02
search_probability = 0.3
unqualified_weight = 0.3

[demand]
base = "jobs"

[[country]]
code = "NL"
languages = ["nl"]

[[region]]
name = "A"
country = "NL"
labour_force = 30000
unemployment_rate = 0.04

[[region]]
name = "B"
country = "NL"
labour_force = 20000
unemployment_rate = 0.05

[[travel]]
between = ["A", "B"]
car = 30
public_transport = 45

[[sector]]
name = "s0"
employment_share = 0.5
vacancy_rate = 0.04
flexible_share = 0.3
wage = 3000

[[sector]]
name = "s1"
employment_share = 0.3
vacancy_rate = 0.05
wage = 3300

[[sector]]
name = "s2"
employment_share = 0.2
vacancy_rate = 0.03
wage = 2800
"#;

/// The scenario with `extra` TOML appended and `sets` applied as overrides.
fn scenario(extra: &str, sets: &[(&str, toml::Value)]) -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flat.toml");
    std::fs::write(&path, format!("{SCENARIO}\n{extra}\n")).unwrap();
    let overrides: Vec<Override> = sets
        .iter()
        .map(|(k, v)| Override::at(k, v.clone(), "test").unwrap())
        .collect();
    scenario::load_with(&path, &overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// `records[replication][step]` of a run of every replication, as `labsim run` does it
/// (burn-in included).
fn records(s: Scenario) -> (Model, Vec<Vec<StepRecord>>) {
    let model = Model::new(s);
    let result = labsim::run::run(&model, 0, &|| {}).unwrap();
    (model, result.records)
}

fn total(rec: &StepRecord, what: usize) -> u64 {
    rec.flows.by_node.iter().map(|f| f[what]).sum()
}

#[test]
fn with_flat_demand_and_no_reallocation_nobody_gets_notice() {
    let (_, runs) = records(scenario("[employers]\nreallocation_rate = 0.0", &[]));
    let series = &runs[0];
    for rec in &series[1..] {
        for what in [
            flow::NOTICES,
            flow::DISMISSALS,
            flow::JOB_DESTRUCTION,
            flow::JOB_CREATION,
            flow::VACANCIES_EXPIRED,
        ] {
            assert_eq!(total(rec, what), 0, "step {}: flow {what}", rec.step);
        }
    }
    // The run is not idle: the baseline quits go on (and none of them is a dismissal, above).
    let separations: u64 = series[1..]
        .iter()
        .map(|r| total(r, flow::SEPARATIONS))
        .sum();
    assert!(separations > 1000, "{separations}");
}

#[test]
fn notices_follow_job_destruction_only() {
    let (_, runs) = records(scenario("[employers]\nreallocation_rate = 0.02", &[]));
    let (mut notices, mut destroyed) = (0u64, 0u64);
    for rec in &runs[0][1..] {
        for f in &rec.flows.by_node {
            assert!(
                f[flow::NOTICES] <= f[flow::JOB_DESTRUCTION],
                "step {}",
                rec.step
            );
            notices += f[flow::NOTICES];
            destroyed += f[flow::JOB_DESTRUCTION];
        }
    }
    // Job destruction is about 2 % of jobs a month, and part of it falls on staffed jobs.
    assert!(
        notices > 0 && destroyed > notices,
        "{notices} of {destroyed}"
    );
}

/// Unemployment person-months summed over the run and the replications.
fn unemployment(runs: &[Vec<StepRecord>]) -> f64 {
    runs.iter()
        .flat_map(|s| &s[1..])
        .map(|r| {
            r.census
                .by_home
                .iter()
                .map(|h| h[labsim::metrics::home::UNEMPLOYED] as f64)
                .sum::<f64>()
        })
        .sum()
}

/// Tripling on-the-job search (2 % to 6 % of the employed a month), with common random
/// numbers. Under the published rules a job-to-job move opens no vacancy where the mover was,
/// so every extra move takes a hire away from the unemployed: unemployment person-months rise
/// by about 90 %. With employers the job left is refilled (a vacancy chain), which removes
/// most of that: they rise by about 30 %. What remains is congestion: employed applicants
/// compete for every vacancy, so a chain of moves passes through more links before an
/// unemployed worker takes its last vacancy, and each link keeps a job vacant for a month;
/// since `v - u = d - L` (demand minus labour force) is fixed, the longer vacancy spells are
/// more unemployment. (Measured: +92 % and +32 %.)
#[test]
fn vacancy_chains_remove_most_of_the_crowding_out_by_on_the_job_search() {
    let change = |extra: &str| {
        let run = |ojs: f64| {
            let sets = [
                ("mechanics.on_the_job_search", toml::Value::from(ojs)),
                ("simulation.burn_in_months", toml::Value::from(12)),
                ("simulation.replications", toml::Value::from(3)),
            ];
            unemployment(&records(scenario(extra, &sets)).1)
        };
        let (u0, u1) = (run(0.02), run(0.06));
        (u1 - u0) / u0
    };
    let published = change("");
    let employers = change("[employers]");
    assert!(
        published > 0.3 && employers > 0.0 && employers < published / 2.0,
        "unemployment change: published rules {published:+.4}, employers {employers:+.4}"
    );
}

/// A dip in demand that is over before the notices end: the employers give notice when their
/// demand falls and withdraw it when it comes back, so nobody is dismissed. (Without the
/// withdrawals every notice would end in a dismissal three months later.)
#[test]
fn notices_are_withdrawn_when_demand_comes_back_before_they_end() {
    let extra = "[employers]\nreallocation_rate = 0.0\n\n\
                 [contracts.permanent]\nnotice_months = 3\n\
                 [contracts.flexible]\nnotice_months = 3\n\
                 [contracts.self_employed]\nnotice_months = 3\n\n\
                 [[demand.shock]]\nsectors = [\"s0\"]\ndepth = 0.2\nstart = 3\nend = 3\nrecovery = 1\n";
    let (_, runs) = records(scenario(extra, &[]));
    let series = &runs[0];
    let notices: u64 = series.iter().map(|r| total(r, flow::NOTICES)).sum();
    let dismissals: u64 = series.iter().map(|r| total(r, flow::DISMISSALS)).sum();
    assert!(notices > 500, "the dip gave {notices} notices");
    assert_eq!(total(&series[3], flow::NOTICES), notices, "all at the dip");
    assert_eq!(
        dismissals, 0,
        "{dismissals} dismissed after demand came back"
    );
    let under_notice = |r: &StepRecord| -> u64 {
        r.census
            .by_node
            .iter()
            .map(|n| n[labsim::metrics::node::UNDER_NOTICE])
            .sum()
    };
    assert!(under_notice(&series[3]) > 0);
    assert_eq!(
        under_notice(&series[4]),
        0,
        "every notice withdrawn at step 4"
    );
}
