//! What every layer agrees on about a worker agent: its status codes, the `u16` clock its
//! spells are timed on, and the "none" marker of its `u8` fields. The scenario (which checks
//! step ranges against the clock), the world (which stores them) and the step (which reads them)
//! all import them from here, so none of those layers needs another for them.

/// Clock value of step 0; leaves 100 years of history for initial spells.
pub const CLOCK_ORIGIN: u16 = 1200;
/// Largest step a clock can hold.
pub const MAX_STEPS: u32 = (u16::MAX - CLOCK_ORIGIN) as u32;
/// "No sector" / "no country" marker in the `u8` fields.
pub const NONE_U8: u8 = u8::MAX;

/// What a worker is doing; stored as its `u8` code in `Workers::status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Status {
    Employed = 0,
    Unemployed = 1,
    Training = 2,
    /// Outside the labour force (with `[population]`): retired, or a school leaver still to
    /// enter.
    Inactive = 3,
    /// Outside the labour force but attached to it (with `[population]`): left unemployment
    /// without a job (stopped searching: discouraged, ill, caring) and returns to it.
    Available = 4,
}
