//! Keeping the census up to date event by event: what one worker contributes to it
//! ([`Entry`], [`Census::tally`]) and the long-term counts the scan takes. The full recount is
//! [`crate::world::census`]; stage `census` checks the two agree (debug builds).

use crate::agent::Status;
use crate::metrics::{home, node, Census};
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
        let step = |x: &mut u64| {
            if add {
                *x += 1
            } else {
                *x -= 1
            }
        };
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
