//! Stage 4, render: minijinja turns the consolidated model into Typst source.
//!
//! Templates whose name ends in `.typ.j2` auto-escape every value the way HTML templates do:
//! a value prints as a Typst string literal (`#"...";`), so whatever a host wrote (`#`, `$`,
//! `*`, `<label>`, `{{ }}`, a line starting with `= `) is shown as text and never read as
//! markup or code. Templates that need a value in code position use the `str` filter, which
//! gives the bare literal (`"..."`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use minijinja::value::Value;
use minijinja::{
    AutoEscape, Environment, Error as TemplateError, ErrorKind, Output, State, UndefinedBehavior,
};
use serde::Serialize;

use crate::consolidate::merge::{Consolidated, ConsolidatedEntry, Wording};
use crate::diagnostic::Diagnostic;
use crate::drafts::Edition;
use crate::drafts::diff::{Change, ChangeKind};
use crate::drafts::numbers::CROSS_CUTTING;
use crate::drafts::words::WordEdit;
use crate::error::Error;
use crate::model::entry::EntryKind;
use crate::model::project::{Project, Submission};
use crate::model::{Date, Item};
use crate::publish::escape::typst_string_literal;

/// The name of the auto-escape mode for Typst templates.
const TYPST_ESCAPE: &str = "typst";

/// The default templates, compiled into the binary so that an installed `consolidate` works in
/// any folder. A project's own `templates/` folder overrides them file by file.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "report.typ.j2",
        include_str!("../../templates/report.typ.j2"),
    ),
    ("proof.typ.j2", include_str!("../../templates/proof.typ.j2")),
    ("style.typ", include_str!("../../templates/style.typ")),
];

/// The templates of a project: the defaults, with the project's own files in their place.
#[derive(Debug, Clone)]
pub struct Templates {
    files: BTreeMap<String, String>,
}

impl Templates {
    /// The defaults, overridden by `ROOT/templates/NAME` where such a file exists.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when a project's template exists but cannot be read.
    pub fn load(root: &Path) -> Result<Templates, Error> {
        let mut files = BTreeMap::new();
        for (name, text) in DEFAULT_TEMPLATES {
            let custom = root.join("templates").join(name);
            let text = if custom.is_file() {
                std::fs::read_to_string(&custom)
                    .map_err(|e| Error::io("read the template", &custom, e))?
            } else {
                (*text).to_owned()
            };
            files.insert((*name).to_owned(), text);
        }
        Ok(Templates { files })
    }

    /// The text of one template or style file.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }
}

/// The auto-escape formatter for `.typ` templates: text becomes `#"...";` (a string shown as
/// text; the semicolon ends the expression so that a following `(` or `[` stays text), numbers
/// print as they are, and anything else is an error rather than a silent `[object]`.
fn typst_formatter(
    out: &mut Output,
    state: &mut State,
    value: &Value,
) -> Result<(), TemplateError> {
    let escaping = matches!(state.auto_escape(), AutoEscape::Custom(name) if name == TYPST_ESCAPE);
    if !escaping || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    let write = |out: &mut Output, s: &str| out.write_str(s).map_err(TemplateError::from);
    if value.is_undefined() || value.is_none() {
        return Err(TemplateError::new(
            ErrorKind::UndefinedError,
            "a template printed an empty value",
        ));
    }
    if value.is_number() {
        return write(out, &value.to_string());
    }
    if let Some(text) = value.as_str() {
        return write(out, &format!("#{};", typst_string_literal(text)));
    }
    if value.kind() == minijinja::value::ValueKind::Bool {
        // Typst's spelling, not minijinja's display ("True").
        return write(out, if value.is_true() { "true" } else { "false" });
    }
    Err(TemplateError::new(
        ErrorKind::InvalidOperation,
        format!(
            "a template printed a {} where text was expected",
            value.kind()
        ),
    ))
}

/// One minijinja environment for all templates: strict about undefined values, auto-escaping
/// `.typ` output.
#[allow(
    clippy::case_sensitive_file_extension_comparisons,
    reason = "template names are the fixed keys of DEFAULT_TEMPLATES, not file names a user typed"
)]
pub fn environment(templates: &Templates) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".typ.j2") || name.ends_with(".typ") {
            AutoEscape::Custom(TYPST_ESCAPE.into())
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(typst_formatter);
    env.add_filter("str", |value: Value| -> Result<Value, TemplateError> {
        let text = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_owned);
        Ok(Value::from_safe_string(typst_string_literal(&text)))
    });
    for (name, text) in &templates.files {
        if name.ends_with(".j2") {
            // Errors in a template surface when it is rendered, with the template's line.
            if let Err(err) = env.add_template_owned(name.clone(), text.clone()) {
                let message = describe_template_error(&err);
                env.add_template_owned(
                    name.clone(),
                    format!("{{{{ raise({}) }}}}", typst_string_literal(&message)),
                )
                .ok();
            }
        }
    }
    env.add_function("raise", |message: String| -> Result<Value, TemplateError> {
        Err(TemplateError::new(ErrorKind::InvalidOperation, message))
    });
    env
}

/// A template error with its whole cause chain, for people.
#[must_use]
pub fn describe_template_error(err: &TemplateError) -> String {
    let mut message = err.to_string();
    let mut cause = std::error::Error::source(err);
    while let Some(inner) = cause {
        let _ = write!(message, "\n  caused by: {inner}");
        cause = inner.source();
    }
    message
}

/// Renders the consolidated report's Typst source.
///
/// # Errors
///
/// [`Error::Template`] when the template fails to render, with its whole cause chain.
pub fn render_report(
    templates: &Templates,
    project: &Project,
    consolidated: &Consolidated,
    edition: &Edition,
) -> Result<String, Error> {
    let view = ReportView::new(project, consolidated, edition);
    render(templates, "report.typ.j2", &view)
}

/// Renders the Typst source of one submission's proof, for its hosts to check: the submission
/// in full, each entry with the line it is on, and the problems `validate` found in the file.
///
/// # Errors
///
/// [`Error::Template`] when the template fails to render, with its whole cause chain.
pub fn render_proof(
    templates: &Templates,
    project: &Project,
    consolidated: &Consolidated,
    submission: &Submission,
    diagnostics: &[Diagnostic],
    created: Date,
    edition: &Edition,
) -> Result<String, Error> {
    let view = ProofView::new(
        project,
        consolidated,
        submission,
        diagnostics,
        created,
        edition,
    );
    render(templates, "proof.typ.j2", &view)
}

fn render(templates: &Templates, name: &str, view: &impl Serialize) -> Result<String, Error> {
    let env = environment(templates);
    let template = env
        .get_template(name)
        .map_err(|e| template_error(name, &e))?;
    template
        .render(minijinja::value::Serde(view))
        .map_err(|e| template_error(name, &e))
}

fn template_error(name: &str, err: &TemplateError) -> Error {
    Error::Template {
        name: name.to_owned(),
        message: describe_template_error(err),
    }
}

/// Everything the report template can print.
#[derive(Debug, Serialize)]
pub struct ReportView {
    /// Title, subtitle, event, date, publisher, paper.
    pub report: ReportMeta,
    /// One row per consultation.
    pub regions: Vec<RegionSummary>,
    /// Agenda points × regions: how many entries each region gave.
    pub matrix: Matrix,
    /// Entries raised by more than one region, most first.
    pub convergent: Vec<EntryView>,
    /// A text alternative of the convergence chart, for screen readers.
    pub convergent_alt: String,
    /// Per agenda point (and the cross-cutting entries): how much convergence there is.
    pub by_point: Vec<PointSummary>,
    /// A text alternative of the per-point chart.
    pub by_point_alt: String,
    /// The largest number of entries filed under one point, which the longest bar stands for.
    pub by_point_max: usize,
    /// One chapter per agenda cluster.
    pub clusters: Vec<ClusterView>,
    /// Entries mapped to no agenda point.
    pub cross_cutting: PointEntries,
    /// Each submission in full.
    pub annexes: Vec<AnnexView>,
    /// Consolidated entries that merged more than one original.
    pub merged: Vec<EntryView>,
    /// Totals for the introduction.
    pub totals: Totals,
    /// The annex "Changes since draft N", by agenda point (`--since N`).
    pub changes: Option<ChangesAnnex>,
}

/// What changed since an earlier draft, by agenda point.
#[derive(Debug, Serialize)]
pub struct ChangesAnnex {
    /// The draft compared with.
    since: u32,
    /// The points with changes, in the agenda's order, cross-cutting last.
    points: Vec<ChangesAtPoint>,
}

/// The changes filed under one agenda point.
#[derive(Debug, Serialize)]
pub struct ChangesAtPoint {
    /// "Point 2: ...", or "Cross-cutting".
    title: String,
    changes: Vec<ChangeView>,
}

/// One change, as the annex and a proof print it.
#[derive(Debug, Serialize)]
pub struct ChangeView {
    /// The entry's number now (before, for a removal).
    number: String,
    /// "added", "merged from 2.3 + 2.5", "moved from point 4 (was 4.2)", ...
    what: String,
    /// The printed wording now (the last one, for a removal).
    text: String,
    /// For a rewording: the words removed and added.
    words: Vec<WordEdit>,
}

/// The report-wide facts, and the PDF's metadata.
#[derive(Debug, Serialize)]
pub struct ReportMeta {
    title: String,
    subtitle: Option<String>,
    event: Option<String>,
    date: String,
    year: i32,
    publisher: Option<String>,
    paper: &'static str,
    /// The PDF's subject: the subtitle, else the event.
    description: Option<String>,
    /// The PDF's keywords: `keywords` in report.toml, else the agenda's clusters.
    keywords: Vec<String>,
    /// On a draft, the band on every page: "Draft 2 — 1 July 2013 — not for citation".
    draft: Option<String>,
    /// On a draft, what the cover and the PDF's title say: "Draft 2, 1 July 2013".
    draft_title: Option<String>,
    /// The report's language (the format has the consolidated text in English).
    language: &'static str,
    /// "May–July 2013": when the consultations took place.
    period: String,
}

/// A consultation at a glance.
#[derive(Debug, Serialize)]
pub struct RegionSummary {
    id: String,
    /// The short label printed beside entries and in figures.
    code: String,
    name: String,
    title: Option<String>,
    dates: String,
    location: String,
    hosts: Vec<String>,
    participants: Option<u32>,
}

/// Counts per agenda point and region.
#[derive(Debug, Serialize)]
pub struct Matrix {
    points: Vec<i64>,
    /// The agenda points' titles, for the figure's key.
    point_titles: Vec<String>,
    rows: Vec<MatrixRow>,
    /// The largest count of any cell, which the darkest shade stands for.
    max: usize,
    /// The largest total of any region, which the longest bar stands for.
    max_total: usize,
    /// A text alternative of the figure, for screen readers.
    alt: String,
}

/// One region's counts.
#[derive(Debug, Serialize)]
pub struct MatrixRow {
    code: String,
    name: String,
    counts: Vec<usize>,
    cross_cutting: usize,
    total: usize,
}

/// Convergence on one agenda point, for the chart of the convergence chapter.
#[derive(Debug, Serialize)]
pub struct PointSummary {
    /// "1" ... "8", or "X" for the cross-cutting entries.
    label: String,
    title: String,
    /// Consolidated entries filed under the point.
    entries: usize,
    /// Of those, how many more than one region raised.
    shared: usize,
    /// How many regions mapped any entry to the point.
    regions: usize,
}

/// A chapter: one cluster of the agenda.
#[derive(Debug, Serialize)]
pub struct ClusterView {
    name: String,
    points: Vec<PointView>,
    /// How many consolidated issues and strategies the chapter holds.
    issues: usize,
    strategies: usize,
}

/// A section: one agenda point.
#[derive(Debug, Serialize)]
pub struct PointView {
    number: i64,
    title: String,
    #[serde(flatten)]
    entries: PointEntries,
}

/// The issues and strategies of a point.
#[derive(Debug, Default, Serialize)]
pub struct PointEntries {
    issues: Vec<EntryView>,
    strategies: Vec<EntryView>,
}

/// A consolidated entry as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    /// Its stable number, `2.14`, for comments to cite.
    number: String,
    text: String,
    /// How the originals came together and how the wording was chosen, for the editorial annex.
    how: String,
    kind: EntryKind,
    regions: Vec<String>,
    /// The regions' short labels, in the same order.
    codes: Vec<String>,
    also: Vec<i64>,
    sources: Vec<SourceView>,
}

/// An original wording.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    region: String,
    code: String,
    text: String,
    file: String,
    line: usize,
}

/// A submission in full.
#[derive(Debug, Serialize)]
pub struct AnnexView {
    id: String,
    code: String,
    name: String,
    /// The submission's file, as hosts name it.
    file: String,
    title: Option<String>,
    dates: String,
    location: String,
    hosts: Vec<String>,
    participants: Option<u32>,
    language: String,
    /// The language as Typst takes it: see [`TypstLocale`].
    locale: TypstLocale,
    objectives: Vec<ItemView>,
    key_points: Vec<ItemView>,
    plenary: Vec<PlenaryView>,
    workshops: Vec<WorkshopView>,
}

/// A plenary session.
#[derive(Debug, Serialize)]
pub struct PlenaryView {
    title: Option<String>,
    speakers: Vec<String>,
    points: Vec<ItemView>,
}

/// A workshop.
#[derive(Debug, Serialize)]
pub struct WorkshopView {
    title: String,
    agenda: Vec<i64>,
    issues: Vec<ItemView>,
    strategies: Vec<ItemView>,
}

/// An item with its original.
#[derive(Debug, Serialize)]
pub struct ItemView {
    text: String,
    original: Option<String>,
    original_lang: Option<String>,
    /// The language of the original in words, "French · français", for the reader.
    original_lang_name: Option<String>,
    /// The language of the original as Typst takes it.
    original_locale: Option<TypstLocale>,
    rtl: bool,
    agenda: Vec<i64>,
    /// The line of the submission the entry starts on, for the proof.
    line: usize,
    /// For issues and strategies: the other regions whose entry was merged with this one.
    also_raised_by: Vec<String>,
    /// For issues and strategies in a proof: the number of the consolidated entry it went
    /// into.
    number: Option<String>,
    /// And the wording printed there, when it is not this entry's own.
    printed: Option<String>,
}

/// Numbers for the introduction.
#[derive(Debug, Serialize)]
pub struct Totals {
    regions: usize,
    entries: usize,
    consolidated: usize,
    /// Summed wide: each region may claim up to `u32::MAX`, and the sum must not wrap.
    participants: u64,
}

/// The short labels of all regions, by id: each host's `short`, or one derived from the name,
/// with a number added where two would be the same, so that a label always names one region.
#[must_use]
pub fn region_codes(submissions: &[Submission]) -> BTreeMap<String, String> {
    let mut codes = BTreeMap::new();
    let mut taken: Vec<String> = Vec::new();
    for submission in submissions {
        let consultation = submission.data.consultation.get_ref();
        let base = match &consultation.short {
            Some(short) if !short.get_ref().trim().is_empty() => short.get_ref().trim().to_owned(),
            _ => derived_code(submission.region()),
        };
        let mut code = base.clone();
        let mut n = 2;
        while taken.contains(&code) {
            code = format!("{base}{n}");
            n += 1;
        }
        taken.push(code.clone());
        codes.insert(submission.id.clone(), code);
    }
    codes
}

pub use crate::model::project::derived_code;

/// A language tag in words, in English and in the language itself, for the common ones. The
/// name in its own script is given only where the bundled fonts can print it: a label the
/// template adds must never be an empty box.
fn language_name(tag: &str) -> String {
    let primary = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
    let name = match primary.as_str() {
        "ar" => "Arabic · العربية",
        "es" => "Spanish · español",
        "fr" => "French · français",
        "pt" => "Portuguese · português",
        "en" => "English",
        "ru" => "Russian · русский",
        "zh" => "Chinese",
        "ja" => "Japanese",
        "ko" => "Korean",
        "hi" => "Hindi",
        "id" => "Indonesian · Bahasa Indonesia",
        "tl" | "fil" => "Filipino",
        "sw" => "Swahili · Kiswahili",
        "de" => "German · Deutsch",
        "it" => "Italian · italiano",
        _ => return tag.to_owned(),
    };
    name.to_owned()
}

/// "May–July 2013", "June 2013", "December 2012 – January 2013": the span of the consultations.
fn period(first: Date, last: Date) -> String {
    if (first.year, first.month) == (last.year, last.month) {
        format!("{} {}", first.month_name(), first.year)
    } else if first.year == last.year {
        format!(
            "{}–{} {}",
            first.month_name(),
            last.month_name(),
            first.year
        )
    } else {
        format!(
            "{} {} – {} {}",
            first.month_name(),
            first.year,
            last.month_name(),
            last.year
        )
    }
}

/// A BCP 47 tag split the way Typst's `text` takes it: `lang` is only the two- or three-letter
/// language code, `region` only a two-letter country code. A host may write `es-MX` or
/// `zh-Hant-TW`, which `validate` accepts and which Typst would refuse whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypstLocale {
    /// "es"; "und" (undetermined) when the tag does not start with a language code.
    lang: String,
    /// "MX", when the tag names a country.
    region: Option<String>,
}

impl TypstLocale {
    /// Splits a tag; anything Typst cannot take (scripts, variants, numeric regions) is left out.
    pub fn from_tag(tag: &str) -> TypstLocale {
        let mut parts = tag.split(['-', '_']);
        let primary = parts.next().unwrap_or("").to_ascii_lowercase();
        let lang = if (2..=3).contains(&primary.len())
            && primary.bytes().all(|b| b.is_ascii_alphabetic())
        {
            primary
        } else {
            "und".to_owned()
        };
        let region = parts
            .find(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_alphabetic()))
            .map(str::to_ascii_uppercase);
        TypstLocale { lang, region }
    }
}

/// Languages written right to left, by their primary subtag.
fn is_rtl(lang: &str) -> bool {
    let primary = lang.split('-').next().unwrap_or(lang).to_ascii_lowercase();
    matches!(
        primary.as_str(),
        "ar" | "he" | "fa" | "ur" | "ps" | "yi" | "dv" | "ckb" | "sd" | "ug"
    )
}

/// How the report names regions, by display name and by short label, for any id (an id no
/// submission has prints as itself).
struct RegionNames<'a> {
    names: BTreeMap<&'a str, &'a str>,
    codes: BTreeMap<String, String>,
}

impl<'a> RegionNames<'a> {
    /// The names and labels of a project's submissions.
    fn new(project: &'a Project) -> RegionNames<'a> {
        RegionNames {
            names: project
                .submissions
                .iter()
                .map(|s| (s.id.as_str(), s.region()))
                .collect(),
            codes: region_codes(&project.submissions),
        }
    }

    /// The region's display name.
    fn name_of(&self, id: &str) -> String {
        self.names
            .get(id)
            .map_or_else(|| id.to_owned(), |n| (*n).to_owned())
    }

    /// The region's short label.
    fn code_of(&self, id: &str) -> String {
        self.codes.get(id).cloned().unwrap_or_else(|| id.to_owned())
    }

    /// A consolidated entry as the report shows it, with its number.
    fn entry_view(&self, e: &ConsolidatedEntry, number: &str) -> EntryView {
        EntryView {
            number: number.to_owned(),
            text: e.text.clone(),
            how: how_merged(e),
            kind: e.kind,
            regions: e.regions.iter().map(|id| self.name_of(id)).collect(),
            codes: e.regions.iter().map(|id| self.code_of(id)).collect(),
            also: e.agenda.iter().skip(1).copied().collect(),
            sources: e
                .sources
                .iter()
                .map(|s| SourceView {
                    region: self.name_of(&s.region),
                    code: self.code_of(&s.region),
                    text: s.text.clone(),
                    file: s.file.clone(),
                    line: s.line,
                })
                .collect(),
        }
    }
}

impl ReportView {
    /// Arranges the consolidated model the way the report reads.
    #[must_use]
    pub fn new(project: &Project, consolidated: &Consolidated, edition: &Edition) -> ReportView {
        let names = RegionNames::new(project);
        let number = |i: usize| edition.numbers.get(i).map_or("", String::as_str);
        let (clusters, cross_cutting) = chapters(project, consolidated, &names, &edition.numbers);
        let by_point = point_summaries(&clusters, &cross_cutting, consolidated);
        let by_point_max = by_point.iter().map(|p| p.entries).max().unwrap_or(0);
        let by_point_alt = by_point_alt(&by_point, project.submissions.len());

        let mut convergent: Vec<(usize, &ConsolidatedEntry)> = consolidated
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.regions.len() > 1)
            .collect();
        convergent.sort_by_key(|(_, e)| std::cmp::Reverse(e.regions.len()));
        let merged = consolidated
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.sources.len() > 1)
            .map(|(i, e)| names.entry_view(e, number(i)))
            .collect();
        let matrix = matrix(project, &names);
        let convergent: Vec<EntryView> = convergent
            .into_iter()
            .take(12)
            .map(|(i, e)| names.entry_view(e, number(i)))
            .collect();
        let convergent_alt = convergent_alt(&convergent, project.submissions.len());
        ReportView {
            report: ReportMeta::new(project, edition),
            changes: edition
                .since
                .as_ref()
                .map(|(since, diff)| changes_annex(project, *since, &diff.changes, &names)),
            regions: project
                .submissions
                .iter()
                .map(|s| region_summary(s, &names.code_of(&s.id)))
                .collect(),
            matrix,
            convergent,
            convergent_alt,
            by_point,
            by_point_alt,
            by_point_max,
            clusters,
            cross_cutting,
            annexes: project
                .submissions
                .iter()
                .map(|s| annex(s, &names.code_of(&s.id), &BTreeMap::new()))
                .collect(),
            merged,
            totals: Totals {
                regions: project.submissions.len(),
                entries: consolidated.entries.iter().map(|e| e.sources.len()).sum(),
                consolidated: consolidated.entries.len(),
                participants: project
                    .submissions
                    .iter()
                    .filter_map(|s| s.data.consultation.get_ref().participants)
                    .map(u64::from)
                    .sum(),
            },
        }
    }
}

/// The report's chapters: each agenda cluster with its points and their entries, filed under
/// their first point; and the entries mapped to no point.
fn chapters(
    project: &Project,
    consolidated: &Consolidated,
    names: &RegionNames,
    numbers: &[String],
) -> (Vec<ClusterView>, PointEntries) {
    let number = |i: usize| numbers.get(i).map_or("", String::as_str);
    let mut by_point: BTreeMap<i64, PointEntries> = BTreeMap::new();
    let mut cross_cutting = PointEntries::default();
    for (i, entry) in consolidated.entries.iter().enumerate() {
        let bucket = match entry.agenda.first() {
            Some(point) => by_point.entry(*point).or_default(),
            None => &mut cross_cutting,
        };
        match entry.kind {
            EntryKind::Issue => bucket.issues.push(names.entry_view(entry, number(i))),
            EntryKind::Strategy => bucket.strategies.push(names.entry_view(entry, number(i))),
        }
    }
    let mut clusters: Vec<ClusterView> = Vec::new();
    for point in &project.settings.data.agenda {
        let point = point.get_ref();
        let number = *point.number.get_ref();
        let view = PointView {
            number,
            title: point.title.clone(),
            entries: by_point.remove(&number).unwrap_or_default(),
        };
        match clusters.last_mut() {
            Some(cluster) if cluster.name == point.cluster => cluster.points.push(view),
            _ => clusters.push(ClusterView {
                name: point.cluster.clone(),
                points: vec![view],
                issues: 0,
                strategies: 0,
            }),
        }
    }
    for cluster in &mut clusters {
        cluster.issues = cluster.points.iter().map(|p| p.entries.issues.len()).sum();
        cluster.strategies = cluster
            .points
            .iter()
            .map(|p| p.entries.strategies.len())
            .sum();
    }
    (clusters, cross_cutting)
}

/// Convergence per agenda point, then for the cross-cutting entries: the chart of the
/// convergence chapter.
fn point_summaries(
    clusters: &[ClusterView],
    cross_cutting: &PointEntries,
    consolidated: &Consolidated,
) -> Vec<PointSummary> {
    let summary = |label: String,
                   title: String,
                   filed: &PointEntries,
                   raised: &dyn Fn(&ConsolidatedEntry) -> bool| {
        let all: Vec<&EntryView> = filed.issues.iter().chain(&filed.strategies).collect();
        let regions: std::collections::BTreeSet<&str> = consolidated
            .entries
            .iter()
            .filter(|e| raised(e))
            .flat_map(|e| e.regions.iter().map(String::as_str))
            .collect();
        PointSummary {
            label,
            title,
            entries: all.len(),
            shared: all.iter().filter(|e| e.regions.len() > 1).count(),
            regions: regions.len(),
        }
    };
    let mut by_point: Vec<PointSummary> = clusters
        .iter()
        .flat_map(|c| &c.points)
        .map(|p| {
            let number = p.number;
            summary(
                number.to_string(),
                shortened(&p.title, 52),
                &p.entries,
                &|e: &ConsolidatedEntry| e.agenda.contains(&number),
            )
        })
        .collect();
    by_point.push(summary(
        "X".to_owned(),
        "Cross-cutting: mapped to no single point".to_owned(),
        cross_cutting,
        &|e: &ConsolidatedEntry| e.agenda.is_empty(),
    ));
    by_point
}

/// The heat map: how many entries each region mapped to each agenda point.
fn matrix(project: &Project, names: &RegionNames) -> Matrix {
    let agenda = &project.settings.data.agenda;
    let points: Vec<i64> = agenda
        .iter()
        .map(|p| *p.get_ref().number.get_ref())
        .collect();
    let rows: Vec<MatrixRow> = project
        .submissions
        .iter()
        .map(|s| {
            let entries = crate::model::entry::entries_of(s);
            MatrixRow {
                code: names.code_of(&s.id),
                name: s.region().to_owned(),
                counts: points
                    .iter()
                    .map(|p| entries.iter().filter(|e| e.agenda.contains(p)).count())
                    .collect(),
                cross_cutting: entries.iter().filter(|e| e.agenda.is_empty()).count(),
                total: entries.len(),
            }
        })
        .collect();
    let max = rows
        .iter()
        .flat_map(|r| r.counts.iter().copied())
        .max()
        .unwrap_or(0);
    let max_total = rows.iter().map(|r| r.total).max().unwrap_or(0);
    let alt = matrix_alt(&points, &rows);
    Matrix {
        point_titles: agenda.iter().map(|p| p.get_ref().title.clone()).collect(),
        points,
        rows,
        max,
        max_total,
        alt,
    }
}

impl ReportMeta {
    /// The report-wide facts of a project.
    fn new(project: &Project, edition: &Edition) -> ReportMeta {
        let settings = &project.settings.data;
        let date = *settings.date.get_ref();
        let mut keywords = settings.keywords.clone();
        if keywords.is_empty() {
            for point in &settings.agenda {
                let cluster = &point.get_ref().cluster;
                if !keywords.contains(cluster) {
                    keywords.push(cluster.clone());
                }
            }
        }
        let dates = project
            .submissions
            .iter()
            .map(|s| *s.data.consultation.get_ref().date.get_ref());
        let first = dates.clone().min().unwrap_or(date);
        let last = dates.max().unwrap_or(date);
        ReportMeta {
            title: settings.title.clone(),
            subtitle: settings.subtitle.clone(),
            event: settings.event.clone(),
            date: date.long(),
            year: date.year,
            publisher: settings.publisher.clone(),
            paper: settings.paper.typst_name(),
            description: settings.subtitle.clone().or_else(|| settings.event.clone()),
            keywords,
            draft: edition.band(),
            draft_title: edition
                .draft
                .map(|d| format!("Draft {}, {}", d.number, d.date.long())),
            language: "en",
            period: period(first, last),
        }
    }
}

/// The longest text alternative a figure gets, in characters. A PDF string holds at most
/// 32,767 bytes, and a figure described region by region (or point by point) passes that at a
/// few hundred of them: the export then fails. At four bytes a character at most, this stays
/// well below, and a reader is told where the rest is.
pub const ALT_MAX_CHARS: usize = 4_000;

/// The opening sentence and as many of the other sentences as fit in [`ALT_MAX_CHARS`], and
/// then how many of `what` were left out.
fn within_alt_limit(parts: Vec<String>, what: &str) -> String {
    const RESERVE: usize = 120;
    let total = parts.len().saturating_sub(1);
    let mut text = String::new();
    let mut told = 0;
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 && text.chars().count() + part.chars().count() + 1 > ALT_MAX_CHARS - RESERVE {
            break;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&part);
        told = i;
    }
    if told < total {
        let _ = write!(
            text,
            " The other {} {what} are in the tables of the report.",
            total - told
        );
    }
    text
}

/// The heat map in words: per region, its total and the points it gave most entries to.
fn matrix_alt(points: &[i64], rows: &[MatrixRow]) -> String {
    let mut parts = vec![format!(
        "Heat map of how many issues and strategies each of {} regions mapped to each of {} agenda points.",
        rows.len(),
        points.len()
    )];
    for row in rows {
        let top = row.counts.iter().copied().max().unwrap_or(0);
        let strongest: Vec<String> = points
            .iter()
            .zip(&row.counts)
            .filter(|(_, n)| top > 0 && **n == top)
            .map(|(p, _)| p.to_string())
            .collect();
        let most = if strongest.is_empty() {
            String::new()
        } else {
            format!(
                ", most on point{} {} ({top} each)",
                if strongest.len() > 1 { "s" } else { "" },
                strongest.join(" and ")
            )
        };
        parts.push(format!(
            "{} ({}): {} entries{most}, {} cross-cutting.",
            row.name, row.code, row.total, row.cross_cutting
        ));
    }
    within_alt_limit(parts, "regions")
}

/// A title cut at a word boundary to fit one line of a chart, marked with an ellipsis.
fn shortened(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max_chars - 1 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let out = out.trim_end_matches([',', ';', ':']);
    format!("{out}…")
}

/// The per-point chart in words.
fn by_point_alt(points: &[PointSummary], regions: usize) -> String {
    let mut parts = vec![format!(
        "Bar chart of the consolidated entries filed under each agenda point, how many of them more than one region raised, and how many of the {regions} regions spoke to the point."
    )];
    for p in points {
        parts.push(format!(
            "Point {}: {} entries, {} raised by several regions; {} of {regions} regions.",
            p.label, p.entries, p.shared, p.regions
        ));
    }
    within_alt_limit(parts, "agenda points")
}

/// The convergence chart in words.
fn convergent_alt(entries: &[EntryView], regions: usize) -> String {
    if entries.is_empty() {
        return "No entry was raised by more than one region.".to_owned();
    }
    let mut parts = vec![format!(
        "Bar chart of the {} entries raised by the most regions, out of {regions}.",
        entries.len()
    )];
    for e in entries {
        parts.push(format!(
            "{}: {} regions ({}).",
            shortened(&e.text, ALT_ENTRY_CHARS),
            e.regions.len(),
            shortened(&e.regions.join(", "), ALT_ENTRY_CHARS)
        ));
    }
    within_alt_limit(parts, "entries")
}

/// How much of one entry's text, or of its list of regions, the convergence chart's text
/// alternative quotes: enough to recognise it.
const ALT_ENTRY_CHARS: usize = 200;

/// One sentence for the editorial annex: who merged an entry, and whose wording it prints.
fn how_merged(entry: &ConsolidatedEntry) -> String {
    let merged = match (entry.merged_by_editors, entry.cohesion) {
        (true, _) => "Merged by the editors.".to_owned(),
        (false, Some(cohesion)) => {
            format!("Merged automatically: every two originals at least {cohesion:.2} alike.")
        }
        (false, None) => String::new(),
    };
    let wording = match entry.wording {
        Wording::Only => "",
        Wording::MostCentral => " Printed in the wording most alike to the others.",
        Wording::EditorsChoice => " Printed in the wording the editors chose.",
        Wording::EditorsText => " Printed in the editors' own wording.",
    };
    format!("{merged}{wording}").trim().to_owned()
}

/// A consultation at a glance, with the label the report prints for it.
fn region_summary(submission: &Submission, code: &str) -> RegionSummary {
    let c = submission.data.consultation.get_ref();
    RegionSummary {
        id: submission.id.clone(),
        code: code.to_owned(),
        name: c.region.get_ref().clone(),
        title: c.title.as_ref().map(|t| t.get_ref().clone()),
        dates: c
            .date
            .get_ref()
            .long_range(c.end_date.as_ref().map(|d| *d.get_ref())),
        location: c.location.get_ref().clone(),
        hosts: c
            .hosts
            .get_ref()
            .iter()
            .map(|h| h.get_ref().clone())
            .collect(),
        participants: c.participants,
    }
}

/// For each (line, kind, text) of a submission's issues and strategies: the other regions whose
/// entries were merged with it. The text is part of the key because several entries may be
/// written on one line.
type AlsoRaised = BTreeMap<(usize, EntryKind, String), Receipt>;

/// What became of one of a region's entries in the report, for its proof.
#[derive(Debug, Clone, Default)]
struct Receipt {
    /// The labels of the other regions whose entries were merged with it.
    also: Vec<String>,
    /// The number of the consolidated entry it went into.
    number: Option<String>,
    /// The wording printed there, when it is not the entry's own.
    printed: Option<String>,
}

/// An item as the annex and the proof print it: with its original, the language of that
/// original, its line, its agenda points (its own or its workshop's), and for issues and
/// strategies the regions it was merged with.
fn item_view(
    item: &Item,
    inherited: Option<&Vec<toml::Spanned<i64>>>,
    source: &crate::model::source::SourceFile,
    also: Option<(&AlsoRaised, EntryKind)>,
) -> ItemView {
    let lang = item.original_lang.as_ref().map(|l| l.get_ref().clone());
    let line = source.line_of(item.text.span().start);
    let receipt = also
        .and_then(|(map, kind)| map.get(&(line, kind, item.text().to_owned())))
        .cloned()
        .unwrap_or_default();
    ItemView {
        text: item.text().to_owned(),
        original: item.original.as_ref().map(|o| o.get_ref().clone()),
        rtl: lang.as_deref().is_some_and(is_rtl),
        original_lang_name: lang.as_deref().map(language_name),
        original_locale: lang.as_deref().map(TypstLocale::from_tag),
        original_lang: lang,
        line,
        also_raised_by: receipt.also,
        number: receipt.number,
        printed: receipt.printed,
        agenda: item
            .agenda
            .as_ref()
            .or(inherited)
            .map(|a| a.iter().map(|n| *n.get_ref()).collect())
            .unwrap_or_default(),
    }
}

/// A submission in full, for the annex of the report and for its proof.
fn annex(submission: &Submission, code: &str, also: &AlsoRaised) -> AnnexView {
    let summary = region_summary(submission, code);
    let data = &submission.data;
    let language = data
        .consultation
        .get_ref()
        .language
        .as_ref()
        .map_or_else(|| "en".to_owned(), |l| l.get_ref().clone());
    let source = &submission.source;
    let items = |items: &[toml::Spanned<Item>]| {
        items
            .iter()
            .map(|i| item_view(i.get_ref(), None, source, None))
            .collect()
    };
    AnnexView {
        id: summary.id,
        code: summary.code,
        name: summary.name,
        file: source.name.clone(),
        title: summary.title,
        dates: summary.dates,
        location: summary.location,
        hosts: summary.hosts,
        participants: summary.participants,
        language: language.clone(),
        locale: TypstLocale::from_tag(&language),
        objectives: items(&data.outcomes.objectives),
        key_points: items(&data.outcomes.key_points),
        plenary: data
            .plenary
            .iter()
            .map(|p| {
                let p = p.get_ref();
                PlenaryView {
                    title: p.title.as_ref().map(|t| t.get_ref().clone()),
                    speakers: p.speakers.iter().map(|s| s.get_ref().clone()).collect(),
                    points: items(&p.points),
                }
            })
            .collect(),
        workshops: data
            .workshop
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let w = w.get_ref();
                WorkshopView {
                    title: w
                        .title
                        .as_ref()
                        .map_or_else(|| format!("Workshop {}", i + 1), |t| t.get_ref().clone()),
                    agenda: w
                        .agenda
                        .as_ref()
                        .map(|a| a.iter().map(|n| *n.get_ref()).collect())
                        .unwrap_or_default(),
                    issues: w
                        .issues
                        .iter()
                        .map(|x| {
                            let also = Some((also, EntryKind::Issue));
                            item_view(x.get_ref(), w.agenda.as_ref(), source, also)
                        })
                        .collect(),
                    strategies: w
                        .strategies
                        .iter()
                        .map(|x| {
                            let also = Some((also, EntryKind::Strategy));
                            item_view(x.get_ref(), w.agenda.as_ref(), source, also)
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// The annex "Changes since draft N": the changes by agenda point, in the agenda's order.
fn changes_annex(
    project: &Project,
    since: u32,
    changes: &[Change],
    names: &RegionNames,
) -> ChangesAnnex {
    let mut points: Vec<ChangesAtPoint> = Vec::new();
    let mut current: Option<&str> = None;
    for change in changes {
        if current != Some(change.point.as_str()) {
            current = Some(&change.point);
            let title = if change.point == CROSS_CUTTING {
                "Cross-cutting".to_owned()
            } else {
                let agenda_title = project
                    .settings
                    .data
                    .agenda
                    .iter()
                    .find(|p| p.get_ref().number.get_ref().to_string() == change.point)
                    .map(|p| p.get_ref().title.clone())
                    .unwrap_or_default();
                format!("Point {}: {agenda_title}", change.point)
            };
            points.push(ChangesAtPoint {
                title,
                changes: Vec::new(),
            });
        }
        if let Some(at) = points.last_mut() {
            at.changes.push(change_view(change, names));
        }
    }
    ChangesAnnex { since, points }
}

/// A change as the annex and a proof print it, with regions by their labels.
fn change_view(change: &Change, names: &RegionNames) -> ChangeView {
    let numbers = crate::drafts::diff::joined_numbers;
    let codes = |ids: &[String]| {
        ids.iter()
            .map(|id| names.code_of(id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let what = match change.change {
        ChangeKind::Added => "added".to_owned(),
        ChangeKind::Removed => "removed".to_owned(),
        ChangeKind::Reworded => "reworded".to_owned(),
        ChangeKind::Merged => format!("merged from {}", numbers(&change.before)),
        ChangeKind::Split => format!(
            "split from {} into {}",
            numbers(&change.before),
            numbers(&change.after)
        ),
        ChangeKind::Regrouped => format!(
            "regrouped from {} into {}",
            numbers(&change.before),
            numbers(&change.after)
        ),
        ChangeKind::Moved => format!(
            "moved from point {} (was {})",
            change.from_point.as_deref().unwrap_or_default(),
            numbers(&change.before)
        ),
        ChangeKind::Regions => {
            let mut parts = Vec::new();
            if !change.regions_added.is_empty() {
                parts.push(format!(
                    "now also raised by {}",
                    codes(&change.regions_added)
                ));
            }
            if !change.regions_removed.is_empty() {
                parts.push(format!(
                    "no longer raised by {}",
                    codes(&change.regions_removed)
                ));
            }
            parts.join("; ")
        }
    };
    let shown = change.after.first().or(change.before.first());
    ChangeView {
        number: change.number().to_owned(),
        what,
        text: shown.map(|p| p.text.clone()).unwrap_or_default(),
        words: change.words.clone(),
    }
}

/// Everything the proof template can print.
#[derive(Debug, Serialize)]
pub struct ProofView {
    /// The report the submission is for.
    report: ReportMeta,
    /// The submission in full.
    region: AnnexView,
    /// The agenda, to read the mappings against.
    agenda: Vec<AgendaKey>,
    /// What `validate` found in this file.
    checks: Vec<CheckView>,
    /// The date the proof was made.
    created: String,
    /// The draft compared with (`--since N`).
    since: Option<u32>,
    /// What changed for this region since that draft.
    changes: Vec<ChangeView>,
}

/// An agenda point, for the key of a proof.
#[derive(Debug, Serialize)]
pub struct AgendaKey {
    number: i64,
    title: String,
}

/// A problem in the proofread file, as the proof lists it.
#[derive(Debug, Serialize)]
pub struct CheckView {
    line: Option<usize>,
    code: String,
    message: String,
    help: Option<String>,
}

impl ProofView {
    /// Arranges one submission for its hosts to proofread.
    #[must_use]
    pub fn new(
        project: &Project,
        consolidated: &Consolidated,
        submission: &Submission,
        diagnostics: &[Diagnostic],
        created: Date,
        edition: &Edition,
    ) -> ProofView {
        let codes = region_codes(&project.submissions);
        let code = codes
            .get(&submission.id)
            .cloned()
            .unwrap_or_else(|| derived_code(submission.region()));
        let mut also: AlsoRaised = BTreeMap::new();
        for (i, entry) in consolidated.entries.iter().enumerate() {
            for source in entry.sources.iter().filter(|s| s.region == submission.id) {
                let others: Vec<String> = entry
                    .regions
                    .iter()
                    .filter(|r| **r != submission.id)
                    .map(|r| codes.get(r).cloned().unwrap_or_else(|| r.clone()))
                    .collect();
                let receipt = Receipt {
                    also: others,
                    number: edition.numbers.get(i).cloned(),
                    printed: (entry.text != source.text).then(|| entry.text.clone()),
                };
                also.insert((source.line, entry.kind, source.text.clone()), receipt);
            }
        }
        let names = RegionNames::new(project);
        let file = &submission.source;
        ProofView {
            report: ReportMeta::new(project, edition),
            since: edition.since.as_ref().map(|(since, _)| *since),
            changes: edition
                .since
                .as_ref()
                .map(|(_, diff)| {
                    diff.for_region(&submission.id)
                        .into_iter()
                        .map(|c| change_view(c, &names))
                        .collect()
                })
                .unwrap_or_default(),
            region: annex(submission, &code, &also),
            agenda: project
                .settings
                .data
                .agenda
                .iter()
                .map(|p| AgendaKey {
                    number: *p.get_ref().number.get_ref(),
                    title: p.get_ref().title.clone(),
                })
                .collect(),
            checks: diagnostics
                .iter()
                .filter(|d| d.file == file.name)
                .map(|d| CheckView {
                    line: d.span.as_ref().map(|s| file.line_of(s.start)),
                    code: d.code.as_str().to_owned(),
                    message: d.message.clone(),
                    help: d.help.clone(),
                })
                .collect(),
            created: created.long(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_alternatives_stay_short_for_thousands_of_regions_and_points() {
        let rows: Vec<MatrixRow> = (0..2000)
            .map(|i| MatrixRow {
                code: format!("R{i}"),
                name: format!("Region number {i}"),
                counts: vec![1, 2, 3],
                cross_cutting: 1,
                total: 6,
            })
            .collect();
        let alt = matrix_alt(&[1, 2, 3], &rows);
        assert!(alt.chars().count() <= ALT_MAX_CHARS, "{}", alt.len());
        assert!(alt.starts_with("Heat map"), "{alt}");
        assert!(alt.contains("Region number 0 (R0)"), "{alt}");
        assert!(
            alt.ends_with("regions are in the tables of the report."),
            "{alt}"
        );

        let points: Vec<PointSummary> = (1..=1000)
            .map(|i| PointSummary {
                label: i.to_string(),
                title: format!("Point {i}"),
                entries: 3,
                shared: 1,
                regions: 2,
            })
            .collect();
        let alt = by_point_alt(&points, 7);
        assert!(alt.chars().count() <= ALT_MAX_CHARS, "{}", alt.len());
        assert!(
            alt.ends_with("agenda points are in the tables of the report."),
            "{alt}"
        );

        // A few points are described whole.
        let alt = by_point_alt(&points[..3], 7);
        assert!(alt.contains("Point 3:") && !alt.contains("tables"), "{alt}");
    }

    fn render_str(template: &str, text: &str) -> String {
        let templates = Templates {
            files: BTreeMap::from([("t.typ.j2".to_owned(), template.to_owned())]),
        };
        let env = environment(&templates);
        env.get_template("t.typ.j2")
            .unwrap()
            .render(minijinja::context! { text => text })
            .unwrap()
    }

    #[test]
    fn values_become_string_literals() {
        assert_eq!(
            render_str("= {{ text }}", "a \"b\" \\c"),
            r#"= #"a \"b\" \\c";"#
        );
        assert_eq!(render_str("{{ text }}", "x\ny"), r#"#"x\ny";"#);
        assert_eq!(render_str("#f({{ text|str }})", "ar"), r#"#f("ar")"#);
        assert_eq!(render_str("{{ text == 'x' }}", "y"), "false");
    }

    #[test]
    fn region_labels_come_from_the_name() {
        assert_eq!(derived_code("Latin America and the Caribbean"), "LAC");
        assert_eq!(derived_code("United States and Canada"), "USC");
        assert_eq!(derived_code("Asia and the Pacific"), "AP");
        assert_eq!(derived_code("Africa"), "AFR");
        assert_eq!(derived_code("Markup #region *bold*"), "MRB");
        assert_eq!(derived_code("  "), "REG");
    }

    #[test]
    fn chart_titles_are_cut_between_words() {
        assert_eq!(
            shortened("Guaranteeing the labour rights", 52),
            "Guaranteeing the labour rights"
        );
        assert_eq!(
            shortened(
                "Regulating the migrant labour recruitment industry and labour mobility",
                30
            ),
            "Regulating the migrant labour…"
        );
        assert!(shortened(&"word ".repeat(30), 52).chars().count() <= 52);
    }

    #[test]
    fn periods_name_the_months() {
        let d = |year, month| Date {
            year,
            month,
            day: 1,
        };
        assert_eq!(period(d(2013, 5), d(2013, 7)), "May–July 2013");
        assert_eq!(period(d(2013, 6), d(2013, 6)), "June 2013");
        assert_eq!(
            period(d(2012, 12), d(2013, 1)),
            "December 2012 – January 2013"
        );
    }

    #[test]
    fn language_tags_split_for_typst() {
        let locale = |lang: &str, region: Option<&str>| TypstLocale {
            lang: lang.to_owned(),
            region: region.map(str::to_owned),
        };
        assert_eq!(TypstLocale::from_tag("es-MX"), locale("es", Some("MX")));
        assert_eq!(
            TypstLocale::from_tag("zh-Hant-TW"),
            locale("zh", Some("TW"))
        );
        assert_eq!(TypstLocale::from_tag("es-419"), locale("es", None));
        assert_eq!(TypstLocale::from_tag("AR"), locale("ar", None));
        assert_eq!(TypstLocale::from_tag("x-klingon"), locale("und", None));
    }

    #[test]
    fn right_to_left_languages() {
        assert!(is_rtl("ar"));
        assert!(is_rtl("ar-JO"));
        assert!(!is_rtl("es"));
    }
}
