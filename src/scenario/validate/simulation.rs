//! `[simulation]`: how long, from when, in steps of how many months, with which seed, how many
//! replications and at what scale; and whether that scale gives a number of agents the engine
//! can hold.

use super::{R, V};
use crate::scenario::raw::RawSimulation;
use crate::scenario::{Scenario, Simulation, YearMonth, MAX_WORKERS};

pub(super) fn simulation(v: &V, s: RawSimulation) -> R<Simulation> {
    let start = match &s.start {
        None => None,
        Some(text) => Some(parse_year_month(text).ok_or_else(|| {
            v.err(
                "simulation.start",
                format!("\"{text}\""),
                "must be a year and month as \"YYYY-MM\"",
            )
        })?),
    };
    let seed = s.seed.unwrap_or(1);
    if seed < 0 {
        return Err(v.err(
            "simulation.seed",
            seed,
            "must be a whole number of at least 0",
        ));
    }
    let step_months = v.int("simulation.step_months", s.step_months, 1, 1, 12)?;
    Ok(Simulation {
        steps: v.int(
            "simulation.steps",
            s.steps,
            120,
            1,
            i64::from(crate::agent::MAX_STEPS),
        )?,
        start,
        step_months,
        seed: seed as u64,
        replications: v.int("simulation.replications", s.replications, 1, 1, 10_000)?,
        scale: v.range("simulation.scale", s.scale, 1.0, 1e-6, 1000.0)?,
        burn_in_steps: super::months_to_steps_or_none(
            v.int("simulation.burn_in_months", s.burn_in_months, 0, 0, 1200)?,
            step_months,
        ),
    })
}

fn parse_year_month(text: &str) -> Option<YearMonth> {
    let (y, m) = text.split_once('-')?;
    let year: i32 = y.parse().ok()?;
    let month: u32 = m.parse().ok()?;
    ((1..=12).contains(&month) && (1000..=9999).contains(&year))
        .then_some(YearMonth { year, month })
}

/// The number of agents `simulation.scale` gives the whole scenario (its regions' labour force
/// times the scale): at most [`MAX_WORKERS`]. Checked after every section.
pub(super) fn agents(v: &V, scenario: &Scenario) -> R<()> {
    let agents = scenario.n_workers();
    if agents > MAX_WORKERS {
        return Err(v.err(
            "simulation.scale",
            scenario.simulation.scale,
            format!(
                "gives {agents} agents (labour force times scale); at most {MAX_WORKERS} are \
                 supported, lower the scale"
            ),
        ));
    }
    Ok(())
}
