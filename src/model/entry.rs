//! One issue or strategy as a region wrote it, with its exact place: the unit that
//! consolidation merges, that editors refer to, and that the report cites.

use serde::{Deserialize, Serialize};

use crate::model::project::Submission;

/// Whether an entry names a problem or a way to address one. They never merge with each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A priority issue.
    Issue,
    /// A strategy.
    Strategy,
}

impl EntryKind {
    /// "issue" or "strategy", as messages, references and the JSON say it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Issue => "issue",
            EntryKind::Strategy => "strategy",
        }
    }
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
    /// The language of `text` (the submission's `language`), for stop words and stemming.
    #[serde(skip)]
    pub language: String,
    /// How `editorial.toml` names this entry (`region:kind:fingerprint`); filled in by
    /// consolidation, empty before.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reference: String,
}

/// Every issue and strategy of a submission, in the order it was written.
#[must_use]
pub fn entries_of(submission: &Submission) -> Vec<Entry> {
    let source = &submission.source;
    let language = submission
        .data
        .consultation
        .get_ref()
        .language
        .as_ref()
        .map_or_else(|| "en".to_owned(), |l| l.get_ref().clone());
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
                language: language.clone(),
                reference: String::new(),
            });
        }
    }
    entries
}
