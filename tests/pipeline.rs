//! End to end: the shipped project and fixture projects built into real PDFs, read back.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test reports a failure"
)]

mod common;

use common::*;
use consolidate::Error;

/// Every issue, strategy, objective, key point and plenary point of a submission.
fn texts_of(file: &std::path::Path) -> Vec<String> {
    let doc: toml::Table = toml::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let mut out = Vec::new();
    let mut push_items = |value: Option<&toml::Value>| {
        for item in value.and_then(|v| v.as_array()).into_iter().flatten() {
            match item {
                toml::Value::String(s) => out.push(s.clone()),
                toml::Value::Table(t) => out.push(t["text"].as_str().unwrap().to_owned()),
                _ => panic!("unexpected item {item:?}"),
            }
        }
    };
    let outcomes = doc.get("outcomes").and_then(|o| o.as_table());
    push_items(outcomes.and_then(|o| o.get("objectives")));
    push_items(outcomes.and_then(|o| o.get("key_points")));
    for section in ["plenary", "workshop"] {
        for table in doc
            .get(section)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            for key in ["points", "issues", "strategies"] {
                push_items(table.get(key));
            }
        }
    }
    out
}

#[test]
fn shipped_report_contains_every_us_canada_entry() {
    let out = scratch("shipped");
    let outcome = build(&repo_root(), &out).expect("the shipped project builds");
    assert!(
        outcome.pages > 10,
        "a real report, not a stub: {} pages",
        outcome.pages
    );
    let text = pdf_text(&std::fs::read(out.join("report.pdf")).unwrap());
    let texts = texts_of(&repo_root().join("regions/us-canada.toml"));
    assert!(
        texts.len() > 60,
        "the transcription is complete: {} entries",
        texts.len()
    );
    let missing: Vec<&String> = texts
        .iter()
        .filter(|t| !text.contains(&squash(t)))
        .collect();
    assert!(missing.is_empty(), "missing from the PDF: {missing:#?}");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("consolidated.json")).unwrap())
            .unwrap();
    let sources: usize = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["sources"].as_array().unwrap().len())
        .sum();
    assert_eq!(sources, outcome.entries, "every original is listed once");
    let first = &json["entries"][0]["sources"][0];
    assert!(first["file"].as_str().unwrap().starts_with("regions/"));
    assert!(first["line"].as_u64().unwrap() > 0);
}

#[test]
fn markup_in_submissions_prints_literally() {
    let out = scratch("markup");
    build(&fixture("markup"), &out).expect("the markup fixture builds");
    let text = pdf_text(&std::fs::read(out.join("report.pdf")).unwrap());
    for literal in [
        "#read(\"/etc/passwd\")",
        "#import \"x.typ\"",
        "#set page(width: 1pt)",
        "#pagebreak()",
        "$x^2$",
        "*bold*",
        "_em_",
        "<label>",
        "@ref",
        "`raw`",
        "// not a comment",
        "/* nor this */",
        "back\\slash",
        "~tilde",
        "-- dash",
        "... dots",
        "{{ 7*7 }}",
        "{% if true %}yes{% endif %}",
        "= not a heading",
        "- not a list",
        "+ not an enum",
        "Markup #region *bold*",
        "Workshop ]) #{ panic() }",
        "#strong[fuerte] y $y$",
        "\\ backslash \\\" quote \" end",
    ] {
        assert!(
            text.contains(&squash(literal)),
            "{literal:?} is not in the PDF as written"
        );
    }
    // Nothing was evaluated: the template output of {{ 7*7 }} would be 49.
    assert!(!text.contains("49"));
    let source = std::fs::read_to_string(out.join("report.typ")).unwrap();
    assert!(source.contains(r##"#"#read(\"/etc/passwd\")";"##));
}

#[test]
fn two_builds_in_one_process_are_byte_identical() {
    let (a, b) = (scratch("same-a"), scratch("same-b"));
    build(&fixture("minimal"), &a).unwrap();
    build(&fixture("minimal"), &b).unwrap();
    for file in ["report.pdf", "report.typ", "consolidated.json"] {
        assert_eq!(
            std::fs::read(a.join(file)).unwrap(),
            std::fs::read(b.join(file)).unwrap(),
            "{file} differs between two builds"
        );
    }
}

/// Two processes have different hash seeds, thread timings and allocations: none of it may show
/// in the outputs. The shipped project, with the most entries and merges, is the one to check.
#[test]
fn two_builds_in_two_processes_are_byte_identical() {
    let root = repo_root();
    let (a, b) = (scratch("process-a"), scratch("process-b"));
    for out in [&a, &b] {
        let output = consolidate(&[
            "build",
            "--quiet",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    for file in ["report.pdf", "report.typ", "consolidated.json"] {
        assert!(
            std::fs::read(a.join(file)).unwrap() == std::fs::read(b.join(file)).unwrap(),
            "{file} differs between two processes"
        );
    }
}

#[test]
fn the_same_concern_from_two_regions_merges_and_keeps_both_sources() {
    let out = scratch("merge");
    let outcome = build(&fixture("minimal"), &out).unwrap();
    assert_eq!((outcome.entries, outcome.consolidated), (6, 5));
    assert_eq!(
        outcome.account(),
        "6 entries from 2 regions → 5 consolidated (1 merged)"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("consolidated.json")).unwrap())
            .unwrap();
    let merged = &json["entries"][0];
    assert_eq!(merged["text"], "Recruitment fees charged to workers");
    assert_eq!(merged["regions"], serde_json::json!(["north", "south"]));
    assert_eq!(merged["agenda"], serde_json::json!([1, 2]));
    assert_eq!(merged["sources"][1]["file"], "regions/south.toml");
    assert_eq!(merged["sources"][1]["line"], 12);
}

#[test]
fn broken_submission_names_its_line_and_keeps_the_last_pdf() {
    let root = copy_project(&fixture("minimal"), "broken");
    let out = root.join("out");
    build(&root, &out).unwrap();
    let good = std::fs::read(out.join("report.pdf")).unwrap();

    let path = root.join("regions/south.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("strategies = [", "stratgies = [")).unwrap();
    let Err(Error::Input(diagnostics)) = build(&root, &out) else {
        panic!("a broken submission must fail the build");
    };
    let json = diagnostics.to_json();
    let first = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["severity"] == "error")
        .expect("an error");
    assert_eq!(first["file"], "regions/south.toml");
    assert_eq!(first["code"], "E004");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(13), Some(1))
    );
    assert!(
        first["help"]
            .as_str()
            .unwrap()
            .contains("did you mean `strategies`?")
    );
    assert_eq!(
        std::fs::read(out.join("report.pdf")).unwrap(),
        good,
        "the last good PDF is untouched"
    );
}
