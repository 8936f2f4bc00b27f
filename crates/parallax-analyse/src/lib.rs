//! Per-article analysis: what later stages need to know about one article,
//! computed once, without looking at any other article.
//!
//! - [`Analysis::terms`]: stemmed content words with weights (title words
//!   count more), for TF-IDF similarity;
//! - [`Analysis::names`]: capitalised phrases ("Sergey Lavrov", "Red
//!   Cross"), the v0 stand-in for named entities;
//! - [`Analysis::shingles`]: hashed 4-word shingles of the body, for copy
//!   detection.
//!
//! [`analyse`] is a pure function of the article, so articles can be
//! analysed in parallel and in any order.

use parallax_core::Article;
use parallax_text::tokens::{tokenize, TokenKind};
use parallax_text::{is_stopword, Stemmer};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// How much a title word counts against a body word.
pub const TITLE_WEIGHT: f32 = 2.0;

/// What the pipeline knows about one article on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Analysis {
    /// Stemmed content terms with their (title-weighted) counts, sorted by
    /// term.
    pub terms: Vec<(String, f32)>,
    /// Capitalised phrases with their counts, sorted by phrase.
    pub names: Vec<(String, u32)>,
    /// Sorted, de-duplicated hashes of the body's 4-word shingles.
    pub shingles: Vec<u64>,
    /// Number of word tokens in the body.
    pub words: usize,
}

/// Analyses one article.
pub fn analyse(article: &Article, stemmer: &Stemmer) -> Analysis {
    let stemmer = &CachedStemmer {
        inner: stemmer,
        cache: std::cell::RefCell::new(FxHashMap::default()),
    };
    let mut terms: FxHashMap<String, f32> = FxHashMap::default();
    if let Some(title) = &article.title {
        // A provisional title is the first sentence: don't count it twice.
        if article.title_source != parallax_core::TitleSource::FirstSentence {
            add_terms(title, TITLE_WEIGHT, stemmer, &mut terms);
        }
    }
    if let Some(sf) = &article.standfirst {
        add_terms(sf, 1.0, stemmer, &mut terms);
    }
    let mut lower_words = Vec::new();
    let mut names: FxHashMap<String, u32> = FxHashMap::default();
    let mut initial: Vec<String> = Vec::new();
    for sentence in article.sentence_texts() {
        add_terms(sentence, 1.0, stemmer, &mut terms);
        for t in tokenize(sentence) {
            if t.is_word() {
                lower_words.push(t.text(sentence).to_lowercase());
            }
        }
        for (name, at_start) in capitalised_phrases_at(sentence) {
            if at_start && !name.contains(' ') {
                // "Divers searched..." : a capital only because it starts
                // the sentence, unless the word is capitalised elsewhere.
                initial.push(name);
            } else {
                *names.entry(name).or_default() += 1;
            }
        }
    }
    for name in initial {
        if let Some(c) = names.get_mut(&name) {
            *c += 1;
        }
    }
    let mut terms: Vec<(String, f32)> = terms.into_iter().collect();
    terms.sort_by(|a, b| a.0.cmp(&b.0));
    let mut names: Vec<(String, u32)> = names.into_iter().collect();
    names.sort();
    Analysis {
        terms,
        names,
        shingles: parallax_text::shingles(&lower_words, 4),
        words: lower_words.len(),
    }
}

/// A stemmer with a per-article cache: words repeat within an article.
struct CachedStemmer<'s> {
    inner: &'s Stemmer,
    cache: std::cell::RefCell<FxHashMap<String, String>>,
}

impl CachedStemmer<'_> {
    fn stem(&self, lower: &str) -> String {
        if let Some(s) = self.cache.borrow().get(lower) {
            return s.clone();
        }
        let s = self.inner.stem(lower).into_owned();
        self.cache.borrow_mut().insert(lower.to_string(), s.clone());
        s
    }
}

fn add_terms(
    text: &str,
    weight: f32,
    stemmer: &CachedStemmer<'_>,
    out: &mut FxHashMap<String, f32>,
) {
    for t in tokenize(text) {
        if t.kind != TokenKind::Word {
            continue;
        }
        let lower = t.text(text).to_lowercase();
        let lower = lower
            .trim_end_matches(['\'', '’'])
            .trim_end_matches("'s")
            .trim_end_matches("’s");
        if lower.chars().count() < 2 || is_stopword(lower) {
            continue;
        }
        let stem = stemmer.stem(lower);
        *out.entry(stem).or_default() += weight;
    }
}

/// Words that start sentences or are capitalised for grammar, not names.
const NOT_NAMES: &[&str] = &[
    "The",
    "A",
    "An",
    "But",
    "And",
    "Or",
    "In",
    "On",
    "At",
    "As",
    "After",
    "Before",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "His",
    "Her",
    "Their",
    "Its",
    "Our",
    "My",
    "If",
    "When",
    "While",
    "Since",
    "So",
    "Yet",
    "However",
    "Meanwhile",
    "Also",
    "For",
    "Of",
    "Even",
    "Some",
    "Many",
    "Most",
    "Both",
    "No",
    "Not",
    "What",
    "Who",
    "Why",
    "How",
    "Where",
    "Then",
    "Now",
    "Still",
    "Last",
    "Earlier",
    "Later",
    "By",
    "With",
    "Without",
    "Under",
    "Despite",
    "Although",
    "Though",
    "Because",
    "Until",
    "During",
    "Over",
    "About",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "To",
    "From",
    "Into",
    "Each",
    "Every",
    "One",
    "Two",
];

/// Lower-case words allowed inside a name: "Bank of England", "Sea of Azov".
const CONNECTORS: &[&str] = &[
    "of", "de", "del", "la", "van", "von", "der", "al", "bin", "du",
];

/// Capitalised phrases of a sentence: maximal runs of capitalised words,
/// joined by connectors, without grammatical capitals ("The", "But") at
/// their ends.
pub fn capitalised_phrases(sentence: &str) -> Vec<String> {
    capitalised_phrases_at(sentence)
        .into_iter()
        .map(|(p, _)| p)
        .collect()
}

/// Like [`capitalised_phrases`], also telling whether each phrase starts the
/// sentence.
pub fn capitalised_phrases_at(sentence: &str) -> Vec<(String, bool)> {
    let tokens = tokenize(sentence);
    let mut out = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let mut run_start = 0usize;
    let first_word = tokens
        .iter()
        .position(|t| t.kind == TokenKind::Word)
        .unwrap_or(0);
    let flush = |run: &mut Vec<&str>, start: usize, out: &mut Vec<(String, bool)>| {
        let mut at_start = start == first_word;
        while run.last().is_some_and(|w| CONNECTORS.contains(w)) {
            run.pop();
        }
        while run
            .first()
            .is_some_and(|w| NOT_NAMES.contains(w) || CONNECTORS.contains(w))
        {
            run.remove(0);
            at_start = false;
        }
        while run.last().is_some_and(|w| NOT_NAMES.contains(w)) {
            run.pop();
        }
        if !run.is_empty() {
            let phrase = run.join(" ");
            let phrase = phrase
                .trim_end_matches("'s")
                .trim_end_matches("’s")
                .to_string();
            // A lone all-caps word of one or two letters is noise ("A", "I").
            if phrase.chars().count() > 1 {
                out.push((phrase, at_start));
            }
        }
        run.clear();
    };
    for (i, t) in tokens.iter().enumerate() {
        let w = t.text(sentence);
        let capital =
            w.chars().next().is_some_and(|c| c.is_uppercase()) && t.kind == TokenKind::Word;
        if capital {
            if run.is_empty() {
                run_start = i;
            }
            run.push(w);
        } else if !run.is_empty() && t.kind == TokenKind::Word && CONNECTORS.contains(&w) {
            run.push(w);
        } else {
            flush(&mut run, run_start, &mut out);
        }
    }
    flush(&mut run, run_start, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases() {
        assert_eq!(
            capitalised_phrases("The talks between Sergey Lavrov and the Bank of England ended on Thursday in Antalya."),
            vec!["Sergey Lavrov", "Bank of England", "Antalya"]
        );
        assert_eq!(
            capitalised_phrases("But Kuleba's proposal failed."),
            vec!["Kuleba"]
        );
    }
}
