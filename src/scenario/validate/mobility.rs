//! `[mobility]`: how readily a worker moves from one sector to another.

use std::collections::HashMap;

use super::{R, V};
use crate::scenario::raw::RawMobility;

/// The sector mobility weights `[from * S + to]`: `same_sector` on the diagonal, `other_sector`
/// elsewhere, then each `[[mobility.pair]]`.
pub(super) fn mobility(v: &V, m: RawMobility, sector_ids: &HashMap<String, usize>) -> R<Vec<f64>> {
    let n_sectors = sector_ids.len();
    let same = v.nonneg("mobility.same_sector", m.same_sector, 1.0)?;
    let other = v.nonneg("mobility.other_sector", m.other_sector, 0.1)?;
    let mut mobility = vec![other; n_sectors * n_sectors];
    for s in 0..n_sectors {
        mobility[s * n_sectors + s] = same;
    }
    for (i, p) in m.pair.iter().enumerate() {
        let k = |f: &str| format!("mobility.pair[{i}].{f}");
        let from = p.from.as_deref().ok_or_else(|| v.missing(&k("from")))?;
        let to = p.to.as_deref().ok_or_else(|| v.missing(&k("to")))?;
        let from = v.lookup(&k("from"), from, sector_ids, "sector")?;
        let to = v.lookup(&k("to"), to, sector_ids, "sector")?;
        let default = if from == to { same } else { other };
        mobility[from * n_sectors + to] = v.nonneg(&k("weight"), p.weight, default)?;
    }
    Ok(mobility)
}
