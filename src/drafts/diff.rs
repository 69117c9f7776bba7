//! `consolidate diff`: what changed between two builds, read from their `consolidated.json`.
//!
//! Entries are matched by their sources, as numbers are: an original of the old build is the
//! same original in the new one when its reference is the same, when its fingerprint still
//! mostly agrees (a light edit), or when, within its region and kind, most of its words are
//! still there (a rewording). Old and new entries linked through their sources form groups: a
//! group of one old entry and none is a removal, one new and none an addition, several old
//! into one new a merge, one old into several new a split; one old and one new may have been
//! reworded, moved to another agenda point, or raised by other regions.
//!
//! The JSON form is stable for tools: fields may be added, never removed.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::consolidate::editorial::{MIN_AGREEMENT_FOR_EDITED, Reference};
use crate::drafts::numbers::{CROSS_CUTTING, EntryNumber, point_order};
use crate::drafts::words::{WordEdit, WordOp, plain, word_diff};
use crate::error::Error;
use crate::model::entry::EntryKind;

/// The folder of the project root where each draft's `consolidated.json` is kept.
pub const DRAFTS_DIR: &str = "drafts";

/// The snapshot of draft `number`, relative to the project root: `drafts/draft-2.json`.
#[must_use]
pub fn snapshot_path(root: &Path, number: u32) -> std::path::PathBuf {
    root.join(DRAFTS_DIR).join(format!("draft-{number}.json"))
}

/// Which draft a build was, as `consolidated.json` records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftStamp {
    /// Draft 1, 2, ...
    pub number: u32,
    /// The day it went out, `2013-06-20`.
    pub date: String,
}

/// The part of a `consolidated.json` a diff reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Snapshot {
    /// The report's title.
    #[serde(default)]
    pub title: String,
    /// The report's date.
    #[serde(default)]
    pub date: String,
    /// The draft it was, or none for a final edition (or a build from before drafts).
    #[serde(default)]
    pub draft: Option<DraftStamp>,
    /// The consolidated entries.
    pub entries: Vec<SnapshotEntry>,
}

/// A consolidated entry as `consolidated.json` has it.
#[derive(Debug, Clone, Deserialize)]
pub struct SnapshotEntry {
    /// Its number (empty in builds from before numbers).
    #[serde(default)]
    pub number: String,
    /// Issue or strategy.
    pub kind: EntryKind,
    /// The printed wording.
    pub text: String,
    /// Its agenda points; empty when cross-cutting.
    #[serde(default)]
    pub agenda: Vec<i64>,
    /// The regions that raised it.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Its originals.
    pub sources: Vec<SnapshotSource>,
}

/// An original wording.
#[derive(Debug, Clone, Deserialize)]
pub struct SnapshotSource {
    /// The region's id.
    pub region: String,
    /// The wording.
    pub text: String,
    /// `region:kind:fingerprint`.
    #[serde(default)]
    pub reference: String,
}

impl SnapshotEntry {
    fn point(&self) -> String {
        self.agenda
            .first()
            .map_or_else(|| CROSS_CUTTING.to_owned(), i64::to_string)
    }

    fn part(&self) -> Part {
        Part {
            number: self.number.clone(),
            text: self.text.clone(),
            regions: self.regions.clone(),
        }
    }
}

impl Snapshot {
    /// Parses a `consolidated.json`; `name` is for the message.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when the text is not a `consolidated.json`.
    pub fn parse(name: &str, text: &str) -> Result<Snapshot, Error> {
        serde_json::from_str(text).map_err(|e| {
            Error::usage(
                format!("{name} is not a consolidated.json written by `consolidate build`: {e}"),
                "give two out/consolidated.json files, or `--since N` for the snapshot of draft N in drafts/",
            )
        })
    }

    /// Reads and parses a `consolidated.json`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when it cannot be read, [`Error::Usage`] when it is not one.
    pub fn read(path: &Path) -> Result<Snapshot, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        Snapshot::parse(&path.display().to_string(), &text)
    }

    /// How the build is named in a diff: "draft 2 (2013-07-01)", or "the final edition".
    #[must_use]
    pub fn describe(&self) -> String {
        match &self.draft {
            Some(d) => format!("draft {} ({})", d.number, d.date),
            None => "the final edition".to_owned(),
        }
    }
}

/// What happened to an entry between two builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// Several entries became one.
    Merged,
    /// One entry became several.
    Split,
    /// Entries regrouped: several became several.
    Regrouped,
    /// Filed under another agenda point.
    Moved,
    /// Its printed wording changed.
    Reworded,
    /// Regions were added to it or removed from it.
    Regions,
    /// A new entry.
    Added,
    /// An entry that is no more.
    Removed,
}

impl ChangeKind {
    /// The word for it, as the human output and the annex print it.
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            ChangeKind::Merged => "merged",
            ChangeKind::Split => "split",
            ChangeKind::Regrouped => "regrouped",
            ChangeKind::Moved => "moved",
            ChangeKind::Reworded => "reworded",
            ChangeKind::Regions => "regions",
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
        }
    }
}

/// The numbers of the entries on one side of a change, as printed: `2.1 + 2.7`.
#[must_use]
pub fn joined_numbers(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| p.number.as_str())
        .collect::<Vec<_>>()
        .join(" + ")
}

/// An entry of one side of a change: its number, wording and regions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    /// Its number in that build.
    pub number: String,
    /// Its printed wording.
    pub text: String,
    /// The regions that raised it.
    pub regions: Vec<String>,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What happened.
    pub change: ChangeKind,
    /// Issue or strategy.
    pub kind: EntryKind,
    /// The agenda point it is under now (before, for a removal); "X" for cross-cutting.
    pub point: String,
    /// The entries of the old build involved (none for an addition).
    pub before: Vec<Part>,
    /// The entries of the new build involved (none for a removal).
    pub after: Vec<Part>,
    /// For a rewording: the word-level edits from the old wording to the new.
    pub words: Vec<WordEdit>,
    /// Regions that raise it now and did not before.
    pub regions_added: Vec<String>,
    /// Regions that raised it before and do not now.
    pub regions_removed: Vec<String>,
    /// For a move: the agenda point it was under.
    pub from_point: Option<String>,
}

impl Change {
    /// Whether the change concerns a region: it raised one of the entries involved.
    #[must_use]
    pub fn concerns(&self, region: &str) -> bool {
        self.before
            .iter()
            .chain(&self.after)
            .any(|p| p.regions.iter().any(|r| r == region))
    }

    /// The number the change is listed under: the new one, or the old one for a removal.
    #[must_use]
    pub fn number(&self) -> &str {
        self.after
            .first()
            .or(self.before.first())
            .map_or("", |p| p.number.as_str())
    }

    /// One line for people, without colour: "2.15 added: ...".
    #[must_use]
    pub fn describe(&self) -> String {
        let numbers = joined_numbers;
        let kind = self.kind.as_str();
        match self.change {
            ChangeKind::Added => {
                format!("{} added ({kind}): {}", self.number(), self.after[0].text)
            }
            ChangeKind::Removed => {
                format!(
                    "{} removed ({kind}): {}",
                    self.number(),
                    self.before[0].text
                )
            }
            ChangeKind::Reworded => {
                format!("{} reworded: {}", self.number(), plain(&self.words))
            }
            ChangeKind::Merged => format!(
                "{} merged from {}: {}",
                self.number(),
                numbers(&self.before),
                self.after[0].text
            ),
            ChangeKind::Split => format!(
                "{} split into {}",
                numbers(&self.before),
                numbers(&self.after)
            ),
            ChangeKind::Regrouped => format!(
                "{} regrouped into {}",
                numbers(&self.before),
                numbers(&self.after)
            ),
            ChangeKind::Moved => format!(
                "{} moved from point {} (was {})",
                self.number(),
                self.from_point.as_deref().unwrap_or_default(),
                numbers(&self.before)
            ),
            ChangeKind::Regions => {
                let mut parts = Vec::new();
                if !self.regions_added.is_empty() {
                    parts.push(format!("now also {}", self.regions_added.join(", ")));
                }
                if !self.regions_removed.is_empty() {
                    parts.push(format!("no longer {}", self.regions_removed.join(", ")));
                }
                format!("{} regions: {}", self.number(), parts.join("; "))
            }
        }
    }
}

/// How many changes of each kind: the summary line and the JSON's `summary`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// New entries.
    pub added: usize,
    /// Entries that are no more.
    pub removed: usize,
    /// Entries whose printed wording changed.
    pub reworded: usize,
    /// Merges.
    pub merged: usize,
    /// Splits.
    pub split: usize,
    /// Regroupings of several entries into several.
    pub regrouped: usize,
    /// Entries filed under another agenda point.
    pub moved: usize,
    /// Entries whose regions changed.
    pub regions: usize,
}

/// One side of a diff.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// How the output names it: "draft 2 (2013-07-01)", "the final edition", "the project now".
    pub label: String,
    /// The report's title.
    pub title: String,
    /// The report's date.
    pub date: String,
    /// The draft it was, or none.
    pub draft: Option<DraftStamp>,
    /// How many consolidated entries it had.
    pub entries: usize,
}

/// What changed between two builds.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// The version of this JSON shape: fields may be added, never removed.
    pub format: u32,
    /// The older build.
    pub old: Side,
    /// The newer build.
    pub new: Side,
    /// Every change, by agenda point, then number.
    pub changes: Vec<Change>,
    /// How many of each kind.
    pub summary: Summary,
}

/// An original of one side, for matching.
struct Original<'a> {
    entry: usize,
    kind: EntryKind,
    region: &'a str,
    reference: Option<Reference>,
    raw_reference: &'a str,
    words: HashSet<String>,
}

fn originals(snapshot: &Snapshot) -> Vec<Original<'_>> {
    snapshot
        .entries
        .iter()
        .enumerate()
        .flat_map(|(entry, e)| {
            e.sources.iter().map(move |s| Original {
                entry,
                kind: e.kind,
                region: &s.region,
                reference: s.reference.parse().ok(),
                raw_reference: &s.reference,
                words: s
                    .text
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase)
                    .collect(),
            })
        })
        .collect()
}

/// Share of words two wordings have in common (Jaccard).
fn overlap(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// The least share of common words for a rewritten original to count as the same one.
const MIN_WORD_OVERLAP: f64 = 0.5;

/// Pairs each old original with at most one new one: same reference, then a fingerprint that
/// mostly agrees, then most words in common, always within one region and kind.
fn match_originals(old: &[Original], new: &[Original]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];
    let mut by_reference: HashMap<&str, Vec<usize>> = HashMap::new();
    for (o, original) in old.iter().enumerate() {
        if !original.raw_reference.is_empty() {
            by_reference
                .entry(original.raw_reference)
                .or_default()
                .push(o);
        }
    }
    for (n, original) in new.iter().enumerate() {
        let Some(candidates) = by_reference.get(original.raw_reference) else {
            continue;
        };
        if let Some(&o) = candidates.iter().find(|o| !old_used[**o]) {
            old_used[o] = true;
            new_used[n] = true;
            pairs.push((o, n));
        }
    }
    // Scored passes: the best-scoring pairs first, ties in a fixed order.
    let mut scored_pass = |score: &dyn Fn(&Original, &Original) -> Option<f64>| {
        let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
        for (o, a) in old.iter().enumerate().filter(|(o, _)| !old_used[*o]) {
            for (n, b) in new.iter().enumerate().filter(|(n, _)| !new_used[*n]) {
                if a.region == b.region
                    && a.kind == b.kind
                    && let Some(s) = score(a, b)
                {
                    candidates.push((s, o, n));
                }
            }
        }
        candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
        for (_, o, n) in candidates {
            if !old_used[o] && !new_used[n] {
                old_used[o] = true;
                new_used[n] = true;
                pairs.push((o, n));
            }
        }
    };
    scored_pass(&|a, b| {
        let (Some(x), Some(y)) = (&a.reference, &b.reference) else {
            return None;
        };
        let agreement = x.sketch.agreement(y.sketch);
        (agreement >= MIN_AGREEMENT_FOR_EDITED).then_some(agreement as f64)
    });
    scored_pass(&|a, b| {
        let share = overlap(&a.words, &b.words);
        (share >= MIN_WORD_OVERLAP).then_some(share)
    });
    pairs
}

/// The representative of `x`'s group, halving the path on the way.
fn root(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// What changed from `old` to `new`.
#[must_use]
pub fn diff(old: &Snapshot, new: &Snapshot) -> Diff {
    let old_originals = originals(old);
    let new_originals = originals(new);
    let pairs = match_originals(&old_originals, &new_originals);

    // Groups of old and new entries linked through their originals (union-find over
    // old entries 0..n and new entries n..n+m).
    let n_old = old.entries.len();
    let mut parent: Vec<usize> = (0..n_old + new.entries.len()).collect();
    for (o, n) in pairs {
        let a = root(&mut parent, old_originals[o].entry);
        let b = root(&mut parent, n_old + new_originals[n].entry);
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut groups: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    for node in 0..parent.len() {
        let r = root(&mut parent, node);
        let g = *group_of.entry(r).or_insert_with(|| {
            groups.push((Vec::new(), Vec::new()));
            groups.len() - 1
        });
        if node < n_old {
            groups[g].0.push(node);
        } else {
            groups[g].1.push(node - n_old);
        }
    }

    let mut changes = Vec::new();
    for (olds, news) in groups {
        let before: Vec<&SnapshotEntry> = olds.iter().map(|&i| &old.entries[i]).collect();
        let after: Vec<&SnapshotEntry> = news.iter().map(|&i| &new.entries[i]).collect();
        changes.extend(group_changes(&before, &after));
    }
    changes.sort_by(|a, b| {
        let key = |c: &Change| {
            let number = c.number().parse::<EntryNumber>().ok().map(|n| n.order());
            (point_order(&c.point), number, c.change)
        };
        key(a).cmp(&key(b)).then_with(|| a.number().cmp(b.number()))
    });
    let mut summary = Summary::default();
    for change in &changes {
        *match change.change {
            ChangeKind::Added => &mut summary.added,
            ChangeKind::Removed => &mut summary.removed,
            ChangeKind::Reworded => &mut summary.reworded,
            ChangeKind::Merged => &mut summary.merged,
            ChangeKind::Split => &mut summary.split,
            ChangeKind::Regrouped => &mut summary.regrouped,
            ChangeKind::Moved => &mut summary.moved,
            ChangeKind::Regions => &mut summary.regions,
        } += 1;
    }
    let side = |s: &Snapshot| Side {
        label: s.describe(),
        title: s.title.clone(),
        date: s.date.clone(),
        draft: s.draft.clone(),
        entries: s.entries.len(),
    };
    Diff {
        format: 1,
        old: side(old),
        new: side(new),
        changes,
        summary,
    }
}

/// The changes of one group of linked entries.
fn group_changes(before: &[&SnapshotEntry], after: &[&SnapshotEntry]) -> Vec<Change> {
    let Some(first) = after.first().or(before.first()) else {
        return Vec::new();
    };
    let change = |kind: ChangeKind| Change {
        change: kind,
        kind: first.kind,
        point: first.point(),
        before: before.iter().map(|e| e.part()).collect(),
        after: after.iter().map(|e| e.part()).collect(),
        words: Vec::new(),
        regions_added: Vec::new(),
        regions_removed: Vec::new(),
        from_point: None,
    };
    match (before, after) {
        ([], _) => vec![change(ChangeKind::Added)],
        (_, []) => vec![change(ChangeKind::Removed)],
        ([old], [new]) => {
            let mut changes = Vec::new();
            if old.point() != new.point() {
                let mut moved = change(ChangeKind::Moved);
                moved.from_point = Some(old.point());
                changes.push(moved);
            }
            if old.text != new.text {
                let mut reworded = change(ChangeKind::Reworded);
                reworded.words = word_diff(&old.text, &new.text);
                changes.push(reworded);
            }
            let was: BTreeSet<&String> = old.regions.iter().collect();
            let is: BTreeSet<&String> = new.regions.iter().collect();
            if was != is {
                let mut regions = change(ChangeKind::Regions);
                regions.regions_added = new
                    .regions
                    .iter()
                    .filter(|r| !was.contains(r))
                    .cloned()
                    .collect();
                regions.regions_removed = old
                    .regions
                    .iter()
                    .filter(|r| !is.contains(r))
                    .cloned()
                    .collect();
                changes.push(regions);
            }
            changes
        }
        (_, [_]) => vec![change(ChangeKind::Merged)],
        ([_], _) => vec![change(ChangeKind::Split)],
        _ => vec![change(ChangeKind::Regrouped)],
    }
}

impl Diff {
    /// The changes that concern one region.
    #[must_use]
    pub fn for_region(&self, region: &str) -> Vec<&Change> {
        self.changes.iter().filter(|c| c.concerns(region)).collect()
    }

    /// The JSON form: stable for tools (fields may be added, never removed).
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }

    /// The human form, grouped by agenda point; with `color`, additions green, removals red.
    #[must_use]
    pub fn to_human(&self, color: bool) -> String {
        let paint = |code: &str, text: &str| {
            if color {
                format!("\x1b[{code}m{text}\x1b[0m")
            } else {
                text.to_owned()
            }
        };
        let s = &self.summary;
        let counts: Vec<String> = [
            (s.added, "added"),
            (s.removed, "removed"),
            (s.reworded, "reworded"),
            (s.merged, "merged"),
            (s.split, "split"),
            (s.regrouped, "regrouped"),
            (s.moved, "moved"),
            (s.regions, "with other regions"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, w)| format!("{n} {w}"))
        .collect();
        let mut out = format!(
            "{} → {}: {} change{}{}\n",
            self.old.label,
            self.new.label,
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" },
            if counts.is_empty() {
                String::new()
            } else {
                format!(" ({})", counts.join(", "))
            }
        );
        let mut current_point: Option<&str> = None;
        for change in &self.changes {
            if current_point != Some(change.point.as_str()) {
                current_point = Some(&change.point);
                let heading = if change.point == CROSS_CUTTING {
                    "Cross-cutting".to_owned()
                } else {
                    format!("Point {}", change.point)
                };
                out.push('\n');
                out.push_str(&paint("1", &heading));
                out.push('\n');
            }
            let (mark, code) = match change.change {
                ChangeKind::Added => ("+", "32"),
                ChangeKind::Removed => ("-", "31"),
                ChangeKind::Reworded => ("~", "33"),
                ChangeKind::Merged | ChangeKind::Split | ChangeKind::Regrouped => ("=", "36"),
                ChangeKind::Moved => (">", "35"),
                ChangeKind::Regions => ("*", "34"),
            };
            let line = if change.change == ChangeKind::Reworded && color {
                let words: Vec<String> = change
                    .words
                    .iter()
                    .map(|w| match w.op {
                        WordOp::Same => w.text.clone(),
                        WordOp::Removed => paint("31;9", &w.text),
                        WordOp::Added => paint("32;4", &w.text),
                    })
                    .collect();
                format!("{} reworded: {}", change.number(), words.join(" "))
            } else {
                change.describe()
            };
            let _ = writeln!(out, "  {} {line}", paint(code, mark));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An original in a test: region, wording, reference.
    type Source<'a> = (&'a str, &'a str, &'a str);

    fn snapshot(entries: &[(&str, i64, &str, &[Source])]) -> Snapshot {
        let entries = entries
            .iter()
            .map(|(number, point, text, sources)| {
                serde_json::json!({
                    "number": number, "kind": "issue", "text": text, "agenda": [point],
                    "regions": sources.iter().map(|s| s.0).collect::<Vec<_>>(),
                    "sources": sources.iter().map(|(region, text, reference)| serde_json::json!({
                        "region": region, "text": text, "reference": reference,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect::<Vec<_>>();
        serde_json::from_value(
            serde_json::json!({"title": "T", "date": "2013-07-15", "entries": entries}),
        )
        .unwrap()
    }

    #[test]
    fn a_rewritten_original_is_found_by_its_words() {
        let old = snapshot(&[(
            "1.1",
            1,
            "Fair recruitment for all",
            &[("a", "Fair recruitment for all", "a:issue:0000000000000000")],
        )]);
        let new = snapshot(&[(
            "1.1",
            1,
            "Fair recruitment for all workers",
            &[(
                "a",
                "Fair recruitment for all workers",
                "a:issue:ffffffffffffffff",
            )],
        )]);
        let d = diff(&old, &new);
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].change, ChangeKind::Reworded);
        assert_eq!(
            plain(&d.changes[0].words),
            "Fair recruitment for all {+workers+}"
        );
    }

    #[test]
    fn groups_become_merges_splits_moves_and_region_changes() {
        let old = snapshot(&[
            (
                "1.1",
                1,
                "x",
                &[
                    ("a", "alpha one", "a:issue:0000000000000001"),
                    ("b", "beta one", "b:issue:0000000000000002"),
                ],
            ),
            (
                "1.2",
                1,
                "y",
                &[("c", "gamma one", "c:issue:0000000000000003")],
            ),
            (
                "1.3",
                1,
                "z",
                &[("d", "delta one", "d:issue:0000000000000004")],
            ),
            (
                "2.1",
                2,
                "w",
                &[("e", "eps one", "e:issue:0000000000000005")],
            ),
        ]);
        let new = snapshot(&[
            (
                "1.1",
                1,
                "x",
                &[("a", "alpha one", "a:issue:0000000000000001")],
            ),
            (
                "1.4",
                1,
                "beta",
                &[("b", "beta one", "b:issue:0000000000000002")],
            ),
            (
                "1.2",
                1,
                "y",
                &[
                    ("c", "gamma one", "c:issue:0000000000000003"),
                    ("d", "delta one", "d:issue:0000000000000004"),
                ],
            ),
            (
                "3.1",
                3,
                "w",
                &[
                    ("e", "eps one", "e:issue:0000000000000005"),
                    ("f", "phi", "f:issue:0000000000000006"),
                ],
            ),
        ]);
        let d = diff(&old, &new);
        let kinds: Vec<(ChangeKind, &str)> =
            d.changes.iter().map(|c| (c.change, c.number())).collect();
        assert_eq!(
            kinds,
            [
                (ChangeKind::Split, "1.1"),
                (ChangeKind::Merged, "1.2"),
                (ChangeKind::Moved, "3.1"),
                (ChangeKind::Regions, "3.1"),
            ]
        );
        assert_eq!(d.changes[3].regions_added, ["f"]);
    }
}
