//! `parallax watch` and `parallax feeds`: live ingestion from feeds.
//!
//! `watch` polls the feeds on their schedule, fetches the page of each new
//! item through the guarded fetcher of `parallax-fetch`, merges the feed's
//! metadata with the page's (`parallax_ingest::feed`), and ingests the
//! article through the engine. The state lives in the store (`feeds` and
//! `feed_items`), so a restarted watch resumes where it stopped: no item is
//! fetched twice, and items found but not yet fetched are fetched.
//!
//! The network work runs on a small tokio runtime; the engine stays on
//! the calling thread, which receives the results through a channel, so
//! the store has one writer.

use crate::{open_engine, EXIT_PARTIAL};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use parallax_core::{Article, ArticleId};
use parallax_engine::{ClusterConfig, Engine, FeedRow, ItemOutcome, NewItem, PendingItem, PollOk};
use parallax_fetch::schedule::{format_duration, parse_duration, Schedule};
use parallax_fetch::{
    AddressPolicy, FeedEntry, FeedRef, FetchConfig, FetchError, Fetched, Fetcher, GetOptions,
    ParsedFeed, Validators,
};
use parallax_ingest::feed::{item_draft, merge_item, ItemMeta};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Options of the fetcher, shared by `watch` and `ingest URL`.
#[derive(Args, Clone, Debug)]
pub struct FetchArgs {
    /// Allow requests to loopback, private, link-local and other non-public
    /// addresses (tests, intranets). Refused by default, after DNS
    /// resolution and on every redirect.
    #[arg(long)]
    pub allow_private: bool,
    /// Least time between two requests to one host (robots.txt may ask for more).
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub delay: Duration,
    /// Time allowed for one request, body included.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Redirects followed at most.
    #[arg(long, default_value_t = 5)]
    pub max_redirects: usize,
}

impl FetchArgs {
    /// The fetcher these options describe, with `in_flight` requests at once.
    pub fn fetcher(&self, in_flight: usize) -> Result<Fetcher> {
        let cfg = FetchConfig {
            policy: AddressPolicy {
                allow_private: self.allow_private,
                allowed: Vec::new(),
            },
            host_delay: self.delay,
            timeout: self.timeout,
            connect_timeout: self.timeout.min(Duration::from_secs(10)),
            max_redirects: self.max_redirects,
            max_in_flight: in_flight,
            ..Default::default()
        };
        Ok(Fetcher::new(cfg)?)
    }
}

/// A tokio runtime for the network work (two workers: the machine's size).
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    // `watch` runs for months: the same arena limit as the server.
    crate::serve::bound_allocator_memory();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

#[derive(Args)]
pub struct WatchArgs {
    /// Feeds: URLs (RSS, Atom, JSON Feed), files with one URL a line, or
    /// OPML files. They are added to the watched feeds. Without any, every
    /// watched feed is polled.
    pub feeds: Vec<String>,
    /// Poll each due feed once, fetch and ingest its new items, and exit
    /// with a summary.
    #[arg(long)]
    pub once: bool,
    /// Poll the feeds now, whatever their schedule or backoff.
    #[arg(long)]
    pub force: bool,
    /// Stop after this long (e.g. `8h`); by default watch runs until Ctrl-C.
    #[arg(long = "for", value_parser = parse_duration, value_name = "DURATION")]
    pub run_for: Option<Duration>,
    /// Time between two polls of a healthy feed (a feed's `<ttl>` or
    /// `Cache-Control` may ask for more, up to 6 h).
    #[arg(long, default_value = "15m", value_parser = parse_duration)]
    pub interval: Duration,
    /// Wait after a failure; doubled after each further failure in a row.
    #[arg(long, default_value = "1m", value_parser = parse_duration)]
    pub retry: Duration,
    /// Longest wait after failures.
    #[arg(long, default_value = "6h", value_parser = parse_duration)]
    pub max_backoff: Duration,
    /// Attempts at an item's page before giving up on it.
    #[arg(long, default_value_t = 3)]
    pub item_attempts: u32,
    /// Requests in flight at once (one host is still asked one at a time).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Largest feed accepted, in bytes.
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    pub max_feed_bytes: u64,
    /// Largest page accepted, in bytes.
    #[arg(long, default_value_t = 20 * 1024 * 1024)]
    pub max_page_bytes: u64,
    #[command(flatten)]
    pub fetch: FetchArgs,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// No progress and no per-feed messages.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct FeedsArgs {
    /// Add feeds (URLs, URL lists or OPML files) without polling them.
    #[arg(long, value_name = "FEED")]
    pub add: Vec<String>,
    /// Stop watching a feed and forget its items (the articles stay).
    #[arg(long, value_name = "URL")]
    pub remove: Vec<String>,
    /// Print the feeds as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The feed's metadata of an item, as kept in the store until the item is
/// done.
#[derive(Serialize, Deserialize)]
struct StoredMeta {
    #[serde(flatten)]
    entry: FeedEntry,
    #[serde(default)]
    feed_title: Option<String>,
}

impl StoredMeta {
    fn item_meta(&self, feed: &str) -> ItemMeta {
        let e = &self.entry;
        ItemMeta {
            feed: Some(feed.to_string()),
            key: Some(e.key.clone()),
            link: e.link.clone(),
            feed_title: self.feed_title.clone(),
            title: e.title.clone(),
            authors: e.authors.clone(),
            published: e.published.map(|t| t.fixed_offset()),
            categories: e.categories.clone(),
            summary: e.summary.clone(),
            content: e.content.clone(),
            language: e.language.clone(),
        }
    }
}

/// Reads the feed arguments: URLs as they are, files as URL lists or OPML.
/// Unreadable arguments are returned as (argument, problem).
pub fn resolve_feed_args(args: &[String]) -> (Vec<FeedRef>, Vec<(String, String)>) {
    let mut feeds: Vec<FeedRef> = Vec::new();
    let mut bad = Vec::new();
    for a in args {
        if parallax_fetch::is_http_url(a) {
            match url::Url::parse(a.trim()) {
                Ok(u) if u.host().is_some() => feeds.push(FeedRef {
                    url: u.to_string(),
                    title: None,
                }),
                _ => bad.push((a.clone(), "not a valid URL".into())),
            }
            continue;
        }
        if parallax_fetch::looks_like_url(a) {
            bad.push((a.clone(), "only http and https feeds can be watched".into()));
            continue;
        }
        let path = Path::new(a);
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bad.push((a.clone(), "no such file, and not an http(s) URL".into()));
                continue;
            }
            Err(e) => {
                bad.push((a.clone(), e.to_string()));
                continue;
            }
        };
        match parallax_fetch::lists::parse_list(&bytes) {
            Ok(list) => feeds.extend(list),
            Err(e) => bad.push((a.clone(), e.to_string())),
        }
    }
    let mut seen = HashSet::new();
    feeds.retain(|f| seen.insert(f.url.clone()));
    (feeds, bad)
}

/// What happened to one feed in this run.
#[derive(Debug, Serialize, Clone)]
struct FeedReport {
    url: String,
    /// `ok`, `not_modified` or `error`.
    status: &'static str,
    new_items: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_poll: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
struct ErrorLine {
    input: String,
    problem: String,
}

/// Errors kept in the summary at most (all are counted).
const MAX_ERRORS_KEPT: usize = 1000;

/// The outcome of a watch run.
#[derive(Debug, Default, Serialize)]
struct WatchSummary {
    /// Polls made (a feed polled several times counts each time).
    feeds_polled: usize,
    feeds_failed: usize,
    feeds_not_modified: usize,
    new_items: usize,
    added: usize,
    unchanged: usize,
    /// Articles stored already whose new version replaced the stored one.
    updated: usize,
    #[serde(skip)]
    updated_ids: Vec<parallax_core::ArticleId>,
    /// Stories that took in a merged one, to index again.
    #[serde(skip)]
    merged_into: Vec<parallax_core::StoryId>,
    skipped: usize,
    failed_items: usize,
    retrying: usize,
    new_stories: usize,
    articles_total: usize,
    stories_total: usize,
    seconds: f64,
    /// The last poll of each feed polled, in the order first polled.
    feeds: Vec<FeedReport>,
    /// The first errors (at most 1,000).
    errors: Vec<ErrorLine>,
}

impl WatchSummary {
    fn report(&mut self, r: FeedReport) {
        match self.feeds.iter_mut().find(|f| f.url == r.url) {
            Some(f) => *f = r,
            None => self.feeds.push(r),
        }
    }

    fn error(&mut self, input: String, problem: String) {
        if self.errors.len() < MAX_ERRORS_KEPT {
            self.errors.push(ErrorLine { input, problem });
        }
    }
}

enum FeedResult {
    NotModified {
        max_age: Option<Duration>,
    },
    Parsed {
        feed: ParsedFeed,
        validators: Validators,
        max_age: Option<Duration>,
    },
}

enum ItemResult {
    /// The article to ingest.
    Article(Box<Article>),
    /// Nothing to ingest, for good.
    Skip(String),
    /// The page could not be had; `fallback` is the item from the feed's
    /// own text, if it has some.
    Fail {
        error: String,
        permanent: bool,
        fallback: Option<Box<Article>>,
    },
}

enum Msg {
    Feed {
        url: String,
        result: Result<FeedResult, (String, Option<Duration>)>,
    },
    Item {
        item: PendingItem,
        result: ItemResult,
    },
}

struct Ctx {
    fetcher: Fetcher,
    max_feed_bytes: u64,
    max_page_bytes: u64,
}

async fn poll_feed(ctx: Arc<Ctx>, url: String, validators: Validators) -> Msg {
    let opts = GetOptions::feed(ctx.max_feed_bytes, validators);
    let result = match ctx.fetcher.get(&url, &opts).await {
        Ok(Fetched::NotModified { max_age, .. }) => Ok(FeedResult::NotModified { max_age }),
        Ok(Fetched::Page(page)) => {
            let final_url = page.url.clone();
            match parallax_fetch::parse_feed(&page.body, &final_url) {
                Ok(feed) => Ok(FeedResult::Parsed {
                    feed,
                    validators: page.validators,
                    max_age: page.max_age,
                }),
                Err(e) => Err((e.to_string(), None)),
            }
        }
        Err(e) => Err((e.to_string(), e.retry_after())),
    };
    Msg::Feed { url, result }
}

async fn fetch_item(ctx: Arc<Ctx>, item: PendingItem) -> Msg {
    let meta = match serde_json::from_str::<StoredMeta>(&item.meta) {
        Ok(m) => m.item_meta(&item.feed),
        Err(e) => {
            return Msg::Item {
                result: ItemResult::Skip(format!("unreadable item record: {e}")),
                item,
            }
        }
    };
    let fallback = || {
        item_draft(&meta).ok().map(|mut d| {
            d.source = Some(item.feed.clone());
            Box::new(d.build())
        })
    };
    let Some(link) = item.url.clone() else {
        let result = match fallback() {
            Some(a) => ItemResult::Article(a),
            None => ItemResult::Skip("no link and no text in the feed".into()),
        };
        return Msg::Item { item, result };
    };
    let fetched = ctx
        .fetcher
        .get(&link, &GetOptions::page(ctx.max_page_bytes))
        .await;
    let result = match fetched {
        Ok(Fetched::Page(page)) => {
            let ctype = page.content_type.clone().unwrap_or_default();
            if !ctype.is_empty() && !parallax_ingest::warc::is_html_type(&ctype) {
                match fallback() {
                    Some(a) => ItemResult::Article(a),
                    None => ItemResult::Skip(format!(
                        "not a web page ({})",
                        ctype.split(';').next().unwrap_or("").trim()
                    )),
                }
            } else {
                let max = ctx.max_page_bytes as usize;
                let meta2 = meta.clone();
                let source = link.clone();
                let built = tokio::task::spawn_blocking(move || {
                    let mut d = parallax_ingest::html::page_draft_http(
                        &page.body,
                        Some(&page.url),
                        page.content_type.as_deref(),
                        max,
                    )?;
                    merge_item(&mut d, &meta2);
                    d.source = Some(source);
                    Ok::<_, String>(Box::new(d.build()))
                })
                .await
                .unwrap_or_else(|e| Err(format!("extraction failed: {e}")));
                match built {
                    Ok(a) => ItemResult::Article(a),
                    Err(problem) => match fallback() {
                        Some(a) => ItemResult::Article(a),
                        None => ItemResult::Skip(problem),
                    },
                }
            }
        }
        Ok(Fetched::NotModified { .. }) => ItemResult::Fail {
            error: "unexpected 304 Not Modified".into(),
            permanent: false,
            fallback: fallback(),
        },
        Err(e @ FetchError::Robots(_)) => match fallback() {
            Some(a) => ItemResult::Article(a),
            None => ItemResult::Skip(e.to_string()),
        },
        Err(e) => ItemResult::Fail {
            permanent: e.is_permanent(),
            error: e.to_string(),
            fallback: fallback(),
        },
    };
    Msg::Item { item, result }
}

pub fn watch(data_dir: &Path, config: ClusterConfig, args: WatchArgs) -> Result<u8> {
    let started = Instant::now();
    let (refs, bad) = resolve_feed_args(&args.feeds);
    if !bad.is_empty() && refs.is_empty() {
        for (a, p) in &bad {
            eprintln!("parallax: {a}: {p}");
        }
        bail!("no feed to watch");
    }
    let mut engine = open_engine(data_dir, config)?;
    // Surfaces "feeds are kept only in the embedded store" at once.
    engine.feeds()?;
    let now = Utc::now();
    let watched: Vec<String> = if refs.is_empty() {
        let all: Vec<String> = engine.feeds()?.list()?.into_iter().map(|f| f.url).collect();
        if all.is_empty() {
            bail!("no feeds are watched yet: give feed URLs, a file of URLs or an OPML file");
        }
        all
    } else {
        let mut f = engine.feeds()?;
        for r in &refs {
            f.add(&r.url, r.title.as_deref(), now)?;
        }
        refs.iter().map(|r| r.url.clone()).collect()
    };
    if args.force {
        let mut f = engine.feeds()?;
        for u in &watched {
            f.set_next_poll(u, now)?;
        }
    }
    let schedule = Schedule {
        interval: args.interval,
        retry: args.retry,
        max_backoff: args.max_backoff,
        ..Default::default()
    };
    let show_progress = !args.quiet && !args.json && std::io::stderr().is_terminal();
    let pb = if show_progress {
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        pb.enable_steady_tick(Duration::from_millis(200));
        pb
    } else {
        ProgressBar::hidden()
    };
    let mut summary = WatchSummary::default();
    for (a, p) in bad {
        if !args.quiet {
            eprintln!("parallax: skipped {a}: {p}");
        }
        summary.error(a, p);
    }
    let ctx = Arc::new(Ctx {
        fetcher: args.fetch.fetcher(args.concurrency)?,
        max_feed_bytes: args.max_feed_bytes,
        max_page_bytes: args.max_page_bytes,
    });
    let rt = runtime()?;
    let mut run = Run {
        engine: &mut engine,
        ctx,
        schedule,
        args: &args,
        summary: &mut summary,
        pb: &pb,
        watched: watched.iter().cloned().collect(),
    };
    rt.block_on(run.go())?;
    pb.finish_and_clear();
    // Let in-flight requests go; the state of every item is in the store.
    rt.shutdown_timeout(Duration::from_millis(100));
    if let Err(e) = crate::ingest::update_index(
        data_dir,
        &engine,
        false,
        &summary.updated_ids,
        &summary.merged_into,
    ) {
        eprintln!("parallax: warning: the search index was not updated: {e:#}");
    }
    summary.articles_total = engine.article_count()?;
    summary.stories_total = engine.story_count();
    summary.seconds = started.elapsed().as_secs_f64();
    let failed = summary.feeds_failed + summary.failed_items + summary.errors.len();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else if !args.quiet {
        let s = &summary;
        let polled = if s.feeds_polled == s.feeds.len() {
            format!("Polled {} feed{}", s.feeds_polled, plural(s.feeds_polled))
        } else {
            format!(
                "Polled {} feed{} {} times",
                s.feeds.len(),
                plural(s.feeds.len()),
                s.feeds_polled
            )
        };
        println!(
            "{polled} ({} failed, {} not modified): {} new item{}, {} article{} ingested ({} already stored, {} new stor{}), {} skipped, {} failed, {} to retry, in {:.1} s; {} now holds {} articles in {} stories.",
            s.feeds_failed,
            s.feeds_not_modified,
            s.new_items,
            plural(s.new_items),
            s.added,
            plural(s.added),
            s.unchanged,
            s.new_stories,
            if s.new_stories == 1 { "y" } else { "ies" },
            s.skipped,
            s.failed_items,
            s.retrying,
            s.seconds,
            data_dir.display(),
            s.articles_total,
            s.stories_total,
        );
    }
    Ok(if failed > 0 { EXIT_PARTIAL } else { 0 })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

struct Run<'a> {
    engine: &'a mut Engine,
    ctx: Arc<Ctx>,
    schedule: Schedule,
    args: &'a WatchArgs,
    summary: &'a mut WatchSummary,
    pb: &'a ProgressBar,
    watched: HashSet<String>,
}

impl Run<'_> {
    fn say(&self, line: String) {
        if !self.args.quiet && !self.args.json {
            self.pb.suspend(|| eprintln!("parallax: {line}"));
        }
    }

    async fn go(&mut self) -> Result<()> {
        let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
        let deadline = self.args.run_for.map(|d| Instant::now() + d);
        let mut feeds_in_flight: HashSet<String> = HashSet::new();
        let mut items_in_flight: HashSet<(String, String)> = HashSet::new();
        let mut items_per_feed: HashMap<String, usize> = HashMap::new();
        let mut polled: HashSet<String> = HashSet::new();
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        loop {
            let now = Utc::now();
            // Start the feeds that are due.
            let rows: Vec<FeedRow> = self.engine.feeds()?.list()?;
            for row in rows.iter().filter(|r| self.watched.contains(&r.url)) {
                if row.next_poll > now
                    || feeds_in_flight.contains(&row.url)
                    || (self.args.once && polled.contains(&row.url))
                {
                    continue;
                }
                polled.insert(row.url.clone());
                feeds_in_flight.insert(row.url.clone());
                let validators = Validators {
                    etag: row.etag.clone(),
                    last_modified: row.last_modified.clone(),
                };
                let (ctx, tx, url) = (self.ctx.clone(), tx.clone(), row.url.clone());
                tokio::spawn(async move {
                    let _ = tx.send(poll_feed(ctx, url, validators).await);
                });
            }
            // Start the items that are due, of feeds not being polled.
            for row in rows.iter().filter(|r| self.watched.contains(&r.url)) {
                if feeds_in_flight.contains(&row.url) || row.next_item_try.is_none_or(|t| t > now) {
                    continue;
                }
                for item in self.engine.feeds()?.pending(&row.url, now)? {
                    let k = (item.feed.clone(), item.key.clone());
                    if items_in_flight.contains(&k) {
                        continue;
                    }
                    // Already stored under its link (another feed, or
                    // `ingest URL`): nothing to fetch.
                    if let Some(link) = &item.url {
                        let id = ArticleId::from_url(link);
                        if self.engine.contains(&id)? {
                            self.engine.feeds()?.item_done(
                                &item.feed,
                                &item.key,
                                &ItemOutcome::Ingested {
                                    article: id.to_string(),
                                },
                                now,
                            )?;
                            self.summary.unchanged += 1;
                            continue;
                        }
                    }
                    items_in_flight.insert(k);
                    *items_per_feed.entry(item.feed.clone()).or_default() += 1;
                    let (ctx, tx) = (self.ctx.clone(), tx.clone());
                    tokio::spawn(async move {
                        let _ = tx.send(fetch_item(ctx, item).await);
                    });
                }
            }
            self.pb.set_message(format!(
                "{} feed{} and {} item{} in flight; {} article{} ingested",
                feeds_in_flight.len(),
                plural(feeds_in_flight.len()),
                items_in_flight.len(),
                plural(items_in_flight.len()),
                self.summary.added,
                plural(self.summary.added),
            ));
            if self.args.once && feeds_in_flight.is_empty() && items_in_flight.is_empty() {
                return Ok(());
            }
            // Wait for a result, the next due time, the deadline or Ctrl-C.
            // Feeds and items in flight wake the loop when they finish.
            let next_due = self
                .engine
                .feeds()?
                .list()?
                .into_iter()
                .filter(|r| self.watched.contains(&r.url))
                .filter(|r| !feeds_in_flight.contains(&r.url))
                .flat_map(|r| {
                    let items = if items_per_feed.get(&r.url).copied().unwrap_or(0) == 0 {
                        r.next_item_try
                    } else {
                        None
                    };
                    [Some(r.next_poll), items]
                })
                .flatten()
                .min();
            let mut wait = match next_due {
                Some(t) => (t - Utc::now())
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .max(Duration::from_millis(20)),
                None => Duration::from_secs(3600),
            };
            if let Some(d) = deadline {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Ok(());
                }
                wait = wait.min(left);
            }
            if self.args.once {
                wait = Duration::from_secs(3600);
            }
            tokio::select! {
                msg = rx.recv() => {
                    let Some(msg) = msg else { return Ok(()) };
                    match msg {
                        Msg::Feed { url, result } => {
                            feeds_in_flight.remove(&url);
                            self.feed_done(&url, result)?;
                        }
                        Msg::Item { item, result } => {
                            items_in_flight.remove(&(item.feed.clone(), item.key.clone()));
                            if let Some(n) = items_per_feed.get_mut(&item.feed) {
                                *n = n.saturating_sub(1);
                            }
                            self.item_done(item, result)?;
                        }
                    }
                }
                _ = tokio::time::sleep(wait) => {}
                _ = &mut ctrl_c => {
                    self.say("interrupted; the watch state is saved".into());
                    return Ok(());
                }
            }
        }
    }

    fn feed_done(
        &mut self,
        url: &str,
        result: Result<FeedResult, (String, Option<Duration>)>,
    ) -> Result<()> {
        let now = Utc::now();
        self.summary.feeds_polled += 1;
        let at = |d: Duration| now + chrono::Duration::from_std(d).unwrap_or_default();
        let report = match result {
            Ok(FeedResult::NotModified { max_age }) => {
                let next = at(self.schedule.after_success(max_age));
                self.engine.feeds()?.poll_ok(
                    url,
                    &PollOk {
                        next_poll: next,
                        ..Default::default()
                    },
                    now,
                )?;
                self.summary.feeds_not_modified += 1;
                FeedReport {
                    url: url.to_string(),
                    status: "not_modified",
                    new_items: 0,
                    error: None,
                    next_poll: Some(next),
                }
            }
            Ok(FeedResult::Parsed {
                feed,
                validators,
                max_age,
            }) => {
                let asked = match (feed.ttl, max_age) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                let next = at(self.schedule.after_success(asked));
                let items: Vec<NewItem> = feed
                    .entries
                    .iter()
                    .map(|e| NewItem {
                        key: e.key.clone(),
                        url: e.link.clone(),
                        meta: serde_json::to_string(&StoredMeta {
                            entry: e.clone(),
                            feed_title: feed.title.clone(),
                        })
                        .unwrap_or_default(),
                    })
                    .collect();
                let new = self.engine.feeds()?.poll_ok(
                    url,
                    &PollOk {
                        title: feed.title.clone(),
                        validators: Some((validators.etag, validators.last_modified)),
                        next_poll: next,
                        items,
                    },
                    now,
                )?;
                self.summary.new_items += new;
                if new > 0 {
                    self.say(format!("{url}: {new} new item{}", plural(new)));
                }
                FeedReport {
                    url: url.to_string(),
                    status: "ok",
                    new_items: new,
                    error: None,
                    next_poll: Some(next),
                }
            }
            Err((error, retry_after)) => {
                let failures = self.engine.feeds()?.get(url)?.map_or(0, |r| r.failures) + 1;
                let wait = self.schedule.after_failure(failures, retry_after);
                let next = at(wait);
                self.engine.feeds()?.poll_failed(url, &error, next, now)?;
                self.summary.feeds_failed += 1;
                self.say(format!(
                    "feed {url} failed: {error} ({} in a row); next try in {}",
                    ordinal(failures),
                    format_duration(wait)
                ));
                FeedReport {
                    url: url.to_string(),
                    status: "error",
                    new_items: 0,
                    error: Some(error),
                    next_poll: Some(next),
                }
            }
        };
        self.summary.report(report);
        Ok(())
    }

    fn item_done(&mut self, item: PendingItem, result: ItemResult) -> Result<()> {
        let now = Utc::now();
        let what = item.url.clone().unwrap_or_else(|| item.key.clone());
        let outcome = match result {
            ItemResult::Article(a) => self.ingest(*a)?,
            ItemResult::Skip(reason) => {
                self.summary.skipped += 1;
                self.say(format!("skipped {what}: {reason}"));
                ItemOutcome::Skipped { reason }
            }
            ItemResult::Fail {
                error,
                permanent,
                fallback,
            } => {
                let attempts = item.attempts + 1;
                if permanent || attempts >= self.args.item_attempts.max(1) {
                    match fallback {
                        Some(a) => {
                            self.say(format!("{what}: {error}; ingested the feed's own text"));
                            self.ingest(*a)?
                        }
                        None => {
                            self.summary.failed_items += 1;
                            self.say(format!("failed {what}: {error}"));
                            self.summary.error(what.clone(), error.clone());
                            ItemOutcome::Failed { error }
                        }
                    }
                } else {
                    let wait = self.schedule.after_failure(attempts, None);
                    self.summary.retrying += 1;
                    self.say(format!(
                        "{what}: {error}; retrying in {}",
                        format_duration(wait)
                    ));
                    ItemOutcome::Retry {
                        error,
                        next_try: now + chrono::Duration::from_std(wait).unwrap_or_default(),
                    }
                }
            }
        };
        self.engine
            .feeds()?
            .item_done(&item.feed, &item.key, &outcome, now)?;
        Ok(())
    }

    fn ingest(&mut self, article: Article) -> Result<ItemOutcome> {
        let id = article.id.to_string();
        let r = self.engine.ingest_batch(vec![article])?;
        self.summary.added += r.added.len();
        self.summary.unchanged += r.unchanged;
        self.summary.updated += r.updated.len();
        self.summary
            .updated_ids
            .extend(r.updated.into_iter().map(|(a, _)| a));
        self.summary.new_stories += r.new_stories;
        self.summary
            .merged_into
            .extend(r.merged.into_iter().map(|(_, into)| into));
        Ok(ItemOutcome::Ingested { article: id })
    }
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A feed with its health, for `parallax feeds`.
#[derive(Serialize)]
struct FeedLine<'a> {
    #[serde(flatten)]
    row: FeedJson<'a>,
    status: &'static str,
}

#[derive(Serialize)]
struct FeedJson<'a> {
    url: &'a str,
    title: Option<&'a str>,
    added_at: DateTime<Utc>,
    last_poll: Option<DateTime<Utc>>,
    last_ok: Option<DateTime<Utc>>,
    next_poll: DateTime<Utc>,
    failures: u32,
    last_error: Option<&'a str>,
    etag: Option<&'a str>,
    last_modified: Option<&'a str>,
    ingested: u64,
    pending: u64,
    failed_items: u64,
    skipped_items: u64,
}

fn health(r: &FeedRow) -> &'static str {
    if r.failures > 0 {
        "failing"
    } else if r.last_poll.is_none() {
        "new"
    } else {
        "ok"
    }
}

pub fn feeds(data_dir: &Path, config: ClusterConfig, args: FeedsArgs) -> Result<u8> {
    let mut engine = open_engine(data_dir, config)?;
    engine.feeds()?;
    let mut code = 0;
    let now = Utc::now();
    if !args.add.is_empty() {
        let (refs, bad) = resolve_feed_args(&args.add);
        for (a, p) in bad {
            eprintln!("parallax: skipped {a}: {p}");
            code = EXIT_PARTIAL;
        }
        let mut f = engine.feeds()?;
        let mut added = 0;
        for r in &refs {
            added += usize::from(f.add(&r.url, r.title.as_deref(), now)?);
        }
        if !args.json {
            eprintln!(
                "parallax: added {added} feed{} ({} already watched)",
                plural(added),
                refs.len() - added
            );
        }
    }
    for u in &args.remove {
        let url = url::Url::parse(u.trim())
            .map(|u| u.to_string())
            .unwrap_or_else(|_| u.clone());
        if !engine.feeds()?.remove(&url)? {
            eprintln!("parallax: {u} is not a watched feed");
            code = EXIT_PARTIAL;
        } else if !args.json {
            eprintln!("parallax: removed {url}");
        }
    }
    let rows = engine.feeds()?.list()?;
    let failing = rows.iter().filter(|r| r.failures > 0).count();
    if args.json {
        let lines: Vec<FeedLine> = rows
            .iter()
            .map(|r| FeedLine {
                status: health(r),
                row: FeedJson {
                    url: &r.url,
                    title: r.title.as_deref(),
                    added_at: r.added_at,
                    last_poll: r.last_poll,
                    last_ok: r.last_ok,
                    next_poll: r.next_poll,
                    failures: r.failures,
                    last_error: r.last_error.as_deref(),
                    etag: r.etag.as_deref(),
                    last_modified: r.last_modified.as_deref(),
                    ingested: r.ingested,
                    pending: r.pending,
                    failed_items: r.failed,
                    skipped_items: r.skipped,
                },
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&lines)?);
        return Ok(code);
    }
    if rows.is_empty() {
        println!("No feeds are watched. Add some with `parallax watch URL|FILE|OPML` or `parallax feeds --add`.");
        return Ok(code);
    }
    let ago = |t: Option<DateTime<Utc>>| match t {
        Some(t) => format!(
            "{} ago",
            format_duration((now - t).to_std().unwrap_or_default())
        ),
        None => "never".to_string(),
    };
    let until = |t: DateTime<Utc>| match (t - now).to_std() {
        Ok(d) if !d.is_zero() => format!("in {}", format_duration(d)),
        _ => "due".to_string(),
    };
    println!(
        "{:<10} {:>8} {:>7} {:>12} {:>12}  FEED",
        "HEALTH", "INGESTED", "PENDING", "LAST OK", "NEXT POLL"
    );
    for r in &rows {
        let health = match health(r) {
            "failing" => format!("failing×{}", r.failures),
            h => h.to_string(),
        };
        let name = match &r.title {
            Some(t) => format!("{t} <{}>", r.url),
            None => r.url.clone(),
        };
        println!(
            "{:<10} {:>8} {:>7} {:>12} {:>12}  {}",
            health,
            r.ingested,
            r.pending,
            ago(r.last_ok),
            until(r.next_poll),
            name
        );
        if let Some(e) = &r.last_error {
            println!("{:<10} last error: {e}", "");
        }
        if r.failed > 0 || r.skipped > 0 {
            println!(
                "{:<10} {} item{} failed, {} skipped",
                "",
                r.failed,
                plural(r.failed as usize),
                r.skipped
            );
        }
    }
    println!(
        "{} feed{}, {} failing.",
        rows.len(),
        plural(rows.len()),
        failing
    );
    Ok(code)
}
