//! Stages `openings` and `apply`: vacancy openings and expiry (del Rio-Chanona et al. 2021, eq. 2): node j opens
//! `Binomial(e_j, delta_v + (1 - delta_v) * gamma_v * max(0, d_j - e_j - v_j) / e_j)` vacancies
//! (probability capped at 1; drawn by rejection, in constant time, where ten or more are
//! expected: [`binomial_rejection`]). A node with no employment opens
//! `gamma_v * max(0, d_j - v_j)` vacancies (stochastically rounded) so that an emptied node can
//! recover; the published model never reaches that case. Unfilled vacancies expire with
//! probability `mechanics.vacancy_expiry` per step. With `[employers]` none of this applies:
//! vacancies are the demanded jobs not filled ([`super::employers`]).

use crate::metrics::{node, Census};
use crate::model::Model;
use crate::rng::{binomial, binomial_rejection, stochastic_round, Draw, StageKey};
use crate::world::World;

pub fn open(
    model: &Model,
    world: &World,
    t: u32,
    census: &Census,
    demand: &[f64],
    out: &mut [u64],
) {
    let m = &model.scenario.mechanics;
    // With employers, vacancies are opened by the employers themselves (`employers.rs`).
    if model.scenario.employers.is_some() {
        out.fill(0);
        return;
    }
    let key = StageKey::new(
        model.scenario.simulation.seed,
        world.replication,
        t,
        Draw::Openings,
    );
    for (j, opened) in out.iter_mut().enumerate() {
        let e = census.by_node[j][node::EMPLOYED];
        let v = world.vacancies[j] as f64;
        let gap = (demand[j] - e as f64 - v).max(0.0);
        let mut rs = key.stream(j as u32);
        *opened = if e > 0 {
            let p = m.vacancy_rate + (1.0 - m.vacancy_rate) * m.vacancy_adjustment * gap / e as f64;
            binomial_rejection(&mut rs, e, p.min(1.0))
        } else {
            stochastic_round(&mut rs, m.vacancy_adjustment * gap)
        };
    }
}

/// How many of `unfilled` vacancies at node j expire this step.
pub fn expire(model: &Model, world: &World, t: u32, j: usize, unfilled: u64) -> u64 {
    let p = model.scenario.mechanics.vacancy_expiry;
    // An employer's vacancy stays open while its demand holds.
    if p <= 0.0 || unfilled == 0 || model.scenario.employers.is_some() {
        return 0;
    }
    let key = StageKey::new(
        model.scenario.simulation.seed,
        world.replication,
        t,
        Draw::Expiry,
    );
    binomial(&mut key.stream(j as u32), unfilled, p)
}
