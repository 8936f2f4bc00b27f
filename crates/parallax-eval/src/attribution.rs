//! `parallax-eval attribution`: quotes and attributions on the PolNeAR
//! layout (`text/NAME.txt`, `attributions/NAME_ANNOTATOR.ann`).

use anyhow::{Context, Result};
use clap::Args;
use parallax_quotes::polnear::{from_analysis, parse_ann, write_ann, Evaluator, Prf};
use parallax_quotes::{extract, Options};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct AttributionArgs {
    /// A PolNeAR split: `text/*.txt` and, when scored, `attributions/*.ann`.
    pub dir: PathBuf,
    /// Write predictions as brat `.ann` files (one per text) into this dir.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 1) when token-overlap F1 of content is below this.
    #[arg(long)]
    pub min_content_f1: Option<f64>,
    /// Fail (exit 1) when token-overlap F1 of source is below this.
    #[arg(long)]
    pub min_source_f1: Option<f64>,
}

pub fn run(args: AttributionArgs) -> Result<u8> {
    let text_dir = args.dir.join("text");
    let mut names: Vec<String> = std::fs::read_dir(&text_dir)
        .with_context(|| format!("cannot read {}", text_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter_map(|p| Some(p.file_stem()?.to_string_lossy().to_string()))
        .collect();
    names.sort();
    // Gold: the first annotator's file in sorted order, when there are two.
    let mut gold_files: BTreeMap<String, PathBuf> = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(args.dir.join("attributions")) {
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
            gold_files.entry(name).or_insert(p);
        }
    }
    if let Some(o) = &args.out {
        std::fs::create_dir_all(o).with_context(|| format!("cannot create {}", o.display()))?;
    }
    let opts = Options::default();
    let mut ev = Evaluator::new();
    let (mut sentences, mut scored, mut failed) = (0usize, 0usize, 0usize);
    let mut elapsed = Duration::ZERO;
    for name in &names {
        let path = text_dir.join(format!("{name}.txt"));
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("parallax-eval: skipped {}: {e}", path.display());
                failed += 1;
                continue;
            }
        };
        let t0 = Instant::now();
        let analysis = extract(&text, &opts);
        elapsed += t0.elapsed();
        sentences += text
            .lines()
            .map(|l| parallax_quotes::sentences(l).len())
            .sum::<usize>();
        if let Some(gold_path) = gold_files.get(name) {
            match std::fs::read_to_string(gold_path)
                .map_err(anyhow::Error::from)
                .and_then(|a| Ok(parse_ann(&a, &text)?))
            {
                Ok(gold) => {
                    ev.add(&text, &gold, &from_analysis(&analysis));
                    scored += 1;
                }
                Err(e) => {
                    eprintln!("parallax-eval: gold skipped {}: {e}", gold_path.display());
                }
            }
        }
        if let Some(o) = &args.out {
            std::fs::write(o.join(format!("{name}.ann")), write_ann(&text, &analysis))?;
        }
    }
    let speed = sentences as f64 / elapsed.as_secs_f64().max(1e-9);
    let s = ev.scores();
    if args.json {
        let prf =
            |p: Prf| serde_json::json!({"precision": p.precision, "recall": p.recall, "f1": p.f1});
        let mut v = serde_json::json!({
            "dir": args.dir.display().to_string(),
            "articles": names.len(),
            "scored_articles": scored,
            "read_errors": failed,
            "sentences": sentences,
            "sentences_per_second": speed,
        });
        if scored > 0 {
            v["gold_attributions"] = s.gold.into();
            v["predicted_attributions"] = s.predicted.into();
            v["exact"] = serde_json::json!({"source": prf(s.exact.source), "cue": prf(s.exact.cue), "content": prf(s.exact.content)});
            v["overlap"] = serde_json::json!({"source": prf(s.overlap.source), "cue": prf(s.overlap.cue), "content": prf(s.overlap.content)});
            v["attribution"] = prf(s.attribution);
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "attribution {}: {} articles, {} scored",
            args.dir.display(),
            names.len(),
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
