//! How alike two entries are: TF-IDF weighted character 4-grams of their normalised words,
//! compared by cosine, and the pairs worth comparing found through an inverted index, so that
//! the cost grows with the number of entries rather than with its square.
//!
//! Each normalised word is cut into the 4-character pieces of `^word$` ("^rat", "rati", "atif",
//! "tif$"): pieces let "ratify" and "ratification", "detain" and "detention" share most of
//! their weight where stemming leaves them apart, and a typo costs one piece, not the word.
//! On the labelled set (`tests/fixtures/dedup/`) pieces of 4 beat whole words, pieces of 3 and
//! of 5, and mixes of words and pieces.
//!
//! Pieces that few entries use (high inverse document frequency) weigh most: two entries that
//! share "kafala" share more than two that share "migrant". The index uses the prefix filter
//! of all-pairs similarity search: each entry is indexed only under its rarest pieces, as many
//! as are needed for its remaining (common) pieces to be unable, on their own, to reach the
//! floor. Every pair at or above the floor is still found exactly, while the long posting
//! lists of common pieces are never built.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::normalise::NormalisedText;

/// The length of the character pieces words are compared by.
pub const PIECE_LENGTH: usize = 4;

/// How much of a pair's similarity is kept when the two push in opposite directions ("expand"
/// against "phase out") or name different numbers (Convention 189 against the 1990 Convention):
/// half, which takes most such pairs below the threshold but keeps them as suggestions.
pub const CONTRAST_FACTOR: f64 = 0.5;

/// The factor a pair's cosine is multiplied by for what word overlap cannot see: opposite
/// stances, and numbers that differ (both entries name numbers, none in common).
pub fn contrast(a: &NormalisedText, b: &NormalisedText) -> f64 {
    let mut factor = 1.0;
    if a.stance.opposes(b.stance) {
        factor *= CONTRAST_FACTOR;
    }
    /// The numbers an entry names ("1990", "189").
    fn numbers(t: &NormalisedText) -> Vec<&str> {
        t.tokens
            .iter()
            .filter(|w| w.chars().all(|c| c.is_ascii_digit()))
            .map(String::as_str)
            .collect()
    }
    let (na, nb) = (numbers(a), numbers(b));
    if !na.is_empty() && !nb.is_empty() && !na.iter().any(|n| nb.contains(n)) {
        factor *= CONTRAST_FACTOR;
    }
    factor
}

/// The character pieces of a word, as stable 64-bit hashes: all 4-character windows of
/// `^word$`, or the whole of it when shorter.
fn pieces(word: &str, out: &mut Vec<u64>) {
    let padded: Vec<char> = std::iter::once('^')
        .chain(word.chars())
        .chain(std::iter::once('$'))
        .collect();
    let hash = |chars: &[char]| {
        let mut h = 0xcbf2_9ce4_8422_2325_u64;
        for c in chars {
            for byte in (*c as u32).to_le_bytes() {
                h ^= u64::from(byte);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        h
    };
    if padded.len() <= PIECE_LENGTH {
        out.push(hash(&padded));
    } else {
        out.extend(padded.windows(PIECE_LENGTH).map(hash));
    }
}

/// An entry as a unit-length vector of weighted pieces: `(piece id, weight)`, ids ascending.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermVector {
    terms: Vec<(u32, f32)>,
}

impl TermVector {
    /// The cosine of two unit vectors: 0 (no word in common) to 1 (the same words, equally
    /// weighted). Summed in word-id order, so the result never depends on threads.
    pub fn cosine(&self, other: &TermVector) -> f64 {
        let (mut i, mut j) = (0, 0);
        let (a, b) = (&self.terms, &other.terms);
        let mut sum = 0.0f64;
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += f64::from(a[i].1) * f64::from(b[j].1);
                    i += 1;
                    j += 1;
                }
            }
        }
        sum.min(1.0)
    }

    /// Whether the entry has no word left to compare (all stop words, or empty).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// The weighted vectors of a set of entries, with what the index needs to know of each word.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// One vector per entry, in the order the entries were given.
    pub vectors: Vec<TermVector>,
    /// In how many entries each word id occurs.
    document_frequency: Vec<u32>,
}

impl Corpus {
    /// Weighs the pieces of every entry's words by TF-IDF: `(1 + ln tf) · (1 + ln((n + 1) /
    /// (df + 1)))`, then scales each vector to unit length.
    ///
    /// Piece ids are given in the sorted order of the pieces' hashes, so the vectors depend only
    /// on the set of entries, never on the order they came in or on the thread count.
    pub fn new(texts: &[NormalisedText]) -> Corpus {
        let features: Vec<Vec<u64>> = texts
            .par_iter()
            .map(|text| {
                let mut out = Vec::new();
                for word in &text.tokens {
                    pieces(word, &mut out);
                }
                out.sort_unstable();
                out
            })
            .collect();
        let mut document_frequency_by_piece: HashMap<u64, u32> = HashMap::new();
        for pieces in &features {
            let mut distinct = pieces.clone();
            distinct.dedup();
            for piece in distinct {
                *document_frequency_by_piece.entry(piece).or_default() += 1;
            }
        }
        let mut vocabulary: Vec<(u64, u32)> = document_frequency_by_piece.into_iter().collect();
        vocabulary.sort_unstable();
        let ids: HashMap<u64, u32> = vocabulary
            .iter()
            .enumerate()
            .map(|(id, (piece, _))| (*piece, id as u32))
            .collect();
        let document_frequency: Vec<u32> = vocabulary.iter().map(|(_, df)| *df).collect();
        let n = texts.len() as f64;
        let vectors = features
            .par_iter()
            .map(|pieces| {
                let mut counts: Vec<u32> = pieces.iter().map(|p| ids[p]).collect();
                counts.sort_unstable();
                let mut terms: Vec<(u32, f32)> = Vec::new();
                for chunk in counts.chunk_by(|a, b| a == b) {
                    let id = chunk[0];
                    let tf = 1.0 + (chunk.len() as f64).ln();
                    let df = f64::from(document_frequency[id as usize]);
                    let idf = 1.0 + ((n + 1.0) / (df + 1.0)).ln();
                    terms.push((id, (tf * idf) as f32));
                }
                let norm = terms
                    .iter()
                    .map(|(_, w)| f64::from(*w) * f64::from(*w))
                    .sum::<f64>()
                    .sqrt();
                if norm > 0.0 {
                    for term in &mut terms {
                        term.1 = (f64::from(term.1) / norm) as f32;
                    }
                }
                TermVector { terms }
            })
            .collect();
        Corpus {
            vectors,
            document_frequency,
        }
    }

    /// Every pair of entries in the same group (`group[i] == group[j]`, e.g. issues with
    /// issues) whose similarity, the cosine times `adjust(i, j)`, is at least `floor`, as `(i,
    /// j, similarity)` with `i < j`, sorted by `i` then `j`.
    ///
    /// Exact: a pair at or above the floor is never missed (see the module documentation for
    /// why the prefix filter is safe; `adjust` may only lower a score, at most to 0). The floor
    /// must be above 0.
    pub fn similar_pairs<G: Eq + Sync>(
        &self,
        group: &[G],
        floor: f64,
        adjust: impl Fn(usize, usize) -> f64 + Sync,
    ) -> Vec<(usize, usize, f64)> {
        assert_eq!(group.len(), self.vectors.len(), "one group per entry");
        let postings = self.prefix_index(floor);
        self.vectors
            .par_iter()
            .enumerate()
            .map(|(x, vector)| {
                let mut candidates: Vec<u32> = Vec::new();
                for (id, _) in &vector.terms {
                    let posting = &postings[*id as usize];
                    let after = posting.partition_point(|&y| y as usize <= x);
                    candidates.extend(
                        posting[after..]
                            .iter()
                            .filter(|&&y| group[y as usize] == group[x]),
                    );
                }
                candidates.sort_unstable();
                candidates.dedup();
                candidates
                    .into_iter()
                    .filter_map(|y| {
                        let y = y as usize;
                        let cosine = vector.cosine(&self.vectors[y]);
                        if cosine < floor {
                            return None;
                        }
                        let score = cosine * adjust(x, y).clamp(0.0, 1.0);
                        (score >= floor).then_some((x, y, score))
                    })
                    .collect::<Vec<_>>()
            })
            .flatten()
            .collect()
    }

    /// For each piece id, the entries indexed under it (ascending): each entry under the rarest
    /// of its pieces, until the pieces left over weigh less than `floor` together.
    ///
    /// Why that is enough: if `x · y ≥ floor` but `x` shares none of `y`'s indexed pieces, then
    /// `x · y` is a sum over `y`'s left-over pieces only, which is at most their norm (Cauchy–
    /// Schwarz, `x` being of unit length), which is below the floor: a contradiction.
    fn prefix_index(&self, floor: f64) -> Vec<Vec<u32>> {
        // A hair below the floor, so that rounding can only index a word more, never less.
        let bound = floor - 1e-6;
        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); self.document_frequency.len()];
        for (entry, vector) in self.vectors.iter().enumerate() {
            let mut rarest_first = vector.terms.clone();
            rarest_first
                .sort_unstable_by_key(|(id, _)| (self.document_frequency[*id as usize], *id));
            let mut left_over: f64 = rarest_first
                .iter()
                .map(|(_, w)| f64::from(*w) * f64::from(*w))
                .sum();
            for (id, weight) in rarest_first {
                if left_over.max(0.0).sqrt() < bound {
                    break;
                }
                postings[id as usize].push(entry as u32);
                left_over -= f64::from(weight) * f64::from(weight);
            }
        }
        postings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(words: &str) -> NormalisedText {
        NormalisedText {
            tokens: words.split_whitespace().map(str::to_owned).collect(),
            stance: crate::normalise::Stance::Neutral,
        }
    }

    #[test]
    fn vectors_are_unit_length_and_rare_pieces_weigh_more() {
        let corpus = Corpus::new(&[
            text("migrant kafala"),
            text("migrant worker"),
            text("migrant fee"),
            text("kafala"),
        ]);
        for v in &corpus.vectors {
            assert!((v.cosine(v) - 1.0).abs() < 1e-6);
        }
        // "kafala" is rarer than "migrant": sharing it counts for more.
        let (kafala, worker) = (&corpus.vectors[3], &corpus.vectors[1]);
        assert!(corpus.vectors[0].cosine(kafala) > corpus.vectors[0].cosine(worker));
    }

    #[test]
    fn words_are_compared_by_their_pieces() {
        let mut out = Vec::new();
        pieces("ratify", &mut out);
        assert_eq!(out.len(), 5, "^rat rati atif tify ify$");
        out.clear();
        pieces("no", &mut out);
        assert_eq!(out.len(), 1, "^no$");
        let corpus = Corpus::new(&[text("ratifi convent"), text("ratif convent"), text("fee")]);
        assert!(corpus.vectors[0].cosine(&corpus.vectors[1]) > 0.7);
        assert_eq!(corpus.vectors[0].cosine(&corpus.vectors[2]), 0.0);
        let same = Corpus::new(&[text("a b"), text("b a")]);
        assert!((same.vectors[0].cosine(&same.vectors[1]) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn opposite_stances_and_different_numbers_count_less() {
        let normaliser = crate::normalise::Normaliser::default();
        let n = |t: &str| normaliser.normalise(t, "en");
        let expand = n("Expand temporary labour migration programmes");
        let phase_out = n("Phase out temporary labour migration programmes");
        assert_eq!(contrast(&expand, &phase_out), CONTRAST_FACTOR);
        let c189 = n("Ratify ILO Convention 189");
        let c1990 = n("Ratify the 1990 Convention");
        assert_eq!(contrast(&c189, &c1990), CONTRAST_FACTOR);
        assert_eq!(contrast(&c189, &n("Ratification of Convention 189")), 1.0);
        assert_eq!(contrast(&expand, &n("Temporary programmes")), 1.0);
    }

    /// The index finds exactly the pairs that comparing every pair finds.
    #[test]
    fn the_index_misses_no_pair_above_the_floor() {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let texts: Vec<NormalisedText> = (0..400)
            .map(|_| {
                let len = 1 + next() % 6;
                let words: Vec<String> = (0..len)
                    .map(|_| {
                        // A skewed vocabulary: low numbers are common words.
                        let r = next() % 1000;
                        format!("w{}", (r * r) / 20_000)
                    })
                    .collect();
                text(&words.join(" "))
            })
            .collect();
        let corpus = Corpus::new(&texts);
        let groups: Vec<u8> = (0..texts.len()).map(|i| (i % 2) as u8).collect();
        for floor in [0.2, 0.5, 0.8] {
            let found = corpus.similar_pairs(&groups, floor, |_, _| 1.0);
            let mut expected = Vec::new();
            for i in 0..texts.len() {
                for j in i + 1..texts.len() {
                    let score = corpus.vectors[i].cosine(&corpus.vectors[j]);
                    if groups[i] == groups[j] && score >= floor {
                        expected.push((i, j, score));
                    }
                }
            }
            assert!(!expected.is_empty());
            assert_eq!(found, expected, "floor {floor}");
        }
    }
}
