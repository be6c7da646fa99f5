//! Calibration: fit a scenario's free parameters to published moments, and say how well a
//! scenario fits them.
//!
//! `targets.rs` reads a targets file, `moments.rs` computes a run's moments, `pairs.rs` solves the
//! parameters paired with a target by a damped fixed point, `search.rs` minimises. Every candidate
//! runs the same replications with the same seed (common random numbers), so the objective, the
//! weighted sum of squared distances from the targets in units of their tolerances, is a
//! deterministic function of the parameters. Candidates of a batch run in parallel. The result is a
//! scenario that `extends` the original and overrides only the fitted parameters, a fit table and
//! the search history.

pub mod moments;
pub mod pairs;
pub mod search;
pub mod targets;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{RunError, ScenarioError};
use crate::model::Model;
use crate::output::{band, cell, csv_row, round_sig, threads_or_all, CsvText};
use crate::scenario::keypath::Segment;
use crate::scenario::{Override, Scenario, Source};
use targets::{Target, Targets, TargetsError};

/// What can go wrong in a calibration.
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    #[error(transparent)]
    Targets(#[from] TargetsError),
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A target or parameter that does not fit the scenario (exit 2).
    #[error("{file}: {message}")]
    Mismatch { file: PathBuf, message: String },
    #[error(transparent)]
    Run(#[from] RunError),
}

impl CalibrateError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CalibrateError::Run(_) => 1,
            _ => 2,
        }
    }
}

/// A scenario and its targets, checked against each other.
pub struct Problem {
    pub scenario_path: PathBuf,
    source: Source,
    pub targets: Targets,
    /// The scenario's own values of the free parameters, clamped to their bounds.
    pub start: Vec<f64>,
    /// The run settings every candidate shares (replications and seed), as overrides.
    settings: Vec<Override>,
    /// The scenario's name, and the replications and seed every candidate runs with.
    name: String,
    replications: u32,
    seed: u64,
}

/// How one target fits: the mean over replications and its 5-95 % band.
#[derive(Clone, Debug)]
pub struct FitRow {
    pub target: Target,
    pub mean: f64,
    pub p05: f64,
    pub p95: f64,
}

impl FitRow {
    pub fn relative_error(&self) -> f64 {
        if self.target.value == 0.0 {
            f64::NAN
        } else {
            (self.mean - self.target.value) / self.target.value
        }
    }

    pub fn within(&self) -> bool {
        (self.mean - self.target.value).abs() <= self.target.tolerance
    }

    /// For tests: a fitted total unemployment rate of `value`, tolerance a tenth of it,
    /// simulated at `mean` with no spread.
    #[cfg(test)]
    pub fn fitted(value: f64, mean: f64) -> FitRow {
        FitRow {
            target: targets::Target {
                name: "t".into(),
                metric: targets::Metric::UnemploymentRate,
                level: "total".into(),
                key: String::new(),
                value,
                tolerance: value / 10.0,
                weight: 1.0,
                from_step: 1,
                to_step: None,
                source: String::new(),
                fit: true,
            },
            mean,
            p05: mean,
            p95: mean,
        }
    }
}

impl Problem {
    /// Read the scenario, check that every target's level and key exist in it, and that every
    /// free parameter's key path exists and takes both of its bounds.
    ///
    /// Every candidate runs the targets file's replications (and seed, if it gives one, else
    /// the scenario's), unless `settings` (the command line's `--replications`, `--seed`) set
    /// them: all of them are overrides of `simulation.*`, validated with the scenario.
    pub fn new(
        scenario_path: &Path,
        targets: Targets,
        settings: &[Override],
    ) -> Result<Problem, CalibrateError> {
        let source = Source::read(scenario_path)?;
        let mut all = vec![Override::simulation(
            "replications",
            targets.replications.into(),
            &targets.file,
        )];
        all.extend(targets.seed.map(|s| Override::seed(s, &targets.file)));
        all.extend_from_slice(settings);
        let settings = all;
        let scenario = source.build(&settings)?;
        let (name, replications, seed) = (
            scenario.name.clone(),
            scenario.simulation.replications,
            scenario.simulation.seed,
        );
        let model = Model::new(scenario);
        for (i, t) in targets.targets.iter().enumerate() {
            moments::check(&model, t).map_err(|m| CalibrateError::Mismatch {
                file: targets.file.clone(),
                message: format!("key `target[{i}].key` = \"{}\": {m}", t.key),
            })?;
        }
        let steps = model.scenario.simulation.steps;
        for (i, t) in targets.targets.iter().enumerate() {
            if t.from_step > steps {
                return Err(CalibrateError::Mismatch {
                    file: targets.file.clone(),
                    message: format!(
                        "key `target[{i}].from_step` = {}: after the last step of {} ({steps}); the window is empty",
                        t.from_step,
                        scenario_path.display()
                    ),
                });
            }
        }
        let keys: Vec<&crate::scenario::keypath::KeyPath> =
            targets.parameters.iter().map(|p| &p.key).collect();
        if let Some((a, b)) = crate::scenario::keypath::same_value(&keys, source.table()) {
            return Err(CalibrateError::Mismatch {
                file: targets.file.clone(),
                message: format!(
                    "parameters `{a}` and `{b}` name the same value of {}; list it once",
                    scenario_path.display()
                ),
            });
        }
        let mut start = Vec::new();
        for p in &targets.parameters {
            for bound in [p.lower, p.upper] {
                let o = Override {
                    key: p.key.clone(),
                    value: value(bound, p.integer),
                    origin: targets.file.clone(),
                };
                let mut overrides = settings.clone();
                overrides.push(o);
                source.build(&overrides)?;
            }
            // The start: the value a setting gives (the last one wins), else the file's.
            let set = settings
                .iter()
                .rev()
                .find(|o| o.key == p.key)
                .map(|o| &o.value);
            let current = set
                .or_else(|| p.key.get(source.table()))
                .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)));
            let x = current.unwrap_or((p.lower + p.upper) / 2.0);
            start.push(((x - p.lower) / (p.upper - p.lower)).clamp(0.0, 1.0));
        }
        Ok(Problem {
            scenario_path: scenario_path.to_path_buf(),
            source,
            targets,
            start,
            settings,
            name,
            replications,
            seed,
        })
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Replications of every evaluation.
    pub fn replications(&self) -> u32 {
        self.replications
    }

    /// The seed of every evaluation (common random numbers), and of the search.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The point of the unit cube of parameter values `values` (clamped to the bounds).
    pub fn unit(&self, values: &[f64]) -> Vec<f64> {
        self.targets
            .parameters
            .iter()
            .zip(values)
            .map(|(p, v)| ((v - p.lower) / (p.upper - p.lower)).clamp(0.0, 1.0))
            .collect()
    }

    /// Parameter values of a point of the unit cube.
    pub fn values(&self, x: &[f64]) -> Vec<f64> {
        self.targets
            .parameters
            .iter()
            .zip(x)
            .map(|(p, u)| {
                let v = p.lower + (p.upper - p.lower) * u;
                if p.integer {
                    v.round()
                } else {
                    round_sig(v, 7)
                }
            })
            .collect()
    }

    /// The run settings, then the free parameters at `values` (none: the scenario as it is).
    fn overrides(&self, values: &[f64]) -> Vec<Override> {
        let mut overrides = self.settings.clone();
        overrides.extend(
            self.targets
                .parameters
                .iter()
                .zip(values)
                .map(|(p, v)| Override {
                    key: p.key.clone(),
                    value: value(*v, p.integer),
                    origin: self.targets.file.clone(),
                }),
        );
        overrides
    }

    /// The scenario with the free parameters at `values` (none: as it is), run with the
    /// problem's replications and seed.
    pub fn scenario(&self, values: &[f64]) -> Result<Scenario, CalibrateError> {
        Ok(self.source.build(&self.overrides(values))?)
    }

    /// The fit of the scenario as it is (no parameter changed).
    pub fn evaluate_as_is(&self, threads: usize) -> Result<Vec<FitRow>, CalibrateError> {
        self.evaluate(&[], threads)
    }

    /// Run the scenario at `values` and return the fit of every target.
    pub fn evaluate(&self, values: &[f64], threads: usize) -> Result<Vec<FitRow>, CalibrateError> {
        let model = Model::new(self.scenario(values)?);
        let result = crate::run::run(&model, threads, &|| {})?;
        let per_rep: Vec<Vec<f64>> = result
            .records
            .iter()
            .map(|series| moments::moments(&model, series, &self.targets.targets))
            .collect();
        Ok(self
            .targets
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let xs: Vec<f64> = per_rep.iter().map(|m| m[i]).collect();
                let (mean, p05, p95) = if xs.iter().all(|x| x.is_finite()) {
                    band(&xs).unwrap_or((f64::NAN, f64::NAN, f64::NAN))
                } else {
                    (f64::NAN, f64::NAN, f64::NAN)
                };
                FitRow {
                    target: t.clone(),
                    mean,
                    p05,
                    p95,
                }
            })
            .collect())
    }
}

fn value(v: f64, integer: bool) -> toml::Value {
    if integer {
        toml::Value::Integer(v.round() as i64)
    } else {
        toml::Value::Float(v)
    }
}

/// The objective: the weighted sum, over fitted targets, of the squared distance from the
/// target in units of its tolerance (a fit with every target exactly at its tolerance scores
/// the sum of the weights). A moment that cannot be computed scores +infinity.
pub fn objective(rows: &[FitRow]) -> f64 {
    rows.iter()
        .filter(|r| r.target.fit)
        .map(|r| {
            let z = (r.mean - r.target.value) / r.target.tolerance;
            if z.is_finite() {
                r.target.weight * z * z
            } else {
                f64::INFINITY
            }
        })
        .sum()
}

/// How good a fit is, smaller first: a fit with every fitted moment within its tolerance
/// before any without, then by [`objective`]. The objective alone can prefer a fit with one
/// moment just outside its tolerance to one with all of them inside but further from their
/// values, and the calibrated scenario would then fail `--check` though a passing point was
/// found.
fn rank(rows: &[FitRow]) -> (bool, f64) {
    let outside = rows.iter().any(|r| r.target.fit && !r.within());
    (outside, objective(rows))
}

/// Order two [`rank`]s.
fn by_rank(a: &(bool, f64), b: &(bool, f64)) -> std::cmp::Ordering {
    a.0.cmp(&b.0).then(a.1.total_cmp(&b.1))
}

/// One evaluation of the search with its parameter values and objective.
pub struct Step {
    pub evaluation: usize,
    pub phase: &'static str,
    pub values: Vec<f64>,
    pub objective: f64,
}

/// What a calibration found.
pub struct Outcome {
    pub history: Vec<Step>,
    pub best: Vec<f64>,
    pub fit: Vec<FitRow>,
    pub replications: u32,
    pub seed: u64,
}

/// Search the free parameters with at most `budget` evaluations of the problem's replications
/// each, all with its seed. `progress` is called after every evaluation.
pub fn calibrate(
    problem: &Problem,
    budget: usize,
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<Outcome, CalibrateError> {
    let (replications, seed) = (problem.replications(), problem.seed());
    let threads = threads_or_all(threads);
    let pool = crate::run::thread_pool(threads)?;
    let mut failure: Option<CalibrateError> = None;
    // Every point simulated so far, with its fit: a point the search asks for again (integer
    // parameters round several points to one) is answered from here, and still counts as an
    // evaluation of the budget.
    let mut cache: Vec<(Vec<f64>, Vec<FitRow>)> = Vec::new();
    let params = &problem.targets.parameters;

    // Phase 0: the paired parameters by a damped fixed point, with at most half the budget.
    let mut steps: Vec<Step> = Vec::new();
    let mut start = problem.start.clone();
    if params.iter().any(|p| p.moves.is_some()) {
        let mut values = problem.values(&start);
        let mut best = ((true, f64::INFINITY), values.clone());
        let mut since_better = 0;
        let mut secant = pairs::Secant::default();
        for _ in 0..(budget / 2).max(1) {
            let rows = problem.evaluate(&values, threads)?;
            progress();
            let objective = objective(&rows);
            steps.push(Step {
                evaluation: steps.len() + 1,
                phase: "pairs",
                values: values.clone(),
                objective,
            });
            cache.push((values.clone(), rows.clone()));
            let ranked = rank(&rows);
            if by_rank(&ranked, &best.0).is_lt() {
                best = (ranked, values.clone());
                since_better = 0;
            } else {
                since_better += 1;
            }
            if pairs::all_within(params, &rows) || since_better >= pairs::PATIENCE {
                break;
            }
            if secant.step(params, &rows, &mut values) < pairs::CONVERGED {
                break;
            }
            values = problem.values(&problem.unit(&values));
        }
        start = problem.unit(&best.1);
    }
    let left = budget.saturating_sub(steps.len());
    let searched = if left == 0 {
        Vec::new()
    } else {
        search::minimise(&start, left, seed, &mut |batch| {
            if failure.is_some() {
                return vec![f64::INFINITY; batch.len()];
            }
            let values: Vec<Vec<f64>> = batch.iter().map(|x| problem.values(x)).collect();
            let mut fresh: Vec<Vec<f64>> = Vec::new();
            for v in &values {
                if !cache.iter().any(|(c, _)| c == v) && !fresh.contains(v) {
                    fresh.push(v.clone());
                }
            }
            let inner = (threads / fresh.len().max(1)).max(1);
            let results: Vec<Result<Vec<FitRow>, CalibrateError>> = pool.install(|| {
                fresh
                    .par_iter()
                    .map(|v| problem.evaluate(v, inner))
                    .collect()
            });
            for (v, r) in fresh.into_iter().zip(results) {
                match r {
                    Ok(rows) => cache.push((v, rows)),
                    Err(e) => {
                        failure.get_or_insert(e);
                    }
                }
            }
            values
                .iter()
                .map(|v| {
                    progress();
                    cache
                        .iter()
                        .find(|(c, _)| c == v)
                        .map_or(f64::INFINITY, |(_, rows)| objective(rows))
                })
                .collect()
        })
    };
    if let Some(e) = failure {
        return Err(e);
    }
    let offset = steps.len();
    steps.extend(searched.iter().enumerate().map(|(i, e)| Step {
        evaluation: offset + i + 1,
        phase: e.phase,
        values: problem.values(&e.x),
        objective: e.objective,
    }));
    let rank_of = |s: &Step| {
        cache
            .iter()
            .find(|(c, _)| *c == s.values)
            .map_or((true, s.objective), |(_, rows)| rank(rows))
    };
    let best_step = steps
        .iter()
        .filter(|s| s.objective.is_finite())
        .min_by(|a, b| by_rank(&rank_of(a), &rank_of(b)));
    let Some(best_step) = best_step else {
        return Err(CalibrateError::Mismatch {
            file: problem.targets.file.clone(),
            message: "no candidate gave every fitted moment a value (a stock or flow they divide \
                      by is zero in every evaluation); check the targets' levels and windows"
                .into(),
        });
    };
    let best = best_step.values.clone();
    let fit = cache
        .iter()
        .find(|(c, _)| *c == best)
        .map(|(_, rows)| rows.clone())
        .unwrap_or_default();
    Ok(Outcome {
        history: steps,
        best,
        fit,
        replications,
        seed,
    })
}

csv_row! {
    /// One line of `fit.csv`: a target and how the scenario fits it. Values are in the
    /// target metric's unit (a rate, persons, months, vacancies per unemployed).
    pub struct FitCsvRow {
        /// The target's `name`.
        pub target: String,
        /// The metric, e.g. `unemployment_rate`.
        pub metric: String,
        /// Level: `total`, `country`, `region`, `sector`, `country_sector` or `pair`.
        pub level: String,
        /// Key at that level, e.g. `NL`, `NL/care` or `DE-NL` (home-work countries of a pair).
        pub key: String,
        /// Whether the target is fitted; `false` for an out-of-sample check.
        pub fitted: bool,
        /// The published value.
        #[serde(with = "cell::plain")]
        pub target_value: f64,
        /// Largest acceptable distance of the simulated mean from the value.
        #[serde(with = "cell::plain")]
        pub tolerance: f64,
        /// Weight of the target in the objective.
        #[serde(with = "cell::plain")]
        pub weight: f64,
        /// First step of the target's window.
        pub from_step: u32,
        /// Last step of the window; empty for the end of the run.
        pub to_step: Option<u32>,
        /// Mean over replications of the simulated moment; empty where undefined.
        #[serde(with = "cell::sig7")]
        pub simulated_mean: f64,
        /// 5th percentile over replications of the simulated moment.
        #[serde(with = "cell::sig7")]
        pub p05: f64,
        /// 95th percentile over replications of the simulated moment.
        #[serde(with = "cell::sig7")]
        pub p95: f64,
        /// `(simulated_mean - target_value) / target_value` (a fraction); empty for a zero
        /// target.
        #[serde(with = "cell::sig7")]
        pub relative_error: f64,
        /// Whether the simulated mean is within the tolerance.
        pub within_tolerance: bool,
        /// Where the target comes from.
        pub source: String,
    }
}

/// `fit.csv`: one row per target.
pub fn fit_csv(rows: &[FitRow]) -> String {
    let mut out = CsvText::<FitCsvRow>::new();
    for r in rows {
        let t = &r.target;
        out.push(&FitCsvRow {
            target: t.name.clone(),
            metric: t.metric.name().to_string(),
            level: t.level.clone(),
            key: t.key.clone(),
            fitted: t.fit,
            target_value: t.value,
            tolerance: t.tolerance,
            weight: t.weight,
            from_step: t.from_step,
            to_step: t.to_step,
            simulated_mean: r.mean,
            p05: r.p05,
            p95: r.p95,
            relative_error: r.relative_error(),
            within_tolerance: r.within(),
            source: t.source.clone(),
        });
    }
    out.finish()
}

/// A moment or an objective as the files write it: 7 significant digits, empty if undefined.
fn num(x: f64) -> String {
    cell::Format::Sig7.text(x)
}

/// A value for a table cell: percentages for rates, thousands grouped for counts.
fn cell(t: &Target, x: f64) -> String {
    use targets::Metric::*;
    if !x.is_finite() {
        return "n/a".into();
    }
    match t.metric {
        UnemploymentRate
        | VacancyRate
        | UnemploymentToJob
        | JobToUnemployment
        | JobToJob
        | JobCreation
        | JobDestruction
        | SectorChangePerYear
        | RetrainedInCourseSector => {
            format!("{:.2} %", x * 100.0)
        }
        Tightness | VacancyDurationMonths | JobFindingDecline => format!("{x:.2}"),
        CrossBorderCommuters => format!("{x:.0}"),
    }
}

/// `fit.md`: the fitted targets, then the out-of-sample checks.
pub fn fit_markdown(rows: &[FitRow], title: &str) -> String {
    let mut out = format!("# {title}\n\n");
    for (fitted, heading) in [
        (true, "Fitted targets"),
        (false, "Out-of-sample checks (not fitted)"),
    ] {
        let part: Vec<&FitRow> = rows.iter().filter(|r| r.target.fit == fitted).collect();
        if part.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {heading}\n");
        out.push_str("| target | level | target value | tolerance | simulated (5-95 %) | error | within | source |\n|---|---|---|---|---|---|---|---|\n");
        for r in part {
            let t = &r.target;
            let _ = writeln!(
                out,
                "| {} | {} {} | {} | ± {} | {} ({} – {}) | {} | {} | {} |",
                t.metric.name(),
                t.level,
                t.key,
                cell(t, t.value),
                cell(t, t.tolerance),
                cell(t, r.mean),
                cell(t, r.p05),
                cell(t, r.p95),
                if r.relative_error().is_finite() {
                    format!("{:+.1} %", r.relative_error() * 100.0)
                } else {
                    "n/a".into()
                },
                if r.within() { "yes" } else { "**no**" },
                t.source.replace('|', "/")
            );
        }
        out.push('\n');
    }
    out
}

/// `history.csv`: every evaluation with its phase, parameter values and objective.
pub fn history_csv(problem: &Problem, history: &[Step]) -> String {
    let mut header = vec!["evaluation".to_string(), "phase".to_string()];
    header.extend(problem.targets.parameters.iter().map(|p| p.key.to_string()));
    header.push("objective".into());
    let mut out: CsvText = CsvText::with_header(header);
    for s in history {
        let mut fields = vec![s.evaluation.to_string(), s.phase.to_string()];
        fields.extend(s.values.iter().map(|v| v.to_string()));
        fields.push(num(s.objective));
        out.push_fields(fields);
    }
    out.finish()
}

/// The calibrated scenario: `extends` the original (by a path relative to `out_dir`) and sets
/// the fitted parameters. A parameter inside an array of tables (`[[country]]`, `[[policy]]`)
/// is set by its key path under `[set]`, since `extends` replaces arrays whole.
pub fn calibrated_toml(
    problem: &Problem,
    outcome: &Outcome,
    out_dir: &Path,
) -> Result<String, CalibrateError> {
    let s = problem.scenario(&outcome.best)?;
    let internal = |what: &str, e: &dyn std::fmt::Display| {
        CalibrateError::Run(RunError::Internal(format!("{what}: {e}")))
    };
    let resolved: toml::Table = toml::from_str(&s.resolved)
        .map_err(|e| internal("reading back the resolved scenario", &e))?;
    let mut table = toml::Table::new();
    // The fitted parameters and every key the command line set (`--set`), which the fit assumed.
    let set = problem
        .settings
        .iter()
        .filter(|o| o.origin == Path::new(crate::scenario::SET_ORIGIN));
    // A key inside an array of tables is set by its path (`[set]`), so the array stays the
    // original's; any other is written where it belongs.
    let mut by_path = toml::Table::new();
    for key in problem
        .targets
        .parameters
        .iter()
        .map(|p| &p.key)
        .chain(set.map(|o| &o.key))
    {
        if in_array(&resolved, key.segments()) {
            if let Some(value) = key.get(&resolved) {
                by_path.insert(key.to_string(), value.clone());
            }
        } else {
            carry(&mut table, &resolved, key.segments());
        }
    }
    if !by_path.is_empty() {
        table.insert("set".into(), toml::Value::Table(by_path));
    }
    let extends = relative_path(out_dir, &problem.scenario_path);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Calibrated by `labsim calibrate` against {} ({}):",
        problem.targets.file.display(),
        problem.targets.name
    );
    let _ = writeln!(
        out,
        "# {} evaluations of {} replication(s) with seed {}; objective {} (sum of weighted squared",
        outcome.history.len(),
        outcome.replications,
        outcome.seed,
        num(objective(&outcome.fit))
    );
    let _ = writeln!(
        out,
        "# distances in tolerances). Fit: fit.md beside this file. Fitted parameters:"
    );
    for (p, v) in problem.targets.parameters.iter().zip(&outcome.best) {
        let _ = writeln!(
            out,
            "#   {} = {v}  (bounds {} to {})",
            p.key, p.lower, p.upper
        );
    }
    let _ = writeln!(
        out,
        "extends = {}",
        toml::Value::String(extends.display().to_string())
    );
    out.push('\n');
    out.push_str(
        &toml::to_string(&table).map_err(|e| internal("writing the fitted parameters", &e))?,
    );
    Ok(out)
}

/// Whether the path `segs` in `src` goes through an array of tables (`[[country]]`).
fn in_array(src: &toml::Table, segs: &[Segment]) -> bool {
    let Some((Segment::Key(k), rest)) = segs.split_first() else {
        return false;
    };
    match src.get(k) {
        Some(toml::Value::Table(inner)) => in_array(inner, rest),
        Some(toml::Value::Array(_)) => !rest.is_empty(),
        _ => false,
    }
}

/// Copy into `out` the value at `segs` of `src`, a path through tables only ([`in_array`]).
fn carry(out: &mut toml::Table, src: &toml::Table, segs: &[Segment]) {
    let Some((Segment::Key(k), rest)) = segs.split_first() else {
        return;
    };
    let Some(v) = src.get(k) else { return };
    match v {
        toml::Value::Table(inner) if !rest.is_empty() => {
            let entry = out
                .entry(k.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(sub) = entry {
                carry(sub, inner, rest);
            }
        }
        other => {
            out.insert(k.clone(), other.clone());
        }
    }
}

/// `to` relative to the directory `from` (both made absolute, symbolic links kept as
/// written), for `extends`.
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (from, to) = (abs(from), abs(to));
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut rel = PathBuf::new();
    for _ in common..a.len() {
        rel.push("..");
    }
    for c in &b[common..] {
        rel.push(c);
    }
    rel
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fitted target of value 1 and tolerance 0.1, simulated at `mean`.
    fn row(mean: f64) -> FitRow {
        FitRow::fitted(1.0, mean)
    }

    #[test]
    fn a_fit_with_every_moment_within_tolerance_ranks_first_whatever_its_objective() {
        // Every moment at 0.9 tolerances: objective 2 x 0.81 = 1.62, all within.
        let inside = [row(1.09), row(0.91)];
        // One exactly on target, one at 1.1 tolerances: objective 1.21, one outside.
        let outside = [row(1.0), row(1.11)];
        assert!(objective(&outside) < objective(&inside));
        assert!(by_rank(&rank(&inside), &rank(&outside)).is_lt());
        // Among fits on the same side of the line, the objective decides.
        let closer = [row(1.05), row(0.95)];
        assert!(by_rank(&rank(&closer), &rank(&inside)).is_lt());
        // An out-of-sample check outside its tolerance does not count.
        let mut check = row(2.0);
        check.target.fit = false;
        assert!(!rank(&[row(1.0), check]).0);
    }
}
