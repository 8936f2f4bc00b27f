//! `parallax demo`: the built-in fictional corpus, end to end.

use crate::show::{print_stories, print_story};
use anyhow::{Context, Result};
use clap::Args;
use parallax_engine::{ClusterConfig, Engine};
use std::path::PathBuf;

/// The demo corpus: fictional articles written for Parallax (see
/// `demo/README.md`).
pub const CORPUS: &str = include_str!("../../../demo/corpus.jsonl");

#[derive(Args)]
pub struct DemoArgs {
    /// Where to build the demo store (default: a fresh temporary directory,
    /// removed afterwards).
    #[arg(long = "into")]
    pub into: Option<PathBuf>,
    /// Output JSON (the stories and the largest story's view); implies
    /// --no-serve.
    #[arg(long)]
    pub json: bool,
    /// Do not serve the demo data afterwards: print and exit (for scripts
    /// and CI).
    #[arg(long)]
    pub no_serve: bool,
    /// Address to serve the demo on (a free loopback port if it is taken).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
}

pub fn run(config: ClusterConfig, args: DemoArgs) -> Result<u8> {
    let temp;
    let dir = match &args.into {
        Some(d) => {
            if d.join("parallax.db").exists() {
                anyhow::bail!(
                    "{} already holds a store: give an empty or new directory",
                    d.display()
                );
            }
            d.clone()
        }
        None => {
            temp = std::env::temp_dir().join(format!("parallax-demo-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&temp);
            temp.clone()
        }
    };
    let mut engine = Engine::open(&dir, config)
        .with_context(|| format!("cannot create the demo store in {}", dir.display()))?;
    let mut articles = Vec::new();
    for (i, line) in CORPUS
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let mut draft = parallax_ingest::jsonl::parse_line(line)
            .with_context(|| format!("demo corpus line {}", i + 1))?;
        draft.source = Some(format!("demo/corpus.jsonl:{}", i + 1));
        articles.push(draft.build());
    }
    let n = articles.len();
    let report = engine.ingest_batch(articles)?;
    let stories = engine.stories(0)?;
    let biggest = stories
        .iter()
        .max_by_key(|s| s.articles)
        .map(|s| s.id.to_string());
    let view = match &biggest {
        Some(id) => engine.story(id)?,
        None => None,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "stories": stories, "largest_story": view })
            )?
        );
    } else {
        println!(
            "Parallax demo: {} fictional articles by {} outlets, ingested into {} stories.\n",
            n,
            stories
                .iter()
                .flat_map(|s| s.outlets.iter())
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            report.new_stories
        );
        print_stories(&stories);
        if let Some(v) = &view {
            println!("\n— The largest story —\n");
            print_story(v);
        }
        match &args.into {
            _ if !args.no_serve => {}
            Some(d) => println!(
                "\nThe demo store is in {}: try `parallax --data-dir {} stories`.",
                d.display(),
                d.display()
            ),
            None => println!(
                "\n(Use `parallax demo --into DIR` to keep the demo store and explore it.)"
            ),
        }
    }
    drop(engine);
    if !args.json && !args.no_serve {
        println!("\n— Serving the demo: open the address below in a browser —\n");
        let served = crate::serve::serve_read_only(&dir, config, args.addr);
        if args.into.is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        served?;
        return Ok(0);
    }
    if args.into.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(0)
}
