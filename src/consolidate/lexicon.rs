//! The vocabulary of the field, as data: what word overlap cannot know.
//!
//! Drafters who write freely name one thing in many ways ("the press", "media outlets"; "kafala",
//! "employer-tied visas"), and two entries that share every word but one can be about different
//! people ("training police to protect women" against "... to protect children"). A lexicon
//! says both:
//!
//! - a **concept** gathers the terms that name one thing. After normalisation every term an
//!   entry uses gains its concept's token beside its own words, so that two entries that name
//!   the thing differently share the concept, while two that use the same term keep all they
//!   shared (replacing the words instead loses recall where drafters reuse each other's words);
//! - a **distinct set** lists concepts that are different things of one kind (groups of people,
//!   services, instruments, places). Two entries that each name members of a set, and no
//!   member in common, are about different things: [`crate::consolidate::similarity::contrast`]
//!   lowers their score as it does for opposite stances.
//!
//! The lexicon shipped with the crate (`lexicon/migration.toml`) covers international migration;
//! a process extends it, or replaces it, in the `[lexicon]` table of `report.toml`. Terms are
//! normalised exactly as entries are (spelling, stop words, stems), so a term matches every
//! inflection the stemmer joins. Where terms overlap, the longest wins.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use crate::consolidate::normalise::{NormalisedText, Normaliser};
use crate::diagnostic::suggest::nearest_key;
use crate::model::LexiconSettings;

/// The lexicon shipped with the crate, as its TOML text.
pub const SHIPPED: &str = include_str!("../../lexicon/migration.toml");

/// The longest term, in words of meaning (function words such as "of" and "the" do not count):
/// enough for the full title of a treaty ("International Convention on the Protection of the
/// Rights of All Migrant Workers and Members of Their Families" has eight), which drafters do
/// write out, and short enough that a term stays a name rather than a sentence.
pub const MAX_TERM_WORDS: usize = 8;

/// From how many words of meaning a term is read as a name: its words are not compared on
/// their own. "Global Forum on Migration and Development" names a forum; an entry that names it
/// says nothing about migration or development, and counting its words made it alike to "no
/// place for migration in development". Shorter terms ("recruitment fees", "domestic workers")
/// keep their words beside the concept, since they also share words with entries that say
/// them differently: from three words, the labelled sets lost more merges than they gained.
pub const NAME_WORDS: usize = 4;

/// What marks a token as a concept rather than a word: a character no normalised word has.
const CONCEPT_MARK: char = '§';

/// The shipped lexicon, parsed once.
pub fn shipped() -> &'static LexiconSettings {
    static SHIPPED_SETTINGS: OnceLock<LexiconSettings> = OnceLock::new();
    SHIPPED_SETTINGS.get_or_init(|| {
        // The file has the shape of report.toml's `[lexicon]` table. It is checked by the
        // tests; should it ever fail to parse, consolidation goes on without it rather than
        // stopping a build.
        toml::from_str::<LexiconSettings>(SHIPPED).unwrap_or_else(|_| LexiconSettings {
            builtin: false,
            ..LexiconSettings::default()
        })
    })
}

/// What follows [`CONCEPT_MARK`] in the token of a concept the entry does not name itself but
/// implies (through `broader` or `implied_by`): such a concept weighs less than a named one.
const IMPLIED_MARK: char = '~';

/// Whether a token stands for a concept (see [`Lexicon::apply`]).
#[must_use]
pub fn is_concept(token: &str) -> bool {
    token.starts_with(CONCEPT_MARK)
}

/// The concept an implied concept's token stands for, as the token of a named concept
/// would say it; `None` when `token` is not an implied concept.
#[must_use]
pub fn implied_concept(token: &str) -> Option<String> {
    token
        .strip_prefix(CONCEPT_MARK)
        .and_then(|rest| rest.strip_prefix(IMPLIED_MARK))
        .map(|id| format!("{CONCEPT_MARK}{id}"))
}

/// A problem in a lexicon, with the span in `report.toml` when it comes from there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconProblem {
    /// What it is about.
    pub kind: ProblemKind,
    /// Where, in `report.toml`; `None` in the shipped lexicon.
    pub span: Option<Range<usize>>,
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub help: String,
}

/// The two rules a lexicon keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// A distinct set, or a concept's `broader` or `implied_by`, names a concept no
    /// `[[concept]]` defines.
    UnknownConcept,
    /// A term that is empty, too long, only function words, or already another concept's.
    BadTerm,
}

/// A lexicon ready to apply: terms as normalised token sequences, longest first.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// For each first token, the phrases that start with it and their concept, longest first.
    phrases: HashMap<String, Vec<(Vec<String>, u32)>>,
    /// Each concept's token (`§id`), by concept index.
    tokens: Vec<String>,
    /// Each concept's token when an entry only implies it (`§~id`), by concept index.
    implied_tokens: Vec<String>,
    /// For each concept, the distinct sets it is a member of.
    sets_of: Vec<Vec<u16>>,
    /// For each concept, every concept it is a kind of, through any chain of `broader`,
    /// ascending and without itself.
    broader: Vec<Vec<u32>>,
    /// For each concept, whether it is a member of a set of qualifiers.
    qualifier: Vec<bool>,
    /// For each concept, whether it is only a part of others (`part_only`).
    part_only: Vec<bool>,
    /// The concepts that others imply together: the ones needed, and the one they imply.
    compounds: Vec<(Vec<u32>, u32)>,
    /// For each concept, the rules of `compounds` that need it.
    compounds_of: HashMap<u32, Vec<usize>>,
}

impl Lexicon {
    /// The lexicon `settings` ask for (the shipped one first, unless `builtin = false`), with
    /// terms normalised by `normaliser`, and the problems of `settings`' own additions.
    #[must_use]
    pub fn build(
        settings: &LexiconSettings,
        normaliser: &Normaliser,
    ) -> (Lexicon, Vec<LexiconProblem>) {
        let mut builder = Builder::default();
        if settings.builtin {
            builder.add(shipped(), normaliser, false);
        }
        builder.add(settings, normaliser, true);
        builder.finish()
    }

    /// Whether the lexicon knows no concept at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// `text` with every term followed by its concept's token, and the distinct-set members
    /// it names, for comparing entries. References to entries never use this form: they stay
    /// those of the plain words, so that a new lexicon does not make the editors' decisions
    /// stale.
    #[must_use]
    pub fn apply(&self, mut text: NormalisedText) -> NormalisedText {
        // Where each term ends, its length and its concept.
        let mut found: Vec<(usize, usize, u32)> = Vec::new();
        let tokens = &text.tokens;
        let mut i = 0;
        while i < tokens.len() {
            let term = self.phrases.get(&tokens[i]).and_then(|candidates| {
                candidates
                    .iter()
                    .find(|(phrase, _)| tokens[i..].starts_with(phrase))
            });
            if let Some((phrase, concept)) = term {
                i += phrase.len();
                found.push((i, phrase.len(), *concept));
            } else {
                i += 1;
            }
        }
        if found.is_empty() {
            return text;
        }
        let words = std::mem::take(&mut text.tokens);
        // Words that are not compared on their own: those of a name, and those of a
        // qualifier, which says how far a demand goes rather than what it is about.
        let mut of_a_name = vec![false; words.len()];
        for &(end, length, concept) in &found {
            if length >= NAME_WORDS || self.qualifier[concept as usize] {
                of_a_name[end - length..end].fill(true);
            }
        }
        // A broader concept is named once, after the first term that implies it, and not at
        // all when the entry names it itself: "detention, including private detention" names
        // detention as often as "detention" does.
        let named: Vec<u32> = found.iter().map(|&(_, _, concept)| concept).collect();
        let mut implied: Vec<u32> = Vec::new();
        text.tokens.reserve(words.len() + found.len());
        let mut ends = found.iter().peekable();
        for ((at, word), of_a_name) in words.into_iter().enumerate().zip(of_a_name) {
            if !of_a_name {
                text.tokens.push(word);
            }
            while let Some(&&(_, _, concept)) = ends.peek().filter(|(end, _, _)| *end == at + 1) {
                self.name(concept, false, &mut text);
                for &broader in &self.broader[concept as usize] {
                    if !named.contains(&broader) && !implied.contains(&broader) {
                        implied.push(broader);
                        self.name(broader, true, &mut text);
                    }
                }
                ends.next();
            }
        }
        self.name_compounds(named, implied, &mut text);
        text.members.sort_unstable();
        text.members.dedup();
        text
    }

    /// The terms that hide a member of a distinct set inside a longer phrase of another
    /// concept, as `(term, its concept, the member's concept)`: since the longest term wins,
    /// "pregnancy tests" as a term of medical testing would keep an entry from naming
    /// pregnancy, and so from being told apart from one about HIV tests. A term may hold a
    /// member when its concept is a kind of that member (`broader`).
    #[cfg(test)]
    fn hidden_members(&self) -> Vec<(String, String, String)> {
        let id = |concept: u32| self.tokens[concept as usize][CONCEPT_MARK.len_utf8()..].to_owned();
        let mut hidden = Vec::new();
        for candidates in self.phrases.values() {
            // A name stands for itself: "Convention on the Elimination of All Forms of
            // Discrimination against Women" is about an instrument, not about a ban.
            for (phrase, concept) in candidates.iter().filter(|(p, _)| p.len() < NAME_WORDS) {
                for start in 0..phrase.len() {
                    for end in start + 1..=phrase.len() {
                        if end - start == phrase.len() {
                            continue;
                        }
                        let part = &phrase[start..end];
                        let Some(&(_, inner)) = self
                            .phrases
                            .get(&part[0])
                            .and_then(|c| c.iter().find(|(p, _)| p.as_slice() == part))
                        else {
                            continue;
                        };
                        if inner != *concept
                            && !self.sets_of[inner as usize].is_empty()
                            && !self.broader[*concept as usize].contains(&inner)
                        {
                            hidden.push((phrase.join(" "), id(*concept), id(inner)));
                        }
                    }
                }
            }
        }
        hidden.sort();
        hidden.dedup();
        hidden
    }

    /// Names, after the entry's words, every concept that the concepts it names imply
    /// together (`implied_by`), and what those are kinds of, until nothing more follows: "the
    /// cost of sending money home" names remittances and costs, which together are
    /// remittance costs.
    fn name_compounds(&self, named: Vec<u32>, implied: Vec<u32>, text: &mut NormalisedText) {
        if self.compounds.is_empty() {
            return;
        }
        let mut present = named;
        present.extend(implied);
        let mut checked = 0;
        while checked < present.len() {
            let concept = present[checked];
            checked += 1;
            let Some(rules) = self.compounds_of.get(&concept) else {
                continue;
            };
            for &rule in rules {
                let (needs, compound) = &self.compounds[rule];
                if present.contains(compound) || !needs.iter().all(|n| present.contains(n)) {
                    continue;
                }
                for &next in std::iter::once(compound).chain(&self.broader[*compound as usize]) {
                    if !present.contains(&next) {
                        present.push(next);
                        self.name(next, true, text);
                    }
                }
            }
        }
    }

    /// Adds `concept`'s token to `text`, as named or as `implied` (unless it is a qualifier,
    /// which only tells entries apart), and its place in the distinct sets.
    fn name(&self, concept: u32, implied: bool, text: &mut NormalisedText) {
        if !self.qualifier[concept as usize] && !self.part_only[concept as usize] {
            let tokens = if implied {
                &self.implied_tokens
            } else {
                &self.tokens
            };
            text.tokens.push(tokens[concept as usize].clone());
        }
        for &set in &self.sets_of[concept as usize] {
            text.members.push((set, concept));
        }
    }
}

/// Gathers concepts and sets from the shipped lexicon and a process's additions.
#[derive(Default)]
struct Builder {
    concept_ids: Vec<String>,
    concept_index: HashMap<String, u32>,
    /// Normalised phrase → its concept and the term as written.
    phrases: HashMap<Vec<String>, (u32, String)>,
    set_ids: Vec<String>,
    set_index: HashMap<String, u16>,
    members: Vec<Vec<u32>>,
    /// For each set, whether its members are qualifiers.
    qualifiers: Vec<bool>,
    /// The concepts that are only parts of others.
    part_only: Vec<u32>,
    /// Each concept's `broader` ids as written, with their place: checked once every concept
    /// is known, since a concept may name one defined further down or in `report.toml`.
    broader: Vec<(u32, IdAt)>,
    /// Each concept's `implied_by` lists as written, likewise checked at the end.
    implied_by: Vec<(u32, Vec<IdAt>)>,
    problems: Vec<LexiconProblem>,
}

/// A concept id as a lexicon writes it in `broader` or `implied_by`, and where (in
/// `report.toml`; `None` in the shipped lexicon).
type IdAt = (String, Option<Range<usize>>);

impl Builder {
    fn add(&mut self, settings: &LexiconSettings, normaliser: &Normaliser, spans: bool) {
        let span = |range: Range<usize>| spans.then_some(range);
        for concept in &settings.concept {
            let concept = concept.get_ref();
            let id = concept.id.get_ref().trim().to_owned();
            let index = self.concept(&id);
            if concept.part_only {
                self.part_only.push(index);
            }
            let id_at =
                |id: &toml::Spanned<String>| (id.get_ref().trim().to_owned(), span(id.span()));
            for broader in &concept.broader {
                self.broader.push((index, id_at(broader)));
            }
            for needs in &concept.implied_by {
                self.implied_by
                    .push((index, needs.iter().map(id_at).collect()));
            }
            for term in &concept.terms {
                let written = term.get_ref().trim();
                let phrase = normaliser.normalise(written, "en").tokens;
                let words = phrase.len();
                let problem = if written.is_empty() {
                    Some((
                        "a term is empty".to_owned(),
                        "write a word or a short phrase, or remove the empty term".to_owned(),
                    ))
                } else if words > MAX_TERM_WORDS {
                    Some((
                        format!("the term \"{written}\" has {words} words of meaning; a term has at most {MAX_TERM_WORDS}"),
                        "a term names one thing: write the name or the short phrase drafters use, not a sentence".to_owned(),
                    ))
                } else if phrase.is_empty() {
                    Some((
                        format!(
                            "the term \"{written}\" has only function words, which are ignored when entries are compared"
                        ),
                        "write a term with at least one word of meaning".to_owned(),
                    ))
                } else {
                    match self.phrases.get(&phrase) {
                        Some((other, as_written)) if *other != index => Some((
                            format!(
                                "the term \"{written}\" is already a term of the concept `{}` (as \"{as_written}\")",
                                self.concept_ids[*other as usize]
                            ),
                            "a term names one concept: remove it here, or merge the two concepts"
                                .to_owned(),
                        )),
                        _ => None,
                    }
                };
                match problem {
                    Some((message, help)) => self.problems.push(LexiconProblem {
                        kind: ProblemKind::BadTerm,
                        span: span(term.span()),
                        message,
                        help,
                    }),
                    None => {
                        self.phrases.insert(phrase, (index, written.to_owned()));
                    }
                }
            }
        }
        for set in &settings.distinct {
            let set = set.get_ref();
            let id = set.id.get_ref().trim().to_owned();
            let index = if let Some(&index) = self.set_index.get(&id) {
                index
            } else {
                let index = u16::try_from(self.set_ids.len()).unwrap_or(u16::MAX);
                self.set_index.insert(id.clone(), index);
                self.set_ids.push(id);
                self.members.push(Vec::new());
                self.qualifiers.push(false);
                index
            };
            if set.qualifiers {
                self.qualifiers[usize::from(index)] = true;
            }
            for member in &set.members {
                let name = member.get_ref().trim();
                if let Some(&concept) = self.concept_index.get(name) {
                    self.members[usize::from(index)].push(concept);
                } else {
                    let known: Vec<&str> = self.concept_ids.iter().map(String::as_str).collect();
                    let help = match nearest_key(name, &known) {
                        Some(nearest) => format!("did you mean `{nearest}`? a member is the id of a concept; define it with [[lexicon.concept]] if it is new"),
                        None => "a member is the id of a concept: define it with [[lexicon.concept]] (an id and its terms)".to_owned(),
                    };
                    self.problems.push(LexiconProblem {
                        kind: ProblemKind::UnknownConcept,
                        span: span(member.span()),
                        message: format!("the distinct set `{}` names `{name}`, which is not a concept of the lexicon", set.id.get_ref().trim()),
                        help,
                    });
                }
            }
        }
    }

    /// For each concept, the concepts it is a kind of, directly or through a chain; an id
    /// that names no concept is a problem. A loop ("a" broader "b", "b" broader "a") only
    /// makes the two imply each other.
    fn broader_closure(&mut self) -> Vec<Vec<u32>> {
        let mut direct: Vec<Vec<u32>> = vec![Vec::new(); self.concept_ids.len()];
        for (concept, (id, span)) in std::mem::take(&mut self.broader) {
            if let Some(&other) = self.concept_index.get(&id) {
                if other != concept {
                    direct[concept as usize].push(other);
                }
            } else {
                self.unknown_concept(concept, "is a kind of", "broader", (id, span));
            }
        }
        (0..direct.len())
            .map(|start| {
                let mut reached: Vec<u32> = Vec::new();
                let mut to_visit = direct[start].clone();
                while let Some(next) = to_visit.pop() {
                    if next as usize != start && !reached.contains(&next) {
                        reached.push(next);
                        to_visit.extend(&direct[next as usize]);
                    }
                }
                reached.sort_unstable();
                reached
            })
            .collect()
    }

    /// The `implied_by` rules with their ids resolved; a rule that names an unknown concept
    /// is a problem and is left out.
    fn compounds(&mut self) -> Vec<(Vec<u32>, u32)> {
        let mut rules = Vec::new();
        for (compound, needs) in std::mem::take(&mut self.implied_by) {
            let mut resolved = Vec::new();
            for (id, span) in needs {
                if let Some(&need) = self.concept_index.get(&id) {
                    resolved.push(need);
                } else {
                    self.unknown_concept(compound, "is implied by", "implied_by", (id, span));
                    resolved.clear();
                    break;
                }
            }
            resolved.sort_unstable();
            resolved.dedup();
            resolved.retain(|&need| need != compound);
            if !resolved.is_empty() {
                rules.push((resolved, compound));
            }
        }
        rules
    }

    /// Reports that `concept`'s `field` names `id`, which no concept has, with the nearest id.
    fn unknown_concept(&mut self, concept: u32, relation: &str, field: &str, (id, span): IdAt) {
        let known: Vec<&str> = self.concept_ids.iter().map(String::as_str).collect();
        let help = match nearest_key(&id, &known) {
            Some(nearest) => format!(
                "did you mean `{nearest}`? `{field}` lists ids of concepts; define it with [[lexicon.concept]] if it is new"
            ),
            None => format!(
                "`{field}` lists ids of concepts: define it with [[lexicon.concept]] (an id and its terms)"
            ),
        };
        self.problems.push(LexiconProblem {
            kind: ProblemKind::UnknownConcept,
            span,
            message: format!(
                "the concept `{}` {relation} `{id}`, which is not a concept of the lexicon",
                self.concept_ids[concept as usize]
            ),
            help,
        });
    }

    /// The index of concept `id`, defined now if it is new.
    fn concept(&mut self, id: &str) -> u32 {
        if let Some(&index) = self.concept_index.get(id) {
            return index;
        }
        let index = u32::try_from(self.concept_ids.len()).unwrap_or(u32::MAX);
        self.concept_index.insert(id.to_owned(), index);
        self.concept_ids.push(id.to_owned());
        index
    }

    fn finish(mut self) -> (Lexicon, Vec<LexiconProblem>) {
        let broader = self.broader_closure();
        let compounds = self.compounds();
        let mut compounds_of: HashMap<u32, Vec<usize>> = HashMap::new();
        for (rule, (needs, _)) in compounds.iter().enumerate() {
            for &need in needs {
                compounds_of.entry(need).or_default().push(rule);
            }
        }
        let mut sets_of: Vec<Vec<u16>> = vec![Vec::new(); self.concept_ids.len()];
        let mut qualifier = vec![false; self.concept_ids.len()];
        let mut part_only = vec![false; self.concept_ids.len()];
        for &concept in &self.part_only {
            part_only[concept as usize] = true;
        }
        for (set, members) in self.members.iter().enumerate() {
            for &concept in members {
                qualifier[concept as usize] |= self.qualifiers[set];
                let set = u16::try_from(set).unwrap_or(u16::MAX);
                if !sets_of[concept as usize].contains(&set) {
                    sets_of[concept as usize].push(set);
                }
            }
        }
        let mut phrases: HashMap<String, Vec<(Vec<String>, u32)>> = HashMap::new();
        for (phrase, (concept, _)) in self.phrases {
            phrases
                .entry(phrase[0].clone())
                .or_default()
                .push((phrase, concept));
        }
        for candidates in phrases.values_mut() {
            // Longest first; among equals, a fixed order, so that matching never depends on
            // the hash map's.
            candidates.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        }
        let tokens = self
            .concept_ids
            .iter()
            .map(|id| format!("{CONCEPT_MARK}{id}"))
            .collect();
        let implied_tokens = self
            .concept_ids
            .iter()
            .map(|id| format!("{CONCEPT_MARK}{IMPLIED_MARK}{id}"))
            .collect();
        (
            Lexicon {
                phrases,
                tokens,
                implied_tokens,
                sets_of,
                broader,
                qualifier,
                part_only,
                compounds,
                compounds_of,
            },
            self.problems,
        )
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    fn lexicon(extra: &str) -> (Lexicon, Vec<LexiconProblem>) {
        #[derive(Deserialize)]
        struct Report {
            lexicon: LexiconSettings,
        }
        let report: Report = toml::from_str(extra).unwrap();
        Lexicon::build(&report.lexicon, &Normaliser::default())
    }

    /// The lexicon of `extra`, which must have no problem.
    fn clean_lexicon(extra: &str) -> Lexicon {
        let (lexicon, problems) = lexicon(extra);
        assert!(problems.is_empty(), "{problems:?}");
        lexicon
    }

    fn tokens(lexicon: &Lexicon, text: &str) -> Vec<String> {
        lexicon
            .apply(Normaliser::default().normalise(text, "en"))
            .tokens
    }

    #[test]
    fn the_shipped_lexicon_parses_and_keeps_its_rules() {
        let settings = shipped();
        assert!(settings.builtin, "the shipped lexicon failed to parse");
        assert!(settings.concept.len() > 100, "{}", settings.concept.len());
        let (lexicon, problems) =
            Lexicon::build(&LexiconSettings::default(), &Normaliser::default());
        assert!(!lexicon.is_empty());
        assert_eq!(problems, Vec::new());
    }

    /// How many terms of the shipped lexicon may hide a member of a distinct set: those that
    /// rightly do ("exchange houses" is no housing, "crop failure" no farm work) and those not
    /// yet looked at. It only ever goes down: a new term that hides a member must make its
    /// concept a kind of the member (`broader`), or be looked at and counted here.
    const HIDDEN_MEMBERS_AT_MOST: usize = 237;

    #[test]
    fn terms_of_the_shipped_lexicon_hide_no_more_members_than_counted() {
        let (lexicon, _) = Lexicon::build(&LexiconSettings::default(), &Normaliser::default());
        let hidden = lexicon.hidden_members();
        assert!(
            hidden.len() <= HIDDEN_MEMBERS_AT_MOST,
            "{} terms hide a member:\n{}",
            hidden.len(),
            hidden
                .iter()
                .map(|(term, concept, member)| format!("{term} ({concept}) hides {member}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    #[test]
    fn synonyms_become_one_concept_and_the_longest_term_wins() {
        let lexicon = clean_lexicon(
            "[lexicon]\nbuiltin = false\n[[lexicon.concept]]\nid = \"media\"\nterms = [\"media\", \"news outlets\"]\n[[lexicon.concept]]\nid = \"fees\"\nterms = [\"fees\", \"recruitment fees\"]\n",
        );
        assert_eq!(
            tokens(&lexicon, "Biased news outlets"),
            ["bias", "news", "outlet", "§media"]
        );
        assert_eq!(
            tokens(&lexicon, "the media are biased"),
            ["media", "§media", "bias"]
        );
        assert_eq!(
            tokens(&lexicon, "Recruitment fees"),
            ["recruit", "fee", "§fees"]
        );
        assert_eq!(
            tokens(&lexicon, "recruitment agencies"),
            ["recruit", "agenc"]
        );
    }

    #[test]
    fn a_name_stands_for_its_words_and_a_short_term_keeps_them() {
        let lexicon = clean_lexicon(
            "[lexicon]\nbuiltin = false\n[[lexicon.concept]]\nid = \"gfmd\"\nterms = [\"gfmd\", \"global forum on migration and development\"]\n[[lexicon.concept]]\nid = \"fees\"\nterms = [\"recruitment fees\"]\n",
        );
        assert_eq!(
            tokens(&lexicon, "The Global Forum on Migration and Development"),
            ["§gfmd"]
        );
        assert_eq!(
            tokens(&lexicon, "recruitment fees"),
            ["recruit", "fee", "§fees"]
        );
    }

    #[test]
    fn distinct_members_are_listed_by_set() {
        let (lexicon, _) = lexicon(
            "[lexicon]\nbuiltin = false\n[[lexicon.concept]]\nid = \"women\"\nterms = [\"women\"]\n[[lexicon.concept]]\nid = \"children\"\nterms = [\"children\", \"minors\"]\n[[lexicon.distinct]]\nid = \"group\"\nmembers = [\"women\", \"children\"]\n",
        );
        let text = lexicon.apply(Normaliser::default().normalise("Protect minors and women", "en"));
        assert_eq!(text.members, [(0, 0), (0, 1)]);
    }

    #[test]
    fn a_concept_names_what_it_is_a_kind_of_once() {
        let lexicon = clean_lexicon(
            "[lexicon]\nbuiltin = false\n[[lexicon.concept]]\nid = \"private-detention\"\nterms = [\"private prisons\"]\nbroader = [\"detention\"]\n[[lexicon.concept]]\nid = \"detention\"\nterms = [\"detention\", \"locked up\"]\nbroader = [\"deprivation-of-liberty\"]\n[[lexicon.concept]]\nid = \"deprivation-of-liberty\"\nterms = [\"deprived of liberty\"]\n[[lexicon.distinct]]\nid = \"measure\"\nmembers = [\"detention\"]\n",
        );
        // Through a chain, and a concept defined further down.
        let text = lexicon.apply(Normaliser::default().normalise("Private prisons", "en"));
        assert_eq!(
            text.tokens,
            [
                "privat",
                "prison",
                "§private-detention",
                "§~detention",
                "§~deprivation-of-liberty"
            ]
        );
        // Its broader concept's place in a distinct set comes with it.
        assert_eq!(text.members, [(0, 1)]);
        // Named by the entry itself, a broader concept is not named again.
        assert_eq!(
            tokens(&lexicon, "Locked up in private prisons"),
            [
                "lock",
                "§detention",
                "§~deprivation-of-liberty",
                "privat",
                "prison",
                "§private-detention"
            ]
        );
    }

    #[test]
    fn a_qualifier_only_tells_entries_apart() {
        let lexicon = clean_lexicon(
            "[lexicon]\nbuiltin = false\n[[lexicon.concept]]\nid = \"prohibition\"\nterms = [\"abolish\", \"ban\"]\n[[lexicon.concept]]\nid = \"ceiling\"\nterms = [\"cap\"]\n[[lexicon.concept]]\nid = \"fees\"\nterms = [\"recruitment fees\"]\n[[lexicon.distinct]]\nid = \"reach\"\nqualifiers = true\nmembers = [\"prohibition\", \"ceiling\"]\n",
        );
        // Neither its words nor a concept token: "abolish" alone makes nothing alike.
        let ban = lexicon.apply(Normaliser::default().normalise("Ban recruitment fees", "en"));
        assert_eq!(ban.tokens, ["recruit", "fee", "§fees"]);
        assert_eq!(ban.members, [(0, 0)]);
        let cap = lexicon.apply(Normaliser::default().normalise("Cap recruitment fees", "en"));
        assert_eq!(cap.tokens, ban.tokens);
        assert_eq!(cap.members, [(0, 1)]);
    }

    #[test]
    fn concepts_named_together_name_the_concept_they_imply() {
        let lexicon = clean_lexicon(
            "[lexicon]\nbuiltin = false\n[[lexicon.concept]]\nid = \"remittances\"\nterms = [\"sending money home\", \"remittances\"]\n[[lexicon.concept]]\nid = \"high-costs\"\nterms = [\"too expensive\", \"steep commissions\"]\n[[lexicon.concept]]\nid = \"remittance-costs\"\nimplied_by = [[\"remittances\", \"high-costs\"]]\nbroader = [\"financial-inclusion\"]\n[[lexicon.concept]]\nid = \"financial-inclusion\"\nterms = [\"bank accounts\"]\n[[lexicon.concept]]\nid = \"women\"\nterms = [\"women\"]\n[[lexicon.concept]]\nid = \"women-and-finance\"\nimplied_by = [[\"women\", \"financial-inclusion\"]]\n",
        );
        assert_eq!(
            tokens(&lexicon, "Sending money home is too expensive"),
            [
                "send",
                "money",
                "home",
                "§remittances",
                "expens",
                "§high-costs",
                "§~remittance-costs",
                "§~financial-inclusion"
            ]
        );
        // One of the two is not enough.
        assert_eq!(
            tokens(&lexicon, "Remittances for development"),
            ["remitt", "§remittances", "develop"]
        );
        // What a rule implies (and what that is a kind of) may complete another rule.
        assert_eq!(
            tokens(&lexicon, "Women pay steep commissions on remittances").last(),
            Some(&"§~women-and-finance".to_owned())
        );
    }

    #[test]
    fn a_part_only_concept_feeds_rules_and_adds_nothing_of_its_own() {
        let lexicon = clean_lexicon(
            "[lexicon]\nbuiltin = false\n[[lexicon.concept]]\nid = \"not-covered\"\npart_only = true\nterms = [\"excluded from\"]\n[[lexicon.concept]]\nid = \"labour-law\"\nterms = [\"labour law\"]\n[[lexicon.concept]]\nid = \"social-security\"\nterms = [\"social security\"]\n[[lexicon.concept]]\nid = \"outside-labour-law\"\nimplied_by = [[\"labour-law\", \"not-covered\"]]\n",
        );
        // Its words stay, as plain words; the rule it is part of fires.
        assert_eq!(
            tokens(&lexicon, "Excluded from labour law"),
            [
                "exclud",
                "labor",
                "law",
                "§labour-law",
                "§~outside-labour-law"
            ]
        );
        // Sharing only the frame shares no concept.
        assert_eq!(
            tokens(&lexicon, "Excluded from social security"),
            ["exclud", "social", "secur", "§social-security"]
        );
    }

    #[test]
    fn an_implied_by_list_that_names_no_concept_is_a_problem() {
        let source = "[lexicon]\nbuiltin = false\n[[lexicon.concept]]\nid = \"remittances\"\nterms = [\"remittances\"]\n[[lexicon.concept]]\nid = \"remittance-costs\"\nimplied_by = [[\"remittances\", \"high-cost\"]]\n";
        let (lexicon, problems) = lexicon(source);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, ProblemKind::UnknownConcept);
        assert_eq!(&source[problems[0].span.clone().unwrap()], "\"high-cost\"");
        // The broken rule is left out, not half applied.
        assert_eq!(tokens(&lexicon, "remittances"), ["remitt", "§remittances"]);
    }

    #[test]
    fn a_broader_concept_that_does_not_exist_is_a_problem_with_a_suggestion() {
        let source = "[lexicon]\nbuiltin = false\n[[lexicon.concept]]\nid = \"detention\"\nterms = [\"detention\"]\n[[lexicon.concept]]\nid = \"private-detention\"\nterms = [\"private prisons\"]\nbroader = [\"detension\"]\n";
        let (_, problems) = lexicon(source);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, ProblemKind::UnknownConcept);
        assert_eq!(&source[problems[0].span.clone().unwrap()], "\"detension\"");
        assert!(
            problems[0].help.contains("`detention`"),
            "{}",
            problems[0].help
        );
    }

    #[test]
    fn additions_are_checked_with_their_place() {
        let source = "[lexicon]\nbuiltin = false\n[[lexicon.concept]]\nid = \"a\"\nterms = [\"press\", \"\", \"of the\", \"one two three four five six seven eight nine\"]\n[[lexicon.concept]]\nid = \"b\"\nterms = [\"press\"]\n[[lexicon.distinct]]\nid = \"group\"\nmembers = [\"a\", \"c\"]\n";
        let (_, problems) = lexicon(source);
        let kinds: Vec<(ProblemKind, &str)> = problems
            .iter()
            .map(|p| (p.kind, &source[p.span.clone().unwrap()]))
            .collect();
        assert_eq!(
            kinds,
            [
                (ProblemKind::BadTerm, "\"\""),
                (ProblemKind::BadTerm, "\"of the\""),
                (
                    ProblemKind::BadTerm,
                    "\"one two three four five six seven eight nine\""
                ),
                (ProblemKind::BadTerm, "\"press\""),
                (ProblemKind::UnknownConcept, "\"c\""),
            ]
        );
    }
}
