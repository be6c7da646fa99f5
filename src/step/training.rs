//! Stage 2b, training rules: who starts retraining toward a sector in shortage, and who pays.
//!
//! Unemployed workers (after `training.min_unemployment_months`) and employed workers at risk
//! (their node's demand is below its employment) may start a course toward a sector in shortage
//! in their home country (vacancy rate at least `training.shortage_vacancy_rate`) that they are
//! not yet qualified for; the target is drawn in proportion to that sector's vacancies. Take-up
//! per step is `takeup * exp(-private cost / cost_sensitivity)`. Funding (MODEL.md section 3.6):
//! the public employment service pays `public_share_unemployed` of an unemployed worker's
//! course; a sector training fund pays `fund_share` only for training inside its own sector and
//! never for the self-employed, so retraining into another sector is privately paid unless a
//! policy opens the funds. An employed worker who starts a course leaves the job for its
//! duration (the job at risk is shed); on completion the worker is unemployed, qualified for the
//! new sector, and searches again.

use crate::metrics::{node, Census};
use crate::model::Model;
use crate::rng::Stream;
use crate::scenario::Contract;

/// Shortage sectors per country, with their vacancies as weights, from the start of the step.
#[derive(Clone)]
pub struct Shortage {
    pub by_country: Vec<Vec<(u8, f64)>>,
}

impl Shortage {
    pub fn new(n_countries: usize) -> Shortage {
        Shortage {
            by_country: vec![Vec::new(); n_countries],
        }
    }

    pub fn update(&mut self, model: &Model, census: &Census, vacancies: &[u64]) {
        let s = &model.scenario;
        let threshold = s.training.shortage_vacancy_rate;
        for (c, list) in self.by_country.iter_mut().enumerate() {
            list.clear();
            for sec in 0..model.n_sectors {
                let (mut v, mut e) = (0u64, 0u64);
                for r in 0..model.n_regions {
                    if model.region_country[r] as usize == c {
                        let j = model.node(r, sec) as usize;
                        v += vacancies[j];
                        e += census.by_node[j][node::EMPLOYED];
                    }
                }
                if v > 0 && v as f64 / (v + e) as f64 >= threshold {
                    list.push((sec as u8, v as f64));
                }
            }
        }
    }
}

/// Who pays for a course: `[public, sector fund, private]`, in EUR.
pub fn funding(
    model: &Model,
    from_sector: usize,
    target: usize,
    contract: u8,
    employed: bool,
) -> [f64; 3] {
    let s = &model.scenario;
    let cost = s.sectors[target].training_cost;
    let public = if employed {
        0.0
    } else {
        s.training.public_share_unemployed * cost
    };
    let origin = &s.sectors[from_sector];
    let fund_pays = employed
        && origin.training_fund
        && from_sector == target
        && contract != Contract::SelfEmployed as u8;
    let fund = if fund_pays {
        (origin.fund_share * cost).min(cost - public)
    } else {
        0.0
    };
    [public, fund, cost - public - fund]
}

/// Decide whether a worker starts a course this step; returns the target sector.
#[allow(clippy::too_many_arguments)]
pub fn choose(
    model: &Model,
    shortage: &Shortage,
    home_country: usize,
    quals: u32,
    from_sector: usize,
    contract: u8,
    employed: bool,
    takeup: f64,
    rs: &mut Stream,
) -> Option<u8> {
    let options = &shortage.by_country[home_country];
    let total: f64 = options
        .iter()
        .filter(|(sec, _)| quals & (1 << sec) == 0)
        .map(|x| x.1)
        .sum();
    if total <= 0.0 {
        return None;
    }
    let mut u = rs.unit() * total;
    let mut target = None;
    for &(sec, w) in options.iter().filter(|(sec, _)| quals & (1 << sec) == 0) {
        target = Some(sec);
        if u < w {
            break;
        }
        u -= w;
    }
    let target = target?;
    let private = funding(model, from_sector, target as usize, contract, employed)[2];
    let p = takeup * libm::exp(-private / model.scenario.training.cost_sensitivity);
    rs.chance(p).then_some(target)
}
