//! `parallax extract`: the main text and metadata of web pages, without the
//! store (what `trafilatura` users expect of a command).

use crate::EXIT_PARTIAL;
use anyhow::Result;
use clap::Args;
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ExtractArgs {
    /// HTML files, directories of them (recursive), or `-` for stdin.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// One JSON object per page (JSON Lines) instead of plain text.
    #[arg(long)]
    pub json: bool,
    /// The page's URL, when extracting a single page.
    #[arg(long)]
    pub url: Option<String>,
    /// Largest page accepted, in bytes.
    #[arg(long, default_value_t = 20 * 1024 * 1024)]
    pub max_bytes: usize,
}

#[derive(Serialize)]
struct PageOut {
    id: String,
    title: Option<String>,
    description: Option<String>,
    text: String,
    authors: Vec<String>,
    credit: Vec<String>,
    published: Option<String>,
    modified: Option<String>,
    outlet: Option<String>,
    url: Option<String>,
    language: Option<String>,
    section: Option<String>,
    image: Option<String>,
    metadata_sources: std::collections::BTreeMap<&'static str, &'static str>,
}

fn pages(paths: &[String]) -> Vec<(String, Option<PathBuf>)> {
    let mut out = Vec::new();
    for p in paths {
        if p == "-" {
            out.push(("-".to_string(), None));
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let mut files: Vec<PathBuf> = walk(path);
            files.sort();
            out.extend(
                files
                    .into_iter()
                    .map(|f| (f.display().to_string(), Some(f))),
            );
        } else {
            out.push((p.clone(), Some(path.to_path_buf())));
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|x| x == "html" || x == "htm" || x == "xhtml")
            {
                out.push(p);
            }
        }
    }
    out
}

pub fn run(args: ExtractArgs) -> Result<u8> {
    let mut failed = 0;
    let list = pages(&args.paths);
    let many = list.len() > 1;
    for (name, path) in list {
        let bytes = match &path {
            Some(p) => std::fs::read(p),
            None => {
                let mut b = Vec::new();
                std::io::stdin().lock().read_to_end(&mut b).map(|_| b)
            }
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                eprintln!("parallax: skipped {name}: {e}");
                failed += 1;
                continue;
            }
        };
        let opts = parallax_extract::Options {
            url: args.url.clone(),
            max_bytes: args.max_bytes,
            ..Default::default()
        };
        let e = match parallax_extract::extract(&bytes, &opts) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("parallax: skipped {name}: {e}");
                failed += 1;
                continue;
            }
        };
        let id = path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "-".into());
        if args.json {
            let out = PageOut {
                id,
                text: e.text(),
                title: e.title,
                description: e.description,
                authors: e.authors,
                credit: e.credit,
                published: e.published.map(|t| t.to_rfc3339()),
                modified: e.modified.map(|t| t.to_rfc3339()),
                outlet: e.outlet,
                url: e.url,
                language: e.language,
                section: e.section,
                image: e.image,
                metadata_sources: e.sources,
            };
            println!("{}", serde_json::to_string(&out)?);
        } else {
            if many {
                println!("==> {name} <==");
            }
            if let Some(t) = &e.title {
                println!("{t}\n");
            }
            println!("{}", e.text());
            if many {
                println!();
            }
        }
    }
    Ok(if failed > 0 { EXIT_PARTIAL } else { 0 })
}
