//! What both bench files need: a shipped scenario resized to a number of agents.

use std::path::Path;

use labsim::model::Model;
use labsim::scenario::Override;

/// The model of shipped scenario `file` resized to about `workers` agents, with `settings`
/// (key path, value) applied too. The size is set before validation, as `--scale` does, never
/// on a validated scenario.
pub fn resized(file: &str, workers: f64, settings: &[(&str, toml::Value)]) -> Model {
    let path = Path::new(file);
    let s = labsim::scenario::load(path).expect("shipped scenario");
    let persons: f64 = s.regions.iter().map(|r| r.labour_force).sum();
    let overrides: Vec<Override> = [("simulation.scale", toml::Value::Float(workers / persons))]
        .iter()
        .chain(settings)
        .map(|(key, value)| Override::at(key, value.clone(), "benches").expect("key path"))
        .collect();
    Model::new(labsim::scenario::load_with(path, &overrides).expect("shipped scenario, resized"))
}
