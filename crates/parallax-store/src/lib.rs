//! Embedded storage: one SQLite database in the data directory.
//!
//! - Schema migrations are numbered and applied in order on open
//!   (`PRAGMA user_version` records the last one applied).
//! - WAL journal, `synchronous = NORMAL`: a committed batch survives a crash
//!   of the process; nothing half-written is ever visible.
//! - Writes come in batches ([`Store::write_batch`]), one transaction each:
//!   an article reported as ingested is durable, and a batch interrupted
//!   mid-way leaves no trace, so a re-run completes it.
//! - Articles are keyed by their stable id: writing an article that is
//!   already stored is a no-op.

use chrono::{DateTime, FixedOffset};
use parallax_core::{Article, ArticleId, StoryId, StorySummary};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};

mod backend;
#[cfg(feature = "conformance")]
pub mod conformance;
mod watch;
pub use backend::{
    AnalysedForm, ArticleStore, ClusterOutcome, ClusterRows, ClusterStep, InboxArticle,
    InboxCounts, SharedInbox,
};
pub use watch::{FeedRow, FeedState, ItemOutcome, ItemStatus, NewItem, PendingItem, PollOk};

/// Storage errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Stored JSON could not be read back.
    #[error("corrupt record {0}: {1}")]
    Corrupt(String, String),
    /// The data directory could not be created.
    #[error("cannot create data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    /// The database was written by a newer Parallax.
    #[error("database schema version {0} is newer than this Parallax supports ({1})")]
    TooNew(i64, i64),
    /// Another backend (PostgreSQL) reported an error.
    #[error("{0} error: {1}")]
    Backend(&'static str, String),
    /// The caller gave up a step of a transaction (nothing was written).
    #[error("{0}")]
    Aborted(String),
}

/// Result alias.
pub type Result<T> = std::result::Result<T, StoreError>;

const MIGRATIONS: &[&str] = &[
    // 1: articles and stories.
    r#"
    CREATE TABLE articles (
        seq          INTEGER PRIMARY KEY,
        id           TEXT NOT NULL UNIQUE,
        external_id  TEXT,
        url          TEXT,
        outlet       TEXT,
        title        TEXT,
        published    TEXT,
        language     TEXT,
        story        TEXT NOT NULL,
        story_index  INTEGER NOT NULL,
        doc          TEXT NOT NULL,
        terms        TEXT NOT NULL,
        ingested_at  TEXT NOT NULL
    );
    CREATE INDEX articles_story ON articles(story, seq);
    CREATE INDEX articles_external ON articles(external_id);
    CREATE TABLE stories (
        id           TEXT PRIMARY KEY,
        story_index  INTEGER NOT NULL UNIQUE,
        headline     TEXT NOT NULL,
        headline_provisional INTEGER NOT NULL DEFAULT 0,
        articles     INTEGER NOT NULL,
        outlets      TEXT NOT NULL,
        first_seen   TEXT,
        last_seen    TEXT,
        updated_seq  INTEGER NOT NULL
    );
    CREATE INDEX stories_updated ON stories(updated_seq);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    "#,
    // 2: replay data of the learned clusterer and copy detection; copy links;
    // independent reports per story.
    r#"
    ALTER TABLE articles ADD COLUMN features TEXT;
    ALTER TABLE articles ADD COLUMN fingerprint INTEGER;
    ALTER TABLE articles ADD COLUMN minhash TEXT;
    ALTER TABLE articles ADD COLUMN duplicate_of TEXT;
    ALTER TABLE articles ADD COLUMN duplicate_similarity REAL;
    ALTER TABLE stories ADD COLUMN independent INTEGER;
    "#,
    // 3: live ingestion: watched feeds with their HTTP validators, schedule
    // and health, and the items seen in each (times are Unix milliseconds).
    r#"
    CREATE TABLE feeds (
        url           TEXT PRIMARY KEY,
        title         TEXT,
        added_at      INTEGER NOT NULL,
        etag          TEXT,
        last_modified TEXT,
        next_poll     INTEGER NOT NULL DEFAULT 0,
        last_poll     INTEGER,
        last_ok       INTEGER,
        failures      INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT
    );
    CREATE TABLE feed_items (
        feed          TEXT NOT NULL REFERENCES feeds(url) ON DELETE CASCADE,
        key           TEXT NOT NULL,
        url           TEXT,
        meta          TEXT,
        status        TEXT NOT NULL,
        attempts      INTEGER NOT NULL DEFAULT 0,
        next_try      INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT,
        article       TEXT,
        first_seen    INTEGER NOT NULL,
        done_at       INTEGER,
        PRIMARY KEY (feed, key)
    );
    CREATE INDEX feed_items_pending ON feed_items(feed, status, next_try);
    "#,
    // 4: the listing of stories, newest first, reads one index in order
    // (no sort of every story per page).
    r#"
    DROP INDEX stories_updated;
    CREATE INDEX stories_recent ON stories(updated_seq DESC, story_index DESC);
    CREATE INDEX articles_language ON articles(language, story);
    "#,
    // 5: updated versions of an article replace the stored one: the key of
    // the stored wording, how many versions were read, when the last came.
    r#"
    ALTER TABLE articles ADD COLUMN version_key TEXT;
    ALTER TABLE articles ADD COLUMN revisions INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE articles ADD COLUMN revised_at TEXT;
    "#,
    // 6: stories merged into another keep their row as a redirect: the
    // story they went into, its index, and the article whose arrival merged
    // them (the clusterer replays the merge just before it).
    r#"
    ALTER TABLE stories ADD COLUMN merged_into TEXT;
    ALTER TABLE stories ADD COLUMN merged_into_index INTEGER;
    ALTER TABLE stories ADD COLUMN merged_at TEXT;
    "#,
];

/// One article to write, with what the pipeline decided about it.
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// The article.
    pub article: Article,
    /// Its story.
    pub story: StoryId,
    /// The story's index in clustering order.
    pub story_index: usize,
    /// The article as stored: its JSON ([`encode_article`]). Encoded by the
    /// caller, so the work can be spread across cores before the write.
    pub doc: String,
    /// The analysis terms ([`encode_terms`]), kept so the clusterer can be
    /// replayed on open.
    pub terms: String,
    /// The clusterer's other replay data (opaque text written by the engine).
    pub features: String,
    /// Fingerprint of the text for exact-copy detection.
    pub fingerprint: Option<u64>,
    /// MinHash signature for near-copy detection (opaque text).
    pub minhash: String,
    /// The original this article copies, with the similarity.
    pub duplicate_of: Option<(ArticleId, f32)>,
}

/// A newer version of a stored article (same id, other wording) that
/// replaces the stored one ([`ArticleStore::write`]).
///
/// The text, title and metadata are replaced; the article keeps its arrival
/// place, its story and its replay data (the clusterer and the copy index
/// replay the version they first saw, so a reopened engine decides as an
/// uninterrupted one did).
#[derive(Debug, Clone)]
pub struct ArticleUpdate {
    /// The new version.
    pub article: Article,
    /// Its stored form ([`encode_article`]).
    pub doc: String,
}

/// What the store holds of an article, to tell a repeat from an update
/// ([`ArticleStore::stored_version`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVersion {
    /// The stored wording's [`Article::version_key`].
    pub key: String,
    /// The stored title.
    pub title: Option<String>,
    /// The article's story index.
    pub story_index: usize,
}

impl StoredVersion {
    /// The version `article` is, in story `story_index`.
    pub fn of(article: &Article, story_index: usize) -> StoredVersion {
        StoredVersion {
            key: article.version_key(),
            title: article.title.clone(),
            story_index,
        }
    }
}

/// What the engine needs to replay one stored article, in arrival order.
#[derive(Debug, Clone)]
pub struct ReplayRow {
    /// Arrival sequence (increasing; not necessarily dense).
    pub seq: i64,
    /// The article's id.
    pub id: ArticleId,
    /// Its title.
    pub title: Option<String>,
    /// Its story index.
    pub story_index: usize,
    /// The analysis terms.
    pub terms: Vec<(String, f32)>,
    /// The clusterer's other replay data (empty before schema 2).
    pub features: String,
    /// Fingerprint of the text (none before schema 2).
    pub fingerprint: Option<u64>,
    /// MinHash signature (empty before schema 2).
    pub minhash: String,
    /// True when the article copies an earlier one.
    pub is_copy: bool,
}

/// A story's row, as written after a batch.
#[derive(Debug, Clone)]
pub struct StoryRow {
    /// The story's summary.
    pub summary: StorySummary,
    /// Its index in clustering order.
    pub story_index: usize,
    /// True when the headline is a provisional first sentence.
    pub headline_provisional: bool,
    /// Independent reports: articles that are not copies of another.
    pub independent: usize,
    /// Set when the story was merged into another: the row stays as a
    /// redirect, and its articles belong to the other story.
    pub merged: Option<StoryMerge>,
}

/// Where a merged story went ([`StoryRow::merged`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryMerge {
    /// The story it was merged into (which may itself have been merged
    /// since: follow the redirects).
    pub into: StoryId,
    /// That story's index in clustering order.
    pub into_index: usize,
    /// The article whose arrival merged the two stories: a replay merges
    /// them just before replaying it.
    pub at: ArticleId,
}

/// A stored article with its story.
#[derive(Debug, Clone)]
pub struct StoredArticle {
    /// Arrival order.
    pub seq: i64,
    /// The article.
    pub article: Article,
    /// Its story.
    pub story: StoryId,
    /// The earlier article it copies, with the estimated similarity.
    pub duplicate_of: Option<(ArticleId, f32)>,
    /// Versions read of it: 1, or more when newer versions replaced the
    /// first ([`ArticleUpdate`]).
    pub revisions: u32,
}

/// The embedded store.
pub struct Store {
    conn: Connection,
    /// The data directory, for a file store (not an in-memory one).
    dir: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::DataDir(dir.display().to_string(), e))?;
        let conn = Connection::open(dir.join("parallax.db"))?;
        let mut store = Self::init(conn)?;
        store.dir = Some(dir.to_path_buf());
        Ok(store)
    }

    /// A second connection to the same file store, for writing batches on
    /// another thread while this one reads (WAL: readers see what is
    /// committed). `None` for an in-memory store, which has one connection.
    pub fn second_connection(&self) -> Result<Option<Store>> {
        match &self.dir {
            Some(dir) => Store::open(dir).map(Some),
            None => Ok(None),
        }
    }

    /// An in-memory store (tests, `parallax compare`).
    pub fn in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A 64 MiB page cache (the default is 2 MiB): the id and story
        // indexes of a million articles take tens of megabytes, and their
        // inserts land at random pages.
        conn.pragma_update(None, "cache_size", -65_536)?;
        let mut store = Store { conn, dir: None };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let latest = MIGRATIONS.len() as i64;
        if version > latest {
            return Err(StoreError::TooNew(version, latest));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The schema version in force.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// The watch state: feeds, their validators and health, seen items.
    pub fn feeds(&mut self) -> FeedState<'_> {
        FeedState::new(&mut self.conn)
    }

    /// True when an article with this id is stored.
    pub fn contains(&self, id: &ArticleId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM articles WHERE id = ?1")?
            .exists([id.as_str()])?)
    }

    /// The stored version of an article, `None` when it is not stored.
    pub fn stored_version(&self, id: &ArticleId) -> Result<Option<StoredVersion>> {
        let row: Option<(Option<String>, Option<String>, i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT version_key, title, story_index, CASE WHEN version_key IS NULL THEN doc ELSE '' END
                 FROM articles WHERE id = ?1",
            )?
            .query_row([id.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        let Some((key, title, story_index, doc)) = row else {
            return Ok(None);
        };
        Ok(Some(StoredVersion {
            key: match key {
                Some(k) => k,
                None => version_key_of_doc(id, &doc)?,
            },
            title,
            story_index: story_index as usize,
        }))
    }

    /// Writes new articles and the updated story rows in one transaction.
    /// Articles already stored are skipped. Returns how many were written.
    pub fn write_batch(&mut self, articles: &[NewArticle], stories: &[StoryRow]) -> Result<usize> {
        self.write(articles, &[], stories)
    }

    /// Writes new articles, newer versions of stored ones and the updated
    /// story rows in one transaction. Articles already stored are skipped;
    /// an update of an article not stored is skipped. Returns how many
    /// articles were written (updates not counted).
    pub fn write(
        &mut self,
        articles: &[NewArticle],
        updates: &[ArticleUpdate],
        stories: &[StoryRow],
    ) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let now = chrono::Utc::now().to_rfc3339();
        let mut written = 0;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO articles (id, external_id, url, outlet, title, published, language, story, story_index, doc, terms, ingested_at,
                   features, fingerprint, minhash, duplicate_of, duplicate_similarity, version_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )?;
            for n in articles {
                let a = &n.article;
                written += insert.execute(params![
                    a.id.as_str(),
                    a.external_id,
                    a.url,
                    a.outlet,
                    a.title,
                    a.published.map(|t| t.to_rfc3339()),
                    a.language,
                    n.story.as_str(),
                    n.story_index as i64,
                    n.doc,
                    n.terms,
                    now,
                    n.features,
                    n.fingerprint.map(|f| f as i64),
                    n.minhash,
                    n.duplicate_of.as_ref().map(|(o, _)| o.as_str()),
                    n.duplicate_of.as_ref().map(|(_, s)| *s as f64),
                    a.version_key(),
                ])?;
            }
            let mut update = tx.prepare_cached(
                "UPDATE articles SET external_id = ?2, outlet = ?3, title = ?4, published = ?5, language = ?6,
                   doc = ?7, version_key = ?8, revisions = revisions + 1, revised_at = ?9
                 WHERE id = ?1 AND (version_key IS NULL OR version_key <> ?8)",
            )?;
            for u in updates {
                let a = &u.article;
                update.execute(params![
                    a.id.as_str(),
                    a.external_id,
                    a.outlet,
                    a.title,
                    a.published.map(|t| t.to_rfc3339()),
                    a.language,
                    u.doc,
                    a.version_key(),
                    now,
                ])?;
            }
            let mut upsert = tx.prepare_cached(
                "INSERT INTO stories (id, story_index, headline, articles, outlets, first_seen, last_seen, updated_seq, headline_provisional, independent,
                   merged_into, merged_into_index, merged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT COALESCE(MAX(seq), 0) FROM articles), ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT(id) DO UPDATE SET headline = excluded.headline, articles = excluded.articles,
                   headline_provisional = excluded.headline_provisional, independent = excluded.independent,
                   outlets = excluded.outlets, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                   updated_seq = excluded.updated_seq, merged_into = excluded.merged_into,
                   merged_into_index = excluded.merged_into_index, merged_at = excluded.merged_at",
            )?;
            let mut move_articles =
                tx.prepare_cached("UPDATE articles SET story = ?2 WHERE story = ?1")?;
            for s in stories {
                let sum = &s.summary;
                upsert.execute(params![
                    sum.id.as_str(),
                    s.story_index as i64,
                    sum.headline,
                    sum.articles as i64,
                    serde_json::to_string(&sum.outlets).unwrap_or_else(|_| "[]".into()),
                    sum.first_seen.map(|t| t.to_rfc3339()),
                    sum.last_seen.map(|t| t.to_rfc3339()),
                    s.headline_provisional,
                    s.independent as i64,
                    s.merged.as_ref().map(|m| m.into.as_str()),
                    s.merged.as_ref().map(|m| m.into_index as i64),
                    s.merged.as_ref().map(|m| m.at.as_str()),
                ])?;
                if let Some(m) = &s.merged {
                    move_articles.execute(params![sum.id.as_str(), m.into.as_str()])?;
                }
            }
        }
        tx.commit()?;
        Ok(written)
    }

    /// Every stored article's terms and story index, in arrival order, for
    /// replaying the clusterer. Calls `f` for each.
    pub fn for_each_assignment(&self, mut f: impl FnMut(Vec<(String, f32)>, usize)) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT terms, story_index FROM articles ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let terms: String = row.get(0)?;
            let idx: i64 = row.get(1)?;
            f(decode_terms(&terms), idx as usize);
        }
        Ok(())
    }

    /// Everything needed to replay every stored article, in arrival order.
    /// Calls `f` for each.
    pub fn for_each_replay(&self, f: impl FnMut(ReplayRow)) -> Result<()> {
        self.for_each_replay_after(0, f)
    }

    /// Like [`Store::for_each_replay`], for the articles whose arrival
    /// sequence is above `after_seq`.
    pub fn for_each_replay_after(
        &self,
        after_seq: i64,
        mut f: impl FnMut(ReplayRow),
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT id, title, story_index, terms, features, fingerprint, minhash, duplicate_of, seq
             FROM articles WHERE seq > ?1 ORDER BY seq",
        )?;
        let mut rows = stmt.query([after_seq])?;
        while let Some(row) = rows.next()? {
            let terms: String = row.get(3)?;
            f(ReplayRow {
                seq: row.get(8)?,
                id: ArticleId(row.get(0)?),
                title: row.get(1)?,
                story_index: row.get::<_, i64>(2)? as usize,
                terms: decode_terms(&terms),
                features: row.get::<_, Option<String>>(4)?.unwrap_or_default(),
                fingerprint: row.get::<_, Option<i64>>(5)?.map(|v| v as u64),
                minhash: row.get::<_, Option<String>>(6)?.unwrap_or_default(),
                is_copy: row.get::<_, Option<String>>(7)?.is_some(),
            });
        }
        Ok(())
    }

    /// The story of every article, in arrival order: (article id, story id).
    pub fn assignments(&self) -> Result<Vec<(ArticleId, StoryId)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, story FROM articles ORDER BY seq")?;
        let rows = stmt.query_map([], |r| Ok((ArticleId(r.get(0)?), StoryId(r.get(1)?))))?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    /// Number of stored articles.
    pub fn article_count(&self) -> Result<usize> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM articles", [], |r| r.get::<_, i64>(0))?
            as usize)
    }

    /// Number of stories.
    pub fn story_count(&self) -> Result<usize> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM stories WHERE merged_into IS NULL",
            [],
            |r| r.get::<_, i64>(0),
        )? as usize)
    }

    /// Every story row in clustering order (index `i` is story index `i`).
    pub fn story_rows(&self) -> Result<Vec<StoryRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, headline, articles, outlets, first_seen, last_seen, story_index, headline_provisional, independent,
               merged_into, merged_into_index, merged_at
             FROM stories ORDER BY story_index",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(StoryRow {
                summary: story_from_row(r)?,
                story_index: r.get::<_, i64>(6)? as usize,
                headline_provisional: r.get(7)?,
                independent: r
                    .get::<_, Option<i64>>(8)?
                    .map_or(r.get::<_, i64>(2)? as usize, |v| v as usize),
                merged: match (
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, Option<i64>>(10)?,
                    r.get::<_, Option<String>>(11)?,
                ) {
                    (Some(into), Some(index), Some(at)) => Some(StoryMerge {
                        into: StoryId(into),
                        into_index: index as usize,
                        at: ArticleId(at),
                    }),
                    _ => None,
                },
            })
        })?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    /// Stories, most recently updated first; `limit` 0 means all.
    pub fn stories(&self, limit: usize) -> Result<Vec<StorySummary>> {
        self.stories_from(0, limit)
    }

    /// Stories, most recently updated first, `limit` (0: all) after the
    /// first `offset`.
    pub fn stories_from(&self, offset: usize, limit: usize) -> Result<Vec<StorySummary>> {
        let lim = if limit == 0 { -1 } else { limit as i64 };
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, headline, articles, outlets, first_seen, last_seen FROM stories
             WHERE merged_into IS NULL
             ORDER BY updated_seq DESC, story_index DESC LIMIT ?1 OFFSET ?2",
        )?;
        let rows = stmt.query_map([lim, offset as i64], story_from_row)?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    /// Ids of the stories with an article in `language`.
    pub fn stories_in_language(&self, language: &str) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT story FROM articles WHERE language = ?1")?;
        let rows = stmt.query_map([language], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Every distinct language of the stored articles.
    pub fn languages(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT language FROM articles WHERE language IS NOT NULL ORDER BY 1",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// One story's summary by exact id (`None` for a story merged into
    /// another: see [`Store::story_redirect`]).
    pub fn story(&self, id: &StoryId) -> Result<Option<StorySummary>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, headline, articles, outlets, first_seen, last_seen FROM stories
                 WHERE id = ?1 AND merged_into IS NULL",
                [id.as_str()],
                story_from_row,
            )
            .optional()?)
    }

    /// Where a merged story went: the story `id` was merged into, following
    /// later merges to the story that holds its articles now. `None` when
    /// `id` is not a merged story.
    pub fn story_redirect(&self, id: &StoryId) -> Result<Option<StoryId>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT merged_into FROM stories WHERE id = ?1")?;
        follow_redirects(id, |current| {
            Ok(stmt
                .query_row([current.as_str()], |r| r.get::<_, Option<String>>(0))
                .optional()?
                .flatten()
                .map(StoryId))
        })
    }

    /// Story ids starting with `prefix` (merged stories' ids too).
    pub fn find_stories(&self, prefix: &str) -> Result<Vec<StoryId>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM stories WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 10")?;
        let upper = format!("{prefix}\u{10ffff}");
        let ids = stmt
            .query_map(params![prefix, upper], |r| r.get::<_, String>(0))?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(ids.into_iter().map(StoryId).collect())
    }

    /// Articles of a story in arrival order.
    pub fn story_articles(&self, id: &StoryId) -> Result<Vec<StoredArticle>> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, doc, story, duplicate_of, duplicate_similarity, revisions FROM articles WHERE story = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([id.as_str()], raw_article)?;
        rows.map(|r| r.map_err(StoreError::from).and_then(parse_article))
            .collect()
    }

    /// Articles whose id, or external id, is `key`, or whose id starts with
    /// `key`.
    pub fn find_articles(&self, key: &str) -> Result<Vec<StoredArticle>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, doc, story, duplicate_of, duplicate_similarity, revisions FROM articles WHERE id = ?1 OR external_id = ?1
             UNION SELECT seq, doc, story, duplicate_of, duplicate_similarity, revisions FROM articles WHERE id >= ?1 AND id < ?2
             ORDER BY 1 LIMIT 10",
        )?;
        let upper = format!("{key}\u{10ffff}");
        let rows = stmt.query_map(params![key, upper], raw_article)?;
        rows.map(|r| r.map_err(StoreError::from).and_then(parse_article))
            .collect()
    }

    /// Every article in arrival order, streamed to `f` (stops early when
    /// `f` returns false).
    pub fn for_each_article(&self, f: impl FnMut(StoredArticle) -> bool) -> Result<()> {
        self.for_each_article_from(0, f)
    }

    /// Like [`Store::for_each_article`], after skipping the first `skip`
    /// articles in arrival order.
    pub fn for_each_article_from(
        &self,
        skip: usize,
        mut f: impl FnMut(StoredArticle) -> bool,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, doc, story, duplicate_of, duplicate_similarity, revisions FROM articles ORDER BY seq LIMIT -1 OFFSET ?1",
        )?;
        let mut rows = stmt.query([skip as i64])?;
        while let Some(row) = rows.next()? {
            let a = parse_article(raw_article(row)?)?;
            if !f(a) {
                break;
            }
        }
        Ok(())
    }

    /// Runs SQLite's integrity check; `Ok(())` when the database is sound.
    pub fn integrity_check(&self) -> Result<std::result::Result<(), String>> {
        let r: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(if r == "ok" { Ok(()) } else { Err(r) })
    }
}

impl ArticleStore for Store {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn schema_version(&self) -> Result<i64> {
        Store::schema_version(self)
    }

    fn contains(&self, id: &ArticleId) -> Result<bool> {
        Store::contains(self, id)
    }

    fn stored_version(&self, id: &ArticleId) -> Result<Option<StoredVersion>> {
        Store::stored_version(self, id)
    }

    fn write(
        &mut self,
        articles: &[NewArticle],
        updates: &[ArticleUpdate],
        stories: &[StoryRow],
    ) -> Result<usize> {
        Store::write(self, articles, updates, stories)
    }

    fn for_each_replay_after(&self, after_seq: i64, f: &mut dyn FnMut(ReplayRow)) -> Result<()> {
        Store::for_each_replay_after(self, after_seq, f)
    }

    fn assignments(&self) -> Result<Vec<(ArticleId, StoryId)>> {
        Store::assignments(self)
    }

    fn article_count(&self) -> Result<usize> {
        Store::article_count(self)
    }

    fn story_count(&self) -> Result<usize> {
        Store::story_count(self)
    }

    fn story_rows(&self) -> Result<Vec<StoryRow>> {
        Store::story_rows(self)
    }

    fn stories_from(&self, offset: usize, limit: usize) -> Result<Vec<StorySummary>> {
        Store::stories_from(self, offset, limit)
    }

    fn stories_in_language(&self, language: &str) -> Result<std::collections::HashSet<String>> {
        Store::stories_in_language(self, language)
    }

    fn languages(&self) -> Result<Vec<String>> {
        Store::languages(self)
    }

    fn story(&self, id: &StoryId) -> Result<Option<StorySummary>> {
        Store::story(self, id)
    }

    fn story_redirect(&self, id: &StoryId) -> Result<Option<StoryId>> {
        Store::story_redirect(self, id)
    }

    fn find_stories(&self, prefix: &str) -> Result<Vec<StoryId>> {
        Store::find_stories(self, prefix)
    }

    fn story_articles(&self, id: &StoryId) -> Result<Vec<StoredArticle>> {
        Store::story_articles(self, id)
    }

    fn find_articles(&self, key: &str) -> Result<Vec<StoredArticle>> {
        Store::find_articles(self, key)
    }

    fn for_each_article_from(
        &self,
        skip: usize,
        f: &mut dyn FnMut(StoredArticle) -> bool,
    ) -> Result<()> {
        Store::for_each_article_from(self, skip, f)
    }

    fn integrity_check(&self) -> Result<std::result::Result<(), String>> {
        Store::integrity_check(self)
    }

    fn sqlite(&mut self) -> Option<&mut Store> {
        Some(self)
    }

    fn writer(&self) -> Result<Option<Box<dyn ArticleStore>>> {
        Ok(self
            .second_connection()?
            .map(|s| Box::new(s) as Box<dyn ArticleStore>))
    }
}

type RawArticle = (i64, String, String, Option<String>, Option<f64>, i64);

fn raw_article(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawArticle> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn parse_article((seq, doc, story, dup, sim, revisions): RawArticle) -> Result<StoredArticle> {
    let article: Article = serde_json::from_str(&doc)
        .map_err(|e| StoreError::Corrupt(format!("article #{seq}"), e.to_string()))?;
    Ok(StoredArticle {
        seq,
        article,
        story: StoryId(story),
        duplicate_of: dup.map(|d| (ArticleId(d), sim.unwrap_or(0.0) as f32)),
        revisions: revisions.max(1) as u32,
    })
}

fn story_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StorySummary> {
    let outlets: String = r.get(3)?;
    let time =
        |s: Option<String>| s.and_then(|s| DateTime::<FixedOffset>::parse_from_rfc3339(&s).ok());
    Ok(StorySummary {
        id: StoryId(r.get(0)?),
        headline: r.get(1)?,
        articles: r.get::<_, i64>(2)? as usize,
        outlets: serde_json::from_str(&outlets).unwrap_or_default(),
        first_seen: time(r.get(4)?),
        last_seen: time(r.get(5)?),
    })
}

/// Follows a merged story's redirects (`next` gives the story a story was
/// merged into, if any) to the story that holds its articles now; `None`
/// when `id` was not merged. A merge always goes to an older story, so
/// the chain ends; the bound guards against a damaged store.
pub fn follow_redirects(
    id: &StoryId,
    mut next: impl FnMut(&StoryId) -> Result<Option<StoryId>>,
) -> Result<Option<StoryId>> {
    let mut current = id.clone();
    let mut moved = false;
    for _ in 0..64 {
        match next(&current)? {
            Some(n) => {
                current = n;
                moved = true;
            }
            None => break,
        }
    }
    Ok(moved.then_some(current))
}

/// The [`Article::version_key`] of a stored article's JSON (rows written
/// before the key was kept).
pub fn version_key_of_doc(id: &ArticleId, doc: &str) -> Result<String> {
    let article: Article = serde_json::from_str(doc)
        .map_err(|e| StoreError::Corrupt(id.to_string(), e.to_string()))?;
    Ok(article.version_key())
}

/// The stored form of an article in every backend: its JSON.
pub fn encode_article(article: &Article) -> Result<String> {
    serde_json::to_string(article)
        .map_err(|e| StoreError::Corrupt(article.id.to_string(), e.to_string()))
}

/// Terms as `term<TAB>weight` lines: compact and readable. The stored
/// form of a document's terms in every backend.
pub fn encode_terms(terms: &[(String, f32)]) -> String {
    let mut s = String::with_capacity(terms.len() * 10);
    for (t, w) in terms {
        s.push_str(t);
        s.push('\t');
        s.push_str(&w.to_string());
        s.push('\n');
    }
    s
}

/// The terms written by [`encode_terms`] (malformed lines are skipped).
pub fn decode_terms(s: &str) -> Vec<(String, f32)> {
    s.lines()
        .filter_map(|l| {
            let (t, w) = l.split_once('\t')?;
            Some((t.to_string(), w.parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_core::TitleSource;

    fn article(id: &str) -> Article {
        Article {
            id: ArticleId(id.into()),
            external_id: Some(format!("ext-{id}")),
            url: None,
            outlet: Some("Velmar Daily".into()),
            authors: vec![],
            title: Some("A title".into()),
            title_source: TitleSource::Given,
            standfirst: None,
            published: None,
            language: Some("en".into()),
            text: "Body.".into(),
            paragraphs: vec![],
            sentences: vec![],
            source: None,
            extra: Default::default(),
        }
    }

    fn new(id: &str, story: &str, idx: usize) -> NewArticle {
        let article = article(id);
        NewArticle {
            doc: encode_article(&article).unwrap(),
            article,
            story: StoryId(story.into()),
            story_index: idx,
            terms: encode_terms(&[("bridg".into(), 2.0), ("tarno".into(), 1.0)]),
            features: String::new(),
            fingerprint: Some(7),
            minhash: String::new(),
            duplicate_of: None,
        }
    }

    fn row(id: &str, idx: usize, n: usize) -> StoryRow {
        StoryRow {
            summary: StorySummary {
                id: StoryId(id.into()),
                headline: "A title".into(),
                articles: n,
                outlets: vec!["Velmar Daily".into()],
                first_seen: None,
                last_seen: None,
            },
            story_index: idx,
            headline_provisional: false,
            independent: n,
            merged: None,
        }
    }

    #[test]
    fn write_twice_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        assert_eq!(
            s.write_batch(
                &[new("a1", "s1", 0), new("a2", "s1", 0)],
                &[row("s1", 0, 2)]
            )
            .unwrap(),
            2
        );
        assert_eq!(
            s.write_batch(&[new("a1", "s1", 0)], &[row("s1", 0, 2)])
                .unwrap(),
            0
        );
        assert_eq!(s.article_count().unwrap(), 2);
        assert_eq!(s.story_count().unwrap(), 1);
        drop(s);
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
        assert_eq!(s.story_articles(&StoryId("s1".into())).unwrap().len(), 2);
        assert_eq!(
            s.find_articles("ext-a2").unwrap()[0].article.id.as_str(),
            "a2"
        );
        assert_eq!(s.find_stories("s").unwrap().len(), 1);
        assert_eq!(s.story_rows().unwrap()[0].summary.articles, 2);
        let mut replayed = Vec::new();
        s.for_each_assignment(|t, i| replayed.push((t, i))).unwrap();
        assert_eq!(
            replayed[0].0,
            vec![("bridg".to_string(), 2.0), ("tarno".to_string(), 1.0)]
        );
        assert!(s.integrity_check().unwrap().is_ok());
    }

    #[test]
    fn a_failed_batch_leaves_no_trace() {
        let mut s = Store::in_memory().unwrap();
        s.conn.execute_batch("CREATE TRIGGER boom BEFORE INSERT ON stories BEGIN SELECT RAISE(ABORT, 'disk full'); END;").unwrap();
        assert!(s
            .write_batch(&[new("a1", "s1", 0)], &[row("s1", 0, 1)])
            .is_err());
        assert_eq!(s.article_count().unwrap(), 0);
    }
}
