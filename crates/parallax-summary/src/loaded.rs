//! Loaded words (`loaded.txt`): evaluative or emotive words a neutral
//! account avoids, and the one-sided loaded-word rate of a summary.

use parallax_core::Article;
use parallax_text::tokens::{tokenize, TokenKind};
use rustc_hash::FxHashSet;
use std::sync::OnceLock;

const LEXICON: &str = include_str!("loaded.txt");

/// The lexicon: single words, and phrases as word sequences.
struct Lexicon {
    words: FxHashSet<&'static str>,
    phrases: Vec<Vec<&'static str>>,
}

fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| {
        let mut words = FxHashSet::default();
        let mut phrases = Vec::new();
        for line in LEXICON.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.contains(' ') {
                phrases.push(line.split(' ').collect());
            } else {
                words.insert(line);
            }
        }
        Lexicon { words, phrases }
    })
}

/// Lower-case words of a text (hyphenated words kept whole, as in
/// "so-called").
pub fn words(text: &str) -> Vec<String> {
    let toks = tokenize(text);
    let mut out: Vec<String> = Vec::new();
    let mut glue = false;
    for t in &toks {
        let s = t.text(text);
        if t.kind == TokenKind::Word || t.kind == TokenKind::Number {
            let lower = s.to_lowercase();
            match out.last_mut() {
                Some(last) if glue => {
                    last.push('-');
                    last.push_str(&lower);
                }
                _ => out.push(lower),
            }
            glue = false;
        } else {
            glue = s == "-" && !out.is_empty();
        }
    }
    out
}

/// The loaded words and phrases in a sequence of lower-case words, as
/// (start index, length in words).
pub fn find(words: &[String]) -> Vec<(usize, usize)> {
    let lex = lexicon();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let phrase = lex
            .phrases
            .iter()
            .find(|p| words.len() - i >= p.len() && p.iter().zip(&words[i..]).all(|(a, b)| a == b));
        if let Some(p) = phrase {
            out.push((i, p.len()));
            i += p.len();
        } else {
            if lex.words.contains(words[i].as_str()) {
                out.push((i, 1));
            }
            i += 1;
        }
    }
    out
}

/// How many loaded words a text uses.
pub fn count(text: &str) -> usize {
    find(&words(text)).len()
}

/// The loaded words a text uses, as written in lower case.
pub fn terms(text: &str) -> Vec<String> {
    let w = words(text);
    find(&w)
        .into_iter()
        .map(|(i, n)| w[i..i + n].join(" "))
        .collect()
}

/// One-sided loaded words per 100 words of `summary`: loaded words that
/// only one of the story's outlets uses (a word no outlet of the story
/// uses counts too: the summary brought it in). Outlets are given per
/// article (`outlets[i]` for `articles[i]`).
pub fn one_sided_rate(summary: &str, articles: &[&Article], outlets: &[&str]) -> OneSided {
    let mut used_by: rustc_hash::FxHashMap<String, FxHashSet<&str>> = Default::default();
    for (a, o) in articles.iter().zip(outlets) {
        let text = format!("{}\n{}", a.title_or_empty(), a.text);
        for t in terms(&text) {
            used_by.entry(t).or_default().insert(o);
        }
    }
    let loaded = terms(summary);
    let one_sided = loaded
        .iter()
        .filter(|t| used_by.get(*t).is_none_or(|s| s.len() <= 1))
        .count();
    let n = words(summary).len();
    OneSided {
        words: n,
        loaded: loaded.len(),
        one_sided,
    }
}

/// Loaded-word counts of a summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OneSided {
    /// Words in the summary.
    pub words: usize,
    /// Loaded words.
    pub loaded: usize,
    /// Loaded words that only one outlet uses.
    pub one_sided: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_words_and_phrases() {
        assert_eq!(count("The so-called reform was a stunning fiasco."), 3);
        assert_eq!(count("He lashed out at the plan."), 1);
        assert_eq!(count("The council approved the budget."), 0);
        assert_eq!(terms("A SHOCKING result"), vec!["shocking"]);
    }
}
