//! Reading output files back: [`Reader`] and [`read`] for a file with a row type, [`Table`] for
//! one whose columns are known only at run time (a sweep's `summary.csv`, a calibration's
//! `history.csv`). Both go through the `csv` crate (quoted fields may hold commas and line
//! breaks), find columns by name, and fail with a [`ReadError`] naming the file and the missing
//! column, or the line, column and value of a cell that does not read.

use std::fs::File;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use csv::StringRecord;

use super::cell;
use super::row::{CellError, Cells, CsvRow};

/// An output file that cannot be read as what it should be.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", .path.display())]
pub struct ReadError {
    pub path: PathBuf,
    pub problem: Problem,
}

/// What is wrong with the file.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("cannot read it: {0}")]
    Io(std::io::Error),
    #[error("the file is empty")]
    Empty,
    #[error("missing column `{0}`")]
    MissingColumn(String),
    #[error("line {line} has {found} fields, the header {expected}")]
    Fields {
        line: u64,
        found: u64,
        expected: u64,
    },
    #[error("line {line}, column `{column}`: {value:?} is {rule}")]
    Value {
        line: u64,
        column: String,
        value: String,
        rule: String,
    },
    #[error("line {line}: {message}")]
    Line { line: u64, message: String },
}

impl ReadError {
    fn new(path: &Path, problem: Problem) -> ReadError {
        ReadError {
            path: path.to_path_buf(),
            problem,
        }
    }
}

/// The line a record starts on (1 is the header).
fn line_of(record: &StringRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

/// Open `path` as CSV and read its header.
fn open(path: &Path) -> Result<(csv::Reader<File>, StringRecord), ReadError> {
    let file = File::open(path).map_err(|e| ReadError::new(path, Problem::Io(e)))?;
    let mut reader = csv::ReaderBuilder::new().from_reader(file);
    let headers = reader
        .headers()
        .map_err(|e| ReadError::new(path, problem(e)))?
        .clone();
    if headers.is_empty() {
        return Err(ReadError::new(path, Problem::Empty));
    }
    Ok((reader, headers))
}

/// A `csv` error reading a record, as our problem.
fn problem(e: csv::Error) -> Problem {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(e) => Problem::Io(e),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Problem::Fields {
            line,
            found: len,
            expected: expected_len,
        },
        csv::ErrorKind::Utf8 { err, .. } => Problem::Line {
            line,
            message: format!("not UTF-8 text (field {})", err.field() + 1),
        },
        other => Problem::Line {
            line,
            message: format!("{other:?}"),
        },
    }
}

/// The rows of a file of row type `T`, one at a time.
pub struct Reader<T> {
    path: PathBuf,
    csv: csv::Reader<File>,
    headers: StringRecord,
    columns: Vec<&'static str>,
    /// Position in the file of each of `columns`.
    index: Vec<usize>,
    record: StringRecord,
    row: PhantomData<fn() -> T>,
}

impl<T: CsvRow> Reader<T> {
    /// Open `path` and check that its header has every column of `T` (in any order; other
    /// columns are ignored) but those [`CsvRow::added_later`], whose cells read as empty where
    /// the file lacks them.
    pub fn open(path: &Path) -> Result<Reader<T>, ReadError> {
        let (csv, headers) = open(path)?;
        let columns = T::columns();
        let index = columns
            .iter()
            .map(|c| match headers.iter().position(|h| h == *c) {
                Some(k) => Ok(k),
                // No cell of any record is at this position: `Cells::take` reads it as empty.
                None if T::added_later().contains(c) => Ok(usize::MAX),
                None => Err(ReadError::new(path, Problem::MissingColumn(c.to_string()))),
            })
            .collect::<Result<_, _>>()?;
        Ok(Reader {
            path: path.to_path_buf(),
            csv,
            headers,
            columns,
            index,
            record: StringRecord::new(),
            row: PhantomData,
        })
    }

    /// The file's header.
    pub fn headers(&self) -> &StringRecord {
        &self.headers
    }

    /// The fields of the line last read, as they are in the file.
    pub fn record(&self) -> &StringRecord {
        &self.record
    }

    /// The next row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<T>, ReadError> {
        match self.csv.read_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let mut cells = Cells {
                    record: &self.record,
                    index: &self.index,
                    columns: &self.columns,
                    next: 0,
                };
                T::from_cells(&mut cells).map(Some).map_err(|e| {
                    let CellError {
                        column,
                        value,
                        rule,
                    } = e;
                    ReadError::new(
                        &self.path,
                        Problem::Value {
                            line: line_of(&self.record),
                            column: column.to_string(),
                            value,
                            rule,
                        },
                    )
                })
            }
            Err(e) => Err(ReadError::new(&self.path, problem(e))),
        }
    }
}

impl<T: CsvRow> Iterator for Reader<T> {
    type Item = Result<T, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row().transpose()
    }
}

/// Every row of the file at `path`.
pub fn read<T: CsvRow>(path: &Path) -> Result<Vec<T>, ReadError> {
    Reader::open(path)?.collect()
}

/// A file whose columns are known only at run time: its header and its lines as texts.
pub struct Table {
    pub path: PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The line each row starts on, for errors.
    lines: Vec<u64>,
}

impl Table {
    pub fn read(path: &Path) -> Result<Table, ReadError> {
        let (mut csv, headers) = open(path)?;
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        let mut record = StringRecord::new();
        loop {
            match csv.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    rows.push(record.iter().map(str::to_string).collect());
                    lines.push(line_of(&record));
                }
                Err(e) => return Err(ReadError::new(path, problem(e))),
            }
        }
        Ok(Table {
            path: path.to_path_buf(),
            header: headers.iter().map(str::to_string).collect(),
            rows,
            lines,
        })
    }

    /// Index of a column, or an error naming it.
    pub fn column(&self, name: &str) -> Result<usize, ReadError> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ReadError::new(&self.path, Problem::MissingColumn(name.to_string())))
    }

    /// The number in row `row`, column `col`: `NaN` if empty, an error naming the line, column
    /// and value if it is not a finite number.
    pub fn number(&self, row: usize, col: usize) -> Result<f64, ReadError> {
        let text = &self.rows[row][col];
        cell::parse(text).map_err(|rule| {
            ReadError::new(
                &self.path,
                Problem::Value {
                    line: self.lines[row],
                    column: self.header[col].clone(),
                    value: text.clone(),
                    rule,
                },
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{
        csv_text, BandsRow, CommutersRow, Metrics, PoliciesRow, SeriesId, SeriesRow,
    };

    fn series_row(key: &str) -> SeriesRow {
        let metrics = Metrics {
            employed: 1234.0,
            jobs: 333.33,
            unemployment_rate: 0.041235,
            tightness: f64::NAN,
            demand: 1e6,
            benefit_spending: 12.5,
            ..Metrics::default()
        };
        SeriesRow {
            id: SeriesId {
                replication: 1,
                step: 7,
                date: "2022-07".into(),
                level: "region".into(),
                key: key.into(),
            },
            metrics,
        }
    }

    fn file(dir: &tempfile::TempDir, text: &str) -> PathBuf {
        let path = dir.path().join("series.csv");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_row_round_trips_through_write_and_read() {
        let dir = tempfile::tempdir().unwrap();
        let rows = [series_row("Twente"), series_row("all")];
        let text = csv_text(&rows);
        assert!(text.starts_with("replication,step,date,level,key,employed,jobs,"));
        assert!(
            text.contains("\n1,7,2022-07,region,Twente,1234,333.33,0,0,0,0.041235,0.000000,,"),
            "{text}"
        );
        let back: Vec<SeriesRow> = read(&file(&dir, &text)).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].id, rows[0].id);
        assert!(
            back[0].metrics.tightness.is_nan(),
            "an empty cell reads as undefined"
        );
        assert_eq!(back[0].metrics.employed, 1234.0);
        assert_eq!(back[0].metrics.jobs, 333.33);
        assert_eq!(back[0].metrics.unemployment_rate, 0.041235);
        assert_eq!(back[0].metrics.benefit_spending, 12.5);
        assert_eq!(csv_text(&back), text, "written again, the same bytes");
    }

    /// Write `rows` as their file, read it back, and compare.
    fn round_trip<T: CsvRow + PartialEq + std::fmt::Debug>(rows: &[T]) {
        let dir = tempfile::tempdir().unwrap();
        let text = csv_text(rows);
        assert_eq!(text.lines().count(), 1 + rows.len(), "{text}");
        assert_eq!(read::<T>(&file(&dir, &text)).unwrap(), rows);
    }

    #[test]
    fn every_row_type_of_a_run_round_trips() {
        round_trip(&[CommutersRow {
            replication: 0,
            step: 2,
            date: String::new(),
            home_country: "DE".into(),
            work_country: "NL".into(),
            commuters: 7600.0,
            hires: 12.5,
        }]);
        round_trip(&[PoliciesRow {
            replication: 1,
            step: 3,
            date: "2022-03".into(),
            policy: "STAP budget, 2022".into(),
            kind: "training_subsidy".into(),
            participants_new: 10.0,
            participants: 250.0,
            placements: 4.0,
            spending: 12345.67,
            refused_enrolments: 1.0,
            placements_from_unemployment: 3.0,
            placements_from_notice: 0.0,
            placements_from_job: 1.0,
            placements_across_border: 1.0,
            ended_at_maximum: 2.0,
            refused_spends: 3.0,
        }]);
        round_trip(&[BandsRow {
            step: 4,
            date: String::new(),
            level: "sector".into(),
            key: "care".into(),
            metric: "vacancy_rate".into(),
            mean: 0.049,
            p05: 0.041,
            p95: 0.057,
        }]);
    }

    #[test]
    fn a_quoted_key_with_a_comma_quote_and_line_break_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let key = "Kreis Kleve, \"Niederrhein\"\nnorth";
        let text = csv_text(&[series_row(key), series_row("next")]);
        assert!(text.contains("\"Kreis Kleve, \"\"Niederrhein\"\"\nnorth\""));
        let back: Vec<SeriesRow> = read(&file(&dir, &text)).unwrap();
        assert_eq!(back[0].id.key, key);
        assert_eq!(back[1].id.key, "next");
        assert_eq!(back[1].metrics.employed, 1234.0);
    }

    #[test]
    fn a_missing_column_is_reported_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let text = csv_text(&[series_row("all")]).replacen("vacancy_rate", "vacancy_ratio", 1);
        let err = read::<SeriesRow>(&file(&dir, &text)).unwrap_err();
        assert!(matches!(&err.problem, Problem::MissingColumn(c) if c == "vacancy_rate"));
        let message = err.to_string();
        assert!(
            message.contains("series.csv: missing column `vacancy_rate`"),
            "{message}"
        );
        let err = read::<SeriesRow>(&file(&dir, "")).unwrap_err();
        assert!(matches!(err.problem, Problem::Empty), "{err}");
    }

    /// A `series.csv` written before the retrained's hires and the job finding by time without
    /// work were counted still reads: their cells read as empty, every other column as written.
    #[test]
    fn a_series_without_the_columns_added_later_still_reads() {
        let dir = tempfile::tempdir().unwrap();
        let text = csv_text(&[series_row("all")]);
        let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        let later = SeriesRow::added_later();
        assert_eq!(later.len(), 8);
        let keep: Vec<bool> = header.iter().map(|c| !later.contains(c)).collect();
        assert_eq!(keep.iter().filter(|k| !**k).count(), 8, "{header:?}");
        let older: String = text
            .lines()
            .map(|line| {
                let cells: Vec<&str> = line
                    .split(',')
                    .zip(&keep)
                    .filter_map(|(c, k)| k.then_some(c))
                    .collect();
                cells.join(",") + "\n"
            })
            .collect();
        let back: Vec<SeriesRow> = read(&file(&dir, &older)).unwrap();
        let m = &back[0].metrics;
        assert!(m.retrained_hires.is_nan() && m.retrained_hires_in_course_sector.is_nan());
        assert!(m.unemployed_in_months_1_6.is_nan() && m.hires_in_months_7_12.is_nan());
        assert!(m.attached_inactive_in_months_7_12.is_nan());
        assert_eq!((m.employed, m.benefit_spending), (1234.0, 12.5));
        let err = read::<SeriesRow>(&file(&dir, &older.replacen("employed,", "", 1))).unwrap_err();
        assert!(matches!(&err.problem, Problem::MissingColumn(c) if c == "employed"));
    }

    #[test]
    fn columns_are_found_by_name_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("commuters.csv");
        std::fs::write(
            &path,
            "hires,step,replication,date,work_country,home_country,commuters,extra\n\
             5,3,0,,NL,DE,1200,x\n",
        )
        .unwrap();
        let rows = read::<CommutersRow>(&path).unwrap();
        assert_eq!(rows[0].home_country, "DE");
        assert_eq!(
            (rows[0].step, rows[0].commuters, rows[0].hires),
            (3, 1200.0, 5.0)
        );
    }

    #[test]
    fn a_bad_value_is_reported_with_file_line_column_and_value() {
        let dir = tempfile::tempdir().unwrap();
        let good = csv_text(&[series_row("all"), series_row("all")]);
        let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
        lines[2] = lines[2].replacen("0.041235", "inf", 1);
        let err = read::<SeriesRow>(&file(&dir, &(lines.join("\n") + "\n"))).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains(
                "series.csv: line 3, column `unemployment_rate`: \"inf\" is not a finite number"
            ),
            "{message}"
        );
        let text = good.replacen("\n1,7,", "\n1,seven,", 1);
        let message = read::<SeriesRow>(&file(&dir, &text))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("line 2, column `step`: \"seven\" is not a whole number"),
            "{message}"
        );
        let text = good.replacen(",Twente,", ",", 1).replacen(",all,", ",", 1);
        let message = read::<SeriesRow>(&file(&dir, &text))
            .unwrap_err()
            .to_string();
        let n = SeriesRow::columns().len();
        assert!(
            message.contains(&format!("line 2 has {} fields, the header {n}", n - 1)),
            "{message}"
        );
    }

    #[test]
    fn a_table_names_a_bad_number_and_accepts_an_empty_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.csv");
        std::fs::write(&path, "evaluation,\"a,b\",objective\n1,x,\n2,y,NaN\n").unwrap();
        let t = Table::read(&path).unwrap();
        assert_eq!(t.header[1], "a,b");
        assert!(t.number(0, 2).unwrap().is_nan());
        let message = t.number(1, 2).unwrap_err().to_string();
        assert!(
            message.contains("history.csv: line 3, column `objective`: \"NaN\" is not a finite"),
            "{message}"
        );
        assert!(t
            .column("no_such")
            .unwrap_err()
            .to_string()
            .contains("missing column `no_such`"));
    }
}
