//! `consolidate init ID`: a commented skeleton submission that validates as it stands, so a
//! host starts from something correct and only replaces the examples.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::input::schema::submission_schema_text;
use crate::model::project::is_slug;

/// Where the shipped schema lives in a project, relative to the root.
pub const SCHEMA_PATH: &str = "schema/submission.schema.json";

/// What `init` wrote.
#[derive(Debug)]
pub struct Initialised {
    /// The new submission.
    pub submission: PathBuf,
    /// The schema file, when `init` had to write it.
    pub schema: Option<PathBuf>,
}

/// Writes `ROOT/regions/ID.toml`, and `ROOT/schema/submission.schema.json` when the project has
/// none, so that the skeleton's `#:schema` line resolves in the host's editor.
///
/// # Errors
///
/// [`Error::Usage`] when `id` is not a slug or its file already exists, and [`Error::Io`] when
/// a folder or file cannot be written.
pub fn init(root: &Path, id: &str) -> Result<Initialised, Error> {
    if !is_slug(id) {
        return Err(Error::usage(
            format!("\"{id}\" cannot be a submission id"),
            "use lowercase letters a-z, digits and hyphens, like `west-asia`",
        ));
    }
    let regions = root.join("regions");
    let path = regions.join(format!("{id}.toml"));
    if path.exists() {
        return Err(Error::usage(
            format!("{} already exists", path.display()),
            "choose another id, or edit the existing file",
        ));
    }
    let (date, agenda) = report_defaults(root);
    std::fs::create_dir_all(&regions).map_err(|e| Error::io("create the folder", &regions, e))?;
    std::fs::write(&path, skeleton(id, date.as_deref(), agenda))
        .map_err(|e| Error::io("write", &path, e))?;

    let schema_path = root.join(SCHEMA_PATH);
    let schema = if schema_path.exists() {
        None
    } else {
        if let Some(dir) = schema_path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
        }
        std::fs::write(&schema_path, submission_schema_text())
            .map_err(|e| Error::io("write", &schema_path, e))?;
        Some(schema_path)
    };
    Ok(Initialised {
        submission: path,
        schema,
    })
}

/// The hearings date and the first agenda point of `report.toml`, when it can be read: the
/// skeleton uses them so that it validates against this project.
fn report_defaults(root: &Path) -> (Option<String>, i64) {
    let Ok(text) = std::fs::read_to_string(root.join("report.toml")) else {
        return (None, 1);
    };
    let Ok(table) = toml::from_str::<toml::Table>(&text) else {
        return (None, 1);
    };
    let date = table
        .get("date")
        .and_then(|d| d.as_datetime())
        .map(ToString::to_string);
    let agenda = table
        .get("agenda")
        .and_then(|a| a.as_array())
        .and_then(|a| a.first())
        .and_then(|p| p.get("number"))
        .and_then(toml::Value::as_integer)
        .unwrap_or(1);
    (date, agenda)
}

/// "west-asia" → "West Asia": a first guess at the display name, for the host to correct.
fn region_name(id: &str) -> String {
    id.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The skeleton's text.
#[must_use]
pub fn skeleton(id: &str, date: Option<&str>, agenda: i64) -> String {
    let date = date.unwrap_or("2013-06-07");
    let region = region_name(id);
    format!(
        r#"#:schema ../{SCHEMA_PATH}
# The submission of one regional consultation, in format 1.
# Replace every example below with what your consultation said, then check the file:
#     consolidate validate regions/{id}.toml
# Text goes between "double quotes"; lists go in [square brackets]; dates have no quotes.

format = 1                        # the version of this format: leave it at 1

[consultation]
id = "{id}"                       # the file's short name: lowercase letters, digits, hyphens
region = "{region}"               # the region's name as the report should print it
title = "Title of the consultation"   # optional
date = {date}                 # the first day, year-month-day, without quotes
# end_date = {date}           # optional: the last day, if it lasted several days
location = "City, Country"
hosts = ["Host organisation"]     # at least one; separate several with commas
participants = 0                  # optional: how many took part
language = "en"                   # optional: the language of the text below (en, es, fr, ar, ...)
# contact = {{ name = "Your name", email = "you@example.org" }}   # optional

[outcomes]
objectives = [                    # what the consultation set out to do (optional)
  "To agree the region's priorities for the action agenda",
]
key_points = [                    # what it concluded (optional)
  "Replace this with a key point of the discussion",
]

# One [[plenary]] block per plenary session (optional; copy the block for more).
[[plenary]]
title = "Opening plenary"
speakers = ["Name, Organisation"]
points = [
  "Replace this with a point made in the session",
]

# One [[workshop]] block per workshop: the priority issues and the strategies it agreed.
# `agenda` lists the agenda points of report.toml that the entries address; an entry can say
# otherwise with {{ text = "...", agenda = [2] }}, and `agenda = []` marks it cross-cutting.
# An entry discussed in another language can carry it:
#   {{ text = "English text", original = "Texto original", original_lang = "es" }}
[[workshop]]
title = "Name of the workshop"
agenda = [{agenda}]
issues = [
  "Replace this with a priority issue the workshop raised",
]
strategies = [
  "Replace this with a strategy the workshop proposed",
]
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_guessed_from_the_id() {
        assert_eq!(region_name("west-asia"), "West Asia");
        assert_eq!(region_name("us-canada"), "Us Canada");
    }
}
