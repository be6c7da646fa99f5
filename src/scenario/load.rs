//! Reading scenario files: TOML text to one resolved table, following `extends` chains.
//!
//! A child file is merged over its parent: tables merge key by key, arrays and plain values
//! replace; then the child's `[set]` changes single values by key path (one entry of an
//! inherited array, say). Every file in a chain is also parsed on its own as a
//! [`RawScenario`], so that a misspelled key or a wrong type is reported with the file, line
//! and column where it was written. [`Provenance`] remembers which file set each key, so that
//! validation errors name the file the user has to edit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::ScenarioError;
use crate::scenario::keypath::KeyPath;
use crate::scenario::raw::RawScenario;

/// Which file set each dotted key path of a resolved scenario.
#[derive(Debug, Clone)]
pub struct Provenance {
    root: PathBuf,
    by_key: BTreeMap<String, PathBuf>,
    /// Keys set after resolution (sweeps, calibration, `--set`), by canonical path with
    /// entry indices (`policy[1].coverage`), and where they were set.
    overrides: BTreeMap<String, PathBuf>,
}

impl Provenance {
    /// The file that set `key` (e.g. `region[2].labour_force` or `mechanics.applications`):
    /// the longest recorded prefix wins; keys nobody set belong to the file that was run.
    pub fn file_of(&self, key: &str) -> &Path {
        let mut exact = key;
        loop {
            if let Some(file) = self.overrides.get(exact) {
                return file;
            }
            match exact.rfind('.') {
                Some(cut) => exact = &exact[..cut],
                None => break,
            }
        }
        let mut probe = strip_indices(key);
        loop {
            if let Some(file) = self.by_key.get(&probe) {
                return file;
            }
            match probe.rfind('.') {
                Some(cut) => probe.truncate(cut),
                None => return &self.root,
            }
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Was `key` (canonical) set after resolution?
    pub fn is_overridden(&self, key: &str) -> bool {
        self.overrides.contains_key(key)
    }

    /// Record that `key` (canonical, with entry indices) was set by `origin`.
    pub fn set_origin(&mut self, key: String, origin: &Path) {
        self.overrides.insert(key, origin.to_path_buf());
    }
}

fn strip_indices(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut depth = 0;
    for c in key.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A scenario file resolved through its `extends` chain.
#[derive(Clone)]
pub struct Resolved {
    pub table: toml::Table,
    pub provenance: Provenance,
}

/// Most files an `extends` chain may hold, the file that was run included.
pub const MAX_EXTENDS_DEPTH: usize = 64;

/// Read `path` and every file it extends, and merge them into one table.
///
/// The chain is followed in a loop, not by recursion, and at most [`MAX_EXTENDS_DEPTH`] files
/// deep, so that no chain can overflow the stack.
pub fn resolve(path: &Path) -> Result<Resolved, ScenarioError> {
    // Files from the one that was run to the root of the chain, each with its own table.
    let mut chain: Vec<(PathBuf, File)> = Vec::new();
    let mut identities: Vec<PathBuf> = Vec::new();
    let mut next = Some(path.to_path_buf());
    while let Some(file) = next.take() {
        let one = read_one(&file)?;
        identities.push(std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone()));
        if let Some(target) = one.extends.clone() {
            let base_dir = file.parent().unwrap_or(Path::new("."));
            let parent_path = base_dir.join(&target);
            let parent_identity =
                std::fs::canonicalize(&parent_path).unwrap_or_else(|_| parent_path.clone());
            if identities.contains(&parent_identity) {
                let names: Vec<String> = identities
                    .iter()
                    .chain(std::iter::once(&parent_identity))
                    .map(|p| p.display().to_string())
                    .collect();
                return Err(ScenarioError::ExtendsCycle {
                    file,
                    target,
                    chain: names.join(" -> "),
                });
            }
            if identities.len() >= MAX_EXTENDS_DEPTH {
                return Err(ScenarioError::Invalid {
                    file,
                    key: "extends".into(),
                    value: format!("\"{target}\""),
                    rule: format!(
                        "an `extends` chain may hold at most {MAX_EXTENDS_DEPTH} files, and the \
                         one from {} is longer",
                        path.display()
                    ),
                });
            }
            if !parent_path.is_file() {
                return Err(ScenarioError::Invalid {
                    file,
                    key: "extends".into(),
                    value: format!("\"{target}\""),
                    rule: format!(
                        "must name an existing scenario file (looked for {})",
                        parent_path.display()
                    ),
                });
            }
            next = Some(parent_path);
        }
        chain.push((file, one));
    }

    // Merge from the root of the chain down to the file that was run; each file's `[set]` then
    // changes what it inherited and wrote.
    let mut provenance = Provenance {
        root: path.to_path_buf(),
        by_key: BTreeMap::new(),
        overrides: BTreeMap::new(),
    };
    let mut merged = toml::Table::new();
    for (file, one) in chain.into_iter().rev() {
        record(&one.table, "", &file, &mut provenance.by_key);
        // A key a parent's `[set]` changed belongs to this file once this file replaces it.
        let by_key = &provenance.by_key;
        provenance
            .overrides
            .retain(|key, _| !replaced_by(by_key, key, &file));
        merge(&mut merged, one.table);
        for (key, value) in one.set {
            let invalid = |rule: String| ScenarioError::Invalid {
                file: file.clone(),
                key: format!("set.{key}"),
                value: value.to_string(),
                rule,
            };
            let canonical = key.set(&mut merged, value.clone()).map_err(|e| {
                invalid(format!(
                    "not a key of the scenario as {} inherits it: {e}",
                    file.display()
                ))
            })?;
            let check: Result<RawScenario, toml::de::Error> =
                toml::Value::Table(merged.clone()).try_into();
            if let Err(e) = check {
                return Err(invalid(format!(
                    "not a key of the scenario format, or not of its type ({})",
                    crate::error::abbreviate_to(e.message().trim_end(), 240)
                )));
            }
            provenance.set_origin(canonical, &file);
        }
    }
    Ok(Resolved {
        table: merged,
        provenance,
    })
}

/// Whether `file` set (as a value or array, not a table merged key by key) the canonical `key`
/// or a path above it.
fn replaced_by(by_key: &BTreeMap<String, PathBuf>, key: &str, file: &Path) -> bool {
    let mut probe = strip_indices(key);
    loop {
        if by_key.get(&probe).is_some_and(|f| f == file) {
            return true;
        }
        match probe.rfind('.') {
            Some(cut) => probe.truncate(cut),
            None => return false,
        }
    }
}

/// Read one file of a chain.
fn read_one(path: &Path) -> Result<File, ScenarioError> {
    let text = crate::input::read_text(path).map_err(|e| match e {
        crate::input::InputError::Io(source) => ScenarioError::Read {
            file: path.to_path_buf(),
            source,
        },
        refused => ScenarioError::Refused {
            file: path.to_path_buf(),
            reason: refused.to_string(),
        },
    })?;
    if text.trim().is_empty() {
        return Err(ScenarioError::Empty {
            file: path.to_path_buf(),
        });
    }
    // Typed parse first: it reports unknown keys and wrong types with line and column.
    let raw: RawScenario = toml::from_str(&text).map_err(|e| ScenarioError::Parse {
        file: path.to_path_buf(),
        message: crate::input::toml_error(&e, &text),
    })?;
    let mut table: toml::Table = toml::from_str(&text).map_err(|e| ScenarioError::Parse {
        file: path.to_path_buf(),
        message: crate::input::toml_error(&e, &text),
    })?;
    table.remove("extends");
    table.remove("set");
    let set = match raw.set {
        None => Vec::new(),
        Some(set) => {
            crate::scenario::keypath::flatten_set(&set).map_err(|(key, value, rule)| {
                ScenarioError::Invalid {
                    file: path.to_path_buf(),
                    key,
                    value: value.to_string(),
                    rule,
                }
            })?
        }
    };
    Ok(File {
        table,
        extends: raw.extends,
        set,
    })
}

/// One file of a chain as read: its table without `extends` and `set`, the file it extends,
/// and its `[set]` as key paths.
struct File {
    table: toml::Table,
    extends: Option<String>,
    set: Vec<(KeyPath, toml::Value)>,
}

/// Note `file` as the setter of every key path in `table`.
fn record(table: &toml::Table, prefix: &str, file: &Path, by_key: &mut BTreeMap<String, PathBuf>) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if let toml::Value::Table(inner) = value {
            record(inner, &path, file, by_key);
        } else {
            // An array or a value replaces whatever the parent had, and everything below it.
            by_key.retain(|k, _| !(k.starts_with(&path) && k[path.len()..].starts_with('.')));
            by_key.insert(path, file.to_path_buf());
        }
    }
}

/// Merge `child` over `base`: tables merge recursively, everything else replaces.
pub fn merge(base: &mut toml::Table, child: toml::Table) {
    for (key, value) in child {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(c)) => merge(b, c),
            (_, v) => {
                base.insert(key, v);
            }
        }
    }
}

/// A stable 64-bit FNV-1a hash, printed as 16 hex digits (std's hasher may change between
/// Rust releases; this one never does).
pub fn fnv1a_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The provenance of a scenario that came from one text with no `extends`.
pub fn resolve_none(file: &Path) -> Provenance {
    Provenance {
        root: file.to_path_buf(),
        by_key: BTreeMap::new(),
        overrides: BTreeMap::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_merge_and_arrays_replace() {
        let mut base: toml::Table = toml::from_str(
            "[mechanics]\nseparation_rate = 0.01\napplications = 2\n[[region]]\nname = \"A\"\n[[region]]\nname = \"B\"\n",
        )
        .unwrap();
        let child: toml::Table =
            toml::from_str("[mechanics]\napplications = 3\n[[region]]\nname = \"C\"\n").unwrap();
        merge(&mut base, child);
        assert_eq!(base["mechanics"]["separation_rate"].as_float(), Some(0.01));
        assert_eq!(base["mechanics"]["applications"].as_integer(), Some(3));
        let regions = base["region"].as_array().unwrap();
        assert_eq!(regions.len(), 1);
        assert_eq!(regions[0]["name"].as_str(), Some("C"));
    }

    #[test]
    fn provenance_finds_the_longest_prefix() {
        let mut by_key = BTreeMap::new();
        by_key.insert("region".to_string(), PathBuf::from("child.toml"));
        by_key.insert(
            "mechanics.applications".to_string(),
            PathBuf::from("p.toml"),
        );
        let p = Provenance {
            root: PathBuf::from("root.toml"),
            by_key,
            overrides: BTreeMap::new(),
        };
        assert_eq!(p.file_of("region[3].labour_force"), Path::new("child.toml"));
        assert_eq!(p.file_of("mechanics.applications"), Path::new("p.toml"));
        assert_eq!(p.file_of("mechanics.vacancy_rate"), Path::new("root.toml"));
        let mut p = p;
        p.set_origin("region[1].labour_force".into(), Path::new("sweep.toml"));
        assert_eq!(p.file_of("region[1].labour_force"), Path::new("sweep.toml"));
        assert_eq!(p.file_of("region[0].labour_force"), Path::new("child.toml"));
    }

    /// Write `files` (name, text) into a fresh directory and resolve the first.
    fn resolved(files: &[(&str, &str)]) -> (tempfile::TempDir, Result<Resolved, ScenarioError>) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let r = resolve(&dir.path().join(files[0].0));
        (dir, r)
    }

    const PARENT: &str = "[[sector]]\nname = \"a\"\nwage = 1\n[[sector]]\nname = \"b\"\nwage = 2\n";

    #[test]
    fn a_file_sets_one_entry_of_an_inherited_array_and_owns_that_key() {
        let child =
            "extends = \"p.toml\"\n[set]\n\"sector.b.wage\" = 5\n[set.sector.a]\nwage = 4\n";
        let (dir, r) = resolved(&[("c.toml", child), ("p.toml", PARENT)]);
        let r = r.unwrap();
        let sectors = r.table["sector"].as_array().unwrap();
        assert_eq!(sectors.len(), 2, "the array is kept, not replaced");
        assert_eq!(sectors[0]["wage"].as_integer(), Some(4));
        assert_eq!(sectors[1]["wage"].as_integer(), Some(5));
        assert!(
            !r.table.contains_key("set"),
            "`set` is not a scenario key once applied"
        );
        let c = dir.path().join("c.toml");
        assert_eq!(r.provenance.file_of("sector[1].wage"), c);
        assert_eq!(
            r.provenance.file_of("sector[1].name"),
            dir.path().join("p.toml")
        );
    }

    #[test]
    fn a_child_that_replaces_the_array_drops_its_parents_set() {
        let middle = "extends = \"p.toml\"\n[set]\n\"sector.b.wage\" = 5\n";
        let child = "extends = \"m.toml\"\n[[sector]]\nname = \"b\"\nwage = 7\n";
        let (dir, r) = resolved(&[("c.toml", child), ("m.toml", middle), ("p.toml", PARENT)]);
        let r = r.unwrap();
        assert_eq!(r.table["sector"][0]["wage"].as_integer(), Some(7));
        assert_eq!(
            r.provenance.file_of("sector[0].wage"),
            dir.path().join("c.toml")
        );
    }

    #[test]
    fn a_set_that_leads_nowhere_names_the_file_and_key() {
        for (set, rule) in [
            ("\"sector.z.wage\" = 5", "has no entry named \"z\""),
            ("\"sector..wage\" = 5", "not a key path"),
            ("\"sector.b.wage\" = \"high\"", "not of its type"),
        ] {
            let child = format!("extends = \"p.toml\"\n[set]\n{set}\n");
            let (_dir, r) = resolved(&[("c.toml", &child), ("p.toml", PARENT)]);
            let Err(ScenarioError::Invalid {
                file,
                key,
                rule: why,
                ..
            }) = r
            else {
                panic!("{set}: expected an invalid key, got {:?}", r.map(|_| ()));
            };
            assert!(file.ends_with("c.toml"), "{set}: {}", file.display());
            assert!(key.starts_with("set.sector."), "{set}: {key}");
            assert!(why.contains(rule), "{set}: {why}");
        }
    }

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv1a_hex(b""), "cbf29ce484222325");
        assert_eq!(fnv1a_hex(b"a"), "af63dc4c8601ec8c");
    }
}
