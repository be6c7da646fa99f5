//! Stage `demand`, separation rules: the probability that an employed worker at node j with contract c
//! separates this step (del Rio-Chanona et al. 2021, J. R. Soc. Interface 18:20200898, eq. 1):
//!
//! `p = delta_u,s * m_c + (1 - delta_u,s) * gamma_u * max(0, e_j + v_j - d_j) / e_j * w_c / w_j`,
//! capped at 1, where `delta_u,s` is the sector's separation rate times the country's and the
//! region's `separation_multiplier` (1 by default), `m_c` is the contract's separation multiplier, `w_c` its downsizing
//! weight and `w_j` the employment-weighted mean of `w_c` at the node, so that downsizing falls
//! on flexible contracts and the self-employed first while the expected number of downsizing
//! separations stays the published one. With `m_c = w_c = 1` this is exactly the published rule.
//!
//! With `[employers]` the downsizing term is replaced by the employers' notices
//! ([`super::employers`]): `p = delta_u,s * m_c`, and no node is at risk as a whole.

use crate::metrics::{node, Census};
use crate::model::Model;

/// Whether worker `i`'s job is at risk: under notice with `[employers]` (`employers`), else at
/// a node whose demand is below its employment (`node_at_risk`). Meaningful for the employed.
#[inline]
pub fn worker_at_risk(
    employers: bool,
    w: &crate::world::Workers,
    node_at_risk: &[bool],
    i: usize,
) -> bool {
    if employers {
        w.notice_until[i] != 0
    } else {
        node_at_risk[w.node[i] as usize]
    }
}

/// Per-node rules of the step, computed from the state at its start.
#[derive(Clone)]
pub struct NodeRules {
    /// Separation probability per (node, contract), in [0, 1].
    pub separation: Vec<[f64; 3]>,
    /// Workers at this node are at risk of losing their job: demand below employment.
    pub at_risk: Vec<bool>,
}

impl NodeRules {
    pub fn new(n_nodes: usize) -> NodeRules {
        NodeRules {
            separation: vec![[0.0; 3]; n_nodes],
            at_risk: vec![false; n_nodes],
        }
    }

    pub fn update(&mut self, model: &Model, census: &Census, vacancies: &[u64], demand: &[f64]) {
        let s = &model.scenario;
        let gamma = s.mechanics.separation_adjustment;
        for j in 0..model.n_nodes {
            let stock = &census.by_node[j];
            let e = stock[node::EMPLOYED] as f64;
            let v = vacancies[j] as f64;
            let d = demand[j];
            let delta = (s.sectors[model.node_sector[j] as usize].separation_rate
                * model.separation_multiplier(j))
            .min(1.0);
            // With employers, downsizing is their notices and being at risk is being under
            // notice (`employers.rs`): only the baseline separations remain here.
            let employers = s.employers.is_some();
            self.at_risk[j] = !employers && d < e;
            let (extra, mean_weight) = if employers {
                (0.0, 1.0)
            } else if e > 0.0 {
                let mean_weight = (0..3)
                    .map(|c| {
                        stock[node::EMPLOYED_BY_CONTRACT + c] as f64
                            * s.contracts[c].downsizing_weight
                    })
                    .sum::<f64>()
                    / e;
                (
                    (1.0 - delta) * gamma * (e + v - d).max(0.0) / e,
                    mean_weight,
                )
            } else {
                (0.0, 1.0)
            };
            for c in 0..3 {
                let params = &s.contracts[c];
                let p = delta * params.separation_multiplier
                    + extra * params.downsizing_weight / mean_weight;
                self.separation[j][c] = p.clamp(0.0, 1.0);
            }
        }
    }
}
