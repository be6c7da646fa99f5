//! Reading `[[policy]]` blocks: each becomes a typed [`Policy`], or one error naming the file,
//! the key (`policy[i].field`), the value and the rule. Unknown keys are refused per kind. The
//! common keys (window, reach, costs, budgets) are read here; each kind's own keys by its module
//! in [`super::kinds`], through the typed getters of [`Block`].

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use super::{Groups, Kind, Policy, KINDS};
use crate::error::ScenarioError;
use crate::scenario::raw::RawPolicy;

/// Most `[[policy]]` blocks in one scenario: participation is a bit per policy in each worker.
pub const MAX_POLICIES: usize = 8;

/// What parsing needs to know of the scenario: names to ids, sizes, and the error builder.
pub struct Context<'a> {
    pub regions: &'a HashMap<String, usize>,
    pub sectors: &'a HashMap<String, usize>,
    pub countries: &'a HashMap<String, usize>,
    pub languages: &'a [String],
    pub regulated_mask: u32,
    pub fund_mask: u32,
    pub step_months: u32,
    pub err: &'a dyn Fn(&str, &str, &str) -> ScenarioError,
}

type R<T> = Result<T, ScenarioError>;

/// One block's keys, with a record of which were read, so that keys nobody read are refused.
pub struct Block<'a> {
    i: usize,
    table: &'a toml::Table,
    used: RefCell<BTreeSet<String>>,
    pub ctx: &'a Context<'a>,
}

impl Block<'_> {
    pub fn key(&self, field: &str) -> String {
        format!("policy[{}].{field}", self.i)
    }

    pub fn err(&self, field: &str, value: impl ToString, rule: &str) -> ScenarioError {
        (self.ctx.err)(&self.key(field), &value.to_string(), rule)
    }

    pub fn get(&self, field: &str) -> Option<&toml::Value> {
        self.used.borrow_mut().insert(field.to_string());
        self.table.get(field)
    }

    pub fn num(&self, field: &str, default: f64, lo: f64, hi: f64) -> R<f64> {
        match self.get(field) {
            None => Ok(default),
            Some(v) => {
                let x = match v {
                    toml::Value::Float(f) => *f,
                    toml::Value::Integer(i) => *i as f64,
                    other => return Err(self.err(field, other, "must be a number")),
                };
                if !x.is_finite() || x < lo || x > hi {
                    let rule = if hi == f64::INFINITY {
                        format!("must be a finite number of at least {lo}")
                    } else {
                        format!("must be a number from {lo} to {hi}")
                    };
                    return Err(self.err(field, x, &rule));
                }
                Ok(x)
            }
        }
    }

    pub fn opt_num(&self, field: &str, lo: f64, hi: f64) -> R<Option<f64>> {
        if self.table.contains_key(field) {
            self.num(field, 0.0, lo, hi).map(Some)
        } else {
            self.used.borrow_mut().insert(field.to_string());
            Ok(None)
        }
    }

    pub fn int(&self, field: &str, default: i64, lo: i64, hi: i64) -> R<u32> {
        match self.get(field) {
            None => Ok(default as u32),
            Some(toml::Value::Integer(x)) if (lo..=hi).contains(x) => Ok(*x as u32),
            Some(v) => Err(self.err(
                field,
                v,
                &format!("must be a whole number from {lo} to {hi}"),
            )),
        }
    }

    pub fn boolean(&self, field: &str, default: bool) -> R<bool> {
        match self.get(field) {
            None => Ok(default),
            Some(toml::Value::Boolean(b)) => Ok(*b),
            Some(v) => Err(self.err(field, v, "must be true or false")),
        }
    }

    pub fn strings(&self, field: &str) -> R<Option<Vec<String>>> {
        match self.get(field) {
            None => Ok(None),
            Some(toml::Value::Array(items)) => items
                .iter()
                .map(|x| match x {
                    toml::Value::String(s) => Ok(s.clone()),
                    other => Err(self.err(field, other, "must be a list of names")),
                })
                .collect::<R<Vec<_>>>()
                .map(Some),
            Some(v) => Err(self.err(field, v, "must be a list of names, e.g. [\"a\", \"b\"]")),
        }
    }

    pub fn string(&self, field: &str) -> R<Option<String>> {
        match self.get(field) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(self.err(field, v, "must be a string")),
        }
    }

    pub fn lookup(
        &self,
        field: &str,
        name: &str,
        map: &HashMap<String, usize>,
        what: &str,
    ) -> R<usize> {
        map.get(name).copied().ok_or_else(|| {
            let mut known: Vec<&str> = map.keys().map(|s| s.as_str()).collect();
            known.sort();
            self.err(
                field,
                format!("\"{name}\""),
                &format!(
                    "names no {what} of this scenario (known: {})",
                    known.join(", ")
                ),
            )
        })
    }

    /// A bit set of sectors from a list of names; `None` when the key is absent.
    pub fn sector_mask(&self, field: &str) -> R<Option<u32>> {
        let Some(names) = self.strings(field)? else {
            return Ok(None);
        };
        let mut mask = 0u32;
        for n in &names {
            mask |= 1 << self.lookup(field, n, self.ctx.sectors, "sector")?;
        }
        Ok(Some(mask))
    }

    /// Ordered country pairs from `countries = ["NL", "DE"]`: both directions between all listed.
    pub fn country_pairs(&self, field: &str) -> R<Vec<(usize, usize)>> {
        let names = self.strings(field)?.ok_or_else(|| {
            self.err(
                field,
                "(missing)",
                "list at least two countries, e.g. [\"NL\", \"DE\"]",
            )
        })?;
        let ids = names
            .iter()
            .map(|n| self.lookup(field, n, self.ctx.countries, "country"))
            .collect::<R<Vec<_>>>()?;
        let unique: BTreeSet<usize> = ids.iter().copied().collect();
        if unique.len() < 2 {
            return Err(self.err(
                field,
                format!("{names:?}"),
                "list at least two different countries",
            ));
        }
        let mut pairs = Vec::new();
        for &a in &unique {
            for &b in &unique {
                if a != b {
                    pairs.push((a, b));
                }
            }
        }
        Ok(pairs)
    }

    pub fn months(&self, field: &str, default: i64) -> R<u32> {
        Ok(self
            .int(field, default, 1, 120)?
            .div_ceil(self.ctx.step_months)
            .max(1))
    }

    /// Refuse keys nobody read.
    fn finish(&self, kind: &str) -> R<()> {
        let used = self.used.borrow();
        if let Some(unknown) = self.table.keys().find(|k| !used.contains(*k)) {
            let mut known: Vec<&String> = used.iter().collect();
            known.sort();
            let known: Vec<&str> = known.iter().map(|s| s.as_str()).collect();
            return Err(self.err(
                unknown,
                &self.table[unknown],
                &format!(
                    "unknown key for a `{kind}` policy (known: kind, {})",
                    known.join(", ")
                ),
            ));
        }
        Ok(())
    }
}

/// Parse every `[[policy]]` block.
pub fn parse(raw: &[RawPolicy], ctx: &Context) -> R<Vec<Policy>> {
    if raw.len() > MAX_POLICIES {
        return Err((ctx.err)(
            "policy",
            &raw.len().to_string(),
            &format!("at most {MAX_POLICIES} [[policy]] blocks are supported"),
        ));
    }
    let mut out: Vec<Policy> = Vec::new();
    for (i, p) in raw.iter().enumerate() {
        let b = Block {
            i,
            table: &p.fields,
            used: RefCell::new(BTreeSet::new()),
            ctx,
        };
        let kind_name = p.kind.as_deref().ok_or_else(|| {
            (ctx.err)(
                &format!("policy[{i}].kind"),
                "(missing)",
                "every [[policy]] block needs a `kind`",
            )
        })?;
        let policy = one(&b, kind_name)?;
        b.finish(kind_name)?;
        // `all` names every participant together in a comparison's evaluation
        // (`evaluation.csv`, `effect_curve.csv`), so no policy may take it.
        if policy.name == "all" {
            return Err(b.err(
                "name",
                "\"all\"",
                "\"all\" is reserved for all participants together in a comparison's evaluation",
            ));
        }
        if out.iter().any(|q| q.name == policy.name) {
            return Err(b.err(
                "name",
                format!("\"{}\"", policy.name),
                "policy names must be unique",
            ));
        }
        out.push(policy);
    }
    Ok(out)
}

fn one(b: &Block, kind_name: &str) -> R<Policy> {
    let kind = Kind::parse(kind_name, b).unwrap_or_else(|| {
        Err(b.err(
            "kind",
            format!("\"{kind_name}\""),
            &format!("unknown policy kind (known: {})", KINDS.join(", ")),
        ))
    })?;
    let default_groups = Kind::default_groups(kind_name);

    let start = b.int("start", 1, 0, i64::from(crate::agent::MAX_STEPS))?;
    let end = b.int(
        "end",
        i64::from(crate::agent::MAX_STEPS),
        0,
        i64::from(crate::agent::MAX_STEPS),
    )?;
    if end < start {
        return Err(b.err("end", end, &format!("must not be before start ({start})")));
    }
    let regions = match b.strings("regions")? {
        None => None,
        // An empty list means every region, as in `demand.shock`.
        Some(names) if names.is_empty() => None,
        Some(names) => {
            let mut set = vec![false; b.ctx.regions.len()];
            for n in &names {
                set[b.lookup("regions", n, b.ctx.regions, "region")?] = true;
            }
            Some(set)
        }
    };
    let sectors = b
        .sector_mask("sectors")?
        .filter(|&mask| mask != 0)
        .unwrap_or(u32::MAX);
    let group_names = b
        .strings("groups")?
        .unwrap_or_else(|| default_groups.iter().map(|s| s.to_string()).collect());
    let mut groups = Groups::default();
    for g in &group_names {
        match g.as_str() {
            "unemployed" => groups.status |= Groups::UNEMPLOYED,
            "employed" => groups.status |= Groups::EMPLOYED,
            "at_risk" => groups.status |= Groups::AT_RISK,
            "self_employed" => groups.status |= Groups::SELF_EMPLOYED,
            "under_27" => groups.ages |= 1,
            "age_27_49" => groups.ages |= 2,
            "age_50_plus" => groups.ages |= 4,
            other => {
                return Err(b.err(
                    "groups",
                    format!("\"{other}\""),
                    "unknown group (known: unemployed, employed, at_risk, self_employed, under_27, age_27_49, age_50_plus)",
                ))
            }
        }
    }
    if groups.status == 0 {
        groups.status = Groups::UNEMPLOYED | Groups::EMPLOYED | Groups::SELF_EMPLOYED;
    }
    if groups.ages == 0 {
        groups.ages = 7;
    }
    let name = b.string("name")?.unwrap_or_else(|| kind_name.to_string());
    let pacing = b.string("pacing")?;
    let paced = match pacing.as_deref() {
        None | Some("even") => true,
        Some("none") => false,
        Some(other) => {
            return Err(b.err(
                "pacing",
                format!("\"{other}\""),
                "unknown pacing (known: even, none)",
            ))
        }
    };
    let caseload = b.opt_num("caseload", 0.0, f64::INFINITY)?;
    if let Some(c) = caseload.filter(|&c| c <= 0.0) {
        return Err(b.err(
            "caseload",
            c,
            "must be positive (leave it out for no limit)",
        ));
    }
    let at_risk_first = match b.string("priority")?.as_deref() {
        None | Some("none") => false,
        Some("at_risk") => true,
        Some(other) => {
            return Err(b.err(
                "priority",
                format!("\"{other}\""),
                "unknown priority (known: none, at_risk)",
            ))
        }
    };
    let max_steps = if b.table.contains_key("max_months") {
        Some(b.months("max_months", 1)?)
    } else {
        None
    };
    if !kind.enrols() {
        let rule = format!("only for kinds with participants, not {kind_name}");
        if let Some(c) = caseload {
            return Err(b.err("caseload", c, &rule));
        }
        if b.table.contains_key("max_months") {
            return Err(b.err("max_months", b.table["max_months"].clone(), &rule));
        }
        if let Some(p) = b.table.get("priority") {
            return Err(b.err("priority", p.clone(), &rule));
        }
        // A training subsidy and an opened fund pay courses from a budget, paced like enrolments.
        let pays_courses = matches!(kind_name, "training_subsidy" | "open_training_funds");
        if let Some(p) = pacing.filter(|_| !pays_courses) {
            return Err(b.err(
                "pacing",
                format!("\"{p}\""),
                &format!("only for kinds with participants or that pay courses, not {kind_name}"),
            ));
        }
    }
    Ok(Policy {
        name,
        kind,
        start,
        end,
        regions,
        sectors,
        groups,
        coverage: b.num("coverage", 1.0, 0.0, 1.0)?,
        cost_per_participant: b.num("cost_per_participant", 0.0, 0.0, f64::INFINITY)?,
        cost_per_placement: b.num("cost_per_placement", 0.0, 0.0, f64::INFINITY)?,
        cost_per_year: b.num("cost_per_year", 0.0, 0.0, f64::INFINITY)?,
        budget: b.opt_num("budget", 0.0, f64::INFINITY)?,
        budget_per_year: b.opt_num("budget_per_year", 0.0, f64::INFINITY)?,
        caseload,
        max_steps,
        at_risk_first,
        paced,
    })
}
