//! The stages of one step, in the order they run, and the random draws each stage owns: one
//! list, [`stages!`] below. It drives the order of the step (`Stepper::step` runs
//! [`Stage::ALL`]), the per-stage timers and their names in `manifest.json`, and the keys of the
//! random streams ([`Draw`], used by [`crate::rng::StageKey`]), so these cannot disagree.
//!
//! A draw's key is a fixed number: it seeds the stream, so changing it changes every result
//! (re-mint the golden hashes, with the reason). Adding a draw to a stage is one line here with
//! a new number, and never shifts the numbers other stages see.

macro_rules! stages {
    (
        before the first step { $($(#[$idoc:meta])* $idraw:ident = $ikey:literal,)* }
        $($(#[$doc:meta])* $stage:ident $name:literal { $($(#[$ddoc:meta])* $draw:ident = $key:literal,)* })*
    ) => {
        /// The stages of a step, in step order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Stage {
            $($(#[$doc])* $stage,)*
        }

        impl Stage {
            /// Every stage, in the order the step runs them.
            pub const ALL: &'static [Stage] = &[$(Stage::$stage,)*];
            /// Number of stages.
            pub const COUNT: usize = Stage::ALL.len();

            /// The stage's name, as in `manifest.json`'s `stage_seconds`.
            pub const fn name(self) -> &'static str {
                match self { $(Stage::$stage => $name,)* }
            }

            /// Position in [`Stage::ALL`] (for per-stage arrays such as timers).
            pub const fn index(self) -> usize {
                self as usize
            }
        }

        /// A random draw: one keyed stream, owned by one stage (or by the building of the
        /// initial world).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Draw {
            $($(#[$idoc])* $idraw,)*
            $($($(#[$ddoc])* $draw,)*)*
        }

        impl Draw {
            /// Every draw.
            pub const ALL: &'static [Draw] = &[$(Draw::$idraw,)* $($(Draw::$draw,)*)*];

            /// The number that keys the draw's stream.
            pub const fn key(self) -> u64 {
                match self {
                    $(Draw::$idraw => $ikey,)*
                    $($(Draw::$draw => $key,)*)*
                }
            }

            /// The stage that owns the draw (`None`: building the initial world).
            pub const fn stage(self) -> Option<Stage> {
                match self {
                    $(Draw::$idraw => None,)*
                    $($(Draw::$draw => Some(Stage::$stage),)*)*
                }
            }
        }
    };
}

stages! {
    before the first step {
        /// The initial population: sectors, unemployment, commuting, contracts, ages, languages.
        Init = 1,
        /// The initial vacancies (step 0 only, so it shares its number with `Openings`).
        InitialVacancies = 3,
        /// Which employer of its node each initial job and vacancy belongs to.
        InitialEmployers = 12,
    }
    /// Open the policies' books of the step and set the levers of the active instruments.
    Policy "policy" {}
    /// Target demand per node, and the per-node rules that follow from the state at the start.
    Demand "demand" {
        /// Jobs destroyed and created at employers (gross job flows), per node.
        JobFlows = 13,
        /// Whether an employer takes up a job-retention scheme: a sub-stream per policy, the
        /// same every step, so that an employer decides once.
        JobRetention = 16,
        /// Which of an employer's open vacancies reach a hiring decision this step.
        Decisions = 17,
    }
    /// One parallel pass over the workers: separations, who searches, training starts and
    /// completions, recognition procedures, policy enrolment and courses.
    Scan "scan" {
        Separations = 2,
        /// Whether an unemployed or employed worker searches this step.
        Searching = 5,
        Training = 7,
        Recognition = 8,
        /// Policy enrolment (a sub-stream per policy) and language learning.
        Enrolment = 9,
        /// The order in which an employer whose demand fell gives notice, and withdraws it.
        Notice = 14,
        /// Ageing, retirement, and school leavers' entry and qualification (sub-streams).
        Population = 15,
    }
    /// Vacancy openings per node.
    Openings "openings" {
        Openings = 3,
    }
    /// The applications of every searcher.
    Search "search" {
        Applications = 6,
    }
    /// Urn-ball matching, offers and acceptances, in the order the search drew.
    Matching "matching" {
        /// With `mechanics.interviews`, whether a slot's first passing applicant is among the
        /// applicants its employer considers (one draw per slot with an applicant).
        Interviews = 18,
    }
    /// All transitions, flow counters, vacancy expiry, and the census brought up to date.
    Apply "apply" {
        Expiry = 4,
        Hire = 10,
        RecognitionOutcome = 11,
    }
    /// With debug assertions on (tests): the census kept up to date checked against a recount.
    Census "census" {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_draw_has_its_own_key_except_the_documented_step_0_share() {
        for (i, a) in Draw::ALL.iter().enumerate() {
            for b in &Draw::ALL[i + 1..] {
                let shared =
                    [a, b].contains(&&Draw::InitialVacancies) && [a, b].contains(&&Draw::Openings);
                assert!(
                    a.key() != b.key() || shared,
                    "{a:?} and {b:?} share key {}",
                    a.key()
                );
            }
        }
    }

    #[test]
    fn stages_are_listed_once_in_order_with_distinct_names() {
        for (i, s) in Stage::ALL.iter().enumerate() {
            assert_eq!(s.index(), i);
            assert_eq!(
                Stage::ALL.iter().filter(|t| t.name() == s.name()).count(),
                1
            );
        }
        assert_eq!(Stage::ALL[0], Stage::Policy);
        assert_eq!(Stage::ALL[Stage::COUNT - 1], Stage::Census);
    }
}
