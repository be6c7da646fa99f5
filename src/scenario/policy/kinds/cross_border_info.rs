//! `cross_border_info`: information on vacancies across the border (e.g. EURES) raises the
//! awareness of them between the listed countries.

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, GeoEdit, Instrument};

#[derive(Clone, Debug)]
pub struct CrossBorderInfo {
    /// Ordered (home country, job country) pairs.
    pub pairs: Vec<(usize, usize)>,
    /// Awareness of vacancies across the border while active.
    pub awareness: f64,
}

impl Instrument for CrossBorderInfo {
    const NAME: &'static str = "cross_border_info";
    const DEFAULT_GROUPS: &'static [&'static str] = &["unemployed", "employed", "self_employed"];
    const GEOGRAPHIC: bool = true;

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        Ok(CrossBorderInfo {
            pairs: b.country_pairs("countries")?,
            awareness: b.num("awareness", 0.9, 0.0, 1.0)?,
        })
    }

    fn geography(&self, g: &mut GeoEdit) {
        for &(x, y) in &self.pairs {
            g.awareness[x * g.countries + y] = self.awareness;
        }
    }
}
