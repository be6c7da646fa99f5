//! The module graph of the library has no import cycle: each top-level module imports only from
//! modules below it (docs/CONTRIBUTING.md, "Layers"). Read from the source text, so a new `use`
//! that closes a circle fails here with the circle named.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module of a file under `src/` (`step/scan.rs` -> `step`).
fn top_module(rel: &Path) -> String {
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The text of a Rust file without its comments (line comments only: the code uses no blocks).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Top-level modules named by `crate::NAME` in `text`, including `crate::{a::x, b::y}`.
fn referenced(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| {
        s.chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
            .collect::<String>()
    };
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for item in group.split(',') {
                let name = ident(item.trim());
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The library's graph: top-level module -> the top-level modules it imports.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    files(&src, &mut paths);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in paths {
        let top = top_module(path.strip_prefix(&src).unwrap());
        // The binary (main.rs and its command modules) sits above the library.
        if ["main", "cli", "cmd", "lib"].contains(&top.as_str()) {
            continue;
        }
        let text = code(&std::fs::read_to_string(&path).unwrap());
        let deps = graph.entry(top.clone()).or_default();
        deps.extend(referenced(&text).into_iter().filter(|d| *d != top));
    }
    graph
}

/// A cycle through `start`, if any (depth-first search).
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut c = path[at..].to_vec();
            c.push(node.to_string());
            return Some(c);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for dep in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(dep, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(c) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn the_library_has_no_import_cycle() {
    let graph = graph();
    assert!(graph.contains_key("step") && graph.contains_key("world"));
    if let Some(c) = cycle(&graph) {
        panic!("import cycle: {}", c.join(" -> "));
    }
}

#[test]
fn the_bottom_layer_imports_nothing_above_it() {
    let graph = graph();
    // Within the bottom layer, `input` may use `error` (which imports nothing); nothing in it
    // imports from a layer above.
    let bottom: BTreeSet<String> = ["agent", "stage", "chunks", "error", "input"]
        .map(String::from)
        .into();
    for module in &bottom {
        let deps = graph.get(module).cloned().unwrap_or_default();
        assert!(deps.is_subset(&bottom), "{module} imports {deps:?}");
    }
    assert!(
        graph.get("error").is_none_or(BTreeSet::is_empty),
        "error imports something"
    );
    let rng: Vec<_> = graph["rng"].iter().cloned().collect();
    assert_eq!(rng, ["stage"], "rng imports {rng:?}");
    let scenario: BTreeSet<_> = graph["scenario"].iter().cloned().collect();
    assert!(
        scenario.is_subset(
            &["agent", "error", "input"]
                .map(String::from)
                .into_iter()
                .collect()
        ),
        "the scenario layer imports {scenario:?}"
    );
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    assert_eq!(cycle(&graph), None);
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
    assert_eq!(
        referenced("use crate::{model::Model, world::World};\nx = crate::rng::mix64(1);"),
        ["model", "rng", "world"]
            .map(String::from)
            .into_iter()
            .collect()
    );
}
