//! Dotted key paths into a resolved scenario (`mechanics.on_the_job_search`,
//! `policy.mobility_teams.coverage`, `region[2].unemployment_rate`) and setting values at them.
//!
//! Sweeps, calibration and `labsim run --set` all change a scenario this way, on the resolved
//! table before validation, so an overridden value meets exactly the rules a value written in
//! the file meets. An array of tables (`[[policy]]`, `[[region]]`, ...) is entered by the
//! `name` of an entry (its `code` for `[[country]]`) or by an index in brackets.

use std::fmt;

/// One step of a key path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// A table key, or the name (or code) of an entry of an array of tables.
    Key(String),
    /// An entry of an array of tables by position, from 0.
    Index(usize),
}

/// A `[set]` table as key paths and values: a top-level key is read as a whole path
/// (`"simulation.steps" = 48`, `'policy."Open funds".coverage' = 0.4`); the keys of nested
/// tables are taken as they are, one segment each (`[set.policy."Open funds"]` `coverage =
/// 0.4`). Scenario files and sweep files read their `[set]` this way. An error gives the key as
/// written (`set.KEY`), its value and why it is not a key path.
pub fn flatten_set(
    table: &toml::Table,
) -> Result<Vec<(KeyPath, toml::Value)>, (String, toml::Value, String)> {
    fn walk(
        prefix: &[Segment],
        table: &toml::Table,
        out: &mut Vec<(KeyPath, toml::Value)>,
    ) -> Result<(), (String, toml::Value, String)> {
        for (k, v) in table {
            let mut segments = prefix.to_vec();
            if prefix.is_empty() {
                let key = KeyPath::parse(k).map_err(|e| {
                    (
                        format!("set.{k}"),
                        v.clone(),
                        format!("not a key path ({e})"),
                    )
                })?;
                segments.extend_from_slice(key.segments());
            } else {
                segments.push(Segment::Key(k.clone()));
            }
            match v {
                toml::Value::Table(inner) => walk(&segments, inner, out)?,
                value => out.push((KeyPath::from_segments(segments), value.clone())),
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(&[], table, &mut out)?;
    Ok(out)
}

/// A parsed dotted key path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPath {
    text: String,
    segments: Vec<Segment>,
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl KeyPath {
    /// Parse `a.b."quoted name"[3].c`. Bare keys are letters, digits, `_` and `-`; anything
    /// else (a policy name with spaces) is written in double quotes.
    pub fn parse(text: &str) -> Result<KeyPath, String> {
        let mut segments = Vec::new();
        let mut chars = text.chars().peekable();
        let mut expect_key = true;
        while let Some(&c) = chars.peek() {
            if expect_key {
                let key = if c == '"' {
                    chars.next();
                    let mut key = String::new();
                    loop {
                        match chars.next() {
                            Some('"') => break,
                            Some(c) => key.push(c),
                            None => return Err("a quoted key is not closed".into()),
                        }
                    }
                    key
                } else {
                    let mut key = String::new();
                    while let Some(&c) = chars.peek() {
                        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                            key.push(c);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    if key.is_empty() {
                        return Err(format!("expected a key at `{c}`"));
                    }
                    key
                };
                if key.is_empty() {
                    return Err("an empty key".into());
                }
                segments.push(Segment::Key(key));
                expect_key = false;
            } else {
                match chars.next() {
                    Some('.') => expect_key = true,
                    Some('[') => {
                        let mut digits = String::new();
                        loop {
                            match chars.next() {
                                Some(']') => break,
                                Some(d) if d.is_ascii_digit() => digits.push(d),
                                Some(other) => {
                                    return Err(format!(
                                        "expected a number in brackets, not `{other}`"
                                    ))
                                }
                                None => return Err("a `[` is not closed".into()),
                            }
                        }
                        let index = digits
                            .parse()
                            .map_err(|_| "expected a number in brackets".to_string())?;
                        segments.push(Segment::Index(index));
                    }
                    Some(other) => return Err(format!("unexpected `{other}` after a key")),
                    None => unreachable!("peeked"),
                }
            }
        }
        if segments.is_empty() {
            return Err("the key path is empty".into());
        }
        if expect_key {
            return Err("the key path ends with `.`".into());
        }
        Ok(KeyPath {
            text: text.to_string(),
            segments,
        })
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// A path from its segments, written as [`KeyPath::parse`] reads it (keys that are not bare
    /// words in double quotes).
    pub fn from_segments(segments: Vec<Segment>) -> KeyPath {
        let mut text = String::new();
        for s in &segments {
            match s {
                Segment::Key(k) => {
                    if !text.is_empty() {
                        text.push('.');
                    }
                    let bare = !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                    if bare {
                        text.push_str(k);
                    } else {
                        text.push('"');
                        text.push_str(k);
                        text.push('"');
                    }
                }
                Segment::Index(i) => {
                    let _ = write_index(&mut text, *i);
                }
            }
        }
        KeyPath { text, segments }
    }

    /// The path as validation names it: table keys joined by `.`, entries as `[i]`
    /// (`policy[1].coverage`), or `None` if it does not lead anywhere in `table`.
    pub fn canonical(&self, table: &toml::Table) -> Option<String> {
        let mut probe = table.clone();
        let mut out = String::new();
        walk(&mut probe, &self.segments, &mut out, |_| Ok(())).ok()?;
        Some(out)
    }

    /// Set the value at this path in `table`. Tables on the way are created when missing (the
    /// schema check that follows refuses keys the format does not know); entries of arrays of
    /// tables must exist. Returns the canonical path (see [`KeyPath::canonical`]).
    pub fn set(&self, table: &mut toml::Table, value: toml::Value) -> Result<String, String> {
        let mut out = String::new();
        let mut value = Some(value);
        walk(table, &self.segments, &mut out, |slot| {
            *slot = value.take();
            Ok(())
        })?;
        Ok(out)
    }

    /// The value at this path in `table`, if it is set.
    pub fn get<'a>(&self, table: &'a toml::Table) -> Option<&'a toml::Value> {
        let mut current = table;
        let mut array: Option<&'a Vec<toml::Value>> = None;
        let last = self.segments.len().checked_sub(1)?;
        for (i, seg) in self.segments.iter().enumerate() {
            let value = match (array.take(), seg) {
                (Some(entries), Segment::Index(k)) => entries.get(*k)?,
                (Some(entries), Segment::Key(name)) => entries.iter().find(|e| names(e, name))?,
                (None, Segment::Key(k)) => current.get(k)?,
                (None, Segment::Index(_)) => return None,
            };
            if i == last {
                return Some(value);
            }
            match value {
                toml::Value::Table(t) => current = t,
                toml::Value::Array(a) if a.iter().all(|e| e.is_table()) => array = Some(a),
                _ => return None,
            }
        }
        None
    }
}

/// The first two of `keys` that lead to the same value of `table` (`policy.teams.coverage` and
/// `policy[0].coverage`), if any. Keys that lead nowhere are left to the checks that follow.
pub fn same_value<'a>(
    keys: &[&'a KeyPath],
    table: &toml::Table,
) -> Option<(&'a KeyPath, &'a KeyPath)> {
    let canonical: Vec<Option<String>> = keys.iter().map(|k| k.canonical(table)).collect();
    for i in 0..keys.len() {
        for j in i + 1..keys.len() {
            if canonical[i].is_some() && canonical[i] == canonical[j] {
                return Some((keys[i], keys[j]));
            }
        }
    }
    None
}

/// Does array-of-tables entry `e` answer to `name`?
fn names(e: &toml::Value, name: &str) -> bool {
    ["name", "code"]
        .iter()
        .any(|k| e.get(k).and_then(|v| v.as_str()) == Some(name))
}

/// Follow `segments` from `table`, creating missing tables, and call `at` with the final slot.
fn walk(
    table: &mut toml::Table,
    segments: &[Segment],
    out: &mut String,
    at: impl FnOnce(&mut Option<toml::Value>) -> Result<(), String>,
) -> Result<(), String> {
    let Some((first, rest)) = segments.split_first() else {
        return Err("the key path is empty".into());
    };
    let Segment::Key(key) = first else {
        return Err(format!(
            "`{out}` is a table, not a list, so it has no entries"
        ));
    };
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(key);
    if rest.is_empty() {
        let mut slot = table.remove(key);
        let result = at(&mut slot);
        if let Some(v) = slot {
            table.insert(key.clone(), v);
        }
        return result;
    }
    if !table.contains_key(key) && matches!(rest[0], Segment::Index(_)) {
        return Err(format!("`{out}` is not set, so it has no entries"));
    }
    let entry = table
        .entry(key.clone())
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    match entry {
        toml::Value::Table(inner) => walk(inner, rest, out, at),
        toml::Value::Array(entries) if entries.iter().all(|e| e.is_table()) => {
            let (pick, rest) = rest.split_first().expect("rest is not empty");
            let index = match pick {
                Segment::Index(k) if *k < entries.len() => *k,
                Segment::Index(k) => {
                    return Err(format!(
                        "`{out}` has {} entries, so there is no [{k}]",
                        entries.len()
                    ))
                }
                Segment::Key(name) => {
                    entries.iter().position(|e| names(e, name)).ok_or_else(|| {
                        // Entries with a code (countries) are named by it in key paths.
                        let known: Vec<&str> = entries
                            .iter()
                            .filter_map(|e| e.get("code").or_else(|| e.get("name")))
                            .filter_map(|v| v.as_str())
                            .collect();
                        format!(
                            "`{out}` has no entry named \"{name}\" (it has: {})",
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        )
                    })?
                }
            };
            let _ = write_index(out, index);
            if rest.is_empty() {
                return Err(format!(
                    "`{out}` is a whole [[{key}]] entry; name one of its keys"
                ));
            }
            match &mut entries[index] {
                toml::Value::Table(inner) => walk(inner, rest, out, at),
                _ => unreachable!("checked to be tables"),
            }
        }
        _ => Err(format!(
            "`{out}` is a value, not a table, so it has no keys"
        )),
    }
}

fn write_index(out: &mut String, index: usize) -> fmt::Result {
    use std::fmt::Write;
    write!(out, "[{index}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> toml::Table {
        toml::from_str(
            "[mechanics]\napplications = 2\n\
             [[policy]]\nname = \"teams\"\ncoverage = 0.2\n\
             [[policy]]\nname = \"Open funds\"\ncoverage = 0.5\n\
             [[country]]\ncode = \"NL\"\n",
        )
        .unwrap()
    }

    #[test]
    fn parses_bare_quoted_and_indexed_segments() {
        let p = KeyPath::parse("policy.\"Open funds\".coverage").unwrap();
        assert_eq!(
            p.segments(),
            [
                Segment::Key("policy".into()),
                Segment::Key("Open funds".into()),
                Segment::Key("coverage".into())
            ]
        );
        let p = KeyPath::parse("region[12].labour_force").unwrap();
        assert_eq!(p.segments()[1], Segment::Index(12));
        for text in ["policy.\"Open funds\".coverage", "region[3].x", "a.b-c_d"] {
            let p = KeyPath::parse(text).unwrap();
            assert_eq!(
                KeyPath::from_segments(p.segments().to_vec()).to_string(),
                text
            );
        }
        for bad in [
            "", ".a", "a.", "a..b", "a[x]", "a[1", "\"a", "a b", "a.\"\"",
        ] {
            assert!(KeyPath::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn sets_table_keys_and_entries_by_name_or_index() {
        let mut t = table();
        let p = KeyPath::parse("policy.\"Open funds\".coverage").unwrap();
        assert_eq!(p.set(&mut t, 0.9.into()).unwrap(), "policy[1].coverage");
        assert_eq!(t["policy"][1]["coverage"].as_float(), Some(0.9));
        assert_eq!(p.get(&t).and_then(|v| v.as_float()), Some(0.9));
        let p = KeyPath::parse("policy[0].coverage").unwrap();
        p.set(&mut t, 0.1.into()).unwrap();
        assert_eq!(t["policy"][0]["coverage"].as_float(), Some(0.1));
        let p = KeyPath::parse("country.NL.name").unwrap();
        p.set(&mut t, "Nederland".into()).unwrap();
        assert_eq!(t["country"][0]["name"].as_str(), Some("Nederland"));
        // A missing table is created; the schema check decides whether it may exist.
        let p = KeyPath::parse("demand.cycle.amplitude").unwrap();
        assert_eq!(
            p.set(&mut t, 0.01.into()).unwrap(),
            "demand.cycle.amplitude"
        );
        assert_eq!(t["demand"]["cycle"]["amplitude"].as_float(), Some(0.01));
    }

    #[test]
    fn two_spellings_of_one_value_are_found() {
        let t = table();
        let a = KeyPath::parse("policy.teams.coverage").unwrap();
        let b = KeyPath::parse("mechanics.applications").unwrap();
        let c = KeyPath::parse("policy[0].coverage").unwrap();
        let found = same_value(&[&a, &b, &c], &t).unwrap();
        assert_eq!((found.0, found.1), (&a, &c));
        assert!(same_value(&[&a, &b], &t).is_none());
    }

    #[test]
    fn refuses_paths_that_lead_nowhere() {
        let mut t = table();
        let cases = [
            ("policy.nobody.coverage", "no entry named \"nobody\""),
            ("policy[5].coverage", "has 2 entries"),
            ("policy.teams", "whole [[policy]] entry"),
            ("mechanics.applications.x", "is a value, not a table"),
            ("mechanics[0].x", "is a table, not a list"),
            ("nothing[0].x", "is not set, so it has no entries"),
        ];
        for (path, expected) in cases {
            let err = KeyPath::parse(path)
                .unwrap()
                .set(&mut t, 1.into())
                .unwrap_err();
            assert!(err.contains(expected), "{path}: {err}");
        }
        assert_eq!(t, table(), "a failed set changes nothing it reported");
    }
}
