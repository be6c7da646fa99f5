//! `[commuting]` and `[[travel]]`: commuting preferences, the initial commuter flows, and the
//! car and public-transport travel-time matrices between regions.

use std::collections::HashMap;

use super::{R, V};
use crate::scenario::raw::{RawCommuting, RawTravel, RawTravelRule};
use crate::scenario::{Commuting, Region, TravelRule};

/// The checked commuting section and travel times.
pub(super) struct Travel {
    pub(super) commuting: Commuting,
    /// Minutes `[from * R + to]`; `f64::INFINITY` where no connection is given.
    pub(super) car: Vec<f64>,
    pub(super) public_transport: Vec<f64>,
    pub(super) rule: Option<TravelRule>,
}

/// `[commuting]`, then `[[travel]]`, then `[travel_rule]` for the pairs `[[travel]]` leaves
/// out, then whether every initial commuter flow is within `commuting.max_minutes` by one of
/// the two modes.
pub(super) fn travel(
    v: &V,
    cm: RawCommuting,
    raw_travel: &[RawTravel],
    raw_rule: Option<RawTravelRule>,
    region_ids: &HashMap<String, usize>,
    regions: &[Region],
) -> R<Travel> {
    let commuting = commuting(v, cm, region_ids, regions)?;
    let (mut car, mut public_transport) =
        times(v, raw_travel, region_ids, &commuting, regions.len())?;
    let rule = match raw_rule {
        None => None,
        Some(raw) => {
            let rule = travel_rule(v, raw, regions)?;
            estimate(&rule, regions, &mut car, &mut public_transport);
            Some(rule)
        }
    };
    let n_regions = regions.len();
    for (i, &(from, to, _)) in commuting.initial.iter().enumerate() {
        let at = from * n_regions + to;
        if car[at].min(public_transport[at]) > commuting.max_minutes {
            return Err(v.err(
                &format!("commuting.initial[{i}].to"),
                format!("\"{}\"", regions[to].name),
                format!(
                    "is not within commuting.max_minutes ({}) of \"{}\": give a [[travel]] time for the pair",
                    commuting.max_minutes, regions[from].name
                ),
            ));
        }
    }
    Ok(Travel {
        commuting,
        car,
        public_transport,
        rule,
    })
}

/// `[travel_rule]`, checked, with every region's centroid present.
fn travel_rule(v: &V, raw: RawTravelRule, regions: &[Region]) -> R<TravelRule> {
    if let Some(i) = regions.iter().position(|r| r.centroid.is_none()) {
        return Err(v.err(
            &format!("region[{i}].centroid"),
            "(missing)",
            format!(
                "[travel_rule] estimates travel times from centroids: give region \"{}\" a centroid = [latitude, longitude]",
                regions[i].name
            ),
        ));
    }
    Ok(TravelRule {
        detour: v.range("travel_rule.detour", raw.detour, 1.3, 1.0, 3.0)?,
        car_kmh: v.range("travel_rule.car_kmh", raw.car_kmh, 60.0, 1.0, 200.0)?,
        car_minutes: v.range("travel_rule.car_minutes", raw.car_minutes, 10.0, 0.0, 120.0)?,
        public_transport_kmh: v.range(
            "travel_rule.public_transport_kmh",
            raw.public_transport_kmh,
            45.0,
            1.0,
            200.0,
        )?,
        public_transport_minutes: v.range(
            "travel_rule.public_transport_minutes",
            raw.public_transport_minutes,
            20.0,
            0.0,
            120.0,
        )?,
        cross_border_public_transport: v.range(
            "travel_rule.cross_border_public_transport",
            raw.cross_border_public_transport,
            1.0,
            1.0,
            10.0,
        )?,
    })
}

/// Fill every pair of different regions that `[[travel]]` left without a time, mode by mode,
/// with the rule's estimate (see [`TravelRule::minutes`]).
fn estimate(rule: &TravelRule, regions: &[Region], car: &mut [f64], pt: &mut [f64]) {
    let n = regions.len();
    for (a, ra) in regions.iter().enumerate() {
        for (b, rb) in regions.iter().enumerate() {
            if a == b {
                continue;
            }
            let (Some(ca), Some(cb)) = (ra.centroid, rb.centroid) else {
                continue;
            };
            let km = great_circle_km(ca, cb);
            let cross = ra.country != rb.country;
            let (by_car, by_pt) = rule.minutes(km, cross);
            if car[a * n + b].is_infinite() {
                car[a * n + b] = by_car;
            }
            if pt[a * n + b].is_infinite() {
                pt[a * n + b] = by_pt;
            }
        }
    }
}

/// The great-circle distance in km between two (latitude, longitude) points in degrees
/// (haversine, on a sphere of the Earth's mean radius, 6 371 km). Through `libm`, so that the
/// times, and every output after them, are the same on every platform.
pub fn great_circle_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la, lb) = (a.0.to_radians(), b.0.to_radians());
    let (dlat, dlon) = (lb - la, (b.1 - a.1).to_radians());
    let half = |x: f64| libm::sin(x / 2.0) * libm::sin(x / 2.0);
    let h = half(dlat) + libm::cos(la) * libm::cos(lb) * half(dlon);
    2.0 * 6371.0 * libm::asin(h.sqrt().min(1.0))
}

fn commuting(
    v: &V,
    cm: RawCommuting,
    region_ids: &HashMap<String, usize>,
    regions: &[Region],
) -> R<Commuting> {
    let mut initial = Vec::new();
    for (i, ic) in cm.initial.iter().enumerate() {
        let k = |f: &str| format!("commuting.initial[{i}].{f}");
        let from = ic.from.as_deref().ok_or_else(|| v.missing(&k("from")))?;
        let to = ic.to.as_deref().ok_or_else(|| v.missing(&k("to")))?;
        let from = v.lookup(&k("from"), from, region_ids, "region")?;
        let to = v.lookup(&k("to"), to, region_ids, "region")?;
        if from == to {
            return Err(v.err(
                &k("to"),
                format!("\"{}\"", regions[to].name),
                "must differ from `from`",
            ));
        }
        initial.push((from, to, v.prob(&k("share"), ic.share, 0.0)?));
    }
    for (r, region) in regions.iter().enumerate() {
        let total: f64 = initial.iter().filter(|x| x.0 == r).map(|x| x.2).sum();
        if total > 1.0 {
            return Err(v.err(
                "commuting.initial",
                total,
                format!(
                    "the shares out of region \"{}\" sum to more than 1",
                    region.name
                ),
            ));
        }
    }
    let commuting = Commuting {
        decay_minutes: v.positive("commuting.decay_minutes", cm.decay_minutes, 30.0)?,
        max_minutes: v.nonneg("commuting.max_minutes", cm.max_minutes, 90.0)?,
        car_share: v.prob("commuting.car_share", cm.car_share, 0.8)?,
        within_region_minutes: v.nonneg(
            "commuting.within_region_minutes",
            cm.within_region_minutes,
            20.0,
        )?,
        cost_per_minute: v.nonneg("commuting.cost_per_minute", cm.cost_per_minute, 10.0)?,
        initial,
    };
    if commuting.within_region_minutes > commuting.max_minutes {
        return Err(v.err(
            "commuting.within_region_minutes",
            commuting.within_region_minutes,
            format!(
                "must not exceed commuting.max_minutes ({}): workers could not reach jobs in their own region",
                commuting.max_minutes
            ),
        ));
    }
    Ok(commuting)
}

/// The car and public-transport matrices: `commuting.within_region_minutes` on the diagonal,
/// each `[[travel]]` entry both ways, infinity elsewhere.
fn times(
    v: &V,
    raw_travel: &[RawTravel],
    region_ids: &HashMap<String, usize>,
    commuting: &Commuting,
    n_regions: usize,
) -> R<(Vec<f64>, Vec<f64>)> {
    let mut travel_car = vec![f64::INFINITY; n_regions * n_regions];
    let mut travel_pt = vec![f64::INFINITY; n_regions * n_regions];
    for r in 0..n_regions {
        travel_car[r * n_regions + r] = commuting.within_region_minutes;
        travel_pt[r * n_regions + r] = commuting.within_region_minutes;
    }
    for (i, t) in raw_travel.iter().enumerate() {
        let k = |f: &str| format!("travel[{i}].{f}");
        if t.between.len() != 2 {
            return Err(v.err(
                &k("between"),
                format!("{:?}", t.between),
                "must name exactly two regions",
            ));
        }
        let a = v.lookup(&k("between"), &t.between[0], region_ids, "region")?;
        let b = v.lookup(&k("between"), &t.between[1], region_ids, "region")?;
        if a == b {
            return Err(v.err(
                &k("between"),
                format!("{:?}", t.between),
                "must name two different regions (the time within a region is commuting.within_region_minutes)",
            ));
        }
        let car = v.nonneg(&k("car"), t.car, f64::INFINITY).ok();
        let pt = v
            .nonneg(&k("public_transport"), t.public_transport, f64::INFINITY)
            .ok();
        if car.is_none() && pt.is_none() {
            return Err(v.err(
                &k("car"),
                "(missing)",
                "give `car`, `public_transport` or both, in minutes",
            ));
        }
        for (m, val, key) in [
            (&mut travel_car, car, "car"),
            (&mut travel_pt, pt, "public_transport"),
        ] {
            if let Some(x) = val {
                m[a * n_regions + b] = x;
                m[b * n_regions + a] = x;
            } else if let Some(given) = if key == "car" {
                t.car
            } else {
                t.public_transport
            } {
                return Err(v.err(
                    &k(key),
                    given,
                    "must be a finite number of minutes, at least 0",
                ));
            }
        }
    }
    Ok((travel_car, travel_pt))
}
