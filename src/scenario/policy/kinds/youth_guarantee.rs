//! `youth_guarantee`: unemployed workers under 27 get more search, more applications, a higher
//! employer weight and an offer of training.

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, Effect, Instrument};

#[derive(Clone, Debug)]
pub struct YouthGuarantee {
    pub search_probability: f64,
    pub extra_applications: u32,
    pub employer_weight: f64,
    pub training_takeup: f64,
}

impl Instrument for YouthGuarantee {
    const NAME: &'static str = "youth_guarantee";
    const DEFAULT_GROUPS: &'static [&'static str] = &["unemployed", "under_27"];
    const ENROLS: bool = true;

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        Ok(YouthGuarantee {
            search_probability: b.num("search_probability", 0.5, 0.0, 1.0)?,
            extra_applications: b.int("extra_applications", 1, 0, 16)?,
            employer_weight: b.num("employer_weight", 1.2, 0.0, 100.0)?,
            training_takeup: b.num("training_takeup", 0.02, 0.0, 1.0)?,
        })
    }

    fn participate(&self, _p: usize, e: &mut Effect) {
        e.search_probability = e.search_probability.max(self.search_probability);
        e.extra_applications += self.extra_applications;
        e.employer_weight *= self.employer_weight;
        e.training_takeup = e.training_takeup.max(self.training_takeup);
    }
}
