//! `mobility_team`: a regional team that helps workers at risk look for work elsewhere while
//! still employed: on-the-job search, extra applications, wider sector choice, paid training.

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, Effect, Instrument};

#[derive(Clone, Debug)]
pub struct MobilityTeam {
    /// On-the-job search probability of participants.
    pub on_the_job_search: f64,
    pub extra_applications: u32,
    /// Multiplies the weight of every sector other than the participant's own.
    pub sector_weight: f64,
    pub training_takeup: f64,
    pub training_share: f64,
    /// EUR per participant reserved at enrolment for a course, and the most the team pays for
    /// one (0: nothing reserved, the share paid while money lasts).
    pub training_reserve: f64,
}

impl Instrument for MobilityTeam {
    const NAME: &'static str = "mobility_team";
    const DEFAULT_GROUPS: &'static [&'static str] = &["at_risk"];
    const ENROLS: bool = true;

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        Ok(MobilityTeam {
            on_the_job_search: b.num("on_the_job_search", 0.3, 0.0, 1.0)?,
            extra_applications: b.int("extra_applications", 1, 0, 16)?,
            sector_weight: b.num("sector_weight", 3.0, 0.0, 1000.0)?,
            training_takeup: b.num("training_takeup", 0.02, 0.0, 1.0)?,
            training_share: b.num("training_share", 1.0, 0.0, 1.0)?,
            training_reserve: b.num("training_reserve", 0.0, 0.0, 1e9)?,
        })
    }

    fn participate(&self, p: usize, e: &mut Effect) {
        e.on_the_job_search = e.on_the_job_search.max(self.on_the_job_search);
        e.extra_applications += self.extra_applications;
        e.sector_weight *= self.sector_weight;
        e.training_takeup = e.training_takeup.max(self.training_takeup);
        e.take_training_share(p, self.training_share, self.training_reserve);
    }
}
