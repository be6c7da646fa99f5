//! `labsim check`: validate a scenario and print what it describes.

use std::path::Path;

use labsim::scenario;

use crate::Failure;

pub fn check(path: &Path) -> Result<(), Failure> {
    let s = scenario::load(path).map_err(Failure::Scenario)?;
    print!("{}", scenario::describe(&s));
    Ok(())
}
