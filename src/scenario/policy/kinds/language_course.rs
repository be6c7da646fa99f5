//! `language_course`: participants who do not speak the language learn it with a chance of
//! `1 / months` per month of the course.

use crate::error::ScenarioError;
use crate::scenario::policy::{Block, Instrument, StepLevers};

#[derive(Clone, Debug)]
pub struct LanguageCourse {
    /// Index of the language taught in the scenario's `languages`.
    pub language: u8,
    /// Mean length of the course, in steps.
    pub months: u32,
}

impl Instrument for LanguageCourse {
    const NAME: &'static str = "language_course";
    const DEFAULT_GROUPS: &'static [&'static str] = &["unemployed", "employed", "self_employed"];
    const ENROLS: bool = true;

    fn parse(b: &Block) -> Result<Self, ScenarioError> {
        let language = b.string("language")?.ok_or_else(|| {
            b.err(
                "language",
                "(missing)",
                "name the language taught, e.g. \"de\"",
            )
        })?;
        let l = b
            .ctx
            .languages
            .iter()
            .position(|x| *x == language)
            .ok_or_else(|| {
                b.err(
                    "language",
                    format!("\"{language}\""),
                    &format!(
                        "is no language of this scenario (known: {})",
                        b.ctx.languages.join(", ")
                    ),
                )
            })?;
        Ok(LanguageCourse {
            language: l as u8,
            months: b.months("months", 6)?,
        })
    }

    fn offers(&self, langs: u8) -> bool {
        langs & (1 << self.language) == 0
    }

    fn levers(&self, p: usize, l: &mut StepLevers) {
        l.courses
            .push((p, 1 << self.language, 1.0 / f64::from(self.months)));
    }
}
