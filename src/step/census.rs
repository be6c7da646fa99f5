//! Keeping the census up to date event by event: what one worker contributes to it
//! ([`Entry`], [`Census::tally`]) and the long-term counts the scan takes. The full recount is
//! [`crate::world::census`]; stage `census` checks the two agree (debug builds). Also the
//! stocks of job finding by time without work the scan takes, recorded as flows of the step.

use crate::agent::Status;
use crate::metrics::{flow, home, node, Census, Flows};
use crate::model::Model;

/// Replace the long-term unemployment counts by those the scan took: the unemployed at the
/// start of the step whose spell reaches `long_term_steps` by its end. `apply` then removes the
/// ones who leave unemployment.
pub fn set_long_term(census: &mut Census, events: &super::scan::Events) {
    for (n, &x) in census.by_node.iter_mut().zip(&events.long_term_by_node) {
        n[node::LONG_TERM] = x;
    }
    for (h, &x) in census.by_home.iter_mut().zip(&events.long_term_by_home) {
        h[home::LONG_TERM] = x;
    }
}

/// The step's stocks of job finding by time without work: the unemployed and the attached
/// inactive at its start in months 1-6 and 7-12 of their time without work
/// ([`flow::UNEMPLOYED_IN_MONTHS_1_6`] and the three after it), as the scan counted them,
/// recorded with the step's flows (cleared before).
pub fn count_spells(flows: &mut Flows, events: &super::scan::Events) {
    const FIRST: usize = flow::UNEMPLOYED_IN_MONTHS_1_6;
    const _: () = assert!(
        flow::UNEMPLOYED_IN_MONTHS_7_12 == FIRST + 1
            && flow::ATTACHED_INACTIVE_IN_MONTHS_1_6 == FIRST + 2
            && flow::ATTACHED_INACTIVE_IN_MONTHS_7_12 == FIRST + 3
    );
    for (n, x) in flows.by_node.iter_mut().zip(&events.spells_by_node) {
        n[FIRST..FIRST + 4]
            .iter_mut()
            .zip(x)
            .for_each(|(a, b)| *a += b);
    }
    for (h, x) in flows.by_home.iter_mut().zip(&events.spells_by_home) {
        h[FIRST..FIRST + 4]
            .iter_mut()
            .zip(x)
            .for_each(|(a, b)| *a += b);
    }
}

/// What one worker contributes to a census: its status, node, home, contract and whether it
/// counts as long-term unemployed.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub status: u8,
    pub node: usize,
    pub home: usize,
    pub contract: u8,
    pub long_term: bool,
    /// Employed under notice of dismissal.
    pub notice: bool,
    /// Age group.
    pub age: u8,
}

impl Census {
    /// Count a worker in (`add`) or out of (`!add`) this census.
    #[inline]
    pub fn tally(&mut self, model: &Model, e: Entry, add: bool) {
        self.tally_by(model, e, |x: &mut u64| if add { *x += 1 } else { *x -= 1 });
    }

    /// Count a worker in (`add`) or out of (`!add`) a census of changes, which starts at zero
    /// and may go below it (wrapping): added to the census with [`Census::add_changes`], it
    /// gives what tallying the same entries in the census itself gives.
    #[inline]
    pub fn tally_change(&mut self, model: &Model, e: Entry, add: bool) {
        self.tally_by(model, e, |x: &mut u64| {
            *x = if add {
                x.wrapping_add(1)
            } else {
                x.wrapping_sub(1)
            }
        });
    }

    /// Add a census of changes ([`Census::tally_change`]) to this one.
    pub fn add_changes(&mut self, changes: &Census) {
        for (a, b) in self.by_node.iter_mut().zip(&changes.by_node) {
            for (x, y) in a.iter_mut().zip(b) {
                *x = x.wrapping_add(*y);
            }
        }
        for (a, b) in self.by_home.iter_mut().zip(&changes.by_home) {
            for (x, y) in a.iter_mut().zip(b) {
                *x = x.wrapping_add(*y);
            }
        }
        for (x, y) in self.commuters.iter_mut().zip(&changes.commuters) {
            *x = x.wrapping_add(*y);
        }
    }

    #[inline(always)]
    fn tally_by(&mut self, model: &Model, e: Entry, step: impl Fn(&mut u64)) {
        let (j, h) = (e.node, e.home);
        if e.status == Status::Employed as u8 {
            let nc = model.n_countries;
            let (ch, cw) = (
                model.region_country[h] as usize,
                model.node_country[j] as usize,
            );
            step(&mut self.by_node[j][node::EMPLOYED]);
            step(&mut self.by_node[j][node::EMPLOYED_BY_CONTRACT + e.contract as usize]);
            step(&mut self.by_home[h][home::EMPLOYED]);
            step(&mut self.commuters[ch * nc + cw]);
            if e.notice {
                step(&mut self.by_node[j][node::UNDER_NOTICE]);
                step(&mut self.by_home[h][home::UNDER_NOTICE]);
            }
            if ch != cw {
                step(&mut self.by_node[j][node::CROSS_BORDER_IN]);
                step(&mut self.by_home[h][home::CROSS_BORDER_OUT]);
            }
        } else if e.status == Status::Unemployed as u8 {
            step(&mut self.by_node[j][node::UNEMPLOYED]);
            step(&mut self.by_home[h][home::UNEMPLOYED]);
            step(&mut self.by_node[j][node::UNEMPLOYED_BY_AGE + e.age as usize]);
            step(&mut self.by_home[h][home::UNEMPLOYED_BY_AGE + e.age as usize]);
            if e.long_term {
                step(&mut self.by_node[j][node::LONG_TERM]);
                step(&mut self.by_home[h][home::LONG_TERM]);
            }
        } else if e.status == Status::Training as u8 {
            step(&mut self.by_node[j][node::TRAINING]);
            step(&mut self.by_home[h][home::TRAINING]);
        } else {
            step(&mut self.by_node[j][node::INACTIVE]);
            step(&mut self.by_home[h][home::INACTIVE]);
            if e.status == Status::Available as u8 {
                step(&mut self.by_home[h][home::AVAILABLE]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The census changes of a run of events, tallied apart from zero (going below it) and
    /// added after, give the census that tallying the same entries in it gives.
    #[test]
    fn census_changes_added_after_give_the_census_tallied_in_place() {
        let (model, world) = crate::world::small_world();
        let w = &world.workers;
        let entry = |i: usize, status: u8| Entry {
            status,
            node: w.node[i] as usize,
            home: w.home[i] as usize,
            contract: w.contract[i],
            long_term: false,
            notice: false,
            age: w.age[i],
        };
        let (mut in_place, mut changes) = (world.census.clone(), Census::new(1, 1, 1));
        changes.commuters.resize(world.census.commuters.len(), 0);
        // A hundred workers spread over the ids move from their status to the next one round.
        for i in (0..w.len()).step_by(w.len() / 100) {
            let (from, to) = (w.status[i], (w.status[i] + 1) % 3);
            in_place.tally(&model, entry(i, from), false);
            in_place.tally(&model, entry(i, to), true);
            changes.tally_change(&model, entry(i, from), false);
            changes.tally_change(&model, entry(i, to), true);
        }
        assert_ne!(in_place.commuters, world.census.commuters);
        assert_ne!(in_place.by_node, world.census.by_node);
        let mut after = world.census.clone();
        after.add_changes(&changes);
        assert_eq!(after, in_place);
    }
}
