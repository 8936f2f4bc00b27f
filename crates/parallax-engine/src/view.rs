//! What a front end shows of a story.

use parallax_analyse::{analyse, Analysis};
use parallax_compare::{compare, Comparison};
use parallax_core::{Article, ArticleId, StorySummary, TitleSource};
use parallax_text::Stemmer;
use serde::Serialize;

/// An article as listed in a story.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleRef {
    /// Stable id.
    pub id: ArticleId,
    /// The input's own id.
    pub external_id: Option<String>,
    /// Publisher.
    pub outlet: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Where the title came from.
    pub title_source: TitleSource,
    /// Publication time.
    pub published: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// URL.
    pub url: Option<String>,
    /// Where it was read from.
    pub source: Option<String>,
    /// Body words.
    pub words: usize,
}

/// A story with its articles and what they share.
#[derive(Debug, Clone, Serialize)]
pub struct StoryView {
    /// The story's summary row.
    #[serde(flatten)]
    pub summary: StorySummary,
    /// Member articles in arrival order.
    pub articles: Vec<ArticleRef>,
    /// What the articles share.
    #[serde(flatten)]
    pub comparison: Comparison,
}

pub(crate) fn build(
    summary: StorySummary,
    articles: &[Article],
    idf: &dyn Fn(&str) -> f32,
    stemmer: &Stemmer,
) -> StoryView {
    let analyses: Vec<Analysis> = articles.iter().map(|a| analyse(a, stemmer)).collect();
    let arefs: Vec<&Article> = articles.iter().collect();
    let nrefs: Vec<&Analysis> = analyses.iter().collect();
    let comparison = compare(&arefs, &nrefs, idf, stemmer);
    let articles = articles
        .iter()
        .zip(&analyses)
        .map(|(a, an)| ArticleRef {
            id: a.id.clone(),
            external_id: a.external_id.clone(),
            outlet: a.outlet.clone(),
            title: a.title.clone(),
            title_source: a.title_source,
            published: a.published,
            url: a.url.clone(),
            source: a.source.clone(),
            words: an.words,
        })
        .collect();
    StoryView {
        summary,
        articles,
        comparison,
    }
}
