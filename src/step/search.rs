//! Stage `search`: every searcher sends up to `mechanics.applications` applications, each to
//! node k with probability proportional to `A(worker, k) * v_k` (MODEL.md section 7.7), where
//! `A` multiplies
//! - sector mobility `M[s -> s_k]`, times 1 if the worker is qualified for `s_k`, else
//!   the sector's `unqualified_weight` (default `mechanics.unqualified_weight`; for a
//!   regulated sector 0, no job there without the qualification, unless the sector gives its
//!   own weight: a side-entry route where the hired worker qualifies on the job);
//! - `training.course_sector_weight` for the sector of the worker's last completed course (the
//!   retrained look for work in the occupation they trained for);
//! - commuting `C[home -> r_k]` (exponential decay in travel time, zero beyond the maximum);
//! - for a node in another country: `(1 - admin friction) * awareness` for the country pair,
//!   `border.language_weight` if the worker speaks none of its languages, and
//!   `border.unrecognised_weight` for a regulated sector where the diploma is not recognised.
//!
//! An employed searcher looks for a better job: it applies only where the offer would be at
//! least as good as its current job (wage minus commuting and border costs), its own node
//! included (another employer in the same region and sector), unless its job is at risk (under
//! notice with `[employers]`, else at a node whose demand is below its employment) or it
//! searches for a non-wage reason this step (probability `mechanics.non_wage_search`), in which
//! case it applies anywhere. Each application passes the employer's screening with a
//! probability that falls with the applicant's time without work (`Mechanics::screening`), and
//! is higher for an application to the sector of the applicant's last completed course
//! (`Model::trained_screen`); one that fails is not laid out (with `mechanics.interviews` its
//! expected number per node is tallied, as it still takes an interview: see `matching`), and
//! without interviews the scan does not list a searcher all of whose screens fail (`Screen`,
//! the screens drawn from this stage's stream a stage early); one that passes lands on a
//! uniformly chosen vacancy of its node and carries the key with which employers rank
//! applicants (uniform, or an exponential race weighted by age group). With one
//! node and one application this is the published model: each searcher applies to one
//! uniformly chosen vacancy.
//!
//! The weights over the reachable nodes depend on a searcher that no policy helps only through
//! its home, node, qualifications, languages, recognitions, diploma and last course, and
//! whether the floor applies (`WeightKey`); each chunk computes them once per key and step, with
//! the same arithmetic, so the output is unchanged.

use rayon::prelude::*;

use crate::agent::{Status, NONE_U8};
use crate::model::Model;
use crate::policy::Levers;
use crate::rng::{Draw, StageKey};
use crate::scenario::policy::Effect;
use crate::step::separations::worker_at_risk;
use crate::world::World;

/// One application: who sent it, to which vacancy slot, and the employer's ranking key
/// (the lowest key wins the slot).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Application {
    pub searcher: u32,
    pub slot: u32,
    pub key: u64,
}

/// What matching and apply need to know of a searcher, gathered while search reads the worker
/// (12 bytes: its yes-or-no facts share a byte).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SearcherInfo {
    pub node: u32,
    pub home: u16,
    pub status: u8,
    pub contract: u8,
    pub age: u8,
    /// Policy participation.
    pub flags: u8,
    /// [`SearcherInfo::LONG_TERM`], [`SearcherInfo::AT_RISK`], [`SearcherInfo::NON_WAGE`] and
    /// the months of an unemployed searcher's spell ([`SearcherInfo::MONTHS_1_6`],
    /// [`SearcherInfo::MONTHS_7_12`]).
    pub marks: u8,
}

const _: () = assert!(std::mem::size_of::<SearcherInfo>() == 12);

impl SearcherInfo {
    /// Long-term unemployed by the end of this step if not hired.
    pub const LONG_TERM: u8 = 1;
    /// Employed and at risk of losing the job (under notice with `[employers]`, else at a node
    /// whose demand is below its employment): accepts any offer.
    pub const AT_RISK: u8 = 2;
    /// Employed, not at risk, and searching for a non-wage reason this step: it applies
    /// anywhere and takes one of its offers at random, whatever it pays.
    pub const NON_WAGE: u8 = 4;
    /// Unemployed in months 1-6, or 7-12, of its spell (by the end of this step, as
    /// [`SearcherInfo::LONG_TERM`]): its hire counts in the job finding by time without work.
    pub const MONTHS_1_6: u8 = 8;
    pub const MONTHS_7_12: u8 = 16;

    pub fn long_term(&self) -> bool {
        self.marks & Self::LONG_TERM != 0
    }

    pub fn at_risk(&self) -> bool {
        self.marks & Self::AT_RISK != 0
    }

    pub fn non_wage(&self) -> bool {
        self.marks & Self::NON_WAGE != 0
    }
}

/// How many searchers ahead stage `search` asks for the columns of the searcher it will reach
/// ([`crate::world::Workers::prefetch_for_search`]).
const SEARCH_AHEAD: usize = 8;

/// The last step of month 6 and of month 12 of a spell: an unemployed worker whose spell (in
/// steps, to the end of the step) is at most the first is in months 1-6 of it, at most the
/// second in months 7-12.
pub fn spell_bands(s: &crate::scenario::Scenario) -> [u32; 2] {
    [s.months_to_steps(6), s.months_to_steps(12)]
}

/// Which months of time without work a spell of `spell` steps (to the end of the step) is in,
/// by the last steps [`spell_bands`] gives: 0 for months 1-6, 1 for months 7-12, `None` after.
#[inline(always)]
pub fn months_of(spell: u32, bands: [u32; 2]) -> Option<usize> {
    (spell <= bands[1]).then(|| usize::from(spell > bands[0]))
}

/// Search scratch: per-step weights and the applications of the step.
#[derive(Clone)]
pub struct SearchBuffers {
    /// `commute * border factor * v_k` for each reachable node of each home region.
    pub base: Vec<Vec<f64>>,
    /// First vacancy slot of each node; `slot_start[N]` is the total number of open vacancies.
    pub slot_start: Vec<u64>,
    /// The step's applications, chunk by chunk of searchers (in searcher order when read in
    /// chunk order); only the first `chunks` are the step's.
    chunk_apps: Vec<Vec<Application>>,
    chunks: usize,
    /// One entry per searcher, in the order of the searchers.
    pub info: Vec<SearcherInfo>,
    /// With `mechanics.interviews`, per node: the expected number of the step's applications
    /// that fail the screening, and the same weighted by the employer's ranking weight of
    /// each (read only when employers rank by the exponential race). Failed applications are
    /// not laid out; matching needs only how many rank ahead of a slot's first passing
    /// applicant.
    pub failed: Vec<[f64; 2]>,
    chunk_failed: Vec<Vec<[f64; 2]>>,
}

impl SearchBuffers {
    pub fn new(model: &Model) -> SearchBuffers {
        SearchBuffers {
            base: vec![Vec::new(); model.n_regions],
            slot_start: vec![0; model.n_nodes + 1],
            chunk_apps: Vec::new(),
            chunks: 0,
            info: Vec::new(),
            failed: vec![[0.0; 2]; model.n_nodes],
            chunk_failed: Vec::new(),
        }
    }

    /// The step's applications, in the order the searchers sent them.
    pub fn applications(&self) -> impl Iterator<Item = &Application> {
        self.chunk_apps[..self.chunks].iter().flatten()
    }

    pub fn bytes(&self) -> usize {
        let app = std::mem::size_of::<Application>();
        self.chunk_apps
            .iter()
            .map(|a| a.capacity() * app)
            .sum::<usize>()
            + self.info.capacity() * std::mem::size_of::<SearcherInfo>()
            + (self.failed.capacity() + self.chunk_failed.iter().map(Vec::capacity).sum::<usize>())
                * 16
    }
}

/// What a searcher's weights over the reachable nodes depend on when no policy helps it: its
/// home, its node (on the job, for the utility an offer must reach) or, without that floor,
/// only the sector it comes from, whether the floor applies, and what it holds ([`Holdings`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct WeightKey(u64, u64);

/// What a searcher holds that its weights read: qualifications, languages, recognitions,
/// diploma country, and the sector of a completed course whose jobs it weighs up
/// (`training.course_sector_weight`; [`NONE_U8`] when that weight is 1 or it has none).
#[derive(Clone, Copy)]
struct Holdings {
    quals: u32,
    langs: u8,
    recognised: u8,
    diploma: u8,
    course: u8,
}

impl WeightKey {
    fn new(home: usize, node: u32, floor: bool, held: Holdings) -> WeightKey {
        WeightKey(
            (home as u64) << 33 | u64::from(node) << 1 | u64::from(floor),
            u64::from(held.quals) << 32
                | u64::from(held.course) << 24
                | u64::from(held.langs) << 16
                | u64::from(held.recognised) << 8
                | u64::from(held.diploma),
        )
    }
}

/// A hasher for [`WeightKey`]: two SplitMix rounds, no per-process seed.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = crate::rng::mix64(self.0 ^ x);
    }
}

type WeightCache =
    std::collections::HashMap<WeightKey, (usize, f64), std::hash::BuildHasherDefault<KeyHasher>>;

/// Whether employers rank applicants by an exponential race (age weights, or an active policy
/// weighting its participants) rather than by uniform keys; the race with equal weights gives
/// the same order.
pub fn raced(model: &Model, levers: &Levers) -> bool {
    model.employer_weights.is_some()
        || (levers.open != 0 && levers.effects.iter().any(|e| e.employer_weight != 1.0))
}

/// Where a searcher's applications start: its stream of stage `search`, after the draw of a
/// non-wage reason for an employee's search (drawn only when one can be, so that the published
/// rules draw as before), and its screen (docs/MODEL.md 7.7): the pass `pass` of an
/// application, the higher `high` of one to the sector of its last course, and the
/// applications `sent`. Stage `search` lays the applications out from it; the scan asks
/// [`Screen::sends`] before it counts a worker among the searchers.
pub struct Screen {
    pub rs: crate::rng::Stream,
    pub non_wage_reason: bool,
    pub pass: f64,
    pub high: f64,
    pub sent: usize,
}

impl Screen {
    /// Searcher `i`'s screen this step (`key`: the step's [`Draw::Applications`] key), from its
    /// status, its policy flags (0 unless a policy with participants is in its window),
    /// whether its job is at risk and its time without work.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub fn of(
        model: &Model,
        levers: &Levers,
        w: &crate::world::Workers,
        key: StageKey,
        i: usize,
        status: u8,
        flags: u8,
        risky: bool,
        spell: u32,
    ) -> Screen {
        let mechanics = &model.scenario.mechanics;
        let non_wage = mechanics.non_wage_search;
        let mut rs = key.stream(i as u32);
        let on_the_job = status == Status::Employed as u8 && !risky;
        let non_wage_reason = on_the_job && non_wage > 0.0 && rs.unit() < non_wage;
        // An application to the sector of the worker's last course passes at `trained_screen`
        // times the rate: the screen is drawn at the higher rate, and one to another sector is
        // then kept with probability `pass / high` (no draw for workers without a course, so
        // that they draw as before).
        let pass = mechanics.screening(spell);
        let trained = w.trained[i];
        let high = if trained != NONE_U8 {
            (pass * model.trained_screen[trained as usize & 31]).min(1.0)
        } else {
            pass
        };
        let extra = if flags & levers.active != 0 {
            levers.effect(flags).extra_applications as usize
        } else {
            0
        };
        Screen {
            rs,
            non_wage_reason,
            pass,
            high,
            sent: mechanics.applications as usize + extra,
        }
    }

    /// Whether any of the applications passes the screen. Each application's first draw is
    /// its screen, so a copy of the stream tells before anything else about it is read: a
    /// searcher whose every screen fails (three in four at the default's pass) sends nothing,
    /// whatever its weights.
    #[inline]
    pub fn sends(&self) -> bool {
        if self.high >= 1.0 {
            return true;
        }
        let mut peek = self.rs.clone();
        (0..self.sent).any(|_| peek.unit() < self.high)
    }
}

/// The step's applications of `searchers` to the vacancies `vac` each node opens to them this
/// step (with `[employers]`, those that reach a hiring decision, docs/MODEL.md 7.10).
#[allow(clippy::too_many_arguments)]
pub fn applications(
    model: &Model,
    world: &World,
    t: u32,
    now: u16,
    vac: &[u64],
    at_risk: &[bool],
    levers: &Levers,
    searchers: &[u32],
    buf: &mut SearchBuffers,
) {
    let s = &model.scenario;
    let nr = model.n_regions;
    let nc = model.n_countries;
    let mut total = 0u64;
    for (start, &v) in buf.slot_start.iter_mut().zip(vac) {
        *start = total;
        total += v;
    }
    buf.slot_start[model.n_nodes] = total;
    let geo = levers.geo(model);
    for (h, reach) in geo.reachable.iter().enumerate() {
        let ch = model.region_country[h] as usize;
        buf.base[h].clear();
        buf.base[h].extend(reach.iter().map(|&k| {
            let k = k as usize;
            let r = model.node_region[k] as usize;
            let ck = model.node_country[k] as usize;
            geo.commute[h * nr + r] * geo.border_factor[ch * nc + ck] * vac[k] as f64
        }));
    }

    let key = StageKey::new(s.simulation.seed, world.replication, t, Draw::Applications);
    let mechanics = &s.mechanics;
    let unqualified = &model.unqualified;
    let language_weight = s.border.language_weight;
    let unrecognised = s.border.unrecognised_weight;
    let course_weight = s.training.course_sector_weight;
    let ns = model.n_sectors;
    let w = &world.workers;
    let base = &buf.base;
    let slot_start = &buf.slot_start;
    // Employers rank applicants uniformly unless ages are weighted or a policy weights its
    // participants; the exponential race with equal weights gives the same order.
    // Participation is read while any policy with participants is in its window (a stopped
    // one still settles its participants' hires); it helps only under an active one.
    let participants = levers.open != 0;
    let raced = raced(model, levers);
    let age_weights = model.employer_weights.unwrap_or([1.0; 3]);
    let nc_u = model.n_countries;

    let long_term = s.mechanics.long_term_steps;
    let bands = spell_bands(s);
    let employers = s.employers.is_some();
    let interviews = mechanics.interviews > 0;
    // Searchers per parallel work item. The interview tallies are summed chunk by chunk, so
    // with interviews the chunk is the fixed one; without, nothing depends on it (each chunk
    // computes the same weights by the same arithmetic): four chunks a thread, so that a kind
    // of searcher's weights are computed in few chunks (on the national scenario at scale
    // 0.25, 48 000 times a step uncapped, 72 000 with chunks of 4 096), between an eighth of
    // the fixed chunk (a step's few searchers still spread over the threads) and half of it
    // (larger chunks hold larger weight caches at once: 30 MB more peak memory there for
    // 0.2 s less of `search`).
    let chunk = if interviews {
        crate::chunks::CHUNK
    } else {
        searchers
            .len()
            .div_ceil(4 * rayon::current_num_threads())
            .clamp(crate::chunks::CHUNK / 8, crate::chunks::CHUNK / 2)
    };
    let chunks = searchers.len().div_ceil(chunk);
    if buf.chunk_apps.len() < chunks {
        buf.chunk_apps.resize_with(chunks, Vec::new);
    }
    // Without interviews the per-chunk tallies stay empty and are never touched.
    if buf.chunk_failed.len() < chunks {
        buf.chunk_failed.resize_with(chunks, Vec::new);
    }
    buf.info.clear();
    crate::chunks::reserve_for(&mut buf.info, searchers.len());
    buf.info.resize(searchers.len(), SearcherInfo::default());
    buf.chunk_apps[..chunks]
        .par_iter_mut()
        .zip(buf.info.par_chunks_mut(chunk))
        .zip(buf.chunk_failed[..chunks].par_iter_mut())
        .enumerate()
        .for_each(|(c, ((out, info), failed))| {
            out.clear();
            if interviews {
                failed.clear();
                failed.resize(model.n_nodes, [0.0; 2]);
            }
            let mut weights: Vec<f64> = Vec::new();
            // Per key, where its cumulative weights start in `store`, and their sum.
            let mut cache: WeightCache = WeightCache::default();
            let mut store: Vec<f64> = Vec::new();
            let lo = c * chunk;
            let hi = ((c + 1) * chunk).min(searchers.len());
            // The last key looked up, so that runs of searchers alike skip the map.
            let mut last: Option<(WeightKey, usize, f64)> = None;
            for (idx, &id) in searchers[lo..hi].iter().enumerate() {
                if let Some(&ahead) = searchers[lo..hi].get(idx + SEARCH_AHEAD) {
                    w.prefetch_for_search(ahead as usize);
                }
                let i = id as usize;
                let status = w.status[i];
                let flags = if participants { w.flags[i] } else { 0 };
                let risky =
                    status == Status::Employed as u8 && worker_at_risk(employers, w, at_risk, i);
                // Time without work (0 for the employed): the long-term threshold and the screen.
                let spell = if status == Status::Unemployed as u8 {
                    u32::from(now - w.spell_start[i])
                } else {
                    0
                };
                // Whether a policy helps this searcher; the common case skips all policy terms.
                let helped = participants && flags & levers.active != 0;
                let effect = if helped {
                    levers.effect(flags)
                } else {
                    &Effect::NONE
                };
                let nn = model.n_nodes;
                // The utility an offer must reach is the current job's, for employed searchers
                // whose job is not at risk, unless they search for a non-wage reason this step.
                // An application that fails the employer's screen changes nothing, so it is
                // dropped before it is laid out (no draw when every application passes).
                let on_the_job = status == Status::Employed as u8 && !risky;
                let screen = Screen::of(model, levers, w, key, i, status, flags, risky, spell);
                // Without interviews the scan has already left out a searcher whose every
                // application fails the screen ([`Screen::sends`]); this keeps the stage exact
                // for any list of searchers. Nothing reads such a searcher's stream or its info
                // (matching and `apply` read the info of searchers with applications).
                if !interviews && !screen.sends() {
                    continue;
                }
                let Screen {
                    mut rs,
                    non_wage_reason,
                    pass,
                    high,
                    sent,
                } = screen;
                let trained = w.trained[i];
                // The sector whose jobs the worker weighs up for its course, if any.
                let course = if course_weight != 1.0 {
                    trained
                } else {
                    NONE_U8
                };
                let h = w.home[i] as usize;
                let own = u32::from(w.node[i]);
                info[idx] = SearcherInfo {
                    node: own,
                    home: h as u16,
                    status,
                    contract: w.contract[i],
                    age: w.age[i],
                    flags,
                    marks: if status == Status::Unemployed as u8 {
                        let long = if spell >= long_term {
                            SearcherInfo::LONG_TERM
                        } else {
                            0
                        };
                        long | match months_of(spell, bands) {
                            Some(0) => SearcherInfo::MONTHS_1_6,
                            Some(_) => SearcherInfo::MONTHS_7_12,
                            None => 0,
                        }
                    } else {
                        0
                    } | if risky { SearcherInfo::AT_RISK } else { 0 },
                };
                if non_wage_reason {
                    info[idx].marks |= SearcherInfo::NON_WAGE;
                }
                let floor = if on_the_job && !non_wage_reason {
                    geo.utility[h * nn + own as usize]
                } else {
                    f64::NEG_INFINITY
                };
                let from = model.node_sector[own as usize] as usize;
                let (quals, langs, recognised) = (w.quals[i], w.langs[i], w.recognised[i]);
                let ch = model.region_country[h];
                let diploma = w.diploma[i];
                // The cumulative weights of the reachable nodes: `weights[p]` sums those of the
                // first `p + 1` of `geo.reachable[h]`. They depend on the worker only through
                // the key below unless a policy helps it, so a chunk computes them once per key.
                let fill = |out: &mut Vec<f64>| -> f64 {
                    // Every factor is applied in the same order whether or not it differs
                    // from 1 (a product by 1.0 is exact), so that the loop has no branch that
                    // depends on the node: the factors of the key's sectors first.
                    let mut by_sector = [(0.0, 1.0); 32];
                    for (sk, f) in by_sector.iter_mut().enumerate().take(ns) {
                        f.0 = model.mobility[from * ns + sk];
                        if sk == course as usize {
                            f.0 *= course_weight;
                        }
                        if quals & (1 << sk) == 0 {
                            f.1 = unqualified[sk];
                        }
                    }
                    let utility = &geo.utility[h * nn..(h + 1) * nn];
                    let free = &levers.step.recognition_free[diploma as usize * nc_u..];
                    let mut sum = 0.0;
                    out.reserve(geo.reachable[h].len());
                    for (&k, &b) in geo.reachable[h].iter().zip(&base[h]) {
                        let ku = k as usize;
                        let sk = model.node_sector[ku] as usize & 31;
                        let ck = model.node_country[ku];
                        let (mobility, qualification) = by_sector[sk];
                        let mut x = b * mobility;
                        if helped && sk != from {
                            x *= effect.sector_weight;
                            if effect.plan_from & (1 << from) != 0
                                && effect.plan_to & (1 << sk) != 0
                            {
                                x *= effect.plan_weight;
                            }
                        }
                        x *= qualification;
                        // A job in a language the worker does not speak: across a border, or
                        // at home in a region of another language (Liege for a Flemish
                        // worker); never at home otherwise, where every resident speaks the
                        // country's languages.
                        x *= if langs & model.node_languages[ku] == 0 {
                            language_weight
                        } else {
                            1.0
                        };
                        let foreign = ck != ch;
                        let unrecognised_here = foreign
                            && model.regulated_mask & (1 << sk) != 0
                            && recognised & (1 << ck) == 0
                            && free[ck as usize] & (1 << sk) == 0;
                        x *= if unrecognised_here { unrecognised } else { 1.0 };
                        if helped && foreign && effect.awareness > 0.0 {
                            let aware = geo.awareness[ch as usize * nc_u + ck as usize];
                            if effect.awareness > aware && aware > 0.0 {
                                x *= effect.awareness / aware;
                            }
                        }
                        let open = b > 0.0 && utility[ku] >= floor;
                        sum += if open { x } else { 0.0 };
                        out.push(sum);
                    }
                    sum
                };
                let (cum, sum): (&[f64], f64) = if helped {
                    weights.clear();
                    let sum = fill(&mut weights);
                    (&weights, sum)
                } else {
                    // Without a floor the weights read the node only for its sector, so
                    // searchers who come from the same sector in different regions share them.
                    let floored = !floor.is_infinite();
                    let key = WeightKey::new(
                        h,
                        if floored { own } else { from as u32 },
                        floored,
                        Holdings {
                            quals,
                            langs,
                            recognised,
                            diploma,
                            course,
                        },
                    );
                    let (start, sum) = match last {
                        Some((k, start, sum)) if k == key => (start, sum),
                        _ => {
                            let hit = match cache.get(&key) {
                                Some(&hit) => hit,
                                None => {
                                    let start = store.len();
                                    let sum = fill(&mut store);
                                    cache.insert(key, (start, sum));
                                    (start, sum)
                                }
                            };
                            last = Some((key, hit.0, hit.1));
                            hit
                        }
                    };
                    (&store[start..start + geo.reachable[h].len()], sum)
                };
                if sum <= 0.0 {
                    continue;
                }
                let employer_weight = if raced {
                    age_weights[w.age[i] as usize] * effect.employer_weight
                } else {
                    1.0
                };
                if interviews && pass < 1.0 {
                    // The applications that will fail, in expectation per node: they rank
                    // ahead of passing ones as often as their keys are lower (matching).
                    let mut before = 0.0;
                    for (&k, &c) in geo.reachable[h].iter().zip(cum) {
                        let share = (c - before) / sum;
                        before = c;
                        if share > 0.0 {
                            let p = if model.node_sector[k as usize] == trained {
                                high
                            } else {
                                pass
                            };
                            let n = sent as f64 * share * (1.0 - p);
                            let node = &mut failed[k as usize];
                            node[0] += n;
                            node[1] += n * employer_weight;
                        }
                    }
                }
                for _ in 0..sent {
                    if high < 1.0 && rs.unit() >= high {
                        continue;
                    }
                    let u = rs.unit() * sum;
                    let pos = cum.partition_point(|&c| c <= u).min(cum.len() - 1);
                    let k = geo.reachable[h][pos] as usize;
                    if high > pass && model.node_sector[k] != trained && rs.unit() * high >= pass {
                        continue;
                    }
                    let v = vac[k];
                    let slot = slot_start[k] + u64::from(rs.below(v as u32));
                    let draw = rs.next_word();
                    let key = if raced {
                        let u = crate::rng::unit_f64(draw);
                        (-libm::log(1.0 - u) / employer_weight).to_bits()
                    } else {
                        draw
                    };
                    out.push(Application {
                        searcher: (lo + idx) as u32,
                        slot: slot as u32,
                        key,
                    });
                }
            }
            crate::chunks::trim(out);
        });
    buf.chunks = chunks;
    buf.failed.clear();
    buf.failed.resize(model.n_nodes, [0.0; 2]);
    if interviews {
        // Summed in chunk order, so the totals do not depend on the number of threads.
        for chunk in &buf.chunk_failed[..chunks] {
            for (total, node) in buf.failed.iter_mut().zip(chunk) {
                total[0] += node[0];
                total[1] += node[1];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Holdings, WeightKey};

    /// Two searchers share cached weights only when everything the weights read is the same:
    /// changing any one field, even to its largest value, changes the key.
    #[test]
    fn a_weight_key_tells_every_field_apart() {
        let held = |quals, langs, recognised, diploma, course| Holdings {
            quals,
            langs,
            recognised,
            diploma,
            course,
        };
        let base = WeightKey::new(3, 70, true, held(0b101, 1, 2, 0, 4));
        let changed = [
            WeightKey::new(4, 70, true, held(0b101, 1, 2, 0, 4)),
            WeightKey::new(3, 71, true, held(0b101, 1, 2, 0, 4)),
            WeightKey::new(3, u32::MAX, true, held(0b101, 1, 2, 0, 4)),
            WeightKey::new(3, 70, false, held(0b101, 1, 2, 0, 4)),
            WeightKey::new(3, 70, true, held(0b100, 1, 2, 0, 4)),
            WeightKey::new(3, 70, true, held(u32::MAX, 1, 2, 0, 4)),
            WeightKey::new(3, 70, true, held(0b101, 3, 2, 0, 4)),
            WeightKey::new(3, 70, true, held(0b101, 1, 255, 0, 4)),
            WeightKey::new(3, 70, true, held(0b101, 1, 2, 255, 4)),
            WeightKey::new(3, 70, true, held(0b101, 1, 2, 0, 5)),
            WeightKey::new(3, 70, true, held(0b101, 1, 2, 0, 255)),
        ];
        for (n, k) in changed.iter().enumerate() {
            assert!(*k != base, "change {n} kept the key");
        }
        assert!(base == WeightKey::new(3, 70, true, held(0b101, 1, 2, 0, 4)));
    }
}
