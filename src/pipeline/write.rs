//! The last stage: the outputs, written so that a reader (or a crash) never sees a half-written
//! file, and the JSON that other tools read.

use std::path::Path;

use serde::Serialize;

use crate::consolidate::{Consolidated, ConsolidatedEntry};
use crate::error::Error;
use crate::model::Date;
use crate::model::project::Project;

/// `out/consolidated.json`: the stable shape other tools read (fields may be added, never
/// removed): `{"entries": [{"kind", "text", "agenda", "regions", "sources": [{"region", "file",
/// "line", "text", ...}]}], ...}`.
#[must_use]
pub fn consolidated_json(project: &Project, consolidated: &Consolidated) -> String {
    #[derive(Serialize)]
    struct Region<'a> {
        id: &'a str,
        name: &'a str,
        file: &'a str,
        date: Date,
        end_date: Option<Date>,
        location: &'a str,
    }
    #[derive(Serialize)]
    struct Document<'a> {
        title: &'a str,
        date: Date,
        regions: Vec<Region<'a>>,
        entries: &'a [ConsolidatedEntry],
    }
    let settings = &project.settings.data;
    let document = Document {
        title: &settings.title,
        date: *settings.date.get_ref(),
        regions: project
            .submissions
            .iter()
            .map(|s| {
                let c = s.data.consultation.get_ref();
                Region {
                    id: &s.id,
                    name: s.region(),
                    file: &s.source.name,
                    date: *c.date.get_ref(),
                    end_date: c.end_date.as_ref().map(|d| *d.get_ref()),
                    location: c.location.get_ref(),
                }
            })
            .collect(),
        entries: &consolidated.entries,
    };
    let mut json = serde_json::to_string_pretty(&document).unwrap_or_default();
    json.push('\n');
    json
}

/// Writes every file to a temporary name beside its target, then renames them all: a reader
/// (or a crash) never sees a half-written PDF.
///
/// # Errors
///
/// [`Error::Io`] naming the file that could not be written.
pub fn write_atomically(files: &[(&Path, &[u8])]) -> Result<(), Error> {
    let mut staged = Vec::new();
    for (path, bytes) in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        if let Err(e) = std::fs::write(&temp, bytes) {
            for (temp, _) in &staged {
                let _ = std::fs::remove_file(temp);
            }
            let _ = std::fs::remove_file(&temp);
            return Err(Error::io("write", path, e));
        }
        staged.push((temp, *path));
    }
    for (temp, path) in &staged {
        std::fs::rename(temp, path).map_err(|e| Error::io("write", path, e))?;
    }
    Ok(())
}
