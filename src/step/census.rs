//! Stage 8, census: count the stocks of every node and home region by scanning all workers, in
//! parallel over fixed chunks whose integer counts are added in chunk order.

use crate::metrics::{home, node, Census};
use crate::model::Model;
use crate::world::{Status, World};

pub fn count(model: &Model, world: &World, now: u16, chunks: &mut Vec<Census>, total: &mut Census) {
    let (nn, nr, nc) = (model.n_nodes, model.n_regions, model.n_countries);
    let long_term = model.scenario.mechanics.long_term_steps;
    let w = &world.workers;
    super::for_each_chunk(
        w.len(),
        chunks,
        || Census::new(nn, nr, nc),
        |range, c| {
            c.clear();
            for i in range {
                let j = w.node[i] as usize;
                let h = w.home[i] as usize;
                let status = w.status[i];
                if status == Status::Employed as u8 {
                    let ch = model.region_country[h] as usize;
                    let cw = model.node_country[j] as usize;
                    let n = &mut c.by_node[j];
                    n[node::EMPLOYED] += 1;
                    n[node::EMPLOYED_BY_CONTRACT + w.contract[i] as usize] += 1;
                    c.by_home[h][home::EMPLOYED] += 1;
                    c.commuters[ch * nc + cw] += 1;
                    if ch != cw {
                        c.by_node[j][node::CROSS_BORDER_IN] += 1;
                        c.by_home[h][home::CROSS_BORDER_OUT] += 1;
                    }
                } else if status == Status::Unemployed as u8 {
                    c.by_node[j][node::UNEMPLOYED] += 1;
                    c.by_home[h][home::UNEMPLOYED] += 1;
                    if u32::from(now - w.spell_start[i]) >= long_term {
                        c.by_node[j][node::LONG_TERM] += 1;
                        c.by_home[h][home::LONG_TERM] += 1;
                    }
                } else {
                    c.by_node[j][node::TRAINING] += 1;
                    c.by_home[h][home::TRAINING] += 1;
                }
            }
        },
    );
    total.clear();
    for c in &chunks[..w.len().div_ceil(super::CHUNK)] {
        total.add(c);
    }
}
