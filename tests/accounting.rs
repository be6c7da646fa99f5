//! Benefit accounting (docs/DATA.md, "Benefits"; scenarios/README.md, `[benefits]`): each
//! country pays its own unemployed residents its own benefit, trainees keep theirs unless the
//! scenario says otherwise, and `labsim compare`'s benefit saving uses the same rule.

mod common;

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

/// The `country_sector` level splits each sector by country: its stocks and flows add up to the
/// sector's row over countries and to the country's jobs and vacancies over sectors, and each
/// row's rates are its own (the Dutch rate of a sector is not the sector's rate across the
/// border). With one country the level is not written.
#[test]
fn country_sector_rows_add_up_to_their_sector_and_country() {
    let model = Model::new(scenario(""));
    let result = labsim::run::run(&model, 0, &|| {}).unwrap();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
    let mut rates_differ = false;
    for rec in &result.records[0] {
        let rows = labsim::output::rows(&model, rec);
        let get = |level: &str, key: &str| {
            &rows
                .iter()
                .find(|r| r.level == level && r.key == key)
                .unwrap_or_else(|| panic!("no row {level} {key}"))
                .metrics
        };
        for sector in ["s0", "s1"] {
            let (nl, de) = (
                get("country_sector", &format!("NL/{sector}")),
                get("country_sector", &format!("DE/{sector}")),
            );
            let all = get("sector", sector);
            for (a, b, c) in [
                (nl.jobs, de.jobs, all.jobs),
                (nl.vacancies, de.vacancies, all.vacancies),
                (nl.unemployed, de.unemployed, all.unemployed),
                (nl.separations, de.separations, all.separations),
                (
                    nl.hires_from_unemployment,
                    de.hires_from_unemployment,
                    all.hires_from_unemployment,
                ),
            ] {
                assert!(
                    close(a + b, c),
                    "step {}, {sector}: {a} + {b} against {c}",
                    rec.step
                );
            }
            rates_differ |= (nl.vacancy_rate - de.vacancy_rate).abs() > 1e-6;
        }
        for code in ["NL", "DE"] {
            let (s0, s1) = (
                get("country_sector", &format!("{code}/s0")),
                get("country_sector", &format!("{code}/s1")),
            );
            let country = get("country", code);
            assert!(
                close(s0.jobs + s1.jobs, country.jobs),
                "step {}, {code} jobs",
                rec.step
            );
            assert!(
                close(s0.vacancies + s1.vacancies, country.vacancies),
                "step {}, {code} vacancies",
                rec.step
            );
        }
        assert_eq!(
            rows.iter().filter(|r| r.level == "country_sector").count(),
            4
        );
    }
    assert!(
        rates_differ,
        "every country had the same sector rates: the test shows nothing"
    );
    let one =
        labsim::scenario::from_toml_str(&format!("name = \"one\"\n{}", common::TABLES), "one")
            .unwrap();
    let model = Model::new(one);
    let result = labsim::run::run(&model, 0, &|| {}).unwrap();
    let rows = labsim::output::rows(&model, &result.records[0][1]);
    assert!(rows.iter().all(|r| r.level != "country_sector"));
}
