//! A neutral headline: the article title that best states what the
//! articles agree on (its words' importance in the story) with the fewest
//! marks of one side's framing (loaded words, questions, exclamations,
//! scare quotes, shouting, first person) and a plain length.

use crate::importance::{stems, StoryWords};
use crate::loaded;
use parallax_core::Article;
use parallax_text::Stemmer;
use serde::Serialize;

/// Weight of the framing penalty against centrality.
const PENALTY_WEIGHT: f32 = 0.12;

/// A chosen headline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// The headline.
    pub text: String,
    /// The article whose title it is (index in the story).
    #[serde(skip)]
    pub article: usize,
    /// Its outlet.
    pub outlet: String,
}

/// How far a title is from a neutral, plain headline: 0 for a plain
/// title, more for loaded words, a question or exclamation, quoted
/// phrases, words in capitals, first or second person, or an odd length.
pub fn penalty(title: &str) -> f32 {
    let words = loaded::words(title);
    let mut p = 0.5 * loaded::count(title) as f32;
    if title.contains('?') {
        p += 0.5;
    }
    if title.contains('!') {
        p += 0.5;
    }
    if title.contains(['"', '“', '‘']) || title.contains(" '") {
        p += 0.3;
    }
    let shouting = title
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .filter(|w| {
            w.chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
        })
        .count();
    if shouting > 0 {
        p += 0.3;
    }
    if words
        .iter()
        .any(|w| matches!(w.as_str(), "i" | "we" | "you" | "my" | "our" | "your"))
    {
        p += 0.3;
    }
    if words.len() < 4 || words.len() > 18 {
        p += 0.3;
    }
    p
}

/// The title without a trailing " - Outlet" or " | Outlet" and without a
/// final full stop.
pub fn clean(title: &str, outlet: Option<&str>) -> String {
    let mut t = title.trim();
    for sep in [" | ", " - ", " — ", " – "] {
        if let Some((head, tail)) = t.rsplit_once(sep) {
            let tail_is_outlet = outlet.is_some_and(|o| tail.trim().eq_ignore_ascii_case(o.trim()));
            let short_tail = tail.split_whitespace().count() <= 3 && head.len() > 2 * tail.len();
            if tail_is_outlet || (sep == " | " && short_tail) {
                t = head.trim();
            }
        }
    }
    t.strip_suffix('.').unwrap_or(t).trim().to_string()
}

/// The most central, least loaded title among the articles (those with
/// `use_article[i]`); ties go to the earliest article.
pub fn choose(
    articles: &[&Article],
    use_article: &[bool],
    words: &StoryWords,
    outlets: &[String],
    stemmer: &Stemmer,
) -> Option<Headline> {
    let mut best: Option<(f32, usize, String)> = None;
    for (i, a) in articles.iter().enumerate() {
        if !use_article.get(i).copied().unwrap_or(true) {
            continue;
        }
        let Some(title) = a.title.as_deref().filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        let text = clean(title, a.outlet.as_deref());
        let mut ids: Vec<u32> = stems(&text, stemmer)
            .into_iter()
            .filter_map(|(s, _)| words.id(&s))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let n = stems(&text, stemmer).len().max(1) as f32;
        let central: f32 = ids.iter().map(|&t| words.p[t as usize]).sum::<f32>() / n;
        let score = central - PENALTY_WEIGHT * penalty(&text);
        if best.as_ref().is_none_or(|(b, _, _)| score > *b) {
            best = Some((score, i, text));
        }
    }
    best.map(|(_, i, text)| Headline {
        text,
        article: i,
        outlet: outlets.get(i).cloned().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn penalises_framing() {
        assert_eq!(penalty("Council approves new budget for river bridge"), 0.0);
        assert!(penalty("Council SLAMS shocking budget!") > 1.0);
        assert!(penalty("Is the bridge safe?") >= 0.5);
    }

    #[test]
    fn cleans_outlet_suffix() {
        assert_eq!(
            clean("Bridge reopens after repairs | Velmar Daily", None),
            "Bridge reopens after repairs"
        );
        assert_eq!(
            clean(
                "Bridge reopens after repairs - Tarno Herald",
                Some("Tarno Herald")
            ),
            "Bridge reopens after repairs"
        );
        assert_eq!(clean("Bridge reopens.", None), "Bridge reopens");
        assert_eq!(clean("Rain - and more rain", None), "Rain - and more rain");
    }
}
