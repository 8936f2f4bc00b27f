//! The server's routes and pages, through `tower::ServiceExt::oneshot` (no
//! network). The data is the fictional demo corpus and articles written
//! here.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use parallax_engine::{ClusterConfig, Engine};
use parallax_server::{router, AppState, ServeOptions};
use serde_json::{json, Value};
use std::path::Path;
use tempfile::TempDir;
use tower::ServiceExt;

const CORPUS: &str = include_str!("../../../demo/corpus.jsonl");
const TOKEN: &str = "test-token-123";

fn ingest_demo(dir: &Path) {
    let mut engine = Engine::open(dir, ClusterConfig::default()).unwrap();
    let articles = CORPUS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| parallax_ingest::jsonl::parse_line(l).unwrap().build())
        .collect();
    engine.ingest_batch(articles).unwrap();
}

/// A demo store served with the given write token.
fn app(token: Option<&str>, demo: bool) -> (TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    if demo {
        ingest_demo(dir.path());
    }
    let state = AppState::open(
        dir.path(),
        ServeOptions {
            write_token: token.map(str::to_string),
            ..Default::default()
        },
    )
    .unwrap();
    (dir, router(state))
}

struct Resp {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

async fn send(app: &Router, req: Request<Body>) -> Resp {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(app: &Router, uri: &str) -> Resp {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

fn post_json(uri: &str, body: &Value, token: Option<&str>) -> Request<Body> {
    let mut b = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Body::from(body.to_string())).unwrap()
}

fn assert_security_headers(r: &Resp) {
    let h = |k: &str| r.headers.get(k).map(|v| v.to_str().unwrap().to_string());
    let csp = h("content-security-policy").expect("CSP");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(h("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(h("x-frame-options").as_deref(), Some("DENY"));
    assert!(h("referrer-policy").is_some());
}

/// The id of the story holding the demo article `ext`.
async fn story_of(app: &Router, ext: &str) -> String {
    let r = get(app, &format!("/api/v1/articles/{ext}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["story"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn stories_list_filters_and_pages() {
    let (_d, app) = app(None, true);
    let all = get(&app, "/api/v1/stories?limit=100").await;
    assert_eq!(all.status, 200);
    assert_security_headers(&all);
    let all = all.json();
    let total = all["total"].as_u64().unwrap() as usize;
    assert!(total >= 3, "{all}");
    assert_eq!(all["stories"].as_array().unwrap().len(), total);
    assert!(all["next_cursor"].is_null());

    // Cursor paging visits every story once.
    let mut seen = Vec::new();
    let mut uri = "/api/v1/stories?limit=2".to_string();
    loop {
        let page = get(&app, &uri).await.json();
        for s in page["stories"].as_array().unwrap() {
            seen.push(s["id"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => uri = format!("/api/v1/stories?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), total);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), total);

    // Outlet and date filters.
    let sport = get(&app, "/api/v1/stories?outlet=the%20morning%20clarion")
        .await
        .json();
    assert!(sport["stories"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["outlets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o == "The Morning Clarion")));
    assert!(sport["total"].as_u64().unwrap() >= 2);
    let early = get(&app, "/api/v1/stories?to=2026-03-09").await.json();
    assert_eq!(
        early["total"], 1,
        "only the cup final story starts by 9 March: {early}"
    );
    let none = get(&app, "/api/v1/stories?outlet=Nobody%20News")
        .await
        .json();
    assert_eq!(none["total"], 0);

    // Entity and language filters.
    let falk = get(&app, "/api/v1/stories?entity=Ines%20Falk").await.json();
    let n = falk["total"].as_u64().unwrap() as usize;
    assert!(n >= 1 && n < total, "{falk}");
    for s in falk["stories"].as_array().unwrap() {
        let id = s["id"].as_str().unwrap();
        let story = get(&app, &format!("/api/v1/stories/{id}")).await.body;
        assert!(story.contains("Falk"), "{id} does not name Ines Falk");
    }
    let nobody = get(&app, "/api/v1/stories?entity=Zebulon%20Quaxley")
        .await
        .json();
    assert_eq!(nobody["total"], 0);
    let en = get(&app, "/api/v1/stories?language=en").await.json();
    assert_eq!(en["total"].as_u64().unwrap() as usize, total);
    let fr = get(&app, "/api/v1/stories?language=fr").await.json();
    assert_eq!(fr["total"], 0);
    let page = get(&app, "/?entity=Ines%20Falk").await;
    assert_eq!(page.status, 200);
    let counted = if n == 1 {
        "1 story matches".to_string()
    } else {
        format!("{n} stories match")
    };
    assert!(page.body.contains(&counted), "{}", page.body);
    let hits = get(&app, "/api/v1/search?q=union&entity=Ines%20Falk")
        .await
        .json();
    assert!(hits["total"].as_u64().unwrap() >= 1, "{hits}");
    for h in hits["hits"].as_array().unwrap() {
        let a = get(
            &app,
            &format!("/api/v1/articles/{}", h["id"].as_str().unwrap()),
        )
        .await
        .body;
        assert!(a.contains("Falk"), "{h}");
    }

    let bad = get(&app, "/api/v1/stories?from=yesterday").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["code"], "bad_request");
    let bad = get(&app, "/api/v1/stories?cursor=zzz").await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn story_route_has_the_cli_json_shape_and_a_markdown_report() {
    let (dir, app) = app(None, true);
    let id = story_of(&app, "demo-004").await;
    let r = get(&app, &format!("/api/v1/stories/{id}")).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    // The same shape as `parallax story ID --json`: the engine's view.
    let expected = {
        // A second engine on the same store (the server holds the first).
        let e = Engine::open(dir.path(), ClusterConfig::default()).unwrap();
        serde_json::to_value(e.story(&id).unwrap().unwrap()).unwrap()
    };
    // Same fields; the summary, articles and comparison are identical
    // (other sections are compared by presence: they may hold maps whose
    // order is not fixed).
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&v), keys(&expected));
    for k in [
        "id",
        "headline",
        "articles",
        "outlets",
        "shared_terms",
        "entities",
        "quotes",
        "citations",
        "summary",
        "summary_sources",
        "timeline",
    ] {
        assert_eq!(v[k], expected[k], "{k} differs");
    }
    // The summary: every sentence with citations to article offsets.
    let summary = v["summary"].as_array().unwrap();
    assert!(!summary.is_empty());
    for s in summary {
        assert!(!s["citations"].as_array().unwrap().is_empty(), "{s}");
    }
    for k in [
        "id",
        "headline",
        "articles",
        "shared_terms",
        "entities",
        "quotes",
        "citations",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    // A unique prefix works too.
    let r = get(&app, &format!("/api/v1/stories/{}", &id[..id.len() - 2])).await;
    assert_eq!(r.status, 200);

    let md = get(&app, &format!("/api/v1/stories/{id}.md")).await;
    assert_eq!(md.status, 200);
    assert!(md.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/markdown"));
    assert!(md.body.starts_with("# "), "{}", md.body);
    assert!(md.body.contains("## Articles"));
    assert!(md.body.contains("## Summary") && md.body.contains("[1]"));
    let page_md = get(&app, &format!("/stories/{id}.md")).await;
    assert_eq!(page_md.body, md.body);

    let missing = get(&app, "/api/v1/stories/nope-nope").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["code"], "not_found");
    let unknown_route = get(&app, "/api/v1/nothing-here").await;
    assert_eq!(unknown_route.status, 404);
    assert_eq!(unknown_route.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn articles_entities_and_quotes() {
    let (_d, app) = app(None, true);
    let a = get(&app, "/api/v1/articles/demo-004").await.json();
    assert_eq!(a["external_id"], "demo-004");
    assert_eq!(a["outlet"], "The Lakeshore Post");
    assert!(a["text"].as_str().unwrap().len() > 100);
    let by_id = get(
        &app,
        &format!("/api/v1/articles/{}", a["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(by_id.json()["external_id"], "demo-004");
    assert_eq!(
        get(&app, "/api/v1/articles/no-such-article").await.status,
        404
    );

    let story = story_of(&app, "demo-003").await;
    let ents = get(&app, &format!("/api/v1/entities?story={story}"))
        .await
        .json();
    let names: Vec<&str> = ents["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(names.iter().any(|n| n.contains("Port Velna")), "{names:?}");
    let across = get(&app, "/api/v1/entities").await.json();
    let across = across["entities"].as_array().unwrap();
    assert!(!across.is_empty());
    // Every entity of the story is in the index under its id or an alias.
    for e in ents["entities"].as_array().unwrap() {
        let id = e["id"].as_str().unwrap();
        assert!(
            across
                .iter()
                .any(|x| x["id"] == id || x["aliases"].as_array().unwrap().iter().any(|a| a == id)),
            "{id} not in the index"
        );
    }
    assert_eq!(
        get(&app, "/api/v1/entities?story=nope-nope").await.status,
        404
    );

    let quotes = get(&app, &format!("/api/v1/quotes?story={story}"))
        .await
        .json();
    let speakers = quotes["quotes"].as_array().unwrap();
    assert!(!speakers.is_empty());
    let first = speakers[0]["speaker"].as_str().unwrap().to_string();
    let word = first.split_whitespace().last().unwrap().to_lowercase();
    let one = get(
        &app,
        &format!("/api/v1/quotes?story={story}&speaker={word}"),
    )
    .await
    .json();
    assert!(one["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["speaker"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains(&word)));
    let all = get(&app, "/api/v1/quotes").await.json();
    assert!(all["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|q| q["story"].is_string()));
}

#[tokio::test]
async fn search_phrases_filters_and_order() {
    let (_d, app) = app(None, true);
    let r = get(&app, "/api/v1/search?q=fertiliser").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert!(v["total"].as_u64().unwrap() >= 2, "{v}");
    let hit = &v["hits"][0];
    for k in ["id", "title", "story", "snippet"] {
        assert!(hit.get(k).is_some(), "{k}");
    }
    // A phrase only matches the words in order.
    let phrase = get(&app, "/api/v1/search?q=%22central%20bank%22")
        .await
        .json();
    assert!(phrase["total"].as_u64().unwrap() >= 1);
    let reversed = get(&app, "/api/v1/search?q=%22bank%20central%22")
        .await
        .json();
    assert_eq!(reversed["total"], 0);
    // Outlet filter.
    let mpa = get(
        &app,
        "/api/v1/search?q=velna&outlet=Meridian%20Press%20Agency",
    )
    .await
    .json();
    assert!(mpa["total"].as_u64().unwrap() >= 1);
    assert!(mpa["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["outlet"] == "Meridian Press Agency"));
    // Date range: only 8-9 March.
    let early = get(&app, "/api/v1/search?q=velna&to=2026-03-09")
        .await
        .json();
    assert!(early["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["published"].as_str().unwrap() < "2026-03-10"));
    assert!(early["total"].as_u64().unwrap() >= 1);
    // Newest first.
    let by_time = get(&app, "/api/v1/search?q=velna&sort=time&limit=50")
        .await
        .json();
    let times: Vec<String> = by_time["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            chrono::DateTime::parse_from_rfc3339(h["published"].as_str().unwrap())
                .unwrap()
                .to_utc()
                .to_rfc3339()
        })
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
    // A query that cannot be parsed.
    let bad = get(&app, "/api/v1/search?q=nosuchfield:word").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["code"], "bad_query");
    let bad_sort = get(&app, "/api/v1/search?q=a&sort=sideways").await;
    assert_eq!(bad_sort.status, 400);
}

#[tokio::test]
async fn openapi_and_exports() {
    let (_d, app) = app(None, true);
    let doc = get(&app, "/api/v1/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for p in [
        "/api/v1/stories",
        "/api/v1/stories/{id}",
        "/api/v1/articles",
        "/api/v1/articles/{id}",
        "/api/v1/search",
        "/api/v1/entities",
        "/api/v1/quotes",
        "/api/v1/export/{file}",
    ] {
        assert!(
            doc["paths"].get(p).is_some(),
            "{p} missing from the OpenAPI document"
        );
    }
    let jsonl = get(&app, "/api/v1/export/articles.jsonl").await;
    assert_eq!(jsonl.status, 200);
    assert_eq!(jsonl.body.lines().count(), 12);
    for l in jsonl.body.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert!(v["story"].is_string());
    }
    let csv = get(&app, "/api/v1/export/articles.csv").await;
    assert!(csv.body.starts_with("id,external_id,story,"));
    let stories = get(&app, "/api/v1/export/stories.jsonl").await;
    let n = get(&app, "/api/v1/stories?limit=100").await.json()["total"]
        .as_u64()
        .unwrap();
    assert_eq!(stories.body.lines().count() as u64, n);
    let scsv = get(&app, "/api/v1/export/stories.csv").await;
    assert_eq!(scsv.body.lines().count() as u64, n + 1);
    assert_eq!(get(&app, "/api/v1/export/secrets.txt").await.status, 404);
}

#[tokio::test]
async fn pages_render_with_security_headers() {
    let (_d, app) = app(None, true);
    let story = story_of(&app, "demo-003").await;
    for uri in [
        "/".to_string(),
        "/?outlet=The%20Morning%20Clarion&from=2026-03-01&to=2026-03-31".to_string(),
        format!("/stories/{story}"),
        "/articles/demo-004".to_string(),
        "/search?q=fertiliser".to_string(),
        "/search?q=velna&sort=time&outlet=Meridian%20Press%20Agency".to_string(),
        "/search".to_string(),
    ] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, 200, "{uri}: {}", r.body);
        assert_security_headers(&r);
        assert!(r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(r.body.starts_with("<!DOCTYPE html>"), "{uri}");
        assert!(r.body.contains("name=\"viewport\""), "{uri}");
        assert!(!r.body.contains("<script"), "{uri}: pages carry no script");
    }
    let front = get(&app, "/").await.body;
    assert!(
        front.contains("Explosion at Port Velna") || front.contains("fertiliser"),
        "{front}"
    );
    let sp = get(&app, &format!("/stories/{story}")).await.body;
    for part in [
        "Summary",
        "href=\"#source-1\"",
        "Timeline",
        "Articles",
        "Shared terms",
        "Entities",
        "Who said what",
        "/articles/",
    ] {
        assert!(sp.contains(part), "story page lacks {part}");
    }
    let ap = get(&app, "/articles/demo-004").await.body;
    assert!(ap.contains("The Lakeshore Post"));
    assert!(ap.matches("<p>").count() >= 3, "paragraphs");
    assert!(ap.contains("class=\"ent "), "entity mentions are linked");
    let sr = get(&app, "/search?q=fertiliser").await.body;
    assert!(sr.contains("<mark>"), "matches are highlighted");

    // An entity page from a link on the story page.
    let href = sp
        .split("href=\"/entities/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an entity link")
        .to_string();
    let ep = get(&app, &format!("/entities/{href}")).await;
    assert_eq!(ep.status, 200, "{}", ep.body);
    assert!(ep.body.contains("Stories"));
    assert_eq!(get(&app, "/entities/Nobody%20Atall").await.status, 404);

    let css = get(&app, "/static/style.css").await;
    assert_eq!(css.status, 200);
    assert!(css.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let nf = get(&app, "/no/such/page").await;
    assert_eq!(nf.status, 404);
    assert_security_headers(&nf);
    assert_eq!(get(&app, "/healthz").await.body, "ok");
}

#[tokio::test]
async fn story_page_draws_the_citation_graph_and_article_pages_mark_quotes_and_shared_facts() {
    let (_d, app) = app(None, true);
    let list = get(&app, "/api/v1/stories?limit=100").await.json();
    let biggest = list["stories"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|s| s["articles"].as_u64())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let page = get(&app, &format!("/stories/{biggest}")).await;
    assert_eq!(page.status, 200);
    let svg = &page.body[page.body.find("<svg").expect("a citation graph")..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    assert!(svg.matches("<line").count() >= 3, "{svg}");
    assert!(svg.contains("National Rescue Service"), "{svg}");
    assert!(svg.contains("Meridian Press Agency"), "{svg}");
    assert!(!svg.contains("<script") && !svg.contains("style="));

    let story = get(&app, &format!("/api/v1/stories/{biggest}"))
        .await
        .json();
    let first = story["articles"][0]["id"].as_str().unwrap().to_string();
    let art = get(&app, &format!("/articles/{first}")).await;
    assert_eq!(art.status, 200);
    assert!(
        art.body.contains("class=\"quote\""),
        "attributed words are marked"
    );
    assert!(
        art.body.contains("class=\"cited\""),
        "cited sources are marked"
    );
    let shared = &art.body[art.body.find("id=\"shared-facts\"").unwrap()..];
    assert!(
        shared.contains("Also: "),
        "the facts it shares list other outlets"
    );
}

#[tokio::test]
async fn static_route_refuses_path_traversal() {
    let (_d, app) = app(None, false);
    for uri in [
        "/static/../Cargo.toml",
        "/static/..%2F..%2FCargo.toml",
        "/static/%2e%2e/%2e%2e/Cargo.toml",
        "/static/..%5c..%5cCargo.toml",
        "/static//etc/passwd",
        "/static/style.css/../../Cargo.toml",
        "/static/%2e%2e%2f%2e%2e%2fsrc%2flib.rs",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, 404, "{uri}");
        assert!(
            !r.body.contains("[package]") && !r.body.contains("root:"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn writes_need_a_configured_token() {
    let article = json!({"id": "w-1", "title": "Ferry service resumes on Lake Orva", "outlet": "Orva Times",
        "text": "The ferry service on Lake Orva resumed on Tuesday after a two-week strike ended.",
        "published": "2026-04-01T09:00:00Z"});
    // No token configured: writing is off.
    let (_d, off) = app(None, false);
    let r = send(
        &off,
        post_json("/api/v1/articles", &article, Some("anything")),
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"]["code"], "writes_disabled");
    assert_security_headers(&r);

    let (_d2, on) = app(Some(TOKEN), false);
    let r = send(&on, post_json("/api/v1/articles", &article, None)).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"]["code"], "unauthorized");
    let r = send(&on, post_json("/api/v1/articles", &article, Some("wrong"))).await;
    assert_eq!(r.status, 401);
    let r = send(
        &on,
        post_json("/api/v1/articles", &article, Some(&format!("{TOKEN}x"))),
    )
    .await;
    assert_eq!(r.status, 401);
    assert_eq!(get(&on, "/api/v1/stories").await.json()["total"], 0);

    let r = send(&on, post_json("/api/v1/articles", &article, Some(TOKEN))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let rep = r.json();
    assert_eq!(rep["added"].as_array().unwrap().len(), 1);
    // Idempotent: the same article again changes nothing.
    let again = send(&on, post_json("/api/v1/articles", &article, Some(TOKEN))).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["unchanged"], 1);
    // Indexed for search at once, and listed.
    let s = get(&on, "/api/v1/search?q=ferry").await.json();
    assert_eq!(s["total"], 1);
    assert_eq!(get(&on, "/api/v1/stories").await.json()["total"], 1);

    // An array with one bad item: the good ones are stored.
    let batch = json!([
        {"id": "w-2", "title": "Orva ferry crews sign new deal", "outlet": "Lake Gazette", "text": "Ferry crews on Lake Orva signed a new pay deal, ending the strike."},
        {"id": "w-3", "published": "not a date", "title": 7},
        "not an object"
    ]);
    let r = send(&on, post_json("/api/v1/articles", &batch, Some(TOKEN))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let rep = r.json();
    assert_eq!(rep["added"].as_array().unwrap().len(), 1);
    assert_eq!(rep["errors"].as_array().unwrap().len(), 2, "{rep}");

    // Bad bodies.
    let r = send(
        &on,
        Request::post("/api/v1/articles")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{not json"))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], "invalid_json");
    let r = send(
        &on,
        Request::post("/api/v1/articles")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, "application/pdf")
            .body(Body::from("%PDF"))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 415);
    assert_eq!(r.json()["error"]["code"], "unsupported_media_type");

    // Reads of the old method are refused on the write route.
    let r = get(&on, "/api/v1/articles").await;
    assert_eq!(r.status, 405);

    // A newer version of a page (same URL, other wording) replaces the
    // stored one in its story, and search finds its new words.
    let page = json!({"url": "https://orva.example/ferry-strike", "title": "Orva ferry strike ends",
        "outlet": "Orva Times", "text": "The ferry strike on Lake Orva ended on Monday."});
    let r = send(&on, post_json("/api/v1/articles", &page, Some(TOKEN))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let story = r.json()["added"][0]["story"].clone();
    let fixed = json!({"url": "https://orva.example/ferry-strike", "title": "Orva ferry strike ends",
        "outlet": "Orva Times", "text": "The ferry strike on Lake Orva ended on Monday, after mediators met the union."});
    let r = send(&on, post_json("/api/v1/articles", &fixed, Some(TOKEN))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rep = r.json();
    assert_eq!(rep["updated"].as_array().unwrap().len(), 1, "{rep}");
    assert_eq!(rep["updated"][0]["story"], story);
    assert_eq!(rep["unchanged"], 0);
    let s = get(&on, "/api/v1/search?q=mediators").await.json();
    assert_eq!(s["total"], 1, "{s}");
    let again = send(&on, post_json("/api/v1/articles", &fixed, Some(TOKEN))).await;
    assert_eq!(again.json()["unchanged"], 1);
}

#[tokio::test]
async fn html_pages_can_be_posted() {
    let (_d, app) = app(Some(TOKEN), false);
    let page = r#"<!doctype html><html><head><title>Orva bridge reopens | Lake Gazette</title>
        <meta property="og:site_name" content="Lake Gazette">
        <meta property="article:published_time" content="2026-04-02T10:00:00Z"></head>
        <body><nav><a href="/">Home</a></nav><article><h1>Orva bridge reopens after repairs</h1>
        <p>The old bridge over the Orva river reopened on Thursday after six months of repairs, the town council said.</p>
        <p>Engineers replaced the deck and two of the piers, and traffic was flowing again by noon, officials said.</p>
        <p>Local shops, which had lost trade during the closure, welcomed the news and said customers were already returning.</p>
        </article></body></html>"#;
    let r = send(
        &app,
        Request::post("/api/v1/articles?url=https://gazette.example/orva-bridge")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Body::from(page))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["added"][0]["id"].as_str().unwrap().to_string();
    let a = get(&app, &format!("/api/v1/articles/{id}")).await.json();
    assert!(a["text"].as_str().unwrap().contains("reopened on Thursday"));
}

#[tokio::test]
async fn oversized_bodies_and_headers_are_refused() {
    let (_d, app) = app(Some(TOKEN), false);
    let big = "x".repeat(parallax_server::MAX_BODY + 1);
    // With a Content-Length header...
    let r = send(
        &app,
        Request::post("/api/v1/articles")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_LENGTH, big.len())
            .body(Body::from(big.clone()))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["error"]["code"], "payload_too_large");
    // ...and streamed without one.
    let stream = futures_stream(big);
    let r = send(
        &app,
        Request::post("/api/v1/articles")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(stream)
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 413);

    let mut req = Request::get("/").body(Body::empty()).unwrap();
    for i in 0..100 {
        req.headers_mut().insert(
            header::HeaderName::from_bytes(format!("x-h{i}").as_bytes()).unwrap(),
            header::HeaderValue::from_static("v"),
        );
    }
    let r = send(&app, req).await;
    assert_eq!(r.status, 431);
    assert_eq!(r.json()["error"]["code"], "headers_too_large");
}

/// A body without a known length, in 64 KB chunks.
fn futures_stream(s: String) -> Body {
    let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> = s
        .as_bytes()
        .chunks(64 * 1024)
        .map(|c| Ok(axum::body::Bytes::copy_from_slice(c)))
        .collect();
    Body::from_stream(futures_util::stream::iter(chunks))
}

#[tokio::test]
async fn hostile_articles_render_inert() {
    let (_d, app) = app(Some(TOKEN), true);
    let script = "<script>alert(1)</script>";
    let img = "<img src=x onerror=alert(1)>";
    let hostile = json!({
        "id": "evil-1",
        "url": "javascript:alert(1)",
        "title": format!("Port Velna blast {script} {img}"),
        "outlet": format!("Evil {script} Outlet {img}"),
        "authors": [format!("{img}")],
        "published": "2026-03-11T20:00:00+01:00",
        "text": format!("The explosion at the Port Velna fertiliser plant killed {script} workers, {img} said the union.\n\n\"We warned them {script}\" said Ines Falk {img}.\n\nThe Halvard plant {img} had not been inspected, according to {script} officials.")
    });
    let r = send(&app, post_json("/api/v1/articles", &hostile, Some(TOKEN))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let story = r.json()["added"][0]["story"].as_str().unwrap().to_string();
    let article_id = r.json()["added"][0]["id"].as_str().unwrap().to_string();
    let pages = [
        "/".to_string(),
        "/?outlet=Evil%20%3Cscript%3Ealert(1)%3C%2Fscript%3E%20Outlet%20%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E".to_string(),
        format!("/stories/{story}"),
        format!("/articles/{article_id}"),
        "/articles/evil-1".to_string(),
        "/search?q=alert".to_string(),
        "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
        "/search?q=fertiliser&outlet=Evil%20%3Cscript%3E".to_string(),
    ];
    let mut escaped_seen = 0;
    for uri in &pages {
        let r = get(&app, uri).await;
        assert!(r.status == 200, "{uri}: {} {}", r.status, r.body);
        assert!(
            !r.body.contains("<script"),
            "{uri}: raw script tag:\n{}",
            r.body
        );
        assert!(!r.body.contains("<img"), "{uri}: raw img tag");
        assert!(
            !r.body.contains("href=\"javascript:"),
            "{uri}: javascript link"
        );
        if r.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;") {
            escaped_seen += 1;
        }
    }
    assert!(escaped_seen >= 4, "the hostile text is shown, escaped");
    // The hostile text is in the story page as text.
    let sp = get(&app, &format!("/stories/{story}")).await.body;
    assert!(sp.contains("&lt;img src=x onerror=alert(1)&gt;"));
    // Entity pages of any name in the story are escaped too.
    for href in sp
        .split("href=\"/entities/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
    {
        let r = get(&app, &format!("/entities/{href}")).await;
        assert!(
            !r.body.contains("<script") && !r.body.contains("<img"),
            "{href}"
        );
    }
    // The Markdown report escapes HTML too.
    let md = get(&app, &format!("/api/v1/stories/{story}.md")).await.body;
    assert!(
        md.match_indices('<')
            .all(|(i, _)| i > 0 && md.as_bytes()[i - 1] == b'\\'),
        "every < in the report is escaped"
    );
    assert!(md.contains("\\<script\\>"));
    // The JSON API returns the text as it was given, as JSON.
    let a = get(&app, "/api/v1/articles/evil-1").await;
    assert!(a.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert!(a.json()["title"].as_str().unwrap().contains(script));
}

/// A store where a third article bridged two stories: the newer story was
/// merged into the older one.
fn merged_app() -> (TempDir, Router, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut weights = [0.0; parallax_engine::parallax_cluster::NF];
    weights[0] = -3.0;
    weights[1] = 10.0;
    let config = ClusterConfig {
        model: parallax_engine::parallax_cluster::Model { weights },
        threshold: 0.5,
        merge_threshold: Some(0.5),
        ..Default::default()
    };
    let article = |title: &str, text: &str, outlet: &str| {
        parallax_ingest::ArticleDraft {
            title: Some(title.into()),
            text: text.into(),
            outlet: Some(outlet.into()),
            ..Default::default()
        }
        .build()
    };
    let report = Engine::open(dir.path(), config)
        .unwrap()
        .ingest_batch(vec![
            article("Flood closes Pouwa Falls school", "Flood water closed the school in Pouwa Falls. Teachers moved pupils to the library.", "Velmar Daily"),
            article("Ferry strike halts Dravnik crossings", "A ferry strike halted crossings at Dravnik harbour. Sailors want higher pay.", "Tarno Herald"),
            article("Flood and ferry strike", "Flood water closed the school in Pouwa Falls and a ferry strike halted crossings at Dravnik harbour. Teachers moved pupils; sailors want higher pay.", "North Courier"),
        ])
        .unwrap();
    assert_eq!(report.merged.len(), 1);
    let (from, into) = report.merged[0].clone();
    let state = AppState::open(dir.path(), ServeOptions::default()).unwrap();
    (dir, router(state), from.to_string(), into.to_string())
}

#[tokio::test]
async fn a_merged_story_redirects_to_the_story_it_went_into() {
    let (_dir, app, from, into) = merged_app();
    let r = get(&app, &format!("/api/v1/stories/{from}")).await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT, "{}", r.body);
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        &format!("/api/v1/stories/{into}")
    );
    let r = get(&app, &format!("/api/v1/stories/{from}.md")).await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        &format!("/api/v1/stories/{into}.md")
    );
    let r = get(&app, &format!("/stories/{from}")).await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        &format!("/stories/{into}")
    );
    let r = get(&app, &format!("/api/v1/stories/{into}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["articles"].as_array().unwrap().len(), 3);
    assert_eq!(r.json()["merged_from"], json!([from]));
    let page = get(&app, &format!("/stories/{into}")).await;
    assert!(
        page.body.contains("merged with 1 earlier story"),
        "{}",
        page.body
    );
    let list = get(&app, "/api/v1/stories").await.json();
    let ids: Vec<&str> = list["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![into.as_str()]);
}
