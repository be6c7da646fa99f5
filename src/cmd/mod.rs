//! The commands of the binary, one module each: each turns its parsed arguments into library
//! calls and prints what it did. `settings` and `progress` are what several commands share.

pub mod calibrate;
pub mod check;
pub mod compare;
pub mod plot;
mod progress;
pub mod run;
mod settings;
mod staged;
pub mod sweep;
