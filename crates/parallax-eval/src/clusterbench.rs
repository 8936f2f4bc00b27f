//! `parallax-eval cluster-bench`: the online clusterer alone, on one
//! thread, with a large number of open stories.
//!
//! The load comes from the seeded stream generator (`synth`): a stream of
//! `--open-stories` articles of another seed, each founding a story of its
//! own (expiry is off, so every one stays a candidate: the posting lists
//! of the words the timed articles use are full), then `--articles` of the
//! stream of `--seed`, clustered one by one and timed. Analysis (turning
//! articles into clustering documents) runs before, across cores, and is
//! not timed. Memory is the growth of the process's resident set while the
//! open stories are loaded, per story (the articles stay allocated until
//! then, so the loaded stories do not reuse their memory).

use anyhow::{Context, Result};
use clap::Args;
use parallax_core::Article;
use parallax_engine::parallax_analyse::analyse;
use parallax_engine::parallax_cluster::{Clusterer, Config, Doc};
use parallax_engine::parallax_text::Stemmer;
use parallax_engine::{doc_of, ClusterConfig};
use parallax_eval::synth::{generate, SynthConfig};
use serde::Serialize;
use std::time::Instant;

#[derive(Args)]
pub struct ClusterBenchArgs {
    /// Open stories when the timed articles arrive.
    #[arg(long, default_value_t = 100_000)]
    pub open_stories: usize,
    /// Articles clustered and timed after that.
    #[arg(long, default_value_t = 20_000)]
    pub articles: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Fail (exit 1) below this many articles/s.
    #[arg(long)]
    pub min_speed: Option<f64>,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Report {
    open_stories: usize,
    articles: usize,
    seed: u64,
    /// Seconds to generate and analyse the stream (not timed below).
    prepare_seconds: f64,
    /// Seconds to load the open stories.
    load_seconds: f64,
    /// Seconds to cluster the timed articles, one thread.
    seconds: f64,
    articles_per_second: f64,
    /// Stories founded by the timed articles.
    new_stories: usize,
    /// Stories merged by the timed articles.
    merged_stories: usize,
    /// Growth of the resident set while loading the open stories (Linux).
    rss_growth_bytes: Option<u64>,
    /// That growth per open story.
    bytes_per_open_story: Option<f64>,
}

/// The resident set size of this process (`VmRSS`), on Linux.
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Generates the stream and turns it into clustering documents, across
/// the machine's cores.
fn documents(n: usize, seed: u64) -> Result<(Vec<Article>, Vec<Doc>)> {
    let mut buf = Vec::new();
    generate(SynthConfig { articles: n, seed }, &mut buf).context("cannot generate the stream")?;
    let text = String::from_utf8(buf).context("the generator wrote invalid UTF-8")?;
    let articles: Vec<Article> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| parallax_ingest::jsonl::parse_line(l).map(|d| d.build()))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| anyhow::anyhow!("the generated stream does not parse: {e}"))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = articles.len().div_ceil(threads).max(1);
    let docs = std::thread::scope(|scope| {
        let handles: Vec<_> = articles
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let stemmer = Stemmer::default();
                    part.iter()
                        .map(|a| doc_of(a, &analyse(a, &stemmer)))
                        .collect::<Vec<Doc>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("an analysis thread panicked"))
            .collect::<Vec<_>>()
    });
    Ok((articles, docs.into_iter().flatten().collect()))
}

pub fn run(args: ClusterBenchArgs) -> Result<u8> {
    let clock = Instant::now();
    let (load_articles, load) = documents(args.open_stories, args.seed.wrapping_add(1_000_003))?;
    let (timed_articles, timed) = documents(args.articles, args.seed)?;
    let prepare_seconds = clock.elapsed().as_secs_f64();
    // Expiry off: every loaded story stays a candidate.
    let config: Config = ClusterConfig {
        expire_after: None,
        ..Default::default()
    };
    let mut clusterer = Clusterer::new(config);
    let before = rss_bytes();
    let clock = Instant::now();
    for doc in &load {
        let next = clusterer.stories();
        clusterer.replay(doc, next);
    }
    let load_seconds = clock.elapsed().as_secs_f64();
    let after = rss_bytes();
    drop((load_articles, timed_articles));
    let stories_before = clusterer.stories();
    let merged_before = clusterer.merged_stories();
    let clock = Instant::now();
    for doc in &timed {
        std::hint::black_box(clusterer.add(doc));
    }
    let seconds = clock.elapsed().as_secs_f64();
    let growth = match (before, after) {
        (Some(b), Some(a)) => Some(a.saturating_sub(b)),
        _ => None,
    };
    let report = Report {
        open_stories: load.len(),
        articles: timed.len(),
        seed: args.seed,
        prepare_seconds,
        load_seconds,
        seconds,
        articles_per_second: timed.len() as f64 / seconds.max(1e-9),
        new_stories: clusterer.stories() - stories_before,
        merged_stories: clusterer.merged_stories() - merged_before,
        rss_growth_bytes: growth,
        bytes_per_open_story: growth.map(|g| g as f64 / load.len().max(1) as f64),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "cluster-bench: {} open stories, {} articles clustered on one thread in {:.2} s: {:.0} articles/s ({} new stories, {} merges)",
            report.open_stories,
            report.articles,
            report.seconds,
            report.articles_per_second,
            report.new_stories,
            report.merged_stories
        );
        if let (Some(g), Some(per)) = (report.rss_growth_bytes, report.bytes_per_open_story) {
            println!(
                "  memory: {:.0} MB for the open stories ({per:.0} bytes each; loaded in {:.2} s); stream generated and analysed in {:.2} s",
                g as f64 / 1e6,
                report.load_seconds,
                report.prepare_seconds
            );
        }
    }
    if let Some(min) = args.min_speed {
        if report.articles_per_second < min {
            eprintln!(
                "parallax-eval: {:.0} articles/s is below the minimum {min}",
                report.articles_per_second
            );
            return Ok(1);
        }
    }
    Ok(0)
}
