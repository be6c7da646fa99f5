//! `[[country]]`: country codes, the languages they speak, and the countries a scenario that
//! lists none gets from its regions' country codes.

use std::collections::HashMap;

use super::{name_index, R, V};
use crate::scenario::raw::{RawCountry, RawRegion};
use crate::scenario::Country;

/// Most countries and languages a scenario may have: they are bit sets in each worker.
const MAX_COUNTRIES: usize = 8;
const MAX_LANGUAGES: usize = 8;

/// The checked countries, with what later sections look up in them.
pub(super) struct Countries {
    /// Country code to index in `list`.
    pub(super) ids: HashMap<String, usize>,
    /// Every language any country speaks or lists a skill share for, in order of first mention.
    pub(super) languages: Vec<String>,
    pub(super) list: Vec<Country>,
    /// Each country's own `benefit_per_month`, if it gives one (the default is filled in with
    /// `[benefits]`).
    pub(super) benefits: Vec<Option<f64>>,
}

/// A scenario that lists no countries gets one per country code its regions use (`"XX"` for a
/// region that names none), each with its own language.
pub(super) fn countries(
    v: &V,
    mut raw_countries: Vec<RawCountry>,
    raw_regions: &[RawRegion],
) -> R<Countries> {
    if raw_countries.is_empty() {
        let mut codes: Vec<String> = Vec::new();
        for (i, r) in raw_regions.iter().enumerate() {
            let code = r.country.clone().unwrap_or_else(|| "XX".into());
            if code.trim().is_empty() {
                return Err(v.err(&format!("region[{i}].country"), "\"\"", "must not be empty"));
            }
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        raw_countries = codes
            .into_iter()
            .map(|c| RawCountry {
                code: Some(c.clone()),
                languages: vec![c.to_lowercase()],
                ..RawCountry::default()
            })
            .collect();
    }
    if raw_countries.len() > MAX_COUNTRIES {
        return Err(v.err(
            "country",
            raw_countries.len(),
            format!("at most {MAX_COUNTRIES} countries are supported"),
        ));
    }
    let ids = name_index(
        v,
        "country",
        raw_countries
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("country[{i}].code"), &c.code)),
    )?;
    let mut languages: Vec<String> = Vec::new();
    for c in &raw_countries {
        for l in c.languages.iter().chain(c.language_skills.keys()) {
            if !languages.contains(l) {
                languages.push(l.clone());
            }
        }
    }
    // Then those only a region speaks (after the countries', so that a scenario without
    // regional languages numbers its languages as before).
    for r in raw_regions {
        let own = r.languages.iter().flatten();
        for l in own.chain(r.language_skills.iter().flat_map(|m| m.keys())) {
            if !languages.contains(l) {
                languages.push(l.clone());
            }
        }
    }
    if languages.len() > MAX_LANGUAGES {
        return Err(v.err(
            "country",
            languages.join(", "),
            format!("at most {MAX_LANGUAGES} distinct languages are supported"),
        ));
    }
    let mut list = Vec::new();
    let mut benefits = Vec::new();
    for (i, c) in raw_countries.iter().enumerate() {
        let code = c.code.clone().unwrap_or_default();
        if c.languages.is_empty() {
            return Err(v.err(
                &format!("country[{i}].languages"),
                "[]",
                "a country needs at least one language",
            ));
        }
        let (mask, skills) = spoken(
            v,
            &format!("country[{i}]"),
            &languages,
            &c.languages,
            &c.language_skills,
        )?;
        let separation_multiplier = v.range(
            &format!("country[{i}].separation_multiplier"),
            c.separation_multiplier,
            1.0,
            0.0,
            10.0,
        )?;
        if let Some(b) = c.benefit_per_month {
            v.nonneg(&format!("country[{i}].benefit_per_month"), Some(b), 0.0)?;
        }
        benefits.push(c.benefit_per_month);
        list.push(Country {
            name: c.name.clone().unwrap_or_else(|| code.clone()),
            code,
            languages: mask,
            language_skills: skills,
            separation_multiplier,
            benefit_per_month: 0.0,
        });
    }
    Ok(Countries {
        ids,
        languages,
        list,
        benefits,
    })
}

/// The bit set of `native` languages over `languages`, and the share of residents speaking
/// each language: 1 for a native one, else its `skills` share (0 if none is given). `at` is
/// the table the keys are under (`country[0]`, `region[3]`).
pub(super) fn spoken(
    v: &V,
    at: &str,
    languages: &[String],
    native: &[String],
    skills: &std::collections::BTreeMap<String, f64>,
) -> R<(u8, Vec<f64>)> {
    let mut mask = 0u8;
    let mut shares = vec![0.0; languages.len()];
    for l in native {
        let li = languages.iter().position(|x| x == l).unwrap_or(0);
        mask |= 1 << li;
        shares[li] = 1.0;
    }
    for (l, share) in skills {
        let key = format!("{at}.language_skills.{l}");
        let li = languages.iter().position(|x| x == l).unwrap_or(0);
        let share = v.prob(&key, Some(*share), 0.0)?;
        if mask & (1 << li) == 0 {
            shares[li] = share;
        }
    }
    Ok((mask, shares))
}
