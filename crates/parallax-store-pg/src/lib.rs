//! PostgreSQL storage for Parallax: the engine's [`ArticleStore`] on a
//! server database, for deployments where one machine is not enough.
//!
//! - **Same behaviour as the embedded store.** The storage conformance
//!   suite of `parallax-store` runs on both (`tests/conformance.rs`).
//!   Articles are keyed by their stable id (`ON CONFLICT DO NOTHING`), a
//!   batch is one transaction, stories are upserted by id.
//! - **Migrations** are numbered SQL scripts embedded in the binary and
//!   applied in order on connect; the table `parallax_schema` records the
//!   version, as `PRAGMA user_version` does for SQLite. Each migration runs
//!   in its own transaction under an advisory lock, so two workers starting
//!   at once do not race. Not refinery: it would bring a TOML parser,
//!   regexes and a proc-macro crate into a build that runs on two cores,
//!   for what thirty lines do here, and it would keep its version in a
//!   table of its own format, unlike the SQLite store.
//! - **Synchronous client.** The `postgres` crate (which wraps
//!   tokio-postgres on a private runtime), because the engine is
//!   synchronous. No TLS yet: connect over a local socket, a private
//!   network or a tunnel.
//! - **Several workers on one database** share the [`SharedInbox`]: the
//!   stream is put into the `inbox` table once (by article id), analysed by
//!   whichever worker claims a chunk (`FOR UPDATE SKIP LOCKED`, held for the
//!   analysis, so a worker that dies releases its claim), and clustered
//!   under one transaction-level advisory lock, strictly in stream order,
//!   by a worker whose in-memory clusterer first catches up with what the
//!   others stored. Any number of workers gives the stories of one. One
//!   clustering lock is stricter than locking the rows of the stories an
//!   article may join: it serialises clustering and writing (about a third
//!   of the work) while analysis runs in parallel, and it makes the result
//!   independent of the number of workers, which per-story locks do not.
//! - **Full-text search** ([`PgStore::search`]): a generated `tsvector`
//!   column over title and text with a GIN index (migration 2).
//! - **Schemas.** Everything lives in the connection's current schema
//!   (`search_path`), and the advisory locks are keyed by it, so several
//!   stores share one database: put `options=-c search_path=NAME` in the
//!   URL, or use [`PgStore::connect_in_schema`].

use parallax_core::{Article, ArticleId, StoryId, StorySummary};
use parallax_store::{
    decode_terms, encode_terms, follow_redirects, version_key_of_doc, AnalysedForm, ArticleStore,
    ArticleUpdate, ClusterOutcome, ClusterRows, ClusterStep, InboxArticle, InboxCounts, NewArticle,
    ReplayRow, Result, SharedInbox, StoreError, StoredArticle, StoredVersion, StoryMerge, StoryRow,
};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, Config, NoTls, Row, Transaction};
use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard};

/// The numbered migrations, applied in order (version `i + 1` after the
/// `i`-th).
const MIGRATIONS: &[&str] = &[
    // 1: articles, stories and the shared inbox of the workers.
    r#"
    CREATE TABLE articles (
        seq          BIGSERIAL PRIMARY KEY,
        id           TEXT NOT NULL UNIQUE,
        external_id  TEXT,
        url          TEXT,
        outlet       TEXT,
        title        TEXT,
        published    TEXT,
        language     TEXT,
        story        TEXT NOT NULL,
        story_index  BIGINT NOT NULL,
        doc          TEXT NOT NULL,
        terms        TEXT NOT NULL,
        features     TEXT NOT NULL DEFAULT '',
        fingerprint  BIGINT,
        minhash      TEXT NOT NULL DEFAULT '',
        duplicate_of TEXT,
        duplicate_similarity DOUBLE PRECISION,
        ingested_at  TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX articles_story ON articles (story, seq);
    CREATE INDEX articles_external ON articles (external_id);
    CREATE INDEX articles_language ON articles (language, story);
    CREATE INDEX articles_id_prefix ON articles (id COLLATE "C");
    CREATE TABLE stories (
        id           TEXT PRIMARY KEY,
        story_index  BIGINT NOT NULL UNIQUE,
        headline     TEXT NOT NULL,
        headline_provisional BOOLEAN NOT NULL DEFAULT false,
        articles     BIGINT NOT NULL,
        outlets      TEXT NOT NULL,
        first_seen   TEXT,
        last_seen    TEXT,
        updated_seq  BIGINT NOT NULL,
        independent  BIGINT NOT NULL
    );
    CREATE INDEX stories_recent ON stories (updated_seq DESC, story_index DESC);
    CREATE INDEX stories_id_prefix ON stories (id COLLATE "C");
    CREATE TABLE inbox (
        seq          BIGSERIAL PRIMARY KEY,
        id           TEXT NOT NULL UNIQUE,
        doc          TEXT NOT NULL,
        state        TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'analysed', 'done')),
        terms        TEXT,
        features     TEXT,
        fingerprint  BIGINT,
        minhash      TEXT
    );
    CREATE INDEX inbox_open ON inbox (seq) WHERE state <> 'done';
    "#,
    // 2: full-text search over title and text (the `simple` configuration:
    // no stemming, any language; the text is cut to stay under the 1 MB
    // limit of a tsvector).
    r#"
    ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig,
            left(coalesce(title, '') || ' ' || coalesce((doc::jsonb) ->> 'text', ''), 200000))
    ) STORED;
    CREATE INDEX articles_search ON articles USING GIN (search);
    "#,
    // 3: updated versions of an article replace the stored one: the key of
    // the stored wording, how many versions were read, when the last came.
    r#"
    ALTER TABLE articles ADD COLUMN version_key TEXT;
    ALTER TABLE articles ADD COLUMN revisions INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE articles ADD COLUMN revised_at TIMESTAMPTZ;
    "#,
    // 4: stories merged into another keep their row as a redirect: the
    // story they went into, its index, and the article whose arrival merged
    // them (the clusterer replays the merge just before it).
    r#"
    ALTER TABLE stories ADD COLUMN merged_into TEXT;
    ALTER TABLE stories ADD COLUMN merged_into_index BIGINT;
    ALTER TABLE stories ADD COLUMN merged_at TEXT;
    CREATE INDEX stories_merged_at ON stories(merged_at) WHERE merged_at IS NOT NULL;
    "#,
    // 5: the inbox holds each version of an article once (by id and
    // wording), so a newer version is queued in stream order and replaces
    // the stored one when clustered. Rows queued before keep a NULL key.
    r#"
    ALTER TABLE inbox ADD COLUMN version_key TEXT;
    ALTER TABLE inbox DROP CONSTRAINT inbox_id_key;
    CREATE UNIQUE INDEX inbox_version ON inbox (id, (COALESCE(version_key, '')));
    "#,
];

/// Advisory lock keys, per schema (the first key is the schema's hash).
const LOCK_MIGRATE: i32 = 0;
const LOCK_CLUSTER: i32 = 1;
const LOCK_ENQUEUE: i32 = 2;

/// A PostgreSQL error as a store error.
fn db(e: postgres::Error) -> StoreError {
    let message = match e.as_db_error() {
        Some(d) => match d.detail() {
            Some(detail) => format!("{}: {detail}", d.message()),
            None => d.message().to_string(),
        },
        None => e.to_string(),
    };
    StoreError::Backend("postgres", message)
}

/// Takes a transaction-level advisory lock of this schema.
fn lock(tx: &mut Transaction<'_>, key: i32) -> Result<()> {
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext(current_schema()), $1)",
        &[&key],
    )
    .map_err(db)?;
    Ok(())
}

/// The store on a PostgreSQL database.
pub struct PgStore {
    client: Mutex<Client>,
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`,
    /// or key=value pairs) and applies the migrations.
    pub fn connect(url: &str) -> Result<PgStore> {
        let config: Config = url
            .parse()
            .map_err(|e: postgres::Error| StoreError::Backend("postgres", e.to_string()))?;
        Self::connect_with(&config)
    }

    /// Connects to `url` with everything in the schema `schema` (created
    /// when missing; a plain SQL identifier of letters, digits and `_`).
    pub fn connect_in_schema(url: &str, schema: &str) -> Result<PgStore> {
        if schema.is_empty()
            || !schema
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(StoreError::Backend(
                "postgres",
                format!("`{schema}` is not a plain schema name"),
            ));
        }
        let mut config: Config = url
            .parse()
            .map_err(|e: postgres::Error| StoreError::Backend("postgres", e.to_string()))?;
        let mut client = config.connect(NoTls).map_err(db)?;
        client
            .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .map_err(db)?;
        drop(client);
        config.options(&format!("-c search_path={schema}"));
        Self::connect_with(&config)
    }

    /// Connects with a parsed configuration and applies the migrations.
    pub fn connect_with(config: &Config) -> Result<PgStore> {
        let client = config.connect(NoTls).map_err(db)?;
        let store = PgStore {
            client: Mutex::new(client),
        };
        store.migrate()?;
        Ok(store)
    }

    fn client(&self) -> MutexGuard<'_, Client> {
        self.client.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn migrate(&self) -> Result<()> {
        let mut client = self.client();
        client
            .batch_execute(
                "SET client_min_messages = warning;
                 CREATE TABLE IF NOT EXISTS parallax_schema (version BIGINT NOT NULL)",
            )
            .map_err(db)?;
        let latest = MIGRATIONS.len() as i64;
        loop {
            let mut tx = client.transaction().map_err(db)?;
            lock(&mut tx, LOCK_MIGRATE)?;
            let version: i64 = tx
                .query_one("SELECT COALESCE(MAX(version), 0) FROM parallax_schema", &[])
                .map_err(db)?
                .get(0);
            if version > latest {
                return Err(StoreError::TooNew(version, latest));
            }
            if version == latest {
                tx.commit().map_err(db)?;
                return Ok(());
            }
            tx.batch_execute(MIGRATIONS[version as usize]).map_err(db)?;
            tx.execute("DELETE FROM parallax_schema", &[]).map_err(db)?;
            tx.execute(
                "INSERT INTO parallax_schema (version) VALUES ($1)",
                &[&(version + 1)],
            )
            .map_err(db)?;
            tx.commit().map_err(db)?;
        }
    }
}

/// A full-text query with filters ([`PgStore::search_page`]).
#[derive(Debug, Clone, Default)]
pub struct PgSearch {
    /// Web-search syntax: words, `"phrases"`, `or`, `-excluded`.
    pub query: String,
    /// Only this outlet (exact).
    pub outlet: Option<String>,
    /// Only articles that contain this phrase (an entity's name).
    pub phrase: Option<String>,
    /// Published at or after.
    pub from: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Published at or before.
    pub to: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Newest first instead of by rank.
    pub by_time: bool,
    /// Results skipped.
    pub offset: usize,
    /// Results returned.
    pub limit: usize,
}

/// One article found by [`PgStore::search_page`].
#[derive(Debug, Clone, PartialEq)]
pub struct PgHit {
    /// The article.
    pub id: ArticleId,
    /// Its title (empty when it has none).
    pub title: String,
    /// Its outlet.
    pub outlet: Option<String>,
    /// Its story.
    pub story: StoryId,
    /// Its publication time as stored (RFC 3339).
    pub published: Option<String>,
    /// PostgreSQL's rank (`ts_rank`; 0 when sorted by time).
    pub rank: f32,
    /// A fragment of the text around the matched words.
    pub snippet: String,
    /// Byte ranges of the matched words in `snippet`.
    pub highlights: Vec<(usize, usize)>,
}

/// Marks `ts_headline` puts around matched words: control characters that
/// stored text does not hold (extraction removes them).
const MARK_START: char = '\u{2}';
const MARK_STOP: char = '\u{3}';

/// Removes the match marks from a `ts_headline` fragment and returns the
/// plain fragment with the byte ranges that were marked.
fn unmark(marked: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(marked.len());
    let mut ranges = Vec::new();
    let mut start = None;
    for c in marked.chars() {
        match c {
            MARK_START => start = Some(out.len()),
            MARK_STOP => {
                if let Some(s) = start.take() {
                    ranges.push((s, out.len()));
                }
            }
            c => out.push(c),
        }
    }
    (out, ranges)
}

impl PgStore {
    /// Full-text search with filters, a page of results and the total
    /// count: what `parallax search` shows on this backend. Matches use
    /// the GIN index on the generated `tsvector`; the snippet is
    /// PostgreSQL's `ts_headline` of the text.
    pub fn search_page(&self, q: &PgSearch) -> Result<(usize, Vec<PgHit>)> {
        let from = q.from.map(|t| t.to_rfc3339());
        let to = q.to.map(|t| t.to_rfc3339());
        let order = if q.by_time {
            "published::timestamptz DESC NULLS LAST, seq DESC"
        } else {
            "rank DESC, seq"
        };
        let sql = format!(
            "SELECT id, coalesce(title, ''), outlet, story, published,
                    CASE WHEN $7 THEN 0 ELSE ts_rank(search, q) END AS rank,
                    ts_headline('simple'::regconfig, left(coalesce((doc::jsonb) ->> 'text', ''), 200000), q,
                      'MaxWords=35, MinWords=15, MaxFragments=1, StartSel=\u{2}, StopSel=\u{3}'),
                    count(*) OVER ()
             FROM articles, websearch_to_tsquery('simple'::regconfig, $1) q
             WHERE search @@ q
               AND ($2::text IS NULL OR outlet = $2)
               AND ($3::text IS NULL OR search @@ phraseto_tsquery('simple'::regconfig, $3))
               AND ($4::text IS NULL OR published::timestamptz >= $4::timestamptz)
               AND ($5::text IS NULL OR published::timestamptz <= $5::timestamptz)
             ORDER BY {order} OFFSET $6 LIMIT $8"
        );
        let rows = self
            .client()
            .query(
                &sql,
                &[
                    &q.query,
                    &q.outlet,
                    &q.phrase,
                    &from,
                    &to,
                    &(q.offset as i64),
                    &q.by_time,
                    &(q.limit as i64),
                ],
            )
            .map_err(db)?;
        let total = rows.first().map_or(0, |r| r.get::<_, i64>(7) as usize);
        let hits = rows
            .iter()
            .map(|r| {
                let (snippet, highlights) = unmark(&r.get::<_, String>(6));
                PgHit {
                    id: ArticleId(r.get(0)),
                    title: r.get(1),
                    outlet: r.get(2),
                    story: StoryId(r.get(3)),
                    published: r.get(4),
                    rank: r.get(5),
                    snippet,
                    highlights,
                }
            })
            .collect();
        Ok((total, hits))
    }

    /// Full-text search over the articles' titles and texts (web-search
    /// syntax: words, `"phrases"`, `or`, `-excluded`): the best `limit`
    /// matches by rank, ties to the earlier article, with their rank.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<(ArticleId, f32)>> {
        Ok(self
            .client()
            .query(
                "SELECT id, ts_rank(search, q) AS rank
                 FROM articles, websearch_to_tsquery('simple'::regconfig, $1) q
                 WHERE search @@ q ORDER BY rank DESC, seq LIMIT $2",
                &[&query, &(limit as i64)],
            )
            .map_err(db)?
            .iter()
            .map(|r| (ArticleId(r.get(0)), r.get::<_, f32>(1)))
            .collect())
    }
}

/// Writes articles and story rows inside `tx`; returns how many articles
/// were new.
fn write_rows(
    tx: &mut Transaction<'_>,
    articles: &[NewArticle],
    updates: &[ArticleUpdate],
    stories: &[StoryRow],
) -> Result<usize> {
    let insert = tx
        .prepare(
            "INSERT INTO articles (id, external_id, url, outlet, title, published, language, story, story_index, doc, terms,
               features, fingerprint, minhash, duplicate_of, duplicate_similarity, version_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
             ON CONFLICT (id) DO NOTHING",
        )
        .map_err(db)?;
    let mut written = 0;
    for n in articles {
        let a = &n.article;
        written += tx
            .execute(
                &insert,
                &[
                    &a.id.as_str(),
                    &a.external_id,
                    &a.url,
                    &a.outlet,
                    &a.title,
                    &a.published.map(|t| t.to_rfc3339()),
                    &a.language,
                    &n.story.as_str(),
                    &(n.story_index as i64),
                    &n.doc,
                    &n.terms,
                    &n.features,
                    &n.fingerprint.map(|f| f as i64),
                    &n.minhash,
                    &n.duplicate_of.as_ref().map(|(o, _)| o.as_str()),
                    &n.duplicate_of.as_ref().map(|(_, s)| *s as f64),
                    &a.version_key(),
                ],
            )
            .map_err(db)? as usize;
    }
    let update = tx
        .prepare(
            "UPDATE articles SET external_id = $2, outlet = $3, title = $4, published = $5, language = $6,
               doc = $7, version_key = $8, revisions = revisions + 1, revised_at = now()
             WHERE id = $1 AND (version_key IS NULL OR version_key <> $8)",
        )
        .map_err(db)?;
    for u in updates {
        let a = &u.article;
        tx.execute(
            &update,
            &[
                &a.id.as_str(),
                &a.external_id,
                &a.outlet,
                &a.title,
                &a.published.map(|t| t.to_rfc3339()),
                &a.language,
                &u.doc,
                &a.version_key(),
            ],
        )
        .map_err(db)?;
    }
    let upsert = tx
        .prepare(
            "INSERT INTO stories (id, story_index, headline, articles, outlets, first_seen, last_seen, updated_seq, headline_provisional, independent,
               merged_into, merged_into_index, merged_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT COALESCE(MAX(seq), 0) FROM articles), $8, $9, $10, $11, $12)
             ON CONFLICT (id) DO UPDATE SET headline = excluded.headline, articles = excluded.articles,
               headline_provisional = excluded.headline_provisional, independent = excluded.independent,
               outlets = excluded.outlets, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
               updated_seq = excluded.updated_seq, merged_into = excluded.merged_into,
               merged_into_index = excluded.merged_into_index, merged_at = excluded.merged_at",
        )
        .map_err(db)?;
    let move_articles = tx
        .prepare("UPDATE articles SET story = $2 WHERE story = $1")
        .map_err(db)?;
    for s in stories {
        let sum = &s.summary;
        tx.execute(
            &upsert,
            &[
                &sum.id.as_str(),
                &(s.story_index as i64),
                &sum.headline,
                &(sum.articles as i64),
                &serde_json::to_string(&sum.outlets).unwrap_or_else(|_| "[]".into()),
                &sum.first_seen.map(|t| t.to_rfc3339()),
                &sum.last_seen.map(|t| t.to_rfc3339()),
                &s.headline_provisional,
                &(s.independent as i64),
                &s.merged.as_ref().map(|m| m.into.as_str()),
                &s.merged.as_ref().map(|m| m.into_index as i64),
                &s.merged.as_ref().map(|m| m.at.as_str()),
            ],
        )
        .map_err(db)?;
        if let Some(m) = &s.merged {
            tx.execute(&move_articles, &[&sum.id.as_str(), &m.into.as_str()])
                .map_err(db)?;
        }
    }
    Ok(written)
}

const REPLAY_COLUMNS: &str =
    "seq, id, title, story_index, terms, features, fingerprint, minhash, duplicate_of";

fn replay_row(r: &Row) -> ReplayRow {
    ReplayRow {
        seq: r.get(0),
        id: ArticleId(r.get(1)),
        title: r.get(2),
        story_index: r.get::<_, i64>(3) as usize,
        terms: decode_terms(r.get(4)),
        features: r.get(5),
        fingerprint: r.get::<_, Option<i64>>(6).map(|v| v as u64),
        minhash: r.get(7),
        is_copy: r.get::<_, Option<String>>(8).is_some(),
    }
}

const STORY_COLUMNS: &str = "id, headline, articles, outlets, first_seen, last_seen, story_index, headline_provisional, independent, merged_into, merged_into_index, merged_at";

fn story_summary(r: &Row) -> StorySummary {
    let time = |s: Option<String>| {
        s.and_then(|s| chrono::DateTime::<chrono::FixedOffset>::parse_from_rfc3339(&s).ok())
    };
    StorySummary {
        id: StoryId(r.get(0)),
        headline: r.get(1),
        articles: r.get::<_, i64>(2) as usize,
        outlets: serde_json::from_str(r.get(3)).unwrap_or_default(),
        first_seen: time(r.get(4)),
        last_seen: time(r.get(5)),
    }
}

fn story_row(r: &Row) -> StoryRow {
    StoryRow {
        summary: story_summary(r),
        story_index: r.get::<_, i64>(6) as usize,
        headline_provisional: r.get(7),
        independent: r.get::<_, i64>(8) as usize,
        merged: match (
            r.get::<_, Option<String>>(9),
            r.get::<_, Option<i64>>(10),
            r.get::<_, Option<String>>(11),
        ) {
            (Some(into), Some(index), Some(at)) => Some(StoryMerge {
                into: StoryId(into),
                into_index: index as usize,
                at: ArticleId(at),
            }),
            _ => None,
        },
    }
}

const ARTICLE_COLUMNS: &str = "seq, doc, story, duplicate_of, duplicate_similarity, revisions";

fn stored_article(r: &Row) -> Result<StoredArticle> {
    let seq: i64 = r.get(0);
    let article: Article = serde_json::from_str(r.get(1))
        .map_err(|e| StoreError::Corrupt(format!("article #{seq}"), e.to_string()))?;
    let dup: Option<String> = r.get(3);
    let sim: Option<f64> = r.get(4);
    Ok(StoredArticle {
        seq,
        article,
        story: StoryId(r.get(2)),
        duplicate_of: dup.map(|d| (ArticleId(d), sim.unwrap_or(0.0) as f32)),
        revisions: r.get::<_, i32>(5).max(1) as u32,
    })
}

/// The upper bound of a prefix range in byte order.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10ffff}")
}

impl ArticleStore for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn schema_version(&self) -> Result<i64> {
        Ok(self
            .client()
            .query_one("SELECT COALESCE(MAX(version), 0) FROM parallax_schema", &[])
            .map_err(db)?
            .get(0))
    }

    fn contains(&self, id: &ArticleId) -> Result<bool> {
        Ok(self
            .client()
            .query_opt("SELECT 1 FROM articles WHERE id = $1", &[&id.as_str()])
            .map_err(db)?
            .is_some())
    }

    fn stored_version(&self, id: &ArticleId) -> Result<Option<StoredVersion>> {
        let Some(r) = self
            .client()
            .query_opt(
                "SELECT version_key, title, story_index, CASE WHEN version_key IS NULL THEN doc ELSE '' END
                 FROM articles WHERE id = $1",
                &[&id.as_str()],
            )
            .map_err(db)?
        else {
            return Ok(None);
        };
        let key: Option<String> = r.get(0);
        let doc: String = r.get(3);
        Ok(Some(StoredVersion {
            key: match key {
                Some(k) => k,
                None => version_key_of_doc(id, &doc)?,
            },
            title: r.get(1),
            story_index: r.get::<_, i64>(2) as usize,
        }))
    }

    fn write(
        &mut self,
        articles: &[NewArticle],
        updates: &[ArticleUpdate],
        stories: &[StoryRow],
    ) -> Result<usize> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        // Serialised with the workers' clustering: stories are numbered in
        // one order.
        lock(&mut tx, LOCK_CLUSTER)?;
        let written = write_rows(&mut tx, articles, updates, stories)?;
        tx.commit().map_err(db)?;
        Ok(written)
    }

    fn for_each_replay_after(&self, after_seq: i64, f: &mut dyn FnMut(ReplayRow)) -> Result<()> {
        let mut client = self.client();
        let sql = format!("SELECT {REPLAY_COLUMNS} FROM articles WHERE seq > $1 ORDER BY seq");
        let params: [&(dyn ToSql + Sync); 1] = [&after_seq];
        let mut rows = client
            .query_raw(sql.as_str(), params.iter().copied())
            .map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            f(replay_row(&r));
        }
        Ok(())
    }

    fn assignments(&self) -> Result<Vec<(ArticleId, StoryId)>> {
        Ok(self
            .client()
            .query("SELECT id, story FROM articles ORDER BY seq", &[])
            .map_err(db)?
            .iter()
            .map(|r| (ArticleId(r.get(0)), StoryId(r.get(1))))
            .collect())
    }

    fn article_count(&self) -> Result<usize> {
        let n: i64 = self
            .client()
            .query_one("SELECT COUNT(*) FROM articles", &[])
            .map_err(db)?
            .get(0);
        Ok(n as usize)
    }

    fn story_count(&self) -> Result<usize> {
        let n: i64 = self
            .client()
            .query_one(
                "SELECT COUNT(*) FROM stories WHERE merged_into IS NULL",
                &[],
            )
            .map_err(db)?
            .get(0);
        Ok(n as usize)
    }

    fn story_rows(&self) -> Result<Vec<StoryRow>> {
        Ok(self
            .client()
            .query(
                &format!("SELECT {STORY_COLUMNS} FROM stories ORDER BY story_index"),
                &[],
            )
            .map_err(db)?
            .iter()
            .map(story_row)
            .collect())
    }

    fn stories_from(&self, offset: usize, limit: usize) -> Result<Vec<StorySummary>> {
        let limit: Option<i64> = (limit > 0).then_some(limit as i64);
        Ok(self
            .client()
            .query(
                &format!(
                    "SELECT {STORY_COLUMNS} FROM stories WHERE merged_into IS NULL
                     ORDER BY updated_seq DESC, story_index DESC LIMIT $1 OFFSET $2"
                ),
                &[&limit, &(offset as i64)],
            )
            .map_err(db)?
            .iter()
            .map(story_summary)
            .collect())
    }

    fn stories_in_language(&self, language: &str) -> Result<HashSet<String>> {
        Ok(self
            .client()
            .query(
                "SELECT DISTINCT story FROM articles WHERE language = $1",
                &[&language],
            )
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn languages(&self) -> Result<Vec<String>> {
        Ok(self
            .client()
            .query(
                "SELECT DISTINCT language COLLATE \"C\" FROM articles WHERE language IS NOT NULL ORDER BY 1",
                &[],
            )
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn story(&self, id: &StoryId) -> Result<Option<StorySummary>> {
        Ok(self
            .client()
            .query_opt(
                &format!(
                    "SELECT {STORY_COLUMNS} FROM stories WHERE id = $1 AND merged_into IS NULL"
                ),
                &[&id.as_str()],
            )
            .map_err(db)?
            .as_ref()
            .map(story_summary))
    }

    fn story_redirect(&self, id: &StoryId) -> Result<Option<StoryId>> {
        let mut client = self.client();
        follow_redirects(id, |current| {
            Ok(client
                .query_opt(
                    "SELECT merged_into FROM stories WHERE id = $1",
                    &[&current.as_str()],
                )
                .map_err(db)?
                .and_then(|r| r.get::<_, Option<String>>(0))
                .map(StoryId))
        })
    }

    fn find_stories(&self, prefix: &str) -> Result<Vec<StoryId>> {
        Ok(self
            .client()
            .query(
                "SELECT id FROM stories WHERE id COLLATE \"C\" >= $1 AND id COLLATE \"C\" < $2
                 ORDER BY id COLLATE \"C\" LIMIT 10",
                &[&prefix, &prefix_end(prefix)],
            )
            .map_err(db)?
            .iter()
            .map(|r| StoryId(r.get(0)))
            .collect())
    }

    fn story_articles(&self, id: &StoryId) -> Result<Vec<StoredArticle>> {
        self.client()
            .query(
                &format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE story = $1 ORDER BY seq"),
                &[&id.as_str()],
            )
            .map_err(db)?
            .iter()
            .map(stored_article)
            .collect()
    }

    fn find_articles(&self, key: &str) -> Result<Vec<StoredArticle>> {
        self.client()
            .query(
                &format!(
                    "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = $1 OR external_id = $1
                     UNION SELECT {ARTICLE_COLUMNS} FROM articles WHERE id COLLATE \"C\" >= $1 AND id COLLATE \"C\" < $2
                     ORDER BY 1 LIMIT 10"
                ),
                &[&key, &prefix_end(key)],
            )
            .map_err(db)?
            .iter()
            .map(stored_article)
            .collect()
    }

    fn for_each_article_from(
        &self,
        skip: usize,
        f: &mut dyn FnMut(StoredArticle) -> bool,
    ) -> Result<()> {
        let mut client = self.client();
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY seq OFFSET $1");
        let skip = skip as i64;
        let params: [&(dyn ToSql + Sync); 1] = [&skip];
        let mut rows = client
            .query_raw(sql.as_str(), params.iter().copied())
            .map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            if !f(stored_article(&r)?) {
                break;
            }
        }
        Ok(())
    }

    fn integrity_check(&self) -> Result<std::result::Result<(), String>> {
        let mut client = self.client();
        let orphans: i64 = client
            .query_one(
                "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = a.story)",
                &[],
            )
            .map_err(db)?
            .get(0);
        let row = client
            .query_one(
                "SELECT COUNT(*), COALESCE(MAX(story_index) + 1, 0) FROM stories",
                &[],
            )
            .map_err(db)?;
        let (stories, span): (i64, i64) = (row.get(0), row.get(1));
        let mut problems = Vec::new();
        if orphans > 0 {
            problems.push(format!("{orphans} articles belong to no stored story"));
        }
        if stories != span {
            problems.push(format!("{stories} stories but story indices run to {span}"));
        }
        Ok(if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        })
    }

    fn shared_inbox(&mut self) -> Option<&mut dyn SharedInbox> {
        Some(self)
    }
}

impl SharedInbox for PgStore {
    fn enqueue(&mut self, articles: &[Article]) -> Result<usize> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        // One enqueuer at a time, so the inbox's order is the order of the
        // stream even when two workers are given the same file.
        lock(&mut tx, LOCK_ENQUEUE)?;
        let insert = tx
            .prepare(
                "INSERT INTO inbox (id, version_key, doc) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .map_err(db)?;
        let mut added = 0;
        for a in articles {
            let doc = serde_json::to_string(a)
                .map_err(|e| StoreError::Corrupt(a.id.to_string(), e.to_string()))?;
            added += tx
                .execute(&insert, &[&a.id.as_str(), &a.version_key(), &doc])
                .map_err(db)? as usize;
        }
        tx.commit().map_err(db)?;
        Ok(added)
    }

    fn analyse_next(
        &mut self,
        limit: usize,
        analyse: &mut dyn FnMut(Vec<Article>) -> Vec<AnalysedForm>,
    ) -> Result<usize> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        let rows = tx
            .query(
                "SELECT seq, doc FROM inbox WHERE state = 'new' ORDER BY seq LIMIT $1
                 FOR UPDATE SKIP LOCKED",
                &[&(limit as i64)],
            )
            .map_err(db)?;
        if rows.is_empty() {
            return Ok(0);
        }
        let mut seqs = Vec::with_capacity(rows.len());
        let mut articles = Vec::with_capacity(rows.len());
        for r in &rows {
            let seq: i64 = r.get(0);
            let article: Article = serde_json::from_str(r.get(1))
                .map_err(|e| StoreError::Corrupt(format!("inbox #{seq}"), e.to_string()))?;
            seqs.push(seq);
            articles.push(article);
        }
        let forms = analyse(articles);
        if forms.len() != seqs.len() {
            return Err(StoreError::Aborted(format!(
                "{} analyses for {} articles",
                forms.len(),
                seqs.len()
            )));
        }
        let update = tx
            .prepare(
                "UPDATE inbox SET state = 'analysed', terms = $2, features = $3, fingerprint = $4, minhash = $5
                 WHERE seq = $1",
            )
            .map_err(db)?;
        for (seq, f) in seqs.iter().zip(&forms) {
            tx.execute(
                &update,
                &[
                    seq,
                    &encode_terms(&f.terms),
                    &f.features,
                    &f.fingerprint.map(|v| v as i64),
                    &f.minhash,
                ],
            )
            .map_err(db)?;
        }
        tx.commit().map_err(db)?;
        Ok(seqs.len())
    }

    fn cluster_next(
        &mut self,
        after_seq: i64,
        limit: usize,
        cluster: &mut dyn FnMut(ClusterStep) -> Result<ClusterRows>,
    ) -> Result<ClusterOutcome> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        lock(&mut tx, LOCK_CLUSTER)?;
        let mut step = ClusterStep::default();
        for r in tx
            .query(
                &format!("SELECT {REPLAY_COLUMNS} FROM articles WHERE seq > $1 ORDER BY seq"),
                &[&after_seq],
            )
            .map_err(db)?
        {
            step.catch_up.push(replay_row(&r));
        }
        if !step.catch_up.is_empty() {
            let mut touched: Vec<i64> =
                step.catch_up.iter().map(|r| r.story_index as i64).collect();
            // Stories merged by a caught-up article: their redirect rows.
            let caught_up_ids: Vec<&str> = step.catch_up.iter().map(|r| r.id.as_str()).collect();
            touched.sort_unstable();
            touched.dedup();
            for r in tx
                .query(
                    &format!(
                        "SELECT {STORY_COLUMNS} FROM stories WHERE story_index = ANY($1) OR merged_at = ANY($2)
                         ORDER BY story_index"
                    ),
                    &[&touched, &caught_up_ids],
                )
                .map_err(db)?
            {
                step.catch_up_stories.push(story_row(&r));
            }
        }
        let rows = tx
            .query(
                "SELECT i.seq, i.doc, i.state, i.terms, i.features, i.fingerprint, i.minhash, i.id,
                        a.story_index, a.version_key, a.title,
                        CASE WHEN a.version_key IS NULL THEN a.doc ELSE '' END
                 FROM inbox i LEFT JOIN articles a ON a.id = i.id
                 WHERE i.state <> 'done' ORDER BY i.seq LIMIT $1",
                &[&(limit as i64)],
            )
            .map_err(db)?;
        let mut done: Vec<i64> = Vec::new();
        let mut ids: HashSet<String> = HashSet::new();
        for r in &rows {
            let state: &str = r.get(2);
            if state != "analysed" {
                // Stream order: nothing after a row still being analysed.
                break;
            }
            let id: String = r.get(7);
            if !ids.insert(id.clone()) {
                // Another version of an article of this step: the next
                // step compares it with the version this one stores.
                break;
            }
            let seq: i64 = r.get(0);
            done.push(seq);
            let article: Article = serde_json::from_str(r.get(1))
                .map_err(|e| StoreError::Corrupt(format!("inbox #{seq}"), e.to_string()))?;
            if let Some(story_index) = r.get::<_, Option<i64>>(8) {
                let id = ArticleId(id);
                let key = match r.get::<_, Option<String>>(9) {
                    Some(k) => k,
                    None => version_key_of_doc(&id, r.get(11))?,
                };
                if key != article.version_key() {
                    step.updates.push((
                        article,
                        StoredVersion {
                            key,
                            title: r.get(10),
                            story_index: story_index as usize,
                        },
                    ));
                }
                continue;
            }
            step.ready.push(InboxArticle {
                seq,
                article,
                analysed: AnalysedForm {
                    terms: decode_terms(r.get::<_, Option<&str>>(3).unwrap_or("")),
                    features: r.get::<_, Option<String>>(4).unwrap_or_default(),
                    fingerprint: r.get::<_, Option<i64>>(5).map(|v| v as u64),
                    minhash: r.get::<_, Option<String>>(6).unwrap_or_default(),
                },
            });
        }
        let ClusterRows {
            articles,
            updates,
            stories,
        } = cluster(step)?;
        let written = write_rows(&mut tx, &articles, &updates, &stories)?;
        if !done.is_empty() {
            tx.execute(
                "UPDATE inbox SET state = 'done', terms = NULL, features = NULL, minhash = NULL
                 WHERE seq = ANY($1)",
                &[&done],
            )
            .map_err(db)?;
        }
        let last_seq: i64 = tx
            .query_one("SELECT COALESCE(MAX(seq), 0) FROM articles", &[])
            .map_err(db)?
            .get(0);
        tx.commit().map_err(db)?;
        Ok(ClusterOutcome {
            written,
            done: done.len(),
            updated: updates.len(),
            last_seq,
        })
    }

    fn inbox_counts(&self) -> Result<InboxCounts> {
        let mut counts = InboxCounts::default();
        for r in self
            .client()
            .query("SELECT state, COUNT(*) FROM inbox GROUP BY state", &[])
            .map_err(db)?
        {
            let n = r.get::<_, i64>(1) as usize;
            match r.get::<_, &str>(0) {
                "new" => counts.new = n,
                "analysed" => counts.analysed = n,
                _ => counts.done = n,
            }
        }
        Ok(counts)
    }
}
