//! Derives the British/American spelling table that normalisation uses from VarCon, the
//! maintained variant list of the SCOWL project (through the `varcon` crate), so that
//! "criminalisation" and "criminalization", "labour" and "labor" count as one word.
//!
//! The crate carries the whole list as Rust source; only the pairs we need are written to
//! `OUT_DIR/spelling_variants.rs`, as a sorted table that the binary searches. The full list
//! stays out of the binary.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use varcon::{Category, Tag};

/// Writes the table; an error fails the build with its message, as Cargo shows a build
/// script's.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let table = spelling_table();
    let mut source = String::new();
    source.push_str(
        "/// British and other non-American spellings, each with the American one, sorted.\n",
    );
    source.push_str("pub(crate) static SPELLING_VARIANTS: &[(&str, &str)] = &[\n");
    for (variant, american) in &table {
        writeln!(source, "    ({variant:?}, {american:?}),")?;
    }
    source.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("cargo sets OUT_DIR")?);
    let path = out.join("spelling_variants.rs");
    std::fs::write(&path, source)
        .map_err(|e| format!("failed to write {} ({e})", path.display()))?;
    Ok(())
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
                        && matches!(t.tag, None | Some(Tag::Eq | Tag::Variant))
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
    let plain = |w: &str| w.chars().all(char::is_alphabetic);
    candidates
        .into_iter()
        .filter(|(word, _)| !american.contains(word))
        .filter_map(|(word, targets)| {
            // Kept only when its entries agree on exactly one American form.
            let mut targets = targets.into_iter();
            let target = targets.next()?;
            targets.next().is_none().then_some((word, target))
        })
        .filter(|(word, target)| plain(word) && plain(target))
        .collect()
}
