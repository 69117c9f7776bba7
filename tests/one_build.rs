//! The README's two commands share one build of the typesetter: `cargo test --release` reuses
//! what `cargo run --release` compiled. That holds only while the dev-dependencies turn on no
//! feature of a crate the release build uses with fewer features: Cargo would then build that
//! crate again, and with it everything above it, Typst included. The feature pins in
//! `Cargo.toml` close each such difference; this test finds a new one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test reports a failure"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// `name version` → its features, for every crate in the dependency graph of `edges`.
fn features(edges: &str) -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "--prefix",
            "none",
            "--no-dedupe",
            "-e",
            edges,
        ])
        .args(["-f", "{p}|{f}", "--manifest-path"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((package, features)) = line.split_once('|') else {
            continue;
        };
        // `name vX.Y.Z (proc-macro)` and `name vX.Y.Z`: host crates are compared too.
        let package = package.trim().to_owned();
        let entry = found.entry(package).or_default();
        entry.extend(
            features
                .split(',')
                .filter(|f| !f.is_empty())
                .map(str::to_owned),
        );
    }
    found
}

#[test]
fn the_tests_turn_on_no_feature_the_release_build_lacks() {
    let release = features("normal,build");
    let tests = features("normal,build,dev");
    assert!(
        release.keys().any(|p| p.starts_with("typst ")),
        "the graph was read: {:?}",
        release.keys().take(5).collect::<Vec<_>>()
    );
    let differences: Vec<String> = release
        .iter()
        .filter_map(|(package, features)| {
            let extra: Vec<&String> = tests.get(package)?.difference(features).collect();
            (!extra.is_empty()).then(|| format!("{package}: {extra:?}"))
        })
        .collect();
    assert!(
        differences.is_empty(),
        "the dev-dependencies turn on features the release build lacks, so `cargo test \
         --release` would compile these crates (and Typst above them) again; pin them in \
         Cargo.toml's [dependencies]: {differences:#?}"
    );
}
