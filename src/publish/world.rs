//! The Typst world of one build: in memory, with nothing outside the project's `templates/`
//! folder readable, no network and no package download, and a fixed date, so that the same
//! input gives the same PDF, byte for byte.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::error::Error;
use crate::model::Date;
use crate::publish::fonts::FontSet;

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
    /// as the style file, and values passed to the templates as `sys.inputs` (all strings),
    /// e.g. `consolidate-print` for the printer's copy, so that one rendered source serves
    /// every edition.
    ///
    /// # Errors
    ///
    /// [`Error::Internal`] when a source's name cannot be a Typst path: the names are the
    /// program's own, so that is a bug.
    pub fn new(
        name: &str,
        main: String,
        others: &[(&str, &str)],
        inputs: &[(&str, &str)],
        fonts: Arc<FontSet>,
        assets: Option<PathBuf>,
        today: Date,
    ) -> Result<ReportWorld, Error> {
        let main_id = file_id(name)?;
        let mut sources = HashMap::new();
        sources.insert(main_id, Source::new(main_id, main));
        for (other, text) in others {
            let id = file_id(other)?;
            sources.insert(id, Source::new(id, (*text).to_owned()));
        }
        let mut dict = Dict::new();
        for (key, value) in inputs {
            dict.insert((*key).into(), (*value).into_value());
        }
        Ok(ReportWorld {
            library: LazyHash::new(Library::builder().with_inputs(dict).build()),
            fonts,
            main: main_id,
            sources,
            assets,
            today,
        })
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

/// The id of an in-memory source of the project.
fn file_id(name: &str) -> Result<FileId, Error> {
    let path = VirtualPath::new(name)
        .map_err(|e| Error::Internal(format!("`{name}` cannot name a Typst source ({e})")))?;
    Ok(RootedPath::new(VirtualRoot::Project, path).intern())
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
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
        // A symbolic link inside templates/ could point anywhere on the disk: the file read
        // is the one its real path names, and only when that is inside templates/ too. Only
        // regular files: a pipe would wait for a writer forever.
        let real = path
            .canonicalize()
            .map_err(|e| FileError::from_io(e, &path))?;
        let inside = assets
            .canonicalize()
            .is_ok_and(|root| real.starts_with(root));
        if !inside {
            return Err(FileError::AccessDenied);
        }
        if !std::fs::metadata(&real).is_ok_and(|m| m.is_file()) {
            return Err(FileError::IsDirectory);
        }
        std::fs::read(&real)
            .map(Bytes::new)
            .map_err(|e| FileError::from_io(e, &path))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(self.today.year, self.today.month, self.today.day)
    }
}
