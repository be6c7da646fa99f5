//! Entries and exits of the labour force (with `[population]`; docs/MODEL.md 7.11, "Entries and exits"): the rate at
//! which those outside it enter as school leavers, by home region and calendar month. The
//! scan draws who retires, ages, enters, leaves unemployment for inactivity and comes back;
//! `apply.rs` carries it out.

use crate::metrics::{home, Census};
use crate::model::Model;
use crate::scenario::Population;

/// Share of a year's school leavers who enter in calendar month `month` (1-12): the summer
/// share spread over June, July and August, the rest over the other nine months.
pub fn month_weight(p: &Population, month: u32) -> f64 {
    if (6..=8).contains(&month) {
        p.summer_share / 3.0
    } else {
        (1.0 - p.summer_share) / 9.0
    }
}

/// Share of a year's school leavers who enter during step `step` (which may be before step 1,
/// in the burn-in): the weights of the months it covers, or `step_months / 12` when the
/// scenario has no start date.
pub fn step_share(model: &Model, p: &Population, step: i64) -> f64 {
    let sim = &model.scenario.simulation;
    let months = i64::from(sim.step_months);
    match &sim.start {
        None => months as f64 / 12.0,
        Some(start) => (0..months)
            .map(|k| {
                let m = (i64::from(start.month) - 1 + (step - 1) * months + k).rem_euclid(12);
                month_weight(p, m as u32 + 1)
            })
            .sum(),
    }
}

/// Where a region's labour force stands on its path, for sizing the step's school leavers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Path {
    /// In the burn-in before its growth lead (or in a burn-in without one): at rest, at the
    /// size the world was built with.
    Rest,
    /// In the burn-in's growth lead, this share of it passed (0 at its start, 1 at its end):
    /// the world was built smaller by the lead's growth
    /// ([`crate::scenario::Scenario::growth_lead_kept`]) and grows back to the scenario's size.
    Lead(f64),
    /// In the run, this many months after step 0: the labour force grows from the scenario's
    /// size at [`Population::growth`] a year, compounded as demand's trends are.
    Run(f64),
}

/// Per home region, the threshold ([`crate::rng::threshold`]) of the probability that a worker
/// outside the labour force enters it in step `step`: the region's expected school leavers
/// over the workers outside it now. Entries are `L (leavers + g)`, with `L` the labour force
/// on its path (in agents) and `g` its yearly growth there (0 at rest, the lead's own rate in
/// the lead, [`Population::growth`] in the run): with the age groups moving up at the rates of
/// balanced growth ([`Population::ageing`]) and retirement at `leavers / share_50+`, every age
/// group, and so the labour force, grows at `g` (docs/MODEL.md 7.11). Before, with leavers
/// sized on the labour force at the start and every group passing on `leavers + g`, all the
/// growth piled into the oldest group, whose retirements then grew 1.2 % a year and held the
/// labour force's growth a third below demand's over ten years (measured on the default).
pub fn entry_thresholds(
    model: &Model,
    p: &Population,
    census: &Census,
    step: i64,
    path: Path,
    out: &mut [u64],
) {
    let s = &model.scenario;
    let month = step_share(model, p, step);
    let lead_years = f64::from(s.growth_lead_steps() * s.simulation.step_months).max(1.0) / 12.0;
    for (h, t) in out.iter_mut().enumerate() {
        let kept = s.growth_lead_kept(h);
        let (size, growth) = match path {
            Path::Rest => (kept, 0.0),
            Path::Lead(x) => (
                libm::pow(kept, 1.0 - x),
                libm::pow(kept, -1.0 / lead_years) - 1.0,
            ),
            Path::Run(months) => (libm::pow(1.0 + p.growth[h], months / 12.0), p.growth[h]),
        };
        // The attached labour force the world is built with: those available count too, as
        // they age and retire with the rest.
        let given = (s.agents(s.regions[h].labour_force) + s.available_agents(h)) as f64;
        let entering = (given * size * (p.school_leavers_per_year + growth)).max(0.0);
        let outside =
            (census.by_home[h][home::INACTIVE] - census.by_home[h][home::AVAILABLE]) as f64;
        let chance = if outside > 0.0 {
            (entering * month / outside).min(1.0)
        } else {
            0.0
        };
        *t = crate::rng::threshold(chance);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_of_months_sums_to_one_with_the_summer_share_in_summer() {
        let p = Population {
            retirement: 0.0,
            school_leavers_per_year: 0.02,
            growth: vec![0.0],
            summer_share: 0.6,
            unemployed_to_inactive: 0.0,
            inactive_to_unemployed: 0.0,
            ageing: [[0.0, 0.0]; 2],
            pool_share: vec![0.02],
        };
        let year: f64 = (1..=12).map(|m| month_weight(&p, m)).sum();
        assert!((year - 1.0).abs() < 1e-12);
        let summer: f64 = (6..=8).map(|m| month_weight(&p, m)).sum();
        assert!((summer - 0.6).abs() < 1e-12);
    }
}
