//! `parallax-eval align`: do two sentences of different articles say the
//! same thing? Scores the fact aligner of `parallax-compare` on sentence
//! pairs (ECB+ `dev-sentence-pairs.jsonl`), against a TF-IDF cosine
//! baseline, and with `--fit` learns its weights on the odd topics.
//!
//! `parallax-eval compare-bench`: a full story analysis of articles made by
//! perturbing the demo corpus, timed.

use crate::cluster::Topics;
use anyhow::{Context, Result};
use clap::Args;
use parallax_engine::StoryView;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args)]
pub struct AlignArgs {
    /// JSONL sentence pairs: `event`, `a`, `a_sentence`, `a_text`, `b`,
    /// `b_sentence`, `b_text`, and the gold `same` (optional).
    pub file: PathBuf,
    /// Write `{"same": true|false}` per input pair, in order.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Score only pairs of odd or even topics (fit on odd, report on even).
    #[arg(long, value_enum, default_value = "all")]
    pub topics: Topics,
    /// Fit the logistic weights and threshold on the odd topics, print them
    /// as constants for `crates/parallax-compare/src/align.rs`, and score
    /// with them.
    #[arg(long)]
    pub fit: bool,
    /// Write each pair's feature vector as TSV (a header of feature names,
    /// then one row per input pair, in order, with the gold label last), for
    /// analysis outside Parallax.
    #[arg(long)]
    pub features_out: Option<PathBuf>,
    /// Also score the story analysis's facts: each pair's event is analysed
    /// as one story of its articles, read from this JSONL (ECB+ `dev.jsonl`:
    /// `id`, `event`, `title`, `text`), and a pair counts as "same" when
    /// one fact holds a statement of each of its sentences. Facts are
    /// claim-level, so against ECB+'s event-level pairs their precision is
    /// the figure to read.
    #[arg(long, value_name = "ARTICLES")]
    pub facts: Option<PathBuf>,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 1) when the aligner's macro-F1 is below this.
    #[arg(long)]
    pub min_macro_f1: Option<f64>,
    /// With `--facts`: fail (exit 1) when the facts' precision is below
    /// this.
    #[arg(long, requires = "facts")]
    pub min_fact_precision: Option<f64>,
}

#[derive(Serialize, Clone, Copy, Default)]
struct Scores {
    precision: f64,
    recall: f64,
    f1: f64,
    not_same_f1: f64,
    macro_f1: f64,
}

#[derive(Serialize)]
struct Report {
    file: String,
    topics: &'static str,
    pairs: usize,
    scored: usize,
    threshold: f32,
    model: Option<Scores>,
    baseline_threshold: f32,
    baseline: Option<Scores>,
    /// With `--facts`: the story analysis's facts, scored on the same pairs.
    #[serde(skip_serializing_if = "Option::is_none")]
    facts: Option<FactScores>,
    seconds: f64,
    pairs_per_second: f64,
}

/// The facts' figures on the sentence pairs.
#[derive(Serialize, Clone, Copy)]
struct FactScores {
    /// Pairs both of whose sentences were found among the statements.
    located: usize,
    /// Scores over the located pairs (`None` without gold labels).
    scores: Option<Scores>,
    /// Pairs predicted "same" (one fact holds both sentences).
    predicted_same: usize,
}

/// For every pair, whether one fact of its event's story holds a statement
/// of each sentence (`None` when a sentence was not found). Each event's
/// articles are analysed as one story, each article its own outlet.
fn fact_predictions(rows: &[serde_json::Value], articles: &PathBuf) -> Result<Vec<Option<bool>>> {
    let file = std::fs::File::open(articles)
        .with_context(|| format!("cannot open {}", articles.display()))?;
    // event -> [(id, title, text)]
    let mut by_event: FxHashMap<String, Vec<(String, String, String)>> = FxHashMap::default();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: bad JSON", articles.display(), n + 1))?;
        let field = |k: &str| v[k].as_str().unwrap_or("").to_string();
        by_event.entry(field("event")).or_default().push((
            field("id"),
            field("title"),
            field("text"),
        ));
    }
    let wanted: FxHashSet<&str> = rows.iter().filter_map(|v| v["event"].as_str()).collect();
    // (event, article id) -> (article text, statement spans with their fact)
    type Located = (String, Vec<(parallax_core::Span, usize)>);
    let mut located: FxHashMap<(String, String), Located> = FxHashMap::default();
    let mut events: Vec<&String> = by_event
        .keys()
        .filter(|e| wanted.contains(e.as_str()))
        .collect();
    events.sort();
    for event in events {
        let arts: Vec<parallax_core::Article> = by_event[event]
            .iter()
            .map(|(id, title, text)| {
                // The title is the article's first sentence in the pairs.
                parallax_ingest::ArticleDraft {
                    text: format!("{title}\n\n{text}"),
                    outlet: Some(id.clone()),
                    external_id: Some(id.clone()),
                    ..Default::default()
                }
                .build()
            })
            .collect();
        let view = parallax_engine::compare_articles(&arts);
        let mut spans: Vec<Vec<(parallax_core::Span, usize)>> = vec![Vec::new(); arts.len()];
        for (k, f) in view.report.facts.iter().enumerate() {
            for s in &f.statements {
                if let Some(v) = spans.get_mut(s.article_index) {
                    v.push((s.span, k));
                }
            }
        }
        for (a, sp) in arts.iter().zip(spans) {
            let id = a.external_id.clone().unwrap_or_default();
            located.insert((event.clone(), id), (a.text.clone(), sp));
        }
    }
    let facts_of = |event: &str, art: &str, sentence: &str| -> Option<FxHashSet<usize>> {
        let (text, spans) = located.get(&(event.to_string(), art.to_string()))?;
        let sentence = sentence.trim();
        let start = text.find(sentence)?;
        let end = start + sentence.len();
        let set: FxHashSet<usize> = spans
            .iter()
            .filter(|(s, _)| s.start < end && start < s.end)
            .map(|&(_, f)| f)
            .collect();
        (!set.is_empty()).then_some(set)
    };
    Ok(rows
        .iter()
        .map(|v| {
            let event = v["event"].as_str().unwrap_or("");
            let side = |k: &str| {
                facts_of(
                    event,
                    v[k].as_str().unwrap_or(""),
                    v[format!("{k}_text")].as_str().unwrap_or(""),
                )
            };
            let (a, b) = (side("a")?, side("b")?);
            Some(!a.is_disjoint(&b))
        })
        .collect())
}

/// The topic number of a pair: the number at the start of `event`, or in
/// the article id (`ecb-1_10ecb` → 1).
fn topic(v: &serde_json::Value) -> Option<u32> {
    let ev = v["event"].as_str().unwrap_or("");
    let digits: String = ev.chars().take_while(char::is_ascii_digit).collect();
    if let Ok(t) = digits.parse() {
        return Some(t);
    }
    let a = v["a"].as_str()?;
    let rest = a.split('-').nth(1)?;
    rest.split('_').next()?.parse().ok()
}

fn scores(pred: &[bool], gold: &[bool]) -> Scores {
    let (mut tp, mut fp, mut fn_, mut tn) = (0f64, 0f64, 0f64, 0f64);
    for (&p, &g) in pred.iter().zip(gold) {
        match (p, g) {
            (true, true) => tp += 1.0,
            (true, false) => fp += 1.0,
            (false, true) => fn_ += 1.0,
            (false, false) => tn += 1.0,
        }
    }
    let f = |tp: f64, fp: f64, fn_: f64| {
        let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
        let r = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f1)
    };
    let (precision, recall, f1) = f(tp, fp, fn_);
    let (_, _, nf1) = f(tn, fn_, fp);
    Scores {
        precision,
        recall,
        f1,
        not_same_f1: nf1,
        macro_f1: (f1 + nf1) / 2.0,
    }
}

/// The threshold on `score` maximising macro-F1 over the given pairs.
fn best_threshold(score: &[f32], gold: &[bool]) -> f32 {
    let mut best = (0.0, 0.5f32);
    for k in 1..100 {
        let t = k as f32 / 100.0;
        let pred: Vec<bool> = score.iter().map(|&s| s >= t).collect();
        let m = scores(&pred, gold).macro_f1;
        if m > best.0 {
            best = (m, t);
        }
    }
    best.1
}

pub fn run(args: AlignArgs) -> Result<u8> {
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let t0 = Instant::now();
    let mut rows = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: bad JSON", args.file.display(), n + 1))?;
        rows.push(v);
    }
    let mut vocab = StoryView::sentence_aligner();
    // One signature per distinct sentence; documents (for IDF) are the
    // articles of each ECB+ sub-topic, as a story's articles are in use.
    let mut sig_of: FxHashMap<(String, u64), usize> = FxHashMap::default();
    let mut sigs = Vec::new();
    let mut docs: FxHashMap<(String, String), FxHashSet<u32>> = FxHashMap::default();
    let mut pair_sigs = Vec::with_capacity(rows.len());
    for v in &rows {
        let event = v["event"].as_str().unwrap_or("").to_string();
        let mut ids = [0usize; 2];
        for (k, side) in ["a", "b"].iter().enumerate() {
            let art = v[*side].as_str().unwrap_or("").to_string();
            let sent = v[format!("{side}_sentence")].as_u64().unwrap_or(0);
            let text = v[format!("{side}_text")].as_str().unwrap_or("");
            let key = (art.clone(), sent);
            let id = match sig_of.get(&key) {
                Some(&i) => i,
                None => {
                    let s = vocab.sig(text, sent as usize);
                    docs.entry((event.clone(), art.clone()))
                        .or_default()
                        .extend(s.terms.iter().map(|t| t.0));
                    sigs.push(s);
                    sig_of.insert(key, sigs.len() - 1);
                    sigs.len() - 1
                }
            };
            ids[k] = id;
        }
        pair_sigs.push((event, ids));
    }
    let mut by_event: FxHashMap<&str, Vec<FxHashSet<u32>>> = FxHashMap::default();
    let mut keys: Vec<_> = docs.keys().cloned().collect();
    keys.sort();
    for k in &keys {
        by_event
            .entry(k.0.as_str())
            .or_default()
            .push(docs[k].clone());
    }
    let idfs: FxHashMap<&str, _> = by_event.iter().map(|(e, d)| (*e, vocab.idf(d))).collect();
    let feats: Vec<_> = pair_sigs
        .iter()
        .map(|(e, [a, b])| vocab.features(&sigs[*a], &sigs[*b], &idfs[e.as_str()]))
        .collect();
    let gold: Vec<Option<bool>> = rows.iter().map(|v| v["same"].as_bool()).collect();
    if let Some(path) = &args.features_out {
        let mut w = std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        );
        writeln!(w, "{}\tsame", vocab.model().2.join("\t"))?;
        for (x, g) in feats.iter().zip(&gold) {
            let cells: Vec<String> = x.iter().map(|v| v.to_string()).collect();
            let label = g.map_or("", |g| if g { "1" } else { "0" });
            writeln!(w, "{}\t{label}", cells.join("\t"))?;
        }
        w.flush()?;
    }
    let topics: Vec<Option<u32>> = rows.iter().map(topic).collect();
    let is_odd = |i: usize| topics[i].is_some_and(|t| t % 2 == 1);
    let (mut weights, mut threshold, names) = vocab.model();
    // The baseline: cosine (feature 1) with a threshold tuned on odd topics.
    let odd: Vec<usize> = (0..rows.len())
        .filter(|&i| is_odd(i) && gold[i].is_some())
        .collect();
    let odd_gold: Vec<bool> = odd.iter().map(|&i| gold[i].unwrap()).collect();
    let baseline_threshold = if odd.is_empty() {
        0.3
    } else {
        best_threshold(
            &odd.iter().map(|&i| feats[i][1]).collect::<Vec<_>>(),
            &odd_gold,
        )
    };
    if args.fit {
        anyhow::ensure!(!odd.is_empty(), "--fit needs gold pairs of odd topics");
        let xs: Vec<_> = odd.iter().map(|&i| feats[i]).collect();
        weights = vocab.fit(&xs, &odd_gold, 3000);
        let probs: Vec<f32> = xs
            .iter()
            .map(|x| vocab.probability_with(&weights, x))
            .collect();
        threshold = best_threshold(&probs, &odd_gold);
        println!(
            "// parallax-eval align FILE --topics odd --fit ({} odd-topic pairs)",
            odd.len()
        );
        println!("pub const WEIGHTS: [f32; FEATURES] = [");
        for (w, n) in weights.iter().zip(names) {
            println!("    {w:.4}, // {n}");
        }
        println!("];");
        println!("pub const THRESHOLD: f32 = {threshold:.2};");
    }
    let prob: Vec<f32> = feats
        .iter()
        .map(|x| vocab.probability_with(&weights, x))
        .collect();
    let pred: Vec<bool> = prob.iter().map(|&p| p >= threshold).collect();
    let seconds = t0.elapsed().as_secs_f64();
    if let Some(out) = &args.out {
        let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
        for &p in &pred {
            writeln!(w, "{}", serde_json::json!({ "same": p }))?;
        }
        w.flush()?;
    }
    let chosen: Vec<usize> = (0..rows.len())
        .filter(|&i| match args.topics {
            Topics::All => true,
            Topics::Odd => is_odd(i),
            Topics::Even => topics[i].is_some_and(|t| t % 2 == 0),
        })
        .collect();
    let labelled: Vec<usize> = chosen
        .iter()
        .copied()
        .filter(|&i| gold[i].is_some())
        .collect();
    let g: Vec<bool> = labelled.iter().map(|&i| gold[i].unwrap()).collect();
    let (model, baseline) = if labelled.is_empty() {
        (None, None)
    } else {
        let p: Vec<bool> = labelled.iter().map(|&i| pred[i]).collect();
        let b: Vec<bool> = labelled
            .iter()
            .map(|&i| feats[i][1] >= baseline_threshold)
            .collect();
        (Some(scores(&p, &g)), Some(scores(&b, &g)))
    };
    let facts = match &args.facts {
        None => None,
        Some(path) => {
            let fp = fact_predictions(&rows, path)?;
            let located: Vec<usize> = chosen
                .iter()
                .copied()
                .filter(|&i| fp[i].is_some())
                .collect();
            let scored: Vec<usize> = located
                .iter()
                .copied()
                .filter(|&i| gold[i].is_some())
                .collect();
            let scores = (!scored.is_empty()).then(|| {
                let p: Vec<bool> = scored.iter().map(|&i| fp[i].unwrap()).collect();
                let g: Vec<bool> = scored.iter().map(|&i| gold[i].unwrap()).collect();
                scores(&p, &g)
            });
            Some(FactScores {
                located: located.len(),
                scores,
                predicted_same: located.iter().filter(|&&i| fp[i] == Some(true)).count(),
            })
        }
    };
    let report = Report {
        facts,
        file: args.file.display().to_string(),
        topics: match args.topics {
            Topics::All => "all",
            Topics::Odd => "odd",
            Topics::Even => "even",
        },
        pairs: rows.len(),
        scored: labelled.len(),
        threshold,
        model,
        baseline_threshold,
        baseline,
        seconds,
        pairs_per_second: rows.len() as f64 / seconds.max(1e-9),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "{}: {} pairs, {} scored ({} topics)",
            report.file, report.pairs, report.scored, report.topics
        );
        let line = |name: &str, t: f32, s: &Option<Scores>| {
            match s {
            Some(s) => println!(
                "  {name:<22} threshold {t:.2}  P {:.3}  R {:.3}  F1 {:.3}  not-same F1 {:.3}  MACRO-F1 {:.3}",
                s.precision, s.recall, s.f1, s.not_same_f1, s.macro_f1
            ),
            None => println!("  {name:<22} (no gold labels)"),
        }
        };
        line("aligner", report.threshold, &report.model);
        line(
            "baseline TF-IDF cosine",
            report.baseline_threshold,
            &report.baseline,
        );
        if let Some(f) = &report.facts {
            match &f.scores {
                Some(s) => println!(
                    "  {:<22} {} of {} pairs located, {} in one fact  P {:.3}  R {:.3}  F1 {:.3}  MACRO-F1 {:.3}",
                    "story facts",
                    f.located,
                    chosen.len(),
                    f.predicted_same,
                    s.precision,
                    s.recall,
                    s.f1,
                    s.macro_f1
                ),
                None => println!(
                    "  {:<22} {} of {} pairs located, {} in one fact (no gold labels)",
                    "story facts",
                    f.located,
                    chosen.len(),
                    f.predicted_same
                ),
            }
        }
        println!(
            "  {:.2} s, {:.0} pairs/s",
            report.seconds, report.pairs_per_second
        );
    }
    if let (Some(min), Some(s)) = (
        args.min_fact_precision,
        report.facts.as_ref().and_then(|f| f.scores.as_ref()),
    ) {
        if s.precision < min {
            eprintln!(
                "parallax-eval: GATE FAILED: fact precision {:.4} < {min}",
                s.precision
            );
            return Ok(1);
        }
    }
    if let (Some(min), Some(s)) = (args.min_macro_f1, &report.model) {
        if s.macro_f1 < min {
            eprintln!(
                "parallax-eval: GATE FAILED: alignment macro-F1 {:.4} < {min}",
                s.macro_f1
            );
            return Ok(1);
        }
    }
    Ok(0)
}

#[derive(Args)]
pub struct BenchArgs {
    /// The demo corpus (JSONL) whose texts are perturbed.
    #[arg(long, default_value = "demo/corpus.jsonl")]
    pub corpus: PathBuf,
    /// Articles in the generated story.
    #[arg(long, default_value_t = 50)]
    pub articles: usize,
    /// Timed runs (the median is reported).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
}

/// Builds `n` articles from the corpus texts: each takes a text, drops one
/// paragraph, rotates the others and changes a few words, under a distinct
/// outlet name.
fn perturbed(corpus: &str, n: usize) -> Vec<parallax_core::Article> {
    let bases: Vec<serde_json::Value> = corpus
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let swaps = [
        ("explosion", "blast"),
        ("said", "stated"),
        ("plant", "factory"),
        ("people", "persons"),
        ("Tuesday", "Tuesday morning"),
    ];
    (0..n)
        .map(|k| {
            let b = &bases[k % bases.len().max(1)];
            let text = b["text"].as_str().unwrap_or("");
            let mut pars: Vec<String> = text.split("\n\n").map(str::to_string).collect();
            if pars.len() > 3 {
                pars.remove(1 + k % (pars.len() - 1));
                let len = pars.len();
                pars[1..].rotate_left(k % (len - 1));
            }
            let (from, to) = swaps[k % swaps.len()];
            let text = pars.join("\n\n").replace(from, to);
            parallax_ingest::ArticleDraft {
                title: b["title"].as_str().map(str::to_string),
                text,
                outlet: Some(format!("Outlet {}", k % 17)),
                external_id: Some(format!("bench-{k}")),
                published: serde_json::from_value(b["published"].clone()).ok(),
                ..Default::default()
            }
            .build()
        })
        .collect()
}

pub fn bench(args: BenchArgs) -> Result<u8> {
    let corpus = std::fs::read_to_string(&args.corpus)
        .with_context(|| format!("cannot read {}", args.corpus.display()))?;
    let articles = perturbed(&corpus, args.articles);
    let mut times = Vec::new();
    let mut summary_times = Vec::new();
    let mut facts = 0;
    let stemmer = parallax_text::Stemmer::default();
    for _ in 0..args.runs.max(1) {
        let t = Instant::now();
        let v = parallax_engine::compare_articles(&articles);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        facts = v.report.facts.len();
        // The summary step alone (summary, headline, timeline from the
        // story's facts), as the view runs it.
        let t = Instant::now();
        let s = parallax_summary::summarise(
            &articles,
            &v.report,
            parallax_summary::Length::Auto,
            &stemmer,
        );
        let h = parallax_summary::neutral_headline(&articles, &v.report, &stemmer);
        let tl = parallax_summary::timeline::timeline(&articles, &v.report);
        summary_times.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box((s, h, tl));
    }
    times.sort_by(f64::total_cmp);
    summary_times.sort_by(f64::total_cmp);
    println!(
        "compare-bench: {} articles, {} facts, median {:.1} ms (min {:.1}, max {:.1}) over {} runs",
        articles.len(),
        facts,
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times.len()
    );
    println!(
        "  summary step (summary, headline, timeline): median {:.2} ms (max {:.2})",
        summary_times[summary_times.len() / 2],
        summary_times[summary_times.len() - 1]
    );
    Ok(0)
}
