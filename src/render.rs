//! Stage 4, render: minijinja turns the consolidated model into Typst source.
//!
//! Templates whose name ends in `.typ.j2` auto-escape every value the way HTML templates do:
//! a value prints as a Typst string literal (`#"...";`), so whatever a host wrote (`#`, `$`,
//! `*`, `<label>`, `{{ }}`, a line starting with `= `) is shown as text and never read as
//! markup or code. Templates that need a value in code position use the `str` filter, which
//! gives the bare literal (`"..."`).

use std::collections::BTreeMap;
use std::path::Path;

use minijinja::value::Value;
use minijinja::{
    AutoEscape, Environment, Error as TemplateError, ErrorKind, Output, State, UndefinedBehavior,
};
use serde::Serialize;

use crate::error::Error;
use crate::load::{Project, Submission};
use crate::merge::{Consolidated, ConsolidatedEntry, EntryKind, Wording};
use crate::model::Item;

/// The name of the auto-escape mode for Typst templates.
const TYPST_ESCAPE: &str = "typst";

/// The default templates, compiled into the binary so that an installed `consolidate` works in
/// any folder. A project's own `templates/` folder overrides them file by file.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("report.typ.j2", include_str!("../templates/report.typ.j2")),
    ("style.typ", include_str!("../templates/style.typ")),
];

/// The templates of a project: the defaults, with the project's own files in their place.
#[derive(Debug, Clone)]
pub struct Templates {
    files: BTreeMap<String, String>,
}

impl Templates {
    /// The defaults, overridden by `ROOT/templates/NAME` where such a file exists.
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

/// Writes `text` as a Typst string literal: the only characters with meaning inside one are
/// the backslash and the double quote; line breaks are written as escapes.
pub fn typst_string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
        return write(out, &value.to_string());
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
pub fn describe_template_error(err: &TemplateError) -> String {
    let mut message = err.to_string();
    let mut cause = std::error::Error::source(err);
    while let Some(inner) = cause {
        message.push_str(&format!("\n  caused by: {inner}"));
        cause = inner.source();
    }
    message
}

/// Renders the consolidated report's Typst source.
pub fn render_report(
    templates: &Templates,
    project: &Project,
    consolidated: &Consolidated,
) -> Result<String, Error> {
    let view = ReportView::new(project, consolidated);
    render(templates, "report.typ.j2", &view)
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
    Error::Usage {
        message: format!(
            "failed to render the template {name}: {}",
            describe_template_error(err)
        ),
        hint: Some(
            "check the template in templates/, or delete it to use the built-in one".to_owned(),
        ),
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
}

/// The report-wide facts.
#[derive(Debug, Serialize)]
pub struct ReportMeta {
    title: String,
    subtitle: Option<String>,
    event: Option<String>,
    date: String,
    year: i32,
    publisher: Option<String>,
    paper: &'static str,
}

/// A consultation at a glance.
#[derive(Debug, Serialize)]
pub struct RegionSummary {
    id: String,
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
    rows: Vec<MatrixRow>,
}

/// One region's counts.
#[derive(Debug, Serialize)]
pub struct MatrixRow {
    name: String,
    counts: Vec<usize>,
    cross_cutting: usize,
    total: usize,
}

/// A chapter: one cluster of the agenda.
#[derive(Debug, Serialize)]
pub struct ClusterView {
    name: String,
    points: Vec<PointView>,
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
    text: String,
    /// How the originals came together and how the wording was chosen, for the editorial annex.
    how: String,
    kind: EntryKind,
    regions: Vec<String>,
    also: Vec<i64>,
    sources: Vec<SourceView>,
}

/// An original wording.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    region: String,
    text: String,
    file: String,
    line: usize,
}

/// A submission in full.
#[derive(Debug, Serialize)]
pub struct AnnexView {
    id: String,
    name: String,
    title: Option<String>,
    dates: String,
    location: String,
    hosts: Vec<String>,
    participants: Option<u32>,
    language: String,
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
    rtl: bool,
    agenda: Vec<i64>,
}

/// Numbers for the introduction.
#[derive(Debug, Serialize)]
pub struct Totals {
    regions: usize,
    entries: usize,
    consolidated: usize,
    participants: u32,
}

/// Languages written right to left, by their primary subtag.
fn is_rtl(lang: &str) -> bool {
    let primary = lang.split('-').next().unwrap_or(lang).to_ascii_lowercase();
    matches!(
        primary.as_str(),
        "ar" | "he" | "fa" | "ur" | "ps" | "yi" | "dv" | "ckb" | "sd" | "ug"
    )
}

impl ReportView {
    /// Arranges the consolidated model the way the report reads.
    pub fn new(project: &Project, consolidated: &Consolidated) -> ReportView {
        let settings = &project.settings.data;
        let names: BTreeMap<&str, &str> = project
            .submissions
            .iter()
            .map(|s| (s.id.as_str(), s.region()))
            .collect();
        let entry_view = |e: &ConsolidatedEntry| EntryView {
            text: e.text.clone(),
            how: how_merged(e),
            kind: e.kind,
            regions: e
                .regions
                .iter()
                .map(|id| {
                    names
                        .get(id.as_str())
                        .map_or_else(|| id.clone(), |n| (*n).to_owned())
                })
                .collect(),
            also: e.agenda.iter().skip(1).copied().collect(),
            sources: e
                .sources
                .iter()
                .map(|s| SourceView {
                    region: names
                        .get(s.region.as_str())
                        .map_or_else(|| s.region.clone(), |n| (*n).to_owned()),
                    text: s.text.clone(),
                    file: s.file.clone(),
                    line: s.line,
                })
                .collect(),
        };

        let mut by_point: BTreeMap<i64, PointEntries> = BTreeMap::new();
        let mut cross_cutting = PointEntries::default();
        for entry in &consolidated.entries {
            let bucket = match entry.agenda.first() {
                Some(point) => by_point.entry(*point).or_default(),
                None => &mut cross_cutting,
            };
            match entry.kind {
                EntryKind::Issue => bucket.issues.push(entry_view(entry)),
                EntryKind::Strategy => bucket.strategies.push(entry_view(entry)),
            }
        }
        let mut clusters: Vec<ClusterView> = Vec::new();
        for point in &settings.agenda {
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
                }),
            }
        }

        let mut convergent: Vec<&ConsolidatedEntry> = consolidated
            .entries
            .iter()
            .filter(|e| e.regions.len() > 1)
            .collect();
        convergent.sort_by_key(|e| std::cmp::Reverse(e.regions.len()));
        let merged = consolidated
            .entries
            .iter()
            .filter(|e| e.sources.len() > 1)
            .map(entry_view)
            .collect();

        let points: Vec<i64> = settings
            .agenda
            .iter()
            .map(|p| *p.get_ref().number.get_ref())
            .collect();
        let rows = project
            .submissions
            .iter()
            .map(|s| {
                let entries = crate::merge::entries_of(s);
                MatrixRow {
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
        let date = *settings.date.get_ref();
        ReportView {
            report: ReportMeta {
                title: settings.title.clone(),
                subtitle: settings.subtitle.clone(),
                event: settings.event.clone(),
                date: date.long(),
                year: date.year,
                publisher: settings.publisher.clone(),
                paper: settings.paper.typst_name(),
            },
            regions: project.submissions.iter().map(region_summary).collect(),
            matrix: Matrix { points, rows },
            convergent: convergent.into_iter().take(12).map(entry_view).collect(),
            clusters,
            cross_cutting,
            annexes: project.submissions.iter().map(annex).collect(),
            merged,
            totals: Totals {
                regions: project.submissions.len(),
                entries: consolidated.entries.iter().map(|e| e.sources.len()).sum(),
                consolidated: consolidated.entries.len(),
                participants: project
                    .submissions
                    .iter()
                    .filter_map(|s| s.data.consultation.get_ref().participants)
                    .sum(),
            },
        }
    }
}

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

fn region_summary(submission: &Submission) -> RegionSummary {
    let c = submission.data.consultation.get_ref();
    RegionSummary {
        id: submission.id.clone(),
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

fn item_view(item: &Item, inherited: Option<&Vec<toml::Spanned<i64>>>) -> ItemView {
    let lang = item.original_lang.as_ref().map(|l| l.get_ref().clone());
    ItemView {
        text: item.text().to_owned(),
        original: item.original.as_ref().map(|o| o.get_ref().clone()),
        rtl: lang.as_deref().is_some_and(is_rtl),
        original_lang: lang,
        agenda: item
            .agenda
            .as_ref()
            .or(inherited)
            .map(|a| a.iter().map(|n| *n.get_ref()).collect())
            .unwrap_or_default(),
    }
}

fn annex(submission: &Submission) -> AnnexView {
    let summary = region_summary(submission);
    let data = &submission.data;
    let items = |items: &[toml::Spanned<Item>]| {
        items.iter().map(|i| item_view(i.get_ref(), None)).collect()
    };
    AnnexView {
        id: summary.id,
        name: summary.name,
        title: summary.title,
        dates: summary.dates,
        location: summary.location,
        hosts: summary.hosts,
        participants: summary.participants,
        language: data
            .consultation
            .get_ref()
            .language
            .as_ref()
            .map_or_else(|| "en".to_owned(), |l| l.get_ref().clone()),
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
                        .map(|x| item_view(x.get_ref(), w.agenda.as_ref()))
                        .collect(),
                    strategies: w
                        .strategies
                        .iter()
                        .map(|x| item_view(x.get_ref(), w.agenda.as_ref()))
                        .collect(),
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn template_syntax_in_values_is_not_evaluated() {
        assert_eq!(render_str("{{ text }}", "{{ 7*7 }}"), r##"#"{{ 7*7 }}";"##);
    }

    #[test]
    fn right_to_left_languages() {
        assert!(is_rtl("ar"));
        assert!(is_rtl("ar-JO"));
        assert!(!is_rtl("es"));
    }
}
