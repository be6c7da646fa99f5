//! Stage `demand`: each node's target demand `d_j(t)` = base level x the scenario's demand path
//! (level, business cycle, trends, shocks) at step t (MODEL.md section 7.1), in agent units.

use crate::model::Model;
use crate::world::World;

pub fn target(model: &Model, world: &World, t: u32, out: &mut [f64]) {
    let s = &model.scenario;
    for (j, d) in out.iter_mut().enumerate() {
        let (r, sec) = (j / model.n_sectors, j % model.n_sectors);
        *d = world.demand_base[j] * s.demand.factor(t, s.simulation.step_months, r, sec);
    }
}
