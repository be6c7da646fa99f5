//! Policy instruments: where `[[policy]]` blocks are checked and where they act in a step.
//!
//! No instrument exists yet: every `[[policy]]` block is refused with a message naming its
//! kind. The step already calls [`apply`] in its place (after matching and training, before the
//! metrics), and the scenario format already reserves `[[policy]]`, so that instruments can be
//! added one module at a time without touching the other stages.

use crate::error::ScenarioError;
use crate::scenario::raw::RawPolicy;

/// The policy instruments `[[policy]] kind = "..."` will accept, in the order MODEL.md lists them.
pub const PLANNED_KINDS: &[&str] = &[
    "sector_plan",
    "training_subsidy",
    "open_training_funds",
    "diploma_recognition",
    "mobility_team",
    "language_course",
    "cross_border_info",
    "cross_border_transport",
    "border_agreement",
    "matching_events",
    "coaching_50plus",
    "youth_guarantee",
    "dual_qualification",
];

/// A validated policy instrument. Uninhabited until the first instrument is built.
#[derive(Clone, Debug)]
pub enum Policy {}

/// Check the `[[policy]]` blocks; `err(key, value, rule)` builds the error for a key.
pub fn validate(
    raw: &[RawPolicy],
    err: impl Fn(&str, &str, &str) -> ScenarioError,
) -> Result<Vec<Policy>, ScenarioError> {
    if let Some((i, p)) = raw.iter().enumerate().next() {
        let key = format!("policy[{i}].kind");
        return Err(match &p.kind {
            None => err(&key, "(missing)", "every [[policy]] block needs a `kind`"),
            Some(kind) if PLANNED_KINDS.contains(&kind.as_str()) => err(
                &key,
                &format!("\"{kind}\""),
                "this policy instrument is not available in this version of labsim yet",
            ),
            Some(kind) => err(
                &key,
                &format!("\"{kind}\""),
                &format!(
                    "unknown policy kind (planned kinds: {})",
                    PLANNED_KINDS.join(", ")
                ),
            ),
        });
    }
    Ok(Vec::new())
}

/// The policy stage of a step: act through the levers of each active instrument.
/// With no instruments it changes nothing.
pub fn apply(policies: &[Policy]) {
    if let Some(p) = policies.first() {
        match *p {}
    }
}
