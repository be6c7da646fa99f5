//! `labsim compare`: run scenarios against a baseline ([`labsim::compare`]), each into its own
//! directory, and write the summary and the evaluation of every scenario's participants against
//! their counterfactual selves ([`labsim::evaluate`]), all as one transaction.

use std::path::PathBuf;

use anyhow::Context;

use labsim::compare::{Comparison, Summary};
use labsim::model::Model;
use labsim::run::BurntIn;
use labsim::scenario::Scenario;

use super::{plot, progress, settings, staged};
use crate::cli::CompareArgs;
use crate::Failure;

pub fn compare(args: CompareArgs) -> Result<(), Failure> {
    let overrides = settings::flags(&args.options);
    let comparison =
        Comparison::load(&args.baseline, &args.scenarios, &overrides).map_err(Failure::Compare)?;
    for note in &comparison.notes {
        eprintln!("note: {note}");
    }
    // The baseline's traces are held while every scenario with policies runs traced.
    let baseline_traces = labsim::estimate::trace_bytes(comparison.baseline());
    // Scenarios that differ from one another only in their policies (the baseline and its
    // programmes; a shock and the programmes built on it) share one burn-in per replication:
    // the worlds of the first of them to run are kept until the last of them has run, when
    // they fit in memory beside everything else.
    let groups = shared_burn_ins(&comparison.scenarios);
    let available = labsim::estimate::available_bytes();
    let mut kept_fit = true;
    for (k, s) in comparison.scenarios.iter().enumerate() {
        let own = if k > 0 && !s.policies.is_empty() {
            labsim::estimate::trace_bytes(s)
        } else {
            0
        };
        let traces = baseline_traces.saturating_add(own);
        settings::fits_in_memory(s, &args.options, traces)?;
        let kept = groups
            .iter()
            .filter(|g| (g.first..=g.last).contains(&k))
            .map(|g| g.kept_bytes)
            .fold(0u64, u64::saturating_add);
        if kept > 0
            && labsim::estimate::refusal(s, available, traces.saturating_add(kept)).is_some()
        {
            kept_fit = false;
        }
    }
    if !args.options.quiet && !groups.is_empty() {
        let served: usize = groups.iter().map(|g| g.members - 1).sum();
        if kept_fit {
            eprintln!(
                "note: {served} of {} runs start from the burn-in of a scenario they differ from only in their policies",
                comparison.scenarios.len()
            );
        } else {
            let kept: u64 = groups.iter().map(|g| g.kept_bytes).sum();
            eprintln!(
                "note: every scenario runs its own burn-in: the {} of burnt-in worlds kept for the {served} that could share them would not fit in memory",
                labsim::estimate::human(kept)
            );
        }
    }
    let mut groups = if kept_fit { groups } else { Vec::new() };
    let base = comparison.baseline().name.clone();
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("compare-{base}")));
    let bar = progress::bar(
        args.options.quiet,
        comparison.total_steps(),
        format!("compare {base}"),
        "steps",
    );
    let threads = args.options.threads.unwrap_or(0) as usize;
    let tx = staged::begin(&out_dir)?;
    let dir = tx.dir();
    let mut summary = Summary::new(&comparison);
    let write = || -> Result<String, Failure> {
        for (k, s) in comparison.scenarios.into_iter().enumerate() {
            let name = s.name.clone();
            // The baseline and every scenario with policies keep traces for the evaluation.
            let traced = k == 0 || !s.policies.is_empty();
            // The groups' ranges may interleave: the one whose key is this scenario's.
            let kept = groups.iter().find(|g| g.burnt.serves(&s));
            let model = Model::new(s);
            let mut result = labsim::run::run_from(
                &model,
                threads,
                &|| bar.inc(1),
                traced,
                kept.map(|g| &g.burnt),
            )
            .with_context(|| format!("running {name}"))
            .map_err(Failure::Run)?;
            // A group's worlds go once its last scenario has run.
            groups.retain(|g| g.last > k);
            labsim::output::write_run(&dir.join(&name), &model, &result)
                .with_context(|| format!("writing {name}"))
                .map_err(Failure::Run)?;
            if !args.no_plots {
                plot::draw(&dir.join(&name))?;
            }
            summary.add(&model, &result.records);
            let traces = std::mem::take(&mut result.traces);
            summary.add_traces(&model, &result.records, traces);
        }
        bar.finish_and_clear();
        let md = summary
            .write(dir)
            .context("writing the summary")
            .map_err(Failure::Run)?;
        if !args.no_plots {
            plot::draw(dir)?;
        }
        Ok(md)
    };
    let md = write().map_err(|f| staged::within(&tx, f))?;
    let out_dir = tx.output_dir().to_path_buf();
    staged::commit(tx, Vec::new())?;
    if !args.options.quiet {
        println!("{md}");
        eprintln!("wrote {}", out_dir.display());
    }
    Ok(())
}

/// Scenarios (by position) that burn in alike: a group for every [`BurntIn::key`] that two or
/// more scenarios with a burn-in share, with the bytes of its kept worlds.
struct SharedBurnIn {
    burnt: BurntIn,
    /// The first and last scenario of the group: its worlds are kept from the one to the other.
    first: usize,
    last: usize,
    members: usize,
    kept_bytes: u64,
}

fn shared_burn_ins(scenarios: &[Scenario]) -> Vec<SharedBurnIn> {
    let mut groups: Vec<SharedBurnIn> = Vec::new();
    for (k, s) in scenarios.iter().enumerate() {
        if s.simulation.burn_in_steps == 0 {
            continue;
        }
        match groups.iter_mut().find(|g| g.burnt.serves(s)) {
            Some(g) => {
                g.last = k;
                g.members += 1;
            }
            None => groups.push(SharedBurnIn {
                burnt: BurntIn::new(s),
                first: k,
                last: k,
                members: 1,
                kept_bytes: labsim::estimate::kept_worlds_bytes(s),
            }),
        }
    }
    groups.retain(|g| g.members > 1);
    groups
}
