//! The policies' books for one replication: what each has spent (in total and in the current
//! policy year), what it has promised to current participants (their placement fees and, for a
//! programme with a `training_reserve`, a course, reserved at enrolment), how many
//! participants it has, and the flows of the current step. Every spending decision goes
//! through here, so no instrument can pass its cap: a spend that would is refused and counted;
//! a promised fee or course is never refused. New enrolments respect the caseload and, when
//! paced, draw on a budget in proportion to the time elapsed. A policy with a longest
//! participation keeps its participants' entries, to end those not placed in time.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::metrics::{policy_flow as col, PolicyFlows};
use crate::model::Model;

/// The books of every policy in one replication (per-replication state, kept in the world).
#[derive(Clone, Debug)]
pub struct Book {
    spent: Vec<f64>,
    spent_year: Vec<f64>,
    /// Placement fees and course reserves promised to current participants (EUR), reserved
    /// against the budget.
    committed: Vec<f64>,
    /// Current participants whose course reserve is still held (not yet spent on a course).
    reserved: Vec<HashSet<u32>>,
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
            reserved: vec![HashSet::new(); n],
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
                self.reserved[p].clear();
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
            self.flows.by_policy[p][col::REFUSED_SPENDS] += 1.0;
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

    /// The course reserve of one agent of policy `p`, in EUR.
    fn reserve(&self, model: &Model, p: usize) -> f64 {
        model.scenario.policies[p].training_reserve() * self.persons_per_agent
    }

    /// Pay policy `p`'s share of the course of its participant `id` (per person): from the
    /// reserve held for it at enrolment, which the share never exceeds (it is capped at the
    /// reserve), so it is never refused; a participant without a reserve (none promised, or
    /// spent on an earlier course) is paid while money lasts, as [`Book::spend`].
    pub fn pay_course(&mut self, model: &Model, p: usize, id: u32, per_person: f64) -> bool {
        self.release_reserve(model, p, id);
        self.spend(model, p, per_person)
    }

    /// Release the course reserve held for participant `id` of `p`, if any.
    fn release_reserve(&mut self, model: &Model, p: usize, id: u32) {
        if self.reserved[p].remove(&id) {
            self.committed[p] = (self.committed[p] - self.reserve(model, p)).max(0.0);
        }
    }

    /// Enrol one agent in step `t` if the caseload has room and its participant cost, placement
    /// fee and course reserve (both reserved now, so that they are never refused later) fit the
    /// caps, and, when the policy is paced, its share of the budget so far. A refusal for money
    /// is counted; one for a full caseload or pacing is not (the worker waits, as on a waiting
    /// list).
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
        let reserve = self.reserve(model, p);
        let promised = fee + reserve;
        if cost + promised > self.room(model, p) + 1e-6 {
            self.flows.by_policy[p][col::REFUSED_ENROLMENTS] += 1.0;
            return false;
        }
        if cost + promised > self.paced_room(model, p, t) + 1e-6 {
            return false;
        }
        if cost > 0.0 {
            self.pay(p, cost);
        }
        self.committed[p] += promised;
        if reserve > 0.0 {
            self.reserved[p].insert(id);
        }
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
    /// promised fee and course reserve are released.
    pub fn end_at_maximum(&mut self, model: &Model, p: usize, id: u32) {
        self.leave(model, p, id);
        self.flows.by_policy[p][col::ENDED_AT_MAXIMUM] += 1.0;
    }

    /// Policy `p` (a job-retention scheme) keeps `agents` staff beyond demand this step: they
    /// are its participants of the step.
    pub fn retain(&mut self, p: usize, agents: u32) {
        self.participants[p] += u64::from(agents);
    }

    /// A participant of `p` left the labour force (retired) without being placed: its promised
    /// fee and course reserve are released.
    pub fn leave(&mut self, model: &Model, p: usize, id: u32) {
        self.release_reserve(model, p, id);
        self.participants[p] = self.participants[p].saturating_sub(1);
        self.committed[p] = (self.committed[p] - self.fee(model, p)).max(0.0);
    }

    /// A participant of `p` was hired: count the placement, by where the participant came from
    /// (`origin`: one of the `PLACED_FROM_*` columns) and whether the job is across the border,
    /// and pay the fee promised at its enrolment (a course reserve it did not use is released).
    pub fn place(&mut self, model: &Model, p: usize, id: u32, origin: usize, across: bool) {
        self.release_reserve(model, p, id);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::from_toml_str;

    /// A mobility team whose budget holds exactly two course reserves of EUR 1 000 (one agent
    /// per person), and nothing else to pay.
    fn model(reserve: f64) -> Model {
        let text = format!(
            "[simulation]\nsteps = 12\nscale = 1.0\n[[region]]\nname = \"A\"\ncountry = \"NL\"\n\
             labour_force = 1000\nunemployment_rate = 0.05\n[[sector]]\nname = \"s\"\n\
             vacancy_rate = 0.03\n[[policy]]\nkind = \"mobility_team\"\ngroups = [\"unemployed\"]\n\
             training_reserve = {reserve}\npacing = \"none\"\nbudget = 2000\n"
        );
        Model::new(from_toml_str(&text, "book").unwrap())
    }

    /// A spend of exactly what is left is paid; a cent more is refused and counted.
    #[test]
    fn a_spend_of_exactly_what_is_left_is_paid() {
        let m = model(0.0);
        let mut book = Book::new(&m);
        book.begin_step(&m, 1);
        assert!(book.spend(&m, 0, 1500.0));
        assert!(!book.spend(&m, 0, 500.01), "a cent past the budget");
        assert_eq!(book.flows.by_policy[0][col::REFUSED_SPENDS], 1.0);
        assert!(book.spend(&m, 0, 500.0), "exactly the rest");
        assert!((book.spent[0] - 2000.0).abs() < 1e-9);
    }

    /// What is promised is held: a third enrolment that would not leave room for its reserve is
    /// refused; a course paid from a reserve is never refused, even with the budget fully
    /// promised; a reserve released by a participant who leaves, or by a placement, is room
    /// again; a course without a reserve is paid only while money lasts.
    #[test]
    fn a_promised_course_is_reserved_at_enrolment_and_never_refused() {
        let m = model(1000.0);
        let mut book = Book::new(&m);
        book.begin_step(&m, 1);
        assert!(book.enrol(&m, 0, 1, 7));
        assert!(book.enrol(&m, 0, 1, 8));
        assert!(!book.enrol(&m, 0, 1, 9), "no room left for a third reserve");
        assert_eq!(book.flows.by_policy[0][col::REFUSED_ENROLMENTS], 1.0);
        assert_eq!(book.flows.by_policy[0][col::REFUSED_SPENDS], 0.0);
        assert!(
            book.room(&m, 0).abs() < 1e-9,
            "all of the budget is promised"
        );
        // Worker 7's course, EUR 800 of its reserve, is paid although nothing is free.
        assert!(book.pay_course(&m, 0, 7, 800.0));
        assert!((book.spent[0] - 800.0).abs() < 1e-9);
        // The EUR 200 it did not use is free again; worker 7 holds no reserve any more, so a
        // second course of EUR 500 is a plain spend, refused for lack of room.
        assert!((book.room(&m, 0) - 200.0).abs() < 1e-9);
        assert!(!book.pay_course(&m, 0, 7, 500.0));
        assert_eq!(
            book.flows.by_policy[0][col::REFUSED_SPENDS],
            1.0,
            "a refused course"
        );
        assert_eq!(book.flows.by_policy[0][col::REFUSED_ENROLMENTS], 1.0);
        // Worker 8 is placed without a course: its reserve is released.
        book.place(&m, 0, 8, col::PLACED_FROM_UNEMPLOYMENT, false);
        assert!((book.room(&m, 0) - 1200.0).abs() < 1e-9);
        assert!(book.enrol(&m, 0, 1, 9));
        book.leave(&m, 0, 9);
        assert!(
            (book.room(&m, 0) - 1200.0).abs() < 1e-9,
            "leaving releases it too"
        );
    }

    /// Without a reserve nothing is held at enrolment, and a course is paid while money lasts.
    #[test]
    fn without_a_reserve_courses_are_paid_while_money_lasts() {
        let m = model(0.0);
        let mut book = Book::new(&m);
        book.begin_step(&m, 1);
        for id in 0..5 {
            assert!(book.enrol(&m, 0, 1, id));
        }
        assert!(book.pay_course(&m, 0, 0, 1500.0));
        assert!(!book.pay_course(&m, 0, 1, 1500.0), "only 500 left");
    }
}
