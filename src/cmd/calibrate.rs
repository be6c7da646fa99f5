//! `labsim calibrate`: the command-line side of [`labsim::calibrate`].

use std::path::PathBuf;

use labsim::calibrate::{self, targets, CalibrateError, Problem};

use super::{plot, progress, settings, staged};
use crate::cli::CalibrateArgs;
use crate::Failure;

pub fn calibrate(args: CalibrateArgs) -> Result<(), Failure> {
    let fail = |e: CalibrateError| Failure::Calibrate(e);
    let t = targets::load(&args.targets).map_err(|e| fail(e.into()))?;
    let mut flags = settings::parse_sets(&args.set)?;
    flags.extend(settings::seed_and_replications(
        args.seed,
        args.replications,
    ));
    let problem = Problem::new(&args.scenario, t, &flags).map_err(fail)?;
    let threads = args.threads.unwrap_or(0) as usize;
    let scenario_name = problem.name().to_string();

    if args.check {
        return check(&args, &problem, threads, &scenario_name);
    }
    if problem.targets.parameters.is_empty() {
        return Err(Failure::Usage(format!(
            "{}: no [[parameter]] to fit; list the free parameters, or use --check",
            args.targets.display()
        )));
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("calibrate-{scenario_name}")));
    let budget = args.budget as usize;
    let bar = progress::bar(
        args.quiet,
        budget as u64,
        format!("calibrate {scenario_name}"),
        "evaluations",
    );
    let tx = staged::begin(&out)?;
    let outcome = calibrate::calibrate(&problem, budget, threads, &|| bar.inc(1)).map_err(fail)?;
    bar.finish_and_clear();

    let calibrated_name = format!("{scenario_name}_calibrated.toml");
    // The staging directory is beside `out`, so a path relative to one is relative to the other.
    let toml_text = calibrate::calibrated_toml(&problem, &outcome, &out).map_err(fail)?;
    let title = format!(
        "Fit of {} to {} after calibration ({} replications, seed {})",
        calibrated_name, problem.targets.name, outcome.replications, outcome.seed
    );
    let md = calibrate::fit_markdown(&outcome.fit, &title);
    let write = || -> Result<Vec<PathBuf>, Failure> {
        let mut files = labsim::output::write_all_atomic(
            tx.dir(),
            &[
                (calibrated_name.as_str(), toml_text),
                ("fit.csv", calibrate::fit_csv(&outcome.fit)),
                ("fit.md", md.clone()),
                (
                    "history.csv",
                    calibrate::history_csv(&problem, &outcome.history),
                ),
            ],
        )
        .map_err(|e| Failure::Run(e.into()))?;
        if !args.no_plots {
            files.extend(plot::draw(tx.dir())?);
        }
        Ok(files)
    };
    let files = write().map_err(|f| staged::within(&tx, f))?;
    let files = staged::commit(tx, files)?;
    if !args.quiet {
        println!("{md}");
        for (p, v) in problem.targets.parameters.iter().zip(&outcome.best) {
            eprintln!("  {} = {v}", p.key);
        }
        eprintln!(
            "objective {:.4} after {} evaluations",
            calibrate::objective(&outcome.fit),
            outcome.history.len()
        );
        for f in files {
            eprintln!("  wrote {}", f.display());
        }
    }
    Ok(())
}

fn check(
    args: &CalibrateArgs,
    problem: &Problem,
    threads: usize,
    scenario_name: &str,
) -> Result<(), Failure> {
    let rows = problem
        .evaluate_as_is(threads)
        .map_err(Failure::Calibrate)?;
    let title = format!(
        "Fit of {} to {} ({} replications, seed {})",
        scenario_name,
        problem.targets.name,
        problem.replications(),
        problem.seed()
    );
    let md = calibrate::fit_markdown(&rows, &title);
    if let Some(out) = &args.out {
        let tx = staged::begin(out)?;
        let write = || -> Result<(), Failure> {
            labsim::output::write_all_atomic(
                tx.dir(),
                &[
                    ("fit.csv", calibrate::fit_csv(&rows)),
                    ("fit.md", md.clone()),
                ],
            )
            .map_err(|e| Failure::Run(e.into()))?;
            if !args.no_plots {
                plot::draw(tx.dir())?;
            }
            Ok(())
        };
        write().map_err(|f| staged::within(&tx, f))?;
        staged::commit(tx, Vec::new())?;
    }
    println!("{md}");
    let outside: Vec<&calibrate::FitRow> = rows
        .iter()
        .filter(|r| r.target.fit && !r.within())
        .collect();
    if outside.is_empty() {
        eprintln!(
            "every fitted moment of {scenario_name} is within its tolerance (objective {:.4})",
            calibrate::objective(&rows)
        );
        Ok(())
    } else {
        for r in &outside {
            eprintln!(
                "outside tolerance: {} {} {}: simulated {} against {} +- {}",
                r.target.metric.name(),
                r.target.level,
                r.target.key,
                r.mean,
                r.target.value,
                r.target.tolerance
            );
        }
        eprintln!(
            "{} of {} fitted moments are outside their tolerance",
            outside.len(),
            rows.iter().filter(|r| r.target.fit).count()
        );
        Err(Failure::CheckFailed)
    }
}
