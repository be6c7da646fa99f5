//! The policy specification: what a `[[policy]]` block says, checked and typed. A [`Policy`] is
//! its window, reach (regions, sectors, groups, coverage), costs and budgets, plus its [`Kind`]:
//! one of the instruments declared in [`kinds`], each in its own module with its name, keys,
//! defaults and levers. What the instruments do at run time (the levers of a step, the books)
//! lives above the world, in [`crate::policy`] and [`crate::world::Book`].

pub mod kinds;
pub mod levers;
mod parse;

pub use kinds::{Kind, KINDS};
pub use levers::{Effect, GeoEdit, StepLevers};
pub use parse::{parse, Block, Context, MAX_POLICIES};

use crate::agent::Status;
use crate::error::ScenarioError;

/// One policy instrument: its name, its keys as typed values, its defaults, and what it changes.
/// Adding an instrument is one module implementing this trait plus one line in [`kinds`].
pub trait Instrument: Sized {
    /// The `kind` written in the scenario file.
    const NAME: &'static str;
    /// The groups it reaches when the block names none (see [`Groups`] for the names).
    const DEFAULT_GROUPS: &'static [&'static str];
    /// Whether it works through enrolled participants (reached at `coverage` per step, a
    /// participation bit per worker, placements at a hire).
    const ENROLS: bool = false;
    /// Whether it changes the geography (travel times, awareness, frictions).
    const GEOGRAPHIC: bool = false;

    /// Read the kind's own keys from the block (the common keys are read by the caller).
    fn parse(b: &Block) -> Result<Self, ScenarioError>;

    /// Whether it has anything for a worker who speaks `langs` (a language course does not
    /// teach a language the worker speaks).
    fn offers(&self, _langs: u8) -> bool {
        true
    }

    /// What taking part in policy `p` of this kind changes for a participant.
    fn participate(&self, _p: usize, _effect: &mut Effect) {}

    /// What policy `p` of this kind changes for everyone in a step where it is active.
    fn levers(&self, _p: usize, _levers: &mut StepLevers) {}

    /// How it changes the geography while active (only when [`Instrument::GEOGRAPHIC`]).
    fn geography(&self, _geo: &mut GeoEdit) {}
}

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
    /// Most participants at once, in persons (`None`: no limit).
    pub caseload: Option<f64>,
    /// Longest participation, in steps: a participant not placed by then leaves (`None`: only a
    /// hire, leaving the labour force or the window's end end it).
    pub max_steps: Option<u32>,
    /// Whether workers at risk (under notice with `[employers]`) are enrolled before the
    /// others reached in the same step (`priority = "at_risk"`), where the caseload or the
    /// paced budget cannot take everyone.
    pub at_risk_first: bool,
    /// Whether new enrolments are paced: a budget is drawn on in proportion to the time
    /// elapsed in the window (the total) and in the policy year (the yearly one).
    pub paced: bool,
}

impl Policy {
    pub fn active(&self, t: u32) -> bool {
        self.start <= t && t <= self.end
    }

    /// EUR per participant a programme reserves at enrolment for a course (0: none).
    pub fn training_reserve(&self) -> f64 {
        match &self.kind {
            Kind::MobilityTeam(k) => k.training_reserve,
            Kind::SectorPlan(k) => k.training_reserve,
            _ => 0.0,
        }
    }

    /// Whether the policy offers courses beside work (learning while working).
    pub fn offers_learning(&self) -> bool {
        match &self.kind {
            Kind::TrainingSubsidy(k) => k.takeup_employed > 0.0,
            Kind::OpenTrainingFunds(k) => k.takeup_employed > 0.0,
            _ => false,
        }
    }

    /// Whether the instrument has anything for a worker who speaks `langs`.
    #[inline]
    pub fn offers(&self, langs: u8) -> bool {
        self.kind.offers(langs)
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
