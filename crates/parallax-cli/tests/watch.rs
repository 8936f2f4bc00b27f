//! Integration tests of live ingestion: `parallax watch`, `parallax feeds`,
//! `parallax ingest URL` and WARC archives, against a small HTTP server
//! that each test starts on loopback (so `--allow-private` is needed) and
//! that serves feeds and pages written for these tests: fictional outlets
//! reporting fictional events.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- server

#[derive(Clone)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Resp {
    Resp {
        status: 200,
        headers: vec![("Content-Type".into(), content_type.into())],
        body: body.into(),
    }
}

impl Resp {
    fn header(mut self, k: &str, v: &str) -> Resp {
        self.headers.push((k.into(), v.into()));
        self
    }
}

#[derive(Clone, Debug)]
struct Hit {
    path: String,
    headers: HashMap<String, String>,
    at: Instant,
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Resp>,
    hits: Vec<Hit>,
}

/// A tiny HTTP/1.1 server on 127.0.0.1: one thread per connection, one
/// request per connection. Answers 304 when the client's `If-None-Match`
/// or `If-Modified-Since` matches the route's `ETag` or `Last-Modified`.
struct Server {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let st = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let st = st.clone();
                std::thread::spawn(move || handle(stream, &st));
            }
        });
        Server { port, state }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn route(&self, path: &str, resp: Resp) {
        self.state
            .lock()
            .unwrap()
            .routes
            .insert(path.to_string(), resp);
    }

    fn hits(&self, path: &str) -> Vec<Hit> {
        self.state
            .lock()
            .unwrap()
            .hits
            .iter()
            .filter(|h| h.path == path)
            .cloned()
            .collect()
    }

    fn all_paths(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .hits
            .iter()
            .map(|h| h.path.clone())
            .collect()
    }
}

fn handle(mut stream: TcpStream, state: &Mutex<State>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let mut lines = head.lines();
    let path = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("/")
        .to_string();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let resp = {
        let mut st = state.lock().unwrap();
        st.hits.push(Hit {
            path: path.clone(),
            headers: headers.clone(),
            at: Instant::now(),
        });
        st.routes.get(&path).cloned()
    };
    let mut resp = resp.unwrap_or(Resp {
        status: 404,
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: b"not found".to_vec(),
    });
    let has = |name: &str| {
        resp.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let not_modified = matches!((has("etag"), headers.get("if-none-match")), (Some(a), Some(b)) if &a == b)
        || matches!((has("last-modified"), headers.get("if-modified-since")), (Some(a), Some(b)) if &a == b);
    if resp.status == 200 && not_modified {
        resp.status = 304;
        resp.body.clear();
    }
    let mut out = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        resp.status,
        resp.body.len()
    );
    for (k, v) in &resp.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&resp.body);
    let _ = stream.write_all(&bytes);
}

// ------------------------------------------------------ fictional content

/// A news page of a fictional outlet. With `structured`, the headline,
/// author and date are stated in JSON-LD; without, only the `<title>` (with
/// the site's name) and a `<time>` element carry them.
fn page(
    outlet: &str,
    headline: &str,
    author: &str,
    date: &str,
    paras: &[&str],
    structured: bool,
) -> String {
    let ld = if structured {
        format!(
            r#"<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{headline}","author":{{"@type":"Person","name":"{author}"}},"datePublished":"{date}","publisher":{{"@type":"Organization","name":"{outlet}"}}}}</script>"#
        )
    } else {
        String::new()
    };
    let body: String = paras.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{headline} | {outlet}</title>{ld}</head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>{headline}</h1><time datetime="2026-01-01T00:00:00Z">1 January</time>
{body}</article><footer>Share this article · Subscribe to our newsletter</footer></body></html>"#
    )
}

const FERRY: &[&str] = &[
    "The ferry between Velmar and the island of Oskel will run again from Monday after three weeks of repairs to the northern pier, the operator Brisk Lines said on Friday.",
    "Engineers replaced two of the pier's supports after a storm in early February damaged them, and the harbour authority inspected the work on Thursday.",
    "Tickets bought for cancelled crossings will be honoured until the end of March, a spokeswoman for the company said, and extra sailings are planned for the weekend.",
];
const COUNCIL: &[&str] = &[
    "The town council of Tarno voted on Tuesday to close the old stone bridge over the Lessa to all traffic after inspectors found deep cracks in two of its arches.",
    "Buses will be diverted over the ring road for at least two months, and a temporary footbridge is to be built beside the old one by the end of April.",
    "Mayor Ilse Dornberg said the repairs would cost about 4.2 million crowns and asked the regional government to share the bill.",
];
const ORCHARD: &[&str] = &[
    "Growers in the Harl valley expect the smallest apple harvest in a decade after a late frost in April destroyed much of the blossom, their association said on Wednesday.",
    "Prices at the Velmar wholesale market rose by a fifth in a week, and several cider makers said they would buy fruit from the coast instead.",
    "The regional farm office will open a relief fund for the worst-hit orchards next month, its director told reporters.",
];
const SCHOOL: &[&str] = &[
    "A new secondary school opened in the east of Oskel on Thursday, the first to be built on the island since the harbour was expanded twenty years ago.",
    "The school will take four hundred pupils from villages that until now sent their children on the morning ferry to Velmar, the education office said.",
    "Teachers and parents painted the classrooms themselves over the winter, according to the head teacher, Marta Quell.",
];

fn rss(title: &str, items: &[(&str, &str, &str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, title, link, author, cat)| {
            format!(
                "<item><guid isPermaLink=\"false\">{guid}</guid><title>{title}</title><link>{link}</link>\
                 <author>desk@velmar.example ({author})</author><category>{cat}</category>\
                 <pubDate>Fri, 06 Mar 2026 08:30:00 +0100</pubDate><description>{title}, our reporter writes.</description></item>\n"
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title><link>https://velmar.example/</link>{items}</channel></rss>"#
    )
}

// ------------------------------------------------------------- commands

fn parallax(data: &Path) -> Command {
    let mut c = Command::cargo_bin("parallax").unwrap();
    c.arg("--data-dir")
        .arg(data)
        .env_remove("PARALLAX_DATA")
        .timeout(Duration::from_secs(120));
    c
}

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", String::from_utf8_lossy(out)))
}

/// `watch --once` with test settings; returns (exit code, summary).
fn watch_once(data: &Path, extra: &[&str]) -> (i32, Value) {
    let out = parallax(data)
        .args([
            "watch",
            "--once",
            "--json",
            "--allow-private",
            "--delay",
            "0s",
            "--interval",
            "0s",
        ])
        .args(extra)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, json(&out.stdout))
}

fn feeds(data: &Path) -> Vec<Value> {
    let out = parallax(data).args(["feeds", "--json"]).output().unwrap();
    assert!(out.status.success());
    json(&out.stdout).as_array().unwrap().clone()
}

fn feed<'a>(list: &'a [Value], url: &str) -> &'a Value {
    list.iter()
        .find(|f| f["url"] == url)
        .unwrap_or_else(|| panic!("no feed {url} in {list:?}"))
}

/// Every stored article, in full (`parallax article ID --json`).
fn articles(data: &Path) -> Vec<Value> {
    let out = parallax(data)
        .args(["export", "--what", "articles", "--format", "jsonl"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let row: Value = serde_json::from_str(l).unwrap();
            let out = parallax(data)
                .args(["article", "--json", row["id"].as_str().unwrap()])
                .output()
                .unwrap();
            assert!(out.status.success());
            json(&out.stdout)
        })
        .collect()
}

fn article_by_url<'a>(list: &'a [Value], url: &str) -> &'a Value {
    list.iter()
        .find(|a| a["url"] == url)
        .unwrap_or_else(|| panic!("no article {url}"))
}

// ----------------------------------------------------------------- tests

/// New items are picked up from RSS, Atom and JSON Feed (one given in an
/// OPML file), a second poll is answered 304 thanks to the stored
/// validators, a restarted watch fetches no page twice, and a new item is
/// picked up on the next poll. The feed's metadata is merged with the
/// page's: structured page metadata wins, the feed beats the page's
/// `<title>` and `<time>`.
#[test]
fn watch_picks_up_new_items_honours_304_and_resumes_without_refetching() {
    let s = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (ferry, council, orchard, school) = (
        s.url("/velmar/ferry.html"),
        s.url("/tarno/bridge.html"),
        s.url("/velmar/orchards.html"),
        s.url("/oskel/school.html"),
    );
    s.route("/robots.txt", ok("text/plain", "User-agent: *\nAllow: /\n"));
    s.route(
        "/velmar/rss.xml",
        ok(
            "application/rss+xml",
            rss(
                "Velmar Daily",
                &[(
                    "velmar-1",
                    "Ferry to Oskel resumes on Monday",
                    &ferry,
                    "Ana Ribe",
                    "Transport",
                )],
            ),
        )
        .header("ETag", "\"v1\""),
    );
    s.route(
        "/tarno/atom.xml",
        ok(
            "application/atom+xml",
            format!(
                r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Tarno Post</title><id>urn:tarno</id><updated>2026-03-06T09:00:00Z</updated>
<entry><id>urn:tarno:77</id><title>Old bridge closed to traffic</title><link rel="alternate" type="text/html" href="{council}"/><updated>2026-03-06T09:00:00Z</updated><author><name>Per Lind</name></author><category term="city" label="City"/></entry></feed>"#
            ),
        )
        .header("Last-Modified", "Fri, 06 Mar 2026 09:00:00 GMT"),
    );
    s.route(
        "/oskel/feed.json",
        ok(
            "application/feed+json",
            format!(
                r#"{{"version":"https://jsonfeed.org/version/1.1","title":"Oskel Courier","items":[{{"id":"oc-12","url":"{school}","title":"Island school opens its doors","date_published":"2026-03-05T07:00:00Z","authors":[{{"name":"Nils Aro"}}],"tags":["Education"]}}]}}"#
            ),
        ),
    );
    s.route(
        "/velmar/ferry.html",
        ok(
            "text/html; charset=utf-8",
            page(
                "Velmar Daily",
                "Velmar ferry back after pier repairs",
                "Ola Berg",
                "2026-03-06T08:00:00+01:00",
                FERRY,
                true,
            ),
        ),
    );
    s.route(
        "/tarno/bridge.html",
        ok(
            "text/html",
            page("Tarno Post", "Bridge", "", "", COUNCIL, false),
        ),
    );
    s.route(
        "/oskel/school.html",
        ok(
            "text/html",
            page("Oskel Courier", "School", "", "", SCHOOL, false),
        ),
    );
    std::fs::write(
        dir.path().join("feeds.opml"),
        format!(
            r#"<?xml version="1.0"?><opml version="2.0"><head><title>Test</title></head><body><outline text="Local">
<outline type="rss" text="Velmar Daily" xmlUrl="{}"/><outline type="atom" text="Tarno Post" xmlUrl="{}"/></outline></body></opml>"#,
            s.url("/velmar/rss.xml"),
            s.url("/tarno/atom.xml")
        ),
    )
    .unwrap();
    let opml = dir.path().join("feeds.opml").display().to_string();
    let json_feed = s.url("/oskel/feed.json");

    // First run: every item is new.
    let (code, sum) = watch_once(&data, &[&opml, &json_feed]);
    assert_eq!(code, 0, "{sum}");
    assert_eq!(sum["feeds_polled"], 3, "{sum}");
    assert_eq!(sum["new_items"], 3);
    assert_eq!(sum["added"], 3);
    assert_eq!(sum["articles_total"], 3);

    let arts = articles(&data);
    // The page's JSON-LD wins over the feed...
    let a = article_by_url(&arts, &ferry);
    assert_eq!(a["title"], "Velmar ferry back after pier repairs");
    assert_eq!(a["authors"], serde_json::json!(["Ola Berg"]));
    assert_eq!(a["outlet"], "Velmar Daily");
    // ...and the feed beats the page's <title> and <time>.
    let b = article_by_url(&arts, &council);
    assert_eq!(b["title"], "Old bridge closed to traffic");
    assert_eq!(b["authors"], serde_json::json!(["Per Lind"]));
    assert_eq!(b["outlet"], "Tarno Post");
    assert!(
        b["published"]
            .as_str()
            .unwrap()
            .starts_with("2026-03-06T09:00:00"),
        "{b}"
    );
    let c = article_by_url(&arts, &school);
    assert_eq!(c["title"], "Island school opens its doors");
    assert_eq!(c["outlet"], "Oskel Courier");

    // Second run, a new process: the RSS and Atom feeds answer 304 to the
    // stored validators, the JSON feed (no validators) has nothing new,
    // and no page is fetched again.
    let (code, sum) = watch_once(&data, &[]);
    assert_eq!(code, 0);
    assert_eq!(sum["feeds_polled"], 3);
    assert_eq!(sum["feeds_not_modified"], 2, "{sum}");
    assert_eq!(sum["new_items"], 0);
    assert_eq!(sum["added"], 0);
    let rss_hits = s.hits("/velmar/rss.xml");
    assert_eq!(rss_hits.len(), 2);
    assert_eq!(
        rss_hits[1].headers.get("if-none-match").map(String::as_str),
        Some("\"v1\"")
    );
    let atom_hits = s.hits("/tarno/atom.xml");
    assert_eq!(
        atom_hits[1]
            .headers
            .get("if-modified-since")
            .map(String::as_str),
        Some("Fri, 06 Mar 2026 09:00:00 GMT")
    );
    for p in [
        "/velmar/ferry.html",
        "/tarno/bridge.html",
        "/oskel/school.html",
    ] {
        assert_eq!(s.hits(p).len(), 1, "{p} fetched again");
    }
    assert!(rss_hits[0].headers["user-agent"].starts_with("Parallax/"));

    // A new item: the feed changes, and only the new page is fetched.
    s.route(
        "/velmar/rss.xml",
        ok(
            "application/rss+xml",
            rss(
                "Velmar Daily",
                &[
                    (
                        "velmar-2",
                        "Frost hits the Harl valley orchards",
                        &orchard,
                        "Ana Ribe",
                        "Farming",
                    ),
                    (
                        "velmar-1",
                        "Ferry to Oskel resumes on Monday",
                        &ferry,
                        "Ana Ribe",
                        "Transport",
                    ),
                ],
            ),
        )
        .header("ETag", "\"v2\""),
    );
    s.route(
        "/velmar/orchards.html",
        ok(
            "text/html",
            page("Velmar Daily", "Orchards", "", "", ORCHARD, false),
        ),
    );
    let (code, sum) = watch_once(&data, &[]);
    assert_eq!(code, 0);
    assert_eq!(sum["new_items"], 1, "{sum}");
    assert_eq!(sum["added"], 1);
    assert_eq!(s.hits("/velmar/ferry.html").len(), 1);
    assert_eq!(s.hits("/velmar/orchards.html").len(), 1);
    let arts = articles(&data);
    let o = article_by_url(&arts, &orchard);
    assert_eq!(o["title"], "Frost hits the Harl valley orchards");
    assert_eq!(o["extra"]["categories"], serde_json::json!(["Farming"]));
    assert_eq!(o["extra"]["metadata_sources"]["title"], "feed");

    // The feeds and their health.
    let list = feeds(&data);
    assert_eq!(list.len(), 3);
    let v = feed(&list, &s.url("/velmar/rss.xml"));
    assert_eq!(v["status"], "ok");
    assert_eq!(v["title"], "Velmar Daily");
    assert_eq!(v["etag"], "\"v2\"");
    assert_eq!(v["ingested"], 2);
    assert_eq!(v["failures"], 0);
    let text = parallax(&data).arg("feeds").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Tarno Post") && text.contains("3 feeds, 0 failing."),
        "{text}"
    );
}

/// A feed answering 500 and a feed that is not a feed are reported with
/// their reasons, backed off exponentially, and never stop the others.
/// The default mode keeps polling, retrying the failing feed with growing
/// waits, and stops by itself with `--for`.
#[test]
fn failing_feeds_back_off_while_the_others_continue() {
    let s = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (good, down, junk) = (
        s.url("/good/rss.xml"),
        s.url("/down/rss.xml"),
        s.url("/junk/rss.xml"),
    );
    s.route(
        "/good/rss.xml",
        ok(
            "application/rss+xml",
            rss(
                "Velmar Daily",
                &[(
                    "g-1",
                    "Ferry to Oskel resumes",
                    &s.url("/good/ferry.html"),
                    "Ana Ribe",
                    "Transport",
                )],
            ),
        ),
    );
    s.route(
        "/good/ferry.html",
        ok(
            "text/html",
            page("Velmar Daily", "Ferry", "", "", FERRY, false),
        ),
    );
    s.route(
        "/down/rss.xml",
        Resp {
            status: 500,
            headers: vec![],
            body: b"oops".to_vec(),
        },
    );
    s.route(
        "/junk/rss.xml",
        ok("application/rss+xml", "<rss><channel><item><title>cut off"),
    );

    let (code, sum) = watch_once(&data, &["--retry", "1h", &good, &down, &junk]);
    assert_eq!(code, 1, "a failed feed is a partial failure");
    assert_eq!(sum["feeds_failed"], 2, "{sum}");
    assert_eq!(sum["added"], 1, "the healthy feed went on");
    let reports = sum["feeds"].as_array().unwrap();
    let report = |u: &str| reports.iter().find(|r| r["url"] == u).unwrap().clone();
    assert_eq!(report(&down)["error"], "HTTP 500");
    assert!(report(&junk)["error"]
        .as_str()
        .unwrap()
        .contains("not a valid RSS, Atom or JSON feed"));

    let list = feeds(&data);
    let d = feed(&list, &down);
    assert_eq!(
        (d["status"].as_str(), d["failures"].as_u64()),
        (Some("failing"), Some(1))
    );
    assert_eq!(d["last_error"], "HTTP 500");
    let wait = |f: &Value| {
        let t = |k: &str| chrono::DateTime::parse_from_rfc3339(f[k].as_str().unwrap()).unwrap();
        (t("next_poll") - t("last_poll")).num_seconds()
    };
    assert!(
        (3590..=3610).contains(&wait(d)),
        "first backoff {}",
        wait(d)
    );
    assert_eq!(feed(&list, &good)["status"], "ok");

    // Not due yet: the failing feeds are left alone while the good one
    // is polled again.
    let (_, sum) = watch_once(&data, &["--retry", "1h"]);
    assert_eq!(sum["feeds_polled"], 1, "{sum}");
    assert_eq!(s.hits("/down/rss.xml").len(), 1);
    assert_eq!(s.hits("/good/rss.xml").len(), 2);

    // Forced: tried again, failed again, and the wait doubles.
    let (code, _) = watch_once(&data, &["--retry", "1h", "--force"]);
    assert_eq!(code, 1);
    let list = feeds(&data);
    let d = feed(&list, &down);
    assert_eq!(d["failures"], 2);
    assert!(
        (7190..=7210).contains(&wait(d)),
        "second backoff {}",
        wait(d)
    );

    // Repaired: the next forced poll succeeds and the health is reset.
    s.route(
        "/down/rss.xml",
        ok(
            "application/rss+xml",
            rss(
                "Tarno Post",
                &[(
                    "t-1",
                    "Old bridge closed",
                    &s.url("/down/bridge.html"),
                    "Per Lind",
                    "City",
                )],
            ),
        ),
    );
    s.route(
        "/down/bridge.html",
        ok(
            "text/html",
            page("Tarno Post", "Bridge", "", "", COUNCIL, false),
        ),
    );
    let (_, sum) = watch_once(&data, &["--force", &down]);
    assert_eq!(sum["feeds_failed"], 0, "{sum}");
    assert_eq!(sum["added"], 1);
    let list = feeds(&data);
    let d = feed(&list, &down);
    assert_eq!(
        (d["status"].as_str(), d["failures"].as_u64()),
        (Some("ok"), Some(0))
    );
    assert!(d["last_error"].is_null());

    // The default mode: keeps polling until --for runs out, retrying the
    // failing feed with growing waits while the healthy one waits for its
    // interval.
    s.route(
        "/down/rss.xml",
        Resp {
            status: 503,
            headers: vec![],
            body: vec![],
        },
    );
    let before = s.hits("/down/rss.xml").len();
    let good_before = s.hits("/good/rss.xml").len();
    let started = Instant::now();
    let out = parallax(&data)
        .args([
            "watch",
            "--allow-private",
            "--delay",
            "0s",
            "--retry",
            "300ms",
            "--force",
            "--for",
            "4s",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hits = s.hits("/down/rss.xml")[before..].to_vec();
    // 0, 0.3, 0.9, 2.1 s (then 4.5 s, past the end): 4 tries, fewer on a
    // loaded machine, never a tight loop.
    assert!((2..=6).contains(&hits.len()), "{} tries", hits.len());
    let gaps: Vec<Duration> = hits.windows(2).map(|w| w[1].at - w[0].at).collect();
    for w in gaps.windows(2) {
        assert!(w[1] > w[0], "waits should grow: {gaps:?}");
    }
    assert_eq!(
        s.hits("/good/rss.xml").len(),
        good_before + 1,
        "the healthy feed waits for its interval"
    );
}

/// Items whose page is over the size limit, loops in redirects, or is
/// disallowed by robots.txt are refused with a clear reason (the disallowed
/// page is never requested; an item whose feed carries its text is
/// ingested from the feed instead); the good item goes in.
#[test]
fn oversized_pages_redirect_loops_and_robots_are_refused() {
    let s = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    s.route(
        "/robots.txt",
        ok(
            "text/plain",
            "User-agent: *\nDisallow: /private/\n\nUser-agent: OtherBot\nDisallow: /\n",
        ),
    );
    let big =
        "<p>Filler about the Velmar harbour festival, repeated many times over.</p>".repeat(2000);
    s.route(
        "/big.html",
        ok(
            "text/html",
            page("Velmar Daily", "Huge", "", "", &[&big], false),
        ),
    );
    s.route(
        "/loop/a",
        Resp {
            status: 302,
            headers: vec![("Location".into(), "/loop/b".into())],
            body: vec![],
        },
    );
    s.route(
        "/loop/b",
        Resp {
            status: 301,
            headers: vec![("Location".into(), s.url("/loop/a"))],
            body: vec![],
        },
    );
    s.route(
        "/ok.html",
        ok(
            "text/html",
            page("Velmar Daily", "Ferry", "", "", FERRY, false),
        ),
    );
    let content: String = ORCHARD.iter().map(|p| format!("<p>{p}</p>")).collect();
    let feed = format!(
        r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Velmar Daily</title><link>{base}</link>
<item><guid>big</guid><title>A very long page</title><link>{base}big.html</link></item>
<item><guid>loop</guid><title>Going round</title><link>{base}loop/a</link></item>
<item><guid>secret</guid><title>Not for robots</title><link>{base}private/secret.html</link></item>
<item><guid>with-text</guid><title>Frost hits the orchards</title><link>{base}private/orchards.html</link><content:encoded><![CDATA[{content}]]></content:encoded></item>
<item><guid>fine</guid><title>Ferry to Oskel resumes</title><link>{base}ok.html</link></item>
</channel></rss>"#,
        base = s.url("/")
    );
    s.route("/rss.xml", ok("application/rss+xml", feed));

    let (code, sum) = watch_once(&data, &["--max-page-bytes", "20000", &s.url("/rss.xml")]);
    assert_eq!(code, 1, "{sum}");
    assert_eq!(sum["new_items"], 5);
    assert_eq!(sum["added"], 2, "{sum}");
    assert_eq!(sum["failed_items"], 2);
    assert_eq!(sum["skipped"], 1);
    let errors = sum["errors"].as_array().unwrap();
    let problem = |path: &str| {
        errors
            .iter()
            .find(|e| e["input"] == s.url(path))
            .unwrap_or_else(|| panic!("no error for {path}: {errors:?}"))["problem"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(problem("/big.html").contains("over the size limit of 20000 bytes"));
    assert!(problem("/loop/a").contains("redirect loop"));
    // robots.txt: the page is never asked for.
    let paths = s.all_paths();
    assert!(
        !paths.iter().any(|p| p.starts_with("/private/")),
        "{paths:?}"
    );
    assert_eq!(s.hits("/robots.txt").len(), 1, "robots.txt is cached");
    assert!(s.hits("/loop/a").len() <= 2 && s.hits("/loop/b").len() <= 2);
    let arts = articles(&data);
    let from_feed = article_by_url(&arts, &s.url("/private/orchards.html"));
    assert_eq!(from_feed["extra"]["from_feed"], true);
    assert!(from_feed["text"].as_str().unwrap().contains("Harl valley"));
    let list = feeds(&data);
    let f = &list[0];
    assert_eq!(
        (
            f["ingested"].as_u64(),
            f["failed_items"].as_u64(),
            f["skipped_items"].as_u64()
        ),
        (Some(2), Some(2), Some(1))
    );
    // Permanent failures are not retried.
    let (_, sum) = watch_once(&data, &["--max-page-bytes", "20000"]);
    assert_eq!(sum["failed_items"], 0);
    assert_eq!(s.hits("/big.html").len(), 1);
}

/// `ingest URL` fetches pages; by default, loopback, private and
/// link-local addresses are refused before any connection (literal
/// addresses, and `localhost` through the system resolver), and so is
/// anything but http(s). (Names resolving to such addresses and redirects
/// to them are tested with a test resolver in `parallax-fetch`.)
#[test]
fn ingest_urls_and_refuse_private_addresses_by_default() {
    let s = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    s.route(
        "/ok.html",
        ok(
            "text/html",
            page(
                "Oskel Courier",
                "Island school opens",
                "Nils Aro",
                "2026-03-05T07:00:00Z",
                SCHOOL,
                true,
            ),
        ),
    );
    s.route(
        "/feed.xml",
        ok("application/rss+xml", rss("Velmar Daily", &[])),
    );

    let out = parallax(&data)
        .args(["ingest", "--json"])
        .arg(s.url("/ok.html"))
        .arg(format!("http://localhost:{}/ok.html", s.port))
        .args([
            "http://10.0.0.1/news",
            "http://169.254.169.254/latest/meta-data/",
            "ftp://velmar.example/x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let sum = json(&out.stdout);
    assert_eq!(sum["added"], 0);
    assert_eq!(sum["failed"], 5);
    let problems: Vec<String> = sum["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} -> {}", e["input"], e["problem"]))
        .collect();
    let all = problems.join("\n");
    assert!(
        all.contains("127.0.0.1, a loopback address (--allow-private allows it)"),
        "{all}"
    );
    assert!(all.contains("is 10.0.0.1, a private address"), "{all}");
    assert!(
        all.contains("169.254.169.254, a link-local address"),
        "{all}"
    );
    assert!(all.contains("only http and https"), "{all}");
    assert!(s.all_paths().is_empty(), "no request reached the server");

    let out = parallax(&data)
        .args(["ingest", "--json", "--allow-private", "--delay", "0s"])
        .arg(s.url("/ok.html"))
        .arg(s.url("/feed.xml"))
        .arg(s.url("/missing.html"))
        .output()
        .unwrap();
    let sum = json(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        (
            sum["added"].as_u64(),
            sum["fetched"].as_u64(),
            sum["failed"].as_u64()
        ),
        (Some(1), Some(1), Some(2))
    );
    let all = serde_json::to_string(&sum["errors"]).unwrap();
    assert!(all.contains("use `parallax watch"), "{all}");
    assert!(all.contains("HTTP 404"), "{all}");
    let arts = articles(&data);
    assert_eq!(arts[0]["title"], "Island school opens");
    assert_eq!(arts[0]["authors"], serde_json::json!(["Nils Aro"]));
    // Again: nothing changes.
    let out = parallax(&data)
        .args(["ingest", "--json", "--allow-private", "--delay", "0s"])
        .arg(s.url("/ok.html"))
        .output()
        .unwrap();
    let sum = json(&out.stdout);
    assert_eq!(
        (sum["added"].as_u64(), sum["unchanged"].as_u64()),
        (Some(0), Some(1))
    );
}

/// Bad feed arguments are named with the reason.
#[test]
fn bad_watch_arguments_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = parallax(&data)
        .args(["watch", "--once", "no-such-list.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-list.txt: no such file"), "{err}");
    let list = dir.path().join("list.txt");
    std::fs::write(&list, "https://velmar.example/rss\nnot a url\n").unwrap();
    let out = parallax(&data)
        .args(["watch", "--once"])
        .arg(&list)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2: `not a url` is not an http or https URL"),
        "{err}"
    );
    let out = parallax(&data).args(["watch", "--once"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no feeds are watched yet"));
}

/// A WARC archive, plain and gzipped: the HTML responses become articles
/// with their target URI and fetch date; requests, metadata, images and
/// 404s are skipped; a broken record is reported and the rest goes on.
#[test]
fn warc_archives_are_ingested() {
    let dir = tempfile::tempdir().unwrap();
    let record = |kind: &str, uri: &str, block: &[u8]| -> Vec<u8> {
        let ctype = match kind {
            "response" => "application/http; msgtype=response",
            "request" => "application/http; msgtype=request",
            _ => "application/warc-fields",
        };
        let mut r = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2026-03-06T12:00:00Z\r\nWARC-Record-ID: <urn:uuid:{}>\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
            uri.len(),
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    };
    let http = |ctype: &str, status: u16, body: &str| {
        format!("HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\n\r\n{body}").into_bytes()
    };
    let mut warc = record("warcinfo", "", b"software: test\r\n");
    for (i, (outlet, head, paras)) in [
        ("Velmar Daily", "Ferry to Oskel resumes", FERRY),
        ("Tarno Post", "Old bridge closed", COUNCIL),
        ("Oskel Courier", "Island school opens", SCHOOL),
    ]
    .iter()
    .enumerate()
    {
        let uri = format!("https://news{i}.example/story");
        warc.extend(record("request", &uri, b"GET /story HTTP/1.1\r\n\r\n"));
        warc.extend(record(
            "response",
            &uri,
            &http(
                "text/html; charset=utf-8",
                200,
                &page(
                    outlet,
                    head,
                    "A. Writer",
                    "2026-03-06T08:00:00Z",
                    paras,
                    true,
                ),
            ),
        ));
        warc.extend(record("metadata", &uri, b"fetchTimeMs: 42\r\n"));
    }
    warc.extend(record(
        "response",
        "https://news0.example/logo.png",
        &http("image/png", 200, "\u{1}PNG"),
    ));
    warc.extend(record(
        "response",
        "https://news0.example/gone",
        &http("text/html", 404, "<p>gone</p>"),
    ));
    warc.extend_from_slice(b"WARC/1.1\r\nWARC-Type: response\r\nthis line is broken\r\n\r\n");
    warc.extend(record(
        "response",
        "https://news9.example/late",
        &http(
            "text/html",
            200,
            &page(
                "Velmar Daily",
                "Frost in the orchards",
                "B. Writer",
                "2026-03-06T08:00:00Z",
                ORCHARD,
                true,
            ),
        ),
    ));
    let plain = dir.path().join("crawl.warc");
    std::fs::write(&plain, &warc).unwrap();
    let gz = dir.path().join("crawl.warc.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&warc).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();

    for (i, f) in [&plain, &gz].iter().enumerate() {
        let data = dir.path().join(format!("data{i}"));
        let out = parallax(&data)
            .args(["ingest", "--json"])
            .arg(f)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let sum = json(&out.stdout);
        assert_eq!(sum["added"], 4, "{sum}");
        assert_eq!(sum["failed"], 1);
        assert_eq!(sum["skipped_records"], 9);
        let err = serde_json::to_string(&sum["errors"]).unwrap();
        assert!(
            err.contains("record 13") && err.contains("malformed header line"),
            "{err}"
        );
        let arts = articles(&data);
        let a = article_by_url(&arts, "https://news1.example/story");
        assert_eq!(a["title"], "Old bridge closed");
        assert_eq!(a["extra"]["fetched"], "2026-03-06T12:00:00Z");
    }
}
