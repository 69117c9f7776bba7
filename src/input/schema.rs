//! The JSON Schema of a submission and of `report.toml`, generated from the very types that
//! parse them (schemars), and the checker that holds a parsed TOML document against it.
//!
//! The checker exists because serde stops at the first problem and visits keys in its own
//! order; a host needs every problem at once. It walks the spanned document, reports unknown
//! keys, wrong types and missing fields at their own lines, and repairs the document
//! (dropping what is wrong, filling what is missing with placeholders) so that the typed model
//! can still be built and the remaining rules can run. A repaired document never builds: the
//! problems found here are errors.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use serde_json::Value as Json;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use crate::diagnostic::suggest::nearest_key;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::source::SourceFile;
use crate::model::{ReportSettings, SubmissionFile};

/// The schema of a regional submission, as editors (taplo, Even Better TOML) read it.
pub fn submission_schema() -> &'static Json {
    static SCHEMA: OnceLock<Json> = OnceLock::new();
    SCHEMA.get_or_init(generate::<SubmissionFile>)
}

/// The schema of `report.toml`.
pub fn report_schema() -> &'static Json {
    static SCHEMA: OnceLock<Json> = OnceLock::new();
    SCHEMA.get_or_init(generate::<ReportSettings>)
}

/// The schema of `editorial.toml`.
pub fn editorial_schema() -> &'static Json {
    static SCHEMA: OnceLock<Json> = OnceLock::new();
    SCHEMA.get_or_init(generate::<crate::model::editorial::EditorialFile>)
}

/// Draft 7, the newest draft that TOML editors' schema support fully understands.
fn generate<T: schemars::JsonSchema>() -> Json {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    generator.into_root_schema_for::<T>().to_value()
}

/// The schema as the repository ships it (`schema/submission.schema.json`): pretty, with a
/// final newline.
#[must_use]
pub fn submission_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(submission_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// Holds a document against a schema, reporting into `found` and repairing as it goes.
pub struct Checker<'a> {
    root: &'a Json,
    source: &'a SourceFile,
    /// Whether the parser already reported syntax errors: values it could not read come back
    /// with an empty span, and are dropped silently rather than reported twice.
    recovered: bool,
    found: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    /// A checker for one file.
    #[must_use]
    pub fn new(root: &'a Json, source: &'a SourceFile, recovered: bool) -> Self {
        Checker {
            root,
            source,
            recovered,
            found: Vec::new(),
        }
    }

    /// Checks and repairs the whole document; returns what was found.
    pub fn check_document(mut self, document: &mut Spanned<DeTable<'_>>) -> Vec<Diagnostic> {
        let span = document.span();
        let root = self.root;
        self.check_table(document.get_mut(), span, root, None);
        self.found
    }

    /// Follows `$ref` to the definition it names.
    fn resolve(&self, schema: &'a Json) -> &'a Json {
        let mut schema = schema;
        for _ in 0..16 {
            if let Some([only]) = schema
                .get("allOf")
                .and_then(Json::as_array)
                .map(Vec::as_slice)
            {
                schema = only;
                continue;
            }
            let Some(reference) = schema.get("$ref").and_then(Json::as_str) else {
                break;
            };
            let pointer = reference.trim_start_matches('#');
            match self.root.pointer(pointer) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    /// The non-null alternatives a schema allows, each resolved.
    fn alternatives(&self, schema: &'a Json) -> Vec<&'a Json> {
        let schema = self.resolve(schema);
        let branches = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Json::as_array);
        match branches {
            Some(branches) => branches
                .iter()
                .flat_map(|b| self.alternatives(b))
                .filter(|b| kinds(b) != ["null"])
                .collect(),
            None => vec![schema],
        }
    }

    fn check_table(
        &mut self,
        table: &mut DeTable<'_>,
        header: Range<usize>,
        schema: &'a Json,
        name: Option<&str>,
    ) {
        let schema = self.resolve(schema);
        let properties = schema.get("properties").and_then(Json::as_object);
        let allowed: Vec<&str> = properties
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let closed = schema.get("additionalProperties") == Some(&Json::Bool(false));

        let mut drop: Vec<String> = Vec::new();
        let mut mistyped: Vec<String> = Vec::new();
        let keys: Vec<(String, Range<usize>)> = table
            .iter()
            .map(|(k, _)| (k.get_ref().to_string(), k.span()))
            .collect();
        for (key, key_span) in keys {
            let property = properties.and_then(|p| p.get(&key));
            match property {
                None if closed => {
                    self.found
                        .push(unknown_key(self.source, &key, key_span, &allowed, name));
                    drop.push(key);
                }
                None => {}
                Some(property) => {
                    let Some(value) = table.get_mut(key.as_str()) else {
                        continue;
                    };
                    if !self.check_value(value, property, &Place::key(&key)) {
                        mistyped.push(key.clone());
                        drop.push(key);
                    }
                }
            }
        }
        for key in &drop {
            table.remove(key.as_str());
        }

        let required = schema.get("required").and_then(Json::as_array);
        for field in required.into_iter().flatten().filter_map(Json::as_str) {
            let present = table.iter().any(|(k, _)| k.get_ref().as_ref() == field);
            if present {
                continue;
            }
            let property = properties.and_then(|p| p.get(field));
            // A field dropped for its type was reported where it stands; it is not "missing".
            if !mistyped.iter().any(|m| m == field) {
                let schema = property.map(|p| self.resolve(p));
                self.found.push(missing_field(
                    self.source,
                    field,
                    header.clone(),
                    name,
                    schema,
                ));
            }
            if let Some(placeholder) = property.and_then(|p| self.placeholder(p)) {
                let key = Spanned::new(header.clone(), Cow::Owned(field.to_owned()));
                table.insert(key, Spanned::new(header.clone(), placeholder));
            }
        }
    }

    /// Checks one value; returns whether to keep it.
    fn check_value(
        &mut self,
        value: &mut Spanned<DeValue<'_>>,
        schema: &'a Json,
        place: &Place,
    ) -> bool {
        let key = place.key.as_str();
        let span = value.span();
        if self.recovered && span.is_empty() {
            return false;
        }
        let alternatives = self.alternatives(schema);
        let found = value_kind(value.get_ref());
        let Some(branch) = alternatives
            .iter()
            .copied()
            .find(|b| matches_kind(b, value.get_ref()))
        else {
            self.found.push(wrong_type(
                self.source,
                place,
                span,
                found,
                &alternatives,
                value.get_ref(),
            ));
            return false;
        };
        match value.get_mut() {
            DeValue::Table(table) => {
                self.check_table(table, span, branch, Some(&place.table_label()));
                true
            }
            DeValue::Array(array) => self.check_array(array, span, branch, key),
            DeValue::Integer(integer) => {
                let number = i64::from_str_radix(integer.as_str(), integer.radix()).ok();
                let minimum = branch.get("minimum").and_then(Json::as_f64);
                match (number, minimum) {
                    (Some(n), Some(min)) if (n as f64) < min => {
                        self.found.push(
                            Diagnostic::new(
                                Code::WrongType,
                                self.source,
                                span,
                                format!("`{key}` cannot be {n}; it must be {min} or more"),
                            )
                            .with_help(place.example_help(branch)),
                        );
                        false
                    }
                    (None, _) => {
                        self.found.push(
                            Diagnostic::new(
                                Code::WrongType,
                                self.source,
                                span,
                                format!("`{key}` is too large a number"),
                            )
                            .with_help(place.example_help(branch)),
                        );
                        false
                    }
                    _ => true,
                }
            }
            DeValue::String(text) => {
                let allowed = branch.get("enum").and_then(Json::as_array);
                if let Some(allowed) = allowed {
                    let names: Vec<&str> = allowed.iter().filter_map(Json::as_str).collect();
                    if !names.contains(&text.as_ref()) {
                        let mut help = format!(
                            "write one of: {}",
                            names
                                .iter()
                                .map(|n| format!("`{key} = \"{n}\"`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                        if let Some(nearest) = nearest_key(text, &names) {
                            help = format!("did you mean \"{nearest}\"? {help}");
                        }
                        self.found.push(
                            Diagnostic::new(
                                Code::WrongType,
                                self.source,
                                span,
                                format!("\"{text}\" is not a value `{key}` can take"),
                            )
                            .with_help(help),
                        );
                        return false;
                    }
                }
                true
            }
            _ => true,
        }
    }

    fn check_array(
        &mut self,
        array: &mut DeArray<'_>,
        span: Range<usize>,
        schema: &'a Json,
        key: &str,
    ) -> bool {
        let items = schema.get("items");
        if let Some(items) = items {
            let element = Place {
                key: key.to_owned(),
                element: true,
            };
            let mut keep = Vec::with_capacity(array.len());
            for value in array.iter_mut() {
                keep.push(self.check_value(value, items, &element));
            }
            if keep.iter().any(|k| !k) {
                let kept: DeArray<'_> = std::mem::replace(array, DeArray::new())
                    .into_iter()
                    .zip(keep)
                    .filter_map(|(v, k)| k.then_some(v))
                    .collect();
                *array = kept;
            }
        }
        let min_items = schema.get("minItems").and_then(Json::as_u64).unwrap_or(0);
        if (array.len() as u64) < min_items {
            self.found.push(
                Diagnostic::new(
                    Code::MissingField,
                    self.source,
                    span,
                    format!("`{key}` is empty"),
                )
                .with_help(format!(
                    "it needs at least {min_items}: {}",
                    example_help(key, schema)
                )),
            );
            if let Some(placeholder) = schema.get("items").and_then(|i| self.placeholder(i)) {
                for _ in array.len() as u64..min_items {
                    array.push(Spanned::new(0..0, placeholder.clone()));
                }
            }
        }
        true
    }

    /// A value of the right type to stand in for a missing one, so that the typed model can
    /// be built and the other rules can run. It passes every rule, so it adds no problem.
    fn placeholder(&self, schema: &'a Json) -> Option<DeValue<'static>> {
        let schema = *self.alternatives(schema).first()?;
        let parse = |text: &'static str| DeValue::parse(text).ok().map(Spanned::into_inner);
        match kinds(schema).first().copied()? {
            "string" if schema.get("format").and_then(Json::as_str) == Some("date") => {
                parse("1900-01-01")
            }
            "string" => Some(DeValue::String(Cow::Borrowed("(missing)"))),
            "integer" | "number" => parse("1"),
            "boolean" => Some(DeValue::Boolean(false)),
            "array" => {
                let mut array = DeArray::new();
                let min = schema.get("minItems").and_then(Json::as_u64).unwrap_or(0);
                if min > 0 {
                    let item = self.placeholder(schema.get("items")?)?;
                    for _ in 0..min {
                        array.push(Spanned::new(0..0, item.clone()));
                    }
                }
                Some(DeValue::Array(array))
            }
            "object" => {
                let mut table = DeTable::new();
                let properties = schema.get("properties")?;
                for field in schema
                    .get("required")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                {
                    let field = field.as_str()?;
                    let value = self.placeholder(properties.get(field)?)?;
                    table.insert(
                        Spanned::new(0..0, Cow::Owned(field.to_owned())),
                        Spanned::new(0..0, value),
                    );
                }
                Some(DeValue::Table(table))
            }
            _ => None,
        }
    }
}

/// Where a value sits, for messages: under a key, or as an element of the list under a key.
struct Place {
    key: String,
    element: bool,
}

impl Place {
    fn key(key: &str) -> Place {
        Place {
            key: key.to_owned(),
            element: false,
        }
    }

    /// "`date`" or "an entry of `issues`".
    fn subject(&self) -> String {
        if self.element {
            format!("an entry of `{}`", self.key)
        } else {
            format!("`{}`", self.key)
        }
    }

    /// How a table at this place is written: `[consultation]`, `[[workshop]]`, or an entry.
    fn table_label(&self) -> String {
        if self.element {
            format!("[[{}]]", self.key)
        } else {
            format!("[{}]", self.key)
        }
    }
}

/// The JSON Schema types a schema allows.
fn kinds(schema: &Json) -> Vec<&str> {
    match schema.get("type") {
        Some(Json::String(kind)) => vec![kind.as_str()],
        Some(Json::Array(list)) => list.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether a TOML value fits a (resolved, non-null) schema's type.
fn matches_kind(schema: &Json, value: &DeValue<'_>) -> bool {
    let is_date = schema.get("format").and_then(Json::as_str) == Some("date");
    kinds(schema).iter().any(|kind| match (*kind, value) {
        ("string", DeValue::Datetime(d)) => {
            is_date && d.date.is_some() && d.time.is_none() && d.offset.is_none()
        }
        ("string", DeValue::String(_)) => !is_date,
        ("integer", DeValue::Integer(_))
        | ("number", DeValue::Integer(_) | DeValue::Float(_))
        | ("boolean", DeValue::Boolean(_))
        | ("array", DeValue::Array(_))
        | ("object", DeValue::Table(_)) => true,
        _ => false,
    })
}

/// A TOML value's kind in a host's words.
fn value_kind(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "text",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(d) if d.time.is_some() => "a date with a time",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// What a schema expects, in a host's words.
fn expected_kind(schema: &Json) -> &'static str {
    let is_date = schema.get("format").and_then(Json::as_str) == Some("date");
    match kinds(schema).first().copied() {
        Some("string") if is_date => "a date",
        Some("string") => "text in quotes",
        Some("integer") => "a whole number",
        Some("number") => "a number",
        Some("boolean") => "true or false",
        Some("array") => "a list in [brackets]",
        Some("object") => "a table",
        _ => "a value",
    }
}

/// The first example of a schema, written as TOML.
fn example_value(schema: &Json) -> Option<String> {
    let example = schema
        .get("examples")
        .and_then(Json::as_array)
        .and_then(|e| e.first())?;
    let is_date = schema.get("format").and_then(Json::as_str) == Some("date");
    Some(match example {
        Json::String(s) if is_date => s.clone(),
        other => toml_literal(other),
    })
}

fn toml_literal(value: &Json) -> String {
    match value {
        Json::String(s) => format!("{s:?}"),
        Json::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(toml_literal)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// "write it like `date = 2013-06-07`", from the schema's examples.
fn example_help(key: &str, schema: &Json) -> String {
    match example_value(schema) {
        Some(example) => format!("write it like `{key} = {example}`"),
        None => format!("write {}", expected_kind(schema)),
    }
}

impl Place {
    /// Like [`example_help`], with the example inside a list when the value is a list's entry.
    fn example_help(&self, schema: &Json) -> String {
        match (self.element, example_value(schema)) {
            (true, Some(example)) => format!("write it like `{} = [{example}]`", self.key),
            _ => example_help(&self.key, schema),
        }
    }
}

fn unknown_key(
    source: &SourceFile,
    key: &str,
    span: Range<usize>,
    allowed: &[&str],
    table: Option<&str>,
) -> Diagnostic {
    let place = table.map_or_else(String::new, |t| format!(" in `{t}`"));
    let mut help = format!("the keys allowed here are: {}", allowed.join(", "));
    if let Some(nearest) = nearest_key(key, allowed) {
        help = format!("did you mean `{nearest}`? {help}");
    }
    Diagnostic::new(
        Code::UnknownKey,
        source,
        span,
        format!("unknown key `{key}`{place}"),
    )
    .with_help(help)
}

fn missing_field(
    source: &SourceFile,
    field: &str,
    header: Range<usize>,
    table: Option<&str>,
    schema: Option<&Json>,
) -> Diagnostic {
    let (code, message, help) = if field == "format" && table.is_none() {
        (
            Code::UnsupportedFormat,
            "the file does not say which format it is written in".to_owned(),
            "add `format = 1` as the first line".to_owned(),
        )
    } else {
        let place = match table {
            Some(t) => format!("`{t}`"),
            None => "this file".to_owned(),
        };
        let help = match schema {
            Some(schema) if kinds(schema).contains(&"object") => format!("add a `[{field}]` table"),
            Some(schema) => match example_value(schema) {
                Some(example) => format!("add a line like `{field} = {example}`"),
                None => format!("add `{field} = ...` ({})", expected_kind(schema)),
            },
            None => format!("add `{field} = ...`"),
        };
        (
            Code::MissingField,
            format!("{place} is missing the required field `{field}`"),
            help,
        )
    };
    Diagnostic::new(code, source, header, message).with_help(help)
}

fn wrong_type(
    source: &SourceFile,
    place: &Place,
    span: Range<usize>,
    found: &str,
    alternatives: &[&Json],
    value: &DeValue<'_>,
) -> Diagnostic {
    let expected: Vec<&str> = alternatives.iter().map(|a| expected_kind(a)).collect();
    let expected = match expected.as_slice() {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        many => format!(
            "{} or {}",
            many[..many.len() - 1].join(", "),
            many[many.len() - 1]
        ),
    };
    let subject = place.subject();
    let mut help = alternatives
        .first()
        .map_or_else(String::new, |a| place.example_help(a));
    let wants_date = alternatives
        .iter()
        .any(|a| a.get("format").and_then(Json::as_str) == Some("date"));
    if wants_date && matches!(value, DeValue::String(_)) {
        help = format!("{help}, without quotes (not \"June 7\")");
    } else if matches!(value, DeValue::String(_)) && expected.contains("number") {
        help = format!("{help}, without quotes");
    } else if expected.contains("text") && !matches!(value, DeValue::String(_)) {
        help = format!("{help}: put the text in double quotes");
    }
    Diagnostic::new(
        Code::WrongType,
        source,
        span,
        format!("{subject} should be {expected}, but this is {found}"),
    )
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<(Code, usize, String)> {
        let source = SourceFile::new("regions/x.toml", "regions/x.toml", text.to_owned());
        let (mut document, errors) = DeTable::parse_recoverable(&source.text);
        assert!(errors.is_empty(), "{errors:?}");
        let found = Checker::new(submission_schema(), &source, false).check_document(&mut document);
        found
            .into_iter()
            .map(|d| (d.code, source.line_of(d.span.unwrap().start), d.message))
            .collect()
    }

    #[test]
    fn the_schema_is_generated_from_the_types() {
        let schema = submission_schema();
        let consultation = &schema["definitions"]["Consultation"];
        assert_eq!(consultation["additionalProperties"], false);
        let required: Vec<&str> = consultation["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(required, ["region", "date", "location", "hosts"]);
        assert_eq!(schema["definitions"]["Date"]["format"], "date");
    }

    #[test]
    fn every_problem_is_found_at_its_own_line() {
        let found = check(
            "format = 1\n[consultation]\ndate = \"June 7\"\nlocation = \"X\"\nhosts = []\nparticipants = -3\n\n[[workshop]]\nstratgies = [\"a\"]\nissues = [\"a\", 3]\n",
        );
        let codes: Vec<(Code, usize)> = found.iter().map(|(c, l, _)| (*c, *l)).collect();
        assert!(codes.contains(&(Code::WrongType, 3)), "{found:?}");
        assert!(codes.contains(&(Code::MissingField, 5)), "{found:?}");
        assert!(codes.contains(&(Code::WrongType, 6)), "{found:?}");
        assert!(codes.contains(&(Code::UnknownKey, 9)), "{found:?}");
        assert!(codes.contains(&(Code::WrongType, 10)), "{found:?}");
        assert!(
            codes.contains(&(Code::MissingField, 2)),
            "missing region at the header: {found:?}"
        );
    }

    #[test]
    fn a_repaired_document_still_builds_the_model() {
        let source = SourceFile::new(
            "x.toml",
            "x.toml",
            "format = 1\n[consultation]\ndate = \"June 7\"\nlocation = \"X\"\nhosts = []\n[[workshop]]\nissues = [1, \"ok\"]\n".to_owned(),
        );
        let (mut document, _) = DeTable::parse_recoverable(&source.text);
        let found = Checker::new(submission_schema(), &source, false).check_document(&mut document);
        assert!(!found.is_empty());
        let model: SubmissionFile =
            serde::Deserialize::deserialize(toml::de::Deserializer::from(document)).unwrap();
        assert_eq!(model.workshop[0].get_ref().issues.len(), 1);
    }
}
