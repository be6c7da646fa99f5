//! Stage `matching`, urn-ball matching (MODEL.md section 7.8): every vacancy slot that received
//! applications offers its job to the applicant with the lowest key (a uniform choice, or an
//! exponential race weighted by the employer's preferences); a worker holding several offers
//! takes the one with the highest utility (wage minus commuting and border costs), ties going to
//! the lowest node id. An employed searcher accepts only an offer at least as good as the current
//! job, unless the current job is at risk; an offer as good as the current job (another employer at the
//! same node) is taken. An employed searcher with a non-wage reason this step (see `search`)
//! takes one of its offers at random, whatever it pays. A slot whose chosen applicant takes another offer stays
//! open. In expectation a node with `s` applications and `v` vacancies fills
//! `v (1 - exp(-s / v))` of them when offers are never declined. With `mechanics.interviews`
//! (`k`) an employer considers only its first `k` applicants: a slot keeps its applicant only if
//! fewer than `k` of the applications that failed the screening rank ahead of it, a Poisson
//! draw from the tally the search kept (docs/MODEL.md 7.8).
//!
//! Work is linear in applications plus vacancies: one pass over applications, one over slots.

use crate::agent::Status;
use crate::model::Model;
use crate::rng::StageKey;
use crate::step::search::SearchBuffers;

const NOBODY: u32 = u32::MAX;

/// An accepted offer: the worker, its index among the step's searchers, and the node hiring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hire {
    pub worker: u32,
    pub searcher: u32,
    pub node: u32,
    /// The vacancy slot filled (its employer, with `[employers]`).
    pub slot: u32,
}

#[derive(Default, Clone)]
pub struct MatchBuffers {
    slot_key: Vec<u64>,
    slot_app: Vec<u32>,
    /// The best offer's utility so far, or for a searcher with a non-wage reason minus its key
    /// (the offers' keys are independent uniform draws, so it takes one at random).
    offer_utility: Vec<f64>,
    offer_node: Vec<u32>,
    offer_slot: Vec<u32>,
    /// Accepted offers of the step, by ascending worker id.
    pub hires: Vec<Hire>,
}

impl MatchBuffers {
    pub fn bytes(&self) -> usize {
        self.slot_key.capacity() * 8
            + self.slot_app.capacity() * 4
            + self.offer_utility.capacity() * 8
            + self.offer_node.capacity() * 4
            + self.offer_slot.capacity() * 4
            + self.hires.capacity() * std::mem::size_of::<Hire>()
    }
}

/// The probability that a failed applicant ranks ahead of a passing one whose ranking key is
/// `key`: the key's quantile under uniform keys, `1 - exp(-w x)` under the exponential race
/// (`x` the key, `w` the failed applications' mean ranking weight; exact when they share it).
fn failed_ahead(key: u64, raced: bool, mean_weight: f64) -> f64 {
    if raced {
        -(-mean_weight * f64::from_bits(key)).exp_m1()
    } else {
        crate::rng::unit_f64(key)
    }
}

/// `P(N < n)` for `N` Poisson with mean `mean`: the chance that fewer than `n` failed
/// applicants rank ahead, so that the first passing one is among the `n` considered.
fn poisson_below(mean: f64, n: u32) -> f64 {
    let (mut term, mut sum) = (1.0, 1.0);
    for j in 1..n {
        term *= mean / f64::from(j);
        sum += term;
    }
    (sum * (-mean).exp()).min(1.0)
}

pub fn run(
    model: &Model,
    key: StageKey,
    levers: &crate::policy::Levers,
    searchers: &[u32],
    search: &mut SearchBuffers,
    buf: &mut MatchBuffers,
) {
    let slots = search.slot_start[model.n_nodes] as usize;
    buf.slot_key.clear();
    crate::chunks::reserve_for(&mut buf.slot_key, slots);
    buf.slot_key.resize(slots, u64::MAX);
    buf.slot_app.clear();
    crate::chunks::reserve_for(&mut buf.slot_app, slots);
    buf.slot_app.resize(slots, NOBODY);
    // Each slot keeps its lowest-key applicant (the searcher's index); on equal keys the
    // earlier application wins.
    for app in search.applications() {
        let slot = app.slot as usize;
        if app.key < buf.slot_key[slot] || buf.slot_app[slot] == NOBODY {
            buf.slot_key[slot] = app.key;
            buf.slot_app[slot] = app.searcher;
        }
    }
    let interviews = model.scenario.mechanics.interviews;
    if interviews > 0 {
        let raced = crate::step::search::raced(model, levers);
        for k in 0..model.n_nodes {
            let (lo, hi) = (search.slot_start[k], search.slot_start[k + 1]);
            let [failed, weighted] = search.failed[k];
            if failed <= 0.0 || hi == lo {
                continue;
            }
            let per_slot = failed / (hi - lo) as f64;
            let mean_weight = weighted / failed;
            for slot in lo as usize..hi as usize {
                if buf.slot_app[slot] == NOBODY {
                    continue;
                }
                let x = buf.slot_key[slot];
                let ahead = per_slot * failed_ahead(x, raced, mean_weight);
                if key.word(slot as u32) >= crate::rng::threshold(poisson_below(ahead, interviews))
                {
                    buf.slot_app[slot] = NOBODY;
                }
            }
        }
    }

    buf.offer_utility.clear();
    crate::chunks::reserve_for(&mut buf.offer_utility, searchers.len());
    buf.offer_utility.resize(searchers.len(), f64::NEG_INFINITY);
    buf.offer_node.clear();
    crate::chunks::reserve_for(&mut buf.offer_node, searchers.len());
    buf.offer_node.resize(searchers.len(), NOBODY);
    buf.offer_slot.clear();
    crate::chunks::reserve_for(&mut buf.offer_slot, searchers.len());
    buf.offer_slot.resize(searchers.len(), NOBODY);
    let info = &search.info;
    let nn = model.n_nodes;
    let utility = &levers.geo(model).utility;
    for k in 0..nn {
        let (lo, hi) = (
            search.slot_start[k] as usize,
            search.slot_start[k + 1] as usize,
        );
        for slot in lo..hi {
            let s = buf.slot_app[slot];
            if s == NOBODY {
                continue;
            }
            let s = s as usize;
            let h = info[s].home as usize;
            let u = if info[s].non_wage() {
                -(buf.slot_key[slot] as f64)
            } else {
                utility[h * nn + k]
            };
            if u > buf.offer_utility[s] {
                buf.offer_utility[s] = u;
                buf.offer_node[s] = k as u32;
                buf.offer_slot[s] = slot as u32;
            }
        }
    }

    buf.hires.clear();
    for (s, &id) in searchers.iter().enumerate() {
        let k = buf.offer_node[s];
        if k == NOBODY {
            continue;
        }
        let me = &info[s];
        if me.status == Status::Employed as u8 {
            let own = me.node as usize;
            let h = me.home as usize;
            let at_least_as_good = buf.offer_utility[s] >= utility[h * nn + own];
            if !(at_least_as_good || me.at_risk() || me.non_wage()) {
                continue;
            }
        }
        buf.hires.push(Hire {
            worker: id,
            searcher: s as u32,
            node: k,
            slot: buf.offer_slot[s],
        });
    }
    crate::chunks::trim(&mut buf.hires);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chance_that_fewer_than_n_failed_applicants_rank_ahead_is_poisson() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(poisson_below(0.0, 1), 1.0));
        assert!(close(poisson_below(2.0, 1), (-2.0f64).exp()));
        // P(N < 3) = e^-m (1 + m + m^2 / 2).
        assert!(close(
            poisson_below(1.5, 3),
            (-1.5f64).exp() * (1.0 + 1.5 + 1.125)
        ));
        assert!(poisson_below(40.0, 3) < 1e-12);
        assert!(close(poisson_below(0.3, 1000), 1.0));
    }

    #[test]
    fn a_failed_applicant_ranks_ahead_as_often_as_its_key_is_lower() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        // Uniform keys: the key's quantile.
        assert!(close(failed_ahead(u64::MAX / 4, false, 1.0), 0.25));
        // The exponential race: P(Exp(w) < x).
        let x = 0.7f64;
        assert!(close(
            failed_ahead(x.to_bits(), true, 1.4),
            1.0 - (-1.4 * x).exp()
        ));
    }
}
