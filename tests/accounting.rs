//! Benefit accounting (docs/DATA.md, "Benefits"; scenarios/README.md, `[benefits]`): each
//! country pays its own unemployed residents its own benefit, trainees keep theirs unless the
//! scenario says otherwise, and `labsim compare`'s benefit saving uses the same rule.

use labsim::compare::Totals;
use labsim::model::Model;
use labsim::scenario::{from_toml_str, Scenario};

/// Two countries with different benefits, and unemployed workers who start courses.
fn scenario(benefits: &str) -> Scenario {
    let text = format!(
        r#"
name = "benefits"

[simulation]
steps = 6
seed = 3

[benefits]
cost_per_unemployed_month = 500
{benefits}

[training]
takeup = 0.2
min_unemployment_months = 0
shortage_vacancy_rate = 0.0

[[country]]
code = "NL"
languages = ["nl"]
benefit_per_month = 1000

[[country]]
code = "DE"
languages = ["de"]

[[region]]
name = "A"
country = "NL"
labour_force = 20000
unemployment_rate = 0.06

[[region]]
name = "B"
country = "DE"
labour_force = 10000
unemployment_rate = 0.08

[[sector]]
name = "s0"
employment_share = 0.6
vacancy_rate = 0.04

[[sector]]
name = "s1"
employment_share = 0.4
vacancy_rate = 0.06
"#
    );
    from_toml_str(&text, "benefits").unwrap_or_else(|e| panic!("{e}"))
}

/// Per step after the first: each country's `benefit_spending` against its unemployed and
/// trainees at its own benefit (NL its own 1 000, DE the default 500), and the total.
fn check(benefits: &str, trainees_paid: bool) {
    let model = Model::new(scenario(benefits));
    let result = labsim::run::run(&model, 0, &|| {}).unwrap();
    let mut trainees = 0.0;
    for rec in &result.records[0][1..] {
        let rows = labsim::output::rows(&model, rec);
        let mut total = 0.0;
        for (code, benefit) in [("NL", 1000.0), ("DE", 500.0)] {
            let m = &rows
                .iter()
                .find(|r| r.level == "country" && r.key == code)
                .unwrap()
                .metrics;
            trainees += m.in_training;
            let paid = m.unemployed + if trainees_paid { m.in_training } else { 0.0 };
            assert!(
                (m.benefit_spending - paid * benefit).abs() < 1e-6,
                "{code}, step {}: {} against {paid} x {benefit}",
                rec.step,
                m.benefit_spending
            );
            total += m.benefit_spending;
        }
        let all = &rows.iter().find(|r| r.level == "total").unwrap().metrics;
        assert!((all.benefit_spending - total).abs() < 1e-6);
    }
    assert!(trainees > 0.0, "nobody trained: the test shows nothing");
    // The comparison's benefit total is the series' total summed over the run.
    let series: f64 = result.records[0][1..]
        .iter()
        .map(|rec| {
            let rows = labsim::output::rows(&model, rec);
            rows.iter()
                .find(|r| r.level == "total")
                .unwrap()
                .metrics
                .benefit_spending
        })
        .sum();
    let totals = Totals::of(&model, &result.records[0]);
    assert!(
        (totals.benefit_spending - series).abs() < 1e-6 * series,
        "compare {} against series {series}",
        totals.benefit_spending
    );
}

#[test]
fn each_country_pays_its_unemployed_and_trainees_its_own_benefit() {
    check("", true);
}

#[test]
fn trainees_go_unpaid_only_when_the_scenario_says_so() {
    check("paid_in_training = false", false);
}
