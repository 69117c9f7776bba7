//! `editorial.toml`: the editors' decisions, kept across every rebuild.
//!
//! Automatic consolidation proposes; the editors decide. Three kinds of decision:
//!
//! ```toml
//! # These entries say the same thing: each list becomes one consolidated entry.
//! merge = [
//!   ["us-canada:issue:5a1c93e0b2f4d1c7", "europe:issue:5a1c93e0b2f4d1c7"],
//! ]
//! # These entries must stay apart, however alike they look.
//! keep_apart = [
//!   ["asia-pacific:strategy:0b1de2f4a9c3e577", "west-asia:strategy:7d01e4aa31c6b2f0"],
//! ]
//! # The wording a consolidated entry is printed with: an original's (`entry` alone) or the
//! # editors' own (`text`).
//! wording = [
//!   { entry = "us-canada:issue:5a1c93e0b2f4d1c7", text = "Criminalisation of migrants" },
//! ]
//! ```
//!
//! An entry is referred to by its region, its kind and a fingerprint of its normalised words
//! (a b-bit MinHash sketch, see [`Sketch`]), never by file position: a host may reorder a
//! submission, fix its spelling, punctuation or capitals, or add a "the", and the reference
//! still matches exactly. A heavier edit that keeps most words still matches, with a warning
//! that gives the new reference; a decision that matches nothing any more gets a warning too.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use toml::Spanned;

use crate::consolidate::cluster::Constraints;
use crate::consolidate::fnv1a;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::editorial::Editorial;
use crate::model::entry::{Entry, EntryKind};
use crate::model::source::SourceFile;

/// Slots of a fingerprint that must agree for a reference to match an edited entry: 6 of 8
/// estimates that three quarters of the words are still the same.
pub const MIN_AGREEMENT_FOR_EDITED: usize = 6;

/// A fingerprint of an entry's normalised words: 8 slots of b-bit MinHash (one byte each).
///
/// Two entries with the same set of words have the same sketch; each slot of two entries
/// agrees with a probability equal to the share of words they have in common (their Jaccard
/// similarity), so the number of agreeing slots estimates how much an entry has changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sketch(pub [u8; 8]);

impl Sketch {
    /// The sketch of a set of words (order and repetition do not matter).
    pub fn of<S: AsRef<str>>(words: &[S]) -> Sketch {
        let mut minima = [u64::MAX; 8];
        for word in words {
            let base = fnv1a(word.as_ref().bytes());
            for (slot, minimum) in minima.iter_mut().enumerate() {
                let hash = mix(base ^ SLOT_SEEDS[slot]);
                *minimum = (*minimum).min(hash);
            }
        }
        if words.is_empty() {
            return Sketch([0; 8]);
        }
        Sketch(minima.map(|m| (m & 0xff) as u8))
    }

    /// In how many of the 8 slots two sketches agree.
    #[must_use]
    pub fn agreement(self, other: Sketch) -> usize {
        self.0
            .iter()
            .zip(other.0)
            .filter(|(a, b)| **a == *b)
            .count()
    }
}

/// Fixed seeds, one per slot: a sketch must mean the same on every machine and in every
/// version, because editors keep references for years.
const SLOT_SEEDS: [u64; 8] = [
    0x243F_6A88_85A3_08D3,
    0x1319_8A2E_0370_7344,
    0xA409_3822_299F_31D0,
    0x082E_FA98_EC4E_6C89,
    0x4528_21E6_38D0_1377,
    0xBE54_66CF_34E9_0C6C,
    0xC0AC_29B7_C97C_50DD,
    0x3F84_D5B5_B547_0917,
];

/// The splitmix64 finaliser: spreads a hash's bits so that each slot sees an independent order.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// How a decision names an entry: `region:kind:fingerprint`, e.g.
/// `europe:issue:5a1c93e0b2f4d1c7`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    /// The submission's id.
    pub region: String,
    /// Issue or strategy.
    pub kind: EntryKind,
    /// The fingerprint of its words.
    pub sketch: Sketch,
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:", self.region, self.kind.as_str())?;
        for byte in self.sketch.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl FromStr for Reference {
    type Err = String;

    /// Parses `region:kind:fingerprint`; the error says what part is wrong.
    fn from_str(text: &str) -> Result<Reference, String> {
        let mut parts = text.trim().split(':');
        let (Some(region), Some(kind), Some(hex), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("a reference has three parts: region:kind:fingerprint".to_owned());
        };
        let kind = match kind {
            "issue" => EntryKind::Issue,
            "strategy" => EntryKind::Strategy,
            other => return Err(format!("`{other}` is not `issue` or `strategy`")),
        };
        if region.is_empty() {
            return Err("the region is missing before the first `:`".to_owned());
        }
        if hex.len() != 16 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "`{hex}` is not a fingerprint of 16 hexadecimal digits"
            ));
        }
        let mut sketch = [0u8; 8];
        for (i, byte) in sketch.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| format!("`{hex}` is not hexadecimal"))?;
        }
        Ok(Reference {
            region: region.to_owned(),
            kind,
            sketch: Sketch(sketch),
        })
    }
}

/// A wording decision, resolved to an entry.
#[derive(Debug, Clone, PartialEq)]
pub struct WordingChoice {
    /// The entry (an index into the entries consolidated) whose consolidated entry it words.
    pub entry: usize,
    /// The editors' own text; `None` to use that entry's wording.
    pub text: Option<String>,
    /// Where the decision is in `editorial.toml`, for conflicts found later.
    pub span: Range<usize>,
}

/// The decisions applied to a set of entries.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// Merges and keep-aparts, as entry indices.
    pub constraints: Constraints,
    /// Wording decisions.
    pub wordings: Vec<WordingChoice>,
    /// Every entry named by a merge decision, so that the report can say who merged it.
    pub merged_by_editors: Vec<bool>,
    /// Decisions that matched nothing, changed entries, malformed or conflicting decisions.
    pub diagnostics: Vec<Diagnostic>,
}

impl Editorial {
    /// Applies the decisions to `entries`, whose references are `references` (one each).
    pub fn resolve(&self, entries: &[Entry], references: &[Reference]) -> Resolved {
        let mut resolved = Resolved {
            merged_by_editors: vec![false; entries.len()],
            ..Resolved::default()
        };
        let Some(source) = &self.source else {
            return resolved;
        };
        let finder = Resolver::new(source, entries, references);
        let mut merge_spans: Vec<Range<usize>> = Vec::new();
        for decision in &self.file.merge {
            let matched = finder.resolve_list(decision, "merge", &mut resolved.diagnostics);
            let mut group: Vec<usize> = matched.into_iter().flatten().collect();
            group.sort_unstable();
            group.dedup();
            if group.len() >= 2 {
                for &entry in &group {
                    resolved.merged_by_editors[entry] = true;
                }
                resolved.constraints.together.push(group);
                merge_spans.push(decision.span());
            }
        }
        let mut apart_spans: Vec<Range<usize>> = Vec::new();
        for decision in &self.file.keep_apart {
            let matched = finder.resolve_list(decision, "keep_apart", &mut resolved.diagnostics);
            for (i, first) in matched.iter().enumerate() {
                for second in &matched[i + 1..] {
                    for &a in first {
                        for &b in second {
                            if a != b {
                                resolved.constraints.apart.push((a.min(b), a.max(b)));
                                apart_spans.push(decision.span());
                            }
                        }
                    }
                }
            }
        }
        for decision in &self.file.wording {
            let wording = decision.get_ref();
            let text = wording.text.as_ref().map(|t| t.get_ref().trim().to_owned());
            if let (Some(text), Some(span)) = (&text, wording.text.as_ref().map(Spanned::span))
                && text.is_empty()
            {
                resolved.diagnostics.push(
                    Diagnostic::new(Code::BadDecision, source, span, "the wording is empty")
                        .with_help(
                            "write the wording to print, or leave out `text` to use the wording of the entry",
                        ),
                );
                continue;
            }
            let matched = finder.resolve_one(&wording.entry, &mut resolved.diagnostics);
            if let Some(&entry) = matched.first() {
                resolved.wordings.push(WordingChoice {
                    entry,
                    text,
                    span: decision.span(),
                });
            }
        }
        resolved.diagnostics.extend(conflicts(
            source,
            &resolved.constraints,
            &merge_spans,
            &apart_spans,
        ));
        resolved
    }
}

/// Keep-apart decisions that a merge decision contradicts: the editors must choose.
fn conflicts(
    source: &SourceFile,
    constraints: &Constraints,
    together_spans: &[Range<usize>],
    apart_spans: &[Range<usize>],
) -> Vec<Diagnostic> {
    /// The representative of a merge decision among those that share entries.
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            i = parent[i];
        }
        i
    }
    // Merge decisions that share an entry act as one: find each entry's merged group.
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    let mut parent: Vec<usize> = (0..constraints.together.len()).collect();
    for (g, group) in constraints.together.iter().enumerate() {
        for &entry in group {
            match group_of.get(&entry) {
                Some(&other) => {
                    let (a, b) = (root(&mut parent, other), root(&mut parent, g));
                    parent[a.max(b)] = a.min(b);
                }
                None => {
                    group_of.insert(entry, g);
                }
            }
        }
    }
    let mut found: Vec<Diagnostic> = Vec::new();
    for (&(a, b), apart_span) in constraints.apart.iter().zip(apart_spans) {
        let (Some(&ga), Some(&gb)) = (group_of.get(&a), group_of.get(&b)) else {
            continue;
        };
        let (ra, rb) = (root(&mut parent, ga), root(&mut parent, gb));
        if ra == rb {
            let diagnostic = Diagnostic::new(
                Code::ConflictingDecisions,
                source,
                apart_span.clone(),
                "these entries are to be kept apart, but a merge decision puts them together",
            )
            .with_related(source, together_spans[gb].clone(), "merged here")
            .with_help("remove one of the two decisions");
            if !found.contains(&diagnostic) {
                found.push(diagnostic);
            }
        }
    }
    found
}

/// Finds the entries a reference names.
struct Resolver<'a> {
    source: &'a SourceFile,
    entries: &'a [Entry],
    references: &'a [Reference],
    by_region_and_kind: HashMap<(&'a str, EntryKind), Vec<usize>>,
}

impl<'a> Resolver<'a> {
    /// Indexes the entries by region and kind, where references look them up.
    fn new(source: &'a SourceFile, entries: &'a [Entry], references: &'a [Reference]) -> Self {
        let mut by_region_and_kind: HashMap<(&str, EntryKind), Vec<usize>> = HashMap::new();
        for (i, entry) in entries.iter().enumerate() {
            by_region_and_kind
                .entry((entry.region.as_str(), entry.kind))
                .or_default()
                .push(i);
        }
        Resolver {
            source,
            entries,
            references,
            by_region_and_kind,
        }
    }

    /// Resolves every reference of a `merge` or `keep_apart` list: one set of entries per
    /// reference (empty when it matched nothing). A list must name at least two entries of one
    /// kind.
    fn resolve_list(
        &self,
        decision: &Spanned<Vec<Spanned<String>>>,
        what: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<Vec<usize>> {
        let list = decision.get_ref();
        if list.len() < 2 {
            diagnostics.push(
                Diagnostic::new(
                    Code::BadDecision,
                    self.source,
                    decision.span(),
                    format!("a `{what}` decision needs at least two entries"),
                )
                .with_help("list every entry the decision is about, e.g. [\"REF\", \"REF\"]"),
            );
            return Vec::new();
        }
        let parsed: Vec<Option<Reference>> = list
            .iter()
            .map(|reference| self.parse(reference, diagnostics))
            .collect();
        let kinds: Vec<EntryKind> = parsed.iter().flatten().map(|r| r.kind).collect();
        if kinds.windows(2).any(|w| w[0] != w[1]) {
            diagnostics.push(
                Diagnostic::new(
                    Code::BadDecision,
                    self.source,
                    decision.span(),
                    format!("a `{what}` decision cannot mix issues and strategies"),
                )
                .with_help("an issue and the strategy that answers it are always reported apart; list entries of one kind"),
            );
            return Vec::new();
        }
        list.iter()
            .zip(parsed)
            .map(|(written, reference)| match reference {
                Some(reference) => self.find(written, &reference, diagnostics),
                None => Vec::new(),
            })
            .collect()
    }

    /// Resolves the single reference of a `wording` decision.
    fn resolve_one(
        &self,
        written: &Spanned<String>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<usize> {
        match self.parse(written, diagnostics) {
            Some(reference) => self.find(written, &reference, diagnostics),
            None => Vec::new(),
        }
    }

    /// Parses a written reference, or says why it is not one.
    fn parse(
        &self,
        written: &Spanned<String>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Reference> {
        match written.get_ref().parse::<Reference>() {
            Ok(reference) => Some(reference),
            Err(why) => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::BadDecision,
                        self.source,
                        written.span(),
                        format!("`{}` is not a reference to an entry: {why}", written.get_ref()),
                    )
                    .with_help("a reference looks like `europe:issue:5a1c93e0b2f4d1c7`; copy it from `consolidate review`"),
                );
                None
            }
        }
    }

    /// The entries a reference matches: every entry of its region and kind with the same
    /// fingerprint, or else the one entry whose fingerprint is clearly closest.
    fn find(
        &self,
        written: &Spanned<String>,
        reference: &Reference,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<usize> {
        let candidates = self
            .by_region_and_kind
            .get(&(reference.region.as_str(), reference.kind))
            .map_or(&[][..], Vec::as_slice);
        let agreement = |i: &usize| self.references[*i].sketch.agreement(reference.sketch);
        let exact: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|i| agreement(i) == 8)
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        let best = candidates.iter().map(agreement).max().unwrap_or(0);
        let closest: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|i| agreement(i) == best)
            .collect();
        if best >= MIN_AGREEMENT_FOR_EDITED && closest.len() == 1 {
            let entry = &self.entries[closest[0]];
            diagnostics.push(
                Diagnostic::new(
                    Code::ChangedEntry,
                    self.source,
                    written.span(),
                    format!(
                        "the entry this decision names has been reworded; it now reads \"{}\" ({}:{})",
                        entry.text, entry.file, entry.line
                    ),
                )
                .with_help(format!(
                    "the decision still applies; to silence this warning, replace the reference with `{}`",
                    self.references[closest[0]]
                )),
            );
            return closest;
        }
        let message = if candidates.is_empty() {
            let regions: Vec<&str> = {
                let mut regions: Vec<&str> =
                    self.entries.iter().map(|e| e.region.as_str()).collect();
                regions.sort_unstable();
                regions.dedup();
                regions
            };
            if regions.contains(&reference.region.as_str()) {
                format!(
                    "this decision names a {} of `{}`, which has none any more",
                    EntryKind::as_str(reference.kind),
                    reference.region
                )
            } else {
                format!(
                    "this decision names the region `{}`, but no submission has that id (the ids are: {})",
                    reference.region,
                    regions.join(", ")
                )
            }
        } else {
            format!(
                "this decision no longer matches any {} of `{}`: the entry was removed or rewritten",
                EntryKind::as_str(reference.kind),
                reference.region
            )
        };
        diagnostics.push(
            Diagnostic::new(Code::StaleDecision, self.source, written.span(), message).with_help(
                "the decision is ignored; run `consolidate review` to find the entry's reference now, or delete the decision",
            ),
        );
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_print_and_parse() {
        let reference = Reference {
            region: "us-canada".to_owned(),
            kind: EntryKind::Strategy,
            sketch: Sketch([0x5a, 0x1c, 0x93, 0xe0, 0xb2, 0xf4, 0xd1, 0xc7]),
        };
        let text = reference.to_string();
        assert_eq!(text, "us-canada:strategy:5a1c93e0b2f4d1c7");
        assert_eq!(text.parse::<Reference>(), Ok(reference));
        assert!("us-canada:issue".parse::<Reference>().is_err());
        assert!("x:idea:5a1c93e0b2f4d1c7".parse::<Reference>().is_err());
        assert!("x:issue:5a1c93e0b2f4d1cZ".parse::<Reference>().is_err());
        assert!(":issue:5a1c93e0b2f4d1c7".parse::<Reference>().is_err());
    }

    #[test]
    fn sketches_ignore_order_and_estimate_overlap() {
        let words = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        let a = Sketch::of(&words("criminal migrant worker immigr communiti"));
        assert_eq!(
            a,
            Sketch::of(&words("communiti immigr worker migrant criminal"))
        );
        let edited = Sketch::of(&words("criminal migrant worker immigr communiti increas"));
        assert!(a.agreement(edited) >= 4, "{}", a.agreement(edited));
        let other = Sketch::of(&words("remitt cost transfer fee"));
        assert!(a.agreement(other) <= 2);
        // The sketch is part of the file format: editors keep references for years, so the
        // same words must give the same fingerprint in every version.
        assert_eq!(
            Sketch::of(&["labor", "right"]).0,
            [205, 113, 152, 191, 43, 35, 249, 247]
        );
        assert_eq!(Sketch::of::<&str>(&[]), Sketch([0; 8]));
    }
}
