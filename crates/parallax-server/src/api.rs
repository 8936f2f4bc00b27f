//! The JSON API under `/api/v1`.

use crate::search::{Results, SearchQuery, Sort};
use crate::{ApiError, AppState, Inner};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, FixedOffset};
use parallax_engine::query::ListFilter;
use parallax_engine::{Engine, StoredArticle};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/stories", get(stories))
        .route("/stories/{id}", get(story))
        .route("/articles", axum::routing::post(ingest))
        .route("/articles/{id}", get(article))
        .route("/entities", get(entities))
        .route("/quotes", get(quotes))
        .route("/search", get(search))
        .route("/openapi.json", get(openapi))
        .route("/export/{file}", get(export))
        .fallback(|| async { ApiError::not_found("no such API route") })
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Parallax API",
        description = "Stories, articles, entities, quotes and search over the Parallax store. Errors are `{\"error\": {\"code\", \"message\"}}`."
    ),
    paths(stories, story, article, ingest, entities, quotes, search, export),
    components(schemas(ErrorBody, ErrorDetail, StoriesPage, IngestReport, IngestedArticle, IngestProblem, Results, crate::search::Hit, Sort)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

/// Declares the bearer token that writes need.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI 3.1 document of this API.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi_document())
}

/// An error.
#[derive(Serialize, ToSchema)]
struct ErrorBody {
    error: ErrorDetail,
}

/// What went wrong.
#[derive(Serialize, ToSchema)]
struct ErrorDetail {
    /// Stable code: `not_found`, `bad_request`, `bad_query`, `ambiguous`,
    /// `unauthorized`, `writes_disabled`, `payload_too_large`,
    /// `unsupported_media_type`, `invalid_article`, `headers_too_large`,
    /// `internal`.
    code: String,
    /// For people.
    message: String,
}

/// Parses `2026-03-01` (start of day, or end of day when `end`) or an RFC
/// 3339 time.
pub(crate) fn parse_when(s: &str, end: bool) -> Result<Option<DateTime<FixedOffset>>, ApiError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    crate::search::parse_date(s, end).map(Some).ok_or_else(|| {
        ApiError::bad_request(format!(
            "`{}` is not a date (YYYY-MM-DD) or an RFC 3339 time",
            s.trim()
        ))
    })
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Filters and paging of the story listing.
#[derive(Deserialize, IntoParams, Default)]
pub(crate) struct StoriesParams {
    /// Only stories with an article from this outlet.
    pub outlet: Option<String>,
    /// Only stories with an article at or after this date (YYYY-MM-DD or RFC 3339).
    pub from: Option<String>,
    /// Only stories with an article at or before this date.
    pub to: Option<String>,
    /// Only stories whose articles name this entity (person, organisation,
    /// place...), as a phrase.
    pub entity: Option<String>,
    /// Only stories with an article in this language (ISO 639-1, e.g. `en`).
    pub language: Option<String>,
    /// Stories per page (1-100, default 20).
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl StoriesParams {
    pub(crate) fn filter(&self) -> Result<ListFilter, ApiError> {
        Ok(ListFilter {
            outlet: nonempty(&self.outlet),
            from: parse_when(self.from.as_deref().unwrap_or(""), false)?,
            to: parse_when(self.to.as_deref().unwrap_or(""), true)?,
            story: None,
            language: nonempty(&self.language).map(|l| l.to_lowercase()),
            stories: None,
        })
    }
}

pub(crate) fn parse_cursor(c: Option<&str>) -> Result<usize, ApiError> {
    match c.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(0),
        Some(c) => c
            .strip_prefix("o")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| ApiError::bad_request("invalid cursor")),
    }
}

/// A page of stories.
#[derive(Serialize, ToSchema)]
struct StoriesPage {
    /// Story summaries: id, headline, articles, outlets, first_seen, last_seen.
    #[schema(value_type = Vec<Object>)]
    stories: Vec<Value>,
    /// Stories matching the filters.
    total: usize,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

fn query_err(e: axum::extract::rejection::QueryRejection) -> ApiError {
    ApiError::bad_request(e.body_text())
}

/// Stories, most recently updated first.
#[utoipa::path(get, path = "/api/v1/stories", params(StoriesParams),
    responses((status = 200, body = StoriesPage), (status = 400, body = ErrorBody)))]
async fn stories(
    State(state): State<AppState>,
    q: Result<Query<StoriesParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = q.map_err(query_err)?;
    let mut filter = q.filter()?;
    filter.stories = stories_naming(&state, q.entity.as_deref())?;
    let offset = parse_cursor(q.cursor.as_deref())?;
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    state
        .run(move |e, _| {
            let page = e.list_stories(&filter, offset, limit)?;
            Ok(Json(json!({
                "stories": page.items,
                "total": page.total,
                "next_cursor": page.next.map(|n| format!("o{n}")),
            })))
        })
        .await
}

/// One story: the shape of `parallax story ID --json`. With a `.md`
/// suffix, a Markdown report.
#[utoipa::path(get, path = "/api/v1/stories/{id}",
    params(("id" = String, Path, description = "Story id or unique prefix; add `.md` for a Markdown report")),
    responses((status = 200, description = "The story view", body = Object), (status = 308, description = "The story was merged into another: `Location` names it"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if let Some(to) = state.merged_story_location("/api/v1/stories/", &id).await? {
        return Ok(axum::response::Redirect::permanent(&to).into_response());
    }
    if let Some(key) = id.strip_suffix(".md") {
        let key = key.to_string();
        let v = state.run(move |e, inner| inner.story_json(e, &key)).await?;
        return Ok(markdown_response(crate::markdown::story(&v)));
    }
    let body = state.run(move |e, inner| inner.story_bytes(e, &id)).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        body.as_ref().clone(),
    )
        .into_response())
}

pub(crate) fn markdown_response(md: String) -> Response {
    ([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], md).into_response()
}

/// Resolves an article key as `parallax article` does: an exact id or
/// external id first, else a unique prefix.
pub(crate) fn find_article(e: &Engine, key: &str) -> Result<StoredArticle, ApiError> {
    let found = e.find_articles(key)?;
    let exact: Vec<&StoredArticle> = found
        .iter()
        .filter(|a| a.article.id.as_str() == key || a.article.external_id.as_deref() == Some(key))
        .collect();
    if exact.len() == 1 {
        return Ok(exact[0].clone());
    }
    match found.len() {
        0 => Err(ApiError::not_found(format!("no article `{key}`"))),
        1 => Ok(found.into_iter().next().expect("one")),
        _ => Err(ApiError::new(
            StatusCode::CONFLICT,
            "ambiguous",
            format!(
                "`{key}` is ambiguous: it matches {}",
                found
                    .iter()
                    .map(|a| a.article.id.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

pub(crate) fn article_json(a: &StoredArticle) -> Value {
    let mut v = serde_json::to_value(&a.article).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        obj.insert("story".into(), a.story.to_string().into());
        obj.insert("revisions".into(), a.revisions.into());
        if let Some((orig, sim)) = &a.duplicate_of {
            obj.insert(
                "duplicate_of".into(),
                json!({ "id": orig.to_string(), "similarity": sim }),
            );
        }
    }
    v
}

/// One article (the shape of `parallax article ID --json`).
#[utoipa::path(get, path = "/api/v1/articles/{id}",
    params(("id" = String, Path, description = "Article id, external id or unique id prefix")),
    responses((status = 200, description = "The article with its story", body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state
        .run(move |e, _| Ok(Json(article_json(&find_article(e, &id)?))))
        .await
}

#[derive(Deserialize, IntoParams)]
struct EntitiesParams {
    /// Only this story (id or unique prefix); default: the 50 most recently updated stories.
    story: Option<String>,
}

/// Entities with their name variants, of one story or across recent stories.
#[utoipa::path(get, path = "/api/v1/entities", params(EntitiesParams),
    responses((status = 200, description = "`{\"entities\": [...]}`", body = Object), (status = 404, body = ErrorBody)))]
async fn entities(
    State(state): State<AppState>,
    q: Result<Query<EntitiesParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = q.map_err(query_err)?;
    state
        .run(move |e, inner| match nonempty(&q.story) {
            Some(s) => {
                let v = inner.story_json(e, &s)?;
                Ok(Json(json!({ "story": v["id"], "entities": v["entities"] })))
            }
            None => Ok(Json(
                json!({ "entities": e.entity_index(crate::CROSS_STORY_SCAN)? }),
            )),
        })
        .await
}

#[derive(Deserialize, IntoParams)]
struct QuotesParams {
    /// Only this story (id or unique prefix); default: the 50 most recently updated stories.
    story: Option<String>,
    /// Only speakers whose name contains this (case-insensitive).
    speaker: Option<String>,
}

fn speaker_filter(quotes: &Value, speaker: Option<&str>) -> Vec<Value> {
    let want = speaker.map(str::to_lowercase);
    quotes
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|s| {
                    want.as_ref().is_none_or(|w| {
                        s["speaker"]
                            .as_str()
                            .is_some_and(|n| n.to_lowercase().contains(w))
                    })
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// Quotes grouped by speaker, with the outlets carrying each.
#[utoipa::path(get, path = "/api/v1/quotes", params(QuotesParams),
    responses((status = 200, description = "`{\"quotes\": [...]}`, each speaker with its story when across stories", body = Object), (status = 404, body = ErrorBody)))]
async fn quotes(
    State(state): State<AppState>,
    q: Result<Query<QuotesParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = q.map_err(query_err)?;
    let speaker = nonempty(&q.speaker);
    state
        .run(move |e, inner| match nonempty(&q.story) {
            Some(s) => {
                let v = inner.story_json(e, &s)?;
                Ok(Json(json!({
                    "story": v["id"],
                    "quotes": speaker_filter(&v["quotes"], speaker.as_deref()),
                })))
            }
            None => {
                let mut out = Vec::new();
                for s in e.stories(crate::CROSS_STORY_SCAN)? {
                    let v = inner.story_json(e, s.id.as_str())?;
                    for mut q in speaker_filter(&v["quotes"], speaker.as_deref()) {
                        if let Some(o) = q.as_object_mut() {
                            o.insert("story".into(), v["id"].clone());
                        }
                        out.push(q);
                    }
                }
                Ok(Json(json!({ "quotes": out })))
            }
        })
        .await
}

/// Search parameters.
#[derive(Deserialize, IntoParams, Default)]
pub(crate) struct SearchParams {
    /// The query: words, "quoted phrases", `title:word`, `-word`, `a OR b`.
    pub q: Option<String>,
    /// Only this outlet.
    pub outlet: Option<String>,
    /// Only articles that name this entity, as a phrase.
    pub entity: Option<String>,
    /// Published at or after (YYYY-MM-DD or RFC 3339).
    pub from: Option<String>,
    /// Published at or before.
    pub to: Option<String>,
    /// `relevance` (default) or `time` (newest first).
    pub sort: Option<Sort>,
    /// Results per page (1-100, default 20).
    pub limit: Option<usize>,
    /// Results to skip.
    pub offset: Option<usize>,
}

impl SearchParams {
    pub(crate) fn query(&self) -> Result<SearchQuery, ApiError> {
        Ok(SearchQuery {
            q: self.q.clone().unwrap_or_default(),
            outlet: nonempty(&self.outlet),
            entity: nonempty(&self.entity),
            from: parse_when(self.from.as_deref().unwrap_or(""), false)?,
            to: parse_when(self.to.as_deref().unwrap_or(""), true)?,
            sort: self.sort.unwrap_or_default(),
            offset: self.offset.unwrap_or(0).min(10_000),
            limit: self.limit.unwrap_or(20).clamp(1, 100),
        })
    }
}

/// Articles looked at, at most, to find the stories naming an entity.
const ENTITY_FILTER_ARTICLES: usize = 5_000;

/// The ids of the stories whose articles name `entity` (none: no
/// restriction), through the search index.
pub(crate) fn stories_naming(
    state: &AppState,
    entity: Option<&str>,
) -> Result<Option<std::collections::HashSet<String>>, ApiError> {
    let Some(name) = entity.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let Some(index) = state.inner.search.as_ref() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "search_unavailable",
            "the entity filter needs the search index, which this server has not opened",
        ));
    };
    Ok(Some(index.stories_naming(name, ENTITY_FILTER_ARTICLES)?))
}

pub(crate) fn run_search(inner: &Inner, q: &SearchQuery) -> Result<Results, ApiError> {
    let index = inner.search.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "search_unavailable",
            "search is not available",
        )
    })?;
    Ok(index.search(q)?)
}

/// Full-text search over the articles.
#[utoipa::path(get, path = "/api/v1/search", params(SearchParams),
    responses((status = 200, body = Results), (status = 400, body = ErrorBody)))]
async fn search(
    State(state): State<AppState>,
    q: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = q.map_err(query_err)?;
    let sq = q.query()?;
    state
        .run(move |_, inner| {
            let r = run_search(inner, &sq)?;
            let next = (sq.offset + r.hits.len() < r.total).then_some(sq.offset + r.hits.len());
            let mut v = serde_json::to_value(&r).map_err(|e| ApiError::internal(e.to_string()))?;
            v["next_offset"] = json!(next);
            Ok(Json(v))
        })
        .await
}

/// What an ingest did.
#[derive(Serialize, ToSchema)]
struct IngestReport {
    /// Articles stored, with their story.
    added: Vec<IngestedArticle>,
    /// Articles already stored with the same wording: nothing changed.
    unchanged: usize,
    /// Articles already stored (same URL) whose new wording replaced the
    /// stored text; they keep their story.
    updated: Vec<IngestedArticle>,
    /// Stories founded.
    new_stories: usize,
    /// Items that could not be read.
    errors: Vec<IngestProblem>,
}

/// An article stored.
#[derive(Serialize, ToSchema)]
struct IngestedArticle {
    id: String,
    story: String,
}

/// An item that could not be read.
#[derive(Serialize, ToSchema)]
struct IngestProblem {
    /// Its position in the request (0 for a single object or a page).
    index: usize,
    message: String,
}

#[derive(Deserialize, IntoParams)]
struct IngestParams {
    /// The page's address, for an HTML body.
    url: Option<String>,
}

fn check_token(inner: &Inner, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(token) = &inner.write_token else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "writes_disabled",
            "writing is off: start the server with --write-token (or PARALLAX_WRITE_TOKEN)",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Constant-time comparison.
    let (a, b) = (given.as_bytes(), token.as_bytes());
    let mut diff = a.len() ^ b.len();
    for (i, &x) in b.iter().enumerate() {
        diff |= (x ^ a.get(i).copied().unwrap_or(0)) as usize;
    }
    if diff != 0 {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid `Authorization: Bearer TOKEN` header is needed to write",
        ));
    }
    Ok(())
}

/// Ingests articles: a JSON object or an array of them (the fields of a
/// JSONL line: id, url, outlet, title, text, published, language,
/// authors, html), or an HTML page (`Content-Type: text/html`, with
/// `?url=`). Needs `Authorization: Bearer TOKEN`; refused when the server
/// has no write token.
#[utoipa::path(post, path = "/api/v1/articles", params(IngestParams),
    request_body(content = Object, description = "An article object, an array of them, or an HTML page", content_type = "application/json"),
    responses((status = 201, body = IngestReport), (status = 200, description = "Nothing new", body = IngestReport), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)),
    security(("bearer" = [])))]
async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<IngestParams>, axum::extract::rejection::QueryRejection>,
    body: Body,
) -> Result<Response, ApiError> {
    check_token(&state.inner, &headers)?;
    let Query(q) = q.map_err(query_err)?;
    let max = state.inner.max_body;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body is over {max} bytes"),
        )
    };
    if headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > max)
    {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, max)
        .await
        .map_err(|_| too_large())?;
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let mut errors = Vec::new();
    let mut articles = Vec::new();
    match ctype.as_str() {
        "application/json" | "" => {
            let v: Value = serde_json::from_slice(&bytes).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_json",
                    format!("the body is not JSON: {e}"),
                )
            })?;
            let items = match v {
                Value::Array(items) => items,
                Value::Object(_) => vec![v],
                _ => {
                    return Err(ApiError::bad_request(
                        "the body must be an article object or an array of them",
                    ))
                }
            };
            for (i, item) in items.iter().enumerate() {
                if !item.is_object() {
                    errors.push(IngestProblem {
                        index: i,
                        message: "not an object".into(),
                    });
                    continue;
                }
                match parallax_ingest::jsonl::parse_line(&item.to_string()) {
                    Ok(mut d) => {
                        d.source = Some(format!("api:{i}"));
                        articles.push(d.build());
                    }
                    Err(e) => errors.push(IngestProblem {
                        index: i,
                        message: e.to_string(),
                    }),
                }
            }
        }
        "text/html" | "application/xhtml+xml" => {
            match parallax_ingest::html::page_draft(&bytes, q.url.as_deref(), max) {
                Ok(mut d) => {
                    d.source = Some("api:html".into());
                    articles.push(d.build());
                }
                Err(e) => errors.push(IngestProblem {
                    index: 0,
                    message: e,
                }),
            }
        }
        other => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!("`{other}` is not accepted: send application/json or text/html"),
            ))
        }
    }
    if articles.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_article",
            match errors.first() {
                Some(p) => format!("no article could be read: item {}: {}", p.index, p.message),
                None => "no article in the body".into(),
            },
        ));
    }
    state
        .run(move |e, inner| {
            let copies = articles.clone();
            let report = e.ingest_batch(articles)?;
            inner.invalidate();
            if let Some(index) = &inner.search {
                let story_of: std::collections::HashMap<&str, &str> = report
                    .added
                    .iter()
                    .chain(&report.updated)
                    .map(|(a, s)| (a.as_str(), s.as_str()))
                    .collect();
                let items = copies
                    .iter()
                    .filter_map(|a| story_of.get(a.id.as_str()).map(|s| (a, *s)));
                let not_indexed = |e: anyhow::Error| {
                    ApiError::internal(format!("stored, but not indexed for search: {e:#}"))
                };
                index.add(items).map_err(not_indexed)?;
                // A merge moved articles to another story: index them
                // again under its id.
                for (_, into) in &report.merged {
                    let Some(live) = e.resolve_story(into.as_str())? else {
                        continue;
                    };
                    let moved = e.story_articles(&live)?;
                    index
                        .add(moved.iter().map(|s| (&s.article, s.story.as_str())))
                        .map_err(not_indexed)?;
                }
            }
            let status = if report.added.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            let body = IngestReport {
                added: report
                    .added
                    .iter()
                    .map(|(a, s)| IngestedArticle {
                        id: a.to_string(),
                        story: s.to_string(),
                    })
                    .collect(),
                unchanged: report.unchanged,
                updated: report
                    .updated
                    .iter()
                    .map(|(a, s)| IngestedArticle {
                        id: a.to_string(),
                        story: s.to_string(),
                    })
                    .collect(),
                new_stories: report.new_stories,
                errors,
            };
            Ok((status, Json(body)).into_response())
        })
        .await
}

#[derive(Serialize)]
struct ArticleCsvRow {
    id: String,
    external_id: Option<String>,
    story: String,
    outlet: Option<String>,
    url: Option<String>,
    title: Option<String>,
    published: Option<String>,
    language: Option<String>,
    authors: String,
    standfirst: Option<String>,
    text: String,
}

#[derive(Serialize)]
struct StoryCsvRow {
    id: String,
    headline: String,
    articles: usize,
    outlets: String,
    first_seen: Option<String>,
    last_seen: Option<String>,
}

/// Exports: `articles.jsonl`, `articles.csv`, `stories.jsonl`, `stories.csv`.
#[utoipa::path(get, path = "/api/v1/export/{file}",
    params(("file" = String, Path, description = "articles.jsonl, articles.csv, stories.jsonl or stories.csv")),
    responses((status = 200, description = "The export", content_type = "text/plain"), (status = 404, body = ErrorBody)))]
async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let (what, format) = match file.as_str() {
        "articles.jsonl" => ("articles", "jsonl"),
        "articles.csv" => ("articles", "csv"),
        "stories.jsonl" => ("stories", "jsonl"),
        "stories.csv" => ("stories", "csv"),
        _ => return Err(ApiError::not_found(format!("no export `{file}`"))),
    };
    let body = state
        .run(move |e, _| {
            let internal = |e: &dyn std::fmt::Display| ApiError::internal(e.to_string());
            let mut out: Vec<u8> = Vec::new();
            if what == "articles" {
                let mut rows = Vec::new();
                e.for_each_article(|a| {
                    rows.push(a);
                    true
                })?;
                if format == "jsonl" {
                    for a in &rows {
                        serde_json::to_writer(&mut out, &article_json(a))
                            .map_err(|e| internal(&e))?;
                        out.push(b'\n');
                    }
                } else {
                    let mut w = csv::Writer::from_writer(&mut out);
                    for s in rows {
                        let a = s.article;
                        w.serialize(ArticleCsvRow {
                            id: a.id.to_string(),
                            external_id: a.external_id,
                            story: s.story.to_string(),
                            outlet: a.outlet,
                            url: a.url,
                            title: a.title,
                            published: a.published.map(|t| t.to_rfc3339()),
                            language: a.language,
                            authors: a.authors.join("; "),
                            standfirst: a.standfirst,
                            text: a.text,
                        })
                        .map_err(|e| internal(&e))?;
                    }
                    w.flush().map_err(|e| internal(&e))?;
                }
            } else {
                let stories = e.stories(0)?;
                if format == "jsonl" {
                    for s in &stories {
                        serde_json::to_writer(&mut out, s).map_err(|e| internal(&e))?;
                        out.push(b'\n');
                    }
                } else {
                    let mut w = csv::Writer::from_writer(&mut out);
                    for s in stories {
                        w.serialize(StoryCsvRow {
                            id: s.id.to_string(),
                            headline: s.headline,
                            articles: s.articles,
                            outlets: s.outlets.join("; "),
                            first_seen: s.first_seen.map(|t| t.to_rfc3339()),
                            last_seen: s.last_seen.map(|t| t.to_rfc3339()),
                        })
                        .map_err(|e| internal(&e))?;
                    }
                    w.flush().map_err(|e| internal(&e))?;
                }
            }
            Ok(out)
        })
        .await?;
    let ctype = if format == "csv" {
        "text/csv; charset=utf-8"
    } else {
        "application/x-ndjson"
    };
    Ok((
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}
