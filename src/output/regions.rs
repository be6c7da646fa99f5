//! `regions.csv`: where each region lies, for the map (written when every region has a
//! `centroid`; nothing per step).

use super::cell;
use super::row::{csv_row, CsvText};
use crate::model::Model;

csv_row! {
    /// One line of `regions.csv`.
    pub struct RegionsRow {
        /// Region name, as in `series.csv`'s `key` at level `region`.
        pub region: String,
        /// Country code of the region.
        pub country: String,
        /// Latitude of the region's centroid (degrees north).
        #[serde(with = "cell::plain")]
        pub latitude: f64,
        /// Longitude of the region's centroid (degrees east).
        #[serde(with = "cell::plain")]
        pub longitude: f64,
        /// Labour force at step 0 as the scenario gives it (persons).
        #[serde(with = "cell::count")]
        pub labour_force: f64,
    }
}

/// `regions.csv`, or `None` when a region has no centroid.
pub fn regions_csv(model: &Model) -> Option<String> {
    let s = &model.scenario;
    let mut out = CsvText::<RegionsRow>::new();
    for r in &s.regions {
        let (latitude, longitude) = r.centroid?;
        out.push(&RegionsRow {
            region: r.name.clone(),
            country: s.countries[r.country].code.clone(),
            latitude,
            longitude,
            labour_force: r.labour_force,
        });
    }
    Some(out.finish())
}
