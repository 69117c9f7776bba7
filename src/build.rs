//! The whole pipeline of `consolidate build`: load → validate → merge → render → typeset →
//! write. Each stage is its own module; this one only runs them in order and decides when to
//! stop.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

pub use crate::check::{load_and_validate, load_and_validate_with, validate, validate_with};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::editorial::{Editorial, load_editorial};
use crate::error::Error;
use crate::load::{Project, Submission, display_name, find_project_files, load_project};
use crate::merge::{Consolidated, check_nothing_lost, consolidate};
use crate::model::Date;
use crate::preflight::{missing_glyphs, overflow_diagnostics};
use crate::progress::{Progress, Silent, Stage, Timings};
use crate::render::{Templates, render_proof, render_report};
use crate::source::SourceFile;
use crate::typeset::{FontSet, PdfProfile, ReportWorld, Typeset, TypesetOptions, typeset};
use crate::validate::validate_project;

/// The `sys.inputs` key that asks the templates for the printer's copy: bleed, crop marks and
/// CMYK colours.
pub const PRINT_INPUT: &str = "consolidate-print";

/// The file name of the printer's copy, beside `report.pdf`.
pub const PRINT_PDF: &str = "report-print.pdf";

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
    /// The PDF standards of the report and of proofs (`--pdf-standard`): archival and
    /// accessible unless asked otherwise.
    pub standards: PdfProfile,
    /// Also write the printer's copy, `report-print.pdf`, with bleed and crop marks (`--print`).
    pub print: bool,
    /// Write only the proof of this submission, `ID.pdf`, for its hosts (`--region ID`).
    pub region: Option<String>,
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
            standards: PdfProfile::default(),
            print: false,
            region: None,
        }
    }
}

/// What a successful build made.
#[derive(Debug)]
pub struct BuildOutcome {
    /// Warnings (errors would have stopped the build).
    pub diagnostics: Diagnostics,
    /// The PDF written: the report, or the proof of one submission.
    pub pdf: PathBuf,
    /// Its page count.
    pub pages: usize,
    /// The printer's copy, when one was asked for.
    pub print: Option<PathBuf>,
    /// The id of the submission, when the PDF is its proof.
    pub proof: Option<String>,
    /// How many regions contributed (for a proof: 1).
    pub regions: usize,
    /// How many issues and strategies they wrote.
    pub entries: usize,
    /// How many consolidated entries those became.
    pub consolidated: usize,
    /// How long each stage took (`--timings`).
    pub timings: Timings,
}

impl BuildOutcome {
    /// The one-line account a build prints: "136 entries from 6 regions → 104 consolidated (32
    /// merged)", or for a proof "proof of us-canada: 71 entries".
    pub fn account(&self) -> String {
        if let Some(id) = &self.proof {
            return format!("proof of {id}: {} entries", self.entries);
        }
        format!(
            "{} entries from {} regions → {} consolidated ({} merged)",
            self.entries,
            self.regions,
            self.consolidated,
            self.entries - self.consolidated
        )
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
    prepare_with(root, strict, &Silent, &mut Timings::default())
}

/// [`prepare`], telling `progress` which stage it is in and adding to `timings`.
pub fn prepare_with(
    root: &Path,
    strict: bool,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> Result<Prepared, Error> {
    let (project, mut diagnostics) = load_and_validate_with(root, strict, progress, timings)?;
    let editorial = load_editorial_into(root, &mut diagnostics)?;
    let consolidated = timings.time(Stage::Merge, progress, || {
        consolidate_checked(&project, &editorial, &mut diagnostics)
    })?;
    if strict {
        diagnostics.make_strict();
    }
    diagnostics.sort();
    if diagnostics.has_errors() {
        return Err(Error::Input(Box::new(diagnostics)));
    }
    Ok(Prepared {
        project,
        consolidated,
        diagnostics,
    })
}

/// Reads `editorial.toml` (when there is one), adding its problems; errors in it stop here.
fn load_editorial_into(root: &Path, diagnostics: &mut Diagnostics) -> Result<Editorial, Error> {
    let loaded = load_editorial(root);
    if let Some(source) = &loaded.source {
        diagnostics.add_source(source);
    }
    diagnostics.extend(loaded.diagnostics);
    match loaded.value {
        Some(editorial) => Ok(editorial),
        None => {
            diagnostics.sort();
            Err(Error::Input(Box::new(std::mem::take(diagnostics))))
        }
    }
}

/// Builds `out/report.pdf`, `out/report.typ` and `out/consolidated.json`, and with `print` the
/// printer's copy `out/report-print.pdf`; with `region`, only that submission's proof.
///
/// Nothing is written unless every stage succeeded, and then each file is written to a
/// temporary name and renamed, so a failed build leaves the last good outputs in place.
pub fn build(options: &BuildOptions) -> Result<BuildOutcome, Error> {
    build_with(options, &Silent)
}

/// [`build`], telling `progress` which stage it is in.
pub fn build_with(options: &BuildOptions, progress: &dyn Progress) -> Result<BuildOutcome, Error> {
    let mut timings = Timings::default();
    if let Some(id) = &options.region {
        return build_proof(options, id, progress, timings);
    }
    let Prepared {
        project,
        consolidated,
        mut diagnostics,
    } = prepare_with(&options.root, options.strict, progress, &mut timings)?;

    let templates = Templates::load(&options.root)?;
    let source = timings.time(Stage::Render, progress, || {
        render_report(&templates, &project, &consolidated)
    })?;
    let fonts = FontSet::with_paths(&options.font_paths)?;
    let standards = standards_for(options, &project, &fonts, &mut diagnostics);
    let creation = creation_date(options, &project);
    let typ_path = options.out.join("report.typ");
    let typ_name = display_name(&options.root, &typ_path);
    let world = report_world(options, &templates, source, fonts.clone(), creation, false);
    let report = timings.time(Stage::Typeset, progress, || {
        typeset_checked(
            options,
            &world,
            &typ_path,
            standards,
            creation,
            &project,
            &mut diagnostics,
        )
    })?;

    let print_copy = if options.print {
        let print_world = report_world(
            options,
            &templates,
            world.main_text().to_owned(),
            fonts,
            creation,
            true,
        );
        // The printer's copy is plain PDF: PDF/A refuses the CMYK colours a press needs.
        let plain = TypesetOptions {
            standards: PdfProfile::plain(),
            check_layout: false,
        };
        let copy = timings.time(Stage::Typeset, progress, || {
            typeset(&print_world, &typ_name, creation, &plain, &mut diagnostics)
        });
        let Some(copy) = copy else {
            diagnostics.sort();
            return Err(Error::Input(Box::new(diagnostics)));
        };
        diagnostics.extend(copy.warnings);
        Some(copy.pdf)
    } else {
        None
    };
    finish_diagnostics(options, &mut diagnostics)?;

    let json = consolidated_json(&project, &consolidated);
    let pdf_path = options.out.join("report.pdf");
    let json_path = options.out.join("consolidated.json");
    let print_path = options.out.join(PRINT_PDF);
    let mut files: Vec<(&Path, &[u8])> = vec![
        (&json_path, json.as_bytes()),
        (&typ_path, world.main_text().as_bytes()),
        (&pdf_path, &report.pdf),
    ];
    if let Some(copy) = &print_copy {
        files.push((&print_path, copy));
    }
    timings.time(Stage::Write, progress, || write_atomically(&files))?;
    Ok(BuildOutcome {
        diagnostics,
        pdf: pdf_path,
        pages: report.pages,
        print: print_copy.is_some().then_some(print_path),
        proof: None,
        regions: project.submissions.len(),
        entries: consolidated.entries.iter().map(|e| e.sources.len()).sum(),
        consolidated: consolidated.entries.len(),
        timings,
    })
}

/// Builds `out/ID.pdf`: one submission laid out for its hosts to proofread. Only problems in
/// that file and in `report.toml` stop it: a host need not wait for the other regions.
fn build_proof(
    options: &BuildOptions,
    id: &str,
    progress: &dyn Progress,
    mut timings: Timings,
) -> Result<BuildOutcome, Error> {
    let files = find_project_files(&options.root)?;
    let mut diagnostics = Diagnostics::default();
    progress.files_found(files.submissions.len() + 1);
    let project = timings.time(Stage::Load, progress, || {
        load_project(&files, &mut diagnostics, progress)
    });
    let Some(project) = project else {
        diagnostics.sort();
        return Err(Error::Input(Box::new(diagnostics)));
    };
    let Some(submission) = project.submissions.iter().find(|s| s.id == id) else {
        return Err(unknown_region(id, &project.submissions));
    };
    timings.time(Stage::Validate, progress, || {
        validate_project(&project, &mut diagnostics)
    });
    let settings_file = project.settings.source.name.clone();
    let own_file = submission.source.name.clone();
    let concerns = |d: &Diagnostic| d.file == own_file || d.file == settings_file;
    diagnostics.diagnostics.retain(|d| concerns(d));
    if options.strict {
        diagnostics.make_strict();
    }
    diagnostics.sort();
    if diagnostics.has_errors() {
        return Err(Error::Input(Box::new(diagnostics)));
    }
    // A host's proof shows the editors' decisions when they can be read, and never waits for
    // problems in editorial.toml to be fixed.
    let editorial = load_editorial(&options.root).value.unwrap_or_default();
    let mut decisions = Diagnostics::default();
    let consolidated = timings.time(Stage::Merge, progress, || {
        consolidate_checked(&project, &editorial, &mut decisions)
    })?;
    let templates = Templates::load(&options.root)?;
    let fonts = FontSet::with_paths(&options.font_paths)?;
    let standards = standards_for(options, &project, &fonts, &mut diagnostics);
    diagnostics.diagnostics.retain(|d| concerns(d));
    let creation = creation_date(options, &project);
    let source = timings.time(Stage::Render, progress, || {
        render_proof(
            &templates,
            &project,
            &consolidated,
            submission,
            &diagnostics.diagnostics,
            creation,
        )
    })?;
    let typ_path = options.out.join(format!("{id}.typ"));
    let world = report_world(options, &templates, source, fonts, creation, false);
    let proof = timings.time(Stage::Typeset, progress, || {
        typeset_checked(
            options,
            &world,
            &typ_path,
            standards,
            creation,
            &project,
            &mut diagnostics,
        )
    })?;
    finish_diagnostics(options, &mut diagnostics)?;
    let pdf_path = options.out.join(format!("{id}.pdf"));
    timings.time(Stage::Write, progress, || {
        write_atomically(&[(&pdf_path, &proof.pdf)])
    })?;
    let entries = crate::merge::entries_of(submission).len();
    Ok(BuildOutcome {
        diagnostics,
        pdf: pdf_path,
        pages: proof.pages,
        print: None,
        proof: Some(id.to_owned()),
        regions: 1,
        entries,
        consolidated: entries,
        timings,
    })
}

/// The usage error for `--region` with an id no submission has: it lists the ids there are.
fn unknown_region(id: &str, submissions: &[Submission]) -> Error {
    let ids: Vec<&str> = submissions.iter().map(|s| s.id.as_str()).collect();
    let mut hint = format!("the known ids are: {}", ids.join(", "));
    if let Some(nearest) = crate::load::nearest_key(id, &ids) {
        hint = format!("did you mean `{nearest}`? {hint}");
    }
    Error::usage(format!("no submission has the id `{id}`"), hint)
}

/// Merges, and proves that nothing was lost before anything is written.
/// Consolidates under the editors' decisions, adds what the decisions caused (stale or
/// conflicting ones), and proves that every input entry is in exactly one consolidated entry.
fn consolidate_checked(
    project: &Project,
    editorial: &Editorial,
    diagnostics: &mut Diagnostics,
) -> Result<Consolidated, Error> {
    let consolidated = consolidate(project, editorial);
    diagnostics.extend(consolidated.diagnostics.iter().cloned());
    check_nothing_lost(project, &consolidated).map_err(|message| Error::Usage {
        message: format!("internal error, nothing was written: {message}"),
        hint: Some("please report this with the submission files".to_owned()),
    })?;
    Ok(consolidated)
}

/// The standards to typeset with, after the font check: PDF/A and PDF/UA refuse a character
/// that no font can print, and the export would fail outright. While such characters remain,
/// the PDF is written without those standards (and says so), and the build goes on with the
/// warnings that name the characters; `--strict` stops it instead.
fn standards_for(
    options: &BuildOptions,
    project: &Project,
    fonts: &FontSet,
    diagnostics: &mut Diagnostics,
) -> PdfProfile {
    let missing = missing_glyphs(project, fonts);
    let mut standards = options.standards.clone();
    if !missing.is_empty() && standards.is_strict_about_glyphs() {
        standards = standards.without_conformance();
        diagnostics.extend([Diagnostic::without_span(
            Code::MissingGlyph,
            "",
            format!(
                "the PDF is written as {} instead of {}: these standards do not allow characters that no font can print",
                standards.describe(),
                options.standards.describe()
            ),
        )
        .with_help("add the missing fonts with `--font-path DIR` to get an archival, accessible PDF again")]);
    }
    diagnostics.extend(missing);
    standards
}

/// Typesets an edition with the layout checks on, and adds its warnings and layout problems
/// (at their submission lines) to the build's diagnostics. When Typst fails, the generated
/// source is written to `typ_path` beside the error, so the template author can look at it.
fn typeset_checked(
    options: &BuildOptions,
    world: &ReportWorld,
    typ_path: &Path,
    standards: PdfProfile,
    creation: Date,
    project: &Project,
    diagnostics: &mut Diagnostics,
) -> Result<Typeset, Error> {
    let typ_name = display_name(&options.root, typ_path);
    let check = TypesetOptions {
        standards,
        check_layout: true,
    };
    let typeset_edition = typeset(world, &typ_name, creation, &check, diagnostics);
    std::fs::create_dir_all(&options.out)
        .map_err(|e| Error::io("create the folder", &options.out, e))?;
    let Some(edition) = typeset_edition else {
        write_atomically(&[(typ_path, world.main_text().as_bytes())])?;
        diagnostics.sort();
        return Err(Error::Input(Box::new(std::mem::take(diagnostics))));
    };
    let rendered = SourceFile::new(&typ_name, typ_path, world.main_text().to_owned());
    diagnostics.extend(edition.warnings.iter().cloned());
    diagnostics.add_source(&rendered);
    diagnostics.extend(overflow_diagnostics(&edition.overflows, project, &rendered));
    Ok(edition)
}

/// Applies `--strict` and stops the build when anything is an error.
fn finish_diagnostics(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Result<(), Error> {
    if options.strict {
        diagnostics.make_strict();
    }
    diagnostics.sort();
    if diagnostics.has_errors() {
        return Err(Error::Input(Box::new(std::mem::take(diagnostics))));
    }
    Ok(())
}

/// The PDF's creation date: `SOURCE_DATE_EPOCH` when set, else the report's date, so that
/// the same input always gives the same bytes.
fn creation_date(options: &BuildOptions, project: &Project) -> Date {
    let report_date = *project.settings.data.date.get_ref();
    options.source_date_epoch.map_or(report_date, |secs| {
        Date::from_days_since_epoch(secs.div_euclid(86_400))
    })
}

/// The Typst world for one edition: the rendered source, the style file, the fonts and the
/// project's templates folder; `print` asks the style for the printer's copy.
fn report_world(
    options: &BuildOptions,
    templates: &Templates,
    source: String,
    fonts: Arc<FontSet>,
    creation: Date,
    print: bool,
) -> ReportWorld {
    let style = templates.get("style.typ").unwrap_or_default().to_owned();
    let templates_dir = options.root.join("templates");
    ReportWorld::new(
        "report.typ",
        source,
        &[("style.typ", &style)],
        fonts,
        templates_dir.is_dir().then_some(templates_dir),
        creation,
    )
    .with_inputs(&[(PRINT_INPUT, if print { "yes" } else { "no" })])
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
