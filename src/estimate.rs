//! The memory a run will need, estimated from the validated scenario before anything is
//! allocated: `check` prints it, and `run` and `compare` refuse a run that would not fit in the
//! machine's available memory.
//!
//! The terms are the structures of a run, sized as the code sizes them:
//! - the model's travel matrices (regions x regions and regions x nodes);
//! - one world (replications run one after another): [`Workers::BYTES_PER_WORKER`] per worker,
//!   plus the step's event buffers, at most [`SCRATCH_PER_WORKER`] per worker (measured at scale
//!   1: 5.5 bytes per worker for the published rules' border baseline; 14 for the default
//!   baseline, its employers' books included, at the burn-in's busiest step; README), plus
//!   per-chunk counts by node;
//! - every step's record of every replication ([`StepRecord::bytes_for`]), kept until written;
//! - the output text: `series.csv`, at most [`ROW_BYTES`] per row, and `bands.csv`, at most
//!   [`BAND_ROW_BYTES`] per metric and row;
//! - [`BASE_BYTES`] for the program itself (code, font, thread stacks);
//! - in `compare`, the traces of the evaluation ([`trace_bytes`]): two bits per agent and step
//!   of every replication, for the baseline (kept throughout) and the scenario being run (the
//!   register of enrolments, placements and course starts, eight to twelve bytes each, is left
//!   out: the default at scale 1 starts about 500 courses a month); and the
//!   burnt-in worlds kept for the scenarios that share them ([`kept_worlds_bytes`], per group
//!   of scenarios that burn in alike), when they fit.

use crate::chunks::CHUNK;
use crate::metrics::StepRecord;
use crate::output::Metrics;
use crate::scenario::Scenario;
use crate::world::Workers;

/// Step buffers per worker, at most (searchers, separations, enrolments, applications).
pub const SCRATCH_PER_WORKER: u64 = 16;
/// Bytes of one `series.csv` row, at most (identifiers and 49 metrics, most of them short
/// counts: the longest row of the default baseline is about 340 bytes).
pub const ROW_BYTES: u64 = 512;
/// Bytes of one `bands.csv` row (one metric of one series at one step), at most (about 80 on
/// the baseline).
pub const BAND_ROW_BYTES: u64 = 160;
/// The program without its data: peak RSS of a one-node run of a few agents is about 20 MB.
pub const BASE_BYTES: u64 = 64 << 20;

/// A run's memory, by term, in bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Agents (a count, not bytes).
    pub workers: u64,
    /// Travel matrices of the model.
    pub model: u64,
    /// One replication's workers, step buffers and per-chunk counts.
    pub world: u64,
    /// Every step's record of every replication.
    pub records: u64,
    /// The text of `series.csv` and `bands.csv`.
    pub output: u64,
    /// All of the above and [`BASE_BYTES`].
    pub peak: u64,
}

impl Estimate {
    /// The keys to lower, by the biggest term.
    pub fn keys(&self) -> &'static str {
        if self.records + self.output >= self.world.max(self.model) {
            "simulation.steps, simulation.replications (and the number of regions and sectors)"
        } else if self.world >= self.model {
            "simulation.scale (or the regions' labour_force)"
        } else {
            "the number of regions and sectors"
        }
    }
}

/// The estimate for `s`, in bytes except `workers`. Saturating arithmetic: a scenario too big
/// to count is too big to run.
pub fn estimate(s: &Scenario) -> Estimate {
    let (nr, ns, nc) = (
        s.n_regions() as u64,
        s.n_sectors() as u64,
        s.n_countries() as u64,
    );
    let nn = nr.saturating_mul(ns);
    let workers = s.n_workers();
    let steps = u64::from(s.simulation.steps) + 1;
    let reps = u64::from(s.simulation.replications);
    let word = 8u64;

    // Commuting shares and minutes (nr x nr), utilities and reachable nodes (nr x nn).
    let model = word
        .saturating_mul(2 * nr * nr)
        .saturating_add(word.saturating_mul(nr * nn) * 3 / 2);
    let chunks = workers.div_ceil(CHUNK as u64).max(1);
    let per_chunk = word * (nn + nr) * 2;
    let world = workers
        .saturating_mul(Workers::BYTES_PER_WORKER as u64 + SCRATCH_PER_WORKER)
        .saturating_add(chunks.saturating_mul(per_chunk));
    let record = StepRecord::bytes_for(nn as usize, nr as usize, nc as usize, s.policies.len());
    let records = record.saturating_mul(steps).saturating_mul(reps);
    // Total, countries, regions, sectors and, with more than one country, each sector in each
    // country (`output::rows`).
    let rows_per_step = 1 + nc + nr + ns + if nc > 1 { nc * ns } else { 0 };
    let series = ROW_BYTES.saturating_mul(reps);
    let bands = if reps > 1 {
        BAND_ROW_BYTES * Metrics::NAMES.len() as u64
    } else {
        0
    };
    let output = (series.saturating_add(bands))
        .saturating_mul(rows_per_step)
        .saturating_mul(steps);
    let peak = BASE_BYTES
        .saturating_add(model)
        .saturating_add(world)
        .saturating_add(records)
        .saturating_add(output);
    Estimate {
        workers,
        model,
        world,
        records,
        output,
        peak,
    }
}

/// Bytes of the traces of one traced run of `s` (`compare`'s evaluation, [`crate::run::Trace`]):
/// a bit per agent and step for employment and one for notice, in 64-bit words, for every
/// replication.
pub fn trace_bytes(s: &Scenario) -> u64 {
    let words = s.n_workers().div_ceil(64);
    words
        .saturating_mul(8 * 2)
        .saturating_mul(u64::from(s.simulation.steps))
        .saturating_mul(u64::from(s.simulation.replications))
}

/// Bytes of the worlds `compare` keeps from the burn-in of `s`, one per replication, for the
/// scenarios that share it ([`crate::run::BurntIn`]): each as big as a run's world (its
/// step buffers included, an upper bound).
pub fn kept_worlds_bytes(s: &Scenario) -> u64 {
    estimate(s)
        .world
        .saturating_mul(u64::from(s.simulation.replications))
}

/// The memory the system says is available (`MemAvailable` of `/proc/meminfo`), if it says.
pub fn available_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// Bytes for people: `1.5 GiB`, `312 MiB`.
pub fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= (1u64 << 40) as f64 {
        format!("{:.1} TiB", b / (1u64 << 40) as f64)
    } else if b >= (1u64 << 30) as f64 {
        format!("{:.1} GiB", b / (1u64 << 30) as f64)
    } else {
        format!("{:.0} MiB", (b / (1u64 << 20) as f64).ceil())
    }
}

/// Why a run does not fit, or `None` if it does (or if the available memory is unknown).
/// `traces` is the bytes of evaluation traces held beside the run (0 outside `compare`).
pub fn refusal(s: &Scenario, available: Option<u64>, traces: u64) -> Option<String> {
    let e = estimate(s);
    let available = available?;
    let peak = e.peak.saturating_add(traces);
    let held = if traces > 0 {
        format!(", evaluation traces {}", human(traces))
    } else {
        String::new()
    };
    (peak > available).then(|| {
        format!(
            "{}: the run needs about {} of memory ({} agents: world {}, records of {} steps x {} \
             replications {}, output {}{held}), more than the {} available; lower {}, or pass \
             --force to run it anyway",
            s.file.display(),
            human(peak),
            e.workers,
            human(e.world),
            s.simulation.steps,
            s.simulation.replications,
            human(e.records),
            human(e.output),
            human(available),
            e.keys()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes() {
        assert_eq!(human(5 << 20), "5 MiB");
        assert_eq!(human(3 << 29), "1.5 GiB");
        assert_eq!(human(2 << 40), "2.0 TiB");
    }
}
