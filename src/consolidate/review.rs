//! `consolidate review`: the merge decisions left to the editors.
//!
//! Two lists: the entries that were merged (automatically or by `editorial.toml`), each
//! original with its similarity to the others, and the near-misses just below the threshold,
//! as suggestions. Every item carries the exact line to paste into `editorial.toml` to reverse
//! it (`keep_apart`) or to accept it (`merge`). The data is built here; the CLI prints it with
//! [`Review::render_human`] or as JSON.

use std::fmt::Write as _;

use serde::Serialize;

use crate::consolidate::merge::{Consolidated, ConsolidatedEntry, Wording};
use crate::model::entry::EntryKind;

/// Everything `consolidate review` shows.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    /// How many original entries the submissions hold.
    pub entries: usize,
    /// How many regions wrote them.
    pub regions: usize,
    /// How many consolidated entries they became.
    pub consolidated: usize,
    /// The similarity at which entries merge.
    pub threshold: f64,
    /// The lowest similarity suggested.
    pub suggest_from: f64,
    /// Consolidated entries with more than one original, in report order.
    pub merged: Vec<MergedEntry>,
    /// Near-misses, most likely right first, as consolidation ranks them.
    pub suggestions: Vec<ReviewSuggestion>,
}

/// An original as the review lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewSource {
    /// How `editorial.toml` names it.
    pub reference: String,
    /// The region's id.
    pub region: String,
    /// `regions/x.toml`.
    pub file: String,
    /// The line its text starts on.
    pub line: usize,
    /// Its wording.
    pub text: String,
    /// Its mean similarity to the other originals of its entry (absent when alone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement: Option<f64>,
}

/// A consolidated entry that merged several originals.
#[derive(Debug, Clone, Serialize)]
pub struct MergedEntry {
    /// Issue or strategy.
    pub kind: EntryKind,
    /// The wording the report prints.
    pub text: String,
    /// How that wording was chosen.
    pub wording: Wording,
    /// The lowest similarity between two of its originals.
    pub cohesion: f64,
    /// Whether `editorial.toml` merged it (otherwise: similarity did).
    pub merged_by_editors: bool,
    /// The regions that raised it.
    pub regions: Vec<String>,
    /// Its originals.
    pub sources: Vec<ReviewSource>,
    /// The line that splits it: paste into `keep_apart = [...]` in `editorial.toml`.
    pub keep_apart: String,
}

/// Two consolidated entries that are alike but were not merged.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewSuggestion {
    /// The similarity of the closest pair of originals.
    pub similarity: f64,
    /// Issue or strategy.
    pub kind: EntryKind,
    /// The first entry's printed wording and regions.
    pub first: SuggestedEntry,
    /// The second entry's.
    pub second: SuggestedEntry,
    /// The closest pair of originals, one from each.
    pub closest: [ReviewSource; 2],
    /// The line that merges them: paste into `merge = [...]` in `editorial.toml`.
    pub merge: String,
}

/// One side of a suggestion.
#[derive(Debug, Clone, Serialize)]
pub struct SuggestedEntry {
    /// The wording the report prints.
    pub text: String,
    /// The regions that raised it.
    pub regions: Vec<String>,
    /// How many originals it holds.
    pub originals: usize,
    /// How `editorial.toml` names each of its originals.
    pub references: Vec<String>,
}

impl Review {
    /// The review of consolidated entries from `regions` regions.
    #[must_use]
    pub fn new(consolidated: &Consolidated, regions: usize) -> Review {
        let merged = consolidated
            .entries
            .iter()
            .filter(|e| e.sources.len() > 1)
            .map(|e| MergedEntry {
                kind: e.kind,
                text: e.text.clone(),
                wording: e.wording,
                cohesion: rounded(e.cohesion.unwrap_or(1.0)),
                merged_by_editors: e.merged_by_editors,
                regions: e.regions.clone(),
                sources: (0..e.sources.len()).map(|i| source(e, i)).collect(),
                keep_apart: paste_line(e.sources.iter().map(|s| s.reference.as_str())),
            })
            .collect();
        let suggestions = consolidated
            .suggestions
            .iter()
            .map(|s| {
                let (a, b) = (
                    &consolidated.entries[s.entries.0],
                    &consolidated.entries[s.entries.1],
                );
                let side = |e: &ConsolidatedEntry| SuggestedEntry {
                    text: e.text.clone(),
                    regions: e.regions.clone(),
                    originals: e.sources.len(),
                    references: e.sources.iter().map(|s| s.reference.clone()).collect(),
                };
                ReviewSuggestion {
                    similarity: rounded(s.similarity),
                    kind: a.kind,
                    first: side(a),
                    second: side(b),
                    closest: [source(a, s.closest.0), source(b, s.closest.1)],
                    merge: paste_line(
                        a.sources
                            .iter()
                            .chain(&b.sources)
                            .map(|s| s.reference.as_str()),
                    ),
                }
            })
            .collect();
        Review {
            entries: consolidated.entries.iter().map(|e| e.sources.len()).sum(),
            regions,
            consolidated: consolidated.entries.len(),
            threshold: consolidated.threshold,
            suggest_from: consolidated.suggest_from,
            merged,
            suggestions,
        }
    }

    /// The review as one JSON document.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The review for people: the merged entries, then the suggestions, each with its line to
    /// paste.
    #[must_use]
    pub fn render_human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} entries from {} regions → {} consolidated ({} merged); threshold {:.2}, suggestions from {:.2} (an entry's nearest from {:.2})",
            self.entries,
            self.regions,
            self.consolidated,
            self.entries - self.consolidated,
            self.threshold,
            self.suggest_from,
            self.suggest_from * crate::consolidate::merge::NEAREST_FLOOR
        );
        let _ = writeln!(
            out,
            "\nMerged: {} holding more than one original",
            plural(self.merged.len(), "entry", "entries")
        );
        for (i, entry) in self.merged.iter().enumerate() {
            let how = if entry.merged_by_editors {
                "merged by the editors".to_owned()
            } else {
                format!("lowest similarity {:.2}", entry.cohesion)
            };
            let _ = writeln!(
                out,
                "\n  {}. {} · {} regions · {how}",
                i + 1,
                EntryKind::as_str(entry.kind),
                entry.regions.len()
            );
            let _ = writeln!(
                out,
                "     \"{}\" ({})",
                entry.text,
                entry.wording.describe()
            );
            for source in &entry.sources {
                write_source(&mut out, source);
            }
            let _ = writeln!(
                out,
                "     to keep them apart, add to `keep_apart = [` in editorial.toml:\n       {}",
                entry.keep_apart
            );
        }
        let _ = writeln!(
            out,
            "\nSuggestions: {} alike but below the threshold",
            plural(
                self.suggestions.len(),
                "pair of entries",
                "pairs of entries"
            )
        );
        for (i, suggestion) in self.suggestions.iter().enumerate() {
            let _ = writeln!(
                out,
                "\n  {}. {} · similarity {:.2}",
                i + 1,
                EntryKind::as_str(suggestion.kind),
                suggestion.similarity
            );
            for side in [&suggestion.first, &suggestion.second] {
                let _ = writeln!(out, "     \"{}\" ({})", side.text, side.regions.join(", "));
            }
            let _ = writeln!(out, "     closest originals:");
            for source in &suggestion.closest {
                write_source(&mut out, source);
            }
            let _ = writeln!(
                out,
                "     to merge them, add to `merge = [` in editorial.toml:\n       {}",
                suggestion.merge
            );
        }
        out
    }
}

/// The `i`-th original of a consolidated entry, as the review lists it.
fn source(entry: &ConsolidatedEntry, i: usize) -> ReviewSource {
    let s = &entry.sources[i];
    ReviewSource {
        reference: s.reference.clone(),
        region: s.region.clone(),
        file: s.file.clone(),
        line: s.line,
        text: s.text.clone(),
        agreement: entry.agreement.get(i).copied().flatten().map(rounded),
    }
}

/// Scores to three decimals: more would be noise to an editor, and would make the JSON differ
/// between builds in the last digit of a float.
fn rounded(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}

/// One original on one line: its agreement, its place, its wording.
fn write_source(out: &mut String, source: &ReviewSource) {
    let place = format!("{}:{}", source.file, source.line);
    let agreement = source
        .agreement
        .map_or_else(|| "    ".to_owned(), |a| format!("{a:.2}"));
    let _ = writeln!(out, "       {agreement}  {place:<32} {}", source.text);
}

/// One array of references as `editorial.toml` writes it, with its trailing comma.
fn paste_line<'a>(references: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = references.map(|r| format!("\"{r}\"")).collect();
    format!("[{}],", quoted.join(", "))
}

/// "1 entry", "2 entries": a count with its noun, as messages say it.
#[must_use]
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
