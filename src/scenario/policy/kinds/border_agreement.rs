//! `border_agreement`: an agreement on taxes and social security lowers the administrative
//! friction of working across the border between the listed countries.

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, GeoEdit, Instrument};

#[derive(Clone, Debug)]
pub struct BorderAgreement {
    /// Ordered (home country, job country) pairs.
    pub pairs: Vec<(usize, usize)>,
    /// Administrative friction while active.
    pub admin_friction: f64,
}

impl Instrument for BorderAgreement {
    const NAME: &'static str = "border_agreement";
    const DEFAULT_GROUPS: &'static [&'static str] = &["unemployed", "employed", "self_employed"];
    const GEOGRAPHIC: bool = true;

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        Ok(BorderAgreement {
            pairs: b.country_pairs("countries")?,
            admin_friction: b.num("admin_friction", 0.05, 0.0, 1.0)?,
        })
    }

    fn geography(&self, g: &mut GeoEdit) {
        for &(x, y) in &self.pairs {
            g.admin_friction[x * g.countries + y] = self.admin_friction;
        }
    }
}
