//! Why a fetch failed.

use std::net::IpAddr;
use std::time::Duration;

/// Why a fetch failed. The messages are written for a person reading a
/// log: each says what was refused or what went wrong.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    /// Not a URL at all.
    #[error("not a valid URL: {0}")]
    InvalidUrl(String),
    /// A scheme other than http and https.
    #[error("only http and https URLs are fetched, not `{0}:`")]
    Scheme(String),
    /// The host is, or resolves only to, an address that is not public.
    #[error("refused: {host} is {addr}, a {kind} address (--allow-private allows it)")]
    Blocked {
        /// The host name or literal of the URL.
        host: String,
        /// The address refused.
        addr: IpAddr,
        /// What kind of address it is ("loopback", "private", ...).
        kind: &'static str,
    },
    /// robots.txt disallows the URL for Parallax.
    #[error("robots.txt of {0} disallows this URL")]
    Robots(String),
    /// robots.txt could not be read (a server error or a network failure):
    /// the site is treated as closed for now, and retried later.
    #[error("robots.txt of {host} is unavailable ({reason}); not fetching for now")]
    RobotsUnavailable {
        /// `scheme://host[:port]`.
        host: String,
        /// What went wrong.
        reason: String,
    },
    /// A status other than 2xx, 3xx with a location, or 304.
    #[error("HTTP {status}")]
    Status {
        /// The status code.
        status: u16,
        /// The server's `Retry-After`, when it sent one in seconds.
        retry_after: Option<Duration>,
    },
    /// The body is larger than the limit.
    #[error("response is over the size limit of {limit} bytes")]
    TooLarge {
        /// The limit in force.
        limit: u64,
    },
    /// A redirect leads back to a URL already visited.
    #[error("redirect loop: {0} was already visited")]
    RedirectLoop(String),
    /// Longer redirect chain than allowed.
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    /// A 3xx response without a usable `Location`.
    #[error("redirect ({0}) without a valid Location header")]
    BadRedirect(u16),
    /// The request took longer than the timeout.
    #[error("timed out")]
    Timeout,
    /// The name could not be resolved.
    #[error("cannot resolve {host}: {reason}")]
    Dns {
        /// The host name.
        host: String,
        /// What the resolver said.
        reason: String,
    },
    /// The connection failed (refused, reset, TLS error...).
    #[error("connection failed: {0}")]
    Connect(String),
    /// Any other transport error.
    #[error("{0}")]
    Transport(String),
}

impl FetchError {
    /// True when trying again later cannot help (a refused address, a bad
    /// URL, robots.txt, a page too large, a 404 or 410, a redirect loop).
    /// Other failures are worth a retry with backoff.
    pub fn is_permanent(&self) -> bool {
        match self {
            FetchError::InvalidUrl(_)
            | FetchError::Scheme(_)
            | FetchError::Blocked { .. }
            | FetchError::Robots(_)
            | FetchError::TooLarge { .. }
            | FetchError::RedirectLoop(_)
            | FetchError::TooManyRedirects(_)
            | FetchError::BadRedirect(_) => true,
            FetchError::Status { status, .. } => {
                matches!(status, 400 | 401 | 403 | 404 | 405 | 406 | 410 | 451)
            }
            _ => false,
        }
    }

    /// The server's `Retry-After`, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_problem() {
        let e = FetchError::Blocked {
            host: "metadata.example".into(),
            addr: "169.254.169.254".parse().unwrap(),
            kind: "link-local",
        };
        assert_eq!(
            e.to_string(),
            "refused: metadata.example is 169.254.169.254, a link-local address (--allow-private allows it)"
        );
        assert!(e.is_permanent());
        assert!(!FetchError::Status {
            status: 500,
            retry_after: None
        }
        .is_permanent());
        assert!(FetchError::Status {
            status: 404,
            retry_after: None
        }
        .is_permanent());
    }
}
