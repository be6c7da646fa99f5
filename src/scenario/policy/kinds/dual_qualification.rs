//! `dual_qualification`: a course completed in one of the listed countries is recognised in
//! the others too (the worker's diploma counts there), at `cost_per_participant` each.

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, Instrument, StepLevers};

#[derive(Clone, Debug)]
pub struct DualQualification {
    /// Ordered (country of the course, country that recognises it) pairs.
    pub pairs: Vec<(usize, usize)>,
}

impl Instrument for DualQualification {
    const NAME: &'static str = "dual_qualification";
    const DEFAULT_GROUPS: &'static [&'static str] = &["unemployed", "employed", "self_employed"];

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        Ok(DualQualification {
            pairs: b.country_pairs("countries")?,
        })
    }

    fn levers(&self, p: usize, l: &mut StepLevers) {
        let mut gains = vec![0u8; l.countries];
        for &(a, b) in &self.pairs {
            gains[a] |= 1 << b;
        }
        l.dual.push((p, gains));
    }
}
