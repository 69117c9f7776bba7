//! The fonts the typesetter may use: those compiled into the binary (so a build needs no
//! system fonts and looks the same everywhere) and those of `--font-path` folders.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

use crate::error::Error;

/// The fonts compiled into the binary (OFL; the licence is in `fonts/OFL.txt`): Noto Serif for
/// the text, Noto Sans for headings and tables, Noto Naskh Arabic for Arabic originals.
pub const EMBEDDED_FONTS: &[(&str, &[u8])] = &[
    (
        "NotoSerif-Regular.ttf",
        include_bytes!("../../fonts/NotoSerif-Regular.ttf"),
    ),
    (
        "NotoSerif-Bold.ttf",
        include_bytes!("../../fonts/NotoSerif-Bold.ttf"),
    ),
    (
        "NotoSerif-Italic.ttf",
        include_bytes!("../../fonts/NotoSerif-Italic.ttf"),
    ),
    (
        "NotoSerif-BoldItalic.ttf",
        include_bytes!("../../fonts/NotoSerif-BoldItalic.ttf"),
    ),
    (
        "NotoSans-Regular.ttf",
        include_bytes!("../../fonts/NotoSans-Regular.ttf"),
    ),
    (
        "NotoSans-Bold.ttf",
        include_bytes!("../../fonts/NotoSans-Bold.ttf"),
    ),
    (
        "NotoNaskhArabic-Regular.ttf",
        include_bytes!("../../fonts/NotoNaskhArabic-Regular.ttf"),
    ),
    (
        "NotoNaskhArabic-Bold.ttf",
        include_bytes!("../../fonts/NotoNaskhArabic-Bold.ttf"),
    ),
];

/// The fonts the typesetter may use: the embedded ones, then any from `--font-path`.
#[derive(Debug)]
pub struct FontSet {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// Files of the font folders with a font's extension that hold no font the typesetter
    /// can read (damaged, truncated, or not a font): skipped, and reported.
    pub unreadable: Vec<PathBuf>,
}

impl FontSet {
    /// The index Typst looks fonts up in.
    pub(crate) fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    /// The font at `index` of the book.
    pub(crate) fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    /// The embedded fonts, parsed once per process: parsing is the costly part of a small
    /// build, and `watch` and the tests build many times.
    pub fn embedded() -> Arc<FontSet> {
        static EMBEDDED: OnceLock<Arc<FontSet>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| Arc::new(FontSet::from_fonts(embedded_fonts())))
            .clone()
    }

    /// The embedded fonts and every `.ttf`, `.otf`, `.ttc` and `.otc` file in the given folders.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when a folder or a font file cannot be read.
    pub fn with_paths(paths: &[PathBuf]) -> Result<Arc<FontSet>, Error> {
        if paths.is_empty() {
            return Ok(FontSet::embedded());
        }
        let mut fonts = embedded_fonts();
        let mut unreadable = Vec::new();
        let mut visited = Vec::new();
        for dir in paths {
            let mut files = Vec::new();
            collect_font_files(dir, &mut files, &mut visited)?;
            files.sort();
            for file in files {
                let data =
                    std::fs::read(&file).map_err(|e| Error::io("read the font", &file, e))?;
                let before = fonts.len();
                fonts.extend(Font::iter(Bytes::new(data)));
                if fonts.len() == before {
                    unreadable.push(file);
                }
            }
        }
        let mut set = FontSet::from_fonts(fonts);
        set.unreadable = unreadable;
        Ok(Arc::new(set))
    }

    fn from_fonts(fonts: Vec<Font>) -> FontSet {
        FontSet {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            unreadable: Vec::new(),
        }
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

/// The font files under `dir`, its sub-folders included. A folder is entered once, by its real
/// path, so that a symbolic link back up the tree (a loop) ends; only regular files are taken,
/// since a pipe named `x.ttf` would hang the read.
fn collect_font_files(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    visited: &mut Vec<PathBuf>,
) -> Result<(), Error> {
    let real = dir
        .canonicalize()
        .map_err(|e| Error::io("read the font folder", dir, e))?;
    if visited.contains(&real) {
        return Ok(());
    }
    visited.push(real);
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read the font folder", dir, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::metadata(&path) else {
            // A link to nothing: no font there.
            continue;
        };
        if meta.is_dir() {
            collect_font_files(&path, out, visited)?;
        } else if meta.is_file()
            && path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                matches!(
                    e.to_ascii_lowercase().as_str(),
                    "ttf" | "otf" | "ttc" | "otc"
                )
            })
        {
            out.push(path);
        }
    }
    Ok(())
}
