//! The first half of every command: find the project's files, load them, run the rules, and
//! consolidate. `validate` stops after the rules, `review` after consolidation, and `build`
//! goes on to publish. This half needs no typesetter, so the fuzz target builds it alone.

use std::path::{Path, PathBuf};

use crate::consolidate::{Consolidated, check_nothing_lost, consolidate};
use crate::diagnostic::suggest::nearest_key;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::error::Error;
use crate::input::editorial::load_editorial;
use crate::input::find::{
    display_name, find_project_files, find_settings, regions_read, submission_files_in,
};
use crate::input::load::load_project;
use crate::model::editorial::Editorial;
use crate::model::project::{Project, ProjectFiles, Submission};
use crate::progress::{Progress, Silent, Stage, Timings};
use crate::validate::validate_project;

/// What a command works on: the whole report, or one submission's proof for its hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every submission, consolidated into the report.
    Report,
    /// The submission with this id, alone. Only problems in its file and in `report.toml` stop
    /// it, and the editors' decisions apply when they can be read: a host need not wait for
    /// the other regions or for the editors.
    Proof(String),
}

/// A project loaded, validated and consolidated: what `build` publishes and `review` shows.
#[derive(Debug)]
pub struct Prepared {
    /// The project as loaded.
    pub project: Project,
    /// The consolidated entries, proven to hold every input entry exactly once.
    pub consolidated: Consolidated,
    /// Warnings so far (errors would have stopped here), within the scope.
    pub diagnostics: Diagnostics,
    /// What was prepared.
    pub scope: Scope,
}

impl Prepared {
    /// The submission a proof is of; `None` for the report.
    #[must_use]
    pub fn proof_submission(&self) -> Option<&Submission> {
        match &self.scope {
            Scope::Report => None,
            Scope::Proof(id) => self.project.submissions.iter().find(|s| &s.id == id),
        }
    }

    /// Drops the diagnostics about files outside the scope: a proof reports only on its own
    /// submission and on `report.toml`.
    pub fn keep_in_scope(&self, diagnostics: &mut Diagnostics) {
        if let Some(submission) = self.proof_submission() {
            retain_files(
                diagnostics,
                &submission.source.name,
                &self.project.settings.source.name,
            );
        }
    }
}

/// Loads, validates and consolidates a project under its `editorial.toml`, and proves that
/// nothing was lost. Errors in the submissions or in `editorial.toml` (and warnings under
/// `strict`) stop here.
///
/// # Errors
///
/// [`Error::Input`] with the diagnostics when the submissions or `editorial.toml` have errors;
/// [`Error::Project`] or [`Error::Io`] when the project's files cannot be found or read;
/// [`Error::Internal`] when consolidation lost or duplicated an entry.
pub fn prepare(root: &Path, strict: bool) -> Result<Prepared, Error> {
    prepare_with(
        root,
        &Scope::Report,
        strict,
        &Silent,
        &mut Timings::default(),
    )
}

/// [`prepare`] for a scope, telling `progress` which stage it is in and adding to `timings`.
///
/// # Errors
///
/// As [`prepare`], and [`Error::Usage`] when the scope is a proof of an id no submission has.
pub fn prepare_with(
    root: &Path,
    scope: &Scope,
    strict: bool,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> Result<Prepared, Error> {
    let files = find_project_files(root)?;
    let (project, mut diagnostics) = check_files(&files, progress, timings);
    let Some(project) = project else {
        return Err(Error::Input(Box::new(diagnostics.sorted())));
    };
    let editorial = match scope {
        Scope::Report => {
            settle(&mut diagnostics, strict)?;
            // The decisions' own problems are reported with those found in applying them.
            let Some(editorial) = load_editorial_into(root, &mut diagnostics) else {
                return Err(Error::Input(Box::new(
                    std::mem::take(&mut diagnostics).sorted(),
                )));
            };
            editorial
        }
        Scope::Proof(id) => {
            if !project.submissions.iter().any(|s| &s.id == id) {
                return Err(unknown_region(id, &project.submissions));
            }
            // Every file that claims the id stays in scope: with two, E008 stops the proof
            // instead of one of them being proofed as if the other did not exist.
            let own: Vec<&str> = project
                .submissions
                .iter()
                .filter(|s| &s.id == id)
                .map(|s| s.source.name.as_str())
                .collect();
            let settings_file = project.settings.source.name.as_str();
            diagnostics
                .diagnostics
                .retain(|d| d.file == settings_file || own.contains(&d.file.as_str()));
            settle(&mut diagnostics, strict)?;
            load_editorial(root).value.unwrap_or_default()
        }
    };
    let consolidated = timings.time(Stage::Merge, progress, || {
        consolidate_checked(&project, &editorial)
    })?;
    if *scope == Scope::Report {
        diagnostics.extend(consolidated.diagnostics.iter().cloned());
    }
    settle(&mut diagnostics, strict)?;
    Ok(Prepared {
        project,
        consolidated,
        diagnostics,
        scope: scope.clone(),
    })
}

/// `consolidate validate [PATH...]`: checks `report.toml` and the given submission files or
/// folders (default: `ROOT/regions`, and then `editorial.toml` too, as `build` would). Problems in the files are the result, not a failure;
/// only a missing file or folder is an error.
///
/// # Errors
///
/// [`Error::Project`] or [`Error::Io`] when `report.toml`, a given path or `regions/` is
/// missing or cannot be read.
pub fn validate(root: &Path, paths: &[PathBuf], strict: bool) -> Result<Diagnostics, Error> {
    validate_with(root, paths, strict, &Silent, &mut Timings::default()).map(|v| v.diagnostics)
}

/// What `validate` found, and what it read.
#[derive(Debug)]
pub struct Validated {
    /// The problems, sorted.
    pub diagnostics: Diagnostics,
    /// The line that names the submissions read (see [`regions_read`]).
    pub read: String,
}

/// [`validate`], telling `progress` how it goes and adding to `timings`.
///
/// # Errors
///
/// As [`validate`].
pub fn validate_with(
    root: &Path,
    paths: &[PathBuf],
    strict: bool,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> Result<Validated, Error> {
    let files = if paths.is_empty() {
        find_project_files(root)?
    } else {
        ProjectFiles {
            root: root.to_owned(),
            settings: find_settings(root)?,
            submissions: named_submissions(paths)?,
            skipped: Vec::new(),
        }
    };
    let (project, mut diagnostics) = check_files(&files, progress, timings);
    // The whole project is checked as `build` would check it: the editors' decisions too, so
    // that a project that validates does not then fail to build.
    if paths.is_empty()
        && let Some(editorial) = load_editorial_into(root, &mut diagnostics)
        && let Some(project) = &project
        && !diagnostics.has_errors()
    {
        let consolidated =
            timings.time(Stage::Merge, progress, || consolidate(project, &editorial));
        diagnostics.extend(consolidated.diagnostics);
    }
    if strict {
        diagnostics.make_strict();
    }
    Ok(Validated {
        diagnostics: diagnostics.sorted(),
        read: regions_read(&files.submissions),
    })
}

/// The submission files that `validate` was given: files as they are, folders for the
/// submissions in them.
fn named_submissions(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut submissions = Vec::new();
    for path in paths {
        if path.is_dir() {
            submissions.extend(submission_files_in(path)?.0);
        } else if path.is_file() {
            submissions.push(path.clone());
        } else {
            return Err(not_a_submission(path));
        }
    }
    submissions.sort();
    submissions.dedup();
    Ok(submissions)
}

/// Why a path named on the command line is neither a file nor a folder to read: missing, a
/// symbolic link to nothing, or something else (a FIFO, a socket, a device), which reading
/// would hang on or misread.
fn not_a_submission(path: &Path) -> Error {
    match std::fs::symlink_metadata(path) {
        Err(error) => Error::io("read", path, error),
        Ok(meta) if meta.file_type().is_symlink() => {
            let target = std::fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            Error::usage(
                format!(
                    "{} is a symbolic link to {target}, which does not exist",
                    path.display()
                ),
                "name the submission file itself, or fix the link",
            )
        }
        Ok(_) => Error::usage(
            format!(
                "{} is not a regular file (a pipe, socket or device)",
                path.display()
            ),
            "name a submission file saved on disk, or a folder of them",
        ),
    }
}

/// Loads the files and runs the rules on them; `None` when some file could not be read at all.
fn check_files(
    files: &ProjectFiles,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> (Option<Project>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(files.skipped.iter().map(|skipped| {
        Diagnostic::without_span(
            Code::SkippedFile,
            display_name(&files.root, &skipped.path),
            format!("not read as a submission: {}", skipped.why),
        )
        .with_help(skipped.help.clone())
    }));
    progress.files_found(files.submissions.len() + 1);
    let project = timings.time(Stage::Load, progress, || {
        load_project(files, &mut diagnostics, progress)
    });
    if let Some(project) = &project {
        timings.time(Stage::Validate, progress, || {
            validate_project(project, &mut diagnostics);
        });
    }
    (project, diagnostics)
}

/// Applies `--strict`, sorts, and stops when anything is an error: the one place where a stage
/// decides whether the run goes on.
///
/// # Errors
///
/// [`Error::Input`], taking the diagnostics, when any of them is an error.
pub fn settle(diagnostics: &mut Diagnostics, strict: bool) -> Result<(), Error> {
    if strict {
        diagnostics.make_strict();
    }
    diagnostics.sort();
    if diagnostics.has_errors() {
        return Err(Error::Input(Box::new(std::mem::take(diagnostics))));
    }
    Ok(())
}

/// Keeps the diagnostics about one submission and `report.toml`.
fn retain_files(diagnostics: &mut Diagnostics, own_file: &str, settings_file: &str) {
    diagnostics
        .diagnostics
        .retain(|d| d.file == own_file || d.file == settings_file);
}

/// Reads `editorial.toml` (when there is one), adding its problems to `diagnostics`.
fn load_editorial_into(root: &Path, diagnostics: &mut Diagnostics) -> Option<Editorial> {
    let loaded = load_editorial(root);
    if let Some(source) = &loaded.source {
        diagnostics.add_source(source);
    }
    diagnostics.extend(loaded.diagnostics);
    loaded.value
}

/// The usage error for `--region` with an id no submission has: it lists the ids there are.
fn unknown_region(id: &str, submissions: &[Submission]) -> Error {
    let ids: Vec<&str> = submissions.iter().map(|s| s.id.as_str()).collect();
    let mut hint = format!("the known ids are: {}", ids.join(", "));
    if let Some(nearest) = nearest_key(id, &ids) {
        hint = format!("did you mean `{nearest}`? {hint}");
    }
    Error::usage(format!("no submission has the id `{id}`"), hint)
}

/// Consolidates under the editors' decisions and proves that every input entry is in exactly
/// one consolidated entry before anything is written.
fn consolidate_checked(project: &Project, editorial: &Editorial) -> Result<Consolidated, Error> {
    let consolidated = consolidate(project, editorial);
    check_nothing_lost(project, &consolidated).map_err(Error::Internal)?;
    Ok(consolidated)
}
