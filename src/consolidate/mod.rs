//! Stage 3, consolidate. In: every entry of the validated submissions and the editors'
//! decisions. Out: [`Consolidated`], one entry per concern with every original wording and its
//! place, the suggestions left to the editors, and the decisions' own diagnostics.
//!
//! [`normalise`] turns a wording into the words that carry its meaning, [`lexicon`] maps the
//! field's synonyms to one concept and knows which things differ, [`similarity`] scores
//! pairs of entries, [`cluster`] groups them under the editors' constraints, [`editorial`]
//! resolves the editors' references, [`merge`] puts it together, and [`review`] shows the
//! result to the editors.

pub mod cluster;
pub mod editorial;
pub mod lexicon;
pub mod merge;
pub mod normalise;
pub mod review;
pub mod similarity;

pub use merge::{
    Consolidated, ConsolidatedEntry, Suggestion, Wording, check_nothing_lost, consolidate,
    consolidate_entries,
};

/// FNV-1a, 64 bits: a hash that is the same on every machine and in every version, because
/// editors keep references (and so fingerprints) for years.
pub(crate) fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}
