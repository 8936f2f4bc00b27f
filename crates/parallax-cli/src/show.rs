//! The read commands: `stories`, `story`, `article`, `compare`.

use crate::{open_engine, EXIT_PARTIAL};
use anyhow::Result;
use clap::Args;
use parallax_core::{Article, ParagraphKind, StorySummary};
use parallax_engine::{ClusterConfig, StoryView};
use parallax_ingest::{Input, ReadOptions, Reader};
use std::path::Path;

#[derive(Args)]
pub struct StoriesArgs {
    /// Show at most this many stories (0: all).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct StoryArgs {
    /// Story id or unique prefix.
    pub id: String,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct ArticleArgs {
    /// Article id, external id, or unique id prefix.
    pub id: String,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct CompareArgs {
    /// The articles to compare (files or directories).
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
}

fn day(t: Option<chrono::DateTime<chrono::FixedOffset>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".into())
}

pub fn print_stories(stories: &[StorySummary]) {
    if stories.is_empty() {
        println!("No stories yet: add articles with `parallax ingest PATH`.");
        return;
    }
    println!(
        "{:<14} {:>4}  {:<16} {:<16} {:<28} HEADLINE",
        "STORY", "ARTS", "FIRST", "LAST", "OUTLETS"
    );
    for s in stories {
        let outlets = s.outlets.join(", ");
        let outlets = if outlets.chars().count() > 28 {
            format!("{}…", outlets.chars().take(27).collect::<String>())
        } else {
            outlets
        };
        println!(
            "{:<14} {:>4}  {:<16} {:<16} {:<28} {}",
            s.id,
            s.articles,
            day(s.first_seen),
            day(s.last_seen),
            outlets,
            s.headline
        );
    }
}

pub fn stories(data_dir: &Path, config: ClusterConfig, args: StoriesArgs) -> Result<u8> {
    let engine = open_engine(data_dir, config)?;
    let stories = engine.stories(args.limit)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&stories)?);
    } else {
        print_stories(&stories);
    }
    Ok(0)
}

pub fn print_story(v: &StoryView) {
    println!("{}  {}", v.summary.id, v.summary.headline);
    println!(
        "{} article{} · {} · first {} · last {}",
        v.summary.articles,
        if v.summary.articles == 1 { "" } else { "s" },
        if v.summary.outlets.is_empty() {
            "outlets unknown".to_string()
        } else {
            format!("outlets: {}", v.summary.outlets.join(", "))
        },
        day(v.summary.first_seen),
        day(v.summary.last_seen)
    );
    println!("\nArticles");
    for (i, a) in v.articles.iter().enumerate() {
        let ext = a
            .external_id
            .as_deref()
            .map(|e| format!(" [{e}]"))
            .unwrap_or_default();
        println!(
            "  {:>2}. {}{}  {} · {} · {} words\n      {}",
            i + 1,
            a.id,
            ext,
            a.outlet.as_deref().unwrap_or("(outlet unknown)"),
            day(a.published),
            a.words,
            a.title.as_deref().unwrap_or("(untitled)")
        );
    }
    if !v.comparison.shared_terms.is_empty() {
        println!("\nShared terms (articles using them)");
        let terms: Vec<String> = v
            .comparison
            .shared_terms
            .iter()
            .map(|t| format!("{} ({})", t.term, t.articles))
            .collect();
        println!("  {}", terms.join(", "));
    }
    if !v.comparison.names.is_empty() {
        println!("\nNames (mentions / articles)");
        for n in &v.comparison.names {
            println!("  {:<36} {:>3} / {}", n.name, n.mentions, n.articles);
        }
    }
}

pub fn story(data_dir: &Path, config: ClusterConfig, args: StoryArgs) -> Result<u8> {
    let engine = open_engine(data_dir, config)?;
    match engine.story(&args.id)? {
        Some(v) => {
            if args.json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                print_story(&v);
            }
            Ok(0)
        }
        None => {
            eprintln!("parallax: no story `{}` in {}", args.id, data_dir.display());
            Ok(EXIT_PARTIAL)
        }
    }
}

pub fn article(data_dir: &Path, config: ClusterConfig, args: ArticleArgs) -> Result<u8> {
    let engine = open_engine(data_dir, config)?;
    let found = engine.find_articles(&args.id)?;
    let exact: Vec<_> = found
        .iter()
        .filter(|a| {
            a.article.id.as_str() == args.id || a.article.external_id.as_deref() == Some(&args.id)
        })
        .collect();
    let chosen = if exact.len() == 1 {
        exact[0]
    } else if found.len() == 1 {
        &found[0]
    } else if found.is_empty() {
        eprintln!(
            "parallax: no article `{}` in {}",
            args.id,
            data_dir.display()
        );
        return Ok(EXIT_PARTIAL);
    } else {
        eprintln!(
            "parallax: `{}` is ambiguous: {}",
            args.id,
            found
                .iter()
                .map(|a| a.article.id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(EXIT_PARTIAL);
    };
    if args.json {
        let mut v = serde_json::to_value(&chosen.article)?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("story".into(), chosen.story.to_string().into());
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print_article(&chosen.article, Some(chosen.story.as_str()));
    }
    Ok(0)
}

fn print_article(a: &Article, story: Option<&str>) {
    println!("{}  {}", a.id, a.title.as_deref().unwrap_or("(untitled)"));
    let mut meta = Vec::new();
    if let Some(e) = &a.external_id {
        meta.push(format!("external id {e}"));
    }
    if let Some(o) = &a.outlet {
        meta.push(o.clone());
    }
    if let Some(p) = a.published {
        meta.push(p.to_rfc3339());
    }
    if let Some(l) = &a.language {
        meta.push(format!("language {l}"));
    }
    if let Some(s) = story {
        meta.push(format!("story {s}"));
    }
    println!("{}", meta.join(" · "));
    if let Some(u) = &a.url {
        println!("{u}");
    }
    if !a.authors.is_empty() {
        println!("By {}", a.authors.join(", "));
    }
    if let Some(sf) = &a.standfirst {
        println!("\n{sf}");
    }
    println!();
    for p in &a.paragraphs {
        let text = a.slice(p.span);
        match p.kind {
            ParagraphKind::Body => println!("{text}\n"),
            ParagraphKind::Headline | ParagraphKind::Standfirst => {}
            ParagraphKind::Caption => println!("[caption] {text}\n"),
            ParagraphKind::Boilerplate => println!("[boilerplate] {text}\n"),
        }
    }
    println!(
        "{} paragraphs, {} sentences",
        a.paragraphs.len(),
        a.sentences.len()
    );
}

pub fn compare(args: CompareArgs) -> Result<u8> {
    let inputs: Vec<Input> = args.paths.iter().map(|p| Input::parse(p)).collect();
    let mut articles = Vec::new();
    let mut failed = 0;
    for item in Reader::new(&inputs, ReadOptions::default()) {
        match item {
            Ok(a) => articles.push(a),
            Err(e) => {
                eprintln!("parallax: skipped {e}");
                failed += 1;
            }
        }
    }
    if articles.is_empty() {
        eprintln!("parallax: no article could be read");
        return Ok(EXIT_PARTIAL);
    }
    let v = parallax_engine::compare_articles(&articles);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print_story(&v);
    }
    Ok(if failed > 0 { EXIT_PARTIAL } else { 0 })
}
