//! Scenario settings given on the command line, as [`Override`]s applied before validation:
//! `--set KEY=VALUE`, and the flags `--seed`, `--replications`, `--steps` and `--scale`, which
//! are `simulation.*` keys whose origin, in error messages, is the flag. Their rules are the
//! scenario's; nothing here checks a range.

use std::path::PathBuf;

use labsim::estimate;
use labsim::scenario::keypath::KeyPath;
use labsim::scenario::{Override, Scenario};

use crate::cli;
use crate::Failure;

/// The overrides of `run`: every `--set`, then the flags (so a flag wins over a `--set` of the
/// same key).
pub fn of_run(sets: &[String], options: &cli::Overrides) -> Result<Vec<Override>, Failure> {
    let mut overrides = parse_sets(sets)?;
    overrides.extend(flags(options));
    Ok(overrides)
}

/// Refuse (exit 2) a run whose estimated peak memory, with `traces` bytes of evaluation traces
/// held beside it, exceeds the available memory, unless `--force`.
pub fn fits_in_memory(s: &Scenario, options: &cli::Overrides, traces: u64) -> Result<(), Failure> {
    if options.force {
        return Ok(());
    }
    match estimate::refusal(s, estimate::available_bytes(), traces) {
        Some(why) => Err(Failure::Usage(why)),
        None => Ok(()),
    }
}

/// `--seed`, `--replications`, `--steps` and `--scale`, those given.
pub fn flags(o: &cli::Overrides) -> Vec<Override> {
    let mut overrides = seed_and_replications(o.seed, o.replications);
    overrides.extend(o.steps.map(|n| flag("steps", n.into())));
    overrides.extend(o.scale.map(|x| flag("scale", x.into())));
    overrides
}

/// `--seed` and `--replications`, those given.
pub fn seed_and_replications(seed: Option<i64>, replications: Option<i64>) -> Vec<Override> {
    let mut overrides = Vec::new();
    overrides.extend(seed.map(|n| flag("seed", n.into())));
    overrides.extend(replications.map(|n| flag("replications", n.into())));
    overrides
}

/// `simulation.KEY = value`, set by the flag `--KEY`.
fn flag(key: &str, value: toml::Value) -> Override {
    Override::simulation(key, value, format!("--{key}"))
}

/// Parse `--set KEY=VALUE` arguments: the key is a key path, the value TOML (a bare word that
/// is not TOML is taken as a string).
pub fn parse_sets(sets: &[String]) -> Result<Vec<Override>, Failure> {
    sets.iter()
        .map(|full| {
            // Shown on one line and short, whatever was given.
            let shown = labsim::error::abbreviate(&full.replace(['\n', '\r'], " "));
            let arg = shown.as_str();
            let (key, value) = full.split_once('=').ok_or_else(|| {
                Failure::Usage(format!(
                    "--set {arg}: write KEY=VALUE, e.g. --set mechanics.applications=3"
                ))
            })?;
            let key = KeyPath::parse(key.trim())
                .map_err(|e| Failure::Usage(format!("--set {arg}: not a key path ({e})")))?;
            if key.to_string() == "extends" {
                return Err(Failure::Usage(format!(
                    "--set {arg}: `extends` is resolved when the file is read and cannot be set; \
                     write a scenario file that extends the one you want"
                )));
            }
            let value = value.trim();
            if value.contains(['\n', '\r']) {
                return Err(Failure::Usage(format!(
                    "--set {arg}: the value has a line break; give one TOML value on one line"
                )));
            }
            let value = toml::from_str::<toml::Table>(&format!("v = {value}"))
                .ok()
                .and_then(|mut t| t.remove("v"))
                .unwrap_or_else(|| toml::Value::String(value.to_string()));
            Ok(Override {
                key,
                value,
                origin: PathBuf::from(labsim::scenario::SET_ORIGIN),
            })
        })
        .collect()
}
