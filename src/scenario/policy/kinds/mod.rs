//! The registry of policy kinds: one module per instrument, listed once in [`kinds!`] below, in
//! the order MODEL.md 7.12 lists them. The list generates the [`Kind`] enum, the names of
//! [`KINDS`], and the dispatch from a kind to its module's [`Instrument`] implementation.
//!
//! To add an instrument: write its module (a struct of its typed keys and an `impl Instrument`
//! with its name, default groups, parser and levers), add one line to the list, document its
//! keys in `scenarios/README.md` and its mechanism in `docs/MODEL.md`, and add it to the window,
//! budget (and, with participants, dose-response) tests in `tests/levers.rs`.

use super::{Block, Effect, GeoEdit, Instrument, StepLevers};
use crate::error::ScenarioError;

macro_rules! kinds {
    ($($module:ident :: $ty:ident),* $(,)?) => {
        $(pub mod $module;)*
        $(pub use $module::$ty;)*

        /// The kind of a policy and its typed keys.
        #[derive(Clone, Debug)]
        pub enum Kind {
            $($ty($ty),)*
        }

        /// Every kind's name, in registry order.
        pub const KINDS: &[&str] = &[$(<$ty as Instrument>::NAME,)*];

        impl Kind {
            /// Parse the kind's own keys; `None` when `name` is no kind.
            pub(super) fn parse(name: &str, b: &Block) -> Option<Result<Kind, ScenarioError>> {
                $(if name == <$ty as Instrument>::NAME {
                    return Some(<$ty as Instrument>::parse(b).map(Kind::$ty));
                })*
                None
            }

            /// The default groups of the kind called `name`.
            pub(super) fn default_groups(name: &str) -> &'static [&'static str] {
                $(if name == <$ty as Instrument>::NAME {
                    return <$ty as Instrument>::DEFAULT_GROUPS;
                })*
                &[]
            }

            pub fn name(&self) -> &'static str {
                match self { $(Kind::$ty(_) => <$ty as Instrument>::NAME,)* }
            }

            /// Whether the instrument works through enrolled participants.
            pub fn enrols(&self) -> bool {
                match self { $(Kind::$ty(_) => <$ty as Instrument>::ENROLS,)* }
            }

            /// Whether the instrument changes the geography.
            pub fn geographic(&self) -> bool {
                match self { $(Kind::$ty(_) => <$ty as Instrument>::GEOGRAPHIC,)* }
            }

            /// See [`Instrument::offers`].
            #[inline]
            pub fn offers(&self, langs: u8) -> bool {
                match self { $(Kind::$ty(k) => k.offers(langs),)* }
            }

            /// See [`Instrument::participate`].
            pub fn participate(&self, p: usize, effect: &mut Effect) {
                match self { $(Kind::$ty(k) => k.participate(p, effect),)* }
            }

            /// See [`Instrument::levers`].
            pub fn levers(&self, p: usize, levers: &mut StepLevers) {
                match self { $(Kind::$ty(k) => k.levers(p, levers),)* }
            }

            /// See [`Instrument::geography`].
            pub fn geography(&self, geo: &mut GeoEdit) {
                match self { $(Kind::$ty(k) => k.geography(geo),)* }
            }
        }
    };
}

kinds! {
    sector_plan::SectorPlan,
    training_subsidy::TrainingSubsidy,
    open_training_funds::OpenTrainingFunds,
    diploma_recognition::DiplomaRecognition,
    mobility_team::MobilityTeam,
    language_course::LanguageCourse,
    cross_border_info::CrossBorderInfo,
    cross_border_transport::CrossBorderTransport,
    border_agreement::BorderAgreement,
    matching_events::MatchingEvents,
    coaching_50plus::Coaching50Plus,
    youth_guarantee::YouthGuarantee,
    dual_qualification::DualQualification,
    job_retention::JobRetention,
}
