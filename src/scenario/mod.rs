//! Scenarios: the typed, validated description of one simulation, and how to get one from a file.
//!
//! `raw.rs` mirrors the TOML, `load.rs` follows `extends` chains, `validate/` checks every
//! value against its rule and fills in defaults (one file per section), `describe.rs` says what
//! a scenario holds. The engine only ever sees a [`Scenario`]: ids are indices, durations are in
//! steps, every rate has been checked to be finite and in range.
//!
//! A validated scenario is never edited: a value set from outside the file (the command line's
//! `--set` and `--seed`, a sweep's point and run seed, a calibration's candidate) is an
//! [`Override`] applied to the resolved table before validation.

mod describe;
pub mod keypath;
mod load;
pub mod policy;
pub mod raw;
mod validate;
pub use validate::MAX_NODES;

use std::path::{Path, PathBuf};

use crate::error::ScenarioError;

pub use describe::describe;
pub use load::{fnv1a_hex, merge, Provenance};

/// Most agents a scenario may create at its scale: workers are numbered with `u32`, and one
/// value is kept free.
pub const MAX_WORKERS: u64 = u32::MAX as u64 - 1;

/// Countries, regions and sectors are referred to by these small indices.
pub type CountryId = usize;
pub type RegionId = usize;
pub type SectorId = usize;

/// Read, resolve (`extends`) and validate a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let resolved = load::resolve(path)?;
    validate::validate(path, resolved.table, &resolved.provenance)
}

/// The origin of an override given as `--set KEY=VALUE` on the command line.
pub const SET_ORIGIN: &str = "--set";

/// A value set at a key path after the scenario file was resolved, and who set it (the sweep
/// or targets file, or the command line: `--set`, `--seed`, ...), for error messages.
#[derive(Clone, Debug)]
pub struct Override {
    pub key: keypath::KeyPath,
    pub value: toml::Value,
    pub origin: PathBuf,
}

impl Override {
    /// `simulation.KEY = value`, set by `origin`.
    pub fn simulation(key: &str, value: toml::Value, origin: impl Into<PathBuf>) -> Override {
        use keypath::{KeyPath, Segment};
        Override {
            key: KeyPath::from_segments(vec![
                Segment::Key("simulation".into()),
                Segment::Key(key.into()),
            ]),
            value,
            origin: origin.into(),
        }
    }

    /// `key = value` for a key path written as text (`"simulation.scale"`,
    /// `"region[0].labour_force"`), set by `origin`; an error says why the text is not a key
    /// path.
    pub fn at(
        key: &str,
        value: impl Into<toml::Value>,
        origin: impl Into<PathBuf>,
    ) -> Result<Override, String> {
        Ok(Override {
            key: keypath::KeyPath::parse(key)?,
            value: value.into(),
            origin: origin.into(),
        })
    }

    /// `simulation.seed = seed`, set by `origin`. Seeds come from TOML integers (at least 0) or
    /// from [`crate::sweep::run_seed`] (below 2^63), so they fit a TOML integer; one that did not
    /// would be passed as text, which validation refuses rather than run another seed.
    pub fn seed(seed: u64, origin: impl Into<PathBuf>) -> Override {
        let value = i64::try_from(seed).map_or_else(
            |_| toml::Value::String(seed.to_string()),
            toml::Value::Integer,
        );
        Override::simulation("seed", value, origin)
    }
}

/// [`load`] with `overrides` applied to the resolved table before validation, so that every
/// overridden value meets the rules of a value written in the file. A key path that leads
/// nowhere, or to a key the format does not know, is an error naming the override's origin.
pub fn load_with(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
    Source::read(path)?.build(overrides)
}

/// A scenario file read and resolved once, from which many variants are built (a sweep's
/// points, a calibration's candidates) without reading the files again.
#[derive(Clone)]
pub struct Source {
    path: PathBuf,
    resolved: load::Resolved,
}

impl Source {
    /// Read `path` and every file it extends.
    pub fn read(path: &Path) -> Result<Source, ScenarioError> {
        Ok(Source {
            path: path.to_path_buf(),
            resolved: load::resolve(path)?,
        })
    }

    /// The resolved table: every `extends` merged, nothing validated.
    pub fn table(&self) -> &toml::Table {
        &self.resolved.table
    }

    /// The scenario with `overrides` applied, validated.
    pub fn build(&self, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        let mut table = self.resolved.table.clone();
        let mut provenance = self.resolved.provenance.clone();
        apply(&self.path, &mut table, &mut provenance, overrides)?;
        validate::validate(&self.path, table, &provenance)
    }
}

fn apply(
    path: &Path,
    table: &mut toml::Table,
    provenance: &mut Provenance,
    overrides: &[Override],
) -> Result<(), ScenarioError> {
    for o in overrides {
        let invalid = |rule: String| ScenarioError::Invalid {
            file: o.origin.clone(),
            key: o.key.to_string(),
            value: o.value.to_string(),
            rule,
        };
        let canonical = o
            .key
            .set(table, o.value.clone())
            .map_err(|e| invalid(format!("not a key of {}: {e}", path.display())))?;
        let check: Result<raw::RawScenario, toml::de::Error> =
            toml::Value::Table(table.clone()).try_into();
        if let Err(e) = check {
            // The message may quote the value whole; it is already shown, abbreviated.
            return Err(invalid(format!(
                "not a key of the scenario format, or not of its type ({})",
                crate::error::abbreviate_to(e.message().trim_end(), 240)
            )));
        }
        provenance.set_origin(canonical, &o.origin);
    }
    Ok(())
}

/// Parse and validate a scenario given as TOML text (no `extends`); for tests and benches.
pub fn from_toml_str(text: &str, name: &str) -> Result<Scenario, ScenarioError> {
    let file = PathBuf::from(format!("{name}.toml"));
    let _: raw::RawScenario = toml::from_str(text).map_err(|e| ScenarioError::Parse {
        file: file.clone(),
        message: crate::input::toml_error(&e, text),
    })?;
    let table: toml::Table = toml::from_str(text).map_err(|e| ScenarioError::Parse {
        file: file.clone(),
        message: crate::input::toml_error(&e, text),
    })?;
    let provenance = load::resolve_none(&file);
    validate::validate(&file, table, &provenance)
}

/// A calendar month, for dating steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    /// The month `months` after this one (before it, if negative).
    pub fn plus(self, months: i64) -> YearMonth {
        let index = self.year as i64 * 12 + i64::from(self.month - 1) + months;
        YearMonth {
            year: (index / 12) as i32,
            month: (index % 12) as u32 + 1,
        }
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// The file that was run.
    pub file: PathBuf,
    /// The resolved scenario (all `extends` merged) as TOML, and its FNV-1a hash.
    pub resolved: String,
    pub hash: String,
    pub simulation: Simulation,
    pub mechanics: Mechanics,
    /// `[employers]`: employers within each node ([`EmployerParams`]); `None` keeps the published
    /// node-level rules of del Rio-Chanona et al. (2021).
    pub employers: Option<EmployerParams>,
    /// `[population]`: retirement, school leavers and ageing ([`Population`]); `None` keeps
    /// the population closed.
    pub population: Option<Population>,
    pub demand: Demand,
    pub contracts: [ContractParams; 3],
    pub ages: [AgeParams; 3],
    pub commuting: Commuting,
    pub border: Border,
    pub training: Training,
    /// Language codes; a worker's languages are a bit set over this list (at most 8).
    pub languages: Vec<String>,
    pub countries: Vec<Country>,
    pub regions: Vec<Region>,
    pub sectors: Vec<Sector>,
    /// Sector mobility weight `M[from * S + to]`.
    pub mobility: Vec<f64>,
    /// Travel minutes `[from * R + to]` by car and by public transport; `f64::INFINITY` where
    /// no connection is given.
    pub travel_car: Vec<f64>,
    pub travel_pt: Vec<f64>,
    /// The rule that estimated the pairs `[[travel]]` left out, if the scenario gives one.
    pub travel_rule: Option<TravelRule>,
    /// Diploma recognition procedures `[diploma_country * C + job_country]`.
    pub recognition: Vec<Option<RecognitionRule>>,
    /// Policy instruments, in the order written (see [`policy`]).
    pub policies: Vec<policy::Policy>,
    /// Whether workers in a full-time course keep their benefit (`benefits.paid_in_training`).
    pub benefit_in_training: bool,
}

#[derive(Clone, Debug)]
pub struct Simulation {
    pub steps: u32,
    pub start: Option<YearMonth>,
    pub step_months: u32,
    pub seed: u64,
    pub replications: u32,
    /// Agents per person.
    pub scale: f64,
    /// Steps run before step 1 and not reported, so that step 1 starts from the model's own
    /// stationary state (`simulation.burn_in_months`).
    pub burn_in_steps: u32,
}

#[derive(Clone, Debug)]
pub struct Mechanics {
    /// `delta_u`: baseline separation probability per step (sectors may override it).
    pub separation_rate: f64,
    /// `delta_v`: baseline vacancy opening probability per employed worker per step.
    pub vacancy_rate: f64,
    /// `gamma_u`, `gamma_v`: speed at which employment and vacancies adjust toward demand.
    pub separation_adjustment: f64,
    pub vacancy_adjustment: f64,
    pub applications: u32,
    pub on_the_job_search: f64,
    /// Probability that an employed searcher whose job is not at risk searches for a non-wage
    /// reason in a step: it applies to any job, not only to one paying at least its own.
    pub non_wage_search: f64,
    /// Probability an unemployed worker searches in a step.
    pub search_probability: f64,
    pub vacancy_expiry: f64,
    /// Sector weight multiplier for an unregulated sector the worker is not qualified for.
    pub unqualified_weight: f64,
    /// Spell length (steps) from which an unemployed worker counts as long-term unemployed.
    pub long_term_steps: u32,
    /// Employer screening (docs/MODEL.md 7.7): probability that an application passes it, for
    /// an employed applicant or one just unemployed.
    pub screening_pass: f64,
    /// Relative fall of the pass probability of an unemployed applicant, reached after
    /// `screening_duration_steps` of unemployment and flat after (the duration stigma).
    pub screening_duration_fall: f64,
    pub screening_duration_steps: u32,
    /// Applicants a vacancy's employer considers a step, in the order of its ranking keys
    /// (docs/MODEL.md 7.8): the first who passes the screening gets the offer, and applicants
    /// who fail it take their turn too. 0 considers every applicant (failed ones are then
    /// dropped before they are laid out).
    pub interviews: u32,
}

impl Mechanics {
    /// Probability that an application of a worker unemployed for `spell` steps (an employed one:
    /// 0) passes employer screening.
    #[inline]
    pub fn screening(&self, spell: u32) -> f64 {
        let reach = self.screening_duration_steps.max(1);
        let fall = self.screening_duration_fall * f64::from(spell.min(reach)) / f64::from(reach);
        self.screening_pass * (1.0 - fall)
    }
}

/// The months at the end of a burn-in that run on the growth path (see
/// [`Scenario::growth_lead_steps`]): three years take a growing sector's vacancies and the
/// school leavers who fill them (three summers) to their balanced growth.
pub const GROWTH_LEAD_MONTHS: u32 = 36;

/// The steps of a burn-in of `burn_in_steps` that run on the growth path: [`GROWTH_LEAD_MONTHS`]
/// in steps of `step_months`, or the whole burn-in if shorter. Validation sizes the pool outside
/// the labour force with it before the scenario exists; [`Scenario::growth_lead_steps`] adds
/// when there is growth at all.
pub fn growth_lead_steps(step_months: u32, burn_in_steps: u32) -> u32 {
    (GROWTH_LEAD_MONTHS / step_months.max(1)).min(burn_in_steps)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemandBase {
    /// Employment plus the unemployed attached to the node (MODEL.md section 7.1).
    LabourForce,
    /// Employment plus open vacancies: the initial state is on its demand path.
    Jobs,
}

#[derive(Clone, Debug)]
pub struct Demand {
    pub base: DemandBase,
    pub level: f64,
    pub cycle_amplitude: f64,
    pub cycle_period: f64,
    pub trends: Vec<Trend>,
    pub shocks: Vec<Shock>,
}

#[derive(Clone, Debug)]
pub struct Trend {
    pub sector: Option<SectorId>,
    pub region: Option<RegionId>,
    pub rate_per_year: f64,
}

#[derive(Clone, Debug)]
pub struct Shock {
    /// Empty means every sector (region).
    pub sectors: Vec<SectorId>,
    pub regions: Vec<RegionId>,
    pub depth: f64,
    pub start: u32,
    pub end: u32,
    pub recovery: u32,
}

impl Demand {
    /// The factor by which node (region, sector)'s base demand is multiplied at `step`.
    pub fn factor(&self, step: u32, step_months: u32, region: RegionId, sector: SectorId) -> f64 {
        let t = f64::from(step);
        let mut f = self.level;
        if self.cycle_amplitude != 0.0 {
            f *= 1.0
                - self.cycle_amplitude
                    * libm::sin(2.0 * std::f64::consts::PI * t / self.cycle_period);
        }
        let years = t * f64::from(step_months) / 12.0;
        for trend in &self.trends {
            if trend.sector.is_none_or(|s| s == sector) && trend.region.is_none_or(|r| r == region)
            {
                f *= libm::pow(1.0 + trend.rate_per_year, years);
            }
        }
        for shock in &self.shocks {
            let hits = (shock.sectors.is_empty() || shock.sectors.contains(&sector))
                && (shock.regions.is_empty() || shock.regions.contains(&region));
            if hits {
                f *= 1.0 - shock.depth * shock.intensity(step);
            }
        }
        f
    }
}

impl Demand {
    /// The factor by which the trends that apply to node (region, sector) raise its demand over
    /// `months`.
    pub fn trend_factor(&self, months: f64, region: RegionId, sector: SectorId) -> f64 {
        libm::pow(1.0 + self.trend_per_year(region, sector), months / 12.0)
    }

    /// The yearly growth of node (region, sector)'s demand from the trends that apply to it
    /// (compounded when several do).
    pub fn trend_per_year(&self, region: RegionId, sector: SectorId) -> f64 {
        self.trends
            .iter()
            .filter(|t| {
                t.sector.is_none_or(|s| s == sector) && t.region.is_none_or(|r| r == region)
            })
            .fold(1.0, |f, t| f * (1.0 + t.rate_per_year))
            - 1.0
    }
}

impl Shock {
    /// 0 before the shock, 1 from `start` to `end`, then falling linearly to 0 over `recovery`.
    pub fn intensity(&self, step: u32) -> f64 {
        if step < self.start {
            0.0
        } else if step <= self.end {
            1.0
        } else if step <= self.end + self.recovery {
            1.0 - f64::from(step - self.end) / f64::from(self.recovery)
        } else {
            0.0
        }
    }
}

/// Contract types, in the order of [`Scenario::contracts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Contract {
    Permanent = 0,
    Flexible = 1,
    SelfEmployed = 2,
}

#[derive(Clone, Debug)]
pub struct ContractParams {
    pub separation_multiplier: f64,
    pub downsizing_weight: f64,
    /// Steps of notice before an economic dismissal takes effect (with `[employers]`); 0 is a
    /// dismissal in the step it is decided.
    pub notice_steps: u32,
}

/// `[population]`: workers of the oldest age group retire, school leavers enter the labour
/// force (with a summer peak) through the pool of those outside it, and workers age from one
/// group to the next at rates that keep the age shares stationary (docs/MODEL.md 7.11, "Entries and exits").
#[derive(Clone, Debug, PartialEq)]
pub struct Population {
    /// Probability per step that a worker aged 50+ in the labour force retires.
    pub retirement: f64,
    /// School leavers entering per year at rest, as a share of the labour force at the start:
    /// by default as many as retire.
    pub school_leavers_per_year: f64,
    /// Per home region, the yearly growth of the labour force from step 1 on (not in the
    /// burn-in), compounded: school leavers enter at `school_leavers_per_year + growth[region]`
    /// of the labour force on that path. By default the growth of the region's demand.
    pub growth: Vec<f64>,
    /// Share of a year's school leavers who enter in June, July and August.
    pub summer_share: f64,
    /// Probability per step that an unemployed worker leaves the labour force (attached to it),
    /// and that an attached inactive one comes back to unemployment.
    pub unemployed_to_inactive: f64,
    pub inactive_to_unemployed: f64,
    /// Probability per step of moving to the next age group, for the two younger groups:
    /// `[0]` at rest (as many as school leavers enter), `[1]` when the labour force grows at
    /// the employment-weighted mean of `growth` (what enters the group less its own growth),
    /// so that the age shares stay as they are in both.
    pub ageing: [[f64; 2]; 2],
    /// Per home region, agents outside the labour force at the start, as a share of the
    /// labour force: the pool school leavers enter from, one year's leavers plus the run's
    /// growth, so that it never runs dry.
    pub pool_share: Vec<f64>,
}

/// `[employers]`: each node's jobs belong to employers whose demand moves with idiosyncratic
/// shocks; vacancies are the demanded jobs not filled, a departure opens a replacement
/// vacancy while demand holds, and a fall in demand gives notice (docs/MODEL.md 7.10, labour demand at employers).
#[derive(Clone, Debug, PartialEq)]
pub struct EmployerParams {
    /// Mean jobs per employer at the start, in agents.
    pub mean_size: f64,
    /// Share of a node's jobs destroyed, and the same share created, at employers drawn in
    /// proportion to their size, per step (the monthly rate converted to the step).
    pub reallocation: f64,
    /// Probability that a worker under notice searches in a step.
    pub notice_search: f64,
    /// Probability that an open vacancy reaches a hiring decision in a step (the monthly rate
    /// converted to the step); 1 when every vacancy can be filled in every step.
    pub decision_rate: f64,
}

/// Age groups, in the order of [`Scenario::ages`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum AgeGroup {
    Under27 = 0,
    From27To49 = 1,
    From50 = 2,
}

#[derive(Clone, Debug)]
pub struct AgeParams {
    pub share: f64,
    pub employer_weight: f64,
}

#[derive(Clone, Debug)]
pub struct Commuting {
    pub decay_minutes: f64,
    pub max_minutes: f64,
    pub car_share: f64,
    pub within_region_minutes: f64,
    pub cost_per_minute: f64,
    /// (home region, work region, share of the home region's employed working there).
    pub initial: Vec<(RegionId, RegionId, f64)>,
}

/// `[travel_rule]`: door-to-door minutes between two regions estimated from the distance
/// between their centroids, for the pairs `[[travel]]` does not give (docs/MODEL.md 7.17).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TravelRule {
    /// Road (or rail) km per straight-line km.
    pub detour: f64,
    /// Average door-to-door speed over the road distance, and the fixed minutes of a trip
    /// (getting to and from the vehicle, parking; waiting and transfers by public transport).
    pub car_kmh: f64,
    pub car_minutes: f64,
    pub public_transport_kmh: f64,
    pub public_transport_minutes: f64,
    /// Factor on the public-transport time of a trip across a border (few cross-border
    /// services).
    pub cross_border_public_transport: f64,
}

impl TravelRule {
    /// Minutes by car and by public transport over `km` straight-line km (`cross`: between
    /// two countries).
    pub fn minutes(&self, km: f64, cross: bool) -> (f64, f64) {
        let road = km * self.detour;
        let car = self.car_minutes + 60.0 * road / self.car_kmh;
        let pt = self.public_transport_minutes + 60.0 * road / self.public_transport_kmh;
        let pt = if cross {
            pt * self.cross_border_public_transport
        } else {
            pt
        };
        (car, pt)
    }
}

#[derive(Clone, Debug)]
pub struct Border {
    pub language_weight: f64,
    pub unrecognised_weight: f64,
    /// Per (home country, work country), `[from * C + to]`; the diagonal is unused.
    pub admin_friction: Vec<f64>,
    pub awareness: Vec<f64>,
    pub cost: Vec<f64>,
}

#[derive(Clone, Debug)]
pub struct Training {
    pub takeup: f64,
    pub takeup_at_risk: f64,
    pub cost_sensitivity: f64,
    pub public_share_unemployed: f64,
    pub shortage_vacancy_rate: f64,
    pub min_unemployment_steps: u32,
    /// Learning while working: the take-up per step of a part-time course by an employee (or
    /// self-employed worker) whose work is not at risk, before the cost factor.
    pub takeup_employed: f64,
    /// A part-time course lasts this many times the sector's `training_months`.
    pub part_time_factor: f64,
    /// An application to a job in the sector of the worker's last completed course passes
    /// employers' screening at this multiple of the pass rate per year of the course (capped at
    /// a pass of 1): the course's human capital (docs/MODEL.md 7.3).
    pub screening_gain_per_year: f64,
    /// A worker with a completed course weighs the jobs of its course's sector by this multiple
    /// when it spreads its applications: the retrained look for work in the occupation they
    /// trained for (docs/MODEL.md 7.7).
    pub course_sector_weight: f64,
}

#[derive(Clone, Debug)]
pub struct Country {
    pub code: String,
    pub name: String,
    /// Bit i set: language i of [`Scenario::languages`] is spoken here.
    pub languages: u8,
    /// Share of residents speaking each language (index as in [`Scenario::languages`]).
    pub language_skills: Vec<f64>,
    /// Multiplies the sectors' separation rates `delta_u` for jobs in this country: dismissal
    /// rules and contract mixes differ between countries (1 = as the sector says).
    pub separation_multiplier: f64,
    /// Unemployment benefit paid to an unemployed resident per month, EUR
    /// (`country.benefit_per_month`, default `benefits.cost_per_unemployed_month`).
    pub benefit_per_month: f64,
}

#[derive(Clone, Debug)]
pub struct Region {
    pub name: String,
    pub country: CountryId,
    pub labour_force: f64,
    pub unemployment_rate: f64,
    /// Employment share of each sector, normalised to sum to 1.
    pub sector_shares: Vec<f64>,
    /// Multiplies the country's `separation_multiplier` for jobs in this region.
    pub separation_multiplier: f64,
    /// (latitude, longitude) in degrees, if given.
    pub centroid: Option<(f64, f64)>,
    /// Languages the region's jobs ask for and its residents speak natively (bit i: language i
    /// of [`Scenario::languages`]), and the share of residents speaking each: the region's own
    /// or its country's.
    pub languages: u8,
    pub language_skills: Vec<f64>,
}

#[derive(Clone, Debug)]
pub struct Sector {
    pub name: String,
    pub vacancy_rate: f64,
    pub wage: f64,
    pub regulated: bool,
    pub separation_rate: f64,
    /// Contract mix of new and initial jobs: permanent, flexible, self-employed.
    pub contract_shares: [f64; 3],
    pub training_steps: u32,
    pub training_cost: f64,
    pub training_fund: bool,
    pub fund_share: f64,
    /// Search weight for a worker not qualified for this (unregulated) sector; `None`:
    /// `mechanics.unqualified_weight`. Use [`Scenario::unqualified_weight`].
    pub unqualified_weight: Option<f64>,
    /// Probability that an employed worker of this sector searches in a step; `None`:
    /// `mechanics.on_the_job_search`. Use [`Scenario::on_the_job_search`].
    pub on_the_job_search: Option<f64>,
    /// Relative weight of this sector among the qualifications of school leavers (times the
    /// region's employment share; with `[population]`).
    pub school_leavers_weight: f64,
}

#[derive(Clone, Debug)]
pub struct RecognitionRule {
    pub duration_steps: u32,
    pub fee: f64,
    pub success_probability: f64,
    pub start_probability: f64,
}

impl Scenario {
    pub fn n_countries(&self) -> usize {
        self.countries.len()
    }
    pub fn n_regions(&self) -> usize {
        self.regions.len()
    }
    pub fn n_sectors(&self) -> usize {
        self.sectors.len()
    }
    pub fn n_nodes(&self) -> usize {
        self.regions.len() * self.sectors.len()
    }

    /// Number of agents this scenario creates at its scale (saturating: validation refuses
    /// more than [`MAX_WORKERS`]).
    pub fn n_workers(&self) -> u64 {
        self.regions.iter().enumerate().fold(0, |n: u64, (h, r)| {
            n.saturating_add(self.agents(r.labour_force))
                .saturating_add(self.available_agents(h))
                .saturating_add(self.pool_agents(h))
        })
    }

    /// Agents for `persons` persons at this scenario's scale.
    pub fn agents(&self, persons: f64) -> u64 {
        (persons * self.simulation.scale).round() as u64
    }

    /// Steps at the end of the burn-in that run on the scenario's growth path (demand trends and
    /// the labour force's growth), so that step 1 continues a balanced growth rather than
    /// switching it on: [`GROWTH_LEAD_MONTHS`] or the whole burn-in if shorter; 0 without
    /// `[population]` (the labour force cannot grow) or without demand trends.
    pub fn growth_lead_steps(&self) -> u32 {
        if self.population.is_none() || self.demand.trends.is_empty() {
            return 0;
        }
        growth_lead_steps(self.simulation.step_months, self.simulation.burn_in_steps)
    }

    /// How much node (region, sector)'s demand grows over the burn-in's growth lead: the world
    /// is built this much smaller, so that the lead ends at the scenario's levels.
    pub fn growth_lead_factor(&self, region: RegionId, sector: SectorId) -> f64 {
        let months = self.growth_lead_steps() * self.simulation.step_months;
        self.demand.trend_factor(f64::from(months), region, sector)
    }

    /// Home region `region`'s sector shares as the world is built when the burn-in ends in a
    /// growth lead: each shrunk by its sector's growth over the lead (unchanged without one).
    pub fn growth_lead_shares(&self, region: RegionId) -> Vec<f64> {
        (self.regions[region].sector_shares.iter().enumerate())
            .map(|(k, share)| share / self.growth_lead_factor(region, k))
            .collect()
    }

    /// The share of home region `region`'s labour force the world is built with when the
    /// burn-in ends in a growth lead: the sum of [`Scenario::growth_lead_shares`] over that of
    /// the given shares (1 without a lead).
    pub fn growth_lead_kept(&self, region: RegionId) -> f64 {
        let total: f64 = self.regions[region].sector_shares.iter().sum();
        if self.growth_lead_steps() == 0 || total <= 0.0 {
            return 1.0;
        }
        // The sum of `growth_lead_shares`, in its order, without the vector: the school
        // leavers' rule reads it every step.
        let kept: f64 = (self.regions[region].sector_shares.iter().enumerate())
            .map(|(k, share)| share / self.growth_lead_factor(region, k))
            .sum();
        kept / total
    }

    /// Agents outside the labour force at the start in home region `region` (with
    /// `[population]`).
    pub fn pool_agents(&self, region: usize) -> u64 {
        self.population.as_ref().map_or(0, |p| {
            self.agents(self.regions[region].labour_force * p.pool_share[region])
        })
    }

    /// Agents outside the labour force but attached to it (*available*) at the start in home
    /// region `region` (with `[population]`): the stock at which as many come back to
    /// unemployment each step as leave it, `U * p(u -> i) / p(i -> u)`, so that the flows
    /// between unemployment and inactivity do not carve it out of the labour force.
    pub fn available_agents(&self, region: usize) -> u64 {
        self.population.as_ref().map_or(0, |p| {
            if p.inactive_to_unemployed <= 0.0 {
                return 0;
            }
            let r = &self.regions[region];
            let ratio = p.unemployed_to_inactive / p.inactive_to_unemployed;
            self.agents(r.labour_force * r.unemployment_rate * ratio)
        })
    }

    /// Whether anyone can be in a part-time course beside work: the scenario's
    /// `training.takeup_employed`, or a policy that offers such courses (its learners finish
    /// after its window too).
    pub fn offers_learning(&self) -> bool {
        self.training.takeup_employed > 0.0 || self.policies.iter().any(|p| p.offers_learning())
    }

    /// The probability that an employed worker of sector `s` searches in a step: the sector's
    /// own `on_the_job_search`, else `mechanics.on_the_job_search`.
    pub fn on_the_job_search(&self, s: usize) -> f64 {
        self.sectors[s]
            .on_the_job_search
            .unwrap_or(self.mechanics.on_the_job_search)
    }

    /// The search weight of sector `s` for a worker not qualified for it: the sector's own
    /// `unqualified_weight`, else `mechanics.unqualified_weight` for an unregulated sector and 0
    /// for a regulated one (no job there without the qualification, unless the sector sets a
    /// side-entry route: hired unqualified, the worker qualifies on the job).
    pub fn unqualified_weight(&self, s: usize) -> f64 {
        let sector = &self.sectors[s];
        match sector.unqualified_weight {
            Some(x) => x,
            None if sector.regulated => 0.0,
            None => self.mechanics.unqualified_weight,
        }
    }

    /// Persons each agent stands for.
    pub fn persons_per_agent(&self) -> f64 {
        1.0 / self.simulation.scale
    }

    /// Convert a duration in months to whole steps (at least one).
    pub fn months_to_steps(&self, months: u32) -> u32 {
        months.div_ceil(self.simulation.step_months).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pass probability falls linearly from `screening_pass` to `1 - fall` of it over the
    /// reach, and stays there.
    #[test]
    fn screening_falls_with_the_time_without_work_and_then_stays() {
        const MAP: &str = "[[region]]\nname = \"A\"\ncountry = \"NL\"\nlabour_force = 1000\n\
                           unemployment_rate = 0.05\n[[sector]]\nname = \"s\"\nvacancy_rate = 0.03\n";
        let screened = format!(
            "{MAP}[mechanics]\nscreening_pass = 0.1\nscreening_duration_fall = 0.2\n\
             screening_duration_months = 8\n"
        );
        let s = from_toml_str(&screened, "screening").unwrap();
        let m = &s.mechanics;
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(m.screening(0), 0.1));
        assert!(close(m.screening(4), 0.09));
        assert!(close(m.screening(8), 0.08));
        assert!(close(m.screening(40), 0.08));
        let published = from_toml_str(MAP, "published").unwrap();
        assert_eq!(published.mechanics.screening(100), 1.0);
    }
}
