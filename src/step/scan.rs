//! Stage `scan`, the decision scan: one parallel pass over the workers that decides, on the state at
//! the start of the step, who separates, who searches (unemployed, and employed on the job),
//! who starts or completes a course, and who starts or ends a diploma recognition procedure.
//!
//! Each decision draws from its own stage stream keyed by the worker id, so a decision depends
//! only on (seed, replication, step, stage, worker) and on the state, never on the thread count.
//! Separations, on-the-job search, ageing or retirement, recognition starts, starts of courses
//! beside work and the enrolment of employees are ladder draws ([`crate::ladder`], keyed by the
//! fixed chunk too), and the pass skips the employed workers that need nothing else: under the
//! published rules all but the ladders' candidates, those in a recognition procedure and (when
//! workers at risk take up courses) those at a node short of demand; with demand all but those
//! and the employees under notice, at an employer that gives notice, taking part in a policy or
//! in a course beside work; without `[employers]` every employee while a course beside work or
//! a policy may take one in (docs/MODEL.md 7.15).
//!
//! On the way it counts the long-term unemployed and the unemployed and attached inactive by
//! months of time without work (the stocks of the step's job finding by time without work).
//! Nothing is changed here; `apply.rs` carries the decisions out.

use crate::agent::{Status, NONE_U8};
use crate::ladder::Ladder;
use crate::model::Model;
use crate::policy::Levers;
use crate::rng::{unit_f64, Draw, StageKey};
use crate::scenario::policy::{Effect, Groups};
use crate::scenario::Contract;
use crate::step::employers::{NoticeCandidate, Plan};
use crate::step::search;
use crate::step::separations::{worker_at_risk, NodeRules};
use crate::step::training::{self, Candidate, Shortage};
use crate::world::World;

/// A separation, with what the apply stage needs to know of the worker, read during the scan
/// while the worker's data was at hand (apply reaches workers at scattered ids).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Separation {
    pub id: u32,
    pub node: u32,
    pub home: u16,
    pub contract: u8,
    pub age: u8,
}

impl Separation {
    /// Worker `i`'s separation, with what it reads of the worker.
    #[inline(always)]
    fn of(w: &crate::world::Workers, i: usize) -> Separation {
        Separation {
            id: i as u32,
            node: u32::from(w.node[i]),
            home: w.home[i],
            contract: w.contract[i],
            age: w.age[i],
        }
    }
}

/// The decisions of one step (or of one chunk of workers), worker ids in ascending order.
#[derive(Default, Debug, Clone)]
pub struct Events {
    pub separations: Vec<Separation>,
    pub searchers: Vec<u32>,
    pub training_starts: Vec<(u32, u8)>,
    pub completions: Vec<u32>,
    /// Learning while working: part-time courses started beside a job (worker, target sector),
    /// and those completed.
    pub learning_starts: Vec<(u32, u8)>,
    pub learning_completions: Vec<u32>,
    pub recognition_starts: Vec<(u32, u8)>,
    pub recognition_ends: Vec<u32>,
    /// Workers whose notice ends this step (dismissed unless it is withdrawn first).
    pub dismissals: Vec<u32>,
    /// Employees of employers that must give notice, not under notice themselves.
    pub notice_candidates: Vec<NoticeCandidate>,
    /// Workers under notice at employers that may withdraw notices.
    pub withdrawal_candidates: Vec<NoticeCandidate>,
    /// Workers who retire, move to the next age group, or enter the labour force from
    /// outside it (with `[population]`).
    pub retirements: Vec<u32>,
    pub ageing: Vec<u32>,
    pub entries: Vec<u32>,
    /// Unemployed who leave the labour force, and attached inactive who come back to
    /// unemployment (with `[population]`).
    pub withdrawals: Vec<u32>,
    pub returns: Vec<u32>,
    /// Workers reached by a policy with participants: (worker, policy).
    pub enrolments: Vec<(u32, u8)>,
    /// Course participants who learn a language this step: (worker, language bit).
    pub languages: Vec<(u32, u8)>,
    /// Unemployed at the start of the step whose spell reaches the long-term threshold by its
    /// end, by node and by home region.
    pub long_term_by_node: Vec<u64>,
    pub long_term_by_home: Vec<u64>,
    /// Unemployed, then attached inactive, at the start of the step in months 1-6 and 7-12 of
    /// their time without work (to the end of the step, as the long-term count), by node and by
    /// home region.
    pub spells_by_node: Vec<[u64; 4]>,
    pub spells_by_home: Vec<[u64; 4]>,
    /// The chunk's scratch for the ladder draws (not merged).
    scratch: LadderScratch,
}

/// The ladder draws of a chunk ([`crate::ladder`]): separations, on-the-job search, ageing or
/// retirement, recognition starts, starts of courses beside work, and the enrolment of
/// employed workers by each policy that takes in employees or the self-employed. Only the
/// workers whose latent uniform can lie below the step's highest probability are candidates,
/// so an employed worker to whom nothing else can happen is not looked at.
#[derive(Default, Debug, Clone)]
struct LadderScratch {
    separations: Ladder,
    on_the_job: Ladder,
    life: Ladder,
    recognition: Ladder,
    learning: Ladder,
    /// By policy (at most [`MAX_POLICIES`], a bit each in a worker's flags).
    enrolment: [Ladder; MAX_POLICIES],
    /// With demand: one bit per worker of the chunk, set for those the scan looks at, and for
    /// the other employees of an employer that gives notices this step.
    looks: Vec<u64>,
    acting: Vec<u64>,
    /// Employed searchers found from the ladder, merged into `searchers` in id order.
    employed_searchers: Vec<u32>,
}

impl LadderScratch {
    /// Fill the chunk's ladders for `ladders` (kept where they were laid ahead for them).
    fn fill(&mut self, ladders: &Ladders, chunk: usize, range: std::ops::Range<usize>) {
        for (ladder, (&key, &bound)) in self.each().zip(ladders.keys.iter().zip(&ladders.bounds)) {
            ladder.fill(key, chunk, range.clone(), bound);
        }
    }

    /// Every ladder, in the order of [`Ladders`]' keys.
    fn each(&mut self) -> impl Iterator<Item = &mut Ladder> {
        [
            &mut self.separations,
            &mut self.on_the_job,
            &mut self.life,
            &mut self.recognition,
            &mut self.learning,
        ]
        .into_iter()
        .chain(&mut self.enrolment)
    }

    fn bytes(&self) -> usize {
        [
            &self.separations,
            &self.on_the_job,
            &self.life,
            &self.recognition,
            &self.learning,
        ]
        .into_iter()
        .chain(&self.enrolment)
        .map(Ladder::bytes)
        .sum::<usize>()
            + (self.looks.capacity() + self.acting.capacity()) * 8
            + self.employed_searchers.capacity() * 4
    }
}

impl Events {
    pub fn clear(&mut self) {
        self.separations.clear();
        self.searchers.clear();
        self.training_starts.clear();
        self.completions.clear();
        self.learning_starts.clear();
        self.learning_completions.clear();
        self.recognition_starts.clear();
        self.recognition_ends.clear();
        self.dismissals.clear();
        self.retirements.clear();
        self.ageing.clear();
        self.entries.clear();
        self.withdrawals.clear();
        self.returns.clear();
        self.notice_candidates.clear();
        self.withdrawal_candidates.clear();
        self.enrolments.clear();
        self.languages.clear();
        self.long_term_by_node.iter_mut().for_each(|x| *x = 0);
        self.long_term_by_home.iter_mut().for_each(|x| *x = 0);
        self.spells_by_node.iter_mut().for_each(|x| *x = [0; 4]);
        self.spells_by_home.iter_mut().for_each(|x| *x = [0; 4]);
    }

    fn sized(n_nodes: usize, n_regions: usize) -> Events {
        Events {
            long_term_by_node: vec![0; n_nodes],
            long_term_by_home: vec![0; n_regions],
            spells_by_node: vec![[0; 4]; n_nodes],
            spells_by_home: vec![[0; 4]; n_regions],
            ..Events::default()
        }
    }

    /// This step's events: the chunks' lists in chunk order, each list sized once (with an
    /// eighth to spare) rather than grown by doubling.
    fn merge(&mut self, chunks: &[Events]) {
        macro_rules! lists {
            ($($field:ident),*) => {$(
                let n = chunks.iter().map(|c| c.$field.len()).sum();
                crate::chunks::reserve_for(&mut self.$field, n);
                for c in chunks {
                    self.$field.extend_from_slice(&c.$field);
                }
            )*};
        }
        lists!(
            separations,
            searchers,
            training_starts,
            completions,
            learning_starts,
            learning_completions,
            recognition_starts,
            recognition_ends,
            dismissals,
            retirements,
            ageing,
            entries,
            withdrawals,
            returns,
            notice_candidates,
            withdrawal_candidates,
            enrolments,
            languages
        );
        for other in chunks {
            for (a, b) in self
                .long_term_by_node
                .iter_mut()
                .zip(&other.long_term_by_node)
            {
                *a += b;
            }
            for (a, b) in self
                .long_term_by_home
                .iter_mut()
                .zip(&other.long_term_by_home)
            {
                *a += b;
            }
            for (a, b) in self.spells_by_node.iter_mut().zip(&other.spells_by_node) {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
            }
            for (a, b) in self.spells_by_home.iter_mut().zip(&other.spells_by_home) {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
            }
        }
    }

    /// Give back the spare capacity a chunk's lists took by doubling this step
    /// ([`crate::chunks::trim`]).
    fn trim(&mut self) {
        use crate::chunks::trim;
        trim(&mut self.separations);
        trim(&mut self.searchers);
        trim(&mut self.training_starts);
        trim(&mut self.completions);
        trim(&mut self.learning_starts);
        trim(&mut self.learning_completions);
        trim(&mut self.recognition_starts);
        trim(&mut self.recognition_ends);
        trim(&mut self.dismissals);
        trim(&mut self.retirements);
        trim(&mut self.ageing);
        trim(&mut self.entries);
        trim(&mut self.withdrawals);
        trim(&mut self.returns);
        trim(&mut self.notice_candidates);
        trim(&mut self.withdrawal_candidates);
        trim(&mut self.enrolments);
        trim(&mut self.languages);
    }

    /// Release the lists' spare capacity (after the burn-in, whose first step is the busiest).
    pub fn shrink(&mut self) {
        self.separations.shrink_to_fit();
        self.searchers.shrink_to_fit();
        self.training_starts.shrink_to_fit();
        self.completions.shrink_to_fit();
        self.learning_starts.shrink_to_fit();
        self.learning_completions.shrink_to_fit();
        self.recognition_starts.shrink_to_fit();
        self.recognition_ends.shrink_to_fit();
        self.dismissals.shrink_to_fit();
        self.notice_candidates.shrink_to_fit();
        self.withdrawal_candidates.shrink_to_fit();
        self.retirements.shrink_to_fit();
        self.ageing.shrink_to_fit();
        self.entries.shrink_to_fit();
        self.withdrawals.shrink_to_fit();
        self.returns.shrink_to_fit();
        self.enrolments.shrink_to_fit();
        self.languages.shrink_to_fit();
    }

    pub fn bytes(&self) -> usize {
        self.scratch.bytes()
            + self.separations.capacity() * std::mem::size_of::<Separation>()
            + (self.searchers.capacity()
                + self.completions.capacity()
                + self.recognition_ends.capacity()
                + self.dismissals.capacity()
                + self.retirements.capacity()
                + self.ageing.capacity()
                + self.entries.capacity()
                + self.withdrawals.capacity()
                + self.returns.capacity())
                * 4
            + (self.notice_candidates.capacity() + self.withdrawal_candidates.capacity())
                * std::mem::size_of::<NoticeCandidate>()
            + (self.training_starts.capacity()
                + self.recognition_starts.capacity()
                + self.enrolments.capacity()
                + self.languages.capacity())
                * 8
    }
}

/// Policies a scenario can hold with participants: a bit each in a worker's flags.
const MAX_POLICIES: usize = 8;

/// Ladder draws a step makes: four, one for courses beside work, one per policy's enrolment.
const LADDERS: usize = 5 + MAX_POLICIES;

/// A step's ladder draws ([`crate::ladder`]): their keys and bounds, in the order
/// separations, on-the-job search, ageing or retirement, recognition starts, starts of
/// courses beside work, and the enrolment of employed workers by each policy (a bound of 0: no
/// such draw this step).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ladders {
    keys: [StageKey; LADDERS],
    bounds: [f64; LADDERS],
}

impl Ladders {
    fn keys(seed: u64, rep: u32, t: u32) -> [StageKey; LADDERS] {
        let enrolment = StageKey::new(seed, rep, t, Draw::Enrolment);
        std::array::from_fn(|k| match k {
            0 => StageKey::new(seed, rep, t, Draw::Separations).substream(1),
            1 => StageKey::new(seed, rep, t, Draw::Searching).substream(1),
            // (Sub-stream 3 draws the school leavers' sectors in `apply`; 0 and 1 drew ageing
            // and retirement before they became one ladder draw, sub-stream 5.)
            2 => StageKey::new(seed, rep, t, Draw::Population).substream(5),
            3 => StageKey::new(seed, rep, t, Draw::Recognition).substream(1),
            // (Sub-stream 1 ends courses beside work; a course's own stream is the key's.)
            4 => StageKey::new(seed, rep, t, Draw::Training).substream(2),
            // (Sub-streams `p` and `64 + p` draw the enrolment of workers not employed and
            // participants' language learning.)
            _ => enrolment.substream(128 + (k - 5) as u64),
        })
    }

    /// The draws of step `t` of replication `rep`, guessed to reach as far as these.
    pub fn of_step(&self, seed: u64, rep: u32, t: u32) -> Ladders {
        Ladders {
            keys: Ladders::keys(seed, rep, t),
            bounds: self.bounds,
        }
    }
}

/// Lay the ladders of the step after this one ahead, while stage `apply` (sequential) keeps
/// the other thread busy: `next` holds that step's keys and this step's bounds, a guess. The
/// scan of that step keeps each ladder where its own bound reaches no higher layer than the
/// guess (trimmed to its layer: the same candidates, [`crate::ladder::Ladder::fill`]) and fills
/// it again where it does, so the guess changes nothing but the time.
pub fn lay_ahead(model: &Model, workers: usize, next: &Ladders, chunk_events: &mut Vec<Events>) {
    let (nn, nr) = (model.n_nodes, model.n_regions);
    crate::chunks::for_each_chunk(
        workers,
        chunk_events,
        || Events::sized(nn, nr),
        |range, ev| {
            let chunk = range.start / crate::chunks::CHUNK;
            ev.scratch.fill(next, chunk, range);
        },
    );
}

/// The scan of step `t`. `entry` holds each home region's entry threshold and `growing` says
/// whether the labour force grows (from step 1; not in the burn-in), which sets the ageing.
/// Returns the step's ladder draws (for [`lay_ahead`]).
#[allow(clippy::too_many_arguments)]
pub fn decide(
    model: &Model,
    world: &World,
    t: u32,
    now: u16,
    rules: &NodeRules,
    notice_plan: &Plan,
    entry: &[u64],
    growing: bool,
    shortage: &Shortage,
    levers: &Levers,
    chunk_events: &mut Vec<Events>,
    events: &mut Events,
) -> Ladders {
    let s = &model.scenario;
    let seed = s.simulation.seed;
    let rep = world.replication;
    let search_key = StageKey::new(seed, rep, t, Draw::Searching);
    let train_key = StageKey::new(seed, rep, t, Draw::Training);
    let policy_key = StageKey::new(seed, rep, t, Draw::Enrolment);
    let notice_key = StageKey::new(seed, rep, t, Draw::Notice);
    let population_key = StageKey::new(seed, rep, t, Draw::Population);
    // (Sub-stream 5 is the ladder of ageing or retirement: `Ladders::keys`.)
    let (entry_key, attachment_key) = (population_key.substream(2), population_key.substream(4));
    let (ageing, retirement, withdrawal, comeback) =
        s.population.as_ref().map_or(([0.0, 0.0], 0.0, 0, 0), |p| {
            (
                p.ageing[usize::from(growing)],
                p.retirement,
                crate::rng::threshold(p.unemployed_to_inactive),
                crate::rng::threshold(p.inactive_to_unemployed),
            )
        });
    let employers = s.employers.is_some();
    let notice_search = s.employers.as_ref().map_or(0.0, |e| e.notice_search);
    let downsizing = s.contracts.each_ref().map(|c| c.downsizing_weight);
    let inv_downsizing = downsizing.map(|w| 1.0 / w);
    // On-the-job search by the worker's sector (the sector's rate, else the scenario's).
    let mut ojs = [0.0; 32];
    for (k, p) in ojs.iter_mut().enumerate().take(model.n_sectors) {
        *p = s.on_the_job_search(k);
    }
    let search_p = s.mechanics.search_probability;
    let search_threshold = crate::rng::threshold(search_p);
    let takeup = s.training.takeup;
    let takeup_at_risk = s.training.takeup_at_risk;
    let min_spell = s.training.min_unemployment_steps;
    let w = &world.workers;
    // Clock at the start of the step: spells are measured up to it.
    let start = now - 1;
    let geo = levers.geo(model);
    let nc = model.n_countries;

    let long_term = s.mechanics.long_term_steps;
    let (nn, nr) = (model.n_nodes, model.n_regions);
    // Without policies the per-worker policy code is compiled out; without employers and
    // population, their code is.
    let with_policies = levers.enrolling != 0 || !levers.step.courses.is_empty();
    // The groups the policies enrolling this step take in, and whether they take in employees
    // whom the scan would not otherwise look at.
    let enrolling_groups = s
        .policies
        .iter()
        .enumerate()
        .filter(|&(p, _)| levers.enrolling & (1 << p) != 0)
        .fold(0, |g, (_, policy)| g | policy.groups.status);
    let working = Groups::EMPLOYED | Groups::SELF_EMPLOYED;
    let enrols_employees =
        enrolling_groups & working != 0 || (!employers && enrolling_groups & Groups::AT_RISK != 0);
    // Whether a course beside work can start this step: the scenario's own take-up, or an
    // active policy offering them that takes in employees or the self-employed.
    let learning_now = s.training.takeup_employed > 0.0
        || levers
            .step
            .learning
            .iter()
            .any(|&(p, ..)| s.policies[p].groups.status & working != 0);
    let with_demand = employers || s.population.is_some();
    // The ladders' bounds: the step's highest separation and on-the-job search probabilities.
    let separation_bound = rules
        .separation
        .iter()
        .flatten()
        .copied()
        .fold(0.0, f64::max);
    let policy_search = if levers.enrolling != 0 {
        levers
            .effects
            .iter()
            .map(|e| e.on_the_job_search)
            .fold(0.0, f64::max)
    } else {
        0.0
    };
    let on_the_job_bound = ojs[..model.n_sectors.min(32)]
        .iter()
        .copied()
        .fold(policy_search, f64::max);
    let life_bound = ageing[0].max(ageing[1]).max(retirement);
    // A worker's chance to start a recognition procedure in any country is at most that of a
    // worker who may apply in every country with a rule for its diploma.
    let recognition_bound = levers
        .step
        .recognition
        .chunks(nc)
        .map(|rules| {
            1.0 - rules
                .iter()
                .flatten()
                .map(|r| 1.0 - r.start_probability)
                .product::<f64>()
        })
        .fold(0.0, f64::max);
    // Courses beside work: at most the scenario's take-up or the highest an offer makes.
    let learning_bound = if learning_now {
        levers
            .step
            .learning
            .iter()
            .map(|&(_, takeup, ..)| takeup)
            .fold(s.training.takeup_employed, f64::max)
    } else {
        0.0
    };
    // The policies enrolling this step that take in employees or the self-employed: their
    // employed workers' enrolment is a ladder draw at the policy's coverage.
    let employed_enrolment = s
        .policies
        .iter()
        .enumerate()
        .filter(|&(p, policy)| {
            levers.enrolling & (1 << p) != 0 && policy.groups.status & working != 0
        })
        .fold(0u8, |mask, (p, _)| mask | 1 << p);
    let mut bounds = [0.0; LADDERS];
    bounds[..5].copy_from_slice(&[
        separation_bound,
        on_the_job_bound,
        if with_demand && s.population.is_some() {
            life_bound
        } else {
            0.0
        },
        if model.any_recognition {
            recognition_bound
        } else {
            0.0
        },
        learning_bound,
    ]);
    for (p, policy) in s.policies.iter().enumerate().take(MAX_POLICIES) {
        if employed_enrolment & (1 << p) != 0 {
            bounds[5 + p] = policy.coverage;
        }
    }
    let ladders = Ladders {
        keys: Ladders::keys(seed, rep, t),
        bounds,
    };
    // An employed worker needs a look of its own every step only when it may start a course
    // or a policy that no ladder draws: without `[employers]`, a course beside work offered to
    // employees or the self-employed this step, or a policy that enrols employees (at risk or
    // not); under the published rules any policy or course beside work (their pass marks no
    // participant or learner). With `[employers]` those at risk are under notice (marked), and
    // courses beside work and the enrolment of employees are ladder draws. Otherwise the
    // ladders find the few to whom something happens, and the scan looks besides at the
    // employees under notice, in a recognition procedure, of an employer that gives notice,
    // taking part in a policy, in a course beside work, or (without `[employers]`, when
    // workers at risk take up courses) at a node whose demand is below its employment.
    // `look_at_every_worker` (a check, not a model setting) looks at them all; the draws are
    // the same.
    let visit_employed = model.look_at_every_worker
        || (with_policies && (!with_demand || (enrols_employees && !employers)))
        || (if with_demand {
            learning_now && !employers
        } else {
            s.offers_learning()
        });
    let mark_at_risk = takeup_at_risk > 0.0 && !employers;
    let scan = Scan {
        model,
        s,
        w,
        rules,
        shortage,
        levers,
        search_key,
        train_key,
        policy_key,
        notice_key,
        entry_key,
        attachment_key,
        population: s.population.is_some(),
        ageing,
        retirement,
        withdrawal,
        comeback,
        entry,
        employers,
        first: &world.employers.first,
        notice_plan,
        notice_search,
        downsizing,
        inv_downsizing,
        race: crate::rng::logs::Race::default(),
        ojs,
        ojs_by_sector: s.sectors.iter().any(|x| x.on_the_job_search.is_some()),
        search_p,
        search_threshold,
        takeup,
        takeup_at_risk,
        min_spell,
        start,
        now,
        geo,
        nc,
        long_term,
        spell_bands: search::spell_bands(s),
        one_place: nn == 1 && nr == 1,
        visit_employed,
        marked: !visit_employed && (with_demand || mark_at_risk || model.any_recognition),
        mark_at_risk,
        employed_enrolment,
        mark_participants: with_policies,
        mark_learners: with_demand && s.offers_learning(),
        ladders,
        recognition_bound,
        apps_key: StageKey::new(seed, rep, t, Draw::Applications),
        screened: s.mechanics.interviews == 0
            && (s.mechanics.screening_pass < 1.0 || s.mechanics.screening_duration_fall > 0.0),
    };
    crate::chunks::for_each_chunk(
        w.len(),
        chunk_events,
        || Events::sized(nn, nr),
        |range, ev| {
            ev.clear();
            match (with_policies, with_demand) {
                (true, true) => scan.chunk::<true, true>(range, ev),
                (true, false) => scan.chunk::<true, false>(range, ev),
                (false, true) => scan.chunk::<false, true>(range, ev),
                (false, false) => scan.chunk::<false, false>(range, ev),
            }
            ev.trim();
        },
    );
    if events.long_term_by_node.len() != nn {
        *events = Events::sized(nn, nr);
    }
    events.clear();
    let chunks = w.len().div_ceil(crate::chunks::CHUNK);
    events.merge(&chunk_events[..chunks]);
    ladders
}

/// Everything the decision scan reads, gathered once per step.
#[derive(Clone, Copy)]
struct Scan<'a> {
    model: &'a Model,
    s: &'a crate::scenario::Scenario,
    w: &'a crate::world::Workers,
    rules: &'a NodeRules,
    shortage: &'a Shortage,
    levers: &'a Levers,
    search_key: StageKey,
    train_key: StageKey,
    policy_key: StageKey,
    notice_key: StageKey,
    /// Sub-stream of [`Draw::Population`]: an inactive worker's entry.
    entry_key: StageKey,
    /// Whether an unemployed worker leaves the labour force, or an attached inactive one
    /// comes back (one draw: a worker is in one state or the other).
    attachment_key: StageKey,
    /// `[population]` is on: workers age and retire, school leavers enter.
    population: bool,
    /// Probabilities of moving to the next age group (by group) and of retiring this step.
    ageing: [f64; 2],
    retirement: f64,
    /// Thresholds of leaving unemployment for inactivity, and of coming back.
    withdrawal: u64,
    comeback: u64,
    /// Per home region: the threshold of an inactive worker's entry this step.
    entry: &'a [u64],
    /// `[employers]` is on: at risk means under notice, and notices are planned.
    employers: bool,
    /// First employer of each node: a worker's employer is its node's first plus the index
    /// it stores.
    first: &'a [u32],
    notice_plan: &'a Plan,
    notice_search: f64,
    downsizing: [f64; 3],
    /// `1 / downsizing`, and the notice races' keys ([`crate::rng::logs::Race`]).
    inv_downsizing: [f64; 3],
    race: crate::rng::logs::Race,
    /// On-the-job search probability by sector, and whether any sector has its own (else
    /// every entry is the scenario's).
    ojs: [f64; 32],
    ojs_by_sector: bool,
    search_p: f64,
    search_threshold: u64,
    takeup: f64,
    takeup_at_risk: f64,
    min_spell: u32,
    start: u16,
    now: u16,
    geo: &'a crate::model::Geo,
    nc: usize,
    long_term: u32,
    /// The last step of months 6 and 12 of a spell ([`crate::step::search::spell_bands`]), and
    /// whether the world has one node and one region (every worker's node and home are 0).
    spell_bands: [u32; 2],
    one_place: bool,
    /// Whether every employed worker is looked at (else only those the ladders find and, when
    /// [`Scan::marked`], those [`Scan::looks`] marks), and the ladders' keys and bounds: the
    /// step's highest separation, on-the-job search, ageing or retirement, and recognition
    /// start probabilities (the last also on its own, for [`Scan::recognition`]).
    visit_employed: bool,
    /// When not every employed worker is looked at: whether [`Scan::looks`] marks those the
    /// scan looks at (with demand, or when the employed at risk or in a recognition procedure
    /// need a look), else the published rules' pass looks at the workers not employed alone.
    marked: bool,
    /// Without `[employers]`, when workers at risk take up courses: [`Scan::looks`] marks the
    /// employees of the nodes at risk (a course at risk is a draw of its own).
    mark_at_risk: bool,
    /// With demand and policies but not every employed worker looked at: [`Scan::looks`] marks
    /// the participants too (their policies change their rates and may enrol them elsewhere).
    mark_participants: bool,
    /// With demand, when courses beside work may have started (the scenario offers them at
    /// some step), [`Scan::looks`] marks the workers in one: a course ends by a draw.
    mark_learners: bool,
    /// Bit per policy enrolling this step that takes in employees or the self-employed: an
    /// employed worker's enrolment in it is a ladder draw.
    employed_enrolment: u8,
    ladders: Ladders,
    recognition_bound: f64,
    /// Stage `search`'s key of the step ([`Draw::Applications`]), and whether a searcher's
    /// applications can fail the screen without taking a turn: employers screen (a pass below
    /// 1 at some time without work) and do not consider only a few applicants a month
    /// (`mechanics.interviews`). Then a worker whose every application would fail is not
    /// counted among the searchers ([`Scan::sends`]).
    apps_key: StageKey,
    screened: bool,
}

impl Scan<'_> {
    /// Decide for the workers in `range`. `POLICIES` false compiles the policy code out,
    /// `DEMAND` false the code of `[employers]` and `[population]`.
    #[inline(always)]
    fn chunk<const POLICIES: bool, const DEMAND: bool>(
        &self,
        range: std::ops::Range<usize>,
        ev: &mut Events,
    ) {
        let Scan {
            model,
            s,
            w,
            rules,
            shortage: _,
            levers,
            search_key,
            train_key,
            policy_key,
            notice_key,
            entry_key,
            attachment_key,
            population,
            ageing,
            retirement,
            withdrawal,
            comeback,
            entry,
            employers,
            first: _,
            notice_plan,
            notice_search,
            downsizing: _,
            inv_downsizing: _,
            race: _,
            ojs: _,
            ojs_by_sector: _,
            search_p,
            search_threshold,
            takeup,
            takeup_at_risk,
            min_spell,
            start,
            now,
            geo: _,
            nc: _,
            long_term,
            spell_bands,
            one_place,
            visit_employed,
            marked,
            mark_at_risk: _,
            mark_participants: _,
            mark_learners: _,
            employed_enrolment,
            ladders,
            recognition_bound: _,
            apps_key: _,
            screened: _,
        } = *self;
        let learning = s.offers_learning();
        let part_time = s.training.part_time_factor;
        let learned_key = train_key.substream(1);
        // Separations, on-the-job search, ageing and retirement, and recognition starts are
        // ladder draws (keys of their own: the per-worker words are those of the other draws).
        let chunk = range.start / crate::chunks::CHUNK;
        ev.scratch.fill(&ladders, chunk, range.clone());
        if marked {
            self.looks(range.clone(), &mut ev.scratch);
        }
        let scratch = std::mem::take(&mut ev.scratch);
        let mut separates = scratch.separations.cursor();
        let mut searches_on_the_job = scratch.on_the_job.cursor();
        let mut life_event = scratch.life.cursor();
        let mut recognition_start = scratch.recognition.cursor();
        let mut learning_start = scratch.learning.cursor();
        let mut enrolled: [crate::ladder::Cursor; MAX_POLICIES] =
            std::array::from_fn(|p| scratch.enrolment[p].cursor());
        let visits = Visits {
            status: &w.status,
            looks: if marked { &scratch.looks } else { &[] },
            start: range.start,
            next: range.start,
            end: range.end,
            pending: 0,
            base: range.start,
            mode: if visit_employed {
                Mode::All
            } else if marked {
                Mode::Marked
            } else {
                Mode::NotEmployed
            },
        };
        let mut spells_here = [0u64; 4];
        for i in visits {
            let id = i as u32;
            // The node (`w.node[i]`) is read where it is used: the published rules' scan visits the
            // unemployed, most of whom do not need it, and its column is the widest they would touch.
            let status = w.status[i];
            let flags = if POLICIES { w.flags[i] } else { 0 };
            // The unemployed whose spell reaches the long-term threshold by the end of the step
            // (counted until they leave unemployment, whatever else they do: `apply`), and the
            // unemployed and attached inactive in months 1-6 or 7-12 of their time without work
            // (the stocks of job finding by time without work).
            let unemployed = status == Status::Unemployed as u8;
            if unemployed || (DEMAND && population && status == Status::Available as u8) {
                let spell = u32::from(now - w.spell_start[i]);
                if unemployed && spell >= long_term {
                    ev.long_term_by_node[w.node[i] as usize] += 1;
                    ev.long_term_by_home[w.home[i] as usize] += 1;
                }
                if let Some(months) = search::months_of(spell, spell_bands) {
                    // One node and one region (the published model): no column to read, and
                    // the counts kept here until the chunk is done.
                    let band = months + if unemployed { 0 } else { 2 };
                    if one_place {
                        spells_here[band] += 1;
                    } else {
                        ev.spells_by_node[w.node[i] as usize][band] += 1;
                        ev.spells_by_home[w.home[i] as usize][band] += 1;
                    }
                }
            }
            if DEMAND && population {
                if status == Status::Inactive as u8 {
                    // A school leaver enters the labour force (the rate of its home region).
                    if entry_key.word(id) < entry[w.home[i] as usize] {
                        ev.entries.push(id);
                    }
                    continue;
                }
                // One latent uniform: a worker either ages or may retire.
                let age = w.age[i] as usize;
                if age < 2 {
                    if life_event.happens(id, ageing[age]) {
                        ev.ageing.push(id);
                    }
                } else if status != Status::Training as u8 && life_event.happens(id, retirement) {
                    // Retirement (from a job, unemployment or the attached inactive; not during
                    // a course) ends everything else the worker would do.
                    ev.retirements.push(id);
                    continue;
                }
            }
            // Recognition procedures run beside whatever else the worker does this step.
            if model.any_recognition {
                if w.recog_target[i] != NONE_U8 {
                    if now >= w.recog_until[i] {
                        ev.recognition_ends.push(id);
                    }
                } else if w.quals[i] & model.regulated_mask != 0 {
                    if let Some(c) = self.recognition(i, &mut recognition_start) {
                        ev.recognition_starts.push((id, c));
                    }
                }
            }
            // Out of the labour force but attached to it: comes back to unemployment, or stays
            // out. An unemployed worker may stop searching and leave it.
            if DEMAND && population {
                if status == Status::Available as u8 {
                    if attachment_key.word(id) < comeback {
                        ev.returns.push(id);
                    }
                    continue;
                }
                if status == Status::Unemployed as u8 && attachment_key.word(id) < withdrawal {
                    ev.withdrawals.push(id);
                    continue;
                }
            }
            // A part-time course beside work ends with a qualification after on average its
            // sector's course length times `part_time_factor` (a geometric duration: the worker
            // keeps no start date), whatever became of the job meanwhile; it pauses while the
            // worker is outside the labour force (the scan left such workers above).
            if learning && w.train_target[i] != NONE_U8 && status != Status::Training as u8 {
                let target = w.train_target[i] as usize;
                let steps = f64::from(s.sectors[target].training_steps) * part_time;
                if unit_f64(learned_key.word(id)) < 1.0 / steps.max(1.0) {
                    ev.learning_completions.push(id);
                }
            }
            // Under notice (with `[employers]`): the worker is at risk of losing the job.
            let noticed =
                DEMAND && employers && status == Status::Employed as u8 && w.notice_until[i] != 0;
            let at_risk = worker_at_risk(DEMAND && employers, w, &rules.at_risk, i);
            // Policies: enrolment of eligible workers not yet taking part, and courses.
            if POLICIES && levers.enrolling != 0 && status != Status::Training as u8 {
                let open = levers.enrolling & !flags;
                if open != 0 {
                    let h = w.home[i] as usize;
                    let sector = model.node_sector[w.node[i] as usize] as usize;
                    for (p, policy) in s.policies.iter().enumerate() {
                        if open & (1 << p) != 0
                            && policy.offers(w.langs[i])
                            && policy.targets(h, sector, status, w.contract[i], w.age[i], at_risk)
                            && if employed_enrolment & (1 << p) != 0
                                && status == Status::Employed as u8
                            {
                                enrolled[p].happens(id, policy.coverage)
                            } else {
                                unit_f64(policy_key.substream(p as u64).word(id)) < policy.coverage
                            }
                        {
                            ev.enrolments.push((id, p as u8));
                        }
                    }
                }
            }
            if POLICIES && flags != 0 {
                for &(p, language, chance) in &levers.step.courses {
                    if flags & (1 << p) != 0
                        && w.langs[i] & language == 0
                        && unit_f64(policy_key.substream(64 + p as u64).word(id)) < chance
                    {
                        ev.languages.push((id, language));
                    }
                }
            }
            // Per-worker rates: the scenario's, or the higher ones a policy gives its participants.
            // One rate for every sector (the common case) reads no sector.
            let ojs = self.on_the_job_rate(i);
            let (p_train_risk, p_train_u, p_ojs, p_search) =
                if POLICIES && flags != 0 && levers.enrolling != 0 {
                    let e: &Effect = levers.effect(flags);
                    (
                        takeup_at_risk.max(e.training_takeup),
                        takeup.max(e.training_takeup),
                        ojs.max(e.on_the_job_search),
                        search_p.max(e.search_probability),
                    )
                } else {
                    (takeup_at_risk, takeup, ojs, search_p)
                };
            if status == Status::Employed as u8 {
                let c = w.contract[i];
                let separation = rules.separation[w.node[i] as usize][c as usize];
                if separates.happens(id, separation) {
                    ev.separations.push(Separation::of(w, i));
                    continue;
                }
                if DEMAND && employers {
                    let f = self.employer_of(i);
                    let plan = notice_plan.notices_of(f as usize);
                    if noticed {
                        if plan < 0 {
                            ev.withdrawal_candidates.push(NoticeCandidate {
                                id,
                                employer: f,
                                key: (notice_key.word(id) >> 32) as u32,
                            });
                        }
                        // A notice that ends this step ends the job (unless withdrawn first).
                        if now >= w.notice_until[i] {
                            ev.dismissals.push(id);
                            continue;
                        }
                    } else if plan > 0 {
                        ev.notice_candidates.push(self.notice_race(i, f));
                    }
                }
                if p_train_risk > 0.0 && at_risk {
                    if let Some(target) = self.course(i, true, flags, p_train_risk) {
                        ev.training_starts.push((id, target));
                        continue;
                    }
                } else if learning && !at_risk && w.train_target[i] == NONE_U8 {
                    // Learning while working: a part-time course beside the job, which the
                    // worker keeps (and keeps searching from), a ladder draw.
                    let takeup = self.learning_takeup(i);
                    if let Some(u) = learning_start.below(id, takeup) {
                        if let Some(target) = self.course_beside_work(i, flags, takeup, u) {
                            ev.learning_starts.push((id, target));
                        }
                    }
                }
                // A worker under notice searches as the notice rule says, or more if a policy
                // makes it: a draw of its own, as the rate can be high (docs/MODEL.md 7.15).
                let searches = if DEMAND && noticed {
                    search_key.word(id) < crate::rng::threshold(p_ojs.max(notice_search))
                } else {
                    searches_on_the_job.happens(id, p_ojs)
                };
                if searches && self.sends(i) {
                    ev.searchers.push(id);
                }
            } else if status == Status::Unemployed as u8 {
                if p_train_u > 0.0 && u32::from(start - w.spell_start[i]) >= min_spell {
                    if let Some(target) = self.course(i, false, flags, p_train_u) {
                        ev.training_starts.push((id, target));
                        continue;
                    }
                }
                let searches = if p_search == search_p {
                    search_p >= 1.0 || search_key.word(id) < search_threshold
                } else {
                    search_key.word(id) < crate::rng::threshold(p_search)
                };
                if searches && self.sends(i) {
                    ev.searchers.push(id);
                }
            } else if status == Status::Training as u8 {
                let target = w.train_target[i] as usize;
                if u32::from(start + 1 - w.spell_start[i]) >= s.sectors[target].training_steps {
                    ev.completions.push(id);
                }
            }
        }
        // The published model's counts by months of time without work, kept in the pass above.
        if one_place {
            for (band, n) in spells_here.into_iter().enumerate() {
                ev.spells_by_node[0][band] += n;
                ev.spells_by_home[0][band] += n;
            }
        }
        ev.scratch = scratch;
        if !visit_employed {
            if marked {
                self.unlooked_employees(range, ev);
            } else {
                self.employed_from_ladders(ev);
            }
        }
    }

    /// Under the published rules, when no employed worker needed a look of its own: the
    /// separations and on-the-job searches of the employed workers the ladders found, with the
    /// same rules as the pass above (a worker who separates does not search), merged into the
    /// searchers in id order.
    fn employed_from_ladders(&self, ev: &mut Events) {
        let w = self.w;
        let employed = |id: u32| w.status[id as usize] == Status::Employed as u8;
        let l = &mut ev.scratch;
        for (n, id) in l.separations.ids().enumerate() {
            let i = id as usize;
            if !employed(id) {
                continue;
            }
            let (j, c) = (w.node[i] as usize, w.contract[i]);
            if l.separations.uniform(n) < self.rules.separation[j][c as usize] {
                ev.separations.push(Separation::of(w, i));
            }
        }
        l.employed_searchers.clear();
        let mut separated = ev.separations.iter().map(|x| x.id).peekable();
        for (n, id) in l.on_the_job.ids().enumerate() {
            if !employed(id) {
                continue;
            }
            while separated.next_if(|&x| x < id).is_some() {}
            if separated.peek() == Some(&id) {
                continue;
            }
            if l.on_the_job.uniform(n) < self.on_the_job_rate(id as usize)
                && self.sends(id as usize)
            {
                l.employed_searchers.push(id);
            }
        }
        merge_searchers(ev);
    }
}

/// Merge the employed searchers the ladder found apart (`scratch.employed_searchers`) into
/// the chunk's searchers, in id order: in place, from the back, so that no second list of the
/// searchers is kept.
fn merge_searchers(ev: &mut Events) {
    let extra = &ev.scratch.employed_searchers;
    if extra.is_empty() {
        return;
    }
    let s = &mut ev.searchers;
    let (mut a, mut b) = (s.len(), extra.len());
    s.resize(a + b, 0);
    // `s[..a]` and `extra[..b]` are merged into `s[..a + b]` from the highest id down; the
    // slot written is always at or above `a`'s, so nothing unread is overwritten.
    while b > 0 {
        if a > 0 && s[a - 1] > extra[b - 1] {
            s[a + b - 1] = s[a - 1];
            a -= 1;
        } else {
            s[a + b - 1] = extra[b - 1];
            b -= 1;
        }
    }
}

/// One bit for each of up to 64 bytes, set where `mark` holds for the byte (a word of workers
/// not employed, by their status; of participants, by their policy flags; of learners beside
/// work, by their course's sector). A full word is computed as bytes, which the compiler
/// vectorises, then packed eight at a time ([`pack`]).
#[inline(always)]
fn bits_where(bytes: &[u8], mark: impl Fn(u8) -> bool) -> u64 {
    let Ok(full) = <&[u8; 64]>::try_from(bytes) else {
        // A chunk's last, shorter word.
        return bytes
            .iter()
            .enumerate()
            .fold(0, |bits, (k, &b)| bits | u64::from(mark(b)) << k);
    };
    let mut ones = [0u8; 64];
    for k in 0..64 {
        ones[k] = u8::from(mark(full[k]));
    }
    pack(&ones)
}

/// One bit for each of up to 64 workers (a word of [`Scan::looks`]), set where the worker is
/// not employed, is under notice (`notice_until` not 0) or is in a recognition procedure. A
/// full word is computed as bytes, which the compiler vectorises, then packed eight bytes at a
/// time ([`pack`]); this took half of [`Scan::looks`] when done a bit at a time.
#[inline]
fn look_bits(status: &[u8], notice: &[u16], recog: &[u8]) -> u64 {
    let look = |s: u8, n: u16, r: u8| (s != Status::Employed as u8) | (n != 0) | (r != NONE_U8);
    let (Ok(status), Ok(notice), Ok(recog)) = (
        <&[u8; 64]>::try_from(status),
        <&[u16; 64]>::try_from(notice),
        <&[u8; 64]>::try_from(recog),
    ) else {
        // A chunk's last, shorter word.
        return status
            .iter()
            .zip(notice)
            .zip(recog)
            .enumerate()
            .fold(0, |bits, (k, ((&s, &n), &r))| {
                bits | u64::from(look(s, n, r)) << k
            });
    };
    let mut bytes = [0u8; 64];
    for k in 0..64 {
        bytes[k] = u8::from(look(status[k], notice[k], recog[k]));
    }
    pack(&bytes)
}

/// Sixty-four bytes, each 0 or 1, as the bits of a word (byte `k` at bit `k`), eight at a
/// time: byte `i` of eight, times the magic's byte `7 - i` (`2^i`), lands in the top byte at
/// bit `i`, with no carries (each byte of the product sums at most `2^7 + ... + 2^0`).
#[inline(always)]
fn pack(bytes: &[u8; 64]) -> u64 {
    let mut bits = 0u64;
    for (j, eight) in bytes.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
        bits |= (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * j);
    }
    bits
}

/// Which workers of a chunk the scan looks at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Every worker.
    All,
    /// Under the published rules, when no employed worker needs a look of its own: those not
    /// employed, found 64 status bytes at a time.
    NotEmployed,
    /// With demand, courses at risk or recognition procedures: those [`Scan::looks`] marked.
    Marked,
}

/// The workers of a chunk the scan looks at, in ascending order.
struct Visits<'a> {
    status: &'a [u8],
    /// [`Mode::Marked`]: one bit per worker of the chunk, from `start`.
    looks: &'a [u64],
    start: usize,
    next: usize,
    end: usize,
    /// [`Mode::NotEmployed`]: the workers not yet visited among the 64 (or fewer) from
    /// `base`, one bit each.
    pending: u64,
    base: usize,
    mode: Mode,
}

impl Iterator for Visits<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        match self.mode {
            Mode::All => {
                let i = self.next;
                if i < self.end {
                    self.next += 1;
                    return Some(i);
                }
                None
            }
            Mode::Marked => {
                // The lowest marked position at or after `next`.
                let mut pos = self.next - self.start;
                while pos < self.end - self.start {
                    let rest = self.looks[pos / 64] >> (pos % 64);
                    if rest == 0 {
                        pos = (pos / 64 + 1) * 64;
                        continue;
                    }
                    let i = self.start + pos + rest.trailing_zeros() as usize;
                    self.next = i + 1;
                    return Some(i);
                }
                self.next = self.end;
                None
            }
            Mode::NotEmployed => loop {
                if self.pending != 0 {
                    let i = self.base + self.pending.trailing_zeros() as usize;
                    self.pending &= self.pending - 1;
                    return Some(i);
                }
                if self.next >= self.end {
                    return None;
                }
                // The next 64 workers' status bytes as one bit each, vectorised.
                let len = (self.end - self.next).min(64);
                self.pending = bits_where(&self.status[self.next..self.next + len], |s| {
                    s != Status::Employed as u8
                });
                self.base = self.next;
                self.next += len;
            },
        }
    }
}

impl Scan<'_> {
    /// When no employed worker needs a look every step and the pass is [`Scan::marked`]: mark,
    /// in `l.looks`, the workers of `range` the scan must look at. Those not employed;
    /// employees under notice, in a recognition procedure, of an employer that plans notices or
    /// withdrawals this step, taking part in a policy (with policies), in a course beside work
    /// (once the scenario offers them) or (without `[employers]`, when workers at risk take up
    /// courses) at a node short of demand; and the candidates of the ladders. Every other
    /// employee keeps its job and does nothing else this step, whatever its draws of the other
    /// stages.
    fn looks(&self, range: std::ops::Range<usize>, l: &mut LadderScratch) {
        let w = self.w;
        let n = range.len();
        l.looks.clear();
        l.looks.resize(n.div_ceil(64), 0);
        l.acting.clear();
        l.acting.resize(n.div_ceil(64), 0);
        // Sixty-four workers a word, read as slices (no index checks): whether each needs a
        // look, then (without branches: a worker not employed has some local index too, and
        // `Plan::gives` reads any) whether its employer gives notice.
        let r = range.clone();
        let columns = w.status[r.clone()]
            .chunks(64)
            .zip(w.notice_until[r.clone()].chunks(64))
            .zip(w.recog_target[r.clone()].chunks(64))
            .zip(
                w.node[r.clone()]
                    .chunks(64)
                    .zip(w.employer[r.clone()].chunks(64)),
            )
            .zip(
                w.flags[r.clone()]
                    .chunks(64)
                    .zip(w.train_target[r].chunks(64)),
            );
        for ((looks, acting), ((((status, notice), recog), (node, employer)), (flags, learning))) in
            l.looks.iter_mut().zip(&mut l.acting).zip(columns)
        {
            let mut look_bits = look_bits(status, notice, recog);
            if self.mark_participants {
                look_bits |= bits_where(flags, |f| f != 0);
            }
            if self.mark_learners {
                look_bits |= bits_where(learning, |t| t != NONE_U8);
            }
            if self.mark_at_risk {
                let mut risky = [0u8; 64];
                for (r, &j) in risky.iter_mut().zip(node) {
                    *r = u8::from(self.rules.at_risk[j as usize]);
                }
                look_bits |= if node.len() == 64 {
                    pack(&risky)
                } else {
                    bits_where(&risky[..node.len()], |r| r != 0)
                };
            }
            let mut acting_bits = 0u64;
            if self.employers {
                let mut gives = [0u8; 64];
                for ((g, &j), &e) in gives.iter_mut().zip(node).zip(employer) {
                    let f = self.first[j as usize] + u32::from(e);
                    *g = u8::from(self.notice_plan.gives(f as usize));
                }
                acting_bits = pack(&gives);
            }
            *looks = look_bits;
            *acting = acting_bits & !look_bits;
        }
        // The on-the-job ladder's candidates are not marked: an employee found by no other
        // ladder and marked for nothing else only searches or not (`unlooked_employees`).
        for ladder in [&l.separations, &l.life, &l.recognition] {
            for id in ladder.ids() {
                let pos = id as usize - range.start;
                l.looks[pos / 64] |= 1 << (pos % 64);
            }
        }
    }

    /// When the pass is [`Scan::marked`], after it: the employees it did not look at, whom no
    /// ladder but the on-the-job search's, the learning one's and the enrolment ones' found.
    /// Each is employed, in no course and no policy, and not at risk where that could start a
    /// course (under notice with `[employers]`; at a node short of demand when workers at risk
    /// take up courses; [`Scan::sends`] reads the risk the screen needs itself). One of an
    /// employer that gives notice this step enters the employer's race, as in the pass; one a
    /// policy's enrolment ladder found is enrolled if eligible and its uniform lies below the
    /// policy's coverage; one the learning ladder found starts a course beside work as in the
    /// pass; one the on-the-job ladder found searches if its uniform lies below its sector's
    /// rate.
    /// Notice candidates are ordered by `apply`; enrolments, course starts and searchers are
    /// merged in id order.
    fn unlooked_employees(&self, range: std::ops::Range<usize>, ev: &mut Events) {
        let looked = |l: &LadderScratch, id: u32| {
            let pos = id as usize - range.start;
            l.looks[pos / 64] >> (pos % 64) & 1 != 0
        };
        let w = self.w;
        let l = &ev.scratch;
        let enrolled_before = ev.enrolments.len();
        for (p, policy) in self.s.policies.iter().enumerate().take(MAX_POLICIES) {
            if self.employed_enrolment & (1 << p) == 0 {
                continue;
            }
            let ladder = &l.enrolment[p];
            for (n, id) in ladder.ids().enumerate() {
                let i = id as usize;
                if looked(l, id) {
                    continue;
                }
                let sector = self.model.node_sector[w.node[i] as usize] as usize;
                if policy.offers(w.langs[i])
                    && self.targets_employed(policy, i, sector)
                    && ladder.uniform(n) < policy.coverage
                {
                    ev.enrolments.push((id, p as u8));
                }
            }
        }
        if ev.enrolments.len() > enrolled_before {
            ev.enrolments.sort_unstable();
        }
        let started_before = ev.learning_starts.len();
        for (n, id) in l.learning.ids().enumerate() {
            if looked(l, id) {
                continue;
            }
            let i = id as usize;
            let u = l.learning.uniform(n);
            let takeup = self.learning_takeup(i);
            if u < takeup {
                if let Some(target) = self.course_beside_work(i, 0, takeup, u) {
                    ev.learning_starts.push((id, target));
                }
            }
        }
        if ev.learning_starts.len() > started_before {
            ev.learning_starts.sort_unstable_by_key(|&(id, _)| id);
        }
        let l = &mut ev.scratch;
        for (k, (&acting, &looks)) in l.acting.iter().zip(&l.looks).enumerate() {
            let mut rest = acting & !looks;
            while rest != 0 {
                let i = range.start + k * 64 + rest.trailing_zeros() as usize;
                rest &= rest - 1;
                ev.notice_candidates
                    .push(self.notice_race(i, self.employer_of(i)));
            }
        }
        l.employed_searchers.clear();
        for (n, id) in l.on_the_job.ids().enumerate() {
            let pos = id as usize - range.start;
            if l.looks[pos / 64] >> (pos % 64) & 1 != 0 {
                continue;
            }
            if l.on_the_job.uniform(n) < self.on_the_job_rate(id as usize)
                && self.sends(id as usize)
            {
                l.employed_searchers.push(id);
            }
        }
        merge_searchers(ev);
    }

    /// Whether worker `i`, searching this step, sends an application that passes the
    /// employers' screen, from the same stream and draws stage `search` will use
    /// ([`search::Screen`]): a searcher whose every screen fails changes nothing, so it is not
    /// counted among the searchers (three in four at the default's pass). With
    /// `mechanics.interviews` every searcher counts (the applications that fail take their
    /// turn), and without a screen every application passes.
    #[inline]
    fn sends(&self, i: usize) -> bool {
        if !self.screened {
            return true;
        }
        let w = self.w;
        let status = w.status[i];
        let flags = if self.levers.open != 0 { w.flags[i] } else { 0 };
        let risky = status == Status::Employed as u8
            && worker_at_risk(self.employers, w, &self.rules.at_risk, i);
        let spell = if status == Status::Unemployed as u8 {
            u32::from(self.now - w.spell_start[i])
        } else {
            0
        };
        search::Screen::of(
            self.model,
            self.levers,
            w,
            self.apps_key,
            i,
            status,
            flags,
            risky,
            spell,
        )
        .sends()
    }

    /// Worker `i`'s on-the-job search rate: its sector's, or the scenario's when no sector
    /// sets one (then its node is not read).
    #[inline(always)]
    fn on_the_job_rate(&self, i: usize) -> f64 {
        if self.ojs_by_sector {
            self.ojs[self.model.node_sector[self.w.node[i] as usize] as usize & 31]
        } else {
            self.ojs[0]
        }
    }

    /// The employer of employee `i` (with `[employers]`).
    #[inline(always)]
    fn employer_of(&self, i: usize) -> u32 {
        self.first[self.w.node[i] as usize] + u32::from(self.w.employer[i])
    }

    /// Employee `i` (not under notice) of employer `f`, which gives notice this step, in the
    /// employer's race: an exponential race weighted by the contract's downsizing weight, so
    /// that flexible contracts (heavier) tend to get notice first.
    #[inline]
    fn notice_race(&self, i: usize, f: u32) -> NoticeCandidate {
        let u = unit_f64(self.notice_key.word(i as u32));
        let c = self.w.contract[i] as usize;
        NoticeCandidate {
            id: i as u32,
            employer: f,
            key: self.race.key(u, self.downsizing[c], self.inv_downsizing[c]),
        }
    }

    /// The country in whose procedure worker `i`, with regulated qualifications and none
    /// running, starts recognising its diploma this step, if any. The countries it can reach
    /// and has no recognition in are tried in order, each with its rule's start probability
    /// unless a policy removed the barrier there: sequential chances drawn from one latent
    /// uniform (below the first probability: the first country; else rescaled to the rest), so
    /// that the ladder finds the worker when its uniform lies below the chance of any start.
    #[inline]
    fn recognition(&self, i: usize, start: &mut crate::ladder::Cursor) -> Option<u8> {
        let (w, model, nc) = (self.w, self.model, self.nc);
        // Most workers are no candidate of the ladder at all.
        let mut u = start.below(i as u32, self.recognition_bound)?;
        let open = self.geo.reachable_foreign[w.home[i] as usize] & !w.recognised[i];
        if open == 0 {
            return None;
        }
        let diploma = w.diploma[i] as usize;
        let needed = w.quals[i] & model.regulated_mask;
        let rules = &self.levers.step.recognition[diploma * nc..(diploma + 1) * nc];
        let free = &self.levers.step.recognition_free[diploma * nc..(diploma + 1) * nc];
        let chance = |c: usize| match &rules[c] {
            // Nothing to apply for where a policy removed the barrier.
            Some(rule) if open & (1 << c) != 0 && free[c] & needed != needed => {
                rule.start_probability
            }
            _ => 0.0,
        };
        let none = (0..nc).map(|c| 1.0 - chance(c)).product::<f64>();
        if u >= 1.0 - none {
            return None;
        }
        let mut last = None;
        for c in 0..nc {
            let p = chance(c);
            if p <= 0.0 {
                continue;
            }
            if u < p {
                return Some(c as u8);
            }
            u = (u - p) / (1.0 - p);
            last = Some(c as u8);
        }
        // Rounding left the uniform above every chance although it lay below their union.
        last
    }

    /// Whether worker `i` starts a course this step at take-up `takeup` (its own training
    /// stream), and toward which sector.
    #[inline]
    fn course(&self, i: usize, at_risk: bool, flags: u8, takeup: f64) -> Option<u8> {
        let mut rs = self.train_key.stream(i as u32);
        if !training::may_start(rs.clone(), takeup) {
            return None;
        }
        let c = candidate(self.model, self.w, at_risk, i, flags);
        training::choose(self.model, self.levers, self.shortage, &c, takeup, &mut rs)
    }

    /// The take-up of a course beside work for employee `i`, neither at risk nor in a course:
    /// the scenario's, or the higher one an active offer that targets the worker makes. At
    /// most the learning ladder's bound.
    fn learning_takeup(&self, i: usize) -> f64 {
        let (s, w) = (self.s, self.w);
        let sector = self.model.node_sector[w.node[i] as usize] as usize;
        let employee = w.contract[i] != Contract::SelfEmployed as u8;
        let mut learning_takeup = s.training.takeup_employed;
        for &(p, takeup, sectors, employees_only) in &self.levers.step.learning {
            if takeup > learning_takeup
                && sectors & (1 << sector) != 0
                && (employee || !employees_only)
                && self.targets_employed(&s.policies[p], i, sector)
            {
                learning_takeup = takeup;
            }
        }
        learning_takeup
    }

    /// Whether `policy` targets worker `i`, employed in `sector` and not at risk (an employee
    /// the scan finds from a ladder, or one offered a course beside work).
    #[inline]
    fn targets_employed(
        &self,
        policy: &crate::scenario::policy::Policy,
        i: usize,
        sector: usize,
    ) -> bool {
        let w = self.w;
        policy.targets(
            w.home[i] as usize,
            sector,
            Status::Employed as u8,
            w.contract[i],
            w.age[i],
            false,
        )
    }

    /// Whether employee `i`, whose latent uniform of the learning ladder is `u` (below
    /// `takeup`), starts a course beside work, and toward which sector: the sector is drawn
    /// from its own training stream, as for any course, and the start happens where `u` lies
    /// below the take-up discounted by the worker's own cost ([`training::offer`]).
    #[inline]
    fn course_beside_work(&self, i: usize, flags: u8, takeup: f64, u: f64) -> Option<u8> {
        let mut rs = self.train_key.stream(i as u32);
        let c = candidate(self.model, self.w, false, i, flags);
        let (target, p) =
            training::offer(self.model, self.levers, self.shortage, &c, takeup, &mut rs)?;
        (u < p).then_some(target)
    }
}

/// The worker `i` as a training candidate. A plain function, not a closure: a closure capturing
/// the loop's locals by reference forced them onto the stack and slowed the whole scan.
#[inline]
fn candidate(
    model: &Model,
    w: &crate::world::Workers,
    at_risk: bool,
    i: usize,
    flags: u8,
) -> Candidate {
    let j = w.node[i] as usize;
    Candidate {
        home: w.home[i] as usize,
        from_sector: model.node_sector[j] as usize,
        status: w.status[i],
        contract: w.contract[i],
        age: w.age[i],
        at_risk,
        flags,
        quals: w.quals[i],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published rules' visits are the workers of the range not employed, in order,
    /// whatever the range's start and length.
    #[test]
    fn the_visits_are_the_workers_not_employed_in_order() {
        let status: Vec<u8> = (0..1000u32)
            .map(|i| {
                let x = i.wrapping_mul(2_654_435_761) >> 24;
                if x % 7 == 0 {
                    (1 + x % 4) as u8
                } else {
                    Status::Employed as u8
                }
            })
            .collect();
        for (start, end) in [
            (0, 1000),
            (3, 1000),
            (64, 128),
            (5, 69),
            (999, 1000),
            (10, 10),
        ] {
            let visits = Visits {
                status: &status,
                looks: &[],
                start,
                next: start,
                end,
                pending: 0,
                base: start,
                mode: Mode::NotEmployed,
            };
            let want: Vec<usize> = (start..end)
                .filter(|&i| status[i] != Status::Employed as u8)
                .collect();
            assert_eq!(visits.collect::<Vec<_>>(), want, "{start}..{end}");
        }
    }

    /// A participant's flags mark it, whichever bit is set, and a learner its course's sector,
    /// in full and short words.
    #[test]
    fn bits_where_mark_the_participants_and_the_learners() {
        let plain = |bytes: &[u8], mark: fn(u8) -> bool| {
            bytes
                .iter()
                .enumerate()
                .fold(0u64, |bits, (k, &b)| bits | u64::from(mark(b)) << k)
        };
        let participant: fn(u8) -> bool = |f| f != 0;
        let learner: fn(u8) -> bool = |t| t != NONE_U8;
        for len in [64usize, 63, 9, 1] {
            let flags: Vec<u8> = (0..len)
                .map(|k| if k % 3 == 0 { 1 << (k % 8) } else { 0 })
                .collect();
            let want = plain(&flags, participant);
            assert_eq!(bits_where(&flags, participant), want, "{len} bytes");
            let target: Vec<u8> = (0..len)
                .map(|k| if k % 5 == 0 { (k % 10) as u8 } else { NONE_U8 })
                .collect();
            let want = plain(&target, learner);
            assert_eq!(bits_where(&target, learner), want, "{len} bytes");
        }
        assert_eq!(bits_where(&[0x80; 64], |f| f != 0), u64::MAX);
    }

    /// The packed words say, bit by bit, what the plain rule says, for full words and a
    /// chunk's shorter last word.
    #[test]
    fn look_bits_mark_whom_the_rule_marks() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for len in [64, 64, 64, 63, 17, 1] {
            // Each column mostly at its quiet value, so that every mix of the three appears.
            let status: Vec<u8> = (0..len)
                .map(|_| u8::from(next() % 4 == 0) * (1 + (next() % 4) as u8))
                .collect();
            let notice: Vec<u16> = (0..len)
                .map(|_| {
                    if next() % 5 == 0 {
                        next() as u16 | 1
                    } else {
                        0
                    }
                })
                .collect();
            let recog: Vec<u8> = (0..len)
                .map(|_| {
                    if next() % 6 == 0 {
                        (next() % 3) as u8
                    } else {
                        NONE_U8
                    }
                })
                .collect();
            let bits = look_bits(&status, &notice, &recog);
            for k in 0..len {
                let want =
                    status[k] != Status::Employed as u8 || notice[k] != 0 || recog[k] != NONE_U8;
                assert_eq!(bits >> k & 1 == 1, want, "worker {k} of {len}");
            }
            if len < 64 {
                assert_eq!(bits >> len, 0, "no bit past the word's workers");
            }
        }
    }
}
