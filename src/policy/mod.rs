//! Policy instruments at run time: what the active instruments change in one step (the
//! [`Levers`] the stages read), built at the start of each step from the scenario's policies
//! ([`crate::scenario::policy`], the specification) and their books ([`crate::world::Book`]).
//!
//! Every instrument acts only inside its window (`start`..=`end` steps), on workers living in
//! its `regions`, attached to its `sectors` and in its `groups`, and never spends past its
//! `budget` (over the whole run) or `budget_per_year`: a new participant, subsidised course or
//! yearly cost that would pass the cap is refused. Instruments with participants (sector plans,
//! mobility teams, language courses, matching events, coaching, youth guarantee) reach eligible
//! workers at `coverage` per step; participation is a bit per policy in each worker and ends at
//! placement (a hire). The levers, by stage (MODEL.md section 7.12):
//!
//! - scan: enrolment; on-the-job search and search probability of participants; training
//!   take-up of participants; who pays for a course (subsidy, opened funds, plan or team
//!   share); language learning; recognition procedures (changed rules);
//! - search: extra applications and wider sector weights for participants; commuting (transport),
//!   border factors (information, agreements), recognition no longer needed (barrier removed);
//! - matching: employer preference for participants (coaching, youth guarantee);
//! - apply: spending, placements, dual recognition on course completion.

use crate::model::{Geo, Model};
use crate::scenario::policy::{Effect, GeoEdit, StepLevers};
use crate::world::Book;

/// What the active policies change in one step. Rebuilt at the start of each step from the
/// policies and the [`Book`] (budgets left); read-only during the step. Scratch of the stepper:
/// the geography is cached by the set of active geographic policies, which it is a function of.
#[derive(Clone)]
pub struct Levers {
    /// Step these levers were built for.
    pub t: u32,
    /// Bit per policy: in its window this step and able to pay its running cost.
    pub active: u8,
    /// Bit per active policy with participants.
    pub enrolling: u8,
    /// Bit per policy with participants whose window holds the step, active or not (one that
    /// could not pay its running cost is not active but still settles its participants' hires
    /// and departures).
    pub open: u8,
    /// Geography with transport, information and agreements applied; `None`: the model's.
    pub geo: Option<Geo>,
    /// What the active instruments change for everyone.
    pub step: StepLevers,
    /// Combined effect on a participant, by `flags & active` (256 entries when any policy
    /// with participants exists, else empty).
    pub effects: Vec<Effect>,
}

impl Levers {
    pub fn new(model: &Model) -> Levers {
        let mut step = StepLevers::default();
        step.reset(model.n_countries, &model.scenario.recognition);
        Levers {
            t: 0,
            active: 0,
            enrolling: 0,
            open: 0,
            geo: None,
            step,
            effects: Vec::new(),
        }
    }

    /// The combined effect on a worker with participation `flags`.
    #[inline]
    pub fn effect(&self, flags: u8) -> &Effect {
        &self.effects[(flags & self.active) as usize]
    }

    /// The geography in force.
    #[inline]
    pub fn geo<'a>(&'a self, model: &'a Model) -> &'a Geo {
        self.geo.as_ref().unwrap_or(&model.geo)
    }

    /// Rebuild for step `t`.
    pub fn update(&mut self, model: &Model, book: &Book, t: u32) {
        let s = &model.scenario;
        let policies = &s.policies;
        let (mut active, mut open) = (0u8, 0u8);
        // Step 0 is never taken after the burn-in: it stands for the burn-in's steps, in
        // which no policy acts (not even one whose window starts at 0).
        for (p, policy) in policies.iter().enumerate() {
            if t > 0 && policy.active(t) {
                if policy.kind.enrols() {
                    open |= 1 << p;
                }
                if !book.exhausted(p) {
                    active |= 1 << p;
                }
            }
        }
        self.open = open;
        let geo_changed =
            self.t == 0 || geography_mask(model, active) != geography_mask(model, self.active);
        self.t = t;
        self.active = active;
        self.enrolling = 0;
        self.step.reset(model.n_countries, &s.recognition);
        for (p, policy) in policies.iter().enumerate() {
            if active & (1 << p) == 0 {
                continue;
            }
            if policy.kind.enrols() {
                self.enrolling |= 1 << p;
            }
            policy.kind.levers(p, &mut self.step);
        }
        if policies.iter().any(|p| p.kind.enrols()) {
            self.effects.clear();
            for flags in 0..256usize {
                let mut e = Effect::NONE;
                for (p, policy) in policies.iter().enumerate() {
                    if flags & (1 << p) != 0 && active & (1 << p) != 0 {
                        policy.kind.participate(p, &mut e);
                    }
                }
                self.effects.push(e);
            }
        }
        if geo_changed {
            self.geo = build_geo(model, active);
        }
    }
}

/// Bit per active policy that changes the geography.
fn geography_mask(model: &Model, active: u8) -> u8 {
    let mut mask = 0;
    for (p, policy) in model.scenario.policies.iter().enumerate() {
        if policy.kind.geographic() && active & (1 << p) != 0 {
            mask |= 1 << p;
        }
    }
    mask
}

/// The geography with the active transport, information and agreement policies applied, in
/// the order they are listed; `None` when none is active.
fn build_geo(model: &Model, active: u8) -> Option<Geo> {
    let mask = geography_mask(model, active);
    if mask == 0 {
        return None;
    }
    let s = &model.scenario;
    let mut edit = GeoEdit {
        regions: model.n_regions,
        countries: model.n_countries,
        car: s.travel_car.clone(),
        public_transport: s.travel_pt.clone(),
        admin_friction: s.border.admin_friction.clone(),
        awareness: s.border.awareness.clone(),
    };
    for (p, policy) in s.policies.iter().enumerate() {
        if mask & (1 << p) != 0 {
            policy.kind.geography(&mut edit);
        }
    }
    Some(Geo::build(
        s,
        &edit.car,
        &edit.public_transport,
        &edit.admin_friction,
        &edit.awareness,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::policy::Effect;

    /// A participant's effect is that of its *active* policies only: before its window and
    /// after, a mobility team's participants get nothing; inside it they get the team's help.
    /// With a second, geographic policy active, the team's bit still decides.
    #[test]
    fn participants_of_an_inactive_policy_get_no_effect() {
        let s = crate::scenario::from_toml_str(
            r#"
[simulation]
steps = 10
[[region]]
name = "A"
country = "NL"
labour_force = 1000
unemployment_rate = 0.05
[[region]]
name = "B"
country = "BE"
labour_force = 1000
unemployment_rate = 0.05
[[sector]]
name = "s"
vacancy_rate = 0.03
[[policy]]
kind = "mobility_team"
start = 3
end = 5
[[policy]]
kind = "border_agreement"
countries = ["NL", "BE"]
start = 1
end = 10
"#,
            "levers",
        )
        .unwrap();
        let model = Model::new(s);
        let book = Book::new(&model);
        let mut levers = Levers::new(&model);
        for t in 1..=8 {
            levers.update(&model, &book, t);
            let team = levers.effect(0b01);
            if (3..=5).contains(&t) {
                assert_ne!(
                    *team,
                    Effect::NONE,
                    "step {t}: the team's participants get no help"
                );
                assert_eq!(levers.enrolling, 0b01, "step {t}");
            } else {
                assert_eq!(*team, Effect::NONE, "step {t}: help outside the window");
                assert_eq!(levers.enrolling, 0, "step {t}");
            }
            assert_eq!(
                levers.active & 0b10,
                0b10,
                "step {t}: the agreement is active"
            );
        }
    }
}
