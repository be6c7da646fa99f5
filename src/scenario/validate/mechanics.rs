//! `[mechanics]`: the matching process's baseline rates, adjustment speeds and search rules.

use super::{months_to_steps, R, V};
use crate::scenario::raw::RawMechanics;
use crate::scenario::Mechanics;

/// `mechanics.separation_rate` alone: the sectors need it as their default before the rest of
/// `[mechanics]` is checked.
pub(super) fn separation_rate(v: &V, m: &RawMechanics) -> R<f64> {
    v.prob("mechanics.separation_rate", m.separation_rate, 0.016)
}

/// The rest of `[mechanics]`; `separation_rate` is the value [`separation_rate`] checked.
pub(super) fn mechanics(
    v: &V,
    m: &RawMechanics,
    separation_rate: f64,
    step_months: u32,
) -> R<Mechanics> {
    Ok(Mechanics {
        separation_rate,
        vacancy_rate: v.prob("mechanics.vacancy_rate", m.vacancy_rate, 0.012)?,
        separation_adjustment: v.prob(
            "mechanics.separation_adjustment",
            m.separation_adjustment,
            0.16,
        )?,
        vacancy_adjustment: v.prob("mechanics.vacancy_adjustment", m.vacancy_adjustment, 0.16)?,
        applications: v.int("mechanics.applications", m.applications, 1, 1, 64)?,
        on_the_job_search: v.prob("mechanics.on_the_job_search", m.on_the_job_search, 0.0)?,
        non_wage_search: v.prob("mechanics.non_wage_search", m.non_wage_search, 0.0)?,
        search_probability: v.prob("mechanics.search_probability", m.search_probability, 1.0)?,
        vacancy_expiry: v.prob("mechanics.vacancy_expiry", m.vacancy_expiry, 0.0)?,
        unqualified_weight: v.nonneg("mechanics.unqualified_weight", m.unqualified_weight, 0.1)?,
        long_term_steps: months_to_steps(
            v.int(
                "mechanics.long_term_months",
                m.long_term_months,
                12,
                1,
                1200,
            )?,
            step_months,
        ),
        screening_pass: v.range("mechanics.screening_pass", m.screening_pass, 1.0, 1e-6, 1.0)?,
        screening_duration_fall: v.prob(
            "mechanics.screening_duration_fall",
            m.screening_duration_fall,
            0.0,
        )?,
        screening_duration_steps: months_to_steps(
            v.int(
                "mechanics.screening_duration_months",
                m.screening_duration_months,
                8,
                1,
                1200,
            )?,
            step_months,
        ),
        interviews: v.int("mechanics.interviews", m.interviews, 0, 0, 1000)?,
    })
}
