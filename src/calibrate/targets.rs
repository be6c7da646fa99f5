//! Reading a targets file: the moments to match (metric, level, key, value, tolerance, weight,
//! window, source) and the free parameters (key path and bounds), every rule broken named with
//! its key. The format is documented key by key in `docs/CALIBRATION.md`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::scenario::keypath::KeyPath;

/// A targets file that cannot be read or breaks a rule: exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct TargetsError {
    pub file: PathBuf,
    pub message: String,
}

/// What a moment measures. Rates are per month, shares per year, counts in persons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    UnemploymentRate,
    VacancyRate,
    Tightness,
    /// Hires from unemployment per unemployed person per month.
    UnemploymentToJob,
    /// Separations into unemployment per employed person per month.
    JobToUnemployment,
    /// Employer changes per employed person per month.
    JobToJob,
    /// Moves into another sector per employed person per year.
    SectorChangePerYear,
    /// Open vacancies over vacancies filled or expired per month (Little's law), in months.
    VacancyDurationMonths,
    /// Employed persons living in one country and working in another (`level = "pair"`,
    /// `key = "DE-NL"`: home-work).
    CrossBorderCommuters,
    /// Gross job creation per filled job per month (with `[employers]`).
    JobCreation,
    /// Gross job destruction per filled job per month (with `[employers]`).
    JobDestruction,
    /// Of the hires from unemployment of workers with a completed course, the share into the
    /// sector of their last course.
    RetrainedInCourseSector,
    /// The job-finding rate of those without work (unemployed or attached inactive) in months
    /// 7-12 since their last job over that in months 1-6 (hires over them at the start of the
    /// step, each pooled over the window): how far job finding falls with time without work,
    /// as in a cohort of job losers followed in calendar time.
    JobFindingDecline,
}

/// Every metric with its name in a targets file.
pub const METRICS: [(&str, Metric); 13] = [
    ("unemployment_rate", Metric::UnemploymentRate),
    ("vacancy_rate", Metric::VacancyRate),
    ("tightness", Metric::Tightness),
    ("unemployment_to_job", Metric::UnemploymentToJob),
    ("job_to_unemployment", Metric::JobToUnemployment),
    ("job_to_job", Metric::JobToJob),
    ("sector_change_per_year", Metric::SectorChangePerYear),
    ("vacancy_duration_months", Metric::VacancyDurationMonths),
    ("cross_border_commuters", Metric::CrossBorderCommuters),
    ("job_creation", Metric::JobCreation),
    ("job_destruction", Metric::JobDestruction),
    (
        "retrained_in_course_sector",
        Metric::RetrainedInCourseSector,
    ),
    ("job_finding_decline", Metric::JobFindingDecline),
];

impl Metric {
    /// The largest value the metric can take, or the largest a target may state: rates per
    /// person per month are at most 1, sector changes at most 12 a year; tightness, vacancy
    /// durations and commuter counts have no natural bound and get generous ones.
    pub fn max_value(self) -> f64 {
        match self {
            Metric::UnemploymentRate
            | Metric::VacancyRate
            | Metric::UnemploymentToJob
            | Metric::JobToUnemployment
            | Metric::JobToJob
            | Metric::JobCreation
            | Metric::JobDestruction
            | Metric::RetrainedInCourseSector => 1.0,
            Metric::SectorChangePerYear => 12.0,
            Metric::JobFindingDecline => 100.0,
            Metric::Tightness => 1e6,
            Metric::VacancyDurationMonths => 1e6,
            Metric::CrossBorderCommuters => 1e9,
        }
    }

    pub fn name(self) -> &'static str {
        METRICS
            .iter()
            .find(|(_, m)| *m == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }
}

/// One moment to match.
#[derive(Clone, Debug)]
pub struct Target {
    pub name: String,
    pub metric: Metric,
    /// `total`, `country`, `region`, `sector`, or `pair` (commuters).
    pub level: String,
    pub key: String,
    pub value: f64,
    /// Largest acceptable |simulated mean - value|, in the metric's unit.
    pub tolerance: f64,
    pub weight: f64,
    pub from_step: u32,
    pub to_step: Option<u32>,
    pub source: String,
    /// `false`: an out-of-sample check, reported but not fitted and not guarded by `--check`.
    pub fit: bool,
}

/// A free parameter: a key path and its bounds.
#[derive(Clone, Debug)]
pub struct FreeParameter {
    pub key: KeyPath,
    pub lower: f64,
    pub upper: f64,
    /// Both bounds are TOML integers: the parameter takes whole values.
    pub integer: bool,
    /// The fitted target this parameter moves most (its index in [`Targets::targets`]) and the
    /// direction: +1 if raising the parameter raises the target's moment, -1 if it lowers it.
    /// Paired parameters are first solved by a damped fixed point (`search::pairs`).
    pub moves: Option<(usize, f64)>,
}

/// A targets file, checked (levels and keys are checked against a scenario later).
#[derive(Clone, Debug)]
pub struct Targets {
    pub file: PathBuf,
    pub name: String,
    pub description: String,
    pub replications: u32,
    pub seed: Option<u64>,
    pub targets: Vec<Target>,
    pub parameters: Vec<FreeParameter>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTargets {
    name: Option<String>,
    description: Option<String>,
    replications: Option<i64>,
    seed: Option<i64>,
    window: Option<RawWindow>,
    #[serde(default)]
    target: Vec<RawTarget>,
    #[serde(default)]
    parameter: Vec<RawParameter>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    from_step: Option<i64>,
    to_step: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: Option<String>,
    metric: Option<String>,
    level: Option<String>,
    key: Option<String>,
    value: Option<f64>,
    tolerance: Option<f64>,
    weight: Option<f64>,
    from_step: Option<i64>,
    to_step: Option<i64>,
    source: Option<String>,
    fit: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    key: Option<String>,
    lower: Option<toml::Value>,
    upper: Option<toml::Value>,
    moves: Option<String>,
    raises: Option<bool>,
}

/// Smallest tolerance, as a share of the metric's largest value ([`Metric::max_value`]).
pub const MIN_TOLERANCE_SHARE: f64 = 1e-9;

/// Largest weight of a target in the objective.
pub const MAX_WEIGHT: f64 = 1e6;

/// Read and check the targets file at `path`.
pub fn load(path: &Path) -> Result<Targets, TargetsError> {
    let text = crate::input::read_text(path).map_err(|e| TargetsError {
        file: path.to_path_buf(),
        message: format!("cannot read the targets file: {e}"),
    })?;
    parse(path, &text)
}

/// Check the text of a targets file (`path` names it in messages).
pub fn parse(path: &Path, text: &str) -> Result<Targets, TargetsError> {
    let err = |key: &str, value: &dyn std::fmt::Display, rule: &str| TargetsError {
        file: path.to_path_buf(),
        message: format!("key `{key}` = {value}: {rule}"),
    };
    let raw: RawTargets = toml::from_str(text).map_err(|e| TargetsError {
        file: path.to_path_buf(),
        message: format!(
            "not a valid targets file: {}",
            crate::input::toml_error(&e, text)
        ),
    })?;
    let replications = raw.replications.unwrap_or(2);
    if !(1..=1000).contains(&replications) {
        return Err(err(
            "replications",
            &replications,
            "must be a whole number from 1 to 1000",
        ));
    }
    let seed = match raw.seed {
        Some(s) if s < 0 => return Err(err("seed", &s, "must be a whole number of at least 0")),
        s => s.map(|s| s as u64),
    };
    let window = raw.window.unwrap_or_default();
    let step =
        |key: &str, x: Option<i64>, default: Option<i64>| -> Result<Option<i64>, TargetsError> {
            match x.or(default) {
                Some(s) if !(1..=i64::from(u32::MAX)).contains(&s) => Err(err(
                    key,
                    &s,
                    "must be a step of at least 1 (step 0 is the initial state)",
                )),
                s => Ok(s),
            }
        };
    let default_from = step("window.from_step", window.from_step, None)?;
    let default_to = step("window.to_step", window.to_step, None)?;

    if raw.target.is_empty() {
        return Err(err("target", &"[]", "list at least one [[target]]"));
    }
    let mut targets = Vec::new();
    for (i, t) in raw.target.into_iter().enumerate() {
        let at = |k: &str| format!("target[{i}].{k}");
        let metric_name = t
            .metric
            .ok_or_else(|| err(&at("metric"), &"(missing)", "name the metric"))?;
        let metric = METRICS
            .iter()
            .find(|(n, _)| *n == metric_name)
            .map(|(_, m)| *m)
            .ok_or_else(|| {
                let known: Vec<&str> = METRICS.iter().map(|(n, _)| *n).collect();
                err(
                    &at("metric"),
                    &format!("\"{metric_name}\""),
                    &format!("unknown metric (known: {})", known.join(", ")),
                )
            })?;
        let level = t.level.unwrap_or_else(|| {
            if metric == Metric::CrossBorderCommuters {
                "pair".into()
            } else {
                "total".into()
            }
        });
        let levels: &[&str] = match metric {
            Metric::CrossBorderCommuters => &["pair"],
            Metric::SectorChangePerYear => &["total", "country", "region"],
            _ => &["total", "country", "region", "sector", "country_sector"],
        };
        if !levels.contains(&level.as_str()) {
            return Err(err(
                &at("level"),
                &format!("\"{level}\""),
                &format!("{metric_name} is measured at level {}", levels.join(", ")),
            ));
        }
        let key = match (level.as_str(), t.key) {
            ("total", None) => "all".to_string(),
            (_, Some(k)) => k,
            (_, None) => {
                return Err(err(
                    &at("key"),
                    &"(missing)",
                    "name the country, region, sector, CODE/sector or pair (e.g. \"NL/care\", \"DE-NL\")",
                ))
            }
        };
        let value = t
            .value
            .ok_or_else(|| err(&at("value"), &"(missing)", "give the target value"))?;
        let max = metric.max_value();
        if !(0.0..=max).contains(&value) {
            return Err(err(
                &at("value"),
                &format!("{value:?}"),
                &format!("must be a number from 0 to {max} for {metric_name}"),
            ));
        }
        let tolerance = t.tolerance.ok_or_else(|| {
            err(
                &at("tolerance"),
                &"(missing)",
                "give the largest acceptable distance from the target, in the metric's unit",
            )
        })?;
        // A tolerance far below the metric's scale would make the objective, a sum of squared
        // distances in tolerances, overflow to infinity for every candidate.
        let least = max * MIN_TOLERANCE_SHARE;
        if !(least..=max).contains(&tolerance) {
            return Err(err(
                &at("tolerance"),
                &format!("{tolerance:?}"),
                &format!(
                    "must be a number from {least} to {max} for {metric_name} (above 0, \
                     and at least a billionth of the metric's largest value {max})"
                ),
            ));
        }
        let weight = t.weight.unwrap_or(1.0);
        if !(0.0..=MAX_WEIGHT).contains(&weight) {
            return Err(err(
                &at("weight"),
                &format!("{weight:?}"),
                &format!("must be a number from 0 to {MAX_WEIGHT}"),
            ));
        }
        let from_step = step(&at("from_step"), t.from_step, default_from)?.unwrap_or(1);
        let to_step = step(&at("to_step"), t.to_step, default_to)?;
        if let Some(to) = to_step {
            if to < from_step {
                return Err(err(
                    &at("to_step"),
                    &to,
                    &format!("the window is empty: it must not end before from_step ({from_step})"),
                ));
            }
        }
        targets.push(Target {
            name: t
                .name
                .unwrap_or_else(|| format!("{metric_name} {level} {key}")),
            metric,
            level,
            key,
            value,
            tolerance,
            weight,
            from_step: from_step as u32,
            to_step: to_step.map(|t| t as u32),
            source: t.source.unwrap_or_default(),
            fit: t.fit.unwrap_or(true),
        });
    }
    if !targets.iter().any(|t| t.fit) {
        return Err(err(
            "target",
            &"(all fit = false)",
            "at least one target must be fitted",
        ));
    }

    let mut parameters: Vec<FreeParameter> = Vec::new();
    for (i, p) in raw.parameter.into_iter().enumerate() {
        let at = |k: &str| format!("parameter[{i}].{k}");
        let text = p
            .key
            .ok_or_else(|| err(&at("key"), &"(missing)", "name the key path to fit"))?;
        let key = KeyPath::parse(&text).map_err(|e| {
            err(
                &at("key"),
                &format!("\"{text}\""),
                &format!("not a key path ({e})"),
            )
        })?;
        if parameters.iter().any(|q| q.key == key) {
            return Err(err(&at("key"), &format!("\"{text}\""), "is listed twice"));
        }
        let bound = |k: &str, v: Option<toml::Value>| -> Result<(f64, bool), TargetsError> {
            match v {
                Some(toml::Value::Integer(i)) => Ok((i as f64, true)),
                Some(toml::Value::Float(x)) if x.is_finite() => Ok((x, false)),
                Some(other) => Err(err(&at(k), &other, "must be a finite number")),
                None => Err(err(&at(k), &"(missing)", "give the bound")),
            }
        };
        let (lower, li) = bound("lower", p.lower)?;
        let (upper, ui) = bound("upper", p.upper)?;
        if lower >= upper {
            return Err(err(
                &at("lower"),
                &lower,
                &format!("must be below `upper` ({upper})"),
            ));
        }
        let moves = match (p.moves, p.raises) {
            (None, None) => None,
            (None, Some(r)) => {
                return Err(err(
                    &at("raises"),
                    &r,
                    "says which way the parameter moves its target: give `moves` too",
                ))
            }
            (Some(name), raises) => {
                let shown = format!("\"{name}\"");
                let named: Vec<usize> = (0..targets.len())
                    .filter(|&t| targets[t].name == name)
                    .collect();
                let t = match named.as_slice() {
                    [t] => *t,
                    [] => {
                        return Err(err(
                            &at("moves"),
                            &shown,
                            "names no target (a target's name is its `name`, else \"metric level key\", as in fit.csv)",
                        ))
                    }
                    _ => {
                        return Err(err(
                            &at("moves"),
                            &shown,
                            "names more than one target; give them distinct `name`s",
                        ))
                    }
                };
                if !targets[t].fit {
                    return Err(err(
                        &at("moves"),
                        &shown,
                        "names a target with fit = false; a parameter may only move a fitted target",
                    ));
                }
                if parameters.iter().any(|q| q.moves.map(|m| m.0) == Some(t)) {
                    return Err(err(
                        &at("moves"),
                        &shown,
                        "is moved by another parameter already; pair each target with one parameter",
                    ));
                }
                Some((t, if raises.unwrap_or(true) { 1.0 } else { -1.0 }))
            }
        };
        parameters.push(FreeParameter {
            key,
            lower,
            upper,
            integer: li && ui,
            moves,
        });
    }

    Ok(Targets {
        file: path.to_path_buf(),
        name: raw.name.unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "targets".into())
        }),
        description: raw.description.unwrap_or_default(),
        replications: replications as u32,
        seed,
        targets,
        parameters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(Path::new("t.toml"), text).unwrap_err().to_string()
    }

    const ONE: &str =
        "[[target]]\nmetric = \"unemployment_rate\"\nvalue = 0.04\ntolerance = 0.005\n";

    #[test]
    fn rules_are_named_with_their_key() {
        let cases = [
            ("", "list at least one [[target]]"),
            (
                "[[target]]\nmetric = \"happiness\"\nvalue = 1\ntolerance = 1\n",
                "`target[0].metric` = \"happiness\": unknown metric",
            ),
            (
                "[[target]]\nmetric = \"unemployment_rate\"\nlevel = \"pair\"\nvalue = 1\ntolerance = 1\n",
                "is measured at level total, country, region, sector",
            ),
            (
                "[[target]]\nmetric = \"unemployment_rate\"\nlevel = \"country\"\nvalue = 0.04\ntolerance = 0.01\n",
                "`target[0].key` = (missing)",
            ),
            (
                "[[target]]\nmetric = \"unemployment_rate\"\nvalue = 0.04\ntolerance = 0\n",
                "`target[0].tolerance` = 0.0: must be a number from 0.000000001 to 1 for unemployment_rate",
            ),
            (
                "[[target]]\nmetric = \"unemployment_rate\"\nvalue = 0.04\ntolerance = 5e-324\n",
                "`target[0].tolerance` = 5e-324: must be a number from",
            ),
            (
                "[[target]]\nmetric = \"unemployment_rate\"\nvalue = 1e308\ntolerance = 0.01\n",
                "`target[0].value` = 1e308: must be a number from 0 to 1 for unemployment_rate",
            ),
            (
                "[[target]]\nmetric = \"tightness\"\nvalue = nan\ntolerance = 0.01\n",
                "`target[0].value` = NaN: must be a number from 0 to 1000000 for tightness",
            ),
            (
                "[[target]]\nmetric = \"job_to_job\"\nvalue = 0.01\ntolerance = inf\n",
                "`target[0].tolerance` = inf: must be a number from",
            ),
            (
                &format!("{ONE}weight = 1e300\n"),
                "`target[0].weight` = 1e300: must be a number from 0 to 1000000",
            ),
            (
                &format!("{ONE}from_step = 20\nto_step = 10\n"),
                "the window is empty",
            ),
            (
                &format!("[window]\nfrom_step = 0\n{ONE}"),
                "`window.from_step` = 0",
            ),
            (
                &format!("{ONE}[[parameter]]\nkey = \"mechanics.applications\"\nlower = 3\nupper = 1\n"),
                "`parameter[0].lower` = 3: must be below `upper` (1)",
            ),
            (
                &format!("{ONE}[[parameter]]\nkey = \"mechanics..x\"\nlower = 0\nupper = 1\n"),
                "not a key path",
            ),
            (&format!("{ONE}colour = 1"), "unknown field `colour`"),
            (
                &format!("{ONE}[[parameter]]\nkey = \"a.b\"\nlower = 0\nupper = 1\nmoves = \"u\"\n"),
                "`parameter[0].moves` = \"u\": names no target",
            ),
            (
                &format!("{ONE}{ONE}[[parameter]]\nkey = \"a.b\"\nlower = 0\nupper = 1\nmoves = \"unemployment_rate total all\"\n"),
                "names more than one target",
            ),
            (
                &format!("{ONE}name = \"u\"\n{ONE}name = \"v\"\nfit = false\n[[parameter]]\nkey = \"a.b\"\nlower = 0\nupper = 1\nmoves = \"v\"\n"),
                "names a target with fit = false",
            ),
            (
                &format!("{ONE}name = \"u\"\n[[parameter]]\nkey = \"a.b\"\nlower = 0\nupper = 1\nmoves = \"u\"\n[[parameter]]\nkey = \"a.c\"\nlower = 0\nupper = 1\nmoves = \"u\"\n"),
                "`parameter[1].moves` = \"u\": is moved by another parameter already",
            ),
            (
                &format!("{ONE}[[parameter]]\nkey = \"a.b\"\nlower = 0\nupper = 1\nraises = false\n"),
                "`parameter[0].raises` = false: says which way",
            ),
        ];
        for (text, expected) in cases {
            let e = err(text);
            assert!(e.contains(expected), "{text:?}: {e}");
            assert!(e.starts_with("t.toml: "), "{e}");
        }
    }

    #[test]
    fn defaults_fill_in() {
        let t = parse(
            Path::new("t.toml"),
            &format!("[window]\nfrom_step = 13\n{ONE}[[parameter]]\nkey = \"mechanics.applications\"\nlower = 1\nupper = 4\n"),
        )
        .unwrap();
        assert_eq!(t.replications, 2);
        let target = &t.targets[0];
        assert_eq!(
            (target.level.as_str(), target.key.as_str()),
            ("total", "all")
        );
        assert_eq!((target.from_step, target.to_step), (13, None));
        assert!(target.fit && target.weight == 1.0);
        assert!(t.parameters[0].integer);
    }
}
