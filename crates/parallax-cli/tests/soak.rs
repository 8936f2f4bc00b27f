//! A soak test of `parallax serve` on a loopback port: for a bounded time
//! (20 s by default; `PARALLAX_SOAK_SECS=300` for a longer run;
//! `PARALLAX_SOAK_INGEST=0` for reads only), two
//! clients send a mix of page and API reads, searches and authenticated
//! ingests, plus refused requests (writes without or with a wrong token,
//! oversized bodies, path traversal on the static route). Every response
//! must have the expected status and carry the security headers, and the
//! server's resident memory at the end must stay within a bound of what it
//! was after warm-up. The figures are printed (`--nocapture`).
//!
//! The HTTP client is hand-written HTTP/1.1 over `std::net::TcpStream`
//! (keep-alive, `Content-Length` and chunked bodies), to add no dependency.

#![cfg(target_os = "linux")]

use assert_cmd::Command;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "soak-test-token-0123456789";

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/corpus.jsonl")
}

/// Kills the server when dropped, so a failed assertion leaves no process.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// One keep-alive connection, reopened when the server closes it.
struct Client {
    addr: String,
    conn: Option<BufReader<TcpStream>>,
}

impl Client {
    fn new(addr: &str) -> Client {
        Client {
            addr: addr.to_string(),
            conn: None,
        }
    }

    fn request(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        // A request on a reused connection may meet a close by the server:
        // retry once on a fresh connection.
        for attempt in 0..2 {
            if self.conn.is_none() {
                let s = TcpStream::connect(&self.addr).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
                s.set_nodelay(true).unwrap();
                self.conn = Some(BufReader::new(s));
            }
            match self.try_request(method, path, headers, body) {
                Ok(r) => return r,
                Err(e) => {
                    self.conn = None;
                    if attempt == 1 {
                        panic!("{method} {path}: {e}");
                    }
                }
            }
        }
        unreachable!()
    }

    fn try_request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Resp> {
        let conn = self.conn.as_mut().unwrap();
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.addr);
        let mut has_length = false;
        for (k, v) in headers {
            has_length |= k.eq_ignore_ascii_case("content-length");
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if !has_length && (method == "POST" || !body.is_empty()) {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        let s = conn.get_mut();
        s.write_all(head.as_bytes())?;
        s.write_all(body)?;
        let mut line = String::new();
        if conn.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other("connection closed"));
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut headers = Vec::new();
        loop {
            let mut l = String::new();
            conn.read_line(&mut l)?;
            let l = l.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let get = |n: &str| {
            headers
                .iter()
                .find(|(k, _): &&(String, String)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.to_ascii_lowercase())
        };
        let mut body = Vec::new();
        if get("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
            loop {
                let mut size = String::new();
                conn.read_line(&mut size)?;
                let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or(""), 16)
                    .map_err(|_| std::io::Error::other(format!("bad chunk size {size:?}")))?;
                let mut chunk = vec![0; n + 2];
                conn.read_exact(&mut chunk)?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        } else if let Some(n) = get("content-length").and_then(|v| v.parse::<usize>().ok()) {
            body.resize(n, 0);
            conn.read_exact(&mut body)?;
        } else {
            conn.read_to_end(&mut body)?;
            self.conn = None;
        }
        if get("connection").is_some_and(|c| c.contains("close")) {
            self.conn = None;
        }
        Ok(Resp {
            status,
            headers,
            body,
        })
    }

    fn get(&mut self, path: &str) -> Resp {
        self.request("GET", path, &[], b"")
    }
}

fn rss_kib(pid: u32) -> u64 {
    status_kib(pid, "VmRSS:")
}

/// A field of `/proc/PID/status`, in KiB.
fn status_kib(pid: u32, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    ingested: AtomicU64,
    refused_as_expected: AtomicU64,
    errors: Mutex<Vec<String>>,
}

impl Tally {
    /// Checks the status and the security headers of a response.
    fn check(&self, what: &str, r: &Resp, expected: &[u16]) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut problems = Vec::new();
        if !expected.contains(&r.status) {
            problems.push(format!(
                "status {} (expected {expected:?}): {}",
                r.status,
                String::from_utf8_lossy(&r.body[..r.body.len().min(300)])
            ));
        }
        for (h, v) in [
            ("content-security-policy", Some("default-src 'none'")),
            ("x-content-type-options", Some("nosniff")),
            ("x-frame-options", Some("DENY")),
            ("referrer-policy", Some("no-referrer")),
            ("cross-origin-opener-policy", None),
        ] {
            match (r.header(h), v) {
                (None, _) => problems.push(format!("no {h} header")),
                (Some(got), Some(want)) if !got.contains(want) => {
                    problems.push(format!("{h}: {got}"))
                }
                _ => {}
            }
        }
        if !problems.is_empty() {
            let mut e = self.errors.lock().unwrap();
            if e.len() < 50 {
                e.push(format!("{what}: {}", problems.join("; ")));
            }
        }
    }
}

fn article_body(n: u64, worker: usize) -> String {
    const PLACES: &[&str] = &["Tarno", "Velmar", "Dravnik", "Ostral", "Kessel", "Brava"];
    let place = PLACES[(n as usize + worker) % PLACES.len()];
    let outlet = ["Tarno Herald", "Velmar Daily", "Oskel Post"][(n % 3) as usize];
    serde_json::json!({
        "id": format!("soak-{worker}-{n}"),
        "url": format!("https://soak.example/{worker}/{n}"),
        "outlet": outlet,
        "title": format!("{place} council approves plan number {n}"),
        "text": format!("The council of {place} approved plan number {n} on Monday, the mayor said. The plan gives {} new buses to the districts of {place} before the winter, and a new school.", n % 40),
        "published": "2026-03-10T08:00:00Z",
    })
    .to_string()
}

/// One client's loop until `deadline`.
fn work(
    addr: &str,
    worker: usize,
    deadline: Instant,
    stories: &[String],
    articles: &[String],
    tally: &Tally,
) {
    let mut c = Client::new(addr);
    let words = [
        "velna",
        "\"death toll\"",
        "council",
        "title:cup",
        "port -mariners",
        "a OR b",
        "zyzzyva",
        "(unbalanced",
        "\u{e9}lection",
    ];
    // `PARALLAX_SOAK_INGEST=0` turns the ingests into story reads: with
    // nothing written, resident memory must stay flat.
    let ingests = std::env::var("PARALLAX_SOAK_INGEST").map_or(true, |v| v != "0");
    let mut i = 0u64;
    while Instant::now() < deadline {
        i += 1;
        let s = &stories[i as usize % stories.len()];
        let a = &articles[i as usize % articles.len()];
        match i % 16 {
            10 | 11 if !ingests => {
                tally.check("story page", &c.get(&format!("/stories/{s}")), &[200]);
            }
            0 => tally.check("/", &c.get("/"), &[200]),
            1 => tally.check("story page", &c.get(&format!("/stories/{s}")), &[200]),
            2 => tally.check("article page", &c.get(&format!("/articles/{a}")), &[200]),
            3 => tally.check("api stories", &c.get("/api/v1/stories?limit=50"), &[200]),
            4 => tally.check("api story", &c.get(&format!("/api/v1/stories/{s}")), &[200]),
            5 => tally.check(
                "api article",
                &c.get(&format!("/api/v1/articles/{a}")),
                &[200],
            ),
            6 | 7 => {
                let w = words[(i / 16) as usize % words.len()];
                let q = w
                    .bytes()
                    .map(|b| {
                        if b.is_ascii_alphanumeric() {
                            (b as char).to_string()
                        } else {
                            format!("%{b:02X}")
                        }
                    })
                    .collect::<String>();
                // An unparsable query is a 400, never a 5xx.
                if i % 16 == 6 {
                    tally.check(
                        "search page",
                        &c.get(&format!("/search?q={q}")),
                        &[200, 400],
                    );
                } else {
                    tally.check(
                        "api search",
                        &c.get(&format!("/api/v1/search?q={q}")),
                        &[200, 400],
                    );
                }
            }
            8 => tally.check("css", &c.get("/static/style.css"), &[200]),
            9 => tally.check("healthz", &c.get("/healthz"), &[200]),
            10 | 11 => {
                let body = article_body(i, worker);
                let auth = format!("Bearer {TOKEN}");
                let r = c.request(
                    "POST",
                    "/api/v1/articles",
                    &[
                        ("Authorization", &auth),
                        ("Content-Type", "application/json"),
                    ],
                    body.as_bytes(),
                );
                tally.check("ingest", &r, &[201]);
                if r.status == 201 {
                    tally.ingested.fetch_add(1, Ordering::Relaxed);
                }
            }
            12 => {
                // Writes without a token, or with a wrong one.
                let body = article_body(i, worker + 100);
                let r = c.request(
                    "POST",
                    "/api/v1/articles",
                    &[("Content-Type", "application/json")],
                    body.as_bytes(),
                );
                tally.check("ingest without token", &r, &[401]);
                let r = c.request(
                    "POST",
                    "/api/v1/articles",
                    &[
                        ("Authorization", "Bearer soak-test-token-0123456788"),
                        ("Content-Type", "application/json"),
                    ],
                    body.as_bytes(),
                );
                tally.check("ingest with a wrong token", &r, &[401]);
                tally.refused_as_expected.fetch_add(2, Ordering::Relaxed);
            }
            13 => {
                // An oversized body: refused on its declared length, before
                // it is read (the connection is then dropped).
                let auth = format!("Bearer {TOKEN}");
                let r = c.request(
                    "POST",
                    "/api/v1/articles",
                    &[
                        ("Authorization", &auth),
                        ("Content-Type", "application/json"),
                        ("Content-Length", "6000000"),
                    ],
                    b"",
                );
                c.conn = None;
                tally.check("oversized body", &r, &[413]);
                tally.refused_as_expected.fetch_add(1, Ordering::Relaxed);
            }
            14 => {
                let traversal = [
                    "/static/../../../../etc/passwd",
                    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
                    "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                    "/static/style.css/../../Cargo.toml",
                    "/static/..\\..\\Cargo.toml",
                    "/static//etc/passwd",
                    "/static/%252e%252e/etc/passwd",
                ];
                let p = traversal[(i / 16) as usize % traversal.len()];
                let r = c.get(p);
                tally.check(&format!("traversal {p}"), &r, &[400, 404]);
                let body = String::from_utf8_lossy(&r.body);
                if body.contains("root:") || body.contains("[workspace]") {
                    tally
                        .errors
                        .lock()
                        .unwrap()
                        .push(format!("{p} served a file"));
                }
                tally.refused_as_expected.fetch_add(1, Ordering::Relaxed);
            }
            _ => {
                tally.check("entities", &c.get("/api/v1/entities?limit=20"), &[200]);
            }
        }
    }
}

#[test]
fn server_soak() {
    let secs: u64 = std::env::var("PARALLAX_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    Command::cargo_bin("parallax")
        .unwrap()
        .arg("--data-dir")
        .arg(&data)
        .args(["ingest", "-q"])
        .arg(corpus())
        .assert()
        .success();
    let bin = assert_cmd::cargo::cargo_bin("parallax");
    let mut server = Server(
        std::process::Command::new(bin)
            .arg("--data-dir")
            .arg(&data)
            .args(["serve", "--addr", "127.0.0.1:0", "--write-token", TOKEN])
            .env_remove("PARALLAX_WRITE_TOKEN")
            .env_remove("PARALLAX_DATA")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let pid = server.0.id();
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("the address")
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");

    // Warm-up: every story and article once, and a few searches.
    let mut c = Client::new(&addr);
    let tally = Tally::default();
    let r = c.get("/api/v1/stories?limit=100");
    tally.check("api stories", &r, &[200]);
    let stories: Vec<String> = r.json()["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!stories.is_empty());
    let mut articles = Vec::new();
    for s in &stories {
        let r = c.get(&format!("/api/v1/stories/{s}"));
        tally.check("api story", &r, &[200]);
        for a in r.json()["articles"].as_array().unwrap() {
            articles.push(a["id"].as_str().unwrap().to_string());
        }
        tally.check("story page", &c.get(&format!("/stories/{s}")), &[200]);
    }
    for a in &articles {
        tally.check("article page", &c.get(&format!("/articles/{a}")), &[200]);
    }
    for q in ["velna", "council", "cup"] {
        tally.check("search", &c.get(&format!("/search?q={q}")), &[200]);
    }
    drop(c);
    let rss_warm = rss_kib(pid);

    let started = Instant::now();
    let deadline = started + Duration::from_secs(secs);
    let tally = Arc::new(tally);
    let (stories, articles) = (Arc::new(stories), Arc::new(articles));
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let (addr, tally, stories, articles) = (
                addr.clone(),
                tally.clone(),
                stories.clone(),
                articles.clone(),
            );
            std::thread::spawn(move || work(&addr, w, deadline, &stories, &articles, &tally))
        })
        .collect();
    let mut rss_max = rss_warm;
    // Resident memory at each quarter of the run, to show its course.
    let mut quarters = Vec::new();
    while workers.iter().any(|w| !w.is_finished()) {
        std::thread::sleep(Duration::from_millis(250));
        let rss = rss_kib(pid);
        rss_max = rss_max.max(rss);
        let quarter = (started.elapsed().as_secs_f64() * 4.0 / secs as f64) as usize;
        if quarter > quarters.len() && quarters.len() < 3 {
            quarters.push(rss);
        }
    }
    for w in workers {
        w.join().unwrap();
    }
    let elapsed = started.elapsed();
    let rss_end = rss_kib(pid);
    assert!(server.0.try_wait().unwrap().is_none(), "the server exited");
    quarters.push(rss_end);
    println!(
        "soak: VmRSS at each quarter of the run: {} KiB",
        quarters
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "soak: at the end RssAnon {} KiB, RssFile {} KiB (mapped files: the store, the search index)",
        status_kib(pid, "RssAnon:"),
        status_kib(pid, "RssFile:")
    );
    let requests = tally.requests.load(Ordering::Relaxed);
    let errors = tally.errors.lock().unwrap().clone();
    println!(
        "soak: {secs} s, {requests} requests ({:.0}/s), {} ingested, {} refused as expected, {} errors; VmRSS after warm-up {} KiB, max {} KiB, end {} KiB",
        requests as f64 / elapsed.as_secs_f64(),
        tally.ingested.load(Ordering::Relaxed),
        tally.refused_as_expected.load(Ordering::Relaxed),
        errors.len(),
        rss_warm,
        rss_max,
        rss_end
    );
    assert!(errors.is_empty(), "{} errors: {errors:#?}", errors.len());
    assert!(requests > 100, "only {requests} requests");
    if std::env::var("PARALLAX_SOAK_INGEST").map_or(true, |v| v != "0") {
        assert!(tally.ingested.load(Ordering::Relaxed) > 0);
    }
    // The store grows with the ingests (clusterer state, caches), so some
    // growth is expected; a leak per request would exceed this.
    let bound = rss_warm * 2 + 64 * 1024;
    assert!(
        rss_end < bound,
        "VmRSS grew from {rss_warm} KiB to {rss_end} KiB (bound {bound} KiB)"
    );
}
