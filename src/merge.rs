//! Stage 3, merge: every issue and strategy of every submission becomes part of exactly one
//! consolidated entry, which keeps the wording of each original and where it came from.
//!
//! Entries merge when their text is the same after normalising Unicode form, case, white
//! space and punctuation. Nothing is dropped: [`check_nothing_lost`] proves it before anything
//! is written.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::load::{Project, Submission};

/// Whether an entry names a problem or a way to address one. They never merge with each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A priority issue.
    Issue,
    /// A strategy.
    Strategy,
}

/// One issue or strategy as a region wrote it, with its exact place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Issue or strategy.
    #[serde(skip)]
    pub kind: EntryKind,
    /// The region's id.
    pub region: String,
    /// The file it is in, relative to the project root.
    pub file: String,
    /// The line its text starts on.
    pub line: usize,
    /// The wording, in English.
    pub text: String,
    /// The wording in the language it was discussed in, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// The language of `original`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_lang: Option<String>,
    /// The agenda points it addresses (its own, or its workshop's); empty when cross-cutting.
    #[serde(skip)]
    pub agenda: Vec<i64>,
    /// The workshop it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workshop: Option<String>,
}

/// One concern, raised by one or more regions, with every original wording.
#[derive(Debug, Clone, Serialize)]
pub struct ConsolidatedEntry {
    /// Issue or strategy.
    pub kind: EntryKind,
    /// The wording the report prints: see [`representative`].
    pub text: String,
    /// The union of the sources' agenda points; empty when cross-cutting.
    pub agenda: Vec<i64>,
    /// The ids of the regions that raised it, in the order of their consultations.
    pub regions: Vec<String>,
    /// Every original entry merged into this one.
    pub sources: Vec<Entry>,
}

/// The consolidated model that the report is rendered from.
#[derive(Debug, Clone, Serialize)]
pub struct Consolidated {
    /// Entries ordered by first agenda point (cross-cutting last), kind, number of regions
    /// (most first), then first appearance.
    pub entries: Vec<ConsolidatedEntry>,
}

/// The key two entries must share to merge: NFKC, lower case, punctuation and runs of white
/// space turned into single spaces.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkc().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
    }
    out
}

/// Every issue and strategy of a submission, in the order it was written.
pub fn entries_of(submission: &Submission) -> Vec<Entry> {
    let source = &submission.source;
    let mut entries = Vec::new();
    for workshop in &submission.data.workshop {
        let workshop = workshop.get_ref();
        let title = workshop.title.as_ref().map(|t| t.get_ref().clone());
        let items = workshop
            .issues
            .iter()
            .map(|i| (EntryKind::Issue, i))
            .chain(workshop.strategies.iter().map(|s| (EntryKind::Strategy, s)));
        for (kind, item) in items {
            let item_ref = item.get_ref();
            let mut agenda: Vec<i64> = item_ref
                .agenda
                .as_ref()
                .or(workshop.agenda.as_ref())
                .map(|numbers| numbers.iter().map(|n| *n.get_ref()).collect())
                .unwrap_or_default();
            agenda.sort_unstable();
            agenda.dedup();
            entries.push(Entry {
                kind,
                region: submission.id.clone(),
                file: source.name.clone(),
                line: source.line_of(item_ref.text.span().start),
                text: item_ref.text().to_owned(),
                original: item_ref.original.as_ref().map(|o| o.get_ref().clone()),
                original_lang: item_ref.original_lang.as_ref().map(|l| l.get_ref().clone()),
                agenda,
                workshop: title.clone(),
            });
        }
    }
    entries
}

/// Merges the entries of all submissions.
pub fn consolidate(project: &Project) -> Consolidated {
    let entries: Vec<Entry> = project.submissions.iter().flat_map(entries_of).collect();
    consolidate_entries(entries)
}

/// Merges entries that say the same thing word for word. `entries` must be in submission
/// order: the first source of a group gives its wording.
pub fn consolidate_entries(entries: Vec<Entry>) -> Consolidated {
    let mut groups: Vec<Vec<Entry>> = Vec::new();
    let mut index: HashMap<(EntryKind, String), usize> = HashMap::new();
    for entry in entries {
        let key = (entry.kind, normalise(&entry.text));
        match index.get(&key) {
            Some(&group) => groups[group].push(entry),
            None => {
                index.insert(key, groups.len());
                groups.push(vec![entry]);
            }
        }
    }
    let mut consolidated: Vec<(usize, ConsolidatedEntry)> = groups
        .into_iter()
        .enumerate()
        .map(|(order, sources)| {
            let agenda: BTreeSet<i64> = sources
                .iter()
                .flat_map(|s| s.agenda.iter().copied())
                .collect();
            let mut regions: Vec<String> = Vec::new();
            for source in &sources {
                if !regions.contains(&source.region) {
                    regions.push(source.region.clone());
                }
            }
            let entry = ConsolidatedEntry {
                kind: sources[0].kind,
                text: representative(&sources).to_owned(),
                agenda: agenda.into_iter().collect(),
                regions,
                sources,
            };
            (order, entry)
        })
        .collect();
    consolidated.sort_by_key(|(order, e)| {
        (
            e.agenda.first().copied().unwrap_or(i64::MAX),
            e.kind,
            std::cmp::Reverse(e.regions.len()),
            *order,
        )
    });
    Consolidated {
        entries: consolidated.into_iter().map(|(_, e)| e).collect(),
    }
}

/// The wording a group is printed with: the earliest consultation's, unless it starts in lower
/// case and a later one starts with a capital (the same words, typed more carefully).
fn representative(sources: &[Entry]) -> &str {
    let capitalised = |e: &&Entry| !e.text.trim_start().starts_with(char::is_lowercase);
    sources
        .iter()
        .find(capitalised)
        .unwrap_or(&sources[0])
        .text
        .as_str()
}

/// Proves that every input entry is in exactly one consolidated entry, and that nothing else
/// is: the report may merge voices, never lose or invent one.
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
        }
    }

    #[test]
    fn normalising_ignores_case_space_punctuation_and_unicode_form() {
        assert_eq!(
            normalise("Criminalization of migrant workers and immigrant communities."),
            normalise("  criminalization of MIGRANT workers, and immigrant   communities")
        );
        assert_eq!(normalise("ﬁnancial"), normalise("financial"));
        assert_eq!(normalise("migrants’ rights"), normalise("migrants' rights"));
        assert_ne!(normalise("labour"), normalise("labor"));
    }

    #[test]
    fn identical_entries_merge_and_keep_every_region() {
        let merged = consolidate_entries(vec![
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
        assert_eq!(
            merged.entries[2].agenda,
            Vec::<i64>::new(),
            "cross-cutting last"
        );
    }
}
