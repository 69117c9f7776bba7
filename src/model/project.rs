//! A project as loaded: `report.toml`, the submissions, and the files they came from. Every
//! stage after loading reads these.

use std::path::PathBuf;

use crate::model::source::SourceFile;
use crate::model::{ReportSettings, SubmissionFile};

/// `report.toml`, loaded.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The file, for messages.
    pub source: SourceFile,
    /// Its content.
    pub data: ReportSettings,
}

/// One regional submission, loaded.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The consultation's id: its `id` field, or the file stem.
    pub id: String,
    /// The file, for messages and provenance.
    pub source: SourceFile,
    /// Its content.
    pub data: SubmissionFile,
}

impl Submission {
    /// The region's display name.
    #[must_use]
    pub fn region(&self) -> &str {
        self.data.consultation.get_ref().region.get_ref()
    }
}

/// Everything a build reads.
#[derive(Debug, Clone)]
pub struct Project {
    /// The report-wide settings.
    pub settings: Settings,
    /// The submissions, sorted by date then id so that nothing depends on file order.
    pub submissions: Vec<Submission>,
}

/// The files a project is made of, found before anything is read.
#[derive(Debug, Clone)]
pub struct ProjectFiles {
    /// The project folder, against which names are shown.
    pub root: PathBuf,
    /// `report.toml`.
    pub settings: PathBuf,
    /// The submissions, sorted by path.
    pub submissions: Vec<PathBuf>,
    /// Files in the submissions' folder that are not read, and why: each is a warning, so
    /// that no region is left out of the report without a word.
    pub skipped: Vec<Skipped>,
}

/// A file of `regions/` that is not read as a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file or folder.
    pub path: PathBuf,
    /// Why it is not read.
    pub why: String,
    /// What to do if it is a submission.
    pub help: String,
}

/// Whether a text is a slug, `[a-z0-9-]+`: what a submission's id must be, since it names
/// its proof file and its references in `editorial.toml`.
#[must_use]
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A label from a region's name: the initials of its words ("Latin America and the
/// Caribbean" → "LAC"), or the first three letters of a one-word name ("Africa" → "AFR").
#[must_use]
pub fn derived_code(name: &str) -> String {
    const MINOR: [&str; 8] = ["and", "the", "of", "&", "y", "et", "de", "la"];
    let words: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == ',')
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty() && !MINOR.contains(&w.to_lowercase().as_str()))
        .collect();
    let code: String = match words.as_slice() {
        [] => "REG".to_owned(),
        [one] => one.chars().take(3).collect(),
        many => many
            .iter()
            .filter_map(|w| w.chars().next())
            .take(4)
            .collect(),
    };
    code.to_uppercase()
}
