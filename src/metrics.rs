//! What a step counts: stocks (a census of the workers) and flows (the transitions of the step),
//! by node and by home region, in agent units. Turning these into persons and into rows at the
//! total, country, region and sector levels is [`crate::output`]'s job.
//!
//! The step keeps the census up to date event by event; with debug assertions on (every test
//! run) it is also recounted from the workers each step and the two must agree, so the
//! stock-flow identities checked in the tests are real checks.

/// Stocks per node (workplace for the employed, last node for everyone else).
pub mod node {
    pub const EMPLOYED: usize = 0;
    /// Employed by contract type: `EMPLOYED_BY_CONTRACT + contract`.
    pub const EMPLOYED_BY_CONTRACT: usize = 1;
    pub const UNEMPLOYED: usize = 4;
    pub const TRAINING: usize = 5;
    pub const LONG_TERM: usize = 6;
    /// Jobs at this node held by residents of another country.
    pub const CROSS_BORDER_IN: usize = 7;
    /// Employed under notice of dismissal (with `[employers]`).
    pub const UNDER_NOTICE: usize = 8;
    /// Outside the labour force (with `[population]`).
    pub const INACTIVE: usize = 9;
    /// Unemployed by age group: `UNEMPLOYED_BY_AGE + age`.
    pub const UNEMPLOYED_BY_AGE: usize = 10;
    pub const N: usize = 13;
}

/// Stocks per home region.
pub mod home {
    pub const EMPLOYED: usize = 0;
    pub const UNEMPLOYED: usize = 1;
    pub const TRAINING: usize = 2;
    pub const LONG_TERM: usize = 3;
    /// Employed residents working in another country.
    pub const CROSS_BORDER_OUT: usize = 4;
    /// Employed residents under notice of dismissal.
    pub const UNDER_NOTICE: usize = 5;
    /// Residents outside the labour force.
    pub const INACTIVE: usize = 6;
    /// Unemployed residents by age group: `UNEMPLOYED_BY_AGE + age`.
    pub const UNEMPLOYED_BY_AGE: usize = 7;
    /// Of [`INACTIVE`], those attached to the labour force ([`crate::agent::Status::Available`]):
    /// not in the pool school leavers enter from.
    pub const AVAILABLE: usize = 10;
    pub const N: usize = 11;
}

/// Flow counters, kept both by node and by home region.
pub mod flow {
    pub const SEPARATIONS: usize = 0;
    pub const HIRES_FROM_UNEMPLOYMENT: usize = 1;
    pub const JOB_TO_JOB: usize = 2;
    pub const CROSS_SECTOR: usize = 3;
    pub const CROSS_BORDER_HIRES: usize = 4;
    pub const TRAINING_STARTS: usize = 5;
    pub const TRAINING_STARTS_EMPLOYED: usize = 6;
    pub const TRAINING_COMPLETIONS: usize = 7;
    pub const RECOGNITION_STARTS: usize = 8;
    pub const RECOGNITIONS: usize = 9;
    /// Vacancy flows exist by node only.
    pub const VACANCIES_OPENED: usize = 10;
    pub const VACANCIES_EXPIRED: usize = 11;
    pub const VACANCIES_FILLED: usize = 12;
    /// Employer changes counted at the node left (the other flows of a hire count where the
    /// job is).
    pub const JOB_TO_JOB_OUT: usize = 13;
    /// Notices of dismissal given (with `[employers]`).
    pub const NOTICES: usize = 14;
    /// Separations at the end of a notice (or without notice, for a contract with none): the
    /// economic dismissals among [`SEPARATIONS`].
    pub const DISMISSALS: usize = 15;
    /// Gross job creation and destruction: the sum over employers of the rise, and of the
    /// fall, of their demand during the step (by node only).
    pub const JOB_CREATION: usize = 16;
    pub const JOB_DESTRUCTION: usize = 17;
    /// Retirements out of the labour force, and school leavers entering it (with
    /// `[population]`).
    pub const RETIREMENTS: usize = 18;
    pub const ENTRIES: usize = 19;
    /// Of [`RETIREMENTS`], those who retired from a job.
    pub const RETIREMENTS_EMPLOYED: usize = 20;
    /// Of [`JOB_TO_JOB`], moves of workers under notice (work-to-work from a shrinking
    /// employer, with `[employers]`).
    pub const JOB_TO_JOB_FROM_NOTICE: usize = 21;
    /// Unemployed who stop searching and leave the labour force, and those who come back to
    /// unemployment (with `[population]`).
    pub const UNEMPLOYED_TO_INACTIVE: usize = 22;
    pub const INACTIVE_TO_UNEMPLOYED: usize = 23;
    /// Of [`RETIREMENTS`], those who retired from the attached inactive (*available*).
    pub const RETIREMENTS_AVAILABLE: usize = 24;
    /// Part-time courses started beside work, and completed (learning while working; not in
    /// [`TRAINING_STARTS`] or [`TRAINING_COMPLETIONS`], which move workers between statuses).
    pub const LEARNING_STARTS: usize = 25;
    pub const LEARNING_COMPLETIONS: usize = 26;
    /// Of [`HIRES_FROM_UNEMPLOYMENT`], hires of workers who have completed a course, and of
    /// those, hires into the sector of their last course (where the retrained find work).
    pub const RETRAINED_HIRES: usize = 27;
    pub const RETRAINED_HIRES_IN_COURSE_SECTOR: usize = 28;
    /// Job finding by time without work: the unemployed and the attached inactive
    /// ([`crate::agent::Status::Available`]) at the start of the step in months 1-6 and 7-12 of
    /// their time without work (counted where they last worked and where they live), and of
    /// [`HIRES_FROM_UNEMPLOYMENT`], the hires of the unemployed of those months
    /// (docs/MODEL.md 7.7, "The declining hazard").
    pub const UNEMPLOYED_IN_MONTHS_1_6: usize = 29;
    pub const UNEMPLOYED_IN_MONTHS_7_12: usize = 30;
    pub const ATTACHED_INACTIVE_IN_MONTHS_1_6: usize = 31;
    pub const ATTACHED_INACTIVE_IN_MONTHS_7_12: usize = 32;
    pub const HIRES_IN_MONTHS_1_6: usize = 33;
    pub const HIRES_IN_MONTHS_7_12: usize = 34;
    pub const N: usize = 35;
}

/// Money flows in EUR per agent (multiplied by persons per agent on output).
pub mod money {
    pub const TRAINING_COST: usize = 0;
    pub const TRAINING_PUBLIC: usize = 1;
    pub const TRAINING_FUNDS: usize = 2;
    pub const TRAINING_PRIVATE: usize = 3;
    pub const RECOGNITION_FEES: usize = 4;
    pub const TRAINING_POLICY: usize = 5;
    pub const N: usize = 6;
}

/// A census of the workers at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Census {
    pub by_node: Vec<[u64; node::N]>,
    pub by_home: Vec<[u64; home::N]>,
    /// Employed workers by (home country, work country), `[home * C + work]`.
    pub commuters: Vec<u64>,
}

impl Census {
    pub fn new(n_nodes: usize, n_regions: usize, n_countries: usize) -> Census {
        Census {
            by_node: vec![[0; node::N]; n_nodes],
            by_home: vec![[0; home::N]; n_regions],
            commuters: vec![0; n_countries * n_countries],
        }
    }

    pub fn clear(&mut self) {
        self.by_node.iter_mut().for_each(|x| *x = [0; node::N]);
        self.by_home.iter_mut().for_each(|x| *x = [0; home::N]);
        self.commuters.iter_mut().for_each(|x| *x = 0);
    }

    /// Add another census (of a disjoint set of workers) to this one.
    pub fn add(&mut self, other: &Census) {
        for (a, b) in self.by_node.iter_mut().zip(&other.by_node) {
            for k in 0..node::N {
                a[k] += b[k];
            }
        }
        for (a, b) in self.by_home.iter_mut().zip(&other.by_home) {
            for k in 0..home::N {
                a[k] += b[k];
            }
        }
        for (a, b) in self.commuters.iter_mut().zip(&other.commuters) {
            *a += b;
        }
    }

    pub fn workers(&self) -> u64 {
        self.by_home
            .iter()
            .map(|h| {
                h[home::EMPLOYED] + h[home::UNEMPLOYED] + h[home::TRAINING] + h[home::INACTIVE]
            })
            .sum()
    }
}

/// The flows of one step.
#[derive(Clone, Debug, PartialEq)]
pub struct Flows {
    pub by_node: Vec<[u64; flow::N]>,
    pub by_home: Vec<[u64; flow::N]>,
    pub money_by_node: Vec<[f64; money::N]>,
    pub money_by_home: Vec<[f64; money::N]>,
    /// Hires by (home country, work country).
    pub pair_hires: Vec<u64>,
}

impl Flows {
    pub fn new(n_nodes: usize, n_regions: usize, n_countries: usize) -> Flows {
        Flows {
            by_node: vec![[0; flow::N]; n_nodes],
            by_home: vec![[0; flow::N]; n_regions],
            money_by_node: vec![[0.0; money::N]; n_nodes],
            money_by_home: vec![[0.0; money::N]; n_regions],
            pair_hires: vec![0; n_countries * n_countries],
        }
    }

    pub fn clear(&mut self) {
        self.by_node.iter_mut().for_each(|x| *x = [0; flow::N]);
        self.by_home.iter_mut().for_each(|x| *x = [0; flow::N]);
        self.money_by_node
            .iter_mut()
            .for_each(|x| *x = [0.0; money::N]);
        self.money_by_home
            .iter_mut()
            .for_each(|x| *x = [0.0; money::N]);
        self.pair_hires.iter_mut().for_each(|x| *x = 0);
    }

    /// Add the counts of `other` (not its money) to these.
    pub fn add_counts(&mut self, other: &Flows) {
        for (a, b) in self.by_node.iter_mut().zip(&other.by_node) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in self.by_home.iter_mut().zip(&other.by_home) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (x, y) in self.pair_hires.iter_mut().zip(&other.pair_hires) {
            *x += y;
        }
    }

    /// Count one event of kind `what` for a worker living in `home`, attributed to `node`.
    #[inline]
    pub fn count(&mut self, what: usize, home: usize, node: usize) {
        self.by_home[home][what] += 1;
        self.by_node[node][what] += 1;
    }

    #[inline]
    pub fn spend(&mut self, what: usize, home: usize, node: usize, eur: f64) {
        self.money_by_home[home][what] += eur;
        self.money_by_node[node][what] += eur;
    }
}

/// Everything recorded about one step: the state at its end and what happened during it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRecord {
    pub step: u32,
    pub census: Census,
    pub vacancies: Vec<u64>,
    /// Target demand per node during the step, in agent units.
    pub demand: Vec<f64>,
    pub flows: Flows,
    /// What each policy did in the step.
    pub policy: PolicyFlows,
}

impl StepRecord {
    /// Bytes of a record of a model of this size (heap and inline), for the memory estimate;
    /// a test checks it against [`StepRecord::bytes`] of a record the step built.
    pub fn bytes_for(n_nodes: usize, n_regions: usize, n_countries: usize, policies: usize) -> u64 {
        let (nodes, regions, pairs) = (
            n_nodes as u64,
            n_regions as u64,
            (n_countries * n_countries) as u64,
        );
        let word = 8;
        let census = nodes * node::N as u64 + regions * home::N as u64 + pairs;
        let flows = (nodes + regions) * (flow::N + money::N) as u64 + pairs;
        let levels = 2 * nodes;
        std::mem::size_of::<StepRecord>() as u64
            + word * (census + flows + levels + policies as u64 * policy_flow::N as u64)
    }

    /// Bytes this record holds (heap and inline).
    pub fn bytes(&self) -> u64 {
        fn heap<T>(v: &[T]) -> u64 {
            std::mem::size_of_val(v) as u64
        }
        let c = &self.census;
        let f = &self.flows;
        std::mem::size_of::<StepRecord>() as u64
            + heap(&c.by_node)
            + heap(&c.by_home)
            + heap(&c.commuters)
            + heap(&self.vacancies)
            + heap(&self.demand)
            + heap(&f.by_node)
            + heap(&f.by_home)
            + heap(&f.money_by_node)
            + heap(&f.money_by_home)
            + heap(&f.pair_hires)
            + heap(&self.policy.by_policy)
    }
}

/// Columns of the per-policy flows of one step ([`PolicyFlows`]).
pub mod policy_flow {
    pub const NEW_PARTICIPANTS: usize = 0;
    pub const PARTICIPANTS: usize = 1;
    pub const PLACEMENTS: usize = 2;
    pub const SPENDING: usize = 3;
    /// Enrolments refused because the caps had no room for the participant's cost, fee and
    /// course reserve.
    pub const REFUSED_ENROLMENTS: usize = 4;
    /// Placements by where the participant came from: unemployment, a job under notice (or,
    /// without employers, at a node whose demand is below its employment), another job. They
    /// sum to `PLACEMENTS` (participants in a course do not search, so none come from one).
    pub const PLACED_FROM_UNEMPLOYMENT: usize = 5;
    pub const PLACED_FROM_NOTICE: usize = 6;
    pub const PLACED_FROM_JOB: usize = 7;
    /// Placements in a job in another country than the participant's home.
    pub const PLACED_ACROSS_BORDER: usize = 8;
    /// Participations ended unplaced at the policy's `max_months`.
    pub const ENDED_AT_MAXIMUM: usize = 9;
    /// Per-person spends refused by the caps: courses, recognition fees and the other costs
    /// of workers a policy reaches without enrolling them, and running costs (one agent each).
    pub const REFUSED_SPENDS: usize = 10;
    pub const N: usize = 11;
    pub const NAMES: [&str; N] = [
        "participants_new",
        "participants",
        "placements",
        "spending",
        "refused_enrolments",
        "placements_from_unemployment",
        "placements_from_notice",
        "placements_from_job",
        "placements_across_border",
        "ended_at_maximum",
        "refused_spends",
    ];
}

/// What every policy did in one step; counts in agents, spending in EUR.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PolicyFlows {
    pub by_policy: Vec<[f64; policy_flow::N]>,
}

impl PolicyFlows {
    pub fn total_spending(&self) -> f64 {
        self.by_policy
            .iter()
            .map(|p| p[policy_flow::SPENDING])
            .sum()
    }
}
