//! `consolidate init ID`: a commented skeleton submission that validates as it stands, so a
//! host starts from something correct and only replaces the examples.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::input::find::find_settings;
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
/// [`Error::Usage`] when `id` is not a slug or its file already exists, [`Error::Project`]
/// when `root` has no `report.toml`, and [`Error::Io`] when a folder or file cannot be written.
pub fn init(root: &Path, id: &str) -> Result<Initialised, Error> {
    if !is_slug(id) {
        return Err(Error::usage(
            format!("\"{id}\" cannot be a submission id"),
            "use lowercase letters a-z, digits and hyphens, like `west-asia`",
        ));
    }
    // A folder without report.toml is not a project: a tree made there (a mistyped --root)
    // would only be found later, by a build that cannot use it.
    find_settings(root)?;
    let regions = root.join("regions");
    let path = regions.join(format!("{id}.toml"));
    let (date, agenda) = report_defaults(root);
    std::fs::create_dir_all(&regions).map_err(|e| Error::io("create the folder", &regions, e))?;
    match write_new(&path, &skeleton(id, date.as_deref(), agenda)) {
        Ok(true) => {}
        Ok(false) => {
            return Err(Error::usage(
                format!("{} already exists", path.display()),
                "choose another id, or edit the existing file",
            ));
        }
        Err(e) => return Err(Error::io("write", &path, e)),
    }

    let schema_path = root.join(SCHEMA_PATH);
    if let Some(dir) = schema_path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    }
    let schema = match write_new(&schema_path, &submission_schema_text()) {
        Ok(true) => Some(schema_path),
        Ok(false) => None,
        Err(e) => return Err(Error::io("write", &schema_path, e)),
    };
    Ok(Initialised {
        submission: path,
        schema,
    })
}

/// Writes a file that must not exist yet, in one step: checking first and writing after would
/// let a file made in between be overwritten. `false` when the file was already there.
fn write_new(path: &Path, text: &str) -> std::io::Result<bool> {
    use std::io::Write as _;
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(e),
    };
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(true)
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

/// The example texts the skeleton holds, for the host to replace. A submission that still holds
/// one would print it in the report, so validation warns about each (W012).
pub const PLACEHOLDERS: [&str; 11] = [
    TITLE,
    LOCATION,
    HOST,
    OBJECTIVE,
    KEY_POINT,
    PLENARY_TITLE,
    SPEAKER,
    POINT,
    WORKSHOP_TITLE,
    ISSUE,
    STRATEGY,
];

/// How the skeleton's example entries start: text that begins so was not written by a host.
pub const REPLACE_PREFIX: &str = "Replace this with";

const TITLE: &str = "Title of the consultation";
const LOCATION: &str = "City, Country";
const HOST: &str = "Host organisation";
const OBJECTIVE: &str = "To agree the region's priorities for the action agenda";
const KEY_POINT: &str = "Replace this with a key point of the discussion";
const PLENARY_TITLE: &str = "Opening plenary";
const SPEAKER: &str = "Name, Organisation";
const POINT: &str = "Replace this with a point made in the session";
const WORKSHOP_TITLE: &str = "Name of the workshop";
const ISSUE: &str = "Replace this with a priority issue the workshop raised";
const STRATEGY: &str = "Replace this with a strategy the workshop proposed";

/// Whether a text is one of the skeleton's examples, left as `init` wrote it.
#[must_use]
pub fn is_placeholder(text: &str) -> bool {
    let text = text.trim();
    text.starts_with(REPLACE_PREFIX) || PLACEHOLDERS.contains(&text)
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
title = "{TITLE}"   # optional
date = {date}                 # the first day, year-month-day, without quotes
# end_date = {date}           # optional: the last day, if it lasted several days
location = "{LOCATION}"
hosts = ["{HOST}"]     # at least one; separate several with commas
participants = 0                  # optional: how many took part
language = "en"                   # optional: the language of the text below (en, es, fr, ar, ...)
# contact = {{ name = "Your name", email = "you@example.org" }}   # optional

[outcomes]
objectives = [                    # what the consultation set out to do (optional)
  "{OBJECTIVE}",
]
key_points = [                    # what it concluded (optional)
  "{KEY_POINT}",
]

# One [[plenary]] block per plenary session (optional; copy the block for more).
[[plenary]]
title = "{PLENARY_TITLE}"
speakers = ["{SPEAKER}"]
points = [
  "{POINT}",
]

# One [[workshop]] block per workshop: the priority issues and the strategies it agreed.
# `agenda` lists the agenda points of report.toml that the entries address; an entry can say
# otherwise with {{ text = "...", agenda = [2] }}, and `agenda = []` marks it cross-cutting.
# An entry discussed in another language can carry it:
#   {{ text = "English text", original = "Texto original", original_lang = "es" }}
[[workshop]]
title = "{WORKSHOP_TITLE}"
agenda = [{agenda}]
issues = [
  "{ISSUE}",
]
strategies = [
  "{STRATEGY}",
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
