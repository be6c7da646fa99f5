//! How a number is written in a CSV cell, and read back. Every output file writes its numbers
//! through one of these formats, so that the same value is the same text in every file:
//!
//! - [`count`]: persons and other counts, as an integer when whole, else with 2 decimals;
//! - [`fixed6`]: rates and ratios, and every value of `bands.csv`, with 6 decimals;
//! - [`fixed2`]: money (EUR) and comparison measures, with 2 decimals;
//! - [`sig7`]: calibration moments, rounded to 7 significant digits, shortest form;
//! - [`plain`]: values echoed from an input file (targets, tolerances), shortest form.
//!
//! An undefined value (`NaN`, e.g. tightness with nobody unemployed) is written as an empty
//! cell, and an empty cell reads back as `NaN`. Reading refuses a cell that is not a number or
//! not finite (`inf`, `NaN` spelled out): no writer produces one, and a figure drawn from one
//! would have no scale.
//!
//! Each format is a module with `serialize` and `deserialize`, for `#[serde(with = "...")]`.

use serde::de::Visitor;
use serde::{Deserializer, Serializer};

use super::round_sig;

/// How a value of a given meaning is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Count,
    Fixed6,
    Fixed2,
    Sig7,
    Plain,
}

impl Format {
    /// The text of `x` in this format; empty when `x` is not finite.
    pub fn text(self, x: f64) -> String {
        if !x.is_finite() {
            return String::new();
        }
        match self {
            Format::Count if x.fract() == 0.0 => format!("{x:.0}"),
            Format::Count | Format::Fixed2 => format!("{x:.2}"),
            Format::Fixed6 => format!("{x:.6}"),
            Format::Sig7 => format!("{}", round_sig(x, 7)),
            Format::Plain => format!("{x}"),
        }
    }
}

/// Parse a cell: empty is undefined (`NaN`); anything else must be a finite number.
pub fn parse(text: &str) -> Result<f64, String> {
    if text.is_empty() {
        return Ok(f64::NAN);
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err("not a finite number (an undefined value is written as an empty cell)".into()),
        Err(_) => Err("not a number".into()),
    }
}

/// Deserialize a number cell with [`parse`].
pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    struct Cell;
    impl Visitor<'_> for Cell {
        type Value = f64;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a number or an empty cell")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<f64, E> {
            parse(text).map_err(E::custom)
        }
    }
    d.deserialize_str(Cell)
}

/// Serialize `x` as the text of `format`.
pub fn write<S: Serializer>(format: Format, x: f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format.text(x))
}

macro_rules! formats {
    ($($module:ident => $format:ident),* $(,)?) => {$(
        #[doc = concat!("`#[serde(with = \"cell::", stringify!($module), "\")]`: see [`Format::", stringify!($format), "`].")]
        pub mod $module {
            pub use super::number as deserialize;
            pub fn serialize<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
                super::write(super::Format::$format, *x, s)
            }
        }
    )*};
}

formats! {
    count => Count,
    fixed6 => Fixed6,
    fixed2 => Fixed2,
    sig7 => Sig7,
    plain => Plain,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_write_the_texts_of_the_old_writers() {
        assert_eq!(Format::Count.text(1234.0), "1234");
        assert_eq!(Format::Count.text(333.333_333), "333.33");
        assert_eq!(Format::Count.text(-0.0), "-0");
        assert_eq!(Format::Fixed6.text(0.0412345678), "0.041235");
        assert_eq!(Format::Fixed2.text(10.0), "10.00");
        assert_eq!(Format::Sig7.text(0.123456789), "0.1234568");
        assert_eq!(Format::Plain.text(3.0), "3");
        assert_eq!(Format::Plain.text(0.00001), "0.00001");
        for f in [Format::Count, Format::Fixed6, Format::Fixed2, Format::Sig7] {
            assert_eq!(f.text(f64::NAN), "");
            assert_eq!(f.text(f64::INFINITY), "");
        }
    }

    #[test]
    fn cells_read_back_empty_as_undefined_and_refuse_non_finite_text() {
        assert!(parse("").unwrap().is_nan());
        assert_eq!(parse("12.5"), Ok(12.5));
        assert!(parse("inf").unwrap_err().contains("not a finite number"));
        assert!(parse("NaN").is_err());
        assert_eq!(parse("twelve").unwrap_err(), "not a number");
    }
}
