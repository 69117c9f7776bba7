//! Stage 5, typeset: the Typst compiler, run in-process over an in-memory world that holds the
//! rendered source, the style file and the fonts. Nothing outside the project's `templates/`
//! folder is readable from a template, there is no network and no package download, and the
//! date is fixed so that the same input gives the same PDF, byte for byte.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use typst::diag::{FileError, FileResult, Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::error::Error;
use crate::model::Date;
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
}

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

    /// The text of the main source, as it was typeset.
    pub fn main_text(&self) -> &str {
        self.sources[&self.main].text()
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

/// A typeset report: the PDF, and the typesetter's warnings as diagnostics.
pub struct Typeset {
    /// The PDF file's bytes.
    pub pdf: Vec<u8>,
    /// How many pages it has.
    pub pages: usize,
    /// Warnings about layout or fonts.
    pub warnings: Vec<Diagnostic>,
}

/// Typesets the world into a PDF dated `creation` (UTC midnight), so that identical input
/// always gives identical bytes. Errors come back as diagnostics in `diagnostics`.
pub fn typeset(
    world: &ReportWorld,
    source_name: &str,
    creation: Date,
    diagnostics: &mut Diagnostics,
) -> Option<Typeset> {
    let source = SourceFile::new(source_name, source_name, world.main_text().to_owned());
    diagnostics.add_source(&source);
    let result = typst::compile::<PagedDocument>(world);
    let mut warnings: Vec<Diagnostic> = result
        .warnings
        .iter()
        .map(|w| convert(world, &source, w))
        .collect();
    let document = match result.output {
        Ok(document) => document,
        Err(errors) => {
            diagnostics.extend(warnings);
            diagnostics.extend(errors.iter().map(|e| convert(world, &source, e)));
            return None;
        }
    };
    let timestamp = Datetime::from_ymd_hms(creation.year, creation.month, creation.day, 0, 0, 0)
        .map(Timestamp::new_utc);
    let options = PdfOptions {
        ident: Smart::Auto,
        creator: Smart::Custom(Some(format!("consolidate {}", env!("CARGO_PKG_VERSION")))),
        timestamp,
        ..PdfOptions::default()
    };
    match typst_pdf::pdf(&document, &options) {
        Ok(pdf) => {
            warnings.sort_by_key(|w| w.span.as_ref().map(|s| s.start));
            Some(Typeset {
                pdf,
                pages: document.pages().len(),
                warnings,
            })
        }
        Err(errors) => {
            diagnostics.extend(warnings);
            diagnostics.extend(errors.iter().map(|e| convert(world, &source, e)));
            None
        }
    }
}

/// A Typst diagnostic as ours, pointing into the generated source (written to `out/`) when it
/// has a place there.
fn convert(world: &ReportWorld, main: &SourceFile, diag: &SourceDiagnostic) -> Diagnostic {
    let code = match diag.severity {
        TypstSeverity::Error => Code::Typesetting,
        TypstSeverity::Warning => Code::TypesetterWarning,
    };
    let range = (diag.span.id() == Some(world.main))
        .then(|| world.range(diag.span))
        .flatten();
    let mut d = match range {
        Some(range) => Diagnostic::new(code, main, range, diag.message.to_string()),
        None => {
            let file = diag.span.id().map_or_else(
                || main.name.clone(),
                |id| format!("templates{}", id.vpath().get_with_slash()),
            );
            Diagnostic::without_span(code, file, diag.message.to_string())
        }
    };
    let hints: Vec<String> = diag.hints.iter().map(|h| h.v.to_string()).collect();
    if !hints.is_empty() {
        d = d.with_help(hints.join("; "));
    }
    d
}
