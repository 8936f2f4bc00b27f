//! `parallax-eval extract`: main-text extraction from HTML pages against
//! gold text, with the article-extraction benchmark's body metric.
//!
//! Reads three gold layouts: a directory of `NAME.txt` (dragnet: plain
//! text; cleanportaleval: a leading `URL:` line and `<p>`/`<h>` markers), or
//! the benchmark's `ground-truth.json` (`{id: {"articleBody": ...}}`, pages
//! `id.html` or `id.html.gz`).
//!
//! A dragnet gold text holds the article, then the line
//! `!@#$%^&*()  COMMENTS`, then the page's reader comments (396 of its
//! 1,381 pages). The article body is what Parallax extracts, so the text
//! after that marker is left out of the gold unless `--with-comments`.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use parallax_extract::metric::{score, Aggregate};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct ExtractArgs {
    /// Directory of `NAME.html` pages.
    pub dir: PathBuf,
    /// Gold: a directory of `NAME.txt`, or a `ground-truth.json` file.
    /// Without it (or for pages without gold), speed only.
    #[arg(long)]
    pub gold: Option<PathBuf>,
    /// Which extractor to run (baselines need the `baselines` feature).
    #[arg(long, value_enum, default_value = "ours")]
    pub extractor: Extractor,
    /// Only pages with even or odd index (numeric names: by number).
    #[arg(long, value_enum, default_value = "all")]
    pub files: Files,
    /// Write each page's extracted text to `DIR/NAME.txt`.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 1) when body F1 is below this.
    #[arg(long)]
    pub min_f1: Option<f64>,
    /// Score dragnet pages against their gold article and reader comments
    /// (by default, the comments after dragnet's `!@#$%^&*()  COMMENTS`
    /// marker are left out: Parallax drops comments on purpose).
    #[arg(long)]
    pub with_comments: bool,
}

/// The line of a dragnet gold text between the article and its comments.
const COMMENTS_MARKER: &str = "!@#$%^&*()  COMMENTS";

#[derive(Clone, Copy, ValueEnum, PartialEq, Debug)]
pub enum Extractor {
    /// parallax-extract.
    Ours,
    /// The dom_smoothie crate (readability port).
    DomSmoothie,
    /// The trafilatura crate (port of go-trafilatura).
    Trafilatura,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum Files {
    All,
    Even,
    Odd,
}

struct Page {
    name: String,
    html: Vec<u8>,
    gold: Option<String>,
}

#[derive(Serialize)]
struct Report {
    dir: String,
    extractor: String,
    pages: usize,
    scored_pages: usize,
    precision: Option<f64>,
    recall: Option<f64>,
    f1: Option<f64>,
    pages_per_second: f64,
    /// Whether dragnet's reader comments were part of the gold.
    gold_with_comments: bool,
    share_with_title: f64,
    share_with_date: f64,
    share_with_author: f64,
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(e) = rest.as_bytes()[..rest.len().min(12)]
            .iter()
            .position(|&b| b == b';')
        {
            let ent = &rest[1..e];
            let rep = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            if let Some(c) = rep {
                out.push(c);
                rest = &rest[e + 1..];
                continue;
            }
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

/// A gold text in the dragnet or the cleanportaleval layout; dragnet's
/// reader comments are cut off unless `with_comments`.
fn read_gold(text: &str, with_comments: bool) -> String {
    let text = match text.find(COMMENTS_MARKER) {
        Some(i) if !with_comments => &text[..i],
        _ => text,
    };
    let mut lines: Vec<&str> = text.lines().skip_while(|l| l.trim().is_empty()).collect();
    if lines.first().is_some_and(|l| l.starts_with("URL:")) {
        lines.remove(0);
        let joined = lines
            .join("\n")
            .replace("<p>", "\n")
            .replace("<h>", "\n")
            .replace("<l>", "\n");
        return decode_entities(&strip_comments(&joined));
    }
    text.to_string()
}

/// The text without `<!-- … -->` notes (cleanportaleval marks a page
/// without an article so).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        match rest[i..].find("-->") {
            Some(j) => rest = &rest[i + j + 3..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A gold text file's text: UTF-16 or UTF-8 by its byte-order mark, else
/// UTF-8 when it is valid, else Windows-1252. Dragnet's gold holds 5
/// UTF-16 files and 39 in a single-byte code page; read as lossy UTF-8,
/// their words came out as replacement characters and scored as misses.
fn decode_gold(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

fn load(dir: &Path, gold: Option<&Path>, files: Files, with_comments: bool) -> Result<Vec<Page>> {
    let mut pages = Vec::new();
    match gold {
        Some(g) if g.is_file() => {
            let raw = std::fs::read_to_string(g)
                .with_context(|| format!("cannot read {}", g.display()))?;
            let v: serde_json::Value = serde_json::from_str(&raw)
                .with_context(|| format!("{} is not JSON", g.display()))?;
            let obj = v
                .as_object()
                .context("ground truth must be a JSON object")?;
            for (id, item) in obj {
                let body = item
                    .get("articleBody")
                    .and_then(|b| b.as_str())
                    .unwrap_or("")
                    .to_string();
                let html = std::fs::read(dir.join(format!("{id}.html")))
                    .or_else(|_| std::fs::read(dir.join(format!("{id}.html.gz"))));
                match html {
                    Ok(html) => pages.push(Page {
                        name: id.clone(),
                        html,
                        gold: Some(body),
                    }),
                    Err(e) => eprintln!("parallax-eval: skipped page {id}: {e}"),
                }
            }
        }
        _ => {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
                .with_context(|| format!("cannot read {}", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "html" || x == "htm"))
                .collect();
            entries.sort();
            for p in entries {
                let stem = p
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .to_string();
                let gold = gold
                    .and_then(|g| std::fs::read(g.join(format!("{stem}.txt"))).ok())
                    .map(|b| read_gold(&decode_gold(&b), with_comments));
                match std::fs::read(&p) {
                    Ok(html) => pages.push(Page {
                        name: stem,
                        html,
                        gold,
                    }),
                    Err(e) => eprintln!("parallax-eval: skipped {}: {e}", p.display()),
                }
            }
        }
    }
    let key = |n: &str| n.parse::<u64>().ok();
    pages.sort_by(|a, b| (key(&a.name), &a.name).cmp(&(key(&b.name), &b.name)));
    Ok(pages
        .into_iter()
        .enumerate()
        .filter(|(i, p)| {
            let idx = key(&p.name).map(|n| n as usize).unwrap_or(*i);
            match files {
                Files::All => true,
                Files::Even => idx % 2 == 0,
                Files::Odd => idx % 2 == 1,
            }
        })
        .map(|(_, p)| p)
        .collect())
}

struct Out {
    text: String,
    title: bool,
    date: bool,
    author: bool,
}

fn run_one(extractor: Extractor, html: &[u8]) -> Result<Out> {
    match extractor {
        Extractor::Ours => Ok(
            match parallax_extract::extract(html, &parallax_extract::Options::default()) {
                Ok(e) => Out {
                    text: e.text(),
                    title: e.title.is_some(),
                    date: e.published.is_some(),
                    author: !e.authors.is_empty(),
                },
                Err(_) => Out {
                    text: String::new(),
                    title: false,
                    date: false,
                    author: false,
                },
            },
        ),
        #[cfg(feature = "baselines")]
        Extractor::DomSmoothie => {
            let s = String::from_utf8_lossy(html);
            let cfg = dom_smoothie::Config {
                text_mode: dom_smoothie::TextMode::Formatted,
                ..Default::default()
            };
            Ok(
                match dom_smoothie::Readability::new(s.as_ref(), None, Some(cfg))
                    .and_then(|mut r| r.parse())
                {
                    Ok(a) => Out {
                        text: a.text_content.to_string(),
                        title: !a.title.is_empty(),
                        date: a.published_time.is_some(),
                        author: a.byline.is_some(),
                    },
                    Err(_) => Out {
                        text: String::new(),
                        title: false,
                        date: false,
                        author: false,
                    },
                },
            )
        }
        #[cfg(feature = "baselines")]
        Extractor::Trafilatura => {
            let s = String::from_utf8_lossy(html);
            Ok(
                match trafilatura::extract(&s, &trafilatura::Options::default()) {
                    Ok(r) => Out {
                        text: r.content_text.clone(),
                        title: !r.metadata.title.is_empty(),
                        date: r.metadata.date.is_some(),
                        author: !r.metadata.author.is_empty(),
                    },
                    Err(_) => Out {
                        text: String::new(),
                        title: false,
                        date: false,
                        author: false,
                    },
                },
            )
        }
        #[cfg(not(feature = "baselines"))]
        other => anyhow::bail!(
            "{other:?} is a baseline: build parallax-eval with `--features baselines`"
        ),
    }
}

pub fn run(args: ExtractArgs) -> Result<u8> {
    let pages = load(
        &args.dir,
        args.gold.as_deref(),
        args.files,
        args.with_comments,
    )?;
    if let Some(o) = &args.out {
        std::fs::create_dir_all(o).with_context(|| format!("cannot create {}", o.display()))?;
    }
    let mut agg = Aggregate::new();
    let mut elapsed = Duration::ZERO;
    let (mut nt, mut nd, mut na, mut scored) = (0usize, 0usize, 0usize, 0usize);
    for p in &pages {
        let t0 = Instant::now();
        let out = run_one(args.extractor, &p.html)?;
        elapsed += t0.elapsed();
        if let Some(g) = &p.gold {
            agg.add(score(&out.text, g));
            scored += 1;
        }
        nt += usize::from(out.title);
        nd += usize::from(out.date);
        na += usize::from(out.author);
        if let Some(o) = &args.out {
            std::fs::write(o.join(format!("{}.txt", p.name)), &out.text)?;
        }
    }
    let n = pages.len().max(1) as f64;
    let report = Report {
        dir: args.dir.display().to_string(),
        extractor: format!("{:?}", args.extractor).to_lowercase(),
        pages: pages.len(),
        scored_pages: scored,
        precision: (scored > 0).then(|| agg.precision()),
        recall: (scored > 0).then(|| agg.recall()),
        f1: (scored > 0).then(|| agg.f1()),
        pages_per_second: pages.len() as f64 / elapsed.as_secs_f64().max(1e-9),
        gold_with_comments: args.with_comments,
        share_with_title: nt as f64 / n,
        share_with_date: nd as f64 / n,
        share_with_author: na as f64 / n,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "extract {} ({}): {} pages, {} scored",
            report.dir, report.extractor, report.pages, report.scored_pages
        );
        match (report.precision, report.recall, report.f1) {
            (Some(p), Some(r), Some(f)) => println!("  body  P {p:.4}  R {r:.4}  F1 {f:.4}"),
            _ => println!("  no gold text: speed only"),
        }
        println!(
            "  {:.0} pages/s (extraction only, one thread); title {:.2}, date {:.2}, author {:.2} of pages",
            report.pages_per_second, report.share_with_title, report.share_with_date, report.share_with_author
        );
    }
    if let (Some(min), Some(f1)) = (args.min_f1, report.f1) {
        if f1 < min {
            eprintln!("parallax-eval: GATE FAILED: body F1 {f1:.4} < {min}");
            return Ok(1);
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_text_is_decoded_by_its_mark_or_as_a_code_page() {
        // UTF-16 little-endian with its byte-order mark.
        let mut utf16 = vec![0xff, 0xfe];
        for u in "Café au lait".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_gold(&utf16), "Café au lait");
        assert_eq!(decode_gold("Café".as_bytes()), "Café");
        assert_eq!(decode_gold(b"\xef\xbb\xbfCaf\xc3\xa9"), "Café");
        // Not UTF-8: Windows-1252 ("é" is 0xE9, the quote 0x93 0x94).
        assert_eq!(decode_gold(b"Caf\xe9 \x93ok\x94"), "Café “ok”");
    }

    #[test]
    fn dragnet_comments_are_cut_unless_asked() {
        let gold = "Title\nThe article.\n!@#$%^&*()  COMMENTS\nFirst!\n";
        assert_eq!(read_gold(gold, false), "Title\nThe article.\n");
        assert_eq!(read_gold(gold, true), gold);
        assert_eq!(read_gold("No comments here.", false), "No comments here.");
        let none = "URL: http://example.org/\n<!-- this page contains no article -->\n";
        assert_eq!(read_gold(none, false).trim(), "");
    }

    #[test]
    fn cleanportaleval_markers_become_lines() {
        let gold = "URL: http://example.org/a\n<h>Head\n<p>One &amp; two.";
        assert_eq!(read_gold(gold, false), "\nHead\n\nOne & two.");
    }
}
