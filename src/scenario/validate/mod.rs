//! Validation: a resolved [`RawScenario`] becomes a typed [`Scenario`], or one error naming the
//! file, the key, the value and the rule.
//!
//! Every default of the scenario format is written here once; `scenarios/README.md` documents
//! the same defaults and ranges and must be kept in step with this directory. This file holds the
//! validator (typed getters that name the key on failure) and [`validate`], which checks the
//! sections in a fixed order, one file per section: the first error found is the one reported.

use std::collections::HashMap;
use std::fmt::Display;
use std::path::Path;

use super::raw::*;
use super::*;

mod border;
mod countries;
mod demand;
mod employers;
mod mechanics;
mod mobility;
mod people;
mod policies;
mod population;
mod regions;
mod sectors;
mod simulation;
mod training;
mod travel;

/// Most nodes (region x sector) a valid scenario can have; a worker stores its node in two bytes.
pub const MAX_NODES: usize = regions::MAX_REGIONS * sectors::MAX_SECTORS;

struct V<'a> {
    prov: &'a Provenance,
}

type R<T> = Result<T, ScenarioError>;

impl V<'_> {
    fn err(&self, key: &str, value: impl Display, rule: impl Into<String>) -> ScenarioError {
        ScenarioError::Invalid {
            file: self.prov.file_of(key).to_path_buf(),
            key: key.to_string(),
            value: value.to_string(),
            rule: rule.into(),
        }
    }

    fn missing(&self, key: &str) -> ScenarioError {
        self.err(key, "(missing)", "is required")
    }

    /// A finite number in `[lo, hi]`.
    fn range(&self, key: &str, x: Option<f64>, default: f64, lo: f64, hi: f64) -> R<f64> {
        let x = x.unwrap_or(default);
        if !x.is_finite() || x < lo || x > hi {
            let rule = if hi == f64::INFINITY {
                format!("must be a finite number of at least {lo}")
            } else {
                format!("must be a number from {lo} to {hi}")
            };
            return Err(self.err(key, x, rule));
        }
        Ok(x)
    }

    fn prob(&self, key: &str, x: Option<f64>, default: f64) -> R<f64> {
        self.range(key, x, default, 0.0, 1.0)
    }

    fn nonneg(&self, key: &str, x: Option<f64>, default: f64) -> R<f64> {
        self.range(key, x, default, 0.0, f64::INFINITY)
    }

    fn positive(&self, key: &str, x: Option<f64>, default: f64) -> R<f64> {
        let x = x.unwrap_or(default);
        if !x.is_finite() || x <= 0.0 {
            return Err(self.err(key, x, "must be a finite number above 0"));
        }
        Ok(x)
    }

    fn int(&self, key: &str, x: Option<i64>, default: i64, lo: i64, hi: i64) -> R<u32> {
        let x = x.unwrap_or(default);
        if x < lo || x > hi {
            return Err(self.err(key, x, format!("must be a whole number from {lo} to {hi}")));
        }
        Ok(x as u32)
    }

    fn lookup(
        &self,
        key: &str,
        name: &str,
        names: &HashMap<String, usize>,
        what: &str,
    ) -> R<usize> {
        names.get(name).copied().ok_or_else(|| {
            let mut known: Vec<&String> = names.keys().collect();
            known.sort();
            let known: Vec<&str> = known.iter().map(|s| s.as_str()).collect();
            self.err(
                key,
                format!("\"{name}\""),
                format!(
                    "names no {what} of this scenario (known: {})",
                    known.join(", ")
                ),
            )
        })
    }
}

fn name_index<'a>(
    v: &V,
    what: &str,
    names: impl Iterator<Item = (String, &'a Option<String>)>,
) -> R<HashMap<String, usize>> {
    let mut map = HashMap::new();
    for (i, (key, name)) in names.enumerate() {
        let name = name.as_ref().ok_or_else(|| v.missing(&key))?;
        if name.trim().is_empty() {
            return Err(v.err(&key, "\"\"", format!("a {what} needs a non-empty name")));
        }
        if map.insert(name.clone(), i).is_some() {
            return Err(v.err(
                &key,
                format!("\"{name}\""),
                format!("{what} names must be unique"),
            ));
        }
    }
    Ok(map)
}

/// A duration in months as whole steps of `step_months`, at least one.
fn months_to_steps(months: u32, step_months: u32) -> u32 {
    months.div_ceil(step_months).max(1)
}

/// A duration in months as whole steps of `step_months`, where 0 months is no step.
fn months_to_steps_or_none(months: u32, step_months: u32) -> u32 {
    months.div_ceil(step_months)
}

/// Check the sections in this order and return the first error found. What a section needs from
/// an earlier one (id maps, counts, the step length) it is given as a parameter.
pub(super) fn validate(file: &Path, table: toml::Table, prov: &Provenance) -> R<Scenario> {
    let v = V { prov };
    let resolved = toml::to_string(&table).unwrap_or_default();
    let raw: RawScenario = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| ScenarioError::Parse {
            file: file.to_path_buf(),
            message: crate::error::abbreviate_to(&e.message().trim_end().replace('\n', "; "), 240),
        })?;

    if raw.region.is_empty() {
        return Err(v.err("region", "[]", "a scenario needs at least one [[region]]"));
    }
    if raw.sector.is_empty() {
        return Err(v.err("sector", "[]", "a scenario needs at least one [[sector]]"));
    }

    let simulation = simulation::simulation(&v, raw.simulation.unwrap_or_default())?;
    let step_months = simulation.step_months;

    let countries = countries::countries(&v, raw.country, &raw.region)?;

    // The sectors' separation rates default to `mechanics.separation_rate`, so that one key is
    // checked between the sector names and the sectors themselves.
    let sector_ids = sectors::sector_ids(&v, &raw.sector)?;
    let raw_mechanics = raw.mechanics.unwrap_or_default();
    let separation_rate = mechanics::separation_rate(&v, &raw_mechanics)?;
    let sectors = sectors::sectors(&v, &raw.sector, separation_rate, step_months)?;

    let (region_ids, regions) = regions::regions(
        &v,
        &raw.region,
        &countries,
        &sector_ids,
        &sectors.employment_shares,
    )?;
    let mechanics = mechanics::mechanics(&v, &raw_mechanics, separation_rate, step_months)?;
    let demand = demand::demand(&v, raw.demand.unwrap_or_default(), &sector_ids, &region_ids)?;
    let contracts = people::contracts(&v, raw.contracts.unwrap_or_default(), step_months)?;
    let employers = employers::employers(&v, raw.employers, &mechanics, step_months)?;
    let ages = people::ages(&v, raw.ages.unwrap_or_default())?;
    let population =
        population::population(&v, raw.population, &ages, &simulation, &regions, &demand)?;
    let travel = travel::travel(
        &v,
        raw.commuting.unwrap_or_default(),
        &raw.travel,
        raw.travel_rule,
        &region_ids,
        &regions,
    )?;
    let (border, recognition) = border::border(
        &v,
        raw.border.unwrap_or_default(),
        &raw.recognition,
        &countries.ids,
        step_months,
    )?;
    let training = training::training(&v, raw.training.unwrap_or_default(), step_months)?;
    let mobility = mobility::mobility(&v, raw.mobility.unwrap_or_default(), &sector_ids)?;
    let policies = policies::policies(
        &v,
        &raw.policy,
        &countries,
        &region_ids,
        &sector_ids,
        &sectors.list,
        step_months,
    )?;
    // A job-retention scheme acts on employers: without them it would silently do nothing.
    if employers.is_none() {
        if let Some(i) = policies
            .iter()
            .position(|p| matches!(p.kind, crate::scenario::policy::Kind::JobRetention(_)))
        {
            return Err(v.err(
                &format!("policy[{i}].kind"),
                "job_retention",
                "a job-retention scheme needs `[employers]` (it keeps the staff of employers whose demand fell)",
            ));
        }
    }
    // `[benefits]` is checked after the policies, as it always was.
    let name = name(&v, raw.name, file)?;
    let (benefit_per_month, benefit_in_training) = policies::benefits(&v, raw.benefits)?;
    let mut country_list = countries.list;
    for (c, own) in country_list.iter_mut().zip(&countries.benefits) {
        c.benefit_per_month = own.unwrap_or(benefit_per_month);
    }

    let scenario = Scenario {
        name,
        description: raw.description.unwrap_or_default(),
        file: file.to_path_buf(),
        hash: fnv1a_hex(resolved.as_bytes()),
        resolved,
        simulation,
        mechanics,
        employers,
        population,
        demand,
        contracts,
        ages,
        commuting: travel.commuting,
        border,
        training,
        languages: countries.languages,
        countries: country_list,
        regions,
        sectors: sectors.list,
        mobility,
        travel_car: travel.car,
        travel_pt: travel.public_transport,
        travel_rule: travel.rule,
        recognition,
        policies,
        benefit_in_training,
    };
    // Last, the number of agents, which needs every region's labour force and the scale.
    simulation::agents(&v, &scenario)?;
    Ok(scenario)
}

/// The scenario's name. A name inherited through `extends` would send the output to the
/// parent's directory; a name the file itself or an override (`--set name=...`) gives is the
/// scenario's own, and any other scenario is named after its file.
fn name(v: &V, name: Option<String>, file: &Path) -> R<String> {
    if let Some(name) = &name {
        check_name(v, name)?;
    }
    let own_name =
        name.filter(|_| v.prov.file_of("name") == v.prov.root() || v.prov.is_overridden("name"));
    Ok(own_name.unwrap_or_else(|| {
        file.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into())
    }))
}

/// `name` names the output directory (`output/NAME`): the rule of [`crate::input::NAME_RULE`].
fn check_name(v: &V, name: &str) -> R<()> {
    if crate::input::is_output_name(name) {
        Ok(())
    } else {
        Err(v.err("name", format!("{name:?}"), crate::input::NAME_RULE))
    }
}
