//! `parallax search`: full-text search over the stored articles.

use crate::{open_engine, EXIT_PARTIAL};
use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use parallax_engine::ClusterConfig;
use parallax_server::search::{parse_date, Hit, Results, SearchIndex, SearchQuery, Sort};
use std::path::Path;

#[derive(Args)]
pub struct SearchArgs {
    /// The query: words, "a phrase" (quoted), -word, title:word, a OR b.
    #[arg(required_unless_present = "reindex")]
    pub query: Option<String>,
    /// Only this outlet.
    #[arg(long)]
    pub outlet: Option<String>,
    /// Only articles that name this entity (as a phrase).
    #[arg(long)]
    pub entity: Option<String>,
    /// Published at or after (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    pub from: Option<String>,
    /// Published at or before (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    pub to: Option<String>,
    /// Order of the results.
    #[arg(long, value_enum, default_value = "relevance")]
    pub sort: SortArg,
    /// Results to show.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Rebuild the search index (DATA_DIR/search) from the store.
    #[arg(long)]
    pub reindex: bool,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SortArg {
    Relevance,
    Time,
}

fn date(s: &Option<String>, end: bool) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>> {
    match s {
        None => Ok(None),
        Some(s) => match parse_date(s, end) {
            Some(t) => Ok(Some(t)),
            None => bail!("`{s}` is not a date (YYYY-MM-DD) or an RFC 3339 time"),
        },
    }
}

pub fn run(data_dir: &Path, config: ClusterConfig, args: SearchArgs) -> Result<u8> {
    if let Some(url) = crate::store_url() {
        return run_postgres(url, args);
    }
    let engine = open_engine(data_dir, config)?;
    let index = SearchIndex::open(data_dir)?;
    if args.reindex {
        let n = index.rebuild(&engine)?;
        eprintln!(
            "parallax: indexed {n} articles in {}",
            index.path().display()
        );
        if args.query.is_none() {
            return Ok(0);
        }
    } else if index.refresh_if_stale(&engine)? {
        eprintln!("parallax: the search index was behind the store: rebuilt it");
    }
    let q = SearchQuery {
        q: args.query.clone().unwrap_or_default(),
        outlet: args.outlet.clone(),
        entity: args.entity.clone(),
        from: date(&args.from, false)?,
        to: date(&args.to, true)?,
        sort: match args.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Time => Sort::Time,
        },
        offset: 0,
        limit: args.limit.clamp(1, 100),
    };
    let r = match index.search(&q) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("parallax: {e}");
            return Ok(2);
        }
    };
    show(&r, args.json)
}

/// Search on a PostgreSQL store: its own full-text index (a generated
/// `tsvector` with a GIN index), shared by every worker, instead of the
/// tantivy index of a data dir.
fn run_postgres(url: &str, args: SearchArgs) -> Result<u8> {
    use anyhow::Context;
    if args.reindex {
        bail!("--reindex is for the embedded store: PostgreSQL keeps its search index up to date itself");
    }
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        bail!(
            "unsupported --store `{}`: give a postgres:// URL, or no --store for the embedded store in the data dir",
            crate::store_label(Path::new("."))
        );
    }
    let label = crate::store_label(Path::new("."));
    let store = parallax_store_pg::PgStore::connect(url)
        .with_context(|| format!("cannot open the store {label}"))?;
    let q = parallax_store_pg::PgSearch {
        query: args.query.clone().unwrap_or_default(),
        outlet: args.outlet.clone(),
        phrase: args.entity.clone(),
        from: date(&args.from, false)?,
        to: date(&args.to, true)?,
        by_time: matches!(args.sort, SortArg::Time),
        offset: 0,
        limit: args.limit.clamp(1, 100),
    };
    let (total, hits) = store
        .search_page(&q)
        .with_context(|| format!("search failed on {label}"))?;
    let r = Results {
        total,
        hits: hits
            .into_iter()
            .map(|h| Hit {
                id: h.id.to_string(),
                title: h.title,
                outlet: h.outlet,
                story: h.story.to_string(),
                published: h.published,
                score: h.rank,
                snippet: h.snippet,
                highlights: h.highlights,
            })
            .collect(),
    };
    show(&r, args.json)
}

/// Prints search results; exit code 1 when nothing matched.
fn show(r: &Results, json: bool) -> Result<u8> {
    if json {
        println!("{}", serde_json::to_string_pretty(r)?);
    } else if r.hits.is_empty() {
        println!("No article matches.");
    } else {
        println!(
            "{} matching article{}",
            r.total,
            if r.total == 1 { "" } else { "s" }
        );
        for h in &r.hits {
            println!(
                "\n{}  {}\n  {} · {} · story {}\n  {}",
                h.id,
                if h.title.is_empty() {
                    "(untitled)"
                } else {
                    &h.title
                },
                h.outlet.as_deref().unwrap_or("outlet unknown"),
                h.published.as_deref().unwrap_or("-"),
                h.story,
                h.snippet.replace('\n', " ")
            );
        }
    }
    Ok(if r.hits.is_empty() { EXIT_PARTIAL } else { 0 })
}
