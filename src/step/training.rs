//! Stage `scan`, training rules: who starts retraining toward a sector in shortage, and who pays.
//!
//! Unemployed workers (after `training.min_unemployment_months`) and employed workers at risk
//! (their node's demand is below its employment) may start a course toward a sector in shortage
//! in their home country (vacancy rate at least `training.shortage_vacancy_rate`), or toward a
//! sector a sector plan they take part in places into, that they are not yet qualified for; the
//! target is drawn in proportion to its vacancies in the home country. Take-up per step is
//! `takeup * exp(-private cost / cost_sensitivity)`, with the higher take-up a policy offers its
//! participants. Funding (MODEL.md section 7.3), in this order: the public employment service
//! pays `public_share_unemployed` of an unemployed worker's course; a sector training fund pays
//! `fund_share` only for training inside its own sector and never for the self-employed, unless
//! an `open_training_funds` policy opens it to training into other sectors; a sector plan or
//! mobility team pays its share for its participants, or else a training subsidy pays its
//! amount. An employed worker who starts a course leaves the job for its duration (the job at
//! risk is shed); on completion the worker is unemployed, qualified for the new sector, and
//! searches again.

use crate::agent::Status;
use crate::metrics::{node, Census};
use crate::model::Model;
use crate::policy::Levers;
use crate::rng::Stream;
use crate::scenario::policy::Policy;
use crate::scenario::Contract;

/// Shortage sectors per country, with their vacancies as weights, from the start of the step.
#[derive(Clone)]
pub struct Shortage {
    pub by_country: Vec<Vec<(u8, f64)>>,
    /// Vacancies per (country, sector), `[c * S + s]`.
    pub vacancies: Vec<f64>,
}

impl Shortage {
    pub fn new(n_countries: usize, n_sectors: usize) -> Shortage {
        Shortage {
            by_country: vec![Vec::new(); n_countries],
            vacancies: vec![0.0; n_countries * n_sectors],
        }
    }

    pub fn update(&mut self, model: &Model, census: &Census, vacancies: &[u64]) {
        let s = &model.scenario;
        let ns = model.n_sectors;
        let threshold = s.training.shortage_vacancy_rate;
        for (c, list) in self.by_country.iter_mut().enumerate() {
            list.clear();
            for sec in 0..ns {
                let (mut v, mut e) = (0u64, 0u64);
                for r in 0..model.n_regions {
                    if model.region_country[r] as usize == c {
                        let j = model.node(r, sec) as usize;
                        v += vacancies[j];
                        e += census.by_node[j][node::EMPLOYED];
                    }
                }
                self.vacancies[c * ns + sec] = v as f64;
                if v > 0 && v as f64 / (v + e) as f64 >= threshold {
                    list.push((sec as u8, v as f64));
                }
            }
        }
    }
}

/// The worker considering a course.
#[derive(Clone, Copy, Debug)]
pub struct Candidate {
    pub home: usize,
    pub from_sector: usize,
    pub status: u8,
    pub contract: u8,
    pub age: u8,
    pub at_risk: bool,
    pub flags: u8,
    pub quals: u32,
}

impl Candidate {
    /// Whether `policy` targets this worker (window aside).
    fn targeted_by(&self, policy: &Policy) -> bool {
        policy.targets(
            self.home,
            self.from_sector,
            self.status,
            self.contract,
            self.age,
            self.at_risk,
        )
    }
}

/// Who pays for a course, in EUR per person. `payer` is the policy whose budget is charged
/// `charged` (a subsidy, a plan or team share, or fund money a policy opened).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Payment {
    pub public: f64,
    pub fund: f64,
    pub policy: f64,
    pub private: f64,
    pub payer: Option<usize>,
    pub charged: f64,
}

/// Who pays for `c`'s course into `target`.
pub fn funding(model: &Model, levers: &Levers, c: &Candidate, target: usize) -> Payment {
    let s = &model.scenario;
    let cost = s.sectors[target].training_cost;
    let employed = c.status == Status::Employed as u8;
    let self_employed = c.contract == Contract::SelfEmployed as u8;
    let mut left = cost;
    let public = if employed {
        0.0
    } else {
        s.training.public_share_unemployed * cost
    };
    left -= public;
    let (mut payer, mut charged) = (None, 0.0);

    // The worker's own sector fund: inside the sector, or outside it where a policy opened it.
    let origin = &s.sectors[c.from_sector];
    let mut fund = 0.0;
    if employed && !self_employed && origin.training_fund {
        let opened_by = (c.from_sector != target)
            .then(|| opener(model, levers, c))
            .flatten();
        if c.from_sector == target || opened_by.is_some() {
            fund = (origin.fund_share * cost).min(left);
            left -= fund;
            if let Some(p) = opened_by {
                (payer, charged) = (Some(p), fund);
            }
        }
    }

    // A policy the worker takes part in, or a training subsidy.
    let mut policy = 0.0;
    if payer.is_none() && levers.enrolling != 0 {
        let e = levers.effect(c.flags);
        if e.training_share > 0.0 {
            policy = (e.training_share * left).min(e.training_cap);
            (payer, charged) = (Some(e.training_payer as usize), policy);
        }
    }
    if payer.is_none() {
        for &(p, amount, share) in &levers.step.subsidies {
            if c.targeted_by(&s.policies[p]) {
                policy = amount.min(share * cost).min(left);
                (payer, charged) = (Some(p), policy);
                break;
            }
        }
    }
    left -= policy;
    Payment {
        public,
        fund,
        policy,
        private: left.max(0.0),
        payer,
        charged,
    }
}

/// The first active `open_training_funds` policy that opens `c`'s sector fund to it.
fn opener(model: &Model, levers: &Levers, c: &Candidate) -> Option<usize> {
    if levers.step.open_funds & (1 << c.from_sector) == 0 {
        return None;
    }
    let policies = &model.scenario.policies;
    levers.step.fund_openers.iter().find_map(|&(p, funds)| {
        (funds & (1 << c.from_sector) != 0 && c.targeted_by(&policies[p])).then_some(p)
    })
}

/// Whether a course drawn from `rs` by [`choose`] can start at all: the start is the stream's
/// second draw (the first picks the target sector, [`offer`]), against a probability never above
/// `takeup`, so a second draw at or above `takeup` starts no course, whatever the sector and
/// its funding. Lets the scan skip weighing the sectors for the many who would not start one.
pub fn may_start(mut rs: Stream, takeup: f64) -> bool {
    rs.next_word();
    rs.unit() < takeup
}

/// Decide whether a worker starts a course this step; returns the target sector.
pub fn choose(
    model: &Model,
    levers: &Levers,
    shortage: &Shortage,
    c: &Candidate,
    takeup: f64,
    rs: &mut Stream,
) -> Option<u8> {
    let (target, p) = offer(model, levers, shortage, c, takeup, rs)?;
    rs.chance(p).then_some(target)
}

/// The course a worker would start this step and the probability that it does: a target
/// sector drawn from `rs` by the shortage weights (`None`: no sector to train for), and the
/// take-up discounted by what the worker would pay itself, `takeup exp(-private /
/// cost_sensitivity)`, never above `takeup` (a payment is never negative). The caller draws
/// the start against it: [`choose`] from the same stream, a course beside work from its
/// ladder (docs/MODEL.md 7.15).
pub fn offer(
    model: &Model,
    levers: &Levers,
    shortage: &Shortage,
    c: &Candidate,
    takeup: f64,
    rs: &mut Stream,
) -> Option<(u8, f64)> {
    let ns = model.n_sectors;
    let country = model.region_country[c.home] as usize;
    // Sectors a sector plan the worker takes part in places into, from the worker's sector.
    let plan_to = if levers.enrolling != 0 {
        let e = levers.effect(c.flags);
        if e.plan_from & (1 << c.from_sector) != 0 {
            e.plan_to
        } else {
            0
        }
    } else {
        0
    };
    let mut options = shortage.by_country[country]
        .iter()
        .map(|&(sec, w)| (sec, w))
        .filter(|(sec, _)| plan_to & (1 << sec) == 0)
        .chain(
            (0..ns)
                .filter(|sec| plan_to & (1 << sec) != 0)
                .map(|sec| (sec as u8, shortage.vacancies[country * ns + sec].max(1.0))),
        )
        .filter(|(sec, _)| c.quals & (1 << sec) == 0);
    let total: f64 = options.clone().map(|x| x.1).sum();
    if total <= 0.0 {
        return None;
    }
    let mut u = rs.unit() * total;
    let mut target = None;
    for (sec, w) in options.by_ref() {
        target = Some(sec);
        if u < w {
            break;
        }
        u -= w;
    }
    let target = target?;
    let private = funding(model, levers, c, target as usize).private;
    let p = takeup * libm::exp(-private / model.scenario.training.cost_sensitivity);
    Some((target, p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::from_toml_str;
    use crate::world::Book;

    /// An unemployed worker of the first region and sector, aged 27-49, with policy `flags`
    /// and qualifications `quals`.
    fn unemployed(flags: u8, quals: u32) -> Candidate {
        Candidate {
            home: 0,
            from_sector: 0,
            status: Status::Unemployed as u8,
            contract: 0,
            age: 1,
            at_risk: false,
            flags,
            quals,
        }
    }

    /// [`may_start`] is [`choose`]'s start condition at the full take-up: with a course that
    /// costs the worker nothing (so the discounted take-up is the take-up), a course starts
    /// from a stream exactly when `may_start` says it can; and where the worker pays, never
    /// where `may_start` says it cannot.
    #[test]
    fn may_start_is_the_start_draw_at_the_full_takeup() {
        let text = |cost: f64| {
            format!(
                "[simulation]\nsteps = 12\n[[region]]\nname = \"A\"\ncountry = \"NL\"\n\
                 labour_force = 1000\nunemployment_rate = 0.05\n[[sector]]\nname = \"s\"\n\
                 vacancy_rate = 0.03\n[[sector]]\nname = \"t\"\nvacancy_rate = 0.06\n\
                 training_cost = {cost}\n"
            )
        };
        let c = unemployed(0, 1);
        let key = crate::rng::StageKey::new(3, 0, 1, crate::rng::Draw::Training);
        for (cost, free) in [(0.0, true), (100_000.0, false)] {
            let model = Model::new(from_toml_str(&text(cost), "may_start").unwrap());
            let levers = Levers::new(&model);
            let mut shortage = Shortage::new(1, 2);
            shortage.by_country[0] = vec![(1, 6.0)];
            let (mut may, mut started) = (0, 0);
            for id in 0..20_000 {
                let rs = key.stream(id);
                let can = may_start(rs.clone(), 0.3);
                let starts = choose(&model, &levers, &shortage, &c, 0.3, &mut rs.clone());
                if free {
                    assert_eq!(can, starts.is_some(), "worker {id}");
                } else {
                    assert!(can || starts.is_none(), "worker {id}");
                }
                may += usize::from(can);
                started += usize::from(starts.is_some());
            }
            // About 0.3 of the streams may start; at a cost of 100 000, of which the worker
            // pays half (ten times the cost sensitivity), almost none of them do.
            assert!((5_700..6_300).contains(&may), "{may} may start");
            assert!(
                if free { started == may } else { started < 50 },
                "{started}"
            );
        }
    }

    /// A programme with a course reserve pays its share of a course up to the reserve and no
    /// more (so a course paid from the reserve always fits it); the rest is the worker's. Without
    /// a reserve it pays its share of the whole remainder.
    #[test]
    fn a_reserve_caps_what_a_programme_pays_for_a_course() {
        let payment = |reserve: f64| {
            let text = format!(
                "[simulation]\nsteps = 12\n[[region]]\nname = \"A\"\ncountry = \"NL\"\n\
                 labour_force = 1000\nunemployment_rate = 0.05\n[[sector]]\nname = \"s\"\n\
                 vacancy_rate = 0.03\ntraining_cost = 5000\n[training]\npublic_share_unemployed = 0.5\n\
                 [[policy]]\nkind = \"mobility_team\"\ngroups = [\"unemployed\"]\n\
                 training_share = 1\ntraining_reserve = {reserve}\n"
            );
            let model = Model::new(from_toml_str(&text, "funding").unwrap());
            let mut levers = Levers::new(&model);
            levers.update(&model, &Book::new(&model), 1);
            let c = unemployed(1, 0);
            funding(&model, &levers, &c, 0)
        };
        let capped = payment(1000.0);
        assert_eq!(
            (capped.public, capped.policy, capped.private),
            (2500.0, 1000.0, 1500.0)
        );
        assert_eq!((capped.payer, capped.charged), (Some(0), 1000.0));
        let whole = payment(0.0);
        assert_eq!(
            (whole.public, whole.policy, whole.private),
            (2500.0, 2500.0, 0.0)
        );
    }
}
