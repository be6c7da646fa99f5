//! One step of the simulation: the fixed, ordered list of stages, and the [`Stepper`] that owns
//! every reusable buffer and a timer per stage.
//!
//! The step is synchronous, as in the published model (del Rio-Chanona et al. 2021): every
//! decision of step t is taken on the state at the start of step t, and all transitions are
//! applied together in [`apply`]. So a worker who separates in step t searches from step t + 1,
//! and a vacancy opened in step t can be filled from step t + 1. The stages, in order:
//!
//! 1. [`demand`]: target demand `d_j(t)` per node.
//! 2. [`separations`] (rules per node) and [`scan`]: one parallel pass over the workers decides
//!    separations, who searches, training starts and completions, recognition procedures.
//! 3. [`vacancies`]: openings per node.
//! 4. [`search`]: applications of every searcher.
//! 5. [`matching`]: urn-ball matching, offers, acceptances.
//! 6. [`apply`]: all transitions, flow counters, vacancy expiry, and the census brought up to
//!    date event by event (the scan counts who crosses into long-term unemployment).
//! 0. [`crate::policy`]: before everything else, the books of the step are opened and the
//!    levers of the active policy instruments are set; the stages below read them.
//! 8. [`census`]: with debug assertions on (tests), the census kept up to date in `apply` is
//!    checked against a full recount of the workers every step.
//!
//! Keeping the census up to date per event instead of recounting it saves a full pass over the
//! workers per step; the recount in tests makes sure both agree.

pub mod apply;
pub mod census;
pub mod demand;
pub mod matching;
pub mod scan;
pub mod search;
pub mod separations;
pub mod training;
pub mod vacancies;

use std::time::Instant;

use rayon::prelude::*;

use crate::metrics::{Census, Flows, StepRecord};
use crate::model::Model;
use crate::policy::{Book, Levers};
use crate::world::{World, CLOCK_ORIGIN};

/// Workers per parallel work item. Fixed, so that per-chunk results combine identically for
/// any number of threads.
pub const CHUNK: usize = 1 << 15;

/// The stages, in step order, as they appear in timings.
pub const STAGES: [&str; 8] = [
    "demand", "scan", "openings", "search", "matching", "apply", "policy", "census",
];

/// Reusable scratch for stepping one world. Cleared each step, never reallocated once warm.
#[derive(Clone)]
pub struct Stepper {
    /// Census of the world as it stands (end of the last step).
    pub census: Census,
    chunk_census: Vec<Census>,
    pub demand: Vec<f64>,
    pub rules: separations::NodeRules,
    pub shortage: training::Shortage,
    chunk_events: Vec<scan::Events>,
    pub events: scan::Events,
    pub search: search::SearchBuffers,
    pub matching: matching::MatchBuffers,
    pub openings: Vec<u64>,
    pub flows: Flows,
    /// What the active policies change this step, and their books.
    pub levers: Levers,
    pub book: Book,
    /// Seconds spent in each stage of [`STAGES`], summed over steps.
    pub timers: [f64; STAGES.len()],
}

impl Stepper {
    /// Scratch for `world`; takes the initial census.
    pub fn new(model: &Model, world: &World) -> Stepper {
        let (nn, nr, nc) = (model.n_nodes, model.n_regions, model.n_countries);
        let mut stepper = Stepper {
            census: Census::new(nn, nr, nc),
            chunk_census: Vec::new(),
            demand: vec![0.0; nn],
            rules: separations::NodeRules::new(nn),
            shortage: training::Shortage::new(nc, model.n_sectors),
            chunk_events: Vec::new(),
            events: scan::Events::default(),
            search: search::SearchBuffers::new(model),
            matching: matching::MatchBuffers::default(),
            openings: vec![0; nn],
            flows: Flows::new(nn, nr, nc),
            levers: Levers::new(model),
            book: Book::new(model),
            timers: [0.0; STAGES.len()],
        };
        stepper.take_census(model, world);
        stepper
    }

    /// Recount the stocks of `world` into `self.census`.
    pub fn take_census(&mut self, model: &Model, world: &World) {
        let now = CLOCK_ORIGIN + world.step as u16;
        census::count(model, world, now, &mut self.chunk_census, &mut self.census);
    }

    /// Advance `world` by one step and return what the step recorded.
    pub fn step(&mut self, model: &Model, world: &mut World) -> StepRecord {
        let mut clock = Instant::now();
        let mut lap = |timers: &mut [f64; STAGES.len()], stage: usize| {
            let next = Instant::now();
            timers[stage] += (next - clock).as_secs_f64();
            clock = next;
        };
        self.stage_policy(model, world);
        lap(&mut self.timers, 6);
        self.stage_demand(model, world);
        lap(&mut self.timers, 0);
        self.stage_scan(model, world);
        lap(&mut self.timers, 1);
        self.stage_openings(model, world);
        lap(&mut self.timers, 2);
        self.stage_search(model, world);
        lap(&mut self.timers, 3);
        self.stage_matching(model);
        lap(&mut self.timers, 4);
        self.stage_apply(model, world);
        lap(&mut self.timers, 5);
        self.book.end_step();
        world.step += 1;
        #[cfg(debug_assertions)]
        {
            let kept = self.census.clone();
            self.take_census(model, world);
            assert_eq!(
                kept, self.census,
                "census kept in apply differs from a recount at step {}",
                world.step
            );
        }
        lap(&mut self.timers, 7);

        StepRecord {
            step: world.step,
            census: self.census.clone(),
            vacancies: world.vacancies.clone(),
            demand: self.demand.clone(),
            flows: self.flows.clone(),
            policy: self.book.flows.clone(),
        }
    }

    /// The step being taken and its end clock.
    fn when(world: &World) -> (u32, u16) {
        let t = world.step + 1;
        (t, CLOCK_ORIGIN + t as u16)
    }

    /// Policies: open the books of the step (running costs, new policy years) and set the
    /// levers of the instruments active in it.
    pub fn stage_policy(&mut self, model: &Model, world: &World) {
        let (t, _) = Self::when(world);
        if !model.scenario.policies.is_empty() {
            self.book.begin_step(model, t);
        }
        self.levers.update(model, &self.book, t);
    }

    /// Stage 1: target demand, and the per-node rules that follow from the state at the start.
    pub fn stage_demand(&mut self, model: &Model, world: &World) {
        let (t, _) = Self::when(world);
        demand::target(model, world, t, &mut self.demand);
        self.rules
            .update(model, &self.census, &world.vacancies, &self.demand);
        self.shortage.update(model, &self.census, &world.vacancies);
    }

    /// Stage 2: the decision scan over all workers.
    pub fn stage_scan(&mut self, model: &Model, world: &World) {
        let (t, now) = Self::when(world);
        scan::decide(
            model,
            world,
            t,
            now,
            &self.rules,
            &self.shortage,
            &self.levers,
            &mut self.chunk_events,
            &mut self.events,
        );
    }

    /// Stage 3: vacancy openings.
    pub fn stage_openings(&mut self, model: &Model, world: &World) {
        let (t, _) = Self::when(world);
        vacancies::open(
            model,
            world,
            t,
            &self.census,
            &self.demand,
            &mut self.openings,
        );
    }

    /// Stage 4: applications of every searcher.
    pub fn stage_search(&mut self, model: &Model, world: &World) {
        let (t, now) = Self::when(world);
        search::applications(
            model,
            world,
            t,
            now,
            &self.rules.at_risk,
            &self.levers,
            &self.events.searchers,
            &mut self.search,
        );
    }

    /// Stage 5: urn-ball matching.
    pub fn stage_matching(&mut self, model: &Model) {
        matching::run(
            model,
            &self.levers,
            &self.rules,
            &self.events.searchers,
            &mut self.search,
            &mut self.matching,
        );
    }

    /// Stage 6: carry out every decision; flows and census.
    pub fn stage_apply(&mut self, model: &Model, world: &mut World) {
        let (t, now) = Self::when(world);
        self.flows.clear();
        census::set_long_term(&mut self.census, &self.events);
        apply::transitions(
            model,
            world,
            t,
            now,
            &self.events,
            &self.matching.hires,
            &self.search.info,
            &self.openings,
            &mut self.flows,
            &mut self.census,
            &self.levers,
            &self.rules.at_risk,
            &mut self.book,
        );
    }

    /// The record of the world before any step (step 0): stocks only, no flows.
    pub fn initial_record(&self, model: &Model, world: &World) -> StepRecord {
        let mut demand = vec![0.0; model.n_nodes];
        demand::target(model, world, 0, &mut demand);
        StepRecord {
            step: 0,
            census: self.census.clone(),
            vacancies: world.vacancies.clone(),
            demand,
            flows: Flows::new(model.n_nodes, model.n_regions, model.n_countries),
            policy: crate::policy::PolicyFlows {
                by_policy: vec![[0.0; crate::policy::book::col::N]; model.scenario.policies.len()],
            },
        }
    }

    /// Bytes held by the step's scratch buffers (for the memory figures).
    pub fn bytes(&self) -> usize {
        self.events.bytes()
            + self.chunk_events.iter().map(|e| e.bytes()).sum::<usize>()
            + self.search.bytes()
            + self.matching.bytes()
    }
}

/// Run `f` on each fixed chunk of `0..n` in parallel, each with its own reusable buffer.
pub(crate) fn for_each_chunk<T: Send>(
    n: usize,
    bufs: &mut Vec<T>,
    make: impl Fn() -> T,
    f: impl Fn(std::ops::Range<usize>, &mut T) + Sync + Send,
) {
    let chunks = n.div_ceil(CHUNK);
    if bufs.len() < chunks {
        bufs.resize_with(chunks, make);
    }
    bufs[..chunks]
        .par_iter_mut()
        .enumerate()
        .for_each(|(c, buf)| f(c * CHUNK..((c + 1) * CHUNK).min(n), buf));
}
