//! `labsim compare`: run scenarios against a baseline ([`labsim::compare`]), each into its own
//! directory, and write the summary and the evaluation of every scenario's participants against
//! their counterfactual selves ([`labsim::evaluate`]), all as one transaction.

use std::path::PathBuf;

use anyhow::Context;

use labsim::compare::{Comparison, Summary};
use labsim::model::Model;
use labsim::run::BurntIn;

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
    // The scenarios that differ from the baseline only in their policies start from the
    // worlds of the baseline's burn-in, kept (one per replication) until the last of them has
    // run, when they fit in memory beside everything else.
    let burnt = BurntIn::new(comparison.baseline());
    let last_sharing = (1..comparison.scenarios.len())
        .rev()
        .find(|&k| burnt.serves(&comparison.scenarios[k]));
    let kept_bytes = labsim::estimate::kept_worlds_bytes(comparison.baseline());
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
        if last_sharing.is_some_and(|last| k <= last)
            && labsim::estimate::refusal(s, available, traces.saturating_add(kept_bytes)).is_some()
        {
            kept_fit = false;
        }
    }
    if !args.options.quiet && last_sharing.is_some() {
        let served = comparison.scenarios[1..]
            .iter()
            .filter(|s| burnt.serves(s))
            .count();
        if kept_fit {
            eprintln!(
                "note: {served} of {} scenarios differ from the baseline only in their policies and start from its burn-in",
                comparison.scenarios.len() - 1
            );
        } else {
            eprintln!(
                "note: every scenario runs its own burn-in: the {} of the baseline's kept for the {served} that could share them would not fit in memory",
                labsim::estimate::human(kept_bytes)
            );
        }
    }
    let mut burnt = (kept_fit && last_sharing.is_some()).then_some(burnt);
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
            let model = Model::new(s);
            let mut result =
                labsim::run::run_from(&model, threads, &|| bar.inc(1), traced, burnt.as_ref())
                    .with_context(|| format!("running {name}"))
                    .map_err(Failure::Run)?;
            if last_sharing.is_some_and(|last| k >= last) {
                burnt = None;
            }
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
