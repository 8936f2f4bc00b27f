//! Feed items: a feed's metadata of an item merged with its page's own.
//!
//! The rule, field by field ([`merge_item`]):
//!
//! | field | the page wins when it came from | else |
//! | --- | --- | --- |
//! | title | JSON-LD, OpenGraph, Dublin Core, microdata | the feed's title; the page's `<h1>`/`<title>` only when the feed has none |
//! | authors | JSON-LD, `<meta>`, Dublin Core, microdata | the feed's authors; a DOM byline only when the feed has none |
//! | published | JSON-LD, `<meta>`, Dublin Core, microdata | the feed's date; a `<time>` element or a date in the URL only when the feed has none |
//! | standfirst | any source | the feed's summary, as text, when short enough to be one (≤ 600 characters) |
//! | outlet | any source | the feed's title |
//! | language | any source | the feed's language |
//! | categories | — | the page's section first, then the feed's categories, without repeats (kept in `extra.categories`) |
//!
//! The page's structured metadata is written by the publisher for machines
//! and is trusted; the feed, also the publisher's, fills what the page does
//! not state that way. Page metadata found by heuristics (a headline from
//! `<h1>` or `<title>`, which often carries the site's name, a byline found
//! in the text, a date from a `<time>` element or the URL) gives way to the
//! feed's. Every field taken from the feed is recorded as `"feed"` in
//! `extra.metadata_sources`, and the feed's URL and the item's key are kept
//! in `extra.feed` and `extra.feed_item`.

use crate::ArticleDraft;
use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};

/// What a feed says about one of its items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemMeta {
    /// The feed's URL.
    pub feed: Option<String>,
    /// The item's key in the feed.
    pub key: Option<String>,
    /// The item's page.
    pub link: Option<String>,
    /// The feed's own title (the outlet, usually).
    pub feed_title: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Authors.
    pub authors: Vec<String>,
    /// Publication time.
    pub published: Option<DateTime<FixedOffset>>,
    /// Categories.
    pub categories: Vec<String>,
    /// Summary (may be HTML).
    pub summary: Option<String>,
    /// Full content (HTML), when the feed carries it.
    pub content: Option<String>,
    /// Language.
    pub language: Option<String>,
}

/// Metadata sources the page is trusted for: structured data the publisher
/// wrote for machines.
const TRUSTED: &[&str] = &["json-ld", "og", "meta", "dc", "microdata", "http"];

/// Longest feed summary used as a standfirst, in characters.
const MAX_STANDFIRST: usize = 600;

/// Merges the feed's metadata of an item into the draft of its page, by
/// the rule in the module documentation.
pub fn merge_item(draft: &mut ArticleDraft, item: &ItemMeta) {
    let page_sources: Map<String, Value> = match draft.extra.get("metadata_sources") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    let trusted = |field: &str| {
        page_sources
            .get(field)
            .and_then(Value::as_str)
            .is_some_and(|s| TRUSTED.contains(&s))
    };
    let mut from_feed: Vec<&str> = Vec::new();
    if let Some(t) = item.title.as_ref().filter(|t| !t.trim().is_empty()) {
        if draft.title.is_none() || !trusted("title") {
            draft.title = Some(t.clone());
            from_feed.push("title");
        }
    }
    if !item.authors.is_empty() && (draft.authors.is_empty() || !trusted("authors")) {
        draft.authors = item.authors.clone();
        from_feed.push("authors");
    }
    if let Some(p) = item.published {
        if draft.published.is_none() || !trusted("published") {
            draft.published = Some(p);
            from_feed.push("published");
        }
    }
    if draft.standfirst.is_none() {
        if let Some(s) = item.summary.as_deref().map(strip_tags) {
            let n = s.chars().count();
            if n > 0 && n <= MAX_STANDFIRST && Some(&s) != draft.title.as_ref() {
                draft.standfirst = Some(s);
                from_feed.push("description");
            }
        }
    }
    if draft.outlet.is_none() {
        if let Some(o) = item.feed_title.as_ref().filter(|o| !o.trim().is_empty()) {
            draft.outlet = Some(o.clone());
            from_feed.push("outlet");
        }
    }
    if draft.language.is_none() {
        if let Some(l) = &item.language {
            draft.language = Some(l.clone());
            from_feed.push("language");
        }
    }
    if draft.url.is_none() {
        draft.url = item.link.clone();
    }
    let mut categories: Vec<String> = Vec::new();
    if let Some(Value::String(section)) = draft.extra.get("section") {
        categories.push(section.clone());
    }
    for c in &item.categories {
        if !categories.iter().any(|x| x.eq_ignore_ascii_case(c)) {
            categories.push(c.clone());
        }
    }
    if !categories.is_empty() {
        draft.extra.insert(
            "categories".into(),
            Value::Array(categories.into_iter().map(Value::String).collect()),
        );
    }
    if !from_feed.is_empty() {
        let mut sources = page_sources;
        for f in from_feed {
            sources.insert(f.into(), "feed".into());
        }
        draft
            .extra
            .insert("metadata_sources".into(), Value::Object(sources));
    }
    if let Some(f) = &item.feed {
        draft.extra.insert("feed".into(), f.clone().into());
    }
    if let Some(k) = &item.key {
        draft.extra.insert("feed_item".into(), k.clone().into());
    }
}

/// The draft of an item from the feed alone: its full content when the
/// feed carries it, else its summary. Used when the item has no page, or
/// its page may not be fetched (robots.txt) or could not be.
pub fn item_draft(item: &ItemMeta) -> Result<ArticleDraft, String> {
    let html = item
        .content
        .as_deref()
        .or(item.summary.as_deref())
        .filter(|c| !c.trim().is_empty())
        .ok_or("the feed gives no text for this item")?;
    let text = if html.contains('<') {
        let page = format!("<html><body><article>{html}</article></body></html>");
        let e = parallax_extract::extract_str(
            &page,
            &parallax_extract::Options {
                include_title_in_body: false,
                ..Default::default()
            },
        );
        let t = e.text();
        if t.trim().is_empty() {
            strip_tags(html)
        } else {
            t
        }
    } else {
        html.trim().to_string()
    };
    if text.trim().is_empty() {
        return Err("the feed's text for this item is empty".into());
    }
    let mut draft = ArticleDraft {
        text,
        url: item.link.clone(),
        ..Default::default()
    };
    let summary_is_body = item.content.is_none();
    let mut meta = item.clone();
    if summary_is_body {
        meta.summary = None;
    }
    merge_item(&mut draft, &meta);
    draft.extra.insert("from_feed".into(), true.into());
    Ok(draft)
}

/// Text of an HTML fragment: tags dropped, common entities decoded,
/// whitespace collapsed.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> ItemMeta {
        ItemMeta {
            feed: Some("https://velmar.example/feed.xml".into()),
            key: Some("velmar-1001".into()),
            link: Some("https://velmar.example/news/ferry".into()),
            feed_title: Some("Velmar Daily".into()),
            title: Some("Ferry service to Oskel resumes".into()),
            authors: vec!["Ana Ribe".into()],
            published: DateTime::parse_from_rfc3339("2026-03-02T09:00:00+01:00").ok(),
            categories: vec!["Transport".into(), "Oskel".into()],
            summary: Some("<p>The ferry runs again after <b>three</b> weeks.</p>".into()),
            content: None,
            language: Some("en".into()),
        }
    }

    const BODY: &str = "<p>The ferry between Velmar and Oskel runs again from Monday after three weeks of repairs to the pier, the operator said.</p><p>Tickets bought for cancelled crossings will be honoured until the end of the month, the company added in a statement.</p>";

    #[test]
    fn trusted_page_metadata_wins() {
        let page = format!(
            r#"<html><head><script type="application/ld+json">{{"@type":"NewsArticle","headline":"Velmar ferry back after pier repairs","author":{{"name":"Ola Berg"}},"datePublished":"2026-03-02T10:15:00+01:00","articleSection":"Travel"}}</script>
            <meta property="og:site_name" content="The Velmar Daily"></head><body><article>{BODY}</article></body></html>"#
        );
        let mut d =
            crate::html::page_draft(page.as_bytes(), item().link.as_deref(), 1 << 20).unwrap();
        merge_item(&mut d, &item());
        assert_eq!(
            d.title.as_deref(),
            Some("Velmar ferry back after pier repairs")
        );
        assert_eq!(d.authors, vec!["Ola Berg"]);
        assert_eq!(
            d.published.unwrap().to_rfc3339(),
            "2026-03-02T10:15:00+01:00"
        );
        assert_eq!(d.outlet.as_deref(), Some("The Velmar Daily"));
        // The page has no description: the feed's summary fills it.
        assert_eq!(
            d.standfirst.as_deref(),
            Some("The ferry runs again after three weeks.")
        );
        assert_eq!(
            d.extra["categories"],
            serde_json::json!(["Travel", "Transport", "Oskel"])
        );
        assert_eq!(d.extra["metadata_sources"]["title"], "json-ld");
        assert_eq!(d.extra["metadata_sources"]["description"], "feed");
        assert_eq!(d.extra["feed_item"], "velmar-1001");
    }

    #[test]
    fn the_feed_fills_and_beats_heuristics() {
        let page = format!(
            "<html><head><title>Ferry | Velmar Daily</title></head><body><article><p class=\"byline\">By Someone Else</p>{BODY}</article></body></html>"
        );
        let mut d = crate::html::page_draft(
            page.as_bytes(),
            Some("https://velmar.example/2026/03/01/ferry"),
            1 << 20,
        )
        .unwrap();
        merge_item(&mut d, &item());
        assert_eq!(d.title.as_deref(), Some("Ferry service to Oskel resumes"));
        assert_eq!(d.authors, vec!["Ana Ribe"]);
        assert_eq!(
            d.published.unwrap().to_rfc3339(),
            "2026-03-02T09:00:00+01:00"
        );
        assert_eq!(d.outlet.as_deref(), Some("Velmar Daily"));
        for f in ["title", "authors", "published", "outlet"] {
            assert_eq!(d.extra["metadata_sources"][f], "feed", "{f}");
        }
    }

    #[test]
    fn an_item_from_the_feed_alone() {
        let mut it = item();
        it.content = Some(BODY.into());
        let a = item_draft(&it).unwrap().build();
        assert_eq!(a.title.as_deref(), Some("Ferry service to Oskel resumes"));
        assert!(a.text.contains("pier"));
        assert_eq!(a.url.as_deref(), Some("https://velmar.example/news/ferry"));
        assert_eq!(a.extra["from_feed"], true);
        it.content = None;
        it.summary = None;
        assert!(item_draft(&it).is_err());
    }
}
