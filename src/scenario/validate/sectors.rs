//! `[[sector]]`: names, employment shares, contract mixes, wages, separation and vacancy rates,
//! the training each sector's qualification takes, how open it is to the unqualified, and its
//! weight among school leavers' qualifications.

use std::collections::HashMap;

use super::{months_to_steps, name_index, R, V};
use crate::scenario::raw::RawSector;
use crate::scenario::Sector;

/// Most sectors a scenario may have: they are bit sets in each worker (and in policy masks).
pub(super) const MAX_SECTORS: usize = 32;

/// The checked sectors.
pub(super) struct Sectors {
    pub(super) list: Vec<Sector>,
    /// Each sector's `employment_share` as written (default 1), before any region's
    /// `sector_shares` overrides it; not normalised.
    pub(super) employment_shares: Vec<f64>,
}

/// The sector count limit and the sector names: name to index.
pub(super) fn sector_ids(v: &V, raw: &[RawSector]) -> R<HashMap<String, usize>> {
    if raw.len() > MAX_SECTORS {
        return Err(v.err(
            "sector",
            raw.len(),
            format!("at most {MAX_SECTORS} sectors are supported"),
        ));
    }
    name_index(
        v,
        "sector",
        raw.iter()
            .enumerate()
            .map(|(i, s)| (format!("sector[{i}].name"), &s.name)),
    )
}

/// Each sector; `separation_rate` is the checked `mechanics.separation_rate`, the default of a
/// sector's own.
pub(super) fn sectors(
    v: &V,
    raw: &[RawSector],
    separation_rate: f64,
    step_months: u32,
) -> R<Sectors> {
    let mut list = Vec::new();
    let mut employment_shares = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        let k = |f: &str| format!("sector[{i}].{f}");
        let share = v.nonneg(&k("employment_share"), s.employment_share, 1.0)?;
        employment_shares.push(share);
        let flexible = v.prob(&k("flexible_share"), s.flexible_share, 0.0)?;
        let self_employed = v.prob(&k("self_employed_share"), s.self_employed_share, 0.0)?;
        if flexible + self_employed > 1.0 {
            return Err(v.err(
                &k("self_employed_share"),
                self_employed,
                format!("flexible_share ({flexible}) plus self_employed_share must not exceed 1"),
            ));
        }
        let vacancy_rate = v.range(&k("vacancy_rate"), s.vacancy_rate, 0.0, 0.0, 0.9)?;
        list.push(Sector {
            name: s.name.clone().unwrap_or_default(),
            vacancy_rate,
            wage: v.nonneg(&k("wage"), s.wage, 3000.0)?,
            regulated: s.regulated.unwrap_or(false),
            separation_rate: v.prob(&k("separation_rate"), s.separation_rate, separation_rate)?,
            contract_shares: [1.0 - flexible - self_employed, flexible, self_employed],
            training_steps: months_to_steps(
                v.int(&k("training_months"), s.training_months, 12, 1, 120)?,
                step_months,
            ),
            training_cost: v.nonneg(&k("training_cost"), s.training_cost, 5000.0)?,
            training_fund: s.training_fund.unwrap_or(false),
            fund_share: v.prob(&k("fund_share"), s.fund_share, 0.0)?,
            unqualified_weight: match s.unqualified_weight {
                None => None,
                Some(x) => Some(v.nonneg(&k("unqualified_weight"), Some(x), 0.0)?),
            },
            on_the_job_search: match s.on_the_job_search {
                None => None,
                Some(x) => Some(v.prob(&k("on_the_job_search"), Some(x), 0.0)?),
            },
            school_leavers_weight: v.nonneg(
                &k("school_leavers_weight"),
                s.school_leavers_weight,
                1.0,
            )?,
        });
    }
    if employment_shares.iter().sum::<f64>() <= 0.0 {
        return Err(v.err(
            "sector[0].employment_share",
            employment_shares[0],
            "employment shares must not all be zero",
        ));
    }
    Ok(Sectors {
        list,
        employment_shares,
    })
}
