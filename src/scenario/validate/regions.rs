//! `[[region]]`: names, the country each lies in, labour force, unemployment and sector mix.

use std::collections::HashMap;

use super::countries::Countries;
use super::{name_index, R, V};
use crate::scenario::raw::RawRegion;
use crate::scenario::Region;

/// Most regions a scenario may have.
pub(super) const MAX_REGIONS: usize = 512;

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
        let centroid = match &r.centroid {
            None => None,
            Some(c) => Some(centroid(v, &k("centroid"), c)?),
        };
        // The region's own languages, or its country's; its own skill shares, or its country's
        // where it keeps the country's languages (a region that speaks another language must
        // say what else its residents speak).
        let home = &countries.list[country];
        let (languages, language_skills) = match (&r.languages, &r.language_skills) {
            (None, None) => (home.languages, home.language_skills.clone()),
            (own, skills) => {
                if own.as_ref().is_some_and(|l| l.is_empty()) {
                    return Err(v.err(
                        &k("languages"),
                        "[]",
                        "a region's own languages must name at least one (leave the key out for its country's)",
                    ));
                }
                let native: Vec<String> = match own {
                    Some(l) => l.clone(),
                    None => (0..countries.languages.len())
                        .filter(|&l| home.languages & (1 << l) != 0)
                        .map(|l| countries.languages[l].clone())
                        .collect(),
                };
                let skills = skills.clone().unwrap_or_default();
                super::countries::spoken(
                    v,
                    &format!("region[{i}]"),
                    &countries.languages,
                    &native,
                    &skills,
                )?
            }
        };
        let separation_multiplier = v.range(
            &k("separation_multiplier"),
            r.separation_multiplier,
            1.0,
            0.0,
            10.0,
        )?;
        regions.push(Region {
            name: r.name.clone().unwrap_or_default(),
            country,
            labour_force,
            unemployment_rate,
            sector_shares: shares.iter().map(|s| s / total).collect(),
            separation_multiplier,
            centroid,
            languages,
            language_skills,
        });
    }
    Ok((region_ids, regions))
}

/// A `[latitude, longitude]` pair in degrees.
fn centroid(v: &V, key: &str, c: &[f64]) -> R<(f64, f64)> {
    let shown = format!("{c:?}");
    match *c {
        [lat, lon]
            if lat.is_finite()
                && lon.is_finite()
                && (-90.0..=90.0).contains(&lat)
                && (-180.0..=180.0).contains(&lon) =>
        {
            Ok((lat, lon))
        }
        _ => Err(v.err(
            key,
            shown,
            "must be [latitude, longitude] in degrees (latitude within -90..90, longitude within -180..180)",
        )),
    }
}
