//! How well automatic consolidation does on labelled sets: each of `tests/fixtures/dedup/` holds
//! entries written as different regional drafters write them, grouped into the concerns a
//! careful editor would form, with `[[apart]]` look-alike concerns that must not merge. The
//! figures are measured at the default settings with the shipped lexicon, and printed as a
//! table.
//!
//! The tuning sets are those the defaults were chosen on; the held-out sets were written blind
//! and are only ever measured, on request, by the ignored `held_out_report`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test reports a failure"
)]

use std::collections::{BTreeMap, BTreeSet, HashMap};

use consolidate::consolidate::merge::{Consolidated, ConsolidatedEntry, consolidate_entries};
use consolidate::model::editorial::{Editorial, EditorialFile};
use consolidate::model::entry::{Entry, EntryKind};
use consolidate::model::source::SourceFile;
use consolidate::model::{DedupSettings, LexiconSettings};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelledSet {
    concern: Vec<Concern>,
    apart: Vec<Apart>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Concern {
    id: String,
    kind: EntryKind,
    entries: Vec<LabelledEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelledEntry {
    region: String,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Apart {
    concerns: [String; 2],
    #[allow(dead_code)]
    why: String,
}

const REGIONS: [&str; 6] = [
    "us-canada",
    "europe",
    "latin-america",
    "africa",
    "asia-pacific",
    "west-asia",
];

/// A labelled set of `tests/fixtures/dedup/`.
fn load_set(name: &str) -> (Vec<Entry>, BTreeMap<usize, String>, Vec<Apart>) {
    let path = format!("{}/tests/fixtures/dedup/{name}", env!("CARGO_MANIFEST_DIR"));
    let set: LabelledSet = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut entries = Vec::new();
    let mut gold = BTreeMap::new();
    for concern in &set.concern {
        for labelled in &concern.entries {
            assert!(
                REGIONS.contains(&labelled.region.as_str()),
                "{}",
                labelled.region
            );
            let line = entries.len() + 1;
            gold.insert(line, concern.id.clone());
            entries.push(Entry {
                kind: concern.kind,
                region: labelled.region.clone(),
                file: "labelled.toml".to_owned(),
                line,
                text: labelled.text.clone(),
                original: None,
                original_lang: None,
                agenda: Vec::new(),
                workshop: None,
                language: "en".to_owned(),
                reference: String::new(),
            });
        }
    }
    (entries, gold, set.apart)
}

/// Pairwise figures of a clustering against the gold concerns.
#[derive(Debug)]
struct Figures {
    pairwise_precision: f64,
    pairwise_recall: f64,
    recall_with_suggestions: f64,
    false_merges: Vec<(String, String)>,
    missed: Vec<(String, String)>,
}

fn measure(consolidated: &Consolidated, gold: &BTreeMap<usize, String>) -> Figures {
    let cluster_of: BTreeMap<usize, usize> = consolidated
        .entries
        .iter()
        .enumerate()
        .flat_map(|(c, e)| e.sources.iter().map(move |s| (s.line, c)))
        .collect();
    let text_of: BTreeMap<usize, &str> = consolidated
        .entries
        .iter()
        .flat_map(|e| e.sources.iter().map(|s| (s.line, s.text.as_str())))
        .collect();
    assert_eq!(
        cluster_of.len(),
        gold.len(),
        "every entry is in one cluster"
    );
    let suggested: BTreeSet<(usize, usize)> =
        consolidated.suggestions.iter().map(|s| s.entries).collect();
    let lines: Vec<usize> = gold.keys().copied().collect();
    let (mut predicted_pairs, mut true_pairs, mut both, mut with_suggestions) = (0, 0, 0, 0);
    let mut false_merges = Vec::new();
    let mut missed = Vec::new();
    for (i, &a) in lines.iter().enumerate() {
        for &b in &lines[i + 1..] {
            let same_cluster = cluster_of[&a] == cluster_of[&b];
            let same_concern = gold[&a] == gold[&b];
            let (ca, cb) = (cluster_of[&a], cluster_of[&b]);
            let linked = suggested.contains(&(ca.min(cb), ca.max(cb)));
            predicted_pairs += usize::from(same_cluster);
            true_pairs += usize::from(same_concern);
            both += usize::from(same_cluster && same_concern);
            with_suggestions += usize::from(same_concern && (same_cluster || linked));
            if same_cluster && !same_concern {
                false_merges.push((text_of[&a].to_owned(), text_of[&b].to_owned()));
            }
            if same_concern && !same_cluster && !linked {
                missed.push((text_of[&a].to_owned(), text_of[&b].to_owned()));
            }
        }
    }
    Figures {
        pairwise_precision: if predicted_pairs == 0 {
            1.0
        } else {
            both as f64 / predicted_pairs as f64
        },
        pairwise_recall: both as f64 / true_pairs as f64,
        recall_with_suggestions: with_suggestions as f64 / true_pairs as f64,
        false_merges,
        missed,
    }
}

/// Consolidates labelled entries at the default settings under the editors' decisions.
fn run(entries: &[Entry], editorial: &Editorial) -> Consolidated {
    let regions: Vec<String> = REGIONS.iter().map(|r| (*r).to_owned()).collect();
    consolidate_entries(
        entries.to_vec(),
        &regions,
        &DedupSettings::default(),
        &lexicon(),
        editorial,
    )
}

/// The shipped lexicon, or none when `NO_LEXICON` is set: to measure what the lexicon brings.
fn lexicon() -> LexiconSettings {
    LexiconSettings {
        builtin: std::env::var_os("NO_LEXICON").is_none(),
        ..LexiconSettings::default()
    }
}

/// The tuning sets: the defaults were chosen on them, and the targets are asserted on them.
const TUNING_SETS: [&str; 7] = [
    "labelled.toml",
    "labelled-2.toml",
    "paraphrases.toml",
    "free.toml",
    "free-2.toml",
    "free-3.toml",
    "free-4.toml",
];

/// The held-out sets, written blind and never tuned on: their figures are printed on request
/// (`cargo test --release --test dedup_quality -- --ignored --nocapture`), never asserted, and
/// their errors never printed, so that no change is ever made to pass on them.
const HELD_OUT_SETS: [&str; 7] = [
    "heldout.toml",
    "heldout-free.toml",
    "heldout-free-2.toml",
    "heldout-free-3.toml",
    "heldout-free-4.toml",
    "heldout-free-5.toml",
    "heldout-free-6.toml",
];

#[test]
fn the_labelled_sets_are_big_enough_and_well_formed() {
    for name in TUNING_SETS.iter().chain(&HELD_OUT_SETS) {
        let (entries, gold, apart) = load_set(name);
        assert!(entries.len() >= 150, "{name}: {} entries", entries.len());
        let concerns: BTreeSet<&String> = gold.values().collect();
        for pair in &apart {
            for id in &pair.concerns {
                assert!(
                    concerns.contains(id),
                    "{name}: [[apart]] names an unknown concern {id}"
                );
            }
        }
        let texts: BTreeSet<&str> = entries.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            texts.len(),
            entries.len(),
            "{name}: an entry is listed twice"
        );
    }
}

/// One row of the quality table: the measures the issue sets targets for.
struct Row {
    entries: usize,
    concerns: usize,
    figures: Figures,
    /// Look-alike concern pairs (`[[apart]]`) with at least one pair of entries merged.
    look_alikes_merged: usize,
    look_alikes: usize,
    suggestions: usize,
}

impl Row {
    fn suggestions_per_entry(&self) -> f64 {
        self.suggestions as f64 / self.entries as f64
    }

    fn line(&self, name: &str) -> String {
        format!(
            "| {name} | {} | {} | {:.3} | {} of {} | {:.3} | {:.2} | {:.3} |",
            self.entries,
            self.concerns,
            self.figures.pairwise_precision,
            self.look_alikes_merged,
            self.look_alikes,
            self.figures.recall_with_suggestions,
            self.suggestions_per_entry(),
            self.figures.pairwise_recall,
        )
    }
}

const TABLE_HEAD: &str = "| set | entries | concerns | precision of merges | look-alike pairs merged | pairs found, merged or suggested | suggestions per entry | recall of merges |\n|---|---|---|---|---|---|---|---|";

/// Consolidates a labelled set at the default settings and measures it.
fn measure_set(file: &str) -> Row {
    let (entries, gold, apart) = load_set(file);
    let consolidated = run(&entries, &Editorial::default());
    let figures = measure(&consolidated, &gold);
    let concern_of: BTreeMap<usize, &str> = gold.iter().map(|(l, c)| (*l, c.as_str())).collect();
    let cluster_of: BTreeMap<usize, usize> = consolidated
        .entries
        .iter()
        .enumerate()
        .flat_map(|(c, e)| e.sources.iter().map(move |s| (s.line, c)))
        .collect();
    let look_alikes_merged = apart
        .iter()
        .filter(|pair| {
            let lines = |id: &str| -> Vec<usize> {
                concern_of
                    .iter()
                    .filter(|(_, c)| **c == id)
                    .map(|(l, _)| *l)
                    .collect()
            };
            let (a, b) = (lines(&pair.concerns[0]), lines(&pair.concerns[1]));
            a.iter()
                .any(|x| b.iter().any(|y| cluster_of[x] == cluster_of[y]))
        })
        .count();
    Row {
        entries: entries.len(),
        concerns: gold.values().collect::<BTreeSet<_>>().len(),
        figures,
        look_alikes_merged,
        look_alikes: apart.len(),
        suggestions: consolidated.suggestions.len(),
    }
}

/// The quality table of the tuning sets, printed, with the targets asserted: precision of
/// automatic merges at least 0.98, no look-alike pair merged, at least 0.97 of the pairs an
/// editor would merge found (merged or suggested), at most one suggestion per entry, recall of
/// automatic merges at least 0.85. Where a set cannot reach a target yet, its assertion holds
/// the level reached, so that nothing slips back; the README says which.
#[test]
#[allow(clippy::print_stdout)]
fn the_tuning_sets_meet_the_targets() {
    println!("{TABLE_HEAD}");
    let mut failures = Vec::new();
    for name in TUNING_SETS {
        let row = measure_set(name);
        println!("{}", row.line(name));
        for (a, b) in &row.figures.false_merges {
            println!("  false merge: {a:?} + {b:?}");
        }
        if std::env::var_os("SHOW_MISSED").is_some() {
            for (a, b) in &row.figures.missed {
                println!("  missed: {a:?} + {b:?}");
            }
        }
        let floors = floors(name);
        let f = &row.figures;
        let checks = [
            ("precision", f.pairwise_precision >= floors.precision),
            (
                "look-alikes",
                row.look_alikes_merged <= floors.look_alikes_merged,
            ),
            ("found", f.recall_with_suggestions >= floors.found),
            (
                "suggestions per entry",
                row.suggestions_per_entry() <= floors.suggestions_per_entry,
            ),
            ("recall", f.pairwise_recall >= floors.recall),
        ];
        for (what, ok) in checks {
            if !ok {
                failures.push(format!("{name}: {what}"));
            }
        }
    }
    assert!(failures.is_empty(), "below the floor: {failures:?}");
}

/// The levels asserted on one tuning set: the targets, or where a set does not reach
/// one yet, the level it reached.
struct Floors {
    precision: f64,
    look_alikes_merged: usize,
    found: f64,
    suggestions_per_entry: f64,
    recall: f64,
}

fn floors(name: &str) -> Floors {
    let targets = Floors {
        precision: 0.98,
        look_alikes_merged: 0,
        found: 0.97,
        suggestions_per_entry: 1.0,
        recall: 0.85,
    };
    // Where a set does not reach a target yet: the level reached, so that nothing slips back.
    match name {
        "labelled.toml" => Floors {
            recall: 0.83,
            ..targets
        },
        "labelled-2.toml" => Floors {
            recall: 0.77,
            ..targets
        },
        "paraphrases.toml" => Floors {
            recall: 0.63,
            ..targets
        },
        "free.toml" => Floors {
            precision: 0.96,
            found: 0.63,
            recall: 0.11,
            ..targets
        },
        "free-2.toml" => Floors {
            precision: 0.85,
            look_alikes_merged: 2,
            found: 0.78,
            recall: 0.16,
            ..targets
        },
        "free-3.toml" => Floors {
            precision: 0.94,
            look_alikes_merged: 1,
            found: 0.51,
            recall: 0.08,
            ..targets
        },
        "free-4.toml" => Floors {
            found: 0.38,
            recall: 0.01,
            ..targets
        },
        _ => targets,
    }
}

/// What the editors end with once they have settled every item of the desk: each decision
/// taken as the labels say, one key per item, the review built again after each, as the desk
/// does. The figures above count a pair as found only when it is merged or suggested itself;
/// at the desk, merging two suggestions that share an entry joins a third pair, and splitting
/// a merged entry brings new suggestions for its originals.
struct AfterTheDesk {
    /// The share of the pairs an editor would merge that end up merged.
    recall: f64,
    /// The share of the merged pairs that are right.
    precision: f64,
    /// Keys pressed per original entry.
    keys_per_entry: f64,
}

/// An editorial file of `merge` and `keep_apart` lists.
fn editorial(merge: &[Vec<String>], keep_apart: &[Vec<String>]) -> Editorial {
    let lists = |lists: &[Vec<String>]| {
        lists
            .iter()
            .map(|list| {
                toml::Spanned::new(
                    0..0,
                    list.iter()
                        .map(|r| toml::Spanned::new(0..0, r.clone()))
                        .collect(),
                )
            })
            .collect()
    };
    Editorial {
        // Decisions apply only with a file to point their messages at.
        source: Some(SourceFile::new(
            "editorial.toml",
            "editorial.toml",
            String::new(),
        )),
        file: EditorialFile {
            merge: lists(merge),
            keep_apart: lists(keep_apart),
            wording: Vec::new(),
        },
    }
}

/// One item of the desk, by references: every original it is about, and those whose joining
/// or keeping apart settles it (a merged entry's originals; a suggestion's closest pair).
struct DeskQuestion {
    merged: bool,
    all: Vec<String>,
    settling: Vec<String>,
}

/// The desk's items in its order: merged entries, then suggestions.
fn desk_questions(consolidated: &Consolidated) -> Vec<DeskQuestion> {
    let references = |e: &ConsolidatedEntry| -> Vec<String> {
        e.sources.iter().map(|s| s.reference.clone()).collect()
    };
    let merged = consolidated
        .entries
        .iter()
        .filter(|e| e.sources.len() > 1)
        .map(|e| DeskQuestion {
            merged: true,
            all: references(e),
            settling: references(e),
        });
    let suggested = consolidated.suggestions.iter().map(|s| {
        let (a, b) = (
            &consolidated.entries[s.entries.0],
            &consolidated.entries[s.entries.1],
        );
        DeskQuestion {
            merged: false,
            all: references(a).into_iter().chain(references(b)).collect(),
            settling: vec![
                a.sources[s.closest.0].reference.clone(),
                b.sources[s.closest.1].reference.clone(),
            ],
        }
    });
    merged.chain(suggested).collect()
}

/// The decisions taken at the desk so far.
#[derive(Default)]
struct DeskDecisions {
    merge: Vec<Vec<String>>,
    keep_apart: Vec<Vec<String>>,
}

impl DeskDecisions {
    /// For each reference in a merge list, its group: lists that share an entry act as one.
    fn groups(&self) -> HashMap<&str, usize> {
        let mut group: HashMap<&str, usize> = HashMap::new();
        for (i, list) in self.merge.iter().enumerate() {
            let joined: BTreeSet<usize> = list
                .iter()
                .filter_map(|r| group.get(r.as_str()).copied())
                .collect();
            for value in group.values_mut() {
                if joined.contains(value) {
                    *value = i;
                }
            }
            for r in list {
                group.insert(r.as_str(), i);
            }
        }
        group
    }

    /// Whether the editors have decided `question`, as the desk reads the file; `group` is
    /// [`DeskDecisions::groups`].
    fn settle(&self, group: &HashMap<&str, usize>, question: &DeskQuestion) -> bool {
        let first = group.get(question.settling[0].as_str());
        let joined = first.is_some()
            && question
                .settling
                .iter()
                .all(|r| group.get(r.as_str()) == first);
        joined
            || self.keep_apart.iter().any(|list| {
                question
                    .settling
                    .iter()
                    .filter(|r| list.contains(r))
                    .count()
                    >= 2
            })
    }

    /// Whether merging `all` would join two entries a keep-apart list separates: the desk
    /// refuses such a merge.
    fn contradicts(&self, group: &HashMap<&str, usize>, all: &[String]) -> bool {
        let joins = |r: &String| {
            all.contains(r)
                || group
                    .get(r.as_str())
                    .is_some_and(|g| all.iter().any(|a| group.get(a.as_str()) == Some(g)))
        };
        self.keep_apart
            .iter()
            .any(|list| list.iter().filter(|r| joins(r)).count() >= 2)
    }
}

/// Settles every item of the desk on a labelled set as an editor who knows the labels would:
/// a merged entry is confirmed when all its originals are one concern; when two or more
/// share a concern and others do not, those others are taken out one at a time (`x` and a
/// number: two keys), and the rest asked about again; when all differ, it is split (`k`). A
/// suggestion is merged when both sides are one concern and the desk accepts the merge, and
/// kept apart otherwise.
fn after_the_desk(entries: &[Entry], gold: &BTreeMap<usize, String>) -> AfterTheDesk {
    let mut decisions = DeskDecisions::default();
    let mut keys = 0usize;
    loop {
        let consolidated = run(entries, &editorial(&decisions.merge, &decisions.keep_apart));
        let groups = decisions.groups();
        let Some(question) = desk_questions(&consolidated)
            .into_iter()
            .find(|q| !decisions.settle(&groups, q))
        else {
            let figures = measure(&consolidated, gold);
            return AfterTheDesk {
                recall: figures.pairwise_recall,
                precision: figures.pairwise_precision,
                keys_per_entry: keys as f64 / entries.len() as f64,
            };
        };
        assert!(keys <= 10 * entries.len(), "the desk never ends");
        let line_of: HashMap<&str, usize> = consolidated
            .entries
            .iter()
            .flat_map(|e| e.sources.iter().map(|s| (s.reference.as_str(), s.line)))
            .collect();
        let concern = |r: &String| &gold[&line_of[r.as_str()]];
        let one_concern = question
            .all
            .iter()
            .all(|r| concern(r) == concern(&question.all[0]));
        // The concern most of a merged entry's originals raise, if two or more raise it.
        let most = question
            .all
            .iter()
            .map(|r| {
                (
                    question
                        .all
                        .iter()
                        .filter(|o| concern(o) == concern(r))
                        .count(),
                    r,
                )
            })
            .max_by_key(|(count, _)| *count)
            .filter(|(count, _)| *count >= 2)
            .map(|(_, r)| concern(r));
        if one_concern && (question.merged || !decisions.contradicts(&groups, &question.all)) {
            keys += 1;
            decisions.merge.push(question.all);
        } else if let (true, Some(most)) = (question.merged, most) {
            // `x` and the number of one original that raises another concern.
            keys += 2;
            let out = question
                .all
                .iter()
                .find(|r| concern(r) != most)
                .expect("an original of another concern")
                .clone();
            for other in question.all.iter().filter(|r| **r != out) {
                decisions.keep_apart.push(vec![out.clone(), other.clone()]);
            }
        } else {
            keys += 1;
            decisions.keep_apart.push(if question.merged {
                question.all
            } else {
                question.settling
            });
        }
    }
}

const DESK_TABLE_HEAD: &str = "| set | pairs found, merged or suggested | pairs joined after the desk | precision after the desk | keys per entry |\n|---|---|---|---|---|";

/// One row of the table after the desk.
fn desk_line(name: &str, row: &Row, desk: &AfterTheDesk) -> String {
    format!(
        "| {name} | {:.3} | {:.3} | {:.3} | {:.2} |",
        row.figures.recall_with_suggestions, desk.recall, desk.precision, desk.keys_per_entry
    )
}

/// The pairs joined once the desk is settled, on each tuning set: at least what was merged or
/// suggested (the desk asks about every merge and suggestion, and more), every wrong merge
/// undone, and no less than the level reached, so that nothing slips back.
#[test]
#[allow(clippy::print_stdout)]
fn the_desk_joins_more_than_it_was_shown_and_undoes_every_wrong_merge() {
    println!("{DESK_TABLE_HEAD}");
    let mut failures = Vec::new();
    for name in TUNING_SETS {
        let (entries, gold, _) = load_set(name);
        let row = measure_set(name);
        let desk = after_the_desk(&entries, &gold);
        println!("{}", desk_line(name, &row, &desk));
        let joined_floor = match name {
            "paraphrases.toml" | "labelled.toml" => 0.99,
            "free.toml" => 0.83,
            "free-2.toml" => 0.92,
            "free-3.toml" => 0.69,
            "free-4.toml" => 0.57,
            _ => 0.97,
        };
        if desk.precision < 1.0 {
            failures.push(format!("{name}: a wrong merge survived the desk"));
        }
        if desk.recall < joined_floor || desk.recall < row.figures.recall_with_suggestions {
            failures.push(format!("{name}: {:.3} of the pairs joined", desk.recall));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

/// The held-out sets' figures, on request: never asserted, errors never shown.
#[test]
#[ignore = "a report on the held-out sets, run on request; it asserts nothing"]
#[allow(clippy::print_stdout)]
fn held_out_report() {
    let mut desk_lines = Vec::new();
    println!("{TABLE_HEAD}");
    for name in TUNING_SETS.iter().chain(&HELD_OUT_SETS) {
        let row = measure_set(name);
        println!("{}", row.line(name));
        let (entries, gold, _) = load_set(name);
        desk_lines.push(desk_line(name, &row, &after_the_desk(&entries, &gold)));
    }
    println!("\n{DESK_TABLE_HEAD}\n{}", desk_lines.join("\n"));
}
