//! How consolidation scales: normalising, indexing, scoring and clustering 25k, 50k and 100k
//! synthetic entries, on two corpora: `random` (families of one to six variants of a wording,
//! a vocabulary that grows with the corpus) and `near-copies` (the hostile case: every entry
//! is a light variant of one of a few hundred concerns, so that hundreds of entries share
//! every word). The target is at most 5 s at 100k on a 2-core machine, and at most 2.5× the
//! time per doubling (near-linear), on both; no test asserts a duration, this bench measures
//! it.

//!
//! Run with `cargo bench --profile release --bench clustering` (the release profile reuses the
//! release build); add `-- --measurement-time 20` for steadier figures, and `BENCH_SIZES=...`
//! for other sizes.

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the corpus sizes are small positive numbers"
)]

use std::hint::black_box;
use std::time::Duration;

use consolidate::consolidate::merge::consolidate_entries;
use consolidate::model::editorial::Editorial;
use consolidate::model::entry::{Entry, EntryKind};
use consolidate::model::{DedupSettings, LexiconSettings};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

// The one seeded generator of the tests and the benchmark: the same entries on every run.
#[path = "../tests/support/rng.rs"]
mod rng;

use rng::Rng;

/// A vocabulary of made-up English-looking words with suffixes the stemmer works on.
fn vocabulary(rng: &mut Rng, size: usize) -> Vec<String> {
    const ONSETS: [&str; 16] = [
        "b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "tr", "st", "pl",
    ];
    const VOWELS: [&str; 6] = ["a", "e", "i", "o", "u", "ou"];
    const SUFFIXES: [&str; 7] = ["", "s", "ing", "ation", "ed", "ment", "ity"];
    (0..size)
        .map(|_| {
            let mut word = String::new();
            for _ in 0..2 + rng.below(3) {
                word.push_str(ONSETS[rng.below(ONSETS.len())]);
                word.push_str(VOWELS[rng.below(VOWELS.len())]);
            }
            word.push_str(SUFFIXES[rng.below(SUFFIXES.len())]);
            word
        })
        .collect()
}

/// `n` entries from six regions: families of one to six entries that share a base wording,
/// each member varied as drafters vary it (a word dropped, a qualifier added, words reordered,
/// a word's inflection changed), with common words everywhere.
fn synthetic_entries(n: usize) -> (Vec<Entry>, Vec<String>) {
    let regions: Vec<String> = (0..6).map(|r| format!("region-{r}")).collect();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    // Vocabulary grows with the corpus as Heaps' law has it (V ∝ n^0.6): more consultations
    // bring more place names, organisations and turns of phrase, not only more of the same
    // words. 30,000 words at 25k entries.
    let size = (70.0 * (n as f64).powf(0.6)) as usize;
    let words = vocabulary(&mut rng, size);
    let mut entries = Vec::with_capacity(n);
    let mut line = vec![0usize; regions.len()];
    while entries.len() < n {
        let base: Vec<usize> = (0..5 + rng.below(8))
            .map(|_| rng.skewed(words.len()))
            .collect();
        let kind = if rng.below(2) == 0 {
            EntryKind::Issue
        } else {
            EntryKind::Strategy
        };
        let family = 1 + rng.skewed(6);
        for _ in 0..family.min(n - entries.len()) {
            let mut member = base.clone();
            match rng.below(4) {
                0 if member.len() > 3 => {
                    member.remove(rng.below(member.len()));
                }
                1 => member.push(rng.skewed(words.len())),
                2 => member.reverse(),
                _ => {}
            }
            let mut text: Vec<String> = member.iter().map(|&w| words[w].clone()).collect();
            let changed = rng.below(text.len());
            text[changed].push('s');
            let region = rng.below(regions.len());
            line[region] += 1;
            entries.push(entry(
                kind,
                &regions[region],
                line[region],
                text.join(" "),
                &mut rng,
            ));
        }
    }
    (entries, regions)
}

/// One synthetic entry of `region`, at `line` of its file, under a random agenda point.
fn entry(kind: EntryKind, region: &str, line: usize, text: String, rng: &mut Rng) -> Entry {
    Entry {
        kind,
        region: region.to_owned(),
        file: format!("regions/{region}.toml"),
        line,
        text,
        original: None,
        original_lang: None,
        agenda: vec![1 + i64::try_from(rng.below(8)).unwrap_or(0)],
        workshop: None,
        language: "en".to_owned(),
        reference: String::new(),
    }
}

/// A corpus of `n` entries and the ids of its regions.
type Generator = fn(usize) -> (Vec<Entry>, Vec<String>);

/// The concerns every near-copy is a variant of.
const NEAR_COPY_CONCERNS: usize = 300;

/// `n` entries that are light variants of [`NEAR_COPY_CONCERNS`] concerns: each a concern's
/// wording with, at random, a word dropped, a word of a small set of qualifiers added, a word
/// changed in its inflection, or nothing changed, from one of six regions.
fn near_copy_entries(n: usize) -> (Vec<Entry>, Vec<String>) {
    let regions: Vec<String> = (0..6).map(|r| format!("region-{r}")).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let words = vocabulary(&mut rng, 3_000);
    let qualifiers = vocabulary(&mut rng, 40);
    let concerns: Vec<(EntryKind, Vec<usize>)> = (0..NEAR_COPY_CONCERNS)
        .map(|c| {
            let kind = if c % 2 == 0 {
                EntryKind::Issue
            } else {
                EntryKind::Strategy
            };
            (
                kind,
                (0..6 + rng.below(7))
                    .map(|_| rng.below(words.len()))
                    .collect(),
            )
        })
        .collect();
    let mut line = vec![0usize; regions.len()];
    let entries = (0..n)
        .map(|_| {
            let (kind, base) = &concerns[rng.below(concerns.len())];
            let mut text: Vec<String> = base.iter().map(|&w| words[w].clone()).collect();
            match rng.below(4) {
                0 => {
                    text.remove(rng.below(text.len()));
                }
                1 => {
                    let at = rng.below(text.len() + 1);
                    text.insert(at, qualifiers[rng.below(qualifiers.len())].clone());
                }
                2 => {
                    let at = rng.below(text.len());
                    text[at].push('s');
                }
                _ => {}
            }
            let region = rng.below(regions.len());
            line[region] += 1;
            entry(
                *kind,
                &regions[region],
                line[region],
                text.join(" "),
                &mut rng,
            )
        })
        .collect();
    (entries, regions)
}

fn clustering(c: &mut Criterion) {
    let settings = DedupSettings::default();
    let editorial = Editorial::default();
    let lexicon = LexiconSettings::default();
    let mut group = c.benchmark_group("consolidate_entries");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    // `BENCH_SIZES=2500,5000` measures other sizes, e.g. to look at a curve quickly.
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES").map_or_else(
        |_| vec![25_000, 50_000, 100_000],
        |list| {
            list.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        },
    );
    let corpora: [(&str, Generator); 2] = [
        ("random", synthetic_entries),
        ("near-copies", near_copy_entries),
    ];
    for (corpus, generate) in corpora {
        for &n in &sizes {
            let (entries, regions) = generate(n);
            group.bench_with_input(BenchmarkId::new(corpus, n), &entries, |b, entries| {
                b.iter(|| {
                    black_box(consolidate_entries(
                        entries.clone(),
                        &regions,
                        &settings,
                        &lexicon,
                        &editorial,
                    ))
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, clustering);
criterion_main!(benches);
