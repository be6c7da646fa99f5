//! The state of one replication: the workers (struct-of-arrays, `u32` ids), the per-node
//! vacancies and demand base, the employers (with `[employers]`) and the policies' books.
//! Plain data; the step's scratch lives in [`crate::step::Stepper`].
//!
//! Time inside the world is a `u16` clock ([`crate::agent`]) that starts at [`CLOCK_ORIGIN`], so
//! that initial unemployment spells can have begun before the first step.

pub mod book;
pub mod census;
pub mod employers;

pub use book::Book;
pub use employers::{Employers, NO_EMPLOYER, NO_LOCAL};

use rayon::prelude::*;

use crate::agent::{Status, CLOCK_ORIGIN, NONE_U8};
use crate::metrics::{node, Census};
use crate::model::{Model, NodeId};
use crate::rng::{stochastic_round, Draw, StageKey};
use crate::scenario::DemandBase;

// A worker's node fits its two bytes in every valid scenario.
const _: () = assert!(crate::scenario::MAX_NODES <= 1 << 16);

/// A node as a worker stores it, in two bytes (every valid scenario's nodes fit them).
#[inline]
pub fn stored(node: NodeId) -> u16 {
    debug_assert!((node as usize) < crate::scenario::MAX_NODES);
    node as u16
}

/// Every worker agent, one entry per agent in each array (26 bytes per worker).
#[derive(Clone, Debug, Default)]
pub struct Workers {
    pub status: Vec<u8>,
    /// Contract type of the current (or last) job: see [`crate::scenario::Contract`].
    pub contract: Vec<u8>,
    /// Age group: see [`crate::scenario::AgeGroup`].
    pub age: Vec<u8>,
    pub home: Vec<u16>,
    /// Current node if employed, else the last node (the node whose labour force the worker is
    /// in), in two bytes ([`crate::scenario::MAX_NODES`] nodes at most): the column every stage
    /// reads, so its width is memory traffic.
    pub node: Vec<u16>,
    /// Sectors the worker is qualified for (bit set).
    pub quals: Vec<u32>,
    /// Languages spoken (bit set over the scenario's languages).
    pub langs: Vec<u8>,
    pub diploma: Vec<u8>,
    /// Countries where the diploma is recognised (bit set; always holds the diploma country).
    pub recognised: Vec<u8>,
    /// Clock at which the current spell (job, unemployment or course) began.
    pub spell_start: Vec<u16>,
    /// Sector being trained for, or [`NONE_U8`].
    pub train_target: Vec<u8>,
    /// Sector of the last completed course, or [`NONE_U8`]: employers screen applications to
    /// it with `training.screening_gain_per_year`.
    pub trained: Vec<u8>,
    /// Country of a pending recognition procedure, or [`NONE_U8`], and its end clock.
    pub recog_target: Vec<u8>,
    pub recog_until: Vec<u16>,
    /// Policy participation: bit p set while the worker takes part in policy p.
    pub flags: Vec<u8>,
    /// Employer of an employed worker, as its index among the employers of the worker's node
    /// ([`NO_LOCAL`] otherwise, and always without `[employers]`): read and write it through
    /// [`Employers::of_worker`] and [`Employers::local`]. Two bytes instead of four keeps a
    /// worker within its memory budget.
    pub employer: Vec<u16>,
    /// Clock at which a notice of dismissal takes effect, or 0 when the worker has none.
    pub notice_until: Vec<u16>,
}

impl Workers {
    pub fn len(&self) -> usize {
        self.status.len()
    }

    /// Ask the processor to start loading the columns an event of `apply` other than a hire
    /// (a separation, retirement, move to or from inactivity, dismissal, entry or ageing) reads
    /// for worker `i`, their census entry and the employer: as for hires, a hint only.
    #[inline(always)]
    pub fn prefetch_for_event(&self, i: usize) {
        self.event_lines().fetch(i);
    }

    /// Ask the processor to start loading the columns stage `search` reads for searcher `i`, a
    /// few searchers ahead of the one whose applications are being drawn (the searchers are
    /// sparse in id order, so each column of each is a cache line of its own). A hint only.
    #[inline(always)]
    pub fn prefetch_for_search(&self, i: usize) {
        if i < self.status.len() {
            prefetch(self.status.as_ptr().wrapping_add(i));
            prefetch(self.flags.as_ptr().wrapping_add(i));
            prefetch(self.spell_start.as_ptr().wrapping_add(i));
            prefetch(self.notice_until.as_ptr().wrapping_add(i));
            prefetch(self.trained.as_ptr().wrapping_add(i));
            prefetch(self.home.as_ptr().wrapping_add(i));
            prefetch(self.node.as_ptr().wrapping_add(i));
            prefetch(self.contract.as_ptr().wrapping_add(i));
            prefetch(self.age.as_ptr().wrapping_add(i));
            prefetch(self.quals.as_ptr().wrapping_add(i));
            prefetch(self.langs.as_ptr().wrapping_add(i));
            prefetch(self.recognised.as_ptr().wrapping_add(i));
            prefetch(self.diploma.as_ptr().wrapping_add(i));
        }
    }

    /// Where an event's columns are, for [`EventLines::fetch`] while the workers are borrowed
    /// to be changed (the columns must not grow meanwhile; a stale address is only a wasted
    /// hint).
    #[inline(always)]
    pub fn event_lines(&self) -> EventLines {
        EventLines {
            len: self.len(),
            status: self.status.as_ptr(),
            contract: self.contract.as_ptr(),
            age: self.age.as_ptr(),
            node: self.node.as_ptr(),
            home: self.home.as_ptr(),
            spell_start: self.spell_start.as_ptr(),
            flags: self.flags.as_ptr(),
            employer: self.employer.as_ptr(),
            notice_until: self.notice_until.as_ptr(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }

    /// Bytes of one worker's columns: what [`Workers::bytes`] holds per worker of a world built
    /// with exactly its workers (a test checks it).
    pub const BYTES_PER_WORKER: usize = 26;

    /// Heap bytes held by the worker arrays.
    pub fn bytes(&self) -> usize {
        self.status.capacity()
            + self.contract.capacity()
            + self.age.capacity()
            + self.home.capacity() * 2
            + self.node.capacity() * 2
            + self.quals.capacity() * 4
            + self.langs.capacity()
            + self.diploma.capacity()
            + self.recognised.capacity()
            + self.spell_start.capacity() * 2
            + self.train_target.capacity()
            + self.trained.capacity()
            + self.recog_target.capacity()
            + self.recog_until.capacity() * 2
            + self.flags.capacity()
            + self.employer.capacity() * 2
            + self.notice_until.capacity() * 2
    }

    /// Whether worker `i` is under notice of dismissal.
    #[inline]
    pub fn under_notice(&self, i: usize) -> bool {
        self.notice_until[i] != 0
    }
}

/// The workers of one home region and sector at the start, ids `first..first + len`: the
/// unemployed first, then the rest of the labour force (employed), those attached to it
/// (available), and those outside it (inactive).
struct Block {
    home: usize,
    sector: usize,
    first: u64,
    unemployed: u64,
    labour_force: u64,
    attached: u64,
    len: u64,
}

/// What [`World::new`] needs to draw a worker: the blocks, in id order, and each region's
/// commuting destinations with their shares.
struct Init<'a> {
    model: &'a Model,
    key: StageKey,
    long_term: f64,
    dests: &'a [Vec<(usize, f64)>],
    blocks: &'a [Block],
}

impl Init<'_> {
    /// Draw the workers of `range` (every column), each from its own stream.
    fn fill(&self, range: &mut WorkerRange) {
        let s = &self.model.scenario;
        let ages = [s.ages[0].share, s.ages[1].share, s.ages[2].share];
        let (start, end) = (
            range.start as u64,
            (range.start + range.status.len()) as u64,
        );
        let mut b = self.blocks.partition_point(|b| b.first + b.len <= start);
        for id in start..end {
            while id >= self.blocks[b].first + self.blocks[b].len {
                b += 1;
            }
            let block = &self.blocks[b];
            let (h, sector, k) = (block.home, block.sector, id - block.first);
            let region = &s.regions[h];
            let country = region.country;
            let mut rs = self.key.stream(id as u32);
            let is_available = (block.labour_force..block.attached).contains(&k);
            let is_inactive = k >= block.attached;
            let is_unemployed = k < block.unemployed;
            let mut work_region = h;
            if !is_unemployed && !is_available && !is_inactive {
                let mut u = rs.unit();
                for &(dest, share) in &self.dests[h] {
                    if u < share {
                        work_region = dest;
                        break;
                    }
                    u -= share;
                }
            }
            let contract = pick(rs.unit(), &s.sectors[sector].contract_shares);
            let age = pick(rs.unit(), &ages);
            let age = if is_inactive { 2 } else { age };
            let mut langs = 0u8;
            for (li, share) in region.language_skills.iter().enumerate() {
                if *share >= 1.0 || rs.chance(*share) {
                    langs |= 1 << li;
                }
            }
            let spell = if is_unemployed {
                // Initial spells: geometric with mean long_term / 2 steps, at least 1.
                let p = (2.0 / self.long_term).min(1.0);
                let g = (libm::log(1.0 - rs.unit()) / libm::log1p(-p)).floor();
                1 + g.min(f64::from(CLOCK_ORIGIN) - 1.0) as u16
            } else {
                1 + rs.below(60) as u16
            };
            let i = range.at(id as u32);
            range.status[i] = if is_inactive {
                Status::Inactive as u8
            } else if is_available {
                Status::Available as u8
            } else if is_unemployed {
                Status::Unemployed as u8
            } else {
                Status::Employed as u8
            };
            range.contract[i] = contract as u8;
            range.age[i] = age as u8;
            range.home[i] = h as u16;
            range.node[i] = stored(self.model.node(work_region, sector));
            range.quals[i] = 1 << sector;
            range.langs[i] = langs;
            range.diploma[i] = country as u8;
            range.recognised[i] = 1 << country;
            range.spell_start[i] = CLOCK_ORIGIN - spell.min(CLOCK_ORIGIN);
            range.train_target[i] = NONE_U8;
            range.trained[i] = NONE_U8;
            range.recog_target[i] = NONE_U8;
            range.recog_until[i] = 0;
            range.flags[i] = 0;
            range.employer[i] = NO_LOCAL;
            range.notice_until[i] = 0;
        }
    }
}

/// The mutable state of one replication.
#[derive(Clone)]
pub struct World {
    pub replication: u32,
    /// Steps completed so far (0 before the first step).
    pub step: u32,
    pub workers: Workers,
    /// Open vacancies per node, in agent units.
    pub vacancies: Vec<u64>,
    /// Base demand per node, in agent units; the demand path multiplies it.
    pub demand_base: Vec<f64>,
    /// The employers of each node (empty without `[employers]`).
    pub employers: Employers,
    /// The stocks as they stand (end of the last step). The step keeps it up to date event by
    /// event; [`census::count`] recounts it from the workers.
    pub census: Census,
    /// The policies' books: spending, budgets, participants and the flows of the last step.
    pub book: Book,
    /// Who entered each policy and who was placed, kept only for an evaluation (`None`
    /// otherwise; see [`crate::evaluate`]).
    pub register: Option<Register>,
}

/// Every enrolment and placement of a run, in the order they happened, as
/// `(worker, policy, step)`, and every course start: what an evaluation needs to find each
/// participant's counterfactual self in the baseline and what it did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Register {
    pub enrolments: Vec<(u32, u8, u32)>,
    /// A hire that ends participation in a policy still running (a placement in its books).
    pub placements: Vec<(u32, u8, u32)>,
    /// `(worker, step)`: every course started, full-time or beside work, whoever pays (the
    /// baseline's too), so that an evaluation can tell a trainee whose counterfactual self
    /// took the same course anyway.
    pub course_starts: Vec<(u32, u32)>,
}

impl World {
    /// Build the initial population of `replication`: labour force, sector mix, unemployment,
    /// commuting, contracts, ages, languages and vacancies as the scenario gives them.
    pub fn new(model: &Model, replication: u32) -> World {
        let s = &model.scenario;
        let seed = s.simulation.seed;
        let key = StageKey::new(seed, replication, 0, Draw::Init);
        let ns = model.n_sectors;
        // The workers come in blocks of one home region and sector, each laid out as its
        // unemployed, employed, available (attached to the labour force) and inactive; every
        // worker's draws come from its own stream, so the blocks are filled in parallel.
        let lead = s.growth_lead_steps() > 0;
        let mut blocks = Vec::new();
        let mut next_id = 0u64;
        for (h, region) in s.regions.iter().enumerate() {
            let n = s.agents(region.labour_force);
            // With a growth lead at the end of the burn-in, each sector starts as much smaller
            // as its demand will grow over the lead, and the region's labour force with them.
            let per_sector = if lead {
                let kept = (n as f64 * s.growth_lead_kept(h)).round() as u64;
                largest_remainder(kept, &s.growth_lead_shares(h))
            } else {
                largest_remainder(n, &region.sector_shares)
            };
            // Those outside the labour force (with `[population]`): retired, the pool school
            // leavers enter from.
            let pool = largest_remainder(s.pool_agents(h), &region.sector_shares);
            // Those attached to it (available), as the unemployed are spread over sectors.
            let available = largest_remainder(s.available_agents(h), &region.sector_shares);
            for (sector, &count) in per_sector.iter().enumerate() {
                let block = Block {
                    home: h,
                    sector,
                    first: next_id,
                    unemployed: (count as f64 * region.unemployment_rate).round() as u64,
                    labour_force: count,
                    attached: count + available[sector],
                    len: count + available[sector] + pool[sector],
                };
                next_id += block.len;
                blocks.push(block);
            }
        }
        let n = usize::try_from(next_id).expect("the workers fit the address space");
        let mut w = Workers::zeroed(n);
        // Commuting destinations of each region's employed, with cumulative shares.
        let dests: Vec<Vec<(usize, f64)>> = (0..s.regions.len())
            .map(|h| {
                s.commuting
                    .initial
                    .iter()
                    .filter(|c| c.0 == h)
                    .map(|c| (c.1, c.2))
                    .collect()
            })
            .collect();
        let init = Init {
            model,
            key,
            long_term: f64::from(s.mechanics.long_term_steps),
            dests: &dests,
            blocks: &blocks,
        };
        let parts = n.div_ceil(crate::chunks::CHUNK).min(64);
        let cuts: Vec<usize> = (1..parts).map(|k| k * n / parts).collect();
        w.ranges(&cuts)
            .into_par_iter()
            .for_each(|mut range| init.fill(&mut range));

        // The stocks as built (nothing below changes a column the census reads), and from
        // them each node's employed and those attached to it (unemployed or in a course).
        let mut stocks = Census::new(model.n_nodes, model.n_regions, model.n_countries);
        census::count(model, &w, CLOCK_ORIGIN, &mut Vec::new(), &mut stocks);
        let employed: Vec<u64> = stocks.by_node.iter().map(|c| c[node::EMPLOYED]).collect();
        let attached: Vec<u64> = (stocks.by_node.iter())
            .map(|c| c[node::UNEMPLOYED] + c[node::TRAINING])
            .collect();
        // Vacancies: each node starts at its sector's vacancy rate v / (v + e).
        let vkey = StageKey::new(seed, replication, 0, Draw::InitialVacancies);
        let vacancies: Vec<u64> = (0..model.n_nodes)
            .map(|j| {
                let rate = s.sectors[j % ns].vacancy_rate;
                let expected = employed[j] as f64 * rate / (1.0 - rate);
                stochastic_round(&mut vkey.stream(j as u32), expected)
            })
            .collect();
        let demand_base = (0..model.n_nodes)
            .map(|j| match s.demand.base {
                DemandBase::LabourForce => (employed[j] + attached[j]) as f64,
                DemandBase::Jobs => (employed[j] + vacancies[j]) as f64,
            })
            .collect();
        let employers = match &s.employers {
            Some(params) => {
                let nodes: Vec<Option<NodeId>> = (0..w.len())
                    .map(|i| {
                        (w.status[i] == Status::Employed as u8).then_some(u32::from(w.node[i]))
                    })
                    .collect();
                let (employers, employer) =
                    Employers::initial(model, replication, params.mean_size, &nodes, &vacancies);
                w.employer = employer
                    .iter()
                    .map(|&f| {
                        if f == NO_EMPLOYER {
                            NO_LOCAL
                        } else {
                            employers.local(f)
                        }
                    })
                    .collect();
                employers
            }
            None => Employers::default(),
        };
        World {
            replication,
            step: 0,
            workers: w,
            vacancies,
            demand_base,
            employers,
            census: stocks,
            book: Book::new(model),
            register: None,
        }
    }

    /// Recount the census from the workers (`chunks` is per-chunk scratch).
    pub fn recount(&mut self, model: &Model, chunks: &mut Vec<Census>) {
        let mut total = std::mem::take(&mut self.census);
        census::count(model, &self.workers, self.clock(), chunks, &mut total);
        self.census = total;
    }

    /// Set the clock back to step 0 after a burn-in of `self.step` steps: every clock a worker
    /// holds moves back by as many steps (spells that began before the oldest clock keep
    /// their start at the oldest), so that spells, notices and procedures keep their length.
    pub fn rewind(&mut self) {
        let steps = self.step as u16;
        let w = &mut self.workers;
        for x in w.spell_start.iter_mut().chain(w.recog_until.iter_mut()) {
            *x = x.saturating_sub(steps);
        }
        for x in w.notice_until.iter_mut().filter(|x| **x != 0) {
            *x -= steps;
        }
        self.step = 0;
    }

    /// This world, for the scenario of `model`: the same workers, employers and stocks, with
    /// the policies' books of that scenario, empty (a world taken from a burn-in another
    /// scenario ran: [`crate::run::BurntIn`]).
    pub fn for_scenario(&self, model: &Model) -> World {
        World {
            book: Book::new(model),
            register: None,
            ..self.clone()
        }
    }

    pub fn clock(&self) -> u16 {
        CLOCK_ORIGIN + self.step as u16
    }
}

/// Index of the bucket `u` (uniform in [0, 1)) falls in, for weights summing to about 1.
pub fn pick(mut u: f64, weights: &[f64]) -> usize {
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
}

/// Split `n` into integer parts proportional to `shares` (Hamilton's largest remainder method).
pub fn largest_remainder(n: u64, shares: &[f64]) -> Vec<u64> {
    let total: f64 = shares.iter().sum();
    if total <= 0.0 {
        return vec![0; shares.len()];
    }
    let exact: Vec<f64> = shares.iter().map(|s| n as f64 * s / total).collect();
    let mut parts: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let mut left = n - parts.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

/// The addresses of the columns an event of `apply` reads ([`Workers::event_lines`]), held
/// without a borrow so that they can be fetched while the workers are being changed.
#[derive(Clone, Copy)]
pub struct EventLines {
    len: usize,
    status: *const u8,
    contract: *const u8,
    age: *const u8,
    node: *const u16,
    home: *const u16,
    spell_start: *const u16,
    flags: *const u8,
    employer: *const u16,
    notice_until: *const u16,
}

impl EventLines {
    /// Ask the processor to start loading the columns of worker `i` that an event reads (a
    /// hint only: nothing happens past the end or on other processors).
    #[inline(always)]
    pub fn fetch(&self, i: usize) {
        if i < self.len {
            prefetch(self.status.wrapping_add(i));
            prefetch(self.contract.wrapping_add(i));
            prefetch(self.age.wrapping_add(i));
            prefetch(self.node.wrapping_add(i));
            prefetch(self.home.wrapping_add(i));
            prefetch(self.spell_start.wrapping_add(i));
            prefetch(self.flags.wrapping_add(i));
            prefetch(self.employer.wrapping_add(i));
            prefetch(self.notice_until.wrapping_add(i));
        }
    }
}

/// Ask the processor to fetch the cache line holding `p` (nothing on other architectures). A
/// prefetch reads nothing the program sees and cannot fault, whatever `p` is.
#[inline(always)]
pub fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: see above; the address is only a hint.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p as *const i8) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Declares [`WorkerRange`], the columns of a range of worker ids borrowed mutably, and
/// [`Workers::ranges`], which cuts every column at the same ids (one list of the columns, so
/// that a new column cannot be left out of one of them).
macro_rules! worker_ranges {
    ($($column:ident: $ty:ty,)*) => {
        /// The columns of the workers `start..start + len`, borrowed mutably apart from the
        /// other ranges' ([`Workers::ranges`]), so that the runs of an event list in worker
        /// order can be carried out in parallel. Index with [`WorkerRange::at`].
        pub struct WorkerRange<'a> {
            pub start: usize,
            $(pub $column: &'a mut [$ty],)*
        }

        // Every column is in the list (a column added to [`Workers`] adds to its bytes).
        const _: () = assert!(0 $(+ std::mem::size_of::<$ty>())* == Workers::BYTES_PER_WORKER);

        impl Workers {
            /// `n` workers, every column zero (pages the system gives zeroed, touched only
            /// when written), for [`World::new`] to fill in parallel.
            fn zeroed(n: usize) -> Workers {
                Workers { $($column: vec![0; n],)* }
            }

            /// The workers cut at the ids `cuts` (ascending, each at most the number of
            /// workers): one range from 0 to the first cut, one between each two, one from the
            /// last to the end.
            pub fn ranges(&mut self, cuts: &[usize]) -> Vec<WorkerRange<'_>> {
                let n = self.len();
                let mut out = Vec::with_capacity(cuts.len() + 1);
                $(let mut $column = self.$column.as_mut_slice();)*
                let mut start = 0;
                for end in cuts.iter().copied().chain([n]) {
                    debug_assert!(start <= end && end <= n, "cuts ascending within the workers");
                    let len = end - start;
                    out.push(WorkerRange {
                        start,
                        $($column: {
                            let (head, tail) = std::mem::take(&mut $column).split_at_mut(len);
                            $column = tail;
                            head
                        },)*
                    });
                    start = end;
                }
                out
            }
        }
    };
}

worker_ranges! {
    status: u8,
    contract: u8,
    age: u8,
    home: u16,
    node: u16,
    quals: u32,
    langs: u8,
    diploma: u8,
    recognised: u8,
    spell_start: u16,
    train_target: u8,
    trained: u8,
    recog_target: u8,
    recog_until: u16,
    flags: u8,
    employer: u16,
    notice_until: u16,
}

impl WorkerRange<'_> {
    /// The position of worker `id` in this range's columns.
    #[inline(always)]
    pub fn at(&self, id: u32) -> usize {
        id as usize - self.start
    }

    /// Ask the processor to start loading the columns a hire reads and writes for the worker
    /// at position `i`, a few hires ahead of the one being carried out (each hire touches a
    /// cache line in every column it reads). A hint only: nothing happens past the end or on
    /// other processors.
    #[inline(always)]
    pub fn prefetch_for_hire(&self, i: usize) {
        if i < self.status.len() {
            prefetch(self.status.as_ptr().wrapping_add(i));
            prefetch(self.contract.as_ptr().wrapping_add(i));
            prefetch(self.node.as_ptr().wrapping_add(i));
            prefetch(self.quals.as_ptr().wrapping_add(i));
            prefetch(self.spell_start.as_ptr().wrapping_add(i));
            prefetch(self.flags.as_ptr().wrapping_add(i));
            prefetch(self.employer.as_ptr().wrapping_add(i));
            prefetch(self.notice_until.as_ptr().wrapping_add(i));
            prefetch(self.trained.as_ptr().wrapping_add(i));
        }
    }
}

/// A small world of the published model (one node, about 15 000 workers), for unit tests.
#[cfg(test)]
pub(crate) fn small_world() -> (Model, World) {
    let mut s = crate::scenario::from_toml_str(
        include_str!("../../scenarios/published_model.toml"),
        "published_model.toml",
    )
    .unwrap();
    s.simulation.scale = 0.1;
    let model = Model::new(s);
    let world = World::new(&model, 0);
    (model, world)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_sums_exactly() {
        assert_eq!(largest_remainder(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
        assert_eq!(
            largest_remainder(7, &[0.5, 0.25, 0.25]).iter().sum::<u64>(),
            7
        );
        assert_eq!(largest_remainder(0, &[0.3, 0.7]), vec![0, 0]);
    }

    /// Cutting the workers into ranges hands out every column at the same ids, and what is
    /// written through a range is written to the workers.
    #[test]
    fn ranges_cut_every_column_at_the_same_ids() {
        let (_, mut world) = small_world();
        let w = &mut world.workers;
        let n = w.len();
        assert!(n > 1000, "{n} workers");
        let before = w.clone();
        let cuts = [n / 3, n / 3, n / 2];
        {
            let ranges = w.ranges(&cuts);
            let starts: Vec<usize> = ranges.iter().map(|r| r.start).collect();
            assert_eq!(starts, [0, n / 3, n / 3, n / 2]);
            let lens: Vec<usize> = ranges.iter().map(|r| r.status.len()).collect();
            assert_eq!(lens, [n / 3, 0, n / 2 - n / 3, n - n / 2]);
            for r in ranges {
                let ids = r.start..r.start + r.status.len();
                assert_eq!(r.status, &before.status[ids.clone()]);
                assert_eq!(r.node, &before.node[ids.clone()]);
                assert_eq!(r.home, &before.home[ids.clone()]);
                assert_eq!(r.quals, &before.quals[ids.clone()]);
                assert_eq!(r.spell_start, &before.spell_start[ids.clone()]);
                assert_eq!(r.notice_until, &before.notice_until[ids.clone()]);
                assert_eq!(r.recog_until, &before.recog_until[ids.clone()]);
                if let Some(id) = ids.clone().last() {
                    let i = r.at(id as u32);
                    r.spell_start[i] = 777;
                }
            }
        }
        for (id, (&now, &was)) in w.spell_start.iter().zip(&before.spell_start).enumerate() {
            let last = [n / 3 - 1, n / 2 - 1, n - 1].contains(&id);
            assert_eq!(now, if last { 777 } else { was }, "worker {id}");
        }
    }

    #[test]
    fn pick_follows_weights() {
        assert_eq!(pick(0.05, &[0.1, 0.9]), 0);
        assert_eq!(pick(0.5, &[0.1, 0.9]), 1);
        assert_eq!(pick(0.999_999_9, &[0.5, 0.5, 0.0]), 1);
    }
}
