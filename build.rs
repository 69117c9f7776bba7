//! Derives the British/American spelling table that normalisation uses from VarCon, the
//! maintained variant list of the SCOWL project (through the `varcon` crate), so that
//! "criminalisation" and "criminalization", "labour" and "labor" count as one word.
//!
//! The crate's data is 12 MB of Rust source; only the few thousand pairs we need are written
//! to `OUT_DIR/spelling_variants.rs`, as a sorted table that the binary searches. The full list
//! stays out of the binary.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use varcon::{Category, Tag};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let table = spelling_table();
    let mut source = String::new();
    source.push_str(
        "/// British and other non-American spellings, each with the American one, sorted.\n",
    );
    source.push_str("pub(crate) static SPELLING_VARIANTS: &[(&str, &str)] = &[\n");
    for (variant, american) in &table {
        writeln!(source, "    ({variant:?}, {american:?}),").expect("writing to a string");
    }
    source.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("spelling_variants.rs"), source).expect("OUT_DIR is writable");
}

/// Every variant spelling mapped to the American spelling of its entry.
///
/// A word is only mapped when it is unambiguous: its entries all agree on one American form,
/// and it is not itself the American spelling of some other word (VarCon lists "analyses" as a
/// British variant of "analyzes", but it is also the plural of "analysis"). Only plain
/// alphabetic words are kept, because normalisation splits words at apostrophes and hyphens.
fn spelling_table() -> BTreeMap<String, String> {
    let mut candidates: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut american: BTreeSet<String> = BTreeSet::new();
    for cluster in varcon::VARCON {
        for entry in cluster.entries {
            let is_american = |types: &[varcon::Type]| {
                types
                    .iter()
                    .any(|t| t.category == Category::American && t.tag.is_none())
            };
            let Some(canonical) = entry.variants.iter().find(|v| is_american(v.types)) else {
                continue;
            };
            let canonical_word = canonical.word.to_lowercase();
            american.insert(canonical_word.clone());
            for variant in entry.variants {
                let word = variant.word.to_lowercase();
                let used_outside_america = variant.types.iter().any(|t| {
                    t.category != Category::American
                        && matches!(t.tag, None | Some(Tag::Eq) | Some(Tag::Variant))
                });
                if word != canonical_word && used_outside_america {
                    candidates
                        .entry(word)
                        .or_default()
                        .insert(canonical_word.clone());
                }
            }
        }
    }
    candidates
        .into_iter()
        .filter(|(word, targets)| targets.len() == 1 && !american.contains(word))
        .filter(|(word, targets)| {
            let plain = |w: &str| w.chars().all(char::is_alphabetic);
            plain(word) && targets.iter().all(|t| plain(t))
        })
        .map(|(word, targets)| {
            let target = targets.into_iter().next().expect("one target");
            (word, target)
        })
        .collect()
}
