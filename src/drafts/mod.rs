//! Drafts the regions can review. In: the consolidated entries, the numbers file kept beside
//! `editorial.toml`, and the `consolidated.json` of earlier builds. Out: a stable number for
//! every entry, and what changed between two drafts.
//!
//! A comment on a draft cites an entry by its number ("2.14 misstates our point"), so
//! [`numbers`] keeps an entry's number for as long as the entry exists, anchored to its
//! sources' references, and never gives a number to another concern. [`diff`] compares two
//! builds by the same anchors: what was added, removed, reworded, merged, split, moved.

pub mod diff;
pub mod numbers;
pub mod words;

use crate::drafts::diff::Diff;
use crate::model::DraftEdition;

/// What a build knows of the draft cycle, for the report and the proofs: every entry's
/// number, which draft this is (none for the final edition), and what changed since an
/// earlier draft when asked.
#[derive(Debug, Clone, Default)]
pub struct Edition {
    /// The number of each consolidated entry, in the entries' order.
    pub numbers: Vec<String>,
    /// The draft this build is; `None` for the final edition.
    pub draft: Option<DraftEdition>,
    /// The draft compared with (`--since N`) and what changed since.
    pub since: Option<(u32, Diff)>,
}

impl Edition {
    /// The band every page of a draft carries: "Draft 2 — 1 July 2013 — not for citation".
    #[must_use]
    pub fn band(&self) -> Option<String> {
        self.draft
            .map(|d| format!("Draft {} — {} — not for citation", d.number, d.date.long()))
    }
}
