//! Feeds: RSS 0.9x, 1.0 and 2.0, Atom and JSON Feed (through feed-rs) into
//! [`FeedEntry`]s, and feed discovery in HTML pages.
//!
//! Each entry gets a stable [`FeedEntry::key`]: its `guid`/`id` when the
//! feed gives one, else its link, else a hash of its title and text. feed-rs
//! would invent a random id for an entry with neither id, link nor title;
//! such an entry is keyed by its content instead, so that polling the same
//! feed twice never sees it as new.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use url::Url;

/// Why a feed could not be read.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FeedError {
    /// An HTML page was given where a feed was expected.
    #[error("not a feed but an HTML page{}", match .0.first() { Some(f) => format!("; it names the feed {f}: watch that instead"), None => String::new() })]
    HtmlPage(Vec<String>),
    /// The parser failed.
    #[error("not a valid RSS, Atom or JSON feed: {0}")]
    Invalid(String),
}

/// A parsed feed.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    /// The feed's title (often the outlet's name).
    pub title: Option<String>,
    /// The site the feed belongs to.
    pub site: Option<String>,
    /// How long the feed asks to be cached (RSS `<ttl>`).
    pub ttl: Option<Duration>,
    /// The entries, in feed order.
    pub entries: Vec<FeedEntry>,
}

/// One entry of a feed: what is needed to fetch its page and to merge its
/// metadata with the page's.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FeedEntry {
    /// Stable key of the entry within its feed.
    pub key: String,
    /// The page of the entry (absolute), when it has one.
    pub link: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Author names.
    pub authors: Vec<String>,
    /// Publication time.
    pub published: Option<DateTime<Utc>>,
    /// Last update.
    pub updated: Option<DateTime<Utc>>,
    /// Categories (labels, or terms).
    pub categories: Vec<String>,
    /// Summary (RSS `description`, Atom `summary`), often HTML.
    pub summary: Option<String>,
    /// Full content (`content:encoded`, Atom `content`, JSON Feed
    /// `content_html`/`content_text`), when the feed carries it.
    pub content: Option<String>,
    /// Language declared for the entry or the feed.
    pub language: Option<String>,
}

/// Parses a feed fetched from `url` (used to resolve relative links).
pub fn parse_feed(bytes: &[u8], url: &str) -> Result<ParsedFeed, FeedError> {
    if looks_like_html(bytes) {
        return Err(FeedError::HtmlPage(discover_feeds(bytes, url)));
    }
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(url))
        // Ids for entries without one: the link, else the title; empty
        // when neither (replaced by a content hash below), never random.
        .id_generator(|links, title, _| {
            if let Some(l) = links.first() {
                l.href.clone()
            } else if let Some(t) = title {
                format!("title:{}", t.content.trim())
            } else {
                String::new()
            }
        })
        .build();
    let feed = parser
        .parse(bytes)
        .map_err(|e| FeedError::Invalid(e.to_string()))?;
    let base = Url::parse(url).ok();
    let resolve = |href: &str| -> Option<String> {
        let href = href.trim();
        if href.is_empty() {
            return None;
        }
        match &base {
            Some(b) => b.join(href).ok().map(|u| u.to_string()),
            None => Url::parse(href).ok().map(|u| u.to_string()),
        }
    };
    let feed_language = feed.language.clone();
    let site = feed
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .and_then(|l| resolve(&l.href));
    let mut entries = Vec::with_capacity(feed.entries.len());
    for e in feed.entries {
        let link = e
            .links
            .iter()
            .find(|l| {
                l.rel.as_deref().is_none_or(|r| r == "alternate")
                    && l.media_type.as_deref().is_none_or(|t| t.contains("html"))
            })
            .or_else(|| {
                e.links.iter().find(|l| {
                    !matches!(
                        l.rel.as_deref(),
                        Some("self" | "enclosure" | "replies" | "edit" | "related")
                    )
                })
            })
            .and_then(|l| resolve(&l.href))
            .or_else(|| {
                // An RSS guid that is a permalink.
                crate::is_http_url(&e.id).then(|| e.id.clone())
            });
        let title = e
            .title
            .as_ref()
            .map(|t| clean_text(&t.content))
            .filter(|t| !t.is_empty());
        let summary = e
            .summary
            .as_ref()
            .map(|t| t.content.trim().to_string())
            .filter(|s| !s.is_empty());
        let content = e
            .content
            .as_ref()
            .and_then(|c| c.body.as_ref())
            .map(|b| b.trim().to_string())
            .filter(|s| !s.is_empty());
        let mut authors: Vec<String> = Vec::new();
        for p in &e.authors {
            if let Some(n) = p.name.as_deref().map(author_name).filter(|n| !n.is_empty()) {
                if !authors.contains(&n) {
                    authors.push(n);
                }
            }
        }
        let mut categories: Vec<String> = Vec::new();
        for c in &e.categories {
            let label = c.label.as_deref().unwrap_or(&c.term).trim().to_string();
            if !label.is_empty() && !categories.contains(&label) {
                categories.push(label);
            }
        }
        let key = if !e.id.trim().is_empty() {
            e.id.trim().to_string()
        } else if let Some(l) = &link {
            l.clone()
        } else {
            let text = [&title, &summary, &content]
                .iter()
                .map(|s| s.as_deref().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\u{1f}");
            if text.len() <= 2 {
                continue; // nothing to key, nothing to read
            }
            format!("hash:{:016x}", fnv1a(text.as_bytes()))
        };
        entries.push(FeedEntry {
            key,
            link,
            title,
            authors,
            published: e.published.or(e.updated),
            updated: e.updated,
            categories,
            summary,
            content,
            language: e.language.or_else(|| feed_language.clone()),
        });
    }
    Ok(ParsedFeed {
        title: feed
            .title
            .map(|t| clean_text(&t.content))
            .filter(|t| !t.is_empty()),
        site,
        ttl: feed.ttl.map(|m| Duration::from_secs(u64::from(m) * 60)),
        entries,
    })
}

/// RSS authors are often `email (Name)`: keep the name.
fn author_name(raw: &str) -> String {
    let raw = raw.trim();
    if let (Some(open), true) = (raw.find('('), raw.ends_with(')')) {
        if raw[..open].contains('@') {
            return raw[open + 1..raw.len() - 1].trim().to_string();
        }
    }
    if raw.starts_with('(') && raw.ends_with(')') {
        return raw[1..raw.len() - 1].trim().to_string();
    }
    if raw.contains('@') && !raw.contains(' ') {
        return String::new(); // a bare e-mail address is not a name
    }
    raw.to_string()
}

fn clean_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 64-bit FNV-1a: a hash that stays the same across runs and versions.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// True when the bytes start (after a BOM and spaces) like an HTML
/// document rather than XML or JSON.
fn looks_like_html(bytes: &[u8]) -> bool {
    let head = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let head = &head[start..head.len().min(start + 512)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html")
}

/// The feeds an HTML page advertises with `<link rel="alternate"
/// type="application/rss+xml|atom+xml|feed+json" href="...">`, absolute.
pub fn discover_feeds(html: &[u8], base: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(&html[..html.len().min(256 * 1024)]);
    let lower = text.to_ascii_lowercase();
    let base = Url::parse(base).ok();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<link") {
        let start = from + i;
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        let tag = &text[start..end];
        from = end;
        let attr = |name: &str| attribute(tag, name);
        let rel = attr("rel").unwrap_or_default().to_ascii_lowercase();
        let ty = attr("type").unwrap_or_default().to_ascii_lowercase();
        if !rel.split_whitespace().any(|r| r == "alternate")
            || !(ty.contains("rss") || ty.contains("atom") || ty.contains("feed+json"))
        {
            continue;
        }
        if let Some(href) = attr("href") {
            let abs = match &base {
                Some(b) => b.join(&href).ok().map(|u| u.to_string()),
                None => Url::parse(&href).ok().map(|u| u.to_string()),
            };
            if let Some(a) = abs.filter(|a| !found.contains(a)) {
                found.push(a);
            }
        }
    }
    found
}

/// The value of attribute `name` in the text of one tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at > 0 && lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - rest.len() + 1;
        let v = tag[value_start..].trim_start();
        let (quote, body) = match v.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &v[1..]),
            _ => (None, v),
        };
        let end = match quote {
            Some(q) => body.find(q).unwrap_or(body.len()),
            None => body
                .find(|c: char| c.is_ascii_whitespace() || c == '/')
                .unwrap_or(body.len()),
        };
        return Some(body[..end].replace("&amp;", "&"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Velmar Daily</title><link>https://velmar.example/</link><ttl>30</ttl>
<item><title>Ferry service to Oskel resumes</title><link>/news/ferry</link>
<guid isPermaLink="false">velmar-1001</guid><pubDate>Mon, 02 Mar 2026 09:00:00 +0100</pubDate>
<author>desk@velmar.example (Ana Ribe)</author><category>Transport</category>
<description>The ferry runs again.</description></item>
<item><title>No guid here</title><link>https://velmar.example/news/b</link></item>
<item><description>Neither a link nor a title, only text.</description></item>
</channel></rss>"#;

    #[test]
    fn rss_entries_with_stable_keys() {
        let f = parse_feed(RSS.as_bytes(), "https://velmar.example/feed.xml").unwrap();
        assert_eq!(f.title.as_deref(), Some("Velmar Daily"));
        assert_eq!(f.ttl, Some(Duration::from_secs(1800)));
        assert_eq!(f.entries.len(), 3);
        let a = &f.entries[0];
        assert_eq!(a.key, "velmar-1001");
        assert_eq!(a.link.as_deref(), Some("https://velmar.example/news/ferry"));
        assert_eq!(a.authors, vec!["Ana Ribe"]);
        assert_eq!(a.categories, vec!["Transport"]);
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2026-03-02T08:00:00+00:00"
        );
        assert_eq!(f.entries[1].key, "https://velmar.example/news/b");
        assert!(f.entries[2].key.starts_with("hash:"));
        let again = parse_feed(RSS.as_bytes(), "https://velmar.example/feed.xml").unwrap();
        assert_eq!(f, again);
    }

    #[test]
    fn atom_and_json_feed() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Oskel Courier</title><id>urn:oskel</id><updated>2026-03-02T10:00:00Z</updated>
<entry><id>urn:oskel:7</id><title>Harbour fees cut</title><updated>2026-03-02T10:00:00Z</updated>
<link rel="alternate" type="text/html" href="https://oskel.example/harbour"/><link rel="enclosure" href="https://oskel.example/a.mp3"/>
<author><name>Per Lind</name></author><category term="economy" label="Economy"/>
<content type="html">&lt;p&gt;The council cut harbour fees.&lt;/p&gt;</content></entry></feed>"#;
        let f = parse_feed(atom.as_bytes(), "https://oskel.example/atom").unwrap();
        let e = &f.entries[0];
        assert_eq!(e.key, "urn:oskel:7");
        assert_eq!(e.link.as_deref(), Some("https://oskel.example/harbour"));
        assert_eq!(e.authors, vec!["Per Lind"]);
        assert_eq!(e.categories, vec!["Economy"]);
        assert!(e.content.as_deref().unwrap().contains("<p>The council"));
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"Tarno Post","items":[
            {"id":"tp-1","url":"https://tarno.example/a","title":"Bridge closes","content_html":"<p>Cracks.</p>","date_published":"2026-03-02T09:00:00Z","authors":[{"name":"Ida Sand"}],"tags":["City"]}]}"#;
        let f = parse_feed(json.as_bytes(), "https://tarno.example/feed.json").unwrap();
        assert_eq!(f.title.as_deref(), Some("Tarno Post"));
        let e = &f.entries[0];
        assert_eq!(e.key, "tp-1");
        assert_eq!(e.link.as_deref(), Some("https://tarno.example/a"));
        assert_eq!(e.authors, vec!["Ida Sand"]);
        assert_eq!(e.categories, vec!["City"]);
    }

    #[test]
    fn rss_1_and_0_91() {
        let rdf = r#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://a.example/"><title>A</title><link>https://a.example/</link></channel>
<item rdf:about="https://a.example/1"><title>One</title><link>https://a.example/1</link></item></rdf:RDF>"#;
        let f = parse_feed(rdf.as_bytes(), "https://a.example/rdf").unwrap();
        assert_eq!(f.entries[0].link.as_deref(), Some("https://a.example/1"));
        let rss091 = r#"<?xml version="1.0"?><rss version="0.91"><channel><title>B</title><link>https://b.example/</link>
<item><title>Two</title><link>https://b.example/2</link></item></channel></rss>"#;
        let f = parse_feed(rss091.as_bytes(), "https://b.example/rss").unwrap();
        assert_eq!(f.entries[0].link.as_deref(), Some("https://b.example/2"));
    }

    #[test]
    fn html_and_garbage_are_refused_clearly() {
        let page = br#"<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>x</body></html>"#;
        let e = parse_feed(page, "https://c.example/").unwrap_err();
        assert_eq!(
            e,
            FeedError::HtmlPage(vec!["https://c.example/feed.xml".into()])
        );
        assert!(e.to_string().contains("watch that instead"));
        assert!(matches!(
            parse_feed(b"<rss><channel><item>", "https://c.example/f").unwrap_err(),
            FeedError::Invalid(_)
        ));
        assert!(parse_feed(b"\x00\x01binary", "https://c.example/f").is_err());
        assert!(parse_feed(b"", "https://c.example/f").is_err());
    }
}
