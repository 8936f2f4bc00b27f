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

use chrono::{Datelike, NaiveDate};
use parallax_core::Article;
use parallax_text::calendar::MONTHS;
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
    /// Stemmed content terms of the title, standfirst and first
    /// [`LEAD_SENTENCES`] body sentences (title words count more), sorted by
    /// term.
    #[serde(default)]
    pub lead: Vec<(String, f32)>,
    /// Numbers mentioned (title and body, not years), normalised (`1,200`
    /// -> `1200`), with counts, sorted.
    #[serde(default)]
    pub numbers: Vec<(String, u32)>,
    /// Dates mentioned (title and body) as keys with counts, sorted: `y2013`
    /// (a year), `m5y2013` (a month of a year), `m5d3` (a day of a month),
    /// `wd3` (a weekday, Wednesday, when the publication day is unknown; else
    /// the weekday is resolved to its day of the month).
    #[serde(default)]
    pub dates: Vec<(String, u32)>,
    /// Hash of the body's lower-cased words: equal for exact copies.
    #[serde(default)]
    pub fingerprint: u64,
}

/// Body sentences that count as the lead.
pub const LEAD_SENTENCES: usize = 2;

/// The text a sentence encoder sees of an article (the optional dense
/// feature): its title (unless it is only the first sentence), standfirst
/// and first [`LEAD_SENTENCES`] + 1 sentences, joined by spaces.
pub fn lead_text(article: &Article) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if let Some(title) = &article.title {
        if article.title_source != parallax_core::TitleSource::FirstSentence {
            parts.push(title);
        }
    }
    if let Some(sf) = &article.standfirst {
        parts.push(sf);
    }
    parts.extend(article.sentence_texts().take(LEAD_SENTENCES + 1));
    parts.join(" ")
}

/// Analyses one article.
pub fn analyse(article: &Article, stemmer: &Stemmer) -> Analysis {
    let stemmer = &CachedStemmer {
        inner: stemmer,
        cache: std::cell::RefCell::new(FxHashMap::default()),
    };
    let mut terms: FxHashMap<String, f32> = FxHashMap::default();
    let mut lead: FxHashMap<String, f32> = FxHashMap::default();
    let mut numbers: FxHashMap<String, u32> = FxHashMap::default();
    let mut dates: FxHashMap<String, u32> = FxHashMap::default();
    // The local day of publication, against which weekdays are resolved.
    let day = article.published.map(|t| t.date_naive());
    if let Some(title) = &article.title {
        // A provisional title is the first sentence: don't count it twice.
        if article.title_source != parallax_core::TitleSource::FirstSentence {
            add_terms(title, TITLE_WEIGHT, stemmer, &mut terms);
            add_terms(title, TITLE_WEIGHT, stemmer, &mut lead);
            add_numbers_and_dates(title, &tokenize(title), day, &mut numbers, &mut dates);
        }
    }
    if let Some(sf) = &article.standfirst {
        add_terms(sf, 1.0, stemmer, &mut terms);
        add_terms(sf, 1.0, stemmer, &mut lead);
    }
    let mut lower_words = Vec::new();
    let mut names: FxHashMap<String, u32> = FxHashMap::default();
    let mut initial: Vec<String> = Vec::new();
    for (i, sentence) in article.sentence_texts().enumerate() {
        add_terms(sentence, 1.0, stemmer, &mut terms);
        if i < LEAD_SENTENCES {
            add_terms(sentence, 1.0, stemmer, &mut lead);
        }
        let tokens = tokenize(sentence);
        for t in &tokens {
            if t.is_word() {
                lower_words.push(t.text(sentence).to_lowercase());
            }
        }
        add_numbers_and_dates(sentence, &tokens, day, &mut numbers, &mut dates);
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
    let fingerprint = xxhash_rust::xxh3::xxh3_64(lower_words.join(" ").as_bytes());
    Analysis {
        terms,
        names,
        shingles: parallax_text::shingles(&lower_words, 4),
        words: lower_words.len(),
        lead: sorted(lead),
        numbers: sorted(numbers),
        dates: sorted(dates),
        fingerprint,
    }
}

fn sorted<V>(m: FxHashMap<String, V>) -> Vec<(String, V)> {
    let mut v: Vec<(String, V)> = m.into_iter().collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// The weighted stemmed terms of a title alone (for choosing a story's
/// headline), weighted like the title in [`Analysis::lead`].
pub fn title_terms(title: &str, stemmer: &Stemmer) -> Vec<(String, f32)> {
    let stemmer = &CachedStemmer {
        inner: stemmer,
        cache: std::cell::RefCell::new(FxHashMap::default()),
    };
    let mut terms = FxHashMap::default();
    add_terms(title, TITLE_WEIGHT, stemmer, &mut terms);
    sorted(terms)
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn month(word: &str) -> Option<usize> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    // "May" is too ambiguous in lower case; month names must be capitalised.
    if !word.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() <= 4 && m.starts_with(&w)))
        .map(|i| i + 1)
}

fn year(n: &str) -> Option<u32> {
    let y: u32 = n.parse().ok()?;
    (n.len() == 4 && (1900..=2099).contains(&y)).then_some(y)
}

/// The date a weekday mention (Monday = 0) points to in an article
/// published on `day`: the latest such weekday on or before it ("on Monday"
/// in Wednesday's paper), or the next one after it when `next` ("next
/// Monday").
fn resolve_weekday(day: NaiveDate, weekday: usize, next: bool) -> NaiveDate {
    let today = day.weekday().num_days_from_monday() as i64;
    let offset = if next {
        (weekday as i64 - today - 1).rem_euclid(7) + 1
    } else {
        -(today - weekday as i64).rem_euclid(7)
    };
    day + chrono::Duration::days(offset)
}

/// Numbers and dates of a tokenised text; a weekday is resolved to its date
/// when the publication day is known (`m11d16`, the key of an explicit
/// "November 16"), and kept as a weekday (`wd1`) otherwise.
fn add_numbers_and_dates(
    text: &str,
    tokens: &[parallax_text::tokens::Token],
    day: Option<NaiveDate>,
    numbers: &mut FxHashMap<String, u32>,
    dates: &mut FxHashMap<String, u32>,
) {
    let words: Vec<(&str, TokenKind)> = tokens
        .iter()
        .filter(|t| t.kind != TokenKind::Punct)
        .map(|t| (t.text(text), t.kind))
        .collect();
    let mut used_as_day = vec![false; words.len()];
    for (i, &(w, kind)) in words.iter().enumerate() {
        if kind == TokenKind::Word {
            if let Some(d) = WEEKDAYS.iter().position(|d| *d == w) {
                let key = match day {
                    Some(day) => {
                        let next = i > 0 && words[i - 1].0.eq_ignore_ascii_case("next");
                        let date = resolve_weekday(day, d, next);
                        format!("m{}d{}", date.month(), date.day())
                    }
                    None => format!("wd{}", d + 1),
                };
                *dates.entry(key).or_default() += 1;
                continue;
            }
            let Some(m) = month(w) else { continue };
            let next = words.get(i + 1).filter(|x| x.1 == TokenKind::Number);
            let Some(&(n, _)) = next else { continue };
            if let Some(y) = year(n) {
                *dates.entry(format!("m{m}y{y}")).or_default() += 1;
            } else if let Ok(d) = n
                .trim_end_matches(|c: char| !c.is_ascii_digit())
                .parse::<u32>()
            {
                if (1..=31).contains(&d) {
                    used_as_day[i + 1] = true;
                    *dates.entry(format!("m{m}d{d}")).or_default() += 1;
                    if let Some(y) = words.get(i + 2).and_then(|x| year(x.0)) {
                        *dates.entry(format!("m{m}y{y}")).or_default() += 1;
                    }
                }
            }
        } else if let Some(y) = year(w) {
            *dates.entry(format!("y{y}")).or_default() += 1;
        } else if !used_as_day[i] {
            let n: String = w.chars().filter(|&c| c != ',').collect();
            let n = n.trim_start_matches('0');
            if !n.is_empty() {
                *numbers.entry(n.to_string()).or_default() += 1;
            }
        }
    }
}

/// Honorifics and roles dropped from the front of a name.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "dr",
    "sir",
    "president",
    "prime",
    "minister",
    "gov",
    "governor",
    "sen",
    "senator",
    "rep",
    "judge",
    "justice",
    "officer",
    "sheriff",
    "chief",
    "king",
    "queen",
    "prince",
    "general",
    "gen",
    "lt",
    "col",
    "capt",
    "sgt",
    "det",
    "pope",
    "actor",
    "actress",
    "singer",
    "star",
    "coach",
    "secretary",
    "mayor",
];

/// Normalised keys of capitalised names, for matching name variants: the
/// lower-cased phrase without leading titles ("President Barack Obama" ->
/// "barack obama"), and each of its words ("barack", "obama"), so "Obama"
/// matches "Barack Obama". Counts are kept.
pub fn name_keys(names: &[(String, u32)]) -> Vec<(String, f32)> {
    let mut out: FxHashMap<String, f32> = FxHashMap::default();
    for (name, count) in names {
        let lower = name.to_lowercase().replace(['.', '’', '\''], "");
        let mut words: Vec<&str> = lower
            .split_whitespace()
            .filter(|w| !CONNECTORS.contains(w))
            .collect();
        while words.len() > 1 && TITLES.contains(&words[0]) {
            words.remove(0);
        }
        if words.is_empty() {
            continue;
        }
        let c = *count as f32;
        if words.len() > 1 {
            *out.entry(words.join(" ")).or_default() += c;
        }
        for w in &words {
            if w.chars().count() > 1 {
                *out.entry((*w).to_string()).or_default() += c;
            }
        }
    }
    sorted(out)
}

/// A stemmer with a per-article cache: words repeat within an article.
struct CachedStemmer<'s> {
    inner: &'s Stemmer,
    // Kept for the call sites' shape; the cache itself is per thread and
    // shared across articles (see `STEMS`).
    #[allow(dead_code)]
    cache: std::cell::RefCell<FxHashMap<String, String>>,
}

/// Most words a thread's stem cache holds before it is emptied.
const STEM_CACHE_WORDS: usize = 200_000;

thread_local! {
    /// Stems of lower-cased words, shared by the articles a thread analyses
    /// (stemming is pure, so this changes no result; it is bounded).
    static STEMS: std::cell::RefCell<FxHashMap<String, String>> = std::cell::RefCell::new(FxHashMap::default());
}

impl CachedStemmer<'_> {
    /// Calls `f` with the stem of `lower`, computing it at most once per
    /// word per thread.
    fn with_stem<R>(&self, lower: &str, f: impl FnOnce(&str) -> R) -> R {
        STEMS.with(|cell| {
            let mut cache = cell.borrow_mut();
            if let Some(s) = cache.get(lower) {
                return f(s);
            }
            if cache.len() >= STEM_CACHE_WORDS {
                cache.clear();
            }
            let s = self.inner.stem(lower).into_owned();
            let r = f(&s);
            cache.insert(lower.to_string(), s);
            r
        })
    }
}

fn add_terms(
    text: &str,
    weight: f32,
    stemmer: &CachedStemmer<'_>,
    out: &mut FxHashMap<String, f32>,
) {
    let mut buf = String::new();
    for t in tokenize(text) {
        if t.kind != TokenKind::Word {
            continue;
        }
        buf.clear();
        for c in t.text(text).chars() {
            buf.extend(c.to_lowercase());
        }
        let lower = strip_possessive(buf.trim_end_matches(['\'', '’']));
        if lower.len() < 2
            || (lower.len() == 2 && !lower.is_ascii())
            || lower.chars().count() < 2
            || is_stopword(lower)
        {
            continue;
        }
        stemmer.with_stem(lower, |stem| match out.get_mut(stem) {
            Some(v) => *v += weight,
            None => {
                out.insert(stem.to_string(), weight);
            }
        });
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

/// A word without a final possessive `'s` / `’s`.
fn strip_possessive(w: &str) -> &str {
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .unwrap_or(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_resolve_against_the_publication_day() {
        // 2026-11-18 is a Wednesday.
        let wed = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(resolve_weekday(wed, 0, false), day(2026, 11, 16));
        assert_eq!(resolve_weekday(wed, 2, false), wed);
        assert_eq!(resolve_weekday(wed, 4, false), day(2026, 11, 13));
        assert_eq!(resolve_weekday(wed, 0, true), day(2026, 11, 23));
        assert_eq!(resolve_weekday(wed, 2, true), day(2026, 11, 25));
        let keys = |text: &str, published: Option<NaiveDate>| {
            let (mut numbers, mut dates) = (FxHashMap::default(), FxHashMap::default());
            add_numbers_and_dates(text, &tokenize(text), published, &mut numbers, &mut dates);
            sorted(dates)
                .into_iter()
                .map(|(k, _)| k)
                .collect::<Vec<_>>()
        };
        // "on Monday" in Wednesday's paper and "November 16" are one day.
        assert_eq!(keys("The bridge fell on Monday.", Some(wed)), ["m11d16"]);
        assert_eq!(
            keys("The bridge fell on November 16.", Some(wed)),
            ["m11d16"]
        );
        assert_eq!(keys("Talks resume next Monday.", Some(wed)), ["m11d23"]);
        // Unknown publication day: the weekday itself.
        assert_eq!(keys("The bridge fell on Monday.", None), ["wd1"]);
    }

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
