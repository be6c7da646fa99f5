//! The policies' books for one replication: what each has spent (in total and in the current
//! policy year), what it has promised to current participants (their placement fees, reserved
//! at enrolment), how many participants it has, and the flows of the current step. Every
//! spending decision goes through here, so no instrument can pass its cap: a spend that would
//! is refused and counted; a promised fee is never refused. New enrolments respect the
//! caseload and, when paced, draw on a budget in proportion to the time elapsed. A policy with
//! a longest participation keeps its participants' entries, to end those not placed in time.

use std::collections::{HashMap, VecDeque};

use crate::metrics::{policy_flow as col, PolicyFlows};
use crate::model::Model;

/// The books of every policy in one replication (per-replication state, kept in the world).
#[derive(Clone, Debug)]
pub struct Book {
    spent: Vec<f64>,
    spent_year: Vec<f64>,
    /// Placement fees promised to current participants (EUR), reserved against the budget.
    committed: Vec<f64>,
    year: Vec<u32>,
    participants: Vec<u64>,
    /// With `max_months`: entries (worker, step) in the order they came, and each current
    /// participant's latest entry (an entry that is not a worker's latest is stale: it left and
    /// came back).
    entries: Vec<VecDeque<(u32, u32)>>,
    latest: Vec<HashMap<u32, u32>>,
    exhausted: Vec<bool>,
    /// Persons per agent: every per-person cost is multiplied by it.
    persons_per_agent: f64,
    pub flows: PolicyFlows,
}

impl Book {
    pub fn new(model: &Model) -> Book {
        let n = model.scenario.policies.len();
        Book {
            spent: vec![0.0; n],
            spent_year: vec![0.0; n],
            committed: vec![0.0; n],
            year: vec![0; n],
            participants: vec![0; n],
            entries: vec![VecDeque::new(); n],
            latest: vec![HashMap::new(); n],
            exhausted: vec![false; n],
            persons_per_agent: model.scenario.persons_per_agent(),
            flows: PolicyFlows {
                by_policy: vec![[0.0; col::N]; n],
            },
        }
    }

    /// Whether policy `p` could not pay its running cost: it then stops until its next policy
    /// year. (A spent budget only refuses new spending; current participants keep their help.)
    pub fn exhausted(&self, p: usize) -> bool {
        self.exhausted[p]
    }

    /// Start step `t`: clear the step's flows, open a new policy year where one begins, end the
    /// participation in policies whose window has closed, and charge the running costs.
    pub fn begin_step(&mut self, model: &Model, t: u32) {
        let s = &model.scenario;
        let steps_per_year = (12 / s.simulation.step_months).max(1);
        for (p, policy) in s.policies.iter().enumerate() {
            self.flows.by_policy[p] = [0.0; col::N];
            // A job-retention scheme's participants are the staff it keeps, counted anew
            // every step.
            if matches!(policy.kind, crate::scenario::policy::Kind::JobRetention(_)) {
                self.participants[p] = 0;
            }
            if t > policy.end {
                self.participants[p] = 0;
                self.committed[p] = 0.0;
                continue;
            }
            if !policy.active(t) {
                continue;
            }
            let year = (t - policy.start) / steps_per_year;
            if year != self.year[p] {
                self.year[p] = year;
                self.spent_year[p] = 0.0;
                if policy.budget.is_none_or(|b| self.spent[p] < b) {
                    self.exhausted[p] = false;
                }
            }
            if policy.cost_per_year > 0.0 && !self.exhausted[p] {
                let cost = policy.cost_per_year * f64::from(s.simulation.step_months) / 12.0;
                if !self.spend_eur(model, p, cost) {
                    self.exhausted[p] = true;
                }
            }
        }
    }

    /// End the step: record the participant stock.
    pub fn end_step(&mut self) {
        for (p, f) in self.flows.by_policy.iter_mut().enumerate() {
            f[col::PARTICIPANTS] = self.participants[p] as f64;
        }
    }

    /// EUR still available to policy `p`: the tighter of its total and yearly caps, each less
    /// the fees promised to current participants (a promise made in one policy year may be paid
    /// in the next, so it is held against the year's cap until it is paid or released).
    fn room(&self, model: &Model, p: usize) -> f64 {
        let policy = &model.scenario.policies[p];
        let total = policy
            .budget
            .map_or(f64::INFINITY, |b| b - self.spent[p] - self.committed[p]);
        let yearly = policy.budget_per_year.map_or(f64::INFINITY, |b| {
            b - self.spent_year[p] - self.committed[p]
        });
        total.min(yearly)
    }

    /// EUR policy `p` may still commit in step `t` when paced: each budget in proportion to the
    /// steps elapsed (from its first step, never from step 0, which does not run), of the
    /// window for the total (to its `end`, or to the end of the run when the window is open
    /// ended), of the policy year for the yearly one, less what is spent and promised.
    /// Unbounded when the policy is not paced or has no budget.
    fn paced_room(&self, model: &Model, p: usize, t: u32) -> f64 {
        let s = &model.scenario;
        let policy = &s.policies[p];
        if !policy.paced {
            return f64::INFINITY;
        }
        let first = policy.start.max(1);
        let last = if policy.end == crate::agent::MAX_STEPS {
            s.simulation.steps
        } else {
            policy.end
        }
        .max(first);
        let elapsed = f64::from(t.saturating_sub(first) + 1);
        let total = policy.budget.map_or(f64::INFINITY, |b| {
            b * (elapsed / f64::from(last - first + 1)).min(1.0) - self.spent[p] - self.committed[p]
        });
        let steps_per_year = (12 / s.simulation.step_months).max(1);
        let in_year = f64::from((t.saturating_sub(policy.start)) % steps_per_year + 1);
        let yearly = policy.budget_per_year.map_or(f64::INFINITY, |b| {
            b * in_year / f64::from(steps_per_year) - self.spent_year[p] - self.committed[p]
        });
        total.min(yearly)
    }

    /// Spend `eur` if the caps allow; otherwise refuse and count the refusal.
    fn spend_eur(&mut self, model: &Model, p: usize, eur: f64) -> bool {
        if eur > self.room(model, p) + 1e-6 {
            self.flows.by_policy[p][col::REFUSED] += 1.0;
            return false;
        }
        self.pay(p, eur);
        true
    }

    /// Record `eur` as spent by policy `p`.
    fn pay(&mut self, p: usize, eur: f64) {
        self.spent[p] += eur;
        self.spent_year[p] += eur;
        self.flows.by_policy[p][col::SPENDING] += eur;
    }

    /// Spend a per-person cost for one agent, if the caps allow.
    pub fn spend(&mut self, model: &Model, p: usize, per_person: f64) -> bool {
        per_person <= 0.0 || self.spend_eur(model, p, per_person * self.persons_per_agent)
    }

    /// Pay a course of one agent in step `t` for a policy without participants (a training
    /// subsidy, an opened fund): paced like an enrolment, a course the paced budget cannot
    /// take yet is held back (not refused: the worker may start later); then as [`Book::spend`].
    pub fn spend_paced(&mut self, model: &Model, p: usize, t: u32, per_person: f64) -> bool {
        let eur = per_person * self.persons_per_agent;
        if eur > 0.0 && eur > self.paced_room(model, p, t) + 1e-6 {
            return false;
        }
        self.spend(model, p, per_person)
    }

    /// The placement fee of one agent of policy `p`, in EUR.
    fn fee(&self, model: &Model, p: usize) -> f64 {
        model.scenario.policies[p].cost_per_placement * self.persons_per_agent
    }

    /// Enrol one agent in step `t` if the caseload has room and its participant cost and
    /// placement fee (reserved now, so that it is never refused later) fit the caps, and, when
    /// the policy is paced, its share of the budget so far. A refusal for money is counted; one
    /// for a full caseload or pacing is not (the worker waits, as on a waiting list).
    pub fn enrol(&mut self, model: &Model, p: usize, t: u32, id: u32) -> bool {
        let policy = &model.scenario.policies[p];
        if policy
            .caseload
            .is_some_and(|c| (self.participants[p] + 1) as f64 * self.persons_per_agent > c + 1e-9)
        {
            return false;
        }
        let cost = policy.cost_per_participant * self.persons_per_agent;
        let fee = self.fee(model, p);
        if cost + fee > self.room(model, p) + 1e-6 {
            self.flows.by_policy[p][col::REFUSED] += 1.0;
            return false;
        }
        if cost + fee > self.paced_room(model, p, t) + 1e-6 {
            return false;
        }
        if cost > 0.0 {
            self.pay(p, cost);
        }
        self.committed[p] += fee;
        self.participants[p] += 1;
        self.flows.by_policy[p][col::NEW_PARTICIPANTS] += 1.0;
        if policy.max_steps.is_some() {
            self.entries[p].push_back((id, t));
            self.latest[p].insert(id, t);
        }
        true
    }

    /// The participations that reach policy `p`'s longest duration at step `t`: the workers
    /// whose latest entry was `max_steps` or more steps ago. The caller ends those still taking
    /// part ([`Book::end_at_maximum`]); the others left before.
    pub fn due(&mut self, model: &Model, p: usize, t: u32, out: &mut Vec<u32>) {
        let Some(max) = model.scenario.policies[p].max_steps else {
            return;
        };
        while let Some(&(id, entered)) = self.entries[p].front() {
            if entered + max > t {
                break;
            }
            self.entries[p].pop_front();
            if self.latest[p].get(&id) == Some(&entered) {
                self.latest[p].remove(&id);
                out.push(id);
            }
        }
    }

    /// A participant of `p` reached the longest participation unplaced: it leaves, and its
    /// promised fee is released.
    pub fn end_at_maximum(&mut self, model: &Model, p: usize) {
        self.leave(model, p);
        self.flows.by_policy[p][col::ENDED_AT_MAXIMUM] += 1.0;
    }

    /// Policy `p` (a job-retention scheme) keeps `agents` staff beyond demand this step: they
    /// are its participants of the step.
    pub fn retain(&mut self, p: usize, agents: u32) {
        self.participants[p] += u64::from(agents);
    }

    /// A participant of `p` left the labour force (retired) without being placed: its promised
    /// fee is released.
    pub fn leave(&mut self, model: &Model, p: usize) {
        self.participants[p] = self.participants[p].saturating_sub(1);
        self.committed[p] = (self.committed[p] - self.fee(model, p)).max(0.0);
    }

    /// A participant of `p` was hired: count the placement, by where the participant came from
    /// (`origin`: one of the `PLACED_FROM_*` columns) and whether the job is across the border,
    /// and pay the fee promised at its enrolment.
    pub fn place(&mut self, model: &Model, p: usize, origin: usize, across: bool) {
        self.participants[p] = self.participants[p].saturating_sub(1);
        let f = &mut self.flows.by_policy[p];
        f[col::PLACEMENTS] += 1.0;
        f[origin] += 1.0;
        if across {
            f[col::PLACED_ACROSS_BORDER] += 1.0;
        }
        let fee = self.fee(model, p);
        self.committed[p] = (self.committed[p] - fee).max(0.0);
        if fee > 0.0 {
            self.pay(p, fee);
        }
    }
}
