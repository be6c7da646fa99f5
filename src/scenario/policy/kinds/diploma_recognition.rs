//! `diploma_recognition`: between the listed countries, regulated sectors either need no
//! recognition at all (`remove_barrier`) or a procedure under the policy's rule.

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, Instrument, StepLevers};
use crate::scenario::RecognitionRule;

#[derive(Clone, Debug)]
pub struct DiplomaRecognition {
    /// Ordered (diploma country, job country) pairs.
    pub pairs: Vec<(usize, usize)>,
    /// Regulated sectors concerned (bit set).
    pub sectors: u32,
    /// No procedure at all: the barrier is removed.
    pub instant: bool,
    /// The procedure in force otherwise.
    pub rule: RecognitionRule,
}

impl Instrument for DiplomaRecognition {
    const NAME: &'static str = "diploma_recognition";
    const DEFAULT_GROUPS: &'static [&'static str] = &["unemployed", "employed", "self_employed"];

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        let sectors = b
            .sector_mask("recognised_sectors")?
            .unwrap_or(b.ctx.regulated_mask);
        if sectors & !b.ctx.regulated_mask != 0 {
            return Err(b.err(
                "recognised_sectors",
                "(list)",
                "list only regulated sectors (`regulated = true`)",
            ));
        }
        let instant = b.boolean("remove_barrier", false)?;
        Ok(DiplomaRecognition {
            pairs: b.country_pairs("countries")?,
            sectors,
            instant,
            rule: RecognitionRule {
                duration_steps: b.months("duration_months", 3)?,
                fee: b.num("fee", 0.0, 0.0, f64::INFINITY)?,
                success_probability: b.num("success_probability", 1.0, 0.0, 1.0)?,
                start_probability: b.num("start_probability", 0.05, 0.0, 1.0)?,
            },
        })
    }

    fn levers(&self, _p: usize, l: &mut StepLevers) {
        let nc = l.countries;
        for &(a, b) in &self.pairs {
            if self.instant {
                l.recognition_free[a * nc + b] |= self.sectors;
            } else {
                l.recognition[a * nc + b] = Some(self.rule.clone());
            }
        }
    }
}
