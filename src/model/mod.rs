//! The types every stage shares. In: nothing (this folder depends on no other). Out: the typed
//! model of `report.toml` and of a regional submission, exactly as the submission format (see
//! the README) defines them, and the shapes built from them: [`project`] (the files as loaded),
//! [`entry`] (one issue or strategy), [`editorial`] (the editors' decisions) and [`source`] (a
//! file's text and line index). Fields that later rules may reject keep their source span
//! (`Spanned`), so that every message can point at the line a host wrote.

pub mod editorial;
pub mod entry;
pub mod project;
pub mod source;

use std::fmt;
use std::ops::Range;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use toml::Spanned;

/// The only version of the submission format today.
pub const FORMAT_VERSION: i64 = 1;

/// A calendar date, as TOML writes it (`2013-06-07`, no quotes).
///
/// A newtype rather than `toml::value::Datetime` because a consultation has a day, never a
/// time of day: a value with a time or offset is a type error with its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2013.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// The English month name, for the report ("June").
    #[must_use]
    pub fn month_name(self) -> &'static str {
        MONTHS[usize::from(self.month.clamp(1, 12)) - 1]
    }

    /// The date as the report prints it: "7 June 2013".
    #[must_use]
    pub fn long(self) -> String {
        format!("{} {} {}", self.day, self.month_name(), self.year)
    }

    /// A span of days as the report prints it: "2–3 July 2013", "30 June – 1 July 2013".
    #[must_use]
    pub fn long_range(self, end: Option<Date>) -> String {
        match end {
            None => self.long(),
            Some(end) if end == self => self.long(),
            Some(end) if (end.year, end.month) == (self.year, self.month) => {
                format!(
                    "{}–{} {} {}",
                    self.day,
                    end.day,
                    self.month_name(),
                    self.year
                )
            }
            Some(end) if end.year == self.year => {
                format!("{} {} – {}", self.day, self.month_name(), end.long())
            }
            Some(end) => format!("{} – {}", self.long(), end.long()),
        }
    }

    /// Days since 1970-01-01, to turn `SOURCE_DATE_EPOCH` and dates into each other.
    #[must_use]
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days-from-civil algorithm.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    #[must_use]
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        // The day is 1 to 31 and the month 1 to 12 by construction; the year saturates for
        // days no calendar reaches (a mistyped `SOURCE_DATE_EPOCH`).
        let day = u8::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
        let month = u8::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
        let year = yoe + era * 400 + i64::from(month <= 2);
        let year = i32::try_from(year).unwrap_or(if year < 0 { i32::MIN } else { i32::MAX });
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::value::Datetime::deserialize(deserializer)?;
        match (value.date, value.time, value.offset) {
            (Some(d), None, None) => Ok(Date {
                year: i32::from(d.year),
                month: d.month,
                day: d.day,
            }),
            _ => Err(de::Error::custom(format!(
                "expected a date without a time, like 2013-06-07, found `{value}`"
            ))),
        }
    }
}

/// `report.toml`: what the whole report is, and the agenda items are mapped to.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Consolidated report settings (report.toml)")]
pub struct ReportSettings {
    /// Format version; must be 1.
    #[schemars(with = "i64", example = 1)]
    pub format: Spanned<i64>,
    /// The report's title, on the cover and in the PDF metadata.
    #[schemars(example = &"Consolidated Civil Society Report")]
    pub title: String,
    /// A line under the title.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// The event the report is for.
    #[serde(default)]
    pub event: Option<String>,
    /// The date of the event; submissions dated after it are an error, and the PDF's
    /// creation date is taken from it so that builds are reproducible.
    #[schemars(with = "Date")]
    pub date: Spanned<Date>,
    /// Who publishes the report.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Keywords for the PDF's metadata, so that archives and search engines file the report
    /// well. Optional: the agenda's clusters when absent.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The paper size.
    #[serde(default)]
    pub paper: Paper,
    /// The agenda, in the order the report presents it.
    #[schemars(with = "Vec<AgendaPoint>")]
    pub agenda: Vec<Spanned<AgendaPoint>>,
    /// How entries from different regions are found to say the same thing.
    #[serde(default)]
    #[schemars(with = "Option<DedupSettings>")]
    pub dedup: DedupSettings,
    /// The vocabulary of the process's field, added to (or replacing) the lexicon shipped
    /// with consolidate: words that name one thing, and sets of things that differ.
    #[serde(default)]
    #[schemars(with = "Option<LexiconSettings>")]
    pub lexicon: LexiconSettings,
    /// When the report goes out as a draft for the regions to comment on: its number and
    /// date. Absent, the build makes the final edition.
    #[serde(default)]
    pub draft: Option<DraftEdition>,
}

/// `[draft]` in `report.toml`: which draft this is, so that every page says it is not for
/// citation and the build keeps a snapshot to compare the next draft with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftEdition {
    /// Draft 1, 2, ...: numbers the snapshot in `drafts/` and the band on every page.
    #[schemars(range(min = 1))]
    pub number: u32,
    /// The day the draft goes out.
    #[schemars(with = "Date")]
    pub date: Date,
}

/// A lexicon of the field: the shipped `lexicon/migration.toml`, and the `[lexicon]` table of
/// `report.toml` that extends it for one process.
///
/// ```toml
/// [[lexicon.concept]]          # words and phrases that name one thing
/// id = "media"
/// terms = ["media", "press", "news outlets"]
///
/// [[lexicon.concept]]
/// id = "private-detention"
/// terms = ["private detention centres", "for-profit detention"]
/// broader = ["detention"]      # naming it names detention too
///
/// [[lexicon.distinct]]         # things that, named by two entries, make them two concerns
/// id = "group"
/// members = ["children", "women", "domestic-workers"]
/// ```
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LexiconSettings {
    /// Whether the lexicon shipped with consolidate (international migration) applies too; a
    /// process on another theme may set `builtin = false` and bring its own.
    #[serde(default = "yes")]
    pub builtin: bool,
    /// Concept groups: each term (a word or a phrase of up to eight words of meaning) counts as the
    /// concept. A concept whose id the shipped lexicon has gains these terms.
    #[serde(default)]
    #[schemars(with = "Vec<Concept>")]
    pub concept: Vec<Spanned<Concept>>,
    /// Distinct sets: two entries that name different members of one set, and no member in
    /// common, are about different things however many words they share. A set whose id the
    /// shipped lexicon has gains these members.
    #[serde(default)]
    #[schemars(with = "Vec<DistinctSet>")]
    pub distinct: Vec<Spanned<DistinctSet>>,
}

impl Default for LexiconSettings {
    fn default() -> Self {
        LexiconSettings {
            builtin: true,
            concept: Vec::new(),
            distinct: Vec::new(),
        }
    }
}

/// One concept group of a lexicon.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Concept {
    /// The concept's id: lowercase words joined by hyphens.
    #[schemars(with = "String", example = &"media")]
    pub id: Spanned<String>,
    /// The words and phrases that name it, as drafters write them.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub terms: Vec<Spanned<String>>,
    /// The ids of the concepts it is a kind of: an entry that names it names those too, so
    /// that "private detention centres" and "immigration detention" share `detention`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub broader: Vec<Spanned<String>>,
    /// Lists of concept ids that, named together by one entry, name this concept too:
    /// `[["remittances", "high-costs"]]` makes "sending money home costs too much" an entry
    /// about remittance costs, which no single term says.
    #[serde(default)]
    #[schemars(with = "Vec<Vec<String>>")]
    pub implied_by: Vec<Vec<Spanned<String>>>,
    /// Whether the concept is only a part of others ("not covered", "high costs"): it serves
    /// `implied_by`, and adds nothing of its own, so its terms are compared as the plain words
    /// they are. Two entries that share only a frame are not alike for it.
    #[serde(default)]
    pub part_only: bool,
}

/// One distinct set of a lexicon.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DistinctSet {
    /// The set's id, e.g. `group`, `service`, `instrument`.
    #[schemars(with = "String", example = &"group")]
    pub id: Spanned<String>,
    /// The ids of the concepts in it.
    #[schemars(with = "Vec<String>")]
    pub members: Vec<Spanned<String>>,
    /// Whether its members qualify a demand (how far it goes: a ban, a cap, a reform) rather
    /// than name what it is about: their terms then only tell entries apart, and two entries
    /// that share nothing but "abolish" are not alike.
    #[serde(default)]
    pub qualifiers: bool,
}

/// The `[dedup]` table of `report.toml`: when two entries count as the same concern.
///
/// Every field has a default chosen on the labelled set in `tests/fixtures/dedup/`, so most
/// reports never write this table; it exists for a report whose regions write very alike (or
/// very differently) and whose editors want fewer (or more) automatic merges.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DedupSettings {
    /// Entries at least this similar (0 to 1) merge automatically: a group of entries merges
    /// when they are this similar on average and every two of them at least 0.8 of it.
    #[serde(default = "default_threshold")]
    #[schemars(with = "f64", example = 0.48)]
    pub threshold: Spanned<f64>,
    /// Pairs from this similarity up to the threshold are shown by `consolidate review` as
    /// suggestions for the editors.
    #[serde(default = "default_suggest_from")]
    #[schemars(with = "f64", example = 0.2)]
    pub suggest_from: Spanned<f64>,
    /// British and American spellings count as one word ("labour", "labor").
    #[serde(default = "yes")]
    pub spelling_variants: bool,
    /// Words are reduced to their stem in the submission's language ("workers", "worker").
    #[serde(default = "yes")]
    pub stemming: bool,
    /// Function words ("the", "of") are ignored; negations ("no", "not") never are.
    #[serde(default = "yes")]
    pub stop_words: bool,
    /// More words to ignore when comparing entries, e.g. a word every entry of a report uses.
    #[serde(default)]
    pub extra_stop_words: Vec<String>,
}

/// The default [`DedupSettings::threshold`]. An automatic merge that joins two concerns puts
/// words in a region's mouth, while a pair left unmerged is still asked about at the desk: on
/// the tuning sets, 0.48 against 0.43 merged 3 look-alike pairs instead of 10 and left the
/// pairs joined after the desk as they were (0.84, 0.93, 0.70 and 0.58 on the freely worded
/// sets), at up to 0.04 more keys per entry; automatic merges found fewer pairs (0.77 against
/// 0.86 on `labelled-2.toml`).
pub const DEFAULT_THRESHOLD: f64 = 0.48;
/// The default [`DedupSettings::suggest_from`].
pub const DEFAULT_SUGGEST_FROM: f64 = 0.2;

fn default_threshold() -> Spanned<f64> {
    Spanned::new(0..0, DEFAULT_THRESHOLD)
}

fn default_suggest_from() -> Spanned<f64> {
    Spanned::new(0..0, DEFAULT_SUGGEST_FROM)
}

fn yes() -> bool {
    true
}

impl Default for DedupSettings {
    fn default() -> Self {
        DedupSettings {
            threshold: default_threshold(),
            suggest_from: default_suggest_from(),
            spelling_variants: true,
            stemming: true,
            stop_words: true,
            extra_stop_words: Vec::new(),
        }
    }
}

impl DedupSettings {
    /// The merge threshold.
    #[must_use]
    pub fn threshold(&self) -> f64 {
        *self.threshold.get_ref()
    }

    /// The lowest similarity shown as a suggestion.
    #[must_use]
    pub fn suggest_from(&self) -> f64 {
        *self.suggest_from.get_ref()
    }
}

/// The paper the report is laid out for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    UsLetter,
}

impl Paper {
    /// The name Typst gives this paper.
    #[must_use]
    pub fn typst_name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::UsLetter => "us-letter",
        }
    }
}

/// One point of the action agenda that entries are mapped to.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaPoint {
    /// The number hosts write in `agenda = [...]`.
    #[schemars(with = "i64", example = 1)]
    pub number: Spanned<i64>,
    /// The chapter the point belongs to.
    #[schemars(example = &"Labour and Mobility")]
    pub cluster: String,
    /// The point itself.
    #[schemars(example = &"Guaranteeing the labour rights of migrants")]
    pub title: String,
}

/// One regional submission file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Regional consultation submission")]
pub struct SubmissionFile {
    /// The version of the submission format; write `format = 1`.
    #[schemars(with = "i64", example = 1)]
    pub format: Spanned<i64>,
    /// Who met, when and where.
    #[schemars(with = "Consultation")]
    pub consultation: Spanned<Consultation>,
    /// What the consultation set out to do and concluded.
    #[serde(default)]
    pub outcomes: Outcomes,
    /// Plenary sessions, in order.
    #[serde(default)]
    #[schemars(with = "Vec<Plenary>")]
    pub plenary: Vec<Spanned<Plenary>>,
    /// Workshops, in order: the priority issues and strategies.
    #[serde(default)]
    #[schemars(with = "Vec<Workshop>")]
    pub workshop: Vec<Spanned<Workshop>>,
}

/// The `[consultation]` table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consultation {
    /// A short name of lowercase letters, digits and hyphens; defaults to the file name.
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^[a-z0-9-]+$"), example = &"us-canada")]
    pub id: Option<Spanned<String>>,
    /// The region's name as the report shows it.
    #[schemars(with = "String", example = &"United States and Canada")]
    pub region: Spanned<String>,
    /// A short label for the region ("LAC"), printed where the full name does not fit: in
    /// tables, charts and beside every entry. Optional: derived from the name when absent.
    #[serde(default)]
    #[schemars(with = "Option<String>", example = &"LAC")]
    pub short: Option<Spanned<String>>,
    /// The consultation's own title.
    #[serde(default)]
    #[schemars(with = "Option<String>", example = &"Beyond Borders")]
    pub title: Option<Spanned<String>>,
    /// The first day of the consultation.
    #[schemars(with = "Date")]
    pub date: Spanned<Date>,
    /// The last day, when it ran over several days.
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub end_date: Option<Spanned<Date>>,
    /// Where it took place.
    #[schemars(with = "String", example = &"Washington, D.C.")]
    pub location: Spanned<String>,
    /// The organisations that hosted it; at least one.
    #[schemars(with = "Vec<String>", length(min = 1), example = ["AFL-CIO", "Canadian Labour Congress"])]
    pub hosts: Spanned<Vec<Spanned<String>>>,
    /// How many people took part.
    #[serde(default)]
    #[schemars(example = 40)]
    pub participants: Option<u32>,
    /// The language of the text fields, as a BCP 47 tag; default "en".
    #[serde(default)]
    #[schemars(with = "Option<String>", example = &"en")]
    pub language: Option<Spanned<String>>,
    /// Whom the coordinators can write to about the submission.
    #[serde(default)]
    pub contact: Option<Contact>,
}

/// Whom the coordinators write to about a submission.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// A person's name.
    #[serde(default)]
    pub name: Option<String>,
    /// An e-mail address.
    #[serde(default)]
    pub email: Option<String>,
}

/// The `[outcomes]` table.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcomes {
    /// What the consultation set out to do.
    #[serde(default)]
    #[schemars(with = "Vec<Item>")]
    pub objectives: Vec<Spanned<Item>>,
    /// What it concluded.
    #[serde(default)]
    #[schemars(with = "Vec<Item>")]
    pub key_points: Vec<Spanned<Item>>,
}

/// A `[[plenary]]` session.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plenary {
    /// The session's title.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub title: Option<Spanned<String>>,
    /// Who spoke, as "Name, Organisation".
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub speakers: Vec<Spanned<String>>,
    /// The notes, one point each.
    #[serde(default)]
    #[schemars(with = "Vec<Item>")]
    pub points: Vec<Spanned<Item>>,
}

/// A `[[workshop]]`: the heart of a submission.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workshop {
    /// The workshop's theme.
    #[serde(default)]
    #[schemars(with = "Option<String>", example = &"Workers' Rights")]
    pub title: Option<Spanned<String>>,
    /// Agenda points for the issues and strategies below, unless an entry says otherwise.
    #[serde(default)]
    #[schemars(with = "Option<Vec<i64>>", example = [1, 2])]
    pub agenda: Option<Vec<Spanned<i64>>>,
    /// Priority issues.
    #[serde(default)]
    #[schemars(with = "Vec<Item>")]
    pub issues: Vec<Spanned<Item>>,
    /// Strategies.
    #[serde(default)]
    #[schemars(with = "Vec<Item>")]
    pub strategies: Vec<Spanned<Item>>,
}

/// One entry: written either as a plain string or as a table with `text` and options.
#[derive(Debug, Clone)]
pub struct Item {
    /// The entry in English.
    pub text: Spanned<String>,
    /// Agenda points; `None` inherits the workshop's, `Some([])` is cross-cutting.
    pub agenda: Option<Vec<Spanned<i64>>>,
    /// The entry in the language it was discussed in.
    pub original: Option<Spanned<String>>,
    /// BCP 47 tag of `original`.
    pub original_lang: Option<Spanned<String>>,
}

/// The table form of an [`Item`].
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "EntryTable")]
struct ItemTable {
    /// The entry, in English.
    #[schemars(with = "String", example = &"Access to justice for migrant workers")]
    text: Spanned<String>,
    /// The agenda points it addresses; `[]` means cross-cutting.
    #[serde(default)]
    #[schemars(with = "Option<Vec<i64>>", example = [1])]
    agenda: Option<Vec<Spanned<i64>>>,
    /// The same entry in the language it was discussed in.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    original: Option<Spanned<String>>,
    /// The language of `original`, as a BCP 47 tag (required with `original`).
    #[serde(default)]
    #[schemars(with = "Option<String>", example = &"es")]
    original_lang: Option<Spanned<String>>,
}

impl JsonSchema for Item {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Entry".into()
    }

    /// Text in quotes, or a table with `text` and its options.
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An entry: text in quotes, or a table with `text` and optional `agenda`, `original`, `original_lang`.",
            "anyOf": [
                { "type": "string", "examples": ["Access to justice for migrant workers"] },
                generator.subschema_for::<ItemTable>(),
            ]
        })
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    /// A TOML local date; editors that map TOML to JSON see it as a `date` string.
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "description": "A date without quotes, year-month-day.",
            "examples": ["2013-06-07"]
        })
    }
}

impl<'de> Deserialize<'de> for Item {
    /// Hand-written rather than `#[serde(untagged)]` so that a wrong value gets a message that
    /// says what an entry may be, and a misspelt key inside a table keeps its own span.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemVisitor;
        impl<'de> Visitor<'de> for ItemVisitor {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, or a table with `text = \"...\"`")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Item, E> {
                Ok(Item {
                    text: Spanned::new(0..0, text.to_owned()),
                    agenda: None,
                    original: None,
                    original_lang: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item, A::Error> {
                let table = ItemTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Item {
                    text: table.text,
                    agenda: table.agenda,
                    original: table.original,
                    original_lang: table.original_lang,
                })
            }
        }
        deserializer.deserialize_any(ItemVisitor)
    }
}

/// Gives a plain-string item the span of the string itself: the visitor cannot see spans,
/// so the loader fills them in from the `Spanned` wrapper.
pub(crate) fn fill_item_span(item: &mut Spanned<Item>) {
    let outer: Range<usize> = item.span();
    let inner = item.get_ref().text.span();
    if inner == (0..0) {
        let text = std::mem::take(item.get_mut().text.get_mut());
        item.get_mut().text = Spanned::new(outer, text);
    }
}

impl Item {
    /// The English text.
    #[must_use]
    pub fn text(&self) -> &str {
        self.text.get_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_as_the_report_writes_them() {
        let d = |year, month, day| Date { year, month, day };
        assert_eq!(d(2013, 6, 7).long(), "7 June 2013");
        assert_eq!(
            d(2013, 7, 2).long_range(Some(d(2013, 7, 3))),
            "2–3 July 2013"
        );
        assert_eq!(
            d(2013, 6, 30).long_range(Some(d(2013, 7, 1))),
            "30 June – 1 July 2013"
        );
        assert_eq!(d(2013, 6, 7).long_range(Some(d(2013, 6, 7))), "7 June 2013");
    }

    #[test]
    fn epoch_days_round_trip() {
        let date = Date {
            year: 2013,
            month: 7,
            day: 15,
        };
        assert_eq!(date.days_since_epoch(), 15_901);
        assert_eq!(Date::from_days_since_epoch(15_901), date);
        assert_eq!(
            Date::from_days_since_epoch(0),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
    }

    #[test]
    fn items_take_both_forms() {
        #[derive(Deserialize)]
        struct Doc {
            items: Vec<Spanned<Item>>,
        }
        let doc: Doc =
            toml::from_str("items = [\"plain\", { text = \"table\", agenda = [2] }]").unwrap();
        assert_eq!(doc.items[0].get_ref().text(), "plain");
        assert_eq!(doc.items[1].get_ref().text(), "table");
        assert_eq!(
            doc.items[1].get_ref().agenda.as_ref().unwrap()[0].get_ref(),
            &2
        );
    }
}
