//! The scenario file as written: serde mirrors of the TOML, every field optional, unknown keys refused.
//!
//! Nothing here is checked beyond TOML types; `validate/` turns a [`RawScenario`] into the
//! typed [`crate::scenario::Scenario`] the engine runs on. Defaults live in `validate/` (and
//! in `scenarios/README.md`), not here, so that a file that `extends` another can tell "not
//! given" from "given as the default".

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub extends: Option<String>,
    /// Key paths set over what the file inherits (`load.rs`); removed before validation.
    pub set: Option<toml::Table>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub simulation: Option<RawSimulation>,
    pub mechanics: Option<RawMechanics>,
    pub employers: Option<RawEmployers>,
    pub population: Option<RawPopulation>,
    pub demand: Option<RawDemand>,
    pub contracts: Option<RawContracts>,
    pub ages: Option<RawAges>,
    pub commuting: Option<RawCommuting>,
    pub border: Option<RawBorder>,
    pub training: Option<RawTraining>,
    pub mobility: Option<RawMobility>,
    pub benefits: Option<RawBenefits>,
    #[serde(default)]
    pub country: Vec<RawCountry>,
    #[serde(default)]
    pub region: Vec<RawRegion>,
    #[serde(default)]
    pub sector: Vec<RawSector>,
    #[serde(default)]
    pub travel: Vec<RawTravel>,
    pub travel_rule: Option<RawTravelRule>,
    #[serde(default)]
    pub recognition: Vec<RawRecognition>,
    #[serde(default)]
    pub policy: Vec<RawPolicy>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    pub steps: Option<i64>,
    pub start: Option<String>,
    pub step_months: Option<i64>,
    pub seed: Option<i64>,
    pub replications: Option<i64>,
    pub scale: Option<f64>,
    pub burn_in_months: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMechanics {
    pub separation_rate: Option<f64>,
    pub vacancy_rate: Option<f64>,
    pub separation_adjustment: Option<f64>,
    pub vacancy_adjustment: Option<f64>,
    pub applications: Option<i64>,
    pub on_the_job_search: Option<f64>,
    pub non_wage_search: Option<f64>,
    pub search_probability: Option<f64>,
    pub vacancy_expiry: Option<f64>,
    pub unqualified_weight: Option<f64>,
    pub long_term_months: Option<i64>,
    pub screening_pass: Option<f64>,
    pub screening_duration_fall: Option<f64>,
    pub screening_duration_months: Option<i64>,
    pub interviews: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDemand {
    pub base: Option<String>,
    pub level: Option<f64>,
    pub cycle: Option<RawCycle>,
    #[serde(default)]
    pub trend: Vec<RawTrend>,
    #[serde(default)]
    pub shock: Vec<RawShock>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCycle {
    pub amplitude: Option<f64>,
    pub period: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrend {
    pub sector: Option<String>,
    pub region: Option<String>,
    pub rate_per_year: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShock {
    #[serde(default)]
    pub sectors: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    pub depth: Option<f64>,
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub recovery: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContracts {
    pub permanent: Option<RawContract>,
    pub flexible: Option<RawContract>,
    pub self_employed: Option<RawContract>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContract {
    pub separation_multiplier: Option<f64>,
    pub downsizing_weight: Option<f64>,
    pub notice_months: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPopulation {
    pub retirement_rate: Option<f64>,
    pub school_leavers_rate: Option<f64>,
    pub labour_force_growth: Option<f64>,
    pub summer_share: Option<f64>,
    pub unemployed_to_inactive: Option<f64>,
    pub inactive_to_unemployed: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEmployers {
    pub mean_size: Option<f64>,
    pub reallocation_rate: Option<f64>,
    pub notice_search: Option<f64>,
    pub decision_rate: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAges {
    pub under_27: Option<RawAge>,
    pub age_27_49: Option<RawAge>,
    pub age_50_plus: Option<RawAge>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAge {
    pub share: Option<f64>,
    pub employer_weight: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCommuting {
    pub decay_minutes: Option<f64>,
    pub max_minutes: Option<f64>,
    pub car_share: Option<f64>,
    pub within_region_minutes: Option<f64>,
    pub cost_per_minute: Option<f64>,
    #[serde(default)]
    pub initial: Vec<RawInitialCommuting>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInitialCommuting {
    pub from: Option<String>,
    pub to: Option<String>,
    pub share: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBorder {
    pub language_weight: Option<f64>,
    pub unrecognised_weight: Option<f64>,
    pub admin_friction: Option<f64>,
    pub awareness: Option<f64>,
    pub cost: Option<f64>,
    #[serde(default)]
    pub pair: Vec<RawBorderPair>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBorderPair {
    pub from: Option<String>,
    pub to: Option<String>,
    pub admin_friction: Option<f64>,
    pub awareness: Option<f64>,
    pub cost: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTraining {
    pub takeup: Option<f64>,
    pub takeup_at_risk: Option<f64>,
    pub cost_sensitivity: Option<f64>,
    pub public_share_unemployed: Option<f64>,
    pub shortage_vacancy_rate: Option<f64>,
    pub min_unemployment_months: Option<i64>,
    pub takeup_employed: Option<f64>,
    pub part_time_factor: Option<f64>,
    pub screening_gain_per_year: Option<f64>,
    pub course_sector_weight: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMobility {
    pub same_sector: Option<f64>,
    pub other_sector: Option<f64>,
    #[serde(default)]
    pub pair: Vec<RawMobilityPair>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMobilityPair {
    pub from: Option<String>,
    pub to: Option<String>,
    pub weight: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBenefits {
    pub cost_per_unemployed_month: Option<f64>,
    pub paid_in_training: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCountry {
    pub code: Option<String>,
    pub name: Option<String>,
    pub separation_multiplier: Option<f64>,
    pub benefit_per_month: Option<f64>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub language_skills: BTreeMap<String, f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegion {
    pub name: Option<String>,
    pub country: Option<String>,
    pub labour_force: Option<f64>,
    pub unemployment_rate: Option<f64>,
    #[serde(default)]
    pub sector_shares: BTreeMap<String, f64>,
    /// `[latitude, longitude]` in degrees, for `[travel_rule]` and the map.
    pub centroid: Option<Vec<f64>>,
    pub separation_multiplier: Option<f64>,
    /// The region's own languages and skills where they differ from its country's.
    pub languages: Option<Vec<String>>,
    pub language_skills: Option<BTreeMap<String, f64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSector {
    pub name: Option<String>,
    pub employment_share: Option<f64>,
    pub vacancy_rate: Option<f64>,
    pub wage: Option<f64>,
    pub regulated: Option<bool>,
    pub separation_rate: Option<f64>,
    pub flexible_share: Option<f64>,
    pub self_employed_share: Option<f64>,
    pub training_months: Option<i64>,
    pub training_cost: Option<f64>,
    pub training_fund: Option<bool>,
    pub fund_share: Option<f64>,
    pub unqualified_weight: Option<f64>,
    pub school_leavers_weight: Option<f64>,
    pub on_the_job_search: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTravel {
    #[serde(default)]
    pub between: Vec<String>,
    pub car: Option<f64>,
    pub public_transport: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTravelRule {
    pub detour: Option<f64>,
    pub car_kmh: Option<f64>,
    pub car_minutes: Option<f64>,
    pub public_transport_kmh: Option<f64>,
    pub public_transport_minutes: Option<f64>,
    pub cross_border_public_transport: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRecognition {
    pub from: Option<String>,
    pub to: Option<String>,
    pub duration_months: Option<i64>,
    pub fee: Option<f64>,
    pub success_probability: Option<f64>,
    pub start_probability: Option<f64>,
}

/// A `[[policy]]` block. Its kind and keys are checked in `scenario::policy` (one module per kind),
/// which knows which keys each kind takes.
#[derive(Debug, Default, Deserialize)]
pub struct RawPolicy {
    pub kind: Option<String>,
    #[serde(flatten)]
    pub fields: toml::Table,
}
