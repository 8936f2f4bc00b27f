//! The NeuS roundup layout: one story per JSONL line, `id`, `articles[]`
//! (each with `title` and `text`) and the editor's `summary` (`title`,
//! `text`). Read by `parallax-eval summary` (the summary is the gold) and
//! by `parallax-eval cluster` (the line is the gold story of its articles).

use anyhow::{Context, Result};
use parallax_core::Article;
use parallax_ingest::ArticleDraft;
use serde::Deserialize;
use std::path::Path;

/// One roundup: a story told by several outlets.
#[derive(Deserialize)]
pub struct Roundup {
    /// The roundup's id.
    #[serde(default)]
    pub id: String,
    /// The outlets' articles.
    #[serde(default)]
    pub articles: Vec<Piece>,
    /// The editor's neutral summary.
    #[serde(default)]
    pub summary: Option<Piece>,
}

/// A title and a text.
#[derive(Deserialize, Default)]
pub struct Piece {
    /// The title, if any.
    #[serde(default)]
    pub title: Option<String>,
    /// The text, if any.
    #[serde(default)]
    pub text: Option<String>,
}

/// Reads the roundups of `path` (the first `limit`, when given), and how
/// many lines were skipped: a line that is not a roundup is reported with
/// its line number and skipped.
pub fn read(path: &Path, limit: Option<usize>) -> Result<(Vec<Roundup>, usize)> {
    let data =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    let mut skipped = 0;
    for (i, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Roundup>(line) {
            Ok(s) => out.push(s),
            Err(e) => {
                eprintln!("parallax-eval: {}:{}: skipped: {e}", path.display(), i + 1);
                skipped += 1;
            }
        }
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
    }
    Ok((out, skipped))
}

/// Whether `path` holds roundups: its first non-empty line is a JSON object
/// with an `articles` array. `false` for anything unreadable (the caller's
/// reader then reports it).
pub fn is_roundup_file(path: &Path) -> bool {
    use std::io::BufRead;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let first = std::io::BufReader::new(file)
        .lines()
        .map_while(|l| l.ok())
        .find(|l| !l.trim().is_empty());
    first
        .and_then(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
        .is_some_and(|v| v.get("articles").is_some_and(|a| a.is_array()))
}

/// What the articles of a roundup are read for.
#[derive(Clone, Copy, PartialEq)]
pub enum Use {
    /// `parallax-eval summary`: the articles are named "outlet 1", "outlet
    /// 2", … (the layout names no outlet: they differ within a roundup).
    Summary,
    /// `parallax-eval cluster`: no outlet (the same position in two roundups
    /// is not the same outlet), and the gold `event` field is the roundup's
    /// id (none when the id is empty: the labels are blanked).
    Clustering,
}

/// The roundup's articles with text, in order, with the external id `ID/i`.
pub fn articles(s: &Roundup, purpose: Use) -> Vec<Article> {
    s.articles
        .iter()
        .enumerate()
        .filter(|(_, p)| p.text.as_deref().is_some_and(|t| !t.trim().is_empty()))
        .map(|(i, p)| {
            let mut extra = serde_json::Map::new();
            if purpose == Use::Clustering && !s.id.is_empty() {
                extra.insert("event".into(), serde_json::Value::String(s.id.clone()));
            }
            ArticleDraft {
                external_id: Some(format!("{}/{}", s.id, i)),
                title: p.title.clone(),
                text: p.text.clone().unwrap_or_default(),
                outlet: (purpose == Use::Summary).then(|| format!("outlet {}", i + 1)),
                extra,
                ..Default::default()
            }
            .build()
        })
        .collect()
}
