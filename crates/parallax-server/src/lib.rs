//! The Parallax web app and JSON API, in one process on the embedded store.
//!
//! ```text
//! GET  /                      stories, newest first (?outlet= &from= &to= &page=)
//! GET  /stories/{id}          one story (/stories/{id}.md: a Markdown report)
//! GET  /articles/{id}         one article
//! GET  /entities/{name}       one entity: its stories, quotes and variants
//! GET  /search?q=             full-text search
//! GET  /static/style.css      the only static file
//! /api/v1/...                 the JSON API (see /api/v1/openapi.json)
//! ```
//!
//! The engine is not `Sync` (SQLite): it sits behind a mutex and every
//! request runs its engine work on a blocking thread. Story views are
//! cached until the next write. Every response carries strict security
//! headers; pages have no script at all. Writing (POST /api/v1/articles)
//! is off unless a write token is configured.

mod api;
mod markdown;
mod pages;
pub mod search;

use anyhow::{Context, Result};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use parallax_engine::{ClusterConfig, Engine};
use search::SearchIndex;
use serde_json::Value;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Largest request body accepted (bytes).
pub const MAX_BODY: usize = 5 * 1024 * 1024;
/// Most request headers accepted, and their largest total size.
pub const MAX_HEADERS: usize = 64;
/// Largest total size of the request headers and URI (bytes).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Stories scanned by the cross-story entity and quote queries.
pub const CROSS_STORY_SCAN: usize = 50;

/// The style sheet, served from the binary.
pub const STYLE_CSS: &str = include_str!("../static/style.css");

/// Content-Security-Policy of every response: no script, no frames, styles
/// and images from this origin only.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Server options.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Bearer token that allows writes; `None` turns writing off.
    pub write_token: Option<String>,
    /// Clustering configuration of the engine.
    pub cluster: ClusterConfig,
    /// Largest request body (0: [`MAX_BODY`]).
    pub max_body: usize,
}

/// Shared state of the server.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    engine: Mutex<Engine>,
    pub(crate) search: Option<SearchIndex>,
    pub(crate) write_token: Option<String>,
    pub(crate) max_body: usize,
    /// Story views as JSON by story id, dropped on every write.
    cache: Mutex<HashMap<String, Arc<Value>>>,
    /// The same views serialised, as `/api/v1/stories/{id}` sends them.
    json: Mutex<HashMap<String, Arc<Vec<u8>>>>,
    /// Rendered story pages by story id, dropped on every write.
    pages: Mutex<HashMap<String, Arc<String>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    /// Opens the store (and the search index) of `data_dir`. The search
    /// index catches up with the store when it is behind it. The clusterer
    /// is replayed on another thread ([`Engine::open_deferred`]), so the
    /// server answers at once on a store of any size; the first ingest and
    /// the first story views wait for the replay.
    pub fn open(data_dir: &Path, options: ServeOptions) -> Result<AppState> {
        let engine = Engine::open_deferred(data_dir, options.cluster)
            .with_context(|| format!("cannot open the store in {}", data_dir.display()))?;
        let search = SearchIndex::open(data_dir)?;
        search.refresh_if_stale(&engine)?;
        Ok(Self::with(engine, Some(search), options))
    }

    /// State over an engine, with an optional search index.
    pub fn with(engine: Engine, search: Option<SearchIndex>, options: ServeOptions) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                engine: Mutex::new(engine),
                search,
                write_token: options.write_token.filter(|t| !t.is_empty()),
                max_body: if options.max_body == 0 {
                    MAX_BODY
                } else {
                    options.max_body
                },
                cache: Mutex::new(HashMap::new()),
                json: Mutex::new(HashMap::new()),
                pages: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Runs `f` with the engine on a blocking thread.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Engine, &Inner) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut engine = lock(&state.inner.engine);
            f(&mut engine, &state.inner)
        })
        .await
        .map_err(|_| ApiError::internal("the request failed"))?
    }

    /// When `key` (with an optional `.md` suffix) is the id of a story
    /// merged into another: the path under `prefix` of the story that holds
    /// its articles now, for a permanent redirect.
    pub(crate) async fn merged_story_location(
        &self,
        prefix: &'static str,
        key: &str,
    ) -> Result<Option<String>, ApiError> {
        let (id, suffix) = match key.strip_suffix(".md") {
            Some(id) => (id.to_string(), ".md"),
            None => (key.to_string(), ""),
        };
        let to = self.run(move |e, _| Ok(e.story_redirect(&id)?)).await?;
        Ok(to.map(|to| format!("{prefix}{}{suffix}", pages::pct(to.as_str()))))
    }
}

impl Inner {
    /// The JSON of a story (the shape of `parallax story --json`), cached.
    pub(crate) fn story_json(&self, engine: &Engine, key: &str) -> Result<Arc<Value>, ApiError> {
        let id = engine
            .resolve_story(key)?
            .ok_or_else(|| ApiError::not_found(format!("no story `{key}`")))?;
        if let Some(v) = lock(&self.cache).get(id.as_str()) {
            return Ok(v.clone());
        }
        let view = engine
            .story(id.as_str())?
            .ok_or_else(|| ApiError::not_found(format!("no story `{key}`")))?;
        let v =
            Arc::new(serde_json::to_value(&view).map_err(|e| ApiError::internal(e.to_string()))?);
        let mut cache = lock(&self.cache);
        if cache.len() > 512 {
            cache.clear();
        }
        cache.insert(id.to_string(), v.clone());
        Ok(v)
    }

    /// A story's view as JSON bytes (cached like [`Inner::story_json`]).
    pub(crate) fn story_bytes(&self, engine: &Engine, key: &str) -> Result<Arc<Vec<u8>>, ApiError> {
        if let Some(b) = lock(&self.json).get(key) {
            return Ok(b.clone());
        }
        let v = self.story_json(engine, key)?;
        let b = Arc::new(
            serde_json::to_vec(v.as_ref()).map_err(|e| ApiError::internal(e.to_string()))?,
        );
        let mut json = lock(&self.json);
        if json.len() > 512 {
            json.clear();
        }
        json.insert(key.to_string(), b.clone());
        Ok(b)
    }

    pub(crate) fn invalidate(&self) {
        lock(&self.json).clear();
        lock(&self.cache).clear();
        lock(&self.pages).clear();
    }

    /// The rendered page of a story, made by `render` when not cached.
    pub(crate) fn story_page(&self, id: &str, render: impl FnOnce() -> String) -> Arc<String> {
        if let Some(p) = lock(&self.pages).get(id) {
            return p.clone();
        }
        let page = Arc::new(render());
        let mut pages = lock(&self.pages);
        if pages.len() > 256 {
            pages.clear();
        }
        pages.insert(id.to_string(), page.clone());
        page
    }
}

/// An error of the API: an HTTP status and a stable code.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code.
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<parallax_engine::EngineError> for ApiError {
    fn from(e: parallax_engine::EngineError) -> Self {
        match e {
            parallax_engine::EngineError::Ambiguous(..) => {
                ApiError::new(StatusCode::CONFLICT, "ambiguous", e.to_string())
            }
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl From<search::SearchError> for ApiError {
    fn from(e: search::SearchError) -> Self {
        match e {
            search::SearchError::BadQuery(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.to_string())
            }
            search::SearchError::Internal(_) => ApiError::internal(e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, axum::Json(body)).into_response()
    }
}

/// The application: pages, the API and the security layers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .fallback(pages::not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(guard))
}

/// Refuses oversized request heads and adds the security headers to every
/// response.
async fn guard(req: Request, next: Next) -> Response {
    let head_bytes: usize = req.uri().to_string().len()
        + req
            .headers()
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len() + 4)
            .sum::<usize>();
    let mut resp = if req.headers().len() > MAX_HEADERS || head_bytes > MAX_HEADER_BYTES {
        ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            "the request's headers are too large",
        )
        .into_response()
    } else {
        next.run(req).await
    };
    let h = resp.headers_mut();
    for (k, v) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
    ] {
        h.insert(k, HeaderValue::from_static(v));
    }
    resp
}

/// Binds `addr`, then serves the store of `data_dir` until Ctrl-C. Prints
/// the address it serves on.
pub async fn serve(addr: SocketAddr, data_dir: PathBuf, options: ServeOptions) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    serve_on(listener, data_dir, options).await
}

/// Serves on a bound listener until Ctrl-C.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    data_dir: PathBuf,
    options: ServeOptions,
) -> Result<()> {
    let started = std::time::Instant::now();
    let writes = options.write_token.is_some();
    let dir = data_dir.clone();
    let state = tokio::task::spawn_blocking(move || AppState::open(&dir, options)).await??;
    let local = listener.local_addr()?;
    println!(
        "Parallax is serving {} at http://{}/ (ready in {} ms; writes {}; Ctrl-C to stop)",
        data_dir.display(),
        local,
        started.elapsed().as_millis(),
        if writes {
            "need the bearer token"
        } else {
            "off"
        }
    );
    if !local.ip().is_loopback() {
        eprintln!("parallax: warning: {local} is reachable from other machines");
    }
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
