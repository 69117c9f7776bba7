//! The first half of every command: find the project's files, load them and run the rules.
//! `validate` stops here; `build` goes on from here. Kept apart from the typesetting stages so
//! that it builds without Typst (the fuzz target uses it so).

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostics;
use crate::error::Error;
use crate::load::{Project, ProjectFiles, find_project_files, load_project};
use crate::progress::{Progress, Silent, Stage, Timings};
use crate::validate::validate_project;

/// Loads and validates a project; errors (and warnings under `strict`) stop here.
pub fn load_and_validate(root: &Path, strict: bool) -> Result<(Project, Diagnostics), Error> {
    load_and_validate_with(root, strict, &Silent, &mut Timings::default())
}

/// [`load_and_validate`], telling `progress` how it goes and adding to `timings`.
pub fn load_and_validate_with(
    root: &Path,
    strict: bool,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> Result<(Project, Diagnostics), Error> {
    let files = find_project_files(root)?;
    check_files(&files, strict, progress, timings)
}

/// `consolidate validate [PATH...]`: checks `report.toml` and the given submission files or
/// folders (default: `ROOT/regions`). Problems in the files are the result, not a failure;
/// only a missing file or folder is an error.
pub fn validate(root: &Path, paths: &[PathBuf], strict: bool) -> Result<Diagnostics, Error> {
    validate_with(root, paths, strict, &Silent, &mut Timings::default())
}

/// [`validate`], telling `progress` how it goes and adding to `timings`.
pub fn validate_with(
    root: &Path,
    paths: &[PathBuf],
    strict: bool,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> Result<Diagnostics, Error> {
    let files = if paths.is_empty() {
        find_project_files(root)?
    } else {
        let settings = root.join("report.toml");
        if !settings.is_file() {
            return Err(Error::usage(
                format!("no report.toml in {}", root.display()),
                "run consolidate in the project folder, or pass --root DIR",
            ));
        }
        let mut submissions = Vec::new();
        for path in paths {
            if path.is_dir() {
                submissions.extend(crate::load::submission_files_in(path)?);
            } else if path.is_file() {
                submissions.push(path.clone());
            } else {
                return Err(Error::io(
                    "read",
                    path,
                    std::io::Error::from(std::io::ErrorKind::NotFound),
                ));
            }
        }
        submissions.sort();
        submissions.dedup();
        ProjectFiles {
            root: root.to_owned(),
            settings,
            submissions,
        }
    };
    match check_files(&files, strict, progress, timings) {
        Ok((_, diagnostics)) => Ok(diagnostics),
        Err(Error::Input(diagnostics)) => Ok(*diagnostics),
        Err(other) => Err(other),
    }
}

fn check_files(
    files: &ProjectFiles,
    strict: bool,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> Result<(Project, Diagnostics), Error> {
    let mut diagnostics = Diagnostics::default();
    progress.files_found(files.submissions.len() + 1);
    let project = timings.time(Stage::Load, progress, || {
        load_project(files, &mut diagnostics, progress)
    });
    if let Some(project) = &project {
        timings.time(Stage::Validate, progress, || {
            validate_project(project, &mut diagnostics);
        });
    }
    if strict {
        diagnostics.make_strict();
    }
    diagnostics.sort();
    match project {
        Some(project) if !diagnostics.has_errors() => Ok((project, diagnostics)),
        _ => Err(Error::Input(Box::new(diagnostics))),
    }
}
