//! Who said what across the articles of a story, and on whose word.
//!
//! Quotes are grouped by speaker; the same words carried by several
//! outlets (a wire quote republished, or two reporters at one press
//! conference) are one quote with every outlet and article that carries
//! it. Citations ("according to Reuters") are summed per cited source.

use parallax_core::{Article, ArticleId};
use parallax_quotes::{Analysis, AttributionKind, SourceKind, Speaker};
use serde::Serialize;
use std::collections::BTreeMap;

/// One quote (or reported statement) and where it appears.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteRow {
    /// The words, as the first article to carry them has them.
    pub text: String,
    /// How it is worded: direct, reported, mixed, according.
    pub kind: AttributionKind,
    /// Outlets carrying it (sorted, distinct).
    pub outlets: Vec<String>,
    /// Articles carrying it, in story order.
    pub articles: Vec<ArticleId>,
}

/// The quotes of one speaker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeakerQuotes {
    /// The speaker's name, role description, or anonymous description.
    pub speaker: String,
    /// Named, role, anonymous or unknown.
    pub speaker_kind: &'static str,
    /// What kind of source the speaker is.
    pub source_kind: SourceKind,
    /// Distinct quotes, in order of first appearance.
    pub quotes: Vec<QuoteRow>,
}

/// A source the story's claims rest on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CitedSource {
    /// The source's name ("Reuters", "local authorities").
    pub name: String,
    /// What kind of source it is.
    pub kind: SourceKind,
    /// Citations of it across the story.
    pub citations: usize,
    /// Outlets citing it (sorted, distinct).
    pub outlets: Vec<String>,
}

/// True when the text opens with a quotation mark and closes one.
fn is_quoted(s: &str) -> bool {
    const OPEN: &[char] = &['"', '“', '‘', '\'', '«'];
    const CLOSE: &[char] = &['"', '”', '’', '\'', '»'];
    let t = s.trim_end_matches(|c: char| c == '.' || c == ',' || c.is_whitespace());
    t.chars().count() > 2
        && t.starts_with(OPEN)
        && (t.ends_with(CLOSE) || s.trim_end().ends_with(CLOSE))
}

/// Lower-cased words of a quote, for matching the same words across
/// outlets.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// True when two quotes are the same words (allowing a trimmed word or two
/// at the ends, or one quoting a part of the other).
fn same_words(a: &[String], b: &[String]) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() < 4 {
        return short == long;
    }
    let hay = long.join(" ");
    let needle = short.join(" ");
    if hay.contains(&needle) && short.len() * 2 >= long.len() {
        return true;
    }
    let sa: std::collections::BTreeSet<&String> = a.iter().collect();
    let sb: std::collections::BTreeSet<&String> = b.iter().collect();
    let inter = sa.intersection(&sb).count();
    inter * 10 >= sa.len().max(sb.len()) * 8
}

fn speaker_key(s: &Speaker) -> (String, &'static str) {
    match s {
        Speaker::Named { name } => (name.clone(), "named"),
        Speaker::Role {
            description,
            resolved,
        } => match resolved {
            Some(n) => (n.clone(), "named"),
            None => (description.clone(), "role"),
        },
        Speaker::Pronoun { resolved, pronoun } => match resolved {
            Some(n) => (n.clone(), "named"),
            None => (format!("({pronoun})"), "unknown"),
        },
        Speaker::Anonymous { description } => (description.clone(), "anonymous"),
        Speaker::Unknown => ("(unattributed)".to_string(), "unknown"),
    }
}

/// Groups the attributions of the story's articles by speaker. `analyses[i]`
/// is the quote analysis of `articles[i]`. `canonical` maps a speaker's name
/// to the name of the entity it resolves to (so "Dimitri Velkov" and
/// "Dimitar Velkov" are one speaker); `None` keeps the name.
pub fn quotes_by_speaker(
    articles: &[&Article],
    analyses: &[&Analysis],
    canonical: &dyn Fn(&str) -> Option<String>,
) -> Vec<SpeakerQuotes> {
    let mut by: BTreeMap<String, (SpeakerQuotes, Vec<Vec<String>>, usize)> = BTreeMap::new();
    let mut order = 0usize;
    for (article, analysis) in articles.iter().zip(analyses) {
        let outlet = article
            .outlet
            .clone()
            .unwrap_or_else(|| "(outlet unknown)".into());
        for a in &analysis.attributions {
            if a.kind == parallax_quotes::AttributionKind::Stance {
                continue;
            }
            let text = article.text.get(a.content.range()).unwrap_or("").trim();
            let w = words(text);
            // Fewer than three words is a fragment, unless the words are
            // quoted: "described by the Red Cross as “apocalyptic”" gives the
            // Red Cross's one word.
            if w.is_empty() || (w.len() < 3 && !is_quoted(text)) {
                continue;
            }
            let (mut key, kind) = speaker_key(&a.speaker);
            if kind == "unknown" {
                continue;
            }
            if kind == "named" {
                if let Some(c) = canonical(&key) {
                    key = c;
                }
            }
            let entry = by.entry(key.to_lowercase()).or_insert_with(|| {
                order += 1;
                (
                    SpeakerQuotes {
                        speaker: key.clone(),
                        speaker_kind: kind,
                        source_kind: a.source_kind,
                        quotes: Vec::new(),
                    },
                    Vec::new(),
                    order,
                )
            });
            let found = entry.1.iter().position(|other| same_words(other, &w));
            match found {
                Some(i) => {
                    let q = &mut entry.0.quotes[i];
                    if !q.outlets.contains(&outlet) {
                        q.outlets.push(outlet.clone());
                        q.outlets.sort();
                    }
                    if !q.articles.contains(&article.id) {
                        q.articles.push(article.id.clone());
                    }
                }
                None => {
                    entry.0.quotes.push(QuoteRow {
                        text: collapse(text),
                        kind: a.kind,
                        outlets: vec![outlet.clone()],
                        articles: vec![article.id.clone()],
                    });
                    entry.1.push(w);
                }
            }
        }
    }
    let mut out: Vec<(SpeakerQuotes, usize)> = by.into_values().map(|(s, _, o)| (s, o)).collect();
    // Most quoted first (distinct quotes, then outlets), then first seen.
    out.sort_by(|(a, ao), (b, bo)| {
        let outlets = |s: &SpeakerQuotes| s.quotes.iter().map(|q| q.outlets.len()).sum::<usize>();
        b.quotes
            .len()
            .cmp(&a.quotes.len())
            .then(outlets(b).cmp(&outlets(a)))
            .then(ao.cmp(bo))
    });
    out.into_iter().map(|(s, _)| s).collect()
}

/// Sums the citations of the story's articles per cited source.
pub fn cited_sources(articles: &[&Article], analyses: &[&Analysis]) -> Vec<CitedSource> {
    let mut by: BTreeMap<String, CitedSource> = BTreeMap::new();
    for (article, analysis) in articles.iter().zip(analyses) {
        let outlet = article
            .outlet
            .clone()
            .unwrap_or_else(|| "(outlet unknown)".into());
        for c in &analysis.citations {
            let e = by
                .entry(c.name.to_lowercase())
                .or_insert_with(|| CitedSource {
                    name: c.name.clone(),
                    kind: c.kind,
                    citations: 0,
                    outlets: Vec::new(),
                });
            e.citations += 1;
            if !e.outlets.contains(&outlet) {
                e.outlets.push(outlet.clone());
                e.outlets.sort();
            }
        }
    }
    let mut v: Vec<CitedSource> = by.into_values().collect();
    v.sort_by(|a, b| {
        b.outlets
            .len()
            .cmp(&a.outlets.len())
            .then(b.citations.cmp(&a.citations))
            .then(a.name.cmp(&b.name))
    });
    v
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_core::{ArticleId, TitleSource};

    fn art(id: &str, outlet: &str, text: &str) -> Article {
        Article {
            id: ArticleId(id.into()),
            external_id: None,
            url: None,
            outlet: Some(outlet.into()),
            authors: vec![],
            title: None,
            title_source: TitleSource::None,
            standfirst: None,
            published: None,
            language: None,
            text: text.into(),
            paragraphs: vec![],
            sentences: vec![],
            source: None,
            extra: Default::default(),
        }
    }

    #[test]
    fn the_same_quote_in_two_outlets_counts_once() {
        let a = art("a", "Velmar Daily", "Mayor Tereza Holm visited the site. “We will rebuild every home that was lost,” Holm said, according to Meridian Press Agency.");
        let b = art("b", "Tarno Herald", "“We will rebuild every home that was lost,” Mayor Tereza Holm told reporters on Tuesday.");
        let an: Vec<Analysis> = [&a, &b]
            .iter()
            .map(|x| parallax_quotes::extract(&x.text, &Default::default()))
            .collect();
        let refs: Vec<&Analysis> = an.iter().collect();
        let q = quotes_by_speaker(&[&a, &b], &refs, &|_| None);
        let holm = q
            .iter()
            .find(|s| s.speaker.contains("Holm"))
            .expect("Holm quoted");
        assert_eq!(holm.quotes.len(), 1, "{q:?}");
        assert_eq!(holm.quotes[0].outlets, vec!["Tarno Herald", "Velmar Daily"]);
        let c = cited_sources(&[&a, &b], &refs);
        assert!(c.iter().any(|s| s.name.contains("Meridian")), "{c:?}");
    }

    #[test]
    fn a_quoted_word_is_kept_and_an_unquoted_fragment_is_not() {
        let a = art("a", "Velmar Daily", "The harbour, where the situation has been described by the Red Cross as “catastrophic.” Divers searched all night.");
        let an = [parallax_quotes::extract(&a.text, &Default::default())];
        let refs: Vec<&Analysis> = an.iter().collect();
        let q = quotes_by_speaker(&[&a], &refs, &|_| None);
        let red_cross = q
            .iter()
            .find(|s| s.speaker.contains("Red Cross"))
            .unwrap_or_else(|| panic!("the Red Cross quoted: {q:?}"));
        assert!(red_cross.quotes[0].text.contains("catastrophic"), "{q:?}");
        assert!(is_quoted("“catastrophic.”"));
        assert!(is_quoted("“catastrophic”."));
        assert!(!is_quoted("the plan"));
        assert!(!is_quoted("“"));
    }
}
