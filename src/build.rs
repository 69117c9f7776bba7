//! The whole pipeline of `consolidate build`: load → validate → merge → render → typeset →
//! write. Each stage is its own module; this one only runs them in order and decides when to
//! stop.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostic::Diagnostics;
use crate::editorial::load_editorial;
use crate::error::Error;
use crate::load::{Project, find_project_files, load_project};
use crate::merge::{Consolidated, check_nothing_lost, consolidate};
use crate::model::Date;
use crate::render::{Templates, render_report};
use crate::typeset::{FontSet, ReportWorld, typeset};
use crate::validate::validate_project;

/// What a build needs to know, resolved from the command line before any work starts.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The project folder (holds `report.toml` and `regions/`).
    pub root: PathBuf,
    /// Where the outputs go.
    pub out: PathBuf,
    /// Extra font folders (`--font-path`).
    pub font_paths: Vec<PathBuf>,
    /// Warnings count as errors.
    pub strict: bool,
    /// `SOURCE_DATE_EPOCH`, when set: the PDF's creation date. Otherwise the report's date.
    pub source_date_epoch: Option<i64>,
}

impl BuildOptions {
    /// Defaults for a project folder: outputs in `ROOT/out`.
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        let root = root.into();
        BuildOptions {
            out: root.join("out"),
            root,
            font_paths: Vec::new(),
            strict: false,
            source_date_epoch: None,
        }
    }
}

/// What a successful build made.
#[derive(Debug)]
pub struct BuildOutcome {
    /// Warnings (errors would have stopped the build).
    pub diagnostics: Diagnostics,
    /// The PDF written.
    pub pdf: PathBuf,
    /// Its page count.
    pub pages: usize,
    /// How many regions contributed.
    pub regions: usize,
    /// How many issues and strategies they wrote.
    pub entries: usize,
    /// How many consolidated entries those became.
    pub consolidated: usize,
}

impl BuildOutcome {
    /// The one-line account a build prints: "136 entries from 6 regions → 104 consolidated (32 merged)".
    pub fn account(&self) -> String {
        format!(
            "{} entries from {} regions → {} consolidated ({} merged)",
            self.entries,
            self.regions,
            self.consolidated,
            self.entries - self.consolidated
        )
    }
}

/// Loads and validates a project; errors (and warnings under `strict`) stop here.
pub fn load_and_validate(root: &Path, strict: bool) -> Result<(Project, Diagnostics), Error> {
    let files = find_project_files(root)?;
    let mut diagnostics = Diagnostics::default();
    let project = load_project(&files, &mut diagnostics);
    if let Some(project) = &project {
        validate_project(project, &mut diagnostics);
    }
    if strict {
        diagnostics.make_strict();
    }
    diagnostics.sort();
    match project {
        Some(project) if !diagnostics.has_errors() => Ok((project, diagnostics)),
        _ => Err(Error::Input(Box::new(diagnostics))),
    }
}

/// A project loaded, validated and consolidated: what `build` typesets and `review` shows.
#[derive(Debug)]
pub struct Prepared {
    /// The project as loaded.
    pub project: Project,
    /// The consolidated entries, proven to hold every input entry exactly once.
    pub consolidated: Consolidated,
    /// Warnings so far (errors would have stopped here).
    pub diagnostics: Diagnostics,
}

/// Loads, validates and consolidates a project under its `editorial.toml`, and proves that
/// nothing was lost. Errors in the submissions or in `editorial.toml` (and warnings under
/// `strict`) stop here.
pub fn prepare(root: &Path, strict: bool) -> Result<Prepared, Error> {
    let (project, mut diagnostics) = load_and_validate(root, strict)?;
    let loaded = load_editorial(root);
    if let Some(source) = &loaded.source {
        diagnostics.add_source(source);
    }
    diagnostics.extend(loaded.diagnostics);
    let Some(editorial) = loaded.value else {
        diagnostics.sort();
        return Err(Error::Input(Box::new(diagnostics)));
    };
    let consolidated = consolidate(&project, &editorial);
    diagnostics.extend(consolidated.diagnostics.iter().cloned());
    if strict {
        diagnostics.make_strict();
    }
    diagnostics.sort();
    if diagnostics.has_errors() {
        return Err(Error::Input(Box::new(diagnostics)));
    }
    check_nothing_lost(&project, &consolidated).map_err(|message| Error::Usage {
        message: format!("internal error, nothing was written: {message}"),
        hint: Some("please report this with the submission files".to_owned()),
    })?;
    Ok(Prepared {
        project,
        consolidated,
        diagnostics,
    })
}

/// Builds `out/report.pdf`, `out/report.typ` and `out/consolidated.json`.
///
/// Nothing is written unless every stage succeeded, and then each file is written to a
/// temporary name and renamed, so a failed build leaves the last good outputs in place.
pub fn build(options: &BuildOptions) -> Result<BuildOutcome, Error> {
    let Prepared {
        project,
        consolidated,
        mut diagnostics,
    } = prepare(&options.root, options.strict)?;

    let templates = Templates::load(&options.root)?;
    let source = render_report(&templates, &project, &consolidated)?;
    let style = templates.get("style.typ").unwrap_or_default().to_owned();
    let fonts = FontSet::with_paths(&options.font_paths)?;
    let report_date = *project.settings.data.date.get_ref();
    let creation = options.source_date_epoch.map_or(report_date, |secs| {
        Date::from_days_since_epoch(secs.div_euclid(86_400))
    });
    let templates_dir = options.root.join("templates");
    let world = ReportWorld::new(
        "report.typ",
        source,
        &[("style.typ", &style)],
        fonts,
        templates_dir.is_dir().then_some(templates_dir),
        creation,
    );
    let typ_name = crate::load::display_name(&options.root, &options.out.join("report.typ"));
    let typeset = typeset(&world, &typ_name, creation, &mut diagnostics);
    std::fs::create_dir_all(&options.out)
        .map_err(|e| Error::io("create the folder", &options.out, e))?;
    let typ_path = options.out.join("report.typ");
    let Some(typeset) = typeset else {
        // Keep the generated source beside the error, so the template author can look at it.
        write_atomically(&[(&typ_path, world.main_text().as_bytes())])?;
        diagnostics.sort();
        return Err(Error::Input(Box::new(diagnostics)));
    };
    diagnostics.extend(typeset.warnings);
    if options.strict {
        diagnostics.make_strict();
    }
    diagnostics.sort();
    if diagnostics.has_errors() {
        return Err(Error::Input(Box::new(diagnostics)));
    }

    let json = consolidated_json(&project, &consolidated);
    let pdf_path = options.out.join("report.pdf");
    write_atomically(&[
        (&options.out.join("consolidated.json"), json.as_bytes()),
        (&typ_path, world.main_text().as_bytes()),
        (&pdf_path, &typeset.pdf),
    ])?;
    Ok(BuildOutcome {
        diagnostics,
        pdf: pdf_path,
        pages: typeset.pages,
        regions: project.submissions.len(),
        entries: consolidated.entries.iter().map(|e| e.sources.len()).sum(),
        consolidated: consolidated.entries.len(),
    })
}

/// `out/consolidated.json`: the stable shape other tools read (fields may be added, never
/// removed): `{"entries": [{"kind", "text", "agenda", "regions", "sources": [{"region", "file",
/// "line", "text", ...}]}], ...}`.
pub fn consolidated_json(project: &Project, consolidated: &Consolidated) -> String {
    #[derive(Serialize)]
    struct Region<'a> {
        id: &'a str,
        name: &'a str,
        file: &'a str,
        date: Date,
        end_date: Option<Date>,
        location: &'a str,
    }
    #[derive(Serialize)]
    struct Document<'a> {
        title: &'a str,
        date: Date,
        regions: Vec<Region<'a>>,
        entries: &'a [crate::merge::ConsolidatedEntry],
    }
    let settings = &project.settings.data;
    let document = Document {
        title: &settings.title,
        date: *settings.date.get_ref(),
        regions: project
            .submissions
            .iter()
            .map(|s| {
                let c = s.data.consultation.get_ref();
                Region {
                    id: &s.id,
                    name: s.region(),
                    file: &s.source.name,
                    date: *c.date.get_ref(),
                    end_date: c.end_date.as_ref().map(|d| *d.get_ref()),
                    location: c.location.get_ref(),
                }
            })
            .collect(),
        entries: &consolidated.entries,
    };
    let mut json = serde_json::to_string_pretty(&document).unwrap_or_default();
    json.push('\n');
    json
}

/// Writes every file to a temporary name beside its target, then renames them all: a reader
/// (or a crash) never sees a half-written PDF.
pub fn write_atomically(files: &[(&Path, &[u8])]) -> Result<(), Error> {
    let mut staged = Vec::new();
    for (path, bytes) in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        if let Err(e) = std::fs::write(&temp, bytes) {
            for (temp, _) in &staged {
                let _ = std::fs::remove_file(temp);
            }
            let _ = std::fs::remove_file(&temp);
            return Err(Error::io("write", path, e));
        }
        staged.push((temp, *path));
    }
    for (temp, path) in &staged {
        std::fs::rename(temp, path).map_err(|e| Error::io("write", path, e))?;
    }
    Ok(())
}
