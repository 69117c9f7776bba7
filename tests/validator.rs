//! `consolidate validator`: the page judges a submission exactly as `validate` does, carries
//! the project's own `report.toml` and the committed WebAssembly, and can reach nothing. The
//! page itself runs in a browser in `.ci/browser`; these tests check what needs only Cargo.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test reports a failure"
)]

mod common;

use std::path::{Path, PathBuf};

use base64::Engine as _;
use common::*;
use consolidate::pipeline::check::check_submission;
use consolidate::pipeline::prepare::validate;
use consolidate::pipeline::validator::{VALIDATOR_WASM, write_validator};

/// Every submission file among the rule fixtures, those in folders one by one.
fn rule_fixture_files() -> Vec<PathBuf> {
    let rules = fixture("rules");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&rules).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.file_name().unwrap() != "report.toml" {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn name_in(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn a_submission_checked_in_memory_gets_what_validate_gives_for_its_file() {
    let rules = fixture("rules");
    let report = std::fs::read(rules.join("report.toml")).unwrap();
    let files = rule_fixture_files();
    assert!(files.len() >= 20, "the rule fixtures are found");
    for path in &files {
        let on_disk = validate(&rules, std::slice::from_ref(path), false).unwrap();
        let bytes = std::fs::read(path).unwrap();
        let in_memory = check_submission("report.toml", &report, &name_in(&rules, path), &bytes);
        assert_eq!(
            in_memory.diagnostics.to_json(),
            on_disk.to_json(),
            "{}",
            path.display()
        );
        assert_eq!(
            in_memory.preview.is_some(),
            !on_disk.has_errors(),
            "a preview exactly when nothing is an error: {}",
            path.display()
        );
    }
}

#[test]
fn the_shipped_submissions_are_previewed_with_every_entry() {
    let root = repo_root();
    let report = std::fs::read(root.join("report.toml")).unwrap();
    let path = root.join("regions/us-canada.toml");
    let checked = check_submission(
        "report.toml",
        &report,
        "regions/us-canada.toml",
        &std::fs::read(&path).unwrap(),
    );
    assert_eq!(
        checked.diagnostics.to_json(),
        validate(&root, &[path], false).unwrap().to_json()
    );
    let preview = checked
        .preview
        .expect("the shipped submission has no error");
    assert_eq!(preview.region, "United States and Canada");
    let filed: usize = preview
        .points
        .iter()
        .map(|p| p.entries.len())
        .sum::<usize>()
        + preview.cross_cutting.len();
    assert!(filed > 0);
    assert!(
        preview
            .points
            .iter()
            .all(|p| p.entries.iter().all(|e| e.line > 0))
    );
}

/// The text of `<script ... id="ID">…</script>` in the page.
fn script_text<'a>(page: &'a str, id: &str) -> &'a str {
    let open = format!("id=\"{id}\">");
    let start = page.find(&open).unwrap() + open.len();
    let end = start + page[start..].find("</script>").unwrap();
    &page[start..end]
}

#[test]
fn the_page_carries_the_report_and_the_committed_webassembly_and_reaches_nothing() {
    let root = repo_root();
    let out = scratch("validator-page");
    let path = write_validator(&root, &out).unwrap();
    assert_eq!(path, out.join("validator.html"));
    let page = std::fs::read_to_string(&path).unwrap();
    assert!(page.len() < 3_000_000, "the page is {} bytes", page.len());

    let report: serde_json::Value =
        serde_json::from_str(script_text(&page, "report-toml")).unwrap();
    assert_eq!(
        report["text"].as_str().unwrap(),
        std::fs::read_to_string(root.join("report.toml")).unwrap()
    );
    let wasm = base64::engine::general_purpose::STANDARD
        .decode(script_text(&page, "validator-wasm").trim())
        .unwrap();
    assert_eq!(wasm, VALIDATOR_WASM);
    assert!(wasm.starts_with(b"\0asm"), "a WebAssembly module");

    let csp = page
        .split("http-equiv=\"Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page sets a Content-Security-Policy");
    for directive in [
        "default-src 'none'",
        "connect-src 'none'",
        "form-action 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    for attribute in [" src=", " href=", "url(", "@import", "http:", "https:"] {
        assert!(
            !page.contains(attribute),
            "the page loads nothing from elsewhere: {attribute}"
        );
    }
    assert!(!page.contains("{{"), "every value is filled in");
}

#[test]
fn markup_in_the_report_title_stays_text_in_the_page() {
    let root = copy_project(&fixture("minimal"), "validator-markup");
    let settings = root.join("report.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    let title_line = text.lines().find(|l| l.starts_with("title")).unwrap();
    let hostile = "title = \"</script><script>alert(1)</script> {{wasm}}\"";
    std::fs::write(&settings, text.replace(title_line, hostile)).unwrap();
    let page = std::fs::read_to_string(write_validator(&root, &root.join("out")).unwrap()).unwrap();
    assert_eq!(
        page.matches("<script>").count(),
        1,
        "only the page's own script"
    );
    assert!(page.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; {{wasm}}"));
    let report: serde_json::Value =
        serde_json::from_str(script_text(&page, "report-toml")).unwrap();
    assert!(report["text"].as_str().unwrap().contains(hostile));
}

#[test]
fn a_report_toml_with_errors_gives_no_page() {
    let root = copy_project(&fixture("minimal"), "validator-broken-report");
    std::fs::write(root.join("report.toml"), "format = 2\n").unwrap();
    let out = root.join("out");
    let err = write_validator(&root, &out).unwrap_err();
    assert_eq!(err.exit_code(), 1, "{err}");
    assert!(!out.join("validator.html").exists());
}

#[test]
fn the_command_says_where_the_page_is_and_what_to_do_with_it() {
    let root = copy_project(&fixture("minimal"), "validator-cli");
    let output = consolidate(&["validator", "--root", root.to_str().unwrap()]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(root.join("out/validator.html").is_file());
    insta::assert_snapshot!(stderr.replace(root.to_str().unwrap(), "ROOT"));
}

#[test]
fn the_file_in_the_readme_picture_has_three_problems() {
    let path = fixture("validator/three-problems.toml");
    let diagnostics = validate(&repo_root(), &[path], false).unwrap();
    let codes: Vec<&str> = diagnostics
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["E011", "W002", "E009"]);
}
