//! Running a scenario: every replication from its initial world through all steps, on a rayon
//! pool of the requested size, with an optional progress callback.
//!
//! Replications run one after another; the parallelism is inside each step (fixed chunks of
//! workers), so the records are identical for any thread count.

use std::time::Instant;

use crate::error::RunError;
use crate::metrics::StepRecord;
use crate::model::Model;
use crate::stage::Stage;
use crate::step::Stepper;
use crate::world::World;

/// Everything a run produced.
pub struct RunResult {
    /// `records[replication][step]`, step 0 being the initial state.
    pub records: Vec<Vec<StepRecord>>,
    pub agents: u64,
    pub threads: usize,
    pub wall_seconds: f64,
    /// Seconds per stage, summed over steps and replications.
    pub stage_seconds: [f64; Stage::COUNT],
    /// Heap bytes of one world's workers and employers plus the step scratch, at the end of
    /// the run.
    pub state_bytes: usize,
}

impl RunResult {
    pub fn agent_steps_per_second(&self, steps: u32) -> f64 {
        let agent_steps = self.agents as f64 * f64::from(steps) * self.records.len() as f64;
        agent_steps / self.wall_seconds.max(1e-9)
    }
}

/// A rayon pool of `threads` threads (0: rayon's default, every core).
pub fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, RunError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| RunError::ThreadPool {
            threads,
            message: e.to_string(),
        })
}

/// Run all replications of `model`'s scenario on `threads` threads (0: rayon's default).
/// `progress` is called after every step.
pub fn run(
    model: &Model,
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<RunResult, RunError> {
    let pool = thread_pool(threads)?;
    let started = Instant::now();
    let sim = &model.scenario.simulation;
    let result = pool.install(|| {
        let mut records = Vec::with_capacity(sim.replications as usize);
        let mut stage_seconds = [0.0; Stage::COUNT];
        let mut agents = 0;
        let mut state_bytes = 0;
        for rep in 0..sim.replications {
            let mut world = World::new(model, rep);
            let mut stepper = Stepper::new(model);
            stepper.burn_in(model, &mut world);
            let mut series = Vec::with_capacity(sim.steps as usize + 1);
            series.push(stepper.initial_record(model, &world));
            for _ in 0..sim.steps {
                series.push(stepper.step(model, &mut world));
                progress();
            }
            for (total, s) in stage_seconds.iter_mut().zip(stepper.timers) {
                *total += s;
            }
            agents = world.workers.len() as u64;
            state_bytes = world.workers.bytes() + world.employers.bytes() + stepper.bytes();
            records.push(series);
        }
        (records, stage_seconds, agents, state_bytes)
    });
    Ok(RunResult {
        records: result.0,
        agents: result.2,
        threads: pool.current_num_threads(),
        wall_seconds: started.elapsed().as_secs_f64(),
        stage_seconds: result.1,
        state_bytes: result.3,
    })
}
