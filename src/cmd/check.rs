//! `labsim check`: validate a scenario and print what it describes and the memory it needs.

use std::path::Path;

use labsim::{estimate, scenario};

use crate::Failure;

pub fn check(path: &Path) -> Result<(), Failure> {
    let s = scenario::load(path).map_err(Failure::Scenario)?;
    print!("{}", scenario::describe(&s));
    let e = estimate::estimate(&s);
    println!(
        "memory     about {} at peak (world {}, records {}, output {}){}",
        estimate::human(e.peak),
        estimate::human(e.world),
        estimate::human(e.records),
        estimate::human(e.output),
        estimate::available_bytes()
            .map(|a| format!("; {} available", estimate::human(a)))
            .unwrap_or_default()
    );
    Ok(())
}
