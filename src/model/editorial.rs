//! `editorial.toml` as the editors write it: lists of references to merge, to keep apart and to
//! word. Consolidation resolves these references to entries; input loads and checks the file.

use serde::Deserialize;
use toml::Spanned;

use crate::model::source::SourceFile;

/// The name of the file in the project root.
pub const EDITORIAL_FILE: &str = "editorial.toml";

/// `editorial.toml` as written.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditorialFile {
    /// Lists of entries that become one consolidated entry each.
    #[serde(default)]
    #[schemars(with = "Vec<Vec<String>>")]
    pub merge: Vec<Spanned<Vec<Spanned<String>>>>,
    /// Lists of entries no two of which may be merged.
    #[serde(default)]
    #[schemars(with = "Vec<Vec<String>>")]
    pub keep_apart: Vec<Spanned<Vec<Spanned<String>>>>,
    /// The wording to print for the consolidated entry that holds an entry.
    #[serde(default)]
    #[schemars(with = "Vec<WordingDecision>")]
    pub wording: Vec<Spanned<WordingDecision>>,
}

/// One `wording` decision.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WordingDecision {
    /// The original whose consolidated entry this is about; its wording is used unless `text`
    /// is given.
    #[schemars(with = "String")]
    pub entry: Spanned<String>,
    /// The editors' own wording.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub text: Option<Spanned<String>>,
}

/// The editors' decisions with the file they came from (none when there is no file).
#[derive(Debug, Clone, Default)]
pub struct Editorial {
    /// The file, for messages; `None` when the project has no `editorial.toml`.
    pub source: Option<SourceFile>,
    /// The decisions.
    pub file: EditorialFile,
}
