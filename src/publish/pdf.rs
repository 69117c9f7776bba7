//! Stage 5, typeset: the Typst compiler, run in-process over a [`ReportWorld`], then PDF
//! export under the chosen standards, with the layout checked on the way.

use std::fmt::Write as _;

use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst::{World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::error::Error;
use crate::model::Date;
use crate::model::source::SourceFile;
use crate::publish::preflight::{Overflow, find_overflows};
use crate::publish::world::ReportWorld;

/// The PDF standards a report conforms to, chosen with `--pdf-standard`.
///
/// The default is archival and accessible: PDF/A-2a (which asks for a tagged, Unicode-mapped
/// file with embedded fonts) and PDF/UA-1 (which asks for a title, a language and a structure
/// tree that screen readers can follow).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfProfile {
    standards: Vec<PdfStandard>,
}

/// The names `--pdf-standard` accepts, as Typst spells them.
pub const PDF_STANDARD_NAMES: &[&str] = &[
    "1.4", "1.5", "1.6", "1.7", "2.0", "a-1b", "a-1a", "a-2b", "a-2u", "a-2a", "a-3b", "a-3u",
    "a-3a", "a-4", "a-4f", "a-4e", "ua-1",
];

impl Default for PdfProfile {
    fn default() -> PdfProfile {
        PdfProfile::archival()
    }
}

impl PdfProfile {
    /// PDF/A-2a and PDF/UA-1: for the archives and for screen readers.
    #[must_use]
    pub fn archival() -> PdfProfile {
        PdfProfile {
            standards: vec![PdfStandard::A_2a, PdfStandard::Ua_1],
        }
    }

    /// No standard, still tagged: the printer's copy, whose CMYK colours PDF/A refuses.
    #[must_use]
    pub fn plain() -> PdfProfile {
        PdfProfile {
            standards: Vec::new(),
        }
    }

    /// Parses a comma-separated list such as `a-2b,ua-1`; `none` means plain PDF. Names Typst
    /// does not know, and combinations it cannot satisfy together, are usage errors that say
    /// what would work.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] for an unknown name or standards that cannot be combined.
    pub fn parse(text: &str) -> Result<PdfProfile, Error> {
        let names: Vec<String> = text
            .split(',')
            .map(|n| n.trim().to_ascii_lowercase())
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            // An empty list is more likely a script's unset variable than a choice.
            return Err(Error::usage(
                "`--pdf-standard` is given no standard",
                format!(
                    "name one or more of: {}; or `none` for a plain PDF",
                    PDF_STANDARD_NAMES.join(", ")
                ),
            ));
        }
        if names == ["none"] {
            return Ok(PdfProfile::plain());
        }
        if names.iter().any(|n| n == "none") {
            return Err(Error::usage(
                format!("`none` cannot be combined with other standards in `{text}`"),
                "write `none` alone for a plain PDF, or list only the standards you want, e.g. `a-2b`",
            ));
        }
        let mut standards = Vec::new();
        for name in &names {
            let standard = serde_json::from_value::<PdfStandard>(serde_json::Value::String(
                name.clone(),
            ))
            .map_err(|_| {
                Error::usage(
                    format!("unknown PDF standard `{name}`"),
                    format!(
                        "use a comma-separated list of: {}, or `none`; for example `--pdf-standard a-2b,ua-1`",
                        PDF_STANDARD_NAMES.join(", ")
                    ),
                )
            })?;
            if !standards.contains(&standard) {
                standards.push(standard);
            }
        }
        let profile = PdfProfile { standards };
        profile.typst().map_err(|message| {
            Error::usage(
                format!("the PDF standards `{text}` cannot be combined: {message}"),
                "choose at most one PDF/A and one PDF/UA standard; `a-2b,ua-1` and `a-2a,ua-1` work together",
            )
        })?;
        Ok(profile)
    }

    /// Whether this profile asks for a PDF/A or PDF/UA standard: both refuse characters that
    /// no font can print (and PDF/A refuses CMYK colours).
    pub fn is_strict_about_glyphs(&self) -> bool {
        self.standards.iter().copied().any(is_conformance_level)
    }

    /// The same profile without its PDF/A and PDF/UA standards (a PDF version stays).
    #[must_use]
    pub fn without_conformance(&self) -> PdfProfile {
        PdfProfile {
            standards: self
                .standards
                .iter()
                .copied()
                .filter(|s| !is_conformance_level(*s))
                .collect(),
        }
    }

    /// The standards as people write them, e.g. "PDF/A-2a, PDF/UA-1", or "plain PDF".
    #[must_use]
    pub fn describe(&self) -> String {
        if self.standards.is_empty() {
            return "plain PDF".to_owned();
        }
        self.standards
            .iter()
            .map(|s| {
                let name = serde_json::to_value(s).unwrap_or_default();
                let name = name.as_str().unwrap_or("?");
                match name.split_once('-') {
                    Some((family, level)) => {
                        let mut level = level.chars();
                        let first = level.next().map(|c| c.to_string()).unwrap_or_default();
                        format!(
                            "PDF/{}-{first}{}",
                            family.to_ascii_uppercase(),
                            level.as_str()
                        )
                    }
                    None => format!("PDF {name}"),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The standards as Typst's exporter takes them; Typst checks that they can be combined.
    fn typst(&self) -> Result<PdfStandards, String> {
        PdfStandards::new(&self.standards).map_err(|e| {
            let mut message = e.message().to_string();
            for hint in e.hints() {
                let _ = write!(message, " ({hint})");
            }
            message
        })
    }
}

/// Whether a standard is one of the PDF/A or PDF/UA family, rather than a plain PDF version.
fn is_conformance_level(standard: PdfStandard) -> bool {
    let name = serde_json::to_value(standard).unwrap_or_default();
    name.as_str()
        .is_some_and(|n| n.starts_with("a-") || n.starts_with("ua-"))
}

/// How to typeset one edition of a document.
#[derive(Debug, Clone, Default)]
pub struct TypesetOptions {
    /// The PDF standards to conform to.
    pub standards: PdfProfile,
    /// Look for text that runs out of its cell or off its page (not for the printer's copy,
    /// whose crop marks lie outside the page on purpose).
    pub check_layout: bool,
}

/// A typeset report: the PDF, and the typesetter's warnings as diagnostics.
pub struct Typeset {
    /// The PDF file's bytes.
    pub pdf: Vec<u8>,
    /// How many pages it has.
    pub pages: usize,
    /// Warnings about layout or fonts.
    pub warnings: Vec<Diagnostic>,
    /// Text that runs out of its box or page, for the caller to trace back to a submission.
    pub overflows: Vec<Overflow>,
}

/// Typesets the world into a PDF dated `creation` (UTC midnight), so that identical input
/// always gives identical bytes. Errors come back as diagnostics in `diagnostics`.
pub fn typeset(
    world: &ReportWorld,
    source_name: &str,
    creation: Date,
    options: &TypesetOptions,
    diagnostics: &mut Diagnostics,
) -> Option<Typeset> {
    let source = SourceFile::new(source_name, source_name, world.main_text().to_owned());
    diagnostics.add_source(&source);
    let result = typst::compile::<PagedDocument>(world);
    let mut warnings: Vec<Diagnostic> = result
        .warnings
        .iter()
        .map(|w| convert(world, &source, w, diagnostics))
        .collect();
    let document = match result.output {
        Ok(document) => document,
        Err(errors) => {
            add_failure(world, &source, warnings, &errors, diagnostics);
            return None;
        }
    };
    let overflows = if options.check_layout {
        find_overflows(&document, world)
    } else {
        Vec::new()
    };
    let standards = match options.standards.typst() {
        Ok(standards) => standards,
        Err(message) => {
            diagnostics.extend([Diagnostic::without_span(
                Code::Typesetting,
                source_name,
                message,
            )]);
            return None;
        }
    };
    let timestamp = Datetime::from_ymd_hms(creation.year, creation.month, creation.day, 0, 0, 0)
        .map(Timestamp::new_utc);
    let pdf_options = PdfOptions {
        ident: Smart::Auto,
        creator: Smart::Custom(Some(format!("consolidate {}", env!("CARGO_PKG_VERSION")))),
        timestamp,
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    match typst_pdf::pdf(&document, &pdf_options) {
        Ok(pdf) => {
            warnings.sort_by_key(|w| w.span.as_ref().map(|s| s.start));
            Some(Typeset {
                pdf,
                pages: document.pages().len(),
                warnings,
                overflows,
            })
        }
        Err(errors) => {
            add_failure(world, &source, warnings, &errors, diagnostics);
            None
        }
    }
}

/// A failed compilation or export: its warnings and errors, at their places, join the build's
/// diagnostics.
fn add_failure(
    world: &ReportWorld,
    source: &SourceFile,
    warnings: Vec<Diagnostic>,
    errors: &[SourceDiagnostic],
    diagnostics: &mut Diagnostics,
) {
    diagnostics.extend(warnings);
    let errors: Vec<Diagnostic> = errors
        .iter()
        .map(|e| convert(world, source, e, diagnostics))
        .collect();
    diagnostics.extend(errors);
}
/// A Typst diagnostic as ours, pointing at its place: in the generated source (written to
/// `out/`), or in a template such as `templates/style.typ`, which is then registered with
/// `diagnostics` so that its line can be shown, with the call in the generated source that led
/// there as a related place.
fn convert(
    world: &ReportWorld,
    main: &SourceFile,
    diag: &SourceDiagnostic,
    diagnostics: &mut Diagnostics,
) -> Diagnostic {
    let code = match diag.severity {
        TypstSeverity::Error => Code::Typesetting,
        TypstSeverity::Warning => Code::TypesetterWarning,
    };
    let message = diag.message.to_string();
    let mut d = match (diag.span.id(), world.range(diag.span)) {
        (Some(id), Some(range)) if id == world.main_id() => {
            Diagnostic::new(code, main, range, message)
        }
        (Some(id), Some(range)) => match world.source(id) {
            Ok(template) => {
                let name = format!("templates{}", id.vpath().get_with_slash());
                let file = SourceFile::new(&name, &name, template.text().to_owned());
                diagnostics.add_source(&file);
                Diagnostic::new(code, &file, range, message)
            }
            Err(_) => Diagnostic::without_span(code, &main.name, message),
        },
        (Some(id), None) => Diagnostic::without_span(
            code,
            format!("templates{}", id.vpath().get_with_slash()),
            message,
        ),
        (None, _) => Diagnostic::without_span(code, &main.name, message),
    };
    if d.file != main.name {
        // Where the generated source called into the template.
        let call = diag
            .trace
            .iter()
            .filter(|point| point.span.id() == Some(world.main_id()))
            .find_map(|point| world.range(point.span));
        if let Some(range) = call {
            d = d.with_related(main, range, "called from here");
        }
    }
    let hints: Vec<String> = diag.hints.iter().map(|h| h.v.to_string()).collect();
    if !hints.is_empty() {
        d = d.with_help(hints.join("; "));
    }
    d
}
