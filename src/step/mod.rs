//! One step of the simulation: the fixed, ordered list of stages, and the [`Stepper`] that owns
//! every reusable buffer and a timer per stage.
//!
//! The step is synchronous, as in the published model (del Rio-Chanona et al. 2021): every
//! decision of step t is taken on the state at the start of step t, and all transitions are
//! applied together in [`apply`]. So a worker who separates in step t searches from step t + 1,
//! and a vacancy opened in step t can be filled from step t + 1.
//!
//! The stages and their order are one list, [`crate::stage::Stage`]; [`Stepper::step`] runs
//! them in that order and times each. Each has a `stage_*` method here and a module below:
//! `policy` ([`crate::policy`]: open the books, set the levers), `demand` ([`demand`],
//! [`separations`] rules), `scan` ([`scan`], [`training`]), `openings` ([`vacancies`]),
//! `search` ([`search`]), `matching` ([`matching`]), `apply` ([`apply`], [`census`] tallies)
//! and `census` (debug builds: the census kept up to date checked against a recount).
//!
//! Stages `matching` and `apply` are sequential; while they run, the second thread takes the
//! first part of `apply` (beside `matching`) and lays the next step's ladders (beside the rest
//! of `apply`), neither of which the other reads (docs/MODEL.md 7.15).
//!
//! Keeping the census up to date per event instead of recounting it saves a full pass over the
//! workers per step; the recount in tests makes sure both agree.

pub mod apply;
pub mod census;
pub mod demand;
pub mod employers;
pub mod matching;
pub mod population;
pub mod scan;
pub mod search;
pub mod separations;
pub mod training;
pub mod vacancies;

use std::time::Instant;

use crate::agent::CLOCK_ORIGIN;
use crate::metrics::{Census, Flows, StepRecord};
use crate::model::Model;
use crate::policy::Levers;
use crate::rng::{Draw, StageKey};
use crate::stage::Stage;
use crate::world::World;

/// Reusable scratch for stepping one world. Cleared each step, never reallocated once warm
/// (the event lists are shrunk once, after the burn-in, whose first step is the busiest).
#[derive(Clone)]
pub struct Stepper {
    /// Per-chunk scratch of the debug recount.
    chunk_census: Vec<Census>,
    pub demand: Vec<f64>,
    pub rules: separations::NodeRules,
    pub shortage: training::Shortage,
    chunk_events: Vec<scan::Events>,
    pub events: scan::Events,
    pub search: search::SearchBuffers,
    pub matching: matching::MatchBuffers,
    pub openings: Vec<u64>,
    /// The employers' plan of the step (with `[employers]`).
    pub plan: employers::Plan,
    /// Per home region, the threshold of an inactive worker's entry this step (with
    /// `[population]`).
    pub entry: Vec<u64>,
    pub flows: Flows,
    /// What the active policies change this step.
    pub levers: Levers,
    /// Seconds spent in each stage, by [`Stage::index`], summed over steps.
    pub timers: [f64; Stage::COUNT],
    /// Inside the burn-in ([`Stepper::burn_in`]): demand stays at its level of step 0 and no
    /// policy acts.
    burning: bool,
    /// Steps from the step being taken to step 1 of the reported run: the burn-in's steps come
    /// before it, so that the calendar (school leavers' summer) runs through the burn-in too.
    calendar_offset: i64,
    /// Inside the burn-in's growth lead ([`crate::scenario::Scenario::growth_lead_steps`]): the
    /// number of the lead's step being taken, from 1.
    lead_step: Option<u32>,
    /// The first part of stage `apply` ([`apply::departures`]) has run this step, beside stage
    /// `matching`.
    departed: bool,
    /// The ladder draws of the last scan ([`scan::lay_ahead`] lays the next step's on its
    /// bounds).
    ladders: Option<scan::Ladders>,
}

/// Marks the replication number of the burn-in's random numbers, so that they differ from the
/// reported steps' (replications are at most 10 000).
const BURN_IN: u32 = 1 << 31;

impl Stepper {
    /// Scratch for stepping any world of `model`; holds no state of a replication, so one
    /// stepper can step one replication after another.
    pub fn new(model: &Model) -> Stepper {
        let (nn, nr, nc) = (model.n_nodes, model.n_regions, model.n_countries);
        Stepper {
            chunk_census: Vec::new(),
            demand: vec![0.0; nn],
            rules: separations::NodeRules::new(nn),
            shortage: training::Shortage::new(nc, model.n_sectors),
            chunk_events: Vec::new(),
            events: scan::Events::default(),
            search: search::SearchBuffers::new(model),
            matching: matching::MatchBuffers::default(),
            openings: vec![0; nn],
            plan: employers::Plan::default(),
            entry: vec![0; nr],
            flows: Flows::new(nn, nr, nc),
            levers: Levers::new(model),
            timers: [0.0; Stage::COUNT],
            burning: false,
            calendar_offset: 0,
            lead_step: None,
            departed: false,
            ladders: None,
        }
    }

    /// Run the scenario's burn-in (`simulation.burn_in_months`): that many steps before step 1,
    /// with demand held at its level of step 0, no policy, and random numbers of their own;
    /// then the clock is set back, so that step 1 starts from the state the model reached by
    /// itself rather than from the one it was built with. Nothing of the burn-in is recorded.
    /// The event lists then give back the capacity of the burn-in's first step.
    pub fn burn_in(&mut self, model: &Model, world: &mut World) {
        let steps = model.scenario.simulation.burn_in_steps;
        if steps == 0 {
            return;
        }
        let replication = world.replication;
        world.replication = replication | BURN_IN;
        self.burning = true;
        self.calendar_offset = -i64::from(steps);
        let lead = model.scenario.growth_lead_steps();
        for i in 0..steps {
            self.lead_step = (i + lead >= steps).then(|| i + lead + 1 - steps);
            self.step(model, world);
        }
        self.lead_step = None;
        if lead > 0 {
            // The world was built smaller by the lead's growth (`World::new`) and has grown
            // back; step 1 continues the path from the scenario's own level.
            let s = &model.scenario;
            for (j, base) in world.demand_base.iter_mut().enumerate() {
                let (r, sec) = (j / model.n_sectors, j % model.n_sectors);
                *base *= s.growth_lead_factor(r, sec);
            }
        }
        // The first step from the built state gives out far more notices than any step at
        // rest (every employer whose drawn demand is below its staff: about four times as
        // many candidates at scale 1); its lists would otherwise keep that capacity.
        self.events.shrink();
        self.chunk_events.iter_mut().for_each(scan::Events::shrink);
        self.burning = false;
        self.calendar_offset = 0;
        world.replication = replication;
        world.rewind();
    }

    /// Advance `world` by one step and return what the step recorded.
    pub fn step(&mut self, model: &Model, world: &mut World) -> StepRecord {
        let mut clock = Instant::now();
        for &stage in Stage::ALL {
            match stage {
                Stage::Policy => self.stage_policy(model, world),
                Stage::Demand => self.stage_demand(model, world),
                Stage::Scan => self.stage_scan(model, world),
                Stage::Openings => self.stage_openings(model, world),
                Stage::Search => self.stage_search(model, world),
                Stage::Matching => self.stage_matching_beside_departures(model, world),
                Stage::Apply => self.stage_apply(model, world),
                Stage::Census => self.stage_census(model, world),
            }
            let next = Instant::now();
            self.timers[stage.index()] += (next - clock).as_secs_f64();
            clock = next;
        }
        StepRecord {
            step: world.step,
            census: world.census.clone(),
            vacancies: world.vacancies.clone(),
            demand: self.demand.clone(),
            flows: self.flows.clone(),
            policy: world.book.flows.clone(),
        }
    }

    /// Whether the labour force grows in the step being taken: in the run, and in the burn-in's
    /// growth lead.
    fn growing(&self) -> bool {
        !self.burning || self.lead_step.is_some()
    }

    /// The step being taken and its end clock.
    fn when(world: &World) -> (u32, u16) {
        let t = world.step + 1;
        (t, CLOCK_ORIGIN + t as u16)
    }

    /// The step of the scenario's demand path and policies: step 0's during the burn-in.
    fn scenario_step(&self, world: &World) -> u32 {
        if self.burning {
            0
        } else {
            world.step + 1
        }
    }

    /// Stage `policy`: open the books of the step (running costs, new policy years) and set the
    /// levers of the instruments active in it.
    pub fn stage_policy(&mut self, model: &Model, world: &mut World) {
        let t = self.scenario_step(world);
        if !model.scenario.policies.is_empty() && !self.burning {
            world.book.begin_step(model, t);
        }
        self.levers.update(model, &world.book, t);
    }

    /// Stage `demand`: target demand, the employers' job flows and plans (with `[employers]`),
    /// and the per-node rules that follow from the state at the start.
    pub fn stage_demand(&mut self, model: &Model, world: &mut World) {
        let (t, _) = Self::when(world);
        demand::target(model, world, self.scenario_step(world), &mut self.demand);
        if let Some(k) = self.lead_step {
            let s = &model.scenario;
            let months = f64::from(k * s.simulation.step_months);
            for (j, d) in self.demand.iter_mut().enumerate() {
                let (r, sec) = (j / model.n_sectors, j % model.n_sectors);
                *d *= s.demand.trend_factor(months, r, sec);
            }
        }
        if model.scenario.employers.is_some() {
            employers::adjust(
                model,
                world,
                t,
                &self.demand,
                &self.levers.step,
                &mut self.plan,
            );
        }
        if let Some(p) = &model.scenario.population {
            let calendar = i64::from(t) + self.calendar_offset;
            let s = &model.scenario;
            let path = match (self.burning, self.lead_step) {
                (false, _) => population::Path::Run(f64::from(
                    self.scenario_step(world) * s.simulation.step_months,
                )),
                (true, None) => population::Path::Rest,
                (true, Some(k)) => {
                    population::Path::Lead(f64::from(k) / f64::from(s.growth_lead_steps()))
                }
            };
            population::entry_thresholds(model, p, &world.census, calendar, path, &mut self.entry);
        }
        self.rules
            .update(model, &world.census, &world.vacancies, &self.demand);
        self.shortage.update(model, &world.census, &world.vacancies);
    }

    /// Stage `scan`: the decision scan over all workers.
    pub fn stage_scan(&mut self, model: &Model, world: &World) {
        let (t, now) = Self::when(world);
        self.ladders = Some(scan::decide(
            model,
            world,
            t,
            now,
            &self.rules,
            &self.plan,
            &self.entry,
            self.growing(),
            &self.shortage,
            &self.levers,
            &mut self.chunk_events,
            &mut self.events,
        ));
    }

    /// Stage `openings`: vacancy openings.
    pub fn stage_openings(&mut self, model: &Model, world: &World) {
        let (t, _) = Self::when(world);
        vacancies::open(
            model,
            world,
            t,
            &world.census,
            &self.demand,
            &mut self.openings,
        );
    }

    /// Stage `search`: applications of every searcher.
    pub fn stage_search(&mut self, model: &Model, world: &World) {
        let (t, now) = Self::when(world);
        // With employers, only the vacancies that reach a hiring decision this step take
        // applications.
        let vacancies = if model.scenario.employers.is_some() {
            &self.plan.deciding_node
        } else {
            &world.vacancies
        };
        search::applications(
            model,
            world,
            t,
            now,
            vacancies,
            &self.rules.at_risk,
            &self.levers,
            &self.events.searchers,
            &mut self.search,
        );
    }

    /// Stage `matching`: urn-ball matching.
    pub fn stage_matching(&mut self, model: &Model, world: &World) {
        let (t, _) = Self::when(world);
        let key = StageKey::new(
            model.scenario.simulation.seed,
            world.replication,
            t,
            Draw::Interviews,
        );
        matching::run(
            model,
            key,
            &self.levers,
            &self.events.searchers,
            &mut self.search,
            &mut self.matching,
        );
    }

    /// Stage `matching` ([`Stepper::stage_matching`]) and, beside it on another thread, the
    /// first part of stage `apply` ([`apply::departures`]): the matching reads only the search's
    /// buffers and the searchers, the departures only the world, the other decisions, the flows
    /// and the employers' plan, so neither sees the other and the step's outcome does not
    /// depend on which ends first. (Stage `matching` is sequential, as is `apply`: this puts
    /// the second thread to work while it runs.) Timed as stage `matching`.
    pub fn stage_matching_beside_departures(&mut self, model: &Model, world: &mut World) {
        let (t, now) = Self::when(world);
        let key = StageKey::new(
            model.scenario.simulation.seed,
            world.replication,
            t,
            Draw::Interviews,
        );
        // The searchers are taken out of the step's events for the matching to read while the
        // departures use the rest.
        let searchers = std::mem::take(&mut self.events.searchers);
        let Stepper {
            search,
            matching,
            levers,
            events,
            flows,
            rules,
            plan,
            ..
        } = self;
        let levers = &*levers;
        // Two pieces of `apply` that neither the matching nor the departures read or change,
        // nor what they are laid from, are laid out here, one on each side so that the sides
        // take about as long (on the default at one agent per person, 1.4 s each): the
        // shortlists of the notice candidates, which the notices read, after the matching
        // (0.5 s); the employers' vacancy slots, which the hires read, after the departures
        // (0.2 s).
        let with_employers = model.scenario.employers.is_some();
        let deciding = std::mem::take(&mut plan.deciding);
        let mut slots = std::mem::take(&mut plan.slots);
        let mut giving = std::mem::take(&mut plan.giving);
        let notice_candidates = std::mem::take(&mut events.notice_candidates);
        rayon::join(
            || {
                matching::run(model, key, levers, &searchers, search, matching);
                if with_employers {
                    giving.lay_shortlists(&notice_candidates);
                }
            },
            || {
                let at_risk = &rules.at_risk;
                Self::depart(model, world, t, now, events, flows, levers, at_risk, plan);
                if with_employers {
                    employers::lay_slots(&deciding, &mut slots);
                }
            },
        );
        (self.plan.deciding, self.plan.slots) = (deciding, slots);
        self.plan.giving = giving;
        self.events.notice_candidates = notice_candidates;
        self.events.searchers = searchers;
        self.departed = true;
    }

    /// Stage `apply`: carry out every decision; flows and census; close the step's books and
    /// advance the world's step. Its first part, the departures, has usually run beside stage
    /// `matching` already.
    pub fn stage_apply(&mut self, model: &Model, world: &mut World) {
        let (t, now) = Self::when(world);
        let growing = self.growing();
        if !std::mem::take(&mut self.departed) {
            if model.scenario.employers.is_some() {
                self.plan.lay_slots();
                self.plan
                    .giving
                    .lay_shortlists(&self.events.notice_candidates);
            }
            Self::depart(
                model,
                world,
                t,
                now,
                &mut self.events,
                &mut self.flows,
                &self.levers,
                &self.rules.at_risk,
                &mut self.plan,
            );
        }
        // With `[employers]` the hires run on every thread first; then, while the rest of the
        // stage runs (mostly serial: the employers' books and the notices), the other thread
        // lays the next step's ladders, which nothing here reads or changes. Laid beside the
        // hires, they left the second thread idle through that serial rest: `apply` 3.0-3.5 s
        // against 2.7-2.9 s on the default at one agent per person, 19.6-20.3 s against
        // 16.3-16.7 s on the national scenario. Without employers the rest is short, and the
        // ladders are laid beside the hires, whose runs they even out (the published model
        // 1.6-2.3 % slower the other way, medians of twelve and sixteen runs).
        let next = self
            .ladders
            .map(|l| l.of_step(model.scenario.simulation.seed, world.replication, t + 1));
        let workers = world.workers.len();
        let leavers = &model.school_leavers[usize::from(growing)];
        let Stepper {
            chunk_events,
            events,
            matching,
            search,
            openings,
            flows,
            levers,
            rules,
            plan,
            ..
        } = self;
        let hire = |world: &mut World, flows: &mut Flows, plan: &mut employers::Plan| {
            let hires = &matching.hires;
            apply::hire(
                model,
                world,
                t,
                now,
                hires,
                &search.info,
                openings,
                flows,
                levers,
                plan,
            )
        };
        let hired_first = model
            .scenario
            .employers
            .is_some()
            .then(|| hire(world, flows, plan));
        rayon::join(
            || {
                let hired = hired_first.unwrap_or_else(|| hire(world, flows, plan));
                apply::arrivals(
                    model,
                    world,
                    t,
                    now,
                    events,
                    flows,
                    levers,
                    &rules.at_risk,
                    plan,
                    leavers,
                    hired,
                )
            },
            || {
                if let Some(next) = &next {
                    scan::lay_ahead(model, workers, next, chunk_events);
                }
            },
        );
        world.book.end_step();
        world.step += 1;
    }

    /// The first part of stage `apply`, with the step's flows cleared and the census's
    /// long-term unemployed set first.
    #[allow(clippy::too_many_arguments)]
    fn depart(
        model: &Model,
        world: &mut World,
        t: u32,
        now: u16,
        events: &mut scan::Events,
        flows: &mut Flows,
        levers: &Levers,
        at_risk: &[bool],
        plan: &mut employers::Plan,
    ) {
        flows.clear();
        census::set_long_term(&mut world.census, events);
        census::count_spells(flows, events);
        apply::departures(model, world, t, now, events, flows, levers, at_risk, plan);
    }

    /// Stage `census`: with debug assertions on (every test run), the census kept up to date
    /// event by event is checked against a full recount of the workers.
    pub fn stage_census(&mut self, model: &Model, world: &mut World) {
        #[cfg(debug_assertions)]
        {
            let kept = world.census.clone();
            world.recount(model, &mut self.chunk_census);
            assert_eq!(
                kept, world.census,
                "census kept in apply differs from a recount at step {}",
                world.step
            );
            if let Err(why) = world.employers.check(&world.workers, &world.vacancies) {
                panic!("employers at step {}: {why}", world.step);
            }
        }
        #[cfg(not(debug_assertions))]
        let _ = (model, world, &self.chunk_census);
    }

    /// The record of the world before any step (step 0): stocks only, no flows.
    pub fn initial_record(&self, model: &Model, world: &World) -> StepRecord {
        let mut demand = vec![0.0; model.n_nodes];
        demand::target(model, world, 0, &mut demand);
        StepRecord {
            step: 0,
            census: world.census.clone(),
            vacancies: world.vacancies.clone(),
            demand,
            flows: Flows::new(model.n_nodes, model.n_regions, model.n_countries),
            policy: crate::metrics::PolicyFlows {
                by_policy: vec![
                    [0.0; crate::metrics::policy_flow::N];
                    model.scenario.policies.len()
                ],
            },
        }
    }

    /// Bytes held by the step's scratch buffers (for the memory figures).
    pub fn bytes(&self) -> usize {
        self.events.bytes()
            + self.chunk_events.iter().map(|e| e.bytes()).sum::<usize>()
            + self.search.bytes()
            + self.matching.bytes()
            + self.plan.bytes()
    }
}
