//! The published one-node model (del Rio-Chanona et al. 2021): the agent model settles at the
//! fixed point of its mean-field equations, urn-ball matching fills the expected number of
//! vacancies, and a demand cycle traces a counter-clockwise Beveridge curve.

use labsim::metrics::{flow, node, StepRecord};
use labsim::model::Model;
use labsim::scenario::{self, Override, Scenario};

const DELTA_U: f64 = 0.016;
const DELTA_V: f64 = 0.012;
const GAMMA_V: f64 = 0.16;

fn published() -> Scenario {
    scenario::load(std::path::Path::new("scenarios/published_model.toml"))
        .expect("shipped scenario")
}

fn run(s: Scenario) -> Vec<StepRecord> {
    let model = Model::new(s);
    let mut result = labsim::run::run(&model, 2, &|| {}).expect("run");
    result.records.remove(0)
}

/// Urn-ball hires of the mean-field model.
fn hires(u: f64, v: f64) -> f64 {
    v * (1.0 - (-u / v).exp())
}

/// The fixed point (u*, v*) of the published mean-field equations with demand equal to the
/// labour force (normalised to 1), found by bisection.
///
/// At a fixed point separations = openings = hires. If v > u then e + v > d, so separations
/// exceed `delta_u e` while openings are `delta_v e < delta_u e`: impossible. So u >= v, the
/// separation adjustment is inactive (separations = `delta_u e`), and openings
/// `delta_v e + (1 - delta_v) gamma_v (u - v)` equal separations, which gives
/// `v = u - (delta_u - delta_v) e / ((1 - delta_v) gamma_v)`. Hires `v (1 - exp(-u/v))` must
/// then equal `delta_u e`, one equation in u.
fn fixed_point() -> (f64, f64) {
    let v_of = |u: f64| u - (DELTA_U - DELTA_V) * (1.0 - u) / ((1.0 - DELTA_V) * GAMMA_V);
    let excess = |u: f64| hires(u, v_of(u)) - DELTA_U * (1.0 - u);
    let (mut lo, mut hi) = (0.03, 0.2);
    assert!(excess(lo) < 0.0 && excess(hi) > 0.0, "bracket");
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if excess(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo, v_of(lo))
}

#[test]
fn fixed_point_satisfies_the_published_equations() {
    let (u, v) = fixed_point();
    let e = 1.0 - u;
    let separations = DELTA_U * e;
    let openings = DELTA_V * e + (1.0 - DELTA_V) * GAMMA_V * (1.0 - e - v).max(0.0);
    assert!((separations - openings).abs() < 1e-12);
    assert!((separations - hires(u, v)).abs() < 1e-12);
    // The values for these parameters, for the record.
    assert!((u - 0.04107).abs() < 1e-4, "u* = {u}");
    assert!((v - 0.01680).abs() < 1e-4, "v* = {v}");
}

#[test]
fn agent_model_converges_to_the_mean_field_fixed_point() {
    let (u_star, v_star) = fixed_point();
    let s = published();
    let labour_force = s.n_workers() as f64;
    let records = run(s);
    let burn_in = 150;
    let tail = &records[burn_in..];
    let n = tail.len() as f64;
    let mean = |f: &dyn Fn(&StepRecord) -> f64| tail.iter().map(f).sum::<f64>() / n;
    let u = mean(&|r| r.census.by_node[0][node::UNEMPLOYED] as f64) / labour_force;
    let v = mean(&|r| r.vacancies[0] as f64) / labour_force;
    let seps = mean(&|r| r.flows.by_node[0][flow::SEPARATIONS] as f64) / labour_force;
    let opened = mean(&|r| r.flows.by_node[0][flow::VACANCIES_OPENED] as f64) / labour_force;
    let hired = mean(&|r| r.flows.by_node[0][flow::HIRES_FROM_UNEMPLOYMENT] as f64) / labour_force;
    // 150 000 workers: the long-run averages sit within 3 % of the fixed point.
    assert!((u - u_star).abs() / u_star < 0.03, "u = {u}, u* = {u_star}");
    assert!((v - v_star).abs() / v_star < 0.03, "v = {v}, v* = {v_star}");
    // Separations = openings = hires = delta_u e*, in the long run.
    let flow_star = DELTA_U * (1.0 - u_star);
    for (name, x) in [
        ("separations", seps),
        ("openings", opened),
        ("hires", hired),
    ] {
        assert!(
            (x - flow_star).abs() / flow_star < 0.03,
            "{name} = {x}, expected {flow_star}"
        );
    }
}

/// A scenario of one node with `searchers` unemployed workers, `vacancies` vacancies, one
/// application each and no separations or openings: one step is one urn-ball round.
fn one_round(workers: u32, unemployed_share: f64, vacancy_rate: f64, seed: u64) -> Scenario {
    let text = format!(
        r#"
[simulation]
steps = 1
seed = {seed}
[mechanics]
separation_rate = 0.0
vacancy_rate = 0.0
separation_adjustment = 0.0
vacancy_adjustment = 0.0
[[region]]
name = "r"
country = "XX"
labour_force = {workers}
unemployment_rate = {unemployed_share}
[[sector]]
name = "s"
vacancy_rate = {vacancy_rate}
"#
    );
    scenario::from_toml_str(&text, "urn_ball").expect("valid")
}

#[test]
fn urn_ball_matching_fills_the_expected_number_of_vacancies() {
    // s = 2000 applications on v ~ 1000 vacancies (s / v ~ 2), many independent rounds.
    let mut filled = 0.0;
    let mut expected_exact = 0.0;
    let mut expected_limit = 0.0;
    for seed in 0..60 {
        let s = one_round(42_000, 2000.0 / 42_000.0, 0.025, seed);
        let records = run(s);
        let (before, after) = (&records[0], &records[1]);
        let v = before.vacancies[0] as f64;
        let apps = before.census.by_node[0][node::UNEMPLOYED] as f64;
        filled += after.flows.by_node[0][flow::VACANCIES_FILLED] as f64;
        // Exact finite-size expectation, and the mean-field limit v (1 - exp(-s/v)).
        expected_exact += v * (1.0 - (1.0 - 1.0 / v).powf(apps));
        expected_limit += hires(apps, v);
    }
    assert!(
        (filled - expected_exact).abs() / expected_exact < 0.005,
        "filled {filled}, expected {expected_exact}"
    );
    assert!((filled - expected_limit).abs() / expected_limit < 0.01);
}

#[test]
fn a_demand_cycle_traces_a_counter_clockwise_beveridge_curve() {
    let set = |key: &str, value: toml::Value| Override::at(key, value, "test").unwrap();
    let s = scenario::load_with(
        std::path::Path::new("scenarios/published_model.toml"),
        &[
            set("demand.cycle.amplitude", 0.05.into()),
            set("demand.cycle.period", 103.into()),
            set("simulation.steps", (2 * 103 + 3 * 103).into()),
        ],
    )
    .expect("shipped scenario");
    let lf = s.n_workers() as f64;
    let records = run(s);
    // Drop two periods of burn-in, keep three full periods.
    let path: Vec<(f64, f64)> = records[2 * 103..]
        .iter()
        .map(|r| {
            let e = r.census.by_node[0][node::EMPLOYED] as f64;
            let v = r.vacancies[0] as f64;
            (
                r.census.by_node[0][node::UNEMPLOYED] as f64 / lf,
                v / (v + e),
            )
        })
        .collect();
    let n = path.len() as f64;
    let (mu, mv) = (
        path.iter().map(|p| p.0).sum::<f64>() / n,
        path.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let cov = path.iter().map(|p| (p.0 - mu) * (p.1 - mv)).sum::<f64>();
    let su = path.iter().map(|p| (p.0 - mu).powi(2)).sum::<f64>().sqrt();
    let sv = path.iter().map(|p| (p.1 - mv).powi(2)).sum::<f64>().sqrt();
    let corr = cov / (su * sv);
    assert!(corr < -0.5, "corr(u, v) = {corr}");
    // Shoelace: a positive signed area is a counter-clockwise loop with u on the x-axis.
    let area: f64 = path
        .windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum::<f64>()
        / 2.0;
    assert!(area > 0.0, "signed area {area}: the loop runs clockwise");
}
