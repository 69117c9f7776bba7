//! The whole of `consolidate build`: prepare (load → validate → consolidate), then render →
//! typeset → write. Each stage is its own module; this one only runs them in order and decides
//! when to stop.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::consolidate::Consolidated;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::error::Error;
use crate::input::find::{display_name, regions_read};
use crate::model::Date;
use crate::model::entry::entries_of;
use crate::model::project::{Project, Submission};
use crate::model::source::SourceFile;
use crate::pipeline::edition::{DraftOptions, draft_outputs};
use crate::pipeline::prepare::{Prepared, Scope, prepare_with, settle};
use crate::pipeline::write::write_atomically;
use crate::progress::{Progress, Silent, Stage, Timings};
use crate::publish::fonts::FontSet;
use crate::publish::pdf::{PdfProfile, Typeset, TypesetOptions, typeset};
use crate::publish::preflight::{missing_glyphs, overflow_diagnostics};
use crate::publish::render::{Templates, render_proof, render_report};
use crate::publish::world::ReportWorld;

/// The `sys.inputs` key that asks the templates for the printer's copy: bleed, crop marks and
/// CMYK colours.
pub const PRINT_INPUT: &str = "consolidate-print";

/// The file name of the printer's copy, beside `report.pdf`.
pub const PRINT_PDF: &str = "report-print.pdf";

/// The folder under `out/` that holds the proofs, `proofs/ID.pdf`.
pub const PROOFS_FOLDER: &str = "proofs";

/// Removes an output that the build just made stale; the list of what it removed.
fn remove_stale(path: &Path) -> Vec<PathBuf> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
        && std::fs::remove_file(path).is_ok()
    {
        vec![path.to_owned()]
    } else {
        Vec::new()
    }
}

/// The proofs in `out/proofs/` that no longer show their submission: older than its file, or
/// of an id no submission has now. Sorted by name.
fn stale_proofs(out: &Path, project: &Project) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(out.join(PROOFS_FOLDER)) else {
        return Vec::new();
    };
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let mut stale: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "pdf")
                && path.file_stem().is_some_and(|id| {
                    match project.submissions.iter().find(|s| *id == *s.id) {
                        None => true,
                        Some(submission) => modified(&submission.source.path) > modified(path),
                    }
                })
        })
        .collect();
    stale.sort();
    stale
}

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
    /// A draft or the final edition, and the draft to compare with.
    pub drafts: DraftOptions,
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
            drafts: DraftOptions::default(),
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
    /// The line that names the submissions read, so that a file left out shows at once.
    pub read: String,
    /// Outputs of an earlier build that this one made stale and removed: the printer's copy
    /// of an older report.
    pub removed: Vec<PathBuf>,
    /// Proofs in `out/proofs/` older than their submission, or of a submission that is gone:
    /// kept (a host may still be reading one), and named so that nobody mistakes them for
    /// current.
    pub stale: Vec<PathBuf>,
}

impl BuildOutcome {
    /// The one-line account a build prints: "N entries from R regions → C consolidated (N − C
    /// merged)", or for a proof "proof of ID: N entries".
    #[must_use]
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

/// Builds `out/report.pdf`, `out/report.typ` and `out/consolidated.json`, and with `print` the
/// printer's copy `out/report-print.pdf`; with `region`, only that submission's proof.
///
/// Nothing is written unless every stage succeeded, and then each file is written to a
/// temporary name and renamed, so a failed build leaves the last good outputs in place.
///
/// # Errors
///
/// [`Error::Input`] with the diagnostics when the input has errors (or warnings under
/// `strict`), or when Typst cannot typeset the rendered source; [`Error::Usage`] for an
/// unknown `region`; [`Error::Project`], [`Error::Io`], [`Error::Template`] and
/// [`Error::Internal`] as their names say.
pub fn build(options: &BuildOptions) -> Result<BuildOutcome, Error> {
    build_with(options, &Silent)
}

/// [`build`], telling `progress` which stage it is in. The report and a region's proof take
/// the same path: a proof is the report's pipeline with its scope narrowed to one submission.
///
/// # Errors
///
/// As [`build`].
pub fn build_with(options: &BuildOptions, progress: &dyn Progress) -> Result<BuildOutcome, Error> {
    refuse_a_file_as_out(&options.out)?;
    let mut timings = Timings::default();
    let scope = options.region.clone().map_or(Scope::Report, Scope::Proof);
    let mut prepared = prepare_with(
        &options.root,
        &scope,
        options.strict,
        progress,
        &mut timings,
    )?;
    let mut diagnostics = std::mem::take(&mut prepared.diagnostics);
    let Prepared {
        project,
        consolidated,
        ..
    } = &prepared;

    let templates = Templates::load(&options.root)?;
    let fonts = FontSet::with_paths(&options.font_paths)?;
    diagnostics.extend(unreadable_fonts(&fonts));
    let standards = standards_for(options, project, &fonts, &mut diagnostics);
    prepared.keep_in_scope(&mut diagnostics);
    let creation = creation_date(options, project);
    let proof = prepared.proof_submission();
    let drafted = draft_outputs(&options.root, project, consolidated, options.drafts)?;
    let source = timings.time(Stage::Render, progress, || match proof {
        None => render_report(&templates, project, consolidated, &drafted.edition),
        Some(submission) => render_proof(
            &templates,
            project,
            consolidated,
            submission,
            &diagnostics.diagnostics,
            creation,
            &drafted.edition,
        ),
    })?;
    let (folder, stem) = edition_place(options, proof);
    let typ_path = folder.join(format!("{stem}.typ"));
    let world = report_world(options, &templates, source, fonts.clone(), creation, false)?;
    let edition = timings.time(Stage::Typeset, progress, || {
        typeset_checked(
            options,
            &world,
            &typ_path,
            standards,
            creation,
            project,
            &mut diagnostics,
        )
    })?;
    let print_copy = if options.print && proof.is_none() {
        let print_world = report_world(
            options,
            &templates,
            world.main_text().to_owned(),
            fonts,
            creation,
            true,
        )?;
        let typ_name = display_name(&options.root, &typ_path);
        Some(timings.time(Stage::Typeset, progress, || {
            typeset_print_copy(&print_world, &typ_name, creation, &mut diagnostics)
        })?)
    } else {
        None
    };
    settle(&mut diagnostics, options.strict)?;

    let pdf_path = folder.join(format!("{stem}.pdf"));
    let json_path = options.out.join("consolidated.json");
    let print_path = options.out.join(PRINT_PDF);
    let mut files: Vec<(&Path, &[u8])> = vec![(&pdf_path, &edition.pdf)];
    // A proof writes its PDF alone: the report's outputs stay those of the last full build.
    if proof.is_none() {
        files.insert(0, (&typ_path, world.main_text().as_bytes()));
        files.insert(0, (&json_path, drafted.json.as_bytes()));
        files.extend(drafted.extra_files()?);
    }
    if let Some(copy) = &print_copy {
        files.push((&print_path, copy));
    }
    timings.time(Stage::Write, progress, || write_atomically(&files))?;
    let (removed, stale) = stale_editions(options, project, proof, &print_path);
    let (regions, entries, merged_into) = counts(project, consolidated, proof);
    Ok(BuildOutcome {
        diagnostics,
        pdf: pdf_path,
        pages: edition.pages,
        print: print_copy.is_some().then_some(print_path),
        proof: proof.map(|s| s.id.clone()),
        regions,
        entries,
        consolidated: merged_into,
        timings,
        read: read_line(project, proof),
        removed,
        stale,
    })
}

/// Said before any work, and in words: creating the folder would only fail with "it already
/// exists" after typesetting.
fn refuse_a_file_as_out(out: &Path) -> Result<(), Error> {
    if out.exists() && !out.is_dir() {
        return Err(Error::usage(
            format!("the output folder {} is a file", out.display()),
            "give --out a folder (it is created if need be), e.g. `--out out`",
        ));
    }
    Ok(())
}

/// The folder and file stem of an edition. Proofs live in a folder of their own, so that no
/// id (`report`, `report-print`) can name a proof that overwrites one of the report's outputs.
fn edition_place(options: &BuildOptions, proof: Option<&Submission>) -> (PathBuf, String) {
    match proof {
        None => (options.out.clone(), "report".to_owned()),
        Some(submission) => (options.out.join(PROOFS_FOLDER), submission.id.clone()),
    }
}

/// After the report is written: the printer's copy of an older report removed (unless this
/// build made a new one), and the proofs older than their submissions named.
fn stale_editions(
    options: &BuildOptions,
    project: &Project,
    proof: Option<&Submission>,
    print_path: &Path,
) -> (Vec<PathBuf>, Vec<PathBuf>) {
    if proof.is_some() {
        return (Vec::new(), Vec::new());
    }
    let removed = if options.print {
        Vec::new()
    } else {
        remove_stale(print_path)
    };
    (removed, stale_proofs(&options.out, project))
}

/// The line naming the submissions a build read: all of them, or the proof's own.
fn read_line(project: &Project, proof: Option<&Submission>) -> String {
    let mut read: Vec<PathBuf> = match proof {
        None => project
            .submissions
            .iter()
            .map(|s| s.source.path.clone())
            .collect(),
        Some(submission) => vec![submission.source.path.clone()],
    };
    read.sort();
    regions_read(&read)
}

/// W006 for each file of the font folders that holds no font: skipped, but not in silence.
fn unreadable_fonts(fonts: &FontSet) -> Vec<Diagnostic> {
    fonts
        .unreadable
        .iter()
        .map(|file| {
            Diagnostic::without_span(
                Code::TypesetterWarning,
                file.display().to_string(),
                "this file holds no font the typesetter can read; it is skipped",
            )
            .with_help(
                "replace it with an undamaged copy of the font, or remove it from the folder",
            )
        })
        .collect()
}

/// How many regions and entries went in, and how many consolidated entries came out; a proof
/// counts its own submission's entries, each its own.
fn counts(
    project: &Project,
    consolidated: &Consolidated,
    proof: Option<&Submission>,
) -> (usize, usize, usize) {
    match proof {
        None => (
            project.submissions.len(),
            consolidated.entries.iter().map(|e| e.sources.len()).sum(),
            consolidated.entries.len(),
        ),
        Some(submission) => {
            let entries = entries_of(submission).len();
            (1, entries, entries)
        }
    }
}

/// Typesets the printer's copy, adding its warnings to `diagnostics`. It is plain PDF: PDF/A
/// refuses the CMYK colours a press needs, and the report's layout was already checked.
fn typeset_print_copy(
    world: &ReportWorld,
    typ_name: &str,
    creation: Date,
    diagnostics: &mut Diagnostics,
) -> Result<Vec<u8>, Error> {
    let plain = TypesetOptions {
        standards: PdfProfile::plain(),
        check_layout: false,
    };
    let Some(copy) = typeset(world, typ_name, creation, &plain, diagnostics) else {
        return Err(Error::Input(Box::new(std::mem::take(diagnostics).sorted())));
    };
    diagnostics.extend(copy.warnings);
    Ok(copy.pdf)
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
        let pdf = match &options.region {
            None => options.out.join("report.pdf"),
            Some(id) => options.out.join(PROOFS_FOLDER).join(format!("{id}.pdf")),
        };
        diagnostics.extend([Diagnostic::without_span(
            Code::MissingGlyph,
            display_name(&options.root, &pdf),
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
    let folder = typ_path.parent().unwrap_or(&options.out);
    std::fs::create_dir_all(folder).map_err(|e| Error::io("create the folder", folder, e))?;
    let Some(edition) = typeset_edition else {
        // The source that failed goes beside the outputs under a name of its own: the last
        // good report.typ stays with the PDF it made, and the messages point at this file.
        let failed_path = typ_path.with_extension("failed.typ");
        write_atomically(&[(&failed_path, world.main_text().as_bytes())])?;
        let failed_name = display_name(&options.root, &failed_path);
        let failed = SourceFile::new(&failed_name, &failed_path, world.main_text().to_owned());
        diagnostics.add_source(&failed);
        for d in &mut diagnostics.diagnostics {
            if d.file == typ_name {
                d.file.clone_from(&failed_name);
            }
            for related in &mut d.related {
                if related.file == typ_name {
                    related.file.clone_from(&failed_name);
                }
            }
        }
        diagnostics.extend([Diagnostic::without_span(
            Code::Typesetting,
            &failed_name,
            format!("the source that failed to typeset is in {failed_name}; the earlier outputs are kept"),
        )
        .with_help("a template in templates/ most likely caused this: compare it with the built-in one")]);
        diagnostics.sort();
        return Err(Error::Input(Box::new(std::mem::take(diagnostics))));
    };
    let rendered = SourceFile::new(&typ_name, typ_path, world.main_text().to_owned());
    diagnostics.extend(edition.warnings.iter().cloned());
    diagnostics.add_source(&rendered);
    diagnostics.extend(overflow_diagnostics(&edition.overflows, project, &rendered));
    Ok(edition)
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
) -> Result<ReportWorld, Error> {
    let style = templates.get("style.typ").unwrap_or_default().to_owned();
    let templates_dir = options.root.join("templates");
    ReportWorld::new(
        "report.typ",
        source,
        &[("style.typ", &style)],
        &[(PRINT_INPUT, if print { "yes" } else { "no" })],
        fonts,
        templates_dir.is_dir().then_some(templates_dir),
        creation,
    )
}
