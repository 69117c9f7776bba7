//! Consolidation end to end over `tests/fixtures/consolidation`: near-duplicates merged, the
//! review with its suggestions, and the editors' decisions in `editorial.toml` taking effect,
//! surviving a reordered and lightly edited submission, and warning when they go stale.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test reports a failure"
)]

mod common;

use std::path::Path;

use common::*;
use consolidate::consolidate::merge::{ConsolidatedEntry, Wording};
use consolidate::consolidate::review::Review;
use consolidate::pipeline::prepare::{Prepared, prepare};
use consolidate::{Diagnostics, Error};

fn prepared(root: &Path) -> Prepared {
    match prepare(root, false) {
        Ok(prepared) => prepared,
        Err(Error::Input(diagnostics)) => panic!("{}", diagnostics.render_human(false)),
        Err(other) => panic!("{other}"),
    }
}

/// The diagnostics a project stops with.
fn failure(root: &Path) -> Diagnostics {
    match prepare(root, false) {
        Err(Error::Input(diagnostics)) => *diagnostics,
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("the project was expected to fail"),
    }
}

/// The reference of the original with this exact text.
fn reference(prepared: &Prepared, text: &str) -> String {
    prepared
        .consolidated
        .entries
        .iter()
        .flat_map(|e| &e.sources)
        .find(|s| s.text == text)
        .unwrap_or_else(|| panic!("no entry {text:?}"))
        .reference
        .clone()
}

/// The consolidated entry holding the original with this exact text.
fn entry_of<'a>(prepared: &'a Prepared, text: &str) -> &'a ConsolidatedEntry {
    prepared
        .consolidated
        .entries
        .iter()
        .find(|e| e.sources.iter().any(|s| s.text == text))
        .unwrap_or_else(|| panic!("no entry {text:?}"))
}

fn together(prepared: &Prepared, a: &str, b: &str) -> bool {
    std::ptr::eq(entry_of(prepared, a), entry_of(prepared, b))
}

const CRIMINALISATION_NORTH: &str = "Criminalization of migrant workers and immigrant communities";
const CRIMINALISATION_SOUTH: &str =
    "The criminalisation of migrant workers and of immigrant communities";
const CRIMINALISATION_EAST: &str =
    "Criminalisation of immigrant communities and migrant workers, including through detention";
const DESERT: &str = "Migrant deaths in the desert along the US-Mexico border";
const SEA: &str = "Deaths of migrants at sea, and the failure of states to rescue them";

#[test]
fn near_duplicates_merge_with_every_region_and_source() {
    let prepared = prepared(&fixture("consolidation"));
    let entry = entry_of(&prepared, CRIMINALISATION_NORTH);
    assert_eq!(entry.regions, ["north", "south", "east"]);
    assert_eq!(entry.wording, Wording::MostCentral);
    assert_eq!(
        entry.agenda,
        [1, 2],
        "the union of the sources' agenda points"
    );
    let places: Vec<String> = entry
        .sources
        .iter()
        .map(|s| format!("{}:{}", s.file, s.line))
        .collect();
    assert_eq!(
        places,
        [
            "regions/north.toml:13",
            "regions/south.toml:13",
            "regions/east.toml:13"
        ]
    );
    assert!(!together(&prepared, DESERT, SEA));
    let first = &prepared.consolidated.entries[0];
    assert_eq!(first.regions.len(), 3, "most regions first within a point");
}

#[test]
fn review_lists_merges_and_suggestions_with_lines_to_paste() {
    let prepared = prepared(&fixture("consolidation"));
    let review = Review::new(&prepared.consolidated, prepared.project.submissions.len());
    assert!(!review.suggestions.is_empty());
    assert!(
        review.suggestions.len() <= review.entries,
        "at most one per entry"
    );
    assert!(
        review
            .suggestions
            .iter()
            .all(|s| s.similarity < review.threshold),
        "below the threshold"
    );
    insta::assert_snapshot!("review_human", review.render_human());
    insta::assert_snapshot!("review_json", review.to_json());
}

#[test]
fn a_pasted_suggestion_merges_and_a_pasted_split_keeps_apart() {
    let root = copy_project(&fixture("consolidation"), "editorial-paste");
    let before = prepared(&root);
    let review = Review::new(&before.consolidated, before.project.submissions.len());
    // The first suggestion, whatever it joins: pasting it must merge its two sides.
    let suggestion = &review.suggestions[0];
    let merge_line = &suggestion.merge;
    let (first, second) = (
        suggestion.first.text.clone(),
        suggestion.second.text.clone(),
    );
    // A merged entry the suggestion does not touch: pasting its split must keep its originals
    // apart.
    let split = review
        .merged
        .iter()
        .find(|m| m.text != first && m.text != second)
        .unwrap();
    let split_texts: Vec<String> = split.sources.iter().map(|s| s.text.clone()).collect();
    assert!(split_texts.len() >= 2);
    let keep_apart_line = &split.keep_apart;
    std::fs::write(
        root.join("editorial.toml"),
        format!("merge = [\n  {merge_line}\n]\nkeep_apart = [\n  {keep_apart_line}\n]\n"),
    )
    .unwrap();
    let after = prepared(&root);
    assert!(
        after.diagnostics.diagnostics.is_empty(),
        "{:?}",
        after.diagnostics
    );
    let merged = entry_of(&after, &second);
    assert!(
        together(&after, &first, &second),
        "the editors' merge applies"
    );
    assert!(merged.merged_by_editors);
    for (i, a) in split_texts.iter().enumerate() {
        for b in &split_texts[i + 1..] {
            assert!(!together(&after, a, b), "{a:?} and {b:?} are kept apart");
        }
    }
    let review = Review::new(&after.consolidated, after.project.submissions.len());
    let references: Vec<String> = split_texts.iter().map(|t| reference(&after, t)).collect();
    assert!(
        review.suggestions.iter().all(|s| references
            .iter()
            .filter(|r| s.merge.contains(r.as_str()))
            .count()
            < 2),
        "pairs kept apart are not suggested again"
    );
}

#[test]
fn wording_decisions_choose_an_original_or_give_the_editors_text() {
    let root = copy_project(&fixture("consolidation"), "editorial-wording");
    let before = prepared(&root);
    let east = reference(&before, CRIMINALISATION_EAST);
    let desert = reference(&before, DESERT);
    std::fs::write(
        root.join("editorial.toml"),
        format!(
            "wording = [\n  {{ entry = \"{east}\" }},\n  {{ entry = \"{desert}\", text = \"Deaths at the borders\" }},\n]\n"
        ),
    )
    .unwrap();
    let after = prepared(&root);
    let criminalisation = entry_of(&after, CRIMINALISATION_NORTH);
    assert_eq!(criminalisation.text, CRIMINALISATION_EAST);
    assert_eq!(criminalisation.wording, Wording::EditorsChoice);
    let desert_entry = entry_of(&after, DESERT);
    assert_eq!(desert_entry.text, "Deaths at the borders");
    assert_eq!(desert_entry.wording, Wording::EditorsText);
}

#[test]
fn editorial_toml_with_crlf_line_ends_reads_its_line_breaks_as_line_breaks() {
    let root = copy_project(&fixture("consolidation"), "editorial-crlf");
    let before = prepared(&root);
    let desert = reference(&before, DESERT);
    std::fs::write(
        root.join("editorial.toml"),
        format!(
            "# Saved on Windows.\r\nwording = [\r\n  {{ entry = \"{desert}\", text = \"\"\"Deaths at\r\nthe borders\"\"\" }},\r\n]\r\n"
        ),
    )
    .unwrap();
    let after = prepared(&root);
    assert_eq!(entry_of(&after, DESERT).text, "Deaths at\nthe borders");
}

/// The editors' decisions of the tests below: merge the two deaths entries, keep two of the
/// criminalisation entries apart, print the third's wording.
fn write_decisions(root: &Path) {
    let before = prepared(root);
    let line = |a: &str, b: &str| {
        format!(
            "[\"{}\", \"{}\"],",
            reference(&before, a),
            reference(&before, b)
        )
    };
    std::fs::write(
        root.join("editorial.toml"),
        format!(
            "# The editors' decisions.\nmerge = [\n  {}\n]\nkeep_apart = [\n  {}\n]\nwording = [\n  {{ entry = \"{}\" }},\n]\n",
            line(DESERT, SEA),
            line(CRIMINALISATION_NORTH, CRIMINALISATION_EAST),
            reference(&before, CRIMINALISATION_SOUTH),
        ),
    )
    .unwrap();
}

fn assert_decisions_hold(prepared: &Prepared, north_text: &str) {
    assert!(together(prepared, north_text, SEA), "merge");
    assert!(
        !together(prepared, CRIMINALISATION_NORTH, CRIMINALISATION_EAST),
        "keep apart"
    );
    let wording = entry_of(prepared, CRIMINALISATION_SOUTH);
    assert_eq!(wording.text, CRIMINALISATION_SOUTH, "wording");
    assert_eq!(wording.wording, Wording::EditorsChoice);
}

#[test]
fn decisions_survive_a_reordered_and_lightly_edited_submission() {
    let root = copy_project(&fixture("consolidation"), "editorial-reorder");
    write_decisions(&root);
    assert_decisions_hold(&prepared(&root), DESERT);

    // The host moves the issues around, recapitalises one and respells another.
    let north = root.join("regions/north.toml");
    let text = std::fs::read_to_string(&north).unwrap();
    let edited_desert = "migrant deaths in the desert, along the U.S.-Mexico border.";
    let reordered = text.replace(
        "issues = [\n  \"Criminalization of migrant workers and immigrant communities\",\n  \"Recruitment fees charged to migrant workers, leading to debt bondage\",\n  \"Migrant deaths in the desert along the US-Mexico border\",\n]",
        &format!(
            "issues = [\n  \"{edited_desert}\",\n  \"Recruitment fees charged to migrant workers, leading to debt bondage\",\n  \"Criminalization of migrant workers and immigrant communities\",\n]"
        ),
    );
    assert_ne!(reordered, text, "the fixture has the expected shape");
    std::fs::write(&north, reordered).unwrap();
    let after = prepared(&root);
    assert!(
        after.diagnostics.diagnostics.is_empty(),
        "{}",
        after.diagnostics.render_human(false)
    );
    assert_decisions_hold(&after, edited_desert);
    assert_eq!(entry_of(&after, CRIMINALISATION_NORTH).sources[0].line, 15);
}

#[test]
fn a_reworded_entry_still_matches_with_a_warning_and_a_removed_one_goes_stale() {
    let root = copy_project(&fixture("consolidation"), "editorial-stale");
    write_decisions(&root);
    let north = root.join("regions/north.toml");
    let text = std::fs::read_to_string(&north).unwrap();
    // Reworded: a word added; removed: the criminalisation entry is gone.
    let reworded = "Migrant deaths in the Sonoran desert along the US-Mexico border";
    let text = text
        .replace(DESERT, reworded)
        .replace(&format!("  \"{CRIMINALISATION_NORTH}\",\n"), "");
    std::fs::write(&north, text).unwrap();
    let after = prepared(&root);
    assert!(
        together(&after, reworded, SEA),
        "the edited entry is still merged"
    );
    let codes: Vec<&str> = after
        .diagnostics
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["W010", "W009"]);
    insta::assert_snapshot!(
        "stale_and_changed_decisions",
        after.diagnostics.render_human(false)
    );
}

/// The committed family of decisions that cannot all hold (`tests/fixtures/editorial-conflicts`):
/// each is an error at its place, and `validate` reports exactly what `build` stops on, so that
/// a project `validate` passes also builds.
#[test]
fn malformed_and_conflicting_decisions_are_errors_with_their_place() {
    let root = copy_project(&fixture("editorial-conflicts"), "editorial-bad");
    assert!(root.join("editorial.toml").is_file());
    let built = failure(&root);
    insta::assert_snapshot!("bad_decisions", built.render_human(false));
    let validated = consolidate::pipeline::prepare::validate(&root, &[], false).unwrap();
    let places = |d: &Diagnostics| {
        let mut places: Vec<(String, String, Option<usize>)> = d
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.code.to_string(),
                    d.file.clone(),
                    d.span.as_ref().map(|s| s.start),
                )
            })
            .collect();
        places.sort();
        places
    };
    assert_eq!(places(&validated), places(&built));
    let errors: Vec<String> = places(&validated)
        .into_iter()
        .filter(|(c, _, _)| c.starts_with('E'))
        .map(|(c, _, _)| c)
        .collect();
    assert_eq!(errors, ["E016", "E016", "E016", "E016", "E017"]);
    // And a key given twice, which only the parser sees.
    std::fs::write(root.join("editorial.toml"), "merge = []\nmerge = []\n").unwrap();
    let validated = consolidate::pipeline::prepare::validate(&root, &[], false).unwrap();
    assert!(
        validated
            .diagnostics
            .iter()
            .any(|d| d.file == "editorial.toml" && d.message.contains("duplicate key")),
        "{}",
        validated.render_human(false)
    );
}

#[test]
fn editorial_toml_parse_errors_name_line_column_and_help() {
    let root = copy_project(&fixture("consolidation"), "editorial-syntax");
    std::fs::write(root.join("editorial.toml"), "merge = [\n  [\"a\", \"b\"\n").unwrap();
    insta::assert_snapshot!("editorial_syntax_error", failure(&root).render_human(false));
    std::fs::write(root.join("editorial.toml"), "merj = []\n").unwrap();
    insta::assert_snapshot!("editorial_unknown_key", failure(&root).render_human(false));
    std::fs::write(root.join("editorial.toml"), "merge = \"a and b\"\n").unwrap();
    insta::assert_snapshot!("editorial_wrong_type", failure(&root).render_human(false));
}

#[test]
fn dedup_settings_out_of_range_are_errors() {
    let root = copy_project(&fixture("consolidation"), "dedup-settings");
    let report = root.join("report.toml");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(
        &report,
        format!("{text}\n[dedup]\nthreshold = 1.5\nsuggest_from = 0.0\n"),
    )
    .unwrap();
    insta::assert_snapshot!(
        "dedup_settings_out_of_range",
        failure(&root).render_human(false)
    );
}

#[test]
fn dedup_settings_change_what_merges() {
    let root = copy_project(&fixture("consolidation"), "dedup-strict");
    let report = root.join("report.toml");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, format!("{text}\n[dedup]\nthreshold = 0.95\n")).unwrap();
    let strict = prepared(&root);
    assert!(!together(
        &strict,
        CRIMINALISATION_NORTH,
        CRIMINALISATION_EAST
    ));
    assert!(
        together(&strict, CRIMINALISATION_NORTH, CRIMINALISATION_SOUTH),
        "the same words after normalisation"
    );
    assert!(together(
        &strict,
        "Ban the charging of recruitment fees to migrant workers",
        "Ban the charging of recruitment fees to migrant workers."
    ));
}

#[test]
fn the_build_prints_its_account_and_the_annex_says_how_entries_merged() {
    let out = scratch("consolidation-build");
    let outcome = build(&fixture("consolidation"), &out).unwrap();
    assert_eq!(
        outcome.account(),
        "15 entries from 3 regions → 9 consolidated (6 merged)"
    );
    let source = std::fs::read_to_string(out.join("report.typ")).unwrap();
    assert!(source.contains("Merged automatically: every two originals at least"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("consolidated.json")).unwrap())
            .unwrap();
    let entries = json["entries"].as_array().unwrap();
    let sources: usize = entries
        .iter()
        .map(|e| e["sources"].as_array().unwrap().len())
        .sum();
    assert_eq!(sources, 15);
    for entry in entries {
        for key in ["kind", "text", "agenda", "regions", "sources"] {
            assert!(
                entry.get(key).is_some(),
                "{key} is kept in consolidated.json"
            );
        }
        for source in entry["sources"].as_array().unwrap() {
            for key in ["region", "file", "line", "text", "reference"] {
                assert!(source.get(key).is_some(), "{key} in every source");
            }
        }
    }
}

#[test]
fn two_wordings_for_one_entry_are_a_conflict() {
    let root = copy_project(&fixture("consolidation"), "editorial-two-wordings");
    let before = prepared(&root);
    let north = reference(&before, CRIMINALISATION_NORTH);
    let east = reference(&before, CRIMINALISATION_EAST);
    std::fs::write(
        root.join("editorial.toml"),
        format!(
            "wording = [\n  {{ entry = \"{north}\" }},\n  {{ entry = \"{east}\", text = \"Criminalisation of migrants\" }},\n]\n"
        ),
    )
    .unwrap();
    insta::assert_snapshot!("two_wordings", failure(&root).render_human(false));
}

/// Two entries of the `consolidation` fixture that share no word and no concept of the
/// shipped lexicon.
const AGENCIES: &str = "Regulate and license private recruitment agencies";
const CHILDREN: &str = "End the immigration detention of children";

/// Whether the two entries are merged, or suggested to the editors, in `prepared`.
fn merged_or_suggested(prepared: &Prepared, a: &str, b: &str) -> bool {
    let review = Review::new(&prepared.consolidated, prepared.project.submissions.len());
    let named = |texts: [&str; 2]| texts.contains(&a) && texts.contains(&b);
    together(prepared, a, b)
        || review.suggestions.iter().any(|s| {
            named([s.closest[0].text.as_str(), s.closest[1].text.as_str()])
                || named([s.first.text.as_str(), s.second.text.as_str()])
        })
}

/// The project at `root`, prepared, with no diagnostic.
fn prepared_cleanly(root: &Path) -> Prepared {
    let prepared = prepared(root);
    assert!(
        prepared.diagnostics.diagnostics.is_empty(),
        "{:?}",
        prepared.diagnostics
    );
    prepared
}

#[test]
fn a_concept_added_in_report_toml_brings_its_terms_together_in_the_review() {
    let root = copy_project(&fixture("consolidation"), "lexicon-concept");
    assert!(
        !merged_or_suggested(&prepared(&root), AGENCIES, CHILDREN),
        "the two share no word and no concept of the shipped lexicon"
    );
    // A process whose field treats the two as one thing says so in report.toml.
    let report = std::fs::read_to_string(root.join("report.toml")).unwrap();
    std::fs::write(
        root.join("report.toml"),
        format!(
            "{report}\n[[lexicon.concept]]\nid = \"process-demand\"\nterms = [\"license private recruitment agencies\", \"immigration detention of children\"]\n"
        ),
    )
    .unwrap();
    assert!(
        merged_or_suggested(&prepared_cleanly(&root), AGENCIES, CHILDREN),
        "the new concept joins them"
    );
}

#[test]
fn two_concepts_of_one_broader_concept_bring_their_terms_together_in_the_review() {
    let root = copy_project(&fixture("consolidation"), "lexicon-broader");
    let report = std::fs::read_to_string(root.join("report.toml")).unwrap();
    let concepts = |broader: &str| {
        format!(
            "{report}\n[[lexicon.concept]]\nid = \"agency-licensing\"\nterms = [\"license private recruitment agencies\"]\n{broader}\n[[lexicon.concept]]\nid = \"child-detention\"\nterms = [\"immigration detention of children\"]\n{broader}\n[[lexicon.concept]]\nid = \"process-priority\"\nterms = [\"priority of this process\"]\n"
        )
    };
    // Two concepts of their own: still nothing in common.
    std::fs::write(root.join("report.toml"), concepts("")).unwrap();
    assert!(
        !merged_or_suggested(&prepared_cleanly(&root), AGENCIES, CHILDREN),
        "two concepts share nothing"
    );
    // Both kinds of one broader concept: entries that name either name it.
    std::fs::write(
        root.join("report.toml"),
        concepts("broader = [\"process-priority\"]\n"),
    )
    .unwrap();
    assert!(
        merged_or_suggested(&prepared_cleanly(&root), AGENCIES, CHILDREN),
        "the broader concept joins them"
    );
}

/// The merged groups of a project, as the sorted texts of each consolidated entry's sources.
fn merged_groups(prepared: &Prepared) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = prepared
        .consolidated
        .entries
        .iter()
        .map(|e| {
            let mut texts: Vec<String> = e.sources.iter().map(|s| s.text.clone()).collect();
            texts.sort();
            texts
        })
        .collect();
    groups.sort();
    groups
}

#[test]
fn suggest_from_changes_the_suggestions_but_never_what_merges() {
    // The shipped 2013 project: seven regions with many merges. Its threshold is the default.
    let base = copy_project(&repo_root(), "suggest-from");
    let default = prepared(&base);
    let groups = merged_groups(&default);
    assert!(
        groups.iter().any(|g| g.len() > 1),
        "the project has merges to lose"
    );
    let threshold = consolidate::model::DEFAULT_THRESHOLD;
    let report = std::fs::read_to_string(base.join("report.toml")).unwrap();
    let mut suggestions = Vec::new();
    for suggest_from in [0.05, 0.3, 0.8 * threshold + 0.01, threshold] {
        std::fs::write(
            base.join("report.toml"),
            format!("{report}\n[dedup]\nsuggest_from = {suggest_from}\n"),
        )
        .unwrap();
        let with = prepared(&base);
        assert_eq!(
            merged_groups(&with),
            groups,
            "suggest_from = {suggest_from} changed what merges"
        );
        assert!(
            with.consolidated
                .suggestions
                .iter()
                .all(|s| s.similarity
                    >= suggest_from * consolidate::consolidate::merge::NEAREST_FLOOR),
            "suggest_from = {suggest_from} still filters what is shown"
        );
        suggestions.push(with.consolidated.suggestions.len());
    }
    assert!(
        suggestions.first() > suggestions.last(),
        "a higher suggest_from shows fewer suggestions: {suggestions:?}"
    );
}
