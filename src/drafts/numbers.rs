//! Stable entry numbers: `2.14` is the fourteenth number given under agenda point 2 (`X.3`
//! under the cross-cutting entries).
//!
//! A region's comment on a draft cites an entry by its number, so an entry keeps its number
//! from draft to draft while it exists, wherever other entries are added, removed, merged or
//! split. The anchor is the entry's sources' references (`region:kind:fingerprint`), which
//! survive reordering and light edits (see [`crate::consolidate::editorial`]). A new entry
//! takes the next number of its point; a number that falls out of use is never given again,
//! because the file remembers the highest number each point has ever had.
//!
//! The numbers live in `numbers.toml` beside `editorial.toml`, committed by the staff, so that
//! anyone who builds the same draft gets the same numbers. The result depends only on that file
//! and on the consolidated entries (which are in a canonical order), never on the order of
//! files or threads.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::consolidate::ConsolidatedEntry;
use crate::consolidate::editorial::{MIN_AGREEMENT_FOR_EDITED, Reference};
use crate::error::Error;
use crate::model::entry::EntryKind;

/// The file's name, beside `editorial.toml` in the project root.
pub const NUMBERS_FILE: &str = "numbers.toml";

/// What the file says at its top, for staff who open it.
const HEADER: &str = "\
# Entry numbers, kept by `consolidate build`: commit this file with editorial.toml, so that
# every build of a draft gives each entry the same number. Do not edit it by hand;
# `consolidate renumber` numbers every entry afresh in reading order (before publication).
";

/// The agenda point of the cross-cutting entries in a number: `X.3`.
pub const CROSS_CUTTING: &str = "X";

/// An entry's number: its agenda point, then its position among the numbers that point has
/// given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EntryNumber {
    /// The agenda point ("2"), or [`CROSS_CUTTING`].
    pub point: String,
    /// 1, 2, ...
    pub position: u32,
}

impl EntryNumber {
    /// The order numbers are listed in: by agenda point (numerically, cross-cutting last), then
    /// by position.
    #[must_use]
    pub fn order(&self) -> (u8, i64, u32) {
        let (group, point) = point_order(&self.point);
        (group, point, self.position)
    }
}

/// Where an agenda point sorts: numbered points in their numeric order, then the rest.
#[must_use]
pub fn point_order(point: &str) -> (u8, i64) {
    point.parse::<i64>().map_or((1, 0), |n| (0, n))
}

impl fmt::Display for EntryNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.point, self.position)
    }
}

impl FromStr for EntryNumber {
    type Err = String;

    fn from_str(text: &str) -> Result<EntryNumber, String> {
        let (point, position) = text
            .rsplit_once('.')
            .ok_or_else(|| format!("`{text}` is not a number like `2.14`"))?;
        let position = position
            .parse::<u32>()
            .map_err(|_| format!("`{text}` is not a number like `2.14`"))?;
        if point.is_empty() {
            return Err(format!("`{text}` has no agenda point before the dot"));
        }
        Ok(EntryNumber {
            point: point.to_owned(),
            position,
        })
    }
}

/// The agenda point an entry is numbered under: the first it is filed under, as the report
/// files it.
#[must_use]
pub fn point_of(entry: &ConsolidatedEntry) -> String {
    entry
        .agenda
        .first()
        .map_or_else(|| CROSS_CUTTING.to_owned(), i64::to_string)
}

/// `numbers.toml` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumbersFile {
    /// The highest position each agenda point has ever given: a new entry takes the next, so
    /// that a number is never reused for another concern.
    #[serde(default)]
    pub last: BTreeMap<String, u32>,
    /// Every entry numbered by the last build.
    #[serde(default)]
    pub entry: Vec<NumberedEntry>,
}

/// One numbered entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberedEntry {
    /// Its number.
    pub number: String,
    /// The printed wording when it was numbered, for people reading the file's history.
    pub text: String,
    /// Its sources' references: the anchor that finds the entry again.
    pub sources: Vec<String>,
}

impl NumbersFile {
    /// The file's text: the entries in number order, so that its diff in version control shows
    /// what changed.
    #[must_use]
    pub fn to_text(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!("{HEADER}\n{body}")
    }
}

/// Reads `ROOT/numbers.toml`; `None` when the project has none yet.
///
/// # Errors
///
/// [`Error::Io`] when it cannot be read, [`Error::Project`] when it is not a numbers file.
pub fn load_numbers(root: &Path) -> Result<Option<NumbersFile>, Error> {
    let path = root.join(NUMBERS_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("read", &path, e)),
    };
    let file: NumbersFile = toml::from_str(&text).map_err(|e| {
        Error::project(
            format!(
                "{NUMBERS_FILE} is not a numbers file: {}",
                e.message().trim()
            ),
            "it is written by `consolidate build`: restore it from version control, or run `consolidate renumber` to number every entry afresh",
        )
    })?;
    for entry in &file.entry {
        entry.number.parse::<EntryNumber>().map_err(|why| {
            Error::project(
                format!("{NUMBERS_FILE}: {why}"),
                "restore the file from version control, or run `consolidate renumber`",
            )
        })?;
    }
    Ok(Some(file))
}

/// The numbers of a build: one per consolidated entry, and the file that records them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbering {
    /// The number of each consolidated entry, in the entries' order.
    pub numbers: Vec<String>,
    /// The numbers file after this build.
    pub file: NumbersFile,
}

/// Gives every entry a number: the one it had in `previous` when its sources are found there
/// under the same agenda point, otherwise the next free number of its point, in reading order.
///
/// An old entry's number goes to the new entry that holds the most of its sources (after a
/// merge, the entry keeps the number of the part that brought most sources; after a split, the
/// part with most sources keeps it); ties go to the lower number, then to the entry read first.
#[must_use]
pub fn assign(previous: &NumbersFile, entries: &[ConsolidatedEntry]) -> Numbering {
    let old: Vec<(EntryNumber, Vec<Reference>)> = previous
        .entry
        .iter()
        .filter_map(|e| {
            let number = e.number.parse::<EntryNumber>().ok()?;
            let refs = e.sources.iter().filter_map(|r| r.parse().ok()).collect();
            Some((number, refs))
        })
        .collect();
    let anchors = Anchors::new(&old);
    let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        for source in &entry.sources {
            let Ok(reference) = source.reference.parse::<Reference>() else {
                continue;
            };
            if let Some(j) = anchors.find(&reference) {
                *shared.entry((i, j)).or_default() += 1;
            }
        }
    }
    let points: Vec<String> = entries.iter().map(point_of).collect();
    let mut pairs: Vec<(usize, usize, usize)> = shared
        .into_iter()
        .filter(|((i, j), _)| points[*i] == old[*j].0.point)
        .map(|((i, j), n)| (i, j, n))
        .collect();
    // A total order, so that the result never depends on the map's iteration order.
    pairs.sort_by_key(|(i, j, n)| (Reverse(*n), old[*j].0.order(), *i, *j));

    let mut numbers: Vec<Option<EntryNumber>> = vec![None; entries.len()];
    let mut taken = vec![false; old.len()];
    for (i, j, _) in pairs {
        if numbers[i].is_none() && !taken[j] {
            taken[j] = true;
            numbers[i] = Some(old[j].0.clone());
        }
    }
    let mut last = previous.last.clone();
    for (number, _) in &old {
        let top = last.entry(number.point.clone()).or_default();
        *top = (*top).max(number.position);
    }
    for (i, number) in numbers.iter_mut().enumerate() {
        if number.is_none() {
            let top = last.entry(points[i].clone()).or_default();
            *top += 1;
            *number = Some(EntryNumber {
                point: points[i].clone(),
                position: *top,
            });
        }
    }
    let numbers: Vec<EntryNumber> = numbers.into_iter().flatten().collect();
    let mut recorded: Vec<(&EntryNumber, NumberedEntry)> = numbers
        .iter()
        .zip(entries)
        .map(|(number, entry)| {
            let mut sources: Vec<String> =
                entry.sources.iter().map(|s| s.reference.clone()).collect();
            sources.sort();
            (
                number,
                NumberedEntry {
                    number: number.to_string(),
                    text: entry.text.clone(),
                    sources,
                },
            )
        })
        .collect();
    recorded.sort_by_key(|(number, _)| number.order());
    Numbering {
        numbers: numbers.iter().map(ToString::to_string).collect(),
        file: NumbersFile {
            last,
            entry: recorded.into_iter().map(|(_, e)| e).collect(),
        },
    }
}

/// Numbers every entry afresh, in reading order, forgetting the numbers given so far: the pass
/// before publication, when the gaps left by drafts should close.
#[must_use]
pub fn renumber(entries: &[ConsolidatedEntry]) -> Numbering {
    assign(&NumbersFile::default(), entries)
}

/// The old entries' sources, to find an entry again: by its exact reference first, then by a
/// reference of the same region and kind whose fingerprint still mostly agrees (a light edit).
struct Anchors {
    /// Exact references, to the old entry that holds them.
    exact: HashMap<Reference, usize>,
    /// By region and kind: every reference, with its old entry.
    near: HashMap<(String, EntryKind), Vec<(Reference, usize)>>,
}

impl Anchors {
    fn new(old: &[(EntryNumber, Vec<Reference>)]) -> Anchors {
        let mut exact = HashMap::new();
        let mut near: HashMap<(String, EntryKind), Vec<(Reference, usize)>> = HashMap::new();
        for (j, (_, refs)) in old.iter().enumerate() {
            for reference in refs {
                exact.entry(reference.clone()).or_insert(j);
                near.entry((reference.region.clone(), reference.kind))
                    .or_default()
                    .push((reference.clone(), j));
            }
        }
        Anchors { exact, near }
    }

    /// The old entry that held this source, if any.
    fn find(&self, reference: &Reference) -> Option<usize> {
        if let Some(j) = self.exact.get(reference) {
            return Some(*j);
        }
        let candidates = self.near.get(&(reference.region.clone(), reference.kind))?;
        candidates
            .iter()
            .map(|(r, j)| (r.sketch.agreement(reference.sketch), *j))
            .filter(|(agreement, _)| *agreement >= MIN_AGREEMENT_FOR_EDITED)
            .max_by_key(|(agreement, j)| (*agreement, Reverse(*j)))
            .map(|(_, j)| j)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consolidate::Wording;
    use crate::model::entry::Entry;

    fn source(reference: &str) -> Entry {
        Entry {
            kind: EntryKind::Issue,
            region: reference.split(':').next().unwrap().to_owned(),
            file: String::new(),
            line: 1,
            text: String::new(),
            original: None,
            original_lang: None,
            agenda: vec![1],
            workshop: None,
            language: "en".to_owned(),
            reference: reference.to_owned(),
        }
    }

    fn entry(point: Option<i64>, refs: &[&str]) -> ConsolidatedEntry {
        ConsolidatedEntry {
            kind: EntryKind::Issue,
            text: refs.join(" "),
            agenda: point.into_iter().collect(),
            regions: Vec::new(),
            sources: refs.iter().map(|r| source(r)).collect(),
            wording: Wording::Only,
            cohesion: None,
            merged_by_editors: false,
            agreement: Vec::new(),
        }
    }

    const A: &str = "a:issue:0000000000000001";
    const B: &str = "b:issue:0000000000000002";
    const C: &str = "c:issue:0000000000000003";
    const D: &str = "d:issue:0000000000000004";

    #[test]
    fn first_numbers_follow_reading_order_per_point() {
        let entries = [
            entry(Some(1), &[A]),
            entry(Some(1), &[B]),
            entry(None, &[C]),
        ];
        assert_eq!(
            assign(&NumbersFile::default(), &entries).numbers,
            ["1.1", "1.2", "X.1"]
        );
    }

    #[test]
    fn an_entry_keeps_its_number_and_new_ones_take_fresh_numbers() {
        let first = assign(
            &NumbersFile::default(),
            &[
                entry(Some(1), &[A]),
                entry(Some(1), &[B]),
                entry(Some(1), &[C]),
            ],
        );
        // B is gone, D is new and read first: A and C keep theirs, D never takes 1.2.
        let second = assign(
            &first.file,
            &[
                entry(Some(1), &[D]),
                entry(Some(1), &[C]),
                entry(Some(1), &[A]),
            ],
        );
        assert_eq!(second.numbers, ["1.4", "1.3", "1.1"]);
        assert_eq!(second.file.last["1"], 4);
    }

    #[test]
    fn a_merge_keeps_one_number_and_a_split_gives_one_part_a_fresh_one() {
        let first = assign(
            &NumbersFile::default(),
            &[entry(Some(1), &[A, B]), entry(Some(1), &[C])],
        );
        let merged = assign(&first.file, &[entry(Some(1), &[A, B, C])]);
        assert_eq!(merged.numbers, ["1.1"]);
        let split = assign(
            &first.file,
            &[
                entry(Some(1), &[A]),
                entry(Some(1), &[B]),
                entry(Some(1), &[C]),
            ],
        );
        assert_eq!(split.numbers, ["1.1", "1.3", "1.2"]);
    }

    #[test]
    fn a_light_edit_keeps_the_number() {
        let first = assign(&NumbersFile::default(), &[entry(Some(2), &[A])]);
        // Seven of eight slots agree.
        let edited = assign(
            &first.file,
            &[entry(Some(2), &["a:issue:00000000000000ff"])],
        );
        assert_eq!(edited.numbers, ["2.1"]);
    }

    #[test]
    fn an_entry_moved_to_another_point_takes_a_number_there() {
        let first = assign(&NumbersFile::default(), &[entry(Some(2), &[A])]);
        let moved = assign(&first.file, &[entry(Some(3), &[A])]);
        assert_eq!(moved.numbers, ["3.1"]);
        assert_eq!(moved.file.last["2"], 1, "2.1 is not given again");
    }

    #[test]
    fn the_file_reads_back_as_written() {
        let first = assign(
            &NumbersFile::default(),
            &[entry(Some(1), &[B, A]), entry(None, &[C])],
        );
        let text = first.file.to_text();
        let back: NumbersFile = toml::from_str(&text).unwrap();
        assert_eq!(back, first.file);
        assert_eq!(
            assign(&back, &[entry(Some(1), &[B, A]), entry(None, &[C])]),
            first
        );
    }
}
