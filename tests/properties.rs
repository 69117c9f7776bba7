//! Properties of consolidation over random projects: every input entry lands in exactly one
//! consolidated entry, and the result is the same whatever the order of the entries and files
//! and whatever the number of threads.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test reports a failure"
)]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use common::rng::Rng;
use common::*;
use consolidate::consolidate::merge::{Consolidated, consolidate_entries};
use consolidate::model::editorial::Editorial;
use consolidate::model::entry::{Entry, EntryKind};
use consolidate::model::{DedupSettings, LexiconSettings};
use consolidate::pipeline::prepare::prepare;

/// Concerns that random entries are written about: some share words, so that clusters,
/// near-misses and entries held apart by the linkage floor all happen.
const CONCERNS: [&str; 12] = [
    "criminalisation of migrant workers and immigrant communities",
    "recruitment fees charged to migrant workers leading to debt bondage",
    "abolish the kafala sponsorship system",
    "exclusion of domestic workers from labour law protection",
    "end the immigration detention of children",
    "alternatives to immigration detention for families",
    "reduce the cost of sending remittances",
    "ratification of the 1990 migrant workers convention",
    "ratification of ILO convention 189 on domestic workers",
    "expand temporary labour migration programmes",
    "phase out temporary labour migration programmes",
    "access to justice for migrant workers",
];
const QUALIFIERS: [&str; 6] = [
    "in the Gulf states",
    "including in agriculture",
    "regardless of status",
    "across the region",
    "for women and girls",
    "now",
];

/// One entry's wording, varied the way drafters vary it.
fn wording(rng: &mut Rng) -> String {
    let mut words: Vec<String> = CONCERNS[rng.below(CONCERNS.len())]
        .split(' ')
        .map(str::to_owned)
        .collect();
    match rng.below(5) {
        0 => {
            let i = rng.below(words.len());
            words.remove(i);
        }
        1 => words.push(QUALIFIERS[rng.below(QUALIFIERS.len())].to_owned()),
        2 => words.reverse(),
        3 => {
            for w in &mut words {
                *w = w
                    .replace("labour", "labor")
                    .replace("isation", "ization")
                    .replace("programmes", "programs");
            }
        }
        _ => {}
    }
    let mut text = words.join(" ");
    if rng.below(2) == 0 {
        text = text[..1].to_uppercase() + &text[1..];
    }
    if rng.below(3) == 0 {
        text.push('.');
    }
    text
}

/// A random project: 2 to 5 regions with 0 to 12 entries each.
fn random_entries(rng: &mut Rng) -> (Vec<Entry>, Vec<String>) {
    let regions: Vec<String> = (0..2 + rng.below(4)).map(|r| format!("r{r}")).collect();
    let mut entries = Vec::new();
    for region in &regions {
        for line in 0..rng.below(13) {
            entries.push(Entry {
                kind: if rng.below(3) == 0 {
                    EntryKind::Strategy
                } else {
                    EntryKind::Issue
                },
                region: region.clone(),
                file: format!("regions/{region}.toml"),
                line: line + 1,
                text: wording(rng),
                original: None,
                original_lang: None,
                agenda: vec![[1, 2, 3][rng.below(3)]],
                workshop: None,
                language: "en".to_owned(),
                reference: String::new(),
            });
        }
    }
    (entries, regions)
}

/// The clusters as sets of (region, kind, text), independent of lines and of order.
fn clusters(consolidated: &Consolidated) -> Vec<Vec<(String, EntryKind, String)>> {
    let mut clusters: Vec<Vec<(String, EntryKind, String)>> = consolidated
        .entries
        .iter()
        .map(|e| {
            let mut members: Vec<_> = e
                .sources
                .iter()
                .map(|s| (s.region.clone(), e.kind, s.text.clone()))
                .collect();
            members.sort();
            members
        })
        .collect();
    clusters.sort();
    clusters
}

/// Every input entry exactly once in the output.
fn assert_nothing_lost(input: &[Entry], consolidated: &Consolidated) {
    let key = |e: &Entry| (e.region.clone(), e.kind, e.line, e.text.clone());
    let mut expected: BTreeMap<_, usize> = BTreeMap::new();
    for entry in input {
        *expected.entry(key(entry)).or_default() += 1;
    }
    let mut found: BTreeMap<_, usize> = BTreeMap::new();
    for entry in &consolidated.entries {
        for source in &entry.sources {
            assert_eq!(source.kind, entry.kind, "issues and strategies never mix");
            *found.entry(key(source)).or_default() += 1;
        }
    }
    assert_eq!(found, expected);
}

#[test]
fn nothing_is_lost_and_order_and_threads_change_nothing() {
    let settings = DedupSettings::default();
    let editorial = Editorial::default();
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mut merged_somewhere = false;
    for seed in 1..=200u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let (entries, regions) = random_entries(&mut rng);
        let first = consolidate_entries(
            entries.clone(),
            &regions,
            &settings,
            &LexiconSettings::default(),
            &editorial,
        );
        assert_nothing_lost(&entries, &first);
        merged_somewhere |= first.entries.len() < entries.len();

        // The same entries, each submission reordered (new lines) and the files shuffled.
        let mut reordered = entries.clone();
        rng.shuffle(&mut reordered);
        let mut next_line: BTreeMap<String, usize> = BTreeMap::new();
        for entry in &mut reordered {
            let line = next_line.entry(entry.region.clone()).or_default();
            *line += 1;
            entry.line = *line;
        }
        let second = one_thread.install(|| {
            consolidate_entries(
                reordered.clone(),
                &regions,
                &settings,
                &LexiconSettings::default(),
                &editorial,
            )
        });
        assert_nothing_lost(&reordered, &second);
        assert_eq!(clusters(&first), clusters(&second), "seed {seed}");
        let texts = |c: &Consolidated| c.entries.iter().map(|e| e.text.clone()).collect::<Vec<_>>();
        let mut a = texts(&first);
        let mut b = texts(&second);
        a.sort();
        b.sort();
        assert_eq!(a, b, "the same wordings are printed, seed {seed}");
        assert_eq!(
            first.suggestions.len(),
            second.suggestions.len(),
            "seed {seed}"
        );
    }
    assert!(merged_somewhere, "the random projects exercise merging");
}

/// Writes a random project as real files, so that the loader, the check the build runs and
/// the file order all take part.
fn write_project(root: &std::path::Path, entries: &[Entry], regions: &[String]) {
    std::fs::create_dir_all(root.join("regions")).unwrap();
    std::fs::write(
        root.join("report.toml"),
        "format = 1\ntitle = \"Random\"\ndate = 2013-07-15\n\n[[agenda]]\nnumber = 1\ncluster = \"A\"\ntitle = \"One\"\n\n[[agenda]]\nnumber = 2\ncluster = \"A\"\ntitle = \"Two\"\n\n[[agenda]]\nnumber = 3\ncluster = \"B\"\ntitle = \"Three\"\n",
    )
    .unwrap();
    for (i, region) in regions.iter().enumerate() {
        let mut text = format!(
            "format = 1\n\n[consultation]\nregion = \"{region}\"\ndate = 2013-06-{:02}\nlocation = \"Somewhere\"\nhosts = [\"Host\"]\n\n[[workshop]]\ntitle = \"Work\"\n",
            i + 1
        );
        let entry_line =
            |e: &Entry| format!("  {{ text = {:?}, agenda = {:?} }},\n", e.text, e.agenda);
        for (key, kind) in [
            ("issues", EntryKind::Issue),
            ("strategies", EntryKind::Strategy),
        ] {
            writeln!(text, "{key} = [").unwrap();
            for entry in entries
                .iter()
                .filter(|e| &e.region == region && e.kind == kind)
            {
                text.push_str(&entry_line(entry));
            }
            text.push_str("]\n");
        }
        std::fs::write(root.join(format!("regions/{region}.toml")), text).unwrap();
    }
}

#[test]
fn projects_on_disk_consolidate_the_same_after_their_entries_are_reordered() {
    for seed in 1..=8u64 {
        let mut rng = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let (entries, regions) = random_entries(&mut rng);
        let first_root = scratch("random-project");
        write_project(&first_root, &entries, &regions);
        let mut reordered = entries.clone();
        rng.shuffle(&mut reordered);
        let second_root = scratch("random-project-reordered");
        write_project(&second_root, &reordered, &regions);
        // prepare() runs the nothing-lost check that every build runs.
        let first = prepare(&first_root, false).expect("the random project builds");
        let second = prepare(&second_root, false).expect("the reordered project builds");
        let total: usize = first
            .consolidated
            .entries
            .iter()
            .map(|e| e.sources.len())
            .sum();
        assert_eq!(total, entries.len(), "seed {seed}");
        assert_eq!(
            clusters(&first.consolidated),
            clusters(&second.consolidated),
            "seed {seed}"
        );
    }
}

/// A fixture's text as UTF-8 with LF line ends, whatever it was saved as (the `notepad`
/// fixture is already in Windows' encodings: UTF-16 LE with a BOM, CRLF).
fn plain_text(bytes: &[u8]) -> String {
    let text = match bytes {
        [0xFF, 0xFE, rest @ ..] => String::from_utf16(
            &rest
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                .collect::<Vec<_>>(),
        )
        .unwrap(),
        _ => String::from_utf8(bytes.to_vec()).unwrap(),
    };
    text.replace("\r\n", "\n")
}

/// A file's text as Windows editors save it: each variant must read exactly as the original.
fn encodings(text: &str) -> Vec<(&'static str, Vec<u8>)> {
    let crlf = text.replace('\n', "\r\n");
    let utf16 = |bom: [u8; 2], unit: fn(u16) -> [u8; 2]| -> Vec<u8> {
        bom.into_iter()
            .chain(crlf.encode_utf16().flat_map(unit))
            .collect()
    };
    vec![
        ("crlf", crlf.clone().into_bytes()),
        (
            "bom",
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        ),
        (
            "bom-crlf",
            [b"\xEF\xBB\xBF".as_slice(), crlf.as_bytes()].concat(),
        ),
        ("utf16le", utf16([0xFF, 0xFE], u16::to_le_bytes)),
        ("utf16be", utf16([0xFE, 0xFF], u16::to_be_bytes)),
    ]
}

/// Rewrites every .toml file of a project (report.toml, regions/, editorial.toml) in one
/// encoding variant.
fn rewrite_project(root: &std::path::Path, variant: usize) {
    let mut files = vec![root.join("report.toml")];
    for entry in std::fs::read_dir(root.join("regions")).unwrap() {
        files.push(entry.unwrap().path());
    }
    for file in files {
        if file.extension().is_some_and(|e| e == "toml") {
            let text = plain_text(&std::fs::read(&file).unwrap());
            std::fs::write(&file, &encodings(&text)[variant].1).unwrap();
        }
    }
}

/// What a user sees of a project: the consolidated JSON when it prepares, and the diagnostics
/// of `validate` with their lines and columns.
fn seen(root: &std::path::Path) -> (String, serde_json::Value) {
    let json = match prepare(root, false) {
        Ok(prepared) => consolidate::pipeline::write::consolidated_json(
            &prepared.project,
            &prepared.consolidated,
            &[],
            None,
        )
        .unwrap(),
        Err(consolidate::Error::Input(_)) => String::new(),
        Err(other) => panic!("{other}"),
    };
    let diagnostics = consolidate::pipeline::prepare::validate(root, &[], false).unwrap();
    (json, diagnostics.to_json())
}

#[test]
fn crlf_bom_and_utf16_variants_of_every_fixture_read_the_same() {
    let fixtures = std::fs::read_dir(repo_root().join("tests/fixtures")).unwrap();
    let mut checked = 0;
    let mut prepared_ones = 0;
    for fixture in fixtures {
        let path = fixture.unwrap().path();
        if !path.join("report.toml").is_file() || !path.join("regions").is_dir() {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let original = copy_project(&path, &format!("encodings-{name}"));
        let expected = seen(&original);
        prepared_ones += usize::from(!expected.0.is_empty());
        for (variant, (label, _)) in encodings("").iter().enumerate() {
            let root = copy_project(&path, &format!("encodings-{name}-{label}"));
            rewrite_project(&root, variant);
            let (json, diagnostics) = seen(&root);
            assert_eq!(
                json, expected.0,
                "{name} as {label}: consolidated.json differs"
            );
            assert_eq!(
                diagnostics, expected.1,
                "{name} as {label}: diagnostics differ"
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 5 && prepared_ones >= 3,
        "{checked} fixtures, {prepared_ones} valid"
    );
}

#[test]
fn suggest_from_never_changes_what_merges_in_random_projects() {
    let default = DedupSettings::default();
    let mut highest = DedupSettings::default();
    highest.suggest_from = toml::Spanned::new(0..0, highest.threshold());
    let editorial = Editorial::default();
    for seed in 1..=200u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let (entries, regions) = random_entries(&mut rng);
        let run = |settings: &DedupSettings| {
            consolidate_entries(
                entries.clone(),
                &regions,
                settings,
                &LexiconSettings::default(),
                &editorial,
            )
        };
        assert_eq!(
            clusters(&run(&default)),
            clusters(&run(&highest)),
            "seed {seed}: suggest_from = threshold changed what merges"
        );
    }
}
