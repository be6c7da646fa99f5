//! `[employers]`: how many employers share a node's jobs, how fast jobs are reallocated between
//! them, how actively workers under notice search, and how often an open vacancy reaches its
//! hiring decision.

use super::{R, V};
use crate::scenario::raw::RawEmployers;
use crate::scenario::{EmployerParams, Mechanics};

/// The `[employers]` table, or `None` when the scenario has none (the published node-level
/// rules). A table with no keys switches employers on with every default.
pub(super) fn employers(
    v: &V,
    e: Option<RawEmployers>,
    mechanics: &Mechanics,
    step_months: u32,
) -> R<Option<EmployerParams>> {
    let Some(e) = e else {
        return Ok(None);
    };
    // Gross job creation and destruction in the Netherlands are each about 12 % of jobs a
    // year (CPB, van den Berge, Koot and Zweerink 2020), 1 - 0.88^(1/12) = 1.06 % a month.
    let monthly = v.range(
        "employers.reallocation_rate",
        e.reallocation_rate,
        0.0106,
        0.0,
        0.5,
    )?;
    // A vacancy's recruitment reaches a hiring decision at this monthly rate; with the default
    // 1 every open vacancy can be filled every month (docs/MODEL.md 7.10).
    let decision = v.range("employers.decision_rate", e.decision_rate, 1.0, 0.01, 1.0)?;
    Ok(Some(EmployerParams {
        mean_size: v.range("employers.mean_size", e.mean_size, 10.0, 1.0, 1e6)?,
        reallocation: 1.0 - (1.0 - monthly).powi(step_months as i32),
        notice_search: v.prob(
            "employers.notice_search",
            e.notice_search,
            mechanics.search_probability,
        )?,
        decision_rate: 1.0 - (1.0 - decision).powi(step_months as i32),
    }))
}
