//! Criterion benches of the step: each stage on its own and the full step, for the published
//! one-node model, the border regions under the published rules and the default baseline (with
//! employers and an open population) at 10 k, 100 k and 1 M workers.
//! Throughput is in workers, so criterion reports agent-steps per second (elem/s).
//!
//! `cargo bench --bench step` measures; `cargo bench -- --test` runs each once (CI).

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use labsim::model::Model;
use labsim::step::Stepper;
use labsim::world::World;

const SIZES: [u64; 3] = [10_000, 100_000, 1_000_000];
/// The scenarios benched, by the name their groups carry.
const SCENARIOS: [(&str, &str); 3] = [
    ("published", "scenarios/published_model.toml"),
    (
        "border_published_rules",
        "scenarios/baseline_published_rules.toml",
    ),
    ("baseline", "scenarios/baseline.toml"),
];
/// Steps taken before measuring, so that the world is in its steady state.
const WARM_UP_STEPS: u32 = 24;
/// Steps a world takes in a row in the full-step benches before it is reset.
const RESTART: u64 = 60;

/// A warmed-up world of about `workers` agents of a shipped scenario: its burn-in, then
/// [`WARM_UP_STEPS`] steps.
fn setup(file: &str, workers: u64) -> (Model, World, Stepper) {
    let model = common::resized(
        file,
        workers as f64,
        &[("simulation.steps", toml::Value::Integer(120))],
    );
    let mut world = World::new(&model, 0);
    let mut stepper = Stepper::new(&model);
    // The scenario's own burn-in first (the default has ten years), so that the steps measured
    // are the ones a run reports, not the busier first steps from the built state.
    stepper.burn_in(&model, &mut world);
    for _ in 0..WARM_UP_STEPS {
        stepper.step(&model, &mut world);
    }
    (model, world, stepper)
}

fn full_step(c: &mut Criterion) {
    for (name, file) in SCENARIOS {
        let mut group = c.benchmark_group(format!("step/{name}"));
        group.sample_size(10);
        for size in SIZES {
            let (model, world, stepper) = setup(file, size);
            group.throughput(Throughput::Elements(world.workers.len() as u64));
            // Steps run back to back, as in a real run; every `RESTART` steps the world is reset
            // to the warmed-up copy (not timed) so the clock stays within the scenario's length.
            group.bench_function(BenchmarkId::from_parameter(size), |b| {
                b.iter_custom(|iters| {
                    let mut timed = Duration::ZERO;
                    let mut done = 0;
                    while done < iters {
                        let (mut w, mut s) = (world.clone(), stepper.clone());
                        let n = (iters - done).min(RESTART);
                        let start = Instant::now();
                        for _ in 0..n {
                            black_box(s.step(&model, &mut w));
                        }
                        timed += start.elapsed();
                        done += n;
                    }
                    timed
                })
            });
        }
        group.finish();
    }
}

fn stages(c: &mut Criterion) {
    for (name, file) in SCENARIOS {
        let mut group = c.benchmark_group(format!("stage/{name}"));
        group.sample_size(10);
        for size in SIZES {
            let (model, mut world, mut stepper) = setup(file, size);
            group.throughput(Throughput::Elements(world.workers.len() as u64));
            // Stages before the one measured are run once in setup; the measured stage reads
            // only the world and its own inputs, so it can be repeated on the same state.
            stepper.stage_demand(&model, &mut world);
            group.bench_function(BenchmarkId::new("scan", size), |b| {
                b.iter(|| stepper.stage_scan(&model, &world))
            });
            group.bench_function(BenchmarkId::new("openings", size), |b| {
                b.iter(|| stepper.stage_openings(&model, &world))
            });
            group.bench_function(BenchmarkId::new("search", size), |b| {
                b.iter(|| stepper.stage_search(&model, &world))
            });
            group.bench_function(BenchmarkId::new("matching", size), |b| {
                b.iter(|| stepper.stage_matching(&model, &world))
            });
            group.bench_function(BenchmarkId::new("apply", size), |b| {
                b.iter_batched_ref(
                    || (world.clone(), stepper.clone()),
                    |(w, s)| s.stage_apply(&model, w),
                    BatchSize::LargeInput,
                )
            });
        }
        group.finish();
    }
}

criterion_group!(benches, full_step, stages);
criterion_main!(benches);
