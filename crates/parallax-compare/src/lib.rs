//! Comparison of the articles of one story.
//!
//! v0 shows what the articles share: the content terms that recur across
//! articles, ranked by how many articles use them and how specific they are,
//! and the names (capitalised phrases) with the articles that mention them.
//! [`entities`] resolves the people, organisations and places of the
//! articles into one list with every name variant. [`quotes`] groups who said what across the articles, and which
//! sources each claim rests on. Later stages add facts, conflicts, coverage
//! and framing here.

pub mod align;
pub mod claims;
pub mod coverage;
pub mod entities;
pub mod facts;
pub mod framing;
pub mod numbers;
pub mod quotes;
pub mod statements;

use parallax_analyse::Analysis;
use parallax_core::Article;
use parallax_text::tokens::{tokenize, TokenKind};
use parallax_text::Stemmer;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// A term shared by articles of a story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedTerm {
    /// The most frequent surface form of the term.
    pub term: String,
    /// How many articles use it.
    pub articles: usize,
    /// Ranking weight: articles × IDF.
    pub weight: f32,
}

/// A name mentioned in a story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameRow {
    /// The name as written.
    pub name: String,
    /// Mentions across the story.
    pub mentions: u32,
    /// How many articles mention it.
    pub articles: usize,
}

/// What the articles of a story share.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Comparison {
    /// Shared content terms, strongest first.
    pub shared_terms: Vec<SharedTerm>,
    /// Names, most widely mentioned first.
    pub names: Vec<NameRow>,
}

/// How many shared terms and names a comparison keeps.
pub const MAX_ROWS: usize = 25;

/// Compares the articles of one story. `idf` gives a term's inverse
/// document frequency in the wider collection (use [`local_idf`] when there
/// is none).
pub fn compare(
    articles: &[&Article],
    analyses: &[&Analysis],
    idf: &dyn Fn(&str) -> f32,
    stemmer: &Stemmer,
) -> Comparison {
    let n = articles.len();
    let min_articles = if n >= 2 { 2 } else { 1 };
    let mut doc_count: FxHashMap<&str, usize> = FxHashMap::default();
    for a in analyses {
        for (t, _) in &a.terms {
            *doc_count.entry(t.as_str()).or_default() += 1;
        }
    }
    let mut shared: Vec<(&str, usize, f32)> = doc_count
        .iter()
        .filter(|(_, &c)| c >= min_articles)
        .map(|(&t, &c)| (t, c, c as f32 * idf(t)))
        .collect();
    shared.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(b.0)));
    shared.truncate(MAX_ROWS);
    let surfaces = surface_forms(
        articles,
        stemmer,
        &shared.iter().map(|s| s.0).collect::<Vec<_>>(),
    );
    let shared_terms = shared
        .into_iter()
        .map(|(t, c, w)| SharedTerm {
            term: surfaces.get(t).cloned().unwrap_or_else(|| t.to_string()),
            articles: c,
            weight: w,
        })
        .collect();

    let mut names: FxHashMap<&str, (u32, usize)> = FxHashMap::default();
    for a in analyses {
        for (name, count) in &a.names {
            let e = names.entry(name.as_str()).or_default();
            e.0 += count;
            e.1 += 1;
        }
    }
    let mut names: Vec<NameRow> = names
        .into_iter()
        .filter(|(_, (m, arts))| *arts >= min_articles || *m >= 2)
        .map(|(name, (mentions, articles))| NameRow {
            name: name.to_string(),
            mentions,
            articles,
        })
        .collect();
    names.sort_by(|a, b| {
        b.articles
            .cmp(&a.articles)
            .then(b.mentions.cmp(&a.mentions))
            .then(a.name.cmp(&b.name))
    });
    names.truncate(MAX_ROWS);
    Comparison {
        shared_terms,
        names,
    }
}

/// An IDF computed from the analysed articles themselves.
pub fn local_idf(analyses: &[&Analysis]) -> impl Fn(&str) -> f32 {
    let mut df: FxHashMap<String, u32> = FxHashMap::default();
    for a in analyses {
        for (t, _) in &a.terms {
            *df.entry(t.clone()).or_default() += 1;
        }
    }
    let n = analyses.len() as f32;
    move |t: &str| ((n + 1.0) / (df.get(t).copied().unwrap_or(0) as f32 + 1.0)).ln() + 1.0
}

/// The most frequent lower-cased surface form of each wanted stem.
fn surface_forms(
    articles: &[&Article],
    stemmer: &Stemmer,
    wanted: &[&str],
) -> FxHashMap<String, String> {
    let mut counts: FxHashMap<(String, String), u32> = FxHashMap::default();
    for a in articles {
        for s in a.sentence_texts() {
            for t in tokenize(s) {
                if t.kind != TokenKind::Word {
                    continue;
                }
                let lower = t.text(s).to_lowercase();
                let stem = stemmer.stem(&lower).into_owned();
                if wanted.contains(&stem.as_str()) {
                    *counts.entry((stem, lower)).or_default() += 1;
                }
            }
        }
    }
    let mut best: FxHashMap<String, (String, u32)> = FxHashMap::default();
    let mut entries: Vec<_> = counts.into_iter().collect();
    entries.sort();
    for ((stem, surface), c) in entries {
        let e = best.entry(stem).or_insert((surface.clone(), 0));
        if c > e.1 {
            *e = (surface, c);
        }
    }
    best.into_iter().map(|(k, (s, _))| (k, s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_core::ArticleId;

    fn art(title: &str, body: &str) -> Article {
        let mut a = parallax_core::Article {
            id: ArticleId(title.into()),
            external_id: None,
            url: None,
            outlet: None,
            authors: vec![],
            title: Some(title.into()),
            title_source: parallax_core::TitleSource::Given,
            standfirst: None,
            published: None,
            language: None,
            text: body.into(),
            paragraphs: vec![],
            sentences: vec![],
            source: None,
            extra: Default::default(),
        };
        a.sentences = parallax_text::split_sentences(body)
            .into_iter()
            .map(|span| parallax_core::Sentence { span, paragraph: 0 })
            .collect();
        a
    }

    #[test]
    fn shared_terms_and_names() {
        let st = Stemmer::default();
        let a = art(
            "Bridge collapses",
            "The Tarno bridge collapsed on Monday. Divers searched the river.",
        );
        let b = art(
            "Divers search river",
            "Divers from Tarno searched the river after the bridge collapse.",
        );
        let an = [
            parallax_analyse::analyse(&a, &st),
            parallax_analyse::analyse(&b, &st),
        ];
        let refs: Vec<&Analysis> = an.iter().collect();
        let idf = local_idf(&refs);
        let c = compare(&[&a, &b], &refs, &idf, &st);
        let terms: Vec<&str> = c.shared_terms.iter().map(|t| t.term.as_str()).collect();
        assert!(
            terms.contains(&"divers") && terms.contains(&"bridge"),
            "{terms:?}"
        );
        assert_eq!(c.names[0].name, "Tarno");
        assert_eq!(c.names[0].articles, 2);
    }
}
