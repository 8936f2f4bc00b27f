//! The watch state of live ingestion (schema 3): the feeds watched, with
//! their HTTP validators, schedule and health, and every item seen in each.
//!
//! An item's life: found in a poll → `pending` → `ingested`, `skipped`
//! (nothing to ingest: robots.txt, not an article) or, after a failure,
//! `retry` (tried again at `next_try`) and finally `failed`. A poll's
//! validators and the new items it found are written in one transaction,
//! so an item found is never lost: after a restart, pending items are
//! fetched even when the feed itself answers 304. Items keep the feed's
//! metadata (opaque JSON written by the caller) until they are done.

use crate::Result;
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// One watched feed and its health.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedRow {
    /// The feed's URL (the key).
    pub url: String,
    /// Its title: the feed's own, else the one its list gave.
    pub title: Option<String>,
    /// When it was added.
    pub added_at: DateTime<Utc>,
    /// `ETag` of the last full response.
    pub etag: Option<String>,
    /// `Last-Modified` of the last full response.
    pub last_modified: Option<String>,
    /// When it is due to be polled.
    pub next_poll: DateTime<Utc>,
    /// The last poll, successful or not.
    pub last_poll: Option<DateTime<Utc>>,
    /// The last successful poll.
    pub last_ok: Option<DateTime<Utc>>,
    /// Failed polls in a row (0 when healthy).
    pub failures: u32,
    /// The reason of the last failure (kept until the next success).
    pub last_error: Option<String>,
    /// Items ingested from this feed.
    pub ingested: u64,
    /// Items waiting to be fetched (new, or to be retried).
    pub pending: u64,
    /// Items given up on after repeated failures.
    pub failed: u64,
    /// Items skipped (robots.txt, nothing to read).
    pub skipped: u64,
    /// When the earliest pending item is due (`None`: nothing pending).
    pub next_item_try: Option<DateTime<Utc>>,
}

/// A new item found by a poll.
#[derive(Debug, Clone, PartialEq)]
pub struct NewItem {
    /// Its key within the feed.
    pub key: String,
    /// Its page, if it has one.
    pub url: Option<String>,
    /// The feed's metadata of the item (opaque to the store).
    pub meta: String,
}

/// A successful poll.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PollOk {
    /// The feed's title, when it gave one.
    pub title: Option<String>,
    /// Validators to send next time (`None` keeps the stored ones: a 304).
    pub validators: Option<(Option<String>, Option<String>)>,
    /// When to poll next.
    pub next_poll: DateTime<Utc>,
    /// Every item of the feed; those not seen before are stored as pending.
    pub items: Vec<NewItem>,
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    /// Found, not fetched yet.
    Pending,
    /// Failed, to be tried again.
    Retry,
    /// Stored as an article.
    Ingested,
    /// Given up after repeated failures.
    Failed,
    /// Nothing to ingest.
    Skipped,
}

impl ItemStatus {
    fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Pending => "pending",
            ItemStatus::Retry => "retry",
            ItemStatus::Ingested => "ingested",
            ItemStatus::Failed => "failed",
            ItemStatus::Skipped => "skipped",
        }
    }
}

/// An item to fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingItem {
    /// Its feed.
    pub feed: String,
    /// Its key within the feed.
    pub key: String,
    /// Its page, if it has one.
    pub url: Option<String>,
    /// The feed's metadata of the item.
    pub meta: String,
    /// Attempts so far.
    pub attempts: u32,
}

/// What became of an item.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemOutcome {
    /// Stored (or already stored) as this article.
    Ingested {
        /// The article's id.
        article: String,
    },
    /// Failed; try again at `next_try`.
    Retry {
        /// Why it failed.
        error: String,
        /// When to try again.
        next_try: DateTime<Utc>,
    },
    /// Failed for good.
    Failed {
        /// Why.
        error: String,
    },
    /// Nothing to ingest.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// The watch state, borrowed from the store ([`crate::Store::feeds`]).
pub struct FeedState<'a> {
    conn: &'a mut Connection,
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

const FEED_COLUMNS: &str = "f.url, f.title, f.added_at, f.etag, f.last_modified, f.next_poll, f.last_poll, f.last_ok, f.failures, f.last_error,
    (SELECT COUNT(*) FROM feed_items i WHERE i.feed = f.url AND i.status = 'ingested'),
    (SELECT COUNT(*) FROM feed_items i WHERE i.feed = f.url AND i.status IN ('pending', 'retry')),
    (SELECT COUNT(*) FROM feed_items i WHERE i.feed = f.url AND i.status = 'failed'),
    (SELECT COUNT(*) FROM feed_items i WHERE i.feed = f.url AND i.status = 'skipped'),
    (SELECT MIN(next_try) FROM feed_items i WHERE i.feed = f.url AND i.status IN ('pending', 'retry'))";

fn feed_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FeedRow> {
    Ok(FeedRow {
        url: r.get(0)?,
        title: r.get(1)?,
        added_at: time(r.get(2)?),
        etag: r.get(3)?,
        last_modified: r.get(4)?,
        next_poll: time(r.get(5)?),
        last_poll: r.get::<_, Option<i64>>(6)?.map(time),
        last_ok: r.get::<_, Option<i64>>(7)?.map(time),
        failures: r.get::<_, i64>(8)?.max(0) as u32,
        last_error: r.get(9)?,
        ingested: r.get::<_, i64>(10)? as u64,
        pending: r.get::<_, i64>(11)? as u64,
        failed: r.get::<_, i64>(12)? as u64,
        skipped: r.get::<_, i64>(13)? as u64,
        next_item_try: r.get::<_, Option<i64>>(14)?.map(time),
    })
}

impl<'a> FeedState<'a> {
    pub(crate) fn new(conn: &'a mut Connection) -> FeedState<'a> {
        FeedState { conn }
    }

    /// Adds a feed, due at once. A feed already watched is left as it is
    /// (its title is filled in if it had none). True when it was new.
    pub fn add(&mut self, url: &str, title: Option<&str>, now: DateTime<Utc>) -> Result<bool> {
        let tx = self.conn.transaction()?;
        let added = tx.execute(
            "INSERT OR IGNORE INTO feeds (url, title, added_at, next_poll) VALUES (?1, ?2, ?3, 0)",
            params![url, title, ms(now)],
        )?;
        if added == 0 && title.is_some() {
            tx.execute(
                "UPDATE feeds SET title = ?2 WHERE url = ?1 AND title IS NULL",
                params![url, title],
            )?;
        }
        tx.commit()?;
        Ok(added > 0)
    }

    /// Stops watching a feed and forgets its items. True when it was
    /// watched.
    pub fn remove(&mut self, url: &str) -> Result<bool> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM feed_items WHERE feed = ?1", [url])?;
        let n = tx.execute("DELETE FROM feeds WHERE url = ?1", [url])?;
        tx.commit()?;
        Ok(n > 0)
    }

    /// Every feed, in the order they were added.
    pub fn list(&self) -> Result<Vec<FeedRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {FEED_COLUMNS} FROM feeds f ORDER BY f.added_at, f.url"
        ))?;
        let rows = stmt.query_map([], feed_row)?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    /// One feed.
    pub fn get(&self, url: &str) -> Result<Option<FeedRow>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {FEED_COLUMNS} FROM feeds f WHERE f.url = ?1"),
                [url],
                feed_row,
            )
            .optional()?)
    }

    /// Records a successful poll in one transaction: the feed's validators,
    /// title, schedule and health, and its items not seen before, as
    /// pending. Returns how many items were new.
    pub fn poll_ok(&mut self, url: &str, poll: &PollOk, now: DateTime<Utc>) -> Result<usize> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE feeds SET title = COALESCE(?2, title), next_poll = ?3, last_poll = ?4, last_ok = ?4,
               failures = 0, last_error = NULL WHERE url = ?1",
            params![url, poll.title, ms(poll.next_poll), ms(now)],
        )?;
        if let Some((etag, last_modified)) = &poll.validators {
            tx.execute(
                "UPDATE feeds SET etag = ?2, last_modified = ?3 WHERE url = ?1",
                params![url, etag, last_modified],
            )?;
        }
        let mut new = 0;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO feed_items (feed, key, url, meta, status, first_seen)
                 VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
            )?;
            for item in &poll.items {
                new += insert.execute(params![url, item.key, item.url, item.meta, ms(now)])?;
            }
        }
        tx.commit()?;
        Ok(new)
    }

    /// Records a failed poll: one more failure in a row, its reason, and
    /// the next poll. Returns the failures in a row.
    pub fn poll_failed(
        &mut self,
        url: &str,
        error: &str,
        next_poll: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u32> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE feeds SET failures = failures + 1, last_error = ?2, next_poll = ?3, last_poll = ?4 WHERE url = ?1",
            params![url, error, ms(next_poll), ms(now)],
        )?;
        let failures: i64 = tx
            .query_row("SELECT failures FROM feeds WHERE url = ?1", [url], |r| {
                r.get(0)
            })
            .optional()?
            .unwrap_or(0);
        tx.commit()?;
        Ok(failures.max(0) as u32)
    }

    /// Moves a feed's next poll (`--force` polls now).
    pub fn set_next_poll(&mut self, url: &str, at: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE feeds SET next_poll = ?2 WHERE url = ?1",
            params![url, ms(at)],
        )?;
        Ok(())
    }

    /// The feed's items to fetch now: pending ones, and those to retry
    /// whose time has come, oldest first.
    pub fn pending(&self, feed: &str, now: DateTime<Utc>) -> Result<Vec<PendingItem>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT feed, key, url, meta, attempts FROM feed_items
             WHERE feed = ?1 AND status IN ('pending', 'retry') AND next_try <= ?2
             ORDER BY first_seen, rowid",
        )?;
        let rows = stmt.query_map(params![feed, ms(now)], |r| {
            Ok(PendingItem {
                feed: r.get(0)?,
                key: r.get(1)?,
                url: r.get(2)?,
                meta: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                attempts: r.get::<_, i64>(4)?.max(0) as u32,
            })
        })?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    /// The earliest time anything is due: a feed's poll or an item's retry.
    pub fn next_due(&self) -> Result<Option<DateTime<Utc>>> {
        let t: Option<i64> = self.conn.query_row(
            "SELECT MIN(t) FROM (SELECT MIN(next_poll) AS t FROM feeds
               UNION ALL SELECT MIN(next_try) FROM feed_items WHERE status = 'retry')",
            [],
            |r| r.get(0),
        )?;
        Ok(t.map(time))
    }

    /// The status of one item, if seen.
    pub fn item_status(&self, feed: &str, key: &str) -> Result<Option<ItemStatus>> {
        let s: Option<String> = self
            .conn
            .query_row(
                "SELECT status FROM feed_items WHERE feed = ?1 AND key = ?2",
                [feed, key],
                |r| r.get(0),
            )
            .optional()?;
        Ok(s.map(|s| match s.as_str() {
            "pending" => ItemStatus::Pending,
            "retry" => ItemStatus::Retry,
            "ingested" => ItemStatus::Ingested,
            "failed" => ItemStatus::Failed,
            _ => ItemStatus::Skipped,
        }))
    }

    /// Records what became of an item. A finished item keeps its key, URL,
    /// status and article; its metadata is dropped.
    pub fn item_done(
        &mut self,
        feed: &str,
        key: &str,
        outcome: &ItemOutcome,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (status, error, article, next_try) = match outcome {
            ItemOutcome::Ingested { article } => {
                (ItemStatus::Ingested, None, Some(article.as_str()), None)
            }
            ItemOutcome::Retry { error, next_try } => (
                ItemStatus::Retry,
                Some(error.as_str()),
                None,
                Some(*next_try),
            ),
            ItemOutcome::Failed { error } => (ItemStatus::Failed, Some(error.as_str()), None, None),
            ItemOutcome::Skipped { reason } => {
                (ItemStatus::Skipped, Some(reason.as_str()), None, None)
            }
        };
        let done = !matches!(status, ItemStatus::Retry);
        self.conn.execute(
            "UPDATE feed_items SET status = ?3, last_error = ?4, article = COALESCE(?5, article),
               attempts = attempts + 1, next_try = COALESCE(?6, next_try),
               done_at = CASE WHEN ?7 THEN ?8 ELSE done_at END,
               meta = CASE WHEN ?7 THEN NULL ELSE meta END
             WHERE feed = ?1 AND key = ?2",
            params![
                feed,
                key,
                status.as_str(),
                error,
                article,
                next_try.map(ms),
                done,
                ms(now)
            ],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::*;
    use chrono::{Duration, Utc};

    fn item(key: &str) -> NewItem {
        NewItem {
            key: key.into(),
            url: Some(format!("https://velmar.example/{key}")),
            meta: format!("{{\"key\":\"{key}\"}}"),
        }
    }

    #[test]
    fn feeds_items_and_restart() {
        let dir = tempfile::tempdir().unwrap();
        let t0 = Utc::now();
        let feed = "https://velmar.example/feed.xml";
        {
            let mut s = Store::open(dir.path()).unwrap();
            let mut f = s.feeds();
            assert!(f.add(feed, Some("Velmar"), t0).unwrap());
            assert!(!f.add(feed, None, t0).unwrap());
            let row = f.get(feed).unwrap().unwrap();
            assert!(row.next_poll <= t0);
            let poll = PollOk {
                title: Some("Velmar Daily".into()),
                validators: Some((Some("\"e1\"".into()), None)),
                next_poll: t0 + Duration::minutes(15),
                items: vec![item("a"), item("b")],
            };
            assert_eq!(f.poll_ok(feed, &poll, t0).unwrap(), 2);
            // The same items again are not new.
            assert_eq!(f.poll_ok(feed, &poll, t0).unwrap(), 0);
            let pending = f.pending(feed, t0).unwrap();
            assert_eq!(pending.len(), 2);
            assert_eq!(pending[0].meta, "{\"key\":\"a\"}");
            f.item_done(
                feed,
                "a",
                &ItemOutcome::Ingested {
                    article: "x1".into(),
                },
                t0,
            )
            .unwrap();
            f.item_done(
                feed,
                "b",
                &ItemOutcome::Retry {
                    error: "HTTP 503".into(),
                    next_try: t0 + Duration::minutes(1),
                },
                t0,
            )
            .unwrap();
            assert!(f.pending(feed, t0).unwrap().is_empty());
        }
        // Reopened: validators, schedule and items are all there.
        let mut s = Store::open(dir.path()).unwrap();
        let mut f = s.feeds();
        let row = f.get(feed).unwrap().unwrap();
        assert_eq!(row.title.as_deref(), Some("Velmar Daily"));
        assert_eq!(row.etag.as_deref(), Some("\"e1\""));
        assert_eq!((row.ingested, row.pending, row.failures), (1, 1, 0));
        assert_eq!(
            row.next_item_try.map(|t| t.timestamp_millis()),
            Some((t0 + Duration::minutes(1)).timestamp_millis())
        );
        assert_eq!(
            f.item_status(feed, "a").unwrap(),
            Some(ItemStatus::Ingested)
        );
        let later = t0 + Duration::minutes(2);
        let retry = f.pending(feed, later).unwrap();
        assert_eq!((retry.len(), retry[0].attempts), (1, 1));
        assert_eq!(
            f.next_due().unwrap().unwrap().timestamp_millis(),
            (t0 + Duration::minutes(1)).timestamp_millis()
        );
        // Failures count up and reset on success; a 304 keeps validators.
        assert_eq!(f.poll_failed(feed, "HTTP 500", later, t0).unwrap(), 1);
        assert_eq!(f.poll_failed(feed, "HTTP 500", later, t0).unwrap(), 2);
        let row = f.get(feed).unwrap().unwrap();
        assert_eq!(row.last_error.as_deref(), Some("HTTP 500"));
        f.poll_ok(
            feed,
            &PollOk {
                next_poll: later,
                ..Default::default()
            },
            t0,
        )
        .unwrap();
        let row = f.get(feed).unwrap().unwrap();
        assert_eq!((row.failures, row.last_error.as_deref()), (0, None));
        assert_eq!(row.etag.as_deref(), Some("\"e1\""));
        assert_eq!(f.list().unwrap().len(), 1);
        assert!(f.remove(feed).unwrap());
        assert!(f.list().unwrap().is_empty());
        assert!(f.pending(feed, later).unwrap().is_empty());
    }
}
