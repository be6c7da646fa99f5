//! `sector_plan`: participants leaving the plan's `from` sectors search (and train) toward its
//! `to` sectors, with extra applications, a share of their course paid and, optionally, wider
//! awareness of vacancies across the border.

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, Effect, Instrument};

#[derive(Clone, Debug)]
pub struct SectorPlan {
    /// Sectors workers leave, and sectors they are placed in (bit sets).
    pub from: u32,
    pub to: u32,
    /// Multiplies the mobility weight from `from` to `to`.
    pub mobility_weight: f64,
    pub extra_applications: u32,
    /// Training take-up per step offered to participants.
    pub training_takeup: f64,
    /// Share of a participant's course the plan pays.
    pub training_share: f64,
    /// EUR per participant reserved at enrolment for a course, and the most the plan pays for
    /// one (0: nothing reserved, the share paid while money lasts).
    pub training_reserve: f64,
    pub cross_border_awareness: Option<f64>,
}

impl Instrument for SectorPlan {
    const NAME: &'static str = "sector_plan";
    const DEFAULT_GROUPS: &'static [&'static str] = &["unemployed", "at_risk"];
    const ENROLS: bool = true;

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        let from = b
            .sector_mask("from")?
            .ok_or_else(|| b.err("from", "(missing)", "list the sectors workers leave"))?;
        let to = b
            .sector_mask("to")?
            .ok_or_else(|| b.err("to", "(missing)", "list the sectors workers are placed in"))?;
        Ok(SectorPlan {
            from,
            to,
            mobility_weight: b.num("mobility_weight", 5.0, 0.0, 1000.0)?,
            extra_applications: b.int("extra_applications", 1, 0, 16)?,
            training_takeup: b.num("training_takeup", 0.05, 0.0, 1.0)?,
            training_share: b.num("training_share", 1.0, 0.0, 1.0)?,
            training_reserve: b.num("training_reserve", 0.0, 0.0, 1e9)?,
            cross_border_awareness: b.opt_num("cross_border_awareness", 0.0, 1.0)?,
        })
    }

    fn participate(&self, p: usize, e: &mut Effect) {
        e.plan_from |= self.from;
        e.plan_to |= self.to;
        e.plan_weight = e.plan_weight.max(self.mobility_weight);
        e.extra_applications += self.extra_applications;
        e.training_takeup = e.training_takeup.max(self.training_takeup);
        e.take_training_share(p, self.training_share, self.training_reserve);
        e.awareness = e.awareness.max(self.cross_border_awareness.unwrap_or(0.0));
    }
}
