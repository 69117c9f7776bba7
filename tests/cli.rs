//! The command line as a user meets it: exit codes and the messages printed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test reports a failure"
)]

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// `consolidate build` of the project at `root`, writing to `out`.
fn build_into(root: &Path, out: &Path) -> std::process::Output {
    consolidate(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn build_of_a_broken_project_exits_1_with_the_place_and_help() {
    let root = fixture("broken");
    let out = scratch("cli-broken");
    let output = build_into(&root, &out);
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
fn out_naming_a_file_says_so_before_any_work() {
    let scratch = scratch("cli-out-file");
    let file = scratch.join("report.pdf");
    std::fs::write(&file, b"not a folder").unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let output = consolidate(&["build", "--root", root, "--out", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("is a file"), "{stderr}");
    assert!(!stderr.contains("already exists"), "{stderr}");
    assert!(stderr.contains("hint: give --out a folder"), "{stderr}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"not a folder",
        "the file is untouched"
    );
}

#[test]
#[cfg(unix)]
fn a_dangling_link_or_a_fifo_named_to_validate_is_named_as_such() {
    let scratch = scratch("cli-odd-files");
    let link = scratch.join("gone.toml");
    std::os::unix::fs::symlink(scratch.join("nowhere.toml"), &link).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let output = consolidate(&["validate", "--root", root, link.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    let fifo = scratch.join("pipe.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let output = consolidate(&["validate", "--root", root, fifo.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("not a regular file"), "{stderr}");
        assert!(!stderr.contains("not found"), "{stderr}");
    }
}

#[test]
fn completions_generate_for_bash_zsh_and_fish() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef consolidate"),
        ("fish", "complete -c consolidate"),
    ] {
        let output = consolidate(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(
            script.contains(marker),
            "{shell}: no `{marker}` in the script"
        );
        assert!(
            script.contains("validate") && script.contains("build"),
            "{shell}: subcommands listed"
        );
    }
}

/// The subcommands `consolidate --help` lists, in its order (`help` included).
fn subcommands_in_help() -> Vec<String> {
    let output = consolidate(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8(output.stdout).unwrap();
    let section = help
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section");
    section
        .lines()
        .map_while(|line| line.strip_prefix("  "))
        .filter(|line| !line.starts_with(' '))
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn man_page_documents_every_subcommand() {
    let listed = subcommands_in_help();
    for command in [
        "build",
        "review",
        "validate",
        "init",
        "watch",
        "fonts",
        "schema",
        "completions",
        "man",
    ] {
        assert!(
            listed.iter().any(|c| c == command),
            "`{command}` is not in --help: {listed:?}"
        );
    }
    let output = consolidate(&["man"]);
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.contains(".TH consolidate"), "a roff page");
    let section = page
        .split(".SH SUBCOMMANDS\n")
        .nth(1)
        .and_then(|rest| rest.split("\n.SH ").next())
        .expect("a SUBCOMMANDS section");
    for command in &listed {
        // clap_mangen gives each subcommand a tagged paragraph: its page's name, then its summary.
        let entry = format!(".TP\nconsolidate\\-{command}(1)\n");
        assert!(
            section.contains(&entry),
            "the manual page lacks `{command}`, which --help lists:\n{section}"
        );
    }
}

#[test]
fn validate_json_is_one_object_with_counts() {
    let root = fixture("five-problems");
    let output = consolidate(&[
        "--root",
        root.to_str().unwrap(),
        "validate",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["errors"], 5);
    let first = &json["diagnostics"][0];
    for field in [
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "severity",
        "code",
        "message",
        "help",
    ] {
        assert!(!first[field].is_null(), "{field} is set");
    }
}

#[test]
fn strict_turns_warnings_into_errors() {
    let rules = fixture("rules");
    let file = rules.join("w003-repeated-entry.toml");
    let lenient = consolidate(&[
        "--root",
        rules.to_str().unwrap(),
        "validate",
        file.to_str().unwrap(),
    ]);
    assert_eq!(lenient.status.code(), Some(0));
    let strict = consolidate(&[
        "--root",
        rules.to_str().unwrap(),
        "validate",
        "--strict",
        file.to_str().unwrap(),
    ]);
    assert_eq!(strict.status.code(), Some(1));
}

/// Waits until `check` holds, polling; gives up after a minute.
fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_mins(1);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn watch_rebuilds_when_a_region_changes() {
    let root = copy_project(&fixture("minimal"), "cli-watch");
    let pdf = root.join("out/report.pdf");
    let mut child = Command::new(env!("CARGO_BIN_EXE_consolidate"))
        .args(["watch", "--root", root.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_until("the first build", || pdf.is_file());
    let first = std::fs::read(&pdf).unwrap();
    assert!(!pdf_text(&first).contains("Passportsconfiscatedbyemployers"));

    // Save the way many editors do: write a temporary file, then rename it over the original.
    let region = root.join("regions/north.toml");
    let text = std::fs::read_to_string(&region).unwrap();
    let temp = root.join("regions/.north.toml.tmp");
    std::fs::write(
        &temp,
        text.replace("\"Wage theft\"", "\"Passports confiscated by employers\""),
    )
    .unwrap();
    std::fs::rename(&temp, &region).unwrap();

    wait_until("the rebuild", || {
        std::fs::read(&pdf).is_ok_and(|now| {
            now != first && pdf_text(&now).contains("Passportsconfiscatedbyemployers")
        })
    });
    child.kill().unwrap();
    child.wait().unwrap();
}

/// The stages a `--timings` table names, in its order, after checking the exit code.
fn timed_stages(args: &[&str]) -> Vec<String> {
    let output = consolidate(args);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let table = stderr.split("timings:\n").nth(1).expect("a timings table");
    table
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn timings_name_every_stage() {
    let root = copy_project(&fixture("minimal"), "cli-timings");
    let root = root.to_str().unwrap();
    assert_eq!(
        timed_stages(&["build", "--timings", "--root", root]),
        [
            "load", "validate", "merge", "render", "typeset", "write", "total"
        ]
    );
    assert_eq!(
        timed_stages(&["validate", "--timings", "--root", root]),
        // The whole project's validation applies the editors' decisions, as `build` does.
        ["load", "validate", "merge", "total"]
    );
}

#[test]
fn a_failed_write_names_the_file_and_leaves_the_last_outputs_as_they_were() {
    let root = copy_project(&fixture("minimal"), "cli-write-fails");
    let root_arg = root.to_str().unwrap();
    let out = root.join("out");
    let first = consolidate(&["build", "--quiet", "--root", root_arg]);
    assert_eq!(first.status.code(), Some(0));
    let earlier: Vec<(&str, Vec<u8>)> = ["consolidated.json", "report.typ"]
        .into_iter()
        .map(|name| (name, std::fs::read(out.join(name)).unwrap()))
        .collect();

    // The next build has different outputs to write...
    let region = root.join("regions/north.toml");
    let text = std::fs::read_to_string(&region).unwrap();
    std::fs::write(
        &region,
        text.replace("\"Wage theft\"", "\"Wages withheld\""),
    )
    .unwrap();
    // ...but a folder stands where the PDF goes, so the PDF cannot take its place (a read-only
    // folder would not do: the tests may run as root, who can write anywhere).
    let pdf = out.join("report.pdf");
    std::fs::remove_file(&pdf).unwrap();
    std::fs::create_dir(&pdf).unwrap();

    let output = consolidate(&["build", "--root", root_arg]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("error: failed to write {}", pdf.display())),
        "{stderr}"
    );
    let mut left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["consolidated.json", "report.pdf", "report.typ"],
        "no temporary or half-written file is left"
    );
    assert!(pdf.is_dir());
    for (name, bytes) in earlier {
        assert!(
            std::fs::read(out.join(name)).unwrap() == bytes,
            "{name} is still the last good build's"
        );
    }
}

#[test]
fn quiet_prints_nothing_on_success() {
    let root = copy_project(&fixture("minimal"), "cli-quiet");
    let output = consolidate(&["build", "--quiet", "--root", root.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "");
}

#[test]
fn fonts_lists_the_bundled_fonts_and_their_scripts() {
    let output = consolidate(&["fonts"]);
    assert_eq!(output.status.code(), Some(0));
    let table = String::from_utf8(output.stdout).unwrap();
    let arabic = table
        .lines()
        .find(|l| l.starts_with("Noto Naskh Arabic"))
        .expect("the Arabic font");
    assert!(
        arabic.contains("Arabic") && arabic.contains("built in"),
        "{arabic}"
    );
    let serif = table
        .lines()
        .find(|l| l.starts_with("Noto Serif"))
        .expect("the text font");
    assert!(
        serif.contains("Latin") && !serif.contains("Chinese"),
        "{serif}"
    );
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
    let suggestions = review["suggestions"].as_array().unwrap();
    assert!(!suggestions.is_empty());
    // A line to paste, with the references of the entries it joins.
    assert!(
        suggestions
            .iter()
            .any(|s| { s["merge"].as_str().unwrap().starts_with("[\"north:issue:") })
    );
    // Every suggestion names the entries on both sides, for tools that apply decisions.
    for suggestion in suggestions {
        for side in suggestion["closest"].as_array().unwrap() {
            assert_eq!(side["reference"].as_str().unwrap().split(':').count(), 3);
        }
        assert!(suggestion["first"]["text"].is_string());
        assert!(suggestion["second"]["text"].is_string());
    }
    let output = consolidate(&["review", "--root", root.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("to merge them, add to `merge = [` in editorial.toml:"),
        "{text}"
    );
}

#[test]
fn review_json_with_a_broken_editorial_file_is_still_json() {
    let root = copy_project(&fixture("consolidation"), "cli-review-broken");
    std::fs::write(
        root.join("editorial.toml"),
        "merge = [[\"north:issue:1\"]]\nmerge = 1\n",
    )
    .unwrap();
    let output = consolidate(&[
        "review",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    let problems = json["diagnostics"].as_array().unwrap();
    assert!(!problems.is_empty());
    assert!(
        problems.iter().all(|d| d["file"] == "editorial.toml"),
        "{json}"
    );
    assert!(json["errors"].as_u64().unwrap() >= 1);
}

#[test]
fn init_refuses_a_folder_that_is_not_a_project_and_never_overwrites() {
    let root = scratch("cli-init");
    let output = consolidate(&["init", "west-asia", "--root", root.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no report.toml"), "{stderr}");
    assert!(
        std::fs::read_dir(&root).unwrap().next().is_none(),
        "nothing is created under a folder that is not a project"
    );
    std::fs::copy(repo_root().join("report.toml"), root.join("report.toml")).unwrap();
    let output = consolidate(&["init", "west-asia", "--root", root.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    std::fs::write(root.join("regions/west-asia.toml"), "mine").unwrap();
    let output = consolidate(&["init", "west-asia", "--root", root.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(root.join("regions/west-asia.toml")).unwrap(),
        "mine"
    );
}

#[test]
fn a_failed_typesetting_says_the_earlier_outputs_are_kept_not_that_nothing_was_written() {
    let root = copy_project(&fixture("minimal"), "cli-failed-typesetting");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/style.typ"),
        "#let broken = undefined-thing\n",
    )
    .unwrap();
    let output = consolidate(&["build", "--root", root.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the earlier outputs are kept") && !stderr.contains("nothing was written"),
        "{stderr}"
    );
    assert!(root.join("out/report.failed.typ").is_file());
}

/// What Notepad on Windows writes, as a committed project: a CRLF file with multi-line strings
/// and a tab, a UTF-16 file with a byte-order mark, `east.toml.txt` (the hidden extension)
/// and a file in a sub-folder.
#[test]
fn a_project_saved_by_notepad_builds_and_names_the_files_it_does_not_read() {
    let root = fixture("notepad");
    let out = scratch("cli-notepad");
    let output = build_into(&root, &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stderr}");
    let said = format!("{stdout}{stderr}");
    assert!(said.contains("read 2 regions: north, south"), "{said}");
    assert!(said.contains("regions/east.toml.txt"), "{said}");
    assert!(said.contains("rename it to east.toml"), "{said}");
    assert!(said.contains("regions/archive"), "{said}");
    let json = std::fs::read_to_string(out.join("consolidated.json")).unwrap();
    let typ = std::fs::read_to_string(out.join("report.typ")).unwrap();
    assert!(
        !json.contains('\r') && !typ.contains('\r'),
        "no CR reaches the outputs"
    );
    assert!(
        json.contains("Ban recruitment\\nfees"),
        "a multi-line string is one text"
    );
    assert!(json.contains("São Paulo"), "the UTF-16 file is decoded");
    assert!(
        typ.contains("Recruitment fees charged to workers"),
        "the tab prints as a space"
    );
    let text = pdf_text(&std::fs::read(out.join("report.pdf")).unwrap());
    assert!(text.contains(&squash("Exclusion of domestic workers from labour laws")));
}
