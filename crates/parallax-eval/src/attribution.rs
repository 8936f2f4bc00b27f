//! `parallax-eval attribution`: quotes and attributions on the PolNeAR
//! layout (`text/NAME.txt`, `attributions/NAME_ANNOTATOR.ann`), and
//! `parallax-eval attribution train`, which reproduces the committed cue
//! model.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use parallax_core::Span;
use parallax_quotes::cuemodel::{self, CueModel};
use parallax_quotes::polnear::{
    from_analysis, parse_ann, write_ann, Annotated, Evaluator, Prf, Scores,
};
use parallax_quotes::{extract, Options};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AttributionArgs {
    #[command(subcommand)]
    pub command: Option<AttributionCommand>,
    /// A PolNeAR split: `text/*.txt` and, when scored, `attributions/*.ann`.
    pub dir: Option<PathBuf>,
    /// Write predictions as brat `.ann` files (one per text) into this dir.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// A cue model file instead of the built-in one.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Cue-verb list and patterns only, without the learned cue model.
    #[arg(long, conflicts_with = "model")]
    pub no_model: bool,
    /// Override the cue model's acceptance threshold.
    #[arg(long)]
    pub threshold: Option<f32>,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
    /// Score the annotators against each other instead: on the articles
    /// that two or more annotators marked, every annotator's attributions
    /// against every other's (the human ceiling of these figures), and the
    /// extractor against each annotator on the same articles.
    #[arg(long)]
    pub agreement: bool,
    /// Fail (exit 1) when token-overlap F1 of content is below this.
    #[arg(long)]
    pub min_content_f1: Option<f64>,
    /// Fail (exit 1) when token-overlap F1 of source is below this.
    #[arg(long)]
    pub min_source_f1: Option<f64>,
}

#[derive(Subcommand)]
pub enum AttributionCommand {
    /// Train the cue model on a PolNeAR split and write it (default: the
    /// committed model path). With `--tune`, first fit on four fifths of
    /// the split and score the fifth left out at several thresholds.
    Train(TrainArgs),
}

#[derive(Args)]
pub struct TrainArgs {
    /// The training split.
    #[arg(long, default_value = "../shared/data/polnear/train")]
    pub train: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "crates/parallax-quotes/model/cues.bin")]
    pub out: PathBuf,
    /// The acceptance threshold written into the model.
    #[arg(long, default_value_t = 0.0)]
    pub threshold: f32,
    /// Training epochs.
    #[arg(long, default_value_t = 10)]
    pub epochs: usize,
    /// Shuffling seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Score thresholds on a fifth of the split held out from fitting
    /// (every fifth article) before training on all of it.
    #[arg(long)]
    pub tune: bool,
    /// Fit only on the articles that one annotator marked, so that the
    /// articles of `attribution --agreement` stay unseen by the model.
    #[arg(long)]
    pub single_annotator: bool,
}

/// One article of a split: its name, text and every annotator's
/// attributions, in file-name order (more than one for the few articles
/// PolNeAR had annotated several times).
struct Item {
    name: String,
    text: String,
    annotators: Vec<Vec<Annotated>>,
}

impl Item {
    /// The gold that is scored: the first annotator's, when there is one.
    fn gold(&self) -> Option<&[Annotated]> {
        self.annotators.first().map(Vec::as_slice)
    }
}

/// Reads a split; unreadable texts are reported and counted.
fn load_split(dir: &Path) -> Result<(Vec<Item>, usize)> {
    let text_dir = dir.join("text");
    let mut names: Vec<String> = std::fs::read_dir(&text_dir)
        .with_context(|| format!("cannot read {}", text_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter_map(|p| Some(p.file_stem()?.to_string_lossy().to_string()))
        .collect();
    names.sort();
    // Gold: the first annotator's file in sorted order, when there are
    // several; the others are kept for `--agreement`.
    let mut gold_files: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("attributions")) {
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ann"))
            .collect();
        paths.sort();
        for p in paths {
            let stem = p
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            let name = stem
                .rsplit_once('_')
                .map(|x| x.0.to_string())
                .unwrap_or(stem);
            gold_files.entry(name).or_default().push(p);
        }
    }
    let mut items = Vec::with_capacity(names.len());
    let mut failed = 0;
    for name in names {
        let path = text_dir.join(format!("{name}.txt"));
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("parallax-eval: skipped {}: {e}", path.display());
                failed += 1;
                continue;
            }
        };
        let annotators: Vec<Vec<Annotated>> = gold_files
            .get(&name)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|gold_path| {
                std::fs::read_to_string(gold_path)
                    .map_err(anyhow::Error::from)
                    .and_then(|a| Ok(parse_ann(&a, &text)?))
                    .map_err(|e| {
                        eprintln!("parallax-eval: gold skipped {}: {e}", gold_path.display())
                    })
                    .ok()
            })
            .collect();
        items.push(Item {
            name,
            text,
            annotators,
        });
    }
    Ok((items, failed))
}

/// Scores the extractor with `cues` on the items that have gold.
fn score(items: &[&Item], cues: &CueModel) -> Scores {
    let opts = Options {
        cues,
        ..Options::default()
    };
    let mut ev = Evaluator::new();
    for it in items {
        if let Some(gold) = it.gold() {
            ev.add(&it.text, gold, &from_analysis(&extract(&it.text, &opts)));
        }
    }
    ev.scores()
}

/// Gold cue spans of an article.
fn gold_cues(gold: &[Annotated]) -> Vec<Span> {
    gold.iter()
        .filter_map(|a| a.cue.as_ref())
        .flatten()
        .copied()
        .collect()
}

fn train(args: TrainArgs) -> Result<u8> {
    let (items, _) = load_split(&args.train)?;
    let with_gold: Vec<&Item> = items
        .iter()
        .filter(|i| i.gold().is_some() && (!args.single_annotator || i.annotators.len() == 1))
        .collect();
    let opts = cuemodel::TrainOptions {
        epochs: args.epochs,
        seed: args.seed,
        threshold: args.threshold,
    };
    let data = |keep: &dyn Fn(usize) -> bool| -> Vec<(&str, Vec<Span>)> {
        with_gold
            .iter()
            .enumerate()
            .filter(|(k, _)| keep(*k))
            .map(|(_, it)| (it.text.as_str(), gold_cues(it.gold().unwrap_or_default())))
            .collect()
    };
    if args.tune {
        let fit = cuemodel::train(&data(&|k| k % 5 != 0), &opts);
        let held: Vec<&Item> = with_gold.iter().copied().step_by(5).collect();
        println!(
            "tuning: fitted on {} articles, scoring {} held out (token overlap F1)",
            with_gold.len() - held.len(),
            held.len()
        );
        let base = score(&held, &CueModel::empty());
        let row = |label: &str, s: &Scores| {
            println!(
                "  {label:<12} source {:.3} (P {:.3} R {:.3})  cue {:.3}  content {:.3} (P {:.3} R {:.3})  attribution {:.3}",
                s.overlap.source.f1,
                s.overlap.source.precision,
                s.overlap.source.recall,
                s.overlap.cue.f1,
                s.overlap.content.f1,
                s.overlap.content.precision,
                s.overlap.content.recall,
                s.attribution.f1
            )
        };
        row("no model", &base);
        for t in [-2.0f32, -1.0, 0.0, 1.0, 2.0, 4.0, 8.0] {
            let s = score(&held, &fit.clone().with_threshold(t));
            row(&format!("threshold {t}"), &s);
        }
    }
    let t0 = Instant::now();
    let all = data(&|_| true);
    let model = cuemodel::train(&all, &opts);
    let bytes = model.to_bytes();
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "trained on {} articles in {:.1} s; threshold {}; {} bytes -> {}",
        all.len(),
        t0.elapsed().as_secs_f64(),
        args.threshold,
        bytes.len(),
        args.out.display()
    );
    Ok(0)
}

pub fn run(args: AttributionArgs) -> Result<u8> {
    if let Some(AttributionCommand::Train(t)) = args.command {
        return train(t);
    }
    let dir = args
        .dir
        .context("give a PolNeAR split directory, or `train`")?;
    let (items, failed) = load_split(&dir)?;
    let owned;
    let cues: &CueModel = match (&args.model, args.no_model) {
        (Some(p), _) => {
            let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
            owned = CueModel::from_bytes(&bytes)
                .with_context(|| format!("{} is not a cue model", p.display()))?;
            &owned
        }
        (None, true) => {
            owned = CueModel::empty();
            &owned
        }
        (None, false) => CueModel::builtin(),
    };
    let tuned;
    let cues = match args.threshold {
        Some(t) => {
            tuned = cues.clone().with_threshold(t);
            &tuned
        }
        None => cues,
    };
    if let Some(o) = &args.out {
        std::fs::create_dir_all(o).with_context(|| format!("cannot create {}", o.display()))?;
    }
    let opts = Options {
        cues,
        ..Options::default()
    };
    if args.agreement {
        return agreement(&dir, &items, &opts, args.json);
    }
    let mut ev = Evaluator::new();
    let (mut sentences, mut scored) = (0usize, 0usize);
    let mut elapsed = Duration::ZERO;
    for it in &items {
        let t0 = Instant::now();
        let analysis = extract(&it.text, &opts);
        elapsed += t0.elapsed();
        sentences += it
            .text
            .lines()
            .map(|l| parallax_quotes::sentences(l).len())
            .sum::<usize>();
        if let Some(gold) = it.gold() {
            ev.add(&it.text, gold, &from_analysis(&analysis));
            scored += 1;
        }
        if let Some(o) = &args.out {
            std::fs::write(
                o.join(format!("{}.ann", it.name)),
                write_ann(&it.text, &analysis),
            )?;
        }
    }
    let speed = sentences as f64 / elapsed.as_secs_f64().max(1e-9);
    let s = ev.scores();
    if args.json {
        let mut v = serde_json::json!({
            "dir": dir.display().to_string(),
            "articles": items.len(),
            "scored_articles": scored,
            "read_errors": failed,
            "sentences": sentences,
            "sentences_per_second": speed,
        });
        if scored > 0 {
            v["gold_attributions"] = s.gold.into();
            v["predicted_attributions"] = s.predicted.into();
            if let serde_json::Value::Object(figures) = figures_json(&s) {
                v.as_object_mut().expect("an object").extend(figures);
            }
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "attribution {}: {} articles, {} scored",
            dir.display(),
            items.len(),
            scored
        );
        if scored > 0 {
            println!("  gold attributions {}, predicted {}", s.gold, s.predicted);
            let row = |label: &str, p: Prf| {
                println!(
                    "  {label:<18} P {:.3}  R {:.3}  F1 {:.3}",
                    p.precision, p.recall, p.f1
                )
            };
            row("source  exact", s.exact.source);
            row("cue     exact", s.exact.cue);
            row("content exact", s.exact.content);
            row("source  overlap", s.overlap.source);
            row("cue     overlap", s.overlap.cue);
            row("content overlap", s.overlap.content);
            row("attribution", s.attribution);
        } else {
            println!("  no gold attributions: speed only");
        }
        println!("  {sentences} sentences, {speed:.0} sentences/s (extraction only, one thread)");
    }
    let mut gate_failed = false;
    if scored > 0 {
        if let Some(min) = args.min_content_f1 {
            if s.overlap.content.f1 < min {
                eprintln!(
                    "parallax-eval: GATE FAILED: content overlap F1 {:.4} < {min}",
                    s.overlap.content.f1
                );
                gate_failed = true;
            }
        }
        if let Some(min) = args.min_source_f1 {
            if s.overlap.source.f1 < min {
                eprintln!(
                    "parallax-eval: GATE FAILED: source overlap F1 {:.4} < {min}",
                    s.overlap.source.f1
                );
                gate_failed = true;
            }
        }
    }
    Ok(if gate_failed || failed > 0 { 1 } else { 0 })
}

/// The exact, token-overlap and attribution figures of one comparison, as
/// JSON.
fn figures_json(s: &Scores) -> serde_json::Value {
    let prf =
        |p: Prf| serde_json::json!({"precision": p.precision, "recall": p.recall, "f1": p.f1});
    serde_json::json!({
        "overlap": {"source": prf(s.overlap.source), "cue": prf(s.overlap.cue), "content": prf(s.overlap.content)},
        "exact": {"source": prf(s.exact.source), "cue": prf(s.exact.cue), "content": prf(s.exact.content)},
        "attribution": prf(s.attribution),
    })
}

/// `--agreement`: on the articles that several annotators marked, each
/// annotator scored against each other one (every ordered pair, so
/// precision and recall are the same figure seen from both sides), and the
/// extractor scored against each annotator on the same articles.
fn agreement(dir: &Path, items: &[Item], opts: &Options, json: bool) -> Result<u8> {
    let multi: Vec<&Item> = items.iter().filter(|i| i.annotators.len() > 1).collect();
    let (mut humans, mut system) = (Evaluator::new(), Evaluator::new());
    let mut annotations = 0;
    for it in &multi {
        let predicted = from_analysis(&extract(&it.text, opts));
        annotations += it.annotators.len();
        for (i, gold) in it.annotators.iter().enumerate() {
            system.add(&it.text, gold, &predicted);
            for (j, other) in it.annotators.iter().enumerate() {
                if i != j {
                    humans.add(&it.text, gold, other);
                }
            }
        }
    }
    let (h, s) = (humans.scores(), system.scores());
    if json {
        let v = serde_json::json!({
            "dir": dir.display().to_string(),
            "articles": multi.len(),
            "annotations": annotations,
            "annotators_against_each_other": (!multi.is_empty()).then(|| figures_json(&h)),
            "extractor_against_each_annotator": (!multi.is_empty()).then(|| figures_json(&s)),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(0);
    }
    println!(
        "agreement {}: {} articles marked by several annotators ({annotations} annotations)",
        dir.display(),
        multi.len()
    );
    if multi.is_empty() {
        println!("  no article has two annotators");
        return Ok(0);
    }
    println!("  token-overlap F1     annotators (each against each other)   extractor (against each annotator)");
    let row = |label: &str, a: Prf, b: Prf| println!("  {label:<20} {:.3}{:>40.3}", a.f1, b.f1);
    row("source", h.overlap.source, s.overlap.source);
    row("cue", h.overlap.cue, s.overlap.cue);
    row("content", h.overlap.content, s.overlap.content);
    row("attribution", h.attribution, s.attribution);
    Ok(0)
}
