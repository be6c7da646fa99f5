//! `labsim run`: run one scenario, with the command line's settings as overrides, and write its
//! output and figures as one transaction: the output directory is replaced whole or not at all.

use std::path::PathBuf;

use anyhow::Context;

use labsim::model::Model;
use labsim::scenario;

use super::{plot, progress, settings, staged};
use crate::cli::RunArgs;
use crate::Failure;

pub fn run(args: RunArgs) -> Result<(), Failure> {
    let overrides = settings::of_run(&args.set, &args.options)?;
    let s = scenario::load_with(&args.scenario, &overrides).map_err(Failure::Scenario)?;
    settings::fits_in_memory(&s, &args.options, 0)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&s.name));
    let steps = u64::from(s.simulation.steps) * u64::from(s.simulation.replications);
    // Refuse an output directory that may not be replaced before spending the run's time.
    let tx = staged::begin(&out_dir)?;
    let mut model = Model::new(s);
    model.look_at_every_worker = args.look_at_every_worker;

    let bar = progress::bar(
        args.options.quiet,
        steps,
        model.scenario.name.clone(),
        "steps",
    );
    let threads = args.options.threads.unwrap_or(0) as usize;
    let result = labsim::run::run(&model, threads, &|| bar.inc(1))
        .context("running the scenario")
        .map_err(Failure::Run)?;
    bar.finish_and_clear();
    let write = || -> Result<Vec<PathBuf>, Failure> {
        let mut files = labsim::output::write_run(tx.dir(), &model, &result)
            .context("writing the output")
            .map_err(Failure::Run)?;
        if !args.no_plots {
            files.extend(plot::draw(tx.dir())?);
        }
        Ok(files)
    };
    let files = write().map_err(|f| staged::within(&tx, f))?;
    let files = staged::commit(tx, files)?;
    if !args.options.quiet {
        let sim = &model.scenario.simulation;
        eprintln!(
            "{}: {} agents x {} steps x {} replication(s) in {:.2} s ({:.1} M agent-steps/s, {} threads)",
            model.scenario.name,
            result.agents,
            sim.steps,
            sim.replications,
            result.wall_seconds,
            result.agent_steps_per_second(sim.steps) / 1e6,
            result.threads,
        );
        for f in files {
            eprintln!("  wrote {}", f.display());
        }
    }
    Ok(())
}
