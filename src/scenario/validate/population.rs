//! `[population]`: retirement from the oldest age group, school leavers entering the labour
//! force, and the ageing rates that keep the age shares stationary.

use super::{R, V};
use crate::scenario::raw::RawPopulation;
use crate::scenario::{AgeParams, Demand, Population, Region, Simulation};

/// The `[population]` table, or `None` (a closed population) when the scenario has none.
pub(super) fn population(
    v: &V,
    p: Option<RawPopulation>,
    ages: &[AgeParams; 3],
    simulation: &Simulation,
    regions: &[Region],
    demand: &Demand,
) -> R<Option<Population>> {
    let step_months = simulation.step_months;
    let Some(p) = p else {
        return Ok(None);
    };
    // CBS: 5.5 % of employees aged 55 and over retired in 2019 (6.8 % in 2020).
    let retirement = v.prob("population.retirement_rate", p.retirement_rate, 0.055)?;
    // By default as many enter as retire, so that the labour force keeps its size.
    let balance = retirement * ages[2].share;
    let school_leavers = v.prob(
        "population.school_leavers_rate",
        p.school_leavers_rate,
        balance,
    )?;
    // By default each region's labour force grows as its demand does (its employment-weighted
    // demand trends), so that a baseline with growing sectors keeps its unemployment and
    // vacancy rates: the Dutch labour force and employment both grew about 1 % a year in
    // 2013-2023 (CBS), with unemployment back at its level.
    let growth: Vec<f64> = match p.labour_force_growth {
        Some(g) => {
            let g = v.range("population.labour_force_growth", Some(g), 0.0, -0.1, 0.1)?;
            vec![g; regions.len()]
        }
        None => regions
            .iter()
            .enumerate()
            .map(|(h, r)| {
                r.sector_shares
                    .iter()
                    .enumerate()
                    .map(|(k, share)| share * demand.trend_per_year(h, k))
                    .sum()
            })
            .collect(),
    };
    let summer_share = v.prob("population.summer_share", p.summer_share, 0.6)?;
    // Eurostat (lfsi_long_q), EU 2022Q3-Q4: 24.4 % of the unemployed are inactive a quarter
    // later, 1 - (1 - 0.244)^(1/3) = 8.9 % a month. Coming back: as many a month as leave
    // when the attached stock is as large as unemployment, which CBS's unused labour
    // potential suggests (about as many available non-searchers as unemployed; A).
    let monthly_per_step = |monthly: f64| 1.0 - (1.0 - monthly).powf(f64::from(step_months));
    let unemployed_to_inactive = monthly_per_step(v.prob(
        "population.unemployed_to_inactive",
        p.unemployed_to_inactive,
        0.089,
    )?);
    let inactive_to_unemployed = monthly_per_step(v.prob(
        "population.inactive_to_unemployed",
        p.inactive_to_unemployed,
        0.089,
    )?);
    // The pool must hold one year's leavers plus the net entries of the whole run and of the
    // burn-in's growth lead (`Scenario::growth_lead_steps`; nothing where nothing grows).
    let lead_months =
        crate::scenario::growth_lead_steps(step_months, simulation.burn_in_steps) * step_months;
    let years = f64::from(simulation.steps * step_months + lead_months) / 12.0;
    let pool_share = growth
        .iter()
        .map(|g| school_leavers + (libm::pow(1.0 + g.max(0.0), years) - 1.0))
        .collect();
    let labour_force: f64 = regions.iter().map(|r| r.labour_force).sum();
    let mean_growth = if labour_force > 0.0 {
        regions
            .iter()
            .zip(&growth)
            .map(|(r, g)| r.labour_force * g)
            .sum::<f64>()
            / labour_force
    } else {
        0.0
    };
    // A yearly rate is a flow over a year as a share of the stock, so a step's probability is
    // its share of the year: with the stock replenished, as the age groups are, the year's flow
    // is then the rate exactly (compounding, 1 - (1 - r)^(1/12) a month, would retire and age
    // 2-5 % more than enter each year, and the labour force would shrink).
    let per_step = |yearly: f64| (yearly * f64::from(step_months) / 12.0).clamp(0.0, 1.0);
    // Balanced growth at `g` a year (0 at rest): school leavers enter at `leavers + g` of the
    // labour force, and each group must pass on what enters it less its own growth, so that
    // every group grows at `g` and the age shares stay as they are. Out of the youngest:
    // `leavers + g (1 - s0)`; out of the middle group: `leavers + g s50+`; retirement from the
    // oldest, `leavers`, then needs no change. (Passing on `leavers + g` from every group, as
    // before, piled all the growth into the oldest group.)
    let shares = [ages[0].share, ages[1].share, ages[2].share];
    let ageing = |out: f64, share: f64| {
        if share > 0.0 {
            per_step((out / share).min(1.0))
        } else {
            0.0
        }
    };
    let groups = |g: f64| {
        [
            ageing(school_leavers + g * (shares[1] + shares[2]), shares[0]),
            ageing(school_leavers + g * shares[2], shares[1]),
        ]
    };
    Ok(Some(Population {
        retirement: per_step(retirement),
        school_leavers_per_year: school_leavers,
        growth,
        summer_share,
        unemployed_to_inactive,
        inactive_to_unemployed,
        ageing: [groups(0.0), groups(mean_growth)],
        pool_share,
    }))
}
