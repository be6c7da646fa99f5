//! `open_training_funds`: sector training funds pay for employees' courses into other sectors
//! too, not only within their own sector.

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, Instrument, StepLevers};

#[derive(Clone, Debug)]
pub struct OpenTrainingFunds {
    /// Sectors whose funds are opened (bit set; each has `training_fund = true`).
    pub funds: u32,
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
        Ok(OpenTrainingFunds { funds })
    }

    fn levers(&self, p: usize, l: &mut StepLevers) {
        l.open_funds |= self.funds;
        l.fund_openers.push((p, self.funds));
    }
}
