//! Server-rendered pages. maud escapes every `(expr)`, so article text is
//! always shown as text; nothing here uses `PreEscaped` on data. Pages
//! work without script, and story pages render from the story's JSON, so
//! sections added to the story view later appear without changes here.

use crate::api::{find_article, run_search, SearchParams, StoriesParams};
use crate::markdown::{citation_marks, text, KNOWN};
use crate::{ApiError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup, DOCTYPE};
use parallax_core::ParagraphKind;
use serde::Deserialize;
use serde_json::Value;

const PER_PAGE: usize = 20;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(front))
        .route("/stories/{id}", get(story))
        .route("/articles/{id}", get(article))
        .route("/entities/{name}", get(entity))
        .route("/search", get(search))
        .route("/static/{*path}", get(static_file))
        .route("/healthz", get(|| async { "ok" }))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}

/// An error shown as a page.
pub(crate) struct PageError(ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

impl From<axum::extract::rejection::QueryRejection> for PageError {
    fn from(e: axum::extract::rejection::QueryRejection) -> Self {
        PageError(ApiError::bad_request(e.body_text()))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let title = match self.0.status {
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::BAD_REQUEST => "Bad request",
            _ => "Error",
        };
        let page = layout(
            title,
            "",
            html! {
                h1 { (title) }
                p { (self.0.message) }
                p { a href="/" { "Back to the stories" } }
            },
        );
        (self.0.status, Html(page.into_string())).into_response()
    }
}

pub(crate) async fn not_found() -> PageError {
    PageError(ApiError::not_found("There is no page at this address."))
}

type PageResult = Result<Response, PageError>;

fn page(m: Markup) -> Response {
    Html(m.into_string()).into_response()
}

/// Percent-encodes a string for a URL path segment or query value.
pub(crate) fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `shared_terms` → `Shared terms`.
pub(crate) fn title_case(k: &str) -> String {
    let s = k.replace(['_', '-'], " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn when(v: &Value) -> String {
    let s = text(v);
    chrono::DateTime::parse_from_rfc3339(&s)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or(s)
}

fn layout(title: &str, q: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " · Parallax" }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                header.top {
                    a.brand href="/" { "Parallax" }
                    form.search action="/search" method="get" role="search" {
                        input type="search" name="q" value=(q) placeholder="Search articles" aria-label="Search articles";
                        button type="submit" { "Search" }
                    }
                }
                main { (body) }
                footer { "Parallax: how outlets cover the same event. " a href="/api/v1/openapi.json" { "API" } }
            }
        }
    }
}

fn outlet_select(outlets: &[String], chosen: Option<&str>) -> Markup {
    html! {
        label { "Outlet "
            select name="outlet" {
                option value="" { "All outlets" }
                @for o in outlets {
                    option value=(o) selected[chosen == Some(o.as_str())] { (o) }
                }
            }
        }
    }
}

async fn front(
    State(state): State<AppState>,
    q: Result<Query<FrontParams>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Query(q) = q?;
    let params = StoriesParams {
        outlet: q.outlet.clone(),
        from: q.from.clone(),
        to: q.to.clone(),
        entity: q.entity.clone(),
        language: q.language.clone(),
        limit: None,
        cursor: None,
    };
    let mut filter = params.filter()?;
    filter.stories = crate::api::stories_naming(&state, q.entity.as_deref())?;
    let pageno = q.page.unwrap_or(1).clamp(1, 100_000);
    let (list, outlets, languages) = state
        .run(move |e, _| {
            Ok((
                e.list_stories(&filter, (pageno - 1) * PER_PAGE, PER_PAGE)?,
                e.outlets()?,
                e.languages()?,
            ))
        })
        .await?;
    let link = |p: usize| {
        let mut s = format!("/?page={p}");
        for (k, v) in [
            ("outlet", &q.outlet),
            ("entity", &q.entity),
            ("language", &q.language),
            ("from", &q.from),
            ("to", &q.to),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                s.push_str(&format!("&{k}={}", pct(v)));
            }
        }
        s
    };
    let filtered = [&q.outlet, &q.entity, &q.language, &q.from, &q.to]
        .iter()
        .any(|v| v.as_deref().is_some_and(|s| !s.is_empty()));
    Ok(page(layout(
        "Stories",
        "",
        html! {
            h1 { "Stories" }
            form.filters action="/" method="get" {
                (outlet_select(&outlets, q.outlet.as_deref()))
                label { "Entity " input type="text" name="entity" placeholder="a name" value=(q.entity.as_deref().unwrap_or("")); }
                @if languages.len() > 1 || q.language.as_deref().is_some_and(|l| !l.is_empty()) {
                    label { "Language "
                        select name="language" {
                            option value="" { "All languages" }
                            @for l in &languages {
                                option value=(l) selected[q.language.as_deref() == Some(l.as_str())] { (l) }
                            }
                        }
                    }
                }
                label { "From " input type="date" name="from" value=(q.from.as_deref().unwrap_or("")); }
                label { "To " input type="date" name="to" value=(q.to.as_deref().unwrap_or("")); }
                button type="submit" { "Filter" }
                @if filtered { " " a href="/" { "Clear" } }
            }
            p.count {
                (list.total)
                @if list.total == 1 { " story" } @else { " stories" }
                @if filtered { @if list.total == 1 { " matches" } @else { " match" } }
            }
            @if list.items.is_empty() {
                p { "No stories yet. Add articles with " code { "parallax ingest PATH" } " or POST /api/v1/articles." }
            }
            ol.stories {
                @for s in &list.items {
                    li.card {
                        h2 { a href={ "/stories/" (pct(s.id.as_str())) } { (s.headline) } }
                        p.meta {
                            span.size title="outlets" { (s.outlets.len()) @if s.outlets.len() == 1 { " outlet" } @else { " outlets" } }
                            " · " (s.articles) @if s.articles == 1 { " article" } @else { " articles" }
                            @if let Some(t) = s.last_seen { " · " time datetime=(t.to_rfc3339()) { (t.format("%Y-%m-%d %H:%M")) } }
                        }
                        p.outlets { (s.outlets.join(" · ")) }
                    }
                }
            }
            nav.pager {
                @if pageno > 1 { a rel="prev" href=(link(pageno - 1)) { "← Newer" } }
                @if list.next.is_some() { a rel="next" href=(link(pageno + 1)) { "Older →" } }
            }
        },
    )))
}

#[derive(Deserialize)]
struct FrontParams {
    outlet: Option<String>,
    entity: Option<String>,
    language: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<usize>,
}

async fn story(State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    if let Some(to) = state.merged_story_location("/stories/", &id).await? {
        return Ok(axum::response::Redirect::permanent(&to).into_response());
    }
    if let Some(key) = id.strip_suffix(".md") {
        let key = key.to_string();
        let v = state.run(move |e, inner| inner.story_json(e, &key)).await?;
        return Ok(crate::api::markdown_response(crate::markdown::story(&v)));
    }
    let v = state.run(move |e, inner| inner.story_json(e, &id)).await?;
    let html = state
        .inner
        .story_page(&text(&v["id"]), || story_page(&v).into_string());
    Ok(Html(html.as_str().to_string()).into_response())
}

fn story_page(v: &Value) -> Markup {
    let id = text(&v["id"]);
    let headline = text(&v["headline"]);
    let empty = Vec::new();
    let arr = |k: &str| v[k].as_array().unwrap_or(&empty);
    html! {
        (layout_body_story(&headline, html! {
            article.story {
                h1 { (headline) }
                p.meta {
                    (arr("articles").len()) " articles · " (arr("outlets").len()) " outlets"
                    @if !v["first_seen"].is_null() { " · " (when(&v["first_seen"])) " – " (when(&v["last_seen"])) }
                    @if !arr("merged_from").is_empty() {
                        " · merged with " (arr("merged_from").len())
                        @if arr("merged_from").len() == 1 { " earlier story" } @else { " earlier stories" }
                    }
                }
                p.links {
                    a href={ "/stories/" (pct(&id)) ".md" } { "Markdown report" } " · "
                    a href={ "/api/v1/stories/" (pct(&id)) } { "JSON" }
                }
                @if !arr("summary").is_empty() {
                    section #summary {
                        h2 { "Summary" }
                        p.summary {
                            @for s in arr("summary") {
                                (text(&s["text"])) " "
                                @for n in s["sources"].as_array().unwrap_or(&empty) {
                                    a.cite href={ "#source-" (text(n)) } title="source" { "[" (text(n)) "]" }
                                }
                                " "
                            }
                        }
                        ol.sources {
                            @for src in arr("summary_sources") {
                                li id={ "source-" (text(&src["n"])) } value=(text(&src["n"])) {
                                    a href={ "/articles/" (pct(&text(&src["article"]))) } { (text(&src["outlet"])) }
                                    @if !src["title"].is_null() { " — " (text(&src["title"])) }
                                }
                            }
                        }
                    }
                }
                @if !arr("timeline").is_empty() {
                    section #timeline {
                        h2 { "Timeline" }
                        ol.timeline {
                            @for e in arr("timeline") {
                                li {
                                    time datetime=(text(&e["date"])) { (text(&e["date"])) }
                                    " " span.kind { @if text(&e["kind"]) == "event" { "happened" } @else { "first reported" } }
                                    " " (text(&e["text"])) " "
                                    (citation_marks(&e["citations"]))
                                }
                            }
                        }
                    }
                }
                section #articles {
                    h2 { "Articles" }
                    ol.articles {
                        @for a in arr("articles") {
                            li {
                                a href={ "/articles/" (pct(&text(&a["id"]))) } {
                                    @if a["title"].is_null() { "(untitled)" } @else { (text(&a["title"])) }
                                }
                                br;
                                span.outlet { @if a["outlet"].is_null() { "outlet unknown" } @else { (text(&a["outlet"])) } }
                                @if !a["published"].is_null() { " · " time datetime=(text(&a["published"])) { (when(&a["published"])) } }
                                @if let Some(w) = a["words"].as_u64() { " · " (w) " words" }
                            }
                        }
                    }
                }
                @if !arr("shared_terms").is_empty() {
                    section #shared-terms {
                        h2 { "Shared terms" }
                        ul.terms {
                            @for t in arr("shared_terms") {
                                li { (text(&t["term"])) " " small title="articles using it" { (text(&t["articles"])) } }
                            }
                        }
                    }
                }
                @if !arr("entities").is_empty() {
                    section #entities {
                        h2 { "Entities" }
                        ul.entities {
                            @for e in arr("entities") {
                                li {
                                    a href={ "/entities/" (pct(&text(&e["id"]))) } { (text(&e["name"])) }
                                    " " span.kind { (text(&e["kind"])) }
                                    " " small { (text(&e["mentions"])) " mentions in " (text(&e["articles"])) " articles" }
                                    @let others: Vec<String> = e["variants"].as_array().map(|a| a.iter().map(text).filter(|x| *x != text(&e["name"])).collect()).unwrap_or_default();
                                    @if !others.is_empty() { br; span.variants { "also: " (others.join(", ")) } }
                                    @if e["roles"].as_array().is_some_and(|r| !r.is_empty()) { br; span.roles { (text(&e["roles"])) } }
                                    @if !e["metonym_of"].is_null() { br; span.roles { "stands for " (text(&e["metonym_of"])) } }
                                }
                            }
                        }
                    }
                }
                @if !arr("quotes").is_empty() {
                    section #quotes {
                        h2 { "Who said what" }
                        @for s in arr("quotes") {
                            div.speaker {
                                h3 {
                                    @if s["speaker_kind"] == "named" {
                                        a href={ "/entities/" (pct(&text(&s["speaker"]))) } { (text(&s["speaker"])) }
                                    } @else { (text(&s["speaker"])) }
                                    @if s["speaker_kind"] == "anonymous" { " " small { "(anonymous)" } }
                                    @if s["speaker_kind"] == "role" { " " small { "(unnamed role)" } }
                                }
                                @for q in s["quotes"].as_array().unwrap_or(&empty) {
                                    figure.quote {
                                        blockquote { (text(&q["text"])) }
                                        figcaption { "— " (text(&q["outlets"])) " " small { "(" (text(&q["kind"])) ")" } }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !arr("citations").is_empty() {
                    section #citations {
                        h2 { "Cited sources" }
                        (citation_graph(v))
                        ul {
                            @for c in arr("citations") {
                                li { strong { (text(&c["name"])) } " " span.kind { (text(&c["kind"])) } " · cited " (text(&c["citations"])) " times by " (text(&c["outlets"])) }
                            }
                        }
                    }
                }
                @if let Some(obj) = v.as_object() {
                    @for (k, val) in obj {
                        @if !KNOWN.contains(&k.as_str()) && !is_empty(val) {
                            @let n = val.as_array().map_or(1, Vec::len);
                            section.extra id=(pct(k)) {
                                details open[n <= 8] {
                                    summary { h2 { (title_case(k)) @if val.is_array() { " " small { "(" (n) ")" } } } }
                                    (generic(val, 0))
                                }
                            }
                        }
                    }
                }
            }
        }))
    }
}

fn layout_body_story(title: &str, body: Markup) -> Markup {
    layout(title, "", body)
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            a.iter().map(scalar).collect::<Vec<_>>().join(", ")
        }
        // Fractions from f32 fields print as 0.3699999988079071: round
        // them for a reader (the JSON keeps them exact).
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or_default();
            let s = format!("{x:.3}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        other => other.to_string(),
    }
}

fn is_flat(v: &Value) -> bool {
    match v {
        Value::Object(_) => false,
        Value::Array(a) => a.iter().all(|x| !x.is_object() && !x.is_array()),
        _ => true,
    }
}

/// Any JSON as HTML: a list of flat objects as a table, other lists as
/// lists, objects as definition lists. Everything is escaped.
fn generic(v: &Value, depth: usize) -> Markup {
    if depth > 5 {
        return html! { code { (v.to_string()) } };
    }
    match v {
        Value::Array(items) => {
            let flat_objects = !items.is_empty()
                && items
                    .iter()
                    .all(|x| x.as_object().is_some_and(|o| o.values().all(is_flat)));
            if flat_objects {
                let mut cols: Vec<&String> = Vec::new();
                for x in items {
                    for k in x.as_object().into_iter().flat_map(|o| o.keys()) {
                        if !cols.contains(&k) {
                            cols.push(k);
                        }
                    }
                }
                html! {
                    div.scroll { table {
                        thead { tr { @for c in &cols { th { (title_case(c)) } } } }
                        tbody { @for x in items { tr { @for c in &cols { td { (scalar(&x[c.as_str()])) } } } } }
                    } }
                }
            } else {
                html! { ul { @for x in items { li { (generic(x, depth + 1)) } } } }
            }
        }
        Value::Object(o) => html! {
            dl { @for (k, x) in o { dt { (title_case(k)) } dd { (generic(x, depth + 1)) } } }
        },
        other => html! { (scalar(other)) },
    }
}

async fn article(State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let (a, mentions, marks, shared) = state
        .run(move |e, inner| {
            let a = find_article(e, &id)?;
            // Recognition is guarded like the engine's: a hostile text
            // that trips it just loses its highlights.
            let mut m: Vec<(std::ops::Range<usize>, &'static str)> =
                std::panic::catch_unwind(|| parallax_compare::entities::mentions(&a.article))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(span, label)| {
                        (
                            span.range(),
                            kind_class(parallax_compare::entities::kind(label)),
                        )
                    })
                    .collect();
            m.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
            let marks = std::panic::catch_unwind(|| {
                let q = parallax_quotes::extract(&a.article.text, &Default::default());
                let mut marks: Vec<Mark> = Vec::new();
                for at in &q.attributions {
                    if at.kind == parallax_quotes::AttributionKind::Stance {
                        continue;
                    }
                    let who = speaker_name(&at.speaker);
                    for part in &at.content_parts {
                        marks.push(Mark::Quote(part.range(), who.clone()));
                    }
                }
                for c in &q.citations {
                    marks.push(Mark::Cited(c.span.range(), c.name.clone()));
                }
                marks
            })
            .unwrap_or_default();
            // The facts this article states, from its story's (cached) view.
            let key = a
                .article
                .external_id
                .clone()
                .unwrap_or_else(|| a.article.id.to_string());
            let shared = inner
                .story_json(e, a.story.as_str())
                .map(|v| shared_facts(&v, &key))
                .unwrap_or_default();
            Ok((a, m, marks, shared))
        })
        .await?;
    let art = &a.article;
    let title = art.title.clone().unwrap_or_else(|| "(untitled)".into());
    let url = art
        .url
        .as_deref()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    Ok(page(layout(
        &title,
        "",
        html! {
            article.article {
                h1 { (title) }
                p.meta {
                    span.outlet { (art.outlet.as_deref().unwrap_or("outlet unknown")) }
                    @if let Some(t) = art.published { " · " time datetime=(t.to_rfc3339()) { (t.format("%Y-%m-%d %H:%M")) } }
                    @if !art.authors.is_empty() { " · by " (art.authors.join(", ")) }
                    @if let Some(l) = &art.language { " · " (l) }
                }
                p.links {
                    a href={ "/stories/" (pct(a.story.as_str())) } { "Its story" } " · "
                    a href={ "/api/v1/articles/" (pct(art.id.as_str())) } { "JSON" }
                    @if let Some(u) = url { " · " a href=(u) rel="noopener noreferrer nofollow" { "Original" } }
                }
                @if let Some((orig, sim)) = &a.duplicate_of {
                    p.note { "A copy (" (format!("{:.0}", sim * 100.0)) "% similar) of " a href={ "/articles/" (pct(orig.as_str())) } { "an earlier article" } "." }
                }
                @if let Some(sf) = &art.standfirst { p.standfirst { (sf) } }
                div.body {
                    @for p in &art.paragraphs {
                        @let t = art.slice(p.span);
                        @match p.kind {
                            ParagraphKind::Body => p { (highlighted(&art.text, p.span.range(), &mentions, &marks)) },
                            ParagraphKind::Caption => p.caption { small { "Caption: " } (t) },
                            ParagraphKind::Boilerplate => p.boilerplate { (t) },
                            _ => {},
                        }
                    }
                    @if art.paragraphs.is_empty() { p { (art.text) } }
                }
                p.meta { "Article " code { (art.id.as_str()) } @if let Some(x) = &art.external_id { " · external id " code { (x) } } }
            }
            p.help { "Underlined: people, organisations and places. " span.quote { "Shaded" } ": attributed words (hover for the speaker). " span.cited { "Boxed" } ": a cited source." }
            @let with_others: Vec<&SharedFact> = shared.iter().filter(|f| !f.others.is_empty()).collect();
            section #shared-facts {
                h2 { "Facts it shares with other outlets" }
                @if with_others.is_empty() {
                    p { "None: no other outlet of its story states what this article states." }
                } @else {
                    ul.facts {
                        @for f in &with_others {
                            li {
                                span.kind { (f.status.replace('_', " ")) } " "
                                (f.sentence)
                                br;
                                small { "Also: " (f.others.join(", ")) }
                            }
                        }
                    }
                }
                @let alone = shared.len() - with_others.len();
                @if alone > 0 {
                    p.meta { (alone) " of its statements are reported by no other outlet of its story: see " a href={ "/stories/" (pct(a.story.as_str())) "#coverage" } { "coverage" } "." }
                }
            }
        },
    )))
}

async fn entity(State(state): State<AppState>, Path(name): Path<String>) -> PageResult {
    let key = name.clone();
    let found = state
        .run(move |e, _| Ok(e.entity_page(&key, crate::CROSS_STORY_SCAN)?))
        .await?;
    let Some(p) = found else {
        return Err(PageError(ApiError::not_found(format!(
            "No entity named “{name}” in the recent stories."
        ))));
    };
    let en = &p.entity;
    let kind = serde_json::to_value(en.kind)
        .map(|v| text(&v))
        .unwrap_or_default();
    Ok(page(layout(
        &en.name,
        "",
        html! {
            article.entity {
                h1 { (en.name) " " span.kind { (kind) } }
                p.meta { (en.mentions) " mentions in " (en.stories.len()) " stories" }
                @if !en.variants.is_empty() {
                    h2 { "Name variants" }
                    ul.terms { @for x in &en.variants { li { (x) } } }
                }
                @if !en.roles.is_empty() {
                    h2 { "Roles" }
                    ul.terms { @for x in &en.roles { li { (x) } } }
                }
                h2 { "Stories" }
                ul { @for (id, h) in &en.stories { li { a href={ "/stories/" (pct(id)) } { (h) } } } }
                @if !p.quotes.is_empty() {
                    h2 { "Quotes" }
                    @for (id, h, s) in &p.quotes {
                        h3 { a href={ "/stories/" (pct(id)) } { (h) } }
                        @for q in &s.quotes {
                            figure.quote {
                                blockquote { (q.text) }
                                figcaption { "— " (q.outlets.join(", ")) }
                            }
                        }
                    }
                }
            }
        },
    )))
}

async fn search(
    State(state): State<AppState>,
    q: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Query(q) = q?;
    let mut sq = q.query()?;
    sq.limit = PER_PAGE;
    let text_q = q.q.clone().unwrap_or_default();
    let has_query =
        !text_q.trim().is_empty() || q.entity.as_deref().is_some_and(|e| !e.trim().is_empty());
    let sq2 = sq.clone();
    let (results, outlets) = state
        .run(move |e, inner| {
            let r = if has_query {
                Some(run_search(inner, &sq2))
            } else {
                None
            };
            Ok((r, e.outlets()?))
        })
        .await?;
    let (results, error) = match results {
        Some(Ok(r)) => (Some(r), None),
        Some(Err(e)) if e.code == "bad_query" => (None, Some(e.message)),
        Some(Err(e)) => return Err(PageError(e)),
        None => (None, None),
    };
    let link = |offset: usize| {
        let mut s = format!("/search?offset={offset}");
        for (k, v) in [
            ("q", &q.q),
            ("outlet", &q.outlet),
            ("entity", &q.entity),
            ("from", &q.from),
            ("to", &q.to),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                s.push_str(&format!("&{k}={}", pct(v)));
            }
        }
        if sq.sort == crate::search::Sort::Time {
            s.push_str("&sort=time");
        }
        s
    };
    let time_sort = sq.sort == crate::search::Sort::Time;
    Ok(page(layout(
        if has_query {
            "Search"
        } else {
            "Search articles"
        },
        &text_q,
        html! {
            h1 { "Search" }
            form.filters action="/search" method="get" {
                label { "Words " input type="search" name="q" value=(text_q) placeholder="words or \"a phrase\""; }
                (outlet_select(&outlets, q.outlet.as_deref()))
                label { "Entity " input type="text" name="entity" placeholder="a name" value=(q.entity.as_deref().unwrap_or("")); }
                label { "From " input type="date" name="from" value=(q.from.as_deref().unwrap_or("")); }
                label { "To " input type="date" name="to" value=(q.to.as_deref().unwrap_or("")); }
                label { "Order "
                    select name="sort" {
                        option value="relevance" selected[!time_sort] { "Best match" }
                        option value="time" selected[time_sort] { "Newest" }
                    }
                }
                button type="submit" { "Search" }
            }
            p.help { "Use \"quotes\" for a phrase, " code { "-word" } " to exclude, " code { "title:word" } " for titles." }
            @if let Some(msg) = error { p.error { (msg) } }
            @if let Some(r) = &results {
                p.count { (r.total) @if r.total == 1 { " article" } @else { " articles" } }
                ol.results {
                    @for h in &r.hits {
                        li.card {
                            h2 { a href={ "/articles/" (pct(&h.id)) } { @if h.title.is_empty() { "(untitled)" } @else { (h.title) } } }
                            p.meta {
                                (h.outlet.as_deref().unwrap_or("outlet unknown"))
                                @if let Some(p) = &h.published { " · " (when(&Value::String(p.clone()))) }
                                " · " a href={ "/stories/" (pct(&h.story)) } { "story" }
                            }
                            p.snippet { (snippet(&h.snippet, &h.highlights)) }
                        }
                    }
                }
                nav.pager {
                    @if sq.offset > 0 { a rel="prev" href=(link(sq.offset.saturating_sub(PER_PAGE))) { "← Previous" } }
                    @if sq.offset + r.hits.len() < r.total { a rel="next" href=(link(sq.offset + r.hits.len())) { "Next →" } }
                }
            }
        },
    )))
}

fn kind_class(k: parallax_core::EntityKind) -> &'static str {
    match k {
        parallax_core::EntityKind::Person => "person",
        parallax_core::EntityKind::Organisation => "organisation",
        parallax_core::EntityKind::Location => "location",
        _ => "misc",
    }
}

/// A paragraph with its entity mentions linked to their entity pages,
/// every piece escaped.
/// A quote's words or a cited source's name, to highlight in an article.
enum Mark {
    /// Attributed content, with its speaker.
    Quote(std::ops::Range<usize>, String),
    /// Where a cited source is named, with its name.
    Cited(std::ops::Range<usize>, String),
}

fn speaker_name(s: &parallax_quotes::Speaker) -> String {
    use parallax_quotes::Speaker;
    match s {
        Speaker::Named { name } => name.clone(),
        Speaker::Role {
            description,
            resolved,
        } => resolved.clone().unwrap_or_else(|| description.clone()),
        Speaker::Pronoun { pronoun, resolved } => resolved
            .clone()
            .unwrap_or_else(|| format!("“{pronoun}” (not resolved)")),
        Speaker::Anonymous { description } => format!("{description} (anonymous)"),
        Speaker::Unknown => "no speaker found".into(),
    }
}

/// A paragraph with its entity mentions linked, attributed words shaded
/// (with the speaker as a tooltip) and cited sources boxed. Every piece is
/// escaped.
fn highlighted(
    text: &str,
    para: std::ops::Range<usize>,
    mentions: &[(std::ops::Range<usize>, &'static str)],
    marks: &[Mark],
) -> Markup {
    // Cut the paragraph at every boundary, then say of each piece what
    // covers it.
    let mut cuts = vec![para.start, para.end];
    let inside =
        |r: &std::ops::Range<usize>| r.start >= para.start && r.end <= para.end && r.start < r.end;
    for (m, _) in mentions.iter().filter(|(m, _)| inside(m)) {
        cuts.extend([m.start, m.end]);
    }
    for m in marks {
        let (Mark::Quote(r, _) | Mark::Cited(r, _)) = m;
        cuts.extend([
            r.start.clamp(para.start, para.end),
            r.end.clamp(para.start, para.end),
        ]);
    }
    cuts.retain(|&c| text.is_char_boundary(c));
    cuts.sort_unstable();
    cuts.dedup();
    struct Piece<'a> {
        text: &'a str,
        entity: Option<(&'static str, &'a str)>,
        quote: Option<&'a str>,
        cited: Option<&'a str>,
    }
    let mut pieces: Vec<Piece> = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let Some(t) = text.get(a..b) else { continue };
        if t.is_empty() {
            continue;
        }
        let entity = mentions
            .iter()
            .find(|(m, _)| inside(m) && m.start <= a && b <= m.end)
            .and_then(|(m, k)| text.get(m.clone()).map(|name| (*k, name)));
        let mut quote = None;
        let mut cited = None;
        for m in marks {
            match m {
                Mark::Quote(r, who) if r.start <= a && b <= r.end => quote = Some(who.as_str()),
                Mark::Cited(r, name) if r.start <= a && b <= r.end => cited = Some(name.as_str()),
                _ => {}
            }
        }
        pieces.push(Piece {
            text: t,
            entity,
            quote,
            cited,
        });
    }
    let inner = |p: &Piece| -> Markup {
        html! {
            @if let Some((k, name)) = p.entity {
                a class={ "ent " (k) } href={ "/entities/" (pct(name)) } { (p.text) }
            } @else { (p.text) }
        }
    };
    let cited = |p: &Piece| -> Markup {
        html! {
            @if let Some(name) = p.cited {
                span.cited title={ "cited source: " (name) } { (inner(p)) }
            } @else { (inner(p)) }
        }
    };
    html! {
        @for p in &pieces {
            @if let Some(who) = p.quote {
                span.quote title={ "attributed to " (who) } { (cited(p)) }
            } @else { (cited(p)) }
        }
    }
}

/// The story's citation graph as an SVG drawn here: outlets on the left,
/// the sources they cite on the right (the 16 most cited), an edge for
/// each outlet citing a source, thicker for more citations. Outlets that
/// lean on the same wire or body converge on one node.
fn citation_graph(view: &Value) -> Markup {
    const ROW: f64 = 22.0;
    const MAX_SOURCES: usize = 16;
    let cut = |s: &str| -> String {
        if s.chars().count() > 30 {
            s.chars().take(29).collect::<String>() + "…"
        } else {
            s.to_string()
        }
    };
    let mut sources: Vec<&Value> = view["citations"].as_array().into_iter().flatten().collect();
    sources.sort_by_key(|c| std::cmp::Reverse(c["citations"].as_u64().unwrap_or(0)));
    sources.truncate(MAX_SOURCES);
    if sources.is_empty() {
        return html! {};
    }
    let mut outlets: Vec<String> = view["outlets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o.as_str().map(str::to_string))
        .collect();
    for c in &sources {
        for o in c["outlets"].as_array().into_iter().flatten() {
            if let Some(o) = o.as_str() {
                if !outlets.iter().any(|x| x == o) {
                    outlets.push(o.to_string());
                }
            }
        }
    }
    let rows = outlets.len().max(sources.len());
    let height = rows as f64 * ROW + 16.0;
    let y_of = |i: usize, n: usize| 8.0 + (i as f64 + 0.5) * ROW + (rows - n) as f64 * ROW / 2.0;
    let (lx, rx) = (250.0, 400.0);
    let n_sources = sources.len();
    let edges: Vec<(f64, f64, f64)> = sources
        .iter()
        .enumerate()
        .flat_map(|(j, c)| {
            let cited: Vec<&str> = c["outlets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| o.as_str())
                .collect();
            let per = c["citations"].as_u64().unwrap_or(1) as f64 / cited.len().max(1) as f64;
            let outlets = &outlets;
            let y2 = y_of(j, n_sources);
            cited.into_iter().filter_map(move |o| {
                let i = outlets.iter().position(|x| x == o)?;
                Some((y_of(i, outlets.len()), y2, 1.0 + per.ln_1p() * 1.5))
            })
        })
        .collect();
    let label = format!(
        "Citation graph: {} outlets citing {} sources",
        outlets.len(),
        sources.len()
    );
    html! {
        svg.graph xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 660 " (height) } role="img" aria-label=(label) {
            title { (label) }
            @for (y1, y2, w) in &edges {
                line x1=(lx) y1=(y1) x2=(rx) y2=(y2) stroke-width=(format!("{w:.1}")) {}
            }
            @for (i, o) in outlets.iter().enumerate() {
                @let y = y_of(i, outlets.len());
                circle cx=(lx) cy=(y) r="4" {}
                text x=(lx - 8.0) y=(y + 4.0) text-anchor="end" { (cut(o)) }
            }
            @for (j, c) in sources.iter().enumerate() {
                @let y = y_of(j, sources.len());
                circle.source cx=(rx) cy=(y) r="4" {}
                text x=(rx + 8.0) y=(y + 4.0) { (cut(&text(&c["name"]))) " (" (text(&c["citations"])) ")" }
            }
        }
    }
}

/// A fact an article states, with the other outlets that state it.
struct SharedFact {
    status: String,
    sentence: String,
    others: Vec<String>,
}

/// The facts of a story view that `article` states, with the other
/// outlets stating each.
fn shared_facts(view: &Value, article: &str) -> Vec<SharedFact> {
    let mut out = Vec::new();
    for f in view["facts"].as_array().into_iter().flatten() {
        let statements = f["statements"].as_array().cloned().unwrap_or_default();
        let Some(mine) = statements.iter().find(|s| s["article"] == article) else {
            continue;
        };
        let my_outlet = mine["outlet"].as_str().unwrap_or("");
        let mut others: Vec<String> = statements
            .iter()
            .filter(|s| s["article"] != article)
            .filter_map(|s| s["outlet"].as_str())
            .filter(|o| *o != my_outlet)
            .map(str::to_string)
            .collect();
        others.sort();
        others.dedup();
        out.push(SharedFact {
            status: f["status"].as_str().unwrap_or("").to_string(),
            sentence: mine["sentence"].as_str().unwrap_or("").to_string(),
            others,
        });
    }
    out
}

/// A snippet with its matched words in `<mark>`, every piece escaped.
fn snippet(s: &str, highlights: &[(usize, usize)]) -> Markup {
    let mut pieces: Vec<(bool, &str)> = Vec::new();
    let mut at = 0;
    for &(a, b) in highlights {
        if a < at || b <= a {
            continue;
        }
        let (Some(before), Some(hit)) = (s.get(at..a), s.get(a..b)) else {
            continue;
        };
        pieces.push((false, before));
        pieces.push((true, hit));
        at = b;
    }
    pieces.push((false, s.get(at..).unwrap_or("")));
    html! { @for (m, p) in pieces { @if m { mark { (p) } } @else { (p) } } }
}

async fn static_file(Path(path): Path<String>) -> Response {
    match path.as_str() {
        "style.css" => (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            crate::STYLE_CSS,
        )
            .into_response(),
        _ => PageError(ApiError::not_found("There is no such file.")).into_response(),
    }
}
