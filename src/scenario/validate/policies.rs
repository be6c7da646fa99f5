//! `[[policy]]`, checked by [`crate::scenario::policy`] against the ids and sector sets of this
//! scenario, and `[benefits]`, the benefit an unemployed person is paid per month.

use std::collections::HashMap;

use super::countries::Countries;
use super::{R, V};
use crate::scenario::policy::{self, Policy};
use crate::scenario::raw::{RawBenefits, RawPolicy};
use crate::scenario::Sector;

pub(super) fn policies(
    v: &V,
    raw: &[RawPolicy],
    countries: &Countries,
    region_ids: &HashMap<String, usize>,
    sector_ids: &HashMap<String, usize>,
    sectors: &[Sector],
    step_months: u32,
) -> R<Vec<Policy>> {
    let err = |key: &str, value: &str, rule: &str| v.err(key, value, rule);
    let mask = |f: &dyn Fn(&Sector) -> bool| {
        sectors
            .iter()
            .enumerate()
            .filter(|(_, x)| f(x))
            .fold(0u32, |m, (i, _)| m | 1 << i)
    };
    policy::parse(
        raw,
        &policy::Context {
            regions: region_ids,
            sectors: sector_ids,
            countries: &countries.ids,
            languages: &countries.languages,
            regulated_mask: mask(&|x| x.regulated),
            fund_mask: mask(&|x| x.training_fund),
            step_months,
            err: &err,
        },
    )
}

/// `benefits.cost_per_unemployed_month` (EUR, every country's default) and
/// `benefits.paid_in_training`.
pub(super) fn benefits(v: &V, b: Option<RawBenefits>) -> R<(f64, bool)> {
    let b = b.unwrap_or_default();
    let cost = v.nonneg(
        "benefits.cost_per_unemployed_month",
        b.cost_per_unemployed_month,
        0.0,
    )?;
    Ok((cost, b.paid_in_training.unwrap_or(true)))
}
