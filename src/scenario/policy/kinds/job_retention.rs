//! `job_retention`: a job-retention scheme (the Dutch NOW, German Kurzarbeit, Belgian
//! temporary unemployment). While it is active, an employer of its regions and sectors whose
//! demand has fallen below its staff, and by at least `threshold` of its level (its demand
//! before any shock, moved only by its own job flows), may take it up
//! (with probability `take_up`, decided once per employer): it then keeps the staff its demand
//! no longer holds instead of giving them notice, and the scheme pays `wage_share` of their
//! wage cost (the sector's wage plus the employer's `surcharge`). Needs `[employers]`.

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, Instrument, StepLevers};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JobRetention {
    /// Smallest fall of an employer's demand, as a share of its level (its demand before any
    /// shock), that qualifies (the NOW's turnover loss of 20 %).
    pub threshold: f64,
    /// Probability that a qualifying employer applies (drawn once per employer).
    pub take_up: f64,
    /// Share of the wage cost of the jobs kept beyond demand that the scheme pays.
    pub wage_share: f64,
    /// Employer's costs on top of the gross wage, as a share of it (the NOW's 30-40 %).
    pub surcharge: f64,
}

impl JobRetention {
    /// EUR the scheme pays per month for one person kept at a job of monthly wage `wage`.
    pub fn cost_per_month(&self, wage: f64) -> f64 {
        self.wage_share * (1.0 + self.surcharge) * wage
    }
}

impl Instrument for JobRetention {
    const NAME: &'static str = "job_retention";
    const DEFAULT_GROUPS: &'static [&'static str] = &["employed", "self_employed"];

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        Ok(JobRetention {
            threshold: b.num("threshold", 0.2, 0.0, 1.0)?,
            take_up: b.num("take_up", 1.0, 0.0, 1.0)?,
            wage_share: b.num("wage_share", 0.9, 0.0, 1.0)?,
            surcharge: b.num("surcharge", 0.3, 0.0, 2.0)?,
        })
    }

    fn levers(&self, p: usize, l: &mut StepLevers) {
        l.retention.push((p, *self));
    }
}
