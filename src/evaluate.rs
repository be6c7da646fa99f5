//! Participants against their counterfactual selves: what a programme evaluator measures,
//! made exact by common random numbers (docs/MODEL.md 7.16).
//!
//! A scenario and its baseline run with the same seed, so every worker exists in both, under
//! the same index, with the same draws wherever their states agree: a participant's
//! counterfactual self is the same worker in the baseline run. A policy also changes the
//! histories of workers who have not (yet) entered it: a participant's hire takes a job someone
//! else would have had, who may then enter the programme later. Those participants have no
//! comparable counterfactual self at entry (it was in work when they were not); an evaluator's
//! comparison group would not contain them either. So a participant is **comparable** when its
//! employment, and whether it was under notice, at the end of every step before its entry are
//! its counterfactual self's, and the effects on participants are measured on the comparable
//! ones. From the [`Trace`] of one
//! replication of each ([`crate::run::run_traced`]) this module computes, per policy and for
//! all participants together:
//!
//! - the effect on comparable participants' employment by months since entry (their first
//!   enrolment): the share employed in the scenario minus the share of the same workers
//!   employed in the baseline, at the end of the step `m` months after the step of entry;
//! - the direct effect: the comparable participants' employment from their entry on, minus
//!   their counterfactual selves';
//! - deadweight: the share of the comparable participants' placements whose counterfactual self
//!   was employed at the end of the step of the placement (in work anyway);
//! - for courses, the same question: the comparable participants whose first course at or
//!   after entry started after a history (employment and notice at every step before it) the
//!   same as their counterfactual self's are the trainees, since then both faced the same draw
//!   for it (a subsidy's or an opened fund's trainees start it at entry; a programme's later,
//!   and a participant whose history the programme changed meanwhile is left out, as its
//!   course would be chosen by the outcome); the share whose counterfactual self started a
//!   course in the same step trained anyway (a subsidy lowers the price of a course some would
//!   have paid for), and the effect by months since the course's start on the others, the
//!   marginal trainees, who trained only because of the policy, is the course's effect (what an
//!   evaluation of training against non-trainees measures);
//! - for all participants together, the net effect (the change in everyone's employment) and
//!   displacement (the net effect minus the direct effect: the change for everyone else,
//!   including participants who were displaced before they entered).
//!
//! Counts are in agents and steps here; [`crate::compare`] turns them into persons and months.

use std::collections::HashMap;

use crate::metrics::{policy_flow, StepRecord};
use crate::model::Model;
use crate::run::Trace;

/// The longest time since entry the effect curve reports, in months.
pub const HORIZON_MONTHS: u32 = 36;

/// One group's effects in one replication (a policy, or all participants together), in agents
/// and steps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupEffect {
    /// Workers who enrolled at least once, and those of them comparable at entry (the same
    /// employment and notice as their counterfactual selves at every step before).
    pub participants: u64,
    pub comparable: u64,
    /// Per step since entry `k` (0 to the horizon): the sum over the comparable participants
    /// observed `k` steps after their entry of (employed in the scenario) - (employed in the
    /// baseline), and how many were observed.
    pub curve: Vec<(i64, u64)>,
    /// Per step since entry: how many of those observed had their counterfactual self employed
    /// (the level the effect is measured against).
    pub anyway: Vec<u64>,
    /// Comparable participants' employment agent-steps from their entry on, minus their
    /// counterfactual selves'.
    pub direct: i64,
    /// Comparable participants' placements, and those whose counterfactual self was employed
    /// at the same step.
    pub placements: u64,
    pub deadweight: u64,
    /// Comparable participants whose first course at or after entry started after the same
    /// history as their counterfactual self's, and those of them whose counterfactual self
    /// started a course in the same step.
    pub trainees: u64,
    pub trained_anyway: u64,
    /// [`GroupEffect::curve`] for the trainees whose counterfactual self did not start a course
    /// in that step (the marginal trainees), by steps since the course's start.
    pub course_curve: Vec<(i64, u64)>,
    /// The group's policy spending (EUR; for all participants, every policy's).
    pub spending: f64,
}

impl GroupEffect {
    /// The effect on the employment rate `k` steps after entry, if anyone was observed then.
    pub fn at(&self, k: usize) -> Option<f64> {
        rate_at(&self.curve, k)
    }

    /// The counterfactual selves' employment rate `k` steps after entry, if anyone was observed.
    pub fn counterfactual_at(&self, k: usize) -> Option<f64> {
        let (&(_, n), &anyway) = self.curve.get(k).zip(self.anyway.get(k))?;
        (n > 0).then(|| anyway as f64 / n as f64)
    }

    /// The effect on the marginal trainees' employment rate `k` steps after their course
    /// started, if any was observed then.
    pub fn course_at(&self, k: usize) -> Option<f64> {
        rate_at(&self.course_curve, k)
    }

    /// The share of trainees whose counterfactual self started a course in the same step, if
    /// there were trainees.
    pub fn course_deadweight_share(&self) -> Option<f64> {
        (self.trainees > 0).then(|| self.trained_anyway as f64 / self.trainees as f64)
    }

    /// The share of placements that are deadweight, if there were placements.
    pub fn deadweight_share(&self) -> Option<f64> {
        (self.placements > 0).then(|| self.deadweight as f64 / self.placements as f64)
    }

    /// The share of participants comparable at entry, if there were participants.
    pub fn comparable_share(&self) -> Option<f64> {
        (self.participants > 0).then(|| self.comparable as f64 / self.participants as f64)
    }
}

/// The mean difference of a curve's `k`-th point (its sum over the workers observed, and how
/// many), if anyone was observed.
fn rate_at(curve: &[(i64, u64)], k: usize) -> Option<f64> {
    curve
        .get(k)
        .filter(|&&(_, n)| n > 0)
        .map(|&(d, n)| d as f64 / n as f64)
}

/// One replication of a scenario against the same replication of the baseline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evaluation {
    /// Per policy of the scenario, in its order.
    pub policies: Vec<GroupEffect>,
    /// Every participant of any policy, entering at its first enrolment in any.
    pub all: GroupEffect,
    /// Everyone's employment agent-steps in the scenario minus the baseline's.
    pub net: i64,
    /// The scenario's policy spending minus the baseline's (EUR; set by the caller, which has
    /// the baseline's records: 0 from [`evaluate`]).
    pub spending_change: f64,
}

impl Evaluation {
    /// Employment agent-steps that did not go to participants after their entry.
    pub fn displacement(&self) -> i64 {
        self.net - self.all.direct
    }
}

/// Why a replication cannot be evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvaluateError {
    #[error(
        "the scenario has {scenario} workers and the baseline {baseline}: workers are not the same persons in both, so participants have no counterfactual selves"
    )]
    Workers { scenario: usize, baseline: usize },
    #[error("the scenario ran {scenario} steps and the baseline {baseline}")]
    Steps { scenario: usize, baseline: usize },
}

/// Evaluate one replication of `model`'s scenario (its `trace` and `records`) against the same
/// replication of the baseline (`baseline`).
pub fn evaluate(
    model: &Model,
    trace: &Trace,
    records: &[StepRecord],
    baseline: &Trace,
) -> Result<Evaluation, EvaluateError> {
    let steps = trace.employed.len();
    if baseline.employed.len() != steps {
        return Err(EvaluateError::Steps {
            scenario: steps,
            baseline: baseline.employed.len(),
        });
    }
    if trace.workers != baseline.workers {
        return Err(EvaluateError::Workers {
            scenario: trace.workers,
            baseline: baseline.workers,
        });
    }
    let months = model.scenario.simulation.step_months.max(1);
    let horizon = (HORIZON_MONTHS / months) as usize;
    let n_policies = model.scenario.policies.len();

    // First entries, per policy and into any, with whether the participant is comparable.
    let same_before = |i: u32, e: u32| {
        (1..e).all(|t| {
            trace.employed(t, i) == baseline.employed(t, i)
                && trace.noticed(t, i) == baseline.noticed(t, i)
        })
    };
    let mut first: HashMap<(u32, u8), (u32, bool)> = HashMap::new();
    let mut first_any: HashMap<u32, (u32, bool)> = HashMap::new();
    let mut entries: Vec<Vec<(u32, u32, bool)>> = vec![Vec::new(); n_policies];
    let mut entries_any = Vec::new();
    for &(i, p, t) in &trace.register.enrolments {
        if let std::collections::hash_map::Entry::Vacant(v) = first.entry((i, p)) {
            let comparable = same_before(i, t);
            v.insert((t, comparable));
            entries[p as usize].push((i, t, comparable));
        }
        if let std::collections::hash_map::Entry::Vacant(v) = first_any.entry(i) {
            let comparable = same_before(i, t);
            v.insert((t, comparable));
            entries_any.push((i, t, comparable));
        }
    }
    // Course starts: the scenario's per worker in step order, the baseline's as a set.
    let mut courses: HashMap<u32, Vec<u32>> = HashMap::new();
    for &(i, t) in &trace.register.course_starts {
        courses.entry(i).or_default().push(t);
    }
    let courses_anyway: std::collections::HashSet<(u32, u32)> =
        baseline.register.course_starts.iter().copied().collect();
    let diff = |t: u32, i: u32| -> i64 {
        i64::from(trace.employed(t, i)) - i64::from(baseline.employed(t, i))
    };
    let group = |entries: &[(u32, u32, bool)]| -> GroupEffect {
        let mut g = GroupEffect {
            participants: entries.len() as u64,
            curve: vec![(0, 0); horizon + 1],
            anyway: vec![0; horizon + 1],
            course_curve: vec![(0, 0); horizon + 1],
            ..GroupEffect::default()
        };
        for &(i, e, comparable) in entries {
            if !comparable {
                continue;
            }
            g.comparable += 1;
            for t in e..=steps as u32 {
                let d = diff(t, i);
                g.direct += d;
                let k = (t - e) as usize;
                if k <= horizon {
                    g.curve[k].0 += d;
                    g.curve[k].1 += 1;
                    g.anyway[k] += u64::from(baseline.employed(t, i));
                }
            }
            // The first course at or after entry, if the history before it was the
            // counterfactual self's (at entry it is: the participant is comparable).
            let course = courses
                .get(&i)
                .and_then(|starts| starts.iter().copied().find(|&c| c >= e))
                .filter(|&c| same_before(i, c));
            if let Some(c) = course {
                g.trainees += 1;
                if courses_anyway.contains(&(i, c)) {
                    g.trained_anyway += 1;
                } else {
                    for t in c..=(steps as u32).min(c + horizon as u32) {
                        let k = (t - c) as usize;
                        g.course_curve[k].0 += diff(t, i);
                        g.course_curve[k].1 += 1;
                    }
                }
            }
        }
        g
    };
    let spending = |p: usize| -> f64 {
        records
            .iter()
            .skip(1)
            .map(|r| r.policy.by_policy[p][policy_flow::SPENDING])
            .sum()
    };
    let mut policies: Vec<GroupEffect> = entries.iter().map(|e| group(e)).collect();
    for (p, g) in policies.iter_mut().enumerate() {
        g.spending = spending(p);
    }
    let mut all = group(&entries_any);
    let mut last = None;
    for &(i, p, t) in &trace.register.placements {
        let anyway = u64::from(baseline.employed(t, i));
        if first.get(&(i, p)).is_some_and(|&(_, c)| c) {
            let g = &mut policies[p as usize];
            g.placements += 1;
            g.deadweight += anyway;
        }
        // A hire that ends participation in several policies is one placement of all.
        if last != Some((i, t)) && first_any.get(&i).is_some_and(|&(_, c)| c) {
            all.placements += 1;
            all.deadweight += anyway;
            last = Some((i, t));
        }
    }
    all.spending = (0..n_policies).map(spending).sum();
    let net = (1..=steps as u32)
        .map(|t| trace.count(t) as i64 - baseline.count(t) as i64)
        .sum();
    Ok(Evaluation {
        policies,
        all,
        net,
        spending_change: 0.0,
    })
}
