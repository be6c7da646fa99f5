//! Fixtures shared by more than one integration test file.

/// The tables of a minimal valid scenario (no top-level keys): one region, one sector, five
/// steps.
pub const TABLES: &str = r#"
[simulation]
steps = 5

[[region]]
name = "A"
country = "NL"
labour_force = 2000
unemployment_rate = 0.05

[[sector]]
name = "s"
vacancy_rate = 0.03
"#;
