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
    if !v.entities.is_empty() {
        println!("\nEntities (mentions / articles)");
        for e in v.entities.iter().take(30) {
            let kind = match e.kind {
                parallax_core::EntityKind::Person => "person",
                parallax_core::EntityKind::Organisation => "org",
                parallax_core::EntityKind::Location => "place",
                parallax_core::EntityKind::Misc => "misc",
                parallax_core::EntityKind::Unknown => "?",
            };
            let mut extra = Vec::new();
            let others: Vec<&String> = e.variants.iter().filter(|x| **x != e.name).collect();
            if !others.is_empty() {
                extra.push(format!(
                    "also {}",
                    others
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !e.roles.is_empty() {
                extra.push(e.roles.join("; "));
            }
            if let Some(m) = &e.metonym_of {
                extra.push(format!("stands for {m}"));
            }
            println!(
                "  {:<30} {:<7} {:>3} / {}{}",
                e.name,
                kind,
                e.mentions,
                e.articles,
                if extra.is_empty() {
                    String::new()
                } else {
                    format!("  ({})", extra.join(" · "))
                }
            );
        }
    }
    print_quotes(&v.quotes, None);
    if !v.citations.is_empty() {
        println!("\nCited sources (citations · outlets citing)");
        for c in &v.citations {
            println!(
                "  {:<36} {:>3} · {}",
                c.name,
                c.citations,
                c.outlets.join(", ")
            );
        }
    }
}

/// Prints quotes grouped by speaker, optionally only speakers matching
/// `filter` (case-insensitive substring).
pub fn print_quotes(
    quotes: &[parallax_compare::quotes::SpeakerQuotes],
    filter: Option<&str>,
) -> usize {
    let filter = filter.map(str::to_lowercase);
    let shown: Vec<_> = quotes
        .iter()
        .filter(|s| {
            filter
                .as_ref()
                .is_none_or(|f| s.speaker.to_lowercase().contains(f))
        })
        .collect();
    if shown.is_empty() {
        return 0;
    }
    println!("\nWho said what");
    for s in &shown {
        let kind = match s.speaker_kind {
            "anonymous" => " (anonymous)",
            "role" => " (unnamed role)",
            _ => "",
        };
        println!("  {}{}", s.speaker, kind);
        for q in &s.quotes {
            let mark = match q.kind {
                parallax_quotes::AttributionKind::Direct => "“”",
                parallax_quotes::AttributionKind::According => "acc",
                _ => "≈ ",
            };
            println!("    {mark} {}\n       — {}", q.text, q.outlets.join(", "));
        }
    }
    shown.len()
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

#[derive(Args)]
pub struct CheckArgs {
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn check(data_dir: &Path, config: ClusterConfig, args: CheckArgs) -> Result<u8> {
    if !data_dir.join("parallax.db").exists() {
        eprintln!("parallax: no store in {}", data_dir.display());
        return Ok(EXIT_PARTIAL);
    }
    let engine = open_engine(data_dir, config)?;
    let integrity = engine.integrity_check()?;
    let (articles, stories) = (engine.article_count()?, engine.story_count());
    if args.json {
        let v = serde_json::json!({
            "ok": integrity.is_ok(),
            "problem": integrity.as_ref().err(),
            "articles": articles,
            "stories": stories,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        match &integrity {
            Ok(()) => println!(
                "store ok: {} holds {articles} articles in {stories} stories",
                data_dir.display()
            ),
            Err(p) => println!("store DAMAGED: {}: {p}", data_dir.display()),
        }
    }
    Ok(if integrity.is_ok() {
        0
    } else {
        crate::EXIT_FATAL
    })
}

#[derive(Args)]
pub struct QuotesArgs {
    /// Only this story (id or unique prefix); default: every story.
    #[arg(long)]
    pub story: Option<String>,
    /// Only speakers whose name contains this (case-insensitive).
    #[arg(long)]
    pub speaker: Option<String>,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn quotes(data_dir: &Path, config: ClusterConfig, args: QuotesArgs) -> Result<u8> {
    let engine = open_engine(data_dir, config)?;
    let ids: Vec<String> = match &args.story {
        Some(s) => match engine.resolve_story(s)? {
            Some(id) => vec![id.to_string()],
            None => {
                eprintln!("parallax: no story `{s}` in {}", data_dir.display());
                return Ok(EXIT_PARTIAL);
            }
        },
        None => engine
            .stories(0)?
            .into_iter()
            .map(|s| s.id.to_string())
            .collect(),
    };
    let filter = args.speaker.as_ref().map(|s| s.to_lowercase());
    let mut all = Vec::new();
    for id in ids {
        let Some(v) = engine.story(&id)? else {
            continue;
        };
        let quotes: Vec<_> = v
            .quotes
            .into_iter()
            .filter(|s| {
                filter
                    .as_ref()
                    .is_none_or(|f| s.speaker.to_lowercase().contains(f))
            })
            .collect();
        if !quotes.is_empty() {
            all.push((v.summary, quotes));
        }
    }
    if args.json {
        let v: Vec<serde_json::Value> = all
            .iter()
            .map(|(s, q)| serde_json::json!({"story": s.id, "headline": s.headline, "speakers": q}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else if all.is_empty() {
        println!("No quotes found.");
    } else {
        for (s, q) in &all {
            println!("{}  {}", s.id, s.headline);
            print_quotes(q, None);
            println!();
        }
    }
    Ok(0)
}

#[derive(Args)]
pub struct EntitiesArgs {
    /// Only this story (id or unique prefix); default: every story.
    #[arg(long)]
    pub story: Option<String>,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn entities(data_dir: &Path, config: ClusterConfig, args: EntitiesArgs) -> Result<u8> {
    let engine = open_engine(data_dir, config)?;
    let ids: Vec<String> = match &args.story {
        Some(s) => match engine.resolve_story(s)? {
            Some(id) => vec![id.to_string()],
            None => {
                eprintln!("parallax: no story `{s}` in {}", data_dir.display());
                return Ok(EXIT_PARTIAL);
            }
        },
        None => engine
            .stories(0)?
            .into_iter()
            .map(|s| s.id.to_string())
            .collect(),
    };
    let mut all = Vec::new();
    for id in ids {
        if let Some(v) = engine.story(&id)? {
            all.push((v.summary, v.entities));
        }
    }
    if args.json {
        let v: Vec<serde_json::Value> = all
            .iter()
            .map(|(s, e)| serde_json::json!({"story": s.id, "headline": s.headline, "entities": e}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(0);
    }
    for (s, ents) in &all {
        println!("{}  {}", s.id, s.headline);
        for e in ents {
            let others: Vec<&str> = e
                .variants
                .iter()
                .filter(|x| **x != e.name)
                .map(String::as_str)
                .collect();
            println!(
                "  {:<32} {:<12} {:>3} mentions in {} article{}{}",
                e.name,
                format!("{:?}", e.kind).to_lowercase(),
                e.mentions,
                e.articles,
                if e.articles == 1 { "" } else { "s" },
                if others.is_empty() {
                    String::new()
                } else {
                    format!(" · also {}", others.join(", "))
                }
            );
        }
        println!();
    }
    Ok(0)
}
