//! Running a scenario: every replication from its initial world through all steps, on a rayon
//! pool of the requested size, with an optional progress callback.
//!
//! The parallelism is inside each step (fixed chunks of workers), so the records are identical
//! for any thread count. Replications run one after another, or several at once when one
//! replication's chunks cannot keep every thread busy ([`concurrent_replications`]); each is a
//! function of the scenario and its number only, and they are collected in order.

use std::sync::OnceLock;
use std::time::Instant;

use rayon::prelude::*;

use crate::agent::Status;
use crate::error::RunError;
use crate::metrics::StepRecord;
use crate::model::Model;
use crate::scenario::Scenario;
use crate::stage::Stage;
use crate::step::Stepper;
use crate::world::{Register, World};

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
    /// Per replication, what an evaluation needs ([`run_traced`]; empty from [`run`]).
    pub traces: Vec<Trace>,
    /// Replications that started from the world of a burn-in another scenario ran
    /// ([`run_from`]): their burn-in is in neither `wall_seconds` nor `stage_seconds`.
    pub shared_burn_ins: u32,
}

/// One replication's trace for an evaluation: who was employed after each step, and who
/// entered and was placed by each policy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    /// Workers in the world (agents, entrants' slots included).
    pub workers: usize,
    /// `employed[t - 1]`: one bit per worker (bit `i % 64` of word `i / 64`), set when worker
    /// `i` is employed at the end of step `t`.
    pub employed: Vec<Vec<u64>>,
    /// `notice[t - 1]`: the same for workers under notice at the end of step `t` (with
    /// `[employers]`; all clear without).
    pub notice: Vec<Vec<u64>>,
    pub register: Register,
}

impl Trace {
    /// Whether worker `i` is employed at the end of step `t` (1-based).
    #[inline]
    pub fn employed(&self, t: u32, i: u32) -> bool {
        self.employed[t as usize - 1][i as usize / 64] >> (i % 64) & 1 == 1
    }

    /// Whether worker `i` is under notice at the end of step `t` (1-based).
    #[inline]
    pub fn noticed(&self, t: u32, i: u32) -> bool {
        self.notice[t as usize - 1][i as usize / 64] >> (i % 64) & 1 == 1
    }

    /// Workers employed at the end of step `t` (1-based).
    pub fn count(&self, t: u32) -> u64 {
        self.employed[t as usize - 1]
            .iter()
            .map(|w| u64::from(w.count_ones()))
            .sum()
    }
}

/// A bit per worker of `world`, set where `f` holds (see [`Trace::employed`]).
fn bits<T: Copy>(values: &[T], f: impl Fn(T) -> bool) -> Vec<u64> {
    values
        .chunks(64)
        .map(|c| {
            c.iter()
                .enumerate()
                .fold(0u64, |bits, (k, &x)| bits | u64::from(f(x)) << k)
        })
        .collect()
}

impl RunResult {
    pub fn agent_steps_per_second(&self, steps: u32) -> f64 {
        let agent_steps = self.agents as f64 * f64::from(steps) * self.records.len() as f64;
        agent_steps / self.wall_seconds.max(1e-9)
    }
}

/// How many replications run at once on `threads` threads: one, unless a replication's workers
/// fill fewer fixed chunks than there are threads (the parallel stages then leave threads
/// idle); then enough to give every thread a chunk, at most all of them. Each replication's
/// records are a function of the scenario and its number only, collected in order, so the
/// output is the same whatever this returns.
pub fn concurrent_replications(model: &Model, threads: usize) -> usize {
    let s = &model.scenario;
    let agents: u64 = (0..s.regions.len())
        .map(|h| s.agents(s.regions[h].labour_force) + s.pool_agents(h) + s.available_agents(h))
        .sum();
    let chunks = (agents as usize).div_ceil(crate::chunks::CHUNK).max(1);
    threads
        .div_ceil(chunks)
        .clamp(1, s.simulation.replications.max(1) as usize)
}

/// What one replication produced.
struct Replication {
    series: Vec<StepRecord>,
    /// Started from a kept world instead of its own burn-in.
    shared_burn_in: bool,
    timers: [f64; Stage::COUNT],
    agents: u64,
    state_bytes: usize,
    trace: Option<Trace>,
}

/// The worlds one burn-in reached, one per replication, kept so that the scenarios that share
/// the burn-in start from them instead of running it again: in `compare`, every scenario that
/// differs from the baseline only in its policies. A burn-in runs no policy, with random
/// numbers of its own, from a world built without regard to the policies, so such scenarios'
/// burn-ins are the same steps with the same numbers; the test
/// `scenarios_that_share_a_burn_in_run_as_they_do_alone` checks it, records and traces, on
/// three of the shipped programmes.
pub struct BurntIn {
    key: String,
    worlds: Vec<OnceLock<World>>,
}

impl BurntIn {
    /// Room for the replications of `s`.
    pub fn new(s: &Scenario) -> BurntIn {
        BurntIn {
            key: Self::key(s),
            worlds: (0..s.simulation.replications)
                .map(|_| OnceLock::new())
                .collect(),
        }
    }

    /// What a scenario's burn-in depends on: everything but its policies, its name, description
    /// and file, and its number of replications (each replication's burn-in is its own), as the
    /// text of its validated values. Two scenarios with the same key burn in alike; a
    /// difference the text shows but the burn-in ignores only costs a burn-in.
    pub fn key(s: &Scenario) -> String {
        let mut k = s.clone();
        k.name.clear();
        k.description.clear();
        k.file = std::path::PathBuf::new();
        k.resolved.clear();
        k.hash.clear();
        k.policies.clear();
        k.simulation.replications = 0;
        format!("{k:?}")
    }

    /// Whether `s` starts from the worlds kept here: it has a burn-in, and the same key.
    pub fn serves(&self, s: &Scenario) -> bool {
        s.simulation.burn_in_steps > 0
            && s.simulation.replications as usize <= self.worlds.len()
            && Self::key(s) == self.key
    }
}

/// Replication `rep` of `model`'s scenario: its world built, burnt in and run. With `kept` (the
/// slot of a [`BurntIn`] that serves the scenario), the world is the one kept there if there is
/// one, with the scenario's own books, and else is kept there once burnt in.
fn replicate(
    model: &Model,
    rep: u32,
    progress: &(dyn Fn() + Sync),
    trace: bool,
    kept: Option<&OnceLock<World>>,
) -> Replication {
    let sim = &model.scenario.simulation;
    let mut stepper = Stepper::new(model);
    let from_kept = kept.and_then(OnceLock::get).map(|w| w.for_scenario(model));
    let shared_burn_in = from_kept.is_some();
    let mut world = match from_kept {
        Some(world) => world,
        None => {
            let mut world = World::new(model, rep);
            stepper.burn_in(model, &mut world);
            if let Some(slot) = kept {
                // Another replication never writes this slot: one per replication.
                let _ = slot.set(world.clone());
            }
            world
        }
    };
    let mut series = Vec::with_capacity(sim.steps as usize + 1);
    series.push(stepper.initial_record(model, &world));
    let (mut employed, mut notice) = (Vec::new(), Vec::new());
    if trace {
        world.register = Some(Register::default());
    }
    for _ in 0..sim.steps {
        series.push(stepper.step(model, &mut world));
        if trace {
            let w = &world.workers;
            employed.push(bits(&w.status, |s| s == Status::Employed as u8));
            notice.push(bits(&w.notice_until, |n| n != 0));
        }
        progress();
    }
    let trace = world.register.take().map(|register| Trace {
        workers: world.workers.len(),
        employed,
        notice,
        register,
    });
    Replication {
        series,
        shared_burn_in,
        timers: stepper.timers,
        agents: world.workers.len() as u64,
        state_bytes: world.workers.bytes() + world.employers.bytes() + stepper.bytes(),
        trace,
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
    run_from(model, threads, progress, false, None)
}

/// [`run`], keeping a [`Trace`] of every replication for an evaluation (from step 1: the
/// burn-in is not traced). Costs a bit per worker and step.
pub fn run_traced(
    model: &Model,
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<RunResult, RunError> {
    run_from(model, threads, progress, true, None)
}

/// [`run`] (with `trace`, [`run_traced`]) whose replications start from the worlds `burnt_in`
/// keeps when it serves the scenario, and keep theirs there when it has none yet: the first
/// scenario of a comparison runs the burn-ins, the others that share them start at step 1.
/// The records are those of the scenario run alone.
pub fn run_from(
    model: &Model,
    threads: usize,
    progress: &(dyn Fn() + Sync),
    trace: bool,
    burnt_in: Option<&BurntIn>,
) -> Result<RunResult, RunError> {
    let pool = thread_pool(threads)?;
    let started = Instant::now();
    let reps = model.scenario.simulation.replications;
    let at_once = concurrent_replications(model, pool.current_num_threads());
    let kept = burnt_in.filter(|b| b.serves(&model.scenario));
    let outputs = pool.install(|| {
        let one = |rep: u32| {
            let slot = kept.map(|b| &b.worlds[rep as usize]);
            replicate(model, rep, progress, trace, slot)
        };
        let mut outputs = Vec::with_capacity(reps as usize);
        if at_once <= 1 {
            outputs.extend((0..reps).map(one));
        } else {
            // In batches, so that at most `at_once` worlds are alive however rayon steals.
            let all: Vec<u32> = (0..reps).collect();
            for batch in all.chunks(at_once) {
                outputs.par_extend(batch.par_iter().map(|&rep| one(rep)));
            }
        }
        outputs
    });
    let mut records = Vec::with_capacity(outputs.len());
    let mut stage_seconds = [0.0; Stage::COUNT];
    let (mut agents, mut state_bytes, mut traces) = (0, 0, Vec::new());
    let shared_burn_ins = outputs.iter().filter(|o| o.shared_burn_in).count() as u32;
    for out in outputs {
        for (total, s) in stage_seconds.iter_mut().zip(out.timers) {
            *total += s;
        }
        agents = out.agents;
        state_bytes = out.state_bytes;
        traces.extend(out.trace);
        records.push(out.series);
    }
    Ok(RunResult {
        records,
        agents,
        threads: pool.current_num_threads(),
        wall_seconds: started.elapsed().as_secs_f64(),
        stage_seconds,
        state_bytes,
        traces,
        shared_burn_ins,
    })
}
