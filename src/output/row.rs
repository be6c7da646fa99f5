//! The row type of an output file: [`CsvRow`] ties a struct to the columns of its file, in
//! order, and [`csv_row!`] declares one from its fields, so that a column is one field with its
//! doc line (meaning and unit): the field names are the header, the field types say how a cell
//! reads back ([`FromCell`]), a `#[serde(with = "cell::...")]` how a number is written.
//!
//! [`CsvText`] writes rows through the `csv` crate and serde, which quote a field holding a
//! comma, a quote or a line break; `read.rs` reads them back through the same crate.

use serde::Serialize;

use super::cell;

/// A row of an output file.
pub trait CsvRow: Serialize + Sized {
    /// The file's columns, in order: its header.
    fn columns() -> Vec<&'static str>;

    /// Columns added after files of this type were first written: a file without one reads
    /// as if its cells were empty, so that older output directories still read.
    fn added_later() -> &'static [&'static str] {
        &[]
    }

    /// Build a row from the cells of one line, taken in the order of [`CsvRow::columns`].
    fn from_cells(cells: &mut Cells<'_>) -> Result<Self, CellError>;
}

/// The cells of one line of a file, handed out in the order of a row type's columns, wherever
/// those columns are in the file.
pub struct Cells<'a> {
    pub(super) record: &'a csv::StringRecord,
    /// Position in the file of each column of the row type.
    pub(super) index: &'a [usize],
    pub(super) columns: &'a [&'static str],
    pub(super) next: usize,
}

impl Cells<'_> {
    /// The next column's cell, read as a `V`.
    pub fn take<V: FromCell>(&mut self) -> Result<V, CellError> {
        let k = self.next;
        self.next += 1;
        let text = self.record.get(self.index[k]).unwrap_or_default();
        V::from_cell(text).map_err(|rule| CellError {
            column: self.columns[k],
            value: text.to_string(),
            rule,
        })
    }
}

/// A cell that does not read as its column's type.
#[derive(Clone, Debug, PartialEq)]
pub struct CellError {
    pub column: &'static str,
    pub value: String,
    pub rule: String,
}

/// A value that a cell reads back as.
pub trait FromCell: Sized {
    fn from_cell(text: &str) -> Result<Self, String>;
}

/// Numbers: empty is undefined (`NaN`), anything else a finite number ([`cell::parse`]).
impl FromCell for f64 {
    fn from_cell(text: &str) -> Result<f64, String> {
        cell::parse(text)
    }
}

impl FromCell for String {
    fn from_cell(text: &str) -> Result<String, String> {
        Ok(text.to_string())
    }
}

impl FromCell for bool {
    fn from_cell(text: &str) -> Result<bool, String> {
        match text {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err("not `true` or `false`".into()),
        }
    }
}

macro_rules! whole_numbers {
    ($($t:ty),*) => {$(
        impl FromCell for $t {
            fn from_cell(text: &str) -> Result<$t, String> {
                text.parse()
                    .map_err(|_| format!("not a whole number from 0 to {}", <$t>::MAX))
            }
        }
    )*};
}
whole_numbers!(u32, u64, usize);

/// Empty is `None`.
impl<V: FromCell> FromCell for Option<V> {
    fn from_cell(text: &str) -> Result<Option<V>, String> {
        if text.is_empty() {
            Ok(None)
        } else {
            V::from_cell(text).map(Some)
        }
    }
}

/// Declare the row type of an output file: a struct whose fields are its columns in order,
/// with `Clone, Debug, PartialEq, Serialize` and [`CsvRow`]. Give each field a doc line with
/// its meaning and unit, and each `f64` a format of `output::cell`. Fields keep their Rust
/// names (no `serde(rename)`): the names are the header. A column added to a file that older
/// versions wrote without it is named after the struct in `added_later: [...]` (its cells
/// read as empty where it is absent: `NaN` for a number).
macro_rules! csv_row {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                pub $field:ident : $ty:ty
            ),* $(,)?
        }
        $(added_later: [$($added:literal),* $(,)?])?
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, serde::Serialize)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        impl $crate::output::CsvRow for $name {
            fn columns() -> Vec<&'static str> {
                vec![$(stringify!($field)),*]
            }

            fn added_later() -> &'static [&'static str] {
                &[$($($added),*)?]
            }

            fn from_cells(
                cells: &mut $crate::output::Cells<'_>,
            ) -> Result<Self, $crate::output::CellError> {
                Ok($name { $( $field: cells.take()?, )* })
            }
        }
    };
}
pub(crate) use csv_row;

/// The text of a CSV file being written: a header, then one line per row pushed. `CsvText<T>`
/// writes rows of type `T` under its columns; `CsvText` alone, a file whose columns are known
/// only at run time (a sweep's parameters).
pub struct CsvText<T = ()> {
    writer: csv::Writer<Vec<u8>>,
    row: std::marker::PhantomData<fn(&T)>,
}

impl<T: CsvRow> CsvText<T> {
    pub fn new() -> CsvText<T> {
        CsvText::with_header(T::columns())
    }

    /// Append a row.
    pub fn push(&mut self, row: &T) {
        // Serializing a struct of numbers and strings into memory cannot fail; a row type that
        // writes another number of fields than its columns is a bug the unit tests catch.
        self.writer
            .serialize(row)
            .expect("a row writes into memory as many fields as its header");
    }
}

impl<T: CsvRow> Default for CsvText<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> CsvText<T> {
    /// A file with the given header.
    pub fn with_header<S: AsRef<[u8]>>(header: impl IntoIterator<Item = S>) -> CsvText<T> {
        let mut writer = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        writer
            .write_record(header)
            .expect("a header writes into memory");
        CsvText {
            writer,
            row: std::marker::PhantomData,
        }
    }

    /// Append a line given as the texts of its fields.
    pub fn push_fields<S: AsRef<[u8]>>(&mut self, fields: impl IntoIterator<Item = S>) {
        self.writer
            .write_record(fields)
            .expect("a line writes into memory as many fields as its header");
    }

    /// The file's text.
    pub fn finish(self) -> String {
        let bytes = self
            .writer
            .into_inner()
            .expect("flushing into memory cannot fail");
        String::from_utf8(bytes).expect("every field written is UTF-8")
    }
}

/// A whole file of rows of type `T`.
pub fn csv_text<'a, T: CsvRow + 'a>(rows: impl IntoIterator<Item = &'a T>) -> String {
    let mut text = CsvText::new();
    for row in rows {
        text.push(row);
    }
    text.finish()
}
