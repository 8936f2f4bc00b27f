//! Web pages: HTML through `parallax-extract` into a draft article.

use crate::ArticleDraft;
use serde_json::{Map, Value};

/// Extracts the article of an HTML page. `url` is the page's address when
/// known (it helps resolve relative links and dates in the path).
pub fn page_draft(
    html: &[u8],
    url: Option<&str>,
    max_bytes: usize,
) -> Result<ArticleDraft, String> {
    page_draft_http(html, url, None, max_bytes)
}

/// Like [`page_draft`], for a page fetched over HTTP: `content_type` is
/// its `Content-Type` header, whose charset, when it names one, decodes
/// the page.
pub fn page_draft_http(
    html: &[u8],
    url: Option<&str>,
    content_type: Option<&str>,
    max_bytes: usize,
) -> Result<ArticleDraft, String> {
    // Random bytes are not a page: refuse binary input as the plain-text
    // reader does. Gzip and UTF-16 (with a BOM, or declared by HTTP) are
    // left to the extractor, which decodes them.
    let gzip = html.starts_with(&[0x1f, 0x8b]);
    let utf16 = encoding_rs::Encoding::for_bom(html).is_some()
        || content_type.is_some_and(|t| t.to_ascii_lowercase().contains("utf-16"));
    if !gzip && !utf16 {
        crate::decode::check_binary(html).map_err(|e| e.to_string())?;
    }
    let opts = parallax_extract::Options {
        url: url.map(str::to_string),
        max_bytes,
        http_charset: content_type.map(str::to_string),
        ..Default::default()
    };
    let e = parallax_extract::extract(html, &opts).map_err(|e| e.to_string())?;
    let text = e.text();
    if text.trim().is_empty() && e.title.as_deref().unwrap_or("").trim().is_empty() {
        return Err("no article text found in the page".into());
    }
    let mut extra = Map::new();
    if !e.credit.is_empty() {
        extra.insert("credit".into(), Value::from(e.credit.clone()));
    }
    if let Some(m) = e.modified {
        extra.insert("modified".into(), m.to_rfc3339().into());
    }
    for (k, v) in [("section", &e.section), ("image", &e.image)] {
        if let Some(v) = v {
            extra.insert(k.into(), v.clone().into());
        }
    }
    if e.encoding != "UTF-8" {
        extra.insert("encoding".into(), e.encoding.into());
    }
    if !e.sources.is_empty() {
        let sources: Map<String, Value> = e
            .sources
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from(*v)))
            .collect();
        extra.insert("metadata_sources".into(), Value::Object(sources));
    }
    Ok(ArticleDraft {
        text,
        title: e.title,
        standfirst: e.description,
        url: e.url.or_else(|| url.map(str::to_string)),
        outlet: e.outlet,
        authors: e.authors,
        published: e.published,
        language: e.language,
        extra,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_becomes_a_draft() {
        let html = br#"<html lang="en"><head><title>Bridge closes | Tarno Herald</title>
            <meta property="og:site_name" content="Tarno Herald">
            <meta property="og:title" content="Tarno bridge closes after cracks found">
            <meta property="article:published_time" content="2026-03-02T09:00:00+01:00"></head>
            <body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
            <article><h1>Tarno bridge closes after cracks found</h1>
            <p>The old bridge in Tarno was closed on Monday after engineers found deep cracks in two of its piers, the city council said.</p>
            <p>Traffic will be diverted through the northern ring road for at least three weeks while the piers are examined by specialists.</p>
            </article><footer>Share this article</footer></body></html>"#;
        let d = page_draft(
            html,
            Some("https://tarnoherald.example/news/bridge"),
            1 << 20,
        )
        .unwrap();
        assert_eq!(
            d.title.as_deref(),
            Some("Tarno bridge closes after cracks found")
        );
        assert_eq!(d.outlet.as_deref(), Some("Tarno Herald"));
        assert!(d.text.contains("deep cracks"));
        assert!(!d.text.contains("Share this"));
        assert!(d.published.is_some());
    }

    #[test]
    fn binary_bytes_are_not_a_page() {
        // Found by `bad_inputs.rs`: random bytes named `.html` were stored
        // as an article of mojibake.
        let mut bytes = b"\x8f\x01\x00\xff<p>".to_vec();
        bytes.extend((0u8..=255).cycle().take(4096));
        let e = page_draft(&bytes, None, 1 << 20).unwrap_err();
        assert!(e.contains("binary"), "{e}");
        // UTF-16 with a BOM is text, not binary.
        let mut utf16 = vec![0xff, 0xfe];
        for u in "<html><body><article><p>The old bridge in Tarno was closed on Monday after engineers found deep cracks in its piers.</p></article></body></html>".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert!(page_draft(&utf16, None, 1 << 20).is_ok());
    }

    #[test]
    fn an_empty_page_is_refused() {
        assert!(page_draft(b"<html><body></body></html>", None, 1 << 20).is_err());
    }
}
