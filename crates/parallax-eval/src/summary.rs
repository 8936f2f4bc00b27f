//! `parallax-eval summary`: multi-source summaries on the NeuS layout
//! (`id`, `articles[]` with `title` and `text`, `summary` with `title` and
//! `text`). ROUGE-1/2/L F1 (stemmed, as the `rouge-score` package computes
//! them: `parallax_eval::rouge`) of our summary against the editor's, beside
//! the lead, centroid and LexRank baselines computed here on the same
//! sentences; the share of sentences cited; the one-sided loaded-word rate
//! (loaded words of `parallax-summary/src/loaded.txt` that only one of the
//! story's outlets uses, per 100 summary words); headline ROUGE against the
//! editor's title; and the time of the summary step.
//!
//! `--fit` learns the word-importance weights and the length model from the
//! file (use `train.jsonl`; `val.jsonl` is held out) and prints or writes
//! `model.rs`.
//!
//! Reproduce: `parallax-eval summary ../shared/data/neus/train.jsonl --fit
//! --write-model crates/parallax-summary/src/model.rs` (then `cargo fmt`), then
//! `parallax-eval summary ../shared/data/neus/val.jsonl`.

use anyhow::{Context, Result};
use clap::Args;
use parallax_core::Article;
use parallax_eval::rouge::{self, Rouge};
use parallax_summary::background::Background;
use parallax_summary::importance::{self, Features, StoryWords};
use parallax_summary::{loaded, Length, Params};
use parallax_text::Stemmer;
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use crate::roundups::{articles, read, Roundup, Use};

#[derive(Args)]
pub struct SummaryArgs {
    /// NeuS-layout JSONL file.
    pub file: PathBuf,
    /// Write predictions here: `{"id", "headline", "summary": [{"text", "citations"}]}` per story.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Summary length in words (default: automatic, about 60).
    #[arg(long)]
    pub words: Option<usize>,
    /// Word budget of the baselines.
    #[arg(long, default_value_t = 60)]
    pub baseline_words: usize,
    /// Only the first N stories.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Learn the word-importance weights and length model on this file.
    #[arg(long)]
    pub fit: bool,
    /// With `--fit`: write the generated `model.rs` here.
    #[arg(long)]
    pub write_model: Option<PathBuf>,
    /// Fail (exit 1) when our ROUGE-1 F1 (×100) is below this.
    #[arg(long)]
    pub min_rouge1: Option<f64>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Selection constants `repeat,loaded,support,length_scale,dangling,actor,beam` (for
    /// tuning on train; default: the built-in ones).
    #[arg(long, hide = true, value_delimiter = ',')]
    pub params: Option<Vec<f32>>,
    /// With `--fit`: also write each word's features and label as TSV (for
    /// studying the model).
    #[arg(long, hide = true)]
    pub dump_words: Option<PathBuf>,
}

fn gold(s: &Roundup) -> Option<&str> {
    s.summary
        .as_ref()
        .and_then(|p| p.text.as_deref())
        .filter(|t| !t.trim().is_empty())
}

pub fn run(args: SummaryArgs) -> Result<u8> {
    let (stories, _skipped) = read(&args.file, args.limit)?;
    if args.fit {
        return fit(&stories, &args);
    }
    let stemmer = Stemmer::default();
    let length = args.words.map_or(Length::Auto, Length::Words);
    let mut params = Params::default();
    if let Some(p) = &args.params {
        let get = |i: usize, d: f32| p.get(i).copied().unwrap_or(d);
        params = Params {
            repeat: get(0, params.repeat),
            loaded: get(1, params.loaded),
            support: get(2, params.support),
            length_scale: get(3, params.length_scale),
            dangling: get(4, params.dangling),
            actor: get(5, params.actor),
            beam: get(6, params.beam as f32) as usize,
        };
    }
    let mut out = match &args.out {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => None,
    };
    let systems = ["parallax", "lead", "centroid", "lexrank"];
    let mut totals: Vec<Totals> = systems.iter().map(|_| Totals::default()).collect();
    let mut headline = Totals::default();
    let mut first_title = Totals::default();
    let (mut sentences, mut cited, mut ms_summary, mut ms_total) = (0usize, 0usize, 0f64, 0f64);
    let mut worst_ms = 0f64;
    let mut scored = 0usize;
    let t_all = Instant::now();
    for s in &stories {
        let arts = articles(s, Use::Summary);
        if arts.is_empty() {
            continue;
        }
        let t0 = Instant::now();
        let view = parallax_engine::compare_articles(&arts);
        let t1 = Instant::now();
        let summary =
            parallax_summary::summarise_with(&arts, &view.report, length, &stemmer, &params);
        let head = parallax_summary::neutral_headline(&arts, &view.report, &stemmer);
        let _timeline = parallax_summary::timeline::timeline(&arts, &view.report);
        let dt = t1.elapsed().as_secs_f64() * 1000.0;
        ms_summary += dt;
        worst_ms = worst_ms.max(dt);
        ms_total += t0.elapsed().as_secs_f64() * 1000.0;
        sentences += summary.sentences.len();
        cited += summary
            .sentences
            .iter()
            .filter(|x| !x.citations.is_empty())
            .count();
        if let Some(w) = out.as_mut() {
            let line = json!({
                "id": s.id,
                "headline": head.as_ref().map(|h| h.text.clone()),
                "summary": summary.sentences.iter().map(|x| json!({
                    "text": x.text,
                    "citations": x.citations,
                })).collect::<Vec<_>>(),
            });
            writeln!(w, "{line}")?;
        }
        let Some(reference) = gold(s) else { continue };
        scored += 1;
        let refs: Vec<&Article> = arts.iter().collect();
        let outlets: Vec<String> = arts
            .iter()
            .map(|a| a.outlet.clone().unwrap_or_default())
            .collect();
        let outlet_refs: Vec<&str> = outlets.iter().map(String::as_str).collect();
        let sents = sentence_table(&arts);
        let preds = [
            summary.plain(),
            lead(&sents),
            budget(&centroid(&sents, &stemmer), args.baseline_words),
            budget(&lexrank(&sents, &stemmer), args.baseline_words),
        ];
        for (t, p) in totals.iter_mut().zip(&preds) {
            t.add(&rouge::score(reference, p), p, &refs, &outlet_refs);
        }
        if let Some(title) = s.summary.as_ref().and_then(|p| p.title.as_deref()) {
            if let Some(h) = &head {
                headline.add(&rouge::score(title, &h.text), &h.text, &refs, &outlet_refs);
            }
            let first = arts[0].title.clone().unwrap_or_default();
            first_title.add(&rouge::score(title, &first), &first, &refs, &outlet_refs);
        }
    }
    if let Some(mut w) = out {
        w.flush()?;
    }
    let n = stories.len().max(1) as f64;
    let secs = t_all.elapsed().as_secs_f64();
    let cited_share = if sentences > 0 {
        cited as f64 / sentences as f64
    } else {
        1.0
    };
    let report = json!({
        "file": args.file.display().to_string(),
        "stories": stories.len(),
        "scored": scored,
        "systems": systems.iter().zip(&totals).map(|(name, t)| json!({
            "system": name, "rouge1": t.r1(), "rouge2": t.r2(), "rougeL": t.rl(),
            "words": t.words(), "one_sided_loaded_per_100_words": t.one_sided(),
            "loaded_per_100_words": t.loaded_rate(),
        })).collect::<Vec<_>>(),
        "headline": {"rouge1": headline.r1(), "rouge2": headline.r2(), "rougeL": headline.rl(),
            "one_sided_loaded_per_100_words": headline.one_sided(),
            "first_title_rouge1": first_title.r1(), "first_title_rouge2": first_title.r2(),
            "first_title_rougeL": first_title.rl(),
            "first_title_one_sided_loaded_per_100_words": first_title.one_sided()},
        "sentences": sentences,
        "cited_share": cited_share,
        "summary_ms_mean": ms_summary / n,
        "summary_ms_max": worst_ms,
        "story_ms_mean": ms_total / n,
        "stories_per_second": stories.len() as f64 / secs,
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "summary: {} stories ({} with a gold summary), {:.1} stories/s; summary step {:.2} ms mean, {:.2} ms max",
            stories.len(),
            scored,
            stories.len() as f64 / secs,
            ms_summary / n,
            worst_ms
        );
        if scored > 0 {
            println!(
                "  {:<10} {:>7} {:>7} {:>7} {:>7} {:>14} {:>8}",
                "system", "R-1", "R-2", "R-L", "words", "one-sided/100w", "loaded/100w"
            );
            for (name, t) in systems.iter().zip(&totals) {
                println!(
                    "  {:<10} {:>7.2} {:>7.2} {:>7.2} {:>7.1} {:>14.3} {:>8.3}",
                    name,
                    t.r1(),
                    t.r2(),
                    t.rl(),
                    t.words(),
                    t.one_sided(),
                    t.loaded_rate()
                );
            }
            println!(
                "  headline   R-1 {:.2} R-2 {:.2} R-L {:.2} one-sided/100w {:.3} (first title: R-1 {:.2} R-2 {:.2} R-L {:.2}, one-sided/100w {:.3})",
                headline.r1(), headline.r2(), headline.rl(), headline.one_sided(),
                first_title.r1(), first_title.r2(), first_title.rl(), first_title.one_sided()
            );
        }
        println!(
            "  sentences cited: {cited}/{sentences} ({:.1}%)",
            100.0 * cited_share
        );
    }
    if let Some(min) = args.min_rouge1 {
        if scored == 0 {
            eprintln!("parallax-eval: no gold summaries: --min-rouge1 not checked");
        } else if totals[0].r1() < min || cited < sentences {
            eprintln!(
                "parallax-eval: ROUGE-1 {:.2} below {min} or uncited sentences ({cited}/{sentences})",
                totals[0].r1()
            );
            return Ok(1);
        }
    }
    Ok(0)
}

/// Sums of scores over stories.
#[derive(Default)]
struct Totals {
    n: usize,
    r: [f64; 3],
    words: usize,
    loaded: usize,
    one_sided: usize,
}

impl Totals {
    fn add(&mut self, r: &Rouge, text: &str, articles: &[&Article], outlets: &[&str]) {
        self.n += 1;
        self.r[0] += r.r1.f1;
        self.r[1] += r.r2.f1;
        self.r[2] += r.rl.f1;
        let o = loaded::one_sided_rate(text, articles, outlets);
        self.words += o.words;
        self.loaded += o.loaded;
        self.one_sided += o.one_sided;
    }
    fn mean(&self, i: usize) -> f64 {
        100.0 * self.r[i] / self.n.max(1) as f64
    }
    fn r1(&self) -> f64 {
        self.mean(0)
    }
    fn r2(&self) -> f64 {
        self.mean(1)
    }
    fn rl(&self) -> f64 {
        self.mean(2)
    }
    fn words(&self) -> f64 {
        self.words as f64 / self.n.max(1) as f64
    }
    fn one_sided(&self) -> f64 {
        100.0 * self.one_sided as f64 / self.words.max(1) as f64
    }
    fn loaded_rate(&self) -> f64 {
        100.0 * self.loaded as f64 / self.words.max(1) as f64
    }
}

/// (article, sentence index, text) of every sentence.
fn sentence_table(arts: &[Article]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for (i, a) in arts.iter().enumerate() {
        for (j, s) in a.sentence_texts().enumerate() {
            out.push((i, j, s.trim().to_string()));
        }
    }
    out
}

/// Lead baseline: the first sentence of each article.
fn lead(sents: &[(usize, usize, String)]) -> String {
    sents
        .iter()
        .filter(|s| s.1 == 0)
        .map(|s| s.2.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sentences in rank order until the budget is reached.
fn budget(ranked: &[&str], words: usize) -> String {
    let mut out = Vec::new();
    let mut n = 0;
    for s in ranked {
        if n >= words {
            break;
        }
        n += s.split_whitespace().count();
        out.push(*s);
    }
    out.join(" ")
}

type Vector = FxHashMap<String, f64>;

/// TF-IDF vectors of the sentences (IDF over the story's sentences).
fn vectors(sents: &[(usize, usize, String)], stemmer: &Stemmer) -> Vec<Vector> {
    let bags: Vec<Vec<String>> = sents
        .iter()
        .map(|s| {
            importance::stems(&s.2, stemmer)
                .into_iter()
                .map(|(w, _)| w)
                .filter(|w| !parallax_text::stopwords::is_stopword(w))
                .collect()
        })
        .collect();
    let mut df: FxHashMap<&str, usize> = FxHashMap::default();
    for b in &bags {
        let set: FxHashSet<&str> = b.iter().map(String::as_str).collect();
        for w in set {
            *df.entry(w).or_default() += 1;
        }
    }
    let n = bags.len() as f64;
    bags.iter()
        .map(|b| {
            let mut v = Vector::default();
            for w in b {
                let idf = ((n + 1.0) / (df[w.as_str()] as f64 + 0.5)).ln();
                *v.entry(w.clone()).or_default() += idf;
            }
            v
        })
        .collect()
}

fn cosine(a: &Vector, b: &Vector) -> f64 {
    let dot: f64 = a
        .iter()
        .map(|(k, v)| v * b.get(k).copied().unwrap_or(0.0))
        .sum();
    let na: f64 = a.values().map(|v| v * v).sum::<f64>().sqrt();
    let nb: f64 = b.values().map(|v| v * v).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// Centroid baseline (Radev et al.): sentences by cosine to the TF-IDF
/// centroid of the story.
fn centroid<'a>(sents: &'a [(usize, usize, String)], stemmer: &Stemmer) -> Vec<&'a str> {
    let v = vectors(sents, stemmer);
    let mut c = Vector::default();
    for x in &v {
        for (k, w) in x {
            *c.entry(k.clone()).or_default() += w;
        }
    }
    let mut order: Vec<(usize, f64)> = v.iter().map(|x| cosine(x, &c)).enumerate().collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    order
        .into_iter()
        .map(|(i, _)| sents[i].2.as_str())
        .collect()
}

/// LexRank baseline (Erkan and Radev): PageRank over the graph of
/// sentences whose TF-IDF cosine is at least 0.1, damping 0.85.
fn lexrank<'a>(sents: &'a [(usize, usize, String)], stemmer: &Stemmer) -> Vec<&'a str> {
    let v = vectors(sents, stemmer);
    let n = v.len();
    if n == 0 {
        return Vec::new();
    }
    let mut adj = vec![vec![0f64; n]; n];
    for i in 0..n {
        for j in 0..n {
            if i != j && cosine(&v[i], &v[j]) >= 0.1 {
                adj[i][j] = 1.0;
            }
        }
    }
    let deg: Vec<f64> = adj.iter().map(|r| r.iter().sum()).collect();
    let mut p = vec![1.0 / n as f64; n];
    for _ in 0..100 {
        let mut q = vec![0.15 / n as f64; n];
        for i in 0..n {
            if deg[i] == 0.0 {
                for x in q.iter_mut() {
                    *x += 0.85 * p[i] / n as f64;
                }
            } else {
                for j in 0..n {
                    if adj[i][j] > 0.0 {
                        q[j] += 0.85 * p[i] / deg[i];
                    }
                }
            }
        }
        p = q;
    }
    let mut order: Vec<(usize, f64)> = p.into_iter().enumerate().collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    order
        .into_iter()
        .map(|(i, _)| sents[i].2.as_str())
        .collect()
}

/// Array items as rustfmt lays them out: indented, as many a line as fit
/// in rustfmt's array width, each followed by a comma.
fn wrapped(w: &[f32]) -> String {
    let mut lines: Vec<String> = vec![String::from("   ")];
    for x in w {
        let item = format!(" {x:.4},");
        if lines.last().is_some_and(|l| l.len() + item.len() > 98) {
            lines.push(String::from("   "));
        }
        if let Some(l) = lines.last_mut() {
            l.push_str(&item);
        }
    }
    lines.join("\n")
}

/// Folds of the cross-fitting of the background features.
const FOLDS: usize = 5;

/// Learns the word weights and the length model.
fn fit(stories: &[Roundup], args: &SummaryArgs) -> Result<u8> {
    let stemmer = Stemmer::default();
    let mut examples: Vec<(Features, bool)> = Vec::new();
    let mut again: Vec<(Features, bool)> = Vec::new();
    let mut dump = match &args.dump_words {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?,
        )),
        None => None,
    };
    // Pass 1: the background counts (which words each story's articles
    // and summary use).
    let empty = Background::default();
    let zero = [0f32; importance::NF];
    let mut used: Vec<Option<(FxHashSet<String>, FxHashSet<String>)>> = Vec::new();
    for s in stories {
        let arts = articles(s, Use::Summary);
        let (Some(reference), false) = (gold(s), arts.is_empty()) else {
            used.push(None);
            continue;
        };
        let refs: Vec<&Article> = arts.iter().collect();
        let words = StoryWords::build_with(&refs, &stemmer, &empty, (&zero, &zero));
        let summary = importance::stems(reference, &stemmer)
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        used.push(Some((words.stems.into_iter().collect(), summary)));
    }
    let background = Background::count(used.iter().flatten().map(|(a, s)| (a, s)));
    // Pass 2: each story's words, with background counts from the other
    // folds only (cross-fitting: a story's own summary must not leak into
    // its features).
    let folds: Vec<Background> = (0..FOLDS)
        .map(|k| {
            Background::count(
                used.iter()
                    .enumerate()
                    .filter(|(i, _)| i % FOLDS != k)
                    .filter_map(|(_, u)| u.as_ref().map(|(a, s)| (a, s))),
            )
        })
        .collect();
    let (mut sx, mut sy, mut sxx, mut sxy, mut m) = (0f64, 0f64, 0f64, 0f64, 0f64);
    for (i, (s, used)) in stories.iter().zip(&used).enumerate() {
        let (Some(reference), Some(_)) = (gold(s), used) else {
            continue;
        };
        let arts = articles(s, Use::Summary);
        let refs: Vec<&Article> = arts.iter().collect();
        let words = StoryWords::build_with(&refs, &stemmer, &folds[i % FOLDS], (&zero, &zero));
        let mut gold_stems: FxHashMap<String, u32> = FxHashMap::default();
        for (w, _) in importance::stems(reference, &stemmer) {
            *gold_stems.entry(w).or_insert(0) += 1;
        }
        for (stem, f) in words.stems.iter().zip(&words.features) {
            let count = gold_stems.get(stem).copied().unwrap_or(0);
            let y = count >= 1;
            if y {
                again.push((*f, count >= 2));
            }
            if let Some(d) = dump.as_mut() {
                let fs: Vec<String> = f.iter().map(|x| format!("{x}")).collect();
                writeln!(d, "{}\t{}\t{}\t{}", s.id, stem, y as u8, fs.join("\t"))?;
            }
            examples.push((*f, y));
        }
        let x: f64 = arts
            .iter()
            .map(|a| {
                a.sentence_texts()
                    .map(|t| t.split_whitespace().count())
                    .sum::<usize>() as f64
            })
            .sum();
        let y = reference.split_whitespace().count() as f64;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        m += 1.0;
    }
    let w = importance::fit(&examples, 1e-3);
    let wa = importance::fit(&again, 1e-3);
    let slope = (m * sxy - sx * sy) / (m * sxx - sx * sx).max(1e-9);
    let intercept = (sy - slope * sx) / m.max(1.0);
    let body = format!(
        "//! Learned parameters of the summariser. Written by\n\
         //! `parallax-eval summary ../shared/data/neus/train.jsonl --fit --write-model crates/parallax-summary/src/model.rs`\n\
         //! ({} stories, {} words); do not edit by hand.\n\n\
         use crate::importance::{{Features, NF}};\n\n\
         /// Weights of the word-importance model (see `importance::StoryWords`).\n\
         pub const WORD_WEIGHTS: Features = [\n{}\n];\n\n\
         /// Weights of the repeat model: the probability that a summary that\n\
         /// uses a word uses it again (see `importance::StoryWords::again`).\n\
         pub const AGAIN_WEIGHTS: Features = [\n{}\n];\n\n\
         /// Expected summary length in words: `LENGTH[0] + LENGTH[1] * input words`.\n\
         pub const LENGTH: [f32; 2] = [{:.4}, {:.4}];\n\n\
         const _: () = assert!(WORD_WEIGHTS.len() == NF);\n",
        m,
        examples.len(),
        wrapped(&w),
        wrapped(&wa),
        intercept,
        slope
    );
    match &args.write_model {
        Some(p) => {
            std::fs::write(p, &body).with_context(|| format!("cannot write {}", p.display()))?;
            let table = p.with_file_name("background.tsv");
            std::fs::write(&table, background.to_tsv())
                .with_context(|| format!("cannot write {}", table.display()))?;
            eprintln!(
                "wrote {} and {} ({} stems)",
                p.display(),
                table.display(),
                background.len()
            );
        }
        None => print!("{body}"),
    }
    Ok(0)
}
