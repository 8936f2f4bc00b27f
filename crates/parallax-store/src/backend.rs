//! The storage boundary: what the engine asks of any store.
//!
//! [`ArticleStore`] is implemented by the embedded SQLite [`Store`] and by
//! the PostgreSQL store of `parallax-store-pg`. Both pass the same
//! conformance suite (`conformance`, behind the cargo feature of that
//! name). The watch state of live ingestion stays SQLite-only
//! ([`ArticleStore::sqlite`]); the shared work queue of several workers on
//! one database is PostgreSQL-only ([`ArticleStore::shared_inbox`]).

use crate::{
    ArticleUpdate, NewArticle, ReplayRow, Result, Store, StoredArticle, StoredVersion, StoryRow,
};
use parallax_core::{Article, ArticleId, StoryId, StorySummary};
use std::collections::HashSet;

/// A store of articles and stories: the engine's only way to persist.
///
/// Reads take `&self` so the engine's queries stay `&self`; a backend
/// whose client needs `&mut` keeps it behind a mutex. Every method either
/// succeeds or leaves the store as it was.
pub trait ArticleStore: Send {
    /// A short name of the backend (`sqlite`, `postgres`), for messages.
    fn backend(&self) -> &'static str;

    /// The schema version in force (the number of migrations applied).
    fn schema_version(&self) -> Result<i64>;

    /// True when an article with this id is stored.
    fn contains(&self, id: &ArticleId) -> Result<bool>;

    /// The stored version of an article (its wording's key, title and
    /// story), `None` when it is not stored.
    fn stored_version(&self, id: &ArticleId) -> Result<Option<StoredVersion>>;

    /// Writes new articles, newer versions of stored articles
    /// ([`ArticleUpdate`]) and the updated story rows in one transaction.
    /// Articles already stored are skipped, and so is an update that is
    /// not stored or already has its wording; a failing batch writes
    /// nothing. Returns how many new articles were written.
    fn write(
        &mut self,
        articles: &[NewArticle],
        updates: &[ArticleUpdate],
        stories: &[StoryRow],
    ) -> Result<usize>;

    /// [`ArticleStore::write`] without updates.
    fn write_batch(&mut self, articles: &[NewArticle], stories: &[StoryRow]) -> Result<usize> {
        self.write(articles, &[], stories)
    }

    /// Everything needed to replay the stored articles whose arrival
    /// sequence is above `after_seq`, in arrival order (0: all).
    fn for_each_replay_after(&self, after_seq: i64, f: &mut dyn FnMut(ReplayRow)) -> Result<()>;

    /// The story of every article, in arrival order: (article id, story id).
    fn assignments(&self) -> Result<Vec<(ArticleId, StoryId)>>;

    /// Number of stored articles.
    fn article_count(&self) -> Result<usize>;

    /// Number of stories.
    fn story_count(&self) -> Result<usize>;

    /// Every story row in clustering order (index `i` is story index `i`).
    fn story_rows(&self) -> Result<Vec<StoryRow>>;

    /// Stories, most recently updated first, `limit` (0: all) after the
    /// first `offset`. Ties in update order go to the later story.
    fn stories_from(&self, offset: usize, limit: usize) -> Result<Vec<StorySummary>>;

    /// Stories, most recently updated first; `limit` 0 means all.
    fn stories(&self, limit: usize) -> Result<Vec<StorySummary>> {
        self.stories_from(0, limit)
    }

    /// Ids of the stories with an article in `language`.
    fn stories_in_language(&self, language: &str) -> Result<HashSet<String>>;

    /// Every distinct language of the stored articles, sorted.
    fn languages(&self) -> Result<Vec<String>>;

    /// One story's summary by exact id (`None` for a story merged into
    /// another: see [`ArticleStore::story_redirect`]).
    fn story(&self, id: &StoryId) -> Result<Option<StorySummary>>;

    /// Where a merged story went: the story that holds its articles now,
    /// following later merges. `None` when `id` is not a merged story.
    fn story_redirect(&self, id: &StoryId) -> Result<Option<StoryId>>;

    /// Story ids starting with `prefix` (merged stories' too), sorted, at
    /// most 10.
    fn find_stories(&self, prefix: &str) -> Result<Vec<StoryId>>;

    /// Articles of a story in arrival order.
    fn story_articles(&self, id: &StoryId) -> Result<Vec<StoredArticle>>;

    /// Articles whose id, or external id, is `key`, or whose id starts
    /// with `key`, in arrival order, at most 10.
    fn find_articles(&self, key: &str) -> Result<Vec<StoredArticle>>;

    /// The articles after the first `skip` in arrival order, streamed to
    /// `f` (stops early when `f` returns false).
    fn for_each_article_from(
        &self,
        skip: usize,
        f: &mut dyn FnMut(StoredArticle) -> bool,
    ) -> Result<()>;

    /// The backend's own consistency check; `Ok(Ok(()))` when sound,
    /// `Ok(Err(problem))` when not.
    fn integrity_check(&self) -> Result<std::result::Result<(), String>>;

    /// Another handle on the same store for writing batches on another
    /// thread while this one keeps reading (see `Engine::stage`), when the
    /// backend has one; `None` makes the caller write on its own thread.
    fn writer(&self) -> Result<Option<Box<dyn ArticleStore>>> {
        Ok(None)
    }

    /// The SQLite store, when this is one: the watch state of live
    /// ingestion (`Store::feeds`) is kept only there.
    fn sqlite(&mut self) -> Option<&mut Store> {
        None
    }

    /// The shared inbox of several workers on one database, when the
    /// backend has one.
    fn shared_inbox(&mut self) -> Option<&mut dyn SharedInbox> {
        None
    }
}

/// An article's analysis in the form the clusterer replays: what a worker
/// computes in parallel and another may cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysedForm {
    /// The body terms with their weights.
    pub terms: Vec<(String, f32)>,
    /// The clusterer's other replay data (opaque text written by the
    /// engine).
    pub features: String,
    /// Fingerprint of the text for exact-copy detection.
    pub fingerprint: Option<u64>,
    /// MinHash signature for near-copy detection (opaque text).
    pub minhash: String,
}

/// An analysed article of the inbox, ready to be clustered.
#[derive(Debug, Clone)]
pub struct InboxArticle {
    /// Its place in the inbox (stream order).
    pub seq: i64,
    /// The article.
    pub article: Article,
    /// Its analysis.
    pub analysed: AnalysedForm,
}

/// What one clustering step sees, under the clustering lock.
#[derive(Debug, Clone, Default)]
pub struct ClusterStep {
    /// Articles other workers stored since `after_seq`, in arrival order:
    /// the clusterer must replay them first.
    pub catch_up: Vec<ReplayRow>,
    /// The current rows of the stories those articles touched, by story
    /// index.
    pub catch_up_stories: Vec<StoryRow>,
    /// The next analysed articles of the inbox, in stream order, up to the
    /// first one not analysed yet.
    pub ready: Vec<InboxArticle>,
    /// Among those inbox rows, newer versions of stored articles (the same
    /// id, another wording), with the stored version they replace.
    pub updates: Vec<(Article, StoredVersion)>,
}

/// What a clustering step writes ([`SharedInbox::cluster_next`]).
#[derive(Debug, Clone, Default)]
pub struct ClusterRows {
    /// New articles.
    pub articles: Vec<NewArticle>,
    /// Newer versions of stored articles.
    pub updates: Vec<ArticleUpdate>,
    /// The rows of the stories they touched.
    pub stories: Vec<StoryRow>,
}

/// What a clustering step did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClusterOutcome {
    /// Articles written by this step.
    pub written: usize,
    /// Inbox rows done by this step (written, updates, or already stored).
    pub done: usize,
    /// Stored articles replaced by a newer version in this step.
    pub updated: usize,
    /// The arrival sequence of the last stored article after the step.
    pub last_seq: i64,
}

/// How many inbox rows are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InboxCounts {
    /// Waiting for analysis.
    pub new: usize,
    /// Analysed, waiting for clustering.
    pub analysed: usize,
    /// Clustered and stored.
    pub done: usize,
}

/// A work queue shared by several worker processes on one database.
///
/// The stream is put into the inbox once (by id and wording: the same
/// article twice is one row, a newer version of it another), analysed by
/// whichever worker claims it, and clustered in stream order by one worker
/// at a time, so any number of workers gives the stories one worker would.
pub trait SharedInbox {
    /// Appends articles to the inbox in order; an article whose id and
    /// wording ([`Article::version_key`]) are there already is skipped.
    /// Returns how many were added.
    fn enqueue(&mut self, articles: &[Article]) -> Result<usize>;

    /// Claims up to `limit` new rows that no other worker holds, in stream
    /// order, passes them to `analyse` (which returns one form per article,
    /// in order) and stores the forms. Returns how many were analysed (0:
    /// none was free). A worker that dies mid-way releases its claim.
    fn analyse_next(
        &mut self,
        limit: usize,
        analyse: &mut dyn FnMut(Vec<Article>) -> Vec<AnalysedForm>,
    ) -> Result<usize>;

    /// Takes the clustering lock, gives `cluster` the articles stored
    /// since `after_seq` and up to `limit` analysed rows in stream order,
    /// and writes what it returns (articles, newer versions and story rows)
    /// in the same transaction, marking those rows done. A step ends before
    /// a second row of an id it holds already, so each version is compared
    /// with the one stored before it. When `cluster` fails, nothing is
    /// written.
    fn cluster_next(
        &mut self,
        after_seq: i64,
        limit: usize,
        cluster: &mut dyn FnMut(ClusterStep) -> Result<ClusterRows>,
    ) -> Result<ClusterOutcome>;

    /// How many rows are in each state.
    fn inbox_counts(&self) -> Result<InboxCounts>;
}
