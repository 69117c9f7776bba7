//! The editor's desk: `consolidate review` as one question at a time in the terminal.
//!
//! The printed review leaves the editors to copy lines into `editorial.toml` by hand, which is
//! slow and easy to get wrong (a missing comma, a list pasted into the wrong array). The desk
//! walks the same items, merged entries first and then the suggestions, most likely first, and
//! asks of each "are these the same concern?". One key writes the decision: `m` merge, `k` keep
//! apart, `1`-`9` use that original's wording. Each decision is saved at once and atomically,
//! appended on a line of its own with the file's comments and formatting kept, so that the file
//! stays the editors' own and a crash loses nothing. Decisions already taken are not asked
//! again, `u` takes back the last one, and the desk reopens where the editor left it.
//!
//! [`Desk`] is the state machine, independent of the terminal (the tests drive it with
//! [`ratatui::backend::TestBackend`]); [`run`] puts it on the terminal.

use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Stylize;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::{DefaultTerminal, Frame};
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

use consolidate::consolidate::review::{
    MergedEntry, Review, ReviewSource, ReviewSuggestion, plural,
};
use consolidate::model::entry::EntryKind;

/// The question the desk asks of every item.
const QUESTION: &str = "Are these the same concern?";

/// The array of `editorial.toml` that merges entries.
const MERGE: &str = "merge";

/// The array of `editorial.toml` that keeps entries apart.
const KEEP_APART: &str = "keep_apart";

/// The array of `editorial.toml` that chooses wordings.
const WORDING: &str = "wording";

/// The indentation of a new element in an array that has none to copy.
const DEFAULT_INDENT: &str = "  ";

/// One question the desk asks the editors.
#[derive(Debug, Clone)]
pub enum DeskItem {
    /// A consolidated entry that merged several originals: were they right to be merged?
    Merged(MergedEntry),
    /// Two consolidated entries alike but not merged: should they be?
    Suggestion(Box<ReviewSuggestion>),
}

impl DeskItem {
    /// The items of a review in the order the desk asks them: merged entries as listed, then
    /// the suggestions as listed (most likely first).
    pub fn all(review: &Review) -> Vec<DeskItem> {
        let merged = review.merged.iter().cloned().map(DeskItem::Merged);
        let suggested = review
            .suggestions
            .iter()
            .map(|s| DeskItem::Suggestion(Box::new(s.clone())));
        merged.chain(suggested).collect()
    }

    /// What the state file records to find the item again: the first original's reference,
    /// and for a suggestion also the second closest one, since one entry may be in several.
    #[must_use]
    pub fn key(&self) -> String {
        match self {
            DeskItem::Merged(entry) => entry
                .sources
                .first()
                .map(|s| s.reference.clone())
                .unwrap_or_default(),
            DeskItem::Suggestion(suggestion) => format!(
                "{} {}",
                suggestion.closest[0].reference, suggestion.closest[1].reference
            ),
        }
    }

    /// Every reference the item is about: a merged entry's originals; for a suggestion, every
    /// original of both sides.
    #[must_use]
    pub fn references(&self) -> Vec<String> {
        match self {
            DeskItem::Merged(entry) => entry.sources.iter().map(|s| s.reference.clone()).collect(),
            DeskItem::Suggestion(suggestion) => suggestion
                .first
                .references
                .iter()
                .chain(&suggestion.second.references)
                .cloned()
                .collect(),
        }
    }

    /// Issue or strategy.
    fn kind(&self) -> EntryKind {
        match self {
            DeskItem::Merged(entry) => entry.kind,
            DeskItem::Suggestion(suggestion) => suggestion.kind,
        }
    }
}

/// A decision the desk writes to `editorial.toml`, with the references it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A `merge` list: these entries are one concern.
    Merge(Vec<String>),
    /// A `keep_apart` list: no two of these entries may be merged.
    KeepApart(Vec<String>),
    /// `keep_apart` lists that take one original out of a merged entry: it is kept apart from
    /// each of the others, which may stay together.
    TakeOut {
        /// The original taken out.
        entry: String,
        /// The other originals of the merged entry.
        from: Vec<String>,
    },
    /// A `wording` decision using one original's wording for its consolidated entry.
    Wording {
        /// The original whose wording the report prints.
        entry: String,
        /// Every original of the consolidated entry: their earlier wording decisions give way.
        replaces: Vec<String>,
    },
}

impl Decision {
    /// Merging the item: a merged entry's originals confirmed, or both sides of a suggestion.
    #[must_use]
    pub fn merge(item: &DeskItem) -> Decision {
        Decision::Merge(item.references())
    }

    /// Keeping the item apart: every original of a merged entry from each other, or the two
    /// closest originals of a suggestion.
    #[must_use]
    pub fn keep_apart(item: &DeskItem) -> Decision {
        match item {
            DeskItem::Merged(_) => Decision::KeepApart(item.references()),
            DeskItem::Suggestion(suggestion) => Decision::KeepApart(
                suggestion
                    .closest
                    .iter()
                    .map(|s| s.reference.clone())
                    .collect(),
            ),
        }
    }

    /// Taking a merged entry's `original`-th original (from 0) out of it; `None` for a
    /// suggestion or an original it does not have.
    #[must_use]
    pub fn take_out(item: &DeskItem, original: usize) -> Option<Decision> {
        let DeskItem::Merged(entry) = item else {
            return None;
        };
        let taken = entry.sources.get(original)?;
        Some(Decision::TakeOut {
            entry: taken.reference.clone(),
            from: entry
                .sources
                .iter()
                .filter(|s| s.reference != taken.reference)
                .map(|s| s.reference.clone())
                .collect(),
        })
    }

    /// The `keep_apart` lists a take-out writes: the original with each of the others.
    fn take_out_lists(entry: &str, from: &[String]) -> Vec<Vec<String>> {
        from.iter()
            .map(|other| vec![entry.to_owned(), other.clone()])
            .collect()
    }

    /// Printing the wording of a merged entry's `original`-th original, or of a suggestion's
    /// `original`-th closest original (from 0), and merging the originals; `None` for an
    /// original it does not have.
    #[must_use]
    pub fn wording(item: &DeskItem, original: usize) -> Option<Decision> {
        let source = match item {
            DeskItem::Merged(entry) => entry.sources.get(original)?,
            // A suggestion's two closest originals, numbered as the desk shows them: merging
            // the two with one of their wordings.
            DeskItem::Suggestion(suggestion) => suggestion.closest.get(original)?,
        };
        Some(Decision::Wording {
            entry: source.reference.clone(),
            replaces: item.references(),
        })
    }

    /// The decision in a few words, for the status line: "merge for 3 entries".
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Decision::Merge(references) => {
                format!(
                    "{MERGE} for {}",
                    plural(references.len(), "entry", "entries")
                )
            }
            Decision::KeepApart(references) => {
                format!(
                    "{KEEP_APART} for {}",
                    plural(references.len(), "entry", "entries")
                )
            }
            Decision::TakeOut { entry, from } => {
                format!(
                    "{KEEP_APART} of {entry} from {}",
                    plural(from.len(), "entry", "entries")
                )
            }
            Decision::Wording { entry, replaces } if replaces.len() > 1 => format!(
                "{WORDING} of {entry} and {MERGE} for {}",
                plural(replaces.len(), "entry", "entries")
            ),
            Decision::Wording { entry, .. } => format!("{WORDING} of {entry}"),
        }
    }
}

/// `editorial.toml` as the desk edits it: every comment, every line the editors wrote, kept.
#[derive(Debug, Clone)]
pub struct EditorialDocument {
    /// Where it was loaded from, and where the desk saves it.
    path: PathBuf,
    /// The file, with its formatting.
    document: DocumentMut,
    /// The decisions applied, so that undoing one restores the file exactly.
    applied: Vec<Applied>,
}

/// A decision applied, with the document before and after it.
#[derive(Debug, Clone)]
struct Applied {
    /// The decision.
    decision: Decision,
    /// The document before it.
    before: DocumentMut,
    /// The document's text after it, to tell whether anything changed since.
    after: String,
}

impl EditorialDocument {
    /// Loads `path`; a file that does not exist is an empty one.
    ///
    /// # Errors
    ///
    /// When the file cannot be read, is not TOML, or holds a decision array that is not one.
    pub fn load(path: &Path) -> io::Result<EditorialDocument> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == io::ErrorKind::NotFound => String::new(),
            Err(error) => return Err(with_context("read", path, &error)),
        };
        EditorialDocument::parse(path, &text)
    }

    /// The document of `text`, to be saved to `path`.
    ///
    /// # Errors
    ///
    /// When `text` is not TOML or holds a decision array that is not one.
    pub fn parse(path: &Path, text: &str) -> io::Result<EditorialDocument> {
        let invalid = |why: String| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("failed to read {} ({why})", path.display()),
            )
        };
        let document: DocumentMut = text
            .parse()
            .map_err(|error: toml_edit::TomlError| invalid(error.message().to_owned()))?;
        for key in [MERGE, KEEP_APART, WORDING] {
            let fits = match document.get(key) {
                None | Some(Item::Value(Value::Array(_))) => true,
                Some(Item::ArrayOfTables(_)) => key == WORDING,
                Some(_) => false,
            };
            if !fits {
                return Err(invalid(format!(
                    "`{key}` is not a list; write `{key} = [ ... ]`"
                )));
            }
        }
        Ok(EditorialDocument {
            path: path.to_owned(),
            document,
            applied: Vec::new(),
        })
    }

    /// Where the document is saved.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the editors have already decided the item: merge lists join all its
    /// references (for a suggestion: both closest ones), lists that share an entry acting as
    /// one, as the build reads them; or a `keep_apart` list holds two of them (both closest
    /// ones). A wording decision alone settles nothing; the desk writes a merge with it.
    #[must_use]
    pub fn is_settled(&self, item: &DeskItem) -> bool {
        let merges = self.lists(MERGE);
        let aparts = self.lists(KEEP_APART);
        let mut groups = Groups::default();
        for list in &merges {
            groups.join_all(list);
        }
        let holds = |list: &Vec<&str>, reference: &String| list.contains(&reference.as_str());
        let joined = |references: &[&String]| {
            references
                .iter()
                .all(|r| merges.iter().any(|list| holds(list, r)) && groups.same(references[0], r))
        };
        match item {
            DeskItem::Merged(entry) => {
                let references: Vec<&String> = entry.sources.iter().map(|s| &s.reference).collect();
                joined(&references)
                    || aparts
                        .iter()
                        .any(|list| references.iter().filter(|r| holds(list, r)).count() >= 2)
            }
            DeskItem::Suggestion(suggestion) => {
                let [a, b] = &suggestion.closest;
                joined(&[&a.reference, &b.reference])
                    || aparts
                        .iter()
                        .any(|list| holds(list, &a.reference) && holds(list, &b.reference))
            }
        }
    }

    /// Why `decision` would contradict the decisions already in the file, if it would: a
    /// keep-apart of entries that merge lists already join (merge lists that share an entry
    /// act as one), or a merge that would join entries a keep-apart list separates. The build
    /// refuses such a file (E017), so the desk refuses to write it.
    #[must_use]
    pub fn contradiction(&self, decision: &Decision) -> Option<String> {
        let merges = self.lists(MERGE);
        let mut groups = Groups::default();
        for list in &merges {
            groups.join_all(list);
        }
        match decision {
            Decision::KeepApart(references) => {
                let joined = references
                    .iter()
                    .enumerate()
                    .any(|(i, a)| references[i + 1..].iter().any(|b| groups.same(a, b)));
                joined.then(|| {
                    "an earlier merge decision already joins these entries: press m to keep \
                     them merged, or s to leave them"
                        .to_owned()
                })
            }
            Decision::Merge(references) => {
                let refs: Vec<&str> = references.iter().map(String::as_str).collect();
                groups.join_all(&refs);
                let separated = self.lists(KEEP_APART).iter().any(|list| {
                    list.iter()
                        .enumerate()
                        .any(|(i, a)| list[i + 1..].iter().any(|b| groups.same(a, b)))
                });
                separated.then(|| {
                    "an earlier keep-apart decision separates some of these entries: press k \
                     to keep them apart, or s to leave them"
                        .to_owned()
                })
            }
            Decision::TakeOut { entry, from } => {
                from.iter().any(|other| groups.same(entry, other)).then(|| {
                    "an earlier merge decision joins this original to the others: press m to \
                     keep them merged, or s to leave them"
                        .to_owned()
                })
            }
            // A wording merges the entry's originals too: it may not join what is kept apart.
            Decision::Wording { replaces, .. } if replaces.len() > 1 => {
                self.contradiction(&Decision::Merge(replaces.clone()))
            }
            Decision::Wording { .. } => None,
        }
    }

    /// How many decisions the file holds: lists to merge and to keep apart, and wordings.
    #[must_use]
    pub fn decision_count(&self) -> usize {
        self.lists(MERGE).len() + self.lists(KEEP_APART).len() + self.worded_entries().len()
    }

    /// The originals whose wording a `wording` decision chooses.
    fn worded_entries(&self) -> Vec<&str> {
        match self.document.get(WORDING) {
            Some(Item::Value(Value::Array(array))) => {
                array.iter().filter_map(wording_entry).collect()
            }
            Some(Item::ArrayOfTables(tables)) => tables
                .iter()
                .filter_map(|table| table.get("entry")?.as_str())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The lists of references in the array `key` (`merge` or `keep_apart`).
    fn lists(&self, key: &str) -> Vec<Vec<&str>> {
        let Some(Item::Value(Value::Array(array))) = self.document.get(key) else {
            return Vec::new();
        };
        array
            .iter()
            .filter_map(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).collect())
            .collect()
    }

    /// Writes the decision into the document (not yet to disk): a new element on its own line
    /// at the end of its array, created if need be; a wording decision takes the place of an
    /// earlier one for the same consolidated entry.
    ///
    /// # Errors
    ///
    /// When the array the decision goes to is not a list; the document is then unchanged.
    pub fn apply(&mut self, decision: &Decision) -> io::Result<()> {
        let before = self.document.clone();
        let result = match decision {
            Decision::Merge(references) => {
                append(&mut self.document, MERGE, Value::Array(strings(references)))
            }
            Decision::KeepApart(references) => append(
                &mut self.document,
                KEEP_APART,
                Value::Array(strings(references)),
            ),
            Decision::TakeOut { entry, from } => Decision::take_out_lists(entry, from)
                .iter()
                .try_for_each(|list| {
                    append(&mut self.document, KEEP_APART, Value::Array(strings(list)))
                }),
            // Choosing how a merged entry reads accepts it: its originals are merged too, so
            // that the entry stays whole when settings change.
            Decision::Wording { entry, replaces } => {
                set_wording(&mut self.document, entry, replaces).and_then(|()| {
                    if replaces.len() > 1 {
                        append(&mut self.document, MERGE, Value::Array(strings(replaces)))
                    } else {
                        Ok(())
                    }
                })
            }
        };
        if let Err(why) = result {
            self.document = before;
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("failed to edit {} ({why})", self.path.display()),
            ));
        }
        self.applied.push(Applied {
            decision: decision.clone(),
            before,
            after: self.document.to_string(),
        });
        Ok(())
    }

    /// Takes a decision back: the document as it was before [`EditorialDocument::apply`] if
    /// nothing changed since, else the last element equal to the one it added is removed.
    /// Returns whether anything was removed.
    pub fn undo(&mut self, decision: &Decision) -> bool {
        if let Some(at) = self.applied.iter().rposition(|a| a.decision == *decision) {
            let applied = self.applied.remove(at);
            if self.document.to_string() == applied.after {
                self.document = applied.before;
                return true;
            }
        }
        match decision {
            Decision::Merge(references) => remove_list(&mut self.document, MERGE, references),
            Decision::KeepApart(references) => {
                remove_list(&mut self.document, KEEP_APART, references)
            }
            Decision::TakeOut { entry, from } => {
                // Every list goes, whether or not an earlier one was found.
                let mut removed = false;
                for list in Decision::take_out_lists(entry, from) {
                    removed |= remove_list(&mut self.document, KEEP_APART, &list);
                }
                removed
            }
            Decision::Wording { entry, replaces } => {
                let merged = replaces.len() > 1 && remove_list(&mut self.document, MERGE, replaces);
                remove_wording(&mut self.document, entry) || merged
            }
        }
    }

    /// Saves the document to `path` atomically: a crash leaves the old file or the new one.
    ///
    /// # Errors
    ///
    /// When the file cannot be written, with the path and the reason.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        write_atomically(path, self.document.to_string().as_bytes())
    }
}

impl fmt::Display for EditorialDocument {
    /// The file's text, as [`EditorialDocument::save`] writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.document)
    }
}

/// An array of strings as `editorial.toml` writes a list: `["a", "b"]`.
/// References joined by merge lists, as `editorial.toml` reads them: lists that share an entry
/// act as one.
#[derive(Default)]
struct Groups<'a> {
    parent: std::collections::HashMap<&'a str, &'a str>,
}

impl<'a> Groups<'a> {
    fn root(&self, mut reference: &'a str) -> &'a str {
        while let Some(&up) = self.parent.get(reference) {
            if up == reference {
                break;
            }
            reference = up;
        }
        reference
    }

    fn join_all(&mut self, references: &[&'a str]) {
        let Some((&first, rest)) = references.split_first() else {
            return;
        };
        let root = self.root(first);
        for &other in rest {
            let other_root = self.root(other);
            if other_root != root {
                self.parent.insert(other_root, root);
            }
        }
    }

    fn same(&self, a: &'a str, b: &'a str) -> bool {
        self.root(a) == self.root(b)
    }
}

fn strings(references: &[String]) -> Array {
    references.iter().map(String::as_str).collect()
}

/// Appends `value` to the array `key` on a line of its own, creating the array at the end of
/// the document if it is missing.
fn append(document: &mut DocumentMut, key: &str, value: Value) -> Result<(), String> {
    match document.get_mut(key) {
        None => {
            let mut array = Array::new();
            push_on_own_line(&mut array, value);
            // A comment at the end of the file stays above the new array, not below it.
            let trailing = document.trailing().as_str().unwrap_or_default().to_owned();
            document.set_trailing("");
            document.insert(key, Item::Value(Value::Array(array)));
            if let Some(mut written) = document.key_mut(key) {
                written.leaf_decor_mut().set_prefix(trailing);
            }
            Ok(())
        }
        Some(Item::Value(Value::Array(array))) => {
            push_on_own_line(array, value);
            Ok(())
        }
        Some(_) => Err(format!("`{key}` is not a list")),
    }
}

/// Pushes `value` at the end of `array`, on its own line, indented like the element before it
/// and followed by a comma; a comment after the last element stays with it.
fn push_on_own_line(array: &mut Array, mut value: Value) {
    let indent = array
        .iter()
        .last()
        .and_then(|v| v.decor().prefix())
        .and_then(|p| p.as_str())
        .and_then(|p| p.rsplit_once('\n'))
        .map(|(_, indent)| indent)
        .filter(|indent| indent.chars().all(|c| c == ' ' || c == '\t'))
        .unwrap_or(DEFAULT_INDENT)
        .to_owned();
    // Without a trailing comma, what precedes `]` is the last element's suffix: move it
    // behind the comma that now follows that element.
    if !array.trailing_comma()
        && let Some(last) = array.iter_mut().last()
    {
        let suffix = last
            .decor()
            .suffix()
            .and_then(|s| s.as_str())
            .unwrap_or_default()
            .to_owned();
        last.decor_mut().set_suffix("");
        let trailing = array.trailing().as_str().unwrap_or_default().to_owned();
        array.set_trailing(format!("{suffix}{trailing}"));
    }
    let trailing = array.trailing().as_str().unwrap_or_default().to_owned();
    let (head, closing) = match trailing.rfind('\n') {
        Some(at) => (&trailing[..=at], &trailing[at + 1..]),
        None => ("\n", ""),
    };
    value.decor_mut().set_prefix(format!("{head}{indent}"));
    value.decor_mut().set_suffix("");
    array.push_formatted(value);
    array.set_trailing(format!("\n{closing}"));
    array.set_trailing_comma(true);
}

/// Records that the report prints `entry`'s wording: in place of the first earlier wording
/// decision naming one of `replaces`, whose other ones go, or else at the end.
fn set_wording(document: &mut DocumentMut, entry: &str, replaces: &[String]) -> Result<(), String> {
    let names =
        |reference: Option<&str>| reference.is_some_and(|r| replaces.iter().any(|x| x == r));
    match document.get_mut(WORDING) {
        Some(Item::Value(Value::Array(array))) => {
            let earlier: Vec<usize> = (0..array.len())
                .filter(|&i| names(array.get(i).and_then(wording_entry)))
                .collect();
            let mut new = InlineTable::new();
            new.insert("entry", entry.into());
            match earlier.split_first() {
                Some((&first, rest)) => {
                    for &i in rest.iter().rev() {
                        array.remove(i);
                    }
                    array.replace(first, new);
                }
                None => push_on_own_line(array, Value::InlineTable(new)),
            }
            Ok(())
        }
        Some(Item::ArrayOfTables(tables)) => {
            let earlier: Vec<usize> = (0..tables.len())
                .filter(|&i| {
                    names(
                        tables
                            .get(i)
                            .and_then(|t| t.get("entry"))
                            .and_then(Item::as_str),
                    )
                })
                .collect();
            if let Some((&first, rest)) = earlier.split_first() {
                for &i in rest.iter().rev() {
                    tables.remove(i);
                }
                if let Some(table) = tables.get_mut(first) {
                    table.remove("text");
                    table.insert("entry", toml_edit::value(entry));
                }
            } else {
                let mut table = Table::new();
                table.insert("entry", toml_edit::value(entry));
                tables.push(table);
            }
            Ok(())
        }
        None => {
            let mut new = InlineTable::new();
            new.insert("entry", entry.into());
            append(document, WORDING, Value::InlineTable(new))
        }
        Some(_) => Err(format!("`{WORDING}` is not a list")),
    }
}

/// The `entry` of a wording decision written inline, `{ entry = "..." }`.
fn wording_entry(value: &Value) -> Option<&str> {
    value.as_inline_table()?.get("entry")?.as_str()
}

/// Removes the last list of `key` that is exactly `references`; whether there was one.
fn remove_list(document: &mut DocumentMut, key: &str, references: &[String]) -> bool {
    let Some(Item::Value(Value::Array(array))) = document.get_mut(key) else {
        return false;
    };
    let found = (0..array.len()).rev().find(|&i| {
        array.get(i).and_then(Value::as_array).is_some_and(|list| {
            list.iter()
                .map(Value::as_str)
                .eq(references.iter().map(|r| Some(r.as_str())))
        })
    });
    found.map(|at| array.remove(at)).is_some()
}

/// Removes the last wording decision that uses `entry`'s own wording; whether there was one.
fn remove_wording(document: &mut DocumentMut, entry: &str) -> bool {
    match document.get_mut(WORDING) {
        Some(Item::Value(Value::Array(array))) => {
            let found = (0..array.len()).rev().find(|&i| {
                array.get(i).is_some_and(|v| {
                    wording_entry(v) == Some(entry)
                        && v.as_inline_table().is_some_and(|t| !t.contains_key("text"))
                })
            });
            found.map(|at| array.remove(at)).is_some()
        }
        Some(Item::ArrayOfTables(tables)) => {
            let found = (0..tables.len()).rev().find(|&i| {
                tables.get(i).is_some_and(|t| {
                    t.get("entry").and_then(Item::as_str) == Some(entry) && !t.contains_key("text")
                })
            });
            found.map(|at| tables.remove(at)).is_some()
        }
        _ => false,
    }
}

/// Writes `contents` to `path` as the build writes its outputs: a temporary file flushed to
/// disk and renamed over `path`, so that a crash leaves the old file or the new one.
fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    consolidate::pipeline::write::write_atomically(&[(path, contents)])
        .map_err(|error| io::Error::other(error.to_string()))
}

/// An I/O error as the CLI reports it: "failed to write editorial.toml (permission denied)".
fn with_context(doing: &str, path: &Path, error: &io::Error) -> io::Error {
    let why = if error.raw_os_error().is_some() {
        error.kind().to_string()
    } else {
        error.to_string()
    };
    io::Error::new(
        error.kind(),
        format!("failed to {doing} {} ({why})", path.display()),
    )
}

/// The position a state file records, if there is one.
#[must_use]
pub fn read_position(state_path: &Path) -> Option<String> {
    let text = fs::read_to_string(state_path).ok()?;
    let key = text.trim();
    (!key.is_empty()).then(|| key.to_owned())
}

/// A key the desk understands, independent of the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A character key.
    Char(char),
    /// ←.
    Left,
    /// →.
    Right,
    /// ↑.
    Up,
    /// ↓.
    Down,
    /// Esc.
    Esc,
    /// Ctrl-C, which a terminal in raw mode passes on as a key.
    Interrupt,
    /// Any other key.
    Other,
}

impl From<KeyEvent> for Key {
    /// The desk's key for a crossterm key event.
    fn from(event: KeyEvent) -> Key {
        match event.code {
            KeyCode::Char('c') if event.modifiers.contains(KeyModifiers::CONTROL) => Key::Interrupt,
            KeyCode::Char(c) => Key::Char(c),
            KeyCode::Left => Key::Left,
            KeyCode::Right => Key::Right,
            KeyCode::Up => Key::Up,
            KeyCode::Down => Key::Down,
            KeyCode::Esc => Key::Esc,
            _ => Key::Other,
        }
    }
}

/// What the caller does after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Draw and wait for the next key.
    Continue,
    /// Leave the desk.
    Quit,
}

/// What a session at the desk did, for the CLI to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Decisions written to `editorial.toml`.
    pub decisions: usize,
    /// Decisions taken back with `u`.
    pub undone: usize,
    /// Keys pressed.
    pub keystrokes: usize,
}

/// Builds the desk's items again from the project and `editorial.toml` as they now are;
/// `None` when that fails (the desk then keeps the items it has).
pub struct Reload(Box<dyn FnMut() -> Option<Vec<DeskItem>>>);

impl Reload {
    /// A reload that calls `build`.
    pub fn new(build: impl FnMut() -> Option<Vec<DeskItem>> + 'static) -> Reload {
        Reload(Box::new(build))
    }
}

impl fmt::Debug for Reload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Reload")
    }
}

/// The desk: the items, where the editor is, and the file the decisions go to.
#[derive(Debug)]
pub struct Desk {
    /// Every item of the review, in order.
    items: Vec<DeskItem>,
    /// `editorial.toml`.
    document: EditorialDocument,
    /// Where the position is remembered, if anywhere.
    state_path: Option<PathBuf>,
    /// Whether each item is decided in the file.
    settled: Vec<bool>,
    /// The item shown; `None` when nothing is left.
    current: Option<usize>,
    /// This session's decisions, for undo: the item's key and what was written.
    history: Vec<(String, Decision)>,
    /// The items skipped in this session, by key: asked again only when nothing else is left.
    skipped: HashSet<String>,
    /// Whether `x` was pressed and the number of the original to take out is awaited.
    taking_out: bool,
    /// Builds the items again from the project and the file as it now is, if the desk can:
    /// after each decision, so that an item never shows a group the editors have since split
    /// or joined.
    reload: Option<Reload>,
    /// What was last done, for the status line.
    status: String,
    /// How far the item is scrolled down, in lines.
    scroll: u16,
    /// The furthest the last drawn item could scroll, so that ↑ answers at once after ↓.
    max_scroll: Cell<u16>,
    /// What the session did.
    summary: Summary,
}

impl Desk {
    /// A desk over `items`, deciding into `document`, open at the item whose
    /// [`DeskItem::key`] is `start_at` if it is still unsettled, else at the first unsettled
    /// item after it, else at the first unsettled item.
    #[must_use]
    pub fn new(
        items: Vec<DeskItem>,
        document: EditorialDocument,
        start_at: Option<String>,
    ) -> Desk {
        let mut desk = Desk {
            settled: vec![false; items.len()],
            items,
            document,
            state_path: None,
            current: None,
            history: Vec::new(),
            reload: None,
            taking_out: false,
            skipped: HashSet::new(),
            status: String::new(),
            scroll: 0,
            max_scroll: Cell::new(0),
            summary: Summary::default(),
        };
        desk.refresh();
        let saved = start_at.and_then(|key| desk.items.iter().position(|i| i.key() == key));
        desk.current = match saved {
            Some(at) if !desk.settled[at] => {
                desk.say("back where you left off");
                Some(at)
            }
            Some(at) => desk
                .next_unsettled(at, false)
                .or_else(|| desk.next_unsettled(0, true)),
            None => desk.next_unsettled(0, true),
        };
        // Items left before the place resumed at were skipped in an earlier session: they
        // come again once the rest is done, as they would have then.
        if let Some(at) = desk.current {
            for i in 0..at {
                if !desk.settled[i] {
                    desk.skipped.insert(desk.items[i].key());
                }
            }
        }
        if desk.current.is_none() {
            desk.status = format!("every item has a decision in {}", desk.file_name());
        }
        desk
    }

    /// Remembers the position in `state_path` from now on (the parent directory is created);
    /// writes it at once.
    #[must_use]
    pub fn with_state_file(mut self, state_path: &Path) -> Desk {
        self.state_path = Some(state_path.to_owned());
        self.remember_position();
        self
    }

    /// Builds the items again after every decision and undo, with `reload`.
    #[must_use]
    pub fn with_reload(mut self, reload: Reload) -> Desk {
        self.reload = Some(reload);
        self
    }

    /// The item shown, if any is left.
    pub fn current(&self) -> Option<&DeskItem> {
        self.current.and_then(|at| self.items.get(at))
    }

    /// What the session did so far.
    pub fn summary(&self) -> Summary {
        self.summary
    }

    /// Acts on one key: a decision is written to the file at once.
    pub fn handle_key(&mut self, key: Key) -> Outcome {
        self.summary.keystrokes += 1;
        if std::mem::take(&mut self.taking_out) {
            match key {
                Key::Char(digit @ '1'..='9') => {
                    let original = digit.to_digit(10).map_or(0, |d| d as usize - 1);
                    self.decide(|item| Decision::take_out(item, original));
                }
                _ => self.say("nothing taken out: x wants the number of an original"),
            }
            return Outcome::Continue;
        }
        match key {
            Key::Char('q') | Key::Esc | Key::Interrupt => return Outcome::Quit,
            Key::Char('m') => self.decide(|item| Some(Decision::merge(item))),
            Key::Char('k') => self.decide(|item| Some(Decision::keep_apart(item))),
            Key::Char(digit @ '1'..='9') => {
                let original = digit.to_digit(10).map_or(0, |d| d as usize - 1);
                self.decide(|item| Decision::wording(item, original));
            }
            Key::Char('x') => match self.current() {
                Some(DeskItem::Merged(_)) => {
                    self.taking_out = true;
                    self.say("take out which original? press its number");
                }
                _ => self.say("only an original of a merged entry can be taken out"),
            },
            Key::Char('s') | Key::Right => {
                if let Some(item) = self.current() {
                    self.skipped.insert(item.key());
                }
                self.step(true);
            }
            Key::Left => self.step(false),
            Key::Char('u') => self.undo(),
            Key::Up => self.scroll = self.scroll.saturating_sub(1).min(self.max_scroll.get()),
            Key::Down => self.scroll = (self.scroll + 1).min(self.max_scroll.get()),
            Key::Char(_) | Key::Other => {
                self.say("keys: m, k, x, 1-9, s, ←, →, u, q");
            }
        }
        Outcome::Continue
    }

    /// Writes the decision `choose` makes of the current item, saves, and moves on.
    fn decide(&mut self, choose: impl FnOnce(&DeskItem) -> Option<Decision>) {
        let Some(at) = self.current else {
            self.say("nothing left to decide; u takes back the last decision");
            return;
        };
        let Some(decision) = choose(&self.items[at]) else {
            self.status = match &self.items[at] {
                DeskItem::Merged(entry) => {
                    format!("this entry has {} originals", entry.sources.len())
                }
                DeskItem::Suggestion(_) => {
                    "a suggestion has two closest originals: press 1 or 2".to_owned()
                }
            };
            return;
        };
        if let Some(conflict) = self.document.contradiction(&decision) {
            self.status = conflict;
            return;
        }
        let before = self.document.clone();
        let saved = self
            .document
            .apply(&decision)
            .and_then(|()| self.document.save(self.document.path()));
        if let Err(error) = saved {
            self.document = before;
            self.status = error.to_string();
            return;
        }
        self.status = format!("wrote {} to {}", decision.describe(), self.file_name());
        // After a take-out, the others are asked about again, as the entry they now make.
        let rest = match &decision {
            Decision::TakeOut { from, .. } => Some(from.clone()),
            _ => None,
        };
        self.history.push((self.items[at].key(), decision));
        self.summary.decisions += 1;
        // Where to go on: the first item left, in the list as it now is, that the editors have
        // not skipped in this session. Following the place of the item just decided lost
        // items: the list is built again, and an entry that lost an original moves in it.
        self.reload_items();
        let rest_again = rest.and_then(|rest| {
            (0..self.items.len()).find(|&i| {
                !self.settled[i]
                    && matches!(&self.items[i], DeskItem::Merged(entry)
                        if entry.sources.iter().all(|s| rest.contains(&s.reference)))
            })
        });
        self.current = rest_again
            .or_else(|| {
                (0..self.items.len())
                    .find(|&i| !self.settled[i] && !self.skipped.contains(&self.items[i].key()))
            })
            .or_else(|| self.next_unsettled(0, true));
        if self.current.is_none() {
            self.status.push_str(" · nothing left to decide");
        }
        self.moved();
    }

    /// Takes back this session's last decision, saves, and reopens its item.
    fn undo(&mut self) {
        let Some((key, decision)) = self.history.pop() else {
            self.say("nothing to undo in this session");
            return;
        };
        let before = self.document.clone();
        let removed = self.document.undo(&decision);
        if let Err(error) = self.document.save(self.document.path()) {
            self.document = before;
            self.history.push((key, decision));
            self.status = error.to_string();
            return;
        }
        self.status = if removed {
            format!(
                "removed the {} from {}",
                decision.describe(),
                self.file_name()
            )
        } else {
            format!(
                "the {} was no longer in {}",
                decision.describe(),
                self.file_name()
            )
        };
        self.summary.undone += 1;
        self.reload_items();
        self.current = self.position(&key).or_else(|| self.next_unsettled(0, true));
        self.moved();
    }

    /// Builds the items again, if the desk can, and recomputes which are settled. Merging or splitting entries changes what the review
    /// holds: without this, a later item would still show a group the editors had split.
    fn reload_items(&mut self) {
        if let Some(items) = self.reload.as_mut().and_then(|reload| (reload.0)()) {
            self.settled = vec![false; items.len()];
            self.items = items;
        }
        self.refresh();
    }

    /// Where the item with `key` is in the list, if it is there.
    fn position(&self, key: &str) -> Option<usize> {
        self.items.iter().position(|item| item.key() == key)
    }

    /// Moves to the next (or previous) unsettled item, round the end.
    fn step(&mut self, forward: bool) {
        let Some(at) = self.current else {
            self.say("nothing left to decide");
            return;
        };
        let next = if forward {
            self.next_unsettled(at, false)
                .or_else(|| self.next_unsettled(0, true))
        } else {
            self.previous_unsettled(at)
        };
        match next {
            Some(next) if next == at => self.say("this is the only item left"),
            Some(next) => {
                self.status = if forward == (next > at) {
                    String::new()
                } else if forward {
                    "round again from the first item left".to_owned()
                } else {
                    "round again from the last item left".to_owned()
                };
                self.current = Some(next);
                self.moved();
            }
            None => {}
        }
    }

    /// The first unsettled item after `at` (or at it, when `inclusive`).
    fn next_unsettled(&self, at: usize, inclusive: bool) -> Option<usize> {
        let from = if inclusive { at } else { at + 1 };
        (from..self.items.len()).find(|&i| !self.settled[i])
    }

    /// The last unsettled item before `at`, else the last one of all.
    fn previous_unsettled(&self, at: usize) -> Option<usize> {
        (0..at)
            .rev()
            .find(|&i| !self.settled[i])
            .or_else(|| (0..self.items.len()).rev().find(|&i| !self.settled[i]))
    }

    /// Recomputes which items are settled after the document changed.
    fn refresh(&mut self) {
        for (i, item) in self.items.iter().enumerate() {
            self.settled[i] = self.document.is_settled(item);
        }
    }

    /// After a move: back to the top of the item, and the position remembered.
    fn moved(&mut self) {
        self.scroll = 0;
        self.remember_position();
    }

    /// Writes the current item's key to the state file, if there is one.
    fn remember_position(&mut self) {
        let (Some(path), Some(item)) = (&self.state_path, self.current()) else {
            return;
        };
        let written = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .map_or(Ok(()), fs::create_dir_all)
            .map_err(|error| with_context("create the directory of", path, &error))
            .and_then(|()| write_atomically(path, format!("{}\n", item.key()).as_bytes()));
        if let Err(error) = written {
            if !self.status.is_empty() {
                self.status.push_str(" · ");
            }
            self.status.push_str(&error.to_string());
        }
    }

    /// Puts `message` on the status line.
    fn say(&mut self, message: &str) {
        message.clone_into(&mut self.status);
    }

    /// The name of `editorial.toml`, as status lines say it.
    fn file_name(&self) -> String {
        self.document.path().file_name().map_or_else(
            || self.document.path().display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        )
    }

    /// Draws the desk: counts, the item, the status line and the keys.
    pub fn draw(&self, frame: &mut Frame) {
        let mut keys = match self.current() {
            Some(DeskItem::Merged(_)) => {
                "m merge · k keep apart · x then 1-9 take one out · 1-9 wording · s/→ skip · ← back · u undo · q quit"
            }
            Some(DeskItem::Suggestion(_)) => {
                "m merge · 1-2 merge with that wording · k keep apart · s/→ skip · ← back · u undo · q quit"
            }
            None => "u undo · q quit",
        }
        .to_owned();
        let help_height = |keys: &str| {
            let rows = wrap(keys, usize::from(frame.area().width.max(20))).len();
            u16::try_from(rows).unwrap_or(u16::MAX)
        };
        let [header, _, body, status, help] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(help_height(&format!("{keys} · ↑↓ scroll"))),
        ])
        .areas(frame.area());

        let left = self.settled.iter().filter(|s| !**s).count();
        // The list is built again after each decision, so its length and an item's place in
        // it change as the editors go (keeping a suggestion apart may bring that entry's next
        // nearest): what is left now, and how many decisions the file holds, are what stay
        // meaningful.
        let counts = format!(
            "{left} left · {} in {}",
            plural(self.document.decision_count(), "decision", "decisions"),
            self.file_name()
        );
        frame.render_widget(
            Line::from(vec![
                Span::from("Editor's desk").bold(),
                Span::from(format!(" · {counts}")),
            ]),
            header,
        );

        let width = usize::from(body.width.max(20));
        let lines = match self.current() {
            Some(item) => item_lines(item, width),
            None => vec![
                Line::from("Nothing left to decide.").bold(),
                Line::from(""),
                Line::from(
                    "Every item has a decision. Rebuild, or run `consolidate review` again, to see them at work.",
                ),
            ],
        };
        // The lines as the paragraph wraps them: a heading may be wider than a narrow screen.
        let rows: usize = lines
            .iter()
            .map(|line| {
                let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
                wrap(&text, width).len()
            })
            .sum();
        let overflow = u16::try_from(rows)
            .unwrap_or(u16::MAX)
            .saturating_sub(body.height);
        self.max_scroll.set(overflow);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll.min(overflow), 0)),
            body,
        );

        frame.render_widget(Line::from(self.status.as_str()).yellow(), status);

        if overflow > 0 {
            keys.push_str(" · ↑↓ scroll");
        }
        frame.render_widget(
            Paragraph::new(Line::from(keys).dim()).wrap(Wrap { trim: true }),
            help,
        );
    }
}

/// The lines that show an item, wrapped to `width`.
fn item_lines(item: &DeskItem, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let kind = match item.kind() {
        EntryKind::Issue => "Issue",
        EntryKind::Strategy => "Strategy",
    };
    match item {
        DeskItem::Merged(entry) => {
            let how = if entry.merged_by_editors {
                format!(
                    "merged by the editors, lowest similarity {:.2}",
                    entry.cohesion
                )
            } else {
                format!(
                    "merged automatically, lowest similarity {:.2}",
                    entry.cohesion
                )
            };
            lines.push(Line::from(vec![
                Span::from(kind).bold(),
                Span::from(format!(" · {how}")),
            ]));
            lines.push(Line::from(QUESTION).cyan().bold());
            lines.push(Line::from(""));
            lines.push(Line::from(format!(
                "The report prints ({}):",
                entry.wording.describe()
            )));
            lines.extend(
                indented(&entry.text, 4, width)
                    .into_iter()
                    .map(Stylize::italic),
            );
            lines.push(Line::from(""));
            for (i, source) in entry.sources.iter().enumerate() {
                lines.push(source_heading(&format!("{:>2}. ", i + 1), source));
                lines.extend(indented(&source.text, 4, width));
            }
        }
        DeskItem::Suggestion(suggestion) => {
            lines.push(Line::from(vec![
                Span::from(kind).bold(),
                Span::from(format!(
                    " · suggestion, similarity {:.2}",
                    suggestion.similarity
                )),
            ]));
            lines.push(Line::from(QUESTION).cyan().bold());
            for (name, side) in [("First", &suggestion.first), ("Second", &suggestion.second)] {
                lines.push(Line::from(""));
                lines.push(Line::from(vec![
                    Span::from(format!("{name} entry")).bold(),
                    Span::from(format!(
                        " · {} · {}",
                        side.regions.join(", "),
                        plural(side.originals, "original", "originals")
                    )),
                ]));
                lines.extend(
                    indented(&side.text, 4, width)
                        .into_iter()
                        .map(Stylize::italic),
                );
            }
            lines.push(Line::from(""));
            lines.push(Line::from("The closest originals:"));
            for (number, source) in suggestion.closest.iter().enumerate() {
                lines.push(source_heading(&format!(" {}. ", number + 1), source));
                lines.extend(indented(&source.text, 4, width));
            }
        }
    }
    lines
}

/// An original's heading: its number (or bullet), region, `file:line` and agreement.
fn source_heading(marker: &str, source: &ReviewSource) -> Line<'static> {
    let mut spans = vec![
        Span::from(marker.to_owned()).bold(),
        Span::from(source.region.clone()).bold(),
        Span::from(format!(" · {}:{}", source.file, source.line)),
    ];
    if let Some(agreement) = source.agreement {
        spans.push(Span::from(format!(" · agreement {agreement:.2}")).dim());
    }
    Line::from(spans)
}

/// `text` wrapped to `width` with every line indented by `indent` spaces.
fn indented(text: &str, indent: usize, width: usize) -> Vec<Line<'static>> {
    let pad = " ".repeat(indent);
    wrap(text, width.saturating_sub(indent).max(10))
        .into_iter()
        .map(|line| Line::from(format!("{pad}{line}")))
        .collect()
}

/// `text` in lines of at most `width` characters, broken between words (inside a word only
/// when it is longer than a line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut length = 0;
    for word in text.split_whitespace() {
        let mut rest = word;
        loop {
            let n = rest.chars().count();
            let needed = if length == 0 { n } else { length + 1 + n };
            if needed <= width {
                if length > 0 {
                    line.push(' ');
                }
                line.push_str(rest);
                length = needed;
                break;
            }
            if length > 0 {
                lines.push(std::mem::take(&mut line));
                length = 0;
                continue;
            }
            let split = rest
                .char_indices()
                .nth(width)
                .map_or(rest.len(), |(i, _)| i);
            lines.push(rest[..split].to_owned());
            rest = &rest[split..];
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Runs the desk on the terminal until the editor quits: decisions go to `editorial_path`, the
/// position to `state_path`. The terminal is restored however the desk ends, on a panic too.
///
/// # Errors
///
/// When `editorial.toml` cannot be read, or the terminal fails. A decision that cannot be
/// saved is reported on the status line instead, so that the editor can try again.
pub fn run(
    review: &Review,
    editorial_path: &Path,
    state_path: &Path,
    reload: Reload,
) -> io::Result<Summary> {
    let document = EditorialDocument::load(editorial_path)?;
    let mut desk = Desk::new(DeskItem::all(review), document, read_position(state_path))
        .with_state_file(state_path)
        .with_reload(reload);
    // `try_init` installs a panic hook that restores the terminal before the panic is shown.
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(error) => {
            let _ = ratatui::try_restore();
            return Err(error);
        }
    };
    let ran = event_loop(&mut terminal, &mut desk);
    let restored = ratatui::try_restore();
    ran?;
    restored?;
    Ok(desk.summary())
}

/// Draws, waits for a key, acts on it, until the desk says to quit.
fn event_loop(terminal: &mut DefaultTerminal, desk: &mut Desk) -> io::Result<()> {
    loop {
        terminal.draw(|frame| desk.draw(frame))?;
        if let Event::Key(key) = event::read()?
            && key.kind == KeyEventKind::Press
            && desk.handle_key(Key::from(key)) == Outcome::Quit
        {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use consolidate::consolidate::Wording;
    use consolidate::consolidate::review::SuggestedEntry;

    const A1: &str = "us-canada:issue:5a1c93e0b2f4d1c7";
    const A2: &str = "europe:issue:5a1c93e0b2f4d1c8";
    const B1: &str = "asia-pacific:strategy:0b1de2f4a9c3e577";
    const B2: &str = "west-asia:strategy:7d01e4aa31c6b2f0";
    const B3: &str = "europe:strategy:1111e4aa31c6b2f0";
    const C1: &str = "europe:issue:aaaaaaaaaaaaaaaa";
    const C2: &str = "africa:issue:bbbbbbbbbbbbbbbb";
    const C3: &str = "africa:issue:cccccccccccccccc";
    const D1: &str = "asia-pacific:issue:dddddddddddddddd";
    const D2: &str = "west-asia:issue:eeeeeeeeeeeeeeee";

    /// A directory of its own for each test.
    fn scratch(name: &str) -> PathBuf {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "desk-test-{}-{}-{name}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn source(reference: &str, line: usize, text: &str) -> ReviewSource {
        let region = reference.split(':').next().unwrap().to_owned();
        ReviewSource {
            reference: reference.to_owned(),
            file: format!("regions/{region}.toml"),
            region,
            line,
            text: text.to_owned(),
            agreement: Some(0.61),
        }
    }

    fn merged(kind: EntryKind, references: &[&str]) -> MergedEntry {
        let sources: Vec<ReviewSource> = references
            .iter()
            .enumerate()
            .map(|(i, r)| source(r, 10 + i, &format!("Original wording number {}", i + 1)))
            .collect();
        MergedEntry {
            kind,
            text: "Criminalisation of migrants".to_owned(),
            wording: Wording::MostCentral,
            cohesion: 0.52,
            merged_by_editors: false,
            regions: sources.iter().map(|s| s.region.clone()).collect(),
            keep_apart: String::new(),
            sources,
        }
    }

    fn suggestion(first: &[&str], second: &[&str], similarity: f64) -> ReviewSuggestion {
        let side = |refs: &[&str]| SuggestedEntry {
            text: format!("Wording of {}", refs[0]),
            regions: refs
                .iter()
                .map(|r| r.split(':').next().unwrap().to_owned())
                .collect(),
            originals: refs.len(),
            references: refs.iter().map(|r| (*r).to_owned()).collect(),
        };
        let all: Vec<String> = first
            .iter()
            .chain(second)
            .map(|r| format!("\"{r}\""))
            .collect();
        ReviewSuggestion {
            similarity,
            kind: EntryKind::Issue,
            first: side(first),
            second: side(second),
            closest: [
                source(first[0], 3, "Closest one"),
                source(second[0], 4, "Closest two"),
            ],
            merge: format!("[{}],", all.join(", ")),
        }
    }

    /// Two merged entries, then two suggestions.
    fn review() -> Review {
        Review {
            entries: 10,
            regions: 6,
            consolidated: 6,
            threshold: 0.5,
            suggest_from: 0.3,
            merged: vec![
                merged(EntryKind::Issue, &[A1, A2]),
                merged(EntryKind::Strategy, &[B1, B2, B3]),
            ],
            suggestions: vec![
                suggestion(&[C1], &[C2, C3], 0.41),
                suggestion(&[D1], &[D2], 0.31),
            ],
        }
    }

    /// A reload that builds the items of `before` until `editorial.toml` in `dir` holds
    /// `marker`, and those of `after` from then on, as the project would once a decision
    /// changed what merges; and how many times it was called.
    fn reload_once_written(
        dir: &Path,
        marker: &'static str,
        before: Review,
        after: Review,
    ) -> (Reload, std::rc::Rc<std::cell::Cell<usize>>) {
        let file = dir.join("editorial.toml");
        let calls = std::rc::Rc::new(std::cell::Cell::new(0));
        let counted = std::rc::Rc::clone(&calls);
        let reload = Reload::new(move || {
            counted.set(counted.get() + 1);
            let written = fs::read_to_string(&file).unwrap_or_default();
            Some(DeskItem::all(if written.contains(marker) {
                &after
            } else {
                &before
            }))
        });
        (reload, calls)
    }

    fn desk_in(dir: &Path, start_at: Option<String>) -> Desk {
        let document = EditorialDocument::load(&dir.join("editorial.toml")).unwrap();
        Desk::new(DeskItem::all(&review()), document, start_at)
            .with_state_file(&dir.join("out/.review-desk"))
    }

    fn editorial(dir: &Path) -> String {
        fs::read_to_string(dir.join("editorial.toml")).unwrap_or_default()
    }

    fn keys(desk: &mut Desk, keys: &str) {
        for c in keys.chars() {
            desk.handle_key(Key::Char(c));
        }
    }

    fn screen(desk: &Desk, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|frame| desk.draw(frame)).unwrap();
        let buffer = terminal.backend().buffer();
        (0..height)
            .map(|y| {
                let row: String = (0..width).map(|x| buffer[(x, y)].symbol()).collect();
                row.trim_end().to_owned() + "\n"
            })
            .collect()
    }

    #[test]
    fn m_on_a_merged_entry_confirms_it() {
        let dir = scratch("m");
        let mut desk = desk_in(&dir, None);
        keys(&mut desk, "m");
        assert_eq!(
            editorial(&dir),
            format!("merge = [\n  [\"{A1}\", \"{A2}\"],\n]\n")
        );
        assert_eq!(desk.current().map(DeskItem::key).as_deref(), Some(B1));
        assert_eq!(desk.status, "wrote merge for 2 entries to editorial.toml");
    }

    #[test]
    fn m_on_a_suggestion_merges_both_sides() {
        let dir = scratch("m-suggestion");
        let mut desk = desk_in(&dir, Some(format!("{C1} {C2}")));
        keys(&mut desk, "m");
        assert_eq!(
            editorial(&dir),
            format!("merge = [\n  [\"{C1}\", \"{C2}\", \"{C3}\"],\n]\n")
        );
    }

    #[test]
    fn k_keeps_a_merged_entry_apart_and_a_suggestion_by_its_closest_pair() {
        let dir = scratch("k");
        let mut desk = desk_in(&dir, Some(B1.to_owned()));
        keys(&mut desk, "kk");
        assert_eq!(
            editorial(&dir),
            format!(
                "keep_apart = [\n  [\"{B1}\", \"{B2}\", \"{B3}\"],\n  [\"{C1}\", \"{C2}\"],\n]\n"
            )
        );
        assert_eq!(
            desk.status,
            "wrote keep_apart for 2 entries to editorial.toml"
        );
    }

    #[test]
    fn a_digit_chooses_that_wording_and_settles_the_entry() {
        let dir = scratch("wording");
        let theirs = format!("wording = [\n  {{ entry = \"{C1}\" }}, # theirs\n]\n");
        fs::write(dir.join("editorial.toml"), &theirs).unwrap();
        let mut desk = desk_in(&dir, None);
        keys(&mut desk, "1");
        assert_eq!(
            editorial(&dir),
            format!(
                "wording = [\n  {{ entry = \"{C1}\" }}, # theirs\n  {{ entry = \"{A1}\" }},\n]\nmerge = [\n  [\"{A1}\", \"{A2}\"],\n]\n"
            )
        );
        // The editor accepted the entry by choosing how it reads: the desk moves on, and a
        // second desk does not ask it again.
        assert_eq!(desk.current().map(DeskItem::key).as_deref(), Some(B1));
        assert_eq!(
            desk_in(&dir, None).current().map(DeskItem::key).as_deref(),
            Some(B1)
        );
        // An original the entry does not have: nothing is written.
        keys(&mut desk, "9");
        assert_eq!(desk.status, "this entry has 3 originals");
        keys(&mut desk, "s3");
        assert_eq!(
            desk.status,
            "a suggestion has two closest originals: press 1 or 2"
        );
        // On a suggestion, a number merges both sides with that closest original's wording.
        keys(&mut desk, "2");
        assert_eq!(
            desk.status,
            format!("wrote wording of {C2} and merge for 3 entries to editorial.toml")
        );
        assert!(editorial(&dir).contains(&format!("{{ entry = \"{C2}\" }}")));
        assert!(editorial(&dir).contains(&format!("[\"{C1}\", \"{C2}\", \"{C3}\"]")));
        // Undo takes the lines back and asks the item again.
        keys(&mut desk, "uu");
        assert_eq!(editorial(&dir), theirs);
        assert_eq!(desk.current().map(DeskItem::key).as_deref(), Some(A1));
        assert_eq!(desk.summary().decisions, 2);
        assert_eq!(desk.summary().undone, 2);
    }

    #[test]
    fn a_wording_takes_the_place_of_an_earlier_one_for_the_same_entry() {
        let items = DeskItem::all(&review());
        let mut document = EditorialDocument::parse(
            Path::new("editorial.toml"),
            &format!(
                "wording = [\n  {{ entry = \"{B3}\", text = \"Old\" }}, # theirs\n  {{ entry = \"{C1}\" }},\n]\n"
            ),
        )
        .unwrap();
        document
            .apply(&Decision::wording(&items[1], 1).unwrap())
            .unwrap();
        assert_eq!(
            document.to_string(),
            format!(
                "wording = [\n  {{ entry = \"{B2}\" }}, # theirs\n  {{ entry = \"{C1}\" }},\n]\nmerge = [\n  [\"{B1}\", \"{B2}\", \"{B3}\"],\n]\n"
            )
        );
    }

    #[test]
    fn s_skips_without_writing_and_remembers_the_position() {
        let dir = scratch("s");
        let mut desk = desk_in(&dir, None);
        assert_eq!(
            read_position(&dir.join("out/.review-desk")).as_deref(),
            Some(A1)
        );
        keys(&mut desk, "s");
        assert!(!dir.join("editorial.toml").exists());
        assert_eq!(
            read_position(&dir.join("out/.review-desk")).as_deref(),
            Some(B1)
        );
        desk.handle_key(Key::Right);
        desk.handle_key(Key::Right);
        assert_eq!(
            desk.current().map(DeskItem::key),
            Some(format!("{D1} {D2}"))
        );
        desk.handle_key(Key::Right);
        assert_eq!(desk.current().map(DeskItem::key).as_deref(), Some(A1));
        assert_eq!(desk.status, "round again from the first item left");
        desk.handle_key(Key::Left);
        assert_eq!(
            desk.current().map(DeskItem::key),
            Some(format!("{D1} {D2}"))
        );
    }

    #[test]
    fn u_removes_exactly_the_line_written() {
        let dir = scratch("u");
        let original = "# The editors' decisions.\nmerge = [\n  [\"x:issue:0000000000000000\", \"y:issue:0000000000000000\"], # agreed in March\n]\n# end of file\n";
        fs::write(dir.join("editorial.toml"), original).unwrap();
        let mut desk = desk_in(&dir, None);
        keys(&mut desk, "m");
        assert_ne!(editorial(&dir), original);
        keys(&mut desk, "u");
        assert_eq!(editorial(&dir), original);
        assert_eq!(desk.current().map(DeskItem::key).as_deref(), Some(A1));
        assert_eq!(
            desk.status,
            "removed the merge for 2 entries from editorial.toml"
        );
        keys(&mut desk, "u");
        assert_eq!(desk.status, "nothing to undo in this session");
    }

    #[test]
    fn a_decision_that_contradicts_an_earlier_one_is_refused() {
        let dir = scratch("contradiction");
        std::fs::write(
            dir.join("editorial.toml"),
            "merge = [\n  [\"a:issue:1\", \"b:issue:2\"],\n  [\"b:issue:2\", \"c:issue:3\"],\n]\nkeep_apart = [\n  [\"d:issue:4\", \"e:issue:5\"],\n]\n",
        )
        .unwrap();
        let document = EditorialDocument::load(&dir.join("editorial.toml")).unwrap();
        let refs = |r: &[&str]| r.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        // a and c are joined through b: keeping them apart contradicts the merges.
        assert!(
            document
                .contradiction(&Decision::KeepApart(refs(&["a:issue:1", "c:issue:3"])))
                .is_some()
        );
        // Merging d with c, and c with e, would join d and e, which are kept apart.
        let mut document = document;
        document
            .apply(&Decision::Merge(refs(&["d:issue:4", "c:issue:3"])))
            .unwrap();
        assert!(
            document
                .contradiction(&Decision::Merge(refs(&["c:issue:3", "e:issue:5"])))
                .is_some()
        );
        assert!(
            document
                .contradiction(&Decision::KeepApart(refs(&["a:issue:1", "e:issue:5"])))
                .is_none()
        );
    }

    #[test]
    fn q_quits_without_writing() {
        let dir = scratch("q");
        let mut desk = desk_in(&dir, None);
        assert_eq!(desk.handle_key(Key::Char('q')), Outcome::Quit);
        assert_eq!(desk.handle_key(Key::Esc), Outcome::Quit);
        assert!(!dir.join("editorial.toml").exists());
        assert_eq!(desk.summary().keystrokes, 2);
    }

    #[test]
    fn comments_and_formatting_survive() {
        let dir = scratch("comments");
        let original = "# comments the editors wrote must survive\nmerge = [\n    [\"x:issue:0000000000000000\",\"y:issue:0000000000000000\"] # no comma here\n]\n\nkeep_apart = [] # none yet\n\n# wording later\n";
        fs::write(dir.join("editorial.toml"), original).unwrap();
        let mut desk = desk_in(&dir, None);
        keys(&mut desk, "k1m");
        assert_eq!(
            editorial(&dir),
            format!(
                "# comments the editors wrote must survive\nmerge = [\n    [\"x:issue:0000000000000000\",\"y:issue:0000000000000000\"], # no comma here\n    [\"{B1}\", \"{B2}\", \"{B3}\"],\n    [\"{C1}\", \"{C2}\", \"{C3}\"],\n]\n\nkeep_apart = [\n  [\"{A1}\", \"{A2}\"],\n] # none yet\n\n# wording later\nwording = [\n  {{ entry = \"{B1}\" }},\n]\n"
            )
        );
        assert_eq!(desk.status, "wrote merge for 3 entries to editorial.toml");
        keys(&mut desk, "uuu");
        assert_eq!(editorial(&dir), original);
    }

    #[test]
    fn a_second_desk_skips_settled_items_and_resumes() {
        let dir = scratch("resume");
        let mut desk = desk_in(&dir, None);
        keys(&mut desk, "ms");
        assert_eq!(
            desk.current().map(DeskItem::key),
            Some(format!("{C1} {C2}"))
        );
        assert_eq!(desk.handle_key(Key::Char('q')), Outcome::Quit);

        let state = dir.join("out/.review-desk");
        let mut again = desk_in(&dir, read_position(&state));
        assert_eq!(
            again.current().map(DeskItem::key),
            Some(format!("{C1} {C2}"))
        );
        assert_eq!(again.status, "back where you left off");
        // The merged entry decided before is not asked again.
        again.handle_key(Key::Right);
        again.handle_key(Key::Right);
        assert_eq!(again.current().map(DeskItem::key).as_deref(), Some(B1));
        again.handle_key(Key::Left);
        assert_eq!(
            again.current().map(DeskItem::key),
            Some(format!("{D1} {D2}"))
        );

        // Saved on an item settled since: the next unsettled one after it.
        keys(&mut again, "k");
        let third = desk_in(&dir, Some(format!("{D1} {D2}")));
        assert_eq!(third.current().map(DeskItem::key).as_deref(), Some(B1));
        let fourth = desk_in(&dir, Some(A1.to_owned()));
        assert_eq!(fourth.current().map(DeskItem::key).as_deref(), Some(B1));
    }

    #[test]
    fn the_screen_shows_counts_item_and_keys() {
        let dir = scratch("screen");
        let mut desk = desk_in(&dir, None);
        keys(&mut desk, "k");
        let text = screen(&desk, 80, 24);
        assert!(
            text.contains("Editor's desk · 3 left · 1 decision in editorial.toml"),
            "{text}"
        );
        assert!(
            text.contains("Strategy · merged automatically, lowest similarity 0.52"),
            "{text}"
        );
        assert!(text.contains("Are these the same concern?"), "{text}");
        assert!(
            text.contains("The report prints (the most central wording):"),
            "{text}"
        );
        assert!(
            text.contains(" 2. west-asia · regions/west-asia.toml:11 · agreement 0.61"),
            "{text}"
        );
        assert!(
            text.contains("wrote keep_apart for 2 entries to editorial.toml"),
            "{text}"
        );
        // The keys wrap at the screen's width.
        assert!(
            text.contains(
                "m merge · k keep apart · x then 1-9 take one out · 1-9 wording · s/→ skip · ←\nback · u undo · q quit"
            ),
            "{text}"
        );

        keys(&mut desk, "s");
        let text = screen(&desk, 80, 24);
        assert!(
            text.contains("Issue · suggestion, similarity 0.41"),
            "{text}"
        );
        assert!(
            text.contains("Second entry · africa, africa · 2 originals"),
            "{text}"
        );
        assert!(
            text.contains(" 1. europe · regions/europe.toml:3"),
            "{text}"
        );
        assert!(
            text.contains("m merge · 1-2 merge with that wording · k keep apart · s/→ skip"),
            "{text}"
        );
    }

    #[test]
    fn long_text_wraps_and_scrolls() {
        let dir = scratch("wrap");
        let mut review = review();
        review.merged[0].sources[0].text = "word ".repeat(40);
        let document = EditorialDocument::load(&dir.join("editorial.toml")).unwrap();
        let mut desk = Desk::new(DeskItem::all(&review), document, None);
        let text = screen(&desk, 40, 20);
        let wrapped = text
            .lines()
            .filter(|l| l.starts_with("    word word"))
            .count();
        assert!(wrapped >= 3, "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
        assert!(text.contains("↑↓"), "{text}");
        desk.handle_key(Key::Down);
        assert_ne!(screen(&desk, 40, 20), text);
        desk.handle_key(Key::Up);
        assert_eq!(screen(&desk, 40, 20), text);
    }

    #[test]
    fn when_nothing_is_left_the_desk_says_so() {
        let dir = scratch("done");
        let mut desk = desk_in(&dir, None);
        keys(&mut desk, "mmkk");
        assert!(desk.current().is_none());
        let text = screen(&desk, 80, 24);
        assert!(
            text.contains("0 left · 4 decisions in editorial.toml"),
            "{text}"
        );
        assert!(text.contains("Nothing left to decide."), "{text}");
        assert!(text.contains("u undo · q quit"), "{text}");
        keys(&mut desk, "m");
        assert_eq!(desk.summary().decisions, 4);
        let reopened = desk_in(&dir, None);
        assert!(reopened.current().is_none());
        assert_eq!(desk.handle_key(Key::Char('q')), Outcome::Quit);
    }

    #[test]
    fn after_a_decision_the_items_are_built_again_and_the_desk_goes_on_from_where_it_was() {
        let dir = scratch("reload");
        // What the review holds once the first merged entry is kept apart: it is gone, and one
        // of its originals is now suggested with another entry.
        let split = {
            let mut review = review();
            review.merged.remove(0);
            review.suggestions.push(suggestion(&[A2], &[D1], 0.35));
            review
        };
        let (reload, reloads) = reload_once_written(&dir, "keep_apart", review(), split);
        let mut desk = desk_in(&dir, None).with_reload(reload);
        keys(&mut desk, "k");
        assert_eq!(reloads.get(), 1);
        // On to the next item of the list as it now is, not to a stale copy of it.
        assert_eq!(desk.current().map(DeskItem::key).as_deref(), Some(B1));
        let shown = screen(&desk, 100, 30);
        assert!(
            shown.contains("4 left · 1 decision in editorial.toml"),
            "{shown}"
        );
        // The new suggestion comes in its turn.
        keys(&mut desk, "kkk");
        assert_eq!(
            desk.current().map(DeskItem::key),
            Some(format!("{A2} {D1}"))
        );
        // Undo reopens the item decided last, in the list built again.
        keys(&mut desk, "u");
        assert_eq!(
            desk.current().map(DeskItem::key),
            Some(format!("{D1} {D2}"))
        );
    }

    #[test]
    fn x_and_a_number_take_one_original_out_and_ask_about_the_others_again() {
        let dir = scratch("take-out");
        // Once B3 is taken out, the review holds B1 and B2 as one entry, then the rest.
        let rest = {
            let mut review = review();
            review.merged[1] = merged(EntryKind::Strategy, &[B1, B2]);
            review
        };
        let (reload, _) = reload_once_written(&dir, B3, review(), rest);
        let mut desk = desk_in(&dir, Some(B1.to_owned())).with_reload(reload);
        // A key other than a number after x takes nothing out.
        keys(&mut desk, "xs");
        assert_eq!(
            desk.status,
            "nothing taken out: x wants the number of an original"
        );
        assert_eq!(desk.current().map(DeskItem::key).as_deref(), Some(B1));
        keys(&mut desk, "x3");
        assert_eq!(
            editorial(&dir),
            format!("keep_apart = [\n  [\"{B3}\", \"{B1}\"],\n  [\"{B3}\", \"{B2}\"],\n]\n")
        );
        assert_eq!(
            desk.status,
            format!("wrote keep_apart of {B3} from 2 entries to editorial.toml")
        );
        // The two left are asked about again, as the entry they now make.
        let DeskItem::Merged(entry) = desk.current().unwrap() else {
            panic!("a merged entry");
        };
        assert_eq!(entry.sources.len(), 2);
        keys(&mut desk, "m");
        assert!(editorial(&dir).ends_with(&format!("merge = [\n  [\"{B1}\", \"{B2}\"],\n]\n")));
        // Undo takes back the merge, then both keep-apart lines.
        keys(&mut desk, "uu");
        assert_eq!(editorial(&dir), "");
        assert_eq!(desk.current().map(DeskItem::key).as_deref(), Some(B1));
        // On a suggestion, x explains itself.
        keys(&mut desk, "sx");
        assert_eq!(
            desk.status,
            "only an original of a merged entry can be taken out"
        );
    }

    #[test]
    fn an_entry_that_moves_in_the_list_after_a_take_out_skips_nothing() {
        let dir = scratch("take-out-moves");
        // B comes first; once B3 is out, what is left of B sorts after A.
        let before = {
            let mut review = review();
            review.merged.reverse();
            review
        };
        let after = {
            let mut review = review();
            review.merged[1] = merged(EntryKind::Strategy, &[B1, B2]);
            review
        };
        let first = before.clone();
        let (reload, _) = reload_once_written(&dir, B3, before, after);
        let document = EditorialDocument::load(&dir.join("editorial.toml")).unwrap();
        let mut desk = Desk::new(DeskItem::all(&first), document, None).with_reload(reload);
        assert_eq!(desk.current().map(DeskItem::key).as_deref(), Some(B1));
        keys(&mut desk, "x3m");
        // A, which came after B when B was decided, is next: not the suggestions after B's
        // new place.
        assert_eq!(desk.current().map(DeskItem::key).as_deref(), Some(A1));
    }

    #[test]
    fn settled_rules() {
        let dir = scratch("settled");
        let items = DeskItem::all(&review());
        let document =
            |text: &str| EditorialDocument::parse(&dir.join("editorial.toml"), text).unwrap();
        // A merge list must hold every reference of a merged entry.
        assert!(!document(&format!("merge = [[\"{A1}\", \"x\"]]")).is_settled(&items[0]));
        assert!(document(&format!("merge = [[\"x\", \"{A2}\", \"{A1}\"]]")).is_settled(&items[0]));
        // A keep_apart list needs two of them.
        assert!(document(&format!("keep_apart = [[\"{B3}\", \"{B1}\"]]")).is_settled(&items[1]));
        assert!(!document(&format!("keep_apart = [[\"{B3}\", \"x\"]]")).is_settled(&items[1]));
        // A suggestion: both closest references in one list of either kind.
        assert!(document(&format!("merge = [[\"{C2}\", \"{C1}\"]]")).is_settled(&items[2]));
        assert!(document(&format!("keep_apart = [[\"{C1}\", \"{C2}\"]]")).is_settled(&items[2]));
        assert!(!document(&format!("keep_apart = [[\"{C1}\", \"{C3}\"]]")).is_settled(&items[2]));
        // A wording alone settles nothing: the desk writes a merge with it. Both forms of it
        // count as decisions.
        assert!(!document(&format!("wording = [{{ entry = \"{A2}\" }}]")).is_settled(&items[0]));
        assert_eq!(
            document(&format!(
                "merge = [[\"{A1}\", \"{A2}\"]]\n[[wording]]\nentry = \"{A2}\"\n"
            ))
            .decision_count(),
            2
        );
        assert!(!document(&format!("wording = [{{ entry = \"{C1}\" }}]")).is_settled(&items[2]));
    }

    #[test]
    fn document_edits() {
        let path = Path::new("editorial.toml");
        let merge = Decision::Merge(vec![A1.to_owned(), A2.to_owned()]);
        // A one-line array gets the new element on a line of its own.
        let mut one_line = EditorialDocument::parse(path, "merge = [[\"a\", \"b\"]]\n").unwrap();
        one_line.apply(&merge).unwrap();
        assert_eq!(
            one_line.to_string(),
            format!("merge = [[\"a\", \"b\"],\n  [\"{A1}\", \"{A2}\"],\n]\n")
        );
        // Undo of a decision another document wrote removes the equal element.
        let mut other = EditorialDocument::parse(path, &one_line.to_string()).unwrap();
        assert!(other.undo(&merge));
        assert!(!other.lists(MERGE).iter().any(|l| l.contains(&A1)));
        assert!(!other.undo(&merge));
        // `[[wording]]` tables are edited in their own form.
        let mut tables = EditorialDocument::parse(
            path,
            &format!("[[wording]]\nentry = \"{A2}\"\ntext = \"Ours\"\n"),
        )
        .unwrap();
        let wording = Decision::wording(&DeskItem::all(&review())[0], 0).unwrap();
        tables.apply(&wording).unwrap();
        assert_eq!(
            tables.to_string(),
            format!("merge = [\n  [\"{A1}\", \"{A2}\"],\n]\n[[wording]]\nentry = \"{A1}\"\n")
        );
        assert!(tables.undo(&wording));
        assert_eq!(
            tables.to_string(),
            format!("[[wording]]\nentry = \"{A2}\"\ntext = \"Ours\"\n")
        );
        // Malformed files are refused with the path.
        let error = EditorialDocument::parse(path, "merge = 3\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "failed to read editorial.toml (`merge` is not a list; write `merge = [ ... ]`)"
        );
        assert!(EditorialDocument::parse(path, "merge = [\n").is_err());
    }

    #[test]
    fn saving_is_atomic_and_reports_failures() {
        let dir = scratch("save");
        let path = dir.join("editorial.toml");
        let mut document = EditorialDocument::load(&path).unwrap();
        document
            .apply(&Decision::KeepApart(vec![A1.to_owned(), A2.to_owned()]))
            .unwrap();
        document.save(&path).unwrap();
        assert_eq!(
            EditorialDocument::load(&path).unwrap().to_string(),
            document.to_string()
        );
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        let missing = dir.join("no/such/dir/editorial.toml");
        let error = document.save(&missing).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with(&format!("failed to write {}", missing.display())),
            "{error}"
        );
    }

    #[test]
    fn wrap_breaks_between_words_and_inside_long_ones() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
    }
}
