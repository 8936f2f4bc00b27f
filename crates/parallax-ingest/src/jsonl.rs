//! JSONL: one article per line.
//!
//! Fields read: `id` (kept as the external id), `url`, `outlet` (or
//! `source`/`publisher`/`site_name`), `title`, `text` (or `body`/`content`),
//! `standfirst` (or `description`), `published` (RFC 3339, RFC 2822, or
//! `YYYY-MM-DD[ HH:MM[:SS]]` read as UTC), `language`, `authors` (array or
//! string). Every other field is kept verbatim in [`Article::extra`].
//!
//! [`Article::extra`]: parallax_core::Article::extra

use crate::ArticleDraft;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

/// Why a JSONL line is not an article.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LineError {
    /// Not valid JSON.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// Valid JSON but not an object.
    #[error("not a JSON object")]
    NotObject,
    /// The `html` field holds no extractable article.
    #[error("html field: {0}")]
    Html(String),
    /// Neither a text nor a title.
    #[error("no article text (expected a non-empty `text` or `title` field)")]
    NoText,
}

const TEXT_KEYS: &[&str] = &["text", "body", "content"];
const OUTLET_KEYS: &[&str] = &["outlet", "publisher", "site_name", "source"];
const STANDFIRST_KEYS: &[&str] = &["standfirst", "description", "subtitle"];
const KNOWN: &[&str] = &["id", "url", "title", "published", "language", "authors"];

/// Parses one line into a draft.
pub fn parse_line(line: &str) -> Result<ArticleDraft, LineError> {
    let value: Value = serde_json::from_str(line).map_err(|e| LineError::Json(e.to_string()))?;
    let Value::Object(mut obj) = value else {
        return Err(LineError::NotObject);
    };
    let mut text = take_str(&mut obj, TEXT_KEYS).unwrap_or_default();
    // A web page in the `html` field, when no text is given: extract it, and
    // let the line's own fields win over what the page says.
    let mut page = None;
    if text.trim().is_empty() {
        if let Some(html) = take_str(&mut obj, &["html"]) {
            let url = obj.get("url").and_then(Value::as_str);
            let d = crate::html::page_draft(html.as_bytes(), url, usize::MAX)
                .map_err(LineError::Html)?;
            text = d.text.clone();
            page = Some(d);
        }
    }
    let page_title = page.as_ref().and_then(|p| p.title.clone());
    let has_title = page_title.is_some()
        || ["title", "headline"].iter().any(|k| {
            obj.get(*k)
                .and_then(Value::as_str)
                .is_some_and(|t| !t.trim().is_empty())
        });
    // A headline-only article (no body) is still an article.
    if text.trim().is_empty() && !has_title {
        return Err(LineError::NoText);
    }
    let external_id = obj.remove("id").and_then(|v| match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let published_raw = take_str(&mut obj, &["published", "date", "published_at"]);
    let published = published_raw.as_deref().and_then(parse_time);
    if let (Some(raw), None) = (&published_raw, &published) {
        obj.insert("published_raw".into(), Value::String(raw.clone()));
    }
    let authors = match obj.remove("authors").or_else(|| obj.remove("author")) {
        Some(Value::Array(a)) => a
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => split_authors(&s),
        _ => Vec::new(),
    };
    let mut draft = ArticleDraft {
        text,
        title: take_str(&mut obj, &["title", "headline"]),
        standfirst: take_str(&mut obj, STANDFIRST_KEYS),
        url: take_str(&mut obj, &["url", "link"]),
        outlet: take_str(&mut obj, OUTLET_KEYS),
        authors,
        published,
        language: take_str(&mut obj, &["language", "lang"]),
        external_id,
        source: None,
        extra: keep_extra(obj),
    };
    if let Some(p) = page {
        draft.title = draft.title.or(p.title);
        draft.standfirst = draft.standfirst.or(p.standfirst);
        draft.url = draft.url.or(p.url);
        draft.outlet = draft.outlet.or(p.outlet);
        draft.published = draft.published.or(p.published);
        draft.language = draft.language.or(p.language);
        if draft.authors.is_empty() {
            draft.authors = p.authors;
        }
        for (k, v) in p.extra {
            draft.extra.entry(k).or_insert(v);
        }
    }
    Ok(draft)
}

fn keep_extra(obj: Map<String, Value>) -> Map<String, Value> {
    obj.into_iter()
        .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
        .collect()
}

fn take_str(obj: &mut Map<String, Value>, keys: &[&str]) -> Option<String> {
    for k in keys {
        if let Some(v) = obj.get(*k) {
            if let Some(s) = v.as_str() {
                let s = s.to_string();
                obj.remove(*k);
                return Some(s);
            }
        }
    }
    None
}

fn split_authors(s: &str) -> Vec<String> {
    s.split([',', ';'])
        .flat_map(|p| p.split(" and "))
        .map(|p| {
            p.trim()
                .trim_start_matches("By ")
                .trim_start_matches("by ")
                .trim()
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// Parses a publication time: RFC 3339, RFC 2822, or a plain date or date
/// and time (read as UTC). Years outside 1800..=2200 are refused.
pub fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    let utc = FixedOffset::east_opt(0)?;
    let t = DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_rfc2822(s))
        .ok()
        .or_else(|| {
            [
                "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M",
            ]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .map(|n| n.and_utc().with_timezone(&utc))
        })
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|n| n.and_utc().with_timezone(&utc))
        })?;
    use chrono::Datelike;
    (1800..=2200).contains(&t.year()).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_extras() {
        let d = parse_line(r#"{"id": 7, "url": "https://x.example/a", "outlet": "Velmar Daily", "title": "T", "text": "Body.", "published": "2026-03-10T08:00:00+01:00", "authors": "Ana Lis and Tom Ek", "event": "e1"}"#).unwrap();
        assert_eq!(d.external_id.as_deref(), Some("7"));
        assert_eq!(d.outlet.as_deref(), Some("Velmar Daily"));
        assert_eq!(d.authors, vec!["Ana Lis", "Tom Ek"]);
        assert_eq!(
            d.published.unwrap().to_rfc3339(),
            "2026-03-10T08:00:00+01:00"
        );
        assert_eq!(d.extra.get("event").and_then(|v| v.as_str()), Some("e1"));
    }

    #[test]
    fn bad_lines() {
        assert!(matches!(parse_line("{not json"), Err(LineError::Json(_))));
        assert_eq!(parse_line("[1,2]").unwrap_err(), LineError::NotObject);
        assert_eq!(
            parse_line(r#"{"title": " ", "url": "u"}"#).unwrap_err(),
            LineError::NoText
        );
        assert_eq!(
            parse_line(r#"{"text": "  "}"#).unwrap_err(),
            LineError::NoText
        );
        // Headline-only articles are kept.
        assert!(parse_line(r#"{"title": "Election over in Velmar.", "text": ""}"#).is_ok());
    }

    #[test]
    fn html_field_is_extracted_and_line_fields_win() {
        let page = "<html><head><meta property='og:title' content='Page title'><meta property='og:site_name' content='Tarno Herald'></head><body><article><p>The old bridge in Tarno was closed on Monday after engineers found deep cracks in two of its piers.</p><p>Traffic will be diverted through the northern ring road for at least three weeks.</p></article></body></html>";
        let line = serde_json::json!({"id": "p1", "title": "Line title", "html": page}).to_string();
        let d = parse_line(&line).unwrap();
        assert_eq!(d.title.as_deref(), Some("Line title"));
        assert_eq!(d.outlet.as_deref(), Some("Tarno Herald"));
        assert!(d.text.contains("deep cracks"));
        assert!(!d.extra.contains_key("html"));
    }

    #[test]
    fn times() {
        assert!(parse_time("2022-03-10").is_some());
        assert!(parse_time("Thu, 10 Mar 2022 09:00:00 +0000").is_some());
        assert!(parse_time("0001-01-01T00:00:00Z").is_none());
        assert!(parse_time("yesterday").is_none());
    }
}
