//! `cross_border_transport`: a new connection between two regions sets their travel minutes by
//! car and/or public transport, both ways.

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, GeoEdit, Instrument};
use crate::scenario::RegionId;

#[derive(Clone, Debug)]
pub struct CrossBorderTransport {
    pub a: RegionId,
    pub b: RegionId,
    /// New minutes by car and by public transport (`None`: unchanged).
    pub car: Option<f64>,
    pub public_transport: Option<f64>,
}

impl Instrument for CrossBorderTransport {
    const NAME: &'static str = "cross_border_transport";
    const DEFAULT_GROUPS: &'static [&'static str] = &["unemployed", "employed", "self_employed"];
    const GEOGRAPHIC: bool = true;

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        let between = b.strings("between")?.unwrap_or_default();
        if between.len() != 2 {
            return Err(b.err(
                "between",
                format!("{between:?}"),
                "must name exactly two regions",
            ));
        }
        let a = b.lookup("between", &between[0], b.ctx.regions, "region")?;
        let c = b.lookup("between", &between[1], b.ctx.regions, "region")?;
        if a == c {
            return Err(b.err(
                "between",
                format!("{between:?}"),
                "must name two different regions",
            ));
        }
        let car = b.opt_num("car", 0.0, 10_000.0)?;
        let public_transport = b.opt_num("public_transport", 0.0, 10_000.0)?;
        if car.is_none() && public_transport.is_none() {
            return Err(b.err(
                "public_transport",
                "(missing)",
                "give the new `public_transport` or `car` minutes",
            ));
        }
        Ok(CrossBorderTransport {
            a,
            b: c,
            car,
            public_transport,
        })
    }

    fn geography(&self, g: &mut GeoEdit) {
        let nr = g.regions;
        for (x, y) in [(self.a, self.b), (self.b, self.a)] {
            if let Some(m) = self.car {
                g.car[x * nr + y] = m;
            }
            if let Some(m) = self.public_transport {
                g.public_transport[x * nr + y] = m;
            }
        }
    }
}
