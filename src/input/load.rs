//! Stage 1, load: bytes → UTF-8 → TOML → typed model, for `report.toml` and every submission,
//! in parallel. Spans are kept; anything that cannot be read becomes a [`Diagnostic`] that
//! names the file, line and column and says what to write instead.

use std::fs;
use std::path::Path;

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::diagnostic::suggest::nearest_key;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::input::find::display_name;
use crate::input::schema::{Checker, report_schema, submission_schema};
use crate::model::project::{Project, ProjectFiles, Settings, Submission};
use crate::model::source::SourceFile;
use crate::model::{ReportSettings, SubmissionFile, fill_item_span};
use crate::progress::Progress;

/// The largest input file we read: far above any real submission, which is a few pages of
/// text, and low enough that a stray binary or log file cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;

/// Loads a whole project. Problems in the files go into `diagnostics`; `None` means some file
/// could not be read at all, and the caller should stop after showing them.
pub fn load_project(
    files: &ProjectFiles,
    diagnostics: &mut Diagnostics,
    progress: &dyn Progress,
) -> Option<Project> {
    let (settings, submissions) = rayon::join(
        || {
            let settings = load_settings(&files.root, &files.settings);
            progress.file_loaded();
            settings
        },
        || {
            files
                .submissions
                .par_iter()
                .map(|path| {
                    let submission = load_submission(&files.root, path);
                    progress.file_loaded();
                    submission
                })
                .collect::<Vec<_>>()
        },
    );
    let settings = keep(settings, diagnostics);
    let submissions: Vec<_> = submissions
        .into_iter()
        .map(|loaded| keep(loaded, diagnostics))
        .collect();
    let mut submissions: Vec<Submission> = submissions.into_iter().collect::<Option<_>>()?;
    let settings = settings?;
    submissions.sort_by(|a, b| {
        let date = |s: &Submission| *s.data.consultation.get_ref().date.get_ref();
        (date(a), &a.id, &a.source.name).cmp(&(date(b), &b.id, &b.source.name))
    });
    Some(Project {
        settings,
        submissions,
    })
}

/// A loaded file or the problems that kept it from loading, always with its source.
pub struct Loaded<T> {
    /// The file as read (empty when it could not be read at all).
    pub source: Option<SourceFile>,
    /// The content, when it parsed.
    pub value: Option<T>,
    /// What went wrong.
    pub diagnostics: Vec<Diagnostic>,
}

fn keep<T>(loaded: Loaded<T>, diagnostics: &mut Diagnostics) -> Option<T> {
    if let Some(source) = &loaded.source {
        diagnostics.add_source(source);
    }
    diagnostics.extend(loaded.diagnostics);
    loaded.value
}

/// Loads `report.toml`.
#[must_use]
pub fn load_settings(root: &Path, path: &Path) -> Loaded<Settings> {
    load_file::<ReportSettings>(root, path, report_schema())
        .map(|source, data| Settings { source, data })
}

/// Loads one submission, filling in its id from the file stem when it has none.
#[must_use]
pub fn load_submission(root: &Path, path: &Path) -> Loaded<Submission> {
    finish_submission(
        path,
        load_file::<SubmissionFile>(root, path, submission_schema()),
    )
}

/// Loads a submission from bytes already in memory (the fuzz target, editors' buffers).
#[must_use]
pub fn submission_from_bytes(name: &str, bytes: &[u8]) -> Loaded<Submission> {
    let path = Path::new(name);
    let loaded = parse_bytes::<SubmissionFile>(name, path, bytes, submission_schema());
    finish_submission(path, loaded)
}

/// Loads `report.toml` from bytes already in memory.
#[must_use]
pub fn settings_from_bytes(name: &str, bytes: &[u8]) -> Loaded<Settings> {
    parse_bytes::<ReportSettings>(name, Path::new(name), bytes, report_schema())
        .map(|source, data| Settings { source, data })
}

fn finish_submission(path: &Path, loaded: Loaded<SubmissionFile>) -> Loaded<Submission> {
    loaded.map(|source, mut data| {
        let id = match &data.consultation.get_ref().id {
            Some(id) => id.get_ref().clone(),
            None => path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        let outcomes = &mut data.outcomes;
        let items = outcomes
            .objectives
            .iter_mut()
            .chain(outcomes.key_points.iter_mut());
        items.for_each(fill_item_span);
        for plenary in &mut data.plenary {
            plenary.get_mut().points.iter_mut().for_each(fill_item_span);
        }
        for workshop in &mut data.workshop {
            let workshop = workshop.get_mut();
            workshop
                .issues
                .iter_mut()
                .chain(workshop.strategies.iter_mut())
                .for_each(fill_item_span);
        }
        Submission { id, source, data }
    })
}

impl<T> Loaded<T> {
    pub(crate) fn map<U>(self, f: impl FnOnce(SourceFile, T) -> U) -> Loaded<U> {
        match (self.source, self.value) {
            (Some(source), Some(value)) => Loaded {
                source: Some(source.clone()),
                value: Some(f(source, value)),
                diagnostics: self.diagnostics,
            },
            (source, _) => Loaded {
                source,
                value: None,
                diagnostics: self.diagnostics,
            },
        }
    }
}

/// Reads, decodes and parses one file.
pub(crate) fn load_file<T: DeserializeOwned>(
    root: &Path,
    path: &Path,
    schema: &serde_json::Value,
) -> Loaded<T> {
    let name = display_name(root, path);
    let fail = |diagnostic: Diagnostic, source: Option<SourceFile>| Loaded {
        source,
        value: None,
        diagnostics: vec![diagnostic],
    };
    let bytes = match read_limited(path) {
        Ok(bytes) => bytes,
        Err(ReadFailure::TooLarge(size)) => {
            return fail(
                Diagnostic::without_span(
                    Code::Unreadable,
                    &name,
                    format!(
                        "the file is {:.1} MB; a submission is at most {} MB",
                        size as f64 / 1e6,
                        MAX_FILE_BYTES / 1024 / 1024
                    ),
                )
                .with_help("check that this is the right file: a submission is a short text file"),
                None,
            );
        }
        Err(ReadFailure::NotRegular) => {
            return fail(
                Diagnostic::without_span(
                    Code::Unreadable,
                    &name,
                    "this is not a regular file (a pipe, socket, device or folder)",
                )
                .with_help("save the file on disk and name that file"),
                None,
            );
        }
        Err(ReadFailure::Io(err)) => {
            return fail(
                Diagnostic::without_span(
                    Code::Unreadable,
                    &name,
                    format!("the file cannot be read: {err}"),
                ),
                None,
            );
        }
    };
    parse_bytes(&name, path, &bytes, schema)
}

/// Decodes and parses one file's bytes; `name` is how messages show the file.
fn parse_bytes<T: DeserializeOwned>(
    name: &str,
    path: &Path,
    bytes: &[u8],
    schema: &serde_json::Value,
) -> Loaded<T> {
    let fail = |diagnostic: Diagnostic, source: Option<SourceFile>| Loaded {
        source,
        value: None,
        diagnostics: vec![diagnostic],
    };
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(not_text) => {
            let source = SourceFile::new(name, path, not_text.lossy);
            let start = not_text.offset;
            let end = source.text[start..]
                .chars()
                .next()
                .map_or(start, |c| start + c.len_utf8());
            let diagnostic = Diagnostic::new(
                Code::Unreadable,
                &source,
                start..end,
                format!("the file is not {} text", not_text.encoding),
            )
            .with_help("save the file as UTF-8 (in most editors: Save As… → Encoding → UTF-8)");
            return fail(diagnostic, Some(source));
        }
    };
    let source = SourceFile::new(name, path, text);
    let (value, diagnostics) = parse::<T>(&source, schema);
    Loaded {
        source: Some(source),
        value,
        diagnostics,
    }
}

enum ReadFailure {
    TooLarge(u64),
    /// A pipe, socket, device or folder: opening a pipe waits for a writer forever, and a
    /// device reads without end.
    NotRegular,
    Io(std::io::Error),
}

fn read_limited(path: &Path) -> Result<Vec<u8>, ReadFailure> {
    use std::io::Read;
    let meta = fs::metadata(path).map_err(ReadFailure::Io)?;
    if !meta.is_file() {
        return Err(ReadFailure::NotRegular);
    }
    let file = fs::File::open(path).map_err(ReadFailure::Io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadFailure::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let size = fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(ReadFailure::TooLarge(size));
    }
    Ok(bytes)
}

/// Why a file's bytes are not text, with the text as far as it could be read.
#[derive(Debug, PartialEq, Eq)]
struct NotText {
    /// The text with every undecodable part replaced by U+FFFD.
    lossy: String,
    /// The byte offset in `lossy` of the first replacement.
    offset: usize,
    /// The encoding the file claimed or was taken to be.
    encoding: &'static str,
}

/// UTF-8, with or without a byte-order mark, or UTF-16 (LE or BE) with one, as Notepad saves
/// "Unicode" files. The byte-order mark is dropped.
fn decode(bytes: &[u8]) -> Result<String, NotText> {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, u16::from_le_bytes, "UTF-16 LE");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, u16::from_be_bytes, "UTF-16 BE");
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(err) => Err(NotText {
            // The lossy text has the same prefix, so the offset of the first bad byte holds.
            lossy: String::from_utf8_lossy(bytes).into_owned(),
            offset: err.valid_up_to(),
            encoding: "UTF-8",
        }),
    }
}

fn decode_utf16(
    bytes: &[u8],
    unit: fn([u8; 2]) -> u16,
    encoding: &'static str,
) -> Result<String, NotText> {
    let pairs = bytes.chunks_exact(2);
    let odd_byte = !pairs.remainder().is_empty();
    let units = pairs.map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut bad = None;
    for c in char::decode_utf16(units) {
        let c = c.unwrap_or_else(|_| {
            bad.get_or_insert(text.len());
            char::REPLACEMENT_CHARACTER
        });
        text.push(c);
    }
    if odd_byte {
        bad.get_or_insert(text.len());
        text.push(char::REPLACEMENT_CHARACTER);
    }
    match bad {
        None => Ok(text),
        Some(offset) => Err(NotText {
            lossy: text,
            offset,
            encoding,
        }),
    }
}

/// Reads every line break inside a string value as `\n`. A file saved on Windows has CRLF line
/// ends, and TOML keeps them inside `"""` and `'''` strings; a lone CR (an old Mac file) is a
/// line break too. Only the values change: the source text, and so every span, line and column,
/// stays the file as written.
fn normalise_line_breaks(table: &mut toml::de::DeTable<'_>) {
    for (_, value) in table.iter_mut() {
        normalise_value(value.get_mut());
    }
}

fn normalise_value(value: &mut toml::de::DeValue<'_>) {
    match value {
        toml::de::DeValue::String(text) if text.contains('\r') => {
            *text = std::borrow::Cow::Owned(unify_line_breaks(text));
        }
        toml::de::DeValue::Table(table) => normalise_line_breaks(table),
        toml::de::DeValue::Array(array) => {
            for value in array.iter_mut() {
                normalise_value(value.get_mut());
            }
        }
        _ => {}
    }
}

/// CRLF and a lone CR become LF.
#[must_use]
pub fn unify_line_breaks(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// How many syntax errors of one file are shown: after the first few, the parser's recovery
/// mostly reports the consequences of the same slip.
const MAX_SYNTAX_ERRORS: usize = 10;

/// Parses TOML into the typed model, reporting every syntax error, unknown key, wrong type
/// and missing field at once (see [`crate::schema`]). The model is built whenever the
/// document could be repaired, even with errors, so that the remaining rules still run.
fn parse<T: DeserializeOwned>(
    source: &SourceFile,
    schema: &serde_json::Value,
) -> (Option<T>, Vec<Diagnostic>) {
    let (mut document, errors) = toml::de::DeTable::parse_recoverable(&source.text);
    normalise_line_breaks(document.get_mut());
    let mut found: Vec<Diagnostic> = errors
        .iter()
        .take(MAX_SYNTAX_ERRORS)
        .map(|e| syntax_diagnostic(source, e))
        .collect();
    if errors.len() > MAX_SYNTAX_ERRORS {
        let last = found.last().and_then(|d| d.span.clone()).unwrap_or(0..0);
        found.push(
            Diagnostic::new(
                Code::Syntax,
                source,
                last,
                format!(
                    "{} more syntax errors follow; fix the ones above first",
                    errors.len() - MAX_SYNTAX_ERRORS
                ),
            )
            .with_help("one slip (an unclosed quote or bracket) often causes many errors after it"),
        );
    }
    // A value the parser could not read is reported once, as the syntax error: what the
    // parser recovered in its place ("a date", "text") would only contradict it.
    let unreadable: Vec<std::ops::Range<usize>> =
        found.iter().filter_map(|d| d.span.clone()).collect();
    found.extend(
        Checker::new(schema, source, !errors.is_empty())
            .check_document(&mut document)
            .into_iter()
            .filter(|d| {
                d.code != Code::WrongType
                    || !d.span.as_ref().is_some_and(|span| {
                        unreadable.iter().any(|u| {
                            u.start < span.end.max(span.start + 1)
                                && span.start < u.end.max(u.start + 1)
                        })
                    })
            }),
    );
    match T::deserialize(toml::de::Deserializer::from(document)) {
        Ok(value) => (Some(value), found),
        Err(err) => {
            if !found.iter().any(Diagnostic::is_error) {
                found.push(schema_diagnostic(source, &err));
            }
            (None, found)
        }
    }
}

fn error_span(source: &SourceFile, err: &toml::de::Error) -> std::ops::Range<usize> {
    err.span().unwrap_or(0..source.text.len().min(1))
}

/// The line of `source` that holds byte `offset`, without its line break.
fn line_at(source: &SourceFile, offset: usize) -> &str {
    let text = &source.text;
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    text.get(start..end).unwrap_or("").trim_end_matches('\r')
}

/// Typographic quotes, which word processors and phones put in place of `"` and `'`.
const CURLY_QUOTES: [char; 8] = ['“', '”', '„', '‘', '’', '‚', '«', '»'];

/// Whether the value of a `key = value` line is a date written some other way than TOML's
/// year-month-day: `1/6/2013`, `2013-6-1`, `01.06.2013`.
fn looks_like_a_date(line: &str) -> bool {
    let Some((_, value)) = line.split_once('=') else {
        return false;
    };
    let value = value.split('#').next().unwrap_or("").trim();
    let parts: Vec<&str> = value.split(['-', '/', '.']).collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The help for a syntax error whose cause shows on its line, where the parser's own words
/// would mislead: typographic quotes, a control character, a date in another notation.
fn help_from_line(line: &str) -> Option<String> {
    // A typographic quote where a value starts: after `=`, `[`, `,` or `{`. One inside text
    // in straight quotes (`"Migrants’ rights"`) is only an apostrophe.
    let opening = line.char_indices().find(|&(i, c)| {
        CURLY_QUOTES.contains(&c) && line[..i].trim_end().ends_with(['=', '[', ',', '{'])
    });
    if let Some((_, quote)) = opening {
        return Some(format!(
            "the text is between typographic quotes ({quote}), which TOML does not read as quotes: type straight double quotes \"...\" (turn off smart quotes in your editor)"
        ));
    }
    if let Some(c) = line.chars().find(|&c| c.is_control() && c != '\t') {
        return Some(format!(
            "this line holds the invisible control character U+{:04X}, which is allowed nowhere in the file, not even in text: delete it (it often comes from copying out of another program)",
            u32::from(c)
        ));
    }
    looks_like_a_date(line).then(|| {
        "write the date as year-month-day, with two digits for the month and the day and without quotes: `date = 2013-06-01`".to_owned()
    })
}

fn syntax_diagnostic(source: &SourceFile, err: &toml::de::Error) -> Diagnostic {
    let message = err.message().trim().to_owned();
    let span = error_span(source, err);
    let from_line = help_from_line(line_at(source, span.start));
    let help = if let Some(help) = &from_line {
        help.as_str()
    } else if message.contains("duplicate key") {
        "each key may appear once in a table; remove or rename one of them"
    } else if message.contains("control character") || message.contains("invalid string") {
        "text may hold tabs and line breaks but no other control characters; remove them"
    } else if message.contains("basic string") || message.contains("literal string") {
        "close the text with the same quote it opened with, on the same line; use \"\"\"...\"\"\" for text over several lines"
    } else {
        "check the line against the example in `consolidate init`: text goes in \"quotes\", lists in [brackets], dates without quotes"
    };
    Diagnostic::new(
        Code::Syntax,
        source,
        span,
        format!("this is not valid TOML: {message}"),
    )
    .with_help(help)
}

/// Turns a serde message ("unknown field `x`, expected one of ...") into a diagnostic with a
/// code and a help text a host can act on.
fn schema_diagnostic(source: &SourceFile, err: &toml::de::Error) -> Diagnostic {
    let message = err.message().trim();
    let span = error_span(source, err);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, allowed) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed: Vec<&str> = allowed.split('`').skip(1).step_by(2).collect();
        let mut help = format!("the keys allowed here are: {}", allowed.join(", "));
        if let Some(nearest) = nearest_key(key, &allowed) {
            help = format!("did you mean `{nearest}`? {help}");
        }
        return Diagnostic::new(
            Code::UnknownKey,
            source,
            span,
            format!("unknown key `{key}`"),
        )
        .with_help(help);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        let diagnostic = Diagnostic::new(
            if field == "format" {
                Code::UnsupportedFormat
            } else {
                Code::MissingField
            },
            source,
            span,
            format!("the required field `{field}` is missing"),
        );
        return diagnostic.with_help(missing_field_help(field));
    }
    let help = if message.contains("datetime") || message.contains("date without a time") {
        "write the date without quotes, year-month-day: `date = 2013-06-07` (not \"June 7\")"
    } else if message.contains("expected a string, or a table") {
        "write the entry as text in quotes, or as a table: `{ text = \"...\", agenda = [1] }`"
    } else if message.contains("expected a string") {
        "put the text in double quotes: `key = \"...\"`"
    } else if message.contains("expected i64") || message.contains("expected u32") {
        "write a whole number without quotes, like `participants = 40` or `agenda = [1, 2]`"
    } else if message.contains("expected a sequence") {
        "write a list in square brackets, like `hosts = [\"First host\", \"Second host\"]`"
    } else if message.contains("unknown variant") {
        "use one of the values the message lists, in quotes"
    } else {
        "compare the value with the example in `consolidate init`"
    };
    Diagnostic::new(Code::WrongType, source, span, plain_serde_message(message)).with_help(help)
}

/// Rewrites serde's type names into words a host knows.
fn plain_serde_message(message: &str) -> String {
    message
        .replace("invalid type: ", "wrong type: found ")
        .replace("a TOML datetime", "a date")
        .replace("i64", "a whole number")
        .replace("u32", "a whole number, 0 or more")
        .replace("a sequence", "a list")
}

fn missing_field_help(field: &str) -> String {
    let example = match field {
        "format" => "format = 1",
        "consultation" => "[consultation] with region, date, location and hosts",
        "region" => "region = \"United States and Canada\"",
        "date" => "date = 2013-06-07",
        "location" => "location = \"Washington, D.C.\"",
        "hosts" => "hosts = [\"First host organisation\"]",
        "text" => "text = \"...\"",
        "title" => "title = \"...\"",
        "agenda" => "[[agenda]] tables with number, cluster and title",
        _ => return format!("add `{field} = ...` to this table"),
    };
    format!("add `{example}` to this table")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn a_pipe_is_refused_without_waiting_for_a_writer() {
        let dir = std::env::temp_dir().join(format!("consolidate-fifo-{}", std::process::id()));
        let _ = fs::create_dir_all(&dir);
        let fifo = dir.join("editorial.toml");
        let _ = fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return;
        }
        let (send, receive) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let _ = send.send(matches!(read_limited(&path), Err(ReadFailure::NotRegular)));
        });
        let refused = receive.recv_timeout(std::time::Duration::from_secs(10));
        let _ = fs::remove_file(&fifo);
        assert_eq!(
            refused,
            Ok(true),
            "reading a pipe must not wait for a writer"
        );
        assert!(matches!(
            read_limited(Path::new("/dev/null")),
            Err(ReadFailure::NotRegular)
        ));
    }

    #[test]
    fn byte_order_mark_is_dropped() {
        assert_eq!(decode(b"\xEF\xBB\xBFformat = 1").unwrap(), "format = 1");
        assert_eq!(decode(b"ok\xFF").map_err(|e| e.offset), Err(2));
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_decoded() {
        let text = "format = 1\r\ntitle = \"Çà 👩‍👩‍👧\"\r\n";
        let le: Vec<u8> = b"\xFF\xFE"
            .iter()
            .copied()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = b"\xFE\xFF"
            .iter()
            .copied()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&le).unwrap(), text);
        assert_eq!(decode(&be).unwrap(), text);
        // A lone surrogate and an odd last byte are refused at their place.
        let bad = decode(b"\xFF\xFEo\x00\x00\xD8k\x00").unwrap_err();
        assert_eq!((bad.offset, bad.encoding), (1, "UTF-16 LE"));
        assert_eq!(bad.lossy, "o\u{FFFD}k");
        let odd = decode(b"\xFE\xFF\x00o\x00").unwrap_err();
        assert_eq!((odd.offset, odd.lossy.as_str()), (1, "o\u{FFFD}"));
    }

    #[test]
    fn a_syntax_error_is_explained_by_what_its_line_holds() {
        let help = |line: &str| help_from_line(line).unwrap_or_default();
        assert!(help("region = “North”").contains("typographic quotes (“)"));
        assert!(help("hosts = [“A”, “B”]").contains("typographic quotes"));
        assert!(
            help("title = \"Migrants’ rights").is_empty(),
            "an apostrophe in text"
        );
        assert!(help("location = \"Os\0lo\"").contains("U+0000"));
        for date in [
            "date = 01/06/2013",
            "date = 2013-6-1",
            "end_date = 1.6.2013 # x",
        ] {
            assert!(help(date).contains("year-month-day"), "{date}");
        }
        assert!(help("participants = 40").is_empty());
    }

    #[test]
    fn line_breaks_in_strings_are_unified() {
        assert_eq!(unify_line_breaks("a\r\nb\rc\n"), "a\nb\nc\n");
    }
}
