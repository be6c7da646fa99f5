//! The `labsim` binary: parse the command line, run the command, map failures to exit codes
//! (0 ok, 1 run-time failure, 2 bad usage or bad scenario).

mod calibrate_cmd;
mod cli;
mod sweep_cmd;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use labsim::error::ScenarioError;
use labsim::model::Model;
use labsim::scenario::{self, Scenario};

enum Failure {
    Usage(String),
    Scenario(ScenarioError),
    Run(anyhow::Error),
    Sweep(labsim::sweep::SweepError),
    Calibrate(labsim::calibrate::CalibrateError),
    /// A check that ran and failed (exit 1), already explained on stderr.
    CheckFailed,
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let outcome = match cli.command {
        cli::Command::Run(args) => run(args),
        cli::Command::Compare(args) => compare(args),
        cli::Command::Plot { dir } => plot(&dir).map(|files| {
            for f in files {
                eprintln!("  wrote {}", f.display());
            }
        }),
        cli::Command::Check { scenario } => check(&scenario),
        cli::Command::Sweep { command } => sweep_cmd::sweep(command),
        cli::Command::Calibrate(args) => calibrate_cmd::calibrate(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Scenario(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(Failure::Run(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
        Err(Failure::Sweep(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
        Err(Failure::Calibrate(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
        Err(Failure::CheckFailed) => ExitCode::from(1),
    }
}

fn check(path: &std::path::Path) -> Result<(), Failure> {
    let s = scenario::load(path).map_err(Failure::Scenario)?;
    print!("{}", describe(&s));
    Ok(())
}

/// What `labsim check` prints.
fn describe(s: &Scenario) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let sim = &s.simulation;
    let _ = writeln!(out, "scenario   {} ({})", s.name, s.file.display());
    if !s.description.is_empty() {
        let _ = writeln!(out, "           {}", s.description);
    }
    let _ = writeln!(out, "hash       {}", s.hash);
    let _ = writeln!(out, "countries  {}", s.countries.len());
    for c in &s.countries {
        let langs: Vec<&str> = (0..s.languages.len())
            .filter(|&l| c.languages & (1 << l) != 0)
            .map(|l| s.languages[l].as_str())
            .collect();
        let _ = writeln!(
            out,
            "  {:<4} {} (languages: {})",
            c.code,
            c.name,
            langs.join(", ")
        );
    }
    let _ = writeln!(out, "regions    {}", s.regions.len());
    for r in &s.regions {
        let _ = writeln!(
            out,
            "  {:<32} {:<4} labour force {:>10.0}  unemployment {:>5.1} %",
            r.name,
            s.countries[r.country].code,
            r.labour_force,
            r.unemployment_rate * 100.0
        );
    }
    let _ = writeln!(out, "sectors    {}", s.sectors.len());
    for x in &s.sectors {
        let _ = writeln!(
            out,
            "  {:<24} vacancy rate {:>5.1} %  wage {:>6.0}{}",
            x.name,
            x.vacancy_rate * 100.0,
            x.wage,
            if x.regulated { "  regulated" } else { "" }
        );
    }
    let persons: f64 = s.regions.iter().map(|r| r.labour_force).sum();
    let _ = writeln!(out, "nodes      {}", s.n_nodes());
    let _ = writeln!(
        out,
        "workers    {} agents at scale {} ({persons:.0} persons)",
        s.n_workers(),
        sim.scale
    );
    let _ = writeln!(
        out,
        "steps      {} of {} month(s){}",
        sim.steps,
        sim.step_months,
        sim.start.map(|d| format!(", from {d}")).unwrap_or_default()
    );
    let _ = writeln!(out, "replications {}, seed {}", sim.replications, sim.seed);
    let _ = writeln!(out, "policies   {}", s.policies.len());
    for p in &s.policies {
        let _ = writeln!(
            out,
            "  {:<36} {:<22} steps {}-{}{}",
            p.name,
            p.kind.name(),
            p.start,
            p.end.min(sim.steps),
            p.budget
                .map(|b| format!(", budget EUR {b:.0}"))
                .unwrap_or_default()
        );
    }
    out
}

/// Apply the command line's overrides to a scenario's simulation settings.
fn apply_overrides(s: &mut Scenario, o: &cli::Overrides) -> Result<(), Failure> {
    if let Some(seed) = o.seed {
        s.simulation.seed = seed;
    }
    if let Some(r) = o.replications {
        s.simulation.replications = r;
    }
    if let Some(steps) = o.steps {
        s.simulation.steps = steps;
    }
    if let Some(scale) = o.scale {
        s.simulation.scale = check_scale(scale)?;
    }
    if s.n_workers() > u64::from(u32::MAX - 1) {
        return Err(Failure::Usage(format!(
            "{} agents: at most {} are supported; lower --scale",
            s.n_workers(),
            u32::MAX - 1
        )));
    }
    Ok(())
}

/// Parse `--set KEY=VALUE` arguments: the key is a key path, the value TOML (a bare word that
/// is not TOML is taken as a string).
fn parse_sets(sets: &[String]) -> Result<Vec<scenario::Override>, Failure> {
    sets.iter()
        .map(|arg| {
            let (key, value) = arg.split_once('=').ok_or_else(|| {
                Failure::Usage(format!(
                    "--set {arg}: write KEY=VALUE, e.g. --set mechanics.applications=3"
                ))
            })?;
            let key = scenario::keypath::KeyPath::parse(key.trim())
                .map_err(|e| Failure::Usage(format!("--set {arg}: not a key path ({e})")))?;
            let value = value.trim();
            let value = toml::from_str::<toml::Table>(&format!("v = {value}"))
                .ok()
                .and_then(|mut t| t.remove("v"))
                .unwrap_or_else(|| toml::Value::String(value.to_string()));
            Ok(scenario::Override {
                key,
                value,
                origin: PathBuf::from("--set"),
            })
        })
        .collect()
}

fn run(args: cli::RunArgs) -> Result<(), Failure> {
    let sets = parse_sets(&args.set)?;
    let mut s = scenario::load_with(&args.scenario, &sets).map_err(Failure::Scenario)?;
    apply_overrides(&mut s, &args.options)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&s.name));
    let steps = u64::from(s.simulation.steps) * u64::from(s.simulation.replications);
    let model = Model::new(s);

    let bar = progress_bar(
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
    let mut files = labsim::output::write_run(&out_dir, &model, &result)
        .context("writing the output")
        .map_err(Failure::Run)?;
    if !args.no_plots {
        files.extend(plot(&out_dir)?);
    }
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

fn check_scale(scale: f64) -> Result<f64, Failure> {
    if scale.is_finite() && (1e-6..=1000.0).contains(&scale) {
        Ok(scale)
    } else {
        Err(Failure::Usage(format!(
            "--scale {scale}: must be a number from 0.000001 to 1000 (agents per person)"
        )))
    }
}

/// A progress bar over `len` `unit`s (steps, runs, evaluations) on a terminal; hidden when
/// `quiet` or when stderr is not a terminal.
pub(crate) fn progress_bar(quiet: bool, len: u64, message: String, unit: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    let template = format!("{{msg}} [{{bar:40}}] {{pos}}/{{len}} {unit}, {{eta}} left");
    let style =
        ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style.progress_chars("=> "));
    bar.set_message(message);
    bar
}

fn compare(args: cli::CompareArgs) -> Result<(), Failure> {
    use labsim::compare::{summarise, summary_csv, summary_markdown, Totals};
    let mut base = scenario::load(&args.baseline).map_err(Failure::Scenario)?;
    let mut others = Vec::new();
    for path in &args.scenarios {
        others.push(scenario::load(path).map_err(Failure::Scenario)?);
    }
    apply_overrides(&mut base, &args.options)?;
    let same_file = |a: &std::path::Path, b: &std::path::Path| {
        std::fs::canonicalize(a)
            .ok()
            .zip(std::fs::canonicalize(b).ok())
            .is_some_and(|(x, y)| x == y)
    };
    let structure = |s: &Scenario| {
        (
            s.regions.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
            s.sectors.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
            s.countries
                .iter()
                .map(|c| c.code.clone())
                .collect::<Vec<_>>(),
        )
    };
    let mut kept = Vec::new();
    let mut notes = Vec::new();
    for mut s in others {
        if same_file(&s.file, &base.file) {
            continue;
        }
        if structure(&s) != structure(&base) {
            notes.push(format!(
                "skipped {}: its regions, sectors or countries differ from the baseline's, so it cannot share its random numbers",
                s.file.display()
            ));
            continue;
        }
        if kept.iter().any(|k: &Scenario| k.name == s.name) || s.name == base.name {
            return Err(Failure::Usage(format!(
                "{}: two scenarios are named \"{}\"; give one a different `name`",
                s.file.display(),
                s.name
            )));
        }
        s.simulation.seed = base.simulation.seed;
        s.simulation.replications = base.simulation.replications;
        s.simulation.steps = base.simulation.steps;
        s.simulation.scale = base.simulation.scale;
        kept.push(s);
    }
    if kept.is_empty() {
        return Err(Failure::Usage(
            "no scenario left to compare with the baseline".into(),
        ));
    }
    for note in &notes {
        eprintln!("note: {note}");
    }
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("compare-{}", base.name)));
    let sim = base.simulation.clone();
    let total_steps = u64::from(sim.steps) * u64::from(sim.replications) * (kept.len() as u64 + 1);
    let bar = progress_bar(
        args.options.quiet,
        total_steps,
        format!("compare {}", base.name),
        "steps",
    );
    let threads = args.options.threads.unwrap_or(0) as usize;
    let base_name = base.name.clone();
    let mut names = Vec::new();
    let mut baseline_totals = Vec::new();
    let mut totals = Vec::new();
    for (k, s) in std::iter::once(base).chain(kept).enumerate() {
        let name = s.name.clone();
        let model = Model::new(s);
        let result = labsim::run::run(&model, threads, &|| bar.inc(1))
            .with_context(|| format!("running {name}"))
            .map_err(Failure::Run)?;
        labsim::output::write_run(&out_dir.join(&name), &model, &result)
            .with_context(|| format!("writing {name}"))
            .map_err(Failure::Run)?;
        if !args.no_plots {
            plot(&out_dir.join(&name))?;
        }
        let t: Vec<Totals> = result
            .records
            .iter()
            .map(|r| Totals::of(&model, r))
            .collect();
        if k == 0 {
            baseline_totals = t;
        } else {
            names.push(name);
            totals.push(t);
        }
    }
    bar.finish_and_clear();
    let rows = summarise(&names, &baseline_totals, &totals);
    let reps = sim.replications as usize;
    let mut md = summary_markdown(&base_name, &rows, reps, sim.seed);
    for note in &notes {
        md.push_str(&format!("\nNote: {note}.\n"));
    }
    labsim::output::write_all_atomic(
        &out_dir,
        &[
            ("summary.csv", summary_csv(&rows, reps)),
            ("summary.md", md.clone()),
        ],
    )
    .context("writing the summary")
    .map_err(Failure::Run)?;
    if !args.no_plots {
        plot(&out_dir)?;
    }
    if !args.options.quiet {
        println!("{md}");
        eprintln!("wrote {}", out_dir.display());
    }
    Ok(())
}

/// Draw the figures of a run directory; a missing or malformed input is bad usage (exit 2).
pub(crate) fn plot(dir: &std::path::Path) -> Result<Vec<PathBuf>, Failure> {
    use labsim::plot::PlotError;
    labsim::plot::plot_dir(dir).map_err(|e| match e {
        PlotError::Input { .. } => Failure::Usage(e.to_string()),
        other => Failure::Run(anyhow::Error::new(other).context("drawing the figures")),
    })
}
