//! Problems found in the input, as data: collected from every stage, sorted, then shown once,
//! either for people (with the source line and a caret, as rustc and Typst show them) or as
//! JSON for other tools.

use std::collections::BTreeMap;
use std::ops::Range;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

use crate::model::source::SourceFile;

pub mod suggest;

/// Whether a problem stops the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build refuses to go on.
    Error,
    /// Reported; the build goes on (unless `--strict`).
    Warning,
}

/// The stable code of each rule, so that hosts and tools can look a problem up and refer to it.
///
/// The codes never change meaning; new rules get new codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The file could not be read, or is not UTF-8.
    Unreadable,
    /// The file is not valid TOML.
    Syntax,
    /// A value has the wrong type.
    WrongType,
    /// A key the format does not define.
    UnknownKey,
    /// A required field is missing, or a required list is empty.
    MissingField,
    /// `format` is missing or names a version this compiler does not know.
    UnsupportedFormat,
    /// `id` is not a slug.
    BadId,
    /// Two submissions use the same `id`.
    DuplicateId,
    /// An agenda number that `report.toml` does not define.
    UnknownAgendaPoint,
    /// Empty or whitespace-only text.
    EmptyText,
    /// `end_date` before `date`, or `date` after the hearings.
    BadDate,
    /// `original` without `original_lang`.
    OriginalWithoutLanguage,
    /// Control characters other than tab and newline.
    ControlCharacter,
    /// The typesetter could not produce the report.
    Typesetting,
    /// An entry longer than the limit.
    LongEntry,
    /// A workshop with issues but no strategies, or with neither.
    UnbalancedWorkshop,
    /// The same entry twice in one submission.
    RepeatedEntry,
    /// An issue or strategy mapped to no agenda point.
    CrossCutting,
    /// Zero-width or bidi control characters in text.
    InvisibleCharacter,
    /// A warning from the typesetter (layout, fonts).
    TypesetterWarning,
    /// A character that no available font can print: it would show as an empty box.
    MissingGlyph,
    /// Text that runs out of its table cell, box or page.
    LayoutOverflow,
    /// A `[dedup]` setting of `report.toml` out of its range.
    BadSetting,
    /// A decision in `editorial.toml` that cannot be applied as written: a reference that is
    /// not one, a merge of a single entry, an issue merged with a strategy, an empty wording.
    BadDecision,
    /// Decisions in `editorial.toml` that contradict each other.
    ConflictingDecisions,
    /// An agenda point numbered below 1.
    BadAgendaNumber,
    /// A `language` or `original_lang` that is not a BCP 47 tag.
    BadLanguageTag,
    /// Two submissions use the same `short` label.
    DuplicateLabel,
    /// Two agenda points of `report.toml` have the same number.
    DuplicateAgendaPoint,
    /// A distinct set of `[lexicon]` names a concept no `[[lexicon.concept]]` defines.
    UnknownConcept,
    /// A term of `[lexicon]` that is empty, too long, only function words, or another
    /// concept's already.
    BadTerm,
    /// A file in `regions/` that is not read as a submission (another extension, a folder,
    /// a broken link, a name that is not text).
    SkippedFile,
    /// A decision in `editorial.toml` that no longer matches any entry.
    StaleDecision,
    /// A decision in `editorial.toml` that matched an entry whose wording has changed.
    ChangedEntry,
    /// Example text left from the skeleton `consolidate init` writes ("City, Country"), which
    /// would print in the report as if a host had written it.
    SkeletonText,
    /// An entry too long to typeset in reasonable time and memory.
    EntryTooLong,
}

impl Code {
    /// Every code, in the order of the documentation.
    pub const ALL: [Code; 36] = [
        Code::Unreadable,
        Code::Syntax,
        Code::WrongType,
        Code::UnknownKey,
        Code::MissingField,
        Code::UnsupportedFormat,
        Code::BadId,
        Code::DuplicateId,
        Code::UnknownAgendaPoint,
        Code::EmptyText,
        Code::BadDate,
        Code::OriginalWithoutLanguage,
        Code::ControlCharacter,
        Code::Typesetting,
        Code::LongEntry,
        Code::UnbalancedWorkshop,
        Code::RepeatedEntry,
        Code::CrossCutting,
        Code::InvisibleCharacter,
        Code::TypesetterWarning,
        Code::MissingGlyph,
        Code::LayoutOverflow,
        Code::BadSetting,
        Code::BadDecision,
        Code::ConflictingDecisions,
        Code::StaleDecision,
        Code::ChangedEntry,
        Code::BadAgendaNumber,
        Code::BadLanguageTag,
        Code::DuplicateLabel,
        Code::DuplicateAgendaPoint,
        Code::UnknownConcept,
        Code::BadTerm,
        Code::SkippedFile,
        Code::SkeletonText,
        Code::EntryTooLong,
    ];

    /// The code as printed: `E001`, `W003`, ...
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Unreadable => "E001",
            Code::Syntax => "E002",
            Code::WrongType => "E003",
            Code::UnknownKey => "E004",
            Code::MissingField => "E005",
            Code::UnsupportedFormat => "E006",
            Code::BadId => "E007",
            Code::DuplicateId => "E008",
            Code::UnknownAgendaPoint => "E009",
            Code::EmptyText => "E010",
            Code::BadDate => "E011",
            Code::OriginalWithoutLanguage => "E012",
            Code::ControlCharacter => "E013",
            Code::Typesetting => "E014",
            Code::LongEntry => "W001",
            Code::UnbalancedWorkshop => "W002",
            Code::RepeatedEntry => "W003",
            Code::CrossCutting => "W004",
            Code::InvisibleCharacter => "W005",
            Code::TypesetterWarning => "W006",
            Code::MissingGlyph => "W007",
            Code::LayoutOverflow => "W008",
            Code::BadSetting => "E015",
            Code::BadDecision => "E016",
            Code::ConflictingDecisions => "E017",
            Code::StaleDecision => "W009",
            Code::ChangedEntry => "W010",
            Code::BadAgendaNumber => "E018",
            Code::BadLanguageTag => "E019",
            Code::DuplicateLabel => "E020",
            Code::DuplicateAgendaPoint => "E021",
            Code::UnknownConcept => "E022",
            Code::BadTerm => "E023",
            Code::SkippedFile => "W011",
            Code::SkeletonText => "W012",
            Code::EntryTooLong => "E024",
        }
    }

    /// The severity a rule has unless `--strict` raises it.
    #[must_use]
    pub fn severity(self) -> Severity {
        match self {
            Code::LongEntry
            | Code::UnbalancedWorkshop
            | Code::RepeatedEntry
            | Code::CrossCutting
            | Code::InvisibleCharacter
            | Code::TypesetterWarning
            | Code::MissingGlyph
            | Code::LayoutOverflow
            | Code::StaleDecision
            | Code::ChangedEntry
            | Code::SkippedFile
            | Code::SkeletonText => Severity::Warning,
            Code::Unreadable
            | Code::Syntax
            | Code::WrongType
            | Code::UnknownKey
            | Code::MissingField
            | Code::UnsupportedFormat
            | Code::BadId
            | Code::DuplicateId
            | Code::UnknownAgendaPoint
            | Code::EmptyText
            | Code::BadDate
            | Code::OriginalWithoutLanguage
            | Code::ControlCharacter
            | Code::Typesetting
            | Code::BadSetting
            | Code::BadDecision
            | Code::ConflictingDecisions
            | Code::BadAgendaNumber
            | Code::BadLanguageTag
            | Code::DuplicateLabel
            | Code::DuplicateAgendaPoint
            | Code::UnknownConcept
            | Code::BadTerm
            | Code::EntryTooLong => Severity::Error,
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem, with everything needed to show it without the rest of the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The rule that caught it.
    pub code: Code,
    /// What is wrong, in plain words.
    pub message: String,
    /// The file it is in, as shown to the user (`regions/x.toml`); empty for project-wide problems.
    pub file: String,
    /// Byte range in the file, when the problem has a place.
    pub span: Option<Range<usize>>,
    /// What to write instead.
    pub help: Option<String>,
    /// Other places that matter, e.g. the other file that uses the same id.
    pub related: Vec<Related>,
}

/// A secondary place shown with a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The file, as shown to the user.
    pub file: String,
    /// Byte range in that file.
    pub span: Range<usize>,
    /// What this place is.
    pub message: String,
}

impl Diagnostic {
    /// A problem of the rule's own severity at a place in a file.
    pub fn new(
        code: Code,
        file: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            message: message.into(),
            file: file.name.clone(),
            span: Some(span),
            help: None,
            related: Vec::new(),
        }
    }

    /// A problem with no place in a source file (I/O, the typesetter).
    pub fn without_span(code: Code, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            message: message.into(),
            file: file.into(),
            span: None,
            help: None,
            related: Vec::new(),
        }
    }

    /// Adds the text that tells the user what to do.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary place.
    #[must_use]
    pub fn with_related(
        mut self,
        file: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            file: file.name.clone(),
            span,
            message: message.into(),
        });
        self
    }

    /// Whether this problem stops the build.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// All problems of a run, with the sources they point into.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    /// The problems, in the order they will be shown once [`Diagnostics::sort`] ran.
    pub diagnostics: Vec<Diagnostic>,
    sources: BTreeMap<String, SourceFile>,
}

impl Diagnostics {
    /// Remembers a source so that diagnostics pointing into it can show its lines.
    pub fn add_source(&mut self, file: &SourceFile) {
        self.sources
            .entry(file.name.clone())
            .or_insert_with(|| file.clone());
    }

    /// Adds problems.
    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(diagnostics);
    }

    /// Turns every warning into an error (`--strict`).
    pub fn make_strict(&mut self) {
        for d in &mut self.diagnostics {
            d.severity = Severity::Error;
        }
    }

    /// Orders problems by file, then position, then code, so output never depends on threads.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            let pos = |d: &Diagnostic| d.span.as_ref().map_or(0, |s| s.start);
            (&a.file, pos(a), a.code, &a.message).cmp(&(&b.file, pos(b), b.code, &b.message))
        });
        self.diagnostics.dedup();
    }

    /// The problems, sorted: for a result handed back whole.
    #[must_use]
    pub fn sorted(mut self) -> Diagnostics {
        self.sort();
        self
    }

    /// How many problems are errors.
    #[must_use]
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// How many problems are warnings.
    #[must_use]
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// Whether any problem stops the build.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// The position of a diagnostic's start and end, 1-based, when it has a place.
    fn positions(
        &self,
        d: &Diagnostic,
    ) -> Option<(crate::model::source::LineCol, crate::model::source::LineCol)> {
        let file = self.sources.get(&d.file)?;
        let span = d.span.as_ref()?;
        Some((file.line_col(span.start), file.line_col(span.end)))
    }

    /// The problems for people: rustc-style, with the source line and a caret under the span.
    /// Colour only when `color` is true (the CLI decides: a terminal, and no `NO_COLOR`).
    #[must_use]
    pub fn render_human(&self, color: bool) -> String {
        let mut files = SimpleFiles::new();
        let shown: BTreeMap<&str, Shown> = self
            .sources
            .values()
            .map(|f| (f.name.as_str(), Shown::new(&f.text)))
            .collect();
        let ids: BTreeMap<&str, usize> = shown
            .iter()
            .map(|(&name, shown)| (name, files.add(name.to_owned(), shown.text.clone())))
            .collect();
        let span_in = |file: &str, span: &Range<usize>| {
            shown
                .get(file)
                .map_or_else(|| span.clone(), |shown| shown.span(span))
        };
        let config = term::Config::default();
        let mut buffer = if color {
            termcolor::Buffer::ansi()
        } else {
            termcolor::Buffer::no_color()
        };
        for d in &self.diagnostics {
            let mut cs_diag = match d.severity {
                Severity::Error => cs::Diagnostic::error(),
                Severity::Warning => cs::Diagnostic::warning(),
            }
            .with_code(d.code.as_str())
            .with_message(visible(&d.message));
            let mut labels = Vec::new();
            match (ids.get(d.file.as_str()), &d.span) {
                (Some(&id), Some(span)) => {
                    labels.push(cs::Label::primary(id, span_in(&d.file, span)));
                }
                _ if !d.file.is_empty() => {
                    cs_diag.notes.push(format!("in {}", visible(&d.file)));
                }
                _ => {}
            }
            for r in &d.related {
                if let Some(&id) = ids.get(r.file.as_str()) {
                    labels.push(
                        cs::Label::secondary(id, span_in(&r.file, &r.span))
                            .with_message(visible(&r.message)),
                    );
                } else {
                    cs_diag
                        .notes
                        .push(visible(&format!("{}: {}", r.file, r.message)));
                }
            }
            cs_diag = cs_diag.with_labels(labels);
            if let Some(help) = &d.help {
                cs_diag.notes.push(visible(&format!("help: {help}")));
            }
            // Rendering into memory cannot fail for files we registered ourselves; should it
            // ever, fall back to a plain line so that no problem goes unreported.
            if term::emit(&mut buffer, &config, &files, &cs_diag).is_err() {
                let plain = format!(
                    "{}[{}]: {} ({})\n",
                    severity_word(d.severity),
                    d.code,
                    d.message,
                    d.file
                );
                let _ = std::io::Write::write_all(&mut buffer, plain.as_bytes());
            }
        }
        String::from_utf8_lossy(buffer.as_slice()).into_owned()
    }

    /// The problems as the documented JSON object:
    /// `{"diagnostics": [{file, line, column, end_line, end_column, severity, code, message, help}], "errors": N, "warnings": N}`.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        let diagnostics: Vec<_> = self
            .diagnostics
            .iter()
            .map(|d| {
                let (start, end) = self.positions(d).unzip();
                serde_json::json!({
                    "file": d.file,
                    "line": start.map(|p| p.line),
                    "column": start.map(|p| p.column),
                    "end_line": end.map(|p| p.line),
                    "end_column": end.map(|p| p.column),
                    "severity": d.severity,
                    "code": d.code.as_str(),
                    "message": d.message,
                    "help": d.help,
                })
            })
            .collect();
        serde_json::json!({
            "diagnostics": diagnostics,
            "errors": self.errors(),
            "warnings": self.warnings(),
        })
    }

    /// One line that sums the run up, e.g. "2 errors, 1 warning".
    #[must_use]
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}, {}",
            plural(self.errors(), "error"),
            plural(self.warnings(), "warning")
        )
    }
}

/// Whether a character would act on the terminal instead of showing (ESC starts a control
/// sequence, CR returns to the start of the line, BEL rings): every control character except
/// the tab and the line break, and a CR that does not end a line.
fn acts_on_terminal(c: char, next: Option<char>) -> bool {
    c.is_control() && c != '\t' && c != '\n' && !(c == '\r' && next == Some('\n'))
}

/// Text from a file as a terminal may show it: a control character is written as its escape
/// (`\u{1b}`), so that a stray ESC in a submission cannot recolour or clear the terminal.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if acts_on_terminal(c, chars.peek().copied()) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// How many characters of one source line are shown: a line of a megabyte (one long entry
/// on one line) would otherwise be echoed whole, with a megabyte of carets under it.
const SHOWN_LINE_CHARS: usize = 160;

/// What stands for the rest of a line cut at [`SHOWN_LINE_CHARS`].
const CUT: &str = " …";

/// A source file as shown with its diagnostics: [`visible`] text, each line cut after
/// [`SHOWN_LINE_CHARS`] characters, and where each byte offset of the file went in it, so that
/// carets still point at the right characters (or at the cut, for those cut off).
struct Shown {
    text: String,
    /// For each byte offset of the file (and its end), the offset in `text`; `None` when the
    /// file had nothing to escape or cut and offsets are the same.
    offsets: Option<Vec<usize>>,
}

impl Shown {
    fn new(text: &str) -> Shown {
        let mut chars = text.chars().peekable();
        let mut any = false;
        let mut column = 0;
        while let Some(c) = chars.next() {
            any |= acts_on_terminal(c, chars.peek().copied());
            column = if c == '\n' { 0 } else { column + 1 };
            any |= column > SHOWN_LINE_CHARS;
        }
        if !any {
            return Shown {
                text: text.to_owned(),
                offsets: None,
            };
        }
        let mut shown = String::with_capacity(text.len().min(1 << 20) + 16);
        let mut offsets = vec![0; text.len() + 1];
        let mut chars = text.char_indices().peekable();
        let mut column = 0;
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|&(_, c)| c);
            if c == '\n' {
                column = 0;
            } else {
                column += 1;
                if column > SHOWN_LINE_CHARS {
                    if column == SHOWN_LINE_CHARS + 1 {
                        shown.push_str(CUT);
                    }
                    // Everything cut off points at the cut.
                    offsets[i..i + c.len_utf8()].fill(shown.len() - CUT.len() + 1);
                    continue;
                }
            }
            offsets[i..i + c.len_utf8()].fill(shown.len());
            if acts_on_terminal(c, next) {
                shown.push_str(&c.escape_unicode().to_string());
            } else {
                shown.push(c);
            }
        }
        offsets[text.len()] = shown.len();
        Shown {
            text: shown,
            offsets: Some(offsets),
        }
    }

    /// Where a span of the file is in the shown text.
    fn span(&self, span: &Range<usize>) -> Range<usize> {
        match &self.offsets {
            None => span.clone(),
            Some(offsets) => {
                let at = |offset: usize| offsets[offset.min(offsets.len() - 1)];
                at(span.start)..at(span.end)
            }
        }
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_of_a_megabyte_is_shown_cut_with_its_caret() {
        let long = "x".repeat(1 << 20);
        let text = format!("format = 1\nkey_points = [\"{long}\"]\nend = 1\n");
        let source = SourceFile::new("x.toml", "x.toml", text.clone());
        let mut diagnostics = Diagnostics::default();
        diagnostics.add_source(&source);
        let start = text.find('"').unwrap();
        let end = text.rfind('"').unwrap() + 1;
        diagnostics.extend([
            Diagnostic::new(Code::LongEntry, &source, start..end, "long"),
            Diagnostic::new(Code::EntryTooLong, &source, end - 2..end, "the end of it"),
        ]);
        let human = diagnostics.render_human(false);
        assert!(human.len() < 4_000, "{} bytes shown", human.len());
        assert!(human.contains("key_points = [\"xxx"), "{human}");
        assert!(human.contains(" …"), "{human}");
    }

    #[test]
    fn control_characters_from_files_reach_the_terminal_escaped() {
        let text = "format = 1\r\nid = \"a\u{1b}[2Jb\0c\"\r\nregion = \"x\"\n";
        let source = SourceFile::new("x.toml", "x.toml", text.to_owned());
        let mut diagnostics = Diagnostics::default();
        diagnostics.add_source(&source);
        let id = text.find("\"a").unwrap();
        let region = text.find("\"x\"").unwrap();
        diagnostics.extend([Diagnostic::new(
            Code::BadId,
            &source,
            id + 2..id + 3,
            "the id \"a\u{1b}[2Jb\" is not a slug",
        )
        .with_related(&source, region..region + 3, "here")
        .with_help("not \u{7}this")]);
        let human = diagnostics.render_human(false);
        assert!(
            !human.chars().any(|c| c.is_control() && c != '\n'),
            "{human:?}"
        );
        assert!(
            human.contains("the id \"a\\u{1b}[2Jb\" is not a slug"),
            "{human}"
        );
        assert!(human.contains("id = \"a\\u{1b}[2Jb\\u{0}c\""), "{human}");
        assert!(human.contains("help: not \\u{7}this"), "{human}");
        // The caret is under the escape of ESC, and the next line's under its value.
        assert!(
            human.contains("2 │ id = \"a\\u{1b}[2Jb\\u{0}c\"\n  │        ^^^^^^"),
            "{human}"
        );
        assert!(
            human.contains("3 │ region = \"x\"\n  │          --- here"),
            "{human}"
        );
    }
}
