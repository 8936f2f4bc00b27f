//! `parallax ingest`.

use crate::{open_engine, EXIT_PARTIAL};
use anyhow::Result;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use parallax_core::Article;
use parallax_engine::parallax_text::Stemmer;
use parallax_engine::{
    BatchReport, ClusterConfig, Embedder, Engine, InFlight, Prepared, Staged, StoredLookup,
};
use parallax_ingest::{Format, Input, InputError, ReadOptions, Reader};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

#[derive(Args)]
pub struct IngestArgs {
    /// Files (text, HTML, JSONL, `.warc`/`.warc.gz`), directories (read
    /// recursively), `-` for standard input, or http(s) URLs of pages to
    /// fetch.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Outlet for articles whose input names none.
    #[arg(long)]
    pub outlet: Option<String>,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    pub format: FormatArg,
    /// Largest text file or JSONL line accepted, in bytes.
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    pub max_bytes: u64,
    /// Largest HTML page accepted, in bytes.
    #[arg(long, default_value_t = 20 * 1024 * 1024)]
    pub max_html_bytes: u64,
    /// Articles per transaction.
    #[arg(long, default_value_t = 500)]
    pub batch_size: usize,
    #[command(flatten)]
    pub fetch: crate::watch::FetchArgs,
    /// Do not update the search index (`parallax search` and `serve` catch
    /// up later).
    #[arg(long)]
    pub no_index: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// No progress bar and no per-input messages.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Auto,
    Text,
    Jsonl,
    Html,
    Warc,
}

/// The outcome of an ingest run.
#[derive(Debug, Default, Serialize)]
pub struct IngestSummary {
    pub added: usize,
    pub unchanged: usize,
    /// Articles stored already whose new version (same URL, other wording)
    /// replaced the stored one.
    pub updated: usize,
    #[serde(skip)]
    pub updated_ids: Vec<parallax_core::ArticleId>,
    pub failed: usize,
    pub new_stories: usize,
    /// Stories merged into an older one (an article bridged the two); their
    /// ids redirect there.
    pub merged_stories: usize,
    /// The stories that took in a merged one (their articles are indexed
    /// again under the one id).
    #[serde(skip)]
    pub merged_into: Vec<parallax_core::StoryId>,
    pub skipped_files: usize,
    /// WARC records without a web page (requests, metadata, images, 404s...).
    pub skipped_records: u64,
    /// Pages fetched from URLs.
    pub fetched: usize,
    pub articles_total: usize,
    pub stories_total: usize,
    pub seconds: f64,
    /// Stories that received articles in this run.
    pub touched: usize,
    #[serde(skip)]
    pub touched_set: std::collections::HashSet<parallax_core::StoryId>,
    /// Seconds spent in each stage.
    pub stages: Stages,
    /// Articles added to the search index.
    pub indexed: usize,
    /// Peak resident memory of the process, in bytes (Linux).
    pub peak_rss_bytes: Option<u64>,
    /// The first errors (at most 1,000; all are counted in `failed`).
    pub errors: Vec<ErrorLine>,
}

impl IngestSummary {
    /// Counts what one batch did.
    pub fn absorb(&mut self, r: parallax_engine::BatchReport) {
        self.stages.engine += r.timings;
        self.added += r.added.len();
        self.unchanged += r.unchanged;
        self.updated += r.updated.len();
        self.new_stories += r.new_stories;
        self.merged_stories += r.merged.len();
        self.merged_into
            .extend(r.merged.into_iter().map(|(_, into)| into));
        for (_, s) in r.added {
            self.touched_set.insert(s);
        }
        for (a, s) in r.updated {
            self.touched_set.insert(s);
            self.updated_ids.push(a);
        }
        self.touched = self.touched_set.len();
    }
}

/// Seconds per stage of an ingest run. Facts, summaries and timelines are
/// not computed at ingest: a story's comparison is built when it is shown.
#[derive(Debug, Default, Serialize)]
pub struct Stages {
    /// Reading and decoding inputs into articles (extraction of HTML
    /// included).
    pub read: f64,
    /// Analysis (across cores), clustering and storing, as the engine
    /// reports them.
    #[serde(flatten)]
    pub engine: parallax_engine::StageTimes,
    /// Adding the new articles to the search index.
    pub index: f64,
}

/// The peak resident set size of this process (`VmHWM`), on Linux.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Adds what the store holds and the search index does not, and indexes
/// again the `updated` articles (newer versions replaced their text);
/// returns the count. A failure is reported and leaves the store as it
/// is: the index catches up on the next run (except for updates and
/// merges, which `parallax search --rebuild` picks up). The articles of
/// the stories in `merged_into` are indexed again, under the id of the
/// story they belong to now.
pub fn update_index(
    data_dir: &Path,
    engine: &Engine,
    show_progress: bool,
    updated: &[parallax_core::ArticleId],
    merged_into: &[parallax_core::StoryId],
) -> Result<usize> {
    let index = parallax_server::search::SearchIndex::open(data_dir)?;
    let pending = engine.article_count()?.saturating_sub(index.len() as usize);
    let pb = if show_progress && pending > 10_000 {
        let pb = ProgressBar::with_draw_target(Some(pending as u64), ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template("{spinner} indexing {wide_bar} {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let n = index.catch_up(engine, &mut |n| pb.set_position(n as u64))?;
    pb.finish_and_clear();
    let mut again = Vec::new();
    for id in updated {
        again.extend(
            engine
                .find_articles(id.as_str())?
                .into_iter()
                .filter(|s| &s.article.id == id),
        );
    }
    let mut stories: Vec<&parallax_core::StoryId> = merged_into.iter().collect();
    stories.sort();
    stories.dedup();
    for story in stories {
        if let Some(live) = engine.resolve_story(story.as_str())? {
            again.extend(engine.story_articles(&live)?);
        }
    }
    if !again.is_empty() {
        index.add(again.iter().map(|s| (&s.article, s.story.as_str())))?;
    }
    Ok(n + again.len())
}

/// Errors kept in the summary at most, so that a huge bad archive cannot
/// fill memory.
const MAX_ERRORS_KEPT: usize = 1000;

#[derive(Debug, Serialize)]
pub struct ErrorLine {
    pub input: String,
    pub problem: String,
}

pub fn run(data_dir: &Path, config: ClusterConfig, args: IngestArgs) -> Result<u8> {
    let mut engine = open_engine(data_dir, config)?;
    let mut inputs: Vec<Input> = Vec::new();
    let mut urls: Vec<String> = Vec::new();
    let mut bad: Vec<ErrorLine> = Vec::new();
    for p in &args.paths {
        if parallax_fetch::is_http_url(p) {
            urls.push(p.trim().to_string());
        } else if parallax_fetch::looks_like_url(p) && !Path::new(p).exists() {
            bad.push(ErrorLine {
                input: p.clone(),
                problem: "only http and https URLs can be fetched".into(),
            });
        } else {
            inputs.push(Input::parse(p));
        }
    }
    let opts = ReadOptions {
        max_bytes: args.max_bytes,
        max_html_bytes: args.max_html_bytes,
        format: match args.format {
            FormatArg::Auto => Format::Auto,
            FormatArg::Text => Format::Text,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Html => Format::Html,
            FormatArg::Warc => Format::Warc,
        },
        outlet: args.outlet.clone(),
    };
    let show_progress = !args.quiet && !args.json && std::io::stderr().is_terminal();
    let started = Instant::now();
    let shared = engine.has_shared_inbox();
    let mut summary = if inputs.is_empty() {
        IngestSummary::default()
    } else if shared {
        ingest_shared(
            &mut engine,
            &inputs,
            opts,
            args.batch_size,
            show_progress,
            !args.quiet,
        )?
    } else {
        ingest_inputs(
            &mut engine,
            &inputs,
            opts,
            args.batch_size,
            show_progress,
            !args.quiet,
        )?
    };
    if !urls.is_empty() {
        crate::fetch::ingest_urls(
            &mut engine,
            &urls,
            &args.fetch,
            args.max_html_bytes,
            args.outlet.as_deref(),
            show_progress,
            !args.quiet,
            &mut summary,
        )?;
    }
    for e in bad {
        if !args.quiet {
            eprintln!("parallax: skipped {}: {}", e.input, e.problem);
        }
        summary.failed += 1;
        summary.errors.push(e);
    }
    // The search index lives in the data dir, beside the embedded store;
    // a PostgreSQL store is shared by machines and is not indexed here.
    if !args.no_index && !shared {
        let clock = Instant::now();
        match update_index(
            data_dir,
            &engine,
            show_progress,
            &summary.updated_ids,
            &summary.merged_into,
        ) {
            Ok(n) => summary.indexed = n,
            Err(e) => eprintln!("parallax: warning: the search index was not updated: {e:#}"),
        }
        summary.stages.index = clock.elapsed().as_secs_f64();
    }
    summary.articles_total = engine.article_count()?;
    summary.stories_total = engine.story_count();
    summary.seconds = started.elapsed().as_secs_f64();
    summary.peak_rss_bytes = peak_rss_bytes();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else if !args.quiet {
        println!(
            "Ingested {} new article{} ({} unchanged, {}{} failed{}{}) into {} stor{} ({} new{}) in {:.2} s; {} now holds {} articles in {} stories.",
            summary.added,
            if summary.added == 1 { "" } else { "s" },
            summary.unchanged,
            if summary.updated > 0 {
                format!("{} updated, ", summary.updated)
            } else {
                String::new()
            },
            summary.failed,
            if summary.fetched > 0 {
                format!(", {} fetched", summary.fetched)
            } else {
                String::new()
            },
            if summary.skipped_records > 0 {
                format!(", {} WARC records without a page skipped", summary.skipped_records)
            } else {
                String::new()
            },
            count_stories(&summary),
            if count_stories(&summary) == 1 { "y" } else { "ies" },
            summary.new_stories,
            if summary.merged_stories > 0 {
                format!(", {} merged into older ones", summary.merged_stories)
            } else {
                String::new()
            },
            summary.seconds,
            crate::store_label(data_dir),
            summary.articles_total,
            summary.stories_total,
        );
    }
    Ok(if summary.failed > 0 { EXIT_PARTIAL } else { 0 })
}

fn count_stories(s: &IngestSummary) -> usize {
    s.touched
}

/// Reads `inputs` into the shared inbox of a PostgreSQL store, working on
/// the inbox after each batch (analysis of rows no other worker holds,
/// clustering in stream order), then until the inbox is drained. Several
/// processes may run this at once on the same or different inputs: an
/// article already in the inbox is counted as unchanged, and each process
/// counts as added what it clustered itself.
pub fn ingest_shared(
    engine: &mut Engine,
    inputs: &[Input],
    opts: ReadOptions,
    batch_size: usize,
    show_progress: bool,
    report: bool,
) -> Result<IngestSummary> {
    let started = Instant::now();
    let pb = if show_progress {
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let batch_size = batch_size.max(1);
    let mut summary = IngestSummary::default();
    let mut reader = Reader::new(inputs, opts);
    summary.skipped_files = reader.skipped();
    let mut batch = Vec::with_capacity(batch_size);
    let mut read_seconds = 0.0;
    let step = |engine: &mut Engine, summary: &mut IngestSummary| -> Result<()> {
        let (_, seconds) = engine.analyse_inbox(batch_size)?;
        summary.stages.engine.analyse += seconds;
        let (r, _) = engine.cluster_inbox(batch_size)?;
        summary.absorb(r);
        pb.set_message(format!("{} articles stored by this worker", summary.added));
        Ok(())
    };
    loop {
        let clock = Instant::now();
        let item = reader.next();
        read_seconds += clock.elapsed().as_secs_f64();
        match item {
            Some(Ok(article)) => {
                batch.push(article);
                if batch.len() >= batch_size {
                    let queued = engine.enqueue(&batch)?;
                    summary.unchanged += batch.len() - queued;
                    batch.clear();
                    step(engine, &mut summary)?;
                }
            }
            Some(Err(InputError { input, problem })) => {
                if report {
                    pb.suspend(|| eprintln!("parallax: skipped {input}: {problem}"));
                }
                summary.failed += 1;
                if summary.errors.len() < MAX_ERRORS_KEPT {
                    summary.errors.push(ErrorLine { input, problem });
                }
            }
            None => break,
        }
    }
    if !batch.is_empty() {
        let queued = engine.enqueue(&batch)?;
        summary.unchanged += batch.len() - queued;
    }
    summary.stages.read = read_seconds;
    summary.skipped_records = reader.skipped_records();
    let work = engine.work_inbox(batch_size, |r| {
        pb.set_message(format!(
            "{} articles stored by this worker",
            summary.added + r.added.len()
        ))
    })?;
    summary.stages.engine.analyse += work.batch.timings.analyse;
    let mut rest = work.batch;
    rest.timings.analyse = 0.0;
    summary.absorb(rest);
    pb.finish_and_clear();
    summary.articles_total = engine.article_count()?;
    summary.stories_total = engine.story_count();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// A batch written by the writer thread: its articles leave the in-flight
/// set and its report joins the summary.
fn written(
    r: parallax_engine::Result<BatchReport>,
    summary: &mut IngestSummary,
    in_flight: &mut InFlight,
) -> Result<()> {
    let report = r?;
    in_flight.written(&report);
    summary.absorb(report);
    Ok(())
}

/// Analyses a batch, leaving out the articles `stored` holds already.
fn prepare(
    batch: Vec<Article>,
    stemmer: &Stemmer,
    stored: Option<&StoredLookup>,
    embedder: Option<Embedder>,
) -> Prepared {
    match stored {
        Some(s) => Prepared::without_stored(batch, stemmer, s, embedder),
        None => Prepared::embedded(batch, stemmer, embedder),
    }
}

/// Reads `inputs` and ingests them in batches. Errors of single inputs are
/// collected (and printed when `report` is set); store errors abort.
pub fn ingest_inputs(
    engine: &mut Engine,
    inputs: &[Input],
    opts: ReadOptions,
    batch_size: usize,
    show_progress: bool,
    report: bool,
) -> Result<IngestSummary> {
    let started = Instant::now();
    let pb = if show_progress {
        let pb = ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let mut summary = IngestSummary::default();
    // Two stages in parallel: a reader thread reads, decodes and analyses
    // batch k+1 (analysis across cores) while this thread clusters and
    // stores batch k, in arrival order (one writer).
    enum Item {
        /// Inputs skipped before reading (not found, unreadable).
        Start(usize),
        Batch(Prepared, f64),
        Error(InputError),
    }
    let batch_size = batch_size.max(1);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Item>(2);
    let reader_pb = pb.clone();
    // Articles stored already (a re-run, or a run resumed after a crash)
    // are left out before analysis, on the reader thread.
    let stored = engine.stored_lookup()?;
    let embedder = engine.config().embedder;
    let skipped_records = std::thread::scope(|scope| -> Result<u64> {
        let producer = scope.spawn(move || {
            // Made here: a reader of standard input is not `Send`.
            let mut reader = Reader::new(inputs, opts);
            reader_pb.set_length(reader.total_bytes().max(1));
            if tx.send(Item::Start(reader.skipped())).is_err() {
                return 0;
            }
            let stemmer = Stemmer::default();
            let mut batch = Vec::with_capacity(batch_size);
            let mut read_seconds = 0.0;
            loop {
                let clock = Instant::now();
                let item = reader.next();
                read_seconds += clock.elapsed().as_secs_f64();
                reader_pb.set_position(reader.bytes_done());
                let sent = match item {
                    None => break,
                    Some(Ok(article)) => {
                        batch.push(article);
                        if batch.len() < batch_size {
                            continue;
                        }
                        let p = prepare(
                            std::mem::take(&mut batch),
                            &stemmer,
                            stored.as_ref(),
                            embedder,
                        );
                        tx.send(Item::Batch(p, std::mem::take(&mut read_seconds)))
                    }
                    Some(Err(e)) => tx.send(Item::Error(e)),
                };
                if sent.is_err() {
                    // The writer stopped (a store error): stop reading.
                    return reader.skipped_records();
                }
            }
            if !batch.is_empty() {
                let p = prepare(batch, &stemmer, stored.as_ref(), embedder);
                let _ = tx.send(Item::Batch(p, read_seconds));
            }
            reader.skipped_records()
        });
        // A third stage when the store has a second handle: a writer
        // thread writes batch k while this thread clusters batch k+1.
        // Batches are written in order; the ids of those staged and not yet
        // written are kept out of later batches (the store cannot see them).
        let (wtx, wrx) = std::sync::mpsc::sync_channel::<Staged>(1);
        let (rtx, rrx) = std::sync::mpsc::channel::<parallax_engine::Result<BatchReport>>();
        let mut writer = engine.writer()?;
        let pipelined = writer.is_some();
        if let Some(mut w) = writer.take() {
            scope.spawn(move || {
                for staged in wrx {
                    let r = w.write(staged);
                    let failed = r.is_err();
                    if rtx.send(r).is_err() || failed {
                        break;
                    }
                }
            });
        }
        let mut in_flight = InFlight::new();
        let mut failure: Option<anyhow::Error> = None;
        for item in rx {
            match item {
                Item::Start(skipped) => summary.skipped_files = skipped,
                Item::Batch(p, read) => {
                    summary.stages.read += read;
                    if !pipelined {
                        summary.absorb(engine.ingest_prepared(p)?);
                    } else {
                        while let Ok(r) = rrx.try_recv() {
                            if let Err(e) = written(r, &mut summary, &mut in_flight) {
                                failure = Some(e);
                            }
                        }
                        if failure.is_some() {
                            break;
                        }
                        let staged = engine.stage(p, &in_flight)?;
                        in_flight.add(&staged);
                        if wtx.send(staged).is_err() {
                            // The writer stopped on an error: its report
                            // is waiting below.
                            break;
                        }
                    }
                    pb.set_message(format!(
                        "{} articles",
                        summary.added + summary.unchanged + summary.updated + in_flight.len()
                    ));
                }
                Item::Error(InputError { input, problem }) => {
                    if report {
                        pb.suspend(|| eprintln!("parallax: skipped {input}: {problem}"));
                    }
                    summary.failed += 1;
                    if summary.errors.len() < MAX_ERRORS_KEPT {
                        summary.errors.push(ErrorLine { input, problem });
                    }
                }
            }
        }
        // Wait for the writes still under way.
        drop(wtx);
        for r in rrx {
            if let Err(e) = written(r, &mut summary, &mut in_flight) {
                failure.get_or_insert(e);
            }
        }
        if let Some(e) = failure {
            // Batches staged after the failed one were never written: the
            // engine forgets them and reloads what the store holds.
            engine.recover()?;
            return Err(e);
        }
        producer
            .join()
            .map_err(|_| anyhow::anyhow!("the reader thread panicked"))
    })?;
    summary.skipped_records = skipped_records;
    pb.finish_and_clear();
    summary.articles_total = engine.article_count()?;
    summary.stories_total = engine.story_count();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}
