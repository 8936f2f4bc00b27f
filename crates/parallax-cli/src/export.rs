//! `parallax export`.

use crate::open_engine;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use parallax_engine::ClusterConfig;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ExportArgs {
    /// What to export.
    #[arg(long, value_enum, default_value = "articles")]
    pub what: What,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum What {
    Articles,
    Stories,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Jsonl,
    Csv,
}

#[derive(Serialize)]
struct ArticleRow {
    id: String,
    external_id: Option<String>,
    story: String,
    outlet: Option<String>,
    url: Option<String>,
    title: Option<String>,
    published: Option<String>,
    language: Option<String>,
    authors: String,
    standfirst: Option<String>,
    text: String,
}

#[derive(Serialize)]
struct StoryRow {
    id: String,
    headline: String,
    articles: usize,
    outlets: String,
    first_seen: Option<String>,
    last_seen: Option<String>,
}

pub fn run(data_dir: &Path, config: ClusterConfig, args: ExportArgs) -> Result<u8> {
    let engine = open_engine(data_dir, config)?;
    let sink: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut sink = std::io::BufWriter::new(sink);
    match args.format {
        ExportFormat::Jsonl => {
            let mut err = None;
            match args.what {
                What::Articles => engine.for_each_article(|a| {
                    let row = article_row(a);
                    match serde_json::to_writer(&mut sink, &row)
                        .map_err(anyhow::Error::from)
                        .and_then(|_| writeln!(sink).map_err(Into::into))
                    {
                        Ok(()) => true,
                        Err(e) => {
                            err = Some(e);
                            false
                        }
                    }
                })?,
                What::Stories => {
                    for s in engine.stories(0)? {
                        serde_json::to_writer(&mut sink, &story_row(s))?;
                        writeln!(sink)?;
                    }
                }
            }
            if let Some(e) = err {
                return Err(e);
            }
        }
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut sink);
            let mut err = None;
            match args.what {
                What::Articles => {
                    engine.for_each_article(|a| match w.serialize(article_row(a)) {
                        Ok(()) => true,
                        Err(e) => {
                            err = Some(e);
                            false
                        }
                    })?
                }
                What::Stories => {
                    for s in engine.stories(0)? {
                        w.serialize(story_row(s))?;
                    }
                }
            }
            if let Some(e) = err {
                return Err(e.into());
            }
            w.flush()?;
        }
    }
    sink.flush()?;
    Ok(0)
}

fn article_row(a: parallax_engine::StoredArticle) -> ArticleRow {
    let text = a.article.body();
    let a_story = a.story.to_string();
    let a = a.article;
    ArticleRow {
        id: a.id.to_string(),
        external_id: a.external_id,
        story: a_story,
        outlet: a.outlet,
        url: a.url,
        title: a.title,
        published: a.published.map(|t| t.to_rfc3339()),
        language: a.language,
        authors: a.authors.join("; "),
        standfirst: a.standfirst,
        text,
    }
}

fn story_row(s: parallax_core::StorySummary) -> StoryRow {
    StoryRow {
        id: s.id.to_string(),
        headline: s.headline,
        articles: s.articles,
        outlets: s.outlets.join("; "),
        first_seen: s.first_seen.map(|t| t.to_rfc3339()),
        last_seen: s.last_seen.map(|t| t.to_rfc3339()),
    }
}
