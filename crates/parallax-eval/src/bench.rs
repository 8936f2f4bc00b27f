//! `parallax-eval bench`: an end-to-end load benchmark on a generated
//! stream (see [`parallax_eval::synth`]).
//!
//! Generates N articles as JSONL (seeded), runs the release `parallax
//! ingest --json` on them in a fresh data dir, and reports articles/s per
//! stage (read, analyse, cluster, store, index; facts and summaries are
//! computed when a story is shown, not at ingest), peak RSS, store size,
//! the time to reopen the store, and the clustering's B-cubed F1 against
//! the generator's events. `--baseline` runs the plain Python pipeline in
//! `bench/baseline.py` (scikit-learn TF-IDF and greedy online cosine
//! clustering) on the same stream and scores it the same way.

use anyhow::{bail, Context, Result};
use clap::Args;
use parallax_core::ArticleId;
use parallax_engine::{ClusterConfig, Engine};
use parallax_eval::clustering::{bcubed, Prf};
use parallax_eval::synth::{generate, SynthConfig};
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::Value;
use std::io::{BufRead, BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(Args)]
pub struct BenchArgs {
    /// Articles to generate and ingest.
    #[arg(long, default_value_t = 10_000)]
    pub articles: usize,
    /// Working directory: the stream (`stream-N-SEED.jsonl`, reused when
    /// present) and the data dir (`store-N`, recreated). A temporary
    /// directory, removed at the end, when not given.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The `parallax` binary (default: next to this one).
    #[arg(long)]
    pub parallax: Option<PathBuf>,
    /// Extra arguments for `parallax ingest` (e.g. `--batch-size 2000`).
    #[arg(long, allow_hyphen_values = true)]
    pub ingest_args: Vec<String>,
    /// Only write the stream (to `--out`, or into the data dir) and stop.
    #[arg(long)]
    pub generate_only: bool,
    /// Write the generated stream here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also run the Python baseline (`bench/baseline.py`; installs
    /// scikit-learn with pip when it is missing).
    #[arg(long)]
    pub baseline: bool,
    /// Cosine threshold of the baseline (tuned on seed 2, 10,000 articles).
    #[arg(long, default_value_t = 0.5)]
    pub baseline_threshold: f64,
    /// Fail (exit 1) below this many articles/s end to end.
    #[arg(long)]
    pub min_speed: Option<f64>,
    /// Fail (exit 1) below this B-cubed F1.
    #[arg(long)]
    pub min_bcubed_f1: Option<f64>,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Stage {
    seconds: f64,
    articles_per_second: f64,
}

#[derive(Serialize)]
struct Report {
    articles: usize,
    seed: u64,
    gold_events: usize,
    generate_seconds: f64,
    stream_bytes: u64,
    added: usize,
    /// New versions of stored articles (the generator's updates at a
    /// known URL).
    updated: usize,
    unchanged: usize,
    failed: usize,
    stories: usize,
    seconds: f64,
    articles_per_second: f64,
    stages: Vec<(String, Stage)>,
    peak_rss_bytes: Option<u64>,
    store_bytes: u64,
    reopen_seconds: f64,
    bcubed: Prf,
    baseline: Option<BaselineReport>,
}

#[derive(Serialize)]
struct BaselineReport {
    threshold: f64,
    seconds: f64,
    articles_per_second: f64,
    peak_rss_bytes: Option<u64>,
    stories: usize,
    bcubed: Prf,
    /// Parallax's end-to-end throughput over the baseline's.
    speedup: f64,
}

fn dir_size(p: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(p) else {
        return 0;
    };
    rd.flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn sibling_binary(name: &str) -> Result<PathBuf> {
    let me = std::env::current_exe().context("cannot find this program's path")?;
    let p = me.with_file_name(name);
    if !p.exists() {
        bail!(
            "{} not found: build it (`cargo build --release -p parallax-cli`) or pass --parallax",
            p.display()
        );
    }
    Ok(p)
}

/// Gold event per article id, read from the stream.
fn gold_of(stream: &Path) -> Result<FxHashMap<ArticleId, String>> {
    let f = std::fs::File::open(stream).with_context(|| format!("{}", stream.display()))?;
    let mut gold = FxHashMap::default();
    for line in BufReader::new(f).lines() {
        let line = line?;
        let v: Value = serde_json::from_str(&line)?;
        if let (Some(url), Some(ev)) = (v["url"].as_str(), v["event"].as_str()) {
            gold.insert(ArticleId::from_url(url), ev.to_string());
        }
    }
    Ok(gold)
}

fn peak_rss_of(usage_file: &Path) -> Option<u64> {
    // GNU time's `%M`: maximum resident set size in KB.
    let s = std::fs::read_to_string(usage_file).ok()?;
    s.lines()
        .rev()
        .find_map(|l| l.trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
}

fn run_baseline(stream: &Path, threshold: f64, dir: &Path) -> Result<(f64, Option<u64>, PathBuf)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/baseline.py");
    let have = Command::new("python3")
        .args(["-c", "import sklearn, numpy, scipy"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !have {
        eprintln!("installing scikit-learn for the baseline (pip) ...");
        let ok = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--user",
                "--break-system-packages",
                "scikit-learn",
            ])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            bail!("cannot install scikit-learn with pip for the baseline");
        }
    }
    let out = dir.join("baseline-assignments.tsv");
    let usage = dir.join("baseline-usage.txt");
    let started = Instant::now();
    let status = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&usage)
        .arg("python3")
        .arg(&script)
        .arg(stream)
        .arg("--threshold")
        .arg(threshold.to_string())
        .arg("--out")
        .arg(&out)
        .status()
        .context("cannot run the baseline (is /usr/bin/time installed?)")?;
    if !status.success() {
        bail!("the baseline failed ({status})");
    }
    Ok((started.elapsed().as_secs_f64(), peak_rss_of(&usage), out))
}

pub fn run(args: BenchArgs) -> Result<u8> {
    // A temporary dir is removed when this drops, at the end.
    let _temp;
    let dir = match &args.data_dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        None => {
            let t = tempfile::tempdir()?;
            let p = t.path().to_path_buf();
            _temp = t;
            p
        }
    };
    let stream = args
        .out
        .clone()
        .unwrap_or_else(|| dir.join(format!("stream-{}-{}.jsonl", args.articles, args.seed)));
    let clock = Instant::now();
    let mut gold_events = None;
    if !stream.exists() || args.out.is_some() {
        let tmp = stream.with_extension("partial");
        let f = std::fs::File::create(&tmp).with_context(|| format!("{}", tmp.display()))?;
        let mut w = BufWriter::with_capacity(1 << 20, f);
        let (_, events) = generate(
            SynthConfig {
                articles: args.articles,
                seed: args.seed,
            },
            &mut w,
        )?;
        std::io::Write::flush(&mut w)?;
        drop(w);
        std::fs::rename(&tmp, &stream)?;
        gold_events = Some(events);
    }
    let generate_seconds = clock.elapsed().as_secs_f64();
    let stream_bytes = std::fs::metadata(&stream)?.len();
    if !args.json {
        eprintln!(
            "stream: {} ({} articles, {:.1} MB, {:.1} s)",
            stream.display(),
            args.articles,
            stream_bytes as f64 / 1e6,
            generate_seconds
        );
    }
    if args.generate_only {
        return Ok(0);
    }

    let parallax = match &args.parallax {
        Some(p) => p.clone(),
        None => sibling_binary("parallax")?,
    };
    let store = dir.join(format!("store-{}", args.articles));
    if store.exists() {
        std::fs::remove_dir_all(&store)?;
    }
    let started = Instant::now();
    let out = Command::new(&parallax)
        .arg("--data-dir")
        .arg(&store)
        .arg("ingest")
        .arg("--json")
        .arg("--quiet")
        .args(&args.ingest_args)
        .arg(&stream)
        .output()
        .with_context(|| format!("cannot run {}", parallax.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!(
            "parallax ingest failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let summary: Value = serde_json::from_slice(&out.stdout)
        .context("parallax ingest --json printed no JSON summary")?;
    let n = |k: &str| summary[k].as_u64().unwrap_or(0) as usize;
    let added = n("added");
    let per = |s: f64| if s > 0.0 { added as f64 / s } else { 0.0 };
    let stage_names = ["read", "analyse", "cluster", "store", "index"];
    let stages: Vec<(String, Stage)> = stage_names
        .iter()
        .map(|k| {
            let s = summary["stages"][k].as_f64().unwrap_or(0.0);
            (
                k.to_string(),
                Stage {
                    seconds: s,
                    articles_per_second: per(s),
                },
            )
        })
        .collect();

    // Reopen (what `parallax serve` does first) and score the stories.
    let clock = Instant::now();
    let engine = Engine::open(&store, ClusterConfig::default())?;
    let reopen_seconds = clock.elapsed().as_secs_f64();
    let assignments = engine.assignments()?;
    drop(engine);
    let gold = gold_of(&stream)?;
    let gold_events = gold_events.unwrap_or_else(|| {
        gold.values()
            .collect::<std::collections::HashSet<_>>()
            .len()
    });
    let pairs: Vec<(String, String)> = assignments
        .iter()
        .filter_map(|(id, s)| gold.get(id).map(|g| (s.to_string(), g.clone())))
        .collect();
    let score = bcubed(&pairs);

    let baseline = if args.baseline {
        let (bs, rss, file) = run_baseline(&stream, args.baseline_threshold, &dir)?;
        let text = std::fs::read_to_string(&file)?;
        let mut bpairs = Vec::new();
        let mut stories = std::collections::HashSet::new();
        for line in text.lines() {
            let mut it = line.split('\t');
            if let (Some(url), Some(cluster)) = (it.next(), it.next()) {
                if let Some(g) = gold.get(&ArticleId::from_url(url)) {
                    stories.insert(cluster.to_string());
                    bpairs.push((cluster.to_string(), g.clone()));
                }
            }
        }
        let rate = bpairs.len() as f64 / bs;
        Some(BaselineReport {
            threshold: args.baseline_threshold,
            seconds: bs,
            articles_per_second: rate,
            peak_rss_bytes: rss,
            stories: stories.len(),
            bcubed: bcubed(&bpairs),
            speedup: (added as f64 / seconds) / rate,
        })
    } else {
        None
    };

    let report = Report {
        articles: args.articles,
        seed: args.seed,
        gold_events,
        generate_seconds,
        stream_bytes,
        added,
        updated: n("updated"),
        unchanged: n("unchanged"),
        failed: n("failed"),
        stories: n("stories_total"),
        seconds,
        articles_per_second: per(seconds),
        stages,
        peak_rss_bytes: summary["peak_rss_bytes"].as_u64(),
        store_bytes: dir_size(&store),
        reopen_seconds,
        bcubed: score,
        baseline,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    let mut failed = false;
    if let Some(min) = args.min_speed {
        if report.articles_per_second < min {
            eprintln!(
                "GATE FAILED: {:.0} articles/s is below {min}",
                report.articles_per_second
            );
            failed = true;
        }
    }
    if let Some(min) = args.min_bcubed_f1 {
        if report.bcubed.f1 < min {
            eprintln!(
                "GATE FAILED: B-cubed F1 {:.4} is below {min}",
                report.bcubed.f1
            );
            failed = true;
        }
    }
    Ok(u8::from(failed))
}

fn mb(b: u64) -> String {
    format!("{:.0} MB", b as f64 / 1e6)
}

fn print_report(r: &Report) {
    println!(
        "{} articles ({} gold events, seed {}): {} added, {} updated (new versions at a known URL), {} unchanged, {} failed, {} stories",
        r.articles, r.gold_events, r.seed, r.added, r.updated, r.unchanged, r.failed, r.stories
    );
    println!("| stage | seconds | articles/s |");
    println!("|---|---|---|");
    for (name, s) in &r.stages {
        println!(
            "| {name} | {:.2} | {:.0} |",
            s.seconds, s.articles_per_second
        );
    }
    println!(
        "| **end to end** (`parallax ingest`) | {:.2} | {:.0} |",
        r.seconds, r.articles_per_second
    );
    println!(
        "peak RSS {}, store {} (stream {}), reopen {:.2} s; B-cubed P {:.4} R {:.4} F1 {:.4}",
        r.peak_rss_bytes.map(mb).unwrap_or_else(|| "?".into()),
        mb(r.store_bytes),
        mb(r.stream_bytes),
        r.reopen_seconds,
        r.bcubed.precision,
        r.bcubed.recall,
        r.bcubed.f1
    );
    if let Some(b) = &r.baseline {
        println!(
            "baseline (Python, scikit-learn TF-IDF + greedy online cosine, threshold {}): {:.1} s, {:.0} articles/s, peak RSS {}, {} stories, B-cubed P {:.4} R {:.4} F1 {:.4}; Parallax is {:.1}x faster",
            b.threshold,
            b.seconds,
            b.articles_per_second,
            b.peak_rss_bytes.map(mb).unwrap_or_else(|| "?".into()),
            b.stories,
            b.bcubed.precision,
            b.bcubed.recall,
            b.bcubed.f1,
            b.speedup
        );
    }
}
