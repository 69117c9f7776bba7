//! Normalisation for consolidation: turns an entry's wording into the words that carry its
//! meaning, so that two regions writing the same concern in their own style compare as equal.
//!
//! The steps, each of which can be switched off in `report.toml` `[dedup]` except the first
//! two:
//!
//! 1. Unicode NFKC and full case folding ("ﬁnancial" → "financial", "STRASSE" → "strasse").
//! 2. Word segmentation by the Unicode word-boundary rules (UAX #29), which never glue two words
//!    together: "migrant-workers" and "law/access" are two words each. Possessives lose their
//!    "'s", "don't" becomes "do not", and "No. 189" is a number, not a negation.
//! 3. British/American spelling variants ("criminalisation" → "criminalization"), from VarCon
//!    (see `build.rs`), for English text.
//! 4. Stop words ("the", "of", "should") are dropped; negations ("no", "not", "without") are
//!    always kept, because they are the difference between a demand and its opposite.
//! 5. Snowball stemming in the submission's language ("workers" → "worker").

use std::borrow::Cow;
use std::collections::HashSet;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use crate::model::DedupSettings;

include!(concat!(env!("OUT_DIR"), "/spelling_variants.rs"));

/// An entry's wording reduced to the words that carry its meaning.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NormalisedText {
    /// The words, stemmed, in the order written; stop words removed.
    pub tokens: Vec<String>,
    /// Which way the entry pushes ("expand", "promote" against "end", "ban"): two entries
    /// that share their words but push opposite ways state opposite positions.
    pub stance: Stance,
    /// Which stage of an instrument's life the entry is about, from its first word of stage:
    /// ratifying a convention and implementing it are two demands, however many words they
    /// share ("Ratify the 1990 Convention", "Monitor the implementation of the 1990
    /// Convention in the states that ratified it").
    pub stage: Option<Stage>,
    /// The members of the lexicon's distinct sets the entry names, as `(set, concept)`,
    /// ascending; empty until [`crate::consolidate::lexicon::Lexicon::apply`] fills it.
    pub members: Vec<(u16, u32)>,
}

/// The stage of a convention or law an entry is about (see [`NormalisedText::stage`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Making it binding: "ratify", "ratification".
    Adoption,
    /// Making it real where it binds: "implement", "enforce", "monitor".
    Application,
}

/// The direction a demand pushes in, from its verbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stance {
    /// No verb of direction, or the language has no list.
    #[default]
    Neutral,
    /// More of something: "expand", "extend", "promote", "strengthen".
    Increase,
    /// Less of something: "end", "abolish", "ban", "reduce", "phase out".
    Decrease,
    /// Verbs of both directions ("end detention and expand alternatives").
    Mixed,
}

impl Stance {
    /// Whether two entries push in opposite directions.
    #[must_use]
    pub fn opposes(self, other: Stance) -> bool {
        matches!(
            (self, other),
            (Stance::Increase, Stance::Decrease) | (Stance::Decrease, Stance::Increase)
        )
    }

    /// The stance after one more verb of `direction`.
    fn with(self, direction: Stance) -> Stance {
        match (self, direction) {
            (Stance::Neutral, d) => d,
            (s, d) if s == d => s,
            _ => Stance::Mixed,
        }
    }
}

/// The normalisation pipeline, configured once from `[dedup]` and used for every entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normaliser {
    spelling_variants: bool,
    stemming: bool,
    stop_words: bool,
    extra_stop_words: HashSet<String>,
}

impl Default for Normaliser {
    fn default() -> Self {
        Normaliser::new(&DedupSettings::default())
    }
}

impl Normaliser {
    /// The pipeline `[dedup]` asks for.
    #[must_use]
    pub fn new(settings: &DedupSettings) -> Normaliser {
        Normaliser {
            spelling_variants: settings.spelling_variants,
            stemming: settings.stemming,
            stop_words: settings.stop_words,
            extra_stop_words: settings
                .extra_stop_words
                .iter()
                .map(|w| fold(w).trim().to_owned())
                .collect(),
        }
    }

    /// Reduces `text`, written in the language with BCP 47 tag `language`, to its words.
    #[must_use]
    pub fn normalise(&self, text: &str, language: &str) -> NormalisedText {
        let language = Language::from_tag(language);
        let folded = fold(text);
        let mut out = NormalisedText::default();
        let written = words(&folded);
        for (i, word) in written.iter().enumerate() {
            let word = word.as_ref();
            let reading = self.read(word, language);
            if let Some(direction) = reading.direction {
                out.stance = out.stance.with(direction);
            }
            // The two words before this one, as written: enough to tell "states that have
            // ratified it" (a relative clause, which says which states, not what the entry is
            // about) and "are party to".
            let back = |n: usize| i.checked_sub(n).map_or("", |j| written[j].as_ref());
            let relative_clause = RELATIVE_PRONOUNS.contains(&back(1))
                || (RELATIVE_PRONOUNS.contains(&back(2)) && AUXILIARIES.contains(&back(1)));
            if out.stage.is_none() && !relative_clause && language == Language::English {
                let party = BE.contains(&back(1)) && matches!(word, "party" | "parties");
                out.stage = if party {
                    Some(Stage::Adoption)
                } else {
                    reading.stage
                };
            }
            if let Some(token) = reading.token {
                out.tokens.push(token);
            }
        }
        out
    }

    /// What one word, as written and folded, contributes in `language`.
    fn read(&self, word: &str, language: Language) -> Reading {
        let word = if self.spelling_variants && language == Language::English {
            american_spelling(word)
        } else {
            word
        };
        let mut reading = Reading::default();
        // English stems also tell the stance and the stage; the same stem serves as the token
        // when stemming.
        // Borrowed when the stem is the word itself: most stop words are dropped without ever
        // being copied.
        let english_stem: Option<Cow<'_, str>> =
            (language == Language::English).then(|| Stemmer::create(Algorithm::English).stem(word));
        if let Some(stem) = english_stem.as_deref() {
            if INCREASE_STEMS.contains(&stem) {
                reading.direction = Some(Stance::Increase);
            } else if DECREASE_STEMS.contains(&stem) {
                reading.direction = Some(Stance::Decrease);
            }
            if ADOPTION_STEMS.contains(&stem) || ADOPTION_WORDS.contains(&word) {
                reading.stage = Some(Stage::Adoption);
            } else if APPLICATION_STEMS.contains(&stem) || APPLICATION_WORDS.contains(&word) {
                reading.stage = Some(Stage::Application);
            }
        }
        reading.token = if language.is_negation(word) {
            Some(word.to_owned())
        } else if (self.stop_words && language.is_stop_word(word))
            || self.extra_stop_words.contains(word)
        {
            None
        } else if !self.stemming {
            Some(word.to_owned())
        } else {
            Some(match (english_stem, language.stemmer()) {
                (Some(stem), _) => stem.into_owned(),
                (None, Some(stemmer)) => stemmer.stem(word).into_owned(),
                (None, None) => word.to_owned(),
            })
        };
        reading
    }
}

/// What one word contributes to a normalised text.
#[derive(Debug, Default)]
struct Reading {
    /// Its token, or `None` for a stop word.
    token: Option<String>,
    /// The direction it pushes in, when it is a verb of direction.
    direction: Option<Stance>,
    /// The stage of an instrument it names, when it is a word of stage.
    stage: Option<Stage>,
}

/// Unicode NFKC, full case folding, then NFKC again (folding can undo a normal form), with the
/// typographic apostrophe made straight so that "migrants’" and "migrants'" are one word.
#[must_use]
pub fn fold(text: &str) -> String {
    // Plain ASCII is already in normal form, and folds to lower case: most entries take this
    // short way.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let composed: String = text.nfkc().collect();
    caseless::default_case_fold_str(&composed)
        .nfkc()
        .map(|c| match c {
            '\u{2019}' | '\u{02BC}' | '\u{2018}' => '\'',
            c => c,
        })
        .collect()
}

/// The words of folded text, by the Unicode word-boundary rules, with possessives and
/// contractions resolved and abbreviations of "number" dropped.
#[must_use]
pub fn words(folded: &str) -> Vec<Cow<'_, str>> {
    let segments: Vec<(usize, &str)> = folded.unicode_word_indices().collect();
    let mut out = Vec::with_capacity(segments.len());
    for (i, &(start, word)) in segments.iter().enumerate() {
        // "No. 189", "no. 97": an abbreviation of "number", which must not read as a negation.
        if word == "no" && folded[start + word.len()..].starts_with('.') {
            let next_is_number = segments
                .get(i + 1)
                .is_some_and(|(_, next)| next.starts_with(|c: char| c.is_ascii_digit()));
            if next_is_number {
                continue;
            }
        }
        // A full stop inside a word: a number ("2.5"), an abbreviation when every part is one
        // letter ("U.S." is "us"), otherwise a missing space ("end.Start" is two words).
        if word.contains('.') && !word.chars().all(|c| c.is_ascii_digit() || c == '.') {
            let parts: Vec<&str> = word.split('.').filter(|part| !part.is_empty()).collect();
            let letter =
                |part: &&str| part.chars().count() == 1 && part.chars().all(char::is_alphabetic);
            if parts.iter().all(letter) {
                out.push(Cow::Owned(parts.concat()));
            } else {
                for part in parts {
                    split_apostrophes(part, &mut out);
                }
            }
            continue;
        }
        split_apostrophes(word, &mut out);
    }
    out
}

/// "workers's" → "workers"; "don't" → "do", "not"; "l'accès" → "l", "accès".
fn split_apostrophes<'a>(word: &'a str, out: &mut Vec<Cow<'a, str>>) {
    if !word.contains('\'') {
        out.push(Cow::Borrowed(word));
        return;
    }
    let word = word.strip_suffix("'s").unwrap_or(word);
    let word = match word {
        "can't" => {
            out.push(Cow::Borrowed("can"));
            out.push(Cow::Borrowed("not"));
            return;
        }
        "won't" => {
            out.push(Cow::Borrowed("will"));
            out.push(Cow::Borrowed("not"));
            return;
        }
        _ => match word.strip_suffix("n't") {
            Some(base) => {
                if !base.is_empty() {
                    out.push(Cow::Borrowed(base));
                }
                out.push(Cow::Borrowed("not"));
                return;
            }
            None => word,
        },
    };
    out.extend(
        word.split('\'')
            .filter(|part| !part.is_empty())
            .map(Cow::Borrowed),
    );
}

/// The American spelling of a word, when VarCon lists it as a British (or Canadian,
/// Australian) variant; otherwise the word itself.
#[must_use]
pub fn american_spelling(word: &str) -> &str {
    match SPELLING_VARIANTS.binary_search_by(|(variant, _)| (*variant).cmp(word)) {
        Ok(i) => SPELLING_VARIANTS[i].1,
        Err(_) => word,
    }
}

/// The languages normalisation knows stop words and negations for; others are only folded,
/// segmented and (where Snowball has an algorithm) stemmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Language {
    English,
    French,
    Spanish,
    /// Another language, by its Snowball algorithm when there is one.
    Other(Option<Algorithm>),
}

impl Language {
    /// The language of a BCP 47 tag, by its primary subtag ("en-GB" is English).
    fn from_tag(tag: &str) -> Language {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or(tag)
            .to_ascii_lowercase();
        let algorithm = match primary.as_str() {
            "en" | "" => return Language::English,
            "fr" => return Language::French,
            "es" => return Language::Spanish,
            "ar" => Algorithm::Arabic,
            "da" => Algorithm::Danish,
            "nl" => Algorithm::Dutch,
            "fi" => Algorithm::Finnish,
            "de" => Algorithm::German,
            "el" => Algorithm::Greek,
            "hu" => Algorithm::Hungarian,
            "it" => Algorithm::Italian,
            "no" | "nb" | "nn" => Algorithm::Norwegian,
            "pt" => Algorithm::Portuguese,
            "ro" => Algorithm::Romanian,
            "ru" => Algorithm::Russian,
            "sv" => Algorithm::Swedish,
            "ta" => Algorithm::Tamil,
            "tr" => Algorithm::Turkish,
            _ => return Language::Other(None),
        };
        Language::Other(Some(algorithm))
    }

    /// The Snowball stemmer of the language, when there is one.
    fn stemmer(self) -> Option<Stemmer> {
        let algorithm = match self {
            Language::English => Algorithm::English,
            Language::French => Algorithm::French,
            Language::Spanish => Algorithm::Spanish,
            Language::Other(algorithm) => algorithm?,
        };
        Some(Stemmer::create(algorithm))
    }

    /// Whether a word negates what follows, in this language.
    fn is_negation(self, word: &str) -> bool {
        let list: &[&str] = match self {
            Language::English => ENGLISH_NEGATIONS,
            Language::French => FRENCH_NEGATIONS,
            Language::Spanish => SPANISH_NEGATIONS,
            Language::Other(_) => &[],
        };
        list.contains(&word)
    }

    /// Whether a word is a function word, in this language.
    fn is_stop_word(self, word: &str) -> bool {
        let list: &[&str] = match self {
            Language::English => ENGLISH_STOP_WORDS,
            Language::French => FRENCH_STOP_WORDS,
            Language::Spanish => SPANISH_STOP_WORDS,
            Language::Other(_) => &[],
        };
        list.binary_search(&word).is_ok()
    }
}

/// English verbs (as Snowball stems) that ask for more of something.
const INCREASE_STEMS: &[&str] = &[
    "expand",
    "enforc",
    "increas",
    "extend",
    "promot",
    "strengthen",
    "support",
    "encourag",
    "facilit",
    "enhanc",
    "boost",
    "widen",
    "scale",
];

/// English verbs (as Snowball stems) that ask for less of something, or for its end.
const DECREASE_STEMS: &[&str] = &[
    "end", "abolish", "abolit", "stop", "ban", "prohibit", "elimin", "phase", "replac", "reduc",
    "restrict", "oppos", "limit", "cut", "against", "lower", "curb", "dismantl", "reject",
    "repeal", "scrap", "revok", "rescind",
];

/// English stems of making an instrument binding ("ratify", "ratification", "accede"); "are
/// party to" counts too.
const ADOPTION_STEMS: &[&str] = &["ratifi", "ratif", "acced"];
/// Words of adoption whose stem is shared with other meanings ("access").
const ADOPTION_WORDS: &[&str] = &["accession", "accessions"];
/// English stems of making an instrument real ("implement", "enforcement", "monitoring").
const APPLICATION_STEMS: &[&str] = &["implement", "enforc", "monitor"];
/// Words of application whose stem is shared with other meanings ("visa applications").
const APPLICATION_WORDS: &[&str] = &["apply", "applies", "applied", "applying"];
/// Forms of "be", after which "party" means bound by an instrument.
const BE: &[&str] = &[
    "be", "is", "are", "was", "were", "been", "being", "become", "became",
];

/// English words that open a relative clause.
const RELATIVE_PRONOUNS: &[&str] = &["that", "which", "who", "whose", "where"];
/// English auxiliaries that may stand between a relative pronoun and its verb.
const AUXILIARIES: &[&str] = &[
    "have", "has", "had", "do", "does", "did", "already", "is", "are", "was", "were",
];

/// Words that turn a statement into its opposite. Never dropped as stop words.
const ENGLISH_NEGATIONS: &[&str] = &[
    "no", "not", "nor", "never", "neither", "none", "nothing", "nobody", "nowhere", "without",
    "cannot",
];
/// French negations (after elision, "n'" is "n").
const FRENCH_NEGATIONS: &[&str] = &[
    "ne", "n", "pas", "non", "jamais", "ni", "aucun", "aucune", "sans", "rien", "nul", "nulle",
];
/// Spanish negations.
const SPANISH_NEGATIONS: &[&str] = &[
    "no", "ni", "nunca", "jamás", "sin", "ningún", "ninguna", "ninguno", "nada", "nadie", "tampoco",
];

/// English function words: articles, pronouns, auxiliaries and modals, prepositions and
/// conjunctions. Sorted, for binary search. "against" is kept: it states a position.
const ENGLISH_STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "also",
    "am",
    "among",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "during",
    "each",
    "either",
    "etc",
    "every",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "of",
    "off",
    "on",
    "once",
    "only",
    "onto",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "over",
    "own",
    "per",
    "same",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "thus",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "would",
    "you",
    "your",
];

/// French function words. Sorted.
const FRENCH_STOP_WORDS: &[&str] = &[
    "a", "afin", "au", "aux", "avec", "ce", "ces", "cet", "cette", "d", "dans", "de", "des", "du",
    "elle", "elles", "en", "est", "et", "il", "ils", "l", "la", "le", "les", "leur", "leurs",
    "lui", "mais", "même", "nous", "on", "ont", "ou", "où", "par", "pour", "qu", "que", "qui", "s",
    "sa", "se", "ses", "son", "sont", "sur", "un", "une", "vers", "vous", "à", "être",
];

/// Spanish function words. Sorted.
const SPANISH_STOP_WORDS: &[&str] = &[
    "a", "al", "como", "con", "de", "del", "el", "ella", "ellas", "ellos", "en", "entre", "es",
    "esta", "este", "estos", "la", "las", "le", "les", "lo", "los", "o", "para", "por", "que",
    "se", "su", "sus", "u", "un", "una", "unas", "unos", "y",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        Normaliser::default().normalise(text, "en").tokens
    }

    #[test]
    fn word_lists_are_sorted_for_binary_search() {
        for list in [ENGLISH_STOP_WORDS, FRENCH_STOP_WORDS, SPANISH_STOP_WORDS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
            for negation in ENGLISH_NEGATIONS
                .iter()
                .chain(FRENCH_NEGATIONS)
                .chain(SPANISH_NEGATIONS)
            {
                assert!(
                    !list.contains(negation) || *negation == "a",
                    "{negation} is a stop word"
                );
            }
        }
        assert!(SPELLING_VARIANTS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(
            SPELLING_VARIANTS.len() > 5_000,
            "the VarCon table is complete: {}",
            SPELLING_VARIANTS.len()
        );
    }

    #[test]
    fn folding_handles_compatibility_forms_and_full_case_folding() {
        assert_eq!(fold("ﬁnancial"), "financial");
        assert_eq!(fold("STRASSE"), fold("Straße"));
        assert_eq!(fold("Migrants’ RIGHTS"), "migrants' rights");
    }

    #[test]
    fn segmentation_never_glues_words() {
        let folded = fold("migrant-workers, law/access;end.Start");
        assert_eq!(
            words(&folded),
            ["migrant", "workers", "law", "access", "end", "start"]
        );
    }

    #[test]
    fn possessives_contractions_and_numbers() {
        assert_eq!(words("workers' wages"), ["workers", "wages"]);
        assert_eq!(words("the worker's pay"), ["the", "worker", "pay"]);
        assert_eq!(words("they don't"), ["they", "do", "not"]);
        assert_eq!(words("won't"), ["will", "not"]);
        assert_eq!(words("convention no. 189"), ["convention", "189"]);
        assert_eq!(words("no access"), ["no", "access"]);
        assert_eq!(words("l'accès"), ["l", "accès"]);
        assert_eq!(
            words("the u.s.-mexico border"),
            ["the", "us", "mexico", "border"]
        );
        assert_eq!(words("2.5 per cent"), ["2.5", "per", "cent"]);
    }

    #[test]
    fn british_and_american_spellings_meet() {
        assert_eq!(american_spelling("criminalisation"), "criminalization");
        assert_eq!(american_spelling("labour"), "labor");
        assert_eq!(american_spelling("programme"), "program");
        assert_eq!(american_spelling("organisations"), "organizations");
        assert_eq!(american_spelling("analyses"), "analyses", "also a plural");
        assert_eq!(american_spelling("migrant"), "migrant");
        assert_eq!(
            tokens("The criminalisation of labour programmes"),
            tokens("Criminalization of labor programs")
        );
    }

    #[test]
    fn stop_words_go_and_negations_stay() {
        let text = tokens("The workers have no access to justice");
        assert_eq!(text, ["worker", "no", "access", "justic"]);
        assert_eq!(tokens("Not without a fight"), ["not", "without", "fight"]);
        assert_eq!(tokens("ILO Convention No. 189"), ["ilo", "convent", "189"]);
    }

    #[test]
    fn stances_come_from_verbs_of_direction() {
        let stance = |text: &str| Normaliser::default().normalise(text, "en").stance;
        assert_eq!(
            stance("Expand temporary labour programmes"),
            Stance::Increase
        );
        assert_eq!(
            stance("Phase out temporary labour programmes"),
            Stance::Decrease
        );
        assert_eq!(stance("Abolition of the kafala system"), Stance::Decrease);
        assert_eq!(
            stance("End detention and expand alternatives"),
            Stance::Mixed
        );
        assert_eq!(stance("Access to justice"), Stance::Neutral);
        assert!(Stance::Increase.opposes(Stance::Decrease));
        assert!(!Stance::Mixed.opposes(Stance::Decrease));
        assert_eq!(
            Normaliser::default()
                .normalise("Expandir los programas", "es")
                .stance,
            Stance::Neutral,
            "only English has a list"
        );
    }

    #[test]
    fn the_stage_is_the_first_word_of_stage_outside_a_relative_clause() {
        let stage = |text: &str| Normaliser::default().normalise(text, "en").stage;
        assert_eq!(stage("Ratify ILO Convention 189"), Some(Stage::Adoption));
        assert_eq!(
            stage("Low ratification of the 1990 Convention"),
            Some(Stage::Adoption)
        );
        assert_eq!(
            stage("Weak implementation of the Convention by the states that ratified it"),
            Some(Stage::Application)
        );
        assert_eq!(
            stage("States which have ratified the Convention do not enforce it"),
            Some(Stage::Application)
        );
        assert_eq!(
            stage("Monitoring of recruitment agencies"),
            Some(Stage::Application)
        );
        assert_eq!(stage("Access to justice"), None);
    }

    #[test]
    fn stemming_follows_the_language() {
        let normaliser = Normaliser::default();
        assert_eq!(
            normaliser.normalise("Organizing workers", "en").tokens,
            ["organ", "worker"]
        );
        assert_eq!(
            normaliser
                .normalise("les travailleurs migrants", "fr")
                .tokens,
            ["travailleur", "migr"]
        );
        assert_eq!(
            normaliser
                .normalise("los trabajadores migrantes", "es-MX")
                .tokens,
            ["trabaj", "migrant"]
        );
    }

    #[test]
    fn each_step_can_be_switched_off() {
        let settings = DedupSettings {
            spelling_variants: false,
            stemming: false,
            stop_words: false,
            extra_stop_words: vec!["Migrant".to_owned()],
            ..DedupSettings::default()
        };
        let normaliser = Normaliser::new(&settings);
        assert_eq!(
            normaliser
                .normalise("The labour of migrant workers", "en")
                .tokens,
            ["the", "labour", "of", "workers"]
        );
    }
}
