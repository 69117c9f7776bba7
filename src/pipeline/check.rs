//! One submission checked in memory against a `report.toml`: what the validator page runs in
//! the browser (compiled to WebAssembly, see `validator/`). In: the two files' names and bytes.
//! Out: the same diagnostics as `consolidate validate --format json` gives for that file, and,
//! once nothing is an error, a preview of the entries as the report will file them.

use serde::Serialize;

use crate::diagnostic::Diagnostics;
use crate::input::load::{Loaded, settings_from_bytes, submission_from_bytes};
use crate::model::entry::{EntryKind, entries_of};
use crate::model::project::{Project, Submission, derived_code};
use crate::validate::validate_project;

/// A submission checked on its own: its problems, and what the report would make of it.
#[derive(Debug)]
pub struct Checked {
    /// The problems in the submission and in `report.toml`, sorted as the command line sorts
    /// them.
    pub diagnostics: Diagnostics,
    /// The entries by agenda point; `None` while any problem is an error.
    pub preview: Option<Preview>,
}

/// A clean submission's entries as the report groups them, so that a host sees where each of
/// their entries will be printed before they send the file.
#[derive(Debug, Serialize)]
pub struct Preview {
    /// The region's name.
    pub region: String,
    /// The label printed beside each of its entries.
    pub label: String,
    /// The agenda points, in the report's order, each with the entries filed under it.
    pub points: Vec<PreviewPoint>,
    /// The entries mapped to no agenda point: the report's cross-cutting chapter.
    pub cross_cutting: Vec<PreviewEntry>,
}

/// One agenda point of the preview.
#[derive(Debug, Serialize)]
pub struct PreviewPoint {
    /// The number hosts write in `agenda = [...]`.
    pub number: i64,
    /// The chapter it belongs to.
    pub cluster: String,
    /// The point itself.
    pub title: String,
    /// The submission's entries filed under it, in the order they were written.
    pub entries: Vec<PreviewEntry>,
}

/// One entry of the preview.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewEntry {
    /// Issue or strategy.
    pub kind: EntryKind,
    /// The wording.
    pub text: String,
    /// The line its text starts on, to find it in the file.
    pub line: usize,
    /// The workshop it came from.
    pub workshop: Option<String>,
}

impl Checked {
    /// `{"diagnostics": [...], "errors": N, "warnings": N, "preview": {...} | null}`: the
    /// command line's JSON with the preview beside it.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        let mut json = self.diagnostics.to_json();
        json["preview"] = serde_json::to_value(&self.preview).unwrap_or_default();
        json
    }
}

/// Checks the submission `name` against `report.toml` as `consolidate validate FILE` does:
/// the same loading, the same rules, the same order. `name` is how messages show the file,
/// and its stem is the submission's id when it gives none.
#[must_use]
pub fn check_submission(
    settings_name: &str,
    settings: &[u8],
    name: &str,
    submission: &[u8],
) -> Checked {
    let mut diagnostics = Diagnostics::default();
    let settings = keep(
        settings_from_bytes(settings_name, settings),
        &mut diagnostics,
    );
    let submission = keep(submission_from_bytes(name, submission), &mut diagnostics);
    let mut preview = None;
    if let (Some(settings), Some(submission)) = (settings, submission) {
        let project = Project {
            settings,
            submissions: vec![submission],
        };
        validate_project(&project, &mut diagnostics);
        if !diagnostics.has_errors() {
            preview = Some(preview_of(&project, &project.submissions[0]));
        }
    }
    Checked {
        diagnostics: diagnostics.sorted(),
        preview,
    }
}

/// The loaded value, its source and problems kept in `diagnostics`.
fn keep<T>(loaded: Loaded<T>, diagnostics: &mut Diagnostics) -> Option<T> {
    if let Some(source) = &loaded.source {
        diagnostics.add_source(source);
    }
    diagnostics.extend(loaded.diagnostics);
    loaded.value
}

/// The submission's entries under each agenda point of `report.toml`, in the report's order.
fn preview_of(project: &Project, submission: &Submission) -> Preview {
    let consultation = submission.data.consultation.get_ref();
    let label = match &consultation.short {
        Some(short) if !short.get_ref().trim().is_empty() => short.get_ref().trim().to_owned(),
        _ => derived_code(submission.region()),
    };
    let entries = entries_of(submission);
    let shown = |entry: &crate::model::entry::Entry| PreviewEntry {
        kind: entry.kind,
        text: entry.text.clone(),
        line: entry.line,
        workshop: entry.workshop.clone(),
    };
    let points = project
        .settings
        .data
        .agenda
        .iter()
        .map(|point| {
            let point = point.get_ref();
            let number = *point.number.get_ref();
            PreviewPoint {
                number,
                cluster: point.cluster.clone(),
                title: point.title.clone(),
                entries: entries
                    .iter()
                    .filter(|e| e.agenda.contains(&number))
                    .map(shown)
                    .collect(),
            }
        })
        .collect();
    Preview {
        region: submission.region().to_owned(),
        label,
        points,
        cross_cutting: entries
            .iter()
            .filter(|e| e.agenda.is_empty())
            .map(shown)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = include_str!("../../tests/fixtures/rules/report.toml");

    #[test]
    fn a_clean_submission_is_previewed_under_its_agenda_points() {
        let submission = "format = 1\n\
            [consultation]\nregion = \"Latin America and the Caribbean\"\n\
            date = 2013-05-01\nlocation = \"Quito\"\nhosts = [\"A\"]\n\
            [[workshop]]\ntitle = \"Work\"\nagenda = [1]\n\
            issues = [\"Wage theft\", { text = \"Everywhere\", agenda = [] }]\n\
            strategies = [\"Inspections\"]\n";
        let checked = check_submission(
            "report.toml",
            REPORT.as_bytes(),
            "lac.toml",
            submission.as_bytes(),
        );
        assert!(
            !checked.diagnostics.has_errors(),
            "{:?}",
            checked.diagnostics
        );
        let preview = checked.preview.unwrap();
        assert_eq!(preview.label, "LAC");
        let first = &preview.points[0];
        assert_eq!(first.number, 1);
        let texts: Vec<&str> = first.entries.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["Wage theft", "Inspections"]);
        assert_eq!(preview.cross_cutting[0].text, "Everywhere");
        assert_eq!(preview.cross_cutting[0].line, 10);
    }

    #[test]
    fn a_submission_with_an_error_has_no_preview() {
        let checked = check_submission("report.toml", REPORT.as_bytes(), "x.toml", b"format = 2\n");
        assert!(checked.diagnostics.has_errors());
        assert!(checked.preview.is_none());
        assert!(checked.to_json()["preview"].is_null());
    }
}
