//! `training_subsidy`: pays part of the course of every targeted worker who starts one, up to
//! `amount` EUR per course, and offers targeted workers whose work is not at risk a part-time
//! course beside it (learning while working, at `takeup_employed`).

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, Instrument, StepLevers};

#[derive(Clone, Debug)]
pub struct TrainingSubsidy {
    /// Most EUR paid per course.
    pub amount: f64,
    /// Share of the course cost paid (up to `amount`).
    pub share: f64,
    /// Take-up per step of a part-time course by a targeted employee or self-employed worker
    /// whose work is not at risk (before the cost factor).
    pub takeup_employed: f64,
}

impl Instrument for TrainingSubsidy {
    const NAME: &'static str = "training_subsidy";
    const DEFAULT_GROUPS: &'static [&'static str] = &["unemployed", "employed"];

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        Ok(TrainingSubsidy {
            amount: b.num("amount", 1000.0, 0.0, f64::INFINITY)?,
            share: b.num("share", 1.0, 0.0, 1.0)?,
            takeup_employed: b.num("takeup_employed", 0.002, 0.0, 1.0)?,
        })
    }

    fn levers(&self, p: usize, l: &mut StepLevers) {
        l.subsidies.push((p, self.amount, self.share));
        if self.takeup_employed > 0.0 {
            l.learning.push((p, self.takeup_employed, u32::MAX, false));
        }
    }
}
