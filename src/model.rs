//! The derived, read-only tables a run needs: node layout, commuting weights, border factors,
//! offer utilities and sector mobility, computed once from a [`Scenario`].
//!
//! A node is a (region, sector) pair with id `region * S + sector`. Nothing here changes during a
//! run; the mutable state is in [`crate::world::World`]. Policies that change travel times or
//! border frictions build their own [`Geo`] with [`Geo::build`] while they are active.

use crate::metrics::{home, node};
use crate::scenario::Scenario;

pub type NodeId = u32;

/// Everything that follows from travel times and border frictions.
#[derive(Clone, Debug)]
pub struct Geo {
    /// `C[h -> r]`: commuting weight from home region h to work region r, `[h * R + r]`.
    pub commute: Vec<f64>,
    /// Expected one-way travel minutes `[h * R + r]` (used in offer utilities).
    pub minutes: Vec<f64>,
    /// Border factor `(1 - admin friction) * awareness` for (home country, work country).
    pub border_factor: Vec<f64>,
    /// The awareness part of it, for policies that raise awareness of their participants.
    pub awareness: Vec<f64>,
    /// Utility of a job at node j for a worker living in region h, `[h * N + j]`.
    pub utility: Vec<f64>,
    /// For each home region, the nodes within commuting reach, ascending.
    pub reachable: Vec<Vec<NodeId>>,
    /// For each home region, the bit set of foreign countries within commuting reach.
    pub reachable_foreign: Vec<u8>,
}

impl Geo {
    /// The tables for the given travel times `[from * R + to]` (minutes, `INFINITY` where there
    /// is no connection) and per country pair admin friction and awareness `[from * C + to]`.
    pub fn build(
        s: &Scenario,
        travel_car: &[f64],
        travel_pt: &[f64],
        admin_friction: &[f64],
        awareness: &[f64],
    ) -> Geo {
        let (nr, ns, nc) = (s.n_regions(), s.n_sectors(), s.n_countries());
        let nn = nr * ns;
        let country = |r: usize| s.regions[r].country;
        let c = &s.commuting;
        let mode_weight = |t: f64| {
            if t <= c.max_minutes {
                libm::exp(-t / c.decay_minutes)
            } else {
                0.0
            }
        };
        let mut commute = vec![0.0; nr * nr];
        let mut minutes = vec![f64::INFINITY; nr * nr];
        for h in 0..nr {
            for r in 0..nr {
                let (car, pt) = (travel_car[h * nr + r], travel_pt[h * nr + r]);
                commute[h * nr + r] =
                    c.car_share * mode_weight(car) + (1.0 - c.car_share) * mode_weight(pt);
                minutes[h * nr + r] = match (car.is_finite(), pt.is_finite()) {
                    (true, true) => c.car_share * car + (1.0 - c.car_share) * pt,
                    (true, false) => car,
                    (false, true) => pt,
                    (false, false) => f64::INFINITY,
                };
            }
        }
        let border_factor = (0..nc * nc)
            .map(|i| (1.0 - admin_friction[i]) * awareness[i])
            .collect::<Vec<_>>();
        let mut utility = vec![f64::NEG_INFINITY; nr * nn];
        for h in 0..nr {
            let ch = country(h);
            for j in 0..nn {
                let (r, sec) = (j / ns, j % ns);
                let m = minutes[h * nr + r];
                if m.is_finite() {
                    utility[h * nn + j] = s.sectors[sec].wage
                        - c.cost_per_minute * m
                        - s.border.cost[ch * nc + country(r)];
                }
            }
        }
        let reachable = (0..nr)
            .map(|h| {
                (0..nn)
                    .filter(|&j| commute[h * nr + j / ns] > 0.0)
                    .map(|j| j as NodeId)
                    .collect()
            })
            .collect();
        let reachable_foreign = (0..nr)
            .map(|h| {
                (0..nr)
                    .filter(|&r| commute[h * nr + r] > 0.0 && country(r) != country(h))
                    .fold(0u8, |m, r| m | 1 << country(r))
            })
            .collect();
        Geo {
            commute,
            minutes,
            border_factor,
            awareness: awareness.to_vec(),
            utility,
            reachable,
            reachable_foreign,
        }
    }
}

/// Read-only tables shared by every replication of a run.
pub struct Model {
    pub scenario: Scenario,
    pub n_regions: usize,
    pub n_sectors: usize,
    pub n_countries: usize,
    pub n_nodes: usize,
    pub node_region: Vec<u16>,
    pub node_sector: Vec<u8>,
    pub node_country: Vec<u8>,
    pub region_country: Vec<u8>,
    /// Language bit set each node's jobs ask for: its region's (by default its country's).
    pub node_languages: Vec<u8>,
    /// Bit set of regulated sectors.
    pub regulated_mask: u32,
    /// Commuting, border factors and utilities without any policy.
    pub geo: Geo,
    /// Sector mobility `M[from * S + to]`.
    pub mobility: Vec<f64>,
    /// Employer preference weights by age group; `None` when all are equal (uniform choice).
    pub employer_weights: Option<[f64; 3]>,
    /// Whether any diploma recognition procedure is defined.
    pub any_recognition: bool,
    /// A check, not a model setting: the decision scan looks at every worker each step instead
    /// of only those the ladder draws and its marks find (`labsim run --look-at-every-worker`;
    /// docs/MODEL.md 7.15). The draws are the same, so the output is too, only slower.
    pub look_at_every_worker: bool,
    /// Search weight of each sector for a worker not qualified for it (unregulated sectors),
    /// by sector id (at most 32 sectors: indexed `& 31`, without a bounds check).
    pub unqualified: [f64; 32],
    /// By sector id: the multiple of the screening pass rate of an application to the sector
    /// of the applicant's last completed course, `training.screening_gain_per_year` to the
    /// power of the course's length in years (1 without the key; docs/MODEL.md 7.3).
    pub trained_screen: [f64; 32],
    /// Per region, the share of each sector among school leavers' qualifications, normalised
    /// to sum to 1 (all equal if every weight is 0). `[0]` at rest (the burn-in): the region's
    /// employment share times the sector's `school_leavers_weight`. `[1]` from step 1: that
    /// times the node's replacement and growth need, the yearly leavers at rest plus the
    /// node's demand trend, so that a growing sector gets the entrants its growth needs.
    pub school_leavers: [Vec<Vec<f64>>; 2],
}

impl Model {
    /// The separation multiplier of jobs at node `j`: its country's times its region's (on the
    /// separation probability `delta_u,s` and the employers' job reallocation).
    pub fn separation_multiplier(&self, j: usize) -> f64 {
        let s = &self.scenario;
        s.countries[self.node_country[j] as usize].separation_multiplier
            * s.regions[self.node_region[j] as usize].separation_multiplier
    }

    pub fn new(scenario: Scenario) -> Model {
        let s = &scenario;
        let (nr, ns) = (s.n_regions(), s.n_sectors());
        let nn = nr * ns;
        let node_region = (0..nn).map(|j| (j / ns) as u16).collect();
        let node_sector = (0..nn).map(|j| (j % ns) as u8).collect();
        let region_country: Vec<u8> = s.regions.iter().map(|r| r.country as u8).collect();
        let node_country = (0..nn).map(|j| region_country[j / ns]).collect();
        let regulated_mask = s
            .sectors
            .iter()
            .enumerate()
            .filter(|(_, x)| x.regulated)
            .fold(0u32, |m, (i, _)| m | 1 << i);
        let geo = Geo::build(
            s,
            &s.travel_car,
            &s.travel_pt,
            &s.border.admin_friction,
            &s.border.awareness,
        );
        let weights = [
            s.ages[0].employer_weight,
            s.ages[1].employer_weight,
            s.ages[2].employer_weight,
        ];
        let employer_weights = (weights.iter().any(|w| *w != weights[0])).then_some(weights);
        let any_recognition = s.recognition.iter().any(|r| r.is_some())
            || s.policies
                .iter()
                .any(|p| matches!(p.kind, crate::scenario::policy::Kind::DiplomaRecognition(_)));
        let mut unqualified = [0.0; 32];
        for (k, u) in unqualified.iter_mut().enumerate().take(ns) {
            *u = s.unqualified_weight(k);
        }
        let mut trained_screen = [1.0; 32];
        let gain = s.training.screening_gain_per_year;
        for (k, f) in trained_screen.iter_mut().enumerate().take(ns) {
            let years = f64::from(s.sectors[k].training_steps * s.simulation.step_months) / 12.0;
            *f = gain.powf(years);
        }
        let at_rest = s
            .population
            .as_ref()
            .map_or(0.0, |p| p.school_leavers_per_year);
        let leavers = |growing: bool| -> Vec<Vec<f64>> {
            s.regions
                .iter()
                .enumerate()
                .map(|(h, r)| {
                    let w: Vec<f64> = (0..ns)
                        .map(|k| {
                            let need = if growing {
                                (at_rest + s.demand.trend_per_year(h, k)).max(0.0)
                            } else {
                                1.0
                            };
                            r.sector_shares[k] * s.sectors[k].school_leavers_weight * need
                        })
                        .collect();
                    let total: f64 = w.iter().sum();
                    if total > 0.0 {
                        w.iter().map(|x| x / total).collect()
                    } else {
                        vec![1.0 / ns as f64; ns]
                    }
                })
                .collect()
        };
        let school_leavers = [leavers(false), leavers(true)];
        Model {
            n_regions: nr,
            n_sectors: ns,
            n_countries: s.n_countries(),
            n_nodes: nn,
            node_region,
            node_sector,
            node_country,
            region_country,
            node_languages: (0..nn).map(|j| s.regions[j / ns].languages).collect(),
            regulated_mask,
            geo,
            mobility: s.mobility.clone(),
            employer_weights,
            any_recognition,
            look_at_every_worker: false,
            unqualified,
            trained_screen,
            school_leavers,
            scenario,
        }
    }

    #[inline]
    pub fn node(&self, region: usize, sector: usize) -> NodeId {
        (region * self.n_sectors + sector) as NodeId
    }

    /// Benefit paid in one month to the agents counted in `by_home` (a census row of home
    /// region `h`): its unemployed, and its trainees where `benefits.paid_in_training`, at the
    /// benefit of the country they live in (EU rules: Regulation 883/2004, art. 65, the
    /// country of residence pays a wholly unemployed frontier worker). EUR per agent-month.
    pub fn benefit_of_home(&self, h: usize, by_home: &[u64]) -> f64 {
        let c = self.region_country[h] as usize;
        self.scenario.countries[c].benefit_per_month
            * self.benefit_recipients(by_home[home::UNEMPLOYED], by_home[home::TRAINING])
    }

    /// As [`Model::benefit_of_home`] for a census row of node `j`, at the benefit of the node's
    /// country (the sector rows of `series.csv`, which count people where their last job was).
    pub fn benefit_of_node(&self, j: usize, by_node: &[u64]) -> f64 {
        let c = self.node_country[j] as usize;
        self.scenario.countries[c].benefit_per_month
            * self.benefit_recipients(by_node[node::UNEMPLOYED], by_node[node::TRAINING])
    }

    /// Benefit recipients among `unemployed` and `training` agents.
    fn benefit_recipients(&self, unemployed: u64, training: u64) -> f64 {
        let paid = if self.scenario.benefit_in_training {
            training
        } else {
            0
        };
        (unemployed + paid) as f64
    }
}
