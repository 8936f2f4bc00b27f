//! Lists of feeds: OPML files (every `<outline xmlUrl="...">`, nested
//! folders included) and plain files with one URL a line (blank lines and
//! `#` comments skipped).

use quick_xml::events::Event;
use url::Url;

/// A feed named by a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRef {
    /// The feed's URL (absolute, http or https).
    pub url: String,
    /// Its title in the list, if any.
    pub title: Option<String>,
}

/// Why a list could not be read.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ListError {
    /// The OPML is not well-formed XML.
    #[error("invalid OPML: {0}")]
    Opml(String),
    /// A line of a URL list is not an http(s) URL.
    #[error("line {line}: `{text}` is not an http or https URL")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
    },
    /// The list names no feed.
    #[error("no feed URLs found")]
    Empty,
}

/// True when the bytes look like OPML (an `<opml` element near the start).
pub fn looks_like_opml(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    head.contains("<opml")
}

/// Reads a feed list: OPML when it looks like OPML, else one URL a line.
pub fn parse_list(bytes: &[u8]) -> Result<Vec<FeedRef>, ListError> {
    if looks_like_opml(bytes) {
        parse_opml(bytes)
    } else {
        parse_url_lines(&String::from_utf8_lossy(bytes))
    }
}

/// Every `outline` element with an `xmlUrl` (RSS readers' exports), in
/// document order, without repeats. Outlines whose URL is not http(s) are
/// skipped.
pub fn parse_opml(bytes: &[u8]) -> Result<Vec<FeedRef>, ListError> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut out: Vec<FeedRef> = Vec::new();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| ListError::Opml(format!("at byte {}: {e}", reader.buffer_position())))?;
        match ev {
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref().eq_ignore_ascii_case("outline") =>
            {
                let mut url = None;
                let mut title = None;
                let mut text = None;
                for a in e.attributes().flatten() {
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.trim().to_string())
                        .unwrap_or_default();
                    match a.key.local_name().as_ref() {
                        k if k.eq_ignore_ascii_case("xmlUrl") => url = Some(v),
                        "title" => title = Some(v),
                        "text" => text = Some(v),
                        _ => {}
                    }
                }
                if let Some(u) = url.filter(|u| crate::is_http_url(u)) {
                    if let Ok(u) = Url::parse(&u) {
                        let u = u.to_string();
                        if !out.iter().any(|f| f.url == u) {
                            out.push(FeedRef {
                                url: u,
                                title: title.or(text).filter(|t| !t.is_empty()),
                            });
                        }
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if out.is_empty() {
        return Err(ListError::Empty);
    }
    Ok(out)
}

/// One URL a line; `#` starts a comment line.
pub fn parse_url_lines(text: &str) -> Result<Vec<FeedRef>, ListError> {
    let mut out: Vec<FeedRef> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let url = match Url::parse(line) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => u.to_string(),
            _ => {
                return Err(ListError::BadLine {
                    line: i + 1,
                    text: line.chars().take(80).collect(),
                })
            }
        };
        if !out.iter().any(|f| f.url == url) {
            out.push(FeedRef { url, title: None });
        }
    }
    if out.is_empty() {
        return Err(ListError::Empty);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opml_with_folders() {
        let opml = br#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My feeds</title></head><body>
<outline text="News" title="News">
  <outline type="rss" text="Velmar Daily" title="Velmar Daily" xmlUrl="https://velmar.example/feed.xml" htmlUrl="https://velmar.example/"/>
  <outline type="rss" text="Oskel &amp; Co" xmlUrl="https://oskel.example/atom?x=1&amp;y=2"/>
</outline>
<outline type="rss" text="dup" xmlUrl="https://velmar.example/feed.xml"/>
<outline type="rss" text="gopher" xmlUrl="gopher://old.example/"/>
</body></opml>"#;
        assert!(looks_like_opml(opml));
        let feeds = parse_list(opml).unwrap();
        assert_eq!(
            feeds,
            vec![
                FeedRef {
                    url: "https://velmar.example/feed.xml".into(),
                    title: Some("Velmar Daily".into())
                },
                FeedRef {
                    url: "https://oskel.example/atom?x=1&y=2".into(),
                    title: Some("Oskel & Co".into())
                },
            ]
        );
        assert!(matches!(
            parse_opml(b"<opml><body><outline xmlUrl=\"https://a.example/\"></body>"),
            Err(ListError::Opml(_))
        ));
        assert_eq!(parse_opml(b"<opml><body/></opml>"), Err(ListError::Empty));
    }

    #[test]
    fn url_lines() {
        let list = "# my feeds\n\nhttps://a.example/rss\n  http://b.example/atom  \nhttps://a.example/rss\n";
        let feeds = parse_list(list.as_bytes()).unwrap();
        assert_eq!(feeds.len(), 2);
        assert_eq!(feeds[1].url, "http://b.example/atom");
        assert_eq!(
            parse_url_lines("https://a.example/\nnot a url\n"),
            Err(ListError::BadLine {
                line: 2,
                text: "not a url".into()
            })
        );
        assert_eq!(parse_url_lines("# nothing\n"), Err(ListError::Empty));
    }
}
