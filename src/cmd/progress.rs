//! The one progress-bar factory of the binary.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar over `len` `unit`s (steps, runs, evaluations) on a terminal; hidden when
/// `quiet` or when stderr is not a terminal.
pub fn bar(quiet: bool, len: u64, message: String, unit: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    let template = format!("{{msg}} [{{bar:40}}] {{pos}}/{{len}} {unit}, {{eta}} left");
    let style =
        ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style.progress_chars("=> "));
    bar.set_message(message);
    bar
}
