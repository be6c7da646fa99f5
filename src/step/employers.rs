//! Labour demand at the employers (with `[employers]`; docs/MODEL.md section 7.10):
//!
//! - stage `demand` ([`adjust`]): gross job flows. Each employer has its own level of demand.
//!   Each step a share `rho` of a node's levels is destroyed at employers drawn in proportion
//!   to their level, and as many jobs are created at employers drawn in proportion to their
//!   level plus one (so that an employer whose level fell to zero can grow again). The node's
//!   target on the demand path is then split over its employers in proportion to their levels
//!   (largest remainder), so a shock or trend of the node scales every employer alike and a
//!   dip that ends gives each employer its jobs back. Each employer then closes the
//!   vacancies its demand no longer holds, plans the notices it must give (staff beyond
//!   demand) or the notices it can withdraw (demand beyond staff), and opens vacancies for the
//!   rest of its demand; then which open vacancies reach a hiring decision in the step
//!   (`employers.decision_rate`), the only ones the search lays out.
//! - stage `apply` ([`Staffing`]): a hire fills the vacancy its application landed on;
//!   notices are withdrawn (in the order of a uniform key) and given (flexible contracts
//!   first: an exponential race weighted by the contract's `downsizing_weight`) among the
//!   candidates the scan collected; and, at the end, what demand is left unstaffed is opened
//!   as vacancies, so that every departure (separation, dismissal, job-to-job move, training
//!   start) of a worker whose job is still demanded opens one replacement vacancy, and a
//!   departure from a job under notice (or beyond demand) opens none.
//!
//! After the step `staff - notices - retained + vacancies == demand` for every employer (see
//! [`crate::world::employers`]); no hire makes an employer exceed its demand, so no one is
//! dismissed because someone else was hired.

use crate::metrics::{flow, Flows};
use crate::model::Model;
use crate::rng::{binomial, Draw, StageKey, Stream};
use crate::scenario::policy::StepLevers;
use crate::world::{Book, Employers, World};
use rayon::prelude::*;

/// The employers that give notice this step, ranked, and the shortlist of each, which
/// [`Staffing::give_notices`] walks. Apart from the rest of the [`Plan`] so that the
/// shortlists can be laid out beside the departures, which hold the plan
/// ([`crate::step::Stepper::stage_matching_beside_departures`]).
#[derive(Clone, Debug, Default)]
pub struct Giving {
    /// One bit per employer, set where it gives notices this step (`notices` > 0), followed by
    /// 2^16 bits never set, so that a worker's node's first employer plus its two-byte local
    /// index (any value, [`crate::world::NO_LOCAL`] included) reads a bit without a check.
    bits: Vec<u64>,
    /// Per word of `bits`: how many employers give notice in the words before it (one more
    /// entry: all of them), so that an employer's rank among them is a popcount away.
    rank: Vec<u32>,
    /// Per employer giving notice, by rank: its lowest-keyed notice candidates
    /// ([`Giving::lay_shortlists`]).
    shortlists: Vec<Shortlist>,
}

impl Giving {
    /// Whether employer `f` gives notices this step; `f` may exceed the last employer by up
    /// to `u16::MAX` (the answer is then no).
    #[inline(always)]
    pub fn gives(&self, f: usize) -> bool {
        self.bits[f >> 6] >> (f & 63) & 1 != 0
    }

    /// Employer `f`'s rank among the employers that give notice this step (it must be one).
    #[inline(always)]
    fn rank_of(&self, f: usize) -> usize {
        debug_assert!(self.gives(f), "employer {f} gives no notice");
        let below = self.bits[f >> 6] & ((1u64 << (f & 63)) - 1);
        (self.rank[f >> 6] + below.count_ones()) as usize
    }

    /// Each giving employer's `SHORTLIST` lowest-keyed candidates among the step's notice
    /// `candidates` (each an employee of an employer that gives notice), and how many it had:
    /// one pass over them, which reads only the candidates, so that it can run before the
    /// departures have left (a tenth of stage `apply` at one agent per person, now beside
    /// them). [`Staffing::give_notices`] then walks the lists.
    pub fn lay_shortlists(&mut self, candidates: &[NoticeCandidate]) {
        let giving = *self.rank.last().unwrap_or(&0) as usize;
        // Sized to the step, an eighth to spare (the burn-in's first steps give out several
        // times the notices of a step at rest).
        self.shortlists.clear();
        crate::chunks::reserve_for(&mut self.shortlists, giving);
        self.shortlists.resize(giving, Shortlist::default());
        crate::chunks::trim(&mut self.shortlists);
        for c in candidates {
            let g = self.rank_of(c.employer as usize);
            self.shortlists[g].offer(c);
        }
    }

    fn bytes(&self) -> usize {
        self.bits.capacity() * 8
            + self.rank.capacity() * 4
            + self.shortlists.capacity() * std::mem::size_of::<Shortlist>()
    }
}

/// The plan of each employer for the step, and the job flows of stage `demand` by node.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Per employer: notices to give (> 0) or that may be withdrawn (< 0).
    pub notices: Vec<i32>,
    /// One bit per employer, set where its entry of `notices` is not zero. The decision scan
    /// asks for every employee; these bits fit in a core's cache where `notices` does not
    /// (about 400 000 employers at one agent per person), so an employee of an employer that
    /// plans nothing costs no cache miss (reading `notices` directly took a quarter of the
    /// scan's time).
    acting: Vec<u64>,
    /// The employers that give notice this step and their shortlists.
    pub(crate) giving: Giving,
    /// Per node: vacancies opened and closed by stage `demand`, gross job creation and
    /// destruction.
    pub opened: Vec<u64>,
    pub closed: Vec<u64>,
    pub created: Vec<u64>,
    pub destroyed: Vec<u64>,
    /// Per employer and per node: the open vacancies that reach a hiring decision this step,
    /// the only ones the search lays out as slots (all of them when
    /// `employers.decision_rate` is 1).
    pub deciding: Vec<u32>,
    pub deciding_node: Vec<u64>,
    /// The employer of each vacancy slot, as the search laid the slots out.
    pub(crate) slots: Vec<u32>,
    /// Scratch of stage `demand` when it runs node after node (a job-retention scheme active).
    scratch: NodeScratch,
}

/// Scratch of one node's job flows and split in stage `demand`.
#[derive(Clone, Debug, Default)]
struct NodeScratch {
    before: Vec<u32>,
    prefix: Vec<u64>,
    order: Vec<(f64, u32)>,
}

impl NodeScratch {
    fn bytes(&self) -> usize {
        self.before.capacity() * 4
            + self.prefix.capacity() * 8
            + self.order.capacity() * std::mem::size_of::<(f64, u32)>()
    }
}

impl Plan {
    /// Employer `f`'s entry of `notices`, read through `acting`.
    #[inline(always)]
    pub fn notices_of(&self, f: usize) -> i32 {
        if self.acts(f) {
            self.notices[f]
        } else {
            0
        }
    }

    /// Whether employer `f` plans notices or withdrawals this step (its `acting` bit).
    #[inline(always)]
    pub fn acts(&self, f: usize) -> bool {
        self.acting[f >> 6] >> (f & 63) & 1 != 0
    }

    /// Whether employer `f` gives notices this step; `f` may exceed the last employer by up
    /// to `u16::MAX` (the answer is then no).
    #[inline(always)]
    pub fn gives(&self, f: usize) -> bool {
        self.giving.gives(f)
    }

    /// Set `acting` from `notices`.
    fn mark_acting(&mut self) {
        self.acting.clear();
        self.acting.resize(self.notices.len().div_ceil(64), 0);
        let giving = &mut self.giving;
        giving.bits.clear();
        giving
            .bits
            .resize((self.notices.len() + (1 << 16)).div_ceil(64), 0);
        for (f, &n) in self.notices.iter().enumerate() {
            if n != 0 {
                self.acting[f >> 6] |= 1 << (f & 63);
            }
            if n > 0 {
                giving.bits[f >> 6] |= 1 << (f & 63);
            }
        }
        giving.rank.clear();
        let mut before = 0u32;
        for &word in &giving.bits {
            giving.rank.push(before);
            before += word.count_ones();
        }
        giving.rank.push(before);
    }

    pub fn bytes(&self) -> usize {
        self.notices.capacity() * 4
            + self.acting.capacity() * 8
            + self.giving.bytes()
            + (self.opened.capacity()
                + self.closed.capacity()
                + self.created.capacity()
                + self.destroyed.capacity())
                * 8
            + (self.slots.capacity() + self.deciding.capacity()) * 4
            + self.deciding_node.capacity() * 8
            + self.scratch.bytes()
    }
}

/// Stage `demand`: job flows at the employers, and each employer's vacancies and notice plan
/// for the step. `demand` is each node's target in agents. An employer whose demand fell
/// below its staff keeps them instead of giving notice when an active job-retention scheme
/// (`levers.retention`) covers it and pays for them (see [`retains`]).
///
/// Each node draws from its own stream and touches only its own employers, so the nodes run in
/// parallel; while a job-retention scheme is active they run in node order, because the
/// scheme's budget is spent employer by employer.
pub fn adjust(
    model: &Model,
    world: &mut World,
    t: u32,
    demand: &[f64],
    levers: &StepLevers,
    plan: &mut Plan,
) {
    let nn = model.n_nodes;
    let rho = model
        .scenario
        .employers
        .as_ref()
        .map_or(0.0, |p| p.reallocation);
    let World {
        employers: e,
        book,
        replication,
        vacancies,
        ..
    } = world;
    plan.notices.clear();
    plan.notices.resize(e.len(), 0);
    let key = StageKey::new(
        model.scenario.simulation.seed,
        *replication,
        t,
        Draw::JobFlows,
    );
    // Idiosyncratic job flows move the employers' own levels (their total is kept), at the
    // rate scaled by the country's and the region's separation multipliers (how often jobs
    // end there).
    let rate = |j: usize| (rho * model.separation_multiplier(j)).min(1.0);
    let mut nodes = NodeBooks::split(e, &mut plan.notices);
    let flows: Vec<NodeFlows> = if levers.retention.is_empty() {
        nodes
            .par_iter_mut()
            .enumerate()
            .map_init(NodeScratch::default, |scratch, (j, books)| {
                let mut rs = key.stream(j as u32);
                books.adjust(&mut rs, rate(j), demand[j], scratch, |_, _, _, _| false)
            })
            .collect()
    } else {
        let retention = StageKey::new(
            model.scenario.simulation.seed,
            *replication,
            0,
            Draw::JobRetention,
        );
        nodes
            .iter_mut()
            .enumerate()
            .map(|(j, books)| {
                let mut rs = key.stream(j as u32);
                let first = books.first;
                books.adjust(
                    &mut rs,
                    rate(j),
                    demand[j],
                    &mut plan.scratch,
                    |k, fall, level, excess| {
                        retains(
                            model,
                            levers,
                            retention,
                            book,
                            (j, first + k),
                            (fall, level),
                            excess,
                        )
                    },
                )
            })
            .collect()
    };
    for v in [
        &mut plan.opened,
        &mut plan.closed,
        &mut plan.created,
        &mut plan.destroyed,
    ] {
        v.clear();
    }
    for (j, f) in flows.iter().enumerate() {
        plan.opened.push(f.opened);
        plan.closed.push(f.closed);
        plan.created.push(f.created);
        plan.destroyed.push(f.destroyed);
        vacancies[j] = f.vacancies;
    }
    debug_assert_eq!(plan.opened.len(), nn);
    plan.mark_acting();
    deciding(model, world, t, plan);
}

/// `column` (one entry per employer) cut into the slices of each node's employers, in node
/// order (`first`: each node's first employer, and one past the last).
fn split_by_node<'a, T>(mut column: &'a mut [T], first: &[u32]) -> Vec<&'a mut [T]> {
    first
        .windows(2)
        .map(|w| {
            let (node, rest) = std::mem::take(&mut column).split_at_mut((w[1] - w[0]) as usize);
            column = rest;
            node
        })
        .collect()
}

/// What stage `demand` did at one node: vacancies opened and closed, gross job creation and
/// destruction, and the open vacancies after it.
#[derive(Clone, Copy, Debug, Default)]
struct NodeFlows {
    opened: u64,
    closed: u64,
    created: u64,
    destroyed: u64,
    vacancies: u64,
}

/// One node's employers' columns, as stage `demand` reads and writes them.
struct NodeBooks<'a> {
    /// The node's first employer.
    first: usize,
    level: &'a mut [u32],
    demand: &'a mut [u32],
    retained: &'a mut [u32],
    vacancies: &'a mut [u32],
    /// The plan's notices ([`Plan::notices`]).
    plan: &'a mut [i32],
    staff: &'a [u32],
    notices: &'a [u32],
}

impl<'a> NodeBooks<'a> {
    /// The books of every node, in node order, and the plan's notices beside them.
    fn split(e: &'a mut Employers, plan: &'a mut [i32]) -> Vec<NodeBooks<'a>> {
        let Employers {
            first,
            level,
            demand,
            retained,
            vacancies,
            staff,
            notices,
            ..
        } = e;
        let columns = split_by_node(level, first)
            .into_iter()
            .zip(split_by_node(demand, first))
            .zip(split_by_node(retained, first))
            .zip(split_by_node(vacancies, first))
            .zip(split_by_node(plan, first));
        columns
            .zip(first.windows(2))
            .map(|(((((level, demand), retained), vacancies), plan), w)| {
                let range = w[0] as usize..w[1] as usize;
                NodeBooks {
                    first: range.start,
                    level,
                    demand,
                    retained,
                    vacancies,
                    plan,
                    staff: &staff[range.clone()],
                    notices: &notices[range],
                }
            })
            .collect()
    }

    /// The node's job flows, its target `target` split over its employers, and each employer's
    /// vacancies and notice plan. `retain(k, fall, level, excess)` says whether the node's
    /// `k`-th employer keeps `excess` staff beyond its demand under a job-retention scheme.
    fn adjust(
        &mut self,
        rs: &mut Stream,
        rho: f64,
        target: f64,
        scratch: &mut NodeScratch,
        mut retain: impl FnMut(usize, u32, u32, u32) -> bool,
    ) -> NodeFlows {
        let mut out = NodeFlows::default();
        scratch.before.clear();
        scratch.before.extend_from_slice(self.level);
        let total: u64 = scratch.before.iter().map(|&l| u64::from(l)).sum();
        reallocate(
            rs,
            self.level,
            &scratch.before,
            &mut scratch.prefix,
            rho,
            total,
        );
        // The node's demand path scales every employer alike: the node's target is split in
        // proportion to the levels.
        scratch.before.clear();
        scratch.before.extend_from_slice(self.demand);
        split(
            target.round().max(0.0) as u64,
            self.level,
            self.demand,
            &mut scratch.order,
        );
        for k in 0..self.demand.len() {
            let (d, b) = (self.demand[k], scratch.before[k]);
            out.created += u64::from(d.saturating_sub(b));
            out.destroyed += u64::from(b.saturating_sub(d));
            // Last step's retained staff are staffed again until the scheme keeps them anew.
            self.retained[k] = 0;
            let staffed = self.staff[k] - self.notices[k];
            let v = self.vacancies[k];
            if staffed + v > d {
                let keep = d.saturating_sub(staffed);
                out.closed += u64::from(v - keep);
                self.vacancies[k] = keep;
                let excess = staffed.saturating_sub(d);
                let level = self.level[k];
                if excess > 0 && retain(k, level.saturating_sub(d), level, excess) {
                    self.retained[k] = excess;
                } else {
                    self.plan[k] = excess as i32;
                }
            } else {
                let gap = d - staffed - v;
                let withdraw = gap.min(self.notices[k]);
                self.plan[k] = -(withdraw as i32);
                self.vacancies[k] += gap - withdraw;
                out.opened += u64::from(gap - withdraw);
            }
            out.vacancies += u64::from(self.vacancies[k]);
        }
        out
    }
}

/// Which open vacancies reach a hiring decision this step: `Binomial(vacancies, r)` at each
/// employer, `r` = `employers.decision_rate` (all of them when it is 1, with no draw). A
/// vacancy's recruitment (posting, applications, interviews) takes time, so in a month only
/// some vacancies can be filled; the others stay open (docs/MODEL.md 7.10).
fn deciding(model: &Model, world: &World, t: u32, plan: &mut Plan) {
    let e = &world.employers;
    let r = model
        .scenario
        .employers
        .as_ref()
        .map_or(1.0, |p| p.decision_rate);
    plan.deciding.clear();
    plan.deciding_node.clear();
    if r >= 1.0 {
        plan.deciding.extend_from_slice(&e.vacancies);
        plan.deciding_node.extend_from_slice(&world.vacancies);
        return;
    }
    let key = StageKey::new(
        model.scenario.simulation.seed,
        world.replication,
        t,
        Draw::Decisions,
    );
    decide(key, &e.vacancies, r, &mut plan.deciding);
    for j in 0..model.n_nodes {
        let sum = plan.deciding[e.of_node(j)]
            .iter()
            .map(|&d| u64::from(d))
            .sum();
        plan.deciding_node.push(sum);
    }
}

/// `Binomial(vacancies[f], r)` for each employer `f`, from its own stream of `key`, appended to
/// `out`.
fn decide(key: StageKey, vacancies: &[u32], r: f64, out: &mut Vec<u32>) {
    out.par_extend(vacancies.par_iter().enumerate().map(|(f, &v)| {
        if v == 0 {
            0
        } else {
            binomial(&mut key.stream(f as u32), u64::from(v), r) as u32
        }
    }));
}

/// Whether employer `f` of node `j`, with `excess` staff not under notice beyond its demand,
/// keeps them under the first active job-retention scheme that covers its node (its regions
/// and sectors), for which its demand has fallen by `fall` jobs, at least `threshold` of its
/// `level` (its demand at step 0, moved only by its own job flows: the NOW compared
/// turnover with 2019), that the employer took up (a draw of `key`'s sub-stream for the
/// policy, the same every step), and that can pay this step's subsidy for them.
fn retains(
    model: &Model,
    levers: &StepLevers,
    key: StageKey,
    book: &mut Book,
    (j, f): (usize, usize),
    (fall, level): (u32, u32),
    excess: u32,
) -> bool {
    let s = &model.scenario;
    let (region, sector) = (model.node_region[j] as usize, model.node_sector[j] as usize);
    let months = f64::from(s.simulation.step_months);
    for &(p, scheme) in &levers.retention {
        let policy = &s.policies[p];
        let covers = policy.sectors & (1 << sector) != 0
            && policy.regions.as_ref().is_none_or(|r| r[region]);
        if !covers || f64::from(fall) < scheme.threshold * f64::from(level) {
            continue;
        }
        let u = crate::rng::unit_f64(key.substream(p as u64).word(f as u32));
        if u >= scheme.take_up {
            continue;
        }
        let per_person = scheme.cost_per_month(s.sectors[sector].wage) * months;
        if book.spend(model, p, per_person * f64::from(excess)) {
            book.retain(p, excess);
            return true;
        }
    }
    false
}

/// Split `target` jobs over employers in proportion to `levels` (largest remainder: each
/// gets the floor of its exact share, and the employers with the largest fractional parts,
/// ties to the lower index, one more), so that the total is exact and an employer's demand
/// follows its level times the node's factor. All equal when every level is zero.
fn split(target: u64, levels: &[u32], demand: &mut [u32], order: &mut Vec<(f64, u32)>) {
    let n = levels.len();
    if n == 0 {
        return;
    }
    let sum: u64 = levels.iter().map(|&l| u64::from(l)).sum();
    let share = |k: usize| -> f64 {
        if sum == 0 {
            target as f64 / n as f64
        } else {
            target as f64 * f64::from(levels[k]) / sum as f64
        }
    };
    let mut given = 0u64;
    order.clear();
    for (k, d) in demand.iter_mut().enumerate() {
        // A share is at least zero, so its floor is its truncation: a conversion rather than
        // a call of `floor`, which this target does not inline (0.7 % of the default's time).
        let exact = share(k);
        let whole = exact as u64;
        *d = exact as u32;
        given += whole;
        order.push((exact - whole as f64, k as u32));
    }
    let left = (target.saturating_sub(given) as usize).min(n);
    if left > 0 {
        let by_remainder = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if left < n {
            order.select_nth_unstable_by(left - 1, by_remainder);
        }
        for &(_, k) in &order[..left] {
            demand[k as usize] += 1;
        }
    }
}

/// One node's gross job flows: `destroy ~ Binomial(D, rho)` jobs are destroyed and
/// `create ~ Binomial(D, rho)` created, then jobs are created or destroyed until the total is
/// `target`. Destruction picks an employer in proportion to its demand at the start (`before`),
/// creation in proportion to that demand plus one; a pick of an employer with no job left is
/// drawn again.
fn reallocate(
    rs: &mut Stream,
    demand: &mut [u32],
    before: &[u32],
    prefix: &mut Vec<u64>,
    rho: f64,
    target: u64,
) {
    let n = demand.len();
    if n == 0 {
        return;
    }
    // prefix[0..n]: cumulative demand; prefix[n..2n]: cumulative demand plus one.
    prefix.clear();
    let mut sum = 0u64;
    for &d in before {
        sum += u64::from(d);
        prefix.push(sum);
    }
    let mut weight = 0u64;
    for &d in before {
        weight += u64::from(d) + 1;
        prefix.push(weight);
    }
    let (by_size, by_size_plus_one) = prefix.split_at(n);
    let destroy = binomial(rs, sum, rho);
    let create = binomial(rs, sum, rho);
    let mut current: u64 = demand.iter().map(|&d| u64::from(d)).sum();
    for _ in 0..destroy {
        current -= destroy_one(rs, demand, by_size, sum);
    }
    for _ in 0..create {
        demand[pick(rs, by_size_plus_one, weight)] += 1;
        current += 1;
    }
    while current < target {
        demand[pick(rs, by_size_plus_one, weight)] += 1;
        current += 1;
    }
    while current > target {
        current -= destroy_one(rs, demand, by_size, sum);
    }
}

/// Destroy one job at an employer drawn in proportion to `by_size` (cumulative, total `sum`),
/// drawing again while the one drawn has no job left (at most 64 times, then the largest
/// employer). Returns the jobs destroyed: 1, or 0 when there are none.
fn destroy_one(rs: &mut Stream, demand: &mut [u32], by_size: &[u64], sum: u64) -> u64 {
    if sum > 0 {
        for _ in 0..64 {
            let f = pick(rs, by_size, sum);
            if demand[f] > 0 {
                demand[f] -= 1;
                return 1;
            }
        }
    }
    match demand
        .iter()
        .enumerate()
        .max_by_key(|&(k, d)| (*d, usize::MAX - k))
    {
        Some((f, &d)) if d > 0 => {
            demand[f] -= 1;
            1
        }
        _ => 0,
    }
}

/// The index drawn in proportion to the weights whose cumulative sums are `cumulative`
/// (total `total > 0`).
#[inline]
fn pick(rs: &mut Stream, cumulative: &[u64], total: u64) -> usize {
    let x = (rs.unit() * total as f64) as u64;
    cumulative
        .partition_point(|&c| c <= x)
        .min(cumulative.len() - 1)
}

/// How many employers ahead [`Staffing::give_notices`] fetches the first candidate of the
/// walk (each notice reads a worker's columns, far from the last one's).
const NOTICE_AHEAD: usize = 8;

/// How many of an employer's notice candidates [`Staffing::give_notices`] keeps at first: an
/// employer that gives notice this step needs about one notice (1.08 on average, among about
/// fifteen candidates, at one agent per person), and a candidate fails only when it has left
/// this step. Two keep the scratch at 24 bytes an employer giving notice (four: 2 % less time
/// in `apply`, 0.1 byte per agent more).
const SHORTLIST: usize = 2;

/// The lowest-keyed notice candidates of one employer that gives notice, as `(key << 32) | id`
/// (which orders as the key, then the id), ascending, how many candidates it had, and the
/// employer (set by each candidate, all of one employer, in what was padding: for the prefetch
/// of its books).
#[derive(Clone, Copy, Debug, Default)]
struct Shortlist {
    best: [u64; SHORTLIST],
    seen: u32,
    employer: u32,
}

const _: () = assert!(std::mem::size_of::<Shortlist>() == 24);

impl Shortlist {
    /// Offer candidate `c`; the list keeps the `SHORTLIST` lowest.
    #[inline(always)]
    fn offer(&mut self, c: &NoticeCandidate) {
        let x = (u64::from(c.key) << 32) | u64::from(c.id);
        let len = (self.seen as usize).min(SHORTLIST);
        self.seen += 1;
        self.employer = c.employer;
        if len == SHORTLIST && x >= self.best[SHORTLIST - 1] {
            return;
        }
        // Insertion into the sorted prefix (the last entry drops out when it is full).
        let mut k = len.min(SHORTLIST - 1);
        while k > 0 && self.best[k - 1] > x {
            self.best[k] = self.best[k - 1];
            k -= 1;
        }
        self.best[k] = x;
    }

    fn kept(&self) -> &[u64] {
        &self.best[..(self.seen as usize).min(SHORTLIST)]
    }
}

/// A worker an employer may give notice to, or withdraw a notice from: drawn by the scan, in
/// worker order; the lowest keys go first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoticeCandidate {
    pub id: u32,
    pub employer: u32,
    /// The order key: the bits of a non-negative `f32` (exponential race) or a uniform `u32`;
    /// both sort as unsigned integers.
    pub key: u32,
}

/// The employers' side of stage `apply`: departures, hires, notices, and the vacancies that
/// follow.
pub struct Staffing<'a> {
    pub employers: &'a mut Employers,
    pub plan: &'a mut Plan,
}

/// Lay out in `slots` the employer of each vacancy slot as the search did (node by node,
/// employer by employer: employer `f` holds `deciding[f]` slots), before any vacancy changes in
/// the step. Apart from [`Plan`] so that it can run beside the departures, which hold the plan
/// ([`crate::step::Stepper::stage_matching_beside_departures`]).
pub fn lay_slots(deciding: &[u32], slots: &mut Vec<u32>) {
    let total = deciding.iter().map(|&v| v as usize).sum::<usize>();
    slots.clear();
    slots.resize(total + 2, 0);
    let mut at = 0;
    for (f, &v) in deciding.iter().enumerate() {
        // Two slots written whatever the employer holds: most hold none, one or two, and a
        // branch on the count missed for about a third of the 370 000 employers of the
        // default at one agent per person. A slot written for an employer that does not hold
        // it is written again by the one that does, which comes later.
        let (f, v) = (f as u32, v as usize);
        slots[at] = f;
        slots[at + 1] = f;
        if v > 2 {
            slots[at..at + v].fill(f);
        }
        at += v;
    }
    slots.truncate(total);
}

impl Plan {
    /// [`lay_slots`] of this step's deciding vacancies.
    pub fn lay_slots(&mut self) {
        lay_slots(&self.deciding, &mut self.slots);
    }
}

impl Staffing<'_> {
    /// The employer of worker `i` ([`crate::world::Employers::of_worker`]).
    pub fn employer_of(&self, w: &crate::world::Workers, i: usize) -> u32 {
        self.employers.of_worker(w, i)
    }

    /// What a worker of employer `f` stores ([`crate::world::Employers::local`]).
    pub fn local(&self, f: u32) -> u16 {
        self.employers.local(f)
    }

    /// The employer of vacancy slot `slot`.
    pub fn employer_of_slot(&self, slot: u32) -> u32 {
        self.plan.slots[slot as usize]
    }

    /// A worker of employer `f` leaves it (`noticed`: the worker was under notice). Its job,
    /// if still demanded, is opened again as a vacancy by [`Staffing::finish`].
    /// A worker leaving an employer that keeps staff beyond demand under a job-retention
    /// scheme leaves one of those jobs, which is not replaced either.
    pub fn depart(&mut self, f: u32, noticed: bool) {
        let f = f as usize;
        let e = &mut *self.employers;
        e.staff[f] -= 1;
        if noticed {
            e.notices[f] -= 1;
        } else if e.retained[f] > 0 {
            e.retained[f] -= 1;
        }
    }

    /// A hire fills one vacancy of employer `f`.
    pub fn hire(&mut self, f: u32) {
        let f = f as usize;
        self.employers.vacancies[f] -= 1;
        self.employers.staff[f] += 1;
    }

    /// Notices of the step to withdraw (`withdraw`) or to give, among `candidates` (sorted
    /// here by employer and key), as many as each employer needs as things stand now.
    /// `act(id, employer, employers)` withdraws or gives the candidate's notice if it is still
    /// at the employer (with, or without, a notice), updating the employer's counts, and says
    /// whether it did.
    pub fn notices(
        &mut self,
        candidates: &mut [NoticeCandidate],
        withdraw: bool,
        mut act: impl FnMut(u32, u32, &mut Employers) -> bool,
    ) {
        candidates.sort_unstable_by_key(|c| (c.employer, c.key, c.id));
        let mut k = 0;
        while k < candidates.len() {
            let f = candidates[k].employer;
            // The employer's run of candidates, found by walking it: a binary search over all
            // the candidates left probed far-apart cache lines for every employer (a sixth of
            // stage `apply` at one agent per person), where the walk reads the run the loop
            // below reads anyway.
            let end = k + candidates[k..]
                .iter()
                .position(|c| c.employer != f)
                .unwrap_or(candidates.len() - k);
            let fu = f as usize;
            let e = &mut *self.employers;
            let staffed = e.holding(fu);
            // What the employer still needs, as things stand now.
            let mut need = if withdraw {
                e.demand[fu]
                    .saturating_sub(staffed + e.vacancies[fu])
                    .min(e.notices[fu])
            } else {
                staffed.saturating_sub(e.demand[fu])
            };
            for c in &candidates[k..end] {
                if need == 0 {
                    break;
                }
                if act(c.id, f, e) {
                    need -= 1;
                }
            }
            k = end;
        }
    }

    /// The notices of the step, among `candidates` (in any order; each an employee of an
    /// employer that gives notice, [`Plan::gives`]): each employer, in employer order, gives
    /// them to its candidates in the order of their keys (then ids) until its staff no longer
    /// exceeds its demand as things stand now. `act(id, employer, employers)` gives the
    /// candidate notice if it is still there without one, and says whether it did.
    ///
    /// The same notices as sorting all the candidates by (employer, key, id) and walking them
    /// ([`Staffing::notices`]), without the sort, which took a quarter of stage `apply` at
    /// one agent per person: one pass keeps each employer's `SHORTLIST` lowest candidates
    /// ([`Giving::lay_shortlists`], which must have run on the same `candidates` first), and
    /// only an employer that needs more than those (a large cut, or candidates that left) has
    /// its candidates sorted, after the others (an employer's notices change only its own
    /// books and its own employees, so the order between employers does not matter).
    /// `fetch(id)` is called with the first candidate of the employer `NOTICE_AHEAD` places
    /// ahead in the walk, so that its columns are on their way when it is reached (a hint: it
    /// changes nothing).
    pub fn give_notices(
        &mut self,
        candidates: &mut Vec<NoticeCandidate>,
        fetch: impl Fn(u32),
        mut act: impl FnMut(u32, u32, &mut Employers) -> bool,
    ) {
        let giving = &self.plan.giving;
        debug_assert_eq!(
            giving
                .shortlists
                .iter()
                .map(|l| l.seen as usize)
                .sum::<usize>(),
            candidates.len(),
            "the shortlists are laid out from the step's candidates first"
        );
        // Employers that still need notices once their shortlist is spent, with what they need.
        let mut unfinished: Vec<(u32, u32)> = Vec::new();
        let e = &mut *self.employers;
        let mut g = 0;
        for (word_index, &word) in giving.bits.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                let f = word_index * 64 + rest.trailing_zeros() as usize;
                rest &= rest - 1;
                if let Some(ahead) = giving.shortlists.get(g + NOTICE_AHEAD) {
                    if ahead.seen > 0 {
                        fetch(ahead.best[0] as u32);
                        e.prefetch(ahead.employer as usize);
                    }
                }
                let list = &giving.shortlists[g];
                g += 1;
                if list.seen == 0 {
                    continue;
                }
                let mut need = e.holding(f).saturating_sub(e.demand[f]);
                for &x in list.kept() {
                    if need == 0 {
                        break;
                    }
                    if act(x as u32, f as u32, e) {
                        need -= 1;
                    }
                }
                if need > 0 && list.seen as usize > SHORTLIST {
                    unfinished.push((f as u32, need));
                }
            }
        }
        if unfinished.is_empty() {
            return;
        }
        // The rest of their candidates, in order, after the shortlisted ones: once kept and
        // sorted, the candidates are the unfinished employers' runs, in the same order. Whether
        // a candidate's employer is unfinished is a bit of its own: a binary search over the
        // unfinished for each of the step's candidates took a seventh of `arrivals`' samples.
        let mut unfinished_bits = vec![0u64; giving.bits.len()];
        for &(f, _) in &unfinished {
            unfinished_bits[f as usize >> 6] |= 1 << (f & 63);
        }
        candidates.retain(|c| {
            let f = c.employer as usize;
            unfinished_bits[f >> 6] >> (f & 63) & 1 != 0
        });
        candidates.sort_unstable_by_key(|c| (c.employer, c.key, c.id));
        let mut k = 0;
        for &(f, mut need) in &unfinished {
            debug_assert_eq!(candidates[k].employer, f);
            let end = k + candidates[k..].partition_point(|c| c.employer == f);
            for c in &candidates[k + SHORTLIST..end] {
                if need == 0 {
                    break;
                }
                if act(c.id, f, e) {
                    need -= 1;
                }
            }
            k = end;
        }
    }

    /// Open what demand is left unstaffed as vacancies (the replacement vacancies of the
    /// step's departures, and any notice that could not be withdrawn because its holder left),
    /// and set each node's vacancies to the sum of its employers'.
    pub fn finish(&mut self, vacancies: &mut [u64], flows: &mut Flows) {
        // Node by node in parallel: each touches only its own employers' vacancies, taken out
        // of the books while the rest of them is read.
        let mut open = std::mem::take(&mut self.employers.vacancies);
        let e = &*self.employers;
        let by_node: Vec<(u64, u64)> = split_by_node(&mut open, &e.first)
            .into_par_iter()
            .enumerate()
            .map(|(j, open)| {
                let (mut opened, mut sum) = (0u64, 0u64);
                for (k, v) in open.iter_mut().enumerate() {
                    let f = e.first[j] as usize + k;
                    let staffed = e.holding(f);
                    debug_assert!(
                        staffed <= e.demand[f],
                        "employer {f}: {staffed} staffed beyond demand {}",
                        e.demand[f]
                    );
                    let gap = e.demand[f].saturating_sub(staffed + *v);
                    *v += gap;
                    opened += u64::from(gap);
                    sum += u64::from(*v);
                }
                (opened, sum)
            })
            .collect();
        self.employers.vacancies = open;
        for (j, (total, &(opened, sum))) in vacancies.iter_mut().zip(&by_node).enumerate() {
            flows.by_node[j][flow::VACANCIES_OPENED] += opened;
            *total = sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_each_employer_s_deciding_vacancies_in_employer_order() {
        let mut rs = StageKey::new(5, 0, 1, Draw::JobFlows).stream(0);
        let mut slots = vec![7; 3];
        for round in 0..50 {
            // Mostly none, one or two, some more, runs of each, an empty and a last employer.
            let n = rs.below(300) as usize + round % 2;
            let deciding: Vec<u32> = (0..n)
                .map(|_| match rs.below(10) {
                    0..=3 => 0,
                    4..=6 => 1,
                    7 | 8 => 2,
                    _ => 3 + rs.below(9),
                })
                .collect();
            let want: Vec<u32> = deciding
                .iter()
                .enumerate()
                .flat_map(|(f, &v)| std::iter::repeat_n(f as u32, v as usize))
                .collect();
            lay_slots(&deciding, &mut slots);
            assert_eq!(slots, want, "round {round}");
        }
    }

    #[test]
    fn notices_from_shortlists_are_those_of_walking_every_candidate_in_order() {
        // Employers with cuts from one notice to many more than a shortlist holds, candidates
        // in no order with tied keys, and a fifth of them gone (the act fails): the attempts
        // of each employer, and the books, are those of the full sort and walk.
        let mut rs = StageKey::new(5, 0, 2, Draw::JobFlows).stream(1);
        for round in 0..20 {
            let n = 130 + round;
            let mut e = Employers::default();
            let mut plan = Plan::default();
            let mut candidates = Vec::new();
            for f in 0..n as u32 {
                let staff = rs.below(30);
                let cut = if rs.chance(0.3) {
                    rs.below(staff.min(12) + 1)
                } else {
                    0
                };
                e.staff.push(staff);
                e.demand.push(staff - cut);
                e.notices.push(0);
                e.retained.push(0);
                plan.notices.push(cut as i32);
                if cut > 0 {
                    for _ in 0..staff {
                        let id = candidates.len() as u32;
                        candidates.push(NoticeCandidate {
                            id,
                            employer: f,
                            key: rs.below(8),
                        });
                    }
                }
            }
            for k in (1..candidates.len()).rev() {
                candidates.swap(k, rs.below(k as u32 + 1) as usize);
            }
            plan.mark_acting();
            let gone = |id: u32| id.wrapping_mul(2_654_435_761).is_multiple_of(5);
            let run = |shortlists: bool| {
                let (mut e, mut plan, mut c) = (e.clone(), plan.clone(), candidates.clone());
                plan.giving.lay_shortlists(&c);
                let mut tried = Vec::new();
                let act = |id: u32, f: u32, e: &mut Employers| {
                    tried.push((f, id));
                    if gone(id) {
                        return false;
                    }
                    e.notices[f as usize] += 1;
                    true
                };
                let mut staffing = Staffing {
                    employers: &mut e,
                    plan: &mut plan,
                };
                if shortlists {
                    staffing.give_notices(&mut c, |_| {}, act);
                } else {
                    staffing.notices(&mut c, false, act);
                }
                tried.sort_by_key(|&(f, _)| f);
                (tried, e)
            };
            let (walked, by_walk) = run(false);
            let (listed, by_lists) = run(true);
            // Some employer went past its shortlist.
            let most = walked.chunk_by(|a, b| a.0 == b.0).map(<[_]>::len).max();
            assert!(most > Some(SHORTLIST), "round {round}");
            assert_eq!(listed, walked, "round {round}");
            assert_eq!(by_lists, by_walk, "round {round}");
        }
    }

    #[test]
    fn the_notice_plan_read_through_its_bits_is_the_plan() {
        // Employers on both sides of the 64-bit words' edges, giving, withdrawing or nothing.
        let mut plan = Plan {
            notices: (0..200)
                .map(|f: i32| match f % 7 {
                    0 => 0,
                    1 | 2 => f % 5 + 1,
                    3 => -(f % 3) - 1,
                    _ => 0,
                })
                .collect(),
            ..Plan::default()
        };
        plan.notices[63] = 4;
        plan.notices[64] = -2;
        plan.notices[199] = 1;
        plan.mark_acting();
        for (f, &n) in plan.notices.iter().enumerate() {
            assert_eq!(plan.notices_of(f), n, "employer {f}");
        }
        // A new step's plan replaces the bits, none left from the last.
        plan.notices.iter_mut().for_each(|n| *n = 0);
        plan.mark_acting();
        assert!((0..200).all(|f| plan.notices_of(f) == 0));
    }

    #[test]
    fn reallocation_reaches_the_target_and_never_goes_negative() {
        let mut rs = StageKey::new(1, 0, 1, Draw::JobFlows).stream(0);
        let mut prefix = Vec::new();
        for (start, target, rho) in [
            (vec![10u32, 0, 5, 1], 16u64, 0.1),
            (vec![10, 0, 5, 1], 30, 0.0),
            (vec![10, 0, 5, 1], 2, 0.5),
            (vec![3, 3], 0, 0.2),
            (vec![0, 0, 0], 4, 0.2),
        ] {
            let mut demand = start.clone();
            reallocate(&mut rs, &mut demand, &start, &mut prefix, rho, target);
            assert_eq!(
                demand.iter().map(|&d| u64::from(d)).sum::<u64>(),
                target,
                "{start:?} -> {target}"
            );
        }
    }

    #[test]
    fn the_split_is_exact_proportional_and_follows_a_dip_back() {
        let mut order = Vec::new();
        let levels = [10u32, 0, 5, 5];
        let mut demand = [0u32; 4];
        split(20, &levels, &mut demand, &mut order);
        assert_eq!(demand, [10, 0, 5, 5]);
        split(16, &levels, &mut demand, &mut order);
        assert_eq!(demand.iter().sum::<u32>(), 16);
        assert_eq!(demand, [8, 0, 4, 4]);
        split(17, &levels, &mut demand, &mut order);
        // 8.5, 0, 4.25, 4.25: the largest remainder gets the extra job.
        assert_eq!(demand, [9, 0, 4, 4]);
        split(20, &levels, &mut demand, &mut order);
        assert_eq!(demand, [10, 0, 5, 5], "back to the levels after the dip");
        split(3, &[0, 0, 0], &mut demand[..3], &mut order);
        assert_eq!(&demand[..3], &[1, 1, 1]);
    }

    #[test]
    fn reallocation_creates_and_destroys_about_rho_of_the_jobs() {
        let mut rs = StageKey::new(2, 0, 1, Draw::JobFlows).stream(0);
        let mut prefix = Vec::new();
        let start = vec![20u32; 5000];
        let total: u64 = 100_000;
        let (mut created, mut destroyed) = (0u64, 0u64);
        let steps = 20;
        for _ in 0..steps {
            let mut demand = start.clone();
            reallocate(&mut rs, &mut demand, &start, &mut prefix, 0.01, total);
            for (d, b) in demand.iter().zip(&start) {
                created += u64::from(d.saturating_sub(*b));
                destroyed += u64::from(b.saturating_sub(*d));
            }
        }
        // With 20 jobs an employer and 1 % drawn each way, an employer rarely gets both a
        // creation and a destruction (a chance of about 0.2 x 0.2), so the net flows measured
        // per employer are close to 1 %.
        let rate = |x: u64| x as f64 / (total * steps) as f64;
        assert!(
            (0.0085..0.0102).contains(&rate(created)),
            "{}",
            rate(created)
        );
        assert_eq!(created, destroyed, "the node's total is unchanged");
    }

    #[test]
    fn about_the_decision_rate_of_the_open_vacancies_decide_and_never_more_than_are_open() {
        let key = StageKey::new(3, 0, 1, Draw::Decisions);
        let vacancies: Vec<u32> = (0..4000).map(|f| f % 7).collect();
        let mut out = Vec::new();
        decide(key, &vacancies, 0.3, &mut out);
        assert_eq!(out.len(), vacancies.len());
        assert!(out.iter().zip(&vacancies).all(|(d, v)| d <= v));
        let (open, decided) = (
            vacancies.iter().map(|&v| f64::from(v)).sum::<f64>(),
            out.iter().map(|&d| f64::from(d)).sum::<f64>(),
        );
        // 12 000 open vacancies: a binomial share's standard error is about 0.004.
        assert!((decided / open - 0.3).abs() < 0.015, "{}", decided / open);
        out.clear();
        decide(key, &vacancies, 1.0, &mut out);
        assert_eq!(out, vacancies);
    }
}
