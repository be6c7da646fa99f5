//! The labour market's dynamics against the stylised facts issue 12 names, on a small
//! scenario with employers and an open population: a baseline that starts at rest, the split
//! of unemployment's variance between inflows and outflows (Elsby, Hobijn and Sahin 2013),
//! the elasticity of the matching function (Petrongolo and Pissarides 2001), and job finding
//! by time without work.

use labsim::model::Model;
use labsim::output::Metrics;
use labsim::scenario::Scenario;

mod common;

/// The fixture's name and `[simulation]` (three years from January 2022 after a ten-year
/// burn-in), with employers and an open population.
const HEAD: &str = r#"
name = "dynamics"

[simulation]
steps = 36
seed = 11
start = "2022-01"
burn_in_months = 120

[employers]
[population]
"#;

/// [`common::TWO_REGIONS`] after [`HEAD`], with `extra` TOML appended and `sets` applied as
/// overrides.
fn scenario(extra: &str, sets: &[(&str, toml::Value)]) -> Scenario {
    common::two_regions(HEAD, extra, sets)
}

/// One line of `series.csv`.
struct Line {
    replication: u32,
    step: u32,
    level: &'static str,
    key: String,
    metrics: Metrics,
}

/// The lines of `series.csv` of every replication, as `labsim run` writes them.
fn lines(s: Scenario) -> Vec<Line> {
    let model = Model::new(s);
    let result = labsim::run::run(&model, 0, &|| {}).unwrap();
    let mut out = Vec::new();
    for (r, series) in result.records.iter().enumerate() {
        for rec in series {
            for row in labsim::output::rows(&model, rec) {
                out.push(Line {
                    replication: r as u32,
                    step: rec.step,
                    level: row.level,
                    key: row.key,
                    metrics: row.metrics,
                });
            }
        }
    }
    out
}

/// For every rate the run reports (total, per country, region and sector), months 1-6 against
/// the same calendar months a year and two years later (13-18 and 25-30, so that the school
/// leavers' summer does not count as drift): the mean difference over replications must be
/// within three of its standard errors, or within `floor(level)`. Returns how many series
/// were checked.
fn assert_at_rest(all: &[Line], replications: u32, floor: impl Fn(&str) -> f64) -> usize {
    let mut checked = 0;
    let series: std::collections::BTreeSet<(&str, &str)> =
        all.iter().map(|l| (l.level, l.key.as_str())).collect();
    let later: Vec<u32> = (13..=18).chain(25..=30).collect();
    for (level, key) in series {
        for (name, rate) in [
            (
                "unemployment_rate",
                (|l: &Line| l.metrics.unemployment_rate) as fn(&Line) -> f64,
            ),
            ("vacancy_rate", |l: &Line| l.metrics.vacancy_rate),
        ] {
            let diffs: Vec<f64> = (0..replications)
                .map(|r| {
                    let at = |steps: &[u32]| -> f64 {
                        let v: Vec<f64> = all
                            .iter()
                            .filter(|l| {
                                l.replication == r
                                    && l.level == level
                                    && l.key == key
                                    && steps.contains(&l.step)
                            })
                            .map(rate)
                            .collect();
                        assert_eq!(v.len(), steps.len());
                        v.iter().sum::<f64>() / v.len() as f64
                    };
                    at(&[1, 2, 3, 4, 5, 6]) - at(&later)
                })
                .collect();
            let n = diffs.len() as f64;
            let mean = diffs.iter().sum::<f64>() / n;
            let sd = (diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            let tolerance = (3.0 * sd / n.sqrt()).max(floor(level));
            assert!(
                mean.abs() <= tolerance,
                "{level} {key} {name}: months 1-6 differ from a year later by {mean:+.5} \
                 (tolerance {tolerance:.5})"
            );
            checked += 1;
        }
    }
    checked
}

/// The small scenario, with one sector's demand growing 3 % a year, starts at rest
/// ([`assert_at_rest`]), every rate within three standard errors or 0.1 percentage point (a
/// quarter of the sampling error of a Dutch provincial unemployment rate, 0.3-0.5 point, CBS,
/// and so too small to matter), except the sectors' at 0.3 point: the low-wage sector s2's
/// vacancy rate still falls by 0.2 point in the first year after the ten-year burn-in
/// (measured over 15 seeds of 8 replications: -0.190 +- 0.019 point with the per-worker draws,
/// -0.204 +- 0.020 with the ladder draws, 2026-12-03), a slow drift this seed's replications
/// had hidden before. Without the burn-in the same test fails: that vacancy rate climbs by 0.6
/// point a year after 24 months of burn-in (measured), as the sectors' labour forces settle
/// with a time constant of about ten years. So it did with the trend while the labour force
/// grew more slowly than demand (the national vacancy rate climbed 0.18 point in a year;
/// docs/MODEL.md 7.11).
#[test]
fn the_baseline_starts_at_rest() {
    let replications = 8;
    let all = lines(scenario(
        "[[demand.trend]]\nsector = \"s1\"\nrate_per_year = 0.03\n",
        &[("simulation.replications", toml::Value::from(replications))],
    ));
    let checked = assert_at_rest(&all, replications, |level| {
        if level == "sector" {
            0.003
        } else {
            0.001
        }
    });
    // total, one country, two regions, three sectors; two rates each.
    assert_eq!(checked, 14);
}

/// The shipped default, `scenarios/baseline.toml` (at a tenth of its scale, eight
/// replications, 30 months), starts at rest ([`assert_at_rest`]): each rate within three
/// standard errors, or a quarter of the narrowest calibration tolerance at its level
/// (`calibration/nl_border_2022.toml`): 0.1 point for the total, countries and regions
/// (unemployment +- 0.4 point), 0.2 point for sectors (vacancy rates +- 0.8 point and wider),
/// too little to move any fitted moment. It passes at each of six seeds. What remains is slow
/// (docs/MODEL.md 5): care's and ICT's vacancy rates fall by 0.03-0.04 point a year, with the
/// qualifications workers gain for life. Before the labour force grew as demand does
/// (docs/MODEL.md 7.11) 3 of the 44 failed; before the employers started at the stationary
/// distribution of their sizes (docs/MODEL.md 5), ICT's vacancy rate failed at three seeds of
/// six, every vacancy rate falling 0.02 point a year as the sizes spread.
#[test]
fn the_shipped_baseline_starts_at_rest() {
    let replications = 8;
    let overrides: Vec<labsim::scenario::Override> = [
        ("simulation.scale", toml::Value::from(0.1)),
        ("simulation.replications", toml::Value::from(replications)),
        ("simulation.steps", toml::Value::from(30)),
    ]
    .into_iter()
    .map(|(k, v)| labsim::scenario::Override::at(k, v, "test").unwrap())
    .collect();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let s = labsim::scenario::load_with(&path, &overrides).unwrap();
    assert!(s.employers.is_some() && s.population.is_some());
    // The sectors within each country (`country_sector`) are left out: cells of a few
    // thousand agents at this scale, of which German ICT's vacancy rate falls 0.22 point in the
    // first year (docs/MODEL.md 8, "It starts at rest").
    let all: Vec<Line> = lines(s)
        .into_iter()
        .filter(|l| l.level != "country_sector")
        .collect();
    let checked = assert_at_rest(&all, replications, |level| {
        if level == "sector" {
            0.002
        } else {
            0.001
        }
    });
    // total, three countries, eight regions, ten sectors; two rates each.
    assert_eq!(checked, 44);
}

/// Entries balance exits (docs/MODEL.md 7.11). A yearly rate is the year's flow as a share of
/// the stock, so a month's probability is a twelfth of it. At rest as many school leavers
/// enter as the oldest group retires and as many move up from each younger group as enter it;
/// with the fixture's demand trend (growth 0.9 % a year) each group passes on what enters it
/// less its own growth, so that all three grow at 0.9 % and the age shares stay as they are.
/// (With compounded monthly rates, or the run's ageing in the burn-in, the oldest group
/// swelled and the labour force shrank by about 1 % over a ten-year burn-in; passing on
/// `leavers + growth` from every group piled the growth into the oldest: both measured.)
#[test]
fn entries_balance_exits_in_the_burn_in_and_in_the_run() {
    let s = scenario(
        "[[demand.trend]]\nsector = \"s1\"\nrate_per_year = 0.03\n",
        &[],
    );
    let p = s.population.as_ref().unwrap();
    let g = p.growth[0];
    assert!((g - 0.009).abs() < 1e-12, "{g}");
    let per_year = |per_step: f64| per_step * 12.0;
    let shares = [s.ages[0].share, s.ages[1].share, s.ages[2].share];
    let leavers = p.school_leavers_per_year;
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(close(per_year(p.retirement) * shares[2], leavers));
    // At rest: in = out for every group.
    assert!(close(per_year(p.ageing[0][0]) * shares[0], leavers));
    assert!(close(per_year(p.ageing[0][1]) * shares[1], leavers));
    // Growing: what enters a group, less its growth g * share, moves up.
    let into_young = leavers + g;
    let out_young = per_year(p.ageing[1][0]) * shares[0];
    assert!(close(out_young, into_young - g * shares[0]), "youngest");
    let out_middle = per_year(p.ageing[1][1]) * shares[1];
    assert!(close(out_middle, out_young - g * shares[1]), "middle");
    let retiring = per_year(p.retirement) * shares[2];
    assert!(close(retiring, out_middle - g * shares[2]), "oldest");
}

/// The labour force grows as demand does, with every age group at the same rate: on the
/// fixture with one sector growing 3 % a year (0.9 % of demand), over ten years the attached
/// labour force (employed, unemployed, in training, available) grows by demand's growth within
/// 0.5 % of its size, and the share of each age group moves by less than 0.5 point. (Before
/// the growth was spread over the age groups, the 50+ share rose 2 points over ten years and
/// the labour force fell a third short of demand's growth on the default scenario: measured.)
#[test]
fn the_labour_force_grows_as_demand_does_and_keeps_its_ages() {
    use labsim::agent::Status;
    use labsim::step::Stepper;
    use labsim::world::World;
    let model = Model::new(scenario(
        "[[demand.trend]]\nsector = \"s1\"\nrate_per_year = 0.03\n",
        &[("simulation.steps", 120.into())],
    ));
    let mut world = World::new(&model, 0);
    let mut stepper = Stepper::new(&model);
    stepper.burn_in(&model, &mut world);
    // The attached labour force (employed, unemployed, in training, available), by age group.
    let census = |w: &labsim::world::Workers| -> [f64; 3] {
        let mut n = [0.0; 3];
        for i in 0..w.status.len() {
            if w.status[i] != Status::Inactive as u8 {
                n[w.age[i] as usize] += 1.0;
            }
        }
        n
    };
    let first = census(&world.workers);
    for _ in 0..120 {
        stepper.step(&model, &mut world);
    }
    let last = census(&world.workers);
    let total = |n: &[f64; 3]| n.iter().sum::<f64>();
    let grown = total(&last) / total(&first) - 1.0;
    let expected = libm::pow(1.009, 10.0) - 1.0;
    assert!(
        (grown - expected).abs() < 0.005,
        "the labour force grew {grown:.4} in ten years, demand {expected:.4}"
    );
    for g in 0..3 {
        let (a, b) = (first[g] / total(&first), last[g] / total(&last));
        assert!(
            (a - b).abs() < 0.005,
            "age group {g}: share {a:.4} at the start, {b:.4} after ten years"
        );
    }
}

/// The initial state holds the attached inactive (*available*) at their stationary stock,
/// `U p(u -> i) / p(i -> u)` per region, so the flows between unemployment and inactivity
/// balance from the first step; and after a ten-year burn-in the labour force (with the
/// attached) is still the size the scenario gives, within 1 %.
#[test]
fn the_attached_inactive_start_at_their_stationary_stock() {
    use labsim::agent::Status;
    use labsim::world::World;
    let s = scenario("", &[("simulation.steps", 1.into())]);
    let p = s.population.clone().unwrap();
    let model = Model::new(s);
    let world = World::new(&model, 0);
    let w = &world.workers;
    let s = &model.scenario;
    for (h, region) in s.regions.iter().enumerate() {
        let count = |status: Status| {
            (0..w.status.len())
                .filter(|&i| w.home[i] as usize == h && w.status[i] == status as u8)
                .count() as f64
        };
        let (unemployed, available) = (count(Status::Unemployed), count(Status::Available));
        let expected = region.labour_force
            * s.simulation.scale
            * region.unemployment_rate
            * p.unemployed_to_inactive
            / p.inactive_to_unemployed;
        assert_eq!(available, s.available_agents(h) as f64);
        assert!(
            (available - expected).abs() <= 1.0,
            "region {h}: {available} available, expected {expected}"
        );
        let (out, back) = (
            unemployed * p.unemployed_to_inactive,
            available * p.inactive_to_unemployed,
        );
        assert!(
            (out - back).abs() <= p.inactive_to_unemployed.max(1.0),
            "{out} {back}"
        );
    }

    // After the burn-in (step 0 of the output) the attached population is the scenario's.
    let model = Model::new(scenario(
        "[[demand.trend]]\nsector = \"s1\"\nrate_per_year = 0.03\n",
        &[("simulation.steps", 1.into())],
    ));
    let result = labsim::run::run(&model, 0, &|| {}).unwrap();
    let first = &result.records[0][0];
    use labsim::metrics::home;
    let attached: u64 = first
        .census
        .by_home
        .iter()
        .map(|c| c[home::EMPLOYED] + c[home::UNEMPLOYED] + c[home::TRAINING] + c[home::AVAILABLE])
        .sum();
    let given: f64 = model
        .scenario
        .regions
        .iter()
        .enumerate()
        .map(|(h, r)| {
            (model.scenario.agents(r.labour_force) + model.scenario.available_agents(h)) as f64
        })
        .sum();
    let drift = attached as f64 / given - 1.0;
    assert!(
        drift.abs() < 0.01,
        "attached population drifted {drift:+.4} over the burn-in"
    );
}

/// Total-level monthly series of a 20-year run through a business cycle (demand 3 % above
/// and below its path, a period of eight years), one replication: (unemployed, employed,
/// vacancies, hires from unemployment, separations into unemployment), steps 1-240. `sets`
/// are applied on top.
fn cycle(sets: &[(&str, toml::Value)]) -> Vec<[f64; 5]> {
    let mut all = vec![("simulation.steps", toml::Value::from(240))];
    all.extend(sets.iter().cloned());
    let s = scenario("[demand.cycle]\namplitude = 0.03\nperiod = 96\n", &all);
    lines(s)
        .into_iter()
        .filter(|l| l.level == "total" && l.step >= 1)
        .map(|l| {
            let m = &l.metrics;
            [
                m.unemployed,
                m.employed,
                m.vacancies,
                m.hires_from_unemployment,
                m.separations,
            ]
        })
        .collect()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

fn cov(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (mean(x), mean(y));
    x.iter()
        .zip(y)
        .map(|(a, b)| (a - mx) * (b - my))
        .sum::<f64>()
        / x.len() as f64
}

/// Elsby, Hobijn and Sahin (2013, REStat 95(2)): in continental Europe inflows and outflows
/// account for unemployment's variance in about a 45:55 split. With the monthly inflow rate
/// `s` (separations into unemployment over the employed) and outflow rate `f` (hires from
/// unemployment over the unemployed), quarterly averaged, steady-state unemployment is
/// `u* = s / (s + f)` and `d ln u* = (1 - u*) (d ln s - d ln f)`; the inflow share is
/// `cov(ln u*, (1 - u) ln s) / var(ln u*)`. Accepted: 0.30-0.60, the continental range of the
/// paper's countries around 45 % (its Anglo-Saxon economies, at 15 %, would fail).
#[test]
fn inflows_and_outflows_share_unemployments_variance_as_in_continental_europe() {
    let rows = cycle(&[]);
    let rate = |k: usize, stock: usize| -> Vec<f64> {
        let monthly: Vec<f64> = rows.windows(2).map(|w| w[1][k] / w[0][stock]).collect();
        monthly.chunks_exact(3).map(mean).collect()
    };
    let (s, f) = (rate(4, 1), rate(3, 0));
    let star: Vec<f64> = s.iter().zip(&f).map(|(s, f)| s / (s + f)).collect();
    let u_bar = mean(&star);
    let ln_u: Vec<f64> = star.iter().map(|x| x.ln()).collect();
    let ln_s: Vec<f64> = s.iter().map(|x| (1.0 - u_bar) * x.ln()).collect();
    let ln_f: Vec<f64> = f.iter().map(|x| -(1.0 - u_bar) * x.ln()).collect();
    let var = cov(&ln_u, &ln_u);
    let (inflow, outflow) = (cov(&ln_u, &ln_s) / var, cov(&ln_u, &ln_f) / var);
    assert!(
        (0.30..=0.60).contains(&inflow) && (inflow + outflow - 1.0).abs() < 0.05,
        "inflow share {inflow:.3}, outflow share {outflow:.3}"
    );
}

/// The matching function's elasticity with respect to unemployment, estimated as Petrongolo
/// and Pissarides (2001, JEL 39(2)) mostly do, with constant returns:
/// `ln(H_t / U_{t-1}) = c + (1 - alpha) ln(V_{t-1} / U_{t-1})` by least squares over the cycle.
fn matching_elasticity(rows: &[[f64; 5]]) -> f64 {
    let (x, y): (Vec<f64>, Vec<f64>) = rows
        .windows(2)
        .map(|w| ((w[0][2] / w[0][0]).ln(), (w[1][3] / w[0][0]).ln()))
        .unzip();
    1.0 - cov(&x, &y) / cov(&x, &x)
}

/// Petrongolo and Pissarides (2001): the elasticity is 0.5-0.7.
///
/// Known gap: 0.73 here, 0.82 on the default baseline. In one urn-ball round a vacancy that
/// receives `y` applications a month is filled with probability `1 - e^-y`, and
/// `alpha = y / (e^y - 1)`: with every open vacancy fillable every month the vacancy duration
/// pins `y` (1.7 months here: `y` near 0.9, `alpha` near 0.62 in one homogeneous round); the
/// estimate on the unemployed's hires is higher, as the employed's applications do not move
/// with unemployment (docs/MODEL.md 9). A hiring procedure
/// (`employers.decision_rate`, the next test) or employers who consider a few applicants a
/// month (`mechanics.interviews`) bring it into the range, but on the default either caps how
/// fast vacancies fill in a slack market, and the 2019 check then fails (docs/MODEL.md 9), so
/// the default uses neither.
#[test]
#[ignore = "known gap: 0.73 here, 0.82 on the default; one urn-ball round (docs/MODEL.md 9)"]
fn the_matching_elasticity_on_unemployment_is_within_petrongolo_and_pissarides() {
    let alpha = matching_elasticity(&cycle(&[]));
    assert!(
        (0.5..=0.7).contains(&alpha),
        "alpha on unemployment {alpha:.3}"
    );
}

/// A hiring procedure lowers the elasticity (docs/MODEL.md 7.10): with half the open vacancies
/// reaching a decision each month (`employers.decision_rate = 0.5`, a two-month procedure) the
/// applications concentrate on fewer vacancies a month, `y` rises, and `alpha = y / (e^y - 1)`
/// falls: 0.60-0.61 at seeds 11-14, against 0.73 with every vacancy deciding. Checked: within
/// 0.5-0.7, and at least 0.08 below the same scenario without the procedure.
#[test]
fn a_hiring_procedure_lowers_the_matching_elasticity_into_the_published_range() {
    let with = matching_elasticity(&cycle(&[(
        "employers.decision_rate",
        toml::Value::from(0.5),
    )]));
    let without = matching_elasticity(&cycle(&[]));
    assert!(
        (0.5..=0.7).contains(&with) && with < without - 0.08,
        "alpha {with:.3} with the procedure, {without:.3} without"
    );
}

/// Employers who consider only the first few applicants a month (docs/MODEL.md 7.8,
/// `mechanics.interviews`) lower the elasticity for the same reason: with four applications
/// per searcher of which a fifth pass the screening, the applications that fail still take
/// their turn, so a vacancy's chance to fill saturates where many apply and more unemployed
/// add fewer hires. With two considered a month: 0.695, against 0.861 with every applicant
/// considered under the same screening; checked at least 0.1 lower.
#[test]
fn considering_a_few_applicants_a_month_lowers_the_matching_elasticity() {
    let screened = [
        ("mechanics.applications", toml::Value::from(4)),
        ("mechanics.screening_pass", toml::Value::from(0.2)),
    ];
    let mut few = screened.to_vec();
    few.push(("mechanics.interviews", toml::Value::from(INTERVIEWS)));
    let with = matching_elasticity(&cycle(&few));
    let without = matching_elasticity(&cycle(&screened));
    assert!(
        with < without - 0.1,
        "alpha {with:.3} with {INTERVIEWS} interviews, {without:.3} with every applicant"
    );
}

/// Applicants considered per vacancy and month in the elasticity test.
const INTERVIEWS: i64 = 2;

/// An employer who would consider more applicants than ever apply hires exactly as one who
/// considers them all: the interviews draw from their own stream and accept every slot, so the
/// series are identical; with fewer considered, fewer are hired from unemployment.
#[test]
fn interviews_bind_only_when_failed_applicants_rank_ahead() {
    let hires = |interviews: i64| -> (Vec<Metrics>, f64) {
        let sets = [
            ("mechanics.applications", toml::Value::from(4)),
            ("mechanics.screening_pass", toml::Value::from(0.2)),
            ("mechanics.interviews", toml::Value::from(interviews)),
            ("simulation.steps", toml::Value::from(24)),
        ];
        let rows: Vec<Metrics> = lines(scenario("", &sets))
            .into_iter()
            .map(|l| l.metrics)
            .collect();
        let total = rows.iter().map(|m| m.hires_from_unemployment).sum();
        (rows, total)
    };
    let (every, every_hires) = hires(0);
    let (many, _) = hires(1000);
    let (two, two_hires) = hires(2);
    let (_, one_hires) = hires(1);
    assert!(every == many, "1000 interviews changed the series");
    assert!(two != every, "two interviews changed nothing");
    assert!(
        one_hires < two_hires && two_hires < every_hires,
        "hires from unemployment: {one_hires} with one interview, {two_hires} with two, \
         {every_hires} with every applicant"
    );
}

/// The attached inactive (*available*) aged 50+ retire at the same rate as the rest of the
/// oldest group (docs/MODEL.md 7.11): over ten years after the burn-in, the retirements from
/// that status per available worker aged 50+ and step are `population.retirement_rate` / 12
/// within 20 % (about 300 retirements, a sampling error near 6 %). Without it the available
/// aged and never left, and the labour force's balance of entries and exits missed them.
#[test]
fn the_attached_inactive_retire_like_the_rest_of_the_oldest_group() {
    use labsim::agent::Status;
    use labsim::metrics::flow;
    use labsim::step::Stepper;
    use labsim::world::World;
    let model = Model::new(scenario("", &[("simulation.steps", 120.into())]));
    let p = model.scenario.population.clone().unwrap();
    let mut world = World::new(&model, 0);
    let mut stepper = Stepper::new(&model);
    stepper.burn_in(&model, &mut world);
    let (mut exposed, mut retired) = (0u64, 0u64);
    for _ in 0..120 {
        let w = &world.workers;
        exposed += (0..w.status.len())
            .filter(|&i| w.status[i] == Status::Available as u8 && w.age[i] == 2)
            .count() as u64;
        let record = stepper.step(&model, &mut world);
        retired += record
            .flows
            .by_home
            .iter()
            .map(|f| f[flow::RETIREMENTS_AVAILABLE])
            .sum::<u64>();
    }
    let rate = retired as f64 / exposed as f64;
    assert!(
        retired > 100 && (rate / p.retirement - 1.0).abs() < 0.2,
        "{retired} retirements over {exposed} available-steps: {rate:.5} a step against {:.5}",
        p.retirement
    );
}

/// Job finding by time without work (docs/MODEL.md 7.7, "The declining hazard"), pooled over the
/// three years of the fixture: over everyone without work since the last job it falls from
/// months 1-6 to months 7-12 (0.49 here) by more than among the searchers alone (0.99: this
/// fixture's employers do not screen by time without work), because a larger share of those
/// in months 7-12 have stopped searching for a while (0.61 against 0.20), which is what the
/// calibration metric `job_finding_decline` reads. Checked on every step: the unemployed and
/// the attached inactive counted by months at its start are no more than were unemployed, and
/// out of the labour force, at the end of the step before.
#[test]
fn job_finding_falls_with_time_without_work_as_searchers_stop_for_a_while() {
    let s = scenario("", &[]);
    let model = Model::new(s.clone());
    let result = labsim::run::run(&model, 0, &|| {}).unwrap();
    let mut sums = [0.0f64; 6];
    let mut before: Option<(f64, f64)> = None;
    for rec in &result.records[0] {
        for row in labsim::output::rows(&model, rec) {
            if row.level != "total" {
                continue;
            }
            let m = &row.metrics;
            if let Some((unemployed, inactive)) = before {
                assert!(
                    m.unemployed_in_months_1_6 + m.unemployed_in_months_7_12 <= unemployed
                        && m.attached_inactive_in_months_1_6 + m.attached_inactive_in_months_7_12
                            <= inactive,
                    "step {}: counted by months more than there were",
                    rec.step
                );
                let x = [
                    m.hires_in_months_1_6,
                    m.unemployed_in_months_1_6,
                    m.attached_inactive_in_months_1_6,
                    m.hires_in_months_7_12,
                    m.unemployed_in_months_7_12,
                    m.attached_inactive_in_months_7_12,
                ];
                sums.iter_mut().zip(x).for_each(|(a, b)| *a += b);
            }
            before = Some((m.unemployed, m.inactive));
        }
    }
    let [h1, u1, a1, h2, u2, a2] = sums;
    let searching = (h2 / u2) / (h1 / u1);
    let everyone = (h2 / (u2 + a2)) / (h1 / (u1 + a1));
    let (out1, out2) = (a1 / (u1 + a1), a2 / (u2 + a2));
    let moment = common::moment(&model, &result.records[0], "job_finding_decline");
    assert!(
        (moment - everyone).abs() < 1e-12,
        "moment {moment}, ratio {everyone}"
    );
    assert!(
        out2 > out1 + 0.2,
        "out of the labour force: {out1:.3} in months 1-6, {out2:.3} in 7-12"
    );
    assert!(
        everyone < searching - 0.2,
        "job-finding decline {everyone:.3} over everyone without work, {searching:.3} over the searching"
    );
}
