//! The employers of every node: each one's demand (jobs), staff, staff under notice and open
//! vacancies, in agent units. Employers of node j are `first[j]..first[j + 1]`, so that a
//! node's vacancy slots are its employers' vacancies in employer order.
//!
//! Invariant at the end of every step (checked in debug builds by stage `census`):
//! `staff - notices - retained + vacancies == demand` for every employer: every demanded job
//! is filled or vacant, and the jobs staffed beyond demand are exactly the ones under notice
//! (destroyed jobs whose holders are still there) or kept under a job-retention scheme.

use crate::model::{Model, NodeId};
use crate::rng::{unit_f64, Draw, StageKey};

/// No employer: the unemployed and those in a course.
pub const NO_EMPLOYER: u32 = u32::MAX;

/// No employer, in a worker's own column ([`crate::world::Workers::employer`]).
pub const NO_LOCAL: u16 = u16::MAX;

/// Most employers a node may have: a worker stores its employer as an index among its
/// node's employers in two bytes, [`NO_LOCAL`] excluded.
pub const MAX_PER_NODE: u32 = NO_LOCAL as u32;

/// The employers of one replication (empty without `[employers]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Employers {
    /// First employer of each node, and one past the last (`n_nodes + 1` entries).
    pub first: Vec<u32>,
    /// Node of each employer.
    pub node: Vec<NodeId>,
    /// The employer's own level of demand (jobs at the node's demand factor of step 0): it
    /// moves only with the idiosyncratic job flows; the node's demand path scales it.
    pub level: Vec<u32>,
    /// Jobs the employer wants this step: filled plus vacant.
    pub demand: Vec<u32>,
    /// Workers employed, those under notice included.
    pub staff: Vec<u32>,
    /// Workers under notice: staffed jobs that demand no longer holds.
    pub notices: Vec<u32>,
    /// Open vacancies.
    pub vacancies: Vec<u32>,
    /// Staff kept beyond demand under a job-retention scheme this step (not under notice).
    pub retained: Vec<u32>,
}

impl Employers {
    pub fn len(&self) -> usize {
        self.demand.len()
    }

    pub fn is_empty(&self) -> bool {
        self.demand.is_empty()
    }

    /// Employers of node `j`.
    pub fn of_node(&self, j: usize) -> std::ops::Range<usize> {
        self.first[j] as usize..self.first[j + 1] as usize
    }

    /// The employer of worker `i` ([`NO_EMPLOYER`] if it has none): its node's first employer
    /// plus the index the worker stores.
    #[inline]
    pub fn of_worker(&self, w: &crate::world::Workers, i: usize) -> u32 {
        match w.employer[i] {
            NO_LOCAL => NO_EMPLOYER,
            local => self.first[w.node[i] as usize] + u32::from(local),
        }
    }

    /// What a worker of employer `f` stores: its index among its node's employers.
    #[inline]
    pub fn local(&self, f: u32) -> u16 {
        (f - self.first[self.node[f as usize] as usize]) as u16
    }

    /// Staff of employer `f` holding a demanded job: neither under notice nor kept beyond
    /// demand by a job-retention scheme.
    #[inline]
    pub fn holding(&self, f: usize) -> u32 {
        self.staff[f] - self.notices[f] - self.retained[f]
    }

    /// Ask the processor to start loading the books of employer `f` that a hire, a departure
    /// or a notice reads and writes (each a cache line of its own for an employer far from the
    /// last one). A hint only: nothing happens past the end or on other processors.
    #[inline(always)]
    pub fn prefetch(&self, f: usize) {
        if f < self.staff.len() {
            crate::world::prefetch(self.staff.as_ptr().wrapping_add(f));
            crate::world::prefetch(self.notices.as_ptr().wrapping_add(f));
            crate::world::prefetch(self.retained.as_ptr().wrapping_add(f));
            crate::world::prefetch(self.vacancies.as_ptr().wrapping_add(f));
            crate::world::prefetch(self.demand.as_ptr().wrapping_add(f));
        }
    }

    /// Heap bytes held.
    pub fn bytes(&self) -> usize {
        (self.first.capacity()
            + self.node.capacity()
            + self.level.capacity()
            + self.demand.capacity()
            + self.staff.capacity()
            + self.notices.capacity()
            + self.vacancies.capacity()
            + self.retained.capacity())
            * 4
    }

    /// Check the employers against their workers: each employer's staff and notices are the
    /// employed workers it has and those of them under notice, every employer has
    /// `staff - notices - retained + vacancies == demand`, and each node's `vacancies` are its
    /// employers'.
    /// Debug builds check it after every step.
    pub fn check(&self, w: &crate::world::Workers, vacancies: &[u64]) -> Result<(), String> {
        if self.is_empty() {
            return Ok(());
        }
        for (j, &v) in vacancies.iter().enumerate() {
            let sum: u64 = self.of_node(j).map(|f| u64::from(self.vacancies[f])).sum();
            if sum != v {
                return Err(format!("node {j}: {v} vacancies, its employers hold {sum}"));
            }
        }
        let mut staff = vec![0u32; self.len()];
        let mut notices = vec![0u32; self.len()];
        for i in 0..w.len() {
            let employed = w.status[i] == crate::agent::Status::Employed as u8;
            let f = self.of_worker(w, i);
            if employed != (f != NO_EMPLOYER) {
                return Err(format!("worker {i}: employed {employed}, employer {f}"));
            }
            if !employed && w.notice_until[i] != 0 {
                return Err(format!("worker {i} is not employed but under notice"));
            }
            if employed
                && u32::from(w.employer[i])
                    >= self.first[w.node[i] as usize + 1] - self.first[w.node[i] as usize]
            {
                return Err(format!(
                    "worker {i} stores employer {} of node {}, which has fewer",
                    w.employer[i], w.node[i]
                ));
            }
            if employed {
                if self.node[f as usize] != u32::from(w.node[i]) {
                    return Err(format!(
                        "worker {i} works at node {} but its employer {f} is at node {}",
                        w.node[i], self.node[f as usize]
                    ));
                }
                staff[f as usize] += 1;
                notices[f as usize] += u32::from(w.notice_until[i] != 0);
            }
        }
        for f in 0..self.len() {
            if staff[f] != self.staff[f] || notices[f] != self.notices[f] {
                return Err(format!(
                    "employer {f}: staff {} and notices {} kept, {} and {} counted",
                    self.staff[f], self.notices[f], staff[f], notices[f]
                ));
            }
            if self.notices[f] + self.retained[f] > self.staff[f]
                || self.holding(f) + self.vacancies[f] != self.demand[f]
            {
                return Err(format!(
                    "employer {f}: staff {} - notices {} - retained {} + vacancies {} != demand {}",
                    self.staff[f],
                    self.notices[f],
                    self.retained[f],
                    self.vacancies[f],
                    self.demand[f]
                ));
            }
            // (Notices given before the employer was covered stand.)
            if self.retained[f] > 0 && self.vacancies[f] > 0 {
                return Err(format!(
                    "employer {f} keeps {} staff under job retention but has {} vacancies",
                    self.retained[f], self.vacancies[f]
                ));
            }
        }
        Ok(())
    }

    /// Employers for the initial world: node j gets `round((e_j + v_j) / mean_size)` employers,
    /// at least 1 and at most [`MAX_PER_NODE`]; each employed worker (`workers`: the node of
    /// each, `None` if not employed) and each of the node's `vacancies[j]` goes to one of them
    /// drawn in proportion to the employer's exponential weight (so that sizes start at their
    /// stationary, geometric distribution), and an employer's demand is its staff plus its
    /// vacancies. Returns the employers and each worker's employer.
    pub fn initial(
        model: &Model,
        replication: u32,
        mean_size: f64,
        workers: &[Option<NodeId>],
        vacancies: &[u64],
    ) -> (Employers, Vec<u32>) {
        let nn = model.n_nodes;
        let mut jobs = vacancies.to_vec();
        for j in workers.iter().flatten() {
            jobs[*j as usize] += 1;
        }
        let mut first = Vec::with_capacity(nn + 1);
        let mut node = Vec::new();
        let mut total = 0u32;
        for (j, &n) in jobs.iter().enumerate() {
            first.push(total);
            let count = ((n as f64 / mean_size).round() as u32).clamp(1, MAX_PER_NODE);
            node.extend(std::iter::repeat_n(j as NodeId, count as usize));
            total += count;
        }
        first.push(total);
        let n = total as usize;
        let mut e = Employers {
            first,
            node,
            level: vec![0; n],
            demand: vec![0; n],
            staff: vec![0; n],
            notices: vec![0; n],
            vacancies: vec![0; n],
            retained: vec![0; n],
        };
        let key = StageKey::new(
            model.scenario.simulation.seed,
            replication,
            0,
            Draw::InitialEmployers,
        );
        // Each employer's share of its node's jobs: an exponential weight, so that its jobs
        // are Poisson with an exponentially distributed mean, i.e. geometric with the node's
        // mean size, the stationary distribution of the job flows of `reallocate`
        // (docs/MODEL.md 7.10). `cumulative[f]`: the weights of its node's employers up to f.
        let wkey = key.substream(2);
        let mut cumulative = vec![0.0; n];
        for j in 0..nn {
            let mut sum = 0.0;
            for f in e.of_node(j) {
                sum += -libm::log(1.0 - unit_f64(wkey.word(f as u32)));
                cumulative[f] = sum;
            }
        }
        let pick = |range: std::ops::Range<usize>, u: f64| -> usize {
            let c = &cumulative[range.clone()];
            let at = u * c[c.len() - 1];
            range.start + c.partition_point(|&x| x <= at).min(c.len() - 1)
        };
        let employer: Vec<u32> = workers
            .iter()
            .enumerate()
            .map(|(i, j)| match j {
                Some(j) => {
                    let f = pick(e.of_node(*j as usize), key.stream(i as u32).unit());
                    e.staff[f] += 1;
                    f as u32
                }
                None => NO_EMPLOYER,
            })
            .collect();
        // The vacancies' streams are numbered after the workers'.
        let vkey = key.substream(1);
        for (j, &v) in vacancies.iter().enumerate() {
            let mut rs = vkey.stream(j as u32);
            for _ in 0..v {
                let f = pick(e.of_node(j), rs.unit());
                e.vacancies[f] += 1;
            }
        }
        for f in 0..n {
            e.demand[f] = e.staff[f] + e.vacancies[f];
            e.level[f] = e.demand[f];
        }
        (e, employer)
    }
}
