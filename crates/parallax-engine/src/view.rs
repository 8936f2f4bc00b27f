//! What a front end shows of a story.

use parallax_analyse::{analyse, Analysis};
use parallax_compare::entities::{self, EntityRow};
use parallax_compare::facts::{self, FactReport};
use parallax_compare::quotes::{cited_sources, quotes_by_speaker, CitedSource, SpeakerQuotes};
use parallax_compare::{compare, Comparison};
use parallax_core::{Article, ArticleId, StoryId, StorySummary, TitleSource};
use parallax_summary::headline::Headline;
use parallax_summary::timeline::TimelineEntry;
use parallax_summary::{Length, Source, Summary, SummarySentence};
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
    /// People, organisations, places and other names, resolved across the
    /// articles with every variant.
    pub entities: Vec<EntityRow>,
    /// Who said what, by speaker; a quote carried by several outlets is
    /// one quote with all of them.
    pub quotes: Vec<SpeakerQuotes>,
    /// The sources claims rest on ("according to ..."), with the outlets
    /// citing each.
    pub citations: Vec<CitedSource>,
    /// Facts across outlets (corroborated, single-source, conflicting,
    /// contested), independent sources, conflicts, coverage, framing and
    /// the numbers table.
    #[serde(flatten)]
    pub report: FactReport,
    /// A neutral headline chosen among the titles (the stored headline
    /// when no title qualifies).
    pub neutral_headline: Option<Headline>,
    /// The summary: sentences with their citations (`summary` in JSON).
    #[serde(rename = "summary")]
    pub digest: Vec<SummarySentence>,
    /// The sources the summary cites, numbered as in its citations.
    pub summary_sources: Vec<Source>,
    /// Dated developments with their sources.
    pub timeline: Vec<TimelineEntry>,
    /// Ids of the stories merged into this one, which redirect here (left
    /// out of the JSON when there is none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<StoryId>,
}

impl StoryView {
    /// The fact aligner's sentence model (vocabulary, features, learned
    /// weights), for `parallax-eval align`.
    pub fn sentence_aligner() -> parallax_compare::align::Vocab {
        parallax_compare::align::Vocab::new()
    }
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
    // Recognition and quote extraction are guarded per article: a bug
    // triggered by one hostile text leaves that article's annotations
    // empty instead of failing the whole story.
    let mentions: Vec<_> = articles
        .iter()
        .map(|a| guarded(|| entities::mentions(a)))
        .collect();
    let resolutions: Vec<_> = articles
        .iter()
        .zip(&mentions)
        .map(|(a, m)| entities::resolve(a, m))
        .collect();
    let entity_rows = entities::story_entities(&arefs, &resolutions);
    let said: Vec<parallax_quotes::Analysis> = articles
        .iter()
        .zip(&mentions)
        .map(|(a, m)| {
            let typed: Vec<_> = m.iter().map(|(s, l)| (*s, entities::kind(*l))).collect();
            let opts = parallax_quotes::Options {
                mentions: &typed,
                ..Default::default()
            };
            guarded(|| parallax_quotes::extract(&a.text, &opts))
        })
        .collect();
    let srefs: Vec<&parallax_quotes::Analysis> = said.iter().collect();
    let (quotes, report) = {
        let canonical = entities::canonicaliser(&entity_rows);
        let quotes = quotes_by_speaker(&arefs, &srefs, &canonical);
        let inputs: Vec<facts::ArticleInput> = articles
            .iter()
            .zip(&mentions)
            .zip(&said)
            .zip(&analyses)
            .map(|(((a, m), s), an)| facts::ArticleInput {
                article: a,
                said: s,
                mentions: m
                    .iter()
                    .map(|(sp, _)| {
                        let t = a.slice(*sp);
                        (*sp, canonical(t).unwrap_or_else(|| t.to_string()))
                    })
                    .collect(),
                shingles: &an.shingles,
            })
            .collect();
        (quotes, guarded(|| facts::report(&inputs, &canonical)))
    };
    let citations = cited_sources(&arefs, &srefs);
    let (summary_out, neutral_headline, timeline) = guarded(|| {
        let s = parallax_summary::summarise(articles, &report, Length::Auto, stemmer);
        let h = parallax_summary::neutral_headline(articles, &report, stemmer);
        let t = parallax_summary::timeline::timeline(articles, &report);
        (s, h, t)
    });
    let Summary {
        sentences: summary_sentences,
        sources: summary_sources,
        ..
    } = summary_out;
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
        entities: entity_rows,
        quotes,
        citations,
        report,
        neutral_headline,
        digest: summary_sentences,
        summary_sources,
        timeline,
        merged_from: Vec::new(),
    }
}

/// Runs `f`, returning the default value if it panics.
fn guarded<T: Default>(f: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_default()
}
