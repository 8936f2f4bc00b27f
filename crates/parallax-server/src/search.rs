//! Full-text search over the stored articles with tantivy.
//!
//! The index lives in `DATA_DIR/search/`. It is derived data: the store is
//! the truth, and [`SearchIndex::rebuild`] recreates the index from it
//! (`parallax search --reindex`). The server adds each article it ingests;
//! `parallax ingest` and `parallax watch` index what they stored at the end
//! of a run ([`SearchIndex::catch_up`]), and so does the server at start-up
//! for whatever an interrupted run left out.

use anyhow::{Context, Result};
use chrono::{DateTime, FixedOffset};
use parallax_core::{Article, ParagraphKind};
use parallax_engine::Engine;
use serde::Serialize;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::Value as _;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TantivyDocument, FAST, INDEXED, STORED, STRING, TEXT,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{doc, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Term};

/// Memory of the index writer (tantivy's minimum is 15 MB per thread).
const WRITER_MEMORY: usize = 20_000_000;
/// Threads and memory of the writer that indexes many articles at once.
const BULK_THREADS: usize = 2;
const BULK_WRITER_MEMORY: usize = 2 * 48_000_000;
/// Bumped when the schema changes: an index of another version is rebuilt.
const SCHEMA_VERSION: &str = "1";

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    body: Field,
    outlet: Field,
    outlet_key: Field,
    story: Field,
    ts: Field,
    published: Field,
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first.
    Time,
}

/// A search request.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// The query: words, `"phrases"`, `title:word`, `-word`, `a OR b`.
    pub q: String,
    /// Only this outlet (case-insensitive).
    pub outlet: Option<String>,
    /// Only articles that name this entity (its name as a phrase, in the
    /// title or the text).
    pub entity: Option<String>,
    /// Published at or after.
    pub from: Option<DateTime<FixedOffset>>,
    /// Published at or before.
    pub to: Option<DateTime<FixedOffset>>,
    /// Order.
    pub sort: Sort,
    /// Results to skip.
    pub offset: usize,
    /// Results to return.
    pub limit: usize,
}

/// One result.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    /// Article id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Outlet.
    pub outlet: Option<String>,
    /// Story id.
    pub story: String,
    /// Publication time (RFC 3339).
    pub published: Option<String>,
    /// Relevance score (0 when sorted by time).
    pub score: f32,
    /// A fragment of the body around the matched words (plain text).
    pub snippet: String,
    /// Byte ranges of the matched words in `snippet`.
    pub highlights: Vec<(usize, usize)>,
}

/// Results of a search.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Results {
    /// Matching articles in all.
    pub total: usize,
    /// This page.
    pub hits: Vec<Hit>,
}

/// The search index of one data directory.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    dir: PathBuf,
    /// The writer of [`SearchIndex::add`], made on first use and kept: one
    /// writer for the life of a server lets tantivy merge its small
    /// segments in the background and reuses its memory arena (a writer
    /// per ingest left a segment and an arena behind each time).
    writer: std::sync::Mutex<Option<IndexWriter>>,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", TEXT | STORED),
        body: b.add_text_field("body", TEXT | STORED),
        outlet: b.add_text_field("outlet", TEXT | STORED),
        outlet_key: b.add_text_field("outlet_key", STRING),
        story: b.add_text_field("story", STRING | STORED),
        ts: b.add_i64_field("ts", INDEXED | FAST),
        published: b.add_text_field("published", STORED),
    };
    (b.build(), fields)
}

/// The body text of an article: its body paragraphs, or the whole text.
pub fn body_text(a: &Article) -> String {
    let body: Vec<&str> = a
        .paragraphs
        .iter()
        .filter(|p| p.kind == ParagraphKind::Body)
        .map(|p| a.slice(p.span))
        .collect();
    if body.is_empty() {
        a.text.clone()
    } else {
        body.join("\n\n")
    }
}

impl SearchIndex {
    /// The index directory of a data directory.
    pub fn dir_of(data_dir: &Path) -> PathBuf {
        data_dir.join("search")
    }

    /// Opens the index in `DATA_DIR/search`, creating an empty one if there
    /// is none (or one of another schema version).
    pub fn open(data_dir: &Path) -> Result<SearchIndex> {
        let dir = Self::dir_of(data_dir);
        let version = dir.join("parallax-schema-version");
        let current = std::fs::read_to_string(&version).ok();
        if current.as_deref() != Some(SCHEMA_VERSION) && dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot reset the search index in {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the search index in {}", dir.display()))?;
        let (schema, fields) = schema();
        let mmap = tantivy::directory::MmapDirectory::open(&dir)
            .with_context(|| format!("cannot open the search index in {}", dir.display()))?;
        let index = Index::open_or_create(mmap, schema).context("cannot open the search index")?;
        std::fs::write(&version, SCHEMA_VERSION)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("cannot read the search index")?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            dir,
            writer: std::sync::Mutex::new(None),
        })
    }

    /// Where the index lives.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Number of indexed articles.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn writer(&self) -> Result<IndexWriter> {
        self.index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .context("cannot write the search index (is another process writing it?)")
    }

    fn document(&self, a: &Article, story: &str) -> TantivyDocument {
        let f = self.fields;
        let outlet = a.outlet.clone().unwrap_or_default();
        doc!(
            f.id => a.id.as_str(),
            f.title => a.title.clone().unwrap_or_default(),
            f.body => body_text(a),
            f.outlet => outlet.clone(),
            f.outlet_key => outlet.to_lowercase(),
            f.story => story,
            f.ts => a.published.map_or(i64::MIN, |t| t.timestamp()),
            f.published => a.published.map(|t| t.to_rfc3339()).unwrap_or_default(),
        )
    }

    /// Adds articles (with their story ids), replacing any earlier entry of
    /// the same article, and commits.
    pub fn add<'a>(
        &self,
        items: impl IntoIterator<Item = (&'a Article, &'a str)>,
    ) -> Result<usize> {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(self.writer()?);
        }
        let Some(w) = guard.as_mut() else {
            anyhow::bail!("the search index has no writer");
        };
        let mut n = 0;
        for (a, story) in items {
            w.delete_term(Term::from_field_text(self.fields.id, a.id.as_str()));
            w.add_document(self.document(a, story))?;
            n += 1;
        }
        if let Err(e) = w.commit() {
            // A failed commit leaves the writer unusable: drop it, so the
            // next add starts afresh (the index catches up on the next
            // start-up in any case).
            *guard = None;
            return Err(e.into());
        }
        drop(guard);
        self.reader.reload()?;
        Ok(n)
    }

    /// Recreates the index from every article of the store.
    pub fn rebuild(&self, engine: &Engine) -> Result<usize> {
        let mut w = self.bulk_writer()?;
        w.delete_all_documents()?;
        let n = self.add_from(&mut w, engine, 0, &mut |_| {})?;
        w.commit()?;
        self.reader.reload()?;
        Ok(n)
    }

    /// A writer for indexing many articles at once.
    fn bulk_writer(&self) -> Result<IndexWriter> {
        self.index
            .writer_with_num_threads(BULK_THREADS, BULK_WRITER_MEMORY)
            .context("cannot write the search index (is another process writing it?)")
    }

    /// Adds the store's articles after the first `skip` to `w`, calling
    /// `progress` with the count so far now and then.
    fn add_from(
        &self,
        w: &mut IndexWriter,
        engine: &Engine,
        skip: usize,
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize> {
        let mut n = 0;
        let mut err = None;
        engine.for_each_article_from(skip, |s| {
            match w.add_document(self.document(&s.article, s.story.as_str())) {
                Ok(_) => {
                    n += 1;
                    if n % 1024 == 0 {
                        progress(n);
                    }
                    true
                }
                Err(e) => {
                    err = Some(e);
                    false
                }
            }
        })?;
        if let Some(e) = err {
            return Err(e.into());
        }
        Ok(n)
    }

    /// Brings the index up to date with the store and returns how many
    /// articles it added.
    ///
    /// Articles are indexed after they are stored and in the store's
    /// arrival order, so the index holds a prefix of the store: what an
    /// interrupted `parallax ingest` left out is the tail, and only the
    /// tail is indexed here. If the index is not such a prefix (it holds
    /// more articles than the store, or not the article the prefix should
    /// end with), it is rebuilt.
    pub fn catch_up(&self, engine: &Engine, progress: &mut dyn FnMut(usize)) -> Result<usize> {
        let indexed = self.len() as usize;
        let stored = engine.article_count()?;
        if indexed == stored {
            return Ok(0);
        }
        if indexed > stored || (indexed > 0 && !self.holds_article_at(engine, indexed - 1)?) {
            return self.rebuild(engine);
        }
        let mut w = self.bulk_writer()?;
        let n = self.add_from(&mut w, engine, indexed, progress)?;
        w.commit()?;
        self.reader.reload()?;
        Ok(n)
    }

    /// Whether the store's article at arrival position `pos` is indexed.
    fn holds_article_at(&self, engine: &Engine, pos: usize) -> Result<bool> {
        let mut id = None;
        engine.for_each_article_from(pos, |s| {
            id = Some(s.article.id);
            false
        })?;
        let Some(id) = id else { return Ok(false) };
        let q = TermQuery::new(
            Term::from_field_text(self.fields.id, id.as_str()),
            IndexRecordOption::Basic,
        );
        Ok(self.reader.searcher().search(&q, &Count)? > 0)
    }

    /// Indexes what the store holds and the index does not (see
    /// [`SearchIndex::catch_up`]). Returns whether anything was added.
    pub fn refresh_if_stale(&self, engine: &Engine) -> Result<bool> {
        Ok(self.catch_up(engine, &mut |_| {})? > 0)
    }

    /// A query for `name` as a phrase in the title or the text.
    fn phrase(&self, name: &str) -> Result<Box<dyn Query>, SearchError> {
        let f = self.fields;
        let parser = QueryParser::for_index(&self.index, vec![f.title, f.body]);
        let words: String = name
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
        if words.is_empty() {
            return Err(SearchError::BadQuery(format!("`{name}` names no entity")));
        }
        parser
            .parse_query(&format!("\"{words}\""))
            .map_err(|e| SearchError::BadQuery(e.to_string()))
    }

    /// Ids of the stories whose articles name `entity` (at most the
    /// `max` most recent matching articles are looked at).
    pub fn stories_naming(
        &self,
        entity: &str,
        max: usize,
    ) -> Result<std::collections::HashSet<String>, SearchError> {
        let query = self.phrase(entity)?;
        let searcher = self.reader.searcher();
        let internal = |e: tantivy::TantivyError| SearchError::Internal(e.to_string());
        let top = searcher
            .search(
                &query,
                &TopDocs::with_limit(max.max(1)).order_by_fast_field::<i64>("ts", Order::Desc),
            )
            .map_err(internal)?;
        let mut out = std::collections::HashSet::new();
        for (_, addr) in top {
            let d: TantivyDocument = searcher.doc(addr).map_err(internal)?;
            if let Some(s) = d.get_first(self.fields.story).and_then(|v| v.as_str()) {
                out.insert(s.to_string());
            }
        }
        Ok(out)
    }

    /// Runs a search. A query that cannot be parsed is an error whose
    /// message says why.
    pub fn search(&self, q: &SearchQuery) -> Result<Results, SearchError> {
        let f = self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.body, f.outlet]);
        parser.set_field_boost(f.title, 2.0);
        let text = q.q.trim();
        let main: Box<dyn Query> = if text.is_empty() {
            Box::new(AllQuery)
        } else {
            check_nesting(text)?;
            // tantivy's parser panics on some inputs (`- *`: "Exist query
            // without a field", found by `fuzz/` search_query): a bad query.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse_query(text)))
                .map_err(|_| SearchError::BadQuery("the query is not understood".into()))?
                .map_err(|e| SearchError::BadQuery(e.to_string()))?
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, main)];
        if let Some(o) = q.outlet.as_deref().filter(|o| !o.is_empty()) {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.outlet_key, &o.to_lowercase()),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(name) = q.entity.as_deref().filter(|n| !n.trim().is_empty()) {
            clauses.push((Occur::Must, self.phrase(name)?));
        }
        if q.from.is_some() || q.to.is_some() {
            let lo = q.from.map_or(
                Bound::Included(Term::from_field_i64(f.ts, i64::MIN + 1)),
                |t| Bound::Included(Term::from_field_i64(f.ts, t.timestamp())),
            );
            let hi = q.to.map_or(Bound::Unbounded, |t| {
                Bound::Included(Term::from_field_i64(f.ts, t.timestamp()))
            });
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let limit = q.limit.clamp(1, 100);
        let internal = |e: tantivy::TantivyError| SearchError::Internal(e.to_string());
        let docs: Vec<(f32, tantivy::DocAddress)> = match q.sort {
            Sort::Relevance => {
                let c = TopDocs::with_limit(limit).and_offset(q.offset);
                let (top, _) = searcher.search(&query, &(c, Count)).map_err(internal)?;
                top
            }
            Sort::Time => {
                let c = TopDocs::with_limit(limit)
                    .and_offset(q.offset)
                    .order_by_fast_field::<i64>("ts", Order::Desc);
                let (top, _) = searcher.search(&query, &(c, Count)).map_err(internal)?;
                top.into_iter().map(|(_, d)| (0.0, d)).collect()
            }
        };
        let total = searcher.search(&query, &Count).map_err(internal)?;
        let snippets = SnippetGenerator::create(&searcher, &query, f.body)
            .ok()
            .map(|mut g| {
                g.set_max_num_chars(240);
                g
            });
        let mut hits = Vec::with_capacity(docs.len());
        for (score, addr) in docs {
            let d: TantivyDocument = searcher.doc(addr).map_err(internal)?;
            let get = |field: Field| -> String {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let (snippet, highlights) = match &snippets {
                Some(g) => {
                    let s = g.snippet_from_doc(&d);
                    let hl = s.highlighted().iter().map(|r| (r.start, r.end)).collect();
                    (s.fragment().to_string(), hl)
                }
                None => (String::new(), Vec::new()),
            };
            let (snippet, highlights) = if snippet.is_empty() {
                let body = get(f.body);
                let cut: String = body.chars().take(240).collect();
                (cut, Vec::new())
            } else {
                (snippet, highlights)
            };
            let outlet = get(f.outlet);
            let published = get(f.published);
            hits.push(Hit {
                id: get(f.id),
                title: get(f.title),
                outlet: (!outlet.is_empty()).then_some(outlet),
                story: get(f.story),
                published: (!published.is_empty()).then_some(published),
                score,
                snippet,
                highlights,
            });
        }
        Ok(Results { total, hits })
    }
}

/// Deepest nesting of parentheses accepted in a query.
pub const MAX_QUERY_NESTING: usize = 8;

/// Refuses queries nested deeper than [`MAX_QUERY_NESTING`]: tantivy's
/// query parser takes time exponential in the nesting depth (20 levels of
/// `(` took seconds, 40 would take hours), found by `fuzz/` (search_query).
/// Parentheses inside a quoted phrase do not count.
fn check_nesting(q: &str) -> Result<(), SearchError> {
    let (mut depth, mut max, mut quoted) = (0usize, 0usize, false);
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => {
                depth += 1;
                max = max.max(depth);
            }
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if max > MAX_QUERY_NESTING {
        return Err(SearchError::BadQuery(format!(
            "parentheses nested {max} deep (at most {MAX_QUERY_NESTING})"
        )));
    }
    Ok(())
}

/// Why a search failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query text could not be parsed.
    #[error("the query cannot be parsed: {0}")]
    BadQuery(String),
    /// The index failed.
    #[error("search failed: {0}")]
    Internal(String),
}

/// Parses `2026-03-01` (the start of that day in UTC, or its end when
/// `end`) or an RFC 3339 time. `None` when it is neither.
pub fn parse_date(s: &str, end: bool) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    let t = if end {
        d.and_hms_opt(23, 59, 59)?
    } else {
        d.and_hms_opt(0, 0, 0)?
    };
    Some(t.and_utc().fixed_offset())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeply_nested_queries_are_refused_quickly() {
        // The input the fuzzer found: a timeout (over 10 s) in tantivy's
        // query parser.
        let mut found = String::from(" \\) b44 444");
        found.push_str(&"(".repeat(41));
        found.push_str("dge44");
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        let started = std::time::Instant::now();
        let r = index.search(&SearchQuery {
            q: found,
            limit: 10,
            ..Default::default()
        });
        assert!(matches!(r, Err(SearchError::BadQuery(_))));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(check_nesting("((a) OR (b AND (c)))").is_ok());
        assert!(check_nesting(&format!("\"{}\"", "(".repeat(50))).is_ok());
        assert!(check_nesting(&"(".repeat(MAX_QUERY_NESTING + 1)).is_err());
    }

    #[test]
    fn queries_that_panic_the_parser_are_bad_queries() {
        // Found by `fuzz/` (search_query): tantivy 0.24 panics on an
        // excluded field-less `*` ("Exist query without a field").
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        for q in [
            "- *",
            "a - *",
            "-\t*",
            "\u{fffd}\r\r\r\r-\r\r\r*\r\r\r\r\r\r\r\r\x0c\rbrib",
        ] {
            let r = index.search(&SearchQuery {
                q: q.into(),
                limit: 10,
                ..Default::default()
            });
            assert!(matches!(r, Err(SearchError::BadQuery(_))), "{q:?}");
        }
    }
}
