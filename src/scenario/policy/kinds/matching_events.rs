//! `matching_events`: job fairs and speed dates give unemployed participants more search and
//! more applications.

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, Effect, Instrument};

#[derive(Clone, Debug)]
pub struct MatchingEvents {
    pub extra_applications: u32,
    /// Search probability of participants.
    pub search_probability: f64,
}

impl Instrument for MatchingEvents {
    const NAME: &'static str = "matching_events";
    const DEFAULT_GROUPS: &'static [&'static str] = &["unemployed"];
    const ENROLS: bool = true;

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        Ok(MatchingEvents {
            extra_applications: b.int("extra_applications", 1, 0, 16)?,
            search_probability: b.num("search_probability", 0.5, 0.0, 1.0)?,
        })
    }

    fn participate(&self, _p: usize, e: &mut Effect) {
        e.extra_applications += self.extra_applications;
        e.search_probability = e.search_probability.max(self.search_probability);
    }
}
