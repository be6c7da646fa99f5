//! `[border]` and `[[recognition]]`: what crossing from one country to another costs a worker,
//! and the procedures that recognise one country's diploma in another.

use std::collections::HashMap;

use super::{months_to_steps, R, V};
use crate::scenario::raw::{RawBorder, RawRecognition};
use crate::scenario::{Border, RecognitionRule};

/// The border frictions `[from * C + to]` (none on the diagonal) and the recognition rules
/// `[diploma_country * C + job_country]`.
pub(super) fn border(
    v: &V,
    b: RawBorder,
    raw_recognition: &[RawRecognition],
    country_ids: &HashMap<String, usize>,
    step_months: u32,
) -> R<(Border, Vec<Option<RecognitionRule>>)> {
    let n_countries = country_ids.len();
    let cc = n_countries * n_countries;
    let friction = v.prob("border.admin_friction", b.admin_friction, 0.2)?;
    let awareness = v.prob("border.awareness", b.awareness, 0.5)?;
    let cost = v.nonneg("border.cost", b.cost, 100.0)?;
    let mut border = Border {
        language_weight: v.prob("border.language_weight", b.language_weight, 0.25)?,
        unrecognised_weight: v.prob("border.unrecognised_weight", b.unrecognised_weight, 0.0)?,
        admin_friction: vec![friction; cc],
        awareness: vec![awareness; cc],
        cost: vec![cost; cc],
    };
    for c in 0..n_countries {
        border.admin_friction[c * n_countries + c] = 0.0;
        border.awareness[c * n_countries + c] = 1.0;
        border.cost[c * n_countries + c] = 0.0;
    }
    for (i, p) in b.pair.iter().enumerate() {
        let k = |f: &str| format!("border.pair[{i}].{f}");
        let (from, to) = country_pair(v, &k("from"), &k("to"), &p.from, &p.to, country_ids)?;
        let at = from * n_countries + to;
        border.admin_friction[at] = v.prob(&k("admin_friction"), p.admin_friction, friction)?;
        border.awareness[at] = v.prob(&k("awareness"), p.awareness, awareness)?;
        border.cost[at] = v.nonneg(&k("cost"), p.cost, cost)?;
    }

    let mut recognition = vec![None; cc];
    for (i, r) in raw_recognition.iter().enumerate() {
        let k = |f: &str| format!("recognition[{i}].{f}");
        let (from, to) = country_pair(v, &k("from"), &k("to"), &r.from, &r.to, country_ids)?;
        recognition[from * n_countries + to] = Some(RecognitionRule {
            duration_steps: months_to_steps(
                v.int(&k("duration_months"), r.duration_months, 4, 1, 120)?,
                step_months,
            ),
            fee: v.nonneg(&k("fee"), r.fee, 0.0)?,
            success_probability: v.prob(&k("success_probability"), r.success_probability, 1.0)?,
            start_probability: v.prob(&k("start_probability"), r.start_probability, 0.01)?,
        });
    }
    Ok((border, recognition))
}

/// Two different countries, `from` and `to`, by code.
fn country_pair(
    v: &V,
    from_key: &str,
    to_key: &str,
    from: &Option<String>,
    to: &Option<String>,
    ids: &HashMap<String, usize>,
) -> R<(usize, usize)> {
    let from_name = from.as_deref().ok_or_else(|| v.missing(from_key))?;
    let to_name = to.as_deref().ok_or_else(|| v.missing(to_key))?;
    let a = v.lookup(from_key, from_name, ids, "country")?;
    let b = v.lookup(to_key, to_name, ids, "country")?;
    if a == b {
        return Err(v.err(
            to_key,
            format!("\"{to_name}\""),
            "must be a different country from `from`",
        ));
    }
    Ok((a, b))
}
