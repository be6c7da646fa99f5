//! Stage `apply`: carry out every decision of the step, count the flows, and update the
//! vacancies (`v <- v - filled - expired + opened`).
//!
//! Order: notice withdrawals, separations, retirements, dismissals at the end of a notice,
//! training starts and completions, hires, new notices and the employers' replacement
//! vacancies ([`super::employers::Staffing`]), school leavers' entries and ageing, policy
//! enrolment and language learning, recognition procedures. Each event reads the worker as it
//! stands, so the census is kept exact whatever the order. The part before the hires
//! ([`departures`]) runs beside stage `matching`; the hires, entries and ageing run in parallel
//! over ranges of worker ids, each range counting its census changes and flows apart
//! (docs/MODEL.md 7.15).
//!
//! Attribution: flows are counted by the worker's home region and by a node: the origin node
//! for separations and employed training starts, the destination node for hires, the node of
//! (home region, target sector) for training, the worker's node for recognitions.

use crate::agent::{Status, NONE_U8};
use crate::metrics::{flow, money, policy_flow, Flows};
use crate::model::Model;
use crate::policy::Levers;
use crate::rng::{Draw, StageKey};
use crate::step::census::Entry;
use crate::step::employers::{Plan, Staffing};
use crate::step::matching::Hire;
use crate::step::scan::Events;
use crate::step::search::SearcherInfo;
use crate::step::separations::worker_at_risk;
use crate::step::training::{funding, Candidate};
use crate::step::vacancies;
use crate::world::{stored, Book, World, NO_EMPLOYER, NO_LOCAL};
use rayon::prelude::*;

/// The census entry of the worker at position `i` of `w` (the workers, or a range of them:
/// the columns are indexed alike), as it stands at clock `now`.
macro_rules! census_entry {
    ($w:expr, $i:expr, $now:expr, $long_term:expr) => {{
        let (w, i) = ($w, $i);
        Entry {
            status: w.status[i],
            node: w.node[i] as usize,
            home: w.home[i] as usize,
            contract: w.contract[i],
            long_term: w.status[i] == Status::Unemployed as u8
                && u32::from($now - w.spell_start[i]) >= $long_term,
            notice: w.notice_until[i] != 0,
            age: w.age[i],
        }
    }};
}

/// The parts of the world a part of the stage changes, borrowed apart.
struct Parts<'a> {
    w: &'a mut crate::world::Workers,
    book: &'a mut Book,
    census: &'a mut crate::metrics::Census,
    register: &'a mut Option<crate::world::Register>,
    staffing: Staffing<'a>,
    vacancies: &'a mut [u64],
}

impl<'a> Parts<'a> {
    fn of(world: &'a mut World, plan: &'a mut Plan) -> Parts<'a> {
        Parts {
            w: &mut world.workers,
            book: &mut world.book,
            census: &mut world.census,
            register: &mut world.register,
            staffing: Staffing {
                employers: &mut world.employers,
                plan,
            },
            vacancies: &mut world.vacancies,
        }
    }
}

/// How many events ahead the columns of an event's worker are prefetched.
const PREFETCH_AHEAD: usize = 8;

/// How many hires ahead the employers' books of a hire are prefetched.
const BOOKS_AHEAD: usize = 8;

/// Prefetch the columns of the worker `PREFETCH_AHEAD` events after event `n` of `ids` (events
/// come in worker order, but far apart: each touches a cache line in every column it reads).
#[inline(always)]
fn fetch_ahead(w: &crate::world::Workers, ids: &[u32], n: usize) {
    if let Some(&ahead) = ids.get(n + PREFETCH_AHEAD) {
        w.prefetch_for_event(ahead as usize);
    }
}

/// The first part of the stage, which needs no hire: notices withdrawn, separations,
/// retirements, moves to and from inactivity, dismissals at the end of a notice, and courses
/// started and completed. It reads and writes nothing stage `matching` does (the world, the
/// flows and the employers' plan against the search's buffers), so the step runs it beside
/// that stage ([`crate::step::Stepper::step`]).
#[allow(clippy::too_many_arguments)]
pub fn departures(
    model: &Model,
    world: &mut World,
    t: u32,
    now: u16,
    events: &mut Events,
    flows: &mut Flows,
    levers: &Levers,
    at_risk: &[bool],
    plan: &mut Plan,
) {
    let s = &model.scenario;
    let employers = s.employers.is_some();
    let long_term = s.mechanics.long_term_steps;
    let Parts {
        w,
        book,
        census,
        register,
        mut staffing,
        ..
    } = Parts::of(world, plan);
    let entry = |w: &crate::world::Workers, i: usize| census_entry(w, i, now, long_term);
    // Employers whose demand rose withdraw notices first (before anyone leaves, so that a
    // notice that ends this step can still be withdrawn).
    if employers && !events.withdrawal_candidates.is_empty() {
        staffing.notices(&mut events.withdrawal_candidates, true, |id, f, e| {
            let i = id as usize;
            if e.of_worker(w, i) != f || w.notice_until[i] == 0 {
                return false;
            }
            census.tally(model, entry(w, i), false);
            w.notice_until[i] = 0;
            e.notices[f as usize] -= 1;
            census.tally(model, entry(w, i), true);
            true
        });
    }
    // Separations and hires use what the scan and search read of the worker; besides writing,
    // they read only the employer and notice of a worker (with `[employers]`).
    for (n, sep) in events.separations.iter().enumerate() {
        if let Some(ahead) = events.separations.get(n + PREFETCH_AHEAD) {
            w.prefetch_for_event(ahead.id as usize);
        }
        let i = sep.id as usize;
        let noticed = employers && w.notice_until[i] != 0;
        let mut e = Entry {
            status: Status::Employed as u8,
            node: sep.node as usize,
            home: sep.home as usize,
            contract: sep.contract,
            long_term: false,
            notice: noticed,
            age: sep.age,
        };
        census.tally(model, e, false);
        e.status = Status::Unemployed as u8;
        e.notice = false;
        census.tally(model, e, true);
        if employers {
            staffing.depart(staffing.employer_of(w, i), noticed);
            w.employer[i] = NO_LOCAL;
            w.notice_until[i] = 0;
        }
        w.status[i] = Status::Unemployed as u8;
        w.spell_start[i] = now;
        flows.count(flow::SEPARATIONS, e.home, e.node);
    }

    // Retirements (with `[population]`): out of the labour force; a job left is replaced
    // while its demand holds.
    for (n, &id) in events.retirements.iter().enumerate() {
        fetch_ahead(w, &events.retirements, n);
        let i = id as usize;
        census.tally(model, entry(w, i), false);
        if w.status[i] == Status::Available as u8 {
            flows.count(
                flow::RETIREMENTS_AVAILABLE,
                w.home[i] as usize,
                w.node[i] as usize,
            );
        }
        if w.status[i] == Status::Employed as u8 {
            flows.count(
                flow::RETIREMENTS_EMPLOYED,
                w.home[i] as usize,
                w.node[i] as usize,
            );
            if employers {
                staffing.depart(staffing.employer_of(w, i), w.notice_until[i] != 0);
            }
        }
        w.status[i] = Status::Inactive as u8;
        w.spell_start[i] = now;
        w.employer[i] = NO_LOCAL;
        w.notice_until[i] = 0;
        leave_policies(model, w, i, levers, book);
        census.tally(model, entry(w, i), true);
        flows.count(flow::RETIREMENTS, w.home[i] as usize, w.node[i] as usize);
    }

    // Unemployed who stop searching leave the labour force, still attached to it (their node,
    // qualifications and age stay), and those attached come back to unemployment. The spell
    // without work runs on through the pause (`spell_start` is kept): the duration that counts
    // as long-term unemployment and that employers screen on is the time since the last job
    // (docs/MODEL.md 7.7, 7.11).
    for (n, &id) in events.withdrawals.iter().enumerate() {
        fetch_ahead(w, &events.withdrawals, n);
        let i = id as usize;
        census.tally(model, entry(w, i), false);
        w.status[i] = Status::Available as u8;
        leave_policies(model, w, i, levers, book);
        census.tally(model, entry(w, i), true);
        flows.count(
            flow::UNEMPLOYED_TO_INACTIVE,
            w.home[i] as usize,
            w.node[i] as usize,
        );
    }
    for (n, &id) in events.returns.iter().enumerate() {
        fetch_ahead(w, &events.returns, n);
        let i = id as usize;
        census.tally(model, entry(w, i), false);
        w.status[i] = Status::Unemployed as u8;
        census.tally(model, entry(w, i), true);
        flows.count(
            flow::INACTIVE_TO_UNEMPLOYED,
            w.home[i] as usize,
            w.node[i] as usize,
        );
    }

    // Notices that end this step and were not withdrawn: the job was destroyed, so no
    // replacement vacancy opens.
    for (n, &id) in events.dismissals.iter().enumerate() {
        fetch_ahead(w, &events.dismissals, n);
        let i = id as usize;
        if w.notice_until[i] == 0 {
            continue;
        }
        census.tally(model, entry(w, i), false);
        staffing.depart(staffing.employer_of(w, i), true);
        dismiss(w, i, now);
        census.tally(model, entry(w, i), true);
        let (h, j) = (w.home[i] as usize, w.node[i] as usize);
        flows.count(flow::SEPARATIONS, h, j);
        flows.count(flow::DISMISSALS, h, j);
    }

    // Courses: full-time ones (the worker leaves its job or unemployment for the course), then
    // part-time ones beside a job (learning while working: the worker keeps the job).
    let starts = events
        .training_starts
        .iter()
        .map(|&x| (x, false))
        .chain(events.learning_starts.iter().map(|&x| (x, true)));
    for ((id, target), part_time) in starts {
        let i = id as usize;
        let h = w.home[i] as usize;
        let from = model.node_sector[w.node[i] as usize] as usize;
        let employed = w.status[i] == Status::Employed as u8;
        let candidate = Candidate {
            home: h,
            from_sector: from,
            status: w.status[i],
            contract: w.contract[i],
            age: w.age[i],
            at_risk: employed && worker_at_risk(employers, w, at_risk, i),
            flags: w.flags[i],
            quals: w.quals[i],
        };
        let pay = funding(model, levers, &candidate, target as usize);
        // A course a policy pays for starts only if the policy's budget allows it.
        if let Some(p) = pay.payer {
            // A programme's participant's course is paid as promised; a subsidy's or an opened
            // fund's is paced over the policy's window like an enrolment.
            let paid = if s.policies[p].kind.enrols() {
                book.pay_course(model, p, id, pay.charged)
            } else {
                book.spend_paced(model, p, t, pay.charged)
            };
            if !paid {
                continue;
            }
            // A course a policy pays for makes its trainee a participant of the policy, entering
            // at the start of the course (an enrolled participant entered before); a policy
            // named payer that paid nothing (a fund had paid it all) makes no participant.
            if pay.charged > 0.0 {
                if let Some(r) = register.as_mut() {
                    r.enrolments.push((id, p as u8, t));
                }
            }
        }
        if let Some(r) = register.as_mut() {
            r.course_starts.push((id, t));
        }
        let at = model.node(h, target as usize) as usize;
        if part_time {
            flows.count(flow::LEARNING_STARTS, h, at);
        } else {
            if employed {
                flows.count(flow::TRAINING_STARTS_EMPLOYED, h, w.node[i] as usize);
            }
            flows.count(flow::TRAINING_STARTS, h, at);
        }
        let total = pay.public + pay.fund + pay.policy + pay.private;
        flows.spend(money::TRAINING_COST, h, at, total);
        flows.spend(money::TRAINING_PUBLIC, h, at, pay.public);
        flows.spend(money::TRAINING_FUNDS, h, at, pay.fund);
        flows.spend(money::TRAINING_POLICY, h, at, pay.policy);
        flows.spend(money::TRAINING_PRIVATE, h, at, pay.private);
        if part_time {
            w.train_target[i] = target;
            continue;
        }
        census.tally(model, entry(w, i), false);
        if employers && employed {
            staffing.depart(staffing.employer_of(w, i), w.notice_until[i] != 0);
            w.employer[i] = NO_LOCAL;
            w.notice_until[i] = 0;
        }
        w.status[i] = Status::Training as u8;
        w.train_target[i] = target;
        w.spell_start[i] = now;
        census.tally(model, entry(w, i), true);
    }

    for &id in &events.completions {
        let i = id as usize;
        let h = w.home[i] as usize;
        let target = w.train_target[i];
        let at = model.node(h, target as usize);
        flows.count(flow::TRAINING_COMPLETIONS, h, at as usize);
        census.tally(model, entry(w, i), false);
        qualify(model, w, i, target, levers, book);
        w.trained[i] = target;
        w.node[i] = stored(at);
        w.status[i] = Status::Unemployed as u8;
        w.train_target[i] = NONE_U8;
        w.spell_start[i] = now;
        census.tally(model, entry(w, i), true);
    }
    // A part-time course completed: the worker qualifies and stays where it is (unless it
    // started a full-time course this step, which replaced the part-time one).
    for &id in &events.learning_completions {
        let i = id as usize;
        let target = w.train_target[i];
        if target == NONE_U8 || w.status[i] == Status::Training as u8 {
            continue;
        }
        let h = w.home[i] as usize;
        flows.count(
            flow::LEARNING_COMPLETIONS,
            h,
            model.node(h, target as usize) as usize,
        );
        qualify(model, w, i, target, levers, book);
        w.trained[i] = target;
        w.train_target[i] = NONE_U8;
    }
}

/// The hires of the step, carried out on the workers ([`departures`] has run), after the
/// vacancies filled and expired: what [`arrivals`] needs to close their books.
pub struct Hired(Vec<HireRun>);

/// The second part of the stage: the vacancies filled, expired and opened, node by node, then
/// the hires carried out on the workers in parallel over ranges of worker ids, each run of them
/// counting its census changes and flows apart; [`arrivals`] then writes them and the
/// employers' books.
#[allow(clippy::too_many_arguments)]
pub fn hire(
    model: &Model,
    world: &mut World,
    t: u32,
    now: u16,
    hires: &[Hire],
    searchers: &[SearcherInfo],
    openings: &[u64],
    flows: &mut Flows,
    levers: &Levers,
    plan: &mut Plan,
) -> Hired {
    let s = &model.scenario;
    let employers = s.employers.is_some();
    let seed = s.simulation.seed;
    let rep = world.replication;

    // Vacancies filled and expired are decided on the vacancies as they stood at the start.
    for hire in hires {
        flows.by_node[hire.node as usize][flow::VACANCIES_FILLED] += 1;
    }
    for (j, &opened) in openings.iter().enumerate() {
        let unfilled = world.vacancies[j] - flows.by_node[j][flow::VACANCIES_FILLED];
        let expired = vacancies::expire(model, world, t, j, unfilled);
        world.vacancies[j] = unfilled - expired + opened;
        let f = &mut flows.by_node[j];
        f[flow::VACANCIES_OPENED] += opened;
        f[flow::VACANCIES_EXPIRED] += expired;
        if employers {
            // What stage `demand` did at the employers: vacancies opened for new demand and
            // closed where demand fell (counted as expired), and the gross job flows.
            f[flow::VACANCIES_OPENED] += plan.opened[j];
            f[flow::VACANCIES_EXPIRED] += plan.closed[j];
            f[flow::JOB_CREATION] += plan.created[j];
            f[flow::JOB_DESTRUCTION] += plan.destroyed[j];
        }
    }

    let Parts { w, staffing, .. } = Parts::of(world, plan);

    // Hires, in worker order, cut into runs that each cover their own range of worker ids and
    // carried out in parallel, each run counting its census changes and flows apart (integer
    // sums: the same whatever the cut); `arrivals` then writes, in hire order, the employers'
    // books and the policies' placements.
    let hire_key = StageKey::new(seed, rep, t, Draw::Hire);
    let per_run = hires
        .len()
        .div_ceil(2 * rayon::current_num_threads())
        .max(HIRES_PER_RUN);
    let runs: Vec<&[Hire]> = hires.chunks(per_run).collect();
    debug_assert!(hires.windows(2).all(|x| x[0].worker < x[1].worker));
    let cuts: Vec<usize> = runs[1.min(runs.len())..]
        .iter()
        .map(|r| r[0].worker as usize)
        .collect();
    let done: Vec<HireRun> = {
        let staffing = &staffing;
        let run = HireContext {
            model,
            now,
            key: hire_key,
            searchers,
            open: levers.open,
            employers,
        };
        w.ranges(&cuts)
            .into_par_iter()
            .zip(runs.into_par_iter())
            .map(|(mut r, hires)| run.hires(&mut r, hires, staffing))
            .collect()
    };
    Hired(done)
}

/// The rest of the stage ([`hire`] has run): the hires' census changes, flows, employers'
/// books and placements, in hire order; new notices and the employers' replacement vacancies,
/// school leavers and ageing, policy participations and enrolments, languages, and
/// recognition procedures.
#[allow(clippy::too_many_arguments)]
pub fn arrivals(
    model: &Model,
    world: &mut World,
    t: u32,
    now: u16,
    events: &mut Events,
    flows: &mut Flows,
    levers: &Levers,
    at_risk: &[bool],
    plan: &mut Plan,
    leavers: &[Vec<f64>],
    hired: Hired,
) {
    let s = &model.scenario;
    let employers = s.employers.is_some();
    let nc = model.n_countries;
    let seed = s.simulation.seed;
    let rep = world.replication;
    let long_term = s.mechanics.long_term_steps;
    let Parts {
        w,
        book,
        census,
        register,
        mut staffing,
        vacancies,
    } = Parts::of(world, plan);
    let entry = |w: &crate::world::Workers, i: usize| census_entry(w, i, now, long_term);

    for run in &hired.0 {
        census.add_changes(&run.census);
        flows.add_counts(&run.flows);
        for (k, &(from, noticed, to)) in run.books.iter().enumerate() {
            // The books of the hire a few ahead, far from this one's.
            if let Some(&(from, _, to)) = run.books.get(k + BOOKS_AHEAD) {
                staffing.employers.prefetch(from as usize);
                staffing.employers.prefetch(to as usize);
            }
            if from != NO_EMPLOYER {
                staffing.depart(from, noticed);
            }
            staffing.hire(to);
        }
        // A hire ends policy participation; policies still running count a placement.
        // Every policy whose window is open settles its books, even one that could not pay
        // its running cost this year (its promised fee is paid).
        for &(id, placed, origin, across) in &run.placements {
            for p in 0..s.policies.len() {
                if placed & (1 << p) != 0 {
                    book.place(model, p, id, origin, across);
                    if let Some(r) = register.as_mut() {
                        r.placements.push((id, p as u8, t));
                    }
                }
            }
        }
    }

    // Employers whose demand fell give notice, flexible contracts first (the scan's keys), as
    // many as their staff still exceeds their demand; then what demand is left unstaffed is
    // opened as vacancies.
    if employers {
        if !events.notice_candidates.is_empty() {
            let lines = w.event_lines();
            let fetch = move |id: u32| lines.fetch(id as usize);
            staffing.give_notices(&mut events.notice_candidates, fetch, |id, f, e| {
                let i = id as usize;
                if e.of_worker(w, i) != f || w.notice_until[i] != 0 {
                    return false;
                }
                let (h, j) = (w.home[i] as usize, w.node[i] as usize);
                census.tally(model, entry(w, i), false);
                let steps = s.contracts[w.contract[i] as usize].notice_steps;
                if steps == 0 {
                    // No notice: the job ends in this step and is not replaced.
                    e.staff[f as usize] -= 1;
                    dismiss(w, i, now);
                    flows.count(flow::SEPARATIONS, h, j);
                    flows.count(flow::DISMISSALS, h, j);
                } else {
                    w.notice_until[i] = now + steps as u16;
                    e.notices[f as usize] += 1;
                }
                census.tally(model, entry(w, i), true);
                flows.count(flow::NOTICES, h, j);
                true
            });
        }
        staffing.finish(vacancies, flows);
    }

    // School leavers enter the labour force, unemployed, qualified for a sector drawn from
    // their home region's school-leaver shares (`leavers`, from `Model::school_leavers`), with a diploma of
    // their home country; and workers move to the next age group.
    if s.population.is_some() {
        let key = StageKey::new(seed, rep, t, Draw::Population).substream(3);
        // In parallel over ranges of worker ids (an entry or ageing touches only its worker's
        // columns), each range counting its census changes and flows apart (integer sums).
        let parts = 2 * rayon::current_num_threads();
        let n = w.len();
        let cuts: Vec<usize> = (1..parts).map(|k| k * n / parts).collect();
        let (entries, ageing) = (&events.entries, &events.ageing);
        let (nn, nr) = (model.n_nodes, model.n_regions);
        let done: Vec<(crate::metrics::Census, Flows)> = w
            .ranges(&cuts)
            .into_par_iter()
            .map(|w| {
                let ids = w.start as u32..(w.start + w.status.len()) as u32;
                fn within(list: &[u32], ids: std::ops::Range<u32>) -> &[u32] {
                    let lo = list.partition_point(|&x| x < ids.start);
                    let hi = list.partition_point(|&x| x < ids.end);
                    &list[lo..hi]
                }
                let mut census = crate::metrics::Census::new(nn, nr, nc);
                let mut flows = Flows::new(nn, nr, nc);
                let entry =
                    |w: &crate::world::WorkerRange, i: usize| census_entry!(w, i, now, long_term);
                for &id in within(entries, ids.clone()) {
                    let i = w.at(id);
                    let h = w.home[i] as usize;
                    let country = model.region_country[h];
                    let u = crate::rng::unit_f64(key.word(id));
                    let sector = crate::world::pick(u, &leavers[h]);
                    census.tally_change(model, entry(&w, i), false);
                    w.status[i] = Status::Unemployed as u8;
                    w.age[i] = 0;
                    w.node[i] = stored(model.node(h, sector));
                    w.quals[i] = 1 << sector;
                    w.diploma[i] = country;
                    w.recognised[i] = 1 << country;
                    w.train_target[i] = NONE_U8;
                    w.trained[i] = NONE_U8;
                    w.recog_target[i] = NONE_U8;
                    w.spell_start[i] = now;
                    census.tally_change(model, entry(&w, i), true);
                    flows.count(flow::ENTRIES, h, w.node[i] as usize);
                }
                for &id in within(ageing, ids.clone()) {
                    let i = w.at(id);
                    census.tally_change(model, entry(&w, i), false);
                    w.age[i] += 1;
                    census.tally_change(model, entry(&w, i), true);
                }
                (census, flows)
            })
            .collect();
        for (changes, counts) in &done {
            census.add_changes(changes);
            flows.add_counts(counts);
        }
    }

    // Participations that reached their policy's longest duration unplaced end (before this
    // step's enrolments, so that a place they free can be taken now).
    let mut due = Vec::new();
    for p in 0..s.policies.len() {
        // Only while the window is open: at its end every participation ends with it.
        if levers.open & (1 << p) == 0 {
            continue;
        }
        due.clear();
        book.due(model, p, t, &mut due);
        for &id in &due {
            let i = id as usize;
            if w.flags[i] & (1 << p) != 0 {
                w.flags[i] &= !(1 << p);
                book.end_at_maximum(model, p, id);
            }
        }
    }

    // Enrolments, in worker order, each only if the policy's budget allows, the workers at risk
    // first for a policy that gives them priority (at risk as the step has left them, after its
    // notices and withdrawals; a stable sort keeps worker order within each group). A worker whose situation changed this step (hired, separated, in a course)
    // is not enrolled.
    if s.policies.iter().any(|p| p.at_risk_first) {
        events.enrolments.sort_by_key(|&(id, p)| {
            let i = id as usize;
            let first = s.policies[p as usize].at_risk_first
                && w.status[i] == Status::Employed as u8
                && worker_at_risk(employers, w, at_risk, i);
            !first
        });
    }
    for &(id, p) in &events.enrolments {
        let i = id as usize;
        if w.spell_start[i] != now && book.enrol(model, p as usize, t, id) {
            w.flags[i] |= 1 << p;
            if let Some(r) = register.as_mut() {
                r.enrolments.push((id, p, t));
            }
        }
    }
    for &(id, language) in &events.languages {
        w.langs[id as usize] |= language;
    }

    if model.any_recognition {
        let key = StageKey::new(seed, rep, t, Draw::RecognitionOutcome);
        for &id in &events.recognition_ends {
            let i = id as usize;
            let c = w.recog_target[i] as usize;
            let rule = levers.step.recognition[w.diploma[i] as usize * nc + c].as_ref();
            let success = crate::rng::unit_f64(key.word(id));
            if rule.is_some_and(|r| success < r.success_probability) {
                w.recognised[i] |= 1 << c;
                flows.count(flow::RECOGNITIONS, w.home[i] as usize, w.node[i] as usize);
            }
            w.recog_target[i] = NONE_U8;
        }
        for &(id, c) in &events.recognition_starts {
            let i = id as usize;
            let rule = levers.step.recognition[w.diploma[i] as usize * nc + c as usize].as_ref();
            if let Some(rule) = rule {
                let (h, j) = (w.home[i] as usize, w.node[i] as usize);
                flows.count(flow::RECOGNITION_STARTS, h, j);
                flows.spend(money::RECOGNITION_FEES, h, j, rule.fee);
                w.recog_target[i] = c;
                w.recog_until[i] = now.saturating_add(rule.duration_steps as u16);
            }
        }
    }
}

/// The census entry of worker `i` as it stands, at clock `now`.
#[inline(always)]
fn census_entry(w: &crate::world::Workers, i: usize, now: u16, long_term: u32) -> Entry {
    census_entry!(w, i, now, long_term)
}

/// Hires per run at least (fewer runs than two a thread when a step has few hires).
const HIRES_PER_RUN: usize = 2048;

/// What a run of hires reads besides the workers.
struct HireContext<'a> {
    model: &'a Model,
    now: u16,
    key: StageKey,
    searchers: &'a [SearcherInfo],
    /// Policies whose window is open.
    open: u8,
    employers: bool,
}

/// What a run of hires leaves for the step to add up in hire order: the census changes and
/// flows of its hires, each hire's employers (the one left, [`NO_EMPLOYER`] for none, whether
/// the worker was under notice there, and the one joined), and its placements (worker,
/// policies, origin, across the border).
struct HireRun {
    census: crate::metrics::Census,
    flows: Flows,
    books: Vec<(u32, bool, u32)>,
    placements: Vec<(u32, u8, usize, bool)>,
}

impl HireContext<'_> {
    /// Carry out `hires` on the workers of range `w` (which holds all of theirs).
    fn hires(
        &self,
        w: &mut crate::world::WorkerRange,
        hires: &[Hire],
        staffing: &Staffing,
    ) -> HireRun {
        let &HireContext {
            model,
            now,
            key,
            searchers,
            open,
            employers,
        } = self;
        let s = &model.scenario;
        let nc = model.n_countries;
        let mut out = HireRun {
            census: crate::metrics::Census::new(model.n_nodes, model.n_regions, nc),
            flows: Flows::new(model.n_nodes, model.n_regions, nc),
            books: Vec::with_capacity(if employers { hires.len() } else { 0 }),
            placements: Vec::new(),
        };
        let (census, flows) = (&mut out.census, &mut out.flows);
        for (n, hire) in hires.iter().enumerate() {
            if let Some(ahead) = hires.get(n + PREFETCH_AHEAD) {
                w.prefetch_for_hire(w.at(ahead.worker));
            }
            let (id, k) = (hire.worker, hire.node);
            let me = &searchers[hire.searcher as usize];
            let i = w.at(id);
            let h = me.home as usize;
            let k_us = k as usize;
            let from_sector = model.node_sector[me.node as usize];
            let to_sector = model.node_sector[k_us];
            let (ch, ck) = (
                model.region_country[h] as usize,
                model.node_country[k_us] as usize,
            );
            if me.status == Status::Employed as u8 {
                flows.count(flow::JOB_TO_JOB, h, k_us);
                flows.count(flow::JOB_TO_JOB_OUT, h, me.node as usize);
            } else {
                flows.count(flow::HIRES_FROM_UNEMPLOYMENT, h, k_us);
                // By time without work, where the worker last worked, as its stock.
                if me.marks & SearcherInfo::MONTHS_1_6 != 0 {
                    flows.count(flow::HIRES_IN_MONTHS_1_6, h, me.node as usize);
                } else if me.marks & SearcherInfo::MONTHS_7_12 != 0 {
                    flows.count(flow::HIRES_IN_MONTHS_7_12, h, me.node as usize);
                }
                let course = w.trained[i];
                if course != NONE_U8 {
                    flows.count(flow::RETRAINED_HIRES, h, k_us);
                    if course == to_sector {
                        flows.count(flow::RETRAINED_HIRES_IN_COURSE_SECTOR, h, k_us);
                    }
                }
            }
            if from_sector != to_sector {
                flows.count(flow::CROSS_SECTOR, h, k_us);
            }
            if ch != ck {
                flows.count(flow::CROSS_BORDER_HIRES, h, k_us);
            }
            flows.pair_hires[ch * nc + ck] += 1;
            let noticed = employers && w.notice_until[i] != 0;
            let before = Entry {
                status: me.status,
                node: me.node as usize,
                home: h,
                contract: me.contract,
                long_term: me.long_term(),
                notice: noticed,
                age: me.age,
            };
            census.tally_change(model, before, false);
            if employers {
                // The vacancy filled is the one the application landed on; the job left (a
                // job-to-job move) is replaced while its demand holds.
                let to = staffing.employer_of_slot(hire.slot);
                let from = if me.status == Status::Employed as u8 {
                    if noticed {
                        flows.count(flow::JOB_TO_JOB_FROM_NOTICE, h, k_us);
                    }
                    staffing.employers.first[w.node[i] as usize] + u32::from(w.employer[i])
                } else {
                    NO_EMPLOYER
                };
                out.books.push((from, noticed, to));
                w.employer[i] = staffing.local(to);
                w.notice_until[i] = 0;
            }
            let shares = &s.sectors[to_sector as usize].contract_shares;
            let contract = contract_of(shares, crate::rng::unit_f64(key.word(id)));
            let after = Entry {
                status: Status::Employed as u8,
                node: k_us,
                home: h,
                contract,
                long_term: false,
                notice: false,
                age: me.age,
            };
            census.tally_change(model, after, true);
            let placed = me.flags & open;
            if placed != 0 {
                let at_risk = if employers { noticed } else { me.at_risk() };
                let origin = if me.status != Status::Employed as u8 {
                    policy_flow::PLACED_FROM_UNEMPLOYMENT
                } else if at_risk {
                    policy_flow::PLACED_FROM_NOTICE
                } else {
                    policy_flow::PLACED_FROM_JOB
                };
                out.placements.push((id, placed, origin, ch != ck));
            }
            if me.flags != 0 {
                w.flags[i] = 0;
            }
            // Hired into a regulated sector without its qualification (a side-entry route): the
            // worker qualifies on the job.
            if model.regulated_mask & (1 << to_sector) != 0 {
                w.quals[i] |= 1 << to_sector;
            }
            w.contract[i] = contract;
            w.status[i] = Status::Employed as u8;
            w.node[i] = stored(k);
            w.spell_start[i] = now;
        }
        out
    }
}

/// Worker `i` leaves the labour force (retires, or stops searching): its participation in the
/// active policies ends, without a placement.
fn leave_policies(
    model: &Model,
    w: &mut crate::world::Workers,
    i: usize,
    levers: &Levers,
    book: &mut Book,
) {
    // Every policy whose window is open settles its books, even one that could not pay its
    // running cost this year (its promised fee is released).
    let leaving = w.flags[i] & levers.open;
    // (A bit per policy in a `u8`: at most 8 policies.)
    for p in 0..8 {
        if leaving & (1 << p) != 0 {
            book.leave(model, p, i as u32);
        }
    }
    w.flags[i] = 0;
}

/// Worker `i` completed a course for sector `target`: it is qualified for it, and where a
/// double-qualification policy applies, recognised across the border too.
fn qualify(
    model: &Model,
    w: &mut crate::world::Workers,
    i: usize,
    target: u8,
    levers: &Levers,
    book: &mut Book,
) {
    w.quals[i] |= 1 << target;
    let h = w.home[i] as usize;
    for (p, gains) in &levers.step.dual {
        let policy = &model.scenario.policies[*p];
        let ch = model.region_country[h] as usize;
        let in_region = policy.regions.as_ref().is_none_or(|r| r[h]);
        let gain = gains[ch] & !w.recognised[i];
        if in_region && gain != 0 && book.spend(model, *p, policy.cost_per_participant) {
            w.recognised[i] |= gain;
        }
    }
}

/// Worker `i` loses its job to a dismissal (with `[employers]`): unemployed from `now`,
/// without employer or notice.
fn dismiss(w: &mut crate::world::Workers, i: usize, now: u16) {
    w.status[i] = Status::Unemployed as u8;
    w.spell_start[i] = now;
    w.employer[i] = NO_LOCAL;
    w.notice_until[i] = 0;
}

/// The contract of a hire, from a uniform draw `u` in [0, 1) and the sector's contract shares
/// (permanent, flexible, self-employed): 0 below the first share, 1 below the first two, else 2.
fn contract_of(shares: &[f64], u: f64) -> u8 {
    if u < shares[0] {
        0
    } else if u < shares[0] + shares[1] {
        1
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::contract_of;

    #[test]
    fn a_hire_s_contract_follows_the_sector_s_shares() {
        let shares = [0.6, 0.3, 0.1];
        for (u, contract) in [
            (0.0, 0),
            (0.3, 0),
            (0.599, 0),
            (0.6, 1),
            (0.75, 1),
            (0.899, 1),
            (0.9, 2),
            (0.999, 2),
        ] {
            assert_eq!(contract_of(&shares, u), contract, "u = {u}");
        }
        // Over a fine grid of draws each contract gets its share.
        let n = 10_000;
        let mut count = [0usize; 3];
        for k in 0..n {
            count[contract_of(&shares, (k as f64 + 0.5) / n as f64) as usize] += 1;
        }
        assert_eq!(count, [6000, 3000, 1000]);
    }
}
