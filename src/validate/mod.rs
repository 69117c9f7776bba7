//! Stage 2, validate. In: a loaded [`Project`]. Out: a [`Diagnostic`] for each breach of the
//! submission format's rules that the types alone cannot enforce.
//! Each rule is a small function named after what it checks; all of them run over all files,
//! so a host sees every problem in one run.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use rayon::prelude::*;
use toml::Spanned;

use crate::consolidate::lexicon::{Lexicon, ProblemKind};
use crate::consolidate::normalise::Normaliser;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::input::skeleton::is_placeholder;
use crate::model::project::is_slug;
use crate::model::project::{Project, Settings, Submission};
use crate::model::source::SourceFile;
use crate::model::{FORMAT_VERSION, Item};
use unicode_normalization::UnicodeNormalization;

/// Entries longer than this many characters get a warning: they read badly in a table and
/// usually hold several entries that should be split.
pub const LONG_ENTRY_CHARS: usize = 600;

/// The hard limit on an entry's length (E024). Typesetting one paragraph takes longer the
/// longer it is, and an entry of a megabyte never finished; the limit was chosen by timing
/// builds of entries of growing length, so that the longest allowed one still builds quickly.
/// It is far beyond any real entry, which is a sentence or a short paragraph.
pub const MAX_ENTRY_CHARS: usize = 10_000;

/// Runs every rule over the project and adds what they find.
pub fn validate_project(project: &Project, diagnostics: &mut Diagnostics) {
    diagnostics.extend(check_settings(&project.settings));
    diagnostics.extend(check_lexicon(&project.settings));
    let agenda: BTreeSet<i64> = project
        .settings
        .data
        .agenda
        .iter()
        .map(|p| *p.get_ref().number.get_ref())
        .collect();
    // A date report.toml does not hold as a date was reported there; comparing with the
    // placeholder put in its stead would only add errors about every submission.
    let hearings = written_date(&project.settings.source, &project.settings.data.date)
        .then(|| *project.settings.data.date.get_ref());
    // Each submission is checked on its own, so they are checked in parallel; the order of
    // the results does not matter, since diagnostics are sorted before they are shown.
    let found: Vec<Vec<Diagnostic>> = project
        .submissions
        .par_iter()
        .map(|submission| {
            let mut found = Vec::new();
            check_submission(submission, &agenda, hearings, &mut found);
            found
        })
        .collect();
    diagnostics.extend(found.into_iter().flatten());
    diagnostics.extend(check_unique_ids(&project.submissions));
    diagnostics.extend(check_unique_short_labels(&project.submissions));
}

/// `report.toml`'s `[lexicon]`: a process's own vocabulary is checked as the shipped one is, so
/// that a misspelt member or a term given to two concepts is found before it silently changes
/// which entries merge.
fn check_lexicon(settings: &Settings) -> Vec<Diagnostic> {
    let data = &settings.data;
    let normaliser = Normaliser::new(&data.dedup);
    let (_, problems) = Lexicon::build(&data.lexicon, &normaliser);
    problems
        .into_iter()
        .map(|problem| {
            let code = match problem.kind {
                ProblemKind::UnknownConcept => Code::UnknownConcept,
                ProblemKind::BadTerm => Code::BadTerm,
            };
            Diagnostic::new(
                code,
                &settings.source,
                problem.span.unwrap_or(0..0),
                problem.message,
            )
            .with_help(problem.help)
        })
        .collect()
}

/// `report.toml`: a known format, a non-empty agenda with distinct positive numbers.
fn check_settings(settings: &Settings) -> Vec<Diagnostic> {
    let source = &settings.source;
    let data = &settings.data;
    let mut found = Vec::new();
    check_format(source, &data.format, &mut found);
    if data.agenda.is_empty() {
        found.push(
            Diagnostic::new(
                Code::MissingField,
                source,
                0..0,
                "the report defines no agenda points",
            )
            .with_help("add [[agenda]] tables with `number`, `cluster` and `title`"),
        );
    }
    let mut seen: HashMap<i64, Range<usize>> = HashMap::new();
    for point in &data.agenda {
        let number = &point.get_ref().number;
        if *number.get_ref() < 1 {
            found.push(
                Diagnostic::new(
                    Code::BadAgendaNumber,
                    source,
                    number.span(),
                    "agenda numbers start at 1",
                )
                .with_help("number the agenda points 1, 2, 3, ..."),
            );
        }
        if let Some(first) = seen.insert(*number.get_ref(), number.span()) {
            found.push(
                Diagnostic::new(
                    Code::DuplicateAgendaPoint,
                    source,
                    number.span(),
                    format!("agenda point {} is defined twice", number.get_ref()),
                )
                .with_related(source, first, "first defined here")
                .with_help("give each agenda point its own number"),
            );
        }
        check_text(
            source,
            point.get_ref().title.as_str(),
            point.span(),
            &mut found,
        );
    }
    check_dedup_settings(source, &data.dedup, &mut found);
    found
}

/// `[dedup]`: the threshold between 0 and 1, and suggestions starting at or below it. A
/// threshold of 0 would merge everything into one entry per kind; above 1, nothing.
fn check_dedup_settings(
    source: &SourceFile,
    dedup: &crate::model::DedupSettings,
    found: &mut Vec<Diagnostic>,
) {
    let threshold = dedup.threshold();
    if !(threshold > 0.0 && threshold <= 1.0) {
        found.push(
            Diagnostic::new(
                Code::BadSetting,
                source,
                dedup.threshold.span(),
                format!("the threshold {threshold} is not between 0 and 1"),
            )
            .with_help(format!(
                "entries at least this similar are merged; the default is {}",
                crate::model::DEFAULT_THRESHOLD
            )),
        );
    }
    let suggest_from = dedup.suggest_from();
    if !(suggest_from > 0.0 && suggest_from <= threshold) {
        found.push(
            Diagnostic::new(
                Code::BadSetting,
                source,
                dedup.suggest_from.span(),
                format!("`suggest_from` is {suggest_from}, but it must be above 0 and not above the threshold ({threshold})"),
            )
            .with_help(format!(
                "`consolidate review` suggests pairs from this similarity up to the threshold; the default is {}",
                crate::model::DEFAULT_SUGGEST_FROM
            )),
        );
    }
}

fn check_format(source: &SourceFile, format: &Spanned<i64>, found: &mut Vec<Diagnostic>) {
    if *format.get_ref() != FORMAT_VERSION {
        found.push(
            Diagnostic::new(
                Code::UnsupportedFormat,
                source,
                format.span(),
                format!("format {} is not supported", format.get_ref()),
            )
            .with_help(format!(
                "this compiler reads format {FORMAT_VERSION}: write `format = {FORMAT_VERSION}`"
            )),
        );
    }
}

/// Every rule that looks at one submission on its own.
fn check_submission(
    submission: &Submission,
    agenda: &BTreeSet<i64>,
    hearings: Option<crate::model::Date>,
    found: &mut Vec<Diagnostic>,
) {
    let source = &submission.source;
    let data = &submission.data;
    let consultation = data.consultation.get_ref();
    check_format(source, &data.format, found);
    check_id(submission, found);
    check_dates(submission, hearings, found);

    check_required_text(source, &consultation.region, "region", found);
    check_required_text(source, &consultation.location, "location", found);
    if let Some(short) = &consultation.short {
        check_required_text(source, short, "short", found);
    }
    if let Some(title) = &consultation.title {
        check_required_text(source, title, "title", found);
    }
    // An empty `hosts` list is caught by the schema (`minItems`), where editors see it too.
    for host in consultation.hosts.get_ref() {
        check_required_text(source, host, "host", found);
    }
    if let Some(language) = &consultation.language {
        check_language_tag(source, language, found);
    }

    for item in data
        .outcomes
        .objectives
        .iter()
        .chain(&data.outcomes.key_points)
    {
        check_item(source, item, found);
    }
    for plenary in &data.plenary {
        let plenary = plenary.get_ref();
        if let Some(title) = &plenary.title {
            check_required_text(source, title, "title", found);
        }
        for speaker in &plenary.speakers {
            check_required_text(source, speaker, "speaker", found);
        }
        for item in &plenary.points {
            check_item(source, item, found);
        }
    }
    for workshop in &data.workshop {
        let span = workshop.span();
        let workshop = workshop.get_ref();
        if let Some(title) = &workshop.title {
            check_required_text(source, title, "title", found);
        }
        for number in workshop.agenda.iter().flatten() {
            check_agenda_number(source, number, agenda, found);
        }
        check_workshop_balance(source, span, workshop, found);
        for (item, kind) in workshop
            .issues
            .iter()
            .map(|i| (i, "issue"))
            .chain(workshop.strategies.iter().map(|s| (s, "strategy")))
        {
            check_item(source, item, found);
            let own = item.get_ref().agenda.as_ref();
            for number in own.into_iter().flatten() {
                check_agenda_number(source, number, agenda, found);
            }
            // `agenda = []` says "cross-cutting" on purpose; only a forgotten mapping warns.
            if own.is_none() && workshop.agenda.is_none() {
                found.push(
                    Diagnostic::new(
                        Code::CrossCutting,
                        source,
                        item.span(),
                        format!("this {kind} is mapped to no agenda point; it will be reported as cross-cutting"),
                    )
                    .with_help("if it belongs to a point, add `agenda = [N]` to the entry or to its workshop"),
                );
            }
        }
    }
    check_repeated_entries(submission, found);
}

/// `id` must be a slug: it names files (`out/ID.pdf`) and is cited in the report.
fn check_id(submission: &Submission, found: &mut Vec<Diagnostic>) {
    if is_slug(&submission.id) {
        return;
    }
    let source = &submission.source;
    let help = "use lowercase letters a-z, digits and hyphens, like `us-canada` or `west-asia`";
    let diagnostic = match &submission.data.consultation.get_ref().id {
        Some(id) => Diagnostic::new(
            Code::BadId,
            source,
            id.span(),
            format!("the id \"{}\" is not a slug", id.get_ref()),
        ),
        None => Diagnostic::new(
            Code::BadId,
            source,
            submission.data.consultation.span(),
            format!(
                "the file name gives the id \"{}\", which is not a slug",
                submission.id
            ),
        ),
    };
    found.push(diagnostic.with_help(help));
}

/// Whether a date of the model is the one written in the file at its place, and not the
/// placeholder that stands in for a value reported as wrong (a date in quotes, say).
fn written_date(source: &SourceFile, date: &Spanned<crate::model::Date>) -> bool {
    source
        .text
        .get(date.span())
        .is_some_and(|written| written.trim() == date.get_ref().to_string())
}

fn check_dates(
    submission: &Submission,
    hearings: Option<crate::model::Date>,
    found: &mut Vec<Diagnostic>,
) {
    let source = &submission.source;
    let consultation = submission.data.consultation.get_ref();
    let date = &consultation.date;
    if !written_date(source, date) {
        return;
    }
    if let Some(end) = &consultation.end_date
        && written_date(source, end)
        && end.get_ref() < date.get_ref()
    {
        found.push(
            Diagnostic::new(
                Code::BadDate,
                source,
                end.span(),
                format!("`end_date` {} is before `date` {}", end.get_ref(), date.get_ref()),
            )
            .with_related(source, date.span(), "the consultation starts here")
            .with_help("`end_date` is the last day of the consultation; swap the two dates if they are reversed"),
        );
    }
    if let Some(hearings) = hearings
        && date.get_ref() > &hearings
    {
        found.push(
            Diagnostic::new(
                Code::BadDate,
                source,
                date.span(),
                format!(
                    "the consultation is dated {}, after the hearings of {}",
                    date.get_ref(),
                    hearings
                ),
            )
            .with_help("check the year and month: a consultation feeds the report, so it comes before the hearings"),
        );
    }
}

fn check_language_tag(source: &SourceFile, tag: &Spanned<String>, found: &mut Vec<Diagnostic>) {
    let valid = tag.get_ref().split('-').all(|part| {
        !part.is_empty() && part.len() <= 8 && part.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    if !valid {
        found.push(
            Diagnostic::new(
                Code::BadLanguageTag,
                source,
                tag.span(),
                format!("\"{}\" is not a language tag", tag.get_ref()),
            )
            .with_help("use a BCP 47 tag such as \"en\", \"es\", \"fr\" or \"ar\""),
        );
    }
}

/// A text that must say something: a name, a place, a title.
fn check_required_text(
    source: &SourceFile,
    text: &Spanned<String>,
    what: &str,
    found: &mut Vec<Diagnostic>,
) {
    if text.get_ref().trim().is_empty() {
        found.push(
            Diagnostic::new(
                Code::EmptyText,
                source,
                text.span(),
                format!("the {what} is empty"),
            )
            .with_help(
                "write the text between the quotes, or remove the line if the field is optional",
            ),
        );
    }
    check_text(source, text.get_ref(), text.span(), found);
}

/// The rules every entry obeys: not empty, not too long, `original` with its language.
fn check_item(source: &SourceFile, item: &Spanned<Item>, found: &mut Vec<Diagnostic>) {
    let entry = item.get_ref();
    let text = entry.text();
    if text.trim().is_empty() {
        found.push(
            Diagnostic::new(
                Code::EmptyText,
                source,
                entry.text.span(),
                "this entry is empty",
            )
            .with_help("write the entry's text, or delete the entry"),
        );
    }
    check_text(source, text, entry.text.span(), found);
    let chars = text.chars().count();
    if chars > MAX_ENTRY_CHARS {
        found.push(
            Diagnostic::new(
                Code::EntryTooLong,
                source,
                entry.text.span(),
                format!("this entry is {chars} characters long; an entry is at most {MAX_ENTRY_CHARS}"),
            )
            .with_help(format!(
                "split it into separate entries, one point each (entries over {LONG_ENTRY_CHARS} characters already read badly); a longer text cannot be typeset in reasonable time"
            )),
        );
    } else if chars > LONG_ENTRY_CHARS {
        found.push(
            Diagnostic::new(
                Code::LongEntry,
                source,
                entry.text.span(),
                format!("this entry is {chars} characters long (more than {LONG_ENTRY_CHARS})"),
            )
            .with_help("long entries read badly in the report; split it into separate entries if it makes several points"),
        );
    }
    if let Some(original) = &entry.original {
        check_text(source, original.get_ref(), original.span(), found);
        let chars = original.get_ref().chars().count();
        if chars > MAX_ENTRY_CHARS {
            found.push(
                Diagnostic::new(
                    Code::EntryTooLong,
                    source,
                    original.span(),
                    format!("`original` is {chars} characters long; an entry is at most {MAX_ENTRY_CHARS}"),
                )
                .with_help("split the entry, and its original with it, into separate entries"),
            );
        }
        if original.get_ref().trim().is_empty() {
            found.push(
                Diagnostic::new(
                    Code::EmptyText,
                    source,
                    original.span(),
                    "`original` is empty",
                )
                .with_help(
                    "write the entry in the language it was discussed in, or remove `original`",
                ),
            );
        }
        if entry.original_lang.is_none() {
            found.push(
                Diagnostic::new(
                    Code::OriginalWithoutLanguage,
                    source,
                    original.span(),
                    "`original` is given without `original_lang`",
                )
                .with_help("add the language of the original, e.g. `original_lang = \"es\"`"),
            );
        }
    }
    if let Some(lang) = &entry.original_lang {
        check_language_tag(source, lang, found);
    }
}

/// Control characters break the report (E013), reported once per text at the first one;
/// invisible ones hide changes from proofreaders (W005), reported each at its own column.
fn check_text(source: &SourceFile, text: &str, span: Range<usize>, found: &mut Vec<Diagnostic>) {
    if let Some(c) = text
        .chars()
        .find(|&c| c.is_control() && c != '\t' && c != '\n')
    {
        found.push(
            Diagnostic::new(
                Code::ControlCharacter,
                source,
                span.clone(),
                format!(
                    "the text holds the control character U+{:04X}",
                    u32::from(c)
                ),
            )
            .with_help(
                "remove it: text may hold tabs and line breaks, but no other control characters",
            ),
        );
    }
    check_invisible(source, text, span.clone(), found);
    check_skeleton_text(source, text, span, found);
}

/// W012: example text that `consolidate init` wrote and nobody replaced would print in the
/// report as if the consultation had said it.
fn check_skeleton_text(
    source: &SourceFile,
    text: &str,
    span: Range<usize>,
    found: &mut Vec<Diagnostic>,
) {
    if is_placeholder(text) {
        found.push(
            Diagnostic::new(
                Code::SkeletonText,
                source,
                span,
                format!(
                    "\"{}\" is the example text of `consolidate init`",
                    text.trim()
                ),
            )
            .with_help("replace it with what your consultation said, or delete it"),
        );
    }
}

/// W005, once for each invisible character that is not a joiner doing its work, at the place
/// it was written (the character itself, or its `\u` escape), so that a host can find them all.
fn check_invisible(
    source: &SourceFile,
    text: &str,
    span: Range<usize>,
    found: &mut Vec<Diagnostic>,
) {
    if !text.chars().any(is_invisible) {
        return;
    }
    let written = written_chars(source, &span).filter(|written| {
        // Where the literal does not read back to the value, every character gets the span of
        // the whole string rather than a wrong column.
        let invisible = |c: &char| is_invisible(*c);
        written
            .iter()
            .map(|w| w.c)
            .filter(invisible)
            .eq(text.chars().filter(invisible))
    });
    let written = written.unwrap_or_else(|| {
        text.chars()
            .map(|c| Written {
                c,
                at: span.clone(),
            })
            .collect()
    });
    for (i, w) in written.iter().enumerate() {
        if !is_invisible(w.c) {
            continue;
        }
        let before = i.checked_sub(1).map(|i| written[i].c);
        let after = written.get(i + 1).map(|w| w.c);
        if is_working_joiner(before, w.c, after) {
            continue;
        }
        found.push(
            Diagnostic::new(
                Code::InvisibleCharacter,
                source,
                w.at.clone(),
                format!("the text holds the invisible character U+{:04X}", u32::from(w.c)),
            )
            .with_help("it was probably pasted from another document; delete it and retype the text around it"),
        );
    }
}

/// A zero-width joiner or non-joiner between two characters it can join: in an emoji sequence
/// ("👩‍👩‍👧", "🏳️‍🌈") or in a script that is written with them (Persian, the Indic scripts).
/// Between Latin, Greek or Cyrillic letters or next to a space it does nothing visible.
fn is_working_joiner(before: Option<char>, c: char, after: Option<char>) -> bool {
    let joins = |c: char| u32::from(c) >= 0x0590 && !c.is_whitespace() && !is_invisible(c);
    matches!(c, '\u{200C}' | '\u{200D}') && before.is_some_and(joins) && after.is_some_and(joins)
}

/// One character of a string's value and the bytes of the source that wrote it: the character
/// itself, or an escape such as `\u200B`.
struct Written {
    c: char,
    at: Range<usize>,
}

/// The characters of the TOML string literal at `span`, each with where it was written; `None`
/// when the span does not hold a string literal.
fn written_chars(source: &SourceFile, span: &Range<usize>) -> Option<Vec<Written>> {
    let raw = source.text.get(span.clone())?;
    let quote = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|q| raw.len() >= 2 * q.len() && raw.starts_with(q) && raw.ends_with(q))?;
    let basic = quote.starts_with('"');
    let body_start = span.start + quote.len();
    let body = &raw[quote.len()..raw.len() - quote.len()];
    let mut out = Vec::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        let start = body_start + i;
        if !(basic && c == '\\') {
            out.push(Written {
                c,
                at: start..start + c.len_utf8(),
            });
            continue;
        }
        let (j, escape) = chars.next()?;
        let digits = match escape {
            'u' => 4,
            'U' => 8,
            'x' => 2,
            _ => 0,
        };
        let hex_start = j + escape.len_utf8();
        let c = if digits == 0 {
            // `\n`, `\t`, `\"`, a line-ending backslash: nothing invisible, nothing that joins.
            ' '
        } else {
            let hex = body.get(hex_start..hex_start + digits)?;
            for _ in 0..digits {
                chars.next();
            }
            char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
        };
        out.push(Written {
            c,
            at: start..body_start + hex_start + digits,
        });
    }
    Some(out)
}

/// Zero-width characters, bidi overrides and isolates, the byte-order mark inside text.
#[must_use]
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}')
}

fn check_agenda_number(
    source: &SourceFile,
    number: &Spanned<i64>,
    agenda: &BTreeSet<i64>,
    found: &mut Vec<Diagnostic>,
) {
    if !agenda.contains(number.get_ref()) {
        let known: Vec<String> = agenda.iter().map(ToString::to_string).collect();
        found.push(
            Diagnostic::new(
                Code::UnknownAgendaPoint,
                source,
                number.span(),
                format!(
                    "agenda point {} is not defined in report.toml",
                    number.get_ref()
                ),
            )
            .with_help(if known.is_empty() {
                "report.toml defines no agenda points yet: add [[agenda]] tables there, or use \
                 `agenda = []` for a cross-cutting entry"
                    .to_owned()
            } else {
                format!(
                    "the agenda points are {}; use `agenda = []` for a cross-cutting entry",
                    known.join(", ")
                )
            }),
        );
    }
}

fn check_workshop_balance(
    source: &SourceFile,
    span: Range<usize>,
    workshop: &crate::model::Workshop,
    found: &mut Vec<Diagnostic>,
) {
    let header = source.line_range(source.line_of(span.start));
    let message = match (workshop.issues.is_empty(), workshop.strategies.is_empty()) {
        (true, true) => "this workshop has neither issues nor strategies",
        (false, true) => "this workshop has issues but no strategies",
        _ => return,
    };
    found.push(
        Diagnostic::new(Code::UnbalancedWorkshop, source, header, message)
            .with_help("add the strategies the workshop proposed: `strategies = [\"...\"]`"),
    );
}

/// The same entry twice in one submission is usually a copy-paste slip.
fn check_repeated_entries(submission: &Submission, found: &mut Vec<Diagnostic>) {
    let source = &submission.source;
    let mut seen: BTreeMap<(&str, String), Range<usize>> = BTreeMap::new();
    for workshop in &submission.data.workshop {
        let workshop = workshop.get_ref();
        let entries = workshop
            .issues
            .iter()
            .map(|i| ("issue", i))
            .chain(workshop.strategies.iter().map(|s| ("strategy", s)));
        for (kind, item) in entries {
            let key = repeat_key(item.get_ref().text());
            if key.is_empty() {
                continue;
            }
            if let Some(first) = seen.get(&(kind, key.clone())) {
                found.push(
                    Diagnostic::new(
                        Code::RepeatedEntry,
                        source,
                        item.span(),
                        format!("this {kind} repeats an earlier one"),
                    )
                    .with_related(source, first.clone(), "first written here")
                    .with_help(
                        "delete one of the two, or reword them if they say different things",
                    ),
                );
            } else {
                seen.insert((kind, key), item.span());
            }
        }
    }
}

/// Two submissions with the same `short` label could not be told apart in the report, where
/// the label stands for the region beside every entry and in the figures.
fn check_unique_short_labels(submissions: &[Submission]) -> Vec<Diagnostic> {
    let mut first: BTreeMap<String, (&Submission, Range<usize>)> = BTreeMap::new();
    let mut found = Vec::new();
    let mut sorted: Vec<&Submission> = submissions.iter().collect();
    sorted.sort_by(|a, b| a.source.name.cmp(&b.source.name));
    for submission in sorted {
        let Some(short) = &submission.data.consultation.get_ref().short else {
            continue;
        };
        let key = short.get_ref().trim().to_uppercase();
        if key.is_empty() {
            continue;
        }
        match first.get(&key) {
            Some((other, span)) => found.push(
                Diagnostic::new(
                    Code::DuplicateLabel,
                    &submission.source,
                    short.span(),
                    format!(
                        "the short label \"{}\" is also used by {}",
                        short.get_ref(),
                        other.source.name
                    ),
                )
                .with_related(&other.source, span.clone(), "the same label is used here")
                .with_help("give each region its own label, e.g. its initials: `short = \"LAC\"`"),
            ),
            None => {
                first.insert(key, (submission, short.span()));
            }
        }
    }
    found
}

/// Two submissions with the same id would overwrite each other's proof and mix their entries.
fn check_unique_ids(submissions: &[Submission]) -> Vec<Diagnostic> {
    let mut by_id: BTreeMap<&str, Vec<&Submission>> = BTreeMap::new();
    for submission in submissions {
        by_id.entry(&submission.id).or_default().push(submission);
    }
    let mut found = Vec::new();
    for (id, users) in by_id.into_iter().filter(|(_, users)| users.len() > 1) {
        let mut users = users;
        users.sort_by(|a, b| a.source.name.cmp(&b.source.name));
        let span_of = |s: &Submission| {
            s.data
                .consultation
                .get_ref()
                .id
                .as_ref()
                .map_or_else(|| s.data.consultation.span(), Spanned::span)
        };
        let first = users[0];
        for other in &users[1..] {
            found.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    &other.source,
                    span_of(other),
                    format!("the id \"{id}\" is also used by {}", first.source.name),
                )
                .with_related(&first.source, span_of(first), "the same id is used here")
                .with_help("give each submission its own `id` under [consultation]"),
            );
        }
    }
    found
}

/// The key W003 (the same entry twice in one submission) compares: NFKC, lower case,
/// punctuation and runs of white space turned into single spaces.
fn repeat_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkc().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_agenda_point_with_no_agenda_says_so() {
        let source = SourceFile::new("a.toml", "a.toml", "agenda = [3]\n".to_owned());
        let mut found = Vec::new();
        check_agenda_number(
            &source,
            &Spanned::new(10..11, 3),
            &BTreeSet::new(),
            &mut found,
        );
        let help = found[0].help.clone().unwrap_or_default();
        assert!(help.contains("defines no agenda points"), "{help}");
        assert!(!help.contains("are ;"), "{help}");
        found.clear();
        check_agenda_number(
            &source,
            &Spanned::new(10..11, 3),
            &BTreeSet::from([1, 2]),
            &mut found,
        );
        let help = found[0].help.clone().unwrap_or_default();
        assert!(help.contains("the agenda points are 1, 2;"), "{help}");
    }

    #[test]
    fn normalising_ignores_case_space_punctuation_and_unicode_form() {
        assert_eq!(
            repeat_key("Criminalization of migrant workers and immigrant communities."),
            repeat_key("  criminalization of MIGRANT workers, and immigrant   communities")
        );
        assert_eq!(repeat_key("ﬁnancial"), repeat_key("financial"));
        assert_eq!(
            repeat_key("migrants’ rights"),
            repeat_key("migrants' rights")
        );
        assert_ne!(repeat_key("labour"), repeat_key("labor"));
    }

    #[test]
    fn slugs() {
        assert!(is_slug("us-canada"));
        assert!(is_slug("asia-pacific-2"));
        assert!(!is_slug("US-Canada"));
        assert!(!is_slug("west asia"));
        assert!(!is_slug(""));
    }

    #[test]
    fn invisible_characters() {
        assert!(is_invisible('\u{200B}'));
        assert!(is_invisible('\u{202E}'));
        assert!(!is_invisible('é'));
        assert!(!is_invisible('\u{0627}'));
    }

    fn invisible_found(line: &str) -> Vec<(String, usize)> {
        let source = SourceFile::new("x.toml", "x.toml", format!("x = {line}\n"));
        let span = 4..4 + line.len();
        let text: toml::Value = toml::from_str(&source.text).unwrap();
        let text = text["x"].as_str().unwrap().to_owned();
        let mut found = Vec::new();
        check_text(&source, &text, span, &mut found);
        found
            .iter()
            .map(|d| {
                let at = source.line_col(d.span.clone().unwrap().start);
                (d.message.clone(), at.column)
            })
            .collect()
    }

    #[test]
    fn every_invisible_character_is_reported_at_its_own_column() {
        let message = |code: &str| format!("the text holds the invisible character U+{code}");
        assert_eq!(
            invisible_found("\"Wage\\u200b theft\u{200B} and\\U0000FEFF pay\""),
            [
                (message("200B"), 10),
                (message("200B"), 22),
                (message("FEFF"), 27),
            ]
        );
        assert_eq!(
            invisible_found("'''a\u{202E}b\u{2060}'''"),
            [(message("202E"), 9), (message("2060"), 11)]
        );
    }

    #[test]
    fn joiners_inside_emoji_and_joining_scripts_are_not_invisible_characters() {
        for fine in [
            "\"👩\u{200D}👩\u{200D}👧 families\"",
            "\"🏳\u{FE0F}\u{200D}🌈\"",
            "\"👩\\u200D👧\"",
            "\"می\u{200C}خواهم\"",
            "\"क्\u{200D}ष\"",
        ] {
            assert_eq!(invisible_found(fine), [], "{fine}");
        }
        for flagged in [
            "\"Wage\u{200D}theft\"",
            "\"\u{200D}👩\"",
            "\"👩 \u{200D}👧\"",
        ] {
            assert_eq!(invisible_found(flagged).len(), 1, "{flagged}");
        }
    }
}
