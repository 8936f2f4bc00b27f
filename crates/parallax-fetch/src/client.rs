//! The fetcher: guarded, polite HTTP GETs.

use crate::error::FetchError;
use crate::guard::{
    AddressPolicy, BlockedName, GuardedResolver, Lookup, SystemLookup, UnresolvedName,
};
use reqwest::header::{self, HeaderMap, HeaderValue};
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::{Host, Url};

/// The user agent sent with every request; robots.txt rules are matched
/// against the token `Parallax`.
pub const USER_AGENT: &str = concat!(
    "Parallax/",
    env!("CARGO_PKG_VERSION"),
    " (news-analysis engine; +https://example.invalid/parallax)"
);

/// The product token that robots.txt groups are matched against.
const ROBOTS_AGENT: &str = "Parallax";

/// Largest robots.txt read (RFC 9309 asks for at least 500 KiB).
const ROBOTS_MAX_BYTES: u64 = 512 * 1024;

/// How the fetcher behaves. The defaults suit fetching news from the open
/// web.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Which addresses may be connected to.
    pub policy: AddressPolicy,
    /// Time to connect. Default 10 s.
    pub connect_timeout: Duration,
    /// Time for a whole request, body included. Default 30 s.
    pub timeout: Duration,
    /// Redirects followed at most. Default 5.
    pub max_redirects: usize,
    /// Least time between two requests to one host. Default 1 s.
    pub host_delay: Duration,
    /// Largest `Crawl-delay` honoured (a longer one is cut to this).
    /// Default 30 s.
    pub max_crawl_delay: Duration,
    /// Obey robots.txt. Default true.
    pub robots: bool,
    /// How long a robots.txt is kept. Default 6 h.
    pub robots_ttl: Duration,
    /// How long a robots.txt that could not be read (5xx, network error)
    /// keeps its host closed before it is asked again. Default 10 min.
    pub robots_retry: Duration,
    /// Requests in flight at once, over all hosts. Default 8.
    pub max_in_flight: usize,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: USER_AGENT.to_string(),
            policy: AddressPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_redirects: 5,
            host_delay: Duration::from_secs(1),
            max_crawl_delay: Duration::from_secs(30),
            robots: true,
            robots_ttl: Duration::from_secs(6 * 3600),
            robots_retry: Duration::from_secs(600),
            max_in_flight: 8,
        }
    }
}

/// HTTP validators for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` of the last response.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last response.
    pub last_modified: Option<String>,
}

/// Options of one GET.
#[derive(Debug, Clone)]
pub struct GetOptions {
    /// The `Accept` header.
    pub accept: &'static str,
    /// Largest body accepted, in bytes (after content decoding).
    pub max_bytes: u64,
    /// Validators of the copy held, for a conditional GET.
    pub validators: Validators,
}

impl GetOptions {
    /// For web pages, with a size limit.
    pub fn page(max_bytes: u64) -> GetOptions {
        GetOptions {
            accept: "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5,*/*;q=0.1",
            max_bytes,
            validators: Validators::default(),
        }
    }

    /// For feeds, with a size limit and the validators of the last poll.
    pub fn feed(max_bytes: u64, validators: Validators) -> GetOptions {
        GetOptions {
            accept: "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
            max_bytes,
            validators,
        }
    }
}

/// A response with a body.
#[derive(Debug, Clone)]
pub struct Page {
    /// The final URL, after redirects.
    pub url: String,
    /// The status (2xx).
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The validators to send next time.
    pub validators: Validators,
    /// `Cache-Control: max-age`, when given.
    pub max_age: Option<Duration>,
    /// The body, decoded from gzip when the server compressed it.
    pub body: Vec<u8>,
}

/// The outcome of a GET.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 2xx with a body.
    Page(Page),
    /// 304: the copy held is current.
    NotModified {
        /// The final URL, after redirects.
        url: String,
        /// `Cache-Control: max-age`, when given.
        max_age: Option<Duration>,
    },
}

/// What is known of one host: when it was last asked, and its robots.txt.
#[derive(Default)]
struct HostSlot {
    last: Option<Instant>,
    robots: Option<(Instant, RobotsRules)>,
}

enum RobotsRules {
    /// No robots.txt (4xx), or an unreadable one: everything allowed.
    AllowAll,
    /// Parsed rules.
    Rules(Box<texting_robots::Robot>),
    /// 5xx or a network failure: nothing allowed until `robots_retry`
    /// has passed (RFC 9309, 2.3.1.4).
    Unavailable(String),
}

/// The fetcher. Cheap to share behind an `Arc`; every method takes `&self`.
pub struct Fetcher {
    client: reqwest::Client,
    cfg: FetchConfig,
    hosts: Mutex<HashMap<String, Arc<tokio::sync::Mutex<HostSlot>>>>,
    /// Taken for each request once its host's turn has come, so that
    /// requests waiting for a busy host do not hold up the others.
    in_flight: tokio::sync::Semaphore,
}

impl Fetcher {
    /// A fetcher resolving names with the system resolver.
    pub fn new(cfg: FetchConfig) -> Result<Fetcher, FetchError> {
        Fetcher::with_lookup(cfg, Arc::new(SystemLookup))
    }

    /// A fetcher resolving names with `lookup` (tests: [`crate::StaticLookup`]).
    pub fn with_lookup(cfg: FetchConfig, lookup: Arc<dyn Lookup>) -> Result<Fetcher, FetchError> {
        let resolver = GuardedResolver {
            lookup,
            policy: Arc::new(cfg.policy.clone()),
        };
        let client = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(resolver))
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.timeout)
            .https_only(false)
            .build()
            .map_err(|e| FetchError::Transport(format!("cannot build the HTTP client: {e}")))?;
        Ok(Fetcher {
            client,
            in_flight: tokio::sync::Semaphore::new(cfg.max_in_flight.max(1)),
            cfg,
            hosts: Mutex::new(HashMap::new()),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &FetchConfig {
        &self.cfg
    }

    /// GETs `url`, following redirects by hand (each hop checked against
    /// the address policy and robots.txt, and waiting its turn at its
    /// host), with the validators of `opts` for a conditional GET.
    pub async fn get(&self, url: &str, opts: &GetOptions) -> Result<Fetched, FetchError> {
        let mut url = parse_url(url)?;
        let mut visited = HashSet::new();
        visited.insert(url.to_string());
        let mut hops = 0;
        loop {
            check_literal(&url, &self.cfg.policy)?;
            let slot = self.slot(&url);
            let mut slot = slot.lock().await;
            if self.cfg.robots {
                self.check_robots(&url, &mut slot).await?;
            }
            self.wait_turn(&mut slot).await;
            let _permit = self.in_flight.acquire().await;
            let result = self.send(&url, opts).await;
            slot.last = Some(Instant::now());
            let resp = result?;
            let status = resp.status().as_u16();
            if (300..400).contains(&status) && status != 304 {
                drop(slot);
                let next = resp
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|loc| url.join(loc.trim()).ok())
                    .ok_or(FetchError::BadRedirect(status))?;
                check_scheme(&next)?;
                hops += 1;
                if hops > self.cfg.max_redirects {
                    return Err(FetchError::TooManyRedirects(self.cfg.max_redirects));
                }
                if !visited.insert(next.to_string()) {
                    return Err(FetchError::RedirectLoop(next.to_string()));
                }
                url = next;
                continue;
            }
            let max_age = max_age(resp.headers());
            if status == 304 {
                return Ok(Fetched::NotModified {
                    url: url.to_string(),
                    max_age,
                });
            }
            if !(200..300).contains(&status) {
                return Err(FetchError::Status {
                    status,
                    retry_after: retry_after(resp.headers()),
                });
            }
            let headers = resp.headers().clone();
            let body = read_limited(resp, opts.max_bytes).await;
            slot.last = Some(Instant::now());
            let body = body?;
            let text = |h: header::HeaderName| {
                headers
                    .get(h)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            return Ok(Fetched::Page(Page {
                url: url.to_string(),
                status,
                content_type: text(header::CONTENT_TYPE),
                validators: Validators {
                    etag: text(header::ETAG),
                    last_modified: text(header::LAST_MODIFIED),
                },
                max_age,
                body,
            }));
        }
    }

    fn slot(&self, url: &Url) -> Arc<tokio::sync::Mutex<HostSlot>> {
        let key = origin(url);
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts.entry(key).or_default().clone()
    }

    /// Sleeps until the host's delay since its last request has passed.
    async fn wait_turn(&self, slot: &mut HostSlot) {
        let mut delay = self.cfg.host_delay;
        if let Some((_, RobotsRules::Rules(r))) = &slot.robots {
            if let Some(d) = r.delay.filter(|d| d.is_finite() && *d > 0.0) {
                delay = delay.max(Duration::from_secs_f32(d).min(self.cfg.max_crawl_delay));
            }
        }
        if let Some(last) = slot.last {
            let ready = last + delay;
            let now = Instant::now();
            if ready > now {
                tokio::time::sleep(ready - now).await;
            }
        }
    }

    async fn send(&self, url: &Url, opts: &GetOptions) -> Result<reqwest::Response, FetchError> {
        let mut req = self
            .client
            .get(url.clone())
            .header(header::ACCEPT, opts.accept);
        if let Some(etag) = &opts.validators.etag {
            if let Ok(v) = HeaderValue::from_str(etag) {
                req = req.header(header::IF_NONE_MATCH, v);
            }
        }
        if let Some(lm) = &opts.validators.last_modified {
            if let Ok(v) = HeaderValue::from_str(lm) {
                req = req.header(header::IF_MODIFIED_SINCE, v);
            }
        }
        req.send().await.map_err(|e| transport_error(url, &e))
    }

    /// Fetches (or reuses) the host's robots.txt and checks `url` against
    /// it. Holds the host's slot, so the robots request is one of the
    /// host's requests.
    async fn check_robots(&self, url: &Url, slot: &mut HostSlot) -> Result<(), FetchError> {
        let fresh = match &slot.robots {
            Some((at, RobotsRules::Unavailable(_))) => at.elapsed() < self.cfg.robots_retry,
            Some((at, _)) => at.elapsed() < self.cfg.robots_ttl,
            None => false,
        };
        if !fresh {
            self.wait_turn(slot).await;
            let permit = self.in_flight.acquire().await;
            let rules = self.fetch_robots(url).await;
            drop(permit);
            slot.last = Some(Instant::now());
            slot.robots = Some((Instant::now(), rules?));
        }
        match &slot.robots {
            Some((_, RobotsRules::Rules(r))) if !r.allowed(url.as_str()) => {
                Err(FetchError::Robots(origin(url)))
            }
            Some((_, RobotsRules::Unavailable(reason))) => Err(FetchError::RobotsUnavailable {
                host: origin(url),
                reason: reason.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// Reads robots.txt: 2xx parsed, 4xx allow all, 5xx and network errors
    /// unavailable. Up to five redirects are followed (each checked); an
    /// address refusal is returned as an error, not as rules.
    async fn fetch_robots(&self, url: &Url) -> Result<RobotsRules, FetchError> {
        let mut at = url
            .join("/robots.txt")
            .map_err(|e| FetchError::InvalidUrl(e.to_string()))?;
        let opts = GetOptions {
            accept: "text/plain,*/*;q=0.5",
            max_bytes: ROBOTS_MAX_BYTES,
            validators: Validators::default(),
        };
        for _ in 0..=5 {
            check_literal(&at, &self.cfg.policy)?;
            let resp = match self.send(&at, &opts).await {
                Ok(r) => r,
                // A refusal, or a host that cannot be reached at all, is
                // the failure to report (and nothing is cached).
                Err(e) => return Err(e),
            };
            let status = resp.status().as_u16();
            match status {
                200..=299 => {
                    return Ok(match read_limited(resp, ROBOTS_MAX_BYTES).await {
                        Ok(body) => match texting_robots::Robot::new(ROBOTS_AGENT, &body) {
                            Ok(r) => RobotsRules::Rules(Box::new(r)),
                            Err(_) => RobotsRules::AllowAll,
                        },
                        // An over-long robots.txt: RFC 9309 lets a crawler
                        // parse the first 500 KiB; we allow all instead.
                        Err(FetchError::TooLarge { .. }) => RobotsRules::AllowAll,
                        Err(e) => RobotsRules::Unavailable(e.to_string()),
                    });
                }
                300..=399 => {
                    let next = resp
                        .headers()
                        .get(header::LOCATION)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|loc| at.join(loc.trim()).ok());
                    match next {
                        Some(n) if check_scheme(&n).is_ok() => at = n,
                        _ => return Ok(RobotsRules::AllowAll),
                    }
                }
                400..=499 => return Ok(RobotsRules::AllowAll),
                _ => return Ok(RobotsRules::Unavailable(format!("HTTP {status}"))),
            }
        }
        Ok(RobotsRules::AllowAll)
    }
}

fn parse_url(s: &str) -> Result<Url, FetchError> {
    let url = Url::parse(s.trim()).map_err(|e| FetchError::InvalidUrl(format!("{s}: {e}")))?;
    check_scheme(&url)?;
    if url.host().is_none() {
        return Err(FetchError::InvalidUrl(format!("{s}: no host")));
    }
    Ok(url)
}

fn check_scheme(url: &Url) -> Result<(), FetchError> {
    match url.scheme() {
        "http" | "https" => Ok(()),
        other => Err(FetchError::Scheme(other.to_string())),
    }
}

/// Checks a URL whose host is an IP literal (names are checked by the
/// resolver, at connection time).
fn check_literal(url: &Url, policy: &AddressPolicy) -> Result<(), FetchError> {
    let ip: IpAddr = match url.host() {
        Some(Host::Ipv4(v4)) => v4.into(),
        Some(Host::Ipv6(v6)) => v6.into(),
        Some(Host::Domain(_)) => return Ok(()),
        None => return Err(FetchError::InvalidUrl(format!("{url}: no host"))),
    };
    match policy.refusal(ip) {
        None => Ok(()),
        Some(kind) => Err(FetchError::Blocked {
            host: url.host_str().unwrap_or_default().to_string(),
            addr: ip,
            kind,
        }),
    }
}

/// `scheme://host:port`, the unit of politeness and of robots.txt.
fn origin(url: &Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// Reads the body, refusing it once it passes `max` bytes (a declared
/// `Content-Length` over the limit is refused before reading).
async fn read_limited(mut resp: reqwest::Response, max: u64) -> Result<Vec<u8>, FetchError> {
    if resp.content_length().is_some_and(|n| n > max) {
        return Err(FetchError::TooLarge { limit: max });
    }
    let url = resp.url().clone();
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport_error(&url, &e))? {
        if body.len() as u64 + chunk.len() as u64 > max {
            return Err(FetchError::TooLarge { limit: max });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Turns reqwest's error into ours, finding a refusal or a DNS failure
/// of our resolver in its chain of causes.
fn transport_error(url: &Url, e: &reqwest::Error) -> FetchError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(b) = c.downcast_ref::<BlockedName>() {
            return FetchError::Blocked {
                host: b.host.clone(),
                addr: b.addr,
                kind: b.kind,
            };
        }
        if let Some(u) = c.downcast_ref::<UnresolvedName>() {
            return FetchError::Dns {
                host: u.host.clone(),
                reason: u.reason.clone(),
            };
        }
        cause = c.source();
    }
    if e.is_timeout() {
        return FetchError::Timeout;
    }
    // The causes say what happened; reqwest's own message only repeats
    // the URL.
    let mut parts: Vec<String> = Vec::new();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let s = c.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cause = c.source();
    }
    let msg = if parts.is_empty() {
        e.to_string()
    } else {
        parts.join(": ")
    };
    if e.is_connect() {
        FetchError::Connect(format!("{}: {msg}", origin(url)))
    } else {
        FetchError::Transport(msg)
    }
}

fn max_age(h: &HeaderMap) -> Option<Duration> {
    let cc = h.get(header::CACHE_CONTROL)?.to_str().ok()?;
    cc.split(',').find_map(|d| {
        let (k, v) = d.trim().split_once('=')?;
        (k.eq_ignore_ascii_case("max-age"))
            .then(|| v.trim().trim_matches('"').parse::<u64>().ok())
            .flatten()
            .map(Duration::from_secs)
    })
}

fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let v = h.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = (when.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
    Some(Duration::from_secs(secs.max(0) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StaticLookup;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// A tiny HTTP/1.1 server on `ip`: `route(path, request head)` gives
    /// (status line, extra headers, body, delay before answering).
    /// Returns its port and the paths asked, in order.
    struct TestServer {
        port: u16,
        paths: Arc<Mutex<Vec<String>>>,
        max_in_flight: Arc<AtomicUsize>,
        times: Arc<Mutex<Vec<Instant>>>,
    }

    type Route = fn(&str, &str) -> (u16, Vec<(String, String)>, Vec<u8>, u64);

    async fn serve(ip: &str, route: Route) -> TestServer {
        let listener = TcpListener::bind((ip, 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let paths = Arc::new(Mutex::new(Vec::new()));
        let times = Arc::new(Mutex::new(Vec::new()));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let max_in_flight = Arc::new(AtomicUsize::new(0));
        let (p, t, f, m) = (
            paths.clone(),
            times.clone(),
            in_flight.clone(),
            max_in_flight.clone(),
        );
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let (p, t, f, m) = (p.clone(), t.clone(), f.clone(), m.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&buf).to_string();
                    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                    m.fetch_max(now, Ordering::SeqCst);
                    p.lock().unwrap().push(path.clone());
                    t.lock().unwrap().push(Instant::now());
                    let (status, headers, body, delay) = route(&path, &head);
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                    let mut out = format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                        body.len()
                    );
                    for (k, v) in headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str("\r\n");
                    let mut bytes = out.into_bytes();
                    bytes.extend_from_slice(&body);
                    let _ = sock.write_all(&bytes).await;
                    f.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        TestServer {
            port,
            paths,
            max_in_flight,
            times,
        }
    }

    fn quick(policy: AddressPolicy) -> FetchConfig {
        FetchConfig {
            policy,
            host_delay: Duration::ZERO,
            timeout: Duration::from_secs(10),
            ..Default::default()
        }
    }

    fn open() -> AddressPolicy {
        AddressPolicy {
            allow_private: true,
            allowed: vec![],
        }
    }

    fn route(path: &str, head: &str) -> (u16, Vec<(String, String)>, Vec<u8>, u64) {
        let h = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        match path {
            "/robots.txt" => (
                200,
                vec![],
                b"User-agent: *\nDisallow: /private/\n\nUser-agent: OtherBot\nDisallow: /\n"
                    .to_vec(),
                0,
            ),
            "/page" => (
                200,
                h("Content-Type", "text/html; charset=utf-8"),
                b"<html>ok</html>".to_vec(),
                0,
            ),
            "/etag" if head.to_ascii_lowercase().contains("if-none-match: \"v1\"") => {
                (304, vec![], vec![], 0)
            }
            "/etag" => (200, h("ETag", "\"v1\""), b"fresh".to_vec(), 0),
            "/big" => (200, vec![], vec![b'x'; 5000], 0),
            "/loop-a" => (302, h("Location", "/loop-b"), vec![], 0),
            "/loop-b" => (302, h("Location", "/loop-a"), vec![], 0),
            "/to-page" => (301, h("Location", "/page"), vec![], 0),
            "/to-metadata" => (
                302,
                h("Location", "http://169.254.169.254/latest/meta-data/"),
                vec![],
                0,
            ),
            "/to-loopback" => (302, h("Location", "http://127.0.0.1:9/"), vec![], 0),
            "/to-inside" => (302, h("Location", "http://inside.example/"), vec![], 0),
            "/to-file" => (302, h("Location", "file:///etc/passwd"), vec![], 0),
            "/busy" => (503, h("Retry-After", "120"), vec![], 0),
            p if p.starts_with("/slow") => (200, vec![], b"slow".to_vec(), 50),
            _ => (404, vec![], vec![], 0),
        }
    }

    #[tokio::test]
    async fn conditional_get_redirects_limits_and_robots() {
        let s = serve("127.0.0.1", route).await;
        let f = Fetcher::new(quick(open())).unwrap();
        let base = format!("http://127.0.0.1:{}", s.port);
        let page = |max| GetOptions::page(max);

        match f
            .get(&format!("{base}/to-page"), &page(1 << 20))
            .await
            .unwrap()
        {
            Fetched::Page(p) => {
                assert_eq!(p.body, b"<html>ok</html>");
                assert!(p.url.ends_with("/page"));
                assert_eq!(p.content_type.as_deref(), Some("text/html; charset=utf-8"));
            }
            other => panic!("{other:?}"),
        }
        let Fetched::Page(p) = f.get(&format!("{base}/etag"), &page(100)).await.unwrap() else {
            panic!()
        };
        assert_eq!(p.validators.etag.as_deref(), Some("\"v1\""));
        let again = GetOptions::feed(100, p.validators.clone());
        assert!(matches!(
            f.get(&format!("{base}/etag"), &again).await.unwrap(),
            Fetched::NotModified { .. }
        ));
        assert_eq!(
            f.get(&format!("{base}/big"), &page(1000))
                .await
                .unwrap_err(),
            FetchError::TooLarge { limit: 1000 }
        );
        assert!(matches!(
            f.get(&format!("{base}/loop-a"), &page(100)).await.unwrap_err(),
            FetchError::RedirectLoop(u) if u.ends_with("/loop-a")
        ));
        assert_eq!(
            f.get(&format!("{base}/to-file"), &page(100))
                .await
                .unwrap_err(),
            FetchError::Scheme("file".into())
        );
        assert_eq!(
            f.get(&format!("{base}/private/x"), &page(100))
                .await
                .unwrap_err(),
            FetchError::Robots(format!("http://127.0.0.1:{}", s.port))
        );
        assert_eq!(
            f.get(&format!("{base}/busy"), &page(100))
                .await
                .unwrap_err(),
            FetchError::Status {
                status: 503,
                retry_after: Some(Duration::from_secs(120))
            }
        );
        // robots.txt was read once, and /private/x never asked for.
        let paths = s.paths.lock().unwrap().clone();
        assert_eq!(paths.iter().filter(|p| *p == "/robots.txt").count(), 1);
        assert!(!paths.iter().any(|p| p.starts_with("/private")));
    }

    #[tokio::test]
    async fn one_request_at_a_time_per_host_with_a_delay() {
        let s = serve("127.0.0.1", route).await;
        let cfg = FetchConfig {
            host_delay: Duration::from_millis(100),
            robots: false,
            ..quick(open())
        };
        let f = Arc::new(Fetcher::new(cfg).unwrap());
        let mut tasks = Vec::new();
        for i in 0..4 {
            let f = f.clone();
            let url = format!("http://127.0.0.1:{}/slow{i}", s.port);
            tasks.push(tokio::spawn(async move {
                f.get(&url, &GetOptions::page(100)).await.unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(s.max_in_flight.load(Ordering::SeqCst), 1);
        let times = s.times.lock().unwrap().clone();
        assert_eq!(times.len(), 4);
        for w in times.windows(2) {
            // 50 ms answering + 100 ms delay between two requests.
            assert!(
                w[1] - w[0] >= Duration::from_millis(140),
                "{:?}",
                w[1] - w[0]
            );
        }
    }

    /// The default policy refuses loopback, private and link-local
    /// addresses, literal or by name, directly or through a redirect. Names
    /// resolve through a table: no request leaves the machine. The one
    /// server runs on 127.0.0.2, allowed by exception so that it can send
    /// the redirects.
    #[tokio::test]
    async fn default_policy_refuses_non_public_addresses() {
        let s = serve("127.0.0.2", route).await;
        let lookup = StaticLookup::new()
            .with("news.example", &["127.0.0.2".parse().unwrap()])
            .with("inside.example", &["10.0.0.1".parse().unwrap()])
            .with("metadata.example", &["169.254.169.254".parse().unwrap()])
            .with(
                "local.example",
                &["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()],
            );
        let policy = AddressPolicy {
            allow_private: false,
            allowed: vec!["127.0.0.2".parse().unwrap()],
        };
        let f = Fetcher::with_lookup(quick(policy), Arc::new(lookup.clone())).unwrap();
        let strict =
            Fetcher::with_lookup(quick(AddressPolicy::default()), Arc::new(lookup)).unwrap();
        let opts = GetOptions::page(1 << 20);
        let blocked = |r: Result<Fetched, FetchError>| match r {
            Err(FetchError::Blocked { addr, kind, .. }) => (addr.to_string(), kind),
            other => panic!("not refused: {other:?}"),
        };
        for fetcher in [&f, &strict] {
            assert_eq!(
                blocked(fetcher.get("http://127.0.0.1/", &opts).await),
                ("127.0.0.1".into(), "loopback")
            );
            assert_eq!(
                blocked(fetcher.get("http://10.0.0.1/", &opts).await),
                ("10.0.0.1".into(), "private")
            );
            assert_eq!(
                blocked(
                    fetcher
                        .get("http://169.254.169.254/latest/meta-data/", &opts)
                        .await
                ),
                ("169.254.169.254".into(), "link-local")
            );
            assert_eq!(
                blocked(fetcher.get("http://[::1]:8080/", &opts).await),
                ("::1".into(), "loopback")
            );
            assert_eq!(
                blocked(fetcher.get("http://2130706433/", &opts).await),
                ("127.0.0.1".into(), "loopback")
            );
            assert_eq!(
                blocked(fetcher.get("https://inside.example/", &opts).await),
                ("10.0.0.1".into(), "private")
            );
            assert_eq!(
                blocked(fetcher.get("http://metadata.example/", &opts).await),
                ("169.254.169.254".into(), "link-local")
            );
            assert_eq!(
                blocked(fetcher.get("http://local.example/", &opts).await).1,
                "loopback"
            );
        }
        // The test server itself, by name, on its allowed address...
        let news = format!("http://news.example:{}", s.port);
        assert!(f.get(&format!("{news}/page"), &opts).await.is_ok());
        assert!(blocked(strict.get(&format!("{news}/page"), &opts).await).1 == "loopback");
        // ...and each of its redirects to a refused address is refused.
        assert_eq!(
            blocked(f.get(&format!("{news}/to-metadata"), &opts).await),
            ("169.254.169.254".into(), "link-local")
        );
        assert_eq!(
            blocked(f.get(&format!("{news}/to-loopback"), &opts).await),
            ("127.0.0.1".into(), "loopback")
        );
        assert_eq!(
            blocked(f.get(&format!("{news}/to-inside"), &opts).await),
            ("10.0.0.1".into(), "private")
        );
        let paths = s.paths.lock().unwrap().clone();
        assert_eq!(
            paths,
            vec![
                "/robots.txt",
                "/page",
                "/to-metadata",
                "/to-loopback",
                "/to-inside"
            ]
        );
        assert!(matches!(
            f.get("http://nowhere.example/", &opts).await.unwrap_err(),
            FetchError::Dns { .. }
        ));
    }

    #[test]
    fn cache_headers() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        );
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        assert_eq!(max_age(&h), Some(Duration::from_secs(300)));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(30)));
        assert_eq!(
            origin(&Url::parse("https://a.example/x?y").unwrap()),
            "https://a.example:443"
        );
    }
}
