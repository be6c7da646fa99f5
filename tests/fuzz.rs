//! A fuzz harness: the shipped scenarios, mutated (a value replaced by an extreme or a wrong
//! type, a key deleted, the text truncated or a byte changed), given to the binary's `check`
//! and, when valid, to a short `run`. Every outcome must be success or exit 2 with one `error:`
//! line: never a panic, an abort, a hang (a 60 s timeout) or another exit code.
//!
//! CI runs 32 cases. For a long local run:
//!
//! ```text
//! LABSIM_FUZZ_CASES=5000 cargo test --release --test fuzz -- --nocapture
//! ```
//!
//! A failing case is shrunk by proptest and saved under `tests/fuzz.proptest-regressions`,
//! which is replayed first on every later run.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use proptest::prelude::*;

/// Values that break assumptions: zero, negatives, huge and tiny magnitudes, non-finite
/// numbers, wrong types, empty and long strings, empty tables and arrays.
fn extreme(k: usize) -> toml::Value {
    use toml::Value as V;
    match k % 18 {
        0 => V::Integer(0),
        1 => V::Integer(-1),
        2 => V::Integer(i64::MAX),
        3 => V::Integer(i64::MIN),
        4 => V::Float(1e300),
        5 => V::Float(-1e300),
        6 => V::Float(5e-324),
        7 => V::Float(f64::NAN),
        8 => V::Float(f64::INFINITY),
        9 => V::Float(0.5),
        10 => V::Boolean(true),
        11 => V::String(String::new()),
        12 => V::String("../../escape".into()),
        13 => V::String("x".repeat(10_000)),
        14 => V::Array(Vec::new()),
        15 => V::Table(toml::Table::new()),
        16 => V::Integer(65_536),
        _ => V::Float(2.0),
    }
}

/// Paths to every leaf value of `v` (keys and array indices).
fn leaves(v: &toml::Value, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                prefix.push(Seg::Key(k.clone()));
                leaves(x, prefix, out);
                prefix.pop();
            }
        }
        toml::Value::Array(a) if !a.is_empty() => {
            for (i, x) in a.iter().enumerate() {
                prefix.push(Seg::Index(i));
                leaves(x, prefix, out);
                prefix.pop();
            }
        }
        _ => out.push(prefix.clone()),
    }
}

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index(usize),
}

fn slot<'a>(v: &'a mut toml::Value, path: &[Seg]) -> &'a mut toml::Value {
    path.iter().fold(v, |v, seg| match seg {
        Seg::Key(k) => &mut v.as_table_mut().unwrap()[k.as_str()],
        Seg::Index(i) => &mut v.as_array_mut().unwrap()[*i],
    })
}

#[derive(Clone, Debug)]
enum Mutation {
    /// Replace leaf `leaf` (modulo their number) by `extreme(value)`.
    Replace { leaf: usize, value: usize },
    /// Remove the key of leaf `leaf`, or the entry of the array it is in.
    Delete { leaf: usize },
    /// Keep the first `at` (modulo the length) bytes.
    Truncate { at: usize },
    /// Set byte `at` to `byte`.
    Byte { at: usize, byte: u8 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any::<usize>()).prop_map(|(leaf, value)| Mutation::Replace { leaf, value }),
        1 => any::<usize>().prop_map(|leaf| Mutation::Delete { leaf }),
        1 => any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Byte { at, byte }),
    ]
}

fn apply(text: &str, m: &Mutation) -> Vec<u8> {
    let mut doc: toml::Value = toml::from_str(text).unwrap();
    let mut paths = Vec::new();
    leaves(&doc, &mut Vec::new(), &mut paths);
    match *m {
        Mutation::Replace { leaf, value } => {
            *slot(&mut doc, &paths[leaf % paths.len()]) = extreme(value);
            toml::to_string(&doc).map_or_else(|_| text.as_bytes().to_vec(), String::into_bytes)
        }
        Mutation::Delete { leaf } => {
            let path = &paths[leaf % paths.len()];
            let (last, parent) = path.split_last().unwrap();
            match (slot(&mut doc, parent), last) {
                (toml::Value::Table(t), Seg::Key(k)) => {
                    t.remove(k);
                }
                (toml::Value::Array(a), Seg::Index(i)) => {
                    a.remove(*i);
                }
                _ => {}
            }
            toml::to_string(&doc).map_or_else(|_| text.as_bytes().to_vec(), String::into_bytes)
        }
        Mutation::Truncate { at } => text.as_bytes()[..at % (text.len() + 1)].to_vec(),
        Mutation::Byte { at, byte } => {
            let mut b = text.as_bytes().to_vec();
            let n = b.len();
            b[at % n] = byte;
            b
        }
    }
}

fn shipped() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
    v.sort();
    v
}

/// Exit 0, or exit 2 with one `error:` line; never anything else.
fn assert_handled(out: &std::process::Output, what: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    let lower = err.to_lowercase();
    assert!(
        !lower.contains("panicked") && !lower.contains("backtrace"),
        "{what}: panicked:\n{err}"
    );
    match out.status.code() {
        Some(0) => {}
        Some(2) => {
            assert!(
                err.starts_with("error: "),
                "{what}: exit 2 without `error:`:\n{err}"
            );
            assert_eq!(
                err.trim_end().lines().count(),
                1,
                "{what}: more than one line:\n{err}"
            );
        }
        other => panic!("{what}: exit {other:?} (killed by a signal or timed out):\n{err}"),
    }
}

fn cases() -> u32 {
    std::env::var("LABSIM_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(32)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn mutated_shipped_scenarios_are_run_or_refused_in_one_line(
        which in any::<usize>(),
        m in mutation(),
    ) {
        let files = shipped();
        let source = &files[which % files.len()];
        let dir = tempfile::tempdir().unwrap();
        // The scenarios extend each other by relative paths: copy them all beside the mutant.
        for f in &files {
            std::fs::copy(f, dir.path().join(f.file_name().unwrap())).unwrap();
        }
        let text = std::fs::read_to_string(source).unwrap();
        let mutant = dir.path().join("mutant.toml");
        std::fs::write(&mutant, apply(&text, &m)).unwrap();
        let what = format!("{} with {m:?}", source.display());

        let labsim = || {
            let mut c = Command::cargo_bin("labsim").unwrap();
            c.current_dir(dir.path()).timeout(Duration::from_secs(60));
            c
        };
        let check = labsim().args(["check", "mutant.toml"]).output().unwrap();
        assert_handled(&check, &format!("check {what}"));
        if check.status.success() {
            let run = labsim()
                .args([
                    "run", "mutant.toml", "--quiet", "--no-plots", "--out", "o", "--steps", "3",
                    "--replications", "1", "--scale", "0.002",
                ])
                .output()
                .unwrap();
            assert_handled(&run, &format!("run {what}"));
        }
    }
}
