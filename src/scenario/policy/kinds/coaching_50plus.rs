//! `coaching_50plus`: coaching of unemployed workers aged 50 and over: more search (a higher
//! probability of searching, help with extra applications), and employers weigh participants
//! more (a wage-cost advantage).

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, Effect, Instrument};

#[derive(Clone, Debug)]
pub struct Coaching50Plus {
    /// Multiplies the employer's preference weight for participants.
    pub employer_weight: f64,
    /// Search probability of participants.
    pub search_probability: f64,
    /// Applications a participant sends beyond `mechanics.applications`.
    pub extra_applications: u32,
}

impl Instrument for Coaching50Plus {
    const NAME: &'static str = "coaching_50plus";
    const DEFAULT_GROUPS: &'static [&'static str] = &["unemployed", "age_50_plus"];
    const ENROLS: bool = true;

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        Ok(Coaching50Plus {
            employer_weight: b.num("employer_weight", 1.5, 0.0, 100.0)?,
            search_probability: b.num("search_probability", 0.4, 0.0, 1.0)?,
            extra_applications: b.int("extra_applications", 0, 0, 16)?,
        })
    }

    fn participate(&self, _p: usize, e: &mut Effect) {
        e.employer_weight *= self.employer_weight;
        e.search_probability = e.search_probability.max(self.search_probability);
        e.extra_applications += self.extra_applications;
    }
}
