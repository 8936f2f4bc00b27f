use serde::{Deserialize, Serialize};
use std::fmt;
use xxhash_rust::xxh3::xxh3_64;

/// The stable id of an article: 16 lowercase hex digits.
///
/// Derived from the article's normalised URL when it has one (so the same page
/// fetched twice, or with tracking parameters, gets the same id), else from its
/// normalised content (case, whitespace and punctuation ignored), so that
/// re-ingesting the same text changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ArticleId(pub String);

impl ArticleId {
    /// The id of an article known by its URL.
    pub fn from_url(url: &str) -> Self {
        ArticleId(hex(xxh3_64(
            format!("url\u{1f}{}", normalise_url(url)).as_bytes(),
        )))
    }

    /// The id of an article without a URL, from its title and body.
    pub fn from_content(title: &str, body: &str) -> Self {
        let mut key = String::with_capacity(title.len() + body.len() + 8);
        key.push_str("text\u{1f}");
        push_normalised(&mut key, title);
        key.push('\u{1f}');
        push_normalised(&mut key, body);
        ArticleId(hex(xxh3_64(key.as_bytes())))
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The stable id of a story: `s` followed by 12 hex digits, derived from the id
/// of the article that founded it, so the same input in the same order always
/// yields the same story ids.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StoryId(pub String);

impl StoryId {
    /// The id of the story founded by `article`.
    pub fn founded_by(article: &ArticleId) -> Self {
        let h = xxh3_64(format!("story\u{1f}{}", article.0).as_bytes());
        StoryId(format!("s{}", &hex(h)[..12]))
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn hex(v: u64) -> String {
    format!("{v:016x}")
}

/// Lower-cases letters, keeps letters and digits, and collapses everything
/// else into single spaces.
fn push_normalised(out: &mut String, s: &str) {
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if pending_space && !out.ends_with('\u{1f}') {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
}

/// Normalises a URL for identity: trims it, lower-cases the scheme and host,
/// drops the fragment, the default port, tracking parameters (`utm_*`,
/// `fbclid`, `gclid`, ...) and a trailing slash on the path, and treats
/// `http` and `https` as the same.
pub fn normalise_url(url: &str) -> String {
    let url = url.trim();
    let url = url.split('#').next().unwrap_or(url);
    let (scheme, rest) = match url.find("://") {
        Some(i) => (url[..i].to_ascii_lowercase(), &url[i + 3..]),
        None => (String::new(), url),
    };
    let scheme = if scheme == "http" || scheme == "https" {
        "http".to_string()
    } else {
        scheme
    };
    let path_start = rest.find(['/', '?']).unwrap_or(rest.len());
    let mut host = rest[..path_start].to_ascii_lowercase();
    if let Some(h) = host
        .strip_suffix(":80")
        .or_else(|| host.strip_suffix(":443"))
    {
        host = h.to_string();
    }
    if let Some(h) = host.strip_prefix("www.") {
        host = h.to_string();
    }
    let rest = &rest[path_start..];
    let (path, query) = match rest.find('?') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let path = path.trim_end_matches('/');
    let mut out = format!("{scheme}://{host}{path}");
    if let Some(q) = query {
        let kept: Vec<&str> = q
            .split('&')
            .filter(|p| !p.is_empty())
            .filter(|p| {
                let key = p.split('=').next().unwrap_or("").to_ascii_lowercase();
                !(key.starts_with("utm_")
                    || matches!(
                        key.as_str(),
                        "fbclid"
                            | "gclid"
                            | "mc_cid"
                            | "mc_eid"
                            | "ocid"
                            | "cmpid"
                            | "ref"
                            | "smid"
                    ))
            })
            .collect();
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept.join("&"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_ids_ignore_tracking_and_case() {
        let a = ArticleId::from_url("https://WWW.Example.com/news/a-story/?utm_source=x#top");
        let b = ArticleId::from_url("http://example.com/news/a-story");
        assert_eq!(a, b);
        assert_ne!(a, ArticleId::from_url("http://example.com/news/b-story"));
        assert_eq!(a.as_str().len(), 16);
    }

    #[test]
    fn query_parameters_that_name_content_are_kept() {
        assert_eq!(
            normalise_url("https://x.org/article?id=7&utm_medium=rss"),
            "http://x.org/article?id=7"
        );
    }

    #[test]
    fn content_ids_ignore_whitespace_and_case() {
        let a = ArticleId::from_content("A Title", "Some  body\ntext.");
        let b = ArticleId::from_content("a title", "some body text");
        assert_eq!(a, b);
        assert_ne!(a, ArticleId::from_content("a title", "other body"));
    }

    #[test]
    fn story_ids_are_stable() {
        let a = ArticleId("0123456789abcdef".into());
        assert_eq!(StoryId::founded_by(&a), StoryId::founded_by(&a));
        assert!(StoryId::founded_by(&a).as_str().starts_with('s'));
    }
}
