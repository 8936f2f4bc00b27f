//! `parallax-eval ner`: the entity recogniser on CoNLL-2003-format files
//! (conlleval's entity-level exact match), and `parallax-eval ner train`,
//! which reproduces the committed model.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use parallax_entities::{
    clusters, conll, metrics, train_with_unlabelled, Recogniser, TrainOptions,
};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct NerArgs {
    #[command(subcommand)]
    pub command: Option<NerCommand>,
    /// A CoNLL file (`TOKEN ... TAG` per line; the last column is gold).
    pub file: Option<PathBuf>,
    /// A model file instead of the built-in one.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Write the predicted tags in the input's layout (tag appended).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 1) when overall F1 is below this (0-1).
    #[arg(long)]
    pub min_f1: Option<f64>,
}

#[derive(Subcommand)]
pub enum NerCommand {
    /// Train the recogniser and write the model (default: the committed
    /// model path), printing the hashes of its training data.
    Train(TrainArgs),
}

#[derive(Args)]
pub struct TrainArgs {
    /// Shared data directory (CoNLL train file, unlabelled text).
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Training file (default: DATA/conll2003/train.txt).
    #[arg(long)]
    pub train: Option<PathBuf>,
    /// Report dev F1 after each epoch on this file.
    #[arg(long)]
    pub dev: Option<PathBuf>,
    /// Where to write the model.
    #[arg(long, default_value = "crates/parallax-entities/model/ner.bin")]
    pub out: PathBuf,
    /// Training epochs (default: the library's).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Random seed (default: the library's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Do not build word clusters from unlabelled text.
    #[arg(long)]
    pub no_unlabelled: bool,
    /// Perceptrons averaged per stage, each with its own shuffling seed
    /// (default: the library's)
    #[arg(long)]
    pub bags: Option<usize>,
}

/// Tags sentences document by document (documents split at `-DOCSTART-`,
/// or at Reuters datelines when there are none).
fn tag(model: &Recogniser, sents: &[conll::Sentence]) -> Vec<Vec<String>> {
    let mut s = sents.to_vec();
    conll::infer_documents(&mut s);
    let mut out = Vec::with_capacity(s.len());
    for r in conll::documents(&s) {
        let doc: Vec<Vec<&str>> = s[r]
            .iter()
            .map(|x| x.tokens.iter().map(String::as_str).collect())
            .collect();
        out.extend(model.tag_document(&doc));
    }
    out
}

pub fn run(args: NerArgs) -> Result<u8> {
    if let Some(NerCommand::Train(t)) = args.command {
        return train(t);
    }
    let file = args.file.context("give a CoNLL file, or `train`")?;
    let t_load = Instant::now();
    let owned;
    let model: &Recogniser = match &args.model {
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
            owned = Recogniser::from_bytes(&bytes)
                .with_context(|| format!("{} is not a model", p.display()))?;
            &owned
        }
        None => Recogniser::builtin(),
    };
    let load_ms = t_load.elapsed().as_secs_f64() * 1000.0;
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let sents = conll::parse(&text);
    let tokens: usize = sents.iter().map(|s| s.tokens.len()).sum();
    let t0 = Instant::now();
    let pred = tag(model, &sents);
    let secs = t0.elapsed().as_secs_f64();
    let has_gold = sents
        .iter()
        .any(|s| s.tags.iter().any(|t| t != "O" && !t.is_empty()));
    if let Some(out) = &args.out {
        std::fs::write(out, conll::write(&sents, &pred))
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    let speed = tokens as f64 / secs.max(1e-9);
    let report = has_gold.then(|| {
        let gold: Vec<Vec<String>> = sents.iter().map(|s| s.tags.clone()).collect();
        metrics::score(&gold, &pred)
    });
    if args.json {
        let mut v = serde_json::json!({
            "file": file.display().to_string(),
            "sentences": sents.len(),
            "tokens": tokens,
            "tokens_per_second": speed,
            "model_load_ms": load_ms,
        });
        if let Some(r) = &report {
            v["overall"] = serde_json::json!({"precision": r.overall.precision(), "recall": r.overall.recall(), "f1": r.overall.f1()});
            let mut types = serde_json::Map::new();
            for (ty, c) in &r.per_type {
                types.insert(ty.clone(), serde_json::json!({"precision": c.precision(), "recall": c.recall(), "f1": c.f1()}));
            }
            v["by_type"] = types.into();
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "ner {}: {} sentences, {} tokens",
            file.display(),
            sents.len(),
            tokens
        );
        match &report {
            Some(r) => print!("{}", r.to_text()),
            None => println!("  no gold tags: speed only"),
        }
        println!(
            "  {speed:.0} tokens/s (tagging only, one thread); model loaded in {load_ms:.1} ms"
        );
    }
    if let (Some(min), Some(r)) = (args.min_f1, &report) {
        if r.overall.f1() < min {
            eprintln!(
                "parallax-eval: GATE FAILED: NER F1 {:.4} < {min}",
                r.overall.f1()
            );
            return Ok(1);
        }
    }
    Ok(0)
}

/// Title and text fields of a JSONL file, as unlabelled text.
fn jsonl_texts(path: &Path, out: &mut String) {
    let Ok(s) = std::fs::read_to_string(path) else {
        return;
    };
    for line in s.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let mut push = |v: &serde_json::Value| {
            for k in ["title", "text"] {
                if let Some(t) = v.get(k).and_then(|t| t.as_str()) {
                    out.push_str(t);
                    out.push('\n');
                }
            }
        };
        push(&v);
        // NeuS: articles[] and summary.
        if let Some(arts) = v.get("articles").and_then(|a| a.as_array()) {
            arts.iter().for_each(&mut push);
        }
        if let Some(s) = v.get("summary") {
            push(s);
        }
    }
}

fn train(args: TrainArgs) -> Result<u8> {
    let train_path = args
        .train
        .clone()
        .unwrap_or_else(|| args.data.join("conll2003/train.txt"));
    let train_text = std::fs::read_to_string(&train_path)
        .with_context(|| format!("cannot read {}", train_path.display()))?;
    let file_hash = xxhash_rust::xxh3::xxh3_64(train_text.as_bytes());
    let train = conll::parse(&train_text);
    let mut opts = TrainOptions::default();
    if let Some(e) = args.epochs {
        opts.epochs = e;
    }
    if let Some(s) = args.seed {
        opts.seed = s;
    }
    if let Some(b) = args.bags {
        opts.bags = b;
    }
    // Unlabelled text for word clusters: no labels of any test set are read.
    let mut unl = String::new();
    if !args.no_unlabelled {
        jsonl_texts(&args.data.join("neus/train.jsonl"), &mut unl);
        jsonl_texts(&args.data.join("ecbplus/dev.jsonl"), &mut unl);
        for dir in [
            "polnear/train/text",
            "html/dragnet/gold",
            "html/cleanportaleval/gold",
        ] {
            let Ok(rd) = std::fs::read_dir(args.data.join(dir)) else {
                continue;
            };
            let mut paths: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for p in paths {
                if let Ok(t) = std::fs::read_to_string(&p) {
                    unl.push_str(&t);
                    unl.push('\n');
                }
            }
        }
    }
    let unlabelled = clusters::tokenise_text(&unl);
    eprintln!(
        "train: {} sentences; unlabelled: {} lines, {} tokens",
        train.len(),
        unlabelled.len(),
        unlabelled.iter().map(Vec::len).sum::<usize>()
    );
    let dev = match &args.dev {
        Some(p) => Some(conll::parse(
            &std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?,
        )),
        None => None,
    };
    let t0 = Instant::now();
    let model = train_with_unlabelled(&train, &unlabelled, &opts, &mut |epoch, m| {
        let mut line = format!(
            "epoch {epoch} ({:.1}s) features {}",
            t0.elapsed().as_secs_f64(),
            m.num_features()
        );
        if let Some(dev) = &dev {
            let pred = tag(m, dev);
            let gold: Vec<Vec<String>> = dev.iter().map(|s| s.tags.clone()).collect();
            line.push_str(&format!(
                " dev F1 {:.2}",
                100.0 * metrics::score(&gold, &pred).overall.f1()
            ));
        }
        eprintln!("{line}");
    });
    let bytes = model.to_bytes();
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let info = model.info();
    println!("trained in {:.1} s", t0.elapsed().as_secs_f64());
    println!("train file xxh3-64: {file_hash:016x}");
    println!(
        "train data hash in the model header: {:016x}",
        info.train_hash
    );
    println!("unlabelled text hash: {:016x}", info.unlabelled_hash);
    println!(
        "{} features, {} bytes -> {}",
        model.num_features(),
        bytes.len(),
        args.out.display()
    );
    Ok(0)
}
