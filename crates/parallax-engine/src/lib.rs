//! The engine: one article at a time through every stage, and the queries
//! the front ends need.
//!
//! ```text
//! Article ──analyse──▶ Analysis ──cluster──▶ story ──store (batch tx)──▶ SQLite
//! ```
//!
//! [`Engine::ingest_batch`] analyses each new article, assigns it to a story
//! with the online clusterer, and writes the batch and the touched stories
//! in one transaction. On open, the clusterer is replayed from the store, so
//! a restarted engine decides exactly as an uninterrupted one would.

mod view;

pub use parallax_cluster::{Config as ClusterConfig, DEFAULT_THRESHOLD};
pub use parallax_store::{StoreError, StoredArticle};
pub use view::{ArticleRef, StoryView};

use chrono::{DateTime, FixedOffset};
use parallax_analyse::{analyse, Analysis};
use parallax_cluster::Clusterer;
use parallax_core::{Article, ArticleId, StoryId, StorySummary, TitleSource};
use parallax_store::{NewArticle, Store, StoryRow};
use parallax_text::Stemmer;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;
use std::path::Path;

/// Engine errors.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A story or article id matched several.
    #[error("`{0}` is ambiguous: it matches {1}")]
    Ambiguous(String, String),
}

/// Result alias.
pub type Result<T> = std::result::Result<T, EngineError>;

/// What happened to one batch.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct BatchReport {
    /// Articles stored by this batch, with their story.
    pub added: Vec<(ArticleId, StoryId)>,
    /// Articles already stored (or repeated in the batch): nothing changed.
    pub unchanged: usize,
    /// Stories founded by this batch.
    pub new_stories: usize,
}

#[derive(Debug, Clone)]
struct StoryAgg {
    id: StoryId,
    headline: String,
    headline_provisional: bool,
    articles: usize,
    outlets: BTreeSet<String>,
    first_seen: Option<DateTime<FixedOffset>>,
    last_seen: Option<DateTime<FixedOffset>>,
}

impl StoryAgg {
    fn add(&mut self, a: &Article, now: DateTime<FixedOffset>) {
        self.articles += 1;
        if let Some(o) = &a.outlet {
            self.outlets.insert(o.clone());
        }
        let t = a.published.unwrap_or(now);
        self.first_seen = Some(self.first_seen.map_or(t, |f| f.min(t)));
        self.last_seen = Some(self.last_seen.map_or(t, |l| l.max(t)));
        let real = matches!(a.title_source, TitleSource::Given | TitleSource::FirstLine);
        if self.headline.is_empty() || (self.headline_provisional && real) {
            if let Some(title) = &a.title {
                self.headline = title.clone();
                self.headline_provisional = !real;
            }
        }
    }

    fn row(&self, index: usize) -> StoryRow {
        StoryRow {
            summary: self.summary(),
            story_index: index,
            headline_provisional: self.headline_provisional,
        }
    }

    fn summary(&self) -> StorySummary {
        StorySummary {
            id: self.id.clone(),
            headline: self.headline.clone(),
            articles: self.articles,
            outlets: self.outlets.iter().cloned().collect(),
            first_seen: self.first_seen,
            last_seen: self.last_seen,
        }
    }
}

/// The engine over one store.
pub struct Engine {
    store: Store,
    clusterer: Clusterer,
    stemmer: Stemmer,
    stories: Vec<StoryAgg>,
    config: ClusterConfig,
}

impl Engine {
    /// Opens the engine on the store in `data_dir`, replaying the clusterer.
    pub fn open(data_dir: &Path, config: ClusterConfig) -> Result<Engine> {
        Self::with_store(Store::open(data_dir)?, config)
    }

    /// An engine on a fresh in-memory store.
    pub fn in_memory(config: ClusterConfig) -> Result<Engine> {
        Self::with_store(Store::in_memory()?, config)
    }

    fn with_store(store: Store, config: ClusterConfig) -> Result<Engine> {
        let mut engine = Engine {
            store,
            clusterer: Clusterer::new(config),
            stemmer: Stemmer::default(),
            stories: Vec::new(),
            config,
        };
        engine.reload()?;
        Ok(engine)
    }

    /// Rebuilds the in-memory state from the store.
    fn reload(&mut self) -> Result<()> {
        self.clusterer = Clusterer::new(self.config);
        let clusterer = &mut self.clusterer;
        self.store
            .for_each_assignment(|terms, idx| clusterer.replay(&terms, idx))?;
        self.stories = self
            .store
            .story_rows()?
            .into_iter()
            .map(|r| StoryAgg {
                id: r.summary.id,
                headline: r.summary.headline,
                headline_provisional: r.headline_provisional,
                articles: r.summary.articles,
                outlets: r.summary.outlets.into_iter().collect(),
                first_seen: r.summary.first_seen,
                last_seen: r.summary.last_seen,
            })
            .collect();
        Ok(())
    }

    /// Analyses, clusters and stores a batch of articles in one transaction.
    /// Articles already stored change nothing. If the write fails, nothing of
    /// the batch is kept and the engine's state is restored from the store.
    pub fn ingest_batch(&mut self, articles: Vec<Article>) -> Result<BatchReport> {
        let mut report = BatchReport::default();
        let mut seen: FxHashSet<ArticleId> = FxHashSet::default();
        let mut fresh = Vec::with_capacity(articles.len());
        for a in articles {
            if !seen.insert(a.id.clone()) || self.store.contains(&a.id)? {
                report.unchanged += 1;
                continue;
            }
            fresh.push(a);
        }
        let analyses: Vec<Analysis> = fresh.iter().map(|a| analyse(a, &self.stemmer)).collect();
        let now = chrono::Utc::now().fixed_offset();
        let mut rows = Vec::with_capacity(fresh.len());
        let mut touched: Vec<usize> = Vec::new();
        for (article, analysis) in fresh.into_iter().zip(analyses) {
            let assignment = self.clusterer.add(&analysis.terms);
            if assignment.founded {
                debug_assert_eq!(assignment.story, self.stories.len());
                self.stories.push(StoryAgg {
                    id: StoryId::founded_by(&article.id),
                    headline: String::new(),
                    headline_provisional: true,
                    articles: 0,
                    outlets: BTreeSet::new(),
                    first_seen: None,
                    last_seen: None,
                });
                report.new_stories += 1;
            }
            let agg = &mut self.stories[assignment.story];
            agg.add(&article, now);
            touched.push(assignment.story);
            report.added.push((article.id.clone(), agg.id.clone()));
            rows.push(NewArticle {
                story: agg.id.clone(),
                story_index: assignment.story,
                terms: analysis.terms,
                article,
            });
        }
        touched.sort_unstable();
        touched.dedup();
        let story_rows: Vec<StoryRow> = touched.iter().map(|&i| self.stories[i].row(i)).collect();
        if let Err(e) = self.store.write_batch(&rows, &story_rows) {
            self.reload()?;
            return Err(e.into());
        }
        Ok(report)
    }

    /// Stories, most recently updated first; `limit` 0 means all.
    pub fn stories(&self, limit: usize) -> Result<Vec<StorySummary>> {
        Ok(self.store.stories(limit)?)
    }

    /// Resolves a story id or unique prefix.
    pub fn resolve_story(&self, key: &str) -> Result<Option<StoryId>> {
        let found = self.store.find_stories(key)?;
        if let Some(exact) = found.iter().find(|s| s.as_str() == key) {
            return Ok(Some(exact.clone()));
        }
        match found.len() {
            0 => Ok(None),
            1 => Ok(found.into_iter().next()),
            _ => Err(EngineError::Ambiguous(
                key.to_string(),
                found
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
        }
    }

    /// The full view of a story: summary, articles and comparison.
    pub fn story(&self, key: &str) -> Result<Option<StoryView>> {
        let Some(id) = self.resolve_story(key)? else {
            return Ok(None);
        };
        let Some(summary) = self.store.story(&id)? else {
            return Ok(None);
        };
        let members = self.store.story_articles(&id)?;
        let articles: Vec<Article> = members.into_iter().map(|m| m.article).collect();
        let idf = |t: &str| self.clusterer.idf(t);
        Ok(Some(view::build(summary, &articles, &idf, &self.stemmer)))
    }

    /// Articles whose id, external id or id prefix is `key`.
    pub fn find_articles(&self, key: &str) -> Result<Vec<StoredArticle>> {
        Ok(self.store.find_articles(key)?)
    }

    /// Streams every article in arrival order.
    pub fn for_each_article(&self, f: impl FnMut(StoredArticle) -> bool) -> Result<()> {
        Ok(self.store.for_each_article(f)?)
    }

    /// Number of stored articles.
    pub fn article_count(&self) -> Result<usize> {
        Ok(self.store.article_count()?)
    }

    /// Number of stories.
    pub fn story_count(&self) -> usize {
        self.stories.len()
    }

    /// SQLite's integrity check of the store.
    pub fn integrity_check(&self) -> Result<std::result::Result<(), String>> {
        Ok(self.store.integrity_check()?)
    }

    /// Story of each article id, for evaluation and export.
    pub fn assignments(&self) -> Result<FxHashMap<ArticleId, StoryId>> {
        Ok(self.store.assignments()?.into_iter().collect())
    }
}

/// Analyses a set of articles as one story, bypassing clustering and the
/// store (`parallax compare`).
pub fn compare_articles(articles: &[Article]) -> StoryView {
    let stemmer = Stemmer::default();
    let analyses: Vec<Analysis> = articles.iter().map(|a| analyse(a, &stemmer)).collect();
    let refs: Vec<&Analysis> = analyses.iter().collect();
    let idf = parallax_compare::local_idf(&refs);
    let mut agg = StoryAgg {
        id: StoryId("compare".into()),
        headline: String::new(),
        headline_provisional: true,
        articles: 0,
        outlets: BTreeSet::new(),
        first_seen: None,
        last_seen: None,
    };
    let now = chrono::Utc::now().fixed_offset();
    for a in articles {
        agg.add(a, now);
    }
    view::build(agg.summary(), articles, &idf, &stemmer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_ingest::ArticleDraft;

    fn article(title: &str, text: &str, outlet: &str) -> Article {
        ArticleDraft {
            title: Some(title.into()),
            text: text.into(),
            outlet: Some(outlet.into()),
            ..Default::default()
        }
        .build()
    }

    fn corpus() -> Vec<Article> {
        vec![
            article("Tarno bridge collapses into river", "The old bridge in Tarno collapsed into the Vell river on Monday. Divers searched for survivors.", "Velmar Daily"),
            article("Mariners win the cup final", "Port Velna Mariners beat Dravnik Union in the cup final on Sunday. The stadium was full.", "Sport Post"),
            article("Divers search river after Tarno bridge collapse", "Divers searched the Vell river after the Tarno bridge collapsed. Two people are missing.", "Tarno Herald"),
        ]
    }

    #[test]
    fn ingest_clusters_and_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let mut e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
        let r = e.ingest_batch(corpus()).unwrap();
        assert_eq!(r.added.len(), 3);
        assert_eq!(r.new_stories, 2);
        assert_eq!(r.added[0].1, r.added[2].1);
        let again = e.ingest_batch(corpus()).unwrap();
        assert_eq!(again.added.len(), 0);
        assert_eq!(again.unchanged, 3);
        let stories = e.stories(0).unwrap();
        assert_eq!(stories.len(), 2);
        let view = e.story(r.added[0].1.as_str()).unwrap().unwrap();
        assert_eq!(view.articles.len(), 2);
        assert_eq!(view.summary.headline, "Tarno bridge collapses into river");
    }

    #[test]
    fn reopened_engine_decides_like_an_uninterrupted_one() {
        let all = corpus();
        let one = {
            let mut e = Engine::in_memory(ClusterConfig::default()).unwrap();
            e.ingest_batch(all.clone()).unwrap().added
        };
        let dir = tempfile::tempdir().unwrap();
        {
            let mut e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
            e.ingest_batch(all[..2].to_vec()).unwrap();
        }
        let mut e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
        let rest = e.ingest_batch(all[2..].to_vec()).unwrap().added;
        assert_eq!(rest[0], one[2]);
    }

    #[test]
    fn compare_bypasses_clustering() {
        let v = compare_articles(&corpus());
        assert_eq!(v.articles.len(), 3);
        assert_eq!(v.summary.outlets.len(), 3);
    }
}
