//! Policy instruments: the typed `[[policy]]` blocks, what each changes in a step (the
//! [`Levers`] of the step), and their participants, spending and budgets (the [`Book`]).
//!
//! Every instrument acts only inside its window (`start`..=`end` steps), on workers living in
//! its `regions`, attached to its `sectors` and in its `groups`, and never spends past its
//! `budget` (over the whole run) or `budget_per_year`: a new participant, subsidised course or
//! yearly cost that would pass the cap is refused. Instruments with participants (sector plans,
//! mobility teams, language courses, matching events, coaching, youth guarantee) reach eligible
//! workers at `coverage` per step; participation is a bit per policy in each worker and ends at
//! placement (a hire). The levers, by stage (MODEL.md section 5):
//!
//! - scan: enrolment; on-the-job search and search probability of participants; training
//!   take-up of participants; who pays for a course (subsidy, opened funds, plan or team
//!   share); language learning; recognition procedures (changed rules);
//! - search: extra applications and wider sector weights for participants; commuting (transport),
//!   border factors (information, agreements), recognition no longer needed (barrier removed);
//! - matching: employer preference for participants (coaching, youth guarantee);
//! - apply: spending, placements, dual recognition on course completion.

pub mod book;
mod parse;

pub use book::{Book, PolicyFlows};
pub use parse::{parse, Context, MAX_POLICIES};

use crate::model::{Geo, Model};
use crate::scenario::{RecognitionRule, RegionId};
use crate::world::Status;

/// The policy kinds, in the order MODEL.md lists them.
pub const KINDS: &[&str] = &[
    "sector_plan",
    "training_subsidy",
    "open_training_funds",
    "diploma_recognition",
    "mobility_team",
    "language_course",
    "cross_border_info",
    "cross_border_transport",
    "border_agreement",
    "matching_events",
    "coaching_50plus",
    "youth_guarantee",
    "dual_qualification",
];

/// Target groups: a worker is in them if its status matches one of `status` and its age group
/// one of `ages` (bit 0 under 27, bit 1 27-49, bit 2 50+).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Groups {
    pub status: u8,
    pub ages: u8,
}

impl Groups {
    pub const UNEMPLOYED: u8 = 1;
    /// Employees (any contract but self-employed).
    pub const EMPLOYED: u8 = 2;
    /// Employed (any contract, the self-employed too) at a node whose demand is below its
    /// employment.
    pub const AT_RISK: u8 = 4;
    pub const SELF_EMPLOYED: u8 = 8;
}

#[derive(Clone, Debug)]
pub enum Kind {
    SectorPlan {
        from: u32,
        to: u32,
        mobility_weight: f64,
        extra_applications: u32,
        training_takeup: f64,
        training_share: f64,
        cross_border_awareness: Option<f64>,
    },
    TrainingSubsidy {
        amount: f64,
        share: f64,
    },
    OpenTrainingFunds {
        funds: u32,
    },
    DiplomaRecognition {
        pairs: Vec<(usize, usize)>,
        sectors: u32,
        instant: bool,
        rule: RecognitionRule,
    },
    MobilityTeam {
        on_the_job_search: f64,
        extra_applications: u32,
        sector_weight: f64,
        training_takeup: f64,
        training_share: f64,
    },
    LanguageCourse {
        language: u8,
        months: u32,
    },
    CrossBorderInfo {
        pairs: Vec<(usize, usize)>,
        awareness: f64,
    },
    CrossBorderTransport {
        a: RegionId,
        b: RegionId,
        car: Option<f64>,
        public_transport: Option<f64>,
    },
    BorderAgreement {
        pairs: Vec<(usize, usize)>,
        admin_friction: f64,
    },
    MatchingEvents {
        extra_applications: u32,
        search_probability: f64,
    },
    Coaching50Plus {
        employer_weight: f64,
        search_probability: f64,
    },
    YouthGuarantee {
        search_probability: f64,
        extra_applications: u32,
        employer_weight: f64,
        training_takeup: f64,
    },
    DualQualification {
        pairs: Vec<(usize, usize)>,
    },
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::SectorPlan { .. } => "sector_plan",
            Kind::TrainingSubsidy { .. } => "training_subsidy",
            Kind::OpenTrainingFunds { .. } => "open_training_funds",
            Kind::DiplomaRecognition { .. } => "diploma_recognition",
            Kind::MobilityTeam { .. } => "mobility_team",
            Kind::LanguageCourse { .. } => "language_course",
            Kind::CrossBorderInfo { .. } => "cross_border_info",
            Kind::CrossBorderTransport { .. } => "cross_border_transport",
            Kind::BorderAgreement { .. } => "border_agreement",
            Kind::MatchingEvents { .. } => "matching_events",
            Kind::Coaching50Plus { .. } => "coaching_50plus",
            Kind::YouthGuarantee { .. } => "youth_guarantee",
            Kind::DualQualification { .. } => "dual_qualification",
        }
    }

    /// Whether the instrument works through enrolled participants.
    pub fn enrols(&self) -> bool {
        matches!(
            self,
            Kind::SectorPlan { .. }
                | Kind::MobilityTeam { .. }
                | Kind::LanguageCourse { .. }
                | Kind::MatchingEvents { .. }
                | Kind::Coaching50Plus { .. }
                | Kind::YouthGuarantee { .. }
        )
    }
}

/// A validated policy instrument.
#[derive(Clone, Debug)]
pub struct Policy {
    pub name: String,
    pub kind: Kind,
    /// First and last step (inclusive) in which the instrument acts.
    pub start: u32,
    pub end: u32,
    /// Home regions targeted (`None`: all).
    pub regions: Option<Vec<bool>>,
    /// Sectors targeted (the worker's current or last sector), as a bit set.
    pub sectors: u32,
    pub groups: Groups,
    /// Probability per step that an eligible worker is reached (instruments with participants).
    pub coverage: f64,
    pub cost_per_participant: f64,
    pub cost_per_placement: f64,
    /// Fixed running cost in EUR per year, charged every step the instrument is active.
    pub cost_per_year: f64,
    pub budget: Option<f64>,
    pub budget_per_year: Option<f64>,
}

impl Policy {
    pub fn active(&self, t: u32) -> bool {
        self.start <= t && t <= self.end
    }

    /// Whether a language course has anything to teach a worker who speaks `langs`.
    #[inline]
    pub fn teaches(&self, langs: u8) -> bool {
        match self.kind {
            Kind::LanguageCourse { language, .. } => langs & (1 << language) == 0,
            _ => true,
        }
    }

    /// Whether a worker with these attributes is targeted (window aside).
    #[inline]
    pub fn targets(
        &self,
        home: usize,
        sector: usize,
        status: u8,
        contract: u8,
        age: u8,
        at_risk: bool,
    ) -> bool {
        if self.sectors & (1 << sector) == 0 || self.groups.ages & (1 << age) == 0 {
            return false;
        }
        if let Some(regions) = &self.regions {
            if !regions[home] {
                return false;
            }
        }
        let g = self.groups.status;
        if status == Status::Unemployed as u8 {
            g & Groups::UNEMPLOYED != 0
        } else if status == Status::Employed as u8 {
            let self_employed = contract == crate::scenario::Contract::SelfEmployed as u8;
            (self_employed && g & Groups::SELF_EMPLOYED != 0)
                || (!self_employed && g & Groups::EMPLOYED != 0)
                || (at_risk && g & Groups::AT_RISK != 0)
        } else {
            false
        }
    }
}

/// What the active policies change in one step. Built at the start of each step from the
/// policies and the [`Book`] (budgets left); read-only during the step.
#[derive(Clone)]
pub struct Levers {
    /// Step these levers were built for.
    pub t: u32,
    /// Bit per policy: in its window this step and able to pay its running cost.
    pub active: u8,
    /// Bit per active policy with participants.
    pub enrolling: u8,
    /// Geography with transport, information and agreements applied; `None`: the model's.
    pub geo: Option<Geo>,
    /// `[diploma country * C + job country]`: regulated sectors needing no recognition.
    pub recognition_free: Vec<u32>,
    /// Recognition rules in force (the scenario's, or a policy's).
    pub recognition: Vec<Option<RecognitionRule>>,
    /// Sectors whose training funds are opened to training into other sectors (bit set).
    pub open_funds: u32,
    /// Index of each active training subsidy policy.
    pub subsidies: Vec<usize>,
    /// Combined effect on a participant, by `flags & active` (256 entries when any policy
    /// with participants exists, else empty).
    pub effects: Vec<Effect>,
    /// Active language courses: (policy, language bit, chance per step of learning it).
    pub courses: Vec<(usize, u8, f64)>,
    /// Active dual-qualification policies.
    pub dual: Vec<usize>,
}

/// What being a participant of a set of active policies changes for one worker. Neutral
/// values (`Effect::NONE`) change nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Effect {
    /// On-the-job search probability (the higher of this and the scenario's applies).
    pub on_the_job_search: f64,
    /// Search probability of the unemployed (the higher of this and the scenario's applies).
    pub search_probability: f64,
    pub extra_applications: u32,
    /// Multiplies the weight of every sector other than the worker's own.
    pub sector_weight: f64,
    /// Sector plan: from these sectors to those, the mobility weight is multiplied.
    pub plan_from: u32,
    pub plan_to: u32,
    pub plan_weight: f64,
    /// Multiplies the employer's preference weight.
    pub employer_weight: f64,
    /// Training take-up per step offered to the participant (0: the scenario's).
    pub training_takeup: f64,
    /// Share of the course cost the policy pays, and which policy pays it.
    pub training_share: f64,
    pub training_payer: u8,
    /// Awareness of vacancies across the border (the higher of this and the scenario's).
    pub awareness: f64,
}

impl Effect {
    pub const NONE: Effect = Effect {
        on_the_job_search: 0.0,
        search_probability: 0.0,
        extra_applications: 0,
        sector_weight: 1.0,
        plan_from: 0,
        plan_to: 0,
        plan_weight: 1.0,
        employer_weight: 1.0,
        training_takeup: 0.0,
        training_share: 0.0,
        training_payer: u8::MAX,
        awareness: 0.0,
    };

    fn add(&mut self, p: usize, kind: &Kind) {
        match *kind {
            Kind::SectorPlan {
                from,
                to,
                mobility_weight,
                extra_applications,
                training_takeup,
                training_share,
                cross_border_awareness,
            } => {
                self.plan_from |= from;
                self.plan_to |= to;
                self.plan_weight = self.plan_weight.max(mobility_weight);
                self.extra_applications += extra_applications;
                self.training_takeup = self.training_takeup.max(training_takeup);
                self.take_training_share(p, training_share);
                self.awareness = self.awareness.max(cross_border_awareness.unwrap_or(0.0));
            }
            Kind::MobilityTeam {
                on_the_job_search,
                extra_applications,
                sector_weight,
                training_takeup,
                training_share,
            } => {
                self.on_the_job_search = self.on_the_job_search.max(on_the_job_search);
                self.extra_applications += extra_applications;
                self.sector_weight *= sector_weight;
                self.training_takeup = self.training_takeup.max(training_takeup);
                self.take_training_share(p, training_share);
            }
            Kind::MatchingEvents {
                extra_applications,
                search_probability,
            } => {
                self.extra_applications += extra_applications;
                self.search_probability = self.search_probability.max(search_probability);
            }
            Kind::Coaching50Plus {
                employer_weight,
                search_probability,
            } => {
                self.employer_weight *= employer_weight;
                self.search_probability = self.search_probability.max(search_probability);
            }
            Kind::YouthGuarantee {
                search_probability,
                extra_applications,
                employer_weight,
                training_takeup,
            } => {
                self.search_probability = self.search_probability.max(search_probability);
                self.extra_applications += extra_applications;
                self.employer_weight *= employer_weight;
                self.training_takeup = self.training_takeup.max(training_takeup);
            }
            _ => {}
        }
    }

    fn take_training_share(&mut self, p: usize, share: f64) {
        if share > self.training_share {
            self.training_share = share;
            self.training_payer = p as u8;
        }
    }
}

impl Levers {
    pub fn new(model: &Model) -> Levers {
        let c = model.n_countries;
        Levers {
            t: 0,
            active: 0,
            enrolling: 0,
            geo: None,
            recognition_free: vec![0; c * c],
            recognition: model.scenario.recognition.clone(),
            open_funds: 0,
            subsidies: Vec::new(),
            effects: Vec::new(),
            courses: Vec::new(),
            dual: Vec::new(),
        }
    }

    /// The combined effect on a worker with participation `flags`.
    #[inline]
    pub fn effect(&self, flags: u8) -> &Effect {
        &self.effects[(flags & self.active) as usize]
    }

    /// The geography in force.
    #[inline]
    pub fn geo<'a>(&'a self, model: &'a Model) -> &'a Geo {
        self.geo.as_ref().unwrap_or(&model.geo)
    }

    /// Rebuild for step `t`.
    pub fn update(&mut self, model: &Model, book: &Book, t: u32) {
        let s = &model.scenario;
        let policies = &s.policies;
        let mut active = 0u8;
        for (p, policy) in policies.iter().enumerate() {
            if policy.active(t) && !book.exhausted(p) {
                active |= 1 << p;
            }
        }
        let geo_changed =
            self.t == 0 || geography_mask(model, active) != geography_mask(model, self.active);
        self.t = t;
        self.active = active;
        self.enrolling = 0;
        self.open_funds = 0;
        self.subsidies.clear();
        self.courses.clear();
        self.dual.clear();
        let nc = model.n_countries;
        self.recognition_free.iter_mut().for_each(|x| *x = 0);
        self.recognition.clone_from(&s.recognition);
        for (p, policy) in policies.iter().enumerate() {
            if active & (1 << p) == 0 {
                continue;
            }
            if policy.kind.enrols() {
                self.enrolling |= 1 << p;
            }
            match &policy.kind {
                Kind::OpenTrainingFunds { funds } => self.open_funds |= funds,
                Kind::TrainingSubsidy { .. } => self.subsidies.push(p),
                Kind::DiplomaRecognition {
                    pairs,
                    sectors,
                    instant,
                    rule,
                } => {
                    for &(a, b) in pairs {
                        if *instant {
                            self.recognition_free[a * nc + b] |= sectors;
                        } else {
                            self.recognition[a * nc + b] = Some(rule.clone());
                        }
                    }
                }
                Kind::LanguageCourse { language, months } => {
                    self.courses
                        .push((p, 1 << language, 1.0 / f64::from(*months)))
                }
                Kind::DualQualification { .. } => self.dual.push(p),
                _ => {}
            }
        }
        if policies.iter().any(|p| p.kind.enrols()) {
            self.effects.clear();
            for flags in 0..256usize {
                let mut e = Effect::NONE;
                for (p, policy) in policies.iter().enumerate() {
                    if flags & (1 << p) != 0 && active & (1 << p) != 0 {
                        e.add(p, &policy.kind);
                    }
                }
                self.effects.push(e);
            }
        }
        if geo_changed {
            self.geo = build_geo(model, active);
        }
    }
}

/// Bit per active policy that changes the geography.
fn geography_mask(model: &Model, active: u8) -> u8 {
    let mut mask = 0;
    for (p, policy) in model.scenario.policies.iter().enumerate() {
        let geographic = matches!(
            policy.kind,
            Kind::CrossBorderTransport { .. }
                | Kind::CrossBorderInfo { .. }
                | Kind::BorderAgreement { .. }
        );
        if geographic && active & (1 << p) != 0 {
            mask |= 1 << p;
        }
    }
    mask
}

/// The geography with the active transport, information and agreement policies applied, in
/// the order they are listed; `None` when none is active.
fn build_geo(model: &Model, active: u8) -> Option<Geo> {
    let mask = geography_mask(model, active);
    if mask == 0 {
        return None;
    }
    let s = &model.scenario;
    let (nr, nc) = (model.n_regions, model.n_countries);
    let mut car = s.travel_car.clone();
    let mut pt = s.travel_pt.clone();
    let mut friction = s.border.admin_friction.clone();
    let mut awareness = s.border.awareness.clone();
    for (p, policy) in s.policies.iter().enumerate() {
        if mask & (1 << p) == 0 {
            continue;
        }
        match &policy.kind {
            Kind::CrossBorderTransport {
                a,
                b,
                car: c,
                public_transport,
            } => {
                for (x, y) in [(*a, *b), (*b, *a)] {
                    if let Some(m) = c {
                        car[x * nr + y] = *m;
                    }
                    if let Some(m) = public_transport {
                        pt[x * nr + y] = *m;
                    }
                }
            }
            Kind::CrossBorderInfo {
                pairs,
                awareness: a,
            } => {
                for &(x, y) in pairs {
                    awareness[x * nc + y] = *a;
                }
            }
            Kind::BorderAgreement {
                pairs,
                admin_friction,
            } => {
                for &(x, y) in pairs {
                    friction[x * nc + y] = *admin_friction;
                }
            }
            _ => {}
        }
    }
    Some(Geo::build(s, &car, &pt, &friction, &awareness))
}
