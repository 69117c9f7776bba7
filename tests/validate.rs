//! `consolidate validate`: every rule caught at its line, every problem in one run, and no
//! input, however hostile, makes it panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test reports a failure"
)]

mod common;

use std::path::{Path, PathBuf};

use common::rng::Rng;
use common::*;
use consolidate::Diagnostics;
use consolidate::pipeline::prepare::validate;

fn rules_dir() -> PathBuf {
    fixture("rules")
}

/// Validates some files of a fixture project.
fn check(root: &Path, paths: &[PathBuf]) -> Diagnostics {
    validate(root, paths, false).expect("the files can be read")
}

/// The (code, line) pairs of a validation run.
fn found(diagnostics: &Diagnostics) -> Vec<(String, u64)> {
    let json = diagnostics.to_json();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// The `# expect: CODE line N` comment every rule fixture starts with.
fn expectation(file: &Path) -> (String, u64) {
    let bytes = std::fs::read(file).unwrap();
    let first = String::from_utf8_lossy(&bytes)
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let rest = first
        .strip_prefix("# expect: ")
        .expect("a rule fixture starts with its expectation");
    let (code, line) = rest.split_once(" line ").unwrap();
    (code.to_owned(), line.trim().parse().unwrap())
}

#[test]
fn every_rule_has_a_fixture_caught_at_its_line() {
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(rules_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "report.toml")
        .collect();
    fixtures.sort();
    let mut codes_covered = Vec::new();
    for path in &fixtures {
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let (expected_file, diagnostics) = if path.is_dir() {
            (
                path.join("b.toml"),
                check(&rules_dir(), std::slice::from_ref(path)),
            )
        } else {
            (
                path.clone(),
                check(&rules_dir(), std::slice::from_ref(path)),
            )
        };
        let (code, line) = expectation(&expected_file);
        let found = found(&diagnostics);
        assert!(
            found.contains(&(code.clone(), line)),
            "{name}: expected {code} at line {line}, found {found:?}"
        );
        codes_covered.push(code);
        insta::assert_snapshot!(format!("rule-{name}"), diagnostics.render_human(false));
    }
    for code in consolidate::Code::ALL {
        // The typesetter's codes (E014, W006-W008) and the consolidation's (E015-E017, W009, W010)
        // have their fixtures in tests/publication.rs and tests/consolidation.rs; the rules of
        // report.toml's agenda (E018, E021) in `agenda_numbers_are_positive_and_unique`, and of
        // its lexicon (E022, E023) in `a_process_lexicon_is_checked_with_its_lines`, and
        // W011 (files of regions/ not read) in `files_left_out_of_regions_are_named`.
        let runs_in_validate = !matches!(
            code.as_str(),
            "E014"
                | "E015"
                | "E016"
                | "E017"
                | "E018"
                | "E021"
                | "E022"
                | "E023"
                | "W011"
                | "W006"
                | "W007"
                | "W008"
                | "W009"
                | "W010"
        );
        assert!(
            !runs_in_validate || codes_covered.iter().any(|c| c == code.as_str()),
            "no fixture for {code}"
        );
    }
}

#[test]
fn five_problems_in_one_file_are_all_reported_at_their_lines() {
    let root = fixture("five-problems");
    let diagnostics = check(&root, &[]);
    let found = found(&diagnostics);
    for expected in [
        ("E005", 4),
        ("E003", 5),
        ("E009", 11),
        ("E010", 12),
        ("E004", 13),
    ] {
        assert!(
            found.contains(&(expected.0.to_owned(), expected.1)),
            "{expected:?} missing from {found:?}"
        );
    }
    insta::assert_snapshot!(diagnostics.render_human(false));
}

#[test]
fn the_shipped_regions_validate_without_errors() {
    let diagnostics = check(&repo_root(), &[]);
    assert_eq!(
        diagnostics.errors(),
        0,
        "{}",
        diagnostics.render_human(false)
    );
}

#[test]
fn init_writes_a_skeleton_that_validates() {
    let root = scratch("init");
    std::fs::copy(repo_root().join("report.toml"), root.join("report.toml")).unwrap();
    let done = consolidate::input::skeleton::init(&root, "x").unwrap();
    let text = std::fs::read_to_string(&done.submission).unwrap();
    assert!(text.starts_with("#:schema ../schema/submission.schema.json"));
    assert!(done.schema.is_some_and(|s| s.is_file()));
    let diagnostics = check(&root, std::slice::from_ref(&done.submission));
    assert_eq!(
        diagnostics.errors(),
        0,
        "{}",
        diagnostics.render_human(false)
    );
    // Every example left in it is named, so that none reaches the report unnoticed.
    let examples: Vec<String> = diagnostics
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert_eq!(
        examples.len(),
        11,
        "one W012 per example text: {examples:#?}"
    );
    assert!(
        examples.iter().all(|e| e.starts_with("W012 ")),
        "{examples:#?}"
    );
    for placeholder in [
        "City, Country",
        "Host organisation",
        "Replace this with a priority issue the workshop raised",
    ] {
        assert!(
            examples.iter().any(|e| e.contains(placeholder)),
            "{placeholder} not flagged: {examples:#?}"
        );
    }
    let strict = consolidate::pipeline::prepare::validate(
        &root,
        std::slice::from_ref(&done.submission),
        true,
    )
    .unwrap();
    assert_eq!(strict.errors(), 11, "--strict makes each an error");
    assert!(
        consolidate::input::skeleton::init(&root, "x").is_err(),
        "never overwrites a submission"
    );
    assert!(consolidate::input::skeleton::init(&root, "Not A Slug").is_err());
}

#[test]
fn the_shipped_schema_is_the_generated_one() {
    let shipped =
        std::fs::read_to_string(repo_root().join("schema/submission.schema.json")).unwrap();
    assert_eq!(
        shipped,
        consolidate::input::schema::submission_schema_text(),
        "run `cargo run -- schema > schema/submission.schema.json`"
    );
}

#[test]
fn diagnostics_are_sorted_by_file_then_position() {
    let diagnostics = check(&rules_dir(), &[rules_dir()]);
    let json = diagnostics.to_json();
    let places: Vec<(String, u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted);
    assert_eq!(
        json["errors"].as_u64(),
        u64::try_from(diagnostics.errors()).ok()
    );
}

/// Writes one submission into a fresh project and validates it.
fn validate_text(label: &str, bytes: &[u8]) -> Diagnostics {
    let root = scratch(label);
    std::fs::copy(rules_dir().join("report.toml"), root.join("report.toml")).unwrap();
    std::fs::create_dir_all(root.join("regions")).unwrap();
    std::fs::write(root.join("regions/x.toml"), bytes).unwrap();
    check(&root, &[])
}

fn valid_submission() -> String {
    std::fs::read_to_string(fixture("minimal").join("regions/north.toml")).unwrap()
}

#[test]
fn hostile_inputs_get_diagnostics_not_panics() {
    let valid = valid_submission();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("too-large", vec![b'#'; 6 * 1024 * 1024], "E001"),
        (
            "deep-arrays",
            format!(
                "format = 1\nx = {}{}",
                "[".repeat(100_000),
                "]".repeat(100_000)
            )
            .into_bytes(),
            "E002",
        ),
        (
            "deep-tables",
            format!("format = 1\nx = {}", "{ a = ".repeat(100_000)).into_bytes(),
            "E002",
        ),
        ("not-utf8", b"format = 1\n\xff\xfe\n".to_vec(), "E001"),
        ("nul", valid.replace("Oslo", "Os\0lo").into_bytes(), "E002"),
        (
            "escaped-nul",
            valid.replace("Oslo", "Os\\u0000lo").into_bytes(),
            "E013",
        ),
        (
            "long-entry",
            valid
                .replace("Wage theft", &"very long ".repeat(100))
                .into_bytes(),
            "W001",
        ),
        (
            "entry-of-a-megabyte",
            valid
                .replace("Wage theft", &"very long ".repeat(100_000))
                .into_bytes(),
            "E024",
        ),
        ("empty", Vec::new(), "E006"),
    ];
    for (label, bytes, code) in cases {
        let diagnostics = validate_text(label, &bytes);
        let found = found(&diagnostics);
        assert!(
            found.iter().any(|(c, _)| c == code),
            "{label}: expected {code}, found {found:?}"
        );
    }
}

#[test]
fn byte_order_mark_and_crlf_are_fine() {
    let valid = valid_submission();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(valid.replace('\n', "\r\n").into_bytes());
    let diagnostics = validate_text("bom-crlf", &bytes);
    assert_eq!(
        diagnostics.errors(),
        0,
        "{}",
        diagnostics.render_human(false)
    );
}

/// A submission as Notepad saves it: CRLF line ends, inside `"""` and `'''` strings too.
const CRLF_SUBMISSION: &str = "format = 1\n[consultation]\nregion = \"North\"\ndate = 2013-06-01\nlocation = \"\"\"Oslo,\nNorway\"\"\"\nhosts = ['''Host\nA''']\n[outcomes]\nobjectives = [\"To meet\"]\n[[workshop]]\ntitle = \"Work\"\nissues = [\"\"\"Recruitment fees\ncharged to workers\"\"\", \"Wage theft\"]\nstrategies = [\"Ban recruitment fees\"]\nagenda = [1, 7]\n";

#[test]
fn crlf_in_multi_line_strings_is_a_line_break_and_lines_stay_right() {
    let root = scratch("crlf-multi-line");
    let report = std::fs::read_to_string(rules_dir().join("report.toml"))
        .unwrap()
        .replace(
            "title = \"Recruitment\"",
            "title = \"\"\"Recruitment\nand fees\"\"\"",
        )
        .replace('\n', "\r\n");
    std::fs::write(root.join("report.toml"), report).unwrap();
    std::fs::create_dir_all(root.join("regions")).unwrap();
    std::fs::write(
        root.join("regions/x.toml"),
        CRLF_SUBMISSION.replace('\n', "\r\n"),
    )
    .unwrap();
    let diagnostics = check(&root, &[]);
    let json = diagnostics.to_json();
    let places: Vec<(String, u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    // Only the unknown agenda point 7, at its line and column in the file as written.
    assert_eq!(
        places,
        [("E009".to_owned(), 16, 14)],
        "{}",
        diagnostics.render_human(false)
    );
    let human = diagnostics.render_human(false);
    assert!(!human.contains('\r'), "{human:?}");
    assert!(human.contains("16 │ agenda = [1, 7]\n"), "{human}");
}

/// Mutates a valid file the ways people and tools break files: deleted, duplicated and swapped
/// lines, characters removed or inserted (quotes, brackets, `=`, control bytes, non-UTF-8).
fn mutate(rng: &mut Rng, text: &[u8]) -> Vec<u8> {
    let mut bytes = text.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(7) {
            0 if !bytes.is_empty() => {
                let end = (at + 1 + rng.below(20)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            1 => {
                let junk: &[u8] = [
                    &b"\""[..],
                    b"[",
                    b"]",
                    b"{",
                    b"=",
                    b"\n",
                    b"\0",
                    b"\xff",
                    b"'''",
                    b"[[workshop]]\n",
                    b"\\u",
                ][rng.below(11)];
                bytes.splice(at..at, junk.iter().copied());
            }
            2 if !bytes.is_empty() => {
                let start = at.min(bytes.len() - 1);
                let end = (start + rng.below(200)).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                let to = rng.below(bytes.len() + 1);
                bytes.splice(to..to, copy);
            }
            3 if !bytes.is_empty() => {
                let i = at.min(bytes.len() - 1);
                bytes[i] = (rng.next_u64() & 0xff) as u8;
            }
            _ => {
                let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
                let mut lines: Vec<Vec<u8>> = lines.into_iter().map(<[u8]>::to_vec).collect();
                if lines.len() > 1 {
                    let a = rng.below(lines.len());
                    let b = rng.below(lines.len());
                    lines.swap(a, b);
                }
                bytes = lines.join(&b'\n');
            }
        }
    }
    bytes
}

#[test]
fn mutated_valid_files_never_panic_and_always_explain() {
    let seeds = [
        std::fs::read(repo_root().join("regions/us-canada.toml")).unwrap(),
        std::fs::read(repo_root().join("regions/west-asia.toml")).unwrap(),
        valid_submission().into_bytes(),
    ];
    let root = scratch("mutations");
    std::fs::copy(repo_root().join("report.toml"), root.join("report.toml")).unwrap();
    std::fs::create_dir_all(root.join("regions")).unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..300 {
        let seed = &seeds[case % seeds.len()];
        let mutated = mutate(&mut rng, seed);
        std::fs::write(root.join("regions/x.toml"), &mutated).unwrap();
        let diagnostics = check(&root, &[]);
        // Same input, same answer; and every error points at a line a host can look at.
        assert_eq!(
            diagnostics.to_json(),
            check(&root, &[]).to_json(),
            "case {case}"
        );
        for d in diagnostics.to_json()["diagnostics"].as_array().unwrap() {
            assert!(
                d["message"].as_str().is_some_and(|m| !m.is_empty()),
                "case {case}: {d}"
            );
            assert!(
                d["help"].as_str().is_some_and(|m| !m.is_empty()),
                "case {case}: no help in {d}"
            );
            if d["file"] == "regions/x.toml" && d["code"] != "E001" {
                assert!(
                    d["line"].as_u64().is_some_and(|l| l >= 1),
                    "case {case}: {d}"
                );
            }
        }
    }
}

#[test]
fn agenda_numbers_are_positive_and_unique() {
    let root = scratch("agenda-numbers");
    let report = std::fs::read_to_string(rules_dir().join("report.toml"))
        .unwrap()
        .replace("number = 1", "number = 0")
        .replace("number = 2", "number = 0");
    std::fs::write(root.join("report.toml"), report).unwrap();
    let submission = rules_dir().join("e012-original-without-language.toml");
    let diagnostics = check(&root, &[submission]);
    let found = found(&diagnostics);
    for expected in [("E018", 6), ("E018", 11), ("E021", 11)] {
        assert!(
            found.contains(&(expected.0.to_owned(), expected.1)),
            "{expected:?} missing from {found:?}"
        );
    }
}

#[test]
fn a_process_lexicon_is_checked_with_its_lines() {
    let root = scratch("lexicon");
    let report = std::fs::read_to_string(rules_dir().join("report.toml")).unwrap();
    let lexicon = "\n[[lexicon.concept]]\nid = \"seafarers\"\nterms = [\"seafarers\", \"fishers\", \"media\"]\nbroader = [\"migrnt\"]\n\n[[lexicon.distinct]]\nid = \"group\"\nmembers = [\"seafarers\", \"chidlren\"]\n";
    std::fs::write(root.join("report.toml"), format!("{report}{lexicon}")).unwrap();
    let submission = root.join("a.toml");
    std::fs::copy(rules_dir().join("w004-cross-cutting.toml"), &submission).unwrap();
    let diagnostics = check(&root, &[submission]);
    let lines = report.lines().count() as u64;
    let found = found(&diagnostics);
    for expected in [
        ("E023", lines + 4),
        ("E022", lines + 5),
        ("E022", lines + 9),
    ] {
        assert!(
            found.contains(&(expected.0.to_owned(), expected.1)),
            "{expected:?} missing from {found:?}"
        );
    }
    insta::assert_snapshot!(diagnostics.render_human(false));
}

#[test]
#[cfg(unix)]
fn files_left_out_of_regions_are_named() {
    let root = copy_project(&fixture("minimal"), "skipped-files");
    let regions = root.join("regions");
    let north = std::fs::read(regions.join("north.toml")).unwrap();
    std::fs::write(regions.join("africa.toml.txt"), &north).unwrap();
    std::fs::create_dir_all(regions.join("drafts")).unwrap();
    std::fs::write(regions.join("drafts/asia.toml"), &north).unwrap();
    std::os::unix::fs::symlink(root.join("nowhere.toml"), regions.join("gone.toml")).unwrap();
    std::fs::write(regions.join("_set-aside.toml"), &north).unwrap();
    let diagnostics = check(&root, &[]);
    let json = diagnostics.to_json();
    let skipped: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "W011")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["help"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let files: Vec<&str> = skipped.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        files,
        [
            "regions/africa.toml.txt",
            "regions/drafts",
            "regions/gone.toml"
        ],
        "{}",
        diagnostics.render_human(false)
    );
    assert!(
        skipped[0].1.contains("rename it to africa.toml"),
        "{skipped:?}"
    );
    assert_eq!(diagnostics.errors(), 0, "only warnings: the build goes on");
}
