//! Counting a world's stocks: the census of every node and home region by one scan over all
//! workers, in parallel over fixed chunks whose integer counts are added in chunk order.
//!
//! Workers are laid out by home region and sector, so neighbours mostly share their (node, home)
//! pair: counts are accumulated in registers, branch-free, while the pair stays the same and
//! flushed into the tables when it changes. This keeps the scan at memory speed instead of one
//! dependent read-modify-write per counter per worker.

use crate::agent::Status;
use crate::metrics::{home, node, Census};
use crate::model::Model;
use crate::world::Workers;

/// Counts of one run of workers sharing (node, home).
#[derive(Default, Clone, Copy)]
struct Run {
    employed: [u64; 3],
    unemployed: u64,
    training: u64,
    long_term: u64,
    notice: u64,
    inactive: u64,
    available: u64,
    unemployed_by_age: [u64; 3],
}

impl Run {
    fn flush(&self, model: &Model, j: usize, h: usize, c: &mut Census) {
        let nc = model.n_countries;
        let employed = self.employed[0] + self.employed[1] + self.employed[2];
        let n = &mut c.by_node[j];
        n[node::EMPLOYED] += employed;
        for k in 0..3 {
            n[node::EMPLOYED_BY_CONTRACT + k] += self.employed[k];
        }
        n[node::UNEMPLOYED] += self.unemployed;
        n[node::TRAINING] += self.training;
        n[node::LONG_TERM] += self.long_term;
        n[node::UNDER_NOTICE] += self.notice;
        n[node::INACTIVE] += self.inactive;
        for a in 0..3 {
            n[node::UNEMPLOYED_BY_AGE + a] += self.unemployed_by_age[a];
        }
        let hh = &mut c.by_home[h];
        hh[home::EMPLOYED] += employed;
        hh[home::UNEMPLOYED] += self.unemployed;
        hh[home::TRAINING] += self.training;
        hh[home::LONG_TERM] += self.long_term;
        hh[home::UNDER_NOTICE] += self.notice;
        hh[home::INACTIVE] += self.inactive;
        hh[home::AVAILABLE] += self.available;
        for a in 0..3 {
            hh[home::UNEMPLOYED_BY_AGE + a] += self.unemployed_by_age[a];
        }
        let (ch, cw) = (
            model.region_country[h] as usize,
            model.node_country[j] as usize,
        );
        c.commuters[ch * nc + cw] += employed;
        if ch != cw {
            c.by_node[j][node::CROSS_BORDER_IN] += employed;
            c.by_home[h][home::CROSS_BORDER_OUT] += employed;
        }
    }
}

/// Recount every stock of the workers `w` at clock `now` into `total`, using `chunks` as
/// per-chunk scratch.
pub fn count(model: &Model, w: &Workers, now: u16, chunks: &mut Vec<Census>, total: &mut Census) {
    let (nn, nr, nc) = (model.n_nodes, model.n_regions, model.n_countries);
    let long_term = model.scenario.mechanics.long_term_steps;
    crate::chunks::for_each_chunk(
        w.len(),
        chunks,
        || Census::new(nn, nr, nc),
        |range, c| {
            c.clear();
            let (mut j, mut h) = (u32::MAX, u16::MAX);
            let mut run = Run::default();
            for i in range {
                let (ji, hi) = (u32::from(w.node[i]), w.home[i]);
                if ji != j || hi != h {
                    if j != u32::MAX {
                        run.flush(model, j as usize, h as usize, c);
                    }
                    (j, h) = (ji, hi);
                    run = Run::default();
                }
                let status = w.status[i];
                let contract = w.contract[i];
                let employed = status == Status::Employed as u8;
                let unemployed = status == Status::Unemployed as u8;
                run.employed[0] += u64::from(employed & (contract == 0));
                run.employed[1] += u64::from(employed & (contract == 1));
                run.employed[2] += u64::from(employed & (contract == 2));
                run.unemployed += u64::from(unemployed);
                run.training += u64::from(status == Status::Training as u8);
                let spell = u32::from(now.wrapping_sub(w.spell_start[i]));
                run.long_term += u64::from(unemployed & (spell >= long_term));
                run.notice += u64::from(employed & (w.notice_until[i] != 0));
                run.inactive += u64::from(status >= Status::Inactive as u8);
                run.available += u64::from(status == Status::Available as u8);
                let age = w.age[i];
                for a in 0..3 {
                    run.unemployed_by_age[a] += u64::from(unemployed & (age == a as u8));
                }
            }
            if j != u32::MAX {
                run.flush(model, j as usize, h as usize, c);
            }
        },
    );
    total.clear();
    for c in &chunks[..w.len().div_ceil(crate::chunks::CHUNK)] {
        total.add(c);
    }
}
