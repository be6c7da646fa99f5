//! Validation: a resolved [`RawScenario`] becomes a typed [`Scenario`], or one error naming the
//! file, the key, the value and the rule.
//!
//! Every default of the scenario format is written here once; `scenarios/README.md` documents
//! the same defaults and ranges and must be kept in step with this file.

use std::collections::HashMap;
use std::fmt::Display;
use std::path::Path;

use super::raw::*;
use super::*;

/// Most countries, languages and sectors a scenario may have: they are bit sets in each worker.
const MAX_COUNTRIES: usize = 8;
const MAX_LANGUAGES: usize = 8;
const MAX_SECTORS: usize = 32;
const MAX_REGIONS: usize = 512;

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

pub(super) fn validate(file: &Path, table: toml::Table, prov: &Provenance) -> R<Scenario> {
    let v = V { prov };
    let resolved = toml::to_string(&table).unwrap_or_default();
    let raw: RawScenario = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| ScenarioError::Parse {
            file: file.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;

    if raw.region.is_empty() {
        return Err(v.err("region", "[]", "a scenario needs at least one [[region]]"));
    }
    if raw.sector.is_empty() {
        return Err(v.err("sector", "[]", "a scenario needs at least one [[sector]]"));
    }

    let simulation = simulation(&v, raw.simulation.unwrap_or_default())?;
    let step_months = simulation.step_months;
    let months = |m: u32| m.div_ceil(step_months).max(1);

    // Countries and languages. A scenario that lists no countries gets one per country code
    // its regions use, each with its own language.
    let mut raw_countries = raw.country;
    if raw_countries.is_empty() {
        let mut codes: Vec<String> = Vec::new();
        for (i, r) in raw.region.iter().enumerate() {
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
    let country_ids = name_index(
        &v,
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
    if languages.len() > MAX_LANGUAGES {
        return Err(v.err(
            "country",
            languages.join(", "),
            format!("at most {MAX_LANGUAGES} distinct languages are supported"),
        ));
    }
    let mut countries = Vec::new();
    for (i, c) in raw_countries.iter().enumerate() {
        let code = c.code.clone().unwrap_or_default();
        if c.languages.is_empty() {
            return Err(v.err(
                &format!("country[{i}].languages"),
                "[]",
                "a country needs at least one language",
            ));
        }
        let mut mask = 0u8;
        let mut skills = vec![0.0; languages.len()];
        for l in &c.languages {
            let li = languages.iter().position(|x| x == l).unwrap_or(0);
            mask |= 1 << li;
            skills[li] = 1.0;
        }
        for (l, share) in &c.language_skills {
            let key = format!("country[{i}].language_skills.{l}");
            let li = languages.iter().position(|x| x == l).unwrap_or(0);
            let share = v.prob(&key, Some(*share), 0.0)?;
            if mask & (1 << li) == 0 {
                skills[li] = share;
            }
        }
        let separation_multiplier = v.range(
            &format!("country[{i}].separation_multiplier"),
            c.separation_multiplier,
            1.0,
            0.0,
            10.0,
        )?;
        countries.push(Country {
            name: c.name.clone().unwrap_or_else(|| code.clone()),
            code,
            languages: mask,
            language_skills: skills,
            separation_multiplier,
        });
    }

    // Sectors.
    if raw.sector.len() > MAX_SECTORS {
        return Err(v.err(
            "sector",
            raw.sector.len(),
            format!("at most {MAX_SECTORS} sectors are supported"),
        ));
    }
    let sector_ids = name_index(
        &v,
        "sector",
        raw.sector
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("sector[{i}].name"), &s.name)),
    )?;
    let mech_raw = raw.mechanics.unwrap_or_default();
    let separation_rate = v.prob("mechanics.separation_rate", mech_raw.separation_rate, 0.016)?;
    let mut sectors = Vec::new();
    let mut default_shares = Vec::new();
    for (i, s) in raw.sector.iter().enumerate() {
        let k = |f: &str| format!("sector[{i}].{f}");
        let share = v.nonneg(&k("employment_share"), s.employment_share, 1.0)?;
        default_shares.push(share);
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
        sectors.push(Sector {
            name: s.name.clone().unwrap_or_default(),
            vacancy_rate,
            wage: v.nonneg(&k("wage"), s.wage, 3000.0)?,
            regulated: s.regulated.unwrap_or(false),
            separation_rate: v.prob(&k("separation_rate"), s.separation_rate, separation_rate)?,
            contract_shares: [1.0 - flexible - self_employed, flexible, self_employed],
            training_steps: months(v.int(&k("training_months"), s.training_months, 12, 1, 120)?),
            training_cost: v.nonneg(&k("training_cost"), s.training_cost, 5000.0)?,
            training_fund: s.training_fund.unwrap_or(false),
            fund_share: v.prob(&k("fund_share"), s.fund_share, 0.0)?,
        });
    }
    if default_shares.iter().sum::<f64>() <= 0.0 {
        return Err(v.err(
            "sector[0].employment_share",
            default_shares[0],
            "employment shares must not all be zero",
        ));
    }

    // Regions.
    if raw.region.len() > MAX_REGIONS {
        return Err(v.err(
            "region",
            raw.region.len(),
            format!("at most {MAX_REGIONS} regions are supported"),
        ));
    }
    let region_ids = name_index(
        &v,
        "region",
        raw.region
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("region[{i}].name"), &r.name)),
    )?;
    let mut regions = Vec::new();
    for (i, r) in raw.region.iter().enumerate() {
        let k = |f: &str| format!("region[{i}].{f}");
        let country = match &r.country {
            Some(c) => v.lookup(&k("country"), c, &country_ids, "country")?,
            None if countries.len() == 1 => 0,
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
        let mut shares = default_shares.clone();
        for (name, share) in &r.sector_shares {
            let key = format!("{}.{name}", k("sector_shares"));
            let s = v.lookup(&key, name, &sector_ids, "sector")?;
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
    let n_regions = regions.len();
    let n_countries = countries.len();
    let n_sectors = sectors.len();

    let mechanics = Mechanics {
        separation_rate,
        vacancy_rate: v.prob("mechanics.vacancy_rate", mech_raw.vacancy_rate, 0.012)?,
        separation_adjustment: v.prob(
            "mechanics.separation_adjustment",
            mech_raw.separation_adjustment,
            0.16,
        )?,
        vacancy_adjustment: v.prob(
            "mechanics.vacancy_adjustment",
            mech_raw.vacancy_adjustment,
            0.16,
        )?,
        applications: v.int("mechanics.applications", mech_raw.applications, 1, 1, 64)?,
        on_the_job_search: v.prob(
            "mechanics.on_the_job_search",
            mech_raw.on_the_job_search,
            0.0,
        )?,
        search_probability: v.prob(
            "mechanics.search_probability",
            mech_raw.search_probability,
            1.0,
        )?,
        vacancy_expiry: v.prob("mechanics.vacancy_expiry", mech_raw.vacancy_expiry, 0.0)?,
        unqualified_weight: v.nonneg(
            "mechanics.unqualified_weight",
            mech_raw.unqualified_weight,
            0.1,
        )?,
        long_term_steps: months(v.int(
            "mechanics.long_term_months",
            mech_raw.long_term_months,
            12,
            1,
            1200,
        )?),
    };

    let demand = demand(&v, raw.demand.unwrap_or_default(), &sector_ids, &region_ids)?;

    let c = raw.contracts.unwrap_or_default();
    let contract = |name: &str, x: Option<RawContract>, sep: f64, down: f64| -> R<ContractParams> {
        let x = x.unwrap_or_default();
        Ok(ContractParams {
            separation_multiplier: v.nonneg(
                &format!("contracts.{name}.separation_multiplier"),
                x.separation_multiplier,
                sep,
            )?,
            downsizing_weight: v.positive(
                &format!("contracts.{name}.downsizing_weight"),
                x.downsizing_weight,
                down,
            )?,
        })
    };
    let contracts = [
        contract("permanent", c.permanent, 1.0, 1.0)?,
        contract("flexible", c.flexible, 1.0, 1.0)?,
        contract("self_employed", c.self_employed, 1.0, 1.0)?,
    ];

    let a = raw.ages.unwrap_or_default();
    let age = |name: &str, x: Option<RawAge>, share: f64| -> R<AgeParams> {
        let x = x.unwrap_or_default();
        Ok(AgeParams {
            share: v.prob(&format!("ages.{name}.share"), x.share, share)?,
            employer_weight: v.positive(
                &format!("ages.{name}.employer_weight"),
                x.employer_weight,
                1.0,
            )?,
        })
    };
    let ages = [
        age("under_27", a.under_27, 0.2)?,
        age("age_27_49", a.age_27_49, 0.5)?,
        age("age_50_plus", a.age_50_plus, 0.3)?,
    ];
    let age_total: f64 = ages.iter().map(|a| a.share).sum();
    if (age_total - 1.0).abs() > 1e-6 {
        return Err(v.err(
            "ages.under_27.share",
            ages[0].share,
            format!("the three age shares must sum to 1 (they sum to {age_total})"),
        ));
    }

    let cm = raw.commuting.unwrap_or_default();
    let mut initial = Vec::new();
    for (i, ic) in cm.initial.iter().enumerate() {
        let k = |f: &str| format!("commuting.initial[{i}].{f}");
        let from = ic.from.as_deref().ok_or_else(|| v.missing(&k("from")))?;
        let to = ic.to.as_deref().ok_or_else(|| v.missing(&k("to")))?;
        let from = v.lookup(&k("from"), from, &region_ids, "region")?;
        let to = v.lookup(&k("to"), to, &region_ids, "region")?;
        if from == to {
            return Err(v.err(
                &k("to"),
                format!("\"{}\"", regions[to].name),
                "must differ from `from`",
            ));
        }
        initial.push((from, to, v.prob(&k("share"), ic.share, 0.0)?));
    }
    for (r, region) in regions.iter().enumerate() {
        let total: f64 = initial.iter().filter(|x| x.0 == r).map(|x| x.2).sum();
        if total > 1.0 {
            return Err(v.err(
                "commuting.initial",
                total,
                format!(
                    "the shares out of region \"{}\" sum to more than 1",
                    region.name
                ),
            ));
        }
    }
    let commuting = Commuting {
        decay_minutes: v.positive("commuting.decay_minutes", cm.decay_minutes, 30.0)?,
        max_minutes: v.nonneg("commuting.max_minutes", cm.max_minutes, 90.0)?,
        car_share: v.prob("commuting.car_share", cm.car_share, 0.8)?,
        within_region_minutes: v.nonneg(
            "commuting.within_region_minutes",
            cm.within_region_minutes,
            20.0,
        )?,
        cost_per_minute: v.nonneg("commuting.cost_per_minute", cm.cost_per_minute, 10.0)?,
        initial,
    };

    if commuting.within_region_minutes > commuting.max_minutes {
        return Err(v.err(
            "commuting.within_region_minutes",
            commuting.within_region_minutes,
            format!(
                "must not exceed commuting.max_minutes ({}): workers could not reach jobs in their own region",
                commuting.max_minutes
            ),
        ));
    }
    let mut travel_car = vec![f64::INFINITY; n_regions * n_regions];
    let mut travel_pt = vec![f64::INFINITY; n_regions * n_regions];
    for r in 0..n_regions {
        travel_car[r * n_regions + r] = commuting.within_region_minutes;
        travel_pt[r * n_regions + r] = commuting.within_region_minutes;
    }
    for (i, t) in raw.travel.iter().enumerate() {
        let k = |f: &str| format!("travel[{i}].{f}");
        if t.between.len() != 2 {
            return Err(v.err(
                &k("between"),
                format!("{:?}", t.between),
                "must name exactly two regions",
            ));
        }
        let a = v.lookup(&k("between"), &t.between[0], &region_ids, "region")?;
        let b = v.lookup(&k("between"), &t.between[1], &region_ids, "region")?;
        if a == b {
            return Err(v.err(
                &k("between"),
                format!("{:?}", t.between),
                "must name two different regions (the time within a region is commuting.within_region_minutes)",
            ));
        }
        let car = v.nonneg(&k("car"), t.car, f64::INFINITY).ok();
        let pt = v
            .nonneg(&k("public_transport"), t.public_transport, f64::INFINITY)
            .ok();
        if car.is_none() && pt.is_none() {
            return Err(v.err(
                &k("car"),
                "(missing)",
                "give `car`, `public_transport` or both, in minutes",
            ));
        }
        for (m, val, key) in [
            (&mut travel_car, car, "car"),
            (&mut travel_pt, pt, "public_transport"),
        ] {
            if let Some(x) = val {
                m[a * n_regions + b] = x;
                m[b * n_regions + a] = x;
            } else if let Some(given) = if key == "car" {
                t.car
            } else {
                t.public_transport
            } {
                return Err(v.err(
                    &k(key),
                    given,
                    "must be a finite number of minutes, at least 0",
                ));
            }
        }
    }

    for (i, &(from, to, _)) in commuting.initial.iter().enumerate() {
        let at = from * n_regions + to;
        if travel_car[at].min(travel_pt[at]) > commuting.max_minutes {
            return Err(v.err(
                &format!("commuting.initial[{i}].to"),
                format!("\"{}\"", regions[to].name),
                format!(
                    "is not within commuting.max_minutes ({}) of \"{}\": give a [[travel]] time for the pair",
                    commuting.max_minutes, regions[from].name
                ),
            ));
        }
    }
    let b = raw.border.unwrap_or_default();
    let cc = n_countries * n_countries;
    let friction = v.prob("border.admin_friction", b.admin_friction, 0.2)?;
    let awareness = v.prob("border.awareness", b.awareness, 0.5)?;
    let cost = v.nonneg("border.cost", b.cost, 100.0)?;
    let mut border = Border {
        language_weight: v.prob("border.language_weight", b.language_weight, 0.25)?,
        unrecognised_weight: v.prob("border.unrecognised_weight", b.unrecognised_weight, 0.0)?,
        admin_friction: vec![friction; cc],
        awareness: vec![awareness; cc],
        cost: vec![cost; cc],
    };
    for c in 0..n_countries {
        border.admin_friction[c * n_countries + c] = 0.0;
        border.awareness[c * n_countries + c] = 1.0;
        border.cost[c * n_countries + c] = 0.0;
    }
    for (i, p) in b.pair.iter().enumerate() {
        let k = |f: &str| format!("border.pair[{i}].{f}");
        let (from, to) = country_pair(&v, &k("from"), &k("to"), &p.from, &p.to, &country_ids)?;
        let at = from * n_countries + to;
        border.admin_friction[at] = v.prob(&k("admin_friction"), p.admin_friction, friction)?;
        border.awareness[at] = v.prob(&k("awareness"), p.awareness, awareness)?;
        border.cost[at] = v.nonneg(&k("cost"), p.cost, cost)?;
    }

    let mut recognition = vec![None; cc];
    for (i, r) in raw.recognition.iter().enumerate() {
        let k = |f: &str| format!("recognition[{i}].{f}");
        let (from, to) = country_pair(&v, &k("from"), &k("to"), &r.from, &r.to, &country_ids)?;
        recognition[from * n_countries + to] = Some(RecognitionRule {
            duration_steps: months(v.int(&k("duration_months"), r.duration_months, 4, 1, 120)?),
            fee: v.nonneg(&k("fee"), r.fee, 0.0)?,
            success_probability: v.prob(&k("success_probability"), r.success_probability, 1.0)?,
            start_probability: v.prob(&k("start_probability"), r.start_probability, 0.01)?,
        });
    }

    let t = raw.training.unwrap_or_default();
    let training = Training {
        takeup: v.prob("training.takeup", t.takeup, 0.0)?,
        takeup_at_risk: v.prob("training.takeup_at_risk", t.takeup_at_risk, 0.0)?,
        cost_sensitivity: v.positive("training.cost_sensitivity", t.cost_sensitivity, 5000.0)?,
        public_share_unemployed: v.prob(
            "training.public_share_unemployed",
            t.public_share_unemployed,
            0.5,
        )?,
        shortage_vacancy_rate: v.prob(
            "training.shortage_vacancy_rate",
            t.shortage_vacancy_rate,
            0.04,
        )?,
        min_unemployment_steps: v
            .int(
                "training.min_unemployment_months",
                t.min_unemployment_months,
                3,
                0,
                1200,
            )?
            .div_ceil(step_months),
    };

    let m = raw.mobility.unwrap_or_default();
    let same = v.nonneg("mobility.same_sector", m.same_sector, 1.0)?;
    let other = v.nonneg("mobility.other_sector", m.other_sector, 0.1)?;
    let mut mobility = vec![other; n_sectors * n_sectors];
    for s in 0..n_sectors {
        mobility[s * n_sectors + s] = same;
    }
    for (i, p) in m.pair.iter().enumerate() {
        let k = |f: &str| format!("mobility.pair[{i}].{f}");
        let from = p.from.as_deref().ok_or_else(|| v.missing(&k("from")))?;
        let to = p.to.as_deref().ok_or_else(|| v.missing(&k("to")))?;
        let from = v.lookup(&k("from"), from, &sector_ids, "sector")?;
        let to = v.lookup(&k("to"), to, &sector_ids, "sector")?;
        let default = if from == to { same } else { other };
        mobility[from * n_sectors + to] = v.nonneg(&k("weight"), p.weight, default)?;
    }

    let err = |key: &str, value: &str, rule: &str| v.err(key, value, rule);
    let mask = |f: &dyn Fn(&Sector) -> bool| {
        sectors
            .iter()
            .enumerate()
            .filter(|(_, x)| f(x))
            .fold(0u32, |m, (i, _)| m | 1 << i)
    };
    let policies = super::policy::parse(
        &raw.policy,
        &super::policy::Context {
            regions: &region_ids,
            sectors: &sector_ids,
            countries: &country_ids,
            languages: &languages,
            regulated_mask: mask(&|x| x.regulated),
            fund_mask: mask(&|x| x.training_fund),
            step_months,
            err: &err,
        },
    )?;

    // A name inherited through `extends` would send the output to the parent's directory; a
    // name the file itself or an override (`--set name=...`) gives is the scenario's own.
    let own_name = raw
        .name
        .clone()
        .filter(|_| v.prov.file_of("name") == v.prov.root() || v.prov.is_overridden("name"));
    let name = own_name.unwrap_or_else(|| {
        file.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into())
    });
    let scenario = Scenario {
        name,
        description: raw.description.unwrap_or_default(),
        file: file.to_path_buf(),
        hash: fnv1a_hex(resolved.as_bytes()),
        resolved,
        simulation,
        mechanics,
        demand,
        contracts,
        ages,
        commuting,
        border,
        training,
        languages,
        countries,
        regions,
        sectors,
        mobility,
        travel_car,
        travel_pt,
        recognition,
        policies,
        benefit_per_month: v.nonneg(
            "benefits.cost_per_unemployed_month",
            raw.benefits.and_then(|b| b.cost_per_unemployed_month),
            0.0,
        )?,
    };
    let agents = scenario.n_workers();
    if agents > MAX_WORKERS {
        return Err(v.err(
            "simulation.scale",
            scenario.simulation.scale,
            format!(
                "gives {agents} agents (labour force times scale); at most {MAX_WORKERS} are \
                 supported, lower the scale"
            ),
        ));
    }
    Ok(scenario)
}

fn country_pair(
    v: &V,
    from_key: &str,
    to_key: &str,
    from: &Option<String>,
    to: &Option<String>,
    ids: &HashMap<String, usize>,
) -> R<(usize, usize)> {
    let from_name = from.as_deref().ok_or_else(|| v.missing(from_key))?;
    let to_name = to.as_deref().ok_or_else(|| v.missing(to_key))?;
    let a = v.lookup(from_key, from_name, ids, "country")?;
    let b = v.lookup(to_key, to_name, ids, "country")?;
    if a == b {
        return Err(v.err(
            to_key,
            format!("\"{to_name}\""),
            "must be a different country from `from`",
        ));
    }
    Ok((a, b))
}

fn simulation(v: &V, s: RawSimulation) -> R<Simulation> {
    let start = match &s.start {
        None => None,
        Some(text) => Some(parse_year_month(text).ok_or_else(|| {
            v.err(
                "simulation.start",
                format!("\"{text}\""),
                "must be a year and month as \"YYYY-MM\"",
            )
        })?),
    };
    let seed = s.seed.unwrap_or(1);
    if seed < 0 {
        return Err(v.err(
            "simulation.seed",
            seed,
            "must be a whole number of at least 0",
        ));
    }
    Ok(Simulation {
        steps: v.int(
            "simulation.steps",
            s.steps,
            120,
            1,
            i64::from(crate::agent::MAX_STEPS),
        )?,
        start,
        step_months: v.int("simulation.step_months", s.step_months, 1, 1, 12)?,
        seed: seed as u64,
        replications: v.int("simulation.replications", s.replications, 1, 1, 10_000)?,
        scale: v.range("simulation.scale", s.scale, 1.0, 1e-6, 1000.0)?,
    })
}

fn parse_year_month(text: &str) -> Option<YearMonth> {
    let (y, m) = text.split_once('-')?;
    let year: i32 = y.parse().ok()?;
    let month: u32 = m.parse().ok()?;
    ((1..=12).contains(&month) && (1000..=9999).contains(&year))
        .then_some(YearMonth { year, month })
}

fn demand(
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
