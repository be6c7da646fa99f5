//! Instruction-count benches (gungraun, under valgrind's callgrind): one step of the default
//! baseline and of the published one-node model, and a short national run. Counts, unlike wall
//! time, repeat on a shared machine; `.ci/run` compares them with `benches/instructions.toml`
//! and fails on an unrecorded regression (`cargo run --bin bench-check`).
//!
//! Needs valgrind and `gungraun-runner` of the same version as the `gungraun` crate:
//! `cargo install gungraun-runner --version 0.20.0`, then
//! `cargo bench --bench instructions -- --save-summary=json`.
//! Everything runs on one rayon thread: the output is the same for any thread count, and one
//! thread keeps the counts free of work-stealing.

mod common;

use std::hint::black_box;

use gungraun::{library_benchmark, library_benchmark_group, main};
use labsim::model::Model;
use labsim::step::Stepper;
use labsim::world::World;

/// Steps taken after the burn-in before the step counted, so that the world is in its steady
/// state, as in `benches/step.rs`.
const WARM_UP_STEPS: u32 = 6;

/// A shipped scenario resized to about `workers` agents ([`common::resized`]), with `burn_in`
/// months of burn-in, `steps` months and one replication.
fn model(file: &str, workers: f64, burn_in: i64, steps: i64) -> Model {
    common::resized(
        file,
        workers,
        &[
            ("simulation.steps", toml::Value::Integer(steps)),
            ("simulation.burn_in_months", toml::Value::Integer(burn_in)),
            ("simulation.replications", toml::Value::Integer(1)),
        ],
    )
}

/// A rayon pool whose one thread is the calling one: callgrind counts only the thread that
/// runs the bench function, and one thread keeps the counts free of work-stealing.
fn one_thread() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build()
        .expect("a one-thread pool on the bench's thread")
}

/// A warmed-up world of `file` at about `workers` agents: its burn-in (at most `burn_in`
/// months), then [`WARM_UP_STEPS`] steps. Runs under valgrind but is not counted.
fn warmed(file: &str, workers: f64, burn_in: i64) -> (rayon::ThreadPool, Model, World, Stepper) {
    let pool = one_thread();
    let model = model(file, workers, burn_in, 120);
    let (world, stepper) = pool.install(|| {
        let mut world = World::new(&model, 0);
        let mut stepper = Stepper::new(&model);
        stepper.burn_in(&model, &mut world);
        for _ in 0..WARM_UP_STEPS {
            stepper.step(&model, &mut world);
        }
        (world, stepper)
    });
    (pool, model, world, stepper)
}

fn baseline() -> (rayon::ThreadPool, Model, World, Stepper) {
    warmed("scenarios/baseline.toml", 50_000.0, 24)
}

fn published() -> (rayon::ThreadPool, Model, World, Stepper) {
    warmed("scenarios/published_model.toml", 100_000.0, 0)
}

// One step of a warmed-up world (gungraun takes no doc comment here).
#[library_benchmark]
#[bench::baseline_50k(setup = baseline)]
#[bench::published_100k(setup = published)]
fn step((pool, model, mut world, mut stepper): (rayon::ThreadPool, Model, World, Stepper)) {
    pool.install(|| black_box(stepper.step(&model, &mut world)));
}

fn national() -> (rayon::ThreadPool, Model) {
    (
        one_thread(),
        model("scenarios/netherlands.toml", 50_000.0, 12, 12),
    )
}

// A whole short national run: building the world of 23 regions, 12 months of burn-in and 12
// of run.
#[library_benchmark]
#[bench::national_50k_12_months(setup = national)]
fn run((pool, model): (rayon::ThreadPool, Model)) {
    pool.install(|| {
        let mut world = World::new(&model, 0);
        let mut stepper = Stepper::new(&model);
        stepper.burn_in(&model, &mut world);
        for _ in 0..model.scenario.simulation.steps {
            black_box(stepper.step(&model, &mut world));
        }
    });
}

library_benchmark_group!(name = steps; benchmarks = step, run);
main!(library_benchmark_groups = steps);
