//! Stage 3, merge: every issue and strategy of every submission becomes part of exactly one
//! consolidated entry, which keeps the wording of each original and where it came from.
//!
//! Entries that say the same thing in different words are found in four steps: each wording is
//! normalised ([`crate::normalise`]), weighed as a TF-IDF vector and compared with the entries
//! that share its rarer words ([`crate::similarity`]), and the alike pairs are clustered under
//! the editors' decisions ([`crate::cluster`], [`crate::editorial`]). Issues only ever merge
//! with issues, strategies with strategies. The result does not depend on the order of the
//! files or of the entries in them, nor on the number of threads: entries are put in a
//! canonical order (by their content) before anything else happens.
//!
//! Nothing is dropped: [`check_nothing_lost`] proves it before anything is written.

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::consolidate::cluster::{Constraints, LINK_FLOOR, NearMiss, cluster};
use crate::consolidate::editorial::{Reference, Sketch};
use crate::consolidate::lexicon::Lexicon;
use crate::consolidate::normalise::{NormalisedText, Normaliser};
use crate::consolidate::similarity::{Corpus, Nearest, contrast};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::editorial::Editorial;
use crate::model::entry::{Entry, EntryKind, entries_of};
use crate::model::project::Project;
use crate::model::{DedupSettings, LexiconSettings};

/// How a consolidated entry's printed wording was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Wording {
    /// The entry has one original: its wording.
    Only,
    /// The original most alike to all the others (the highest sum of similarities); on a tie,
    /// the one from the earliest consultation, then the first in alphabetical order.
    MostCentral,
    /// The original the editors chose in `editorial.toml`.
    EditorsChoice,
    /// The editors' own wording from `editorial.toml`.
    EditorsText,
}

impl Wording {
    /// How the printed wording was chosen, in words, as the review and the desk say it.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Wording::Only => "its only wording",
            Wording::MostCentral => "the most central wording",
            Wording::EditorsChoice => "the wording the editors chose",
            Wording::EditorsText => "the editors' wording",
        }
    }
}

/// One concern, raised by one or more regions, with every original wording.
#[derive(Debug, Clone, Serialize)]
pub struct ConsolidatedEntry {
    /// Issue or strategy.
    pub kind: EntryKind,
    /// The wording the report prints: see [`Wording`].
    pub text: String,
    /// The union of the sources' agenda points; empty when cross-cutting.
    pub agenda: Vec<i64>,
    /// The ids of the regions that raised it, in the order of their consultations.
    pub regions: Vec<String>,
    /// Every original entry merged into this one, in the order of their consultations.
    pub sources: Vec<Entry>,
    /// How `text` was chosen.
    pub wording: Wording,
    /// The lowest similarity between two of its originals (0 to 1); absent with one original.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohesion: Option<f64>,
    /// Whether a merge decision of the editors joined some of its originals.
    pub merged_by_editors: bool,
    /// For each source, its mean similarity to the other sources (none when alone): how well
    /// each original fits the entry, for `consolidate review`.
    #[serde(skip)]
    pub agreement: Vec<Option<f64>>,
}

/// Two consolidated entries that were not merged although some of their originals are alike:
/// a suggestion for the editors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The two entries, as indices into [`Consolidated::entries`], the smaller first.
    pub entries: (usize, usize),
    /// The most alike pair of originals, as indices into each entry's `sources`.
    pub closest: (usize, usize),
    /// Their similarity.
    pub similarity: f64,
}

/// The consolidated model that the report is rendered from.
#[derive(Debug, Clone, Serialize)]
pub struct Consolidated {
    /// Entries ordered by first agenda point (cross-cutting last), kind, number of regions
    /// (most first), number of originals, then first appearance.
    pub entries: Vec<ConsolidatedEntry>,
    /// Near-misses, most likely right first (see `most_likely_first`), at most one per entry.
    #[serde(skip)]
    pub suggestions: Vec<Suggestion>,
    /// What applying `editorial.toml` found: stale, changed, malformed or conflicting decisions.
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
    /// The similarity at which entries merged.
    #[serde(skip)]
    pub threshold: f64,
    /// The lowest similarity suggested.
    #[serde(skip)]
    pub suggest_from: f64,
}

/// Merges the entries of all submissions under the project's `[dedup]` settings and the
/// editors' decisions.
pub fn consolidate(project: &Project, editorial: &Editorial) -> Consolidated {
    let entries: Vec<Entry> = project.submissions.iter().flat_map(entries_of).collect();
    let regions: Vec<String> = project.submissions.iter().map(|s| s.id.clone()).collect();
    let settings = &project.settings.data;
    consolidate_entries(
        entries,
        &regions,
        &settings.dedup,
        &settings.lexicon,
        editorial,
    )
}

/// The references of entries: region, kind and the fingerprint of their words under the
/// default normalisation, so that changing `[dedup]` settings never invalidates a decision.
#[must_use]
pub fn references(entries: &[Entry], normalised: Option<&[NormalisedText]>) -> Vec<Reference> {
    let standard = Normaliser::default();
    entries
        .par_iter()
        .enumerate()
        .map(|(i, entry)| {
            let own;
            let text = if let Some(texts) = normalised {
                &texts[i]
            } else {
                own = standard.normalise(&entry.text, &entry.language);
                &own
            };
            let sketch = if text.tokens.is_empty() {
                let folded = crate::consolidate::normalise::fold(&entry.text);
                Sketch::of(&crate::consolidate::normalise::words(&folded))
            } else {
                Sketch::of(&text.tokens)
            };
            Reference {
                region: entry.region.clone(),
                kind: entry.kind,
                sketch,
            }
        })
        .collect()
}

/// Merges entries that say the same thing. `regions` lists the region ids in the order of
/// their consultations (the order sources and regions are shown in); the result does not
/// depend on the order of `entries`.
#[allow(
    clippy::too_many_lines,
    reason = "the steps of consolidation in order, from entries to consolidated entries; each \
              step's logic is in the function or module it calls"
)]
pub fn consolidate_entries(
    mut entries: Vec<Entry>,
    regions: &[String],
    settings: &DedupSettings,
    lexicon: &LexiconSettings,
    editorial: &Editorial,
) -> Consolidated {
    entries.par_sort_by(|a, b| canonical_key(a).cmp(&canonical_key(b)));
    let entry_count = entries.len();
    let normaliser = Normaliser::new(settings);
    let texts: Vec<NormalisedText> = entries
        .par_iter()
        .map(|e| normaliser.normalise(&e.text, &e.language))
        .collect();
    let standard = normaliser == Normaliser::default();
    let references = references(&entries, standard.then_some(texts.as_slice()));
    for (entry, reference) in entries.iter_mut().zip(&references) {
        entry.reference = reference.to_string();
    }
    // The lexicon's problems are report.toml's, reported by validation.
    let (lexicon, _) = Lexicon::build(lexicon, &normaliser);
    let texts: Vec<NormalisedText> = texts.into_par_iter().map(|t| lexicon.apply(t)).collect();
    let corpus = Corpus::new(&texts);
    let mut resolved = editorial.resolve(&entries, &references);
    resolved.constraints.copies = exact_copies(&entries, &texts, &resolved.constraints);
    // A copy is in no group of its own kind: it is compared with nothing, and clusters with
    // its original.
    let mut kinds: Vec<(EntryKind, usize)> = entries.iter().map(|e| (e.kind, 0)).collect();
    for &(copy, _) in &resolved.constraints.copies {
        kinds[copy].1 = copy + 1;
    }
    let (threshold, suggest_from) = (settings.threshold(), settings.suggest_from());
    // Regions as numbers: the test of "another region" runs for every weak pair scored, and
    // comparing the names was a tenth of the time on 100,000 entries.
    let region_of: Vec<usize> = {
        let mut names: Vec<&str> = entries.iter().map(|e| e.region.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        entries
            .iter()
            .map(|e| names.binary_search(&e.region.as_str()).unwrap_or(0))
            .collect()
    };
    let adjust = |a: usize, b: usize| contrast(&texts[a], &texts[b]);
    let nearest = Nearest {
        floor: suggest_from * NEAREST_FLOOR,
        per_entry: NEAREST_PER_ENTRY + 1,
        eligible: |a: usize, b: usize| region_of[a] != region_of[b],
    };
    // Clustering needs every pair down to its linkage floor, whatever the editors are shown:
    // `suggest_from` is a display setting and must not change what merges.
    let listed = suggest_from.min(threshold * LINK_FLOOR);
    let scored = corpus.similar_pairs_with_nearest(&kinds, listed, &nearest, adjust);
    let shown: HashSet<(usize, usize)> = keep_pairs(&scored, &region_of, suggest_from)
        .into_iter()
        .map(|(a, b, _)| (a, b))
        .collect();
    let pairs: Vec<(usize, usize, f64)> = scored
        .iter()
        .filter(|&&(a, b, score)| score >= listed || shown.contains(&(a, b)))
        .copied()
        .collect();
    let mut clustering = cluster(entries.len(), &pairs, threshold, &resolved.constraints);
    clustering.near_misses.retain(|miss| {
        let (a, b) = miss.pair;
        miss.similarity >= suggest_from || shown.contains(&(a, b)) || shown.contains(&(b, a))
    });
    let mut diagnostics = resolved.diagnostics;

    let rank: HashMap<&str, usize> = regions
        .iter()
        .enumerate()
        .map(|(i, r)| (r.as_str(), i))
        .collect();
    let rank_of = |region: &str| rank.get(region).copied().unwrap_or(usize::MAX);
    let mut wordings_by_entry: HashMap<usize, Vec<&crate::consolidate::editorial::WordingChoice>> =
        HashMap::new();
    for choice in &resolved.wordings {
        wordings_by_entry
            .entry(choice.entry)
            .or_default()
            .push(choice);
    }

    // Each cluster's members in the order the report shows them: by consultation, then place.
    let ordered_members: Vec<Vec<usize>> = clustering
        .clusters
        .iter()
        .map(|members| {
            let mut members = members.clone();
            members.sort_by(|&a, &b| {
                let key = |i: usize| {
                    (
                        rank_of(&entries[i].region),
                        &entries[i].file,
                        entries[i].line,
                        i,
                    )
                };
                key(a).cmp(&key(b))
            });
            members
        })
        .collect();
    let mut original_of: Vec<usize> = (0..entry_count).collect();
    for &(copy, original) in &resolved.constraints.copies {
        original_of[copy] = original;
    }
    let mut built: Vec<(usize, ConsolidatedEntry)> = Vec::with_capacity(ordered_members.len());
    for (cluster_index, members) in ordered_members.iter().enumerate() {
        let similarity = |a: usize, b: usize| corpus.cosine(a, b) * adjust(a, b);
        let fit = Fit::of(members, &original_of, &similarity);
        let mut choices: Vec<&crate::consolidate::editorial::WordingChoice> = members
            .iter()
            .filter_map(|m| wordings_by_entry.get(m))
            .flatten()
            .copied()
            .collect();
        choices.sort_by_key(|c| c.span.start);
        choices.dedup_by(|a, b| a.text == b.text && a.entry == b.entry);
        if choices.len() > 1
            && let Some(source) = &editorial.source
        {
            diagnostics.push(
                Diagnostic::new(
                    Code::ConflictingDecisions,
                    source,
                    choices[1].span.clone(),
                    "a second wording for an entry that already has one",
                )
                .with_related(source, choices[0].span.clone(), "first wording here")
                .with_help("these entries are merged into one; keep one wording decision for it"),
            );
        }
        let (text, wording) = match choices.first() {
            Some(choice) => match &choice.text {
                Some(text) => (text.clone(), Wording::EditorsText),
                None => (entries[choice.entry].text.clone(), Wording::EditorsChoice),
            },
            None if members.len() == 1 => (entries[members[0]].text.clone(), Wording::Only),
            None => {
                // Ties go to the earliest consultation, then to the text (a capital sorts
                // first): never to the line, which moves when a host reorders the file.
                let mut by_preference = members.clone();
                by_preference.sort_by(|&a, &b| {
                    let key = |i: usize| (rank_of(&entries[i].region), &entries[i].text, i);
                    key(a).cmp(&key(b))
                });
                let central = most_central(&by_preference, members, &fit.sums);
                (entries[central].text.clone(), Wording::MostCentral)
            }
        };
        let cohesion = (members.len() > 1).then_some(fit.lowest);
        let agreement: Vec<Option<f64>> = fit
            .sums
            .iter()
            .map(|sum| (members.len() > 1).then(|| sum / (members.len() - 1) as f64))
            .collect();
        let agenda: BTreeSet<i64> = members
            .iter()
            .flat_map(|&m| entries[m].agenda.iter().copied())
            .collect();
        let mut entry_regions: Vec<String> = Vec::new();
        for &m in members {
            if !entry_regions.contains(&entries[m].region) {
                entry_regions.push(entries[m].region.clone());
            }
        }
        let entry = ConsolidatedEntry {
            kind: entries[members[0]].kind,
            text,
            agenda: agenda.into_iter().collect(),
            regions: entry_regions,
            // Filled below, by moving the entries: cloning them all was a tenth of the time.
            sources: Vec::new(),
            wording,
            cohesion,
            merged_by_editors: members.len() > 1
                && members.iter().any(|&m| resolved.merged_by_editors[m]),
            agreement,
        };
        built.push((cluster_index, entry));
    }
    // Every entry is in exactly one cluster (check_nothing_lost proves it before anything is
    // written), so each slot is taken once.
    let mut slots: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
    for (cluster_index, entry) in &mut built {
        entry.sources = ordered_members[*cluster_index]
            .iter()
            .filter_map(|&m| slots[m].take())
            .collect();
    }
    built.sort_by(|(_, a), (_, b)| {
        fn first<'e>(
            e: &'e ConsolidatedEntry,
            rank_of: &impl Fn(&str) -> usize,
        ) -> (usize, &'e str, usize) {
            let s = &e.sources[0];
            (rank_of(&s.region), s.file.as_str(), s.line)
        }
        (
            a.agenda.first().copied().unwrap_or(i64::MAX),
            a.kind,
            Reverse(a.regions.len()),
            Reverse(a.sources.len()),
            first(a, &rank_of),
        )
            .cmp(&(
                b.agenda.first().copied().unwrap_or(i64::MAX),
                b.kind,
                Reverse(b.regions.len()),
                Reverse(b.sources.len()),
                first(b, &rank_of),
            ))
    });
    let mut position_of_cluster = vec![0; built.len()];
    for (position, (cluster_index, _)) in built.iter().enumerate() {
        position_of_cluster[*cluster_index] = position;
    }
    let suggestions = most_likely_first(&clustering.near_misses, clustering.clusters.len())
        .into_iter()
        .map(|miss| {
            let (ca, cb) = miss.clusters;
            let (pa, pb) = (position_of_cluster[ca], position_of_cluster[cb]);
            let place = |cluster: usize, entry: usize| {
                ordered_members[cluster]
                    .iter()
                    .position(|&m| m == entry)
                    .unwrap_or(0)
            };
            let (sa, sb) = (place(ca, miss.pair.0), place(cb, miss.pair.1));
            let (entries, closest) = if pa < pb {
                ((pa, pb), (sa, sb))
            } else {
                ((pb, pa), (sb, sa))
            };
            Suggestion {
                entries,
                closest,
                similarity: miss.similarity,
            }
        })
        // No more than one per original entry: a list the editors can get through.
        .take(entry_count)
        .collect();
    Consolidated {
        entries: built.into_iter().map(|(_, e)| e).collect(),
        suggestions,
        diagnostics,
        threshold,
        suggest_from,
    }
}

/// The near-misses, most likely right first: each is ranked from both its sides, by how
/// many of each cluster's near-misses are more similar, so that two clusters that are each
/// other's nearest come before a pair that is more similar but where one side has closer
/// matches elsewhere. Freely worded entries on one concern share few words and score low, but
/// are still each other's best match; a global order by similarity filled the list with pairs
/// that share a frame ("better understand X", "better understand Y") and scored higher.
fn most_likely_first(near_misses: &[NearMiss], clusters: usize) -> Vec<&NearMiss> {
    // `near_misses` comes most similar first, so counting as we go gives each side's rank.
    let mut seen = vec![0usize; clusters];
    let mut ranked: Vec<(usize, usize, &NearMiss)> = near_misses
        .iter()
        .enumerate()
        .map(|(order, miss)| {
            let (a, b) = miss.clusters;
            let rank = (seen[a], seen[b]);
            seen[a] += 1;
            seen[b] += 1;
            let key = rank.0 + rank.1;
            (key, order, miss)
        })
        .collect();
    ranked.sort_by_key(|&(key, order, _)| (key, order));
    ranked.into_iter().map(|(_, _, miss)| miss).collect()
}

/// The entries that are exact copies of an earlier one for everything the similarity sees
/// (kind, words and concepts, stance, stage, distinct members), as `(copy, original)`: many
/// regions pasting one shared statement make hundreds of them, and comparing each with every
/// other would cost the square of their number. Entries named by a decision are never copies.
fn exact_copies(
    entries: &[Entry],
    texts: &[NormalisedText],
    constraints: &Constraints,
) -> Vec<(usize, usize)> {
    /// What the similarity sees of an entry, but for stance and stage.
    type Seen<'t> = (EntryKind, &'t [String], &'t [(u16, u32)]);
    let decided: HashSet<usize> = constraints
        .together
        .iter()
        .flatten()
        .copied()
        .chain(constraints.apart.iter().flat_map(|&(a, b)| [a, b]))
        .collect();
    let mut first: HashMap<Seen<'_>, usize> = HashMap::new();
    let mut copies = Vec::new();
    for (i, (entry, text)) in entries.iter().zip(texts).enumerate() {
        if decided.contains(&i) || text.tokens.is_empty() {
            continue;
        }
        let key = (entry.kind, text.tokens.as_slice(), text.members.as_slice());
        match first.get(&key) {
            Some(&original)
                if texts[original].stance == text.stance && texts[original].stage == text.stage =>
            {
                copies.push((i, original));
            }
            Some(_) => {}
            None => {
                first.insert(key, i);
            }
        }
    }
    copies
}

/// How low, as a fraction of `suggest_from`, a pair may score and still be suggested when it
/// is one entry's nearest from another region: freely worded entries on one concern often
/// share too few words to clear `suggest_from`, yet are each other's best match.
pub const NEAREST_FLOOR: f64 = 0.5;

/// How many nearest entries from other regions each entry may bring to the editors below
/// `suggest_from`. The review still lists at most one suggestion per entry; the others come
/// at the desk when the editors keep the first apart, since the review is built again after
/// each decision. In the desk measure of `tests/dedup_quality.rs`, an editor on the freely
/// worded tuning sets joined 0.49-0.93 of the pairs with 1 (1.2-1.3 keys per entry), 0.58-0.93
/// with 2 (1.4-1.5 keys) and 0.61-0.93 with 3 (1.5-1.6 keys).
pub const NEAREST_PER_ENTRY: usize = 2;

/// The scored pairs clustering sees: those at or above `suggest_from`, and below it each
/// entry's [`NEAREST_PER_ENTRY`] best pairs with entries of other regions. Sorted as given.
fn keep_pairs(
    scored: &[(usize, usize, f64)],
    region_of: &[usize],
    suggest_from: f64,
) -> Vec<(usize, usize, f64)> {
    let mut nearest: Vec<Vec<(f64, usize)>> = vec![Vec::new(); region_of.len()];
    for (index, &(a, b, score)) in scored.iter().enumerate() {
        if score >= suggest_from || region_of[a] == region_of[b] {
            continue;
        }
        for x in [a, b] {
            let best = &mut nearest[x];
            best.push((score, index));
            // Most similar first; on a tie, the earlier pair, so the choice never depends on
            // threads.
            best.sort_by(|p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)));
            best.truncate(NEAREST_PER_ENTRY);
        }
    }
    let mut chosen = vec![false; scored.len()];
    for best in &nearest {
        for &(_, index) in best {
            chosen[index] = true;
        }
    }
    scored
        .iter()
        .zip(chosen)
        .filter(|((_, _, score), chosen)| *score >= suggest_from || *chosen)
        .map(|(pair, _)| *pair)
        .collect()
}

/// The order entries are processed in, from their content alone, so that reordering a
/// submission or the files changes nothing.
fn canonical_key(entry: &Entry) -> impl Ord + '_ {
    (
        entry.kind,
        &entry.region,
        &entry.text,
        &entry.original,
        &entry.agenda,
        &entry.workshop,
        &entry.file,
        entry.line,
    )
}

/// How alike the members of one cluster are to each other.
struct Fit {
    /// The lowest similarity between two members (1 with one member).
    lowest: f64,
    /// For each member, in the order given, the sum of its similarities to the others.
    sums: Vec<f64>,
}

impl Fit {
    /// The fit of `members`, where `original_of` maps an exact copy to the entry it copies
    /// (and any other entry to itself). A copy is alike to everything exactly as its original
    /// is, the original itself included, so the similarities are computed once per distinct
    /// original and counted as often as it has members: a cluster of hundreds of pasted statements costs what its few distinct
    /// wordings cost, where comparing every member with every other grew with the square of
    /// the copies and made 100,000 near-copies take three times as long as 50,000.
    fn of(
        members: &[usize],
        original_of: &[usize],
        similarity: &impl Fn(usize, usize) -> f64,
    ) -> Fit {
        // Each distinct original, and how many members it stands for.
        let mut classes: Vec<(usize, usize)> = Vec::new();
        let mut class_of_member: Vec<usize> = Vec::with_capacity(members.len());
        let mut class_of: HashMap<usize, usize> = HashMap::new();
        for &m in members {
            let original = original_of[m];
            let class = *class_of.entry(original).or_insert_with(|| {
                classes.push((original, 0));
                classes.len() - 1
            });
            classes[class].1 += 1;
            class_of_member.push(class);
        }
        let mut lowest = 1.0f64;
        let mut class_sums = vec![0.0f64; classes.len()];
        for (i, &(a, count_a)) in classes.iter().enumerate() {
            if count_a > 1 {
                // Two members of one class: the wording compared with itself.
                let own = similarity(a, a);
                lowest = lowest.min(own);
                class_sums[i] += (count_a - 1) as f64 * own;
            }
            for (j, &(b, count_b)) in classes.iter().enumerate().skip(i + 1) {
                let across = similarity(a.min(b), a.max(b));
                lowest = lowest.min(across);
                class_sums[i] += count_b as f64 * across;
                class_sums[j] += count_a as f64 * across;
            }
        }
        Fit {
            lowest,
            sums: class_of_member.iter().map(|&c| class_sums[c]).collect(),
        }
    }
}

/// The member most alike to all the others: the highest sum of similarities (`sums`, in the
/// order of `members`); on a tie, the first in `preference`.
fn most_central(preference: &[usize], members: &[usize], sums: &[f64]) -> usize {
    let sum_of: HashMap<usize, f64> = members.iter().copied().zip(sums.iter().copied()).collect();
    let mut best = (preference[0], f64::MIN);
    for &m in preference {
        let sum = sum_of.get(&m).copied().unwrap_or(f64::MIN);
        // A margin, so that sums equal but for rounding count as a tie.
        if sum > best.1 + 1e-9 {
            best = (m, sum);
        }
    }
    best.0
}

/// Proves that every input entry is in exactly one consolidated entry, and that nothing else
/// is: the report may merge voices, never lose or invent one.
///
/// # Errors
///
/// The first entry that is missing, or that appears more often than it was written.
pub fn check_nothing_lost(project: &Project, consolidated: &Consolidated) -> Result<(), String> {
    let mut expected: HashMap<(String, usize, EntryKind, String), usize> = HashMap::new();
    for entry in project.submissions.iter().flat_map(entries_of) {
        *expected
            .entry((entry.file, entry.line, entry.kind, entry.text))
            .or_default() += 1;
    }
    for consolidated_entry in &consolidated.entries {
        for source in &consolidated_entry.sources {
            let key = (
                source.file.clone(),
                source.line,
                source.kind,
                source.text.clone(),
            );
            match expected.get_mut(&key) {
                Some(count) if *count > 0 => *count -= 1,
                _ => {
                    return Err(format!(
                        "{}:{}: an entry appears in the consolidated report more often than in its submission",
                        source.file, source.line
                    ));
                }
            }
        }
    }
    if let Some(((file, line, _, _), _)) = expected.iter().find(|(_, count)| **count > 0) {
        return Err(format!(
            "{file}:{line}: an entry of this submission is missing from the consolidated report"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_clusters_that_are_each_others_nearest_are_suggested_before_a_closer_pair_of_hubs() {
        let miss = |a, b, similarity| NearMiss {
            clusters: (a, b),
            pair: (a, b),
            similarity,
        };
        // Most similar first, as clustering gives them.
        let near_misses = [
            miss(0, 1, 0.9),
            miss(0, 2, 0.8),
            miss(1, 2, 0.7),
            miss(3, 4, 0.3),
        ];
        let order: Vec<(usize, usize)> = most_likely_first(&near_misses, 5)
            .iter()
            .map(|m| m.clusters)
            .collect();
        assert_eq!(order, [(0, 1), (3, 4), (0, 2), (1, 2)]);
    }

    #[test]
    fn copies_fit_a_cluster_as_their_original_does_without_being_compared_again() {
        // Entries 0, 2 and 3 say one thing (2 and 3 copy 0); 1 and 4 say others.
        let original_of = [0, 1, 0, 0, 4];
        let wording = |e: usize| original_of[e];
        let table =
            |a: usize, b: usize| match (wording(a).min(wording(b)), wording(a).max(wording(b))) {
                (0, 0) => 0.99,
                (0, 1) => 0.7,
                (0, 4) => 0.6,
                (1, 4) => 0.5,
                other => panic!("no similarity for {other:?}"),
            };
        let calls = std::cell::Cell::new(0);
        let similarity = |a: usize, b: usize| {
            calls.set(calls.get() + 1);
            table(a, b)
        };
        let members = [3, 0, 1, 4, 2];
        let fit = Fit::of(&members, &original_of, &similarity);
        // What comparing every member with every other gives.
        for (at, &m) in members.iter().enumerate() {
            let expected: f64 = members
                .iter()
                .filter(|&&o| o != m)
                .map(|&o| table(m, o))
                .sum();
            assert!(
                (fit.sums[at] - expected).abs() < 1e-12,
                "{m}: {} against {expected}",
                fit.sums[at]
            );
        }
        assert!((fit.lowest - 0.5).abs() < 1e-12);
        // Three distinct wordings: three pairs across them, and one for the copies.
        assert_eq!(calls.get(), 4);
        // The most central is the wording three members share, whichever of them comes first.
        assert_eq!(most_central(&[2, 0, 3, 1, 4], &members, &fit.sums), 2);
    }

    fn entry(kind: EntryKind, region: &str, line: usize, text: &str, agenda: &[i64]) -> Entry {
        Entry {
            kind,
            region: region.to_owned(),
            file: format!("regions/{region}.toml"),
            line,
            text: text.to_owned(),
            original: None,
            original_lang: None,
            agenda: agenda.to_vec(),
            workshop: None,
            language: "en".to_owned(),
            reference: String::new(),
        }
    }

    fn merge(entries: Vec<Entry>) -> Consolidated {
        let regions = ["a", "b", "c"].map(str::to_owned);
        consolidate_entries(
            entries,
            &regions,
            &DedupSettings::default(),
            &LexiconSettings::default(),
            &Editorial::default(),
        )
    }

    #[test]
    fn identical_entries_merge_and_keep_every_region() {
        let merged = merge(vec![
            entry(EntryKind::Issue, "a", 3, "Access to justice", &[7]),
            entry(EntryKind::Issue, "b", 9, "access to justice.", &[2]),
            entry(EntryKind::Strategy, "b", 12, "Access to justice", &[7]),
            entry(EntryKind::Issue, "c", 4, "Something else", &[]),
        ]);
        assert_eq!(merged.entries.len(), 3);
        let first = &merged.entries[0];
        assert_eq!(first.regions, ["a", "b"]);
        assert_eq!(first.agenda, [2, 7]);
        assert_eq!(first.text, "Access to justice");
        assert_eq!(first.wording, Wording::MostCentral);
        assert_eq!(
            merged.entries[1].kind,
            EntryKind::Strategy,
            "never merged with the issue"
        );
        assert_eq!(
            merged.entries[2].agenda,
            Vec::<i64>::new(),
            "cross-cutting last"
        );
    }

    #[test]
    fn spelling_variants_and_articles_merge() {
        let merged = merge(vec![
            entry(
                EntryKind::Issue,
                "a",
                1,
                "Criminalization of migrant workers and immigrant communities",
                &[7],
            ),
            entry(
                EntryKind::Issue,
                "b",
                1,
                "The criminalisation of migrant workers and of immigrant communities",
                &[7],
            ),
            entry(
                EntryKind::Issue,
                "c",
                1,
                "Recruitment fees charged to workers",
                &[1],
            ),
        ]);
        assert_eq!(merged.entries.len(), 2);
        let criminalisation = &merged.entries[1];
        assert_eq!(criminalisation.regions, ["a", "b"]);
        assert!(criminalisation.cohesion.unwrap() > 0.9);
        assert!(
            criminalisation
                .sources
                .iter()
                .all(|s| !s.reference.is_empty())
        );
    }

    #[test]
    fn the_most_central_wording_is_printed() {
        let merged = merge(vec![
            entry(
                EntryKind::Issue,
                "a",
                1,
                "Wage theft from migrant workers in agriculture",
                &[2],
            ),
            entry(
                EntryKind::Issue,
                "b",
                1,
                "Wage theft from migrant workers",
                &[2],
            ),
            entry(
                EntryKind::Issue,
                "c",
                1,
                "Wage theft from migrant workers in construction",
                &[2],
            ),
        ]);
        assert_eq!(merged.entries.len(), 1);
        assert_eq!(merged.entries[0].text, "Wage theft from migrant workers");
        assert_eq!(merged.entries[0].regions, ["a", "b", "c"]);
    }

    #[test]
    fn entries_are_ordered_by_how_many_regions_raised_them() {
        let merged = merge(vec![
            entry(EntryKind::Issue, "a", 1, "Detention of children", &[3]),
            entry(EntryKind::Issue, "a", 2, "Deaths at sea", &[3]),
            entry(EntryKind::Issue, "b", 1, "Deaths at sea", &[3]),
        ]);
        assert_eq!(merged.entries[0].text, "Deaths at sea");
        assert_eq!(merged.entries[1].text, "Detention of children");
    }
}
