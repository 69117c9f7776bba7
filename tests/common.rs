//! Helpers shared by the integration tests: fixture projects copied into a scratch folder,
//! builds, and the text of a PDF read back.

#![allow(dead_code, reason = "each test binary uses only some of the helpers")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test reports a failure"
)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use consolidate::{BuildOptions, BuildOutcome, Error};

/// The repository root, which holds the shipped 2013 project.
#[must_use]
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture project under `tests/fixtures/`.
#[must_use]
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// A fresh, empty scratch folder for one test.
///
/// # Panics
///
/// When the folder cannot be made.
pub fn scratch(label: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{label}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies a project (report.toml, regions/, templates/) into a scratch folder.
#[must_use]
pub fn copy_project(from: &Path, label: &str) -> PathBuf {
    let to = scratch(label);
    copy_dir(from, &to);
    let _ = std::fs::remove_dir_all(to.join("out"));
    to
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let target = to.join(&name);
        if entry.path().is_dir() {
            if ["regions", "templates"].contains(&name.to_str().unwrap_or("")) {
                copy_dir(&entry.path(), &target);
            }
        } else if name == "report.toml"
            || name == "editorial.toml"
            || from
                .file_name()
                .is_some_and(|n| n == "regions" || n == "templates")
        {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Builds a project into `out`.
///
/// # Errors
///
/// The build's own error, for the test to inspect.
pub fn build(root: &Path, out: &Path) -> Result<BuildOutcome, Error> {
    let mut options = BuildOptions::new(root);
    out.clone_into(&mut options.out);
    consolidate::build(&options)
}

/// The text of a PDF, normalised for comparison: soft hyphens, word joiners and direction
/// marks removed, typographic quotes made straight, all white space removed (line breaks fall
/// anywhere), and hyphens that only split a word at a line end dropped by the caller's
/// comparison through [`squash`].
///
/// # Panics
///
/// When the bytes are not a PDF whose text can be extracted.
#[must_use]
pub fn pdf_text(pdf: &[u8]) -> String {
    let pages =
        pdf_extract::extract_text_from_mem_by_pages(pdf).expect("the PDF's text can be extracted");
    pages
        .iter()
        .map(|page| squash(&without_page_furniture(page)))
        .collect()
}

/// A page's text without its running header (the report title, then the chapter) and its
/// footer ("3 of 38"), so that a paragraph broken across pages reads as one.
fn without_page_furniture(page: &str) -> String {
    let mut lines: Vec<&str> = page
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let is_folio = |line: &str| {
        let mut parts = line.split(" of ");
        let number = |p: Option<&str>| {
            p.is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        };
        number(parts.next()) && number(parts.next()) && parts.next().is_none()
    };
    lines.retain(|line| !is_folio(line));
    if lines
        .first()
        .is_some_and(|l| l.starts_with(REPORT_TITLE_HEADER))
    {
        // The header is the report title then the chapter, on one line or two.
        let skip = if lines[0].len() > REPORT_TITLE_HEADER.len() {
            1
        } else {
            2
        };
        lines.drain(..skip.min(lines.len()));
    }
    lines.join("\n")
}

/// The title every project in the tests uses in its running header.
const REPORT_TITLE_HEADER: &str = "Consolidated Civil Society Report";

/// Reduces text to what survives line breaking: no white space, no invisible marks, straight
/// quotes, no hyphens (hyphenation adds them at line ends, so they are dropped on both sides).
#[must_use]
pub fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .filter(|c| !matches!(c, '\u{AD}' | '\u{2060}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '-' | '‐'))
        .map(|c| match c {
            '‘' | '’' => '\'',
            '“' | '”' => '"',
            c => c,
        })
        .collect()
}

#[path = "support/rng.rs"]
pub mod rng;

/// Runs the `consolidate` binary without colour and with no `SOURCE_DATE_EPOCH`, so that its
/// output is the same on every machine.
///
/// # Panics
///
/// When the binary cannot be started.
#[must_use]
pub fn consolidate(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_consolidate"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the binary runs")
}
