//! `[training]`: who takes up training for a new sector, who pays, and when a sector counts as
//! short of workers.

use super::{R, V};
use crate::scenario::raw::RawTraining;
use crate::scenario::Training;

pub(super) fn training(v: &V, t: RawTraining, step_months: u32) -> R<Training> {
    Ok(Training {
        takeup: v.prob("training.takeup", t.takeup, 0.0)?,
        takeup_at_risk: v.prob("training.takeup_at_risk", t.takeup_at_risk, 0.0)?,
        cost_sensitivity: v.positive("training.cost_sensitivity", t.cost_sensitivity, 5000.0)?,
        public_share_unemployed: v.prob(
            "training.public_share_unemployed",
            t.public_share_unemployed,
            0.5,
        )?,
        shortage_vacancy_rate: v.prob(
            "training.shortage_vacancy_rate",
            t.shortage_vacancy_rate,
            0.04,
        )?,
        // Zero months is allowed here: no wait at all (so no `months_to_steps`, which rounds up
        // to one step).
        min_unemployment_steps: v
            .int(
                "training.min_unemployment_months",
                t.min_unemployment_months,
                3,
                0,
                1200,
            )?
            .div_ceil(step_months),
        takeup_employed: v.prob("training.takeup_employed", t.takeup_employed, 0.0)?,
        part_time_factor: v.range(
            "training.part_time_factor",
            t.part_time_factor,
            2.0,
            1.0,
            10.0,
        )?,
        screening_gain_per_year: v.range(
            "training.screening_gain_per_year",
            t.screening_gain_per_year,
            1.0,
            1.0,
            10.0,
        )?,
        course_sector_weight: v.range(
            "training.course_sector_weight",
            t.course_sector_weight,
            1.0,
            1.0,
            100.0,
        )?,
    })
}
