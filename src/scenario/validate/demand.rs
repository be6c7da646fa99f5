//! `[demand]`: what target demand is measured against (`base`), its level and business cycle,
//! and its trends and shocks by sector and region.

use std::collections::HashMap;

use super::{R, V};
use crate::scenario::raw::RawDemand;
use crate::scenario::{Demand, DemandBase, Shock, Trend};

pub(super) fn demand(
    v: &V,
    d: RawDemand,
    sector_ids: &HashMap<String, usize>,
    region_ids: &HashMap<String, usize>,
) -> R<Demand> {
    let base = match d.base.as_deref() {
        None | Some("labour_force") => DemandBase::LabourForce,
        Some("jobs") => DemandBase::Jobs,
        Some(other) => {
            return Err(v.err(
                "demand.base",
                format!("\"{other}\""),
                "must be \"labour_force\" or \"jobs\"",
            ))
        }
    };
    let cycle = d.cycle.unwrap_or_default();
    let mut trends = Vec::new();
    for (i, t) in d.trend.iter().enumerate() {
        let k = |f: &str| format!("demand.trend[{i}].{f}");
        trends.push(Trend {
            sector: t
                .sector
                .as_deref()
                .map(|s| v.lookup(&k("sector"), s, sector_ids, "sector"))
                .transpose()?,
            region: t
                .region
                .as_deref()
                .map(|r| v.lookup(&k("region"), r, region_ids, "region"))
                .transpose()?,
            rate_per_year: v.range(&k("rate_per_year"), t.rate_per_year, 0.0, -0.5, 1.0)?,
        });
    }
    let mut shocks = Vec::new();
    for (i, s) in d.shock.iter().enumerate() {
        let k = |f: &str| format!("demand.shock[{i}].{f}");
        let max = i64::from(crate::agent::MAX_STEPS);
        let start = v.int(&k("start"), s.start, 1, 0, max)?;
        let end = v.int(&k("end"), s.end.or(s.start), 1, 0, max)?;
        if end < start {
            return Err(v.err(
                &k("end"),
                end,
                format!("must not be before start ({start})"),
            ));
        }
        shocks.push(Shock {
            sectors: s
                .sectors
                .iter()
                .map(|x| v.lookup(&k("sectors"), x, sector_ids, "sector"))
                .collect::<R<_>>()?,
            regions: s
                .regions
                .iter()
                .map(|x| v.lookup(&k("regions"), x, region_ids, "region"))
                .collect::<R<_>>()?,
            depth: v.range(&k("depth"), s.depth, 0.0, -1.0, 1.0)?,
            start,
            end,
            recovery: v.int(&k("recovery"), s.recovery, 1, 1, max)?,
        });
    }
    Ok(Demand {
        base,
        level: v.positive("demand.level", d.level, 1.0)?,
        cycle_amplitude: v.range("demand.cycle.amplitude", cycle.amplitude, 0.0, 0.0, 0.9)?,
        cycle_period: v.positive("demand.cycle.period", cycle.period, 103.0)?,
        trends,
        shocks,
    })
}
