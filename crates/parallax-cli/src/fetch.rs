//! `parallax ingest URL...`: fetch single pages and ingest them.

use crate::ingest::{ErrorLine, IngestSummary};
use crate::watch::{runtime, FetchArgs};
use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use parallax_core::Article;
use parallax_engine::Engine;
use parallax_fetch::{Fetched, Fetcher, GetOptions};
use std::sync::Arc;

/// Pages fetched at once (one host is still asked one request at a time).
const IN_FLIGHT: usize = 8;

/// Fetches `urls` (in parallel across hosts, politely per host), extracts
/// each page and ingests the articles in the order given. A URL that
/// cannot be fetched or holds no article is reported and counted as
/// failed; the others go on.
#[allow(clippy::too_many_arguments)]
pub fn ingest_urls(
    engine: &mut Engine,
    urls: &[String],
    fetch: &FetchArgs,
    max_page_bytes: u64,
    outlet: Option<&str>,
    show_progress: bool,
    report: bool,
    summary: &mut IngestSummary,
) -> Result<()> {
    let fetcher = Arc::new(fetch.fetcher(IN_FLIGHT)?);
    let pb = if show_progress {
        let pb =
            ProgressBar::with_draw_target(Some(urls.len() as u64), ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} pages {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let rt = runtime()?;
    let results: Vec<Result<Article, String>> = rt.block_on(async {
        let mut tasks = Vec::with_capacity(urls.len());
        for url in urls {
            let (fetcher, url) = (fetcher.clone(), url.clone());
            let outlet = outlet.map(str::to_string);
            let pb = pb.clone();
            tasks.push(tokio::spawn(async move {
                let r = fetch_page(&fetcher, &url, max_page_bytes).await;
                let r = match r {
                    Ok((body, final_url, ctype)) => tokio::task::spawn_blocking(move || {
                        page_article(
                            &body,
                            &url,
                            &final_url,
                            ctype.as_deref(),
                            max_page_bytes,
                            outlet,
                        )
                    })
                    .await
                    .unwrap_or_else(|e| Err(format!("extraction failed: {e}"))),
                    Err(e) => Err(e),
                };
                pb.inc(1);
                r
            }));
        }
        let mut out = Vec::with_capacity(tasks.len());
        for t in tasks {
            out.push(
                t.await
                    .unwrap_or_else(|e| Err(format!("fetch task failed: {e}"))),
            );
        }
        out
    });
    rt.shutdown_background();
    pb.finish_and_clear();
    let mut batch = Vec::new();
    for (url, r) in urls.iter().zip(results) {
        match r {
            Ok(a) => {
                summary.fetched += 1;
                batch.push(a);
            }
            Err(problem) => {
                if report {
                    eprintln!("parallax: skipped {url}: {problem}");
                }
                summary.failed += 1;
                summary.errors.push(ErrorLine {
                    input: url.clone(),
                    problem,
                });
            }
        }
    }
    if !batch.is_empty() {
        summary.absorb(engine.ingest_batch(batch)?);
    }
    Ok(())
}

/// GETs a page: (body, final URL, content type).
async fn fetch_page(
    fetcher: &Fetcher,
    url: &str,
    max: u64,
) -> Result<(Vec<u8>, String, Option<String>), String> {
    match fetcher.get(url, &GetOptions::page(max)).await {
        Ok(Fetched::Page(p)) => Ok((p.body, p.url, p.content_type)),
        Ok(Fetched::NotModified { .. }) => Err("unexpected 304 Not Modified".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// The article of a fetched page: HTML through the extractor, plain text
/// as it is; feeds and other types are refused with a reason.
fn page_article(
    body: &[u8],
    url: &str,
    final_url: &str,
    content_type: Option<&str>,
    max: u64,
    outlet: Option<String>,
) -> Result<Article, String> {
    let essence = content_type
        .and_then(|t| t.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let mut draft = match essence.as_str() {
        "" | "text/html" | "application/xhtml+xml" => parallax_ingest::html::page_draft_http(
            body,
            Some(final_url),
            content_type,
            max as usize,
        )?,
        "text/plain" => {
            let d = parallax_ingest::decode::decode(body).map_err(|e| e.to_string())?;
            parallax_ingest::ArticleDraft {
                text: d.text,
                url: Some(final_url.to_string()),
                ..Default::default()
            }
        }
        t if t.contains("rss")
            || t.contains("atom")
            || t.contains("xml")
            || t.ends_with("feed+json") =>
        {
            return Err(format!(
                "a feed or XML document ({t}), not a page: use `parallax watch {url}` for feeds"
            ))
        }
        t => return Err(format!("not a web page ({t})")),
    };
    if draft.outlet.is_none() {
        draft.outlet = outlet;
    }
    draft.source = Some(url.to_string());
    Ok(draft.build())
}
