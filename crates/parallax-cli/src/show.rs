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
    /// Output a Markdown report (facts, conflicts, numbers, coverage,
    /// framing) to paste into a document.
    #[arg(long, conflicts_with = "json")]
    pub markdown: bool,
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

/// The summary with `[n]` citations (numbers as in the article list),
/// then the timeline.
fn print_summary(v: &StoryView) {
    if !v.digest.is_empty() {
        println!("\nSummary");
        let text: Vec<String> = v
            .digest
            .iter()
            .map(|s| format!("{} {}", s.text, parallax_summary::marks(&s.sources)))
            .collect();
        for line in wrap(&text.join(" "), 76) {
            println!("  {line}");
        }
        let sources: Vec<String> = v
            .summary_sources
            .iter()
            .map(|s| format!("[{}] {}", s.n, s.outlet))
            .collect();
        println!("  Sources: {}", sources.join(" · "));
    }
    if !v.timeline.is_empty() {
        println!("\nTimeline");
        for e in &v.timeline {
            let kind = match e.kind {
                parallax_summary::timeline::EntryKind::Event => "happened",
                parallax_summary::timeline::EntryKind::Reported => "reported",
            };
            let mut ns: Vec<usize> = e.citations.iter().map(|c| c.n).collect();
            ns.sort_unstable();
            ns.dedup();
            println!(
                "  {}  {kind:<8}  {} {}",
                e.date,
                clip(&e.text, 110),
                parallax_summary::marks(&ns)
            );
        }
    }
}

/// Greedy word wrap.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
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
    print_summary(v);
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
    print!("{}", fact_sections(v, false));
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
    if let Some(to) = engine.story_redirect(&args.id)? {
        eprintln!(
            "parallax: story `{}` was merged into story `{to}`, shown here",
            args.id
        );
    }
    match engine.story(&args.id)? {
        Some(v) => {
            if args.json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else if args.markdown {
                print!("{}", markdown_story(&v));
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
            obj.insert("revisions".into(), chosen.revisions.into());
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print_article(&chosen.article, Some(chosen.story.as_str()));
        if chosen.revisions > 1 {
            println!(
                "(version {} of this page: newer versions replaced the first)",
                chosen.revisions
            );
        }
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
    if crate::store_url().is_none() && !data_dir.join("parallax.db").exists() {
        eprintln!("parallax: no store in {}", data_dir.display());
        return Ok(EXIT_PARTIAL);
    }
    let engine = open_engine(data_dir, config)?;
    let integrity = engine.integrity_check()?;
    let (articles, stories) = (engine.article_count()?, engine.story_count());
    let label = crate::store_label(data_dir);
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
            Ok(()) => println!("store ok: {label} holds {articles} articles in {stories} stories"),
            Err(p) => println!("store DAMAGED: {label}: {p}"),
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
    let Some(ids) = selected_stories(&engine, args.story.as_deref(), data_dir)? else {
        return Ok(EXIT_PARTIAL);
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
    #[arg(long, conflicts_with = "index")]
    pub story: Option<String>,
    /// One entry per entity across all stories (spelling variants, aliases
    /// and lone surnames merged as within a story), with the stories that
    /// mention it, instead of each story's entities.
    #[arg(long)]
    pub index: bool,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn entities(data_dir: &Path, config: ClusterConfig, args: EntitiesArgs) -> Result<u8> {
    let engine = open_engine(data_dir, config)?;
    if args.index {
        return entity_index(&engine, args.json);
    }
    let Some(ids) = selected_stories(&engine, args.story.as_deref(), data_dir)? else {
        return Ok(EXIT_PARTIAL);
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
            println!(
                "  {:<32} {:<12} {:>3} mentions in {} article{}{}",
                e.name,
                format!("{:?}", e.kind).to_lowercase(),
                e.mentions,
                e.articles,
                if e.articles == 1 { "" } else { "s" },
                also(&e.name, &e.variants)
            );
        }
        println!();
    }
    Ok(0)
}

/// `parallax entities --index`: the entities of every story, merged.
fn entity_index(engine: &parallax_engine::Engine, json: bool) -> Result<u8> {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    // Each story's entities come from its articles: long on a large store.
    let pb = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    pb.set_style(
        ProgressStyle::with_template("{spinner} reading stories {wide_bar} {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let views = engine.recent_views_with(0, &mut |done, total| {
        if total > 50 {
            pb.set_length(total as u64);
            pb.set_position(done as u64);
        }
    })?;
    pb.finish_and_clear();
    let index = parallax_engine::query::entity_index(&views);
    if json {
        println!("{}", serde_json::to_string_pretty(&index)?);
        return Ok(0);
    }
    for e in &index {
        println!(
            "{:<32} {:<12} {:>4} mentions in {} stor{}  [{}]{}",
            e.name,
            format!("{:?}", e.kind).to_lowercase(),
            e.mentions,
            e.stories.len(),
            if e.stories.len() == 1 { "y" } else { "ies" },
            e.id,
            also(&e.name, &e.variants)
        );
    }
    Ok(0)
}

/// " · also X, Y": the variants other than the display name, if any.
fn also(name: &str, variants: &[String]) -> String {
    let others: Vec<&str> = variants
        .iter()
        .filter(|x| *x != name)
        .map(String::as_str)
        .collect();
    if others.is_empty() {
        String::new()
    } else {
        format!(" · also {}", others.join(", "))
    }
}

fn status_label(s: parallax_core::FactStatus) -> &'static str {
    match s {
        parallax_core::FactStatus::Corroborated => "corroborated",
        parallax_core::FactStatus::SingleSource => "single source",
        parallax_core::FactStatus::Conflicting => "conflicting",
        parallax_core::FactStatus::Contested => "contested",
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    } else {
        s.to_string()
    }
}

/// The fact-level sections of a story (facts, conflicts, numbers,
/// coverage, framing, quotes by share), as plain text or Markdown.
pub fn fact_sections(v: &StoryView, md: bool) -> String {
    use std::fmt::Write;
    let r = &v.report;
    let mut o = String::new();
    let head = |o: &mut String, t: &str| {
        if md {
            let _ = writeln!(o, "\n## {t}\n");
        } else {
            let _ = writeln!(o, "\n{t}");
        }
    };
    let item = if md { "- " } else { "  " };
    let text_of = |id: &str| {
        r.facts
            .iter()
            .find(|f| f.id == id)
            .map_or(String::new(), |f| clip(&f.text, 110))
    };
    let count = |s| r.facts.iter().filter(|f| f.status == s).count();
    use parallax_core::FactStatus as S;
    head(
        &mut o,
        &format!(
            "Facts ({} · {} corroborated · {} single source · {} conflicting · {} contested · {} independent sources)",
            r.facts.len(),
            count(S::Corroborated),
            count(S::SingleSource),
            count(S::Conflicting),
            count(S::Contested),
            r.independent_sources
        ),
    );
    for c in &r.copies {
        let _ = writeln!(
            o,
            "{item}{} ({}) copies {} ({}), shingle overlap {:.2}: counted once",
            c.article, c.outlet, c.copy_of, c.original_outlet, c.similarity
        );
    }
    let shown: Vec<_> = r
        .facts
        .iter()
        .filter(|f| f.independent_sources > 1 || f.status != S::SingleSource)
        .take(40)
        .collect();
    for f in &shown {
        let _ = writeln!(
            o,
            "{item}{} [{}; {} source{}] {}",
            f.id,
            status_label(f.status),
            f.independent_sources,
            if f.independent_sources == 1 { "" } else { "s" },
            clip(&f.text, 140)
        );
        let mut by: Vec<String> = f
            .statements
            .iter()
            .map(|s| match (&s.attributed_to, &s.via) {
                (Some(a), Some(v)) => format!("{} (per {a}, via {v})", s.outlet),
                (Some(a), None) => format!("{} (per {a})", s.outlet),
                _ => s.outlet.clone(),
            })
            .collect();
        by.dedup();
        let _ = writeln!(o, "{}      — {}", if md { "  " } else { "" }, by.join(", "));
    }
    let single = r.facts.len() - shown.len();
    if single > 0 {
        let _ = writeln!(
            o,
            "{item}… and {single} single-source facts (see coverage, or --json)"
        );
    }
    if !r.conflicts.is_empty() {
        head(&mut o, "Conflicts");
        for c in &r.conflicts {
            match c.kind {
                parallax_compare::facts::ConflictKind::Outlets => {
                    let sides: Vec<String> = c
                        .sides
                        .iter()
                        .map(|s| format!("{} ({})", s.label, s.outlets.join(", ")))
                        .collect();
                    let _ = writeln!(
                        o,
                        "{item}outlets disagree on {}: {}",
                        c.subject,
                        sides.join(" vs ")
                    );
                }
                parallax_compare::facts::ConflictKind::Parties => {
                    let _ = writeln!(o, "{item}parties dispute a claim:");
                    for s in &c.sides {
                        let _ = writeln!(
                            o,
                            "{}    {}: “{}” — {}",
                            if md { "  " } else { "" },
                            s.label,
                            clip(&s.example, 120),
                            s.outlets.join(", ")
                        );
                    }
                }
            }
        }
    }
    if !r.numbers.is_empty() {
        head(&mut o, "Numbers");
        if md {
            o.push_str(
                "| quantity | value | as written | outlet | source |\n|---|---|---|---|---|\n",
            );
        }
        for n in r.numbers.iter().take(12) {
            let q = match &n.unit {
                Some(u) => format!("{} ({u})", n.quantity),
                None => n.quantity.clone(),
            };
            if !md {
                let _ = writeln!(o, "  {q} ({} distinct)", n.distinct);
            }
            for x in &n.values {
                let src = x.source.as_deref().unwrap_or("the outlet");
                if md {
                    let _ = writeln!(
                        o,
                        "| {q} | {} | {} | {} | {src} |",
                        x.value, x.text, x.outlet
                    );
                } else {
                    let _ = writeln!(
                        o,
                        "    {:>12}  {:<20} {} · {src}",
                        x.value,
                        clip(&x.text, 20),
                        x.outlet
                    );
                }
            }
        }
    }
    if !r.coverage.is_empty() {
        head(
            &mut o,
            "Coverage (facts reported · omitted that most others report · only here)",
        );
        for c in &r.coverage {
            let _ = writeln!(
                o,
                "{item}{}{}: {} reported, {} omitted, {} only here",
                c.outlet,
                c.copies
                    .as_deref()
                    .map(|x| format!(" (copies {x})"))
                    .unwrap_or_default(),
                c.reports.len(),
                c.omits.len(),
                c.only_here.len()
            );
            let pad = if md { "  " } else { "" };
            for id in c.omits.iter().take(3) {
                let _ = writeln!(o, "{pad}    omits {id}: {}", text_of(id));
            }
            for id in c.only_here.iter().take(3) {
                let _ = writeln!(o, "{pad}    only here {id}: {}", text_of(id));
            }
        }
    }
    if !r.framing.is_empty() {
        head(&mut o, "Framing (words each outlet uses)");
        for f in &r.framing {
            let _ = writeln!(o, "{item}{}:", f.concept);
            for b in &f.by_outlet {
                let t: Vec<String> = b.terms.iter().map(|(t, c)| format!("{t} ×{c}")).collect();
                let _ = writeln!(
                    o,
                    "{}    {}: {}",
                    if md { "  " } else { "" },
                    b.outlet,
                    t.join(", ")
                );
            }
        }
    }
    if !r.quote_share.is_empty() {
        head(
            &mut o,
            "Whose words each outlet quotes (share of attributed words)",
        );
        for q in &r.quote_share {
            let t: Vec<String> = q
                .speakers
                .iter()
                .take(4)
                .map(|s| format!("{} {:.0}%", s.speaker, s.share * 100.0))
                .collect();
            let _ = writeln!(
                o,
                "{item}{} ({} words): {}",
                q.outlet,
                q.words,
                t.join(", ")
            );
        }
    }
    o
}

/// A Markdown report of a story, for pasting.
pub fn markdown_story(v: &StoryView) -> String {
    let mut o = format!(
        "# {}\n\nStory `{}` · {} articles · {} independent sources · first {} · last {}\n\n",
        v.summary.headline,
        v.summary.id,
        v.summary.articles,
        v.report.independent_sources,
        day(v.summary.first_seen),
        day(v.summary.last_seen)
    );
    if !v.digest.is_empty() {
        o.push_str("## Summary\n\n");
        let text: Vec<String> = v
            .digest
            .iter()
            .map(|s| format!("{} {}", s.text, parallax_summary::marks(&s.sources)))
            .collect();
        o.push_str(&text.join(" "));
        o.push_str("\n\n");
    }
    if !v.timeline.is_empty() {
        o.push_str("## Timeline\n\n");
        for e in &v.timeline {
            let mut ns: Vec<usize> = e.citations.iter().map(|c| c.n).collect();
            ns.sort_unstable();
            ns.dedup();
            let kind = match e.kind {
                parallax_summary::timeline::EntryKind::Event => "happened",
                parallax_summary::timeline::EntryKind::Reported => "first reported",
            };
            o.push_str(&format!(
                "- **{}** ({kind}): {} {}\n",
                e.date,
                e.text,
                parallax_summary::marks(&ns)
            ));
        }
        o.push('\n');
    }
    o.push_str("## Articles\n\n| # | outlet | published | title |\n|---|---|---|---|\n");
    for (i, a) in v.articles.iter().enumerate() {
        o.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            i + 1,
            a.outlet.as_deref().unwrap_or("?"),
            day(a.published),
            a.title.as_deref().unwrap_or("(untitled)").replace('|', "/")
        ));
    }
    o.push_str(&fact_sections(v, true));
    o
}

/// The ids of the stories a `--story` option selects: the one given (id or
/// unique prefix), or every story. `None` (after a message) when the given
/// story does not exist.
fn selected_stories(
    engine: &parallax_engine::Engine,
    story: Option<&str>,
    data_dir: &Path,
) -> Result<Option<Vec<String>>> {
    Ok(match story {
        Some(s) => match engine.resolve_story(s)? {
            Some(id) => Some(vec![id.to_string()]),
            None => {
                eprintln!("parallax: no story `{s}` in {}", data_dir.display());
                None
            }
        },
        None => Some(
            engine
                .stories(0)?
                .into_iter()
                .map(|s| s.id.to_string())
                .collect(),
        ),
    })
}
