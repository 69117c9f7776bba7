//! `consolidate validator`: one HTML file that checks a submission in the browser, offline,
//! with this project's rules. In: the project's `report.toml`. Out: `out/validator.html`, the
//! page of `validator/page.html` with the report and the validation (WebAssembly, built from
//! `validator/` and committed as `validator/consolidate-validator.wasm`) written into it.
//!
//! The page is one file so that staff can email it and hosts open it by double-click; it loads
//! nothing and its Content-Security-Policy forbids every request, so nothing a host types
//! leaves their machine.

use std::path::{Path, PathBuf};

use base64::Engine as _;

use crate::diagnostic::Diagnostics;
use crate::error::Error;
use crate::input::find::find_settings;
use crate::input::load::load_settings;
use crate::model::project::{Project, Settings};
use crate::pipeline::write::write_atomically;
use crate::validate::validate_project;

/// The file the page is written to, in the output folder.
pub const VALIDATOR_FILE: &str = "validator.html";

/// The crate's validation for `wasm32-unknown-unknown`, as `.ci/wasm` builds it; `.ci/wasm`
/// fails when this copy is not what the sources build.
pub static VALIDATOR_WASM: &[u8] = include_bytes!("../../validator/consolidate-validator.wasm");

/// The page: markup, style and script, with `{{title}}`, `{{report}}` and `{{wasm}}` to fill.
const PAGE: &str = include_str!("../../validator/page.html");

/// Writes the validator page for the project at `root` into `out`, and returns its path.
///
/// # Errors
///
/// [`Error::Input`] when `report.toml` has errors (the page would check against a broken
/// agenda); [`Error::Project`] or [`Error::Io`] when it cannot be found, read or written.
pub fn write_validator(root: &Path, out: &Path) -> Result<PathBuf, Error> {
    let settings = checked_settings(root)?;
    let page = validator_page(&settings);
    std::fs::create_dir_all(out).map_err(|e| Error::io("create the folder", out, e))?;
    let path = out.join(VALIDATOR_FILE);
    write_atomically(&[(&path, page.as_bytes())])?;
    Ok(path)
}

/// `report.toml`, loaded and checked by the same rules as `validate` runs on it.
fn checked_settings(root: &Path) -> Result<Settings, Error> {
    let path = find_settings(root)?;
    let loaded = load_settings(root, &path);
    let mut diagnostics = Diagnostics::default();
    if let Some(source) = &loaded.source {
        diagnostics.add_source(source);
    }
    diagnostics.extend(loaded.diagnostics);
    let Some(settings) = loaded.value else {
        return Err(Error::Input(Box::new(diagnostics.sorted())));
    };
    let project = Project {
        settings,
        submissions: Vec::new(),
    };
    validate_project(&project, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(Error::Input(Box::new(diagnostics.sorted())));
    }
    Ok(project.settings)
}

/// The page for a `report.toml`: its text travels inside the page, so the browser checks
/// against exactly the agenda, limits and languages the command line checks against.
#[must_use]
pub fn validator_page(settings: &Settings) -> String {
    let report = serde_json::json!({ "name": settings.source.name, "text": settings.source.text });
    // `<` is escaped so that no text in report.toml can close the script element holding it.
    let report = report.to_string().replace('<', "\\u003c");
    let wasm = base64::engine::general_purpose::STANDARD.encode(VALIDATOR_WASM);
    fill(
        PAGE,
        &[
            ("title", &html_text(&settings.data.title)),
            ("report", &report),
            ("wasm", &wasm),
        ],
    )
}

/// The template with each `{{key}}` replaced, in one pass: a value is never searched again, so
/// a report title holding `{{wasm}}` stays text.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut page =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}").map(|e| start + e) else {
            break;
        };
        let key = &rest[start + 2..end];
        match values.iter().find(|(k, _)| *k == key) {
            Some((_, value)) => {
                page.push_str(&rest[..start]);
                page.push_str(value);
            }
            None => page.push_str(&rest[..end + 2]),
        }
        rest = &rest[end + 2..];
    }
    page.push_str(rest);
    page
}

/// Text for HTML: the report's title is data, never markup.
fn html_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_each_key_once_and_never_inside_a_value() {
        let page = fill(
            "<h1>{{title}}</h1>{{report}}{{other}}",
            &[("title", "{{report}}"), ("report", "R")],
        );
        assert_eq!(page, "<h1>{{report}}</h1>R{{other}}");
    }

    #[test]
    fn a_title_is_text_in_the_page() {
        assert_eq!(
            html_text("<b>Migrants' & \"rights\"</b>"),
            "&lt;b&gt;Migrants&#39; &amp; &quot;rights&quot;&lt;/b&gt;"
        );
    }
}
