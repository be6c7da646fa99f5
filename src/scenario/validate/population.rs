//! `[population]`: retirement from the oldest age group, school leavers entering the labour
//! force, and the ageing rates that keep the age shares stationary.

use super::{R, V};
use crate::scenario::raw::RawPopulation;
use crate::scenario::{AgeParams, Population};

/// The `[population]` table, or `None` (a closed population) when the scenario has none.
pub(super) fn population(
    v: &V,
    p: Option<RawPopulation>,
    ages: &[AgeParams; 3],
    step_months: u32,
) -> R<Option<Population>> {
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
    let summer_share = v.prob("population.summer_share", p.summer_share, 0.6)?;
    let per_step = |yearly: f64| 1.0 - (1.0 - yearly).powf(f64::from(step_months) / 12.0);
    // Stationary age shares: each year as many move up from a group as enter it, i.e. the
    // school leavers' share of the labour force.
    let ageing = |share: f64| {
        if share > 0.0 {
            per_step((school_leavers / share).min(1.0))
        } else {
            0.0
        }
    };
    Ok(Some(Population {
        retirement: per_step(retirement),
        school_leavers_per_year: school_leavers,
        summer_share,
        ageing: [ageing(ages[0].share), ageing(ages[1].share)],
        pool_share: school_leavers,
    }))
}
