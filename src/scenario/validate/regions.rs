//! `[[region]]`: names, the country each lies in, labour force, unemployment and sector mix.

use std::collections::HashMap;

use super::countries::Countries;
use super::{name_index, R, V};
use crate::scenario::raw::RawRegion;
use crate::scenario::Region;

/// Most regions a scenario may have.
const MAX_REGIONS: usize = 512;

/// Region name to index, and the regions. A region's sector shares start from
/// `employment_shares` (one per sector), are overridden by its own `sector_shares` and are
/// normalised to sum to 1.
pub(super) fn regions(
    v: &V,
    raw: &[RawRegion],
    countries: &Countries,
    sector_ids: &HashMap<String, usize>,
    employment_shares: &[f64],
) -> R<(HashMap<String, usize>, Vec<Region>)> {
    if raw.len() > MAX_REGIONS {
        return Err(v.err(
            "region",
            raw.len(),
            format!("at most {MAX_REGIONS} regions are supported"),
        ));
    }
    let region_ids = name_index(
        v,
        "region",
        raw.iter()
            .enumerate()
            .map(|(i, r)| (format!("region[{i}].name"), &r.name)),
    )?;
    let mut regions = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let k = |f: &str| format!("region[{i}].{f}");
        let country = match &r.country {
            Some(c) => v.lookup(&k("country"), c, &countries.ids, "country")?,
            None if countries.list.len() == 1 => 0,
            None => return Err(v.missing(&k("country"))),
        };
        let labour_force = v
            .positive(&k("labour_force"), r.labour_force, f64::NAN)
            .map_err(|e| {
                if r.labour_force.is_none() {
                    v.missing(&k("labour_force"))
                } else {
                    e
                }
            })?;
        let unemployment_rate = v.range(
            &k("unemployment_rate"),
            r.unemployment_rate,
            0.05,
            0.0,
            0.95,
        )?;
        let mut shares = employment_shares.to_vec();
        for (name, share) in &r.sector_shares {
            let key = format!("{}.{name}", k("sector_shares"));
            let s = v.lookup(&key, name, sector_ids, "sector")?;
            shares[s] = v.nonneg(&key, Some(*share), 0.0)?;
        }
        let total: f64 = shares.iter().sum();
        if total <= 0.0 {
            return Err(v.err(
                &k("sector_shares"),
                "all zero",
                "sector shares must not all be zero",
            ));
        }
        regions.push(Region {
            name: r.name.clone().unwrap_or_default(),
            country,
            labour_force,
            unemployment_rate,
            sector_shares: shares.iter().map(|s| s / total).collect(),
        });
    }
    Ok((region_ids, regions))
}
