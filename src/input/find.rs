//! Which files make a project: `report.toml` and the submissions in `regions/`, found before
//! anything is read, and the names files are shown by in messages.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::model::project::{ProjectFiles, Skipped};

/// The name a file is shown by: relative to the project root, with `/`.
#[must_use]
pub fn display_name(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        // Outside the project (an `--out` elsewhere): the path as given.
        Err(_) => path.display().to_string(),
    }
}

/// How many regions' names [`regions_read`] shows before it only counts the rest: the line
/// says which files were read, and stays one line for a process of thousands.
const NAMES_SHOWN: usize = 12;

/// The line `build` and `validate` print about the submissions they read, by file stem:
/// "read 6 regions: africa, asia-pacific, …", so that a host sees at once whether a file was
/// left out.
#[must_use]
pub fn regions_read(files: &[PathBuf]) -> String {
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            f.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    let word = if names.len() == 1 {
        "region"
    } else {
        "regions"
    };
    let mut line = format!("read {} {word}: ", names.len());
    line.push_str(&names[..names.len().min(NAMES_SHOWN)].join(", "));
    if names.len() > NAMES_SHOWN {
        let _ = write!(line, " and {} more", names.len() - NAMES_SHOWN);
    }
    line
}

/// Whether a file in `regions/` is a submission: `.toml`, and not hidden or set aside with `_`.
#[must_use]
pub fn is_submission_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !name.starts_with('_')
        && !name.starts_with('.')
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// `ROOT/report.toml`, or the error that says the folder is not a project.
///
/// # Errors
///
/// [`Error::Project`] when the folder has no `report.toml`.
pub fn find_settings(root: &Path) -> Result<PathBuf, Error> {
    let settings = root.join("report.toml");
    if !settings.is_file() {
        return Err(Error::project(
            format!("no report.toml in {}", root.display()),
            "run consolidate in the project folder, or pass --root DIR",
        ));
    }
    Ok(settings)
}

/// Finds `report.toml` and the submissions under `root`, or says what is missing.
///
/// # Errors
///
/// [`Error::Project`] without `report.toml` or without a submission in `regions/`, and
/// [`Error::Io`] when `regions/` cannot be read.
pub fn find_project_files(root: &Path) -> Result<ProjectFiles, Error> {
    let settings = find_settings(root)?;
    let regions = root.join("regions");
    let (submissions, skipped) = submission_files_in(&regions)?;
    if submissions.is_empty() {
        return Err(Error::project(
            format!("no submissions in {}", regions.display()),
            "add a regional submission with `consolidate init ID`",
        ));
    }
    Ok(ProjectFiles {
        root: root.to_owned(),
        settings,
        submissions,
        skipped,
    })
}

/// The submission files of a folder, sorted by name.
///
/// # Errors
///
/// [`Error::Io`] when the folder cannot be read.
pub fn submission_files_in(dir: &Path) -> Result<(Vec<PathBuf>, Vec<Skipped>), Error> {
    let entries = fs::read_dir(dir).map_err(|e| Error::io("read the folder", dir, e))?;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read the folder", dir, e))?;
        let path = entry.path();
        if path.is_file() && is_submission_file(&path) {
            files.push(path);
        } else if let Some((why, help)) = why_skipped(&path) {
            skipped.push(Skipped { path, why, help });
        }
    }
    files.sort();
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, skipped))
}

/// Why an entry of `regions/` that is not read deserves a word, and what to do; `None` for
/// what is set aside on purpose (a name starting with `_` or `.`).
fn why_skipped(path: &Path) -> Option<(String, String)> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned())?;
    if name.starts_with('_') || name.starts_with('.') {
        return None;
    }
    let rename = "rename it to ID.toml (lowercase letters, digits and hyphens), or start its name with _ to set it aside";
    let found = if path.file_name().and_then(|n| n.to_str()).is_none() {
        ("its name is not valid text".to_owned(), rename.to_owned())
    } else if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && fs::metadata(path).is_err()
    {
        (
            "it is a symbolic link to a file that does not exist".to_owned(),
            "fix the link, or remove it".to_owned(),
        )
    } else if path.is_dir() {
        (
            "it is a folder (submissions in sub-folders are not read)".to_owned(),
            "move its .toml files into regions/ itself".to_owned(),
        )
    } else if !path.is_file() {
        (
            "it is not a regular file (a pipe, socket or device)".to_owned(),
            "save the submission on disk in regions/".to_owned(),
        )
    } else if let Some(stem) = name
        .to_ascii_lowercase()
        .find(".toml.")
        .map(|at| name[..at].to_owned())
    {
        (
            format!(
                "its name ends in {} after .toml (Windows hides the last extension)",
                &name[stem.len() + ".toml".len()..]
            ),
            format!("rename it to {stem}.toml"),
        )
    } else {
        (
            "its name does not end in .toml".to_owned(),
            rename.to_owned(),
        )
    };
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_set_aside_files_are_not_submissions() {
        assert!(is_submission_file(Path::new("regions/europe.toml")));
        assert!(is_submission_file(Path::new("regions/EUROPE.TOML")));
        assert!(!is_submission_file(Path::new("regions/_draft.toml")));
        assert!(!is_submission_file(Path::new("regions/.europe.toml.swp")));
        assert!(!is_submission_file(Path::new("regions/notes.txt")));
    }

    #[test]
    fn the_regions_read_are_listed_on_one_line() {
        let files = |n: usize| -> Vec<PathBuf> {
            (0..n)
                .map(|i| PathBuf::from(format!("regions/r{i:02}.toml")))
                .collect()
        };
        assert_eq!(regions_read(&files(1)), "read 1 region: r00");
        assert_eq!(regions_read(&files(3)), "read 3 regions: r00, r01, r02");
        let many = regions_read(&files(2000));
        assert!(
            many.starts_with("read 2000 regions: r00, r01,")
                && many.ends_with(", r11 and 1988 more"),
            "{many}"
        );
    }
}
