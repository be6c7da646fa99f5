//! Reading a sweep file: TOML to a checked [`Sweep`], every rule broken named with its key.
//!
//! The format is documented key by key in `docs/SWEEPS.md`; keep the two in step.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::design::{Design, Values};
use super::{Outcomes, Parameter, Sweep, SweepError};
use crate::output::Metrics;
use crate::scenario::keypath::KeyPath;
use crate::scenario::Override;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    name: Option<String>,
    description: Option<String>,
    scenarios: Option<Vec<String>>,
    replications: Option<i64>,
    seed: Option<i64>,
    common_random_numbers: Option<bool>,
    set: Option<toml::Table>,
    design: Option<RawDesign>,
    #[serde(default)]
    parameter: Vec<RawParameter>,
    outcomes: Option<RawOutcomes>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDesign {
    kind: Option<String>,
    points: Option<i64>,
    seed: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    key: Option<String>,
    values: Option<Vec<toml::Value>>,
    range: Option<RawRange>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    from: Option<toml::Value>,
    to: Option<toml::Value>,
    step: Option<toml::Value>,
    count: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutcomes {
    measures: Option<Vec<String>>,
    from_step: Option<i64>,
    to_step: Option<i64>,
}

/// Measures `summary.csv` reports when the sweep file does not choose.
pub const DEFAULT_MEASURES: [&str; 10] = [
    "unemployment_rate",
    "vacancy_rate",
    "job_to_job",
    "policy_spending",
    "tightness",
    "hires_from_unemployment",
    "cross_sector_moves",
    "cross_border_commuters_out",
    "long_term_unemployed",
    "benefit_spending",
];

/// A measure that is not a column of `series.csv`: total policy spending per step, from
/// `policies.csv`.
pub const POLICY_SPENDING: &str = "policy_spending";

/// Most replications and grid values a sweep may ask for.
const MAX_REPLICATIONS: i64 = 10_000;
const MAX_VALUES: usize = 100_000;

struct Checker<'a> {
    file: &'a Path,
}

impl Checker<'_> {
    fn err(&self, key: &str, value: impl std::fmt::Display, rule: &str) -> SweepError {
        SweepError::File {
            file: self.file.to_path_buf(),
            message: format!("key `{key}` = {value}: {rule}"),
        }
    }

    fn number(&self, key: &str, v: &toml::Value) -> Result<(f64, bool), SweepError> {
        match v {
            toml::Value::Integer(i) => Ok((*i as f64, true)),
            toml::Value::Float(x) if x.is_finite() => Ok((*x, false)),
            other => Err(self.err(key, other, "must be a finite number")),
        }
    }
}

/// Read and check the sweep file at `path`. Scenario paths are taken relative to the sweep
/// file's directory. Scenarios themselves are read when the plan is made.
pub fn load(path: &Path) -> Result<Sweep, SweepError> {
    let text = crate::input::read_text(path).map_err(|e| SweepError::File {
        file: path.to_path_buf(),
        message: format!("cannot read the sweep file: {e}"),
    })?;
    parse(path, &text)
}

/// Check the text of a sweep file (`path` names it in messages and anchors scenario paths).
pub fn parse(path: &Path, text: &str) -> Result<Sweep, SweepError> {
    let c = Checker { file: path };
    let raw: RawSweep = toml::from_str(text).map_err(|e| SweepError::File {
        file: path.to_path_buf(),
        message: format!(
            "not a valid sweep file: {}",
            crate::input::toml_error(&e, text)
        ),
    })?;

    let name = match raw.name {
        Some(n) if !crate::input::is_output_name(&n) => {
            return Err(c.err("name", format!("{n:?}"), crate::input::NAME_RULE))
        }
        Some(n) => n,
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sweep".into()),
    };

    let dir = path.parent().unwrap_or(Path::new(""));
    let scenarios: Vec<PathBuf> = match raw.scenarios {
        None => return Err(c.err("scenarios", "(missing)", "name at least one scenario file")),
        Some(list) if list.is_empty() => {
            return Err(c.err("scenarios", "[]", "name at least one scenario file"))
        }
        Some(list) => list.iter().map(|s| dir.join(s)).collect(),
    };
    for (i, s) in scenarios.iter().enumerate() {
        if !s.is_file() {
            return Err(c.err(
                &format!("scenarios[{i}]"),
                format!("\"{}\"", s.display()),
                "no such scenario file (paths are relative to the sweep file)",
            ));
        }
    }

    let replications = raw.replications.unwrap_or(1);
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return Err(c.err(
            "replications",
            replications,
            &format!("must be a whole number from 1 to {MAX_REPLICATIONS}"),
        ));
    }
    let seed = raw.seed.unwrap_or(1);
    if seed < 0 {
        return Err(c.err("seed", seed, "must be a whole number of at least 0"));
    }

    let mut fixed = Vec::new();
    if let Some(set) = raw.set {
        let paths = crate::scenario::keypath::flatten_set(&set)
            .map_err(|(key, value, rule)| c.err(&key, value, &rule))?;
        fixed.extend(paths.into_iter().map(|(key, value)| Override {
            key,
            value,
            origin: c.file.to_path_buf(),
        }));
    }

    let raw_design = raw.design.unwrap_or(RawDesign {
        kind: None,
        points: None,
        seed: None,
    });
    let latin = match raw_design.kind.as_deref() {
        None | Some("grid") => false,
        Some("latin_hypercube") => true,
        Some(other) => {
            return Err(c.err(
                "design.kind",
                format!("\"{other}\""),
                "must be \"grid\" or \"latin_hypercube\"",
            ))
        }
    };
    let design = if latin {
        let points = raw_design.points.ok_or_else(|| {
            c.err(
                "design.points",
                "(missing)",
                "a Latin hypercube needs its number of points",
            )
        })?;
        if !(1..=super::MAX_RUNS as i64).contains(&points) {
            return Err(c.err(
                "design.points",
                points,
                &format!("must be a whole number from 1 to {}", super::MAX_RUNS),
            ));
        }
        let dseed = raw_design.seed.unwrap_or(seed);
        if dseed < 0 {
            return Err(c.err("design.seed", dseed, "must be a whole number of at least 0"));
        }
        Design::LatinHypercube {
            points: points as usize,
            seed: dseed as u64,
        }
    } else {
        if let Some(p) = raw_design.points {
            return Err(c.err(
                "design.points",
                p,
                "only a Latin hypercube has a number of points; a grid takes every combination",
            ));
        }
        Design::Grid
    };

    let mut parameters: Vec<Parameter> = Vec::new();
    for (i, p) in raw.parameter.into_iter().enumerate() {
        let at = |k: &str| format!("parameter[{i}].{k}");
        let text = p
            .key
            .ok_or_else(|| c.err(&at("key"), "(missing)", "name the key path to vary"))?;
        let key = KeyPath::parse(&text).map_err(|e| {
            c.err(
                &at("key"),
                format!("\"{text}\""),
                &format!("not a key path ({e}); write e.g. \"mechanics.on_the_job_search\""),
            )
        })?;
        if parameters.iter().any(|q| q.key == key) {
            return Err(c.err(&at("key"), format!("\"{text}\""), "is varied twice"));
        }
        let values = match (p.values, p.range) {
            (Some(_), Some(_)) => {
                return Err(c.err(
                    &at("values"),
                    "(and range)",
                    "give either `values` or `range`, not both",
                ))
            }
            (None, None) => {
                return Err(c.err(
                    &at("values"),
                    "(missing)",
                    "give `values = [...]` or `range = { from = ..., to = ..., step = ... }`",
                ))
            }
            (Some(list), None) => {
                if list.is_empty() {
                    return Err(c.err(&at("values"), "[]", "the list of values is empty"));
                }
                if list.len() > MAX_VALUES {
                    return Err(c.err(
                        &at("values"),
                        format!("({} values)", list.len()),
                        &format!("at most {MAX_VALUES} values"),
                    ));
                }
                if latin {
                    return Err(c.err(
                        &at("values"),
                        "[...]",
                        "a Latin hypercube draws values from `range = { from = ..., to = ... }`, not from a list",
                    ));
                }
                Values::List(list)
            }
            (None, Some(r)) => range(&c, &at("range"), r, latin)?,
        };
        parameters.push(Parameter { key, values });
    }
    if latin && parameters.is_empty() {
        return Err(c.err(
            "design.kind",
            "\"latin_hypercube\"",
            "needs at least one [[parameter]] with a range",
        ));
    }
    for f in &fixed {
        if parameters.iter().any(|p| p.key == f.key) {
            return Err(c.err(
                &format!("set.{}", f.key),
                &f.value,
                "is also a swept [[parameter]]; drop one of the two",
            ));
        }
    }

    let raw_out = raw.outcomes.unwrap_or(RawOutcomes {
        measures: None,
        from_step: None,
        to_step: None,
    });
    let measures: Vec<String> = match raw_out.measures {
        Some(m) if m.is_empty() => {
            return Err(c.err("outcomes.measures", "[]", "name at least one measure"))
        }
        Some(m) => m,
        None => DEFAULT_MEASURES.iter().map(|s| s.to_string()).collect(),
    };
    for m in &measures {
        if m != POLICY_SPENDING && !Metrics::NAMES.contains(&m.as_str()) {
            return Err(c.err(
                "outcomes.measures",
                format!("\"{m}\""),
                &format!(
                    "not a measure; use a column of series.csv ({}) or \"{POLICY_SPENDING}\"",
                    Metrics::NAMES.join(", ")
                ),
            ));
        }
    }
    let from_step = raw_out.from_step.unwrap_or(1);
    if !(1..=i64::from(u32::MAX)).contains(&from_step) {
        return Err(c.err(
            "outcomes.from_step",
            from_step,
            "must be a step of at least 1 (step 0 is the initial state)",
        ));
    }
    let to_step = match raw_out.to_step {
        Some(t) if t < from_step || t > i64::from(u32::MAX) => {
            return Err(c.err(
                "outcomes.to_step",
                t,
                &format!(
                "must be a step of at least outcomes.from_step ({from_step}): the window is empty"
            ),
            ))
        }
        t => t.map(|t| t as u32),
    };

    Ok(Sweep {
        file: path.to_path_buf(),
        name,
        description: raw.description.unwrap_or_default(),
        scenarios,
        replications: replications as u32,
        seed: seed as u64,
        common_random_numbers: raw.common_random_numbers.unwrap_or(true),
        fixed,
        design,
        parameters,
        outcomes: Outcomes {
            measures,
            from_step: from_step as u32,
            to_step,
        },
    })
}

/// A `range = {...}` table: `from` and `to`, with `step` or `count` on a grid, neither in a
/// Latin hypercube.
fn range(c: &Checker, at: &str, r: RawRange, latin: bool) -> Result<Values, SweepError> {
    let from_v = r
        .from
        .ok_or_else(|| c.err(&format!("{at}.from"), "(missing)", "a range needs `from`"))?;
    let to_v =
        r.to.ok_or_else(|| c.err(&format!("{at}.to"), "(missing)", "a range needs `to`"))?;
    let (from, int_from) = c.number(&format!("{at}.from"), &from_v)?;
    let (to, int_to) = c.number(&format!("{at}.to"), &to_v)?;
    if from > to {
        return Err(c.err(
            &format!("{at}.from"),
            from_v,
            &format!("must not be above `to` ({to_v})"),
        ));
    }
    if latin {
        if r.step.is_some() || r.count.is_some() {
            return Err(c.err(
                at,
                "{ step/count }",
                "a Latin hypercube draws its own values: give only `from` and `to`",
            ));
        }
        return Ok(Values::Bounds {
            from,
            to,
            integer: int_from && int_to,
        });
    }
    match (r.step, r.count) {
        (Some(_), Some(_)) => Err(c.err(at, "{ step, count }", "give `step` or `count`, not both")),
        (None, None) => Err(c.err(
            at,
            "{ from, to }",
            "a grid range needs `step` or `count` (only a Latin hypercube takes bare bounds)",
        )),
        (Some(step_v), None) => {
            let (step, int_step) = c.number(&format!("{at}.step"), &step_v)?;
            if step <= 0.0 {
                return Err(c.err(&format!("{at}.step"), step_v, "must be above 0"));
            }
            let v = Values::Step {
                from,
                to,
                step,
                integer: int_from && int_to && int_step,
            };
            if v.len().unwrap_or(0) > MAX_VALUES {
                return Err(c.err(
                    &format!("{at}.step"),
                    step_v,
                    &format!("gives more than {MAX_VALUES} values"),
                ));
            }
            Ok(v)
        }
        (None, Some(count)) => {
            if !(1..=MAX_VALUES as i64).contains(&count) {
                return Err(c.err(
                    &format!("{at}.count"),
                    count,
                    &format!("must be a whole number from 1 to {MAX_VALUES}"),
                ));
            }
            if from == to && count > 1 {
                return Err(c.err(
                    &format!("{at}.count"),
                    count,
                    "a range with `from` = `to` has one value",
                ));
            }
            if int_from && int_to && count as f64 > to - from + 1.0 {
                return Err(c.err(
                    &format!("{at}.count"),
                    count,
                    &format!(
                        "a whole-number range from {from} to {to} has only {} values",
                        to - from + 1.0
                    ),
                ));
            }
            Ok(Values::Count {
                from,
                to,
                count: count as usize,
                integer: int_from && int_to,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(Path::new("s.toml"), text).unwrap_err().to_string()
    }

    #[test]
    fn rules_are_named_with_their_key() {
        let base = "scenarios = [\"Cargo.toml\"]\n";
        let cases = [
            ("", "scenarios"),
            ("scenarios = []", "name at least one scenario"),
            ("scenarios = [\"nope.toml\"]", "no such scenario file"),
            (
                &format!("{base}[[parameter]]\nkey = \"a.b\"\nvalues = []"),
                "parameter[0].values` = []: the list of values is empty",
            ),
            (
                &format!("{base}[design]\nkind = \"latin_hypercube\"\npoints = 0\n[[parameter]]\nkey = \"a\"\nrange = {{ from = 0, to = 1 }}"),
                "design.points` = 0",
            ),
            (
                &format!("{base}[design]\nkind = \"latin_hypercube\"\n"),
                "design.points` = (missing)",
            ),
            (
                &format!("{base}[[parameter]]\nkey = \"a..b\"\nvalues = [1]"),
                "not a key path",
            ),
            (
                &format!("{base}[[parameter]]\nkey = \"a\"\nrange = {{ from = 2, to = 1, step = 1 }}"),
                "must not be above `to`",
            ),
            (
                &format!("{base}[[parameter]]\nkey = \"a\"\nrange = {{ from = 0, to = 1, step = 0 }}"),
                "step` = 0: must be above 0",
            ),
            (
                &format!("{base}[[parameter]]\nkey = \"a\"\nrange = {{ from = 0, to = 1 }}"),
                "needs `step` or `count`",
            ),
            (
                &format!("{base}[[parameter]]\nkey = \"a\"\nrange = {{ from = 0.0, to = 1.0, step = 1e-300 }}"),
                "gives more than 100000 values",
            ),
            (
                &format!("{base}[[parameter]]\nkey = \"a\"\nrange = {{ from = 1, to = 3, count = 5 }}"),
                "has only 3 values",
            ),
            (
                &format!("{base}[outcomes]\nmeasures = [\"happiness\"]"),
                "\"happiness\": not a measure",
            ),
            (
                &format!("{base}[outcomes]\nfrom_step = 10\nto_step = 5"),
                "the window is empty",
            ),
            (&format!("{base}replications = 0"), "replications` = 0"),
            (&format!("{base}colour = 1"), "unknown field `colour`"),
        ];
        for (text, expected) in cases {
            let e = err(text);
            assert!(e.contains(expected), "{text:?}: {e}");
            assert!(e.starts_with("s.toml: "), "{e}");
        }
    }

    #[test]
    fn a_good_file_gives_its_values() {
        let s = parse(
            Path::new("s.toml"),
            "scenarios = [\"Cargo.toml\"]\nreplications = 3\n\
             [set]\n\"simulation.steps\" = 12\n[set.mechanics]\napplications = 3\n\
             [set.policy.\"Open funds\"]\ncoverage = 0.5\n\
             [[parameter]]\nkey = \"mechanics.on_the_job_search\"\nrange = { from = 0.0, to = 0.1, count = 3 }\n",
        )
        .unwrap();
        assert_eq!(s.name, "s");
        assert_eq!(s.replications, 3);
        let fixed: Vec<String> = s.fixed.iter().map(|o| o.key.to_string()).collect();
        assert_eq!(
            fixed,
            [
                "mechanics.applications",
                "policy.\"Open funds\".coverage",
                "simulation.steps"
            ]
        );
        assert_eq!(s.parameters[0].values.len(), Some(3));
        assert_eq!(s.outcomes.measures.len(), DEFAULT_MEASURES.len());
    }
}
