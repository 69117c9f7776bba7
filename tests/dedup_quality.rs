//! How well automatic consolidation does on a labelled set: `tests/fixtures/dedup/labelled.toml`
//! holds entries written as different regional drafters write them, grouped into the clusters
//! a careful editor would form. The figures are measured at the default threshold and printed.
//!
//! Asserted, as the issue asks: precision ≥ 0.97 (a false merge silences a region, so precision
//! comes first), recall ≥ 0.80, and recall with review suggestions ≥ 0.95.
//!
//! The labelled set is the tuning set: the threshold, the linkage rule and the contrast rules
//! were chosen on it. `heldout.toml`, written blind before the last round of changes, measures
//! how the defaults generalise, and its figures are printed by its own test.

use std::collections::{BTreeMap, BTreeSet};

use consolidate::consolidate::merge::{Consolidated, consolidate_entries};
use consolidate::model::DedupSettings;
use consolidate::model::editorial::Editorial;
use consolidate::model::entry::{Entry, EntryKind};
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

/// The labelled set as entries (each with a unique line) and the gold concern of each line.
fn labelled() -> (Vec<Entry>, BTreeMap<usize, String>, Vec<Apart>) {
    load_set("labelled.toml")
}

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

/// Pairwise and B-cubed figures of a clustering against the gold concerns.
#[derive(Debug)]
struct Figures {
    pairwise_precision: f64,
    pairwise_recall: f64,
    bcubed_precision: f64,
    bcubed_recall: f64,
    bcubed_f1: f64,
    recall_with_suggestions: f64,
    false_merges: Vec<(String, String)>,
    missed: Vec<(String, String)>,
}

impl Figures {
    /// The figures on one line, as the tests print them.
    fn summary(&self) -> String {
        format!(
            "pairwise P {:.3} R {:.3}; B-cubed P {:.3} R {:.3} F1 {:.3}; recall with suggestions {:.3}",
            self.pairwise_precision,
            self.pairwise_recall,
            self.bcubed_precision,
            self.bcubed_recall,
            self.bcubed_f1,
            self.recall_with_suggestions,
        )
    }
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
    let (mut bp, mut br) = (0.0, 0.0);
    for &a in &lines {
        let cluster: Vec<usize> = lines
            .iter()
            .copied()
            .filter(|b| cluster_of[b] == cluster_of[&a])
            .collect();
        let concern: Vec<usize> = lines
            .iter()
            .copied()
            .filter(|b| gold[b] == gold[&a])
            .collect();
        let correct = cluster.iter().filter(|b| gold[b] == gold[&a]).count() as f64;
        bp += correct / cluster.len() as f64;
        br += correct / concern.len() as f64;
    }
    let n = lines.len() as f64;
    let (bp, br) = (bp / n, br / n);
    Figures {
        pairwise_precision: if predicted_pairs == 0 {
            1.0
        } else {
            both as f64 / predicted_pairs as f64
        },
        pairwise_recall: both as f64 / true_pairs as f64,
        bcubed_precision: bp,
        bcubed_recall: br,
        bcubed_f1: 2.0 * bp * br / (bp + br),
        recall_with_suggestions: with_suggestions as f64 / true_pairs as f64,
        false_merges,
        missed,
    }
}

fn run(entries: &[Entry], settings: &DedupSettings) -> Consolidated {
    let regions: Vec<String> = REGIONS.iter().map(|r| (*r).to_owned()).collect();
    consolidate_entries(entries.to_vec(), &regions, settings, &Editorial::default())
}

#[test]
fn the_labelled_sets_are_big_enough_and_well_formed() {
    for name in [
        "labelled.toml",
        "labelled-2.toml",
        "heldout.toml",
        "paraphrases.toml",
    ] {
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

#[test]
#[allow(clippy::print_stdout)]
fn automatic_merges_meet_the_quality_targets() {
    let (entries, gold, apart) = labelled();
    let settings = DedupSettings::default();
    let consolidated = run(&entries, &settings);
    let figures = measure(&consolidated, &gold);

    println!(
        "labelled set: {} entries, {} concerns",
        entries.len(),
        gold.values().collect::<BTreeSet<_>>().len()
    );
    println!(
        "threshold {:.2} (suggestions from {:.2}): {} consolidated entries, {} suggestions; {}",
        settings.threshold(),
        settings.suggest_from(),
        consolidated.entries.len(),
        consolidated.suggestions.len(),
        figures.summary(),
    );
    for (a, b) in &figures.false_merges {
        println!("  false merge: {a:?} + {b:?}");
    }
    for (a, b) in &figures.missed {
        println!("  missed even as a suggestion: {a:?} + {b:?}");
    }
    // The look-alike concerns must never share a cluster.
    let concern_of_text: BTreeMap<&str, &str> = entries
        .iter()
        .map(|e| (e.text.as_str(), gold[&e.line].as_str()))
        .collect();
    let mut look_alikes_merged = 0;
    for (a, b) in &figures.false_merges {
        let pair = [concern_of_text[a.as_str()], concern_of_text[b.as_str()]];
        if apart
            .iter()
            .any(|x| x.concerns.iter().all(|c| pair.contains(&c.as_str())))
        {
            look_alikes_merged += 1;
        }
    }
    println!(
        "look-alike pairs merged: {look_alikes_merged} (of {} listed)",
        apart.len()
    );
    println!("sweep (threshold: pairwise P / R, B-cubed F1):");
    for step in (30..=50).step_by(2) {
        let threshold = f64::from(step) / 100.0;
        let swept = DedupSettings {
            threshold: toml::Spanned::new(0..0, threshold),
            suggest_from: toml::Spanned::new(0..0, threshold.min(settings.suggest_from())),
            ..DedupSettings::default()
        };
        let f = measure(&run(&entries, &swept), &gold);
        println!(
            "  {threshold:.2}: {:.3} / {:.3}, {:.3}",
            f.pairwise_precision, f.pairwise_recall, f.bcubed_f1
        );
    }

    assert!(figures.pairwise_precision >= 0.97, "{figures:#?}");
    assert!(figures.pairwise_recall >= 0.80, "{figures:#?}");
    assert!(figures.recall_with_suggestions >= 0.95, "{figures:#?}");
}

/// The stress set of free paraphrases: word-based similarity merges few of them (recall 0.53),
/// and must still merge little that differs. Measured precision is 0.977: its false merges join
/// look-alikes on recruitment (joint liability, a ban on fees) and on the Global Forum, which
/// share most of their words; the assertion guards that level against regressions.
#[test]
fn free_paraphrases_are_left_to_the_editors_without_false_merges() {
    let figures = measure_at_defaults("paraphrases.toml", "paraphrase set", true);
    assert!(figures.pairwise_precision >= 0.95, "{figures:#?}");
}

/// The second labelled set (`labelled-2.toml`): written blind as a held-out set, then looked at
/// and used for tuning (see its header). Measured: P 0.979, R 0.707, recall with suggestions
/// 0.925; the assertions guard that level against regressions.
#[test]
fn the_second_labelled_set_keeps_its_level() {
    let figures = measure_at_defaults("labelled-2.toml", "second labelled set", true);
    assert!(figures.pairwise_precision >= 0.97, "{figures:#?}");
    assert!(figures.pairwise_recall >= 0.70, "{figures:#?}");
    assert!(figures.recall_with_suggestions >= 0.92, "{figures:#?}");
}

/// The held-out set (`heldout.toml`), written blind after every other set had been used for
/// tuning, and never used to tune anything: the honest measure of how the defaults generalise.
/// Its figures are printed, not asserted, so that no change is ever made to pass on it; its
/// errors are not printed either. Measured when the defaults were fixed: pairwise P 0.909,
/// R 0.476; B-cubed P 0.972, R 0.699, F1 0.813; recall with suggestions 0.852. That is well
/// below the tuning sets: its drafters reworded more freely than word overlap can follow, and
/// it has many more look-alike concerns (57 pairs).
#[test]
fn the_held_out_set_measures_the_defaults_honestly() {
    measure_at_defaults("heldout.toml", "held-out set", false);
}

/// Consolidates a labelled set at the default settings and prints its figures, and its false
/// merges when `show_false_merges` (never for the held-out set).
#[allow(clippy::print_stdout)]
fn measure_at_defaults(file: &str, name: &str, show_false_merges: bool) -> Figures {
    let (entries, gold, _) = load_set(file);
    let figures = measure(&run(&entries, &DedupSettings::default()), &gold);
    println!(
        "{name}, {} entries, {} concerns: {}",
        entries.len(),
        gold.values().collect::<BTreeSet<_>>().len(),
        figures.summary(),
    );
    if show_false_merges {
        for (a, b) in &figures.false_merges {
            println!("  false merge: {a:?} + {b:?}");
        }
    }
    figures
}
