//! The command line as a user meets it: exit codes and the messages printed.

mod common;

use std::process::Command;

use common::*;

fn consolidate(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_consolidate"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the binary runs")
}

#[test]
fn build_of_a_broken_project_exits_1_with_the_place_and_help() {
    let root = fixture("broken");
    let out = scratch("cli-broken");
    let output = consolidate(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    insta::assert_snapshot!(stderr);
    assert!(!out.join("report.pdf").exists(), "nothing is written");
}

#[test]
fn build_writes_the_pdf_and_an_account() {
    let root = copy_project(&fixture("minimal"), "cli-build");
    let output = consolidate(&["build", "--root", root.to_str().unwrap()]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("6 entries from 2 regions → 5 consolidated (1 merged)"),
        "{stderr}"
    );
    assert!(root.join("out/report.pdf").is_file());
}

#[test]
fn missing_project_is_a_usage_error() {
    let empty = scratch("cli-empty");
    let output = consolidate(&["build", "--root", empty.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("no report.toml"), "{stderr}");
    assert!(stderr.contains("hint:"), "{stderr}");
}

#[test]
fn review_prints_json_for_tools_and_text_for_people() {
    let root = fixture("consolidation");
    let output = consolidate(&[
        "review",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let review: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(review["suggestions"].as_array().unwrap().len(), 1);
    assert!(
        review["suggestions"][0]["merge"]
            .as_str()
            .unwrap()
            .starts_with("[\"north:issue:")
    );
    let output = consolidate(&["review", "--root", root.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("to merge them, add to `merge = [` in editorial.toml:"),
        "{text}"
    );
}
