//! The draft cycle: stable entry numbers across drafts, the draft band, and `consolidate diff`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test reports a failure"
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::{consolidate, copy_project, fixture, squash};
use consolidate::BuildOptions;
use consolidate::drafts::diff::{ChangeKind, Diff};
use consolidate::model::Date;
use consolidate::pipeline::edition::{DraftChoice, DraftOptions, diff_files, diff_since};

/// The draft dates of the scenario.
const FIRST: Date = Date {
    year: 2013,
    month: 6,
    day: 20,
};
const SECOND: Date = Date {
    year: 2013,
    month: 7,
    day: 1,
};

fn build(
    root: &Path,
    out: &str,
    draft: DraftChoice,
    since: Option<u32>,
    region: Option<&str>,
) -> PathBuf {
    let mut options = BuildOptions::new(root);
    options.out = root.join(out);
    options.drafts = DraftOptions {
        edition: draft,
        since,
    };
    options.region = region.map(str::to_owned);
    consolidate::build(&options).expect("the project builds");
    options.out
}

fn draft(number: u32, date: Date) -> DraftChoice {
    DraftChoice::Draft {
        number,
        date: Some(date),
    }
}

fn json(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("consolidated.json")).unwrap()).unwrap()
}

/// Each entry's sources (as references), with its number.
fn numbers_by_sources(json: &serde_json::Value) -> BTreeMap<BTreeSet<String>, String> {
    json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let sources = e["sources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["reference"].as_str().unwrap().to_owned())
                .collect();
            (sources, e["number"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// The reference of the original whose wording starts with `start`.
fn reference_of(json: &serde_json::Value, start: &str) -> String {
    json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["sources"].as_array().unwrap())
        .find(|s| s["text"].as_str().unwrap().starts_with(start))
        .unwrap_or_else(|| panic!("an original starts with {start:?}"))["reference"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The entry holding the original that starts with `start`.
fn entry_of<'a>(json: &'a serde_json::Value, start: &str) -> &'a serde_json::Value {
    json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["sources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["text"].as_str().unwrap().starts_with(start))
        })
        .unwrap()
}

fn replace_in(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} holds {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

/// A round of comments on draft 1: East adds an issue and rewords one; the editors merge two
/// entries and split one that had merged on its own.
fn comment_round(root: &Path, first: &serde_json::Value) {
    let east = root.join("regions/east.toml");
    replace_in(
        &east,
        "\"Sexual and gender-based violence against women migrant workers\",",
        "\"Sexual and gender-based violence against women migrant workers and girls\",\n  \"Undocumented migrants are refused emergency health care in public hospitals\",",
    );
    let kafala_north = reference_of(first, "Abolish the kafala");
    let kafala_south = reference_of(first, "Call for the abolition of the kafala");
    let shelters = reference_of(first, "Open consular shelters");
    let embassies = reference_of(first, "Embassies should house");
    std::fs::write(
        root.join("editorial.toml"),
        format!(
            "merge = [[\"{shelters}\", \"{embassies}\"]]\nkeep_apart = [[\"{kafala_north}\", \"{kafala_south}\"]]\n"
        ),
    )
    .unwrap();
}

/// Two drafts of the fixture, with a round of comments between them: the project's root and the
/// two builds' outputs.
fn two_drafts(label: &str) -> (PathBuf, PathBuf, PathBuf) {
    let root = copy_project(&fixture("drafts"), label);
    let first = build(&root, "out1", draft(1, FIRST), None, None);
    let first_json = json(&first);
    // The scenario's premises: the two kafala strategies merged on their own, the two
    // strategies about shelters for workers who flee did not.
    assert_eq!(
        entry_of(&first_json, "Abolish the kafala")["sources"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_ne!(
        entry_of(&first_json, "Open consular shelters")["number"],
        entry_of(&first_json, "Embassies should house")["number"]
    );
    comment_round(&root, &first_json);
    let second = build(&root, "out2", draft(2, SECOND), Some(1), None);
    (root, first, second)
}

#[test]
fn untouched_entries_keep_their_numbers_and_the_diff_finds_the_four_changes() {
    let (root, first, second) = two_drafts("drafts-cycle");
    let (a, b) = (json(&first), json(&second));
    assert_eq!(a["draft"]["number"], 1);
    assert_eq!(b["draft"]["date"], "2013-07-01");

    let before = numbers_by_sources(&a);
    let after = numbers_by_sources(&b);
    let untouched: Vec<(&BTreeSet<String>, &String)> = before
        .iter()
        .filter(|(sources, _)| after.contains_key(*sources))
        .collect();
    assert!(
        untouched.len() >= 5,
        "most entries are untouched: {untouched:?}"
    );
    for (sources, number) in &untouched {
        assert_eq!(&after[*sources], *number, "{sources:?} keeps its number");
    }
    // A number of draft 1 that draft 2 still uses names an entry of the same region: the
    // concern it named, never another.
    let region = |reference: &String| reference.split(':').next().unwrap().to_owned();
    for (sources, number) in &after {
        if let Some((was, _)) = before.iter().find(|(_, n)| *n == number) {
            let was: BTreeSet<String> = was.iter().map(region).collect();
            assert!(
                sources.iter().map(region).any(|r| was.contains(&r)),
                "{number}"
            );
        }
    }

    let diff = diff_files(
        &first.join("consolidated.json"),
        &second.join("consolidated.json"),
    )
    .unwrap();
    let kinds: BTreeSet<ChangeKind> = diff.changes.iter().map(|c| c.change).collect();
    assert_eq!(diff.changes.len(), 4, "{}", diff.to_human(false));
    assert_eq!(
        kinds,
        BTreeSet::from([
            ChangeKind::Added,
            ChangeKind::Reworded,
            ChangeKind::Merged,
            ChangeKind::Split
        ])
    );
    // The build kept draft 1's snapshot, and `--since 1` compares the project with it.
    assert!(root.join("drafts/draft-1.json").is_file());
    assert!(root.join("drafts/draft-2.json").is_file());
    let since = diff_since(&root, 1).unwrap();
    assert_eq!(since.changes, diff.changes);
    insta::assert_snapshot!("diff_human", diff.to_human(false));
    insta::assert_snapshot!("diff_json", diff.to_json());

    // The annex in the report.
    let pdf = std::fs::read(second.join("report.pdf")).unwrap();
    let text = common::pdf_text(&pdf);
    assert!(text.contains(&squash("Annex: changes since draft 1")));
    assert!(text.contains(&squash(
        "Undocumented migrants are refused emergency health care"
    )));
}

#[test]
fn the_diff_json_keeps_its_fields() {
    let (_, first, second) = two_drafts("drafts-json");
    let diff: Diff = diff_files(
        &first.join("consolidated.json"),
        &second.join("consolidated.json"),
    )
    .unwrap();
    let value: serde_json::Value = serde_json::from_str(&diff.to_json()).unwrap();
    // Fields may be added, never removed: these are the ones tools rely on.
    for key in ["format", "old", "new", "changes", "summary"] {
        assert!(value.get(key).is_some(), "{key}");
    }
    for key in ["title", "date", "draft", "entries"] {
        assert!(value["old"].get(key).is_some(), "old.{key}");
    }
    for change in value["changes"].as_array().unwrap() {
        for key in [
            "change",
            "kind",
            "point",
            "before",
            "after",
            "words",
            "regions_added",
            "regions_removed",
            "from_point",
        ] {
            assert!(change.get(key).is_some(), "change.{key}");
        }
        for part in change["before"]
            .as_array()
            .unwrap()
            .iter()
            .chain(change["after"].as_array().unwrap())
        {
            for key in ["number", "text", "regions"] {
                assert!(part.get(key).is_some(), "part.{key}");
            }
        }
    }
    for key in [
        "added", "removed", "reworded", "merged", "split", "moved", "regions",
    ] {
        assert!(value["summary"].get(key).is_some(), "summary.{key}");
    }
}

#[test]
fn every_page_of_a_draft_carries_the_band_and_the_final_edition_none() {
    let root = copy_project(&fixture("drafts"), "drafts-band");
    let out = build(&root, "draft", draft(2, SECOND), None, None);
    let pdf = std::fs::read(out.join("report.pdf")).unwrap();
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    assert!(pages.len() > 3);
    let band = squash("Draft 2 — 1 July 2013 — not for citation");
    for (n, page) in pages.iter().enumerate() {
        assert!(squash(page).contains(&band), "page {} has the band", n + 1);
    }
    // The entries carry their numbers.
    let text = common::pdf_text(&pdf);
    assert!(text.contains("1.1"), "numbers are printed");

    let out = build(&root, "final", DraftChoice::Final, None, None);
    let pdf = std::fs::read(out.join("report.pdf")).unwrap();
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    for (n, page) in pages.iter().enumerate() {
        let page = squash(page);
        assert!(
            !page.contains("notforcitation"),
            "page {} of the final edition",
            n + 1
        );
        assert!(
            !page.contains("Draft2"),
            "page {} of the final edition",
            n + 1
        );
    }
    assert_eq!(json(&out)["draft"], serde_json::Value::Null);
}

#[test]
fn a_draft_builds_byte_identical_twice_and_keeps_its_numbers_file() {
    let root = copy_project(&fixture("drafts"), "drafts-twice");
    let a = build(&root, "a", draft(1, FIRST), None, None);
    let numbers = std::fs::read_to_string(root.join("numbers.toml")).unwrap();
    let b = build(&root, "b", draft(1, FIRST), None, None);
    assert_eq!(
        std::fs::read_to_string(root.join("numbers.toml")).unwrap(),
        numbers
    );
    for file in ["report.pdf", "consolidated.json", "report.typ"] {
        assert!(
            std::fs::read(a.join(file)).unwrap() == std::fs::read(b.join(file)).unwrap(),
            "{file} is byte-identical"
        );
    }
    // A project that never went out as a draft gets no numbers file.
    let plain = copy_project(&fixture("drafts"), "drafts-plain");
    build(&plain, "out", DraftChoice::Final, None, None);
    assert!(!plain.join("numbers.toml").exists());
    assert!(!plain.join("drafts").exists());
}

#[test]
fn a_region_proof_gives_the_numbers_and_what_changed_since_the_last_draft() {
    let (root, _, second) = two_drafts("drafts-proof");
    let b = json(&second);
    let out = build(&root, "proof", draft(2, SECOND), Some(1), Some("north"));
    let pdf = std::fs::read(out.join("proofs/north.pdf")).unwrap();
    let text = common::pdf_text(&pdf);
    assert!(text.contains(&squash("Receipt")));
    let shelters = entry_of(&b, "Open consular shelters");
    assert!(text.contains(&squash(&format!(
        "Entry {}",
        shelters["number"].as_str().unwrap()
    ))));
    // Where its wording is not the one printed, the proof says which is.
    if shelters["text"].as_str().unwrap()
        != "Open consular shelters for workers who flee their employers"
    {
        assert!(text.contains(&squash("Printed there as:")));
    }
    assert!(text.contains(&squash("Changes since draft 1")));
    assert!(text.contains(&squash("merged from")));
    assert!(text.contains(&squash("Draft 2 — 1 July 2013 — not for citation")));
}

#[test]
fn renumber_numbers_in_reading_order() {
    let (root, _, second) = two_drafts("drafts-renumber");
    let output = consolidate(&["--root", root.to_str().unwrap(), "renumber"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let out = build(&root, "out3", DraftChoice::Final, None, None);
    let numbers = numbers_in_order(&json(&out));
    assert_eq!(numbers, reading_order(&json(&out)));
    assert_ne!(
        numbers_in_order(&json(&second)),
        reading_order(&json(&second)),
        "draft 2 had gaps to close"
    );
}

fn numbers_in_order(json: &serde_json::Value) -> Vec<String> {
    json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["number"].as_str().unwrap().to_owned())
        .collect()
}

/// The numbers entries get when numbered afresh: per agenda point, in reading order.
fn reading_order(json: &serde_json::Value) -> Vec<String> {
    let mut per_point: BTreeMap<String, u32> = BTreeMap::new();
    json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let point = e["agenda"]
                .as_array()
                .unwrap()
                .first()
                .map_or("X".to_owned(), ToString::to_string);
            let n = per_point.entry(point.clone()).or_default();
            *n += 1;
            format!("{point}.{n}")
        })
        .collect()
}

#[test]
fn diff_on_the_command_line() {
    let (root, first, second) = two_drafts("drafts-cli");
    let output = consolidate(&[
        "diff",
        first.join("consolidated.json").to_str().unwrap(),
        second.join("consolidated.json").to_str().unwrap(),
    ]);
    assert!(output.status.success());
    let human = String::from_utf8(output.stdout).unwrap();
    assert!(
        human.starts_with("draft 1 (2013-06-20) → draft 2 (2013-07-01): 4 changes"),
        "{human}"
    );
    assert!(!human.contains('\x1b'), "no colour off a terminal");
    let output = consolidate(&[
        "diff",
        first.join("consolidated.json").to_str().unwrap(),
        second.join("consolidated.json").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["changes"].as_array().unwrap().len(), 4);
    let output = consolidate(&["--root", root.to_str().unwrap(), "diff", "--since", "1"]);
    let human = String::from_utf8(output.stdout).unwrap();
    assert!(
        human.starts_with("draft 1 (2013-06-20) → the project now: 4 changes"),
        "{human}"
    );
    let output = consolidate(&["diff", "--since", "9", "--root", "/nonexistent-project"]);
    assert_eq!(output.status.code(), Some(2));
}
