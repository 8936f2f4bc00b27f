//! `parallax-eval dedup`: copy detection on pairs generated from a JSONL
//! corpus by realistic, seeded edits.
//!
//! Every article with enough text is ingested once as an original. Then, for
//! a seeded share of them, a copy is made by one of: boilerplate added (a
//! syndication notice and a newsletter line), a paragraph (line) dropped, a
//! few words changed, or all three; the copy gets a new id and outlet. The
//! engine must link each copy to its original (`duplicate_of`) and must link
//! no original to anything. Reported: precision and recall of copy links,
//! false positives among non-copies, articles/s.

use anyhow::{Context, Result};
use clap::Args;
use parallax_core::Article;
use parallax_engine::{ClusterConfig, Engine};
use parallax_ingest::{ArticleDraft, Format, Input, ReadOptions, Reader};
use rustc_hash::FxHashMap;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args)]
pub struct DedupArgs {
    /// JSONL file, one article per line (`title`, `text`).
    pub file: PathBuf,
    /// Seed of the edits.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Share of the originals that get a copy.
    #[arg(long, default_value_t = 0.5)]
    pub copies: f64,
    /// Fewest body lines for an article to be used.
    #[arg(long, default_value_t = 3)]
    pub min_lines: usize,
    /// Fail (exit 1) when the F1 of copy links is below this.
    #[arg(long)]
    pub min_f1: Option<f64>,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const BOILERPLATE: &[&str] = &[
    "This article was originally published by a partner agency and is republished here with permission.",
    "Sign up for our morning newsletter to get the top stories delivered to your inbox.",
    "Copyright 2013. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
];

const SWAPS: &[&str] = &["reportedly", "officials", "local", "major", "said", "new"];

fn edit(text: &str, kind: usize, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let (boiler, drop, words) = match kind {
        0 => (true, false, false),
        1 => (false, true, false),
        2 => (false, false, true),
        _ => (true, true, true),
    };
    if drop && lines.len() > 2 {
        let i = 1 + rng.below(lines.len() - 1);
        lines.remove(i);
    }
    if words {
        for _ in 0..3 {
            let i = rng.below(lines.len());
            let mut ws: Vec<String> = lines[i].split(' ').map(str::to_string).collect();
            let j = rng.below(ws.len());
            ws[j] = SWAPS[rng.below(SWAPS.len())].to_string();
            lines[i] = ws.join(" ");
        }
    }
    if boiler {
        lines.insert(0, BOILERPLATE[rng.below(BOILERPLATE.len())].to_string());
        lines.push(BOILERPLATE[1 + rng.below(BOILERPLATE.len() - 1)].to_string());
    }
    lines.join("\n")
}

pub fn run(args: DedupArgs) -> Result<u8> {
    let opts = ReadOptions {
        format: Format::Jsonl,
        ..Default::default()
    };
    let mut originals: Vec<Article> = Vec::new();
    for a in Reader::new(&[Input::Path(args.file.clone())], opts).flatten() {
        if a.text.lines().filter(|l| !l.trim().is_empty()).count() >= args.min_lines {
            originals.push(a);
        }
    }
    anyhow::ensure!(!originals.is_empty(), "no article with enough text");
    let mut rng = Rng(args.seed);
    let mut copies: Vec<(Article, usize, usize)> = Vec::new();
    for (i, a) in originals.iter().enumerate() {
        if rng.unit() < args.copies {
            let kind = rng.below(4);
            let copy = ArticleDraft {
                title: a.title.clone(),
                text: edit(&a.text, kind, &mut rng),
                outlet: Some("Copy Wire".into()),
                external_id: Some(format!("copy-{i}")),
                ..Default::default()
            }
            .build();
            copies.push((copy, i, kind));
        }
    }
    // Copies arrive after every original, in a seeded order.
    for i in (1..copies.len()).rev() {
        let j = rng.below(i + 1);
        copies.swap(i, j);
    }
    let started = Instant::now();
    let dir = tempfile::tempdir().context("cannot create a temporary data dir")?;
    let mut engine = Engine::open(dir.path(), ClusterConfig::default())?;
    let mut links: FxHashMap<String, String> = FxHashMap::default();
    for chunk in originals.chunks(500) {
        for (c, o, _) in engine.ingest_batch(chunk.to_vec())?.copies {
            links.insert(c.to_string(), o.to_string());
        }
    }
    let all: Vec<Article> = copies.iter().map(|c| c.0.clone()).collect();
    for chunk in all.chunks(500) {
        for (c, o, _) in engine.ingest_batch(chunk.to_vec())?.copies {
            links.insert(c.to_string(), o.to_string());
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let total = originals.len() + copies.len();
    // Scoring.
    let original_links = originals
        .iter()
        .filter(|a| links.contains_key(a.id.as_str()))
        .count();
    let mut correct = 0;
    let mut by_kind = [(0usize, 0usize); 4];
    for (c, o, kind) in &copies {
        let ok = links.get(c.id.as_str()) == Some(&originals[*o].id.to_string());
        correct += ok as usize;
        by_kind[*kind].0 += ok as usize;
        by_kind[*kind].1 += 1;
    }
    let predicted = links.len();
    let precision = if predicted > 0 {
        correct as f64 / predicted as f64
    } else {
        1.0
    };
    let recall = correct as f64 / copies.len().max(1) as f64;
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    println!(
        "dedup {} (seed {}): {} originals, {} copies, {} copy links",
        args.file.display(),
        args.seed,
        originals.len(),
        copies.len(),
        predicted
    );
    println!("  copy links  P {precision:.4}  R {recall:.4}  F1 {f1:.4}");
    println!(
        "  false positives among non-copies: {} of {} ({:.4})",
        original_links,
        originals.len(),
        original_links as f64 / originals.len() as f64
    );
    for (name, (ok, n)) in [
        "boilerplate",
        "paragraph dropped",
        "words changed",
        "all three",
    ]
    .iter()
    .zip(by_kind)
    {
        println!("  recall, {name}: {ok}/{n}");
    }
    println!(
        "  {:.0} articles/s ({} articles, {:.3} s end to end)",
        total as f64 / seconds.max(1e-9),
        total,
        seconds
    );
    if let Some(min) = args.min_f1 {
        if f1 < min {
            eprintln!("parallax-eval: GATE FAILED: copy-link F1 {f1:.4} < {min}");
            return Ok(1);
        }
    }
    Ok(0)
}
