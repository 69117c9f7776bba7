//! Stage 5, typeset: the Typst compiler, run in-process over an in-memory world that holds the
//! rendered source, the style file and the fonts. Nothing outside the project's `templates/`
//! folder is readable from a template, there is no network and no package download, and the
//! date is fixed so that the same input gives the same PDF, byte for byte.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use typst::diag::{FileError, FileResult, Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, IntoValue, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::error::Error;
use crate::model::Date;
use crate::preflight::{Overflow, find_overflows};
use crate::source::SourceFile;

/// The fonts compiled into the binary (OFL; the licence is in `fonts/OFL.txt`): Noto Serif for
/// the text, Noto Sans for headings and tables, Noto Naskh Arabic for Arabic originals.
pub const EMBEDDED_FONTS: &[(&str, &[u8])] = &[
    (
        "NotoSerif-Regular.ttf",
        include_bytes!("../fonts/NotoSerif-Regular.ttf"),
    ),
    (
        "NotoSerif-Bold.ttf",
        include_bytes!("../fonts/NotoSerif-Bold.ttf"),
    ),
    (
        "NotoSerif-Italic.ttf",
        include_bytes!("../fonts/NotoSerif-Italic.ttf"),
    ),
    (
        "NotoSerif-BoldItalic.ttf",
        include_bytes!("../fonts/NotoSerif-BoldItalic.ttf"),
    ),
    (
        "NotoSans-Regular.ttf",
        include_bytes!("../fonts/NotoSans-Regular.ttf"),
    ),
    (
        "NotoSans-Bold.ttf",
        include_bytes!("../fonts/NotoSans-Bold.ttf"),
    ),
    (
        "NotoNaskhArabic-Regular.ttf",
        include_bytes!("../fonts/NotoNaskhArabic-Regular.ttf"),
    ),
    (
        "NotoNaskhArabic-Bold.ttf",
        include_bytes!("../fonts/NotoNaskhArabic-Bold.ttf"),
    ),
];

/// The fonts the typesetter may use: the embedded ones, then any from `--font-path`.
#[derive(Debug)]
pub struct FontSet {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl FontSet {
    /// The embedded fonts, parsed once per process: parsing is the costly part of a small
    /// build, and `watch` and the tests build many times.
    pub fn embedded() -> Arc<FontSet> {
        static EMBEDDED: OnceLock<Arc<FontSet>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| Arc::new(FontSet::from_fonts(embedded_fonts())))
            .clone()
    }

    /// The embedded fonts and every `.ttf`, `.otf`, `.ttc` and `.otc` file in the given folders.
    pub fn with_paths(paths: &[PathBuf]) -> Result<Arc<FontSet>, Error> {
        if paths.is_empty() {
            return Ok(FontSet::embedded());
        }
        let mut fonts = embedded_fonts();
        for dir in paths {
            let mut files = Vec::new();
            collect_font_files(dir, &mut files)?;
            files.sort();
            for file in files {
                let data =
                    std::fs::read(&file).map_err(|e| Error::io("read the font", &file, e))?;
                fonts.extend(Font::iter(Bytes::new(data)));
            }
        }
        Ok(Arc::new(FontSet::from_fonts(fonts)))
    }

    fn from_fonts(fonts: Vec<Font>) -> FontSet {
        FontSet {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    }

    /// The fonts, in the order the book indexes them.
    pub fn fonts(&self) -> &[Font] {
        &self.fonts
    }

    /// One line per font for `consolidate fonts`: family, style, weight and the scripts it
    /// covers, so a coordinator can see whether a region's language will print.
    pub fn summaries(&self) -> Vec<FontSummary> {
        let embedded = embedded_fonts().len();
        self.fonts
            .iter()
            .enumerate()
            .map(|(index, font)| {
                let info = font.info();
                FontSummary {
                    family: info.family.clone(),
                    style: format!("{:?}", info.variant.style).to_lowercase(),
                    weight: info.variant.weight.to_number(),
                    scripts: SCRIPT_SAMPLES
                        .iter()
                        .filter(|(_, sample)| info.coverage.contains(u32::from(*sample)))
                        .map(|(script, _)| *script)
                        .collect(),
                    embedded: index < embedded,
                }
            })
            .collect()
    }

    /// Whether some font of the set has a glyph for `c`: the typesetter falls back to any font
    /// that has one, so a character none of them covers is what would print as a blank box.
    pub fn covers(&self, c: char) -> bool {
        self.fonts
            .iter()
            .any(|font| font.info().coverage.contains(u32::from(c)))
    }

    /// The font families of the set, each once, in the order they were added: for messages
    /// that say which fonts were tried.
    pub fn families(&self) -> Vec<&str> {
        let mut families: Vec<&str> = Vec::new();
        for font in &self.fonts {
            let family = font.info().family.as_str();
            if !families.contains(&family) {
                families.push(family);
            }
        }
        families
    }
}

/// The fonts compiled into the binary, parsed.
/// A font as `consolidate fonts` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontSummary {
    /// The family name, as templates ask for it.
    pub family: String,
    /// normal, italic or oblique.
    pub style: String,
    /// 100 to 900.
    pub weight: u16,
    /// The scripts it has letters for.
    pub scripts: Vec<&'static str>,
    /// Compiled into the binary (otherwise from `--font-path`).
    pub embedded: bool,
}

/// A letter of each script the reports of such processes meet, to test coverage by.
const SCRIPT_SAMPLES: &[(&str, char)] = &[
    ("Latin", 'ŧ'),
    ("Greek", 'Ω'),
    ("Cyrillic", 'Ж'),
    ("Arabic", 'ع'),
    ("Hebrew", 'א'),
    ("Devanagari", 'क'),
    ("Thai", 'ก'),
    ("Chinese", '中'),
    ("Japanese kana", 'か'),
    ("Korean", '한'),
];

fn embedded_fonts() -> Vec<Font> {
    EMBEDDED_FONTS
        .iter()
        .flat_map(|(_, data)| Font::iter(Bytes::new(*data)))
        .collect()
}

fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read the font folder", dir, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_font_files(&path, out)?;
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "ttf" | "otf" | "ttc" | "otc"
            )
        }) {
            out.push(path);
        }
    }
    Ok(())
}

/// The Typst world of one build: in-memory sources, the project's `templates/` folder for
/// images and other assets, the fonts, and a fixed date.
pub struct ReportWorld {
    library: LazyHash<Library>,
    fonts: Arc<FontSet>,
    main: FileId,
    sources: HashMap<FileId, Source>,
    assets: Option<PathBuf>,
    today: Date,
}

impl ReportWorld {
    /// A world whose main file is `main` (shown as `name`), with other in-memory sources such
    /// as the style file.
    pub fn new(
        name: &str,
        main: String,
        others: &[(&str, &str)],
        fonts: Arc<FontSet>,
        assets: Option<PathBuf>,
        today: Date,
    ) -> ReportWorld {
        let main_id = file_id(name);
        let mut sources = HashMap::new();
        sources.insert(main_id, Source::new(main_id, main));
        for (other, text) in others {
            let id = file_id(other);
            sources.insert(id, Source::new(id, (*text).to_owned()));
        }
        ReportWorld {
            library: LazyHash::new(Library::builder().build()),
            fonts,
            main: main_id,
            sources,
            assets,
            today,
        }
    }

    /// Passes values to the templates as `sys.inputs` (all strings), e.g. `consolidate-print`
    /// for the printer's copy, so that one rendered source serves every edition.
    pub fn with_inputs(mut self, inputs: &[(&str, &str)]) -> ReportWorld {
        let mut dict = Dict::new();
        for (key, value) in inputs {
            dict.insert((*key).into(), (*value).into_value());
        }
        self.library = LazyHash::new(Library::builder().with_inputs(dict).build());
        self
    }

    /// The text of the main source, as it was typeset.
    pub fn main_text(&self) -> &str {
        self.sources[&self.main].text()
    }

    /// The id of the main source, to tell its spans from those of the style file.
    pub fn main_id(&self) -> FileId {
        self.main
    }
}

fn file_id(name: &str) -> FileId {
    let path = VirtualPath::new(name)
        .unwrap_or_else(|_| VirtualPath::new("main.typ").expect("a valid path"));
    RootedPath::new(VirtualRoot::Project, path).intern()
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(source) = self.sources.get(&id) {
            return Ok(source.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_owned()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(source) = self.sources.get(&id) {
            return Ok(Bytes::from_string(source.clone()));
        }
        // Only the project's templates/ folder: never the rest of the disk, never a package.
        if matches!(id.root(), VirtualRoot::Package(_)) {
            return Err(FileError::Other(Some(
                "packages are not available to report templates".into(),
            )));
        }
        let Some(assets) = &self.assets else {
            return Err(FileError::AccessDenied);
        };
        let path = id.vpath().realize(assets).map_err(FileError::Realize)?;
        std::fs::read(&path)
            .map(Bytes::new)
            .map_err(|e| FileError::from_io(e, &path))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(self.today.year, self.today.month, self.today.day)
    }
}

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
    pub fn archival() -> PdfProfile {
        PdfProfile {
            standards: vec![PdfStandard::A_2a, PdfStandard::Ua_1],
        }
    }

    /// No standard, still tagged: the printer's copy, whose CMYK colours PDF/A refuses.
    pub fn plain() -> PdfProfile {
        PdfProfile {
            standards: Vec::new(),
        }
    }

    /// Parses a comma-separated list such as `a-2b,ua-1`; `none` means plain PDF. Names Typst
    /// does not know, and combinations it cannot satisfy together, are usage errors that say
    /// what would work.
    pub fn parse(text: &str) -> Result<PdfProfile, Error> {
        let names: Vec<String> = text
            .split(',')
            .map(|n| n.trim().to_ascii_lowercase())
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() || names == ["none"] {
            return Ok(PdfProfile::plain());
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
                message.push_str(&format!(" ({hint})"));
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
            diagnostics.extend(warnings);
            let errors: Vec<Diagnostic> = errors
                .iter()
                .map(|e| convert(world, &source, e, diagnostics))
                .collect();
            diagnostics.extend(errors);
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
            diagnostics.extend(warnings);
            let errors: Vec<Diagnostic> = errors
                .iter()
                .map(|e| convert(world, &source, e, diagnostics))
                .collect();
            diagnostics.extend(errors);
            None
        }
    }
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
        (Some(id), Some(range)) if id == world.main => Diagnostic::new(code, main, range, message),
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
            .filter(|point| point.span.id() == Some(world.main))
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
