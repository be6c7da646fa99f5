//! Fixtures shared by more than one integration test file.

/// The tables of a minimal valid scenario (no top-level keys): one region, one sector, five
/// steps.
#[allow(dead_code)]
pub const TABLES: &str = r#"
[simulation]
steps = 5

[[region]]
name = "A"
country = "NL"
labour_force = 2000
unemployment_rate = 0.05

[[sector]]
name = "s"
vacancy_rate = 0.03
"#;

/// Two regions, three sectors with different wages, flat demand (`base = "jobs"`, no cycle,
/// trend or shock), some on-the-job search and flexible contracts: the tables after
/// `[simulation]` of the labour-demand and labour-dynamics tests.
#[allow(dead_code)]
pub const TWO_REGIONS: &str = r#"
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

/// The scenario `head` (its name and `[simulation]`), then [`TWO_REGIONS`], then `extra`,
/// loaded with `sets` applied as overrides.
#[allow(dead_code)]
pub fn two_regions(
    head: &str,
    extra: &str,
    sets: &[(&str, toml::Value)],
) -> labsim::scenario::Scenario {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two_regions.toml");
    std::fs::write(&path, format!("{head}\n{TWO_REGIONS}\n{extra}\n")).unwrap();
    let overrides: Vec<labsim::scenario::Override> = sets
        .iter()
        .map(|(k, v)| labsim::scenario::Override::at(k, v.clone(), "test").unwrap())
        .collect();
    labsim::scenario::load_with(&path, &overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// The calibration moment `metric` at the total level, over every step from 1, of one
/// replication's records: what `labsim calibrate` compares with a target of that metric.
#[allow(dead_code)]
pub fn moment(
    model: &labsim::model::Model,
    records: &[labsim::metrics::StepRecord],
    metric: &str,
) -> f64 {
    let text = format!(
        "name = \"t\"\n[window]\nfrom_step = 1\n\n[[target]]\nmetric = \"{metric}\"\nvalue = 0.5\ntolerance = 0.1\n"
    );
    let targets =
        labsim::calibrate::targets::parse(std::path::Path::new("moment.toml"), &text).unwrap();
    labsim::calibrate::moments::moments(model, records, &targets.targets)[0]
}
