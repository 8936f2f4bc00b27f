//! Article extraction for news web pages.
//!
//! [`extract`] turns the bytes of one HTML page into an [`Extracted`]
//! article: the main text as ordered [`Block`]s (navigation, ads, related
//! links, comments, share bars, cookie banners, captions and newsletter boxes
//! removed) plus metadata (title, standfirst, authors and wire credits,
//! dates, outlet, canonical URL, language, section, image), each metadata
//! field recording which source it was taken from. When the page's JSON-LD
//! states the story's text (`articleBody`), the body found from the layout
//! is checked against it, and gives way when it misses most of it.
//!
//! The crate does no file or network I/O. Input handling is defensive: gzip
//! input is detected by its magic bytes, the character set is found from the
//! HTTP header, a byte-order mark, `<meta>` declarations or a statistical
//! guess, input is capped in size, and all tree walks are iterative so
//! pathological nesting cannot overflow the stack.
//!
//! [`metric`] reproduces the article-extraction benchmark's body metric.

#![forbid(unsafe_code)]
// Guards inside match arms read more clearly than merged patterns here.
#![allow(clippy::collapsible_match)]

mod body;
mod decode;
mod guard;
mod meta;
pub mod metric;
mod stated;
mod text;

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};

pub use decode::CharsetSource;

/// Options for [`extract`].
#[derive(Debug, Clone)]
pub struct Options {
    /// Largest input accepted, in bytes (after gzip inflation). Default 20 MB.
    pub max_bytes: usize,
    /// The `Content-Type` header (or just its charset label) from HTTP, when known.
    pub http_charset: Option<String>,
    /// The known URL of the page; used for the URL date path and as a
    /// fallback canonical URL.
    pub url: Option<String>,
    /// "Now" for rejecting future dates; defaults to the system clock.
    pub now: Option<DateTime<Utc>>,
    /// Largest number of DOM nodes examined for the body; a page with more
    /// is cut off there (a work limit). Default 1,000,000.
    pub max_nodes: usize,
    /// Whether to put the headline (`<h1>`) at the start of the body when it
    /// sits just before the article container. Default true.
    pub include_title_in_body: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_bytes: 20 * 1024 * 1024,
            http_charset: None,
            url: None,
            now: None,
            max_nodes: 1_000_000,
            include_title_in_body: true,
        }
    }
}

/// The kind of a block of main text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    /// An ordinary paragraph.
    Paragraph,
    /// A heading (`<h1>`–`<h6>`).
    Heading,
    /// An item of a list.
    ListItem,
    /// A block quotation.
    Quote,
}

/// One block of the main text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Whitespace-normalised text of the block.
    pub text: String,
    /// What kind of block it is.
    pub kind: BlockKind,
}

/// An extracted article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// Headline.
    pub title: Option<String>,
    /// Description or standfirst.
    pub description: Option<String>,
    /// Main text, in document order.
    pub paragraphs: Vec<Block>,
    /// Personal authors (wire agencies are in [`Extracted::credit`]).
    pub authors: Vec<String>,
    /// Wire-agency credits such as "AP", "Reuters", "AFP".
    pub credit: Vec<String>,
    /// Publication date and time.
    pub published: Option<DateTime<FixedOffset>>,
    /// Last modification date and time.
    pub modified: Option<DateTime<FixedOffset>>,
    /// Outlet or site name.
    pub outlet: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// Language tag (e.g. `en`, `en-GB`).
    pub language: Option<String>,
    /// Section of the outlet (e.g. "Politics").
    pub section: Option<String>,
    /// Main image URL.
    pub image: Option<String>,
    /// For each metadata field found, the source that won: `"json-ld"`,
    /// `"og"`, `"meta"`, `"dc"`, `"microdata"`, `"time"`, `"byline"`,
    /// `"url"`, `"html"`, `"http"`.
    pub sources: BTreeMap<&'static str, &'static str>,
    /// Name of the character encoding used to decode the page.
    pub encoding: &'static str,
}

impl Extracted {
    /// The main text: blocks joined by blank lines.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, b) in self.paragraphs.iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            out.push_str(&b.text);
        }
        out
    }
}

/// Why extraction failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtractError {
    /// The input (after gzip inflation) is larger than [`Options::max_bytes`].
    #[error("input larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit in force.
        limit: usize,
    },
    /// The input looked like gzip but could not be inflated.
    #[error("invalid gzip input: {0}")]
    Gzip(String),
    /// The input is empty.
    #[error("empty input")]
    Empty,
}

/// Extracts the article from the bytes of one HTML page.
pub fn extract(html: &[u8], opts: &Options) -> Result<Extracted, ExtractError> {
    if html.len() > opts.max_bytes {
        return Err(ExtractError::TooLarge {
            limit: opts.max_bytes,
        });
    }
    let bytes = decode::maybe_gunzip(html, opts.max_bytes)?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ExtractError::Empty);
    }
    let (text, encoding, _src) = decode::decode(&bytes, opts.http_charset.as_deref());
    Ok(extract_str_with_encoding(&text, opts, encoding))
}

/// Extracts the article from already-decoded HTML text.
pub fn extract_str(html: &str, opts: &Options) -> Extracted {
    extract_str_with_encoding(html, opts, "UTF-8")
}

fn extract_str_with_encoding(html: &str, opts: &Options, encoding: &'static str) -> Extracted {
    let html = guard::limit_depth(html);
    let doc = scraper::Html::parse_document(&html);
    let mut out = Extracted {
        encoding,
        ..Default::default()
    };
    let now = opts.now.unwrap_or_else(Utc::now);
    let md = meta::extract_metadata(&doc, opts.url.as_deref(), now);
    md.apply(&mut out);
    out.paragraphs =
        body::extract_body(&doc, opts, md.json_ld_body.as_deref(), out.title.as_deref());
    out
}
