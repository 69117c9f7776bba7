//! The draft cycle in a build: which draft this is, every entry's number from `numbers.toml`,
//! the snapshot kept for each draft in `drafts/`, what changed since an earlier draft, and
//! the commands around them (`consolidate diff`, `consolidate renumber`).
//!
//! The numbers file is written only once the cycle has begun: by a draft build, or when the
//! project already has one. A project that never goes out as a draft builds as before, with
//! its entries numbered in reading order and nothing written beside `editorial.toml`.

use std::path::{Path, PathBuf};

use crate::consolidate::Consolidated;
use crate::drafts::Edition;
use crate::drafts::diff::{Diff, Snapshot, diff, snapshot_path};
use crate::drafts::numbers::{NUMBERS_FILE, Numbering, assign, load_numbers, renumber};
use crate::error::Error;
use crate::model::project::Project;
use crate::model::{Date, DraftEdition};
use crate::pipeline::prepare::prepare;
use crate::pipeline::write::{consolidated_json, write_atomically};

/// Which edition to build, from the command line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DraftChoice {
    /// As `[draft]` in `report.toml` says: a draft when it is there, the final edition if not.
    #[default]
    FromReport,
    /// Draft `number` (`--draft N`), dated `date` (`--draft-date`) or as `[draft]` says.
    Draft {
        /// Draft 1, 2, ...
        number: u32,
        /// The day it goes out; `None` for the date of `[draft]` in `report.toml`.
        date: Option<Date>,
    },
    /// The final edition (`--final`), whatever `report.toml` says.
    Final,
}

/// The draft a build makes, or `None` for the final edition.
///
/// # Errors
///
/// [`Error::Usage`] when `--draft N` has no date, from the command line or `report.toml`.
pub fn resolve_draft(
    choice: DraftChoice,
    project: &Project,
) -> Result<Option<DraftEdition>, Error> {
    let from_report = project.settings.data.draft;
    match choice {
        DraftChoice::FromReport => Ok(from_report),
        DraftChoice::Final => Ok(None),
        DraftChoice::Draft { number, date } => {
            let Some(date) = date.or(from_report.map(|d| d.date)) else {
                return Err(Error::usage(
                    format!("draft {number} has no date"),
                    "give it with `--draft-date 2013-06-20`, or write `[draft]` with `number` and `date` in report.toml",
                ));
            };
            Ok(Some(DraftEdition { number, date }))
        }
    }
}

/// The numbers of the consolidated entries under the project's `numbers.toml`, and whether the
/// project has that file.
///
/// # Errors
///
/// As [`load_numbers`].
pub fn numbering(root: &Path, consolidated: &Consolidated) -> Result<(Numbering, bool), Error> {
    let previous = load_numbers(root)?;
    let exists = previous.is_some();
    Ok((
        assign(&previous.unwrap_or_default(), &consolidated.entries),
        exists,
    ))
}

/// What `build` was asked about the draft cycle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DraftOptions {
    /// A draft or the final edition (`--draft N`, `--final`; `[draft]` in report.toml).
    pub edition: DraftChoice,
    /// Compare with the snapshot of this draft: an annex of the changes in the report, and in
    /// a proof what changed for the region (`--since N`).
    pub since: Option<u32>,
}

/// The edition of a build and the files the draft cycle adds to its outputs: `numbers.toml`
/// when it changed (once the cycle has begun), and the snapshot of this draft.
#[derive(Debug)]
pub struct DraftOutputs {
    /// What the templates print.
    pub edition: Edition,
    /// `out/consolidated.json`, numbered and stamped with the draft.
    pub json: String,
    /// Files to write with the build's outputs, all or nothing.
    pub files: Vec<(PathBuf, String)>,
}

/// Numbers the entries, stamps the draft, and compares with draft `since` when asked.
///
/// # Errors
///
/// As [`load_numbers`] and [`resolve_draft`]; [`Error::Usage`] when draft `since` has no
/// snapshot.
pub fn draft_outputs(
    root: &Path,
    project: &Project,
    consolidated: &Consolidated,
    asked: DraftOptions,
) -> Result<DraftOutputs, Error> {
    let draft = resolve_draft(asked.edition, project)?;
    let (numbering, exists) = numbering(root, consolidated)?;
    let json = consolidated_json(project, consolidated, &numbering.numbers, draft)?;
    let mut files = Vec::new();
    if exists || draft.is_some() {
        let path = root.join(NUMBERS_FILE);
        let text = numbering.file.to_text();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            files.push((path, text));
        }
    }
    if let Some(d) = draft {
        files.push((snapshot_path(root, d.number), json.clone()));
    }
    let since = match asked.since {
        Some(n) => Some((n, diff_with_snapshot(root, n, &json)?)),
        None => None,
    };
    Ok(DraftOutputs {
        edition: Edition {
            numbers: numbering.numbers,
            draft,
            since,
        },
        json,
        files,
    })
}

impl DraftOutputs {
    /// The files to write beside the build's outputs, their folders made.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when a folder cannot be made.
    pub fn extra_files(&self) -> Result<Vec<(&Path, &[u8])>, Error> {
        let mut files = Vec::new();
        for (path, text) in &self.files {
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder)
                    .map_err(|e| Error::io("create the folder", folder, e))?;
            }
            files.push((path.as_path(), text.as_bytes()));
        }
        Ok(files)
    }
}

/// What changed from draft `since`'s snapshot to a build's `consolidated.json`.
fn diff_with_snapshot(root: &Path, since: u32, json: &str) -> Result<Diff, Error> {
    let path = snapshot_path(root, since);
    if !path.is_file() {
        return Err(Error::usage(
            format!(
                "there is no snapshot of draft {since} ({} is missing)",
                path.display()
            ),
            "each draft build keeps one in drafts/; build that draft first, or compare two consolidated.json files with `consolidate diff OLD NEW`",
        ));
    }
    let old = Snapshot::read(&path)?;
    let new = Snapshot::parse("the current build", json)?;
    Ok(diff(&old, &new))
}

/// `consolidate diff OLD NEW`: what changed between two builds' `consolidated.json`.
///
/// # Errors
///
/// [`Error::Io`] or [`Error::Usage`] when a file cannot be read or is not one.
pub fn diff_files(old: &Path, new: &Path) -> Result<Diff, Error> {
    Ok(diff(&Snapshot::read(old)?, &Snapshot::read(new)?))
}

/// `consolidate diff --since N`: what changed from draft N's snapshot to the project as it is
/// now, consolidated and numbered in memory (nothing is written).
///
/// # Errors
///
/// As [`prepare`], [`numbering`], and [`Error::Usage`] when draft N has no snapshot.
pub fn diff_since(root: &Path, since: u32) -> Result<Diff, Error> {
    let prepared = prepare(root, false)?;
    let draft = prepared.project.settings.data.draft;
    let (numbering, _) = numbering(root, &prepared.consolidated)?;
    let json = consolidated_json(
        &prepared.project,
        &prepared.consolidated,
        &numbering.numbers,
        draft,
    )?;
    let mut diff = diff_with_snapshot(root, since, &json)?;
    // Not yet built: whatever `[draft]` says, this is the project as it stands.
    "the project now".clone_into(&mut diff.new.label);
    Ok(diff)
}

/// `consolidate renumber`: numbers every entry afresh in reading order and writes
/// `numbers.toml`, before publication. Returns how many entries were numbered.
///
/// # Errors
///
/// As [`prepare`], and [`Error::Io`] when the file cannot be written.
pub fn renumber_project(root: &Path) -> Result<usize, Error> {
    let prepared = prepare(root, false)?;
    let numbering = renumber(&prepared.consolidated.entries);
    let text = numbering.file.to_text();
    write_atomically(&[(&root.join(NUMBERS_FILE), text.as_bytes())])?;
    Ok(numbering.numbers.len())
}
