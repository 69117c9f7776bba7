//! How alike two entries are: TF-IDF weighted character 4-grams of their normalised words,
//! compared by cosine, and the pairs worth comparing found through an inverted index, so that
//! the cost grows with the number of entries rather than with its square.
//!
//! Each normalised word is cut into the 4-character pieces of `^word$` ("^rat", "rati", "atif",
//! "tif$"): pieces let "ratify" and "ratification", "detain" and "detention" share most of
//! their weight where stemming leaves them apart, and a typo costs one piece, not the word.
//! On the labelled sets (`tests/fixtures/dedup/`) pieces of 4 beat whole words, pieces of 3 and
//! of 5, and mixes of words and pieces.
//!
//! Pieces that few entries use (high inverse document frequency) weigh most: two entries that
//! share "kafala" share more than two that share "migrant".
//!
//! Pairs are found through an inverted index of normalised words: two entries are compared
//! when they share a word that at most [`MAX_POSTING`] entries use, or have the very same
//! words. Each entry looks up only its own words, so the work grows with the number of
//! entries times the length of the posting lists, which the cap bounds: near-linear. A word
//! used by more entries than that ("migrant" in a large corpus) carries too little weight to
//! make two entries alike on its own; in a report of a few hundred entries every word is
//! indexed, and no pair that shares a word is missed.

#![allow(
    clippy::cast_possible_truncation,
    reason = "ids of entries, words and pieces are far below 2^32, and weights need no more than f32"
)]

use std::collections::HashMap;

use rayon::prelude::*;

use crate::consolidate::fnv1a;
use crate::consolidate::lexicon::{implied_concept, is_concept};
use crate::consolidate::normalise::NormalisedText;

/// The longest posting list of the word index: words used by more entries than this do not
/// bring entries together on their own (see the module documentation).
pub const MAX_POSTING: usize = 100;

/// The length of the character pieces words are compared by.
pub const PIECE_LENGTH: usize = 4;

/// How much of a pair's similarity is kept when the two push in opposite directions ("expand"
/// against "phase out") or name different numbers (Convention 189 against the 1990 Convention):
/// half, which takes most such pairs below the threshold but keeps them as suggestions.
pub const CONTRAST_FACTOR: f64 = 0.5;

/// How many pieces a concept of the lexicon counts as: about as many as two or three words
/// have. Sharing a concept is stronger evidence than sharing a word, since drafters who name
/// one thing differently share no pieces of it; on the freely worded labelled sets, 14 found
/// about a third more of the pairs an editor would join than 6 (one word's worth), with the
/// threshold raised to keep merges as precise.
pub const CONCEPT_PIECES: u8 = 14;

/// How many pieces a concept counts as when the entry only implies it (it names a kind of it,
/// or its parts): less than when named, so that "domestic workers", which implies domestic
/// work, does not weigh twice against the rest of what an entry says. On the tuning sets, 14
/// (as named) merged labour-law exclusion with social-security exclusion; 1, 2, 4, 6 and 9
/// were measured, and 6 found the most pairs at the same precision.
pub const IMPLIED_PIECES: u8 = 6;

/// How much of a pair's similarity is kept when the two name different members of one of the
/// lexicon's distinct sets: health care for refugees against health care for children.
pub const DISTINCT_FACTOR: f64 = 0.3;

/// Whether two entries name members of one distinct set and no member of it in common. Both
/// lists are `(set, concept)` ascending.
fn name_different_members(a: &[(u16, u32)], b: &[(u16, u32)]) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let sets = |m: &[(u16, u32)]| {
        let mut sets: Vec<u16> = m.iter().map(|(set, _)| *set).collect();
        sets.dedup();
        sets
    };
    let (sets_a, sets_b) = (sets(a), sets(b));
    sets_a.iter().filter(|s| sets_b.contains(s)).any(|&set| {
        let in_set = |m: &[(u16, u32)]| -> Vec<u32> {
            m.iter()
                .filter(|(s, _)| *s == set)
                .map(|(_, c)| *c)
                .collect()
        };
        let (ca, cb) = (in_set(a), in_set(b));
        !ca.iter().any(|c| cb.contains(c))
    })
}

/// The factor a pair's cosine is multiplied by for what word overlap cannot see: opposite
/// stances, and numbers that differ (both entries name numbers, none in common).
#[must_use]
pub fn contrast(a: &NormalisedText, b: &NormalisedText) -> f64 {
    let mut factor = 1.0;
    if a.stance.opposes(b.stance) {
        factor *= CONTRAST_FACTOR;
    }
    if a.stage.is_some() && b.stage.is_some() && a.stage != b.stage {
        factor *= CONTRAST_FACTOR;
    }
    if name_different_members(&a.members, &b.members) {
        factor *= DISTINCT_FACTOR;
    }
    // Both name numbers ("1990", "189"), and none in common. Checked without allocating: this
    // runs for every candidate pair.
    let is_number = |w: &&String| w.bytes().all(|c| c.is_ascii_digit());
    let names_numbers = |t: &NormalisedText| t.tokens.iter().any(|w| is_number(&w));
    if names_numbers(a)
        && names_numbers(b)
        && !a
            .tokens
            .iter()
            .filter(is_number)
            .any(|n| b.tokens.contains(n))
    {
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
    let hash = |chars: &[char]| fnv1a(chars.iter().flat_map(|c| u32::from(*c).to_le_bytes()));
    if let Some(named) = implied_concept(word) {
        // The very piece of the concept named, so that the two meet.
        pieces(&named, out);
    } else if is_concept(word) {
        // One piece, whatever its id is spelt like, which shares nothing with any word; its
        // weight is scaled to [`CONCEPT_PIECES`] pieces' when the vectors are made.
        out.push(hash(&padded));
    } else if padded.len() <= PIECE_LENGTH {
        out.push(hash(&padded));
    } else {
        out.extend(padded.windows(PIECE_LENGTH).map(hash));
    }
}

/// Which weak pairs [`Corpus::similar_pairs_with_nearest`] keeps beside the strong ones.
pub struct Nearest<E> {
    /// The lowest similarity kept.
    pub floor: f64,
    /// How many weak pairs each entry keeps with the entries after it.
    pub per_entry: usize,
    /// Whether a weak pair may be kept at all (e.g. only across regions).
    pub eligible: E,
}

/// The weighted vectors of a set of entries, with what the index needs to know of each word.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// Every entry's unit-length vector of weighted pieces, `(piece id, weight)` with ids
    /// ascending, entry after entry in the order the entries were given: one array, so that
    /// scoring a candidate reads one slice and follows no pointer.
    terms: Vec<(u32, f32)>,
    /// Where each entry's pieces start in `terms`, and where the last one's end.
    offsets: Vec<usize>,
    /// How many distinct pieces there are (piece ids are below this).
    pieces: usize,
    /// Each entry's distinct word ids (ids in the sorted order of the words), ascending.
    words: Vec<Vec<u32>>,
    /// In how many entries each word id occurs.
    word_frequency: Vec<u32>,
}

impl Corpus {
    /// Weighs the pieces of every entry's words by TF-IDF: `(1 + ln tf) · (1 + ln((n + 1) /
    /// (df + 1)))`, then scales each vector to unit length.
    ///
    /// Word ids and piece ids are given in the sorted order of the words and of the pieces'
    /// hashes, so the vectors depend only on the set of entries, never on the order they came
    /// in or on the thread count. A word is cut into pieces once, however many entries use it:
    /// in a large corpus most words recur, and cutting and hashing them was most of the cost.
    #[must_use]
    #[allow(
        clippy::too_many_lines,
        reason = "one pass from words to weighted vectors, each step commented"
    )]
    pub fn new(texts: &[NormalisedText]) -> Corpus {
        let mut vocabulary: Vec<&str> = texts
            .par_iter()
            .flat_map_iter(|t| t.tokens.iter().map(String::as_str))
            .collect();
        vocabulary.par_sort_unstable();
        vocabulary.dedup();
        let word_id: HashMap<&str, u32> = vocabulary
            .iter()
            .enumerate()
            .map(|(id, word)| (*word, id as u32))
            .collect();
        // Each entry's words as ids, in the order written, repeats kept (term frequency).
        let tokens: Vec<Vec<u32>> = texts
            .par_iter()
            .map(|t| t.tokens.iter().map(|w| word_id[w.as_str()]).collect())
            .collect();
        drop(word_id);
        let piece_hashes: Vec<Vec<u64>> = vocabulary
            .par_iter()
            .map(|word| {
                let mut out = Vec::new();
                pieces(word, &mut out);
                out
            })
            .collect();
        let mut piece_vocabulary: Vec<u64> = piece_hashes.iter().flatten().copied().collect();
        piece_vocabulary.par_sort_unstable();
        piece_vocabulary.dedup();
        let word_pieces: Vec<Vec<u32>> = piece_hashes
            .par_iter()
            .map(|hashes| {
                hashes
                    .iter()
                    // Every piece is in the vocabulary, which was made from them.
                    .map(|h| piece_vocabulary.binary_search(h).unwrap_or_else(|at| at) as u32)
                    .collect()
            })
            .collect();
        drop(piece_hashes);
        // A concept is one piece weighted as CONCEPT_PIECES equal pieces would be (the same
        // cosine, since both the norm and the dot product take the square), so that vectors
        // stay as short as their words make them.
        let mut concept_piece = vec![false; piece_vocabulary.len()];
        for (word, own) in vocabulary.iter().zip(&word_pieces) {
            if is_concept(word) {
                for &piece in own {
                    concept_piece[piece as usize] = true;
                }
            }
        }
        let concept_scale = f64::from(CONCEPT_PIECES).sqrt();
        let implied_scale = f64::from(IMPLIED_PIECES).sqrt();
        let implied_word: Vec<bool> = vocabulary
            .iter()
            .map(|word| implied_concept(word).is_some())
            .collect();
        // The word the index files an implied concept under: the named concept's, when some
        // entry names it, so that the two are compared.
        let index_word: Vec<u32> = vocabulary
            .iter()
            .enumerate()
            .map(|(id, word)| {
                implied_concept(word)
                    .and_then(|named| vocabulary.binary_search(&named.as_str()).ok())
                    .unwrap_or(id) as u32
            })
            .collect();
        // Each entry's pieces, sorted, repeats kept: runs are (piece, term frequency); and
        // the pieces of the concepts it only implies (an entry never both names and implies
        // one concept).
        let features: Vec<(Vec<u32>, Vec<u32>)> = tokens
            .par_iter()
            .map(|words| {
                let mut own: Vec<u32> = words
                    .iter()
                    .flat_map(|&w| word_pieces[w as usize].iter().copied())
                    .collect();
                own.sort_unstable();
                let mut implied: Vec<u32> = words
                    .iter()
                    .filter(|&&w| implied_word[w as usize])
                    .flat_map(|&w| word_pieces[w as usize].iter().copied())
                    .collect();
                implied.sort_unstable();
                (own, implied)
            })
            .collect();
        let mut document_frequency = vec![0u32; piece_vocabulary.len()];
        for (own, _) in &features {
            for run in own.chunk_by(|a, b| a == b) {
                document_frequency[run[0] as usize] += 1;
            }
        }
        let n = texts.len() as f64;
        let vectors = features
            .par_iter()
            .map(|(own, implied)| -> Vec<(u32, f32)> {
                let mut terms: Vec<(u32, f32)> = Vec::new();
                for run in own.chunk_by(|a, b| a == b) {
                    let id = run[0];
                    let tf = 1.0 + (run.len() as f64).ln();
                    let df = f64::from(document_frequency[id as usize]);
                    let idf = 1.0 + ((n + 1.0) / (df + 1.0)).ln();
                    let scale = if !concept_piece[id as usize] {
                        1.0
                    } else if implied.binary_search(&id).is_ok() {
                        implied_scale
                    } else {
                        concept_scale
                    };
                    terms.push((id, (tf * idf * scale) as f32));
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
                terms
            })
            .collect::<Vec<_>>();
        let mut offsets = Vec::with_capacity(vectors.len() + 1);
        offsets.push(0);
        for vector in &vectors {
            offsets.push(offsets[offsets.len() - 1] + vector.len());
        }
        let terms = vectors.into_iter().flatten().collect();
        let words: Vec<Vec<u32>> = tokens
            .into_par_iter()
            .map(|mut own| {
                for id in &mut own {
                    *id = index_word[*id as usize];
                }
                own.sort_unstable();
                own.dedup();
                own
            })
            .collect();
        let mut word_frequency = vec![0u32; vocabulary.len()];
        for own in &words {
            for &id in own {
                word_frequency[id as usize] += 1;
            }
        }
        Corpus {
            terms,
            offsets,
            pieces: piece_vocabulary.len(),
            words,
            word_frequency,
        }
    }

    /// How many entries the corpus holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether the corpus holds no entry.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// An entry's weighted pieces.
    fn vector(&self, entry: usize) -> &[(u32, f32)] {
        &self.terms[self.offsets[entry]..self.offsets[entry + 1]]
    }

    /// The cosine of two entries' vectors: 0 (no piece in common) to 1 (the same words,
    /// equally weighted). Summed in piece-id order, as [`Corpus::similar_pairs`] does, so the
    /// two agree to the last bit and the result never depends on threads.
    #[must_use]
    pub fn cosine(&self, a: usize, b: usize) -> f64 {
        let (a, b) = (self.vector(a), self.vector(b));
        let (mut i, mut j) = (0, 0);
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

    /// Every pair of entries in the same group (`group[i] == group[j]`, e.g. issues with
    /// issues) that share a word used by at most [`MAX_POSTING`] entries and whose similarity,
    /// the cosine times `adjust(i, j)`, is at least `floor`, as `(i, j, similarity)` with
    /// `i < j`, sorted by `i` then `j`. `adjust` may only lower a score.
    ///
    /// # Panics
    ///
    /// When `group` does not give one group per entry.
    pub fn similar_pairs<G: Eq + Sync>(
        &self,
        group: &[G],
        floor: f64,
        adjust: impl Fn(usize, usize) -> f64 + Sync,
    ) -> Vec<(usize, usize, f64)> {
        let none = Nearest {
            floor,
            per_entry: 0,
            eligible: |_, _| false,
        };
        self.similar_pairs_with_nearest(group, floor, &none, adjust)
    }

    /// [`Corpus::similar_pairs`], and below `floor` each entry's `nearest.per_entry` most
    /// similar later entries for which `nearest.eligible(i, j)` holds, down to `nearest.floor`:
    /// the few weak pairs worth showing an editor, without collecting every weak pair of a
    /// large corpus.
    ///
    /// # Panics
    ///
    /// When `group` does not give one group per entry.
    pub fn similar_pairs_with_nearest<G: Eq + Sync, E: Fn(usize, usize) -> bool + Sync>(
        &self,
        group: &[G],
        floor: f64,
        nearest: &Nearest<E>,
        adjust: impl Fn(usize, usize) -> f64 + Sync,
    ) -> Vec<(usize, usize, f64)> {
        let lowest = floor.min(nearest.floor);
        assert_eq!(group.len(), self.len(), "one group per entry");
        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); self.word_frequency.len()];
        for (entry, words) in self.words.iter().enumerate() {
            for &word in words {
                if self.indexed(word) {
                    postings[word as usize].push(entry as u32);
                }
            }
        }
        // Entries with the very same words are always compared, however common the words.
        let mut same_words: HashMap<&[u32], Vec<u32>> = HashMap::new();
        for (entry, words) in self.words.iter().enumerate() {
            if !words.is_empty() {
                same_words.entry(words).or_default().push(entry as u32);
            }
        }
        (0..self.len())
            .into_par_iter()
            // Each thread keeps a dense copy of the entry it scores from, so that a candidate's
            // cosine is one pass over its own pieces. Sums run in piece-id order, as in
            // `Corpus::cosine`, so scores never depend on threads.
            .map_init(
                || vec![0f32; self.pieces],
                |dense, x| {
                    let mut candidates: Vec<u32> = Vec::new();
                    for &word in &self.words[x] {
                        if !self.indexed(word) {
                            continue;
                        }
                        let posting = &postings[word as usize];
                        let after = posting.partition_point(|&y| y as usize <= x);
                        candidates.extend(
                            posting[after..]
                                .iter()
                                .filter(|&&y| group[y as usize] == group[x]),
                        );
                    }
                    if let Some(twins) = same_words.get(self.words[x].as_slice()) {
                        candidates.extend(
                            twins
                                .iter()
                                .filter(|&&y| y as usize > x && group[y as usize] == group[x]),
                        );
                    }
                    // Ascending, so that candidates' pieces are read in the order they lie in
                    // `terms`: most of the time goes into reading them.
                    candidates.sort_unstable();
                    candidates.dedup();
                    for &(id, weight) in self.vector(x) {
                        dense[id as usize] = weight;
                    }
                    let mut found: Vec<(usize, usize, f64)> = Vec::new();
                    let mut weak: Vec<(usize, usize, f64)> = Vec::new();
                    for y in candidates {
                        let y = y as usize;
                        let cosine: f64 = self
                            .vector(y)
                            .iter()
                            .map(|&(id, weight)| f64::from(dense[id as usize]) * f64::from(weight))
                            .sum::<f64>()
                            .min(1.0);
                        if cosine < lowest {
                            continue;
                        }
                        let score = cosine * adjust(x, y).clamp(0.0, 1.0);
                        if score >= floor {
                            found.push((x, y, score));
                        } else if score >= nearest.floor && (nearest.eligible)(x, y) {
                            weak.push((x, y, score));
                        }
                    }
                    // The best weak pairs, ties to the earlier entry: never thread-dependent.
                    weak.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.1.cmp(&b.1)));
                    weak.truncate(nearest.per_entry);
                    found.extend(weak);
                    found.sort_by_key(|&(_, y, _)| y);
                    for &(id, _) in self.vector(x) {
                        dense[id as usize] = 0.0;
                    }
                    found
                },
            )
            .flatten()
            .collect()
    }

    /// Whether a word brings entries together: used by two entries at least, and by no more
    /// than [`MAX_POSTING`].
    fn indexed(&self, word: u32) -> bool {
        let df = self.word_frequency[word as usize] as usize;
        (2..=MAX_POSTING).contains(&df)
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::float_cmp,
        reason = "the scores compared are exact by construction"
    )]

    use super::*;

    fn text(words: &str) -> NormalisedText {
        NormalisedText {
            tokens: words.split_whitespace().map(str::to_owned).collect(),
            stance: crate::consolidate::normalise::Stance::Neutral,
            stage: None,
            members: Vec::new(),
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
        for v in 0..corpus.len() {
            assert!((corpus.cosine(v, v) - 1.0).abs() < 1e-6);
        }
        // "kafala" is rarer than "migrant": sharing it counts for more.
        assert!(corpus.cosine(0, 3) > corpus.cosine(0, 1));
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
        assert!(corpus.cosine(0, 1) > 0.7);
        assert_eq!(corpus.cosine(0, 2), 0.0);
        let same = Corpus::new(&[text("a b"), text("b a")]);
        assert!((same.cosine(0, 1) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn an_implied_concept_meets_the_named_one_and_weighs_less() {
        let corpus = Corpus::new(&[
            text("immigr §detention"),
            text("privat prison §private-detention §~detention"),
            text("privat prison §private-detention §detention"),
            text("fee"),
        ]);
        // Implied and named share the concept's piece, and the index compares them.
        assert!(corpus.cosine(0, 1) > 0.0);
        let pairs = corpus.similar_pairs(&[0, 0, 0, 0], 0.01, |_, _| 1.0);
        assert!(pairs.iter().any(|&(a, b, _)| (a, b) == (0, 1)), "{pairs:?}");
        // The same words, with the concept named rather than implied: it counts for more.
        assert!(corpus.cosine(0, 2) > corpus.cosine(0, 1));
    }

    #[test]
    fn opposite_stances_and_different_numbers_count_less() {
        let normaliser = crate::consolidate::normalise::Normaliser::default();
        let n = |t: &str| normaliser.normalise(t, "en");
        let expand = n("Expand temporary labour migration programmes");
        let phase_out = n("Phase out temporary labour migration programmes");
        assert_eq!(contrast(&expand, &phase_out), CONTRAST_FACTOR);
        let c189 = n("Ratify ILO Convention 189");
        let c1990 = n("Ratify the 1990 Convention");
        assert_eq!(contrast(&c189, &c1990), CONTRAST_FACTOR);
        assert_eq!(contrast(&c189, &n("Ratification of Convention 189")), 1.0);
        assert_eq!(contrast(&expand, &n("Temporary programmes")), 1.0);
        // Ratifying a convention and implementing it are two demands; a relative clause ("the
        // states that have ratified it") says which states, not which demand.
        let ratify = n("Ratification of the Migrant Workers Convention");
        let implement = n("States that have ratified the Convention do not implement it");
        assert_eq!(contrast(&ratify, &implement), CONTRAST_FACTOR);
        let ratify_too = n("Urge states to ratify the Migrant Workers Convention");
        assert_eq!(contrast(&ratify, &ratify_too), 1.0);
    }

    /// The index finds exactly the pairs above the floor that share an indexed word or have the
    /// same words, as comparing every pair does.
    #[test]
    fn the_index_finds_every_pair_that_shares_a_word() {
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
        assert!(
            corpus
                .word_frequency
                .iter()
                .any(|&df| df as usize > MAX_POSTING),
            "some words are too common to be indexed"
        );
        let groups: Vec<bool> = (0..texts.len()).map(|i| i % 2 == 0).collect();
        for floor in [0.2, 0.5, 0.8] {
            let found = corpus.similar_pairs(&groups, floor, |_, _| 1.0);
            let mut expected = Vec::new();
            for i in 0..texts.len() {
                for j in i + 1..texts.len() {
                    let score = corpus.cosine(i, j);
                    let share = corpus.words[i]
                        .iter()
                        .any(|w| corpus.indexed(*w) && corpus.words[j].contains(w));
                    let twins = !corpus.words[i].is_empty() && corpus.words[i] == corpus.words[j];
                    if groups[i] == groups[j] && (share || twins) && score >= floor {
                        expected.push((i, j, score));
                    }
                }
            }
            assert!(!expected.is_empty());
            assert_eq!(found, expected, "floor {floor}");
        }
    }
}
