//! Fetching for Parallax: the network edge of live ingestion.
//!
//! - [`Fetcher`]: an HTTP client (reqwest with rustls on ring) that is safe
//!   to point at untrusted URLs and polite to the sites it reads:
//!   - only `http` and `https`;
//!   - by default, no request to a loopback, private, link-local,
//!     multicast or otherwise non-public address ([`guard`]): names are
//!     resolved through a resolver that drops such addresses, so the check
//!     holds for the address actually connected to, and IP literals are
//!     checked before any connection; redirects are followed by hand, at
//!     most [`FetchConfig::max_redirects`] of them, each hop checked again,
//!     and a loop is stopped;
//!   - robots.txt obeyed (texting_robots), cached per host;
//!   - at most one request at a time per host, with a delay between two
//!     (the larger of [`FetchConfig::host_delay`] and the site's
//!     `Crawl-delay`, capped);
//!   - conditional GET ([`Validators`]: `ETag`, `Last-Modified`);
//!   - timeouts, a body size limit enforced while reading, a user agent
//!     naming Parallax, no cookies, no system proxy.
//! - [`feed`]: RSS 0.9x/1.0/2.0, Atom and JSON Feed (feed-rs) into
//!   [`FeedEntry`]s with stable keys, and feed discovery in HTML pages.
//! - [`lists`]: feed lists: OPML files and plain files of URLs.
//! - [`schedule`]: polling intervals, exponential backoff, durations.
//!
//! The crate keeps no state on disk: the watch state (feeds, validators,
//! seen items, errors) lives in `parallax-store`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
mod error;
pub mod feed;
pub mod guard;
pub mod lists;
pub mod schedule;

pub use client::{FetchConfig, Fetched, Fetcher, GetOptions, Page, Validators, USER_AGENT};
pub use error::FetchError;
pub use feed::{parse_feed, FeedEntry, FeedError, ParsedFeed};
pub use guard::{AddressPolicy, Lookup, StaticLookup, SystemLookup};
pub use lists::{FeedRef, ListError};

/// True when `s` is an `http://` or `https://` URL (the only schemes
/// fetched); case-insensitive.
pub fn is_http_url(s: &str) -> bool {
    let l = s.trim_start().get(..8).unwrap_or("").to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

/// True when `s` looks like a URL of any scheme (`name://...`), so that a
/// caller can say "only http and https" rather than "no such file".
pub fn looks_like_url(s: &str) -> bool {
    match s.find("://") {
        Some(i) if i > 0 => s[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_shapes() {
        assert!(is_http_url("https://a.example/x"));
        assert!(is_http_url("HTTP://a.example/"));
        assert!(!is_http_url("ftp://a.example/"));
        assert!(!is_http_url("feeds.txt"));
        assert!(looks_like_url("ftp://a.example/"));
        assert!(looks_like_url("file:///etc/passwd"));
        assert!(!looks_like_url("dir/x.warc"));
        assert!(!looks_like_url("://x"));
    }
}
