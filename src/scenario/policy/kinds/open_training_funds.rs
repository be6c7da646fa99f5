//! `open_training_funds`: sector training funds pay for employees' courses into other sectors
//! too, not only within their own sector, and the funds offer their employees whose jobs are
//! not at risk a part-time course beside the job (learning while working, at
//! `takeup_employed`).

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, Instrument, StepLevers};

#[derive(Clone, Debug)]
pub struct OpenTrainingFunds {
    /// Sectors whose funds are opened (bit set; each has `training_fund = true`).
    pub funds: u32,
    /// Take-up per step of a part-time course by a targeted employee whose job is not at risk
    /// (before the cost factor).
    pub takeup_employed: f64,
}

impl Instrument for OpenTrainingFunds {
    const NAME: &'static str = "open_training_funds";
    const DEFAULT_GROUPS: &'static [&'static str] = &["employed"];

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        let funds = match b.sector_mask("funds")? {
            Some(mask) if mask & !b.ctx.fund_mask != 0 => {
                return Err(b.err(
                    "funds",
                    "(list)",
                    "every listed sector must have `training_fund = true`",
                ))
            }
            Some(mask) => mask,
            None => b.ctx.fund_mask,
        };
        Ok(OpenTrainingFunds {
            funds,
            takeup_employed: b.num("takeup_employed", 0.002, 0.0, 1.0)?,
        })
    }

    fn levers(&self, p: usize, l: &mut StepLevers) {
        l.open_funds |= self.funds;
        l.fund_openers.push((p, self.funds));
        if self.takeup_employed > 0.0 {
            l.learning.push((p, self.takeup_employed, self.funds, true));
        }
    }
}
