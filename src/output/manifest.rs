//! `manifest.json`: what a run was (scenario, seed, size, labsim version) and what it cost
//! (wall time, memory, seconds per stage).

use serde::Serialize;

use crate::model::Model;
use crate::run::RunResult;
use crate::stage::Stage;

/// What `manifest.json` records about a run.
#[derive(Serialize)]
pub struct Manifest {
    pub labsim_version: &'static str,
    pub scenario: String,
    pub scenario_file: String,
    pub scenario_hash: String,
    pub seed: u64,
    pub replications: u32,
    pub threads: usize,
    pub workers: u64,
    pub persons: f64,
    pub scale: f64,
    pub steps: u32,
    pub start: Option<String>,
    pub wall_seconds: f64,
    /// Replications that started from the burn-in of another scenario of the comparison
    /// (`compare`: the two differ only in their policies), whose burn-in `wall_seconds` leaves
    /// out.
    pub shared_burn_ins: u32,
    pub agent_steps_per_second: f64,
    pub state_bytes: usize,
    pub state_bytes_per_worker: f64,
    pub peak_rss_bytes: Option<u64>,
    pub stage_seconds: std::collections::BTreeMap<&'static str, f64>,
    pub files: Vec<&'static str>,
}

impl Manifest {
    pub fn new(model: &Model, result: &RunResult, files: Vec<&'static str>) -> Manifest {
        let s = &model.scenario;
        let sim = &s.simulation;
        Manifest {
            labsim_version: env!("CARGO_PKG_VERSION"),
            scenario: s.name.clone(),
            scenario_file: s.file.display().to_string(),
            scenario_hash: s.hash.clone(),
            seed: sim.seed,
            replications: sim.replications,
            threads: result.threads,
            workers: result.agents,
            persons: (result.agents as f64 * s.persons_per_agent() * 100.0).round() / 100.0,
            scale: sim.scale,
            steps: sim.steps,
            start: sim.start.map(|d| d.to_string()),
            wall_seconds: result.wall_seconds,
            shared_burn_ins: result.shared_burn_ins,
            agent_steps_per_second: result.agent_steps_per_second(sim.steps),
            state_bytes: result.state_bytes,
            state_bytes_per_worker: result.state_bytes as f64 / result.agents.max(1) as f64,
            peak_rss_bytes: peak_rss_bytes(),
            stage_seconds: Stage::ALL
                .iter()
                .map(|s| (s.name(), result.stage_seconds[s.index()]))
                .collect(),
            files,
        }
    }
}

/// Peak resident memory of this process (Linux `VmHWM`), if the platform tells.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
