//! The shape of the house: `src/` is folders by stage, and no module imports one that imports
//! it back, at the level of files or of folders. A new `use crate::...` that closes a circle
//! fails here with the circle named.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test reports a failure"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every library module (`input::load`, `consolidate`, ...) with its source, tests cut off.
fn modules() -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            // The binary's own modules and the crate roots are not part of the graph.
            if relative.starts_with("cli/") || relative == "main.rs" || relative == "lib.rs" {
                continue;
            }
            let name = relative
                .trim_end_matches(".rs")
                .trim_end_matches("/mod")
                .replace('/', "::");
            let text = std::fs::read_to_string(&path).unwrap();
            let text = match text.find("#[cfg(test)]\nmod tests") {
                Some(at) => text[..at].to_owned(),
                None => text,
            };
            // Doc links name modules without importing them.
            let text: Vec<&str> = text
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect();
            let text = text.join("\n");
            found.insert(name, text);
        }
    }
    found
}

/// The modules each module refers to through `crate::` paths, including `use` groups.
fn imports(modules: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let resolve = |path: &str| -> Option<String> {
        let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
        (1..=parts.len())
            .rev()
            .map(|k| parts[..k].join("::"))
            .find(|candidate| modules.contains_key(candidate))
    };
    let mut graph = BTreeMap::new();
    for (name, text) in modules {
        let mut targets = BTreeSet::new();
        for (at, _) in text.match_indices("crate::") {
            let rest = &text[at + "crate::".len()..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut paths = vec![path.trim_end_matches(':').to_owned()];
            // `crate::a::{b, c::d}`: each item may name a module of its own.
            if rest[path.len()..].starts_with('{') {
                let group = &rest[path.len() + 1..rest.find('}').unwrap_or(rest.len())];
                for item in group.split(',') {
                    let item = item.trim().split(" as ").next().unwrap_or_default();
                    paths.push(format!("{path}{item}"));
                }
            }
            for path in paths {
                if let Some(target) = resolve(&path) {
                    let inside = name.starts_with(&format!("{target}::"));
                    if target != *name && !inside {
                        targets.insert(target);
                    }
                }
            }
        }
        graph.insert(name.clone(), targets);
    }
    graph
}

/// A circle of the graph, if there is one, as the names along it.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = imports(&modules());
    assert!(
        graph.len() > 20,
        "the modules were found: {:?}",
        graph.keys()
    );
    assert!(
        graph["consolidate::review"].contains("consolidate::merge"),
        "the import scan sees `use` lines"
    );
    if let Some(found) = circle(&graph) {
        panic!(
            "modules import each other in a circle: {}",
            found.join(" → ")
        );
    }
}

#[test]
fn no_stage_folder_imports_one_that_imports_it_back() {
    let mut folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, targets) in imports(&modules()) {
        let top = |m: &str| m.split("::").next().unwrap_or_default().to_owned();
        let entry = folders.entry(top(&module)).or_default();
        entry.extend(
            targets
                .iter()
                .map(|t| top(t))
                .filter(|t| *t != top(&module)),
        );
    }
    if let Some(found) = circle(&folders) {
        panic!(
            "stage folders import each other in a circle: {}",
            found.join(" → ")
        );
    }
    assert!(
        folders["model"].is_empty(),
        "model is the base every stage shares: it imports {:?}",
        folders["model"]
    );
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.insert("a".into(), ["b".into()].into());
    graph.insert("b".into(), ["c".into()].into());
    graph.insert("c".into(), ["a".into()].into());
    assert_eq!(circle(&graph).map(|c| c.len()), Some(4));
    graph.get_mut("c").unwrap().clear();
    assert_eq!(circle(&graph), None);
}
