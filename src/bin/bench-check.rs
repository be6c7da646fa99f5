//! `bench-check`: compare the instruction counts of `cargo bench --bench instructions` (the
//! `summary.json` files gungraun writes with `--save-summary=json`) against the counts recorded
//! in `benches/instructions.toml`, and fail on a regression the file does not record.
//!
//! Exit 0: every bench within the tolerance of its recorded count (or below it: then a note
//! asks to lower the record). Exit 1: a bench ran more than the tolerance above its record, or
//! a recorded bench did not run, or a bench ran that is not recorded. Exit 2: a file is missing
//! or malformed. A regression is recorded by writing the new count with its reason in the same
//! commit as the change that causes it.
//!
//! `cargo run --release --bin bench-check -- benches/instructions.toml target/gungraun`

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Deserialize;

/// The recorded counts: `benches/instructions.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    /// The allowed rise over a recorded count, as a fraction (0.10: ten per cent).
    tolerance: f64,
    #[serde(rename = "bench")]
    benches: Vec<Recorded>,
}

/// One bench's recorded count and why it is what it is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Recorded {
    /// `<group>/<function>.<id>`, as gungraun names the bench's directory.
    id: String,
    instructions: u64,
    reason: String,
}

/// What the comparison found for one bench.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Within the tolerance of the record.
    Within,
    /// More than the tolerance below the record: the record should be lowered.
    Improved,
    /// More than the tolerance above the record, and not recorded.
    Regressed,
    /// Recorded but did not run.
    Missing,
    /// Ran but is not recorded.
    Unrecorded,
}

/// One line of the report.
#[derive(Debug)]
struct Line {
    id: String,
    recorded: Option<u64>,
    measured: Option<u64>,
    verdict: Verdict,
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = |c: Option<u64>| c.map_or_else(|| "-".to_string(), |c| c.to_string());
        let change = match (self.recorded, self.measured) {
            (Some(r), Some(m)) if r > 0 => format!("{:+.2} %", 100.0 * (m as f64 / r as f64 - 1.0)),
            _ => "-".to_string(),
        };
        let verdict = match self.verdict {
            Verdict::Within => "ok",
            Verdict::Improved => "improved: lower the recorded count",
            Verdict::Regressed => "REGRESSED: not recorded",
            Verdict::Missing => "MISSING: recorded but did not run",
            Verdict::Unrecorded => "UNRECORDED: ran but has no recorded count",
        };
        write!(
            f,
            "{:<40} {:>15} {:>15} {:>10}  {}",
            self.id,
            count(self.recorded),
            count(self.measured),
            change,
            verdict
        )
    }
}

/// Compare measured counts (by bench id) with the record.
fn compare(record: &Record, measured: &BTreeMap<String, u64>) -> Vec<Line> {
    let mut lines = Vec::new();
    for r in &record.benches {
        let m = measured.get(&r.id).copied();
        let verdict = match m {
            None => Verdict::Missing,
            Some(m) if m as f64 > r.instructions as f64 * (1.0 + record.tolerance) => {
                Verdict::Regressed
            }
            Some(m) if (m as f64) < r.instructions as f64 * (1.0 - record.tolerance) => {
                Verdict::Improved
            }
            Some(_) => Verdict::Within,
        };
        lines.push(Line {
            id: r.id.clone(),
            recorded: Some(r.instructions),
            measured: m,
            verdict,
        });
    }
    for (id, &m) in measured {
        if !record.benches.iter().any(|r| &r.id == id) {
            lines.push(Line {
                id: id.clone(),
                recorded: None,
                measured: Some(m),
                verdict: Verdict::Unrecorded,
            });
        }
    }
    lines
}

/// Whether the comparison fails CI.
fn fails(lines: &[Line]) -> bool {
    lines.iter().any(|l| {
        matches!(
            l.verdict,
            Verdict::Regressed | Verdict::Missing | Verdict::Unrecorded
        )
    })
}

/// Reading the files went wrong: exit 2, with the file and what was wrong.
#[derive(Debug)]
struct InputError(String);

fn read_record(path: &Path) -> Result<Record, InputError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError(format!("{}: cannot read: {e}", path.display())))?;
    let record: Record =
        toml::from_str(&text).map_err(|e| InputError(format!("{}: {e}", path.display())))?;
    if !(record.tolerance > 0.0 && record.tolerance < 1.0) {
        return Err(InputError(format!(
            "{}: key `tolerance` = {}: must lie strictly between 0 and 1",
            path.display(),
            record.tolerance
        )));
    }
    for (i, r) in record.benches.iter().enumerate() {
        if record.benches[..i].iter().any(|o| o.id == r.id) {
            return Err(InputError(format!(
                "{}: bench `{}` is recorded twice: record each bench once",
                path.display(),
                r.id
            )));
        }
        if r.reason.trim().is_empty() {
            return Err(InputError(format!(
                "{}: bench `{}`: key `reason` is empty: say why the count is what it is",
                path.display(),
                r.id
            )));
        }
    }
    Ok(record)
}

/// The total instruction count (callgrind's `Ir`, all threads) of one `summary.json`, and the
/// bench's id `<group>/<function>.<id>`.
fn read_summary(path: &Path) -> Result<(String, u64), InputError> {
    let bad = |what: &str| InputError(format!("{}: {what}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| bad(&format!("cannot read: {e}")))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(&format!("not JSON: {e}")))?;
    let field = |key: &str| {
        json.get(key)
            .and_then(|v| v.as_str())
            .ok_or_else(|| bad(&format!("no string `{key}`")))
    };
    let id = format!(
        "{}/{}.{}",
        field("group")?,
        field("function_name")?,
        field("id")?
    );
    let profiles = json
        .get("profiles")
        .and_then(|p| p.as_array())
        .ok_or_else(|| bad("no `profiles` list"))?;
    let callgrind = profiles
        .iter()
        .find(|p| p.get("tool").and_then(|t| t.as_str()) == Some("Callgrind"))
        .ok_or_else(|| bad("no Callgrind profile"))?;
    let ir = callgrind
        .pointer("/data/total/metrics/Ir/values/new")
        .and_then(|v| v.as_u64().or_else(|| v.as_f64().map(|f| f as u64)))
        .ok_or_else(|| bad("no `data.total.metrics.Ir.values.new` in the Callgrind profile"))?;
    Ok((id, ir))
}

/// Every `summary.json` under `dir`, in path order.
fn summaries(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| InputError(format!("{}: cannot list: {e}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            summaries(&p, found)?;
        } else if p.file_name().is_some_and(|n| n == "summary.json") {
            found.push(p);
        }
    }
    Ok(())
}

fn check(record_path: &Path, dir: &Path) -> Result<bool, InputError> {
    let record = read_record(record_path)?;
    let mut paths = Vec::new();
    summaries(dir, &mut paths)?;
    if paths.is_empty() {
        return Err(InputError(format!(
            "{}: no summary.json: run `cargo bench --bench instructions -- --save-summary=json`",
            dir.display()
        )));
    }
    let mut measured = BTreeMap::new();
    for p in &paths {
        let (id, ir) = read_summary(p)?;
        if measured.insert(id.clone(), ir).is_some() {
            return Err(InputError(format!(
                "{}: two summaries for bench `{id}`",
                dir.display()
            )));
        }
    }
    let lines = compare(&record, &measured);
    println!(
        "{:<40} {:>15} {:>15} {:>10}  (tolerance {:.0} %, {})",
        "bench",
        "recorded",
        "measured",
        "change",
        100.0 * record.tolerance,
        record_path.display()
    );
    for l in &lines {
        println!("{l}");
    }
    let failed = fails(&lines);
    if failed {
        println!(
            "\nA bench costs more than its record allows. If that is meant, write its new count \
             and the reason in {} in the same commit.",
            record_path.display()
        );
    }
    Ok(!failed)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [record, dir] = args.as_slice() else {
        eprintln!("usage: bench-check <benches/instructions.toml> <gungraun output dir>");
        return ExitCode::from(2);
    };
    match check(Path::new(record), Path::new(dir)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(InputError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(counts: &[(&str, u64)]) -> Record {
        Record {
            tolerance: 0.10,
            benches: counts
                .iter()
                .map(|&(id, instructions)| Recorded {
                    id: id.into(),
                    instructions,
                    reason: "test".into(),
                })
                .collect(),
        }
    }

    fn measured(counts: &[(&str, u64)]) -> BTreeMap<String, u64> {
        counts.iter().map(|&(id, c)| (id.to_string(), c)).collect()
    }

    fn verdicts(lines: &[Line]) -> Vec<&Verdict> {
        lines.iter().map(|l| &l.verdict).collect()
    }

    #[test]
    fn a_rise_up_to_the_tolerance_passes_and_beyond_it_fails() {
        let r = record(&[("g/a", 1000)]);
        let at = compare(&r, &measured(&[("g/a", 1100)]));
        assert_eq!(verdicts(&at), [&Verdict::Within]);
        assert!(!fails(&at));
        let over = compare(&r, &measured(&[("g/a", 1101)]));
        assert_eq!(verdicts(&over), [&Verdict::Regressed]);
        assert!(fails(&over));
    }

    #[test]
    fn a_fall_beyond_the_tolerance_passes_with_a_note() {
        let r = record(&[("g/a", 1000)]);
        let lines = compare(&r, &measured(&[("g/a", 899)]));
        assert_eq!(verdicts(&lines), [&Verdict::Improved]);
        assert!(!fails(&lines));
        assert!(lines[0].to_string().contains("lower the recorded count"));
    }

    #[test]
    fn a_bench_missing_or_unrecorded_fails() {
        let r = record(&[("g/a", 1000), ("g/b", 1000)]);
        let lines = compare(&r, &measured(&[("g/a", 1000), ("g/c", 5)]));
        assert_eq!(
            verdicts(&lines),
            [&Verdict::Within, &Verdict::Missing, &Verdict::Unrecorded]
        );
        assert!(fails(&lines));
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    /// The part of gungraun 0.20's `summary.json` that is read, with a second thread's profile
    /// part left in to show that the total is what counts.
    const SUMMARY: &str = r#"{"version":"7","group":"steps","function_name":"step",
        "id":"baseline_50k","profiles":[{"tool":"Callgrind","data":{"parts":[
        {"metrics":{"Ir":{"values":{"new":10}}}}],
        "total":{"metrics":{"Ir":{"values":{"new":22116341,"old":22264169}}}}}}]}"#;

    #[test]
    fn a_summary_gives_its_id_and_total_instructions() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "s/summary.json", SUMMARY);
        assert_eq!(
            read_summary(&p).unwrap(),
            ("steps/step.baseline_50k".to_string(), 22116341)
        );
    }

    #[test]
    fn the_check_passes_fails_and_refuses_by_the_files() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "out/steps/step.baseline_50k/summary.json",
            SUMMARY,
        );
        let out = dir.path().join("out");
        let ok = "tolerance = 0.1\n[[bench]]\nid = \"steps/step.baseline_50k\"\n\
                  instructions = 22000000\nreason = \"first\"\n";
        let rec = write(dir.path(), "ok.toml", ok);
        assert!(check(&rec, &out).unwrap());
        let low = write(dir.path(), "low.toml", &ok.replace("22000000", "20000000"));
        assert!(!check(&low, &out).unwrap());
        let bad = [
            ("tolerance = 0.1\n", "missing field `bench`"),
            (&ok.replace("0.1", "1.5"), "strictly between 0 and 1"),
            (&ok.replace("\"first\"", "\" \""), "key `reason` is empty"),
            (&ok.replace("reason", "why"), "unknown field `why`"),
        ];
        for (i, (text, rule)) in bad.iter().enumerate() {
            let p = write(dir.path(), &format!("bad{i}.toml"), text);
            let InputError(message) = check(&p, &out).unwrap_err();
            assert!(message.contains(rule), "{message}");
            assert!(message.contains(&format!("bad{i}.toml")), "{message}");
        }
        let twice = format!("{ok}{}", ok.replace("tolerance = 0.1\n", ""));
        let p = write(dir.path(), "twice.toml", &twice);
        assert!(check(&p, &out).unwrap_err().0.contains("recorded twice"));
        let empty = dir.path().join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        assert!(check(&rec, &empty)
            .unwrap_err()
            .0
            .contains("no summary.json"));
        write(dir.path(), "broken/x/summary.json", "{");
        let broken = dir.path().join("broken");
        assert!(check(&rec, &broken).unwrap_err().0.contains("not JSON"));
    }
}
